//! Funnel plots that allow for over-dispersion (Spiegelhalter 2005; FunnelPlotR).
//!
//! # Method
//! Each point is put on a variance-stabilising scale with its standard error `s_i`:
//! proportions `Y = asin(√(x/n))`, `s = 1/(2√n)` around `θ = asin(√p̄)`; ratios (observed /
//! expected) `Y = log(O/E)`, `s = 1/√E` around `log(target)` (FunnelPlotR "SR", SHMI method);
//! rates as ratios with `E = n × target rate`. A zero count uses 0.5 on the log scale.
//!
//! The z-scores `z_i = (Y_i − θ)/s_i` are winsorised at the `trim` and `1 − trim` quantiles (R
//! type 7; FunnelPlotR's default trim is 10%), and `φ = mean(z_w²)`. The additive random-effects
//! variance (DerSimonian–Laird) is `τ² = max(0, (nφ − (n − 1)) / (Σw − Σw²/Σw))`, `w = 1/s²`
//! (0 when `nφ < n − 1`). Adjusted limits are `θ ± z_α √(s² + τ²)` (additive) or
//! `θ ± z_α √φ s` (multiplicative), back-transformed; a point's adjusted z-score is
//! `(Y − θ)/√(s² + τ²)` (or `/(√φ s)`). FunnelPlotR draws the adjusted limits only when φ > 1.
//!
//! # Reference
//! Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. *Statistics in
//! Medicine* 24, 1185–1202. Spiegelhalter DJ (2005). Handling over-dispersion of performance
//! indicators. *Qual Saf Health Care* 14, 347–351. FunnelPlotR (R), `R/od_adjustment.R`,
//! `R/calculate_limits.R`.

use crate::error::{Error, Result};
use crate::special::z_two_sided;
use crate::trend::{Funnel, FunnelKind, FunnelLimits, FunnelSignificance};

choice! {
    /// How over-dispersion widens the limits.
    pub enum OdModel("model", "over-dispersion model") {
        /// Additive random effects: `√(s² + τ²)`.
        Additive = "additive",
        /// Multiplicative: `√φ · s`.
        Multiplicative = "multiplicative",
    }
}

/// The estimated over-dispersion of a set of funnel points.
#[derive(Debug, Clone, PartialEq)]
pub struct Overdispersion {
    /// Dispersion ratio φ from the winsorised z-scores.
    pub phi: f64,
    /// Between-area variance τ² (DerSimonian–Laird, on the transformed scale).
    pub tau2: f64,
    /// Points used.
    pub n: usize,
    /// Unadjusted z-scores (NaN for points not used).
    pub z: Vec<f64>,
}

/// How much the limits are widened: φ and τ² (from [`overdispersion`]) and the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OdAdjustment {
    /// Dispersion ratio φ (the multiplicative model widens by √φ when φ > 1).
    pub phi: f64,
    /// Between-area variance τ² on the transformed scale (the additive model).
    pub tau2: f64,
    /// Additive or multiplicative widening.
    pub model: OdModel,
}

impl OdAdjustment {
    /// The adjustment itself when φ and τ² are ≥ 0 and finite.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming `overdispersion` otherwise.
    pub fn checked(&self) -> Result<Self> {
        let (phi, tau2) = (self.phi, self.tau2);
        if tau2 >= 0.0 && tau2.is_finite() && phi >= 0.0 && phi.is_finite() {
            Ok(*self)
        } else {
            let reason = "phi and tau2 must be ≥ 0 and finite";
            Err(Error::argument("overdispersion", reason))
        }
    }
}

/// Target on the ratio scale: proportion 0–1, rate per unit, ratio.
fn unit_target(target: f64, kind: FunnelKind, multiplier: f64) -> f64 {
    match kind {
        FunnelKind::Ratio => target,
        _ => target / multiplier,
    }
}

/// (Y, s, θ) of one point.
fn transform(o: f64, n: f64, kind: FunnelKind, t: f64) -> (f64, f64, f64) {
    match kind {
        FunnelKind::Proportion => ((o / n).sqrt().asin(), 0.5 / n.sqrt(), t.sqrt().asin()),
        FunnelKind::Ratio => (o.max(0.5).ln() - n.ln(), 1.0 / n.sqrt(), t.ln()),
        FunnelKind::Rate => {
            let e = n * t;
            (o.max(0.5).ln() - e.ln(), 1.0 / e.sqrt(), 0.0)
        }
    }
}

/// Check point `i` of a funnel: `Ok(false)` when it is missing (NaN numerator or denominator,
/// skipped), an error naming the array and position when it cannot be a funnel point.
fn check_point(i: usize, o: f64, n: f64, kind: FunnelKind) -> Result<bool> {
    if !crate::ci::check_count_pair(i, ["numerators", "denominators"], o, n)? {
        return Ok(false);
    }
    if kind == FunnelKind::Proportion && o > n {
        return Err(Error::value(
            "numerators",
            i,
            o,
            "a proportion's numerator cannot exceed its denominator",
        ));
    }
    Ok(true)
}

/// A funnel and its over-dispersion adjustment, checked, with the two-sided z of the 95% and
/// 99.8% limits: what [`od_limits`] and [`od_significance`] both start from.
#[derive(Clone, Copy)]
struct Adjusted {
    kind: FunnelKind,
    /// The target on the unit scale (see [`check_target`]).
    t: f64,
    multiplier: f64,
    adjustment: OdAdjustment,
    z95: f64,
    z998: f64,
}

impl Adjusted {
    fn new(funnel: &Funnel, adjustment: &OdAdjustment) -> Result<Self> {
        let adjustment = adjustment.checked()?;
        let t = check_target(funnel)?;
        Ok(Adjusted {
            kind: funnel.kind,
            t,
            multiplier: funnel.multiplier,
            adjustment,
            z95: z_two_sided(0.95),
            z998: z_two_sided(0.998),
        })
    }

    /// The adjusted spread of a point whose unadjusted standard error is `s`.
    fn spread(&self, s: f64) -> f64 {
        let OdAdjustment { phi, tau2, model } = self.adjustment;
        spread(s, phi, tau2, model)
    }
}

/// The funnel's target on the unit scale (a proportion, a rate per person, a ratio), once
/// [`Funnel::checked`] accepts the funnel.
fn check_target(funnel: &Funnel) -> Result<f64> {
    let Funnel {
        kind,
        target,
        multiplier,
    } = funnel.checked()?;
    Ok(unit_target(target, kind, multiplier))
}

/// R's type-7 quantile of sorted values.
fn quantile7(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Estimate φ and τ² from funnel points. Missing (NaN) points are left out.
///
/// # Errors
/// [`Error::InvalidValue`] for a negative numerator, a denominator ≤ 0 or (proportions) a
/// numerator above its denominator; [`Error::InvalidArgument`] for a bad target, multiplier or
/// `trim` (0 ≤ trim < 0.5), or fewer than 2 usable points.
///
/// # Examples
/// ```
/// use saferstats::monitoring::funnel_od::overdispersion;
/// use saferstats::trend::{Funnel, FunnelKind};
/// let funnel = Funnel { kind: FunnelKind::Proportion, target: 33.75, multiplier: 100.0 };
/// let od = overdispersion(&[10.0, 40.0, 25.0, 60.0], &[100.0; 4], &funnel, 0.1).unwrap();
/// assert!(od.phi > 1.0 && od.tau2 > 0.0);
/// ```
pub fn overdispersion(
    numerators: &[f64],
    denominators: &[f64],
    funnel: &Funnel,
    trim: f64,
) -> Result<Overdispersion> {
    let kind = funnel.kind;
    crate::ci::check_lengths(&[
        ("numerators", numerators.len()),
        ("denominators", denominators.len()),
    ])?;
    if !(0.0..0.5).contains(&trim) {
        return Err(Error::argument(
            "trim",
            format!("must be in [0, 0.5), got {trim}"),
        ));
    }
    let t = check_target(funnel)?;
    let mut z = vec![f64::NAN; numerators.len()];
    let mut w = Vec::new();
    for (i, (&o, &n)) in numerators.iter().zip(denominators).enumerate() {
        if !check_point(i, o, n, kind)? {
            continue;
        }
        let (y, s, th) = transform(o, n, kind, t);
        z[i] = (y - th) / s;
        w.push(1.0 / (s * s));
    }
    let mut used: Vec<f64> = z.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = used.len();
    if n < 2 {
        return Err(Error::argument(
            "numerators",
            "over-dispersion needs at least 2 points with values",
        ));
    }
    let mut sorted = used.clone();
    sorted.sort_by(f64::total_cmp);
    let (lz, uz) = (quantile7(&sorted, trim), quantile7(&sorted, 1.0 - trim));
    for v in &mut used {
        *v = v.clamp(lz, uz);
    }
    let phi = used.iter().map(|v| v * v).sum::<f64>() / n as f64;
    let nf = n as f64;
    let tau2 = if nf * phi < nf - 1.0 {
        0.0
    } else {
        let sw: f64 = w.iter().sum();
        let sw2: f64 = w.iter().map(|x| x * x).sum();
        ((nf * phi - (nf - 1.0)) / (sw - sw2 / sw)).max(0.0)
    };
    Ok(Overdispersion { phi, tau2, n, z })
}

fn spread(s: f64, phi: f64, tau2: f64, model: OdModel) -> f64 {
    match model {
        OdModel::Additive => (s * s + tau2).sqrt(),
        OdModel::Multiplicative => phi.max(1.0).sqrt() * s,
    }
}

/// Adjusted limits `[lower_998, lower_95, upper_95, upper_998]` at each denominator, on the
/// `multiplier` scale (ratios unscaled).
///
/// # Errors
/// [`Error::InvalidValue`] for a denominator ≤ 0; [`Error::InvalidArgument`] for a bad target,
/// multiplier, φ or τ².
///
/// # Examples
/// ```
/// use saferstats::monitoring::funnel_od::{od_limits, OdAdjustment, OdModel};
/// use saferstats::trend::{Funnel, FunnelKind};
/// let funnel = Funnel { kind: FunnelKind::Ratio, target: 1.0, multiplier: 1.0 };
/// let none = OdAdjustment { phi: 1.0, tau2: 0.0, model: OdModel::Additive };
/// let l = od_limits(&[100.0], &funnel, &none).unwrap();
/// assert!((l[0].upper_95 - (1.959963984540054f64 / 10.0).exp()).abs() < 1e-12);
/// ```
pub fn od_limits(
    denominators: &[f64],
    funnel: &Funnel,
    adjustment: &OdAdjustment,
) -> Result<Vec<FunnelLimits>> {
    let adjusted = Adjusted::new(funnel, adjustment)?;
    let Adjusted {
        kind,
        t,
        multiplier,
        z95,
        z998,
        ..
    } = adjusted;
    let scale = if kind == FunnelKind::Ratio {
        1.0
    } else {
        multiplier
    };
    denominators
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            if n.is_nan() {
                return Ok(FunnelLimits {
                    lower_998: f64::NAN,
                    lower_95: f64::NAN,
                    upper_95: f64::NAN,
                    upper_998: f64::NAN,
                });
            }
            if !(n > 0.0 && n.is_finite()) {
                return Err(Error::value(
                    "denominators",
                    i,
                    n,
                    "must be positive and finite",
                ));
            }
            let (_, s, th) = transform(1.0, n, kind, t);
            let sd = adjusted.spread(s);
            let back = |v: f64| match kind {
                FunnelKind::Proportion => {
                    let a = v.clamp(0.0, std::f64::consts::FRAC_PI_2);
                    a.sin().powi(2) * scale
                }
                FunnelKind::Ratio => v.exp(),
                FunnelKind::Rate => t * v.exp() * scale,
            };
            Ok(FunnelLimits {
                lower_998: back(th - z998 * sd),
                lower_95: back(th - z95 * sd),
                upper_95: back(th + z95 * sd),
                upper_998: back(th + z998 * sd),
            })
        })
        .collect()
}

/// Significance of each point against the adjusted limits (PHE labels).
///
/// # Errors
/// As [`overdispersion`] and [`od_limits`] (including φ or τ² < 0 or not finite).
///
/// # Examples
/// ```
/// use saferstats::monitoring::funnel_od::{od_significance, OdAdjustment, OdModel};
/// use saferstats::trend::{Funnel, FunnelKind, FunnelSignificance};
/// let funnel = Funnel { kind: FunnelKind::Ratio, target: 1.0, multiplier: 1.0 };
/// let none = OdAdjustment { phi: 1.0, tau2: 0.0, model: OdModel::Additive };
/// let s = od_significance(&[130.0], &[100.0], &funnel, &none).unwrap();
/// assert_eq!(s[0], FunnelSignificance::High0025);
/// ```
pub fn od_significance(
    numerators: &[f64],
    denominators: &[f64],
    funnel: &Funnel,
    adjustment: &OdAdjustment,
) -> Result<Vec<FunnelSignificance>> {
    let adjusted = Adjusted::new(funnel, adjustment)?;
    let Adjusted {
        kind, t, z95, z998, ..
    } = adjusted;
    crate::ci::check_lengths(&[
        ("numerators", numerators.len()),
        ("denominators", denominators.len()),
    ])?;
    numerators
        .iter()
        .zip(denominators)
        .enumerate()
        .map(|(i, (&o, &n))| {
            if !check_point(i, o, n, kind)? {
                return Ok(FunnelSignificance::NotApplicable);
            }
            let (y, s, th) = transform(o, n, kind, t);
            let z = (y - th) / adjusted.spread(s);
            Ok(FunnelSignificance::from_tests(
                [z < -z998, z < -z95],
                [z > z998, z > z95],
            ))
        })
        .collect()
}

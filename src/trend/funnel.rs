//! PHE funnel plot limits (99.8% and 95%) for proportions, rates and ratios, and the
//! significance of each point against them. Method: `docs/methods/trends.md`.

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::rates::{byar_limits, poisson_exact_limits, PHE_EXACT_BELOW};
use crate::special::{gamma_quantile, norm_ppf, z_two_sided};

choice! {
    /// What a funnel plot compares.
    pub enum FunnelKind("kind", "funnel kind") {
        /// Proportions (denominator = trials); Wilson-based closed-form limits.
        Proportion = "proportion",
        /// Rates (denominator = population); exact Poisson limits.
        Rate = "rate",
        /// Ratios observed/expected (denominator = expected count); exact Poisson limits.
        Ratio = "ratio",
    }
}

/// A funnel: what it compares, its target (the centre line) and the scale of the target and the
/// limits. Shared by the PHE funnels here and the over-dispersed ones of
/// [`crate::monitoring::funnel_od`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Funnel {
    /// Proportions, rates or ratios.
    pub kind: FunnelKind,
    /// Target on the `multiplier` scale (a percentage with 100, a rate per 100,000 with 1e5);
    /// for ratios normally 1.
    pub target: f64,
    /// Scale of the target and the limits (1, 100, 1e5, ...; not used by ratios).
    pub multiplier: f64,
}

impl Funnel {
    /// A funnel of `kind` around `target` on the `multiplier` scale.
    pub const fn new(kind: FunnelKind, target: f64, multiplier: f64) -> Self {
        Funnel {
            kind,
            target,
            multiplier,
        }
    }

    /// The funnel itself when it is usable: `multiplier` positive and finite; `target` between 0
    /// and `multiplier` (exclusive) for proportions, positive and finite for rates and ratios.
    /// Every funnel function (the PHE ones here and the over-dispersed ones) checks with this,
    /// so they refuse the same funnels with the same words.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] on `multiplier` or `target`.
    ///
    /// # Examples
    /// ```
    /// use saferstats::trend::{Funnel, FunnelKind};
    /// assert!(Funnel::new(FunnelKind::Proportion, 20.0, 100.0).checked().is_ok());
    /// let e = Funnel::new(FunnelKind::Proportion, 120.0, 100.0).checked().unwrap_err();
    /// assert!(e.to_string().contains("between 0 and 100"));
    /// ```
    pub fn checked(&self) -> Result<Self> {
        let (kind, target, multiplier) = (self.kind, self.target, self.multiplier);
        if !(multiplier.is_finite() && multiplier > 0.0) {
            return Err(Error::argument("multiplier", "must be a positive number"));
        }
        let (ok, range) = match kind {
            FunnelKind::Proportion => (
                target > 0.0 && target < multiplier,
                format!("between 0 and {multiplier} (the multiplier), exclusive"),
            ),
            _ => (
                target > 0.0 && target.is_finite(),
                "a positive number".to_string(),
            ),
        };
        if ok {
            Ok(*self)
        } else {
            Err(Error::argument(
                "target",
                format!("{target} is not a usable target for a {kind} funnel: it must be {range}"),
            ))
        }
    }
}

/// The four PHE funnel limits at one denominator: 99.8% and 95% lower and upper.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FunnelLimits {
    /// Lower 99.8% ("3 sigma") limit.
    pub lower_998: f64,
    /// Lower 95% ("2 sigma") limit.
    pub lower_95: f64,
    /// Upper 95% limit.
    pub upper_95: f64,
    /// Upper 99.8% limit.
    pub upper_998: f64,
}

impl FunnelLimits {
    /// The four limits in column order: `[lower_998, lower_95, upper_95, upper_998]`.
    ///
    /// # Examples
    /// ```
    /// use saferstats::trend::FunnelLimits;
    /// let l = FunnelLimits { lower_998: 1.0, lower_95: 2.0, upper_95: 3.0, upper_998: 4.0 };
    /// assert_eq!(l.to_array(), [1.0, 2.0, 3.0, 4.0]);
    /// ```
    pub fn to_array(&self) -> [f64; 4] {
        [self.lower_998, self.lower_95, self.upper_95, self.upper_998]
    }
}

/// One-tail probabilities of the two PHE limits: 95% ("2s") and 99.8% ("3s").
const FUNNEL_P: [f64; 2] = [0.975, 0.999];

/// PHE proportion funnel limit (closed form, `sigma_adjustment`) at denominator `n`, target
/// proportion `pbar` (0–1), one-tail probability `p`; returns (low, high) as proportions.
fn proportion_limit(n: f64, pbar: f64, p: f64) -> (f64, f64) {
    let q = norm_ppf(p).powi(2);
    let a = pbar * (n / q + 1.0);
    let b = (64.0 * pbar.powi(2) * (n / q + 1.0).powi(2)
        - 64.0
            * (1.0 / q + 1.0 / n)
            * pbar
            * (n * (pbar * (n / q + 2.0) - 1.0) + q * (pbar - 1.0)))
        .max(0.0)
        .sqrt();
    let c = 1.0 / q + 1.0 / n;
    let low = ((a - b / 8.0) / c / n).clamp(0.0, 1.0);
    let high = ((a + b / 8.0) / c / n).clamp(0.0, 1.0);
    (low, high)
}

/// The root of `h` (increasing) near `guess` (≥ 0): a bracket grown from `guess`, then the
/// Illinois variant of false position (each step keeps the root bracketed; a step that does not
/// halve the bracket is followed by a bisection), to a bracket of 1e-12 relative, as bisection
/// from [0, ∞) gave it before with ~50 evaluations of `h` (here ~10). 0 where `h(0) ≥ 0`; NaN
/// where `h` is NaN or no bracket is found.
fn solve_count(guess: f64, h: impl Fn(f64) -> f64) -> f64 {
    let g = if guess.is_finite() {
        guess.max(0.0)
    } else {
        0.0
    };
    let mut step = 1.0 + 0.02 * g.sqrt();
    let hg = h(g);
    let (mut lo, mut hlo, mut hi, mut hhi);
    if hg.is_nan() {
        return f64::NAN;
    }
    if hg < 0.0 {
        (lo, hlo) = (g, hg);
        loop {
            hi = lo + step;
            hhi = h(hi);
            if hhi.is_nan() || !hi.is_finite() {
                return f64::NAN;
            }
            if hhi >= 0.0 {
                break;
            }
            (lo, hlo) = (hi, hhi);
            step *= 4.0;
        }
    } else {
        (hi, hhi) = (g, hg);
        loop {
            if hi == 0.0 {
                return 0.0;
            }
            lo = (hi - step).max(0.0);
            hlo = h(lo);
            if hlo.is_nan() {
                return f64::NAN;
            }
            if hlo < 0.0 {
                break;
            }
            (hi, hhi) = (lo, hlo);
            step *= 4.0;
        }
    }
    let (mut side, mut bisect) = (0_i8, false);
    for _ in 0..200 {
        let width = hi - lo;
        if width <= 1e-12 * hi.max(1e-300) {
            break;
        }
        let mut x = if bisect {
            0.5 * (lo + hi)
        } else {
            (lo * hhi - hi * hlo) / (hhi - hlo)
        };
        if !(x > lo && x < hi) {
            x = 0.5 * (lo + hi);
        }
        let hx = h(x);
        if hx.is_nan() {
            return f64::NAN;
        }
        if hx < 0.0 {
            (lo, hlo) = (x, hx);
            if side == -1 {
                hhi *= 0.5;
            }
            side = -1;
        } else {
            (hi, hhi) = (x, hx);
            if side == 1 {
                hlo *= 0.5;
            }
            side = 1;
        }
        bisect = !bisect && hi - lo > 0.5 * width;
    }
    0.5 * (lo + hi)
}

/// Exact Poisson funnel limits on the count scale for an expected count `e`:
/// the upper limit is the O whose exact lower limit equals e, the lower limit the O whose exact
/// upper limit equals e (0 when even O = 0 has an upper limit above e). Returns (low, high).
///
/// The exact lower limit of O is the gamma quantile x with P(O, x) = 1 − p (P, Q the regularized
/// lower and upper incomplete gamma functions), and it lies below e exactly when P(O, e) > 1 − p:
/// so the upper limit is the root in O of (1 − p) − P(O, e), the lower limit that of
/// Q(O + 1, e) − (1 − p) (both increasing in O; each evaluation one incomplete gamma function
/// instead of a quantile's iterations). Started from the normal approximation O ∓ z√O = e.
fn poisson_count_limits(e: f64, p: f64) -> (f64, f64) {
    use statrs::function::gamma::{checked_gamma_lr, checked_gamma_ur};
    let q = 1.0 - p;
    let z = norm_ppf(p);
    let root = |s: f64| 0.5 * (s + (z * z + 4.0 * e).sqrt());
    let high = solve_count(root(z).powi(2), |o| {
        if o <= 0.0 {
            return q - 1.0;
        }
        checked_gamma_lr(o, e).map_or(f64::NAN, |lr| q - lr)
    });
    let low = if gamma_quantile(p, 1.0) >= e {
        0.0
    } else {
        solve_count(root(-z).powi(2) - 1.0, |o| {
            checked_gamma_ur(o + 1.0, e).map_or(f64::NAN, |ur| ur - q)
        })
    };
    (low, high)
}

/// PHE funnel plot control limits (95% and 99.8%) at each denominator.
///
/// Method (docs/methods/trends.md A7; PHEindicatormethods `calculate_funnel_limits`):
/// - `Proportion`: the closed-form limits at which a Wilson interval just reaches the target
///   (`target` and results on the `multiplier` scale, e.g. 100 for percentages), clipped to
///   [0, multiplier].
/// - `Rate`: exact Poisson limits. With expected count E = target/multiplier × denominator, the
///   upper limit is the (continuous) count whose exact lower confidence limit equals E, the lower
///   limit the count whose exact upper limit equals E; reported as rates per multiplier.
/// - `Ratio`: as `Rate` with E = denominator (the expected count) and limits as O/E × target.
///
/// # Errors
/// Denominators ≤ 0 or not finite; target outside (0, multiplier) for proportions or ≤ 0 otherwise.
///
/// # Examples
/// ```
/// use saferstats::trend::{funnel_limits, Funnel, FunnelKind};
/// // docs/methods/trends.md A7: target 20%, n = 100 -> 7.639071 / 12.160144 / 27.839856 / 32.360929
/// let funnel = Funnel { kind: FunnelKind::Proportion, target: 20.0, multiplier: 100.0 };
/// let l = funnel_limits(&[100.0], &funnel).unwrap();
/// assert!((l[0].lower_998 - 7.639071).abs() < 1e-6 && (l[0].upper_95 - 27.839856).abs() < 1e-6);
/// ```
pub fn funnel_limits(denominators: &[f64], funnel: &Funnel) -> Result<Vec<FunnelLimits>> {
    let (kind, target, multiplier) = (funnel.kind, funnel.target, funnel.multiplier);
    crate::ci::check_column(
        "denominators",
        denominators,
        crate::ci::Domain::Positive,
        crate::ci::Missing::Error,
    )?;
    funnel.checked()?;
    Ok(denominators
        .par_iter()
        .map(|&n| match kind {
            FunnelKind::Proportion => {
                let pbar = target / multiplier;
                let (l2, h2) = proportion_limit(n, pbar, FUNNEL_P[0]);
                let (l3, h3) = proportion_limit(n, pbar, FUNNEL_P[1]);
                FunnelLimits {
                    lower_998: l3 * multiplier,
                    lower_95: l2 * multiplier,
                    upper_95: h2 * multiplier,
                    upper_998: h3 * multiplier,
                }
            }
            FunnelKind::Rate | FunnelKind::Ratio => {
                let (e, to_out) = if kind == FunnelKind::Rate {
                    (target / multiplier * n, multiplier / n)
                } else {
                    (target * n, 1.0 / n)
                };
                let (l2, h2) = poisson_count_limits(e, FUNNEL_P[0]);
                let (l3, h3) = poisson_count_limits(e, FUNNEL_P[1]);
                FunnelLimits {
                    lower_998: l3 * to_out,
                    lower_95: l2 * to_out,
                    upper_95: h2 * to_out,
                    upper_998: h3 * to_out,
                }
            }
        })
        .collect())
}

coded_enum! {
    /// PHE funnel significance of one point.
    pub enum FunnelSignificance in "trend" {
        /// Below the 99.8% lower limit.
        Low0001 = 0 => "Low (0.001)",
        /// Below the 95% lower limit.
        Low0025 = 1 => "Low (0.025)",
        /// Within the 95% limits.
        NotSignificant = 2 => "Not significant",
        /// Above the 95% upper limit.
        High0025 = 3 => "High (0.025)",
        /// Above the 99.8% upper limit.
        High0001 = 4 => "High (0.001)",
        /// Missing input.
        NotApplicable = 5 => "Not applicable",
    }
}

impl FunnelSignificance {
    /// The label of a point from the four comparisons with its limits, each `[99.8%, 95%]`:
    /// `below` when it lies below the lower limit (or its interval below the target), `above`
    /// when above the upper one; the 99.8% comparison first, and neither when it is missing.
    pub(crate) fn from_tests(below: [bool; 2], above: [bool; 2]) -> Self {
        match (below, above) {
            ([true, _], _) => FunnelSignificance::Low0001,
            ([_, true], _) => FunnelSignificance::Low0025,
            (_, [true, _]) => FunnelSignificance::High0001,
            (_, [_, true]) => FunnelSignificance::High0025,
            _ => FunnelSignificance::NotSignificant,
        }
    }
}

/// PHE funnel significance for each (numerator, denominator).
///
/// Method (docs/methods/trends.md A7; `assign_funnel_significance`): proportions compare the observed
/// value with the [`funnel_limits`] at its denominator; rates and ratios compare the point's own
/// exact (O < 10) or Byar's (O ≥ 10) 95% and 99.8% intervals with the target (for ratios the
/// denominator is the expected count and the target normally 1).
///
/// # Errors
/// Negative numerators, denominators ≤ 0, a proportion numerator above its denominator, or an
/// invalid target.
///
/// # Examples
/// ```
/// use saferstats::trend::{funnel_significance, Funnel, FunnelKind, FunnelSignificance};
/// // docs/methods/trends.md A7 ratio fixture: (151 observed, 106.442972 expected) -> High (0.001)
/// let funnel = Funnel { kind: FunnelKind::Ratio, target: 1.0, multiplier: 1.0 };
/// let s = funnel_significance(&[151.0], &[106.442972], &funnel).unwrap();
/// assert_eq!(s[0], FunnelSignificance::High0001);
/// ```
pub fn funnel_significance(
    numerators: &[f64],
    denominators: &[f64],
    funnel: &Funnel,
) -> Result<Vec<FunnelSignificance>> {
    let (kind, target, multiplier) = (funnel.kind, funnel.target, funnel.multiplier);
    crate::ci::check_counts(
        ("numerators", numerators),
        ("denominators", denominators),
        crate::ci::Missing::Propagate,
    )?;
    if kind == FunnelKind::Proportion {
        for (i, (&x, &n)) in numerators.iter().zip(denominators).enumerate() {
            if x > n {
                return Err(Error::value(
                    "numerators",
                    i,
                    x,
                    format!("is larger than its denominator ({n})"),
                ));
            }
        }
    }
    let limits = match kind {
        FunnelKind::Proportion => {
            let dens: Vec<f64> = denominators
                .iter()
                .map(|d| if d.is_nan() { 1.0 } else { *d })
                .collect();
            Some(funnel_limits(&dens, funnel)?)
        }
        _ => {
            funnel.checked()?;
            None
        }
    };
    let z95 = z_two_sided(0.95);
    let z998 = z_two_sided(0.998);
    Ok((0..numerators.len())
        .map(|i| {
            let (o, d) = (numerators[i], denominators[i]);
            if o.is_nan() || d.is_nan() {
                return FunnelSignificance::NotApplicable;
            }
            let (lo3, lo2, hi2, hi3, value) = match (&limits, kind) {
                (Some(l), _) => {
                    let l = l[i];
                    (
                        l.lower_998,
                        l.lower_95,
                        l.upper_95,
                        l.upper_998,
                        o / d * multiplier,
                    )
                }
                _ => {
                    // The point's own CI against the target.
                    let ci = |conf: f64, z: f64| {
                        if o < PHE_EXACT_BELOW {
                            poisson_exact_limits(o, conf)
                        } else {
                            byar_limits(o, z)
                        }
                    };
                    let scale = if kind == FunnelKind::Rate {
                        multiplier / d
                    } else {
                        1.0 / d
                    };
                    let (l95, u95) = ci(0.95, z95);
                    let (l998, u998) = ci(0.998, z998);
                    // express as "target within the point's interval" by mirroring: value is the
                    // target, limits are the point's interval
                    return FunnelSignificance::from_tests(
                        [u998 * scale < target, u95 * scale < target],
                        [l998 * scale > target, l95 * scale > target],
                    );
                }
            };
            FunnelSignificance::from_tests([value < lo3, value < lo2], [value > hi3, value > hi2])
        })
        .collect())
}

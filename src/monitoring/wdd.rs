//! The weighted displacement difference (WDD) test (Wheeler & Ratcliffe 2018) and its
//! harm-weighted combination.
//!
//! # Method
//! With pre/post counts in the treated area `T`, its control `C`, and optionally a displacement
//! area `D` with its own control `DC`, and weights `w` (time weight × area weight per cell):
//!
//! * local: `(T_post/w − T_pre/w) − (C_post/w − C_pre/w)`, variance `Σ count / w²` (Poisson);
//! * displacement: the same for `D` and `DC` (zero when not given);
//! * total = local + displacement; `z = estimate / se`; CI `estimate ± z_{1−α/2} · se`.
//!
//! Harm-weighted combination (`wdd_harm`): `Σ w_k est_k`, se `√Σ w_k² se_k²`.
//!
//! # Reference
//! Wheeler AP, Ratcliffe JH (2018). A simple weighted displacement difference test to evaluate
//! place based crime interventions. *Crime Science* 7:11. ptools 2.0.0 (R) `wdd`, `wdd_harm`;
//! its test `wdd(c(308,318), c(207,110), c(150,140), c(178,157))`: total −118, SE √1568,
//! z −2.98, 95% CI −196 to −40.

use crate::error::{Error, MissingAdvice, Result};
use crate::special::z_two_sided;

/// One row of a WDD table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WddRow {
    /// The estimate (change in crimes, negative = fewer).
    pub estimate: f64,
    /// Standard error.
    pub se: f64,
    /// estimate / se.
    pub z: f64,
    /// Two-sided normal p-value.
    pub p_value: f64,
    /// Lower confidence limit.
    pub lower: f64,
    /// Upper confidence limit.
    pub upper: f64,
}

impl WddRow {
    fn new(estimate: f64, var: f64, zc: f64) -> Self {
        let se = var.sqrt();
        let z = estimate / se;
        WddRow {
            estimate,
            se,
            z,
            p_value: crate::special::p_two_sided(z),
            lower: estimate - zc * se,
            upper: estimate + zc * se,
        }
    }
}

/// Local, displacement and total rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wdd {
    /// The treated area against its control.
    pub local: WddRow,
    /// The displacement area against its control (zeros when not given).
    pub displacement: WddRow,
    /// local + displacement.
    pub total: WddRow,
}

fn check_pair(name: &str, v: [f64; 2]) -> Result<()> {
    for (i, &x) in v.iter().enumerate() {
        if x.is_nan() {
            return Err(Error::missing(name, i, MissingAdvice::None));
        }
        if !(x >= 0.0 && x.is_finite()) {
            return Err(Error::value(name, i, x, "a count must be ≥ 0 and finite"));
        }
    }
    Ok(())
}

fn check_weights(name: &str, v: &[f64]) -> Result<()> {
    for (i, &x) in v.iter().enumerate() {
        if !(x > 0.0 && x.is_finite()) {
            return Err(Error::value(
                name,
                i,
                x,
                "a weight must be positive and finite",
            ));
        }
    }
    Ok(())
}

/// Options of [`wdd`]: the weights of the cells and the confidence level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WddOptions {
    /// `[pre, post]` time weights (e.g. the months in each period); default `[1, 1]`.
    pub time_weights: [f64; 2],
    /// `[control, treated, displacement control, displacement]` area weights; default all 1.
    pub area_weights: [f64; 4],
    /// Two-sided confidence level (default 0.95).
    pub confidence: f64,
}

impl Default for WddOptions {
    fn default() -> Self {
        WddOptions {
            time_weights: [1.0; 2],
            area_weights: [1.0; 4],
            confidence: 0.95,
        }
    }
}

/// The WDD test. Each area is `[pre, post]`; the weights are those of [`WddOptions`].
///
/// # Errors
/// [`Error::InvalidValue`] for a negative or infinite count or a weight ≤ 0;
/// [`Error::MissingValue`] for NaN; [`Error::InvalidArgument`] for a bad confidence.
///
/// # Examples
/// ```
/// use saferstats::monitoring::wdd::{wdd, WddOptions};
/// let w = wdd([308.0, 318.0], [207.0, 110.0], Some([150.0, 140.0]), Some([178.0, 157.0]),
///             &WddOptions::default()).unwrap();
/// assert_eq!(w.total.estimate, -118.0);
/// assert!((w.total.se - 1568f64.sqrt()).abs() < 1e-12);
/// ```
pub fn wdd(
    control: [f64; 2],
    treated: [f64; 2],
    disp_control: Option<[f64; 2]>,
    disp_treated: Option<[f64; 2]>,
    opts: &WddOptions,
) -> Result<Wdd> {
    let WddOptions {
        time_weights,
        area_weights,
        confidence,
    } = *opts;
    let confidence = crate::special::check_confidence(confidence)?;
    check_pair("control", control)?;
    check_pair("treated", treated)?;
    let dc = disp_control.unwrap_or([0.0, 0.0]);
    let dt = disp_treated.unwrap_or([0.0, 0.0]);
    check_pair("disp_control", dc)?;
    check_pair("disp_treated", dt)?;
    check_weights("time_weights", &time_weights)?;
    check_weights("area_weights", &area_weights)?;
    let zc = z_two_sided(confidence);
    let w = |t: usize, a: usize| time_weights[t] * area_weights[a];
    let diff = |x: [f64; 2], a: usize| x[1] / w(1, a) - x[0] / w(0, a);
    let var = |x: [f64; 2], a: usize| x[1] / w(1, a).powi(2) + x[0] / w(0, a).powi(2);
    let est_l = diff(treated, 1) - diff(control, 0);
    let var_l = var(treated, 1) + var(control, 0);
    let est_d = diff(dt, 3) - diff(dc, 2);
    let var_d = var(dt, 3) + var(dc, 2);
    Ok(Wdd {
        local: WddRow::new(est_l, var_l, zc),
        displacement: WddRow::new(est_d, var_d, zc),
        total: WddRow::new(est_l + est_d, var_l + var_d, zc),
    })
}

/// Harm-weighted combination of several WDD estimates: `Σ w·est`, se `√Σ w²·se²`.
///
/// # Errors
/// [`Error::LengthMismatch`]; [`Error::InvalidValue`] for a non-finite estimate, a negative or
/// non-finite se or weight; [`Error::InvalidArgument`] for no estimates or a bad confidence.
///
/// # Examples
/// ```
/// use saferstats::monitoring::wdd::wdd_harm;
/// let h = wdd_harm(&[-10.0, -5.0], &[3.0, 4.0], &[2.0, 1.0], 0.95).unwrap();
/// assert_eq!(h.estimate, -25.0);
/// assert!((h.se - 52f64.sqrt()).abs() < 1e-12);
/// ```
pub fn wdd_harm(estimates: &[f64], se: &[f64], weights: &[f64], confidence: f64) -> Result<WddRow> {
    let confidence = crate::special::check_confidence(confidence)?;
    crate::ci::check_lengths(&[
        ("estimates", estimates.len()),
        ("se", se.len()),
        ("weights", weights.len()),
    ])?;
    if estimates.is_empty() {
        return Err(Error::argument("estimates", "no estimates to combine"));
    }
    for (name, v, nonneg) in [
        ("estimates", estimates, false),
        ("se", se, true),
        ("weights", weights, true),
    ] {
        for (i, &x) in v.iter().enumerate() {
            if x.is_nan() {
                return Err(Error::missing(name, i, MissingAdvice::None));
            }
            if !x.is_finite() || (nonneg && x < 0.0) {
                return Err(Error::value(
                    name,
                    i,
                    x,
                    "must be finite (and ≥ 0 for se and weights)",
                ));
            }
        }
    }
    let est: f64 = estimates.iter().zip(weights).map(|(e, w)| e * w).sum();
    let var: f64 = se.iter().zip(weights).map(|(s, w)| (s * w).powi(2)).sum();
    Ok(WddRow::new(est, var, z_two_sided(confidence)))
}

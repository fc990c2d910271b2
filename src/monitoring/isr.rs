//! Indirectly standardised ratios (ISR / SMR) with exact or Byar's confidence limits
//! (PHEindicatormethods `calculate_ISRatio`, `calculate_ISRate`).
//!
//! # Method
//! Expected events `E = Σ_i n_i · x_ref,i / n_ref,i` over the strata (age bands) of an area
//! (computed by the caller), observed `O = Σ x_i`; ratio `O/E`. Limits: exact Poisson
//! (χ², Garwood) for `O < 10`, Byar's approximation for `O ≥ 10`, divided by `E` — the PHE
//! switch (docs/methods/rates.md A1). The indirectly standardised *rate* multiplies the ratio and its limits
//! by the reference rate `Σ x_ref / Σ n_ref` and a multiplier.
//!
//! # Reference
//! Breslow NE, Day NE (1987). *Statistical Methods in Cancer Research* II. PHEindicatormethods
//! 2.1.0 `calculate_ISRatio` / `calculate_ISRate`, test sheet `testresults_ISR`.

use crate::error::{Error, Result};
use crate::rates::{byar_limits, poisson_exact_limits};
use crate::special::{check_confidence, z_two_sided};

/// One area's ratio and limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IsrRow {
    /// O / E.
    pub ratio: f64,
    /// Lower limit.
    pub lower: f64,
    /// Upper limit.
    pub upper: f64,
    /// True when the exact (χ²) limits were used (O < 10), false for Byar's.
    pub exact: bool,
}

/// Ratios O/E with PHE's exact / Byar's limits. NaN in either input gives a NaN row.
///
/// # Errors
/// [`Error::InvalidValue`] for a negative or non-finite observed count, an expected count ≤ 0;
/// [`Error::InvalidArgument`] for a bad confidence.
///
/// # Examples
/// ```
/// use saferstats::monitoring::isr::isr;
/// // PHEindicatormethods testresults_ISR, testdata_big: 895 / 835.8835612311743
/// let r = isr(&[895.0], &[835.8835612311743], 0.95).unwrap();
/// assert!((r[0].ratio - 1.0707232939020275).abs() < 1e-12);
/// assert!((r[0].lower - 1.0017147712553987).abs() < 1e-9);
/// ```
pub fn isr(observed: &[f64], expected: &[f64], confidence: f64) -> Result<Vec<IsrRow>> {
    let confidence = check_confidence(confidence)?;
    crate::ci::check_lengths(&[("observed", observed.len()), ("expected", expected.len())])?;
    let z = z_two_sided(confidence);
    observed
        .iter()
        .zip(expected)
        .enumerate()
        .map(|(i, (&o, &e))| {
            if !crate::ci::check_count_pair(i, ["observed", "expected"], o, e)? {
                return Ok(IsrRow {
                    ratio: f64::NAN,
                    lower: f64::NAN,
                    upper: f64::NAN,
                    exact: false,
                });
            }
            let exact = o < 10.0;
            let (l, u) = if exact {
                poisson_exact_limits(o, confidence)
            } else {
                byar_limits(o, z)
            };
            Ok(IsrRow {
                ratio: o / e,
                lower: l / e,
                upper: u / e,
                exact,
            })
        })
        .collect()
}

/// For each event count O, the expected counts at which O is just significant at one-tail
/// probability `p`: `(low, high)` with `P(X ≥ O | low) = p` and `P(X ≤ O | high) = p` — the exact
/// Poisson limits of O (PHEindicatormethods `poisson_funnel`, solved in closed form).
///
/// # Errors
/// [`Error::InvalidValue`] for a negative or non-finite count; [`Error::InvalidArgument`] for
/// `p` outside (0, 0.5).
///
/// # Examples
/// ```
/// use saferstats::monitoring::isr::poisson_expected_limits;
/// // docs/methods/trends.md A7: O = 1 -> E 0.025318 (upper 2s) and 5.571645 (lower 2s)
/// let l = poisson_expected_limits(&[1.0], 0.025).unwrap();
/// assert!((l[0].0 - 0.025318).abs() < 1e-6 && (l[0].1 - 5.571645).abs() < 1e-5);
/// ```
pub fn poisson_expected_limits(events: &[f64], p: f64) -> Result<Vec<(f64, f64)>> {
    if !(p > 0.0 && p < 0.5) {
        return Err(Error::argument(
            "p",
            format!("must be in (0, 0.5), got {p}"),
        ));
    }
    events
        .iter()
        .enumerate()
        .map(|(i, &o)| {
            if !(o >= 0.0 && o.is_finite()) {
                return Err(Error::value("events", i, o, "must be ≥ 0 and finite"));
            }
            Ok((
                crate::special::gamma_quantile(p, o),
                crate::special::gamma_quantile(1.0 - p, o + 1.0),
            ))
        })
        .collect()
}

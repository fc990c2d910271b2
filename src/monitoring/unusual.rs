//! "Is this period unusual given the last N?" — a Poisson test of each period's count against
//! the counts of the `baseline` periods before it.
//!
//! # Method
//! For period t with count `x_t` and the sum `B` of the previous N counts (expected `B/N`):
//! * `ETest` (default): the E-test of `x_t` over exposure 1 against `B` over exposure N
//!   ([`crate::monitoring::etest`]), which allows for the baseline being estimated;
//! * `Poisson`: the exact Poisson test of `x_t` against a known mean `B/N`; two-sided p =
//!   min(1, 2 min(P(X ≤ x), P(X ≥ x))). It ignores the baseline's own noise, so it flags more.
//!
//! Periods with fewer than N earlier periods in their series get NaN.
//!
//! # Reference
//! Krishnamoorthy & Thomson (2004); ptools `e_test`; for the exact Poisson test, R
//! `poisson.test` (two-sided by the doubling rule used here, "minlike" in R).

use rayon::prelude::*;
use statrs::function::gamma::{gamma_lr, gamma_ur};

use crate::cancel::Cancel;
use crate::error::{Error, MissingAdvice, Result};

choice! {
    /// The test used by [`unusual_periods`].
    pub enum UnusualMethod("method", "unusual-period test") {
        /// E-test against the baseline counts.
        ETest = "e_test",
        /// Exact Poisson test against the baseline mean.
        Poisson = "poisson",
    }
}

/// One period's test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnusualRow {
    /// Mean of the previous N counts (NaN when there are fewer).
    pub expected: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Two-sided exact Poisson p-value of `x` against mean `mu` (doubling the smaller tail).
fn poisson_two_sided(x: f64, mu: f64) -> f64 {
    if mu == 0.0 {
        return if x == 0.0 { 1.0 } else { 0.0 };
    }
    let low = gamma_ur(x + 1.0, mu);
    let high = if x <= 0.0 { 1.0 } else { gamma_lr(x, mu) };
    (2.0 * low.min(high)).min(1.0)
}

/// Test every period of every series against the `baseline` periods before it.
///
/// # Errors
/// [`Error::InvalidValue`] for a negative, fractional or missing count;
/// [`Error::InvalidArgument`] for `baseline` < 1 or bad series starts; [`Error::Interrupted`].
///
/// # Examples
/// ```
/// use saferstats::monitoring::unusual::{unusual_periods, UnusualMethod};
/// let x = [10.0, 12.0, 9.0, 11.0, 30.0];
/// let r = unusual_periods(&x, &[0], 4, UnusualMethod::Poisson, &saferstats::cancel::NEVER).unwrap();
/// assert!(r[3].p_value.is_nan() && r[4].expected == 10.5 && r[4].p_value < 0.001);
/// ```
pub fn unusual_periods(
    values: &[f64],
    series_starts: &[usize],
    baseline: usize,
    method: UnusualMethod,
    cancel: &Cancel,
) -> Result<Vec<UnusualRow>> {
    let n = values.len();
    if baseline < 1 {
        return Err(Error::argument("baseline", "must be at least 1 period"));
    }
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            return Err(Error::missing("values", i, MissingAdvice::None));
        }
        if !(v >= 0.0 && v.is_finite() && v.fract() == 0.0 && v <= super::etest::MAX_COUNT) {
            return Err(Error::value(
                "values",
                i,
                v,
                "a count must be a whole number ≥ 0",
            ));
        }
    }
    if n == 0 {
        return Ok(Vec::new());
    }
    if series_starts.first() != Some(&0)
        || series_starts.windows(2).any(|w| w[0] >= w[1])
        || series_starts.last().is_some_and(|&s| s >= n)
    {
        return Err(Error::argument(
            "series_starts",
            "must start at 0 and increase",
        ));
    }
    let mut start_of = vec![0usize; n];
    for (k, &s) in series_starts.iter().enumerate() {
        let e = series_starts.get(k + 1).copied().unwrap_or(n);
        for v in &mut start_of[s..e] {
            *v = s;
        }
    }
    (0..n)
        .into_par_iter()
        .map(|i| {
            if i % 4096 == 0 {
                cancel.check()?;
            }
            if i - start_of[i] < baseline {
                return Ok(UnusualRow {
                    expected: f64::NAN,
                    p_value: f64::NAN,
                });
            }
            let b: f64 = values[i - baseline..i].iter().sum();
            let expected = b / baseline as f64;
            let x = values[i];
            let p_value = match method {
                UnusualMethod::Poisson => poisson_two_sided(x, expected),
                UnusualMethod::ETest => {
                    if x == 0.0 && b == 0.0 {
                        1.0
                    } else {
                        super::etest::e_test_unchecked(x, b, 1.0, baseline as f64)
                    }
                }
            };
            Ok(UnusualRow { expected, p_value })
        })
        .collect()
}

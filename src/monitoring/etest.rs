//! The E-test for the ratio of two Poisson rates (Krishnamoorthy & Thomson 2004).
//!
//! # Method
//! Counts `k1 ~ Poisson(n1·λ1)` and `k2 ~ Poisson(n2·λ2)` with exposures `n1`, `n2`; H0: λ1 = λ2.
//! The statistic is `T(x1, x2) = |x1/n1 − x2/n2| / √((x1 + x2)/(n1 + n2))`; the p-value is
//! `Σ P(x1) P(x2) 1[T(x1, x2) ≥ T(k1, k2)]` over independent Poisson counts with the pooled rate
//! `λ̂ = (k1 + k2)/(n1 + n2)` plugged in (means `n1·λ̂`, `n2·λ̂`); the pair (0, 0), where T is
//! undefined, is left out — as in ptools `e_test` (d = 0).
//!
//! Instead of ptools' square grid, for each `x1` the set of `x2` with `T ≥ T_obs` is found in
//! closed form (outside the two roots of a quadratic) and summed with the Poisson CDF, so the
//! cost is O(√λ) CDF evaluations and large counts are fine. Ties are counted with a relative
//! tolerance of 1e-10 (ptools compares floating-point values exactly).
//!
//! # Reference
//! Krishnamoorthy K, Thomson J (2004). A more powerful test for comparing two Poisson means.
//! *Journal of Statistical Planning and Inference* 119, 23–35. ptools 2.0.0 (R, A. Wheeler)
//! `e_test`; its tests: `e_test(0, 3) = 0.0884`, `e_test(6, 2) = 0.1749`.

use rayon::prelude::*;
use statrs::function::gamma::{gamma_lr, gamma_ur, ln_gamma};

use crate::error::{Error, MissingAdvice, Result};

/// Counts above this are refused (the sum would take too long; use a normal test).
pub const MAX_COUNT: f64 = 1e10;

fn check_count(name: &str, i: usize, k: f64) -> Result<()> {
    if k.is_nan() {
        return Err(Error::missing(name, i, MissingAdvice::None));
    }
    if k < 0.0 || k.fract() != 0.0 || k > MAX_COUNT {
        return Err(Error::value(
            name,
            i,
            k,
            "a count must be a whole number from 0 to 1e10",
        ));
    }
    Ok(())
}

fn check_exposure(name: &str, i: usize, n: f64) -> Result<()> {
    if n.is_nan() {
        return Err(Error::missing(name, i, MissingAdvice::None));
    }
    if !(n > 0.0 && n.is_finite()) {
        return Err(Error::value(
            name,
            i,
            n,
            "an exposure must be positive and finite",
        ));
    }
    Ok(())
}

/// Poisson P(X ≤ k) with mean `mu` (k may be negative: 0).
fn cdf(k: f64, mu: f64) -> f64 {
    if k < 0.0 {
        0.0
    } else {
        gamma_ur(k + 1.0, mu)
    }
}

/// Poisson P(X ≥ k).
fn sf(k: f64, mu: f64) -> f64 {
    if k <= 0.0 {
        1.0
    } else {
        gamma_lr(k, mu)
    }
}

fn ln_pmf(x: f64, mu: f64) -> f64 {
    x * mu.ln() - mu - ln_gamma(x + 1.0)
}

/// E-test p-value for one pair of counts.
///
/// Returns NaN when both counts are 0 (the test is not defined; ptools returns −1).
///
/// # Errors
/// [`Error::InvalidValue`] for a negative, fractional or huge count or an exposure ≤ 0;
/// [`Error::MissingValue`] for NaN.
///
/// # Examples
/// ```
/// use saferstats::monitoring::etest::e_test;
/// assert!((e_test(0.0, 3.0, 1.0, 1.0).unwrap() - 0.0884).abs() < 5e-4);
/// assert_eq!((e_test(6.0, 2.0, 1.0, 1.0).unwrap() * 1e4).round() / 1e4, 0.1749);
/// ```
pub fn e_test(k1: f64, k2: f64, n1: f64, n2: f64) -> Result<f64> {
    check_count("k1", 0, k1)?;
    check_count("k2", 0, k2)?;
    check_exposure("n1", 0, n1)?;
    check_exposure("n2", 0, n2)?;
    Ok(e_test_unchecked(k1, k2, n1, n2))
}

pub(crate) fn e_test_unchecked(k1: f64, k2: f64, n1: f64, n2: f64) -> f64 {
    if k1 == 0.0 && k2 == 0.0 {
        return f64::NAN;
    }
    let nt = n1 + n2;
    let lhat = (k1 + k2) / nt;
    let (mu1, mu2) = (n1 * lhat, n2 * lhat);
    let t_obs = (k1 / n1 - k2 / n2).abs() / lhat.sqrt();
    let thr = t_obs * (1.0 - 1e-10);
    let c = t_obs * t_obs / nt;
    let stat = |x1: f64, x2: f64| (x1 / n1 - x2 / n2).abs() / ((x1 + x2) / nt).sqrt();
    let w = 12.0 * mu1.sqrt() + 50.0;
    let lo1 = (mu1 - w).floor().max(0.0);
    let hi1 = (mu1 + w).ceil();
    let mut total = 0.0;
    let mut x1 = lo1;
    while x1 <= hi1 {
        let p1 = ln_pmf(x1, mu1).exp();
        if p1 > 0.0 {
            // region in x2: T ≥ t_obs ⇔ A x2² + B x2 + C ≥ 0 (pair (0, 0) treated as inside)
            let pass = |x2: f64| (x1 == 0.0 && x2 == 0.0) || stat(x1, x2) >= thr;
            let a = x1 / n1;
            let qa = 1.0 / (n2 * n2);
            let qb = -(2.0 * a / n2 + c);
            let qc = a * a - c * x1;
            let disc = qb * qb - 4.0 * qa * qc;
            let mass = if disc <= 0.0 {
                1.0
            } else {
                let s = disc.sqrt();
                let r1 = (-qb - s) / (2.0 * qa);
                let r2 = (-qb + s) / (2.0 * qa);
                let mut klo = r1.floor();
                if klo + 1.0 < r2 && klo + 1.0 >= 0.0 && pass(klo + 1.0) {
                    klo += 1.0;
                }
                let mut steps = 0;
                while klo >= 0.0 && !pass(klo) && steps < 4 {
                    klo -= 1.0;
                    steps += 1;
                }
                let mut khi = r2.ceil().max(0.0);
                if khi - 1.0 > r1 && khi >= 1.0 && pass(khi - 1.0) {
                    khi -= 1.0;
                }
                let mut steps = 0;
                while !pass(khi) && steps < 4 {
                    khi += 1.0;
                    steps += 1;
                }
                if klo + 1.0 >= khi {
                    1.0
                } else {
                    cdf(klo, mu2) + sf(khi, mu2)
                }
            };
            let mut m = mass;
            if x1 == 0.0 && pass(0.0) {
                // leave out (0, 0), where T is undefined
                m -= (-mu2).exp();
            }
            total += p1 * m.max(0.0);
        }
        x1 += 1.0;
    }
    total.clamp(0.0, 1.0)
}

/// [`e_test`] for equal-length arrays (scalars broadcast by the caller), in parallel.
///
/// # Errors
/// As [`e_test`], naming the array and position; [`Error::LengthMismatch`].
///
/// # Examples
/// ```
/// use saferstats::monitoring::etest::e_test_many;
/// let p = e_test_many(&[6.0, 2.0], &[2.0, 6.0], &[1.0, 1.0], &[1.0, 1.0]).unwrap();
/// assert!((p[0] - p[1]).abs() < 1e-12);
/// ```
pub fn e_test_many(k1: &[f64], k2: &[f64], n1: &[f64], n2: &[f64]) -> Result<Vec<f64>> {
    e_test_many_with(k1, k2, n1, n2, &crate::cancel::NEVER)
}

/// [`e_test_many`], polling `cancel` between tests (each large-count test sums a wide grid);
/// [`Error::Interrupted`] once it is set.
///
/// # Errors
/// As [`e_test_many`]; `Interrupted` after `cancel` is set.
pub fn e_test_many_with(
    k1: &[f64],
    k2: &[f64],
    n1: &[f64],
    n2: &[f64],
    cancel: &crate::cancel::Cancel,
) -> Result<Vec<f64>> {
    crate::ci::check_lengths(&[
        ("k1", k1.len()),
        ("k2", k2.len()),
        ("n1", n1.len()),
        ("n2", n2.len()),
    ])?;
    for i in 0..k1.len() {
        check_count("k1", i, k1[i])?;
        check_count("k2", i, k2[i])?;
        check_exposure("n1", i, n1[i])?;
        check_exposure("n2", i, n2[i])?;
    }
    let p: Vec<f64> = (0..k1.len())
        .into_par_iter()
        .map(|i| {
            if cancel.is_cancelled() {
                f64::NAN // discarded: the check below returns Interrupted
            } else {
                e_test_unchecked(k1[i], k2[i], n1[i], n2[i])
            }
        })
        .collect();
    cancel.check()?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over a square grid, as ptools does.
    fn grid(k1: f64, k2: f64, n1: f64, n2: f64) -> f64 {
        let lhat = (k1 + k2) / (n1 + n2);
        let t = (k1 / n1 - k2 / n2).abs() / lhat.sqrt();
        let mut s = 0.0;
        for x1 in 0..200 {
            for x2 in 0..200 {
                let (a, b) = (x1 as f64, x2 as f64);
                let tx = (a / n1 - b / n2).abs() / ((a + b) / (n1 + n2)).sqrt();
                if tx >= t * (1.0 - 1e-10) {
                    s += ln_pmf(a, n1 * lhat).exp() * ln_pmf(b, n2 * lhat).exp();
                }
            }
        }
        s
    }

    #[test]
    fn closed_form_region_matches_the_grid() {
        for &(k1, k2, n1, n2) in &[
            (0.0, 3.0, 1.0, 1.0),
            (6.0, 2.0, 1.0, 1.0),
            (20.0, 20.0, 1.0, 1.0),
            (15.0, 4.0, 2.0, 1.5),
            (3.0, 30.0, 1.0, 6.0),
            (0.0, 12.0, 1.0, 12.0),
        ] {
            let a = e_test(k1, k2, n1, n2).unwrap();
            let b = grid(k1, k2, n1, n2);
            assert!((a - b).abs() < 1e-9, "{k1},{k2},{n1},{n2}: {a} vs {b}");
        }
    }

    #[test]
    fn both_zero_is_nan_and_bad_counts_error() {
        assert!(e_test(0.0, 0.0, 1.0, 1.0).unwrap().is_nan());
        assert!(e_test(-1.0, 2.0, 1.0, 1.0).is_err());
        assert!(e_test(1.5, 2.0, 1.0, 1.0).is_err());
        assert!(e_test(1.0, 2.0, 0.0, 1.0).is_err());
    }
}

//! Two independent proportions (a 2×2 table): the comparisons used by stop-and-search outcome
//! tests and Section 136 before/after analyses.
//!
//! For x₁/n₁ against x₂/n₂: Wilson intervals, the difference with Newcombe's interval, the risk
//! ratio with Katz's log interval, the odds ratio, the pooled two-proportion z test, Pearson's
//! χ² with and without Yates' correction, and Fisher's exact test — with the rule that Fisher's
//! test is the one reported when any expected cell is below 5 (METHODS.md B3, D3).

use serde::Serialize;
use statrs::function::gamma::ln_gamma;

use crate::ci::{CiMethod, Estimate};
use crate::error::{Error, Result};
use crate::rates::{newcombe_difference, wilson_limits};
use crate::special::{check_confidence, p_two_sided, z_two_sided};

coded_enum! {
    /// Which test produced the reported p-value.
    pub enum TestUsed in "tables" {
        /// Pooled two-proportion z test (= Pearson χ² without correction).
        Z = 0 => "z",
        /// Fisher's exact test (an expected cell below 5).
        Fisher = 1 => "fisher",
        /// Not computable (an empty margin).
        NotApplicable = 2 => "not applicable",
    }
}

/// Everything computed for one 2×2 comparison.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TwoByTwo {
    /// Proportion x₁/n₁ with Wilson CI.
    pub p1: Estimate,
    /// Proportion x₂/n₂ with Wilson CI.
    pub p2: Estimate,
    /// p₁ − p₂ with Newcombe's hybrid score CI.
    pub difference: Estimate,
    /// p₁/p₂ with Katz log CI (Haldane +0.5 when a cell is 0, flagged by the method label).
    pub risk_ratio: Estimate,
    /// Sample odds ratio x₁(n₂−x₂)/(x₂(n₁−x₁)).
    pub odds_ratio: f64,
    /// Pooled z statistic.
    pub z: f64,
    /// Two-sided p of the z test.
    pub p_z: f64,
    /// Pearson χ² (no correction).
    pub chi2: f64,
    /// χ² with Yates' continuity correction.
    pub chi2_yates: f64,
    /// p of the Yates-corrected χ².
    pub p_chi2_yates: f64,
    /// Two-sided Fisher exact p.
    pub p_fisher: f64,
    /// Smallest expected cell count.
    pub min_expected: f64,
    /// The test reported in `p_value`.
    pub test: TestUsed,
    /// The reported p-value (Fisher when an expected cell < 5, else z).
    pub p_value: f64,
}

/// Katz log interval for the risk ratio (x₁/n₁)/(x₂/n₂): SE = √(1/x₁ − 1/n₁ + 1/x₂ − 1/n₂)
/// (= statsmodels `Table2x2.riskratio_confint`). With a zero numerator, Haldane's +0.5 is added
/// to both numerators and denominators and the method is [`CiMethod::KatzHaldane`]; both zero
/// gives NaN.
///
/// # Examples
/// ```
/// let z = saferstats::special::z_two_sided(0.95);
/// let rr = saferstats::tables::katz_risk_ratio(180.0, 1200.0, 756.0, 5400.0, z);
/// assert!((rr.lower - 0.922156).abs() < 1e-6 && (rr.upper - 1.244864).abs() < 1e-6);
/// ```
pub fn katz_risk_ratio(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> Estimate {
    if x1 == 0.0 && x2 == 0.0 {
        return Estimate::nan();
    }
    let haldane = x1 == 0.0 || x2 == 0.0;
    let (a, m1, c, m2) = if haldane {
        (x1 + 0.5, n1 + 0.5, x2 + 0.5, n2 + 0.5)
    } else {
        (x1, n1, x2, n2)
    };
    let rr = (a / m1) / (c / m2);
    let se = (1.0 / a - 1.0 / m1 + 1.0 / c - 1.0 / m2).max(0.0).sqrt();
    Estimate {
        value: rr,
        lower: rr * (-z * se).exp(),
        upper: rr * (z * se).exp(),
        method: if haldane {
            CiMethod::KatzHaldane
        } else {
            CiMethod::Katz
        },
    }
}

fn ln_binomial(n: f64, k: f64) -> f64 {
    ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
}

/// Two-sided Fisher exact p-value for the table [[a, b], [c, d]] (scipy `fisher_exact`
/// convention: the sum of the probabilities of all tables with the same margins that are no more
/// likely than the observed one, with relative tolerance 1 + 1e-7).
///
/// # Examples
/// ```
/// // METHODS.md D3: police custody pre 14/250 vs post 3/160 -> p = 0.077291
/// let p = saferstats::tables::fisher_exact(14, 236, 3, 157);
/// assert!((p - 0.077291).abs() < 1e-6);
/// ```
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let n1 = a + b; // row 1 total (draws)
    let k = a + c; // column 1 total (successes)
    let n = a + b + c + d;
    if n == 0 || n1 == 0 || n1 == n || k == 0 || k == n {
        return 1.0;
    }
    // log-space hypergeometric pmf: statrs' Hypergeometric::pmf overflows for tables of a few
    // thousand
    let (nf, kf, n1f) = (n as f64, k as f64, n1 as f64);
    let denom = ln_binomial(nf, n1f);
    let ln_pmf = |x: u64| {
        let x = x as f64;
        ln_binomial(kf, x) + ln_binomial(nf - kf, n1f - x) - denom
    };
    let lo = (n1 + k).saturating_sub(n);
    let hi = n1.min(k);
    let ln_obs = ln_pmf(a);
    let thresh = ln_obs + (1e-7f64).ln_1p();
    let mut p = 0.0;
    for x in lo..=hi {
        let lp = ln_pmf(x);
        if lp <= thresh {
            p += lp.exp();
        }
    }
    p.min(1.0)
}

/// Compare x₁/n₁ with x₂/n₂ (see the module docs).
///
/// # Errors
/// Negative counts, x > n, n ≤ 0, or invalid confidence.
///
/// # Examples
/// ```
/// // METHODS.md B3: 180/1200 vs 756/5400 -> z = 0.898173, p = 0.369093
/// let t = saferstats::tables::two_by_two(180.0, 1200.0, 756.0, 5400.0, 0.95).unwrap();
/// assert!((t.z - 0.898173).abs() < 1e-6 && (t.p_value - 0.369093).abs() < 1e-6);
/// ```
pub fn two_by_two(x1: f64, n1: f64, x2: f64, n2: f64, confidence: f64) -> Result<TwoByTwo> {
    check_confidence(confidence)?;
    for (name, x, n) in [("hits_a", x1, n1), ("hits_b", x2, n2)] {
        if !(x.is_finite() && n.is_finite()) || x < 0.0 || n <= 0.0 || x > n {
            return Err(Error::argument(
                name,
                format!("need 0 <= successes <= trials and trials > 0, got {x}/{n}"),
            ));
        }
    }
    let z = z_two_sided(confidence);
    Ok(compare(x1, n1, x2, n2, z))
}

/// [`two_by_two`] without validation (callers have validated).
pub(crate) fn compare(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> TwoByTwo {
    let wilson = |x: f64, n: f64| {
        let (l, u) = wilson_limits(x, n, z, false);
        Estimate {
            value: x / n,
            lower: l,
            upper: u,
            method: CiMethod::Wilson,
        }
    };
    let (a, b, c, d) = (x1, n1 - x1, x2, n2 - x2);
    let n = n1 + n2;
    let col1 = a + c;
    let col2 = b + d;
    let expected = [n1 * col1 / n, n1 * col2 / n, n2 * col1 / n, n2 * col2 / n];
    let min_expected = expected.iter().copied().fold(f64::INFINITY, f64::min);
    let pooled = col1 / n;
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    let zstat = if se > 0.0 {
        (x1 / n1 - x2 / n2) / se
    } else {
        f64::NAN
    };
    let obs = [a, b, c, d];
    let mut chi2 = 0.0;
    let mut chi2_yates = 0.0;
    for (o, e) in obs.iter().zip(expected) {
        let dev = (o - e).abs();
        chi2 += dev * dev / e;
        let dy = (dev - 0.5).max(0.0);
        chi2_yates += dy * dy / e;
    }
    let (chi2, chi2_yates) = if se > 0.0 {
        (chi2, chi2_yates)
    } else {
        (f64::NAN, f64::NAN)
    };
    let integer = [a, b, c, d].iter().all(|v| v.fract() == 0.0);
    let p_fisher = if integer {
        fisher_exact(a as u64, b as u64, c as u64, d as u64)
    } else {
        f64::NAN
    };
    let p_z = p_two_sided(zstat);
    let (test, p_value) = if min_expected < 5.0 && p_fisher.is_finite() {
        (TestUsed::Fisher, p_fisher)
    } else if zstat.is_nan() {
        (TestUsed::NotApplicable, f64::NAN)
    } else {
        (TestUsed::Z, p_z)
    };
    TwoByTwo {
        p1: wilson(x1, n1),
        p2: wilson(x2, n2),
        difference: newcombe_difference(x1, n1, x2, n2, z),
        risk_ratio: katz_risk_ratio(x1, n1, x2, n2, z),
        odds_ratio: (a * d) / (b * c),
        z: zstat,
        p_z,
        chi2,
        chi2_yates,
        p_chi2_yates: p_two_sided(chi2_yates.sqrt()),
        p_fisher,
        min_expected,
        test,
        p_value,
    }
}

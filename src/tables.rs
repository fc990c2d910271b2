//! Two independent proportions (a 2×2 table): the comparisons used by stop-and-search outcome
//! tests and Section 136 before/after analyses.
//!
//! For x₁/n₁ against x₂/n₂: Wilson intervals, the difference with Newcombe's interval, the risk
//! ratio p₁/p₂ with Katz's log interval (and the zero-cell rules of [`risk_ratio`]), the sample
//! odds ratio, the pooled two-proportion z test, Pearson's χ² with and without Yates'
//! correction, and Fisher's exact test — with the rule that Fisher's test is the one reported
//! when any expected cell is below 5 (docs/methods/stop_search.md B3, D3).
//!
//! **Direction.** Every statistic compares the first proportion with the second: p₁ − p₂ and
//! p₁ / p₂. For a before/after comparison pass the later (post) period first, so a fall reads
//! below 1 (as `before_after` in the Python package does).
//!
//! **Bounded work.** Counts above [`MAX_COUNT`] (2⁵³) are refused. Fisher's test walks the
//! hypergeometric distribution outward from its mode with exact ratios of consecutive
//! probabilities until the terms are negligible, so its cost grows with the distribution's
//! spread, not with n; it is always computed when it is the reported test (an expected cell
//! below 5 bounds the spread), alongside the z test only while that costs at most
//! [`FISHER_SIDE_TERMS`] terms, and [`fisher_exact`] refuses tables that need more than
//! [`FISHER_MAX_TERMS`].

use rayon::prelude::*;
use serde::Serialize;

use crate::ci::{CiMethod, Estimate};
use crate::error::{Error, Result};
use crate::rates::{exact_conditional_limits, newcombe_difference, wilson_limits};
use crate::special::{check_confidence, norm_ppf, p_two_sided};

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

/// Largest count (successes or trials) a 2×2 table accepts: 2⁵³, the largest range in which
/// every whole number is exactly representable as `f64`.
pub const MAX_COUNT: f64 = 9_007_199_254_740_992.0;

/// Most hypergeometric terms [`fisher_exact`] evaluates before refusing the table (about 0.1 s).
pub const FISHER_MAX_TERMS: usize = 10_000_000;

/// Most terms spent on Fisher's p when the z test is the one reported (beyond this, a table
/// with every expected cell ≥ 5 and a hypergeometric standard deviation in the hundreds, the
/// Fisher p is left as NaN: the z test is accurate there).
pub const FISHER_SIDE_TERMS: usize = 20_000;

/// The two-sided normal quantile z = Φ⁻¹(1 − α/2) for `confidence` = 1 − α, computed from the
/// lower tail so it stays finite for every confidence below 1 (Φ⁻¹(conf + α/2) rounds to
/// Φ⁻¹(1) = ∞ for confidence ≥ 1 − 1.1e-16; from the tail, z ≤ 8.3).
///
/// # Examples
/// ```
/// let z = saferstats::tables::z_finite(0.9999999999999999);
/// assert!(z.is_finite() && z > 8.0);
/// assert!((saferstats::tables::z_finite(0.95) - 1.959963984540054).abs() < 1e-12);
/// ```
pub fn z_finite(confidence: f64) -> f64 {
    -norm_ppf((1.0 - confidence) / 2.0)
}

/// Everything computed for one 2×2 comparison of x₁/n₁ with x₂/n₂.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TwoByTwo {
    /// Proportion x₁/n₁ with Wilson CI.
    pub p1: Estimate,
    /// Proportion x₂/n₂ with Wilson CI.
    pub p2: Estimate,
    /// p₁ − p₂ with Newcombe's hybrid score CI.
    pub difference: Estimate,
    /// p₁/p₂ with the CI of [`risk_ratio`] (Katz; exact conditional at a zero cell, named by
    /// the method).
    pub risk_ratio: Estimate,
    /// Sample odds ratio x₁(n₂−x₂)/(x₂(n₁−x₁)) (= scipy `fisher_exact`'s statistic; 0, ∞ or
    /// NaN at zero cells; no interval is given).
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
    /// Two-sided Fisher exact p (NaN for non-integer counts, or when the z test is reported and
    /// the table is too large for Fisher's p within [`FISHER_SIDE_TERMS`]).
    pub p_fisher: f64,
    /// Smallest expected cell count.
    pub min_expected: f64,
    /// The test reported in `p_value`.
    pub test: TestUsed,
    /// The reported p-value (Fisher when an expected cell < 5, else z).
    pub p_value: f64,
}

/// Katz log interval for a ratio of two proportions or rates, SE = √(1/x₁ − 1/n₁ + 1/x₂ − 1/n₂)
/// (= statsmodels `Table2x2.riskratio_confint`), with the rate-ratio rule of
/// `disproportionality(zero="haldane")`: when a numerator is zero, +0.5 is added to both
/// numerators and both denominators (labelled [`CiMethod::KatzHaldane`]); both zero gives NaN.
/// For a 2×2 table of proportions use [`risk_ratio`], which also handles a zero in the
/// "misses" column (a 100% rate).
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
    let (lower, upper) = katz_limits(rr, a, m1, c, m2, z);
    Estimate {
        value: rr,
        lower,
        upper,
        method: if haldane {
            CiMethod::KatzHaldane
        } else {
            CiMethod::Katz
        },
    }
}

fn katz_limits(rr: f64, a: f64, m1: f64, c: f64, m2: f64, z: f64) -> (f64, f64) {
    let se = (1.0 / a - 1.0 / m1 + 1.0 / c - 1.0 / m2).max(0.0).sqrt();
    (rr * (-z * se).exp(), rr * (z * se).exp())
}

/// Risk ratio p₁/p₂ = (x₁/n₁)/(x₂/n₂) of a 2×2 table with a confidence interval that stays
/// valid when a cell is zero (`docs/methods/zero_cells.md`).
///
/// The estimate is always the observed ratio (0 when x₁ = 0, ∞ when x₂ = 0). The interval:
/// - **no zero cell**: Katz log interval, SE = √(1/x₁ − 1/n₁ + 1/x₂ − 1/n₂) (Katz et al. 1978;
///   = statsmodels `Table2x2.riskratio_confint`), method `katz`;
/// - **any zero cell** — a zero count (x = 0) or a 100% rate (x = n, zero "misses"): the exact
///   conditional interval, x₁ | x₁ + x₂ ~ Bin(x₁ + x₂, π), Clopper–Pearson limits on π mapped
///   to RR = π/(1−π)·n₂/n₁ (= R `poisson.test(c(x1, x2), c(n1, n2))$conf.int`; docs/methods/rates.md A4,
///   the zero-count rule of `disproportionality`), method `exact (zero count)`. Like Fisher's
///   test it conditions on the total of events, and it treats them as Poisson counts, which
///   ignores the 100% ceiling: it is conservative (wide) when a rate is high, never narrower
///   than the data allow. On every table with a zero cell up to 100 × 400 (tests) it contains
///   1 whenever Fisher's p exceeds 1 − confidence;
/// - x₁ = x₂ = 0: the ratio 0/0 is undefined — NaN, method `not applicable`.
///
/// Katz itself is undefined at a zero count and gives a 100% group no variance (13/13 vs
/// 333/359: 1.047–1.110 although Fisher's p is 0.61; exact conditional 0.568–1.869). Katz after
/// the Haldane–Anscombe +0.5 in every cell (Haldane 1940; Anscombe 1956) is not used: it still
/// excludes 1 for 28/28 vs 333/359 (1.003–1.122, Fisher p 0.24) and 0/10 vs 1/1000 (1.31–704,
/// Fisher p 1). See `docs/methods/zero_cells.md`.
///
/// `z` is the two-sided normal quantile of the confidence level (see [`z_finite`]).
///
/// # Examples
/// ```
/// use saferstats::tables::{risk_ratio, z_finite};
/// let rr = risk_ratio(13.0, 13.0, 333.0, 359.0, z_finite(0.95));
/// assert!(rr.lower < 1.0 && 1.0 < rr.upper);
/// assert_eq!(rr.method.label(), "exact (zero count)");
/// let rr = risk_ratio(0.0, 10.0, 1.0, 1000.0, z_finite(0.95));
/// assert_eq!((rr.value, rr.lower), (0.0, 0.0));
/// ```
pub fn risk_ratio(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> Estimate {
    if [x1, n1, x2, n2, z].iter().any(|v| v.is_nan()) || (x1 == 0.0 && x2 == 0.0) {
        return Estimate::nan();
    }
    let value = (x1 / n1) / (x2 / n2);
    if x1 == 0.0 || x2 == 0.0 || x1 == n1 || x2 == n2 {
        let (lower, upper) = exact_conditional_limits(x1, n1, x2, n2, p_two_sided(z));
        return Estimate {
            value,
            lower,
            upper,
            method: CiMethod::ExactZeroCount,
        };
    }
    let (lower, upper) = katz_limits(value, x1, n1, x2, n2, z);
    Estimate {
        value,
        lower,
        upper,
        method: CiMethod::Katz,
    }
}

/// Two-sided Fisher exact p-value for the table [[a, b], [c, d]] (scipy `fisher_exact`
/// convention: the sum of the probabilities of all tables with the same margins that are no more
/// likely than the observed one, with relative tolerance 1 + 1e-7).
///
/// Method: the hypergeometric probabilities relative to the mode are built from exact ratios of
/// consecutive terms, walking outward from the mode until a term falls below 1e-300 of the
/// mode's; the p-value is the sum of the qualifying terms over the sum of all. The work is
/// about 80 × the distribution's standard deviation, whatever n is (at most
/// [`FISHER_MAX_TERMS`]). An observed table beyond that window has p < 1e-280 and gets 0.
///
/// # Errors
/// A count above [`MAX_COUNT`]; a table needing more than [`FISHER_MAX_TERMS`] terms (expected
/// cells in the tens of billions — use the z test, which is exact enough there).
///
/// # Examples
/// ```
/// // docs/methods/s136.md D3: police custody pre 14/250 vs post 3/160 -> p = 0.077291
/// let p = saferstats::tables::fisher_exact(14, 236, 3, 157).unwrap();
/// assert!((p - 0.077291).abs() < 1e-6);
/// ```
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> Result<f64> {
    let cells = [a, b, c, d].map(|v| v as f64);
    if let Some(v) = cells.iter().find(|&&v| v > MAX_COUNT) {
        return Err(Error::argument(
            "table",
            format!("a count of {v} is above 2^53 ({MAX_COUNT}); Fisher's test needs exact whole numbers"),
        ));
    }
    fisher_bounded(cells[0], cells[1], cells[2], cells[3], FISHER_MAX_TERMS).ok_or_else(|| {
        Error::argument(
            "table",
            format!(
                "Fisher's exact test on a table of n = {} needs more than {FISHER_MAX_TERMS} terms; \
                 every expected cell is large, so use the z test",
                cells.iter().sum::<f64>()
            ),
        )
    })
}

/// Fisher's two-sided p for whole-number cells (as `f64`, each ≤ 2⁵³), or None when the walk
/// would need more than `budget` terms.
fn fisher_bounded(a: f64, b: f64, c: f64, d: f64, budget: usize) -> Option<f64> {
    let n1 = a + b; // row 1 total (draws)
    let k = a + c; // column 1 total (successes)
    let n = n1 + c + d;
    if n == 0.0 || n1 == 0.0 || n1 == n || k == 0.0 || k == n {
        return Some(1.0);
    }
    let lo = (n1 + k - n).max(0.0);
    let hi = n1.min(k);
    // pmf(x + 1) / pmf(x) and pmf(x − 1) / pmf(x)
    let up = |x: f64| (k - x) * (n1 - x) / ((x + 1.0) * (n - k - n1 + x + 1.0));
    let down = |x: f64| x * (n - k - n1 + x) / ((k - x + 1.0) * (n1 - x + 1.0));
    let mode = ((n1 + 1.0) * (k + 1.0) / (n + 2.0)).floor().clamp(lo, hi);
    const CUT: f64 = 1e-300;
    // walk one side from the mode, calling `f(x, r)` for each term kept; None past the budget
    let walk = |upward: bool, budget: usize, f: &mut dyn FnMut(f64, f64)| -> Option<usize> {
        let (mut x, mut r, mut steps) = (mode, 1.0f64, 0usize);
        loop {
            if (upward && x >= hi) || (!upward && x <= lo) {
                return Some(steps);
            }
            r *= if upward { up(x) } else { down(x) };
            x += if upward { 1.0 } else { -1.0 };
            steps += 1;
            if steps > budget {
                return None;
            }
            if r < CUT {
                return Some(steps);
            }
            f(x, r);
        }
    };
    let mut total = 1.0;
    let mut r_obs = if a == mode { Some(1.0) } else { None };
    let mut first = |x: f64, r: f64| {
        total += r;
        if x == a {
            r_obs = Some(r);
        }
    };
    let used = walk(true, budget, &mut first)?;
    walk(false, budget.saturating_sub(used), &mut first)?;
    let Some(r_obs) = r_obs else {
        return Some(0.0); // beyond the window: p < 1e-280
    };
    let thresh = r_obs * (1.0 + 1e-7);
    let mut tail = if 1.0 <= thresh { 1.0 } else { 0.0 };
    let mut second = |_x: f64, r: f64| {
        if r <= thresh {
            tail += r;
        }
    };
    walk(true, usize::MAX, &mut second);
    walk(false, usize::MAX, &mut second);
    Some((tail / total).min(1.0))
}

fn check_pair(names: (&str, &str), row: usize, x: f64, n: f64) -> Result<()> {
    let (xn, nn) = names;
    if x.is_nan() {
        return Err(Error::value(
            xn,
            row,
            x,
            "missing (NaN); every count is needed",
        ));
    }
    if n.is_nan() {
        return Err(Error::value(
            nn,
            row,
            n,
            "missing (NaN); every count is needed",
        ));
    }
    if !n.is_finite() || n <= 0.0 || n > MAX_COUNT {
        return Err(Error::value(
            nn,
            row,
            n,
            format!("trials must be positive and at most 2^53 ({MAX_COUNT})"),
        ));
    }
    if !x.is_finite() || x < 0.0 {
        return Err(Error::value(
            xn,
            row,
            x,
            "successes must be a non-negative number",
        ));
    }
    if x > n {
        return Err(Error::value(
            xn,
            row,
            x,
            format!("successes are more than the trials (`{nn}` = {n})"),
        ));
    }
    // counts of people or events: a fraction (2.5 of 5, a weighted or rounded-rate figure) has no
    // 2×2 table, and Fisher's test and the exact intervals need one (it silently fell back to z)
    for (name, v) in [(xn, x), (nn, n)] {
        if v.fract() != 0.0 {
            return Err(Error::value(
                name,
                row,
                v,
                "must be a whole number (a count of people or events)",
            ));
        }
    }
    Ok(())
}

/// Compare x₁/n₁ with x₂/n₂ (see the module docs; p₁ − p₂ and p₁/p₂).
///
/// # Errors
/// Missing, negative, fractional or non-finite counts, x > n, n ≤ 0 or n > 2⁵³ (named `x1`,
/// `n1`, `x2`, `n2`), or an invalid confidence.
///
/// # Examples
/// ```
/// // docs/methods/stop_search.md B3: 180/1200 vs 756/5400 -> z = 0.898173, p = 0.369093
/// let t = saferstats::tables::two_by_two(180.0, 1200.0, 756.0, 5400.0, 0.95).unwrap();
/// assert!((t.z - 0.898173).abs() < 1e-6 && (t.p_value - 0.369093).abs() < 1e-6);
/// ```
pub fn two_by_two(x1: f64, n1: f64, x2: f64, n2: f64, confidence: f64) -> Result<TwoByTwo> {
    check_confidence(confidence)?;
    check_pair(("x1", "n1"), 0, x1, n1)?;
    check_pair(("x2", "n2"), 0, x2, n2)?;
    Ok(compare(x1, n1, x2, n2, z_finite(confidence)))
}

/// [`two_by_two`] for each position of four equal-length columns (in parallel for long inputs).
///
/// # Errors
/// Lengths that differ; the checks of [`two_by_two`], naming the column and the row.
///
/// # Examples
/// ```
/// let t = saferstats::tables::two_by_two_many(&[3.0, 13.0], &[160.0, 13.0], &[14.0, 333.0], &[250.0, 359.0], 0.95).unwrap();
/// assert!(t[1].risk_ratio.lower < 1.0);
/// assert!(saferstats::tables::two_by_two_many(&[1.0], &[0.0], &[1.0], &[2.0], 0.95).is_err());
/// ```
pub fn two_by_two_many(
    x1: &[f64],
    n1: &[f64],
    x2: &[f64],
    n2: &[f64],
    confidence: f64,
) -> Result<Vec<TwoByTwo>> {
    check_confidence(confidence)?;
    four_lengths(x1, n1, x2, n2)?;
    for i in 0..x1.len() {
        check_pair(("x1", "n1"), i, x1[i], n1[i])?;
        check_pair(("x2", "n2"), i, x2[i], n2[i])?;
    }
    let z = z_finite(confidence);
    Ok((0..x1.len())
        .into_par_iter()
        .with_min_len(256)
        .map(|i| compare(x1[i], n1[i], x2[i], n2[i], z))
        .collect())
}

/// [`two_by_two`] without validation (callers have validated: finite counts, 0 ≤ x ≤ n,
/// 0 < n ≤ 2⁵³).
pub(crate) fn compare(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> TwoByTwo {
    // -0.0 is a valid zero count; adding +0.0 makes it +0.0 so that ratios are 0, never -inf.
    let (x1, n1, x2, n2) = (x1 + 0.0, n1 + 0.0, x2 + 0.0, n2 + 0.0);
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
    let integer = obs
        .iter()
        .all(|v| v.fract() == 0.0 && (0.0..=MAX_COUNT).contains(v));
    let fisher_reported = min_expected < 5.0;
    let p_fisher = if integer {
        let budget = if fisher_reported {
            FISHER_MAX_TERMS
        } else {
            FISHER_SIDE_TERMS
        };
        fisher_bounded(a, b, c, d, budget).unwrap_or(f64::NAN)
    } else {
        f64::NAN
    };
    let p_z = p_two_sided(zstat);
    let (test, p_value) = if fisher_reported && p_fisher.is_finite() {
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
        risk_ratio: risk_ratio(x1, n1, x2, n2, z),
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

/// A ratio pooled over strata, with its confidence interval and the number of strata that
/// hold both groups (see [`mantel_haenszel_rr`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PooledRatio {
    /// The pooled ratio (0 or ∞ when one group has no events in any usable stratum; NaN when
    /// no stratum holds both groups or neither has an event).
    pub value: f64,
    /// Lower confidence limit (NaN where the variance is not defined).
    pub lower: f64,
    /// Upper confidence limit.
    pub upper: f64,
    /// Strata with at least one member of each group (the others contribute nothing).
    pub strata: usize,
}

/// Mantel–Haenszel risk ratio of x₁/n₁ against x₂/n₂ pooled over strata (e.g. forces), with
/// the Greenland–Robins (1985) variance of its log:
///
/// RR_MH = Σ x₁ᵢ n₂ᵢ / Nᵢ ÷ Σ x₂ᵢ n₁ᵢ / Nᵢ, Nᵢ = n₁ᵢ + n₂ᵢ;
/// Var(log RR_MH) = Σ (mᵢ n₁ᵢ n₂ᵢ − x₁ᵢ x₂ᵢ Nᵢ) / Nᵢ² ÷ (Σ x₁ᵢ n₂ᵢ / Nᵢ · Σ x₂ᵢ n₁ᵢ / Nᵢ),
/// mᵢ = x₁ᵢ + x₂ᵢ; limits RR_MH · exp(∓ z √Var) (= R epiR `epi.2by2` "RR.mh.wald",
/// statsmodels `StratifiedTable.riskratio_pooled` for the estimate; docs/methods/stop_search.md B3).
///
/// It compares the groups *within* each stratum: where strata differ both in their rates and in
/// how their members divide between the groups, the ratio of the pooled counts (the crude ratio)
/// mixes the strata (Simpson's paradox) and this one does not. A stratum with no member of one
/// group (n = 0) contributes nothing.
///
/// # Errors
/// Lengths that differ; a count that is missing, negative, not finite, above 2⁵³, or an x
/// above its n (named with its position).
///
/// # Examples
/// ```
/// use saferstats::tables::{mantel_haenszel_rr, z_finite};
/// // one stratum: the ordinary risk ratio and Katz's interval
/// let r = mantel_haenszel_rr(&[20.0], &[100.0], &[10.0], &[100.0], z_finite(0.95)).unwrap();
/// assert!((r.value - 2.0).abs() < 1e-12 && (r.lower - 0.9866).abs() < 1e-4);
/// // two strata with the same ratio (2) but different rates and group mixes: the crude
/// // ratio of the pooled counts is 46/190 ÷ 28/340 = 2.94; within strata it is 2
/// let r = mantel_haenszel_rr(&[40.0, 6.0], &[100.0, 90.0], &[20.0, 8.0], &[100.0, 240.0], z_finite(0.95)).unwrap();
/// assert!((r.value - 2.0).abs() < 1e-12 && r.strata == 2);
/// ```
pub fn mantel_haenszel_rr(
    x1: &[f64],
    n1: &[f64],
    x2: &[f64],
    n2: &[f64],
    z: f64,
) -> Result<PooledRatio> {
    check_strata(x1, n1, x2, n2)?;
    Ok(pooled_rr(0..x1.len(), x1, n1, x2, n2, z))
}

/// The four arrays of a 2×2 comparison have one length.
fn four_lengths(x1: &[f64], n1: &[f64], x2: &[f64], n2: &[f64]) -> Result<()> {
    crate::ci::check_lengths(&[
        ("x1", x1.len()),
        ("n1", n1.len()),
        ("x2", x2.len()),
        ("n2", n2.len()),
    ])
}

fn check_strata(x1: &[f64], n1: &[f64], x2: &[f64], n2: &[f64]) -> Result<()> {
    four_lengths(x1, n1, x2, n2)?;
    for i in 0..x1.len() {
        check_stratum(("x1", "n1"), i, x1[i], n1[i])?;
        check_stratum(("x2", "n2"), i, x2[i], n2[i])?;
    }
    Ok(())
}

/// [`mantel_haenszel_rr`] over the rows `rows` (validated).
fn pooled_rr(
    rows: impl Iterator<Item = usize>,
    x1: &[f64],
    n1: &[f64],
    x2: &[f64],
    n2: &[f64],
    z: f64,
) -> PooledRatio {
    let (mut r, mut s, mut v, mut strata) = (0.0, 0.0, 0.0, 0usize);
    for i in rows {
        let (a, m1, c, m2) = (x1[i], n1[i], x2[i], n2[i]);
        if m1 == 0.0 || m2 == 0.0 {
            continue;
        }
        let n = m1 + m2;
        strata += 1;
        r += a * m2 / n;
        s += c * m1 / n;
        v += ((a + c) * m1 * m2 - a * c * n) / (n * n);
    }
    let value = if strata == 0 || (r == 0.0 && s == 0.0) {
        f64::NAN
    } else {
        r / s
    };
    let (lower, upper) = if r > 0.0 && s > 0.0 {
        let se = (v / (r * s)).max(0.0).sqrt();
        (value * (-z * se).exp(), value * (z * se).exp())
    } else {
        (f64::NAN, f64::NAN)
    };
    PooledRatio {
        value,
        lower,
        upper,
        strata,
    }
}

/// [`mantel_haenszel_rr`] for several comparisons at once: row `i` is a stratum of comparison
/// `group[i]` (0 ≤ group < `groups`); one [`PooledRatio`] per comparison.
///
/// # Errors
/// As [`mantel_haenszel_rr`]; a group code at or above `groups`; a confidence level outside
/// [`check_confidence`]'s range.
///
/// # Examples
/// ```
/// let out = saferstats::tables::mantel_haenszel_rr_groups(
///     &[0, 0, 1], &[40.0, 6.0, 5.0], &[100.0, 90.0, 50.0], &[20.0, 8.0, 5.0], &[100.0, 240.0, 50.0], 2, 0.95,
/// ).unwrap();
/// assert!((out[0].value - 2.0).abs() < 1e-12 && (out[1].value - 1.0).abs() < 1e-12);
/// ```
pub fn mantel_haenszel_rr_groups(
    group: &[usize],
    x1: &[f64],
    n1: &[f64],
    x2: &[f64],
    n2: &[f64],
    groups: usize,
    confidence: f64,
) -> Result<Vec<PooledRatio>> {
    check_confidence(confidence)?;
    crate::ci::check_lengths(&[("group", group.len()), ("x1", x1.len())])?;
    check_strata(x1, n1, x2, n2)?;
    if let Some(i) = group.iter().position(|&g| g >= groups) {
        return Err(Error::value(
            "group",
            i,
            group[i] as f64,
            format!("group codes must be below the number of groups ({groups})"),
        ));
    }
    let z = z_finite(confidence);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); groups];
    for (i, &g) in group.iter().enumerate() {
        rows[g].push(i);
    }
    Ok(rows
        .iter()
        .map(|ix| pooled_rr(ix.iter().copied(), x1, n1, x2, n2, z))
        .collect())
}

/// A stratum's count and size: finite, 0 ≤ x ≤ n ≤ 2⁵³ (n may be 0: a stratum with no member).
fn check_stratum(names: (&str, &str), row: usize, x: f64, n: f64) -> Result<()> {
    let (xn, nn) = names;
    if !n.is_finite() || !(0.0..=MAX_COUNT).contains(&n) {
        return Err(Error::value(
            nn,
            row,
            n,
            format!("sizes must be finite, 0 or more and at most 2^53 ({MAX_COUNT})"),
        ));
    }
    if !x.is_finite() || x < 0.0 || x > n {
        return Err(Error::value(
            xn,
            row,
            x,
            format!("counts must be finite, 0 or more and at most `{nn}` ({n})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fisher p by summing every table in log space (the textbook definition), for small n.
    fn fisher_brute(a: u64, b: u64, c: u64, d: u64) -> f64 {
        use statrs::function::gamma::ln_gamma;
        let lnc = |n: f64, k: f64| ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0);
        let (n1, k, n) = (a + b, a + c, a + b + c + d);
        let (nf, kf, n1f) = (n as f64, k as f64, n1 as f64);
        let lp = |x: u64| lnc(kf, x as f64) + lnc(nf - kf, n1f - x as f64) - lnc(nf, n1f);
        let obs = lp(a) + (1e-7f64).ln_1p();
        ((n1 + k).saturating_sub(n)..=n1.min(k))
            .map(lp)
            .filter(|&l| l <= obs)
            .map(f64::exp)
            .sum::<f64>()
            .min(1.0)
    }

    #[test]
    fn fisher_walk_equals_full_enumeration() {
        for &(a, b, c, d) in &[
            (14, 236, 3, 157),
            (3, 17, 40, 160),
            (0, 12, 30, 370),
            (13, 0, 333, 26),
            (7, 24, 2, 42),
            (250, 1550, 1400, 7600),
            (0, 5, 5, 0),
            (1, 0, 0, 1),
            (1000, 0, 0, 1000),
            (2, 3000, 0, 40000),
        ] {
            let got = fisher_exact(a, b, c, d).unwrap();
            let want = fisher_brute(a, b, c, d);
            assert!(
                (got - want).abs() <= 1e-10 * want.max(1e-300) || (got - want).abs() < 1e-290,
                "{a} {b} {c} {d}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn fisher_work_is_bounded_by_the_spread_not_n() {
        // n = 1e8 and 8e15 finish at once when an expected cell is small (4.6e16 is above 2^53: refused)
        let t = compare(1.0, 5e7, 3.0, 5e7, z_finite(0.95));
        assert_eq!(t.test, TestUsed::Fisher);
        // exact: 1 − P(a = 2) = 1 − 0.375·N(N−2)/((N−1)(N−3)) (scipy 1.17 gives 0.625000006)
        let n = 1e8f64;
        let want = 1.0 - 0.375 * n * (n - 2.0) / ((n - 1.0) * (n - 3.0));
        assert!(
            (t.p_fisher - want).abs() < 1e-13,
            "{} vs {want}",
            t.p_fisher
        );
        let t = compare(2.0, 4e15, 2.0, 4e15, z_finite(0.95));
        assert!((t.p_fisher - 1.0).abs() < 1e-9);
        // a huge balanced table: z reported, Fisher skipped (NaN), no hang
        let t = compare(2.5e7, 5e7, 2.5e7, 5e7, z_finite(0.95));
        assert_eq!(t.test, TestUsed::Z);
        assert!(t.p_fisher.is_nan());
        // refused by the public function
        assert!(fisher_exact(1 << 40, 1 << 40, 1 << 40, 1 << 40).is_err());
        assert!(fisher_exact(1 << 60, 0, 0, 1).is_err());
    }

    #[test]
    fn far_tail_table_gives_zero_not_a_hang() {
        let p = fisher_exact(3_000_000, 0, 0, 3_000_000).unwrap();
        assert_eq!(p, 0.0);
    }
}

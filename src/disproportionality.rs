//! Stop-and-search disproportionality: search rates per 1,000 by ethnic group, the ratio of
//! each group's rate to a reference group's (White by default) with confidence intervals, and
//! outcome ("hit-rate") comparisons — docs/methods/stop_search.md B1–B3.
//!
//! The core works on aggregated rows: each row is one group within one stratum (force, month,
//! legislation, ...) and carries the row index of its stratum's reference group. The Python layer
//! does the counting and the joins to census denominators.

use rayon::prelude::*;
use serde::Serialize;

use crate::ci::{check_counts, check_lengths, CiMethod, Estimate, Missing, PAR_MIN_LEN};
use crate::error::{Error, Result};
use crate::rates::{rate_ci, RateOptions};
use crate::special::{check_confidence, z_two_sided};
use crate::tables::{compare, TwoByTwo};

choice! {
    /// Interval for the disproportionality ratio.
    #[derive(Default)]
    pub enum RatioCi("ratio_method", "ratio interval") {
        /// Katz log (risk-ratio) interval, √(1/a − 1/n₁ + 1/c − 1/n₂) (default; HO/statsmodels).
        #[default]
        Katz = "katz",
        /// Poisson wald-log interval √(1/a + 1/c) (docs/methods/rates.md A4).
        Poisson = "poisson" | "wald-log",
    }
}

choice! {
    /// What to do when a ratio's table has a zero cell: a group (or the reference) with no searches,
    /// or — for the Katz interval — a group whose searches equal its population (nobody left
    /// unsearched). The same rule as the 2×2 outcome tables (issue 18.1): Katz's variance
    /// √(1/a − 1/n₁ + 1/c − 1/n₂) is undefined or degenerate there, so it is never used as is.
    #[derive(Default)]
    pub enum ZeroCount("zero", "zero-count rule") {
        /// Exact conditional interval (docs/methods/rates.md A4: Clopper–Pearson on a | a + c), labelled
        /// `exact (zero count)` for a zero count and `exact` for a full group (default).
        #[default]
        Exact = "exact",
        /// Haldane–Anscombe: +0.5 to every cell of the 2×2 table (searched / not searched × group /
        /// reference, so a + 0.5 of n₁ + 1 against c + 0.5 of n₂ + 1), then Katz; labelled
        /// `katz (haldane +0.5)`, also when `ratio_ci` is Poisson (the correction is defined on the
        /// table). Where a count exceeds its population (no such table) the exact interval is used.
        Haldane = "haldane",
    }
}

/// Options for [`disproportionality`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DispOptions {
    /// Rates per this many people (default 1,000).
    pub multiplier: f64,
    /// Two-sided confidence level.
    pub confidence: f64,
    /// Ratio interval.
    pub ratio_ci: RatioCi,
    /// Zero-count rule.
    pub zero: ZeroCount,
    /// A group is `reliable` only with at least this many searches (default 10)…
    pub min_count: f64,
    /// …and at least this population (default 1,000).
    pub min_population: f64,
}

impl Default for DispOptions {
    fn default() -> Self {
        DispOptions {
            multiplier: 1000.0,
            confidence: 0.95,
            ratio_ci: RatioCi::Katz,
            zero: ZeroCount::Exact,
            min_count: 10.0,
            min_population: 1000.0,
        }
    }
}

/// Disproportionality results, one entry per input row.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DispColumns {
    /// Search rate per multiplier with PHE exact/Byar's CI.
    pub rate: Vec<Estimate>,
    /// Ratio to the stratum's reference group with CI.
    pub ratio: Vec<Estimate>,
    /// Enough searches and population for the rate and ratio to be reported as reliable.
    pub reliable: Vec<bool>,
}

fn check_reference(reference: &[usize], n: usize) -> Result<()> {
    for (i, &r) in reference.iter().enumerate() {
        if r >= n {
            return Err(Error::value(
                "reference",
                i,
                r as f64,
                format!("reference row {r} is outside the {n} rows"),
            ));
        }
    }
    Ok(())
}

/// Search rates per group and each group's ratio to its reference group.
///
/// Method (docs/methods/stop_search.md B1, B2): rate = searches/population × multiplier with PHE exact (< 10) /
/// Byar's CI; ratio = rate / reference rate from unrounded rates, Katz log CI (or Poisson
/// wald-log). When the ratio's table has a zero cell — the group or the reference has no
/// searches, or (Katz) searches equal the population — the exact conditional interval (default)
/// or the Haldane–Anscombe correction is used and the `method` says which ([`ZeroCount`]).
/// Searches above the population (possible for tiny groups with repeat searches) make Katz's
/// variance invalid; the Poisson interval is used for that row. Both counts zero: no ratio (NaN,
/// `not applicable`). A row that is its own reference gets ratio 1 and method
/// `reference`. `reliable` = searches ≥ `min_count` and population ≥ `min_population`.
///
/// # Errors
/// Length mismatch; negative or missing searches; population ≤ 0 or missing; a reference index
/// out of range; invalid confidence or multiplier.
///
/// # Examples
/// ```
/// use saferstats::disproportionality::{disproportionality, DispOptions};
/// // docs/methods/stop_search.md B2: 1200/48,000 vs White 5400/1,080,000 -> 5.0 (4.699983-5.319168)
/// let d = disproportionality(&[1200.0, 5400.0], &[48_000.0, 1_080_000.0], &[1, 1], &DispOptions::default()).unwrap();
/// assert!((d.ratio[0].value - 5.0).abs() < 1e-12);
/// assert!((d.ratio[0].lower - 4.699983).abs() < 1e-6);
/// ```
pub fn disproportionality(
    searches: &[f64],
    population: &[f64],
    reference: &[usize],
    opts: &DispOptions,
) -> Result<DispColumns> {
    check_confidence(opts.confidence)?;
    check_counts(
        ("searches", searches),
        ("population", population),
        Missing::Error,
    )?;
    check_lengths(&[("searches", searches.len()), ("reference", reference.len())])?;
    check_reference(reference, searches.len())?;
    let rates = rate_ci(
        searches,
        population,
        &RateOptions {
            multiplier: opts.multiplier,
            confidence: opts.confidence,
            ..RateOptions::default()
        },
    )?;
    let z = z_two_sided(opts.confidence);
    let ratio: Vec<Estimate> = (0..searches.len())
        .into_par_iter()
        .with_min_len(PAR_MIN_LEN)
        .map(|i| {
            let r = reference[i];
            if r == i {
                return Estimate {
                    value: 1.0,
                    lower: f64::NAN,
                    upper: f64::NAN,
                    method: CiMethod::Reference,
                };
            }
            one_ratio(
                searches[i],
                population[i],
                searches[r],
                population[r],
                opts,
                z,
            )
        })
        .collect();
    let reliable = searches
        .iter()
        .zip(population)
        .map(|(&a, &n)| a >= opts.min_count && n >= opts.min_population)
        .collect();
    Ok(DispColumns {
        rate: (0..rates.len()).filter_map(|i| rates.get(i)).collect(),
        ratio,
        reliable,
    })
}

fn one_ratio(a: f64, n1: f64, c: f64, n2: f64, opts: &DispOptions, z: f64) -> Estimate {
    if a == 0.0 && c == 0.0 {
        return Estimate::nan(); // 0 / 0: no ratio
    }
    let poisson = opts.ratio_ci == RatioCi::Poisson || a > n1 || c > n2;
    let zero_count = a == 0.0 || c == 0.0;
    // Katz's table has a "not searched" cell n - a: zero when everyone was searched
    let full_group = !poisson && (a == n1 || c == n2);
    if !zero_count && !full_group {
        return if poisson {
            log_ratio(
                a,
                n1,
                c,
                n2,
                (1.0 / a + 1.0 / c).sqrt(),
                z,
                CiMethod::WaldLog,
            )
        } else {
            katz(a, n1, c, n2, z, CiMethod::Katz)
        };
    }
    if opts.zero == ZeroCount::Haldane && a <= n1 && c <= n2 {
        return katz(
            a + 0.5,
            n1 + 1.0,
            c + 0.5,
            n2 + 1.0,
            z,
            CiMethod::KatzHaldane,
        );
    }
    let estimate = exact_conditional(a, n1, c, n2, opts.confidence);
    Estimate {
        method: if zero_count {
            CiMethod::ExactZeroCount
        } else {
            CiMethod::ExactConditional
        },
        ..estimate
    }
}

/// (a/n₁)/(c/n₂) with the interval RR·exp(∓z·se).
fn log_ratio(a: f64, n1: f64, c: f64, n2: f64, se: f64, z: f64, method: CiMethod) -> Estimate {
    let rr = (a / n1) / (c / n2);
    Estimate {
        value: rr,
        lower: rr * (-z * se).exp(),
        upper: rr * (z * se).exp(),
        method,
    }
}

/// Katz log interval, SE = √(1/a − 1/n₁ + 1/c − 1/n₂) (statsmodels `Table2x2.riskratio_confint`).
fn katz(a: f64, n1: f64, c: f64, n2: f64, z: f64, method: CiMethod) -> Estimate {
    let se = (1.0 / a - 1.0 / n1 + 1.0 / c - 1.0 / n2).max(0.0).sqrt();
    log_ratio(a, n1, c, n2, se, z, method)
}

/// Exact conditional interval for the rate ratio (docs/methods/rates.md A4): a | a + c ~ Bin(a + c, π),
/// π = n₁·RR/(n₁·RR + n₂); Clopper–Pearson limits on π mapped to RR = π/(1 − π)·n₂/n₁.
/// The limit is 0 for a = 0 and +∞ for c = 0. No p-value (no enumeration, whatever the counts).
fn exact_conditional(a: f64, n1: f64, c: f64, n2: f64, confidence: f64) -> Estimate {
    let (lower, upper) = crate::rates::exact_conditional_limits(a, n1, c, n2, 1.0 - confidence);
    Estimate {
        value: (a / n1) / (c / n2),
        lower,
        upper,
        method: CiMethod::ExactConditional,
    }
}

/// Outcome (hit-rate) comparisons, one per input row, against its reference row.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OutcomeColumns {
    /// The full 2×2 comparison per row (for the reference row itself: NaN comparisons).
    pub rows: Vec<TwoByTwo>,
}

/// Compare each group's outcome rate (arrests, finds, positive outcomes per search) with its
/// reference group's.
///
/// Method (docs/methods/stop_search.md B3): Wilson CI for each rate; difference (group − reference) with
/// Newcombe's CI; risk ratio with Katz's CI (Haldane +0.5 at zero cells, flagged); pooled
/// two-proportion z; χ² with and without Yates; Fisher's exact test, which is the reported
/// p-value whenever an expected cell is below 5 (see [`crate::tables`]).
///
/// # Errors
/// Length mismatch; negative or missing counts; hits > n; n ≤ 0; reference index out of range;
/// invalid confidence.
///
/// # Examples
/// ```
/// use saferstats::disproportionality::outcome_tests;
/// // docs/methods/stop_search.md B3: 3/20 vs 40/200 -> Fisher p = 0.771325 (expected cell < 5)
/// let o = outcome_tests(&[3.0, 40.0], &[20.0, 200.0], &[1, 1], 0.95).unwrap();
/// assert!((o.rows[0].p_value - 0.771325).abs() < 1e-6);
/// ```
pub fn outcome_tests(
    hits: &[f64],
    n: &[f64],
    reference: &[usize],
    confidence: f64,
) -> Result<OutcomeColumns> {
    check_confidence(confidence)?;
    check_counts(("hits", hits), ("n", n), Missing::Error)?;
    check_lengths(&[("hits", hits.len()), ("reference", reference.len())])?;
    for (i, (&x, &m)) in hits.iter().zip(n).enumerate() {
        if x > m {
            return Err(Error::value(
                "hits",
                i,
                x,
                format!("is larger than the number of searches ({m})"),
            ));
        }
    }
    check_reference(reference, hits.len())?;
    let z = z_two_sided(confidence);
    let rows = (0..hits.len())
        .into_par_iter()
        .with_min_len(256)
        .map(|i| {
            let r = reference[i];
            let mut t = compare(hits[i], n[i], hits[r], n[r], z);
            if r == i {
                t.difference = Estimate {
                    value: 0.0,
                    lower: f64::NAN,
                    upper: f64::NAN,
                    method: CiMethod::Reference,
                };
                t.risk_ratio = Estimate {
                    value: 1.0,
                    lower: f64::NAN,
                    upper: f64::NAN,
                    method: CiMethod::Reference,
                };
                t.p_value = f64::NAN;
                t.test = crate::tables::TestUsed::NotApplicable;
                for v in [
                    &mut t.odds_ratio,
                    &mut t.z,
                    &mut t.p_z,
                    &mut t.chi2,
                    &mut t.chi2_yates,
                    &mut t.p_chi2_yates,
                    &mut t.p_fisher,
                ] {
                    *v = f64::NAN;
                }
            }
            t
        })
        .collect();
    Ok(OutcomeColumns { rows })
}

//! Rates, proportions and ratios with confidence intervals — the kernel every analysis uses.
//!
//! Methods follow PHE/OHID's PHEindicatormethods (v2.1.0) conventions, documented in
//! docs/methods/rates.md sections A1–A4:
//!
//! | function | statistic | interval |
//! |---|---|---|
//! | [`rate_ci`] | crude rate x/n × multiplier | exact Poisson (Garwood) below 10, Byar's from 10 (`"phe"`), or either throughout |
//! | [`proportion_ci`] | proportion x/n | Wilson score, with or without continuity correction |
//! | [`rate_ratio`] | ratio of two rates | wald-log (Katz/Poisson), exact conditional (Clopper–Pearson on a \| a+b) |
//! | [`proportion_difference`] | p₁ − p₂ | Newcombe hybrid score (method 10) |
//! | [`dsr`] | directly standardised rate | Dobson method with Byar's limits |
//!
//! All vectorised functions validate the whole input first (so the first bad element is reported
//! by position), then compute rows in parallel with rayon.

use rayon::prelude::*;
use serde::Serialize;

use crate::ci::{
    check_column, check_lengths, par_pairs_checked_into, par_rows, CiMethod, Domain, Estimate,
    EstimateColumns, EstimateSlices, Missing,
};
use crate::error::{Error, Result};
use crate::special::{
    beta_quantile, binom_test_two_sided, check_confidence, check_confidence_or_one, gamma_quantile,
    p_two_sided, z_two_sided,
};

/// European Standard Population 2013, 19 five-year bands 0–4 … 90+ (Σ = 100,000).
pub const ESP2013: [f64; 19] = [
    5000.0, 5500.0, 5500.0, 5500.0, 6000.0, 6000.0, 6500.0, 7000.0, 7000.0, 7000.0, 7000.0, 6500.0,
    6000.0, 5500.0, 5000.0, 4000.0, 2500.0, 1500.0, 1000.0,
];

/// Count below which `"phe"` uses the exact Poisson interval instead of Byar's.
pub const PHE_EXACT_BELOW: f64 = 10.0;

// ---------------------------------------------------------------------------------------------
// Scalar kernels
// ---------------------------------------------------------------------------------------------

/// Exact Poisson (Garwood) limits for a count `x` on the count scale:
/// L = χ²_{α/2}(2x)/2, U = χ²_{1−α/2}(2x+2)/2, with L = 0 at x = 0.
///
/// Reference: Garwood (1936); PHEindicatormethods `phe_rate` (x < 10 branch).
///
/// # Examples
/// ```
/// let (l, u) = saferstats::rates::poisson_exact_limits(5.0, 0.95);
/// // PHE fixture: 5/100 per 100,000 -> 1623.486390 - 11668.332079
/// assert!((l / 100.0 * 1e5 - 1623.486390).abs() < 1e-5);
/// assert!((u / 100.0 * 1e5 - 11668.332079).abs() < 1e-5);
/// ```
pub fn poisson_exact_limits(x: f64, confidence: f64) -> (f64, f64) {
    let alpha = 1.0 - confidence;
    (
        gamma_quantile(alpha / 2.0, x),
        gamma_quantile(1.0 - alpha / 2.0, x + 1.0),
    )
}

/// Byar's approximation to the exact Poisson limits for a count `x`, given the two-sided
/// critical value `z`: L = x(1 − 1/(9x) − z/(3√x))³, U = (x+1)(1 − 1/(9(x+1)) + z/(3√(x+1)))³.
///
/// At x = 0 the lower limit is 0 (Byar's formula is undefined there); a negative lower limit
/// (tiny x at very high confidence) is reported as NaN, as PHEindicatormethods does.
///
/// Reference: Breslow & Day (1987) vol. II p. 69; PHEindicatormethods `byars_lower/upper`.
///
/// # Examples
/// ```
/// let z = saferstats::special::z_two_sided(0.95);
/// let (l, u) = saferstats::rates::byar_limits(65.0, z);
/// assert!((l - 50.163188).abs() < 1e-6 && (u - 82.849139).abs() < 1e-6);
/// ```
pub fn byar_limits(x: f64, z: f64) -> (f64, f64) {
    // 1/(9x) = r²/9 and z/(3√x) = (z/3)·r with r = 1/√x: one division per limit
    let z3 = z / 3.0;
    let lower = if x == 0.0 {
        0.0
    } else {
        let r = 1.0 / x.sqrt();
        let t = 1.0 - r * r / 9.0 - z3 * r;
        let l = x * (t * t * t);
        if l < 0.0 {
            f64::NAN
        } else {
            l
        }
    };
    let x1 = x + 1.0;
    let r1 = 1.0 / x1.sqrt();
    let t1 = 1.0 - r1 * r1 / 9.0 + z3 * r1;
    let upper = x1 * (t1 * t1 * t1); // an explicit cube: powi is a library call
    (lower, upper)
}

/// Wilson score limits for `x` successes in `n` trials with critical value `z`, optionally with
/// the continuity correction (Newcombe 1998, method 4). x = 0 gives lower 0 exactly, x = n
/// upper 1 exactly; an infinite `z` (confidence 1) gives (0, 1).
///
/// Computed without overflow or cancellation for any finite x ≤ n (up to 1e308): with
/// s = n + z², the upper limit is (x + z²/2 + z·√(x(1 − p) + z²/4)) / s and the lower limit
/// p·x / (x + z²/2 + z·√(…)) — the two Wilson limits multiply to p²·n/(n + z²), so the lower limit needs
/// no subtraction (the textbook form (2x + z² ∓ …)/(2(n + z²)) overflows above n ≈ 9e307 and
/// loses digits for small x). The continuity-corrected limits use the same halving.
///
/// Reference: Wilson (1927); Newcombe (1998) Stat Med 17:857–872; PHEindicatormethods
/// `wilson_lower/upper`.
///
/// # Examples
/// ```
/// let z = saferstats::special::z_two_sided(0.95);
/// let (l, u) = saferstats::rates::wilson_limits(65.0, 100.0, z, false);
/// assert!((l - 0.552544).abs() < 1e-6 && (u - 0.736358).abs() < 1e-6);
/// // no overflow at the top of the double range
/// let (l, u) = saferstats::rates::wilson_limits(1e308, 1e308, z, false);
/// assert!(l > 0.999_999 && u == 1.0);
/// ```
#[inline(always)]
pub fn wilson_limits(x: f64, n: f64, z: f64, continuity: bool) -> (f64, f64) {
    if z.is_infinite() {
        return (0.0, 1.0);
    }
    let z2 = z * z;
    let inv_s = 1.0 / (n + z2);
    let p = x / n;
    let q = x * (1.0 - p); // x(1 - p) <= n/4: no overflow
    let (lower, upper) = if continuity {
        let l = (x + 0.5 * (z2 - 1.0) - z * (0.25 * z2 - 0.5 - 0.25 / n + q + p).sqrt()) * inv_s;
        let u = (x + 0.5 * (z2 + 1.0) + z * (0.25 * z2 + 0.5 - 0.25 / n + q - p).sqrt()) * inv_s;
        (l, u)
    } else {
        let num = x + 0.5 * z2 + z * (q + 0.25 * z2).sqrt();
        // lower = p * (x/s) / upper = p * x / num: no intermediate underflow
        (p * (x / num), num * inv_s)
    };
    // the interval contains p; the clamps only absorb the last-ulp rounding at huge n
    let lower = if x <= 0.0 { 0.0 } else { lower.max(0.0).min(p) };
    let upper = if x >= n { 1.0 } else { upper.min(1.0).max(p) };
    (lower, upper)
}

/// [`wilson_limits`] × `mult` and `x / n × mult` for a block of rows: a plain loop per variant
/// (the proportion kernel's hot loop, vectorised; see [`crate::ci::vectorised`]).
fn wilson_block(x: &[f64], n: &[f64], z: f64, cc: bool, mult: f64, out: EstimateSlices<'_>) {
    crate::ci::vectorised(
        #[inline(always)]
        || wilson_block_loop(x, n, z, cc, mult, out),
    );
}

#[inline(always)]
fn wilson_block_loop(x: &[f64], n: &[f64], z: f64, cc: bool, mult: f64, out: EstimateSlices<'_>) {
    let label = if cc {
        CiMethod::WilsonCc
    } else {
        CiMethod::Wilson
    };
    out.method.fill(label as u8);
    let (v, l, u) = (out.value, out.lower, out.upper);
    let len = v.len();
    let (l, u, x, n) = (&mut l[..len], &mut u[..len], &x[..len], &n[..len]);
    if cc {
        for i in 0..len {
            let (lo, hi) = wilson_limits(x[i], n[i], z, true);
            (v[i], l[i], u[i]) = (x[i] / n[i] * mult, lo * mult, hi * mult);
        }
    } else {
        for i in 0..len {
            let (lo, hi) = wilson_limits(x[i], n[i], z, false);
            (v[i], l[i], u[i]) = (x[i] / n[i] * mult, lo * mult, hi * mult);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Crude rates
// ---------------------------------------------------------------------------------------------

choice! {
    /// Interval method for crude rates.
    #[derive(Default)]
    pub enum RateMethod("method", "rate method") {
        /// PHE convention: exact Poisson for counts below 10, Byar's from 10 (default).
        #[default]
        Phe = "phe",
        /// Exact Poisson (Garwood) for every count.
        Exact = "exact",
        /// Byar's approximation for every count.
        Byar = "byar" | "byars",
    }
}

/// Options for [`rate_ci`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateOptions {
    /// Rate per this many of the population (default 100,000).
    pub multiplier: f64,
    /// Two-sided confidence level, 0.5–0.9999 (default 0.95; see [`check_confidence`]).
    pub confidence: f64,
    /// Interval method (default [`RateMethod::Phe`]).
    pub method: RateMethod,
    /// Missing-value policy (default [`Missing::Error`]).
    pub missing: Missing,
}

impl Default for RateOptions {
    fn default() -> Self {
        RateOptions {
            multiplier: 100_000.0,
            confidence: 0.95,
            method: RateMethod::Phe,
            missing: Missing::Error,
        }
    }
}

/// Validate a multiplier (finite, > 0).
fn check_multiplier(multiplier: f64) -> Result<()> {
    if multiplier.is_finite() && multiplier > 0.0 {
        Ok(())
    } else {
        Err(Error::argument(
            "multiplier",
            format!("must be a positive number (e.g. 1000 or 100000), got {multiplier}"),
        ))
    }
}

impl RateOptions {
    /// Check the options once, up front.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a confidence outside 0.5–0.9999 or a non-positive multiplier.
    pub fn validate(&self) -> Result<()> {
        check_confidence(self.confidence)?;
        check_multiplier(self.multiplier)
    }
}

/// Crude rates `count / population × multiplier` with exact Poisson / Byar's confidence intervals.
///
/// Method (docs/methods/rates.md A1; PHEindicatormethods `phe_rate`): `"phe"` uses the exact Poisson
/// (Garwood) interval for counts below 10 and Byar's approximation from 10; `"exact"` and
/// `"byar"` use one method throughout. Count 0 gives lower limit 0. Non-integer counts are
/// accepted (the gamma form of the exact limits and Byar's formula are defined for them), as
/// PHE does. A count larger than its population is allowed for rates.
///
/// # Errors
/// Length mismatch; negative or infinite count; population ≤ 0 or infinite; NaN under
/// [`Missing::Error`]; invalid options.
///
/// # Examples
/// ```
/// use saferstats::rates::{rate_ci, RateOptions};
/// let out = rate_ci(&[20.0], &[100.0], &RateOptions::default()).unwrap();
/// assert!((out.value[0] - 20000.0).abs() < 1e-9);
/// assert!((out.lower[0] - 12211.428835).abs() < 1e-5); // PHE fixture, Byar's
/// ```
pub fn rate_ci(counts: &[f64], populations: &[f64], opts: &RateOptions) -> Result<EstimateColumns> {
    EstimateColumns::filled_by(counts.len(), |out| {
        rate_ci_into(counts, populations, opts, out)
    })
}

/// [`rate_ci`] writing into caller-owned columns (each as long as `counts`).
///
/// # Errors
/// As [`rate_ci`]; also when an output column has the wrong length.
///
/// # Examples
/// ```
/// use saferstats::ci::EstimateSlices;
/// use saferstats::rates::{rate_ci_into, RateOptions};
/// let (mut v, mut l, mut u, mut m) = ([0.0; 2], [0.0; 2], [0.0; 2], [0u8; 2]);
/// let out = EstimateSlices { value: &mut v, lower: &mut l, upper: &mut u, method: &mut m, inputs: None };
/// rate_ci_into(&[1600.0, 5.0], &[1_184_400.0, 100.0], &RateOptions::default(), out).unwrap();
/// assert!((v[0] - 135.0895).abs() < 1e-4 && (l[0] - 128.5505).abs() < 1e-4); // Herts 2018-19
/// assert_eq!(m, [1, 0]); // Byar's, then exact (count < 10)
/// ```
pub fn rate_ci_into(
    counts: &[f64],
    populations: &[f64],
    opts: &RateOptions,
    out: EstimateSlices<'_>,
) -> Result<()> {
    opts.validate()?;
    let inputs = [("count", counts.len()), ("population", populations.len())];
    check_lengths(&[&inputs[..], &out.lengths()].concat())?;
    let z = z_two_sided(opts.confidence);
    let table = LimitTable::for_counts(counts, opts);
    let (mult, missing) = (opts.multiplier, opts.missing);
    let valid = |x: f64, n: f64| {
        Domain::NonNegative.admits(x, missing) && Domain::Positive.admits(n, missing)
    };
    let fill = |x: &[f64], n: &[f64], out: EstimateSlices<'_>| {
        let exact_below = match opts.method {
            RateMethod::Byar => 0.0,
            RateMethod::Phe => PHE_EXACT_BELOW,
            RateMethod::Exact => f64::INFINITY,
        };
        if exact_below.is_finite() {
            byar_block(x, n, z, mult, out.value, out.lower, out.upper);
            out.method.fill(CiMethod::Byar as u8);
        }
        // exact limits where the method asks for them (a table lookup for integer counts)
        for i in 0..x.len() {
            let (xi, ni) = (x[i], n[i]);
            if xi < exact_below && !ni.is_nan() {
                let (l, u) = table
                    .exact(xi)
                    .unwrap_or_else(|| poisson_exact_limits(xi, opts.confidence));
                let per = mult / ni;
                (out.value[i], out.lower[i], out.upper[i]) = (xi * per, l * per, u * per);
                out.method[i] = CiMethod::Exact as u8;
            }
        }
    };
    let all_valid = par_pairs_checked_into(counts, populations, out, valid, fill);
    if all_valid {
        return Ok(());
    }
    report_first_problem(|| {
        check_column("count", counts, Domain::NonNegative, missing)?;
        check_column("population", populations, Domain::Positive, missing)
    })
}

/// After a row loop with fused checks refused a row: run the ordered checks, which name the
/// first problem (argument and position). They share [`Domain::admits`] with the fused checks,
/// so they always find it; the fallback error only guards against the two drifting apart.
fn report_first_problem(ordered_checks: impl FnOnce() -> Result<()>) -> Result<()> {
    ordered_checks()?;
    Err(Error::argument(
        "input",
        "a row was refused but no invalid value was found (please report this)",
    ))
}

/// Exact Poisson limits (a gamma quantile each) precomputed once per distinct integer count
/// that needs them — `"phe"` needs 0..9, `"exact"` every distinct count — looked up by binary
/// search; counts in community-safety tables repeat a lot. Other counts are computed directly.
struct LimitTable {
    keys: Vec<f64>,
    limits: Vec<(f64, f64)>,
}

impl LimitTable {
    fn for_counts(counts: &[f64], opts: &RateOptions) -> Self {
        let keys: Vec<f64> = match opts.method {
            RateMethod::Byar => Vec::new(),
            RateMethod::Phe => (0..PHE_EXACT_BELOW as usize).map(|k| k as f64).collect(),
            RateMethod::Exact => {
                let mut k: Vec<f64> = counts
                    .par_iter()
                    .copied()
                    .filter(|x| x.is_finite() && x.fract() == 0.0 && *x >= 0.0)
                    .collect();
                k.par_sort_unstable_by(f64::total_cmp);
                k.dedup();
                k
            }
        };
        let limits = keys
            .par_iter()
            .map(|&k| poisson_exact_limits(k, opts.confidence))
            .collect();
        LimitTable { keys, limits }
    }

    fn exact(&self, x: f64) -> Option<(f64, f64)> {
        if self.keys.is_empty() {
            return None;
        }
        let i = self.keys.binary_search_by(|k| k.total_cmp(&x)).ok()?;
        self.limits.get(i).copied()
    }
}

/// Byar's limits × `mult / n` and the rate `x × mult / n` for a block of rows (the rate
/// kernel's hot loop, vectorised; see [`crate::ci::vectorised`]).
fn byar_block(
    x: &[f64],
    n: &[f64],
    z: f64,
    mult: f64,
    v: &mut [f64],
    l: &mut [f64],
    u: &mut [f64],
) {
    crate::ci::vectorised(
        #[inline(always)]
        || {
            let len = v.len();
            let (l, u, x, n) = (&mut l[..len], &mut u[..len], &x[..len], &n[..len]);
            for i in 0..len {
                let (lo, hi) = byar_limits(x[i], z);
                let per = mult / n[i];
                (v[i], l[i], u[i]) = (x[i] * per, lo * per, hi * per);
            }
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Proportions
// ---------------------------------------------------------------------------------------------

choice! {
    /// Interval method for proportions.
    #[derive(Default)]
    pub enum ProportionMethod("method", "proportion method") {
        /// Wilson score interval (PHE's method, default).
        #[default]
        Wilson = "wilson",
        /// Wilson score interval with continuity correction.
        WilsonCc = "wilson-cc" | "wilson_cc",
    }
}

/// Options for [`proportion_ci`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProportionOptions {
    /// Multiply value and limits by this (1 = proportion, 100 = percentage).
    pub multiplier: f64,
    /// Two-sided confidence level, 0.5–0.9999, or 1 (the interval (0, 1)).
    pub confidence: f64,
    /// Interval method.
    pub method: ProportionMethod,
    /// Missing-value policy.
    pub missing: Missing,
}

impl Default for ProportionOptions {
    fn default() -> Self {
        ProportionOptions {
            multiplier: 1.0,
            confidence: 0.95,
            method: ProportionMethod::Wilson,
            missing: Missing::Error,
        }
    }
}

impl ProportionOptions {
    /// Check the options once, up front.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a confidence outside 0.5–0.9999 (1 is allowed: the
    /// Wilson interval at 100% is (0, 1)) or a non-positive multiplier.
    pub fn validate(&self) -> Result<()> {
        check_confidence_or_one(self.confidence)?;
        check_multiplier(self.multiplier)
    }
}

fn check_successes_le_trials(xs: &[f64], ns: &[f64], xname: &str) -> Result<()> {
    if xs
        .par_iter()
        .zip(ns)
        .with_min_len(crate::ci::PAR_MIN_LEN)
        .all(|(&x, &n)| x <= n || x.is_nan() || n.is_nan())
    {
        return Ok(());
    }
    for (i, (&x, &n)) in xs.iter().zip(ns).enumerate() {
        if x > n {
            return Err(Error::value(
                xname,
                i,
                x,
                format!("is larger than the number of trials ({n})"),
            ));
        }
    }
    Ok(())
}

/// Proportions `successes / trials × multiplier` with Wilson score confidence intervals.
///
/// Method (docs/methods/rates.md A2; PHEindicatormethods `phe_proportion`): Wilson score interval,
/// optionally with continuity correction (Newcombe 1998 method 4, = R `prop.test(correct=TRUE)`).
/// Non-integer successes are accepted, as PHE does.
///
/// # Errors
/// Length mismatch; negative successes; trials ≤ 0; successes > trials; NaN under
/// [`Missing::Error`]; invalid options.
///
/// # Examples
/// ```
/// use saferstats::rates::{proportion_ci, ProportionOptions};
/// let out = proportion_ci(&[222.0], &[3215.0], &ProportionOptions::default()).unwrap();
/// assert!((out.lower[0] - 0.060792).abs() < 1e-6 && (out.upper[0] - 0.078340).abs() < 1e-6);
/// ```
pub fn proportion_ci(
    successes: &[f64],
    trials: &[f64],
    opts: &ProportionOptions,
) -> Result<EstimateColumns> {
    EstimateColumns::filled_by(successes.len(), |out| {
        proportion_ci_into(successes, trials, opts, out)
    })
}

/// [`proportion_ci`] writing into caller-owned columns (each as long as `successes`).
///
/// # Errors
/// As [`proportion_ci`]; also when an output column has the wrong length.
///
/// # Examples
/// ```
/// use saferstats::ci::EstimateSlices;
/// use saferstats::rates::{proportion_ci_into, ProportionOptions};
/// let (mut v, mut l, mut u, mut m) = ([0.0; 1], [0.0; 1], [0.0; 1], [0u8; 1]);
/// let out = EstimateSlices { value: &mut v, lower: &mut l, upper: &mut u, method: &mut m, inputs: None };
/// proportion_ci_into(&[0.0], &[10.0], &ProportionOptions::default(), out).unwrap();
/// assert_eq!(l[0], 0.0);
/// assert!((u[0] - 0.2775327).abs() < 1e-6); // Wilson 0/10 upper limit (statsmodels)
/// ```
pub fn proportion_ci_into(
    successes: &[f64],
    trials: &[f64],
    opts: &ProportionOptions,
    out: EstimateSlices<'_>,
) -> Result<()> {
    opts.validate()?;
    let inputs = [("successes", successes.len()), ("trials", trials.len())];
    check_lengths(&[&inputs[..], &out.lengths()].concat())?;
    let z = z_two_sided(opts.confidence);
    let cc = opts.method == ProportionMethod::WilsonCc;
    let (mult, missing) = (opts.multiplier, opts.missing);
    let valid = |x: f64, n: f64| {
        Domain::NonNegative.admits(x, missing)
            && Domain::Positive.admits(n, missing)
            && (x <= n || x.is_nan() || n.is_nan())
    };
    let fill = |x: &[f64], n: &[f64], out: EstimateSlices<'_>| {
        wilson_block(x, n, z, cc, mult, out);
    };
    let all_valid = par_pairs_checked_into(successes, trials, out, valid, fill);
    if all_valid {
        return Ok(());
    }
    report_first_problem(|| {
        check_column("successes", successes, Domain::NonNegative, missing)?;
        check_column("trials", trials, Domain::Positive, missing)?;
        check_successes_le_trials(successes, trials, "successes")
    })
}

// ---------------------------------------------------------------------------------------------
// Rate ratios and percentage change
// ---------------------------------------------------------------------------------------------

choice! {
    /// Interval method for a ratio of two Poisson rates.
    #[derive(Default)]
    pub enum RatioMethod("method", "ratio method") {
        /// Wald interval on the log scale, SE = √(1/a + 1/b); exact conditional when a count is 0.
        #[default]
        WaldLog = "wald-log" | "wald_log",
        /// Exact conditional: Clopper–Pearson on a | a + b ~ Bin(a + b, π).
        Exact = "exact" | "exact-cond",
    }
}

/// Options for [`rate_ratio`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RatioOptions {
    /// Two-sided confidence level, 0.5–0.9999 (see [`crate::special::check_confidence`]).
    pub confidence: f64,
    /// Interval method.
    pub method: RatioMethod,
    /// Missing-value policy.
    pub missing: Missing,
}

impl Default for RatioOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl RatioOptions {
    /// Defaults: 95%, wald-log, error on missing.
    pub fn new() -> Self {
        RatioOptions {
            confidence: 0.95,
            method: RatioMethod::WaldLog,
            missing: Missing::Error,
        }
    }
}

/// Ratios with their test statistics: the output of [`rate_ratio`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RatioColumns {
    /// Ratio with CI and method per row.
    pub estimate: EstimateColumns,
    /// Wald z statistic ln(RR)/SE (NaN for the exact method).
    pub z: Vec<f64>,
    /// Two-sided p-value of H0: RR = 1 (normal for wald-log; exact binomial, minlike, for exact).
    pub p_value: Vec<f64>,
}

/// Exact conditional limits (docs/methods/rates.md A4) of the ratio (a/n_a)/(b/n_b) at level
/// 1 − `alpha`: given a + b, a ~ Bin(a + b, π) with π = n_a·RR/(n_a·RR + n_b), so the
/// Clopper–Pearson limits on π map to RR = π/(1 − π)·n_b/n_a; the lower limit is 0 for a = 0
/// and the upper +∞ for b = 0. Shared by rate ratios, risk ratios at a zero cell and the
/// stop-and-search ratios.
pub(crate) fn exact_conditional_limits(a: f64, na: f64, b: f64, nb: f64, alpha: f64) -> (f64, f64) {
    // The u-quantile of π ~ Beta(p, q) as odds π/(1 − π). Near π = 1 the complement 1 − π is
    // taken from the mirrored quantile of Beta(q, p) rather than by subtraction, which loses
    // every digit when b is tiny beside a (b = 1e-5 against a = 1 gave an upper limit below the
    // ratio itself).
    let odds = |u: f64, p: f64, q: f64| {
        let pi = beta_quantile(u, p, q);
        if pi <= 0.5 {
            return pi / (1.0 - pi);
        }
        let rest = beta_quantile(1.0 - u, q, p);
        if rest <= 0.0 {
            f64::INFINITY
        } else {
            (1.0 - rest) / rest
        }
    };
    let lower = if a == 0.0 {
        0.0
    } else {
        odds(alpha / 2.0, a, b + 1.0) * nb / na
    };
    let upper = if b == 0.0 {
        f64::INFINITY
    } else {
        odds(1.0 - alpha / 2.0, a + 1.0, b) * nb / na
    };
    (lower, upper)
}

/// One rate ratio (a/Na)/(b/Nb) with CI, z and p.
fn one_rate_ratio(
    a: f64,
    na: f64,
    b: f64,
    nb: f64,
    method: RatioMethod,
    conf: f64,
    z: f64,
) -> (Estimate, f64, f64) {
    if [a, na, b, nb].iter().any(|v| v.is_nan()) || (a == 0.0 && b == 0.0) {
        return (Estimate::nan(), f64::NAN, f64::NAN);
    }
    // -0.0 is a zero count: + 0.0 makes it +0.0, so the ratio is 0 or +inf, never -inf.
    let (a, b) = (a + 0.0, b + 0.0);
    let ratio = (a / na) / (b / nb);
    let exact = method == RatioMethod::Exact || a == 0.0 || b == 0.0;
    if !exact {
        let se = (1.0 / a + 1.0 / b).sqrt();
        let zstat = ratio.ln() / se;
        let est = Estimate {
            value: ratio,
            lower: ratio * (-z * se).exp(),
            upper: ratio * (z * se).exp(),
            method: CiMethod::WaldLog,
        };
        return (est, zstat, p_two_sided(zstat));
    }
    let (lower, upper) = exact_conditional_limits(a, na, b, nb, 1.0 - conf);
    let p = if a.fract() == 0.0 && b.fract() == 0.0 {
        binom_test_two_sided(a as u64, (a + b) as u64, na / (na + nb))
    } else {
        f64::NAN
    };
    let method = if method == RatioMethod::Exact {
        CiMethod::ExactConditional
    } else {
        CiMethod::ExactZeroCount
    };
    (
        Estimate {
            value: ratio,
            lower,
            upper,
            method,
        },
        f64::NAN,
        p,
    )
}

/// Ratio of two Poisson rates (a/Nₐ)/(b/N_b) with confidence interval and test of RR = 1.
///
/// Method (docs/methods/rates.md A4): `wald-log` — SE(ln RR) = √(1/a + 1/b), CI = RR·exp(∓z·SE), z test;
/// when either count is 0 the wald-log interval is undefined and the exact conditional interval
/// is used instead, labelled `"exact (zero count)"`. `exact` — a | a+b ~ Bin(a+b, π) with
/// Clopper–Pearson limits on π mapped to RR = π/(1−π)·N_b/Nₐ, and the two-sided exact binomial
/// test (statsmodels `test_poisson_2indep(method="exact-cond")`). a = b = 0 gives NaN.
///
/// # Errors
/// Length mismatch; negative counts; populations ≤ 0; NaN under [`Missing::Error`]; invalid options.
///
/// # Examples
/// ```
/// use saferstats::rates::{rate_ratio, RatioOptions};
/// let r = rate_ratio(&[468.0], &[312_500.0], &[412.0], &[310_000.0], &RatioOptions::new()).unwrap();
/// assert!((r.estimate.value[0] - 1.126835).abs() < 1e-6);
/// assert!((r.estimate.lower[0] - 0.987088).abs() < 1e-6);
/// ```
pub fn rate_ratio(
    count_a: &[f64],
    population_a: &[f64],
    count_b: &[f64],
    population_b: &[f64],
    opts: &RatioOptions,
) -> Result<RatioColumns> {
    check_confidence(opts.confidence)?;
    check_lengths(&[
        ("count_a", count_a.len()),
        ("population_a", population_a.len()),
        ("count_b", count_b.len()),
        ("population_b", population_b.len()),
    ])?;
    check_column("count_a", count_a, Domain::NonNegative, opts.missing)?;
    check_column("population_a", population_a, Domain::Positive, opts.missing)?;
    check_column("count_b", count_b, Domain::NonNegative, opts.missing)?;
    check_column("population_b", population_b, Domain::Positive, opts.missing)?;
    let z = z_two_sided(opts.confidence);
    let rows: Vec<(Estimate, f64, f64)> = {
        use rayon::prelude::*;
        (0..count_a.len())
            .into_par_iter()
            .with_min_len(crate::ci::PAR_MIN_LEN)
            .map(|i| {
                one_rate_ratio(
                    count_a[i],
                    population_a[i],
                    count_b[i],
                    population_b[i],
                    opts.method,
                    opts.confidence,
                    z,
                )
            })
            .collect()
    };
    let mut out = RatioColumns {
        estimate: EstimateColumns::default(),
        z: Vec::with_capacity(rows.len()),
        p_value: Vec::with_capacity(rows.len()),
    };
    out.estimate = rows.iter().map(|r| r.0).collect();
    out.z = rows.iter().map(|r| r.1).collect();
    out.p_value = rows.iter().map(|r| r.2).collect();
    Ok(out)
}

/// Percentage change 100(RR − 1) for every row of a [`rate_ratio`] result (value and limits;
/// the method is the ratio's).
///
/// # Examples
/// ```
/// use saferstats::rates::{percent_change_columns, rate_ratio, RatioOptions};
/// // the seed's figure: 1,597 -> 2,080 offences is +30.24% (22.02% to 39.02%)
/// let r = rate_ratio(&[2080.0], &[1.0], &[1597.0], &[1.0], &RatioOptions::new()).unwrap();
/// let pc = percent_change_columns(&r.estimate);
/// assert!((pc.value[0] - 30.244).abs() < 1e-3 && (pc.lower[0] - 22.02).abs() < 1e-2);
/// ```
pub fn percent_change_columns(ratio: &EstimateColumns) -> EstimateColumns {
    (0..ratio.len())
        .filter_map(|i| ratio.get(i))
        .map(|e| percent_change(&e))
        .collect()
}

/// Percentage change 100(RR − 1) from a rate ratio estimate (value and limits).
///
/// # Examples
/// ```
/// use saferstats::ci::{CiMethod, Estimate};
/// let e = Estimate { value: 1.126835, lower: 0.987088, upper: 1.286367, method: CiMethod::WaldLog };
/// let pc = saferstats::rates::percent_change(&e);
/// assert!((pc.value - 12.6835).abs() < 1e-9 && (pc.lower + 1.2912).abs() < 1e-9);
/// ```
pub fn percent_change(ratio: &Estimate) -> Estimate {
    Estimate {
        value: 100.0 * (ratio.value - 1.0),
        lower: 100.0 * (ratio.lower - 1.0),
        upper: 100.0 * (ratio.upper - 1.0),
        method: ratio.method,
    }
}

// ---------------------------------------------------------------------------------------------
// Difference of two proportions
// ---------------------------------------------------------------------------------------------

/// Difference of two independent proportions p₁ − p₂ with the Newcombe hybrid score interval.
///
/// Method: Newcombe (1998) method 10 — with Wilson limits (l₁,u₁), (l₂,u₂):
/// L = d − √((p₁−l₁)² + (u₂−p₂)²), U = d + √((u₁−p₁)² + (p₂−l₂)²)
/// (= statsmodels `confint_proportions_2indep(method="newcomb")`).
///
/// # Errors
/// As [`proportion_ci`] for each of the two samples.
///
/// # Examples
/// ```
/// use saferstats::ci::Missing;
/// let d = saferstats::rates::proportion_difference(&[180.0], &[1200.0], &[756.0], &[5400.0], 0.95, Missing::Error).unwrap();
/// assert!((d.lower[0] + 0.011323).abs() < 1e-6 && (d.upper[0] - 0.033140).abs() < 1e-6);
/// ```
pub fn proportion_difference(
    x1: &[f64],
    n1: &[f64],
    x2: &[f64],
    n2: &[f64],
    confidence: f64,
    missing: Missing,
) -> Result<EstimateColumns> {
    check_confidence(confidence)?;
    check_lengths(&[
        ("successes_a", x1.len()),
        ("trials_a", n1.len()),
        ("successes_b", x2.len()),
        ("trials_b", n2.len()),
    ])?;
    check_column("successes_a", x1, Domain::NonNegative, missing)?;
    check_column("trials_a", n1, Domain::Positive, missing)?;
    check_column("successes_b", x2, Domain::NonNegative, missing)?;
    check_column("trials_b", n2, Domain::Positive, missing)?;
    check_successes_le_trials(x1, n1, "successes_a")?;
    check_successes_le_trials(x2, n2, "successes_b")?;
    let z = z_two_sided(confidence);
    Ok(par_rows(x1.len(), |i| {
        if [x1[i], n1[i], x2[i], n2[i]].iter().any(|v| v.is_nan()) {
            return Estimate::nan();
        }
        newcombe_difference(x1[i], n1[i], x2[i], n2[i], z)
    }))
}

/// Newcombe hybrid score interval for one difference (see [`proportion_difference`]).
pub fn newcombe_difference(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> Estimate {
    let (p1, p2) = (x1 / n1, x2 / n2);
    let (l1, u1) = wilson_limits(x1, n1, z, false);
    let (l2, u2) = wilson_limits(x2, n2, z, false);
    let d = p1 - p2;
    Estimate {
        value: d,
        lower: d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        upper: d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
        method: CiMethod::Newcombe,
    }
}

// ---------------------------------------------------------------------------------------------
// Directly standardised rates
// ---------------------------------------------------------------------------------------------

/// A directly standardised rate for one area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DsrResult {
    /// Total observed events O = Σ xᵢ.
    pub total_count: f64,
    /// Total population Σ nᵢ.
    pub total_population: f64,
    /// The DSR per multiplier with its Dobson CI (NaN when O < 10).
    pub estimate: Estimate,
    /// Why no value was produced, if none was.
    pub note: Option<String>,
}

/// Directly standardised rate with the Dobson-method confidence interval.
///
/// Method (docs/methods/rates.md A3; PHEindicatormethods `calculate_dsr`): DSR = Σ (xᵢ/nᵢ)·wᵢ / Σ wᵢ × mult;
/// var = Σ xᵢ (wᵢ/nᵢ)² / (Σwᵢ)²; O = Σ xᵢ; CI = DSR + √(var/O)·(Byar's(O) − O)·mult (Byar's
/// always). A NaN count is treated as 0 (as PHE); O < 10 gives NaN with a note.
/// `standard` is the standard population per band (e.g. [`ESP2013`]).
///
/// # Errors
/// Length mismatch among `counts`, `populations`, `standard`; negative counts; populations ≤ 0
/// or NaN; negative standard weights; invalid confidence or multiplier.
///
/// # Examples
/// ```
/// use saferstats::rates::{dsr, ESP2013};
/// let counts = [127., 25., 18., 21., 12., 27., 48., 27., 29., 32., 32., 34., 45., 65., 38., 68., 74., 82., 91.];
/// let pops = [636., 558., 609., 543., 384., 594., 669., 843., 660., 576., 606., 522., 426., 273., 300., 288., 153., 123., 207.];
/// let r = dsr(&counts, &pops, &ESP2013, 100_000.0, 0.95).unwrap();
/// assert!((r.estimate.value - 10430.247991).abs() < 1e-5);
/// ```
pub fn dsr(
    counts: &[f64],
    populations: &[f64],
    standard: &[f64],
    multiplier: f64,
    confidence: f64,
) -> Result<DsrResult> {
    check_confidence(confidence)?;
    check_multiplier(multiplier)?;
    check_lengths(&[
        ("counts", counts.len()),
        ("populations", populations.len()),
        ("standard", standard.len()),
    ])?;
    check_column("counts", counts, Domain::NonNegative, Missing::Propagate)?;
    check_column("populations", populations, Domain::Positive, Missing::Error)?;
    check_column("standard", standard, Domain::NonNegative, Missing::Error)?;
    let sum_w: f64 = standard.iter().sum();
    if sum_w <= 0.0 {
        return Err(Error::argument(
            "standard",
            "standard population weights sum to zero",
        ));
    }
    let mut observed = 0.0;
    let mut weighted = 0.0;
    let mut var = 0.0;
    for ((&x, &n), &w) in counts.iter().zip(populations).zip(standard) {
        let x = if x.is_nan() { 0.0 } else { x };
        observed += x;
        weighted += x / n * w;
        var += x * (w / n).powi(2);
    }
    let total_population: f64 = populations.iter().sum();
    if observed < PHE_EXACT_BELOW {
        return Ok(DsrResult {
            total_count: observed,
            total_population,
            estimate: Estimate::nan(),
            note: Some("dsr NA for total count < 10".to_string()),
        });
    }
    let value = weighted / sum_w;
    let var = var / (sum_w * sum_w);
    let (bl, bu) = byar_limits(observed, z_two_sided(confidence));
    let scale = (var / observed).sqrt();
    Ok(DsrResult {
        total_count: observed,
        total_population,
        estimate: Estimate {
            value: value * multiplier,
            lower: (value + scale * (bl - observed)) * multiplier,
            upper: (value + scale * (bu - observed)) * multiplier,
            method: CiMethod::Dobson,
        },
        note: None,
    })
}

/// [`dsr`] for many areas at once, in parallel: area `g` occupies rows
/// `offsets[g]..offsets[g+1]` of `counts` and `populations` (one row per band of `standard`).
///
/// # Errors
/// As [`dsr`] for the first invalid area (by position), with positions in the flat arrays and
/// the message naming the area's number; offsets that do not start at 0, end at the length, or
/// decrease.
///
/// # Examples
/// ```
/// use saferstats::rates::dsr_many;
/// let counts = [5., 6., 7., 1., 1., 1.];
/// let pops = [100., 100., 100., 100., 100., 100.];
/// let r = dsr_many(&counts, &pops, &[1., 1., 1.], &[0, 3, 6], 100_000.0, 0.95).unwrap();
/// assert!((r[0].estimate.value - 6000.0).abs() < 1e-9);
/// assert!(r[1].estimate.value.is_nan()); // total count 3 < 10
/// ```
pub fn dsr_many(
    counts: &[f64],
    populations: &[f64],
    standard: &[f64],
    offsets: &[usize],
    multiplier: f64,
    confidence: f64,
) -> Result<Vec<DsrResult>> {
    check_confidence(confidence)?;
    check_multiplier(multiplier)?;
    check_lengths(&[("counts", counts.len()), ("populations", populations.len())])?;
    crate::trend::Groups::from_offsets(offsets, counts.len())?.par_map(|r| {
        dsr(
            &counts[r.clone()],
            &populations[r],
            standard,
            multiplier,
            confidence,
        )
    })
}

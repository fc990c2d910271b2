//! Trends over time: Poisson / quasi-Poisson / NB2 log-linear trend (annual % change),
//! Mann–Kendall (with tie correction) and Sen's slope, seasonal Mann–Kendall, and PHE funnel
//! plot limits and significance. Methods and reference values: `METHODS.md` A5–A7.
//!
//! Every function validates its input first and returns a named error; the `_many` variants fit
//! many series (every district × strand) in parallel with rayon.

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::glm::{fit_log_link, fit_negbin2_ml, mle_exists, Design, Family};
use crate::rates::{byar_limits, poisson_exact_limits, PHE_EXACT_BELOW};
use crate::special::{check_confidence, gamma_quantile, norm_ppf, p_two_sided, z_two_sided};

// ---------------------------------------------------------------------------------------------
// Poisson trend (APC)
// ---------------------------------------------------------------------------------------------

choice! {
    /// How over-dispersion is handled in [`poisson_trend`].
    #[derive(Default)]
    pub enum Dispersion("dispersion", "dispersion") {
        /// Plain Poisson standard errors (default).
        #[default]
        Poisson = "poisson",
        /// Quasi-Poisson: SEs × √(Pearson χ²/df) (statsmodels `fit(scale="X2")`).
        Quasi = "quasi" | "quasipoisson" | "quasi-poisson",
        /// Negative binomial NB2 with α by maximum likelihood (Poisson if α → 0).
        NegBin = "negbin" | "nb" | "nb2",
        /// Poisson, switching to quasi-Poisson when χ²/df > the threshold (1.5).
        Auto = "auto",
    }
}

coded_enum! {
    /// The model that produced a trend estimate.
    pub enum TrendMethod in "trend" {
        /// Poisson GLM.
        Poisson = 0 => "poisson",
        /// Quasi-Poisson (requested).
        Quasi = 1 => "quasi-poisson",
        /// Quasi-Poisson chosen by `auto` because χ²/df exceeded the threshold.
        AutoQuasi = 2 => "quasi-poisson (auto: dispersion > 1.5)",
        /// NB2 with interior α.
        NegBin = 3 => "negbin",
        /// NB2 requested but α → 0: Poisson reported.
        NegBinBoundary = 4 => "poisson (negbin alpha at 0)",
        /// No estimate (all counts zero, or the fit failed).
        NotEstimable = 5 => "not estimable",
    }
}

coded_enum! {
    /// Why a trend is [`TrendMethod::NotEstimable`] (the `note` column).
    pub enum TrendNote in "trend" {
        /// An estimate was produced.
        None = 0 => "",
        /// Every count is zero.
        AllZero = 1 => "all counts are zero",
        /// The events fall in one end period only (quasi-complete separation): the
        /// maximum-likelihood slope is ±∞ (see [`crate::glm::mle_exists`]).
        Separation = 2 => "all events in the first or the last period: the slope is not finite (separation)",
        /// The fit failed to converge or the information matrix was singular.
        FitFailed = 3 => "the model fit did not converge",
    }
}

/// Options for [`poisson_trend`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrendOptions {
    /// Two-sided confidence level, 0.5–0.9999 (see [`crate::special::check_confidence`]).
    pub confidence: f64,
    /// Over-dispersion handling.
    pub dispersion: Dispersion,
    /// χ²/df above which `Auto` switches to quasi-Poisson.
    pub auto_threshold: f64,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions {
            confidence: 0.95,
            dispersion: Dispersion::Poisson,
            auto_threshold: 1.5,
        }
    }
}

/// A log-linear trend: log E\[yₜ\] = β₀ + β₁·t + log(popₜ).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PoissonTrend {
    /// β₀ (at t = 0).
    pub intercept: f64,
    /// β₁: change in log rate per unit of t.
    pub beta: f64,
    /// Standard error of β₁ (after any dispersion scaling).
    pub se: f64,
    /// Annual (per unit t) percentage change 100(e^β₁ − 1).
    pub apc: f64,
    /// Lower confidence limit of the APC.
    pub apc_lower: f64,
    /// Upper confidence limit of the APC.
    pub apc_upper: f64,
    /// Wald z = β₁/SE.
    pub z: f64,
    /// Two-sided p-value of β₁ = 0.
    pub p_value: f64,
    /// Pearson χ²/df of the Poisson fit.
    pub dispersion_ratio: f64,
    /// NB2 α (NaN unless NB2 was fitted with an interior α).
    pub alpha: f64,
    /// Number of periods used.
    pub n_periods: usize,
    /// Model that produced the estimate.
    pub method: TrendMethod,
    /// Why there is no estimate ([`TrendNote::None`] when there is one).
    pub note: TrendNote,
}

impl PoissonTrend {
    fn not_estimable(n: usize, note: TrendNote) -> Self {
        PoissonTrend {
            intercept: f64::NAN,
            beta: f64::NAN,
            se: f64::NAN,
            apc: f64::NAN,
            apc_lower: f64::NAN,
            apc_upper: f64::NAN,
            z: f64::NAN,
            p_value: f64::NAN,
            dispersion_ratio: f64::NAN,
            alpha: f64::NAN,
            n_periods: n,
            method: TrendMethod::NotEstimable,
            note,
        }
    }
}

fn check_trend_series(y: &[f64], pop: &[f64], t: &[f64]) -> Result<()> {
    crate::ci::check_lengths(&[
        ("count", y.len()),
        ("population", pop.len()),
        ("period", t.len()),
    ])?;
    if y.len() < 3 {
        return Err(Error::argument(
            "period",
            format!("a trend needs at least 3 periods, got {}", y.len()),
        ));
    }
    for (i, &v) in y.iter().enumerate() {
        if v.is_nan() {
            return Err(Error::MissingValue {
                name: "count".into(),
                index: i,
            });
        }
        if !v.is_finite() || v < 0.0 || v.fract() != 0.0 {
            return Err(Error::value(
                "count",
                i,
                v,
                "counts must be non-negative whole numbers",
            ));
        }
    }
    crate::ci::check_column(
        "population",
        pop,
        crate::ci::Domain::Positive,
        crate::ci::Missing::Error,
    )?;
    for (i, &v) in t.iter().enumerate() {
        if !v.is_finite() {
            return Err(Error::value(
                "period",
                i,
                v,
                "periods must be finite numbers",
            ));
        }
        if i > 0 && v <= t[i - 1] {
            return Err(Error::value(
                "period",
                i,
                v,
                "periods must be strictly increasing (sorted, no duplicates)",
            ));
        }
    }
    Ok(())
}

/// Log-linear Poisson trend with population offset and its annual percentage change.
///
/// Method (METHODS.md A5): Poisson GLM log E\[yₜ\] = β₀ + β₁t + log popₜ fitted by IRLS
/// ([`crate::glm`]); APC = 100(e^β₁ − 1) with CI from β₁ ± z·SE. Over-dispersion: the Pearson
/// χ²/df of the Poisson fit is always reported; `Quasi` scales the SE by √(χ²/df), `NegBin` fits
/// NB2 by maximum likelihood (reported as Poisson when α → 0), `Auto` uses quasi-Poisson when
/// χ²/df > 1.5. Time is centred internally for numerical stability; `intercept` is at t = 0.
/// `t` is used with its real spacing, so a gap in the periods (2016, 2017, 2019) is a gap in
/// time, not a step of 1.
///
/// A series whose counts are all zero, or whose events all fall in the first or the last
/// period (quasi-complete separation: the maximum-likelihood slope is ∓∞, [`crate::glm::mle_exists`]),
/// is returned as [`TrendMethod::NotEstimable`] with NaN estimates and the reason in `note` —
/// never as a large finite slope (statsmodels 0.15 reports e.g. β₁ = −19.3, SE 1329 for counts
/// 10, 0, 0, 0).
///
/// # Errors
/// Fewer than 3 periods; negative, non-integer or missing counts; population ≤ 0 or missing;
/// periods not strictly increasing; invalid confidence.
///
/// # Examples
/// ```
/// use saferstats::trend::{poisson_trend, TrendOptions};
/// let y = [310., 335., 352., 401., 388., 430.];
/// let pop = [250000., 252000., 254500., 256000., 258000., 260000.];
/// let t = [0., 1., 2., 3., 4., 5.];
/// let fit = poisson_trend(&y, &pop, &t, &TrendOptions::default()).unwrap();
/// assert!((fit.apc - 5.642683).abs() < 1e-5); // statsmodels GLM, METHODS.md A5
/// ```
pub fn poisson_trend(
    y: &[f64],
    pop: &[f64],
    t: &[f64],
    opts: &TrendOptions,
) -> Result<PoissonTrend> {
    check_confidence(opts.confidence)?;
    check_trend_series(y, pop, t)?;
    Ok(fit_trend(y, pop, t, opts))
}

fn fit_trend(y: &[f64], pop: &[f64], t: &[f64], opts: &TrendOptions) -> PoissonTrend {
    let n = y.len();
    let tbar = t.iter().sum::<f64>() / n as f64;
    let x: Vec<f64> = t.iter().flat_map(|&ti| [1.0, ti - tbar]).collect();
    let off: Vec<f64> = pop.iter().map(|p| p.ln()).collect();
    let design = Design { values: &x, p: 2 };
    if y.iter().all(|&v| v == 0.0) {
        return PoissonTrend::not_estimable(n, TrendNote::AllZero);
    }
    if mle_exists(design, y) == Some(false) {
        return PoissonTrend::not_estimable(n, TrendNote::Separation);
    }
    let Ok(pois) = fit_log_link(design, y, &off, Family::Poisson) else {
        return PoissonTrend::not_estimable(n, TrendNote::FitFailed);
    };
    let ratio = pois.dispersion_ratio();
    let (fit, scale, method, alpha) = match opts.dispersion {
        Dispersion::Poisson => (pois, 1.0, TrendMethod::Poisson, f64::NAN),
        Dispersion::Quasi => (pois, ratio, TrendMethod::Quasi, f64::NAN),
        Dispersion::Auto if ratio > opts.auto_threshold => {
            (pois, ratio, TrendMethod::AutoQuasi, f64::NAN)
        }
        Dispersion::Auto => (pois, 1.0, TrendMethod::Poisson, f64::NAN),
        Dispersion::NegBin => match fit_negbin2_ml(design, y, &off) {
            Ok(nb) if nb.alpha > 0.0 => {
                let a = nb.alpha;
                (nb, 1.0, TrendMethod::NegBin, a)
            }
            Ok(p) => (p, 1.0, TrendMethod::NegBinBoundary, f64::NAN),
            Err(_) => return PoissonTrend::not_estimable(n, TrendNote::FitFailed),
        },
    };
    let beta = fit.beta[1];
    let se = fit.se(1, if scale.is_finite() { scale } else { 1.0 });
    let z = z_two_sided(opts.confidence);
    let zstat = beta / se;
    PoissonTrend {
        intercept: fit.beta[0] - beta * tbar,
        beta,
        se,
        apc: 100.0 * beta.exp_m1(),
        apc_lower: 100.0 * (beta - z * se).exp_m1(),
        apc_upper: 100.0 * (beta + z * se).exp_m1(),
        z: zstat,
        p_value: p_two_sided(zstat),
        dispersion_ratio: ratio,
        alpha,
        n_periods: n,
        method,
        note: TrendNote::None,
    }
}

/// [`poisson_trend`] for many series at once, in parallel. Series `g` occupies rows
/// `offsets[g]..offsets[g+1]` of the flat arrays (`offsets` starts at 0 and ends at the length).
///
/// # Errors
/// The first invalid series (by position) as in [`poisson_trend`], with the message prefixed by
/// the series number; offsets that are not increasing or do not cover the arrays.
///
/// # Examples
/// ```
/// use saferstats::trend::{poisson_trend_many, TrendOptions};
/// let y = [10., 12., 15., 5., 4., 3.];
/// let pop = [1e4; 6];
/// let t = [0., 1., 2., 0., 1., 2.];
/// let fits = poisson_trend_many(&y, &pop, &t, &[0, 3, 6], &TrendOptions::default()).unwrap();
/// assert!(fits[0].apc > 0.0 && fits[1].apc < 0.0);
/// ```
pub fn poisson_trend_many(
    y: &[f64],
    pop: &[f64],
    t: &[f64],
    offsets: &[usize],
    opts: &TrendOptions,
) -> Result<Vec<PoissonTrend>> {
    check_confidence(opts.confidence)?;
    crate::ci::check_lengths(&[
        ("count", y.len()),
        ("population", pop.len()),
        ("period", t.len()),
    ])?;
    let ranges = group_ranges(offsets, y.len())?;
    for (g, r) in ranges.iter().enumerate() {
        check_trend_series(&y[r.clone()], &pop[r.clone()], &t[r.clone()])
            .map_err(|e| in_group(e, g, r.start))?;
    }
    Ok(ranges
        .par_iter()
        .map(|r| fit_trend(&y[r.clone()], &pop[r.clone()], &t[r.clone()], opts))
        .collect())
}

/// Turn group offsets into row ranges, checking they are increasing and cover `len` rows.
pub(crate) fn group_ranges(offsets: &[usize], len: usize) -> Result<Vec<std::ops::Range<usize>>> {
    if offsets.first() != Some(&0) || offsets.last() != Some(&len) {
        return Err(Error::argument(
            "offsets",
            format!("group offsets must start at 0 and end at {len}"),
        ));
    }
    let mut out = Vec::with_capacity(offsets.len().saturating_sub(1));
    for w in offsets.windows(2) {
        if w[1] < w[0] {
            return Err(Error::argument(
                "offsets",
                "group offsets must be non-decreasing",
            ));
        }
        out.push(w[0]..w[1]);
    }
    Ok(out)
}

/// Re-index a per-series error to the flat array and name the series.
pub(crate) fn in_group(e: Error, g: usize, start: usize) -> Error {
    match e {
        Error::InvalidValue {
            name,
            index,
            value,
            reason,
        } => Error::InvalidValue {
            name,
            index: start + index,
            value,
            reason: format!("{reason} (series {g})"),
        },
        Error::MissingValue { name, index } => Error::MissingValue {
            name,
            index: start + index,
        },
        Error::InvalidArgument { name, message } => Error::InvalidArgument {
            name,
            message: format!("series {g}: {message}"),
        },
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// Mann–Kendall and Sen's slope
// ---------------------------------------------------------------------------------------------

/// The Mann–Kendall trend test with Sen's slope.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MannKendall {
    /// S = Σ_{i<j} sgn(xⱼ − xᵢ).
    pub s: f64,
    /// Var(S) with tie correction.
    pub var_s: f64,
    /// Continuity-corrected z.
    pub z: f64,
    /// Two-sided normal p-value.
    pub p_value: f64,
    /// Kendall's tau-a = S / (n(n−1)/2).
    pub tau: f64,
    /// Sen's slope per step (median pairwise slope over index spacing).
    pub slope: f64,
    /// Lower confidence limit of the slope (scipy `theilslopes`; NaN for seasonal).
    pub slope_lower: f64,
    /// Upper confidence limit of the slope.
    pub slope_upper: f64,
    /// Intercept median(x) − slope·median(index).
    pub intercept: f64,
    /// Number of non-missing values used.
    pub n: usize,
}

fn median_in_place(v: &mut [f64]) -> f64 {
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    let mid = n / 2;
    let (_, &mut hi, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    if n % 2 == 1 {
        hi
    } else {
        let lo = v[..mid].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        0.5 * (lo + hi)
    }
}

/// Σ t(t−1)(2t+5) over tie groups of `vals`.
fn tie_term(vals: &[f64]) -> f64 {
    let mut v = vals.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    let mut sum = 0.0;
    let mut i = 0;
    while i < v.len() {
        let mut j = i + 1;
        while j < v.len() && v[j] == v[i] {
            j += 1;
        }
        let t = (j - i) as f64;
        sum += t * (t - 1.0) * (2.0 * t + 5.0);
        i = j;
    }
    sum
}

fn mk_s(x: &[f64]) -> f64 {
    let mut s = 0i64;
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            s += match x[j].partial_cmp(&x[i]) {
                Some(std::cmp::Ordering::Greater) => 1,
                Some(std::cmp::Ordering::Less) => -1,
                _ => 0,
            };
        }
    }
    s as f64
}

fn mk_z(s: f64, var_s: f64) -> f64 {
    if s > 0.0 {
        (s - 1.0) / var_s.sqrt()
    } else if s < 0.0 {
        (s + 1.0) / var_s.sqrt()
    } else {
        0.0
    }
}

/// Pairwise slopes (x_j − x_i)/(t_j − t_i) over points with t_j > t_i.
fn pairwise_slopes(t: &[f64], x: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(x.len() * x.len().saturating_sub(1) / 2);
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            out.push((x[j] - x[i]) / (t[j] - t[i]));
        }
    }
    out
}

/// Split a series into (index, value) of non-missing points, or fail on NaN unless skipping.
fn present(x: &[f64], skip_missing: bool) -> Result<(Vec<f64>, Vec<f64>)> {
    let mut t = Vec::with_capacity(x.len());
    let mut v = Vec::with_capacity(x.len());
    for (i, &xi) in x.iter().enumerate() {
        if xi.is_nan() {
            if !skip_missing {
                return Err(Error::MissingValue {
                    name: "values".into(),
                    index: i,
                });
            }
            continue;
        }
        if xi.is_infinite() {
            return Err(Error::value("values", i, xi, "must be finite"));
        }
        t.push(i as f64);
        v.push(xi);
    }
    Ok((t, v))
}

/// Mann–Kendall trend test (tie-corrected) with Sen's slope and its confidence interval.
///
/// Method (METHODS.md A6; pymannkendall `original_test`): S = Σ_{i<j} sgn(xⱼ − xᵢ),
/// Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)]/18, z = (S ∓ 1)/√Var(S), two-sided normal p,
/// tau-a. Sen's slope = median of (xⱼ − xᵢ)/(j − i) over index spacing; intercept
/// median(x) − slope·median(index); slope CI by Sen (1968) as `scipy.stats.theilslopes`.
/// With `skip_missing`, NaNs are dropped (their positions still count in the index spacing).
/// For a series with gaps in time use [`mann_kendall_at`], which divides by the real spacing.
///
/// # Errors
/// Fewer than 3 non-missing values; NaN without `skip_missing`; infinite values; invalid confidence.
///
/// # Examples
/// ```
/// let mk = saferstats::trend::mann_kendall(&[12., 15., 14., 18., 21., 19., 24., 26., 25., 30.], 0.95, false).unwrap();
/// assert_eq!(mk.s, 39.0);
/// assert!((mk.p_value - 0.000677).abs() < 1e-6 && mk.slope == 2.0);
/// ```
pub fn mann_kendall(x: &[f64], confidence: f64, skip_missing: bool) -> Result<MannKendall> {
    mann_kendall_impl(x, None, confidence, skip_missing)
}

/// [`mann_kendall`] for a series observed at times `t` (e.g. years 2012, 2013, 2014, 2016):
/// S, Var(S), z, p and tau depend only on the order and are as [`mann_kendall`]; Sen's slope is
/// the median of (xⱼ − xᵢ)/(tⱼ − tᵢ) — per unit of `t`, with gaps counted as time — its CI and
/// the intercept median(x) − slope·median(t) as `scipy.stats.theilslopes(x, t)` (METHODS.md A6:
/// "for irregular series divide by Δt").
///
/// # Errors
/// As [`mann_kendall`]; `t` of another length, not finite or not strictly increasing.
///
/// # Examples
/// ```
/// // 2015 is missing: the slope is per year, not per observation
/// let mk = saferstats::trend::mann_kendall_at(&[10., 12., 16., 18.], &[2013., 2014., 2016., 2017.], 0.95, false).unwrap();
/// assert_eq!(mk.slope, 2.0);
/// ```
pub fn mann_kendall_at(
    x: &[f64],
    t: &[f64],
    confidence: f64,
    skip_missing: bool,
) -> Result<MannKendall> {
    check_times(t, x.len())?;
    mann_kendall_impl(x, Some(t), confidence, skip_missing)
}

/// Times for [`mann_kendall_at`]: one per value, finite, strictly increasing.
fn check_times(t: &[f64], n: usize) -> Result<()> {
    crate::ci::check_lengths(&[("values", n), ("times", t.len())])?;
    for (i, &v) in t.iter().enumerate() {
        if !v.is_finite() {
            return Err(Error::value("times", i, v, "times must be finite numbers"));
        }
        if i > 0 && v <= t[i - 1] {
            return Err(Error::value(
                "times",
                i,
                v,
                "times must be strictly increasing (sorted, no duplicates)",
            ));
        }
    }
    Ok(())
}

fn mann_kendall_impl(
    x: &[f64],
    times: Option<&[f64]>,
    confidence: f64,
    skip_missing: bool,
) -> Result<MannKendall> {
    check_confidence(confidence)?;
    let (mut t, v) = present(x, skip_missing)?;
    if let Some(times) = times {
        for ti in t.iter_mut() {
            // present() gives positions; map them to the real times
            *ti = times.get(*ti as usize).copied().unwrap_or(f64::NAN);
        }
    }
    let n = v.len();
    if n < 3 {
        return Err(Error::argument(
            "values",
            format!("Mann-Kendall needs at least 3 non-missing values, got {n}"),
        ));
    }
    let nf = n as f64;
    let s = mk_s(&v);
    let var_s = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - tie_term(&v)) / 18.0;
    let z = mk_z(s, var_s);
    let mut slopes = pairwise_slopes(&t, &v);
    let nt = slopes.len();
    let slope = median_in_place(&mut slopes);
    // Sen (1968) CI as scipy.stats.theilslopes (x ties: none, indices are distinct): two order
    // statistics of the slopes, found by selection rather than a full sort
    let zc = norm_ppf((1.0 - confidence) / 2.0);
    let sigma = var_s.sqrt();
    let ru = (((nt as f64 - zc * sigma) / 2.0).round_ties_even() as i64).min(nt as i64 - 1);
    let rl = (((nt as f64 + zc * sigma) / 2.0).round_ties_even() as i64 - 1).max(0);
    let mut at = |k: i64| match usize::try_from(k) {
        Ok(k) if k < nt => *slopes.select_nth_unstable_by(k, f64::total_cmp).1,
        _ => f64::NAN,
    };
    let (slope_lower, slope_upper) = (at(rl), at(ru));
    let mut vv = v.clone();
    let mut tt = t.clone();
    Ok(MannKendall {
        s,
        var_s,
        z,
        p_value: p_two_sided(z),
        tau: s / (nf * (nf - 1.0) / 2.0),
        slope,
        slope_lower,
        slope_upper,
        intercept: median_in_place(&mut vv) - slope * median_in_place(&mut tt),
        n,
    })
}

/// [`mann_kendall`] on every row of a row-major matrix (`n_rows` × `n_cols`), in parallel.
///
/// # Errors
/// As [`mann_kendall`] for the first invalid row (message names the row); a shape mismatch.
///
/// # Examples
/// ```
/// let x = [1., 2., 3., 4., 4., 3., 2., 1.];
/// let r = saferstats::trend::mann_kendall_rows(&x, 4, 0.95, false).unwrap();
/// assert!(r[0].s > 0.0 && r[1].s < 0.0);
/// ```
pub fn mann_kendall_rows(
    x: &[f64],
    n_cols: usize,
    confidence: f64,
    skip_missing: bool,
) -> Result<Vec<MannKendall>> {
    mann_kendall_rows_at(x, n_cols, None, confidence, skip_missing)
}

/// [`mann_kendall_rows`] with the observation times of the columns (shared by every row), as
/// [`mann_kendall_at`]; `None` uses index spacing.
///
/// # Errors
/// As [`mann_kendall_rows`] and [`mann_kendall_at`].
///
/// # Examples
/// ```
/// let x = [10., 12., 16., 18., 18., 16., 12., 10.];
/// let t = [2013., 2014., 2016., 2017.];
/// let r = saferstats::trend::mann_kendall_rows_at(&x, 4, Some(&t), 0.95, false).unwrap();
/// assert_eq!((r[0].slope, r[1].slope), (2.0, -2.0));
/// ```
pub fn mann_kendall_rows_at(
    x: &[f64],
    n_cols: usize,
    times: Option<&[f64]>,
    confidence: f64,
    skip_missing: bool,
) -> Result<Vec<MannKendall>> {
    if let Some(t) = times {
        check_times(t, n_cols)?;
    }
    by_rows(x, n_cols, |row| {
        mann_kendall_impl(row, times, confidence, skip_missing)
    })
}

/// [`seasonal_mann_kendall`] on every row of a row-major matrix (`n_rows` × `n_cols`, each row
/// one series with cycle length `period`), in parallel.
///
/// # Errors
/// As [`seasonal_mann_kendall`] for the first invalid row (message names the row); a shape
/// mismatch.
///
/// # Examples
/// ```
/// let row: Vec<f64> = (0..24).map(|i| (i % 12) as f64 + (i / 12) as f64).collect();
/// let x = [row.clone(), row].concat();
/// let r = saferstats::trend::seasonal_mann_kendall_rows(&x, 24, 12, 0.95, false).unwrap();
/// assert_eq!((r.len(), r[1].s), (2, 12.0));
/// ```
pub fn seasonal_mann_kendall_rows(
    x: &[f64],
    n_cols: usize,
    period: usize,
    confidence: f64,
    skip_missing: bool,
) -> Result<Vec<MannKendall>> {
    by_rows(x, n_cols, |row| {
        seasonal_mann_kendall(row, period, confidence, skip_missing)
    })
}

/// `f` on every row of a row-major matrix with `n_cols` columns, in parallel; an error's
/// position becomes the flat index and its message names the row.
fn by_rows(
    x: &[f64],
    n_cols: usize,
    f: impl Fn(&[f64]) -> Result<MannKendall> + Sync,
) -> Result<Vec<MannKendall>> {
    if n_cols == 0 || !x.len().is_multiple_of(n_cols) {
        return Err(Error::argument(
            "values",
            format!("{} values do not form rows of {n_cols}", x.len()),
        ));
    }
    x.par_chunks(n_cols)
        .enumerate()
        .map(|(r, row)| {
            f(row).map_err(|e| match e {
                Error::MissingValue { name, index } => Error::MissingValue {
                    name,
                    index: r * n_cols + index,
                },
                Error::InvalidValue {
                    name,
                    index,
                    value,
                    reason,
                } => Error::InvalidValue {
                    name,
                    index: r * n_cols + index,
                    value,
                    reason: format!("{reason} (row {r})"),
                },
                Error::InvalidArgument { name, message } => Error::InvalidArgument {
                    name,
                    message: format!("row {r}: {message}"),
                },
                other => other,
            })
        })
        .collect()
}

/// Seasonal Mann–Kendall (Hirsch, Slack & Smith 1982) with the seasonal Sen slope.
///
/// Method (pymannkendall `seasonal_test`): the series is laid out in rows of `period`
/// (an incomplete last cycle is padded with missing values); S, Var(S) and the tau denominator
/// are summed over seasons (each season's missing values skipped); z and p as [`mann_kendall`].
/// Slope = median of within-season slopes per cycle; intercept = median(x) −
/// median(index)/period·slope. No slope CI is defined (NaN).
///
/// # Errors
/// `period` < 2; NaN without `skip_missing`; a season with fewer than 2 values; invalid confidence.
///
/// # Examples
/// ```
/// let x: Vec<f64> = (0..36).map(|i| (i % 12) as f64 + (i / 12) as f64).collect();
/// let mk = saferstats::trend::seasonal_mann_kendall(&x, 12, 0.95, false).unwrap();
/// assert_eq!(mk.s, 36.0); // 12 seasons x 3 increasing pairs
/// assert_eq!(mk.slope, 1.0);
/// ```
pub fn seasonal_mann_kendall(
    x: &[f64],
    period: usize,
    confidence: f64,
    skip_missing: bool,
) -> Result<MannKendall> {
    check_confidence(confidence)?;
    if period < 2 {
        return Err(Error::argument(
            "period",
            "the seasonal period must be at least 2",
        ));
    }
    let (_, all) = present(x, skip_missing)?;
    let (mut s, mut var_s, mut denom) = (0.0, 0.0, 0.0);
    let mut slopes = Vec::new();
    for season in 0..period {
        let mut t = Vec::new();
        let mut v = Vec::new();
        for (k, i) in (season..x.len()).step_by(period).enumerate() {
            if !x[i].is_nan() {
                t.push(k as f64);
                v.push(x[i]);
            }
        }
        let n = v.len() as f64;
        if v.len() < 2 {
            return Err(Error::argument(
                "values",
                format!(
                    "season {season} has {} values; the seasonal test needs at least 2 per season",
                    v.len()
                ),
            ));
        }
        s += mk_s(&v);
        var_s += (n * (n - 1.0) * (2.0 * n + 5.0) - tie_term(&v)) / 18.0;
        denom += 0.5 * n * (n - 1.0);
        slopes.extend(pairwise_slopes(&t, &v));
    }
    let z = mk_z(s, var_s);
    let slope = median_in_place(&mut slopes);
    let mut idx: Vec<f64> = x
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.is_nan())
        .map(|(i, _)| i as f64)
        .collect();
    let mut vals = all;
    let n = vals.len();
    Ok(MannKendall {
        s,
        var_s,
        z,
        p_value: p_two_sided(z),
        tau: s / denom,
        slope,
        slope_lower: f64::NAN,
        slope_upper: f64::NAN,
        intercept: median_in_place(&mut vals) - median_in_place(&mut idx) / period as f64 * slope,
        n,
    })
}

// ---------------------------------------------------------------------------------------------
// Funnel plots (PHE)
// ---------------------------------------------------------------------------------------------

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

/// Continuous count O at which `f(O)` (increasing in O) equals `target`, by bisection.
fn solve_count(target: f64, f: impl Fn(f64) -> f64) -> f64 {
    let mut lo = 0.0;
    let mut hi = target.max(1.0) * 2.0 + 50.0;
    while f(hi) < target {
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::NAN;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi.max(1e-300) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Exact Poisson funnel limits on the count scale for an expected count `e`:
/// the upper limit is the O whose exact lower limit equals e, the lower limit the O whose exact
/// upper limit equals e (0 when even O = 0 has an upper limit above e). Returns (low, high).
fn poisson_count_limits(e: f64, p: f64) -> (f64, f64) {
    let high = solve_count(e, |o| gamma_quantile(1.0 - p, o));
    let low = if gamma_quantile(p, 1.0) >= e {
        0.0
    } else {
        solve_count(e, |o| gamma_quantile(p, o + 1.0))
    };
    (low, high)
}

/// PHE funnel plot control limits (95% and 99.8%) at each denominator.
///
/// Method (METHODS.md A7; PHEindicatormethods `calculate_funnel_limits`):
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
/// use saferstats::trend::{funnel_limits, FunnelKind};
/// // METHODS.md A7: target 20%, n = 100 -> 7.639071 / 12.160144 / 27.839856 / 32.360929
/// let l = funnel_limits(&[100.0], 20.0, FunnelKind::Proportion, 100.0).unwrap();
/// assert!((l[0].lower_998 - 7.639071).abs() < 1e-6 && (l[0].upper_95 - 27.839856).abs() < 1e-6);
/// ```
pub fn funnel_limits(
    denominators: &[f64],
    target: f64,
    kind: FunnelKind,
    multiplier: f64,
) -> Result<Vec<FunnelLimits>> {
    crate::ci::check_column(
        "denominators",
        denominators,
        crate::ci::Domain::Positive,
        crate::ci::Missing::Error,
    )?;
    if !(multiplier.is_finite() && multiplier > 0.0) {
        return Err(Error::argument("multiplier", "must be a positive number"));
    }
    let ok_target = match kind {
        FunnelKind::Proportion => target > 0.0 && target < multiplier,
        _ => target > 0.0 && target.is_finite(),
    };
    if !ok_target {
        return Err(Error::argument(
            "target",
            format!("target {target} is outside the valid range for a {kind:?} funnel"),
        ));
    }
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

/// PHE funnel significance for each (numerator, denominator).
///
/// Method (METHODS.md A7; `assign_funnel_significance`): proportions compare the observed
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
/// use saferstats::trend::{funnel_significance, FunnelKind, FunnelSignificance};
/// // METHODS.md A7 ratio fixture: (151 observed, 106.442972 expected) -> High (0.001)
/// let s = funnel_significance(&[151.0], &[106.442972], 1.0, FunnelKind::Ratio, 1.0).unwrap();
/// assert_eq!(s[0], FunnelSignificance::High0001);
/// ```
pub fn funnel_significance(
    numerators: &[f64],
    denominators: &[f64],
    target: f64,
    kind: FunnelKind,
    multiplier: f64,
) -> Result<Vec<FunnelSignificance>> {
    crate::ci::check_lengths(&[
        ("numerators", numerators.len()),
        ("denominators", denominators.len()),
    ])?;
    crate::ci::check_column(
        "numerators",
        numerators,
        crate::ci::Domain::NonNegative,
        crate::ci::Missing::Propagate,
    )?;
    crate::ci::check_column(
        "denominators",
        denominators,
        crate::ci::Domain::Positive,
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
            Some(funnel_limits(&dens, target, kind, multiplier)?)
        }
        _ => {
            if !(target > 0.0 && target.is_finite()) {
                return Err(Error::argument("target", "must be a positive number"));
            }
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
                    return classify_interval(
                        target,
                        l95 * scale,
                        u95 * scale,
                        l998 * scale,
                        u998 * scale,
                    );
                }
            };
            if value < lo3 {
                FunnelSignificance::Low0001
            } else if value < lo2 {
                FunnelSignificance::Low0025
            } else if value > hi3 {
                FunnelSignificance::High0001
            } else if value > hi2 {
                FunnelSignificance::High0025
            } else {
                FunnelSignificance::NotSignificant
            }
        })
        .collect())
}

fn classify_interval(target: f64, l95: f64, u95: f64, l998: f64, u998: f64) -> FunnelSignificance {
    if u998 < target {
        FunnelSignificance::Low0001
    } else if u95 < target {
        FunnelSignificance::Low0025
    } else if l998 > target {
        FunnelSignificance::High0001
    } else if l95 > target {
        FunnelSignificance::High0025
    } else {
        FunnelSignificance::NotSignificant
    }
}

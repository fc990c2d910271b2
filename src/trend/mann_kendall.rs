//! The Mann–Kendall trend test (tie-corrected) with Sen's slope, plain, at irregular times and
//! seasonal (Hirsch, Slack & Smith). Method: `docs/methods/trends.md`.

use serde::Serialize;

use super::groups::Groups;
use crate::error::{Error, MissingAdvice, Result};
use crate::special::{check_confidence, norm_ppf, p_two_sided};

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
    /// Two-sided exact p-value of S ([`kendall_exact_p`]): untied values only, n ≤
    /// [`EXACT_MAX_N`]; NaN otherwise and for the seasonal test.
    pub exact_p: f64,
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

/// Largest n for which [`MannKendall::exact_p`] is given (beyond it the normal p agrees to three
/// significant figures, and the exact sum costs O(n³)).
pub const EXACT_MAX_N: usize = 100;

/// Two-sided exact p-value of Kendall's S for `n` values with no ties: P(|S′| ≥ |S|) when every
/// order of the values is equally likely (no trend), from the distribution of the number of
/// discordant pairs C = (n(n−1)/2 − S)/2 (the Mahonian numbers, by the recurrence
/// P_n(c) = (1/n) Σ_{j=0}^{min(c, n−1)} P_{n−1}(c − j)); twice the smaller tail, at most 1.
/// The same as `scipy.stats.kendalltau(t, x, method="exact")` (docs/methods/trends.md A6). NaN
/// for n < 2, n > [`EXACT_MAX_N`], or an S that is not a possible value.
///
/// # Examples
/// ```
/// // scipy 1.17.1: kendalltau(range(10), [12, 15, 14, 18, 21, 19, 24, 26, 25, 30], method="exact")
/// let p = saferstats::trend::kendall_exact_p(10, 39.0);
/// assert!((p - 0.00011518959435626102).abs() < 1e-15);
/// ```
pub fn kendall_exact_p(n: usize, s: f64) -> f64 {
    if !(2..=EXACT_MAX_N).contains(&n) {
        return f64::NAN;
    }
    let total = n * (n - 1) / 2;
    let twice_c = total as f64 - s;
    if !(twice_c >= 0.0 && twice_c <= 2.0 * total as f64 && twice_c % 2.0 == 0.0) {
        return f64::NAN;
    }
    let c = (twice_c / 2.0) as usize;
    let c = c.min(total - c);
    // P_m over 0..=c for m = 1..n (only the lower tail up to c is needed)
    let mut p = vec![0.0; c + 1];
    p[0] = 1.0;
    for m in 2..=n {
        // P_m(k) = (1/m) Σ_{j=0}^{min(k, m-1)} P_{m-1}(k - j), by a running sum
        let mut next = vec![0.0; c + 1];
        let mut run = 0.0;
        for k in 0..=c {
            run += p[k];
            if k >= m {
                run -= p[k - m];
            }
            next[k] = run / m as f64;
        }
        p = next;
    }
    (2.0 * p.iter().sum::<f64>()).min(1.0)
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
                return Err(Error::missing("values", i, MissingAdvice::Drop));
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
/// Method (docs/methods/trends.md A6; pymannkendall `original_test`): S = Σ_{i<j} sgn(xⱼ − xᵢ),
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
/// the intercept median(x) − slope·median(t) as `scipy.stats.theilslopes(x, t)` (docs/methods/trends.md A6:
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
    let untied = {
        let mut sorted = v.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        sorted.windows(2).all(|w| w[0] != w[1])
    };
    Ok(MannKendall {
        s,
        var_s,
        z,
        p_value: p_two_sided(z),
        exact_p: if untied {
            kendall_exact_p(n, s)
        } else {
            f64::NAN
        },
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

/// `f` on every row of a row-major matrix with `n_cols` columns, in parallel ([`Groups::rows`]).
fn by_rows(
    x: &[f64],
    n_cols: usize,
    f: impl Fn(&[f64]) -> Result<MannKendall> + Sync,
) -> Result<Vec<MannKendall>> {
    Groups::rows(x.len(), n_cols)?.par_map(|r| f(&x[r]))
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
        exact_p: f64::NAN,
        tau: s / denom,
        slope,
        slope_lower: f64::NAN,
        slope_upper: f64::NAN,
        intercept: median_in_place(&mut vals) - median_in_place(&mut idx) / period as f64 * slope,
        n,
    })
}

//! Log-linear Poisson / quasi-Poisson / NB2 trends: the annual percentage change (APC) of a
//! count series with its population as offset. Method: `docs/methods/trends.md`.

use serde::Serialize;

use super::groups::Groups;
use crate::error::{Error, MissingAdvice, Result};
use crate::glm::{
    fit_log_link, fit_negbin2_ml, mle_exists, t_critical, t_p_two_sided, Design, Family,
    Seasonality,
};
use crate::special::{check_confidence, p_two_sided, z_two_sided};

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
        /// A count or population is missing and `missing` is `Propagate`.
        Missing = 4 => "a count or population is missing",
        /// The seasonal terms leave no residual degree of freedom (too few periods for them).
        SeasonTooShort = 5 => "too few periods for the seasonal terms",
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
    /// A missing (NaN) count or population: an error naming its row (`Error`, default), or no
    /// estimate for that series, with [`TrendNote::Missing`] (`Propagate`).
    pub missing: crate::ci::Missing,
    /// Refer β₁/SE to Student's t on the residual df (n − 2) instead of the normal, for the
    /// limits and the p-value: R's `summary.glm` for quasi-Poisson, statsmodels
    /// `GLM.fit(use_t=True)` for every model. Default `false` (z, as docs/methods/trends.md A5).
    pub use_t: bool,
    /// Seasonal terms fitted beside the trend ([`Seasonality::None`], default): month-of-year
    /// (quarter) indicators or Fourier pairs, with `t` in years and the periods at
    /// 1/`period` of a year (see [`poisson_trend`]).
    pub seasonality: Seasonality,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions {
            confidence: 0.95,
            dispersion: Dispersion::Poisson,
            auto_threshold: 1.5,
            missing: crate::ci::Missing::Error,
            use_t: false,
            seasonality: Seasonality::None,
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
    /// Wald statistic β₁/SE (z; referred to t on n − 2 df when [`TrendOptions::use_t`]).
    pub z: f64,
    /// Two-sided p-value of β₁ = 0 (normal, or t on n − 2 df with `use_t`).
    pub p_value: f64,
    /// Pearson χ²/df of the Poisson fit.
    pub dispersion_ratio: f64,
    /// NB2 α (NaN unless NB2 was fitted with an interior α).
    pub alpha: f64,
    /// Number of periods used.
    pub n_periods: usize,
    /// Residual degrees of freedom of the fit: periods fitted less coefficients (n − 2 with no
    /// seasonal terms; 0 when there is no estimate).
    pub df_resid: usize,
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
            df_resid: 0,
            method: TrendMethod::NotEstimable,
            note,
        }
    }
}

fn check_trend_series(y: &[f64], pop: &[f64], t: &[f64], opts: &TrendOptions) -> Result<()> {
    let missing = opts.missing;
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
        if v.is_nan() && missing == crate::ci::Missing::Propagate {
            continue;
        }
        if v.is_nan() {
            return Err(Error::missing("count", i, MissingAdvice::Propagate));
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
    crate::ci::check_column("population", pop, crate::ci::Domain::Positive, missing)?;
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
    check_seasons(t, opts.seasonality)?;
    Ok(())
}

/// The position of each period in the year's cycle of `period` seasons (months at twelfths of a
/// year: 0..12), or the first period that does not fall on one.
fn seasons_of(t: &[f64], period: usize) -> std::result::Result<Vec<usize>, usize> {
    let l = period as f64;
    t.iter()
        .enumerate()
        .map(|(i, v)| {
            let pos = (v - v.floor()) * l;
            if (pos - pos.round()).abs() > 1e-6 {
                Err(i)
            } else {
                Ok(pos.round() as usize % period)
            }
        })
        .collect()
}

/// How many months of the year the periods fall on (`t` in years, months at twelfths); `None`
/// when a period is not at a twelfth.
pub(super) fn months_present(t: &[f64]) -> Option<usize> {
    let mut months = seasons_of(t, 12).ok()?;
    months.sort_unstable();
    months.dedup();
    Some(months.len())
}

fn season_period(seasonality: Seasonality) -> Option<usize> {
    match seasonality {
        Seasonality::None => None,
        Seasonality::Fourier { period, .. } | Seasonality::Dummies { period } => Some(period),
    }
}

fn check_seasons(t: &[f64], seasonality: Seasonality) -> Result<()> {
    seasonality.n_terms()?;
    let Some(period) = season_period(seasonality) else {
        return Ok(());
    };
    let seasons = seasons_of(t, period).map_err(|i| {
        Error::value(
            "period",
            i,
            t[i],
            format!(
                "with seasonal terms the periods are years with parts of 1/{period} (months at \
                 twelfths: 2021 + (month - 1)/12); this one is not"
            ),
        )
    })?;
    if seasons.iter().all(|&s| s == seasons[0]) {
        return Err(Error::argument(
            "seasonality",
            "every period falls at the same point of the year (yearly figures?): seasonal terms \
             need monthly or quarterly periods",
        ));
    }
    Ok(())
}

/// The design of the trend: the intercept, centred time and the seasonal terms, with the rows
/// kept (dummies: a season with no events in any year is left out, with its indicator: its rows
/// are fitted exactly by an indicator at −∞ and carry nothing on the trend). Columns that are
/// zero on every kept row are dropped (a Fourier sine at the Nyquist frequency).
pub(super) fn trend_design(
    y: &[f64],
    t: &[f64],
    tbar: f64,
    seasonality: Seasonality,
) -> (Vec<f64>, usize, Vec<usize>) {
    let Some(period) = season_period(seasonality) else {
        let x = t.iter().flat_map(|&ti| [1.0, ti - tbar]).collect();
        return (x, 2, (0..t.len()).collect());
    };
    let seasons = seasons_of(t, period).unwrap_or_else(|_| vec![0; t.len()]);
    let mut total = vec![0.0; period];
    for (s, v) in seasons.iter().zip(y) {
        total[*s] += v;
    }
    let keep: Vec<usize> = match seasonality {
        Seasonality::Dummies { .. } => (0..t.len()).filter(|&i| total[seasons[i]] > 0.0).collect(),
        _ => (0..t.len()).collect(),
    };
    // dummies: indicators of the seasons present (the first present is the reference)
    let mut present: Vec<usize> = keep.iter().map(|&i| seasons[i]).collect();
    present.sort_unstable();
    present.dedup();
    let terms = match seasonality {
        Seasonality::Dummies { .. } => Seasonality::Dummies {
            period: present.len().max(2),
        },
        other => other,
    };
    let k = terms.n_terms().unwrap_or(0);
    let mut x = Vec::with_capacity(keep.len() * (2 + k));
    let mut row = vec![0.0; k];
    for &i in &keep {
        row.iter_mut().for_each(|v| *v = 0.0);
        let position = present.binary_search(&seasons[i]).unwrap_or(0);
        terms.fill_row(position, t[i] * period as f64, &mut row);
        x.extend([1.0, t[i] - tbar]);
        x.extend(&row);
    }
    let p = 2 + k;
    let used: Vec<usize> = (0..p)
        .filter(|&j| j < 2 || (0..keep.len()).any(|r| x[r * p + j].abs() > 1e-9))
        .collect();
    let x = if used.len() == p {
        x
    } else {
        x.chunks(p)
            .flat_map(|r| used.iter().map(|&j| r[j]))
            .collect()
    };
    (x, used.len(), keep)
}

/// Log-linear Poisson trend with population offset and its annual percentage change.
///
/// Method (docs/methods/trends.md A5): Poisson GLM log E\[yₜ\] = β₀ + β₁t + log popₜ fitted by IRLS
/// ([`crate::glm`]); APC = 100(e^β₁ − 1) with CI from β₁ ± z·SE and p from the normal (statsmodels'
/// default). With `use_t` the limits are β₁ ± t·SE and p is from Student's t, both on the residual
/// df n − 2 (R's `summary.glm` for quasi-Poisson; statsmodels `fit(use_t=True)`), which matters on
/// a short series: oracle 2 quasi-Poisson p 0.052 (z) against 0.124 (t, 4 df). Over-dispersion: the Pearson
/// χ²/df of the Poisson fit is always reported; `Quasi` scales the SE by √(χ²/df), `NegBin` fits
/// NB2 by maximum likelihood (reported as Poisson when α → 0), `Auto` uses quasi-Poisson when
/// χ²/df > 1.5. Time is centred internally for numerical stability; `intercept` is at t = 0.
/// `t` is used with its real spacing, so a gap in the periods (2016, 2017, 2019) is a gap in
/// time, not a step of 1.
///
/// **Seasonal terms** ([`TrendOptions::seasonality`]): on monthly or quarterly counts the model
/// becomes log E\[yₜ\] = β₀ + β₁t + s(t) + log popₜ with `t` in years and the periods at 1/`period`
/// of a year (months at twelfths). `Dummies` adds an indicator for each month (quarter) of the
/// year present but the first (R `glm(y ~ t + factor(month))`); a month with no events in any
/// year is left out with its indicator (its maximum-likelihood indicator is −∞ and its rows say
/// nothing about the trend; statsmodels reaches the same slope with an indicator of −23).
/// `Fourier { k }` adds sin/cos(2πjt), j = 1..k. Then β₁ is the trend net of the season, and over
/// whole years the dummies' APC is the log-linear APC of the years' totals
/// (docs/methods/trends.md, "Monthly counts: the season"). Dispersion handling, `use_t` (on the
/// residual df n − p) and the separation check apply to the larger model. A series with no
/// residual df left is [`TrendNote::SeasonTooShort`].
///
/// A series whose counts are all zero, or whose events all fall in the first or the last
/// period (quasi-complete separation: the maximum-likelihood slope is ∓∞, [`crate::glm::mle_exists`]),
/// is returned as [`TrendMethod::NotEstimable`] with NaN estimates and the reason in `note` —
/// never as a large finite slope (statsmodels 0.15 reports e.g. β₁ = −19.3, SE 1329 for counts
/// 10, 0, 0, 0).
///
/// # Errors
/// Fewer than 3 periods; negative or non-integer counts; population ≤ 0; a missing count or
/// population unless `missing` is `Propagate`;
/// periods not strictly increasing; invalid confidence; with seasonal terms, a period not at
/// 1/`period` of a year, periods all at one point of the year, or invalid terms
/// ([`Seasonality::n_terms`]).
///
/// # Examples
/// ```
/// use saferstats::trend::{poisson_trend, TrendOptions};
/// let y = [310., 335., 352., 401., 388., 430.];
/// let pop = [250000., 252000., 254500., 256000., 258000., 260000.];
/// let t = [0., 1., 2., 3., 4., 5.];
/// let fit = poisson_trend(&y, &pop, &t, &TrendOptions::default()).unwrap();
/// assert!((fit.apc - 5.642683).abs() < 1e-5); // statsmodels GLM, docs/methods/trends.md A5
///
/// // oracle 2 (over-dispersed), quasi-Poisson with t on 4 df: R summary.glm Pr(>|t|) 0.124262
/// // and limits b ± qt(0.975, 4)·SE (tests/fixtures/audit_trend.json)
/// use saferstats::trend::Dispersion;
/// let y = [310., 420., 352., 480., 388., 520.];
/// let opts = TrendOptions { dispersion: Dispersion::Quasi, use_t: true, ..TrendOptions::default() };
/// let q = poisson_trend(&y, &pop, &t, &opts).unwrap();
/// assert!((q.p_value - 0.124261866224293).abs() < 1e-7);
/// assert!((q.apc_lower - -2.86852217683086).abs() < 1e-5);
///
/// // month-of-year terms: two whole years of a seasonal series whose totals double give +100%
/// use saferstats::glm::Seasonality;
/// let season = [1., 2., 4., 2., 1., 1., 3., 5., 2., 1., 1., 2.];
/// let y: Vec<f64> = (0..24).map(|i| 100. * season[i % 12] * if i < 12 { 1. } else { 2. }).collect();
/// let t: Vec<f64> = (0..24).map(|i| 2020. + i as f64 / 12.).collect();
/// let opts = TrendOptions { seasonality: Seasonality::Dummies { period: 12 }, ..TrendOptions::default() };
/// let s = poisson_trend(&y, &[1.; 24], &t, &opts).unwrap();
/// assert!((s.apc - 100.0).abs() < 1e-6);
/// ```
pub fn poisson_trend(
    y: &[f64],
    pop: &[f64],
    t: &[f64],
    opts: &TrendOptions,
) -> Result<PoissonTrend> {
    check_confidence(opts.confidence)?;
    check_trend_series(y, pop, t, opts)?;
    Ok(fit_trend(y, pop, t, opts))
}

fn fit_trend(y: &[f64], pop: &[f64], t: &[f64], opts: &TrendOptions) -> PoissonTrend {
    let n = y.len();
    let tbar = t.iter().sum::<f64>() / n as f64;
    if y.iter().chain(pop).any(|v| v.is_nan()) {
        return PoissonTrend::not_estimable(n, TrendNote::Missing);
    }
    if y.iter().all(|&v| v == 0.0) {
        return PoissonTrend::not_estimable(n, TrendNote::AllZero);
    }
    let (x, p, keep) = trend_design(y, t, tbar, opts.seasonality);
    if keep.len() <= p {
        return PoissonTrend::not_estimable(n, TrendNote::SeasonTooShort);
    }
    let (y, pop): (Vec<f64>, Vec<f64>) = keep.iter().map(|&i| (y[i], pop[i])).unzip();
    let y = &y[..];
    let off: Vec<f64> = pop.iter().map(|p| p.ln()).collect();
    let design = Design { values: &x, p };
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
    let df = fit.df_resid as f64;
    let z = if opts.use_t {
        t_critical(opts.confidence, df)
    } else {
        z_two_sided(opts.confidence)
    };
    let zstat = beta / se;
    let p_value = if opts.use_t {
        t_p_two_sided(zstat, df)
    } else {
        p_two_sided(zstat)
    };
    PoissonTrend {
        intercept: fit.beta[0] - beta * tbar,
        beta,
        se,
        apc: 100.0 * beta.exp_m1(),
        apc_lower: 100.0 * (beta - z * se).exp_m1(),
        apc_upper: 100.0 * (beta + z * se).exp_m1(),
        z: zstat,
        p_value,
        dispersion_ratio: ratio,
        alpha,
        n_periods: n,
        df_resid: fit.df_resid,
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
    poisson_trend_many_with(y, pop, t, offsets, opts, &crate::cancel::NEVER)
}

/// [`poisson_trend_many`], polling `cancel` between series (tens of thousands of LSOA series
/// take seconds); [`Error::Interrupted`] once it is set.
///
/// # Errors
/// As [`poisson_trend_many`]; `Interrupted` after `cancel` is set.
pub fn poisson_trend_many_with(
    y: &[f64],
    pop: &[f64],
    t: &[f64],
    offsets: &[usize],
    opts: &TrendOptions,
    cancel: &crate::cancel::Cancel,
) -> Result<Vec<PoissonTrend>> {
    check_confidence(opts.confidence)?;
    crate::ci::check_lengths(&[
        ("count", y.len()),
        ("population", pop.len()),
        ("period", t.len()),
    ])?;
    let groups = Groups::from_offsets(offsets, y.len())?;
    groups.check_each(|r| check_trend_series(&y[r.clone()], &pop[r.clone()], &t[r], opts))?;
    groups.par_map(|r| {
        cancel.check()?;
        Ok(fit_trend(&y[r.clone()], &pop[r.clone()], &t[r], opts))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{close, col};

    /// `use_t` against R: summary.glm's Pr(>|t|) for quasi-Poisson, limits b ± qt(df)·SE, and
    /// the same t convention for plain Poisson (statsmodels use_t); the default stays z
    /// (tests/fixtures/audit_trend.json, generate_audit_trend.R).
    #[test]
    fn use_t_matches_r_summary_glm_and_default_stays_normal() {
        let fx = crate::test_fixtures::audit_trend();
        let rows = fx["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 16);
        for r in rows {
            let (y, pop, t) = (col(&r["count"]), col(&r["population"]), col(&r["period"]));
            let what = format!("{} {} {}", r["name"], r["dispersion"], r["confidence"]);
            let f = |v: &str| r[v].as_f64().unwrap();
            let dispersion = if r["dispersion"] == "quasi" {
                Dispersion::Quasi
            } else {
                Dispersion::Poisson
            };
            let base = TrendOptions {
                confidence: f("confidence"),
                dispersion,
                ..TrendOptions::default()
            };
            let z = poisson_trend(&y, &pop, &t, &base).unwrap();
            let tt = poisson_trend(
                &y,
                &pop,
                &t,
                &TrendOptions {
                    use_t: true,
                    ..base
                },
            )
            .unwrap();
            close(tt.beta, f("beta"), 1e-7, &what);
            close(tt.se, f("se"), 1e-6, &what);
            close(tt.p_value, f("p_t"), 1e-5, &format!("{what} p_t"));
            close(
                tt.apc_lower,
                f("apc_lower_t"),
                1e-6,
                &format!("{what} lower"),
            );
            close(
                tt.apc_upper,
                f("apc_upper_t"),
                1e-6,
                &format!("{what} upper"),
            );
            if dispersion == Dispersion::Quasi {
                close(tt.p_value, f("p_r"), 1e-5, &format!("{what} summary.glm"));
            }
            // the default is unchanged: normal limits and p
            close(z.p_value, f("p_normal"), 1e-5, &format!("{what} p_normal"));
            close(
                z.apc_lower,
                f("apc_lower"),
                1e-6,
                &format!("{what} z lower"),
            );
            assert_eq!(z.z, tt.z);
            assert!(tt.apc_upper - tt.apc_lower > z.apc_upper - z.apc_lower);
        }
    }

    #[test]
    fn t_helpers_edge_cases() {
        assert!(t_p_two_sided(f64::NAN, 4.0).is_nan());
        assert!(t_p_two_sided(1.0, 0.0).is_nan());
        assert_eq!(t_p_two_sided(0.0, 4.0), 1.0);
        assert_eq!(t_p_two_sided(f64::INFINITY, 4.0), 0.0);
        // R: 2 * pt(-40, 3) = 3.43806807891585e-05; huge df: the normal
        close(
            t_p_two_sided(-40.0, 3.0),
            3.438_068_078_915_85e-5,
            1e-9,
            "pt tail",
        );
        close(
            t_p_two_sided(1.96, 1e8),
            crate::special::p_two_sided(1.96),
            1e-12,
            "df 1e8",
        );
        assert!(t_critical(0.95, 0.0).is_nan());
        close(
            t_critical(0.998, 6.0),
            5.20762623872536,
            1e-9,
            "qt(0.999, 6)",
        );
    }

    /// Seasonal terms against statsmodels 0.15 (tests/fixtures/generate_trend_seasonal.py, run
    /// 2026-12-05): Figure 2's first 30 months (`GLM(y ~ t + C(month))`, Poisson, quasi with
    /// `scale="X2", use_t=True`, NB2 `NegativeBinomial(loglike_method="nb2")`, two Fourier pairs
    /// with t in years); a month with no events in any year (statsmodels drives its indicator to
    /// −23 and gives the same slope); quarterly counts with a population offset.
    fn seasonal(seasonality: Seasonality) -> TrendOptions {
        TrendOptions {
            seasonality,
            ..TrendOptions::default()
        }
    }

    #[test]
    fn seasonal_terms_match_statsmodels() {
        let (y, t) = crate::test_fixtures::figure_2_months();
        let pop = [1.0; 30];
        let dummies = seasonal(Seasonality::Dummies { period: 12 });
        let d = poisson_trend(&y, &pop, &t, &dummies).unwrap();
        close(d.beta, 0.13615114738085698, 1e-9, "dummies beta");
        close(d.se, 0.004657250789654842, 1e-7, "dummies se");
        close(d.apc_lower, 13.54432502667099, 1e-7, "dummies lower");
        close(d.apc_upper, 15.636237139726905, 1e-7, "dummies upper");
        assert_eq!(d.df_resid, 17); // statsmodels df_resid
                                    // the season check's seasonal APC is this fit's
        let c = crate::trend::season_check(&y, &pop, &t, 0.95).unwrap();
        close(d.apc, c.apc_seasonal, 1e-9, "season check");
        let q = poisson_trend(
            &y,
            &pop,
            &t,
            &TrendOptions {
                dispersion: Dispersion::Quasi,
                use_t: true,
                ..dummies
            },
        )
        .unwrap();
        close(q.se, 0.018562300821858103, 1e-7, "quasi se");
        close(q.p_value, 1.165573925950282e-06, 1e-6, "quasi p");
        close(q.apc_lower, 10.18472791311629, 1e-7, "quasi lower");
        close(q.apc_upper, 19.16205397364774, 1e-7, "quasi upper");
        close(q.dispersion_ratio, 15.885627080235576, 1e-8, "ratio");
        let nb = poisson_trend(
            &y,
            &pop,
            &t,
            &TrendOptions {
                dispersion: Dispersion::NegBin,
                ..dummies
            },
        )
        .unwrap();
        assert_eq!(nb.method, TrendMethod::NegBin);
        close(nb.beta, 0.14067966378360214, 1e-6, "nb beta");
        close(nb.se, 0.014214553784225563, 1e-4, "nb se");
        close(nb.alpha, 0.0026955038554499766, 1e-4, "nb alpha");
        let fourier = seasonal(Seasonality::Fourier { period: 12, k: 2 });
        let f = poisson_trend(&y, &pop, &t, &fourier).unwrap();
        close(f.beta, 0.13586791826603273, 1e-9, "fourier beta");
        close(f.se, 0.0046166401651626604, 1e-7, "fourier se");

        let (sparse, ts) = crate::test_fixtures::sparse_months();
        let z = poisson_trend(&sparse, &[1.0; 36], &ts, &dummies).unwrap();
        assert_eq!(z.note, TrendNote::None);
        close(z.beta, 0.051392472924319296, 1e-7, "zero month beta");
        close(z.se, 0.1014275372739335, 1e-6, "zero month se");
        // the three August rows and their indicator are left out (statsmodels counts them: 23)
        assert_eq!(z.df_resid, 21);

        let yq = [50., 61., 72., 58., 55., 70., 80., 60., 62., 75., 88., 66.];
        let tq: Vec<f64> = (0..12).map(|i| 2018.0 + f64::from(i) / 4.0).collect();
        let popq: Vec<f64> = (0..12).map(|i| 1e5 + 1e4 * f64::from(i) / 11.0).collect();
        let quarters = seasonal(Seasonality::Dummies { period: 4 });
        let r = poisson_trend(&yq, &popq, &tq, &quarters).unwrap();
        close(r.beta, 0.05962814672120109, 1e-9, "quarterly beta");
        close(r.se, 0.04348337519915447, 1e-7, "quarterly se");
        // monthly dummies on quarterly periods: the quarters present are the seasons
        let m = poisson_trend(&yq, &popq, &tq, &dummies).unwrap();
        close(m.beta, r.beta, 1e-9, "quarters as months");
    }

    #[test]
    fn seasonal_terms_refuse_what_they_cannot_fit() {
        let dummies = seasonal(Seasonality::Dummies { period: 12 });
        let years = [2015.0, 2016.0, 2017.0, 2018.0];
        let e = poisson_trend(&[3.0, 4.0, 5.0, 6.0], &[1.0; 4], &years, &dummies).unwrap_err();
        assert!(e.to_string().contains("same point of the year"), "{e}");
        let weeks: Vec<f64> = (0..20).map(|i| 2020.0 + f64::from(i) / 52.0).collect();
        let e = poisson_trend(&[3.0; 20], &[1.0; 20], &weeks, &dummies).unwrap_err();
        assert!(e.to_string().contains("1/12"), "{e}");
        // 14 months: 12 month terms and the trend leave one residual df; 13 leave none
        let t: Vec<f64> = (0..14).map(|i| 2020.0 + f64::from(i) / 12.0).collect();
        let y: Vec<f64> = (0..14).map(|i| f64::from(10 + i % 5)).collect();
        assert_eq!(
            poisson_trend(&y, &[1.0; 14], &t, &dummies).unwrap().note,
            TrendNote::None
        );
        let short = poisson_trend(&y[..12], &[1.0; 12], &t[..12], &dummies).unwrap();
        assert_eq!(short.note, TrendNote::SeasonTooShort);
        assert!(short.apc.is_nan());
        let bad = seasonal(Seasonality::Fourier { period: 12, k: 7 });
        assert!(poisson_trend(&y, &[1.0; 14], &t, &bad).is_err());
    }
}

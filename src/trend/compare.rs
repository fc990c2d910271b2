//! Is one area's rate changing faster than another's? The ratio of two log-linear trends.
//!
//! Method (docs/methods/trends.md A5, "Is one trend faster than another?"): with a trend
//! fitted to each series by [`poisson_trend`](super::poisson_trend), log E\[yₜ\] = β₀ + β·t + log popₜ, the
//! difference of the slopes d = β_a − β_b has SE √(SE_a² + SE_b²) (the two series are
//! independent) and the **ratio of the annual rate ratios**
//! e^d — 1.05 when a's rate grows 5% a year faster than b's (relative), 1 when they change alike —
//! has Wald limits e^(d ± z·SE) and the two-sided p-value of z = d / SE from the normal — or, with
//! `use_t` (as [`super::TrendOptions::use_t`]), from Student's t on the Welch–Satterthwaite df
//! (SE_a² + SE_b²)² / (SE_a⁴/df_a + SE_b⁴/df_b), each fit's residual df (n − 2 less any seasonal
//! terms; Satterthwaite 1946: the df of a sum of two variances each estimated on its own df).
//!
//! For Poisson fits this is exactly the area × time interaction of one Poisson GLM fitted to both
//! series, R's `glm(count ~ g * t + offset(log(pop)), family = poisson)` (the information matrix is
//! block-diagonal across the two series): tests/fixtures/trend_compare.json. With quasi-Poisson
//! fits each series keeps its own dispersion, so a national series that is far more
//! over-dispersed than a local one (national race hate crime χ²/df 269) does not widen the local
//! one's interval, as one pooled quasi-Poisson GLM would.

use serde::Serialize;

use super::poisson::{PoissonTrend, TrendNote};
use crate::error::{Error, Result};
use crate::glm::{t_critical, t_p_two_sided};
use crate::special::{check_confidence, p_two_sided, z_two_sided};

/// The ratio of two series' annual rate ratios (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrendRatio {
    /// e^(β_a − β_b): a's annual rate ratio over b's.
    pub ratio: f64,
    /// Lower confidence limit of `ratio`.
    pub ratio_lower: f64,
    /// Upper confidence limit of `ratio`.
    pub ratio_upper: f64,
    /// β_a − β_b (log scale).
    pub difference: f64,
    /// √(SE_a² + SE_b²).
    pub se: f64,
    /// Wald statistic `difference / se`.
    pub z: f64,
    /// Two-sided p-value of equal trends (normal, or t on `df`).
    pub p_value: f64,
    /// Degrees of freedom of the t reference (Welch–Satterthwaite); infinite for the normal.
    pub df: f64,
}

/// The ratio of two fitted trends' annual rate ratios, with Wald limits and p-value.
///
/// Method: see the [module docs](self) (docs/methods/trends.md A5, "Is one trend faster than
/// another?"). `use_t`: Student t on the Welch–Satterthwaite df of the two fits' residual df
/// ([`PoissonTrend::df_resid`]: `n_periods − 2` less any seasonal terms), else the normal. A trend that was not estimated (NaN slope,
/// [`super::TrendMethod::NotEstimable`]) gives NaN throughout.
///
/// # Errors
/// Invalid confidence.
///
/// # Examples
/// ```
/// use saferstats::trend::{poisson_trend, trend_ratio, TrendOptions};
/// // Home Office Table 2, England and Wales 2011/12-2018/19: disability against race hate crime
/// let t: Vec<f64> = (0..8).map(f64::from).collect();
/// let pop = [1.0; 8];
/// let disability = [1748., 1911., 2020., 2515., 3629., 5558., 7221., 8256.];
/// let race = [35944., 35845., 37575., 42862., 49419., 62685., 71264., 78991.];
/// let o = TrendOptions::default();
/// let a = poisson_trend(&disability, &pop, &t, &o).unwrap();
/// let b = poisson_trend(&race, &pop, &t, &o).unwrap();
/// let r = trend_ratio(&a, &b, 0.95, false).unwrap();
/// // R: glm(count ~ g * t, family = poisson), exp(coef g:t) and its confint.default
/// // (tests/fixtures/trend_compare.json)
/// assert!((r.ratio - 1.13795005014611).abs() < 1e-9);
/// assert!((r.ratio_lower - 1.13181037701217).abs() < 1e-8);
/// ```
pub fn trend_ratio(
    a: &PoissonTrend,
    b: &PoissonTrend,
    confidence: f64,
    use_t: bool,
) -> Result<TrendRatio> {
    // each fit's residual df (its periods less every coefficient, seasonal terms included); a
    // trend that was not estimated has none
    let df = |f: &PoissonTrend| {
        if f.note == TrendNote::None {
            f.df_resid as f64
        } else {
            f64::NAN
        }
    };
    let dfs = use_t.then(|| ([df(a)], [df(b)]));
    let r = trend_ratios(
        &[a.beta],
        &[a.se],
        &[b.beta],
        &[b.se],
        dfs.as_ref().map(|(x, y)| (&x[..], &y[..])),
        confidence,
    )?;
    Ok(r[0])
}

/// [`trend_ratio`] for many pairs of fitted slopes given as columns: pair `i` is
/// (`beta_a[i]`, `se_a[i]`) against (`beta_b[i]`, `se_b[i]`); `df` = (`df_a`, `df_b`), the fits'
/// residual df, for Student t on the Welch–Satterthwaite df (`None`: the normal).
///
/// # Errors
/// Columns of different lengths; a slope that is infinite or an SE that is negative or infinite,
/// a df that is not positive (named by column and position; NaN is allowed and gives NaN);
/// invalid confidence.
///
/// # Examples
/// ```
/// use saferstats::trend::trend_ratios;
/// // quasi-Poisson slopes and SEs of R's separate glm(family = quasipoisson) fits
/// // (tests/fixtures/trend_compare.json, disability against race)
/// let (ba, sa) = ([0.260320962279555, f64::NAN], [0.0207378202027263, 0.1]);
/// let (bb, sb) = ([0.131092520204714, 0.1], [0.0114245618629484, 0.1]);
/// let r = trend_ratios(&ba, &sa, &bb, &sb, None, 0.95).unwrap();
/// assert!((r[0].ratio_upper - 1.19200120182164).abs() < 1e-9);
/// assert!((r[0].p_value - 4.81301806315745e-08).abs() < 1e-15);
/// assert!(r[1].ratio.is_nan()); // a trend that was not estimated
/// // t on the Welch-Satterthwaite df of two 6-df fits: R 9.3347850296623, p 0.00035343400549491
/// let t = trend_ratios(&ba, &sa, &bb, &sb, Some((&[6.0, 6.0], &[6.0, 6.0])), 0.95).unwrap();
/// assert!((t[0].df - 9.3347850296623).abs() < 1e-9);
/// assert!((t[0].p_value - 0.00035343400549491).abs() < 1e-12);
/// ```
pub fn trend_ratios(
    beta_a: &[f64],
    se_a: &[f64],
    beta_b: &[f64],
    se_b: &[f64],
    df: Option<(&[f64], &[f64])>,
    confidence: f64,
) -> Result<Vec<TrendRatio>> {
    let confidence = check_confidence(confidence)?;
    crate::ci::check_lengths(&[
        ("beta_a", beta_a.len()),
        ("se_a", se_a.len()),
        ("beta_b", beta_b.len()),
        ("se_b", se_b.len()),
    ])?;
    if let Some((df_a, df_b)) = df {
        crate::ci::check_lengths(&[
            ("beta_a", beta_a.len()),
            ("df_a", df_a.len()),
            ("df_b", df_b.len()),
        ])?;
        for (name, col) in [("df_a", df_a), ("df_b", df_b)] {
            if let Some((i, &v)) = col
                .iter()
                .enumerate()
                .find(|&(_, &v)| v <= 0.0 || v.is_infinite())
            {
                return Err(Error::value(
                    name,
                    i,
                    v,
                    "residual df must be positive and finite",
                ));
            }
        }
    }
    for (name, col, is_se) in [
        ("beta_a", beta_a, false),
        ("se_a", se_a, true),
        ("beta_b", beta_b, false),
        ("se_b", se_b, true),
    ] {
        let bad = |v: f64| v.is_infinite() || (is_se && v < 0.0);
        if let Some((i, &v)) = col.iter().enumerate().find(|&(_, &v)| bad(v)) {
            let what = if is_se {
                "standard errors must be finite and non-negative (NaN: no trend)"
            } else {
                "slopes must be finite (NaN: no trend)"
            };
            return Err(Error::value(name, i, v, what));
        }
    }
    let z_crit = z_two_sided(confidence);
    Ok((0..beta_a.len())
        .map(|i| {
            let d = df.map(|(a, b)| (a[i], b[i]));
            ratio_of(
                beta_a[i], se_a[i], beta_b[i], se_b[i], d, confidence, z_crit,
            )
        })
        .collect())
}

/// Welch–Satterthwaite df of va + vb, each variance on its own df.
fn satterthwaite(va: f64, df_a: f64, vb: f64, df_b: f64) -> f64 {
    (va + vb).powi(2) / (va * va / df_a + vb * vb / df_b)
}

fn ratio_of(
    beta_a: f64,
    se_a: f64,
    beta_b: f64,
    se_b: f64,
    df: Option<(f64, f64)>,
    confidence: f64,
    z_crit: f64,
) -> TrendRatio {
    let difference = beta_a - beta_b;
    let se = se_a.hypot(se_b);
    let z = difference / se;
    let df = df.map_or(f64::INFINITY, |(da, db)| {
        satterthwaite(se_a * se_a, da, se_b * se_b, db)
    });
    let (crit, p_value) = if df.is_finite() {
        (t_critical(confidence, df), t_p_two_sided(z, df))
    } else if df.is_nan() {
        (f64::NAN, f64::NAN)
    } else {
        (z_crit, p_two_sided(z))
    };
    TrendRatio {
        ratio: difference.exp(),
        ratio_lower: (difference - crit * se).exp(),
        ratio_upper: (difference + crit * se).exp(),
        difference,
        se,
        z,
        p_value,
        df,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{close, col};
    use crate::trend::{poisson_trend, Dispersion, TrendOptions};

    /// Every case of tests/fixtures/trend_compare.json (R 4.2, generate_trend_compare.R): Poisson
    /// against the interaction term of one GLM, quasi-Poisson against two separate R fits.
    #[test]
    fn matches_r_interaction_glm_and_separate_quasi_fits() {
        let fx: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/trend_compare.json")).unwrap();
        let rows = fx["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 4);
        for r in rows {
            let t = col(&r["period"]);
            let (ya, pa) = (col(&r["count_a"]), col(&r["population_a"]));
            let (mut yb, mut pb) = (col(&r["count_b"]), col(&r["population_b"]));
            if r["rest"].as_bool().unwrap() {
                // b contains a: the comparison is with b − a
                for i in 0..t.len() {
                    yb[i] -= ya[i];
                    pb[i] -= pa[i];
                }
            }
            let conf = r["confidence"].as_f64().unwrap();
            for (disp, key) in [
                (Dispersion::Poisson, "poisson"),
                (Dispersion::Quasi, "quasi"),
            ] {
                let o = TrendOptions {
                    dispersion: disp,
                    confidence: conf,
                    ..TrendOptions::default()
                };
                let a = poisson_trend(&ya, &pa, &t, &o).unwrap();
                let b = poisson_trend(&yb, &pb, &t, &o).unwrap();
                let got = trend_ratio(&a, &b, conf, false).unwrap();
                let want = &r[key];
                let what = format!("{} {key} {conf}", r["name"]);
                let f = |k: &str| want[k].as_f64().unwrap();
                close(got.difference, f("difference"), 1e-7, &what);
                close(got.se, f("se"), 1e-6, &what);
                close(got.z, f("z"), 1e-6, &what);
                close(got.ratio, f("ratio"), 1e-9, &what);
                close(got.ratio_lower, f("ratio_lower"), 1e-7, &what);
                close(got.ratio_upper, f("ratio_upper"), 1e-7, &what);
                if f("p_value") > 1e-300 {
                    close(got.p_value, f("p_value"), 1e-5, &what);
                } else {
                    assert!(got.p_value < 1e-300, "{what}: p {}", got.p_value);
                }
                if disp == Dispersion::Quasi {
                    let t = trend_ratio(&a, &b, conf, true).unwrap();
                    let want = &r["quasi_t"];
                    let f = |k: &str| want[k].as_f64().unwrap();
                    close(t.df, f("df"), 1e-6, &what);
                    close(t.p_value, f("p_value"), 1e-5, &what);
                    close(t.ratio_lower, f("ratio_lower"), 1e-7, &what);
                    close(t.ratio_upper, f("ratio_upper"), 1e-7, &what);
                }
            }
        }
    }

    /// Seasonal quasi-Poisson fits with `use_t`: the t df is the Welch–Satterthwaite df of the
    /// fits' residual df, seasonal terms taken off (17 and 16, not 28 and 28). Reference:
    /// statsmodels 0.15 `GLM(y ~ t + C(m)).fit(scale="X2", use_t=True)` for each series
    /// (tests/fixtures/generate_trend_seasonal.py, `compare_seasonal_t`).
    #[test]
    fn seasonal_fits_compare_on_their_residual_df() {
        let (a, t) = crate::test_fixtures::figure_2_months();
        let (b, _) = crate::test_fixtures::sparse_months();
        let o = TrendOptions {
            dispersion: Dispersion::Quasi,
            use_t: true,
            seasonality: crate::glm::Seasonality::Dummies { period: 12 },
            ..TrendOptions::default()
        };
        let fa = poisson_trend(&a, &[1.0; 30], &t, &o).unwrap();
        let fb = poisson_trend(&b[..30], &[1.0; 30], &t, &o).unwrap();
        assert_eq!((fa.df_resid, fb.df_resid), (17, 16));
        let r = trend_ratio(&fa, &fb, 0.95, true).unwrap();
        close(r.df, 17.5250459627563, 1e-6, "df");
        close(r.p_value, 0.8871871049062207, 1e-5, "p");
        close(r.ratio, 1.012601947668893, 1e-7, "ratio");
        close(r.ratio_lower, 0.8431469414113921, 1e-6, "lower");
        close(r.ratio_upper, 1.2161138872263733, 1e-6, "upper");
        // a trend that was not estimated has no df: NaN, not an error
        let none = poisson_trend(&[0.0; 30], &[1.0; 30], &t, &o).unwrap();
        assert!(trend_ratio(&fa, &none, 0.95, true).unwrap().ratio.is_nan());
    }

    #[test]
    fn equal_trends_give_one_and_p_one() {
        let r = trend_ratios(&[0.1], &[0.02], &[0.1], &[0.03], None, 0.95).unwrap();
        assert_eq!(r[0].ratio, 1.0);
        assert_eq!(r[0].p_value, 1.0);
        assert!(r[0].ratio_lower < 1.0 && r[0].ratio_upper > 1.0);
    }

    #[test]
    fn bad_columns_are_named() {
        let one = |b: f64, s: f64| trend_ratios(&[b], &[s], &[0.1], &[0.03], None, 0.95);
        let e = one(0.1, -0.02).unwrap_err();
        assert!(e.to_string().contains("se_a"), "{e}");
        let e = trend_ratios(&[0.1, 0.2], &[0.02], &[0.1], &[0.03], None, 0.95).unwrap_err();
        assert!(e.to_string().contains("se_a"), "{e}");
        let e = one(f64::INFINITY, 0.02).unwrap_err();
        assert!(e.to_string().contains("beta_a"), "{e}");
        assert!(trend_ratios(&[0.1], &[0.02], &[0.1], &[0.03], None, 1.5).is_err());
        let df = Some((&[0.0][..], &[4.0][..]));
        let e = trend_ratios(&[0.1], &[0.02], &[0.1], &[0.03], df, 0.95).unwrap_err();
        assert!(e.to_string().contains("df_a"), "{e}");
    }
}

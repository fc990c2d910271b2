//! Is one area's rate changing faster than another's? The ratio of two log-linear trends.
//!
//! Method (docs/methods/trends.md A5, "Is one trend faster than another?"): with a trend
//! fitted to each series by [`poisson_trend`](super::poisson_trend), log E\[yₜ\] = β₀ + β·t + log popₜ, the
//! difference of the slopes d = β_a − β_b has SE √(SE_a² + SE_b²) (the two series are
//! independent) and the **ratio of the annual rate ratios**
//! e^d — 1.05 when a's rate grows 5% a year faster than b's (relative), 1 when they change alike —
//! has Wald limits e^(d ± z·SE) and the two-sided p-value of z = d / SE from the normal.
//!
//! For Poisson fits this is exactly the area × time interaction of one Poisson GLM fitted to both
//! series, R's `glm(count ~ g * t + offset(log(pop)), family = poisson)` (the information matrix is
//! block-diagonal across the two series): tests/fixtures/trend_compare.json. With quasi-Poisson
//! fits each series keeps its own dispersion, so a national series that is far more
//! over-dispersed than a local one (national race hate crime χ²/df 269) does not widen the local
//! one's interval, as one pooled quasi-Poisson GLM would.

use serde::Serialize;

use super::poisson::PoissonTrend;
use crate::error::{Error, Result};
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
    /// Two-sided p-value of equal trends (normal).
    pub p_value: f64,
}

/// The ratio of two fitted trends' annual rate ratios, with Wald limits and p-value.
///
/// Method: see the [module docs](self) (docs/methods/trends.md A5, "Is one trend faster than
/// another?"). A trend that was not estimated (NaN slope, [`super::TrendMethod::NotEstimable`])
/// gives NaN throughout.
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
/// let r = trend_ratio(&a, &b, 0.95).unwrap();
/// // R: glm(count ~ g * t, family = poisson), exp(coef g:t) and its confint.default
/// // (tests/fixtures/trend_compare.json)
/// assert!((r.ratio - 1.13795005014611).abs() < 1e-9);
/// assert!((r.ratio_lower - 1.13181037701217).abs() < 1e-8);
/// ```
pub fn trend_ratio(a: &PoissonTrend, b: &PoissonTrend, confidence: f64) -> Result<TrendRatio> {
    let z_crit = z_two_sided(check_confidence(confidence)?);
    Ok(ratio_of(a.beta, a.se, b.beta, b.se, z_crit))
}

/// [`trend_ratio`] for many pairs of fitted slopes given as columns: pair `i` is
/// (`beta_a[i]`, `se_a[i]`) against (`beta_b[i]`, `se_b[i]`).
///
/// # Errors
/// Columns of different lengths; a slope that is infinite or an SE that is negative or infinite
/// (named by column and position; NaN is allowed and gives NaN); invalid confidence.
///
/// # Examples
/// ```
/// use saferstats::trend::trend_ratios;
/// // quasi-Poisson slopes and SEs of R's separate glm(family = quasipoisson) fits
/// // (tests/fixtures/trend_compare.json, disability against race)
/// let r = trend_ratios(&[0.260320962279555, f64::NAN], &[0.0207378202027263, 0.1],
///     &[0.131092520204714, 0.1], &[0.0114245618629484, 0.1], 0.95).unwrap();
/// assert!((r[0].ratio_upper - 1.19200120182164).abs() < 1e-9);
/// assert!((r[0].p_value - 4.81301806315745e-08).abs() < 1e-15);
/// assert!(r[1].ratio.is_nan()); // a trend that was not estimated
/// ```
pub fn trend_ratios(
    beta_a: &[f64],
    se_a: &[f64],
    beta_b: &[f64],
    se_b: &[f64],
    confidence: f64,
) -> Result<Vec<TrendRatio>> {
    let z_crit = z_two_sided(check_confidence(confidence)?);
    crate::ci::check_lengths(&[
        ("beta_a", beta_a.len()),
        ("se_a", se_a.len()),
        ("beta_b", beta_b.len()),
        ("se_b", se_b.len()),
    ])?;
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
    Ok((0..beta_a.len())
        .map(|i| ratio_of(beta_a[i], se_a[i], beta_b[i], se_b[i], z_crit))
        .collect())
}

fn ratio_of(beta_a: f64, se_a: f64, beta_b: f64, se_b: f64, z_crit: f64) -> TrendRatio {
    let difference = beta_a - beta_b;
    let se = se_a.hypot(se_b);
    let z = difference / se;
    TrendRatio {
        ratio: difference.exp(),
        ratio_lower: (difference - z_crit * se).exp(),
        ratio_upper: (difference + z_crit * se).exp(),
        difference,
        se,
        z,
        p_value: p_two_sided(z),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::col;
    use crate::trend::{poisson_trend, Dispersion, TrendOptions};

    fn close(got: f64, want: f64, rel: f64, what: &str) {
        assert!(
            (got - want).abs() <= rel * want.abs().max(1e-300),
            "{what}: {got} vs R {want}"
        );
    }

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
                let got = trend_ratio(&a, &b, conf).unwrap();
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
            }
        }
    }

    #[test]
    fn equal_trends_give_one_and_p_one() {
        let r = trend_ratios(&[0.1], &[0.02], &[0.1], &[0.03], 0.95).unwrap();
        assert_eq!(r[0].ratio, 1.0);
        assert_eq!(r[0].p_value, 1.0);
        assert!(r[0].ratio_lower < 1.0 && r[0].ratio_upper > 1.0);
    }

    #[test]
    fn bad_columns_are_named() {
        let e = trend_ratios(&[0.1], &[-0.02], &[0.1], &[0.03], 0.95).unwrap_err();
        assert!(e.to_string().contains("se_a"), "{e}");
        let e = trend_ratios(&[0.1, 0.2], &[0.02], &[0.1], &[0.03], 0.95).unwrap_err();
        assert!(e.to_string().contains("se_a"), "{e}");
        let e = trend_ratios(&[f64::INFINITY], &[0.02], &[0.1], &[0.03], 0.95).unwrap_err();
        assert!(e.to_string().contains("beta_a"), "{e}");
        assert!(trend_ratios(&[0.1], &[0.02], &[0.1], &[0.03], 1.5).is_err());
    }
}

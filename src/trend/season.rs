//! Is a straight trend through monthly (quarterly) counts reading the season as trend? The
//! trend refitted with a term for each month (quarter) of the year, and the quasi-F test of
//! those terms. Method and reference values: `docs/methods/trends.md` ("Monthly counts: the
//! season").

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, FisherSnedecor};

use super::groups::Groups;
use super::poisson::{months_present, trend_design};
use crate::error::Result;
use crate::glm::{fit_log_link, Design, Family, GlmFit, Seasonality};
use crate::special::{check_confidence, z_two_sided};

/// The season check of one series ([`season_check`]); every value NaN where it cannot be
/// fitted (fewer than two months of the year, no residual df, a fit that fails).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SeasonCheck {
    /// Annual % change of the fit with month-of-year terms.
    pub apc_seasonal: f64,
    /// Its lower limit (quasi-Poisson: the SE scaled by √(χ²/df) when that exceeds 1).
    pub apc_seasonal_lower: f64,
    /// Its upper limit.
    pub apc_seasonal_upper: f64,
    /// Pearson χ²/df of the fit with month-of-year terms.
    pub dispersion_ratio_seasonal: f64,
    /// Quasi F statistic of the month-of-year terms.
    pub f: f64,
    /// Numerator df of `f` (the number of month-of-year terms).
    pub f_df1: f64,
    /// Denominator df of `f` (the residual df of the fit with them).
    pub f_df2: f64,
    /// P(F > f).
    pub p_value: f64,
}

impl SeasonCheck {
    const NAN: SeasonCheck = SeasonCheck {
        apc_seasonal: f64::NAN,
        apc_seasonal_lower: f64::NAN,
        apc_seasonal_upper: f64::NAN,
        dispersion_ratio_seasonal: f64::NAN,
        f: f64::NAN,
        f_df1: f64::NAN,
        f_df2: f64::NAN,
        p_value: f64::NAN,
    };
}

/// One series' trend with a term for each month of the year: the Poisson GLM
/// `log E[y] = b0 + b1·t + month-of-year + log population` (`t` in years, months at twelfths,
/// as the trend functions take it; quarterly counts have four months of the year), its annual
/// % change `100·(e^b1 − 1)` with a quasi-Poisson interval (the SE scaled by √(Pearson χ²/df)
/// where that exceeds 1), that fit's χ²/df, and the quasi-F test of the month terms: the drop in
/// deviance from the straight trend over their number, divided by the χ²/df (the F test with an
/// estimated dispersion, McCullagh and Nelder 1989, §12.6; R `anova(glm, test = "F")` with the
/// quasi-Poisson dispersion of the larger model). Over whole years the APC equals the log-linear
/// APC of the years' totals (the month terms take up each month's share). The larger model is
/// [`poisson_trend`](super::poisson_trend)'s with `Seasonality::Dummies { period: 12 }`, the same
/// design: a month with no events in any year is left out with its indicator (its rows are
/// fitted exactly and say nothing of the dispersion; R keeps them, at zero residual, which
/// shrinks the χ²/df), and its term still counts in the F test's numerator df.
///
/// # Errors
/// [`crate::error::Error::InvalidArgument`] when the lengths differ or `confidence` is out of range. A series
/// that cannot be fitted is all NaN, not an error.
///
/// # Examples
/// ```
/// use saferstats::trend::season_check;
/// // two whole years of a series that doubles each year, with a strong season: the APC is 100%
/// let season = [1.0, 2.0, 4.0, 2.0, 1.0, 1.0, 3.0, 5.0, 2.0, 1.0, 1.0, 2.0];
/// let y: Vec<f64> = (0..24).map(|i| 100.0 * season[i % 12] * if i < 12 { 1.0 } else { 2.0 }).collect();
/// let t: Vec<f64> = (0..24).map(|i| 2020.0 + i as f64 / 12.0).collect();
/// let c = season_check(&y, &[1.0; 24], &t, 0.95).unwrap();
/// assert!((c.apc_seasonal - 100.0).abs() < 1e-6 && c.p_value < 1e-6);
/// ```
pub fn season_check(
    y: &[f64],
    population: &[f64],
    t: &[f64],
    confidence: f64,
) -> Result<SeasonCheck> {
    let one = season_checks_many(y, population, t, &[0, y.len()], confidence)?;
    Ok(one[0])
}

/// [`season_check`] of series stored contiguously (`offsets` as [`Groups::from_offsets`]), in
/// parallel.
///
/// # Errors
/// As [`season_check`]; also on bad `offsets`.
///
/// # Examples
/// ```
/// use saferstats::trend::season_checks_many;
/// let t: Vec<f64> = (0..6).map(|i| 2020.0 + i as f64 / 12.0).collect();
/// let c = season_checks_many(&[5.0; 6], &[1.0; 6], &t, &[0, 6], 0.95).unwrap();
/// assert!(c[0].p_value.is_nan()); // six months: every month of the year once, no residual df
/// ```
pub fn season_checks_many(
    y: &[f64],
    population: &[f64],
    t: &[f64],
    offsets: &[usize],
    confidence: f64,
) -> Result<Vec<SeasonCheck>> {
    check_confidence(confidence)?;
    crate::ci::check_lengths(&[
        ("count", y.len()),
        ("population", population.len()),
        ("period", t.len()),
    ])?;
    let z = z_two_sided(confidence);
    Groups::from_offsets(offsets, y.len())?.par_map(|r| {
        Ok(check_one(&y[r.clone()], &population[r.clone()], &t[r], z).unwrap_or(SeasonCheck::NAN))
    })
}

fn fit(x: &[f64], p: usize, y: &[f64], offset: &[f64]) -> Option<GlmFit> {
    fit_log_link(Design { values: x, p }, y, offset, Family::Poisson).ok()
}

fn check_one(y: &[f64], population: &[f64], t: &[f64], z: f64) -> Option<SeasonCheck> {
    let n = y.len();
    if n == 0
        || y.iter().chain(population).chain(t).any(|v| !v.is_finite())
        || population.iter().any(|&p| p <= 0.0)
    {
        return None;
    }
    // the straight trend and the trend with month-of-year indicators, as `poisson_trend` designs
    // them (`seasonality: Dummies { period: 12 }`): a month with no events in any year is left
    // out with its indicator, so it adds nothing to the dispersion, but its term still counts in
    // the F test's numerator (the straight trend is charged for missing it)
    let tbar = t.iter().sum::<f64>() / n as f64;
    let (base, _, _) = trend_design(y, t, tbar, Seasonality::None);
    let months = Seasonality::Dummies { period: 12 };
    let (full, p, keep) = trend_design(y, t, tbar, months);
    let k = months_present(t)?.checked_sub(1).filter(|&k| k > 0)?;
    if p < 3 || keep.len() <= p {
        return None;
    }
    let offset: Vec<f64> = population.iter().map(|p| p.ln()).collect();
    let straight = fit(&base, 2, y, &offset)?;
    let (yk, ok): (Vec<f64>, Vec<f64>) = keep.iter().map(|&i| (y[i], offset[i])).unzip();
    let seasonal = fit(&full, p, &yk, &ok)?;
    let df2 = (keep.len() - p) as f64;
    let ratio = seasonal.pearson_chi2 / df2;
    let b1 = seasonal.beta[1];
    let se = seasonal.se(1, ratio.max(1.0));
    let f = if ratio > 0.0 {
        (straight.deviance - seasonal.deviance).max(0.0) / k as f64 / ratio
    } else {
        f64::INFINITY
    };
    let p_value = if f.is_infinite() {
        0.0
    } else {
        FisherSnedecor::new(k as f64, df2).map_or(f64::NAN, |d| d.sf(f))
    };
    Some(SeasonCheck {
        apc_seasonal: 100.0 * b1.exp_m1(),
        apc_seasonal_lower: 100.0 * (b1 - z * se).exp_m1(),
        apc_seasonal_upper: 100.0 * (b1 + z * se).exp_m1(),
        dispersion_ratio_seasonal: ratio,
        f,
        f_df1: k as f64,
        f_df2: df2,
        p_value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Home Office racially or religiously aggravated offences by month (the bulletin's Figure
    /// 2, from April 2013; python/saferstats/data/ho_racially_religiously_aggravated_monthly_
    /// 2013-04_2019-03.csv). Reference: statsmodels 0.15 `GLM(offences ~ t + C(month),
    /// Poisson())` and scipy 1.17 `stats.f.sf` (run 2026-12-05): over two whole years the APC is
    /// that of the years' totals, 31,559 → 37,635 (+19.25%); over 30 months 14.59%.
    #[test]
    fn figure_2_matches_statsmodels_and_the_totals() {
        let (all, t) = crate::test_fixtures::figure_2_months();
        assert_eq!(all[..12].iter().sum::<f64>(), 31_559.0);
        assert_eq!(all[12..24].iter().sum::<f64>(), 37_635.0);
        let want = [
            (
                24,
                [
                    19.25282803637629,
                    12.588646081674595,
                    26.311466472001953,
                    14.776149241893847,
                    5.6338732970469545,
                    0.003954666735013908,
                    11.0,
                ],
            ),
            (
                30,
                [
                    14.585507349988038,
                    10.49164334810885,
                    18.831054519553312,
                    15.885627080235636,
                    5.187627368497936,
                    0.0013162894469731313,
                    17.0,
                ],
            ),
        ];
        for (n, w) in want {
            let c = season_check(&all[..n], &vec![1.0; n], &t[..n], 0.95).unwrap();
            let got = [
                c.apc_seasonal,
                c.apc_seasonal_lower,
                c.apc_seasonal_upper,
                c.dispersion_ratio_seasonal,
                c.f,
                c.p_value,
                c.f_df2,
            ];
            for (g, e) in got.iter().zip(w) {
                assert!(
                    (g - e).abs() <= 1e-7 * e.abs().max(1e-3),
                    "{n} months: {got:?} against {w:?}"
                );
            }
            assert_eq!(c.f_df1, 11.0);
        }
        let many = season_checks_many(&all, &[1.0; 30], &t, &[0, 24, 30], 0.95).unwrap();
        assert!((many[0].apc_seasonal - 100.0 * (37_635.0 / 31_559.0 - 1.0)).abs() < 1e-6);
        assert!(many[1].f.is_nan()); // six months: no month of the year twice
    }

    /// A month with no events in any year is left out of the dispersion with its indicator (as
    /// `poisson_trend` leaves it out), and still counts as a term of the F test. Reference:
    /// statsmodels 0.15 on the 33 months with events, the straight trend on all 36
    /// (tests/fixtures/generate_trend_seasonal.py, `season_check_zero_month`); the APC is that of
    /// `poisson_trend(seasonality: Dummies)` on the same series.
    #[test]
    fn a_month_with_no_events_is_left_out_of_the_dispersion() {
        use crate::test_fixtures::close;
        let (y, t) = crate::test_fixtures::sparse_months();
        let c = season_check(&y, &[1.0; 36], &t, 0.95).unwrap();
        close(c.apc_seasonal, 5.273598258434739, 1e-7, "apc");
        close(c.apc_seasonal_lower, -13.705285955980258, 1e-6, "lower");
        close(c.apc_seasonal_upper, 28.426527778109463, 1e-6, "upper");
        close(
            c.dispersion_ratio_seasonal,
            0.5514283575227885,
            1e-6,
            "ratio",
        );
        close(c.f, 5.594805831710887, 1e-6, "F");
        close(c.p_value, 0.00036824190377222096, 1e-5, "p");
        assert_eq!((c.f_df1, c.f_df2), (11.0, 21.0));
        let opts = crate::trend::TrendOptions {
            seasonality: Seasonality::Dummies { period: 12 },
            ..Default::default()
        };
        let fit = crate::trend::poisson_trend(&y, &[1.0; 36], &t, &opts).unwrap();
        close(fit.apc, c.apc_seasonal, 1e-9, "the seasonal trend's APC");
        assert_eq!(fit.df_resid as f64, c.f_df2);
    }

    #[test]
    fn bad_input_is_an_error_and_unfittable_series_are_nan() {
        assert!(season_check(&[1.0], &[1.0, 2.0], &[2020.0], 0.95).is_err());
        assert!(season_check(&[1.0], &[1.0], &[2020.0], 1.5).is_err());
        let t: Vec<f64> = (0..24).map(|i| 2020.0 + i as f64 / 12.0).collect();
        assert!(season_check(&[0.0; 24], &[1.0; 24], &t, 0.95)
            .unwrap()
            .f
            .is_nan()); // all zero
        let yearly: Vec<f64> = (0..5).map(|i| 2015.0 + f64::from(i)).collect();
        assert!(
            season_check(&[3.0, 4.0, 5.0, 6.0, 7.0], &[1.0; 5], &yearly, 0.95)
                .unwrap()
                .f
                .is_nan()
        );
    }
}

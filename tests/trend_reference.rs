//! Trend module against tests/fixtures/trend_reference.json (statsmodels GLM / NegativeBinomial,
//! pymannkendall, scipy theilslopes) and the PHE funnel values quoted in docs/methods/trends.md A7.

use saferstats::trend::*;

mod common;
use common::*;

fn opts(d: Dispersion) -> TrendOptions {
    TrendOptions {
        dispersion: d,
        ..TrendOptions::default()
    }
}

#[test]
fn poisson_and_quasi_trend_match_statsmodels_glm() {
    let fx = load("trend_reference.json");
    for r in fx["poisson_trend"]["rows"].as_array().unwrap() {
        let (y, pop, t) = (arr(&r["count"]), arr(&r["population"]), arr(&r["t"]));
        let name = r["name"].as_str().unwrap();
        let fit = poisson_trend(&y, &pop, &t, &opts(Dispersion::Poisson)).unwrap();
        let beta = arr(&r["poisson_beta"]);
        let se = arr(&r["poisson_se"]);
        close(fit.beta, beta[1], 1e-7, &format!("{name} beta1"));
        close(fit.intercept, beta[0], 1e-7, &format!("{name} beta0"));
        close(fit.se, se[1], 1e-6, &format!("{name} se"));
        close(
            fit.dispersion_ratio,
            r["dispersion_ratio"].as_f64().unwrap(),
            1e-6,
            "dispersion",
        );
        let ci = arr(&r["poisson_ci95"]);
        close(fit.apc_lower, 100.0 * ci[0].exp_m1(), 1e-6, "apc lower");
        close(fit.apc_upper, 100.0 * ci[1].exp_m1(), 1e-6, "apc upper");
        assert_eq!(fit.method, TrendMethod::Poisson);

        let q = poisson_trend(&y, &pop, &t, &opts(Dispersion::Quasi)).unwrap();
        close(
            q.se,
            arr(&r["quasi_se"])[1],
            1e-6,
            &format!("{name} quasi se"),
        );
        let qci = arr(&r["quasi_ci95"]);
        close(q.apc_lower, 100.0 * qci[0].exp_m1(), 1e-6, "quasi lower");
        let auto = poisson_trend(&y, &pop, &t, &opts(Dispersion::Auto)).unwrap();
        let want = if r["dispersion_ratio"].as_f64().unwrap() > 1.5 {
            TrendMethod::AutoQuasi
        } else {
            TrendMethod::Poisson
        };
        assert_eq!(auto.method, want, "{name}");
    }
}

#[test]
fn methods_a5_published_apc() {
    let y = [310., 335., 352., 401., 388., 430.];
    let pop = [250000., 252000., 254500., 256000., 258000., 260000.];
    let t = [0., 1., 2., 3., 4., 5.];
    let f = poisson_trend(&y, &pop, &t, &TrendOptions::default()).unwrap();
    assert!((f.apc - 5.642683).abs() < 1e-6);
    // quoted to 6 d.p. from rounded intermediate values; the statsmodels fixture test above
    // checks the same interval to 1e-6 relative
    assert!((f.apc_lower - 3.088774).abs() < 2e-6, "{f:?}");
    assert!((f.apc_upper - 8.259862).abs() < 3e-6, "{f:?}");
    let q = poisson_trend(&y, &pop, &t, &opts(Dispersion::Quasi)).unwrap();
    assert!((q.apc_lower - 3.836823).abs() < 1e-6 && (q.apc_upper - 7.479950).abs() < 1e-6);
    // NB2 alpha at the boundary -> Poisson
    let nb = poisson_trend(&y, &pop, &t, &opts(Dispersion::NegBin)).unwrap();
    assert_eq!(nb.method, TrendMethod::NegBinBoundary);
    assert!((nb.apc - f.apc).abs() < 1e-9);
}

#[test]
fn negbin_trend_matches_statsmodels_negative_binomial() {
    let fx = load("trend_reference.json");
    let mut checked = 0;
    for r in fx["poisson_trend"]["rows"].as_array().unwrap() {
        let (y, pop, t) = (arr(&r["count"]), arr(&r["population"]), arr(&r["t"]));
        let name = r["name"].as_str().unwrap();
        let fit = poisson_trend(&y, &pop, &t, &opts(Dispersion::NegBin)).unwrap();
        if r["negbin_alpha"].is_null() {
            // statsmodels' alpha went to the boundary (bfgs stops below 1e-5 and Newton cannot
            // polish it: zeros_two_periods stops at 2.3e-6): we report Poisson
            assert!(r["negbin_alpha_bfgs"].as_f64().unwrap() < 1e-5, "{name}");
            assert_eq!(fit.method, TrendMethod::NegBinBoundary, "{name}");
            continue;
        }
        checked += 1;
        assert_eq!(fit.method, TrendMethod::NegBin, "{name}");
        close(
            fit.alpha,
            r["negbin_alpha"].as_f64().unwrap(),
            1e-4,
            &format!("{name} alpha"),
        );
        close(
            fit.beta,
            arr(&r["negbin_beta"])[1],
            1e-5,
            &format!("{name} beta"),
        );
        close(
            fit.se,
            r["negbin_slope_se"].as_f64().unwrap(),
            1e-4,
            &format!("{name} se"),
        );
        let ci = arr(&r["negbin_ci95"]);
        close(fit.apc_lower, 100.0 * ci[0].exp_m1(), 1e-4, "nb lower");
        close(fit.apc_upper, 100.0 * ci[1].exp_m1(), 1e-4, "nb upper");
    }
    assert_eq!(checked, 4);
}

#[test]
fn methods_a5_negbin_published() {
    let y = [310., 420., 352., 480., 388., 520.];
    let pop = [250000., 252000., 254500., 256000., 258000., 260000.];
    let t = [0., 1., 2., 3., 4., 5.];
    let nb = poisson_trend(&y, &pop, &t, &opts(Dispersion::NegBin)).unwrap();
    assert!((nb.alpha - 0.011678).abs() < 1e-6);
    assert!((nb.apc - 7.033362).abs() < 1e-4);
    assert!((nb.apc_lower - 1.211684).abs() < 1e-3 && (nb.apc_upper - 13.189903).abs() < 1e-3);
}

#[test]
fn mann_kendall_matches_pymannkendall_and_scipy() {
    let fx = load("trend_reference.json");
    for r in fx["mann_kendall"]["rows"].as_array().unwrap() {
        let x = arr(&r["values"]);
        let name = r["name"].as_str().unwrap();
        let mk = mann_kendall(&x, 0.95, false).unwrap();
        let g = |k: &str| r[k].as_f64().unwrap();
        assert_eq!(mk.s, g("s"), "{name}");
        close(mk.var_s, g("var_s"), 1e-12, &format!("{name} var_s"));
        if g("z") == 0.0 {
            assert_eq!(mk.z, 0.0);
        } else {
            close(mk.z, g("z"), 1e-12, &format!("{name} z"));
        }
        close(mk.p_value, g("p"), 1e-9, &format!("{name} p"));
        close(mk.tau, g("tau"), 1e-12, "tau");
        if g("slope") == 0.0 {
            assert_eq!(mk.slope, 0.0);
        } else {
            close(mk.slope, g("slope"), 1e-12, &format!("{name} slope"));
        }
        close(
            mk.intercept,
            g("intercept"),
            1e-12,
            &format!("{name} intercept"),
        );
        close(
            mk.slope_lower,
            g("slope_lower"),
            1e-12,
            &format!("{name} slope lower"),
        );
        close(
            mk.slope_upper,
            g("slope_upper"),
            1e-12,
            &format!("{name} slope upper"),
        );
        assert_eq!(mk.n, x.len());
    }
}

#[test]
fn mann_kendall_rows_equal_single_calls() {
    let fx = load("trend_reference.json");
    let rows = fx["mann_kendall"]["rows"].as_array().unwrap();
    let a = arr(&rows[0]["values"]);
    let b = arr(&rows[2]["values"]);
    let flat: Vec<f64> = a.iter().chain(&b).copied().collect();
    let many = mann_kendall_rows(&flat, a.len(), 0.95, false).unwrap();
    // compared as printed: a NaN field (exact_p with ties) is never == itself
    let same = |m: &MannKendall, x: &[f64]| {
        format!("{m:?}") == format!("{:?}", mann_kendall(x, 0.95, false).unwrap())
    };
    assert!(same(&many[0], &a) && same(&many[1], &b));
}

#[test]
fn seasonal_mann_kendall_matches_pymannkendall() {
    let fx = load("trend_reference.json");
    for r in fx["seasonal_mann_kendall"]["rows"].as_array().unwrap() {
        let x = arr(&r["values"]);
        let g = |k: &str| r[k].as_f64().unwrap();
        let mk = seasonal_mann_kendall(&x, 12, 0.95, false).unwrap();
        assert_eq!(mk.s, g("s"));
        close(mk.var_s, g("var_s"), 1e-12, "var_s");
        close(mk.z, g("z"), 1e-12, "z");
        close(mk.p_value, g("p"), 1e-8, "p");
        close(mk.tau, g("tau"), 1e-12, "tau");
        close(mk.slope, g("slope"), 1e-12, "slope");
        close(mk.intercept, g("intercept"), 1e-12, "intercept");
    }
}

#[test]
fn proportion_funnel_matches_methods_a7() {
    // target 20%: n = 50, 100, 1000
    let cases = [
        (50.0, [2.519006, 8.912769, 31.087231, 37.480994]),
        (100.0, [7.639071, 12.160144, 27.839856, 32.360929]),
        (1000.0, [16.091131, 17.520820, 22.479180, 23.908869]),
    ];
    let dens: Vec<f64> = cases.iter().map(|c| c.0).collect();
    let l = funnel_limits(&dens, &Funnel::new(FunnelKind::Proportion, 20.0, 100.0)).unwrap();
    for (got, (_, want)) in l.iter().zip(cases) {
        let g = [got.lower_998, got.lower_95, got.upper_95, got.upper_998];
        for k in 0..4 {
            assert!((g[k] - want[k]).abs() < 1e-6, "{g:?} vs {want:?}");
        }
    }
    // PHE fixture, target 80.642448%: n = 1 -> low2s 3.204264, low3s 0; n = 3 -> low3s 10.150815
    let l = funnel_limits(
        &[1.0, 3.0],
        &Funnel::new(FunnelKind::Proportion, 80.642448, 100.0),
    )
    .unwrap();
    assert!((l[0].lower_95 - 3.204264).abs() < 1e-5 && l[0].lower_998 == 0.0);
    assert!((l[1].lower_998 - 10.150815).abs() < 1e-5);
}

#[test]
fn ratio_funnel_matches_phe_poisson_funnel() {
    // docs/methods/trends.md A7: for O = 1 the expected counts at the limits are 9.233410 (low3s),
    // 5.571645 (low2s), 0.025318 (up2s), 0.001001 (up3s); evaluating the funnel at those E
    // must give back O = 1, i.e. ratio limits 1/E.
    let es = [9.233410, 5.571645, 0.025318, 0.001001];
    let l = funnel_limits(&es, &Funnel::new(FunnelKind::Ratio, 1.0, 1.0)).unwrap();
    // inputs and oracle are quoted to 6 d.p.
    assert!(
        (l[0].lower_998 - 0.108302).abs() < 1e-6,
        "low3s {}",
        l[0].lower_998
    );
    assert!(
        (l[1].lower_95 - 0.179480).abs() < 1e-6,
        "low2s {}",
        l[1].lower_95
    );
    close(l[2].upper_95, 39.497749, 2e-5, "up2s");
    close(l[3].upper_998, 999.453272, 1e-3, "up3s");
    // O = 100: E 134.924319 / 121.626811 / 81.364007 / 71.921400 -> 0.741156 / 0.822187 / 1.229045 / 1.390407
    let es = [134.924319, 121.626811, 81.364007, 71.921400];
    let l = funnel_limits(&es, &Funnel::new(FunnelKind::Ratio, 1.0, 1.0)).unwrap();
    close(l[0].lower_998, 0.741156, 1e-6, "low3s 100");
    close(l[1].lower_95, 0.822187, 1e-6, "low2s 100");
    close(l[2].upper_95, 1.229045, 1e-6, "up2s 100");
    close(l[3].upper_998, 1.390407, 1e-6, "up3s 100");
}

#[test]
fn ratio_significance_matches_phe_fixture() {
    let obs = [8.0, 151.0, 159.0, 150.0, 0.0];
    let exp = [6.239860, 106.442972, 232.932904, 119.569550, 240.627350];
    let got = funnel_significance(&obs, &exp, &Funnel::new(FunnelKind::Ratio, 1.0, 1.0)).unwrap();
    let labels: Vec<&str> = got.iter().map(|s| s.label()).collect();
    assert_eq!(
        labels,
        [
            "Not significant",
            "High (0.001)",
            "Low (0.001)",
            "High (0.025)",
            "Low (0.001)"
        ]
    );
}

#[test]
fn rate_funnel_is_consistent_with_exact_intervals() {
    // A point exactly on the upper 95% limit has an exact lower 95% limit equal to the target.
    let target = 150.0; // per 100,000
    let pop = 250_000.0;
    let l = funnel_limits(&[pop], &Funnel::new(FunnelKind::Rate, target, 1e5)).unwrap()[0];
    let o = l.upper_95 * pop / 1e5;
    let lower = saferstats::special::gamma_quantile(0.025, o) / pop * 1e5;
    close(lower, target, 1e-9, "exact lower at the limit");
}

/// The exact limits by definition, over expected counts from 0.01 to 20 million: at the upper
/// limit O the exact lower confidence limit of O is E, at the lower limit O the exact upper limit
/// (the gamma quantile at O + 1) is E, each side at p = 0.975 and 0.999. The oracle is the gamma
/// quantile (Halley's iterations on the quantile itself), not the incomplete-gamma root the funnel
/// solves for since session 36 (which was ~250 times faster than the bisection on quantiles it
/// replaced: 1.3 s for 100 populations up to 400,000, u6's report walk).
#[test]
fn poisson_funnel_limits_are_exact_at_every_scale() {
    use saferstats::special::gamma_quantile;
    let mut es = Vec::new();
    let mut e = 0.01;
    while e < 2e7 {
        es.push(e);
        e *= 1.9;
    }
    let l = funnel_limits(&es, &Funnel::new(FunnelKind::Ratio, 1.0, 1.0)).unwrap();
    for (e, l) in es.iter().zip(&l) {
        for (p, low, high) in [
            (0.975, l.lower_95, l.upper_95),
            (0.999, l.lower_998, l.upper_998),
        ] {
            close(gamma_quantile(1.0 - p, high * e), *e, 1e-9, "upper");
            if low > 0.0 {
                close(gamma_quantile(p, low * e + 1.0), *e, 1e-9, "lower");
            } else {
                // 0 only where even O = 0 has an exact upper limit at or above E
                assert!(gamma_quantile(p, 1.0) >= *e, "E {e} p {p}");
            }
        }
    }
}

#[test]
fn separated_series_are_not_estimable_where_statsmodels_diverges() {
    // issue 18.4: statsmodels 0.15 "converges" to a large finite slope with a huge SE (or stops
    // unconverged) when every event is in the first or the last period; saferstats reports
    // "not estimable" there and agrees with statsmodels on the finite cases.
    let fx = load("trend_reference.json");
    let rows = fx["separation"]["rows"].as_array().unwrap();
    let mut diverged = 0;
    for r in rows {
        let (y, pop, t) = (arr(&r["count"]), arr(&r["population"]), arr(&r["t"]));
        let name = r["name"].as_str().unwrap();
        for d in [
            Dispersion::Poisson,
            Dispersion::Quasi,
            Dispersion::NegBin,
            Dispersion::Auto,
        ] {
            let fit = poisson_trend(&y, &pop, &t, &opts(d)).unwrap();
            if r["diverged"].as_bool().unwrap() {
                assert_eq!(fit.method, TrendMethod::NotEstimable, "{name} {d:?}");
                assert_eq!(fit.note, TrendNote::Separation, "{name}");
                assert!(fit.apc.is_nan() && fit.apc_lower.is_nan() && fit.se.is_nan());
            } else if d == Dispersion::Poisson {
                assert_eq!(fit.method, TrendMethod::Poisson, "{name}");
                assert_eq!(fit.note, TrendNote::None);
                close(
                    fit.beta,
                    r["statsmodels_beta1"].as_f64().unwrap(),
                    1e-6,
                    name,
                );
                close(fit.se, r["statsmodels_se1"].as_f64().unwrap(), 1e-6, name);
            }
        }
        diverged += usize::from(r["diverged"].as_bool().unwrap());
    }
    assert_eq!(diverged, 4);
}

#[test]
fn mann_kendall_with_gaps_matches_scipy_theilslopes_on_real_times() {
    let fx = load("trend_reference.json");
    for r in fx["mann_kendall_times"]["rows"].as_array().unwrap() {
        let (x, t) = (arr(&r["values"]), arr(&r["times"]));
        let name = r["name"].as_str().unwrap();
        let g = |k: &str| r[k].as_f64().unwrap();
        let mk = mann_kendall_at(&x, &t, 0.95, false).unwrap();
        assert_eq!(mk.s, g("s"), "{name}");
        close(mk.var_s, g("var_s"), 1e-12, name);
        close(mk.slope, g("slope"), 1e-12, name);
        close(mk.intercept, g("intercept"), 1e-12, name);
        close(mk.slope_lower, g("slope_lower"), 1e-12, name);
        close(mk.slope_upper, g("slope_upper"), 1e-12, name);
        // the index-spaced slope differs once there is a gap
        assert_ne!(mann_kendall(&x, 0.95, false).unwrap().slope, mk.slope);
        let rows =
            mann_kendall_rows_at(&[x.clone(), x].concat(), t.len(), Some(&t), 0.95, false).unwrap();
        assert_eq!(rows[0], mk);
    }
}

#[test]
fn mann_kendall_exact_p_matches_scipy_kendalltau_exact() {
    // scipy 1.17.1: scipy.stats.kendalltau(numpy.arange(n), x, method="exact").pvalue
    let mut forty: Vec<f64> = (0..40).rev().map(f64::from).collect();
    forty.swap(3, 20);
    let cases: [(Vec<f64>, f64); 4] = [
        (
            vec![12., 15., 14., 18., 21., 19., 24., 26., 25., 30.],
            0.000_115_189_594_356_261_02,
        ),
        (vec![3., 1., 4., 2., 5.], 0.483_333_333_333_333_34),
        (vec![5., 4., 3., 2., 1., 0., 6.], 0.238_888_888_888_888_9),
        (forty, 5.651_749_396_339_944e-28),
    ];
    for (x, want) in cases {
        let mk = mann_kendall(&x, 0.95, false).unwrap();
        let rel = ((mk.exact_p - want) / want).abs();
        assert!(
            rel < 1e-10,
            "n={} exact p {} against {want}",
            x.len(),
            mk.exact_p
        );
    }
    // ties: no exact p (the distribution is another); the seasonal test: none either
    let tied = mann_kendall(&[1., 2., 2., 3., 4.], 0.95, false).unwrap();
    assert!(tied.exact_p.is_nan() && tied.p_value.is_finite());
    let monthly: Vec<f64> = (0..36).map(|i| f64::from(i % 12 + i / 12)).collect();
    assert!(seasonal_mann_kendall(&monthly, 12, 0.95, false)
        .unwrap()
        .exact_p
        .is_nan());
    // a missing value left out: the exact p of the values used (n = 9)
    let mut gap = vec![12., 15., 14., 18., 21., 19., 24., 26., 25., 30.];
    gap[4] = f64::NAN;
    let mk = mann_kendall(&gap, 0.95, true).unwrap();
    assert_eq!(mk.n, 9);
    close(mk.exact_p, kendall_exact_p(9, mk.s), 0.0, "n=9");
    assert!(kendall_exact_p(EXACT_MAX_N + 1, 0.0).is_nan() && kendall_exact_p(4, 1.0).is_nan());
    assert_eq!(kendall_exact_p(4, 0.0), 1.0);
}

//! Bad input, defined edge cases and proptest invariants of the trend module.

use proptest::prelude::*;
use saferstats::trend::*;
use saferstats::Error;

#[test]
fn trend_bad_inputs_are_named_errors() {
    let o = TrendOptions::default();
    let e = poisson_trend(&[1., 2.], &[10., 10.], &[0., 1.], &o).unwrap_err();
    assert!(e.to_string().contains("at least 3 periods"));
    let e = poisson_trend(&[1., -2., 3.], &[10.; 3], &[0., 1., 2.], &o).unwrap_err();
    assert!(matches!(e, Error::InvalidValue { ref name, index: 1, .. } if name == "count"));
    let e = poisson_trend(&[1., 2.5, 3.], &[10.; 3], &[0., 1., 2.], &o).unwrap_err();
    assert!(e.to_string().contains("whole numbers"));
    let e = poisson_trend(&[1., 2., 3.], &[10., 0., 10.], &[0., 1., 2.], &o).unwrap_err();
    assert!(matches!(e, Error::InvalidValue { ref name, index: 1, .. } if name == "population"));
    let e = poisson_trend(&[1., 2., 3.], &[10.; 3], &[0., 2., 1.], &o).unwrap_err();
    assert!(e.to_string().contains("strictly increasing"));
    let e = poisson_trend(&[1., f64::NAN, 3.], &[10.; 3], &[0., 1., 2.], &o).unwrap_err();
    assert!(matches!(e, Error::MissingValue { index: 1, .. }));
    assert!("poison".parse::<Dispersion>().is_err());
}

#[test]
fn all_zero_series_is_not_estimable_not_an_error() {
    let f = poisson_trend(
        &[0., 0., 0., 0.],
        &[1e4; 4],
        &[0., 1., 2., 3.],
        &TrendOptions::default(),
    )
    .unwrap();
    assert_eq!(f.method, TrendMethod::NotEstimable);
    assert_eq!(f.note, TrendNote::AllZero);
    assert!(f.apc.is_nan());
}

#[test]
fn hand_cases_of_separation() {
    // issue 18.4: events only in the first / last period -> not estimable (the MLE slope is
    // -inf / +inf); events in a middle period only, or in two periods -> a finite slope.
    let pop = [1e4; 5];
    let t = [2014., 2015., 2016., 2017., 2018.];
    let o = TrendOptions::default();
    for y in [
        [4., 0., 0., 0., 0.],
        [0., 0., 0., 0., 9.],
        [1., 0., 0., 0., 0.],
    ] {
        let f = poisson_trend(&y, &pop, &t, &o).unwrap();
        assert_eq!(
            (f.method, f.note),
            (TrendMethod::NotEstimable, TrendNote::Separation),
            "{y:?}"
        );
        assert!(f.apc.is_nan() && f.p_value.is_nan());
    }
    for y in [
        [0., 0., 3., 0., 0.],
        [2., 1., 0., 0., 0.],
        [0., 0., 0., 1., 1.],
        [5., 0., 0., 0., 1.],
    ] {
        let f = poisson_trend(&y, &pop, &t, &o).unwrap();
        assert_eq!(f.method, TrendMethod::Poisson, "{y:?}");
        assert!(
            f.apc.is_finite() && f.se.is_finite() && f.se < 10.0,
            "{y:?} {f:?}"
        );
    }
    // the GLM engine itself refuses separated data (ITS and other callers)
    let x: Vec<f64> = t.iter().flat_map(|&ti| [1.0, ti - 2016.0]).collect();
    let off = [0.0; 5];
    let e = saferstats::glm::fit_log_link(
        saferstats::glm::Design { values: &x, p: 2 },
        &[4., 0., 0., 0., 0.],
        &off,
        saferstats::glm::Family::Poisson,
    )
    .unwrap_err();
    assert!(e.to_string().contains("separated"), "{e}");
}

#[test]
fn separation_in_a_segmented_design() {
    // interrupted time series design (intercept, time, step, time after the break): no events
    // after the break is separation (the level change is -inf); events before and after are not
    use saferstats::glm::{mle_exists, Design};
    let its = |n: usize, k: usize| -> Vec<f64> {
        (0..n)
            .flat_map(|i| {
                let post = if i >= k { 1.0 } else { 0.0 };
                [1.0, i as f64, post, post * (i as f64 - k as f64)]
            })
            .collect()
    };
    let x = its(8, 4);
    let d = Design { values: &x, p: 4 };
    assert_eq!(
        mle_exists(d, &[3., 4., 2., 5., 0., 0., 0., 0.]),
        Some(false)
    );
    assert_eq!(
        mle_exists(d, &[0., 0., 0., 0., 1., 2., 1., 3.]),
        Some(false)
    );
    assert_eq!(mle_exists(d, &[3., 4., 2., 5., 0., 1., 0., 0.]), Some(true));
    assert_eq!(
        mle_exists(d, &[3., 4., 2., 5., 1., 0., 0., 0.]),
        Some(false)
    ); // post: first only
    assert_eq!(mle_exists(d, &[3., 4., 2., 5., 1., 1., 1., 1.]), Some(true));
}

#[test]
fn mann_kendall_times_bad_inputs() {
    let x = [1., 2., 3., 4.];
    assert!(matches!(
        mann_kendall_at(&x, &[1., 2., 3.], 0.95, false),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        mann_kendall_at(&x, &[1., 2., 2., 3.], 0.95, false),
        Err(Error::InvalidValue { ref name, index: 2, .. }) if name == "times"
    ));
    assert!(mann_kendall_at(&x, &[1., f64::NAN, 3., 4.], 0.95, false).is_err());
    // equal spacing: same as index spacing times the step
    let a = mann_kendall_at(&x, &[0., 2., 4., 6.], 0.95, false).unwrap();
    assert_eq!(a.slope, 0.5);
}

/// Expected existence of the trend MLE (intercept + slope): finite unless every event falls in
/// a single period that is the first or the last.
fn trend_mle_finite(y: &[u32]) -> bool {
    let pos: Vec<usize> = (0..y.len()).filter(|&i| y[i] > 0).collect();
    match pos.as_slice() {
        [] => false,
        [i] => *i != 0 && *i != y.len() - 1,
        _ => true,
    }
}

#[test]
fn many_names_the_series_and_flat_row_of_a_bad_value() {
    let y = [1., 2., 3., 4., -5., 6.];
    let e = poisson_trend_many(
        &y,
        &[10.; 6],
        &[0., 1., 2., 0., 1., 2.],
        &[0, 3, 6],
        &TrendOptions::default(),
    )
    .unwrap_err();
    match e {
        Error::InvalidValue { index, reason, .. } => {
            assert_eq!(index, 4);
            assert!(reason.contains("series 1"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn mann_kendall_bad_inputs() {
    assert!(mann_kendall(&[1., 2.], 0.95, false).is_err());
    assert!(matches!(
        mann_kendall(&[1., f64::NAN, 3., 4.], 0.95, false),
        Err(Error::MissingValue { index: 1, .. })
    ));
    let skipped = mann_kendall(&[1., f64::NAN, 3., 4.], 0.95, true).unwrap();
    assert_eq!(skipped.n, 3);
    assert!(seasonal_mann_kendall(&[1., 2., 3.], 12, 0.95, false).is_err());
    assert!(mann_kendall_rows(&[1., 2., 3., 4., 5.], 2, 0.95, false).is_err());
}

#[test]
fn funnel_bad_inputs() {
    assert!(funnel_limits(&[0.0], &Funnel::new(FunnelKind::Proportion, 0.2, 1.0)).is_err());
    assert!(funnel_limits(&[10.0], &Funnel::new(FunnelKind::Proportion, 1.2, 1.0)).is_err());
    assert!(funnel_limits(&[10.0], &Funnel::new(FunnelKind::Rate, -1.0, 1e5)).is_err());
    assert!(funnel_significance(
        &[11.0],
        &[10.0],
        &Funnel::new(FunnelKind::Proportion, 50.0, 100.0)
    )
    .is_err());
    assert!("bar".parse::<FunnelKind>().is_err());
}

proptest! {
    #[test]
    fn separation_check_matches_the_rule_for_a_linear_trend(y in proptest::collection::vec(prop_oneof![3 => Just(0u32), 1 => 1u32..20], 3..12), step in 0.5f64..3.0) {
        use saferstats::glm::{mle_exists, Design};
        let n = y.len();
        let x: Vec<f64> = (0..n).flat_map(|i| [1.0, i as f64 * step - 3.0]).collect();
        let yf: Vec<f64> = y.iter().map(|&v| f64::from(v)).collect();
        prop_assert_eq!(mle_exists(Design { values: &x, p: 2 }, &yf), Some(trend_mle_finite(&y)));
        let f = poisson_trend(&yf, &vec![1e3; n], &x.iter().skip(1).step_by(2).copied().collect::<Vec<_>>(), &TrendOptions::default()).unwrap();
        prop_assert_eq!(f.method == TrendMethod::NotEstimable, !trend_mle_finite(&y));
        if trend_mle_finite(&y) {
            prop_assert!(f.se.is_finite() && f.se < 50.0, "{:?} {:?}", y, f);
        }
    }

    #[test]
    fn separation_check_matches_the_rule_per_segment(pre in proptest::collection::vec(prop_oneof![2 => Just(0u32), 1 => 1u32..9], 3..7), post in proptest::collection::vec(prop_oneof![2 => Just(0u32), 1 => 1u32..9], 3..7)) {
        // a segmented (ITS) design is two independent linear trends
        use saferstats::glm::{mle_exists, Design};
        let k = pre.len();
        let y: Vec<u32> = pre.iter().chain(&post).copied().collect();
        let x: Vec<f64> = (0..y.len()).flat_map(|i| {
            let p = if i >= k { 1.0 } else { 0.0 };
            [1.0, i as f64, p, p * (i as f64 - k as f64)]
        }).collect();
        let yf: Vec<f64> = y.iter().map(|&v| f64::from(v)).collect();
        let want = trend_mle_finite(&pre) && trend_mle_finite(&post);
        prop_assert_eq!(mle_exists(Design { values: &x, p: 4 }, &yf), Some(want));
    }

    #[test]
    fn apc_sign_follows_a_strictly_monotone_series(start in 20u32..2000, step in 1u32..200, n in 4usize..12, up in any::<bool>()) {
        let y: Vec<f64> = (0..n).map(|i| {
            let k = i as u32 * step;
            f64::from(if up { start + k } else { start + (n as u32) * step - k })
        }).collect();
        let pop = vec![1e5; n];
        let t: Vec<f64> = (0..n).map(|i| 2000.0 + i as f64).collect();
        let f = poisson_trend(&y, &pop, &t, &TrendOptions::default()).unwrap();
        prop_assert_eq!(f.apc > 0.0, up);
        prop_assert!(f.apc_lower <= f.apc && f.apc <= f.apc_upper);
        let mk = mann_kendall(&y, 0.95, false).unwrap();
        prop_assert_eq!(mk.s > 0.0, up);
        prop_assert!(mk.slope_lower <= mk.slope && mk.slope <= mk.slope_upper);
    }

    #[test]
    fn batch_results_do_not_depend_on_series_order(ys in proptest::collection::vec(proptest::collection::vec(0u32..500, 5), 2..6)) {
        let flat: Vec<f64> = ys.iter().flatten().map(|&v| f64::from(v)).collect();
        let rev: Vec<f64> = ys.iter().rev().flatten().map(|&v| f64::from(v)).collect();
        let k = ys.len();
        let offsets: Vec<usize> = (0..=k).map(|i| i * 5).collect();
        let t: Vec<f64> = (0..k * 5).map(|i| (i % 5) as f64).collect();
        let pop = vec![1e4; k * 5];
        let a = poisson_trend_many(&flat, &pop, &t, &offsets, &TrendOptions::default()).unwrap();
        let b = poisson_trend_many(&rev, &pop, &t, &offsets, &TrendOptions::default()).unwrap();
        for i in 0..k {
            let (x, y) = (a[i], b[k - 1 - i]);
            prop_assert!(x.apc == y.apc || (x.apc.is_nan() && y.apc.is_nan()));
        }
    }

    #[test]
    fn funnel_limits_are_ordered_and_narrow_with_n(n in 2.0f64..1e6, target in 0.01f64..0.99) {
        for kind in [FunnelKind::Proportion, FunnelKind::Rate] {
            let (tg, mult) = if kind == FunnelKind::Proportion { (target * 100.0, 100.0) } else { (target * 1000.0, 1e5) };
            let l = funnel_limits(&[n, n * 10.0], &Funnel::new(kind, tg, mult)).unwrap();
            for x in &l {
                prop_assert!(x.lower_998 <= x.lower_95 && x.lower_95 <= tg && tg <= x.upper_95 && x.upper_95 <= x.upper_998);
            }
            prop_assert!(l[1].upper_95 - l[1].lower_95 <= l[0].upper_95 - l[0].lower_95 + 1e-9);
        }
    }
}

#[test]
fn a_missing_value_advises_only_the_functions_own_missing_option() {
    let o = TrendOptions::default();
    let e = poisson_trend(&[1., f64::NAN, 3.], &[10.; 3], &[0., 1., 2.], &o).unwrap_err();
    assert_eq!(
        e.to_string(),
        "missing value (NaN) in `count` at position 1; pass missing=\"propagate\" to get NaN results for such rows"
    );
    // Mann-Kendall's option leaves NaNs out: it has no "propagate"
    let e = mann_kendall(&[1., 2., f64::NAN, 4.], 0.95, false).unwrap_err();
    assert_eq!(
        e.to_string(),
        "missing value (NaN) in `values` at position 2; pass missing=\"drop\" to leave such values out"
    );
    // the E-test has no missing option: no advice
    let e = saferstats::monitoring::etest::e_test(f64::NAN, 2., 1., 1.).unwrap_err();
    assert_eq!(e.to_string(), "missing value (NaN) in `k1` at position 0");
}

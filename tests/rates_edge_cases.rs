//! Defined answers for edge cases and bad input, and proptest invariants of the rates kernel.

use proptest::prelude::*;
use saferstats::ci::{CiMethod, Missing};
use saferstats::error::MissingAdvice;
use saferstats::rates::*;
use saferstats::Error;

#[test]
fn zero_count_has_zero_lower_limit() {
    for method in [RateMethod::Phe, RateMethod::Exact, RateMethod::Byar] {
        let opts = RateOptions {
            method,
            ..RateOptions::default()
        };
        let out = rate_ci(&[0.0], &[100.0], &opts).unwrap();
        assert_eq!(out.lower[0], 0.0);
        assert!(out.upper[0] > 0.0);
    }
    let p = proportion_ci(&[0.0], &[10.0], &ProportionOptions::default()).unwrap();
    assert_eq!(p.lower[0], 0.0);
    let p = proportion_ci(&[10.0], &[10.0], &ProportionOptions::default()).unwrap();
    assert_eq!(p.upper[0], 1.0);
}

#[test]
fn zero_population_is_an_error_naming_position() {
    let err = rate_ci(&[1.0, 2.0], &[10.0, 0.0], &RateOptions::default()).unwrap_err();
    match err {
        Error::InvalidValue { name, index, .. } => {
            assert_eq!(name, "population");
            assert_eq!(index, 1);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn negative_count_is_an_error() {
    let err = rate_ci(&[-1.0], &[10.0], &RateOptions::default()).unwrap_err();
    assert!(matches!(err, Error::InvalidValue { ref name, index: 0, .. } if name == "count"));
    assert!(err.to_string().contains("negative"));
}

#[test]
fn nan_is_an_error_by_default_and_propagates_on_request() {
    let err = rate_ci(&[1.0, f64::NAN], &[10.0, 10.0], &RateOptions::default()).unwrap_err();
    assert_eq!(err, Error::missing("count", 1, MissingAdvice::Propagate));
    let opts = RateOptions {
        missing: Missing::Propagate,
        ..RateOptions::default()
    };
    let out = rate_ci(&[1.0, f64::NAN], &[10.0, 10.0], &opts).unwrap();
    assert!(out.value[1].is_nan() && out.lower[1].is_nan() && out.upper[1].is_nan());
    assert_eq!(out.method[1], CiMethod::NotApplicable);
    assert!(out.value[0].is_finite());
}

#[test]
fn mismatched_lengths_are_an_error() {
    let err = rate_ci(&[1.0, 2.0], &[10.0], &RateOptions::default()).unwrap_err();
    assert!(matches!(
        err,
        Error::LengthMismatch {
            len_a: 2,
            len_b: 1,
            ..
        }
    ));
    let err = rate_ratio(
        &[1.0],
        &[1.0],
        &[1.0, 2.0],
        &[1.0, 2.0],
        &RatioOptions::new(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::LengthMismatch { .. }));
}

#[test]
fn confidence_outside_the_allowed_range_is_an_error() {
    // issue 16.7: 0.9999999999999999 gave infinite limits; the range is 0.5-0.9999 (1 only where
    // the method defines it; percentages are rescaled by the Python layer, not the core)
    for c in [
        0.0,
        1.0,
        95.0,
        -0.5,
        f64::NAN,
        0.49,
        0.99999,
        0.9999999999999999,
        f64::INFINITY,
    ] {
        let opts = RateOptions {
            confidence: c,
            ..RateOptions::default()
        };
        let err = rate_ci(&[1.0], &[10.0], &opts).unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { ref name, .. } if name == "confidence"),
            "{c}"
        );
    }
}

#[test]
fn every_allowed_confidence_gives_finite_limits() {
    for c in [0.5, 0.8, 0.9, 0.95, 0.998, 0.9999] {
        let r = rate_ci(
            &[0.0, 3.0, 10.0, 1e6],
            &[100.0; 4],
            &RateOptions {
                confidence: c,
                method: RateMethod::Exact,
                ..RateOptions::default()
            },
        )
        .unwrap();
        assert!(r.upper.iter().all(|u| u.is_finite()), "{c}");
        let p = proportion_ci(
            &[0.0, 3.0, 100.0],
            &[100.0; 3],
            &ProportionOptions {
                confidence: c,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(p.lower.iter().chain(&p.upper).all(|v| v.is_finite()), "{c}");
    }
}

#[test]
fn wilson_at_confidence_one_is_the_unit_interval() {
    // docs/methods/rates.md A2: conf = 1 => (0, 1); only proportions define a 100% interval
    for method in [ProportionMethod::Wilson, ProportionMethod::WilsonCc] {
        let opts = ProportionOptions {
            confidence: 1.0,
            multiplier: 100.0,
            method,
            ..Default::default()
        };
        let p = proportion_ci(&[0.0, 3.0, 10.0], &[10.0; 3], &opts).unwrap();
        assert_eq!(p.lower, [0.0; 3]);
        assert_eq!(p.upper, [100.0; 3]);
        assert_eq!(p.value, [0.0, 30.0, 100.0]);
    }
    assert!(saferstats::rates::proportion_difference(
        &[1.0],
        &[2.0],
        &[1.0],
        &[2.0],
        1.0,
        Missing::Error
    )
    .is_err());
}

#[test]
fn successes_above_trials_is_an_error_for_proportions_but_not_rates() {
    let err = proportion_ci(&[5.0], &[4.0], &ProportionOptions::default()).unwrap_err();
    assert!(matches!(err, Error::InvalidValue { ref name, .. } if name == "successes"));
    // PHE fixture Area12: 250 events in 220 people is a valid rate.
    assert!(rate_ci(&[250.0], &[220.0], &RateOptions::default()).is_ok());
}

#[test]
fn byar_lower_limit_undefined_for_tiny_counts_at_high_confidence() {
    // x = 1 at 99.94%: 1 - 1/9 - z/3 < 0, so Byar's lower limit is NaN (PHE); exact is defined
    let o = RateOptions {
        confidence: 0.9994148735925089,
        method: RateMethod::Byar,
        ..RateOptions::default()
    };
    let out = rate_ci(&[1.0], &[1.0], &o).unwrap();
    assert!(out.lower[0].is_nan() && out.upper[0].is_finite());
    let phe = rate_ci(
        &[1.0],
        &[1.0],
        &RateOptions {
            method: RateMethod::Phe,
            ..o
        },
    )
    .unwrap();
    assert!(phe.lower[0] > 0.0 && phe.method[0] == CiMethod::Exact);
}

#[test]
fn non_integer_counts_are_accepted() {
    let out = rate_ci(&[2.5, 12.5], &[100.0, 100.0], &RateOptions::default()).unwrap();
    assert_eq!(out.method[0], CiMethod::Exact);
    assert_eq!(out.method[1], CiMethod::Byar);
    assert!(out.lower[0] < out.value[0] && out.value[0] < out.upper[0]);
}

#[test]
fn method_names_parse_and_unknown_ones_list_valid_choices() {
    assert_eq!("phe".parse::<RateMethod>().unwrap(), RateMethod::Phe);
    assert_eq!("byars".parse::<RateMethod>().unwrap(), RateMethod::Byar);
    let e = "poisson".parse::<RateMethod>().unwrap_err().to_string();
    assert!(e.contains("\"phe\"") && e.contains("\"exact\"") && e.contains("\"byar\""));
    assert!("agresti".parse::<ProportionMethod>().is_err());
    assert_eq!("exact".parse::<RatioMethod>().unwrap(), RatioMethod::Exact);
}

#[test]
fn large_input_runs_in_parallel_and_matches_scalar_path() {
    let n = 50_000;
    let counts: Vec<f64> = (0..n).map(|i| (i % 500) as f64).collect();
    let pops: Vec<f64> = (0..n).map(|i| 1000.0 + i as f64).collect();
    let out = rate_ci(&counts, &pops, &RateOptions::default()).unwrap();
    for i in [0usize, 9, 10, 499, 12_345, n - 1] {
        let one = rate_ci(&counts[i..=i], &pops[i..=i], &RateOptions::default()).unwrap();
        assert_eq!(out.get(i), one.get(0));
    }
}

proptest! {
    #[test]
    fn rate_interval_contains_estimate(x in 0u32..100_000, n in 1.0f64..1e7, conf in 0.5f64..0.9999) {
        for method in [RateMethod::Phe, RateMethod::Exact, RateMethod::Byar] {
            let opts = RateOptions { confidence: conf, method, ..RateOptions::default() };
            let out = rate_ci(&[x as f64], &[n], &opts).unwrap();
            // Byar's lower limit is negative for tiny counts at very high confidence: reported as
            // NaN, as PHEindicatormethods does (docs/methods/rates.md A1); every other limit is defined.
            let byar_undefined = out.method[0] == saferstats::ci::CiMethod::Byar && out.lower[0].is_nan();
            prop_assert!(byar_undefined || out.lower[0] <= out.value[0] + 1e-9 * out.value[0].abs());
            prop_assert!(out.value[0] <= out.upper[0]);
        }
    }

    #[test]
    fn wilson_interval_contains_estimate_and_narrows(x in 0u32..1000, extra in 0u32..1000, conf in 0.5f64..0.9999) {
        let n = (x + extra).max(1) as f64;
        let opts = ProportionOptions { confidence: conf, ..Default::default() };
        let a = proportion_ci(&[x as f64], &[n], &opts).unwrap();
        prop_assert!(a.lower[0] <= a.value[0] && a.value[0] <= a.upper[0]);
        prop_assert!(a.lower[0] >= 0.0 && a.upper[0] <= 1.0);
        // ten times the sample with the same proportion gives a narrower interval
        let b = proportion_ci(&[x as f64 * 10.0], &[n * 10.0], &opts).unwrap();
        prop_assert!(b.upper[0] - b.lower[0] <= a.upper[0] - a.lower[0] + 1e-12);
    }

    #[test]
    fn higher_confidence_gives_wider_rate_interval(x in 0u32..10_000) {
        let a = rate_ci(&[x as f64], &[1e5], &RateOptions { confidence: 0.95, ..RateOptions::default() }).unwrap();
        let b = rate_ci(&[x as f64], &[1e5], &RateOptions { confidence: 0.998, ..RateOptions::default() }).unwrap();
        prop_assert!(b.lower[0] <= a.lower[0] && b.upper[0] >= a.upper[0]);
    }

    #[test]
    fn rate_ratio_interval_contains_ratio(a in 1u32..5000, b in 1u32..5000, na in 1e3f64..1e7, nb in 1e3f64..1e7) {
        for method in [RatioMethod::WaldLog, RatioMethod::Exact] {
            let opts = RatioOptions { method, ..RatioOptions::new() };
            let r = rate_ratio(&[a as f64], &[na], &[b as f64], &[nb], &opts).unwrap();
            let e = r.estimate.get(0).unwrap();
            prop_assert!(e.lower <= e.value * (1.0 + 1e-9) && e.value <= e.upper * (1.0 + 1e-9));
            prop_assert!(r.p_value[0] >= 0.0 && r.p_value[0] <= 1.0);
        }
    }
}

proptest! {
    /// Any f64 at all gives Ok or Err from the core, never a panic (statrs panics outside its
    /// domains, so every call into it must be guarded).
    #[test]
    fn no_input_panics(x in proptest::num::f64::ANY, n in proptest::num::f64::ANY, conf in proptest::num::f64::ANY) {
        for method in [RateMethod::Phe, RateMethod::Exact, RateMethod::Byar] {
            let _ = rate_ci(&[x], &[n], &RateOptions { confidence: conf, method, ..RateOptions::default() });
        }
        let _ = proportion_ci(&[x], &[n], &ProportionOptions { confidence: conf, ..Default::default() });
        for method in [RatioMethod::WaldLog, RatioMethod::Exact] {
            let _ = rate_ratio(&[x], &[n], &[n], &[x], &RatioOptions { confidence: conf, method, ..RatioOptions::new() });
        }
        let _ = proportion_difference(&[x], &[n], &[x], &[n], conf, Missing::Propagate);
        let _ = dsr(&[x, n], &[n, x], &[1.0, 2.0], 1e5, conf);
    }
}

/// Long inputs run in parallel blocks with the checks fused into the row loop: the error must
/// still name the first bad row in position order, whichever block a thread reaches first.
#[test]
fn long_input_error_names_first_bad_row() {
    let n = 50_000;
    let mut counts = vec![5.0; n];
    let mut pops = vec![1000.0; n];
    counts[41_000] = -1.0;
    pops[17_123] = 0.0;
    let err = rate_ci(&counts, &pops, &RateOptions::default()).unwrap_err();
    // counts are checked before populations (argument order), as in the short path
    assert!(matches!(err, Error::InvalidValue { ref name, index: 41_000, .. } if name == "count"));
    counts[41_000] = 5.0;
    let err = rate_ci(&counts, &pops, &RateOptions::default()).unwrap_err();
    assert!(
        matches!(err, Error::InvalidValue { ref name, index: 17_123, .. } if name == "population")
    );
    let mut trials = vec![10.0; n];
    trials[30_001] = 4.0; // fewer trials than successes
    let err = proportion_ci(&counts, &trials, &ProportionOptions::default()).unwrap_err();
    assert!(
        matches!(err, Error::InvalidValue { ref name, index: 30_001, .. } if name == "successes")
    );
}

/// Every row of a long, mixed input equals the one-row formulas (block kernels, the exact/Byar
/// switch, NaN rows under `propagate`), for each rate method and both Wilson variants.
#[test]
fn long_input_rows_equal_row_formulas() {
    let n = 20_000;
    let counts: Vec<f64> = (0..n)
        .map(|i| match i % 7 {
            0 => (i % 13) as f64,         // small counts: exact under "phe"
            1 => 2.5,                     // non-integer below 10
            2 if i % 11 == 0 => f64::NAN, // missing
            _ => (i % 5000) as f64,
        })
        .collect();
    let pops: Vec<f64> = (0..n).map(|i| 5000.0 + (i % 977) as f64 * 10.0).collect();
    let z = saferstats::special::z_two_sided(0.95);
    for method in [RateMethod::Phe, RateMethod::Exact, RateMethod::Byar] {
        let opts = RateOptions {
            method,
            missing: Missing::Propagate,
            ..RateOptions::default()
        };
        let out = rate_ci(&counts, &pops, &opts).unwrap();
        for i in 0..n {
            let (x, p) = (counts[i], pops[i]);
            if x.is_nan() {
                assert!(out.value[i].is_nan() && out.lower[i].is_nan());
                assert_eq!(out.method[i], CiMethod::NotApplicable);
                continue;
            }
            let exact = method == RateMethod::Exact || (method == RateMethod::Phe && x < 10.0);
            let (l, u) = if exact {
                poisson_exact_limits(x, 0.95)
            } else {
                byar_limits(x, z)
            };
            let per = 100_000.0 / p;
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-300);
            assert!(close(out.value[i], x * per), "{method:?} row {i}");
            assert!(close(out.lower[i], l * per) || (l == 0.0 && out.lower[i] == 0.0));
            assert!(close(out.upper[i], u * per), "{method:?} row {i}");
            let m = if exact {
                CiMethod::Exact
            } else {
                CiMethod::Byar
            };
            assert_eq!(out.method[i], m, "{method:?} row {i}");
        }
    }
    let trials: Vec<f64> = counts
        .iter()
        .map(|x| if x.is_nan() { 7.0 } else { x + 40.0 })
        .collect();
    for (method, cc) in [
        (ProportionMethod::Wilson, false),
        (ProportionMethod::WilsonCc, true),
    ] {
        let opts = ProportionOptions {
            method,
            missing: Missing::Propagate,
            ..ProportionOptions::default()
        };
        let out = proportion_ci(&counts, &trials, &opts).unwrap();
        for i in 0..n {
            if counts[i].is_nan() {
                assert!(out.value[i].is_nan() && out.upper[i].is_nan());
                assert_eq!(out.method[i], CiMethod::NotApplicable);
                continue;
            }
            let (l, u) = wilson_limits(counts[i], trials[i], z, cc);
            assert_eq!((out.lower[i], out.upper[i]), (l, u), "{method:?} row {i}");
            assert_eq!(out.value[i], counts[i] / trials[i]);
        }
    }
}

/// The Python layer turns method codes into labels without a remap pass; that relies on only the
/// last code repeating an earlier label.
#[test]
fn only_the_last_method_code_repeats_a_label() {
    let labels: Vec<&str> = CiMethod::ALL.iter().map(|m| m.label()).collect();
    let (last, rest) = labels.split_last().unwrap();
    let distinct: std::collections::HashSet<_> = rest.iter().collect();
    assert_eq!(distinct.len(), rest.len());
    assert!(rest.contains(last));
    for (code, m) in CiMethod::ALL.iter().enumerate() {
        assert_eq!(*m as usize, code);
    }
}

#[test]
fn negative_zero_count_is_a_zero_count_in_rate_ratios() {
    use saferstats::rates::{rate_ratio, RatioOptions};
    let o = RatioOptions::default();
    let t = rate_ratio(&[1.0], &[1.0], &[-0.0], &[1.0], &o).unwrap();
    let u = rate_ratio(&[1.0], &[1.0], &[0.0], &[1.0], &o).unwrap();
    assert_eq!(t.estimate.value[0].to_bits(), u.estimate.value[0].to_bits());
    assert!(t.estimate.value[0] > 0.0);
}

/// The exact conditional limits near π = 1 (b tiny beside a). Reference: scipy 1.17
/// `beta.ppf(0.025, b, a + 1)` = 1 − π_U, mapped to odds (1 − q)/q, for a = 50, b = 0.3;
/// for a = 1 and b = 1e-5 or 6.5e-121 the quantile underflows, so the upper limit is (all but)
/// infinite and must not fall below the ratio itself (it was 1.5e15 beside a ratio of 1.5e120).
#[test]
fn exact_limits_near_one_keep_their_digits_and_contain_the_ratio() {
    use saferstats::tables::{risk_ratio, z_finite};
    let o = RatioOptions {
        method: RatioMethod::Exact,
        ..RatioOptions::default()
    };
    let r = rate_ratio(&[50.0], &[1.0], &[0.3], &[1.0], &o).unwrap();
    let want = 15_899_513.561_258_55;
    assert!(
        (r.estimate.upper[0] - want).abs() / want < 1e-8,
        "{}",
        r.estimate.upper[0]
    );
    assert!(
        (r.estimate.lower[0] - 11.186_444_878_348_08).abs() < 1e-9,
        "{}",
        r.estimate.lower[0]
    );
    for b in [1e-5, 6.5e-121] {
        let r = rate_ratio(&[1.0], &[1.0], &[b], &[1.0], &o).unwrap();
        let e = &r.estimate;
        assert!(
            e.lower[0] <= e.value[0] && e.value[0] <= e.upper[0],
            "{b}: {} {} {}",
            e.lower[0],
            e.value[0],
            e.upper[0]
        );
        // the 2×2 risk ratio (a full group: exact conditional) from compare_proportions
        let rr = risk_ratio(1.0, 1.0, b, 1.0, z_finite(0.95));
        assert!(rr.lower <= rr.value && rr.value <= rr.upper, "{b}: {rr:?}");
    }
}

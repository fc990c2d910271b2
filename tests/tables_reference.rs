//! Two independent proportions (`saferstats::tables`): 2×2 risk ratios with zero cells against
//! R / statsmodels (tests/fixtures/outcomes_reference.json, docs/methods/zero_cells.md), errors,
//! and interval invariants.

use proptest::prelude::*;
use saferstats::tables::{two_by_two, two_by_two_many, TestUsed};
use saferstats::Error;

mod common;
use common::*;

fn fixture() -> serde_json::Value {
    load("outcomes_reference.json")
}

/// Risk ratios of 2×2 tables with and without zero cells: Katz = statsmodels, MOVER-Wilson = R
/// (prop.test Wilson limits + MOVER-R), Fisher = scipy; `null` = infinite or undefined.
#[test]
fn zero_cell_risk_ratios_match_r_and_statsmodels() {
    let fx = fixture();
    let rows = fx["zero_cells"]["rows"].as_array().unwrap();
    assert!(rows.len() >= 30);
    for r in rows {
        let g = |k: &str| r[k].as_f64();
        let conf = g("confidence").unwrap();
        let (x1, n1, x2, n2) = (
            g("x1").unwrap(),
            g("n1").unwrap(),
            g("x2").unwrap(),
            g("n2").unwrap(),
        );
        let t = two_by_two(x1, n1, x2, n2, conf).unwrap();
        let what = format!("{x1}/{n1} vs {x2}/{n2} at {conf}");
        let rr = t.risk_ratio;
        assert_eq!(rr.method.label(), r["method"].as_str().unwrap(), "{what}");
        let undefined = r["method"] == "not applicable";
        let want = |k: &str, inf: f64| g(k).unwrap_or(if undefined { f64::NAN } else { inf });
        for (got, want, k) in [
            (rr.value, want("rr", f64::INFINITY), "rr"),
            (rr.lower, want("lower", f64::NAN), "lower"),
            (rr.upper, want("upper", f64::INFINITY), "upper"),
        ] {
            if want.is_finite() {
                close(got, want, 1e-9, &format!("{what} {k}"));
            } else {
                assert!(
                    got == want || (got.is_nan() && want.is_nan()),
                    "{what} {k}: {got} vs {want}"
                );
            }
        }
        close(
            t.p_fisher,
            g("fisher_p").unwrap(),
            1e-9,
            &format!("{what} fisher"),
        );
        // no interval claims a difference that Fisher's exact test does not support (issue 18:
        // 13/13 vs 333/359 gave 1.047-1.110 beside Fisher p = 0.61)
        if !undefined && t.p_fisher > 1.0 - conf {
            assert!(
                rr.lower <= 1.0 && 1.0 <= rr.upper,
                "{what}: CI {}-{} vs Fisher p {}",
                rr.lower,
                rr.upper,
                t.p_fisher
            );
        }
    }
    // the example
    let t = two_by_two(13.0, 13.0, 333.0, 359.0, 0.95).unwrap();
    assert!(t.risk_ratio.lower < 1.0 && t.risk_ratio.upper > 1.0);
    assert_eq!(t.test, TestUsed::Fisher);
}

#[test]
fn two_by_two_errors_name_the_column_and_row() {
    let e = two_by_two_many(&[1.0, 5.0], &[2.0, 4.0], &[1.0, 1.0], &[2.0, 2.0], 0.95)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`x1` at position 1") && e.contains("more than the trials"),
        "{e}"
    );
    let e = two_by_two_many(&[1.0], &[2.0], &[f64::NAN], &[2.0], 0.95)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`x2` at position 0") && e.contains("missing"),
        "{e}"
    );
    let e = two_by_two(1.0, 4.6e16, 1.0, 2.0, 0.95)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`n1`") && e.contains("2^53"), "{e}");
    assert!(two_by_two(1.0, f64::INFINITY, 1.0, 2.0, 0.95).is_err());
    // a fraction is not a count: there is no 2×2 table for Fisher's test (it fell back to z)
    let e = two_by_two(2.5, 5.0, 1.0, 4.0, 0.95).unwrap_err();
    assert!(matches!(e, Error::InvalidValue { ref name, index: 0, .. } if name == "x1"));
    assert!(e.to_string().contains("whole number"));
    assert!(two_by_two_many(&[1.0, 2.0], &[4.0, 4.0], &[1.0, 1.0], &[3.0, 3.5], 0.95).is_err());
    assert!(two_by_two_many(&[1.0], &[2.0, 3.0], &[1.0], &[2.0], 0.95).is_err());
    assert!(two_by_two(1.0, 2.0, 1.0, 2.0, 1.0).is_err());
    // a confidence beyond the documented maximum (0.9999) is refused by name, never infinite limits
    let e = two_by_two(14.0, 250.0, 3.0, 160.0, 0.9999999999999999)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`confidence`"), "{e}");
    let t = two_by_two(14.0, 250.0, 3.0, 160.0, 0.9999).unwrap();
    for v in [
        t.risk_ratio.lower,
        t.risk_ratio.upper,
        t.difference.lower,
        t.p1.upper,
    ] {
        assert!(v.is_finite(), "{t:?}");
    }
}

proptest! {
    /// Risk ratio invariants on random small and large tables: lower ≤ rr ≤ upper, limits ≥ 0,
    /// an interval around 1 for identical proportions, and a Fisher p in [0, 1].
    #[test]
    fn risk_ratio_interval_brackets_the_estimate(
        n1 in 1u32..400, n2 in 1u32..400, f1 in 0.0f64..=1.0, f2 in 0.0f64..=1.0,
        scale in prop::sample::select(vec![1.0f64, 1e3, 1e6]), conf in 0.5f64..0.999,
    ) {
        let (n1, n2) = (f64::from(n1) * scale, f64::from(n2) * scale);
        let (x1, x2) = ((f1 * n1).round(), (f2 * n2).round());
        let t = two_by_two(x1, n1, x2, n2, conf).unwrap();
        let rr = t.risk_ratio;
        if x1 == 0.0 && x2 == 0.0 {
            prop_assert!(rr.value.is_nan());
        } else {
            prop_assert!(rr.lower >= 0.0 && rr.lower <= rr.value && rr.value <= rr.upper, "{:?}", rr);
        }
        prop_assert!(t.p_value.is_nan() || (0.0..=1.0).contains(&t.p_value));
        let same = two_by_two(x1, n1, x1, n1, conf).unwrap().risk_ratio;
        prop_assert!(same.value.is_nan() || (same.lower <= 1.0 && 1.0 <= same.upper), "{:?}", same);
    }
}

#[test]
fn negative_zero_count_is_a_zero_count() {
    // found by the hypothesis probe: x2 = -0.0 gave rr = -inf
    let t = two_by_two(1.0, 1.0, -0.0, 1.0, 0.95).unwrap();
    let u = two_by_two(1.0, 1.0, 0.0, 1.0, 0.95).unwrap();
    assert_eq!(t.risk_ratio.value.to_bits(), u.risk_ratio.value.to_bits());
    assert!(t.risk_ratio.lower <= t.risk_ratio.value && t.risk_ratio.value <= t.risk_ratio.upper);
}

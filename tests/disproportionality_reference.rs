//! Disproportionality and 2×2 outcome tests against statsmodels/scipy fixtures and docs/methods/stop_search.md B.

use saferstats::ci::CiMethod;
use saferstats::disproportionality::*;
use saferstats::tables::*;
use serde_json::Value;

mod common;
use common::*;

#[test]
fn ratio_matches_statsmodels_katz_and_poisson() {
    let fx = load("disproportionality_reference.json");
    for r in fx["ratio"]["rows"].as_array().unwrap() {
        for (ci, lo, hi) in [
            (RatioCi::Katz, "katz_lower", "katz_upper"),
            (RatioCi::Poisson, "poisson_lower", "poisson_upper"),
        ] {
            let opts = DispOptions {
                confidence: g(r, "confidence"),
                ratio_ci: ci,
                ..DispOptions::default()
            };
            let (a, n1) = (g(r, "searches"), g(r, "population"));
            let d = against_reference(a, n1, g(r, "ref_searches"), g(r, "ref_population"), &opts);
            close(d.ratio[0].value, g(r, "ratio"), 1e-12, "ratio");
            close(d.ratio[0].lower, g(r, lo), 1e-9, &format!("{lo} {r}"));
            close(d.ratio[0].upper, g(r, hi), 1e-9, &format!("{hi} {r}"));
            assert_eq!(d.ratio[1].method, CiMethod::Reference);
            assert_eq!(d.ratio[1].value, 1.0);
        }
    }
}

/// A group's `a` searches of `n1` people against the reference group's `c` of `n2` (row 1).
fn against_reference(a: f64, n1: f64, c: f64, n2: f64, opts: &DispOptions) -> DispColumns {
    disproportionality(&[a, c], &[n1, n2], &[1, 1], opts).unwrap()
}

#[test]
fn published_rate_is_reproduced_to_published_precision() {
    // issue 4: 755 searches of a Black population of 31,401 -> 24.04 per 1,000
    let d = disproportionality(&[755.0], &[31_401.0], &[0], &DispOptions::default()).unwrap();
    assert_eq!((d.rate[0].value * 100.0).round() / 100.0, 24.04);
    // docs/methods/stop_search.md B1: West Midlands Black 24.2 / White 5.1 per 1,000 published as "4.8 times";
    // the ratio of rounded rates is 4.745 -> always divide unrounded rates
    let d = against_reference(
        3973.0,
        164_174.0,
        9713.0,
        1_904_510.0,
        &DispOptions::default(),
    );
    close(d.ratio[0].value, 4.745086, 1e-6, "WMP ratio");
    close(d.ratio[0].lower, 4.574717, 1e-6, "WMP lower");
}

/// Issue 18.1: a zero cell — a zero count, or searches equal to the population (Katz's "not
/// searched" cell) — never gets the plain Katz interval: exact conditional by default, or
/// Haldane–Anscombe (+0.5 to every cell, then Katz), labelled. Fixture: statsmodels
/// `Table2x2(table + 0.5, shift_zeros=False)` and Clopper–Pearson on a | a + c.
#[test]
fn zero_cells_exact_or_haldane_match_statsmodels() {
    let fx = load("disproportionality_reference.json");
    let num = |r: &Value, k: &str| {
        if r[k] == "inf" {
            f64::INFINITY
        } else {
            g(r, k)
        }
    };
    for r in fx["zero_cells"]["rows"].as_array().unwrap() {
        let (a, n1, c, n2) = (
            g(r, "searches"),
            g(r, "population"),
            g(r, "ref_searches"),
            g(r, "ref_population"),
        );
        for ci in [RatioCi::Katz, RatioCi::Poisson] {
            let opts = DispOptions {
                confidence: g(r, "confidence"),
                ratio_ci: ci,
                zero: ZeroCount::Haldane,
                ..DispOptions::default()
            };
            let h = against_reference(a, n1, c, n2, &opts);
            let exact = DispOptions {
                zero: ZeroCount::Exact,
                ..opts
            };
            let e = against_reference(a, n1, c, n2, &exact);
            if ci == RatioCi::Poisson && a > 0.0 && c > 0.0 {
                // no zero count: the Poisson interval has no zero cell (a = n1 is no cell of it)
                assert_eq!(h.ratio[0].method, CiMethod::WaldLog, "{r}");
                assert_eq!(e.ratio[0].method, CiMethod::WaldLog, "{r}");
                continue;
            }
            assert_eq!(h.ratio[0].method, CiMethod::KatzHaldane, "{r}");
            close(h.ratio[0].value, g(r, "haldane"), 1e-12, "haldane ratio");
            close(
                h.ratio[0].lower,
                g(r, "haldane_lower"),
                1e-9,
                "haldane lower",
            );
            close(
                h.ratio[0].upper,
                g(r, "haldane_upper"),
                1e-9,
                "haldane upper",
            );
            let want = if a == 0.0 || c == 0.0 {
                CiMethod::ExactZeroCount
            } else {
                CiMethod::ExactConditional
            };
            assert_eq!(e.ratio[0].method, want, "{r}");
            assert_eq!(e.ratio[0].value, (a / n1) / (c / n2), "{r}"); // +inf when c = 0
            close(e.ratio[0].lower, num(r, "exact_lower"), 1e-9, "exact lower");
            let upper = num(r, "exact_upper");
            if upper.is_infinite() {
                assert_eq!(e.ratio[0].upper, f64::INFINITY);
            } else {
                close(e.ratio[0].upper, upper, 1e-9, "exact upper");
            }
        }
    }
    // issue 18.1's example as a ratio: 13 of 13 against 333 of 359 — the corrected interval
    // contains 1 (plain Katz gave 1.047-1.110)
    let haldane = DispOptions {
        zero: ZeroCount::Haldane,
        ..DispOptions::default()
    };
    let h = against_reference(13.0, 13.0, 333.0, 359.0, &haldane);
    assert!(h.ratio[0].lower < 1.0 && h.ratio[0].upper > 1.0);
    // both counts zero: no ratio
    let d = against_reference(0.0, 10.0, 0.0, 10.0, &DispOptions::default());
    assert!(d.ratio[0].value.is_nan() && d.ratio[0].method == CiMethod::NotApplicable);
    // reliability is unchanged by the zero rule
    let d = against_reference(0.0, 2500.0, 300.0, 500_000.0, &DispOptions::default());
    assert_eq!(d.ratio[0].value, 0.0);
    assert!(!d.reliable[0] && d.reliable[1]);
}

#[test]
fn outcome_tests_match_statsmodels_and_scipy() {
    let fx = load("disproportionality_reference.json");
    for r in fx["outcome"]["rows"].as_array().unwrap() {
        let t = two_by_two(g(r, "x1"), g(r, "n1"), g(r, "x2"), g(r, "n2"), 0.95).unwrap();
        let w1 = arr(&r["wilson1"]);
        close(t.p1.lower, w1[0], 1e-9, "wilson1 lower");
        close(t.p1.upper, w1[1], 1e-9, "wilson1 upper");
        let nc = arr(&r["newcombe"]);
        close(t.difference.lower, nc[0], 1e-9, "newcombe lower");
        close(t.difference.upper, nc[1], 1e-9, "newcombe upper");
        close(t.z, g(r, "z"), 1e-9, "z");
        close(t.p_z, g(r, "p_z"), 1e-8, "p z");
        close(t.chi2, g(r, "chi2"), 1e-9, "chi2");
        close(t.chi2_yates, g(r, "chi2_yates"), 1e-9, "chi2 yates");
        close(t.p_chi2_yates, g(r, "p_chi2_yates"), 1e-8, "p yates");
        close(t.p_fisher, g(r, "fisher_p"), 1e-9, &format!("fisher {r}"));
        close(t.min_expected, g(r, "min_expected"), 1e-12, "min expected");
        let want_test = if g(r, "min_expected") < 5.0 {
            TestUsed::Fisher
        } else {
            TestUsed::Z
        };
        assert_eq!(t.test, want_test, "{r}");
        if let Some(rr) = r["rr"].as_f64() {
            close(t.risk_ratio.value, rr, 1e-12, "rr");
            let ci = arr(&r["rr_ci"]);
            close(t.risk_ratio.lower, ci[0], 1e-9, "rr lower");
            close(t.risk_ratio.upper, ci[1], 1e-9, "rr upper");
            close(t.odds_ratio, g(r, "odds_ratio"), 1e-12, "odds ratio");
        }
    }
}

#[test]
fn methods_d3_before_after_oracles() {
    // police custody as place of safety: pre 14/250 vs post 3/160
    let t = two_by_two(14.0, 250.0, 3.0, 160.0, 0.95).unwrap();
    close(t.z, 1.845557, 1e-6, "z");
    close(t.p_z, 0.064957, 1e-5, "p");
    close(t.chi2, 3.406081, 1e-6, "chi2");
    close(t.chi2_yates, 2.533312, 1e-6, "yates");
    close(t.p_fisher, 0.077291, 1e-5, "fisher");
    close(t.risk_ratio.value, 2.986667, 1e-6, "rr");
    close(t.risk_ratio.lower, 0.872058, 1e-6, "rr lower");
    close(t.risk_ratio.upper, 10.228878, 1e-6, "rr upper");
    close(t.odds_ratio, 3.104520, 1e-6, "or");
    // smallest expected cell 160 x 17 / 410 = 6.6: the z test is the one reported
    assert_eq!(t.test, TestUsed::Z);
}

#[test]
fn bad_inputs() {
    let o = DispOptions::default();
    assert!(disproportionality(&[1.0], &[0.0], &[0], &o).is_err());
    assert!(disproportionality(&[-1.0], &[10.0], &[0], &o).is_err());
    assert!(disproportionality(&[1.0], &[10.0], &[3], &o).is_err());
    assert!(outcome_tests(&[5.0], &[4.0], &[0], 0.95).is_err());
    assert!(two_by_two(1.0, 0.0, 1.0, 2.0, 0.95).is_err());
    assert!("wald".parse::<RatioCi>().is_err());
}

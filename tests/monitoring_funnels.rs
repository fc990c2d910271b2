//! Over-dispersed funnels, ISRs and p-value adjustment against
//! tests/fixtures/monitoring_funnel_reference.json (FunnelPlotR 0.6.0 code and R `p.adjust`, run
//! in R 4.2.2 on the Home Office hate-crime force data) and monitoring_isr_reference.json
//! (PHEindicatormethods 2.1.0 test sheet `testresults_ISR`).

use saferstats::monitoring::funnel_od::*;
use saferstats::monitoring::isr::{isr, poisson_expected_limits};
use saferstats::monitoring::multiple::{p_adjust, Adjust};
use saferstats::trend::{Funnel, FunnelKind, FunnelSignificance};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture readable")).expect("JSON")
}

fn arr(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

#[track_caller]
fn close(got: f64, want: f64, rel: f64, what: &str) {
    let tol = rel * want.abs().max(1e-12);
    assert!((got - want).abs() <= tol, "{what}: got {got}, want {want}");
}

/// Additive over-dispersed limits at `denominators` for `(kind, target, multiplier)`, divided by
/// `scale`, against a FunnelPlotR grid of lower_998, lower_95, upper_95, upper_998 (to 2e-6:
/// FunnelPlotR rounds z to 1.959964 / 3.090232).
/// The adjustment of an estimated over-dispersion under `model`.
fn adjustment(od: &Overdispersion, model: OdModel) -> OdAdjustment {
    OdAdjustment {
        phi: od.phi,
        tau2: od.tau2,
        model,
    }
}

#[track_caller]
fn check_additive_limits(
    denominators: &[f64],
    funnel: &Funnel,
    od: &Overdispersion,
    grid: &Value,
    scale: f64,
) {
    let l = od_limits(denominators, funnel, &adjustment(od, OdModel::Additive)).unwrap();
    for (k, name) in ["lower_998", "lower_95", "upper_95", "upper_998"]
        .iter()
        .enumerate()
    {
        for (i, w) in arr(&grid[*name]).into_iter().enumerate() {
            close(l[i].to_array()[k] / scale, w, 2e-6, name);
        }
    }
}

#[test]
fn hate_crime_rate_funnel_overdispersion_matches_funnelplotr() {
    let fx = &load("monitoring_funnel_reference.json")["rate_sr"];
    let (o, n) = (arr(&fx["offences"]), arr(&fx["population"]));
    let target = fx["target_per_100000"].as_f64().unwrap();
    let funnel = Funnel::new(FunnelKind::Rate, target, 1e5);
    let od = overdispersion(&o, &n, &funnel, 0.1).unwrap();
    close(od.phi, fx["phi"].as_f64().unwrap(), 1e-10, "phi");
    close(od.tau2, fx["tau2"].as_f64().unwrap(), 1e-10, "tau2");
    for (g, w) in od.z.iter().zip(arr(&fx["z"])) {
        close(*g, w, 1e-10, "z");
    }
    // limits as ratios at expected counts 1000, 3000, 10000 = rate limits / target at
    // populations E / target rate
    let e = arr(&fx["expected_grid"]);
    let pops: Vec<f64> = e.iter().map(|x| x / (target / 1e5)).collect();
    check_additive_limits(&pops, &funnel, &od, &fx["ratio_limits_grid"], target);
    // 42 forces: 9 outside the 95% over-dispersed limits, 1 outside 99.8%
    let s = od_significance(&o, &n, &funnel, &adjustment(&od, OdModel::Additive)).unwrap();
    let sig95 = s
        .iter()
        .filter(|x| !matches!(x, FunnelSignificance::NotSignificant))
        .count();
    let sig998 = s
        .iter()
        .filter(|x| {
            matches!(
                x,
                FunnelSignificance::High0001 | FunnelSignificance::Low0001
            )
        })
        .count();
    assert_eq!(
        (o.len(), sig95, sig998),
        (
            42,
            fx["significant_95"].as_u64().unwrap() as usize,
            fx["significant_998"].as_u64().unwrap() as usize
        )
    );
}

#[test]
fn proportion_funnel_overdispersion_matches_funnelplotr() {
    let fx = &load("monitoring_funnel_reference.json")["proportion_pr"];
    let (x, m) = (arr(&fx["race"]), arr(&fx["motivating_factors"]));
    let t = fx["target"].as_f64().unwrap();
    let funnel = Funnel::new(FunnelKind::Proportion, t * 100.0, 100.0);
    let od = overdispersion(&x, &m, &funnel, 0.1).unwrap();
    close(od.phi, fx["phi"].as_f64().unwrap(), 1e-10, "phi");
    close(od.tau2, fx["tau2"].as_f64().unwrap(), 1e-10, "tau2");
    check_additive_limits(&arr(&fx["n_grid"]), &funnel, &od, &fx["limits_grid"], 100.0);
    // multiplicative: √φ × s
    let lm = od_limits(
        &[1000.0],
        &funnel,
        &adjustment(&od, OdModel::Multiplicative),
    )
    .unwrap();
    let s = 1.0 / (2.0 * 1000f64.sqrt());
    let want = ((t.sqrt().asin()) + 1.959963984540054 * od.phi.sqrt() * s)
        .sin()
        .powi(2);
    close(lm[0].upper_95 / 100.0, want, 1e-12, "multiplicative");
}

#[test]
fn isr_matches_phe_fixture() {
    let fx = load("monitoring_isr_reference.json");
    for r in fx["results"].as_array().unwrap() {
        if r["statistic"].as_str().unwrap() != "indirectly standardised ratio x 1" {
            continue;
        }
        let o = r["observed"].as_f64().unwrap();
        let e = r["expected"].as_f64().unwrap();
        let got = isr(&[o], &[e], 0.95).unwrap()[0];
        close(got.ratio, r["value"].as_f64().unwrap(), 1e-12, "ratio");
        close(got.lower, r["lower95_0cl"].as_f64().unwrap(), 1e-8, "lower");
        close(got.upper, r["upper95_0cl"].as_f64().unwrap(), 1e-8, "upper");
        let got = isr(&[o], &[e], 0.998).unwrap()[0];
        close(
            got.lower,
            r["lower99_8cl"].as_f64().unwrap(),
            1e-8,
            "lower 99.8",
        );
        close(
            got.upper,
            r["upper99_8cl"].as_f64().unwrap(),
            1e-8,
            "upper 99.8",
        );
        assert_eq!(got.exact, r["method"].as_str().unwrap() == "Exact");
    }
    assert!(isr(&[1.0], &[0.0], 0.95).is_err());
    assert!(isr(&[f64::NAN], &[1.0], 0.95).unwrap()[0].ratio.is_nan());
}

#[test]
fn poisson_funnel_expected_counts_match_the_methods_notes() {
    // docs/methods/trends.md A7 (PHE fixture): O = 100 -> E 134.924319 / 121.626811 / 81.364007 / 71.921400;
    // PHE bisects to 1e-7 on E/(E+1+O), so agreement is to ~2e-7 relative (closed form here)
    let a = poisson_expected_limits(&[100.0], 0.001).unwrap()[0];
    let b = poisson_expected_limits(&[100.0], 0.025).unwrap()[0];
    close(a.1, 134.924319, 5e-7, "low3s");
    close(b.1, 121.626811, 5e-7, "low2s");
    close(b.0, 81.364007, 5e-7, "up2s");
    close(a.0, 71.921400, 5e-7, "up3s");
}

#[test]
fn p_adjust_matches_r() {
    let fx = &load("monitoring_funnel_reference.json")["p_adjust"];
    let p = arr(&fx["p"]);
    for (m, name) in [
        (Adjust::Holm, "holm"),
        (Adjust::Bh, "bh"),
        (Adjust::Bonferroni, "bonferroni"),
    ] {
        let got = p_adjust(&p, m).unwrap();
        for (g, w) in got.iter().zip(arr(&fx[name])) {
            if w.is_nan() {
                assert!(g.is_nan());
            } else {
                close(*g, w, 1e-12, name);
            }
        }
    }
    assert!(p_adjust(&[1.5], Adjust::Holm).is_err());
}

#[test]
fn a_bad_adjustment_is_an_error_for_limits_and_significance() {
    let funnel = Funnel::new(FunnelKind::Ratio, 1.0, 1.0);
    for (phi, tau2) in [(f64::NAN, 0.0), (1.0, -0.1), (1.0, f64::INFINITY)] {
        let bad = OdAdjustment {
            phi,
            tau2,
            model: OdModel::Additive,
        };
        let e = od_limits(&[100.0], &funnel, &bad).unwrap_err();
        assert!(e.to_string().contains("overdispersion"), "{e}");
        let e = od_significance(&[120.0], &[100.0], &funnel, &bad).unwrap_err();
        assert!(e.to_string().contains("overdispersion"), "{e}");
    }
}

/// Every funnel function refuses an unusable funnel with the same words (`Funnel::checked`):
/// the PHE limits and significance and the over-dispersed limits, significance and φ.
#[test]
fn every_funnel_function_refuses_a_bad_target_alike() {
    use saferstats::monitoring::funnel_od::{
        od_limits, od_significance, overdispersion, OdAdjustment, OdModel,
    };
    use saferstats::trend::{funnel_limits, funnel_significance, Funnel, FunnelKind};
    let none = OdAdjustment {
        phi: 1.0,
        tau2: 0.0,
        model: OdModel::Additive,
    };
    let (o, n) = ([10.0, 20.0, 30.0], [100.0, 200.0, 300.0]);
    for (kind, target, multiplier) in [
        (FunnelKind::Proportion, 100.0, 100.0),
        (FunnelKind::Proportion, 0.0, 100.0),
        (FunnelKind::Rate, -5.0, 1e5),
        (FunnelKind::Ratio, f64::NAN, 1.0),
    ] {
        let f = Funnel::new(kind, target, multiplier);
        let want = f.checked().unwrap_err().to_string();
        assert!(
            want.contains("not a usable target") && want.contains("`target`"),
            "{want}"
        );
        let got = [
            funnel_limits(&n, &f).unwrap_err().to_string(),
            funnel_significance(&o, &n, &f).unwrap_err().to_string(),
            od_limits(&n, &f, &none).unwrap_err().to_string(),
            od_significance(&o, &n, &f, &none).unwrap_err().to_string(),
            overdispersion(&o, &n, &f, 0.0).unwrap_err().to_string(),
        ];
        assert!(got.iter().all(|g| *g == want), "{kind:?} {target}: {got:?}");
    }
}

//! ITS against statsmodels GLM (tests/fixtures/outcomes_reference.json, docs/methods/s136.md).

use saferstats::outcomes::*;
use serde_json::Value;

mod common;
use common::*;

fn fixture() -> Value {
    load("outcomes_reference.json")
}

#[test]
fn its_matches_statsmodels_glm() {
    let fx = fixture();
    for r in fx["its"]["rows"].as_array().unwrap() {
        let seasonality = if r["seasonality"].is_null() {
            Seasonality::None
        } else {
            Seasonality::Fourier { period: 12, k: 1 }
        };
        let dispersion = if r["dispersion"] == "quasi" {
            ItsDispersion::Quasi
        } else {
            ItsDispersion::Poisson
        };
        let opts = ItsOptions {
            seasonality,
            dispersion,
            ..ItsOptions::default()
        };
        let res = its_poisson(
            &arr(&r["counts"]),
            &arr(&r["population"]),
            r["break_index"].as_u64().unwrap() as usize,
            &opts,
        )
        .unwrap();
        let what = format!("{} {:?} {:?}", r["name"], seasonality, dispersion);
        for (j, (b, s)) in arr(&r["beta"]).iter().zip(arr(&r["se"])).enumerate() {
            close(res.beta[j], *b, 1e-6, &format!("{what} beta{j}"));
            close(res.se[j], s, 1e-6, &format!("{what} se{j}"));
        }
        let l = arr(&r["level_ci"]);
        close(res.level.lower, l[0], 1e-6, "level lower");
        close(res.level.upper, l[1], 1e-6, "level upper");
        let s = arr(&r["slope_ci"]);
        close(res.slope.lower, s[0], 1e-6, "slope lower");
        for (a, b) in res.fitted.iter().zip(arr(&r["fitted"])) {
            close(*a, b, 1e-6, "fitted");
        }
        for (a, b) in res.counterfactual.iter().zip(arr(&r["counterfactual"])) {
            close(*a, b, 1e-6, "counterfactual");
        }
        close(
            res.dispersion_ratio,
            r["dispersion_ratio"].as_f64().unwrap(),
            1e-6,
            "dispersion",
        );
    }
}

#[test]
fn its_methods_d3_published() {
    let y = [
        21., 24., 19., 23., 26., 22., 25., 27., 24., 26., 28., 25., 27., 29., 26., 30., 28., 31.,
        29., 27., 32., 30., 33., 31., 24., 23., 25., 22., 24., 21., 23., 22., 20., 22., 21., 19.,
    ];
    let r = its_poisson(&y, &[1.1e6; 36], 24, &ItsOptions::default()).unwrap();
    close(r.beta[2], -0.296231, 1e-5, "beta2");
    close(r.level.lower, 0.568890, 1e-5, "level lower");
    close(r.slope.value, 0.967089, 1e-6, "slope rr");
    close(r.post_slope_rr, 0.983097, 1e-6, "post slope");
    close(r.fitted[35], 20.147840, 1e-6, "month 36 fitted");
    close(
        r.counterfactual[35],
        39.151364,
        1e-6,
        "month 36 counterfactual",
    );
    close(r.dispersion_ratio, 0.104258, 1e-5, "dispersion");
}

#[test]
fn its_bad_inputs() {
    let y = [5.0; 10];
    let p = [1e5; 10];
    let o = ItsOptions::default();
    assert!(its_poisson(&y, &p, 2, &o)
        .unwrap_err()
        .to_string()
        .contains("at least 3 periods on each side"));
    assert!(its_poisson(&y, &p, 8, &o).is_err());
    let mut bad = y;
    bad[4] = -1.0;
    assert!(its_poisson(&bad, &p, 5, &o).is_err());
    assert!(its_poisson(&y, &p[..9], 5, &o).is_err());
    assert!("nb".parse::<ItsDispersion>().is_err());
}

#[test]
fn its_not_estimable_is_an_error_not_a_number() {
    let o = ItsOptions::default();
    let pop = [1e5; 9];
    // post-break counts all zero (complete separation)
    let e = its_poisson(&[5., 6., 7., 5., 6., 0., 0., 0., 0.], &pop, 5, &o).unwrap_err();
    assert!(e.to_string().contains("not estimable"), "{e}");
    // pre-break counts all zero
    assert!(its_poisson(&[0., 0., 0., 0., 3., 4., 5., 6., 7.], &pop, 4, &o).is_err());
    // quasi-separation: post counts 0, 0, 0, 2 (the fitted zeros run to 0)
    let e = its_poisson(&[3., 4., 5., 4., 5., 0., 0., 0., 2.], &pop, 5, &o).unwrap_err();
    assert!(e.to_string().contains("not estimable"), "{e}");
    // a series with a zero but a finite fit is fine
    assert!(its_poisson(&[3., 4., 0., 4., 5., 2., 3., 1., 2.], &pop, 5, &o).is_ok());
    // too many seasonal terms names `seasonality`
    let e = its_poisson(
        &[3., 4., 5., 4., 5., 2., 3., 1., 2.],
        &pop,
        5,
        &ItsOptions {
            seasonality: Seasonality::Dummies { period: 9 },
            ..o
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("seasonality"), "{e}");
    // finite limits at the documented maximum confidence; beyond it, refused by name
    let y = [21., 24., 19., 23., 26., 22., 25., 27., 24., 26., 28., 25.];
    let r = its_poisson(
        &y,
        &[1e6; 12],
        6,
        &ItsOptions {
            confidence: 0.9999,
            ..o
        },
    )
    .unwrap();
    assert!(r.level.lower > 0.0 && r.level.upper.is_finite());
    let e = its_poisson(
        &y,
        &[1e6; 12],
        6,
        &ItsOptions {
            confidence: 0.9999999999999999,
            ..o
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("`confidence`"), "{e}");
}

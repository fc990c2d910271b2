//! ITS against statsmodels GLM (tests/fixtures/outcomes_reference.json, METHODS.md D3) and
//! disclosure control invariants.

use proptest::prelude::*;
use saferstats::disclosure::*;
use saferstats::outcomes::*;
use serde_json::Value;

fn arr(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

#[track_caller]
fn close(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs().max(1e-12),
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn its_matches_statsmodels_glm() {
    let path = format!(
        "{}/tests/fixtures/outcomes_reference.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
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
fn disclosure_examples() {
    // rounding to base 5 of published cells
    let s = suppress(
        &[12.0, 7.0, 23.0, 30.0],
        2,
        &DisclosureOptions {
            round_to: Some(5.0),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(s.values, [10.0, 5.0, 25.0, 30.0]);
    // zeros are published by default, suppressed on request
    let s = suppress(&[0.0, 9.0, 8.0, 7.0], 2, &DisclosureOptions::default()).unwrap();
    assert!(s.reason.iter().all(|r| *r == Suppression::None));
    let s = suppress(
        &[0.0, 9.0, 8.0, 7.0],
        2,
        &DisclosureOptions {
            zeros: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(s.reason[0], Suppression::Primary);
    assert!(suppress(&[1.0, 2.0, 3.0], 2, &DisclosureOptions::default()).is_err());
    assert!(suppress(&[-1.0, 2.0], 2, &DisclosureOptions::default()).is_err());
}

proptest! {
    /// No suppressed cell can be recovered from a row or column total: every line of more than
    /// one cell holds zero or at least two hidden cells; and no count below the threshold is shown.
    #[test]
    fn suppressed_cells_are_not_recoverable_from_margins(
        cells in proptest::collection::vec(0u32..40, 1..60), n_cols in 1usize..7
    ) {
        let n = cells.len() - cells.len() % n_cols;
        prop_assume!(n > 0);
        let v: Vec<f64> = cells[..n].iter().map(|&c| f64::from(c)).collect();
        let s = suppress(&v, n_cols, &DisclosureOptions::default()).unwrap();
        let n_rows = n / n_cols;
        for (i, (&x, r)) in v.iter().zip(&s.reason).enumerate() {
            if x > 0.0 && x < 5.0 {
                prop_assert_eq!(*r, Suppression::Primary, "cell {} shown", i);
            }
            prop_assert_eq!(s.values[i].is_nan(), *r != Suppression::None);
        }
        let count = |idx: Vec<usize>| idx.iter().filter(|&&i| s.reason[i] != Suppression::None).count();
        if n_cols > 1 {
            for r in 0..n_rows {
                let k = count((0..n_cols).map(|c| r * n_cols + c).collect());
                // a line whose other cells are all hidden already is fine (k == n_cols)
                prop_assert!(k != 1, "row {} has one hidden cell", r);
            }
        }
        if n_rows > 1 {
            for c in 0..n_cols {
                let k = count((0..n_rows).map(|r| r * n_cols + c).collect());
                prop_assert!(k != 1, "column {} has one hidden cell", c);
            }
        }
    }
}

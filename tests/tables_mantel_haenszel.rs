//! Mantel–Haenszel risk ratio against R: epiR 2.0.57 `epi.2by2(method = "cohort.count")`,
//! `massoc.detail$RR.mh.wald` (Greenland–Robins variance), R 4.2.2 (Debian bookworm), on arrests
//! of each group against White people by force, police.uk stop and search, seven forces,
//! Dec 2019 - Feb 2020 (`../shared/data/stop_search/policeuk_7forces_2019-12_to_2020-02`, as
//! `saferstats.outcome_test(records, outcome="arrest", by="force")` counts them). Strata with no
//! searches of the group (Other: Derbyshire, Durham) were left out of R's table; here they are
//! given with n = 0, which contributes nothing. The crude ratios (the pooled counts) are 1.142,
//! 1.448, 1.172 and 1.765: pooling the forces moves Asian people's ratio across 1.

use saferstats::tables::{mantel_haenszel_rr, mantel_haenszel_rr_groups, z_finite};

/// White people's arrests and searches with a known outcome, by force (the reference of every case).
const WHITE: ([f64; 7], [f64; 7]) = (
    [64.0, 60.0, 77.0, 362.0, 58.0, 567.0, 312.0],
    [324.0, 358.0, 219.0, 3782.0, 392.0, 7604.0, 3057.0],
);

/// A group's arrests and searches by force, and epiR's (estimate, lower, upper).
type Case = (&'static str, [f64; 7], [f64; 7], (f64, f64, f64));

const CASES: [Case; 4] = [
    (
        "Asian",
        [12.0, 3.0, 1.0, 25.0, 16.0, 4.0, 20.0],
        [100.0, 27.0, 2.0, 215.0, 103.0, 118.0, 179.0],
        (0.930888534804, 0.750638770323, 1.15442140546),
    ),
    (
        "Black",
        [28.0, 1.0, 0.0, 47.0, 16.0, 23.0, 19.0],
        [115.0, 13.0, 2.0, 391.0, 63.0, 256.0, 131.0],
        (1.27671273761, 1.07807950229, 1.51194360982),
    ),
    (
        "Mixed",
        [6.0, 3.0, 1.0, 16.0, 2.0, 5.0, 7.0],
        [29.0, 14.0, 1.0, 119.0, 8.0, 129.0, 58.0],
        (1.09370697495, 0.815165438062, 1.46742598642),
    ),
    (
        "Other",
        [5.0, 0.0, 0.0, 2.0, 0.0, 9.0, 4.0],
        [14.0, 0.0, 0.0, 16.0, 2.0, 58.0, 36.0],
        (1.58706251483, 1.06048043854, 2.37511917658),
    ),
];

#[test]
fn matches_epir_on_police_uk_arrests_by_force() {
    for (g, a, n1, (e, l, u)) in CASES {
        let r = mantel_haenszel_rr(&a, &n1, &WHITE.0, &WHITE.1, z_finite(0.95)).unwrap();
        for (got, want) in [(r.value, e), (r.lower, l), (r.upper, u)] {
            assert!((got - want).abs() < 1e-9 * want, "{g}: {got} vs {want}");
        }
        assert_eq!(r.strata, if g == "Other" { 5 } else { 7 });
    }
}

#[test]
fn grouped_equals_one_at_a_time() {
    let (mut group, mut a, mut n1, mut c, mut n2) = (vec![], vec![], vec![], vec![], vec![]);
    for (k, case) in CASES.iter().enumerate() {
        group.extend([k; 7]);
        a.extend(case.1);
        n1.extend(case.2);
        c.extend(WHITE.0);
        n2.extend(WHITE.1);
    }
    let out = mantel_haenszel_rr_groups(&group, &a, &n1, &c, &n2, 4, 0.95).unwrap();
    for (k, case) in CASES.iter().enumerate() {
        assert!((out[k].value - case.3 .0).abs() < 1e-9);
    }
}

#[test]
fn bad_counts_are_named_with_their_position() {
    let e = mantel_haenszel_rr(
        &[5.0, 12.0],
        &[10.0, 10.0],
        &[1.0, 1.0],
        &[10.0, 10.0],
        1.96,
    )
    .unwrap_err();
    assert!(e.to_string().contains("`x1` at position 1"), "{e}");
    let e = mantel_haenszel_rr(&[5.0], &[f64::NAN], &[1.0], &[10.0], 1.96).unwrap_err();
    assert!(e.to_string().contains("`n1` at position 0"), "{e}");
    let e = mantel_haenszel_rr_groups(
        &[0, 2],
        &[1.0, 1.0],
        &[2.0, 2.0],
        &[1.0, 1.0],
        &[2.0, 2.0],
        2,
        0.95,
    )
    .unwrap_err();
    assert!(e.to_string().contains("`group` at position 1"), "{e}");
    assert!(mantel_haenszel_rr(&[1.0], &[2.0], &[1.0], &[2.0, 3.0], 1.96).is_err());
}

#[test]
fn no_usable_stratum_or_no_events_is_nan() {
    let r = mantel_haenszel_rr(&[0.0], &[0.0], &[3.0], &[10.0], 1.96).unwrap();
    assert!(r.value.is_nan() && r.strata == 0);
    let r = mantel_haenszel_rr(&[0.0], &[5.0], &[0.0], &[10.0], 1.96).unwrap();
    assert!(r.value.is_nan() && r.lower.is_nan());
    let r = mantel_haenszel_rr(&[0.0], &[5.0], &[3.0], &[10.0], 1.96).unwrap();
    assert!(r.value == 0.0 && r.lower.is_nan());
}

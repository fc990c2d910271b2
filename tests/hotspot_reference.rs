//! Hotspot module: DBSCAN vs scikit-learn, Gi*/Local Moran vs esda
//! (tests/fixtures/hotspot_reference.json), NNH vs scipy single linkage (nnh_reference.json),
//! KDE vs a direct sum, Knox vs brute force, docs/methods/hotspots.md C.

use proptest::prelude::*;
use saferstats::hotspot::clusters::*;
use saferstats::hotspot::dbscan::*;
use saferstats::hotspot::kde::*;
use saferstats::hotspot::knox::*;
use saferstats::hotspot::local::*;
use saferstats::hotspot::nnh::{nnh, NnhDistance};
use saferstats::hotspot::weights::Weights;
use serde_json::Value;

mod common;
use common::*;

fn fixture() -> Value {
    load("hotspot_reference.json")
}

#[test]
fn dbscan_labels_identical_to_sklearn() {
    let fx = fixture();
    let mut runs = 0;
    for set in fx["dbscan"]["rows"].as_array().unwrap() {
        let (lat, lon) = (arr(&set["lat"]), arr(&set["lon"]));
        for run in set["runs"].as_array().unwrap() {
            let eps = run["eps_m"].as_f64().unwrap();
            let ms = run["min_samples"].as_u64().unwrap() as usize;
            let (labels, core) = dbscan(&lat, &lon, eps, ms).unwrap();
            let want = ints(&run["labels"]);
            assert_eq!(labels, want, "{} eps {eps} min_samples {ms}", set["name"]);
            let want_core: Vec<usize> = ints(&run["core"]).iter().map(|&v| v as usize).collect();
            let got_core: Vec<usize> = (0..core.len()).filter(|&i| core[i]).collect();
            assert_eq!(got_core, want_core);
            runs += 1;
        }
    }
    assert!(runs >= 24);
}

#[test]
fn dbscan_methods_c1_cores() {
    let lat = [
        51.5, 51.5003, 51.5001, 51.4998, 51.503, 51.5032, 51.5029, 51.5006, 51.51, 51.49, 51.505,
        51.5031,
    ];
    let lon = [
        -0.12, -0.1201, -0.1196, -0.1204, -0.115, -0.1148, -0.1147, -0.1192, -0.1, -0.14, -0.13,
        -0.1153,
    ];
    let (l, core) = dbscan(&lat, &lon, 100.0, 3).unwrap();
    assert_eq!(l, [0, 0, 0, 0, 1, 1, 1, 0, -1, -1, -1, 1]);
    let cores: Vec<usize> = (0..12).filter(|&i| core[i]).collect();
    assert_eq!(cores, [0, 1, 2, 3, 4, 5, 6, 7, 11]);
    assert!(dbscan(&lat, &lon, 0.0, 3).is_err());
    assert!(dbscan(&lat, &lon, 10.0, 0).is_err());
    let mut bad = lat;
    bad[3] = 95.0;
    assert!(dbscan(&bad, &lon, 10.0, 3)
        .unwrap_err()
        .to_string()
        .contains("position 3"));
}

#[test]
fn gi_star_and_local_moran_match_esda() {
    let fx = fixture();
    for r in fx["local"]["rows"].as_array().unwrap() {
        let vals = arr(&r["values"]);
        let w = if r["name"] == "methods_c5" {
            let pts = r["points"].as_array().unwrap();
            let x: Vec<f64> = pts.iter().map(|p| p[0].as_f64().unwrap()).collect();
            let y: Vec<f64> = pts.iter().map(|p| p[1].as_f64().unwrap()).collect();
            Weights::distance_band(&x, &y, 15.0, true).unwrap()
        } else {
            Weights::lattice(12, 12, true).unwrap()
        };
        let tr: Transform = r["transform"].as_str().unwrap().parse().unwrap();
        if r["kind"] == "gi_star" {
            let g = gi_star(&vals, &w, tr, 0, 0).unwrap();
            // z: esda's for binary weights; row-standardised weights only rescale Gi*, so their z
            // is the binary one (Ord & Getis 1995; spdep localG styles "B" and "W" agree, see
            // tests/fixtures/audit_spatial.json), where esda's uses the binary-only variance
            // (pysal/esda#121). G itself is esda's for both.
            let z_ref = fx["local"]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|b| b["kind"] == "gi_star" && b["name"] == r["name"] && b["transform"] == "B")
                .map(|b| arr(&b["z"]))
                .unwrap();
            for (a, b) in g.z.iter().zip(z_ref) {
                assert!(
                    (a - b).abs() < 1e-9 * b.abs().max(1.0),
                    "{} {:?} z {a} vs {b}",
                    r["name"],
                    tr
                );
            }
            for (a, b) in g.stat.iter().zip(arr(&r["stat"])) {
                assert!((a - b).abs() < 1e-12, "G");
            }
        } else {
            let m = local_moran(&vals, &w, tr, 0, 0).unwrap();
            for (a, b) in m.stat.iter().zip(arr(&r["stat"])) {
                assert!(
                    (a - b).abs() < 1e-9 * b.abs().max(1.0),
                    "{} I {a} vs {b}",
                    r["name"]
                );
            }
            for (a, b) in m.expected.iter().zip(arr(&r["EI"])) {
                assert!((a - b).abs() < 1e-12, "EI");
            }
            for (a, b) in m.variance.iter().zip(arr(&r["VI"])) {
                assert!((a - b).abs() < 1e-9 * b.abs().max(1.0), "VI {a} vs {b}");
            }
            let q: Vec<u8> = ints(&r["q"]).iter().map(|&v| v as u8).collect();
            assert_eq!(m.quadrant, q);
        }
    }
}

#[test]
fn permutation_p_values_agree_with_esda_within_monte_carlo_error() {
    let fx = fixture();
    let r = fx["local"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "moran" && r["name"] == "lattice_12x12")
        .unwrap();
    let vals = arr(&r["values"]);
    let w = Weights::lattice(12, 12, true).unwrap();
    let run = || local_moran(&vals, &w, Transform::Row, 999, 7).unwrap();
    let m = run();
    let esda = arr(&r["p_sim_esda"]);
    let mut outside = 0;
    for (a, b) in m.p_sim.iter().zip(&esda) {
        let se = (b * (1.0 - b) / 999.0).sqrt().max(1.0 / 999.0);
        if (a - b).abs() > 4.0 * se + 2.0 / 1000.0 {
            eprintln!("p_sim {a} vs esda {b}");
            outside += 1;
        }
    }
    assert!(
        outside <= 2,
        "{outside} of 144 p_sim outside 4 MC standard errors"
    );
    // reproducible from the seed, independent of threads
    let again = run();
    assert_eq!(m.p_sim, again.p_sim);
}

#[test]
fn kde_equals_direct_evaluation_and_methods_c4() {
    let (x, y) = ([0., 30., 10.], [0., 0., 10.]);
    let g = GridSpec {
        x0: -0.5,
        y0: -0.5,
        cell: 10.0,
        nx: 8,
        ny: 3,
    };
    let d = kde_grid(&x, &y, None, 50.0, Kernel::Quartic, &g).unwrap();
    // docs/methods/hotspots.md C4 at (0,0)... is not a centre here; check cell centres against the direct sum
    for kernel in [Kernel::Quartic, Kernel::Gaussian] {
        let h = 23.0;
        let d = kde_grid(&x, &y, None, h, kernel, &g).unwrap();
        for j in 0..g.ny {
            for i in 0..g.nx {
                let (cx, cy) = (g.x(i), g.y(j));
                let terms: Vec<f64> = x
                    .iter()
                    .zip(&y)
                    .map(|(px, py)| {
                        let d2 = (px - cx).powi(2) + (py - cy).powi(2);
                        match kernel {
                            Kernel::Quartic => {
                                if d2 < h * h {
                                    3.0 / (std::f64::consts::PI * h * h)
                                        * (1.0 - d2 / (h * h)).powi(2)
                                } else {
                                    0.0
                                }
                            }
                            Kernel::Gaussian => {
                                (-d2 / (2.0 * h * h)).exp() / (2.0 * std::f64::consts::PI * h * h)
                            }
                        }
                    })
                    .collect();
                let direct: f64 = terms.iter().sum();
                assert!(
                    (d[j * g.nx + i] - direct).abs() <= 1e-9 * direct.max(1e-300) + 1e-300,
                    "{kernel:?} {i} {j}"
                );
                // each point's part of the density there is its direct term
                let parts = kde_contributions(&x, &y, None, h, kernel, (cx, cy)).unwrap();
                for (p, t) in parts.iter().zip(&terms) {
                    assert!((p - t).abs() <= 1e-12 * t.max(1e-300), "{kernel:?} {i} {j}");
                }
            }
        }
    }
    assert_eq!(d.len(), 24);
    for (px, py, want) in [
        (0.0, 0.0, 8.617285e-4),
        (10.0, 0.0, 9.735699e-4),
        (20.0, 20.0, 7.443868e-4),
        (60.0, 0.0, 1.564557e-4),
    ] {
        let one = GridSpec {
            x0: px - 0.5,
            y0: py - 0.5,
            cell: 1.0,
            nx: 1,
            ny: 1,
        };
        let v = kde_grid(&x, &y, None, 50.0, Kernel::Quartic, &one).unwrap()[0];
        assert!((v - want).abs() < 1e-9, "({px},{py}) {v} vs {want}");
    }
    assert!(GridSpec::covering(0.0, 1e9, 0.0, 1e9, 1.0)
        .unwrap_err()
        .to_string()
        .contains("GB"));
    let e = kde_contributions(&x, &y, None, 50.0, Kernel::Quartic, (f64::NAN, 0.0)).unwrap_err();
    assert!(e.to_string().contains("`at`"), "{e}");
    let e = kde_contributions(&x, &y, Some(&[1.0]), 50.0, Kernel::Quartic, (0.0, 0.0)).unwrap_err();
    assert!(e.to_string().contains("weights"), "{e}");
}

#[test]
fn knox_equals_brute_force_pair_count() {
    let n = 300;
    let mut next = common::uniform(12345);
    let x: Vec<f64> = (0..n).map(|_| next() * 2000.0).collect();
    let y: Vec<f64> = (0..n).map(|_| next() * 2000.0).collect();
    let t: Vec<f64> = (0..n).map(|_| (next() * 365.0).floor()).collect();
    let de = [0.0, 100.0, 200.0, 400.0, f64::INFINITY];
    let te = [0.0, 7.0, 14.0, 28.0, f64::INFINITY];
    let k = knox(&x, &y, &t, &de, &te, 19, 3, Metric::Euclidean).unwrap();
    let mut brute = vec![0.0; 16];
    for i in 0..n {
        for j in i + 1..n {
            let d = ((x[i] - x[j]).powi(2) + (y[i] - y[j]).powi(2)).sqrt();
            let dt = (t[i] - t[j]).abs();
            let db = de.windows(2).position(|w| d >= w[0] && d < w[1]).unwrap();
            let tb = te.windows(2).position(|w| dt >= w[0] && dt < w[1]).unwrap();
            brute[db * 4 + tb] += 1.0;
        }
    }
    assert_eq!(k.observed, brute);
    assert!(k.p_value.iter().all(|p| *p > 0.0 && *p <= 1.0));
    assert!(knox(&x, &y, &t, &[0.0, 10.0, 5.0], &te, 9, 1, Metric::Euclidean).is_err());
}

#[test]
fn cluster_outlines_and_geojson() {
    let lat = [51.5, 51.501, 51.5, 51.501, 51.5005, 51.6, 51.6001];
    let lon = [-0.12, -0.12, -0.119, -0.119, -0.1195, -0.2, -0.2];
    let s = cluster_summary(
        &lat,
        &lon,
        &[0, 0, 0, 0, 0, 1, 1],
        Some(&[1., 2., 3., 4., 5., 9., 10.]),
        Hull::Convex,
    )
    .unwrap();
    assert_eq!(s[0].hull.len(), 5); // square ring, closed
    assert!(s[1].hull.is_empty() && s[1].area_m2 == 0.0); // two points: no polygon
    assert_eq!((s[0].first_time, s[0].last_time), (1.0, 5.0));
    let g: Value = serde_json::from_str(&to_geojson(&s)).unwrap();
    assert_eq!(g["features"][0]["geometry"]["type"], "Polygon");
    assert_eq!(g["features"][1]["geometry"]["type"], "Point");
}

proptest! {
    /// Reversing the point order gives the same partition (up to label names) when there are no
    /// border ties; adding a far-away point changes nothing but appends noise.
    #[test]
    fn dbscan_partition_invariant_to_order(seed in 0u64..500) {
        let mut s = seed.wrapping_add(1);
        let mut next = || { s ^= s << 13; s ^= s >> 7; s ^= s << 17; (s % 100_000) as f64 / 100_000.0 };
        let n = 80;
        let lat: Vec<f64> = (0..n).map(|_| 51.7 + next() * 0.01).collect();
        let lon: Vec<f64> = (0..n).map(|_| -0.2 + next() * 0.015).collect();
        let (a, core_a) = dbscan(&lat, &lon, 120.0, 4).unwrap();
        let rl: Vec<f64> = lat.iter().rev().copied().collect();
        let ro: Vec<f64> = lon.iter().rev().copied().collect();
        let (b, _) = dbscan(&rl, &ro, 120.0, 4).unwrap();
        // same co-membership among core points
        for i in 0..n {
            for j in 0..n {
                if core_a[i] && core_a[j] {
                    prop_assert_eq!(a[i] == a[j], b[n - 1 - i] == b[n - 1 - j]);
                }
            }
        }
        let mut lat2 = lat.clone();
        let mut lon2 = lon.clone();
        lat2.push(10.0);
        lon2.push(10.0);
        let (c, _) = dbscan(&lat2, &lon2, 120.0, 4).unwrap();
        prop_assert_eq!(&c[..n], &a[..]);
        prop_assert_eq!(c[n], -1);
    }
}

#[test]
fn clark_evans_and_nnh_match_spatstat_and_crimestat() {
    use saferstats::hotspot::nni::*;
    let x = [10., 20., 35., 50., 55., 70., 80., 90., 15., 60.];
    let y = [10., 15., 80., 50., 52., 20., 85., 40., 60., 90.];
    let ce = clark_evans(&x, &y, 10_000.0, Some(400.0)).unwrap();
    assert!((ce.r_obs - 18.614070).abs() < 1e-6);
    assert!((ce.r - 1.1772572).abs() < 1e-7);
    // issue 18.3: the exact SE constant √((4 − π)/(4π)), as spatstat (z 1.0723389, not 1.072345)
    assert!(
        (CLARK_EVANS_SE - ((4.0 - std::f64::consts::PI) / (4.0 * std::f64::consts::PI)).sqrt())
            .abs()
            < 1e-16
    );
    assert!((ce.r_donnelly - 1.0122652).abs() < 1e-7);
    // spatstat 3.0.3 (tests/fixtures/generate_hotspot_clarkevans.R): R, z, two-sided p, Donnelly R
    let fx = load("hotspot_clarkevans_spatstat.json");
    for row in fx["clark_evans"].as_array().unwrap() {
        let (x, y) = (arr(&row["x"]), arr(&row["y"]));
        let area = row["area"].as_f64().unwrap();
        let c = clark_evans(&x, &y, area, row["perimeter"].as_f64()).unwrap();
        let name = row["name"].as_str().unwrap();
        let close = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol * b.abs().max(1e-300);
        assert!(close(c.r, row["r"].as_f64().unwrap(), 1e-12), "{name} r");
        assert!(close(c.z, row["z"].as_f64().unwrap(), 1e-12), "{name} z");
        let p = row["p_two_sided"].as_f64().unwrap();
        assert!(
            (c.p_value - p).abs() <= 1e-12 + 1e-9 * p,
            "{name} p {} vs {p}",
            c.p_value
        );
        assert!(
            close(c.r_donnelly, row["r_donnelly"].as_f64().unwrap(), 1e-12),
            "{name} donnelly"
        );
    }
    for (p, want) in [
        (0.5, 15.811388),
        (0.1, 12.461925),
        (0.05, 11.512399),
        (0.01, 9.731245),
    ] {
        assert!(
            (nnh_threshold(10, 10_000.0, p).unwrap() - want).abs() < 1e-5,
            "p {p}"
        );
    }
    // exact NN search vs brute force on random points
    let mut s = 7u64;
    let mut r = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % 1_000_000) as f64 / 1000.0
    };
    let px: Vec<f64> = (0..500).map(|_| r()).collect();
    let py: Vec<f64> = (0..500).map(|_| r()).collect();
    let brute: f64 = (0..500)
        .map(|i| {
            (0..500)
                .filter(|&j| j != i)
                .map(|j| ((px[i] - px[j]).powi(2) + (py[i] - py[j]).powi(2)).sqrt())
                .fold(f64::INFINITY, f64::min)
        })
        .sum::<f64>()
        / 500.0;
    assert!((mean_nearest_neighbour(&px, &py).unwrap() - brute).abs() < 1e-9);
}

#[test]
fn bng_matches_os_example_and_proj() {
    use saferstats::hotspot::bng::*;
    let fx = load("bng_reference.json");
    let ex = &fx["os_tm_example"];
    let d = |v: &Value| {
        let a = arr(v);
        a[0] + a[1] / 60.0 + a[2] / 3600.0
    };
    let (e, n) = osgb36_to_grid(d(&ex["lat_dms"]), d(&ex["lon_dms"]));
    assert!(
        (e - ex["easting"].as_f64().unwrap()).abs() < 1e-3
            && (n - ex["northing"].as_f64().unwrap()).abs() < 1e-3
    );
    let rows = fx["wgs84_to_bng"].as_array().unwrap();
    let lat: Vec<f64> = rows.iter().map(|r| r["lat"].as_f64().unwrap()).collect();
    let lon: Vec<f64> = rows.iter().map(|r| r["lon"].as_f64().unwrap()).collect();
    let (e, n) = wgs84_to_bng(&lat, &lon).unwrap();
    for (k, r) in rows.iter().enumerate() {
        let de = e[k] - r["easting"].as_f64().unwrap();
        let dn = n[k] - r["northing"].as_f64().unwrap();
        // the same OS Helmert transformation as PROJ's: agreement well within its ~5 m accuracy
        assert!((de * de + dn * dn).sqrt() < 1.0, "{r}: {de} {dn}");
    }
    assert!(wgs84_to_bng(&[95.0], &[0.0]).is_err());
    // issue 16.7: swapped latitude and longitude are refused (it gave E 7,416,214, N −5,549,935)
    let err = wgs84_to_bng(&[51.5, -0.12], &[-0.12, 51.5])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("position 1") && err.contains("swapped"),
        "{err}"
    );
    assert!(wgs84_to_bng(&[40.0], &[-3.7]).is_err()); // Madrid
}

#[test]
fn hdbscan_labels_match_sklearn() {
    // Identical labels on every set, ties included: the fixtures are scikit-learn's with its MST
    // argsort made stable (tests/fixtures/sklearn_stable_mst.py), and the core orders tied edges
    // stably (session 31; before, dense blobs were compared as partitions agreeing on 98%).
    use saferstats::hotspot::hdbscan::hdbscan;
    let runs = each_hdbscan_run(|name, lat, lon, run| {
        let mcs = run["min_cluster_size"].as_u64().unwrap() as usize;
        let ms = run["min_samples"].as_u64().map(|v| v as usize);
        let labels = hdbscan(lat, lon, mcs, ms).unwrap();
        assert_eq!(labels, ints(&run["labels"]), "{name} mcs {mcs}");
    });
    assert!(runs >= 12);
}

/// Calls `check(set name, lat, lon, run)` on every scikit-learn HDBSCAN run of the fixture's
/// point sets; returns how many runs there were.
fn each_hdbscan_run(mut check: impl FnMut(&str, &[f64], &[f64], &Value)) -> usize {
    let fx = fixture();
    let mut runs = 0;
    for set in fx["hdbscan"]["rows"].as_array().unwrap() {
        let (lat, lon) = (arr(&set["lat"]), arr(&set["lon"]));
        for run in set["runs"].as_array().unwrap() {
            check(set["name"].as_str().unwrap(), &lat, &lon, run);
            runs += 1;
        }
    }
    runs
}

#[test]
fn hdbscan_mst_and_tree_equal_sklearn_exactly_also_under_ties() {
    // 1. Prim's MST of mutual reachability: the same edges, in the same order, with the same
    //    distances as scikit-learn's mst_from_data_matrix (deterministic, CPU-independent).
    // 2. Given scikit-learn's own edge order (numpy argsort, stored), the tree processing gives
    //    scikit-learn's labels exactly, on every set including dense blobs with many ties.
    use saferstats::hotspot::hdbscan::labels_from_sorted_mst;
    let runs = each_hdbscan_run(|name, lat, lon, run| check_hdbscan_run(lat, lon, run, name));
    assert!(runs >= 12);
    // a non-tree or an unsorted edge list is an error, not a panic
    let bad = [(0usize, 1usize, 0.1), (1, 0, 0.2)];
    assert!(labels_from_sorted_mst(3, &bad, 2).is_err());
    let unsorted = [(0usize, 1usize, 0.3), (1, 2, 0.2)];
    assert!(labels_from_sorted_mst(3, &unsorted, 2).is_err());
    assert!(labels_from_sorted_mst(3, &[(0, 5, 0.1), (1, 2, 0.2)], 2).is_err());
}

#[test]
fn nnh_orders_equal_scipy_single_linkage() {
    let fx = load("nnh_reference.json"); // tests/fixtures/generate_nnh_fixtures.py (scipy)
    for row in fx["nnh"]["rows"].as_array().unwrap() {
        let name = row["name"].as_str().unwrap();
        let (x, y) = (arr(&row["x"]), arr(&row["y"]));
        let distance = match row["fixed"].as_f64() {
            Some(d) => NnhDistance::Fixed(d),
            None => NnhDistance::Random {
                area: row["area"].as_f64().unwrap(),
                p: row["p"].as_f64().unwrap(),
            },
        };
        let min_points = row["min_points"].as_u64().unwrap() as usize;
        let max_order = row["max_order"].as_u64().unwrap() as usize;
        let r = nnh(&x, &y, distance, min_points, max_order).unwrap();
        let want_t = arr(&row["thresholds"]);
        assert_eq!(r.thresholds.len(), want_t.len(), "{name}");
        for (a, b) in r.thresholds.iter().zip(&want_t) {
            assert!(
                (a - b).abs() <= 1e-9 * b.abs(),
                "{name}: threshold {a} vs {b}"
            );
        }
        let want: Vec<Vec<i64>> = row["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                l.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_i64().unwrap())
                    .collect()
            })
            .collect();
        assert_eq!(r.labels, want, "{name}");
        // cluster sizes add up through the orders
        for c in &r.clusters {
            let n = r.labels[c.order - 1]
                .iter()
                .filter(|&&l| l == c.id as i64)
                .count();
            assert_eq!(n, c.n_points, "{name} order {} cluster {}", c.order, c.id);
        }
    }
}

#[test]
fn nnh_bad_input_is_an_error() {
    let x = [0.0, 1.0, f64::NAN];
    let y = [0.0, 1.0, 2.0];
    assert!(nnh(&x, &y, NnhDistance::Fixed(1.0), 2, 2).is_err());
    let x = [0.0, 1.0, 2.0];
    assert!(nnh(&x, &y, NnhDistance::Fixed(0.0), 2, 2).is_err());
    assert!(nnh(&x, &y, NnhDistance::Fixed(1.0), 1, 2).is_err());
    assert!(nnh(&x, &y, NnhDistance::Fixed(1.0), 2, 0).is_err());
    assert!(nnh(&x, &y, NnhDistance::Random { area: -1.0, p: 0.5 }, 2, 1).is_err());
    assert!(nnh(&x[..2], &y, NnhDistance::Fixed(1.0), 2, 1).is_err());
}

/// Issue 16.3: HDBSCAN on collinear points returned never (vanishing grid cells); degenerate
/// inputs (collinear, identical, two points, huge spans) finish at once.
#[test]
fn hdbscan_degenerate_inputs_finish() {
    use saferstats::hotspot::hdbscan::hdbscan;
    let t = std::time::Instant::now();
    assert_eq!(
        hdbscan(&[51.0; 3], &[-0.1, -0.15, -0.2], 2, None)
            .unwrap()
            .len(),
        3
    );
    assert_eq!(hdbscan(&[51.0; 50], &[0.0; 50], 5, None).unwrap().len(), 50);
    let lat: Vec<f64> = (0..2000).map(|i| 51.0 + i as f64 * 1e-5).collect();
    let lon = vec![-0.1; 2000];
    assert_eq!(hdbscan(&lat, &lon, 5, None).unwrap().len(), 2000);
    let lon: Vec<f64> = (0..2000).map(|i| -179.0 + i as f64 * 0.179).collect();
    assert_eq!(hdbscan(&[0.0; 2000], &lon, 5, None).unwrap().len(), 2000);
    assert_eq!(
        hdbscan(&[-90.0, 90.0], &[-180.0, 180.0], 2, None).unwrap(),
        vec![-1, -1]
    );
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
}

/// Issue 16.7: collinear points have no outline (not the Earth's area), the centroid of a
/// cluster across ±180° is on the meridian (a spherical mean), missing times are skipped and
/// counted.
#[test]
fn cluster_summary_degenerate_and_meridian() {
    let lat = [51.0, 51.001, 51.002, 51.003];
    let lon = [-0.1, -0.1013, -0.1026, -0.1039];
    let s = cluster_summary(&lat, &lon, &[0; 4], None, Hull::Convex).unwrap();
    assert!(s[0].hull.is_empty() && s[0].area_m2 == 0.0, "{:?}", s[0]);
    let s = cluster_summary(
        &[51.0; 3],
        &[-0.1, -0.15, -0.2],
        &[0; 3],
        None,
        Hull::Convex,
    )
    .unwrap();
    assert_eq!(s[0].area_m2, 0.0);
    // three points across the meridian: centroid at ±180, a small outline
    let s = cluster_summary(
        &[0.0, 0.001, 0.0],
        &[179.9995, 180.0, -179.9995],
        &[0; 3],
        Some(&[3.0, f64::NAN, 1.0]),
        Hull::Convex,
    )
    .unwrap();
    assert!(
        (s[0].centroid_lon.abs() - 180.0).abs() < 1e-9,
        "{}",
        s[0].centroid_lon
    );
    assert!(
        s[0].area_m2 > 0.0 && s[0].area_m2 < 10_000.0,
        "{}",
        s[0].area_m2
    );
    assert_eq!(
        (s[0].first_time, s[0].last_time, s[0].missing_times),
        (1.0, 3.0, 1)
    );
}

/// Issue 18.2: DBSCAN across the 180° meridian (scikit-learn: one cluster).
#[test]
fn dbscan_wraps_the_antimeridian() {
    let (l, _) = dbscan(&[0.0, 0.0], &[179.9999, -179.9999], 60.0, 2).unwrap();
    assert_eq!(l, vec![0, 0]);
    // also through the coarse grid (wide latitude band)
    let (l, _) = dbscan(&[0.0, 0.0, 70.0], &[180.0, -179.9999, 0.0], 60.0, 2).unwrap();
    assert_eq!(l, vec![0, 0, -1]);
}

/// Issue 16.6: a set cancellation flag stops every long computation with `Error::Interrupted`.
#[test]
fn cancelled_computations_return_interrupted() {
    use saferstats::hotspot::cancel::Cancel;
    use saferstats::Error;
    let c = Cancel::new();
    c.cancel();
    let lat: Vec<f64> = (0..500).map(|i| 51.0 + (i % 23) as f64 * 1e-4).collect();
    let lon: Vec<f64> = (0..500).map(|i| -0.1 + (i % 17) as f64 * 1e-4).collect();
    let x: Vec<f64> = (0..500).map(|i| (i % 23) as f64 * 10.0).collect();
    let y: Vec<f64> = (0..500).map(|i| (i % 17) as f64 * 10.0).collect();
    let t: Vec<f64> = (0..500).map(|i| (i % 31) as f64).collect();
    assert_eq!(
        dbscan_with(&lat, &lon, 50.0, 3, &c),
        Err(Error::Interrupted)
    );
    assert_eq!(
        saferstats::hotspot::hdbscan::mutual_reachability_mst_with(&lat, &lon, 5, &c),
        Err(Error::Interrupted)
    );
    let g = GridSpec::covering(0.0, 200.0, 0.0, 200.0, 5.0).unwrap();
    assert_eq!(
        kde_grid_with(&x, &y, None, 30.0, Kernel::Quartic, &g, &c),
        Err(Error::Interrupted)
    );
    let w = Weights::lattice(20, 25, true).unwrap();
    assert_eq!(
        gi_star_with(&t, &w, Transform::Binary, 99, 1, &c),
        Err(Error::Interrupted)
    );
    assert_eq!(
        local_moran_with(&t, &w, Transform::Row, 99, 1, &c),
        Err(Error::Interrupted)
    );
    assert_eq!(
        knox_with(
            &x,
            &y,
            &t,
            &[0., 50., 200.],
            &[0., 3., 10.],
            9,
            1,
            Metric::Euclidean,
            &c
        ),
        Err(Error::Interrupted)
    );
    assert_eq!(
        Weights::distance_band_with(&x, &y, 30.0, true, &c),
        Err(Error::Interrupted)
    );
    assert_eq!(
        saferstats::hotspot::nnh::nnh_with(&x, &y, NnhDistance::Fixed(15.0), 3, 2, &c).map(|_| ()),
        Err(Error::Interrupted)
    );
}

/// Issue 16.4: sizes that cannot be allocated are refused with the size (no abort, no overflow).
#[test]
fn oversized_inputs_are_refused_before_allocating() {
    let e = Weights::lattice(100_000, 100_000, true)
        .unwrap_err()
        .to_string();
    assert!(e.contains("10000000000 units"), "{e}");
    assert!(Weights::lattice(1 << 33, 1 << 31, false).is_err());
    assert!(Weights::lattice(usize::MAX, usize::MAX, false).is_err());
    let e = Weights::from_adjacency(&[0], &[1], None, 1_000_000_000_000)
        .unwrap_err()
        .to_string();
    assert!(e.contains("1000000000000 units"), "{e}");
    let e = Weights::distance_band(&[0.0, 0.0], &[0.0, 0.0], 1.0, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("points 0 and 1 are at the same location"), "{e}");
    let edges: Vec<f64> = (0..2001).map(f64::from).collect();
    let e = knox(
        &[0.0, 1.0],
        &[0.0, 0.0],
        &[0.0, 1.0],
        &edges,
        &edges,
        0,
        1,
        Metric::Euclidean,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("4000000 cells"), "{e}");
    // repeated pairs are summed in input order; indices are checked per argument
    let w = Weights::from_adjacency(&[0, 0, 1], &[1, 1, 0], Some(&[0.5, 0.25, 2.0]), 2).unwrap();
    assert_eq!((w.row(0).1, w.row(1).1), (&[0.75][..], &[2.0][..]));
    assert!(Weights::from_adjacency(&[0], &[5], None, 2)
        .unwrap_err()
        .to_string()
        .contains("`neighbor`"));
}

/// Issue 16.3/16.8: coordinates at the ends of the float range give answers or errors, never an
/// overflow panic (cell indices saturate; neighbouring cells past the end are skipped).
#[test]
fn extreme_projected_coordinates_do_not_overflow() {
    let big = [1e300, -1e300, 1e300, 1e300 + 1e285, 0.0];
    let t = [0.0, 1.0, 2.0, 3.0, 4.0];
    let k = knox(
        &big,
        &big,
        &t,
        &[0.0, 1e286, f64::INFINITY],
        &[0.0, 2.0, f64::INFINITY],
        3,
        1,
        Metric::Euclidean,
    )
    .unwrap();
    assert_eq!(k.observed.iter().sum::<f64>(), 10.0);
    let w = Weights::distance_band(&big, &big, 1e286, true).unwrap();
    assert_eq!(w.cardinality(0), 2); // 0, 2 and 3 are within 1e286 of each other
    let r = nnh(&big, &big, NnhDistance::Fixed(1e286), 2, 2).unwrap();
    assert_eq!(r.labels[0], vec![0, -1, 0, 0, -1]);
}

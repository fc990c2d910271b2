//! HDBSCAN on duplicate-heavy points (issue 17): identical coordinates are collapsed to weighted
//! distinct locations inside the core, and the result must stay scikit-learn's — the Prim MST edge
//! for edge (sources and order included) and, given scikit-learn's edge order, the labels.
//! Fixture: tests/fixtures/generate_hdbscan_duplicates_fixtures.py (scikit-learn HDBSCAN, haversine).

mod common;

use std::io::Read;

use common::{arr, check_hdbscan_run};
use saferstats::hotspot::hdbscan::{hdbscan, mutual_reachability_mst};
use serde_json::Value;

fn fixture() -> Value {
    let path = format!(
        "{}/tests/fixtures/hdbscan_duplicates_sklearn.json.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("fixture"))
        .read_to_string(&mut text)
        .expect("gzip fixture");
    serde_json::from_str(&text).expect("fixture is valid JSON")
}

#[test]
fn synthetic_duplicates_mst_and_labels_equal_sklearn() {
    let fx = fixture();
    let s = &fx["synthetic"];
    let (lat, lon) = (arr(&s["lat"]), arr(&s["lon"]));
    let mut runs = 0;
    for run in s["runs"].as_array().unwrap() {
        check_hdbscan_run(&lat, &lon, run, "synthetic");
        runs += 1;
    }
    assert!(runs >= 7);
}

/// Copies of a location are interchangeable: permuting which point carries which copy index only
/// permutes the MST's copy edges; a location with multiplicity ≥ min_samples has core distance 0,
/// so all its copies join at distance 0; every point appears in the MST once as a destination.
#[test]
fn copies_join_at_their_core_distance_and_everything_is_spanned() {
    // 3 locations, multiplicities 1, 4 (= min_samples) and 9; plus one far point
    let mut lat = vec![];
    let mut lon = vec![];
    for (la, lo, m) in [
        (51.75, -0.34, 1usize),
        (51.7501, -0.3401, 4),
        (51.7503, -0.3398, 9),
        (51.8, -0.3, 1),
    ] {
        for _ in 0..m {
            lat.push(la);
            lon.push(lo);
        }
    }
    let mst = mutual_reachability_mst(&lat, &lon, 4).unwrap();
    assert_eq!(mst.len(), lat.len() - 1);
    let mut reached = vec![false; lat.len()];
    reached[0] = true;
    for e in &mst {
        assert!(!reached[e.1], "point {} reached twice", e.1);
        reached[e.1] = true;
    }
    assert!(reached.iter().all(|&r| r));
    // the copies of the 4- and 9-point locations: zero-length edges among themselves
    let zero = mst.iter().filter(|e| e.2 == 0.0).count();
    assert_eq!(zero, 3 + 8);
    let labels = hdbscan(&lat, &lon, 4, None).unwrap();
    assert_eq!(labels.len(), lat.len());
    // all copies of one location share a label
    assert!(labels[1..5].iter().all(|&l| l == labels[1]));
    assert!(labels[5..14].iter().all(|&l| l == labels[5]));
}

/// One location only (every point identical) and two locations: no panic, every point labelled.
#[test]
fn one_or_two_locations() {
    let l = hdbscan(&[51.7; 40], &[-0.3; 40], 5, None).unwrap();
    assert_eq!(l.len(), 40);
    let lat: Vec<f64> = (0..40)
        .map(|i| if i % 2 == 0 { 51.7 } else { 51.71 })
        .collect();
    let l = hdbscan(&lat, &[-0.3; 40], 5, None).unwrap();
    assert_eq!(l.len(), 40);
    assert!(l.iter().all(|&v| v >= -1));
}

//! Helpers shared by the integration tests: fixtures (`tests/fixtures/`), JSON columns and
//! tolerance checks. Each test file includes this with `mod common;` and uses what it needs.
#![allow(dead_code)]

use serde_json::Value;

/// A JSON fixture from `tests/fixtures/`.
pub fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture file readable");
    serde_json::from_str(&text).expect("fixture is valid JSON")
}

/// A JSON array of numbers.
pub fn arr(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// A JSON array of integers.
pub fn ints(v: &Value) -> Vec<i64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_i64().expect("integer"))
        .collect()
}

/// A number field of a fixture row.
pub fn g(r: &Value, k: &str) -> f64 {
    r[k].as_f64().unwrap_or_else(|| panic!("{k} in {r}"))
}

/// `got` within relative tolerance `rel` of `want` (absolute below 1e-12).
#[track_caller]
pub fn close(got: f64, want: f64, rel: f64, what: &str) {
    assert!(
        (got - want).abs() <= rel * want.abs().max(1e-12),
        "{what}: got {got}, want {want}"
    );
}

/// Reproducible uniform draws in [0, 1) (a 64-bit LCG) for random test points.
pub fn uniform(mut s: u64) -> impl FnMut() -> f64 {
    move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One scikit-learn HDBSCAN run of a fixture (`min_cluster_size`, `min_samples` (default
/// `min_cluster_size`), `mst_from`, `mst_to`, `mst_distance`, `argsort`, `labels`) checked
/// against the core: Prim's mutual-reachability MST edge for edge (same order, distances to
/// 1e-15), then, given scikit-learn's own edge order, its labels exactly. `what` names the data.
#[track_caller]
pub fn check_hdbscan_run(lat: &[f64], lon: &[f64], run: &Value, what: &str) {
    use saferstats::hotspot::hdbscan::{labels_from_sorted_mst, mutual_reachability_mst};
    let mcs = run["min_cluster_size"].as_u64().unwrap() as usize;
    let ms = run["min_samples"].as_u64().map_or(mcs, |v| v as usize);
    let mst = mutual_reachability_mst(lat, lon, ms).unwrap();
    let (from, to, dist) = (
        ints(&run["mst_from"]),
        ints(&run["mst_to"]),
        arr(&run["mst_distance"]),
    );
    assert_eq!(mst.len(), from.len(), "{what} mcs {mcs} ms {ms}");
    for (k, e) in mst.iter().enumerate() {
        assert_eq!(
            (e.0 as i64, e.1 as i64),
            (from[k], to[k]),
            "{what} mcs {mcs} ms {ms}: edge {k}"
        );
        assert!((e.2 - dist[k]).abs() <= 1e-15 * dist[k].abs().max(1e-300));
    }
    let sorted: Vec<(usize, usize, f64)> = ints(&run["argsort"])
        .iter()
        .map(|&k| mst[k as usize])
        .collect();
    let labels = labels_from_sorted_mst(lat.len(), &sorted, mcs).unwrap();
    assert_eq!(labels, ints(&run["labels"]), "{what} mcs {mcs} ms {ms}");
}

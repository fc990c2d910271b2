//! Point-in-polygon index (`saferstats::geography::areas`): the grid answer equals the exhaustive
//! even–odd test everywhere (including on boundaries and vertices), agrees with `geo`'s `Contains`
//! (an independent implementation) off the boundaries, assigns every point of a tiling exactly
//! once, and rejects bad input.

use geo::{Contains, Coord, Intersects, LineString, MultiPolygon, Point, Polygon};
use proptest::prelude::*;
use saferstats::geography::{AreaIndex, AreaIndexOptions, NO_AREA};

/// A jittered n×n tiling of [0, n]²: tile (i, j) is the quadrilateral on the jittered lattice
/// vertices; neighbouring tiles share their edges exactly.
fn tiling(n: usize, jitter: &[f64]) -> Vec<MultiPolygon<f64>> {
    let v = |i: usize, j: usize| -> Coord<f64> {
        let k = (i * (n + 1) + j) * 2;
        // boundary vertices stay on the square's sides, so the union is [0, n]²
        let dx = if i == 0 || i == n {
            0.0
        } else {
            jitter[k % jitter.len()]
        };
        let dy = if j == 0 || j == n {
            0.0
        } else {
            jitter[(k + 1) % jitter.len()]
        };
        Coord {
            x: i as f64 + dx,
            y: j as f64 + dy,
        }
    };
    let mut out = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let ring = vec![v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1), v(i, j)];
            out.push(MultiPolygon::new(vec![Polygon::new(
                LineString::new(ring),
                vec![],
            )]));
        }
    }
    out
}

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Every vertex, every edge midpoint (rounded), and random points.
fn probe_points(
    areas: &[MultiPolygon<f64>],
    rng: &mut Lcg,
    lo: f64,
    hi: f64,
    n: usize,
) -> Vec<(f64, f64)> {
    let mut pts = Vec::new();
    for mp in areas {
        for poly in mp {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for w in ring.0.windows(2) {
                    pts.push((w[0].x, w[0].y));
                    pts.push(((w[0].x + w[1].x) / 2.0, (w[0].y + w[1].y) / 2.0));
                }
            }
        }
    }
    for _ in 0..n {
        pts.push((lo + (hi - lo) * rng.next(), lo + (hi - lo) * rng.next()));
    }
    pts
}

fn check_against_references(
    areas: &[MultiPolygon<f64>],
    pts: &[(f64, f64)],
    opts: &AreaIndexOptions,
) {
    let idx = AreaIndex::from_multipolygons(areas, opts).unwrap();
    let (x, y): (Vec<f64>, Vec<f64>) = pts.iter().copied().unzip();
    let got = idx.locate(&x, &y);
    for (k, &(px, py)) in pts.iter().enumerate() {
        assert_eq!(
            got[k],
            idx.locate_exhaustive(px, py),
            "point ({px}, {py}): grid vs exhaustive"
        );
        // geo's Contains excludes boundary points; off the boundary the two must agree
        let p = Point::new(px, py);
        let containing: Vec<u32> = areas
            .iter()
            .enumerate()
            .filter(|(_, a)| a.contains(&p))
            .map(|(i, _)| i as u32)
            .collect();
        if let Some(&first) = containing.first() {
            // lowest index wins: an area of lower index may hold the point on its boundary
            // (overlapping areas), otherwise the answer is the area strictly containing it
            assert!(
                got[k] <= first,
                "point ({px}, {py}) is strictly inside area {first}, got {}",
                got[k]
            );
            if got[k] != first {
                assert!(
                    areas[got[k] as usize].intersects(&p),
                    "({px}, {py}) not on area {}",
                    got[k]
                );
            }
        }
    }
}

#[test]
fn grid_matches_exhaustive_and_geo_on_a_jittered_tiling() {
    let mut rng = Lcg(7);
    let jitter: Vec<f64> = (0..400).map(|_| (rng.next() - 0.5) * 0.6).collect();
    let areas = tiling(8, &jitter);
    let pts = probe_points(&areas, &mut rng, -0.5, 8.5, 20_000);
    for opts in [
        AreaIndexOptions::default(),
        AreaIndexOptions {
            cells_per_edge: 0.05,
            max_cells: 1 << 22,
        }, // coarse: many edges per cell
        AreaIndexOptions {
            cells_per_edge: 500.0,
            max_cells: 1 << 20,
        }, // fine: edges span many cells
    ] {
        check_against_references(&areas, &pts, &opts);
    }
}

#[test]
fn every_point_of_a_tiling_is_assigned_exactly_once() {
    // integer lattice: points on shared edges and vertices, grid lines on round numbers
    let areas = tiling(6, &[0.0]);
    let idx = AreaIndex::from_multipolygons(&areas, &AreaIndexOptions::default()).unwrap();
    let (mut x, mut y) = (vec![], vec![]);
    for i in 0..=24 {
        for j in 0..=24 {
            x.push(i as f64 * 0.25);
            y.push(j as f64 * 0.25);
        }
    }
    let got = idx.locate(&x, &y);
    for k in 0..x.len() {
        let (px, py) = (x[k], y[k]);
        if px < 6.0 && py < 6.0 {
            // nudged east then north: tile (floor x, floor y)
            let expect = (px.floor() as u32) * 6 + py.floor() as u32;
            assert_eq!(got[k], expect, "({px}, {py})");
        } else {
            // on the east or north outer edge: the area lies west / south of the point
            assert_eq!(got[k], NO_AREA, "({px}, {py})");
        }
    }
}

#[test]
fn holes_enclaves_and_multipolygons() {
    // area 0: square with a hole; area 1: the enclave filling the hole; area 2: two islands
    let sq = |x0: f64, y0: f64, s: f64| {
        LineString::from(vec![
            (x0, y0),
            (x0 + s, y0),
            (x0 + s, y0 + s),
            (x0, y0 + s),
            (x0, y0),
        ])
    };
    let areas = vec![
        MultiPolygon::new(vec![Polygon::new(
            sq(0.0, 0.0, 10.0),
            vec![sq(3.0, 3.0, 4.0)],
        )]),
        MultiPolygon::new(vec![Polygon::new(sq(3.0, 3.0, 4.0), vec![])]),
        MultiPolygon::new(vec![
            Polygon::new(sq(20.0, 0.0, 1.0), vec![]),
            Polygon::new(sq(30.0, 5.0, 1.0), vec![]),
        ]),
    ];
    let idx = AreaIndex::from_multipolygons(&areas, &AreaIndexOptions::default()).unwrap();
    let got = idx.locate(
        &[1.0, 5.0, 3.0, 7.0, 20.5, 30.5, 25.0, 15.0],
        &[1.0, 5.0, 5.0, 5.0, 0.5, 5.5, 0.5, 5.0],
    );
    // (3, 5): west edge of the hole -> enclave (east of it); (7, 5): east edge -> ring (east of it)
    assert_eq!(got, vec![0, 1, 1, 0, 2, 2, NO_AREA, NO_AREA]);
    let mut rng = Lcg(3);
    let pts = probe_points(&areas, &mut rng, -1.0, 32.0, 5_000);
    check_against_references(&areas, &pts, &AreaIndexOptions::default());
}

#[test]
fn overlapping_areas_lowest_index_and_many_candidates_per_cell() {
    // one large square and 100 small squares that overlap it, all inside one coarse grid cell
    let sq = |x0: f64, y0: f64, s: f64| {
        Polygon::new(
            LineString::from(vec![(x0, y0), (x0 + s, y0), (x0 + s, y0 + s), (x0, y0 + s)]),
            vec![],
        )
    };
    let mut areas = vec![];
    for k in 0..100 {
        areas.push(MultiPolygon::new(vec![sq(0.001 * k as f64, 0.0, 0.0005)]));
    }
    areas.push(MultiPolygon::new(vec![sq(-500.0, -500.0, 1000.0)]));
    let idx = AreaIndex::from_multipolygons(&areas, &AreaIndexOptions::default()).unwrap();
    let got = idx.locate(
        &[0.00025, 0.0502, 0.0509, 100.0],
        &[0.00025, 0.00025, 0.00025, 100.0],
    );
    assert_eq!(got, vec![0, 50, 100, 100]);
    let mut rng = Lcg(11);
    let mut pts = probe_points(&areas, &mut rng, -0.01, 0.11, 3_000);
    pts.extend((0..500).map(|_| (rng.next() * 0.1, rng.next() * 0.001)));
    check_against_references(&areas, &pts, &AreaIndexOptions::default());
}

#[test]
fn missing_and_out_of_grid_points_are_no_area() {
    let areas = tiling(2, &[0.0]);
    let idx = AreaIndex::from_multipolygons(&areas, &AreaIndexOptions::default()).unwrap();
    let got = idx.locate(
        &[f64::NAN, 0.5, f64::INFINITY, -1e300, 1e300, 0.5],
        &[0.5, f64::NAN, 0.5, 0.5, 0.5, -1e-300],
    );
    assert_eq!(got, vec![NO_AREA; 6]);
    assert!(idx.try_locate(&[0.5], &[0.5, 0.5]).is_err());
}

#[test]
fn bad_boundaries_are_errors_naming_the_argument() {
    let o = AreaIndexOptions::default();
    let err = |r: saferstats::Result<AreaIndex>| r.unwrap_err().to_string();
    type Case<'a> = (&'a [f64], &'a [f64], &'a [usize], &'a [u32], usize, &'a str);
    #[rustfmt::skip]
    let cases: [Case; 7] = [
        (&[0.0, 1.0, f64::NAN], &[0.0, 0.0, 1.0], &[0, 3], &[0], 1, "`x` at position 2"),
        (&[0.0, 1.0], &[0.0, 0.0], &[0, 2], &[0], 1, "ring_offsets"),
        (&[0.0, 1.0, 0.0], &[0.0, 0.0, 1.0], &[0, 3], &[4], 1, "ring_area"),
        (&[0.0, 1.0, 0.0], &[0.0, 0.0, 1.0], &[0, 2], &[0], 1, "ring_offsets"),
        (&[0.0, 1.0, 0.0], &[0.0, 0.0], &[0, 3], &[0], 1, "length mismatch"),
        (&[0.0, 0.0, 0.0], &[1.0, 1.0, 1.0], &[0, 3], &[0], 1, "no edges"),
        (&[0.0, 1.0, 0.0], &[0.0, 0.0, 1.0], &[0, 3], &[0], 0, "n_areas"),
    ];
    for (x, y, offsets, areas, n, want) in cases {
        assert!(err(AreaIndex::from_rings(x, y, offsets, areas, n, &o)).contains(want));
    }
    for (bad, want) in [
        (
            AreaIndexOptions {
                cells_per_edge: f64::NAN,
                max_cells: 10,
            },
            "cells_per_edge",
        ),
        (
            AreaIndexOptions {
                cells_per_edge: 1.0,
                max_cells: 0,
            },
            "max_cells",
        ),
    ] {
        let triangle = ([0.0, 1.0, 0.0], [0.0, 0.0, 1.0]);
        let index = AreaIndex::from_rings(&triangle.0, &triangle.1, &[0, 3], &[0], 1, &bad);
        assert!(err(index).contains(want));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
    /// Random jittered tilings (coordinates snapped to a 1/64 lattice so that vertices, edges and
    /// grid lines coincide often) and random grid fineness: grid answer == exhaustive answer.
    #[test]
    fn grid_equals_exhaustive(seed in 0u64..1_000_000, n in 1usize..7, fine in 0.02f64..200.0) {
        let mut rng = Lcg(seed);
        let jitter: Vec<f64> = (0..200).map(|_| ((rng.next() - 0.5) * 40.0).round() / 64.0).collect();
        let areas = tiling(n, &jitter);
        let mut pts = probe_points(&areas, &mut rng, -0.3, n as f64 + 0.3, 400);
        pts.extend((0..400).map(|_| (((rng.next() * (n as f64 + 0.5)) * 64.0).round() / 64.0, ((rng.next() * (n as f64 + 0.5)) * 64.0).round() / 64.0)));
        let idx = AreaIndex::from_multipolygons(&areas, &AreaIndexOptions { cells_per_edge: fine, max_cells: 1 << 18 }).unwrap();
        let (x, y): (Vec<f64>, Vec<f64>) = pts.iter().copied().unzip();
        let got = idx.locate(&x, &y);
        for (k, &(px, py)) in pts.iter().enumerate() {
            prop_assert_eq!(got[k], idx.locate_exhaustive(px, py), "({}, {})", px, py);
            // inside the tiled square every point belongs to exactly one tile
            if px >= 0.0 && py >= 0.0 && px < n as f64 && py < n as f64 {
                prop_assert!(got[k] != NO_AREA, "({}, {}) unassigned inside the tiling", px, py);
            }
        }
    }
}

/// The bundled-source boundaries (361 UK local authorities, ultra-generalised): the grid equals
/// the exhaustive test and `geo` on 4,000 random points over Great Britain and 4,000 vertices.
/// Skips when `../shared/data` is absent.
#[test]
fn real_local_authority_boundaries() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/boundaries/boundaries_ltla24.geojson");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} not found", path.display());
        return;
    };
    let gj: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ring = |r: &serde_json::Value| -> LineString<f64> {
        LineString::from(
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
                .collect::<Vec<_>>(),
        )
    };
    let areas: Vec<MultiPolygon<f64>> = gj["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            MultiPolygon::new(
                f["geometry"]["coordinates"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|poly| {
                        let rings = poly.as_array().unwrap();
                        Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
                    })
                    .collect(),
            )
        })
        .collect();
    assert_eq!(areas.len(), 361);
    let mut rng = Lcg(2024);
    let mut pts = probe_points(&areas, &mut rng, 0.0, 1.0, 0);
    pts.truncate(4_000);
    pts.extend((0..4_000).map(|_| (-8.7 + 10.6 * rng.next(), 49.8 + 11.0 * rng.next())));
    check_against_references(&areas, &pts, &AreaIndexOptions::default());
}

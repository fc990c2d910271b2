//! DBSCAN on latitude/longitude with the haversine metric, with scikit-learn's exact semantics.
//!
//! Method (Ester et al. 1996; `sklearn.cluster.DBSCAN(metric="haversine")`, docs/methods/hotspots.md C1):
//! the neighbourhood of p is every q with haversine distance ≤ eps, **including p**; p is a core
//! point when its neighbourhood has ≥ `min_samples` points; clusters are the connected components
//! of core points (core–core within eps); a non-core point within eps of a core is a border point
//! of the **first** cluster that reaches it, clusters being expanded in order of their
//! lowest-index core point (scikit-learn's loop), and labels are numbered 0, 1, … in that order;
//! everything else is noise (−1).
//!
//! Distances are computed exactly as scikit-learn's haversine (2·asin√(sin²(Δφ/2) +
//! cos φ₁ cos φ₂ sin²(Δλ/2)) in radians, compared with eps/R), so labels are identical. Points are
//! sorted into a grid of cells so small that any two points in a cell are provably within eps
//! (Gunawan 2013; Gan & Tao 2015): a cell with ≥ min_samples points is all core without counting,
//! the core points of a cell are one cluster without distance checks, and two cells are joined by
//! the first core pair found within eps. Memory is O(n): neighbourhoods are never stored
//! (scikit-learn's `radius_neighbors` lists need O(n·k)). Data spanning a wide band of latitude
//! (cos φ varying more than 4×) or reaching a pole use a plain 3×3 grid search instead; both give
//! the same labels (tested). Longitude columns are cyclic, so neighbours across the ±180° meridian
//! are found as scikit-learn finds them (tested against its labels).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::{Error, Result};

use super::cancel::Cancel;
use super::index::{
    abs_lat_range, column_runs, haversine_cos, lon_column, min_max, to_radians_indexed,
    ConcurrentUnionFind, Grid,
};
pub use super::index::{haversine_rad, to_radians_checked};
use super::EARTH_RADIUS_M;

uninterruptible! {
    /// DBSCAN labels (−1 noise) and core flags for points in degrees, with `eps_m` in metres.
    ///
    /// # Errors
    /// Latitude/longitude missing or out of range (error names the row), length mismatch,
    /// `eps_m` ≤ 0 or not finite, `min_samples` < 1.
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::dbscan::dbscan;
    /// // docs/methods/hotspots.md C1 oracle: eps 60 m, min_samples 3
    /// let lat = [51.5, 51.5003, 51.5001, 51.4998, 51.503, 51.5032, 51.5029, 51.5006, 51.51, 51.49, 51.505, 51.5031];
    /// let lon = [-0.12, -0.1201, -0.1196, -0.1204, -0.115, -0.1148, -0.1147, -0.1192, -0.1, -0.14, -0.13, -0.1153];
    /// let (labels, _core) = dbscan(&lat, &lon, 60.0, 3).unwrap();
    /// assert_eq!(labels, [0, 0, 0, 0, 1, 1, 1, -1, -1, -1, -1, 1]);
    /// ```
    pub fn dbscan(lat: &[f64], lon: &[f64], eps_m: f64, min_samples: usize) -> Result<(Vec<i64>, Vec<bool>)> = dbscan_with;
}

/// [`dbscan`] that stops with [`Error::Interrupted`] soon after `cancel` is set.
///
/// # Errors
/// As [`dbscan`]; [`Error::Interrupted`] when cancelled.
pub fn dbscan_with(
    lat: &[f64],
    lon: &[f64],
    eps_m: f64,
    min_samples: usize,
    cancel: &Cancel,
) -> Result<(Vec<i64>, Vec<bool>)> {
    if !(eps_m.is_finite() && eps_m > 0.0) {
        return Err(Error::argument(
            "eps_m",
            format!("must be a positive distance in metres, got {eps_m}"),
        ));
    }
    if min_samples < 1 {
        return Err(Error::argument(
            "min_samples",
            "must be at least 1 (it counts the point itself)",
        ));
    }
    let (la, lo) = to_radians_indexed(lat, lon)?;
    let eps = eps_m / EARTH_RADIUS_M;
    let out = match FineGrid::new(&la, &lo, eps) {
        Some(g) => dbscan_fine(&g, &la, eps, min_samples, cancel),
        None => dbscan_coarse(&la, &lo, eps, min_samples, cancel),
    };
    cancel.check()?;
    Ok(out)
}

/// Labels from core flags and component roots: components numbered in order of their lowest core
/// index (the root), as scikit-learn's expansion loop numbers them.
fn number_components(core: &[bool], root: impl Fn(usize) -> u32) -> Vec<i64> {
    let mut labels = vec![-1i64; core.len()];
    let mut label_of_root: HashMap<u32, i64> = HashMap::new();
    for (i, &c) in core.iter().enumerate() {
        if c {
            let next = label_of_root.len() as i64;
            labels[i] = *label_of_root.entry(root(i)).or_insert(next);
        }
    }
    labels
}

/// DBSCAN with the 3×3 coarse grid (cells ≥ eps); used where the fine grid does not apply
/// (data spanning a wide band of latitude, or near the poles).
fn dbscan_coarse(
    la: &[f64],
    lo: &[f64],
    eps: f64,
    min_samples: usize,
    cancel: &Cancel,
) -> (Vec<i64>, Vec<bool>) {
    let n = la.len();
    let grid = Grid::new(la, lo, eps);
    let cs: Vec<f64> = la.iter().map(|v| v.cos()).collect();
    // exact neighbour test; |dlat| > eps already implies distance > eps (meridian arc bound)
    let within = |i: usize, lat_j: f64, lon_j: f64, cos_j: f64| -> bool {
        (la[i] - lat_j).abs() <= eps
            && haversine_cos(la[i], lo[i], cs[i], lat_j, lon_j, cos_j) <= eps
    };
    // 1. core points: neighbourhood size (self included) >= min_samples
    let core: Vec<bool> = (0..n)
        .into_par_iter()
        .with_min_len(256)
        .map(|i| {
            if cancel.is_cancelled() {
                return false;
            }
            let mut count = 0usize;
            grid.for_candidates(la[i], lo[i], |_, a, b, c| {
                if within(i, a, b, c) {
                    count += 1;
                }
                count < min_samples // stop as soon as the point is known to be core
            });
            count >= min_samples
        })
        .collect();
    // 2. connect core points within eps: a union-find shared by the threads (O(n) memory, no
    // edge lists), skipping pairs already known to be connected
    let uf = ConcurrentUnionFind::new(n);
    (0..n)
        .into_par_iter()
        .with_min_len(64)
        .filter(|&i| core[i])
        .for_each(|i| {
            if cancel.is_cancelled() {
                return;
            }
            grid.for_candidates(la[i], lo[i], |j, a, b, c| {
                if j > i && core[j] && uf.find(i as u32) != uf.find(j as u32) && within(i, a, b, c)
                {
                    uf.union(i as u32, j as u32);
                }
                true
            });
        });
    let roots = uf.into_roots();
    // 3. label components in order of their lowest core index (the root)
    let mut labels = number_components(&core, |i| roots[i]);
    // 4. border points: the lowest label among the cores within eps
    let core_labels = labels.clone();
    let border = border_labels(
        n,
        |i| core[i],
        cancel,
        |i| {
            let mut best = i64::MAX;
            grid.for_candidates(la[i], lo[i], |j, a, b, c| {
                if core[j] && core_labels[j] < best && within(i, a, b, c) {
                    best = core_labels[j];
                }
                best > 0 // label 0 cannot be beaten
            });
            best
        },
    );
    for (i, l) in border {
        labels[i] = l;
    }
    (labels, core)
}

/// Step 4 of both DBSCAN paths: every non-core point (in parallel, polling `cancel`) with the
/// label `best_core` finds for it — the lowest label among the cores within eps, `i64::MAX` when
/// there is none (the point stays noise and is not listed).
fn border_labels(
    n: usize,
    is_core: impl Fn(usize) -> bool + Sync,
    cancel: &Cancel,
    best_core: impl Fn(usize) -> i64 + Sync,
) -> Vec<(usize, i64)> {
    (0..n)
        .into_par_iter()
        .with_min_len(256)
        .filter(|&i| !is_core(i) && !cancel.is_cancelled())
        .filter_map(|i| {
            let best = best_core(i);
            (best != i64::MAX).then_some((i, best))
        })
        .collect()
}

/// A grid of cells small enough that any two points in one cell are within eps of each other
/// (cell sides s = √2·sin(eps/2) in latitude and at most s / cos φ_min in longitude, so that
/// hav(d) ≤ s²/2 < hav(eps) inside a cell), with the points sorted by cell (row-major). Whole
/// cells are then core (≥ min_samples points) or joined without distance checks — the grid
/// DBSCAN of Gunawan (2013) / Gan & Tao (2015), with exact haversine tests between cells.
/// Longitude columns tile the circle and wrap at ±180°.
pub(crate) struct FineGrid {
    reach_r: i64,
    reach_c: i64,
    cols: i64,
    /// sorted position -> original index
    order: Vec<u32>,
    lat: Vec<f64>,
    lon: Vec<f64>,
    cos: Vec<f64>,
    /// keys of the non-empty cells, sorted; cell k holds positions start[k]..start[k + 1]
    cells: Vec<(i64, i64)>,
    start: Vec<usize>,
}

impl FineGrid {
    /// `None` where the latitude band is too wide for one longitude cell size (cos φ varies by
    /// more than 4×) or the points come within ~0.06° of a pole.
    pub(crate) fn new(la: &[f64], lo: &[f64], eps: f64) -> Option<Self> {
        if la.is_empty() {
            return None;
        }
        let (mn, mx) = min_max(la);
        let (min_abs, max_abs) = abs_lat_range(mn, mx);
        let c_max = min_abs.cos();
        let c_min = (max_abs + eps).min(std::f64::consts::FRAC_PI_2).cos();
        if c_min < 1e-3 || c_max / c_min > 4.0 {
            return None;
        }
        let s = std::f64::consts::SQRT_2 * (0.5 * eps).sin() * (1.0 - 1e-9);
        let cell_lat = s;
        // cyclic columns no wider than s / c_max (at least 3 columns, so that the ±180° seam is
        // a boundary between two columns)
        let cols = ((std::f64::consts::TAU * c_max / s).ceil() as i64).max(3);
        let cell_lon = std::f64::consts::TAU / cols as f64;
        // rows: |Δφ| ≤ eps; columns: hav(Δλ) ≤ hav(eps) / cos φ₁ cos φ₂ ≤ hav(eps) / c_min²
        let dlon_max = 2.0 * ((0.5 * eps).sin() / c_min).min(1.0).asin() * (1.0 + 1e-9);
        let reach_r = (eps * (1.0 + 1e-9) / cell_lat).floor() as i64 + 1;
        let reach_c = (dlon_max / cell_lon).floor() as i64 + 1;
        if reach_c > 64 {
            return None;
        }
        let key = |i: usize| {
            (
                (la[i] / cell_lat).floor() as i64,
                lon_column(lo[i], cell_lon, cols),
            )
        };
        let mut idx: Vec<u32> = (0..la.len() as u32).collect();
        idx.par_sort_unstable_by_key(|&i| (key(i as usize), i));
        let mut cells = Vec::new();
        let mut start = Vec::new();
        for (p, &i) in idx.iter().enumerate() {
            let k = key(i as usize);
            if cells.last() != Some(&k) {
                cells.push(k);
                start.push(p);
            }
        }
        start.push(idx.len());
        Some(FineGrid {
            reach_r,
            reach_c,
            cols,
            lat: idx.iter().map(|&i| la[i as usize]).collect(),
            lon: idx.iter().map(|&i| lo[i as usize]).collect(),
            cos: idx.iter().map(|&i| la[i as usize].cos()).collect(),
            order: idx,
            cells,
            start,
        })
    }

    fn range(&self, k: usize) -> std::ops::Range<usize> {
        self.start[k]..self.start[k + 1]
    }

    /// Call `f(m)` for every non-empty cell m within reach of cell k (k included; columns wrap
    /// at ±180°), each once, until `f` returns false.
    fn for_near_cells(&self, k: usize, mut f: impl FnMut(usize) -> bool) {
        let (r, c) = self.cells[k];
        for dr in -self.reach_r..=self.reach_r {
            let go_on = column_runs(c, self.reach_c, self.cols, |c0, c1| {
                let lo = (r + dr, c0);
                let hi = (r + dr, c1);
                let mut m = self.cells.partition_point(|x| *x < lo);
                while m < self.cells.len() && self.cells[m] <= hi {
                    if !f(m) {
                        return false;
                    }
                    m += 1;
                }
                true
            });
            if !go_on {
                return;
            }
        }
    }
}

fn dbscan_fine(
    g: &FineGrid,
    la: &[f64],
    eps: f64,
    min_samples: usize,
    cancel: &Cancel,
) -> (Vec<i64>, Vec<bool>) {
    let n = la.len();
    let nc = g.cells.len();
    let within = |p: usize, q: usize| -> bool {
        (g.lat[p] - g.lat[q]).abs() <= eps
            && haversine_cos(g.lat[p], g.lon[p], g.cos[p], g.lat[q], g.lon[q], g.cos[q]) <= eps
    };
    // 1. core points (sorted order): a cell with ≥ min_samples points is all core, since every
    // point has the whole cell within eps; otherwise count neighbours, stopping at min_samples
    let core_s: Vec<bool> = (0..nc)
        .into_par_iter()
        .flat_map_iter(|k| {
            let range = g.range(k);
            let full = range.len() >= min_samples;
            range.map(move |p| {
                full || {
                    let mut count = 0usize;
                    if !cancel.is_cancelled() {
                        g.for_near_cells(k, |m| {
                            for q in g.range(m) {
                                if within(p, q) {
                                    count += 1;
                                    if count >= min_samples {
                                        return false;
                                    }
                                }
                            }
                            true
                        });
                    }
                    count >= min_samples
                }
            })
        })
        .collect();
    // per cell: its core positions' bounding box, for pruning cell pairs
    let first_core: Vec<Option<usize>> = (0..nc).map(|k| g.range(k).find(|&p| core_s[p])).collect();
    let bbox: Vec<[f64; 2]> = (0..nc)
        .map(|k| {
            g.range(k)
                .filter(|&p| core_s[p])
                .fold([f64::INFINITY, f64::NEG_INFINITY], |b, p| {
                    [b[0].min(g.lat[p]), b[1].max(g.lat[p])]
                })
        })
        .collect();
    // 2. the core points of a cell are one component; cells are joined when some pair of their
    // core points is within eps (each pair of cells once), through a shared union-find
    let uf = ConcurrentUnionFind::new(n);
    for (k, first) in first_core.iter().enumerate() {
        if let Some(f) = *first {
            let root = g.order[f];
            for p in g.range(k) {
                if core_s[p] {
                    uf.union(root, g.order[p]);
                }
            }
        }
    }
    (0..nc)
        .into_par_iter()
        .filter(|&k| first_core[k].is_some())
        .for_each(|k| {
            if cancel.is_cancelled() {
                return;
            }
            let Some(fk) = first_core[k] else { return };
            g.for_near_cells(k, |m| {
                let Some(fm) = (if m > k { first_core[m] } else { None }) else {
                    return true;
                };
                let (a, b) = (&bbox[k], &bbox[m]);
                let gap = (b[0] - a[1]).max(a[0] - b[1]);
                if gap <= eps && uf.find(g.order[fk]) != uf.find(g.order[fm]) {
                    let linked = g
                        .range(k)
                        .filter(|&p| core_s[p])
                        .any(|p| g.range(m).any(|q| core_s[q] && within(p, q)));
                    if linked {
                        uf.union(g.order[fk], g.order[fm]);
                    }
                }
                true
            });
        });
    let roots = uf.into_roots();
    // 3. labels in order of each component's lowest core index (its root)
    let mut core = vec![false; n];
    for (p, &c) in core_s.iter().enumerate() {
        core[g.order[p] as usize] = c;
    }
    let mut labels = number_components(&core, |i| roots[i]);
    // 4. border points: the lowest label among the cores within eps
    let core_labels = &labels;
    let cell_of: Vec<u32> = (0..nc)
        .flat_map(|k| std::iter::repeat_n(k as u32, g.range(k).len()))
        .collect();
    let border = border_labels(
        n,
        |p| core_s[p],
        cancel,
        |p| {
            let mut best = i64::MAX;
            g.for_near_cells(cell_of[p] as usize, |m| {
                for q in g.range(m) {
                    if core_s[q] {
                        let l = core_labels[g.order[q] as usize];
                        if l < best && within(p, q) {
                            best = l;
                            if best == 0 {
                                return false; // label 0 cannot be beaten
                            }
                        }
                    }
                }
                true
            });
            best
        },
    );
    for (p, l) in border {
        labels[g.order[p] as usize] = l;
    }
    (labels, core)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::NEVER;

    /// The fine grid (whole cells core / joined without distance checks) gives exactly the
    /// labels of the plain neighbour search, including duplicates, the equator and sparse data.
    #[test]
    fn fine_grid_equals_plain_search() {
        let mut u = crate::hotspot::index::lcg(11);
        for (centre, span, eps_m, min_samples, dup) in [
            ((51.8, -0.25), 0.05, 150.0, 5, false),
            ((51.8, -0.25), 0.05, 150.0, 5, true),
            ((0.0, 10.0), 0.02, 80.0, 3, false),
            ((-33.9, 151.2), 0.2, 900.0, 8, true),
            ((70.0, 20.0), 0.01, 40.0, 1, false),
            ((51.5, -0.1), 0.002, 5.0, 2, true),
        ] {
            let n = 3000;
            let mut lat = Vec::with_capacity(n);
            let mut lon = Vec::with_capacity(n);
            for i in 0..n {
                if dup && i % 3 == 0 && i > 0 {
                    lat.push(lat[i - 1]);
                    lon.push(lon[i - 1]);
                    continue;
                }
                // half in 20 tight blobs, half uniform
                let (a, b) = if i % 2 == 0 {
                    let c = (i / 2) % 20;
                    (
                        centre.0 + span * ((c as f64) / 20.0 - 0.5) + 0.0008 * (u() - 0.5),
                        centre.1
                            + span * ((c as f64 * 7.0 % 20.0) / 20.0 - 0.5)
                            + 0.0012 * (u() - 0.5),
                    )
                } else {
                    (centre.0 + span * (u() - 0.5), centre.1 + span * (u() - 0.5))
                };
                lat.push(a);
                lon.push(b);
            }
            let (la, lo) = to_radians_checked(&lat, &lon).unwrap();
            let eps = eps_m / EARTH_RADIUS_M;
            let g = FineGrid::new(&la, &lo, eps).expect("fine grid applies");
            let fine = dbscan_fine(&g, &la, eps, min_samples, &NEVER);
            let coarse = dbscan_coarse(&la, &lo, eps, min_samples, &NEVER);
            assert_eq!(fine, coarse, "centre {centre:?} eps {eps_m}");
            assert!(fine.0.iter().any(|&l| l >= 0), "clusters found");
        }
    }

    #[test]
    fn fine_grid_declines_wide_latitude_bands_and_poles() {
        let eps = 100.0 / EARTH_RADIUS_M;
        let wide = [10f64.to_radians(), 80f64.to_radians()];
        assert!(FineGrid::new(&wide, &[0.0, 0.0], eps).is_none());
        let pole = [89.99f64.to_radians()];
        assert!(FineGrid::new(&pole, &[0.0], eps).is_none());
        // and dbscan still answers there (plain search)
        let (l, _) = dbscan(&[10.0, 10.0, 80.0], &[0.0, 0.0, 0.0], 100.0, 2).unwrap();
        assert_eq!(l, vec![0, 0, -1]);
    }
}

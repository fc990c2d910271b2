//! Bindings for [`crate::hotspot`].
//!
//! Every call that can take long runs through [`interruptible`] (Ctrl-C stops it within a
//! poll; fork-safe thread pool); inputs are copied with [`owned`] before the GIL is released.

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;

use super::errors::IntoPy;
use super::parallel::{interruptible, owned};
use super::{Array, Dict, Obj};
use crate::hotspot::{bng, nnh as nn, nni, weights::Weights};
use crate::hotspot::{clusters, dbscan as db, hdbscan as hdb, kde, knox as kx, local};

binding! {
    /// DBSCAN: dict of `labels` (int64, -1 noise) and `core` (bool).
    fn dbscan(py, lat: &[f64], lon: &[f64], *, eps_m: f64, min_samples: usize) -> Dict<'py> {
        let (labels, core) =
            interruptible(py, |c| db::dbscan_with(&lat, &lon, eps_m, min_samples, c))?;
        Ok(columns!(py; "labels" => labels, "core" => core))
    }
}

binding! {
    /// The mutual-reachability MST in Prim's order: dict of `src`, `dst`, `distance` (radians).
    fn hdbscan_mst(py, lat: &[f64], lon: &[f64], *, min_samples: usize) -> Dict<'py> {
        let mst = interruptible(py, |c| {
            hdb::mutual_reachability_mst_with(&lat, &lon, min_samples, c)
        })?;
        Ok(columns!(py, &mst;
            "src" => |e| e.0 as i64,
            "dst" => |e| e.1 as i64,
            "distance" => |e| e.2,
        ))
    }
}

binding! {
    /// HDBSCAN labels from an MST sorted by distance.
    fn hdbscan_labels(py, n: usize, src: &[i64], dst: &[i64], distance: &[f64], *,
        min_cluster_size: usize) -> Array<'py, i64> {
        let l = interruptible(py, |c| {
            hdb::labels_from_mst_columns(n, &src, &dst, &distance, min_cluster_size, c)
        })?;
        Ok(l.into_pyarray(py))
    }
}

binding! {
    /// Default (ArcGIS) KDE bandwidth.
    fn kde_default_bandwidth(py, x: &[f64], y: &[f64]) -> f64 {
        interruptible(py, |_| kde::default_bandwidth(&x, &y))
    }
}

binding! {
    /// KDE on the grid covering the bounds: dict of `density` (row-major), `x0`, `y0`, `nx`, `ny`.
    fn kde_grid(py, x: &[f64], y: &[f64], weights: Option<&[f64]>, *, bandwidth: f64,
        kernel: kde::Kernel = kde::Kernel::default(), xmin: f64, xmax: f64, ymin: f64, ymax: f64,
        cell_size: f64) -> Dict<'py> {
        let grid = kde::GridSpec::covering(xmin, xmax, ymin, ymax, cell_size).py_err()?;
        let d = interruptible(py, |c| {
            kde::kde_grid_with(&x, &y, weights.as_deref(), bandwidth, kernel, &grid, c)
        })?;
        Ok(columns!(py;
            "density" => d,
            "x0" => Obj(grid.x0),
            "y0" => Obj(grid.y0),
            "nx" => Obj(grid.nx),
            "ny" => Obj(grid.ny),
        ))
    }
}

binding! {
    /// Each point's part of the KDE at one location (`at_x`, `at_y`), in the points' order.
    fn kde_contributions(py, x: &[f64], y: &[f64], weights: Option<&[f64]>, *, bandwidth: f64,
        kernel: kde::Kernel = kde::Kernel::default(), at_x: f64, at_y: f64) -> Array<'py, f64> {
        let parts = interruptible(py, |_| {
            kde::kde_contributions(&x, &y, weights.as_deref(), bandwidth, kernel, (at_x, at_y))
        })?;
        Ok(parts.into_pyarray(py))
    }
}

/// CSR weights as they cross the boundary: dict of `n`, `offsets`, `neighbors`, `weights`.
fn weights_dict(py: Python<'_>, w: Weights) -> PyResult<Dict<'_>> {
    Ok(columns!(py;
        "n" => Obj(w.n),
        "offsets" => w.offsets.iter().map(|&o| o as i64).collect::<Vec<_>>(),
        "neighbors" => w.neighbors.iter().map(|&j| i64::from(j)).collect::<Vec<_>>(),
        "weights" => w.weights,
    ))
}

binding! {
    /// Lattice contiguity weights (CSR dict); with `mask` (one flag per cell, row-major) the kept
    /// cells only.
    fn weights_lattice(py, nrows: usize, ncols: usize, *, queen: bool,
        mask: Option<&[bool]> = None) -> Dict<'py> {
        let w = interruptible(py, |_| {
            let w = Weights::lattice(nrows, ncols, queen)?;
            match &mask {
                Some(keep) => w.subset(keep),
                None => Ok(w),
            }
        })?;
        weights_dict(py, w)
    }
}

binding! {
    /// Adjacency-list weights (CSR dict).
    fn weights_adjacency(py, focal: &[u32], neighbor: &[u32], weight: Option<&[f64]>, *,
        n: usize) -> Dict<'py> {
        let w = interruptible(py, |_| {
            Weights::from_adjacency(&focal, &neighbor, weight.as_deref(), n)
        })?;
        weights_dict(py, w)
    }
}

binding! {
    /// Distance-band weights (CSR dict).
    fn weights_distance_band(py, x: &[f64], y: &[f64], *, threshold: f64, binary: bool = true)
        -> Dict<'py> {
        let w = interruptible(py, |c| {
            Weights::distance_band_with(&x, &y, threshold, binary, c)
        })?;
        weights_dict(py, w)
    }
}

/// Weights as they cross from Python: the tuple `(n, offsets, neighbors, weights)` of
/// `saferstats.Weights._args()`, copied and checked by the core's [`Weights::from_csr`].
pub(super) struct Csr(pub(super) Weights);

impl<'a, 'py> FromPyObject<'a, 'py> for Csr {
    type Error = PyErr;
    fn extract(obj: pyo3::Borrowed<'a, 'py, pyo3::PyAny>) -> PyResult<Self> {
        type Parts<'py> = (
            usize,
            PyReadonlyArray1<'py, i64>,
            PyReadonlyArray1<'py, i64>,
            PyReadonlyArray1<'py, f64>,
        );
        let (n, offsets, neighbors, weights): Parts<'py> = obj.extract()?;
        let w = Weights::from_csr(n, &owned(&offsets), &owned(&neighbors), owned(&weights));
        w.py_err().map(Csr)
    }
}

/// `statistic_binding! { /// doc  name(Choice) = core_with, |py, r| columns }` defines the binding
/// of a family of statistics of values on weights (the core's [`local::on_weights!`]
/// dispatchers): `name(values, weights, *, statistic, transform, permutations=999, seed=0)`,
/// run interruptibly, returning the columns made from the core's result `r`.
macro_rules! statistic_binding {
    ($(#[$meta:meta])* $name:ident($choice:ty) = $core:path, |$py:ident, $r:ident| $columns:expr) => {
        binding! {
            $(#[$meta])*
            fn $name($py, values: &[f64], weights: $crate::bindings::hotspot::Csr, *,
                statistic: $choice, transform: $crate::hotspot::local::Transform,
                permutations: usize = 999, seed: u64 = 0) -> $crate::bindings::Dict<'py> {
                let $r = $crate::bindings::parallel::interruptible($py, |c| {
                    $core(statistic, &values, &weights.0, transform, permutations, seed, c)
                })?;
                let d = $columns;
                d.set_item("transform", transform.name())?; // the canonical name ("B" | "R")
                Ok(d)
            }
        }
    };
}
pub(super) use statistic_binding;

statistic_binding! {
    /// Gi* or Local Moran (`statistic` "gi_star" | "moran"; anything else is an error): dict of
    /// `stat, z, expected, variance, p_norm, p_sim, quadrant`.
    local_statistic(local::Statistic) = local::local_statistic_with, |py, r| columns!(py;
        "stat" => r.stat,
        "z" => r.z,
        "expected" => r.expected,
        "variance" => r.variance,
        "p_norm" => r.p_norm,
        "p_sim" => r.p_sim,
        "quadrant" => r.quadrant,
    )
}

binding! {
    /// Knox near-repeat table; dict of flat arrays (distance-band major).
    fn knox(py, x: &[f64], y: &[f64], t: &[f64], distance_edges: &[f64], time_edges: &[f64], *,
        permutations: usize = 999, seed: u64 = 0, metric: kx::Metric = kx::Metric::default())
        -> Dict<'py> {
        let k = interruptible(py, |cancel| {
            kx::knox_with(
                &x, &y, &t, &distance_edges, &time_edges, permutations, seed, metric, cancel,
            )
        })?;
        Ok(columns!(py;
            "observed" => k.observed,
            "expected" => k.expected,
            "ratio" => k.ratio,
            "p_value" => k.p_value,
        ))
    }
}

binding! {
    /// Cluster summaries (a dict of columns; GeoJSON is written by the Python layer from the
    /// table).
    fn cluster_summary(py, lat: &[f64], lon: &[f64], labels: &[i64],
        times: Option<&[f64]> = None, *, concavity: Option<f64> = None) -> Dict<'py> {
        let hull = concavity.map_or(clusters::Hull::Convex, clusters::Hull::Concave);
        let s = interruptible(py, |_| {
            clusters::cluster_summary(&lat, &lon, &labels, times.as_deref(), hull)
        })?;
        let d = columns!(py, &s;
            "label" => |c| c.label,
            "n" => |c| c.n as i64,
            "centroid_lat" => |c| c.centroid_lat,
            "centroid_lon" => |c| c.centroid_lon,
            "area_m2" => |c| c.area_m2,
            "density_per_km2" => |c| c.density_per_km2,
            "radius_m" => |c| c.radius_m,
            "first_time" => |c| c.first_time,
            "last_time" => |c| c.last_time,
            "missing_times" => |c| c.missing_times as i64,
        );
        d.set_item("hull", s.into_iter().map(|c| c.hull).collect::<Vec<_>>())?;
        Ok(d)
    }
}

binding! {
    /// Clark-Evans index: dict of `r_obs, r_exp, r, z, p_value, r_donnelly` (scalars).
    fn clark_evans(py, x: &[f64], y: &[f64], *, area: f64, perimeter: Option<f64> = None)
        -> Dict<'py> {
        let c = interruptible(py, |_| nni::clark_evans(&x, &y, area, perimeter))?;
        Ok(columns!(py;
            "r_obs" => Obj(c.r_obs),
            "r_exp" => Obj(c.r_exp),
            "r" => Obj(c.r),
            "z" => Obj(c.z),
            "p_value" => Obj(c.p_value),
            "r_donnelly" => Obj(c.r_donnelly),
        ))
    }
}

binding! {
    /// WGS84 -> British National Grid: dict of `easting`, `northing`.
    fn wgs84_to_bng(py, lat: &[f64], lon: &[f64]) -> Dict<'py> {
        let (e, n) = interruptible(py, |_| bng::wgs84_to_bng(&lat, &lon))?;
        Ok(columns!(py; "easting" => e, "northing" => n))
    }
}

binding! {
    /// Latitude/longitude -> local east/north metres (equirectangular about `origin`, default
    /// the points' centre): dict of `x`, `y`.
    fn to_local_metres(py, lat: &[f64], lon: &[f64], *, origin: Option<(f64, f64)> = None)
        -> Dict<'py> {
        let (x, y) = interruptible(py, |_| bng::to_local_metres(&lat, &lon, origin))?;
        Ok(columns!(py; "x" => x, "y" => y))
    }
}

binding! {
    /// CrimeStat-style NNH clustering: dict of `thresholds` (list), `labels` (orders x n int64
    /// array) and `clusters` (dict of columns). `threshold` given: fixed distance; otherwise the
    /// random threshold for `area`, `p`.
    fn nnh(py, x: &[f64], y: &[f64], *, area: f64, p: f64, min_points: usize, max_order: usize,
        threshold: Option<f64> = None) -> Dict<'py> {
        let distance = match threshold {
            Some(t) => nn::NnhDistance::Fixed(t),
            None => nn::NnhDistance::Random { area, p },
        };
        let r = interruptible(py, |c| {
            nn::nnh_with(&x, &y, distance, min_points, max_order, c)
        })?;
        let n = x.len();
        let flat: Vec<i64> = r.labels.iter().flatten().copied().collect();
        let labels = numpy::ndarray::Array2::from_shape_vec((r.labels.len(), n), flat)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?
            .into_pyarray(py);
        let clusters = columns!(py, &r.clusters;
            "order" => |k| k.order as i64,
            "cluster" => |k| k.id as i64,
            "members" => |k| k.members as i64,
            "n_points" => |k| k.n_points as i64,
            "x" => |k| k.x,
            "y" => |k| k.y,
            "std_distance" => |k| k.std_distance,
        );
        Ok(columns!(py;
            "thresholds" => Obj(r.thresholds),
            "labels" => Obj(labels),
            "clusters" => Obj(clusters),
        ))
    }
}

/// CrimeStat NNH threshold distance.
#[pyfunction]
#[pyo3(signature = (n, *, area, p))]
pub(super) fn nnh_threshold(n: usize, area: f64, p: f64) -> PyResult<f64> {
    nni::nnh_threshold(n, area, p).py_err()
}

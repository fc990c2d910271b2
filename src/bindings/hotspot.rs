//! Bindings for [`crate::hotspot`].
//!
//! Every call that can take long runs through [`interruptible`] (Ctrl-C stops it within a
//! poll; fork-safe thread pool); inputs are copied with [`owned`] before the GIL is released.

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::{interruptible, owned};
use crate::hotspot::{clusters, dbscan as db, kde, knox as kx, local, weights::Weights};

/// CSR weights as crossing the boundary: (n, offsets, neighbors, weights) as numpy arrays.
type CsrArrays<'py> = (
    usize,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<f64>>,
);
/// Eastings and northings.
type EastNorth<'py> = (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>);
/// DBSCAN output: (labels, core flags).
type LabelsCore<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<bool>>);

/// DBSCAN labels and core flags.
#[pyfunction]
#[pyo3(signature = (lat, lon, eps_m, min_samples))]
fn dbscan<'py>(
    py: Python<'py>,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
    eps_m: f64,
    min_samples: usize,
) -> PyResult<LabelsCore<'py>> {
    let (a, b) = (owned(&lat), owned(&lon));
    let (labels, core) = interruptible(py, |c| db::dbscan_with(&a, &b, eps_m, min_samples, c))?;
    Ok((labels.into_pyarray(py), core.into_pyarray(py)))
}

/// The mutual-reachability MST in Prim's order: (from, to, distance in radians).
#[pyfunction]
#[pyo3(signature = (lat, lon, min_samples))]
#[allow(clippy::type_complexity)]
fn hdbscan_mst<'py>(
    py: Python<'py>,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
    min_samples: usize,
) -> PyResult<(
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<f64>>,
)> {
    let (a, b) = (owned(&lat), owned(&lon));
    let mst = interruptible(py, |c| {
        crate::hotspot::hdbscan::mutual_reachability_mst_with(&a, &b, min_samples, c)
    })?;
    let from: Vec<i64> = mst.iter().map(|e| e.0 as i64).collect();
    let to: Vec<i64> = mst.iter().map(|e| e.1 as i64).collect();
    let d: Vec<f64> = mst.iter().map(|e| e.2).collect();
    Ok((
        from.into_pyarray(py),
        to.into_pyarray(py),
        d.into_pyarray(py),
    ))
}

/// HDBSCAN labels from an MST sorted by distance.
#[pyfunction]
#[pyo3(signature = (n, src, dst, distance, min_cluster_size))]
fn hdbscan_labels<'py>(
    py: Python<'py>,
    n: usize,
    src: PyReadonlyArray1<'py, i64>,
    dst: PyReadonlyArray1<'py, i64>,
    distance: PyReadonlyArray1<'py, f64>,
    min_cluster_size: usize,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let (f, t, d) = (owned(&src), owned(&dst), owned(&distance));
    if f.len() != t.len() || f.len() != d.len() {
        return Err(crate::Error::argument(
            "mst",
            "src, dst and distance must have the same length",
        ))
        .py_err();
    }
    let idx = |v: i64| usize::try_from(v).unwrap_or(usize::MAX);
    let mst: Vec<(usize, usize, f64)> =
        (0..f.len()).map(|k| (idx(f[k]), idx(t[k]), d[k])).collect();
    let l = interruptible(py, |_| {
        crate::hotspot::hdbscan::labels_from_sorted_mst(n, &mst, min_cluster_size)
    })?;
    Ok(l.into_pyarray(py))
}

/// Default (ArcGIS) KDE bandwidth.
#[pyfunction]
fn kde_default_bandwidth(
    py: Python<'_>,
    x: PyReadonlyArray1<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
) -> PyResult<f64> {
    let (a, b) = (owned(&x), owned(&y));
    interruptible(py, |_| kde::default_bandwidth(&a, &b))
}

/// KDE on the grid covering bounds; returns (density row-major, x0, y0, nx, ny).
#[pyfunction]
#[pyo3(signature = (x, y, weights, bandwidth, kernel, xmin, xmax, ymin, ymax, cell_size))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn kde_grid<'py>(
    py: Python<'py>,
    x: PyReadonlyArray1<'py, f64>,
    y: PyReadonlyArray1<'py, f64>,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    bandwidth: f64,
    kernel: &str,
    xmin: f64,
    xmax: f64,
    ymin: f64,
    ymax: f64,
    cell_size: f64,
) -> PyResult<(Bound<'py, PyArray1<f64>>, f64, f64, usize, usize)> {
    let kernel: kde::Kernel = kernel.parse().py_err()?;
    let grid = kde::GridSpec::covering(xmin, xmax, ymin, ymax, cell_size).py_err()?;
    let (xs, ys) = (owned(&x), owned(&y));
    let ws = match &weights {
        Some(w) => Some(owned(w)),
        None => None,
    };
    let d = interruptible(py, |c| {
        kde::kde_grid_with(&xs, &ys, ws.as_deref(), bandwidth, kernel, &grid, c)
    })?;
    Ok((d.into_pyarray(py), grid.x0, grid.y0, grid.nx, grid.ny))
}

pub(crate) fn weights_from(
    n: usize,
    offsets: &[i64],
    neighbors: &[i64],
    weights: Vec<f64>,
) -> crate::Result<Weights> {
    let bad = || crate::Error::argument("weights", "inconsistent weights structure");
    if offsets.len() != n.saturating_add(1)
        || offsets.first() != Some(&0)
        || usize::try_from(*offsets.last().unwrap_or(&-1)).ok() != Some(neighbors.len())
        || neighbors.len() != weights.len()
        || offsets.windows(2).any(|w| w[1] < w[0])
    {
        return Err(bad());
    }
    if neighbors.iter().any(|&j| j < 0 || j as u64 >= n as u64) || n > u32::MAX as usize {
        return Err(crate::Error::argument(
            "weights",
            "neighbour index outside the units",
        ));
    }
    Ok(Weights {
        n,
        offsets: offsets.iter().map(|&o| o as usize).collect(),
        neighbors: neighbors.iter().map(|&j| j as u32).collect(),
        weights,
    })
}

fn weights_arrays(py: Python<'_>, w: Weights) -> CsrArrays<'_> {
    let offsets: Vec<i64> = w.offsets.iter().map(|&o| o as i64).collect();
    let neighbors: Vec<i64> = w.neighbors.iter().map(|&j| i64::from(j)).collect();
    (
        w.n,
        offsets.into_pyarray(py),
        neighbors.into_pyarray(py),
        w.weights.into_pyarray(py),
    )
}

/// Lattice contiguity weights as (n, offsets, neighbors, weights).
#[pyfunction]
fn weights_lattice(
    py: Python<'_>,
    nrows: usize,
    ncols: usize,
    queen: bool,
) -> PyResult<CsrArrays<'_>> {
    let w = interruptible(py, |_| Weights::lattice(nrows, ncols, queen))?;
    Ok(weights_arrays(py, w))
}

/// Adjacency-list weights.
#[pyfunction]
#[pyo3(signature = (focal, neighbor, weight, n))]
fn weights_adjacency<'py>(
    py: Python<'py>,
    focal: PyReadonlyArray1<'py, u32>,
    neighbor: PyReadonlyArray1<'py, u32>,
    weight: Option<PyReadonlyArray1<'py, f64>>,
    n: usize,
) -> PyResult<CsrArrays<'py>> {
    let (f, nb) = (owned(&focal), owned(&neighbor));
    let wt = match &weight {
        Some(w) => Some(owned(w)),
        None => None,
    };
    let w = interruptible(py, |_| Weights::from_adjacency(&f, &nb, wt.as_deref(), n))?;
    Ok(weights_arrays(py, w))
}

/// Distance-band weights.
#[pyfunction]
fn weights_distance_band<'py>(
    py: Python<'py>,
    x: PyReadonlyArray1<'py, f64>,
    y: PyReadonlyArray1<'py, f64>,
    threshold: f64,
    binary: bool,
) -> PyResult<CsrArrays<'py>> {
    let (a, b) = (owned(&x), owned(&y));
    let w = interruptible(py, |c| {
        Weights::distance_band_with(&a, &b, threshold, binary, c)
    })?;
    Ok(weights_arrays(py, w))
}

fn local_dict<'py>(py: Python<'py>, r: local::LocalResult) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("stat", r.stat.into_pyarray(py))?;
    d.set_item("z", r.z.into_pyarray(py))?;
    d.set_item("expected", r.expected.into_pyarray(py))?;
    d.set_item("variance", r.variance.into_pyarray(py))?;
    d.set_item("p_norm", r.p_norm.into_pyarray(py))?;
    d.set_item("p_sim", r.p_sim.into_pyarray(py))?;
    d.set_item("quadrant", r.quadrant.into_pyarray(py))?;
    Ok(d)
}

/// Gi* or Local Moran ("gi_star" | "moran").
#[pyfunction]
#[pyo3(signature = (statistic, values, n, offsets, neighbors, weights, transform, permutations, seed))]
#[allow(clippy::too_many_arguments)]
fn local_statistic<'py>(
    py: Python<'py>,
    statistic: &str,
    values: PyReadonlyArray1<'py, f64>,
    n: usize,
    offsets: PyReadonlyArray1<'py, i64>,
    neighbors: PyReadonlyArray1<'py, i64>,
    weights: PyReadonlyArray1<'py, f64>,
    transform: &str,
    permutations: usize,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let w = weights_from(n, &owned(&offsets), &owned(&neighbors), owned(&weights)).py_err()?;
    let tr: local::Transform = transform.parse().py_err()?;
    let v = owned(&values);
    let gi = match statistic {
        "gi_star" => true,
        "moran" => false,
        other => {
            return Err(crate::Error::argument(
                "statistic",
                format!("unknown statistic {other:?}"),
            ))
            .py_err()
        }
    };
    let r = interruptible(py, |c| {
        if gi {
            local::gi_star_with(&v, &w, tr, permutations, seed, c)
        } else {
            local::local_moran_with(&v, &w, tr, permutations, seed, c)
        }
    })?;
    local_dict(py, r)
}

/// Knox near-repeat table; dict of flat arrays (distance-band major).
#[pyfunction]
#[pyo3(signature = (x, y, t, distance_edges, time_edges, permutations, seed, metric))]
#[allow(clippy::too_many_arguments)]
fn knox<'py>(
    py: Python<'py>,
    x: PyReadonlyArray1<'py, f64>,
    y: PyReadonlyArray1<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
    distance_edges: PyReadonlyArray1<'py, f64>,
    time_edges: PyReadonlyArray1<'py, f64>,
    permutations: usize,
    seed: u64,
    metric: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let metric = match metric {
        "euclidean" => kx::Metric::Euclidean,
        "manhattan" => kx::Metric::Manhattan,
        other => {
            return Err(crate::Error::argument(
                "metric",
                format!("unknown metric {other:?}; valid: \"euclidean\", \"manhattan\""),
            ))
            .py_err()
        }
    };
    let (a, b, c) = (owned(&x), owned(&y), owned(&t));
    let (de, te) = (owned(&distance_edges), owned(&time_edges));
    let k = interruptible(py, |cancel| {
        kx::knox_with(&a, &b, &c, &de, &te, permutations, seed, metric, cancel)
    })?;
    let d = PyDict::new(py);
    d.set_item("observed", k.observed.into_pyarray(py))?;
    d.set_item("expected", k.expected.into_pyarray(py))?;
    d.set_item("ratio", k.ratio.into_pyarray(py))?;
    d.set_item("p_value", k.p_value.into_pyarray(py))?;
    Ok(d)
}

/// Cluster summaries (a dict of columns; GeoJSON is written by the Python layer from the table).
#[pyfunction]
#[pyo3(signature = (lat, lon, labels, times, concavity))]
fn cluster_summary<'py>(
    py: Python<'py>,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
    labels: PyReadonlyArray1<'py, i64>,
    times: Option<PyReadonlyArray1<'py, f64>>,
    concavity: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let labels = owned(&labels);
    let t = match &times {
        Some(t) => Some(owned(t)),
        None => None,
    };
    let hull = concavity.map_or(clusters::Hull::Convex, clusters::Hull::Concave);
    let (la, lo) = (owned(&lat), owned(&lon));
    let s = interruptible(py, |_| {
        clusters::cluster_summary(&la, &lo, &labels, t.as_deref(), hull)
    })?;
    let d = PyDict::new(py);
    super::put_column(&d, "label", &s, |c| c.label)?;
    super::put_column(&d, "n", &s, |c| c.n as i64)?;
    super::put_column(&d, "centroid_lat", &s, |c| c.centroid_lat)?;
    super::put_column(&d, "centroid_lon", &s, |c| c.centroid_lon)?;
    super::put_column(&d, "area_m2", &s, |c| c.area_m2)?;
    super::put_column(&d, "density_per_km2", &s, |c| c.density_per_km2)?;
    super::put_column(&d, "first_time", &s, |c| c.first_time)?;
    super::put_column(&d, "last_time", &s, |c| c.last_time)?;
    super::put_column(&d, "missing_times", &s, |c| c.missing_times as i64)?;
    d.set_item("hull", s.iter().map(|c| c.hull.clone()).collect::<Vec<_>>())?;
    Ok(d)
}

/// Clark-Evans index: (r_obs, r_exp, r, z, p_value, r_donnelly).
#[pyfunction]
#[pyo3(signature = (x, y, area, perimeter))]
fn clark_evans(
    py: Python<'_>,
    x: PyReadonlyArray1<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    area: f64,
    perimeter: Option<f64>,
) -> PyResult<(f64, f64, f64, f64, f64, f64)> {
    let (a, b) = (owned(&x), owned(&y));
    let c = interruptible(py, |_| {
        crate::hotspot::nni::clark_evans(&a, &b, area, perimeter)
    })?;
    Ok((c.r_obs, c.r_exp, c.r, c.z, c.p_value, c.r_donnelly))
}

/// WGS84 -> British National Grid.
#[pyfunction]
fn wgs84_to_bng<'py>(
    py: Python<'py>,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
) -> PyResult<EastNorth<'py>> {
    let (a, b) = (owned(&lat), owned(&lon));
    let (e, n) = interruptible(py, |_| crate::hotspot::bng::wgs84_to_bng(&a, &b))?;
    Ok((e.into_pyarray(py), n.into_pyarray(py)))
}

/// CrimeStat-style NNH clustering: (thresholds, labels as an orders x n int64 array, cluster
/// columns). `threshold` given: fixed distance; otherwise the random threshold for `area`, `p`.
#[pyfunction]
#[pyo3(signature = (x, y, area, p, threshold, min_points, max_order))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn nnh<'py>(
    py: Python<'py>,
    x: PyReadonlyArray1<'py, f64>,
    y: PyReadonlyArray1<'py, f64>,
    area: f64,
    p: f64,
    threshold: Option<f64>,
    min_points: usize,
    max_order: usize,
) -> PyResult<(
    Vec<f64>,
    Bound<'py, numpy::PyArray2<i64>>,
    Bound<'py, PyDict>,
)> {
    use crate::hotspot::nnh::{nnh_with as run, NnhDistance};
    let (xs, ys) = (owned(&x), owned(&y));
    let distance = match threshold {
        Some(t) => NnhDistance::Fixed(t),
        None => NnhDistance::Random { area, p },
    };
    let r = interruptible(py, |c| run(&xs, &ys, distance, min_points, max_order, c))?;
    let n = xs.len();
    let flat: Vec<i64> = r.labels.iter().flatten().copied().collect();
    let labels = numpy::ndarray::Array2::from_shape_vec((r.labels.len(), n), flat)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?
        .into_pyarray(py);
    let d = PyDict::new(py);
    let c = &r.clusters;
    super::put_column(&d, "order", c, |k| k.order as i64)?;
    super::put_column(&d, "cluster", c, |k| k.id as i64)?;
    super::put_column(&d, "members", c, |k| k.members as i64)?;
    super::put_column(&d, "n_points", c, |k| k.n_points as i64)?;
    super::put_column(&d, "x", c, |k| k.x)?;
    super::put_column(&d, "y", c, |k| k.y)?;
    super::put_column(&d, "std_distance", c, |k| k.std_distance)?;
    Ok((r.thresholds, labels, d))
}

/// CrimeStat NNH threshold distance.
#[pyfunction]
fn nnh_threshold(n: usize, area: f64, p: f64) -> PyResult<f64> {
    crate::hotspot::nni::nnh_threshold(n, area, p).py_err()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(clark_evans, m)?)?;
    m.add_function(wrap_pyfunction!(nnh_threshold, m)?)?;
    m.add_function(wrap_pyfunction!(nnh, m)?)?;
    m.add_function(wrap_pyfunction!(hdbscan_mst, m)?)?;
    m.add_function(wrap_pyfunction!(hdbscan_labels, m)?)?;
    m.add_function(wrap_pyfunction!(wgs84_to_bng, m)?)?;
    m.add_function(wrap_pyfunction!(dbscan, m)?)?;
    m.add_function(wrap_pyfunction!(kde_default_bandwidth, m)?)?;
    m.add_function(wrap_pyfunction!(kde_grid, m)?)?;
    m.add_function(wrap_pyfunction!(weights_lattice, m)?)?;
    m.add_function(wrap_pyfunction!(weights_adjacency, m)?)?;
    m.add_function(wrap_pyfunction!(weights_distance_band, m)?)?;
    m.add_function(wrap_pyfunction!(local_statistic, m)?)?;
    m.add_function(wrap_pyfunction!(knox, m)?)?;
    m.add_function(wrap_pyfunction!(cluster_summary, m)?)?;
    Ok(())
}

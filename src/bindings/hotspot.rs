//! Bindings for [`crate::hotspot`].

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::rates::slice;
use crate::hotspot::{clusters, dbscan as db, kde, knox as kx, local, weights::Weights};

/// CSR weights as crossing the boundary: (n, offsets, neighbors, weights).
type CsrTuple = (usize, Vec<usize>, Vec<u32>, Vec<f64>);
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
    let (a, b) = (slice("lat", &lat)?, slice("lon", &lon)?);
    let (labels, core) = py
        .detach(|| db::dbscan(a, b, eps_m, min_samples))
        .py_err()?;
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
    let (a, b) = (slice("lat", &lat)?, slice("lon", &lon)?);
    let mst = py
        .detach(|| crate::hotspot::hdbscan::mutual_reachability_mst(a, b, min_samples))
        .py_err()?;
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
    let (f, t, d) = (
        slice("src", &src)?,
        slice("dst", &dst)?,
        slice("distance", &distance)?,
    );
    if f.len() != t.len() || f.len() != d.len() {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "src, dst and distance must have the same length",
        ));
    }
    let idx = |v: i64| usize::try_from(v).unwrap_or(usize::MAX);
    let mst: Vec<(usize, usize, f64)> =
        (0..f.len()).map(|k| (idx(f[k]), idx(t[k]), d[k])).collect();
    let l = py
        .detach(|| crate::hotspot::hdbscan::labels_from_sorted_mst(n, &mst, min_cluster_size))
        .py_err()?;
    Ok(l.into_pyarray(py))
}

/// Default (ArcGIS) KDE bandwidth.
#[pyfunction]
fn kde_default_bandwidth(
    x: PyReadonlyArray1<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
) -> PyResult<f64> {
    kde::default_bandwidth(slice("x", &x)?, slice("y", &y)?).py_err()
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
    let (xs, ys) = (slice("x", &x)?, slice("y", &y)?);
    let ws = match &weights {
        Some(w) => Some(slice("weights", w)?),
        None => None,
    };
    let d = py
        .detach(|| kde::kde_grid(xs, ys, ws, bandwidth, kernel, &grid))
        .py_err()?;
    Ok((d.into_pyarray(py), grid.x0, grid.y0, grid.nx, grid.ny))
}

fn weights_from(
    n: usize,
    offsets: Vec<usize>,
    neighbors: Vec<u32>,
    weights: Vec<f64>,
) -> PyResult<Weights> {
    if offsets.len() != n + 1
        || offsets.last() != Some(&neighbors.len())
        || neighbors.len() != weights.len()
    {
        return Err(crate::Error::argument(
            "weights",
            "inconsistent weights structure",
        ))
        .py_err();
    }
    if neighbors.iter().any(|&j| j as usize >= n) || offsets.windows(2).any(|w| w[1] < w[0]) {
        return Err(crate::Error::argument(
            "weights",
            "neighbour index outside the units",
        ))
        .py_err();
    }
    Ok(Weights {
        n,
        offsets,
        neighbors,
        weights,
    })
}

fn weights_tuple(w: Weights) -> CsrTuple {
    (w.n, w.offsets, w.neighbors, w.weights)
}

/// Lattice contiguity weights as (n, offsets, neighbors, weights).
#[pyfunction]
fn weights_lattice(nrows: usize, ncols: usize, queen: bool) -> CsrTuple {
    weights_tuple(Weights::lattice(nrows, ncols, queen))
}

/// Adjacency-list weights.
#[pyfunction]
#[pyo3(signature = (focal, neighbor, weight, n))]
fn weights_adjacency(
    focal: Vec<u32>,
    neighbor: Vec<u32>,
    weight: Option<Vec<f64>>,
    n: usize,
) -> PyResult<CsrTuple> {
    Ok(weights_tuple(
        Weights::from_adjacency(&focal, &neighbor, weight.as_deref(), n).py_err()?,
    ))
}

/// Distance-band weights.
#[pyfunction]
fn weights_distance_band(
    x: PyReadonlyArray1<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    threshold: f64,
    binary: bool,
) -> PyResult<CsrTuple> {
    Ok(weights_tuple(
        Weights::distance_band(slice("x", &x)?, slice("y", &y)?, threshold, binary).py_err()?,
    ))
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
    offsets: Vec<usize>,
    neighbors: Vec<u32>,
    weights: Vec<f64>,
    transform: &str,
    permutations: usize,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let w = weights_from(n, offsets, neighbors, weights)?;
    let tr: local::Transform = transform.parse().py_err()?;
    let v = slice("values", &values)?;
    let r = match statistic {
        "gi_star" => py.detach(|| local::gi_star(v, &w, tr, permutations, seed)),
        _ => py.detach(|| local::local_moran(v, &w, tr, permutations, seed)),
    }
    .py_err()?;
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
    distance_edges: Vec<f64>,
    time_edges: Vec<f64>,
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
    let (a, b, c) = (slice("x", &x)?, slice("y", &y)?, slice("t", &t)?);
    let k = py
        .detach(|| {
            kx::knox(
                a,
                b,
                c,
                &distance_edges,
                &time_edges,
                permutations,
                seed,
                metric,
            )
        })
        .py_err()?;
    let d = PyDict::new(py);
    d.set_item("observed", k.observed.into_pyarray(py))?;
    d.set_item("expected", k.expected.into_pyarray(py))?;
    d.set_item("ratio", k.ratio.into_pyarray(py))?;
    d.set_item("p_value", k.p_value.into_pyarray(py))?;
    Ok(d)
}

/// Cluster summaries and their GeoJSON.
#[pyfunction]
#[pyo3(signature = (lat, lon, labels, times, concavity))]
fn cluster_summary<'py>(
    py: Python<'py>,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
    labels: PyReadonlyArray1<'py, i64>,
    times: Option<PyReadonlyArray1<'py, f64>>,
    concavity: Option<f64>,
) -> PyResult<(Bound<'py, PyDict>, String)> {
    let labels = labels
        .as_slice()
        .map_err(|_| pyo3::exceptions::PyValueError::new_err("labels must be contiguous int64"))?;
    let t = match &times {
        Some(t) => Some(slice("times", t)?),
        None => None,
    };
    let hull = concavity.map_or(clusters::Hull::Convex, clusters::Hull::Concave);
    let (la, lo) = (slice("lat", &lat)?, slice("lon", &lon)?);
    let s = py
        .detach(|| clusters::cluster_summary(la, lo, labels, t, hull))
        .py_err()?;
    let geojson = clusters::to_geojson(&s);
    let d = PyDict::new(py);
    d.set_item("label", s.iter().map(|c| c.label).collect::<Vec<_>>())?;
    d.set_item("n", s.iter().map(|c| c.n as i64).collect::<Vec<_>>())?;
    d.set_item(
        "centroid_lat",
        s.iter().map(|c| c.centroid_lat).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "centroid_lon",
        s.iter().map(|c| c.centroid_lon).collect::<Vec<_>>(),
    )?;
    d.set_item("area_m2", s.iter().map(|c| c.area_m2).collect::<Vec<_>>())?;
    d.set_item(
        "density_per_km2",
        s.iter().map(|c| c.density_per_km2).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "first_time",
        s.iter().map(|c| c.first_time).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "last_time",
        s.iter().map(|c| c.last_time).collect::<Vec<_>>(),
    )?;
    d.set_item("hull", s.iter().map(|c| c.hull.clone()).collect::<Vec<_>>())?;
    Ok((d, geojson))
}

/// Clark-Evans index: (r_obs, r_exp, r, z, p_value, r_donnelly).
#[pyfunction]
#[pyo3(signature = (x, y, area, perimeter))]
fn clark_evans(
    x: PyReadonlyArray1<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    area: f64,
    perimeter: Option<f64>,
) -> PyResult<(f64, f64, f64, f64, f64, f64)> {
    let c = crate::hotspot::nni::clark_evans(slice("x", &x)?, slice("y", &y)?, area, perimeter)
        .py_err()?;
    Ok((c.r_obs, c.r_exp, c.r, c.z, c.p_value, c.r_donnelly))
}

/// WGS84 -> British National Grid.
#[pyfunction]
fn wgs84_to_bng<'py>(
    py: Python<'py>,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
) -> PyResult<EastNorth<'py>> {
    let (a, b) = (slice("lat", &lat)?, slice("lon", &lon)?);
    let (e, n) = py
        .detach(|| crate::hotspot::bng::wgs84_to_bng(a, b))
        .py_err()?;
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
    use crate::hotspot::nnh::{nnh as run, NnhDistance};
    let (xs, ys) = (slice("x", &x)?, slice("y", &y)?);
    let distance = match threshold {
        Some(t) => NnhDistance::Fixed(t),
        None => NnhDistance::Random { area, p },
    };
    let r = py
        .detach(|| run(xs, ys, distance, min_points, max_order))
        .py_err()?;
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

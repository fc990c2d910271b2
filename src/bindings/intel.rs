//! Bindings for the hotspot-intelligence parts of [`crate::hotspot`]: global autocorrelation
//! ([`crate::hotspot::global`]) and map evaluation ([`crate::hotspot::evaluate`]).

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::hotspot::Csr;
use super::parallel::{detach, interruptible, owned};
use super::Obj;
use crate::hotspot::{classify, evaluate, global, grid, local, prospective};

/// Global Moran / Geary / General G (`statistic` "moran" | "geary" | "general_g"): dict of the
/// [`global::GlobalResult`] fields (floats).
#[pyfunction]
#[pyo3(signature = (values, weights, *, statistic, transform, permutations = 999, seed = 0))]
pub(super) fn global_statistic<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    weights: Csr,
    statistic: global::Statistic,
    transform: local::Transform,
    permutations: usize,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let v = owned(&values);
    let r = interruptible(py, |c| {
        global::statistic_with(statistic, &v, &weights.0, transform, permutations, seed, c)
    })?;
    Ok(columns!(py;
        "value" => Obj(r.value),
        "expected" => Obj(r.expected),
        "variance_norm" => Obj(r.variance_norm),
        "z_norm" => Obj(r.z_norm),
        "p_norm" => Obj(r.p_norm),
        "variance_rand" => Obj(r.variance_rand),
        "z_rand" => Obj(r.z_rand),
        "p_rand" => Obj(r.p_rand),
        "p_sim" => Obj(r.p_sim),
        "expected_sim" => Obj(r.expected_sim),
        "se_sim" => Obj(r.se_sim),
        "z_sim" => Obj(r.z_sim),
        "p_z_sim" => Obj(r.p_z_sim),
        "s0" => Obj(r.s0),
        "s1" => Obj(r.s1),
        "s2" => Obj(r.s2),
    ))
}

/// Hit rate / PAI / PEI / RRI table as a dict of columns.
#[pyfunction]
#[pyo3(signature = (observed, predicted, area=None))]
pub(super) fn pai_table<'py>(
    py: Python<'py>,
    observed: PyReadonlyArray1<'py, f64>,
    predicted: PyReadonlyArray1<'py, f64>,
    area: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<Bound<'py, PyDict>> {
    let (o, p) = (owned(&observed), owned(&predicted));
    let a = area.as_ref().map(owned);
    let t = detach(py, || evaluate::pai(&o, &p, a.as_deref()))?.py_err()?;
    let d = PyDict::new(py);
    let cell: Vec<i64> = t.cell.iter().map(|&c| c as i64).collect();
    d.set_item("cell", cell.into_pyarray(py))?;
    for (k, v) in [
        ("observed", t.observed),
        ("cum_observed", t.cum_observed),
        ("predicted", t.predicted),
        ("cum_predicted", t.cum_predicted),
        ("area", t.area),
        ("cum_area", t.cum_area),
        ("coverage", t.coverage),
        ("hit_rate", t.hit_rate),
        ("pai", t.pai),
        ("pei", t.pei),
        ("rri", t.rri),
    ] {
        d.set_item(k, v.into_pyarray(py))?;
    }
    Ok(d)
}

/// Lorenz curve and Gini as a dict.
#[pyfunction]
#[pyo3(signature = (counts,))]
pub(super) fn concentration<'py>(
    py: Python<'py>,
    counts: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let c = owned(&counts);
    let r = detach(py, || evaluate::concentration(&c))?.py_err()?;
    let d = PyDict::new(py);
    d.set_item("share_places", r.share_places.into_pyarray(py))?;
    d.set_item("share_events", r.share_events.into_pyarray(py))?;
    d.set_item("gini", r.gini)?;
    d.set_item("gini_generalized", r.gini_generalized)?;
    d.set_item("events", r.events)?;
    d.set_item("places", r.places)?;
    Ok(d)
}

/// A grid crossing the boundary: (shape, x0, y0, cell, ncols, nrows).
type GridArgs<'a> = (&'a str, f64, f64, f64, usize, usize);

fn grid_from(g: GridArgs<'_>) -> crate::Result<grid::Grid> {
    let shape: grid::Shape = g.0.parse()?;
    check_cell_count(g.4, g.5)?;
    if !(g.3.is_finite() && g.3 > 0.0 && g.1.is_finite() && g.2.is_finite()) {
        return Err(crate::Error::argument("grid", "inconsistent grid"));
    }
    Ok(grid::Grid {
        shape,
        x0: g.1,
        y0: g.2,
        cell: g.3,
        ncols: g.4,
        nrows: g.5,
    })
}

fn check_cell_count(ncols: usize, nrows: usize) -> crate::Result<()> {
    match ncols.checked_mul(nrows) {
        Some(c) if c <= grid::MAX_CELLS && c > 0 => Ok(()),
        _ => Err(crate::Error::argument(
            "grid",
            format!(
                "{ncols} x {nrows} cells: at most {} are supported",
                grid::MAX_CELLS
            ),
        )),
    }
}

/// Grid covering the bounds: (x0, y0, ncols, nrows).
#[pyfunction]
#[pyo3(signature = (xmin, xmax, ymin, ymax, cell, shape))]
pub(super) fn grid_spec(
    xmin: f64,
    xmax: f64,
    ymin: f64,
    ymax: f64,
    cell: f64,
    shape: &str,
) -> PyResult<(f64, f64, usize, usize)> {
    let s: grid::Shape = shape.parse().py_err()?;
    let g = grid::Grid::covering(xmin, xmax, ymin, ymax, cell, s).py_err()?;
    Ok((g.x0, g.y0, g.ncols, g.nrows))
}

/// sfhotspot's automatic cell size.
#[pyfunction]
pub(super) fn grid_auto_cell_size(
    x: PyReadonlyArray1<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
) -> PyResult<f64> {
    grid::auto_cell_size(&owned(&x), &owned(&y)).py_err()
}

/// MASS::bandwidth.nrd of one axis.
#[pyfunction]
pub(super) fn grid_bandwidth_nrd(v: PyReadonlyArray1<'_, f64>) -> PyResult<f64> {
    grid::bandwidth_nrd(&owned(&v)).py_err()
}

/// Mean of bandwidth.nrd of x and y.
#[pyfunction]
pub(super) fn grid_auto_bandwidth(
    x: PyReadonlyArray1<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
) -> PyResult<f64> {
    grid::auto_bandwidth(&owned(&x), &owned(&y)).py_err()
}

/// Cell centres (x, y).
#[pyfunction]
#[allow(clippy::type_complexity)]
pub(super) fn grid_centres<'py>(
    py: Python<'py>,
    grid: GridArgs<'_>,
) -> PyResult<(Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>)> {
    let g = grid_from(grid).py_err()?;
    let (cx, cy): (Vec<f64>, Vec<f64>) = (0..g.len()).map(|k| g.centre(k)).unzip();
    Ok((cx.into_pyarray(py), cy.into_pyarray(py)))
}

/// Cell of each point (−1 outside the grid).
#[pyfunction]
pub(super) fn grid_locate<'py>(
    py: Python<'py>,
    grid: GridArgs<'_>,
    x: PyReadonlyArray1<'py, f64>,
    y: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let g = grid_from(grid).py_err()?;
    let (a, b) = (owned(&x), owned(&y));
    crate::ci::check_lengths(&[("x", a.len()), ("y", b.len())]).py_err()?;
    let k: Vec<i64> = detach(py, || {
        a.iter()
            .zip(&b)
            .map(|(&p, &q)| g.locate(p, q).map_or(-1, |k| k as i64))
            .collect()
    })?;
    Ok(k.into_pyarray(py))
}

/// Points per cell and the number outside.
#[pyfunction]
#[pyo3(signature = (grid, x, y, weights=None))]
pub(super) fn grid_counts<'py>(
    py: Python<'py>,
    grid: GridArgs<'_>,
    x: PyReadonlyArray1<'py, f64>,
    y: PyReadonlyArray1<'py, f64>,
    weights: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<(Bound<'py, PyArray1<f64>>, usize)> {
    let g = grid_from(grid).py_err()?;
    let (a, b) = (owned(&x), owned(&y));
    let w = weights.as_ref().map(owned);
    let (c, out) = detach(py, || grid::counts(&g, &a, &b, w.as_deref()))?.py_err()?;
    Ok((c.into_pyarray(py), out))
}

/// Kernel density at the cell centres (per unit²).
#[pyfunction]
#[pyo3(signature = (grid, x, y, weights, bandwidth, kernel))]
pub(super) fn grid_kde<'py>(
    py: Python<'py>,
    grid: GridArgs<'_>,
    x: PyReadonlyArray1<'py, f64>,
    y: PyReadonlyArray1<'py, f64>,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    bandwidth: f64,
    kernel: &str,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let g = grid_from(grid).py_err()?;
    let k: crate::hotspot::kde::Kernel = kernel.parse().py_err()?;
    let (a, b) = (owned(&x), owned(&y));
    let w = weights.as_ref().map(owned);
    let d = interruptible(py, |c| grid::kde(&g, &a, &b, w.as_deref(), bandwidth, k, c))?;
    Ok(d.into_pyarray(py))
}

/// Combine two layers ("ratio" | "log_ratio" | "difference").
#[pyfunction]
pub(super) fn grid_dual<'py>(
    py: Python<'py>,
    a: PyReadonlyArray1<'py, f64>,
    b: PyReadonlyArray1<'py, f64>,
    method: &str,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let m: grid::DualMethod = method.parse().py_err()?;
    let (p, q) = (owned(&a), owned(&b));
    crate::ci::check_lengths(&[("a", p.len()), ("b", q.len())]).py_err()?;
    Ok(grid::dual(&p, &q, m).into_pyarray(py))
}

/// Emerging hotspot classification on a grid; counts period-major.
#[pyfunction]
#[pyo3(signature = (grid, counts, periods, hotspot_prop, persistent_prop, recent_prop, critical_p, permutations, holm, seed))]
#[allow(clippy::too_many_arguments)]
pub(super) fn hotspot_classify<'py>(
    py: Python<'py>,
    grid: GridArgs<'_>,
    counts: PyReadonlyArray1<'py, f64>,
    periods: usize,
    hotspot_prop: f64,
    persistent_prop: f64,
    recent_prop: f64,
    critical_p: f64,
    permutations: usize,
    holm: bool,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let g = grid_from(grid).py_err()?;
    let w = g.neighbours().py_err()?;
    let c = owned(&counts);
    let params = classify::ClassifyParams {
        hotspot_prop,
        persistent_prop,
        recent_prop,
        critical_p,
        permutations,
        holm,
        seed,
    };
    let r = interruptible(py, |cancel| {
        classify::classify_with(&c, &w, periods, &params, cancel)
    })?;
    let d = PyDict::new(py);
    d.set_item("recent", r.recent)?;
    d.set_item("z", r.z.into_pyarray(py))?;
    d.set_item("p", r.p.into_pyarray(py))?;
    d.set_item("p_adjusted", r.p_adjusted.into_pyarray(py))?;
    d.set_item("sig", r.sig.into_pyarray(py))?;
    d.set_item("class", r.class.into_pyarray(py))?;
    d.set_item("classes", classify::CLASSES.to_vec())?;
    Ok(d)
}

/// Per-cell change with the conditional Poisson test: (change, ratio, p_value).
#[pyfunction]
#[allow(clippy::type_complexity)]
pub(super) fn hotspot_change_test<'py>(
    py: Python<'py>,
    before: PyReadonlyArray1<'py, f64>,
    after: PyReadonlyArray1<'py, f64>,
    length_before: f64,
    length_after: f64,
) -> PyResult<(
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
)> {
    let (b, a) = (owned(&before), owned(&after));
    let r = detach(py, || classify::change(&b, &a, length_before, length_after))?.py_err()?;
    Ok((
        r.change.into_pyarray(py),
        r.ratio.into_pyarray(py),
        r.p_value.into_pyarray(py),
    ))
}

/// Prospective risk per cell of a square grid.
#[pyfunction]
#[pyo3(signature = (grid, x, y, t, cutoff_time, predict_time, space_bandwidth, time_bandwidth, time_unit, distance))]
#[allow(clippy::too_many_arguments)]
pub(super) fn prospective_risk<'py>(
    py: Python<'py>,
    grid: GridArgs<'_>,
    x: PyReadonlyArray1<'py, f64>,
    y: PyReadonlyArray1<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
    cutoff_time: f64,
    predict_time: f64,
    space_bandwidth: f64,
    time_bandwidth: f64,
    time_unit: f64,
    distance: &str,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let g = grid_from(grid).py_err()?;
    let opt = prospective::ProspectiveOptions {
        space_bandwidth,
        time_bandwidth,
        time_unit,
        distance: distance.parse().py_err()?,
    };
    let (a, b, c) = (owned(&x), owned(&y), owned(&t));
    let r = detach(py, || {
        prospective::prospective(&g, &a, &b, &c, cutoff_time, predict_time, &opt)
    })?
    .py_err()?;
    Ok(r.into_pyarray(py))
}

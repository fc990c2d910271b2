//! Bindings for the hotspot-intelligence parts of [`crate::hotspot`]: global autocorrelation
//! ([`crate::hotspot::global`]) and map evaluation ([`crate::hotspot::evaluate`]).

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::hotspot::weights_from;
use super::parallel::{detach, interruptible, owned};
use crate::hotspot::{evaluate, global, local};

/// Global Moran / Geary / General G ("moran" | "geary" | "general_g") as a dict of floats.
#[pyfunction]
#[pyo3(signature = (statistic, values, n, offsets, neighbors, weights, transform, permutations, seed))]
#[allow(clippy::too_many_arguments)]
fn global_statistic<'py>(
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
    let f = match statistic {
        "moran" => global::moran_with,
        "geary" => global::geary_with,
        "general_g" => global::general_g_with,
        other => {
            return Err(crate::Error::argument(
                "statistic",
                format!("unknown statistic {other:?}; valid: \"moran\", \"geary\", \"general_g\""),
            ))
            .py_err()
        }
    };
    let r = interruptible(py, |c| f(&v, &w, tr, permutations, seed, c))?;
    let d = PyDict::new(py);
    for (k, x) in [
        ("value", r.value),
        ("expected", r.expected),
        ("variance_norm", r.variance_norm),
        ("z_norm", r.z_norm),
        ("p_norm", r.p_norm),
        ("variance_rand", r.variance_rand),
        ("z_rand", r.z_rand),
        ("p_rand", r.p_rand),
        ("p_sim", r.p_sim),
        ("expected_sim", r.expected_sim),
        ("se_sim", r.se_sim),
        ("z_sim", r.z_sim),
        ("p_z_sim", r.p_z_sim),
        ("s0", r.s0),
        ("s1", r.s1),
        ("s2", r.s2),
    ] {
        d.set_item(k, x)?;
    }
    Ok(d)
}

/// Hit rate / PAI / PEI / RRI table as a dict of columns.
#[pyfunction]
#[pyo3(signature = (observed, predicted, area=None))]
fn pai_table<'py>(
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
fn concentration<'py>(
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

/// Register the functions of this file.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(global_statistic, m)?)?;
    m.add_function(wrap_pyfunction!(pai_table, m)?)?;
    m.add_function(wrap_pyfunction!(concentration, m)?)?;
    Ok(())
}

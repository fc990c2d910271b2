//! Bindings for [`crate::rates`]: arrays in (borrowed, no copy), arrays out (moved, no copy).

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

use super::errors::IntoPy;
use crate::ci::{CiMethod, EstimateColumns, Missing};
use crate::rates as core;

type F64Array<'py> = Bound<'py, PyArray1<f64>>;
type EstimateArrays<'py> = (
    F64Array<'py>,
    F64Array<'py>,
    F64Array<'py>,
    Bound<'py, PyArray1<u8>>,
);

pub(super) fn slice<'a, T: numpy::Element>(
    name: &str,
    a: &'a PyReadonlyArray1<'_, T>,
) -> PyResult<&'a [T]> {
    a.as_slice().map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!("`{name}` must be a contiguous array"))
    })
}

fn to_arrays(py: Python<'_>, cols: EstimateColumns) -> EstimateArrays<'_> {
    let codes: Vec<u8> = cols.method.iter().map(|m| *m as u8).collect();
    (
        cols.value.into_pyarray(py),
        cols.lower.into_pyarray(py),
        cols.upper.into_pyarray(py),
        codes.into_pyarray(py),
    )
}

/// Run a core `*_into` function on fresh columns (GIL released) and hand them to numpy.
fn filled<'py>(
    py: Python<'py>,
    n: usize,
    fill: impl FnOnce(crate::ci::EstimateSlices<'_>) -> crate::error::Result<()> + Send,
) -> PyResult<EstimateArrays<'py>> {
    let cols = py
        .detach(|| crate::ci::EstimateColumns::filled_by(n, fill))
        .py_err()?;
    Ok(to_arrays(py, cols))
}

/// Labels of the method codes returned by every function (index = code).
#[pyfunction]
fn ci_method_labels() -> Vec<&'static str> {
    CiMethod::ALL.iter().map(|m| m.label()).collect()
}

/// Crude rates with exact / Byar's CIs. Returns (value, lower, upper, method_code).
#[pyfunction]
#[pyo3(signature = (count, population, multiplier, confidence, method, missing))]
fn rate_ci<'py>(
    py: Python<'py>,
    count: PyReadonlyArray1<'py, f64>,
    population: PyReadonlyArray1<'py, f64>,
    multiplier: f64,
    confidence: f64,
    method: &str,
    missing: &str,
) -> PyResult<EstimateArrays<'py>> {
    let opts = core::RateOptions {
        multiplier,
        confidence,
        method: method.parse().py_err()?,
        missing: missing.parse().py_err()?,
    };
    let (x, n) = (slice("count", &count)?, slice("population", &population)?);
    filled(py, x.len(), |out| core::rate_ci_into(x, n, &opts, out))
}

/// Proportions with Wilson CIs. Returns (value, lower, upper, method_code).
#[pyfunction]
#[pyo3(signature = (successes, trials, multiplier, confidence, method, missing))]
fn proportion_ci<'py>(
    py: Python<'py>,
    successes: PyReadonlyArray1<'py, f64>,
    trials: PyReadonlyArray1<'py, f64>,
    multiplier: f64,
    confidence: f64,
    method: &str,
    missing: &str,
) -> PyResult<EstimateArrays<'py>> {
    let opts = core::ProportionOptions {
        multiplier,
        confidence,
        method: method.parse().py_err()?,
        missing: missing.parse().py_err()?,
    };
    let (x, n) = (slice("successes", &successes)?, slice("trials", &trials)?);
    filled(py, x.len(), |out| {
        core::proportion_ci_into(x, n, &opts, out)
    })
}

/// Rate ratios. Returns (ratio, lower, upper, method_code, z, p_value).
#[pyfunction]
#[pyo3(signature = (count_a, population_a, count_b, population_b, confidence, method, missing))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn rate_ratio<'py>(
    py: Python<'py>,
    count_a: PyReadonlyArray1<'py, f64>,
    population_a: PyReadonlyArray1<'py, f64>,
    count_b: PyReadonlyArray1<'py, f64>,
    population_b: PyReadonlyArray1<'py, f64>,
    confidence: f64,
    method: &str,
    missing: &str,
) -> PyResult<(
    F64Array<'py>,
    F64Array<'py>,
    F64Array<'py>,
    Bound<'py, PyArray1<u8>>,
    F64Array<'py>,
    F64Array<'py>,
)> {
    let opts = core::RatioOptions {
        confidence,
        method: method.parse().py_err()?,
        missing: missing.parse().py_err()?,
    };
    let a = slice("count_a", &count_a)?;
    let na = slice("population_a", &population_a)?;
    let b = slice("count_b", &count_b)?;
    let nb = slice("population_b", &population_b)?;
    let out = py
        .detach(|| core::rate_ratio(a, na, b, nb, &opts))
        .py_err()?;
    let (v, l, u, m) = to_arrays(py, out.estimate);
    Ok((
        v,
        l,
        u,
        m,
        out.z.into_pyarray(py),
        out.p_value.into_pyarray(py),
    ))
}

/// Differences of proportions (Newcombe). Returns (difference, lower, upper, method_code).
#[pyfunction]
#[pyo3(signature = (successes_a, trials_a, successes_b, trials_b, confidence, missing))]
fn proportion_difference<'py>(
    py: Python<'py>,
    successes_a: PyReadonlyArray1<'py, f64>,
    trials_a: PyReadonlyArray1<'py, f64>,
    successes_b: PyReadonlyArray1<'py, f64>,
    trials_b: PyReadonlyArray1<'py, f64>,
    confidence: f64,
    missing: &str,
) -> PyResult<EstimateArrays<'py>> {
    let missing: Missing = missing.parse().py_err()?;
    let x1 = slice("successes_a", &successes_a)?;
    let n1 = slice("trials_a", &trials_a)?;
    let x2 = slice("successes_b", &successes_b)?;
    let n2 = slice("trials_b", &trials_b)?;
    let cols = py
        .detach(|| core::proportion_difference(x1, n1, x2, n2, confidence, missing))
        .py_err()?;
    Ok(to_arrays(py, cols))
}

/// One directly standardised rate. Returns (total_count, total_population, value, lower, upper,
/// method_code, note).
#[pyfunction]
#[pyo3(signature = (counts, populations, standard, multiplier, confidence))]
#[allow(clippy::type_complexity)]
fn dsr(
    counts: PyReadonlyArray1<'_, f64>,
    populations: PyReadonlyArray1<'_, f64>,
    standard: PyReadonlyArray1<'_, f64>,
    multiplier: f64,
    confidence: f64,
) -> PyResult<(f64, f64, f64, f64, f64, u8, Option<String>)> {
    let r = core::dsr(
        slice("counts", &counts)?,
        slice("populations", &populations)?,
        slice("standard", &standard)?,
        multiplier,
        confidence,
    )
    .py_err()?;
    let e = r.estimate;
    Ok((
        r.total_count,
        r.total_population,
        e.value,
        e.lower,
        e.upper,
        e.method as u8,
        r.note,
    ))
}

/// The ESP2013 standard population (19 bands, 0-4 ... 90+).
#[pyfunction]
fn esp2013() -> Vec<f64> {
    core::ESP2013.to_vec()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(ci_method_labels, m)?)?;
    m.add_function(wrap_pyfunction!(rate_ci, m)?)?;
    m.add_function(wrap_pyfunction!(proportion_ci, m)?)?;
    m.add_function(wrap_pyfunction!(rate_ratio, m)?)?;
    m.add_function(wrap_pyfunction!(proportion_difference, m)?)?;
    m.add_function(wrap_pyfunction!(dsr, m)?)?;
    m.add_function(wrap_pyfunction!(esp2013, m)?)?;
    Ok(())
}

//! Bindings for [`crate::trend`]: flat arrays in, dicts of numpy arrays out.

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::{detach, owned};
use crate::trend as core;

/// Labels of the trend method codes (index = code).
#[pyfunction]
fn trend_method_labels() -> Vec<&'static str> {
    core::TrendMethod::ALL.iter().map(|m| m.label()).collect()
}

/// Labels of the trend note codes (index = code; "" when there is an estimate).
#[pyfunction]
fn trend_note_labels() -> Vec<&'static str> {
    core::TrendNote::ALL.iter().map(|m| m.label()).collect()
}

/// Labels of the funnel significance codes (index = code).
#[pyfunction]
fn funnel_significance_labels() -> Vec<&'static str> {
    core::FunnelSignificance::ALL
        .iter()
        .map(|m| m.label())
        .collect()
}

/// Poisson trends for groups stored contiguously; returns a dict of column arrays.
#[pyfunction]
#[pyo3(signature = (count, population, t, offsets, confidence, dispersion, auto_threshold))]
#[allow(clippy::too_many_arguments)]
fn poisson_trend_many<'py>(
    py: Python<'py>,
    count: PyReadonlyArray1<'py, f64>,
    population: PyReadonlyArray1<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
    offsets: Vec<usize>,
    confidence: f64,
    dispersion: &str,
    auto_threshold: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = core::TrendOptions {
        confidence,
        dispersion: dispersion.parse().py_err()?,
        auto_threshold,
    };
    let (y, n, tt) = (owned(&count), owned(&population), owned(&t));
    let fits = detach(py, || {
        core::poisson_trend_many(&y, &n, &tt, &offsets, &opts)
    })?
    .py_err()?;
    let d = PyDict::new(py);
    super::put_column(&d, "intercept", &fits, |f| f.intercept)?;
    super::put_column(&d, "beta", &fits, |f| f.beta)?;
    super::put_column(&d, "se", &fits, |f| f.se)?;
    super::put_column(&d, "apc", &fits, |f| f.apc)?;
    super::put_column(&d, "apc_lower", &fits, |f| f.apc_lower)?;
    super::put_column(&d, "apc_upper", &fits, |f| f.apc_upper)?;
    super::put_column(&d, "z", &fits, |f| f.z)?;
    super::put_column(&d, "p_value", &fits, |f| f.p_value)?;
    super::put_column(&d, "dispersion_ratio", &fits, |f| f.dispersion_ratio)?;
    super::put_column(&d, "alpha", &fits, |f| f.alpha)?;
    super::put_column(&d, "n_periods", &fits, |f| f.n_periods as i64)?;
    super::put_column(&d, "method", &fits, |f| f.method as u8)?;
    super::put_column(&d, "note", &fits, |f| f.note as u8)?;
    Ok(d)
}

fn mk_dict<'py>(py: Python<'py>, rows: &[core::MannKendall]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    super::put_column(&d, "s", rows, |m| m.s)?;
    super::put_column(&d, "var_s", rows, |m| m.var_s)?;
    super::put_column(&d, "z", rows, |m| m.z)?;
    super::put_column(&d, "p_value", rows, |m| m.p_value)?;
    super::put_column(&d, "tau", rows, |m| m.tau)?;
    super::put_column(&d, "slope", rows, |m| m.slope)?;
    super::put_column(&d, "slope_lower", rows, |m| m.slope_lower)?;
    super::put_column(&d, "slope_upper", rows, |m| m.slope_upper)?;
    super::put_column(&d, "intercept", rows, |m| m.intercept)?;
    super::put_column(&d, "n", rows, |m| m.n as i64)?;
    Ok(d)
}

/// Mann-Kendall + Sen for each row of a row-major matrix given flat; `times` (one per column)
/// gives Sen's slope per unit of time, None per step.
#[pyfunction]
#[pyo3(signature = (values, n_cols, confidence, skip_missing, times=None))]
fn mann_kendall_rows<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    n_cols: usize,
    confidence: f64,
    skip_missing: bool,
    times: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<Bound<'py, PyDict>> {
    let x = owned(&values);
    let t = times.as_ref().map(owned);
    let rows = detach(py, || {
        core::mann_kendall_rows_at(&x, n_cols, t.as_deref(), confidence, skip_missing)
    })?
    .py_err()?;
    mk_dict(py, &rows)
}

/// Seasonal Mann-Kendall for each row (flat, row-major) with the given period.
#[pyfunction]
#[pyo3(signature = (values, n_cols, period, confidence, skip_missing))]
fn seasonal_mann_kendall_rows<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    n_cols: usize,
    period: usize,
    confidence: f64,
    skip_missing: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let x = owned(&values);
    if n_cols == 0 || !x.len().is_multiple_of(n_cols) {
        return Err(crate::Error::argument(
            "values",
            "values do not form whole rows",
        ))
        .py_err();
    }
    let rows: Vec<core::MannKendall> = detach(py, || {
        x.chunks(n_cols)
            .map(|row| core::seasonal_mann_kendall(row, period, confidence, skip_missing))
            .collect::<crate::Result<_>>()
    })?
    .py_err()?;
    mk_dict(py, &rows)
}

/// PHE funnel limits at each denominator: dict of lower_998, lower_95, upper_95, upper_998.
#[pyfunction]
#[pyo3(signature = (denominators, target, kind, multiplier))]
fn funnel_limits<'py>(
    py: Python<'py>,
    denominators: PyReadonlyArray1<'py, f64>,
    target: f64,
    kind: &str,
    multiplier: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let kind: core::FunnelKind = kind.parse().py_err()?;
    let n = owned(&denominators);
    let l = detach(py, || core::funnel_limits(&n, target, kind, multiplier))?.py_err()?;
    let d = PyDict::new(py);
    d.set_item(
        "lower_998",
        l.iter()
            .map(|x| x.lower_998)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    d.set_item(
        "lower_95",
        l.iter()
            .map(|x| x.lower_95)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    d.set_item(
        "upper_95",
        l.iter()
            .map(|x| x.upper_95)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    d.set_item(
        "upper_998",
        l.iter()
            .map(|x| x.upper_998)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    Ok(d)
}

/// PHE funnel significance codes for each point.
#[pyfunction]
#[pyo3(signature = (numerators, denominators, target, kind, multiplier))]
fn funnel_significance<'py>(
    py: Python<'py>,
    numerators: PyReadonlyArray1<'py, f64>,
    denominators: PyReadonlyArray1<'py, f64>,
    target: f64,
    kind: &str,
    multiplier: f64,
) -> PyResult<Bound<'py, numpy::PyArray1<u8>>> {
    let kind: core::FunnelKind = kind.parse().py_err()?;
    let (o, n) = (owned(&numerators), owned(&denominators));
    let s = detach(py, || {
        core::funnel_significance(&o, &n, target, kind, multiplier)
    })?
    .py_err()?;
    Ok(s.into_iter()
        .map(|x| x as u8)
        .collect::<Vec<_>>()
        .into_pyarray(py))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(trend_method_labels, m)?)?;
    m.add_function(wrap_pyfunction!(funnel_significance_labels, m)?)?;
    m.add_function(wrap_pyfunction!(trend_note_labels, m)?)?;
    m.add_function(wrap_pyfunction!(poisson_trend_many, m)?)?;
    m.add_function(wrap_pyfunction!(mann_kendall_rows, m)?)?;
    m.add_function(wrap_pyfunction!(seasonal_mann_kendall_rows, m)?)?;
    m.add_function(wrap_pyfunction!(funnel_limits, m)?)?;
    m.add_function(wrap_pyfunction!(funnel_significance, m)?)?;
    Ok(())
}

//! Bindings for [`crate::trend`]: flat arrays in, dicts of numpy arrays out.

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::{detach, interruptible, owned};
use crate::trend::{self as core, FunnelKind, TrendOptions};

/// Labels of the trend method codes (index = code).
#[pyfunction]
pub(super) fn trend_method_labels() -> Vec<&'static str> {
    core::TrendMethod::LABELS.to_vec()
}

/// Labels of the trend note codes (index = code; "" when there is an estimate).
#[pyfunction]
pub(super) fn trend_note_labels() -> Vec<&'static str> {
    core::TrendNote::LABELS.to_vec()
}

/// Labels of the funnel significance codes (index = code).
#[pyfunction]
pub(super) fn funnel_significance_labels() -> Vec<&'static str> {
    core::FunnelSignificance::LABELS.to_vec()
}

/// Poisson trends for groups stored contiguously; returns a dict of column arrays.
#[pyfunction]
#[pyo3(signature = (
    count, population, t, offsets, *,
    confidence = TrendOptions::default().confidence,
    dispersion = TrendOptions::default().dispersion,
    auto_threshold = TrendOptions::default().auto_threshold,
))]
#[allow(clippy::too_many_arguments)]
pub(super) fn poisson_trend_many<'py>(
    py: Python<'py>,
    count: PyReadonlyArray1<'py, f64>,
    population: PyReadonlyArray1<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
    offsets: Vec<usize>,
    confidence: f64,
    dispersion: core::Dispersion,
    auto_threshold: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = TrendOptions {
        confidence,
        dispersion,
        auto_threshold,
    };
    let (y, n, tt) = (owned(&count), owned(&population), owned(&t));
    let fits = interruptible(py, |cancel| {
        core::poisson_trend_many_with(&y, &n, &tt, &offsets, &opts, cancel)
    })?;
    Ok(columns!(py, &fits;
        [intercept, beta, se, apc, apc_lower, apc_upper, z, p_value, dispersion_ratio, alpha],
        "n_periods" => |f| f.n_periods as i64,
        "method" => |f| f.method as u8,
        "note" => |f| f.note as u8,
    ))
}

fn mk_dict<'py>(py: Python<'py>, rows: &[core::MannKendall]) -> PyResult<Bound<'py, PyDict>> {
    Ok(columns!(py, rows;
        [s, var_s, z, p_value, tau, slope, slope_lower, slope_upper, intercept],
        "n" => |m| m.n as i64,
    ))
}

/// Mann-Kendall + Sen for each row of a row-major matrix given flat; `times` (one per column)
/// gives Sen's slope per unit of time, None per step.
#[pyfunction]
#[pyo3(signature = (values, n_cols, *, confidence = 0.95, skip_missing = false, times = None))]
pub(super) fn mann_kendall_rows<'py>(
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
#[pyo3(signature = (values, n_cols, period, *, confidence = 0.95, skip_missing = false))]
pub(super) fn seasonal_mann_kendall_rows<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    n_cols: usize,
    period: usize,
    confidence: f64,
    skip_missing: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let x = owned(&values);
    let rows = detach(py, || {
        core::seasonal_mann_kendall_rows(&x, n_cols, period, confidence, skip_missing)
    })?
    .py_err()?;
    mk_dict(py, &rows)
}

/// PHE funnel limits at each denominator: dict of lower_998, lower_95, upper_95, upper_998.
#[pyfunction]
#[pyo3(signature = (denominators, target, *, kind, multiplier))]
pub(super) fn funnel_limits<'py>(
    py: Python<'py>,
    denominators: PyReadonlyArray1<'py, f64>,
    target: f64,
    kind: FunnelKind,
    multiplier: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let n = owned(&denominators);
    let funnel = core::Funnel::new(kind, target, multiplier);
    let l = detach(py, || core::funnel_limits(&n, &funnel))?.py_err()?;
    limits_columns(py, &l)
}

/// Funnel control limits as a dict of lower_998, lower_95, upper_95, upper_998 (also the
/// over-dispersed limits of `monitoring::funnel_od`).
pub(super) fn limits_columns<'py>(
    py: Python<'py>,
    l: &[core::FunnelLimits],
) -> PyResult<Bound<'py, PyDict>> {
    Ok(columns!(py, l; [lower_998, lower_95, upper_95, upper_998]))
}

/// PHE funnel significance codes for each point.
#[pyfunction]
#[pyo3(signature = (numerators, denominators, target, *, kind, multiplier))]
pub(super) fn funnel_significance<'py>(
    py: Python<'py>,
    numerators: PyReadonlyArray1<'py, f64>,
    denominators: PyReadonlyArray1<'py, f64>,
    target: f64,
    kind: FunnelKind,
    multiplier: f64,
) -> PyResult<Bound<'py, numpy::PyArray1<u8>>> {
    let (o, n) = (owned(&numerators), owned(&denominators));
    let funnel = core::Funnel::new(kind, target, multiplier);
    let s = detach(py, || core::funnel_significance(&o, &n, &funnel))?.py_err()?;
    Ok(s.into_iter()
        .map(|x| x as u8)
        .collect::<Vec<_>>()
        .into_pyarray(py))
}

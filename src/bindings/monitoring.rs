//! Bindings for [`crate::monitoring`]: flat arrays in, dicts of numpy arrays out.

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::{detach, interruptible, owned};
use crate::monitoring::{etest, spc as core, wdd as wdd_core};

/// Label lists of the SPC codes: dict of special_cause, point_type, assurance (index = code).
#[pyfunction]
pub(super) fn spc_labels(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(
        "special_cause",
        core::SpecialCause::ALL
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "point_type",
        core::PointType::ALL
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "assurance",
        core::Assurance::ALL
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>(),
    )?;
    Ok(d)
}

/// SPC for series stored one after another: (rows dict, series dict).
#[pyfunction]
#[pyo3(signature = (values, denominators, series_starts, rebase, targets, chart, improvement,
    fix_after, screen_outliers, trend_points, shift_points, laney))]
#[allow(clippy::too_many_arguments)]
pub(super) fn spc_many<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    denominators: Option<PyReadonlyArray1<'py, f64>>,
    series_starts: Vec<usize>,
    rebase: PyReadonlyArray1<'py, bool>,
    targets: PyReadonlyArray1<'py, f64>,
    chart: &str,
    improvement: &str,
    fix_after: Option<usize>,
    screen_outliers: bool,
    trend_points: usize,
    shift_points: usize,
    laney: bool,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let opts = core::SpcOptions {
        chart: chart.parse().py_err()?,
        improvement: improvement.parse().py_err()?,
        fix_after,
        screen_outliers,
        trend_points,
        shift_points,
        laney,
    };
    let v = owned(&values);
    let d = denominators.as_ref().map(owned);
    let rb = owned(&rebase);
    let t = owned(&targets);
    let out = interruptible(py, |cancel| {
        core::spc(&v, d.as_deref(), &series_starts, &rb, &t, &opts, cancel)
    })?;
    let r = out.rows;
    let rows = columns!(py;
        "value" => r.value,
        "mean" => r.mean,
        "lpl" => r.lpl,
        "upl" => r.upl,
        "lower_2sigma" => r.lower_2sigma,
        "upper_2sigma" => r.upper_2sigma,
        "segment" => r.segment,
        "trial_limits" => r.trial,
        "outside_limits" => r.outside_limits,
        "trend" => r.trend,
        "two_in_three" => r.two_in_three,
        "shift" => r.shift,
        "special_cause" => r.special_cause.iter().map(|c| *c as u8).collect::<Vec<_>>(),
        "point_type" => r.point_type.iter().map(|c| *c as u8).collect::<Vec<_>>(),
    );
    let s = columns!(py, &out.series;
        "n" => |x| x.n as i64,
        "segments" => |x| x.segments as i64,
        "trial_limits" => |x| x.trial,
        "variation" => |x| x.variation as u8,
        "assurance" => |x| x.assurance as u8,
    );
    Ok((rows, s))
}

/// E-test p-values for equal-length arrays.
#[pyfunction]
pub(super) fn e_test_many<'py>(
    py: Python<'py>,
    k1: PyReadonlyArray1<'py, f64>,
    k2: PyReadonlyArray1<'py, f64>,
    n1: PyReadonlyArray1<'py, f64>,
    n2: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, numpy::PyArray1<f64>>> {
    let (a, b, c, d) = (owned(&k1), owned(&k2), owned(&n1), owned(&n2));
    let p = detach(py, || etest::e_test_many(&a, &b, &c, &d))?.py_err()?;
    Ok(p.into_pyarray(py))
}

fn row_list(r: &wdd_core::WddRow) -> Vec<f64> {
    vec![r.estimate, r.se, r.z, r.p_value, r.lower, r.upper]
}

/// WDD: rows local, displacement, total of [estimate, se, z, p_value, lower, upper].
#[pyfunction]
#[pyo3(signature = (control, treated, disp_control, disp_treated, time_weights, area_weights, confidence))]
pub(super) fn wdd(
    control: [f64; 2],
    treated: [f64; 2],
    disp_control: Option<[f64; 2]>,
    disp_treated: Option<[f64; 2]>,
    time_weights: [f64; 2],
    area_weights: [f64; 4],
    confidence: f64,
) -> PyResult<Vec<Vec<f64>>> {
    let w = wdd_core::wdd(
        control,
        treated,
        disp_control,
        disp_treated,
        time_weights,
        area_weights,
        confidence,
    )
    .py_err()?;
    Ok(vec![
        row_list(&w.local),
        row_list(&w.displacement),
        row_list(&w.total),
    ])
}

/// Harm-weighted WDD: [estimate, se, z, p_value, lower, upper].
#[pyfunction]
pub(super) fn wdd_harm(
    estimates: Vec<f64>,
    se: Vec<f64>,
    weights: Vec<f64>,
    confidence: f64,
) -> PyResult<Vec<f64>> {
    Ok(row_list(
        &wdd_core::wdd_harm(&estimates, &se, &weights, confidence).py_err()?,
    ))
}

//! Bindings for [`crate::monitoring`]: flat arrays in, dicts of numpy arrays out.

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::{detach, interruptible, owned};
use super::Obj;
use crate::monitoring::{
    etest, funnel_od, isr as isr_core, multiple, spc as core, unusual, wdd as wdd_core,
};
use crate::trend::{Funnel, FunnelKind};

/// Label lists of the SPC codes: dict of special_cause, point_type, assurance (index = code).
#[pyfunction]
pub(super) fn spc_labels(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    Ok(columns!(py;
        "special_cause" => Obj(core::SpecialCause::LABELS),
        "point_type" => Obj(core::PointType::LABELS),
        "assurance" => Obj(core::Assurance::LABELS),
    ))
}

/// SPC for series stored one after another: (rows dict, series dict).
#[pyfunction]
#[pyo3(signature = (values, denominators, series_starts, rebase, targets, *,
    chart = core::SpcOptions::default().chart,
    improvement = core::SpcOptions::default().improvement,
    fix_after = core::SpcOptions::default().fix_after,
    screen_outliers = core::SpcOptions::default().screen_outliers,
    trend_points = core::SpcOptions::default().trend_points,
    shift_points = core::SpcOptions::default().shift_points,
    laney = core::SpcOptions::default().laney))]
#[allow(clippy::too_many_arguments)]
pub(super) fn spc_many<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    denominators: Option<PyReadonlyArray1<'py, f64>>,
    series_starts: Vec<usize>,
    rebase: PyReadonlyArray1<'py, bool>,
    targets: PyReadonlyArray1<'py, f64>,
    chart: core::Chart,
    improvement: core::Improvement,
    fix_after: Option<usize>,
    screen_outliers: bool,
    trend_points: usize,
    shift_points: usize,
    laney: bool,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let opts = core::SpcOptions {
        chart,
        improvement,
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
    let p = interruptible(py, |cancel| etest::e_test_many_with(&a, &b, &c, &d, cancel))?;
    Ok(p.into_pyarray(py))
}

/// WDD rows as a dict of estimate, se, z, p_value, lower, upper (one entry per row).
fn wdd_columns<'py>(py: Python<'py>, rows: &[wdd_core::WddRow]) -> PyResult<Bound<'py, PyDict>> {
    Ok(columns!(py, rows; [estimate, se, z, p_value, lower, upper]))
}

/// WDD: dict of columns over the rows local, displacement, total.
#[pyfunction]
#[pyo3(signature = (control, treated, disp_control, disp_treated, *,
    time_weights = wdd_core::WddOptions::default().time_weights,
    area_weights = wdd_core::WddOptions::default().area_weights,
    confidence = wdd_core::WddOptions::default().confidence))]
#[allow(clippy::too_many_arguments)]
pub(super) fn wdd<'py>(
    py: Python<'py>,
    control: [f64; 2],
    treated: [f64; 2],
    disp_control: Option<[f64; 2]>,
    disp_treated: Option<[f64; 2]>,
    time_weights: [f64; 2],
    area_weights: [f64; 4],
    confidence: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = wdd_core::WddOptions {
        time_weights,
        area_weights,
        confidence,
    };
    let w = wdd_core::wdd(control, treated, disp_control, disp_treated, &opts).py_err()?;
    wdd_columns(py, &[w.local, w.displacement, w.total])
}

/// Harm-weighted WDD: dict of columns over one row.
#[pyfunction]
#[pyo3(signature = (estimates, se, weights, *, confidence))]
pub(super) fn wdd_harm<'py>(
    py: Python<'py>,
    estimates: Vec<f64>,
    se: Vec<f64>,
    weights: Vec<f64>,
    confidence: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let row = wdd_core::wdd_harm(&estimates, &se, &weights, confidence).py_err()?;
    wdd_columns(py, &[row])
}

/// Over-dispersion of funnel points: dict of phi, tau2, n, z.
#[pyfunction]
#[pyo3(signature = (numerators, denominators, *, kind, target, multiplier, trim))]
pub(super) fn funnel_overdispersion<'py>(
    py: Python<'py>,
    numerators: PyReadonlyArray1<'py, f64>,
    denominators: PyReadonlyArray1<'py, f64>,
    kind: FunnelKind,
    target: f64,
    multiplier: f64,
    trim: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let (o, n) = (owned(&numerators), owned(&denominators));
    let funnel = Funnel::new(kind, target, multiplier);
    let od = detach(py, || funnel_od::overdispersion(&o, &n, &funnel, trim))?.py_err()?;
    Ok(columns!(py;
        "phi" => Obj(od.phi),
        "tau2" => Obj(od.tau2),
        "n" => Obj(od.n),
        "z" => od.z,
    ))
}

/// Over-dispersed funnel limits: dict of lower_998, lower_95, upper_95, upper_998.
#[pyfunction]
#[pyo3(signature = (denominators, *, kind, target, multiplier, phi, tau2, model))]
#[allow(clippy::too_many_arguments)]
pub(super) fn funnel_od_limits<'py>(
    py: Python<'py>,
    denominators: PyReadonlyArray1<'py, f64>,
    kind: FunnelKind,
    target: f64,
    multiplier: f64,
    phi: f64,
    tau2: f64,
    model: funnel_od::OdModel,
) -> PyResult<Bound<'py, PyDict>> {
    let n = owned(&denominators);
    let funnel = Funnel::new(kind, target, multiplier);
    let adjustment = funnel_od::OdAdjustment { phi, tau2, model };
    let l = detach(py, || funnel_od::od_limits(&n, &funnel, &adjustment))?.py_err()?;
    super::trend::limits_columns(py, &l)
}

/// Over-dispersed funnel significance codes (FunnelSignificance).
#[pyfunction]
#[pyo3(signature = (numerators, denominators, *, kind, target, multiplier, phi, tau2, model))]
#[allow(clippy::too_many_arguments)]
pub(super) fn funnel_od_significance<'py>(
    py: Python<'py>,
    numerators: PyReadonlyArray1<'py, f64>,
    denominators: PyReadonlyArray1<'py, f64>,
    kind: FunnelKind,
    target: f64,
    multiplier: f64,
    phi: f64,
    tau2: f64,
    model: funnel_od::OdModel,
) -> PyResult<Bound<'py, numpy::PyArray1<u8>>> {
    let (o, n) = (owned(&numerators), owned(&denominators));
    let funnel = Funnel::new(kind, target, multiplier);
    let adjustment = funnel_od::OdAdjustment { phi, tau2, model };
    let s = detach(py, || {
        funnel_od::od_significance(&o, &n, &funnel, &adjustment)
    })?
    .py_err()?;
    Ok(s.into_iter()
        .map(|x| x as u8)
        .collect::<Vec<_>>()
        .into_pyarray(py))
}

/// Indirectly standardised ratios: dict of ratio, lower, upper, exact.
#[pyfunction]
#[pyo3(signature = (observed, expected, *, confidence))]
pub(super) fn isr_ratio<'py>(
    py: Python<'py>,
    observed: PyReadonlyArray1<'py, f64>,
    expected: PyReadonlyArray1<'py, f64>,
    confidence: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let (o, e) = (owned(&observed), owned(&expected));
    let rows = detach(py, || isr_core::isr(&o, &e, confidence))?.py_err()?;
    Ok(columns!(py, &rows; [ratio, lower, upper, exact]))
}

/// Exact Poisson expected counts at which each event count is just significant: dict of low,
/// high.
#[pyfunction]
#[pyo3(signature = (events, *, p))]
pub(super) fn poisson_expected_limits<'py>(
    py: Python<'py>,
    events: PyReadonlyArray1<'py, f64>,
    p: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let e = owned(&events);
    let l = detach(py, || isr_core::poisson_expected_limits(&e, p))?.py_err()?;
    Ok(columns!(py, &l; "low" => |x| x.0, "high" => |x| x.1))
}

/// Adjusted p-values (holm, bh, bonferroni).
#[pyfunction]
#[pyo3(signature = (p, *, method))]
pub(super) fn p_adjust<'py>(
    py: Python<'py>,
    p: PyReadonlyArray1<'py, f64>,
    method: multiple::Adjust,
) -> PyResult<Bound<'py, numpy::PyArray1<f64>>> {
    let v = owned(&p);
    let out = detach(py, || multiple::p_adjust(&v, method))?.py_err()?;
    Ok(out.into_pyarray(py))
}

/// Unusual-period tests: dict of expected, p_value.
#[pyfunction]
#[pyo3(signature = (values, series_starts, *, baseline, method))]
pub(super) fn unusual_periods<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    series_starts: Vec<usize>,
    baseline: usize,
    method: unusual::UnusualMethod,
) -> PyResult<Bound<'py, PyDict>> {
    let v = owned(&values);
    let rows = interruptible(py, |cancel| {
        unusual::unusual_periods(&v, &series_starts, baseline, method, cancel)
    })?;
    Ok(columns!(py, &rows; [expected, p_value]))
}

/// Student t quantile ([`crate::special::t_quantile`]).
#[pyfunction]
pub(super) fn t_quantile(p: f64, df: f64) -> PyResult<f64> {
    crate::special::t_quantile(p, df).py_err()
}

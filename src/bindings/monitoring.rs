//! Bindings for [`crate::monitoring`]: flat arrays in, dicts of numpy arrays out.

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::{detach, interruptible, owned};
use crate::monitoring::{
    etest, funnel_od, isr as isr_core, multiple, spc as core, unusual, wdd as wdd_core,
};

/// Label lists of the SPC codes: dict of special_cause, point_type, assurance (index = code).
#[pyfunction]
fn spc_labels(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
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
fn spc_many<'py>(
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
    let rows = PyDict::new(py);
    rows.set_item("value", r.value.into_pyarray(py))?;
    rows.set_item("mean", r.mean.into_pyarray(py))?;
    rows.set_item("lpl", r.lpl.into_pyarray(py))?;
    rows.set_item("upl", r.upl.into_pyarray(py))?;
    rows.set_item("lower_2sigma", r.lower_2sigma.into_pyarray(py))?;
    rows.set_item("upper_2sigma", r.upper_2sigma.into_pyarray(py))?;
    rows.set_item("segment", r.segment.into_pyarray(py))?;
    rows.set_item("trial_limits", r.trial.into_pyarray(py))?;
    rows.set_item("outside_limits", r.outside_limits.into_pyarray(py))?;
    rows.set_item("trend", r.trend.into_pyarray(py))?;
    rows.set_item("two_in_three", r.two_in_three.into_pyarray(py))?;
    rows.set_item("shift", r.shift.into_pyarray(py))?;
    rows.set_item(
        "special_cause",
        r.special_cause
            .iter()
            .map(|c| *c as u8)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    rows.set_item(
        "point_type",
        r.point_type
            .iter()
            .map(|c| *c as u8)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    let s = PyDict::new(py);
    super::put_column(&s, "n", &out.series, |x| x.n as i64)?;
    super::put_column(&s, "segments", &out.series, |x| x.segments as i64)?;
    super::put_column(&s, "trial_limits", &out.series, |x| x.trial)?;
    super::put_column(&s, "variation", &out.series, |x| x.variation as u8)?;
    super::put_column(&s, "assurance", &out.series, |x| x.assurance as u8)?;
    Ok((rows, s))
}

/// E-test p-values for equal-length arrays.
#[pyfunction]
fn e_test_many<'py>(
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
fn wdd(
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
fn wdd_harm(
    estimates: Vec<f64>,
    se: Vec<f64>,
    weights: Vec<f64>,
    confidence: f64,
) -> PyResult<Vec<f64>> {
    Ok(row_list(
        &wdd_core::wdd_harm(&estimates, &se, &weights, confidence).py_err()?,
    ))
}

/// Over-dispersion of funnel points: (phi, tau2, n, z).
#[pyfunction]
#[pyo3(signature = (numerators, denominators, kind, target, multiplier, trim))]
fn funnel_overdispersion<'py>(
    py: Python<'py>,
    numerators: PyReadonlyArray1<'py, f64>,
    denominators: PyReadonlyArray1<'py, f64>,
    kind: &str,
    target: f64,
    multiplier: f64,
    trim: f64,
) -> PyResult<(f64, f64, usize, Bound<'py, numpy::PyArray1<f64>>)> {
    let kind = kind.parse().py_err()?;
    let (o, n) = (owned(&numerators), owned(&denominators));
    let od = detach(py, || {
        funnel_od::overdispersion(&o, &n, kind, target, multiplier, trim)
    })?
    .py_err()?;
    Ok((od.phi, od.tau2, od.n, od.z.into_pyarray(py)))
}

/// Over-dispersed funnel limits: dict of lower_998, lower_95, upper_95, upper_998.
#[pyfunction]
#[pyo3(signature = (denominators, kind, target, multiplier, phi, tau2, model))]
#[allow(clippy::too_many_arguments)]
fn funnel_od_limits<'py>(
    py: Python<'py>,
    denominators: PyReadonlyArray1<'py, f64>,
    kind: &str,
    target: f64,
    multiplier: f64,
    phi: f64,
    tau2: f64,
    model: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let kind = kind.parse().py_err()?;
    let model = model.parse().py_err()?;
    let n = owned(&denominators);
    let l = detach(py, || {
        funnel_od::od_limits(&n, kind, target, multiplier, phi, tau2, model)
    })?
    .py_err()?;
    let d = PyDict::new(py);
    for (k, name) in ["lower_998", "lower_95", "upper_95", "upper_998"]
        .iter()
        .enumerate()
    {
        super::put_column(&d, name, &l, |x| x[k])?;
    }
    Ok(d)
}

/// Over-dispersed funnel significance codes (FunnelSignificance).
#[pyfunction]
#[pyo3(signature = (numerators, denominators, kind, target, multiplier, phi, tau2, model))]
#[allow(clippy::too_many_arguments)]
fn funnel_od_significance<'py>(
    py: Python<'py>,
    numerators: PyReadonlyArray1<'py, f64>,
    denominators: PyReadonlyArray1<'py, f64>,
    kind: &str,
    target: f64,
    multiplier: f64,
    phi: f64,
    tau2: f64,
    model: &str,
) -> PyResult<Bound<'py, numpy::PyArray1<u8>>> {
    let kind = kind.parse().py_err()?;
    let model = model.parse().py_err()?;
    let (o, n) = (owned(&numerators), owned(&denominators));
    let s = detach(py, || {
        funnel_od::od_significance(&o, &n, kind, target, multiplier, phi, tau2, model)
    })?
    .py_err()?;
    Ok(s.into_iter()
        .map(|x| x as u8)
        .collect::<Vec<_>>()
        .into_pyarray(py))
}

/// Indirectly standardised ratios: dict of ratio, lower, upper, exact.
#[pyfunction]
fn isr_ratio<'py>(
    py: Python<'py>,
    observed: PyReadonlyArray1<'py, f64>,
    expected: PyReadonlyArray1<'py, f64>,
    confidence: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let (o, e) = (owned(&observed), owned(&expected));
    let rows = detach(py, || isr_core::isr(&o, &e, confidence))?.py_err()?;
    let d = PyDict::new(py);
    super::put_column(&d, "ratio", &rows, |r| r.ratio)?;
    super::put_column(&d, "lower", &rows, |r| r.lower)?;
    super::put_column(&d, "upper", &rows, |r| r.upper)?;
    super::put_column(&d, "exact", &rows, |r| r.exact)?;
    Ok(d)
}

type ArrayPair<'py> = (
    Bound<'py, numpy::PyArray1<f64>>,
    Bound<'py, numpy::PyArray1<f64>>,
);

/// Exact Poisson expected counts (low, high) at which each event count is just significant.
#[pyfunction]
fn poisson_expected_limits<'py>(
    py: Python<'py>,
    events: PyReadonlyArray1<'py, f64>,
    p: f64,
) -> PyResult<ArrayPair<'py>> {
    let e = owned(&events);
    let l = detach(py, || isr_core::poisson_expected_limits(&e, p))?.py_err()?;
    Ok((
        l.iter().map(|x| x.0).collect::<Vec<_>>().into_pyarray(py),
        l.iter().map(|x| x.1).collect::<Vec<_>>().into_pyarray(py),
    ))
}

/// Adjusted p-values (holm, bh, bonferroni).
#[pyfunction]
fn p_adjust<'py>(
    py: Python<'py>,
    p: PyReadonlyArray1<'py, f64>,
    method: &str,
) -> PyResult<Bound<'py, numpy::PyArray1<f64>>> {
    let method: multiple::Adjust = method.parse().py_err()?;
    let v = owned(&p);
    let out = detach(py, || multiple::p_adjust(&v, method))?.py_err()?;
    Ok(out.into_pyarray(py))
}

/// Unusual-period tests: (expected, p_value).
#[pyfunction]
fn unusual_periods<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    series_starts: Vec<usize>,
    baseline: usize,
    method: &str,
) -> PyResult<ArrayPair<'py>> {
    let method: unusual::UnusualMethod = method.parse().py_err()?;
    let v = owned(&values);
    let rows = interruptible(py, |cancel| {
        unusual::unusual_periods(&v, &series_starts, baseline, method, cancel)
    })?;
    Ok((
        rows.iter()
            .map(|r| r.expected)
            .collect::<Vec<_>>()
            .into_pyarray(py),
        rows.iter()
            .map(|r| r.p_value)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    ))
}

/// Student t quantile (for the peer-group mean's interval).
#[pyfunction]
fn t_quantile(p: f64, df: f64) -> PyResult<f64> {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    if !(p > 0.0 && p < 1.0) {
        return Err(crate::Error::argument("p", "must be in (0, 1)")).py_err();
    }
    let t = StudentsT::new(0.0, 1.0, df)
        .map_err(|_| crate::Error::argument("df", "must be positive"))
        .py_err()?;
    Ok(t.inverse_cdf(p))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(spc_labels, m)?)?;
    m.add_function(wrap_pyfunction!(spc_many, m)?)?;
    m.add_function(wrap_pyfunction!(e_test_many, m)?)?;
    m.add_function(wrap_pyfunction!(wdd, m)?)?;
    m.add_function(wrap_pyfunction!(wdd_harm, m)?)?;
    m.add_function(wrap_pyfunction!(funnel_overdispersion, m)?)?;
    m.add_function(wrap_pyfunction!(funnel_od_limits, m)?)?;
    m.add_function(wrap_pyfunction!(funnel_od_significance, m)?)?;
    m.add_function(wrap_pyfunction!(isr_ratio, m)?)?;
    m.add_function(wrap_pyfunction!(p_adjust, m)?)?;
    m.add_function(wrap_pyfunction!(poisson_expected_limits, m)?)?;
    m.add_function(wrap_pyfunction!(unusual_periods, m)?)?;
    m.add_function(wrap_pyfunction!(t_quantile, m)?)?;
    Ok(())
}

//! Bindings for [`crate::disproportionality`] and [`crate::tables`].

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::{detach, owned};
use crate::ci::Estimate;
use crate::disproportionality as core;
use crate::tables::{TestUsed, TwoByTwo};

fn put_estimates<'py>(d: &Bound<'py, PyDict>, prefix: &str, e: &[Estimate]) -> PyResult<()> {
    let py = d.py();
    d.set_item(
        prefix,
        e.iter()
            .map(|x| x.value)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    d.set_item(
        format!("{prefix}_lower"),
        e.iter()
            .map(|x| x.lower)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    d.set_item(
        format!("{prefix}_upper"),
        e.iter()
            .map(|x| x.upper)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    d.set_item(
        format!("{prefix}_method"),
        e.iter()
            .map(|x| x.method as u8)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )?;
    Ok(())
}

/// Rates and ratios to the reference row; dict of arrays.
#[pyfunction]
#[pyo3(signature = (searches, population, reference, multiplier, confidence, ratio_method, zero, min_count, min_population))]
#[allow(clippy::too_many_arguments)]
fn disproportionality<'py>(
    py: Python<'py>,
    searches: PyReadonlyArray1<'py, f64>,
    population: PyReadonlyArray1<'py, f64>,
    reference: Vec<usize>,
    multiplier: f64,
    confidence: f64,
    ratio_method: &str,
    zero: &str,
    min_count: f64,
    min_population: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = core::DispOptions {
        multiplier,
        confidence,
        ratio_ci: ratio_method.parse().py_err()?,
        zero: zero.parse().py_err()?,
        min_count,
        min_population,
    };
    let (s, p) = (owned(&searches), owned(&population));
    let out = detach(py, || core::disproportionality(&s, &p, &reference, &opts))?.py_err()?;
    let d = PyDict::new(py);
    put_estimates(&d, "rate", &out.rate)?;
    put_estimates(&d, "ratio", &out.ratio)?;
    d.set_item("reliable", out.reliable.into_pyarray(py))?;
    Ok(d)
}

fn two_by_two_dict<'py>(py: Python<'py>, rows: &[TwoByTwo]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    put_estimates(&d, "rate", &rows.iter().map(|t| t.p1).collect::<Vec<_>>())?;
    put_estimates(
        &d,
        "diff",
        &rows.iter().map(|t| t.difference).collect::<Vec<_>>(),
    )?;
    put_estimates(
        &d,
        "rr",
        &rows.iter().map(|t| t.risk_ratio).collect::<Vec<_>>(),
    )?;
    super::put_column(&d, "odds_ratio", rows, |t| t.odds_ratio)?;
    super::put_column(&d, "z", rows, |t| t.z)?;
    super::put_column(&d, "p_z", rows, |t| t.p_z)?;
    super::put_column(&d, "chi2", rows, |t| t.chi2)?;
    super::put_column(&d, "chi2_yates", rows, |t| t.chi2_yates)?;
    super::put_column(&d, "p_chi2_yates", rows, |t| t.p_chi2_yates)?;
    super::put_column(&d, "p_fisher", rows, |t| t.p_fisher)?;
    super::put_column(&d, "min_expected", rows, |t| t.min_expected)?;
    super::put_column(&d, "p_value", rows, |t| t.p_value)?;
    super::put_column(&d, "test", rows, |t| t.test as u8)?;
    Ok(d)
}

/// Outcome tests of each row against its reference row; dict of arrays.
#[pyfunction]
#[pyo3(signature = (hits, n, reference, confidence))]
fn outcome_tests<'py>(
    py: Python<'py>,
    hits: PyReadonlyArray1<'py, f64>,
    n: PyReadonlyArray1<'py, f64>,
    reference: Vec<usize>,
    confidence: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let (h, m) = (owned(&hits), owned(&n));
    let out = detach(py, || core::outcome_tests(&h, &m, &reference, confidence))?.py_err()?;
    two_by_two_dict(py, &out.rows)
}

/// One 2x2 comparison of x1/n1 against x2/n2 for each pair of array elements; dict of arrays.
#[pyfunction]
#[pyo3(signature = (x1, n1, x2, n2, confidence))]
fn two_by_two<'py>(
    py: Python<'py>,
    x1: PyReadonlyArray1<'py, f64>,
    n1: PyReadonlyArray1<'py, f64>,
    x2: PyReadonlyArray1<'py, f64>,
    n2: PyReadonlyArray1<'py, f64>,
    confidence: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let (a, b, c, d) = (owned(&x1), owned(&n1), owned(&x2), owned(&n2));
    let rows = detach(py, || {
        crate::tables::two_by_two_many(&a, &b, &c, &d, confidence)
    })?
    .py_err()?;
    two_by_two_dict(py, &rows)
}

/// Labels of the test codes (index = code).
#[pyfunction]
fn test_labels() -> Vec<&'static str> {
    TestUsed::ALL.iter().map(|t| t.label()).collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(disproportionality, m)?)?;
    m.add_function(wrap_pyfunction!(outcome_tests, m)?)?;
    m.add_function(wrap_pyfunction!(two_by_two, m)?)?;
    m.add_function(wrap_pyfunction!(test_labels, m)?)?;
    Ok(())
}

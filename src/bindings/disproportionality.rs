//! Bindings for [`crate::disproportionality`] and [`crate::tables`].

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::{detach, owned};
use crate::ci::Estimate;
use crate::disproportionality::{self as core, DispOptions};
use crate::tables::{TestUsed, TwoByTwo};

/// The columns `prefix`, `prefix_lower`, `prefix_upper`, `prefix_method` of estimates.
fn put_estimates<'py>(d: &Bound<'py, PyDict>, prefix: &str, e: &[Estimate]) -> PyResult<()> {
    let cols = columns!(d.py(), e;
        "" => |x| x.value,
        "_lower" => |x| x.lower,
        "_upper" => |x| x.upper,
        "_method" => |x| x.method as u8,
    );
    for (suffix, col) in cols.iter() {
        d.set_item(format!("{prefix}{}", suffix.extract::<&str>()?), col)?;
    }
    Ok(())
}

/// Rates and ratios to the reference row; dict of arrays.
#[pyfunction]
#[pyo3(signature = (
    searches, population, reference, *,
    multiplier = DispOptions::default().multiplier,
    confidence = DispOptions::default().confidence,
    ratio_method = DispOptions::default().ratio_ci,
    zero = DispOptions::default().zero,
    min_count = DispOptions::default().min_count,
    min_population = DispOptions::default().min_population,
))]
#[allow(clippy::too_many_arguments)]
pub(super) fn disproportionality<'py>(
    py: Python<'py>,
    searches: PyReadonlyArray1<'py, f64>,
    population: PyReadonlyArray1<'py, f64>,
    reference: Vec<usize>,
    multiplier: f64,
    confidence: f64,
    ratio_method: core::RatioCi,
    zero: core::ZeroCount,
    min_count: f64,
    min_population: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = DispOptions {
        multiplier,
        confidence,
        ratio_ci: ratio_method,
        zero,
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
    let rest = columns!(py, rows;
        [odds_ratio, z, p_z, chi2, chi2_yates, p_chi2_yates, p_fisher, min_expected, p_value],
        "test" => |t| t.test as u8,
    );
    d.update(rest.as_mapping())?;
    Ok(d)
}

/// Outcome tests of each row against its reference row; dict of arrays.
#[pyfunction]
#[pyo3(signature = (hits, n, reference, *, confidence = 0.95))]
pub(super) fn outcome_tests<'py>(
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
#[pyo3(signature = (x1, n1, x2, n2, *, confidence = 0.95))]
pub(super) fn two_by_two<'py>(
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
pub(super) fn test_labels() -> Vec<&'static str> {
    TestUsed::LABELS.to_vec()
}

//! Bindings for [`crate::rates`]: arrays in (copied while the GIL is held), arrays out (moved, no copy).

use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;

use super::errors::IntoPy;
use super::parallel::{detach, owned};
use crate::ci::{CiMethod, EstimateColumns, Missing};
use crate::rates as core;

type F64Array<'py> = Bound<'py, PyArray1<f64>>;
type EstimateArraysWithInputs<'py> = (
    F64Array<'py>,
    F64Array<'py>,
    F64Array<'py>,
    F64Array<'py>,
    F64Array<'py>,
    Bound<'py, PyArray1<u8>>,
);
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

/// Fresh uninitialised numpy (rows, n) block: one allocation, which glibc keeps warm between
/// calls (separate 8 MB arrays are unmapped and faulted in again on every call).
///
/// # Safety
/// The caller writes every element before Python can see the array.
unsafe fn block<'py>(py: Python<'py>, rows: usize, n: usize) -> Bound<'py, PyArray2<f64>> {
    unsafe { PyArray2::<f64>::new(py, [rows, n], false) }
}

/// Row `i` of a block as a 1-D array (a view: no copy).
fn row<'py>(block: &Bound<'py, PyArray2<f64>>, i: usize) -> PyResult<F64Array<'py>> {
    Ok(block.get_item(i)?.cast_into::<PyArray1<f64>>()?)
}

/// Run a core two-column `*_into` function on fresh numpy columns and return them with the
/// copies of the two input columns (the result table shows them; it must never alias the
/// caller's arrays, and Python then makes no further copies).
///
/// The inputs are copied into their result columns while the GIL is held; the core then reads
/// only those copies, with the GIL released (another Python thread may change the caller's
/// arrays meanwhile without changing the result).
///
/// Returns (input_a, input_b, value, lower, upper, method), all allocated by numpy and filled
/// in place: no copy crosses the boundary.
fn filled<'py>(
    py: Python<'py>,
    (name_a, a): (&str, &PyReadonlyArray1<'py, f64>),
    (name_b, b): (&str, &PyReadonlyArray1<'py, f64>),
    fill: impl FnOnce(&[f64], &[f64], crate::ci::EstimateSlices<'_>) -> crate::error::Result<()> + Send,
) -> PyResult<EstimateArraysWithInputs<'py>> {
    let (n, len_b) = (a.as_array().len(), b.as_array().len());
    crate::ci::check_lengths(&[(name_a, n), (name_b, len_b)]).py_err()?;
    // SAFETY: the input copies are written below (every element) and the two-column `*_into`
    // functions write every element of every output column before they return Ok; on Err the
    // arrays are dropped without Python ever seeing them, so uninitialised values are never read.
    let (copies, outputs, method) = unsafe {
        (
            block(py, 2, n),
            block(py, 3, n),
            PyArray1::<u8>::new(py, n, false),
        )
    };
    {
        let (mut c, mut o, mut m) = (copies.readwrite(), outputs.readwrite(), method.readwrite());
        let (ca, cb) = c.as_slice_mut()?.split_at_mut(n);
        for (dst, src) in [(&mut *ca, a), (&mut *cb, b)] {
            match src.as_slice() {
                Ok(s) => dst.copy_from_slice(s),
                Err(_) => dst
                    .iter_mut()
                    .zip(src.as_array().iter())
                    .for_each(|(d, v)| *d = *v),
            }
        }
        let (value, rest) = o.as_slice_mut()?.split_at_mut(n);
        let (lower, upper) = rest.split_at_mut(n);
        let out = crate::ci::EstimateSlices {
            value,
            lower,
            upper,
            method: m.as_slice_mut()?,
            inputs: None,
        };
        let (ca, cb) = (&*ca, &*cb);
        super::parallel::detach(py, || fill(ca, cb, out))?.py_err()?;
    }
    Ok((
        row(&copies, 0)?,
        row(&copies, 1)?,
        row(&outputs, 0)?,
        row(&outputs, 1)?,
        row(&outputs, 2)?,
        method,
    ))
}

/// Labels of the method codes returned by every function (index = code).
#[pyfunction]
fn ci_method_labels() -> Vec<&'static str> {
    CiMethod::ALL.iter().map(|m| m.label()).collect()
}

/// Crude rates with exact / Byar's CIs. Returns (count, population, value, lower, upper,
/// method_code), the first two copies of the inputs.
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
) -> PyResult<EstimateArraysWithInputs<'py>> {
    let opts = core::RateOptions {
        multiplier,
        confidence,
        method: method.parse().py_err()?,
        missing: missing.parse().py_err()?,
    };
    filled(
        py,
        ("count", &count),
        ("population", &population),
        |x, n, out| core::rate_ci_into(x, n, &opts, out),
    )
}

/// Proportions with Wilson CIs. Returns (successes, trials, value, lower, upper, method_code), the
/// first two copies of the inputs.
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
) -> PyResult<EstimateArraysWithInputs<'py>> {
    let opts = core::ProportionOptions {
        multiplier,
        confidence,
        method: method.parse().py_err()?,
        missing: missing.parse().py_err()?,
    };
    filled(
        py,
        ("successes", &successes),
        ("trials", &trials),
        |x, n, out| core::proportion_ci_into(x, n, &opts, out),
    )
}

/// Rate ratios. Returns (ratio, lower, upper, method_code, z, p_value), and with `percent`
/// also (percent_change, percent_lower, percent_upper) from the core's
/// [`core::percent_change_columns`] (None otherwise).
#[pyfunction]
#[pyo3(signature = (count_a, population_a, count_b, population_b, confidence, method, missing, percent=false))]
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
    percent: bool,
) -> PyResult<(
    F64Array<'py>,
    F64Array<'py>,
    F64Array<'py>,
    Bound<'py, PyArray1<u8>>,
    F64Array<'py>,
    F64Array<'py>,
    Option<(F64Array<'py>, F64Array<'py>, F64Array<'py>)>,
)> {
    let opts = core::RatioOptions {
        confidence,
        method: method.parse().py_err()?,
        missing: missing.parse().py_err()?,
    };
    let (a, na, b, nb) = (
        owned(&count_a),
        owned(&population_a),
        owned(&count_b),
        owned(&population_b),
    );
    let (out, pct) = detach(py, || {
        core::rate_ratio(&a, &na, &b, &nb, &opts).map(|out| {
            let pct = percent.then(|| core::percent_change_columns(&out.estimate));
            (out, pct)
        })
    })?
    .py_err()?;
    let pct = pct.map(|p| {
        (
            p.value.into_pyarray(py),
            p.lower.into_pyarray(py),
            p.upper.into_pyarray(py),
        )
    });
    let (v, l, u, m) = to_arrays(py, out.estimate);
    Ok((
        v,
        l,
        u,
        m,
        out.z.into_pyarray(py),
        out.p_value.into_pyarray(py),
        pct,
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
    let (x1, n1, x2, n2) = (
        owned(&successes_a),
        owned(&trials_a),
        owned(&successes_b),
        owned(&trials_b),
    );
    let cols = detach(py, || {
        core::proportion_difference(&x1, &n1, &x2, &n2, confidence, missing)
    })?
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

/// Directly standardised rates for areas stored contiguously (`offsets` as
/// [`core::dsr_many`]), computed in parallel with the GIL released. Returns a dict of columns
/// (total_count, total_population, value, lower, upper, method) and the notes (None or text).
#[pyfunction]
#[pyo3(signature = (counts, populations, standard, offsets, multiplier, confidence))]
#[allow(clippy::type_complexity)]
fn dsr_many<'py>(
    py: Python<'py>,
    counts: PyReadonlyArray1<'py, f64>,
    populations: PyReadonlyArray1<'py, f64>,
    standard: PyReadonlyArray1<'py, f64>,
    offsets: Vec<usize>,
    multiplier: f64,
    confidence: f64,
) -> PyResult<(Bound<'py, pyo3::types::PyDict>, Vec<Option<String>>)> {
    let (x, n, w) = (owned(&counts), owned(&populations), owned(&standard));
    let rows = detach(py, || {
        core::dsr_many(&x, &n, &w, &offsets, multiplier, confidence)
    })?
    .py_err()?;
    let d = pyo3::types::PyDict::new(py);
    super::put_column(&d, "total_count", &rows, |r| r.total_count)?;
    super::put_column(&d, "total_population", &rows, |r| r.total_population)?;
    super::put_column(&d, "value", &rows, |r| r.estimate.value)?;
    super::put_column(&d, "lower", &rows, |r| r.estimate.lower)?;
    super::put_column(&d, "upper", &rows, |r| r.estimate.upper)?;
    super::put_column(&d, "method", &rows, |r| r.estimate.method as u8)?;
    Ok((d, rows.into_iter().map(|r| r.note).collect()))
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
    m.add_function(wrap_pyfunction!(dsr_many, m)?)?;
    m.add_function(wrap_pyfunction!(esp2013, m)?)?;
    Ok(())
}

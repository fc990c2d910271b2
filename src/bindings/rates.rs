//! Bindings for [`crate::rates`]: arrays in (copied while the GIL is held), arrays out (moved, no copy).

use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::{detach, owned};
use super::Obj;
use crate::ci::{CiMethod, EstimateColumns, Missing};
use crate::rates::{self as core, ProportionOptions, RateOptions, RatioOptions};

type F64Array<'py> = Bound<'py, PyArray1<f64>>;

pub(super) fn slice<'a, T: numpy::Element>(
    name: &str,
    a: &'a PyReadonlyArray1<'_, T>,
) -> PyResult<&'a [T]> {
    a.as_slice().map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!("`{name}` must be a contiguous array"))
    })
}

/// The columns `value, lower, upper, method` (codes) of an estimate table.
fn estimate_dict(py: Python<'_>, cols: EstimateColumns) -> PyResult<Bound<'_, PyDict>> {
    let method: Vec<u8> = cols.method.iter().map(|m| *m as u8).collect();
    Ok(columns!(py;
        "value" => cols.value,
        "lower" => cols.lower,
        "upper" => cols.upper,
        "method" => method,
    ))
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
/// Returns a dict of `name_a`, `name_b` (the copies), `value, lower, upper, method`, all
/// allocated by numpy and filled in place: no copy crosses the boundary.
fn filled<'py>(
    py: Python<'py>,
    (name_a, a): (&str, &PyReadonlyArray1<'py, f64>),
    (name_b, b): (&str, &PyReadonlyArray1<'py, f64>),
    fill: impl FnOnce(&[f64], &[f64], crate::ci::EstimateSlices<'_>) -> crate::error::Result<()> + Send,
) -> PyResult<Bound<'py, PyDict>> {
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
    let d = columns!(py;
        "value" => Obj(row(&outputs, 0)?),
        "lower" => Obj(row(&outputs, 1)?),
        "upper" => Obj(row(&outputs, 2)?),
        "method" => Obj(method),
    );
    d.set_item(name_a, row(&copies, 0)?)?;
    d.set_item(name_b, row(&copies, 1)?)?;
    Ok(d)
}

/// Labels of the method codes returned by every function (index = code).
#[pyfunction]
pub(super) fn ci_method_labels() -> Vec<&'static str> {
    CiMethod::LABELS.to_vec()
}

/// A two-column interval binding (`count, population` -> rates; `successes, trials` ->
/// proportions): keyword options with the defaults of the core's options struct, the inputs
/// copied into the result and the core's `*_into` kernel filling fresh numpy columns.
macro_rules! two_column_ci {
    ($(#[$meta:meta])* $name:ident($a:ident, $b:ident), $opts:ident, $method:ty, $kernel:path) => {
        $(#[$meta])*
        #[pyfunction]
        #[pyo3(signature = (
            $a, $b, *,
            multiplier = $opts::default().multiplier,
            confidence = $opts::default().confidence,
            method = $opts::default().method,
            missing = $opts::default().missing,
        ))]
        pub(super) fn $name<'py>(
            py: Python<'py>,
            $a: PyReadonlyArray1<'py, f64>,
            $b: PyReadonlyArray1<'py, f64>,
            multiplier: f64,
            confidence: f64,
            method: $method,
            missing: Missing,
        ) -> PyResult<Bound<'py, PyDict>> {
            let opts = $opts {
                multiplier,
                confidence,
                method,
                missing,
            };
            filled(
                py,
                (stringify!($a), &$a),
                (stringify!($b), &$b),
                |x, n, out| $kernel(x, n, &opts, out),
            )
        }
    };
}

two_column_ci!(
    /// Crude rates with exact / Byar's CIs: dict of `count, population` (copies of the inputs),
    /// `value, lower, upper, method`.
    rate_ci(count, population), RateOptions, core::RateMethod, core::rate_ci_into
);

two_column_ci!(
    /// Proportions with Wilson CIs: dict of `successes, trials` (copies of the inputs),
    /// `value, lower, upper, method`.
    proportion_ci(successes, trials), ProportionOptions, core::ProportionMethod, core::proportion_ci_into
);

/// Rate ratios: dict of `value, lower, upper, method, z, p_value`, and with `percent` also
/// `percent_change, percent_lower, percent_upper` from the core's
/// [`core::percent_change_columns`].
#[pyfunction]
#[pyo3(signature = (
    count_a, population_a, count_b, population_b, *,
    confidence = RatioOptions::default().confidence,
    method = RatioOptions::default().method,
    missing = RatioOptions::default().missing,
    percent = false,
))]
#[allow(clippy::too_many_arguments)]
pub(super) fn rate_ratio<'py>(
    py: Python<'py>,
    count_a: PyReadonlyArray1<'py, f64>,
    population_a: PyReadonlyArray1<'py, f64>,
    count_b: PyReadonlyArray1<'py, f64>,
    population_b: PyReadonlyArray1<'py, f64>,
    confidence: f64,
    method: core::RatioMethod,
    missing: Missing,
    percent: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = RatioOptions {
        confidence,
        method,
        missing,
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
    let d = estimate_dict(py, out.estimate)?;
    d.update(columns!(py; "z" => out.z, "p_value" => out.p_value).as_mapping())?;
    if let Some(p) = pct {
        d.update(
            columns!(py;
                "percent_change" => p.value,
                "percent_lower" => p.lower,
                "percent_upper" => p.upper,
            )
            .as_mapping(),
        )?;
    }
    Ok(d)
}

/// Differences of proportions (Newcombe): dict of `value, lower, upper, method`.
#[pyfunction]
#[pyo3(signature = (
    successes_a, trials_a, successes_b, trials_b, *,
    confidence = 0.95,
    missing = Missing::default(),
))]
pub(super) fn proportion_difference<'py>(
    py: Python<'py>,
    successes_a: PyReadonlyArray1<'py, f64>,
    trials_a: PyReadonlyArray1<'py, f64>,
    successes_b: PyReadonlyArray1<'py, f64>,
    trials_b: PyReadonlyArray1<'py, f64>,
    confidence: f64,
    missing: Missing,
) -> PyResult<Bound<'py, PyDict>> {
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
    estimate_dict(py, cols)
}

/// One directly standardised rate: dict of `total_count, total_population, value, lower,
/// upper, method, note` (scalars).
#[pyfunction]
#[pyo3(signature = (counts, populations, standard, *, multiplier = 100_000.0, confidence = 0.95))]
pub(super) fn dsr<'py>(
    py: Python<'py>,
    counts: PyReadonlyArray1<'py, f64>,
    populations: PyReadonlyArray1<'py, f64>,
    standard: PyReadonlyArray1<'py, f64>,
    multiplier: f64,
    confidence: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let r = core::dsr(
        slice("counts", &counts)?,
        slice("populations", &populations)?,
        slice("standard", &standard)?,
        multiplier,
        confidence,
    )
    .py_err()?;
    let e = r.estimate;
    Ok(columns!(py;
        "total_count" => Obj(r.total_count),
        "total_population" => Obj(r.total_population),
        "value" => Obj(e.value),
        "lower" => Obj(e.lower),
        "upper" => Obj(e.upper),
        "method" => Obj(e.method as u8),
        "note" => Obj(r.note),
    ))
}

/// Directly standardised rates for areas stored contiguously (`offsets` as
/// [`core::dsr_many`]), computed in parallel with the GIL released: dict of `total_count,
/// total_population, value, lower, upper, method` and `note` (a list of None or text).
#[pyfunction]
#[pyo3(signature = (counts, populations, standard, offsets, *, multiplier = 100_000.0, confidence = 0.95))]
pub(super) fn dsr_many<'py>(
    py: Python<'py>,
    counts: PyReadonlyArray1<'py, f64>,
    populations: PyReadonlyArray1<'py, f64>,
    standard: PyReadonlyArray1<'py, f64>,
    offsets: Vec<usize>,
    multiplier: f64,
    confidence: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let (x, n, w) = (owned(&counts), owned(&populations), owned(&standard));
    let rows = detach(py, || {
        core::dsr_many(&x, &n, &w, &offsets, multiplier, confidence)
    })?
    .py_err()?;
    let d = columns!(py, &rows;
        [total_count, total_population],
        "value" => |r| r.estimate.value,
        "lower" => |r| r.estimate.lower,
        "upper" => |r| r.estimate.upper,
        "method" => |r| r.estimate.method as u8,
    );
    d.set_item("note", rows.into_iter().map(|r| r.note).collect::<Vec<_>>())?;
    Ok(d)
}

/// The ESP2013 standard population (19 bands, 0-4 ... 90+).
#[pyfunction]
pub(super) fn esp2013() -> Vec<f64> {
    core::ESP2013.to_vec()
}

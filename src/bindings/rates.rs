//! Bindings for [`crate::rates`]: arrays in (copied while the GIL is held), arrays out (moved, no copy).

use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::detach;
use super::{Dict, Obj};
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
        binding! {
            $(#[$meta])*
            fn $name(py, $a: PyReadonlyArray1<'py, f64>, $b: PyReadonlyArray1<'py, f64>, *,
                ..opts: $opts {
                    multiplier: f64, confidence: f64, method: $method, missing: Missing
                }
            ) -> Dict<'py> {
                let (a, b) = ((stringify!($a), &$a), (stringify!($b), &$b));
                filled(py, a, b, |x, n, out| $kernel(x, n, &opts, out))
            }
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

binding! {
    /// Rate ratios: dict of `value, lower, upper, method, z, p_value`, and with `percent` also
    /// `percent_change, percent_lower, percent_upper` from the core's
    /// [`core::percent_change_columns`].
    fn rate_ratio(py, count_a: &[f64], population_a: &[f64], count_b: &[f64],
        population_b: &[f64], *,
        ..opts: RatioOptions { confidence: f64, method: core::RatioMethod, missing: Missing },
        percent: bool = false) -> Dict<'py> {
        let (out, pct) = detach(py, || {
            core::rate_ratio(&count_a, &population_a, &count_b, &population_b, &opts).map(|out| {
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
}

binding! {
    /// Differences of proportions (Newcombe): dict of `value, lower, upper, method`.
    fn proportion_difference(py, successes_a: &[f64], trials_a: &[f64], successes_b: &[f64],
        trials_b: &[f64], *, confidence: f64 = 0.95, missing: Missing = Missing::default())
        -> Dict<'py> {
        let (x1, n1, x2, n2) = (&successes_a, &trials_a, &successes_b, &trials_b);
        let cols = detach(py, || {
            core::proportion_difference(x1, n1, x2, n2, confidence, missing)
        })?;
        estimate_dict(py, cols.py_err()?)
    }
}

binding! {
    /// One directly standardised rate: dict of `total_count, total_population, value, lower,
    /// upper, method, note` (scalars).
    fn dsr(py, counts: &[f64], populations: &[f64], standard: &[f64], *,
        multiplier: f64 = 100_000.0, confidence: f64 = 0.95) -> Dict<'py> {
        let r = detach(py, || {
            core::dsr(&counts, &populations, &standard, multiplier, confidence)
        })?
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
}

binding! {
    /// Directly standardised rates for areas stored contiguously (`offsets` as
    /// [`core::dsr_many`]), computed in parallel with the GIL released: dict of `total_count,
    /// total_population, value, lower, upper, method` and `note` (a list of None or text).
    fn dsr_many(py, counts: &[f64], populations: &[f64], standard: &[f64], offsets: Vec<usize>,
        *, multiplier: f64 = 100_000.0, confidence: f64 = 0.95) -> Dict<'py> {
        let rows = detach(py, || {
            core::dsr_many(&counts, &populations, &standard, &offsets, multiplier, confidence)
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
}

/// The ESP2013 standard population (19 bands, 0-4 ... 90+).
#[pyfunction]
pub(super) fn esp2013() -> Vec<f64> {
    core::ESP2013.to_vec()
}

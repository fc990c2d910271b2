//! Bindings for [`crate::csvscan`].

use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;

use super::errors::IntoPy;

/// Field count and end line of every record after the header: (header_fields, fields, line).
#[pyfunction]
#[pyo3(signature = (data, delimiter))]
#[allow(clippy::type_complexity)]
fn record_shapes<'py>(
    py: Python<'py>,
    data: &[u8],
    delimiter: char,
) -> PyResult<(usize, Bound<'py, PyArray1<u32>>, Bound<'py, PyArray1<u64>>)> {
    let delim = u8::try_from(delimiter).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err("delimiter must be a single ASCII character")
    })?;
    let s = py
        .detach(|| crate::csvscan::record_shapes(data, delim))
        .py_err()?;
    Ok((
        s.header_fields,
        s.fields.into_pyarray(py),
        s.line.into_pyarray(py),
    ))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(record_shapes, m)?)?;
    Ok(())
}

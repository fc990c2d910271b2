//! Map the core [`Error`](crate::Error) to the Python exception classes defined in
//! `saferstats.exceptions` (so that they can subclass both `SaferstatsError` and `ValueError`).

use pyo3::import_exception;
use pyo3::PyErr;

use crate::error::Error;

import_exception!(saferstats.exceptions, InvalidInputError);
import_exception!(saferstats.exceptions, MissingValueError);
import_exception!(saferstats.exceptions, LengthMismatchError);
import_exception!(saferstats.exceptions, ConvergenceError);

/// Convert a core error into the matching Python exception, carrying `argument` and `index`.
pub fn to_py(err: Error) -> PyErr {
    let msg = err.to_string();
    match err {
        Error::InvalidArgument { name, .. } => {
            InvalidInputError::new_err((msg, name, None::<usize>))
        }
        Error::InvalidValue { name, index, .. } => {
            InvalidInputError::new_err((msg, name, Some(index)))
        }
        Error::MissingValue { name, index, .. } => {
            MissingValueError::new_err((msg, name, Some(index)))
        }
        Error::LengthMismatch { name_b, .. } => {
            LengthMismatchError::new_err((msg, name_b, None::<usize>))
        }
        Error::NotConverged { .. } => {
            ConvergenceError::new_err((msg, None::<String>, None::<usize>))
        }
        Error::Interrupted => pyo3::exceptions::PyKeyboardInterrupt::new_err(msg),
    }
}

/// `?`-friendly conversion for results from the core.
pub trait IntoPy<T> {
    /// Map the error side to a Python exception.
    fn py_err(self) -> pyo3::PyResult<T>;
}

impl<T> IntoPy<T> for crate::error::Result<T> {
    fn py_err(self) -> pyo3::PyResult<T> {
        self.map_err(to_py)
    }
}

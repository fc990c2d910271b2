//! The one error type of the saferstats core.
//!
//! Every fallible function returns [`Result<T>`]. Variants carry the argument name, the row
//! (position) and the offending value so that the Python layer can rewrite the message to name a
//! DataFrame column and row. The binding layer maps each variant to a Python exception class
//! rooted at `saferstats.SaferstatsError` (input problems also subclass `ValueError`).

use thiserror::Error;

/// Result alias used throughout the core.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong in a saferstats computation.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// An option or scalar argument is outside its allowed range or not a known choice.
    #[error("invalid argument `{name}`: {message}")]
    InvalidArgument {
        /// Argument (keyword) name.
        name: String,
        /// What is wrong and what is allowed.
        message: String,
    },

    /// One element of an input array is invalid (negative count, zero denominator, ...).
    #[error("invalid value in `{name}` at position {index}: {value} ({reason})")]
    InvalidValue {
        /// Argument name.
        name: String,
        /// Zero-based position in the array.
        index: usize,
        /// The offending value.
        value: f64,
        /// Why it is invalid.
        reason: String,
    },

    /// A missing value (NaN) where the function has no `missing` option, or `missing="error"` is
    /// in force.
    #[error("missing value (NaN) in `{name}` at position {index}{advice}")]
    MissingValue {
        /// Argument name.
        name: String,
        /// Zero-based position in the array.
        index: usize,
        /// The `missing` option that would accept the value, when the function has one.
        advice: MissingAdvice,
    },

    /// Arrays that must be the same length are not.
    #[error("length mismatch: `{name_a}` has {len_a} elements but `{name_b}` has {len_b}")]
    LengthMismatch {
        /// First argument name.
        name_a: String,
        /// Its length.
        len_a: usize,
        /// Second argument name.
        name_b: String,
        /// Its length.
        len_b: usize,
    },

    /// An iterative fit or root search did not converge.
    #[error("{what} did not converge after {iterations} iterations")]
    NotConverged {
        /// What was being computed.
        what: String,
        /// Iterations spent.
        iterations: usize,
    },

    /// A long computation was stopped through its cancellation flag (e.g. Ctrl-C in Python).
    #[error("interrupted")]
    Interrupted,
}

/// What a [`Error::MissingValue`] advises: the `missing` option of the function that raised it.
/// A function without one advises nothing (the advice to pass an option it does not take misled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingAdvice {
    /// The function has no `missing` option.
    None,
    /// `missing="propagate"` gives NaN results for such rows.
    Propagate,
    /// `missing="drop"` leaves such values out.
    Drop,
    /// The function has no `missing` option because every period needs a count: a period with
    /// no events is 0, not missing.
    CountEveryPeriod,
}

impl std::fmt::Display for MissingAdvice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MissingAdvice::None => "",
            MissingAdvice::Propagate => {
                "; pass missing=\"propagate\" to get NaN results for such rows"
            }
            MissingAdvice::Drop => "; pass missing=\"drop\" to leave such values out",
            MissingAdvice::CountEveryPeriod => {
                ": every period needs a count (0 when there were none)"
            }
        })
    }
}

impl Error {
    /// Shorthand for [`Error::MissingValue`]: a NaN in `name` at `index`, with the advice of the
    /// function's `missing` option ([`MissingAdvice::None`] when it has none).
    ///
    /// ```
    /// use saferstats::error::{Error, MissingAdvice};
    /// let e = Error::missing("lat", 3, MissingAdvice::None);
    /// assert_eq!(e.to_string(), "missing value (NaN) in `lat` at position 3");
    /// ```
    pub fn missing(name: &str, index: usize, advice: MissingAdvice) -> Self {
        Error::MissingValue {
            name: name.to_string(),
            index,
            advice,
        }
    }

    /// Shorthand for [`Error::InvalidArgument`].
    pub fn argument(name: &str, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name: name.to_string(),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::InvalidValue`].
    pub fn value(name: &str, index: usize, value: f64, reason: impl Into<String>) -> Self {
        Error::InvalidValue {
            name: name.to_string(),
            index,
            value,
            reason: reason.into(),
        }
    }
}

//! Series stored contiguously in flat arrays: the one grouping type behind every `_many` /
//! `_rows` function (trends of every district × strand, DSRs of every area, Mann–Kendall of
//! every row of a matrix).

use std::ops::Range;

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Consecutive groups of rows of flat arrays; an error found in a group is re-indexed to the
/// flat arrays and its message names the group ("series 3", "row 3") — unless there is only one
/// group, which needs no name.
///
/// # Examples
/// ```
/// use saferstats::trend::Groups;
/// let g = Groups::from_offsets(&[0, 2, 5], 5).unwrap();
/// assert_eq!(g.ranges(), &[0..2, 2..5]);
/// let sums = g.par_map(|r| Ok(r.len())).unwrap();
/// assert_eq!(sums, vec![2, 3]);
/// assert!(Groups::rows(7, 3).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Groups {
    ranges: Vec<Range<usize>>,
    /// What a group is called in messages.
    noun: &'static str,
}

impl Groups {
    /// Group `g` is rows `offsets[g]..offsets[g+1]` of arrays of length `len` (called a
    /// "series" in messages).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] on `offsets` unless they start at 0, end at `len` and never
    /// decrease.
    pub fn from_offsets(offsets: &[usize], len: usize) -> Result<Self> {
        if offsets.first() != Some(&0) || offsets.last() != Some(&len) {
            return Err(Error::argument(
                "offsets",
                format!("group offsets must start at 0 and end at {len}"),
            ));
        }
        if offsets.windows(2).any(|w| w[1] < w[0]) {
            return Err(Error::argument(
                "offsets",
                "group offsets must be non-decreasing",
            ));
        }
        let ranges = offsets.windows(2).map(|w| w[0]..w[1]).collect();
        Ok(Groups {
            ranges,
            noun: "series",
        })
    }

    /// The rows of a row-major matrix of `len` values with `n_cols` columns (called a "row" in
    /// messages).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] on `values` when `len` is not a whole number of rows.
    pub fn rows(len: usize, n_cols: usize) -> Result<Self> {
        if n_cols == 0 {
            return Err(Error::argument("values", "there are no values to test"));
        }
        if !len.is_multiple_of(n_cols) {
            return Err(Error::argument(
                "values",
                format!("{len} values do not form rows of {n_cols}"),
            ));
        }
        let ranges = (0..len / n_cols)
            .map(|r| r * n_cols..(r + 1) * n_cols)
            .collect();
        Ok(Groups {
            ranges,
            noun: "row",
        })
    }

    /// The row range of every group.
    pub fn ranges(&self) -> &[Range<usize>] {
        &self.ranges
    }

    /// `e`, found in group `g` at a position inside the group, re-indexed to the flat arrays and
    /// naming the group (not when there is only one: "(row 0)" would only puzzle).
    pub fn locate(&self, e: Error, g: usize) -> Error {
        let (noun, start) = (self.noun, self.ranges[g].start);
        if self.ranges.len() == 1 {
            return e;
        }
        match e {
            Error::InvalidValue {
                name,
                index,
                value,
                reason,
            } => Error::InvalidValue {
                name,
                index: start + index,
                value,
                reason: format!("{reason} ({noun} {g})"),
            },
            Error::MissingValue {
                name,
                index,
                advice,
            } => Error::MissingValue {
                name,
                index: start + index,
                advice,
            },
            Error::InvalidArgument { name, message } => Error::InvalidArgument {
                name,
                message: format!("{noun} {g}: {message}"),
            },
            other => other,
        }
    }

    /// Check every group in order with `check` (the first failure, located, is returned).
    ///
    /// # Errors
    /// The first group's error, as [`locate`](Self::locate).
    pub fn check_each(&self, check: impl Fn(Range<usize>) -> Result<()>) -> Result<()> {
        for (g, r) in self.ranges.iter().enumerate() {
            check(r.clone()).map_err(|e| self.locate(e, g))?;
        }
        Ok(())
    }

    /// `f` on every group in parallel, results in group order; the first failing group (by
    /// position) is returned, located.
    ///
    /// # Errors
    /// The first group's error, as [`locate`](Self::locate).
    pub fn par_map<T: Send>(&self, f: impl Fn(Range<usize>) -> Result<T> + Sync) -> Result<Vec<T>> {
        self.par_map_indexed(|_, r| f(r))
    }

    /// [`par_map`](Self::par_map) with the group's number passed to `f` as well (for per-group
    /// settings such as a series' target).
    ///
    /// # Errors
    /// The first group's error, as [`locate`](Self::locate).
    pub fn par_map_indexed<T: Send>(
        &self,
        f: impl Fn(usize, Range<usize>) -> Result<T> + Sync,
    ) -> Result<Vec<T>> {
        self.ranges
            .par_iter()
            .enumerate()
            .map(|(g, r)| f(g, r.clone()).map_err(|e| self.locate(e, g)))
            .collect::<Vec<_>>()
            .into_iter()
            .collect()
    }
}

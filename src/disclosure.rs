//! Small-number disclosure control for published tables: primary suppression of counts below a
//! threshold, secondary (complementary) suppression so that a suppressed cell cannot be recovered
//! by subtraction from a published row or column total, and optional rounding to a base.
//!
//! Method: the rule used by ONS and NHS England for published counts (suppress 1–4, i.e. counts
//! below 5; secondary suppression of the smallest remaining cell in any row or column left with a
//! single suppressed cell, repeated until every row and column of more than one cell has either
//! none or at least two suppressed cells). This protects against recovery from one margin; it is
//! not a full linear-programming audit of all margins jointly.

use serde::Serialize;

use crate::error::{Error, Result};

/// Why a cell was hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[repr(u8)]
pub enum Suppression {
    /// Published.
    None = 0,
    /// Below the threshold.
    Primary = 1,
    /// Hidden so that a primary cell cannot be recovered from a total.
    Secondary = 2,
}

/// Options for [`suppress`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DisclosureOptions {
    /// Counts strictly below this (and above zero, unless `zeros`) are suppressed (default 5).
    pub threshold: f64,
    /// Also suppress zeros (default false: a zero is published).
    pub zeros: bool,
    /// Apply secondary suppression (default true).
    pub secondary: bool,
    /// Round published counts to this base (e.g. 5); `None` keeps them.
    pub round_to: Option<f64>,
}

impl Default for DisclosureOptions {
    fn default() -> Self {
        DisclosureOptions {
            threshold: 5.0,
            zeros: false,
            secondary: true,
            round_to: None,
        }
    }
}

/// A suppressed table: the published values (NaN where hidden) and the reason per cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suppressed {
    /// Row-major values with NaN for hidden cells (rounded when asked).
    pub values: Vec<f64>,
    /// Row-major reasons.
    pub reason: Vec<Suppression>,
}

/// Suppress small counts in a row-major `n_rows × n_cols` table of counts.
///
/// Primary: 0 < value < `threshold` (or value < threshold with `zeros`). Secondary: while some row
/// (of more than one cell) or column (of more than one cell) holds exactly one hidden cell, hide one
/// more published cell of that line: preferably one whose crossing column (or row) already has a
/// hidden cell, so that no new singleton is created; then non-zero before zero (hiding a known
/// zero protects nothing); then the smallest; then the first in row-major order. Then round published values to
/// `round_to` (nearest multiple, halves up). NaN cells are treated as already unpublished.
///
/// # Errors
/// A shape that does not match the data, a negative or infinite count, a threshold or base ≤ 0.
///
/// # Examples
/// ```
/// use saferstats::disclosure::{suppress, DisclosureOptions, Suppression};
/// // one small cell in a 2x2 table: its row and column partners are hidden too
/// let s = suppress(&[3.0, 10.0, 12.0, 20.0], 2, &DisclosureOptions::default()).unwrap();
/// assert_eq!(s.reason, [Suppression::Primary, Suppression::Secondary, Suppression::Secondary, Suppression::Secondary]);
/// ```
pub fn suppress(values: &[f64], n_cols: usize, opts: &DisclosureOptions) -> Result<Suppressed> {
    if n_cols == 0 || !values.len().is_multiple_of(n_cols) {
        return Err(Error::argument(
            "table",
            format!(
                "{} values do not form rows of {n_cols} columns",
                values.len()
            ),
        ));
    }
    if !(opts.threshold.is_finite() && opts.threshold > 0.0) {
        return Err(Error::argument("threshold", "must be a positive number"));
    }
    if let Some(b) = opts.round_to {
        if !(b.is_finite() && b > 0.0) {
            return Err(Error::argument("round_to", "must be a positive number"));
        }
    }
    for (i, &v) in values.iter().enumerate() {
        if v.is_infinite() || v < 0.0 {
            return Err(Error::value(
                "table",
                i,
                v,
                "counts must be finite and non-negative",
            ));
        }
    }
    let n_rows = values.len() / n_cols;
    let mut reason: Vec<Suppression> = values
        .iter()
        .map(|&v| {
            let small = v < opts.threshold && (v > 0.0 || opts.zeros);
            if small {
                Suppression::Primary
            } else {
                Suppression::None
            }
        })
        .collect();
    let hidden = |r: &[Suppression], i: usize, values: &[f64]| {
        r[i] != Suppression::None || values[i].is_nan()
    };
    if opts.secondary {
        let row_cells = |r: usize| (0..n_cols).map(move |c| r * n_cols + c);
        let col_cells = |c: usize| (0..n_rows).map(move |r| r * n_cols + c);
        loop {
            let mut changed = false;
            // (cells of the line, is it a row?)
            let mut lines: Vec<(Vec<usize>, bool)> = Vec::new();
            if n_cols > 1 {
                lines.extend((0..n_rows).map(|r| (row_cells(r).collect(), true)));
            }
            if n_rows > 1 {
                lines.extend((0..n_cols).map(|c| (col_cells(c).collect(), false)));
            }
            for (line, is_row) in &lines {
                let n_hidden = line.iter().filter(|&&i| hidden(&reason, i, values)).count();
                if n_hidden != 1 {
                    continue;
                }
                // Prefer a cell whose crossing line already has a hidden cell (no new singleton),
                // then a non-zero cell, then the smallest value, then the first.
                let crossing_hidden = |i: usize| -> usize {
                    let cells: Vec<usize> = if *is_row {
                        if n_rows > 1 {
                            col_cells(i % n_cols).collect()
                        } else {
                            Vec::new()
                        }
                    } else if n_cols > 1 {
                        row_cells(i / n_cols).collect()
                    } else {
                        Vec::new()
                    };
                    cells
                        .iter()
                        .filter(|&&j| hidden(&reason, j, values))
                        .count()
                };
                let pick = line
                    .iter()
                    .copied()
                    .filter(|&i| !hidden(&reason, i, values))
                    .min_by(|&a, &b| {
                        let key = |i: usize| (crossing_hidden(i) == 0, values[i] == 0.0);
                        key(a)
                            .cmp(&key(b))
                            .then(values[a].total_cmp(&values[b]))
                            .then(a.cmp(&b))
                    });
                if let Some(i) = pick {
                    reason[i] = Suppression::Secondary;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
    let out = values
        .iter()
        .zip(&reason)
        .map(|(&v, &r)| {
            if r != Suppression::None || v.is_nan() {
                f64::NAN
            } else if let Some(b) = opts.round_to {
                (v / b + 0.5).floor() * b
            } else {
                v
            }
        })
        .collect();
    Ok(Suppressed {
        values: out,
        reason,
    })
}

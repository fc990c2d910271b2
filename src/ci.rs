//! Types shared by every analysis: an estimate with its confidence interval, the method labels,
//! the missing-value policy and the input checks that name the argument and position.

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};

/// Minimum number of rows a rayon task takes; below this, work stays on one thread.
pub(crate) const PAR_MIN_LEN: usize = 4096;

/// Which interval method produced a row (the `method` column of every result).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[repr(u8)]
pub enum CiMethod {
    /// Exact Poisson (Garwood, χ²/gamma quantiles).
    Exact = 0,
    /// Byar's approximation to the exact Poisson interval.
    Byar = 1,
    /// Wilson score interval.
    Wilson = 2,
    /// Wilson score interval with continuity correction (Newcombe 1998 method 4).
    WilsonCc = 3,
    /// Wald interval on the log scale (Poisson: √(1/a + 1/b)).
    WaldLog = 4,
    /// Exact conditional (binomial Clopper–Pearson on a | a + b).
    ExactConditional = 5,
    /// Exact conditional used because a count was zero (wald-log undefined).
    ExactZeroCount = 6,
    /// Dobson method with Byar's limits (directly standardised rates).
    Dobson = 7,
    /// Newcombe hybrid score interval for a difference of proportions (method 10).
    Newcombe = 8,
    /// Katz log interval for a risk ratio.
    Katz = 9,
    /// No estimate could be formed (missing input or undefined statistic).
    NotApplicable = 10,
    /// Katz log interval after Haldane's +0.5 correction (a zero cell).
    KatzHaldane = 11,
    /// The reference group of a comparison (ratio 1 by definition, no interval).
    Reference = 12,
}

impl CiMethod {
    /// All methods in code order (index = `as u8`).
    pub const ALL: [CiMethod; 13] = [
        CiMethod::Exact,
        CiMethod::Byar,
        CiMethod::Wilson,
        CiMethod::WilsonCc,
        CiMethod::WaldLog,
        CiMethod::ExactConditional,
        CiMethod::ExactZeroCount,
        CiMethod::Dobson,
        CiMethod::Newcombe,
        CiMethod::Katz,
        CiMethod::NotApplicable,
        CiMethod::KatzHaldane,
        CiMethod::Reference,
    ];

    /// The label shown in result tables.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(saferstats::ci::CiMethod::Byar.label(), "byar");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            CiMethod::Exact => "exact",
            CiMethod::Byar => "byar",
            CiMethod::Wilson => "wilson",
            CiMethod::WilsonCc => "wilson-cc",
            CiMethod::WaldLog => "wald-log",
            CiMethod::ExactConditional => "exact",
            CiMethod::ExactZeroCount => "exact (zero count)",
            CiMethod::Dobson => "dobson",
            CiMethod::Newcombe => "newcombe",
            CiMethod::Katz => "katz",
            CiMethod::NotApplicable => "not applicable",
            CiMethod::KatzHaldane => "katz (haldane +0.5)",
            CiMethod::Reference => "reference",
        }
    }
}

/// A point estimate with a two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Point estimate (rate, proportion, ratio, ...).
    pub value: f64,
    /// Lower confidence limit.
    pub lower: f64,
    /// Upper confidence limit.
    pub upper: f64,
    /// The method that produced the interval.
    pub method: CiMethod,
}

impl Estimate {
    /// An all-NaN estimate (missing input propagated).
    pub const fn nan() -> Self {
        Estimate {
            value: f64::NAN,
            lower: f64::NAN,
            upper: f64::NAN,
            method: CiMethod::NotApplicable,
        }
    }
}

/// Column-oriented estimates: the shape every vectorised function returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EstimateColumns {
    /// Point estimates.
    pub value: Vec<f64>,
    /// Lower limits.
    pub lower: Vec<f64>,
    /// Upper limits.
    pub upper: Vec<f64>,
    /// Method code per row (see [`CiMethod`]).
    pub method: Vec<CiMethod>,
}

impl FromIterator<Estimate> for EstimateColumns {
    fn from_iter<I: IntoIterator<Item = Estimate>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let n = iter.size_hint().0;
        let mut out = EstimateColumns {
            value: Vec::with_capacity(n),
            lower: Vec::with_capacity(n),
            upper: Vec::with_capacity(n),
            method: Vec::with_capacity(n),
        };
        for e in iter {
            out.value.push(e.value);
            out.lower.push(e.lower);
            out.upper.push(e.upper);
            out.method.push(e.method);
        }
        out
    }
}

impl EstimateColumns {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.value.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Row `i` as an [`Estimate`], if it exists.
    pub fn get(&self, i: usize) -> Option<Estimate> {
        Some(Estimate {
            value: *self.value.get(i)?,
            lower: *self.lower.get(i)?,
            upper: *self.upper.get(i)?,
            method: *self.method.get(i)?,
        })
    }
}

/// Compute `f(i)` for every row in parallel (rayon), writing straight into the output columns.
pub(crate) fn par_rows<F>(n: usize, f: F) -> EstimateColumns
where
    F: Fn(usize) -> Estimate + Sync + Send,
{
    EstimateColumns::filled_by(n, |out| {
        par_rows_into(out, f);
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap_or_else(|never| match never {})
}

impl EstimateColumns {
    /// Columns of length `n` filled in place by `fill` (e.g. a core `*_into` function).
    ///
    /// # Errors
    /// Whatever `fill` returns.
    pub fn filled_by<E>(
        n: usize,
        fill: impl FnOnce(EstimateSlices<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<Self, E> {
        let (mut value, mut lower, mut upper, mut method) =
            (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0u8; n]);
        fill(EstimateSlices {
            value: &mut value,
            lower: &mut lower,
            upper: &mut upper,
            method: &mut method,
        })?;
        Ok(EstimateColumns {
            value,
            lower,
            upper,
            method: method
                .iter()
                .map(|&m| {
                    CiMethod::ALL
                        .get(usize::from(m))
                        .copied()
                        .unwrap_or(CiMethod::NotApplicable)
                })
                .collect(),
        })
    }
}

/// Output columns to fill in place (see [`par_rows_into`]); `method` holds [`CiMethod`] codes
/// (`CiMethod as u8`, the order of [`CiMethod::ALL`]).
#[derive(Debug)]
pub struct EstimateSlices<'a> {
    /// Point estimates.
    pub value: &'a mut [f64],
    /// Lower limits.
    pub lower: &'a mut [f64],
    /// Upper limits.
    pub upper: &'a mut [f64],
    /// Method codes.
    pub method: &'a mut [u8],
}

/// Compute `f(i)` for every row in parallel, writing into caller-owned columns (so that the
/// binding layer can hand one block to numpy/pandas without copies).
pub(crate) fn par_rows_into<F>(out: EstimateSlices<'_>, f: F)
where
    F: Fn(usize) -> Estimate + Sync + Send,
{
    (
        out.value.par_iter_mut(),
        out.lower.par_iter_mut(),
        out.upper.par_iter_mut(),
        out.method.par_iter_mut(),
    )
        .into_par_iter()
        .with_min_len(PAR_MIN_LEN)
        .enumerate()
        .for_each(|(i, (v, l, u, m))| {
            let e = f(i);
            *v = e.value;
            *l = e.lower;
            *u = e.upper;
            *m = e.method as u8;
        });
}

/// What to do with missing (NaN) inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Missing {
    /// Raise an error naming the argument and position (default).
    #[default]
    Error,
    /// Return NaN value and limits for that row, as PHEindicatormethods does.
    Propagate,
}

impl std::str::FromStr for Missing {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "error" => Ok(Missing::Error),
            "propagate" => Ok(Missing::Propagate),
            other => Err(Error::argument(
                "missing",
                format!("unknown policy {other:?}; valid: \"error\", \"propagate\""),
            )),
        }
    }
}

/// How a numeric input column is allowed to look.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Domain {
    /// ≥ 0 (counts).
    NonNegative,
    /// > 0 (denominators).
    Positive,
}

/// Check every element of `xs`: finite and in `domain`; NaN per `missing`. Returns the first
/// problem in position order, so errors are deterministic.
pub(crate) fn check_column(name: &str, xs: &[f64], domain: Domain, missing: Missing) -> Result<()> {
    // fast path: a parallel pass that only says whether every value is fine
    let fine = |x: f64| {
        (x.is_nan() && missing != Missing::Error)
            || match domain {
                Domain::NonNegative => (0.0..f64::INFINITY).contains(&x),
                Domain::Positive => x > 0.0 && x.is_finite(),
            }
    };
    if xs.par_iter().with_min_len(PAR_MIN_LEN).all(|&x| fine(x)) {
        return Ok(());
    }
    // otherwise find and describe the first problem
    for (i, &x) in xs.iter().enumerate() {
        if x.is_nan() {
            if missing == Missing::Error {
                return Err(Error::MissingValue {
                    name: name.to_string(),
                    index: i,
                });
            }
            continue;
        }
        if x.is_infinite() {
            return Err(Error::value(name, i, x, "must be finite"));
        }
        match domain {
            Domain::NonNegative if x < 0.0 => {
                return Err(Error::value(name, i, x, "must not be negative"));
            }
            Domain::Positive if x <= 0.0 => {
                return Err(Error::value(name, i, x, "must be greater than zero"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Check that all named columns have the same length as the first.
pub(crate) fn check_lengths(cols: &[(&str, usize)]) -> Result<()> {
    if let Some(&(name_a, len_a)) = cols.first() {
        for &(name_b, len_b) in &cols[1..] {
            if len_b != len_a {
                return Err(Error::LengthMismatch {
                    name_a: name_a.to_string(),
                    len_a,
                    name_b: name_b.to_string(),
                    len_b,
                });
            }
        }
    }
    Ok(())
}

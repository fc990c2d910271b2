//! Types shared by every analysis: an estimate with its confidence interval, the method labels,
//! the missing-value policy and the input checks that name the argument and position.

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, MissingAdvice, Result};

/// Minimum number of rows a rayon task takes; below this, work stays on one thread.
pub(crate) const PAR_MIN_LEN: usize = 4096;

coded_enum! {
    /// Which interval method produced a row (the `method` column of every result).
    pub enum CiMethod in "ci" {
        /// Exact Poisson (Garwood, χ²/gamma quantiles).
        Exact = 0 => "exact",
        /// Byar's approximation to the exact Poisson interval.
        Byar = 1 => "byar",
        /// Wilson score interval.
        Wilson = 2 => "wilson",
        /// Wilson score interval with continuity correction (Newcombe 1998 method 4).
        WilsonCc = 3 => "wilson-cc",
        /// Wald interval on the log scale (Poisson: √(1/a + 1/b)).
        WaldLog = 4 => "wald-log",
        /// The reference group of a comparison (ratio 1 by definition, no interval).
        Reference = 5 => "reference",
        /// Exact conditional used because a count was zero (wald-log undefined).
        ExactZeroCount = 6 => "exact (zero count)",
        /// Dobson method with Byar's limits (directly standardised rates).
        Dobson = 7 => "dobson",
        /// Newcombe hybrid score interval for a difference of proportions (method 10).
        Newcombe = 8 => "newcombe",
        /// Katz log interval for a risk ratio.
        Katz = 9 => "katz",
        /// No estimate could be formed (missing input or undefined statistic).
        NotApplicable = 10 => "not applicable",
        /// Katz log interval after Haldane's +0.5 correction (a zero cell).
        KatzHaldane = 11 => "katz (haldane +0.5)",
        /// Exact conditional (binomial Clopper–Pearson on a | a + b). Last: its label repeats
        /// "exact", so every other code indexes the distinct labels.
        ExactConditional = 12 => "exact",
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
            inputs: None,
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

/// Output columns to fill in place (see `par_rows_into`); `method` holds [`CiMethod`] codes
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
    /// Optional columns that receive copies of the two input columns, written in the same pass
    /// (result tables show the inputs beside the estimates; copying them while they are in
    /// cache saves reading them again). Supported by the two-column kernels
    /// ([`crate::rates::rate_ci_into`], [`crate::rates::proportion_ci_into`]).
    pub inputs: Option<(&'a mut [f64], &'a mut [f64])>,
}

impl EstimateSlices<'_> {
    /// (name, length) of every output column, for [`check_lengths`] beside the inputs.
    pub(crate) fn lengths(&self) -> Vec<(&'static str, usize)> {
        let mut out = vec![
            ("value (output)", self.value.len()),
            ("lower (output)", self.lower.len()),
            ("upper (output)", self.upper.len()),
            ("method (output)", self.method.len()),
        ];
        if let Some((a, b)) = &self.inputs {
            out.extend([
                ("input copy a (output)", a.len()),
                ("input copy b (output)", b.len()),
            ]);
        }
        out
    }
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

/// Rows computed from two input columns `(a[i], b[i])`, in parallel blocks of [`PAR_MIN_LEN`]
/// rows: each block is first checked with `valid` (a branch-free fold, on data that then stays
/// in cache), then filled by the block kernel `fill(a, b, block)` — plain loops over slices that
/// the compiler vectorises. Rows with a NaN input then get NaN value and limits and
/// [`CiMethod::NotApplicable`] whatever the kernel wrote, and the inputs are copied to
/// `out.inputs` if given. Returns `true` when every row was valid (and written); on `false` the
/// columns are incomplete and the caller reports the first problem in position order with its
/// ordered checks. The caller checks that all columns have the same length.
pub(crate) fn par_pairs_checked_into<V, F>(
    a: &[f64],
    b: &[f64],
    out: EstimateSlices<'_>,
    valid: V,
    fill: F,
) -> bool
where
    V: Fn(f64, f64) -> bool + Sync + Send,
    F: Fn(&[f64], &[f64], EstimateSlices<'_>) + Sync + Send,
{
    type Rows<'r> = (
        &'r mut [f64],
        &'r mut [f64],
        &'r mut [f64],
        &'r mut [u8],
        &'r [f64],
        &'r [f64],
    );
    let block = |(v, l, u, m, a, b): Rows<'_>, copies: Option<(&mut [f64], &mut [f64])>| {
        vectorised(
            #[inline(always)]
            || {
                let (ok, any_nan) = a.iter().zip(b).fold((true, false), |(ok, nan), (&x, &y)| {
                    (ok & valid(x, y), nan | (x.is_nan() | y.is_nan()))
                });
                if !ok {
                    return Err(());
                }
                let rows = EstimateSlices {
                    value: &mut *v,
                    lower: &mut *l,
                    upper: &mut *u,
                    method: &mut *m,
                    inputs: None,
                };
                fill(a, b, rows);
                if any_nan {
                    for (i, (x, y)) in a.iter().zip(b).enumerate() {
                        if x.is_nan() || y.is_nan() {
                            let na = CiMethod::NotApplicable as u8;
                            (v[i], l[i], u[i], m[i]) = (f64::NAN, f64::NAN, f64::NAN, na);
                        }
                    }
                }
                if let Some((ca, cb)) = copies {
                    ca.copy_from_slice(a);
                    cb.copy_from_slice(b);
                }
                Ok(())
            },
        )
    };
    let rows = (
        out.value.par_chunks_mut(PAR_MIN_LEN),
        out.lower.par_chunks_mut(PAR_MIN_LEN),
        out.upper.par_chunks_mut(PAR_MIN_LEN),
        out.method.par_chunks_mut(PAR_MIN_LEN),
        a.par_chunks(PAR_MIN_LEN),
        b.par_chunks(PAR_MIN_LEN),
    )
        .into_par_iter();
    match out.inputs {
        Some((ca, cb)) => rows
            .zip(ca.par_chunks_mut(PAR_MIN_LEN))
            .zip(cb.par_chunks_mut(PAR_MIN_LEN))
            .try_for_each(|((r, ca), cb)| block(r, Some((ca, cb)))),
        None => rows.try_for_each(|r| block(r, None)),
    }
    .is_ok()
}

/// Run `body` — a plain arithmetic loop over slices — compiled for 4-wide AVX2 where the CPU has
/// it (checked at run time), else for the baseline (SSE2). Mark the closure
/// `#[inline(always)]` so that it is compiled inside the AVX2 function. No FMA is enabled, so
/// both paths give bit-identical results (Rust never contracts `a * b + c` on its own).
#[inline(always)]
pub(crate) fn vectorised<R>(body: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn avx2<R>(body: impl FnOnce() -> R) -> R {
            body()
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { avx2(body) };
        }
    }
    body()
}

choice! {
    /// What to do with missing (NaN) inputs.
    #[derive(Default)]
    pub enum Missing("missing", "policy") {
        /// Raise an error naming the argument and position (default).
        #[default]
        Error = "error",
        /// Return NaN value and limits for that row, as PHEindicatormethods does.
        Propagate = "propagate",
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

impl Domain {
    /// Whether `x` is an acceptable value: finite and in the domain, or NaN when `missing` is
    /// [`Missing::Propagate`]. The one definition behind [`check_column`] and the checks fused
    /// into row loops.
    #[inline]
    pub(crate) fn admits(self, x: f64, missing: Missing) -> bool {
        (x.is_nan() && missing != Missing::Error)
            || match self {
                Domain::NonNegative => (0.0..f64::INFINITY).contains(&x),
                Domain::Positive => x > 0.0 && x.is_finite(),
            }
    }
}

/// Check every element of `xs`: finite and in `domain`; NaN per `missing`. Returns the first
/// problem in position order, so errors are deterministic.
pub(crate) fn check_column(name: &str, xs: &[f64], domain: Domain, missing: Missing) -> Result<()> {
    // fast path: a parallel pass that only says whether every value is fine
    if xs
        .par_iter()
        .with_min_len(PAR_MIN_LEN)
        .all(|&x| domain.admits(x, missing))
    {
        return Ok(());
    }
    // otherwise find and describe the first problem
    for (i, &x) in xs.iter().enumerate() {
        if x.is_nan() {
            if missing == Missing::Error {
                return Err(Error::missing(name, i, MissingAdvice::Propagate));
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

/// Check a column of counts (finite, ≥ 0) and its column of denominators (positive, finite): the
/// same length, and NaN per `missing`. Each is `(name, values)`.
pub(crate) fn check_counts(
    counts: (&str, &[f64]),
    denominators: (&str, &[f64]),
    missing: Missing,
) -> Result<()> {
    check_lengths(&[
        (counts.0, counts.1.len()),
        (denominators.0, denominators.1.len()),
    ])?;
    check_column(counts.0, counts.1, Domain::NonNegative, missing)?;
    check_column(denominators.0, denominators.1, Domain::Positive, missing)
}

/// Check row `i` of a (count, denominator) pair of columns named `names`: `Ok(false)` when either
/// value is missing (NaN: the row is skipped), an [`Error::InvalidValue`] naming the column and
/// row when the count is negative or infinite or the denominator is not positive and finite.
pub(crate) fn check_count_pair(
    i: usize,
    names: [&str; 2],
    count: f64,
    denominator: f64,
) -> Result<bool> {
    if count.is_nan() || denominator.is_nan() {
        return Ok(false);
    }
    if !(count >= 0.0 && count.is_finite()) {
        return Err(Error::value(names[0], i, count, "must be ≥ 0 and finite"));
    }
    if !(denominator > 0.0 && denominator.is_finite()) {
        let reason = "must be positive and finite";
        return Err(Error::value(names[1], i, denominator, reason));
    }
    Ok(true)
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

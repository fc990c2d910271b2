//! Bindings for [`crate::trend`]: flat arrays in, dicts of numpy arrays out.

use numpy::IntoPyArray;
use pyo3::prelude::*;

use super::errors::IntoPy;
use super::parallel::{detach, interruptible};
use super::{Array, Dict};
use crate::trend::{self as core, FunnelKind, TrendOptions};

/// Labels of the trend method codes (index = code).
#[pyfunction]
pub(super) fn trend_method_labels() -> Vec<&'static str> {
    core::TrendMethod::LABELS.to_vec()
}

/// Labels of the trend note codes (index = code; "" when there is an estimate).
#[pyfunction]
pub(super) fn trend_note_labels() -> Vec<&'static str> {
    core::TrendNote::LABELS.to_vec()
}

/// Labels of the funnel significance codes (index = code).
#[pyfunction]
pub(super) fn funnel_significance_labels() -> Vec<&'static str> {
    core::FunnelSignificance::LABELS.to_vec()
}

binding! {
    /// Poisson trends for groups stored contiguously; returns a dict of column arrays.
    fn poisson_trend_many(py, count: &[f64], population: &[f64], t: &[f64], offsets: Vec<usize>, *,
        ..opts: TrendOptions { confidence: f64, dispersion: core::Dispersion, auto_threshold: f64,
            missing: crate::ci::Missing, use_t: bool, seasonality: crate::glm::Seasonality }
    ) -> Dict<'py> {
        let fits = interruptible(py, |cancel| {
            core::poisson_trend_many_with(&count, &population, &t, &offsets, &opts, cancel)
        })?;
        Ok(columns!(py, &fits;
            [intercept, beta, se, apc, apc_lower, apc_upper, z, p_value, dispersion_ratio, alpha],
            "n_periods" => |f| f.n_periods as i64,
            "df_resid" => |f| f.df_resid as i64,
            "method" => |f| f.method as u8,
            "note" => |f| f.note as u8,
        ))
    }
}

binding! {
    /// The season check of monthly (quarterly) series stored contiguously; a dict of columns.
    fn season_checks_many(py, count: &[f64], population: &[f64], t: &[f64], offsets: Vec<usize>, *,
        confidence: f64 = 0.95) -> Dict<'py> {
        let rows = detach(py, || core::season_checks_many(&count, &population, &t, &offsets, confidence))?
            .py_err()?;
        Ok(columns!(py, &rows; [apc_seasonal, apc_seasonal_lower, apc_seasonal_upper,
            dispersion_ratio_seasonal, f, f_df1, f_df2, p_value]))
    }
}

binding! {
    /// The ratio of pairs of fitted trends' annual rate ratios (a against b); dict of columns.
    /// `df_a`/`df_b` (the fits' residual df): Student t on the Welch-Satterthwaite df.
    fn trend_ratios(py, beta_a: &[f64], se_a: &[f64], beta_b: &[f64], se_b: &[f64], *,
        df_a: Option<&[f64]> = None, df_b: Option<&[f64]> = None, confidence: f64 = 0.95) -> Dict<'py> {
        let rows = detach(py, || {
            let df = match (df_a.as_deref(), df_b.as_deref()) {
                (Some(a), Some(b)) => Some((a, b)),
                (None, None) => None,
                _ => return Err(crate::error::Error::argument("df_b", "give both df_a and df_b, or neither")),
            };
            core::trend_ratios(&beta_a, &se_a, &beta_b, &se_b, df, confidence)
        })?
        .py_err()?;
        Ok(columns!(py, &rows; [ratio, ratio_lower, ratio_upper, difference, se, z, p_value, df]))
    }
}

fn mk_dict<'py>(py: Python<'py>, rows: &[core::MannKendall]) -> PyResult<Dict<'py>> {
    Ok(columns!(py, rows;
        [s, var_s, z, p_value, exact_p, tau, slope, slope_lower, slope_upper, intercept],
        "n" => |m| m.n as i64,
    ))
}

binding! {
    /// Mann-Kendall + Sen for each row of a row-major matrix given flat; `times` (one per
    /// column) gives Sen's slope per unit of time, None per step.
    fn mann_kendall_rows(py, values: &[f64], n_cols: usize, *, confidence: f64 = 0.95,
        skip_missing: bool = false, times: Option<&[f64]> = None) -> Dict<'py> {
        let rows = detach(py, || {
            core::mann_kendall_rows_at(&values, n_cols, times.as_deref(), confidence, skip_missing)
        })?
        .py_err()?;
        mk_dict(py, &rows)
    }
}

binding! {
    /// Seasonal Mann-Kendall for each row (flat, row-major) with the given period.
    fn seasonal_mann_kendall_rows(py, values: &[f64], n_cols: usize, period: usize, *,
        confidence: f64 = 0.95, skip_missing: bool = false) -> Dict<'py> {
        let rows = detach(py, || {
            core::seasonal_mann_kendall_rows(&values, n_cols, period, confidence, skip_missing)
        })?
        .py_err()?;
        mk_dict(py, &rows)
    }
}

binding! {
    /// PHE funnel limits at each denominator: dict of lower_998, lower_95, upper_95, upper_998.
    fn funnel_limits(py, denominators: &[f64], target: f64, *, kind: FunnelKind, multiplier: f64)
        -> Dict<'py> {
        let funnel = core::Funnel::new(kind, target, multiplier);
        let l = detach(py, || core::funnel_limits(&denominators, &funnel))?.py_err()?;
        limits_columns(py, &l)
    }
}

/// Funnel control limits as a dict of lower_998, lower_95, upper_95, upper_998 (also the
/// over-dispersed limits of `monitoring::funnel_od`).
pub(super) fn limits_columns<'py>(
    py: Python<'py>,
    l: &[core::FunnelLimits],
) -> PyResult<Dict<'py>> {
    Ok(columns!(py, l; [lower_998, lower_95, upper_95, upper_998]))
}

/// Significance codes as a numpy `uint8` array (the codes of a `coded_enum!`).
pub(super) fn codes<'py, C: Copy + Into<u8>>(py: Python<'py>, c: &[C]) -> Array<'py, u8> {
    c.iter()
        .map(|&x| x.into())
        .collect::<Vec<u8>>()
        .into_pyarray(py)
}

binding! {
    /// PHE funnel significance codes for each point.
    fn funnel_significance(py, numerators: &[f64], denominators: &[f64], target: f64, *,
        kind: FunnelKind, multiplier: f64) -> Array<'py, u8> {
        let funnel = core::Funnel::new(kind, target, multiplier);
        let s = detach(py, || core::funnel_significance(&numerators, &denominators, &funnel))?;
        Ok(codes(py, &s.py_err()?))
    }
}

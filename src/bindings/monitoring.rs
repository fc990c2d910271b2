//! Bindings for [`crate::monitoring`]: flat arrays in, dicts of numpy arrays out.

use numpy::IntoPyArray;
use pyo3::prelude::*;

use super::errors::IntoPy;
use super::parallel::{detach, interruptible};
use super::{Array, Dict, Obj};
use crate::monitoring::{
    etest, funnel_od, isr as isr_core, multiple, spc as core, unusual, wdd as wdd_core,
};
use crate::trend::{Funnel, FunnelKind};

/// Label lists of the SPC codes: dict of special_cause, point_type, assurance (index = code).
#[pyfunction]
pub(super) fn spc_labels(py: Python<'_>) -> PyResult<Dict<'_>> {
    Ok(columns!(py;
        "special_cause" => Obj(core::SpecialCause::LABELS),
        "point_type" => Obj(core::PointType::LABELS),
        "assurance" => Obj(core::Assurance::LABELS),
    ))
}

binding! {
    /// SPC for series stored one after another: dict of `rows` (a dict of columns, one entry
    /// per point) and `series` (a dict of columns, one entry per series).
    fn spc_many(py, values: &[f64], denominators: Option<&[f64]>, series_starts: Vec<usize>,
        rebase: &[bool], targets: &[f64], *,
        ..opts: core::SpcOptions { chart: core::Chart, improvement: core::Improvement,
            fix_after: Option<usize>, screen_outliers: bool, trend_points: usize,
            shift_points: usize, laney: bool }
    ) -> Dict<'py> {
        let out = interruptible(py, |cancel| {
            let d = denominators.as_deref();
            core::spc(&values, d, &series_starts, &rebase, &targets, &opts, cancel)
        })?;
        let r = out.rows;
        let rows = columns!(py;
            "value" => r.value,
            "mean" => r.mean,
            "lpl" => r.lpl,
            "upl" => r.upl,
            "lower_2sigma" => r.lower_2sigma,
            "upper_2sigma" => r.upper_2sigma,
            "segment" => r.segment,
            "trial_limits" => r.trial,
            "outside_limits" => r.outside_limits,
            "trend" => r.trend,
            "two_in_three" => r.two_in_three,
            "shift" => r.shift,
            "special_cause" => r.special_cause.into_iter().map(u8::from).collect::<Vec<_>>(),
            "point_type" => r.point_type.into_iter().map(u8::from).collect::<Vec<_>>(),
        );
        let s = columns!(py, &out.series;
            "n" => |x| x.n as i64,
            "segments" => |x| x.segments as i64,
            "trial_limits" => |x| x.trial,
            "variation" => |x| x.variation as u8,
            "assurance" => |x| x.assurance as u8,
        );
        Ok(columns!(py; "rows" => Obj(rows), "series" => Obj(s)))
    }
}

binding! {
    /// E-test p-values for equal-length arrays.
    fn e_test_many(py, k1: &[f64], k2: &[f64], n1: &[f64], n2: &[f64]) -> Array<'py, f64> {
        let p = interruptible(py, |cancel| etest::e_test_many_with(&k1, &k2, &n1, &n2, cancel))?;
        Ok(p.into_pyarray(py))
    }
}

/// WDD rows as a dict of estimate, se, z, p_value, lower, upper (one entry per row).
fn wdd_columns<'py>(py: Python<'py>, rows: &[wdd_core::WddRow]) -> PyResult<Dict<'py>> {
    Ok(columns!(py, rows; [estimate, se, z, p_value, lower, upper]))
}

binding! {
    /// WDD: dict of columns over the rows local, displacement, total.
    fn wdd(py, control: [f64; 2], treated: [f64; 2], disp_control: Option<[f64; 2]>,
        disp_treated: Option<[f64; 2]>, *,
        ..opts: wdd_core::WddOptions { time_weights: [f64; 2], area_weights: [f64; 4],
            confidence: f64 }
    ) -> Dict<'py> {
        let w = wdd_core::wdd(control, treated, disp_control, disp_treated, &opts).py_err()?;
        wdd_columns(py, &[w.local, w.displacement, w.total])
    }
}

binding! {
    /// Harm-weighted WDD: dict of columns over one row.
    fn wdd_harm(py, estimates: Vec<f64>, se: Vec<f64>, weights: Vec<f64>, *, confidence: f64)
        -> Dict<'py> {
        let row = wdd_core::wdd_harm(&estimates, &se, &weights, confidence).py_err()?;
        wdd_columns(py, &[row])
    }
}

binding! {
    /// Over-dispersion of funnel points: dict of phi, tau2, n, z.
    fn funnel_overdispersion(py, numerators: &[f64], denominators: &[f64], *, kind: FunnelKind,
        target: f64, multiplier: f64, trim: f64) -> Dict<'py> {
        let funnel = Funnel::new(kind, target, multiplier);
        let od = detach(py, || {
            funnel_od::overdispersion(&numerators, &denominators, &funnel, trim)
        })?
        .py_err()?;
        Ok(columns!(py;
            "phi" => Obj(od.phi),
            "tau2" => Obj(od.tau2),
            "n" => Obj(od.n),
            "z" => od.z,
        ))
    }
}

binding! {
    /// Over-dispersed funnel limits: dict of lower_998, lower_95, upper_95, upper_998.
    fn funnel_od_limits(py, denominators: &[f64], *, kind: FunnelKind, target: f64,
        multiplier: f64,
        ..adjustment: required funnel_od::OdAdjustment {
            phi: f64, tau2: f64, model: funnel_od::OdModel
        }
    ) -> Dict<'py> {
        let funnel = Funnel::new(kind, target, multiplier);
        let l = detach(py, || funnel_od::od_limits(&denominators, &funnel, &adjustment))?;
        super::trend::limits_columns(py, &l.py_err()?)
    }
}

binding! {
    /// Over-dispersed funnel significance codes (FunnelSignificance).
    fn funnel_od_significance(py, numerators: &[f64], denominators: &[f64], *, kind: FunnelKind,
        target: f64, multiplier: f64,
        ..adjustment: required funnel_od::OdAdjustment {
            phi: f64, tau2: f64, model: funnel_od::OdModel
        }
    ) -> Array<'py, u8> {
        let funnel = Funnel::new(kind, target, multiplier);
        let s = detach(py, || {
            funnel_od::od_significance(&numerators, &denominators, &funnel, &adjustment)
        })?;
        Ok(super::trend::codes(py, &s.py_err()?))
    }
}

binding! {
    /// Indirectly standardised ratios: dict of ratio, lower, upper, exact.
    fn isr_ratio(py, observed: &[f64], expected: &[f64], *, confidence: f64) -> Dict<'py> {
        let rows = detach(py, || isr_core::isr(&observed, &expected, confidence))?.py_err()?;
        Ok(columns!(py, &rows; [ratio, lower, upper, exact]))
    }
}

binding! {
    /// Exact Poisson expected counts at which each event count is just significant: dict of
    /// low, high.
    fn poisson_expected_limits(py, events: &[f64], *, p: f64) -> Dict<'py> {
        let l = detach(py, || isr_core::poisson_expected_limits(&events, p))?.py_err()?;
        Ok(columns!(py, &l; "low" => |x| x.0, "high" => |x| x.1))
    }
}

binding! {
    /// Adjusted p-values (holm, bh, bonferroni).
    fn p_adjust(py, p: &[f64], *, method: multiple::Adjust) -> Array<'py, f64> {
        let out = detach(py, || multiple::p_adjust(&p, method))?.py_err()?;
        Ok(out.into_pyarray(py))
    }
}

binding! {
    /// Unusual-period tests: dict of expected, p_value.
    fn unusual_periods(py, values: &[f64], series_starts: Vec<usize>, *, baseline: usize,
        method: unusual::UnusualMethod) -> Dict<'py> {
        let rows = interruptible(py, |cancel| {
            unusual::unusual_periods(&values, &series_starts, baseline, method, cancel)
        })?;
        Ok(columns!(py, &rows; [expected, p_value]))
    }
}

/// Student t quantile ([`crate::special::t_quantile`]).
#[pyfunction]
pub(super) fn t_quantile(p: f64, df: f64) -> PyResult<f64> {
    crate::special::t_quantile(p, df).py_err()
}

//! Bindings for [`crate::disproportionality`] and [`crate::tables`].

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::detach;
use super::Dict;
use crate::ci::Estimate;
use crate::disproportionality::{self as core, DispOptions};
use crate::tables::{TestUsed, TwoByTwo};

/// The columns `prefix`, `prefix_lower`, `prefix_upper`, `prefix_method` of estimates.
fn put_estimates<'py>(d: &Bound<'py, PyDict>, prefix: &str, e: &[Estimate]) -> PyResult<()> {
    let cols = columns!(d.py(), e;
        "" => |x| x.value,
        "_lower" => |x| x.lower,
        "_upper" => |x| x.upper,
        "_method" => |x| x.method as u8,
    );
    for (suffix, col) in cols.iter() {
        d.set_item(format!("{prefix}{}", suffix.extract::<&str>()?), col)?;
    }
    Ok(())
}

binding! {
    /// Rates and ratios to the reference row; dict of arrays.
    fn disproportionality(py, searches: &[f64], population: &[f64], reference: Vec<usize>, *,
        multiplier: f64 = DispOptions::default().multiplier,
        confidence: f64 = DispOptions::default().confidence,
        ratio_method: core::RatioCi = DispOptions::default().ratio_ci,
        zero: core::ZeroCount = DispOptions::default().zero,
        min_count: f64 = DispOptions::default().min_count,
        min_population: f64 = DispOptions::default().min_population) -> Dict<'py> {
        let opts = DispOptions {
            multiplier,
            confidence,
            ratio_ci: ratio_method,
            zero,
            min_count,
            min_population,
        };
        let out = detach(py, || {
            core::disproportionality(&searches, &population, &reference, &opts)
        })?
        .py_err()?;
        let d = PyDict::new(py);
        put_estimates(&d, "rate", &out.rate)?;
        put_estimates(&d, "ratio", &out.ratio)?;
        d.set_item("reliable", out.reliable.into_pyarray(py))?;
        Ok(d)
    }
}

fn two_by_two_dict<'py>(py: Python<'py>, rows: &[TwoByTwo]) -> PyResult<Dict<'py>> {
    let d = PyDict::new(py);
    put_estimates(&d, "rate", &rows.iter().map(|t| t.p1).collect::<Vec<_>>())?;
    put_estimates(
        &d,
        "diff",
        &rows.iter().map(|t| t.difference).collect::<Vec<_>>(),
    )?;
    put_estimates(
        &d,
        "rr",
        &rows.iter().map(|t| t.risk_ratio).collect::<Vec<_>>(),
    )?;
    let rest = columns!(py, rows;
        [odds_ratio, z, p_z, chi2, chi2_yates, p_chi2_yates, p_fisher, min_expected, p_value],
        "test" => |t| t.test as u8,
    );
    d.update(rest.as_mapping())?;
    Ok(d)
}

binding! {
    /// Outcome tests of each row against its reference row; dict of arrays.
    fn outcome_tests(py, hits: &[f64], n: &[f64], reference: Vec<usize>, *,
        confidence: f64 = 0.95) -> Dict<'py> {
        let out = detach(py, || core::outcome_tests(&hits, &n, &reference, confidence))?;
        two_by_two_dict(py, &out.py_err()?.rows)
    }
}

binding! {
    /// One 2x2 comparison of x1/n1 against x2/n2 for each pair of array elements; dict of
    /// arrays.
    fn two_by_two(py, x1: &[f64], n1: &[f64], x2: &[f64], n2: &[f64], *, confidence: f64 = 0.95)
        -> Dict<'py> {
        let rows = detach(py, || crate::tables::two_by_two_many(&x1, &n1, &x2, &n2, confidence))?;
        two_by_two_dict(py, &rows.py_err()?)
    }
}

binding! {
    /// Mantel–Haenszel risk ratios x1/n1 against x2/n2 pooled over strata: row i is a stratum of
    /// comparison `group[i]` (0..groups); dict of arrays `rr, rr_lower, rr_upper, strata`, one
    /// element per comparison.
    fn mantel_haenszel_rr(py, group: &[i64], x1: &[f64], n1: &[f64], x2: &[f64], n2: &[f64], *,
        groups: usize, confidence: f64 = 0.95) -> Dict<'py> {
        let group = group
            .iter()
            .enumerate()
            .map(|(i, &g)| {
                usize::try_from(g)
                    .map_err(|_| crate::Error::value("group", i, g as f64, "must be a non-negative code"))
            })
            .collect::<crate::error::Result<Vec<_>>>()
            .py_err()?;
        let out = detach(py, || {
            crate::tables::mantel_haenszel_rr_groups(&group, &x1, &n1, &x2, &n2, groups, confidence)
        })?
        .py_err()?;
        Ok(columns!(py, &out;
            "rr" => |r| r.value,
            "rr_lower" => |r| r.lower,
            "rr_upper" => |r| r.upper,
            "strata" => |r| r.strata as u64,
        ))
    }
}

/// Labels of the test codes (index = code).
#[pyfunction]
pub(super) fn test_labels() -> Vec<&'static str> {
    TestUsed::LABELS.to_vec()
}

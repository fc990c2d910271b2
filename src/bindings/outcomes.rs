//! Bindings for [`crate::outcomes`] and [`crate::disclosure`].

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::{detach, owned};
use crate::disclosure::{
    protect as core_protect, suppress as core_suppress, CellKind, DisclosureOptions, Relations,
};
use crate::outcomes::{its_poisson as core_its, ItsOptions, Seasonality};

/// Segmented Poisson ITS; seasonality = None, ("fourier", period, k) or ("dummies", period).
#[pyfunction]
#[pyo3(signature = (counts, population, break_index, confidence, dispersion, season_kind, season_period, season_k))]
#[allow(clippy::too_many_arguments)]
fn its_poisson<'py>(
    py: Python<'py>,
    counts: PyReadonlyArray1<'py, f64>,
    population: PyReadonlyArray1<'py, f64>,
    break_index: usize,
    confidence: f64,
    dispersion: &str,
    season_kind: &str,
    season_period: usize,
    season_k: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let seasonality = match season_kind {
        "none" => Seasonality::None,
        "fourier" => Seasonality::Fourier {
            period: season_period,
            k: season_k,
        },
        "dummies" => Seasonality::Dummies {
            period: season_period,
        },
        other => {
            return Err(crate::Error::argument(
                "seasonality",
                format!("unknown seasonality {other:?}; valid: None, \"fourier\", \"dummies\""),
            ))
            .py_err()
        }
    };
    let opts = ItsOptions {
        confidence,
        dispersion: dispersion.parse().py_err()?,
        seasonality,
    };
    let (y, p) = (owned(&counts), owned(&population));
    let r = detach(py, || core_its(&y, &p, break_index, &opts))?.py_err()?;
    let d = PyDict::new(py);
    d.set_item("beta", r.beta.into_pyarray(py))?;
    d.set_item("se", r.se.into_pyarray(py))?;
    d.set_item("level", (r.level.value, r.level.lower, r.level.upper))?;
    d.set_item("slope", (r.slope.value, r.slope.lower, r.slope.upper))?;
    d.set_item("pre_slope_rr", r.pre_slope_rr)?;
    d.set_item("post_slope_rr", r.post_slope_rr)?;
    d.set_item("fitted", r.fitted.into_pyarray(py))?;
    d.set_item("counterfactual", r.counterfactual.into_pyarray(py))?;
    d.set_item("dispersion_ratio", r.dispersion_ratio)?;
    Ok(d)
}

/// Disclosure control of a row-major table; returns (values with NaN when hidden, reason codes).
#[pyfunction]
#[pyo3(signature = (values, n_cols, threshold, zeros, secondary, round_to))]
#[allow(clippy::type_complexity)]
fn suppress<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    n_cols: usize,
    threshold: f64,
    zeros: bool,
    secondary: bool,
    round_to: Option<f64>,
) -> PyResult<(
    Bound<'py, numpy::PyArray1<f64>>,
    Bound<'py, numpy::PyArray1<u8>>,
)> {
    let v = owned(&values);
    let opts = DisclosureOptions {
        threshold,
        zeros,
        secondary,
        round_to,
    };
    let s = detach(py, || core_suppress(&v, n_cols, &opts))?.py_err()?;
    let codes: Vec<u8> = s.reason.iter().map(|r| *r as u8).collect();
    Ok((s.values.into_pyarray(py), codes.into_pyarray(py)))
}

/// Primary and secondary suppression of cells tied by linear relations (compressed: relation r
/// has terms `offsets[r]..offsets[r+1]` of `cells` / `coefs`); kinds 0 count, 1 fixed, 2 latent.
/// Returns (reason codes, unprotected cell indices).
#[pyfunction]
#[pyo3(signature = (values, kinds, offsets, cells, coefs, threshold, zeros, secondary))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn protect<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    kinds: PyReadonlyArray1<'py, u8>,
    offsets: PyReadonlyArray1<'py, i64>,
    cells: PyReadonlyArray1<'py, i64>,
    coefs: PyReadonlyArray1<'py, f64>,
    threshold: f64,
    zeros: bool,
    secondary: bool,
) -> PyResult<(
    Bound<'py, numpy::PyArray1<u8>>,
    Bound<'py, numpy::PyArray1<i64>>,
)> {
    let v = owned(&values);
    let kinds = owned(&kinds)
        .iter()
        .map(|&k| CellKind::from_code(k))
        .collect::<crate::error::Result<Vec<_>>>()
        .py_err()?;
    let index = |name: &str, a: &[i64]| -> PyResult<Vec<usize>> {
        a.iter()
            .enumerate()
            .map(|(i, &x)| {
                usize::try_from(x).map_err(|_| {
                    crate::Error::value(name, i, x as f64, "must be a non-negative index")
                })
            })
            .collect::<crate::error::Result<Vec<_>>>()
            .py_err()
    };
    let offsets = index("offsets", &owned(&offsets))?;
    let cells = index("cells", &owned(&cells))?;
    let coefs = owned(&coefs);
    let rel = Relations::from_parts(offsets, cells, coefs).py_err()?;
    let opts = DisclosureOptions {
        threshold,
        zeros,
        secondary,
        round_to: None,
    };
    let p = detach(py, || core_protect(&v, &kinds, &rel, &opts))?.py_err()?;
    let codes: Vec<u8> = p.reason.iter().map(|r| *r as u8).collect();
    let unprotected: Vec<i64> = p
        .unprotected
        .iter()
        .map(|&i| i64::try_from(i).unwrap_or(i64::MAX))
        .collect();
    Ok((codes.into_pyarray(py), unprotected.into_pyarray(py)))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(its_poisson, m)?)?;
    m.add_function(wrap_pyfunction!(suppress, m)?)?;
    m.add_function(wrap_pyfunction!(protect, m)?)?;
    Ok(())
}

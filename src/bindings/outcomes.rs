//! Bindings for [`crate::outcomes`] and [`crate::disclosure`].

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::errors::IntoPy;
use super::parallel::{detach, interruptible, owned};
use super::Obj;
use crate::disclosure::{protect_with, suppress_with, CellKind, DisclosureOptions, Relations};
use crate::outcomes::{
    its_poisson as core_its, ItsDispersion, ItsOptions, Seasonality, SeasonalityKind,
};

/// Segmented Poisson ITS: dict of `beta, se, fitted, counterfactual` (arrays), `level`,
/// `slope` ((value, lower, upper)), `pre_slope_rr`, `post_slope_rr`, `dispersion_ratio`.
/// `season_kind` is "none", "fourier" (with `season_period`, `season_k`) or "dummies" (with
/// `season_period`).
#[pyfunction]
#[pyo3(signature = (
    counts, population, break_index, *,
    confidence = ItsOptions::default().confidence,
    dispersion = ItsOptions::default().dispersion,
    season_kind = SeasonalityKind::None,
    season_period = 12,
    season_k = 1,
))]
#[allow(clippy::too_many_arguments)]
pub(super) fn its_poisson<'py>(
    py: Python<'py>,
    counts: PyReadonlyArray1<'py, f64>,
    population: PyReadonlyArray1<'py, f64>,
    break_index: usize,
    confidence: f64,
    dispersion: ItsDispersion,
    season_kind: SeasonalityKind,
    season_period: usize,
    season_k: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = ItsOptions {
        confidence,
        dispersion,
        seasonality: Seasonality::from_kind(season_kind, season_period, season_k),
    };
    let (y, p) = (owned(&counts), owned(&population));
    let r = detach(py, || core_its(&y, &p, break_index, &opts))?.py_err()?;
    Ok(columns!(py;
        "beta" => r.beta,
        "se" => r.se,
        "level" => Obj((r.level.value, r.level.lower, r.level.upper)),
        "slope" => Obj((r.slope.value, r.slope.lower, r.slope.upper)),
        "pre_slope_rr" => Obj(r.pre_slope_rr),
        "post_slope_rr" => Obj(r.post_slope_rr),
        "fitted" => r.fitted,
        "counterfactual" => r.counterfactual,
        "dispersion_ratio" => Obj(r.dispersion_ratio),
    ))
}

/// Disclosure control of a row-major table: dict of `values` (NaN when hidden) and `reason`
/// codes.
#[pyfunction]
#[pyo3(signature = (
    values, n_cols, *,
    threshold = DisclosureOptions::default().threshold,
    zeros = DisclosureOptions::default().zeros,
    secondary = DisclosureOptions::default().secondary,
    round_to = DisclosureOptions::default().round_to,
))]
pub(super) fn suppress<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    n_cols: usize,
    threshold: f64,
    zeros: bool,
    secondary: bool,
    round_to: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let v = owned(&values);
    let opts = DisclosureOptions {
        threshold,
        zeros,
        secondary,
        round_to,
    };
    let s = interruptible(py, |c| suppress_with(&v, n_cols, &opts, c))?;
    let reason: Vec<u8> = s.reason.iter().map(|r| *r as u8).collect();
    Ok(columns!(py; "values" => s.values, "reason" => reason))
}

/// Primary and secondary suppression of cells tied by linear relations (compressed: relation r
/// has terms `offsets[r]..offsets[r+1]` of `cells` / `coefs`); kinds 0 count, 1 fixed, 2 latent.
/// Returns a dict of `reason` codes and `unprotected` cell indices.
#[pyfunction]
#[pyo3(signature = (
    values, kinds, offsets, cells, coefs, *,
    threshold = DisclosureOptions::default().threshold,
    zeros = DisclosureOptions::default().zeros,
    secondary = DisclosureOptions::default().secondary,
))]
#[allow(clippy::too_many_arguments)]
pub(super) fn protect<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
    kinds: PyReadonlyArray1<'py, u8>,
    offsets: PyReadonlyArray1<'py, i64>,
    cells: PyReadonlyArray1<'py, i64>,
    coefs: PyReadonlyArray1<'py, f64>,
    threshold: f64,
    zeros: bool,
    secondary: bool,
) -> PyResult<Bound<'py, PyDict>> {
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
    let p = interruptible(py, |c| protect_with(&v, &kinds, &rel, &opts, c))?;
    let reason: Vec<u8> = p.reason.iter().map(|r| *r as u8).collect();
    let unprotected: Vec<i64> = p
        .unprotected
        .iter()
        .map(|&i| i64::try_from(i).unwrap_or(i64::MAX))
        .collect();
    Ok(columns!(py; "reason" => reason, "unprotected" => unprotected))
}

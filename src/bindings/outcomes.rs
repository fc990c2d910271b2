//! Bindings for [`crate::outcomes`] and [`crate::disclosure`].

use pyo3::prelude::*;

use super::errors::IntoPy;
use super::parallel::{detach, interruptible};
use super::{Dict, Obj};
use crate::disclosure::{protect_with, suppress_with, CellKind, DisclosureOptions, Relations};
use crate::outcomes::{its_poisson as core_its, ItsDispersion, ItsOptions};

binding! {
    /// Segmented Poisson ITS: dict of `beta, se, fitted, counterfactual` (arrays), `level`,
    /// `slope` ((value, lower, upper)), `level_p`, `slope_p` (two-sided Wald p), `pre_slope_rr`, `post_slope_rr`, `dispersion_ratio`.
    /// `seasonality`: `None` or `(kind, season_length, harmonics)` (see the `Seasonality`
    /// argument conversion). `use_t`: limits from Student t on the residual df.
    fn its_poisson(py, counts: &[f64], population: &[f64], break_index: usize, *,
        ..opts: ItsOptions { confidence: f64, dispersion: ItsDispersion,
            seasonality: crate::glm::Seasonality, use_t: bool }
    ) -> Dict<'py> {
        let r = detach(py, || core_its(&counts, &population, break_index, &opts))?.py_err()?;
        Ok(columns!(py;
            "beta" => r.beta,
            "se" => r.se,
            "level" => Obj((r.level.value, r.level.lower, r.level.upper)),
            "slope" => Obj((r.slope.value, r.slope.lower, r.slope.upper)),
            "level_p" => Obj(r.level_p),
            "slope_p" => Obj(r.slope_p),
            "pre_slope_rr" => Obj(r.pre_slope_rr),
            "post_slope_rr" => Obj(r.post_slope_rr),
            "fitted" => r.fitted,
            "counterfactual" => r.counterfactual,
            "dispersion_ratio" => Obj(r.dispersion_ratio),
        ))
    }
}

binding! {
    /// Disclosure control of a row-major table: dict of `values` (NaN when hidden) and `reason`
    /// codes.
    fn suppress(py, values: &[f64], n_cols: usize, *,
        ..opts: DisclosureOptions { threshold: f64, zeros: bool, secondary: bool,
            round_to: Option<f64> }
    ) -> Dict<'py> {
        let s = interruptible(py, |c| suppress_with(&values, n_cols, &opts, c))?;
        let reason: Vec<u8> = s.reason.into_iter().map(u8::from).collect();
        Ok(columns!(py; "values" => s.values, "reason" => reason))
    }
}

binding! {
    /// Primary and secondary suppression of cells tied by linear relations (compressed:
    /// relation r has terms `offsets[r]..offsets[r+1]` of `cells` / `coefs`); kinds 0 count,
    /// 1 fixed, 2 latent; `parts`: each cell's part of the table a reader may be given alone
    /// (`Relations::within`). Returns a dict of `reason` codes and `unprotected` cell indices.
    fn protect(py, values: &[f64], kinds: &[u8], offsets: &[i64], cells: &[i64], coefs: &[f64], *,
        threshold: f64 = DisclosureOptions::default().threshold,
        zeros: bool = DisclosureOptions::default().zeros,
        secondary: bool = DisclosureOptions::default().secondary,
        parts: Option<&[i64]> = None) -> Dict<'py> {
        let kinds = kinds
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
        let offsets = index("offsets", &offsets)?;
        let cells = index("cells", &cells)?;
        let mut rel = Relations::from_parts(offsets, cells, coefs).py_err()?;
        if let Some(parts) = parts {
            rel = rel.within(index("parts", &parts)?);
        }
        let opts = DisclosureOptions {
            threshold,
            zeros,
            secondary,
            round_to: None,
        };
        let p = interruptible(py, |c| protect_with(&values, &kinds, &rel, &opts, c))?;
        let reason: Vec<u8> = p.reason.into_iter().map(u8::from).collect();
        let unprotected: Vec<i64> = p
            .unprotected
            .iter()
            .map(|&i| i64::try_from(i).unwrap_or(i64::MAX))
            .collect();
        Ok(columns!(py; "reason" => reason, "unprotected" => unprotected))
    }
}

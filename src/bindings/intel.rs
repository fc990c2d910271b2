//! Bindings for the hotspot-intelligence parts of [`crate::hotspot`]: global autocorrelation
//! ([`crate::hotspot::global`]), map evaluation ([`crate::hotspot::evaluate`]), grids, emerging
//! hotspots and prospective hotspotting ([`crate::hotspot::grid`], [`crate::hotspot::classify`],
//! [`crate::hotspot::prospective`]).

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;

use super::errors::IntoPy;
use super::hotspot::statistic_binding;
use super::parallel::{detach, interruptible, owned};
use super::{Array, Dict, Obj};
use crate::hotspot::classify::{self, ClassifyParams};
use crate::hotspot::prospective::{self, ProspectiveOptions};
use crate::hotspot::{evaluate, global, grid, kde::Kernel};

statistic_binding! {
    /// Global Moran / Geary / General G (`statistic` "moran" | "geary" | "general_g"): dict of the
    /// [`global::GlobalResult`] fields (floats).
    global_statistic(global::Statistic) = global::statistic_with, |py, r| columns!(py;
        "value" => Obj(r.value),
        "expected" => Obj(r.expected),
        "variance_norm" => Obj(r.variance_norm),
        "z_norm" => Obj(r.z_norm),
        "p_norm" => Obj(r.p_norm),
        "variance_rand" => Obj(r.variance_rand),
        "z_rand" => Obj(r.z_rand),
        "p_rand" => Obj(r.p_rand),
        "p_sim" => Obj(r.p_sim),
        "expected_sim" => Obj(r.expected_sim),
        "se_sim" => Obj(r.se_sim),
        "z_sim" => Obj(r.z_sim),
        "p_z_sim" => Obj(r.p_z_sim),
        "s0" => Obj(r.s0),
        "s1" => Obj(r.s1),
        "s2" => Obj(r.s2),
    )
}

binding! {
    /// Hit rate / PAI / PEI / RRI table as a dict of columns.
    fn pai_table(py, observed: &[f64], predicted: &[f64], area: Option<&[f64]> = None)
        -> Dict<'py> {
        let t = detach(py, || evaluate::pai(&observed, &predicted, area.as_deref()))?.py_err()?;
        Ok(columns!(py;
            "cell" => t.cell.iter().map(|&c| c as i64).collect::<Vec<_>>(),
            "observed" => t.observed,
            "cum_observed" => t.cum_observed,
            "predicted" => t.predicted,
            "cum_predicted" => t.cum_predicted,
            "area" => t.area,
            "cum_area" => t.cum_area,
            "coverage" => t.coverage,
            "hit_rate" => t.hit_rate,
            "pai" => t.pai,
            "pei" => t.pei,
            "rri" => t.rri,
        ))
    }
}

binding! {
    /// Lorenz curve and Gini as a dict.
    fn concentration(py, counts: &[f64]) -> Dict<'py> {
        let r = detach(py, || evaluate::concentration(&counts))?.py_err()?;
        Ok(columns!(py;
            "share_places" => r.share_places,
            "share_events" => r.share_events,
            "gini" => Obj(r.gini),
            "gini_generalized" => Obj(r.gini_generalized),
            "events" => Obj(r.events),
            "places" => Obj(r.places),
        ))
    }
}

/// A grid as it crosses from Python: the tuple `(grid_type, x0, y0, cell_size, ncols, nrows)`
/// of `HotspotGrid._args()`, checked by the core's [`grid::Grid::new`].
impl<'a, 'py> FromPyObject<'a, 'py> for grid::Grid {
    type Error = PyErr;
    fn extract(obj: pyo3::Borrowed<'a, 'py, pyo3::PyAny>) -> PyResult<Self> {
        let (shape, x0, y0, cell, ncols, nrows): (grid::Shape, f64, f64, f64, usize, usize) =
            obj.extract()?;
        grid::Grid::new(shape, x0, y0, cell, ncols, nrows).py_err()
    }
}

binding! {
    /// The grid of `shape` covering the bounds: dict of `x0, y0, ncols, nrows`.
    fn grid_spec(py, xmin: f64, xmax: f64, ymin: f64, ymax: f64, cell: f64, *,
        shape: grid::Shape = grid::Shape::default()) -> Dict<'py> {
        let g = grid::Grid::covering(xmin, xmax, ymin, ymax, cell, shape).py_err()?;
        Ok(columns!(py;
            "shape" => Obj(g.shape.name()),
            "x0" => Obj(g.x0),
            "y0" => Obj(g.y0),
            "ncols" => Obj(g.ncols),
            "nrows" => Obj(g.nrows),
        ))
    }
}

/// Rules of a point pattern computed in the core: `name(x, y) -> float`.
macro_rules! point_rules {
    ($($(#[$meta:meta])* $name:ident = $rule:path;)+) => {$(
        $(#[$meta])*
        #[pyfunction]
        pub(super) fn $name(x: PyReadonlyArray1<'_, f64>, y: PyReadonlyArray1<'_, f64>) -> PyResult<f64> {
            $rule(&owned(&x), &owned(&y)).py_err()
        }
    )+};
}

point_rules! {
    /// sfhotspot's automatic cell size.
    grid_auto_cell_size = grid::auto_cell_size;
    /// The automatic bandwidth: mean of bandwidth.nrd of x and y.
    grid_auto_bandwidth = grid::auto_bandwidth;
}

/// MASS::bandwidth.nrd of one axis.
#[pyfunction]
pub(super) fn grid_bandwidth_nrd(v: PyReadonlyArray1<'_, f64>) -> PyResult<f64> {
    grid::bandwidth_nrd(&owned(&v)).py_err()
}

binding! {
    /// Cell centres: dict of `x, y`.
    fn grid_centres(py, grid: grid::Grid) -> Dict<'py> {
        let (cx, cy): (Vec<f64>, Vec<f64>) = (0..grid.len()).map(|k| grid.centre(k)).unzip();
        Ok(columns!(py; "x" => cx, "y" => cy))
    }
}

binding! {
    /// Cell of each point (−1 outside the grid).
    fn grid_locate(py, grid: grid::Grid, x: &[f64], y: &[f64]) -> Array<'py, i64> {
        let k = detach(py, || grid.locate_all(&x, &y))?.py_err()?;
        Ok(k.into_pyarray(py))
    }
}

binding! {
    /// Points (or their weights) per cell: dict of `count` and `outside` (points off the grid).
    fn grid_counts(py, grid: grid::Grid, x: &[f64], y: &[f64], weights: Option<&[f64]> = None)
        -> Dict<'py> {
        let (c, out) = detach(py, || grid::counts(&grid, &x, &y, weights.as_deref()))?.py_err()?;
        Ok(columns!(py; "count" => c, "outside" => Obj(out)))
    }
}

binding! {
    /// Points per cell and period, period-major: dict of `count` and `outside`.
    fn grid_counts_by_period(py, grid: grid::Grid, x: &[f64], y: &[f64], period: &[i64], *,
        periods: usize) -> Dict<'py> {
        let r = detach(py, || grid::counts_by_period(&grid, &x, &y, &period, periods))?;
        let (c, out) = r.py_err()?;
        Ok(columns!(py; "count" => c, "outside" => Obj(out)))
    }
}

binding! {
    /// Kernel density at the cell centres (per unit²).
    fn grid_kde(py, grid: grid::Grid, x: &[f64], y: &[f64], weights: Option<&[f64]> = None, *,
        bandwidth: f64, kernel: Kernel = Kernel::default()) -> Array<'py, f64> {
        let d = interruptible(py, |c| {
            grid::kde(&grid, &x, &y, weights.as_deref(), bandwidth, kernel, c)
        })?;
        Ok(d.into_pyarray(py))
    }
}

binding! {
    /// Combine two layers cell by cell (`method` "ratio" | "log_ratio" | "difference").
    fn grid_dual(py, a: &[f64], b: &[f64], *,
        method: grid::DualMethod = grid::DualMethod::default()) -> Array<'py, f64> {
        Ok(grid::dual(&a, &b, method).py_err()?.into_pyarray(py))
    }
}

binding! {
    /// Emerging hotspot classification of `periods` count layers (period-major) on a grid: dict
    /// of `z, p, p_adjusted, sig, class` (cell-major) with `recent` and the class names
    /// `classes`. With `mask` (one flag per cell), only the kept cells, with their neighbours
    /// among themselves: `counts` then holds the kept cells' layers only.
    fn hotspot_classify(py, grid: grid::Grid, counts: &[f64], periods: usize, *,
        mask: Option<&[bool]> = None,
        ..params: ClassifyParams {
            hotspot_prop: f64,
            persistent_prop: f64,
            recent_prop: f64,
            critical_p: f64,
            permutations: usize,
            holm: bool,
            seed: u64,
        }) -> Dict<'py> {
        let r = interruptible(py, |cancel| {
            let mut w = grid.neighbours()?;
            if let Some(keep) = &mask {
                w = w.subset(keep)?;
            }
            classify::classify_with(&counts, &w, periods, &params, cancel)
        })?;
        Ok(columns!(py;
            "recent" => Obj(r.recent),
            "z" => r.z,
            "p" => r.p,
            "p_adjusted" => r.p_adjusted,
            "sig" => r.sig,
            "class" => r.class,
            "classes" => Obj(classify::CLASSES.to_vec()),
        ))
    }
}

binding! {
    /// Per-cell change between two periods with the conditional Poisson test: dict of `change,
    /// ratio, p_value`.
    fn hotspot_change_test(py, before: &[f64], after: &[f64], *, length_before: f64,
        length_after: f64) -> Dict<'py> {
        let r = detach(py, || {
            classify::change(&before, &after, length_before, length_after)
        })?
        .py_err()?;
        Ok(columns!(py; "change" => r.change, "ratio" => r.ratio, "p_value" => r.p_value))
    }
}

binding! {
    /// Prospective risk per cell of a square grid.
    fn prospective_risk(py, grid: grid::Grid, x: &[f64], y: &[f64], t: &[f64], *,
        cutoff_time: f64, predict_time: f64,
        ..opt: ProspectiveOptions {
            space_bandwidth: f64,
            time_bandwidth: f64,
            time_unit: f64,
            distance: prospective::CellDistance,
        }) -> Array<'py, f64> {
        let r = detach(py, || {
            prospective::prospective(&grid, &x, &y, &t, cutoff_time, predict_time, &opt)
        })?;
        Ok(r.py_err()?.into_pyarray(py))
    }
}

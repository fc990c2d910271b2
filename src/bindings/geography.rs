//! Bindings for [`crate::geography`]: the point-in-polygon index as a Python class.

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

use super::parallel::{detach, interruptible, owned};
use super::rates::slice;
use crate::error::Error;
use crate::geography::{AreaIndex as Core, AreaIndexOptions, NO_AREA};

/// A lookup index from points to areas (see `saferstats::geography::areas`).
#[pyclass(frozen, module = "saferstats._saferstats", name = "AreaIndex")]
pub struct AreaIndex {
    inner: Core,
}

fn offsets(name: &str, v: &[i64]) -> PyResult<Vec<usize>> {
    v.iter()
        .enumerate()
        .map(|(i, &o)| {
            usize::try_from(o).map_err(|_| {
                super::errors::to_py(Error::value(name, i, o as f64, "must be non-negative"))
            })
        })
        .collect()
}

fn area_ids(v: &[i64]) -> PyResult<Vec<u32>> {
    v.iter()
        .enumerate()
        .map(|(i, &o)| {
            u32::try_from(o).map_err(|_| {
                super::errors::to_py(Error::value(
                    "ring_area",
                    i,
                    o as f64,
                    "must be a non-negative area index",
                ))
            })
        })
        .collect()
}

#[pymethods]
impl AreaIndex {
    /// Build the index from rings in a flat layout (GIL released while building).
    #[new]
    #[pyo3(signature = (x, y, ring_offsets, ring_area, n_areas, cells_per_edge = 16.0, max_cells = 4_194_304))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        x: PyReadonlyArray1<'_, f64>,
        y: PyReadonlyArray1<'_, f64>,
        ring_offsets: PyReadonlyArray1<'_, i64>,
        ring_area: PyReadonlyArray1<'_, i64>,
        n_areas: usize,
        cells_per_edge: f64,
        max_cells: usize,
    ) -> PyResult<Self> {
        // copies: nothing Python owns is read while the GIL is released
        let (x, y) = (owned(&x), owned(&y));
        let offs = offsets("ring_offsets", slice("ring_offsets", &ring_offsets)?)?;
        let areas = area_ids(slice("ring_area", &ring_area)?)?;
        let opts = AreaIndexOptions {
            cells_per_edge,
            max_cells,
        };
        let inner = interruptible(py, |cancel| {
            Core::from_rings_with(&x, &y, &offs, &areas, n_areas, &opts, cancel)
        })?;
        Ok(AreaIndex { inner })
    }

    /// The area index (0-based) containing each point (x = longitude, y = latitude), -1 for none.
    ///
    /// Points are copied block by block (64 Ki points) into buffers owned by Rust, and each block
    /// is located with the GIL released: nothing Python owns is read while detached, and no
    /// full-size copy of the inputs is made.
    fn locate<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray1<'py, f64>,
        y: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<i32>>> {
        const BLOCK: usize = 1 << 16;
        let (xs, ys) = (slice("lon", &x)?, slice("lat", &y)?);
        if xs.len() != ys.len() {
            return Err(super::errors::to_py(Error::LengthMismatch {
                name_a: "lon".into(),
                len_a: xs.len(),
                name_b: "lat".into(),
                len_b: ys.len(),
            }));
        }
        let mut out: Vec<i32> = Vec::with_capacity(xs.len());
        let (mut bx, mut by) = (Vec::with_capacity(BLOCK), Vec::with_capacity(BLOCK));
        for (cx, cy) in xs.chunks(BLOCK).zip(ys.chunks(BLOCK)) {
            bx.clear();
            by.clear();
            bx.extend_from_slice(cx);
            by.extend_from_slice(cy);
            let ids = detach(py, || self.inner.locate(&bx, &by))?;
            out.extend(
                ids.into_iter()
                    .map(|a| if a == NO_AREA { -1 } else { a as i32 }),
            );
            py.check_signals()?;
        }
        Ok(out.into_pyarray(py))
    }

    /// The exhaustive reference answer for one point (O(edges)); -1 for none.
    fn locate_exhaustive(&self, x: f64, y: f64) -> i64 {
        match self.inner.locate_exhaustive(x, y) {
            NO_AREA => -1,
            a => a as i64,
        }
    }

    /// Number of areas.
    #[getter]
    fn n_areas(&self) -> usize {
        self.inner.n_areas()
    }

    /// (columns, rows, cell size) of the lookup grid.
    #[getter]
    fn grid(&self) -> (usize, usize, f64) {
        self.inner.grid()
    }

    /// Number of grid cells that need polygon tests.
    #[getter]
    fn boundary_cells(&self) -> usize {
        self.inner.boundary_cells()
    }

    /// Approximate memory of the index in bytes.
    #[getter]
    fn memory_bytes(&self) -> usize {
        self.inner.memory_bytes()
    }

    fn __repr__(&self) -> String {
        let (c, r, s) = self.inner.grid();
        format!(
            "AreaIndex(n_areas={}, grid={c}x{r}, cell={s:.6}, boundary_cells={})",
            self.inner.n_areas(),
            self.inner.boundary_cells()
        )
    }
}

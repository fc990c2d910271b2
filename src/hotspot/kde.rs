//! Kernel density estimation on a regular grid (docs/methods/hotspots.md C4).
//!
//! Quartic (biweight) kernel as in ArcGIS Spatial Analyst / CrimeStat:
//! f(x) = Σᵢ wᵢ · 3/(π r²) · (1 − (dᵢ/r)²)² for dᵢ < r; Gaussian: Σᵢ wᵢ · exp(−d²/(2h²)) / (2πh²).
//! Both integrate to Σwᵢ (density per unit² of the coordinates). Evaluated at cell centres by
//! binning the points into a grid of cells the size of the kernel's support and summing, for each
//! output cell in parallel, over the points in the surrounding bins: equal to the direct O(n·cells)
//! sum (the Gaussian is truncated at 9h, where it is below 1e-17 of its peak).

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};

choice! {
    /// Kernel shape.
    #[derive(Default)]
    pub enum Kernel("kernel", "kernel") {
        /// Quartic (biweight), compact support of radius r (default; crime mapping convention).
        #[default]
        Quartic = "quartic" | "biweight",
        /// Gaussian with standard deviation h.
        Gaussian = "gaussian" | "normal",
    }
}

/// The grid geometry: cell centres x₀ + (i + ½)·cell, y₀ + (j + ½)·cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GridSpec {
    /// West edge.
    pub x0: f64,
    /// South edge.
    pub y0: f64,
    /// Cell size.
    pub cell: f64,
    /// Number of columns.
    pub nx: usize,
    /// Number of rows.
    pub ny: usize,
}

/// Largest grid accepted (cells); beyond it the caller gets an error with the memory needed.
pub const MAX_CELLS: usize = 200_000_000;

impl GridSpec {
    /// The grid covering [xmin, xmax] × [ymin, ymax] with square cells of `cell`.
    ///
    /// # Errors
    /// Non-finite or empty bounds, cell ≤ 0, or more than [`MAX_CELLS`] cells (the message gives
    /// the memory the grid would need).
    pub fn covering(xmin: f64, xmax: f64, ymin: f64, ymax: f64, cell: f64) -> Result<Self> {
        if !(cell.is_finite() && cell > 0.0) {
            return Err(Error::argument(
                "cell_size",
                format!("must be a positive number, got {cell}"),
            ));
        }
        if ![xmin, xmax, ymin, ymax].iter().all(|v| v.is_finite()) || xmax < xmin || ymax < ymin {
            return Err(Error::argument(
                "bounds",
                "bounds must be finite with xmin <= xmax and ymin <= ymax",
            ));
        }
        let nx = ((xmax - xmin) / cell).ceil().max(1.0);
        let ny = ((ymax - ymin) / cell).ceil().max(1.0);
        let cells = nx * ny;
        if cells > MAX_CELLS as f64 {
            return Err(Error::argument(
                "cell_size",
                format!(
                    "the grid would have {:.0} x {:.0} = {:.3e} cells ({:.1} GB); use a larger cell_size or smaller bounds",
                    nx,
                    ny,
                    cells,
                    cells * 8.0 / 1e9
                ),
            ));
        }
        Ok(GridSpec {
            x0: xmin,
            y0: ymin,
            cell,
            nx: nx as usize,
            ny: ny as usize,
        })
    }

    /// x of column `i`'s centre.
    pub fn x(&self, i: usize) -> f64 {
        self.x0 + (i as f64 + 0.5) * self.cell
    }

    /// y of row `j`'s centre.
    pub fn y(&self, j: usize) -> f64 {
        self.y0 + (j as f64 + 0.5) * self.cell
    }
}

/// ArcGIS default search radius (docs/methods/hotspots.md C4): r = 0.9·min(SD, √(1/ln 2)·D_m)·n^(−0.2), with SD
/// the standard distance about the mean centre and D_m the median distance to it.
///
/// # Examples
/// ```
/// let x = [10., 20., 35., 50., 55., 70., 80., 90., 15., 60.];
/// let y = [10., 15., 80., 50., 52., 20., 85., 40., 60., 90.];
/// let r = saferstats::hotspot::kde::default_bandwidth(&x, &y).unwrap();
/// assert!((r - 21.702494).abs() < 1e-6);
/// ```
pub fn default_bandwidth(x: &[f64], y: &[f64]) -> Result<f64> {
    let n = x.len();
    if n < 2 {
        return Err(Error::argument(
            "x",
            "a default bandwidth needs at least 2 points",
        ));
    }
    let (mx, my) = (
        x.iter().sum::<f64>() / n as f64,
        y.iter().sum::<f64>() / n as f64,
    );
    let mut d: Vec<f64> = x
        .iter()
        .zip(y)
        .map(|(a, b)| ((a - mx).powi(2) + (b - my).powi(2)).sqrt())
        .collect();
    let sd = (d.iter().map(|v| v * v).sum::<f64>() / n as f64).sqrt();
    d.sort_unstable_by(f64::total_cmp);
    let dm = if n % 2 == 1 {
        d[n / 2]
    } else {
        0.5 * (d[n / 2 - 1] + d[n / 2])
    };
    let r = 0.9 * sd.min((1.0 / std::f64::consts::LN_2).sqrt() * dm) * (n as f64).powf(-0.2);
    if r > 0.0 && r.is_finite() {
        Ok(r)
    } else {
        Err(Error::argument(
            "bandwidth",
            "the points are all at one location; give a bandwidth",
        ))
    }
}

uninterruptible! {
    /// Kernel density at every cell centre of `grid` (row-major, `ny` rows of `nx`), per unit².
    ///
    /// # Errors
    /// Length mismatch, non-finite coordinates or weights (naming the row), bandwidth ≤ 0.
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::kde::{kde_grid, GridSpec, Kernel};
    /// // docs/methods/hotspots.md C4: points (0,0), (30,0), (10,10), r = 50 -> f(0,0) = 8.617285e-4
    /// let g = GridSpec { x0: -0.5, y0: -0.5, cell: 1.0, nx: 1, ny: 1 };
    /// let d = kde_grid(&[0., 30., 10.], &[0., 0., 10.], None, 50.0, Kernel::Quartic, &g).unwrap();
    /// assert!((d[0] - 8.617285e-4).abs() < 1e-10);
    /// ```
    pub fn kde_grid(x: &[f64], y: &[f64], w: Option<&[f64]>, bandwidth: f64, kernel: Kernel, grid: &GridSpec) -> Result<Vec<f64>> = kde_grid_with;
}

/// [`kde_grid`] that stops with [`Error::Interrupted`] soon after `cancel` is set.
///
/// # Errors
/// As [`kde_grid`]; [`Error::Interrupted`] when cancelled.
pub fn kde_grid_with(
    x: &[f64],
    y: &[f64],
    w: Option<&[f64]>,
    bandwidth: f64,
    kernel: Kernel,
    grid: &GridSpec,
    cancel: &super::cancel::Cancel,
) -> Result<Vec<f64>> {
    if grid.nx.checked_mul(grid.ny).is_none_or(|c| c > MAX_CELLS) || grid.nx == 0 {
        return Err(Error::argument(
            "cell_size",
            format!(
                "the grid would have {} x {} cells: at most {MAX_CELLS} are supported",
                grid.nx, grid.ny
            ),
        ));
    }
    crate::ci::check_lengths(&[("x", x.len()), ("y", y.len())])?;
    if let Some(w) = w {
        crate::ci::check_lengths(&[("x", x.len()), ("weights", w.len())])?;
        crate::ci::check_column(
            "weights",
            w,
            crate::ci::Domain::NonNegative,
            crate::ci::Missing::Error,
        )?;
    }
    for (name, v) in [("x", x), ("y", y)] {
        if let Some(i) = v.iter().position(|c| !c.is_finite()) {
            return Err(Error::value(
                name,
                i,
                v[i],
                "coordinates must be finite numbers",
            ));
        }
    }
    if !(bandwidth.is_finite() && bandwidth > 0.0) {
        return Err(Error::argument(
            "bandwidth",
            format!("must be a positive number, got {bandwidth}"),
        ));
    }
    let support = match kernel {
        Kernel::Quartic => bandwidth,
        Kernel::Gaussian => 9.0 * bandwidth,
    };
    // bin points into cells of size `support`
    let bx0 = grid.x0 - support;
    let by0 = grid.y0 - support;
    let bnx = (((grid.nx as f64) * grid.cell + 2.0 * support) / support).ceil() as i64 + 1;
    let bny = (((grid.ny as f64) * grid.cell + 2.0 * support) / support).ceil() as i64 + 1;
    let mut bins: std::collections::HashMap<(i64, i64), Vec<u32>> =
        std::collections::HashMap::new();
    for i in 0..x.len() {
        let (bi, bj) = (
            ((x[i] - bx0) / support).floor() as i64,
            ((y[i] - by0) / support).floor() as i64,
        );
        if bi < -1 || bj < -1 || bi > bnx || bj > bny {
            continue; // farther than the support from every cell centre
        }
        bins.entry((bi, bj)).or_default().push(i as u32);
    }
    let (r2, norm_q) = (
        bandwidth * bandwidth,
        3.0 / (std::f64::consts::PI * bandwidth * bandwidth),
    );
    let (two_h2, norm_g) = (
        2.0 * bandwidth * bandwidth,
        1.0 / (2.0 * std::f64::consts::PI * bandwidth * bandwidth),
    );
    let s2 = support * support;
    let mut out = vec![0.0; grid.nx * grid.ny];
    out.par_chunks_mut(grid.nx)
        .enumerate()
        .for_each(|(j, row)| {
            if cancel.is_cancelled() {
                return;
            }
            let cy = grid.y(j);
            let bj = ((cy - by0) / support).floor() as i64;
            for (i, cell) in row.iter_mut().enumerate() {
                if cancel.is_cancelled() {
                    return;
                }
                let cx = grid.x(i);
                let bi = ((cx - bx0) / support).floor() as i64;
                let mut acc = 0.0;
                for di in -1..=1 {
                    for dj in -1..=1 {
                        let Some(pts) = bins.get(&(bi + di, bj + dj)) else {
                            continue;
                        };
                        for &p in pts {
                            let p = p as usize;
                            let d2 = (x[p] - cx).powi(2) + (y[p] - cy).powi(2);
                            if d2 >= s2 {
                                continue;
                            }
                            let wt = w.map_or(1.0, |w| w[p]);
                            acc += wt
                                * match kernel {
                                    Kernel::Quartic => norm_q * (1.0 - d2 / r2).powi(2),
                                    Kernel::Gaussian => norm_g * (-d2 / two_h2).exp(),
                                };
                        }
                    }
                }
                *cell = acc;
            }
        });
    cancel.check()?;
    Ok(out)
}

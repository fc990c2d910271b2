//! Kernel density estimation on a regular grid (docs/methods/hotspots.md C4).
//!
//! Quartic (biweight) kernel as in ArcGIS Spatial Analyst / CrimeStat:
//! f(x) = Σᵢ wᵢ · 3/(π r²) · (1 − (dᵢ/r)²)² for dᵢ < r; Gaussian: Σᵢ wᵢ · exp(−d²/(2h²)) / (2πh²).
//! Both integrate to Σwᵢ (density per unit² of the coordinates). Evaluated at cell centres by
//! binning the points into a grid of cells the size of the kernel's support and summing, for each
//! output cell in parallel, over the points in the surrounding bins: equal to the direct O(n·cells)
//! sum (the Gaussian is truncated at 9h, where it is below 1e-17 of its peak).

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use super::cancel::Cancel;
use super::index::check_planar;
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

/// Each point's part of the kernel density at one location (`at`): wᵢ·K(dᵢ) per unit², the
/// terms of the sum [`kde_grid`] gives at a cell centre (same kernels, same Gaussian cut at 9h),
/// in the order of the points; 0 beyond the kernel's support. For saying how much of a peak comes
/// from the points at one place (police.uk's anonymised map points).
///
/// # Errors
/// As [`kde_grid`]; a non-finite `at` ("at").
///
/// # Examples
/// ```
/// use saferstats::hotspot::kde::{kde_contributions, kde_grid, GridSpec, Kernel};
/// // docs/methods/hotspots.md C4: points (0,0), (30,0), (10,10), r = 50: the parts at (0,0)
/// // sum to the density there, 8.617285e-4; the point at the location gives 3/(π·50²)
/// let (x, y) = ([0., 30., 10.], [0., 0., 10.]);
/// let parts = kde_contributions(&x, &y, None, 50.0, Kernel::Quartic, (0.0, 0.0)).unwrap();
/// assert!((parts.iter().sum::<f64>() - 8.617285e-4).abs() < 1e-10);
/// assert!((parts[0] - 3.0 / (std::f64::consts::PI * 2500.0)).abs() < 1e-15);
/// let g = GridSpec { x0: -0.5, y0: -0.5, cell: 1.0, nx: 1, ny: 1 };
/// let d = kde_grid(&x, &y, None, 50.0, Kernel::Quartic, &g).unwrap();
/// assert!((parts.iter().sum::<f64>() - d[0]).abs() < 1e-18);
/// ```
pub fn kde_contributions(
    x: &[f64],
    y: &[f64],
    w: Option<&[f64]>,
    bandwidth: f64,
    kernel: Kernel,
    at: (f64, f64),
) -> Result<Vec<f64>> {
    if !(at.0.is_finite() && at.1.is_finite()) {
        return Err(Error::argument(
            "at",
            format!("the location must be finite, got ({}, {})", at.0, at.1),
        ));
    }
    let binned = Binned::new(x, y, w, bandwidth, kernel, at, |_| false)?;
    Ok((0..x.len()).map(|p| binned.part(p, at.0, at.1)).collect())
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
    cancel: &Cancel,
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
    let support = Binned::support(bandwidth, kernel);
    // bins farther than the support from every cell centre are dropped
    let (bx0, by0) = (grid.x0 - support, grid.y0 - support);
    let bnx = (((grid.nx as f64) * grid.cell + 2.0 * support) / support).ceil() as i64 + 1;
    let bny = (((grid.ny as f64) * grid.cell + 2.0 * support) / support).ceil() as i64 + 1;
    let keep = |(bi, bj): (i64, i64)| bi >= -1 && bj >= -1 && bi <= bnx && bj <= bny;
    let binned = Binned::new(x, y, w, bandwidth, kernel, (bx0, by0), keep)?;
    binned.surface(
        grid.ny,
        grid.nx,
        |k| (grid.x(k % grid.nx), grid.y(k / grid.nx)),
        cancel,
    )
}

/// Points binned in square cells the size of a kernel's support, to sum the kernel at any
/// location over the points within reach (the 3 × 3 bins around it): the one kernel loop of
/// [`kde_grid`] and [`crate::hotspot::grid::kde`].
pub(crate) struct Binned<'a> {
    x: &'a [f64],
    y: &'a [f64],
    w: Option<&'a [f64]>,
    kernel: Kernel,
    origin: (f64, f64),
    support: f64,
    /// bandwidth².
    h2: f64,
    /// The kernel's constant: 3/(π h²) quartic, 1/(2π h²) Gaussian.
    norm: f64,
    bins: HashMap<(i64, i64), Vec<u32>>,
}

impl<'a> Binned<'a> {
    /// Radius beyond which the kernel is 0 (the Gaussian truncated at 9 sd).
    pub(crate) fn support(bandwidth: f64, kernel: Kernel) -> f64 {
        match kernel {
            Kernel::Quartic => bandwidth,
            Kernel::Gaussian => 9.0 * bandwidth,
        }
    }

    /// Check the points, weights and bandwidth; bin the points (bins counted from `origin`)
    /// whose bin `keep` accepts.
    ///
    /// # Errors
    /// Length mismatch, non-finite coordinates or weights (naming the row), bandwidth ≤ 0.
    pub(crate) fn new(
        x: &'a [f64],
        y: &'a [f64],
        w: Option<&'a [f64]>,
        bandwidth: f64,
        kernel: Kernel,
        origin: (f64, f64),
        keep: impl Fn((i64, i64)) -> bool,
    ) -> Result<Self> {
        check_planar(x, y, w)?;
        if !(bandwidth.is_finite() && bandwidth > 0.0) {
            return Err(Error::argument(
                "bandwidth",
                format!("must be a positive number, got {bandwidth}"),
            ));
        }
        let mut b = Binned {
            x,
            y,
            w,
            kernel,
            origin,
            support: Self::support(bandwidth, kernel),
            h2: bandwidth * bandwidth,
            norm: match kernel {
                Kernel::Quartic => 3.0 / (std::f64::consts::PI * bandwidth * bandwidth),
                Kernel::Gaussian => 1.0 / (2.0 * std::f64::consts::PI * bandwidth * bandwidth),
            },
            bins: HashMap::new(),
        };
        for i in 0..x.len() {
            let key = b.key(x[i], y[i]);
            if keep(key) {
                b.bins.entry(key).or_default().push(i as u32);
            }
        }
        Ok(b)
    }

    fn key(&self, px: f64, py: f64) -> (i64, i64) {
        (
            ((px - self.origin.0) / self.support).floor() as i64,
            ((py - self.origin.1) / self.support).floor() as i64,
        )
    }

    /// Point `p`'s part of the density at (cx, cy): its weight times the kernel at its
    /// distance, 0 at or beyond the support.
    fn part(&self, p: usize, cx: f64, cy: f64) -> f64 {
        let d2 = (self.x[p] - cx).powi(2) + (self.y[p] - cy).powi(2);
        if d2 >= self.support * self.support {
            return 0.0;
        }
        self.w.map_or(1.0, |w| w[p])
            * self.norm
            * match self.kernel {
                Kernel::Quartic => (1.0 - d2 / self.h2).powi(2),
                Kernel::Gaussian => (-d2 / (2.0 * self.h2)).exp(),
            }
    }

    /// The density at (cx, cy).
    fn at(&self, cx: f64, cy: f64) -> f64 {
        let (bi, bj) = self.key(cx, cy);
        let mut acc = 0.0;
        for di in -1..=1 {
            for dj in -1..=1 {
                let (Some(a), Some(b)) = (bi.checked_add(di), bj.checked_add(dj)) else {
                    continue;
                };
                for &p in self.bins.get(&(a, b)).map_or(&[][..], |v| v) {
                    acc += self.part(p as usize, cx, cy);
                }
            }
        }
        acc
    }

    /// The density at `centre(k)` for the cells k of a `rows` × `cols` grid (row-major), rows
    /// in parallel; stops with [`Error::Interrupted`] soon after `cancel` is set (polled per
    /// cell: a cell can sum many points).
    pub(crate) fn surface(
        &self,
        rows: usize,
        cols: usize,
        centre: impl Fn(usize) -> (f64, f64) + Sync,
        cancel: &Cancel,
    ) -> Result<Vec<f64>> {
        let mut out = vec![0.0; rows * cols];
        out.par_chunks_mut(cols.max(1))
            .enumerate()
            .try_for_each(|(r, vals)| {
                for (c, v) in vals.iter_mut().enumerate() {
                    cancel.check()?;
                    let (cx, cy) = centre(r * cols + c);
                    *v = self.at(cx, cy);
                }
                Ok::<(), Error>(())
            })?;
        Ok(out)
    }
}

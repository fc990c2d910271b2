//! Square and hexagonal grids over points or a study area, with the automatic cell size and
//! bandwidth rules, counts and kernel densities on them (docs/methods/hotspot_intelligence.md).
//!
//! Cells are numbered row by row from the south-west. Square cells are half-open
//! [x₀ + c·s, x₀ + (c+1)·s) × [y₀ + r·s, …). Hexagons are pointy-topped with `cell` the distance
//! between the centres of side-by-side hexagons (flat-to-flat width, as `sf::st_make_grid`'s
//! `cellsize`); odd rows are shifted east by half a cell ("odd-r" offset layout), rows are
//! `cell`·√3/2 apart, and a point belongs to the hexagon whose centre is nearest.

use serde::Serialize;

use super::cancel::Cancel;
use super::index::check_planar;
use super::kde::{Binned, Kernel};
use super::weights::Weights;
use crate::error::{Error, Result};

/// Most cells a grid may have (~400 MB per f64 layer); larger grids are refused, with their
/// size, before anything is allocated.
pub const MAX_CELLS: usize = 50_000_000;

choice! {
    /// Cell shape.
    #[derive(Default)]
    pub enum Shape("grid_type", "grid type") {
        /// Square cells (default).
        #[default]
        Square = "square" | "rect",
        /// Pointy-topped hexagons.
        Hex = "hex" | "hexagon",
    }
}

/// A regular grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Grid {
    /// Cell shape.
    pub shape: Shape,
    /// Square: west edge; hex: x of the centre of cell (row 0, column 0).
    pub x0: f64,
    /// Square: south edge; hex: y of the centre of cell (row 0, column 0).
    pub y0: f64,
    /// Cell size (square side; hexagon flat-to-flat width).
    pub cell: f64,
    /// Columns.
    pub ncols: usize,
    /// Rows.
    pub nrows: usize,
}

const SQRT3: f64 = 1.732_050_807_568_877_2;

fn check_cell(cell: f64) -> Result<()> {
    if !(cell.is_finite() && cell > 0.0) {
        return Err(Error::argument(
            "cell_size",
            format!("must be a positive number, got {cell}"),
        ));
    }
    Ok(())
}

impl Grid {
    /// A grid given by its parts (as it crosses from Python), checked: a finite origin, a
    /// positive cell size, 1 to [`MAX_CELLS`] cells.
    ///
    /// # Errors
    /// A non-finite origin or cell size ≤ 0; no cells or more than [`MAX_CELLS`].
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::grid::{Grid, Shape};
    /// assert_eq!(Grid::new(Shape::Hex, 0.0, 0.0, 10.0, 3, 2).unwrap().len(), 6);
    /// assert!(Grid::new(Shape::Square, 0.0, 0.0, 10.0, 0, 2).is_err());
    /// ```
    pub fn new(
        shape: Shape,
        x0: f64,
        y0: f64,
        cell: f64,
        ncols: usize,
        nrows: usize,
    ) -> Result<Self> {
        check_cell(cell)?;
        if !(x0.is_finite() && y0.is_finite()) {
            return Err(Error::argument("grid", "the grid origin must be finite"));
        }
        match ncols.checked_mul(nrows) {
            Some(c) if (1..=MAX_CELLS).contains(&c) => Ok(Grid {
                shape,
                x0,
                y0,
                cell,
                ncols,
                nrows,
            }),
            _ => Err(Error::argument(
                "grid",
                format!("{ncols} x {nrows} cells: at most {MAX_CELLS} are supported"),
            )),
        }
    }

    /// The grid of `shape` covering [xmin, xmax] × [ymin, ymax] with cells of `cell`.
    ///
    /// # Errors
    /// Non-finite or inverted bounds; cell ≤ 0; more than [`MAX_CELLS`] cells (the message
    /// gives the size and memory, nothing is allocated).
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::grid::{Grid, Shape};
    /// let g = Grid::covering(0.0, 1000.0, 0.0, 500.0, 100.0, Shape::Square).unwrap();
    /// assert_eq!((g.ncols, g.nrows), (11, 6));
    /// assert!(Grid::covering(0.0, 1e7, 0.0, 1e7, 1.0, Shape::Square).is_err());
    /// ```
    pub fn covering(
        xmin: f64,
        xmax: f64,
        ymin: f64,
        ymax: f64,
        cell: f64,
        shape: Shape,
    ) -> Result<Self> {
        check_cell(cell)?;
        if ![xmin, xmax, ymin, ymax].iter().all(|v| v.is_finite()) || xmax < xmin || ymax < ymin {
            return Err(Error::argument(
                "bounds",
                "bounds must be finite with xmin <= xmax and ymin <= ymax",
            ));
        }
        let (x0, y0, nc, nr) = match shape {
            Shape::Square => (
                xmin,
                ymin,
                ((xmax - xmin) / cell).floor() + 1.0,
                ((ymax - ymin) / cell).floor() + 1.0,
            ),
            Shape::Hex => {
                let dy = cell * SQRT3 / 2.0;
                (
                    xmin - cell / 2.0,
                    ymin,
                    ((xmax - xmin) / cell).ceil() + 2.0,
                    ((ymax - ymin) / dy).ceil() + 2.0,
                )
            }
        };
        let cells = nc * nr;
        if !cells.is_finite() || cells > MAX_CELLS as f64 {
            return Err(Error::argument(
                "cell_size",
                format!(
                    "the grid would have {nc:.0} x {nr:.0} = {cells:.3e} cells (about {:.1} GB per \
                     layer): at most {MAX_CELLS} are supported; use a larger cell_size or a \
                     smaller area",
                    cells * 8.0 / 1e9
                ),
            ));
        }
        Ok(Grid {
            shape,
            x0,
            y0,
            cell,
            ncols: nc as usize,
            nrows: nr as usize,
        })
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ncols * self.nrows
    }

    /// Whether the grid has no cells (never, for a grid from [`Grid::covering`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Area of one cell.
    pub fn cell_area(&self) -> f64 {
        match self.shape {
            Shape::Square => self.cell * self.cell,
            Shape::Hex => SQRT3 / 2.0 * self.cell * self.cell,
        }
    }

    /// Centre of cell `k`.
    pub fn centre(&self, k: usize) -> (f64, f64) {
        let (r, c) = (k / self.ncols, k % self.ncols);
        match self.shape {
            Shape::Square => (
                self.x0 + (c as f64 + 0.5) * self.cell,
                self.y0 + (r as f64 + 0.5) * self.cell,
            ),
            Shape::Hex => (
                self.x0 + (c as f64 + 0.5 * (r % 2) as f64) * self.cell,
                self.y0 + r as f64 * self.cell * SQRT3 / 2.0,
            ),
        }
    }

    /// Vertices of cell `k` (4 or 6, anticlockwise from the south-west / south).
    pub fn polygon(&self, k: usize) -> Vec<(f64, f64)> {
        let (cx, cy) = self.centre(k);
        match self.shape {
            Shape::Square => {
                let h = self.cell / 2.0;
                vec![
                    (cx - h, cy - h),
                    (cx + h, cy - h),
                    (cx + h, cy + h),
                    (cx - h, cy + h),
                ]
            }
            Shape::Hex => {
                let r = self.cell / SQRT3; // circumradius
                (0..6)
                    .map(|i| {
                        let a = std::f64::consts::PI / 180.0 * (60.0 * i as f64 - 90.0);
                        (cx + r * a.cos(), cy + r * a.sin())
                    })
                    .collect()
            }
        }
    }

    /// The cell holding (x, y), or `None` outside the grid.
    pub fn locate(&self, x: f64, y: f64) -> Option<usize> {
        if !(x.is_finite() && y.is_finite()) {
            return None;
        }
        let (r, c) = match self.shape {
            Shape::Square => (
                ((y - self.y0) / self.cell).floor(),
                ((x - self.x0) / self.cell).floor(),
            ),
            Shape::Hex => {
                let size = self.cell / SQRT3;
                let (px, py) = (x - self.x0, y - self.y0);
                let q = (SQRT3 / 3.0 * px - py / 3.0) / size;
                let rr = (2.0 / 3.0 * py) / size;
                // cube rounding
                let (cx, cz) = (q, rr);
                let cy = -cx - cz;
                let (mut rx, ry, mut rz) = (cx.round(), cy.round(), cz.round());
                let (dx, dy, dz) = ((rx - cx).abs(), (ry - cy).abs(), (rz - cz).abs());
                if dx > dy && dx > dz {
                    rx = -ry - rz;
                } else if dy <= dz {
                    rz = -rx - ry;
                }
                if !(rx.abs() < 1e15 && rz.abs() < 1e15) {
                    return None;
                }
                let (qi, ri) = (rx as i64, rz as i64);
                (ri as f64, (qi + (ri - (ri & 1)) / 2) as f64)
            }
        };
        if r < 0.0 || c < 0.0 || r >= self.nrows as f64 || c >= self.ncols as f64 {
            return None;
        }
        Some(r as usize * self.ncols + c as usize)
    }

    /// The cell of every point, −1 outside the grid (or at a non-finite coordinate).
    ///
    /// # Errors
    /// As many `x` as `y`.
    pub fn locate_all(&self, x: &[f64], y: &[f64]) -> Result<Vec<i64>> {
        crate::ci::check_lengths(&[("x", x.len()), ("y", y.len())])?;
        let cell = |(&p, &q): (&f64, &f64)| self.locate(p, q).map_or(-1, |k| k as i64);
        Ok(x.iter().zip(y).map(cell).collect())
    }

    /// Adjacent cells as binary weights: the 8 queen neighbours of a square, the 6 neighbours of
    /// a hexagon (sfhotspot's default neighbourhood, distance cell·√2 between centres).
    ///
    /// # Errors
    /// A grid beyond [`crate::hotspot::weights::MAX_UNITS`] cells.
    pub fn neighbours(&self) -> Result<Weights> {
        match self.shape {
            Shape::Square => Weights::lattice(self.nrows, self.ncols, true),
            Shape::Hex => {
                let (nr, nc) = (self.nrows as i64, self.ncols as i64);
                let mut f = Vec::with_capacity(self.len() * 6);
                let mut t = Vec::with_capacity(self.len() * 6);
                for r in 0..nr {
                    let shift = r & 1; // odd rows sit half a cell east
                    for c in 0..nc {
                        let k = (r * nc + c) as u32;
                        let cand = [
                            (r, c - 1),
                            (r, c + 1),
                            (r - 1, c - 1 + shift),
                            (r - 1, c + shift),
                            (r + 1, c - 1 + shift),
                            (r + 1, c + shift),
                        ];
                        for (rr, cc) in cand {
                            if rr >= 0 && rr < nr && cc >= 0 && cc < nc {
                                f.push(k);
                                t.push((rr * nc + cc) as u32);
                            }
                        }
                    }
                }
                Weights::from_adjacency(&f, &t, None, self.len())
            }
        }
    }
}

/// sfhotspot's automatic cell size: 1/50 of the shorter side of the points' bounding box,
/// floored to a multiple of 100 (metres) when that is at least 100, else the exact 1/50.
///
/// # Errors
/// Fewer than 2 points, non-finite coordinates, or points on a line (a side of length 0).
///
/// # Examples
/// ```
/// let c = saferstats::hotspot::grid::auto_cell_size(&[0.0, 40_000.0], &[0.0, 12_345.0]).unwrap();
/// assert_eq!(c, 200.0); // 12,345 / 50 = 246.9 → 200
/// ```
pub fn auto_cell_size(x: &[f64], y: &[f64]) -> Result<f64> {
    check_planar(x, y, None)?;
    if x.len() < 2 {
        return Err(Error::argument(
            "x",
            "an automatic cell size needs at least 2 points; give cell_size",
        ));
    }
    let span = |v: &[f64]| {
        let (lo, hi) = crate::hotspot::index::min_max(v);
        hi - lo
    };
    let side = span(x).min(span(y));
    if side.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(Error::argument(
            "x",
            "the points lie on a line (no extent on one axis): give cell_size",
        ));
    }
    let rounded = (side / 50.0 / 100.0).floor();
    Ok(if rounded > 0.0 {
        rounded * 100.0
    } else {
        side / 50.0
    })
}

/// R `MASS::bandwidth.nrd`: 4 · 1.06 · min(sd, IQR/1.34) · n^(−1/5) (quartiles of type 7, sd
/// with n − 1).
///
/// # Errors
/// Fewer than 2 values, non-finite values, or no spread (sd and IQR both 0).
///
/// # Examples
/// ```
/// let h = saferstats::hotspot::grid::bandwidth_nrd(&[1., 2., 3., 4., 10.]).unwrap();
/// assert!((h - 4.586665334319).abs() < 1e-9); // R 4.2: MASS::bandwidth.nrd(c(1,2,3,4,10))
/// ```
pub fn bandwidth_nrd(v: &[f64]) -> Result<f64> {
    let n = v.len();
    if n < 2 {
        return Err(Error::argument(
            "x",
            "a bandwidth rule needs at least 2 points",
        ));
    }
    if let Some(i) = v.iter().position(|c| !c.is_finite()) {
        return Err(Error::value("x", i, v[i], "coordinates must be finite"));
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let h = (n - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(n - 1);
        s[lo] + (h - lo as f64) * (s[hi] - s[lo])
    };
    let iqr = (q(0.75) - q(0.25)) / 1.34;
    let mean = s.iter().sum::<f64>() / n as f64;
    let sd = (s.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n as f64 - 1.0)).sqrt();
    let h = 4.0 * 1.06 * sd.min(iqr) * (n as f64).powf(-0.2);
    if h.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(Error::argument(
            "bandwidth",
            "the points have no spread (interquartile range 0): give bandwidth",
        ));
    }
    Ok(h)
}

/// The automatic bandwidth: the mean of [`bandwidth_nrd`] of x and of y (both axes; sfhotspot
/// uses x only).
///
/// # Errors
/// As [`bandwidth_nrd`] for either axis.
///
/// # Examples
/// ```
/// let h = saferstats::hotspot::grid::auto_bandwidth(&[1., 2., 3., 4., 10.], &[1., 2., 3., 4., 10.]).unwrap();
/// assert!((h - 4.586665334319).abs() < 1e-9);
/// ```
pub fn auto_bandwidth(x: &[f64], y: &[f64]) -> Result<f64> {
    check_planar(x, y, None)?;
    let hx = bandwidth_nrd(x)?;
    let hy = bandwidth_nrd(y).map_err(|e| match e {
        Error::InvalidValue {
            index,
            value,
            reason,
            ..
        } => Error::InvalidValue {
            name: "y".into(),
            index,
            value,
            reason,
        },
        e => e,
    })?;
    Ok(0.5 * (hx + hy))
}

/// Points per cell (optionally weighted) and the number of points outside the grid.
///
/// # Errors
/// Length mismatch, non-finite coordinates, negative or non-finite weights.
pub fn counts(grid: &Grid, x: &[f64], y: &[f64], w: Option<&[f64]>) -> Result<(Vec<f64>, usize)> {
    check_planar(x, y, w)?;
    let mut out = vec![0.0; grid.len()];
    let mut outside = 0;
    for i in 0..x.len() {
        match grid.locate(x[i], y[i]) {
            Some(k) => out[k] += w.map_or(1.0, |w| w[i]),
            None => outside += 1,
        }
    }
    Ok((out, outside))
}

/// Most cell-periods [`counts_by_period`] builds (800 MB of counts).
pub const MAX_CELL_PERIODS: usize = 100_000_000;

/// Points per cell in each of `periods` periods, period-major (`out[t * grid.len() + k]` counts
/// the points with `period[i] == t` in cell k), and the number of points outside the grid: the
/// count layers of [`crate::hotspot::classify::classify`].
///
/// # Errors
/// As [`counts`]; `period` not as long as `x`; a period index that is negative or ≥ `periods`
/// (named `period`, with its position); more than [`MAX_CELL_PERIODS`] cells × periods.
///
/// # Examples
/// ```
/// use saferstats::hotspot::grid::{counts_by_period, Grid, Shape};
/// let g = Grid::new(Shape::Square, 0.0, 0.0, 10.0, 2, 1).unwrap(); // two 10 m cells in a row
/// let (c, outside) = counts_by_period(&g, &[1.0, 15.0, 16.0, 99.0], &[1.0; 4], &[0, 0, 1, 1], 2).unwrap();
/// assert_eq!((c, outside), (vec![1.0, 1.0, 0.0, 1.0], 1));
/// ```
pub fn counts_by_period(
    grid: &Grid,
    x: &[f64],
    y: &[f64],
    period: &[i64],
    periods: usize,
) -> Result<(Vec<f64>, usize)> {
    check_planar(x, y, None)?;
    crate::ci::check_lengths(&[("x", x.len()), ("period", period.len())])?;
    let cells = grid.len();
    let total = cells
        .checked_mul(periods)
        .filter(|&t| t <= MAX_CELL_PERIODS);
    let Some(total) = total else {
        return Err(Error::argument(
            "periods",
            format!(
                "{cells} cells x {periods} periods is more than {MAX_CELL_PERIODS} cell-periods: \
                 use larger cells or fewer periods"
            ),
        ));
    };
    let mut out = vec![0.0; total];
    let mut outside = 0;
    for (i, &t) in period.iter().enumerate() {
        let t = usize::try_from(t)
            .ok()
            .filter(|&t| t < periods)
            .ok_or_else(|| {
                Error::value(
                    "period",
                    i,
                    t as f64,
                    format!("must be a period index 0..{periods}"),
                )
            })?;
        match grid.locate(x[i], y[i]) {
            Some(k) => out[t * cells + k] += 1.0,
            None => outside += 1,
        }
    }
    Ok((out, outside))
}

/// Kernel density at every cell centre (per unit² of the coordinates; integrates to the number
/// of points): quartic 3/(π r²)(1 − d²/r²)² within radius r = `bandwidth`, or Gaussian with
/// sd `bandwidth` (truncated at 9 sd). Points are binned in cells of the kernel's support and each
/// centre sums over the 3 × 3 surrounding bins; cells in parallel.
///
/// # Errors
/// As [`counts`]; bandwidth ≤ 0 or not finite; [`Error::Interrupted`] when cancelled.
pub fn kde(
    grid: &Grid,
    x: &[f64],
    y: &[f64],
    w: Option<&[f64]>,
    bandwidth: f64,
    kernel: Kernel,
    cancel: &Cancel,
) -> Result<Vec<f64>> {
    let binned = Binned::new(x, y, w, bandwidth, kernel, (0.0, 0.0), |_| true)?;
    binned.surface(grid.nrows, grid.ncols, |k| grid.centre(k), cancel)
}

uninterruptible! {
    /// [`kde`] that cannot be interrupted.
    ///
    /// # Errors
    /// As [`kde`].
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::{grid::{kde_uninterruptible, Grid, Shape}, kde::Kernel};
    /// let g = Grid::covering(-50.0, 50.0, -50.0, 50.0, 10.0, Shape::Hex).unwrap();
    /// let d = kde_uninterruptible(&g, &[0.0], &[0.0], None, 30.0, Kernel::Quartic).unwrap();
    /// // one point: the density sums to about 1 over the cells (× cell area)
    /// let total: f64 = d.iter().sum::<f64>() * g.cell_area();
    /// assert!((total - 1.0).abs() < 0.05);
    /// ```
    pub fn kde_uninterruptible(grid: &Grid, x: &[f64], y: &[f64], w: Option<&[f64]>, bandwidth: f64, kernel: Kernel) -> Result<Vec<f64>> = kde;
}

choice! {
    /// How two densities are compared by [`dual`].
    #[derive(Default)]
    pub enum DualMethod("method", "method") {
        /// a / b (NaN where b = 0; default).
        #[default]
        Ratio = "ratio",
        /// ln(a / b) (NaN where either is 0).
        LogRatio = "log_ratio" | "log",
        /// a − b.
        Difference = "difference" | "diff",
    }
}

/// Combine two density layers cell by cell.
///
/// # Errors
/// Layers of different lengths.
pub fn dual(a: &[f64], b: &[f64], method: DualMethod) -> Result<Vec<f64>> {
    crate::ci::check_lengths(&[("a", a.len()), ("b", b.len())])?;
    Ok(a.iter()
        .zip(b)
        .map(|(&p, &q)| match method {
            DualMethod::Ratio => {
                if q > 0.0 {
                    p / q
                } else {
                    f64::NAN
                }
            }
            DualMethod::LogRatio => {
                if p > 0.0 && q > 0.0 {
                    (p / q).ln()
                } else {
                    f64::NAN
                }
            }
            DualMethod::Difference => p - q,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_locate_is_the_nearest_centre() {
        let g = Grid::covering(0.0, 1000.0, 0.0, 700.0, 97.0, Shape::Hex).unwrap();
        let mut next = crate::hotspot::index::uniform(12345);
        for _ in 0..5000 {
            let x = next() * 1000.0;
            let y = next() * 700.0;
            let k = g.locate(x, y).expect("inside the covering grid");
            let (cx, cy) = g.centre(k);
            let d = (cx - x).hypot(cy - y);
            let best = (0..g.len())
                .map(|j| {
                    let (a, b) = g.centre(j);
                    (a - x).hypot(b - y)
                })
                .fold(f64::INFINITY, f64::min);
            assert!(d <= best + 1e-9, "({x}, {y}) -> {k}");
            assert!(d <= 97.0 / SQRT3 + 1e-9);
        }
    }

    #[test]
    fn hex_neighbours_are_adjacent_centres() {
        let g = Grid::covering(0.0, 500.0, 0.0, 500.0, 100.0, Shape::Hex).unwrap();
        let w = g.neighbours().unwrap();
        for k in 0..g.len() {
            let (a, b) = g.centre(k);
            for &j in w.row(k).0 {
                let (c, d) = g.centre(j as usize);
                assert!(((a - c).hypot(b - d) - 100.0).abs() < 1e-9);
            }
        }
        // an interior hexagon has 6
        assert_eq!(w.cardinality(2 * g.ncols + 2), 6);
    }

    #[test]
    fn square_counts_and_bad_input() {
        let g = Grid::covering(0.0, 20.0, 0.0, 10.0, 10.0, Shape::Square).unwrap();
        let (c, out) = counts(&g, &[1.0, 2.0, 12.0, 50.0], &[1.0, 1.0, 1.0, 1.0], None).unwrap();
        assert_eq!((c[0], c[1], out), (2.0, 1.0, 1));
        assert!(counts(&g, &[f64::NAN], &[0.0], None).is_err());
        assert!(Grid::covering(0.0, 1.0, 0.0, 1.0, 0.0, Shape::Hex).is_err());
        assert!(Grid::covering(0.0, 1e9, 0.0, 1e9, 1.0, Shape::Hex).is_err());
        assert!(kde_uninterruptible(&g, &[0.0], &[0.0], None, -1.0, Kernel::Quartic).is_err());
        assert!(bandwidth_nrd(&[1.0, 1.0, 1.0]).is_err());
        assert!(auto_cell_size(&[0.0, 1.0], &[5.0, 5.0]).is_err());
    }

    #[test]
    fn dual_methods() {
        let d = dual(&[2.0, 1.0, 0.0], &[1.0, 0.0, 1.0], DualMethod::Ratio).unwrap();
        assert_eq!(d[0], 2.0);
        assert!(d[1].is_nan());
        let l = dual(&[2.0, 0.0], &[1.0, 1.0], DualMethod::LogRatio).unwrap();
        assert!((l[0] - 2f64.ln()).abs() < 1e-15 && l[1].is_nan());
        assert_eq!(
            dual(&[2.0], &[3.0], DualMethod::Difference).unwrap(),
            vec![-1.0]
        );
    }
}

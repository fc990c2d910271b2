//! Exact point-in-polygon for many points against many areas (local authorities, CSPs, forces,
//! or any user polygons), indexed by a fine lookup grid.
//!
//! # Method
//! Each area is a set of rings (outer rings and holes of one or more polygons, in any
//! orientation). A point is inside an area when a ray from it crosses the area's rings an odd
//! number of times (the even–odd rule, as in PNPOLY, W. R. Franklin; J. O'Rourke, *Computational
//! Geometry in C*, 2nd ed., §7.4), which handles holes and multipolygons without telling outer
//! rings from holes. Every side test uses Shewchuk's exact `orient2d` predicate (through
//! `geo`'s `RobustKernel`), so the answer never depends on rounding.
//!
//! **Tie rule (points on a boundary).** A point is assigned as if it were moved an infinitesimal
//! distance east, then (for east–west boundary lines) north — "simulation of simplicity"
//! (Edelsbrunner & Mücke, *ACM ToG* 9(1), 1990): exactly the half-open crossing rule of PNPOLY
//! (an edge counts when `lo.y ≤ y < hi.y` and the point is strictly to its left). Consequences:
//! a point on the boundary shared by two areas that tile the plane belongs to exactly one of them
//! (the one to its east, or north of an east–west line), never both and never neither; a point
//! on an outer boundary (a coastline) is inside when the area lies to its east (north); a vertex
//! shared by several areas goes to the area containing the points just north-east of it.
//! If areas overlap (user boundaries that are not a partition), the lowest area index wins.
//!
//! **Index.** A regular grid of square cells covers the areas' bounding box (by default about 16
//! cells per polygon edge, at most 2²² cells). Each cell either touches no edge — then every
//! point in it has the same answer, stored once ("interior" cell, no polygon test) — or lists the
//! edges that touch it ("boundary" cell). For a boundary cell the build stores the exact answer
//! at the cell's bottom-right corner B, found by sweeping each grid row from the left (outside
//! every area) and flipping an area's parity at each edge crossing of the row's bottom line. A
//! query point P in that cell is then resolved from B by counting, per area, the crossings of the
//! path B → R → P (R = the point on the cell's right border level with P), all of which lie in
//! the cell: O(edges in the cell) exact tests, and the same answer as the exhaustive test over
//! every edge ([`AreaIndex::locate_exhaustive`]), including on boundaries. Vertical grid lines are
//! placed so that no polygon vertex lies on one (the grid origin is shifted if needed).
//!
//! Complexity: building O(E·k + cells) for E edges each touching k cells; a query O(1) in an
//! interior cell and O(edges in the cell) in a boundary cell; queries run in parallel (rayon,
//! `RAYON_NUM_THREADS`). Memory: 4 bytes per cell plus about 48 bytes per (edge, cell) pair.

use std::collections::BTreeSet;

use geo::algorithm::kernels::{Kernel, Orientation, RobustKernel};
use geo::{Coord, MultiPolygon};
use rayon::prelude::*;

use crate::cancel::Cancel;
use crate::error::{Error, Result};

/// The answer for a point inside no area (or with a missing / non-finite coordinate).
pub const NO_AREA: u32 = u32::MAX;

/// Cell values: 0 = no area, `1..BOUNDARY` = area + 1, `BOUNDARY | k` = boundary cell `k`.
const BOUNDARY: u32 = 1 << 31;
/// Largest number of areas an index can hold.
const MAX_AREAS: usize = (BOUNDARY - 2) as usize;

/// How fine the lookup grid is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaIndexOptions {
    /// Target number of grid cells per polygon edge (more: fewer edges per boundary cell, faster
    /// queries up to a point, more memory). Default 16.
    pub cells_per_edge: f64,
    /// Upper bound on the number of grid cells (4 bytes each). Default 2²² (16 MiB).
    pub max_cells: usize,
}

impl Default for AreaIndexOptions {
    fn default() -> Self {
        AreaIndexOptions {
            cells_per_edge: 16.0,
            max_cells: 1 << 22,
        }
    }
}

impl AreaIndexOptions {
    /// Check the options.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `cells_per_edge` is not a positive finite number or
    /// `max_cells` is not in 1..=2²⁶.
    pub fn validate(&self) -> Result<()> {
        if !(self.cells_per_edge.is_finite() && self.cells_per_edge > 0.0) {
            return Err(Error::argument(
                "cells_per_edge",
                format!("must be a positive number, got {}", self.cells_per_edge),
            ));
        }
        if self.max_cells == 0 || self.max_cells > 1 << 26 {
            return Err(Error::argument(
                "max_cells",
                format!("must be between 1 and 2^26, got {}", self.max_cells),
            ));
        }
        Ok(())
    }
}

/// A polygon edge, stored from its lower end `a` to its upper end `b` (by y, then x).
#[derive(Debug, Clone, Copy)]
struct Edge {
    a: Coord<f64>,
    b: Coord<f64>,
    area: u32,
}

/// An edge as seen from one boundary cell.
#[derive(Debug, Clone, Copy)]
struct LocalEdge {
    a: Coord<f64>,
    b: Coord<f64>,
    /// Position of the edge's area in the cell's candidate list.
    slot: u32,
    /// The edge crosses the vertical line through the cell's right border.
    crosses_right: bool,
    /// Side of the cell's bottom-right corner B (valid when `crosses_right`).
    side_b: bool,
}

#[derive(Debug, Clone, Copy)]
struct BoundaryCell {
    /// Lowest area containing the whole cell among areas with no edge in it (or [`NO_AREA`]).
    background: u32,
    cand_start: u32,
    cand_len: u32,
    edge_start: u32,
    edge_len: u32,
}

/// A lookup index from points to areas. Build once, query many points.
///
/// # Examples
/// Two unit squares side by side (areas 0 and 1) and a square with a hole (area 2):
/// ```
/// use saferstats::geography::{AreaIndex, AreaIndexOptions, NO_AREA};
/// let x = [0.0, 1.0, 1.0, 0.0,  1.0, 2.0, 2.0, 1.0,  3.0, 6.0, 6.0, 3.0,  4.0, 5.0, 5.0, 4.0];
/// let y = [0.0, 0.0, 1.0, 1.0,  0.0, 0.0, 1.0, 1.0,  0.0, 0.0, 3.0, 3.0,  1.0, 1.0, 2.0, 2.0];
/// let ring_offsets = [0, 4, 8, 12, 16];
/// let ring_area = [0, 1, 2, 2]; // the fourth ring is the hole of area 2
/// let index = AreaIndex::from_rings(&x, &y, &ring_offsets, &ring_area, 3, &AreaIndexOptions::default()).unwrap();
/// let got = index.locate(&[0.5, 1.5, 1.0, 3.5, 4.5, 9.0, f64::NAN], &[0.5, 0.5, 0.5, 0.5, 1.5, 0.0, 0.0]);
/// // x = 1.0 is on the shared edge: it goes to the area to its east (area 1); (4.5, 1.5) is in the hole
/// assert_eq!(got, vec![0, 1, 1, 2, NO_AREA, NO_AREA, NO_AREA]);
/// ```
#[derive(Debug, Clone)]
pub struct AreaIndex {
    n_areas: usize,
    edges: Vec<Edge>,
    x0: f64,
    y0: f64,
    cell: f64,
    ncols: usize,
    nrows: usize,
    cells: Vec<u32>,
    bcells: Vec<BoundaryCell>,
    cands: Vec<u32>,
    cand_inside: Vec<bool>,
    ledges: Vec<LocalEdge>,
}

#[inline]
fn left_of(a: Coord<f64>, b: Coord<f64>, p: Coord<f64>) -> bool {
    RobustKernel::orient2d(a, b, p) == Orientation::CounterClockwise
}

/// Does the upward edge `e` cross the horizontal segment from `q1` to `q2` (`q1.x ≤ q2.x`, same
/// y), both moved by the infinitesimal (ε, δ), 0 < δ ≪ ε?
#[inline]
fn crosses_horizontal(a: Coord<f64>, b: Coord<f64>, q1: Coord<f64>, q2: Coord<f64>) -> bool {
    a.y <= q1.y && q1.y < b.y && left_of(a, b, q1) && !left_of(a, b, q2)
}

/// Side of the perturbed point q + (ε, δ) relative to an edge that strictly straddles the
/// vertical line x = q.x, oriented from its western to its eastern end: true = left (north).
#[inline]
fn side_vertical(a: Coord<f64>, b: Coord<f64>, q: Coord<f64>) -> bool {
    let (l, r) = if a.x < b.x { (a, b) } else { (b, a) };
    match RobustKernel::orient2d(l, r, q) {
        Orientation::CounterClockwise => true,
        Orientation::Clockwise => false,
        // q on the edge: orient(l, r, q + (ε, δ)) = (r.x - l.x)·δ - (r.y - l.y)·ε
        Orientation::Collinear => r.y <= l.y,
    }
}

impl AreaIndex {
    uninterruptible! {
        /// Build an index from rings in a flat (GeoArrow-like) layout: ring `i` has the vertices
        /// `x[ring_offsets[i]..ring_offsets[i+1]]` (and `y`), closed implicitly (a repeated first
        /// vertex is allowed), and belongs to area `ring_area[i]` < `n_areas`. Outer rings and holes
        /// are not told apart (even–odd rule). Coordinates are planar: longitude/latitude degrees
        /// (x = longitude) or projected metres, the same as the points later queried.
        ///
        /// # Errors
        /// [`Error::InvalidArgument`] for inconsistent offsets or lengths, too many areas, no edges
        /// at all, or invalid options; [`Error::InvalidValue`] for a non-finite vertex (`x`/`y`,
        /// with its position), a ring with fewer than 3 vertices (`ring_offsets`), or an area index
        /// out of range (`ring_area`).
        ///
        /// # Examples
        /// ```
        /// use saferstats::geography::{AreaIndex, AreaIndexOptions};
        /// let idx = AreaIndex::from_rings(&[0.0, 2.0, 0.0], &[0.0, 0.0, 2.0], &[0, 3], &[0], 1, &AreaIndexOptions::default()).unwrap();
        /// assert_eq!(idx.locate(&[0.5], &[0.5]), vec![0]);
        /// assert!(AreaIndex::from_rings(&[0.0, f64::NAN, 0.0], &[0.0, 0.0, 2.0], &[0, 3], &[0], 1, &AreaIndexOptions::default()).is_err());
        /// ```
        pub fn from_rings(x: &[f64], y: &[f64], ring_offsets: &[usize], ring_area: &[u32],
            n_areas: usize, options: &AreaIndexOptions) -> Result<Self> = Self::from_rings_with;
    }

    /// [`Self::from_rings`], polling `cancel` while the grid is filled (a national boundary set
    /// with a fine grid can take seconds); [`Error::Interrupted`] once it is set.
    ///
    /// # Errors
    /// As [`Self::from_rings`]; [`Error::Interrupted`] after `cancel` is set.
    pub fn from_rings_with(
        x: &[f64],
        y: &[f64],
        ring_offsets: &[usize],
        ring_area: &[u32],
        n_areas: usize,
        options: &AreaIndexOptions,
        cancel: &Cancel,
    ) -> Result<Self> {
        options.validate()?;
        crate::ci::check_lengths(&[("x", x.len()), ("y", y.len())])?;
        if n_areas == 0 || n_areas > MAX_AREAS {
            return Err(Error::argument(
                "n_areas",
                format!("must be between 1 and {MAX_AREAS}, got {n_areas}"),
            ));
        }
        if ring_offsets.len() != ring_area.len() + 1 {
            return Err(Error::argument(
                "ring_offsets",
                format!(
                    "needs one more entry than ring_area ({} rings), got {}",
                    ring_area.len(),
                    ring_offsets.len()
                ),
            ));
        }
        if ring_offsets.first() != Some(&0) || ring_offsets.last() != Some(&x.len()) {
            return Err(Error::argument(
                "ring_offsets",
                format!(
                    "must start at 0 and end at the number of vertices ({})",
                    x.len()
                ),
            ));
        }
        if let Some(i) = x
            .iter()
            .zip(y)
            .position(|(a, b)| !(a.is_finite() && b.is_finite()))
        {
            let bad = if x[i].is_finite() { y[i] } else { x[i] };
            let name = if x[i].is_finite() { "y" } else { "x" };
            return Err(Error::value(
                name,
                i,
                bad,
                "polygon vertices must be finite",
            ));
        }
        let mut edges = Vec::with_capacity(x.len());
        for (i, w) in ring_offsets.windows(2).enumerate() {
            let (s, e) = (w[0], w[1]);
            if e < s + 3 {
                return Err(Error::value(
                    "ring_offsets",
                    i,
                    e as f64 - s as f64,
                    "each ring needs at least 3 vertices (offsets must increase by 3 or more)",
                ));
            }
            let area = ring_area[i];
            if area as usize >= n_areas {
                return Err(Error::value(
                    "ring_area",
                    i,
                    area as f64,
                    format!("area index must be below n_areas = {n_areas}"),
                ));
            }
            for k in s..e {
                let k2 = if k + 1 == e { s } else { k + 1 };
                let p = Coord { x: x[k], y: y[k] };
                let q = Coord { x: x[k2], y: y[k2] };
                if p == q {
                    continue;
                }
                let (a, b) = if (p.y, p.x) < (q.y, q.x) {
                    (p, q)
                } else {
                    (q, p)
                };
                edges.push(Edge { a, b, area });
            }
        }
        if edges.is_empty() {
            return Err(Error::argument(
                "x",
                "the rings have no edges of non-zero length",
            ));
        }
        cancel.check()?;
        Self::build(edges, n_areas, options, cancel)
    }

    /// Build an index from `geo` multipolygons (area `i` = `areas[i]`), as [`Self::from_rings`].
    ///
    /// # Errors
    /// As [`Self::from_rings`].
    ///
    /// # Examples
    /// ```
    /// use geo::{polygon, MultiPolygon};
    /// use saferstats::geography::{AreaIndex, AreaIndexOptions, NO_AREA};
    /// let sq = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)];
    /// let idx = AreaIndex::from_multipolygons(&[MultiPolygon::new(vec![sq])], &AreaIndexOptions::default()).unwrap();
    /// assert_eq!(idx.locate(&[1.0, 5.0], &[1.0, 1.0]), vec![0, NO_AREA]);
    /// ```
    pub fn from_multipolygons(
        areas: &[MultiPolygon<f64>],
        options: &AreaIndexOptions,
    ) -> Result<Self> {
        let (mut x, mut y, mut offsets, mut ring_area) = (vec![], vec![], vec![0usize], vec![]);
        for (i, mp) in areas.iter().enumerate() {
            for poly in mp {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    x.extend(ring.coords().map(|c| c.x));
                    y.extend(ring.coords().map(|c| c.y));
                    offsets.push(x.len());
                    ring_area.push(u32::try_from(i).unwrap_or(u32::MAX));
                }
            }
        }
        Self::from_rings(&x, &y, &offsets, &ring_area, areas.len(), options)
    }

    /// Number of areas.
    pub fn n_areas(&self) -> usize {
        self.n_areas
    }

    /// Grid shape `(columns, rows)` and cell size (in the coordinates' units).
    pub fn grid(&self) -> (usize, usize, f64) {
        (self.ncols, self.nrows, self.cell)
    }

    /// Number of boundary cells (cells that need polygon tests).
    pub fn boundary_cells(&self) -> usize {
        self.bcells.len()
    }

    /// Approximate heap memory of the index in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.edges.len() * std::mem::size_of::<Edge>()
            + self.cells.len() * 4
            + self.bcells.len() * std::mem::size_of::<BoundaryCell>()
            + self.cands.len() * 5
            + self.ledges.len() * std::mem::size_of::<LocalEdge>()
    }

    #[inline]
    fn x_line(&self, c: i64) -> f64 {
        self.x0 + c as f64 * self.cell
    }

    #[inline]
    fn y_line(&self, r: i64) -> f64 {
        self.y0 + r as f64 * self.cell
    }

    /// The grid column (row) holding `v`: `line(c) ≤ v < line(c + 1)` exactly, or None.
    #[inline]
    fn index_of(
        v: f64,
        origin: f64,
        cell: f64,
        n: usize,
        line: impl Fn(i64) -> f64,
    ) -> Option<usize> {
        let f = ((v - origin) / cell).floor();
        if !(f > -2.0 && f < n as f64 + 2.0) {
            return None;
        }
        let mut c = f as i64;
        for _ in 0..4 {
            if v < line(c) {
                c -= 1;
            } else if v >= line(c + 1) {
                c += 1;
            } else {
                break;
            }
        }
        if c < 0 || c as usize >= n || v < line(c) || v >= line(c + 1) {
            return None;
        }
        Some(c as usize)
    }

    fn build(
        edges: Vec<Edge>,
        n_areas: usize,
        options: &AreaIndexOptions,
        cancel: &Cancel,
    ) -> Result<Self> {
        let (mut xmin, mut xmax, mut ymin, mut ymax) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for e in &edges {
            xmin = xmin.min(e.a.x.min(e.b.x));
            xmax = xmax.max(e.a.x.max(e.b.x));
            ymin = ymin.min(e.a.y);
            ymax = ymax.max(e.b.y);
        }
        let (sx, sy) = (xmax - xmin, ymax - ymin);
        let target =
            (edges.len() as f64 * options.cells_per_edge).clamp(1024.0, options.max_cells as f64);
        let mut cell = (sx.max(f64::MIN_POSITIVE) * sy.max(f64::MIN_POSITIVE) / target).sqrt();
        cell = cell
            .max(sx / options.max_cells as f64)
            .max(sy / options.max_cells as f64);
        if !(cell.is_finite() && cell > 0.0) || cell < 1e-9 * (sx.max(sy)) {
            cell = (sx.max(sy) / target.sqrt()).max(1e-6);
        }
        let ncols = (sx / cell).ceil() as usize + 2;
        let nrows = (sy / cell).ceil() as usize + 2;
        if ncols.saturating_mul(nrows) > options.max_cells.saturating_mul(8).max(1 << 12) {
            return Err(Error::argument(
                "max_cells",
                format!("the boundaries' extent needs a {ncols} x {nrows} grid; raise max_cells"),
            ));
        }
        let y0 = ymin - 0.5 * cell;
        // Vertical grid lines must not pass through a vertex: shift the origin until none does.
        let mut x0 = xmin - 0.5 * cell;
        let mut placed = false;
        for attempt in 0..64 {
            let line = |c: i64| x0 + c as f64 * cell;
            let collides = edges.par_iter().any(|e| {
                [e.a.x, e.b.x].iter().any(|&vx| {
                    let c = ((vx - x0) / cell).floor() as i64;
                    (c - 1..=c + 2).any(|k| line(k) == vx)
                })
            });
            if !collides {
                placed = true;
                break;
            }
            x0 -= cell * (0.001_953_125 + attempt as f64 * 0.000_122_070_312_5);
        }
        if !placed {
            return Err(Error::argument(
                "x",
                "could not place the lookup grid clear of the polygon vertices",
            ));
        }
        let mut idx = AreaIndex {
            n_areas,
            edges,
            x0,
            y0,
            cell,
            ncols,
            nrows,
            cells: Vec::new(),
            bcells: Vec::new(),
            cands: Vec::new(),
            cand_inside: Vec::new(),
            ledges: Vec::new(),
        };
        idx.fill(cancel)?;
        Ok(idx)
    }

    /// Cells touched by each edge (conservatively), as sorted (cell, edge) pairs.
    fn rasterise(&self) -> Result<Vec<(u32, u32)>> {
        let scale = self.edges.iter().fold(0.0f64, |m, e| {
            m.max(e.a.x.abs())
                .max(e.b.x.abs())
                .max(e.a.y.abs())
                .max(e.b.y.abs())
        });
        let eps = 1e-9 * (1.0 + scale) + 1e-9 * self.cell;
        let (ncols, nrows) = (self.ncols, self.nrows);
        let clamp_idx = |v: f64, origin: f64, n: usize| -> usize {
            let f = ((v - origin) / self.cell).floor();
            if f <= 0.0 {
                0
            } else if f >= (n - 1) as f64 {
                n - 1
            } else {
                f as usize
            }
        };
        let too_many = std::sync::atomic::AtomicBool::new(false);
        let limit = (self.ncols * self.nrows).saturating_mul(64).max(1 << 24);
        let mut pairs: Vec<(u32, u32)> = self
            .edges
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, e)| {
                let mut out = Vec::new();
                let r_lo = clamp_idx(e.a.y - eps, self.y0, nrows);
                let r_hi = clamp_idx(e.b.y + eps, self.y0, nrows);
                for r in r_lo..=r_hi {
                    let (ya, yb) = (
                        (self.y_line(r as i64) - eps).max(e.a.y),
                        (self.y_line(r as i64 + 1) + eps).min(e.b.y),
                    );
                    let (mut xa, mut xb) = if e.b.y == e.a.y {
                        (e.a.x.min(e.b.x), e.a.x.max(e.b.x))
                    } else {
                        let slope = (e.b.x - e.a.x) / (e.b.y - e.a.y);
                        let p = e.a.x + (ya - e.a.y) * slope;
                        let q = e.a.x + (yb - e.a.y) * slope;
                        (p.min(q), p.max(q))
                    };
                    xa = xa.max(e.a.x.min(e.b.x)) - eps;
                    xb = xb.min(e.a.x.max(e.b.x)) + eps;
                    let (c_lo, c_hi) =
                        (clamp_idx(xa, self.x0, ncols), clamp_idx(xb, self.x0, ncols));
                    if out.len() + (c_hi + 1 - c_lo) > limit {
                        too_many.store(true, std::sync::atomic::Ordering::Relaxed);
                        break;
                    }
                    out.extend((c_lo..=c_hi).map(|c| ((r * ncols + c) as u32, i as u32)));
                }
                out
            })
            .collect();
        if too_many.into_inner() || pairs.len() > limit {
            return Err(Error::argument(
                "max_cells",
                "the boundaries touch too many grid cells; lower cells_per_edge",
            ));
        }
        pairs.par_sort_unstable();
        Ok(pairs)
    }

    /// Sweep every grid row from the west, classify its cells, and store boundary cells.
    fn fill(&mut self, cancel: &Cancel) -> Result<()> {
        if self.edges.len() > u32::MAX as usize || self.ncols * self.nrows >= BOUNDARY as usize {
            return Err(Error::argument(
                "x",
                "too many edges or cells for one index",
            ));
        }
        let pairs = self.rasterise()?;
        cancel.check()?;
        let ncols = self.ncols;
        // row boundaries in `pairs`
        let mut row_start = vec![0usize; self.nrows + 1];
        for &(cell, _) in &pairs {
            row_start[cell as usize / ncols + 1] += 1;
        }
        for r in 0..self.nrows {
            row_start[r + 1] += row_start[r];
        }
        struct Row {
            cells: Vec<u32>,
            bcells: Vec<BoundaryCell>,
            cands: Vec<u32>,
            inside: Vec<bool>,
            ledges: Vec<LocalEdge>,
        }
        let this = &*self;
        let rows: Vec<Row> = (0..self.nrows)
            .into_par_iter()
            .map(|r| {
                let yb = this.y_line(r as i64);
                let mut row = Row {
                    cells: vec![0u32; ncols],
                    bcells: Vec::new(),
                    cands: Vec::new(),
                    inside: Vec::new(),
                    ledges: Vec::new(),
                };
                if cancel.is_cancelled() {
                    return row; // discarded: the check after the loop returns Interrupted
                }
                let mut odd: BTreeSet<u32> = BTreeSet::new();
                let toggle = |odd: &mut BTreeSet<u32>, a: u32| {
                    if !odd.remove(&a) {
                        odd.insert(a);
                    }
                };
                let interior = |odd: &BTreeSet<u32>| odd.first().map_or(0, |&a| a + 1);
                let slice = &pairs[row_start[r]..row_start[r + 1]];
                let mut next = 0usize; // next column to fill
                let mut k = 0usize;
                let mut areas: Vec<u32> = Vec::new();
                while k < slice.len() {
                    let cell = slice[k].0;
                    let c = cell as usize % ncols;
                    let mut k2 = k;
                    while k2 < slice.len() && slice[k2].0 == cell {
                        k2 += 1;
                    }
                    let v = interior(&odd);
                    row.cells[next..c].iter_mut().for_each(|x| *x = v);
                    let q1 = Coord {
                        x: this.x_line(c as i64),
                        y: yb,
                    };
                    let b = Coord {
                        x: this.x_line(c as i64 + 1),
                        y: yb,
                    };
                    areas.clear();
                    for &(_, ei) in &slice[k..k2] {
                        let e = this.edges[ei as usize];
                        if crosses_horizontal(e.a, e.b, q1, b) {
                            toggle(&mut odd, e.area);
                        }
                        areas.push(e.area);
                    }
                    areas.sort_unstable();
                    areas.dedup();
                    let background = odd
                        .iter()
                        .find(|a| areas.binary_search(a).is_err())
                        .copied()
                        .unwrap_or(NO_AREA);
                    let bc = BoundaryCell {
                        background,
                        cand_start: row.cands.len() as u32,
                        cand_len: areas.len() as u32,
                        edge_start: row.ledges.len() as u32,
                        edge_len: (k2 - k) as u32,
                    };
                    for &a in &areas {
                        row.cands.push(a);
                        row.inside.push(odd.contains(&a));
                    }
                    for &(_, ei) in &slice[k..k2] {
                        let e = this.edges[ei as usize];
                        let crosses_right = e.a.x.min(e.b.x) < b.x && b.x < e.a.x.max(e.b.x);
                        row.ledges.push(LocalEdge {
                            a: e.a,
                            b: e.b,
                            slot: areas.binary_search(&e.area).unwrap_or(0) as u32,
                            crosses_right,
                            side_b: crosses_right && side_vertical(e.a, e.b, b),
                        });
                    }
                    row.cells[c] = BOUNDARY | row.bcells.len() as u32;
                    row.bcells.push(bc);
                    next = c + 1;
                    k = k2;
                }
                let v = interior(&odd);
                row.cells[next..].iter_mut().for_each(|x| *x = v);
                row
            })
            .collect();
        cancel.check()?;
        let total_b: usize = rows.iter().map(|r| r.bcells.len()).sum();
        if total_b >= BOUNDARY as usize {
            return Err(Error::argument("max_cells", "too many boundary cells"));
        }
        let mut cells = Vec::with_capacity(ncols * self.nrows);
        for row in rows {
            let (b_off, c_off, e_off) = (
                self.bcells.len() as u32,
                self.cands.len() as u32,
                self.ledges.len() as u32,
            );
            cells.extend(
                row.cells
                    .iter()
                    .map(|&v| if v & BOUNDARY != 0 { v + b_off } else { v }),
            );
            self.bcells.extend(row.bcells.iter().map(|b| BoundaryCell {
                cand_start: b.cand_start + c_off,
                edge_start: b.edge_start + e_off,
                ..*b
            }));
            self.cands.extend(row.cands);
            self.cand_inside.extend(row.inside);
            self.ledges.extend(row.ledges);
        }
        self.cells = cells;
        Ok(())
    }

    /// The area containing the point (x, y), or [`NO_AREA`].
    #[inline]
    pub fn locate_one(&self, x: f64, y: f64) -> u32 {
        if !(x.is_finite() && y.is_finite()) {
            return NO_AREA;
        }
        let (cell, x0) = (self.cell, self.x0);
        let Some(c) = Self::index_of(x, x0, cell, self.ncols, |k| self.x_line(k)) else {
            return NO_AREA;
        };
        let Some(r) = Self::index_of(y, self.y0, cell, self.nrows, |k| self.y_line(k)) else {
            return NO_AREA;
        };
        let v = self.cells[r * self.ncols + c];
        if v == 0 {
            return NO_AREA;
        }
        if v & BOUNDARY == 0 {
            return v - 1;
        }
        let bc = self.bcells[(v & !BOUNDARY) as usize];
        let p = Coord { x, y };
        let rr = Coord {
            x: self.x_line(c as i64 + 1),
            y,
        };
        let cs = bc.cand_start as usize..(bc.cand_start + bc.cand_len) as usize;
        let es = bc.edge_start as usize..(bc.edge_start + bc.edge_len) as usize;
        let flip = |e: &LocalEdge| -> bool {
            let mut f = crosses_horizontal(e.a, e.b, p, rr);
            if e.crosses_right && side_vertical(e.a, e.b, rr) != e.side_b {
                f = !f;
            }
            f
        };
        let mut best = bc.background;
        if bc.cand_len <= 64 {
            let mut bits: u64 = 0;
            for (k, &inside) in self.cand_inside[cs.clone()].iter().enumerate() {
                bits |= (inside as u64) << k;
            }
            for e in &self.ledges[es] {
                if flip(e) {
                    bits ^= 1 << e.slot;
                }
            }
            if bits != 0 {
                best = best.min(self.cands[cs.start + bits.trailing_zeros() as usize]);
            }
        } else {
            let mut inside: Vec<bool> = self.cand_inside[cs.clone()].to_vec();
            for e in &self.ledges[es] {
                if flip(e) {
                    inside[e.slot as usize] ^= true;
                }
            }
            if let Some(k) = inside.iter().position(|&b| b) {
                best = best.min(self.cands[cs.start + k]);
            }
        }
        best
    }

    /// The area containing each point (`x[i]`, `y[i]`), or [`NO_AREA`] for a point in no area or
    /// with a missing (NaN) or infinite coordinate. Parallel over points. `x` and `y` must have
    /// the same length (the shorter one bounds the output otherwise; the Python layer checks).
    pub fn locate(&self, x: &[f64], y: &[f64]) -> Vec<u32> {
        x.par_iter()
            .zip(y.par_iter())
            .with_min_len(4096)
            .map(|(&a, &b)| self.locate_one(a, b))
            .collect()
    }

    /// Like [`Self::locate`], checking the lengths.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when `x` and `y` differ in length.
    pub fn try_locate(&self, x: &[f64], y: &[f64]) -> Result<Vec<u32>> {
        crate::ci::check_lengths(&[("lon", x.len()), ("lat", y.len())])?;
        Ok(self.locate(x, y))
    }

    /// The reference answer by the exhaustive even–odd test over every edge, with the same tie
    /// rule: O(edges) per point. Used by the tests to check the grid; the results are identical.
    pub fn locate_exhaustive(&self, x: f64, y: f64) -> u32 {
        if !(x.is_finite() && y.is_finite()) {
            return NO_AREA;
        }
        let p = Coord { x, y };
        let mut odd: BTreeSet<u32> = BTreeSet::new();
        for e in &self.edges {
            if e.a.y <= y && y < e.b.y && left_of(e.a, e.b, p) && !odd.remove(&e.area) {
                odd.insert(e.area);
            }
        }
        odd.first().copied().unwrap_or(NO_AREA)
    }
}

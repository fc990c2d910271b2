//! The spatial index shared by the hotspot algorithms: haversine distances and coordinate
//! checks, the cyclic latitude/longitude cell grid (DBSCAN, HDBSCAN), square cells for planar
//! coordinates (Knox, distance-band weights, NNH), and union-find forests (DBSCAN's concurrent
//! one; the sequential one of HDBSCAN and NNH).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use crate::error::{Error, MissingAdvice, Result};

/// Haversine distance in radians between (lat1, lon1) and (lat2, lon2) given in radians —
/// the formula of `sklearn.metrics.pairwise.haversine_distances`.
///
/// # Examples
/// ```
/// use saferstats::hotspot::index::haversine_rad;
/// let d = haversine_rad(51.5f64.to_radians(), (-0.12f64).to_radians(), 51.5003f64.to_radians(), (-0.1201f64).to_radians());
/// assert!((d * 6_371_008.8 - 34.1).abs() < 0.1); // docs/methods/hotspots.md C: d(0,1) = 34.1 m
/// ```
pub fn haversine_rad(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    haversine_cos(lat1, lon1, lat1.cos(), lat2, lon2, lat2.cos())
}

/// [`haversine_rad`] with the cosines of the latitudes precomputed (same operations, same result).
#[inline]
pub(crate) fn haversine_cos(
    lat1: f64,
    lon1: f64,
    cos1: f64,
    lat2: f64,
    lon2: f64,
    cos2: f64,
) -> f64 {
    let s1 = (0.5 * (lat2 - lat1)).sin();
    let s2 = (0.5 * (lon2 - lon1)).sin();
    2.0 * (s1 * s1 + cos1 * cos2 * s2 * s2).sqrt().asin()
}

/// Reproducible uniform draws in [0, 1) (a 64-bit LCG) for the unit tests' random points.
#[cfg(test)]
pub(crate) fn uniform(mut s: u64) -> impl FnMut() -> f64 {
    move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Check planar coordinates (metres): as many `x` as `y`, every value finite; with `weights`, one
/// finite weight ≥ 0 per point.
///
/// # Errors
/// A length mismatch; a non-finite coordinate or a bad weight, naming the argument and row.
pub(crate) fn check_planar(x: &[f64], y: &[f64], weights: Option<&[f64]>) -> Result<()> {
    crate::ci::check_lengths(&[("x", x.len()), ("y", y.len())])?;
    check_weights(("x", x.len()), "weights", weights)?;
    for (name, v) in [("x", x), ("y", y)] {
        if let Some(i) = v.iter().position(|c| !c.is_finite()) {
            return Err(Error::value(name, i, v[i], "coordinates must be finite"));
        }
    }
    Ok(())
}

/// Check optional weights `name` of the items counted by `along` (name, length): one finite
/// weight ≥ 0 each.
///
/// # Errors
/// A length mismatch; a missing, infinite or negative weight, naming its row.
pub(crate) fn check_weights(along: (&str, usize), name: &str, w: Option<&[f64]>) -> Result<()> {
    if let Some(w) = w {
        crate::ci::check_lengths(&[along, (name, w.len())])?;
        crate::ci::check_column(
            name,
            w,
            crate::ci::Domain::NonNegative,
            crate::ci::Missing::Error,
        )?;
    }
    Ok(())
}

/// Check coordinates in degrees: finite and in range. Returns them in radians.
///
/// # Errors
/// A length mismatch; a missing (NaN) coordinate ([`Error::MissingValue`] naming `lat` or `lon`
/// and the row); a latitude outside [−90, 90] or a longitude outside [−180, 180].
///
/// # Examples
/// ```
/// use saferstats::hotspot::index::to_radians_checked;
/// let (la, _lo) = to_radians_checked(&[90.0], &[0.0]).unwrap();
/// assert_eq!(la[0], std::f64::consts::FRAC_PI_2);
/// assert!(to_radians_checked(&[91.0], &[0.0]).is_err());
/// ```
pub fn to_radians_checked(lat: &[f64], lon: &[f64]) -> Result<(Vec<f64>, Vec<f64>)> {
    crate::ci::check_lengths(&[("lat", lat.len()), ("lon", lon.len())])?;
    for (i, (&a, &b)) in lat.iter().zip(lon).enumerate() {
        if a.is_nan() {
            return Err(Error::missing("lat", i, MissingAdvice::None));
        }
        if b.is_nan() {
            return Err(Error::missing("lon", i, MissingAdvice::None));
        }
        if !(-90.0..=90.0).contains(&a) {
            return Err(Error::value(
                "lat",
                i,
                a,
                "latitude must be within [-90, 90] degrees",
            ));
        }
        if !(-180.0..=180.0).contains(&b) {
            return Err(Error::value(
                "lon",
                i,
                b,
                "longitude must be within [-180, 180] degrees",
            ));
        }
    }
    Ok((
        lat.iter().map(|v| v.to_radians()).collect(),
        lon.iter().map(|v| v.to_radians()).collect(),
    ))
}

/// [`to_radians_checked`] for the clustering algorithms, which index points with `u32`: also
/// refuses `u32::MAX` points or more.
///
/// # Errors
/// As [`to_radians_checked`]; [`Error::InvalidArgument`] on `lat` for too many points.
pub(crate) fn to_radians_indexed(lat: &[f64], lon: &[f64]) -> Result<(Vec<f64>, Vec<f64>)> {
    let (la, lo) = to_radians_checked(lat, lon)?;
    if la.len() >= u32::MAX as usize {
        return Err(Error::argument(
            "lat",
            format!(
                "{} points: at most {} are supported",
                la.len(),
                u32::MAX - 1
            ),
        ));
    }
    Ok((la, lo))
}

/// The smallest and largest value (∞, −∞ when empty).
pub(crate) fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        })
}

/// The smallest and the largest |φ| in the latitude band from `lat0` to `lat1` (radians): where
/// cos φ is largest and smallest, which bounds the east–west size of a longitude cell.
pub(crate) fn abs_lat_range(lat0: f64, lat1: f64) -> (f64, f64) {
    let min_abs = if lat0 <= 0.0 && lat1 >= 0.0 {
        0.0
    } else {
        lat0.abs().min(lat1.abs())
    };
    (min_abs, lat0.abs().max(lat1.abs()))
}

/// Number of longitude columns of width at least `min_width` (radians) that tile the full circle,
/// and their exact width 2π / columns: columns are cyclic, so column `cols − 1` neighbours
/// column 0 across the ±180° meridian.
pub(crate) fn lon_columns(min_width: f64) -> (i64, f64) {
    let tau = std::f64::consts::TAU;
    let cols = if min_width > 0.0 && min_width < tau {
        ((tau / min_width).floor() as i64).max(1)
    } else {
        1
    };
    (cols, tau / cols as f64)
}

/// Cyclic longitude column of `lon` (radians, in [−π, π]); +π and −π share column 0.
#[inline]
pub(crate) fn lon_column(lon: f64, width: f64, cols: i64) -> i64 {
    let c = ((lon + std::f64::consts::PI) / width).floor() as i64;
    if c >= cols {
        if lon >= std::f64::consts::PI {
            0
        } else {
            cols - 1
        }
    } else {
        c.max(0)
    }
}

/// Call `f(lo, hi)` for the runs of columns within `reach` of column `c` on a circle of `cols`
/// columns, each column once (one or two runs; the whole row when the reach covers it).
#[inline]
pub(crate) fn column_runs(
    c: i64,
    reach: i64,
    cols: i64,
    mut f: impl FnMut(i64, i64) -> bool,
) -> bool {
    if 2 * reach + 1 >= cols {
        return f(0, cols - 1);
    }
    let (lo, hi) = (c - reach, c + reach);
    if lo < 0 {
        f(lo + cols, cols - 1) && f(0, hi)
    } else if hi >= cols {
        f(lo, cols - 1) && f(0, hi - cols)
    } else {
        f(lo, hi)
    }
}

/// A uniform grid over (lat, lon) in radians for fixed-radius neighbour queries: points sorted by
/// cell (row-major), with their coordinates stored in that order so that the candidates of a query
/// are read from contiguous runs found by binary search. Longitude columns wrap around the ±180°
/// meridian.
pub(crate) struct Grid {
    cell_lat: f64,
    cell_lon: f64,
    cols: i64,
    keys: Vec<(i64, i64)>,
    order: Vec<u32>,
    lat: Vec<f64>,
    lon: Vec<f64>,
    cos: Vec<f64>,
}

impl Grid {
    pub(crate) fn new(lat: &[f64], lon: &[f64], radius_rad: f64) -> Self {
        let max_abs_lat = lat.iter().fold(0.0f64, |m, v| m.max(v.abs())) + radius_rad;
        let cos = max_abs_lat.min(std::f64::consts::FRAC_PI_2).cos();
        let cell_lat = radius_rad.max(1e-12);
        // at latitude φ a distance r spans at most r / cos φ of longitude; near the poles use
        // one column for everything
        let (cols, cell_lon) = if cos > 1e-6 {
            lon_columns(radius_rad / cos)
        } else {
            (1, std::f64::consts::TAU)
        };
        let mut idx: Vec<u32> = (0..lat.len() as u32).collect();
        let key = |i: u32| Self::key_of(lat[i as usize], lon[i as usize], cell_lat, cell_lon, cols);
        idx.par_sort_unstable_by_key(|&i| (key(i), i));
        Grid {
            cell_lat,
            cell_lon,
            cols,
            keys: idx.iter().map(|&i| key(i)).collect(),
            lat: idx.iter().map(|&i| lat[i as usize]).collect(),
            lon: idx.iter().map(|&i| lon[i as usize]).collect(),
            cos: idx.iter().map(|&i| lat[i as usize].cos()).collect(),
            order: idx,
        }
    }

    fn key_of(lat: f64, lon: f64, cl: f64, cn: f64, cols: i64) -> (i64, i64) {
        ((lat / cl).floor() as i64, lon_column(lon, cn, cols))
    }

    /// Call `f(j, lat_j, lon_j, cos lat_j)` for every point j in the 3×3 block of cells around
    /// (lat, lon) (columns wrapping at ±180°), until `f` returns false.
    pub(crate) fn for_candidates(
        &self,
        lat: f64,
        lon: f64,
        mut f: impl FnMut(usize, f64, f64, f64) -> bool,
    ) {
        let (ki, kj) = Self::key_of(lat, lon, self.cell_lat, self.cell_lon, self.cols);
        for r in ki - 1..=ki + 1 {
            let go_on = column_runs(kj, 1, self.cols, |c0, c1| {
                let mut p = self.keys.partition_point(|k| *k < (r, c0));
                while p < self.keys.len() && self.keys[p] <= (r, c1) {
                    // `f` returns false to stop the search early
                    if !f(
                        self.order[p] as usize,
                        self.lat[p],
                        self.lon[p],
                        self.cos[p],
                    ) {
                        return false;
                    }
                    p += 1;
                }
                true
            });
            if !go_on {
                return;
            }
        }
    }
}

/// Disjoint-set forest shared by threads: roots are linked by compare-and-swap, always the higher
/// root under the lower (so each root is the lowest index of its component), with path halving.
pub(crate) struct ConcurrentUnionFind {
    parent: Vec<AtomicU32>,
}

impl ConcurrentUnionFind {
    pub(crate) fn new(n: usize) -> Self {
        ConcurrentUnionFind {
            parent: (0..n as u32).map(AtomicU32::new).collect(),
        }
    }

    pub(crate) fn find(&self, mut x: u32) -> u32 {
        loop {
            let p = self.parent[x as usize].load(Ordering::Acquire);
            if p == x {
                return x;
            }
            let g = self.parent[p as usize].load(Ordering::Acquire);
            if g != p {
                // path halving: x's parent becomes its grandparent (still an ancestor)
                let _ = self.parent[x as usize].compare_exchange_weak(
                    p,
                    g,
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                );
            }
            x = g;
        }
    }

    pub(crate) fn union(&self, a: u32, b: u32) {
        let (mut a, mut b) = (a, b);
        loop {
            a = self.find(a);
            b = self.find(b);
            if a == b {
                return;
            }
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            if self.parent[hi as usize]
                .compare_exchange(hi, lo, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                return;
            }
        }
    }

    pub(crate) fn into_roots(self) -> Vec<u32> {
        let n = self.parent.len();
        (0..n as u32).map(|i| self.find(i)).collect()
    }
}

/// Planar points binned into square cells of side `cell`: every point within `cell` of a point
/// lies in the 3×3 block of cells around it.
///
/// # Examples
/// ```
/// use saferstats::hotspot::index::CellBins;
/// let (x, y) = ([0.0, 1.0, 5.0], [0.0, 0.5, 5.0]);
/// let bins = CellBins::new(&x, &y, 2.0);
/// let mut near = vec![];
/// bins.for_candidates(x[0], y[0], |j| near.push(j));
/// near.sort();
/// assert_eq!(near, vec![0, 1]);
/// ```
pub struct CellBins {
    cell: f64,
    bins: HashMap<(i64, i64), Vec<u32>>,
}

impl CellBins {
    /// Bin the points (`x[i]`, `y[i]`) (at most `u32::MAX` of them).
    pub fn new(x: &[f64], y: &[f64], cell: f64) -> Self {
        let mut bins: HashMap<(i64, i64), Vec<u32>> = HashMap::new();
        for (i, (&a, &b)) in x.iter().zip(y).enumerate() {
            bins.entry(Self::key_of(a, b, cell))
                .or_default()
                .push(i as u32);
        }
        CellBins { cell, bins }
    }

    fn key_of(x: f64, y: f64, cell: f64) -> (i64, i64) {
        ((x / cell).floor() as i64, (y / cell).floor() as i64)
    }

    /// Call `f(j)` for every point j in the 3×3 block of cells around (x, y), in cell order then
    /// index order. Coordinates ~1e300 saturate the cell index: cells past the end are skipped.
    pub fn for_candidates(&self, x: f64, y: f64, mut f: impl FnMut(usize)) {
        let (bi, bj) = Self::key_of(x, y, self.cell);
        for di in -1..=1 {
            for dj in -1..=1 {
                let (Some(a), Some(b)) = (bi.checked_add(di), bj.checked_add(dj)) else {
                    continue;
                };
                for &j in self.bins.get(&(a, b)).map(|v| v.as_slice()).unwrap_or(&[]) {
                    f(j as usize);
                }
            }
        }
    }
}

/// A disjoint-set forest (one thread) with path compression; the caller decides how roots are
/// linked (HDBSCAN: a new node above both, or by rank; NNH: the higher root under the lower).
///
/// # Examples
/// ```
/// use saferstats::hotspot::index::UnionFind;
/// let mut uf = UnionFind::new(4);
/// uf.link_lower(3, 1);
/// assert_eq!((uf.find(3), uf.find(2)), (1, 2));
/// ```
#[derive(Debug, Clone)]
pub struct UnionFind {
    /// The parent of each node (a root is its own parent).
    pub parent: Vec<usize>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    /// The root of `x`, compressing the path to it.
    pub fn find(&mut self, x: usize) -> usize {
        let mut root = x;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        let mut y = x;
        while self.parent[y] != root {
            let next = self.parent[y];
            self.parent[y] = root;
            y = next;
        }
        root
    }

    /// Join the sets of `a` and `b`, the higher root under the lower (so each root is the lowest
    /// index of its set).
    pub fn link_lower(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }

    /// The root of every node.
    pub fn roots(&mut self) -> Vec<usize> {
        (0..self.parent.len()).map(|i| self.find(i)).collect()
    }
}

/// Uniform numbers in [0, 1) from a fixed seed (Knuth's MMIX LCG), for the unit tests of the
/// hotspot algorithms.
#[cfg(test)]
pub(crate) fn lcg(seed: u64) -> impl FnMut() -> f64 {
    let mut s = seed;
    move || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    }
}

//! Sparse spatial weights: who neighbours whom, and with what weight (CSR layout).

use serde::Serialize;

use super::index::CellBins;

use crate::error::{Error, Result};

/// Spatial weights for n units: for unit i, `neighbors[offsets[i]..offsets[i+1]]` with `weights`
/// in the same positions. No self-neighbours are stored (Gi* adds the diagonal itself).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weights {
    /// Number of units.
    pub n: usize,
    /// Row offsets, length n + 1.
    pub offsets: Vec<usize>,
    /// Neighbour indices.
    pub neighbors: Vec<u32>,
    /// Weights (original values; transforms are applied by the statistics).
    pub weights: Vec<f64>,
}

/// Most units a weights object may have (a 3,162 × 3,162 lattice): beyond it the constructors
/// refuse with the size instead of trying to allocate.
pub const MAX_UNITS: usize = 10_000_000;

/// Most neighbour entries (pairs) a weights object may hold (~1.2 GB): beyond it the constructors
/// refuse with the size.
pub const MAX_NEIGHBOURS: usize = 100_000_000;

fn check_units(name: &str, n: u128) -> Result<usize> {
    if n > MAX_UNITS as u128 {
        return Err(Error::argument(
            name,
            format!(
                "{n} units: at most {MAX_UNITS} are supported (the weights would need about {:.1} GB)",
                n as f64 * 100.0 / 1e9
            ),
        ));
    }
    Ok(n as usize)
}

fn too_many_pairs(name: &str, pairs: usize) -> Error {
    Error::argument(
        name,
        format!(
            "{pairs} or more neighbour pairs: at most {MAX_NEIGHBOURS} are supported (about {:.1} GB); \
             use a smaller threshold",
            pairs as f64 * 12.0 / 1e9
        ),
    )
}

impl Weights {
    /// Check the values of a statistic over these weights: one finite value per unit and at
    /// least `min_units` units (`what` names the statistics in the message).
    pub(crate) fn check_values(&self, values: &[f64], min_units: usize, what: &str) -> Result<()> {
        crate::ci::check_lengths(&[("values", values.len()), ("weights", self.n)])?;
        if values.len() < min_units {
            return Err(Error::argument(
                "values",
                format!("{} units: {what} need at least {min_units}", values.len()),
            ));
        }
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::value(
                "values",
                i,
                values[i],
                "values must be finite (drop or fill missing units first)",
            ));
        }
        Ok(())
    }

    /// Weights from CSR parts as they cross from Python (signed offsets and neighbour indices),
    /// validated: `offsets` has `n + 1` non-decreasing entries from 0 to `neighbors.len()`, one
    /// weight per neighbour, every neighbour a unit index below `n` (at most `u32::MAX` units).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] on `weights` for an inconsistent structure or a neighbour
    /// outside the units.
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::weights::Weights;
    /// let w = Weights::from_csr(2, &[0, 1, 2], &[1, 0], vec![1.0, 1.0]).unwrap();
    /// assert_eq!(w.neighbors, vec![1, 0]);
    /// assert!(Weights::from_csr(2, &[0, 1, 2], &[1, 2], vec![1.0, 1.0]).is_err());
    /// ```
    pub fn from_csr(
        n: usize,
        offsets: &[i64],
        neighbors: &[i64],
        weights: Vec<f64>,
    ) -> Result<Self> {
        if offsets.len() != n.saturating_add(1)
            || offsets.first() != Some(&0)
            || usize::try_from(*offsets.last().unwrap_or(&-1)).ok() != Some(neighbors.len())
            || neighbors.len() != weights.len()
            || offsets.windows(2).any(|w| w[1] < w[0])
        {
            return Err(Error::argument("weights", "inconsistent weights structure"));
        }
        if neighbors.iter().any(|&j| j < 0 || j as u64 >= n as u64) || n > u32::MAX as usize {
            return Err(Error::argument(
                "weights",
                "neighbour index outside the units",
            ));
        }
        Ok(Weights {
            n,
            offsets: offsets.iter().map(|&o| o as usize).collect(),
            neighbors: neighbors.iter().map(|&j| j as u32).collect(),
            weights,
        })
    }

    /// Build from (focal, neighbour, weight) triples; self-pairs are dropped, duplicates summed
    /// (in input order).
    ///
    /// # Errors
    /// Indices ≥ n, negative or non-finite weights, mismatched lengths, more than [`MAX_UNITS`]
    /// units or [`MAX_NEIGHBOURS`] pairs.
    ///
    /// # Examples
    /// ```
    /// let w = saferstats::hotspot::weights::Weights::from_adjacency(&[0, 1, 1], &[1, 0, 2], None, 3).unwrap();
    /// assert_eq!(w.cardinality(1), 2);
    /// assert_eq!(w.cardinality(2), 0); // an island: 2 has no neighbours of its own
    /// ```
    pub fn from_adjacency(
        focal: &[u32],
        neighbor: &[u32],
        weight: Option<&[f64]>,
        n: usize,
    ) -> Result<Self> {
        crate::ci::check_lengths(&[("focal", focal.len()), ("neighbor", neighbor.len())])?;
        super::index::check_weights(("focal", focal.len()), "weight", weight)?;
        let n = check_units("n", n as u128)?;
        if focal.len() > MAX_NEIGHBOURS {
            return Err(too_many_pairs("focal", focal.len()));
        }
        for (k, (&i, &j)) in focal.iter().zip(neighbor).enumerate() {
            if i as usize >= n {
                return Err(Error::value(
                    "focal",
                    k,
                    f64::from(i),
                    format!("index outside the {n} units"),
                ));
            }
            if j as usize >= n {
                return Err(Error::value(
                    "neighbor",
                    k,
                    f64::from(j),
                    format!("index outside the {n} units"),
                ));
            }
        }
        // (focal, neighbour, input position) sorted: duplicates adjacent, summed in input order
        let mut e: Vec<(u32, u32, u32)> = focal
            .iter()
            .zip(neighbor)
            .enumerate()
            .filter(|(_, (i, j))| i != j)
            .map(|(k, (&i, &j))| (i, j, k as u32))
            .collect();
        e.sort_unstable();
        let mut offsets = vec![0usize; n + 1];
        let mut neighbors = Vec::with_capacity(e.len());
        let mut weights: Vec<f64> = Vec::with_capacity(e.len());
        let mut last: Option<(u32, u32)> = None;
        for &(i, j, k) in &e {
            let w = weight.map_or(1.0, |w| w[k as usize]);
            if last == Some((i, j)) {
                if let Some(v) = weights.last_mut() {
                    *v += w;
                }
                continue;
            }
            last = Some((i, j));
            neighbors.push(j);
            weights.push(w);
            offsets[i as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        Ok(Weights {
            n,
            offsets,
            neighbors,
            weights,
        })
    }

    fn from_rows(mut rows: Vec<Vec<(u32, f64)>>) -> Self {
        let n = rows.len();
        let total: usize = rows.iter().map(Vec::len).sum();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut neighbors = Vec::with_capacity(total);
        let mut weights = Vec::with_capacity(total);
        offsets.push(0);
        for r in rows.iter_mut() {
            r.sort_unstable_by_key(|e| e.0);
            for &(j, w) in r.iter() {
                neighbors.push(j);
                weights.push(w);
            }
            offsets.push(neighbors.len());
        }
        Weights {
            n,
            offsets,
            neighbors,
            weights,
        }
    }

    /// Contiguity on an `nrows × ncols` lattice (cells numbered row-major): rook (shared edge) or
    /// queen (shared edge or corner), binary.
    ///
    /// # Errors
    /// More than [`MAX_UNITS`] cells (the message gives the size).
    ///
    /// # Examples
    /// ```
    /// let w = saferstats::hotspot::weights::Weights::lattice(3, 3, true).unwrap();
    /// assert_eq!(w.cardinality(4), 8); // the centre cell, queen
    /// assert!(saferstats::hotspot::weights::Weights::lattice(100_000, 100_000, true).is_err());
    /// ```
    pub fn lattice(nrows: usize, ncols: usize, queen: bool) -> Result<Self> {
        let n = check_units("nrows", nrows as u128 * ncols as u128)?;
        let mut offsets = Vec::with_capacity(n + 1);
        let mut neighbors = Vec::with_capacity(n * if queen { 8 } else { 4 });
        offsets.push(0);
        for r in 0..nrows {
            for c in 0..ncols {
                for dr in -1i64..=1 {
                    for dc in -1i64..=1 {
                        if (dr == 0 && dc == 0) || (!queen && dr != 0 && dc != 0) {
                            continue;
                        }
                        let (rr, cc) = (r as i64 + dr, c as i64 + dc);
                        if rr >= 0 && cc >= 0 && (rr as usize) < nrows && (cc as usize) < ncols {
                            neighbors.push((rr as usize * ncols + cc as usize) as u32);
                        }
                    }
                }
                offsets.push(neighbors.len());
            }
        }
        let weights = vec![1.0; neighbors.len()];
        Ok(Weights {
            n,
            offsets,
            neighbors,
            weights,
        })
    }

    /// The weights among the units where `keep` is true, renumbered in order among themselves,
    /// each keeping its neighbours (and their weights) that are kept too — e.g. the cells of a
    /// grid that lie in a study area: the cells beyond its edge are zeros by construction, and
    /// left in they lower the mean every Gi\* compares a cell with (ArcGIS's hot spot analysis
    /// takes a bounding polygon for this reason).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when `keep` does not have one value per unit.
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::weights::Weights;
    /// let keep = [true, true, false, true, true, false, false, false, true];
    /// let w = Weights::lattice(3, 3, false).unwrap().subset(&keep).unwrap();
    /// // the far corner (old unit 8) shares no edge with the 2 × 2 block
    /// assert_eq!((0..w.n).map(|i| w.cardinality(i)).collect::<Vec<_>>(), vec![2, 2, 2, 2, 0]);
    /// assert_eq!(w.row(0).0, &[1, 2]); // old units 1 and 3
    /// ```
    pub fn subset(&self, keep: &[bool]) -> Result<Self> {
        crate::ci::check_lengths(&[("mask", keep.len()), ("weights", self.n)])?;
        let mut index = vec![u32::MAX; self.n];
        let mut n = 0usize;
        for (i, _) in keep.iter().enumerate().filter(|&(_, &k)| k) {
            index[i] = n as u32;
            n += 1;
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let (mut neighbors, mut weights) = (Vec::new(), Vec::new());
        offsets.push(0);
        for i in (0..self.n).filter(|&i| keep[i]) {
            let (nb, wt) = self.row(i);
            for (&j, &v) in nb.iter().zip(wt).filter(|&(&j, _)| keep[j as usize]) {
                neighbors.push(index[j as usize]);
                weights.push(v);
            }
            offsets.push(neighbors.len());
        }
        Ok(Weights {
            n,
            offsets,
            neighbors,
            weights,
        })
    }

    uninterruptible! {
        /// Every pair of points within `threshold` (Euclidean, inclusive) — binary, or inverse
        /// distance d^(−1) when `binary` is false (libpysal `DistanceBand(alpha=-1)`).
        ///
        /// # Errors
        /// Length mismatch, non-finite coordinates, threshold ≤ 0 or not finite; with
        /// `binary = false`, two points at the same location (their inverse-distance weight would be
        /// infinite: the error names both rows); more than [`MAX_UNITS`] points or
        /// [`MAX_NEIGHBOURS`] pairs (the message gives the size).
        ///
        /// # Examples
        /// ```
        /// let w = saferstats::hotspot::weights::Weights::distance_band(&[0., 10., 40.], &[0., 0., 0.], 15.0, true).unwrap();
        /// assert_eq!((w.cardinality(0), w.cardinality(2)), (1, 0));
        /// ```
        pub fn distance_band(x: &[f64], y: &[f64], threshold: f64, binary: bool) -> Result<Self> = Self::distance_band_with;
    }

    /// [`distance_band`](Self::distance_band) that stops with [`Error::Interrupted`] soon after
    /// `cancel` is set.
    ///
    /// # Errors
    /// As [`distance_band`](Self::distance_band); [`Error::Interrupted`] when cancelled.
    pub fn distance_band_with(
        x: &[f64],
        y: &[f64],
        threshold: f64,
        binary: bool,
        cancel: &super::cancel::Cancel,
    ) -> Result<Self> {
        use rayon::prelude::*;
        use std::sync::atomic::{AtomicUsize, Ordering};
        super::index::check_planar(x, y, None)?;
        if !(threshold.is_finite() && threshold > 0.0) {
            return Err(Error::argument(
                "threshold",
                format!("must be a positive finite distance, got {threshold}"),
            ));
        }
        let n = check_units("x", x.len() as u128)?;
        let bins = CellBins::new(&x[..n], &y[..n], threshold);
        let total = AtomicUsize::new(0);
        let rows: Vec<Result<Vec<(u32, f64)>>> = (0..n)
            .into_par_iter()
            .map(|i| {
                cancel.check()?;
                if total.load(Ordering::Relaxed) > MAX_NEIGHBOURS {
                    return Err(too_many_pairs("threshold", MAX_NEIGHBOURS + 1));
                }
                let mut r = Vec::new();
                let mut same_place = None;
                bins.for_candidates(x[i], y[i], |j| {
                    if j == i || same_place.is_some() {
                        return;
                    }
                    let d = (x[i] - x[j]).hypot(y[i] - y[j]);
                    if d <= threshold {
                        if !binary && d == 0.0 {
                            same_place = Some((i.min(j), i.max(j)));
                            return;
                        }
                        r.push((j as u32, if binary { 1.0 } else { 1.0 / d }));
                    }
                });
                if let Some((a, b)) = same_place {
                    return Err(Error::value(
                        "x",
                        b,
                        x[b],
                        format!(
                            "points {a} and {b} are at the same location: their \
                             inverse-distance weight would be infinite; remove or \
                             merge duplicates, or use binary weights"
                        ),
                    ));
                }
                total.fetch_add(r.len(), Ordering::Relaxed);
                Ok(r)
            })
            .collect();
        cancel.check()?;
        if total.load(Ordering::Relaxed) > MAX_NEIGHBOURS {
            return Err(too_many_pairs("threshold", total.load(Ordering::Relaxed)));
        }
        // the first error in row order (deterministic whatever the threads did)
        let rows = rows.into_iter().collect::<Result<Vec<_>>>()?;
        Ok(Self::from_rows(rows))
    }

    /// Number of neighbours of unit `i` (0 for an island).
    pub fn cardinality(&self, i: usize) -> usize {
        self.offsets[i + 1] - self.offsets[i]
    }

    /// Neighbours and weights of unit `i`.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let (a, b) = (self.offsets[i], self.offsets[i + 1]);
        (&self.neighbors[a..b], &self.weights[a..b])
    }
}

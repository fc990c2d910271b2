//! Sparse spatial weights: who neighbours whom, and with what weight (CSR layout).

use serde::Serialize;

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

impl Weights {
    /// Build from (focal, neighbour, weight) triples; self-pairs are dropped, duplicates summed.
    ///
    /// # Errors
    /// Indices ≥ n, negative or non-finite weights, mismatched lengths.
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
        if let Some(w) = weight {
            crate::ci::check_lengths(&[("focal", focal.len()), ("weight", w.len())])?;
            crate::ci::check_column(
                "weight",
                w,
                crate::ci::Domain::NonNegative,
                crate::ci::Missing::Error,
            )?;
        }
        let mut rows: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
        for (k, (&i, &j)) in focal.iter().zip(neighbor).enumerate() {
            if i as usize >= n || j as usize >= n {
                return Err(Error::value(
                    "focal",
                    k,
                    f64::from(i.max(j)),
                    format!("index outside the {n} units"),
                ));
            }
            if i == j {
                continue;
            }
            let w = weight.map_or(1.0, |w| w[k]);
            match rows[i as usize].iter_mut().find(|(nb, _)| *nb == j) {
                Some(e) => e.1 += w,
                None => rows[i as usize].push((j, w)),
            }
        }
        Ok(Self::from_rows(rows))
    }

    fn from_rows(mut rows: Vec<Vec<(u32, f64)>>) -> Self {
        let n = rows.len();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut neighbors = Vec::new();
        let mut weights = Vec::new();
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
    /// # Examples
    /// ```
    /// let w = saferstats::hotspot::weights::Weights::lattice(3, 3, true);
    /// assert_eq!(w.cardinality(4), 8); // the centre cell, queen
    /// ```
    pub fn lattice(nrows: usize, ncols: usize, queen: bool) -> Self {
        let mut rows = vec![Vec::new(); nrows * ncols];
        for r in 0..nrows {
            for c in 0..ncols {
                let i = r * ncols + c;
                for dr in -1i64..=1 {
                    for dc in -1i64..=1 {
                        if (dr == 0 && dc == 0) || (!queen && dr != 0 && dc != 0) {
                            continue;
                        }
                        let (rr, cc) = (r as i64 + dr, c as i64 + dc);
                        if rr >= 0 && cc >= 0 && (rr as usize) < nrows && (cc as usize) < ncols {
                            rows[i].push(((rr as usize * ncols + cc as usize) as u32, 1.0));
                        }
                    }
                }
            }
        }
        Self::from_rows(rows)
    }

    /// Every pair of points within `threshold` (Euclidean, inclusive) — binary, or inverse
    /// distance d^(−1) when `binary` is false (libpysal `DistanceBand(alpha=-1)`).
    ///
    /// # Errors
    /// Length mismatch, non-finite coordinates, threshold ≤ 0.
    ///
    /// # Examples
    /// ```
    /// let w = saferstats::hotspot::weights::Weights::distance_band(&[0., 10., 40.], &[0., 0., 0.], 15.0, true).unwrap();
    /// assert_eq!((w.cardinality(0), w.cardinality(2)), (1, 0));
    /// ```
    pub fn distance_band(x: &[f64], y: &[f64], threshold: f64, binary: bool) -> Result<Self> {
        crate::ci::check_lengths(&[("x", x.len()), ("y", y.len())])?;
        if !(threshold.is_finite() && threshold > 0.0) {
            return Err(Error::argument("threshold", "must be a positive distance"));
        }
        for (name, v) in [("x", x), ("y", y)] {
            if let Some(i) = v.iter().position(|c| !c.is_finite()) {
                return Err(Error::value(name, i, v[i], "coordinates must be finite"));
            }
        }
        let n = x.len();
        let mut bins: std::collections::HashMap<(i64, i64), Vec<u32>> =
            std::collections::HashMap::new();
        for i in 0..n {
            bins.entry((
                (x[i] / threshold).floor() as i64,
                (y[i] / threshold).floor() as i64,
            ))
            .or_default()
            .push(i as u32);
        }
        let rows: Vec<Vec<(u32, f64)>> = (0..n)
            .map(|i| {
                let (bi, bj) = (
                    (x[i] / threshold).floor() as i64,
                    (y[i] / threshold).floor() as i64,
                );
                let mut r = Vec::new();
                for di in -1..=1 {
                    for dj in -1..=1 {
                        for &j in bins
                            .get(&(bi + di, bj + dj))
                            .map(|v| v.as_slice())
                            .unwrap_or(&[])
                        {
                            let j = j as usize;
                            if j == i {
                                continue;
                            }
                            let d = ((x[i] - x[j]).powi(2) + (y[i] - y[j]).powi(2)).sqrt();
                            if d <= threshold {
                                r.push((j as u32, if binary { 1.0 } else { 1.0 / d }));
                            }
                        }
                    }
                }
                r
            })
            .collect();
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

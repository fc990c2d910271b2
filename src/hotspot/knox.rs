//! The Knox space–time test and near-repeat table (docs/methods/hotspots.md C8).
//!
//! All pairs of events are classified by distance band × time band (bands are left-closed,
//! [a, b); a last edge of +∞ gives an open "and beyond" band). Under the null, event times are
//! permuted over locations; each cell's Knox ratio is observed / mean of the permuted counts and
//! its p-value (#{sim ≥ obs} + 1)/(B + 1). Interval labels are exactly the band edges (no Near
//! Repeat Calculator off-by-one). Only pairs closer than the last finite distance edge are
//! enumerated (grid index); the open distance band is obtained from the all-pair time-band counts,
//! which no permutation changes.

use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};

use super::cancel::Cancel;
use super::index::CellBins;

choice! {
    /// Distance metric for Knox pairs.
    #[derive(Default)]
    pub enum Metric("metric", "metric") {
        /// Straight-line distance (default).
        #[default]
        Euclidean = "euclidean",
        /// City-block distance |Δx| + |Δy| (Near Repeat Calculator's default).
        Manhattan = "manhattan",
    }
}

/// A Knox near-repeat table, row-major by distance band then time band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KnoxTable {
    /// Distance band edges.
    pub distance_edges: Vec<f64>,
    /// Time band edges.
    pub time_edges: Vec<f64>,
    /// Observed pair counts.
    pub observed: Vec<f64>,
    /// Mean permuted counts.
    pub expected: Vec<f64>,
    /// observed / expected.
    pub ratio: Vec<f64>,
    /// Monte Carlo p-values.
    pub p_value: Vec<f64>,
    /// Permutations run.
    pub permutations: usize,
}

fn band(edges: &[f64], v: f64) -> Option<usize> {
    // edges ascending; band k is [edges[k], edges[k+1])
    if v < edges[0] {
        return None;
    }
    let k = edges.partition_point(|&e| e <= v);
    (k < edges.len()).then(|| k - 1)
}

fn check_edges(name: &str, e: &[f64]) -> Result<()> {
    if e.len() < 2 {
        return Err(Error::argument(
            name,
            "need at least two band edges, e.g. [0, 100, 200]",
        ));
    }
    if e.iter().any(|v| v.is_nan()) || e[0] < 0.0 || e.windows(2).any(|w| w[1] <= w[0]) {
        return Err(Error::argument(
            name,
            "band edges must be non-negative and strictly increasing",
        ));
    }
    Ok(())
}

/// Most cells (distance bands × time bands) a Knox table may have.
pub const MAX_CELLS: usize = 1_000_000;

/// Close pairs kept in memory (12 bytes each, ~100 MB) to be re-counted under each permutation;
/// beyond this the pairs are enumerated again for every permutation instead (streaming).
const PAIR_BUDGET: usize = 8_000_000;

/// Number of pairs with |Δt| in each time band, over all pairs (sorted two-pointer).
fn all_pairs_time(t: &[f64], time_edges: &[f64], cancel: &Cancel) -> Result<Vec<f64>> {
    let mut s = t.to_vec();
    s.sort_unstable_by(f64::total_cmp);
    let n = s.len() as u64;
    let mut cum = Vec::with_capacity(time_edges.len());
    for &e in time_edges {
        cancel.check()?;
        // pairs with |dt| < e
        let c = if e.is_infinite() {
            n * n.saturating_sub(1) / 2
        } else if e <= 0.0 {
            0
        } else {
            let mut c = 0u64;
            let mut lo = 0usize;
            for hi in 0..s.len() {
                while lo < hi && s[hi] - s[lo] >= e {
                    lo += 1;
                }
                c += (hi - lo) as u64;
            }
            c
        };
        cum.push(c as f64);
    }
    Ok(cum.windows(2).map(|w| w[1] - w[0]).collect())
}

/// The pairs closer than the last finite distance edge: a grid of cells of that size.
struct ClosePairs<'a> {
    x: &'a [f64],
    y: &'a [f64],
    finite_bands: usize,
    distance_edges: &'a [f64],
    metric: Metric,
    bins: CellBins,
}

impl<'a> ClosePairs<'a> {
    fn new(
        (x, y): (&'a [f64], &'a [f64]),
        dmax: f64,
        finite_bands: usize,
        distance_edges: &'a [f64],
        metric: Metric,
    ) -> Self {
        ClosePairs {
            x,
            y,
            finite_bands,
            distance_edges,
            metric,
            bins: CellBins::new(x, y, dmax),
        }
    }

    /// Call `f(j, distance band)` for every j > i closer than the last finite edge.
    fn for_pairs_of(&self, i: usize, mut f: impl FnMut(usize, usize)) {
        let (x, y) = (self.x, self.y);
        self.bins.for_candidates(x[i], y[i], |j| {
            if j <= i {
                return;
            }
            let d = match self.metric {
                Metric::Euclidean => (x[i] - x[j]).hypot(y[i] - y[j]),
                Metric::Manhattan => (x[i] - x[j]).abs() + (y[i] - y[j]).abs(),
            };
            if let Some(db) = band(self.distance_edges, d)
                && db < self.finite_bands
            {
                f(j, db);
            }
        });
    }

    /// The close pairs as (i, j, band) when there are at most `budget` of them.
    fn collect(&self, budget: usize, cancel: &Cancel) -> Option<Vec<(u32, u32, u32)>> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let seen = AtomicUsize::new(0);
        let n = self.x.len();
        let parts: Vec<Option<Vec<(u32, u32, u32)>>> = (0..n)
            .into_par_iter()
            .with_min_len(256)
            .map(|i| {
                if cancel.is_cancelled() || seen.load(Ordering::Relaxed) > budget {
                    return None;
                }
                let mut out = Vec::new();
                self.for_pairs_of(i, |j, db| out.push((i as u32, j as u32, db as u32)));
                seen.fetch_add(out.len(), Ordering::Relaxed);
                Some(out)
            })
            .collect();
        if seen.load(Ordering::Relaxed) > budget {
            return None;
        }
        let mut pairs = Vec::with_capacity(seen.load(Ordering::Relaxed));
        for p in parts {
            pairs.extend(p?);
        }
        Some(pairs)
    }

    /// Count close pairs per (distance band, time band) for times `t` by enumerating them again
    /// (parallel over events; memory: one table per thread).
    fn count_streaming(
        &self,
        t: &[f64],
        time_edges: &[f64],
        nt: usize,
        cells: usize,
        cancel: &Cancel,
    ) -> Vec<f64> {
        (0..self.x.len())
            .into_par_iter()
            .with_min_len(256)
            .fold(
                || vec![0.0; cells],
                |mut acc, i| {
                    if !cancel.is_cancelled() {
                        self.for_pairs_of(i, |j, db| {
                            if let Some(tb) = band(time_edges, (t[i] - t[j]).abs()) {
                                acc[db * nt + tb] += 1.0;
                            }
                        });
                    }
                    acc
                },
            )
            .reduce(
                || vec![0.0; cells],
                |mut a, b| {
                    a.iter_mut().zip(&b).for_each(|(u, v)| *u += v);
                    a
                },
            )
    }
}

/// Count stored pairs per (distance band, time band) for times `t`.
fn count(pairs: &[(u32, u32, u32)], t: &[f64], time_edges: &[f64], nt: usize, out: &mut [f64]) {
    out.fill(0.0);
    for &(i, j, db) in pairs {
        if let Some(tb) = band(time_edges, (t[i as usize] - t[j as usize]).abs()) {
            out[db as usize * nt + tb] += 1.0;
        }
    }
}

uninterruptible! {
    /// Knox test / near-repeat table.
    ///
    /// Memory is O(n + cells): close pairs are kept (up to ~8 million) to be re-counted under each
    /// permutation, or enumerated again per permutation beyond that; permuted tables are accumulated
    /// (sum and exceedance count per cell), never stored.
    ///
    /// # Errors
    /// Length mismatch, non-finite coordinates or times (naming the row), band edges not strictly
    /// increasing from ≥ 0, fewer than 2 events, more than [`MAX_CELLS`] cells.
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::knox::{knox, Metric};
    /// // docs/methods/hotspots.md C8: close = d < 200 and |dt| < 8 (i.e. <= 7 days): 3 pairs
    /// let x = [0., 0., 50., 400., 410., 0.];
    /// let y = [0., 100., 50., 400., 400., 20.];
    /// let t = [0., 3., 1., 2., 30., 40.];
    /// let k = knox(&x, &y, &t, &[0., 200., f64::INFINITY], &[0., 8., f64::INFINITY], 99, 1, Metric::Euclidean).unwrap();
    /// assert_eq!(k.observed, [3., 4., 3., 5.]);
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn knox(x: &[f64], y: &[f64], t: &[f64], distance_edges: &[f64], time_edges: &[f64], permutations: usize, seed: u64, metric: Metric) -> Result<KnoxTable> = knox_with;
}

/// [`knox`] that stops with [`Error::Interrupted`] soon after `cancel` is set.
///
/// # Errors
/// As [`knox`]; [`Error::Interrupted`] when cancelled.
#[allow(clippy::too_many_arguments)]
pub fn knox_with(
    x: &[f64],
    y: &[f64],
    t: &[f64],
    distance_edges: &[f64],
    time_edges: &[f64],
    permutations: usize,
    seed: u64,
    metric: Metric,
    cancel: &Cancel,
) -> Result<KnoxTable> {
    crate::ci::check_lengths(&[("x", x.len()), ("y", y.len()), ("t", t.len())])?;
    for (name, v) in [("x", x), ("y", y), ("t", t)] {
        if let Some(i) = v.iter().position(|c| !c.is_finite()) {
            return Err(Error::value(name, i, v[i], "must be a finite number"));
        }
    }
    check_edges("distance_bands", distance_edges)?;
    check_edges("time_bands", time_edges)?;
    let n = x.len();
    if n < 2 {
        return Err(Error::argument(
            "x",
            "the Knox test needs at least 2 events",
        ));
    }
    if n >= u32::MAX as usize {
        return Err(Error::argument(
            "x",
            format!("{n} events: at most {} are supported", u32::MAX - 1),
        ));
    }
    let nd = distance_edges.len() - 1;
    let nt = time_edges.len() - 1;
    let cells = nd as u128 * nt as u128;
    if cells > MAX_CELLS as u128 {
        return Err(Error::argument(
            "distance_bands",
            format!(
                "{nd} distance bands × {nt} time bands = {cells} cells: at most {MAX_CELLS} are supported"
            ),
        ));
    }
    let cells = cells as usize;
    let open = distance_edges[nd].is_infinite();
    let dmax = if open {
        distance_edges[nd - 1]
    } else {
        distance_edges[nd]
    };
    let finite_bands = if open { nd - 1 } else { nd };
    let close = (finite_bands > 0 && dmax > 0.0)
        .then(|| ClosePairs::new((x, y), dmax, finite_bands, distance_edges, metric));
    let stored = close.as_ref().and_then(|c| c.collect(PAIR_BUDGET, cancel));
    cancel.check()?;
    let table = |times: &[f64]| -> Vec<f64> {
        match (&stored, &close) {
            (Some(pairs), _) => {
                let mut c = vec![0.0; cells];
                count(pairs, times, time_edges, nt, &mut c);
                c
            }
            (None, Some(cp)) => cp.count_streaming(times, time_edges, nt, cells, cancel),
            (None, None) => vec![0.0; cells],
        }
    };
    let all_time = all_pairs_time(t, time_edges, cancel)?;
    let finish = |cells: &mut Vec<f64>| {
        if open {
            for tb in 0..nt {
                let closer: f64 = (0..finite_bands).map(|db| cells[db * nt + tb]).sum();
                cells[finite_bands * nt + tb] = all_time[tb] - closer;
            }
        }
    };
    let mut observed = table(t);
    finish(&mut observed);
    cancel.check()?;
    let permuted = |b: usize| -> Vec<f64> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(
            seed ^ (b as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let mut tp = t.to_vec();
        tp.shuffle(&mut rng);
        let mut c = table(&tp);
        finish(&mut c);
        c
    };
    // accumulate per cell: the sum of permuted counts and how many reach the observed count
    let add = |(mut sum, mut ge): (Vec<f64>, Vec<u64>), c: &[f64]| {
        for k in 0..cells {
            sum[k] += c[k];
            ge[k] += u64::from(c[k] >= observed[k]);
        }
        (sum, ge)
    };
    let zero = || (vec![0.0; cells], vec![0u64; cells]);
    let (sum, ge) = if stored.is_some() || close.is_none() {
        (0..permutations)
            .into_par_iter()
            .fold(zero, |acc, b| {
                if cancel.is_cancelled() {
                    return acc;
                }
                add(acc, &permuted(b))
            })
            .reduce(zero, |a, b| {
                let (mut s, mut g) = a;
                s.iter_mut().zip(&b.0).for_each(|(u, v)| *u += v);
                g.iter_mut().zip(&b.1).for_each(|(u, v)| *u += v);
                (s, g)
            })
    } else {
        // streaming: one permutation at a time, each counted in parallel
        let mut acc = zero();
        for b in 0..permutations {
            cancel.check()?;
            acc = add(acc, &permuted(b));
        }
        acc
    };
    cancel.check()?;
    let mut expected = vec![f64::NAN; cells];
    let mut p_value = vec![f64::NAN; cells];
    if permutations > 0 {
        for k in 0..cells {
            expected[k] = sum[k] / permutations as f64;
            p_value[k] = (ge[k] as f64 + 1.0) / (permutations as f64 + 1.0);
        }
    }
    let ratio = observed.iter().zip(&expected).map(|(o, e)| o / e).collect();
    Ok(KnoxTable {
        distance_edges: distance_edges.to_vec(),
        time_edges: time_edges.to_vec(),
        observed,
        expected,
        ratio,
        p_value,
        permutations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::NEVER;

    /// The streaming count (pairs enumerated again) equals the count over stored pairs.
    #[test]
    fn streaming_counts_equal_stored_counts() {
        let mut u = crate::hotspot::index::lcg(3);
        let n = 3000;
        let x: Vec<f64> = (0..n).map(|_| 2000.0 * u()).collect();
        let y: Vec<f64> = (0..n).map(|_| 2000.0 * u()).collect();
        let t: Vec<f64> = (0..n).map(|_| (100.0 * u()).floor()).collect();
        let de = [0.0, 50.0, 120.0, 300.0];
        let te = [0.0, 3.0, 10.0, 30.0, f64::INFINITY];
        let cp = ClosePairs::new((&x, &y), 300.0, 3, &de, Metric::Euclidean);
        let pairs = cp.collect(usize::MAX, &NEVER).unwrap();
        assert!(cp.collect(10, &NEVER).is_none(), "over budget: not stored");
        let mut stored = vec![0.0; 12];
        count(&pairs, &t, &te, 4, &mut stored);
        assert_eq!(cp.count_streaming(&t, &te, 4, 12, &NEVER), stored);
        assert!(stored.iter().sum::<f64>() > 1000.0);
    }
}

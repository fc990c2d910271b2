//! The Knox space–time test and near-repeat table (METHODS.md C8).
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

/// Distance metric for Knox pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Metric {
    /// Straight-line distance (default).
    #[default]
    Euclidean,
    /// City-block distance |Δx| + |Δy| (Near Repeat Calculator's default).
    Manhattan,
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

/// Count pairs per (distance band, time band) for times `t`.
fn count(pairs: &[(u32, u32, u16)], t: &[f64], time_edges: &[f64], nt: usize, out: &mut [f64]) {
    out.fill(0.0);
    for &(i, j, db) in pairs {
        if let Some(tb) = band(time_edges, (t[i as usize] - t[j as usize]).abs()) {
            out[db as usize * nt + tb] += 1.0;
        }
    }
}

/// Number of pairs with |Δt| in each time band, over all pairs (sorted two-pointer).
fn all_pairs_time(t: &[f64], time_edges: &[f64]) -> Vec<f64> {
    let mut s = t.to_vec();
    s.sort_unstable_by(f64::total_cmp);
    // pairs with |dt| < e, for each edge
    let below = |e: f64| -> f64 {
        if e <= 0.0 {
            return 0.0;
        }
        let mut c = 0u64;
        let mut lo = 0usize;
        for hi in 0..s.len() {
            while lo < hi && s[hi] - s[lo] >= e {
                lo += 1;
            }
            c += (hi - lo) as u64;
        }
        c as f64
    };
    let cum: Vec<f64> = time_edges
        .iter()
        .map(|&e| {
            if e.is_infinite() {
                (s.len() * s.len().saturating_sub(1) / 2) as f64
            } else {
                below(e)
            }
        })
        .collect();
    cum.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Knox test / near-repeat table.
///
/// # Errors
/// Length mismatch, non-finite coordinates or times (naming the row), band edges not strictly
/// increasing from ≥ 0, fewer than 2 events.
///
/// # Examples
/// ```
/// use saferstats::hotspot::knox::{knox, Metric};
/// // METHODS.md C8: close = d < 200 and |dt| < 8 (i.e. <= 7 days): 3 pairs
/// let x = [0., 0., 50., 400., 410., 0.];
/// let y = [0., 100., 50., 400., 400., 20.];
/// let t = [0., 3., 1., 2., 30., 40.];
/// let k = knox(&x, &y, &t, &[0., 200., f64::INFINITY], &[0., 8., f64::INFINITY], 99, 1, Metric::Euclidean).unwrap();
/// assert_eq!(k.observed, [3., 4., 3., 5.]);
/// ```
#[allow(clippy::too_many_arguments)]
pub fn knox(
    x: &[f64],
    y: &[f64],
    t: &[f64],
    distance_edges: &[f64],
    time_edges: &[f64],
    permutations: usize,
    seed: u64,
    metric: Metric,
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
    let nd = distance_edges.len() - 1;
    let nt = time_edges.len() - 1;
    let open = distance_edges[nd].is_infinite();
    let dmax = if open {
        distance_edges[nd - 1]
    } else {
        distance_edges[nd]
    };
    let finite_bands = if open { nd - 1 } else { nd };
    // close pairs (distance < dmax) via a grid of dmax cells
    let mut pairs: Vec<(u32, u32, u16)> = Vec::new();
    if finite_bands > 0 && dmax > 0.0 {
        let key = |i: usize| ((x[i] / dmax).floor() as i64, (y[i] / dmax).floor() as i64);
        let mut bins: std::collections::HashMap<(i64, i64), Vec<u32>> =
            std::collections::HashMap::new();
        for i in 0..n {
            bins.entry(key(i)).or_default().push(i as u32);
        }
        pairs = (0..n)
            .into_par_iter()
            .flat_map_iter(|i| {
                let (bi, bj) = key(i);
                let mut out = Vec::new();
                for di in -1..=1 {
                    for dj in -1..=1 {
                        for &j in bins
                            .get(&(bi + di, bj + dj))
                            .map(|v| v.as_slice())
                            .unwrap_or(&[])
                        {
                            let j = j as usize;
                            if j <= i {
                                continue;
                            }
                            let d = match metric {
                                Metric::Euclidean => {
                                    ((x[i] - x[j]).powi(2) + (y[i] - y[j]).powi(2)).sqrt()
                                }
                                Metric::Manhattan => (x[i] - x[j]).abs() + (y[i] - y[j]).abs(),
                            };
                            if let Some(db) = band(distance_edges, d) {
                                if db < finite_bands {
                                    out.push((i as u32, j as u32, db as u16));
                                }
                            }
                        }
                    }
                }
                out.into_iter()
            })
            .collect();
    }
    let all_time = all_pairs_time(t, time_edges);
    let finish = |cells: &mut Vec<f64>| {
        if open {
            for tb in 0..nt {
                let closer: f64 = (0..finite_bands).map(|db| cells[db * nt + tb]).sum();
                cells[finite_bands * nt + tb] = all_time[tb] - closer;
            }
        }
    };
    let mut observed = vec![0.0; nd * nt];
    count(&pairs, t, time_edges, nt, &mut observed);
    finish(&mut observed);
    let sims: Vec<Vec<f64>> = (0..permutations)
        .into_par_iter()
        .map(|b| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(
                seed ^ (b as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let mut tp = t.to_vec();
            tp.shuffle(&mut rng);
            let mut c = vec![0.0; nd * nt];
            count(&pairs, &tp, time_edges, nt, &mut c);
            finish(&mut c);
            c
        })
        .collect();
    let cells = nd * nt;
    let mut expected = vec![f64::NAN; cells];
    let mut p_value = vec![f64::NAN; cells];
    if permutations > 0 {
        for k in 0..cells {
            let mean = sims.iter().map(|s| s[k]).sum::<f64>() / permutations as f64;
            let ge = sims.iter().filter(|s| s[k] >= observed[k]).count();
            expected[k] = mean;
            p_value[k] = (ge as f64 + 1.0) / (permutations as f64 + 1.0);
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

//! Nearest-neighbour hierarchical clustering (CrimeStat NNH, docs/methods/hotspots.md C3), for comparison
//! with existing practice.
//!
//! Order 1: points closer than the threshold distance are linked, and the linked groups (single
//! linkage: connected components of the "closer than the threshold" graph) with at least
//! `min_points` points are first-order clusters. Order k + 1 repeats this on the mean centres of
//! the order-k clusters, with the threshold recomputed for their number (random threshold) or the
//! same fixed distance, and the same minimum; it stops when fewer than two clusters remain or
//! none form. The random threshold is CrimeStat's r̄_rand − t_p·SE from the study area
//! ([`nnh_threshold`]), so results depend strongly on the area given.
//!
//! CrimeStat itself is closed source; this follows its manual's description (Levine, CrimeStat
//! IV ch. 7). Order-1 clusters equal single-linkage clusters cut at the threshold
//! (`scipy.cluster.hierarchy.fcluster(..., criterion="distance")`) restricted to groups of at
//! least `min_points`, which the tests check against scipy.

use std::collections::HashMap;

use serde::Serialize;

use super::cancel::Cancel;
use super::index::{CellBins, UnionFind};
use super::nni::nnh_threshold;
use crate::error::{Error, Result};

/// How the linking distance is chosen at each order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NnhDistance {
    /// CrimeStat's random nearest-neighbour threshold for the study `area` (units of x, y
    /// squared) and one-tailed probability `p`, recomputed at every order for its number of points.
    Random {
        /// Study area.
        area: f64,
        /// Probability (CrimeStat's slider; 0.5 gives the mean random nearest-neighbour distance).
        p: f64,
    },
    /// A fixed distance at every order.
    Fixed(f64),
}

/// One NNH cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NnhCluster {
    /// Order (1 = clusters of points, 2 = clusters of first-order clusters, ...).
    pub order: usize,
    /// Cluster number within its order (0-based, in order of each cluster's lowest member).
    pub id: usize,
    /// Members at this order (points for order 1, lower-order clusters above).
    pub members: usize,
    /// Original points inside (through the lower orders).
    pub n_points: usize,
    /// Mean centre of the members (CrimeStat: of the points, or of the lower-order centres).
    pub x: f64,
    /// Mean centre, y.
    pub y: f64,
    /// Standard distance of the members about the mean centre, √(Σ d²/ n).
    pub std_distance: f64,
}

/// The result of [`nnh`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nnh {
    /// Linking distance used at each order that was run.
    pub thresholds: Vec<f64>,
    /// For each order run, the cluster of every original point at that order (−1: none).
    pub labels: Vec<Vec<i64>>,
    /// All clusters, by order then id.
    pub clusters: Vec<NnhCluster>,
}

/// Connected components of the graph linking points closer than `t` (grid search, exact).
/// Returns a component root per point.
fn components(x: &[f64], y: &[f64], t: f64, cancel: &Cancel) -> Vec<usize> {
    let n = x.len();
    let mut uf = UnionFind::new(n);
    if t.is_nan() || t <= 0.0 || n < 2 {
        return uf.parent;
    }
    let bins = CellBins::new(x, y, t);
    let t2 = t * t;
    for i in 0..n {
        if cancel.is_cancelled() {
            return uf.parent;
        }
        bins.for_candidates(x[i], y[i], |j| {
            if j > i {
                let d2 = (x[i] - x[j]).powi(2) + (y[i] - y[j]).powi(2);
                // squares overflow for coordinates beyond ~1e154: compare distances
                let close = if d2.is_finite() && t2.is_finite() {
                    d2 < t2
                } else {
                    (x[i] - x[j]).hypot(y[i] - y[j]) < t
                };
                if close {
                    uf.link_lower(i, j);
                }
            }
        });
    }
    uf.roots()
}

uninterruptible! {
    /// Nearest-neighbour hierarchical clustering of projected points (metres, e.g. British
    /// National Grid), up to `max_order` orders.
    ///
    /// # Errors
    /// Length mismatch, non-finite coordinates (the error names the row), `min_points` < 2,
    /// `max_order` < 1, a non-positive fixed distance, or an invalid area / probability.
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::nnh::{nnh, NnhDistance};
    /// // two tight groups of three points 100 m apart, and a lone point; fixed 10 m linking distance
    /// let x = [0., 5., 9., 100., 104., 108., 500.];
    /// let y = [0., 3., 0., 0., 2., 0., 500.];
    /// let r = nnh(&x, &y, NnhDistance::Fixed(10.0), 3, 2).unwrap();
    /// assert_eq!(r.labels[0], vec![0, 0, 0, 1, 1, 1, -1]);
    /// assert_eq!(r.clusters.len(), 2); // no second-order cluster: the centres are 100 m apart
    /// assert!((r.clusters[1].x - 104.0).abs() < 1e-12);
    /// ```
    pub fn nnh(x: &[f64], y: &[f64], distance: NnhDistance, min_points: usize, max_order: usize) -> Result<Nnh> = nnh_with;
}

/// [`nnh`] that stops with [`Error::Interrupted`] soon after `cancel` is set.
///
/// # Errors
/// As [`nnh`]; [`Error::Interrupted`] when cancelled.
pub fn nnh_with(
    x: &[f64],
    y: &[f64],
    distance: NnhDistance,
    min_points: usize,
    max_order: usize,
    cancel: &Cancel,
) -> Result<Nnh> {
    super::index::check_planar(x, y, None)?;
    if min_points < 2 {
        return Err(Error::argument(
            "min_points",
            "a cluster needs at least 2 points",
        ));
    }
    if max_order < 1 {
        return Err(Error::argument("max_order", "max_order must be at least 1"));
    }
    match distance {
        NnhDistance::Fixed(d) if !(d.is_finite() && d > 0.0) => {
            return Err(Error::argument(
                "threshold",
                "the fixed linking distance must be a positive number",
            ))
        }
        NnhDistance::Random { area, p } => {
            nnh_threshold(2, area, p)?;
        }
        NnhDistance::Fixed(_) => {}
    }
    let n = x.len();
    let mut out = Nnh {
        thresholds: Vec::new(),
        labels: Vec::new(),
        clusters: Vec::new(),
    };
    // current inputs: coordinates, and the original points each stands for (through `owner`)
    let (mut cx, mut cy) = (x.to_vec(), y.to_vec());
    let mut owner: Vec<i64> = (0..n as i64).collect(); // original point -> current input
    let mut weight: Vec<usize> = vec![1; n];
    for order in 1..=max_order {
        let m = cx.len();
        if m < 2 {
            break;
        }
        let t = match distance {
            NnhDistance::Fixed(d) => d,
            NnhDistance::Random { area, p } => nnh_threshold(m, area, p)?,
        };
        out.thresholds.push(t);
        let root = components(&cx, &cy, t, cancel);
        cancel.check()?;
        let mut size: HashMap<usize, usize> = HashMap::new();
        for &r in &root {
            *size.entry(r).or_default() += 1;
        }
        // number qualifying components in order of their lowest member (the root is the lowest)
        let mut id_of: HashMap<usize, usize> = HashMap::new();
        for (i, &r) in root.iter().enumerate() {
            if r == i && size[&r] >= min_points {
                let k = id_of.len();
                id_of.insert(r, k);
            }
        }
        let k = id_of.len();
        let mut members = vec![0usize; k];
        let mut pts = vec![0usize; k];
        let (mut sx, mut sy) = (vec![0.0; k], vec![0.0; k]);
        let input_label: Vec<i64> = root
            .iter()
            .enumerate()
            .map(|(i, r)| match id_of.get(r) {
                Some(&c) => {
                    members[c] += 1;
                    pts[c] += weight[i];
                    sx[c] += cx[i];
                    sy[c] += cy[i];
                    c as i64
                }
                None => -1,
            })
            .collect();
        let mx: Vec<f64> = (0..k).map(|c| sx[c] / members[c] as f64).collect();
        let my: Vec<f64> = (0..k).map(|c| sy[c] / members[c] as f64).collect();
        let mut ss = vec![0.0; k];
        for (i, &c) in input_label.iter().enumerate() {
            if c >= 0 {
                let c = c as usize;
                ss[c] += (cx[i] - mx[c]).powi(2) + (cy[i] - my[c]).powi(2);
            }
        }
        for c in 0..k {
            out.clusters.push(NnhCluster {
                order,
                id: c,
                members: members[c],
                n_points: pts[c],
                x: mx[c],
                y: my[c],
                std_distance: (ss[c] / members[c] as f64).sqrt(),
            });
        }
        for o in &mut owner {
            if *o >= 0 {
                *o = input_label[*o as usize];
            }
        }
        out.labels.push(owner.clone());
        if k == 0 {
            break;
        }
        cx = mx;
        cy = my;
        weight = pts;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::NEVER;

    /// O(n²) union of all close pairs: the definition, to check the grid search against.
    fn brute(x: &[f64], y: &[f64], t: f64) -> Vec<usize> {
        let n = x.len();
        let mut lab: Vec<usize> = (0..n).collect();
        loop {
            let mut changed = false;
            for i in 0..n {
                for j in 0..n {
                    if ((x[i] - x[j]).powi(2) + (y[i] - y[j]).powi(2)).sqrt() < t && lab[j] > lab[i]
                    {
                        lab[j] = lab[i];
                        changed = true;
                    }
                }
            }
            if !changed {
                return lab;
            }
        }
    }

    #[test]
    fn grid_components_equal_the_brute_force_definition() {
        let mut next = crate::hotspot::index::uniform(7);
        for t in [0.5, 3.0, 11.0, 40.0] {
            let x: Vec<f64> = (0..300).map(|_| next() * 100.0 - 50.0).collect();
            let y: Vec<f64> = (0..300).map(|_| next() * 100.0).collect();
            assert_eq!(components(&x, &y, t, &NEVER), brute(&x, &y, t), "t = {t}");
        }
    }
}

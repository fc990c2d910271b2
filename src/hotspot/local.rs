//! Local indicators of spatial association with conditional-permutation inference:
//! Getis–Ord Gi* and Local Moran's I, matching esda (`G_Local(star=True)`, `Moran_Local`) for the
//! same weights transform (docs/methods/hotspots.md C5, C6).

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::special::norm_sf;

use super::cancel::Cancel;
use super::weights::Weights;

/// The arguments every statistic of values on [`Weights`] takes (the local and the global ones),
/// after the dispatcher made by [`on_weights!`] has checked the values against the weights.
#[derive(Clone, Copy)]
pub(crate) struct OnWeights<'a> {
    pub(crate) values: &'a [f64],
    pub(crate) w: &'a Weights,
    pub(crate) transform: Transform,
    pub(crate) permutations: usize,
    pub(crate) seed: u64,
    pub(crate) cancel: &'a Cancel,
}

/// `on_weights! { /// doc  pub fn name(Choice) -> R = body, at least N units of "what";  pub fn
/// x_with = Choice::X, as x; … }` defines the dispatcher of a family of statistics of values on
/// [`Weights`]: `name(statistic: Choice, values: &[f64], w: &Weights, transform: Transform,
/// permutations: usize, seed: u64, cancel: &Cancel) -> Result<R>`, which checks the values against
/// the weights (at least N units) and runs `body(statistic, OnWeights { … })`; and each choice's
/// interruptible entry point `x_with(values, w, transform, permutations, seed, cancel)`,
/// documented after `x`.
macro_rules! on_weights {
    (
        $(#[$meta:meta])*
        pub fn $name:ident($choice:ty) -> $ret:ty = $body:ident, at least $min:literal units of $what:literal;
        $(pub fn $variant:ident = $which:expr_2021, as $plain:ident;)+
    ) => {
        $(#[$meta])*
        pub fn $name(
            statistic: $choice,
            values: &[f64],
            w: &$crate::hotspot::weights::Weights,
            transform: $crate::hotspot::local::Transform,
            permutations: usize,
            seed: u64,
            cancel: &$crate::cancel::Cancel,
        ) -> $crate::error::Result<$ret> {
            w.check_values(values, $min, $what)?;
            let args = $crate::hotspot::local::OnWeights { values, w, transform, permutations, seed, cancel };
            $body(statistic, args)
        }
        $(
            with_choice! {
                #[doc = concat!("[`", stringify!($plain), "`] that stops with [`Error::Interrupted`] soon after `cancel` is set.")]
                ///
                /// # Errors
                #[doc = concat!("As [`", stringify!($plain), "`]; [`Error::Interrupted`] when cancelled.")]
                pub fn $variant(
                    values: &[f64],
                    w: &$crate::hotspot::weights::Weights,
                    transform: $crate::hotspot::local::Transform,
                    permutations: usize,
                    seed: u64,
                    cancel: &$crate::cancel::Cancel
                ) -> $crate::error::Result<$ret> = $name($which);
            }
        )+
    };
}
pub(crate) use on_weights;

choice! {
    /// Weights transform.
    pub enum Transform("transform", "transform") {
        /// Binary: every neighbour weight 1 ('B').
        Binary = "B" | "b" | "binary",
        /// Row-standardised: weights of a row sum to 1 ('R').
        Row = "R" | "r" | "row",
    }
}

choice! {
    /// Which local statistic [`local_statistic_with`] computes (an unknown name is an error,
    /// never a silent default).
    pub enum Statistic("statistic", "statistic") {
        /// Getis–Ord Gi* ([`gi_star`]).
        GiStar = "gi_star" | "gi*",
        /// Local Moran's Iᵢ ([`local_moran`]).
        Moran = "moran" | "local_moran",
    }
}

/// Local statistics for every unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalResult {
    /// The statistic (Gi* or Iᵢ).
    pub stat: Vec<f64>,
    /// Analytic z (Gi*: esda `Zs`; Moran: total-randomisation z from esda `EI`/`VI`).
    pub z: Vec<f64>,
    /// Expected value under the null (analytic).
    pub expected: Vec<f64>,
    /// Variance under the null (analytic).
    pub variance: Vec<f64>,
    /// One-sided normal p of |z| (esda `p_norm`).
    pub p_norm: Vec<f64>,
    /// Folded one-sided pseudo p from conditional permutations (esda `p_sim`); NaN without.
    pub p_sim: Vec<f64>,
    /// Moran only: quadrant 1 HH, 2 LH, 3 LL, 4 HL (esda `q`); 0 for Gi*.
    pub quadrant: Vec<u8>,
}

/// Unit i's neighbours with their weights after the transform, and its self weight (Gi*).
struct Neighbourhood<'a> {
    /// The weight of the unit itself (0 unless `star`).
    self_weight: f64,
    /// The neighbours' indices.
    neighbours: &'a [u32],
    /// Their weights after the transform.
    weights: Vec<f64>,
}

impl<'a> Neighbourhood<'a> {
    /// Unit i of `w` after `transform`; `star` includes the unit itself (see [`row_weights`]).
    fn new(w: &'a Weights, i: usize, transform: Transform, star: bool) -> Self {
        let (neighbours, _) = w.row(i);
        let (self_weight, weights) = row_weights(w, i, transform, star);
        Neighbourhood {
            self_weight,
            neighbours,
            weights,
        }
    }

    /// Σⱼ wᵢⱼ xⱼ over the neighbours (the spatial lag of x without the unit itself).
    fn lag(&self, x: &[f64]) -> f64 {
        self.neighbours
            .iter()
            .zip(&self.weights)
            .map(|(&j, wt)| wt * x[j as usize])
            .sum()
    }

    /// Σₖ wₖ drawₖ: the lag of one conditional permutation's neighbour values.
    fn drawn_lag(&self, draw: &[f64]) -> f64 {
        draw.iter().zip(&self.weights).map(|(d, wt)| d * wt).sum()
    }
}

/// Per-unit weights after the transform: (self weight, neighbour weights).
fn row_weights(w: &Weights, i: usize, transform: Transform, star: bool) -> (f64, Vec<f64>) {
    let (_, ws) = w.row(i);
    let base: Vec<f64> = match transform {
        Transform::Binary => vec![1.0; ws.len()],
        Transform::Row => ws.to_vec(),
    };
    let self_w = if star {
        match transform {
            Transform::Binary => 1.0,
            // esda: self weight = the row maximum, then row-standardise including the diagonal
            Transform::Row => base
                .iter()
                .copied()
                .fold(0.0, f64::max)
                .max(if base.is_empty() { 1.0 } else { 0.0 }),
        }
    } else {
        0.0
    };
    match transform {
        Transform::Binary => (self_w, base),
        Transform::Row => {
            let total: f64 = base.iter().sum::<f64>() + self_w;
            if total > 0.0 {
                (self_w / total, base.iter().map(|v| v / total).collect())
            } else {
                (self_w, base)
            }
        }
    }
}

/// Most neighbour draws (permutations × largest neighbour count) held for the permutation test
/// (4 bytes each).
pub const MAX_DRAWS: usize = 250_000_000;

/// Random neighbour draws shared by every unit, as esda does (`vec_permutations`): row b holds
/// `k_max` distinct indices in 0..n−1 (uniform, without replacement). Unit i uses the first kᵢ
/// of each row, shifting indices ≥ i up by one so that i itself is never drawn — each unit's draws
/// are then uniform over the other n − 1 units. Seeded, so results do not depend on threads.
struct PermutedIds {
    k_max: usize,
    ids: Vec<u32>,
}

impl PermutedIds {
    fn new(n: usize, k_max: usize, perms: usize, seed: u64) -> Result<Self> {
        let k_max = k_max.min(n - 1);
        if perms as u128 * k_max as u128 > MAX_DRAWS as u128 {
            return Err(Error::argument(
                "permutations",
                format!(
                    "{perms} permutations × {k_max} neighbours = {} draws: at most {MAX_DRAWS} \
                     are supported (about {:.1} GB); use fewer permutations",
                    perms as u128 * k_max as u128,
                    perms as f64 * k_max as f64 * 4.0 / 1e9
                ),
            ));
        }
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut ids = Vec::with_capacity(perms * k_max);
        let mut pool: Vec<u32> = Vec::new();
        for _ in 0..perms {
            if 4 * k_max <= n {
                let start = ids.len();
                while ids.len() - start < k_max {
                    let r = rng.random_range(0..(n - 1) as u32);
                    if !ids[start..].contains(&r) {
                        ids.push(r);
                    }
                }
            } else {
                if pool.is_empty() {
                    pool = (0..(n - 1) as u32).collect();
                }
                for s in 0..k_max {
                    let r = rng.random_range(s..pool.len());
                    pool.swap(s, r);
                }
                ids.extend_from_slice(&pool[..k_max]);
            }
        }
        Ok(PermutedIds { k_max, ids })
    }

    /// Folded one-sided pseudo p for unit i with k neighbours (larger = #(sim ≥ obs), as esda).
    fn p_sim<F: Fn(&[f64]) -> f64>(
        &self,
        values: &[f64],
        i: usize,
        k: usize,
        obs: f64,
        stat: F,
    ) -> f64 {
        let k = k.min(self.k_max);
        let perms = self.ids.len().checked_div(self.k_max).unwrap_or(0);
        if perms == 0 {
            return f64::NAN;
        }
        let mut draw = vec![0.0; k];
        let mut larger = 0usize;
        for row in self.ids.chunks_exact(self.k_max) {
            for (slot, &r) in draw.iter_mut().zip(&row[..k]) {
                let r = r as usize;
                *slot = values[if r >= i { r + 1 } else { r }];
            }
            // ties count as "at least as large" whatever the rounding of the two sums
            if stat(&draw) >= obs - 1e-12 * obs.abs() {
                larger += 1;
            }
        }
        if perms - larger < larger {
            larger = perms - larger;
        }
        (larger as f64 + 1.0) / (perms as f64 + 1.0)
    }
}

uninterruptible! {
    /// Getis–Ord Gi* for every unit (the unit itself included in its neighbourhood).
    ///
    /// Method (docs/methods/hotspots.md C5; Ord & Getis 1995, spdep `localG`, esda `G_Local(star=True)`):
    /// Gᵢ* = Σⱼ wᵢⱼ yⱼ / Σ y (j includes i, self weight 1 for 'B'; for 'R' the row maximum, then
    /// row-standardised, as esda); E = Wᵢ/N, Var = (N·Σⱼwᵢⱼ² − Wᵢ²)/(N − 1)/N² · s²/ȳ² with s² the
    /// population variance (Wᵢ(N − Wᵢ) for binary weights); z = (G − E)/√Var, so row-standardising
    /// does not change z (as spdep; esda's row-standardised z uses the binary variance);
    /// `p_norm` = sf(|z|). With `permutations` > 0, conditional randomisation (neighbour values drawn
    /// from the other n − 1 units; one seeded set of draws shared by all units, as esda) gives
    /// `p_sim` = (larger + 1)/(permutations + 1), folded. An island has only itself.
    ///
    /// # Errors
    /// Values/weights length mismatch, fewer than 3 units, non-finite values.
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::{local::{gi_star, Transform}, weights::Weights};
    /// let x = [10., 20., 40., 15., 30., 30.];
    /// let y = [10., 10., 10., 20., 20., 30.];
    /// let w = Weights::distance_band(&x, &y, 15.0, true).unwrap();
    /// let g = gi_star(&[2., 3., 3.2, 5., 8., 7.], &w, Transform::Binary, 0, 0).unwrap();
    /// assert!((g.z[5] - 2.024243).abs() < 1e-6); // esda / spdep, docs/methods/hotspots.md C5
    /// let r = gi_star(&[2., 3., 3.2, 5., 8., 7.], &w, Transform::Row, 0, 0).unwrap();
    /// assert!((r.z[5] - 2.024243).abs() < 1e-6); // spdep localG style "W"
    /// ```
    pub fn gi_star(values: &[f64], w: &Weights, transform: Transform, permutations: usize, seed: u64) -> Result<LocalResult> = gi_star_with;
}

/// The Gi* row of unit i (see [`gi_star`]).
fn gi_star_row(args: OnWeights<'_>) -> impl Fn(usize, &PermutedIds) -> LocalRow + Sync + '_ {
    let values = args.values;
    let nf = values.len() as f64;
    let sum: f64 = values.iter().sum();
    let mean = sum / nf;
    let var = values.iter().map(|v| v * v).sum::<f64>() / nf - mean * mean;
    move |i, perm_ids| {
        let nbh = Neighbourhood::new(args.w, i, args.transform, true);
        let sw = nbh.self_weight;
        let lag: f64 = sw * values[i] + nbh.lag(values);
        let g = lag / sum;
        let wi: f64 = sw + nbh.weights.iter().sum::<f64>();
        let s1: f64 = sw * sw + nbh.weights.iter().map(|w| w * w).sum::<f64>();
        let e = wi / nf;
        // Ord & Getis (1995): (N·Σⱼwᵢⱼ² − Wᵢ²); Wᵢ(N − Wᵢ) is its binary case only (esda uses
        // that for every transform, pysal/esda#121, so its row-standardised z is too small)
        let v = (nf * s1 - wi * wi) / (nf - 1.0) / (nf * nf) * var / (mean * mean);
        let z = (g - e) / v.sqrt();
        let p_sim = if args.permutations > 0 {
            perm_ids.p_sim(values, i, nbh.neighbours.len(), g, |draw| {
                (sw * values[i] + nbh.drawn_lag(draw)) / sum
            })
        } else {
            f64::NAN
        };
        (g, z, e, v, p_sim, 0)
    }
}

uninterruptible! {
    /// Local Moran's I for every unit.
    ///
    /// Method (docs/methods/hotspots.md C6; esda `Moran_Local`): with z = (y − ȳ)/sd (population sd),
    /// Iᵢ = (n − 1)·zᵢ·Σⱼ wᵢⱼ zⱼ / Σ z² (spdep scales by n instead). Analytic moments under total
    /// randomisation (Sokal et al. 1998; esda `EI`, `VI`) give `z`; quadrant 1 HH, 2 LH, 3 LL, 4 HL.
    /// Conditional permutations give `p_sim` as for [`gi_star`]. An island has I = 0.
    ///
    /// # Errors
    /// As [`gi_star`].
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::{local::{local_moran, Transform}, weights::Weights};
    /// let x = [10., 20., 40., 15., 30., 30.];
    /// let y = [10., 10., 10., 20., 20., 30.];
    /// let w = Weights::distance_band(&x, &y, 15.0, true).unwrap();
    /// let m = local_moran(&[2., 3., 3.2, 5., 8., 7.], &w, Transform::Row, 0, 0).unwrap();
    /// assert!((m.stat[2] + 0.862369).abs() < 1e-6 && m.quadrant[2] == 2); // esda, docs/methods/hotspots.md C6
    /// ```
    pub fn local_moran(values: &[f64], w: &Weights, transform: Transform, permutations: usize, seed: u64) -> Result<LocalResult> = local_moran_with;
}

on_weights! {
    /// [`gi_star`] or [`local_moran`], chosen by `statistic`, stopping with [`Error::Interrupted`]
    /// soon after `cancel` is set.
    ///
    /// # Errors
    /// As [`gi_star`] / [`local_moran`].
    ///
    /// # Examples
    /// ```
    /// use saferstats::cancel::NEVER;
    /// use saferstats::hotspot::local::{local_statistic_with, Statistic, Transform};
    /// use saferstats::hotspot::weights::Weights;
    /// let w = Weights::lattice(3, 3, false).unwrap();
    /// let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
    /// let s: Statistic = "moran".parse().unwrap();
    /// let r = local_statistic_with(s, &v, &w, Transform::Row, 0, 1, &NEVER).unwrap();
    /// assert_eq!(r.stat.len(), 9);
    /// assert!("geary".parse::<Statistic>().is_err());
    /// ```
    pub fn local_statistic_with(Statistic) -> LocalResult = local_statistic, at least 3 units of "local statistics";
    pub fn gi_star_with = Statistic::GiStar, as gi_star;
    pub fn local_moran_with = Statistic::Moran, as local_moran;
}

/// The body of [`local_statistic_with`].
fn local_statistic(statistic: Statistic, args: OnWeights) -> Result<LocalResult> {
    match statistic {
        Statistic::GiStar => local_result(args, gi_star_row(args)),
        Statistic::Moran => local_result(args, local_moran_row(args)?),
    }
}

/// The Local Moran row of unit i (see [`local_moran`]).
///
/// # Errors
/// Constant values.
fn local_moran_row(
    args: OnWeights<'_>,
) -> Result<impl Fn(usize, &PermutedIds) -> LocalRow + Sync + '_> {
    let OnWeights {
        values,
        w,
        transform,
        permutations,
        ..
    } = args;
    let nf = values.len() as f64;
    let mean = values.iter().sum::<f64>() / nf;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / nf).sqrt();
    if sd == 0.0 {
        return Err(Error::argument(
            "values",
            "all values are equal: Local Moran's I is undefined",
        ));
    }
    let z: Vec<f64> = values.iter().map(|v| (v - mean) / sd).collect();
    let den: f64 = z.iter().map(|v| v * v).sum();
    let m2 = den / nf;
    let m4 = z.iter().map(|v| v.powi(4)).sum::<f64>() / nf;
    let b2 = m4 / (m2 * m2);
    let scaling = (nf - 1.0) / den;
    Ok(move |i, perm_ids: &PermutedIds| {
        let nbh = Neighbourhood::new(w, i, transform, false);
        let ws = &nbh.weights;
        let lag: f64 = nbh.lag(&z);
        let ii = scaling * z[i] * lag;
        let wi: f64 = ws.iter().sum();
        let wi2: f64 = ws.iter().map(|v| v * v).sum();
        let n1 = nf - 1.0;
        let ei = -wi / n1;
        let vi = wi2 * (nf - b2) / n1 + (wi * wi - wi2) * (2.0 * b2 - nf) / (n1 * (nf - 2.0))
            - (wi / n1).powi(2);
        let zi = (ii - ei) / vi.sqrt();
        let q = match (z[i] > 0.0, lag > 0.0) {
            (true, true) => 1,
            (false, true) => 2,
            (false, false) => 3,
            (true, false) => 4,
        };
        let k = nbh.neighbours.len();
        let p_sim = if permutations > 0 && k > 0 {
            perm_ids.p_sim(&z, i, k, ii, |draw| scaling * z[i] * nbh.drawn_lag(draw))
        } else {
            f64::NAN
        };
        (ii, zi, ei, vi, p_sim, q)
    })
}

/// One row per unit: (statistic, z, expected, variance, p_sim, quadrant).
type LocalRow = (f64, f64, f64, f64, f64, u8);

/// The [`LocalResult`] of `row(i, draws)` for every unit of `args.w`, in parallel, with one
/// seeded set of conditional-permutation draws shared by all units; `p_norm` = sf(|z|). Stops
/// with [`Error::Interrupted`] soon after `args.cancel` is set.
fn local_result(
    args: OnWeights,
    row: impl Fn(usize, &PermutedIds) -> LocalRow + Sync,
) -> Result<LocalResult> {
    let OnWeights {
        w,
        permutations,
        seed,
        cancel,
        ..
    } = args;
    let n = w.n;
    let k_max = (0..n).map(|i| w.cardinality(i)).max().unwrap_or(0);
    let perm_ids = PermutedIds::new(n, k_max, permutations, seed)?;
    let rows: Vec<LocalRow> = (0..n)
        .into_par_iter()
        .map(|i| {
            if cancel.is_cancelled() {
                (f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, 0)
            } else {
                row(i, &perm_ids)
            }
        })
        .collect();
    cancel.check()?;
    Ok(LocalResult {
        stat: rows.iter().map(|r| r.0).collect(),
        z: rows.iter().map(|r| r.1).collect(),
        expected: rows.iter().map(|r| r.2).collect(),
        variance: rows.iter().map(|r| r.3).collect(),
        p_norm: rows.iter().map(|r| norm_sf(r.1.abs())).collect(),
        p_sim: rows.iter().map(|r| r.4).collect(),
        quadrant: rows.iter().map(|r| r.5).collect(),
    })
}

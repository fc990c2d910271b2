//! Global spatial autocorrelation on [`Weights`]: Moran's I, Geary's C and Getis–Ord General G
//! with analytical (normality and randomisation) and permutation inference, equal to esda's
//! `Moran`, `Geary` and `G` for the same weights transform (docs/methods/hotspot_intelligence.md).
//!
//! # How the permutations are made fast
//! The three statistics are one quadratic form Σ_{a ≤ b} c_ab v_a v_b of the (centred) values,
//! evaluated by one kernel ([`Folded`]): Moran's I and General G over unordered pairs with
//! cᵢⱼ = wᵢⱼ + wⱼᵢ (half the work of a sparse product), Geary's C with −2cᵢⱼ and the square terms
//! (wᵢ. + w.ᵢ) vᵢ² (its Σ cᵢⱼ (vᵢ − vⱼ)² expanded). When the pairs use few index offsets j − i
//! (lattices: rook 2, queen 4), each offset keeps one weight, its most frequent, and the pairs
//! whose weight differs (borders, row ends) are a short correction list: a permutation then costs
//! one shuffle and one streaming pass over the values, Σᵢ vᵢ Σₖ cₖ vᵢ₊ₒₖ, whose shifted reads hit
//! cache lines just read (AVX2 where the CPU has it), reading no weights. Other weights are a
//! pair list. Each permutation shuffles a buffer of the values in place (Fisher–Yates drawing two
//! positions from each 64-bit output of wyrand, a generator that costs one multiply per output,
//! with Lemire's unbiased bounded integers); permutations run in fixed blocks of [`BLOCK`] over
//! rayon, each block with its own stream derived from `seed` and the block number, one buffer per
//! thread and nothing allocated per permutation, so the results do not depend on the number of
//! threads. (On a 300 × 300 queen lattice this halves the cost of a permutation against
//! Xoshiro256++ and one dot product per offset; `bench/hotspot_intel_bench.py` has the ratio to
//! esda.)
//! depend on the number of threads.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::special::norm_sf;

use super::cancel::Cancel;
use super::local::{on_weights, OnWeights, Transform};
use super::weights::Weights;

/// Permutations per random stream (the unit of parallel work).
pub const BLOCK: usize = 16;

/// Most permutations accepted.
pub const MAX_PERMUTATIONS: usize = 1_000_000;

/// A uniform integer in `0..bound` (Lemire 2019, unbiased: rare rejection).
#[inline]
pub(crate) fn bounded(rng: &mut Xoshiro256PlusPlus, bound: u64) -> u64 {
    let mut m = u128::from(rng.next_u64()) * u128::from(bound);
    let mut low = m as u64;
    if low < bound {
        let t = bound.wrapping_neg() % bound;
        while low < t {
            m = u128::from(rng.next_u64()) * u128::from(bound);
            low = m as u64;
        }
    }
    (m >> 64) as u64
}

/// The random stream of the permutations of the global statistics: wyrand (Wang Yi's generator:
/// a 64-bit Weyl counter whose value is mixed by one 64 × 64 → 128-bit multiply; period 2⁶⁴,
/// passes BigCrush and PractRand). One output costs a multiply and two xors — about half of
/// what Xoshiro256++ costs — which matters because a permutation of a 300 × 300 lattice draws
/// 90,000 positions and the random numbers were the limit of the shuffle.
#[derive(Debug, Clone)]
pub(crate) struct WyRand(u64);

impl WyRand {
    /// The stream of permutation block `block` for `seed` (the SplitMix mixing of
    /// [`block_rng`], so that neighbouring blocks start far apart on the counter).
    pub(crate) fn block(seed: u64, block: u64) -> Self {
        WyRand(mix(seed, block))
    }

    /// The next 64 random bits.
    #[inline(always)]
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0xA076_1D64_78BD_642F);
        let t = u128::from(self.0) * u128::from(self.0 ^ 0xE703_7ED1_A0B4_28DB);
        (t >> 64) as u64 ^ t as u64
    }

    /// A uniform integer in `0..bound` (Lemire 2019, unbiased: rare rejection).
    #[inline]
    fn bounded(&mut self, bound: u64) -> u64 {
        let mut m = u128::from(self.next_u64()) * u128::from(bound);
        if (m as u64) < bound {
            let t = bound.wrapping_neg() % bound;
            while (m as u64) < t {
                m = u128::from(self.next_u64()) * u128::from(bound);
            }
        }
        (m >> 64) as u64
    }

    /// A uniform integer in `0..s` from the 32 random bits `x` (Lemire's method; the rare
    /// rejection draws anew).
    #[inline(always)]
    fn bounded32(&mut self, x: u32, s: u32) -> usize {
        let mut m = u64::from(x) * u64::from(s);
        if (m as u32) < s {
            let t = s.wrapping_neg() % s;
            while (m as u32) < t {
                m = u64::from(self.next_u64() as u32) * u64::from(s);
            }
        }
        (m >> 32) as usize
    }
}

/// Shuffle `v` in place (Fisher–Yates, every permutation equally likely). Slices shorter than
/// 2³² draw two positions from each 64-bit output (Lemire's unbiased method on each half).
#[inline]
pub(crate) fn shuffle<T>(rng: &mut WyRand, v: &mut [T]) {
    let n = v.len();
    if n > u32::MAX as usize {
        for p in (1..n).rev() {
            let j = rng.bounded(p as u64 + 1) as usize;
            v.swap(p, j);
        }
        return;
    }
    let mut i = n;
    while i > 2 {
        let r = rng.next_u64();
        let j = rng.bounded32(r as u32, i as u32);
        v.swap(i - 1, j);
        let j = rng.bounded32((r >> 32) as u32, i as u32 - 1);
        v.swap(i - 2, j);
        i -= 2;
    }
    if i == 2 {
        let x = rng.next_u64() as u32;
        let j = rng.bounded32(x, 2);
        v.swap(1, j);
    }
}

/// SplitMix-style mixing of (seed, block) into one 64-bit seed.
fn mix(seed: u64, block: u64) -> u64 {
    let mut z = seed ^ block.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A Xoshiro256++ stream for permutation block `block` of `seed` (the emerging-hotspot
/// classification's conditional permutations).
pub(crate) fn block_rng(seed: u64, block: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(mix(seed, block))
}

/// Most index offsets j − i the banded storage of [`Folded`] takes.
const MAX_OFFSETS: usize = 16;

/// The pairs of a quadratic form Σ_{a ≤ b} c_ab v_a v_b.
#[derive(Debug, Clone)]
enum Pairs {
    /// Few index offsets (lattices): every pair (i, i + offsets[k]) with i + offsets[k] < n
    /// weighted `weights[k]`, then `fixes` (a, b, c) adding c to the pairs whose weight differs
    /// (borders, row ends) — a constant-weight sweep plus a short list.
    Diagonals {
        offsets: Vec<usize>,
        weights: Vec<f64>,
        fixes: Vec<(u32, u32, f64)>,
    },
    /// Explicit pairs (a ≤ b).
    List(Vec<(u32, u32, f64)>),
}

/// Weights folded into the quadratic form of a global statistic, with their moments S0, S1, S2.
#[derive(Debug, Clone)]
pub struct Folded {
    pairs: Pairs,
    /// Σ wᵢⱼ.
    pub s0: f64,
    /// ½ Σᵢⱼ (wᵢⱼ + wⱼᵢ)².
    pub s1: f64,
    /// Σᵢ (wᵢ. + w.ᵢ)².
    pub s2: f64,
}

impl Folded {
    /// Fold `w` after `transform` ('B' binary, 'R' row-standardised; an island keeps no weight)
    /// into Σᵢ<ⱼ cᵢⱼ vᵢ vⱼ with cᵢⱼ = wᵢⱼ + wⱼᵢ (Moran's I, General G).
    ///
    /// # Errors
    /// Weights with no positive weight at all (S0 = 0).
    pub fn new(w: &Weights, transform: Transform) -> Result<Self> {
        Self::build(w, transform, false)
    }

    /// As [`Folded::new`]; with `squared_differences`, the form Σᵢ<ⱼ cᵢⱼ (vᵢ − vⱼ)² (Geary's C),
    /// expanded into Σᵢ (wᵢ. + w.ᵢ) vᵢ² − 2 Σᵢ<ⱼ cᵢⱼ vᵢ vⱼ.
    fn build(w: &Weights, transform: Transform, squared_differences: bool) -> Result<Self> {
        let n = w.n;
        let mut row_sum = vec![0.0; n];
        let mut col_sum = vec![0.0; n];
        let mut pairs: Vec<(u32, u32, f64)> = Vec::with_capacity(w.neighbors.len());
        for (i, row) in row_sum.iter_mut().enumerate() {
            let (nb, ws) = w.row(i);
            let scale = match transform {
                Transform::Binary => None,
                Transform::Row => {
                    let t: f64 = ws.iter().sum();
                    Some(if t > 0.0 { 1.0 / t } else { 0.0 })
                }
            };
            let i = i as u32;
            for (&j, &wij) in nb.iter().zip(ws) {
                let v = scale.map_or(1.0, |s| wij * s);
                *row += v;
                col_sum[j as usize] += v;
                pairs.push((i.min(j), i.max(j), v));
            }
        }
        let s0: f64 = row_sum.iter().sum();
        if s0.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return Err(Error::argument(
                "weights",
                "no unit has a neighbour (every weight is zero): the statistic is undefined",
            ));
        }
        let degree: Vec<f64> = row_sum.iter().zip(&col_sum).map(|(r, c)| r + c).collect();
        let s2: f64 = degree.iter().map(|d| d * d).sum();
        let (s1, pairs) = match by_offset(n, &pairs) {
            Some((offsets, mut dense)) => {
                let s1 = dense.iter().flatten().map(|c| c * c).sum();
                if squared_differences {
                    dense.iter_mut().flatten().for_each(|c| *c *= -2.0);
                    dense.insert(0, degree);
                }
                let offsets: Vec<usize> = squared_differences
                    .then_some(0)
                    .into_iter()
                    .chain(offsets)
                    .collect();
                (s1, diagonals(&offsets, &dense))
            }
            None => {
                pairs.sort_unstable_by_key(|p| (p.0, p.1));
                let mut merged: Vec<(u32, u32, f64)> = Vec::with_capacity(pairs.len());
                for p in pairs {
                    match merged.last_mut() {
                        Some(last) if last.0 == p.0 && last.1 == p.1 => last.2 += p.2,
                        _ => merged.push(p),
                    }
                }
                merged.retain(|p| p.2 != 0.0);
                let s1 = merged.iter().map(|p| p.2 * p.2).sum();
                if squared_differences {
                    merged.iter_mut().for_each(|p| p.2 *= -2.0);
                    merged.extend((0..n as u32).map(|i| (i, i, degree[i as usize])));
                }
                (s1, Pairs::List(merged))
            }
        };
        Ok(Folded { pairs, s0, s1, s2 })
    }

    /// Zeros [`Folded::eval`] needs after the n values (the largest offset).
    fn padding(&self) -> usize {
        match &self.pairs {
            Pairs::Diagonals { offsets, .. } => offsets.last().copied().unwrap_or(0),
            Pairs::List(_) => 0,
        }
    }

    /// The form at `v` (the n values followed by [`Folded::padding`] zeros): Σ_{a ≤ b} c_ab v_a
    /// v_b, f64 accumulation, nothing allocated; a lattice's diagonals are swept in AVX2 where
    /// the CPU has it.
    fn eval(&self, v: &[f64]) -> f64 {
        let pair_sum = |pairs: &[(u32, u32, f64)]| -> f64 {
            pairs
                .iter()
                .map(|&(a, b, c)| c * v[a as usize] * v[b as usize])
                .sum()
        };
        match &self.pairs {
            Pairs::Diagonals {
                offsets,
                weights,
                fixes,
            } => {
                let n = v.len() - self.padding();
                let swept = crate::ci::vectorised(
                    #[inline(always)]
                    || diagonal_sum(v, n, offsets, weights),
                );
                swept + pair_sum(fixes)
            }
            Pairs::List(p) => pair_sum(p),
        }
    }
}

/// Σᵢ<n vᵢ Σₖ cₖ vᵢ₊ₒₖ (offsets `o`, weights `c`; `v` padded with zeros after its n values) in one
/// pass over the values: per block of [`SWEEP`] values, tᵢ = Σₖ cₖ vᵢ₊ₒₖ into a buffer that stays
/// in L1 (the shifted reads fall in cache lines just read), then Σ vᵢ tᵢ in sixteen independent
/// sums — a lattice's form streams the values once instead of once per offset. When every offset
/// has the same weight c (a lattice's interior, binary or row-standardised) it is c Σ vᵢ Σₖ vᵢ₊ₒₖ,
/// with no multiply per offset. A fixed order of operations: the same result on every CPU.
#[inline(always)]
fn diagonal_sum(v: &[f64], n: usize, offsets: &[usize], weights: &[f64]) -> f64 {
    let equal = weights.iter().all(|&c| c == weights[0]);
    macro_rules! by_count {
        ($($k:literal)+) => {
            match offsets.len() {
                0 => 0.0,
                $($k => {
                    let (o, c) = (offsets.try_into().expect("K"), weights.try_into().expect("K"));
                    if equal {
                        weights[0] * sweep::<$k, false>(v, n, o, c)
                    } else {
                        sweep::<$k, true>(v, n, o, c)
                    }
                })+
                _ => offsets
                    .iter()
                    .zip(weights)
                    .map(|(&o, &c)| sweep::<1, true>(v, n, &[o], &[c]))
                    .sum(),
            }
        };
    }
    by_count!(1 2 3 4 5 6 7 8)
}

/// [`diagonal_sum`] for `K` offsets: with `WEIGHTED`, Σ vᵢ Σₖ cₖ vᵢ₊ₒₖ, else Σ vᵢ Σₖ vᵢ₊ₒₖ.
#[inline(always)]
fn sweep<const K: usize, const WEIGHTED: bool>(
    v: &[f64],
    n: usize,
    offsets: &[usize; K],
    weights: &[f64; K],
) -> f64 {
    let mut t = [0.0f64; SWEEP];
    let mut acc = [0.0f64; 16];
    let mut tail = 0.0;
    let mut start = 0;
    while start < n {
        let m = (n - start).min(SWEEP);
        let t = &mut t[..m];
        for k in 0..K {
            let y = &v[start + offsets[k]..start + offsets[k] + m];
            let c = weights[k];
            for (a, y) in t.iter_mut().zip(y) {
                let y = if WEIGHTED { c * y } else { *y };
                *a = if k == 0 { y } else { *a + y };
            }
        }
        let (xs, ts) = (v[start..start + m].chunks_exact(16), t.chunks_exact(16));
        tail += xs
            .remainder()
            .iter()
            .zip(ts.remainder())
            .map(|(p, q)| p * q)
            .sum::<f64>();
        for (p, q) in xs.zip(ts) {
            for l in 0..16 {
                acc[l] += p[l] * q[l];
            }
        }
        start += m;
    }
    acc.iter().sum::<f64>() + tail
}

/// Values per block of [`diagonal_sum`] (2 KiB of f64: the block and its shifted reads stay in L1).
const SWEEP: usize = 256;

/// The folded pairs (a < b) as one dense weight array per offset b − a (indexed by a), when at
/// most [`MAX_OFFSETS`] offsets occur and the arrays take about as much memory as the pairs.
fn by_offset(n: usize, pairs: &[(u32, u32, f64)]) -> Option<(Vec<usize>, Vec<Vec<f64>>)> {
    let mut offsets: Vec<usize> = Vec::new();
    let mut dense: Vec<Vec<f64>> = Vec::new();
    let mut last = usize::MAX;
    let mut k = 0;
    for &(a, b, c) in pairs {
        let d = (b - a) as usize;
        if d != last {
            k = match offsets.iter().position(|&o| o == d) {
                Some(k) => k,
                None if offsets.len() < MAX_OFFSETS
                    && (offsets.len() as u128 + 1) * n as u128
                        <= 3 * pairs.len() as u128 / 2 + n as u128 =>
                {
                    offsets.push(d);
                    dense.push(vec![0.0; n]);
                    offsets.len() - 1
                }
                None => return None,
            };
            last = d;
        }
        dense[k][a as usize] += c;
    }
    if offsets.is_empty() {
        return None;
    }
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_unstable_by_key(|&k| offsets[k]);
    let mut dense: Vec<Option<Vec<f64>>> = dense.into_iter().map(Some).collect();
    Some((
        order.iter().map(|&k| offsets[k]).collect(),
        order.iter().filter_map(|&k| dense[k].take()).collect(),
    ))
}

/// Dense per-offset weights as [`Pairs::Diagonals`] (each offset's most frequent weight, and
/// the pairs that differ from it) when the differing pairs are few (a quarter of the units),
/// else as a pair list.
fn diagonals(offsets: &[usize], dense: &[Vec<f64>]) -> Pairs {
    let n = dense[0].len();
    let mut weights = Vec::with_capacity(offsets.len());
    let mut fixes = Vec::new();
    for (&d, w) in offsets.iter().zip(dense) {
        let w = &w[..n - d];
        // the majority weight (Boyer–Moore vote); any other choice is only slower
        let (mut c, mut votes) = (0.0, 0usize);
        for &x in w {
            if votes == 0 {
                c = x;
            }
            votes = if x == c { votes + 1 } else { votes - 1 };
        }
        weights.push(c);
        let differ = w.iter().enumerate().filter(|&(_, &x)| x != c);
        fixes.extend(differ.map(|(a, &x)| (a as u32, (a + d) as u32, x - c)));
        if fixes.len() > n / 4 + 16 {
            let mut list = Vec::new();
            for (&d, w) in offsets.iter().zip(dense) {
                let nz = w.iter().enumerate().filter(|&(_, &x)| x != 0.0);
                list.extend(nz.map(|(a, &x)| (a as u32, (a + d) as u32, x)));
            }
            return Pairs::List(list);
        }
    }
    Pairs::Diagonals {
        offsets: offsets.to_vec(),
        weights,
        fixes,
    }
}

choice! {
    /// Which global statistic [`statistic_with`] computes.
    pub enum Statistic("statistic", "statistic") {
        /// Moran's I ([`moran`]).
        Moran = "moran" | "global_moran",
        /// Geary's C ([`geary`]).
        Geary = "geary" | "global_geary",
        /// Getis–Ord General G ([`general_g`]).
        GeneralG = "general_g" | "g",
    }
}

/// A global statistic with its inference (esda's attribute names in brackets).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlobalResult {
    /// The statistic (`I`, `C`, `G`).
    pub value: f64,
    /// Expected value under the null (`EI`, `EC`, `EG`).
    pub expected: f64,
    /// Variance under normality (`VI_norm`, `VC_norm`; General G: the only analytic variance `VG`).
    pub variance_norm: f64,
    /// z under normality (`z_norm`).
    pub z_norm: f64,
    /// p under normality (`p_norm`; two-sided for Moran, one-sided for Geary and G, as esda).
    pub p_norm: f64,
    /// Variance under randomisation (`VI_rand`, `VC_rand`; NaN for G).
    pub variance_rand: f64,
    /// z under randomisation (`z_rand`; NaN for G).
    pub z_rand: f64,
    /// p under randomisation (`p_rand`; NaN for G).
    pub p_rand: f64,
    /// Folded pseudo p from permutations (`p_sim`); NaN without.
    pub p_sim: f64,
    /// Mean of the permuted statistics (`EI_sim`, ...).
    pub expected_sim: f64,
    /// Standard deviation of the permuted statistics (`seI_sim`, ddof 0).
    pub se_sim: f64,
    /// (value − expected_sim)/se_sim (`z_sim`).
    pub z_sim: f64,
    /// One-sided normal p of z_sim (`p_z_sim`).
    pub p_z_sim: f64,
    /// Weights moments after the transform.
    pub s0: f64,
    /// S1.
    pub s1: f64,
    /// S2.
    pub s2: f64,
}

/// Sign-folded one-sided normal p (esda: `1 - cdf(z)` above 0, `cdf(z)` below).
fn one_sided(z: f64) -> f64 {
    if z.is_nan() {
        f64::NAN
    } else {
        norm_sf(z.abs())
    }
}

/// Permuted statistics: `permutations` values of `stat(v with its first n values shuffled)`, in
/// blocks of [`BLOCK`] with one random stream each (one buffer per thread, nothing allocated per
/// permutation).
fn simulate<F>(
    v: &[f64],
    n: usize,
    permutations: usize,
    seed: u64,
    cancel: &Cancel,
    stat: F,
) -> Result<Vec<f64>>
where
    F: Fn(&[f64]) -> f64 + Sync,
{
    let mut sims = vec![0.0; permutations];
    sims.par_chunks_mut(BLOCK).enumerate().try_for_each_init(
        || v.to_vec(),
        |buf, (b, out)| {
            cancel.check()?;
            buf.copy_from_slice(v);
            let mut rng = WyRand::block(seed, b as u64);
            for s in out {
                shuffle(&mut rng, &mut buf[..n]);
                *s = stat(buf);
            }
            Ok::<(), Error>(())
        },
    )?;
    cancel.check()?;
    Ok(sims)
}

/// Fill the permutation fields of `r` from the simulated values (esda's rules).
fn permutation_inference(r: &mut GlobalResult, sims: &[f64]) {
    let m = sims.len();
    if m == 0 {
        return;
    }
    let obs = r.value;
    let tol = 1e-12 * obs.abs().max(1e-300);
    let mut larger = sims.iter().filter(|&&s| s >= obs - tol).count();
    if m - larger < larger {
        larger = m - larger;
    }
    r.p_sim = (larger as f64 + 1.0) / (m as f64 + 1.0);
    let mean = sims.iter().sum::<f64>() / m as f64;
    let var = sims.iter().map(|s| (s - mean) * (s - mean)).sum::<f64>() / m as f64;
    r.expected_sim = mean;
    r.se_sim = var.sqrt();
    r.z_sim = (obs - mean) / r.se_sim;
    r.p_z_sim = one_sided(r.z_sim);
}

/// At most [`MAX_PERMUTATIONS`] permutations (shared by every permutation test of the module
/// family).
pub(crate) fn check_permutations(permutations: usize) -> Result<()> {
    if permutations > MAX_PERMUTATIONS {
        return Err(Error::argument(
            "permutations",
            format!("{permutations}: at most {MAX_PERMUTATIONS} are supported"),
        ));
    }
    Ok(())
}

/// Centred values z = y − ȳ with Σ z² and the kurtosis (Σz⁴/n)/(Σz²/n)² (as esda).
fn centred(values: &[f64]) -> Result<(Vec<f64>, f64, f64)> {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let z: Vec<f64> = values.iter().map(|v| v - mean).collect();
    let m2: f64 = z.iter().map(|v| v * v).sum();
    if m2.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(Error::argument(
            "values",
            "all values are equal: the statistic is undefined",
        ));
    }
    let m4: f64 = z.iter().map(|v| v * v * v * v).sum();
    Ok((z, m2, (m4 / n) / ((m2 / n) * (m2 / n))))
}

on_weights! {
    /// Moran's I, Geary's C or General G with analytic and permutation inference (see [`moran`],
    /// [`geary`], [`general_g`]); stops with [`Error::Interrupted`] soon after `cancel` is set.
    ///
    /// # Errors
    /// As [`moran`] (and [`general_g`] for `Statistic::GeneralG`); [`Error::Interrupted`] when
    /// cancelled.
    ///
    /// # Examples
    /// ```
    /// use saferstats::cancel::NEVER;
    /// use saferstats::hotspot::{global::{statistic_with, Statistic}, local::Transform, weights::Weights};
    /// let w = Weights::lattice(3, 3, false).unwrap();
    /// let s: Statistic = "geary".parse().unwrap();
    /// let v = [1., 1., 1., 1., 5., 1., 1., 1., 1.];
    /// assert!(statistic_with(s, &v, &w, Transform::Row, 0, 0, &NEVER).unwrap().value > 1.0);
    /// ```
    pub fn statistic_with(Statistic) -> GlobalResult = global_statistic, at least 4 units of "global statistics";
    pub fn moran_with = Statistic::Moran, as moran;
    pub fn geary_with = Statistic::Geary, as geary;
    pub fn general_g_with = Statistic::GeneralG, as general_g;
}

/// The body of [`statistic_with`].
fn global_statistic(statistic: Statistic, args: OnWeights) -> Result<GlobalResult> {
    let OnWeights {
        values,
        w,
        transform,
        permutations,
        seed,
        cancel,
    } = args;
    check_permutations(permutations)?;
    let f = Folded::build(w, transform, statistic == Statistic::Geary)?;
    let n = values.len() as f64;
    // the values the form is evaluated at, and the scale that makes it the statistic
    let (v, scale, kurtosis) = match statistic {
        Statistic::Moran | Statistic::Geary => {
            let (z, m2, k) = centred(values)?;
            let scale = match statistic {
                Statistic::Moran => n / f.s0 / m2,
                _ => (n - 1.0) / (2.0 * f.s0 * m2),
            };
            (z, scale, k)
        }
        Statistic::GeneralG => (values.to_vec(), 1.0 / general_g_denominator(values)?, 0.0),
    };
    let v: Vec<f64> = v
        .into_iter()
        .chain(std::iter::repeat_n(0.0, f.padding()))
        .collect();
    let mut r = GlobalResult {
        value: scale * f.eval(&v),
        expected: f64::NAN,
        variance_norm: f64::NAN,
        z_norm: f64::NAN,
        p_norm: f64::NAN,
        variance_rand: f64::NAN,
        z_rand: f64::NAN,
        p_rand: f64::NAN,
        p_sim: f64::NAN,
        expected_sim: f64::NAN,
        se_sim: f64::NAN,
        z_sim: f64::NAN,
        p_z_sim: f64::NAN,
        s0: f.s0,
        s1: f.s1,
        s2: f.s2,
    };
    match statistic {
        Statistic::Moran => moran_moments(&mut r, n, kurtosis),
        Statistic::Geary => geary_moments(&mut r, n, kurtosis),
        Statistic::GeneralG => general_g_moments(&mut r, values),
    }
    if permutations > 0 {
        let n = values.len();
        let sims = simulate(&v, n, permutations, seed, cancel, |p| scale * f.eval(p))?;
        permutation_inference(&mut r, &sims);
    }
    Ok(r)
}

/// Moran's moments under normality and randomisation (esda `Moran`).
fn moran_moments(r: &mut GlobalResult, n: f64, k: f64) {
    let (s0, s1, s2) = (r.s0, r.s1, r.s2);
    let (s02, n2) = (s0 * s0, n * n);
    let ei = -1.0 / (n - 1.0);
    r.expected = ei;
    r.variance_norm = (n2 * s1 - n * s2 + 3.0 * s02) / ((n - 1.0) * (n + 1.0) * s02) - ei * ei;
    let a = n * ((n2 - 3.0 * n + 3.0) * s1 - n * s2 + 3.0 * s02);
    let b = k * ((n2 - n) * s1 - 2.0 * n * s2 + 6.0 * s02);
    r.variance_rand = (a - b) / ((n - 1.0) * (n - 2.0) * (n - 3.0) * s02) - ei * ei;
    r.z_norm = (r.value - ei) / r.variance_norm.sqrt();
    r.z_rand = (r.value - ei) / r.variance_rand.sqrt();
    r.p_norm = (2.0 * one_sided(r.z_norm)).min(1.0);
    r.p_rand = (2.0 * one_sided(r.z_rand)).min(1.0);
}

/// Geary's moments under normality and randomisation (esda `Geary`).
fn geary_moments(r: &mut GlobalResult, n: f64, k: f64) {
    let (s0, s1, s2) = (r.s0, r.s1, r.s2);
    let (s02, n2) = (s0 * s0, n * n);
    r.expected = 1.0;
    let a = (n - 1.0) * s1 * (n2 - 3.0 * n + 3.0 - (n - 1.0) * k);
    let b = 0.25 * ((n - 1.0) * s2 * (n2 + 3.0 * n - 6.0 - (n2 - n + 2.0) * k));
    let c = s02 * (n2 - 3.0 - (n - 1.0) * (n - 1.0) * k);
    r.variance_rand = (a - b + c) / (n * (n - 2.0) * (n - 3.0) * s02);
    r.variance_norm = ((2.0 * s1 + s2) * (n - 1.0) - 4.0 * s02) / (2.0 * (n + 1.0) * s02);
    r.z_norm = (r.value - 1.0) / r.variance_norm.sqrt();
    r.z_rand = (r.value - 1.0) / r.variance_rand.sqrt();
    r.p_norm = one_sided(r.z_norm);
    r.p_rand = one_sided(r.z_rand);
}

/// Σᵢ≠ⱼ yᵢ yⱼ = (Σ y)² − Σ y² for values ≥ 0, which must be positive.
fn general_g_denominator(y: &[f64]) -> Result<f64> {
    if let Some(i) = y.iter().position(|&v| v < 0.0) {
        return Err(Error::value(
            "values",
            i,
            y[i],
            "General G needs values >= 0 (counts or rates)",
        ));
    }
    let s1y: f64 = y.iter().sum();
    let den = s1y * s1y - y.iter().map(|v| v * v).sum::<f64>();
    if den.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(Error::argument(
            "values",
            "General G needs at least two positive values",
        ));
    }
    Ok(den)
}

/// General G's moments from b0…b4 (esda `G`; normality only).
fn general_g_moments(r: &mut GlobalResult, y: &[f64]) {
    let n = y.len() as f64;
    let s1y: f64 = y.iter().sum();
    let s2y: f64 = y.iter().map(|v| v * v).sum();
    let s3y: f64 = y.iter().map(|v| v * v * v).sum();
    let s4y: f64 = y.iter().map(|v| v * v * v * v).sum();
    let den = s1y * s1y - s2y;
    let (s0, s1, s2) = (r.s0, r.s1, r.s2);
    let (s02, n2) = (s0 * s0, n * n);
    let eg = s0 / (n * (n - 1.0));
    let b0 = (n2 - 3.0 * n + 3.0) * s1 - n * s2 + 3.0 * s02;
    let b1 = -((n2 - n) * s1 - 2.0 * n * s2 + 6.0 * s02);
    let b2 = -(2.0 * n * s1 - (n + 3.0) * s2 + 6.0 * s02);
    let b3 = 4.0 * (n - 1.0) * s1 - 2.0 * (n + 1.0) * s2 + 8.0 * s02;
    let b4 = s1 - s2 + s02;
    let eg2 =
        (b0 * s2y * s2y + b1 * s4y + b2 * s1y * s1y * s2y + b3 * s1y * s3y + b4 * s1y.powi(4))
            / (den * den * n * (n - 1.0) * (n - 2.0) * (n - 3.0));
    r.expected = eg;
    r.variance_norm = eg2 - eg * eg;
    r.z_norm = (r.value - eg) / r.variance_norm.sqrt();
    r.p_norm = one_sided(r.z_norm);
}

uninterruptible! {
    /// Global Moran's I.
    ///
    /// Method (Cliff & Ord 1981; esda `Moran`): I = n/S0 · Σᵢⱼ wᵢⱼ zᵢ zⱼ / Σ zᵢ², z = y − ȳ; E\[I\] =
    /// −1/(n − 1); variance under normality and under randomisation (kurtosis term) as esda;
    /// `p_norm`, `p_rand` two-sided; `permutations` random permutations of the values give `p_sim`
    /// (folded: (min(#sim ≥ I, perms − #sim ≥ I) + 1)/(perms + 1)), `expected_sim`, `se_sim`,
    /// `z_sim` and one-sided `p_z_sim`.
    ///
    /// # Errors
    /// Length mismatch, fewer than 4 units, non-finite values, constant values, weights without any
    /// neighbour, more than [`MAX_PERMUTATIONS`] permutations.
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::{global::moran, local::Transform, weights::Weights};
    /// let x = [10., 20., 40., 15., 30., 30.];
    /// let y = [10., 10., 10., 20., 20., 30.];
    /// let w = Weights::distance_band(&x, &y, 15.0, true).unwrap();
    /// let r = moran(&[2., 3., 3.2, 5., 8., 7.], &w, Transform::Row, 0, 0).unwrap();
    /// assert!((r.value - 0.118990).abs() < 1e-6); // esda, docs/methods/hotspots.md C6
    /// assert!((r.z_norm - 1.177735).abs() < 1e-6);
    /// ```
    pub fn moran(values: &[f64], w: &Weights, transform: Transform, permutations: usize, seed: u64) -> Result<GlobalResult> = moran_with;
}

uninterruptible! {
    /// Global Geary's C.
    ///
    /// Method (Geary 1954; esda `Geary`): C = (n − 1) Σᵢⱼ wᵢⱼ (yᵢ − yⱼ)² / (2 S0 Σ zᵢ²); E\[C\] = 1;
    /// variances under normality and randomisation as esda; `p_norm`, `p_rand` one-sided as esda
    /// (C < 1 is positive autocorrelation); permutations as [`moran`].
    ///
    /// # Errors
    /// As [`moran`].
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::{global::geary, local::Transform, weights::Weights};
    /// let w = Weights::lattice(3, 3, false).unwrap();
    /// let r = geary(&[1., 1., 1., 1., 5., 1., 1., 1., 1.], &w, Transform::Row, 0, 0).unwrap();
    /// assert!(r.value > 1.0); // one high cell among low neighbours: negative autocorrelation
    /// ```
    pub fn geary(values: &[f64], w: &Weights, transform: Transform, permutations: usize, seed: u64) -> Result<GlobalResult> = geary_with;
}

uninterruptible! {
    /// Getis–Ord General G.
    ///
    /// Method (Getis & Ord 1992; esda `G`): G = Σᵢ≠ⱼ wᵢⱼ yᵢ yⱼ / Σᵢ≠ⱼ yᵢ yⱼ for values ≥ 0;
    /// E\[G\] = S0/(n(n − 1)); the variance from the moments b0…b4 as esda; `p_norm` one-sided (as
    /// esda; G above E\[G\] means high values cluster); permutations as [`moran`].
    ///
    /// # Errors
    /// As [`moran`]; negative values; fewer than two positive values.
    ///
    /// # Examples
    /// ```
    /// use saferstats::hotspot::{global::general_g, local::Transform, weights::Weights};
    /// let w = Weights::lattice(3, 3, false).unwrap();
    /// let r = general_g(&[9., 8., 1., 7., 1., 1., 1., 1., 1.], &w, Transform::Binary, 0, 0).unwrap();
    /// assert!(r.value > r.expected); // the high values sit together
    /// ```
    pub fn general_g(values: &[f64], w: &Weights, transform: Transform, permutations: usize, seed: u64) -> Result<GlobalResult> = general_g_with;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_permutation_and_reproducible() {
        let mut a: Vec<u32> = (0..1000).collect();
        let mut b = a.clone();
        shuffle(&mut WyRand::block(7, 3), &mut a);
        shuffle(&mut WyRand::block(7, 3), &mut b);
        assert_eq!(a, b);
        let mut s = a.clone();
        s.sort_unstable();
        assert_eq!(s, (0..1000).collect::<Vec<u32>>());
        assert_ne!(a, s);
    }

    #[test]
    fn shuffle_gives_every_order_equally_often() {
        // the 24 orders of 4 items, 48,000 shuffles: each order 2,000 ± 5 sd (sd ≈ 44)
        let mut rng = WyRand::block(11, 0);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..48_000 {
            let mut v = [0u8, 1, 2, 3];
            shuffle(&mut rng, &mut v);
            *counts.entry(v).or_insert(0usize) += 1;
        }
        assert_eq!(counts.len(), 24);
        assert!(
            counts.values().all(|&c| (1_780..2_220).contains(&c)),
            "{counts:?}"
        );
        // and every position of a longer slice is uniform (odd length: the last draw alone)
        let mut at = [[0usize; 7]; 7];
        for _ in 0..70_000 {
            let mut v = [0usize, 1, 2, 3, 4, 5, 6];
            shuffle(&mut rng, &mut v);
            for (p, &x) in v.iter().enumerate() {
                at[p][x] += 1;
            }
        }
        assert!(
            at.iter().flatten().all(|&c| (9_500..10_500).contains(&c)),
            "{at:?}"
        );
    }

    #[test]
    fn wyrand_bounded_is_roughly_uniform() {
        let mut rng = WyRand::block(3, 1);
        let mut counts = [0usize; 6];
        for _ in 0..60_000 {
            counts[rng.bounded(6) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_400..10_600).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn diagonal_sum_equals_the_plain_sum_for_any_number_of_offsets() {
        let n = 1_003;
        let v: Vec<f64> = (0..n + 40)
            .map(|i| {
                if i < n {
                    ((i * 7919) % 23) as f64 - 11.0
                } else {
                    0.0
                }
            })
            .collect();
        for (k, equal) in [1usize, 2, 4, 5, 8, 9, 13]
            .into_iter()
            .flat_map(|k| [(k, false), (k, true)])
        {
            let offsets: Vec<usize> = (0..k).map(|j| j * 3 + usize::from(j > 0)).collect();
            let weights: Vec<f64> = (0..k)
                .map(|j| if equal { 0.25 } else { 0.25 + j as f64 })
                .collect();
            let plain: f64 = offsets
                .iter()
                .zip(&weights)
                .map(|(&d, c)| c * (0..n).map(|i| v[i] * v[i + d]).sum::<f64>())
                .sum();
            let fast = diagonal_sum(&v, n, &offsets, &weights);
            assert!(
                (fast - plain).abs() <= 1e-12 * plain.abs(),
                "{k}: {fast} vs {plain}"
            );
        }
    }

    #[test]
    fn bounded_is_roughly_uniform() {
        let mut rng = block_rng(1, 0);
        let mut counts = [0usize; 6];
        for _ in 0..60_000 {
            counts[bounded(&mut rng, 6) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_400..10_600).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn band_and_list_storage_agree() {
        // a lattice (constant diagonals over four offsets) against the same pairs given as an irregular list
        let w = Weights::lattice(150, 150, true).unwrap();
        let v: Vec<f64> = (0..22_500).map(|i| ((i * 37) % 11) as f64 - 4.0).collect();
        for squared_differences in [false, true] {
            let f = Folded::build(&w, Transform::Row, squared_differences).unwrap();
            let list = match &f.pairs {
                Pairs::Diagonals {
                    offsets,
                    weights,
                    fixes,
                } => {
                    let mut l = fixes.clone();
                    for (&off, &c) in offsets.iter().zip(weights) {
                        l.extend((0..22_500 - off as u32).map(|i| (i, i + off as u32, c)));
                    }
                    l
                }
                Pairs::List(_) => unreachable!(),
            };
            let g = Folded {
                pairs: Pairs::List(list),
                ..f.clone()
            };
            let padded: Vec<f64> = v.iter().copied().chain(vec![0.0; f.padding()]).collect();
            let (a, b) = (f.eval(&padded), g.eval(&v));
            assert!((a - b).abs() < 1e-12 * b.abs(), "{a} vs {b}");
        }
        let sqdiff: f64 = (0..22_500)
            .flat_map(|i| {
                let (nb, ws) = w.row(i);
                let t: f64 = ws.iter().sum();
                let v = &v;
                nb.iter()
                    .zip(ws)
                    .map(move |(&j, &x)| x / t * (v[i] - v[j as usize]).powi(2))
            })
            .sum();
        let g = Folded::build(&w, Transform::Row, true).unwrap();
        let padded: Vec<f64> = v.iter().copied().chain(vec![0.0; g.padding()]).collect();
        assert!((g.eval(&padded) - sqdiff).abs() < 1e-12 * sqdiff);
    }

    #[test]
    fn permutations_do_not_depend_on_threads() {
        let w = Weights::lattice(10, 10, false).unwrap();
        let v: Vec<f64> = (0..100).map(|i| ((i * 7) % 13) as f64).collect();
        let a = moran(&v, &w, Transform::Row, 99, 5).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = pool.install(|| moran(&v, &w, Transform::Row, 99, 5).unwrap());
        assert_eq!(a, b);
    }

    #[test]
    fn bad_input_is_refused() {
        let w = Weights::lattice(3, 3, false).unwrap();
        assert!(moran(&[1.0; 9], &w, Transform::Row, 0, 0).is_err());
        assert!(moran(&[1.0; 8], &w, Transform::Row, 0, 0).is_err());
        let mut v = [1.0, 2., 3., 4., 5., 6., 7., 8., 9.];
        v[3] = f64::NAN;
        assert!(geary(&v, &w, Transform::Row, 0, 0).is_err());
        let v = [1.0, 2., 3., -4., 5., 6., 7., 8., 9.];
        assert!(general_g(&v, &w, Transform::Binary, 0, 0).is_err());
        let empty = Weights::from_adjacency(&[], &[], None, 9).unwrap();
        assert!(moran(
            &[1.0, 2., 3., 4., 5., 6., 7., 8., 9.],
            &empty,
            Transform::Row,
            0,
            0
        )
        .is_err());
    }
}

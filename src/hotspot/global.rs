//! Global spatial autocorrelation on [`Weights`]: Moran's I, Geary's C and Getis–Ord General G
//! with analytical (normality and randomisation) and permutation inference, equal to esda's
//! `Moran`, `Geary` and `G` for the same weights transform (docs/methods/hotspot_intelligence.md).
//!
//! # How the permutations are made fast
//! The three statistics are quadratic forms Σᵢ<ⱼ cᵢⱼ f(yᵢ, yⱼ) with cᵢⱼ = wᵢⱼ + wⱼᵢ, so the weights
//! are folded once into unordered pairs (half the work of a sparse product). When the pairs use
//! few index offsets j − i (lattices: rook 2, queen 4), they are stored as one dense weight array
//! per offset (diagonal storage) and each permutation costs a few streaming, vectorisable passes;
//! otherwise as a pair list. Each permutation shuffles a copy of the values in place
//! (Fisher–Yates with Xoshiro256++ and Lemire's unbiased bounded integers); permutations run in
//! fixed blocks of [`BLOCK`] over rayon, each block with its own stream derived from `seed` and
//! the block number, so the results do not depend on the number of threads.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::special::norm_sf;

use super::cancel::{Cancel, NEVER};
use super::local::Transform;
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

/// Shuffle `v` in place (Fisher–Yates, every permutation equally likely). Slices shorter than
/// 2³² draw their positions as 32-bit integers, two from each 64-bit output (Lemire's unbiased
/// method on each half), which halves the generator calls.
#[inline]
pub(crate) fn shuffle<T>(rng: &mut Xoshiro256PlusPlus, v: &mut [T]) {
    if v.len() > u32::MAX as usize {
        for i in (1..v.len()).rev() {
            let j = bounded(rng, i as u64 + 1) as usize;
            v.swap(i, j);
        }
        return;
    }
    let mut buf: u64 = 0;
    let mut have = false;
    let mut next32 = |rng: &mut Xoshiro256PlusPlus| -> u32 {
        if have {
            have = false;
            (buf >> 32) as u32
        } else {
            buf = rng.next_u64();
            have = true;
            buf as u32
        }
    };
    for i in (1..v.len()).rev() {
        let s = i as u32 + 1;
        let mut m = u64::from(next32(rng)) * u64::from(s);
        let mut low = m as u32;
        if low < s {
            let t = s.wrapping_neg() % s;
            while low < t {
                m = u64::from(next32(rng)) * u64::from(s);
                low = m as u32;
            }
        }
        v.swap(i, (m >> 32) as usize);
    }
}

/// The random stream of permutation block `block` for `seed`.
pub(crate) fn block_rng(seed: u64, block: u64) -> Xoshiro256PlusPlus {
    // SplitMix-style mixing of (seed, block) into one 64-bit seed
    let mut z = seed ^ block.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Xoshiro256PlusPlus::seed_from_u64(z ^ (z >> 31))
}

/// Unordered neighbour pairs with combined weights cᵢⱼ = wᵢⱼ + wⱼᵢ (i < j).
#[derive(Debug, Clone)]
enum Pairs {
    /// Dense weight array per offset d = j − i: `w[i]` pairs i with i + d.
    Diagonal(Vec<(usize, Vec<f64>)>),
    /// Explicit pairs.
    List(Vec<(u32, u32, f64)>),
}

/// Weights folded for the global statistics, with their moments S0, S1, S2.
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
    /// Fold `w` after `transform` ('B' binary, 'R' row-standardised; an island keeps no weight).
    ///
    /// # Errors
    /// Weights with no positive weight at all (S0 = 0).
    #[allow(clippy::needless_range_loop)]
    pub fn new(w: &Weights, transform: Transform) -> Result<Self> {
        let n = w.n;
        let mut row_sum = vec![0.0; n];
        let mut col_sum = vec![0.0; n];
        let mut pairs: Vec<(u32, u32, f64)> = Vec::with_capacity(w.neighbors.len());
        for i in 0..n {
            let (nb, ws) = w.row(i);
            let scale = match transform {
                Transform::Binary => None,
                Transform::Row => {
                    let t: f64 = ws.iter().sum();
                    Some(if t > 0.0 { 1.0 / t } else { 0.0 })
                }
            };
            for (&j, &wij) in nb.iter().zip(ws) {
                let v = match scale {
                    None => 1.0,
                    Some(s) => wij * s,
                };
                row_sum[i] += v;
                col_sum[j as usize] += v;
                let (a, b) = if (i as u32) < j {
                    (i as u32, j)
                } else {
                    (j, i as u32)
                };
                pairs.push((a, b, v));
            }
        }
        if let Some(f) = Self::diagonal_fast(n, &pairs, &row_sum, &col_sum) {
            return Ok(f);
        }
        pairs.sort_unstable_by_key(|p| (p.0, p.1));
        let mut merged: Vec<(u32, u32, f64)> = Vec::with_capacity(pairs.len());
        for p in pairs {
            match merged.last_mut() {
                Some(last) if last.0 == p.0 && last.1 == p.1 => last.2 += p.2,
                _ => merged.push(p),
            }
        }
        merged.retain(|p| p.2 != 0.0);
        let s0: f64 = row_sum.iter().sum();
        if s0.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return Err(Error::argument(
                "weights",
                "no unit has a neighbour (every weight is zero): the statistic is undefined",
            ));
        }
        let s1: f64 = merged.iter().map(|p| p.2 * p.2).sum();
        let s2: f64 = row_sum
            .iter()
            .zip(&col_sum)
            .map(|(r, c)| (r + c) * (r + c))
            .sum();
        // diagonal storage when few offsets cover the pairs
        let mut offs: Vec<usize> = merged.iter().map(|p| (p.1 - p.0) as usize).collect();
        offs.sort_unstable();
        offs.dedup();
        let pairs = if !offs.is_empty()
            && offs.len() <= 16
            && offs.len() as u128 * n as u128 <= 3 * merged.len() as u128 + n as u128
        {
            let mut diags: Vec<(usize, Vec<f64>)> =
                offs.iter().map(|&d| (d, vec![0.0; n - d])).collect();
            for &(a, b, c) in &merged {
                let d = (b - a) as usize;
                if let Ok(k) = offs.binary_search(&d) {
                    diags[k].1[a as usize] = c;
                }
            }
            Pairs::Diagonal(diags)
        } else {
            Pairs::List(merged)
        };
        Ok(Folded { pairs, s0, s1, s2 })
    }

    /// Diagonal storage built without sorting, when at most 16 offsets occur (lattices).
    fn diagonal_fast(
        n: usize,
        pairs: &[(u32, u32, f64)],
        row_sum: &[f64],
        col_sum: &[f64],
    ) -> Option<Self> {
        let mut offs: Vec<usize> = Vec::new();
        for p in pairs {
            let d = (p.1 - p.0) as usize;
            if !offs.contains(&d) {
                if offs.len() == 16 || d == 0 {
                    return None;
                }
                offs.push(d);
            }
        }
        offs.sort_unstable();
        if offs.is_empty()
            || offs.len() as u128 * n as u128 > 3 * pairs.len() as u128 / 2 + n as u128
        {
            return None;
        }
        let mut diags: Vec<(usize, Vec<f64>)> =
            offs.iter().map(|&d| (d, vec![0.0; n - d])).collect();
        for &(a, b, c) in pairs {
            let d = (b - a) as usize;
            let k = offs.iter().position(|&o| o == d)?;
            diags[k].1[a as usize] += c;
        }
        let s0: f64 = row_sum.iter().sum();
        if s0.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        let s1: f64 = diags
            .iter()
            .flat_map(|(_, w)| w.iter())
            .map(|c| c * c)
            .sum();
        let s2: f64 = row_sum
            .iter()
            .zip(col_sum)
            .map(|(r, c)| (r + c) * (r + c))
            .sum();
        Some(Folded {
            pairs: Pairs::Diagonal(diags),
            s0,
            s1,
            s2,
        })
    }

    /// Σᵢ<ⱼ cᵢⱼ vᵢ vⱼ.
    #[inline]
    fn cross(&self, v: &[f64]) -> f64 {
        match &self.pairs {
            Pairs::Diagonal(d) => d
                .iter()
                .map(|(off, w)| {
                    let (a, b) = (&v[..w.len()], &v[*off..]);
                    let mut acc = [0.0f64; 4];
                    let mut k = 0;
                    while k + 4 <= w.len() {
                        for l in 0..4 {
                            acc[l] += w[k + l] * a[k + l] * b[k + l];
                        }
                        k += 4;
                    }
                    let mut s = acc[0] + acc[1] + acc[2] + acc[3];
                    for l in k..w.len() {
                        s += w[l] * a[l] * b[l];
                    }
                    s
                })
                .sum(),
            Pairs::List(p) => p
                .iter()
                .map(|&(a, b, c)| c * v[a as usize] * v[b as usize])
                .sum(),
        }
    }

    /// Σᵢ<ⱼ cᵢⱼ (vᵢ − vⱼ)².
    #[inline]
    fn sqdiff(&self, v: &[f64]) -> f64 {
        match &self.pairs {
            Pairs::Diagonal(d) => d
                .iter()
                .map(|(off, w)| {
                    let (a, b) = (&v[..w.len()], &v[*off..]);
                    let mut acc = [0.0f64; 4];
                    let mut k = 0;
                    while k + 4 <= w.len() {
                        for l in 0..4 {
                            let e = a[k + l] - b[k + l];
                            acc[l] += w[k + l] * e * e;
                        }
                        k += 4;
                    }
                    let mut s = acc[0] + acc[1] + acc[2] + acc[3];
                    for l in k..w.len() {
                        let e = a[l] - b[l];
                        s += w[l] * e * e;
                    }
                    s
                })
                .sum(),
            Pairs::List(p) => p
                .iter()
                .map(|&(a, b, c)| {
                    let e = v[a as usize] - v[b as usize];
                    c * e * e
                })
                .sum(),
        }
    }
}

/// Which global statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Statistic {
    /// Moran's I.
    Moran,
    /// Geary's C.
    Geary,
    /// Getis–Ord General G.
    GeneralG,
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

fn check_values(values: &[f64], w: &Weights, stat: Statistic) -> Result<()> {
    if values.len() != w.n {
        return Err(Error::LengthMismatch {
            name_a: "values".into(),
            len_a: values.len(),
            name_b: "weights".into(),
            len_b: w.n,
        });
    }
    if values.len() < 4 {
        return Err(Error::argument(
            "values",
            format!("{} units: global statistics need at least 4", values.len()),
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
    if stat == Statistic::GeneralG {
        if let Some(i) = values.iter().position(|&v| v < 0.0) {
            return Err(Error::value(
                "values",
                i,
                values[i],
                "General G needs values >= 0 (counts or rates)",
            ));
        }
    }
    Ok(())
}

/// Sign-folded one-sided normal p (esda: `1 - cdf(z)` above 0, `cdf(z)` below).
fn one_sided(z: f64) -> f64 {
    if z.is_nan() {
        f64::NAN
    } else {
        norm_sf(z.abs())
    }
}

/// Permuted statistics: `permutations` values of `stat(shuffled copy of v)`.
fn simulate<F>(
    v: &[f64],
    permutations: usize,
    seed: u64,
    cancel: &Cancel,
    stat: F,
) -> Result<Vec<f64>>
where
    F: Fn(&[f64]) -> f64 + Sync,
{
    let blocks = permutations.div_ceil(BLOCK);
    let out: Vec<Result<Vec<f64>>> = (0..blocks)
        .into_par_iter()
        .map(|b| {
            cancel.check()?;
            let mut rng = block_rng(seed, b as u64);
            let mut buf = v.to_vec();
            let m = BLOCK.min(permutations - b * BLOCK);
            let mut r = Vec::with_capacity(m);
            for _ in 0..m {
                shuffle(&mut rng, &mut buf);
                r.push(stat(&buf));
            }
            Ok(r)
        })
        .collect();
    cancel.check()?;
    let mut sims = Vec::with_capacity(permutations);
    for r in out {
        sims.extend(r?);
    }
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

fn blank(value: f64, f: &Folded) -> GlobalResult {
    GlobalResult {
        value,
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
    }
}

fn check_perms(permutations: usize) -> Result<()> {
    if permutations > MAX_PERMUTATIONS {
        return Err(Error::argument(
            "permutations",
            format!("{permutations}: at most {MAX_PERMUTATIONS} are supported"),
        ));
    }
    Ok(())
}

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
/// assert!((r.value - 0.118990).abs() < 1e-6); // esda, METHODS.md C6
/// assert!((r.z_norm - 1.177735).abs() < 1e-6);
/// ```
pub fn moran(
    values: &[f64],
    w: &Weights,
    transform: Transform,
    permutations: usize,
    seed: u64,
) -> Result<GlobalResult> {
    moran_with(values, w, transform, permutations, seed, &NEVER)
}

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
    // kurtosis as esda: (Σz⁴/n)/(Σz²/n)²
    let k = (m4 / n) / ((m2 / n) * (m2 / n));
    Ok((z, m2, k))
}

/// [`moran`] that stops with [`Error::Interrupted`] soon after `cancel` is set.
///
/// # Errors
/// As [`moran`]; [`Error::Interrupted`] when cancelled.
pub fn moran_with(
    values: &[f64],
    w: &Weights,
    transform: Transform,
    permutations: usize,
    seed: u64,
    cancel: &Cancel,
) -> Result<GlobalResult> {
    check_values(values, w, Statistic::Moran)?;
    check_perms(permutations)?;
    let f = Folded::new(w, transform)?;
    let (z, m2, k) = centred(values)?;
    let n = values.len() as f64;
    let scale = n / f.s0 / m2;
    let value = scale * f.cross(&z);
    let mut r = blank(value, &f);
    let (s0, s1, s2) = (f.s0, f.s1, f.s2);
    let s02 = s0 * s0;
    let n2 = n * n;
    let ei = -1.0 / (n - 1.0);
    r.expected = ei;
    r.variance_norm = (n2 * s1 - n * s2 + 3.0 * s02) / ((n - 1.0) * (n + 1.0) * s02) - ei * ei;
    let a = n * ((n2 - 3.0 * n + 3.0) * s1 - n * s2 + 3.0 * s02);
    let b = k * ((n2 - n) * s1 - 2.0 * n * s2 + 6.0 * s02);
    r.variance_rand = (a - b) / ((n - 1.0) * (n - 2.0) * (n - 3.0) * s02) - ei * ei;
    r.z_norm = (value - ei) / r.variance_norm.sqrt();
    r.z_rand = (value - ei) / r.variance_rand.sqrt();
    r.p_norm = (2.0 * one_sided(r.z_norm)).min(1.0);
    r.p_rand = (2.0 * one_sided(r.z_rand)).min(1.0);
    if permutations > 0 {
        let sims = simulate(&z, permutations, seed, cancel, |v| scale * f.cross(v))?;
        permutation_inference(&mut r, &sims);
    }
    Ok(r)
}

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
pub fn geary(
    values: &[f64],
    w: &Weights,
    transform: Transform,
    permutations: usize,
    seed: u64,
) -> Result<GlobalResult> {
    geary_with(values, w, transform, permutations, seed, &NEVER)
}

/// [`geary`] that stops with [`Error::Interrupted`] soon after `cancel` is set.
///
/// # Errors
/// As [`geary`]; [`Error::Interrupted`] when cancelled.
pub fn geary_with(
    values: &[f64],
    w: &Weights,
    transform: Transform,
    permutations: usize,
    seed: u64,
    cancel: &Cancel,
) -> Result<GlobalResult> {
    check_values(values, w, Statistic::Geary)?;
    check_perms(permutations)?;
    let f = Folded::new(w, transform)?;
    let (z, m2, k) = centred(values)?;
    let n = values.len() as f64;
    let scale = (n - 1.0) / (2.0 * f.s0 * m2);
    let value = scale * f.sqdiff(&z);
    let mut r = blank(value, &f);
    let (s0, s1, s2) = (f.s0, f.s1, f.s2);
    let s02 = s0 * s0;
    let n2 = n * n;
    r.expected = 1.0;
    let a = (n - 1.0) * s1 * (n2 - 3.0 * n + 3.0 - (n - 1.0) * k);
    let b = 0.25 * ((n - 1.0) * s2 * (n2 + 3.0 * n - 6.0 - (n2 - n + 2.0) * k));
    let c = s02 * (n2 - 3.0 - (n - 1.0) * (n - 1.0) * k);
    r.variance_rand = (a - b + c) / (n * (n - 2.0) * (n - 3.0) * s02);
    r.variance_norm = ((2.0 * s1 + s2) * (n - 1.0) - 4.0 * s02) / (2.0 * (n + 1.0) * s02);
    r.z_norm = (value - 1.0) / r.variance_norm.sqrt();
    r.z_rand = (value - 1.0) / r.variance_rand.sqrt();
    r.p_norm = one_sided(r.z_norm);
    r.p_rand = one_sided(r.z_rand);
    if permutations > 0 {
        let sims = simulate(&z, permutations, seed, cancel, |v| scale * f.sqdiff(v))?;
        permutation_inference(&mut r, &sims);
    }
    Ok(r)
}

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
pub fn general_g(
    values: &[f64],
    w: &Weights,
    transform: Transform,
    permutations: usize,
    seed: u64,
) -> Result<GlobalResult> {
    general_g_with(values, w, transform, permutations, seed, &NEVER)
}

/// [`general_g`] that stops with [`Error::Interrupted`] soon after `cancel` is set.
///
/// # Errors
/// As [`general_g`]; [`Error::Interrupted`] when cancelled.
pub fn general_g_with(
    values: &[f64],
    w: &Weights,
    transform: Transform,
    permutations: usize,
    seed: u64,
    cancel: &Cancel,
) -> Result<GlobalResult> {
    check_values(values, w, Statistic::GeneralG)?;
    check_perms(permutations)?;
    let f = Folded::new(w, transform)?;
    let y = values;
    let n = y.len() as f64;
    let s1y: f64 = y.iter().sum();
    let s2y: f64 = y.iter().map(|v| v * v).sum();
    let s3y: f64 = y.iter().map(|v| v * v * v).sum();
    let s4y: f64 = y.iter().map(|v| v * v * v * v).sum();
    let den = s1y * s1y - s2y;
    if den.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(Error::argument(
            "values",
            "General G needs at least two positive values",
        ));
    }
    let value = f.cross(y) / den;
    let mut r = blank(value, &f);
    let (s0, s1, s2) = (f.s0, f.s1, f.s2);
    let s02 = s0 * s0;
    let n2 = n * n;
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
    r.z_norm = (value - eg) / r.variance_norm.sqrt();
    r.p_norm = one_sided(r.z_norm);
    if permutations > 0 {
        let sims = simulate(y, permutations, seed, cancel, |v| f.cross(v) / den)?;
        permutation_inference(&mut r, &sims);
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_permutation_and_reproducible() {
        let mut a: Vec<u32> = (0..1000).collect();
        let mut b = a.clone();
        shuffle(&mut block_rng(7, 3), &mut a);
        shuffle(&mut block_rng(7, 3), &mut b);
        assert_eq!(a, b);
        let mut s = a.clone();
        s.sort_unstable();
        assert_eq!(s, (0..1000).collect::<Vec<u32>>());
        assert_ne!(a, s);
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
    fn diagonal_and_list_storage_agree() {
        // a lattice (diagonal storage) against the same pairs given as an irregular list
        let w = Weights::lattice(7, 9, true).unwrap();
        let f = Folded::new(&w, Transform::Row).unwrap();
        assert!(matches!(f.pairs, Pairs::Diagonal(_)));
        let list = match &f.pairs {
            Pairs::Diagonal(d) => {
                let mut l = Vec::new();
                for (off, ws) in d {
                    for (i, &c) in ws.iter().enumerate() {
                        if c != 0.0 {
                            l.push((i as u32, (i + off) as u32, c));
                        }
                    }
                }
                l
            }
            Pairs::List(_) => unreachable!(),
        };
        let g = Folded {
            pairs: Pairs::List(list),
            ..f.clone()
        };
        let v: Vec<f64> = (0..63).map(|i| ((i * 37) % 11) as f64 - 4.0).collect();
        assert!((f.cross(&v) - g.cross(&v)).abs() < 1e-9);
        assert!((f.sqdiff(&v) - g.sqdiff(&v)).abs() < 1e-9);
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

//! Emerging hotspot classification (Chainey 2020; sfhotspot `hotspot_classify`) and per-cell
//! change between two periods (`hotspot_change`) with a Poisson test
//! (docs/methods/hotspot_intelligence.md).
//!
//! Gi* is computed per period on a space–time grid of counts with binary weights and the cell
//! in its own neighbourhood; significance from conditional permutations (esda's scheme: the
//! cell keeps its value, its k neighbours' values are drawn without replacement from the other
//! n − 1 cells). The null distribution of a cell depends only on its own value and its number of
//! neighbours, so cells sharing both share one set of `permutations` draws — esda also shares
//! one set of draws across all cells — and count data have few distinct values: a 300 × 300 grid
//! needs a few hundred null distributions per period instead of 90,000.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use super::cancel::{Cancel, NEVER};
use super::global::{block_rng, bounded};
use super::weights::Weights;
use crate::error::{Error, Result};
use crate::special::norm_sf;

/// The classes (codes of [`Classification::class`]).
pub const CLASSES: [&str; 10] = [
    "no pattern",
    "persistent hotspot",
    "emerging hotspot",
    "former hotspot",
    "intermittent hotspot",
    "persistent coldspot",
    "emerging coldspot",
    "former coldspot",
    "intermittent coldspot",
    "mixed hot/coldspot",
];

/// Parameters of the classification (sfhotspot `hotspot_classify_params` defaults).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassifyParams {
    /// Least share of periods significant for any hot/cold class (0.1).
    pub hotspot_prop: f64,
    /// Least share of periods significant for a persistent class (0.8).
    pub persistent_prop: f64,
    /// Share of the periods that are "recent" (0.2; at least one period).
    pub recent_prop: f64,
    /// Significance level after the Holm adjustment (0.05).
    pub critical_p: f64,
    /// Permutations per period (999); 0 uses the normal p of z.
    pub permutations: usize,
    /// Holm-adjust each cell's p-values over its periods (once).
    pub holm: bool,
    /// Seed of the permutations.
    pub seed: u64,
}

impl Default for ClassifyParams {
    fn default() -> Self {
        ClassifyParams {
            hotspot_prop: 0.1,
            persistent_prop: 0.8,
            recent_prop: 0.2,
            critical_p: 0.05,
            permutations: 999,
            holm: true,
            seed: 0,
        }
    }
}

impl ClassifyParams {
    /// Check the parameters.
    ///
    /// # Errors
    /// A share outside (0, 1), or more than 1,000,000 permutations.
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [
            ("hotspot_prop", self.hotspot_prop),
            ("persistent_prop", self.persistent_prop),
            ("recent_prop", self.recent_prop),
            ("critical_p", self.critical_p),
        ] {
            if !(v > 0.0 && v < 1.0) {
                return Err(Error::argument(
                    name,
                    format!("must be between 0 and 1 (exclusive), got {v}"),
                ));
            }
        }
        super::global::check_permutations(self.permutations)
    }
}

/// Gi* of one period: z and the p-value used for significance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodGi {
    /// Analytic z of Gi* (esda `Zs`, binary weights with self).
    pub z: Vec<f64>,
    /// Permutation pseudo p of the nearer tail, (min(#sim ≥ obs, #sim ≤ obs) + 1)/(perms + 1) —
    /// esda's folded `p_sim` without its tie bias (esda counts ties only as "larger", so a cell of
    /// zeros among mostly empty cells looks like a significant cold spot) — or, with no
    /// permutations, the two-sided normal p.
    pub p: Vec<f64>,
}

/// Gi* (binary weights, the cell in its own neighbourhood) of one period's values.
///
/// # Errors
/// Length mismatch, negative or non-finite values, a period with no events, or
/// [`Error::Interrupted`].
pub fn gi_star_period(
    values: &[f64],
    w: &Weights,
    permutations: usize,
    seed: u64,
    period: usize,
    cancel: &Cancel,
) -> Result<PeriodGi> {
    let n = values.len();
    if n != w.n {
        return Err(Error::LengthMismatch {
            name_a: "counts".into(),
            len_a: n,
            name_b: "grid".into(),
            len_b: w.n,
        });
    }
    if n < 3 {
        return Err(Error::argument("counts", "Gi* needs at least 3 cells"));
    }
    if let Some(i) = values.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        return Err(Error::value(
            "counts",
            i,
            values[i],
            "counts must be finite and >= 0",
        ));
    }
    let total: f64 = values.iter().sum();
    if total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(Error::argument(
            "periods",
            format!(
                "period {period} has no events: Gi* is undefined; drop it or use longer periods"
            ),
        ));
    }
    let nf = n as f64;
    let mean = total / nf;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / nf;
    let (s_ratio, mut z) = (var.sqrt() / mean, vec![0.0; n]);
    // neighbour sums (without self) and cardinalities
    let mut nb_sum = vec![0.0; n];
    let mut k = vec![0usize; n];
    for i in 0..n {
        let (nb, _) = w.row(i);
        k[i] = nb.len();
        nb_sum[i] = nb.iter().map(|&j| values[j as usize]).sum();
        let wi = (nb.len() + 1) as f64;
        let g = (values[i] + nb_sum[i]) / total;
        let e = wi / nf;
        let v = wi * (nf - wi) / (nf - 1.0) / (nf * nf) * s_ratio * s_ratio;
        z[i] = (g - e) / v.sqrt();
    }
    if permutations == 0 {
        let p = z
            .iter()
            .map(|&zz| {
                if zz.is_nan() {
                    1.0
                } else {
                    (2.0 * norm_sf(zz.abs())).min(1.0)
                }
            })
            .collect();
        return Ok(PeriodGi { z, p });
    }
    // classes of (own value, neighbour count) share one null distribution
    let mut class_of: HashMap<(u64, usize), usize> = HashMap::new();
    let mut reps: Vec<(usize, usize)> = Vec::new(); // (representative cell, k)
    let mut cls = vec![0usize; n];
    for i in 0..n {
        let key = (values[i].to_bits(), k[i]);
        let c = *class_of.entry(key).or_insert_with(|| {
            reps.push((i, k[i]));
            reps.len() - 1
        });
        cls[i] = c;
    }
    let sims: Vec<Result<Vec<f64>>> = reps
        .par_iter()
        .enumerate()
        .map(|(c, &(rep, kk))| {
            cancel.check()?;
            let kk = kk.min(n - 1);
            let mut rng = block_rng(
                seed ^ (period as u64).wrapping_mul(0x2545_F491_4F6C_DD1D),
                c as u64,
            );
            let mut out = Vec::with_capacity(permutations);
            let mut draw: Vec<u32> = Vec::with_capacity(kk);
            let mut pool: Vec<u32> = Vec::new();
            for _ in 0..permutations {
                let mut s = 0.0;
                if 4 * kk <= n {
                    draw.clear();
                    while draw.len() < kk {
                        let r = bounded(&mut rng, (n - 1) as u64) as u32;
                        if !draw.contains(&r) {
                            draw.push(r);
                        }
                    }
                    for &r in &draw {
                        let j = if r as usize >= rep {
                            r as usize + 1
                        } else {
                            r as usize
                        };
                        s += values[j];
                    }
                } else {
                    if pool.is_empty() {
                        pool = (0..(n - 1) as u32).collect();
                    }
                    for t in 0..kk {
                        let r = t + bounded(&mut rng, (pool.len() - t) as u64) as usize;
                        pool.swap(t, r);
                        let q = pool[t] as usize;
                        s += values[if q >= rep { q + 1 } else { q }];
                    }
                }
                out.push(s);
            }
            out.sort_by(f64::total_cmp);
            Ok(out)
        })
        .collect();
    let sims = sims.into_iter().collect::<Result<Vec<_>>>()?;
    let m = permutations;
    let p = (0..n)
        .map(|i| {
            let s = &sims[cls[i]];
            let obs = nb_sum[i];
            let tol = 1e-9 * obs.abs().max(1.0);
            // the smaller tail, ties counted in both: #(sim >= obs) and #(sim <= obs)
            let larger = m - s.partition_point(|&v| v < obs - tol);
            let smaller = s.partition_point(|&v| v <= obs + tol);
            (larger.min(smaller) as f64 + 1.0) / (m as f64 + 1.0)
        })
        .collect();
    Ok(PeriodGi { z, p })
}

/// Holm (1979) step-down adjusted p-values (R `p.adjust(method = "holm")`).
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        let adj = ((m - rank) as f64 * p[i]).min(1.0);
        running = running.max(adj);
        out[i] = running;
    }
    out
}

/// The classification of every cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// Number of periods.
    pub periods: usize,
    /// Number of recent periods.
    pub recent: usize,
    /// Gi* z, cell-major (cell × period).
    pub z: Vec<f64>,
    /// p used (permutation or normal), cell-major.
    pub p: Vec<f64>,
    /// Holm-adjusted p (equal to `p` without adjustment), cell-major.
    pub p_adjusted: Vec<f64>,
    /// Significant hot (+1), cold (−1) or neither (0), cell-major.
    pub sig: Vec<i8>,
    /// Class code per cell (index into [`CLASSES`]).
    pub class: Vec<u8>,
}

/// Classify cells from their counts in consecutive periods.
///
/// `counts` is period-major: `counts[t * n + i]` = events in cell i in period t.
/// Rules (sfhotspot, with its recent-window off-by-one fixed): R = max(1, ⌊recent_prop·T⌋)
/// recent periods, the rest older; a cell-period is a significant hot (cold) spot when its
/// Holm-adjusted p < critical_p and z > 0 (< 0). With shares of significant periods overall
/// (`all`), older and recent: persistent if all ≥ persistent_prop; else emerging if older <
/// hotspot_prop and recent ≥ hotspot_prop; else former if older ≥ hotspot_prop and recent <
/// hotspot_prop; else intermittent if all ≥ hotspot_prop; else no pattern. A cell with both a
/// hot and a cold class is "mixed hot/coldspot".
///
/// # Errors
/// Fewer than 2 periods or `counts` not a whole number of periods; a period with no events; bad
/// parameters (see [`ClassifyParams::validate`]); [`Error::Interrupted`].
///
/// # Examples
/// ```
/// use saferstats::hotspot::{classify::*, weights::Weights};
/// // 9 x 9 cells, 5 periods; cell 10 always busy, a block around cell 70 busy in the last period
/// let w = Weights::lattice(9, 9, true).unwrap();
/// let mut counts = vec![1.0; 81 * 5];
/// for (t, v) in [30.0, 30.0, 30.0, 30.0, 30.0].iter().enumerate() { counts[t * 81 + 10] = *v; }
/// for k in [60, 61, 62, 69, 70, 71, 78, 79, 80] { counts[4 * 81 + k] = 40.0; } // a new 3 x 3 block
/// let p = ClassifyParams { permutations: 0, ..Default::default() };
/// let c = classify(&counts, &w, 5, &p).unwrap();
/// assert_eq!(CLASSES[c.class[10] as usize], "persistent hotspot");
/// assert_eq!(CLASSES[c.class[70] as usize], "emerging hotspot");
/// ```
pub fn classify(
    counts: &[f64],
    w: &Weights,
    periods: usize,
    params: &ClassifyParams,
) -> Result<Classification> {
    classify_with(counts, w, periods, params, &NEVER)
}

/// [`classify`] that stops with [`Error::Interrupted`] soon after `cancel` is set.
///
/// # Errors
/// As [`classify`]; [`Error::Interrupted`] when cancelled.
pub fn classify_with(
    counts: &[f64],
    w: &Weights,
    periods: usize,
    params: &ClassifyParams,
    cancel: &Cancel,
) -> Result<Classification> {
    params.validate()?;
    let n = w.n;
    if periods < 2 {
        return Err(Error::argument(
            "periods",
            format!("{periods} period(s): the classification needs at least 2"),
        ));
    }
    if n == 0 || counts.len() != n * periods {
        return Err(Error::argument(
            "counts",
            format!(
                "{} values are not {periods} periods of {n} cells",
                counts.len()
            ),
        ));
    }
    let per: Vec<PeriodGi> = (0..periods)
        .map(|t| {
            gi_star_period(
                &counts[t * n..(t + 1) * n],
                w,
                params.permutations,
                params.seed,
                t,
                cancel,
            )
        })
        .collect::<Result<_>>()?;
    let t_all = periods;
    let recent = ((params.recent_prop * t_all as f64).floor() as usize).clamp(1, t_all - 1);
    let older = t_all - recent;
    let mut out = Classification {
        periods,
        recent,
        z: vec![0.0; n * periods],
        p: vec![0.0; n * periods],
        p_adjusted: vec![0.0; n * periods],
        sig: vec![0; n * periods],
        class: vec![0; n],
    };
    let classify_one = |hits: &[bool]| -> Option<u8> {
        let all = hits.iter().filter(|&&h| h).count() as f64 / t_all as f64;
        let old = hits[..older].iter().filter(|&&h| h).count() as f64 / older as f64;
        let rec = hits[older..].iter().filter(|&&h| h).count() as f64 / recent as f64;
        if all >= params.persistent_prop {
            Some(0)
        } else if old < params.hotspot_prop && rec >= params.hotspot_prop {
            Some(1)
        } else if old >= params.hotspot_prop && rec < params.hotspot_prop {
            Some(2)
        } else if all >= params.hotspot_prop {
            Some(3)
        } else {
            None
        }
    };
    for i in 0..n {
        let p: Vec<f64> = (0..periods).map(|t| per[t].p[i]).collect();
        let adj = if params.holm { holm(&p) } else { p.clone() };
        let mut hot = vec![false; periods];
        let mut cold = vec![false; periods];
        for t in 0..periods {
            let z = per[t].z[i];
            let k = i * periods + t;
            out.z[k] = z;
            out.p[k] = p[t];
            out.p_adjusted[k] = adj[t];
            if adj[t] < params.critical_p && z.is_finite() {
                if z > 0.0 {
                    hot[t] = true;
                    out.sig[k] = 1;
                } else if z < 0.0 {
                    cold[t] = true;
                    out.sig[k] = -1;
                }
            }
        }
        out.class[i] = match (classify_one(&hot), classify_one(&cold)) {
            (Some(_), Some(_)) => 9,
            (Some(h), None) => 1 + h,
            (None, Some(c)) => 5 + c,
            (None, None) => 0,
        };
    }
    Ok(out)
}

/// Per-cell change between two periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// after − before.
    pub change: Vec<f64>,
    /// Rate ratio after/before, adjusted for the periods' lengths (NaN where before = 0).
    pub ratio: Vec<f64>,
    /// Two-sided exact conditional (binomial) p of no change in rate.
    pub p_value: Vec<f64>,
}

/// Change in each cell's count between a "before" and an "after" period, with the exact
/// conditional Poisson test of equal rates (Przyborowski & Wilenski 1940): given n = before +
/// after, after ~ Binomial(n, d_after/(d_before + d_after)) under no change, with d the periods'
/// lengths; two-sided p as R `binom.test` (poisson.test with two samples).
///
/// # Errors
/// Length mismatch; counts that are negative, missing or not whole; lengths ≤ 0.
///
/// # Examples
/// ```
/// let c = saferstats::hotspot::classify::change(&[10.0, 0.0], &[2.0, 0.0], 1.0, 1.0).unwrap();
/// assert_eq!(c.change, vec![-8.0, 0.0]);
/// assert!((c.p_value[0] - 0.03857422).abs() < 1e-8); // R binom.test(2, 12)
/// assert_eq!(c.p_value[1], 1.0);
/// ```
pub fn change(
    before: &[f64],
    after: &[f64],
    length_before: f64,
    length_after: f64,
) -> Result<Change> {
    crate::ci::check_lengths(&[("before", before.len()), ("after", after.len())])?;
    for (name, v) in [("before", before), ("after", after)] {
        if let Some(i) = v
            .iter()
            .position(|x| !(x.is_finite() && *x >= 0.0 && x.fract() == 0.0 && *x < 9e15))
        {
            return Err(Error::value(
                name,
                i,
                v[i],
                "counts must be whole numbers >= 0",
            ));
        }
    }
    for (name, d) in [
        ("length_before", length_before),
        ("length_after", length_after),
    ] {
        if !(d.is_finite() && d > 0.0) {
            return Err(Error::argument(name, format!("must be > 0, got {d}")));
        }
    }
    let p0 = length_after / (length_before + length_after);
    let mut out = Change {
        change: Vec::with_capacity(before.len()),
        ratio: Vec::with_capacity(before.len()),
        p_value: Vec::with_capacity(before.len()),
    };
    for (&b, &a) in before.iter().zip(after) {
        out.change.push(a - b);
        out.ratio.push(if b > 0.0 {
            (a / length_after) / (b / length_before)
        } else {
            f64::NAN
        });
        let n = (a + b) as u64;
        out.p_value.push(if n == 0 {
            1.0
        } else {
            crate::special::binom_test_two_sided(a as u64, n, p0)
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holm_matches_r() {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.2), "holm") = 0.04 0.09 0.09 0.20
        let a = holm(&[0.01, 0.04, 0.03, 0.2]);
        for (x, y) in a.iter().zip([0.04, 0.09, 0.09, 0.2]) {
            assert!((x - y).abs() < 1e-12, "{a:?}");
        }
    }

    #[test]
    fn permutation_p_is_reproducible_and_small_for_a_cluster() {
        let w = Weights::lattice(15, 15, true).unwrap();
        let mut v = vec![0.0; 225];
        for i in [100, 101, 102, 115, 116, 117, 85, 86, 87] {
            v[i] = 10.0;
        }
        v[3] = 1.0;
        let a = gi_star_period(&v, &w, 999, 4, 0, &NEVER).unwrap();
        let b = gi_star_period(&v, &w, 999, 4, 0, &NEVER).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.p[101], 0.001);
        assert!(a.z[101] > 5.0);
        assert!(gi_star_period(&[0.0; 225], &w, 9, 0, 3, &NEVER).is_err());
    }

    #[test]
    fn bad_input() {
        let w = Weights::lattice(3, 3, true).unwrap();
        let p = ClassifyParams::default();
        assert!(classify(&[1.0; 9], &w, 1, &p).is_err());
        assert!(classify(&[1.0; 17], &w, 2, &p).is_err());
        let bad = ClassifyParams {
            recent_prop: 1.5,
            ..p
        };
        assert!(classify(&[1.0; 18], &w, 2, &bad).is_err());
        assert!(change(&[1.5], &[1.0], 1.0, 1.0).is_err());
        assert!(change(&[1.0], &[1.0], 0.0, 1.0).is_err());
    }
}

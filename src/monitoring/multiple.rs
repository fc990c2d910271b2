//! Multiple-testing adjustment of p-values: Holm, Bonferroni, Benjamini–Hochberg (R `p.adjust`).
//!
//! # Method
//! With `m` non-missing p-values sorted ascending `p_(1) ≤ … ≤ p_(m)`:
//! * Bonferroni: `min(1, m p)`;
//! * Holm (1979; family-wise error, uniformly more powerful than Bonferroni):
//!   `p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j))`;
//! * Benjamini–Hochberg (1995; false discovery rate): `p̃_(i) = min_{j ≥ i} min(1, m p_(j) / j)`.
//!
//! NaN p-values stay NaN and do not count in `m` (as `p.adjust`, `n = length(p)` of the
//! non-missing values).
//!
//! # Reference
//! Holm S (1979) *Scand J Statist* 6, 65–70; Benjamini Y, Hochberg Y (1995) *JRSS B* 57, 289–300;
//! R `stats::p.adjust`.

use crate::error::{Error, Result};

choice! {
    /// Adjustment method.
    pub enum Adjust("method", "p-value adjustment") {
        /// Holm's step-down (family-wise error rate).
        Holm = "holm",
        /// Benjamini–Hochberg (false discovery rate).
        Bh = "bh" | "fdr_bh" | "BH" | "fdr",
        /// Bonferroni.
        Bonferroni = "bonferroni",
    }
}

/// Adjusted p-values in input order.
///
/// # Errors
/// [`Error::InvalidValue`] for a p-value outside [0, 1].
///
/// # Examples
/// ```
/// use saferstats::monitoring::multiple::{p_adjust, Adjust};
/// // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
/// let h = p_adjust(&[0.01, 0.04, 0.03, 0.005], Adjust::Holm).unwrap();
/// assert!(h.iter().zip([0.03, 0.06, 0.06, 0.02]).all(|(a, b)| (a - b).abs() < 1e-12));
/// ```
pub fn p_adjust(p: &[f64], method: Adjust) -> Result<Vec<f64>> {
    for (i, &x) in p.iter().enumerate() {
        if !x.is_nan() && !(0.0..=1.0).contains(&x) {
            return Err(Error::value("p", i, x, "a p-value must be in [0, 1]"));
        }
    }
    let mut idx: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let m = idx.len() as f64;
    let mut out = vec![f64::NAN; p.len()];
    match method {
        Adjust::Bonferroni => {
            for &i in &idx {
                out[i] = (m * p[i]).min(1.0);
            }
        }
        Adjust::Holm => {
            let mut run: f64 = 0.0;
            for (j, &i) in idx.iter().enumerate() {
                run = run.max(((m - j as f64) * p[i]).min(1.0));
                out[i] = run;
            }
        }
        Adjust::Bh => {
            let mut run: f64 = 1.0;
            for (j, &i) in idx.iter().enumerate().rev() {
                run = run.min((m * p[i] / (j as f64 + 1.0)).min(1.0));
                out[i] = run;
            }
        }
    }
    Ok(out)
}

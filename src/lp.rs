//! Small dense linear programmes: phase I of the simplex method, shared by the separation check
//! of [`crate::glm::mle_exists`] and the linear-programming attack of [`crate::disclosure`].

/// Is `b` a non-negative combination of `cols` (∃ z ≥ 0: Σ_c z_c·cols\[c\] = b)? Phase I of the
/// simplex method: dense tableau with artificial variables, rows scaled to unit maximum, Bland's
/// rule (no cycling). `None` if the iteration cap is reached (then nothing is known).
pub(crate) fn cone_contains(cols: &[&[f64]], b: &[f64]) -> Option<bool> {
    let m = b.len();
    let nv = cols.len();
    let width = nv + m + 1; // variables, artificials, right-hand side
    let mut t = vec![0.0; m * width];
    for r in 0..m {
        let sign = if b[r] < 0.0 { -1.0 } else { 1.0 };
        let mut scale = b[r].abs();
        for c in cols {
            scale = scale.max(c[r].abs());
        }
        if scale == 0.0 || !scale.is_finite() {
            scale = 1.0;
        }
        let f = sign / scale;
        for (k, c) in cols.iter().enumerate() {
            t[r * width + k] = c[r] * f;
        }
        t[r * width + nv + r] = 1.0;
        t[r * width + width - 1] = b[r] * f;
    }
    let mut basis: Vec<usize> = (nv..nv + m).collect();
    const EPS: f64 = 1e-9;
    for _ in 0..(50 * (width + m)).max(1000) {
        // reduced costs of the phase-I objective (sum of artificials): -sum of rows whose basic
        // variable is artificial, over the non-artificial columns
        let mut entering = None;
        for k in 0..nv + m {
            if basis.contains(&k) {
                continue;
            }
            let mut rc = if k >= nv { 1.0 } else { 0.0 };
            for (r, &bv) in basis.iter().enumerate() {
                if bv >= nv {
                    rc -= t[r * width + k];
                }
            }
            if rc < -EPS {
                entering = Some(k);
                break; // Bland: the lowest index with a negative reduced cost
            }
        }
        let Some(k) = entering else {
            let infeasibility: f64 = basis
                .iter()
                .enumerate()
                .filter(|&(_, &bv)| bv >= nv)
                .map(|(r, _)| t[r * width + width - 1])
                .sum();
            return Some(infeasibility <= 1e-7);
        };
        // ratio test, ties broken by the lowest basic index (Bland)
        let mut leave: Option<(usize, f64)> = None;
        for r in 0..m {
            let a = t[r * width + k];
            if a > EPS {
                let ratio = t[r * width + width - 1] / a;
                leave = match leave {
                    Some((lr, best))
                        if ratio > best + EPS
                            || ((ratio - best).abs() <= EPS && basis[r] > basis[lr]) =>
                    {
                        Some((lr, best))
                    }
                    _ => Some((r, ratio)),
                };
            }
        }
        // an unbounded direction cannot occur in phase I (the objective is bounded below by 0)
        let (r, _) = leave?;
        let piv = t[r * width + k];
        for c in 0..width {
            t[r * width + c] /= piv;
        }
        for rr in 0..m {
            if rr != r {
                let f = t[rr * width + k];
                if f != 0.0 {
                    for c in 0..width {
                        t[rr * width + c] -= f * t[r * width + c];
                    }
                }
            }
        }
        basis[r] = k;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::cone_contains;

    #[test]
    fn cone_membership() {
        let g1 = [1.0, 0.0];
        let g2 = [0.0, 1.0];
        let gens: Vec<&[f64]> = vec![&g1, &g2];
        assert_eq!(cone_contains(&gens, &[2.0, 3.0]), Some(true));
        assert_eq!(cone_contains(&gens, &[-1.0, 3.0]), Some(false));
        assert_eq!(cone_contains(&[], &[0.0, 0.0]), Some(true));
        assert_eq!(cone_contains(&[], &[0.0, 1.0]), Some(false));
        assert_eq!(cone_contains(&[], &[]), Some(true));
    }
}

//! Nearest-neighbour statistics for comparison with existing practice: the Clark–Evans index
//! (spatstat `clarkevans`, docs/methods/hotspots.md C7) and CrimeStat's nearest-neighbour hierarchical
//! clustering threshold distance (docs/methods/hotspots.md C3).

use serde::Serialize;

use super::index::min_max;
use crate::error::{Error, Result};
use crate::special::{norm_ppf, p_two_sided};

/// Clark–Evans aggregation index.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClarkEvans {
    /// Mean nearest-neighbour distance.
    pub r_obs: f64,
    /// Expected mean distance under complete spatial randomness, 0.5·√(A/n).
    pub r_exp: f64,
    /// R = r_obs / r_exp (< 1 clustered, > 1 dispersed).
    pub r: f64,
    /// z = (r_obs − r_exp) / SE with SE = √((4 − π)/(4π))·√A / n (spatstat `clarkevans.test`).
    pub z: f64,
    /// Two-sided normal p.
    pub p_value: f64,
    /// R with Donnelly's edge correction (NaN without a perimeter).
    pub r_donnelly: f64,
}

/// The standard error constant of the Clark–Evans mean nearest-neighbour distance under complete
/// spatial randomness, √((4 − π)/(4π)) = 0.2613616…: SE = this·√A / n (Clark & Evans 1954; spatstat
/// `clarkevans.test` computes it exactly; 0.26136 in CrimeStat and older texts is its rounding).
pub const CLARK_EVANS_SE: f64 = 0.261_361_600_438_531_7;

/// Mean distance from each point to its nearest other point (grid search, exact).
pub fn mean_nearest_neighbour(x: &[f64], y: &[f64]) -> Result<f64> {
    super::index::check_planar(x, y, None)?;
    let n = x.len();
    if n < 2 {
        return Err(Error::argument(
            "x",
            "nearest neighbours need at least 2 points",
        ));
    }
    let ((xmin, xmax), (ymin, ymax)) = (min_max(x), min_max(y));
    let span = (xmax - xmin).max(ymax - ymin).max(1e-12);
    let cell = (span / (n as f64).sqrt()).max(1e-12);
    let key = |i: usize| {
        (
            ((x[i] - xmin) / cell).floor() as i64,
            ((y[i] - ymin) / cell).floor() as i64,
        )
    };
    let mut bins: std::collections::HashMap<(i64, i64), Vec<u32>> =
        std::collections::HashMap::new();
    for i in 0..n {
        bins.entry(key(i)).or_default().push(i as u32);
    }
    let max_ring = (span / cell).ceil() as i64 + 1;
    let total: f64 = (0..n)
        .map(|i| {
            let (ki, kj) = key(i);
            let mut best = f64::INFINITY;
            let mut ring = 0i64;
            // search rings of cells until the ring's inner distance exceeds the best found
            'rings: while ring <= max_ring {
                for di in -ring..=ring {
                    for dj in -ring..=ring {
                        if di.abs() != ring && dj.abs() != ring {
                            continue;
                        }
                        if let Some(v) = bins.get(&(ki + di, kj + dj)) {
                            for &j in v {
                                let j = j as usize;
                                if j != i {
                                    best = best.min((x[i] - x[j]).hypot(y[i] - y[j]));
                                    if best == 0.0 {
                                        // a duplicate: nothing is nearer (many points at one
                                        // location must not make this quadratic)
                                        break 'rings;
                                    }
                                }
                            }
                        }
                    }
                }
                if best <= ring as f64 * cell {
                    break;
                }
                ring += 1;
            }
            best
        })
        .sum();
    Ok(total / n as f64)
}

/// Clark–Evans index of the points in a study area of `area` (and `perimeter`, for Donnelly's
/// correction).
///
/// # Errors
/// Fewer than 2 points; non-finite coordinates; area ≤ 0.
///
/// # Examples
/// ```
/// let x = [10., 20., 35., 50., 55., 70., 80., 90., 15., 60.];
/// let y = [10., 15., 80., 50., 52., 20., 85., 40., 60., 90.];
/// let ce = saferstats::hotspot::nni::clark_evans(&x, &y, 10_000.0, Some(400.0)).unwrap();
/// // spatstat 3.0.3 clarkevans.test(correction = "none"): R = 1.1772572, p = 0.28356785
/// assert!((ce.r - 1.1772572).abs() < 1e-6 && (ce.z - 1.0723389).abs() < 1e-6);
/// assert!((ce.p_value - 0.283567852535169).abs() < 1e-9);
/// ```
pub fn clark_evans(x: &[f64], y: &[f64], area: f64, perimeter: Option<f64>) -> Result<ClarkEvans> {
    if !(area.is_finite() && area > 0.0) {
        return Err(Error::argument(
            "area",
            "the study area must be a positive number",
        ));
    }
    let r_obs = mean_nearest_neighbour(x, y)?;
    let n = x.len() as f64;
    let r_exp = 0.5 * (area / n).sqrt();
    let z = (r_obs - r_exp) / (CLARK_EVANS_SE * area.sqrt() / n);
    let r_donnelly = match perimeter {
        Some(p) if p.is_finite() && p > 0.0 => {
            r_obs / (r_exp + (0.0514 + 0.0412 / n.sqrt()) * p / n)
        }
        _ => f64::NAN,
    };
    Ok(ClarkEvans {
        r_obs,
        r_exp,
        r: r_obs / r_exp,
        z,
        p_value: p_two_sided(z),
        r_donnelly,
    })
}

/// CrimeStat NNH threshold distance: r̄_rand − t_p·SE with r̄_rand = 0.5√(A/N),
/// SE = 0.26136/√(N²/A) and t_p the one-tailed normal quantile for probability `p`.
///
/// # Errors
/// n < 2, area ≤ 0, p outside (0, 1).
///
/// # Examples
/// ```
/// let t = saferstats::hotspot::nni::nnh_threshold(10, 10_000.0, 0.1).unwrap();
/// assert!((t - 12.461925).abs() < 1e-5); // docs/methods/hotspots.md C3
/// ```
pub fn nnh_threshold(n: usize, area: f64, p: f64) -> Result<f64> {
    if n < 2 {
        return Err(Error::argument("n", "need at least 2 points"));
    }
    if !(area.is_finite() && area > 0.0) {
        return Err(Error::argument(
            "area",
            "the study area must be a positive number",
        ));
    }
    if !(p > 0.0 && p < 1.0) {
        return Err(Error::argument(
            "p",
            "the probability must be between 0 and 1",
        ));
    }
    let nf = n as f64;
    let r_rand = 0.5 * (area / nf).sqrt();
    let se = 0.26136 / (nf * nf / area).sqrt();
    Ok(r_rand - norm_ppf(1.0 - p) * se)
}

#[cfg(test)]
mod tests {
    use super::clark_evans;

    #[test]
    fn huge_coordinates_do_not_overflow_the_distances() {
        // squared differences of 1e300 overflow; hypot does not: r_obs is the true mean
        // nearest-neighbour distance by hand: A-C and C-A 0.5e300, B-C √1.25·1e300
        let s = 1e300;
        let ce = clark_evans(&[0.0, s, 0.5 * s], &[0.0, s, 0.0], 1e300, None).unwrap();
        let want = (0.5 * s + 0.5 * s + 1.25f64.sqrt() * s) / 3.0;
        assert!(
            ce.r_obs.is_finite() && (ce.r_obs / want - 1.0).abs() < 1e-12,
            "{}",
            ce.r_obs
        );
    }
}

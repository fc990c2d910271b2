//! Special-function helpers shared by every analysis.
//!
//! Thin wrappers over [`statrs`] (normal quantiles, regularised incomplete gamma and beta,
//! binomial distribution) plus one dedicated routine, [`gamma_quantile`]: statrs'
//! `Gamma::inverse_cdf` / `ChiSquared::inverse_cdf` bisect and take about 4 µs a call, which is too
//! slow for exact Poisson limits on millions of rows (docs/methods/rates.md F). `gamma_quantile` starts from
//! the Wilson–Hilferty approximation and refines with Halley steps on statrs' regularised gamma
//! (Numerical Recipes, 3rd ed., §6.2.1 `invgammp`), converging to full double precision.

use statrs::distribution::{Binomial, ContinuousCDF, Discrete, DiscreteCDF, Normal};
use statrs::function::beta::checked_beta_reg;
use statrs::function::gamma::{checked_gamma_lr, checked_gamma_ur, ln_gamma};

use crate::error::{Error, Result};

/// Smallest two-sided confidence level accepted by [`check_confidence`].
pub const MIN_CONFIDENCE: f64 = 0.5;

/// Largest two-sided confidence level (below 1) accepted by [`check_confidence`]: 99.99%,
/// z = 3.8906. Beyond it the tail quantiles approach the limits of double precision (at
/// 0.9999999999999999 the critical value `Φ⁻¹(c + (1 − c)/2)` is already infinite) and no
/// published indicator uses them; 1.0 itself is accepted only where the method defines it
/// ([`check_confidence_or_one`]).
pub const MAX_CONFIDENCE: f64 = 0.9999;

/// Validate a two-sided confidence level: a fraction with
/// [`MIN_CONFIDENCE`] ≤ confidence ≤ [`MAX_CONFIDENCE`] (0.5–0.9999). Returns it unchanged.
///
/// Percentages (95, 99.8) and lists of levels are a convenience of the Python API, which
/// rescales them before calling the core (`saferstats._confidence`); the core takes fractions.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `confidence` when it is NaN or outside the range.
///
/// # Examples
/// ```
/// use saferstats::special::check_confidence;
/// assert!(check_confidence(0.95).is_ok() && check_confidence(0.998).is_ok());
/// assert!(check_confidence(95.0).is_err()); // the core takes fractions
/// assert!(check_confidence(0.9999999999999999).is_err()); // z would be infinite
/// assert!(check_confidence(1.0).is_err());
/// ```
pub fn check_confidence(confidence: f64) -> Result<f64> {
    if (MIN_CONFIDENCE..=MAX_CONFIDENCE).contains(&confidence) {
        Ok(confidence)
    } else {
        Err(confidence_error(confidence, false))
    }
}

/// As [`check_confidence`], but also accepts exactly 1.0 — for methods that define a 100%
/// interval (the Wilson score interval: (0, 1), docs/methods/rates.md A2).
///
/// # Errors
/// [`Error::InvalidArgument`] naming `confidence` when it is NaN or outside 0.5–0.9999 and not 1.
///
/// # Examples
/// ```
/// use saferstats::special::check_confidence_or_one;
/// assert!(check_confidence_or_one(1.0).is_ok());
/// assert!(check_confidence_or_one(0.99999).is_err());
/// ```
pub fn check_confidence_or_one(confidence: f64) -> Result<f64> {
    if confidence == 1.0 {
        Ok(confidence)
    } else {
        check_confidence(confidence).map_err(|_| confidence_error(confidence, true))
    }
}

fn confidence_error(confidence: f64, one_allowed: bool) -> Error {
    let hint = if confidence > 1.0 && confidence <= 100.0 {
        format!(
            " (as a fraction: {} — the Python API rescales percentages)",
            confidence / 100.0
        )
    } else {
        String::new()
    };
    let one = if one_allowed { ", or exactly 1" } else { "" };
    Error::argument(
        "confidence",
        format!(
            "must be a level between {MIN_CONFIDENCE} and {MAX_CONFIDENCE}{one} \
             (e.g. 0.95 or 0.998), got {confidence}{hint}"
        ),
    )
}

/// Standard normal quantile Φ⁻¹(p).
///
/// # Examples
/// ```
/// let z = saferstats::special::norm_ppf(0.975);
/// assert!((z - 1.959963984540054).abs() < 1e-12);
/// ```
pub fn norm_ppf(p: f64) -> f64 {
    std_normal().inverse_cdf(p)
}

/// Student t quantile `F⁻¹(p)` with `df` degrees of freedom (statrs' `StudentsT`). Above
/// 10⁷ degrees of freedom the normal quantile is returned (they agree to ~1e-7 there, and statrs'
/// inversion does not terminate promptly for huge `df`).
///
/// # Errors
/// [`Error::InvalidArgument`] on `p` (outside (0, 1)) or `df` (not positive and finite).
///
/// # Examples
/// ```
/// // R: qt(0.975, 4) = 2.776445105197793
/// let t = saferstats::special::t_quantile(0.975, 4.0).unwrap();
/// assert!((t - 2.776445105197793).abs() < 1e-9);
/// ```
pub fn t_quantile(p: f64, df: f64) -> Result<f64> {
    use statrs::distribution::StudentsT;
    if !(p > 0.0 && p < 1.0) {
        return Err(Error::argument("p", format!("must be in (0, 1), got {p}")));
    }
    if !(df > 0.0 && df.is_finite()) {
        return Err(Error::argument(
            "df",
            format!("must be positive and finite, got {df}"),
        ));
    }
    if df > 1e7 {
        return Ok(norm_ppf(p));
    }
    let t = StudentsT::new(0.0, 1.0, df).map_err(|e| Error::argument("df", e.to_string()))?;
    Ok(t.inverse_cdf(p))
}

/// Standard normal survival function 1 − Φ(x), accurate in the upper tail.
///
/// # Examples
/// ```
/// assert!((saferstats::special::norm_sf(1.959963984540054) - 0.025).abs() < 1e-10);
/// ```
pub fn norm_sf(x: f64) -> f64 {
    std_normal().sf(x)
}

/// Two-sided critical value z = Φ⁻¹(c + (1 − c)/2) for confidence level `c` (PHE convention).
///
/// # Examples
/// ```
/// let z = saferstats::special::z_two_sided(0.998);
/// assert!((z - 3.090232306167813).abs() < 1e-9);
/// ```
pub fn z_two_sided(confidence: f64) -> f64 {
    norm_ppf(confidence + (1.0 - confidence) / 2.0)
}

/// Two-sided p-value 2·(1 − Φ(|z|)) of a standard normal test statistic.
///
/// # Examples
/// ```
/// assert!((saferstats::special::p_two_sided(1.959963984540054) - 0.05).abs() < 1e-10);
/// ```
pub fn p_two_sided(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    (2.0 * norm_sf(z.abs())).min(1.0)
}

fn std_normal() -> Normal {
    // Normal::new(0, 1) cannot fail; fall back to the standard constructor either way.
    Normal::standard()
}

/// Shape above which [`gamma_quantile`] returns the Wilson–Hilferty value directly.
pub const GAMMA_WH_ABOVE: f64 = 1e7;

/// Quantile of the Gamma(shape `a`, scale 1) distribution: the x with P(a, x) = p.
///
/// Exact Poisson limits are gamma quantiles: the Garwood lower limit for count x is
/// `gamma_quantile(α/2, x)` and the upper `gamma_quantile(1 − α/2, x + 1)`
/// (= χ²(2x)/2 quantiles). `a = 0` is the degenerate distribution at 0 (R's `qchisq(p, 0) = 0`).
///
/// Method: Numerical Recipes §6.2.1 starting values, Halley refinement on statrs' regularised
/// incomplete gamma, using the upper tail Q(a, x) when p > 0.5 for accuracy. Agrees with
/// `scipy.stats.gamma.ppf` to ~1e-13 relative. Above a = 1e7 ([`GAMMA_WH_ABOVE`]) the
/// Wilson–Hilferty approximation itself is returned (relative error < 1e-10 for
/// 0.001 ≤ p ≤ 0.999), keeping the cost bounded for huge counts.
///
/// # Examples
/// ```
/// // upper 95% exact Poisson limit for a count of 0: -ln(0.025)
/// let u = saferstats::special::gamma_quantile(0.975, 1.0);
/// assert!((u - 3.6888794541139363).abs() < 1e-12);
/// ```
pub fn gamma_quantile(p: f64, a: f64) -> f64 {
    if p.is_nan() || a.is_nan() || a < 0.0 {
        return f64::NAN;
    }
    if a == 0.0 || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if a > GAMMA_WH_ABOVE {
        // Wilson-Hilferty is accurate to < 1e-10 relative here (error falls as a^-1.5), while
        // the incomplete gamma series would need O(sqrt(a)) terms per evaluation.
        let z = norm_ppf(p);
        return a * (1.0 - 1.0 / (9.0 * a) + z / (3.0 * a.sqrt())).powi(3);
    }
    let a1 = a - 1.0;
    let gln = ln_gamma(a);
    let (lna1, afac) = if a > 1.0 {
        let lna1 = a1.ln();
        (lna1, (a1 * (lna1 - 1.0) - gln).exp())
    } else {
        (0.0, 0.0)
    };
    // Starting value.
    let mut x = if a > 1.0 {
        let pp = if p < 0.5 { p } else { 1.0 - p };
        let t = (-2.0 * pp.ln()).sqrt();
        let mut z = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t;
        if p < 0.5 {
            z = -z;
        }
        (a * (1.0 - 1.0 / (9.0 * a) - z / (3.0 * a.sqrt())).powi(3)).max(1e-3)
    } else {
        let t = 1.0 - a * (0.253 + a * 0.12);
        if p < t {
            (p / t).powf(1.0 / a)
        } else {
            1.0 - (1.0 - (p - t) / (1.0 - t)).ln()
        }
    };
    let upper = p > 0.5;
    let q = 1.0 - p;
    for _ in 0..100 {
        if x <= 0.0 {
            return 0.0;
        }
        // f(x) = P(a,x) - p, written via the tail that keeps precision.
        // checked: statrs panics outside its domain; treat that as "no answer"
        let tail = if upper {
            checked_gamma_ur(a, x)
        } else {
            checked_gamma_lr(a, x)
        };
        let Ok(tail) = tail else {
            return f64::NAN;
        };
        let err = if upper { q - tail } else { tail - p };
        // density of Gamma(a) at x
        let dens = if a > 1.0 {
            afac * (-(x - a1) + a1 * (x.ln() - lna1)).exp()
        } else {
            (-x + a1 * x.ln() - gln).exp()
        };
        if dens == 0.0 || !dens.is_finite() {
            break;
        }
        let u = err / dens;
        let mut step = u / (1.0 - 0.5 * (u * (a1 / x - 1.0)).min(1.0));
        if !step.is_finite() {
            step = u;
        }
        let new_x = x - step;
        x = if new_x <= 0.0 { 0.5 * x } else { new_x };
        if step.abs() <= 1e-15 * x.max(f64::MIN_POSITIVE) {
            break;
        }
    }
    x
}

/// Quantile of the Beta(a, b) distribution (Clopper–Pearson limits).
///
/// `a = 0` gives 0 and `b = 0` gives 1 (the degenerate ends of a Clopper–Pearson interval).
/// Method: safeguarded Newton iteration on statrs' regularised incomplete beta `beta_reg`
/// (bisection whenever a Newton step leaves the current bracket), started from the normal
/// approximation. statrs' own `Beta::inverse_cdf` does not return for very unequal shapes such as
/// Beta(1, 10⁹) (zero counts against large populations), hence this routine. Agrees with R's
/// `qbeta` to ~1e-12 relative.
///
/// # Examples
/// ```
/// // Beta(1, 5) upper 97.5% point: 1 - 0.025^(1/5)
/// let q = saferstats::special::beta_quantile(0.975, 1.0, 5.0);
/// assert!((q - (1.0 - 0.025f64.powf(0.2))).abs() < 1e-12);
/// ```
pub fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    if p.is_nan() || a.is_nan() || b.is_nan() || a < 0.0 || b < 0.0 {
        return f64::NAN;
    }
    if a == 0.0 || p <= 0.0 {
        return 0.0;
    }
    if b == 0.0 || p >= 1.0 {
        return 1.0;
    }
    // Closed forms for a shape of 1 (common: zero or one event in Clopper-Pearson).
    if a == 1.0 {
        return -((-p).ln_1p() / b).exp_m1();
    }
    if b == 1.0 {
        return p.powf(1.0 / a);
    }
    let ln_beta = ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    // normal-approximation start, clamped inside (0, 1)
    let mean = a / (a + b);
    let sd = (a * b / ((a + b).powi(2) * (a + b + 1.0))).sqrt();
    let start = mean + norm_ppf(p) * sd;
    let mut x = if start.is_finite() {
        start.clamp(1e-300, 1.0 - 1e-16)
    } else {
        0.5
    };
    for _ in 0..400 {
        // checked: statrs' beta_reg panics outside its domain; treat that as "no answer"
        let Ok(cdf) = checked_beta_reg(a, b, x) else {
            return f64::NAN;
        };
        let f = cdf - p;
        if f.is_nan() {
            return f64::NAN;
        }
        if f == 0.0 {
            return x;
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let log_dens = (a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p() - ln_beta;
        let dens = log_dens.exp();
        let mut next = if dens > 0.0 && dens.is_finite() {
            x - f / dens
        } else {
            f64::NAN
        };
        if !(next > lo && next < hi) {
            // bisect, geometrically when the bracket spans many orders of magnitude
            next = if lo > 0.0 && hi / lo > 1e3 {
                (lo * hi).sqrt()
            } else if lo == 0.0 && hi > 1e-300 {
                hi * 1e-3
            } else {
                0.5 * (lo + hi)
            };
        }
        if (next - x).abs() <= 4.0 * f64::EPSILON * x.abs() || hi - lo <= 4.0 * f64::EPSILON * hi {
            return next;
        }
        x = next;
    }
    x
}

/// Two-sided exact binomial test p-value, "minlike" convention (`scipy.stats.binomtest`,
/// R `binom.test`): the total probability of outcomes no more likely than the observed `k`,
/// with scipy's relative tolerance 1 + 1e-7.
///
/// # Examples
/// ```
/// // 2 successes in 10 trials, p = 0.5 (scipy.stats.binomtest(2, 10).pvalue = 0.109375)
/// let p = saferstats::special::binom_test_two_sided(2, 10, 0.5);
/// assert!((p - 0.109375).abs() < 1e-12);
/// ```
pub fn binom_test_two_sided(k: u64, n: u64, p: f64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    if p <= 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    if p >= 1.0 {
        return if k == n { 1.0 } else { 0.0 };
    }
    let dist = match Binomial::new(p, n) {
        Ok(d) => d,
        Err(_) => return f64::NAN,
    };
    let d = dist.pmf(k);
    let rerr = 1.0 + 1e-7;
    let mean = p * n as f64;
    let kf = k as f64;
    if (kf - mean).abs() < 1e-12 {
        return 1.0;
    }
    // Sum the far tail: the outcomes on the other side of the mode with pmf <= d * rerr.
    let pval = if kf < mean {
        // search i in [ceil(mean), n] for the first with pmf <= d*rerr (pmf decreasing there)
        let mut lo = mean.ceil() as u64;
        let mut hi = n;
        if dist.pmf(hi) > d * rerr {
            // no outcome on the upper side is as unlikely
            return dist.cdf(k).min(1.0);
        }
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if dist.pmf(mid) <= d * rerr {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        let upper_tail = if lo == 0 { 1.0 } else { dist.sf(lo - 1) };
        dist.cdf(k) + upper_tail
    } else {
        // search i in [0, floor(mean)] for the last with pmf <= d*rerr (pmf increasing there)
        let top = mean.floor() as u64;
        if dist.pmf(0) > d * rerr {
            return (if k == 0 { 1.0 } else { dist.sf(k - 1) }).min(1.0);
        }
        let mut lo = 0u64;
        let mut hi = top;
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if dist.pmf(mid) <= d * rerr {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let lower_tail = dist.cdf(lo);
        let upper_tail = if k == 0 { 1.0 } else { dist.sf(k - 1) };
        lower_tail + upper_tail
    };
    pval.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_quantile_round_trips() {
        for &a in &[0.3, 1.0, 2.5, 9.0, 10.0, 55.0, 1000.0, 123456.0] {
            for &p in &[1e-6, 0.0005, 0.025, 0.3, 0.5, 0.9, 0.975, 0.999] {
                let x = gamma_quantile(p, a);
                let back = if p > 0.5 {
                    1.0 - statrs::function::gamma::gamma_ur(a, x)
                } else {
                    statrs::function::gamma::gamma_lr(a, x)
                };
                assert!(
                    (back - p).abs() <= 1e-9 * p.max(1e-3),
                    "a={a} p={p} x={x} back={back}"
                );
            }
        }
    }

    #[test]
    fn z_values_match_published() {
        assert!((z_two_sided(0.95) - 1.959963985).abs() < 1e-9);
        assert!((z_two_sided(0.998) - 3.090232306).abs() < 1e-9);
    }
}

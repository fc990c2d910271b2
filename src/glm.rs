//! A small log-link GLM engine (Poisson, negative binomial NB2) with an offset, fitted by
//! iteratively reweighted least squares. Shared by the trend (annual % change) and outcomes
//! (interrupted time series) analyses.
//!
//! Method: IRLS as in McCullagh & Nelder (1989) §2.5, started like statsmodels
//! (μ₀ = (y + ȳ)/2), iterated until the deviance changes by less than 1e-13·(|D| + 1) or the
//! coefficient step is below 1e-14. Working weights
//! μ/(1 + αμ) (α = 0 for Poisson). The covariance reported is the inverse Fisher information
//! (XᵀWX)⁻¹ at scale 1; quasi-Poisson scales it by Pearson χ²/df. NB2's α is estimated by
//! maximising the profile log-likelihood over log α (Brent), with the standard errors from the
//! observed information of (β, α) jointly, as statsmodels' `NegativeBinomial` reports them.
//! Dense solves use nalgebra's Cholesky (p is small: 2–20 parameters).
//!
//! Before fitting, [`mle_exists`] checks that the maximum-likelihood estimate is finite. With
//! zero counts it may not be: when the zero-count rows can be fitted exactly by sending a linear
//! combination of the coefficients to −∞ (all events in the first or last period of a trend, no
//! events at all after an intervention), IRLS still "converges" — the deviance settles while a
//! coefficient drifts towards −∞ — and reports a large finite slope with a huge standard error
//! (statsmodels 0.15 does exactly this, without a warning). [`fit_log_link`] refuses such data.

use nalgebra::{Cholesky, DMatrix, DVector};
use serde::Serialize;
use statrs::function::gamma::{digamma, ln_gamma};

use crate::error::{Error, Result};

/// Distribution of the response.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Family {
    /// Poisson: Var(y) = μ.
    Poisson,
    /// Negative binomial NB2 with a fixed α: Var(y) = μ + αμ².
    NegBin2(f64),
}

impl Family {
    fn alpha(self) -> f64 {
        match self {
            Family::Poisson => 0.0,
            Family::NegBin2(a) => a,
        }
    }
}

/// Seasonal terms of a log-link model: the interrupted time series
/// ([`crate::outcomes::its_poisson`]) and the trend ([`crate::trend::poisson_trend`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Seasonality {
    /// None (default).
    #[default]
    None,
    /// `k` pairs of Fourier terms sin/cos(2πjt/period), j = 1..k.
    Fourier {
        /// Cycle length in periods (12 for monthly data).
        period: usize,
        /// Number of harmonics.
        k: usize,
    },
    /// One indicator per season except the first (month dummies).
    Dummies {
        /// Cycle length in periods.
        period: usize,
    },
}

choice! {
    /// The kind of seasonal terms, by name (see [`Seasonality::from_parts`]).
    pub enum SeasonalityKind("seasonality", "seasonality") {
        /// No seasonal terms.
        None = "none",
        /// Fourier pairs.
        Fourier = "fourier",
        /// Season indicators.
        Dummies = "dummies",
    }
}

impl Seasonality {
    /// The seasonality named `kind` with cycle length `period` and `k` harmonics (`k` is used by
    /// Fourier terms only, `period` by both).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown kind (valid: "none", "fourier", "dummies").
    ///
    /// # Examples
    /// ```
    /// use saferstats::glm::Seasonality;
    /// assert_eq!(Seasonality::from_parts("fourier", 12, 2).unwrap(), Seasonality::Fourier { period: 12, k: 2 });
    /// assert!(Seasonality::from_parts("weekly", 7, 1).is_err());
    /// ```
    pub fn from_parts(kind: &str, period: usize, k: usize) -> Result<Self> {
        Ok(Self::from_kind(kind.parse()?, period, k))
    }

    /// The seasonality of `kind` with cycle length `period` and `k` harmonics (as
    /// [`from_parts`](Self::from_parts), with the kind already parsed).
    pub fn from_kind(kind: SeasonalityKind, period: usize, k: usize) -> Self {
        match kind {
            SeasonalityKind::None => Seasonality::None,
            SeasonalityKind::Fourier => Seasonality::Fourier { period, k },
            SeasonalityKind::Dummies => Seasonality::Dummies { period },
        }
    }

    /// The number of model columns these terms add (Fourier: 2k; dummies: period − 1).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming `seasonality` for a period below 2, or Fourier pairs
    /// outside 1..=period/2.
    pub fn n_terms(&self) -> Result<usize> {
        match *self {
            Seasonality::None => Ok(0),
            Seasonality::Fourier { period, k } if period < 2 || k == 0 || 2 * k > period => {
                Err(Error::argument(
                    "seasonality",
                    "Fourier terms need period >= 2 and 1 <= k <= period/2",
                ))
            }
            Seasonality::Fourier { k, .. } => Ok(2 * k),
            Seasonality::Dummies { period } if period < 2 => Err(Error::argument(
                "seasonality",
                "the seasonal period must be at least 2",
            )),
            Seasonality::Dummies { period } => Ok(period - 1),
        }
    }

    /// Writes the terms of the observation at position `season` of its cycle (0 = the
    /// reference season of the dummies) and at time `t` in periods (Fourier: sin/cos(2πjt/period),
    /// j = 1..k) into `row` (length [`n_terms`](Self::n_terms), zeroed by the caller).
    pub fn fill_row(&self, season: usize, t: f64, row: &mut [f64]) {
        match *self {
            Seasonality::None => {}
            Seasonality::Fourier { period, k } => {
                for j in 0..k {
                    let w = 2.0 * std::f64::consts::PI * (j + 1) as f64 * t / period as f64;
                    row[2 * j] = w.sin();
                    row[2 * j + 1] = w.cos();
                }
            }
            Seasonality::Dummies { period } => {
                let season = season % period;
                if season > 0 {
                    row[season - 1] = 1.0;
                }
            }
        }
    }
}

/// A fitted log-link GLM.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmFit {
    /// Coefficients, in the column order of the design matrix.
    pub beta: Vec<f64>,
    /// Covariance of `beta` at scale 1, row-major p × p.
    pub cov: Vec<f64>,
    /// Fitted means.
    pub mu: Vec<f64>,
    /// Pearson χ² = Σ (y − μ)² / V(μ).
    pub pearson_chi2: f64,
    /// Deviance.
    pub deviance: f64,
    /// Log-likelihood.
    pub loglik: f64,
    /// Residual degrees of freedom n − p.
    pub df_resid: usize,
    /// IRLS iterations used.
    pub iterations: usize,
    /// The NB2 α (0 for Poisson).
    pub alpha: f64,
}

impl GlmFit {
    /// Number of coefficients.
    pub fn n_params(&self) -> usize {
        self.beta.len()
    }

    /// Standard error of coefficient `j`, with the covariance multiplied by `scale`.
    pub fn se(&self, j: usize, scale: f64) -> f64 {
        let p = self.n_params();
        self.cov
            .get(j * p + j)
            .map_or(f64::NAN, |v| (v * scale).sqrt())
    }

    /// Covariance of coefficients `i` and `j` at scale 1.
    pub fn cov_ij(&self, i: usize, j: usize) -> f64 {
        let p = self.n_params();
        self.cov.get(i * p + j).copied().unwrap_or(f64::NAN)
    }

    /// Pearson χ² / residual df (NaN when df = 0): > 1 suggests over-dispersion.
    pub fn dispersion_ratio(&self) -> f64 {
        if self.df_resid == 0 {
            f64::NAN
        } else {
            self.pearson_chi2 / self.df_resid as f64
        }
    }
}

fn ylogy_over(y: f64, mu: f64) -> f64 {
    if y > 0.0 {
        y * (y / mu).ln()
    } else {
        0.0
    }
}

fn deviance(y: &[f64], mu: &[f64], alpha: f64) -> f64 {
    y.iter()
        .zip(mu)
        .map(|(&y, &m)| {
            if alpha == 0.0 {
                2.0 * (ylogy_over(y, m) - (y - m))
            } else {
                let inv = 1.0 / alpha;
                2.0 * (ylogy_over(y, m) - (y + inv) * ((1.0 + alpha * y) / (1.0 + alpha * m)).ln())
            }
        })
        .sum()
}

fn loglik(y: &[f64], mu: &[f64], alpha: f64) -> f64 {
    y.iter()
        .zip(mu)
        .map(|(&y, &m)| {
            if alpha == 0.0 {
                let ylm = if y > 0.0 { y * m.ln() } else { 0.0 };
                ylm - m - ln_gamma(y + 1.0)
            } else {
                let inv = 1.0 / alpha;
                let am = alpha * m;
                ln_gamma(y + inv) - ln_gamma(inv) - ln_gamma(y + 1.0) - inv * am.ln_1p()
                    + if y > 0.0 {
                        y * (am / (1.0 + am)).ln()
                    } else {
                        0.0
                    }
            }
        })
        .sum()
}

/// Row-major design matrix view: `n` rows × `p` columns.
#[derive(Debug, Clone, Copy)]
pub struct Design<'a> {
    /// Row-major values, length n·p.
    pub values: &'a [f64],
    /// Number of columns.
    pub p: usize,
}

impl Design<'_> {
    fn n(&self) -> usize {
        self.values.len().checked_div(self.p).unwrap_or(0)
    }

    fn matrix(&self) -> DMatrix<f64> {
        DMatrix::from_row_slice(self.n(), self.p, self.values)
    }
}

/// Fit a log-link GLM with offset by IRLS.
///
/// # Errors
/// [`Error::InvalidArgument`] when shapes disagree, there are fewer rows than parameters, all
/// counts are zero, or the counts are (quasi-)separated so that the maximum-likelihood estimate
/// is not finite ([`mle_exists`]); [`Error::NotConverged`] when IRLS does not converge in 200
/// iterations or the information matrix is singular.
///
/// # Examples
/// ```
/// use saferstats::glm::{fit_log_link, Design, Family};
/// // docs/methods/trends.md A5 oracle 1: beta1 = 0.054892 (SE 0.012486)
/// let y = [310., 335., 352., 401., 388., 430.];
/// let pop: [f64; 6] = [250000., 252000., 254500., 256000., 258000., 260000.];
/// let x: Vec<f64> = (0..6).flat_map(|t| [1.0, t as f64]).collect();
/// let off: Vec<f64> = pop.iter().map(|p| p.ln()).collect();
/// let fit = fit_log_link(Design { values: &x, p: 2 }, &y, &off, Family::Poisson).unwrap();
/// assert!((fit.beta[1] - 0.054892).abs() < 1e-6);
/// assert!((fit.se(1, 1.0) - 0.012486).abs() < 1e-6);
/// ```
pub fn fit_log_link(x: Design<'_>, y: &[f64], offset: &[f64], family: Family) -> Result<GlmFit> {
    let n = y.len();
    let p = x.p;
    if p == 0 || x.values.len() != n * p || offset.len() != n {
        return Err(Error::argument(
            "design",
            format!(
                "design has {} values for {n} rows × {p} columns",
                x.values.len()
            ),
        ));
    }
    if n < p {
        return Err(Error::argument(
            "count",
            format!("{n} observations cannot identify {p} parameters"),
        ));
    }
    if y.iter().all(|&v| v == 0.0) {
        return Err(Error::argument(
            "count",
            "all counts are zero: the log-linear model has no finite estimate",
        ));
    }
    if mle_exists(x, y) == Some(false) {
        return Err(Error::argument("count", SEPARATION_MESSAGE));
    }
    let alpha = family.alpha();
    let xm = x.matrix();
    let ybar = y.iter().sum::<f64>() / n as f64;
    let mut mu: Vec<f64> = y.iter().map(|&v| (v + ybar) / 2.0).collect();
    let mut eta: Vec<f64> = mu.iter().map(|m| m.ln()).collect();
    let mut dev_old = f64::INFINITY;
    let mut beta = DVector::<f64>::zeros(p);
    let mut info = DMatrix::<f64>::zeros(p, p);
    let mut iterations = 0;
    let mut converged = false;
    for it in 1..=200 {
        iterations = it;
        let w: Vec<f64> = mu.iter().map(|&m| m / (1.0 + alpha * m)).collect();
        let z: Vec<f64> = (0..n)
            .map(|i| eta[i] - offset[i] + (y[i] - mu[i]) / mu[i])
            .collect();
        let mut xtwx = DMatrix::<f64>::zeros(p, p);
        let mut xtwz = DVector::<f64>::zeros(p);
        for i in 0..n {
            let row = xm.row(i);
            for a in 0..p {
                let wa = w[i] * row[a];
                xtwz[a] += wa * z[i];
                for b in 0..=a {
                    xtwx[(a, b)] += wa * row[b];
                }
            }
        }
        for a in 0..p {
            for b in 0..a {
                xtwx[(b, a)] = xtwx[(a, b)];
            }
        }
        let chol = Cholesky::new(xtwx.clone()).ok_or_else(|| Error::NotConverged {
            what: "IRLS (singular information matrix: are the periods all equal?)".into(),
            iterations: it,
        })?;
        let new_beta = chol.solve(&xtwz);
        let step = (&new_beta - &beta).amax() / (1.0 + new_beta.amax());
        beta = new_beta;
        info = xtwx;
        let lin = &xm * &beta;
        for i in 0..n {
            eta[i] = lin[i] + offset[i];
            mu[i] = eta[i].exp().max(f64::MIN_POSITIVE);
        }
        let dev = deviance(y, &mu, alpha);
        if !dev.is_finite() {
            break;
        }
        // deviance change relative to (|dev| + 1): absolute near a perfect fit, where rounding
        // noise in the deviance would otherwise never settle; or a negligible step in beta
        if it > 1 && ((dev - dev_old).abs() <= 1e-13 * (dev.abs() + 1.0) || step <= 1e-14) {
            converged = true;
            break;
        }
        dev_old = dev;
    }
    if !converged {
        return Err(Error::NotConverged {
            what: "IRLS".into(),
            iterations,
        });
    }
    // Covariance from the information at the final mu.
    let w: Vec<f64> = mu.iter().map(|&m| m / (1.0 + alpha * m)).collect();
    info.fill(0.0);
    for (i, wi) in w.iter().enumerate() {
        let row = xm.row(i);
        for a in 0..p {
            for b in 0..p {
                info[(a, b)] += wi * row[a] * row[b];
            }
        }
    }
    let cov = Cholesky::new(info)
        .ok_or_else(|| Error::NotConverged {
            what: "IRLS (singular information matrix)".into(),
            iterations,
        })?
        .inverse();
    let pearson_chi2 = y
        .iter()
        .zip(&mu)
        .map(|(&y, &m)| (y - m).powi(2) / (m + alpha * m * m))
        .sum();
    Ok(GlmFit {
        beta: beta.iter().copied().collect(),
        cov: cov.transpose().iter().copied().collect(),
        deviance: deviance(y, &mu, alpha),
        loglik: loglik(y, &mu, alpha),
        pearson_chi2,
        mu,
        df_resid: n - p,
        iterations,
        alpha,
    })
}

/// Two-sided critical value of Student's t with `df` degrees of freedom at `confidence`:
/// `qt(1 − (1 − confidence)/2, df)`, from the lower tail for accuracy. Wald limits β ± t·SE on the
/// residual df are what R's `summary.glm` uses for quasi families and statsmodels'
/// `GLM.fit(use_t=True)` for any family. NaN when `df` is not positive and finite or
/// `confidence` is outside (0, 1).
///
/// # Examples
/// ```
/// // R: qt(0.975, 4) = 2.77644510519779 (tests/fixtures/audit_trend.json t_quantile)
/// assert!((saferstats::glm::t_critical(0.95, 4.0) - 2.77644510519779).abs() < 1e-9);
/// ```
pub fn t_critical(confidence: f64, df: f64) -> f64 {
    crate::special::t_quantile((1.0 - confidence) / 2.0, df).map_or(f64::NAN, |q| -q)
}

/// Two-sided p-value 2·P(T > |t|) of Student's t with `df` degrees of freedom, from the
/// regularised incomplete beta function I_{df/(df+t²)}(df/2, ½) (accurate far into the tail);
/// above 10⁷ df the normal p-value. NaN for a NaN statistic or `df` not positive and finite.
///
/// # Examples
/// ```
/// // R summary.glm(quasipoisson) Pr(>|t|) of docs/methods/trends.md A5 oracle 2 (df 4):
/// // 0.124261866224293 (tests/fixtures/audit_trend.json), against the normal 0.0523
/// let p = saferstats::glm::t_p_two_sided(1.94080859002077, 4.0);
/// assert!((p - 0.124261866224293).abs() < 1e-12);
/// ```
pub fn t_p_two_sided(t: f64, df: f64) -> f64 {
    if t.is_nan() || !(df > 0.0 && df.is_finite()) {
        return f64::NAN;
    }
    if df > 1e7 {
        return crate::special::p_two_sided(t);
    }
    statrs::function::beta::checked_beta_reg(df / 2.0, 0.5, df / (df + t * t))
        .map_or(f64::NAN, |p| p.min(1.0))
}

/// The reason [`fit_log_link`] gives when [`mle_exists`] is false.
pub const SEPARATION_MESSAGE: &str = "the zero counts are separated from the others (e.g. every \
     event falls in the first or the last period, or none after a break): the maximum-likelihood \
     estimate is not finite, so the model is not estimable: there is no trend or effect to report";

/// Whether the maximum-likelihood estimate of a log-link count model (Poisson or NB2, any
/// offset) with design `x` and counts `y` is finite.
///
/// Method: Haberman (1974, Theorem 2.2; *The Analysis of Frequency Data*): the estimate exists
/// if and only if there are means μ > 0 with Xᵀμ = Xᵀy. Equivalently (a Stiemke alternative),
/// there is **no** direction d ≠ 0 with xᵢᵀd = 0 on every row with a positive count and
/// xᵢᵀd ≤ 0 on every zero row, strictly on one — moving the coefficients along such a d raises the
/// likelihood for ever (quasi-complete separation). The check solves the feasibility problem
/// Σ_{zero rows} wᵢ xᵢ + Σ_{positive rows} vⱼ xⱼ = 0 with every wᵢ ≥ 1 and v free, a small linear
/// programme (phase I of the simplex method, Bland's rule). No zero counts: always finite; all
/// counts zero: never.
///
/// For a log-linear trend (intercept and time) this is false exactly when every event falls in
/// the first or in the last period; a single non-zero period in the middle, or two or more
/// non-zero periods, give a finite estimate.
///
/// Returns `None` when the shapes disagree or the simplex does not settle (then nothing is known).
///
/// # Examples
/// ```
/// use saferstats::glm::{mle_exists, Design};
/// let x: Vec<f64> = (0..4).flat_map(|t| [1.0, t as f64]).collect();
/// let d = Design { values: &x, p: 2 };
/// assert_eq!(mle_exists(d, &[10., 0., 0., 0.]), Some(false)); // all events in the first period
/// assert_eq!(mle_exists(d, &[0., 5., 0., 0.]), Some(true)); // a middle period: finite
/// assert_eq!(mle_exists(d, &[5., 3., 0., 0.]), Some(true));
/// ```
pub fn mle_exists(x: Design<'_>, y: &[f64]) -> Option<bool> {
    let (n, p) = (y.len(), x.p);
    if p == 0 || x.values.len() != n * p {
        return None;
    }
    let zero: Vec<usize> = (0..n).filter(|&i| y[i] == 0.0).collect();
    if zero.is_empty() {
        return Some(true);
    }
    if zero.len() == n {
        return Some(false);
    }
    let positive: Vec<usize> = (0..n).filter(|&i| y[i] != 0.0).collect();
    let row = |i: usize| &x.values[i * p..(i + 1) * p];
    // Columns of the equality system M z = b (p rows): s_i (w_i = 1 + s_i) for zero rows, then
    // v+_j and v-_j for positive rows. b = -sum of the zero rows.
    let mut cols: Vec<Vec<f64>> = Vec::with_capacity(zero.len() + 2 * positive.len());
    for &i in &zero {
        cols.push(row(i).to_vec());
    }
    for &j in &positive {
        cols.push(row(j).to_vec());
        cols.push(row(j).iter().map(|v| -v).collect());
    }
    let mut b = vec![0.0; p];
    for &i in &zero {
        for (bk, v) in b.iter_mut().zip(row(i)) {
            *bk -= v;
        }
    }
    let cols: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
    crate::lp::cone_contains(&cols, &b)
}

/// α below which an NB2 fit is reported as Poisson (the boundary of the parameter space).
pub const NB_ALPHA_BOUNDARY: f64 = 1e-6;

/// Fit NB2 with α estimated by maximum likelihood (profile likelihood over log α, Brent's
/// method on [1e-8, 1e3]), then compute standard errors from the joint observed information of
/// (β, α) as statsmodels `NegativeBinomial(loglike_method="nb2")` does. Returns the Poisson fit
/// (α = 0) when the maximum lies at the boundary α → 0 (`α < NB_ALPHA_BOUNDARY`).
///
/// # Errors
/// As [`fit_log_link`].
///
/// # Examples
/// ```
/// use saferstats::glm::{fit_negbin2_ml, Design};
/// // docs/methods/trends.md A5 oracle 2 (statsmodels NegativeBinomial nb2): alpha = 0.011678
/// let y = [310., 420., 352., 480., 388., 520.];
/// let pop: [f64; 6] = [250000., 252000., 254500., 256000., 258000., 260000.];
/// let x: Vec<f64> = (0..6).flat_map(|t| [1.0, t as f64]).collect();
/// let off: Vec<f64> = pop.iter().map(|p| p.ln()).collect();
/// let fit = fit_negbin2_ml(Design { values: &x, p: 2 }, &y, &off).unwrap();
/// assert!((fit.alpha - 0.011678).abs() < 1e-5);
/// ```
pub fn fit_negbin2_ml(x: Design<'_>, y: &[f64], offset: &[f64]) -> Result<GlmFit> {
    let poisson = fit_log_link(x, y, offset, Family::Poisson)?;
    let profile = |log_a: f64| -> f64 {
        match fit_log_link(x, y, offset, Family::NegBin2(log_a.exp())) {
            Ok(f) => f.loglik,
            Err(_) => f64::NEG_INFINITY,
        }
    };
    let (lo, hi) = ((1e-8f64).ln(), (1e3f64).ln());
    let log_a = brent_max(profile, lo, hi, 1e-10, 200);
    let alpha = log_a.exp();
    if alpha < NB_ALPHA_BOUNDARY || profile(log_a) <= poisson.loglik {
        return Ok(poisson);
    }
    let mut fit = fit_log_link(x, y, offset, Family::NegBin2(alpha))?;
    fit.cov = nb2_observed_cov(x, y, &fit.mu, alpha).unwrap_or(fit.cov);
    Ok(fit)
}

/// Covariance of β from the inverse of the joint observed information of (β, α) for NB2.
fn nb2_observed_cov(x: Design<'_>, y: &[f64], mu: &[f64], a: f64) -> Option<Vec<f64>> {
    let p = x.p;
    let xm = x.matrix();
    let n = y.len();
    let k = p + 1;
    let mut h = DMatrix::<f64>::zeros(k, k);
    // d score_alpha / d alpha by central difference of the analytic score (statrs has no trigamma)
    let score_a = |a: f64| -> f64 {
        (0..n)
            .map(|i| {
                let (yi, m) = (y[i], mu[i]);
                let am = a * m;
                (digamma(1.0 / a) - digamma(yi + 1.0 / a) + am.ln_1p()) / (a * a)
                    + (yi - m) / (a * (1.0 + am))
            })
            .sum()
    };
    let step = 1e-4 * a;
    let d2a = (score_a(a + step) - score_a(a - step)) / (2.0 * step);
    for i in 0..n {
        let (yi, m) = (y[i], mu[i]);
        let den = (1.0 + a * m).powi(2);
        let wbb = m * (1.0 + a * yi) / den;
        let wba = m * (yi - m) / den;
        let row = xm.row(i);
        for r in 0..p {
            for c in 0..p {
                h[(r, c)] += wbb * row[r] * row[c];
            }
            h[(r, p)] += wba * row[r];
            h[(p, r)] += wba * row[r];
        }
    }
    h[(p, p)] = -d2a;
    let inv = h.try_inverse()?;
    let mut cov = Vec::with_capacity(p * p);
    for r in 0..p {
        for c in 0..p {
            cov.push(inv[(r, c)]);
        }
    }
    if cov.iter().all(|v| v.is_finite()) {
        Some(cov)
    } else {
        None
    }
}

/// Maximise a unimodal function on [a, b] by Brent's method (golden section + parabolic steps).
fn brent_max<F: Fn(f64) -> f64>(f: F, a: f64, b: f64, tol: f64, max_iter: usize) -> f64 {
    let g = 0.381_966_011_250_105_1;
    let (mut a, mut b) = (a, b);
    let mut x = a + g * (b - a);
    let (mut w, mut v) = (x, x);
    let mut fx = -f(x);
    let (mut fw, mut fv) = (fx, fx);
    let (mut d, mut e) = (0.0f64, 0.0f64);
    for _ in 0..max_iter {
        let m = 0.5 * (a + b);
        let tol1 = tol * x.abs() + 1e-12;
        let tol2 = 2.0 * tol1;
        if (x - m).abs() <= tol2 - 0.5 * (b - a) {
            break;
        }
        let mut golden = true;
        if e.abs() > tol1 {
            let r = (x - w) * (fx - fv);
            let mut q = (x - v) * (fx - fw);
            let mut pp = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                pp = -pp;
            }
            q = q.abs();
            if pp.abs() < (0.5 * q * e).abs() && pp > q * (a - x) && pp < q * (b - x) {
                e = d;
                d = pp / q;
                let u = x + d;
                if u - a < tol2 || b - u < tol2 {
                    d = if x < m { tol1 } else { -tol1 };
                }
                golden = false;
            }
        }
        if golden {
            e = if x < m { b - x } else { a - x };
            d = g * e;
        }
        let u = if d.abs() >= tol1 {
            x + d
        } else {
            x + if d > 0.0 { tol1 } else { -tol1 }
        };
        let fu = -f(u);
        if fu <= fx {
            if u < x {
                b = x;
            } else {
                a = x;
            }
            v = w;
            fv = fw;
            w = x;
            fw = fx;
            x = u;
            fx = fu;
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                v = w;
                fv = fw;
                w = u;
                fw = fu;
            } else if fu <= fv || v == x || v == w {
                v = u;
                fv = fu;
            }
        }
    }
    x
}

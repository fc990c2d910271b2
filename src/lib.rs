//! # saferstats
//!
//! Statistics for UK Community Safety Partnership analysts, police and PCC performance teams:
//! the four analyses of every strategic assessment, done correctly, fast and reproducibly.
//! This crate is the pure-Rust core (no Python); the PyO3 bindings live in `bindings`, compiled
//! only with the `python` feature.
//!
//! ## Capabilities
//! - [`rates`] — crude rates with exact Poisson / Byar's CIs, Wilson proportions, rate ratios,
//!   percentage change, differences of proportions, directly standardised rates
//!   (PHEindicatormethods conventions). Methods: `docs/methods/rates.md`.
//! - [`trend`] — log-linear Poisson / quasi-Poisson / NB2 trends (annual % change)
//!   ([`trend::poisson`]), Mann–Kendall and Sen's slope, plain and seasonal
//!   ([`trend::mann_kendall`](mod@trend::mann_kendall)), PHE funnel plot limits and significance
//!   ([`trend::funnel`]), the season check of monthly trends ([`trend::season`]); series grouped
//!   by [`trend::Groups`]. Methods: `docs/methods/trends.md`.
//! - [`disproportionality`] — stop-and-search rates by ethnic group, ratios to a reference group
//!   (Katz / Poisson / exact / Haldane), outcome (hit-rate) tests.
//!   Methods: `docs/methods/stop_search.md`.
//! - [`tables`] — two independent proportions: difference, risk ratio, z, χ², Fisher.
//! - [`outcomes`] — Section 136 / street triage: interrupted time series (segmented Poisson).
//!   Methods: `docs/methods/s136.md`.
//! - [`monitoring`] — SPC charts with the NHS Making Data Count rules, the E-test for two
//!   Poisson rates, the weighted displacement difference test. Methods:
//!   `docs/methods/monitoring.md`.
//! - [`disclosure`] — small-number suppression (primary, secondary) and rounding for publication.
//! - [`hotspot`] — DBSCAN, HDBSCAN, KDE, spatial weights, Gi* / Local Moran, Knox, NNH,
//!   Clark–Evans, British National Grid, cluster hulls; one spatial index
//!   ([`hotspot::index`]). Methods: `docs/methods/hotspots.md`.
//! - [`geography`] — point-in-polygon assignment of points to areas.
//! - [`io`] — the columnar CSV reader ([`io::csvscan`]) and its calendar helpers
//!   ([`io::calendar`]).
//!
//! Shared pieces: [`ci`] (estimate types, method labels, input checks), [`special`]
//! (quantiles and tests over `statrs`), [`glm`] (log-link IRLS engine), [`error`] (the one
//! error enum), [`cancel`] (Ctrl-C polling of long loops). Option enums are declared with the
//! `choice!` macro and coded result values with `coded_enum!` (`src/codes.rs`); the binding
//! contract is described in `docs/architecture.md`.
//!
//! ## Example
//! ```
//! use saferstats::rates::{rate_ci, RateOptions};
//! let out = rate_ci(&[1468.0, 1600.0], &[1_195_700.0, 1_189_500.0], &RateOptions::default()).unwrap();
//! assert_eq!(out.len(), 2);
//! assert!(out.lower[0] < out.value[0] && out.value[0] < out.upper[0]);
//! ```

#[macro_use]
mod codes;

#[macro_use]
pub mod cancel;
pub mod ci;
pub mod disclosure;
pub mod disproportionality;
pub mod error;
pub mod geography;
pub mod glm;
pub mod hotspot;
pub mod io;
mod lp;
pub mod monitoring;
pub mod outcomes;
pub mod rates;
pub mod special;
pub mod tables;
pub mod trend;

pub use error::{Error, Result};
/// The CSV reader under its former path (`saferstats::csvscan`); now [`io::csvscan`].
#[doc(hidden)]
pub use io::csvscan;

#[cfg(feature = "python")]
mod bindings;

/// Helpers shared by the unit tests (the JSON reference fixtures under `tests/fixtures/`).
#[cfg(test)]
pub(crate) mod test_fixtures {
    /// A JSON array of numbers as a vector.
    pub(crate) fn col(v: &serde_json::Value) -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    }

    /// Assert `got` is within relative `rel` of R's `want` (named `what` in the message).
    pub(crate) fn close(got: f64, want: f64, rel: f64, what: &str) {
        assert!(
            (got - want).abs() <= rel * want.abs().max(1e-300),
            "{what}: {got} vs R {want}"
        );
    }

    /// Home Office racially or religiously aggravated offences by month from April 2013, the
    /// first 30 months (the 2018/19 bulletin's Figure 2; python/saferstats/data/
    /// ho_racially_religiously_aggravated_monthly_2013-04_2019-03.csv), and their times in years.
    pub(crate) fn figure_2_months() -> ([f64; 30], Vec<f64>) {
        let y = [
            2391., 2903., 2926., 3376., 2916., 2455., 2524., 2373., 2331., 2409., 2139., 2816.,
            2563., 3030., 3300., 3537., 3259., 3361., 3359., 3121., 2789., 2899., 2909., 3508.,
            3435., 3473., 3599., 3882., 3579., 3315.,
        ];
        (y, (0..30).map(|i| 2013.25 + f64::from(i) / 12.0).collect())
    }

    /// 36 months of small counts from 2019 with no events in any August (numpy
    /// `default_rng(7).poisson(4, 36)`, Augusts set to 0; tests/fixtures/generate_trend_seasonal.py),
    /// and their times in years.
    pub(crate) fn sparse_months() -> ([f64; 36], Vec<f64>) {
        let y = [
            6., 5., 7., 2., 2., 5., 3., 0., 4., 5., 3., 3., 6., 3., 6., 5., 6., 2., 5., 0., 4., 6.,
            3., 5., 5., 4., 6., 7., 7., 4., 4., 0., 2., 6., 4., 1.,
        ];
        (y, (0..36).map(|i| 2019.0 + f64::from(i) / 12.0).collect())
    }

    /// `tests/fixtures/audit_trend.json` (R's glm / summary.glm values; generate_audit_trend.R).
    pub(crate) fn audit_trend() -> serde_json::Value {
        serde_json::from_str(include_str!("../tests/fixtures/audit_trend.json")).unwrap()
    }
}

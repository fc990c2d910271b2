//! # saferstats
//!
//! Statistics for UK Community Safety Partnership analysts, police and PCC performance teams:
//! the four analyses of every strategic assessment, done correctly, fast and reproducibly.
//! This crate is the pure-Rust core (no Python); the PyO3 bindings live in `bindings`, compiled
//! only with the `python` feature.
//!
//! ## Capabilities
//! - [`rates`] — crude rates with exact Poisson / Byar's CIs, Wilson proportions, rate ratios,
//!   differences of proportions, directly standardised rates (PHEindicatormethods conventions).
//! - [`trend`] — log-linear Poisson / quasi-Poisson / NB2 trends (annual % change), Mann–Kendall
//!   and Sen's slope (plain and seasonal), PHE funnel plot limits and significance.
//! - [`disproportionality`] — stop-and-search rates by ethnic group, ratios to a reference group
//!   (Katz / Poisson / exact / Haldane), outcome (hit-rate) tests.
//! - [`tables`] — two independent proportions: difference, risk ratio, z, χ², Fisher.
//! - [`outcomes`] — Section 136 / street triage: interrupted time series (segmented Poisson).
//! - [`monitoring`] — SPC charts with the NHS Making Data Count rules, the E-test for two
//!   Poisson rates, the weighted displacement difference test.
//! - [`disclosure`] — small-number suppression (primary, secondary) and rounding for publication.
//! - Later (see the issue tracker): `hotspot` (DBSCAN, KDE, Gi*).
//!
//! Shared pieces: [`ci`] (estimate types, method labels, input checks), [`special`]
//! (quantiles and tests over `statrs`), [`glm`] (log-link IRLS engine), [`error`] (the one
//! error enum).
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

pub mod cancel;
pub mod ci;
pub mod csvscan;
pub mod disclosure;
pub mod disproportionality;
pub mod error;
pub mod geography;
pub mod glm;
pub mod hotspot;
pub mod monitoring;
pub mod outcomes;
pub mod rates;
pub mod special;
pub mod tables;
pub mod trend;

pub use error::{Error, Result};

#[cfg(feature = "python")]
mod bindings;

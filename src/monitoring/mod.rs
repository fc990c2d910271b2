//! Performance-monitoring methods used month to month by police, PCC and NHS performance teams.
//!
//! - [`spc`] — statistical process control charts (XmR, c, u, p and Laney p′/u′) with the NHS
//!   "Making Data Count" special-cause rules, variation and assurance classification.
//! - [`etest`] — the E-test for two Poisson rates (Krishnamoorthy & Thomson 2004).
//! - [`wdd`] — the weighted displacement difference test (Wheeler & Ratcliffe 2018) and its
//!   harm-weighted combination.
//! - [`funnel_od`] — funnel plots allowing for over-dispersion (Spiegelhalter 2005).
//! - [`isr`] — indirectly standardised ratios with exact / Byar's limits.
//! - [`unusual`] — is this period unusual given the last N (E-test or exact Poisson).
//! - [`multiple`] — Holm, Bonferroni and Benjamini–Hochberg p-value adjustment.
//!
//! Methods, references and the choices made where the anchors differ are written up in
//! `docs/methods/monitoring.md`.

pub mod etest;
pub mod funnel_od;
pub mod isr;
pub mod multiple;
pub mod spc;
pub mod unusual;
pub mod wdd;

//! Hotspot analysis of incident points (fly-tipping, ASB, crime). Methods and references:
//! `docs/methods/hotspots.md`.
//!
//! - [`index`] — the spatial index they share: haversine distances, the latitude/longitude cell
//!   grid, square cells for projected coordinates, union-find forests.
//! - [`dbscan`] — density-based clustering with the haversine metric, scikit-learn's semantics,
//!   O(n) memory through a grid index (no stored neighbourhood lists).
//! - [`hdbscan`] — HDBSCAN (haversine) following scikit-learn step by step.
//! - [`kde`] — kernel density surfaces (quartic, Gaussian) on a regular grid.
//! - [`weights`] — sparse spatial weights (lattice contiguity, adjacency lists, distance bands).
//! - [`global`] — global Moran's I, Geary's C and General G with permutation inference.
//! - [`grid`] — square / hexagonal grids, automatic cell size and bandwidth, counts, KDE.
//! - [`classify`] — emerging hotspot classification (Gi* per period) and per-cell change.
//! - [`prospective`] — prospective hotspotting (Bowers, Johnson & Pease).
//! - [`evaluate`] — hit rate, PAI, PEI, RRI of a hotspot map; Lorenz curve and Gini.
//! - [`local`] — Getis–Ord Gi* and Local Moran's I with conditional-permutation inference.
//! - [`knox`] — the Knox space–time test and near-repeat table.
//! - [`bng`] — WGS84 → British National Grid (OS Helmert + Transverse Mercator).
//! - [`nni`] — Clark–Evans nearest-neighbour index and the CrimeStat NNH threshold.
//! - [`nnh`] — CrimeStat-style nearest-neighbour hierarchical clustering (orders 1, 2, ...).
//! - [`cancel`] — re-export of [`crate::cancel`], the flag the long loops poll (Ctrl-C from Python).
//! - [`clusters`] — per-cluster summaries, convex/concave hulls (`geo`) and GeoJSON export.

pub mod bng;
pub mod classify;
pub use crate::cancel;
pub mod clusters;
pub mod dbscan;
pub mod evaluate;
pub mod global;
pub mod grid;
pub mod hdbscan;
pub mod index;
pub mod kde;
pub mod knox;
pub mod local;
pub mod nnh;
pub mod nni;
pub mod prospective;
pub mod weights;

/// Mean Earth radius (IUGG R1, metres) used by every haversine distance, as scikit-learn's
/// haversine examples (exported to Python as `saferstats._saferstats.EARTH_RADIUS_M`).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

//! Geography: which area each point falls in (issue 12).
//!
//! - [`areas`] — exact point-in-polygon assignment of many points to many (multi)polygons with
//!   holes, through a fine lookup grid whose interior cells need no polygon test, with a documented
//!   rule for points on shared boundaries; rayon-parallel over points.
//!
//! The Census 2021 denominators and the LSOA → local authority → CSP → police force area lookups
//! are data, bundled with the Python package (`saferstats.geography`), built by
//! `tools/build_census2021.py`.

pub mod areas;

pub use areas::{AreaIndex, AreaIndexOptions, NO_AREA};

//! Trends over time: Poisson / quasi-Poisson / NB2 log-linear trend (annual % change),
//! Mann–Kendall (with tie correction) and Sen's slope, seasonal Mann–Kendall, and PHE funnel
//! plot limits and significance. Methods and reference values: `docs/methods/trends.md`.
//!
//! Every function validates its input first and returns a named error; the `_many` / `_rows`
//! variants fit many series (every district × strand) in parallel with rayon, grouped by
//! [`Groups`].
//!
//! - [`poisson`] — [`poisson_trend`], [`poisson_trend_many`].
//! - [`mann_kendall`](mod@mann_kendall) — [`mann_kendall()`], [`mann_kendall_at`],
//!   [`seasonal_mann_kendall`] and their `_rows` variants; [`kendall_exact_p`].
//! - [`compare`] — [`trend_ratio`], [`trend_ratios`]: is one area's rate changing faster than
//!   another's?
//! - [`funnel`] — [`funnel_limits`], [`funnel_significance`].
//! - [`season`] — [`season_check`], [`season_checks_many`]: is a straight trend through monthly
//!   counts reading the season as trend?
//! - [`groups`] — [`Groups`], series stored contiguously.

pub mod compare;
pub mod funnel;
pub mod groups;
pub mod mann_kendall;
pub mod poisson;
pub mod season;

pub use compare::*;
pub use funnel::*;
pub use groups::Groups;
pub use mann_kendall::*;
pub use poisson::*;
pub use season::*;

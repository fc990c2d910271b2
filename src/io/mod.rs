//! Readers for public data formats.
//!
//! - [`csvscan`] — the columnar reader for delimited text files (police.uk CSV exports and their
//!   re-exports): parallel, RFC 4180, every problem reported with file and line.
//! - [`calendar`] — ISO 8601 timestamps and calendar months (used by the reader).

pub mod calendar;
pub mod csvscan;

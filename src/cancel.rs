//! Cooperative cancellation of long computations (any analysis).
//!
//! The long loops (DBSCAN, HDBSCAN, KDE, Gi*/Local Moran permutations, Knox, NNH, distance-band
//! weights, the CSV reader, SPC, unusual periods, trend fits of many series, E-tests on arrays,
//! the area index build) poll a [`Cancel`] flag — one relaxed atomic load, every iteration of their outer
//! loops — and return [`Error::Interrupted`] soon after it is set. The core knows nothing about
//! Python: the binding runs the computation on a worker thread, checks for Ctrl-C on the calling
//! thread every few tens of milliseconds, and sets the flag when a signal arrives.

use std::sync::atomic::{AtomicBool, Ordering};

/// `uninterruptible! { /// doc  pub fn name(args) -> R = name_with; }` defines `name` as
/// `name_with(args, &NEVER)`: the plain form of a computation whose `_with` form polls a
/// [`Cancel`] (used for every long loop: DBSCAN, HDBSCAN, KDE, Gi*, Local Moran, Knox, NNH,
/// distance-band weights, the CSV reader).
macro_rules! uninterruptible {
    (
        $(#[$meta:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $with:path;
    ) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) -> $ret {
            $with($($arg),*, &$crate::cancel::NEVER)
        }
    };
}

/// `with_choice! { /// doc  pub fn name(args) -> R = target(Choice::Variant); }` defines `name`
/// as `target(Choice::Variant, args)`: the entry point of one choice of a computation written
/// once over an option enum (Moran / Geary / General G, Gi* / Local Moran).
macro_rules! with_choice {
    (
        $(#[$meta:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $target:ident($choice:expr);
    ) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) -> $ret {
            $target($choice, $($arg),*)
        }
    };
}

use crate::error::{Error, Result};

/// A cancellation flag shared between a computation and whoever may stop it.
///
/// # Examples
/// ```
/// use saferstats::cancel::Cancel;
/// let c = Cancel::new();
/// assert!(c.check().is_ok());
/// c.cancel();
/// assert!(c.is_cancelled() && c.check().is_err());
/// ```
#[derive(Debug, Default)]
pub struct Cancel {
    flag: AtomicBool,
}

/// A flag nobody sets: for calls that cannot be interrupted.
pub static NEVER: Cancel = Cancel::new();

impl Cancel {
    /// A flag that is not set.
    pub const fn new() -> Self {
        Cancel {
            flag: AtomicBool::new(false),
        }
    }

    /// Ask the computation to stop.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](Self::cancel) has been called.
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// `Err(Error::Interrupted)` once cancelled.
    ///
    /// # Errors
    /// [`Error::Interrupted`] after [`cancel`](Self::cancel).
    #[inline]
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }
}

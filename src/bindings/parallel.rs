//! How core work runs from Python: inputs copied while the GIL is held, the work detached from
//! the GIL on a rayon pool that is alive in this process (also after `fork()`), and, for long
//! calls, Ctrl-C honoured within a poll.
//!
//! * [`owned`] copies a numpy array while the GIL is held. Work that runs detached never reads
//!   memory Python owns: another Python thread could change the array mid-call (a 20M-row
//!   `rate_ci` once showed a rate of -1000 for a count of 5).
//! * [`detach`] releases the GIL and runs the work on the right pool. rayon's global pool is
//!   created once per process; a child started with `fork()` (Linux's `multiprocessing` default
//!   before Python 3.14, joblib, many notebook setups) inherits the pool's bookkeeping but none
//!   of its threads, so its first parallel call would wait forever. In the process that imported
//!   saferstats the global pool is used as usual; in a forked child a fresh pool is built there
//!   (once per child) and the work runs inside it — the problem huggingface/tokenizers solves by
//!   disabling parallelism in the child, solved here without losing it.
//! * [`interruptible`] does the same on a worker thread while the calling thread re-attaches
//!   every [`SIGNAL_POLL`] to check for signals (`Python::check_signals`); a pending signal sets
//!   the core's [`Cancel`] flag, the core's loops stop at their next poll, and the call raises
//!   the signal's exception (`KeyboardInterrupt`).

use std::sync::{mpsc, Mutex, OnceLock};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use rayon::ThreadPool;

use super::errors::IntoPy;
use crate::cancel::Cancel;

/// How often the calling thread checks for Ctrl-C while interruptible work runs.
const SIGNAL_POLL: Duration = Duration::from_millis(40);

/// The process id at import time (the process whose global pool is usable).
static HOME_PID: OnceLock<u32> = OnceLock::new();
/// A pool built inside a forked child, tagged with the child's pid. Leaked on purpose: a pool
/// inherited through a further fork has no threads and must never be dropped or joined.
static CHILD_POOL: Mutex<Option<(u32, &'static ThreadPool)>> = Mutex::new(None);

/// Record the importing process (called from the module initialiser).
pub(crate) fn init() {
    HOME_PID.get_or_init(std::process::id);
}

/// `None` in the importing process (use the global pool); in a forked child, its own pool,
/// built on first use there.
fn pool() -> PyResult<Option<&'static ThreadPool>> {
    let pid = std::process::id();
    if HOME_PID.get().is_none_or(|&home| home == pid) {
        return Ok(None);
    }
    let mut slot = CHILD_POOL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((owner, pool)) = *slot
        && owner == pid
    {
        return Ok(Some(pool));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("could not start worker threads: {e}")))?;
    let pool: &'static ThreadPool = Box::leak(Box::new(pool));
    *slot = Some((pid, pool));
    Ok(Some(pool))
}

/// Run `f` on `pool` (or where it is, for the global pool).
fn on<T: Send>(pool: Option<&ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Run `f` with the GIL released, on a rayon pool that is alive in this process.
pub(crate) fn detach<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> T + Send,
{
    let pool = pool()?;
    Ok(py.detach(|| on(pool, f)))
}

/// A copy of a 1-D numpy array (contiguous or not), made while the GIL is held.
pub(crate) fn owned<T: numpy::Element + Copy>(a: &numpy::PyReadonlyArray1<'_, T>) -> Vec<T> {
    match a.as_slice() {
        Ok(s) => s.to_vec(),
        Err(_) => a.as_array().iter().copied().collect(),
    }
}

/// Run `work` with the GIL released on a worker thread (on the pool of [`detach`]), checking for
/// Ctrl-C and other signals on the calling thread every [`SIGNAL_POLL`]; a signal's Python
/// exception (`KeyboardInterrupt`) cancels the work and is raised. Core errors become saferstats
/// exceptions.
pub(crate) fn interruptible<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Cancel) -> crate::Result<T> + Send,
{
    let pool = pool()?;
    let cancel = Cancel::new();
    let outcome: Result<crate::Result<T>, PyErr> = py.detach(|| {
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel::<()>();
            let cancel = &cancel;
            let handle = std::thread::Builder::new()
                .name("saferstats-worker".into())
                .spawn_scoped(s, move || {
                    let r = on(pool, || work(cancel));
                    let _ = tx.send(());
                    r
                })
                .map_err(|e| {
                    PyRuntimeError::new_err(format!("could not start a worker thread: {e}"))
                })?;
            let mut signal: Option<PyErr> = None;
            loop {
                match rx.recv_timeout(SIGNAL_POLL) {
                    Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if signal.is_none()
                            && let Err(e) = Python::attach(|py| py.check_signals())
                        {
                            cancel.cancel();
                            signal = Some(e);
                        }
                    }
                }
            }
            let joined = handle.join().map_err(|_| {
                PyRuntimeError::new_err(
                    "internal error in a saferstats computation (please report it)",
                )
            })?;
            match signal {
                Some(e) => Err(e),
                None => Ok(joined),
            }
        })
    });
    outcome?.py_err()
}

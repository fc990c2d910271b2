//! Running core work detached from the GIL, on a rayon pool that works after `fork()`.
//!
//! rayon's global pool is created once per process; a child started with `fork()` (Linux's
//! `multiprocessing` default before Python 3.14, joblib, many notebook setups) inherits the
//! pool's bookkeeping but none of its threads, so the first parallel call in the child waits
//! forever. [`detach`] checks the process id: in the process that imported saferstats it uses
//! the global pool as usual; in a forked child it builds (once per child) a fresh pool there and
//! runs the work inside it. The same approach as huggingface/tokenizers' fork handling, without
//! disabling parallelism in the child.

use std::sync::{Mutex, OnceLock};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use rayon::ThreadPool;

/// The process id at import time (the process whose global pool is usable).
static HOME_PID: OnceLock<u32> = OnceLock::new();
/// A pool built inside a forked child, tagged with the child's pid. Leaked on purpose: a pool
/// inherited through a second fork has no threads and must never be dropped or joined.
static CHILD_POOL: Mutex<Option<(u32, &'static ThreadPool)>> = Mutex::new(None);

/// Record the importing process (called from the module initialiser).
pub(crate) fn init() {
    HOME_PID.get_or_init(std::process::id);
}

/// The pool to run on in a forked child, built on first use there.
fn child_pool(pid: u32) -> PyResult<&'static ThreadPool> {
    let mut slot = CHILD_POOL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((owner, pool)) = *slot {
        if owner == pid {
            return Ok(pool);
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("could not start worker threads: {e}")))?;
    let pool: &'static ThreadPool = Box::leak(Box::new(pool));
    *slot = Some((pid, pool));
    Ok(pool)
}

/// Run `f` with the GIL released, on a rayon pool that is alive in this process.
pub(crate) fn detach<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> T + Send,
{
    let pid = std::process::id();
    if HOME_PID.get().is_none_or(|&home| home == pid) {
        return Ok(py.detach(f));
    }
    let pool = child_pool(pid)?;
    Ok(py.detach(|| pool.install(f)))
}

/// A copy of a 1-D numpy array, made while the GIL is held.
///
/// Work that runs detached must never read memory Python owns: another Python thread could
/// change the array mid-call (a 20M-row `rate_ci` once showed a rate of -1000 for a count of 5,
/// computed from a value the echoed count no longer had). Every binding copies its inputs with
/// this before [`detach`]; non-contiguous arrays are gathered.
pub(crate) fn owned<T: numpy::Element + Copy>(a: &numpy::PyReadonlyArray1<'_, T>) -> Vec<T> {
    match a.as_slice() {
        Ok(s) => s.to_vec(),
        Err(_) => a.as_array().iter().copied().collect(),
    }
}

//! The PyO3 binding layer: the only place pyo3 and numpy appear. Each file converts types,
//! releases the GIL around the core call and maps errors; no statistics live here.

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::PyDict;

mod disproportionality;
mod errors;
mod geography;
mod hotspot;
mod intel;
mod io;
mod monitoring;
mod outcomes;
mod parallel;
mod rates;
mod trend;

/// The compiled module `saferstats._saferstats`.
#[pymodule]
fn _saferstats(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    parallel::init();
    rates::register(m)?;
    io::register(m)?;
    hotspot::register(m)?;
    intel::register(m)?;
    outcomes::register(m)?;
    disproportionality::register(m)?;
    trend::register(m)?;
    geography::register(m)?;
    monitoring::register(m)?;
    Ok(())
}

/// Put `f(row)` for every row into `d[name]` as a numpy array (moved into numpy, no copy).
pub(crate) fn put_column<R, T: numpy::Element>(
    d: &Bound<'_, PyDict>,
    name: &str,
    rows: &[R],
    f: impl Fn(&R) -> T,
) -> PyResult<()> {
    d.set_item(
        name,
        rows.iter().map(f).collect::<Vec<T>>().into_pyarray(d.py()),
    )
}

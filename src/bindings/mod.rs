//! The PyO3 binding layer: the only place pyo3 and numpy appear. Each file converts types,
//! releases the GIL around the core call and maps errors; no statistics and no validation live
//! here.
//!
//! # The binding contract
//! Every binding (existing and new: monitoring, hotspot intelligence, ...) follows these rules.
//!
//! 1. **One file per core module** (`src/bindings/<module>.rs`), its functions exported by name
//!    in the declarative `#[pymodule] mod _saferstats` below (`#[pymodule_export] use ...`).
//!    The Python layer (`python/saferstats/*`) is the public API; the compiled module is private
//!    and typed by `python/saferstats/_saferstats.pyi`, checked by `stubtest` in `make lint`.
//! 2. **Keyword signatures, written once.** Every binding that takes arrays is declared with
//!    [`binding!`]: one argument list gives the pyo3 signature, the Rust parameters and the
//!    copies of the arrays. Data arguments (arrays) are positional; every option is
//!    keyword-only, after `*`; an options struct is written `..opts: RateOptions { multiplier:
//!    f64, ... }` and becomes one keyword per field with the struct's own default
//!    (`RateOptions::default().multiplier`), so Rust and Python cannot drift apart. Keyword
//!    names are the options struct's field names.
//! 3. **Option enums by name.** Each option enum is declared in the core with `choice!`
//!    (`src/codes.rs`: parsing, aliases, the `valid: "a", "b"` message); [`py_choice!`] here makes
//!    it a typed argument, so a binding takes `method: RateMethod`, never a `&str` it parses; a
//!    value that is not a string is refused the same way, naming the argument.
//! 4. **One result shape.** A binding returns a dict built by [`columns!`]: numpy arrays (moved,
//!    not copied) keyed by column name, plus scalars or lists where the result has them. A
//!    function that returns one array or one scalar returns it as is. No tuples.
//! 5. **Running the work.** Inputs are copied with [`parallel::owned`] while the GIL is held;
//!    the core runs in [`parallel::detach`] (GIL released, fork-safe pool), or in
//!    [`parallel::interruptible`] when it can run longer than about a second — its loops then
//!    poll [`crate::cancel::Cancel`] and Ctrl-C stops them.
//! 6. **Errors.** Core [`crate::Error`]s become the `saferstats.exceptions` classes through
//!    [`errors::to_py`] (`.py_err()`); the Python layer renames the argument to the DataFrame
//!    column and the position to the row label.

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;

/// A dict of result columns: `columns!(py; "name" => value, ...)` with each value a `Vec` of a
/// numpy element type (moved into numpy, no copy) or [`Obj`] (any Python-convertible value:
/// scalars, lists of strings, nested dicts); or `columns!(py, rows; "name" => |r| expr, ...)`
/// with one numpy column per closure over the result rows, where `[a, b, ...]` first gives the
/// fields copied as they are into columns of the same names. Evaluates to `Bound<PyDict>`; use
/// inside a function returning `PyResult`.
macro_rules! columns {
    ($py:expr, $rows:expr; [$($field:ident),+ $(,)?] $(, $name:literal => |$r:ident| $e:expr)* $(,)?) => {{
        let rows = $rows;
        columns!($py;
            $(stringify!($field) => rows.iter().map(|r| r.$field).collect::<Vec<_>>(),)+
            $($name => rows.iter().map(|$r| $e).collect::<Vec<_>>()),*
        )
    }};
    ($py:expr, $rows:expr; $($name:literal => |$r:ident| $e:expr),+ $(,)?) => {{
        let rows = $rows;
        columns!($py; $($name => rows.iter().map(|$r| $e).collect::<Vec<_>>()),+)
    }};
    ($py:expr; $($name:expr => $value:expr),+ $(,)?) => {{
        let py = $py;
        let d = pyo3::types::PyDict::new(py);
        $(pyo3::types::PyDictMethods::set_item(
            &d,
            $name,
            $crate::bindings::IntoColumn::into_column($value, py)?,
        )?;)+
        d
    }};
}

/// A binding written once: its Python signature, its Rust parameters and the copies of its
/// array inputs all come from one argument list, so they cannot drift apart (rule 2).
///
/// ```text
/// binding! {
///     /// Doc of the compiled function.
///     fn name(py, lat: &[f64], lon: &[f64], offsets: Vec<usize>, *,
///             eps_m: f64, min_samples: usize = 5,
///             ..opts: core::Options { confidence: f64, method: core::Method }) -> Dict<'py> {
///         // body: `lat`, `lon` are `Vec<f64>` copies made while the GIL is held
///     }
/// }
/// ```
///
/// * `x: &[T]` is a numpy array, copied by [`parallel::owned`] into a `Vec<T>` named `x`;
///   `x: Option<&[T]>` the same or `None`; any other type is extracted by pyo3 as it is.
/// * After `*` every argument is keyword-only; `= default` gives its default.
/// * `..opts: Struct { field: Type, ... }` makes one keyword argument per field, with the
///   default `Struct::default().field`, and binds `opts` to the struct built from them;
///   `..opts: required Struct { ... }` the same with no defaults (every field must be given).
/// * The first name (`py`) is the `Python<'py>` token the body uses.
macro_rules! binding {
    (
        $(#[$meta:meta])*
        fn $name:ident($py:ident $(, $($args:tt)*)?) -> $ret:ty $body:block
    ) => {
        binding!(@arg [$(#[$meta])*] $name $py ($ret) $body; []; []; []; $($($args)*)?);
    };
    // `*`: the keyword-only marker.
    (@arg $m:tt $name:ident $py:ident $ret:tt $body:block; [$($sig:tt)*]; [$($par:tt)*]; [$($conv:tt)*];
        * $(, $($rest:tt)*)?) => {
        binding!(@arg $m $name $py $ret $body; [$($sig)* *,]; [$($par)*]; [$($conv)*]; $($($rest)*)?);
    };
    // `..opts: required Struct { field: Type, ... }`: one keyword per field, no defaults.
    (@arg $m:tt $name:ident $py:ident $ret:tt $body:block; [$($sig:tt)*]; [$($par:tt)*]; [$($conv:tt)*];
        .. $o:ident : required $s:ty { $($f:ident : $ft:ty),+ $(,)? } $(, $($rest:tt)*)?) => {
        binding!(@arg $m $name $py $ret $body;
            [$($sig)* $($f,)+];
            [$($par)* $($f: $ft,)+];
            [$($conv)* let $o = { type Options = $s; Options { $($f),+ } };];
            $($($rest)*)?);
    };
    // `..opts: Struct { field: Type, ... }`: one keyword per field, defaults from the struct.
    (@arg $m:tt $name:ident $py:ident $ret:tt $body:block; [$($sig:tt)*]; [$($par:tt)*]; [$($conv:tt)*];
        .. $o:ident : $s:ty { $($f:ident : $ft:ty),+ $(,)? } $(, $($rest:tt)*)?) => {
        binding!(@arg $m $name $py $ret $body;
            [$($sig)* $($f = <$s>::default().$f,)+];
            [$($par)* $($f: $ft,)+];
            [$($conv)* let $o = { type Options = $s; Options { $($f),+ } };];
            $($($rest)*)?);
    };
    // `x: &[T]`: a numpy array copied into `Vec<T>`.
    (@arg $m:tt $name:ident $py:ident $ret:tt $body:block; [$($sig:tt)*]; [$($par:tt)*]; [$($conv:tt)*];
        $a:ident : &[$t:ty] $(, $($rest:tt)*)?) => {
        binding!(@arg $m $name $py $ret $body;
            [$($sig)* $a,]; [$($par)* $a: numpy::PyReadonlyArray1<'py, $t>,];
            [$($conv)* let $a = $crate::bindings::parallel::owned(&$a);]; $($($rest)*)?);
    };
    // `x: Option<&[T]>`: an optional numpy array.
    (@arg $m:tt $name:ident $py:ident $ret:tt $body:block; [$($sig:tt)*]; [$($par:tt)*]; [$($conv:tt)*];
        $a:ident : Option<&[$t:ty]> $(= $d:tt)? $(, $($rest:tt)*)?) => {
        binding!(@arg $m $name $py $ret $body;
            [$($sig)* $a $(= $d)?,]; [$($par)* $a: Option<numpy::PyReadonlyArray1<'py, $t>>,];
            [$($conv)* let $a = $a.as_ref().map($crate::bindings::parallel::owned);];
            $($($rest)*)?);
    };
    // `x: T = default` with a one-token default (`None`, `true`, `0.95`): passed on as a token,
    // so pyo3 shows it in `__text_signature__` (an `expr` fragment would show as `...`).
    (@arg $m:tt $name:ident $py:ident $ret:tt $body:block; [$($sig:tt)*]; [$($par:tt)*]; [$($conv:tt)*];
        $a:ident : $t:ty = $d:tt $(, $($rest:tt)*)?) => {
        binding!(@arg $m $name $py $ret $body;
            [$($sig)* $a = $d,]; [$($par)* $a: $t,]; [$($conv)*]; $($($rest)*)?);
    };
    // `x: T = default`.
    (@arg $m:tt $name:ident $py:ident $ret:tt $body:block; [$($sig:tt)*]; [$($par:tt)*]; [$($conv:tt)*];
        $a:ident : $t:ty = $d:expr $(, $($rest:tt)*)?) => {
        binding!(@arg $m $name $py $ret $body;
            [$($sig)* $a = $d,]; [$($par)* $a: $t,]; [$($conv)*]; $($($rest)*)?);
    };
    // `x: T`.
    (@arg $m:tt $name:ident $py:ident $ret:tt $body:block; [$($sig:tt)*]; [$($par:tt)*]; [$($conv:tt)*];
        $a:ident : $t:ty $(, $($rest:tt)*)?) => {
        binding!(@arg $m $name $py $ret $body;
            [$($sig)* $a,]; [$($par)* $a: $t,]; [$($conv)*]; $($($rest)*)?);
    };
    // All arguments read: emit the function.
    (@arg [$($meta:tt)*] $name:ident $py:ident ($ret:ty) $body:block; [$($sig:tt)*]; [$($par:tt)*]; [$($conv:tt)*];) => {
        $($meta)*
        #[pyo3::pyfunction]
        #[pyo3(signature = ($($sig)*))]
        #[allow(clippy::too_many_arguments)]
        pub(super) fn $name<'py>($py: pyo3::Python<'py>, $($par)*) -> pyo3::PyResult<$ret> {
            $($conv)*
            $body
        }
    };
}

/// The result dict of a binding.
pub(crate) type Dict<'py> = Bound<'py, pyo3::types::PyDict>;
/// A numpy array returned by a binding.
pub(crate) type Array<'py, T> = Bound<'py, numpy::PyArray1<T>>;

/// Make `choice!` option enums typed binding arguments: a Python `str` parsed by the enum's
/// `FromStr`; an unknown name or a value that is not a string raises `InvalidInputError`
/// naming the argument and the valid names (so the Python layer need not check options first).
macro_rules! py_choice {
    ($($t:ty),+ $(,)?) => {$(
        impl<'a, 'py> FromPyObject<'a, 'py> for $t {
            type Error = PyErr;
            fn extract(obj: pyo3::Borrowed<'a, 'py, pyo3::PyAny>) -> PyResult<Self> {
                match obj.extract::<pyo3::pybacked::PyBackedStr>() {
                    Ok(s) => s.parse::<$t>().map_err(errors::to_py),
                    Err(_) => {
                        let got = obj.repr().map(|r| r.to_string()).unwrap_or_default();
                        let (arg, what) = (<$t>::ARGUMENT, <$t>::WHAT);
                        let given = crate::codes::Given::NotAName(&got);
                        let e = crate::codes::unknown_choice(arg, what, given, <$t>::NAMES);
                        Err(errors::to_py(e))
                    }
                }
            }
        }
    )+};
}

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

py_choice!(
    crate::ci::Missing,
    crate::rates::RateMethod,
    crate::rates::ProportionMethod,
    crate::rates::RatioMethod,
    crate::trend::Dispersion,
    crate::trend::FunnelKind,
    crate::disproportionality::RatioCi,
    crate::disproportionality::ZeroCount,
    crate::outcomes::ItsDispersion,
    crate::outcomes::SeasonalityKind,
    crate::hotspot::kde::Kernel,
    crate::hotspot::local::Transform,
    crate::hotspot::local::Statistic,
    crate::hotspot::global::Statistic,
    crate::hotspot::grid::Shape,
    crate::hotspot::grid::DualMethod,
    crate::hotspot::prospective::CellDistance,
    crate::hotspot::knox::Metric,
    crate::io::csvscan::ColumnKindName,
    crate::monitoring::spc::Chart,
    crate::monitoring::spc::Improvement,
    crate::monitoring::funnel_od::OdModel,
    crate::monitoring::multiple::Adjust,
    crate::monitoring::unusual::UnusualMethod,
);

/// Seasonal terms as a binding argument: `None`, or a tuple `(kind, season_length, harmonics)`
/// with `kind` "none", "fourier" or "dummies" (see [`crate::glm::Seasonality::from_kind`]).
impl<'a, 'py> FromPyObject<'a, 'py> for crate::glm::Seasonality {
    type Error = PyErr;
    fn extract(obj: pyo3::Borrowed<'a, 'py, pyo3::PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            return Ok(crate::glm::Seasonality::None);
        }
        let (kind, period, k): (crate::glm::SeasonalityKind, usize, usize) = obj.extract()?;
        Ok(crate::glm::Seasonality::from_kind(kind, period, k))
    }
}

/// A value of a result dict (see [`columns!`]).
pub(crate) trait IntoColumn<'py> {
    /// The Python object stored under the column's name.
    fn into_column(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

impl<'py, T: numpy::Element> IntoColumn<'py> for Vec<T> {
    fn into_column(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.into_pyarray(py).into_any())
    }
}

/// Any Python-convertible value as a result entry (scalars, string lists, arrays, dicts).
pub(crate) struct Obj<T>(pub T);

impl<'py, T: IntoPyObject<'py>> IntoColumn<'py> for Obj<T> {
    fn into_column(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.into_bound_py_any(py)
    }
}

/// The compiled module `saferstats._saferstats` (private; the API is the `saferstats` package).
#[pymodule]
mod _saferstats {
    #[pymodule_export]
    use super::disproportionality::{
        disproportionality, mantel_haenszel_rr, outcome_tests, test_labels, two_by_two,
    };
    #[pymodule_export]
    use super::geography::AreaIndex;
    #[pymodule_export]
    use super::hotspot::{
        clark_evans, cluster_summary, dbscan, hdbscan_labels, hdbscan_mst, kde_contributions,
        kde_default_bandwidth, kde_grid, knox, local_statistic, nnh, nnh_threshold,
        to_local_metres, weights_adjacency, weights_distance_band, weights_lattice, wgs84_to_bng,
    };
    #[pymodule_export]
    use super::intel::{
        concentration, global_statistic, grid_auto_bandwidth, grid_auto_cell_size,
        grid_bandwidth_nrd, grid_centres, grid_counts, grid_counts_by_period, grid_dual, grid_kde,
        grid_locate, grid_spec, hotspot_change_test, hotspot_classify, pai_table, prospective_risk,
    };
    #[pymodule_export]
    use super::io::{month_codes, read_columns};
    #[pymodule_export]
    use super::monitoring::{
        e_test_many, funnel_od_limits, funnel_od_significance, funnel_overdispersion, isr_ratio,
        p_adjust, poisson_expected_limits, spc_labels, spc_many, t_quantile, unusual_periods, wdd,
        wdd_harm,
    };
    #[pymodule_export]
    use super::outcomes::{its_poisson, protect, suppress};
    #[pymodule_export]
    use super::rates::{
        ci_method_labels, dsr, dsr_many, esp2013, proportion_ci, proportion_difference, rate_ci,
        rate_ratio,
    };
    #[pymodule_export]
    use super::trend::{
        funnel_limits, funnel_significance, funnel_significance_labels, mann_kendall_rows,
        poisson_trend_many, season_checks_many, seasonal_mann_kendall_rows, trend_method_labels,
        trend_note_labels, trend_ratios,
    };

    /// The package version.
    #[pymodule_export]
    #[allow(non_upper_case_globals)]
    const __version__: &str = env!("CARGO_PKG_VERSION");

    /// Mean Earth radius in metres used by every haversine distance in the core.
    #[pymodule_export]
    const EARTH_RADIUS_M: f64 = crate::hotspot::EARTH_RADIUS_M;

    #[pymodule_init]
    fn init() -> pyo3::PyResult<()> {
        super::parallel::init();
        Ok(())
    }
}

"""Type stubs for the compiled core ``saferstats._saferstats`` (Rust, PyO3).

The binding contract (``src/bindings/mod.rs``): data arguments are positional, every option is
keyword-only with the default of the core's options struct; option names are parsed by the core
(an unknown name raises ``InvalidInputError`` listing the valid ones); results are one dict of
numpy arrays (and scalars or lists where the result has them), moved from Rust without copying.
Every array argument is a 1-D float64 numpy array unless typed otherwise. Method codes index
:func:`ci_method_labels`.
"""

from typing import Any, final

import numpy as np
import numpy.typing as npt
from typing_extensions import Self

__version__: str
#: Mean Earth radius in metres used by every haversine distance in the core.
EARTH_RADIUS_M: float

__all__ = [
    "AreaIndex",
    "EARTH_RADIUS_M",
    "__version__",
    "ci_method_labels",
    "clark_evans",
    "cluster_summary",
    "concentration",
    "dbscan",
    "disproportionality",
    "dsr",
    "dsr_many",
    "e_test_many",
    "esp2013",
    "funnel_limits",
    "funnel_od_limits",
    "funnel_od_significance",
    "funnel_overdispersion",
    "funnel_significance",
    "funnel_significance_labels",
    "global_statistic",
    "grid_auto_bandwidth",
    "grid_auto_cell_size",
    "grid_bandwidth_nrd",
    "grid_centres",
    "grid_counts",
    "grid_counts_by_period",
    "grid_dual",
    "grid_kde",
    "grid_locate",
    "grid_spec",
    "hdbscan_labels",
    "hdbscan_mst",
    "hotspot_change_test",
    "hotspot_classify",
    "isr_ratio",
    "its_poisson",
    "kde_contributions",
    "kde_default_bandwidth",
    "kde_grid",
    "knox",
    "local_statistic",
    "mann_kendall_rows",
    "mantel_haenszel_rr",
    "month_codes",
    "nnh",
    "nnh_threshold",
    "outcome_tests",
    "p_adjust",
    "pai_table",
    "poisson_expected_limits",
    "poisson_trend_many",
    "proportion_ci",
    "proportion_difference",
    "prospective_risk",
    "protect",
    "rate_ci",
    "rate_ratio",
    "read_columns",
    "season_checks_many",
    "seasonal_mann_kendall_rows",
    "spc_labels",
    "spc_many",
    "suppress",
    "t_quantile",
    "test_labels",
    "trend_method_labels",
    "trend_note_labels",
    "trend_ratios",
    "two_by_two",
    "unusual_periods",
    "wdd",
    "wdd_harm",
    "weights_adjacency",
    "weights_distance_band",
    "weights_lattice",
    "to_local_metres",
    "wgs84_to_bng",
]

_F64 = npt.NDArray[np.float64]
_U8 = npt.NDArray[np.uint8]
_I64 = npt.NDArray[np.int64]
_Columns = dict[str, Any]

def ci_method_labels() -> list[str]: ...
def esp2013() -> list[float]: ...
def rate_ci(
    count: _F64,
    population: _F64,
    *,
    multiplier: float = ...,
    confidence: float = ...,
    method: str = ...,
    missing: str = ...,
) -> _Columns:
    """count, population (copies), value, lower, upper, method (codes)."""
def proportion_ci(
    successes: _F64,
    trials: _F64,
    *,
    multiplier: float = ...,
    confidence: float = ...,
    method: str = ...,
    missing: str = ...,
) -> _Columns:
    """successes, trials (copies), value, lower, upper, method (codes)."""
def rate_ratio(
    count_a: _F64,
    population_a: _F64,
    count_b: _F64,
    population_b: _F64,
    *,
    confidence: float = ...,
    method: str = ...,
    missing: str = ...,
    percent: bool = ...,
) -> _Columns:
    """value, lower, upper, method, z, p_value [, percent_change, percent_lower, percent_upper]."""
def proportion_difference(
    successes_a: _F64,
    trials_a: _F64,
    successes_b: _F64,
    trials_b: _F64,
    *,
    confidence: float = ...,
    missing: str = ...,
) -> _Columns: ...
def dsr(
    counts: _F64, populations: _F64, standard: _F64, *, multiplier: float = ..., confidence: float = ...
) -> _Columns: ...
def dsr_many(
    counts: _F64,
    populations: _F64,
    standard: _F64,
    offsets: list[int],
    *,
    multiplier: float = ...,
    confidence: float = ...,
) -> _Columns: ...
def trend_method_labels() -> list[str]: ...
def trend_note_labels() -> list[str]: ...
def funnel_significance_labels() -> list[str]: ...
def poisson_trend_many(
    count: _F64,
    population: _F64,
    t: _F64,
    offsets: list[int],
    *,
    confidence: float = ...,
    dispersion: str = ...,
    auto_threshold: float = ...,
    missing: str = ...,
    use_t: bool = ...,
    seasonality: tuple[str, int, int] | None = ...,
) -> _Columns: ...
def season_checks_many(
    count: _F64, population: _F64, t: _F64, offsets: list[int], *, confidence: float = ...
) -> _Columns: ...
def trend_ratios(
    beta_a: _F64,
    se_a: _F64,
    beta_b: _F64,
    se_b: _F64,
    *,
    df_a: _F64 | None = ...,
    df_b: _F64 | None = ...,
    confidence: float = ...,
) -> _Columns: ...
def mann_kendall_rows(
    values: _F64, n_cols: int, *, confidence: float = ..., skip_missing: bool = ..., times: _F64 | None = ...
) -> _Columns: ...
def seasonal_mann_kendall_rows(
    values: _F64, n_cols: int, period: int, *, confidence: float = ..., skip_missing: bool = ...
) -> _Columns: ...
def funnel_limits(denominators: _F64, target: float, *, kind: str, multiplier: float) -> _Columns: ...
def funnel_significance(
    numerators: _F64, denominators: _F64, target: float, *, kind: str, multiplier: float
) -> _U8: ...
def read_columns(
    files: list[tuple[str, str, list[int | None]]], columns: list[tuple[str, str, float, bool]]
) -> _Columns: ...
def month_codes(ns: _I64) -> _Columns:
    """UTC calendar months of ns timestamps: codes into sorted "YYYY-MM" labels (-1 for NaT)."""
def disproportionality(
    searches: _F64,
    population: _F64,
    reference: list[int],
    *,
    multiplier: float = ...,
    confidence: float = ...,
    ratio_method: str = ...,
    zero: str = ...,
    min_count: float = ...,
    min_population: float = ...,
) -> _Columns: ...
def outcome_tests(hits: _F64, n: _F64, reference: list[int], *, confidence: float = ...) -> _Columns: ...
def mantel_haenszel_rr(
    group: _I64, x1: _F64, n1: _F64, x2: _F64, n2: _F64, *, groups: int, confidence: float = ...
) -> _Columns: ...
def two_by_two(x1: _F64, n1: _F64, x2: _F64, n2: _F64, *, confidence: float = ...) -> _Columns: ...
def test_labels() -> list[str]: ...
def its_poisson(
    counts: _F64,
    population: _F64,
    break_index: int,
    *,
    confidence: float = ...,
    dispersion: str = ...,
    seasonality: tuple[str, int, int] | None = ...,
    use_t: bool = ...,
) -> _Columns: ...
def suppress(
    values: _F64,
    n_cols: int,
    *,
    threshold: float = ...,
    zeros: bool = ...,
    secondary: bool = ...,
    round_to: float | None = ...,
) -> _Columns: ...
def protect(
    values: _F64,
    kinds: _U8,
    offsets: _I64,
    cells: _I64,
    coefs: _F64,
    *,
    threshold: float = ...,
    zeros: bool = ...,
    secondary: bool = ...,
    parts: _I64 | None = ...,
) -> _Columns: ...
def dbscan(lat: _F64, lon: _F64, *, eps_m: float, min_samples: int) -> _Columns: ...
def kde_contributions(
    x: _F64,
    y: _F64,
    weights: _F64 | None,
    *,
    bandwidth: float,
    kernel: str = ...,
    at_x: float,
    at_y: float,
) -> _F64: ...
def kde_default_bandwidth(x: _F64, y: _F64) -> float: ...
def kde_grid(
    x: _F64,
    y: _F64,
    weights: _F64 | None,
    *,
    bandwidth: float,
    kernel: str = ...,
    xmin: float,
    xmax: float,
    ymin: float,
    ymax: float,
    cell_size: float,
) -> _Columns: ...
def weights_lattice(nrows: int, ncols: int, *, queen: bool, mask: npt.NDArray[np.bool_] | None = ...) -> _Columns: ...
def weights_adjacency(
    focal: npt.NDArray[np.uint32], neighbor: npt.NDArray[np.uint32], weight: _F64 | None, *, n: int
) -> _Columns: ...
def weights_distance_band(x: _F64, y: _F64, *, threshold: float, binary: bool = ...) -> _Columns: ...
_Csr = tuple[int, _I64, _I64, _F64]
def local_statistic(
    values: _F64,
    weights: _Csr,
    *,
    statistic: str,
    transform: str,
    permutations: int = ...,
    seed: int = ...,
) -> _Columns: ...
def knox(
    x: _F64,
    y: _F64,
    t: _F64,
    distance_edges: _F64,
    time_edges: _F64,
    *,
    permutations: int = ...,
    seed: int = ...,
    metric: str = ...,
) -> _Columns: ...
def cluster_summary(
    lat: _F64, lon: _F64, labels: _I64, times: _F64 | None = ..., *, concavity: float | None = ...
) -> _Columns: ...
def clark_evans(x: _F64, y: _F64, *, area: float, perimeter: float | None = ...) -> _Columns: ...
def nnh_threshold(n: int, *, area: float, p: float) -> float: ...
def nnh(
    x: _F64,
    y: _F64,
    *,
    area: float,
    p: float,
    min_points: int,
    max_order: int,
    threshold: float | None = ...,
) -> _Columns: ...
def wgs84_to_bng(lat: _F64, lon: _F64) -> _Columns: ...
def to_local_metres(lat: _F64, lon: _F64, *, origin: tuple[float, float] | None = None) -> _Columns: ...
def hdbscan_mst(lat: _F64, lon: _F64, *, min_samples: int) -> _Columns: ...
def hdbscan_labels(n: int, src: _I64, dst: _I64, distance: _F64, *, min_cluster_size: int) -> _I64: ...
# hotspot intelligence (src/bindings/intel.rs)
def global_statistic(
    values: _F64,
    weights: _Csr,
    *,
    statistic: str,
    transform: str,
    permutations: int = ...,
    seed: int = ...,
) -> _Columns: ...
def pai_table(observed: _F64, predicted: _F64, area: _F64 | None = None) -> dict[str, npt.NDArray[Any]]: ...
def concentration(counts: _F64) -> dict[str, Any]: ...
_Grid = tuple[str, float, float, float, int, int]
def grid_spec(xmin: float, xmax: float, ymin: float, ymax: float, cell: float, *, shape: str = ...) -> dict[str, Any]: ...
def grid_auto_cell_size(x: _F64, y: _F64) -> float: ...
def grid_bandwidth_nrd(v: _F64) -> float: ...
def grid_auto_bandwidth(x: _F64, y: _F64) -> float: ...
def grid_centres(grid: _Grid) -> dict[str, _F64]: ...
def grid_locate(grid: _Grid, x: _F64, y: _F64) -> _I64: ...
def grid_counts(grid: _Grid, x: _F64, y: _F64, weights: _F64 | None = None) -> dict[str, Any]: ...
def grid_counts_by_period(grid: _Grid, x: _F64, y: _F64, period: _I64, *, periods: int) -> dict[str, Any]: ...
def grid_kde(
    grid: _Grid, x: _F64, y: _F64, weights: _F64 | None = None, *, bandwidth: float, kernel: str = ...
) -> _F64: ...
def grid_dual(a: _F64, b: _F64, *, method: str = ...) -> _F64: ...
def hotspot_classify(
    grid: _Grid,
    counts: _F64,
    periods: int,
    *,
    mask: npt.NDArray[np.bool_] | None = ...,
    hotspot_prop: float = ...,
    persistent_prop: float = ...,
    recent_prop: float = ...,
    critical_p: float = ...,
    permutations: int = ...,
    holm: bool = ...,
    seed: int = ...,
) -> dict[str, Any]: ...
def hotspot_change_test(before: _F64, after: _F64, *, length_before: float, length_after: float) -> dict[str, _F64]: ...
def prospective_risk(
    grid: _Grid,
    x: _F64,
    y: _F64,
    t: _F64,
    *,
    cutoff_time: float,
    predict_time: float,
    space_bandwidth: float = ...,
    time_bandwidth: float = ...,
    time_unit: float = ...,
    distance: str = ...,
) -> _F64: ...
@final
class AreaIndex:
    def __new__(
        cls,
        x: _F64,
        y: _F64,
        ring_offsets: _I64,
        ring_area: _I64,
        n_areas: int,
        cells_per_edge: float = 16.0,
        max_cells: int = 4194304,
    ) -> Self: ...
    def locate(self, x: _F64, y: _F64) -> npt.NDArray[np.int32]: ...
    def locate_exhaustive(self, x: float, y: float) -> int: ...
    @property
    def n_areas(self) -> int: ...
    @property
    def grid(self) -> tuple[int, int, float]: ...
    @property
    def boundary_cells(self) -> int: ...
    @property
    def memory_bytes(self) -> int: ...

# monitoring (src/bindings/monitoring.rs)
def spc_labels() -> dict[str, list[str]]: ...
def spc_many(
    values: _F64,
    denominators: _F64 | None,
    series_starts: list[int],
    rebase: npt.NDArray[np.bool_],
    targets: _F64,
    *,
    chart: str = ...,
    improvement: str = ...,
    fix_after: int | None = ...,
    screen_outliers: bool = ...,
    trend_points: int = ...,
    shift_points: int = ...,
    laney: bool = ...,
) -> dict[str, dict[str, npt.NDArray[Any]]]: ...
def e_test_many(k1: _F64, k2: _F64, n1: _F64, n2: _F64) -> _F64: ...
def wdd(
    control: list[float],
    treated: list[float],
    disp_control: list[float] | None,
    disp_treated: list[float] | None,
    *,
    time_weights: list[float] = ...,
    area_weights: list[float] = ...,
    confidence: float = ...,
) -> dict[str, _F64]: ...
def wdd_harm(estimates: list[float], se: list[float], weights: list[float], *, confidence: float) -> dict[str, _F64]: ...
def funnel_overdispersion(
    numerators: _F64, denominators: _F64, *, kind: str, target: float, multiplier: float, trim: float
) -> dict[str, Any]: ...
def funnel_od_limits(
    denominators: _F64, *, kind: str, target: float, multiplier: float, phi: float, tau2: float, model: str
) -> dict[str, _F64]: ...
def funnel_od_significance(
    numerators: _F64,
    denominators: _F64,
    *,
    kind: str,
    target: float,
    multiplier: float,
    phi: float,
    tau2: float,
    model: str,
) -> npt.NDArray[np.uint8]: ...
def isr_ratio(observed: _F64, expected: _F64, *, confidence: float) -> dict[str, npt.NDArray[Any]]: ...
def p_adjust(p: _F64, *, method: str) -> _F64: ...
def poisson_expected_limits(events: _F64, *, p: float) -> dict[str, _F64]: ...
def unusual_periods(values: _F64, series_starts: list[int], *, baseline: int, method: str) -> dict[str, _F64]: ...
def t_quantile(p: float, df: float) -> float: ...

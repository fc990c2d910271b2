"""Type stubs for the compiled core ``saferstats._saferstats`` (Rust, PyO3).

Every array argument is a 1-D contiguous float64 numpy array (borrowed without copying); every
array result is moved from Rust into numpy without copying. Method codes index
:func:`ci_method_labels`.
"""

from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str

_F64 = npt.NDArray[np.float64]
_U8 = npt.NDArray[np.uint8]

def ci_method_labels() -> list[str]: ...
def esp2013() -> list[float]: ...
def rate_ci(
    count: _F64, population: _F64, multiplier: float, confidence: float, method: str, missing: str
) -> tuple[_F64, _F64, _F64, _F64, _F64, _U8]:
    """(count copy, population copy, rate, lower, upper, method code)."""
def proportion_ci(
    successes: _F64, trials: _F64, multiplier: float, confidence: float, method: str, missing: str
) -> tuple[_F64, _F64, _F64, _F64, _F64, _U8]:
    """(successes copy, trials copy, value, lower, upper, method code)."""
def rate_ratio(
    count_a: _F64,
    population_a: _F64,
    count_b: _F64,
    population_b: _F64,
    confidence: float,
    method: str,
    missing: str,
    percent: bool = False,
) -> tuple[_F64, _F64, _F64, _U8, _F64, _F64, tuple[_F64, _F64, _F64] | None]: ...
def proportion_difference(
    successes_a: _F64, trials_a: _F64, successes_b: _F64, trials_b: _F64, confidence: float, missing: str
) -> tuple[_F64, _F64, _F64, _U8]: ...
def dsr(
    counts: _F64, populations: _F64, standard: _F64, multiplier: float, confidence: float
) -> tuple[float, float, float, float, float, int, str | None]: ...
def dsr_many(
    counts: _F64, populations: _F64, standard: _F64, offsets: list[int], multiplier: float, confidence: float
) -> tuple[dict[str, npt.NDArray[Any]], list[str | None]]: ...
def trend_method_labels() -> list[str]: ...
def trend_note_labels() -> list[str]: ...
def funnel_significance_labels() -> list[str]: ...
def poisson_trend_many(
    count: _F64,
    population: _F64,
    t: _F64,
    offsets: list[int],
    confidence: float,
    dispersion: str,
    auto_threshold: float,
) -> dict[str, npt.NDArray[Any]]: ...
def mann_kendall_rows(
    values: _F64, n_cols: int, confidence: float, skip_missing: bool, times: _F64 | None = None
) -> dict[str, npt.NDArray[Any]]: ...
def seasonal_mann_kendall_rows(
    values: _F64, n_cols: int, period: int, confidence: float, skip_missing: bool
) -> dict[str, npt.NDArray[Any]]: ...
def funnel_limits(denominators: _F64, target: float, kind: str, multiplier: float) -> dict[str, _F64]: ...
def funnel_significance(
    numerators: _F64, denominators: _F64, target: float, kind: str, multiplier: float
) -> _U8: ...
def read_columns(
    files: list[tuple[str, str, list[int | None]]], columns: list[tuple[str, str, float, bool]]
) -> dict[str, Any]: ...
def month_codes(ns: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int32], list[str]]:
    """UTC calendar months of ns timestamps: codes into sorted "YYYY-MM" labels (-1 for NaT)."""
def disproportionality(
    searches: _F64,
    population: _F64,
    reference: list[int],
    multiplier: float,
    confidence: float,
    ratio_method: str,
    zero: str,
    min_count: float,
    min_population: float,
) -> dict[str, npt.NDArray[Any]]: ...
def outcome_tests(hits: _F64, n: _F64, reference: list[int], confidence: float) -> dict[str, npt.NDArray[Any]]: ...
def two_by_two(x1: _F64, n1: _F64, x2: _F64, n2: _F64, confidence: float) -> dict[str, npt.NDArray[Any]]: ...
def test_labels() -> list[str]: ...
def its_poisson(
    counts: _F64,
    population: _F64,
    break_index: int,
    confidence: float,
    dispersion: str,
    season_kind: str,
    season_period: int,
    season_k: int,
) -> dict[str, Any]: ...
def suppress(
    values: _F64, n_cols: int, threshold: float, zeros: bool, secondary: bool, round_to: float | None
) -> tuple[_F64, _U8]: ...
def protect(
    values: _F64,
    kinds: _U8,
    offsets: npt.NDArray[np.int64],
    cells: npt.NDArray[np.int64],
    coefs: _F64,
    threshold: float,
    zeros: bool,
    secondary: bool,
) -> tuple[_U8, npt.NDArray[np.int64]]: ...
def dbscan(lat: _F64, lon: _F64, eps_m: float, min_samples: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]: ...
def kde_default_bandwidth(x: _F64, y: _F64) -> float: ...
def kde_grid(
    x: _F64,
    y: _F64,
    weights: _F64 | None,
    bandwidth: float,
    kernel: str,
    xmin: float,
    xmax: float,
    ymin: float,
    ymax: float,
    cell_size: float,
) -> tuple[_F64, float, float, int, int]: ...
_I64 = npt.NDArray[np.int64]
_Csr = tuple[int, _I64, _I64, _F64]

def weights_lattice(nrows: int, ncols: int, queen: bool) -> _Csr: ...
def weights_adjacency(
    focal: npt.NDArray[np.uint32], neighbor: npt.NDArray[np.uint32], weight: _F64 | None, n: int
) -> _Csr: ...
def weights_distance_band(x: _F64, y: _F64, threshold: float, binary: bool) -> _Csr: ...
def local_statistic(
    statistic: str,
    values: _F64,
    n: int,
    offsets: _I64,
    neighbors: _I64,
    weights: _F64,
    transform: str,
    permutations: int,
    seed: int,
) -> dict[str, npt.NDArray[Any]]: ...
def knox(
    x: _F64,
    y: _F64,
    t: _F64,
    distance_edges: _F64,
    time_edges: _F64,
    permutations: int,
    seed: int,
    metric: str,
) -> dict[str, _F64]: ...
def cluster_summary(
    lat: _F64, lon: _F64, labels: npt.NDArray[np.int64], times: _F64 | None, concavity: float | None
) -> dict[str, Any]: ...
def clark_evans(x: _F64, y: _F64, area: float, perimeter: float | None) -> tuple[float, float, float, float, float, float]: ...
def nnh_threshold(n: int, area: float, p: float) -> float: ...
def nnh(
    x: _F64, y: _F64, area: float, p: float, threshold: float | None, min_points: int, max_order: int
) -> tuple[list[float], npt.NDArray[np.int64], dict[str, npt.NDArray[Any]]]: ...
def wgs84_to_bng(lat: _F64, lon: _F64) -> tuple[_F64, _F64]: ...
def hdbscan_mst(
    lat: _F64, lon: _F64, min_samples: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
def hdbscan_labels(
    n: int, src: npt.NDArray[np.int64], dst: npt.NDArray[np.int64], distance: _F64, min_cluster_size: int
) -> npt.NDArray[np.int64]: ...
from typing import final

from typing_extensions import Self

@final
class AreaIndex:
    def __new__(
        cls,
        x: _F64,
        y: _F64,
        ring_offsets: npt.NDArray[np.int64],
        ring_area: npt.NDArray[np.int64],
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
    chart: str,
    improvement: str,
    fix_after: int | None,
    screen_outliers: bool,
    trend_points: int,
    shift_points: int,
    laney: bool,
) -> tuple[dict[str, npt.NDArray[Any]], dict[str, npt.NDArray[Any]]]: ...
def e_test_many(k1: _F64, k2: _F64, n1: _F64, n2: _F64) -> _F64: ...
def wdd(
    control: list[float],
    treated: list[float],
    disp_control: list[float] | None,
    disp_treated: list[float] | None,
    time_weights: list[float],
    area_weights: list[float],
    confidence: float,
) -> list[list[float]]: ...
def wdd_harm(estimates: list[float], se: list[float], weights: list[float], confidence: float) -> list[float]: ...
def funnel_overdispersion(
    numerators: _F64, denominators: _F64, kind: str, target: float, multiplier: float, trim: float
) -> tuple[float, float, int, _F64]: ...
def funnel_od_limits(
    denominators: _F64, kind: str, target: float, multiplier: float, phi: float, tau2: float, model: str
) -> dict[str, _F64]: ...
def funnel_od_significance(
    numerators: _F64,
    denominators: _F64,
    kind: str,
    target: float,
    multiplier: float,
    phi: float,
    tau2: float,
    model: str,
) -> npt.NDArray[np.uint8]: ...
def isr_ratio(observed: _F64, expected: _F64, confidence: float) -> dict[str, npt.NDArray[Any]]: ...
def p_adjust(p: _F64, method: str) -> _F64: ...
def poisson_expected_limits(events: _F64, p: float) -> tuple[_F64, _F64]: ...
def unusual_periods(values: _F64, series_starts: list[int], baseline: int, method: str) -> tuple[_F64, _F64]: ...
def t_quantile(p: float, df: float) -> float: ...

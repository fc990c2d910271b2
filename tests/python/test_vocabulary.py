"""The API vocabulary (docs/vocabulary.md), enforced.

Walks every public function (``saferstats.__all__`` and the ``__all__`` of every public
subpackage/module listed there, plus ``saferstats.hotspot`` and ``saferstats.monitoring`` when
present), checks its keywords against the rules and calls it on a small example to check what it
returns. A new public function fails ``test_every_public_function_is_catalogued`` until it is added
to ``CATALOGUE`` below (with an example call when it is an analysis).

Names fixed by earlier issues stay as they are; they are listed in ``FIXED`` with the issue.
"""

from __future__ import annotations

import importlib
import inspect
import re
import types
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import tidy_counts

# --------------------------------------------------------------------------- the catalogue
# kind: "analysis" (DataFrame or result object, checked), "labeller" (a label per input element),
# "helper" (scalar, list, array, tuple of arrays, Series), "export" (a GeoDataFrame or a written file's Path),
# "tally" (counts by period: a Series or DataFrame), "lookup" (a small dict),
# "reader" (DataFrame + attrs["dropped"]), "plot" (matplotlib), "data" (bundled data loader), "unchecked" (catalogued while its issue is in
# flight: keywords are checked, its output is not yet; to become "analysis" with an example call).

_LAT = [51.5, 51.5003, 51.5001, 51.4998, 51.503, 51.5032, 51.5029, 51.5006, 51.51, 51.49, 51.505, 51.5031]
_LON = [-0.12, -0.1201, -0.1196, -0.1204, -0.115, -0.1148, -0.1147, -0.1192, -0.1, -0.14, -0.13, -0.1153]
_X = [10, 20, 40, 15, 30, 30]
_Y = [10, 10, 10, 20, 20, 30]


def _tidy() -> pd.DataFrame:
    return tidy_counts(population=10_000)


def _weights() -> Any:
    return saferstats.Weights.distance_band(_X, _Y, threshold=15)


def _quiet(f: Callable[[], Any]) -> Callable[[], Any]:
    def call() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return f()
    return call


def _kind_only(kind: str, *names: str) -> dict[str, tuple[str, Callable[[], Any] | None]]:
    """Catalogue entries of one kind with no example call."""
    return {name: (kind, None) for name in names}


CATALOGUE: dict[str, tuple[str, Callable[[], Any] | None]] = {
    # rates
    "rate_ci": ("analysis", lambda: saferstats.rate_ci([5, 20], [100, 100])),
    "proportion_ci": ("analysis", lambda: saferstats.proportion_ci([5, 20], [100, 100])),
    "rate_ratio": ("analysis", lambda: saferstats.rate_ratio(1600, 1_184_400, 1468, 1_195_700)),
    "percent_change": ("analysis", lambda: saferstats.percent_change(2080, 1, 1597, 1)),
    "proportion_difference": ("analysis", lambda: saferstats.proportion_difference(180, 1200, 756, 5400)),
    "dsr": ("analysis", lambda: saferstats.dsr([10, 20, 30], [1000, 2000, 1500], standard=[1, 1, 1])),
    # trends
    "add_rates": ("analysis", lambda: saferstats.add_rates(_tidy())),
    "shares": ("analysis", lambda: saferstats.shares(_tidy(), category="area", by="period")),
    "year_on_year": ("analysis", lambda: saferstats.year_on_year(_tidy(), by="area")),
    "poisson_trend": ("analysis", lambda: saferstats.poisson_trend(_tidy(), by="area")),
    "compare_trends": ("analysis", _quiet(lambda: saferstats.compare_trends(_tidy(), by="area", comparator="B"))),
    "mann_kendall": ("analysis", _quiet(lambda: saferstats.mann_kendall([12, 15, 14, 18, 21, 19, 24, 26, 25, 30]))),
    "funnel_limits": ("analysis", lambda: saferstats.funnel_limits([50, 100, 1000], target=20)),
    # stop and search
    "disproportionality": ("analysis", lambda: saferstats.disproportionality(
        pd.DataFrame({"ethnicity": ["Black", "White"], "searches": [1200, 5400]}),
        {"Black": 48_000, "White": 1_080_000}, count="searches")),
    "outcome_test": ("analysis", _quiet(lambda: saferstats.outcome_test(
        saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path()), outcome="arrest"))),
    # section 136 and disclosure
    "its_poisson": ("analysis", lambda: saferstats.its_poisson(
        [21, 24, 19, 23, 26, 22, 25, 27, 24, 26, 28, 25, 24, 23, 25, 22, 24, 21, 23, 22], break_index=12)),
    "compare_proportions": ("analysis", lambda: saferstats.compare_proportions(3, 160, 14, 250)),
    "before_after": ("analysis", _quiet(lambda: saferstats.before_after(
        saferstats.synthetic.s136_pilot_records(seed=1), split="2024-01-01"))),
    "s136_summary": ("analysis", _quiet(lambda: saferstats.s136_summary(saferstats.synthetic.s136_pilot_records(seed=1)))),
    # hotspot intelligence (issue 17): grids, emerging hotspots, change, prospective hotspots
    "hotspot_grid": ("analysis", lambda: saferstats.hotspot_grid([0, 1000], [0, 500], cell_size=100)),
    "hotspot_count": ("analysis", lambda: saferstats.hotspot_count([50, 60, 150], [50, 50, 50], cell_size=100,
                                                                   bounds=(0, 199, 0, 99))),
    "hotspot_kde": ("analysis", lambda: saferstats.hotspot_kde([0.0, 20.0], [0.0, 10.0], cell_size=10, bandwidth=30,
                                                               bounds=(-50, 50, -50, 50))),
    "hotspot_dual_kde": ("analysis", lambda: saferstats.hotspot_dual_kde([0, 1], [0, 1], [0], [0], cell_size=10,
                                                                         bandwidth=30, bounds=(-5, 5, -5, 5))),
    "hotspot_classify": ("analysis", _quiet(lambda: saferstats.hotspot_classify(
        np.tile([50.0, 150.0, 250.0, 50.0], 6), np.tile([50.0, 50.0, 150.0, 250.0], 6), np.repeat([1, 2, 3], 8),
        cell_size=100, bounds=(0, 299, 0, 299), permutations=9, seed=1))),
    "hotspot_change": ("analysis", _quiet(lambda: saferstats.hotspot_change(
        [50, 60], [50, 50], [50, 150, 160], [50, 50, 50], cell_size=100, bounds=(0, 199, 0, 99)))),
    "prospective_hotspots": ("analysis", lambda: saferstats.prospective_hotspots(
        [50.0, 120.0], [50.0, 60.0], [0.0, 3.0], predict_time=7.0, cell_size=50, bounds=(0, 149, 0, 149))),
    "suppress": ("analysis", lambda: saferstats.suppress(pd.DataFrame({"area": ["A", "B", "C"], "count": [3, 20, 30]}),
                                                         columns=["count"], keys=["area"])),
    # hotspots
    "kde_grid": ("analysis", lambda: saferstats.kde_grid([0, 30, 10], [0, 0, 10], cell_size=10, bandwidth=50)),
    "gi_star": ("analysis", lambda: saferstats.gi_star([2, 3, 3.2, 5, 8, 7], _weights(), permutations=0)),
    "local_moran": ("analysis", lambda: saferstats.local_moran([2, 3, 3.2, 5, 8, 7], _weights(), permutations=0)),
    "knox": ("analysis", lambda: saferstats.knox([0, 0, 50, 400, 410, 0], [0, 100, 50, 400, 400, 20],
                                                 [0, 3, 1, 2, 30, 40], distance_bands=[100, 500],
                                                 time_bands=[7, 60], permutations=9, seed=1)),
    "cluster_summary": ("analysis", lambda: saferstats.cluster_summary(_LAT, _LON, [0] * 6 + [1] * 6)),
    "clark_evans": ("analysis", lambda: saferstats.clark_evans(
        [10, 20, 35, 50, 55, 70, 80, 90, 15, 60], [10, 15, 80, 50, 52, 20, 85, 40, 60, 90], area=10_000)),
    "nnh": ("analysis", lambda: saferstats.nnh(np.r_[np.arange(12.0), 500 + np.arange(12.0), 2000.0],
                                               np.zeros(25), threshold=5, min_points=10)),
    # monitoring (issue 14) and hotspot intelligence (issue 17): catalogued ahead of their landing
    "spc": ("analysis", _quiet(lambda: saferstats.spc(
        [0.56, -0.23, 1.56, 0.07, 0.13, 1.72, 0.46, -1.27, -0.69, -0.45, 1.22, 0.36, 6.0]))),
    "wdd": ("analysis", lambda: saferstats.wdd([308, 318], [207, 110], [150, 140], [178, 157])),
    "wdd_harm": ("analysis", lambda: saferstats.wdd_harm([-118.0, 10.0], [39.6, 12.0], [1.0, 2.0])),
    "global_moran": ("analysis", lambda: saferstats.global_moran([2, 3, 3.2, 5, 8, 7], _weights(), permutations=0)),
    "global_geary": ("analysis", lambda: saferstats.global_geary([2, 3, 3.2, 5, 8, 7], _weights(), permutations=0)),
    "general_g": ("analysis", lambda: saferstats.general_g([2, 3, 3.2, 5, 8, 7], _weights(), permutations=0)),
    "pai": ("analysis", lambda: saferstats.pai([6, 3, 0], [3, 2, 1])),
    "concentration": ("analysis", lambda: saferstats.concentration([0, 0, 1, 1])),
    "isr": ("analysis", lambda: saferstats.isr(
        pd.DataFrame({"area": ["A"] * 3 + ["B"] * 3, "count": [5, 20, 60, 1, 4, 10],
                      "population": [1000, 2000, 3000] * 2}),
        x_ref=[40, 150, 500], n_ref=[10000, 20000, 30000], by="area")),
    "israte": ("analysis", lambda: saferstats.israte(
        pd.DataFrame({"count": [5, 20, 60], "population": [1000, 2000, 3000]}),
        x_ref=[40, 150, 500], n_ref=[10000, 20000, 30000])),
    "rate_funnel_limits": ("analysis", lambda: saferstats.rate_funnel_limits(
        [414, 462, 178, 525], [184, 102, 83, 118], rate_type="dsr", years_of_data=3)),
    "unusual_periods": ("analysis", lambda: saferstats.unusual_periods(
        [20, 22, 19, 25, 21, 18, 23, 20, 24, 22, 19, 21, 41, 20], baseline=12)),
    "peer_compare": ("analysis", lambda: saferstats.peer_compare(
        pd.DataFrame({"force": list("ABCDE"), "offences": [120, 80, 95, 60, 300],
                      "population": [100_000, 90_000, 110_000, 70_000, 150_000]}),
        area="force", peers={"E": ["A", "B", "C", "D"]}, numerator="offences", denominator="population")),
    # no example call: checked for their keywords only (the kind says what they return)
    **_kind_only("helper", "funnel_target", "parse_periods", "short_group_labels", "force_name",
                 "is_street_crime_file",
                 "auto_cell_size", "auto_bandwidth", "bandwidth_nrd", "grid_counts", "to_local_metres", "to_bng",
                 "nnh_threshold", "e_test", "funnel_overdispersion", "p_adjust",
                 "latlon", "bng"),  # the last two: saferstats.geo
    **_kind_only("export", "to_geodataframe", "write_ascii_grid"),  # saferstats.geo
    **_kind_only("labeller", "funnel_significance", "assign_ethnicity", "assign_area", "assign_lsoa21",
                 "dbscan", "hdbscan", "rate_funnel_significance"),
    **_kind_only("reader", "read_stop_search", "read_mha_annual", "read_street_crime", "read_hate_crime",
                 "read_flytipping", "read_fixmystreet", "read_census_ethnicity", "read_mid_year_population",
                 "read_use_of_force"),
    **_kind_only("data", "census_population", "area_lookup", "s136_pilot_records"),
    **_kind_only("lookup", "force_id", "find_area"),
    **_kind_only("tally", "monthly_counts", "financial_years"),
}

# Catalogued before they are public (other issues in flight): not yet a stale entry.
UPCOMING: set[str] = set()

# Bundled data loaders (saferstats.datasets) are "data"; plots are recognised by name.
_DATA_MODULES = {"datasets"}

# --------------------------------------------------------------------------- fixed names
# (function, name) pairs fixed by earlier issues: external checks call them (docs/vocabulary.md §5).
def _fixed(func: str, issue: str, *rules: str) -> dict[tuple[str, str], str]:
    """``{(func, rule): issue}`` for each rule that a name fixed by that issue breaks."""
    return {(func, rule): issue for rule in rules}


FIXED: dict[tuple[str, str], str] = {
    **_fixed("proportion_ci", "issue 2", "column:value"),
    **_fixed("rate_ratio", "issue 2", "plain lower/upper beside other intervals"),
    **_fixed("rate_ratio", "issue 2 (first six columns ratio, lower, upper, z, p_value, method)",
             "ends with confidence, method"),
    **_fixed("percent_change", "issue 2 (rate_ratio's table, then the percent change)",
             "ends with confidence, method"),
    **_fixed("percent_change", "issue 2 (rate_ratio's table)", "plain lower/upper beside other intervals"),
    **_fixed("poisson_trend", "issue 3 (apc, …, n_periods, method first)", "ends with confidence, method"),
    **_fixed("s136_summary", "issue 18.11 (tables numeric apart from their labels; Wilson is named in the summary's title)",
             "ends with confidence, method"),
    **_fixed("year_on_year", "issue 3",
             "column:pct_change", "column:pct_lower", "column:pct_upper",
             "plain lower/upper beside other intervals"),
    **_fixed("outcome_test", "issue 4", "column:diff", "column:rr"),
    **_fixed("outcome_test", "issue 4 (… p_value, test)", "ends with confidence, method"),
    **_fixed("compare_proportions", "issue 6",
             "keyword:x1", "keyword:n1", "keyword:x2", "keyword:n2", "column:diff", "column:rr"),
    **_fixed("compare_proportions", "issue 6 (… fisher_p, test)", "ends with confidence, method"),
    **_fixed("before_after", "issue 6 (compare_proportions' columns)",
             "column:diff", "column:rr", "ends with confidence, method"),
    **_fixed("before_after", "issue 18 (pre_p, post_p by period)",
             "interval pre_lower without its estimate", "interval post_lower without its estimate"),
    **_fixed("disproportionality", "issues 4, 12, 18 (flags after the intervals; ratio_method beside the ratio)",
             "ends with confidence, method"),
    **_fixed("funnel_limits", "issue 3 (control limits, not an interval of an estimate)",
             "ends with confidence, method"),
    **_fixed("spc", "issue 14 (the charted observation itself, as NHSRplotthedots; not an estimate)", "column:value"),
    **_fixed("e_test", "issue 14 (e_test(k1, k2, *, n1=1, n2=1), as ptools)", "keyword:k1"),
    **_fixed("e_test", "issue 14", "keyword:k2", "keyword:n1", "keyword:n2"),
    **_fixed("wdd", "issue 14 (wdd(control, treated, disp_control=None, disp_treated=None, *, ...))",
             "positional option:disp_control"),
    **_fixed("wdd", "issue 14", "positional option:disp_treated"),
    **_fixed("wdd", "issue 14 (columns estimate, se, z, lower, upper)", "column:estimate"),
    **_fixed("wdd_harm", "issue 14 (wdd's columns)", "column:estimate"),
    **_fixed("disproportionality", "issue 4 (disproportionality(searches, population, *, ...))",
             "positional option:population"),
    **_fixed("census_population", "issue 12 (census_population(level, *, census))", "positional option:level"),
}

# Renames still to come in this issue (each is removed from here when it lands; see docs/vocabulary.md §6).
PENDING: dict[tuple[str, str], str] = {}


def _allowed(func: str, rule: str) -> bool:
    return (func, rule) in FIXED or (func, rule) in PENDING


# --------------------------------------------------------------------------- discovery
def _public() -> dict[str, Any]:
    """Every public callable: saferstats.__all__ and the __all__ of its public modules."""
    found: dict[str, Any] = {}
    modules: list[types.ModuleType] = [saferstats]
    for extra in ("saferstats.hotspot", "saferstats.monitoring", "saferstats.geography"):
        try:
            modules.append(importlib.import_module(extra))
        except ImportError:
            pass
    seen: set[str] = set()
    while modules:
        mod = modules.pop()
        if mod.__name__ in seen:
            continue
        seen.add(mod.__name__)
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if isinstance(obj, types.ModuleType):
                if obj.__name__.startswith("saferstats"):
                    modules.append(obj)
                continue
            if name.startswith("_") or isinstance(obj, type) or not callable(obj):
                continue
            qual = name
            if mod.__name__.rsplit(".", 1)[-1] in _DATA_MODULES:
                qual = f"datasets.{name}"
            found.setdefault(qual, obj)
    return found


PUBLIC = _public()


def _kind(name: str) -> str:
    if name.startswith("datasets."):
        return "data"
    if name.startswith("plot_"):
        return "plot"
    return CATALOGUE[name][0] if name in CATALOGUE else "unknown"


def test_every_public_function_is_catalogued() -> None:
    unknown = sorted(n for n in PUBLIC if _kind(n) == "unknown")
    assert not unknown, (
        f"public functions not in tests/python/test_vocabulary.py CATALOGUE: {unknown} — add each with its kind "
        "(and an example call when it is an analysis); see docs/vocabulary.md"
    )


def test_catalogue_has_no_stale_entries() -> None:
    assert not sorted(set(CATALOGUE) - set(PUBLIC) - UPCOMING), "catalogued but not public any more"


# --------------------------------------------------------------------------- keyword rules
_PAIRED_OLD = re.compile(r"^(x|n|k)\d$|_(new|old|1|2)$|^(count|population|successes|trials)\d$")
_MISSING_VALUES = {"error", "propagate", "drop"}
_CYCLE_NAMES = {"frequency", "cycle", "seasonal_period", "seasonal_periods", "season", "seasons", "cycle_length"}
#: keywords naming a seasonal *term* of a model ("fourier", "dummies"): a string, never the cycle's length,
#: which is `season_length` (docs/vocabulary.md §3)
_SEASONAL_TERM_NAMES = {"seasonality", "seasonal"}


def _takes_a_number(annotation: Any) -> bool:
    """Whether a keyword's annotation admits a whole number (``int``, also inside a tuple)."""
    return re.search(r"\bint\b", str(annotation)) is not None


def _keyword_problems(name: str, func: Any) -> list[str]:
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return []
    problems = []
    for p in sig.parameters.values():
        point_pair = p.name in ("lon", "y") and p.default is None  # GeoSeries points given alone as lat / x
        if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is not p.empty and not point_pair:
            rule = f"positional option:{p.name}"
            if not _allowed(name, rule):
                problems.append(f"{rule} (options after the data are keyword-only: add `*,`)")
        if _PAIRED_OLD.search(p.name) and not _allowed(name, f"keyword:{p.name}"):
            problems.append(f"keyword:{p.name} (paired inputs are `<name>_a`, `<name>_b`)")
        if p.name == "missing":
            values = set(re.findall(r"['\"](\w+)['\"]", str(p.annotation)))
            if p.default != "error" or not values <= _MISSING_VALUES or "error" not in values:
                if not _allowed(name, "keyword:missing"):
                    problems.append(f"keyword:missing ({sorted(values)}, default {p.default!r}; use a subset of "
                                    "'error' (default), 'propagate', 'drop')")
        if p.name == "period" and (isinstance(p.default, int) and not isinstance(p.default, bool)
                                   or "int" in str(p.annotation)):
            if not _allowed(name, "keyword:period"):
                problems.append("keyword:period (period is a column; a seasonal cycle is `season_length`)")
        if p.name in _CYCLE_NAMES and not _allowed(name, f"keyword:{p.name}"):
            problems.append(f"keyword:{p.name} (a seasonal cycle is `season_length`)")
        if p.name in _SEASONAL_TERM_NAMES and _takes_a_number(p.annotation) \
                and not _allowed(name, f"keyword:{p.name}"):
            problems.append(f"keyword:{p.name} takes a number (`{p.name}=` names the kind of seasonal term, "
                            "a string; the length of the cycle is `season_length`)")
        if p.name == "season_length" and not _takes_a_number(p.annotation):
            problems.append("keyword:season_length does not take a whole number (it is the cycle's length)")
    return problems


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_keywords_follow_the_vocabulary(name: str) -> None:
    assert _keyword_problems(name, PUBLIC[name]) == []


# --------------------------------------------------------------------------- output rules
_BANNED_COLUMNS = {"value", "estimate", "est", "diff", "rr", "pct_change", "pct_lower", "pct_upper",
                   "percent_lower", "percent_upper"}
_LEVEL = re.compile(r"_\d+(_\d+)?$")


def _tables(result: Any) -> list[pd.DataFrame]:
    if isinstance(result, pd.DataFrame):
        return [result]
    tables = [result.to_pandas()]
    for v in vars(result).values() if hasattr(result, "__dict__") else []:
        if isinstance(v, pd.DataFrame) and not any(v is t for t in tables):
            tables.append(v)
    return tables


def _column_problems(name: str, table: pd.DataFrame) -> list[str]:
    cols = [str(c) for c in table.columns]
    problems = []
    for c in cols:
        if c in _BANNED_COLUMNS and not _allowed(name, f"column:{c}"):
            problems.append(f"column:{c} (name the estimate after the statistic; <stat>_lower/_upper)")
    bases = {_LEVEL.sub("", c) for c in cols}
    lowers = {c[: -len("_lower")] for c in bases if c.endswith("_lower")}
    uppers = {c[: -len("_upper")] for c in bases if c.endswith("_upper")}
    for stem in lowers ^ uppers:
        problems.append(f"interval {stem}: a lower without its upper (or the reverse)")
    for stem in sorted(lowers):
        if stem not in cols and not any(c.startswith(stem + "_") and not c.endswith(("_lower", "_upper"))
                                        for c in cols):
            rule = f"interval {stem}_lower without its estimate"
            if not _allowed(name, rule):
                problems.append(rule)
    plain = "lower" in bases or "upper" in bases
    if plain and lowers and not _allowed(name, "plain lower/upper beside other intervals"):
        problems.append("plain lower/upper beside other intervals (several estimates: <stat>_lower/_upper)")
    if (plain or lowers) and cols[-2:] != ["confidence", "method"] and not _allowed(name, "ends with confidence, method"):
        problems.append(f"ends with confidence, method (ends with {cols[-2:]})")
    return problems


ANALYSES = sorted(n for n, (kind, call) in CATALOGUE.items() if kind == "analysis" and n in PUBLIC)


@pytest.mark.parametrize("name", ANALYSES)
def test_analysis_returns_a_table_or_a_result_object(name: str) -> None:
    call = CATALOGUE[name][1]
    assert call is not None, f"{name}: an analysis needs an example call in CATALOGUE"
    result = call()
    if _allowed(name, "result object"):
        pytest.skip("listed in PENDING")
    if not isinstance(result, pd.DataFrame):
        for attr in ("to_pandas", "_repr_html_", "__repr__"):
            assert callable(getattr(result, attr, None)), f"{name}: a result object needs {attr}()"
        assert type(result).__repr__ is not object.__repr__, f"{name}: a readable __repr__"
        assert isinstance(result.to_pandas(), pd.DataFrame)
        assert isinstance(result._repr_html_(), str)


@pytest.mark.parametrize("name", ANALYSES)
def test_analysis_columns_follow_the_vocabulary(name: str) -> None:
    result = CATALOGUE[name][1]()  # type: ignore[misc]
    if _allowed(name, "result object") and not hasattr(result, "to_pandas"):
        pytest.skip("listed in PENDING")
    problems = [p for t in _tables(result) for p in _column_problems(name, t)]
    assert sorted(set(problems)) == []


def test_allow_lists_name_public_functions() -> None:
    for func, _rule in list(FIXED) + list(PENDING):
        assert func in PUBLIC or func in UPCOMING, f"allow-list entry for {func}, which is not public"


# --------------------------------------------------------------------------- renames keep working
def test_renamed_names_still_work_with_a_future_warning() -> None:
    """Every rename in docs/vocabulary.md §6: the old name gives the same numbers and a FutureWarning
    naming the new one."""
    new = saferstats.percent_change(count_a=2080, population_a=1, count_b=1597, population_b=1)
    with pytest.warns(FutureWarning, match="`count_new` is now called `count_a`"):
        old = saferstats.percent_change(count_new=2080, population_new=1, count_old=1597, population_old=1)
    pd.testing.assert_frame_equal(pd.DataFrame(old), pd.DataFrame(new))
    with pytest.warns(FutureWarning, match="`percent_lower` is now called `percent_change_lower`"):
        assert old["percent_lower"].iloc[0] == new["percent_change_lower"].iloc[0]
    with pytest.warns(FutureWarning, match="percent_upper"):
        both = old[["percent_change", "percent_upper"]]
    assert list(both.columns) == ["percent_change", "percent_change_upper"]
    levels = saferstats.percent_change(2080, 1, 1597, 1, confidence=[0.95, 0.998])
    with pytest.warns(FutureWarning, match="`percent_lower_99_8` is now called `percent_change_lower_99_8`"):
        assert levels["percent_lower_99_8"].iloc[0] == levels["percent_change_lower_99_8"].iloc[0]
    d = saferstats.dsr([10, 20, 30], [1000, 2000, 1500], standard=[1, 1, 1])
    with pytest.warns(FutureWarning, match="`value` is now called `rate`"):
        assert d["value"].iloc[0] == d["rate"].iloc[0]
    with pytest.warns(FutureWarning, match="`value` is now called `rate`"):
        assert d.round(3)["value"].iloc[0] == d.round(3)["rate"].iloc[0]  # survives pandas operations
    x = [12, 15, 14, 18, 21, 19, 24, 26, 25, 30, 29, 33] * 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        with pytest.warns(FutureWarning, match="`period` is now called `season_length`"):
            a = saferstats.mann_kendall(x, period=12)
        pd.testing.assert_frame_equal(a, saferstats.mann_kendall(x, season_length=12))
        with pytest.warns(FutureWarning, match="missing='skip'` is now called `missing='drop'"):
            b = saferstats.mann_kendall([1, 2, np.nan, 4, 5, 6, 7, 8, 9, 10, 11], missing="skip")
        pd.testing.assert_frame_equal(b, saferstats.mann_kendall([1, 2, np.nan, 4, 5, 6, 7, 8, 9, 10, 11],
                                                                 missing="drop"))
        y = [21, 24, 19, 23, 26, 22, 25, 27, 24, 26, 28, 25, 27, 29, 26, 30, 28, 31, 29, 27, 32, 30, 33, 31,
             24, 23, 25, 22, 24, 21, 23, 22, 20, 22, 21, 19]
        with pytest.warns(FutureWarning, match=r"is now written `seasonality='fourier', season_length=12, harmonics=2`"):
            its_old = saferstats.its_poisson(y, break_index=24, seasonality=("fourier", 12, 2))
        its_new = saferstats.its_poisson(y, break_index=24, seasonality="fourier", season_length=12, harmonics=2)
        assert its_old.level_rr == its_new.level_rr and its_old.seasonality == its_new.seasonality
    with pytest.raises(saferstats.InvalidInputError, match="give `count_a` only"):
        saferstats.percent_change(1, 1, 1, 1, count_new=3)  # type: ignore[call-arg]
    r = saferstats.clark_evans([10, 20, 35, 50, 55, 70, 80, 90, 15, 60], [10, 15, 80, 50, 52, 20, 85, 40, 60, 90],
                               area=10_000)
    assert r["z"] == r.z and dict(r)["r"] == r.r and set(r) == {"r_obs", "r_exp", "r", "z", "p_value", "r_donnelly"}


def test_global_result_names_its_statistic_and_keeps_value_as_an_alias() -> None:
    """GlobalResult.to_pandas() (issue 17): the statistic's column is `I`, `C` or `G`; the old
    column `value` still answers, with a FutureWarning naming the new one."""
    w = _weights()
    for func, sym in ((saferstats.global_moran, "I"), (saferstats.global_geary, "C"), (saferstats.general_g, "G")):
        r = func([2, 3, 3.2, 5, 8, 7], w, permutations=0)
        t = r.to_pandas()
        assert list(t.columns[:3]) == ["statistic", sym, "expected"] and "value" not in t.columns
        assert t[sym].iloc[0] == r.value == getattr(r, sym)
        with pytest.warns(FutureWarning, match=f"`value` is now called `{sym}`"):
            assert t["value"].iloc[0] == r.value


# --------------------------------------------------------------------------- the checker itself
def test_the_checker_catches_the_old_names() -> None:
    """The rules bite: the old shapes the vocabulary replaced are reported."""
    bad = pd.DataFrame({"value": [1.0], "lower": [0.5], "upper": [2.0], "diff_lower": [0.1],
                        "diff_upper": [0.2], "method": ["x"], "confidence": [0.95]})
    problems = _column_problems("_probe", bad)
    assert any(p.startswith("column:value") for p in problems)
    assert any(p.startswith("interval diff_lower without") for p in problems)
    assert any(p.startswith("plain lower/upper") for p in problems)
    assert any(p.startswith("ends with") for p in problems)

    def old(x1: Any, n1: Any, *, period: int = 12, missing: str = "skip", frequency: int = 4, level: float = 0.95) -> None:
        """probe"""

    old.__annotations__["missing"] = "Literal['error', 'skip']"
    found = _keyword_problems("_probe", old)
    for rule in ("keyword:x1", "keyword:n1", "keyword:period", "keyword:missing", "keyword:frequency"):
        assert any(p.startswith(rule) for p in found), rule

    def seasonal(y: Any, *, seasonality: "None | str | tuple[str, int]" = None, season_length: str = "12") -> None:
        """probe: its_poisson's old `seasonality=("fourier", 12, k)` carried the cycle length"""

    found = _keyword_problems("_probe", seasonal)
    assert any(p.startswith("keyword:seasonality takes a number") for p in found), found
    assert any(p.startswith("keyword:season_length does not take") for p in found), found

    def positional(data: Any, confidence: float = 0.95) -> None:
        """probe"""

    assert _keyword_problems("_probe", positional) == [
        "positional option:confidence (options after the data are keyword-only: add `*,`)"
    ]

"""Hostile input to every public function of saferstats.rates and saferstats.trend (issue 16.8,
16.7, 18.8): whatever is passed — text, None, nested lists, ints beyond 2**63, dates, booleans,
empty input, infinities — the result is a table or a SaferstatsError naming the argument; never
a raw TypeError / ValueError / OverflowError / IndexError, a panic or a hang. Every confidence
level in the allowed range gives finite limits in all 11 functions that take one; a list of
levels gives one set of limit columns per level.

Each call runs in-process but on tiny inputs (at most a few dozen values), so the suite is
bounded; hypothesis runs a fixed number of examples without deadlines."""

from __future__ import annotations

import datetime
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import saferstats
from saferstats import SaferstatsError, SaferstatsWarning

# ------------------------------------------------------------------------------- the functions

FRAME = pd.DataFrame({
    "area": ["A"] * 4 + ["B"] * 4,
    "period": ["2015/16", "2016/17", "2017/18", "2018/19"] * 2,
    "strand": ["race", "religion", "race", "religion"] * 2,
    "count": [12, 15, 14, 20, 30, 28, 35, 33],
    "population": [10_000] * 8,
})
SERIES = [12, 15, 14, 18, 21, 19, 24, 26, 25, 30, 29, 33, 35, 34, 38, 40, 39, 44, 45, 47]

#: name -> (call taking the confidence, the columns that depend on it)
CONFIDENCE_CALLS = {
    "rate_ci": (lambda c: saferstats.rate_ci([0, 3, 25, 1600], [100, 100, 1000, 1_184_400], confidence=c), ["lower", "upper"]),
    "proportion_ci": (lambda c: saferstats.proportion_ci([0, 3, 10], 10, confidence=c), ["lower", "upper"]),
    # (b = 0 with a > 0 has upper limit +inf by definition: left out here)
    "rate_ratio": (lambda c: saferstats.rate_ratio([468, 0, 5], 312_500, [412, 5, 3], 310_000, confidence=c), ["lower", "upper"]),
    "percent_change": (lambda c: saferstats.percent_change(2080, 1, 1597, 1, confidence=c),
                       ["lower", "upper", "percent_change_lower", "percent_change_upper"]),
    "proportion_difference": (lambda c: saferstats.proportion_difference(180, 1200, 756, 5400, confidence=c), ["lower", "upper"]),
    "dsr": (lambda c: saferstats.dsr([10, 20, 30, 1, 2, 30], [100] * 6, standard=[1, 2, 3], groups=list("AAABBB"), confidence=c),
            ["lower", "upper"]),
    "add_rates": (lambda c: saferstats.add_rates(FRAME, confidence=c), ["lower", "upper"]),
    "shares": (lambda c: saferstats.shares(FRAME, category="strand", by=["area", "period"], confidence=c), ["lower", "upper"]),
    "year_on_year": (lambda c: saferstats.year_on_year(FRAME.query("strand == 'race'"), by="area", confidence=c),
                     ["rate_from_lower", "rate_from_upper", "rate_to_lower", "rate_to_upper", "lower", "upper",
                      "pct_lower", "pct_upper"]),
    "poisson_trend": (lambda c: saferstats.poisson_trend(FRAME.groupby(["area", "period"], as_index=False)[["count", "population"]].sum(),
                                                         by="area", confidence=c), ["apc_lower", "apc_upper"]),
    "mann_kendall": (lambda c: saferstats.mann_kendall(SERIES, confidence=c), ["slope_lower", "slope_upper"]),
}


def _quiet(call, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return call(*args)


@settings(max_examples=25, deadline=None)
@given(conf=st.one_of(st.floats(min_value=0.5, max_value=0.9999), st.floats(min_value=50, max_value=99.99),
                      st.sampled_from([0.5, 0.9, 0.95, 0.998, 0.9999, 95, 99.8, 99.99])))
@pytest.mark.parametrize("name", sorted(CONFIDENCE_CALLS))
def test_every_allowed_level_gives_finite_limits(name, conf):
    call, limits = CONFIDENCE_CALLS[name]
    out = _quiet(call, conf)
    level = conf / 100 if conf > 1 else conf
    assert np.allclose(out["confidence"].astype(float), level)
    for col in limits:
        assert np.isfinite(out[col].to_numpy(dtype=float)).all(), (name, col, conf, out[col].tolist())


@settings(max_examples=25, deadline=None)
@given(conf=st.one_of(
    st.floats(max_value=0.49999), st.floats(min_value=0.99991, max_value=0.99999999999999999, exclude_max=False),
    st.floats(min_value=99.991, max_value=99.999999), st.floats(min_value=100.0001), st.just(float("nan")),
    st.just(0.9999999999999999), st.booleans(), st.none(), st.text(max_size=4), st.integers(min_value=2**63, max_value=2**70),
    st.lists(st.just([0.95]), min_size=1, max_size=2), st.just(datetime.date(2020, 1, 1))))
@pytest.mark.parametrize("name", sorted(CONFIDENCE_CALLS))
def test_levels_outside_the_range_are_refused_by_name(name, conf):
    call, _ = CONFIDENCE_CALLS[name]
    if conf == 1.0 and name in ("proportion_ci", "shares"):
        return  # a 100% Wilson interval is defined: (0, 1)
    with pytest.raises(SaferstatsError) as exc:
        _quiet(call, conf)
    assert exc.value.argument == "confidence", str(exc.value)


@pytest.mark.parametrize("name", sorted(CONFIDENCE_CALLS))
def test_a_list_of_levels_gives_each_interval(name):
    call, limits = CONFIDENCE_CALLS[name]
    both = _quiet(call, [0.95, 99.8])
    one95, one998 = _quiet(call, 0.95), _quiet(call, 0.998)
    for col in limits:
        assert col not in both.columns
        pd.testing.assert_series_equal(both[f"{col}_95"], one95[col], check_names=False)
        pd.testing.assert_series_equal(both[f"{col}_99_8"], one998[col], check_names=False)
    # the level-independent columns are kept once, unchanged
    for col in one95.columns:
        if col not in limits and col != "confidence":
            pd.testing.assert_series_equal(both[col], one95[col])
    assert (both["confidence"] == "95%, 99.8%").all() and both.attrs["confidence"] == [0.95, 0.998]


def test_list_of_levels_matches_phe_both_intervals():
    # docs/methods/rates.md A1 (PHEindicatormethods testdata_Rate): 65 in 100 per 100,000
    out = saferstats.rate_ci(65, 100, confidence=[0.95, 0.998]).iloc[0]
    assert out["lower_95"] == pytest.approx(50163.187710, abs=1e-5)
    assert out["upper_95"] == pytest.approx(82849.138546, abs=1e-5)
    assert out["lower_99_8"] == pytest.approx(42880.261471, abs=1e-5)
    assert out["upper_99_8"] == pytest.approx(94000.290844, abs=1e-5)
    assert list(saferstats.rate_ci(65, 100, confidence=[95, 99.8]).columns) == [
        "count", "population", "rate", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "confidence", "method"]


def test_warnings_are_not_repeated_per_level():
    df = pd.DataFrame({"period": ["2015/16", "2016/17", "2018/19"], "count": [5, 6, 7]})
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.year_on_year(df, population=None, confidence=[0.95, 0.998])
    assert sum(issubclass(w.category, SaferstatsWarning) for w in rec) == 1


# ------------------------------------------------------------------------------- hostile values

HOSTILE = st.one_of(
    st.text(max_size=6),
    st.none(),
    st.booleans(),
    st.integers(min_value=2**63, max_value=2**80),
    st.integers(min_value=-(2**80), max_value=-(2**63)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.just([]),
    st.just([[1, 2], [3]]),
    st.just([[1], [2]]),
    st.lists(st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.text(max_size=3), st.none(),
                       st.booleans(), st.floats()), max_size=6),
    st.just({"a": 1}),
    st.just(1 + 2j),
    st.just(b"12"),
    st.just(object()),
    st.just(pd.Timestamp("2020-01-01", tz="UTC")),
    st.just(np.datetime64("2020-01-01")),
    st.just(np.array([1.0, np.inf])),
)


def _one_of_ours(call):
    """Run `call`: a result is fine, a SaferstatsError is fine (it must name an argument);
    anything else fails the test."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call()
    except SaferstatsError as exc:
        assert exc.argument is not None, f"{type(exc).__name__} names no argument: {exc}"
        text = str(exc)
        assert "__t" not in text and "np.int64" not in text and "np.float64" not in text, text


#: name -> one call with `v` placed in one argument
HOSTILE_CALLS = {
    "rate_ci.count": lambda v: saferstats.rate_ci(v, 100),
    "rate_ci.population": lambda v: saferstats.rate_ci(5, v),
    "rate_ci.multiplier": lambda v: saferstats.rate_ci(5, 100, multiplier=v),
    "rate_ci.confidence": lambda v: saferstats.rate_ci(5, 100, confidence=v),
    "rate_ci.method": lambda v: saferstats.rate_ci(5, 100, method=v),
    "rate_ci.missing": lambda v: saferstats.rate_ci(5, 100, missing=v),
    "proportion_ci.successes": lambda v: saferstats.proportion_ci(v, 100),
    "proportion_ci.trials": lambda v: saferstats.proportion_ci(1, v),
    "proportion_ci.confidence": lambda v: saferstats.proportion_ci(1, 10, confidence=v),
    "proportion_ci.method": lambda v: saferstats.proportion_ci(1, 10, method=v),
    "rate_ratio.count_a": lambda v: saferstats.rate_ratio(v, 100, 3, 100),
    "rate_ratio.population_b": lambda v: saferstats.rate_ratio(3, 100, 3, v),
    "rate_ratio.method": lambda v: saferstats.rate_ratio(3, 100, 3, 100, method=v),
    "percent_change.count_new": lambda v: saferstats.percent_change(v, 1, 10, 1),
    "percent_change.confidence": lambda v: saferstats.percent_change(12, 1, 10, 1, confidence=v),
    "proportion_difference.successes_b": lambda v: saferstats.proportion_difference(3, 10, v, 10),
    "proportion_difference.missing": lambda v: saferstats.proportion_difference(3, 10, 3, 10, missing=v),
    "dsr.counts": lambda v: saferstats.dsr(v, [100] * 3, standard=[1, 1, 1]),
    "dsr.standard": lambda v: saferstats.dsr([10] * 3, [100] * 3, standard=v),
    "dsr.groups": lambda v: saferstats.dsr([10] * 3, [100] * 3, standard=[1, 1, 1], groups=v),
    "dsr.multiplier": lambda v: saferstats.dsr([10] * 3, [100] * 3, standard=[1, 1, 1], multiplier=v),
    "add_rates.data": lambda v: saferstats.add_rates(v),
    "add_rates.count": lambda v: saferstats.add_rates(FRAME, count=v),
    "add_rates.column": lambda v: saferstats.add_rates(FRAME.assign(count=[v] * 8)),
    "shares.by": lambda v: saferstats.shares(FRAME, category="strand", by=v),
    "shares.category": lambda v: saferstats.shares(FRAME, category=v),
    "shares.multiplier": lambda v: saferstats.shares(FRAME, category="strand", by=["area", "period"], multiplier=v),
    "year_on_year.period_column": lambda v: saferstats.year_on_year(FRAME.assign(period=[v] * 8), by=["area", "strand"]),
    "year_on_year.by": lambda v: saferstats.year_on_year(FRAME, by=v),
    "year_on_year.method": lambda v: saferstats.year_on_year(FRAME, by=["area", "strand"], method=v),
    "year_on_year.multiplier": lambda v: saferstats.year_on_year(FRAME, by=["area", "strand"], multiplier=v),
    "poisson_trend.period_column": lambda v: saferstats.poisson_trend(FRAME.assign(period=[v, 2016, 2017, 2018] * 2),
                                                                        by=["area", "strand"]),
    "poisson_trend.count_column": lambda v: saferstats.poisson_trend(FRAME.assign(count=[v] + [5] * 7), by=["area", "strand"]),
    "poisson_trend.dispersion": lambda v: saferstats.poisson_trend(FRAME, by=["area", "strand"], dispersion=v),
    "poisson_trend.population": lambda v: saferstats.poisson_trend(FRAME, by=["area", "strand"], population=v),
    "mann_kendall.values": lambda v: saferstats.mann_kendall(v),
    "mann_kendall.value": lambda v: saferstats.mann_kendall([v, 1, 2, 3]),
    "mann_kendall.season_length": lambda v: saferstats.mann_kendall(SERIES, season_length=v),
    "mann_kendall.missing": lambda v: saferstats.mann_kendall(SERIES, missing=v),
    "mann_kendall.times": lambda v: saferstats.mann_kendall(SERIES[:4], times=v),
    "funnel_limits.denominators": lambda v: saferstats.funnel_limits(v, target=20),
    "funnel_limits.target": lambda v: saferstats.funnel_limits([100], target=v),
    "funnel_limits.kind": lambda v: saferstats.funnel_limits([100], target=20, kind=v),
    "funnel_limits.multiplier": lambda v: saferstats.funnel_limits([100], target=20, multiplier=v),
    "funnel_significance.numerators": lambda v: saferstats.funnel_significance(v, [100]),
    "funnel_significance.target": lambda v: saferstats.funnel_significance([1], [100], target=v),
    "funnel_significance.kind": lambda v: saferstats.funnel_significance([1], [100], kind=v),
    "funnel_target.numerators": lambda v: saferstats.funnel_target(v, [100]),
    "funnel_target.kind": lambda v: saferstats.funnel_target([1], [100], kind=v),
    "parse_periods.periods": lambda v: saferstats.parse_periods(v),
    "parse_periods.label": lambda v: saferstats.parse_periods(["2015/16", v, "2017/18"]),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(v=HOSTILE)
@pytest.mark.parametrize("name", sorted(HOSTILE_CALLS))
def test_hostile_values_give_a_result_or_a_named_saferstats_error(name, v):
    _one_of_ours(lambda: HOSTILE_CALLS[name](v))


@settings(max_examples=200, deadline=None)
@given(x=st.floats(min_value=0, max_value=1.7e308), frac=st.floats(min_value=0, max_value=1),
       conf=st.floats(min_value=0.5, max_value=0.9999))
def test_wilson_limits_stay_ordered_and_inside_0_1_up_to_1e308(x, frac, conf):
    n = x if frac == 0 else x / frac if x / frac < 1.7e308 else 1.7e308
    if n <= 0 or x > n:
        return
    r = saferstats.proportion_ci(x, n, confidence=conf).iloc[0]
    assert 0 <= r["lower"] <= r["value"] <= r["upper"] <= 1
    if x > 0:
        # no overflow/underflow to 0 (issue 16.7) unless the true limit (about p*x/z^2) is
        # itself below the double range
        assert r["lower"] > 0 or x * (x / n) < 1e-300


def test_proportion_ci_at_the_top_of_the_double_range():
    # issue 16.7: proportion_ci(1e308, 1e308) had lower limit 0; reference: the Wilson formula
    # in 2000-digit decimal arithmetic (tests/fixtures/rates_scipy.json "wilson_decimal")
    from conftest import load_fixture

    for r in load_fixture("rates_scipy.json")["wilson_decimal"]["rows"]:
        out = saferstats.proportion_ci(r["successes"], r["trials"], confidence=r["confidence"]).iloc[0]
        tol = 1e-4 if r["lower"] < 1e-300 else 1e-12
        assert out["lower"] == pytest.approx(r["lower"], rel=tol, abs=0), r
        assert out["upper"] == pytest.approx(r["upper"], rel=1e-12), r
    assert saferstats.proportion_ci(1e308, 1e308).loc[0, "lower"] > 0.9999


def test_dsr_reports_rows_without_a_group():
    counts = [10, 20, 30, 40, 50, 60, 70, 5]
    pops = [100] * 8
    groups = ["A", "A", "A", None, "B", "B", "B", np.nan]
    with pytest.warns(SaferstatsWarning, match=r"2 rows have no group \(position 3, 7\)"):
        out = saferstats.dsr(counts, pops, standard=[1, 1, 1], groups=groups)
    assert out.attrs["excluded"] == {"missing_group": 2}
    assert list(out.index) == ["A", "B"]
    # the grouped core call equals one call per area
    a = saferstats.dsr([10, 20, 30], [100] * 3, standard=[1, 1, 1]).iloc[0]
    assert out.loc["A", "rate"] == a["rate"] and out.loc["A", "lower"] == a["lower"]
    # an area with a band missing is a length mismatch naming the area
    with pytest.raises(saferstats.LengthMismatchError, match="group 'B'"):
        saferstats.dsr(counts[:5], pops[:5], standard=[1, 1, 1], groups=["A"] * 3 + ["B"] * 2)
    assert math.isnan(saferstats.dsr([1, 2, 3], [100] * 3, standard=[1, 1, 1]).loc[0, "rate"])

"""Walk 15 (time order): a new analyst passes a pandas Series indexed by month.

``mann_kendall``, ``spc`` and ``unusual_periods`` read the order of the values from the input; a
Series sorted newest first (``s[::-1]``, ``sort_index(ascending=False)``) or shuffled gave a
falling trend where the data rise (``mann_kendall``: S = -276 for 24 rising months), and ``spc`` /
``unusual_periods`` returned rows in the order given. Now a Series (or DataFrame columns) whose
labels read as periods is put in time order with a warning naming the first label out of order,
and the result is in time order with the caller's labels. ``its_poisson`` (whose ``break_index``
is a position) refuses counts out of time order, now also when the months are text labels.

Every statistic is checked against an outside reference run on the time-ordered data:
pymannkendall 1.4.3 (tests/fixtures/trend_reference.json), NHSRplotthedots / ptools
(tests/fixtures/monitoring_reference.json) and R's glm (tests/fixtures/audit_its.json).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats
from saferstats import InvalidInputError, MissingValueError, SaferstatsWarning

TREND = load_fixture("trend_reference.json")
MON = load_fixture("monitoring_reference.json")
ITS = load_fixture("audit_its.json")
PERM = np.random.default_rng(15).permutation  # a fixed shuffle


def _months(values, start="2015-01", as_text=False):
    idx = pd.period_range(start, periods=len(values), freq="M")
    return pd.Series(np.asarray(values, dtype=float), index=idx.astype(str) if as_text else idx)


def _first_out_of_order(s):
    """The first label of s that comes before the label ahead of it (independent of the library)."""
    t = pd.PeriodIndex(s.index, freq="M") if not isinstance(s.index, pd.PeriodIndex) else s.index
    i = next(i for i in range(1, len(t)) if t[i] < t[i - 1])
    return str(s.index[i])


def test_brief_repro_mann_kendall_reversed_months():
    s = _months(np.arange(24) + 10.0, "2020-01")
    with pytest.warns(SaferstatsWarning, match=r"mann_kendall: `values` was not in time order \(first out of "
                                               r"order: '2021-11' after '2021-12'\)"):
        back = saferstats.mann_kendall(s[::-1])
    # 24 rising values: every one of the 276 pairs is concordant (independent count)
    assert back["s"].iloc[0] == 24 * 23 / 2 and back["tau"].iloc[0] == 1.0 and back["slope"].iloc[0] == 1.0


@pytest.mark.parametrize("row", TREND["mann_kendall"]["rows"], ids=lambda r: r["name"])
@pytest.mark.parametrize("as_text", [False, True])
def test_mann_kendall_shuffled_months_match_pymannkendall(row, as_text):
    x = row["values"]
    if len(x) < 4:
        pytest.skip("too short to shuffle meaningfully")
    s = _months(x, as_text=as_text)
    shuffled = s.iloc[PERM(len(s))]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = saferstats.mann_kendall(shuffled)
    order_warnings = [str(m.message) for m in w if "not in time order" in str(m.message)]
    assert len(order_warnings) == 1 and repr(_first_out_of_order(shuffled)) in order_warnings[0]
    for ours, ref in (("s", "s"), ("var_s", "var_s"), ("z", "z"), ("p_value", "p"), ("tau", "tau"), ("slope", "slope"),
                      ("intercept", "intercept"), ("slope_lower", "slope_lower"), ("slope_upper", "slope_upper")):
        assert out[ours].iloc[0] == pytest.approx(row[ref], rel=1e-9, abs=1e-12), ours


@pytest.mark.parametrize("row", TREND["seasonal_mann_kendall"]["rows"], ids=lambda r: r["name"])
def test_seasonal_mann_kendall_of_dates_newest_first(row):
    s = _months(row["values"])
    dated = pd.Series(s.to_numpy(), index=s.index.to_timestamp())
    with pytest.warns(SaferstatsWarning, match="not in time order"):
        out = saferstats.mann_kendall(dated.sort_index(ascending=False), season_length=row["period"])
    for ours, ref in (("s", "s"), ("var_s", "var_s"), ("z", "z"), ("p_value", "p"), ("slope", "slope")):
        assert out[ours].iloc[0] == pytest.approx(row[ref], rel=1e-9, abs=1e-12), ours


def test_mann_kendall_dataframe_with_period_columns_out_of_order():
    rows = {r["name"]: r for r in TREND["mann_kendall"]["rows"] if len(r["values"]) == 10}
    wide = pd.DataFrame({k: _months(r["values"]).astype(float) for k, r in rows.items()}).T  # series x months
    perm = PERM(wide.shape[1])
    with pytest.warns(SaferstatsWarning, match="not in time order"):
        out = saferstats.mann_kendall(wide.iloc[:, perm])
    assert list(out.index) == list(rows)  # the caller's row labels, one row per series
    for name, r in rows.items():
        assert out.loc[name, "s"] == pytest.approx(r["s"]) and out.loc[name, "p_value"] == pytest.approx(r["p"], rel=1e-9)


def test_positions_and_plain_numbers_keep_the_order_given():
    # no time in the index: the order given is the order meant (documented); the reversed rising series
    # is a falling one, as Kendall's tau against the positions says (scipy, independent)
    from scipy.stats import kendalltau

    x = np.array(TREND["mann_kendall"]["rows"][0]["values"])[::-1]
    for s in (pd.Series(x), pd.Series(x, index=np.arange(2030, 2020, -1))):
        with warnings.catch_warnings():
            warnings.simplefilter("error", SaferstatsWarning)  # no time-order warning
            out = saferstats.mann_kendall(s)
        assert out["tau"].iloc[0] == pytest.approx(kendalltau(np.arange(len(x)), x).statistic, rel=1e-12)
        assert out["s"].iloc[0] < 0


def test_duplicate_months_out_of_order_are_refused_by_name():
    s = _months(np.arange(12.0))
    dup = pd.concat([s, s.iloc[[3]]]).iloc[::-1]
    with pytest.raises(InvalidInputError, match=r"period '2015-04' appears twice") as e:
        saferstats.mann_kendall(dup)
    assert e.value.argument == "values"


# ----------------------------------------------------------------------------- spc


@pytest.mark.parametrize("as_text", [False, True])
def test_spc_shuffled_months_match_nhsrplotthedots(as_text):
    ref = MON["spc_xmr"][0]
    s = _months(ref["values"], as_text=as_text)
    shuffled = s.iloc[PERM(len(s))]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = saferstats.spc(shuffled, screen_outliers=ref["screen_outliers"])
    msgs = [str(m.message) for m in w if "not in time order" in str(m.message)]
    assert len(msgs) == 1 and repr(_first_out_of_order(shuffled)) in msgs[0]
    # rows in time order, with the caller's labels
    assert list(out.index) == list(s.index)
    np.testing.assert_allclose(out["value"], ref["values"], rtol=0)
    for col in ("mean", "lpl", "upl", "lower_2sigma", "upper_2sigma"):
        np.testing.assert_allclose(out[col], ref[col], rtol=1e-12)


def test_spc_u_chart_denominators_follow_the_values():
    f = load_fixture("audit_spc.json")["u_inspection"]
    s = _months(f["counts"])
    den = pd.Series(f["denominators"], index=s.index)
    back = s[::-1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        out = saferstats.spc(back, chart="u", denominators=den[::-1])
    np.testing.assert_allclose(out["value"], f["value"], rtol=1e-12)  # pyspc, time order
    np.testing.assert_allclose(out["lpl"], f["lpl"], rtol=1e-12)


# ----------------------------------------------------------------------------- unusual_periods


def test_unusual_periods_newest_first_match_ptools():
    ref = MON["unusual"]
    s = _months(ref["values"])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = saferstats.unusual_periods(s[::-1], baseline=ref["baseline"], adjust=None)
    assert any("not in time order" in str(m.message) for m in w)
    assert list(out.index) == list(s.index)
    expect = np.array([np.nan if p is None else p for p in ref["e_test"]], dtype=float)
    np.testing.assert_allclose(out["p_value"], expect, rtol=1e-9)
    # the baseline is the 12 months before each, in time order (numpy, independent)
    x = np.asarray(ref["values"], dtype=float)
    np.testing.assert_allclose(out["expected"].to_numpy()[12:], [x[i - 12:i].mean() for i in range(12, len(x))])


def test_unusual_periods_missing_count_named_by_label():
    s = _months(MON["unusual"]["values"], as_text=True)
    s.iloc[9] = np.nan
    with pytest.warns(SaferstatsWarning, match="not in time order"), \
            pytest.raises(MissingValueError, match=r"`values` row '2015-10' is missing") as e:
        saferstats.unusual_periods(s[::-1], baseline=3)
    assert e.value.index == "2015-10" and e.value.position == len(s) - 1 - 9  # the caller's row


# ----------------------------------------------------------------------------- its_poisson


def _its_case():
    return next(c for c in ITS["its"] if c["dispersion"] == "poisson")


def test_its_poisson_text_months_in_order_match_r_glm():
    c = _its_case()
    s = _months(c["counts"], as_text=True)
    seas = {} if c["seasonality"] in (None, "none") else dict(seasonality=c["seasonality"], season_length=c["period"],
                                                               **({"harmonics": c["k"]} if c["seasonality"] == "fourier" else {}))
    r = saferstats.its_poisson(s, break_index=c["break_index"], population=c["population"], **seas)
    assert r.level_rr == pytest.approx(c["level_rr"], rel=1e-7)
    assert r.slope_rr == pytest.approx(c["slope_rr"], rel=1e-7)


def test_its_poisson_text_months_out_of_order_or_with_a_gap_refused():
    c = _its_case()
    s = _months(c["counts"], as_text=True)
    with pytest.raises(InvalidInputError, match=r"time order.*row '.*' \(position 1\)") as e:
        saferstats.its_poisson(s[::-1], break_index=c["break_index"])
    assert e.value.index == s.index[-2] and e.value.position == 1
    with pytest.raises(InvalidInputError, match=r"no value for 2 periods") as e:
        saferstats.its_poisson(s.drop(s.index[[5, 6]]), break_index=c["break_index"])
    assert e.value.index == s.index[7]
    fy = pd.Series([52.0, 71, 48, 75, 60, 41, 55, 36, 47], index=[f"{y}/{str(y + 1)[2:]}" for y in range(2010, 2019)])
    with pytest.raises(InvalidInputError, match=r"between '2012/13' and '2014/15'"):
        saferstats.its_poisson(fy.drop("2013/14"), break_index=4)


def test_its_poisson_missing_count_is_a_missing_value_error():
    # R's glm would drop the NaN row (na.omit) and renumber the periods: refused, as everywhere else
    c = _its_case()
    s = _months(c["counts"], as_text=True)
    s.iloc[4] = np.nan
    with pytest.raises(MissingValueError, match=r"`counts` at row '2015-05'") as e:
        saferstats.its_poisson(s, break_index=c["break_index"])
    assert e.value.index == "2015-05" and e.value.position == 4 and isinstance(e.value, InvalidInputError)
    with pytest.raises(MissingValueError, match="`population` at position 2"):
        saferstats.its_poisson([5.0, 6, 7, 8, 9, 10], break_index=3, population=[1e5, 1e5, np.nan, 1e5, 1e5, 1e5])


def test_its_poisson_quarterly_dates_as_text_fit_as_the_dates():
    # dates written as text (a CSV read without parse_dates) are checked as the dates are: quarterly
    # steps are not gaps; the fit is the R-checked fit of the plain counts (same positions)
    c = next(c for c in ITS["its"] if c["name"].startswith("quarterly") and c["dispersion"] == "poisson"
             and c["seasonality"] == "dummies")
    idx = pd.date_range("2019-01-01", periods=len(c["counts"]), freq="QS")
    text = pd.Series(c["counts"], index=[str(d.date()) for d in idx], dtype=float)
    r = saferstats.its_poisson(text, break_index=c["break_index"], population=c["population"],
                               seasonality="dummies", season_length=c["period"])
    assert r.level_rr == pytest.approx(c["level_rr"], rel=1e-7)
    with pytest.raises(InvalidInputError, match=r"no value for 1 period "):
        saferstats.its_poisson(text.drop(text.index[5]), break_index=c["break_index"])
    with pytest.raises(InvalidInputError, match=r"time order.*row '2024-07-01'"):
        saferstats.its_poisson(text[::-1], break_index=c["break_index"])

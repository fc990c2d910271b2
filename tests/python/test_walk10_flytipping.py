"""Walk 10 (fly-tipping, as a new CSP analyst would): trends and year-on-year changes across a change
in how a council records fly-tipping, and read_flytipping's step rule across a year with no figure.

References: tests/fixtures/walk10_flytipping/reference.json, from generate.py beside it (Defra's
workbook read with openpyxl; statsmodels GLM, scipy), without saferstats.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import load_fixture
from warning_capture import warning_messages

REF = load_fixture("walk10_flytipping/reference.json")
WORKBOOK = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"


@pytest.fixture(scope="module")
def ft(shared_data):
    pytest.importorskip("openpyxl")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reader's own warning is tested elsewhere
        return saferstats.read_flytipping(shared_data / WORKBOOK)


_caught = warning_messages  # fn(*args, **kwargs) and its warnings' messages (tests/python/warning_capture.py)


def test_year_on_year_names_every_comparison_across_a_recording_change(ft):
    """Every authority, every pair of published years: the pairs crossing a 4-fold step or a change
    of Defra's reporting basis are the reference's 51 (computed from the workbook with openpyxl)."""
    data = ft[ft["incidents"].notna()]
    yoy, msgs = _caught(saferstats.year_on_year, data, count="incidents", population=None, period="period",
                        by="la_code")
    got = {(r["la_code"], r["period_from"], r["period_to"]) for r in yoy.attrs["recording_changes"]}
    want = {(c, a, b) for c, a, b, _s, _b in REF["recording_pairs"]}
    assert got == want and len(want) == 51
    # the reasons say which: a step, a basis change, or both
    reasons = {(r["la_code"], r["period_from"], r["period_to"]): r["reason"] for r in yoy.attrs["recording_changes"]}
    for c, a, b, step, basis in REF["recording_pairs"]:
        assert ("recording_step" in reasons[(c, a, b)]) == step
        assert ("reporting basis" in reasons[(c, a, b)]) == basis
    assert any("year_on_year: 51 comparisons are across a change in how the count is recorded" in m for m in msgs)
    # Lewisham 2020/21 -> 2021/22: the +587% is still computed (as the wald-log reference), and named
    lew = yoy[(yoy.la_code == "E09000023") & (yoy.period_to == "2021/22")].iloc[0]
    ref = REF["lewisham_yoy"]
    assert lew["ratio"] == pytest.approx(ref["ratio"], rel=1e-12)
    assert lew["lower"] == pytest.approx(ref["lower"], rel=1e-9)
    assert lew["upper"] == pytest.approx(ref["upper"], rel=1e-9)
    assert ("E09000023", "2020/21", "2021/22") in got


def test_poisson_trend_warns_for_welwyn_hatfield_and_not_when_filtered(ft):
    wh = ft[ft.la_name == "Welwyn Hatfield"]
    tr, msgs = _caught(saferstats.poisson_trend, wh, count="incidents", population=None, dispersion="quasi",
                       use_t=True)
    assert [(r["period_from"], r["period_to"]) for r in tr.attrs["recording_changes"]] == [("2019/20", "2020/21")]
    assert any("poisson_trend: 1 group's trend runs across a change" in m and "Welwyn Hatfield" in m
               and "'Customer/public reported only' to 'All incidents'" in m for m in msgs)
    # the years on one basis (2020/21 on) raise no such warning
    since, msgs = _caught(saferstats.year_on_year, wh[wh.period >= "2020/21"], count="incidents", population=None)
    assert since.attrs["recording_changes"] == [] and not any("recorded" in m for m in msgs)


def test_trend_of_a_step_year_onwards_is_not_flagged(ft):
    """A series that starts at its step year (Plymouth from 2017/18, 718 to 13,953) does not cross it."""
    pl = ft[ft.la_name == "Plymouth"]
    full, _ = _caught(saferstats.poisson_trend, pl, count="incidents", population=None, dispersion="quasi", use_t=True)
    assert [r["period_to"] for r in full.attrs["recording_changes"]] == ["2016/17", "2017/18"]
    part, msgs = _caught(saferstats.poisson_trend, pl[pl.period >= "2017/18"], count="incidents", population=None,
                         dispersion="quasi", use_t=True)
    assert bool(pl.set_index("period").loc["2017/18", "recording_step"])
    assert part.attrs["recording_changes"] == [] and not any("recorded" in m for m in msgs)


def test_stevenage_trend_matches_statsmodels_and_is_not_flagged(ft):
    st = ft[ft.la_name == "Stevenage"]
    assert st.sort_values("period")["incidents"].tolist() == REF["stevenage_counts"]
    for rows, key in ((st, "stevenage_trend"), (st[st.period >= "2019/20"], "stevenage_trend_since_2019")):
        tr, msgs = _caught(saferstats.poisson_trend, rows, count="incidents", population=None, dispersion="quasi",
                           use_t=True)
        ref = REF[key]
        for col in ("apc", "apc_lower", "apc_upper", "p_value", "dispersion_ratio"):
            assert tr[col].iloc[0] == pytest.approx(ref[col], rel=1e-6, abs=1e-9), col
        assert tr.attrs["recording_changes"] == [] and not any("recorded" in m for m in msgs)


def test_hertfordshire_rates_per_1000_match_scipy(ft):
    pop = saferstats.census_population("la").groupby("la_code")["population"].sum()
    ref = REF["herts_rates_2021"]
    latest = ft[(ft.period == "2021/22") & ft.la_code.isin(list(ref))].copy()
    latest["population"] = latest.la_code.map(pop)
    r = saferstats.add_rates(latest, count="incidents", population="population", multiplier=1000).set_index("la_code")
    assert len(r) == 10
    for code, want in ref.items():
        assert r.loc[code, "population"] == want["population"]
        for col in ("rate", "lower", "upper"):
            assert r.loc[code, col] == pytest.approx(want[col], rel=1e-9), (code, col)


def _defra_csv(tmp_path, counts):
    head = "Year,ONS Code,LA Name,Region,Total Incidents,Highway Incidents\n"
    lines = [f"{y},E07000999,Testshire,East,{n},1" for y, n in counts]
    p = tmp_path / "defra.csv"
    p.write_text(head + "\n".join(lines) + "\n")
    return p


def test_step_on_the_previous_year_published_across_a_year_with_no_figure(tmp_path):
    """100 in 2016/17, no figure (":") in 2017/18, 900 in 2018/19: 9-fold on the previous year
    published, so 2018/19 is a step (before, a missing year hid it)."""
    p = _defra_csv(tmp_path, [("2015-16", 110), ("2016-17", 100), ("2017-18", ":"), ("2018-19", 900), ("2019-20", 950)])
    ft, msgs = _caught(saferstats.read_flytipping, p)
    assert ft.set_index("period")["recording_step"].to_dict() == {
        "2015/16": False, "2016/17": False, "2017/18": False, "2018/19": True, "2019/20": False}
    step = ft.attrs["summary"]["recording_steps"]
    assert [(s["period"], s["previous"], s["incidents"]) for s in step] == [("2018/19", 100.0, 900.0)]
    assert any("changed 4-fold or more" in m for m in msgs)
    # and a trend through it, with the missing year left out, says so
    tr, msgs = _caught(saferstats.poisson_trend, ft[ft.incidents.notna()], count="incidents", population=None)
    assert [(r["period_from"], r["period_to"]) for r in tr.attrs["recording_changes"]] == [("2016/17", "2018/19")]
    assert not np.isnan(tr["apc"].iloc[0])


def test_no_recording_columns_no_change():
    """A table without read_flytipping's columns is untouched (attrs empty, no warning)."""
    df = pd.DataFrame({"period": ["2019/20", "2020/21", "2021/22"], "count": [10, 100, 1000]})
    tr, msgs = _caught(saferstats.poisson_trend, df, population=None)
    assert tr.attrs["recording_changes"] == [] and not any("recorded" in m for m in msgs)


def test_published_totals_kept_and_not_the_sum_of_authorities(ft, shared_data):
    """Defra's *Total rows are in attrs['totals'] as published (the workbook read with openpyxl);
    before 2019/20 England's total is on another basis than its authority rows."""
    from conftest import defra_la_incidents

    raw = defra_la_incidents(shared_data)
    agg = raw[raw["ONS Code"].astype(str).str.startswith("*")]
    tot = pd.DataFrame(ft.attrs["totals"])
    assert len(tot) == len(agg) == ft.attrs["summary"]["aggregate_rows"] == 101
    assert tot["incidents"].tolist() == pytest.approx(pd.to_numeric(agg["Total Incidents"]).tolist(), rel=0, abs=0)
    eng = tot[tot.area == "England"]
    assert eng.groupby("period").size().to_dict()["2018/19"] == 2
    both = eng[eng.period == "2018/19"].set_index("basis")["incidents"].to_dict()
    assert both == {"original": 1072468.0, "comparable with 2019/20": 957157.0}
    assert set(tot.area) == {"England", "East Midlands", "East of England", "London", "North East", "North West",
                             "South East", "South West", "West Midlands", "Yorkshire and The Humber"}
    # 2017/18: every authority published, and their sum is not England's total (another basis)
    la = raw[~raw["ONS Code"].astype(str).str.startswith("*") & (raw["Year"] == "2017-18")]
    counts = pd.to_numeric(la["Total Incidents"], errors="coerce")
    assert counts.notna().all() and len(la) == 326
    assert counts.sum() == ft[ft.period == "2017/18"]["incidents"].sum() == 894789
    assert eng.set_index("period").loc["2017/18", "incidents"] == 997612


def test_an_export_without_the_reporting_basis_says_so(shared_data):
    """interim.csv (the sheet as exported by the repository author) has no 'Reporting basis' column:
    the 99 authority-years the workbook names as not counting all incidents cannot be told."""
    folder = shared_data / "fly_tipping/defra_la_2012-13_to_2021-22"
    header = (folder / "interim.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "Reporting basis" not in header  # the premise, read with plain Python
    ft, msgs = _caught(saferstats.read_flytipping, folder / "interim.csv")
    assert ft.attrs["summary"]["reporting_basis_published"] is False
    assert not ft["not_all_incidents"].any()
    assert any("interim.csv has no 'Reporting basis' column" in m and "2019/20 to 2021/22" in m for m in msgs)
    full, msgs = _caught(saferstats.read_flytipping, folder / "Flytipping.xlsx")
    assert full.attrs["summary"]["reporting_basis_published"] is True
    from conftest import defra_la_incidents

    raw = defra_la_incidents(shared_data)
    basis = raw.loc[~raw["ONS Code"].astype(str).str.startswith("*"), "Reporting basis"].astype(str).str.strip()
    assert int(full["not_all_incidents"].sum()) == int((~basis.isin([":", "All incidents", "None"])).sum()) == 99
    assert not any("has no 'Reporting basis' column" in m for m in msgs)


def test_poisson_trend_over_all_authorities_names_the_reference_groups(ft):
    """Every authority with 3 or more published years: the trends that cross a recording change are
    the 41 authorities of the reference's pairs (Defra's workbook read with openpyxl)."""
    data = ft[ft["incidents"].notna()]
    data = data[data.groupby("la_code")["period"].transform("size") >= 3]
    tr, msgs = _caught(saferstats.poisson_trend, data, count="incidents", population=None, by="la_code",
                       dispersion="quasi", use_t=True)
    got = {r["la_code"] for r in tr.attrs["recording_changes"]}
    assert got == {p[0] for p in REF["recording_pairs"]} and len(got) == 41
    assert any("poisson_trend: 41 groups' trends run across a change" in m for m in msgs)

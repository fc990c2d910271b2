"""The report's fly-tipping section compares each council's annual % change with England's
(session 16): "is fly-tipping rising faster here than in England?". The comparator is the sum of
England's other councils whose counts are like for like in every year of the council's series -
not Defra's England total, which is published twice for 2018/19 (1,072,468 as first counted,
957,157 on the basis of 2019/20) and is not a whole number in 2015/16. The ratio itself is
``compare_trends`` (tested against R in test_compare_trends.py); here the comparator is rebuilt
from the workbook's rows and flags and the statistic recomputed."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from saferstats.report.sections import _flytipping

DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
CFG = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}


@pytest.fixture(scope="module")
def section(shared_data):
    if not (shared_data / DEFRA).exists():
        pytest.skip("Defra workbook not in ../shared")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _flytipping(CFG, {"file": str(shared_data / DEFRA)})


def test_each_council_is_compared_with_englands_like_for_like_others(section, shared_data):
    t = next(t for t in section.tables if t.name == "flytipping_trend_england").frame
    trend = next(t for t in section.tables if t.name == "flytipping_trend").frame
    assert list(t["la_name"]) == list(trend["la_name"])  # the nine with a trend; Welwyn Hatfield has none
    # every series 2012/13-2021/22, but Watford's from 2015/16: its 612 to 1,815 in one year (possibly a change in
    # recording) is not compared across (session 18, w23a: was 10 periods for all)
    assert (t.loc[t["la_name"] != "Watford", "n_periods"] == 10).all()
    assert t.set_index("la_name").loc["Watford", ["period_from", "n_periods"]].tolist() == ["2015/16", 7]
    # the comparator rebuilt from the reader's rows: every year 2012/13-2021/22 counted, no flag, one basis
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = ss.read_flytipping(shared_data / DEFRA)
    d = d[d["incidents"].notna()]
    g = d.groupby("la_code")  # by ONS code: a council renamed across years is one council
    basis = d["reporting_basis"].where(d["reporting_basis"].astype(str).str.strip() != "").astype("string")
    ok = ((g["period"].nunique() == 10) & ~g["recording_step"].any() & ~g["not_all_incidents"].any()
          & (basis.str.strip().str.lower().groupby(d["la_code"]).nunique() <= 1))
    # (session 19, w25c) and no 2-fold step from one year to the next, the test the section applies to its own
    # councils (Watford's 612 to 1,815): England's trend kept 50 councils with such a step (was 237 councils)
    s = d.sort_values(["la_code", "period"])
    y = s["incidents"].astype(float)
    prev = y.groupby(s["la_code"]).shift()
    fold = np.maximum(y / prev, prev / y).where((y > 0) & (prev > 0))
    stepped = (fold >= 2).groupby(s["la_code"]).any()
    assert int((ok & stepped).sum()) == 50
    ok &= ~stepped.reindex(ok.index, fill_value=False)
    like = d[d["la_code"].isin(ok.index[ok])]
    row = t.set_index("la_name").loc["Hertsmere"]
    code = d.loc[d["la_name"] == "Hertsmere", "la_code"].iloc[0]
    others = like[like["la_code"] != code]
    assert row["other_councils"] == others["la_code"].nunique() == 187
    assert row["stepped_councils_left_out"] == 50
    own = d[d["la_code"] == code][["period", "incidents"]]
    comp = others.groupby("period", as_index=False)["incidents"].sum()
    both = pd.concat([own.assign(s="Hertsmere"), comp.assign(s="England")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = ss.compare_trends(both, by="s", comparator="England", count="incidents", population=None,
                              period="period", dispersion="auto", use_t=True)
    assert row["ratio_england"] == pytest.approx(c["ratio"].iloc[0], abs=5e-4)
    assert row["ratio_england_lower"] == pytest.approx(c["ratio_lower"].iloc[0], abs=5e-4)
    assert row["apc_england"] == pytest.approx(c["comparator_apc"].iloc[0], abs=5e-4)
    # and by hand from the two fits: exp(b_a - b_b), t on the Welch-Satterthwaite df
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fa = ss.poisson_trend(own, count="incidents", population=None, period="period", dispersion="auto",
                              use_t=True)
        fb = ss.poisson_trend(comp, count="incidents", population=None, period="period", dispersion="auto",
                              use_t=True)
    va, vb = fa["se"].iloc[0] ** 2, fb["se"].iloc[0] ** 2
    df = (va + vb) ** 2 / (va**2 / 8 + vb**2 / 8)
    assert c["df"].iloc[0] == pytest.approx(df, rel=1e-9)
    assert c["ratio"].iloc[0] == pytest.approx(np.exp(fa["beta"].iloc[0] - fb["beta"].iloc[0]), rel=1e-12)
    assert row["against_england"] == "up relative to England" and row["ratio_england_lower"] > 1


def test_the_text_names_the_councils_and_why_not_defras_total(section):
    # (session 19, w25c: England's councils with a 2-fold step left out, St Albans, Stevenage and Three Rivers
    # are in line with England: -1.6%, -1.8%, -1.2% a year against England's +4.6%, was +5.3%)
    assert "up relative to England: Hertsmere, North Hertfordshire)" not in section.intro
    assert ("up relative to England: Hertsmere, North Hertfordshire. Defra's England total" in section.intro)
    assert "councils left out for such a step: 50 over 2012/13 to 2021/22; 42 over 2015/16 to 2021/22)" in section.intro
    assert "Defra's England total is not used for this" in section.intro


def test_a_county_excerpt_is_not_compared_as_england():
    from saferstats.report.sections import _ENGLAND_COUNCILS, _against_england

    d = pd.DataFrame({"la": ["A", "A", "A", "B", "B", "B", "C", "C", "C"], "year": ["2019/20", "2020/21", "2021/22"] * 3,
                      "n": [10, 12, 15, 20, 21, 22, 30, 29, 31], "population": [1000.0] * 9})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tr = ss.poisson_trend(d, count="n", period="year", by="la")
    assert _ENGLAND_COUNCILS > 3
    assert _against_england(d, d, tr, "la", "year", "n", 0.95) is None


def test_the_key_findings_say_it(section):
    from saferstats.report.summary import _flytipping as findings

    said = [t for t in findings(section, CFG) if t.startswith("Against England")]
    # each council with its own annual % change (from the table), England's beside them; no "(or fell
    # more slowly)" hedge where the table knows which (walk 20: St Albans fell while England rose)
    eng = next(t.frame for t in section.tables if t.name == "flytipping_trend_england").set_index("la_name")
    a = {k: f"{eng.loc[k, 'apc']:+.2g}%" if abs(eng.loc[k, "apc"]) < 10 else f"{eng.loc[k, 'apc']:+.0f}%" for k in eng.index}
    # Watford is compared over the years since its step (2015/16 on: 197 other councils); the rest over 2012/13-2021/22
    # (session 19, w25c: England's councils with a 2-fold step in those years left out; were 237 and 239)
    assert set(eng.drop(index="Watford")["other_councils"]) == {187}
    assert eng.loc["Watford", "other_councils"] == 197
    lo, hi = eng["apc_england"].min(), eng["apc_england"].max()  # (Watford's years: the lowest, +4.3%)
    assert f"{lo:+.2g}%" == f"{eng.loc['Watford', 'apc_england']:+.2g}%" == "+4.3%"
    assert said == [f"Against England's other councils counted like for like over the same years (187 to 197 councils: "
                    f"{lo:+.2g}% to {hi:+.2g}% a year), the trend in fly-tipping was statistically significantly higher in Hertsmere "
                    f"({a['Hertsmere']} a year) and North Hertfordshire ({a['North Hertfordshire']} a year); the other "
                    "7 of the 9 councils compared changed in line with England."], said

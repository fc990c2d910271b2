"""Walk 10: SPC charts on real data as a PCC performance team draws them for a Police and Crime
Panel, checked against NHSRplotthedots 0.2.2 (tests/fixtures/walk10_monitoring/, made by
generate_walk10_monitoring.R from the extracts make_data.py takes from ../shared/data as published).

Defects found on the walk and fixed in python/saferstats/monitoring.py:
- a u or p chart's target was compared with the chart's per-unit limits while the values, limits
  and the target line are per ``multiplier``: Stevenage burglary per 1,000 residents, target 0.3
  (inside the limits 0.076-0.378) was "consistent_pass";
- a segment with fewer points than a shift or trend needs (6 months; a rebase 6 months ago) read
  "common cause" with only a trial-limits caution;
- weekly periods written as ISO dates in text (a CSV read without parse_dates) were read as months:
  "period '2023-01-09' appears twice";
- a date given to ``rebase`` for months written as text was "not in the data".
"""

from __future__ import annotations

import json
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import FIXTURES

matplotlib.use("Agg")

DIR = FIXTURES / "walk10_monitoring"
REF = json.loads((DIR / "walk10_monitoring_reference.json").read_text())
HERTS = pd.read_csv(DIR / "herts_monthly_counts.csv")
HERTS["series"] = HERTS["district"] + " | " + HERTS["crime_type"]
SEARCHES = pd.read_csv(DIR / "city_of_london_2023_searches.csv")
STEVENAGE = int(pd.read_csv(DIR / "stevenage_population.csv")["population"].iloc[0])

PT = {v: k for k, v in REF["herts"]["codes"]["point_type"].items()}
AS = {v: k for k, v in REF["herts"]["codes"]["assurance"].items()}


def _quiet(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        return f(*a, **k)


def _herts(improvement="neutral", rebase="none", target=None):
    h = REF["herts"]
    data = HERTS.set_index(["series", "month"]).loc[
        pd.MultiIndex.from_product([h["series"], h["months"]])].reset_index()
    tg = None if target is None else dict(zip(h["series"], h["targets"][target]))
    res = _quiet(saferstats.spc, data["count"], periods=data["month"], by=data["series"], improvement=improvement,
                 rebase=None if rebase == "none" else [rebase], target=tg)
    return data, res


@pytest.mark.parametrize("rebase", ["none", "2021-07"])
def test_xmr_limits_of_60_hertfordshire_series_match_nhsrplotthedots(rebase):
    data, res = _herts(rebase=rebase)
    lim = pd.DataFrame(REF["herts"]["limits"][rebase])
    got = res.assign(series=res["series"].astype(str)).groupby(["series", "segment"], observed=True)[
        ["mean", "lpl", "upl"]].first()
    want = lim.set_index(["series", "segment"])[["mean", "lpl", "upl"]]
    assert len(want) == (60 if rebase == "none" else 120)
    np.testing.assert_allclose(got.loc[want.index].to_numpy(), want.to_numpy(), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("improvement", ["neutral", "increase", "decrease"])
@pytest.mark.parametrize("rebase", ["none", "2021-07"])
def test_point_types_match_nhsrplotthedots_but_for_the_documented_two_in_three_rule(improvement, rebase):
    data, res = _herts(improvement, rebase)
    rules = REF["herts"]["rules"][f"{improvement}|{rebase}"]
    want = np.array([PT[c] for c in rules["point_type"]])
    got = res["point_type"].astype(str).to_numpy()
    differ = got != want
    # docs/methods/monitoring.md: saferstats counts points beyond the limits for two-in-three and does
    # not ask the third point to be on the same side; NHSRplotthedots then says common cause
    assert set(res["special_cause"].astype(str)[differ]) <= {"two of three high", "two of three low"}
    assert set(np.array(list(rules["special_cause_type"]))[differ]) == {"."}
    assert differ.sum() == (10 if rebase == "none" else 4)  # of 780 points


@pytest.mark.parametrize("key", list(REF["herts"]["summaries"]))
def test_variation_and_assurance_per_series_match_nhsrplotthedots(key):
    improvement, rebase, target = key.split("|")
    data, res = _herts(improvement, rebase, target)
    summ = res.attrs["summary"].set_index("series").loc[REF["herts"]["series"]]
    ref = REF["herts"]["summaries"][key]
    last = res.groupby("series", observed=True).tail(1).set_index("series").loc[REF["herts"]["series"]]
    want_var = np.array([PT[c] for c in ref["variation"]])
    differ = summ["variation"].to_numpy() != want_var
    # only where the last point is a two-in-three case of the documented rule difference
    assert set(last["special_cause"].astype(str)[differ]) <= {"two of three high", "two of three low"}
    want_as = [None if c == "-" else AS[c] for c in ref["assurance"]]
    assert summ["assurance"].tolist() == want_as


def test_weekly_periods_as_text_dates_match_nhsrplotthedots():
    wk = SEARCHES[SEARCHES["unit"] == "week"]
    ref = REF["weekly_searches"]
    assert wk["period"].tolist() == ref["period"] and len(wk) == 52
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)  # no gap, no trial limits
        # was: period '2023-01-09' appears twice (NHSRplotthedots' default direction is "increase")
        res = saferstats.spc(wk["searches"], periods=wk["period"], improvement="increase")
    np.testing.assert_allclose(res[["mean", "lpl", "upl"]].to_numpy(),
                               np.column_stack([ref["mean"], ref["lpl"], ref["upl"]]), rtol=1e-12)
    assert res["point_type"].astype(str).tolist() == ref["point_type"]
    # the same as dates, and newest first
    as_dates = saferstats.spc(wk["searches"].iloc[::-1], periods=pd.to_datetime(wk["period"]).iloc[::-1],
                              improvement="increase")
    assert as_dates.sort_index()["point_type"].astype(str).tolist() == ref["point_type"]
    np.testing.assert_allclose(as_dates.sort_index()["upl"], res["upl"])
    # a week left out is a gap (7 days against 14), as with dates
    gap = wk.drop(wk.index[20])
    with pytest.warns(saferstats.SaferstatsWarning, match="periods are missing"):
        saferstats.spc(gap["searches"], periods=gap["period"])


@pytest.mark.parametrize("improvement", ["increase", "decrease"])
def test_p_chart_target_in_percent_gets_nhsrplotthedots_assurance(improvement):
    mo = SEARCHES[SEARCHES["unit"] == "month"]
    ref = REF["p_chart_arrests"]
    res = saferstats.spc(mo["arrests"], periods=mo["period"], chart="p", denominators=mo["searches"],
                         multiplier=100, target=ref["target"], improvement=improvement)
    np.testing.assert_allclose(res["mean"], ref["mean"], rtol=1e-12)
    np.testing.assert_allclose(res["lpl"], ref["lpl"], rtol=1e-12)
    np.testing.assert_allclose(res["upl"], ref["upl"], rtol=1e-12)
    assert res.attrs["summary"]["assurance"].iloc[0] == ref[f"assurance_{improvement}"]
    assert res.attrs["summary"]["target"].iloc[0] == 15


def test_p_chart_target_on_another_scale():
    mo = SEARCHES[SEARCHES["unit"] == "month"]
    # 15 (percent) on a chart of proportions: impossible, and named
    with pytest.raises(saferstats.InvalidInputError, match=r"`target` 15.0 .* proportion \(0 to 1\).*give 0.15"):
        saferstats.spc(mo["arrests"], periods=mo["period"], chart="p", denominators=mo["searches"], target=15,
                       improvement="increase")
    # 0.15 (a proportion) on a chart in percent: warned, with the value on the chart's scale
    with pytest.warns(saferstats.SaferstatsWarning, match=r"`target` 0.15 is about 1/100 .* give it per `multiplier` \(15\)"):
        saferstats.spc(mo["arrests"], periods=mo["period"], chart="p", denominators=mo["searches"], multiplier=100,
                       target=0.15, improvement="increase")


@pytest.mark.parametrize("improvement", ["increase", "decrease"])
def test_u_chart_target_per_1000_residents_gets_nhsrplotthedots_assurance(improvement):
    ref = REF["u_chart_burglary"]
    pop = [STEVENAGE] * len(ref["count"])
    assert ref["population"] == STEVENAGE
    for target, want in zip(ref["targets"], ref[f"assurance_{improvement}"]):
        res = saferstats.spc(ref["count"], periods=ref["month"], chart="u", denominators=pop, multiplier=1000,
                             target=target, improvement=improvement)
        np.testing.assert_allclose(res["mean"], ref["mean"], rtol=1e-12)
        np.testing.assert_allclose(res["lpl"], ref["lpl"], rtol=1e-12)
        np.testing.assert_allclose(res["upl"], ref["upl"], rtol=1e-12)
        # 0.3 per 1,000 lies inside the limits 0.076-0.378: "inconsistent" (was "consistent_pass",
        # compared with per-person limits)
        assert res.attrs["summary"]["assurance"].iloc[0] == want, target
        assert res["assurance"].iloc[-1] == want
        # the same chart per person, its target per person: the same assurance
        per_person = saferstats.spc(ref["count"], chart="u", denominators=pop, target=target / 1000,
                                    improvement=improvement)
        assert per_person.attrs["summary"]["assurance"].iloc[0] == want
    with pytest.warns(saferstats.SaferstatsWarning, match=r"`target` 0.0003 is about 1/1,000 .*\(0.3\)"):
        saferstats.spc(ref["count"], chart="u", denominators=pop, multiplier=1000, target=0.0003,
                       improvement="decrease")


def test_u_chart_target_per_series_is_scaled_too():
    ref = REF["u_chart_burglary"]
    n = len(ref["count"])
    res = saferstats.spc(ref["count"] * 2, periods=ref["month"] * 2, by=["a"] * n + ["b"] * n, chart="u",
                         denominators=[STEVENAGE] * (2 * n), multiplier=1000, target={"a": 0.3, "b": 0.5},
                         improvement="decrease")
    assert res.attrs["summary"]["assurance"].tolist() == [ref["assurance_decrease"][1], ref["assurance_decrease"][2]]


def test_a_segment_too_short_for_the_shift_and_trend_rules_is_named():
    asb = HERTS[(HERTS["district"] == "Stevenage") & (HERTS["crime_type"] == "Anti-social behaviour")]
    with pytest.warns(saferstats.SaferstatsWarning) as rec:
        six = saferstats.spc(asb["count"].iloc[:6], periods=asb["month"].iloc[:6])
    text = " ".join(str(w.message) for w in rec)
    assert "trial limits" in text
    assert "1 segment has fewer points than a trend or a shift (7) needs: 6 points (2021-01 to 2021-06)" in text
    assert "'common cause' there does not show that nothing changed" in text
    assert (six["point_type"] == "common_cause").all()
    ax = saferstats.plot_spc(six)
    assert "only 6 points in the chart" in ax.texts[0].get_text()
    # a rebase at July 2021 leaves 6 months before it: named by its months
    with pytest.warns(saferstats.SaferstatsWarning, match=r"6 points \(2021-01 to 2021-06\)"):
        rb = saferstats.spc(asb["count"], periods=asb["month"], rebase=["2021-07"])
    assert "too few" not in saferstats.plot_spc(rb).texts[0].get_text()  # 7 points after the rebase
    # six-point rules: a segment of 6 can hold a shift; no note
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.spc(asb["count"].iloc[:6], trend_points=6, shift_points=6)
    assert not any("fewer points than" in str(w.message) for w in rec)
    # 13 months, no rebase: nothing to say of segments (session 31: the only warning is that 13 months of
    # ASB cannot tell its special causes from the season, test_spc_season_mend31.py)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.spc(asb["count"], periods=asb["month"])
    assert [str(w.message)[:60] for w in rec] == [
        "spc: a monthly series with special causes that a seasonal pa"]


@pytest.mark.parametrize("when", [pd.Timestamp("2021-07-01"), np.datetime64("2021-07-01"), "2021-07"])
def test_rebase_by_date_on_text_months(when):
    data, res = _herts(rebase="2021-07")
    one = data[data["series"] == "Stevenage | Burglary"]
    got = _quiet(saferstats.spc, one["count"], periods=one["month"], rebase=[when])
    lim = pd.DataFrame(REF["herts"]["limits"]["2021-07"])
    want = lim[lim["series"] == "Stevenage | Burglary"]
    assert got.groupby("segment")["upl"].first().tolist() == pytest.approx(want["upl"].tolist(), rel=1e-12)


def test_extract_matches_the_published_files(shared_data):
    pts = saferstats.read_street_crime(sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv")),
                                       crime_type="Burglary")
    stev = pts[pts["lsoa_name"].astype(str).str.startswith("Stevenage ")]
    got = stev.groupby(stev["month"].astype(str)).size()
    one = HERTS[(HERTS["district"] == "Stevenage") & (HERTS["crime_type"] == "Burglary")].set_index("month")["count"]
    assert got.to_dict() == one.to_dict()
    assert one.tolist() == REF["u_chart_burglary"]["count"]


def test_an_annual_target_on_monthly_counts_is_warned_about():
    ref = REF["annual_target"]
    with pytest.warns(saferstats.SaferstatsWarning, match=r"target 221 is 10.9 times the mean 20.31 .*annual"):
        res = saferstats.spc(ref["count"], periods=ref["month"], improvement="decrease", target=ref["target"])
    # the assurance itself is NHSRplotthedots' (a consistent pass, however the months go)
    assert res.attrs["summary"]["assurance"].iloc[0] == ref["assurance"]
    assert res["upl"].iloc[-1] == pytest.approx(ref["upl"], rel=1e-12)
    # targets within a factor 8 of the mean, or inside the limits, say nothing: twice the mean of
    # every Hertfordshire series (test_variation_and_assurance_per_series_match_nhsrplotthedots)
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        # session 31: 13 months of counts with special causes also warn of the season (not of the target)
        warnings.filterwarnings("ignore", "spc: a monthly series with special causes", saferstats.SaferstatsWarning)
        within_8 = saferstats.spc(ref["count"], periods=ref["month"], improvement="decrease", target=40)
    assert within_8.attrs["summary"]["assurance"].iloc[0] == "consistent_pass"
    h = REF["herts"]
    data = HERTS.set_index(["series", "month"]).loc[pd.MultiIndex.from_product([h["series"], h["months"]])]
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.spc(data["count"].to_numpy(), periods=data.index.get_level_values(1),
                       by=data.index.get_level_values(0), improvement="decrease",
                       target=dict(zip(h["series"], h["targets"]["double"])))
    assert not any("values' scale" in str(w.message) for w in rec)


def test_limits_fixed_on_fewer_than_12_points_are_not_said_to_be_revised():
    # NHSRplotthedots refuses fix_after_n_points < 12; saferstats draws them as trial limits and
    # says they are fixed (they were "to be revised as more points arrive", which fixed limits are not)
    y = np.array(REF["u_chart_burglary"]["count"], dtype=float)
    with pytest.warns(saferstats.SaferstatsWarning, match=r"trial limits, fixed on the first 6 points .*fix_after=6"):
        res = saferstats.spc(y, fix_after=6)
    mr = np.abs(np.diff(y[:6]))  # the XmR definition on the first 6 points (no moving range >= 3.267 AMR)
    assert (mr < 3.267 * mr.mean()).all()
    assert res["mean"].iloc[-1] == pytest.approx(y[:6].mean(), rel=1e-12)
    assert res["upl"].iloc[-1] == pytest.approx(y[:6].mean() + 2.66 * mr.mean(), rel=1e-12)
    assert res["trial_limits"].all()

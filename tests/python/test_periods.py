"""One way to read and show periods (session 16, w19a): ``saferstats._periods``.

Before, months were recognised and written in several places, each its own way: ``spc`` ticks and
rebase labels wrote police.uk months read with ``pd.to_datetime`` as ``2021-01`` while the messages
naming a period (a Series out of time order) wrote the same month as the day ``'2021-01-01'``;
the cluster table, the prospective grid, ``monthly_counts`` and the report's hotspot section each
had a regex of their own for police.uk's ``Month`` (two accepted "2021-13"); an annual Period of
financial years (``Y-MAR``) was named by the year it ends (``'2022'`` for 2021/22).

Also here (monitoring trust):
- ``unusual_periods`` with several series, one too short for its baseline: that series had no test
  and an empty ``unusual`` column, read as "nothing unusual", without a word; the "no period was
  tested" warning did not say how many periods a series needs.
- ``spc`` with a rebase a few points from the end: screening out large moving ranges (as
  NHSRplotthedots does) left limits so narrow that every point after the rebase was a special
  cause, and nothing said that those limits rest on a handful of points.

References: the XmR limits after a rebase are the textbook closed form (mean ± 2.66 × the mean of
the moving ranges at most 3.267 × their mean, NHSRplotthedots' screening) computed here with numpy,
and NHSRplotthedots 0.2.2's own limits for Watford 2021-22 (tests/fixtures/walk17_monitoring, with
its generating script); the police.uk months and counts are read here with the csv module,
independently of saferstats' readers.
"""

from __future__ import annotations

import csv
import json
import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURES

import saferstats
from saferstats import _periods
from saferstats.exceptions import SaferstatsWarning


# --------------------------------------------------------------------------------------------
# the helper itself


@pytest.mark.parametrize("text, month", [("2021-06", True), (" 2021-06 ", True), ("2021-12", True),
                                         ("2021-13", False), ("2021-00", False), ("2021-6", False),
                                         ("2021-06-01", False), ("2019/20", False), (202106, False)])
def test_month_text_is_police_uk_month(text, month):
    assert _periods.is_month_text(text) is month


def test_a_column_of_months_missing_values_and_categories():
    assert _periods.all_month_text(pd.Series(["2021-01", None, "2021-02"]))
    assert not _periods.all_month_text(pd.Series([None, None], dtype=object))
    assert not _periods.all_month_text(pd.Series(["2021-01", "2021-01-15"]))
    # read_street_crime's categorical Month: the categories in use are read
    cat = pd.Series(pd.Categorical(["2021-01", "2021-02"], categories=["2021-01", "2021-02", "oops"]))
    assert _periods.all_month_text(cat)
    assert not _periods.all_month_text(pd.Series(pd.Categorical(["2021-01", "oops"])))


def test_months_as_dates_from_text_and_periods():
    d, months = _periods.months_as_dates(pd.Series(["2021-10", " 2021-11", None]))
    assert months and d.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2021-10-01", "2021-11-01"] and pd.isna(d.iloc[2])
    d, months = _periods.months_as_dates(pd.Series(pd.period_range("2021-10", periods=2, freq="M")))
    assert months and d.tolist() == [pd.Timestamp("2021-10-01"), pd.Timestamp("2021-11-01")]
    d, months = _periods.months_as_dates(pd.Series(pd.period_range("2021-10-01", periods=2, freq="D")))
    assert not months
    same = pd.Series(["a", "b"])
    assert _periods.months_as_dates(same) == (same, False)


def test_dates_are_months_only_when_every_one_is_a_month_start():
    months = pd.Series(pd.to_datetime(["2021-01-01", "2021-02-01"]))
    assert _periods.on_month_starts(months)
    assert not _periods.on_month_starts(months.iloc[:1], distinct=2)  # one such day alone could be a date
    assert not _periods.on_month_starts(pd.Series(pd.to_datetime(["2021-01-01", "2021-01-08"])))
    assert not _periods.on_month_starts(pd.Series([pd.Timestamp("2021-01-01 10:00"), pd.Timestamp("2021-02-01")]))
    assert _periods.on_month_starts(months.dt.tz_localize("Europe/London"))
    assert not _periods.on_month_starts(pd.Series(["2021-01-01"]))


def test_one_period_as_text():
    assert _periods.period_text(pd.Period("2021-06", freq="M")) == "2021-06"
    assert _periods.period_text(pd.Period("2021-06", freq="M"), style="name") == "Jun 2021"
    # pandas' financial year Y-MAR 2022 runs April 2021 - March 2022: "2021/22", as the Home Office writes it
    fy = pd.Period("2022", freq="Y-MAR")
    assert (fy.start_time, fy.end_time.normalize()) == (pd.Timestamp("2021-04-01"), pd.Timestamp("2022-03-31"))
    assert _periods.period_text(fy) == "2021/22"
    assert _periods.period_text(pd.Period("2000", freq="Y-MAR")) == "1999/00"
    assert _periods.period_text(pd.Period("2021", freq="Y")) == "2021"
    assert _periods.period_text(pd.Period("2021-06-15", freq="D")) == "2021-06-15"
    assert _periods.period_text(pd.Timestamp("2021-06-01")) == "2021-06-01"  # alone, a day
    assert _periods.period_text(pd.Timestamp("2021-06-01"), months=True) == "2021-06"
    assert _periods.period_text(pd.Timestamp("2021-06-15"), months=True) == "2021-06-15"
    assert _periods.period_text(np.datetime64("2021-06-15")) == "2021-06-15"
    assert _periods.period_text(pd.Timestamp("2021-06-15 10:30")) == "2021-06-15 10:30:00"
    assert _periods.period_text("2019/20") == "2019/20"


def test_a_column_of_periods_as_text():
    assert _periods.period_texts(pd.Series(pd.to_datetime(["2021-01", "2021-02"]))) == ["2021-01", "2021-02"]
    assert _periods.period_texts(pd.Series(pd.to_datetime(["2021-01", "2021-02"])), style="name") == [
        "Jan 2021", "Feb 2021"]
    assert _periods.period_texts(pd.Series(["2021-01-04", "2021-01-11"])) == ["2021-01-04", "2021-01-11"]
    assert _periods.period_texts(pd.Series(list(pd.period_range("2021", periods=2, freq="Y-MAR")))) == [
        "2020/21", "2021/22"]
    assert _periods.period_texts(pd.Series(["2019/20", "2020/21"])) == ["2019/20", "2020/21"]


def test_month_texts_keep_the_index_and_missing_months():
    s = pd.Series(pd.to_datetime(["2021-10-01", None]), index=["a", "b"])
    out = _periods.month_texts(s, "name")
    assert out.index.tolist() == ["a", "b"] and out.tolist() == ["Oct 2021", None]


def test_a_label_in_a_message_is_a_month_among_months():
    months = pd.DatetimeIndex(["2021-01-01", "2021-02-01"])
    assert _periods.shown(months[0]) == "'2021-01-01'"
    assert _periods.shown(months[0], months) == "'2021-01'"
    assert _periods.shown(pd.Timestamp("2021-01-01"), pd.DatetimeIndex(["2021-01-01", "2021-01-08"])) == "'2021-01-01'"
    assert _periods.shown("2021-01", months) == "'2021-01'"
    assert _periods.shown(3) == "3"


# --------------------------------------------------------------------------------------------
# the modules use it


def test_a_financial_year_out_of_order_is_named_as_one():
    years = pd.period_range("2022", periods=3, freq="Y-MAR")  # 2021/22, 2022/23, 2023/24
    x = pd.Series([30.0, 32.0, 31.0], index=years[[1, 0, 2]])
    with pytest.warns(SaferstatsWarning, match=r"first out of order: '2021/22' after '2022/23'"):
        saferstats.spc(x)


@pytest.mark.parametrize("given", [pd.Timestamp("2023-04-01"), "2023-04", pd.Period("2023-04", "M")])
@pytest.mark.parametrize("index", [pd.date_range("2021-01-01", periods=13, freq="MS"),
                                   pd.period_range("2021-01", periods=13, freq="M"),
                                   pd.Index([f"{y}-{m:02d}" for y, m in [(2021, k) for k in range(1, 13)] + [(2022, 1)]])])
def test_a_rebase_month_not_in_the_data_is_named_as_a_month(index, given):
    # it was "Timestamp('2023-04-01 00:00:00')" or "Period('2023-04', 'M')" for the same month
    x = pd.Series(np.arange(20.0, 33.0), index=index)
    with pytest.raises(saferstats.InvalidInputError, match=r"^`rebase` period '2023-04' is not in the data$"):
        saferstats.spc(x, rebase=[given])


def test_month_text_that_is_no_month_is_not_called_one_by_the_prospective_grid():
    from saferstats.hotspot.grid import _MONTH_TEXT

    assert _MONTH_TEXT.fullmatch("2021-06") and not _MONTH_TEXT.fullmatch("2021-13")


def test_monthly_counts_reads_police_uk_month_text_as_months():
    from saferstats.outcomes import _month_resolution

    assert _month_resolution(pd.Series([" 2021-06", "2021-07"]))
    assert not _month_resolution(pd.Series(["2021-13", "2021-07"]))


# --------------------------------------------------------------------------------------------
# unusual_periods: untested series are said


def test_a_series_too_short_for_its_baseline_is_named():
    counts = [20, 22, 19, 25, 21, 18, 23, 20, 24, 22, 19, 21, 20, 23, 22, 21]
    by = ["long"] * 16 + ["short"] * 12
    with pytest.warns(SaferstatsWarning, match=r"1 series had no period tested \('short': 12 periods\).*"
                                               r"baseline=12\), so a series needs at least 13 periods") as rec:
        u = saferstats.unusual_periods(counts + counts[:12], by=by)
    assert len([w for w in rec if "no period tested" in str(w.message)]) == 1
    assert u.loc[u["series"] == "short", "p_value"].isna().all()
    assert u.loc[u["series"] == "long", "p_value"].notna().sum() == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.unusual_periods(counts + counts[:12], by=by, baseline=6)


def test_nothing_tested_says_how_many_periods_are_needed():
    with pytest.warns(SaferstatsWarning, match=r"no period was tested.*baseline=12.*at least 13 periods.*"
                                               r"longest series has 12.*at most 11"):
        saferstats.unusual_periods([20, 22, 19, 25, 21, 18, 23, 20, 24, 22, 19, 21])


# --------------------------------------------------------------------------------------------
# spc: a rebase near the end


def _xmr_limits(x):
    """NHSRplotthedots' XmR limits: moving ranges above 3.267 × their mean are left out."""
    x = np.asarray(x, dtype=float)
    mr = np.abs(np.diff(x))
    kept = mr[mr <= 3.267 * mr.mean()]
    return x.mean() - 2.66 * kept.mean(), x.mean() + 2.66 * kept.mean()


def test_a_short_segment_after_a_rebase_is_warned_about():
    v = [20, 22, 19, 25, 21, 18, 23, 20, 24, 22, 19, 21, 20, 23, 22, 40, 41, 40, 41, 60]
    x = pd.Series(v, index=pd.period_range("2021-01", periods=len(v), freq="M"))
    with pytest.warns(SaferstatsWarning, match=r"The limits after the rebase at 2022-04 \(new recording system\) rest "
                                               r"on 5 points, and all 5 are special causes: too few for reliable "
                                               r"limits \(NHSRplotthedots recommends at least 12 points"):
        out = saferstats.spc(x, rebase={"2022-04": "new recording system"})
    after = out.iloc[15:]
    lo, hi = _xmr_limits(v[15:])
    np.testing.assert_allclose(after["lpl"], lo, rtol=1e-12)
    np.testing.assert_allclose(after["upl"], hi, rtol=1e-12)
    assert after["point_type"].astype(str).str.startswith("special_cause").all()  # the numbers stay
    # with 12 points after the rebase the limits are no longer trial ones: nothing said
    x12 = pd.Series(v[:15] + v[3:15], index=pd.period_range("2021-01", periods=27, freq="M"))
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.spc(x12, rebase={"2022-04": "new recording system"})
    assert not [w for w in rec if "after the rebase" in str(w.message)]


def test_the_short_segment_is_named_per_series_and_by_position_without_periods():
    v = [20, 22, 19, 25, 21, 18, 23, 20, 24, 22, 19, 21, 20, 23, 22, 40, 41, 40, 41, 60]
    with pytest.warns(SaferstatsWarning, match=r"after the rebase at position 15 in series 'B' \(new system\) rest on 5 points"):
        saferstats.spc(v + v, by=["A"] * 20 + ["B"] * 20, rebase={"B": {15: "new system"}})


def test_watford_rebase_after_the_third_lockdown_names_its_ten_points():
    ref = json.loads((FIXTURES / "walk17_monitoring" / "walk17_spc_reference.json").read_text())
    case = next(c for c in ref["cases"] if c["rebase"] == "2021-04" and c["improvement"] == "neutral"
                and c["series"] == "All crime and ASB")
    counts = pd.read_csv(FIXTURES / "walk17_monitoring" / "watford_monthly_counts.csv")
    one = counts[counts["series"] == case["series"]]
    x = pd.Series(one["count"].to_numpy(), index=pd.to_datetime(one["month"]))
    with pytest.warns(SaferstatsWarning, match=r"after the rebase at 2021-04 \(end of the third lockdown\) rest "
                                               r"on 10 points: too few"):
        out = saferstats.spc(x, rebase={"2021-04": "end of the third lockdown"})
    np.testing.assert_allclose(out["lpl"], case["lpl"], rtol=1e-9)  # NHSRplotthedots' limits
    np.testing.assert_allclose(out["upl"], case["upl"], rtol=1e-9)


# --------------------------------------------------------------------------------------------
# analyst walk: police.uk months from the files as published, through spc, unusual_periods and clusters


def _herts_asb(shared_data):
    rows = []
    for f in sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv")):
        with open(f, newline="") as fh:
            rows += [(r["Month"], r["Latitude"], r["Longitude"]) for r in csv.DictReader(fh)
                     if r["Crime type"] == "Anti-social behaviour"]
    return rows


def test_police_uk_months_read_the_same_everywhere(shared_data):
    rows = _herts_asb(shared_data)
    months = sorted({m for m, _, _ in rows})
    assert months[0] == "2021-01" and months[-1] == "2022-01" and len(months) == 13
    per_month = Counter(m for m, _, _ in rows)
    as_text = pd.Series([per_month[m] for m in months], index=months)
    as_dates = pd.Series(as_text.to_numpy(), index=pd.to_datetime(months))  # groupby(pd.to_datetime(Month))
    as_periods = pd.Series(as_text.to_numpy(), index=pd.PeriodIndex(months, freq="M"))

    # spc: the rebase period and the short segment after it are the same month text from all three
    for x, at in ((as_text, "2021-11"), (as_dates, pd.Timestamp("2021-11-01")), (as_periods, "2021-11")):
        with pytest.warns(SaferstatsWarning, match=r"after the rebase at 2021-11 \(new ASB recording\) rest on 3 "
                                                   r"points.*\(2021-11 to 2022-01\)|\(2021-11 to 2022-01\).*after "
                                                   r"the rebase at 2021-11 \(new ASB recording\) rest on 3 points"):
            out = saferstats.spc(x, rebase={at: "new ASB recording"})
        assert out.attrs["rebase"]["period"].tolist() == ["2021-11"]
        assert out.attrs["summary"]["rebase"].iloc[0] == "2021-11 (new ASB recording)"
        assert _periods.period_texts(out["period"]) == months

    # unusual_periods: the period column and a message naming a month, the same text
    u = saferstats.unusual_periods(as_dates, baseline=6)
    assert _periods.period_texts(u["period"]) == months
    for x in (as_text, as_dates, as_periods):
        with pytest.warns(SaferstatsWarning, match=r"first out of order: '2021-12' after '2022-01'"):
            saferstats.unusual_periods(x.iloc[::-1], baseline=6)

    # clusters: police.uk's Month as it is, or read as dates, gives the same month labels
    near = [(m, float(a), float(o)) for m, a, o in rows if a and 51.64 < float(a) < 51.67 and -0.41 < float(o) < -0.38]
    month, lat, lon = (np.array(c) for c in zip(*near))
    labels = saferstats.dbscan(lat, lon, eps_m=100, min_samples=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)  # one-location clusters
        t_text = saferstats.cluster_summary(lat, lon, labels, times=month)
        t_dates = saferstats.cluster_summary(lat, lon, labels, times=pd.to_datetime(month))
    assert len(t_text) >= 2
    iso = t_text.month_labels()
    assert iso.equals(t_dates.month_labels())
    assert set(iso["first_time"]) | set(iso["last_time"]) <= set(months)
    for k, lab in enumerate(t_text["label"]):
        mine = month[labels == lab]
        assert (iso["first_time"].iloc[k], iso["last_time"].iloc[k]) == (min(mine), max(mine))
    named = t_text.month_labels("name")
    assert named["first_time"].tolist() == [_periods.period_text(pd.Period(m, freq="M"), style="name")
                                            for m in iso["first_time"]]
    # the GeoJSON writes the same text
    props = [f["properties"] for f in json.loads(t_text.to_geojson(geometry="point"))["features"]]
    assert [p["first_time"] for p in props] == iso["first_time"].tolist()

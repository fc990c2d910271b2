"""Session 33 (w54d): trend and monitoring correctness.

a. ``spc``'s ``.attrs["season"]["months"]`` was the whole series' span (72 for the Home Office's
   months with 2016-03 removed, 30 for 30 gap-free months) while ``checked`` named the months
   compared (36; 24): ``months`` now counts the months ``checked`` names.
b. ``year_on_year(missing="drop")`` said a reader's ``.attrs["summary"]`` of the rows passed, the
   rows it left out included: it is now said of the rows used, with ``rows_dropped`` counting them.
c. ``trend.renamed_codes_note`` carried the command line's "--by la_code" (``cli=True``): the
   library's sentence is now neutral, a caller names its own option (``option=``), and ``cli=``
   still works.

References: the Home Office monthly racially or religiously aggravated offences (the package's
CSV) read with pandas and its gap-free runs counted with pandas' ``PeriodIndex``; month counts and
row counts written out by hand below.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import saferstats
from saferstats.trend import renamed_codes_note

HO_MONTHLY = Path(saferstats.__file__).parent / "data" / "ho_racially_religiously_aggravated_monthly_2013-04_2019-03.csv"


def _said(fn, *args, **kwargs):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, [" ".join(str(w.message).split()) for w in rec]


def _months_between(text: str) -> int:
    """The number of months in "2016-04 to 2019-03", by pandas' PeriodIndex."""
    a, b = text.split(" to ")
    return len(pd.period_range(a, b, freq="M"))


# --------------------------------------------------------------------------- a. the season's months
def test_the_season_months_are_those_checked_not_the_span_of_a_series_with_a_gap():
    """The Home Office's 72 months (2013-04 to 2019-03) less 2016-03: the season is checked on the
    longest run without a gap, 2016-04 to 2019-03, 36 months (pandas). Before: ``months`` was 72,
    the span charted, beside ``checked`` "2016-04 to 2019-03"."""
    ho = pd.read_csv(HO_MONTHLY)
    gap = ho[ho["month"] != "2016-03"].reset_index(drop=True)
    p = pd.PeriodIndex(gap["month"], freq="M")
    assert (p[-1] - p[0]).n + 1 == 72  # the span
    assert len(pd.period_range("2016-04", "2019-03", freq="M")) == 36
    out, _ = _said(saferstats.spc, gap["offences"], periods=gap["month"], improvement="decrease")
    rec = out.attrs["season"]
    assert rec["checked"].iloc[0] == "2016-04 to 2019-03"
    assert rec["months"].iloc[0] == 36 == _months_between(rec["checked"].iloc[0])


def test_the_season_months_are_the_whole_years_compared():
    """30 gap-free months (2019-01 to 2021-06) of a season that repeats each year and a step at
    the end: two whole years, 24 months (2019-01 to 2020-12), are compared. Before: ``months`` was
    30, the series' span, beside ``checked`` "2019-01 to 2020-12"."""
    k = np.arange(30)
    y = 1000 + 300 * np.sin(2 * np.pi * k / 12) + np.where(k >= 26, 900, 0)
    s = pd.Series(np.round(y), index=pd.period_range("2019-01", periods=30, freq="M"))
    out, said = _said(saferstats.spc, s)
    assert (out["special_cause"] != "common cause").any()
    rec = out.attrs["season"]
    assert len(rec) == 1 and rec["checked"].iloc[0] == "2019-01 to 2020-12"
    assert rec["months"].iloc[0] == 24 == 2 * 12
    assert any("2 years from 2019-01" in m for m in said)


def test_a_season_not_checked_keeps_the_span_the_report_speaks_of():
    """13 months, too few to check: ``months`` is the 13 months charted (unchanged)."""
    herts_asb = [1583, 1624, 2158, 2382, 2516, 2735, 2918, 2377, 2347, 2157, 1801, 1558, 1702]
    out, _ = _said(saferstats.spc, pd.Series(herts_asb, index=pd.period_range("2021-01", periods=13, freq="M")))
    rec = out.attrs["season"]
    assert rec["months"].tolist() == [13] and rec["checked"].isna().all()


# --------------------------------------------------------------------------- b. year_on_year's summary
def _read_like() -> pd.DataFrame:
    """Six rows as a force-layout reader returns them: Kent's 2018/19 count not published."""
    t = pd.DataFrame({"force": ["Essex"] * 3 + ["Kent"] * 3,
                      "force_code": ["E23000008"] * 3 + ["E23000032"] * 3,
                      "period": ["2017/18", "2018/19", "2019/20"] * 2,
                      "offences": [3000.0, 3100.0, 3300.0, 4000.0, np.nan, 4400.0],
                      "source_line": [2, 3, 4, 5, 6, 7]})
    t.attrs = {"summary": {"rows": 6, "missing_cells": 1, "unparsable_cells": 0, "layout": "force",
                           "file": "x.csv"},
               "dropped": [{"source_line": 6, "column": "offences", "reason": "no figure published"}]}
    return t


def test_year_on_year_drop_says_the_summary_of_the_rows_used_and_counts_the_dropped():
    """Before: ``rows`` 6 and ``missing_cells`` 1, the rows passed, though Kent's 2018/19 was left
    out. The rows used, by hand: 6 - 1 = 5, none with a missing cell; 1 row dropped."""
    out, said = _said(saferstats.year_on_year, _read_like(), count="offences", population=None, by="force",
                      missing="drop")
    assert any("1 row with a missing count or population left out" in m for m in said)
    assert out.attrs["dropped"] == [{"row": 4, "force": "Kent", "period": "2018/19"}]
    s = out.attrs["summary"]
    assert (s["rows"], s["rows_read"], s["rows_dropped"]) == (5, 6, 1)
    assert (s["missing_cells"], s["missing_cells_read"]) == (0, 1)
    assert len(out) == 3  # Essex 2 changes, Kent 1 (2017/18 -> 2019/20)


def test_year_on_year_without_a_drop_says_the_rows_passed():
    """Nothing dropped: the summary is of the rows passed, with no ``rows_dropped`` (unchanged)."""
    t = _read_like()
    t = t[t["force"] == "Essex"]
    out, _ = _said(saferstats.year_on_year, t, count="offences", population=None, by="force", missing="drop")
    s = out.attrs["summary"]
    assert (s["rows"], s["rows_read"], s["missing_cells"]) == (3, 6, 0) and "rows_dropped" not in s


# --------------------------------------------------------------------------- c. the renamed code's sentence
RENAMED = pd.DataFrame({"la_code": ["E1", "E1", "E2", "E2"], "la_name": ["Shepway", "Folkestone and Hythe", "B", "B"],
                        "period": ["2017/18", "2018/19"] * 2})
FACT = ("1 code in la_code appears under two or more la_name values, so each is split into separate series "
        "(renamed: E1 'Shepway' / 'Folkestone and Hythe'): ")
KEEPS = " keeps each as one series (its names are in la_name beside it)"


def test_the_library_sentence_is_neutral_and_the_caller_names_its_option():
    """Before: the library wrote "by='la_code'" by default and "--by la_code" with ``cli=True``, the
    command line's words inside the library. Now it says "grouping by la_code"; a caller adds its
    own option; ``cli=True`` still gives the command line's sentence."""
    assert renamed_codes_note(RENAMED, ["la_name"], "period") == FACT + "grouping by la_code" + KEEPS
    assert renamed_codes_note(RENAMED, ["la_name"], "period", option="by={code!r}") == FACT + "by='la_code'" + KEEPS
    assert renamed_codes_note(RENAMED, ["la_name"], "period", option="--by {code}") == FACT + "--by la_code" + KEEPS
    assert renamed_codes_note(RENAMED, ["la_name"], "period", cli=True) == FACT + "--by la_code" + KEEPS
    # the library's own messages keep their keyword
    _, said = _said(saferstats.year_on_year, RENAMED.assign(count=[10, 12, 5, 6]), population=None, by="la_name")
    assert any(FACT + "by='la_code'" + KEEPS in m for m in said)


# --------------------------------------------------------------------------- 2. time: spc's rebase read once
def _many_series(k: int) -> pd.DataFrame:
    rng = np.random.default_rng(54)
    months = pd.period_range("2020-01", periods=24, freq="M").strftime("%Y-%m")
    return pd.DataFrame({"series": np.repeat([f"s{i:02d}" for i in range(k)], 24), "month": np.tile(months, k),
                         "count": rng.poisson(100, 24 * k)})


def test_spc_reads_the_periods_and_a_shared_rebase_once_not_once_per_series():
    """Before: ``spc(by=..., rebase=[...])`` read all the periods as dates again for each series and
    parsed the same rebase list again for each series, so the readings grew with the series (60
    Hertfordshire series rebased at 2021-07: 0.6 s a chart, now 0.2 s). Now the number of readings
    is the same for 3 series as for 30 (counted with ``unittest.mock``), and each series' limits
    are those of the series charted alone."""
    from unittest import mock

    from saferstats import _periods, monitoring

    calls = {}
    for k in (3, 30):
        d = _many_series(k)
        with mock.patch.object(monitoring, "_as_dates", wraps=_periods.as_dates) as dates, \
                mock.patch.object(monitoring, "_period_numbers", wraps=monitoring._period_numbers) as numbers:
            out, _ = _said(saferstats.spc, d["count"], periods=d["month"], by=d["series"], rebase=["2021-01"])
        calls[k] = (dates.call_count, numbers.call_count)
        assert (out.groupby("series")["segment"].nunique() == 2).all()
    assert calls[3] == calls[30], calls
    # each series as charted alone (the limits of its two segments)
    d = _many_series(30)
    out, _ = _said(saferstats.spc, d["count"], periods=d["month"], by=d["series"], rebase=["2021-01"])
    for name in ("s00", "s17", "s29"):
        one = d[d["series"] == name]
        alone, _ = _said(saferstats.spc, one["count"], periods=one["month"], rebase=["2021-01"])
        mine = out[out["series"] == name]
        for c in ("mean", "lpl", "upl", "segment", "special_cause"):
            assert mine[c].tolist() == alone[c].tolist(), (name, c)


def _areas(k: int) -> pd.DataFrame:
    rng = np.random.default_rng(33)
    return pd.DataFrame({"la_code": np.repeat([f"E{i:02d}" for i in range(k)], 4),
                         "period": np.tile(["2018/19", "2019/20", "2020/21", "2021/22"], k),
                         "incidents": rng.poisson(500, 4 * k).astype(float),
                         "population": np.repeat(rng.integers(50_000, 300_000, k), 4).astype(float)})


def test_like_for_like_others_does_not_sum_each_area_with_pandas():
    """Before: ``trend.like_for_like_others`` (``saferstats trend --compare-with England``, the
    report's comparison with England and compare_trends' advice) grouped each area's rows with
    pandas to take it out of its comparator and made two frames an area, so its time grew with
    the areas (Defra's 331 councils: 8.2 s, now 2.4 s). Now the groupings are as many for 30 areas
    as for 10 (counted with ``unittest.mock``), and each comparator is the sum of the other areas
    a period, written out here with pandas."""
    from unittest import mock

    from saferstats.trend import like_for_like_others

    def everyone_in_the_window(e, area, period, count, window):
        return e[e[period].astype(str).isin(window)], 0

    calls = {}
    for k in (10, 30):
        d = _areas(k)
        with mock.patch.object(pd.DataFrame, "groupby", autospec=True, side_effect=pd.DataFrame.groupby) as g:
            pairs, comps, info = like_for_like_others(d, d, d["la_code"].unique(), area="la_code", period="period",
                                                      count="incidents", population="population",
                                                      like_for_like=everyone_in_the_window)
        calls[k] = g.call_count
    assert calls[10] == calls[30], calls
    # the reference: the other 29 areas' sums a period
    for a in ("E00", "E17", "E29"):
        others = d[d["la_code"] != a].groupby("period")[["incidents", "population"]].sum()
        mine = comps[comps["_compared"] == a].set_index("period")
        assert mine["incidents"].tolist() == others["incidents"].round().tolist()
        assert mine["population"].tolist() == others["population"].tolist()
        assert pairs[pairs["_compared"] == a]["incidents"].tolist() == d[d["la_code"] == a]["incidents"].tolist()
    assert (info["other_areas"] == 29).all() and len(info) == 30

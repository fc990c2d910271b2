"""Walk 17: a police / PCC performance analyst's monthly pack for one CSP (Watford) from police.uk
street-level crime as published (Hertfordshire, January 2021 - January 2022): monthly counts, SPC
charts (Making Data Count), an interrupted time series at the end of the third lockdown (April 2021).

References (tests/fixtures/walk17_monitoring/, with their generating scripts and versions):
NHSRplotthedots 0.2.2 (``generate_walk17_monitoring.R``) for the XmR charts, statsmodels GLM
(``generate_walk17_its.py``) for the segmented Poisson fits; the counts themselves were made with
the csv module (``make_data.py``), independently of ``read_street_crime``.

Defects found on the walk and fixed:
- ``monthly_counts(street, date="month")`` read police.uk's month-only dates as the first of each
  month and called the last month partial ("records 01 Jan 2022 to 01 Jan 2022 only"), telling the
  analyst to leave a whole month out; monthly pandas Periods were refused ("cannot read timestamp");
- ``spc`` / ``unusual_periods`` of a Series indexed by pandas Periods (``monthly_counts``) showed
  the months as days in the ``period`` column (2021-01-01), and ``plot_spc`` labelled the axis with
  days; a ``rebase`` given as the Period ``2021-04`` of that index was "not in the data";
- ``its_poisson`` fitted a seasonal term to 13 months (one cycle) without a word, kept Poisson SEs
  on counts varying 4 times as much as Poisson (intervals half as wide as they should be) without
  a word, and its summary did not say which month the break (a position) was;
- ``plot_its`` drew the months of a ``monthly_counts`` fit as 0, 1, 2, ... (its table showed the
  months), and raised a bare TypeError when given the Periods as ``labels``.
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
from saferstats.exceptions import SaferstatsWarning

matplotlib.use("Agg")

DIR = FIXTURES / "walk17_monitoring"
COUNTS = pd.read_csv(DIR / "watford_monthly_counts.csv")
SPC_REF = json.loads((DIR / "walk17_spc_reference.json").read_text())
ITS_REF = json.loads((DIR / "walk17_its_reference.json").read_text())


def series(name: str) -> pd.Series:
    """The series as monthly_counts gives it: counts indexed by monthly Periods."""
    d = COUNTS[COUNTS["series"] == name]
    return pd.Series(d["count"].to_numpy(), index=pd.PeriodIndex(d["month"], freq="M"), name=name)


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return fn(*args, **kw)


# ----------------------------------------------------------------------------- the data as published

def test_monthly_counts_of_police_uk_months_match_an_independent_count(shared_data):
    street = quiet(saferstats.read_street_crime, shared_data / "street_crime")
    watford = street[street["lsoa_name"].astype(str).str.startswith("Watford ")]
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)   # no "part of a month" for whole months
        m = saferstats.monthly_counts(watford, date="month")
    assert m.attrs["partial_months"] == []
    ref = series("All crime and ASB")
    assert m.index.equals(ref.index) and m.tolist() == ref.tolist()
    vso = saferstats.monthly_counts(watford[watford["crime_type"] == "Violence and sexual offences"], date="month")
    assert vso.tolist() == series("Violence and sexual offences").tolist()


def test_month_only_dates_are_not_partial_months_but_days_still_are():
    # police.uk's Month as text / categorical / monthly Periods: 933 records "on" 1 January 2022
    months = ["2021-11"] * 916 + ["2021-12"] * 893 + ["2022-01"] * 933
    for col in (pd.Series(months), pd.Categorical(months, ordered=True), pd.PeriodIndex(months, freq="M")):
        with warnings.catch_warnings():
            warnings.simplefilter("error", SaferstatsWarning)
            m = saferstats.monthly_counts(pd.DataFrame({"month": col}), date="month")
        assert m.tolist() == [916, 893, 933] and m.attrs["partial_months"] == []
        assert str(m.index[-1]) == "2022-01"
    # the same counts with days, all of January's on the 1st: an extract that stops on 1 January
    days = pd.to_datetime([f"{m}-{1 + i % 28:02d}" if m != "2022-01" else f"{m}-01" for i, m in enumerate(months)])
    with pytest.warns(SaferstatsWarning, match=r"part of a month \(2022-01"):
        m = saferstats.monthly_counts(pd.DataFrame({"month": days}), date="month")
    assert [p["month"] for p in m.attrs["partial_months"]] == ["2022-01"]
    # a missing Period is a missing date: left out and said, not counted
    per = pd.PeriodIndex(["2021-11", None, "2021-12"], freq="M")
    with pytest.warns(SaferstatsWarning, match="1 of 3 records left out"):
        m = saferstats.monthly_counts(pd.DataFrame({"month": per}), date="month")
    assert m.tolist() == [1, 1] and m.attrs["dropped"][0]["row"] == 1


# ----------------------------------------------------------------------------- SPC vs NHSRplotthedots

@pytest.mark.parametrize("case", SPC_REF["cases"], ids=lambda c: f"{c['series']}-{c['improvement']}-{c['rebase']}")
def test_spc_matches_nhsrplotthedots(case):
    y = series(case["series"])
    rebase = None if case["rebase"] == "none" else [pd.Period(case["rebase"], "M")]
    out = quiet(saferstats.spc, y, improvement=case["improvement"], rebase=rebase)
    for col in ("mean", "lpl", "upl"):
        np.testing.assert_allclose(out[col].to_numpy(), case[col], rtol=1e-12)
    # the rows are the months, shown as months
    assert [str(p) for p in out["period"]] == case["month"] == [str(p) for p in out.index]
    # point types as NHSRplotthedots, but for the documented deviation (docs/methods/monitoring.md:
    # two of three counts a point beyond the limit too, as Making Data Count publishes the rule)
    ours = out["point_type"].astype(str).tolist()
    v, lpl, upl = out["value"].to_numpy(), out["lpl"].to_numpy(), out["upl"].to_numpy()
    outside = (v < lpl) | (v > upl)
    for i, (a, b) in enumerate(zip(ours, case["point_type"])):
        if a != b:
            assert b == "common_cause" and str(out["special_cause"].iloc[i]).startswith("two of three")
            assert outside[max(0, i - 2):i + 3].any()
    assert sum(a != b for a, b in zip(ours, case["point_type"])) <= 1


def test_rebase_given_as_the_period_of_a_monthly_counts_index():
    y = series("All crime and ASB")
    with pytest.warns(SaferstatsWarning, match=r"3 points \(2021-01 to 2021-03\)"):
        a = saferstats.spc(y, rebase=[pd.Period("2021-04", "M")])
    with pytest.warns(SaferstatsWarning):
        b = saferstats.spc(y, rebase=["2021-04"])
    with pytest.warns(SaferstatsWarning):
        c = saferstats.spc(y, rebase=[pd.Timestamp("2021-04-01")])
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    assert a["segment"].tolist() == [0] * 3 + [1] * 10
    with pytest.raises(saferstats.InvalidInputError, match=r"`rebase` period .*2023-04.* is not in the data"):
        saferstats.spc(y, rebase=[pd.Period("2023-04", "M")])


def test_period_column_keeps_months_and_the_chart_shows_them():
    y = series("Violence and sexual offences")
    out = quiet(saferstats.spc, y, improvement="decrease")
    assert isinstance(out["period"].dtype, pd.PeriodDtype) and str(out["period"].iloc[0]) == "2021-01"
    u = quiet(saferstats.unusual_periods, y, baseline=6)
    assert isinstance(u["period"].dtype, pd.PeriodDtype) and str(u["period"].iloc[-1]) == "2022-01"
    import matplotlib.pyplot as plt

    ax = saferstats.plot_spc(out)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "2021-01" and all(len(t) == 7 for t in ticks)
    # months written as dates (pd.to_datetime of police.uk's "2021-01"): months on the axis too
    dated = quiet(saferstats.spc, pd.Series(y.to_numpy(), index=y.index.to_timestamp()))
    assert str(dated["period"].iloc[0]).startswith("2021-01-01")     # the caller's own dates, as given
    ax = saferstats.plot_spc(dated)
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["2021-01", "2021-02"]
    plt.close("all")


# ----------------------------------------------------------------------------- ITS vs statsmodels

@pytest.mark.parametrize("case", ITS_REF["cases"], ids=lambda c: f"{c['series']}-{c['dispersion']}")
def test_its_matches_statsmodels(case):
    y = series(case["series"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SaferstatsWarning)
        r = saferstats.its_poisson(y, break_index=case["break_index"], dispersion=case["dispersion"])
    for k in ("level_rr", "level_lower", "level_upper", "level_p", "slope_rr", "slope_lower", "slope_upper",
              "slope_p"):
        assert getattr(r, k) == pytest.approx(case[k], rel=1e-6), k
    assert r.dispersion_ratio == pytest.approx(case["pearson_chi2_df"], rel=1e-6)
    np.testing.assert_allclose(r.fitted, case["fitted"], rtol=1e-6)
    # Poisson SEs on counts varying 2+ times as much as Poisson are said to be too narrow
    over = [str(w.message) for w in caught if "times as much as Poisson" in str(w.message)]
    assert bool(over) == (case["dispersion"] == "poisson" and case["pearson_chi2_df"] >= 2)
    # the summary says which month the break (a position) is
    assert f"before the break at {case['break_month']}," in repr(r)
    assert r.to_pandas()["period"].astype(str).tolist() == case["months"]


def test_its_with_seasonality_on_fewer_than_two_cycles_warns():
    y = series("Violence and sexual offences")
    with pytest.warns(SaferstatsWarning, match=r"fourier\(12\) on 13 periods, fewer than two cycles \(24\)"):
        saferstats.its_poisson(y, break_index=3, seasonality="fourier", dispersion="quasi", use_t=True)
    # two full cycles of a shorter season: no such warning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SaferstatsWarning)
        saferstats.its_poisson(y.iloc[:12], break_index=6, seasonality="fourier", season_length=6, dispersion="quasi", use_t=True)
    assert not [w for w in caught if "fewer than two cycles" in str(w.message)]


def test_plot_its_draws_the_months_of_the_fit():
    import matplotlib.pyplot as plt

    y = series("Violence and sexual offences")
    r = saferstats.its_poisson(y, break_index=3)
    for labels in (None, y.index):
        ax = saferstats.plot_its(r, labels=labels)
        ax.figure.canvas.draw()
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        assert ticks[0] == "2021-01" and ticks[-1] == "2022-01"
        # the break line sits at April 2021, the fit's break month
        brk = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"][0]
        assert pd.Timestamp(brk.get_xdata()[0]).strftime("%Y-%m") == "2021-04"
    ax = saferstats.plot_its(saferstats.its_poisson(y.to_numpy(), break_index=3))
    assert ax.get_lines()[0].get_xdata()[0] == 0          # no periods: positions
    plt.close("all")


def test_warnings_name_months_given_as_dates_as_months():
    # pd.to_datetime of police.uk's months: the short-segment note named "2021-01-01 to 2021-03-01"
    y = series("All crime and ASB")
    dated = pd.Series(y.to_numpy(), index=y.index.to_timestamp())
    with pytest.warns(SaferstatsWarning, match=r"3 points \(2021-01 to 2021-03\)"):
        saferstats.spc(dated, rebase=["2021-04"])
    weekly = pd.Series([5.0, 7, 6, 8, 9], index=pd.to_datetime(["2021-01-04", "2021-01-11", "2021-01-18",
                                                                  "2021-01-25", "2021-02-01"]))
    with pytest.warns(SaferstatsWarning, match=r"5 points \(2021-01-04 to 2021-02-01\)"):
        saferstats.spc(weekly)
    t = COUNTS.assign(date=pd.to_datetime(COUNTS["month"]))
    t = t[~((t["series"] == "Violence and sexual offences") & (t["month"] == "2022-01"))]
    with pytest.warns(SaferstatsWarning, match=r"others \(2021-01 to 2022-01\): 'Violence and sexual offences' "
                      r"\(2021-01 to 2021-12\)"):
        saferstats.spc(t["count"], periods=t["date"], by=t["series"])

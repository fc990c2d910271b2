"""SPC charts of monthly counts and the seasons (session 31).

Before: ``spc`` charted 13 months of Hertfordshire anti-social behaviour (police.uk, 2021-01 to
2022-01) with an increasing trend from January to June, July above the upper limit, a shift above
the mean from August to October and two of three low in December and January, and said nothing: every
one of those signals is the summer peak of ASB, which 13 months cannot tell from a change. Now a
monthly series with special causes warns when it is under 24 months, or when its months rise and
fall alike from year to year (the mean correlation of its 12-month blocks' month profiles, after a
straight-line trend, 0.5 or more), and lists the series in ``.attrs["season"]``; the report's SPC
sentence says it. References: the police.uk files read with pandas; the profile correlation
computed here with numpy's least squares and pandas' ``corr`` (not the library's code)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import shared_path

HO_MONTHLY = Path(saferstats.__file__).parent / "data" / "ho_racially_religiously_aggravated_monthly_2013-04_2019-03.csv"


def _spc(*args, **kwargs):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = saferstats.spc(*args, **kwargs)
    season = [str(w.message) for w in rec if "seasonal pattern" in str(w.message)]
    return out, season


def test_thirteen_months_of_hertfordshire_asb_cannot_tell_the_season_from_a_change(shared_data):
    files = sorted(shared_path(shared_data, "street_crime").glob("*-hertfordshire-street.csv"))
    raw = pd.concat([pd.read_csv(f, usecols=["Month", "Crime type"]) for f in files])
    asb = raw[raw["Crime type"] == "Anti-social behaviour"].groupby("Month").size()
    assert asb.tolist() == [1583, 1624, 2158, 2382, 2516, 2735, 2918, 2377, 2347, 2157, 1801, 1558, 1702]
    out, season = _spc(asb)  # a Series indexed by police.uk's month text
    # the signals, as the Making Data Count rules give them on these counts
    assert out["special_cause"].tolist()[:7] == ["increasing trend"] * 6 + ["above upper limit"]
    assert len(season) == 1
    text = " ".join(season[0].split())
    assert "13 months (2021-01 to 2022-01), fewer than 24, so the chart cannot tell a season from a change" in text
    assert "increasing trend 2021-01 to 2021-06; above upper limit 2021-07; shift above mean 2021-08 to 2021-10" in text
    assert "Compare each month with the same month a year earlier" in text
    rec = out.attrs["season"]
    assert rec["months"].tolist() == [13] and rec["profile_correlation"].isna().all()


def _profile_correlation(y: np.ndarray) -> tuple[float, str, str, list[str]]:
    """The mean correlation of consecutive 12-month blocks' profiles after a straight line, written
    out with numpy's least squares and pandas (the reference)."""
    years = len(y) // 12
    y = np.asarray(y[:12 * years], dtype=float)
    t = np.arange(len(y), dtype=float)
    coef, *_ = np.linalg.lstsq(np.column_stack([np.ones_like(t), t]), y, rcond=None)
    resid = pd.DataFrame((y - coef[0] - coef[1] * t).reshape(years, 12)).T  # a column per year
    resid = resid - resid.mean()
    rs = [resid[k].corr(resid[k + 1]) for k in range(years - 1)]
    mean_profile = resid.mean(axis=1)
    return float(np.mean(rs)), int(mean_profile.idxmax()), int(mean_profile.idxmin()), rs


def test_six_years_of_home_office_monthly_hate_crime_rise_and_fall_alike_each_year():
    ho = pd.read_csv(HO_MONTHLY)
    assert (ho["month"].iloc[0], ho["month"].iloc[-1], len(ho)) == ("2013-04", "2019-03", 72)
    r, hi, lo, rs = _profile_correlation(ho["offences"].to_numpy())
    months = pd.period_range("2013-04", periods=12, freq="M").strftime("%b").tolist()
    assert (months[hi], months[lo]) == ("Jul", "Feb") and r > 0.5
    out, season = _spc(ho["offences"], periods=ho["month"], improvement="decrease")
    rec = out.attrs["season"]
    assert rec["months"].tolist() == [72]
    assert rec["profile_correlation"].iloc[0] == pytest.approx(r, abs=1e-9)
    assert (rec["highest"].iloc[0], rec["lowest"].iloc[0]) == ("Jul", "Feb")
    assert len(season) == 1 and f"mean correlation of the years' month profiles {r:.2f}; highest in Jul, lowest in Feb" \
        in " ".join(season[0].split())


@pytest.mark.parametrize("kind", ["trend", "step"])
def test_a_trend_or_a_step_over_three_years_is_not_taken_for_a_season(kind):
    rng = np.random.default_rng(31)
    t = np.arange(36)
    lam = 1000 + 30 * t if kind == "trend" else np.where(t < 20, 100, 150)
    y = rng.poisson(lam)
    r, *_ = _profile_correlation(y)
    assert r < 0.5  # the reference: no pattern repeating year on year
    out, season = _spc(pd.Series(y, index=pd.period_range("2019-01", periods=36, freq="M")))
    assert (out["special_cause"] != "common cause").any()  # signals, of a real change
    assert season == [] and out.attrs["season"].empty


def test_annual_periods_and_unlabelled_values_are_not_months():
    y = [832, 1010, 1190, 1302, 1255, 1208, 1380, 1450, 1520, 1587, 1700, 1750, 1800]
    out, season = _spc(y, periods=[f"{2009 + k}/{(10 + k) % 100:02d}" for k in range(13)])
    assert (out["special_cause"] != "common cause").any() and season == []
    out, season = _spc(y)
    assert season == [] and list(out.attrs["season"].columns) == ["months", "profile_correlation", "highest", "lowest",
                                                                  "checked"]


def test_by_series_names_the_series_and_a_rebase_leaves_it_to_its_cause(shared_data):
    files = sorted(shared_path(shared_data, "street_crime").glob("*-hertfordshire-street.csv"))
    raw = pd.concat([pd.read_csv(f, usecols=["Month", "Crime type"]) for f in files])
    counts = raw.groupby(["Crime type", "Month"]).size().rename("count").reset_index()
    two = counts[counts["Crime type"].isin(["Anti-social behaviour", "Bicycle theft"])]
    out, season = _spc(two["count"], periods=two["Month"], by=two["Crime type"])
    rec = out.attrs["season"]
    assert "Anti-social behaviour" in rec["series"].tolist()
    assert "'Anti-social behaviour': 13 months" in " ".join(season[0].split())
    asb = two[two["Crime type"] == "Anti-social behaviour"]
    out, season = _spc(asb["count"], periods=asb["Month"], rebase={"2021-07": "new recording rules"})
    assert season == [] and out.attrs["season"].empty


def test_the_report_sentence_says_the_season():
    from saferstats.report.sections import _spc_chart

    ho = pd.read_csv(HO_MONTHLY)
    v = ho["offences"].to_numpy(dtype=float)
    _, _, words = _spc_chart("hate_crime_spc", v, ho["month"], np.zeros(len(v), dtype=bool), what="offences")
    assert "The months rise and fall alike from year to year (highest in Jul, lowest in Feb)" in words
    _, _, words = _spc_chart("hate_crime_spc", v[:13], ho["month"][:13], np.zeros(13, dtype=bool), what="offences")
    signals = "special-cause signals" in words
    assert ("With 13 months the chart cannot show whether these signals are the time of year" in words) == signals

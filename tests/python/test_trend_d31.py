"""poisson_trend(seasonality=...): month-of-year (quarter) terms fitted in the core.

References: the Home Office's published totals of Figure 2 (31,559 and 37,635 offences in the two
years from April 2013) and statsmodels 0.15 ``GLM(y ~ t + C(month))`` on its first 30 months
(tests/fixtures/generate_trend_seasonal.py, run 2026-12-05)."""
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError


def _months(n: int) -> pd.DataFrame:
    return saferstats.datasets.hate_crime_monthly().iloc[:n]


def _fit(data: pd.DataFrame, **kw):
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        out = saferstats.poisson_trend(data, count="offences", population=None, period="month", **kw)
    return out, [str(w.message) for w in got]


def test_two_whole_years_with_month_terms_give_the_years_totals_change():
    out, _ = _fit(_months(24), seasonality="dummies")
    assert out["apc"].iloc[0] == pytest.approx(100 * (37_635 / 31_559 - 1), rel=1e-9)
    assert out["seasonality"].iloc[0] == "dummies (12 a year)"
    plain, _ = _fit(_months(24))
    assert plain["apc"].iloc[0] == pytest.approx(12.016, abs=1e-3)  # the straight line reads the season
    assert "seasonality" not in plain.columns


def test_thirty_months_match_statsmodels():
    q, msgs = _fit(_months(30), seasonality="dummies", dispersion="quasi", use_t=True)
    r = q.iloc[0]
    assert r["se"] == pytest.approx(0.018562300821858103, rel=1e-7)
    assert r["p_value"] == pytest.approx(1.165573925950282e-06, rel=1e-6)
    assert r["apc_lower"] == pytest.approx(10.18472791311629, rel=1e-8)
    assert r["apc_upper"] == pytest.approx(19.16205397364774, rel=1e-8)
    assert r["dispersion_ratio"] == pytest.approx(15.885627080235576, rel=1e-8)
    assert q.attrs["season"] == []  # the model has the season: no check, no warning about it
    assert not any("month of the year" in m or "season" in m.lower() for m in msgs), msgs
    f, _ = _fit(_months(30), seasonality="fourier", harmonics=2)
    assert f["beta"].iloc[0] == pytest.approx(0.13586791826603273, rel=1e-9)
    assert f["se"].iloc[0] == pytest.approx(0.0046166401651626604, rel=1e-7)
    assert f["seasonality"].iloc[0] == "fourier (2 pairs a year)"


def test_few_df_warning_counts_the_seasonal_terms():
    # 30 months, 13 coefficients: 17 residual df (not n_periods - 2 = 28)
    _, msgs = _fit(_months(30), seasonality="dummies", dispersion="quasi")
    assert any("(the series (17 df))" in m for m in msgs), msgs


def test_a_group_too_short_for_the_terms_has_no_estimate_and_the_others_fit():
    m = _months(36).assign(area="A")
    short = m.iloc[:12].assign(area="B")
    data = pd.concat([m, short], ignore_index=True)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        out = saferstats.poisson_trend(data, count="offences", population=None, period="month", by="area",
                                       seasonality="dummies")
    assert out.set_index("area").loc["B", "note"] == "too few periods for the seasonal terms"
    assert np.isnan(out.set_index("area").loc["B", "apc"])
    assert np.isfinite(out.set_index("area").loc["A", "apc"])
    assert any("too few periods for the seasonal terms" in str(w.message) for w in got)
    # no df where there is no estimate (was 0, read as "0 residual df"): 36 months less 13 for A
    assert out["df_resid"].dtype == "Int64"
    assert out.set_index("area")["df_resid"].isna().tolist() == [False, True]
    assert out.set_index("area").loc["A", "df_resid"] == 23


def test_what_cannot_have_seasonal_terms_is_refused_named():
    years = saferstats.datasets.hate_crime_national().query("strand == 'Race'")
    with pytest.raises(InvalidInputError, match="not months or quarters") as e:
        saferstats.poisson_trend(years, population=None, period="year", seasonality="dummies")
    assert e.value.argument == "seasonality"
    with pytest.raises(InvalidInputError, match="pass seasonality='dummies'") as e:
        _fit(_months(24), season_length=12)
    assert e.value.argument == "season_length"
    with pytest.raises(InvalidInputError, match="Fourier pairs") as e:
        _fit(_months(24), seasonality="dummies", harmonics=2)
    assert e.value.argument == "harmonics"
    with pytest.raises(InvalidInputError) as e:
        _fit(_months(24), seasonality="weekly")
    assert e.value.argument == "seasonality"


def test_quarterly_counts_find_four_seasons():
    m = _months(36).copy()
    m["quarter"] = pd.PeriodIndex(m["month"], freq="M").asfreq("Q")
    q = m.groupby("quarter", as_index=False)["offences"].sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = saferstats.poisson_trend(q, count="offences", population=None, period="quarter",
                                       seasonality="dummies")
        monthly = saferstats.poisson_trend(m, count="offences", population=None, period="month",
                                           seasonality="dummies")
    assert out["seasonality"].iloc[0] == "dummies (4 a year)"
    # over three whole years both give the log-linear APC of the years' totals
    years = [m["offences"].iloc[i:i + 12].sum() for i in (0, 12, 24)]
    b = np.polyfit([0, 1, 2], np.log(years), 1)[0]  # not the ML fit; close when the years are smooth
    assert out["apc"].iloc[0] == pytest.approx(monthly["apc"].iloc[0], rel=1e-9)
    assert out["apc"].iloc[0] == pytest.approx(100 * np.expm1(b), abs=0.5)

"""Walk-through 8 (session 13): its_poisson as a S136 analyst runs it.

- Fourier seasonality with k = period / 2 (``("fourier", 12, 6)``, the largest k the function
  accepts) put the all-zero sine sin(pi t) in the design; the near-singular fit moved every
  estimate (level change 0.7246 where statsmodels and R's glm give 0.7214). Checked against
  statsmodels GLM without the aliased column (tests/fixtures/walk8_s136_its/generate.py).
- Counts labelled by months with a month missing, or sorted newest first, were fitted by position
  without a word (the trend and the break on the wrong times): refused, naming the gap.
- Seasonal terms that cannot be told apart from the break on a short series stopped with the
  core's "singular information matrix: are the periods all equal?": now a named InvalidInputError.
"""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats

FIX = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "walk8_s136_its"
                  / "its_fourier_half_period.json").read_text())


@pytest.mark.parametrize("case", FIX["cases"], ids=lambda c: f"fourier{c['period']}_{c['k']}_{c['dispersion']}_t{c['use_t']}")
def test_fourier_half_period_matches_statsmodels(case: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = saferstats.its_poisson(FIX["counts"], break_index=FIX["break_index"], population=FIX["population"],
                                   seasonality="fourier", season_length=case["period"], harmonics=case["k"],
                                   dispersion=case["dispersion"], use_t=case["use_t"])
    for key in ("level_rr", "level_lower", "level_upper", "level_p", "slope_rr", "slope_lower", "slope_upper",
                "slope_p"):
        assert getattr(r, key) == pytest.approx(case[key], rel=1e-6), key
    assert r.df_resid == case["df_resid"]
    assert "the same fit as dummies" in r.model


def test_fourier_below_half_period_unchanged() -> None:
    # k < period / 2 is fitted as before: fourier(12, 5) has no aliased column
    y = FIX["counts"]
    a = saferstats.its_poisson(y, break_index=24, seasonality="fourier", season_length=12, harmonics=5)
    assert a.seasonality == "fourier(12)"
    assert len(a.beta) == 4 + 10


def _monthly() -> pd.Series:
    idx = pd.period_range("2022-01", periods=36, freq="M")
    return pd.Series(FIX["counts"], index=idx)


def test_missing_month_refused() -> None:
    m = _monthly().drop(pd.period_range("2022-06", "2022-08", freq="M"))
    with pytest.raises(saferstats.InvalidInputError, match=r"no value for 3 periods.*2022-06, 2022-07, 2022-08"):
        saferstats.its_poisson(m, break_index=21)
    # the same months given as 0 fit
    full = m.reindex(pd.period_range("2022-01", "2024-12", freq="M"), fill_value=0)
    assert len(saferstats.its_poisson(full, break_index=24).fitted) == 36


def test_newest_first_refused() -> None:
    m = _monthly()
    with pytest.raises(saferstats.InvalidInputError, match="time order"):
        saferstats.its_poisson(m[::-1], break_index=12)
    dates = pd.Series(m.to_numpy(), index=m.index.to_timestamp())
    with pytest.raises(saferstats.InvalidInputError, match="time order"):
        saferstats.its_poisson(dates[::-1], break_index=12)
    gap = dates.drop(dates.index[[10]])
    with pytest.raises(saferstats.InvalidInputError, match="2022-11"):
        saferstats.its_poisson(gap, break_index=23)
    # in order, complete: the same fit as the plain list
    a = saferstats.its_poisson(dates, break_index=24)
    b = saferstats.its_poisson(FIX["counts"], break_index=24)
    assert a.level_rr == pytest.approx(b.level_rr, rel=1e-12)


def test_inseparable_seasonal_terms_named() -> None:
    # 16 months, break after 8, month indicators: the design has rank 14 of 15 (numpy)
    y = FIX["counts"][:16]
    t = np.arange(1, 17, dtype=float)
    x = np.column_stack([np.ones(16), t, (np.arange(16) >= 8).astype(float), np.maximum(0, t - 9)]
                        + [((np.arange(16) % 12) == j).astype(float) for j in range(1, 12)])
    assert np.linalg.matrix_rank(x) == 14
    with pytest.raises(saferstats.InvalidInputError, match="`seasonality`: the 11 seasonal terms cannot be told apart"):
        saferstats.its_poisson(y, break_index=8, seasonality="dummies")


def test_quarterly_dates_accepted_and_gap_named() -> None:
    idx = pd.date_range("2019-01-01", periods=12, freq="QS")
    q = pd.Series([60, 62, 58, 65, 61, 64, 50, 48, 47, 52, 49, 46], index=idx)
    saferstats.its_poisson(q, break_index=6)  # every quarter present: fitted
    with pytest.raises(saferstats.InvalidInputError, match=r"no value for 1 period .*2020-04"):
        saferstats.its_poisson(q.drop(q.index[5]), break_index=6)


def test_its_table_keeps_the_months_of_the_counts():
    """Session 13 (noticed by walk 8): ItsResult.to_pandas() numbered the periods 0..T-1 even when the
    counts were monthly_counts' months; the table now carries the months (and to_dict writes them as
    text). The fit is the same as on the bare array."""
    recs = saferstats.synthetic.s136_pilot_records(seed=3)
    monthly = saferstats.monthly_counts(recs, date="detention_time")
    bi = len(monthly) // 2
    on_series = saferstats.its_poisson(monthly, break_index=bi)
    on_array = saferstats.its_poisson(monthly.to_numpy(), break_index=bi)
    t = on_series.to_pandas()
    assert list(t["period"]) == list(monthly.index)
    assert list(on_array.to_pandas()["period"]) == list(range(len(monthly)))
    assert on_series.level_rr == on_array.level_rr and (t["fitted"].to_numpy() == on_array.fitted).all()
    assert on_series.to_dict()["periods"] == [str(p) for p in monthly.index]
    assert on_array.to_dict()["periods"] is None

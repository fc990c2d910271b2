"""poisson_trend on yearly periods written as dates (session 14; found by walk 11, the command line).

'2019-04-01', '2020-04-01', ... are a year apart, but 2020 is a leap year (366 days), so the smallest
spacing (365 days) made the next one look like a gap: "periods missing inside their series". A gap
is now more than 1.5 steps (a missing period leaves two). Reference: statsmodels' Poisson GLM with
time in years (one per period) and log(population) as offset.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss

sm = pytest.importorskip("statsmodels.api")


def test_yearly_dates_are_not_gaps_and_fit_as_statsmodels():
    dates = ["2019-04-01", "2020-04-01", "2021-04-01", "2022-04-01", "2023-04-01"]
    d = pd.DataFrame({"period": dates, "count": [110, 124, 151, 139, 160], "population": [1e5] * 5})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ss.SaferstatsWarning)
        # one population for five years is said (session 23, w34b); not what this test is about
        warnings.filterwarnings("ignore", message="poisson_trend: column 'population': the population is the same")
        out = ss.poisson_trend(d)
    years = (pd.to_datetime(dates).year - 2019).to_numpy(dtype=float)  # a year per period
    fit = sm.GLM(d["count"], sm.add_constant(years), family=sm.families.Poisson(),
                 offset=np.log(d["population"])).fit()
    assert out["apc"].iloc[0] == pytest.approx(100 * (np.exp(fit.params.iloc[1]) - 1), rel=1e-4)
    # a missing year is still a gap
    with pytest.warns(ss.SaferstatsWarning, match="periods missing inside their series"):
        ss.poisson_trend(d.drop(index=2))


def test_monthly_dates_are_not_gaps():
    months = pd.date_range("2021-01-01", periods=14, freq="MS")
    d = pd.DataFrame({"period": months, "count": np.arange(20, 34), "population": [1e5] * 14})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ss.SaferstatsWarning)
        # 14 months are too few to check the season (session 21): said, and not a gap
        warnings.filterwarnings("ignore", message="poisson_trend: the counts are monthly over 14 months")
        ss.poisson_trend(d)
    with pytest.warns(ss.SaferstatsWarning, match="periods missing inside their series"):
        ss.poisson_trend(d.drop(index=5))

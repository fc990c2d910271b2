"""prospective_hotspots on police.uk months (walk-through 2): with the default weekly time unit, month-only
times give ages that jump a month at a time; this is now warned about."""

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning

X = np.array([100.0, 120, 300, 320, 500, 510])
Y = np.array([100.0, 110, 300, 310, 500, 520])
MONTHS = pd.to_datetime(pd.Series(["2021-04", "2021-05", "2021-05", "2021-06", "2021-06", "2021-06"]))


def test_weekly_units_over_months_are_warned_about():
    with pytest.warns(SaferstatsWarning, match="first day of a month"):
        saferstats.hotspot.prospective_hotspots(X, Y, MONTHS, predict_time=pd.Timestamp("2021-07-01"), cell_size=100,
                                                bounds=(0, 600, 0, 600))


@pytest.mark.parametrize("t, unit", [(MONTHS, 30), (np.array([1.0, 8, 15, 22, 29, 36]), 7),
                                     (pd.to_datetime(pd.Series(["2021-04-03", "2021-05-09", "2021-05-20",
                                                                "2021-06-02", "2021-06-15", "2021-06-21"])), 7)])
def test_month_units_or_real_dates_are_quiet(t, unit):
    predict = 40.0 if not isinstance(t, pd.Series) else pd.Timestamp("2021-07-01")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.hotspot.prospective_hotspots(X, Y, t, predict_time=predict, cell_size=100, bounds=(0, 600, 0, 600),
                                                time_unit=unit)

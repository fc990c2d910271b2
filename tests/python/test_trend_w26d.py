"""Session 19 (w26d): the seasonal Mann-Kendall test on a monthly series with months missing."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pymannkendall as pmk
import pytest

import saferstats


def _gapped() -> tuple[pd.Series, pd.Series]:
    """Home Office racially or religiously aggravated offences a month, Apr 2013 - Mar 2019, as
    published (the bundled dataset), with Oct-Dec 2015 left out (as a groupby over records that lack
    those months gives them)."""
    s = saferstats.datasets.hate_crime_monthly().set_index("month")["offences"]
    return s, s.drop(s.index[30:33])


def test_seasonal_mann_kendall_refuses_a_gap_it_would_misplace() -> None:
    """Before: the 69 months were put in seasons by position, so every month after the gap was
    tested as the month three later: Sen's slope 380.8 a year (pymannkendall, with the gap kept as
    missing: 421.3), with no warning."""
    _, s2 = _gapped()
    with pytest.raises(saferstats.InvalidInputError, match=r"3 periods are missing .*gaps before 2016-01.*"
                       r"missing='drop'") as e:
        saferstats.mann_kendall(s2, season_length=12)
    assert e.value.argument == "values"


@pytest.mark.parametrize("frame", [False, True])
def test_seasonal_mann_kendall_drop_keeps_each_month_in_its_season(frame: bool) -> None:
    s, s2 = _gapped()
    full = s2.reindex(pd.period_range(s.index[0], s.index[-1], freq="M")).to_numpy(dtype=float)
    want = pmk.seasonal_test(full, period=12)
    values = s2.to_frame().T if frame else s2
    with pytest.warns(saferstats.SaferstatsWarning, match=r"3 periods missing .* put in as missing values"):
        got = saferstats.mann_kendall(values, season_length=12, missing="drop").iloc[0]
    assert got["s"] == want.s == 151
    assert got["var_s"] == pytest.approx(want.var_s)
    assert got["z"] == pytest.approx(want.z)
    assert got["tau"] == pytest.approx(want.Tau)
    assert got["slope"] == pytest.approx(want.slope) and round(got["slope"], 1) == 421.3
    assert got["intercept"] == pytest.approx(want.intercept)
    assert got["n"] == 69


def test_seasonal_mann_kendall_without_gaps_is_unchanged() -> None:
    s, _ = _gapped()
    want = pmk.seasonal_test(s.to_numpy(dtype=float), period=12)
    got = saferstats.mann_kendall(s, season_length=12).iloc[0]
    assert got["slope"] == pytest.approx(want.slope) and got["n"] == 72
    # a plain list carries no time: taken as given, as before
    assert saferstats.mann_kendall(list(np.arange(30.0)), season_length=12).iloc[0]["n"] == 30

"""prospective_hotspots given police.uk's Month column as it is read (text such as "2021-10") said
"`t` at position 0: '2021-10' is not a number" (walk 7): true, but no help to an analyst, where
knox() names the problem and the fix. Now the error names `t`, the row of the first text value and
the documented fix (pd.to_datetime(t + '-15') with time_unit=30, notebook 07); the fix then gives
the risk open_cp's classic weights give (recomputed here with numpy)."""

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError


def test_month_text_is_refused_with_the_fix():
    month = pd.Series([np.nan, "2021-10", "2021-11"], dtype=object)   # row 0 missing, as read_csv gives it
    with pytest.raises(InvalidInputError, match=r"`t` at row 1 is a month as text \('2021-10'.*pd.to_datetime\(t\.astype\(str\) \+ '-15'\)"
                                                r".*time_unit=30") as e:
        saferstats.prospective_hotspots([5.0, 5.0, 15.0], [5.0, 5.0, 5.0], month, predict_time="2021-12-01",
                                        cell_size=10, bounds=(0, 29, 0, 9))
    assert e.value.argument == "t" and e.value.index == 1


def test_other_text_is_refused_naming_the_row():
    with pytest.raises(InvalidInputError, match=r"`t` at row 0 is text \('last week'\)") as e:
        saferstats.prospective_hotspots([5.0], [5.0], ["last week"], predict_time=8.0, cell_size=10, bounds=(0, 9, 0, 9))
    assert e.value.argument == "t" and e.value.index == 0


def test_the_suggested_fix_gives_open_cps_weights():
    x, y = np.array([5.0, 5.0, 15.0]), np.array([5.0, 5.0, 5.0])
    month = pd.Series(["2021-10", "2021-11", "2021-11"])
    g = saferstats.prospective_hotspots(x, y, pd.to_datetime(month + "-15"), predict_time="2021-12-01",
                                        time_unit=30, cell_size=10, bounds=(0, 29, 0, 9))
    age = np.floor((pd.Timestamp("2021-12-01") - pd.to_datetime(month + "-15")).dt.days.to_numpy() / 30)
    ci = np.floor(x / 10)
    d = np.abs(np.arange(3)[:, None] - ci[None])
    ref = (1 / ((1 + d) * (1 + age[None]))).sum(axis=1)
    np.testing.assert_allclose(g.cells["risk"].to_numpy(), ref, rtol=1e-12)

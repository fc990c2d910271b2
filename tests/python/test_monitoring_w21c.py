"""Session 17 (w21c): ``unusual_periods`` wrote "" in ``unusual`` both for the periods it did not
test (the first ``baseline`` of each series) and for periods tested and found not unusual, so the
table alone could not tell "not unusual" from "not tested". A ``tested`` column now says which;
``unusual`` keeps its values ("high" / "low" / ""), so ``unusual != ""`` still selects the flagged
periods.

Reference: the docstring's series (ptools ``e_test``, fixture ``unusual``): with ``baseline=12``
periods 0-11 have no test, 12 is "high", 13 tested and not unusual.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

import saferstats

X = [20, 22, 19, 25, 21, 18, 23, 20, 24, 22, 19, 21, 41, 20]


def test_tested_tells_not_tested_from_not_unusual():
    out = saferstats.unusual_periods(X, baseline=12)
    assert out["tested"].dtype == bool
    assert out["tested"].tolist() == [False] * 12 + [True, True]
    assert out["unusual"].tolist() == [""] * 12 + ["high", ""]
    assert out["p_value"].isna().tolist() == (~out["tested"]).tolist()
    # the periods found not unusual: tested, and nothing flagged
    assert out.index[out["tested"] & (out["unusual"] == "")].tolist() == [13]
    cols = list(out.columns)
    assert cols.index("tested") == cols.index("unusual") - 1 and cols[-1] == "method"


def test_tested_per_series_with_periods_and_by():
    """Two series of different lengths: the shorter one (baseline 3, 3 periods) has nothing tested;
    the rows keep the caller's order and index."""
    df = pd.DataFrame({"area": ["A"] * 5 + ["B"] * 3, "month": [f"2024-0{i}" for i in range(1, 6)] + ["2024-01", "2024-02", "2024-03"],
                       "count": [10, 12, 11, 30, 12, 5, 6, 5]}, index=list("abcdefgh"))
    df = df.iloc[::-1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.unusual_periods(df["count"], periods=df["month"], by=df["area"], baseline=3)
    assert list(out.index) == list(df.index)
    tested = dict(zip(zip(out["series"], out["period"].astype(str)), out["tested"]))
    assert [k for k, v in tested.items() if v] == [("A", "2024-05"), ("A", "2024-04")]
    msg = [str(w.message) for w in caught if "had no period tested" in str(w.message)]
    assert msg and "`tested` is False" in msg[0]


def test_nothing_tested_is_all_false():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = saferstats.unusual_periods([3, 4, 5], baseline=12)
    assert not out["tested"].any() and (out["unusual"] == "").all() and np.isnan(out["p_value"]).all()

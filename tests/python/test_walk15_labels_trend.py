"""Walk 15 (row labels): errors in the time-series functions named a row by its position where the
input had labels — ``year_on_year`` "column 'period' row 3: cannot read period" for the table's
row 3022, duplicate periods "(rows [1, 2])", ``mann_kendall`` on a Series "position 9",
``before_after`` / ``monthly_counts`` an unreadable time by position. Each now names the label
(and keeps ``.position``, the 0-based row), as the rest of the library does.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError, MissingValueError, SaferstatsWarning


def _table():
    return pd.DataFrame({"la": ["X"] * 4, "period": ["2016/17", "2017/18", "2018/19", "2019/20"],
                         "count": [10, 12, 14, 15], "population": [1e5] * 4}, index=[3019, 3020, 3021, 3022])


def test_year_on_year_unreadable_period_named_by_label():
    t = _table()
    t.loc[3022, "period"] = "last year"
    with pytest.raises(InvalidInputError, match=r"column 'period' row 3022: cannot read period 'last year' .*"
                                                r"\(rows 3019 to 3021 are financial years\)") as e:
        saferstats.year_on_year(t, by="la")
    assert e.value.index == 3022 and e.value.position == 3 and e.value.argument == "period"
    # a plain RangeIndex: positions, as before
    with pytest.raises(InvalidInputError, match=r"row 3: cannot read period 'last year' .*\(rows 0-2 are"):
        saferstats.year_on_year(t.reset_index(drop=True), by="la")


def test_year_on_year_and_poisson_trend_missing_period_named_by_label():
    t = _table().astype({"period": object})
    t.index = ["a", "b", "c", "d"]
    t.loc["c", "period"] = None
    for f in (saferstats.year_on_year, saferstats.poisson_trend):
        with pytest.raises(InvalidInputError, match=r"column 'period' row 'c': missing period") as e:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SaferstatsWarning)
                f(t, by="la")
        assert e.value.index == "c" and e.value.position == 2


def test_year_on_year_duplicates_named_by_label():
    t = _table()
    t.loc[3022, "period"] = "2018/19"
    with pytest.raises(InvalidInputError, match=r"duplicate rows for .*'2018/19'.* \(rows \[3021, 3022\]\)") as e:
        saferstats.year_on_year(t, by="la")
    assert e.value.index == 3021 and e.value.position == 2


def test_year_on_year_shuffled_rows_pair_in_time_order():
    # year_on_year sorts by period itself: a shuffled table gives the same pairs as rate_ratio on
    # the consecutive years (independent of the order given)
    t = _table()
    out = saferstats.year_on_year(t.iloc[[2, 0, 3, 1]], by="la")
    assert list(out["period_from"]) == ["2016/17", "2017/18", "2018/19"]
    rr = saferstats.rate_ratio(t["count"].to_numpy()[1:], t["population"].to_numpy()[1:],
                               t["count"].to_numpy()[:-1], t["population"].to_numpy()[:-1])
    np.testing.assert_allclose(out["ratio"], rr["ratio"], rtol=1e-12)


def test_mann_kendall_series_missing_value_named_by_label():
    s = pd.Series(np.arange(12.0), index=pd.period_range("2020-01", periods=12, freq="M").astype(str))
    s.iloc[3] = np.nan
    with pytest.raises(MissingValueError, match=r"`values` at row '2020-04'") as e:
        saferstats.mann_kendall(s)
    assert e.value.index == "2020-04" and e.value.position == 3
    # newest first: put in time order, the caller's label and position still named
    with pytest.warns(SaferstatsWarning, match="not in time order"), pytest.raises(MissingValueError) as e:
        saferstats.mann_kendall(s[::-1])
    assert e.value.index == "2020-04" and e.value.position == 8


def test_mann_kendall_2d_errors_name_the_series_label_and_position():
    two = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], index=["Durham", "Kent"])
    with pytest.warns(SaferstatsWarning), pytest.raises(InvalidInputError, match=r"row 0 \(Durham\)") as e:
        saferstats.mann_kendall(two)
    assert e.value.index == "Durham" and e.value.position == 0
    wide = pd.DataFrame(np.tile(np.arange(12.0), (2, 1)), index=["Durham", "Kent"],
                        columns=[f"{y}/{str(y + 1)[2:]}" for y in range(2010, 2022)])
    wide.iloc[1, 4] = np.nan
    with pytest.raises(MissingValueError, match=r"series 1 \(Kent\), position 4 \(2014/15\)") as e:
        saferstats.mann_kendall(wide)
    assert e.value.index == "Kent" and e.value.position == 1


def test_spc_on_newest_first_series_names_the_caller_row():
    s = pd.Series([5.0, 7, 6, 8, 9, 7, 6, 8, 7, 9, 8, 6, 7], index=pd.period_range("2022-01", periods=13, freq="M"))
    s.iloc[4] = 2.5
    back = s[::-1]
    with pytest.warns(SaferstatsWarning, match="not in time order"), \
            pytest.raises(InvalidInputError, match=r"row Period\('2022-05', 'M'\): 2.5 is not a whole number") as e:
        saferstats.spc(back, chart="c")
    assert e.value.position == 8


@pytest.mark.parametrize("fn", ["before_after", "monthly_counts"])
def test_unreadable_record_time_named_by_label(fn):
    recs = saferstats.synthetic.s136_pilot_records(seed=3)
    recs.index = recs.index + 5000
    recs["detention_time"] = recs["detention_time"].astype(object)
    recs.loc[5004, "detention_time"] = "garbage"
    with pytest.raises(InvalidInputError, match=r"column 'detention_time' row 5004: cannot read timestamp") as e:
        if fn == "before_after":
            saferstats.before_after(recs, split="2023-06-01")
        else:
            saferstats.monthly_counts(recs)
    assert e.value.index == 5004 and e.value.position == 4

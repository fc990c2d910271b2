"""spc and unusual_periods put their rows in series and period order with one helper (session 21,
w29c): a period given twice in one series is refused by both with the same words, naming the row
and the series (unusual_periods named no series before)."""

from __future__ import annotations

import pytest

import saferstats
from saferstats import InvalidInputError

BY = ["A"] * 4 + ["B"] * 4
PERIODS = ["2021-01", "2021-02", "2021-03", "2021-04"] * 2


def _twice():
    periods = list(PERIODS)
    periods[6] = "2021-02"  # B's 2021-03 given as 2021-02: B has 2021-02 twice
    return periods


@pytest.mark.parametrize("fn", [saferstats.spc, saferstats.unusual_periods])
def test_a_period_twice_in_a_series_names_the_row_and_the_series(fn):
    values = [10, 12, 11, 13, 20, 22, 21, 23]
    with pytest.raises(InvalidInputError) as e:
        fn(values, periods=_twice(), by=BY)
    assert str(e.value).startswith("`periods` row 6: period '2021-02' appears twice in series 'B'")
    assert e.value.position == 6


def test_one_series_names_no_series():
    with pytest.raises(InvalidInputError) as e:
        saferstats.unusual_periods([10, 12, 11, 13], periods=["2021-01", "2021-02", "2021-02", "2021-04"])
    assert str(e.value).startswith("`periods` row 2: period '2021-02' appears twice")
    assert "in series" not in str(e.value)

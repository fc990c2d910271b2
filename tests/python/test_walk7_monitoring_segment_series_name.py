"""Walk 7 (monitoring): spc's error for a series (or rebase segment) of one point named the series
by the core's internal number — "(series 1)" — not by its label, and said "(series 0)" when there
was no ``by`` at all.

Stevenage burglary and robbery (police.uk, /work/shared/data/street_crime, LSOA name prefix) for
the months an analyst had loaded: burglary January–May 2021 (14, 13, 15, 15, 22) and robbery only
January (2). The error now names "series 'Robbery'" and the row; without ``by`` it names the row only.
"""

from __future__ import annotations

import pytest

import saferstats
from saferstats import InvalidInputError

MONTHS = ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05"]


def test_one_point_series_is_named_by_its_label():
    values = [14, 13, 15, 15, 22, 2]
    with pytest.raises(InvalidInputError, match=r"row 5: 2 .*needs at least 2 points.*\(series 'Robbery'\)") as e:
        saferstats.spc(values, periods=MONTHS + ["2021-01"], by=["Burglary"] * 5 + ["Robbery"], chart="c")
    assert "series 1" not in str(e.value) and e.value.argument == "values" and e.value.index == 5


def test_without_by_no_series_number():
    with pytest.raises(InvalidInputError, match="needs at least 2 points") as e:
        saferstats.spc([14, 13, 15, 15, 22], periods=MONTHS, rebase=["2021-05"], chart="c")
    assert "series" not in str(e.value).split("limits")[-1] and e.value.index == 4

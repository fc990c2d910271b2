"""Repeated work in trend.py that the report's fly-tipping section paid (session 34, x6).

Each test counts the repeated call on a small inline table (it grew with the number of groups
before) and checks the output against figures written out by hand.
"""

from __future__ import annotations

import warnings
from unittest import mock

import pandas as pd

import saferstats as ss

PERIODS = ["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]


def _same_population_table(n: int) -> pd.DataFrame:
    """``n`` councils over five years, each on one population in every year (as Census 2021
    residents merged onto Defra's fly-tipping by code); the last council's population changes in its
    last two years, so it has one figure in 3 of its 5 periods."""
    rows = []
    for g in range(n):
        for i, p in enumerate(PERIODS):
            pop = 1000.0 * (g + 1) + (50.0 if g == n - 1 and i >= 3 else 0.0)
            rows.append({"la_code": f"E0700{g:04d}", "period": p, "incidents": 10 + 3 * i + g % 4 + (i * g) % 5,
                         "population": pop})
    return pd.DataFrame(rows)


def _series_comparisons(data: pd.DataFrame) -> tuple[int, pd.DataFrame, list[str]]:
    """How many times a pandas Series is compared with ``==`` while ``poisson_trend`` fits ``data``
    by council, its table and its warnings."""
    calls = 0
    eq = pd.Series.__eq__

    def counted(self: pd.Series, other: object) -> pd.Series:
        nonlocal calls
        calls += 1
        return eq(self, other)

    with warnings.catch_warnings(record=True) as caught, mock.patch.object(pd.Series, "__eq__", counted):
        warnings.simplefilter("always")
        out = ss.poisson_trend(data, count="incidents", by="la_code")
    return calls, out, [str(w.message) for w in caught]


def test_same_population_rows_are_found_in_one_pass_not_per_group():
    """Before, the same-population warning of poisson_trend compared every key column of the whole
    table with each group it found, one pandas Series ``==`` per group (289 for Defra's councils on
    Census 2021: 1,324 comparisons in Cardiff's fly-tipping section, 0.3 s a call of 2,730 rows):
    6 more comparisons for 6 more councils. Now each row's key is read once, so the number of
    comparisons does not grow with the groups. Reference for the output: the table above by hand,
    every council on one figure in 5 of 5 periods, the last in 3 of 5."""
    few, out_few, said_few = _series_comparisons(_same_population_table(6))
    many, out_many, said_many = _series_comparisons(_same_population_table(12))
    assert many == few, f"{few} Series comparisons for 6 councils, {many} for 12"
    # the groups, by hand: council g's population is 1000(g + 1), the last one's 50 more from 2020/21
    assert out_many.attrs["same_population"] == (
        [{"la_code": f"E0700{g:04d}", "population": 1000.0 * (g + 1), "periods": 5, "of": 5} for g in range(11)]
        + [{"la_code": "E07000011", "population": 12000.0, "periods": 3, "of": 5}])
    said = " ".join(" ".join(next(w for w in said_many if "same figure" in w).split()).split())
    assert "for 12 of 12 la_code groups" in said
    assert "'E07000000' (1,000 in 5 of 5 periods); 'E07000001' (2,000 in 5 of 5 periods)" in said
    assert said.endswith("(and 2 more); listed in .attrs['same_population']")
    few_said = " ".join(next(w for w in said_few if "same figure" in w).split())
    assert "'E07000005' (6,000 in 3 of 5 periods)" in few_said and "more)" not in few_said

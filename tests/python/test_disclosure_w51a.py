"""Session 30 (w51a): two trust defects of ``suppress``.

1. A count column was taken for the sum of others when the sum held in the rows with values and two
   of them had a non-zero sum: on a table of two rows c0 = c3 + c4 from 4 = 4 + 0 and 4 = 1 + 3 made
   c0 a sum column, dropping the row totals across every column from the model. A sum of k parts is
   now taken only on more than k rows with a non-zero sum; else the warning of what could not be
   decided says so, with the ``derived=`` call that declares it.
2. Several periods in one call: the totals across the periods are assumed published by default, which
   was not said. A key named as periods with two or more values now gets a warning with the exact
   ``published_totals=`` call for per-period totals only.
"""

from __future__ import annotations

import ast
import re
import warnings

import pandas as pd
import pytest
from disclosure_attack import totals_attack_on_suppressed

from saferstats import SaferstatsWarning, suppress
from saferstats.disclosure import _as_counts, _column_sums

UOF = "s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv"


def _run(table: pd.DataFrame, **kw: object) -> tuple[pd.DataFrame, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = suppress(table, **kw)  # type: ignore[arg-type]
    return out, [str(w.message) for w in caught if issubclass(w.category, SaferstatsWarning)]


def test_two_row_coincidence_is_no_sum_column():
    """Before: c0 was listed as the sum c3 + c4 (rows 4 = 4 + 0 and 4 = 1 + 3: two rows with a
    non-zero sum, no more than its two parts) and the rule said "count columns that are sums of
    others tied to their parts (c0 = c3 + c4)". Hand-written expectation: no sum column, the row
    totals across every column in the model (an attacker given each row's total over c0..c4 and each
    column's total recovers nothing), and the warning names the coincidence and the call."""
    t = pd.DataFrame({"area": ["A", "B"], "c0": [4, 4], "c1": [30, 40], "c2": [25, 2], "c3": [4, 1],
                      "c4": [0, 3]})
    out, said = _run(t)
    assert out.attrs["roles"]["sums"] == []
    assert "sums of others" not in out.attrs["rule"]
    counts = ["c0", "c1", "c2", "c3", "c4"]
    assert out.attrs["roles"]["counts"] == counts
    assert totals_attack_on_suppressed(out, t, counts, ["area"], row_totals=True) == []
    coincidence = [m for m in said if "'c0' = 'c3' + 'c4'" in m]
    assert len(coincidence) == 1
    assert "in only 2 rows with a non-zero total, no more than its 2 parts" in coincidence[0]
    assert "pass derived=['c0']" in coincidence[0]
    # the call the warning gives is accepted and blanks c0 with its row's hidden counts
    declared, _ = _run(t, derived=["c0"])
    assert declared.attrs["roles"]["derived"] == ["c0"] and declared["c0"].tolist() == ["[c]", "[c]"]


def test_sum_on_more_rows_than_parts_is_taken():
    """Three rows with a non-zero sum for two parts (4 = 4 + 0, 4 = 1 + 3, 9 = 2 + 7, by hand): taken,
    as before, and nothing said of it."""
    v = {"c0": [4.0, 4, 9], "c3": [4.0, 1, 2], "c4": [0.0, 3, 7], "c1": [30.0, 40, 11]}
    import numpy as np

    found, unsure = _column_sums({k: np.array(x) for k, x in v.items()}, list(v))
    assert found == [("c0", ["c3", "c4"])] and unsure == []


def test_gloucestershire_mental_health_still_a_sum(shared_data):
    """Gloucestershire's types of force (2019/20): mental_health = mental + physical_and_mental in all
    6 rows (raw CSV with pandas), with both parts non-zero in only 2: a rule of three rows with two
    non-zero parts would have lost it; more rows (6) than parts (2) keeps it."""
    import saferstats
    from conftest import shared_path

    path = shared_path(shared_data, UOF)
    raw = pd.read_csv(path)
    raw = raw[(raw["Police Force"] == "Gloucestershire") & raw["Tactic"].str.startswith("*Total")
              & (raw["Tactic"] != "*Total Tactics") & (raw["Tactic"] != "*Total Not reported")]
    assert len(raw) == 6
    both = ((raw["Mental"] > 0) & (raw["Physical and mental"] > 0)).sum()
    assert both == 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        u = saferstats.read_use_of_force(path)
    h = u[(u["force"] == "Gloucestershire") & (u["row_type"] == "type of force")].reset_index(drop=True)
    assert sorted(h["mental_health"].tolist()) == sorted((raw["Mental"] + raw["Physical and mental"]).tolist())
    found, _ = _column_sums({c: _as_counts(h, c, "[c]") for c in ["mental", "physical_and_mental", "mental_health"]},
                            ["mental", "physical_and_mental", "mental_health"])
    assert found == [("mental_health", ["mental", "physical_and_mental"])]


TWO_YEARS = pd.DataFrame({"year": ["2020-21"] * 3 + ["2021-22"] * 3, "council": ["A", "B", "C"] * 2,
                          "incidents": [3, 40, 52, 0, 41, 60]})


def test_two_periods_warned_with_the_per_period_call():
    """Before: nothing said. By default each council's total over the two years is taken as published
    (A: 3 + 0 = 3, so A's 0 of 2021-22 would give the 3 back): A's 2021-22 0 hides, and B's with it
    (the year's total). The warning says so and writes the call for per-year totals only; with it
    2021-22 (no small count) is published whole, 2020-21's 3 hides with B's 40 (its year total), and
    an attacker given each year's total recovers nothing."""
    out, said = _run(TWO_YEARS)
    assert out["incidents"].tolist() == ["[c]", "[c]", 52, "[c]", "[c]", 60]
    periods = [m for m in said if "periods in 'year'" in m]
    assert len(periods) == 1
    call = "suppress(table, keys=['year', 'council'], published_totals=[['year']])"
    assert call in periods[0]
    assert "2 periods in 'year': by default the totals across them (each total over ['year'] given the other keys) " \
           "are taken as published" in periods[0]
    args = re.search(r"keys=(\[.*?\]), published_totals=(\[\[.*?\]\])", periods[0])
    assert args is not None
    per_year, said_again = _run(TWO_YEARS, keys=ast.literal_eval(args.group(1)),
                                   published_totals=ast.literal_eval(args.group(2)))
    assert per_year["incidents"].tolist() == ["[c]", "[c]", 52, 0, 41, 60]
    assert not [m for m in said_again if "periods in" in m]
    assert totals_attack_on_suppressed(per_year, TWO_YEARS, ["incidents"], ["council"]) == []


@pytest.mark.parametrize("table, kw", [
    (TWO_YEARS[TWO_YEARS["year"] == "2020-21"], {}),  # one period
    (TWO_YEARS.rename(columns={"year": "place"}), {}),  # no key named as periods
    (TWO_YEARS, {"keys": ["year", "council"], "published_totals": [["year"], ["council"]]}),  # declared
    (TWO_YEARS, {"keys": ["year", "council"]}),  # keys named (the report's sections): the default, unsaid
])
def test_no_period_warning_where_nothing_is_assumed_across_periods(table, kw):
    """One period, no key named as periods, the published totals declared, or the keys named by the
    caller (the report's sections name them, and their warnings become notes of the page): no warning."""
    _, said = _run(table.reset_index(drop=True), **kw)
    assert not [m for m in said if "periods in" in m]

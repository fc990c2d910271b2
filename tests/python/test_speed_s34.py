"""Session 34 (lead): repeated work an analyst waits for on files as published.

`published.attrs_of_rows` (run by `year_on_year`, `add_rates`, `shares` on a reader's rows) checked each
of the reader's missing cells by reading its column from the frame again: pandas deep-copies a frame's
attrs on every column read, and a published table's attrs list every missing cell, so
`year_on_year(read_flytipping("Flytipping.xlsx"), by="la_code", ...)` took 112 s (14,262 column reads,
each copying 15,119 listed cells). Now each column is read once (0.2 s, the same summary).
"""
from __future__ import annotations

import copy
from unittest import mock

import numpy as np
import pandas as pd

import saferstats as ss
from saferstats import published


def _table(n: int) -> pd.DataFrame:
    """n councils' rows of one year, as a reader returns them: `source_line` 2.., the population
    cell missing on the even lines (each listed in attrs["dropped"], as read_flytipping lists them)."""
    lines = np.arange(2, n + 2)
    t = pd.DataFrame({"la_code": [f"E0{k:07d}" for k in range(n)], "period": ["2021/22"] * n,
                      "incidents": np.arange(n, dtype=float) + 5,
                      "population": np.where(lines % 2 == 0, np.nan, 1000.0), "source_line": lines})
    dropped = [{"source_file": "x.csv", "source_line": int(i), "column": "population", "value": None,
                "reason": "no figure published"} for i in lines if i % 2 == 0]
    t.attrs = {"summary": {"rows": n, "file": "x.csv", "missing_cells": len(dropped), "unparsable_cells": 0},
               "dropped": dropped}
    return t


def test_attrs_of_rows_reads_each_column_once():
    """Before: one read of `population` (and one deep copy of the attrs) per missing cell of the rows
    kept — 300 here; now one. The count said is the hand count: the rows kept are lines 2..601, of
    which the even ones (300) have no population."""
    t = _table(800)
    kept = t.iloc[:600]
    out = kept[["la_code"]].copy()
    with mock.patch("pandas.core.generic.deepcopy", wraps=copy.deepcopy) as dc:
        published.attrs_of_rows(out, kept)
    assert dc.call_count < 10, dc.call_count
    s = out.attrs["summary"]
    assert (s["rows"], s["rows_read"], s["missing_cells"], s["missing_cells_read"]) == (600, 800, 300, 400)


def test_a_summed_row_with_a_figure_where_the_line_had_none_is_still_not_a_row_read():
    """The rule kept: lines 2 and 4 summed by `groupby().sum()` give `source_line` 6, a line whose
    population is missing as read, but the summed row has a population (the sum of its rows'): it is
    not a row read, so the file's counts are not said of it (`cells_note`), as before."""
    t = _table(8)
    summed = pd.DataFrame({"la_code": ["X"], "period": ["2021/22"], "incidents": [12.0],
                           "population": [2000.0], "source_line": [6]})
    summed.attrs = t.attrs
    out = summed[["la_code"]].copy()
    published.attrs_of_rows(out, summed)
    s = out.attrs["summary"]
    assert "missing_cells" not in s and s["missing_cells_read"] == 4 and "cells_note" in s


def test_year_on_year_counts_the_rows_missing_cells_once_each():
    """Through the public call: `year_on_year` on two years' rows of the same lines 2..9 says the
    file's missing cells of those lines once each (the hand count: lines 2, 4, 6 and 8 → 4)."""
    a, b = _table(8), _table(8)
    b["period"] = "2020/21"
    both = pd.concat([b, a], ignore_index=True)
    both.attrs = a.attrs
    res = ss.year_on_year(both, by="la_code", count="incidents", population=None, missing="drop")
    assert res.attrs["summary"]["missing_cells"] == 4

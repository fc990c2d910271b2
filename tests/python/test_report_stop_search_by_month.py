"""Report `[stop_search] by = ["force", "month"]` (walk-through 3): each row is one month's searches,
but the rates were annualised with the whole period's factor (x 12/3 for Dec 2019 - Feb 2020), a
third of the per-year rate (Derbyshire White, Dec 2019: searches / population x 1000 x 4 instead of
x 12). Checked against the csv module's count and the table's own population."""

from __future__ import annotations

import csv
import gzip

import pandas as pd
import pytest

import saferstats
from conftest import build_report


def test_monthly_rows_are_annualised_by_twelve(tmp_path):
    folder = saferstats.datasets.stop_search_sample_path()
    n = 0
    with gzip.open(folder / "2019-12-derbyshire-stop-and-search.csv.gz", "rt", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            n += row["Type"] != "Vehicle search" and row["Self-defined ethnicity"].startswith("White - ")
    build_report(tmp_path, f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = ["{folder}"]\nby = ["force", "month"]\n')
    t = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv", dtype=str)
    row = t[(t["force"] == "Derbyshire") & (t["month"] == "2019-12") & (t["group"] == "White")].iloc[0]
    assert int(row["searches"]) == n
    # per year by December's 31 days (w44b: not x 12, which read every month as a twelfth of a year)
    assert float(row["rate"]) == pytest.approx(n / float(row["population"]) * 1000 * 365.25 / 31, abs=6e-4)
    assert "each month&#39;s days / 365.25" in (tmp_path / "o" / "index.html").read_text() or \
        "each month's days / 365.25" in (tmp_path / "o" / "index.html").read_text()

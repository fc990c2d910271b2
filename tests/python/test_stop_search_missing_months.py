"""A force with a month missing from the police.uk files (walk-through 3).

police.uk publishes one stop-and-search file per force and month. With one Durham file left out of
the Dec 2019 - Feb 2020 files, nothing said so: `disproportionality` counted Durham's two months
beside the other forces' three, and the report annualised Durham's rates with the others' factor
(x 12/3), a third too low. Now a warning names the force and month, `.attrs["months_missing"]`
holds them, and the report annualises that force over the months it has. Counts by the csv module.
"""

from __future__ import annotations

import csv
import gzip
import warnings

import pandas as pd
import pytest

import saferstats
from conftest import build_report, sample_disproportionality_messages, stop_search_sample_without

LEFT_OUT = "2020-01-durham-stop-and-search.csv.gz"


@pytest.fixture()
def gap_folder(tmp_path):
    return stop_search_sample_without(tmp_path, LEFT_OUT)


def _white_durham(folder) -> int:
    n = 0
    for f in folder.glob("*-durham-*.csv.gz"):
        with gzip.open(f, "rt", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["Type"] != "Vehicle search" and row["Self-defined ethnicity"].startswith("White - "):
                    n += 1
    return n


def test_missing_month_is_warned_about_and_listed(gap_folder):
    recs = saferstats.read_stop_search(gap_folder)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.disproportionality(recs, by="force", census=2011)
    assert out.attrs["months_missing"] == {"durham": ["2020-01"]}
    msg = [str(w.message) for w in caught if "no searches at all in some months" in str(w.message)]
    assert msg and "(Durham: 2020-01)" in msg[0] and "2019-12 to 2020-02" in msg[0]


def test_complete_files_give_no_month_warning():
    missing, messages = sample_disproportionality_messages("months_missing")
    assert missing == {}
    assert not any("no searches at all in some months" in m for m in messages)


def test_report_annualises_a_force_over_the_months_it_has(gap_folder, tmp_path):
    build_report(tmp_path, f'title = "T"\narea = "Durham"\n[stop_search]\nfiles = ["{gap_folder}"]\nby = ["force"]\n')
    page = (tmp_path / "o" / "index.html").read_text()
    assert "Durham has no searches in 2020-01" in page and "over the 2 months it has" in page
    table = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv", dtype=str)
    row = table[(table["force"] == "Durham") & (table["group"] == "White")].iloc[0]
    white = _white_durham(gap_folder)
    assert int(row["searches"]) == white
    pop = float(row["population"])
    # per 1,000 residents per year over Durham's two months (Dec 31 + Feb 29 days), not the others' 91 days
    assert float(row["rate"]) == pytest.approx(white / pop * 1000 * 365.25 / 60, abs=6e-4)
    other = table[(table["force"] == "Derbyshire") & (table["group"] == "White")].iloc[0]
    assert float(other["rate"]) == pytest.approx(int(other["searches"]) / float(other["population"]) * 1000 * 365.25 / 91, abs=6e-4)

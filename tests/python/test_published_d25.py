"""Session 19 (lead): Defra's ``interim.csv`` writes its regional and England totals as
"E00000000, No relevant LA" rows naming the region; ``read_flytipping`` labelled all 99 of them
"unallocated" in ``attrs["totals"]``. And a table of Defra's columns without Region stopped with
``KeyError: 'region'``."""

from __future__ import annotations

import csv
import warnings

import pytest

import saferstats as ss
from conftest import shared_path

INTERIM = "fly_tipping/defra_la_2012-13_to_2021-22/interim.csv"


@pytest.fixture(scope="module")
def interim(shared_data):
    path = shared_path(shared_data, INTERIM)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return path, ss.read_flytipping(path)


def test_interim_totals_are_regions_and_england_not_unallocated(interim):
    path, ft = interim
    totals = [t for t in ft.attrs["totals"] if t]
    assert len(totals) == 99 and not any(t["area"] == "unallocated" for t in totals)
    # the region named on the row is the total of that region's councils (read with the csv module)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        raw = list(csv.DictReader(fh))
    east = sum(float(r["Total Incidents"]) for r in raw
               if r["Year"] == "2012-13" and r["Region"] == "East" and r["ONS Code"] != "E00000000")
    row = next(t for t in totals if t["period"] == "2012/13" and t["area"] == "East of England")
    assert row["incidents"] == east == 56484
    assert sum(t["area"] == "England" for t in totals) == 10


def test_a_table_without_region_reads_with_region_missing(interim, tmp_path):
    path, _ = interim
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    k = rows[0].index("Region")
    out = tmp_path / "no_region.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([[c for j, c in enumerate(r) if j != k] for r in rows[:60]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ft = ss.read_flytipping(out)        # was KeyError: 'region'
    assert len(ft) > 0 and ft["region"].isna().all()
    assert ft.columns[:5].tolist() == ["period", "la_code", "la_name", "region", "incidents"]

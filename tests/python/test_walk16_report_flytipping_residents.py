"""Fly-tipping per resident in the City of London (walk-through 16, a City of London analyst with
Defra's table as published): 2,497 incidents in 2021/22 against 8,588 Census 2021 residents, 291 per
1,000, reported as "above the upper 99.8% limit" of all England in the executive summary, while the
stop-and-search section of the same report cautions that the City's rates per resident are not
comparable (a few thousand residents, a daytime population of hundreds of thousands). The City is
now not compared (its rate shown, "Not comparable (residents)"), left out of the overall rate and
the funnel plot, and the section says why.

Independent reference: the count from Defra's sheet (the DERIVED csv export, csv module) and the
residents from Census 2021 TS021 summed over the City's LSOAs (ONS LSOA -> LTLA lookup)."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from conftest import build_report

XLSX = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
DERIVED = "fly_tipping/defra_la_2012-13_to_2021-22/DERIVED_Flytipping_LA_incidents.csv"
LOOKUP = "population/census2021_ew/lookup_lsoa21_ward24_ltla24.csv"
TS021 = "population/census2021_ew/ts021_ethnic_group_lsoa21.csv"


def _reference(shared_data):
    with open(shared_data / DERIVED, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    head = next(i for i, r in enumerate(rows) if "ONS Code" in r)
    cols = rows[head]
    count = next(int(r[cols.index("Total Incidents")].replace(",", "")) for r in rows[head + 1:]
                 if r[cols.index("ONS Code")] == "E09000001" and r[cols.index("Year")] == "2021-22")
    with open(shared_data / LOOKUP, newline="", encoding="utf-8") as fh:
        lsoas = {r["lsoa21_code"] for r in csv.DictReader(fh) if r["ltla24_code"] == "E09000001"}
    with open(shared_data / TS021, newline="", encoding="utf-8") as fh:
        pop = sum(int(r["total_residents"]) for r in csv.DictReader(fh) if r["lsoa21_code"] in lsoas)
    return count, pop


def _prose(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def test_city_of_london_flytipping_rate_is_not_compared(tmp_path, shared_data):
    if not (shared_data / XLSX).is_file():
        pytest.skip("Defra's fly-tipping table is not in ../shared/data")
    pytest.importorskip("openpyxl")
    count, pop = _reference(shared_data)
    out = build_report(tmp_path, f'title = "t"\narea = "City of London"\n[flytipping]\nfile = "{shared_data / XLSX}"\n')
    rates = pd.read_csv(out / "flytipping_rates.csv")
    row = rates[rates["la_name"] == "City of London"].iloc[0]
    assert int(row["incidents"]) == count == 2497
    assert int(row["population"]) == pop
    assert float(row["rate"]) == pytest.approx(count / pop * 1000, abs=0.01)
    assert row["significance"] == "Not comparable (residents)"
    page = _prose((out / "index.html").read_text(encoding="utf-8"))
    assert "City of London is above the upper 99.8% limit" not in page
    # the City's own report: its figures, said as not compared (walk 21: not "for the 1 local authority area shown
    # (funnel plot): 1 not compared, ...")
    assert (f"The City of London's fly-tipping rate in 2021/22 was {count / pop * 1000:,.1f} per 1,000 residents "
            f"({count:,} incidents); it is not compared with the overall rate of all ") in page
    assert "with few residents and many visitors, a rate per resident is not like for like." in page
    assert "Caution for the City of London: the City of London has a few thousand residents" in page
    assert "City of London not shown (rates per resident not comparable)" in page


def test_other_authorities_keep_their_funnel_position(tmp_path, shared_data):
    """A neighbour's report (Camden) is compared as before: only the City is set apart (and the
    section says so, as the City is left out of the overall rate every authority is compared with)."""
    if not (shared_data / XLSX).is_file():
        pytest.skip("Defra's fly-tipping table is not in ../shared/data")
    pytest.importorskip("openpyxl")
    out = build_report(tmp_path, f'title = "t"\narea = "Camden"\n[flytipping]\nfile = "{shared_data / XLSX}"\n')
    rates = pd.read_csv(out / "flytipping_rates.csv")
    assert len(rates) == 1 and not str(rates["significance"].iloc[0]).startswith("Not comparable")
    assert rates["la_name"].tolist() == ["Camden"]
    assert "City of London not shown (rates per resident not comparable)" in _prose(
        (out / "index.html").read_text(encoding="utf-8"))

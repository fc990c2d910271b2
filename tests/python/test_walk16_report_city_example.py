"""examples/city_of_london_published.toml (walk-through 16): the City of London's assessment from the
files in ../shared/data exactly as published - the Home Office hate crime table, the semicolon
re-exports of police.uk stop and search and street-level crime for 2023, Defra's fly-tipping table.
Expected values are computed independently: counts with the csv module, the Census 2021 residents
from TS021 summed over the City's LSOAs (ONS lookup), the change's Wald interval with scipy."""

from __future__ import annotations

import csv
import html
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import norm

from saferstats.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "city_of_london_published.toml"
SHARED = ROOT.parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not (SHARED / "street_crime" / "city_of_london_2023").is_dir(),
                                reason="../shared/data is not beside the repository")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    pytest.importorskip("openpyxl")
    pytest.importorskip("odf")
    out = tmp_path_factory.mktemp("city") / "report"
    assert main(["report", "--config", str(EXAMPLE), "--out", str(out), "--quiet"]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    return out, re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_hate_crime_change_of_a_force_with_no_population(city):
    out, text = city
    with open(SHARED / "hate_crime" / "home_office_by_force_2017-18_2018-19" / "Hate crime.csv", newline="",
              encoding="utf-8") as fh:
        rows = {r["Year"]: int(r["Total number of offences"]) for r in csv.DictReader(fh) if r["Force"] == "London, City of"}
    a, b = rows["2017-18"], rows["2018-19"]
    ch = pd.read_csv(out / "hate_crime_change.csv")
    r = ch[ch["force"] == "City of London"].iloc[0]  # the CSV names it as the page does (session 20)
    assert (r["count_from"], r["count_to"]) == (a, b)
    z, se = norm.ppf(0.975), math.sqrt(1 / a + 1 / b)
    assert r["pct_change"] == pytest.approx((b / a - 1) * 100, abs=0.006)  # (the CSV: 2 decimals)
    assert r["pct_lower"] == pytest.approx((b / a * math.exp(-z * se) - 1) * 100, abs=0.006)  # (the CSV: 2 decimals)
    assert r["pct_upper"] == pytest.approx((b / a * math.exp(z * se) - 1) * 100, abs=0.006)  # (the CSV: 2 decimals)
    assert not {"London, City of", "City of London"} & set(pd.read_csv(out / "hate_crime_rates.csv")["force"])  # no rate


def test_stop_search_2023_uses_census_2021_residents_of_the_city(city):
    out, text = city
    with open(SHARED / "population" / "census2021_ew" / "lookup_lsoa21_ward24_ltla24.csv", newline="",
              encoding="utf-8") as fh:
        lsoas = {r["lsoa21_code"] for r in csv.DictReader(fh) if r["ltla24_code"] == "E09000001"}
    pop = {g: 0 for g in ("asian", "black", "mixed", "white", "other")}
    with open(SHARED / "population" / "census2021_ew" / "ts021_ethnic_group_lsoa21.csv", newline="",
              encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["lsoa21_code"] in lsoas:
                for g in pop:
                    pop[g] += int(r[g])
    # searches by self-defined ethnicity, counted from the semicolon re-export
    white = 0
    with open(SHARED / "stop_search" / "city_of_london_2023" / "stop_and_search.csv", newline="",
              encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter=";"):
            white += r["type"] != "Vehicle search" and r["self_defined_ethnicity"].startswith("White - ")
    d = pd.read_csv(out / "stop_search_disproportionality.csv")
    for g, n in pop.items():
        assert int(d.loc[d["group"] == g.title(), "population"].iloc[0]) == n
    w = d[d["group"] == "White"].iloc[0]
    assert int(w["searches"]) == white
    assert w["rate"] == pytest.approx(white / pop["white"] * 1000, abs=6e-4)  # 12 months: per year as it is
    assert set(d["denominator"].str.split(";").str[0]) == {"Census 2021 usual residents"}


def test_periods_and_city_cautions_are_said(city):
    out, text = city
    assert ("Data periods hate crime 2018/19; stop and search Jan 2023 to Dec 2023; fly-tipping 2021/22; "
            "hotspots Jan 2023 to Dec 2023") in text
    assert "The sections cover different periods" in text
    assert "City of London is above the upper 99.8% limit" not in text
    assert pd.read_csv(out / "flytipping_rates.csv")["significance"].tolist() == ["Not comparable (residents)"]
    assert "clusters of incidents (Anti-social behaviour, Jan 2023 to Dec 2023) were found" in text

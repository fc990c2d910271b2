"""Session 25 (w38a): the stop-and-search section of ``saferstats report`` by other ``by`` choices.

1. police.uk City of London 2023 by ``["force", "legislation"]``: 100 of the 2,384 searches have no
   legislation; ``disproportionality`` keeps them as a stratum whose label is missing, and the
   report stopped ("TypeError: sequence item 1: expected str instance, float found", the forest
   plot joining the labels). Now those searches are a row of their own, "no legislation recorded",
   in the tables, the CSVs, the plot and the console, and the text says so.
2. The Essex example configuration (seven forces' files, Dec 2019 - Feb 2020, by force and CSP):
   ``outcome_test``'s "2 of 39 strata have no White searches with a known outcome ... (Leicestershire
   / Melton / E22000169, Leicestershire / Oadby and Wigston / E22000171)" reached the console as the
   library says it: now the report names the places as it does, with no count.

Independent references: the counts are taken from the raw files with pandas.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import saferstats
from conftest import shared_path
import test_report_w36a
from test_report_w36a import CITY_2023, _city_config, _report
from test_report_w37a import _example_stop_search

LEG = "no legislation recorded"
city_residents = test_report_w36a.city_residents  # (a fixture: the City's Census 2021 residents by group)


@pytest.fixture(scope="module")
def city_raw(shared_data) -> pd.DataFrame:
    """The City's searches of people with a stated self-defined ethnicity (raw semicolon file), with
    their broad group."""
    raw = pd.read_csv(shared_path(shared_data, CITY_2023), sep=";")
    raw = raw[raw["type"] != "Vehicle search"]
    eth = raw["self_defined_ethnicity"].fillna("").str.strip()
    raw = raw[(eth != "") & ~eth.str.contains("Not stated")]
    return raw.assign(broad=raw["self_defined_ethnicity"].str.extract(r"^(White|Black|Asian|Mixed|Other)")[0])


# ------------------------------------------------------------------ 1. no legislation recorded

def test_city_by_legislation_report_runs_and_counts_the_searches_with_none(tmp_path, capsys, shared_data, city_raw):
    every = pd.read_csv(shared_path(shared_data, CITY_2023), sep=";")
    assert int(every["legislation"].isna().sum()) == 100 and len(every) == 2384  # the evidence
    text, tables, err = _report(tmp_path, capsys, _city_config(shared_path(shared_data, CITY_2023),
                                                               '["force", "legislation"]'))
    assert "TypeError" not in err and "nan" not in err.split()
    csv_t = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv", dtype=str)
    # the table's legislation labels are the raw file's, and the searches with none are their own row
    raw_leg = city_raw["legislation"].fillna(LEG)
    assert set(csv_t["legislation"]) == set(raw_leg) and LEG in set(csv_t["legislation"])
    assert csv_t["legislation"].notna().all()
    # every published count is the raw file's count of that legislation and group
    raw_n = city_raw.assign(legislation=raw_leg).groupby(["legislation", "broad"]).size()
    shown = csv_t[csv_t["searches"] != "[c]"]
    assert len(shown) >= 15 and (shown["legislation"] == LEG).sum() >= 3
    for _, r in shown.iterrows():
        assert int(r["searches"]) == int(raw_n.get((r["legislation"], r["group"]), 0)), (r["legislation"], r["group"])
    finds = pd.read_csv(tmp_path / "o" / "stop_search_find_rates.csv", dtype=str)
    assert LEG in set(finds["legislation"]) and finds["legislation"].notna().all()
    # the page says so, and names the row on the page and on the console as the table does
    assert f"Searches with no legislation recorded in the files are in the rows '{LEG}'." in text
    assert f"City of London {LEG} Black" in tables
    assert f"the City of London ({LEG})" in err


def test_forest_plot_names_a_missing_key():
    """``plot_disproportionality`` on the library's result by force and legislation (a stratum whose
    legislation is missing): the label says so (it raised TypeError)."""
    import matplotlib

    matplotlib.use("Agg")
    recs = pd.DataFrame({"force": ["essex"] * 8, "type": ["Person search"] * 8,
                         "self_defined_ethnicity": ["White - English/Welsh/Scottish/Northern Irish/British",
                                                    "Black/African/Caribbean/Black British - African"] * 4,
                         "legislation": ["Misuse of Drugs Act 1971 (section 23)"] * 4 + [None] * 4})
    pop = pd.DataFrame({"force": ["essex"] * 2, "ethnicity": ["White", "Black"], "population": [1000, 100]})
    res = saferstats.disproportionality(recs, pop, by=["force", "legislation"], min_count=0)
    assert res["legislation"].isna().sum() == 2  # the library keeps them, counted
    ax = saferstats.plot_disproportionality(res)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Essex / Misuse of Drugs Act 1971 (section 23) / Black", f"Essex / {LEG} / Black"]


# ------------------------------------------------------------------ 2. strata with no White search to compare with

def test_essex_example_console_names_strata_left_out_as_the_report_does(tmp_path, capsys, shared_data):
    text, _, err = _report(tmp_path, capsys, _example_stop_search("essex_published.toml", shared_data))
    assert "strata have no" not in err and "E22000169" not in err and "E22000171" not in err
    assert "Leicestershire / Melton" not in err and "2 of 39" not in err
    said = [line for line in err.splitlines() if "to compare with" in line]
    assert said == ["saferstats: warning: stop and search (find rates): Melton; Oadby and Wigston have no White "
                    "searches whose 'outcome linked to the object of the search' flag is recorded to compare with, so "
                    "they have no rows in the find-rate table"], err
    # the evidence: those CSPs have rows in the search-rate table (White searches) and none in the find table
    disp = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv", dtype=str)
    finds = pd.read_csv(tmp_path / "o" / "stop_search_find_rates.csv", dtype=str)
    for csp in ("Melton", "Oadby and Wigston"):
        white = disp[(disp["csp"] == csp) & (disp["group"] == "White")]
        assert len(white) == 1 and int(white["searches"].iloc[0]) > 0
        assert not (finds["csp"] == csp).any()
    assert not re.search(r"\d+ of \d+ strata", err)


# ------------------------------------------------------------------ 3. findings by area and another split

def _findings(text: str) -> str:
    return text.split("Stop and search: disproportionality and outcomes", 1)[0].rsplit("Key findings", 1)[1]


def test_city_by_age_range_findings_name_the_band_and_compare_within_it(tmp_path, capsys, shared_data, city_raw,
                                                                        city_residents):
    """By force and age range the key finding said "In the City of London, Black people were searched
    at 14.5 times ..." (the 18-24 band's ratio) and "Black people in the City of London (33% against
    22%, lower)": 18-24's Black find rate against 10-17's White one (the first White row)."""
    black, white = city_residents["Black"], city_residents["White"]
    n = city_raw.groupby(["age_range", "broad"]).size()
    ratio = (n[("18-24", "Black")] / black) / (n[("18-24", "White")] / white)
    known = city_raw[city_raw["outcome_linked_to_object_of_search"].notna()]
    find = known.groupby(["age_range", "broad"])["outcome_linked_to_object_of_search"].mean()
    assert round(100 * find[("10-17", "White")]) == 22  # the rate the finding set beside 18-24's Black one

    text, _, _ = _report(tmp_path, capsys, _city_config(shared_path(shared_data, CITY_2023), '["force", "age_range"]'))
    said = _findings(text)
    assert f"In the City of London (18-24), Black people were searched at {ratio:.1f} times the rate of White people" in said
    for band, way in (("18-24", "lower"), ("25-34", "higher")):
        assert (f"Black people in the City of London ({band}: {100 * find[(band, 'Black')]:.0f}% against "
                f"{100 * find[(band, 'White')]:.0f}%, {way})") in said
    assert "against 22%" not in said


def test_city_by_legislation_and_gender_findings_name_the_split(tmp_path, capsys, shared_data, city_raw,
                                                                  city_residents):
    n = city_raw.groupby(["legislation", "broad"]).size()
    drugs = "Misuse of Drugs Act 1971 (section 23)"
    ratio = (n[(drugs, "Black")] / city_residents["Black"]) / (n[(drugs, "White")] / city_residents["White"])
    text, _, _ = _report(tmp_path, capsys, _city_config(shared_path(shared_data, CITY_2023), '["force", "legislation"]'))
    assert f"In the City of London ({drugs}), Black people were searched at {ratio:.1f} times" in _findings(text)
    # by gender: the Male Black searches (a rate too high to be of residents) were said "In the City of London, In Male"
    male = int(((city_raw["gender"] == "Male") & (city_raw["broad"] == "Black")).sum())
    (tmp_path / "g").mkdir()
    text, _, _ = _report(tmp_path / "g", capsys, _city_config(shared_path(shared_data, CITY_2023), '["force", "gender"]'))
    said = _findings(text)
    assert f"In the City of London, among the 'Male' searches, {male} searches were of Black people" in said
    assert "In Male" not in said and "In the City of London (Male), of the other groups," in said


def test_no_outcome_recorded_is_a_row_of_the_search_rates_not_of_the_arrest_rates(tmp_path, capsys, shared_data):
    """By force and outcome (police.uk Durham, Dec 2019 - Feb 2020: every find rate withheld, so
    arrests are compared): the searches with no outcome are the search-rate table's "no outcome
    recorded" rows, but not the arrest table's (an outcome not recorded is not known to be no arrest)."""
    files = sorted(shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02").glob("*-durham-*.csv"))
    raw = pd.concat([pd.read_csv(f, dtype=str) for f in files], ignore_index=True)
    raw = raw[raw["Type"] != "Vehicle search"]
    eth = raw["Self-defined ethnicity"].fillna("").str.strip()
    raw = raw[(eth != "") & ~eth.str.contains("Not stated")]
    broad = raw["Self-defined ethnicity"].str.extract(r"^(White|Black|Asian|Mixed|Other)")[0]
    none = broad[raw["Outcome"].isna()].value_counts()
    assert int(none.sum()) == 189  # the evidence (of 413)
    listed = ", ".join(f'"{f}"' for f in files)
    cfg = f'title = "T"\narea = "Durham"\n[stop_search]\nfiles = [{listed}]\nby = ["force", "outcome"]\ncensus = "auto"\n'
    _report(tmp_path, capsys, cfg)
    disp = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv", dtype=str)
    rows = disp[disp["outcome"] == "no outcome recorded"]
    assert len(rows) == 5 and disp["outcome"].notna().all()
    for _, r in rows[rows["searches"] != "[c]"].iterrows():
        assert int(r["searches"]) == int(none.get(r["group"], 0)), r["group"]
    arrests = pd.read_csv(tmp_path / "o" / "stop_search_arrest_rates.csv", dtype=str)
    assert "no outcome recorded" not in set(arrests["outcome"].astype(str)) and arrests["outcome"].notna().all()

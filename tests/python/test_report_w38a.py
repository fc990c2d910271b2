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
from test_report_w36a import CITY_2023, _city_config, _report
from test_report_w37a import _example_stop_search

LEG = "no legislation recorded"


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

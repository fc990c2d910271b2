"""Session 24 (w36a): the report states no ratio of a rate per resident that cannot be a rate of
residents searched, and its console says no count its disclosure control does not publish.

1. police.uk City of London 2023 (the shared data's semicolon re-export): 225 searches of Black
   people (self-defined) against 233 Black residents (Census 2021). ``disproportionality`` lists the
   row in ``.attrs["implausible_rates"]``, but the report's summary led with "Black people were
   searched at 9.54 times the rate of White people (95% CI 8.81 to 10.3), a statistically
   significant difference" and its table showed "965.7" per 1,000. Now the summary, the section and
   the table's note give counts and shares, and the page withholds that rate and ratio.
2. ``disproportionality``'s warnings printed counts on a report's console that the report does not
   publish ("Leicestershire / 2019-12 (23% of 106)", "100 with no location"): now said in the
   report's words, areas and months only.

Independent references: the searches are counted from the raw files (pandas, the csv module); the
residents are summed from the Census 2021 TS021 LSOA table with the ONS LSOA lookup, not from
saferstats' bundled tables.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

import saferstats
from conftest import shared_path
from saferstats.__main__ import main
from test_report_w35a import _rows  # the bundled sample's raw rows (csv module)

SAMPLE = saferstats.datasets.stop_search_sample_path()
CITY_2023 = "stop_search/city_of_london_2023/stop_and_search.csv"


def _report(tmp_path: Path, capsys, config: str) -> tuple[str, str, str]:
    """Run ``saferstats report`` on ``config``: the page's text without its tables, the page's tables'
    text, and stderr."""
    cfg = tmp_path / "a.toml"
    cfg.write_text(config)
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    err = capsys.readouterr().err
    page = (tmp_path / "o" / "index.html").read_text()
    tables = " ".join(re.findall(r"<table.*?</table>", page, flags=re.S))

    def text(h: str) -> str:
        return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", h)))

    return text(re.sub(r"<table.*?</table>", " ", page, flags=re.S)), text(tables), err


@pytest.fixture(scope="module")
def city_counts(shared_data) -> dict[str, int]:
    """Searches of people with a stated self-defined ethnicity by broad group, from the raw file."""
    raw = pd.read_csv(shared_path(shared_data, CITY_2023), sep=";")
    eth = raw.loc[raw["type"] != "Vehicle search", "self_defined_ethnicity"].fillna("").str.strip()
    eth = eth[(eth != "") & ~eth.str.contains("Not stated")]
    broad = eth.str.extract(r"^(White|Black|Asian|Mixed|Other)")[0]
    return {str(k): int(v) for k, v in broad.value_counts().items()}


@pytest.fixture(scope="module")
def city_residents(shared_data) -> dict[str, int]:
    base = "population/census2021_ew/"
    pop = pd.read_csv(shared_path(shared_data, base + "ts021_ethnic_group_lsoa21.csv"))
    look = pd.read_csv(shared_path(shared_data, base + "lookup_lsoa21_ward24_ltla24.csv"))
    city = pop[pop["lsoa21_code"].isin(look.loc[look["ltla24_code"] == "E09000001", "lsoa21_code"])]
    return {g.capitalize(): int(city[g].sum()) for g in ("white", "black", "asian", "mixed")}


def _city_config(path: Path, by: str = '["force"]') -> str:
    return (f'title = "T"\narea = "City of London"\nconfidence = 0.95\ndisclosure_threshold = 5\n'
            f'[stop_search]\nfiles = ["{path}"]\nby = {by}\ncensus = "auto"\n')


# ------------------------------------------------------------------ 1. no ratio of an implausible rate

def test_city_2023_black_searches_are_said_as_counts_not_a_ratio(tmp_path, capsys, shared_data, city_counts,
                                                                  city_residents):
    black, white, stated = city_counts["Black"], city_counts["White"], sum(city_counts.values())
    assert (black, stated, city_residents["Black"]) == (225, 1113, 233)  # the evidence, from the raw files
    ratio = (black / city_residents["Black"]) / (white / city_residents["White"])
    assert f"{ratio:.2f}" == "9.54"
    text, tables, err = _report(tmp_path, capsys, _city_config(shared_path(shared_data, CITY_2023)))
    counts = (f"In the City of London, {black} of the {stated:,} searches with a stated ethnicity "
              f"({100 * black / stated:.0f}%) were of Black people, against {city_residents['Black']} Black residents")
    summary = text.split("Generated from the statistics in this report", 1)[0].rsplit("Executive summary", 1)[1]
    assert counts in summary  # the headline gives the counts ...
    assert "cannot be a rate of its residents searched" in summary
    assert f"{ratio:.2f}" not in text and "Black people were searched at" not in text  # ... not the ratio
    section = text.split("Stop and search: disproportionality and outcomes", 1)[1]
    assert counts + "." in section and "The table withholds that rate and its ratio" in section
    # the page's table withholds the rate and the ratio, and its note says why; the CSV keeps them
    rate = 1000 * black / city_residents["Black"]
    assert f"{rate:.1f}" == "965.7" and "965.7" not in tables
    assert re.search(r"City of London Black 225 233 withheld withheld withheld withheld withheld withheld", tables)
    assert "'withheld': a rate per resident too high to be a rate of residents searched" in tables
    assert "1 ratio of a rate per resident too high to be of residents searched not shown" in text
    csv_t = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv").set_index("group")
    assert round(float(csv_t.loc["Black", "ratio"]), 2) == round(ratio, 2)
    # the other groups' ratios are still findings, after the counts (Mixed: 82 against 470 residents)
    mixed = (city_counts["Mixed"] / city_residents["Mixed"]) / (white / city_residents["White"])
    findings = text.split("Stop and search: disproportionality and outcomes", 1)[0].rsplit("Key findings", 1)[1]
    assert counts in findings
    assert f"of the other groups, Mixed people were searched at {mixed:.2f} times the rate of White people" in findings
    # ... and the console gives no count the page does not: the library's "225 searches ... against 233
    # residents" warning is said in the report's words
    assert "the rates per resident of the City of London (Black) are too high to be rates of residents searched" in err
    assert "965" not in err


def test_a_stratum_whose_white_rate_is_implausible_gives_no_ratio():
    """A CSP where White people's rate is implausible: every ratio of the CSP rests on it, so the
    summary states none of them and gives the counts (synthetic table)."""
    from search_tables import search_section

    from saferstats.report.sections import implausible_rows
    from saferstats.report.summary import _stop_search

    t = pd.DataFrame({"force": ["Essex"] * 2, "csp": ["X"] * 2, "group": ["Black", "White"], "searches": [40, 300],
                      "population": [2000, 400], "rate": [20.0, 750.0], "rate_lower": [14.0, 660.0],
                      "rate_upper": [27.0, 840.0], "ratio": [0.027, 1.0], "ratio_lower": [0.02, None],
                      "ratio_upper": [0.04, None], "reliable": [True, True], "ratio_method": ["katz", "reference"],
                      "confidence": [0.95, 0.95]})
    t.attrs["implausible_rates"] = [{"force": "essex", "csp": "X", "group": "White", "searches": 300,
                                     "population": 400, "per_1000_a_year": 750.0}]
    own, ratio, _ = implausible_rows(t)
    assert own.tolist() == [False, True] and ratio.tolist() == [True, True]
    said = " ".join(_stop_search(search_section(t), {"confidence": 0.95, "area": "X"}))
    assert "300 of the 340 searches with a stated ethnicity (88%) were of White people, against 400 White residents" in said
    assert "times the rate" not in said and "statistically significantly" not in said


def test_essex_keeps_its_ratios(tmp_path, capsys, shared_data):
    """Essex by force and CSP (police.uk, Dec 2019 - Feb 2020): no Essex row is implausible, so its
    findings still give ratios; only the City of London's Black row is withheld in the table."""
    folder = shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02")
    cfg = (f'title = "T"\narea = "Essex"\n[stop_search]\nfiles = ["{folder}/"]\nby = ["force", "csp"]\n'
           'census = "auto"\n')
    text, tables, _ = _report(tmp_path, capsys, cfg)
    findings = text.split("Stop and search: disproportionality and outcomes", 1)[0].rsplit("Key findings", 1)[1]
    assert "times the rate of White people" in findings and "cannot be a rate of its residents" not in findings
    rates = tables.split("Find rate:", 1)[0]  # the rates table (the find table's 'withheld' is its own)
    # the City of London's Black rate, its limits, ratio and ratio limits, and no other cell
    assert len(re.findall(r"\d withheld", rates)) == 1
    assert "City of London City of London E22000180 Black 70 193 " + " ".join(["withheld"] * 6) in rates


# ------------------------------------------------------------------ 2. no unpublished count on the console

def _not_stated(r: dict[str, str]) -> bool:
    eth = r["Self-defined ethnicity"].strip()
    return eth == "" or eth.startswith("Other ethnic group - Not stated")


def _sample_config(area: str, by: str) -> str:
    return f'title = "T"\narea = "{area}"\n[stop_search]\nfiles = ["{SAMPLE}"]\nby = {by}\n'


def test_console_gives_no_month_not_stated_count(tmp_path, capsys):
    """By force and month: Leicestershire's December 2019 has 24 of its 106 searches of people with
    no stated ethnicity (23%), though its quarter is under a fifth. The library's warning said
    "Leicestershire / 2019-12 (23% of 106)"; the report publishes neither number (its table gives
    the stated searches by group)."""
    persons = [r for r in _rows("leicestershire", "2019-12") if r["Type"] != "Vehicle search"]
    ns = sum(_not_stated(r) for r in persons)
    assert (ns, len(persons)) == (24, 106)
    text, tables, err = _report(tmp_path, capsys, _sample_config("Leicestershire", '["force", "month"]'))
    assert f"{len(persons)}" not in text + tables and f"{100 * ns / len(persons):.0f}%" not in text
    assert f"of {len(persons)}" not in err and f"{100 * ns / len(persons):.0f}%" not in err
    assert ("stop and search: ethnicity is not stated for a fifth or more of the searches, though not in their force "
            "as a whole, in Leicestershire in Dec 2019") in err


def test_console_gives_no_unplaced_count(tmp_path, capsys):
    """By force and CSP: the library's warning of the searches that could not be placed gave the
    searches with no location in all the files (counted here: 111), a number the report does not
    publish (it gives each force's searches not placed in all: "City of London: 188 of 582"), and
    the counts by reason. Now the console names the forces only, and still quotes [stop_search] by
    as the config sets it."""
    rows = [r for f in ("city-of-london", "derbyshire", "durham", "leicestershire") for r in _rows(f)
            if r["Type"] != "Vehicle search" and not _not_stated(r)]
    missing = sum(r["Latitude"].strip() == "" for r in rows)
    assert missing == 111
    text, tables, err = _report(tmp_path, capsys, _sample_config("Derbyshire", '["force", "csp"]'))
    assert f"{missing}" not in text.split("Stop and search: disproportionality and outcomes", 1)[1].split("Source:")[0]
    assert f"{missing} with no location" not in err
    said = [line for line in err.splitlines() if "could not be placed" in line]
    assert len(said) == 1 and not re.search(r"\d", said[0].split("by = ")[0]), said
    assert "the City of London" in said[0] and 'are not in the rates of [stop_search] by = ["force", "csp"]' in said[0]


def test_a_suppressed_implausible_row_is_not_named():
    """A row whose count the report suppresses ([c]) is not named as implausible on the console nor
    given in counts: that would say its searches are at least half its residents (synthetic: 3
    searches of Mixed people against 4 residents)."""
    import warnings

    from saferstats.report.sections import MARKER, _warn_implausible, implausible_words

    t = pd.DataFrame({"force": ["Essex"] * 3, "csp": ["X"] * 3, "group": ["Black", "Mixed", "White"],
                      "searches": [60, MARKER, 300], "population": [100, 4, 90000]})
    t.attrs["implausible_rates"] = [
        {"force": "essex", "csp": "X", "group": g, "searches": n, "population": p, "per_1000_a_year": 1000 * n / p}
        for g, n, p in (("Black", 60, 100), ("Mixed", 3, 4))]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        _warn_implausible(t)
    said = [str(w.message) for w in seen]
    assert len(said) == 1 and "the rates per resident of X (Black) are too high" in said[0] and "Mixed" not in said[0]
    assert implausible_words(t) == ["In X, 60 searches were of Black people, against 100 Black residents"]


def test_console_says_the_census_of_other_years_without_the_count(tmp_path, capsys):
    """census = "2021" for searches of Dec 2019 - Feb 2020: the library's warning said "all 1,987
    searches (2019-12 to 2020-02) are from before April 2022"; the console now gives the months only."""
    forces = ("city-of-london", "derbyshire", "durham", "leicestershire")
    n = sum(r["Type"] != "Vehicle search" and not _not_stated(r) for f in forces for r in _rows(f))
    assert n == 1987
    _, _, err = _report(tmp_path, capsys, _sample_config("Derbyshire", '["force"]') + 'census = "2021"\n')
    assert f"{n:,}" not in err
    assert "stop and search: all the searches (Dec 2019 to Feb 2020) are from before April 2022 (2022/23)" in err

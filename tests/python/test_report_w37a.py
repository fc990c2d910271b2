"""Session 25 (w37a): the report's console gives no count of ``outcome_test``'s coverage warnings,
and names places as the report's text does.

1. ``outcome_test(outcome="arrest")``'s warning "no outcome is recorded for many searches (Durham:
   189 of 413 (46%))" reached the ``saferstats report`` console as it was (police.uk Durham, Dec
   2019 - Feb 2020: the arrest table replaces the find table, every find rate being withheld). The
   report gives that number only where its tables allow, and the console is pasted into emails: now
   the console names the forces whose number the text gives, with no count, and no other force.
   ``outcome_test(outcome="find")``'s "'outcome linked to object of search' is missing for many
   searches (Durham: 89 of 413 (22%))" is stated by the section's text and is not on the console
   (checked here on the example configurations' seven-force files).
2. The library's warnings passed on by the report named "City of London" where the page says "the
   City of London" (police.uk City of London 2023, officer-defined ethnicity: "not comparable: City
   of London / Mixed"): the console now names forces as the text does.

Independent references: the counts are taken from the raw police.uk files with pandas.
"""

from __future__ import annotations

import re
import tomllib
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import shared_path
from test_report_w36a import CITY_2023, _report

SEVEN = "stop_search/policeuk_7forces_2019-12_to_2020-02"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def seven_raw(shared_data) -> pd.DataFrame:
    """The seven forces' searches of people with a stated self-defined ethnicity (raw files)."""
    folder = shared_path(shared_data, SEVEN)
    raw = pd.concat([pd.read_csv(f, dtype=str).assign(force=re.sub(r"^\d{4}-\d{2}-|-stop-and-search\.csv$", "", f.name))
                     for f in sorted(folder.glob("*.csv"))], ignore_index=True)
    raw = raw[raw["Type"] != "Vehicle search"]
    eth = raw["Self-defined ethnicity"].fillna("").str.strip()
    return raw[(eth != "") & ~eth.str.contains("Not stated")]


def _config(area: str, files: list[Any], by: str) -> str:
    listed = ", ".join(f'"{f}"' for f in files)
    return f'title = "T"\narea = "{area}"\n[stop_search]\nfiles = [{listed}]\nby = {by}\ncensus = "auto"\n'


@pytest.mark.parametrize("by", ['["force"]', '["force", "csp"]'])
def test_console_gives_no_count_of_searches_with_no_outcome(tmp_path, capsys, shared_data, seven_raw, by):
    durham = seven_raw[seven_raw["force"] == "durham"]
    none = int(durham["Outcome"].fillna("").str.strip().eq("").sum())
    assert (none, len(durham)) == (189, 413)  # the evidence, from the raw files
    files = sorted(shared_path(shared_data, SEVEN).glob("*-durham-*.csv"))
    text, _, err = _report(tmp_path, capsys, _config("Durham", files, by))
    # the arrest table is the section's (every find rate withheld), and its text gives the number ...
    assert f"Of the {len(durham)} searches in the search-rate table, {none} ({100 * none / len(durham):.1f}%) had no " \
           "recorded outcome" in text
    # ... the console does not: it names the force, with no count nor share
    said = [line for line in err.splitlines() if "no outcome is recorded" in line]
    assert said == ["saferstats: warning: stop and search (arrest rates): no outcome is recorded for many searches of "
                    "Durham: they are left out of the arrest rates (an outcome not recorded is not known to be no "
                    "arrest), so those rates are of the searches with a recorded outcome and may not be like other "
                    "forces' if the outcomes still missing differ (recent months not yet updated); the section's text "
                    "gives their numbers where the tables allow"], err
    assert str(none) not in err and str(len(durham)) not in err and f"{100 * none / len(durham):.0f}%" not in err
    assert "outcome_test(outcome='arrest')" not in err


def test_a_force_whose_number_is_withheld_is_not_named():
    """The library's counts of a force whose number the section's text withholds (not in ``said``):
    the console names no force and gives no count (naming it would say that more than a tenth of its
    searches, a number the report withholds, had no outcome)."""
    from saferstats.report.sections import _resay_no_outcome

    arrests = pd.DataFrame({"force": ["Essex"]})
    arrests.attrs.update(outcome="arrest", outcome_missing_by={"essex": (3, 24)})
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        _resay_no_outcome(arrests, {}, lambda f: "Essex")
    said = [str(w.message) for w in seen]
    assert len(said) == 1 and "Essex" not in said[0] and not re.search(r"\d", said[0]), said
    assert said[0].startswith("stop and search (arrest rates): no outcome is recorded for some searches (their numbers "
                              "withheld to protect small numbers)")


def _example_stop_search(name: str, shared_data: Path) -> str:
    """The ``[stop_search]`` section of an example configuration, its files in the shared data."""
    cfg = tomllib.loads((EXAMPLES / name).read_text())
    sec = cfg["stop_search"]
    files = [f"{shared_path(shared_data, f.split('shared/data/', 1)[1])}{'/' if f.endswith('/') else ''}"
             for f in sec["files"]]
    return _config(cfg["area"], files, "[" + ", ".join(f'"{b}"' for b in sec["by"]) + "]")


@pytest.mark.parametrize("example", ["essex_published.toml", "hertfordshire_published.toml"])
def test_example_configs_console_gives_no_outcome_coverage_count(tmp_path, capsys, shared_data, seven_raw, example):
    """The example configurations on the seven forces' files: neither coverage warning of
    ``outcome_test`` is on the console with its counts (the text states the blank flags)."""
    durham = seven_raw[seven_raw["force"] == "durham"]
    blank = int(durham["Outcome linked to object of search"].isna().sum())
    assert (blank, len(durham)) == (89, 413)
    text, _, err = _report(tmp_path, capsys, _example_stop_search(example, shared_data))
    assert f"Durham: {blank} of {len(durham)}" in text  # the section's caution gives them
    assert "is missing for many searches" not in err and "no outcome is recorded for many searches (" not in err
    assert f"{blank} of {len(durham)}" not in err
    for f, rows in seven_raw.groupby("force"):
        missing = int(rows["Outcome linked to object of search"].isna().sum())
        if missing:
            assert f"{missing:,} of {len(rows):,}" not in err, f


def test_city_console_names_the_city_as_the_text_does(tmp_path, capsys, shared_data):
    """police.uk City of London 2023, officer-defined ethnicity: the library's warning of the rows
    whose ethnic categories differ from the Census's said "not comparable: City of London / Mixed";
    the page says "the City of London". Every mention on the console now reads as on the page."""
    path = shared_path(shared_data, CITY_2023)
    raw = pd.read_csv(path, sep=";")
    # the row the warning names: officers record no Mixed group, the Census does
    assert "Mixed" not in set(raw["officer_defined_ethnicity"].dropna()) and "Black" in set(raw["officer_defined_ethnicity"])
    cfg = _config("City of London", [path], '["force"]') + 'ethnicity_source = "officer"\n'
    text, _, err = _report(tmp_path, capsys, cfg)
    section = text.split("Stop and search: disproportionality and outcomes", 1)[1].split("Source:", 1)[0]
    for said in (section, err):  # the section's text (its tables and title page give the bare name), the console
        mentions = re.findall(r"(?:\S+ )?City of London", said)
        assert len(mentions) > 2 and all(m.lower().startswith("the ") for m in mentions), mentions
    assert "not comparable: the City of London / Mixed" in err


def test_forces_named_as_the_text_names_them():
    from saferstats.report.sections import _as_text_names
    from saferstats.report.tables import place

    said = _as_text_names("overstated: Metropolitan Police Service / Other; London, City of / Black; Essex / White; "
                          "City of London Police", ["Metropolitan Police Service", "city-of-london", "essex"])
    assert said == (f"overstated: {place('Metropolitan Police Service')} / Other; {place('London, City of')} / Black; "
                    "Essex / White; City of London Police")
    assert _as_text_names(said, ["metropolitan", "city-of-london"]) == said  # said once only

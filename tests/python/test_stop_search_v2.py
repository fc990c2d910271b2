"""Session 36 (v2): stop-and-search items left by u2 and u7 - what a zero officer-defined Other row
says, the label of records that give no force, and the group column's "did you mean". References: the published files read with pandas, and hand counts written out."""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path

LEICESTER = "stop_search/api_format_leicester_2020-02/stop_and_search.csv"
WEST_MIDLANDS = "stop_search/west_midlands_force_level_shares/force_level.csv"


def _words(x: Any) -> str:
    return " ".join(str(x).split())


@pytest.fixture(scope="module")
def leicester(shared_data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The police.uk API file as published (read with pandas) and as read_stop_search reads it."""
    path = shared_path(shared_data, LEICESTER)
    raw = pd.read_csv(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recs = ss.read_stop_search(path)
    return raw, recs


def test_officer_other_of_no_searches_is_not_called_overstated(leicester: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Before: Leicester by local authority with ethnicity_source='officer' had an Other row of 0
    searches whose `comparability` and warning said "overstated: officers' Other includes people
    who self-define as Mixed or Asian" - a row of no searches holds no one to overstate. Now it is
    "not comparable" (officers recorded none as Other; people who self-define as Other can be
    recorded in other groups), keeps its count and ratio of 0, and the warning lists it under "not
    comparable". Reference: the raw file - officer_defined_ethnicity is White 33, Black 22, Asian 8
    (no Other), while one person self-defined as "Other ethnic group - Any other ethnic group"."""
    raw, recs = leicester
    assert raw["officer_defined_ethnicity"].value_counts().to_dict() == {"White": 33, "Black": 22, "Asian": 8}
    assert (raw["self_defined_ethnicity"] == "Other ethnic group - Any other ethnic group").sum() == 1
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = ss.disproportionality(recs, by="la", ethnicity_source="officer")
    other = out.set_index("group").loc["Other"]
    assert other["searches"] == 0 and other["ratio"] == 0 and other["rate"] == 0
    note = _words(other["comparability"])
    assert note.startswith("not comparable: officers recorded no search as Other here") and "overstated" not in note
    said = [_words(w.message) for w in seen if "rows compare searches and Census" in str(w.message)]
    assert len(said) == 1 and "overstated" not in said[0], said
    assert "not comparable: Leicester / E06000016 / Mixed, Leicester / E06000016 / Other;" in said[0]
    # Mixed stays not comparable with no rate (officers cannot record it)
    assert pd.isna(out.set_index("group").loc["Mixed", "ratio"])


def test_officer_other_with_searches_stays_overstated() -> None:
    """The rule is for a row of no searches only: an officer-defined Other row with searches is
    still "overstated" (hand-made records: 2 Other, 3 White; population 100 and 1,000)."""
    recs = pd.DataFrame({"officer_defined_ethnicity": ["Other", "Other", "White", "White", "White"],
                         "self_defined_ethnicity": [""] * 5})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ss.disproportionality(recs, {"Other": 100, "White": 1000}, ethnicity_source="officer")
    row = out.set_index("group").loc["Other"]
    assert row["searches"] == 2 and str(row["comparability"]).startswith("overstated")
    assert row["ratio"] == pytest.approx((2 / 100) / (3 / 1000))  # 6.67 by hand


def test_records_with_no_force_are_labelled_in_the_attributes(leicester: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Before: the API file (no force) grouped by local authority had `.attrs['not_stated_by']` =
    {'': (15, 63)} - a blank key. Now the key is "no force given" (NO_FORCE in disproportionality.py;
    also unassigned_by_force's keys). Reference: the raw file - 15 of its 63 rows self-define as "Other ethnic group - Not
    stated", and all 63 are searches of a person (56 person, 7 person and vehicle)."""
    raw, recs = leicester
    ns = int((raw["self_defined_ethnicity"] == "Other ethnic group - Not stated").sum())
    assert (ns, len(raw)) == (15, 63)
    assert raw["type"].str.contains("Person").all()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = ss.disproportionality(recs, by="la")
    assert out.attrs["not_stated_by"] == {"no force given": (15, 63)}
    assert "" not in out.attrs.get("unassigned_by_force", {})
    said = [_words(w.message) for w in seen if "is not stated for a fifth" in str(w.message)]
    assert len(said) == 1 and "in the records (which name no force) (24% of 63)" in said[0]


def test_west_midlands_group_column_is_suggested(shared_data: Path) -> None:
    """Before: the West Midlands shares file (group column `ethnic_group`) was refused with "no
    column 'ethnicity' (keyword `group`)" and no suggestion (difflib finds 'ethnic_group' too far
    from 'ethnicity'). Now the error ends "did you mean group='ethnic_group'?", and with that
    keyword the shares are refused as shares, not counts. Reference: the file's header read with
    pandas."""
    wm = pd.read_csv(shared_path(shared_data, WEST_MIDLANDS))
    assert list(wm.columns) == ["ethnic_group", "searches_share", "suspects_share", "pop_share"]
    with pytest.raises(ss.InvalidInputError) as e:
        ss.disproportionality(wm, count="searches_share")
    assert e.value.argument == "group" and _words(e.value).endswith("did you mean group='ethnic_group'?")
    with pytest.raises(ss.InvalidInputError, match="holds shares"):
        ss.disproportionality(wm, count="searches_share", group="ethnic_group")


def test_record_level_group_column_is_suggested() -> None:
    """Record-level searches with a `group` not there: before, "searches has no column 'race'
    (keyword `group`)" with no hint; now the column named like an ethnicity is suggested."""
    recs = pd.DataFrame({"Ethnicity ": ["White", "Black"], "force": ["durham", "durham"]})
    with pytest.raises(ss.InvalidInputError) as e:
        ss.disproportionality(recs, {"White": 10, "Black": 10}, group="race")
    assert e.value.argument == "group" and _words(e.value).endswith("did you mean group='Ethnicity '?")


def test_merged_authority_has_its_districts_2011_population() -> None:
    """Before: disproportionality(by="la", census=2011) refused searches in the unitary North
    Yorkshire (E06000065, 2023) - "Census 2011 has no population for local authoritys created
    since". It is the union of seven 2011 districts, so their Census 2011 residents are the same
    area's: now summed, 598,376 (the North Yorkshire CSP's figure with by="csp"). Reference: the
    bundled QS201EW table read with pandas, the seven districts' rows by name."""
    raw = pd.read_csv(Path(ss.__file__).parent / "data" / "census2011_ethnic_group_by_la.csv")
    seven = ["Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale", "Scarborough", "Selby"]
    rows = raw[raw["geography"].isin(seven)]
    assert len(rows) == 7
    total = int(rows["Ethnic Group: All categories: Ethnic group; measures: Value"].sum())
    black = int(rows["Ethnic Group: Black; measures: Value"].sum())
    assert total == 598_376
    york = pd.DataFrame({"latitude": [54.0, 54.0], "longitude": [-1.55, -1.55], "type": "Person search",
                         "self_defined_ethnicity": ["White - Irish", "Black/African/Caribbean/Black British - African"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ss.disproportionality(york, by="la", census=2011)
        csp = ss.disproportionality(york, by="csp", census=2011)
    assert set(out["la_code"]) == {"E06000065"} and out["population"].sum() == total
    assert out.set_index("group").loc["Black", "population"] == black
    assert out["population"].tolist() == csp["population"].tolist()
    assert out.attrs["summed_2011"] == {"North Yorkshire": seven}

"""Walk 16 (w16b): area names as analysts type them, and names that are two areas refused.

The reference is ONS's own "LAD to CSP to PFA (December 2024)" lookup as published
(``../shared/data/population/census2021_ew/lookup_ltla24_csp24_pfa24.csv``, read with the csv
module), not the library's bundled copy.
"""

from __future__ import annotations

import csv
import re

import pytest

from saferstats.exceptions import UnknownAreaError
from saferstats.geography import AmbiguousAreaError, StudyArea, find_area


@pytest.fixture(scope="module")
def ons_lookup(shared_data):
    with open(shared_data / "population" / "census2021_ew" / "lookup_ltla24_csp24_pfa24.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def _typed(name: str) -> list[str]:
    """How analysts type an ONS name: "&" for "and", no full stops or apostrophes, spaces for
    hyphens, upper case."""
    out = {name.replace(" and ", " & "), name.replace(".", ""), name.replace("'", ""), name.replace("-", " "),
           name.upper(), re.sub(r"\bSt\.? ", "Saint ", name)}
    out.discard(name)
    return sorted(out)


def test_every_authority_found_as_typed(ons_lookup):
    las = {r["ltla24_code"]: r["ltla24_name"] for r in ons_lookup}
    assert len(las) == 318
    checked = 0
    for code, name in las.items():
        for form in _typed(name):
            assert find_area(form, level="la")["code"] == code, (form, name)
            checked += 1
    assert checked > 318  # every authority at least by its upper-case name, many more by & and full stops


def test_every_csp_found_as_typed(ons_lookup):
    csps = {r["csp24_code"]: r["csp24_name"] for r in ons_lookup}
    for code, name in csps.items():
        for form in _typed(name):
            assert find_area(form, level="csp")["code"] == code, (form, name)


@pytest.mark.parametrize("typed, name", [
    ("Brighton & Hove", "Brighton and Hove"), ("Hammersmith & Fulham", "Hammersmith and Fulham"),
    ("St Helens", "St. Helens"), ("Kings Lynn and West Norfolk", "King's Lynn and West Norfolk"),
    ("Stockton on Tees", "Stockton-on-Tees"), ("City of Westminster", "Westminster"), ("City of York", "York"),
    ("Rhondda Cynon Taff", "Rhondda Cynon Taf"), ("Rhondda, Cynon, Taff", "Rhondda Cynon Taf"),
    ("Westmorland & Furness", "Westmorland and Furness"), ("Watford Borough Council", "Watford"),
    ("London Borough of Camden", "Camden"), ("Ynys Môn", "Isle of Anglesey"), ("Bro Morgannwg", "Vale of Glamorgan"),
])
def test_named_spellings(ons_lookup, typed, name):
    code = {r["ltla24_name"]: r["ltla24_code"] for r in ons_lookup}[name]
    assert find_area(typed) == {"level": "la", "code": code, "name": name}


def test_names_that_are_an_authority_and_a_larger_force_are_refused(ons_lookup):
    """Every name that is both a local authority (or its short form, "Durham") and a force area
    covering more authorities is refused without a level, and found with one."""
    force_las: dict[str, set[str]] = {}
    la_code = {}
    for r in ons_lookup:
        force_las.setdefault(r["pfa24_name"], set()).add(r["ltla24_code"])
        la_code[r["ltla24_name"]] = r["ltla24_code"]
    both = {f: la_code[f] for f in force_las if f in la_code}
    both["Durham"] = la_code["County Durham"]
    assert set(both) == {"Dorset", "Durham", "North Yorkshire", "Wiltshire"}
    for name, code in both.items():
        assert len(force_las[name]) > 1
        with pytest.raises(AmbiguousAreaError, match="pass level='la' or level='force'"):
            find_area(name)
        with pytest.raises(UnknownAreaError):  # still an UnknownAreaError for callers that catch that
            find_area(name)
        assert find_area(name, level="la")["code"] == code
        assert find_area(name, level="force")["name"] == name
        with pytest.raises(AmbiguousAreaError, match="different extent"):
            StudyArea(name)
        assert StudyArea(name, level="force").code == find_area(name, level="force")["code"]


def test_unambiguous_names_still_found_without_level(ons_lookup):
    # an authority that is its own CSP is the same area either way; a force that is not an
    # authority's name is not a question
    assert find_area("Somerset")["code"] == "E06000066"
    assert StudyArea("St Albans").code in {r["csp24_code"] for r in ons_lookup if r["ltla24_name"] == "St Albans"}
    assert StudyArea("Hertfordshire").level == "force"


def test_shared_short_forms_refused_with_named_error():
    with pytest.raises(AmbiguousAreaError, match="Newcastle-under-Lyme.*Newcastle upon Tyne"):
        find_area("Newcastle")
    with pytest.raises(AmbiguousAreaError):
        StudyArea("Newcastle")


@pytest.mark.parametrize("typed, level, says", [
    ("Folkestone & Hythe", "csp", "'Shepway' (E22000145)"),  # ONS's CSP keeps the district's old name
    ("Barrow in Furness", "la", "'Westmorland and Furness' (E06000064)"),
    ("Somerset West & Taunton", "la", "became part of 'Somerset' (E06000066)"),
    ("South Bucks District Council", "la", "'Buckinghamshire' (E06000060)"),
])
def test_typed_names_at_the_wrong_level_or_abolished_are_explained(ons_lookup, typed, level, says):
    """A typed name that is an area at the other level, or a district abolished by a merger, gets
    the same explanation as its ONS spelling (not "no close matches")."""
    codes = {r["ltla24_code"] for r in ons_lookup} | {r["csp24_code"] for r in ons_lookup}
    assert says.split("(")[-1].rstrip(")") in codes
    with pytest.raises(UnknownAreaError) as e:
        find_area(typed, level=level)
    assert says in str(e.value) and "close matches" not in str(e.value)


@pytest.mark.parametrize("typed, force", [
    ("GMP", "Greater Manchester"), ("MPS", "Metropolitan Police"), ("Herts Police", "Hertfordshire"),
    ("Notts Police", "Nottinghamshire"), ("Northants", "Northamptonshire"), ("Hants Constabulary", "Hampshire"),
    ("West Mids Police", "West Midlands"), ("Wilts Police", "Wiltshire"), ("Heddlu Dyfed Powys", "Dyfed-Powys"),
    ("Avon & Somerset Constabulary", "Avon and Somerset"), ("Devon and Cornwall Police", "Devon & Cornwall"),
])
def test_force_abbreviations(ons_lookup, typed, force):
    code = {r["pfa24_name"]: r["pfa24_code"] for r in ons_lookup}[force]
    assert find_area(typed, level="force") == {"level": "force", "code": code, "name": force}

"""Walk-through 5: forces as analysts name them in 2024.

Hampshire Constabulary has been "Hampshire and Isle of Wight Constabulary" since 2022 (police.uk id
still "hampshire"); the ONS lookup keeps "Hampshire", and find_area/force_id did not know the new
name ("no close matches"), nor "the Met". British Transport Police / Police Scotland got "no close
matches" instead of being told they are not among the 43 territorial forces. Codes are checked
against the ONS LAD->CSP->PFA (December 2024) lookup as published (csv module)."""

import csv

import pytest

import saferstats
from saferstats.geography import force_id


def _pfa_codes(shared_data) -> dict[str, str]:
    path = shared_data / "population" / "census2021_ew" / "lookup_ltla24_csp24_pfa24.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        return {r["pfa24_name"]: r["pfa24_code"] for r in csv.DictReader(fh)}


@pytest.mark.parametrize("name, ons", [
    ("Hampshire and Isle of Wight", "Hampshire"), ("Hampshire & Isle of Wight Constabulary", "Hampshire"),
    ("Met", "Metropolitan Police"), ("the Met", "Metropolitan Police"),
])
def test_current_force_names(shared_data, name, ons):
    codes = _pfa_codes(shared_data)
    assert saferstats.find_area(name, level="force")["code"] == codes[ons]
    assert force_id(name) == force_id(codes[ons])


@pytest.mark.parametrize("name", ["British Transport Police", "Police Scotland", "PSNI"])
def test_non_territorial_forces_are_named_as_such(name):
    with pytest.raises(saferstats.UnknownAreaError, match="not one of the 43 territorial police forces"):
        saferstats.find_area(name, level="force")

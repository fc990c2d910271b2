"""find_area(level="force") knows a force however the Home Office, police.uk and the ONS spell it
(walk-through 2: "Devon and Cornwall", the Home Office table's spelling, and "City of London" were
unknown, the latter with "no close matches")."""

import pytest

import saferstats
from saferstats.exceptions import UnknownAreaError


@pytest.mark.parametrize("query, code, name", [
    ("Devon and Cornwall", "E23000035", "Devon & Cornwall"),
    ("City of London", "E23000034", "London, City of"),
    ("City of London Police", "E23000034", "London, City of"),
    ("Avon & Somerset", "E23000036", "Avon and Somerset"),
    ("Essex Police", "E23000028", "Essex"),
    ("Hertfordshire Constabulary", "E23000027", "Hertfordshire"),
])
def test_force_spellings(query, code, name):
    assert saferstats.find_area(query, level="force") == {"level": "force", "code": code, "name": name}


def test_unknown_force_still_raises():
    with pytest.raises(UnknownAreaError, match="close matches: 'Hertfordshire'"):
        saferstats.find_area("Hertfordshre", level="force")
    with pytest.raises(UnknownAreaError):
        saferstats.find_area("British Transport Police", level="force")


"""Session 22 (w32d): find_area on a police force area's name without a level, the example
configuration's Run line for an installed wheel, and hotspots --from/--to."""

from __future__ import annotations

import pytest

import saferstats

# --- 1. find_area without a level on a force's name ------------------------------------------------


@pytest.mark.parametrize("query, code", [("South Yorkshire", "E23000011"), ("Merseyside", "E23000004"),
                                         ("west midlands", "E23000014"), ("Essex Police", "E23000028")])
def test_find_area_without_level_finds_a_force_only_name(query, code):
    """find_area("South Yorkshire") raised UnknownAreaError ("no la named or coded ...") though the
    only area of that name is the police force area."""
    hit = saferstats.find_area(query)
    assert hit["level"] == "force" and hit["code"] == code
    assert hit == saferstats.find_area(query, level="force")


def test_find_area_without_level_names_county_council_and_force():
    """Essex, Leicestershire, Hertfordshire: a county council and a force area; the error names both,
    and what the force adds (or that it covers the same districts)."""
    with pytest.raises(saferstats.AmbiguousAreaError) as e:
        saferstats.find_area("Essex")
    assert str(e.value) == (
        "'Essex' names both Essex County Council, whose area is its 12 districts (local authorities: "
        "level='la'), and the police force area 'Essex' (E23000028), which also covers the unitary "
        "authorities Southend-on-Sea and Thurrock: find_area('Essex', level='force') for the force area, "
        "or a district's name")
    with pytest.raises(saferstats.AmbiguousAreaError, match="Leicester and Rutland: find_area"):
        saferstats.find_area("Leicestershire")
    with pytest.raises(saferstats.AmbiguousAreaError, match="Hertfordshire County Council, whose area is its 10 "
                       r"districts .* which covers the same 10 districts"):
        saferstats.find_area("Hertfordshire")
    # said as the force, it is the force; at a level, as before
    assert saferstats.find_area("E23000028")["name"] == "Essex"
    with pytest.raises(saferstats.UnknownAreaError, match="Essex is a police force area"):
        saferstats.find_area("Essex", level="la")

"""find_area: short names analysts type, and police.uk force ids without a level (session 16, w19d).

"Bucks", "BCP" and "Barrow" were unknown ("close matches: 'Harrow', 'Harlow'"), and a police.uk
force id such as "north-yorkshire" was refused as ambiguous without a level. The codes are ONS's
GSS codes of December 2024 (LAD, CSP, PFA) as ONS publishes them; Barrow-in-Furness district was
merged into Westmorland and Furness (E06000064) on 1 April 2023 (The Cumbria (Structural Changes)
Order 2022), its CSP kept."""

from __future__ import annotations

import pytest

import saferstats


@pytest.mark.parametrize("query", ["Bucks", "bucks", "BUCKS"])
def test_bucks_is_buckinghamshire(query):
    assert saferstats.find_area(query) == {"level": "la", "code": "E06000060", "name": "Buckinghamshire"}


@pytest.mark.parametrize("query", ["BCP", "bcp"])
def test_bcp_is_bournemouth_christchurch_and_poole(query):
    got = saferstats.find_area(query)
    assert got == {"level": "la", "code": "E06000058", "name": "Bournemouth, Christchurch and Poole"}


def test_short_names_at_the_csp_level_say_what_they_are():
    # Buckinghamshire and BCP are merged authorities whose CSPs are the former districts: said, not "no close matches"
    with pytest.raises(saferstats.UnknownAreaError, match=r"'Bucks': Buckinghamshire \(E06000060\) is a local "
                                                          r"authority formed by a merger.*'Aylesbury Vale'"):
        saferstats.find_area("Bucks", level="csp")
    with pytest.raises(saferstats.UnknownAreaError, match=r"'BCP': Bournemouth, Christchurch and Poole \(E06000058\)"
                                                          r".*'Bournemouth' \(E22000063\)"):
        saferstats.find_area("BCP", level="csp")
    with pytest.raises(saferstats.UnknownAreaError, match=r"'Bucks': .*police force area 'Thames Valley'"):
        saferstats.find_area("Bucks", level="force")


def test_barrow_is_barrow_in_furness_by_level():
    # the CSP Barrow-in-Furness still exists; the district was merged into Westmorland and Furness in 2023
    assert saferstats.find_area("Barrow", level="csp") == {"level": "csp", "code": "E22000032",
                                                           "name": "Barrow-in-Furness"}
    for level in (None, "la"):
        with pytest.raises(saferstats.UnknownAreaError) as e:
            saferstats.find_area("Barrow", level=level)
        msg = str(e.value)
        assert "Barrow-in-Furness (E22000032)" in msg and "'Westmorland and Furness' (E06000064)" in msg
        assert "Harrow" not in msg
    with pytest.raises(saferstats.UnknownAreaError, match=r"police force area 'Cumbria'"):
        saferstats.find_area("Barrow", level="force")


@pytest.mark.parametrize("slug, code, name", [
    ("north-yorkshire", "E23000009", "North Yorkshire"),
    ("avon-and-somerset", "E23000036", "Avon and Somerset"),
    ("thames-valley", "E23000029", "Thames Valley"),
])
def test_police_uk_force_ids_are_forces(slug, code, name):
    assert saferstats.find_area(slug) == {"level": "force", "code": code, "name": name}


def test_names_not_written_as_force_ids_are_as_before():
    # a name, not police.uk's id: still ambiguous, or still the local authority
    with pytest.raises(saferstats.AmbiguousAreaError, match="pass level='la' or level='force'"):
        saferstats.find_area("North Yorkshire")
    with pytest.raises(saferstats.AmbiguousAreaError):
        saferstats.find_area("durham")  # a police.uk id too, but also a name: no hyphen, so not taken as the id
    assert saferstats.find_area("north-yorkshire", level="la")["code"] == "E06000065"
    assert saferstats.find_area("Stoke-on-Trent")["code"] == "E06000021"
    assert saferstats.find_area("stoke-on-trent")["level"] == "la"

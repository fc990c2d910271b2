"""Session 23 (w33b): StudyArea refuses a county council's name that is also a larger police force
area's, as find_area does, and takes the force with level="force"; one area by both names stays."""

from __future__ import annotations

import pytest
from saferstats.geography import AmbiguousAreaError, StudyArea, find_area


def test_study_area_refuses_a_county_and_larger_force_of_one_name_naming_both():
    with pytest.raises(AmbiguousAreaError) as e:  # was: the force area, silently
        StudyArea("Essex")
    assert str(e.value) == (
        "'Essex' names both Essex County Council, whose area is its 12 districts (local authorities: level='la'), and "
        "the police force area 'Essex' (E23000028), which also covers the unitary authorities Southend-on-Sea and "
        "Thurrock; pass level='force' for the force area, or a district's name")
    assert e.value.argument == "study_area"
    with pytest.raises(AmbiguousAreaError, match="Leicester and Rutland"):
        StudyArea("Leicestershire")
    # the explicit choice: the force area, as find_area gives it
    essex = StudyArea("Essex", level="force")
    assert (essex.code, essex.level) == (find_area("Essex", level="force")["code"], "force") == ("E23000028", "force")
    # Southend-on-Sea is in the force area, not the county council's
    assert essex.contains([51.545], [0.71]).tolist() == [True]
    # the force's own names are the force
    assert StudyArea("Essex Police").code == StudyArea("E23000028").code == "E23000028"
    # one area by both names (the county's 10 districts are the force area): as before
    herts = StudyArea("Hertfordshire")
    assert (herts.code, herts.level) == ("E23000027", "force")


def test_hotspots_cli_says_the_choice_as_its_option(tmp_path, capsys):
    from saferstats.__main__ import main

    points = tmp_path / "points.csv"
    points.write_text("lat,lon\n51.55,0.71\n", encoding="utf-8")
    assert main(["hotspots", str(points), "--study-area", "Essex"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("saferstats: error: --study-area: 'Essex' names both Essex County Council, whose area is its "
                          "12 districts, and the police force area 'Essex' (E23000028)")
    assert err.rstrip().endswith("; --study-area E23000028 for the police force area, or a district's name")
    assert "level=" not in err

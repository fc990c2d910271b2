"""Errors of `saferstats report --config` name the line of the config file to change (walk-through 16,
a City of London analyst): "[hotspots] study_area = 'City of Londn' is not a police force area" did
not say where, and for a key left out (its default used) the analyst had to guess the section. A
police.uk street-level file given as [hotspots] file (a table of points) said "no column 'latitude'"
of a semicolon-separated file whose header has it. The peers of an area in the table with no
population (the City of London in the Home Office table) were "not one area of the table"."""

from __future__ import annotations

import re

import pytest

import saferstats
from saferstats.__main__ import main
from saferstats.report.config import config_line
from conftest import build_report


def _error(tmp_path, capsys, text: str) -> str:
    cfg = tmp_path / "assessment.toml"
    cfg.write_text(text)
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    lines = [x for x in err.splitlines() if x.startswith("saferstats: error:")]
    assert len(lines) == 1, err
    return lines[0]


def _line_of(text: str, needle: str) -> int:
    return next(i for i, x in enumerate(text.splitlines(), 1) if needle in x)


def test_study_area_error_names_its_line(tmp_path, capsys):
    folder = saferstats.datasets.street_crime_sample_path()
    text = (f'title = "T"\narea = "Hertfordshire"\n\n[hotspots]\n# ASB\nfiles = ["{folder}"]\n'
            'crime_type = "Anti-social behaviour"\nstudy_area = "Stevenag"\n')
    err = _error(tmp_path, capsys, text)
    assert "study_area = 'Stevenag' is not a police force area" in err
    assert err.endswith(f"(assessment.toml line {_line_of(text, 'study_area')}: study_area = \"Stevenag\")")


def test_column_error_raised_while_analysing_names_its_line(tmp_path, capsys):
    path = saferstats.datasets.hate_crime_table_path()
    text = f'title = "T"\n[hate_crime]\nfile = "{path}"\ncount = "Offences"   # as in the bulletin\n'
    err = _error(tmp_path, capsys, text)
    assert "no column 'Offences'" in err
    assert err.endswith('(assessment.toml line 4: count = "Offences" # as in the bulletin)')  # (spaces collapsed)


def test_key_left_out_points_at_its_section(tmp_path, capsys):
    text = 'title = "T"\n[hotspots]\nfile = "points.csv"\n'
    (tmp_path / "points.csv").write_text("latitude,longitude\n51.9,-0.2\n")
    err = _error(tmp_path, capsys, text)
    assert "no column 'lat'" in err and "its columns are ['latitude', 'longitude']" in err
    assert err.endswith("(assessment.toml line 2: [hotspots] (it has no lat: add it below))")


def test_top_level_value_error_names_its_line(tmp_path, capsys):
    err = _error(tmp_path, capsys, 'title = "T"\n\nconfidence = 95\n')
    assert err.endswith("(assessment.toml line 3: confidence = 95)")


def test_semicolon_street_file_as_points_says_to_use_files(tmp_path, capsys, shared_data):
    street = shared_data / "street_crime" / "city_of_london_2023" / "street.csv"
    text = f'title = "T"\n[hotspots]\nfile = "{street}"\nlat = "latitude"\nlon = "longitude"\n'
    err = _error(tmp_path, capsys, text)
    assert "separated by semicolons" in err and '[hotspots] files = ["..."]' in err
    assert err.endswith("(assessment.toml line 4: lat = \"latitude\")")
    # and as the message says, given as files it is read
    out = build_report(tmp_path, f'title = "T"\narea = "City of London"\n[hotspots]\nfiles = ["{street}"]\n'
                                 'crime_type = "Anti-social behaviour"\nstudy_area = "City of London"\n')
    assert (out / "hotspot_clusters.csv").is_file()


def test_config_line_ignores_keys_of_other_sections():
    text = '[hate_crime]\nfile = "a.csv"\n[flytipping]\nfile = "b.csv"\n'
    assert config_line(text, "flytipping.file") == (4, 'file = "b.csv"')
    assert config_line(text, "hotspots.file") is None


def test_peers_of_an_area_with_no_population(tmp_path, shared_data):
    hc = shared_data / "hate_crime" / "home_office_by_force_2017-18_2018-19" / "Hate crime.csv"
    if not hc.is_file():
        pytest.skip("the Home Office hate crime table is not in ../shared/data")
    with open(hc, encoding="utf-8") as fh:  # the published table: a count, and '#N/A' for the population
        city = [x for x in fh if x.startswith('"London, City of"')]
    assert city and all(x.rstrip().endswith("#N/A,#N/A") for x in city)
    out = build_report(tmp_path, f'title = "T"\narea = "City of London"\n[hate_crime]\nfile = "{hc}"\n'
                                 'peers = ["Metropolitan Police", "Surrey"]\n')
    page = re.sub(r"\s+", " ", (out / "index.html").read_text(encoding="utf-8")).replace("&#39;", "'")
    assert "City of London has a count but no population in the published table" in page
    assert "not one area of the table" not in page

"""Session 26, w41a: hotspot follow-ups of the ASB walk (w40e) — a report study_area given as a
boundary file, the grid headline's unit, police.uk rows without coordinates in the grid functions,
and latitude/longitude swapped in the clustering functions."""

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.report.config import ConfigError
from saferstats.report.inputs import points_in_study_area

LTLA = "boundaries/boundaries_ltla24.geojson"


def _watford_file(shared_data, tmp_path):
    fc = json.loads(shared_path(shared_data, LTLA).read_text())
    one = [f for f in fc["features"] if f["properties"]["ltla24_name"] == "Watford"]
    assert len(one) == 1
    p = tmp_path / "watford.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": one}))
    return p


def _pts():
    return pd.DataFrame({"lat": [51.6565, 51.90], "lon": [-0.3960, -0.20]})


def test_report_study_area_boundary_file_is_refused_with_the_name_to_give(shared_data, tmp_path):
    """Since w40e a .geojson path loads as a polygon, and the report said "Study area: the study
    area polygon (POLYGON, None)" and "the squares in /…/boundaries_ltla24.geojson". Now refused,
    naming the area the file's one feature is."""
    p = _watford_file(shared_data, tmp_path)
    with pytest.raises(ConfigError) as e:
        points_in_study_area(_pts(), "lat", "lon", str(p), None)
    msg = str(e.value)
    assert e.value.argument == "hotspots.study_area"
    assert "is a boundary file" in msg and 'give study_area = "Watford"' in msg
    assert "POLYGON" not in msg


def test_report_study_area_whole_boundary_file_is_refused(shared_data):
    g = shared_path(shared_data, LTLA)
    with pytest.raises(ConfigError) as e:
        points_in_study_area(_pts(), "lat", "lon", str(g), None)
    msg = str(e.value)
    assert "is a boundary file" in msg and "several areas" in msg
    assert f"saferstats.StudyArea('{g}')" in msg

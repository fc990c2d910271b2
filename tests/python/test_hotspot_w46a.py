"""Session 28, w46a: hotspot follow-ups from the w45e walk (Hertfordshire's 13 police.uk
street-crime files, January 2021 to January 2022, 27,858 ASB records, 12 without a location,
counted by hand from the CSV rows here).

* ``clark_evans(..., study_area=...)`` said the points outside the area only in a warning;
  ``ClarkEvansResult`` now has ``outside_study_area`` (a field, not one of the mapping's six keys)
  and a headline saying it.

References: nearest-neighbour distances with scipy's cKDTree, point-in-square counts with numpy,
the CSV rows counted with the csv module."""

from __future__ import annotations

import csv
import warnings

import numpy as np
import pytest
from scipy.spatial import cKDTree

import saferstats as ss
from conftest import shared_path

SQUARE = np.array([[520_000, 220_000], [522_500, 220_000], [522_500, 222_500], [520_000, 222_500]], dtype=float)


def _quiet(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*a, **k)


# --- 1. clark_evans: the points outside the study area --------------------------------------------

def test_clark_evans_counts_points_outside_the_study_area():
    rng = np.random.default_rng(46)
    x, y = 520_000 + rng.uniform(0, 4000, 1000), 220_000 + rng.uniform(0, 4000, 1000)
    x[9] = np.nan
    keep = (x > 520_000) & (x < 522_500) & (y > 220_000) & (y < 222_500)  # NaN is in no square
    inside = int(keep.sum())
    r = _quiet(ss.clark_evans, x, y, study_area=ss.StudyArea(SQUARE, crs=27700), missing="drop")
    outside = 1000 - 1 - inside
    assert r.outside_study_area == outside and r.missing_coordinates == 1
    # the statistic is of the points inside: scipy's nearest neighbours and the square's area
    d, _ = cKDTree(np.column_stack([x[keep], y[keep]])).query(np.column_stack([x[keep], y[keep]]), k=2)
    assert r.r_obs == pytest.approx(d[:, 1].mean(), rel=1e-12)
    assert r.r_exp == pytest.approx(0.5 * np.sqrt(2500.0 ** 2 / inside), rel=1e-9)
    # the mapping keeps its six keys; the counts are fields (and in to_dict)
    assert set(r) == {"r_obs", "r_exp", "r", "z", "p_value", "r_donnelly"} and len(r) == 6
    assert r.to_dict()["outside_study_area"] == outside and r.to_dict()["missing_coordinates"] == 1
    head = r.headline()
    assert head.startswith(f"R = {r.r:.4g} (below 1 clustered, above 1 dispersed), z = {r.z:.4g}, ")
    assert head.endswith(f"; 1 points without coordinates left out; {outside:,} points outside the study area left out")
    assert repr(r) == f"ClarkEvansResult({head})"
    plain = ss.clark_evans(x[keep], y[keep], area=2500.0 ** 2)
    assert plain.outside_study_area == 0 and "left out" not in plain.headline()
    assert "Donnelly" not in plain.headline() and dict(plain).keys() == dict(r).keys()


@pytest.fixture(scope="module")
def herts(shared_data):
    folder = shared_path(shared_data, "street_crime")
    files = sorted(folder.glob("*-hertfordshire-street.csv"))
    if len(files) != 13:
        pytest.skip("the 13 Hertfordshire street-crime files are not all present")
    rows = absent = 0
    for f in files:
        with open(f, newline="", encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                if r["Crime type"] == "Anti-social behaviour":
                    rows += 1
                    absent += r["Latitude"] == "" or r["Longitude"] == ""
    d = _quiet(ss.read_street_crime, folder, crime_type="Anti-social behaviour")
    return d, rows, absent


def test_clark_evans_stevenage_asb_counts_the_rest_of_hertfordshire(herts):
    d, rows, absent = herts
    assert (rows, absent) == (27_858, 12)
    x, y = _quiet(ss.to_bng, d["latitude"], d["longitude"], missing="propagate")
    sa = ss.StudyArea("Stevenage", level="la")
    with pytest.warns(ss.SaferstatsWarning, match="25,055 outside were left out"):
        r = _quiet_but_area(ss.clark_evans, x, y, study_area=sa, missing="drop")
    inside = sa.contains_xy(x, y)
    n = int(inside.sum())
    assert r.missing_coordinates == absent and r.outside_study_area == rows - absent - n == 25_055
    pts = np.column_stack([np.asarray(x)[inside], np.asarray(y)[inside]])
    dist, _ = cKDTree(pts).query(pts, k=2)
    assert r.r_obs == pytest.approx(dist[:, 1].mean(), rel=1e-12)
    assert r.headline().endswith("; 12 points without coordinates left out; 25,055 points outside the study area left out")


def _quiet_but_area(f, *a, **k):
    """Run f, letting the study area's warning through (the others are checked elsewhere)."""
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = f(*a, **k)
    for w in rec:
        if "outside were left out" in str(w.message):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return out

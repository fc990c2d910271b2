"""nnh over a study area labels only the points inside it (walk 7), but gave no way to tell which
input rows those are: an analyst joining ``order(1)`` back to the records, or following the docstring
("pass result.order(1) as labels to cluster_summary") with the full lat/lon, had a length mismatch
or - after an index-free assignment - labels on the wrong records, and the Excel "labels" sheet
listed clusters by position. Now ``rows`` gives each labelled point's input row (also in the sheet).
Checked against the points shapely puts inside the polygon and nnh run on those points alone."""

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning

SQUARE = np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0], [0.0, 1000.0], [0.0, 0.0]])


def _points():
    rng = np.random.default_rng(1)
    x = np.r_[rng.uniform(-500, 1500, 100), 500 + rng.normal(0, 5, 20)]
    y = np.r_[rng.uniform(-500, 1500, 100), 500 + rng.normal(0, 5, 20)]
    return x, y


def test_rows_are_the_points_inside(tmp_path):
    shapely = pytest.importorskip("shapely")
    x, y = _points()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        r = saferstats.nnh(x, y, study_area=saferstats.StudyArea(SQUARE, crs=27700), min_points=5)
    inside = np.flatnonzero(shapely.contains_xy(shapely.Polygon(SQUARE), x, y))
    np.testing.assert_array_equal(r.rows, inside)
    alone = saferstats.nnh(x[inside], y[inside], area=1e6, min_points=5)
    np.testing.assert_array_equal(r.order(1), alone.order(1))
    # the 20 points of the tight group (rows 100-119) carry the cluster when joined back by row
    df = pd.DataFrame({"x": x, "y": y}, index=np.arange(1000, 1000 + len(x)))
    df["cluster"] = -9
    df.loc[df.index[r.rows], "cluster"] = r.order(1)
    assert (df["cluster"].iloc[100:] >= 0).all() and (df["cluster"].iloc[:100] < 0).all()
    pytest.importorskip("openpyxl")
    r.to_excel(tmp_path / "nnh.xlsx")
    sheet = pd.read_excel(tmp_path / "nnh.xlsx", sheet_name="labels")
    assert sheet["row"].tolist() == inside.tolist()


def test_without_a_study_area_rows_are_all():
    x, y = _points()
    r = saferstats.nnh(x, y, area=4e6, min_points=5)
    np.testing.assert_array_equal(r.rows, np.arange(len(x)))

"""geo.to_geodataframe's docstring lists hotspot_classify among the grids it takes, but the result
of hotspot_classify was refused ("`result` must be a cluster table, a hotspot grid, ... got
ClassifyResult"). Now it gives one polygon per cell with the classes. Checked with shapely: each
polygon is a cell_size square containing its centre; the categories equal the result's."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import herts_street_points


def test_classify_result_to_geodataframe(shared_data):
    pytest.importorskip("geopandas")
    shapely = pytest.importorskip("shapely")
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        r = saferstats.hotspot_classify(x, y, month, cell_size=500, study_area="Stevenage", seed=1, permutations=0)
    gdf = saferstats.geo.to_geodataframe(r)
    assert gdf.crs.to_epsg() == 27700 and len(gdf) == len(r.cells)
    assert gdf["hotspot_category"].tolist() == r.cells["hotspot_category"].tolist()
    assert (gdf["hotspot_category"] == "outside study area").sum() == (~r.cells["in_study_area"]).sum() > 0
    np.testing.assert_allclose(gdf.geometry.area.to_numpy(), 500.0 ** 2)
    assert shapely.contains_xy(gdf.geometry.to_numpy(), r.cells["x"].to_numpy(), r.cells["y"].to_numpy()).all()

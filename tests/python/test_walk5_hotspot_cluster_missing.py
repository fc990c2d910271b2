"""dbscan(..., missing="drop") labels the records without a location -2 (21 of the City of London's
2023 ASB records); passing the same lat/lon and labels to cluster_summary then failed with the
core's "missing value (NaN) in `lat` at position 56; pass missing="propagate"" - an argument
cluster_summary does not have. Now those noise points are left out and counted. Checked: cluster
sizes against numpy counts of the labels; the GeoJSON outlines are valid, closed, lon/lat
(EPSG:4326, RFC 7946) and cover their cluster's points (shapely); areas against pyproj.Geod."""

import json

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import MissingValueError
from conftest import city_asb_latlon


@pytest.fixture(scope="module")
def city_asb(shared_data):
    return city_asb_latlon(shared_data)


def test_summary_of_dbscan_labels_with_missing_coordinates(city_asb):
    shapely = pytest.importorskip("shapely")
    pyproj = pytest.importorskip("pyproj")
    from shapely.geometry import shape

    lat, lon = city_asb
    absent = np.isnan(lat) | np.isnan(lon)
    assert absent.sum() == 21
    labels = saferstats.hdbscan(lat, lon, min_cluster_size=30, missing="drop")
    assert (labels[absent] == -2).all()
    t = saferstats.cluster_summary(lat, lon, labels)
    assert t.attrs["missing_coordinates"] == 21 and t.attrs["noise_points"] == int((labels < 0).sum())
    ks, ns = np.unique(labels[labels >= 0], return_counts=True)
    assert t["label"].tolist() == ks.tolist() and t["n"].tolist() == ns.tolist()
    gj = json.loads(t.to_geojson())
    geod = pyproj.Geod(ellps="WGS84")
    for f in gj["features"]:
        k = f["properties"]["label"]
        ring = f["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1]
        g = shape(f["geometry"])
        assert g.is_valid and -0.2 < g.centroid.x < 0.0 and 51.4 < g.centroid.y < 51.6   # lon, lat
        sel = labels == k
        assert shapely.covers(g.buffer(1e-7), shapely.points(lon[sel], lat[sel])).all()
        if f["properties"].get("outline") == "hull":
            area = abs(geod.geometry_area_perimeter(g)[0])
            assert f["properties"]["area_m2"] == pytest.approx(area, rel=0.01)


def test_a_clustered_point_without_coordinates_is_named():
    with pytest.raises(MissingValueError, match="row 1 has no coordinates but cluster label 0"):
        saferstats.cluster_summary([51.5, np.nan, 51.5001], [-0.1, -0.1, -0.1001], [0, 0, 0])

"""Session 26 (w40e): a CSP analyst's walk through ASB hotspots in one Hertfordshire district
(Watford, police.uk street files as published, ONS district boundaries).

1. ``StudyArea`` from boundary files as analysts have them: a GeoJSON on the British National Grid
   whose ``crs`` member says EPSG:27700 (QGIS writes one) was refused as "coordinates are not
   longitude/latitude degrees", and one without a ``crs`` member too, although the docstring
   promised such coordinates are read as BNG metres; the path of a GeoJSON file (which
   ``assign_area(boundaries=...)`` reads) was looked up as an area *name* ("no police force
   area ... named '/…/boundaries_ltla24.geojson'"); a whole boundary file became one study area of
   every district in it (244,317 km²) without a word; a district taken from the file lost its name
   ("the study area polygon: 634 of 5,516 points inside").
2. Units in the grid headlines: "square cells of 100", "bandwidth 300" said no unit.
3. Knox over a quarter of police.uk months with a "3+ months apart" band: that band holds no pair of
   events (the months span 61 days), its cells read ratio NaN, p 1.00 without a word, and the headline
   counted them as tests ("not adjusted for 9 tests: about 0.45 by chance" where 6 can be tested).
"""

from __future__ import annotations

import gzip
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import StudyArea
from saferstats.exceptions import BoundaryError, SaferstatsWarning

from conftest import shared_path

BNG_SQUARE = {"type": "Polygon", "coordinates": [[[510000, 195000], [512000, 195000], [512000, 197000],
                                                  [510000, 197000], [510000, 195000]]]}


def _fc(geom: dict, crs: str | None = None, **props: str) -> dict:
    fc: dict = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": props, "geometry": geom}]}
    if crs is not None:
        fc["crs"] = {"type": "name", "properties": {"name": crs}}
    return fc


# -- 1. StudyArea from boundary files ------------------------------------------------------------

def test_bng_geojson_with_crs_member_is_read_as_bng():
    # QGIS's GeoJSON export of an EPSG:27700 layer names its CRS; before: BoundaryError "not longitude/latitude"
    sa = StudyArea(_fc(BNG_SQUARE, "urn:ogc:def:crs:EPSG::27700", LAD24NM="Box"))
    assert sa.area_m2 == pytest.approx(2000.0 * 2000.0)          # the 2 km square, by hand
    assert sa.bounds == (510000.0, 512000.0, 195000.0, 197000.0)
    assert sa.contains_xy([511000, 513000], [196000, 196000]).tolist() == [True, False]
    # and "EPSG:27700" written plainly
    assert StudyArea(_fc(BNG_SQUARE, "EPSG:27700")).area_m2 == pytest.approx(4e6)


def test_bng_geojson_without_crs_is_read_as_the_docstring_says():
    # "coordinates without a CRS are ... otherwise British National Grid metres": a GeoJSON dict was the exception
    assert StudyArea(_fc(BNG_SQUARE)).area_m2 == pytest.approx(4e6)
    assert StudyArea(BNG_SQUARE).area_m2 == pytest.approx(4e6)


def test_geojson_crs_member_other_crs_refused_naming_it():
    with pytest.raises(BoundaryError, match=r"EPSG::3857.*reproject") as e:
        StudyArea(_fc(BNG_SQUARE, "urn:ogc:def:crs:EPSG::3857"))
    assert e.value.argument == "study_area"


def test_lonlat_crs_with_bng_coordinates_says_crs_27700():
    with pytest.raises(BoundaryError, match=r"crs=27700") as e:
        StudyArea(BNG_SQUARE, crs=4326)
    assert e.value.argument == "study_area"


def test_study_area_from_a_geojson_file_path(tmp_path: Path):
    p = tmp_path / "box.geojson"
    p.write_text(json.dumps(_fc(BNG_SQUARE, "urn:ogc:def:crs:EPSG::27700", LAD24NM="Box")))
    for given in (p, str(p)):
        sa = StudyArea(given)
        assert sa.area_m2 == pytest.approx(4e6)
        assert repr(sa) == "StudyArea(Box (polygon); 4.0 km²)"
    gz = tmp_path / "box.geojson.gz"
    gz.write_bytes(gzip.compress(p.read_bytes()))
    assert StudyArea(str(gz)).area_m2 == pytest.approx(4e6)
    # the hotspot functions take it as study_area=
    g = saferstats.hotspot_count([510500, 511500, 515000], [195500, 196500, 196000], cell_size=1000,
                                 study_area=str(p))
    assert g.event_counts()[["given", "counted", "outside_study_area"]].iloc[0].tolist() == [3, 2, 1]


def test_study_area_file_errors_name_the_file(tmp_path: Path):
    with pytest.raises(BoundaryError, match=r"nope\.geojson' could not be read as GeoJSON") as e:
        StudyArea(str(tmp_path / "nope.geojson"))
    assert e.value.argument == "study_area"
    shp = tmp_path / "districts.shp"
    shp.write_bytes(b"\x00")
    with pytest.raises(BoundaryError, match=r"geopandas\.read_file"):
        StudyArea(shp)
    # a name is still a name
    assert StudyArea("Watford").code == "E22000131"


def test_several_named_features_are_warned_and_one_keeps_its_name():
    a = _fc(BNG_SQUARE, LAD24NM="West")
    east = {"type": "Polygon", "coordinates": [[[512000, 195000], [514000, 195000], [514000, 197000],
                                                 [512000, 197000], [512000, 195000]]]}
    a["features"].append({"type": "Feature", "properties": {"LAD24NM": "East"}, "geometry": east})
    with pytest.warns(SaferstatsWarning, match=r"the 2 areas of its features \(LAD24NM 'West', 'East'\) are taken "
                                               r"together as one study area of 8\.0 km²"):
        sa = StudyArea(a)
    assert sa.area_m2 == pytest.approx(8e6) and sa.describe() == "polygon"
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        one = StudyArea(a["features"][1])
    assert one.describe() == "East (polygon)"
    assert one.note(2, StudyArea("Watford").outside([], [])) == "the study area East (polygon): 2 of 2 points inside"


def test_watford_from_the_ons_district_file(shared_data: Path):
    """The real walk: the ONS district boundaries (ultra-generalised, Dec 2024) as published, one district
    picked from the file; the area against geopandas/pyproj (an independent projection and area)."""
    gpd = pytest.importorskip("geopandas")
    path = shared_path(shared_data, "boundaries/boundaries_ltla24.geojson")
    with pytest.warns(SaferstatsWarning, match=r"the 361 areas of its features \(ltla24_name 'Hartlepool'"):
        StudyArea(str(path))
    fc = json.loads(path.read_text())
    feat = next(f for f in fc["features"] if f["properties"]["ltla24_name"] == "Watford")
    sa = StudyArea(feat)
    ref = gpd.read_file(path).query("ltla24_name == 'Watford'").to_crs(27700).area.sum()
    assert sa.area_m2 == pytest.approx(ref, rel=1e-3)
    assert repr(sa) == f"StudyArea(Watford (polygon); {ref / 1e6:,.1f} km²)"
    # the points-left-out warning now names the district
    with pytest.warns(SaferstatsWarning, match=r"the study area Watford \(polygon\): 1 of 2 points inside"):
        saferstats.dbscan([51.6565, 51.90], [-0.3960, -0.20], eps_m=100, min_samples=1, study_area=sa)


# -- 2. units in the grid headlines -----------------------------------------------------------

def test_grid_headlines_say_metres():
    g = saferstats.hotspot_count([50, 60, 150], [50, 50, 50], cell_size=100, bounds=(0, 199, 0, 99))
    assert g.headline().startswith("2 × 1 square cells of 100 m (2 cells)")          # was "cells of 100 (2 cells)"
    k = saferstats.hotspot_kde([50, 60, 150], [50, 50, 50], cell_size=100, bandwidth=300, bounds=(0, 199, 0, 99))
    assert "square cells of 100 m (2 cells), bandwidth 300 m;" in k.headline()
    assert "bandwidth 300 m" in k._repr_html_()
    # a hexagon's cell_size is the distance between side-by-side centres (its width across the flats): said so
    h = saferstats.hotspot_count([0, 1000], [0, 1000], cell_size=200, grid_type="hex")
    assert " hex cells 200 m across (" in h.headline()
    c = h.cells[["x", "y"]].to_numpy()
    d = np.hypot(*(c[:, None, :] - c[None, :, :]).transpose(2, 0, 1))
    assert d[d > 0].min() == pytest.approx(200.0)                                      # by hand: neighbours 200 m apart
    r = saferstats.kde_grid([500], [500], cell_size=500, bandwidth=800, bounds=(-500, 1500, 0, 1000))
    assert r.headline().startswith("4 × 2 cells of 500 m; quartic kernel, bandwidth 800 m; peak")
    # a surface in the caller's own units (per_km2=False) gets no metres
    u = saferstats.kde_grid([0, 30, 10], [0, 0, 10], cell_size=1, bandwidth=50, bounds=(-0.5, 0.5, -0.5, 0.5),
                            per_km2=False)
    assert "cells of 1;" in u.headline() and "bandwidth 50;" in u.headline()


# -- 3. Knox: bands no pair of events can fall in ------------------------------------------------

def test_knox_band_longer_than_the_events_span_is_said_and_not_counted_as_a_test():
    # hand-checkable: times 0, 3, 5 days -> pairs 3, 5, 2 days apart; nothing 10+ days apart, nothing 5 km apart
    with pytest.warns(SaferstatsWarning) as rec:
        k = saferstats.knox([0, 50, 100], [0, 0, 0], [0, 3, 5], distance_bands=[0, 200, 5000, np.inf],
                            time_bands=[0, 4, 10, np.inf], permutations=19, seed=1)
    msg = " ".join(str(w.message) for w in rec if "no pair of events" in str(w.message))
    assert ("no pair of events falls in time band [10, inf) (the events span 5 days: no two are that far apart); "
            "distance bands [200, 5000), [5000, inf): those 7 of 9 cells have knox_ratio NaN and p_value 1") in msg
    assert k["observed"].tolist() == [2.0, 1.0, 0.0] + [0.0] * 6
    assert "0 of 9 cells with p < 0.05 (not adjusted for 2 tests: about 0.1 by chance, 7 cells with no pair of events)" \
        in k.headline()


def test_knox_watford_asb_quarter_has_no_pair_three_months_apart(shared_data: Path):
    """A quarter of police.uk months (Watford ASB, Oct-Dec 2021) and the 3+ months band: no pair can be there.
    The pair counts against a numpy enumeration of every pair; the headline counted 9 tests, now 6."""
    folder = shared_path(shared_data, "street_crime")
    files = [folder / f"2021-{m}-hertfordshire-street.csv" for m in ("10", "11", "12")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        df = saferstats.read_street_crime(files, crime_type="Anti-social behaviour")
    df = df[StudyArea("Watford").contains(df["latitude"], df["longitude"])]
    x, y = saferstats.to_bng(df["latitude"].to_numpy(), df["longitude"].to_numpy())
    t = pd.to_datetime(df["month"])
    with pytest.warns(SaferstatsWarning, match=r"no pair of events falls in time band \[63, inf\) \(the events span "
                                               r"61 days, 2021-10-01 to 2021-12-01"):
        k = saferstats.knox(x, y, t, distance_bands=[0, 200, 400, np.inf], time_bands=[0, 32, 63, np.inf],
                            permutations=19, seed=1)
    days = (t.to_numpy()[:, None] - t.to_numpy()[None, :]).astype("timedelta64[D]").astype(float)
    dist = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    iu = np.triu_indices(len(x), 1)
    d, tt = dist[iu], np.abs(days[iu])
    ref = [int(((d >= a) & (d < b) & (tt >= c) & (tt < e)).sum())
           for a, b in ((0, 200), (200, 400), (400, np.inf)) for c, e in ((0, 32), (32, 63), (63, np.inf))]
    assert k["observed"].astype(int).tolist() == ref
    assert ref[2::3] == [0, 0, 0]
    assert "(not adjusted for 6 tests: about 0.3 by chance, 3 cells with no pair of events)" in k.headline()


def test_knox_empty_band_within_the_span_is_said_without_the_span():
    # days 0, 0, 20, 20: nothing 5-10 days apart although the events span 20 days
    with pytest.warns(SaferstatsWarning, match=r"no pair of events falls in time band \[5, 10\): those 2 of 6 cells "
                                               r".*drop those bands$"):
        k = saferstats.knox([0, 10, 100, 110], [0, 0, 0, 0], [0, 0, 20, 20], distance_bands=[0, 50, np.inf],
                            time_bands=[0, 5, 10, np.inf], permutations=19, seed=1)
    # by hand: two pairs 10 m and 0 days apart, four 90-110 m and 20 days apart
    assert k["observed"].tolist() == [2.0, 0.0, 0.0, 0.0, 0.0, 4.0]
    assert "(not adjusted for 4 tests: about 0.2 by chance, 2 cells with no pair of events)" in k.headline()

"""Session 29, w49d: a Census 2021 and geography walk in areas reorganised since 2019 (Cumbria,
North Yorkshire, Somerset, Dorset), with ONS's published files in ../shared/data as references:
the TopoJSON 2014-2023 read with json (and geopandas / shapely for point-in-polygon), the LAD to
CSP to PFA (December 2024) lookup read with pandas."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import shared_path
from saferstats import BoundaryError, SaferstatsWarning, StudyArea, UnknownAreaError, assign_area, find_area

TOPO = "boundaries/ons_uk_topo_2014-2023.json"
LOOKUP = "population/census2021_ew/lookup_ltla24_csp24_pfa24.csv"


def _ltla_layer(path):
    gpd = pytest.importorskip("geopandas")
    try:
        return gpd.read_file(path, layer="ltla").set_crs(4326)
    except Exception as exc:  # a GDAL build without the TopoJSON driver
        pytest.skip(f"GDAL cannot read TopoJSON here: {exc}")


def _in_how_many(layer, pts):
    """How many of the layer's areas each point is in, and the first containing one (shapely)."""
    shapely = pytest.importorskip("shapely")
    geoms = list(layer.geometry)
    tree = shapely.STRtree(geoms)
    hits = tree.query(pts, predicate="intersects")  # (point index, geometry index) pairs
    n = np.bincount(hits[0], minlength=len(pts))
    first = pd.Series(hits[1], index=hits[0]).groupby(level=0).min()
    return n, first


def test_overlapping_boundaries_of_several_years_are_counted_and_named(shared_data):
    """ONS's TopoJSON 2014-2023 (layer ltla) holds the districts abolished by mergers beside the
    authorities formed from them. assign_area gave each point the first listed (Christchurch,
    Taunton Deane, Harrogate for points of 2024's BCP, Somerset, North Yorkshire) without a word;
    now the points in two areas are counted (as many as shapely finds) and named in a warning."""
    layer = _ltla_layer(shared_path(shared_data, TOPO))
    pts = layer.geometry.representative_point()
    n, first = _in_how_many(layer, np.asarray(pts))
    expected = int((n >= 2).sum())
    # the reference itself: every district abolished since 2019 lies inside its successor
    assert expected >= 40
    with pytest.warns(SaferstatsWarning, match=r"points lie in more than one of the boundaries' areas") as rec:
        out = assign_area(pts.y, pts.x, boundaries=layer, code="areacd", name="areanm")
    assert out.attrs["overlapping"] == expected
    msg = " ".join(str(w.message) for w in rec)
    assert f"{expected:,} of {len(layer):,} points" in msg and "keep the areas of one year" in msg
    # the first listed area is still the one given (as documented), as shapely's first containing one
    assert out["code"].tolist() == layer["areacd"].to_numpy()[first.reindex(range(len(pts))).to_numpy()].tolist()

    # one year's areas (no end year: December 2023 on) overlap nowhere: no warning, the count is 0
    now = layer[layer["end"].isna()]
    pts_now = now.geometry.representative_point()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        out = assign_area(pts_now.y, pts_now.x, boundaries=now, code="areacd", name="areanm")
    assert out.attrs["overlapping"] == 0
    assert out["code"].tolist() == now["areacd"].tolist()


def test_overlap_is_named_by_area_for_a_harrogate_point(shared_data):
    """A point in Harrogate town, with ONS's layer as published: Harrogate (to 2022) is listed
    before North Yorkshire (from 2023), so it is given; the warning names both."""
    path = shared_path(shared_data, TOPO)
    layer = _ltla_layer(path)
    topo = json.loads(path.read_text())
    props = {g["properties"]["areanm"]: g["properties"] for g in topo["objects"]["ltla"]["geometries"]}
    hg, ny = props["Harrogate"], props["North Yorkshire"]
    assert hg["end"] == 2022 and ny["start"] == 2023
    with pytest.warns(SaferstatsWarning) as rec:
        out = assign_area([53.99], [-1.54], boundaries=layer, code="areacd", name="areanm")
    assert out["code"].tolist() == [hg["areacd"]]
    msg = " ".join(str(w.message) for w in rec)
    assert f"'Harrogate' ({hg['areacd']}) over 'North Yorkshire' ({ny['areacd']}): 1" in msg


def test_a_csp_named_for_a_former_district_says_the_district_at_level_la(shared_data):
    """find_area("Carlisle", level="la") said only that Carlisle is a CSP covering part of
    Cumberland; "E07000028" said it was a district until 2023 with its own Census 2021 population.
    The name now says both, for every CSP of ONS's December 2024 lookup named for a district that
    ONS's TopoJSON ends (Allerdale ... South Lakeland, Bournemouth, Poole, Aylesbury Vale, ...)."""
    lk = pd.read_csv(shared_path(shared_data, LOOKUP))
    topo = json.loads(shared_path(shared_data, TOPO).read_text())
    ended = {g["properties"]["areanm"]: g["properties"] for g in topo["objects"]["ltla"]["geometries"]
             if g["properties"].get("end")}
    split = lk[lk.duplicated("ltla24_code", keep=False)]
    names = sorted(set(split["csp24_name"]) & set(ended) - set(lk["ltla24_name"]))
    assert {"Allerdale", "Carlisle", "Copeland", "Barrow-in-Furness", "Eden", "South Lakeland", "Bournemouth",
            "Poole"} <= set(names)
    for name in names:
        p = ended[name]
        la = split.loc[split["csp24_name"] == name, "ltla24_name"].iloc[0]
        with pytest.raises(UnknownAreaError) as err:
            find_area(name, level="la")
        msg = str(err.value)
        assert "is a community safety partnership (level='csp')" in msg, name
        assert f"{name} ({p['areacd']}) was a district until {p['end'] + 1}-04-01, when it became part of {la!r}" in msg
        assert "census_population('former_la') has the district's own Census 2021 population" in msg
        # the same with level="la" through StudyArea
        with pytest.raises(UnknownAreaError, match=rf"{p['areacd']}\) was a district until"):
            StudyArea(name, level="la")


def test_study_area_names_topojson_as_topojson(shared_data):
    """StudyArea(ONS's TopoJSON) said "a 'Topology' geometry is not an area"; it now says it is
    TopoJSON, with its layers (read here with json) and how to convert one, as assign_area does;
    the conversion it gives draws Harrogate's outline with shapely's area."""
    path = shared_path(shared_data, TOPO)
    layers = ", ".join(repr(k) for k in json.loads(path.read_text())["objects"])
    for area in (path, str(path), json.loads(path.read_text())):
        with pytest.raises(BoundaryError, match=r"study_area: TopoJSON \(layers ") as err:
            StudyArea(area)
        assert f"(layers {layers})" in str(err.value)
        assert "geopandas.read_file(path, layer='ltla').set_crs(4326)" in str(err.value)
    layer = _ltla_layer(path)
    hg = layer[layer["areanm"] == "Harrogate"]
    sa = StudyArea(hg)
    assert sa.area_m2 == pytest.approx(float(hg.to_crs(27700).area.iloc[0]), rel=2e-3)


def test_dorset_county_council_is_not_taken_for_the_unitary_dorset(shared_data):
    """find_area("Dorset County Council") gave the unitary Dorset (E06000059) of 2019 without a word,
    but the county council's area was six districts of 2016 (ONS's December 2016 lookup), one of
    them Christchurch, now in BCP. It is refused at level 'la' naming them, the unitary's Census
    2021 residents (ts021 LSOAs through ONS's lookup, with pandas) and the CSP that is its area."""
    lk16 = pd.read_csv(shared_path(
        shared_data, "population/Local_Authority_District_to_Community_Safety_Partnerships_to_Police_Force_Areas__"
                     "December_2016__Lookup_in_England_and_Wales.csv"))
    cols = {c.lower().lstrip("\ufeff"): c for c in lk16.columns}
    dorset16 = lk16[lk16[cols["pfa16nm"]] == "Dorset"]
    districts = sorted(set(dorset16[cols["lad16nm"]]) - {"Bournemouth", "Poole"})
    assert len(districts) == 6 and "Christchurch" in districts
    ew = "population/census2021_ew/"
    lsoa = pd.read_csv(shared_path(shared_data, ew + "ts021_ethnic_group_lsoa21.csv"))
    look = pd.read_csv(shared_path(shared_data, ew + "lookup_lsoa21_ward24_ltla24.csv"))
    unitary = int(lsoa.merge(look, on="lsoa21_code").query("ltla24_code == 'E06000059'")["total_residents"].sum())
    for level in (None, "la"):
        with pytest.raises(UnknownAreaError) as err:
            find_area("Dorset County Council", level=level)
        msg = str(err.value)
        assert "Dorset County Council was abolished on 2019-04-01" in msg
        assert all(d in msg for d in districts)
        assert f"({unitary:,} residents)" in msg and "exactly the CSP 'Dorset' (E22000367" in msg
    # the CSP of that name covers the unitary and part of BCP (ONS's December 2024 lookup) ...
    lk = pd.read_csv(shared_path(shared_data, LOOKUP))
    assert set(lk.loc[lk["csp24_code"] == "E22000367", "ltla24_name"]) == {"Dorset", "Bournemouth, Christchurch and Poole"}
    assert find_area("Dorset County Council", level="csp")["code"] == "E22000367"
    # ... and the council formed in 2019 is still found by its own name
    assert find_area("Dorset Council") == {"level": "la", "code": "E06000059", "name": "Dorset"}

"""Walk-through 9 (session 13): the areas a CSP reports on, Census 2021.

Defects found by a new CSP analyst reading only the README and the docstrings:

* ``census_population("lsoa 2011")`` (and ``"lsoa11"``) answered "did you mean 'lsoa'?", pointing
  at the LSOA **2021** table as if it were the 2011 level (police.uk files before 2023 carry LSOA
  2011 codes, some of which find no row there); ``"msoa"`` was offered ``'lsoa'`` and ``"utla"``
  ``'la'`` (a county is not a district). ``assign_area(level="lsoa")`` offered ``'la'``.
* ``find_area("E05009288")`` (a ward code, as ward profiles carry) said "no close matches", as if
  mistyped; an LSOA code likewise.
* ``find_area("London, City of")`` (the ONS inverted form, as the force is named) failed at
  ``level="la"``, saying "covering 1 local authorities".
* ``census_population("la", detailed="yes")`` was accepted (any truthy value).

Reference: the published files in ../shared/data read with plain pandas (the ONS LSOA 2021 ->
ward (December 2024) -> LA lookup, Census 2021 TS021 by LSOA) and the LA -> CSP lookup.
"""

from __future__ import annotations

import pandas as pd
import pytest

import saferstats as ss
from saferstats import InvalidInputError, UnknownAreaError, assign_area, census_population, find_area


@pytest.mark.parametrize("level", ["lsoa 2011", "LSOA11", "lsoa2011"])
def test_lsoa_2011_is_not_pointed_at_lsoa_2021(level):
    for census in (2021, 2011):
        with pytest.raises(UnknownAreaError, match="LSOAs 2021") as err:
            census_population(level, census=census)
        assert "did you mean" not in str(err.value)


@pytest.mark.parametrize("level,words", [("msoa", "MSOAs are not bundled"), ("utla", "lower tier"),
                                         ("county", "lower tier"), ("region", "regions")])
def test_other_levels_get_no_misleading_hint(level, words):
    with pytest.raises(UnknownAreaError, match=words) as err:
        census_population(level)
    assert "did you mean" not in str(err.value)


def test_wards_spelt_otherwise_still_hint_ward():
    with pytest.raises(UnknownAreaError, match="did you mean 'ward'"):
        census_population("electoral ward")


@pytest.mark.parametrize("level", ["lsoa", "ward", "LSOA21"])
def test_assign_area_says_points_are_not_placed_in_lsoas_or_wards(level):
    with pytest.raises(UnknownAreaError, match="lsoa_code") as err:
        assign_area([51.75], [-0.34], level=level)
    assert "did you mean" not in str(err.value)


def test_ward_and_lsoa_codes_named_from_the_published_lookup(shared_data):
    src = shared_data / "population" / "census2021_ew"
    lk = pd.read_csv(src / "lookup_lsoa21_ward24_ltla24.csv", dtype=str)
    csp = pd.read_csv(src / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    for ward_code in ("E05009288", lk.loc[lk["ltla24_name"] == "Stevenage", "ward24_code"].iloc[0],
                      lk.loc[lk["ltla24_code"].str.startswith("W"), "ward24_code"].iloc[0]):
        row = lk[lk["ward24_code"] == ward_code].iloc[0]
        for level in ("la", "csp"):
            with pytest.raises(UnknownAreaError) as err:
                find_area(ward_code.lower(), level=level)
            msg = str(err.value)
            assert f"{row['ward24_name']!r}" in msg and row["ltla24_code"] in msg and "census_population('ward')" in msg
            las_csps = csp.loc[csp["ltla24_code"] == row["ltla24_code"], "csp24_code"]
            assert any(c in msg for c in las_csps)
    row = lk[lk["lsoa21_code"] == "E01000001"].iloc[0]
    with pytest.raises(UnknownAreaError) as err:
        find_area("E01000001")
    assert row["lsoa21_name"] in str(err.value) and "census_population('lsoa')" in str(err.value)


def test_codes_that_are_no_2024_ward_or_2021_lsoa_say_so(shared_data):
    lk = pd.read_csv(shared_data / "population" / "census2021_ew" / "lookup_lsoa21_ward24_ltla24.csv", dtype=str)
    assert "E05999999" not in set(lk["ward24_code"]) and "E01099999" not in set(lk["lsoa21_code"])
    with pytest.raises(UnknownAreaError, match="not one of the December 2024 wards"):
        find_area("E05999999")
    with pytest.raises(UnknownAreaError, match="not an LSOA 2021"):
        find_area("E01099999")
    with pytest.raises(UnknownAreaError, match="county"):
        find_area("E10000015", level="csp")


def test_city_of_london_by_its_inverted_name(shared_data):
    csp = pd.read_csv(shared_data / "population" / "census2021_ew" / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    row = csp[csp["ltla24_name"] == "City of London"].iloc[0]
    assert find_area("London, City of") == {"level": "la", "code": row["ltla24_code"], "name": "City of London"}
    assert find_area("London, City of", level="csp")["code"] == row["csp24_code"]
    assert find_area("London, City of", level="force")["code"] == row["pfa24_code"]


def test_one_local_authority_is_singular():
    with pytest.raises(UnknownAreaError, match=r"covering 1 local authority: ") as err:
        find_area("City of London Police", level="la")  # without a level: the force (session 22, w32d)
    assert "authorities" not in str(err.value)


@pytest.mark.parametrize("value", ["yes", 1, 0, None])
def test_detailed_must_be_a_bool(value):
    with pytest.raises(InvalidInputError, match="detailed"):
        census_population("la", detailed=value)


@pytest.mark.parametrize("name,code,successor", [("Harrogate", "E07000165", "North Yorkshire"),
                                                 ("Christchurch", "E07000048", "Bournemouth, Christchurch and Poole"),
                                                 ("Forest Heath", "E07000201", "West Suffolk")])
def test_study_area_of_an_abolished_district_names_its_successor(shared_data, name, code, successor):
    """StudyArea("Harrogate") offered "close matches: 'Harrow', 'Harborough', 'Hart'" (find_area
    already named the successor). Reference: the ONS December 2016 LAD -> CSP -> PFA lookup has the
    district's code, and the December 2024 lookup has the successor and not the district."""
    from saferstats import StudyArea

    pop = shared_data / "population"
    lk16 = pd.read_csv(pop / "Local_Authority_District_to_Community_Safety_Partnerships_to_Police_Force_Areas__"
                             "December_2016__Lookup_in_England_and_Wales.csv", dtype=str)
    lk24 = pd.read_csv(pop / "census2021_ew" / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    assert lk16.loc[lk16["LAD16NM"] == name, "LAD16CD"].iloc[0] == code
    assert name not in set(lk24["ltla24_name"]) and successor in set(lk24["ltla24_name"])
    with pytest.raises(UnknownAreaError) as err:
        StudyArea(name)
    msg = str(err.value)
    assert code in msg and repr(successor) in msg and "close matches" not in msg


def test_study_area_of_a_ward_code_says_it_is_a_ward():
    from saferstats import StudyArea

    with pytest.raises(UnknownAreaError, match="is an electoral ward"):
        StudyArea("E05009288")


@pytest.mark.parametrize("welsh,english", [("Merthyr Tudful", "Merthyr Tydfil"), ("RCT", "Rhondda Cynon Taf")])
def test_welsh_name_of_an_authority_in_a_joint_csp(shared_data, welsh, english):
    """find_area("Merthyr Tydfil", level="csp") names its CSP (Cwm Taf); the Welsh name "Merthyr
    Tudful" got "no close matches". Reference: the ONS December 2024 LAD -> CSP lookup."""
    lk = pd.read_csv(shared_data / "population" / "census2021_ew" / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    row = lk[lk["ltla24_name"] == english].iloc[0]
    assert row["csp24_name"] != english
    assert find_area(welsh)["code"] == row["ltla24_code"]
    with pytest.raises(UnknownAreaError) as err:
        find_area(welsh, level="csp")
    assert f"{row['csp24_name']!r} ({row['csp24_code']})" in str(err.value) and row["ltla24_code"] in str(err.value)
    assert find_area(row["csp24_name"], level="csp")["code"] == row["csp24_code"]


def _topojson_ltla(shared_data):
    import json

    topo = json.loads((shared_data / "boundaries" / "ons_uk_topo_2014-2023.json").read_text())
    return [g["properties"] for g in topo["objects"]["ltla"]["geometries"]]


@pytest.mark.parametrize("name", ["Barnsley", "Sheffield"])
def test_an_authority_recoded_after_a_boundary_change(shared_data, name):
    """ONS recoded Barnsley and Sheffield in 2025 (a boundary change between them); a 2025 series
    or lookup carries the new codes, and find_area said "no close matches". Reference: the ONS
    TopoJSON (one code ending 2024, one starting 2025) and the December 2024 LAD -> CSP lookup."""
    from saferstats import StudyArea

    props = [p for p in _topojson_ltla(shared_data) if p["areanm"] == name]
    old = next(p["areacd"] for p in props if p.get("end") == 2024)
    new = next(p["areacd"] for p in props if p.get("start") == 2025)
    lk = pd.read_csv(shared_data / "population" / "census2021_ew" / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    row = lk[lk["ltla24_name"] == name].iloc[0]
    assert row["ltla24_code"] == old
    assert find_area(old) == {"level": "la", "code": old, "name": name}
    with pytest.raises(UnknownAreaError) as err:
        find_area(new)
    assert f"{name} from 2025" in str(err.value) and old in str(err.value)
    with pytest.raises(UnknownAreaError) as err:
        find_area(new.lower(), level="csp")
    assert f"{row['csp24_name']!r} ({row['csp24_code']})" in str(err.value)
    with pytest.raises(UnknownAreaError, match=old):
        StudyArea(new)


def test_recoded_table_points_at_current_areas_of_the_same_name(shared_data):
    """Every December 2024 code the table names is in the ONS 2024 lookup under the name given."""
    from saferstats.geography import _RECODED_LA

    lk = pd.read_csv(shared_data / "population" / "census2021_ew" / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    names = lk.drop_duplicates("ltla24_code").set_index("ltla24_code")["ltla24_name"]
    for old, (name, code, _) in _RECODED_LA.items():
        assert names[code] == name and old not in names.index


def test_topojson_boundaries_are_named_as_topojson(shared_data):
    """The ONS TopoJSON in ../shared/data/boundaries was refused as "must be a GeoJSON
    FeatureCollection"; it is read through GDAL's TopoJSON driver as the message says, and then
    places a point in St Albans as the bundled boundaries do."""
    from saferstats import BoundaryError

    path = shared_data / "boundaries" / "ons_uk_topo_2014-2023.json"
    with pytest.raises(BoundaryError, match=r"TopoJSON \(layers .*'ltla'") as err:
        assign_area([51.75], [-0.34], boundaries=path)
    assert "layer='ltla'" in str(err.value)
    gpd = pytest.importorskip("geopandas")
    try:
        layer = gpd.read_file(path, layer="ltla")
    except Exception as exc:  # a GDAL build without the TopoJSON driver
        pytest.skip(f"GDAL cannot read TopoJSON here: {exc}")
    layer = layer[layer["end"].isna()].set_crs(4326)
    got = assign_area([51.75], [-0.34], boundaries=layer, code="areacd", name="areanm")
    assert got["code"].tolist() == [find_area("St Albans")["code"]]


def test_lsoa_2011_loss_by_district_as_the_docstring_says(shared_data):
    """census_population's docstring gives the share of Hertfordshire's 2021 street-level records
    whose LSOA (2011) code finds no LSOA 2021 row, by district (from the LSOA name police.uk
    publishes). Reference: the police.uk files and ONS TS021 LSOA codes read with plain pandas."""
    import re

    import saferstats

    files = sorted((shared_data / "street_crime").glob("2021-*-hertfordshire-street.csv"))
    rec = pd.concat([pd.read_csv(f, usecols=["LSOA code", "LSOA name"]) for f in files]).dropna()
    lsoa21 = set(pd.read_csv(shared_data / "population" / "census2021_ew" / "ts021_ethnic_group_lsoa21.csv",
                             usecols=["lsoa21_code"])["lsoa21_code"])
    rec["lost"] = ~rec["LSOA code"].isin(lsoa21)
    share = rec.groupby(rec["LSOA name"].str[:-5])["lost"].mean().mul(100).round()
    doc = saferstats.census_population.__doc__
    assert "86 of 1,447 codes (10,394 of 100,407 records)" in doc
    assert int((~rec["LSOA code"].drop_duplicates().isin(lsoa21)).sum()) == 86
    assert int(rec["lost"].sum()) == 10_394
    said = dict(re.findall(r"(\d+)% of\s+(\w+)'s", " ".join(doc.split())))
    assert said == {"19": "Stevenage", "23": "Watford"}
    for pct, district in said.items():
        assert share[district] == int(pct)
    assert share["North Hertfordshire"] == 0 and "none of North Hertfordshire's" in " ".join(doc.split())


@pytest.mark.parametrize("query", ["Buckinghamshire", "Somerset", "Stevenage", "Caerdydd", "Cwm Taf", "E07000243"])
def test_an_authority_or_csp_asked_for_as_a_force_names_its_force(shared_data, query):
    """find_area("Buckinghamshire", level="force") offered Nottinghamshire, Hampshire, Cheshire, and
    "Somerset" Dorset first. Reference: the ONS December 2024 LAD -> CSP -> PFA lookup."""
    lk = pd.read_csv(shared_data / "population" / "census2021_ew" / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    level = "csp" if query == "Cwm Taf" else "la"
    code = find_area(query, level=level)["code"]
    row = lk[lk[f"{'ltla' if level == 'la' else 'csp'}24_code"] == code].iloc[0]
    with pytest.raises(UnknownAreaError) as err:
        find_area(query, level="force")
    msg = str(err.value)
    assert f"{row['pfa24_name']!r} ({row['pfa24_code']})" in msg and "close matches" not in msg


def test_a_short_name_of_two_authorities_names_both_forces(shared_data):
    lk = pd.read_csv(shared_data / "population" / "census2021_ew" / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    with pytest.raises(UnknownAreaError) as err:
        find_area("Newcastle", level="force")
    for la in ("Newcastle upon Tyne", "Newcastle-under-Lyme"):
        row = lk[lk["ltla24_name"] == la].iloc[0]
        assert f"{la} ({row['ltla24_code']}) is a local authority in the police force area {row['pfa24_name']!r}" in str(err.value)


def test_a_former_district_asked_for_as_a_force(shared_data):
    lk = pd.read_csv(shared_data / "population" / "census2021_ew" / "lookup_ltla24_csp24_pfa24.csv", dtype=str)
    row = lk[lk["ltla24_name"] == "North Yorkshire"].iloc[0]
    with pytest.raises(UnknownAreaError, match=rf"Harrogate .*'North Yorkshire' \({row['pfa24_code']}\)"):
        find_area("Harrogate", level="force")


def test_assign_area_refuses_lat_and_lon_in_another_order():
    """Session 13 (noticed by walk 9): lat and lon Series holding the same points in another order
    were paired by position, each latitude with another point's longitude, silently. Refused now, as
    every other paired input is; a coordinate out of range names the row label."""
    lat = pd.Series([51.7527, 51.6578, 51.5007], index=["a", "b", "c"])
    lon = pd.Series([-0.1246, -0.2723, -0.3394], index=["c", "b", "a"])
    with pytest.raises(ss.InvalidInputError, match="`lon` holds the same labels as `lat` in another order"):
        ss.assign_area(lat, lon)
    got = ss.assign_area(lat, lon.reindex(lat.index), level="force")["name"].tolist()
    assert got == ["Hertfordshire", "Hertfordshire", "Metropolitan Police"]
    with pytest.raises(ss.SaferstatsError, match=r"`lat` at row 'y': 95.0 is outside"):
        ss.assign_area(pd.Series([51.7, 95.0], index=["x", "y"]), pd.Series([-0.1, -0.2], index=["x", "y"]))

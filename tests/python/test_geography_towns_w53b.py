"""Session 32 (w53b): towns and county councils in find_area, census_population(force=)'s total.

References: ONS's raw files in shared data read with pandas - the LSOA (2021) -> ward (December
2024) -> LAD (December 2024) lookup (``lookup_lsoa21_ward24_ltla24.csv``: the wards and their
authorities), the LAD (2024) -> CSP -> PFA lookup (``lookup_ltla24_csp24_pfa24.csv``: the county's
districts are the lower-tier E07 authorities of its force area) and TS021 by LSOA 2021
(``ts021_ethnic_group_lsoa21.csv``: residents, summed here).
"""
from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.exceptions import SaferstatsWarning, UnknownAreaError

CEN = "population/census2021_ew/"
BROAD = ["asian", "black", "mixed", "white", "other"]


@pytest.fixture(scope="module")
def raw(shared_data):  # type: ignore[no-untyped-def]
    """The three raw files: wards (one row per ward), the LAD -> CSP -> PFA lookup, and the TS021
    LSOA cells summed to local authorities 2024 (all residents)."""
    wards = pd.read_csv(shared_path(shared_data, CEN + "lookup_lsoa21_ward24_ltla24.csv"), dtype=str)
    lookup = pd.read_csv(shared_path(shared_data, CEN + "lookup_ltla24_csp24_pfa24.csv"), dtype=str)
    lsoa = pd.read_csv(shared_path(shared_data, CEN + "ts021_ethnic_group_lsoa21.csv"))
    lsoa["la"] = lsoa["lsoa21_code"].map(wards.set_index("lsoa21_code")["ltla24_code"])
    by_la = lsoa.groupby("la")[BROAD].sum().sum(axis=1)
    return wards.drop_duplicates("ward24_code"), lookup, by_la, int(lsoa[BROAD].to_numpy().sum())


def _error(query: str, **kw) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownAreaError) as e:
        ss.find_area(query, **kw)
    return str(e.value)


def _authorities_of_wards(wards: pd.DataFrame, word: str) -> pd.DataFrame:
    """The raw lookup's wards whose names hold ``word`` as whole words, with their authorities."""
    hit = wards[wards["ward24_name"].str.contains(rf"\b{re.escape(word)}\b", case=False)]
    return hit.drop_duplicates("ltla24_code")[["ltla24_name", "ltla24_code"]]


@pytest.mark.parametrize("town, district", [("Hemel Hempstead", "Dacorum"), ("Welwyn", "Welwyn Hatfield"),
                                            ("Harpenden", "St Albans"), ("Letchworth", "North Hertfordshire")])
def test_a_town_names_the_authority_of_its_wards(raw, town: str, district: str) -> None:  # type: ignore[no-untyped-def]
    """Before: find_area("Hemel Hempstead") said "no close matches" ("Harpenden": 'Pendle'; "Letchworth":
    'Tamworth'). Now the error says to use the authority a town is in and names the one holding the wards
    of that name in the raw ward lookup (Hemel Hempstead: the ward "Hemel Hempstead Town", Dacorum
    E07000096), and the call that finds it; the town is never returned as an authority."""
    wards = raw[0]
    las = _authorities_of_wards(wards, town)
    assert las["ltla24_name"].tolist() == [district]
    code = las["ltla24_code"].iloc[0]
    msg = _error(town)
    # session 33 (w54c): "...: a town is no area here" reads "...; if it is a town, use the local authority it is in"
    assert f"{town!r} is not a local authority, CSP or police force area; if it is a town, use the local authority" in msg
    assert f"in {district} ({code}), so find_area({district!r})" in msg
    for w in wards.loc[wards["ward24_name"].str.startswith(town), "ward24_name"].head(4):
        assert repr(w) in msg
    assert ss.find_area(district)["code"] == code
    if town == "Hemel Hempstead":  # the brief's example: one ward of that name in the raw lookup
        assert "the ward 'Hemel Hempstead Town' is in Dacorum (E07000096)" in msg and code == "E07000096"


def test_a_town_of_several_authorities_lists_them_all(raw) -> None:  # type: ignore[no-untyped-def]
    """"Hatfield" was offered look-alikes ('Welwyn Hatfield', 'Ashfield', 'Wakefield', ...). The raw
    ward lookup has wards holding "Hatfield" in four authorities (Welwyn Hatfield's five, Doncaster's
    "Hatfield", Braintree's "Hatfield Peverel & Terling", Uttlesford's "Hatfield Heath"): all four are
    named with their codes, and each of those authorities is found by the name given."""
    las = _authorities_of_wards(raw[0], "Hatfield")
    assert len(las) == 4 and set(las["ltla24_name"]) == {"Welwyn Hatfield", "Doncaster", "Braintree", "Uttlesford"}
    msg = _error("Hatfield", level="la")
    assert "wards whose names hold it are in 4 local authorities" in msg
    for name, code in zip(las["ltla24_name"], las["ltla24_code"]):
        assert f"{name} ({code})" in msg and ss.find_area(name, level="la")["code"] == code


def test_authority_and_ward_name_and_other_levels(raw) -> None:  # type: ignore[no-untyped-def]
    """"Stevenage Old Town": the authority's name then its ward "Old Town" (raw lookup: Stevenage's);
    at level='csp' and 'force' the CSP and force area of the ward's authority (raw LAD -> CSP -> PFA
    lookup) are named instead. A word in many wards' names ("North") is said briefly, no town."""
    wards, lookup = raw[0], raw[1]
    old = wards[(wards["ward24_name"] == "Old Town") & (wards["ltla24_name"] == "Stevenage")]
    assert len(old) == 1
    msg = _error("Stevenage Old Town")
    assert f"the ward 'Old Town' is in Stevenage ({old['ltla24_code'].iloc[0]}), so find_area('Stevenage')" in msg
    dac = lookup[lookup["ltla24_name"] == "Dacorum"].iloc[0]
    assert (f"is in {dac['csp24_name']} ({dac['csp24_code']}), so find_area('Dacorum', level='csp')"
            in _error("Hemel Hempstead", level="csp"))
    assert (f"is in {dac['pfa24_name']} ({dac['pfa24_code']}), so find_area('Hertfordshire', level='force')"
            in _error("Hemel Hempstead", level="force"))
    n = _authorities_of_wards(wards, "North")["ltla24_code"].nunique()
    assert f"wards in {n} local authorities have 'North' in their names" in _error("North")
    with pytest.raises(UnknownAreaError, match="the ward 'Hemel Hempstead Town' is in Dacorum"):
        ss.StudyArea("Hemel Hempstead")


def _county(lookup: pd.DataFrame, force: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = lookup[lookup["pfa24_name"] == force].drop_duplicates("ltla24_code")
    e07 = rows["ltla24_code"].str.startswith("E07")
    return rows[e07], rows[~e07]


@pytest.mark.parametrize("query", ["Kent CC", "Kent County Council", "kent cc"])
def test_kent_county_council_is_its_districts_not_the_force_area(raw, query: str) -> None:  # type: ignore[no-untyped-def]
    """Before: "Kent CC" got "close matches: 'Kent'"; "Kent County Council" said "Kent is a police force
    area (pass level='force')" and that the force "also covers any unitary authority in the county",
    and at level='force' it was the force area (Medway's 279,768 residents too) without a word. Now it
    is refused at every level: the council's area is the raw lookup's 12 E07 districts of the force
    area (1,575,969 residents, raw LSOA cells summed), and the force area (1,855,737) also covers
    Medway."""
    _, lookup, by_la, _ = raw
    districts, unitary = _county(lookup, "Kent")
    assert len(districts) == 12 and unitary["ltla24_name"].tolist() == ["Medway"]
    n, f = int(by_la[districts["ltla24_code"]].sum()), int(by_la[[*districts["ltla24_code"], *unitary["ltla24_code"]]].sum())
    assert (n, f) == (1_575_969, 1_855_737)
    for level in ("la", "csp", "force", None):
        msg = " ".join(_error(query, level=level).split())
        assert "a county council is an upper-tier council, not a level here" in msg
        assert f"Kent County Council's area is its 12 districts, {', '.join(sorted(districts['ltla24_name']))} " \
               f"(Census 2021 {n:,} residents)" in msg
        assert f"'Kent' ({unitary['pfa24_code'].iloc[0]}, {f:,} residents) also covers the unitary authority Medway" in msg
        assert "(pass level='force')" not in msg


def test_essex_and_devon_county_councils(raw) -> None:  # type: ignore[no-untyped-def]
    """"Essex County Council" and "Devon County Council" (no force area of Devon's name: its districts
    are Devon and Cornwall's E07 authorities in the raw lookup, which adds Cornwall, the Isles of
    Scilly, Plymouth and Torbay); "Devon County Council" got "close matches: 'Devon & Cornwall'"."""
    _, lookup, by_la, _ = raw
    for query, force, county in (("Essex County Council", "Essex", "Essex"), ("Devon County Council", "Devon & Cornwall",
                                                                              "Devon")):
        districts, unitary = _county(lookup, force)
        msg = _error(query)
        assert (f"{county} County Council's area is its {len(districts)} districts, "
                f"{', '.join(sorted(districts['ltla24_name']))} (Census 2021 "
                f"{int(by_la[districts['ltla24_code']].sum()):,} residents)") in msg
        assert all(u in msg for u in unitary["ltla24_name"]) and f"find_area({force!r}, level='force')" in msg


def test_hertfordshire_county_council_is_exactly_the_force_area(raw) -> None:  # type: ignore[no-untyped-def]
    """Hertfordshire's force area is its ten E07 districts and nothing more (raw lookup), so the
    county council's area is the force area: "Herts CC" (was: "no close matches") is refused without a
    level, saying so with the call (find_area('Hertfordshire', level='force')) and the raw residents
    (1,198,832), and is the force area at level='force' and as a study area."""
    _, lookup, by_la, _ = raw
    districts, unitary = _county(lookup, "Hertfordshire")
    assert len(districts) == 10 and unitary.empty
    n = int(by_la[districts["ltla24_code"]].sum())
    for query in ("Herts CC", "Hertfordshire County Council", "Herts County Council"):
        msg = _error(query)
        assert "Hertfordshire is a police force area (pass level='force'), covering 10 local authorities" in msg
        assert (f"Hertfordshire County Council's area is its 10 districts (Census 2021 {n:,} residents), exactly the "
                f"police force area 'Hertfordshire' ({districts['pfa24_code'].iloc[0]}, {n:,} residents): "
                "for the county council's whole area pass find_area('Hertfordshire', level='force')") in msg
        assert ss.find_area(query, level="force")["code"] == districts["pfa24_code"].iloc[0]
    assert n == 1_198_832 and ss.StudyArea("Herts CC").code == districts["pfa24_code"].iloc[0]


def test_total_of_a_force_selection_is_its_rows(raw) -> None:  # type: ignore[no-untyped-def]
    """Before: census_population("la", force="Hertfordshire").attrs["total"] was England and Wales'
    59,597,576 beside rows summing to 1,198,832. Now ``total`` is the rows' sum, the raw LSOA cells
    of the raw lookup's ten authorities summed with pandas; ``england_wales_total`` keeps the raw
    file's whole sum; without force= nothing changes."""
    _, lookup, by_la, whole = raw
    herts = lookup.loc[lookup["pfa24_name"] == "Hertfordshire", "ltla24_code"]
    ref = int(by_la[herts].sum())
    assert (ref, whole) == (1_198_832, 59_597_576)
    for level in ("la", "csp", "lsoa", "force"):
        pop = ss.census_population(level, force="Hertfordshire")  # type: ignore[arg-type]
        assert (pop.attrs["total"], pop.attrs["england_wales_total"]) == (ref, whole) == (
            int(pop["population"].sum()), whole)
        assert pop.attrs["total_note"].startswith("total: the rows of hertfordshire, 1,198,832 residents")
    assert ss.census_population("la").attrs["total"] == whole
    assert "england_wales_total" not in ss.census_population("la").attrs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        det = ss.census_population("force", detailed=True, force="Herts")
    assert det.attrs["total"] == int(det["population"].sum()) < det.attrs["england_wales_total"]


def test_boundary_feature_without_geometry_is_counted_in_words() -> None:
    """The warning said "1 boundary feature(s) without a geometry were left out"; now, by
    saferstats.exceptions.number_of, "1 boundary feature without a geometry was left out"."""
    square = {"type": "Polygon", "coordinates": [[[-0.5, 51.5], [-0.4, 51.5], [-0.4, 51.6], [-0.5, 51.6], [-0.5, 51.5]]]}
    gj = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "A"}, "geometry": square},
        {"type": "Feature", "properties": {"code": "B"}, "geometry": None}]}
    with pytest.warns(SaferstatsWarning, match=r"^1 boundary feature without a geometry was left out$"):
        out = ss.assign_area([51.55], [-0.45], boundaries=gj)
    assert out.iloc[0, 0] == "A"

"""Session 36 (u7): a CSP analyst's Census questions - "our CSP's population by ethnic group in
2021, how it compares with 2011, and which force it is in" - for a Welsh CSP (Cwm Taf), the
councils merged since 2016 (Cumberland, Buckinghamshire) and a Greater Manchester borough (Bolton).

References: the bundled Census 2011 QS201EW file by local authority
(``saferstats/data/census2011_ethnic_group_by_la.csv``, with ONS's December 2016 LAD -> CSP codes
in its own columns) read with plain pandas; ONS's raw Census 2021 TS021 LSOA table and LSOA ->
LA (2024) -> CSP -> PFA lookups in shared data read with pandas; the ONS codes written out here
(Cwm Taf W14000023, Rhondda Cynon Taf CSP 2016 W14000016, Merthyr Tydfil CSP 2016 W14000017,
Bolton CSP E22000099, Greater Manchester E23000005).
"""
from __future__ import annotations

import importlib.resources as ir
import warnings

import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.exceptions import AmbiguousAreaError, UnknownAreaError

TOTAL = "Ethnic Group: All categories: Ethnic group; measures: Value"


@pytest.fixture(scope="module")
def raw2011() -> pd.DataFrame:
    """QS201EW by 2016 district as bundled, read with pandas (no saferstats code)."""
    with (ir.files("saferstats") / "data" / "census2011_ethnic_group_by_la.csv").open("rb") as fh:
        return pd.read_csv(fh)


@pytest.fixture(scope="module")
def raw2021(shared_data) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """TS021 LSOA counts summed by December 2024 authority and CSP from ONS's raw files."""
    base = "population/census2021_ew/"
    lsoa = pd.read_csv(shared_path(shared_data, base + "ts021_ethnic_group_lsoa21.csv"))
    la = pd.read_csv(shared_path(shared_data, base + "lookup_lsoa21_ward24_ltla24.csv"), dtype=str)
    csp = pd.read_csv(shared_path(shared_data, base + "lookup_ltla24_csp24_pfa24.csv"), dtype=str)
    by_la = lsoa.merge(la, on="lsoa21_code").groupby("ltla24_code")["total_residents"].sum()
    return csp.assign(la_total=csp["ltla24_code"].map(by_la))


def test_2011_csp_table_gives_the_2024_csp_so_cwm_taf_compares_with_2021(raw2011, raw2021) -> None:  # type: ignore[no-untyped-def]
    """Before: census_population("csp", census=2011) had the CSPs of ONS's 2016 lookup only, so
    Cwm Taf (W14000023, formed in 2019 from the CSPs Rhondda Cynon Taf W14000016 and Merthyr Tydfil
    W14000017) had no 2011 row and a merge of the two Censuses on csp_code lost it without a word.
    Now csp_code_2024 names each 2016 CSP's December 2024 CSP. Reference: the raw 2011 file's
    totals of the two districts (234,410 + 58,802 = 293,212) and the raw 2021 LSOA sums (296,519)."""
    old = ss.census_population("csp", census=2011)
    new = ss.census_population("csp")
    assert "W14000023" not in set(old["csp_code"])  # the 2016 codes, as the table has always had
    raw_cwm = int(raw2011.loc[raw2011["CSP16CD"].isin(["W14000016", "W14000017"]), TOTAL].sum())
    assert raw_cwm == 234_410 + 58_802 == 293_212
    assert int(old.loc[old["csp_code_2024"] == "W14000023", "population"].sum()) == raw_cwm
    assert set(old.loc[old["csp_code_2024"] == "W14000023", "csp_2024"]) == {"Cwm Taf"}
    assert old.attrs["changed_by_2024"] == {"W14000016": "W14000023", "W14000017": "W14000023"}
    # every December 2024 CSP now finds its 2011 population, and none is counted twice
    by11 = old.groupby(["csp_code_2024", "ethnicity"], as_index=False)["population"].sum()
    both = new.merge(by11.rename(columns={"csp_code_2024": "csp_code"}), on=["csp_code", "ethnicity"], how="left",
                     suffixes=("", "_2011"))
    assert both["population_2011"].notna().all() and both["csp_code"].nunique() == 314
    assert int(both["population_2011"].sum()) == 56_075_912 == int(raw2011[TOTAL].sum())
    cwm21 = int(raw2021.loc[raw2021["csp24_code"] == "W14000023"].drop_duplicates("ltla24_code")["la_total"].sum())
    assert cwm21 == 296_519 == int(both.loc[both["csp_code"] == "W14000023", "population"].sum())
    # one force area's table keeps its own changed codes only
    sw = ss.census_population("csp", census=2011, force="South Wales")
    assert sw.attrs["changed_by_2024"] == {"W14000016": "W14000023", "W14000017": "W14000023"}
    assert ss.census_population("csp", census=2011, force="Cumbria").attrs["changed_by_2024"] == {}


def test_2011_la_table_gives_the_merged_districts_their_2024_authority(raw2011) -> None:  # type: ignore[no-untyped-def]
    """Before: the 2011 table's districts merged since 2016 (41 codes) found no row of the 2021
    table by local authority (Cumberland, Buckinghamshire, North Yorkshire, Somerset, ...). Now
    la_code_2024 names the authority each became part of. Reference: the raw 2011 file's districts
    (Allerdale 96,422 + Carlisle 107,524 + Copeland 70,603 = Cumberland 274,549; Buckinghamshire's
    four districts)."""
    old = ss.census_population("la", census=2011)
    assert len(old.attrs["changed_by_2024"]) == 41
    raw = raw2011.set_index("LAD16NM")[TOTAL]
    cumberland = int(raw[["Allerdale", "Carlisle", "Copeland"]].sum())
    assert cumberland == 274_549 == int(old.loc[old["la_code_2024"] == "E06000063", "population"].sum())
    bucks = int(raw[["Aylesbury Vale", "Chiltern", "South Bucks", "Wycombe"]].sum())
    assert bucks == int(old.loc[old["la_2024"] == "Buckinghamshire", "population"].sum())
    new = ss.census_population("la")
    by11 = old.groupby("la_code_2024")["population"].sum()
    assert set(by11.index) == set(new["la_code"]) and int(by11.sum()) == 56_075_912
    # the old columns are as they were, the new ones before ethnicity
    cols = list(old.columns)
    assert cols[:4] == ["la", "la_code", "csp", "force"] and cols[4:6] == ["la_2024", "la_code_2024"]
    assert cols[-3:] == ["ethnicity", "population", "census"]
    assert list(ss.census_population("force", census=2011).columns) == [
        "force", "force_name", "force_code", "ethnicity", "population", "census"]


@pytest.mark.parametrize("level", [None, "la", "csp", "force"])
def test_find_area_names_what_a_2016_welsh_csp_code_is_now(level) -> None:  # type: ignore[no-untyped-def]
    """Before: W14000016, the code the 2011 CSP table gives Rhondda Cynon Taf, got "no close
    matches; if 'W14000016' is a town or a village, use the CSP it is in". Now the error names the
    CSP it is part of since 2019, Cwm Taf (W14000023), with the other 2016 CSP (Merthyr Tydfil,
    W14000017); at level='force' the force area, South Wales (W15000003)."""
    with pytest.raises(UnknownAreaError) as e:
        ss.find_area("W14000016", level=level)
    text = " ".join(str(e.value).split())
    assert "town or a village" not in text
    assert "'Rhondda Cynon Taf'" in text and "'Cwm Taf' (W14000023)" in text and "(W14000017)" in text
    if level == "force":
        assert "'South Wales' (W15000003)" in text
    if level is None:  # a study area (hotspot functions' study_area=) is refused the same way
        with pytest.raises(UnknownAreaError) as e:
            ss.StudyArea("w14000017")
        assert "'Cwm Taf' (W14000023)" in str(e.value) and "town or a village" not in str(e.value)


def test_find_area_takes_a_csp_named_with_csp_after_it() -> None:
    """Before: "Bolton CSP" (as CSP analysts write their partnership's name) was refused at
    level='csp' with the wards whose names hold "Bolton", in Bradford and Bolton. Now it is the CSP
    Bolton (E22000099); at another level it is refused naming that CSP and its force area (Greater
    Manchester, E23000005); "Buckinghamshire CSP" gets the CSP lookup's own explanation (four CSPs
    follow its former districts) and "Newcastle CSP" is two CSPs, named."""
    for q in ("Bolton CSP", "Bolton Community Safety Partnership", "bolton  csp"):
        assert ss.find_area(q, level="csp") == {"level": "csp", "code": "E22000099", "name": "Bolton"}
    assert ss.find_area("Cwm Taf CSP", level="csp")["code"] == "W14000023"
    assert str(ss.StudyArea("Bolton CSP")).startswith("StudyArea(Bolton, CSP E22000099")
    for level in (None, "la", "force"):
        with pytest.raises(UnknownAreaError) as e:
            ss.find_area("Bolton CSP", level=level)  # type: ignore[arg-type]
        text = str(e.value)
        assert "'Bolton' (E22000099" in text and "'Greater Manchester', E23000005" in text
        assert "Bradford" not in text
    with pytest.raises(UnknownAreaError) as e:
        ss.find_area("Buckinghamshire CSP", level="csp")
    assert all(c in str(e.value) for c in ("'Aylesbury Vale' (E22000303)", "'Wycombe' (E22000318)"))
    with pytest.raises(AmbiguousAreaError):
        ss.find_area("Newcastle CSP")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ss.find_area("Bolton", level="csp")["code"] == "E22000099"  # the plain name as before


def test_census_population_force_given_a_csp_names_its_force_and_the_call() -> None:
    """Before: census_population("csp", force="Cwm Taf") (an analyst asking for their own CSP) said
    only "force='Cwm Taf' is none of the 43 police force areas". Now the error says Cwm Taf is a CSP
    (W14000023) in the force area South Wales and gives the call and the rows to keep; for Census
    2011 the rows by the December 2024 CSP (csp_2024); a local authority (Bolton is both: the CSP is
    named) likewise. Reference: the codes written out in the module docstring."""
    with pytest.raises(UnknownAreaError) as e:
        ss.census_population("csp", force="Cwm Taf")
    text = str(e.value)
    assert e.value.argument == "force" and "none of the 43 police force areas" in text
    assert "'Cwm Taf' is a CSP (W14000023) in the police force area 'South Wales'" in text
    assert "census_population('csp', force='south-wales') and keep its rows, csp == 'Cwm Taf'" in text
    with pytest.raises(UnknownAreaError) as e:
        ss.census_population("csp", census=2011, force="Cwm Taf")
    assert "census_population('csp', census=2011, force='south-wales') and keep its rows, csp_2024 == 'Cwm Taf'" \
        in str(e.value)
    with pytest.raises(UnknownAreaError) as e:
        ss.census_population("lsoa", force="Bolton")
    assert "'Bolton' is a CSP (E22000099) in the police force area 'Greater Manchester'" in str(e.value)
    assert "census_population('lsoa', force='greater-manchester')" in str(e.value)
    with pytest.raises(UnknownAreaError) as e:
        ss.census_population("csp", force="Buckinghamshire")
    assert "local authority (E06000060) in the police force area 'Thames Valley'" in str(e.value)
    with pytest.raises(UnknownAreaError) as e:
        ss.census_population("csp", force="Nowhereshire")
    assert "is a CSP" not in str(e.value) and "is a local authority" not in str(e.value)


@pytest.mark.parametrize("query", [None, "", "   ", 12])
def test_find_area_without_a_name_says_so(query) -> None:  # type: ignore[no-untyped-def]
    """Before: find_area(None) / find_area("") said "if None is a town or a village, use the local
    authority it is in". Now: the query must be an area's name or ONS code."""
    with pytest.raises(UnknownAreaError) as e:
        ss.find_area(query)
    assert "must be an area's name or ONS code" in str(e.value) and "town" not in str(e.value)
    assert e.value.argument == "query"


def test_find_area_reads_the_welsh_councils_own_names() -> None:
    """Before: a Welsh council's name as the council writes it ("Cyngor Caerdydd", "Cyngor
    Bwrdeistref Sirol Wrecsam") got "no close matches; if ... is a town or a village" although
    "Caerdydd" and "Wrecsam" were read; "Cyngor Sir Gâr" and "Cyngor Sir Penfro" (the short and
    mutated forms) too, and "Merthyr" (Merthyr Tydfil's everyday name). Reference: the 22 ONS codes of
    the Welsh authorities, written out."""
    councils = {
        "Cyngor Caerdydd": "W06000015", "Cyngor Sir Ynys Môn": "W06000001", "Cyngor Gwynedd": "W06000002",
        "Cyngor Bwrdeistref Sirol Conwy": "W06000003", "Cyngor Sir Ddinbych": "W06000004",
        "Cyngor Sir y Fflint": "W06000005", "Cyngor Bwrdeistref Sirol Wrecsam": "W06000006",
        "Cyngor Sir Ceredigion": "W06000008", "Cyngor Sir Penfro": "W06000009", "Cyngor Sir Gâr": "W06000010",
        "Cyngor Dinas a Sir Abertawe": "W06000011", "Cyngor Castell-nedd Port Talbot": "W06000012",
        "Cyngor Bwrdeistref Sirol Pen-y-bont ar Ogwr": "W06000013", "Cyngor Bro Morgannwg": "W06000014",
        "Cyngor Bwrdeistref Sirol Rhondda Cynon Taf": "W06000016", "Cyngor Bwrdeistref Sirol Caerffili": "W06000018",
        "Cyngor Bwrdeistref Sirol Blaenau Gwent": "W06000019", "Cyngor Bwrdeistref Sirol Torfaen": "W06000020",
        "Cyngor Sir Fynwy": "W06000021", "Cyngor Dinas Casnewydd": "W06000022", "Cyngor Sir Powys": "W06000023",
        "Cyngor Bwrdeistref Sirol Merthyr Tudful": "W06000024",
    }
    for name, code in councils.items():
        assert ss.find_area(name)["code"] == code, name
    assert ss.find_area("Cyngor Caerdydd", level="csp")["code"] == "W14000015"
    # "Merthyr", as the county borough is called (it got the wards "Merthyr Vale" and Bridgend's "Merthyr Mawr")
    assert ss.find_area("Merthyr") == {"level": "la", "code": "W06000024", "name": "Merthyr Tydfil"}
    with pytest.raises(UnknownAreaError) as e:  # part of Cwm Taf: said so, as for the English name
        ss.find_area("Cyngor Bwrdeistref Sirol Rhondda Cynon Taf", level="csp")
    assert "'Cwm Taf' (W14000023)" in str(e.value)

"""Session 29 (w48a): Census 2021 TS021 by CSP from the authority table left out the CSPs that hold
part of an authority split across CSPs (BCP, Buckinghamshire, North and West Northamptonshire, East
Suffolk) with a warning cut at six names, no residents and nothing in ``attrs["dropped"]``; the
report stopped with "no population for Wycombe ... no close matches".

Independent reference: the raw TS021 LSOA file summed with pandas over the raw ONS lookups
(LSOA 2021 -> local authority December 2024 -> CSP, force) in ``population/census2021_ew``.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path

CEN = "population/census2021_ew/"
LA_FILE = CEN + "ts021_ethnic_group_detailed_ltla21.csv"
LSOA_FILE = CEN + "ts021_ethnic_group_lsoa21.csv"
GROUPS = ("asian", "black", "mixed", "other", "white")


def _read(path, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        pop = ss.read_census_ethnicity(path, **kw)
    return pop, [str(x.message) for x in w if issubclass(x.category, ss.SaferstatsWarning)]


def _raw(shared_data):
    """The raw LSOA file joined to the raw LSOA -> authority lookup; the raw authority -> CSP lookup;
    the raw authority table's codes."""
    raw = pd.read_csv(shared_path(shared_data, LSOA_FILE))
    lk = pd.read_csv(shared_path(shared_data, CEN + "lookup_lsoa21_ward24_ltla24.csv"), dtype=str)
    csp = pd.read_csv(shared_path(shared_data, CEN + "lookup_ltla24_csp24_pfa24.csv"), dtype=str)
    la21 = pd.read_csv(shared_path(shared_data, LA_FILE))
    return raw.merge(lk[["lsoa21_code", "ltla24_code", "ltla24_name"]], on="lsoa21_code", how="left"), csp, la21


def _split(csp: pd.DataFrame, la21: pd.DataFrame) -> tuple[dict[str, set[str]], set[str]]:
    """Authorities of the 2021 file that the December 2024 lookup splits across CSPs -> their CSPs;
    and every authority of those CSPs (Dorset CSP is Dorset and part of BCP)."""
    n = csp.groupby("ltla24_code")["csp24_code"].nunique()
    split = {la: set(csp.loc[csp["ltla24_code"] == la, "csp24_code"]) for la in n[n > 1].index
             if la in set(la21["ltla21_code"])}  # (Cumberland's 2021 districts are in the file: whole)
    codes = set().union(*split.values())
    return split, set(csp.loc[csp["csp24_code"].isin(codes), "ltla24_code"])


def test_authority_table_by_csp_names_every_csp_left_out(shared_data):
    """Before: the warning named six of the 15 CSPs ("..."), no residents, and attrs['dropped'] was
    empty. Now every one is named with its residents and the authority it is part of, recorded in
    attrs['dropped'], and the warning says to read the LSOA table with level='csp'."""
    raw, csp, la21 = _raw(shared_data)
    split, las = _split(csp, la21)
    assert sorted(split) == ["E06000058", "E06000060", "E06000061", "E06000062", "E07000244"]
    codes = set().union(*split.values())
    assert len(codes) == 15
    pop, said = _read(shared_path(shared_data, LA_FILE), level="csp")
    assert not codes & set(pop["csp_code"])
    msg = next(s for s in said if "left out" in s)
    names = csp.drop_duplicates("csp24_code").set_index("csp24_code")
    for c in codes:
        assert f"{names.at[c, 'csp24_name']} ({c}, " in msg, c
    assert "..." not in msg
    assert "read_census_ethnicity(path, level='csp')" in msg and "ts021_ethnic_group_lsoa21.csv" in msg
    # the residents: each CSP's as the warning and the records give it; those of each split authority's
    # CSPs sum to the raw LSOAs of that authority (with Dorset's for Dorset CSP)
    dropped = list(pop.attrs["dropped"])
    got = {r["csp_code"]: r["csp_residents"] for r in dropped}
    assert set(got) == codes
    for c, n in got.items():
        assert f"{names.at[c, 'csp24_name']} ({c}, {n:,} residents; lacking its part of " in msg
    total = int(raw.loc[raw["ltla24_code"].isin(las), "total_residents"].sum())
    assert sum(got.values()) == total == 2_362_267 and f"{total:,} residents by LSOA counts" in msg
    by_la = raw.groupby("ltla24_code")["total_residents"].sum()
    for la, cs in split.items():
        extra = sorted(set(csp.loc[csp["csp24_code"].isin(cs), "ltla24_code"]) - {la})  # Dorset in Dorset CSP
        assert sum(got[c] for c in cs) == by_la[[la, *extra]].sum(), la
    # each record: the authority's line of the file, its code, the CSP
    lines = {code: i + 2 for i, code in enumerate(la21["ltla21_code"])}
    for r in dropped:
        assert r["source_file"] == "ts021_ethnic_group_detailed_ltla21.csv" and r["column"] == "la_code"
        assert r["source_line"] == lines[r["value"]] and r["value"] in las
    wycombe = next(r for r in dropped if r["csp"] == "Wycombe")
    assert wycombe["value"] == "E06000060" and wycombe["la"] == "Buckinghamshire"
    assert {r["value"] for r in dropped if r["csp"] == "Dorset"} == {"E06000058", "E06000059"}


def test_lsoa_table_read_by_csp(shared_data):
    """Before: the LSOA table at level='csp' was refused ("pass level='lsoa'"). Now its LSOAs are summed
    to their CSP: all 314, the split authorities' CSPs too."""
    raw, csp, la21 = _raw(shared_data)
    split, _ = _split(csp, la21)
    pop, said = _read(shared_path(shared_data, LSOA_FILE), level="csp")
    assert not [s for s in said if s.startswith("read_census_ethnicity")]
    assert list(pop.columns) == ["csp", "csp_code", "force", "ethnicity", "population", "census"]
    assert pop["csp_code"].nunique() == csp["csp24_code"].nunique() == 314
    assert int(pop["population"].sum()) == int(raw["total_residents"].sum()) == 59_597_576
    got = pop.pivot(index="csp_code", columns="ethnicity", values="population")
    got.columns = [c.lower() for c in got.columns]
    # every CSP whose authorities are each in that CSP alone: the raw LSOAs over the raw lookups
    n = csp.groupby("ltla24_code")["csp24_code"].nunique()
    one = csp[csp["ltla24_code"].isin(n[n == 1].index)]
    whole = set(one["csp24_code"]) - set(csp.loc[~csp["ltla24_code"].isin(n[n == 1].index), "csp24_code"])
    hand = raw.merge(one[["ltla24_code", "csp24_code"]], on="ltla24_code").groupby("csp24_code")[list(GROUPS)].sum()
    hand = hand.loc[sorted(whole)]
    pd.testing.assert_frame_equal(got.loc[hand.index, list(GROUPS)], hand, check_dtype=False, check_names=False)
    # the CSPs of each split authority: each group sums to the authority's raw LSOAs (and Dorset's)
    for la, cs in split.items():
        las = set(csp.loc[csp["csp24_code"].isin(cs), "ltla24_code"])
        want = raw.loc[raw["ltla24_code"].isin(las), list(GROUPS)].sum()
        assert (got.loc[sorted(cs), list(GROUPS)].sum() == want).all(), la
    assert pop.attrs["census"] == 2021 and "LSOA" in pop.attrs["table"]
    assert pop.attrs["geography"].startswith("Community Safety Partnerships")


def test_lsoa_table_by_csp_refuses_a_code_in_no_csp(tmp_path):
    """A code that is no LSOA 2021 (an LSOA 2011 code replaced in 2021) would be in no CSP's total."""
    f = tmp_path / "lsoa.csv"
    f.write_text("lsoa21_code,asian,black,mixed,white,other,total_residents\nE01000001,158,11,56,1181,68,1474\n"
                 "E01000004,1,1,1,1,1,5\n")  # (E01000004: not in the ONS LSOA 2021 lookup)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ok = ss.read_census_ethnicity(f, level="lsoa")
        assert ok.loc[ok["lsoa_code"] == "E01000004", "csp"].isna().all()
        with pytest.raises(ss.InvalidInputError, match=r"level='csp' needs every code to be an LSOA 2021 .*"
                                                       r"\['E01000004'\]") as e:
            ss.read_census_ethnicity(f, level="csp")
    assert e.value.argument == "level"


def test_lsoa_moved_to_cherwell(shared_data, tmp_path):
    """E01027305 (1,914 residents): the authority table counts it in West Northamptonshire (2021
    boundaries), the ONS lookup of 2024 in Cherwell. The LSOA route places it in Cherwell CSP."""
    raw, csp, la21 = _raw(shared_data)
    row = raw[raw["lsoa21_code"] == "E01027305"]
    assert int(row["total_residents"].iat[0]) == 1914 and row["ltla24_name"].iat[0] == "Cherwell"
    lsoa, _ = _read(shared_path(shared_data, LSOA_FILE), level="lsoa")
    mine = lsoa[lsoa["lsoa_code"] == "E01027305"]
    assert set(mine["la"]) == {"Cherwell"} and set(mine["csp"]) == {"Cherwell"}
    assert set(mine["force"]) == {"thames-valley"} and int(mine["population"].sum()) == 1914
    by_csp, _ = _read(shared_path(shared_data, LSOA_FILE), level="csp")
    cher = int(by_csp.loc[by_csp["csp"] == "Cherwell", "population"].sum())
    assert cher == int(raw.loc[raw["ltla24_name"] == "Cherwell", "total_residents"].sum())
    # the authority table: West Northamptonshire holds it (its row less the 2024 LSOAs: 1,914 but for ONS's
    # perturbation), Cherwell lacks it
    la_tab = la21.set_index("ltla21_name").drop(columns="ltla21_code").sum(axis=1)
    wn = int(raw.loc[raw["ltla24_name"] == "West Northamptonshire", "total_residents"].sum())
    assert abs(int(la_tab["West Northamptonshire"]) - wn - 1914) <= 30
    assert abs(int(la_tab["Cherwell"]) - (cher - 1914)) <= 30


def _thames_valley_file(shared_data, folder):
    """Forty real police.uk rows (Essex, January 2020) given a location in High Wycombe and a Thames
    Valley file name: no Thames Valley file is shared, and only the place of the searches matters."""
    src = shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02/2020-01-essex-stop-and-search.csv")
    d = pd.read_csv(src).head(40).assign(Latitude=51.6286, Longitude=-0.7482)
    f = folder / "2020-01-thames-valley-stop-and-search.csv"
    d.to_csv(f, index=False)
    return f, d


def _report(tmp_path, files, population):
    from saferstats.__main__ import main

    cfg = tmp_path / "a.toml"
    cfg.write_text(f'title = "T"\narea = "Thames Valley"\n[stop_search]\nfiles = ["{files}"]\nby = ["csp"]\n'
                   f'population = "{population}"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"])


def test_report_refusal_names_the_lsoa_table(shared_data, tmp_path, capsys):
    """Before: "no population for {'csp': 'Wycombe', ...}: csp 'Wycombe' is not in it; no close matches".
    Now the refusal says why and to pass the LSOA table, which then gives Wycombe's residents."""
    f, rows = _thames_valley_file(shared_data, tmp_path)
    assert _report(tmp_path, f, shared_path(shared_data, LA_FILE)) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "no close matches" not in err
    said = re.search(r"\[stop_search\] population: ts021_ethnic_group_detailed_ltla21.csv, the Census 2021 table by "
                     r"local authority, cannot give the residents of Wycombe CSP \(E22000318, ([\d,]+) residents by "
                     r"LSOA counts\), where searches are placed: the CSP lacks its part of Buckinghamshire "
                     r"\(E06000060\)", err)
    assert said is not None, err
    assert "Pass the Census 2021 TS021 table by LSOA as [stop_search] population (ts021_ethnic_group_lsoa21.csv" in err
    raw, _, _ = _raw(shared_data)
    assert 0 < int(said.group(1).replace(",", "")) < int(
        raw.loc[raw["ltla24_name"] == "Buckinghamshire", "total_residents"].sum())  # a part of it
    # the fix it names: the LSOA table by CSP
    out = tmp_path / "lsoa"
    out.mkdir()
    assert _report(out, f, shared_path(shared_data, LSOA_FILE)) == 0
    d = pd.read_csv(out / "o" / "stop_search_disproportionality.csv", dtype=str, keep_default_na=False)
    assert set(d["csp"]) == {"Wycombe"}
    assert sum(int(x) for x in d["population"]) == int(said.group(1).replace(",", ""))  # the residents it said
    white = rows["Self-defined ethnicity"].astype(str).str.startswith("White").sum()
    assert int(d.loc[d["group"] == "White", "searches"].iat[0]) == white
    page = (out / "o" / "index.html").read_text()
    assert "summed from its LSOAs 2021 to Community Safety Partnerships" in " ".join(page.split())

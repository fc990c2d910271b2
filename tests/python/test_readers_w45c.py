"""Session 28, w45c: published readers on the files as published (FixMyStreet, Census 2021 TS021 by
LSOA, Defra's fly-tipping table, the 2011 LA demographics file) and Dacorum's LSOAs.

3. Dacorum's LSOAs were a range of codes (E01023345-E01023438: East Hertfordshire's E01023438 and
   the non-code E01023353 in, E01033022/3 out); they are now taken from the ONS lookups, and the
   figures the docs and the concentration docstring/warning give are those of the lookup's LSOAs.
"""

from __future__ import annotations

import glob
import inspect
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError
from saferstats.hotspot import evaluate
from conftest import shared_path
from test_flytip_w42e import dacorum_lsoa11
from warning_capture import saferstats_messages

ROOT = Path(__file__).resolve().parents[2]
LSOA19 = "fly_tipping/fixmystreet_LSOA_yearly/2019.csv"


def _gini(x: np.ndarray) -> float:
    """The sample Gini (R ineq::Gini), written out."""
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    return float(2 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum()) - (n + 1) / n)


# --------------------------------------------------------------------------- 3. Dacorum's LSOAs
def test_dacorum_lsoas_from_the_lookup(shared_data):
    d11 = dacorum_lsoa11(shared_data)
    assert len(d11) == 94 and {"E01033022", "E01033023", "E01023398"} <= d11
    assert "E01023438" not in d11 and "E01023353" not in d11
    # police.uk's street files (LSOA 2011 code and name) name the same 94 LSOAs "Dacorum ..."
    files = sorted(glob.glob(str(shared_path(shared_data, "street_crime") / "*hertfordshire-street.csv")))
    st = pd.concat(pd.read_csv(f, usecols=["LSOA code", "LSOA name"]) for f in files)
    assert set(st.loc[st["LSOA name"].str.startswith("Dacorum ", na=False), "LSOA code"]) == d11
    raw = pd.read_csv(shared_path(shared_data, LSOA19))
    a29 = raw[raw["SHEF_A_CODE"] == "A29"].set_index("lsoa")["reports"]
    listed = a29[a29.index.isin(d11)]
    full = listed.reindex(sorted(d11), fill_value=0)
    assert (len(listed), int(listed.sum())) == (46, 154)
    g_listed, g_full = _gini(listed.to_numpy()), _gini(full.to_numpy())
    assert (round(g_listed, 2), round(g_full, 2)) == (0.50, 0.76)
    c = saferstats.concentration(full)
    assert c.gini == pytest.approx(g_full)
    # what the docs, the docstring and the warning say
    doc = (ROOT / "docs/methods/hotspot_intelligence.md").read_text(encoding="utf-8")
    assert "fall in 46\nof Dacorum's 94 LSOAs 2011" in doc and "E01023345" not in doc
    assert f"{round(100 * c.share_of_events(0.05), 1)}% of the {int(listed.sum())}\nreports" in doc
    assert "Gini\n0.50 over the 46, 0.76 over the 94" in doc
    src = inspect.getsource(evaluate)
    assert "in 46 of its 94 LSOAs 2011" in src and "0.50 over the 46 LSOAs listed" in src
    assert "45 of its 94" not in src


# --------------------------------------------------------------------------- 1. FixMyStreet's UK areas
def _a29(path) -> pd.DataFrame:
    raw = pd.read_csv(path)
    return raw[raw["SHEF_A_CODE"] == "A29"].reset_index(drop=True)


def test_fixmystreet_names_each_kind_of_area(shared_data):
    path = shared_path(shared_data, LSOA19)
    fms, msgs = saferstats_messages(saferstats.read_fixmystreet, path)
    a29 = _a29(path)
    ew = a29["lsoa"].str.match(r"[EW]01")
    sc = a29["lsoa"].str.startswith("S01")
    ni = a29["lsoa"].str.startswith("95")
    assert (int(ew.sum()), int(sc.sum()), int(ni.sum()), len(a29)) == (8756, 352, 13, 9121)
    eng = a29["lsoa"].str.startswith("E01")
    one = a29["unique_users"] == 1
    # England alone 56% (4,687 of 8,310), England and Wales 57%, every area 58%
    assert round(100 * (one & eng).sum() / eng.sum()) == 56 and round(100 * one.sum() / len(a29)) == 58
    n_one_ew = int((one & ew).sum())
    said = [m for m in msgs if m.startswith("read_fixmystreet")]
    assert len(said) == 1
    msg = said[0]
    assert (f"8,756 LSOAs of England and Wales, 352 Scottish data zones, 13 Northern Ireland super output areas "
            f"(365 outside England and Wales); {n_one_ew:,} of the 8,756 LSOAs of England and Wales "
            f"({100 * n_one_ew / 8756:.0f}%) had one user") in msg
    assert f"{int(one.sum()):,} of all 9,121 areas" in msg and "other codes" not in msg
    assert fms.attrs["fixmystreet"]["areas"] == {"england_wales": 8756, "scotland": 352, "northern_ireland": 13}
    # the LAD file: Scotland's council areas and Northern Ireland's districts, named as such
    lad_path = shared_path(shared_data, "fly_tipping/fixmystreet_LAD_yearly/2019.csv")
    lad, lmsgs = saferstats_messages(saferstats.read_fixmystreet, lad_path)
    la = _a29(lad_path)["lad"]
    n_sc, n_ni = int(la.str.startswith("S12").sum()), int(la.str.startswith("N09").sum())
    assert (n_sc, n_ni) == (25, 5)
    assert f"{len(la) - 30:,} local authority districts of England and Wales, 25 Scottish council areas, " \
           "5 Northern Ireland districts" in next(m for m in lmsgs if m.startswith("read_fixmystreet"))


# --------------------------------------------------------------------------- 2. several years, one table
def test_fixmystreet_several_years_keep_their_attrs(shared_data):
    folder = shared_path(shared_data, "fly_tipping/fixmystreet_LSOA_yearly")
    paths = [folder / "2018.csv", folder / "2019.csv"]
    both, msgs = saferstats_messages(saferstats.read_fixmystreet, paths)
    raw = {y: _a29(folder / f"{y}.csv") for y in (2018, 2019)}
    for y, r in raw.items():
        part = both[both["year"] == y]
        assert part["lsoa_code"].tolist() == r["lsoa"].tolist() and part["reports"].tolist() == r["reports"].tolist()
    assert int(both["reports"].sum()) == int(raw[2018]["reports"].sum()) + 64_400
    fx = both.attrs["fixmystreet"]
    assert fx["years"] == [2018, 2019] and set(fx["notes"]) == {"2018.csv", "2019.csv"}
    assert fx["counts"] == "reports" and fx["codes"] == "LSOA 2011"
    assert both.attrs["summary"]["file"] == ["2018.csv", "2019.csv"]
    assert both.attrs["summary"]["single_user_areas"] == sum(int((r["unique_users"] == 1).sum()) for r in raw.values())
    said = [m for m in msgs if m.startswith("read_fixmystreet")]
    assert len(said) == 1 and "2018.csv: 8,381 areas" in said[0] and "2019.csv: 9,121 areas" in said[0]
    # a folder reads its <year>.csv files (not CODES_SHEF_A.csv)
    same, _ = saferstats_messages(saferstats.read_fixmystreet, folder)
    assert same["lsoa_code"].tolist() == both["lsoa_code"].tolist()
    # pd.concat of one-year tables loses them: the reason for the list
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        glued = pd.concat([saferstats.read_fixmystreet(p) for p in paths])
    assert "fixmystreet" not in glued.attrs
    with pytest.raises(InvalidInputError, match="both 2019"):
        _twice(folder)
    with pytest.raises(InvalidInputError, match="different levels") as e:
        saferstats.read_fixmystreet([folder / "2019.csv",
                                     shared_path(shared_data, "fly_tipping/fixmystreet_LAD_yearly/2018.csv")])
    assert e.value.argument == "path"


def _twice(folder: Path) -> None:
    """The 2019 file given twice under two names (a copy): refused, not double-counted."""
    import shutil
    import tempfile
    other = Path(tempfile.mkdtemp()) / "2019.csv"
    shutil.copy(folder / "2019.csv", other)
    saferstats.read_fixmystreet([folder / "2019.csv", other])


# --------------------------------------------------------------------------- 4. TS021 by LSOA
CENSUS = "population/census2021_ew"


def test_census_ethnicity_lsoa_table_as_published(shared_data):
    path = shared_path(shared_data, f"{CENSUS}/ts021_ethnic_group_lsoa21.csv")
    with pytest.raises(InvalidInputError, match="pass level='lsoa'") as e:
        saferstats.read_census_ethnicity(path)
    assert e.value.argument == "level"
    pop, msgs = saferstats_messages(saferstats.read_census_ethnicity, path, level="lsoa")
    assert not [m for m in msgs if m.startswith("read_census_ethnicity")]
    assert list(pop.columns) == ["lsoa", "lsoa_code", "ward", "ward_code", "la", "la_code", "csp", "csp_code", "force",
                                 "ethnicity", "population", "census"]
    raw = pd.read_csv(path)
    lk = pd.read_csv(shared_path(shared_data, f"{CENSUS}/lookup_lsoa21_ward24_ltla24.csv"))
    assert len(pop) == 5 * len(raw) and int(pop["population"].sum()) == int(raw["total_residents"].sum()) == 59_597_576
    first = pop[pop["lsoa_code"] == raw["lsoa21_code"].iat[0]].set_index("ethnicity")["population"]
    assert first.to_dict() == {g.capitalize(): int(raw[g].iat[0]) for g in ("asian", "black", "mixed", "other", "white")}
    # each authority's LSOA rows: the raw file summed over the raw ONS lookup
    hand = raw.merge(lk, on="lsoa21_code").groupby("ltla24_code")[["asian", "black", "mixed", "other", "white"]].sum()
    ours = pop.pivot_table(index="la_code", columns="ethnicity", values="population", aggfunc="sum")
    ours.columns = [c.lower() for c in ours.columns]
    pd.testing.assert_frame_equal(ours.sort_index(), hand.sort_index().rename_axis("la_code"), check_dtype=False)
    # ... against the authority table (TS021 by LTLA, 19 groups): Stevenage's LSOAs sum to its row
    la = saferstats_messages(saferstats.read_census_ethnicity, shared_path(
        shared_data, f"{CENSUS}/ts021_ethnic_group_detailed_ltla21.csv"))[0]
    steven_la = la[la["la"] == "Stevenage"]
    steven = pop[pop["la"] == "Stevenage"]
    assert int(steven["population"].sum()) == int(steven_la["population"].sum()) == 89_498
    by_group = steven.groupby("ethnicity")["population"].sum() - steven_la.set_index("ethnicity")["population"]
    assert by_group.abs().max() <= 20  # ONS's perturbation of each table, apart
    # same columns as census_population("lsoa") (the bundled table of the same Census)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bundled = saferstats.census_population("lsoa")
    assert list(bundled.columns) == list(pop.columns)


def test_census_ethnicity_lsoa_refusals(tmp_path):
    f = tmp_path / "lsoa.csv"
    f.write_text("lsoa21_code,asian,black,mixed,white,other,total_residents\nE01023395,10,5,5,100,2,123\n")
    with pytest.raises(InvalidInputError, match=r"line 2, column 'total_residents': '?123'? is not the sum of the five "
                                                r"groups \(122\)"):
        saferstats.read_census_ethnicity(f, level="lsoa")
    g = tmp_path / "la.csv"
    g.write_text("la_code,asian,black,mixed,white,other\nE07000096,10,5,5,100,2\n")
    with pytest.raises(InvalidInputError, match="level='lsoa' reads an LSOA table") as e:
        saferstats.read_census_ethnicity(g, level="lsoa")
    assert e.value.argument == "level"


# --------------------------------------------------------------------------- 5. the year said once
def test_flytipping_size_warning_says_the_year_once(shared_data):
    folder = "fly_tipping/defra_la_2012-13_to_2021-22"
    _ft, msgs = saferstats_messages(saferstats.read_flytipping, shared_path(shared_data, f"{folder}/Flytipping.xlsx"))
    raw = pd.read_csv(shared_path(shared_data, f"{folder}/DERIVED_Flytipping_LA_incidents.csv"), na_values=[":"])
    raw.columns = [" ".join(c.split()) for c in raw.columns]
    sizes = ["Single Black Bag Incidents", "Single Item Incidents", "Car Boot or Less Incidents",
             "Small Van Load Incidents", "Transit Van Load Incidents", "Tipper Lorry Load Incidents",
             "Significant / Multi Loads Incidents"]
    adur = raw[(raw["LA Name"] == "Adur") & (raw["Year"] == "2021-22")].iloc[0]
    part, total = int(adur[sizes].sum()), int(adur["Total Incidents"])
    assert (part, total) == (404, 845)
    m = next(x for x in msgs if "by size" in x)
    assert f"(90 in 2021/22: Adur {part} of {total}, " in m and "Adur 2021/22" not in m
    assert m.count("2021/22") == 1


# --------------------------------------------------------------------------- 7. one rule, one name
def test_street_header_uses_io_delimiter_rule_and_alias_is_gone(shared_data, tmp_path):
    from saferstats import io as sio, published

    assert not hasattr(published, "_UOF_AGGREGATE") and published.AGGREGATE_NAME.search("England and Wales")
    src = inspect.getsource(published._street_header)
    assert "header_delimiter(header)" in src and 'count(";")' not in src
    # the City of London re-export (semicolons) and a police.uk file (commas) read by the same rule
    semi = shared_path(shared_data, "street_crime/city_of_london_2023/street.csv")
    comma = shared_path(shared_data, "street_crime/2021-01-hertfordshire-street.csv")
    for path, delim in ((semi, ";"), (comma, ",")):
        first = path.open(encoding="utf-8-sig").readline()
        assert sio.header_delimiter(first) == delim == published._street_header(path, path.name)[0]
        assert published._street_header(path, path.name)[1] == first.rstrip("\r\n").replace('"', "").split(delim)

"""Walk 16 (w16b): do the bundled Census 2021 denominators add up, and say what they are?

Independent references: the published files in ``../shared/data/population/census2021_ew/`` (ONS
TS021 by LSOA 2021; ONS LSOA 2021 -> ward -> LAD Dec 2024 and LAD -> CSP -> PFA Dec 2024 lookups),
summed here with pandas, not through the library; and ONS's published headline counts of usual
residents: Census 2021 England and Wales 59,597,542 (England 56,490,048, Wales 3,107,494; ONS
"Population and household estimates, England and Wales: Census 2021", 28 June 2022), Census 2011
56,075,912 (KS101EW).
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from saferstats.geography import census_population

GROUPS = ["asian", "black", "mixed", "white", "other"]
ONS_2021 = {"E&W": 59_597_542, "E": 56_490_048, "W": 3_107_494}
ONS_2011 = 56_075_912


@pytest.fixture(scope="module")
def published(shared_data):
    d = shared_data / "population" / "census2021_ew"
    ts = pd.read_csv(d / "ts021_ethnic_group_lsoa21.csv")
    lsoa = pd.read_csv(d / "lookup_lsoa21_ward24_ltla24.csv")
    las = pd.read_csv(d / "lookup_ltla24_csp24_pfa24.csv")
    return ts.merge(lsoa, on="lsoa21_code", how="left", validate="one_to_one"), las


def _wide(level: str, key: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        long = census_population(level)  # type: ignore[arg-type]
    w = long.pivot_table(index=key, columns="ethnicity", values="population", aggfunc="sum")
    w.columns = [c.lower() for c in w.columns]
    return w[GROUPS]


def test_totals_against_ons_published_headline(published):
    ts, _ = published
    assert ts["ltla24_code"].notna().all()
    lsoa_sum = int(ts["total_residents"].sum())
    pop = census_population("force")
    # the library's total is the published TS021 LSOA table's, and says how far that is from ONS's headline
    assert pop.attrs["total"] == lsoa_sum == int(pop["population"].sum())
    assert pop.attrs["published_total"] == ONS_2021["E&W"]
    assert lsoa_sum - ONS_2021["E&W"] == 34  # the docstring's "+34"
    assert f"{lsoa_sum - ONS_2021['E&W']:+,}" in pop.attrs["total_note"]
    eng = int(ts.loc[ts["lsoa21_code"].str.startswith("E"), "total_residents"].sum())
    wal = int(ts.loc[ts["lsoa21_code"].str.startswith("W"), "total_residents"].sum())
    assert (eng - ONS_2021["E"], wal - ONS_2021["W"]) == (60, -26)  # the docstring's "England +60, Wales -26"
    doc = census_population.__doc__ or ""
    assert "59,597,542" in doc and "England +60, Wales -26" in doc


def test_2011_adds_up_to_the_published_total():
    for level in ("force", "la", "csp"):
        old = census_population(level, census=2011)  # type: ignore[arg-type]
        assert int(old["population"].sum()) == old.attrs["total"] == ONS_2011 == old.attrs["published_total"]
        assert "QS201EW" in old.attrs["table"]
        assert ("2016" if level != "force" else "2011") in old.attrs["geography"]


def test_every_level_says_its_census_table_and_geography():
    for level in ("force", "la", "csp", "ward", "lsoa", "former_la"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = census_population(level).attrs  # type: ignore[arg-type]
        assert a["census"] == 2021 and "TS021" in a["table"], level
        assert ("2024" in a["geography"]) or level in ("lsoa", "former_la"), (level, a["geography"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        det = census_population("la", detailed=True).attrs
    assert "19 groups" in det["table"] and "2021 boundaries" in det["geography"]


def test_local_authorities_are_sums_of_their_published_lsoas(published):
    ts, _ = published
    ref = ts.groupby("ltla24_code")[GROUPS].sum()
    lib = _wide("la", "la_code")
    assert len(lib) == len(ref) == 318
    pd.testing.assert_frame_equal(lib.sort_index().astype("int64"), ref.sort_index().astype("int64"),
                                  check_names=False)


def test_forces_are_sums_of_their_local_authorities(published):
    ts, las = published
    pfa = las.drop_duplicates("ltla24_code").set_index("ltla24_code")["pfa24_code"]
    assert not las.groupby("ltla24_code")["pfa24_code"].nunique().gt(1).any()  # an authority is in one force
    ref = ts.groupby("ltla24_code")[GROUPS].sum().groupby(pfa)[GROUPS].sum()
    lib = _wide("force", "force_code")
    assert len(lib) == len(ref) == 43
    pd.testing.assert_frame_equal(lib.sort_index().astype("int64"), ref.sort_index().astype("int64"),
                                  check_names=False)
    herts = ref.loc["E23000027"]
    assert herts.to_dict() == {"asian": 103679, "black": 44863, "mixed": 45127, "white": 980115, "other": 25048}


def test_csps_are_sums_of_their_lsoas(published):
    ts, las = published
    lib = _wide("csp", "csp_code")
    assert int(lib.to_numpy().sum()) == int(ts["total_residents"].sum())
    # CSPs made of whole authorities only (no part of a merged authority): sums of the authorities' LSOAs
    split = las[las["ltla24_code"].duplicated(keep=False)]
    whole = las[~las["csp24_code"].isin(split["csp24_code"])]
    ref = ts.groupby("ltla24_code")[GROUPS].sum().loc[whole["ltla24_code"]].groupby(
        whole.set_index("ltla24_code")["csp24_code"])[GROUPS].sum()
    assert len(ref) > 280
    pd.testing.assert_frame_equal(lib.loc[ref.index].astype("int64"), ref.astype("int64"), check_names=False)
    # Cumbria's six CSPs follow the 2021 districts, whose names the LSOAs 2021 carry ("Allerdale 001A")
    cu = ts[ts["ltla24_name"].isin(["Cumberland", "Westmorland and Furness"])]
    by_district = cu.groupby(cu["lsoa21_name"].str.replace(r" \d{3}[A-Z]$", "", regex=True))["total_residents"].sum()
    codes = split.set_index("csp24_name")["csp24_code"]
    assert len(by_district) == 6
    for district, total in by_district.items():
        assert int(lib.loc[codes[district]].sum()) == int(total), district
    # the CSPs of each merged authority add up to it (BCP's Christchurch is in the Dorset CSP with Dorset)
    la_tot = ts.groupby("ltla24_code")["total_residents"].sum()
    for la, rows in split.groupby("ltla24_code"):
        others = las[las["csp24_code"].isin(rows["csp24_code"]) & (las["ltla24_code"] != la)]["ltla24_code"]
        assert int(lib.loc[rows["csp24_code"].unique()].to_numpy().sum()) == int(la_tot[la] + la_tot[others].sum()), la


def test_wards_are_sums_of_their_published_best_fit_lsoas(published):
    ts, _ = published
    ref = ts.groupby("ward24_code")[GROUPS].sum()
    lib = _wide("ward", "ward_code")
    assert len(lib) == len(ref) == ts["ward24_code"].nunique()
    pd.testing.assert_frame_equal(lib.sort_index().astype("int64"), ref.sort_index().astype("int64"),
                                  check_names=False)


def test_police_uk_lsoa_codes_find_their_published_authority_and_ward(shared_data, published):
    """``assign_lsoa21`` on a real police.uk file: a record whose LSOA code is an LSOA 2021 gets the
    ward and authority of ONS's published lookup, and none is dropped."""
    from saferstats.geography import assign_lsoa21

    ts, _ = published
    place = ts.set_index("lsoa21_code")[["ward24_code", "ltla24_code"]]
    df = pd.read_csv(shared_data / "street_crime" / "2022-01-hertfordshire-street.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = assign_lsoa21(df["LSOA code"])
    assert out.index.equals(df.index)
    known = df["LSOA code"].isin(place.index)
    assert known.sum() > 7000
    assert (out.loc[known, "la_code"].astype(str) == df.loc[known, "LSOA code"].map(place["ltla24_code"])).all()
    assert (out.loc[known, "ward_code"].astype(str) == df.loc[known, "LSOA code"].map(place["ward24_code"])).all()
    assert sum(out.attrs["status"].values()) == len(df)

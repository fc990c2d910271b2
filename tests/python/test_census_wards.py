"""Census 2021 usual residents by electoral ward (December 2024), session 12: CSPs report ward
profiles (ASB per 1,000 residents by ward), and the bundled tables stopped at the local authority.
``census_population("ward")`` sums the LSOAs 2021 that ONS's best-fit lookup puts in each ward.

Reference: the two source files in ../shared/data read here with plain pandas (TS021 by LSOA and the
ONS LSOA (2021) -> ward (2024) -> LA lookup), independent of the bundled table and its build script;
Stevenage's thirteen wards (Stevenage Borough Council, 2024 boundaries) and its Census 2021 total
(ONS: 89,500, rounded)."""

from __future__ import annotations

import pandas as pd
import pytest

from saferstats import census_population

GROUPS = ["asian", "black", "mixed", "other", "white"]


def test_ward_sums_equal_the_source_files(shared_data):
    src = shared_data / "population" / "census2021_ew"
    pop = pd.read_csv(src / "ts021_ethnic_group_lsoa21.csv", dtype={"lsoa21_code": str})
    lk = pd.read_csv(src / "lookup_lsoa21_ward24_ltla24.csv", dtype=str)
    want = (pop.merge(lk, on="lsoa21_code").groupby("ward24_code")[GROUPS].sum()
            .rename(columns=str.capitalize).stack().sort_index())
    got = census_population("ward").set_index(["ward_code", "ethnicity"])["population"].sort_index()
    pd.testing.assert_series_equal(got, want, check_names=False, check_dtype=False)
    names = lk.drop_duplicates("ward24_code").set_index("ward24_code")
    w = census_population("ward").drop_duplicates("ward_code").set_index("ward_code")
    assert (w["ward"] == names.loc[w.index, "ward24_name"]).all()
    assert (w["la_code"] == names.loc[w.index, "ltla24_code"]).all()


def test_stevenage_wards():
    w = census_population("ward")
    stev = w[w.la == "Stevenage"].groupby("ward")["population"].sum()
    assert sorted(stev.index) == ["Almond Hill", "Bandley Hill & Poplars", "Bedwell", "Chells", "Longmeadow", "Manor",
                                  "Martins Wood", "Old Town", "Roebuck", "Shephall", "St Nicholas", "Symonds Green",
                                  "Woodfield"]
    assert int(stev.sum()) == 89_498 and round(stev.sum(), -2) == 89_500
    assert set(w.loc[w.la == "Stevenage", "csp"]) == {"Stevenage"}
    assert set(w.loc[w.la == "Stevenage", "force"]) == {"hertfordshire"}


def test_wards_add_up_to_their_authorities_and_say_they_are_best_fit():
    w = census_population("ward")
    la = census_population("la").groupby("la_code")["population"].sum()
    pd.testing.assert_series_equal(w.groupby("la_code")["population"].sum().sort_index(), la.sort_index(),
                                   check_names=False)
    assert "best-fit" in w.attrs["basis"] and w.attrs["census"] == 2021
    # four wards straddle two CSPs of an authority whose CSPs follow its pre-merger districts
    both = w[w.csp.str.contains("; ")].drop_duplicates("ward_code")
    assert len(both) == 4 and set(both.la) == {"Bournemouth, Christchurch and Poole", "East Suffolk"}
    lsoa = census_population("lsoa")
    assert {"ward", "ward_code"} <= set(lsoa.columns)
    per = lsoa[lsoa.ward_code.isin(both.ward_code)].groupby("ward_code")["csp"].nunique()
    assert (per == 2).all()


def test_a_ward_is_a_2021_level_only():
    with pytest.raises(Exception, match="census=2021 only"):
        census_population("ward", census=2011)

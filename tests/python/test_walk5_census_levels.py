"""Walk-through 5: the `level` of census_population / find_area as an analyst types it.

``level="CSP"`` was refused ("unknown level 'CSP'") though area names are matched in any case;
``level="lsoa", census=2011`` said "did you mean 'la'?" (LSOAs exist, for Census 2021 only), and
``"pfa"`` (the ONS name of a police force area) got no hint. The CSP totals are checked against the
raw TS021 LSOA file and the ONS lookups (pandas)."""

import pandas as pd
import pytest

import saferstats


def test_level_in_capitals_is_the_level(shared_data):
    d = shared_data / "population" / "census2021_ew"
    lsoa = pd.read_csv(d / "ts021_ethnic_group_lsoa21.csv").merge(pd.read_csv(d / "lookup_lsoa21_ward24_ltla24.csv"),
                                                                  on="lsoa21_code")
    by_hand = int(lsoa.loc[lsoa.ltla24_name == "Stevenage", "total_residents"].sum())
    upper = saferstats.census_population("CSP")
    assert upper.equals(saferstats.census_population("csp"))
    assert int(upper.loc[upper.csp == "Stevenage", "population"].sum()) == by_hand
    assert saferstats.find_area("stevenage", level="CSP")["code"] == "E22000129"


@pytest.mark.parametrize("level", ["lsoa", "former_la"])
def test_a_2021_only_level_with_census_2011_says_so(level):
    with pytest.raises(saferstats.UnknownAreaError, match=rf"level '{level}' is available for census=2021 only"):
        saferstats.census_population(level, census=2011)


def test_ons_words_for_levels_get_the_level_as_hint():
    with pytest.raises(saferstats.UnknownAreaError, match=r"did you mean 'force'"):
        saferstats.census_population("pfa")
    with pytest.raises(saferstats.UnknownAreaError, match=r"did you mean 'la'"):
        saferstats.census_population("district")

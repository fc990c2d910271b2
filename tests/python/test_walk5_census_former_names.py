"""Walk-through 5: `find_area` with the name of a district abolished by a merger.

An analyst with an older series (Defra fly-tipping to 2021/22, a 2016 lookup) asks for
"Harrogate": the error offered look-alikes ("close matches: 'Harrow', 'Harborough', 'Hart'") and
"Christchurch" had "no close matches", with no word that the district existed and where it went.
Checked against the ONS lookups as published: the district's code is not among the December 2024
authorities, and its LSOAs 2021 (named after the district) all lie in the successor."""

import pandas as pd
import pytest

import saferstats


def _lookups(shared_data):
    d = shared_data / "population" / "census2021_ew"
    return (pd.read_csv(d / "lookup_lsoa21_ward24_ltla24.csv"), pd.read_csv(d / "lookup_ltla24_csp24_pfa24.csv"))


@pytest.mark.parametrize("district, code", [("Harrogate", "E07000165"), ("Christchurch", "E07000048"),
                                            ("Somerset West and Taunton", "E07000246")])
def test_a_merged_district_is_named_with_its_successor(shared_data, district, code):
    lsoa, la24 = _lookups(shared_data)
    assert code not in set(la24.ltla24_code)
    if district != "Christchurch":  # BCP's LSOAs 2021 carry the merged authority's name
        succ = lsoa[lsoa.lsoa21_name.str.startswith(district + " ")][["ltla24_name", "ltla24_code"]].drop_duplicates()
        assert len(succ) == 1
        name, succ_code = succ.iloc[0]
    else:
        name, succ_code = "Bournemouth, Christchurch and Poole", "E06000058"
    for query in (district, code, district.upper()):
        with pytest.raises(saferstats.UnknownAreaError) as err:
            saferstats.find_area(query)
        msg = str(err.value)
        assert f"{district} ({code}) was a district" in msg and f"{name!r} ({succ_code})" in msg, msg
        assert "close matches" not in msg and "census_population('former_la')" in msg
    csps = la24[la24.ltla24_code == succ_code].csp24_name.tolist()
    with pytest.raises(saferstats.UnknownAreaError) as err:
        saferstats.find_area(district, level="csp")
    assert any(f"CSP {c!r}" in str(err.value) for c in csps), str(err.value)


def test_a_2019_district_census_2021_cannot_split_says_so(shared_data):
    _, la24 = _lookups(shared_data)
    assert "E07000190" not in set(la24.ltla24_code)
    with pytest.raises(saferstats.UnknownAreaError, match=r"Taunton Deane \(E07000190\) was a district until 2019-04-01.*"
                       r"'Somerset West and Taunton', since part of 'Somerset' \(E06000066\).*census=2011"):
        saferstats.find_area("Taunton Deane")


def test_unknown_names_still_get_close_matches():
    with pytest.raises(saferstats.UnknownAreaError, match="close matches: 'Harrow'"):
        saferstats.find_area("Harow")

"""Session 27, w42e: a district analyst's fly-tipping walk (Dacorum, for the CSP strategic
assessment) on Defra's table as published, Census 2021 populations, and FixMyStreet's counts.

1. peer_compare: naming the district where the column is wanted (``area="Dacorum"``) is refused
   with "pass area='la_name', areas=['Dacorum']"; doing that with the peers as a list (the natural
   reading) was refused again ("`peers` must be a mapping ..."). A list of peers with one area in
   ``areas`` is now that area's group; the figures are checked against the table itself (pooled
   rate of the peers, wald-log ratio with scipy's normal quantile).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import saferstats
from saferstats import InvalidInputError
from conftest import dacorum_lsoa11, shared_path

DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22"
PEERS = ["Basildon", "St Albans", "Three Rivers", "Hertsmere", "Welwyn Hatfield", "Stevenage", "Watford",
         "Broxbourne", "East Hertfordshire", "North Hertfordshire"]


@pytest.fixture(scope="module")
def defra_2122(shared_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ft = saferstats.read_flytipping(shared_path(shared_data, f"{DEFRA}/Flytipping.xlsx"))
        pop = saferstats.read_census_ethnicity(
            shared_path(shared_data, "population/census2021_ew/ts021_ethnic_group_detailed_ltla21.csv"))
    pop = pop.groupby("la_code", as_index=False)["population"].sum()
    y = ft[ft["period"] == "2021/22"].merge(pop, on="la_code", how="left")
    assert y["population"].notna().all()
    return y


def test_peer_compare_list_of_peers_for_one_area(defra_2122):
    y = defra_2122
    with pytest.raises(InvalidInputError, match=r"areas=\['Dacorum'\]") as e:
        saferstats.peer_compare(y, area="Dacorum", peers=PEERS, numerator="incidents", denominator="population",
                                multiplier=1000)
    assert "{'Dacorum': [...]}" in str(e.value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = saferstats.peer_compare(y, area="la_name", areas=["Dacorum"], peers=PEERS, numerator="incidents",
                                      denominator="population", multiplier=1000)
        same = saferstats.peer_compare(y, area="la_name", peers={"Dacorum": PEERS}, numerator="incidents",
                                       denominator="population", multiplier=1000)
    pd.testing.assert_frame_equal(out, same)
    row = out.iloc[0]
    d = y[y["la_name"] == "Dacorum"].iloc[0]
    g = y[y["la_name"].isin(PEERS)]
    assert len(g) == 10 and row["n_peers"] == 10
    x, n, gx, gn = d["incidents"], d["population"], g["incidents"].sum(), g["population"].sum()
    assert x == 1587 and n == 155_081  # Defra 2021/22; Census 2021 usual residents
    assert row["rate"] == pytest.approx(x / n * 1000, rel=1e-12)
    assert row["group_rate"] == pytest.approx(gx / gn * 1000, rel=1e-12)
    ratio = (x / n) / (gx / gn)
    se = math.sqrt(1 / x + 1 / gx)
    z = stats.norm.ppf(0.975)
    assert row["ratio"] == pytest.approx(ratio, rel=1e-12)
    assert row["ratio_lower"] == pytest.approx(ratio * math.exp(-z * se), rel=1e-9)
    assert row["ratio_upper"] == pytest.approx(ratio * math.exp(z * se), rel=1e-9)
    assert row["significance"] == "lower"
    rates = np.append(g["incidents"] / g["population"], x / n)
    assert row["rank"] == int((rates > x / n).sum()) + 1 and row["of"] == 11


def test_peer_list_without_one_area_says_how(defra_2122):
    with pytest.raises(InvalidInputError, match="one area named in `areas`") as e:
        saferstats.peer_compare(defra_2122, area="la_name", peers=PEERS, numerator="incidents",
                                denominator="population")
    assert e.value.argument == "peers"
    with pytest.raises(InvalidInputError, match="'Dacorm' is not in column 'la_name'") as e:
        saferstats.peer_compare(defra_2122, area="la_name", areas=["Dacorm"], peers=PEERS, numerator="incidents",
                                denominator="population")
    assert e.value.argument == "areas"


# 2. read_flytipping on interim.csv (no Reporting basis column) warned "0 authority-year(s) are not
#    counted on Defra's 'All incidents' basis and 16 count(s) changed ..." (now "authority-years", "counts"), right after warning that
#    the basis cannot be told from the file: "0" read as "none" where the workbook has 99.


def test_interim_csv_does_not_say_zero_not_on_the_basis(shared_data):
    path = shared_path(shared_data, f"{DEFRA}/interim.csv")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ft = saferstats.read_flytipping(path)
    msgs = [str(x.message) for x in w]
    assert not any(" 0 authority-year" in m for m in msgs), msgs
    assert any("has no 'Reporting basis' column" in m for m in msgs)
    step = [m for m in msgs if "4-fold or more" in m]
    assert len(step) == 1 and step[0].startswith("read_flytipping: 16 counts changed 4-fold")
    # Defra's own figures, read here with pandas: Plymouth 6,316 in 2015-16, 718 in 2016-17
    raw = pd.read_csv(path)
    ply = raw[raw["LA Name"] == "Plymouth"].set_index("Year")["Total Incidents"]
    assert "Plymouth 6,316 to 718 in 2016/17" in step[0]
    assert {int(ply["2015-16"]), int(ply["2016-17"])} == {6316, 718}
    assert ft.attrs["summary"]["not_all_incidents"] == [] and not ft.attrs["summary"]["reporting_basis_published"]


def test_workbook_still_counts_both(shared_data):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ft = saferstats.read_flytipping(shared_path(shared_data, f"{DEFRA}/Flytipping.xlsx"))
    msgs = [str(x.message) for x in w]
    assert any(m.startswith("read_flytipping: 99 authority-years are not counted on Defra's 'All incidents' basis "
                            "and 16 counts changed 4-fold") for m in msgs), msgs
    assert len(ft.attrs["summary"]["not_all_incidents"]) == 99


# 3. read_flytipping given one of FixMyStreet's fly-tipping count files (the other source of the
#    assessment's "which neighbourhoods report most") said only "not the Defra fly-tipping LA table:
#    no header row with 'ONS Code' ...": the error now says what the file is and how to read it.


@pytest.mark.parametrize("rel, level", [("fly_tipping/fixmystreet_LAD_yearly/2019.csv", "lad"),
                                        ("fly_tipping/fixmystreet_LSOA_yearly/2019.csv", "lsoa")])
def test_fixmystreet_file_is_named(shared_data, rel, level):
    path = shared_path(shared_data, rel)
    with pytest.raises(InvalidInputError, match="is a FixMyStreet count file") as e:
        saferstats.read_flytipping(path)
    msg = str(e.value)
    assert f"column {level!r}" in msg and "SHEF_A_CODE == 'A29'" in msg and "not incidents" in msg
    assert ("assign_lsoa21" in msg) == (level == "lsoa") and e.value.argument == "path"
    # what it says holds: the A29 rows of the file are reports, listed only where there is one
    raw = pd.read_csv(path)
    a29 = raw[raw["SHEF_A_CODE"] == "A29"]
    assert (a29["reports"] >= 1).all() and (a29["reports"] >= a29["unique_users"]).all()
    if level == "lsoa":  # PROVENANCE.md: 9,121 LSOAs with A29 reports, 64,400 reports in 2019
        assert len(a29) == 9121 and int(a29["reports"].sum()) == 64_400
        # Dacorum (its LSOAs 2011 from the ONS lookups): the LSOA with the most reports has one user
        dac = a29[a29["lsoa"].isin(dacorum_lsoa11(shared_data))].sort_values("reports", ascending=False)
        assert (dac["reports"].iat[0], dac["unique_users"].iat[0]) == (20, 1)
        assert "20, had one" in msg and "unique_users" in msg

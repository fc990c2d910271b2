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
from conftest import shared_path

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

"""Walk 10 (fly-tipping): land-type shares of a total that includes "Other (unidentified)". Camden
put 31,462 of its 32,517 incidents in 2021/22 on unidentified land, so every other land type read
as under 3% of its fly-tipping; shares() now names such a category when it is 5% or more of a
group's total. References: tests/fixtures/walk10_flytipping/reference.json (generate.py: the
workbook read with openpyxl; Wilson intervals from statsmodels' proportion_confint)."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import saferstats
from conftest import load_fixture

REF = load_fixture("walk10_flytipping/reference.json")["land_2021"]
WORKBOOK = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
LAND = {"highway_incidents": "Highway Incidents", "footpath_bridleway_incidents": "Footpath / Bridleway Incidents",
        "back_alleyway_incidents": "Back Alleyway Incidents", "railway_incidents": "Railway Incidents",
        "council_land_incidents": "Council Land Incidents", "agricultural_incidents": "Agricultural Incidents",
        "private_residential_incidents": "Private / Residential Incidents",
        "commercial_industrial_incidents": "Commercial / Industrial Incidents",
        "watercourse_bank_incidents": "Watercourse / Bank Incidents",
        "other_unidentified_incidents": "Other (unidentified) Incidents"}


@pytest.fixture(scope="module")
def land(shared_data):
    pytest.importorskip("openpyxl")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ft = saferstats.read_flytipping(shared_data / WORKBOOK)
    y = ft[ft.period == "2021/22"].dropna(subset=list(LAND))
    long = y.melt(id_vars=["la_name"], value_vars=list(LAND), var_name="land", value_name="count")
    return long[long.groupby("la_name")["count"].transform("sum") > 0]


def _shares(data, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = saferstats.shares(data, count="count", category="land", by="la_name", **kw)
    return out, [str(x.message) for x in w]


def test_unknown_land_type_is_named(land):
    assert land["la_name"].nunique() == REF["n_authorities"]
    sh, msgs = _shares(land)
    m = [x for x in msgs if "cases' category is not known" in x]
    assert len(m) == 1
    assert f"in {REF['n_unknown_5pct']} groups" in m[0]
    assert re.search(r"Camden: 'other_unidentified_incidents' (\d+\.\d)%", m[0]).group(1) == f"{REF['camden_unknown_share']:.1f}"
    camden = sh[(sh.la_name == "Camden") & (sh.land == "other_unidentified_incidents")]
    assert camden["share"].iloc[0] == pytest.approx(REF["camden_unknown_share"], rel=1e-12)


def test_shares_of_the_known_match_statsmodels_and_do_not_warn(land):
    known = land[land.land != "other_unidentified_incidents"]
    known = known[known.groupby("la_name")["count"].transform("sum") > 0]  # Folkestone and Hythe: none known
    sh, msgs = _shares(known)
    assert not any("not known" in x for x in msgs)
    c = sh[sh.la_name == "Camden"].set_index("land")
    assert c["total"].iloc[0] == REF["camden_known_total"]
    for col, name in LAND.items():
        if col == "other_unidentified_incidents":
            continue
        want = REF["camden_known"][name]
        assert c.loc[col, "count"] == want["count"]
        for k in ("share", "lower", "upper"):
            assert c.loc[col, k] == pytest.approx(want[k], rel=1e-9, abs=1e-12), (col, k)


def test_small_unknown_share_and_other_names_stay_quiet():
    df = pd.DataFrame({"la_name": ["A"] * 3, "land": ["Highway", "Council land", "Not known"], "count": [60, 37, 3]})
    _, msgs = _shares(df)
    assert not any("not known" in x for x in msgs)  # 3% unknown: below 5%
    df.loc[2, "count"] = 10  # 10 of 107 = 9.3%
    _, msgs = _shares(df)
    assert any("'Not known' of column 'land'" in x and "A: 'Not known' 9.3%" in x for x in msgs)
    plain = pd.DataFrame({"la_name": ["A"] * 3, "land": ["Highway", "Other", "Council land"], "count": [5, 50, 5]})
    _, msgs = _shares(plain)
    assert not any("not known" in x for x in msgs)  # "Other" is a category, not an unknown

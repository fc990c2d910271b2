"""Census 2021 populations of the districts abolished by mergers since 2018
(``census_population("former_la")``), and the fly-tipping section's use of them.

Before: 42 district codes in Defra's fly-tipping table had no population, so 17 authorities
(Cumbria's, North Yorkshire's and Somerset's districts, which report to 2021/22) were missing from
the national funnel, and a Cumbria report said none of its authorities had a row.

References: ONS's own Census 2021 table by local authority (2021 codes, TS021, perturbed
separately from the LSOA table: within one person per LSOA), and the December 2024 authorities,
which each of the nine successors' districts must sum to exactly."""

import pandas as pd
import pytest

import saferstats as ss
from saferstats.report.sections import _flytipping


def _former() -> pd.DataFrame:
    long = ss.census_population("former_la")
    keys = ["la", "la_code", "successor", "successor_code", "boundary_note"]
    return long.groupby(keys, as_index=False)["population"].sum()


def test_districts_sum_to_their_successors_exactly():
    former = _former()
    assert former.la_code.nunique() == 33 and former.successor_code.nunique() == 9
    la = ss.census_population("la").groupby("la_code")["population"].sum()
    by_successor = former.groupby("successor_code")["population"].sum()
    for code, total in by_successor.items():
        assert total == la[code], code


def test_2021_districts_match_the_ons_table_by_2021_district(shared_data):
    ons = pd.read_csv(shared_data / "population" / "census2021_ew" / "ts021_ethnic_group_detailed_ltla21.csv")
    ons_total = ons.set_index("ltla21_code").drop(columns="ltla21_name").sum(axis=1)
    lsoa = ss.census_population("lsoa")
    former = _former().set_index("la_code")
    in21 = [c for c in former.index if c in ons_total.index]
    assert len(in21) == 17  # Cumbria 6, North Yorkshire 7, Somerset 4
    for code in in21:
        # perturbation: at most one person per LSOA of the district
        n_lsoa = lsoa[lsoa.lsoa.str.startswith(former.loc[code, "la"] + " ")].lsoa_code.nunique()
        assert abs(former.loc[code, "population"] - ons_total[code]) <= n_lsoa, code


def test_the_moved_lsoa_is_named_on_the_west_northamptonshire_districts():
    former = _former()
    west = former[former.successor == "West Northamptonshire"]
    assert len(west) == 3 and (west.boundary_note.str.contains("E01027305") & west.boundary_note.str.contains("Cherwell")).all()
    assert (former[former.successor != "West Northamptonshire"].boundary_note == "").all()


def _defra_like():
    rows = []
    for i, y in enumerate(["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]):
        rows += [("Allerdale", "E07000026", y, 1200 + 50 * i), ("Carlisle", "E07000028", y, 1500 + 40 * i),
                 ("Craven", "E07000163", y, 140 + i), ("Stevenage", "E07000243", y, 900 + i)]
        if y <= "2018/19":
            rows.append(("West Dorset", "E07000052", y, 300))
    return pd.DataFrame(rows, columns=["la_name", "la_code", "year", "incidents"])


def test_flytipping_section_uses_former_districts_and_names_what_it_leaves_out():
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Cumbria"}
    sec = {"data": _defra_like(), "area": "la_name", "code": "la_code", "period": "year", "count": "incidents"}
    s = _flytipping(cfg, sec)
    rates = next(t.frame for t in s.tables if t.name == "flytipping_rates").set_index("la_name")
    assert sorted(rates.index) == ["Allerdale", "Carlisle"]  # Cumbria's rows; Craven (North Yorkshire) is not
    former = _former().set_index("la")
    for name in ("Allerdale", "Carlisle"):
        assert rates.loc[name, "population"] == former.loc[name, "population"]
        assert rates.loc[name, "rate"] == pytest.approx(rates.loc[name, "incidents"] / former.loc[name, "population"] * 1000,
                                                        abs=0.005)
    assert "Allerdale (E07000026, now Cumberland)" in s.intro
    assert "West Dorset (E07000052; last year 2018/19)" in s.intro  # merged in 2019: no Census 2021 area
    trend = next(t.frame for t in s.tables if t.name == "flytipping_trend")
    assert set(trend.la_name) == {"Allerdale", "Carlisle"}


def test_a_csp_of_a_merged_authority_counts_the_authorities_it_shows():
    """Daventry and South Northamptonshire CSP: Defra has Daventry and South Northamptonshire to
    2020/21 and West Northamptonshire from 2021/22; the latest year's table shows one authority."""
    rows = []
    for y in ["2017/18", "2018/19", "2019/20", "2020/21"]:
        rows += [("Daventry", "E07000151", y, 500), ("South Northamptonshire", "E07000155", y, 400)]
    for y in ["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]:
        rows.append(("Stevenage", "E07000243", y, 900))
    rows.append(("West Northamptonshire", "E06000062", "2021/22", 3000))
    data = pd.DataFrame(rows, columns=["la_name", "la_code", "year", "incidents"])
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Daventry and South Northamptonshire"}
    sec = {"data": data, "area": "la_name", "code": "la_code", "period": "year", "count": "incidents"}
    s = _flytipping(cfg, sec)
    rates = next(t for t in s.tables if t.name == "flytipping_rates")
    assert list(rates.frame.la_name) == ["West Northamptonshire"]
    assert "Daventry and South Northamptonshire's 1 authority;" in rates.caption
    trend = next(t.frame for t in s.tables if t.name == "flytipping_trend")
    assert set(trend.la_name) == {"Daventry", "South Northamptonshire"}  # their own series, to 2020/21

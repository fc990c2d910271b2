"""Session 25 (w37c): the City of London's caution in the `denominator` column by CSP and local
authority, and ONS mid-year (calendar) populations set against financial-year crime tables.

1. ``disproportionality(by="la"/"csp")`` on the City of London's police.uk files: the
   ``comparability`` column said most people searched there do not live there, but ``denominator``
   read a plain "Census 2021 usual residents" (only ``by="force"`` put the caution there), so an
   exported ``denominator`` column said nothing of it. Evidence that the caution is due, from the
   raw semicolon file with pandas and the Census 2021 TS021 LSOA table with the ONS lookup (not
   saferstats' tables): 225 searches of Black people (self-defined) in 2023 against 233 Black
   residents. A district of another force (Essex: Tendring, Colchester) keeps the plain text.
2. ``read_mid_year_population`` gives ``year``, the calendar year of the estimate (30 June).
   Home Office and Defra tables are financial years (``"2022/23"``). Walked as an analyst: a
   ``year`` made from the financial year's end (2023/24 -> 2024) joined mid-2024 silently and
   ``add_rates`` gave the rate on another year's population without a word. Now
   ``financial_year=True`` gives a ``period`` column by the convention (the estimate of the year
   the financial year starts: mid-2022 for 2022/23) and ``add_rates`` / ``year_on_year`` warn when
   a table's ``year`` is not its financial year's start. Populations are checked against the raw
   Trafford CSVs read with pandas.
"""

from __future__ import annotations

import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from warning_capture import saferstats_messages

CITY = "stop_search/city_of_london_2023"
SEVEN = "stop_search/policeuk_7forces_2019-12_to_2020-02"
MYE = "population/mid_year_greater_manchester/mid-year_{}_population_estimates_local_authority.csv"
CAUTION = ("; caution: the City of London has a few thousand residents but a daytime population of hundreds of "
           "thousands, and most people searched there do not live there, so rates per resident (and ratios of "
           "them) are not comparable with other areas' rates")


# --- 1. the City's caution in `denominator`, by CSP and local authority ------------------------------------


@pytest.fixture(scope="module")
def city_records(shared_data):
    return ss.read_stop_search(shared_path(shared_data, CITY))


def test_city_searches_are_mostly_not_of_residents(shared_data):
    raw = pd.read_csv(shared_path(shared_data, CITY + "/stop_and_search.csv"), sep=";")
    persons = raw[raw["type"] != "Vehicle search"]
    black = int(persons["self_defined_ethnicity"].fillna("").str.startswith("Black").sum())
    base = "population/census2021_ew/"
    pop = pd.read_csv(shared_path(shared_data, base + "ts021_ethnic_group_lsoa21.csv"))
    look = pd.read_csv(shared_path(shared_data, base + "lookup_lsoa21_ward24_ltla24.csv"))
    lsoas = look.loc[look["ltla24_code"] == "E09000001", "lsoa21_code"]
    residents = int(pop.loc[pop["lsoa21_code"].isin(lsoas), "black"].sum())
    assert (black, residents) == (225, 233)  # a year's searches near the whole resident group


@pytest.mark.parametrize("by, code", [("la", "E09000001"), ("csp", "E22000180")])
def test_city_rows_say_the_caution_in_denominator_by_area(city_records, by, code):
    out, _ = saferstats_messages(ss.disproportionality, city_records, by=by)
    assert out.attrs["non_resident_areas"] == ["City of London"]
    assert set(out[f"{by}_code"]) == {code} and len(out) == 5
    assert (out["denominator"] == "Census 2021 usual residents" + CAUTION).all(), out["denominator"].iloc[0]
    # as the force-level rows write it, and beside the comparability note that already said it
    force, _ = saferstats_messages(ss.disproportionality, city_records, by="force")
    assert set(force["denominator"]) == set(out["denominator"])
    assert out["comparability"].str.contains("most people searched there do not live there").all()
    assert not out["like_for_like"].any()
    # the caution travels with an exported table
    back = pd.read_csv(pd.io.common.StringIO(out.to_csv(index=False)))
    assert back["denominator"].str.contains("caution: the City of London", regex=False).all()


@pytest.mark.parametrize("by", ["la", "csp"])
def test_seven_forces_only_the_city_rows_carry_the_caution(shared_data, by):
    records = ss.read_stop_search(shared_path(shared_data, SEVEN))
    out, _ = saferstats_messages(ss.disproportionality, records, by=by, census=2011)
    city = (out[by] == "City of London").to_numpy()
    assert city.sum() == 5
    assert (out.loc[city, "denominator"] == "Census 2011 usual residents" + CAUTION).all()
    assert (out.loc[~city, "denominator"] == "Census 2011 usual residents").all()
    for district in ("Tendring", "Colchester"):  # Essex districts (no Hertfordshire in these files)
        rows = out[out[by] == district]
        assert len(rows) == 5 and (rows["denominator"] == "Census 2011 usual residents").all()
        assert rows["like_for_like"].all()


# --- 2. mid-year (calendar) populations against financial-year tables ---------------------------------------


@pytest.fixture(scope="module")
def trafford(shared_data) -> dict[int, int]:
    """Trafford's persons, all ages, from the raw CSVs (pandas)."""
    out = {}
    for year in (2022, 2024):
        raw = pd.read_csv(shared_path(shared_data, MYE.format(year)))
        row = raw[(raw["area_code"] == "E08000009") & (raw["sex"] == "Persons")]
        assert row["period"].tolist() == [f"{year}-06-30"]
        out[year] = int(row["all_ages"].iloc[0])
    return out


@pytest.fixture(scope="module")
def mye_paths(shared_data):
    return [shared_path(shared_data, MYE.format(y)) for y in (2022, 2024)]


def _crimes() -> pd.DataFrame:
    """A financial-year table as read_flytipping / read_hate_crime give it (period "2022/23")."""
    return pd.DataFrame({"la_code": ["E08000009"] * 3, "period": ["2022/23", "2023/24", "2024/25"],
                         "count": [2100, 2300, 2500]})


def test_financial_year_period_by_the_convention(mye_paths, trafford):
    pop = ss.read_mid_year_population(mye_paths, financial_year=True)
    assert pop[["year", "period", "population"]].values.tolist() == [
        [2022, "2022/23", trafford[2022]], [2024, "2024/25", trafford[2024]]]
    assert (trafford[2022], trafford[2024]) == (236_301, 241_025)
    assert pop.attrs["period_convention"].startswith("period: the financial year (April to March) that starts in "
                                                     "the estimate's year (mid-2022 for 2022/23)")
    plain = ss.read_mid_year_population(mye_paths)
    assert "period" not in plain.columns and list(plain.columns) == ["la", "la_code", "sex", "population", "year"]
    assert "not a financial year" in plain.attrs["period_convention"]
    with pytest.raises(ss.SaferstatsError, match=r"financial_year must be True or False, got 'yes'"):
        ss.read_mid_year_population(mye_paths, financial_year="yes")


def test_financial_year_join_gives_each_year_its_own_estimate(mye_paths, trafford):
    pop = ss.read_mid_year_population(mye_paths, financial_year=True)
    both = _crimes().merge(pop, on=["la_code", "period"], how="inner", validate="one_to_one")
    assert both["period"].tolist() == ["2022/23", "2024/25"]  # 2023/24 has no estimate in these files
    out, said = saferstats_messages(ss.add_rates, both)
    assert not [m for m in said if "financial year" in m], said
    assert out["rate"].tolist() == pytest.approx([2100 / 236_301 * 1e5, 2500 / 241_025 * 1e5], rel=1e-12)
    assert out["population"].tolist() == [trafford[2022], trafford[2024]]


def test_a_year_from_the_financial_years_end_is_warned_about(mye_paths, trafford):
    """The analyst's silent mismatch: 2023/24 -> year 2024 joins mid-2024 (the convention: mid-2023)."""
    pop = ss.read_mid_year_population(mye_paths)
    crimes = _crimes()
    crimes["year"] = crimes["period"].str[:4].astype(int) + 1
    both = crimes.merge(pop, on=["la_code", "year"], how="inner")
    assert both[["period", "population"]].values.tolist() == [["2023/24", trafford[2024]]]
    out, said = saferstats_messages(ss.add_rates, both)
    hit = [m for m in said if "is not the year the financial year" in m]
    assert len(hit) == 1, said
    assert hit[0].startswith("add_rates: the column 'year' (the calendar year of the population, as "
                             "read_mid_year_population gives it: the estimate of 30 June) is not the year the "
                             "financial year in column 'period' starts in 1 of 1 rows (row 0: 2023/24 on mid-2024)")
    assert "read_mid_year_population(..., financial_year=True)" in hit[0]
    assert out["rate"].iloc[0] == pytest.approx(2300 / 241_025 * 1e5, rel=1e-12)  # computed, and said


def test_one_estimate_merged_onto_every_financial_year_is_warned_about(mye_paths, trafford):
    pop = ss.read_mid_year_population(mye_paths[0])  # mid-2022 only
    both = _crimes().merge(pop, on="la_code")  # the area alone: one estimate for every year
    assert both["population"].tolist() == [trafford[2022]] * 3
    _, said = saferstats_messages(ss.add_rates, both)
    hit = [m for m in said if "is not the year the financial year" in m]
    assert len(hit) == 1 and "in 2 of 3 rows (row 1: 2023/24 on mid-2022; row 2: 2024/25 on mid-2022)" in hit[0]


def test_year_on_year_says_it_too(mye_paths):
    pop = ss.read_mid_year_population(mye_paths[1])  # mid-2024
    crimes = _crimes().iloc[1:].assign(year=2024)  # 2023/24 and 2024/25, both on mid-2024
    both = crimes.merge(pop, on=["la_code", "year"])
    _, said = saferstats_messages(ss.year_on_year, both, by="la_code")
    hit = [m for m in said if "is not the year the financial year" in m]
    assert len(hit) == 1 and hit[0].startswith("year_on_year: ") and "(row 0: 2023/24 on mid-2024)" in hit[0]


def test_calendar_years_and_the_convention_are_not_warned_about(mye_paths):
    pop = ss.read_mid_year_population(mye_paths)
    calendar = pd.DataFrame({"la_code": ["E08000009"] * 2, "year": [2022, 2024], "count": [2000, 2400]})
    _, said = saferstats_messages(ss.add_rates, calendar.merge(pop, on=["la_code", "year"]))
    assert not [m for m in said if "financial year" in m]
    start = _crimes().assign(year=lambda d: d["period"].str[:4].astype(int)).merge(pop, on=["la_code", "year"])
    _, said = saferstats_messages(ss.add_rates, start)  # a year made from the start: the convention
    assert not [m for m in said if "financial year" in m]


def test_rows_without_a_year_are_not_judged_and_the_others_are():
    """A nullable year with a gap (a left merge that found no estimate): the rows with a year are judged."""
    t = pd.DataFrame({"period": pd.Categorical(["2022/23", "2023/24"]), "year": pd.array([2023, None], dtype="Int64"),
                      "count": [10, 12], "population": [236_301, 241_025]})
    _, said = saferstats_messages(ss.add_rates, t)
    hit = [m for m in said if "is not the year the financial year" in m]
    assert len(hit) == 1 and "in 1 of 1 rows (row 0: 2022/23 on mid-2023)" in hit[0]

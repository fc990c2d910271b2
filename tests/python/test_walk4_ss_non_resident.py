"""City of London: rates per resident of searches mostly of non-residents (walk-through 4).

The City has 7,375 residents (Census 2011; 193 Black) and a daytime population of hundreds of
thousands. Its officers' 115 searches of Black people in three months (police.uk, Dec 2019 - Feb
2020) are more than twice the City's Black residents a year: a "rate per 1,000 residents" there
is not a rate of anything, and its ratio to White is not like for like with other forces'. The
rows now say so in their `denominator` column (which travels with an exported table) and
`.attrs["non_resident_areas"]` names them. Counts by the csv module; residents from the ONS Census
2011 table `population/force-demographics.csv`.
"""

from __future__ import annotations

import csv
import warnings

import pytest

import saferstats
from conftest import policeuk_stop_search_rows


@pytest.fixture(scope="module")
def folder(shared_data):
    return shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02"


def _black_residents(shared_data) -> int:
    with open(shared_data / "population" / "force-demographics.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["PFA16NM"] == "City of London":
                return int(row["Ethnic Group: Black; measures: Value"])
    raise AssertionError("no City of London row")


def test_city_of_london_rows_say_the_denominator_is_not_like_for_like(folder, shared_data):
    black = sum(1 for f, r in policeuk_stop_search_rows(folder) if f == "city-of-london" and r["Type"] != "Vehicle search"
                and r["Self-defined ethnicity"].startswith("Black"))
    residents = _black_residents(shared_data)
    assert black * 12 / 3 > 2 * residents  # the evidence: more searches a year than residents
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = saferstats.disproportionality(saferstats.read_stop_search(folder), by="force", census=2011)
    city = out["force"] == "city-of-london"
    assert out.loc[city & (out["group"] == "Black"), ["searches", "population"]].values.tolist() == [[black, residents]]
    assert out.loc[city, "denominator"].str.contains("caution: the City of London").all()
    assert not out.loc[~city, "denominator"].str.contains("City of London").any()
    assert out.attrs["non_resident_areas"] == ["city-of-london"]


def test_by_csp_and_a_city_only_file_say_so_too(folder, shared_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recs = saferstats.read_stop_search(folder)
        by_csp = saferstats.disproportionality(recs, by="csp", census=2011)
        alone = saferstats.disproportionality(
            saferstats.read_stop_search(shared_data / "stop_search" / "city_of_london_2023"), by="force")
    assert by_csp.attrs["non_resident_areas"] == ["City of London"]
    # session 25 (w37c): by CSP too, the City's rows (and only they) say it in `denominator`
    city = by_csp["csp"] == "City of London"
    assert by_csp.loc[city, "denominator"].str.contains("caution: the City of London").all()
    assert not by_csp.loc[~city, "denominator"].str.contains("City of London").any()
    assert alone.attrs["non_resident_areas"] == ["city-of-london"]
    assert alone["denominator"].str.contains("caution: the City of London").all()


def test_a_population_given_by_the_user_is_left_alone():
    pop = {"White": 5_000, "Black": 2_000, "Asian": 1_000, "Mixed": 500, "Other": 500}
    t = {"force": ["city-of-london"] * 5, "ethnicity": list(pop), "n": [50, 40, 10, 5, 5]}
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = saferstats.disproportionality(pd.DataFrame(t), pop, count="n", group="ethnicity")
    assert out.attrs["non_resident_areas"] == [] and not out["denominator"].str.contains("caution").any()


def test_rows_are_not_like_for_like_at_every_level(folder):
    """The caution travels in ``like_for_like``/``comparability``, so that filtering or exporting on
    ``like_for_like`` leaves the City out, by force and by CSP (session 9: by CSP it was in
    ``.attrs`` only and the City's rows read "like for like")."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recs = saferstats.read_stop_search(folder)
        by_force = saferstats.disproportionality(recs, by="force", census=2011)
        by_csp = saferstats.disproportionality(recs, by="csp", census=2011)
    for out, key, city in ((by_force, "force", "city-of-london"), (by_csp, "csp", "City of London")):
        mine = (out[key] == city).to_numpy()
        assert mine.sum() == 5
        assert not out.loc[mine, "like_for_like"].any()
        assert out.loc[mine, "comparability"].str.contains("most people searched there do not live there").all()
        # self-defined ethnicity against Census groups: every other row is like for like
        assert out.loc[~mine, "like_for_like"].all() and (out.loc[~mine, "comparability"] == "like for like").all()


"""disproportionality on records with no area to set them against (session 18, lead).

police.uk API responses name no force (the shared Leicester file, Feb 2020): with ``by=None`` the
bundled Census has a row per force and group, and the call failed on "population table has several
rows for {'ethnicity': 'Asian'}"; the not-stated warning named the force as "" ("searches in  (24%").
"""
import warnings

import pandas as pd
import pytest

import saferstats as ss
from saferstats.exceptions import InvalidInputError


def _records(force):
    return pd.DataFrame({
        "force": pd.Categorical([force] * 12),
        "type": ["Person search"] * 12,
        "month": ["2023-01"] * 12,
        "self_defined_ethnicity": ["White - English/Welsh/Scottish/Northern Irish/British"] * 6
        + ["Black/African/Caribbean/Black British - African"] * 3 + ["Other ethnic group - Not stated"] * 3,
        "officer_defined_ethnicity": ["White"] * 6 + ["Black"] * 3 + ["White"] * 3,
        "latitude": [51.75] * 12, "longitude": [-0.34] * 12,
    })


def test_records_of_a_force_and_no_by_say_which_by():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InvalidInputError) as e:
            ss.disproportionality(_records("hertfordshire"))
    msg = str(e.value)
    assert e.value.argument == "by"
    assert "by='force' (the records' force: Hertfordshire)" in msg and "by='csp' / by='la'" in msg
    assert "several rows" not in msg


def test_records_that_name_no_force():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with pytest.raises(InvalidInputError) as e:
            ss.disproportionality(_records(""))
    assert "these records name no force" in str(e.value) and "read_stop_search(..., force=" in str(e.value)
    said = [str(x.message) for x in w if "not stated for a fifth" in str(x.message)]
    assert said and "searches in the records (which name no force) (25% of 12)" in said[0]


def test_aggregate_counts_and_no_area():
    agg = pd.DataFrame({"ethnicity": ["White", "Black"], "searches": [100, 40]})
    with pytest.raises(InvalidInputError) as e:
        ss.disproportionality(agg, count="searches")
    assert e.value.argument == "by" and "pass `population=`" in str(e.value)


def test_the_same_records_by_force_still_work():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = ss.disproportionality(_records("hertfordshire"), by="force")
    black = d[d.group == "Black"].iloc[0]
    pop = ss.census_population("force")
    herts = pop[(pop.force == "hertfordshire") & (pop.ethnicity == "Black")].population.iloc[0]
    assert black.searches == 3 and black.rate == pytest.approx(3 / herts * 1000)


def test_searches_in_a_small_part_of_the_area_are_said_in_the_rows(shared_data):
    # session 18 (w23c's note): the police.uk API file of Leicester city centre read as
    # Leicestershire's: the warning said the rates "are not meaningful", the rows said
    # like_for_like True and reliable True (Black 13.4 times White)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recs = ss.read_stop_search(shared_data / "stop_search/api_format_leicester_2020-02/stop_and_search.csv",
                                   force="leicestershire")
        d = ss.disproportionality(recs, by="force")
    assert not d["reliable"].any() and not d["like_for_like"].any()
    assert d["comparability"].str.startswith(
        "not like for like: the searches all lie within 2.8 km, a small part of the force's 2,551 km2").all()
    assert d.attrs["small_footprint"] and round(d.set_index("group").loc["Black", "ratio"], 1) == 13.4

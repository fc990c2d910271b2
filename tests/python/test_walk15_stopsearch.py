"""Session 15 (walk 15, stop and search): outcome_test shows every group, even with nothing to test;
errors of disproportionality / assign_ethnicity name the caller's row label; the City of London 2023
re-export's flags are read as they are."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import load_fixture

REF = load_fixture("walk15_stopsearch/reference.json")
DURHAM = "stop_search/policeuk_7forces_2019-12_to_2020-02/2020-01-durham-stop-and-search.csv"
WHITE = "White - English/Welsh/Scottish/Northern Irish/British"
BLACK = "Black/African/Caribbean/Black British - African"


def _quiet(f, *a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*a, **kw)


def test_durham_groups_with_nothing_to_test_are_rows_with_a_note(shared_data):
    # police.uk Durham, Jan 2020: the table had Asian and White rows only, while disproportionality shows
    # Black 0, Mixed 3 and Other 1 searches (all 4 without a recorded outcome)
    recs = saferstats.read_stop_search(shared_data / DURHAM)
    out = _quiet(saferstats.outcome_test, recs, outcome="arrest", by="force")
    ref = REF["durham_2020_01_arrest"]
    assert list(out["group"]) == ["Asian", "Black", "Mixed", "Other", "White"]
    assert out.columns[-1] == "note"
    for r in out.itertuples():
        want = ref[r.group]
        assert (r.n, r.hits) == (want["n"], want["hits"]), r.group
        if want["n"]:
            assert r.note == ""
            assert (r.rate, r.rate_lower, r.rate_upper) == pytest.approx(
                (want["rate"], want["rate_lower"], want["rate_upper"]), rel=1e-9)
            if r.group != "White":
                assert r.p_fisher == pytest.approx(want["p_fisher"], rel=1e-9)
        else:
            assert not r.reliable
            assert np.isnan([r.rate, r.rate_lower, r.rate_upper, r.diff, r.rr, r.p_value, r.p_fisher]).all()
            assert pd.isna(r.test) and pd.isna(r.rr_method)
            searched = want["searches"]
            assert r.note == ("no searches" if searched == 0 else
                              f"{searched} search{'es' if searched > 1 else ''}, none with a known outcome")
    assert out.attrs["no_searches"] == [{"force": "durham", "group": g} for g in ("Black", "Mixed", "Other")]


def _records(groups: list[str], outcomes: list[str], **extra) -> pd.DataFrame:
    return pd.DataFrame({"self_defined_ethnicity": groups, "outcome": outcomes, "type": "Person search", **extra})


def test_the_five_home_office_groups_are_always_shown_without_a_warning():
    recs = _records([WHITE] * 30 + [BLACK] * 20, ["Arrest"] * 6 + ["A no further action disposal"] * 24
                    + ["Arrest"] * 5 + ["A no further action disposal"] * 15)
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        out = saferstats.outcome_test(recs, outcome="arrest")
    assert list(out["group"]) == ["Asian", "Black", "Mixed", "Other", "White"]
    assert list(out["n"]) == [0, 20, 0, 0, 30] and list(out["hits"]) == [0, 5, 0, 0, 6]
    assert list(out["note"]) == ["no searches", "", "no searches", "no searches", ""]
    # the rows with searches are as before (nothing shifted): 5/20 against 6/30
    black = out.set_index("group").loc["Black"]
    assert black["rr"] == pytest.approx((5 / 20) / (6 / 30), rel=1e-12)


def test_each_stratum_gets_its_own_missing_groups_and_find_says_flag():
    recs = _records([WHITE] * 12 + [BLACK] * 3 + [WHITE] * 12, ["Arrest"] * 27,
                    force=["a"] * 15 + ["b"] * 12, outcome_linked_to_object_of_search=[True, False, None] * 9)
    out = _quiet(saferstats.outcome_test, recs, outcome="find", by="force")
    got = out.set_index(["force", "group"])
    assert got.loc[("a", "Black"), "n"] == 2 and got.loc[("a", "Black"), "note"] == ""  # 1 of 3 has no flag
    assert got.loc[("b", "Black"), "note"] == "no searches"
    assert list(out["force"]) == ["a"] * 5 + ["b"] * 5  # strata kept together, groups in order
    assert out.attrs["no_searches"][0] == {"force": "a", "group": "Asian"}
    # a group all of whose searches lack the flag
    recs2 = recs.assign(outcome_linked_to_object_of_search=[None if g == BLACK else True for g in recs.self_defined_ethnicity])
    got2 = _quiet(saferstats.outcome_test, recs2, outcome="find", by="force").set_index(["force", "group"])
    assert got2.loc[("a", "Black"), "note"] == "3 searches, none with the 'outcome linked' flag"


def test_categories_of_an_own_group_column_are_shown():
    recs = pd.DataFrame({"band": pd.Categorical(["A"] * 12 + ["B"] * 12, categories=["A", "B", "C"]),
                         "outcome": ["Arrest", "A no further action disposal"] * 12})
    out = _quiet(saferstats.outcome_test, recs, group="band", reference="A")
    assert list(out["group"]) == ["A", "B", "C"] and out["note"].tolist() == ["", "", "no searches"]


def test_unknown_ethnicity_label_names_the_row_label():
    df = pd.DataFrame({"self_defined_ethnicity": [WHITE, "Martian", WHITE]}, index=["x", "y", "z"])
    with pytest.raises(saferstats.InvalidInputError, match=r"\['Martian'\] \(first at row 'y'\)") as e:
        saferstats.assign_ethnicity(df)
    assert (e.value.argument, e.value.index, e.value.position) == ("self_defined_ethnicity", "y", 1)


def test_aggregate_tables_name_the_row_label():
    idx = list("abcd")
    agg = pd.DataFrame({"ethnicity": ["White", "Black", "Asian", "Mixed"], "searches": [10, 5, -1, 2]}, index=idx)
    pop = pd.DataFrame({"ethnicity": ["White", "Black", "Asian", "Mixed"], "population": [1000, 100, 100, 100]},
                       index=idx)
    cases = [
        (agg, pop, r"column 'searches' row 'c': counts must be non-negative numbers, got -1", "searches"),
        (agg.assign(searches=[10, 5, "x", 2]), pop, r"`searches` at row 'c': 'x' is not a number", "searches"),
        (agg.assign(searches=[10, 5, 1, 2], ethnicity=["White", "Black", None, "Mixed"]), pop,
         r"column 'ethnicity' row 'c': the group label is missing", "ethnicity"),
        (agg.assign(searches=[10, 5, 1, 2]), pop.assign(population=[1000, 100, -5, 100]),
         r"column 'population' row 'c' \(ethnicity='Asian'\): populations must be non-negative", "population"),
    ]
    for searches, population, message, column in cases:
        with pytest.raises(saferstats.InvalidInputError, match=message) as e:
            _quiet(saferstats.disproportionality, searches, population, count="searches")
        assert (e.value.argument, e.value.index, e.value.position) == (column, "c", 2)


def test_city_of_london_2023_reexport_keeps_its_blank_flags_blank(shared_data):
    # Investigated (session 15): the semicolon re-export writes the booleans as "0"/"1", but a flag left
    # blank stays blank ("part_of_a_policing_operation" is "" on all 2,384 rows, read as missing, never
    # False), and "outcome linked to object of search" is recorded on every search, as in City of London's
    # own police.uk files of Dec 2019 - Feb 2020 (879 of 879): no blank turned into False to warn about.
    c = saferstats.read_stop_search(shared_data / "stop_search/city_of_london_2023/stop_and_search.csv")
    assert len(c) == 2384
    assert c["part_of_a_policing_operation"].isna().all()
    linked = c["outcome_linked_to_object_of_search"]
    assert linked.notna().all() and int(linked.sum()) == 841
    old = saferstats.read_stop_search(sorted((shared_data / "stop_search/policeuk_7forces_2019-12_to_2020-02")
                                             .glob("*city-of-london*")))
    assert old["outcome_linked_to_object_of_search"].notna().all()
    assert old["part_of_a_policing_operation"].isna().all()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = saferstats.outcome_test(c, outcome="find")
    assert out.attrs["outcome_linked_missing_by"] == {} and out.attrs["excluded"]["outcome_linked_missing"] == 0
    assert not any("outcome linked to object of search' is missing" in str(x.message) for x in w)

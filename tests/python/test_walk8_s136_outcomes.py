"""Walk-through 8 (session 13): stop-and-search outcome tests on the police.uk files as published.

``outcome_test(outcome="arrest")`` counted a search with no outcome recorded as "not arrested":
Durham left the outcome blank for 209 of its 296 January-February 2020 searches, so its White
arrest rate read 77 / 398 = 19.3% where 77 of the 219 searches with an outcome (35.2%) ended in
arrest ("positive" already left blanks out, so the two rates had different denominators). Blank
outcomes are now left out and counted for "arrest" too, and a force with more than a tenth blank
is named in a warning (both outcomes). Reference: the same files counted with the csv module,
Wilson limits from statsmodels (tests/fixtures/walk8_s136_outcomes/generate.py).
"""

from __future__ import annotations

import json
import pathlib

import pandas as pd
import pytest

import saferstats

FIX = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "walk8_s136_outcomes"
                  / "white_outcomes_by_force.json").read_text())["white_by_force"]


@pytest.fixture(scope="module")
def searches(shared_data: pathlib.Path) -> pd.DataFrame:
    return saferstats.read_stop_search(shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02")


@pytest.mark.parametrize("outcome,key", [("arrest", "arrests"), ("positive", "positive")])
def test_white_rates_by_force_match_csv_count(searches: pd.DataFrame, outcome: str, key: str) -> None:
    with pytest.warns(saferstats.SaferstatsWarning, match=r"no outcome is recorded for many searches \(Durham: "):
        res = saferstats.outcome_test(searches, outcome=outcome, by="force")
    white = res[res["group"] == "White"].set_index("force")
    assert sorted(white.index) == sorted(FIX)
    for force, ref in FIX.items():
        row = white.loc[force]
        assert int(row["n"]) == ref["n"], force
        assert int(row["hits"]) == ref[key], force
        assert row["rate"] == pytest.approx(ref[key] / ref["n"], rel=1e-12)
        assert row["rate_lower"] == pytest.approx(ref[f"{key}_lower"], rel=1e-9)
        assert row["rate_upper"] == pytest.approx(ref[f"{key}_upper"], rel=1e-9)
    by = res.attrs["outcome_missing_by"]
    assert set(by) == {"durham"}
    assert by["durham"][0] / by["durham"][1] > 0.4
    assert res.attrs["excluded"]["outcome_missing"] >= sum(r["blank"] for r in FIX.values())


def test_arrest_and_positive_share_a_denominator(searches: pd.DataFrame) -> None:
    with pytest.warns(saferstats.SaferstatsWarning):
        a = saferstats.outcome_test(searches, outcome="arrest", by="force")
        p = saferstats.outcome_test(searches, outcome="positive", by="force")
    key = ["force", "group"]
    m = a[key + ["n", "hits"]].merge(p[key + ["n", "hits"]], on=key, suffixes=("_arrest", "_positive"))
    assert len(m) == len(a) == len(p)
    assert (m["n_arrest"] == m["n_positive"]).all()
    assert (m["hits_arrest"] <= m["hits_positive"]).all()  # an arrest is a positive outcome


def test_complete_outcomes_no_warning() -> None:
    recs = pd.DataFrame({"self_defined_ethnicity": ["White - Irish"] * 30 + ["Black/African/Caribbean/Black British - African"] * 20,
                         "outcome": (["Arrest"] * 6 + ["A no further action disposal"] * 24
                                     + ["Arrest"] * 5 + ["A no further action disposal"] * 15),
                         "type": "Person search"})
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        res = saferstats.outcome_test(recs, outcome="arrest")
    assert res.attrs["outcome_missing_by"] == {}
    assert res.attrs["excluded"]["outcome_missing"] == 0
    assert list(res.set_index("group").loc[["Black", "White"], "hits"]) == [5, 6]


def test_compare_proportions_refuses_a_fraction_of_a_count():
    """Session 13 (noticed by walk 8): 2.5 of 5 was taken, and Fisher's test, which needs a 2×2 table
    of whole counts, silently gave way to the z test. A fraction is now an error naming the argument
    and the row."""
    with pytest.raises(saferstats.SaferstatsError, match=r"`x1`.*2\.5.*whole number"):
        saferstats.compare_proportions(2.5, 5, 1, 4)
    with pytest.raises(saferstats.SaferstatsError, match=r"n2.*whole number"):
        saferstats.compare_proportions([1, 2], [4, 4], [1, 1], [3, 3.5])
    assert saferstats.compare_proportions(2.0, 5.0, 1, 4)["test"].iloc[0] == "fisher"

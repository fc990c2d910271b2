"""Session 35, helper y5: stop-and-search disproportionality walked as a force's new performance
analyst does it for a scrutiny panel (police.uk Merseyside, Dec 2019 - Feb 2020, Census 2021)."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path

SEVEN = "stop_search/policeuk_7forces_2019-12_to_2020-02"
WHITE = "White - English/Welsh/Scottish/Northern Irish/British"
MIXED = "Mixed/Multiple ethnic groups - White and Black Caribbean"
BLACK = "Black/African/Caribbean/Black British - African"


def _records(self_defined: list[str], officer: list[str], outcomes: list[str]) -> pd.DataFrame:
    n = len(self_defined)
    return pd.DataFrame({"type": ["Person search"] * n, "self_defined_ethnicity": self_defined,
                         "officer_defined_ethnicity": officer, "outcome": outcomes})


def test_officer_defined_mixed_row_is_not_called_no_searches_inline() -> None:
    """Before: ``outcome_test(ethnicity_source="officer")`` gave the Mixed row the note "no
    searches", silently: a panel reads that no Mixed people were searched, when officers simply
    cannot record Mixed (police.uk's officer-defined ethnicity is White, Black, Asian or Other).
    Now the note says so and a SaferstatsWarning counts the searches of people who self-defined as
    Mixed and the officer groups they were put in. Reference: the frame below, counted by hand - 4
    self-defined Mixed, recorded by officers as Black (3) and White (1)."""
    self_defined = [WHITE] * 20 + [MIXED] * 4 + [BLACK] * 12
    officer = ["White"] * 20 + ["Black", "Black", "Black", "White"] + ["Black"] * 12
    outcomes = (["Arrest"] * 2 + ["A no further action disposal"] * 18 + ["Arrest"] + ["A no further action disposal"] * 3
                + ["Arrest"] * 3 + ["A no further action disposal"] * 9)
    recs = _records(self_defined, officer, outcomes)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = ss.outcome_test(recs, outcome="arrest", ethnicity_source="officer")
    mixed = out.set_index("group").loc["Mixed"]
    assert mixed["n"] == 0 and mixed["note"] != "no searches"
    assert mixed["note"].startswith("not recorded: officers cannot record Mixed")
    said = [str(w.message) for w in seen if issubclass(w.category, ss.SaferstatsWarning)
            and "ethnicity_source='officer'" in str(w.message)]
    assert len(said) == 1
    assert "4 of the 36 searches compared were of people who self-defined as Mixed" in said[0]
    assert "Black (3), White (1)" in said[0]
    assert out.attrs["officer_mixed"] == {"self_defined_mixed": 4, "searches": 36,
                                          "by_officer_group": {"Black": 3, "White": 1}}
    # the rows with searches are untouched: officer-defined Black 3 + 1 + 12 = 15 (4 arrests), White 21 (2)
    black = out.set_index("group").loc["Black"]
    assert (black["n"], black["hits"]) == (15, 4)
    assert black["rr"] == pytest.approx((4 / 15) / (2 / 21), rel=1e-12)
    # self-defined: Mixed has its own row, no such note or warning
    with warnings.catch_warnings(record=True) as seen_self:
        warnings.simplefilter("always")
        own = ss.outcome_test(recs, outcome="arrest")
    assert own.set_index("group").loc["Mixed", "n"] == 4 and "officer_mixed" not in own.attrs
    assert not any("cannot record Mixed" in str(w.message) for w in seen_self)
    # a group with no searches at all keeps its "no searches" note (Asian, Other here)
    assert out.set_index("group").loc[["Asian", "Other"], "note"].tolist() == ["no searches", "no searches"]


@pytest.fixture(scope="module")
def merseyside(shared_data):  # type: ignore[no-untyped-def]
    folder = shared_path(shared_data, SEVEN)
    files = sorted(folder.glob("*-merseyside-stop-and-search.csv"))
    raw = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        recs = ss.read_stop_search([str(f) for f in files])
    return raw, recs


def test_officer_defined_mixed_merseyside_counted_from_the_raw_files(merseyside) -> None:  # type: ignore[no-untyped-def]
    """Before: police.uk Merseyside, Dec 2019 - Feb 2020, arrests by officer-defined ethnicity: the
    Mixed row said "no searches" with no warning. Reference: the three raw CSVs read with pandas -
    no officer-defined "Mixed" at all, and 114 searches of a person (not vehicle-only) with an
    officer-defined ethnicity by people who self-defined as Mixed (White 31, Black 51, Other 18,
    Asian 14), 129 self-defined Mixed in all."""
    raw, recs = merseyside
    assert "Mixed" not in set(raw["Officer-defined ethnicity"])
    person = raw[(raw["Type"] != "Vehicle search") & (raw["Officer-defined ethnicity"] != "")]
    mixed = person[person["Self-defined ethnicity"].str.startswith("Mixed/Multiple ethnic groups")]
    want = mixed["Officer-defined ethnicity"].value_counts().to_dict()
    assert (len(mixed), len(person)) == (114, 8900)
    assert want == {"Black": 51, "White": 31, "Other": 18, "Asian": 14}
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = ss.outcome_test(recs, outcome="arrest", ethnicity_source="officer")
    assert out.set_index("group").loc["Mixed", "note"].startswith("not recorded: officers cannot record Mixed")
    assert out.attrs["officer_mixed"] == {"self_defined_mixed": 114, "searches": 8900, "by_officer_group": want}
    said = " ".join(str(w.message) for w in seen)
    assert "114 of the 8,900 searches compared were of people who self-defined as Mixed" in said
    # the officer-defined counts are the raw file's (White 8,261 searches of a person with an outcome)
    white = person[(person["Officer-defined ethnicity"] == "White") & (person["Outcome"] != "")]
    assert out.set_index("group").loc["White", "n"] == len(white) == 8261


def test_outcome_test_docstring_says_which_searches_it_leaves_out(merseyside) -> None:  # type: ignore[no-untyped-def]
    """Before: ``outcome_test``'s docstring did not say that vehicle-only searches and searches with
    no stated ethnicity are left out (nor document ``ethnicity_source`` / ``include_vehicle``): an
    analyst reading it could not tell why the groups' ``n`` sum to fewer than the file's rows. Now it
    says so with Merseyside's figures, checked here against the raw CSVs counted with pandas: 9,631
    rows, 218 "Vehicle search", 1,247 searches of a person whose self-defined ethnicity is blank or
    "Other ethnic group - Not stated"."""
    raw, recs = merseyside
    doc = " ".join((ss.outcome_test.__doc__ or "").split())
    assert "vehicle-only searches (no person searched) and searches with no stated ethnicity are in no group's rate" in doc
    assert "``ethnicity_source``, ``mapping``, ``unknown`` and ``include_vehicle`` as in :func:`disproportionality`" in doc
    assert "218 vehicle-only and 1,247 not stated of 9,631 searches" in doc
    person = raw[raw["Type"] != "Vehicle search"]
    not_stated = person["Self-defined ethnicity"].isin(["", "Other ethnic group - Not stated"])
    assert (len(raw), len(raw) - len(person), int(not_stated.sum())) == (9631, 218, 1247)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        out = ss.outcome_test(recs, outcome="arrest")
    got = out.attrs["excluded"]
    assert (got["vehicle_only"], got["not_stated"], got["searches_with_person"]) == (218, 1247, len(person))
    # every search of a person with a stated ethnicity and an outcome is in a group's n: 9,413 - 1,247 - 1
    assert int(out["n"].sum()) == len(person) - 1247 - got["outcome_missing"] == 8165


def test_withheld_find_rows_are_not_reliable(merseyside) -> None:  # type: ignore[no-untyped-def]
    """Before: Merseyside's find rates (``outcome="find"``) were withheld as not comparable (the
    'outcome linked' flag blank on most searches) - rate, ratio and p NaN - yet every row had
    ``reliable`` True, so ``res[res.reliable]`` kept rows with no rate. Now a withheld row's
    ``reliable`` is False. Reference: the raw CSVs counted with pandas - of the 8,166 searches of a
    person with a stated self-defined ethnicity, 6,414 (79%) have the flag blank."""
    raw, recs = merseyside
    person = raw[(raw["Type"] != "Vehicle search")
                 & ~raw["Self-defined ethnicity"].isin(["", "Other ethnic group - Not stated"])]
    blank = person["Outcome linked to object of search"] == ""
    assert (len(person), int(blank.sum())) == (8166, 6414)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        out = ss.outcome_test(recs, outcome="find", by="force")
    assert (out["withheld"] != "").all() and out["rate"].isna().all()
    assert int(out["n"].sum()) == 8166 - 6414
    assert not out["reliable"].any()
    assert len(out[out["reliable"]]) == 0
    # a force whose rates are shown keeps its flag (the arrests of the same searches)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        arrests = ss.outcome_test(recs, outcome="arrest", by="force")
    assert arrests["reliable"].all()

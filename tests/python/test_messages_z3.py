"""Session 35, helper z3: messages an analyst would misread (disproportionality, outcome_test,
read_census_ethnicity)."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path

SEVEN = "stop_search/policeuk_7forces_2019-12_to_2020-02"
WHITE = "White - English/Welsh/Scottish/Northern Irish/British"
MIXED = "Mixed/Multiple ethnic groups - White and Black Caribbean"
ASIAN = "Asian/Asian British - Pakistani"
NOT_STATED = "Other ethnic group - Not stated"


def _words(text: str) -> str:
    return " ".join(str(text).split())


def _said(seen: list[warnings.WarningMessage], start: str) -> list[str]:
    return [_words(w.message) for w in seen if issubclass(w.category, ss.SaferstatsWarning)
            and str(w.message).startswith(start)]


@pytest.fixture(scope="module")
def essex(shared_data: Path) -> tuple[list[Path], pd.DataFrame]:
    folder = shared_path(shared_data, SEVEN)
    files = sorted(folder.glob("*-essex-*.csv"))
    if len(files) != 3:
        pytest.skip("Essex's three police.uk files are not in ../shared/data")
    return files, ss.read_stop_search(files)


def test_essex_officer_other_says_in_figures_why_it_is_overstated(essex: tuple[list[Path], pd.DataFrame]) -> None:
    """Before: Essex's officer-defined Other row (185 searches against 7,101 Census 2011 residents,
    ratio to White 10.18) was flagged "overstated" in words only; the warning named "Essex / Other"
    and gave no figure. Officers recorded as Other 102 of the 117 people searched who self-defined as
    Mixed (and 9 of the 222 who self-defined as Asian), so 111 of the row's 185 searches are of
    people whom the Census does not count as Other. The note and the warning now say so.
    Reference: the three raw police.uk CSVs read with pandas (person searches, officer-defined
    ethnicity stated)."""
    files, df = essex
    raw = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    compared = raw[(raw["Type"] != "Vehicle search") & raw["Officer-defined ethnicity"].notna()]
    own = compared["Self-defined ethnicity"].fillna("").str.split("/").str[0]
    mixed, asian = compared[own == "Mixed"], compared[own == "Asian"]
    m_other = int((mixed["Officer-defined ethnicity"] == "Other").sum())
    a_other = int((asian["Officer-defined ethnicity"] == "Other").sum())
    n_other = int((compared["Officer-defined ethnicity"] == "Other").sum())
    assert (m_other, len(mixed), a_other, len(asian), n_other) == (102, 117, 9, 222, 185)

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = ss.disproportionality(df, by="force", ethnicity_source="officer", census=2011)
    other = out.set_index("group").loc["Other"]
    assert (other["searches"], other["population"]) == (185, 7101)
    assert other["ratio"] == pytest.approx((185 / 7101) / (4114 / 1608308), rel=1e-12)
    figure = (f"{m_other + a_other} of the row's {n_other} searches are of people who self-defined as Mixed "
              f"(officers recorded {m_other} of the {len(mixed)} searched as Other) or Asian ({a_other} of the "
              f"{len(asian)})")
    assert _words(other["comparability"]).startswith("overstated: officers' Other includes people who self-define")
    assert _words(other["comparability"]).endswith(f"(here {figure})")
    said = _said(seen, "disproportionality: 5 of 5 rows compare")
    assert len(said) == 1 and f"overstated: Essex / Other ({figure}); approximate:" in said[0]
    assert out.attrs["officer_other"] == [{"force": "essex", "searches": 185, "self_defined_mixed": 102,
                                           "mixed_searched": 117, "self_defined_asian": 9, "asian_searched": 222}]
    # the other rows' notes and every figure of the table are as before
    assert (out.set_index("group").loc[["Asian", "Black", "White"], "comparability"]
            == "approximate: officer-perceived ethnicity against self-defined Census groups").all()


def _filled_records() -> pd.DataFrame:
    """40 person searches: self-defined White 20, Mixed 4, Asian 6; 10 not self-defined, which
    officers recorded as White 4, Asian 3, Other 3."""
    self_defined = [WHITE] * 20 + [MIXED] * 4 + [ASIAN] * 6 + [NOT_STATED] * 10
    officer = ["White"] * 20 + ["Black"] * 4 + ["Asian"] * 6 + ["White"] * 4 + ["Asian"] * 3 + ["Other"] * 3
    outcomes = ["Arrest", "A no further action disposal"] * 20
    return pd.DataFrame({"type": "Person search", "self_defined_ethnicity": self_defined,
                         "officer_defined_ethnicity": officer, "outcome": outcomes})


def test_outcome_test_self_then_officer_says_what_disproportionality_says() -> None:
    """Before: ``outcome_test(ethnicity_source="self_then_officer")`` said nothing, while
    ``disproportionality`` with that source warns that the rows holding searches whose group came
    from officer-defined ethnicity are not like for like (Other overstated, Mixed understated, the
    others approximate). Now outcome_test says it once, in the same words (one helper). Reference:
    the frame above counted by hand - White 24 searches, 4 from officers (17%); Asian 9, 3 (33%);
    Other 3, all from officers (100%); Mixed 4, none (understated: the 10 not self-defined could
    not be put in Mixed)."""
    recs = _filled_records()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = ss.outcome_test(recs, outcome="arrest", ethnicity_source="self_then_officer")
    said = _said(seen, "outcome_test: ")
    assert len(said) == 1, said
    listed = "overstated: Other; understated: Mixed; approximate: Asian, White"
    assert f"(ethnicity_source='self_then_officer') — {listed}." in said[0]
    assert said[0].endswith("Home Office figures use self-defined ethnicity (docs/methods/officer_ethnicity.md).")
    got = {r["group"]: (r["n"], r["from_officer"]) for r in out.attrs["officer_filled"]}
    assert got == {"Asian": (9, 3), "Black": (0, 0), "Mixed": (4, 0), "Other": (3, 3), "White": (24, 4)}
    # disproportionality lists the same rows under the same heads, in the same words
    with warnings.catch_warnings(record=True) as seen_d:
        warnings.simplefilter("always")
        ss.disproportionality(recs, {"Asian": 100, "Black": 100, "Mixed": 100, "Other": 100, "White": 1000},
                              ethnicity_source="self_then_officer")
    said_d = _said(seen_d, "disproportionality: ")
    said_d = [s for s in said_d if "ethnic categories differ" in s]
    assert len(said_d) == 1 and f"(ethnicity_source='self_then_officer') — {listed}." in said_d[0]
    assert said_d[0].split(" — ", 1)[1].split(". ", 1)[0] == said[0].split(" — ", 1)[1].split(". ", 1)[0]
    # self-defined only: no such warning, no attrs
    with warnings.catch_warnings(record=True) as seen_self:
        warnings.simplefilter("always")
        own = ss.outcome_test(recs, outcome="arrest")
    assert not _said(seen_self, "outcome_test: ") and "officer_filled" not in own.attrs


def test_census_area_given_twice_lists_its_distinct_lines(tmp_path: Path) -> None:
    """Before: an LSOA repeated at lines 2 and 5 of a broad table was refused as "... 'asian' is
    given twice (lines [2, 2, 2, 2])": the first four duplicated records, all one row's groups.
    Now each area given twice is named once with its distinct lines ("E01000002 is given twice
    (lines [2, 5])"), the next ones too. Reference: the CSV written below (line = row + 2)."""
    rows = ["E01000002,10,20,30,40,50", "E01000003,1,2,3,4,5", "E01000004,5,5,5,5,5",
            "E01000002,10,20,30,40,50", "E01000005,1,1,1,1,1", "E01000003,1,2,3,4,5"]
    f = tmp_path / "ts021_lsoa.csv"
    f.write_text("lsoa21_code,asian,black,mixed,white,other\n" + "\n".join(rows) + "\n")
    with pytest.raises(ss.SaferstatsError) as e:
        ss.read_census_ethnicity(f, level="lsoa")
    msg = _words(e.value)
    assert "E01000002 is given twice (lines [2, 5]); also E01000003 (lines [3, 7], twice);" in msg, msg
    assert "[2, 2" not in msg and "'asian'" not in msg


def test_officer_other_holding_no_self_defined_mixed_or_asian_gives_no_figure() -> None:
    """An officer-defined Other row that holds no one who self-defined as Mixed or Asian keeps the
    note in words ("0 of the row's 3 searches ..." says nothing); its figures are in the attrs.
    Reference: the frame above by hand - the 3 officer-defined Other are not self-defined, the 4
    Mixed went to Black."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = ss.disproportionality(_filled_records(), {"Asian": 100, "Black": 100, "Mixed": 100, "Other": 100,
                                                        "White": 1000}, ethnicity_source="officer")
    assert out.set_index("group").loc["Other", "comparability"] == (
        "overstated: officers' Other includes people who self-define as Mixed or Asian, whom the Census Other "
        "denominator does not")
    said = _said(seen, "disproportionality: 5 of 5 rows compare")
    assert len(said) == 1 and "overstated: Other; approximate:" in said[0] and "of the row's" not in said[0]
    assert out.attrs["officer_other"] == [{"searches": 3, "self_defined_mixed": 0, "mixed_searched": 4,
                                           "self_defined_asian": 0, "asian_searched": 6}]

"""Session 36 (v5): disclosure control items left by u5's walk (``suppress``).

1. A fractional "count" (10.5) was taken as a count and published; now refused naming the column
   and row (a derived column of rates keeps its fractions).
2. A broad ethnic group was not said a possible total of its own detailed groups when no word was
   shared: "Black or Black British" 8 = "Caribbean" 3 + "African" 5.
3. NHS England's ``*`` in a count column was "not a number" (or the column was taken for a label:
   "table has no count columns"); now the refusal says what ``*`` is and to give NaN.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import shared_path
from saferstats.disclosure import _ethnic_group, suppress
from saferstats.exceptions import InvalidInputError

MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


@pytest.fixture(scope="module")
def mha_raw(shared_data: Path) -> pd.DataFrame:
    path = shared_path(shared_data, MHA)  # skips cleanly when the shared data are absent
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _messages(table: pd.DataFrame, **kw: object) -> tuple[pd.DataFrame, list[str]]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = suppress(table, **kw)
    return out, [str(x.message) for x in w]


# ------------------------------------------------------------------------------ 1. fractional counts

def test_fractional_count_refused_naming_column_and_row() -> None:
    """Before: 10.5 in the count column was taken as a count (hidden with 3, the rest published);
    a count is a whole number (by definition), so now it is refused naming the column and row."""
    t = pd.DataFrame({"count": [10.5, 3, 20, 30]}, index=["A", "B", "C", "D"])
    with pytest.raises(InvalidInputError, match=r"count column 'count' row 'A': 10.5 is not a whole number") as exc:
        suppress(t)
    assert "derived=['count']" in str(exc.value)


def test_whole_floats_and_fractional_derived_columns_still_accepted() -> None:
    """Whole numbers stored as floats (10.0, NaN for a missing count) are counts; a rate with
    fractions is derived, not refused: 3 and 2 (< 10) hidden, their rates 1.5 and 1.0 blanked with them."""
    t = pd.DataFrame({"area": ["a", "b", "c", "d"], "count": [10.0, 3.0, 2.0, 20.0],
                      "rate": [5.25, 1.5, 1.0, 10.75]})
    out = suppress(t)
    assert out["count"].tolist() == [10, "[c]", "[c]", 20]
    assert out["rate"].tolist() == [5.25, "[c]", "[c]", 10.75]


# ------------------------------------------------------------------------------ 2. ethnic subtotals

def test_broad_ethnic_group_said_total_of_its_detailed_groups() -> None:
    """Before: no warning ("Black or Black British" shares no word with "Caribbean" or "African"),
    so "Black or Black British" 8 published beside the hidden "Caribbean" 3 and "African" 5 gave
    their sum back unsaid. Reference: 8 = 3 + 5 (+ "Any other Black background" 0)."""
    t = pd.DataFrame({"ethnicity": ["White", "Black or Black British", "Caribbean", "African",
                                    "Any other Black background", "Asian or Asian British"],
                      "count": [100, 8, 3, 5, 0, 40]})
    assert 8 == 3 + 5 + 0
    _, msgs = _messages(t)
    said = [m for m in msgs if "may be a total" in m]
    assert said and "'Black or Black British' (8) = 'Caribbean' 3 + 'African' 5" in said[0]


def test_broad_group_not_said_total_of_another_groups_detailed() -> None:
    """A broad group is a total of its own detailed groups only: "Black or Black British" 8 =
    "Indian" 3 + "Pakistani" 5 holds in the arithmetic (8 = 3 + 5) but Indian and Pakistani are Asian."""
    t = pd.DataFrame({"ethnicity": ["White", "Black or Black British", "Indian", "Pakistani", "Mixed"],
                      "count": [100, 8, 3, 5, 40]})
    assert 8 == 3 + 5
    _, msgs = _messages(t)
    assert not [m for m in msgs if "may be a total" in m]


@pytest.mark.parametrize("label, expected", [
    ("Black/African/Caribbean/Black British - Caribbean", ("detailed", {"black"})),
    ("Black, Black British, Black Welsh, Caribbean or African", ("broad", {"black"})),   # Census 2021
    ("Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background", ("detailed", {"mixed"})),
    ("White: Roma", ("detailed", {"white"})),                                           # Census 2021 only
    ("Asian/Asian British - Chinese", ("detailed", {"asian"})),                          # Census: Asian
    ("Chinese", ("detailed", {"asian", "other"})),                                      # NHS: Other
    ("White British", ("detailed", {"white"})),
    ("Other ethnic group", ("broad", {"other"})),
    ("Any other ethnic group", ("detailed", {"other"})),
    ("Not Stated", None),
])
def test_ethnic_group_labels(label: str, expected: tuple[str, set[str]] | None) -> None:
    """Census 2011 (18) / 2021 (19) and NHS England labels, written as each publisher writes them."""
    got = _ethnic_group(label)
    assert (got if got is None else (got[0], set(got[1]))) == expected


CENSUS_2021 = {  # the 19 detailed groups of Census 2021 (TS021), as ONS writes them, under their broad group
    "Asian, Asian British or Asian Welsh": ["Bangladeshi", "Chinese", "Indian", "Pakistani", "Other Asian"],
    "Black, Black British, Black Welsh, Caribbean or African": ["African", "Caribbean", "Other Black"],
    "Mixed or Multiple ethnic groups": ["White and Asian", "White and Black African", "White and Black Caribbean",
                                        "Other Mixed or Multiple ethnic groups"],
    "White": ["English, Welsh, Scottish, Northern Irish or British", "Irish", "Gypsy or Irish Traveller", "Roma",
              "Other White"],
    "Other ethnic group": ["Arab", "Any other ethnic group"],
}


def test_census_2021_and_2011_detailed_groups_under_their_broad_group() -> None:
    """Every one of the 19 (2021) and 18 (2011: the package's census2011_ethnic_group_by_force.csv
    header) detailed groups is a detailed group of the broad group it is written under, and each
    broad group is one: counted by hand, 5 + 3 + 4 + 5 + 2 = 19 and 4 + 4 + 5 + 3 + 2 = 18."""
    labels21 = [(b, f"{b}: {d}") for b, ds in CENSUS_2021.items() for d in ds]
    assert len(labels21) == 5 + 3 + 4 + 5 + 2 == 19
    header = pd.read_csv(Path(__file__).parents[2] / "python/saferstats/data/census2011_ethnic_group_by_force.csv",
                         nrows=0).columns[1:]
    names = [c.removeprefix("Ethnic Group: ").removesuffix("; measures: Value") for c in header]
    broad11 = [x for x in names if ":" not in x]
    assert broad11 == ["White", "Mixed", "Asian", "Black", "Other"]
    labels11 = [(x.split(":")[0], x) for x in names if ":" in x and not x.startswith("All categories")]
    assert len(labels11) == 4 + 4 + 5 + 3 + 2 == 18
    for b, lab in labels21 + labels11:
        of, got = _ethnic_group(b), _ethnic_group(lab)
        assert of is not None and of[0] == "broad", b
        assert got is not None and got == ("detailed", of[1]), lab
    for b in [*CENSUS_2021, *broad11]:
        assert _ethnic_group(b) in [("broad", frozenset({w})) for w in ("white", "mixed", "asian", "black", "other")]


def test_ethnic_groups_against_raw_mha_file(mha_raw: pd.DataFrame) -> None:
    """Reference: NHS England's MHA annual file read with pandas (all detentions, England, by
    ethnicity): each broad group's count is the sum of the rows ``_ethnic_group`` calls its detailed
    groups, e.g. Black or Black British 5693 = African 2556 + Caribbean 1518 + Any Other Black
    background 1619; Other Ethnic Groups 2169 = Chinese 237 + Any Other Ethnic Group 1932 (NHS
    England puts Chinese with Other)."""
    e = mha_raw[(mha_raw.Demographic == "Ethnicity") & (mha_raw.OrgID == "All prov")
                & (mha_raw.Measure == "All detentions")]
    n = dict(zip(e.DemographicBreakdown, e.Total_Count.astype(float)))
    assert n["Black or Black British"] == 2556 + 1518 + 1619
    groups = {lab: _ethnic_group(lab) for lab in n}
    broad = {lab: next(iter(g[1])) for lab, g in groups.items() if g is not None and g[0] == "broad"}
    assert sorted(broad.values()) == ["asian", "black", "mixed", "other", "white"]
    for lab, b in broad.items():
        parts = [x for x, g in groups.items() if g is not None and g[0] == "detailed"
                 and (g[1] == {b} or (b == "other" and x == "Chinese"))]
        assert len(parts) >= 2 and n[lab] == sum(n[x] for x in parts), (lab, parts)
    assert {x for x, g in groups.items() if g is None} == {"All", "Not Known", "Not Stated", "Unknown"}


# ------------------------------------------------------------------------------ 3. NHS England's '*'

def test_star_in_count_column_explained(mha_raw: pd.DataFrame) -> None:
    """NHS England prints '*' in a count it suppressed (the DERIVED CSV leaves it blank: the blanks
    of the raw file, read with pandas, written back as '*'). Before: the column was taken for a label
    ("table has no count columns"), or with columns= "'*' is not a number" and no more. Now the
    refusal names column and row, says '*' is a count withheld at source and to give NaN; given NaN,
    the withheld counts are listed, as many as the raw file's blanks (69)."""
    a = mha_raw[(mha_raw.Demographic == "Age") & (mha_raw.Measure == "All detentions")
                & (mha_raw.OrganisationBreakdown == "ICB")]
    t = a[["OrgID", "DemographicBreakdown", "Total_Count"]].rename(columns={"Total_Count": "count"})
    t = t.reset_index(drop=True)
    blanks = int((t["count"] == "").sum())
    assert blanks == 69
    t["count"] = t["count"].replace("", "*")
    first = int(np.flatnonzero(t["count"] == "*")[0])
    with pytest.raises(InvalidInputError, match=rf"count column 'count' row {first}: '\*' is not a number: '\*' "
                       r"marks a count the publisher suppressed \(withheld at source\).*give NaN"):
        suppress(t)
    out, _ = _messages(t.replace("*", np.nan), keys=["OrgID", "DemographicBreakdown"])
    assert len(out.attrs["missing_counts"]) == blanks


def test_other_marks_explained_with_columns_given() -> None:
    """With columns= given, ONS's 'x' was "'x' is not a number" alone; it now says what it is too."""
    t = pd.DataFrame({"n": ["3", "x", "12"]})
    with pytest.raises(InvalidInputError, match=r"row 1: 'x' is not a number: 'x' marks a count the publisher"):
        suppress(t, columns=["n"])

"""Session 36 (u5): a mental-health partnership board's Section 136 tables by age and by ethnicity,
protected with ``suppress`` before publishing.

The tables are small inline frames in NHS England's layout (Mental Health Act Statistics, Annual
Figures: Ethnicity "All" is the five broad groups and leaves out "Unknown"); the references are
the arithmetic a reader does with the published cells, written out in each test.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from scipy.optimize import linprog

import saferstats as ss
from conftest import shared_path
from saferstats.exceptions import SaferstatsWarning

BROAD = ["White", "Mixed", "Asian or Asian British", "Black or Black British", "Other Ethnic Groups"]


def _ethnicity_table() -> pd.DataFrame:
    """One area's 105 detentions in a year by ethnicity, as NHS England lays the rows out: the five
    broad groups, "All" = their sum (101), then "Unknown" (4), outside "All"."""
    return pd.DataFrame({"ethnicity": [*BROAD, "All", "Unknown"], "count": [80, 5, 3, 8, 5, 101, 4]})


def _messages(record: list[warnings.WarningMessage]) -> list[str]:
    return [" ".join(str(w.message).split()) for w in record if issubclass(w.category, SaferstatsWarning)]


def test_all_but_unknown_total_is_warned_and_its_call_protects() -> None:
    """Before: ``suppress`` published "All" 101 and four of the five groups of the ethnicity table
    with no warning, so the hidden Asian count was 101 - (80 + 5 + 8 + 5) = 3, by hand; its total
    searched only "a small count plus one to three other rows", and NHS England's "All" is five rows
    that leave out "Unknown" (so it is no column total either). Now a SaferstatsWarning says
    "'All' (101) = every other row but 'Unknown' 4" and writes the ``totals=`` that names it; with
    that call neither the Asian count nor "Unknown" can be worked back, even by a reader holding the
    age table's "All" (105, the same detentions: All + Unknown = 105): the least and the most each
    can be given the published cells (scipy's linprog) differ."""
    table = _ethnicity_table()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = ss.suppress(table)
    pub = dict(zip(out["ethnicity"], out["count"]))
    # the leak the warning is about: every group but one published beside the total
    assert pub["Asian or Asian British"] == "[c]" and pub["All"] == 101
    published_groups = [pub[g] for g in BROAD if pub[g] != "[c]"]
    assert pub["All"] - sum(published_groups) == 3  # the hidden count, by subtraction
    said = [m for m in _messages(rec) if "every other row but 'Unknown' 4" in m]
    assert said, _messages(rec)
    assert "totals={'All': " + repr(BROAD) + "}" in said[0]

    named = ss.suppress(table, totals={"All": BROAD})
    shown = dict(zip(named["ethnicity"], named["count"]))
    hidden = [k for k, v in shown.items() if v == "[c]"]
    assert "Asian or Asian British" in hidden and "Unknown" in hidden
    # the least and the most each hidden cell can be, given the published cells and what a reader knows:
    # All = the five groups, All + Unknown = 105 (the age table's All), counts not negative
    names = list(shown)
    a_eq = [[1.0 if k == "All" else -1.0 if k in BROAD else 0.0 for k in names],
            [1.0 if k in ("All", "Unknown") else 0.0 for k in names]]
    bounds = [(0, None) if shown[k] == "[c]" else (shown[k], shown[k]) for k in names]
    for k in ("Asian or Asian British", "Unknown"):
        c = [1.0 if j == k else 0.0 for j in names]
        low = linprog(c, A_eq=a_eq, b_eq=[0, 105], bounds=bounds).fun
        high = -linprog([-x for x in c], A_eq=a_eq, b_eq=[0, 105], bounds=bounds).fun
        assert high - low >= 1, (k, low, high)
        assert low <= {"Asian or Asian British": 3, "Unknown": 4}[k] <= high


def test_a_table_whose_all_is_every_row_is_not_warned() -> None:
    """The age table's "All" is every other row ("Unknown" among them): the column total the audit
    already takes as known, so the new check says nothing of it (2 + 6 + 59 + 23 + 8 + 5 + 2 = 105)."""
    age = pd.DataFrame({"age": ["15 and under", "16 to 17", "18 to 34", "35 to 49", "50 to 64", "65 and over",
                                "Unknown", "All"], "count": [2, 6, 59, 23, 8, 5, 2, 105]})
    assert age["count"].iloc[:-1].sum() == 105
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ss.suppress(age)
    assert not [m for m in _messages(rec) if "every other row but" in m]


def test_age_bands_sharing_a_word_are_no_total() -> None:
    """Before: "'50 to 64' (8) = '15 and under' 6 + '16 to 17' 2" was warned of as a possible total,
    because "50 to 64" and "16 to 17" share the word "to"; ages 50 to 64 hold no one aged 17 or under,
    so it cannot be. A band that holds the others is still said: "Under 18" (0 to 17) = "15 and
    under" 2 + "16 to 17" 6."""
    age = pd.DataFrame({"age": ["15 and under", "16 to 17", "18 to 34", "35 to 49", "50 to 64", "65 and over",
                                "Unknown", "All"], "count": [6, 2, 59, 23, 8, 5, 2, 105]})
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ss.suppress(age)
    assert not [m for m in _messages(rec) if "'50 to 64' (8) =" in m], _messages(rec)

    nested = pd.DataFrame({"age": ["15 and under", "16 to 17", "Under 18", "18 to 34", "35 to 49"],
                           "count": [2, 6, 8, 59, 23]})
    with pytest.warns(SaferstatsWarning, match=r"'Under 18' \(8\) = '15 and under' 2 \+ '16 to 17' 6"):
        ss.suppress(nested)


def test_nhs_england_ethnicity_all_leaves_out_unknown(shared_data: object) -> None:
    """The layout the first test takes is NHS England's, read from the raw 2023-24 file with pandas:
    Section 136, England, Ethnicity "All" 13,156 = White 10,483 + Mixed 550 + Asian 766 + Black 896
    + Other 461, with "Unknown" 1,791 outside it."""
    path = shared_path(shared_data, "s136_mental_health/nhs_mha_annual_2023_24/"  # type: ignore[arg-type]
                       "DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv")
    raw = pd.read_csv(path)
    rows = raw[(raw["Measure"] == "Short term orders") & (raw["measureSubcategory"] == "Section 136")
               & (raw["Demographic"] == "Ethnicity") & (raw["OrganisationBreakdown"] == "All submissions")]
    count = dict(zip(rows["DemographicBreakdown"], rows["Total_Count"]))
    assert count["All"] == 13156 == sum(count[g] for g in BROAD)
    assert count["Unknown"] == 1791


def test_broad_groups_sharing_british_are_no_total() -> None:
    """Before: "'Black or Black British' (8) = 'Mixed' 5 + 'Asian or Asian British' 3" was warned of
    as a possible total, on the word "British" the two broad groups share; neither broad group holds
    another (NHS England's "Black or Black British" is Caribbean + African + Any Other Black
    background). The Black group's own parts are still said: 8 = Caribbean 3 + Any Other Black
    background 5."""
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ss.suppress(_ethnicity_table())
    assert not [m for m in _messages(rec) if "'Black or Black British' (8) =" in m], _messages(rec)
    black = pd.DataFrame({"ethnicity": ["Caribbean", "Any Other Black background", "Black or Black British", "White"],
                          "count": [3, 5, 8, 90]})
    said = r"'Black or Black British' \(8\) = 'Caribbean' 3 \+ 'Any Other Black background' 5"
    with pytest.warns(SaferstatsWarning, match=said):
        ss.suppress(black)


def test_shares_of_a_hidden_total_are_hidden() -> None:
    """Before: with ``totals={"All": [...]}`` the ethnicity table hid "All" (to protect Asian 3), yet
    published each group's share of it beside its count: White 80 at 79.2% gives "All" back as
    80 / 0.792 = 101.0 (and Mixed 5 at 5.0%, Black 8 at 7.9%: 100 to 101.9, 100.6 to 101.9), then
    Asian = 101 - 80 - 5 - 8 - 5 = 3. Now every share of the hidden total in its stratum is hidden,
    and its Wilson limits with it (proportion_ci of count over 101, the shares as published to one
    decimal); a rate per population, which is no share of the total, stays."""
    table = _ethnicity_table()
    ci = ss.proportion_ci(table["count"], [101] * len(table), multiplier=100)
    table["percent"] = ci["value"].round(1).where(table["ethnicity"] != "Unknown")
    table["lower"] = ci["lower"].round(1).where(table["ethnicity"] != "Unknown")
    table["upper"] = ci["upper"].round(1).where(table["ethnicity"] != "Unknown")
    table["population"] = [5000, 300, 400, 200, 100, 6000, None]
    table["rate"] = (table["count"] / table["population"] * 1000).round(2)
    # the reader's arithmetic on the row of White people, had the share been published
    assert round(80 / (79.2 / 100)) == 101 and 101 - 80 - 5 - 8 - 5 == 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ss.suppress(table, totals={"All": BROAD})
    rows = out.set_index("ethnicity")
    assert rows.loc["All", "count"] == "[c]"
    for g in BROAD:
        assert rows.loc[g, "percent"] == rows.loc[g, "lower"] == rows.loc[g, "upper"] == "[c]", g
    assert rows.loc["White", "count"] == 80 and rows.loc["White", "rate"] == 16.0
    assert "shares of a hidden total blanked" in out.attrs["rule"]
    # a published total keeps its shares
    whole = table.assign(count=[80, 5, 13, 8, 5, 111, 6])
    whole["percent"] = (whole["count"] / 111 * 100).round(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kept = ss.suppress(whole[["ethnicity", "count", "percent"]], totals={"All": BROAD}).set_index("ethnicity")
    assert kept.loc["All", "count"] == 111 and kept.loc["White", "percent"] == 72.1


def test_a_count_rounded_to_zero_is_warned() -> None:
    """Before: ``round_to=50`` with the default threshold (5) published a count of 15 as 0 with no
    warning: floor(15 / 50 + 0.5) * 50 = 0, which reads as no detentions, where every other published
    0 is a true zero. Now a SaferstatsWarning counts them (15 and 7: 2) and names the first; base 10
    (15 -> 20, 7 -> 10) and a threshold of half the base (25: 15 and 7 hidden) say nothing."""
    table = pd.DataFrame({"age": ["15 and under", "16 to 17", "18 to 34", "35 to 49", "50 to 64", "65 and over"],
                          "count": [15, 7, 250, 105, 45, 35]})
    with pytest.warns(SaferstatsWarning, match=r"round_to=50: 2 counts at or above the threshold \(5\) rounded to 0"):
        out = ss.suppress(table, round_to=50, totals={})
    assert out["count"].tolist()[:2] == [0, 0]
    for kw in ({"round_to": 10}, {"round_to": 50, "threshold": 25}):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            ss.suppress(table, totals={}, **kw)
        assert not [m for m in _messages(rec) if "rounded to 0" in m], kw

"""The stop-and-search key finding for a force whose largest ratio is suppressed (walk-through 3).

In the seven-force police.uk report, Leicestershire's Black, Mixed and Other counts are suppressed
(Other 2, then Mixed 8 and Black 67 so that they cannot be worked back), and the key finding read
"In Leicestershire, Asian people were searched at 1.26 times the rate of White people" - the
largest ratio shown, though Black people's (5.45, hidden) was larger - with no word of the hidden
groups. The finding now names the groups whose ratios are withheld.
"""

import pandas as pd

from saferstats.report.summary import executive_summary
from search_tables import ratio_rows, search_section


def _rows(force, rows):
    return ratio_rows(rows, force=force)


def test_withheld_groups_are_named_beside_the_largest_shown():
    rows = _rows("Leicestershire", [("Asian", 103, 1.262, 1.016, 1.567), ("Black", "[c]", "[c]", "[c]", "[c]"),
                                    ("Mixed", "[c]", "[c]", "[c]", "[c]"), ("Other", "[c]", "[c]", "[c]", "[c]"),
                                    ("White", 398, 1.0, None, None)])
    rows += _rows("Essex", [("Black", 395, 4.778, 4.310, 5.297), ("White", 3834, 1.0, None, None)])
    sec = search_section(rows)
    f = executive_summary([sec], {"area": "Leicestershire", "confidence": 0.95}).findings["stop_search"]
    assert f[0].startswith("In Leicestershire, Asian people were searched at 1.26 times")
    assert "(Black, Mixed and Other: counts suppressed, so their ratios are not shown)" in f[0]
    assert "suppressed" not in f[1]  # Essex: nothing withheld


def test_no_significant_group_with_one_withheld():
    rows = _rows("Durham", [("Asian", 6, 1.29, 0.58, 2.89), ("Black", "[c]", "[c]", "[c]", "[c]"),
                            ("White", 398, 1.0, None, None)])
    sec = search_section(rows)
    f = executive_summary([sec], {"area": "Durham", "confidence": 0.95}).findings["stop_search"]
    assert f[0].endswith("(or the numbers were too small to say; Black: counts suppressed, so its ratio is not shown).")


def test_officer_defined_other_does_not_lead():
    """With ethnicity_source = "officer" the Essex finding read "Other people were searched at 10.2
    times the rate of White people" - the row disproportionality flags "overstated" (officers' Other
    takes in people who self-define as Mixed or Asian; the Census Other does not)."""
    approx = "approximate: officer-perceived ethnicity against self-defined Census groups"
    over = ("overstated: officers' Other includes people who self-define as Mixed or Asian, whom the Census Other "
            "denominator does not")
    rows = _rows("Essex", [("Black", 463, 5.219, 4.744, 5.742), ("Other", 185, 10.185, 8.806, 11.779),
                           ("White", 4114, 1.0, None, None)])
    for r, c in zip(rows, (approx, over, approx)):
        r["comparability"] = c
    sec = search_section(rows)
    f = executive_summary([sec], {"area": "Essex", "confidence": 0.95}).findings["stop_search"]
    assert f[0].startswith("In Essex, Black people were searched at 5.22 times")
    assert "(officer-defined ethnicity: approximate against the self-defined Census groups; Other left out" in f[0]


def test_headline_says_when_the_census_is_not_the_home_offices_of_the_time():
    """`census = "2021"` for Dec 2019 - Feb 2020 searches: Essex's Black/White ratio is 2.69 on
    Census 2021 but 4.78 on Census 2011, which the Home Office used then; the table caption said
    so, the executive summary did not."""
    era = ("not like for like: Census 2021 populations for searches of 2019-12 to 2020-02 (the Home Office used "
           "Census 2011)")
    rows = _rows("Essex", [("Black", 395, 2.686, 2.422, 2.978), ("White", 3834, 1.0, None, None)])
    for r in rows:
        r["comparability"] = era
    sec = search_section(rows)
    f = executive_summary([sec], {"area": "Essex", "confidence": 0.95}).findings["stop_search"]
    assert f[0].endswith("(on Census 2021 populations; the Home Office's figures for these months used Census 2011, "
                         "so they differ).")


def test_by_force_and_month_names_the_month_and_each_group_once():
    """`by = ["force", "month"]`: the finding was one month's ratio with no month named, and the
    withheld list repeated groups ("Mixed, Other, Mixed, Other, Mixed and 1 more")."""
    rows = []
    for month, black in (("2019-12", 4.1), ("2020-01", 4.6), ("2020-02", 4.99)):
        rows += [dict(r, month=month) for r in _rows("Essex", [
            ("Black", 130, black, black * 0.85, black * 1.18), ("Mixed", "[c]", "[c]", "[c]", "[c]"),
            ("Other", "[c]", "[c]", "[c]", "[c]"), ("White", 1300, 1.0, None, None)])]
    frame = pd.DataFrame(rows)[["force", "month", "group", "searches", "ratio", "ratio_lower", "ratio_upper", "reliable"]]
    sec = search_section(frame)
    f = executive_summary([sec], {"area": "Essex", "confidence": 0.95}).findings["stop_search"]
    assert f[0].startswith("In Essex in Feb 2020, Black people were searched at 4.99 times")  # (w35a: not "2020-02")
    assert "(Mixed and Other: counts suppressed, so their ratios are not shown)" in f[0]


def test_higher_ratios_on_few_searches_are_named_beside_the_one_said():
    """Session 13: Derbyshire, Dec 2019 - Feb 2020 (police.uk files, Census 2011). The finding said
    "Asian people were searched at 1.86 times the rate of White people" - the largest significant
    ratio on 20 or more searches - while the table beside it showed Black 3.41 (13 searches) and
    Mixed 2.58 (14), also significant. They are now named, largest first."""
    rows = _rows("Derbyshire", [("Asian", 28, 1.856, 1.262, 2.730), ("Black", 13, 3.409, 1.959, 5.932),
                                ("Mixed", 14, 2.578, 1.510, 4.401), ("Other", 0, 0.0, 0.0, 2.30),
                                ("White", 359, 1.0, None, None)])
    rows += _rows("Essex", [("Black", 395, 4.778, 4.310, 5.297), ("Other", 16, 0.94, 0.58, 1.54),
                            ("White", 3834, 1.0, None, None)])
    sec = search_section(rows)
    f = executive_summary([sec], {"area": "Derbyshire", "confidence": 0.95}).findings["stop_search"]
    assert f[0] == ("In Derbyshire, Asian people were searched at 1.86 times the rate of White people (95% CI 1.26 to "
                    "2.73), a statistically significant difference (higher ratios, also statistically significant, "
                    "rest on fewer than 20 searches: Black people (3.41 times, on 13 searches) and Mixed people (2.58 times, "
                    "on 14 searches)).")  # (people: walk 21)
    assert "fewer than 20" not in f[1]  # Essex: Other is not significant, and lower


def test_other_reads_as_people_of_other_ethnic_groups():
    """Session 13 (walk 9): "Other people were searched at ... the rate of White people" read as people
    other than those just named; it reads "people of Other ethnic groups"."""
    rows = _rows("Essex", [("Other", 185, 2.1, 1.8, 2.4), ("White", 4114, 1.0, None, None)])
    sec = search_section(rows)
    f = executive_summary([sec], {"area": "Essex", "confidence": 0.95}).findings["stop_search"]
    assert f[0].startswith("In Essex, people of Other ethnic groups were searched at 2.10 times the rate of White people")

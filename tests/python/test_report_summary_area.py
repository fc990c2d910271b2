"""The executive summary names the report's own area, never a table total under its name
(walk-through 2: a St Albans or City of London report with the Home Office table by force said
"hate crimes in St Albans (90,756 to 99,680)", the sum over all forces)."""

import pandas as pd

from saferstats.report.sections import Section, Table
from saferstats.report.summary import executive_summary
from search_tables import black_white_rows, search_section

_BLACK = {"London, City of": 10.7, "Derbyshire": 3.4, "Merseyside": 3.03}  # Black/White search rate ratios


def _section(forces, before, after):
    n = len(forces)
    ch = pd.DataFrame({"force": forces, "period_from": ["2017/18"] * n, "period_to": ["2018/19"] * n,
                       "count_from": before, "count_to": after, "pct_change": [10.0] * n,
                       "pct_lower": [1.0] * n, "pct_upper": [20.0] * n, "p_value": [0.01] * n})
    return Section("hate_crime", "Hate crime", "", "", tables=[Table("hate_crime_change", "", ch)])


FORCES = ["Hertfordshire", "Devon and Cornwall", "Merseyside", "Metropolitan Police"]
BEFORE = [1468, 1467, 2653, 19424]
AFTER = [1600, 1693, 2944, 16839]


def _findings(area):
    return executive_summary([_section(FORCES, BEFORE, AFTER)], {"area": area, "confidence": 0.95}).findings["hate_crime"]


def test_csp_in_a_force_table_is_described_by_its_force_named_as_such():
    first = _findings("St Albans")[0]
    # one parenthesis with the offences (walk 21, w29d: "... includes St Albans) (1,468 to 1,600 offences)")
    assert "in Hertfordshire (the police force area that includes St Albans; 1,468 to 1,600 offences) between" in first
    assert "St Albans (" not in first and "25,012" not in first


def test_force_spelt_differently_is_its_own_row():
    first = _findings("Devon & Cornwall")[0]
    # (this table's 10% is not its counts' +15%: the change is of the rate per resident, and says so; walk 21)
    assert first.startswith("Police-recorded hate crime per resident in Devon & Cornwall (1,467 to 1,693 offences) "
                            "between 2017/18 and 2018/19")


def test_area_not_in_the_force_table_is_not_given_the_table_total():
    f = _findings("City of London")
    total = f"{sum(BEFORE):,} to {sum(AFTER):,}"
    assert total in f[0]
    assert "in City of London" not in f[0] and "across the 4 police force areas in the table" in f[0]
    assert any("City of London has no row" in x for x in f)


def test_a_district_table_is_still_summed_for_its_force():
    sec = _section(["Stevenage", "St Albans", "Watford"], [100, 200, 300], [110, 220, 330])
    sec.tables[0].frame = sec.tables[0].frame.rename(columns={"force": "district"})
    first = executive_summary([sec], {"area": "Hertfordshire", "confidence": 0.95}).findings["hate_crime"][0]
    assert "Police-recorded hate crime in Hertfordshire (600 to 660 offences)" in first


def test_stop_search_headline_is_the_report_areas_force():
    sec = search_section(black_white_rows(_BLACK, searches=(300, 900)))
    summary = executive_summary([sec], {"area": "Merseyside", "confidence": 0.95})
    assert summary.headline[0].startswith("In Merseyside, Black people were searched at 3.03 times")
    # its own force's finding, and a line that the table shows the others (session 22, w32b: a
    # one-area report states findings for its own force only)
    found = summary.findings["stop_search"]
    assert len(found) == 2 and found[1].endswith("this report states findings for Merseyside only.")
    other = executive_summary([sec], {"area": "Kent", "confidence": 0.95})
    assert other.headline[0].startswith("The stop-and-search files have no searches in Kent")  # and says so


def _search_section():
    return search_section(black_white_rows(_BLACK, searches=(300, 900), white=False))


def test_stop_search_headline_for_a_csp_is_its_force():
    """A CSP's report: the headline is its force's, and says which force area includes the CSP, as
    the hate-crime finding does (walk 17: "In Merseyside, ..." alone read as another area's)."""
    s = executive_summary([_search_section()], {"area": "Liverpool", "confidence": 0.95})
    assert s.headline[0].startswith("In Merseyside (the police force area that includes Liverpool), Black people "
                                    "were searched at 3.03 times")
    # the other forces are not stated (w32b), and a force's own report names the force alone
    assert not any(x.startswith("In Derbyshire, Black people") for x in s.findings["stop_search"])
    assert any("this report states findings for Merseyside only" in x for x in s.findings["stop_search"])
    own = executive_summary([_search_section()], {"area": "Merseyside Police", "confidence": 0.95})
    assert own.headline[0].startswith("In Merseyside, Black people")


def test_stop_search_headline_says_when_the_areas_force_is_not_in_the_files():
    s = executive_summary([_search_section()], {"area": "St Albans", "confidence": 0.95})
    assert s.headline[0].startswith("The stop-and-search files have no searches in Hertfordshire (the report's police "
                                    "force area); they cover the City of London, Derbyshire and Merseyside")
    assert any(x.startswith("In the City of London") for x in s.findings["stop_search"])  # not "London, City of" (session 11)


def test_home_office_denominator_note_says_one_population_for_both_years():
    """Walk-through 2: every force has the same population in 2017/18 and 2018/19 in the Home
    Office table (checked here with the csv module), so a change in rate is the change in count;
    the report's denominator note now says so."""
    import csv

    import pytest
    from conftest import SHARED_DATA

    from saferstats.report.inputs import read_table

    path = SHARED_DATA / "hate_crime" / "home_office_by_force_2017-18_2018-19" / "Hate crime.csv"
    if not path.is_file():
        pytest.skip("../shared/data not present beside the repository")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    head = next(i for i, r in enumerate(rows) if any("opulation" in c for c in r))
    cols = [c.strip().lower() for c in rows[head]]
    force_col = next(i for i, c in enumerate(cols) if "force" in c)
    pop_col = next(i for i, c in enumerate(cols) if "population" in c)
    pops: dict[str, set[str]] = {}
    for r in rows[head + 1:]:
        if len(r) > pop_col and r[pop_col].strip() and r[pop_col].strip() not in ("#N/A", ".."):
            pops.setdefault(r[force_col].strip(), set()).add(r[pop_col].strip())
    assert len(pops) >= 40 and all(len(v) == 1 for v in pops.values())
    _, _, notes = read_table("hate_crime", {"file": str(path)})
    assert any("one population for every year, so a change in a rate is the change in the count" in n for n in notes)

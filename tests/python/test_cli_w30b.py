"""saferstats trend on the files as published, after session 21's library changes (w30b).

1. ``trend <Table 2> --compare-with race``: the header said "annual % change of each strand and of
   the totals (compared below)" though the library leaves the totals out against a strand; it says
   what is compared (and, against a total, that the strands are compared with it).
2. The command's own groups with too few periods (``--by la_code``) are named as
   :func:`saferstats.poisson_trend` names them: the code and its council.
5. A recording-change warning under ``--by la_name`` names each council once.
6. ``trend`` on monthly counts (the bulletin's Figure 2 as published): the table's straight-trend
   APC (12.11) stood alone in the CSV, the season only on stderr; a ``season`` column gives the
   season check (the APC with month-of-year terms, 12.93).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import shared_path
from saferstats import datasets
from saferstats.__main__ import main

TABLE2 = "hate_crime/home_office_by_force_2017-18_2018-19/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"
FLY = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"


# --------------------------------------------------------------------------- 1. what is compared
def test_strand_table_compare_with_a_strand_says_the_totals_are_left_out(shared_data, capsys, tmp_path):
    out = tmp_path / "c.csv"
    assert main(["trend", str(shared_path(shared_data, TABLE2)), "--compare-with", "race", "--use-t",
                 "--missing", "drop", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "and of the totals" not in err and "compared below" not in err
    assert ("Read the Home Office hate crime series by strand (2011/12 to 2018/19; counts, no population): each "
            "other strand's annual % change compared with that of 'race' (the totals, offences and "
            "motivating_factors, are left out: race's counts are in them, so they are no strand beside it; "
            "--compare-with offences sets each strand against the total)") in err
    got = pd.read_csv(out)
    assert sorted(got["strand"]) == ["disability", "religion", "sexual_orientation", "transgender"]
    assert set(got["comparator"]) == {"race"}


def test_strand_table_compare_with_a_total(shared_data, capsys, tmp_path):
    out = tmp_path / "c.csv"
    assert main(["trend", str(shared_path(shared_data, TABLE2)), "--compare-with", "offences", "--use-t",
                 "--missing", "drop", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert ("counts, no population): each strand's annual % change compared with that of the total 'offences', "
            "over the periods both have: the ratio against 'offences' > 1, rising faster (or falling slower); < 1, "
            "slower. The other total (motivating_factors) is left out: it is no strand of offences\n"
            in err)  # one line (w31a: the header and the lines after it said it three times)
    assert "and of the totals" not in err
    assert sorted(pd.read_csv(out)["strand"]) == ["disability", "race", "religion", "sexual_orientation",
                                                  "transgender"]


def test_strand_table_without_compare_with_keeps_its_header(shared_data, capsys):
    assert main(["trend", str(shared_path(shared_data, TABLE2)), "--use-t", "--missing", "drop"]) == 0
    assert ("counts, no population): annual % change of each strand and of the totals\n"
            in capsys.readouterr().err)


# --------------------------------------------------------------------------- 2. short groups, named
def _councils(tmp_path: Path) -> Path:
    p = tmp_path / "councils.csv"
    rows = ["la_code,la_name,period,incidents"]
    for y, c in zip(range(2015, 2020), [50, 60, 70, 65, 80]):
        rows.append(f"E07000001,Adur,{y},{c}")
    rows += ["E06000062,West Northamptonshire,2019,120", "E06000060,Buckinghamshire,2018,300",
             "E06000060,Buckinghamshire,2019,310"]
    p.write_text("\n".join(rows) + "\n")
    return p


def test_short_groups_by_code_are_named_with_their_councils(tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert main(["trend", str(_councils(tmp_path)), "--by", "la_code", "--count", "incidents", "--population",
                 "none", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert ("trend: 2 of 3 groups have fewer than 3 periods, so no trend (a row each, method 'not estimable', the "
            "reason in note); the other 1 are fitted. No trend: 'E06000060' (Buckinghamshire): 2 periods; "
            "'E06000062' (West Northamptonshire): 1 period") in err
    got = pd.read_csv(out).set_index("la_code")
    assert got.loc["E06000062", "la_name"] == "West Northamptonshire"
    assert got.loc["E06000060", "method"] == "not estimable" and got.loc["E07000001", "method"] != "not estimable"


def test_short_groups_by_name_keep_their_count(tmp_path, capsys):
    assert main(["trend", str(_councils(tmp_path)), "--by", "la_name", "--count", "incidents", "--population",
                 "none"]) == 0
    assert "No trend: 'Buckinghamshire' (2); 'West Northamptonshire' (1)" in capsys.readouterr().err


def test_flytipping_by_code_short_groups_named(shared_data, tmp_path, capsys):
    assert main(["trend", str(shared_path(shared_data, FLY)), "--by", "la_code", "--count", "incidents",
                 "--population", "none", "--missing", "drop", "--use-t", "--out", str(tmp_path / "t.csv")]) == 0
    err = capsys.readouterr().err
    assert ("No trend: 'E06000060' (Buckinghamshire): 2 periods; 'E06000061' (North Northamptonshire): 1 period; "
            "'E06000062' (West Northamptonshire): 1 period") in err


# --------------------------------------------------------------------------- 5. each council once
def test_flytipping_by_name_recording_change_names_each_once(shared_data, tmp_path, capsys):
    assert main(["trend", str(shared_path(shared_data, FLY)), "--by", "la_name", "--count", "incidents",
                 "--population", "none", "--missing", "drop", "--out", str(tmp_path / "t.csv")]) == 0
    err = capsys.readouterr().err
    assert "Barrow-in-Furness (Barrow-in-Furness)" not in err and "Barnet (Barnet)" not in err
    assert ("Barrow-in-Furness: 2019/20 to 2020/21, reporting basis 'Customer/public reported only' to "
            "'All incidents'") in err


# --------------------------------------------------------------------------- 6. the season in the table
FIGURE2 = "hate_crime/home_office_by_force_2017-18_2018-19/DERIVED_hate-crime-1819-hosb2419-tables_Figure_2.csv"
MATERIAL = ("month-of-year terms material (F = 16.5 on 11 and 59 df, p < 0.001): the APC with them is 12.93 "
            "(11.78 to 14.09, quasi-Poisson); this row's APC has none (--seasonality dummies fits them)")


def test_figure2_as_published_says_the_season_in_the_table(shared_data, tmp_path):
    out = tmp_path / "m.csv"
    assert main(["trend", str(shared_path(shared_data, FIGURE2)), "--out", str(out)]) == 0
    got = pd.read_csv(out)
    assert got["apc"].iloc[0] == pytest.approx(12.1058, abs=1e-3)
    assert got["season"].tolist() == [MATERIAL]
    assert got.columns.get_loc("season") == got.columns.get_loc("note") + 1


def test_monthly_csv_by_group_season_column(tmp_path):
    m = datasets.hate_crime_monthly()
    m["month"] = m["month"].astype(str)
    short = m.iloc[:18].assign(area="Short")
    both = pd.concat([m.assign(area="England and Wales"), short], ignore_index=True)
    p = tmp_path / "monthly.csv"
    both.to_csv(p, index=False)
    out = tmp_path / "t.csv"
    assert main(["trend", str(p), "--by", "area", "--period", "month", "--count", "offences", "--population",
                 "none", "--out", str(out)]) == 0
    got = pd.read_csv(out).set_index("area")
    assert got.loc["England and Wales", "season"] == MATERIAL
    assert got.loc["Short", "season"] == ("fewer than two years (18 months): too short to check the season (no "
                                          "month-of-year term can be fitted)")


def test_annual_counts_have_no_season_column(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("period,count\n" + "".join(f"{y},{c}\n" for y, c in zip(range(2015, 2021), [5, 7, 6, 9, 8, 11])))
    out = tmp_path / "t.csv"
    assert main(["trend", str(p), "--population", "none", "--out", str(out)]) == 0
    assert "season" not in pd.read_csv(out).columns

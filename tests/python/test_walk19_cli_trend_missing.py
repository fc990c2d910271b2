"""saferstats trend on the Home Office strand table as published (walk 19): the 2011/12 total of
offences is "N/A". The run stops (nothing is left out unless asked), and the message says what to
type and exactly what ``--missing drop`` would leave out and what each trend then runs over."""

from __future__ import annotations

import pandas as pd

from conftest import cli_error
import saferstats
from saferstats.__main__ import main

TABLES = "hate_crime/home_office_by_force_2017-18_2018-19"


def _expected_advice(err: str, name: str) -> None:
    assert "saferstats: error: 1 row with no figure for 'count'" in err
    assert f"line 14 of {name} (offences, 2011/12" in err
    assert "run again with --missing drop to leave out that row" in err
    assert "fit 'offences' on the 7 periods it has (2012/13 to 2018/19)" in err
    assert "the other 6 groups keep all their periods" in err
    assert "--missing propagate" in err
    assert "Traceback" not in err


def test_strand_csv_as_published_says_what_drop_leaves_out(shared_data, capsys, tmp_path):
    path = shared_data / TABLES / "DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"
    err = cli_error(capsys, "trend", str(path))
    _expected_advice(err, path.name)
    assert "'N/A' in the file" in err  # the published cell
    # following the advice as written gives what it promised
    out = tmp_path / "t.csv"
    assert main(["trend", str(path), "--missing", "drop", "--out", str(out)]) == 0
    got = pd.read_csv(out).set_index("strand")
    assert got.loc["offences", ["first_period", "last_period", "n_periods"]].tolist() == ["2012/13", "2018/19", 7]
    assert (got.drop(index="offences")["n_periods"] == 8).all() and len(got) == 7


def test_strand_sheet_of_the_workbook_says_the_same(shared_data, capsys):
    path = shared_data / TABLES / "hate-crime-1819-hosb2419-tables.ods"
    assert main(["trend", str(path), "--sheet", "Table_2"]) == 2
    _expected_advice(capsys.readouterr().err, path.name)


def test_bundled_strand_table(capsys):
    path = saferstats.datasets.hate_crime_strands_path()
    assert main(["trend", str(path)]) == 2
    _expected_advice(capsys.readouterr().err, path.name)


def test_plain_csv_group_left_with_too_few_periods(tmp_path, capsys):
    """A plain CSV: the row is named by its line, and a group that drop would leave with fewer than
    3 periods is said to get no trend."""
    p = tmp_path / "c.csv"
    p.write_text("area,period,count,population\n"
                 + "".join(f"A,{y},{c},1000\n" for y, c in zip(range(2015, 2020), [5, 6, 7, 8, 9]))
                 + "B,2015,3,1000\nB,2016,,1000\nB,2017,4,1000\nB,2018,,1000\n")
    err = cli_error(capsys, "trend", str(p), "--by", "area")
    assert "2 rows with no figure for 'count' or 'population': line 8 of c.csv (B, 2016); line 10 of c.csv (B, 2018)" in err
    assert "'B' on the 2 periods it has (2015 to 2017): too few for a trend (3 needed), so no trend" in err
    assert "the other 1 group keeps all its periods" in err


def test_rates_names_the_files_column_and_row(shared_data, capsys):
    """saferstats rates on the Home Office table by force: the City of London's population is "#N/A".
    The error said "in `population` on line 29" (the function's argument, not the file's column
    'Population', and no force); it names the column, its option and the row's force and year."""
    import csv

    path = shared_data / TABLES / "Hate crime.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    line = next(i + 1 for i, r in enumerate(rows) if r and r[0] == "London, City of")
    assert rows[line - 1][rows[0].index("Population")] == "#N/A"
    err = cli_error(capsys, "rates", str(path), "--count", "Total number of offences", "--population", "Population")
    assert (f"in column 'Population' (--population) on line {line} of {path.name} (London, City of, "
            f"{rows[line - 1][1]}); pass --missing propagate") in err, err

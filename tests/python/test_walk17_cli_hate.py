"""Walk-through 17 (hate crime on the command line): what the Home Office says of its figures reaches stderr.

- ``saferstats trend`` on the bulletin's Table 2 fitted the strands over 2017/18 without the table's
  footnote on it ("Merseyside police have revised figures for 2017/18."); it now says it, and a
  warning's pointer to ``.attrs[...]`` (Python only) is left out on the command line.
- ``saferstats rates`` on the Home Office table by force put both years' rates on one population
  figure per force without a word; it now says so. The APCs are statsmodels' (reference.json).
"""
import csv

import pytest

from saferstats.__main__ import main

from conftest import FIXTURES, cli_error, load_fixture

FX = load_fixture("walk17_hate/reference.json")
TABLE_2 = FIXTURES / "walk17_hate" / "DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"
BY_FORCE = FIXTURES / "walk17_hate" / "hate_crime_by_force_excerpt.csv"


def test_trend_on_table_2_says_the_footnote(tmp_path, capsys):
    out = tmp_path / "t.csv"
    # (w25b: --use-z, the normal limits of FX; without it quasi-Poisson limits are t on the residual df)
    assert main(["trend", str(TABLE_2), "--missing", "drop", "--dispersion", "quasi", "--use-z", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert FX["footnote_2017_18"] in err and "2017/18" in err
    assert ".attrs" not in err
    rows = {r["strand"]: r for r in csv.DictReader(open(out, newline=""))}
    assert float(rows["race"]["apc"]) == pytest.approx(FX["quasi_trend"]["Race"]["apc"], rel=1e-9)
    assert float(rows["offences"]["apc_lower"]) == pytest.approx(
        FX["quasi_trend"]["Total number of offences"]["apc_lower"], rel=1e-9)
    assert rows["race"]["method"].startswith("quasi-poisson")


def test_trend_without_missing_names_the_line_and_the_option(capsys):
    err = cli_error(capsys, "trend", str(TABLE_2))
    # 'N/A' offences in 2011/12 is line 14 of the file (the csv module's count)
    line = next(i for i, r in enumerate(csv.reader(open(TABLE_2, newline="")), start=1)
                if r and r[0] == "Total number of offences")
    assert f"line {line} of {TABLE_2.name}" in err and "--missing drop" in err


def test_rates_on_the_force_table_says_one_population_for_both_years(tmp_path, capsys):
    out = tmp_path / "r.csv"
    assert main(["rates", str(BY_FORCE), "--count", "Total number of offences", "--population", "Population",
                 "--missing", "propagate", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "the population is the same figure in every year (2017/18, 2018/19) for 3 of 3 forces" in err
    # the rate is the published one (rounded to a whole number by the Home Office), written as published
    for r in csv.DictReader(open(out, newline="")):
        if r["Offences per 100,000 pop"] != "#N/A" and r["rate"]:
            assert round(float(r["rate"])) == int(r["Offences per 100,000 pop"])


def _race_series() -> list[tuple[str, str]]:
    """Table 2's race counts by year, read with the csv module: [(period, count), ...]."""
    rows = list(csv.reader(open(TABLE_2, newline="")))
    header = next(r for r in rows if r and r[0] == "Hate crime strand")
    race = next(r for r in rows if r and r[0] == "Race")
    return [(h[:7], c.replace(",", "")) for h, c in zip(header[1:9], race[1:9])]


def test_a_typo_in_the_counts_names_its_line_and_option(tmp_path, capsys):
    """A count typed '1O' (letter O) on the fourth data row: the error named line 7 (the label 5
    read as a position, relabelled) instead of line 5, in poisson_trend and ``saferstats trend``."""
    import pandas as pd

    import saferstats

    series = _race_series()
    series[3] = (series[3][0], series[3][1][:-1] + "O")  # 42862 -> 4286O
    f = tmp_path / "race.csv"
    with open(f, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["strand", "period", "count"])
        w.writerows([("race", p, c) for p, c in series])
    bad_line = next(i for i, r in enumerate(csv.reader(open(f, newline="")), start=1) if r[2].endswith("O"))
    assert bad_line == 5
    err = cli_error(capsys, "trend", str(f), "--population", "none")
    assert f"on line {bad_line} of race.csv" in err and "(--count)" in err and "'4286O' is not a number" in err
    df = pd.read_csv(f)
    df.index = pd.RangeIndex(2, len(df) + 2)  # labelled by the file's lines
    for fn in (saferstats.poisson_trend, saferstats.year_on_year):
        with pytest.raises(saferstats.InvalidInputError) as exc:
            fn(df, population=None)
        assert "at row 5:" in str(exc.value), fn.__name__
        assert (exc.value.index, exc.value.position) == (5, 3)


def test_demo_says_the_population_is_one_figure_for_both_years(tmp_path, capsys):
    from saferstats import datasets

    by_force: dict[str, set] = {}
    for r in csv.DictReader(open(datasets.hate_crime_table_path(), newline="")):
        if r["Population"] != "#N/A":
            by_force.setdefault(r["Force"], set()).add(r["Population"])
    same = sum(len(v) == 1 for v in by_force.values())
    assert same == len(by_force) == 42
    assert main(["demo", "--out", str(tmp_path / "d")]) == 0
    out = capsys.readouterr().out
    assert (f"Population: the table's one figure per force for both 2017-18 and 2018-19 ({same} forces), so the "
            "change in a rate is the change in the count") in out

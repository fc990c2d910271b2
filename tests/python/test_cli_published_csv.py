"""`saferstats rates` / `trend` / `s136` on a CSV as published (session 13).

The Home Office hate crime table as downloaded writes populations as "567,700" and has '#N/A' for the
City of London's: `saferstats rates "Hate crime.csv" --count "Total number of offences" --population
Population` stopped with "`population` at position 0: '567,700' is not a number". Thousands
separators are now read as numbers, the published shorthand for no figure ("..", "[c]", "[x]", ...)
as missing, and an error names the line of the file, advising the command's own --missing.
Reference: the file read with the csv module; Byar's limits computed here from the formula with
scipy's normal quantile (PHE's method for 10 or more events).
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from scipy.stats import norm

import saferstats
from saferstats.__main__ import main

TABLE = saferstats.datasets.hate_crime_table_path()


def _byar(x: float, n: float, conf: float = 0.95, mult: float = 1e5) -> tuple[float, float]:
    z = norm.ppf(1 - (1 - conf) / 2)
    lo = x * (1 - 1 / (9 * x) - z / (3 * x ** 0.5)) ** 3
    hi = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * (x + 1) ** 0.5)) ** 3
    return lo / n * mult, hi / n * mult


def test_rates_on_the_table_as_published(tmp_path, capsys):
    with open(TABLE, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    na_line = next(i + 1 for i, r in enumerate(rows) if r[header.index("Population")] == "#N/A")
    assert rows[na_line - 1][0] == "London, City of"
    args = ["rates", str(TABLE), "--count", "Total number of offences", "--population", "Population"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"`population` on line {na_line} of {TABLE.name}; pass --missing propagate" in err
    out = tmp_path / "r.csv"
    assert main(args + ["--missing", "propagate", "--out", str(out)]) == 0
    got = pd.read_csv(out)
    assert len(got) == len(rows) - 1
    for r in rows[1:]:
        if r[0] == "Hertfordshire":
            x, n = float(r[header.index("Total number of offences")]), float(r[header.index("Population")].replace(",", ""))
            g = got[(got.Force == "Hertfordshire") & (got.Year == r[1])].iloc[0]
            assert g["population"] == n  # "1,184,400" read as a number
            lo, hi = _byar(x, n)
            assert g["rate"] == pytest.approx(x / n * 1e5, rel=1e-12)
            assert (g["lower"], g["upper"]) == (pytest.approx(lo, rel=1e-9), pytest.approx(hi, rel=1e-9))
    city = got[got.Force == "London, City of"]
    assert city["rate"].isna().all() and (city["method"] == "not applicable").all()


def test_published_no_figure_marks_are_missing_not_text(tmp_path, capsys):
    f = tmp_path / "t.csv"
    f.write_text('area,count,population\nA,"1,200","100,000"\nB,..,"50,000"\nC,[c],"20,000"\n', encoding="utf-8")
    assert main(["rates", str(f), "--count", "count", "--population", "population"]) == 2
    assert "`count` on line 3 of t.csv" in capsys.readouterr().err
    out = tmp_path / "r.csv"
    assert main(["rates", str(f), "--count", "count", "--population", "population", "--missing", "propagate",
                 "--out", str(out)]) == 0
    got = pd.read_csv(out)
    assert got["count"].tolist()[0] == 1200 and got["population"].tolist() == [100_000, 50_000, 20_000]
    assert got["rate"].tolist()[0] == pytest.approx(1200.0) and got["rate"][1:].isna().all()


def test_trend_errors_name_the_line_without_a_library_only_hint(tmp_path, capsys):
    f = tmp_path / "t.csv"
    f.write_text("period,count\n2019,10\n2020,-3\n2021,12\n", encoding="utf-8")
    assert main(["trend", str(f), "--population", "none"]) == 2
    err = capsys.readouterr().err
    assert "on line 3 of t.csv" in err and "missing=" not in err

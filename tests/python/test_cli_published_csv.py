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
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from conftest import cli_error
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
    assert (f"column 'Population' (--population) on line {na_line} of {TABLE.name} (London, City of, "
            f"{rows[na_line - 1][1]}); pass --missing propagate") in err
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
    assert "column 'count' (--count) on line 3 of t.csv" in capsys.readouterr().err
    out = tmp_path / "r.csv"
    assert main(["rates", str(f), "--count", "count", "--population", "population", "--missing", "propagate",
                 "--out", str(out)]) == 0
    got = pd.read_csv(out)
    assert got["count"].tolist()[0] == 1200 and got["population"].tolist() == [100_000, 50_000, 20_000]
    assert got["rate"].tolist()[0] == pytest.approx(1200.0) and got["rate"][1:].isna().all()


def test_trend_errors_name_the_line_without_a_library_only_hint(tmp_path, capsys):
    f = tmp_path / "t.csv"
    f.write_text("period,count\n2019,10\n2020,-3\n2021,12\n", encoding="utf-8")
    err = cli_error(capsys, "trend", str(f), "--population", "none")
    assert "on line 3 of t.csv" in err and "missing=" not in err


def test_trend_reads_the_bulletins_strand_table_as_published(tmp_path, capsys):
    """`saferstats trend` on Table 2 of the bulletin (title lines, years across) stopped with pandas'
    "Error tokenizing data. C error: Expected 6 fields in line 4, saw 10". It is now read as
    read_hate_crime reads it. Reference: statsmodels' quasi-Poisson GLM (scale = Pearson χ²/df) with
    t on the residual df, on the counts read here with the csv module."""
    import numpy as np
    import statsmodels.api as sm
    from scipy.stats import t as student_t

    path = saferstats.datasets.hate_crime_strands_path()
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    race = next(r for r in rows if r and r[0] == "Race")
    y = np.array([float(v.replace(",", "")) for v in race[1:9]])
    x = sm.add_constant(np.arange(2011, 2019, dtype=float))
    fit = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale="X2")
    q = student_t.ppf(0.975, fit.df_resid)
    want = 100 * (np.exp([fit.params[1], fit.params[1] - q * fit.bse[1], fit.params[1] + q * fit.bse[1]]) - 1)
    out = tmp_path / "t.csv"
    # Total number of offences has "N/A" for 2011/12: the error names its line; --missing drop fits on the rest
    assert main(["trend", str(path), "--use-t"]) == 2
    na_line = next(i + 1 for i, r in enumerate(rows) if r and r[0] == "Total number of offences")
    assert f"line {na_line} of {path.name} (offences, 2011/12" in capsys.readouterr().err
    assert main(["trend", str(path), "--use-t", "--missing", "drop", "--out", str(out)]) == 0
    assert "Read the Home Office hate crime series by strand (2011/12 to 2018/19" in capsys.readouterr().err
    got = pd.read_csv(out).set_index("strand")
    assert set(got.index) == {"race", "religion", "sexual_orientation", "disability", "transgender",
                              "motivating_factors", "offences"}
    assert got.loc["race", ["apc", "apc_lower", "apc_upper"]].to_numpy() == pytest.approx(want, rel=1e-6)
    assert got.loc["offences", "n_periods"] == 7


def test_an_integer_row_label_reads_plainly():
    """A filtered frame's row labels are numpy integers: messages read "row np.int64(2)" (numpy 2's
    repr). They read "row 2"."""
    import numpy as np

    d = pd.DataFrame({"period": [1, 2, 3, 4, 5, 6], "count": [1, 2, np.nan, 4, 5, 6], "population": [10] * 6}).iloc[1:]
    with pytest.raises(saferstats.SaferstatsError) as e:
        saferstats.poisson_trend(d)
    assert "at row 2 (3)" in str(e.value) and "np.int64" not in str(e.value)


def test_library_advice_reads_as_the_commands_options(capsys):
    """The library's warnings advise keywords ("for yearly rates pass multiplier=4000"); on the command
    line the advice names the command's option ("pass --multiplier 4000"), which can be followed as
    written."""
    sample = saferstats.datasets.stop_search_sample_path()
    assert main(["disproportionality", str(sample)]) == 0
    err = capsys.readouterr().err
    assert "for yearly rates pass --per-year" in err and "multiplier=" not in err and "per_year=" not in err
    assert main(["disproportionality", str(sample), "--multiplier", "4000"]) == 0
    assert "for yearly rates" not in capsys.readouterr().err


def test_s136_command_gives_rates_by_a_column(tmp_path):
    """Session 13 (noticed by walk 8): `saferstats s136` had no --by, though s136_summary takes one.
    Reference: the library's own s136_summary(by=) on the same records (tested against statsmodels'
    Wilson intervals and the disclosure attacks), published as the command writes it."""
    recs = saferstats.synthetic.s136_pilot_records(seed=2)
    recs["district"] = np.where(np.arange(len(recs)) % 3 == 0, "North", "South")
    src, out = tmp_path / "s.csv", tmp_path / "r.csv"
    recs.to_csv(src, index=False)
    assert main(["s136", str(src), "--by", "district", "--out", str(out)]) == 0
    got = pd.read_csv(out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = saferstats.s136_summary(pd.read_csv(src), by="district").published().rates
    assert sorted(set(got["district"])) == ["North", "South"]
    assert got["count"].astype(str).tolist() == want["count"].astype(str).tolist()
    assert main(["s136", str(src), "--by", "no_such_column"]) == 2


@pytest.mark.parametrize("mark", list(saferstats.published.NO_FIGURE_MARKS))
def test_every_published_mark_is_missing_in_the_cli_and_in_disclosure(tmp_path, mark):
    """One list of marks serves the readers, the command line and disclosure control (they were three
    lists that disagreed: the CLI read "[w]" and the readers did not; disclosure knew neither)."""
    from saferstats.disclosure import _interval_text
    from saferstats.published import _number

    f = tmp_path / "t.csv"
    f.write_text(f'area,count,population\nA,"1,200","100,000"\nB,{mark},"50,000"\n', encoding="utf-8")
    out = tmp_path / "r.csv"
    assert main(["rates", str(f), "--count", "count", "--population", "population", "--missing", "propagate",
                 "--out", str(out)]) == 0
    got = pd.read_csv(out)
    assert np.isnan(got["count"][1]) and np.isnan(got["rate"][1])
    assert np.isnan(_number(mark)[0]) and _number(mark)[1] == "missing"
    assert _interval_text(pd.Series(["12.1 to 15.3", mark.upper()], name="95% CI"))


def test_a_plain_x_stays_text_outside_number_columns(tmp_path):
    """'x' and 'z' mean no figure only where a number is expected: an area labelled "x" or "z" is kept
    (the CLI reads only the bracketed/ONS marks as missing in every column)."""
    f = tmp_path / "t.csv"
    f.write_text('area,count,population\nx,10,"1,000"\nz,20,"2,000"\n', encoding="utf-8")
    out = tmp_path / "r.csv"
    assert main(["rates", str(f), "--count", "count", "--population", "population", "--out", str(out)]) == 0
    got = pd.read_csv(out, keep_default_na=False)
    assert got["area"].tolist() == ["x", "z"]
    assert got["rate"].tolist() == [pytest.approx(1000.0), pytest.approx(1000.0)]

"""The command line on the shared files as published (walk 20, session 16).

- ``saferstats disproportionality`` printed police.uk slugs (``city-of-london``) in its ``force``
  column where the report shows names; it now shows the force's name (the report's: the ONS name in
  the CSV, the name as text says it when printed) and keeps the slug in ``force_id``.
- ``saferstats trend`` on the Home Office table by force (two years) stopped on the missing
  population column, or on the City of London's "#N/A" population, before saying that two years
  are too few for a trend; it now says so first, and where the change between two years is.
- ``[hate_crime] monthly_rebase`` with a month not written "YYYY-MM" or a blank cause stopped only
  once the analysis had started; the config reader now stops at once, naming the key.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from conftest import cli_error
import saferstats
from saferstats.__main__ import main
from saferstats.report.config import ConfigError, load_config

HO = "hate_crime/home_office_by_force_2017-18_2018-19"
SS = "stop_search/policeuk_7forces_2019-12_to_2020-02"


# ----------------------------------------------------------------- disproportionality: force names

def test_disproportionality_names_forces_and_keeps_the_slug(shared_data, tmp_path, capsys):
    files = [shared_data / SS / f"2019-12-{f}-stop-and-search.csv" for f in ("city-of-london", "durham")]
    out = tmp_path / "d.csv"
    assert main(["disproportionality", *map(str, files), "--out", str(out)]) == 0
    capsys.readouterr()
    got = pd.read_csv(out)
    # the names are the library's (saferstats.geography), as the report's CSV writes them
    ons = {s: saferstats.geography.find_area(s, level="force")["name"] for s in ("city-of-london", "durham")}
    assert ons == {"city-of-london": "London, City of", "durham": "Durham"}
    assert list(got.columns[:3]) == ["force", "force_id", "group"]
    assert got["force_id"].map(ons).tolist() == got["force"].tolist()
    assert set(got["force_id"]) == {"city-of-london", "durham"}
    # every other column as the library computes it (the names change nothing else)
    want = saferstats.disproportionality(saferstats.read_stop_search(files), by=["force"], census=2011)
    assert got["force_id"].tolist() == want["force"].tolist()
    assert got["searches"].tolist() == want["searches"].tolist()
    assert got["ratio"].tolist() == pytest.approx(want["ratio"].tolist(), nan_ok=True)


def test_disproportionality_prints_names_as_the_report_page(shared_data, capsys):
    f = shared_data / SS / "2019-12-city-of-london-stop-and-search.csv"
    assert main(["disproportionality", str(f)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["force", "force_id", "group"]
    body = lines[1:]
    assert body and all(ln.split()[:4] == ["City", "of", "London", "city-of-london"] for ln in body), body
    assert saferstats.geography.display_name("London, City of") == "City of London"


# ----------------------------------------------------------------- trend: two years said first

def _years_per_force(path) -> set[int]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    years: dict[str, set[str]] = {}
    for r in rows:
        years.setdefault(r["Force"], set()).add(r["Year"])
    return {len(v) for v in years.values()}


@pytest.mark.parametrize("extra", [
    [],                                                          # the defaults: no 'period' column
    ["--by", "Force", "--period", "Year", "--count", "Total number of offences"],  # no 'population' column
    ["--by", "Force", "--period", "Year", "--count", "Total number of offences", "--population", "Population"],
])
def test_trend_on_two_years_says_so_first(shared_data, capsys, extra):
    path = shared_data / HO / "Hate crime.csv"
    assert max(_years_per_force(path)) == 2
    err = cli_error(capsys, "trend", str(path), *extra)
    assert "each Force has at most 2 periods in column 'Year' (2017-18, 2018-19); a trend needs at least 3" in err
    assert ("saferstats rates" in err and '--count "Total number of offences" --population "Population"' in err
            and "saferstats.year_on_year" in err and "hate_crime_change.csv" in err), err
    # not the errors that came first before: the population column, the City of London's '#N/A'
    assert "no column 'population'" not in err and "missing value" not in err and "Traceback" not in err


def test_trend_advice_runs_as_written(shared_data, capsys):
    """The `saferstats rates` the message gives runs (with --missing propagate, as it says)."""
    path = shared_data / HO / "Hate crime.csv"
    assert main(["rates", str(path), "--count", "Total number of offences", "--population", "Population",
                 "--missing", "propagate"]) == 0
    assert "Hertfordshire" in capsys.readouterr().out


# ----------------------------------------------------------------- config: monthly_rebase at load time

def _cfg(tmp_path, shared_data, rebase: str, monthly: bool = True):
    cfg = tmp_path / "a.toml"
    lines = ['title = "t"', 'area = "Hertfordshire"', "[hate_crime]", f'file = "{shared_data / HO / "Hate crime.csv"}"']
    if monthly:
        lines += [f'monthly = "{shared_data / HO / "hate-crime-1819-hosb2419-tables.ods"}"', 'monthly_sheet = "Figure_2"']
    cfg.write_text("\n".join([*lines, f"monthly_rebase = {rebase}", ""]), encoding="utf-8")
    return cfg


@pytest.mark.parametrize("rebase, said", [
    ('{"July 2016" = "audit"}', "'July 2016' is not a month written as \"YYYY-MM\""),
    ('{"2016-13" = "audit"}', "'2016-13' is not a month written as \"YYYY-MM\""),
    ('{"2016-07" = " "}', "give the cause of the change from 2016-07"),
    ('{"2016-07" = 2016}', "the cause of the change from 2016-07 must be text"),
    ('"2016-07"', "must be a table of months and their causes"),
])
def test_monthly_rebase_checked_when_the_config_is_read(shared_data, tmp_path, capsys, rebase, said):
    cfg = _cfg(tmp_path, shared_data, rebase)
    with pytest.raises(ConfigError) as e:
        load_config(cfg)
    assert e.value.argument == "hate_crime.monthly_rebase" and said in str(e.value)
    # on the command line: the key and its line, and nothing written (no analysis ran)
    err = cli_error(capsys, "report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet")
    assert "[hate_crime] monthly_rebase" in err and said in err and "line 7" in err, err
    assert not (tmp_path / "o").exists()


def test_monthly_rebase_without_a_monthly_series(shared_data, tmp_path):
    with pytest.raises(ConfigError, match=r"monthly_rebase recalculates the limits .* give monthly = "):
        load_config(_cfg(tmp_path, shared_data, '{"2016-07" = "audit"}', monthly=False))


def test_monthly_rebase_as_written_is_kept(shared_data, tmp_path):
    cfg = load_config(_cfg(tmp_path, shared_data, '{" 2016-07 " = " audit "}'))
    assert cfg["hate_crime"]["monthly_rebase"] == {"2016-07": "audit"}


# ----------------------------------------------------------------- trend --compare-with (compare_trends)

STRANDS = f"{HO}/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"


def _strands(shared_data):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        return saferstats.read_hate_crime(shared_data / STRANDS)


def _r_fixture() -> dict:
    import json
    from pathlib import Path

    rows = json.loads((Path(__file__).parents[1] / "fixtures" / "trend_compare.json").read_text())["rows"]
    return next(r for r in rows if r["name"] == "race_vs_disability")


@pytest.mark.parametrize("use_t", [False, True])
def test_compare_with_on_the_strand_table_is_compare_trends(shared_data, tmp_path, capsys, use_t):
    out = tmp_path / "c.csv"
    assert main(["trend", str(shared_data / STRANDS), "--compare-with", "Race", "--dispersion", "quasi",
                 "--missing", "drop", *(["--use-t"] if use_t else ["--use-z"]), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "against 'race'" in err and "Traceback" not in err
    got = pd.read_csv(out, keep_default_na=False, na_values=[""])
    with pytest.warns(saferstats.SaferstatsWarning):
        want = saferstats.compare_trends(_strands(shared_data), comparator="race", by="strand", population=None,
                                         dispersion="quasi", missing="drop", use_t=use_t)
    # (w25b: the command adds an intervals column; --use-z: the normal, the default before w25b)
    assert [c for c in got.columns if c != "intervals"] == want.columns.tolist()
    assert got["strand"].tolist() == want["strand"].tolist() and "race" not in set(got["strand"])
    for c in ["apc", "apc_lower", "apc_upper", "comparator_apc", "ratio", "ratio_lower", "ratio_upper", "z",
              "p_value", "df", "dispersion_ratio", "comparator_dispersion_ratio"]:
        assert got[c].to_numpy(float) == pytest.approx(want[c].to_numpy(float), rel=1e-12), c
    assert got["n_periods"].tolist() == want["n_periods"].tolist()
    # and the independent reference: R's quasi-Poisson fits of the same counts (tests/fixtures/trend_compare.json)
    ref = _r_fixture()
    dis = got.set_index("strand").loc["disability"]
    assert dis["ratio"] == pytest.approx(ref["quasi"]["ratio"], rel=1e-9)
    if use_t:
        assert dis["df"] == pytest.approx(ref["quasi_t"]["df"], rel=1e-6)
        assert dis["p_value"] == pytest.approx(ref["quasi_t"]["p_value"], rel=1e-6)
        assert [dis["ratio_lower"], dis["ratio_upper"]] == pytest.approx(
            [ref["quasi_t"]["ratio_lower"], ref["quasi_t"]["ratio_upper"]], rel=1e-6)
    else:
        assert dis["p_value"] == pytest.approx(ref["quasi"]["p_value"], rel=1e-6)
        assert [dis["ratio_lower"], dis["ratio_upper"]] == pytest.approx(
            [ref["quasi"]["ratio_lower"], ref["quasi"]["ratio_upper"]], rel=1e-9)


def test_compare_with_the_total_less_each_strand(shared_data, tmp_path, capsys):
    """--subtract against all offences: each strand against the offences less that strand; the strand
    table's other total (motivating factors: more than the offences) is left out and said so."""
    out = tmp_path / "c.csv"
    assert main(["trend", str(shared_data / STRANDS), "--compare-with", "offences", "--subtract",
                 "--missing", "drop", "--use-t", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "other total (motivating_factors) is left out" in err
    got = pd.read_csv(out)
    t = _strands(shared_data)
    with pytest.warns(saferstats.SaferstatsWarning):
        want = saferstats.compare_trends(t[t["strand"] != "motivating_factors"], comparator="offences", by="strand",
                                         population=None, dispersion="auto", missing="drop", use_t=True,
                                         subtract=True)
    assert got["strand"].tolist() == want["strand"].tolist()
    assert set(got["strand"]) == {"race", "religion", "sexual_orientation", "disability", "transgender"}
    for c in ["ratio", "ratio_lower", "ratio_upper", "p_value", "comparator_apc"]:
        assert got[c].to_numpy(float) == pytest.approx(want[c].to_numpy(float), rel=1e-12), c
    # the rest: the comparator's count for race is the offences less race, period by period
    wide = t.pivot(index="period", columns="strand", values="count").dropna()
    rest = (wide["offences"] - wide["race"]).to_numpy()
    yrs = pd.Series(range(len(rest)), dtype=float)
    import numpy as np

    slope = np.polyfit(yrs, np.log(rest), 1)[0]  # not the GLM, but the same direction and size
    assert (got.set_index("strand").loc["race", "comparator_apc"] / 100 + 1) == pytest.approx(np.exp(slope), abs=0.03)


def test_compare_with_errors_name_the_option(tmp_path, capsys, shared_data):
    f = tmp_path / "c.csv"
    f.write_text("area,period,count,population\n" + "".join(
        f"{a},{y},{c},1000\n" for a, cs in (("E", (100, 120, 150)), ("A", (90, 100, 160)))
        for y, c in zip((2015, 2016, 2017), cs)))
    assert main(["trend", str(f), "--subtract"]) == 2
    assert "--subtract is for --compare-with NAME" in capsys.readouterr().err
    assert main(["trend", str(f), "--compare-with", "E"]) == 2
    assert "give --by COLUMN" in capsys.readouterr().err
    err = cli_error(capsys, "trend", str(f), "--by", "area", "--compare-with", "England")
    assert "--compare-with 'England': no row of column 'area' (--by) has it" in err and "['E', 'A']" in err
    # a comparator that cannot contain an area: the line of the file
    assert main(["trend", str(f), "--by", "area", "--compare-with", "E", "--subtract"]) == 2
    # (the populations are equal: E less A has none, from A's first row, line 5)
    assert "is not larger than line 5 of c.csv ('A' 2015)" in capsys.readouterr().err


# ----------------------------------------------------------------- the walk of each command

def test_disproportionality_warnings_name_the_forces(shared_data, capsys):
    """The library's warning named police.uk slugs ("in city-of-london (34% of 879)") beside a table
    that names the forces."""
    f = shared_data / SS / "2019-12-city-of-london-stop-and-search.csv"
    assert main(["disproportionality", str(f)]) == 0
    err = capsys.readouterr().err
    assert "ethnicity is not stated for a fifth or more of the searches in City of London (" in err, err
    assert "city-of-london" not in err


def test_rates_on_a_bulletin_sheet_says_it_has_no_population(shared_data, capsys):
    """`rates --sheet Table_2` (the example the help gave) said only "no column 'population'"; the
    bulletin's sheets are counts: it says so, and where populations are."""
    pytest.importorskip("odf")
    book = shared_data / HO / "hate-crime-1819-hosb2419-tables.ods"
    err = cli_error(capsys, "rates", str(book), "--sheet", "Table_2", "--count", "count", "--population", "population")
    assert "sheet 'Table_2' is the bulletin's strand table, counts with no population, so no rate" in err
    assert "--count \"Total number of offences\" --population Population" in err and "saferstats trend" in err
    with pytest.raises(SystemExit):
        main(["rates", "--help"])
    assert "e.g. Table_2" not in " ".join(capsys.readouterr().out.split())


def test_trend_help_says_dispersion_and_three_periods(capsys):
    with pytest.raises(SystemExit):
        main(["trend", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "auto (default): quasi-Poisson where the counts vary more than Poisson" in out
    assert "a trend needs at least 3 periods" in out and "--compare-with NAME" in out and "--subtract" in out


def test_s136_on_the_nhs_workbook_says_what_it_is(shared_data, capsys):
    """The NHS MHA workbook as published: the command said to save it as CSV, which gives the same
    published counts, which it then refuses; it now says what the file is, as for its CSV."""
    pytest.importorskip("openpyxl")
    book = shared_data / "s136_mental_health" / "nhs_mha_annual_2023_24" / "mha_annual_suppressed_2023_24 (version 1).xlsx"
    err = cli_error(capsys, "s136", str(book))
    assert "this is the NHS Mental Health Act statistics workbook" in err and "saferstats.read_mha_annual" in err
    assert "Save As" not in err

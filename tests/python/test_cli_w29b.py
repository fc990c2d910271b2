"""The command line over the public library, walked on the shared files as published (w29b).

1. ``saferstats disproportionality`` no longer imports private names of other modules: forces are
   named by :func:`saferstats.geography.force_name` (public), the Census is the library's
   ``census="auto"``, a ``--by`` with no area is the library's refusal said in the command's terms,
   gzip input is unpacked by the shared ``saferstats._gzip``, and the street-crime LSOA note is
   filtered by the public ``saferstats.published.LSOA_CODES_NOTE``.
2. ``read_hate_crime`` on an OSCE/ODIHR file says what the file is and which Home Office table to
   read instead.
"""

from __future__ import annotations

import ast
import gzip
import re
from pathlib import Path

import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError
from saferstats.__main__ import main
from saferstats.geography import force_name

STOPS = "stop_search/policeuk_7forces_2019-12_to_2020-02"
OSCE = "hate_crime/osce_national_2016-2018"
MAIN = Path(saferstats.__file__).with_name("__main__.py")


# --------------------------------------------------------------------------- 1. a thin CLI
# The rule covers the CLI and, since session 27 (w43d), every module of the package: no module
# imports a ``_private`` name of a module outside its own subpackage. Allowed: ``_saferstats`` (the
# compiled core every wrapper calls), a private module itself (``from . import _periods``, the
# package's shared helpers) and the private names one subpackage's modules share
# (``hotspot/*`` from ``hotspot/_common``). The top-level modules are not one subpackage: ``trend``
# and ``monitoring`` share only public names. (w42d covered the CLI, ``report/inputs.py`` and
# ``hotspot/_common.py``; w43d made the 114 others public or imported them from their home.)
PACKAGE = MAIN.parent
PRIVATE_IMPORT_RULE = sorted(PACKAGE.rglob("*.py"))


def _private_imports(path: Path, source: str | None = None) -> list[str]:
    """The ``_private`` names ``path`` (a module of the package) imports from a module outside its
    own subpackage, as ``module.name`` with the module relative to the package."""
    here = list(path.relative_to(PACKAGE).parts[:-1])  # its subpackage; [] for a top-level module
    private = []
    for node in ast.walk(ast.parse(path.read_text() if source is None else source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = here[:len(here) - node.level + 1]
            target = base + (node.module.split(".") if node.module else [])
        elif node.module and node.module.split(".")[0] == "saferstats":
            target = node.module.split(".")[1:]
        else:
            continue
        home = target if PACKAGE.joinpath(*target).is_dir() else target[:-1]
        for a in node.names:
            name = a.name
            if not name.startswith("_") or name.startswith("__") or name == "_saferstats":
                continue
            if PACKAGE.joinpath(*target, f"{name}.py").exists():
                continue  # a private module itself
            if here and home == here:
                continue  # shared within one subpackage
            private.append(".".join([*target, name]))
    return private


@pytest.mark.parametrize("path", PRIVATE_IMPORT_RULE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_cli_imports_no_private_name_of_another_module(path: Path) -> None:
    assert _private_imports(path) == []


def test_the_private_import_rule_catches_what_it_should() -> None:
    common = PACKAGE / "hotspot" / "_common.py"
    assert _private_imports(common, "from ..geography import _table, GB_LAT\n") == ["geography._table"]
    assert _private_imports(common, "from saferstats.trend import _flag\n") == ["trend._flag"]
    assert _private_imports(common, "from .grid import _grid_tag\nfrom .. import _periods, _saferstats\n") == []
    assert _private_imports(MAIN, "def f():\n    from .monitoring import _shown\n") == ["monitoring._shown"]
    assert _private_imports(MAIN, "from ._frames import _default_index\n") == ["_frames._default_index"]
    assert _private_imports(MAIN, "from .hotspot.grid import _grid_tag\n") == ["hotspot.grid._grid_tag"]
    assert len(PRIVATE_IMPORT_RULE) > 40 and MAIN in PRIVATE_IMPORT_RULE


def test_option_choices_are_the_configurations() -> None:
    from saferstats.__main__ import _as_config
    from saferstats.report.config import option_choices

    assert option_choices()["stop_search"]["census"] == ("auto", "2011", "2021")
    assert "file" not in option_choices()["hate_crime"]  # a path, not a choice
    assert _as_config("pass ethnicity_source='officer'") == 'pass [stop_search] ethnicity_source = "officer"'


def test_force_name_names_police_uk_slugs_codes_and_names() -> None:
    assert force_name("city-of-london") == "London, City of"
    assert force_name("city-of-london", as_text=True) == "City of London"
    assert force_name("E23000027") == "Hertfordshire"
    assert force_name("devon-and-cornwall") == "Devon & Cornwall"
    assert force_name("Essex Police", as_text=True) == "Essex"
    assert force_name("btp") == "btp" and force_name("all searches", as_text=True) == "all searches"
    assert "force_name" in saferstats.geography.__all__


def test_force_name_agrees_with_the_report_for_every_force() -> None:
    from saferstats.report.sections import _force_names, _said_names

    lk = saferstats.geography.area_lookup()
    labels = [*lk["force"].unique(), *lk["force_code"].unique(), *lk["force_name"].unique(),
              "btp", "all searches", "GMP"]
    assert {v: force_name(v) for v in labels} == _force_names(labels)
    assert {v: force_name(v, as_text=True) for v in labels} == _said_names(labels)


def test_disproportionality_names_forces_and_census_as_before(shared_data: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "d.csv"
    assert main(["disproportionality", str(shared_data / STOPS), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert ("Denominators: Census 2011 usual residents (the Census the Home Office used for searches before "
            "2022/23; --census to choose)") in err
    d = pd.read_csv(out)
    assert sorted(set(d["force"])) == ["Derbyshire", "Durham", "Essex", "Leicestershire", "London, City of",
                                       "Merseyside", "South Yorkshire"]
    assert d.loc[d.force_id == "city-of-london", "force"].unique().tolist() == ["London, City of"]
    assert d["denominator"].str.startswith("Census 2011 usual residents").all()
    black = d[(d.force_id == "merseyside") & (d.group == "Black")].iloc[0]
    assert int(black.searches) > 0 and int(black.population) > 0
    assert main(["disproportionality", str(shared_data / STOPS)]) == 0  # printed: names as text says them
    assert "City of London" in capsys.readouterr().out


def test_disproportionality_2023_records_get_census_2021(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["disproportionality", str(shared_data / "stop_search/city_of_london_2023/stop_and_search.csv")]) == 0
    cap = capsys.readouterr()
    assert "Denominators: Census 2021 usual residents (the Census the Home Office used for searches from 2022/23" \
        in cap.err
    assert re.search(r"City of London city-of-london Black +225 +233 ", cap.out)


def test_by_a_column_alone_is_refused_before_cautions_about_rates_not_given(shared_data: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["disproportionality", str(shared_data / STOPS), "--by", "month"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("saferstats: error: --by month names no area")
    assert "ethnicity is not stated" not in err  # the library's caution about rates it did not give
    assert "by=" not in err and "population=" not in err


def test_by_a_column_alone_on_an_api_export_asks_for_the_force(shared_data: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    api = shared_data / "stop_search/api_format_leicester_2020-02/stop_and_search.csv"
    assert main(["disproportionality", str(api), "--by", "month"]) == 2
    assert "need an area to be set against: --force NAME --by force month (the files name no force)" \
        in capsys.readouterr().err


def test_gzip_csv_is_read_and_a_bomb_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from saferstats._gzip import gunzip_bounded
    from saferstats.io import _gunzip_bounded  # the old private name still works

    assert _gunzip_bounded is gunzip_bounded
    f = tmp_path / "r.csv.gz"
    f.write_bytes(gzip.compress(b"area,count,population\nA,10,1000\nB,30,2000\n"))
    assert main(["rates", str(f), "--count", "count", "--population", "population"]) == 0
    assert re.search(r"B\s+30\s+2000\s+1,?500", capsys.readouterr().out)
    bomb = tmp_path / "b.csv.gz"
    bomb.write_bytes(gzip.compress(b"a\n" + b"0\n" * (40 << 20)))
    assert main(["rates", str(bomb), "--count", "a", "--population", "a"]) == 2
    assert "refused as a likely gzip bomb" in capsys.readouterr().err


# --------------------------------------------------------------------------- 2. OSCE files
@pytest.mark.parametrize("year", [2016, 2017, 2018])
def test_read_hate_crime_says_what_an_osce_file_is_and_what_to_read(shared_data: Path, year: int) -> None:
    path = shared_data / OSCE / f"osce_hate_incidents_{year}.csv"
    if not path.exists():
        pytest.skip("OSCE file absent")
    with pytest.raises(InvalidInputError) as e:
        saferstats.read_hate_crime(path)
    msg = str(e.value)
    assert e.value.argument == "path"
    assert "not a Home Office hate crime table but an OSCE/ODIHR hate crime reporting file" in msg
    assert "'number_of_incidents'" in msg  # its columns, as the file has them
    assert "read it with pandas.read_csv" in msg
    assert "'Hate crime.csv'" in msg and "sheet='Table_2'" in msg
    # what it points to is read as said
    ods = shared_data / "hate_crime/home_office_by_force_2017-18_2018-19/hate-crime-1819-hosb2419-tables.ods"
    strands = saferstats.read_hate_crime(ods, sheet="Table_2")
    assert strands.period.min() == "2011/12" and strands.period.max() == "2018/19"


def test_other_tables_keep_the_general_refusal(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("country,year,count\nA,2018,3\n")
    with pytest.raises(InvalidInputError, match="not a Home Office hate crime table this reader knows"):
        saferstats.read_hate_crime(f)


# --------------------------------------------------------------------------- 3. walked as published
def test_trend_without_period_column_names_the_year_column(shared_data: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    osce = shared_data / OSCE / "osce_hate_incidents_2018.csv"
    assert main(["trend", str(osce), "--count", "number_of_incidents", "--population", "none", "--by", "country"]) == 2
    assert ("no column 'period' (--period's default): give --period COLUMN, the file's column of periods (years, "
            "financial years or months) (e.g. --period year); columns are") in capsys.readouterr().err


def test_trend_on_one_year_file_says_one_period_not_two(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """OSCE's 2018 file: two rows a country (one per data_source) read as "at most 2 period(s)" with
    advice for two periods; it has one year."""
    osce = shared_data / OSCE / "osce_hate_incidents_2018.csv"
    assert main(["trend", str(osce), "--count", "number_of_incidents", "--population", "none", "--by", "country",
                 "--period", "year"]) == 2
    err = capsys.readouterr().err
    assert ("each country has at most 1 period in column 'year' (2018) (2 rows for one country and period: they "
            "differ in 'data_source', to add to --by); a trend needs at least 3; with one period a file") in err
    assert "for two periods" not in err


def test_trend_on_two_periods_keeps_its_advice(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hc = shared_data / "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"
    assert main(["trend", str(hc)]) == 2
    err = capsys.readouterr().err
    assert "each Force has at most 2 periods in column 'Year' (2017-18, 2018-19); a trend needs at least 3; " \
           "for two periods: saferstats rates" in err


def test_population_with_a_column_per_group_says_so_and_that_the_census_is_bundled(
        shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Resistance Lab's police-defined-demographics.csv (Police force, White, Black (or Black British), ...):
    the error gave the layout needed, preceded by the library's caution about rates it then did not give."""
    pop = shared_data / "population/police-defined-demographics.csv"
    assert main(["disproportionality", str(shared_data / STOPS), "--population", str(pop)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"saferstats: error: --population {pop}: has no column 'ethnicity'")
    assert ("this table has a column per ethnic group (White, Black (or Black British), Asian (or Asian British), "
            "Mixed, Other): reshape it to one row per area and group (pandas melt), or leave out --population to use "
            "the bundled Census 2011 or 2021 usual residents") in err
    assert "ethnicity is not stated" not in err


def test_misspelt_study_area_is_refused_before_the_files_are_read(shared_data: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hotspots", str(shared_data / "street_crime"), "--study-area", "Stevenag"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("saferstats: error: --study-area: no police force area, CSP or local authority named or "
                           "coded 'Stevenag'; close matches: 'Stevenage', 'Sevenoaks'")
    assert "Read 108,465" not in err  # was found out after reading every record


def test_study_area_of_several_extents_asks_for_a_code_the_command_takes(shared_data: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """'Durham' is a force, a CSP and an authority: the library's advice "pass level='force'" is no
    option of the command; its codes are."""
    f = shared_data / STOPS / "2020-01-durham-stop-and-search.csv"
    args = ["hotspots", str(f), "--lat", "Latitude", "--lon", "Longitude", "--study-area"]
    assert main([*args, "Durham"]) == 2
    err = capsys.readouterr().err
    assert "level=" not in err
    assert err.strip().endswith("give the code of the one meant: --study-area E23000008 (police force area), "
                                "E22000365 (CSP) or E06000047 (local authority)")
    assert main([*args, "E23000008"]) == 0
    assert "161 points in Durham (police force area E23000008); 0 clusters" in capsys.readouterr().err


def test_by_month_says_the_rates_are_per_month(shared_data: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """--by force month: rates per 1,000 residents in one month, with no word that they are not yearly
    (the library's "over the 3 months, not per year" is of the whole span only)."""
    out = tmp_path / "m.csv"
    assert main(["disproportionality", str(shared_data / STOPS), "--by", "force", "month", "--out", str(out)]) == 0
    assert ("saferstats: warning: disproportionality: --by month: the rates are searches per 1,000 residents in each "
            "month, not per year as the Home Office publishes them; for yearly rates pass --per-year") \
        in capsys.readouterr().err
    m = pd.read_csv(out)
    row = m[(m.force_id == "city-of-london") & (m.month == "2019-12") & (m.group == "Asian")].iloc[0]
    assert (row.searches, row.population) == (35, 940) and row.rate == pytest.approx(35 / 940 * 1000)
    assert main(["disproportionality", str(shared_data / STOPS), "--by", "force", "month", "--multiplier", "12000",
                 "--out", str(out)]) == 0
    assert "--by month: the rates" not in capsys.readouterr().err


def test_street_crime_file_given_as_searches_names_its_reader(shared_data: Path) -> None:
    f = shared_data / "street_crime/2021-01-hertfordshire-street.csv"
    if not f.exists():
        pytest.skip("street file absent")
    with pytest.raises(InvalidInputError, match=r"not a police.uk stop-and-search file .*; it is police.uk "
                                                r"street-level crime \(crimes, not searches\): "
                                                r"saferstats.read_street_crime reads it \(saferstats hotspots"):
        saferstats.read_stop_search(f)
    other = shared_data / "population/police-defined-demographics.csv"
    with pytest.raises(InvalidInputError) as e:
        saferstats.read_stop_search(other)
    assert "street-level" not in str(e.value)


def test_hotspots_on_a_csv_of_points_has_no_empty_time_columns(shared_data: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    f = shared_data / STOPS / "2020-01-merseyside-stop-and-search.csv"
    out = tmp_path / "c.csv"
    assert main(["hotspots", str(f), "--lat", "Latitude", "--lon", "Longitude", "--study-area", "Liverpool",
                 "--out", str(out)]) == 0
    assert "1,594 points in Liverpool (CSP E22000182); 10 clusters" in capsys.readouterr().err
    got = pd.read_csv(out)
    assert len(got) == 10 and int(got["n"].sum()) > 0
    assert not {"first_time", "last_time", "missing_times"} & set(got.columns)  # were all empty


def test_a_workbook_sheet_the_command_does_not_read_says_what_to_give(shared_data: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The bulletin's Table_1: the library's advice "read it with pandas.read_csv" is no step on the
    command line, and the error did not name the sheet."""
    ods = shared_data / "hate_crime/home_office_by_force_2017-18_2018-19/hate-crime-1819-hosb2419-tables.ods"
    assert main(["rates", str(ods), "--sheet", "Table_1", "--count", "count", "--population", "population"]) == 2
    err = capsys.readouterr().err
    assert f"saferstats: error: {ods}: sheet 'Table_1' is not a table this command reads (no header row with" in err
    assert err.strip().endswith("save that sheet as 'CSV UTF-8 (Comma delimited)' with one header row (a column per "
                                "field) and give the CSV")
    assert "pandas" not in err


def test_searches_without_dates_ask_for_the_census(shared_data: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Before: the CLI's own choice gave Census 2021 ("the Census the Home Office used for searches
    from 2022/23") for searches of no known date; the library's census='auto' refuses, said here in
    the command's terms (not "--census auto", which is no choice of the option)."""
    import csv

    src = shared_data / STOPS / "2020-01-durham-stop-and-search.csv"
    rows = list(csv.reader(src.open(newline="", encoding="utf-8-sig")))
    folder = tmp_path / "nodate"
    folder.mkdir()
    with (folder / src.name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(rows[0])
        w.writerows([r[:1] + [""] + r[2:] for r in rows[1:]])
    assert main(["disproportionality", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.strip().endswith("saferstats: error: the searches have no date (the files' Date column is empty), so "
                                "the Census the Home Office used for their period is not known: pass --census 2011 "
                                "for searches before April 2022, --census 2021 from then")
    assert "Census 2021 usual residents" not in err
    assert main(["disproportionality", str(folder), "--census", "2011"]) == 0
    assert re.search(r"Durham +durham +Asian +4 +7061 ", capsys.readouterr().out)

"""The command line as a new CSP analyst meets it (walk-through 11, session 14).

Each test is one finding: what the command did before, and what it does now, checked against the
file read with the csv module and rates from scipy (tests/fixtures/walk11_cli/generate.py).

- A blank line in a CSV shifted every line an error named by one (pandas skipped it); Excel's
  trailing ",,," rows stopped `rates` with "missing value on line N".
- A CSV saved by Excel as "CSV (Comma delimited)" (cp1252: "£", "é") stopped with a
  UnicodeDecodeError and a byte offset; an .xlsx (even renamed .csv) likewise; a semicolon file said
  "no column 'count'; columns are ['area;age;count;population']".
- A column name in another case or with a trailing space gave no hint; `trend --by force` and
  `disproportionality --by CSP` said "(keyword `by[0]`)"; `s136` named "rows [np.int64(3), ...]"
  (table positions, not the file's lines) and advised "pass a mapping".
- Warnings named "row 14" (not the file's line), "raise min_samples / eps", "--use-t True".
- `--geojson` into a missing folder was reported as "--out ..."; `| head` printed BrokenPipeError.
- The printed tables showed 6-16 digits; now 4 significant figures (`--sig-figures` for the CSV).
- `s136` never said that children were taken to a police station (only the rates table was shown).
- Text Excel turns into dates ("10-17", "2011/12") is noted when the CSV is written.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from saferstats.__main__ import _as_flags, main

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "walk11_cli" / "phe_rates.json"
REF = json.loads(FIX.read_text())["rates"]
HATE = Path("hate_crime") / "home_office_by_force_2017-18_2018-19"


def _write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8", blank_after: int | None = None) -> None:
    lines = [",".join(f'"{c}"' if "," in c else c for c in r) for r in rows]
    if blank_after is not None:
        lines.insert(blank_after, "")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def _lines_where(path: Path, encoding: str, pred) -> list[int]:
    """1-based lines of the file (header line 1, blank lines counted) whose row satisfies pred."""
    with open(path, newline="", encoding=encoding) as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    return [i + 1 for i, r in enumerate(rows) if i and r and pred(dict(zip(header, r)))]


def test_excel_cp1252_csv_with_a_blank_line_reads_and_names_the_right_line(tmp_path, capsys):
    rows = [["area", "count", "population", "note"]]
    rows += [[r["area"], str(r["count"]), f"{r['population']:,}", "Café £5"] for r in REF]
    rows.append(["Dacorum", "9", "", "no population"])
    f = tmp_path / "my areas.csv"  # a path with a space
    _write_rows(f, rows, encoding="cp1252", blank_after=3)
    want_line = _lines_where(f, "cp1252", lambda d: d["population"] == "")
    assert main(["rates", str(f), "--count", "count", "--population", "population"]) == 2
    err = capsys.readouterr().err
    assert f"on line {want_line[0]} of my areas.csv" in err and "--missing propagate" in err
    assert "Windows-1252" in err and "1 empty line left out (line 4)" in err and "Traceback" not in err
    out = tmp_path / "r.csv"
    assert main(["rates", str(f), "--count", "count", "--population", "population", "--missing", "propagate",
                 "--out", str(out)]) == 0
    got = pd.read_csv(out)
    assert list(got["note"][:2]) == ["Café £5", "Café £5"]  # read as the file says (cp1252), written UTF-8
    assert len(got) == len(REF) + 1
    for r in REF:
        g = got[got["area"] == r["area"]].iloc[0]
        assert g["count"] == r["count"] and g["population"] == r["population"]
        assert (g["rate"], g["lower"], g["upper"]) == pytest.approx((r["rate"], r["lower"], r["upper"]), rel=1e-9)
        assert g["method"] == r["method"]
    assert got["population"].dtype.kind == "f" or got["population"].dtype.kind == "i"
    assert pd.isna(got.loc[got["area"] == "Dacorum", "rate"]).all()


def test_printed_to_four_significant_figures_and_csv_to_sig_figures(tmp_path, capsys):
    f = tmp_path / "a.csv"
    _write_rows(f, [["area", "count", "population"]] + [[r["area"], str(r["count"]), str(r["population"])] for r in REF])
    assert main(["rates", str(f), "--count", "count", "--population", "population"]) == 0
    text = capsys.readouterr().out
    for r in REF:
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(r["area"]))
        for k in ("rate", "lower", "upper"):
            assert f"{float(f'{r[k]:.4g}'):.10g}" in line.split()
        assert f" {r['count']} " in line and ".0 " not in line  # counts as whole numbers
    out = tmp_path / "r.csv"
    assert main(["rates", str(f), "--count", "count", "--population", "population", "--sig-figures", "3",
                 "--out", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as fh:
        written = {row["area"]: row for row in csv.DictReader(fh)}
    for r in REF:
        for k in ("rate", "lower", "upper"):
            assert float(written[r["area"]][k]) == float(f"{r[k]:.3g}")


def test_workbook_semicolons_and_bom(tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(["area", "count", "population"])
    wb.active.append(["Stevenage", 10, 89000])
    for name in ("areas.xlsx", "areas_saved_as.csv"):
        wb.save(tmp_path / name)
        assert main(["rates", str(tmp_path / name), "--count", "count", "--population", "population"]) == 2
        err = capsys.readouterr().err
        assert "spreadsheet workbook" in err and "Save As" in err and "UnicodeDecodeError" not in err
    semi = tmp_path / "semi.csv"
    semi.write_text("area;count;population\nStevenage;10;89000\n", encoding="utf-8")
    assert main(["rates", str(semi), "--count", "count", "--population", "population"]) == 2
    assert "separated by semicolons" in capsys.readouterr().err
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffarea,count,population\r\nStevenage,10,89000\r\n".encode("utf-8"))
    assert main(["rates", str(bom), "--count", "count", "--population", "population", "--out", str(tmp_path / "b.csv")]) == 0
    assert pd.read_csv(tmp_path / "b.csv")["area"].tolist() == ["Stevenage"]


def test_wrong_column_names_say_the_closest(tmp_path, capsys, shared_data):
    path = shared_data / HATE / "Hate crime.csv"
    with open(path, newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    offences = next(h for h in header if h.lower() == "total number of offences")
    for typed in ("total number of offences", "Total number of offences ", "Total number of ofences"):
        assert main(["rates", str(path), "--count", typed, "--population", "Population"]) == 2
        err = capsys.readouterr().err
        assert f"(--count) (did you mean {offences!r}?" in err
    assert main(["trend", str(path), "--count", offences, "--population", "Population", "--period", "Year",
                 "--by", "force"]) == 2
    err = capsys.readouterr().err
    force = next(h for h in header if h.lower() == "force")
    assert f"no column 'force' (--by) (did you mean {force!r}?" in err and "keyword" not in err


def test_disproportionality_by_names_csp(capsys, shared_data):
    folder = shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02"
    f = next(folder.glob("2019-12-durham-*"))
    assert main(["disproportionality", str(f), "--by", "CSP"]) == 2
    err = capsys.readouterr().err
    assert "--by CSP" in err and "did you mean 'csp'?" in err and "keyword" not in err


def test_s136_unknown_outcomes_name_the_files_lines_and_flags_are_said(tmp_path, capsys):
    rows = [["detention_time", "place_of_safety", "age", "outcome", "district"]]
    places = ["police_station", "health_based", "a_and_e"]
    outcomes = ["s2", "s3", "informal", "nfa", "no_further_action"]
    for i in range(60):
        rows.append([f"2023-{i % 12 + 1:02d}-10 12:00", places[i % 3], "10-17" if i % 4 == 0 else "40",
                     outcomes[i % 5], "Stevenage" if i % 2 else "Watford"])
    f = tmp_path / "s136.csv"
    _write_rows(f, rows, blank_after=5)
    bad = _lines_where(f, "utf-8", lambda d: d["outcome"] == "no_further_action")
    assert main(["s136", str(f)]) == 2
    err = capsys.readouterr().err
    assert f"(lines {', '.join(map(str, bad[:5]))} of s136.csv)" in err
    assert "np.int64" not in err and "pass a mapping" not in err
    assert "'Admitted informally'" in err  # the labels it also reads, named
    fixed = tmp_path / "s136_fixed.csv"
    fixed.write_text(f.read_text().replace("no_further_action", "nfa"))
    children = len(_lines_where(fixed, "utf-8", lambda d: d["place_of_safety"] == "police_station" and d["age"] == "10-17"))
    assert children >= 5  # not suppressed at the default threshold
    out = tmp_path / "flags.csv"
    assert main(["s136", str(fixed), "--table", "flags", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"children taken to a police station (unlawful since December 2017): {children}" in err
    assert f"{len(rows) - 1} detentions read" in err and "1 empty line left out" in err
    assert int(pd.read_csv(out)["child_in_police_station"].iloc[0]) == children


def test_trend_periods_duplicates_and_warning_lines(tmp_path, capsys):
    dates = tmp_path / "dates.csv"
    _write_rows(dates, [["period", "count", "population"], ["01/04/2019", "100", "10000"],
                        ["01/04/2020", "110", "10000"], ["01/04/2021", "125", "10000"]])
    assert main(["trend", str(dates)]) == 2
    err = capsys.readouterr().err
    assert "line 2 of dates.csv: cannot read period '01/04/2019'" in err and "financial year ('2019/20')" in err
    dup = tmp_path / "dup.csv"
    _write_rows(dup, [["period", "count", "population"], ["2019", "5", "1000"], ["2019", "6", "1000"],
                      ["2020", "7", "1000"]])
    assert main(["trend", str(dup)]) == 2
    assert "(lines 2, 3 of dup.csv)" in capsys.readouterr().err
    gap = tmp_path / "gap.csv"
    rows = [["area", "period", "count", "population"]]
    rows += [["A", str(y), str(100 + 5 * i), "10,000"] for i, y in enumerate(range(2015, 2021))]
    rows[3][2] = "[x]"  # no figure
    _write_rows(gap, rows, blank_after=2)
    na = _lines_where(gap, "utf-8", lambda d: d["count"] == "[x]")
    assert main(["trend", str(gap), "--by", "area", "--missing", "drop"]) == 0
    err = capsys.readouterr().err
    assert f"line {na[0]} of gap.csv" in err and "row " not in err.split("left out:")[1].split(";")[0]


def test_advice_uses_the_commands_flags():
    ns = pytest.importorskip("argparse").Namespace(eps_m=100.0, min_samples=10, use_t=False, by=["x"], lat="lat")
    assert _as_flags("or raise min_samples / eps", ns) == "or raise --min-samples / --eps-m"
    assert _as_flags("use_t=True gives Student t", ns) == "--use-t gives Student t"
    assert _as_flags("has no column 'X' (keyword `by[0]`)", ns) == "has no column 'X' (--by)"
    assert _as_flags("column 'min_samples_x' and eps=3", ns) == "column 'min_samples_x' and eps=3"


def test_outputs_geojson_folder_excel_dates_and_pipe(tmp_path, capsys):
    f = tmp_path / "p.csv"
    _write_rows(f, [["lat", "lon"], ["51.9", "-0.2"]])
    assert main(["hotspots", str(f), "--geojson", str(tmp_path / "no such" / "c.geojson")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("saferstats: error: --geojson ") and "create it first" in err
    ages = tmp_path / "ages.csv"
    _write_rows(ages, [["age", "count", "population"], ["10-17", "45", "1,234"], ["18-24", "30", "104,800"]])
    assert main(["rates", str(ages), "--count", "count", "--population", "population", "--out", str(tmp_path / "o.csv")]) == 0
    err = capsys.readouterr().err
    assert "Excel turns some text of o.csv into dates" in err and "'10-17'" in err and "18-24" not in err
    big = tmp_path / "big.csv"
    _write_rows(big, [["area", "count", "population"]] + [[f"a{i}", "5", "1000"] for i in range(5000)])
    cmd = (f"{sys.executable} -m saferstats rates {big} --count count --population population | head -1")
    done = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["area", "count", "population", "rate", "lower", "upper", "confidence", "method"]
    assert "BrokenPipe" not in done.stderr and "Traceback" not in done.stderr


def test_no_python_pointers_in_the_written_table(tmp_path, capsys, shared_data):
    f = shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02" / "2020-01-city-of-london-stop-and-search.csv"
    out = tmp_path / "d.csv"
    assert main(["disproportionality", str(f), "--out", str(out)]) == 0
    capsys.readouterr()
    text = out.read_text()
    assert ".attrs" not in text and "do not live there" in text


def test_report_config_with_a_street_crime_folder_says_files(tmp_path, capsys, shared_data):
    """Written from the example configuration ([hotspots] file = ...) with the police.uk folder: the
    error said only "is a folder; give a file"; it now says that folders go in files = [...]."""
    folder = shared_data / "street_crime"
    cfg = tmp_path / "mine.toml"
    cfg.write_text(f'title = "t"\narea = "Stevenage"\n[hotspots]\nfile = "{folder}"\n', encoding="utf-8")
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and '[hotspots] files = ["..."]' in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()  # stopped before any output


def test_lat_lon_abbreviation_names_the_column(tmp_path, capsys):
    f = tmp_path / "pts.csv"
    _write_rows(f, [["Latitude", "Longitude"], ["51.9", "-0.2"]])
    with open(f, newline="") as fh:
        header = next(csv.reader(fh))
    assert main(["hotspots", str(f)]) == 2
    assert f"no column 'lat' (--lat) (did you mean {header[0]!r}?" in capsys.readouterr().err


def test_disproportionality_population_file_says_what_it_needs(tmp_path, capsys, shared_data):
    """A Census table as downloaded (wide, one column per group) said "population has no column
    'ethnicity' (keyword `group`)": a keyword the command does not have."""
    f = shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02" / "2019-12-durham-stop-and-search.csv"
    wide = shared_data / "population" / "force-demographics.csv"
    with open(wide, newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert main(["disproportionality", str(f), "--population", str(wide)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"saferstats: error: --population {wide}: has no column 'ethnicity'")
    assert "keyword" not in err and "force,ethnicity,population" in err and repr(header[0]) in err


def test_trend_on_two_years_says_where_the_change_is(capsys, shared_data):
    path = shared_data / HATE / "Hate crime.csv"
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    years = {r["Force"]: set() for r in rows}
    for r in rows:
        years[r["Force"]].add(r["Year"])
    assert max(len(v) for v in years.values()) == 2  # two years per force: no trend
    assert main(["trend", str(path), "--count", "Total number of offences", "--population", "Population",
                 "--period", "Year", "--by", "Force", "--missing", "drop"]) == 2
    err = capsys.readouterr().err
    assert "a trend needs at least 3" in err and "hate_crime_change.csv" in err


def test_the_files_own_rate_column_is_kept_beside_the_commands(tmp_path, capsys):
    """A file with its own 'rate' (and another 'count') column: the command wrote two columns of one
    name (printed) or stopped with an AttributeError traceback (--out)."""
    f = tmp_path / "own.csv"
    _write_rows(f, [["area", "count", "offences", "pop", "rate"], ["A", "99", "5", "1000", "7.7"]])
    out = tmp_path / "o.csv"
    assert main(["rates", str(f), "--count", "offences", "--population", "pop", "--out", str(out)]) == 0
    assert "'count_in_file', 'rate_in_file'" in capsys.readouterr().err
    with open(out, newline="") as fh:
        got = next(csv.DictReader(fh))
    with open(f, newline="") as fh:
        src = next(csv.DictReader(fh))
    assert got["count_in_file"] == src["count"] and got["rate_in_file"] == src["rate"]
    assert float(got["rate"]) == pytest.approx(int(src["offences"]) / int(src["pop"]) * 1e5, rel=1e-12)


def test_an_internal_error_is_one_line(monkeypatch, tmp_path, capsys):
    import saferstats.__main__ as cli

    def boom(*a, **k):
        raise RuntimeError("unexpected\nstate")

    monkeypatch.setattr(cli, "rate_ci", boom)
    f = tmp_path / "a.csv"
    _write_rows(f, [["count", "population"], ["5", "1000"]])
    assert main(["rates", str(f), "--count", "count", "--population", "population"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("saferstats: internal error: RuntimeError") and len(err.splitlines()) == 1
    with pytest.raises(RuntimeError):
        main(["-v", "rates", str(f), "--count", "count", "--population", "population"])


def test_out_named_xlsx_is_refused_before_writing(tmp_path, capsys):
    f = tmp_path / "a.csv"
    _write_rows(f, [["count", "population"], ["5", "1000"]])
    assert main(["rates", str(f), "--count", "count", "--population", "population", "--out", str(tmp_path / "r.xlsx")]) == 2
    assert "not a workbook; give a .csv file name" in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists()


def test_policeuk_file_with_its_own_column_names_and_one_month(tmp_path, capsys, shared_data):
    """`--lat Latitude --lon Longitude` (the file's own names) on a police.uk file with --crime-type
    said "--crime-type is for police.uk street-level files"; one month's clusters were dated
    "2021-04-01" (a day) in the CSV and the GeoJSON."""
    f = shared_data / "street_crime" / "2021-04-hertfordshire-street.csv"
    with open(f, newline="", encoding="utf-8-sig") as fh:
        asb = [r for r in csv.DictReader(fh) if r["Crime type"] == "Anti-social behaviour"]
    rows = [r for r in asb if r["Latitude"]]
    months = {r["Month"] for r in rows}
    assert len(months) == 1
    out, gj = tmp_path / "c.csv", tmp_path / "c.geojson"
    assert main(["hotspots", str(f), "--lat", "Latitude", "--lon", "Longitude", "--crime-type",
                 "Anti-social behaviour", "--min-samples", "15", "--out", str(out), "--geojson", str(gj)]) == 0
    err = capsys.readouterr().err
    assert f"kept Anti-social behaviour: {len(asb):,}" in err and f"{len(rows):,} points;" in err
    got = pd.read_csv(out, dtype=str)
    assert len(got) and set(got["first_time"]) | set(got["last_time"]) == months
    feats = json.loads(gj.read_text())["features"]
    assert {ft["properties"]["first_time"] for ft in feats} == months


def test_trend_without_a_population_column_says_none(tmp_path, capsys):
    f = tmp_path / "counts.csv"
    _write_rows(f, [["period", "count"], ["2019", "5"], ["2020", "6"], ["2021", "8"]])
    assert main(["trend", str(f)]) == 2
    assert "--population none for a trend in the counts" in capsys.readouterr().err
    assert main(["trend", str(f), "--population", "none", "--out", str(tmp_path / "t.csv")]) == 0
    assert pd.read_csv(tmp_path / "t.csv")["n_periods"].tolist() == [3]


def test_utf16_and_tab_separated_files_say_how_to_save(tmp_path, capsys):
    u16 = tmp_path / "unicode.txt"
    u16.write_bytes("area\tcount\tpopulation\r\nA\t5\t1000\r\n".encode("utf-16"))
    tab = tmp_path / "tab.csv"
    tab.write_text("area\tcount\tpopulation\nA\t5\t1000\n", encoding="utf-8")
    for f, what in ((u16, "UTF-16"), (tab, "separated by tabs")):
        assert main(["rates", str(f), "--count", "count", "--population", "population"]) == 2
        err = capsys.readouterr().err
        assert what in err and "CSV UTF-8 (Comma delimited)" in err and "\\x00" not in err


def test_a_comma_header_with_semicolons_in_its_names_is_read(tmp_path, capsys, shared_data):
    """Nomis tables name columns "Ethnic Group: White; measures: Value": not a semicolon file."""
    wide = shared_data / "population" / "force-demographics.csv"
    with open(wide, newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert sum(";" in h for h in header) > 10
    assert main(["rates", str(wide), "--count", header[2], "--population", header[1],
                 "--out", str(tmp_path / "w.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "w.csv")) > 40


def test_report_warnings_give_advice_as_configuration():
    """The report printed "ethnicity_source='self_then_officer' counts them ..." (Python); the key
    is [stop_search] ethnicity_source in the configuration, as the example configuration writes it."""
    import tomllib

    from saferstats.__main__ import _as_config

    example = Path(__file__).resolve().parents[2] / "examples" / "assessment.toml"
    cfg = tomllib.loads(example.read_text(encoding="utf-8"))
    assert "ethnicity_source" in cfg["stop_search"]
    msg = "ethnicity_source='self_then_officer' counts them; compare outcome='positive'"
    assert _as_config(msg) == '[stop_search] ethnicity_source = "self_then_officer" counts them; compare outcome=\'positive\''
    assert _as_config("funnel='exact'") == "funnel='exact'"  # a key of two sections: left as it is

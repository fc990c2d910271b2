"""The CLI walked as a new analyst would on the shared files (w26b).

1. The report's advice to choose ``[stop_search] ethnicity_source`` is printed as a note, not a
   warning; real warnings stay warnings.
2. ``saferstats hotspots`` with no cluster: the command's line no longer contradicts dbscan's
   warning (which gives the settings that would find one).
3. ``saferstats disproportionality --by month`` (no area): an error in the command's terms (was
   "--by None with no `population`", with Python's ``population=``).
4. ``saferstats trend`` on Defra's workbook: a ``recording_change`` column says which councils'
   trends run across a change in how the count is recorded (was only a warning on stderr).
5. A published heading of a renamed column ('Total Incidents') suggests the column it was read as
   ('incidents'), not the nearest spelling ('not_all_incidents').
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from conftest import cli_error
from saferstats import SaferstatsWarning
from saferstats.__main__ import _did_you_mean, _print_warnings, main
from saferstats.exceptions import warn_user

STOPS = "stop_search/policeuk_7forces_2019-12_to_2020-02"
DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"


def test_report_ethnicity_source_advice_is_a_note_and_warnings_stay_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SaferstatsWarning)
        warn_user("stop and search: the report counts only the searches with a stated ethnicity, and says where a "
                  "fifth or more have none; ethnicity_source='self_then_officer' counts those by the officer-defined "
                  "ethnicity instead (not the Home Office's measure: say so)")
        warn_user("disproportionality: the rates are per 1,000 residents over 3 months")
    _print_warnings(caught)
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "saferstats: note: stop and search: the report counts only the searches with a stated ethnicity, and says "
        "where a fifth or more have none; [stop_search] ethnicity_source = \"self_then_officer\" counts those by the "
        "officer-defined ethnicity instead (not the Home Office's measure: say so)",
        "saferstats: warning: disproportionality: the rates are per 1,000 residents over 3 months"]


def test_hotspots_no_cluster_line_defers_to_dbscans_advice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pts = tmp_path / "points.csv"
    pd.DataFrame({"lat": [51.9 + i * 1e-4 for i in range(6)], "lon": [-0.2] * 6}).to_csv(pts, index=False)
    assert main(["hotspots", str(pts), "--min-samples", "15"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["No clusters at these settings (the dbscan warning says what would find one)"]
    assert "try a larger --eps-m" not in out
    assert "saferstats: warning: dbscan: no cluster: all 6 points are noise (label -1) with --eps-m 150 and " \
           "--min-samples 15" in err


def test_disproportionality_by_a_column_that_is_no_area_says_the_options(shared_data: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    err = cli_error(capsys, "disproportionality", str(shared_data / STOPS), "--by", "month")
    assert ("saferstats: error: --by month names no area, and the bundled Census populations are per area and ethnic "
            "group, so the searches need an area to be set against: --by force month (each force's rates by month), "
            "--by csp month or --by la month (each search placed by its location), or --population FILE with a "
            "population of your own") in err
    assert "by=None" not in err and "population=" not in err


def test_disproportionality_by_force_and_month_still_runs(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "d.csv"
    assert main(["disproportionality", str(shared_data / STOPS), "--by", "force", "month", "--out", str(out)]) == 0
    d = pd.read_csv(out)
    row = d[(d["force_id"] == "city-of-london") & (d["month"] == "2019-12") & (d["group"] == "Black")].iloc[0]
    assert (row["searches"], row["population"]) == (37, 193)


def test_trend_on_defra_workbook_flags_rows_across_a_recording_change(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    assert main(["trend", str(shared_data / DEFRA), "--count", "incidents", "--population", "none",
                 "--by", "la_code", "--missing", "drop", "--out", str(out)]) == 0
    t = pd.read_csv(out, keep_default_na=False).set_index("la_code")
    assert list(t.columns[t.columns.get_loc("note"):]) == ["note", "recording_change", "confidence"]
    assert t.loc["E06000001", "recording_change"] == \
        "2019/20 to 2020/21: reporting basis 'All incidents' to 'Customer/public reported only'"
    assert t.loc["E06000026", "recording_change"] == (
        "2015/16 to 2016/17: a 4-fold or greater change on the previous year published (recording_step); "
        "2016/17 to 2017/18: a 4-fold or greater change on the previous year published (recording_step)")
    assert (t["recording_change"] != "").sum() == 41     # the groups poisson_trend's warning counts
    assert t.loc["E06000002", "recording_change"] == ""  # Middlesbrough: no change


def test_published_heading_suggests_the_column_it_was_read_as() -> None:
    cols = ["period", "la_code", "la_name", "incidents", "not_all_incidents"]
    assert _did_you_mean("Total Incidents", cols) == \
        " (did you mean 'incidents'? names must match exactly, spaces and capitals too)"
    assert _did_you_mean("ONS Code", cols) == \
        " (did you mean 'la_code'? names must match exactly, spaces and capitals too)"


def test_published_heading_on_the_workbook(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "no column 'Total Incidents' (--count) (did you mean 'incidents'?" in cli_error(
        capsys, "rates", str(shared_data / DEFRA), "--count", "Total Incidents", "--population", "mid_population_estimates")



HATE = "hate_crime/home_office_by_force_2017-18_2018-19"


def test_rates_reads_a_gzipped_csv_as_the_csv(shared_data: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A .csv.gz was "UTF-16 text or binary ... not a CSV"; now read as its CSV, with the same
    warnings (the population of one year for every year) and the same rates."""
    import gzip

    plain = shared_data / HATE / "Hate crime.csv"
    gz = tmp_path / "Hate crime.csv.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    opts = ["--count", "Total number of offences", "--population", "Population", "--missing", "propagate"]
    assert main(["rates", str(plain), *opts, "--out", str(tmp_path / "a.csv")]) == 0
    capsys.readouterr()
    assert main(["rates", str(gz), *opts, "--out", str(tmp_path / "b.csv")]) == 0
    err = capsys.readouterr().err
    assert "saferstats: warning: rates: Hate crime.csv.gz: the population is the same figure in every year" in err
    a, b = pd.read_csv(tmp_path / "a.csv"), pd.read_csv(tmp_path / "b.csv")
    pd.testing.assert_frame_equal(a, b)
    herts = b[(b["Force"] == "Hertfordshire") & (b["Year"] == "2018-19")].iloc[0]
    assert (herts["count"], herts["population"], round(herts["rate"], 2)) == (1600, 1184400, 135.09)


def test_a_truncated_or_bomb_gzip_is_a_named_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import gzip

    whole = gzip.compress(b"area,count,population\nA,5,100\n" * 50)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(whole[:30])
    assert cli_error(capsys, "rates", str(cut), "--count", "count", "--population", "population") == \
        f"saferstats: error: {cut}: not a readable gzip file (the gzip stream is truncated)"
    bomb = tmp_path / "bomb.csv.gz"
    bomb.write_bytes(gzip.compress(b"a,b\n" + b"0" * (65 << 20)))
    err = cli_error(capsys, "rates", str(bomb), "--count", "a", "--population", "b")
    assert f"saferstats: error: {bomb}: unpacks to more than 67,108,864 bytes: refused as a likely gzip bomb" in err


def test_a_folder_for_a_file_names_the_path_and_what_it_holds(shared_data: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Was "file = '/…/defra_la_2012-13_to_2021-22' is a folder; give a file" (the report
    configuration's wording)."""
    folder = shared_data / "fly_tipping/defra_la_2012-13_to_2021-22"
    assert cli_error(capsys, "trend", str(folder)) == (
        f"saferstats: error: {folder}: is a folder; give a file (it holds: DERIVED_Flytipping_LA_actions.csv; "
        "DERIVED_Flytipping_LA_incidents.csv; Flytipping.xlsx; interim.csv)")
    assert cli_error(capsys, "rates", str(shared_data / "stop_search"), "--count", "a", "--population", "b") == (
        f"saferstats: error: {shared_data / 'stop_search'}: is a folder; give a file (its folders: "
        "api_format_leicester_2020-02; city_of_london_2023; policeuk_7forces_2019-12_to_2020-02; "
        "west_midlands_force_level_shares)")


def test_a_missing_file_names_the_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gone = tmp_path / "nonexist.csv"
    assert cli_error(capsys, "s136", str(gone)) == \
        f"saferstats: error: {gone}: no such file or folder (No such file or directory)"


def test_a_geojson_given_for_a_csv_is_said_as_such(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was "cannot read CSV (ParserError: Error tokenizing data. C error: Expected 2 fields in line 4, saw 3)"."""
    geo = shared_data / "boundaries/boundaries_ltla24.geojson"
    assert cli_error(capsys, "hotspots", str(geo)) == (
        f"saferstats: error: {geo}: is GeoJSON (map features: area outlines or points), not a CSV: this command reads "
        "a CSV with a header row")
    topo = shared_data / "boundaries/ons_uk_topo_2014-2023.json"
    assert cli_error(capsys, "rates", str(topo), "--count", "a", "--population", "b") == (
        f"saferstats: error: {topo}: is TopoJSON (area outlines), not a CSV: this command reads a CSV with a header row")


def test_report_config_given_a_data_file(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was "not valid TOML (Expected '=' after a key in a key/value pair (at line 1, column 5))"."""
    csv = shared_data / "stop_search/city_of_london_2023/stop_and_search.csv"
    assert cli_error(capsys, "report", "--config", str(csv), "--out", str(tmp_path / "r")) == (
        f"saferstats: error: --config {csv}: is a data file, not the assessment's configuration (a .toml file naming "
        "the data files, e.g. [stop_search] files = [\"...\"]); start from saferstats report --example-config > "
        "assessment.toml")
    assert not (tmp_path / "r").exists()


def test_trend_compare_with_flags_comparisons_across_a_recording_change(shared_data: Path, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """compare_trends fits only the count and period columns, so a comparison across Defra's
    recording changes was neither warned nor flagged (Hartlepool against Stevenage: ratio 1.09,
    p 0.048, across Hartlepool's change of reporting basis)."""
    out = tmp_path / "c.csv"
    assert main(["trend", str(shared_data / DEFRA), "--count", "incidents", "--population", "none", "--by", "la_name",
                 "--missing", "drop", "--compare-with", "Hartlepool", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    c = pd.read_csv(out, keep_default_na=False).set_index("la_name")
    assert "saferstats: warning: compare_trends: " in err and "run across a change in how the count" in err
    assert c.loc["Adur", "recording_change"] == \
        "comparator Hartlepool: 2019/20 to 2020/21: reporting basis 'All incidents' to 'Customer/public reported only'"
    assert c.loc["Plymouth", "recording_change"] == (
        "2015/16 to 2016/17: a 4-fold or greater change on the previous year published (recording_step); "
        "2016/17 to 2017/18: a 4-fold or greater change on the previous year published (recording_step); "
        "comparator Hartlepool: 2019/20 to 2020/21: reporting basis 'All incidents' to 'Customer/public reported only'")
    assert round(float(c.loc["Adur", "ratio"]), 4) == 1.0787


def test_option_errors_name_the_option_not_the_keyword(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Was "`eps_m` must be positive, got 0.0" and "invalid argument `multiplier`: ..."."""
    pts = tmp_path / "points.csv"
    pd.DataFrame({"lat": [51.9, 51.9001], "lon": [-0.2, -0.2]}).to_csv(pts, index=False)
    assert cli_error(capsys, "hotspots", str(pts), "--eps-m", "0") == \
        "saferstats: error: --eps-m must be positive, got 0.0"
    counts = tmp_path / "c.csv"
    counts.write_text("area,count,population\nA,5,100\n")
    assert cli_error(capsys, "rates", str(counts), "--count", "count", "--population", "population",
                     "--multiplier", "0") == \
        "saferstats: error: --multiplier: must be a positive number (e.g. 1000 or 100000), got 0"


def test_trend_default_count_column_missing_suggests_no_lookalike(shared_data: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The default --count 'count' was matched to 'country' (an abbreviation match) in OSCE's table."""
    osce = shared_data / "hate_crime/osce_national_2016-2018/osce_hate_incidents_2018.csv"
    assert cli_error(capsys, "trend", str(osce)) == (
        f"saferstats: error: {osce}: no column 'count' (--count's default): give --count COLUMN, the file's column "
        "of counts; columns are ['year', 'country', 'data_source', 'number_of_incidents']")


def test_trend_default_column_in_other_capitals_is_suggested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "t.csv"
    f.write_text("Period,Count\n2019,5\n2020,6\n2021,7\n")
    assert "no column 'count' (--count's default) (did you mean 'Count'? names must match exactly" in \
        cli_error(capsys, "trend", str(f), "--population", "none")


def test_s136_on_a_table_that_is_not_records_names_the_file(shared_data: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Was "records has no column 'outcome' (keyword `outcome`)", naming neither the file nor the command."""
    fms = shared_data / "fly_tipping/fixmystreet_LAD_yearly/2019.csv"
    assert cli_error(capsys, "s136", str(fms)) == (
        f"saferstats: error: {fms}: no column 'outcome': the s136 command needs one row per detention (columns "
        "detention_time, place_of_safety, age, outcome, ...: see saferstats.s136_summary); its columns are "
        "['lad', 'SHEF_A_CODE', 'reports', 'unique_users', 'average_per_user']")


def test_force_given_for_files_that_name_their_own_is_warned(shared_data: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """--force Essex on Durham's bulk file was silently ignored (the rows say Durham)."""
    f = shared_data / STOPS / "2019-12-durham-stop-and-search.csv"
    out = tmp_path / "d.csv"
    assert main(["disproportionality", str(f), "--force", "Essex", "--out", str(out)]) == 0
    assert ("saferstats: warning: --force Essex is for files that name no force; 2019-12-durham-stop-and-search.csv "
            "name their own (Durham), used for their searches") in capsys.readouterr().err
    assert set(pd.read_csv(out)["force_id"]) == {"durham"}
    assert main(["disproportionality", str(f), "--force", "Durham", "--out", str(out)]) == 0
    assert "--force Durham is for" not in capsys.readouterr().err


def test_disproportionality_help_shows_by_with_an_area(capsys: pytest.CaptureFixture[str]) -> None:
    """The help offered "or a column of the records such as month", which alone is refused."""
    with pytest.raises(SystemExit):
        main(["disproportionality", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "e.g. --by force month (a column alone, --by month, names no area to set the searches against)" in text
    assert "or a column of the records such as month" not in text

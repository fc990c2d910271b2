"""The report's NHS Section 136 conversion table printed its counts as "2485.0" and "15212.0"
(walk-through 3). The counts are checked against the published sheet with the csv module."""

import csv
import html

import pandas as pd

from conftest import build_report


def test_conversion_counts_are_whole_numbers(tmp_path, shared_data):
    folder = shared_data / "s136_mental_health" / "nhs_mha_annual_2023_24"
    want = {}
    with open(folder / "DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["OrgName"] == "All providers" and r["OrganisationBreakdown"] == "All submissions" \
                    and r["Demographic"] == "All":
                if r["Measure"] == "Short term orders" and r["measureSubcategory"] == "Section 136":
                    want["trials"] = r["MHSDS_Count"]
                if r["measureSubcategory"] in ("Section 136 to 2", "Section 136 to 3") and r["Measure"].startswith("Uses"):
                    want[r["measureSubcategory"]] = r["Total_Count"]
    xlsx = folder / "mha_annual_suppressed_2023_24 (version 1).xlsx"
    build_report(tmp_path, f'title = "T"\narea = "Merseyside"\n[s136]\nmha_file = "{xlsx}"\n')
    t = pd.read_csv(tmp_path / "o" / "s136_mha_conversion.csv", dtype=str)
    assert list(t["successes"]) == [want["Section 136 to 2"], want["Section 136 to 3"]]
    assert set(t["trials"]) == {want["trials"]}
    page = (tmp_path / "o" / "index.html").read_text()
    assert "2485.0" not in page and "15212.0" not in page


def test_uses_in_no_ethnic_group_are_counted(tmp_path, shared_data):
    """Walk-through 4 (h6 item 4): the ethnicity table's five groups sum to 13,156 of the 15,212 uses
    recorded by mental health services; 1,791 are Not Known / Not Stated and 265 have no ethnicity
    row at all. The report said only that Not Stated / Not Known rates are not published. Counts from
    the published sheet with the csv module."""
    folder = shared_data / "s136_mental_health" / "nhs_mha_annual_2023_24"
    eth, total = {}, None
    with open(folder / "DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["OrgName"] == "All providers" and r["OrganisationBreakdown"] == "All submissions" \
                    and r["Measure"] == "Short term orders" and r["measureSubcategory"] == "Section 136":
                if r["Demographic"] == "All":
                    total = int(float(r["MHSDS_Count"]))
                elif r["Demographic"] == "Ethnicity":
                    eth[r["DemographicBreakdown"]] = int(float(r["Total_Count"]))
    unknown = eth["Not Known"] + eth["Not Stated"]
    missing = total - eth["All"] - unknown
    xlsx = folder / "mha_annual_suppressed_2023_24 (version 1).xlsx"
    build_report(tmp_path, f'title = "T"\narea = "Merseyside"\n[s136]\nmha_file = "{xlsx}"\n')
    page = html.unescape((tmp_path / "o" / "index.html").read_text())
    assert (f"{total - eth['All']:,} of the {total:,} uses recorded by mental health services "
            f"({100 * (total - eth['All']) / total:.1f}%) are in no ethnic group's rate: {unknown:,} recorded as Not "
            f"Known or Not Stated, and {missing:,} with no ethnicity row at all") in page
    t = pd.read_csv(tmp_path / "o" / "s136_mha_ethnicity.csv", dtype=str)
    assert t.loc[t["ethnic_group"] == "White", "detentions"].iloc[0] == str(eth["White"])



def test_an_mha_file_without_section_136_rows_is_a_named_config_error(tmp_path, shared_data, capsys):
    """The message named the file with ``Path``, which sections.py did not import: the analyst got
    "NameError: name 'Path' is not defined" (found by pyflakes, session 9)."""
    from saferstats.__main__ import main

    src = shared_data / "s136_mental_health" / "nhs_mha_annual_2023_24" / "DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"
    with open(src, newline="") as fh:
        rows = [r for r in csv.reader(fh)]
    kept = [rows[0]] + [r for r in rows[1:] if r[2] != "Section 136"]
    assert len(kept) < len(rows)
    sheet = tmp_path / "no_s136.csv"
    with open(sheet, "w", newline="") as fh:
        csv.writer(fh).writerows(kept)
    cfg = tmp_path / "a.toml"
    cfg.write_text(f'title = "T"\narea = "Merseyside"\n[s136]\nmha_file = "{sheet}"\n')
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) != 0
    err = capsys.readouterr().err
    assert "mha_file = 'no_s136.csv' has no Section 136 rows" in err and "NameError" not in err

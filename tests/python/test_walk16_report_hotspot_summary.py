"""The hotspots finding says which incidents and when (walk-through 16, a City of London analyst):
"3 clusters of incidents were found" stood in the executive summary beside hate crime of 2018/19
and stop and search of 2023 without its crime type or months, and with `crime_type = "ASB"` the
section said "kept ASB" rather than police.uk's name. Checked against the bundled police.uk files
read with the csv module (their crime types and months)."""

from __future__ import annotations

import calendar
import csv
import re

import saferstats
from conftest import build_report


def test_hotspot_finding_names_crime_type_and_months(tmp_path):
    folder = saferstats.datasets.street_crime_sample_path()
    months, n = set(), 0
    for f in sorted(folder.iterdir()):
        with open(f, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r["Crime type"] == "Anti-social behaviour":
                    months.add(r["Month"])
                    n += 1
    assert n > 0
    first, last = min(months), max(months)

    def mon(m):
        return f"{calendar.month_abbr[int(m[5:])]} {m[:4]}"

    out = build_report(tmp_path, f'title = "T"\narea = "Hertfordshire"\n[hotspots]\nfiles = ["{folder}"]\n'
                                 'crime_type = "ASB"\neps_m = 300\nmin_samples = 5\n')
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (out / "index.html").read_text(encoding="utf-8")))
    assert f"of incidents (Anti-social behaviour, {mon(first)} to {mon(last)}) were found" in page
    assert f"kept Anti-social behaviour: {n:,} records" in page or "kept Anti-social behaviour records" in page
    assert "kept ASB" not in page


def test_points_file_finding_says_no_crime_type():
    import pandas as pd

    from saferstats.report.sections import Section, Table
    from saferstats.report.summary import executive_summary

    c = pd.DataFrame({"cluster": [0], "n": [30], "centroid_lat": [51.9], "centroid_lon": [-0.2]})
    s = Section("hotspots", "Hotspots", "", "", tables=[Table("hotspot_clusters", "", c)])
    # (and one cluster is singular: it said "1 clusters of incidents were found")
    assert executive_summary([s], {"confidence": 0.95}).headline[0].startswith("1 cluster of incidents was found")

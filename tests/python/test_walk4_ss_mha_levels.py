"""read_mha_annual: a national row with a stray organisation level (walk-through 4).

Line 2 of NHS England's MHA annual main sheet 2023-24 (as stored) is the national "All detentions,
Age 15 and under" row with OrganisationBreakdown "h" instead of "All submissions": the usual filter
for national figures (organisation_level == "All submissions") lost it without a word. The reader
keeps the value as published, warns with the line, and lists it in .attrs["national_mislabelled"].
Expected rows from the csv module.
"""

from __future__ import annotations

import csv
import warnings

import saferstats

MAIN = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


def test_stray_national_level_is_named(shared_data):
    with open(shared_data / MAIN, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    national = {r["OrgID"] for r in rows if r["OrganisationBreakdown"] == "All submissions"}
    levels = {r["OrganisationBreakdown"] for r in rows if r["OrgID"] not in national} | {"All submissions"}
    expected = [i + 2 for i, r in enumerate(rows) if r["OrgID"] in national and r["OrganisationBreakdown"] not in levels]
    assert expected == [2]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = saferstats.read_mha_annual(shared_data / MAIN)
    assert [d["source_line"] for d in t.attrs["national_mislabelled"]] == expected
    assert t.attrs["national_mislabelled"][0]["organisation_level"] == "h"
    msgs = [str(w.message) for w in caught if "national_mislabelled" in str(w.message)]
    assert len(msgs) == 1 and "line 2: 'h'" in msgs[0]
    assert (t["organisation_level"] == "h").sum() == 1  # kept as published


def test_bundled_excerpt_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        # but for the one thing the excerpt's real rows have (w48d): Section 136's ethnicity rows miss 265 uses
        warnings.filterwarnings("ignore", message=".*of England's breakdowns covers fewer cases", category=saferstats.SaferstatsWarning)
        t = saferstats.read_mha_annual(saferstats.datasets.mha_annual_excerpt_path())
    assert [f["in_no_row"] for f in t.attrs["breakdowns_short"]] == [265.0]
    assert t.attrs["national_mislabelled"] == []

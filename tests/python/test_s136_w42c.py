"""Session 27 (w42c): Section 136 / Mental Health Act follow-ups and the NHS-only report's text.

Every figure is checked against the published files read with pandas (``/work/shared/data``'s
``s136_mental_health``), never against saferstats' own output."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from conftest import build_report
from saferstats.report.sections import Section, Table
from saferstats.report.summary import executive_summary

MHA = "s136_mental_health/nhs_mha_annual_2023_24/mha_annual_suppressed_2023_24 (version 1).xlsx"
CFG = {"confidence": 0.95, "disclosure_threshold": 5}


def _limitations(page: str) -> list[str]:
    part = page.split("id='limitations'", 1)[1].split("</section>", 1)[0]
    return [html.unescape(re.sub(r"<[^>]+>", "", x)).strip() for x in re.findall(r"<li>(.*?)</li>", part, re.S)]


# ----------------------------------------------------------------------------- 4: limitations of an NHS-only report

def test_nhs_only_report_lists_no_police_or_resident_rate_limitation(tmp_path, shared_data):
    """A report with only the NHS S136 section (Merseyside) said "Rates use resident population
    estimates as denominators: areas with many visitors, commuters or students (town centres,
    night-time economies) can show high rates per resident" of NHS England's rates for England's
    ethnic groups. Its limitations now list only what applies to the NHS statistics."""
    if not (shared_data / MHA).exists():
        pytest.skip("NHS MHA workbook not in the shared data")
    out = build_report(tmp_path, f'title = "T"\narea = "Merseyside"\n[s136]\nmha_file = "{shared_data / MHA}"\n')
    lim = _limitations((out / "index.html").read_text(encoding="utf-8"))
    text = " ".join(lim)
    for absent in ("resident population estimates", "town centres", "Police-recorded", "police.uk", "stop",
                   "search", "Hotspot", "Fly-tipping"):
        assert absent not in text, absent
    assert lim[0].startswith("NHS England's Mental Health Act statistics are what NHS providers record and submit")
    assert lim[1] == ("The Section 136 rates by ethnic group are NHS England's own, per 100,000 of each group's "
                      "people in England: they are England's figures, not rates for an area's residents.")
    assert any(x.startswith("Numbers below 5 are withheld ([c])") for x in lim)
    assert any(x.startswith("Confidence intervals allow for chance variation only") for x in lim)
    # the rates the report shows are the published ones (England's, per 100,000 of each group)
    raw = pd.read_excel(shared_data / MHA, sheet_name=0)
    eng = raw[raw["OrganisationBreakdown"].astype(str).eq("All submissions")
              & raw["Measure"].eq("Short term orders") & raw["measureSubcategory"].eq("Section 136")
              & raw["Demographic"].eq("Ethnicity")].set_index("DemographicBreakdown")
    shown = pd.read_csv(out / "s136_mha_ethnicity.csv").set_index("ethnic_group")
    for group in shown.index:
        assert shown.loc[group, "crude_rate"] == pytest.approx(float(eng.loc[group, "CrudeRate"]))


def test_resident_rate_limitation_stays_for_sections_with_resident_rates():
    """Stop and search, fly-tipping, hate crime and Section 136 detention records keep the line; the
    NHS statistics and a hotspot map alone do not have it."""
    line = "Rates use resident population estimates as denominators"
    for key, table in (("stop_search", "stop_search_disproportionality"), ("flytipping", "flytipping_rates"),
                       ("hate_crime", "hate_crime_rates"), ("s136", "s136_detention_rates")):
        s = Section(key, key, "", "", tables=[Table(table, "", pd.DataFrame({"x": [1]}))])
        assert any(x.startswith(line) for x in executive_summary([s], {**CFG, "area": "A"}).limitations), key
    nhs = Section("s136", "S136", "", "", tables=[Table("s136_mha_conversion", "", pd.DataFrame({"x": [1]}))])
    hot = Section("hotspots", "Hotspots", "", "")
    for alone in ([nhs], [hot]):
        assert not any(x.startswith(line) for x in executive_summary(alone, {**CFG, "area": "A"}).limitations)
    lim = executive_summary([nhs], {**CFG, "area": "A"}).limitations
    assert not any(x.startswith("The Section 136 rates by ethnic group") for x in lim)  # no rates shown

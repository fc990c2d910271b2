"""A force or CSP report built with the NHS Mental Health Act statistics shows England's Section 136
figures (the main sheet gives Section 136 uses by NHS provider and nationally, never by police force
area): a Merseyside report said "16,837 Section 136 uses" without saying they were England's
(session 12, a report built for Merseyside from the published files). Now the section says so."""

from __future__ import annotations

import warnings

import pandas as pd

from saferstats.report.sections import _s136_mha

MHA = "s136_mental_health/nhs_mha_annual_2023_24/mha_annual_suppressed_2023_24 (version 1).xlsx"


def _words(shared_data, area):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _s136_mha({"confidence": 0.95, "area": area}, shared_data / MHA)[1]


def test_an_area_report_says_the_figures_are_englands(shared_data):
    # the published sheet: Section 136 uses only nationally and by provider, no police force area
    raw = pd.read_excel(shared_data / MHA, sheet_name=0)
    levels = set(raw.loc[raw["measureSubcategory"].astype(str).eq("Section 136"), "OrganisationBreakdown"].astype(str))
    assert levels == {"All submissions", "NHS Trust", "Independent Health Provider"}
    words = _words(shared_data, "Merseyside")
    assert "16,837 Section 136 uses" in words
    assert "These are figures for England, not Merseyside" in words
    for area in ("", "England"):
        assert "These are figures for England" not in _words(shared_data, area)

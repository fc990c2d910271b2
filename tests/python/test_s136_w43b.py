"""Session 27 (w43b): follow-ups of w42c on the NHS/Section 136 report's wording, England's MHA
rates, the use-of-force funnels' warnings, and what an SPC chart's ``variation`` says.

Every figure is checked against the published files read with pandas (``/work/shared/data``), or
against the method as NHSRplotthedots writes it, never against saferstats' own output."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import shared_path
import saferstats

FLY = "fly_tipping/defra_la_2012-13_to_2021-22/DERIVED_Flytipping_LA_incidents.csv"


# ----------------------------------------------------------------------------- 4: SPC variation is the last point's

def test_variation_is_the_last_points_type_as_nhsrplotthedots(shared_data):
    """Dacorum's fly-tipping (Defra): 2012/13's 832 is below the XmR chart's lower limit, a special
    cause (improvement when fewer is better), yet the series' `variation` is common cause. That is
    NHSRplotthedots' rule (geom_ptd_icon: the point type of the point at the latest x), now said in
    spc's docstring and the methods page. Limits from the raw sheet with numpy: mean ± 2.66 × the
    average moving range (moving ranges of 3.267 × it or more left out)."""
    raw = pd.read_csv(shared_path(shared_data, FLY))
    d = raw[raw["ONS Code"].eq("E07000096")].sort_values("Year")  # Dacorum (2018-19: "Dacorum ")
    v = pd.to_numeric(d["Total Incidents"].astype(str).str.replace(",", ""), errors="raise").to_numpy(float)
    assert d["Year"].tolist()[0] == "2012-13" and v[0] == 832 and v[-1] == 1587 and len(v) == 10
    mr = np.abs(np.diff(v))
    amr = mr[mr < 3.267 * mr.mean()].mean()
    mean, lpl, upl = v.mean(), v.mean() - 2.66 * amr, v.mean() + 2.66 * amr
    assert v[0] < lpl and lpl < v[-1] < upl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # trial limits: 10 points
        out = saferstats.spc(v, periods=d["Year"].tolist(), improvement="decrease")
    assert out["mean"].iloc[0] == pytest.approx(mean) and out["lpl"].iloc[0] == pytest.approx(lpl)
    assert out["upl"].iloc[0] == pytest.approx(upl)
    assert out["point_type"].iloc[0] == "special_cause_improvement"
    assert (out["point_type"].iloc[1:] == "common_cause").all()
    # NHSRplotthedots: the variation icon is the point type at the latest period
    assert (out["variation"] == out["point_type"].iloc[-1]).all()
    assert out.attrs["summary"]["variation"].tolist() == ["common_cause"]
    doc = " ".join((saferstats.spc.__doc__ or "").split())
    assert "``variation`` is of the last point only." in doc
    assert ("has 2012/13's 832 below the lower limit, ``special_cause_improvement`` in ``point_type``, while "
            "``variation`` is ``common_cause``") in doc


# ----------------------------------------------------------------------------- 1: the glossary's rate per 100,000

MHA = "s136_mental_health/nhs_mha_annual_2023_24/mha_annual_suppressed_2023_24 (version 1).xlsx"
CFG = {"confidence": 0.95, "disclosure_threshold": 5}


def _glossary(page: str) -> dict[str, str]:
    import html
    import re

    part = page[page.index("<section id='glossary'"):]
    part = part[:part.index("</section>")]
    return {html.unescape(t): html.unescape(re.sub(r"<[^>]+>", "", d)).strip()
            for t, d in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", part, re.S)}


def test_nhs_only_report_defines_its_rates_per_100000_as_englands_groups(tmp_path, shared_data):
    """A report with only the NHS S136 section (Merseyside) defined "Rate per 100,000" as "The number
    of incidents for every 100,000 residents, so that areas of different size can be compared"; its
    only such rates are NHS England's, per 100,000 of each ethnic group's people in England (the
    published CrudeRate of the Ethnicity rows, read with pandas)."""
    from conftest import build_report

    book = shared_path(shared_data, MHA)
    out = build_report(tmp_path, f'title = "T"\narea = "Merseyside"\n[s136]\nmha_file = "{book}"\n')
    said = _glossary((out / "index.html").read_text(encoding="utf-8"))["Rate per 100,000"]
    assert "residents, so that areas" not in said
    assert said == ("The number of Section 136 uses for every 100,000 people of a group in England (NHS England's "
                    "rates by ethnic group), so that groups of different size can be compared; they are England's "
                    "figures, not rates for an area's residents.")
    raw = pd.read_excel(book, sheet_name=0)
    eth = raw[raw["OrganisationBreakdown"].eq("All submissions") & raw["measureSubcategory"].eq("Section 136")
              & raw["Measure"].eq("Short term orders") & raw["Demographic"].eq("Ethnicity")]
    shown = pd.read_csv(out / "s136_mha_ethnicity.csv")
    assert set(shown["crude_rate"]) <= set(eth["CrudeRate"].dropna())


def test_rate_per_100000_fits_the_sections_present():
    """Resident rates alone keep the glossary's wording; beside the NHS rates the definition says
    both; with neither section the GLOSSARY's own."""
    from saferstats.report.sections import Section, Table
    from saferstats.report.summary import GLOSSARY, executive_summary

    eth = pd.DataFrame({"ethnic_group": ["White", "Mixed"], "standardised_rate": [23.7, 37.7],
                        "standardised_lower": [23.3, 33.9], "standardised_upper": [24.1, 41.5]})
    nhs = Section("s136", "Section 136", "", "",
                  tables=[Table("s136_mha_ethnicity", "Section 136 uses per 100,000 by ethnic group", eth)])
    hate = Section("hate_crime", "Hate crime", "Hate crime per 100,000 residents", "",
                   tables=[Table("hate_crime_rates", "Rates per 100,000", pd.DataFrame({"x": [1]}))])

    def rate(sections: list) -> str:
        return dict(executive_summary(sections, {**CFG, "area": "A"}).glossary)["Rate per 100,000"]

    assert rate([hate]) == dict(GLOSSARY)["Rate per 100,000"]
    both = rate([hate, nhs])
    assert both.startswith("The number of incidents for every 100,000 residents, so that areas of different size")
    assert "NHS England's Section 136 rates by ethnic group are per 100,000 people of each group in England" in both
    assert rate([nhs]).startswith("The number of Section 136 uses for every 100,000 people of a group in England")

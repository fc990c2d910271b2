"""Session 17 (w22a): the Methods appendix lists only the methods of the report's sections; one
wording for the hate-crime headline; the stop-search "Ratio method" in plain words; the summary's
funnel finding with the sections' choice of limits; the Section 136 (NHS statistics) findings; the
glossary's over-dispersion between areas."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from saferstats.report.render import _methods_appendix, render_html
from saferstats.report.sections import Section, Table, _funnel_limits
from saferstats.report.summary import GLOSSARY, _funnel_sentence, executive_summary
from saferstats.report.tables import display_table

ROOT = Path(__file__).resolve().parents[2]
CFG = {"confidence": 0.95, "disclosure_threshold": 5}


def _methods(page: str) -> str:
    part = page[page.index("<section id='methods'"):]
    return html.unescape(re.sub(r"<[^>]+>", " ", part[:part.index("</section>")]))


# ----------------------------------------------------------------------------- 1. methods appendix

def test_methods_appendix_lists_only_the_methods_of_the_reports_sections():
    rates = pd.DataFrame({"la_name": ["A", "B"], "incidents": [40, 60], "population": [9e3, 1e4]})
    page = render_html({**CFG, "title": "T", "area": ""},
                       [Section("flytipping", "Fly-tipping", "", "", tables=[Table("flytipping_rates", "", rates)])])
    text = _methods(page)
    assert "Funnel plots" in text and "Rates: crude rate" in text
    for absent in ("Section 136", "segmented Poisson ITS", "Hotspots:", "Stop and search:", "SPC charts", "Trends:",
                   "searches by area and by ethnic group"):
        assert absent not in text, absent
    assert "counts by area and by period (fly-tipping)" in text
    # every method still listed when no sections are given (the full list, as before)
    assert any(i.startswith("Section 136: segmented") for i in _methods_appendix(CFG))


def test_s136_from_nhs_statistics_lists_their_methods_not_the_its():
    eth = pd.DataFrame({"ethnic_group": ["White"], "standardised_rate": [23.7], "standardised_lower": [23.3],
                        "standardised_upper": [24.1]})
    items = _methods_appendix(CFG, [Section("s136", "S136", "", "", tables=[Table("s136_mha_ethnicity", "", eth)])])
    assert any(i.startswith("Section 136 (NHS England Mental Health Act statistics)") for i in items)
    assert not any("segmented Poisson ITS" in i or "conversions = s2 + s3" in i for i in items)


def test_city_of_london_published_report_has_no_section_136_methods(shared_data, tmp_path):
    from saferstats.__main__ import main

    example = ROOT / "examples" / "city_of_london_published.toml"
    if not example.exists():
        pytest.skip("examples/city_of_london_published.toml not present")
    out = tmp_path / "city"
    assert main(["report", "--config", str(example), "--out", str(out), "--quiet"]) == 0
    text = _methods(out.joinpath("index.html").read_text(encoding="utf-8"))
    assert "Section 136" not in text and "Stop and search: Home Office method" in text
    assert "Hotspots: haversine DBSCAN" in text


# ----------------------------------------------------------------------------- 2. hate-crime headline

def _change(names, before, after):
    return pd.DataFrame({"district": names, "period_from": ["2017/18"] * len(names),
                         "period_to": ["2018/19"] * len(names), "count_from": before, "count_to": after,
                         "pct_change": [100 * (b / a - 1) for a, b in zip(before, after)],
                         "pct_lower": [-50.0] * len(names), "pct_upper": [80.0] * len(names),
                         "p_value": [0.5] * len(names)})


def test_hate_crime_headline_one_wording_summed_or_own_row():
    summed = _change(["Stevenage", "Watford"], [700, 768], [780, 820])  # the demo's districts, added up
    sec = Section("hate_crime", "Hate crime", "", "", tables=[Table("hate_crime_change", "", summed)])
    head = executive_summary([sec], {"area": "Hertfordshire", "confidence": 0.95}).headline[0]
    assert head.startswith("Police-recorded hate crime in Hertfordshire (1,468 to 1,600 offences) between 2017/18 "
                           "and 2018/19 rose 9%")
    own = _change(["Hertfordshire", "Kent"], [1468, 2900], [1600, 3000]).rename(columns={"district": "force"})
    sec = Section("hate_crime", "Hate crime", "", "", tables=[Table("hate_crime_change", "", own)])
    head = executive_summary([sec], {"area": "Hertfordshire", "confidence": 0.95}).headline[0]
    assert head.startswith("Police-recorded hate crime in Hertfordshire (1,468 to 1,600 offences) between 2017/18 "
                           "and 2018/19")


# ----------------------------------------------------------------------------- 3. ratio method words

def test_stop_search_ratio_method_in_plain_words_csv_unchanged():
    frame = pd.DataFrame({"group": ["Asian", "Black", "Mixed", "White"], "ratio": [1.9, 10.7, 0.0, 1.0],
                          "ratio_lower": [1.5, 9.1, 0.0, None], "ratio_upper": [2.4, 12.5, 3.1, None],
                          "ratio_method": ["katz", "katz", "exact (zero count)", "reference"]})
    d = display_table(frame, "Search rates")
    cells = [r[d.columns.index("ratio_method")] for r in d.rows]
    assert cells == ["standard interval", "standard interval", "exact interval (a count is zero)", "comparison group"]
    assert frame["ratio_method"].tolist() == ["katz", "katz", "exact (zero count)", "reference"]  # the CSV's values
    one = display_table(frame.iloc[:2], "Search rates")
    assert one.caption.endswith("Ratio method: standard interval.") and "Katz" not in one.caption
    assert "Ratio method" in dict(GLOSSARY)


# ----------------------------------------------------------------------------- 4. funnel finding's limits

COUNTS = [50, 100, 150, 200, 300, 400, 120, 80, 60, 500]


def _rates(**extra):
    return pd.DataFrame({"district": list("ABCDEFGHIJ"), "count": COUNTS, "population": [100_000.0] * 10, **extra})


def test_funnel_finding_without_significance_uses_the_sections_limits():
    """A rates table with no significance column: limits widened for the over-dispersed areas (as the
    sections do), and said; exact limits called five of ten areas 'above the upper 99.8% limit'."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no over-dispersion warning from exact limits on these points
        text = _funnel_sentence(_rates(), "hate crime", 100_000, "")[0]
    assert "(limits widened for over-dispersion between areas)" in text
    assert "above the upper 99.8% limit" not in text and "10 within the limits" in text


def test_exact_limits_asked_for_on_overdispersed_areas_are_said():
    import saferstats as ss

    c, p = pd.Series(COUNTS, dtype=float), pd.Series([100_000.0] * 10)
    target = ss.funnel_target(c, p, kind="rate", multiplier=100_000)
    od, words = _funnel_limits("exact", c, p, target, 100_000)
    assert od is False and "vary more than chance allows (φ = " in words
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sig = ss.funnel_significance(c, p, kind="rate", target=target, multiplier=100_000, overdispersion=False)
    rates = _rates(significance=sig.astype(str).tolist())
    rates.attrs["funnel_limits"] = words
    text = _funnel_sentence(rates, "hate crime", 100_000, "")[0]
    assert "above the upper 99.8% limit" in text
    assert "(exact limits, as the configuration asks, although the areas vary more than chance allows" in text
    # not over-dispersed: exact limits without the note
    even = pd.Series([100.0, 104, 97, 101, 99, 103, 98, 102, 100, 96])
    _, plain = _funnel_limits("exact", even, p, ss.funnel_target(even, p, kind="rate", multiplier=100_000), 100_000)
    assert plain == "exact Poisson 95% / 99.8% limits"


# ----------------------------------------------------------------------------- 5. Section 136 (NHS) findings

def test_s136_from_nhs_statistics_has_findings_for_england():
    """The Hertfordshire published report's Section 136 section (NHS England's statistics) had tables
    and no key finding: the summary said nothing of it. Figures from the 2023/24 file as published."""
    eth = pd.DataFrame({"ethnic_group": ["White", "Black or Black British", "Asian or Asian British", "Mixed",
                                         "Other Ethnic Groups"],
                        "detentions": [10483, 896, 766, 550, 461], "crude_rate": [22.9, 37.6, 15.3, 32.9, 27.8],
                        "standardised_rate": [23.7, 34.6, 14.0, 37.7, 23.5],
                        "standardised_lower": [23.3, 32.3, 13.0, 33.9, 21.3],
                        "standardised_upper": [24.1, 36.9, 15.0, 41.5, 25.7],
                        "ratio_to_white": [1.0, 1.46, 0.59, 1.59, 0.99]})
    conv = pd.DataFrame({"followed_by": ["Section 2 detention", "Section 3 detention"], "successes": [2485, 240],
                         "trials": [15212, 15212], "value": [16.34, 1.58], "lower": [15.76, 1.39],
                         "upper": [16.93, 1.79], "confidence": [0.95, 0.95], "method": ["wilson", "wilson"]})
    sec = Section("s136", "Section 136", "", "", period="2023/24",
                  tables=[Table("s136_mha_ethnicity", "", eth), Table("s136_mha_conversion", "", conv)])
    f = executive_summary([sec], {"area": "Hertfordshire", "confidence": 0.95}).findings["s136"]
    assert f == [
        "In England in 2023/24 (NHS England's figures; none are published for Hertfordshire), the age-standardised "
        "rate of Section 136 uses was higher for Black or Black British people (34.6, 1.46 times) and Mixed people "
        "(37.7, 1.59 times) and lower for Asian or Asian British people (14.0, 0.59 times) than for White people "
        "(23.7 per 100,000), with published 95% confidence intervals that do not overlap White people's; the rate "
        "for people of other ethnic groups (23.5) was not clearly different (the intervals overlap).",
        "In England in 2023/24, 16.3% of the Section 136 uses recorded by mental health services were followed by a "
        "detention under section 2 (2,485 of 15,212; 95% CI 15.8% to 16.9%) and 1.6% by one under section 3 (240; "
        "95% CI 1.4% to 1.8%)."]


# ----------------------------------------------------------------------------- 6. glossary

def test_glossary_over_dispersion_covers_the_funnels_between_areas():
    g = dict(GLOSSARY)
    assert "between areas in a funnel plot" in g["Over-dispersion"]
    assert "usual differences between areas" in g["Funnel plot"]

"""Session 18 (w23a): the fly-tipping section's heading for a report of one authority; the trend
across a possible recording change; the glossary of the terms the report uses; the Methods
appendix of an S136-only report; funnel_overdispersion's warnings in a report run."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from conftest import build_report
from saferstats.report.render import _methods_appendix
from saferstats.report.sections import Section, Table, _flytipping, _funnel_limits
from saferstats.report.summary import GLOSSARY, executive_summary
from search_tables import black_white_rows, search_section

ROOT = Path(__file__).resolve().parents[2]
CFG = {"confidence": 0.95, "disclosure_threshold": 5}
DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
MHA = "s136_mental_health/nhs_mha_annual_2023_24/mha_annual_suppressed_2023_24 (version 1).xlsx"


def _text(page: str, section: str) -> str:
    part = page[page.index(f"<section id='{section}'"):]
    return html.unescape(re.sub(r"<[^>]+>", " ", part[:part.index("</section>")]))


def _glossary_terms(page: str) -> list[str]:
    part = page[page.index("<section id='glossary'"):]
    return [html.unescape(t) for t in re.findall(r"<dt>(.*?)</dt>", part[:part.index("</section>")])]


def _defra_section(shared_data, area):
    """The fly-tipping section of ``area`` from Defra's workbook as published."""
    if not (shared_data / DEFRA).exists():
        pytest.skip("Defra workbook not in ../shared")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _flytipping({**CFG, "area": area}, {"file": str(shared_data / DEFRA)})


@pytest.fixture(scope="module")
def city_flytipping(shared_data):
    return _defra_section(shared_data, "City of London")


@pytest.fixture(scope="module")
def herts_flytipping(shared_data):
    return _defra_section(shared_data, "Hertfordshire")


# ----------------------------------------------------------------------------- 1. one authority's heading

def test_one_authority_fly_tipping_is_not_said_by_district(city_flytipping):
    """The City of London's report headed its one authority "Fly-tipping: district rates" and said
    "per 1,000 residents by district" with "funnel significance" the City is not given."""
    s = city_flytipping
    assert s.title == "Fly-tipping: the City of London's rate"
    assert s.intro.startswith("Fly-tipping incidents per 1,000 residents in the City of London, 2021/22, with its PHE "
                              "95% CI (it is not compared in the funnel plot, which shows England's other authorities "
                              "against their overall rate); annual % change")
    assert "by district" not in s.intro
    fig = next(f for f in s.figures if f.name == "flytipping_funnel")
    assert fig.caption.startswith("Funnel plot of England's local authorities' fly-tipping rates, 2021/22;")
    rates = next(t for t in s.tables if t.name == "flytipping_rates")
    assert rates.caption == ("Fly-tipping per 1,000 residents, 2021/22 (the City of London; not compared in the funnel "
                             "of all 308 in England: see the funnel position)")


def test_a_county_keeps_its_district_rates(herts_flytipping):
    s = herts_flytipping
    assert s.title == "Fly-tipping: district rates"
    assert s.intro.startswith("Fly-tipping incidents per 1,000 residents by district, 2021/22, with PHE 95% CIs and "
                              "funnel significance against the overall rate;")
    assert next(f for f in s.figures if f.name == "flytipping_funnel").caption.startswith(
        "Funnel plot of England's local authorities' fly-tipping rates, 2021/22 (Hertfordshire's 10 authorities "
        "highlighted);")  # (session 19, w25c: it plots all of England's, not "district" rates)


def test_funnel_alt_text_does_not_highlight_an_area_the_plot_leaves_out():
    """The City's funnel alt text said "with the report's 1 local authority area highlighted" of a plot
    that leaves the City out (its rate per resident is not compared)."""
    from saferstats.report.alt import _fly_funnel

    rates = pd.DataFrame({"la_name": ["City of London"], "period": ["2021/22"], "incidents": [2497],
                          "population": [8588], "rate": [290.8], "significance": ["Not comparable (residents)"]})
    rates.attrs["funnel_against"] = "all 308 authorities in England"
    rates.attrs["funnel_limits"] = "95% / 99.8% limits widened for over-dispersion (φ = 2059.28)"
    s = Section("flytipping", "F", "", "", tables=[Table("flytipping_rates", "", rates)])
    alt = _fly_funnel(s, {"area": "City of London"})
    assert "highlighted" not in alt
    assert alt.startswith("Funnel plot of fly-tipping rates in 2021/22 across England's authorities against their "
                          "overall rate; the City of London is not in it: 1 not compared")


# ----------------------------------------------------------------------------- 2. trend across a step

CITY = {"2012/13": 449, "2013/14": 530, "2014/15": 369, "2015/16": 627, "2016/17": 1731, "2017/18": 1826,
        "2018/19": 1501, "2019/20": 1804, "2020/21": 2112, "2021/22": 2497}  # Defra LA_incidents, as published


def _quasi_poisson_apc(counts: list[int]) -> tuple[float, float, float]:
    """The annual % change and its 95% CI by statsmodels: Poisson GLM on the year, Pearson scale, t."""
    import numpy as np
    import statsmodels.api as sm
    from scipy import stats

    x = sm.add_constant(np.arange(len(counts), dtype=float))
    fit = sm.GLM(np.asarray(counts, dtype=float), x, family=sm.families.Poisson()).fit(scale="X2")
    b, se = fit.params[1], fit.bse[1]
    q = stats.t.ppf(0.975, len(counts) - 2)
    return tuple(100 * (np.exp(v) - 1) for v in (b, b - q * se, b + q * se))


def test_city_trend_is_given_since_its_step_and_compared_with_england_over_those_years(city_flytipping):
    """The City of London's +21% a year (2012/13 to 2021/22), "statistically significantly higher than
    England", ran across its 627 to 1,731 of 2016/17, which the section calls a possible change in
    recording. The trend since the step: +7.8% a year (95% CI -0.8% to +17%), in line with England."""
    s = city_flytipping
    tables = {t.name: t.frame for t in s.tables}
    since = tables["flytipping_trend_since_step"].iloc[0]
    assert (since["la_name"], since["period_from"], since["period_to"], since["n_periods"]) == (
        "City of London", "2016/17", "2021/22", 6)
    apc, lo, hi = _quasi_poisson_apc([CITY[y] for y in sorted(CITY) if y >= "2016/17"])
    assert since["apc"] == pytest.approx(apc, abs=0.006) and apc == pytest.approx(7.77, abs=0.01)
    assert since["apc_lower"] == pytest.approx(lo, abs=0.006) and since["apc_upper"] == pytest.approx(hi, abs=0.006)
    # the whole series is still in its table, as before (+20.7% a year), with the step in its caption
    whole = tables["flytipping_trend"].iloc[0]
    assert whole["apc"] == pytest.approx(_quasi_poisson_apc(list(CITY.values()))[0], abs=0.006)
    trend_caption = next(t.caption for t in s.tables if t.name == "flytipping_trend")
    assert trend_caption.endswith("; the City of London across a step in the count (possibly a change in recording): "
                                  "see the annual % change since the step")
    eng = tables["flytipping_trend_england"].iloc[0]
    assert (eng["period_from"], eng["period_to"], eng["n_periods"]) == ("2016/17", "2021/22", 6)
    assert eng["apc"] == pytest.approx(since["apc"], abs=0.006) and eng["against_england"] == "in line with England"
    assert "up relative to England: City of London" not in s.intro
    assert ("the annual % change since the step is given beside it, and the comparison with England uses the same "
            "years: City of London (2016/17 to 2021/22).") in s.intro


def test_city_findings_do_not_state_the_trend_across_the_step(city_flytipping):
    summ = executive_summary([city_flytipping], {**CFG, "area": "City of London"})
    found = summ.findings["flytipping"]
    text = " ".join(found)
    assert "statistically significant upward trend" not in text and "higher in the City of London" not in text
    assert found[1] == ("Fly-tipping in the City of London went from 627 to 1,731 incidents in one year (2015/16 to 2016/17), "
                        "possibly a change in recording, so its trend over the whole series (+21% a year, 2012/13 to "
                        "2021/22) is not like for like. Since the step, fly-tipping in the City of London, 2016/17 to "
                        "2021/22: no statistically significant trend (+7.8% a year, 95% CI -0.78% to +17%).")
    # (session 22, w32b: said as a Panel reads it, with both trends)
    assert found[2].startswith("The City of London's fly-tipping trend since the step in its count (+7.8% a year since "
                               "2016/17) was not statistically significantly different from that of England's other "
                               "councils counted like for like over the same years (")
    # the executive summary's fly-tipping line is the rate, not a trend
    assert not any("a year" in h for h in summ.headline if "fly-tipping" in h.lower())


def test_a_county_names_its_stepped_council_apart(herts_flytipping):
    """Hertfordshire: Watford's 612 to 1,815 (2014/15 to 2015/16) is not one of the whole series' trends."""
    found = executive_summary([herts_flytipping], {**CFG, "area": "Hertfordshire"}).findings["flytipping"]
    series = next(f for f in found if f.startswith("Fly-tipping over the whole series"))
    assert ("no statistically significant trend in the other 4 authorities; Watford: a step in the count, possibly a "
            "change in recording, so the trend across it is not like for like (see below)") in series
    assert any(f.startswith("Fly-tipping in Watford went from 612 to 1,815 incidents in one year (2014/15 to 2015/16), possibly a "
                            "change in recording") and "Since the step, fly-tipping in Watford, 2015/16 to 2021/22:" in f
               for f in found)


def test_too_few_years_since_a_step_is_said_and_not_compared():
    import numpy as np

    from saferstats.report.sections import _since_steps

    d = pd.DataFrame({"la": ["A"] * 5 + ["B"] * 5, "year": ["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"] * 2,
                      "n": [100, 110, 105, 250, 260, 50, 55, 60, 58, 61], "population": [1e4] * 10})
    tr = pd.DataFrame({"la": ["A", "B"], "method": ["poisson", "poisson"]})
    table, text, rows, fits = _since_steps(d, tr, {"A": "2019/20 to 2020/21: 105 to 250"}, "la", "year", "n", 0.95)
    assert table is None and list(fits["la"]) == ["B"] and set(rows["la"]) == {"B"}
    assert text == " Too few years since the step (fewer than 3) for a trend of its own, so not compared with England: A."
    assert np.isfinite(rows["n"]).all()


# ----------------------------------------------------------------------------- 3. glossary

def test_glossary_keeps_only_the_terms_used_in_its_order():
    eth = pd.DataFrame({"ethnic_group": ["White", "Mixed"], "standardised_rate": [23.7, 37.7],
                        "standardised_lower": [23.3, 33.9], "standardised_upper": [24.1, 41.5],
                        "ratio_to_white": [1.0, 1.59]})
    s = Section("s136", "Section 136: detentions in the NHS statistics", "NHS England Mental Health Act statistics",
                "", tables=[Table("s136_mha_ethnicity", "Section 136 uses per 100,000 by ethnic group", eth)])
    summ = executive_summary([s], {**CFG, "area": "Merseyside"})
    terms = [t for t, _ in summ.glossary]
    assert terms == ["Confidence interval (CI)", "Statistically significant", "Rate per 100,000",
                     "Rate ratio / risk ratio", "[c]"]
    # the same words give the same glossary, in GLOSSARY's order
    assert executive_summary([s], {**CFG, "area": "Merseyside"}).glossary == summ.glossary
    order = [t for t, _ in GLOSSARY]
    assert sorted(terms, key=order.index) == terms


@pytest.fixture(scope="module")
def merseyside_s136_page(tmp_path_factory, shared_data):
    """The page of an S136-only report of Merseyside from the NHS statistics (built once for the tests
    of its glossary and its Methods appendix)."""
    if not (shared_data / MHA).exists():
        pytest.skip("NHS MHA workbook not in ../shared")
    out = build_report(tmp_path_factory.mktemp("s136"), f'title = "T"\narea = "Merseyside"\n[s136]\n'
                                                        f'mha_file = "{shared_data / MHA}"\n')
    return (out / "index.html").read_text(encoding="utf-8")


def test_s136_only_report_defines_no_hotspot_or_funnel_terms(merseyside_s136_page):
    terms = _glossary_terms(merseyside_s136_page)
    for absent in ("Cluster", "Hot spot / cold spot", "Density map", "Funnel plot", "Interrupted time series",
                   "SPC chart", "Disproportionality", "Find rate", "Annual % change", "Over-dispersion", "Ratio method"):
        assert absent not in terms, absent
    assert "Confidence interval (CI)" in terms and "Rate per 100,000" in terms


def test_published_reports_glossaries(tmp_path, shared_data):
    """Hertfordshire (every section; Section 136 from the NHS statistics, so no ITS) keeps every
    other term; the City of London (no Section 136) has no interrupted time series either. Both use
    rates per 1,000 (stop and search, fly-tipping), now defined."""
    from saferstats.__main__ import main

    terms = {}
    for name in ("hertfordshire_published", "city_of_london_published"):
        example = ROOT / "examples" / f"{name}.toml"
        out = tmp_path / name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert main(["report", "--config", str(example), "--out", str(out), "--quiet"]) == 0
        terms[name] = _glossary_terms((out / "index.html").read_text(encoding="utf-8"))
        # every file written is one the output folder's check knew of before the run (OUTPUT_NAMES lacked
        # flytipping_trend_england.csv, so a user's file of that name was found only after the analyses)
        from saferstats.report import OUTPUT_NAMES

        known = {"index.html", ".saferstats-report.json", *(n for v in OUTPUT_NAMES.values() for n in v)}
        assert {f.name for f in out.iterdir()} <= known, {f.name for f in out.iterdir()} - known
    every = [t for t, _ in GLOSSARY]
    assert terms["hertfordshire_published"] == [t for t in every if t != "Interrupted time series"]
    assert terms["city_of_london_published"] == [t for t in every if t != "Interrupted time series"]


def test_demo_keeps_the_interrupted_time_series():
    """The demo's Section 136 is of detention records: its ITS is in the report, so in the glossary."""
    import saferstats.report as rep
    from saferstats.report.sections import _BUILDERS

    cfg = rep.demo_config()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _BUILDERS["s136"](cfg, cfg["s136"])
    terms = [t for t, _ in executive_summary([s], cfg).glossary]
    assert "Interrupted time series" in terms and "SPC chart" in terms
    assert "Cluster" not in terms and "Funnel plot" not in terms


def test_glossary_for_reads_table_cells_and_headers():
    from saferstats.report.summary import glossary_for

    d = pd.DataFrame({"group": ["Black", "White"], "ratio": [3.2, 1.0], "ratio_method": ["katz", "exact (zero count)"]})
    terms = [t for t, _ in glossary_for([], [Section("stop_search", "Stop and search", "", "",
                                                     tables=[Table("t", "Searches", d)])])]
    assert terms == ["Rate ratio / risk ratio", "Ratio method"]


# ----------------------------------------------------------------------------- 4. methods appendix

def test_s136_from_nhs_statistics_lists_no_rates_or_rate_ratio_methods(merseyside_s136_page):
    """An S136-only report from the NHS statistics listed "Rates: crude rate ... Byar's" and "Rate ratios
    and % change: Wald ..." (it computes neither: the rates are NHS England's, the shares Wilson's)."""
    text = _text(merseyside_s136_page, "methods")
    assert "Rates: crude rate" not in text and "Rate ratios and % change" not in text
    assert "Proportions: Wilson score intervals." in text and "Newcombe" not in text and "Katz" not in text
    assert "Section 136 (NHS England Mental Health Act statistics)" in text


def test_methods_of_records_and_stop_search_sections():
    s136 = Section("s136", "S136", "", "", tables=[Table("s136_before_after", "", pd.DataFrame({"rr": [1.0]}))])
    items = _methods_appendix(CFG, [s136])
    assert not any(i.startswith(("Rates:", "Rate ratios")) for i in items)
    assert any(i.startswith("Proportions: Wilson score intervals; differences: Newcombe") for i in items)
    items = _methods_appendix(CFG, [Section("stop_search", "Stop and search", "", "")])
    assert any(i.startswith("Rates: crude rate") for i in items)  # the search rates: PHE exact / Byar's
    assert any(i.startswith("Rate ratios and % change") for i in items)


# ----------------------------------------------------------------------------- 5. funnel warnings

COUNTS = [0, 400, 90, 300, 30, 900, 10, 700, 100, 250]
POPS = [1e5, 2e5, 3e5, 1.5e5, 2.5e5, 4e5, 1.2e5, 3.3e5, 2.2e5, 1.1e5]
TARGET = 100_000 * sum(COUNTS) / sum(POPS)  # the overall rate, as funnel_target gives it


def test_exact_funnel_limits_do_not_warn_of_widened_limits(recwarn):
    """funnel = "exact": φ is estimated only to say the areas are over-dispersed; its warning about a
    count of 0 (φ, τ² "and the widened limits" differ from FunnelPlotR's) reached the console."""
    od, words = _funnel_limits("exact", COUNTS, POPS, TARGET, 1e5)
    assert od is False and "φ = 633.64" in words
    assert not [w for w in recwarn if "funnel_overdispersion" in str(w.message)]


def test_widened_funnel_limits_say_the_zero_count_and_do_not_warn(recwarn):
    od, words = _funnel_limits("auto", COUNTS, POPS, TARGET, 1e5)
    assert od is not False and float(od["phi"]) == pytest.approx(633.64, abs=0.005)
    assert words == ("95% / 99.8% limits widened for over-dispersion (φ = 633.64, τ² = 2.59; Spiegelhalter 2005; "
                     "1 area with a count of 0 is taken as 0.5 on the log scale in estimating them)")
    assert not [w for w in recwarn if "funnel_overdispersion" in str(w.message)]


def test_other_funnel_overdispersion_warnings_still_reach_the_user():
    with pytest.warns(UserWarning, match="funnel_overdispersion"):
        _funnel_limits("exact", [10, 400, float("nan"), 300, 30, 900], [1e5, 2e5, 3e5, 1.5e5, 2.5e5, 4e5], 170.0, 1e5)


@pytest.mark.parametrize("mode", ["exact", "auto"])
def test_report_run_prints_no_funnel_warning_it_handles(tmp_path, capsys, mode):
    from saferstats.__main__ import main

    names = [f"D{i}" for i in range(10)]
    rows = [(n, "2017/18", c + 10, p) for n, c, p in zip(names, COUNTS, POPS)]
    rows += [(n, "2018/19", c, p) for n, c, p in zip(names, COUNTS, POPS)]
    pd.DataFrame(rows, columns=["district", "year", "count", "population"]).to_csv(tmp_path / "hc.csv", index=False)
    (tmp_path / "a.toml").write_text(f'title = "T"\narea = "Hertfordshire"\n[hate_crime]\nfile = "hc.csv"\n'
                                     f'area = "district"\nperiod = "year"\nfunnel = "{mode}"\n')
    assert main(["report", "--config", str(tmp_path / "a.toml"), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert "funnel_overdispersion" not in err and "count of 0" not in err
    text = _text((tmp_path / "o" / "index.html").read_text(encoding="utf-8"), "hate_crime")
    if mode == "exact":
        assert "exact Poisson 95% / 99.8% limits (as configured), although the areas vary more than chance" in text
    else:
        assert "1 area with a count of 0 is taken as 0.5 on the log scale in estimating them" in text


# ----------------------------------------------------------------------------- Panel read: stop and search

def test_search_ratio_finding_says_half_the_searches_have_no_ethnicity():
    """The City of London, 2023: ethnicity not stated for 1,271 of 2,384 searches (53%). The section
    said so; the finding and the executive summary gave "9.54 times" without it."""
    d = black_white_rows({"London, City of": 9.54, "Derbyshire": 3.4}, searches=(225, 603))
    d.attrs["not_stated_by"] = {"city-of-london": (1271, 2384), "derbyshire": (100, 1000)}
    s = search_section(d)
    found = executive_summary([s], {**CFG, "area": "City of London"}).findings["stop_search"]
    assert found[0].endswith("(ethnicity not stated for 53% of the searches there (1,271 of 2,384), which the ratio "
                             "leaves out, assuming they are spread across the groups like the rest).")
    assert "not stated" not in found[1]  # Derbyshire: 10%, under the section's fifth


def test_a_county_excerpt_says_no_comparison_with_england_it_does_not_make():
    """The demo's fly-tipping table is Hertfordshire's ten councils (no England comparison): the trend
    since Watford's step was said to be compared "with England" over the same years."""
    import saferstats.report as rep
    from saferstats.report.sections import _BUILDERS, _since_steps

    cfg = rep.demo_config()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _BUILDERS["flytipping"](cfg, cfg["flytipping"])
    names = [t.name for t in s.tables]
    assert "flytipping_trend_since_step" in names and "flytipping_trend_england" not in names
    assert "England" not in s.intro[s.intro.index("A trend across such a step"):]
    d = pd.DataFrame({"la": ["A"] * 4, "year": ["2018/19", "2019/20", "2020/21", "2021/22"], "n": [100, 105, 250, 260],
                      "population": [1e4] * 4})
    text = _since_steps(d, pd.DataFrame({"la": ["A"], "method": ["poisson"]}), {"A": "2019/20 to 2020/21: 105 to 250"},
                        "la", "year", "n", 0.95, england=False)[1]
    assert text == " Too few years since the step (fewer than 3) for a trend of its own: A."


# ----------------------------------------------------------------------------- Panel read: limitations

def test_limitations_fit_the_sources_of_the_sections():
    """A Section 136 report from NHS England's statistics alone said "Police-recorded crime and incidents
    reflect what is reported to and recorded by the police"."""
    eth = pd.DataFrame({"ethnic_group": ["White"], "standardised_rate": [23.7]})
    nhs = Section("s136", "S136", "", "", tables=[Table("s136_mha_ethnicity", "", eth)])
    lim = executive_summary([nhs], {**CFG, "area": "Merseyside"}).limitations
    assert not any(x.startswith("Police-recorded") for x in lim)
    assert lim[0].startswith("NHS England's Mental Health Act statistics are what NHS providers record and submit")
    hate = Section("hate_crime", "Hate crime", "", "")
    fly = Section("flytipping", "Fly-tipping", "", "")
    lim = executive_summary([hate, fly], {**CFG, "area": "Hertfordshire"}).limitations
    assert lim[0].startswith("Police-recorded crime and incidents reflect") and lim[1].startswith(
        "Fly-tipping figures are what councils record")
    assert not any(x.startswith("NHS England") for x in lim)


# ----------------------------------------------------------------------------- Panel read: peers

HATE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"
MSF = ["Avon and Somerset", "Hampshire", "Leicestershire", "Staffordshire", "Sussex", "Surrey", "Thames Valley"]


def test_peer_finding_is_not_called_significant_when_the_peers_vary_far_more_than_chance(shared_data, recwarn):
    """Hertfordshire against its 7 Most Similar Forces, 2018/19: ratio 0.91 (95% CI 0.86 to 0.96) was
    "statistically significantly lower", while peer_compare warned on the console that the peers' rates
    vary far more than chance allows (dispersion 17.5), so the Poisson interval calls ordinary
    differences significant. The section and the finding now say so; the console does not repeat it."""
    import csv

    from saferstats.report.sections import _hate_crime
    from saferstats.report.summary import _hate_crime as findings

    if not (shared_data / HATE).exists():
        pytest.skip("Home Office table not in ../shared")
    with open(shared_data / HATE, newline="", encoding="utf-8-sig") as fh:
        rows = {r["Force"]: r for r in csv.DictReader(fh) if r["Year"] == "2018-19" and r["Population"] != "#N/A"}
    o = [float(rows[k]["Total number of offences"]) for k in MSF]
    n = [float(rows[k]["Population"].replace(",", "")) for k in MSF]
    e = [x * sum(o) / sum(n) for x in n]
    phi = sum((a - b) ** 2 / b for a, b in zip(o, e)) / (len(MSF) - 1)
    assert phi == pytest.approx(17.5, abs=0.05)
    cfg = {**CFG, "area": "Hertfordshire"}
    s = _hate_crime(cfg, {"file": str(shared_data / HATE), "peers": MSF})
    assert f"The peers' rates vary far more than chance allows (dispersion {phi:,.1f} among them; about 1 by chance)" \
        in s.intro
    found = next(f for f in findings(s, cfg) if "peer forces" in f)
    assert "statistically significantly" not in found
    assert (f"an interval that allows for chance only, while the peers' own rates vary far more than chance allows "
            f"(dispersion {phi:,.1f}; about 1 by chance), so this does not show a difference beyond the usual one "
            "between these forces); it ranks 8 of 8") in found
    assert not [w for w in recwarn if str(w.message).startswith("peer_compare: the peers' rates vary")]


def test_hate_crime_one_population_warning_is_not_repeated_when_the_text_says_it(shared_data, recwarn):
    """The Home Office table gives each force one population for both years; the section says so, and
    add_rates and year_on_year warned of it on the console as well (twice, in every report run)."""
    from saferstats.report.sections import _hate_crime

    if not (shared_data / HATE).exists():
        pytest.skip("Home Office table not in ../shared")
    s = _hate_crime({**CFG, "area": "Hertfordshire"}, {"file": str(shared_data / HATE)})
    assert ("the table gives each force one population for every year, so a change in a rate is the change in the "
            "count.") in s.intro
    assert not [w for w in recwarn if "the population is the same figure in every year" in str(w.message)]

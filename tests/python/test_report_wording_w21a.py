"""The report as a Panel member reads it (walk 21).

* Areas are said as running text says them, with the article where the name takes one: "In City of
  London, Black people were searched ..." now reads "In the City of London, ..." (one helper,
  ``report.tables.place``, for every sentence); tables keep the bare name.
* The hate-crime headline of a report on a force's own row (Hertfordshire's published Home Office
  table) gave the change with no number of offences ("rose 9%"), where the demo's summed headline
  gave "1,468 to 1,600"; both now give the offences and the rate per 100,000.
* The find-rate finding said "differed significantly from White for Asian in Essex (higher)", and
  the find table showed a proportion (0.290) under the header "Rate", beside search rates per 1,000:
  now people, with both find rates as percentages, under "Find rate (%)".
* Method words on the page ("Trial limits", "eps 150 m", "Dispersion (χ²/df)") are said in plain words.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from saferstats.report.sections import Section, Table, find_page
from saferstats.report.summary import executive_summary
from saferstats.report.tables import capitalise, display_table, header, place
from search_tables import black_white_rows, search_section

ROOT = Path(__file__).resolve().parents[2]


# ----------------------------------------------------------------------------------- names

def test_place_says_the_article_where_the_name_takes_one():
    assert place("London, City of") == "the City of London"  # the Home Office's and ONS's spelling
    assert place("City of London") == "the City of London"
    assert place("Isle of Wight") == "the Isle of Wight"
    assert place("Isles of Scilly") == "the Isles of Scilly"
    assert place("Vale of White Horse") == "the Vale of White Horse"
    assert place("Metropolitan Police") == "the Metropolitan Police area"
    # no article: a name that only looks plural, an inverted ONS name said the right way round
    assert place("Three Rivers") == "Three Rivers"
    assert place("Kingston upon Hull, City of") == "Kingston upon Hull"
    assert place("Hertfordshire") == "Hertfordshire"
    assert place(place("London, City of")) == "the City of London"  # said once
    assert capitalise(place("London, City of") + "'s rate") == "The City of London's rate"


def _search_section():
    return search_section(black_white_rows({"London, City of": 10.7, "Derbyshire": 3.4}, searches=(300, 900)))


def test_findings_say_in_the_city_of_london():
    s = executive_summary([_search_section()], {"area": "City of London", "confidence": 0.95})
    first = s.findings["stop_search"][0]
    assert first.startswith("In the City of London, Black people were searched at 10.7 times the rate of White people")
    assert s.headline[0] == first
    # a sentence that begins with the name is capitalised: the peer finding
    peers = pd.DataFrame({"force": ["London, City of"], "period": ["2018/19"], "rate": [150.0], "n_peers": [2],
                          "group_rate": [140.0], "ratio_to_group": [1.07], "ratio_to_group_lower": [0.9],
                          "ratio_to_group_upper": [1.2], "rank": [1], "of": [3], "compared_with_group": ["similar"]})
    sec = Section("hate_crime", "Hate crime", "", "", tables=[Table("hate_crime_peers", "", peers)])
    text = executive_summary([sec], {"area": "City of London", "confidence": 0.95}).findings["hate_crime"][0]
    assert text.startswith("The City of London's hate crime rate in 2018/19 (150.0 per 100,000)")


def test_tables_keep_the_bare_name():
    d = display_table(pd.DataFrame({"force": ["London, City of"], "searches": [100]}), "Searches")
    assert d.rows == [["City of London", "100"]]


# ------------------------------------------------------------------- hate-crime headline

def _force_tables():
    change = pd.DataFrame({"force": ["Hertfordshire", "Kent"], "force_code": ["E23000027", "E23000032"],
                           "period_from": ["2017/18"] * 2, "period_to": ["2018/19"] * 2, "count_from": [1468, 2900],
                           "count_to": [1600, 3000], "pct_change": [8.99, 3.45], "pct_lower": [1.54, -1.6],
                           "pct_upper": [16.99, 8.8], "p_value": [0.017, 0.2]})
    rates = pd.DataFrame({"force": ["Hertfordshire", "Kent"], "period": ["2018/19"] * 2, "offences": [1600, 3000],
                          "population": [1_184_400, 1_846_500], "rate": [135.1, 162.5]})
    return change, rates


def test_own_row_headline_gives_offences_and_rate():
    change, rates = _force_tables()
    sec = Section("hate_crime", "Hate crime", "", "",
                  tables=[Table("hate_crime_change", "", change), Table("hate_crime_rates", "", rates)])
    head = executive_summary([sec], {"area": "Hertfordshire", "confidence": 0.95}).headline[0]
    # (session 19, w25c: and that the interval is Poisson only, with the over-dispersion that would undo it)
    assert head == ("Police-recorded hate crime in Hertfordshire (1,468 to 1,600 offences) between 2017/18 and 2018/19 "
                    "rose 9% (95% CI +1.5% to +17%), a statistically significant rise; 135.1 offences per 100,000 "
                    "residents in 2018/19. Its interval allows for chance only (Poisson); police-recorded counts often "
                    "vary more than that from year to year, and with 1.5 times chance's variation (over-dispersion "
                    "1.5) the rise would not be statistically significant.")


def test_published_hertfordshire_headline_has_its_counts(shared_data):
    import warnings

    from saferstats.report.sections import _hate_crime

    table = shared_data / "hate_crime" / "home_office_by_force_2017-18_2018-19" / "Hate crime.csv"
    raw = pd.read_csv(table, dtype=str)
    herts = raw[raw["Force"] == "Hertfordshire"].set_index("Year")
    a, b = (int(herts.loc[y, "Total number of offences"].replace(",", "")) for y in ("2017-18", "2018-19"))
    pop = int(herts.loc["2018-19", "Population"].replace(",", ""))
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _hate_crime(cfg, {"file": str(table)})
    head = executive_summary([s], cfg).headline[0]
    assert head.startswith(f"Police-recorded hate crime in Hertfordshire ({a:,} to {b:,} offences) between 2017/18 "
                           "and 2018/19 rose 9%")
    # (session 19, w25c: the sentence on its Poisson-only interval follows the rate)
    assert f"; {100_000 * b / pop:,.1f} offences per 100,000 residents in 2018/19. Its interval allows for chance " \
        "only (Poisson)" in head


# ------------------------------------------------------------------------------ find rates

def _finds():
    return pd.DataFrame({"force": ["Essex", "Essex", "Kent", "Kent"], "group": ["Asian", "White", "Asian", "White"],
                         "n": [200, 2000, 50, 900], "hits": [60, 480, 9, 200],
                         "rate": [0.3, 0.24, 0.18, 0.222], "rate_lower": [0.24, 0.222, 0.098, 0.196],
                         "rate_upper": [0.367, 0.259, 0.308, 0.25], "diff": [0.06, 0.0, -0.042, 0.0],
                         "diff_lower": [0.001, None, -0.13, None], "diff_upper": [0.127, None, 0.08, None]})


def test_find_rate_finding_names_people_and_gives_both_rates():
    sec = Section("stop_search", "Stop and search", "", "", tables=[Table("stop_search_find_rates", "", _finds())])
    text = executive_summary([sec], {"confidence": 0.95}).findings["stop_search"]
    assert text == ["Find rates (the share of searches that found what was searched for) differed statistically "
                    "significantly from White people's for Asian people in Essex (30% against 24%, higher)."]


def test_find_table_shows_percentages_under_a_find_rate_header():
    d = display_table(find_page(_finds()), "Find rate")
    assert d.headers[:5] == ["Police force area", "Ethnic group", "Searches", "Finds", "Find rate (%)"]
    assert "Rate" not in d.headers
    assert "Difference from White (percentage points)" in d.headers
    assert header("find_percent_lower") == "Find rate (%): lower 95% limit"
    row = dict(zip(d.headers, d.rows[0]))
    assert (row["Find rate (%)"], row["Find rate (%): lower 95% limit"], row["Difference from White (percentage points)"]) \
        == ("30.0", "24.0", "6.0")
    # the CSV keeps the proportions
    assert list(_finds()["rate"]) == [0.3, 0.24, 0.18, 0.222]


# ----------------------------------------------------------------- the demo page, read

@pytest.fixture(scope="module")
def demo_text(tmp_path_factory):
    from saferstats.__main__ import main

    out = tmp_path_factory.mktemp("w21a") / "report"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["report", "--demo", "--out", str(out), "--quiet"]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    body = page[page.index("<body"):]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))), out


def test_demo_page_says_the_method_words_in_plain_words(demo_text):
    text, out = demo_text
    for jargon in ("Trial limits", "eps 150", "(eps", "Dispersion (χ²/df)", "In City of London", "for Asian in",
                   "density and Gi*"):
        assert jargon not in text, jargon
    for plain in ("Provisional limits (fewer than 12 months)", "within a search radius of 150 m",
                  "Over-dispersion (χ²/df; 1 = none)", "In the City of London, of the other groups, Asian people",
                  "Find rate (%)",
                  "Hotspots: clusters, density and hot spots", "smoothing radius"):
        assert plain in text, plain
    # the CSVs keep their column names
    assert pd.read_csv(out / "hate_crime_spc.csv").columns.tolist()[-1] == "trial limits"
    assert "rate" in pd.read_csv(out / "stop_search_find_rates.csv").columns


def test_methods_page_describes_the_naming_and_funnel_rules():
    doc = (ROOT / "docs" / "methods" / "report_document.md").read_text(encoding="utf-8")
    assert "## How areas are named on the page" in doc
    for words in ('"in the City of London"', "Kingston upon Hull", "Above the 95% limit", '"High (0.025)"',
                  "Provisional limits (fewer than 12 months)"):
        assert words in doc, words


def test_a_lone_area_set_apart_gets_its_own_figures():
    """The City of London's own report led its fly-tipping with "compared with the overall rate of all 308
    authorities in England, for the 1 local authority area shown (funnel plot): 1 not compared, its rate per
    resident not like for like (few residents, many visitors: City of London)"."""
    from saferstats.report.summary import _funnel_sentence

    rates = pd.DataFrame({"la_name": ["City of London"], "period": ["2021/22"], "incidents": [2497],
                          "population": [8588], "rate": [290.75], "significance": ["Not comparable (residents)"]})
    rates.attrs["funnel_against"] = "all 308 authorities in England"
    assert _funnel_sentence(rates, "fly-tipping", 1000, "City of London") == [
        "the City of London's fly-tipping rate in 2021/22 was 290.8 per 1,000 residents (2,497 incidents); it is not "
        "compared with the overall rate of all 308 authorities in England: with few residents and many visitors, a "
        "rate per resident is not like for like."]


def test_figure_text_says_people_places_and_what_gi_means():
    from saferstats.report.alt import _forest, _gi, _kde

    d = pd.DataFrame({"force": ["London, City of", "London, City of"], "group": ["Black", "White"],
                      "ratio": [10.7, 1.0], "ratio_lower": [9.1, None], "ratio_upper": [12.5, None]})
    sec = search_section(d)
    assert _forest(sec, {}).endswith(
        "The highest is for Black people in the City of London, at 10.7 times White people's rate.")
    # Gi* is the square with its neighbours against chance, not "more incidents than their neighbours"
    assert "more incidents than their neighbours" not in _gi(sec, {})
    assert "the square and its neighbours together have more incidents than chance would give" in _gi(sec, {})
    # the density map's text states what the table says, not an unchecked "densest areas coincide with clusters"
    c = pd.DataFrame({"n": [40, 12], "centroid_lat": [51.6562, 51.9], "centroid_lon": [-0.3974, -0.2]})
    kde = _kde(Section("hotspots", "Hotspots", "", "", tables=[Table("hotspot_clusters", "", c)]), {})
    assert "coincide" not in kde and kde.endswith("The largest cluster of incidents is around 51.656, -0.397.")


def test_cluster_table_headers_say_what_they_measure():
    assert [header(c) for c in ("area_m2", "radius_m", "density_per_km2", "first_time")] == [
        "Area of outline (m²)", "Centre to farthest point (m)", "Incidents per km²", "First incident"]


def test_a_step_in_the_count_is_said_as_the_change_it_was():
    """The City of London's trend finding said "its count doubled or halved in one year, 2015/16 to 2016/17: 627
    to 1,731" (it rose almost threefold)."""
    tr = pd.DataFrame({"la_name": ["City of London"], "apc": [21.0], "apc_lower": [11.0], "apc_upper": [31.0]})
    tr.attrs["steps"] = {"City of London": "2015/16 to 2016/17: 627 to 1,731"}
    tr.attrs["spans"] = {"City of London": "2012/13 to 2021/22"}
    sec = Section("flytipping", "Fly-tipping", "", "", tables=[Table("flytipping_trend", "", tr)])
    text = executive_summary([sec], {"area": "City of London", "confidence": 0.95}).findings["flytipping"]
    # (session 18, w23a: the trend across the step is no longer stated as a finding, "a statistically significant
    # upward trend"; the step is still said as the rise it was)
    assert text == ["Fly-tipping in the City of London went from 627 to 1,731 incidents in one year (2015/16 to 2016/17), possibly "
                    "a change in recording, so its trend over the whole series (+21% a year, 2012/13 to 2021/22) is not "
                    "like for like, and there are too few years since the step (fewer than 3) for a trend of its own."]


def test_an_area_with_no_rate_is_said_not_to_be_in_the_funnel():
    """The City of London's report listed the funnel's 42 forces without saying the City is not one of them."""
    change, rates = _force_tables()
    change.loc[1, "force"] = "London, City of"
    rates = rates.iloc[:1].assign(significance=["Not significant"])
    sec = Section("hate_crime", "Hate crime", "", "",
                  tables=[Table("hate_crime_change", "", change), Table("hate_crime_rates", "", rates)])
    text = executive_summary([sec], {"area": "City of London", "confidence": 0.95}).findings["hate_crime"]
    assert text[0].startswith("Police-recorded hate crime in the City of London (2,900 to 3,000 offences)")
    assert text[0].endswith("; no rate per resident: the table gives no population for the City of London.")
    assert text[-1].endswith("; the City of London is not in it (no population, so no rate).")


def test_demo_search_and_find_tables_are_headed_for_what_they_hold(demo_text):
    text, out = demo_text
    # (the demo's three months annualised: "a year" in the head, session 29 w50b)
    assert "Search rate (per 1,000 a year)" in text and "Search rate (per 1,000 a year): lower 95% limit" in text
    assert "Find rate (%): lower 95% limit" in text
    assert header("search_rate_upper") == "Search rate (per 1,000): upper 95% limit"


def test_demo_funnel_caption_says_centre_line_not_target(demo_text):
    text, _ = demo_text
    assert "target = overall rate" not in text
    assert "Funnel plot, 2018-19; centre line: the overall rate, 143.4 per 100,000;" in text

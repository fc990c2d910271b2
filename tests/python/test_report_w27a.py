"""Session 20 (w27a): the strategic-assessment report walked as a new analyst on the published files.

1. The CSVs beside the report named the City of London as the ONS does ("London, City of") while the
   page (its tables and its text) said "City of London": a figure looked up in the CSV under the
   page's name was not found. The CSVs now name areas as the page does.
2. A ``[hotspots]`` section none of whose points lie inside ``study_area`` stopped the whole report
   with an error; it now says so in the section (how many were read, whose, where they are), lists it
   among the data limitations, and the rest of the report builds.
3. The find-rate finding's Benjamini-Hochberg sentence, by force and CSP, adjusted over every force's
   comparisons (51 in the Essex report, the suppressed and withheld among them) while naming Essex's
   CSPs: it now adjusts over the comparisons it states (the published ones of the report's force's
   areas) and names that number. Checked against statsmodels' ``multipletests(method="fdr_bh")``.
"""

from __future__ import annotations

import csv
import gzip
import html
import re

import numpy as np
import pandas as pd

import saferstats
from conftest import build_report, shared_path

SEARCHES = "stop_search/policeuk_7forces_2019-12_to_2020-02"


def _text(out) -> str:
    page = (out / "index.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page.split("<body", 1)[-1])))


def _row_headers(out) -> set[str]:
    page = (out / "index.html").read_text(encoding="utf-8")
    return {html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', page, re.S)}


# ------------------------------------------------------------------- 1. CSV names as the page

def test_stop_search_csvs_name_the_city_as_the_page_does(tmp_path):
    """The bundled police.uk sample (City of London, Derbyshire, Durham, Leicestershire, Dec 2019 - Feb
    2020): the disproportionality and find-rate CSVs said "London, City of", the page "City of London"."""
    folder = saferstats.datasets.stop_search_sample_path()
    out = build_report(tmp_path, f'title = "T"\narea = "City of London"\n[stop_search]\nfiles = ["{folder}"]\n'
                                 'by = ["force"]\ncensus = "2011"\n')
    # the City's searches of White people (self-defined), counted from the files with the csv module
    white = 0
    for f in sorted(folder.glob("*city-of-london*.csv.gz")):
        with gzip.open(f, "rt", newline="", encoding="utf-8") as fh:
            white += sum(r["Type"] != "Vehicle search" and r["Self-defined ethnicity"].startswith("White")
                         for r in csv.DictReader(fh))
    headers = _row_headers(out)
    for name in ("stop_search_disproportionality.csv", "stop_search_find_rates.csv"):
        t = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        assert "London, City of" not in set(t["force"]), name
        assert "City of London" in set(t["force"]), name
        assert set(t["force"]) <= headers, (name, set(t["force"]) - headers)  # every CSV name is a page row's
    d = pd.read_csv(out / "stop_search_disproportionality.csv")
    assert int(d[(d["force"] == "City of London") & (d["group"] == "White")]["searches"].iloc[0]) == white
    assert "London, City of" not in _text(out)


def test_csv_names_helper_and_other_area_columns():
    from saferstats.report.render import csv_names

    t = pd.DataFrame({"la_name": ["Kingston upon Hull, City of", "Leeds"], "csp": ["Bristol, City of", "x"],
                      "group": ["London, City of", "White"], "incidents": [9, 3]})
    t.attrs["csv_decimals"] = 3
    named = csv_names(t)
    assert named["la_name"].tolist() == ["Kingston upon Hull", "Leeds"]
    assert named["csp"].tolist() == ["Bristol", "x"]
    assert named["group"].tolist() == ["London, City of", "White"]  # not an area column: as given
    assert named.attrs["csv_decimals"] == 3  # (the CSV's rounding is kept)
    assert t["la_name"].iloc[0] == "Kingston upon Hull, City of"  # the section's frame is not touched
    plain = pd.DataFrame({"force": ["Kent"]})
    assert csv_names(plain) is plain


def test_hate_crime_csvs_name_the_city_as_the_page_does(shared_data, tmp_path):
    """The Home Office hate crime table as published names the force "London, City of" (with '#N/A'
    for its population): the change and motivating-factor CSVs kept that beside the page's "City of
    London"."""
    hc = shared_path(shared_data, "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv")
    with open(hc, newline="", encoding="utf-8") as fh:
        rows = {r["Year"]: int(r["Total number of offences"]) for r in csv.DictReader(fh) if r["Force"] == "London, City of"}
    out = build_report(tmp_path, f'title = "T"\narea = "City of London"\n[hate_crime]\nfile = "{hc}"\n')
    ch = pd.read_csv(out / "hate_crime_change.csv")
    city = ch[ch["force"] == "City of London"]
    assert len(city) == 1 and city["force_code"].iloc[0] == "E23000034"  # the code stays the join key
    assert (int(city["count_from"].iloc[0]), int(city["count_to"].iloc[0])) == (rows["2017-18"], rows["2018-19"])
    factors = pd.read_csv(out / "hate_crime_factors.csv")
    assert "City of London" in set(factors["force"]) and "London, City of" not in set(factors["force"])
    headers = _row_headers(out)
    for name in ("hate_crime_change.csv", "hate_crime_factors.csv", "hate_crime_rates.csv"):
        t = pd.read_csv(out / name)
        assert not t["force"].astype(str).str.contains(", City of").any(), name
        assert "City of London" not in set(t["force"]) or "City of London" in headers


# ------------------------------------------------------------------- 2. no point in the study area

def test_hotspots_with_no_point_in_the_study_area_say_so_and_the_report_builds(tmp_path):
    """The bundled Hertfordshire ASB points (7,633, police.uk 2021) with study_area = "Kent": the
    report stopped with "[hotspots] no points inside study_area = 'Kent' (of 7,633)", the stop and
    search section with it."""
    pts = saferstats.datasets.hertfordshire_asb()
    pts.to_csv(tmp_path / "pts.csv", index=False)
    folder = saferstats.datasets.stop_search_sample_path()
    out = build_report(tmp_path, f'title = "T"\narea = "Kent"\n[stop_search]\nfiles = ["{folder}"]\ncensus = "2011"\n'
                                 '[hotspots]\nfile = "pts.csv"\ndate = "month"\nstudy_area = "Kent"\nstudy_area_level = "force"\n')
    text = _text(out)
    assert (out / "stop_search_disproportionality.csv").is_file()  # the rest of the report is built
    assert not (out / "hotspot_clusters.csv").exists() and not (out / "clusters.geojson").exists()
    herts = int(saferstats.StudyArea("Hertfordshire").contains(pts["lat"], pts["lon"]).sum())
    assert herts > 7000
    said = (f"No hotspots are shown for Kent: none of the {len(pts):,} incidents with a location lies inside it; they lie in the "
            f"Hertfordshire police force area ({herts:,});")
    assert said in text
    assert text.count(said) == 3  # the executive summary, the key findings and the section
    assert f"Study area: Kent (police force area, E23000032): 0 points inside; {len(pts):,} outside it" in text
    limits = text.split("Data limitations", 2)[-1].split("Glossary")[0]
    assert ("Hotspots: none of the points given lie in Kent, so the report maps no hotspots for it (the section says "
            "where the points are).") in limits


def test_hotspots_none_inside_names_whose_police_uk_records(shared_data, tmp_path):
    """The City of London's police.uk street-level re-export (2023) with study_area = "Essex": the
    section says whose records they are and when, from the files' 'Reported by' and 'Month'."""
    street = shared_path(shared_data, "street_crime/city_of_london_2023/street.csv")
    n, who, months = 0, set(), set()
    with open(street, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter=";"):
            if r["crime_type"] == "Anti-social behaviour" and r["latitude"]:  # (a re-export: its own header)
                n += 1
                who.add(r["reported_by"])
                months.add(r["month"])
    assert who == {"City of London Police"} and n >= 5
    out = build_report(tmp_path, f'title = "T"\narea = "Essex"\n[hotspots]\nfiles = ["{street}"]\n'
                                 'crime_type = "Anti-social behaviour"\nstudy_area = "Essex"\nstudy_area_level = "force"\n')
    text = _text(out)
    first, last = (pd.Timestamp(m) for m in (min(months), max(months)))
    assert (f"No hotspots are shown for Essex: none of the {n:,} incidents with a location (City of London Police's records, "
            f"{first:%b %Y} to {last:%b %Y}) lies inside it;") in text


def test_none_inside_withholds_small_counts():
    from saferstats.report.sections import _none_inside

    pts = pd.DataFrame({"lat": [51.90, 51.90, 51.75], "lon": [-0.20, -0.20, -0.34]})
    said = _none_inside(pts, "lat", "lon", "Kent", 5, True)
    assert "none of the few incidents with a location lies inside it; they lie in the Hertfordshire police force area." in said
    assert "3" not in said


# ------------------------------------------------------------- 3. Benjamini-Hochberg family

def _bh_kept(p: np.ndarray) -> np.ndarray:
    from statsmodels.stats.multitest import multipletests

    return multipletests(p, alpha=0.05, method="fdr_bh")[0]


def test_find_finding_adjusts_over_the_comparisons_it_states():
    """A table by force and CSP: Essex's six published comparisons and another force's twenty with
    small p-values. The finding names Essex's CSPs: adjusted over Essex's six, Chelmsford's p 0.006
    stays significant; over all 26 published (or all the comparisons outcome_test made) it would be
    judged against the other force's many small p-values."""
    from saferstats.report.sections import Section, Table
    from saferstats.report.summary import executive_summary

    rows = []
    essex = [("Chelmsford", "Asian", 0.35, 0.12, 0.006), ("Chelmsford", "Black", 0.2, 0.12, 0.30),
             ("Epping Forest", "Asian", 0.50, 0.33, 0.040), ("Epping Forest", "Black", 0.3, 0.33, 0.70),
             ("Basildon", "Asian", 0.2, 0.2, 0.90), ("Basildon", "Black", 0.2, 0.2, 0.95)]
    white = {"Chelmsford": 0.12, "Epping Forest": 0.33, "Basildon": 0.2}
    for csp, g, r, w, p in essex:
        lo, hi = (r - w - 0.05, r - w + 0.05) if p < 0.05 else (-0.1, 0.1)
        rows.append(("Essex", csp, g, r, r - w, lo, hi, p))
    for csp, w in white.items():
        rows.append(("Essex", csp, "White", w, 0.0, None, None, None))
    other = [0.001 * (i + 1) for i in range(20)]
    for i, p in enumerate(other):
        rows.append(("Merseyside", f"M{i // 4}", ["Asian", "Black", "Mixed", "Other"][i % 4], 0.4, 0.1, 0.05, 0.15, p))
    f = pd.DataFrame(rows, columns=["force", "csp", "group", "rate", "diff", "diff_lower", "diff_upper", "p_value"])
    f.attrs["alpha"] = 0.05
    s = Section("stop_search", "Stop and search", "", "", tables=[Table("stop_search_find_rates", "", f)])
    text = " ".join(executive_summary([s], {"area": "Essex", "confidence": 0.95}).findings["stop_search"])
    p_essex = np.array([x[4] for x in essex])
    kept = _bh_kept(p_essex)
    assert kept.tolist() == [True, False, False, False, False, False]  # statsmodels: Chelmsford only
    assert "Merseyside" not in text and "M0" not in text  # the finding states Essex's CSPs
    assert ("The find table shows 6 comparisons with White people in Essex's Community Safety Partnerships (other "
            "forces' are in the table), so about 0.3 would be statistically significant by chance alone: after "
            "adjusting for these 6 comparisons (Benjamini-Hochberg, false discovery rate 5%), only Asian people in "
            "Chelmsford (35% against 12%, higher) stays statistically significant.") in text
    # a report of an area not in the table: every force's rows are stated, and the family is all 26
    everyone = " ".join(executive_summary([s], {"area": "Kent", "confidence": 0.95}).findings["stop_search"])
    p_all = np.concatenate([p_essex, other])
    assert "The find table shows 26 comparisons with White people, so about 1.3 would be" in everyone
    assert "after adjusting for these 26 comparisons" in everyone
    # over all 26, the other force's small p-values keep Epping Forest's 0.04 too (statsmodels): the
    # family changes the answer, so it must be the one the sentence states
    all_kept = _bh_kept(p_all)
    assert all_kept[0] and all_kept[2] and all_kept[len(essex):].all()
    assert "after adjusting for these 26 comparisons (Benjamini-Hochberg, false discovery rate 5%), all stay " \
           "statistically significant." in everyone


def test_essex_by_force_and_csp_published(shared_data, tmp_path):
    """police.uk, seven forces, Dec 2019 - Feb 2020, by force and CSP, area Essex: the finding named
    Asian people in Chelmsford and in Epping Forest and said "The find table makes 51 comparisons":
    outcome_test's count over every force's CSPs, suppressed and withheld ones among them. Essex's CSPs
    have 11 published comparisons; Benjamini-Hochberg over their p-values (statsmodels) keeps Chelmsford's."""
    path = shared_path(shared_data, SEARCHES)
    out = build_report(tmp_path, f'title = "T"\narea = "Essex"\n[stop_search]\nfiles = ["{path}"]\n'
                                 'by = ["force", "csp"]\ncensus = "auto"\n')
    f = pd.read_csv(out / "stop_search_find_rates.csv", dtype=str, keep_default_na=False)
    p = pd.to_numeric(f["p_value"], errors="coerce")
    mine = (f["force"] == "Essex") & (f["group"] != "White") & p.notna()
    n = int(mine.sum())
    assert n == 11
    kept = _bh_kept(p[mine].to_numpy())
    kept_rows = f[mine][kept]
    assert list(zip(kept_rows["csp"], kept_rows["group"])) == [("Chelmsford", "Asian")]
    text = _text(out)
    assert (f"The find table shows {n} comparisons with White people in Essex's Community Safety Partnerships (other "
            f"forces' are in the table), so about {0.05 * n:.1f} would be statistically significant by chance alone: "
            f"after adjusting for these {n} comparisons (Benjamini-Hochberg, false discovery rate 5%), only Asian "
            "people in Chelmsford") in text
    assert "51 comparisons" not in text


# ------------------------------------------------------------------- 4. walk-through fixes

def test_city_only_table_is_not_captioned_like_for_like(tmp_path):
    """The City of London's own report (the City's searches only): the disproportionality table's
    caption said "Comparability: like for like, except the City of London" over a table of the
    City's rows alone, every one of them not like for like in the CSV."""
    folder = saferstats.datasets.stop_search_sample_path()
    for f in folder.glob("*city-of-london*.csv.gz"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    out = build_report(tmp_path, f'title = "T"\narea = "City of London"\n[stop_search]\nfiles = ["{tmp_path}"]\n'
                                 'census = "2011"\n')
    d = pd.read_csv(out / "stop_search_disproportionality.csv")
    assert set(d["force"]) == {"City of London"} and not d["like_for_like"].any()
    text = _text(out)
    assert "like for like, except the City of London" not in text
    assert ("Comparability: not like for like: rates per resident, but most people searched there do not live there "
            "(see the caution in the text).") in text
    # with other forces in the table, the exception is still named
    (tmp_path / "all").mkdir()
    mixed = build_report(tmp_path / "all", f'title = "T"\narea = "City of London"\n[stop_search]\nfiles = ["{folder}"]\n'
                                           'census = "2011"\n')
    assert "Comparability: like for like, except the City of London (see the caution in the text)." in _text(mixed)


def test_csp_columns_have_plain_english_headers():
    """By force and CSP the page's headers read "Csp" and "Csp code" (the column names capitalised)."""
    from saferstats.report.tables import display_table, header

    assert header("csp") == "Community Safety Partnership" and header("csp_code") == "CSP code"
    d = display_table(pd.DataFrame({"force": ["Essex"], "csp": ["Chelmsford"], "csp_code": ["E22000083"],
                                    "group": ["Asian"], "searches": [34]}), "Searches")
    assert d.headers[:3] == ["Police force area", "Community Safety Partnership", "CSP code"]


def test_years_compared_with_england_name_the_missing_year(shared_data, tmp_path):
    """Essex, Defra 2012/13 - 2021/22: Thurrock has no figure for 2016/17, so it is compared with England
    over its nine years; the text said "50 over 2012/13 to 2021/22; 53 over 2012/13 to 2021/22", two
    counts for what read as the same years."""
    from conftest import defra_la_incidents

    xlsx = shared_path(shared_data, "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx")
    t = defra_la_incidents(shared_data)
    thurrock = t[t["LA Name"].astype(str).str.strip() == "Thurrock"]  # (the workbook pads some names)
    have = {str(y) for y, v in zip(thurrock["Year"], thurrock["Total Incidents"]) if v not in (None, "", "..", ":")}
    assert len(have) == 9
    assert "2016-17" not in have and {"2015-16", "2017-18"} <= have
    out = build_report(tmp_path, f'title = "T"\narea = "Essex"\n[flytipping]\nfile = "{xlsx}"\n')
    eng = pd.read_csv(out / "flytipping_trend_england.csv").set_index("la_name")
    assert int(eng.loc["Thurrock", "n_periods"]) == 9 and int(eng.loc["Basildon", "n_periods"]) == 10
    left = eng.loc["Thurrock", "stepped_councils_left_out"]
    text = _text(out)
    assert f"{left} over 2012/13 to 2021/22 without 2016/17" in text
    assert f"; {left} over 2012/13 to 2021/22;" not in text and f"; {left} over 2012/13 to 2021/22)" not in text


def test_city_fly_tipping_sentences_say_the_city_of_london(shared_data, tmp_path):
    """The City of London's report said "1% of the incidents City of London's council recorded" and
    "£43,271 in 2016/17 for City of London" beside "the City of London" everywhere else."""
    xlsx = shared_path(shared_data, "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx")
    out = build_report(tmp_path, f'title = "T"\narea = "City of London"\n[flytipping]\nfile = "{xlsx}"\n')
    text = _text(out)
    assert "of the incidents the City of London's council recorded with a known land type" in text
    assert re.search(r"£[\d,]+ in 2016/17 for the City of London;", text)
    assert " City of London's council" not in text.replace("the City of London's council", "")
    assert "for City of London" not in text


def test_too_few_points_in_the_study_area_are_said_in_the_summary(tmp_path):
    """Three points inside Stevenage (below the threshold of 5) and ten in Watford: the section said
    there were too few to map, but the executive summary and the limitations said nothing of it."""
    pts = saferstats.datasets.hertfordshire_asb()
    sa = saferstats.StudyArea("Stevenage")
    inside = pts[sa.contains(pts["lat"], pts["lon"])].head(3)
    watford = pts[saferstats.StudyArea("Watford").contains(pts["lat"], pts["lon"])].head(10)
    pd.concat([inside, watford]).to_csv(tmp_path / "pts.csv", index=False)
    out = build_report(tmp_path, 'title = "T"\narea = "Stevenage"\n[hotspots]\nfile = "pts.csv"\nstudy_area = "Stevenage"\n')
    text = _text(out)
    said = "Fewer than 5 incidents with a location in the study area: too few to map or count without identifying them"
    assert text.count(said) == 3  # the executive summary, the key findings and the section
    assert ("Hotspots: fewer than 5 incidents with a location in the study area, too few to map without identifying "
            "them, so no hotspots are shown.") in text.split("Data limitations", 2)[-1]
    assert "3 points inside" not in text and " 3 incidents" not in text  # the count below the threshold is not given


def test_find_finding_by_csp_states_the_reports_force():
    """By force and CSP the find-rate finding named other forces' CSPs beside the report's (the ratio
    finding states the report's force's only): with no difference in Essex's CSPs it listed Merseyside's."""
    from saferstats.report.sections import Section, Table
    from saferstats.report.summary import executive_summary

    rows = [("Essex", "Chelmsford", "Asian", 0.13, 0.01, -0.05, 0.07, 0.7), ("Essex", "Chelmsford", "White", 0.12, 0.0, None, None, None),
            ("Merseyside", "Knowsley", "Black", 0.5, 0.2, 0.1, 0.3, 0.001), ("Merseyside", "Knowsley", "White", 0.3, 0.0, None, None, None)]
    f = pd.DataFrame(rows, columns=["force", "csp", "group", "rate", "diff", "diff_lower", "diff_upper", "p_value"])
    s = Section("stop_search", "Stop and search", "", "", tables=[Table("stop_search_find_rates", "", f)])
    text = " ".join(executive_summary([s], {"area": "Essex", "confidence": 0.95}).findings["stop_search"])
    assert ("Find rates (the share of searches that found what was searched for) showed no statistically significant "
            "difference from White people's for any group in Essex's Community Safety Partnerships.") in text
    assert "Knowsley" not in text
    # a report of an area not in the table states every force's
    other = " ".join(executive_summary([s], {"area": "Kent", "confidence": 0.95}).findings["stop_search"])
    assert "Black people in Knowsley (50% against 30%, higher)" in other

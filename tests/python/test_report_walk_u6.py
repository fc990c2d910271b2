"""The strategic assessment as a Police and Crime Panel member reads it for areas the demo does not
use (session 36, u6): a Welsh CSP (Cardiff), a London borough (Camden) and a district of a county
that reorganised (Kettering, now North Northamptonshire), on the public files as published.

1. A Welsh area and NHS England's Mental Health Act statistics: the Cardiff report said "In England
   in 2023/24 (NHS England's figures; none are published for Cardiff)" and "These are figures for
   England, not Cardiff: Section 136 uses are published for England and by NHS provider ...", as if
   Cardiff were an English CSP whose figures are merely not broken down. NHS England's statistics
   do not cover Wales at all (the published file has no Welsh organisation; Cardiff is W06000015 in
   the ONS lookup): the page now says so, and where Wales's figures come from.
2. The key finding on fly-tipping on private land gave Camden's 2021/22 share ("less than 0.5% was
   on private land (England: 3%)") without saying it was of 1,055 of its 32,517 incidents: 31,462
   (97%) had no land type recorded (Defra's 'Other (unidentified)'). The section said it; the key
   finding now says it too.

References: the raw files read here with pandas (the ONS lookup, NHS England's main sheet as a CSV,
Defra's incidents sheet as a CSV) and the shares worked out by hand in the tests.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from conftest import shared_path

MHA_CSV = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"
LOOKUP = "population/census2021_ew/lookup_ltla24_csp24_pfa24.csv"
DEFRA_CSV = "fly_tipping/defra_la_2012-13_to_2021-22/DERIVED_Flytipping_LA_incidents.csv"


def _words(page: str) -> str:
    """The page's text, tags dropped, words only (not layout)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


@pytest.fixture(scope="module")
def cardiff(shared_data, tmp_path_factory):
    """The Cardiff CSP report with NHS England's MHA statistics as its Section 136 section (built once)."""
    from saferstats.__main__ import main

    mha = shared_path(shared_data, MHA_CSV)  # the main sheet as CSV: the same rows, read faster than the workbook
    tmp = tmp_path_factory.mktemp("u6")
    cfg = tmp / "cardiff.toml"
    cfg.write_text(f'title = "Cardiff CSP Strategic Assessment"\narea = "Cardiff"\n\n[s136]\nmha_file = "{mha}"\n',
                   encoding="utf-8")
    out = tmp / "out"
    assert main(["report", "--config", str(cfg), "--out", str(out), "--quiet"]) == 0
    return _words((out / "index.html").read_text(encoding="utf-8"))


def test_cardiff_is_in_wales_and_nhs_england_has_no_welsh_organisation(shared_data):
    """The premise, from the raw files: Cardiff's ONS code is Welsh, and NHS England's MHA main sheet
    names no Welsh organisation (its levels are England, ICBs, trusts and independent providers)."""
    lk = pd.read_csv(shared_path(shared_data, LOOKUP))
    assert lk.loc[lk.ltla24_name == "Cardiff", "ltla24_code"].tolist() == ["W06000015"]
    mha = pd.read_csv(shared_path(shared_data, MHA_CSV), usecols=["OrgName"])
    assert not mha.OrgName.astype(str).str.contains("Wales|Cymru|Cardiff|Health Board", case=False).any()
    from saferstats.report.inputs import scope_of

    assert scope_of("Cardiff").in_wales and scope_of("South Wales").in_wales
    assert not scope_of("Camden").in_wales and not scope_of("Kettering").in_wales


def test_welsh_area_s136_says_nhs_england_does_not_cover_wales(cardiff):
    """Before: "none are published for Cardiff" and "These are figures for England, not Cardiff:
    Section 136 uses are published for England and by NHS provider ..." (as of an English CSP)."""
    assert "none are published for Cardiff" not in cardiff
    assert "These are figures for England, not Cardiff" not in cardiff
    # the section
    assert ("These are figures for England only: NHS England's statistics do not cover Wales, so none of them is "
            "about Cardiff, and they are shown for context, not as Cardiff's.") in cardiff
    assert "Mental Health Act figures for Wales are published by the Welsh Government" in cardiff
    # the executive summary and key findings (the same sentence in both)
    assert cardiff.count("In England in 2023/24 (NHS England's figures, which do not cover Wales, where Cardiff is), "
                         "the age-standardised rate of Section 136 uses") == 2


def test_english_area_s136_words_unchanged():
    """An English area keeps "none are published for Kent" (NHS England publishes by provider, not by
    police force area or CSP)."""
    from saferstats.report.sections import Section, Table
    from saferstats.report.summary import _s136_mha

    eth = pd.DataFrame({"ethnic_group": ["White", "Mixed"], "detentions": [10483, 550],
                        "standardised_rate": [23.7, 37.7], "standardised_lower": [23.3, 33.9],
                        "standardised_upper": [24.1, 41.5], "ratio_to_white": [1.0, 1.59]})
    sec = Section("s136", "S136", "", "", tables=[Table("s136_mha_ethnicity", "", eth)], period="2023/24")
    assert _s136_mha(sec, {"area": "Kent"})[0].startswith(
        "In England in 2023/24 (NHS England's figures; none are published for Kent),")
    assert _s136_mha(sec, {"area": "Swansea"})[0].startswith(
        "In England in 2023/24 (NHS England's figures, which do not cover Wales, where Swansea is),")


#: Defra's land types as the raw CSV heads them; the reader's names are the same in snake case
#: ("Footpath / Bridleway Incidents" -> footpath_bridleway_incidents)
_LAND_HEADS = ("Highway", "Footpath / Bridleway", "Back Alleyway", "Railway", "Council Land", "Agricultural",
               "Private / Residential", "Commercial / Industrial", "Watercourse / Bank", "Other (unidentified)")
_DEFRA_LAND = {f"{h} Incidents": re.sub(r"[^a-z]+", "_", f"{h} incidents".lower()).strip("_") for h in _LAND_HEADS}


@pytest.fixture(scope="module")
def defra(shared_data):
    """Defra's rows of every authority and year (the raw CSV export of LA_incidents; the regional and
    England totals left out), with the columns under the reader's names and years as "2021/22"."""
    t = pd.read_csv(shared_path(shared_data, DEFRA_CSV))
    t = t[~t["ONS Code"].astype(str).str.startswith("*")]
    t = t.rename(columns={"LA Name": "la_name", "ONS Code": "la_code", "Year": "year", "Total Incidents": "incidents",
                          **_DEFRA_LAND})
    t["year"] = t["year"].astype(str).str.replace("-", "/")
    for c in ["incidents", *_DEFRA_LAND.values()]:
        t[c] = pd.to_numeric(t[c], errors="coerce")
    return t


@pytest.fixture(scope="module")
def defra_2021_22(defra):
    """2021/22, the authorities with every land type given."""
    return defra[defra.year == "2021/22"].dropna(subset=["incidents", *_DEFRA_LAND.values()])


def _land_finding(latest: pd.DataFrame, la: str) -> str:
    from saferstats.report.sections import Section, _flytipping_land
    from saferstats.report.summary import _flytipping

    got = _flytipping_land(latest, "la_name", "incidents", [la], "2021/22", 5, la)
    assert got is not None
    table, _text = got
    found = [x for x in _flytipping(Section("flytipping", "Fly-tipping", "", "", tables=[table]), {"area": la})
             if "private land" in x]
    assert len(found) == 1
    return found[0]


def test_private_land_finding_says_how_many_had_no_land_type(defra_2021_22):
    """Before: "Of the fly-tipping Camden's council recorded in 2021/22 with a known land type, less
    than 0.5% was on private land (England: 3%)", with no word that 31,462 of its 32,517 incidents
    (97%) had no land type. By hand from the raw row: known 32,517 - 31,462 = 1,055 (3.2%: "3%");
    private 2 + 0 + 2 = 4 of 1,055 (0.38%: "less than 0.5%")."""
    row = defra_2021_22[defra_2021_22.la_name == "Camden"].iloc[0]
    assert (row.incidents, row.other_unidentified_incidents) == (32517, 31462)
    assert row.private_residential_incidents + row.agricultural_incidents + row.commercial_industrial_incidents == 4
    said = _land_finding(defra_2021_22, "Camden")
    assert said.startswith("Of the fly-tipping Camden's council recorded in 2021/22 with a known land type (3% of its "
                           "incidents; 97% had no land type recorded), less than 0.5% was on private land"), said


def test_private_land_finding_north_northamptonshire(defra_2021_22):
    """Kettering's authority since 2021: 796 of 3,944 (20.2%) with no land type; private 59 + 85 +
    21 = 165 of 3,148 known (5.2%: "5%")."""
    row = defra_2021_22[defra_2021_22.la_name == "North Northamptonshire"].iloc[0]
    assert (row.incidents, row.other_unidentified_incidents) == (3944, 796)
    said = _land_finding(defra_2021_22, "North Northamptonshire")
    assert said.startswith("Of the fly-tipping North Northamptonshire's council recorded in 2021/22 with a known land "
                           "type (80% of its incidents; 20% had no land type recorded), 5% was on private land"), said


def test_private_land_finding_without_unidentified_says_nothing_more(defra_2021_22):
    """Below 5% unidentified the section says nothing of it, nor does the finding: an authority of
    the raw table with none unidentified and some on private land."""
    ok = defra_2021_22[(defra_2021_22.other_unidentified_incidents == 0)
                       & (defra_2021_22.private_residential_incidents > 20)]
    la = str(ok.la_name.iloc[0])
    said = _land_finding(defra_2021_22, la)
    assert "no land type recorded" not in said and "with a known land type, " in said, said


def test_merged_district_says_whose_figures_the_rate_and_trend_are(defra):
    """Before, the Kettering CSP report said "Kettering is part of North Northamptonshire: ... the
    figures shown for it are for the whole authority, not Kettering alone" and then gave "Fly-tipping
    in Kettering rose by an average of 8.8% a year from 2012/13 to 2020/21", the former district's
    own series, with no word that it ends because the district merged on 1 April 2021. From the raw
    rows: Kettering (E07000153) has counts 2012/13 to 2020/21 only, North Northamptonshire
    (E06000061) 2021/22 only."""
    from saferstats.report.sections import _flytipping
    from saferstats.report.summary import _flytipping as findings

    # North Northamptonshire, its four former districts, and neighbouring authorities for the funnel
    nn = defra[defra.la_code.isin(["E07000150", "E07000152", "E07000153", "E07000156", "E06000061", "E06000016",
                                   "E06000017", "E06000042", "E06000055", "E06000056", "E06000031", "E07000011",
                                   "E07000131", "E07000133", "E07000129", "E07000130"])]
    ket = nn[nn.la_code == "E07000153"].dropna(subset=["incidents"])
    assert (ket.year.min(), ket.year.max()) == ("2012/13", "2020/21")
    assert nn.loc[nn.la_code == "E06000061", "year"].dropna().tolist() == ["2021/22"]
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Kettering"}
    s = _flytipping(cfg, {"data": nn[["la_name", "la_code", "year", "incidents"]], "area": "la_name",
                          "code": "la_code", "period": "year", "count": "incidents",
                          "funnel": "overdispersed"})  # (exact Poisson limits take seconds to draw)
    said = ("Kettering's own fly-tipping figures end in 2020/21: the district (the area of the Kettering CSP) merged "
            "into North Northamptonshire on 1 April 2021, so its trend is the former district's, to 2020/21, and the "
            "latest rate North Northamptonshire's as a whole.")
    intro = " ".join(s.intro.split())
    assert ("Kettering is part of North Northamptonshire: Defra publishes fly-tipping by local authority, so the "
            "figures shown for North Northamptonshire are for the whole authority, not Kettering alone. " + said) in intro
    assert "the figures shown for it are" not in intro
    text = findings(s, cfg)
    assert said in text
    # beside the rate (North Northamptonshire's) and before the trend (the district's)
    i = text.index(said)
    assert text[i - 1].startswith("North Northamptonshire's fly-tipping rate in 2021/22")
    assert text[i + 1].startswith("Fly-tipping in Kettering")


def test_points_in_london_said_as_the_metropolitan_police_area():
    """Before, the Kettering report's hotspot section (Hertfordshire's police.uk points, none in
    Kettering) said "the Metropolitan Police police force area (16)". Points placed by hand: 6 in
    Hertfordshire (Stevenage), 5 in London (Trafalgar Square)."""
    from saferstats.report.sections import _none_inside

    pts = pd.DataFrame({"lat": [51.90] * 6 + [51.508] * 5, "lon": [-0.20] * 6 + [-0.128] * 5})
    said = " ".join(_none_inside(pts, "lat", "lon", "Kettering", 5, False).split())
    assert "police police" not in said
    assert "they lie in the Hertfordshire police force area (6); the Metropolitan Police area (5)" in said, said

"""Area names in the report's sentences as running text says them (session 11, defect 2).

ONS and Defra name four areas the inverted way ("Bristol, City of", "Herefordshire, County of",
"Kingston upon Hull, City of", the force "London, City of"), which is the key that joins published
tables but reads wrongly in a sentence: a Hull report's finding was "Of the fly-tipping Kingston upon
Hull, City of's council recorded in 2021/22, 5% was on private land". Sentences (findings, section
text, captions, alt text) now use ``geography.display_name``; so do the page's tables since walk 20
(a Panel reader saw "Kingston upon Hull" in the text and "Kingston upon Hull, City of" in the table
beside it); the CSV cells keep the ONS name, the key to other published tables.

The share in the Hull sentence is checked against the Defra workbook read with openpyxl (not with
saferstats' reader)."""

from __future__ import annotations

import html
import re
import warnings

import pandas as pd
import pytest

from conftest import build_report, defra_la_incidents

from saferstats.geography import area_names, display_name
from saferstats.report.sections import _flytipping
from saferstats.report.summary import _flytipping as flytipping_findings

XLSX = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
PRIVATE = ("Agricultural Incidents", "Private / Residential Incidents", "Commercial / Industrial Incidents")
INVERTED = re.compile(r", (?:City|County) of\b")


def _prose(page: str) -> str:
    """The page's text outside its tables' cells (sentences, captions, alt text), figures dropped."""
    page = re.sub(r'src="data:[^"]*"', "", page)
    page = re.sub(r"<tr[ >].*?</tr>", " ", page, flags=re.S)
    alts = " ".join(re.findall(r'alt="([^"]*)"', page) + re.findall(r"alt='([^']*)'", page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + alts)


def _inverted_in_sentences(text: str) -> list[str]:
    """Each inverted ONS name in running text, with its context; a spelling quoted as the table's
    ("earlier 'Bristol, City of'") is about the name, not a use of it, and is allowed."""
    names = sorted({str(n) for lvl in ("la", "csp", "force") for n in area_names(lvl) if INVERTED.search(str(n))})
    out = []
    for m in re.finditer("|".join(map(re.escape, names)), text):
        if text[m.start() - 1:m.start()] == "'" and text[m.end():m.end() + 1] == "'":  # a quoted spelling
            continue
        out.append(text[max(0, m.start() - 60):m.end() + 20])
    return out


def test_display_name_of_every_inverted_ons_name():
    inverted = sorted({str(n) for lvl in ("la", "csp", "force") for n in area_names(lvl) if INVERTED.search(str(n))})
    # the bundled ONS lookup (December 2024) has exactly these
    assert inverted == ["Bristol, City of", "Herefordshire, County of", "Kingston upon Hull, City of", "London, City of"]
    assert [display_name(n) for n in inverted] == ["Bristol", "Herefordshire", "Kingston upon Hull", "City of London"]
    for plain in ("Bournemouth, Christchurch and Poole", "County Durham", "City of Westminster", "Leeds", ""):
        assert display_name(plain) == plain
    assert display_name(display_name("London, City of")) == "City of London"  # idempotent


def _defra_like():
    rows = []
    for i, y in enumerate(["2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]):
        rows.append(("Kingston upon Hull, City of", "E06000010", y, 4000 + 300 * i))
        rows.append(("Herefordshire, County of", "E06000019", y, 1100 + 400 * i))
        rows.append(("Bristol, City of", "E06000023", y, 9000 - 500 * i))
        rows.append(("Leeds", "E08000035", y, 12000 + 50 * i))
    return pd.DataFrame(rows, columns=["la_name", "la_code", "year", "incidents"])


@pytest.mark.parametrize("area", ["Kingston upon Hull", "Hull", "Herefordshire", "Bristol", ""])
def test_the_section_and_its_findings_say_the_display_name(area):
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": area}
    sec = {"data": _defra_like(), "area": "la_name", "code": "la_code", "period": "year", "count": "incidents"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _flytipping(cfg, sec)
        found = flytipping_findings(s, cfg)
    text = " ".join([s.intro, *found, *(t.caption for t in s.tables)])
    assert found and not _inverted_in_sentences(text), _inverted_in_sentences(text)
    rates = next(t.frame for t in s.tables if t.name == "flytipping_rates")
    assert any(INVERTED.search(str(n)) for n in rates["la_name"])  # the table keeps the ONS names
    if area in ("Kingston upon Hull", "Hull"):
        assert re.search(r"Fly-tipping in Kingston upon Hull (rose|fell|:)", " ".join(found)), found


@pytest.fixture(scope="module")
def hull(shared_data, tmp_path_factory):
    out = build_report(tmp_path_factory.mktemp("hull"),
                       f'title = "t"\narea = "Kingston upon Hull"\n[flytipping]\nfile = "{shared_data / XLSX}"\n')
    return out, (out / "index.html").read_text(encoding="utf-8")


def test_hull_report_from_the_published_workbook(hull, shared_data):
    out, page = hull
    prose = _prose(page)
    assert ", City of's" not in prose and ", County of's" not in prose
    assert not _inverted_in_sentences(prose), _inverted_in_sentences(prose)
    # the finding of the walk-through, with the share counted from the workbook with openpyxl
    t = defra_la_incidents(shared_data)
    hull_row = t[(t["Year"] == "2021-22") & (t["LA Name"] == "Kingston upon Hull, City of")].iloc[0]
    known = float(hull_row["Total Incidents"]) - float(hull_row["Other (unidentified) Incidents"])
    share = 100 * sum(float(hull_row[c]) for c in PRIVATE) / known  # of the incidents with a known land type
    assert (f"Of the fly-tipping Kingston upon Hull's council recorded in 2021/22 with a known land type, {share:.0f}% "
            "was on private land") in prose
    # the CSV names it as the page's tables and the text do (session 20: it kept the ONS name)
    land = pd.read_csv(out / "flytipping_land.csv", dtype=str)
    assert list(land["la_name"]) == ["Kingston upon Hull"]
    assert '<th scope="row">Kingston upon Hull</th>' in page
    assert '<th scope="row">Kingston upon Hull, City of</th>' not in page


def test_city_of_london_force_in_the_hate_crime_text(shared_data, tmp_path):
    """The Home Office's hate crime table names the force "London, City of"."""
    hc = shared_data / "hate_crime" / "home_office_by_force_2017-18_2018-19" / "Hate crime.csv"
    if not hc.is_file():
        pytest.skip("the Home Office hate crime table is not in ../shared/data")
    out = build_report(tmp_path, f'title = "t"\narea = "City of London"\n[hate_crime]\nfile = "{hc}"\n')
    prose = _prose((out / "index.html").read_text(encoding="utf-8"))
    assert not _inverted_in_sentences(prose), _inverted_in_sentences(prose)
    assert "Motivating factors recorded for hate crime offences, the City of London and all forces" in prose

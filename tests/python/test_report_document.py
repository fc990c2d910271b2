"""The report as a document a Police and Crime Panel accepts (issue 13): significance wording that
never overstates, readable tables, the title page and templates from the config, alt text from
the data, and (with Chromium) accessibility, no horizontal overflow at A4 width and the PDF."""

from __future__ import annotations

import contextlib
import html
import io
import json
import math
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import saferstats
from saferstats.__main__ import main
from saferstats.report import describe_change, describe_ratio, describe_trend, display_table, executive_summary
from saferstats.report.summary import MIN_COUNT, fmt_pct

# ------------------------------------------------------------------ significance wording

def _wald_log_change(a: int, b: int, z: float = 1.959963984540054) -> tuple[float, float, float]:
    """Independent reference: % change of two Poisson counts, Wald interval on the log ratio."""
    r = b / a
    se = math.sqrt(1 / a + 1 / b)
    return 100 * (r - 1), 100 * (r * math.exp(-z * se) - 1), 100 * (r * math.exp(z * se) - 1)


def test_issue_example_hertfordshire_hate_crime_rise():
    """Home Office: Hertfordshire 1,468 (2017-18) -> 1,600 (2018-19) offences; the issue's sentence."""
    c, lo, hi = _wald_log_change(1468, 1600)
    assert (round(c, 1), round(lo, 1), round(hi, 1)) == (9.0, 1.5, 17.0)
    text = describe_change(c, lo, hi, count_from=1468, count_to=1600, subject="Police-recorded hate crime")
    assert text == "Police-recorded hate crime rose 9% (95% CI +1.5% to +17%), a statistically significant rise"


@pytest.mark.parametrize("a, b, verdict", [
    (1468, 1600, "a statistically significant rise"),
    (300, 210, "a statistically significant fall"),
    (108, 111, "no statistically significant change"),
    (164, 195, "no statistically significant change"),  # +19%, CI -3% to +46%: not called a rise
    (4, 6, "too few incidents (4 and 6) to say"),
    (19, 60, "too few incidents (19 and 60) to say"),  # significant, but below the reliability minimum
])
def test_change_wording_three_cases(a, b, verdict):
    c, lo, hi = _wald_log_change(a, b)
    text = describe_change(c, lo, hi, count_from=a, count_to=b, subject="X")
    assert verdict in text, text
    if "no statistically" in verdict or "too few" in verdict:
        assert " rose " not in text and " fell " not in text


def test_suppressed_or_missing_is_too_few_to_say():
    assert "too few incidents to say" in describe_change("[c]", "[c]", "[c]", count_from="[c]", count_to=50, subject="X")
    assert "too few incidents to say" in describe_change(float("nan"), 1.0, 2.0, subject="X")


@given(st.floats(-90, 500), st.floats(0.1, 80), st.floats(0.1, 300), st.integers(MIN_COUNT, 10**6),
       st.integers(MIN_COUNT, 10**6))
def test_wording_never_overstates(c, below, above, a, b):
    """Any interval that includes no change is never a rise or a fall; one that excludes it always is."""
    lo, hi = c - below, c + above
    text = describe_change(c, lo, hi, count_from=a, count_to=b, subject="X")
    if lo <= 0 <= hi:
        assert "no statistically significant change" in text and " rose " not in text and " fell " not in text
    elif lo > 0:
        assert text.startswith("X rose ") and "significant rise" in text
    else:
        assert text.startswith("X fell ") and "significant fall" in text


def test_ratio_and_trend_wording():
    assert "a statistically significant difference" in describe_ratio(3.2, 2.5, 4.1, count=115, subject="S", reference="W")
    assert "no statistically significant difference" in describe_ratio(1.3, 0.9, 1.9, count=40, subject="S", reference="W")
    assert "too few incidents (3)" in describe_ratio(2.0, 1.1, 8.0, count=3, subject="S", reference="W")
    assert "significant upward trend" in describe_trend(14.0, 11.5, 16.6, subject="T")
    assert "significant downward trend" in describe_trend(-5.0, -8.0, -2.0, subject="T")
    assert "no statistically significant trend" in describe_trend(-1.6, -7.0, 4.1, subject="T")
    assert [fmt_pct(v, signed=True) for v in (8.99, 1.46, -0.04, 126.4)] == ["+9%", "+1.5%", "0%", "+126%"]


# ----------------------------------------------------------------------- readable tables

def test_display_table_headers_rounding_p_values_and_caption():
    t = pd.DataFrame({"force": ["A", "B"], "group": ["Black", "Asian"], "searches": [1234, "[c]"],
                      "rate_lower": [0.12345, "[c]"], "rate": [0.2, "[c]"], "rate_upper": [0.3, "[c]"],
                      "p_value": [0.0000123, 0.0456], "confidence": [0.9, 0.9], "method": ["katz", "katz"]})
    d = display_table(t, "Searches", confidence=0.95)
    assert d.headers == ["Police force area", "Ethnic group", "Searches", "Rate: lower 90% limit", "Rate",
                         "Rate: upper 90% limit", "p-value"]  # the table's own confidence wins
    assert d.rows[0] == ["A", "Black", "1,234", "0.123", "0.200", "0.300", "<0.001"]
    assert d.rows[1][2:] == ["[c]", "[c]", "[c]", "[c]", "0.046"]
    assert d.caption == ("Searches. Limits are 90% confidence intervals. Method: Katz log interval. "
                         "[c] = suppressed to protect small numbers.")
    assert d.row_header_columns == 2 and d.numeric == [False, False, True, True, True, True, True]


def test_varying_method_stays_a_column():
    t = pd.DataFrame({"area": ["A", "B"], "rate": [1.0, 200.0], "method": ["exact", "byar"]})
    d = display_table(t, "R")
    assert d.headers[-1] == "Method" and [r[-1] for r in d.rows] == ["exact Poisson (Garwood)", "Byar's approximation"]


# ------------------------------------------------------------------ the demo document

@pytest.fixture(scope="module")
def demo_doc(tmp_path_factory):
    out = tmp_path_factory.mktemp("doc") / "report"
    args = ["report", "--demo", "--out", str(out), "--quiet"]
    if saferstats.report.find_browser():
        args.append("--pdf")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(args) == 0
    return out


def test_demo_page_has_title_page_summary_limitations_glossary(demo_doc):
    page = (demo_doc / "index.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    for part in ("Executive summary", "Key findings", "Data limitations", "Glossary", "Methods appendix",
                 "Protective marking", "OFFICIAL", "Version", "Author"):
        assert part in text, part
    # the headline: Hertfordshire's districts summed, 1,468 -> 1,600 (Home Office force total)
    # (and the rate, walk 21: a Panel needs the offences, the rate and the change)
    assert ("Police-recorded hate crime in Hertfordshire (1,468 to 1,600 offences) between 2017-18 and "
            "2018-19 rose 9% (95% CI +1.5% to +17%), a statistically significant rise; 143.4 offences per 100,000 "
            "residents in 2018-19.") in text
    summary = page[page.index("<section id='summary'"):page.index("<section id='findings'")]
    assert summary.count("<li>") >= 4
    # no "rose"/"fell" in a sentence that is not significant
    for li in re.findall(r"<li>(.*?)</li>", page):
        li = html.unescape(li)
        if "no statistically significant" in li and "significant rise" not in li and "significant fall" not in li:
            assert not re.search(r"\b(rose|fell)\b", li), li


def test_demo_tables_readable_on_the_page_machine_names_in_csv(demo_doc):
    page = (demo_doc / "index.html").read_text()
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', page)
    machine = {"rate_lower", "rate_upper", "pct_lower", "pct_upper", "percent_lower", "percent_upper", "p_value",
               "confidence", "ratio_lower"}
    assert headers and not machine & set(headers)
    # (the stop-and-search rates headed for what they are, walk 21)
    assert "Search rate (per 1,000 a year): lower 95% limit" in headers and "Find rate (%): lower 95% limit" in headers
    assert "p-value" in headers
    assert "Confidence level" not in headers and "Method" not in headers  # constant: stated in the captions
    assert page.count("Limits are 95% confidence intervals.") >= 8
    tables = re.findall(r"<table.*?</table>", page, flags=re.S)
    for t in tables:
        assert re.search(r"<caption>[^<]{10,}</caption>", t)
        assert "<th scope=\"row\">" in t or "<tbody>\n</tbody>" in t
    csv = pd.read_csv(demo_doc / "stop_search_disproportionality.csv")
    assert {"rate_lower", "ratio_upper", "confidence"} <= set(csv.columns)  # CSVs keep machine names
    # p-values: never 0.000 on the page
    assert "<td class=\"num\">0.000</td>" not in page.split("id=\"tab-s136_before_after\"")[1].split("</table>")[0]


def test_demo_alt_text_describes_the_data(demo_doc):
    page = (demo_doc / "index.html").read_text()
    figs = re.findall(r"<img alt='([^']*)' src='data:image/png;base64,[^']*'>\s*<figcaption>(.*?)</figcaption>", page)
    assert len(figs) >= 8
    for alt, caption in figs:
        alt, caption = html.unescape(alt), html.unescape(caption)
        assert len(alt) > 60 and alt != caption and caption not in alt
    alts = " | ".join(html.unescape(a) for a, _ in figs)
    assert "Funnel plot of hate crime rates for 10 districts in 2018-19" in alts
    # the demo's districts are over-dispersed (phi 3.2): with limits widened for it, none stands out
    assert "10 within the limits (limits widened for over-dispersion between areas)" in alts


# --------------------------------------------------------- config: title page, templates

def _cfg(d: Path, report: str = "", area: str = "") -> Path:
    (d / "data").mkdir(exist_ok=True)
    hc = saferstats.datasets.hate_crime_by_force().dropna(subset=["population"])
    hc = hc.rename(columns={"force": "district", "offences": "count"})[["district", "year", "count", "population"]]
    hc[hc.district.isin(hc.district.unique()[:6])].to_csv(d / "data" / "hc.csv", index=False)
    cfg = d / "a.toml"
    cfg.write_text(f'title = "Small"\n{area}\n{report}\n[hate_crime]\nfile = "data/hc.csv"\narea = "district"\n'
                   'period = "year"\n')
    return cfg


def test_title_page_from_report_keys_and_template_override(tmp_path):
    tpl = tmp_path / "brand"
    tpl.mkdir()
    (tpl / "branding.css").write_text(":root{--accent:#006b3f}")
    (tpl / "title_page.html.j2").write_text("<header class='title-page'><h1>{{ meta.title }}</h1>"
                                            "<p id='mine'>{{ meta.author }} / {{ meta.area }}</p></header>")
    cfg = _cfg(tmp_path, report='[report]\nauthor = "A. Analyst"\nversion = "1.2"\nperiod = "2024/25"\n'
               'protective_marking = "OFFICIAL-SENSITIVE"\ntemplate_dir = "brand"\n',
               area='area = "<script>alert(1)</script>"')
    out = tmp_path / "out"
    assert main(["report", "--config", str(cfg), "--out", str(out), "--quiet"]) == 0
    page = (out / "index.html").read_text()
    assert "--accent:#006b3f" in page and "<p id='mine'>A. Analyst / &lt;script&gt;" in page
    assert "<script>alert(1)</script>" not in page  # escaping on, also in a CSP's template
    assert 'content:"OFFICIAL-SENSITIVE"' in page
    # without the override the bundled title page shows every key
    (tpl / "title_page.html.j2").unlink()
    assert main(["report", "--config", str(cfg), "--out", str(out), "--quiet"]) == 0
    text = html.unescape(re.sub(r"<[^>]+>", " ", (out / "index.html").read_text()))
    for s in ("A. Analyst", "1.2", "2024/25", "OFFICIAL-SENSITIVE"):
        assert s in text


def test_defaults_title_page(tmp_path):
    cfg = _cfg(tmp_path, area='area = "Dacorum"')
    out = tmp_path / "out"
    assert main(["report", "--config", str(cfg), "--out", str(out), "--quiet"]) == 0
    text = html.unescape(re.sub(r"<[^>]+>", " ", (out / "index.html").read_text()))
    assert "Dacorum Community Safety Partnership" in text and "draft" in text and "OFFICIAL" in text


@pytest.mark.parametrize("report, message", [
    ('[report]\nprotective_marking = "secret"\n', "[report] protective_marking must be OFFICIAL"),
    ('[report]\nauthor = 5\n', "[report] author must be text"),
    ('[report]\ncolour = "red"\n', "[report] unknown key 'colour'"),
    ('[report]\ntemplate_dir = "nowhere"\n', "[report] template_dir = 'nowhere' is not a folder"),
    ('report = "x"\n', "[report] must be a table"),
])
def test_bad_report_keys_one_line_exit_2(tmp_path, capsys, report, message):
    cfg = _cfg(tmp_path, report=report)
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1, err
    assert not (tmp_path / "out").exists()


def test_broken_template_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "title_page.html.j2").write_text("<h1>{{ meta.title </h1>")
    cfg = _cfg(tmp_path, report='[report]\ntemplate_dir = "brand"\n')
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "[report] template_dir: title_page.html.j2 line 1" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("flag, probe, absent, note, document", [
    ("--pdf", "saferstats.report.pdf.find_browser", None, "Chromium is not installed", "report.pdf"),
    ("--docx", "saferstats.report.docx.docx_available", False, "python-docx is not installed", "report.docx"),
])
def test_document_without_its_tool_is_a_note(tmp_path, capsys, monkeypatch, flag, probe, absent, note, document):
    monkeypatch.setattr(probe, lambda: absent)
    cfg = _cfg(tmp_path)
    out = tmp_path / "out"
    assert main(["report", "--config", str(cfg), "--out", str(out), "--quiet", flag]) == 0
    assert f"note: {flag}: {note}" in capsys.readouterr().err
    assert (out / "index.html").exists() and not (out / document).exists()


def test_pdf_name_held_by_a_users_file_is_refused(tmp_path, capsys):
    cfg = _cfg(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.pdf").write_bytes(b"my own pdf")
    assert main(["report", "--config", str(cfg), "--out", str(out), "--quiet", "--pdf"]) == 2
    assert "already holds report.pdf" in capsys.readouterr().err
    assert (out / "report.pdf").read_bytes() == b"my own pdf"


def test_executive_summary_of_a_section_without_tables_is_empty():
    s = saferstats.report.sections.Section("hate_crime", "Hate crime", "", "")
    summ = executive_summary([s], {"confidence": 0.95, "disclosure_threshold": 5})
    assert summ.headline == [] and summ.findings == {"hate_crime": []} and summ.glossary and summ.limitations


# ------------------------------------------------------------------------- in Chromium

_A11Y_JS = r"""
<script>
window.addEventListener('load', function () {
  function lum(c) {
    var m = c.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/); if (!m) return null;
    var v = [m[1], m[2], m[3]].map(function (x) { x = x / 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return {l: 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2], a: m[4] === undefined ? 1 : +m[4]};
  }
  function bg(el) {
    for (; el && el.nodeType === 1; el = el.parentElement) {
      var b = lum(getComputedStyle(el).backgroundColor); if (b && b.a > 0.5) return b.l;
    }
    return 1;
  }
  var worst = 99, worstText = '', n = 0, all = document.body.querySelectorAll('*');
  for (var i = 0; i < all.length; i++) {
    var el = all[i], own = '';
    for (var k = 0; k < el.childNodes.length; k++) if (el.childNodes[k].nodeType === 3) own += el.childNodes[k].textContent;
    if (!own.trim() || el.offsetParent === null && el.tagName !== 'BODY') continue;
    var f = lum(getComputedStyle(el).color); if (!f) continue;
    var b = bg(el), r = (Math.max(f.l, b) + 0.05) / (Math.min(f.l, b) + 0.05); n++;
    if (r < worst) { worst = r; worstText = el.tagName + ':' + own.trim().slice(0, 40); }
  }
  var de = document.documentElement, tables = document.querySelectorAll('table'), wide = [];
  var cw = de.clientWidth;
  tables.forEach(function (t) { if (t.getBoundingClientRect().right > cw + 1) wide.push(t.id); });
  var noCaption = [], noScope = 0;
  tables.forEach(function (t) { var c = t.querySelector('caption'); if (!c || c.textContent.trim().length < 10) noCaption.push(t.id);
    t.querySelectorAll('th').forEach(function (h) { if (!h.getAttribute('scope')) noScope++; }); });
  var imgs = [];
  document.querySelectorAll('figure').forEach(function (f) { var im = f.querySelector('img'), fc = f.querySelector('figcaption');
    imgs.push({alt: im.getAttribute('alt') || '', caption: fc ? fc.textContent : ''}); });
  var summary = document.querySelectorAll('#summary li').length;
  document.body.setAttribute('data-a11y', JSON.stringify({scrollWidth: de.scrollWidth, clientWidth: cw, wide: wide,
    tables: tables.length, noCaption: noCaption, noScope: noScope, imgs: imgs, summary: summary,
    contrast: worst, contrastAt: worstText, textElements: n}));
});
</script>
"""


def _browser() -> str | None:
    return saferstats.report.find_browser()


def _probe(browser: str, page: str, tmp_path: Path, width: int, *flags: str) -> dict:
    import tempfile

    probe = tmp_path / f"probe{width}.html"
    probe.write_text(page)
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                              f"--user-data-dir={profile}", f"--window-size={width},1123", "--virtual-time-budget=10000",
                              *flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=180)
    m = re.search(r'data-a11y="([^"]*)"', run.stdout)
    assert m, run.stderr[-2000:]
    return json.loads(html.unescape(m.group(1)))


def test_print_layout_fits_the_a4_text_width(demo_doc, tmp_path):
    """The print stylesheet applied on screen at the printed text width (A4 210 mm less 2 x 14 mm
    margins = 182 mm = 688 CSS px): no table is wider than the page, so none is cut off in the PDF."""
    browser = _browser()
    if browser is None:
        pytest.skip("Chromium is not installed here (make browser installs it); the print check is skipped")
    page = (demo_doc / "index.html").read_text()
    assert "@media print{" in page and "@page{size:A4" in page
    page = page.replace("@media print{", "@media screen{").replace("</body>", _A11Y_JS + "</body>")
    r = _probe(browser, page, tmp_path, 688, "--hide-scrollbars")
    assert r["clientWidth"] == 688 and r["scrollWidth"] <= 689 and r["wide"] == [], r


def test_document_in_chromium_at_a4_width(demo_doc, tmp_path):
    """A4 is 210 mm = 794 CSS px: the page must not scroll sideways and no table may stick out;
    every table has a caption and scoped headers, every figure alt text that is not its caption,
    the summary is there, and text contrast is at least WCAG AA (4.5:1)."""
    browser = _browser()
    if browser is None:
        pytest.skip("Chromium is not installed here (make browser installs it); the document check is skipped")
    page = (demo_doc / "index.html").read_text().replace("</body>", _A11Y_JS + "</body>")
    r = _probe(browser, page, tmp_path, 794)
    assert r["scrollWidth"] <= r["clientWidth"] + 1 and r["wide"] == [], r
    assert r["tables"] >= 13 and r["noCaption"] == [] and r["noScope"] == 0
    assert len(r["imgs"]) >= 8
    for im in r["imgs"]:
        assert len(im["alt"]) > 60 and im["alt"].strip() != im["caption"].strip()
    assert r["summary"] >= 4
    assert r["contrast"] >= 4.5, r["contrastAt"]
    assert r["textElements"] > 500


def test_pdf_pages_render_and_are_not_blank(demo_doc):
    if _browser() is None:
        pytest.skip("Chromium is not installed here (make browser installs it); --pdf is skipped")
    pdfium = pytest.importorskip("pypdfium2")
    path = demo_doc / "report.pdf"
    assert path.read_bytes()[:5] == b"%PDF-"
    pdf = pdfium.PdfDocument(str(path))
    assert len(pdf) >= 10
    text = ""
    for i in range(len(pdf)):
        page = pdf[i]
        w, h = page.get_size()
        assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2  # A4 in points
        img = np.asarray(page.render(scale=0.5).to_pil().convert("L"))
        said = page.get_textpage().get_text_range()
        # ink, or words beyond the marking and page number: a page with a light figure and its caption
        # alone (the forest plot, session 23) has little dark ink at this scale but is not blank
        body = re.sub(r"OFFICIAL|Page \d+ of \d+", "", said).split()
        assert (img < 128).sum() > 100 or len(body) >= 10, f"page {i + 1} is blank"
        text += said + "\n"
    flat = " ".join(text.split())
    assert flat.count("OFFICIAL") >= 2 * len(pdf)  # the marking on every page, top and bottom
    assert "Executive summary" in flat and "statistically significant rise" in flat
    assert "Hertfordshire Community Safety Strategic Assessment" in flat
    pdf.close()


def test_headless_print_of_a_small_report(tmp_path):
    """`--pdf` on a config: report.pdf beside index.html, listed in the manifest (a rerun replaces it)."""
    if _browser() is None:
        pytest.skip("Chromium is not installed here; --pdf is skipped")
    cfg = _cfg(tmp_path)
    out = tmp_path / "out"
    for _ in range(2):
        assert main(["report", "--config", str(cfg), "--out", str(out), "--quiet", "--pdf"]) == 0
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert "report.pdf" in json.loads((out / ".saferstats-report.json").read_text())["files"]


# ---------------------------------------------------------------------- the Word copy

def test_docx_is_an_editable_copy_of_the_report(tmp_path):
    docx = pytest.importorskip("docx")
    cfg = _cfg(tmp_path, report='[report]\nprotective_marking = "OFFICIAL-SENSITIVE"\nauthor = "A. Analyst"\n',
               area='area = "Dacorum"')
    out = tmp_path / "out"
    assert main(["report", "--config", str(cfg), "--out", str(out), "--quiet", "--docx"]) == 0
    d = docx.Document(str(out / "report.docx"))
    text = "\n".join(p.text for p in d.paragraphs)
    for part in ("Executive summary", "Key findings", "Data limitations", "Glossary", "Author: A. Analyst"):
        assert part in text, part
    page = (out / "index.html").read_text()
    assert len(d.tables) == page.count("<table") == 2
    headers = [c.text for c in d.tables[0].rows[0].cells]
    assert "Lower 95% limit" in headers and "lower" not in headers
    alts = [s._inline.docPr.get("descr") for s in d.inline_shapes]
    assert len(alts) == 1 and alts[0].startswith("Funnel plot of hate crime rates for 6 districts")
    assert all(s.header.paragraphs[0].text == "OFFICIAL-SENSITIVE" for s in d.sections)
    assert "report.docx" in json.loads((out / ".saferstats-report.json").read_text())["files"]

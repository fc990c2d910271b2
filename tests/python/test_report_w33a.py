"""Session 23 (w33a): the report's key findings when a findings function fails, the report's own
force first in the stop-and-search findings, and the outcome paragraph's word on the searches left
out as ethnicity not stated."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from search_tables import black_white_rows, search_section

import saferstats
from saferstats.report import summary as summary_module
from saferstats.report.render import render_html
from saferstats.report.sections import Section, Table
from saferstats.report.summary import executive_summary

CFG = {"title": "Test", "area": "Essex", "confidence": 0.95, "disclosure_threshold": 5}


def _two_sections() -> list[Section]:
    ch = pd.DataFrame({"district": ["A", "B"], "period_from": ["2017-18"] * 2, "period_to": ["2018-19"] * 2,
                       "count_from": [700, 770], "count_to": [780, 820], "pct_change": [11.4, 6.5],
                       "pct_lower": [0.6, -3.6], "pct_upper": [23.3, 17.6], "p_value": [0.04, 0.2]})
    hate = Section("hate_crime", "Hate crime: A and B", "", "", tables=[Table("hate_crime_change", "", ch)])
    return [hate, search_section(black_white_rows({"Essex": 4.78}, searches=(395, 3834)))]


def _raise(s: Section, cfg: dict) -> list[str]:
    raise ValueError("the disproportionality table has no rows for Essex")


def test_a_finder_that_raises_is_said_in_the_report_and_on_the_console(monkeypatch, tmp_path):
    """The findings function's error was a warning and an empty section (an empty-table crash went
    unseen). The key findings now say, under the section's heading, that they could not be produced
    and why (the message, no Python names), the console names the section and the error, and the
    other sections' findings stand."""
    monkeypatch.setitem(summary_module._FINDERS, "stop_search", _raise)
    with pytest.warns(saferstats.SaferstatsWarning) as got:
        page = render_html(CFG, _two_sections())
    said = [str(w.message) for w in got if "could not be produced" in str(w.message)]
    assert said == ["report: the key findings for 'Stop and search' could not be produced (ValueError: the "
                    "disproportionality table has no rows for Essex); the report says so in its key findings, and "
                    "its tables and figures are in the report"]
    findings = page.split("<section id='findings'", 1)[1].split("</section>", 1)[0]
    want = ("The key findings for Stop and search could not be produced: the disproportionality table has no rows "
            "for Essex. The section's tables and figures are in the report, but this summary states nothing from "
            "them; ask the analyst who produced the report to check the section's data.")
    stop = findings.split("<h3>Stop and search</h3>", 1)[1]
    assert stop.startswith(f"\n<ul><li>{want.replace(chr(39), '&#39;')}</li></ul>")
    assert "ValueError" not in page and "_raise" not in page and "Traceback" not in page
    # the other section's findings are still there
    assert "<h3>Hate crime</h3>" in findings and "rose 8.8%" in findings

    # the Word document shares the text
    pytest.importorskip("docx")
    import docx

    from saferstats.report.docx import write_docx

    with pytest.warns(saferstats.SaferstatsWarning, match="could not be produced"):
        path = write_docx(CFG, _two_sections(), tmp_path / "r.docx")
    text = [p.text for p in docx.Document(str(path)).paragraphs]
    assert want in text


def test_a_missing_column_reads_as_such_not_as_a_python_error():
    with pytest.warns(saferstats.SaferstatsWarning, match=r"'Stop and search' could not be produced \(KeyError: "
                                                          r"the section's table has no 'ratio_lower' column"):
        out = executive_summary([search_section(pd.DataFrame({"force": ["Essex"], "group": ["Black"],
                                                              "ratio": [4.78]}))], CFG)
    assert out.findings["stop_search"][0].startswith(
        "The key findings for Stop and search could not be produced: the section's table has no 'ratio_lower' "
        "column or entry. ")


def test_the_demo_report_has_every_sections_findings(tmp_path):
    """Guard: a findings function that raises on the demo (bundled real data) fails this test, not
    just a line on the console."""
    from saferstats.report import build_report, demo_config

    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        build_report(demo_config(), tmp_path / "demo", quiet=True)
    failed = [str(w.message) for w in got if "could not be produced" in str(w.message)]
    assert failed == []
    page = (tmp_path / "demo" / "index.html").read_text(encoding="utf-8")
    assert "could not be produced" not in page
    for key in ("hate_crime", "stop_search", "flytipping", "hotspots", "s136"):
        assert f"<section id='{key}'>" in page


@pytest.mark.parametrize(("area", "first"), [("Derbyshire", 0), ("Leicestershire", 2)])
def test_the_reports_own_force_leads_the_stop_search_findings(area, first):
    """``_stop_search`` put the report's force first with ``if at:``, which skips position 0 (there the
    force is already first, so the sentence was right; the test pins both positions)."""
    d = black_white_rows({"Derbyshire": 3.4, "Durham": 2.1, "Leicestershire": 5.5}, searches=(300, 900))
    out = executive_summary([search_section(d)], {**CFG, "area": area})
    assert list(d.force.unique()).index(area) == first
    said = {"Derbyshire": "3.40 times the rate of White people (95% CI 3.06 to 3.74)",
            "Leicestershire": "5.50 times the rate of White people (95% CI 4.95 to 6.05)"}[area]
    assert out.findings["stop_search"][0] == (f"In {area}, Black people were searched at {said}, a statistically "
                                              "significant difference.")
    assert out.headline[0] == out.findings["stop_search"][0]

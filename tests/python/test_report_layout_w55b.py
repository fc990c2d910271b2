"""Session 33 (w55b): the report laid each table out twice. ``render_html`` laid every table out for
the glossary (``summary.glossary_for``, through ``executive_summary``) and again for the page
(``render._view``); ``write_docx`` did the same (0.7 s of the demo report, 1.2 s of
``examples/hertfordshire_published.toml``'s). Now ``tables.one_layout`` keeps each table's layout
for one build. The waste is counted with ``unittest.mock`` (the cells formatted: ``tables._cell``
is called once per cell shown); the page is checked against the same page with every table laid
out afresh, and against the figures written out by hand."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest

from saferstats.report import tables
from saferstats.report.render import render_html
from saferstats.report.sections import Section, Table

CFG = {"title": "Layout", "area": "", "confidence": 0.95, "disclosure_threshold": 5}


def _sections() -> list[Section]:
    counts = pd.DataFrame({"la_name": ["Kingston upon Hull, City of", "Dacorum"], "incidents": [9, "[c]"],
                           "significance": ["High (0.025)", "Within"]})
    rates = pd.DataFrame({"group": ["Black", "Asian"], "ratio": [3.214, 1.5], "ratio_lower": [2.5, 1.1],
                          "ratio_upper": [4.07, 2.0], "ratio_method": ["katz", "katz"]})
    return [Section("hate_crime", "Hate crime: demo", "Intro", "Mine", tables=[Table("counts", "Counts", counts)]),
            Section("stop_search", "Stop and search: demo", "Intro", "Mine", tables=[Table("rates", "Rates", rates)])]


def _cells_shown(sections: list[Section]) -> int:
    return sum(len(d.rows) * len(d.headers) for s in sections for t in s.tables
               for d in [tables.display_table(t.page, t.caption, confidence=0.95)])


def test_render_html_lays_each_table_out_once() -> None:
    """Before: 2 x 14 = 28 cells formatted for 2 tables of 2 rows (2 x 3 and 2 x 4 cells shown: the
    constant ratio method goes to the caption), once for the glossary and once for the page; now 14."""
    sections = _sections()
    assert _cells_shown(sections) == 2 * 3 + 2 * 4
    with mock.patch.object(tables, "_cell", wraps=tables._cell) as cell:
        render_html(CFG, sections)
    assert cell.call_count == 14


def test_write_docx_lays_each_table_out_once(tmp_path: Path) -> None:
    """Before: 28 cells formatted (the glossary, then the Word tables); now 14."""
    pytest.importorskip("docx")
    from saferstats.report.docx import write_docx

    with mock.patch.object(tables, "_cell", wraps=tables._cell) as cell:
        write_docx(CFG, _sections(), tmp_path / "r.docx")
    assert cell.call_count == 14


def test_the_page_is_the_page_laid_out_afresh() -> None:
    """The page with the layouts kept is the page with every table laid out at each use (the cache
    turned off), and says what the tables say, written out by hand: Hull by the name the text uses,
    the funnel's words, the ratio to 2 decimals with its limits, the method in the caption, and the
    glossary's [c] (from a cell) and confidence interval (from the heads)."""
    kept = render_html(CFG, _sections())
    with mock.patch.object(tables, "one_layout", contextlib.nullcontext):
        fresh = render_html(CFG, _sections())
    strip = lambda page: re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "TIME", page)  # noqa: E731
    assert strip(kept) == strip(fresh)
    words = " ".join(re.sub(r"<[^>]+>", " ", kept).split())
    for said in ("Kingston upon Hull 9 Above the 95% limit", "Dacorum [c]", "Black 3.21 2.50 4.07",
                 "Asian 1.50 1.10 2.00", "Ratio method: standard interval."):
        assert said in words, said
    assert "Kingston upon Hull, City of" not in words
    assert re.search(r"<dt[^>]*>\s*\[c\]", kept) or "[c]</" in kept


def test_outside_a_build_each_call_lays_out_and_copies_are_separate() -> None:
    """display_table alone keeps nothing (2 calls: 2 x 6 cells); within one_layout the second call
    formats nothing, and changing one caller's rows leaves the next caller's as laid out."""
    frame = _sections()[0].tables[0].page
    with mock.patch.object(tables, "_cell", wraps=tables._cell) as cell:
        tables.display_table(frame, "Counts")
        tables.display_table(frame, "Counts")
        assert cell.call_count == 12
        with tables.one_layout():
            a = tables.display_table(frame, "Counts")
            a.rows[0][0] = "changed"
            b = tables.display_table(frame, "Counts")
            c = tables.display_table(frame, "Other counts")  # another caption: laid out again
        assert cell.call_count == 12 + 6 + 6
    assert b.rows[0] == ["Kingston upon Hull", "9", "Above the 95% limit"]
    assert c.caption == "Other counts. [c] = suppressed to protect small numbers."

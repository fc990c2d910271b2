"""An editable Word copy of the report (``saferstats report --docx``): the same title page, summary,
key findings, sections (figures with their alt text, readable tables), limitations and glossary as
the HTML, on A4 with the protective marking in every page's header and footer. Needs
``python-docx`` (``pip install python-docx``; in the ``docx`` and ``dev`` extras).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .sections import Section

__all__ = ["write_docx", "docx_available"]


def docx_available() -> bool:
    """Whether python-docx is installed (the Word copy needs it).

    >>> isinstance(docx_available(), bool)
    True
    """
    try:
        import docx  # noqa: F401
    except ImportError:
        return False
    return True


def write_docx(cfg: dict, sections: Sequence[Section], path: str | Path) -> Path:
    """Write the report as a Word document at ``path`` (built from the same pieces as the page:
    :func:`saferstats.report.summary.executive_summary`, :func:`saferstats.report.tables.display_table`,
    :func:`saferstats.report.alt.figure_alt`).

    >>> import tempfile, pandas as pd
    >>> from saferstats.report.sections import Section, Table
    >>> cfg = {"title": "Demo", "area": "Dacorum", "confidence": 0.95, "disclosure_threshold": 5}
    >>> t = Table("t", "Counts", pd.DataFrame({"district": ["Dacorum"], "count": [1234]}))
    >>> p = write_docx(cfg, [Section("hate_crime", "Hate crime: demo", "Intro", "Mine", tables=[t])],
    ...                Path(tempfile.mkdtemp()) / "report.docx")
    >>> import docx
    >>> d = docx.Document(str(p))
    >>> d.tables[-1].rows[1].cells[1].text, d.sections[0].header.paragraphs[0].text
    ('1,234', 'OFFICIAL')
    """
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from .alt import figure_alt
    from .render import _meta, _methods_appendix
    from .summary import executive_summary
    from .tables import display_table, one_layout

    meta = _meta(cfg, sections)
    with one_layout():  # each table laid out once, for the glossary and the Word tables
        summary = executive_summary(sections, cfg)
        shown = {id(t): display_table(t.page, t.caption, confidence=cfg["confidence"])
                 for s in sections for t in s.tables}
    doc = docx.Document()
    style: Any = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5)
    for sec in doc.sections:
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.left_margin = sec.right_margin = Mm(18)
        sec.top_margin = sec.bottom_margin = Mm(18)
        for part in (sec.header, sec.footer):
            p = part.paragraphs[0]
            p.text = meta["protective_marking"]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for r in p.runs:
                r.bold = True
    p = doc.add_paragraph(meta["protective_marking"])
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading(meta["title"], 0)
    rows = [("Area", meta["area"]), ("Period", meta["period"]), ("Data periods", meta.get("data_periods", "")),
            ("Author", meta["author"]),
            ("Version", meta["version"]), ("Protective marking", meta["protective_marking"]),
            ("Produced", f"{meta['generated']} with saferstats {meta['saferstats_version']}")]
    for k, v in rows:
        if v:
            para = doc.add_paragraph()
            para.add_run(f"{k}: ").bold = True
            para.add_run(str(v))
    doc.add_paragraph(f"Confidence level {meta['confidence']}. Small counts suppressed below {meta['threshold']}.")
    doc.add_page_break()
    doc.add_heading("Executive summary", 1)
    for line in summary.headline:
        doc.add_paragraph(line, style="List Bullet")
    if summary.periods:
        doc.add_paragraph(summary.periods)
    doc.add_heading("Key findings", 1)
    for s in sections:
        if summary.findings.get(s.key):
            doc.add_heading(s.title.split(":")[0], 2)
            for line in summary.findings[s.key]:
                doc.add_paragraph(line, style="List Bullet")
    for s in sections:
        doc.add_page_break()
        doc.add_heading(s.title, 1)
        doc.add_paragraph(s.intro)
        if s.source:
            doc.add_paragraph(f"Source: {s.source}").runs[0].italic = True
        for f in s.figures:
            doc.add_picture(io.BytesIO(f.png), width=Mm(165))
            pic = doc.inline_shapes[-1]
            pic._inline.docPr.set("descr", figure_alt(s, f, cfg))  # alt text for screen readers
            doc.add_paragraph(f.caption, style="Caption")
        for t in s.tables:
            d = shown[id(t)]
            doc.add_paragraph(d.caption, style="Caption")
            table = doc.add_table(rows=1, cols=len(d.headers))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            size = Pt(8 if len(d.headers) <= 8 else 7)
            for cell, h in zip(table.rows[0].cells, d.headers):
                cell.text = h
                for r in cell.paragraphs[0].runs:
                    r.bold, r.font.size = True, size
            _repeat_header(table.rows[0])
            for row in d.rows:
                cells = table.add_row().cells
                for i, (cell, v) in enumerate(zip(cells, row)):
                    cell.text = v
                    para = cell.paragraphs[0]
                    if d.numeric[i]:
                        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    for r in para.runs:
                        r.font.size = size
            doc.add_paragraph(f"Data: {t.name}.csv").runs[0].italic = True
    doc.add_page_break()
    doc.add_heading("Data limitations", 1)
    for line in summary.limitations:
        doc.add_paragraph(line, style="List Bullet")
    doc.add_heading("Glossary", 1)
    for term, text in summary.glossary:
        para = doc.add_paragraph()
        para.add_run(f"{term}: ").bold = True
        para.add_run(text)
    doc.add_heading("Methods appendix", 1)
    for item in _methods_appendix(cfg, sections):
        doc.add_paragraph(item, style="List Bullet")
    path = Path(path)
    doc.save(str(path))
    return path


def _repeat_header(row: Any) -> None:
    """Mark a table's first row as a header row (repeated on each page; read as headers)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)

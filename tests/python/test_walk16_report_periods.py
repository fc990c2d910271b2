"""The report's sections cover different periods (walk-through 16, a City of London analyst: the
Home Office hate crime table ends in 2018/19, police.uk stop and search is 2019-20 or 2023, Defra's
fly-tipping 2021/22). With `[report] period = "January to December 2023"` the title page said only
that, and the executive summary put "hate crime rose 78%" beside "searched at 9.5 times the rate"
with nothing to say they were years apart. Now the title page lists each section's data period
beside the configured one, and the summary says when the sections' periods differ.

The expected periods are read independently: the hate crime table's last year with the csv module,
the stop-and-search months from the bundled files' names."""

from __future__ import annotations

import csv
import re

import saferstats
from conftest import build_report


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def _expected():
    with open(saferstats.datasets.hate_crime_table_path(), newline="", encoding="utf-8") as fh:
        years = sorted({r["Year"] for r in csv.DictReader(fh)})
    hc = years[-1].replace("-", "/")  # "2018-19" as published, "2018/19" in the report
    months = sorted(f.name[:7] for f in saferstats.datasets.stop_search_sample_path().iterdir())
    import calendar

    def mon(m):
        return f"{calendar.month_abbr[int(m[5:])]} {m[:4]}"

    return hc, f"{mon(months[0])} to {mon(months[-1])}"


def _config(period_line: str) -> str:
    return (f'title = "T"\narea = "Leicestershire"\n[report]\n{period_line}\n'
            f'[hate_crime]\nfile = "{saferstats.datasets.hate_crime_table_path()}"\n'
            f'[stop_search]\nfiles = ["{saferstats.datasets.stop_search_sample_path()}"]\n')


def test_title_page_and_summary_name_each_sections_period(tmp_path):
    hc, ss = _expected()
    out = build_report(tmp_path, _config('period = "January to December 2023"'))
    page = _text((out / "index.html").read_text(encoding="utf-8"))
    assert "Period January to December 2023" in page
    assert f"Data periods hate crime {hc}; stop and search {ss}" in page
    assert f"The sections cover different periods (hate crime {hc}; stop and search {ss})" in page
    # and in the Word copy's summary
    from saferstats.report import docx as rd

    if rd.docx_available():
        import docx

        from saferstats.__main__ import main

        assert main(["report", "--config", str(tmp_path / "a.toml"), "--out", str(tmp_path / "w"), "--quiet",
                     "--docx"]) == 0
        words = "\n".join(p.text for p in docx.Document(str(tmp_path / "w" / "report.docx")).paragraphs)
        assert f"The sections cover different periods (hate crime {hc}; stop and search {ss})" in words
        assert f"Data periods: hate crime {hc}; stop and search {ss}" in words


def test_no_data_periods_row_without_a_configured_period(tmp_path):
    hc, ss = _expected()
    out = build_report(tmp_path, _config(""))
    page = _text((out / "index.html").read_text(encoding="utf-8"))
    assert f"Period hate crime {hc}; stop and search {ss}" in page  # the sections' periods are the period
    assert "Data periods" not in page


def test_one_period_no_note():
    from saferstats.report.sections import Section
    from saferstats.report.summary import periods_note

    a, b = Section("hate_crime", "H", "", ""), Section("stop_search", "S", "", "")
    a.period = b.period = "2018/19"
    assert periods_note([a, b]) == ""
    b.period = ""
    assert periods_note([a, b]) == ""

"""Session 29 (w50b): report follow-ups of w48b and w48d / w49b.

1. The stop-and-search table headed its rates "Search rate (per 1,000)" whether they were per year or,
   with ``[stop_search] annualise = false``, over the months given (only the caption said which).
   police.uk Derbyshire, Dec 2019 - Feb 2020 (shared data): the heads now say "per 1,000 over the 3
   months", or "per 1,000 a year" when the rates are annualised. The months are counted from the
   police.uk files' dates with pandas.
2. The report keeps ``read_mha_annual``'s warnings about England's breakdowns that do not add up off the
   console. It matched them by the words "of England's breakdowns cover"; a warning about one breakdown
   says "covers", which those words still matched (as a prefix), so nothing leaked, but a rewording
   would have. It now matches the ``attrs`` key the warning names (``breakdowns_short`` /
   ``breakdowns_over``). A small CSV in NHS England's layout, one Section 136 use short in its
   ethnicity rows (90 + 9 of 100, counted by hand), checks the console says nothing of it while the page
   still says the 1 use with no ethnicity row (a guard: it passed before the change too).
"""

from __future__ import annotations

import html
import re
import warnings

import pandas as pd

from conftest import shared_path
import saferstats
from saferstats.__main__ import main

FOLDER = "stop_search/policeuk_7forces_2019-12_to_2020-02"


def _derbyshire_files(shared_data) -> list[str]:
    return sorted(str(f) for f in shared_path(shared_data, FOLDER).glob("*-derbyshire-stop-and-search.csv"))


def _heads(out) -> list[str]:
    """The column heads of the page's stop-and-search disproportionality table (the first table whose
    caption starts "Search rates per 1,000")."""
    page = (out / "index.html").read_text()
    tables = re.findall(r"<table.*?</table>", page, flags=re.S)
    table = next(t for t in tables if "Search rates per 1,000" in html.unescape(re.sub(r"<[^>]+>", " ", t)))
    return [html.unescape(h) for h in re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)]


def _report(tmp_path, files, extra: str = ""):
    from conftest import build_report

    listed = "[" + ", ".join(f'"{f}"' for f in files) + "]"
    return build_report(tmp_path, f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = {listed}\n'
                                  f'census = "2011"\n{extra}')


def test_search_rate_heads_say_over_the_months_when_not_annualised(tmp_path, shared_data):
    files = _derbyshire_files(shared_data)
    raw = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files])
    months = sorted(raw["Date"].str[:7].unique())
    assert months == ["2019-12", "2020-01", "2020-02"]  # three months of searches, not a year
    heads = _heads(_report(tmp_path, files, "annualise = false\n"))
    assert "Search rate (per 1,000 over the 3 months)" in heads
    assert "Search rate (per 1,000 over the 3 months): lower 95% limit" in heads
    assert "Search rate (per 1,000 over the 3 months): upper 95% limit" in heads
    assert "Search rate (per 1,000)" not in heads  # (before: the Home Office's yearly rates' head)


def test_search_rate_heads_say_a_year_when_annualised(tmp_path, shared_data):
    heads = _heads(_report(tmp_path, _derbyshire_files(shared_data)))
    assert "Search rate (per 1,000 a year)" in heads
    assert "Search rate (per 1,000 a year): lower 95% limit" in heads
    assert "Search rate (per 1,000)" not in heads


HEAD = ("Year,Measure,measureSubcategory,Demographic,DemographicBreakdown,OrganisationBreakdown,Datasource,"
        "OrgID,OrgName,MHSDS_Count,Acute_Count,Total_Count,CrudeRate,StdRate,Confidence_interval\n")
#: England's Section 136 uses: 100 by age (60 + 40), by gender (99 + 1 Missing); by ethnicity 90 of a
#: known group (50 + 20 + 10 + 5 + 5) and 9 Unknown: 99, one use in no ethnicity row
ROWS = [("All", "All", 100), ("Age", "All", 100), ("Age", "18 to 34", 60), ("Age", "35 to 49", 40),
        ("Ethnicity", "All", 90), ("Ethnicity", "White", 50), ("Ethnicity", "Black or Black British", 20),
        ("Ethnicity", "Asian or Asian British", 10), ("Ethnicity", "Mixed", 5), ("Ethnicity", "Other Ethnic Groups", 5),
        ("Ethnicity", "Unknown", 9), ("Gender", "All genders", 99), ("Gender", "Missing", 1)]


def _mha_run(tmp_path, capsys, rows):
    """Write ``rows`` as England's Section 136 rows of an NHS England MHA file; the reader's table and
    warnings, then every warning and console line of ``saferstats report`` on it, and the page's text."""
    f = tmp_path / "mha.csv"
    f.write_text(HEAD + "".join(f"2023/24,Short term orders,Section 136,{d},{b},All submissions,MHSDS,All prov,"
                                f"All providers,{n},0,{n},,,\n" for d, b, n in rows))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        t = saferstats.read_mha_annual(f)
    read = [str(w.message) for w in seen]
    cfg = tmp_path / "a.toml"
    cfg.write_text(f'title = "T"\narea = "Merseyside"\n[s136]\nmha_file = "{f}"\n')
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o")]) == 0
    console = capsys.readouterr()
    said = [str(w.message) for w in seen] + [console.out, console.err]
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", (tmp_path / "o" / "index.html").read_text())).split())
    return t, read, said, page


def test_one_short_mha_breakdown_stays_off_the_console_and_is_said_on_the_page(tmp_path, capsys):
    assert 50 + 20 + 10 + 5 + 5 == 90 and 100 - (90 + 9) == 1
    t, read, said, page = _mha_run(tmp_path, capsys, ROWS)
    # the premise: the reader warns of one breakdown, in the singular
    assert [(x["demographic"], x["in_no_row"]) for x in t.attrs["breakdowns_short"]] == [("Ethnicity", 1.0)]
    assert any("1 of England's breakdowns covers fewer cases" in m for m in read)
    assert not [m for m in said if "breakdowns_short" in m or "England's breakdowns cover" in m], said
    assert ("10 of the 100 uses recorded by mental health services (10.0%) are in no ethnic group's rate: 9 recorded "
            "as Not Known or Not Stated, and 1 with no ethnicity row at all.") in page


def test_one_mha_breakdown_over_its_total_stays_off_the_console_as_several_do(tmp_path, capsys):
    """The warning of breakdowns over their total (w49b) is kept off the console in the plural
    ("2 of England's breakdowns cover more cases", NHS England 2023-24), and so about one."""
    # Gender 'All genders' 100 + 'Missing' 1 = 101 of 100
    rows = [r if r[:2] != ("Gender", "All genders") else (*r[:2], 100) for r in ROWS]
    rows = [r if r[:2] != ("Ethnicity", "Unknown") else (*r[:2], 10) for r in rows]  # ethnicity adds up: 90 + 10
    t, read, said, _ = _mha_run(tmp_path, capsys, rows)
    assert [(x["demographic"], x["over_total"]) for x in t.attrs["breakdowns_over"]] == [("Gender", 1.0)]
    assert any("1 of England's breakdowns covers more cases" in m for m in read)
    assert not [m for m in said if "breakdowns_over" in m or "England's breakdowns cover" in m], said

"""Session 34 (x5): the report's loops over tables that carry a reader's attrs. pandas deep-copies a
frame's ``.attrs`` into every column, row and group taken from it, and the fly-tipping data carry
:func:`saferstats.read_flytipping`'s (its dropped rows, totals, flagged points): on Defra's whole
table, the fly-tipping section and its findings made 7,504 such copies in the report's own lines
(5.8 of the 18 s of building them; now 1,091, 0.8 s), mostly in ``_basis_changes`` (a copy into each
council's group), ``_since_steps`` (the area and period columns read again for each step),
``_series_gaps`` and the findings' three ``iterrows()`` over the trend table; the stop-and-search
section and findings did the same on a smaller scale (``compare_mask``, the find table's
``astype`` calls, the find and arrest findings' ``iterrows()``). Those loops now read a frame
without attrs (:func:`saferstats.report.tables.bare`) or read the column once.

Each test counts, with ``pandas.core.generic.deepcopy`` wrapped, the copies made in the lines of
one function (the innermost frame of the report package), building the demo report's fly-tipping
and stop-and-search sections once; before the change each count grew with the councils, steps or
rows, now it does not. The page is the one the base commit (19f4c997) wrote for the same
configuration (its SHA-256, figures' base64 and the run's time taken out, computed from that
commit's output); the frames the functions return are checked against hand-built ones."""

from __future__ import annotations

import collections
import copy
import hashlib
import inspect
import re
import sys
import tempfile
import warnings
from pathlib import Path
from types import CodeType
from typing import Any, Callable
from unittest import mock

import pandas as pd
import pytest

import saferstats.report as rep
from saferstats.report import sections, summary
from saferstats.report.render import build_report
from saferstats.report.tables import bare

REPORT = str(Path(sections.__file__).parent)


def _counting() -> tuple[collections.Counter, Callable[..., Any]]:
    """A Counter of (file, line) of the innermost frame in the report package for each deep copy
    pandas makes of a frame's attrs, and the wrapper of copy.deepcopy that fills it."""
    seen: collections.Counter = collections.Counter()

    def counted(x: Any, memo: Any = None) -> Any:
        f = sys._getframe(1)
        while f is not None and not f.f_code.co_filename.startswith(REPORT):
            f = f.f_back
        if f is not None:
            seen[(f.f_code.co_filename, f.f_lineno)] += 1
        return copy.deepcopy(x, memo)

    return seen, counted


def _lines(code: CodeType) -> tuple[str, range]:
    """The file and lines of a function's code (its comprehensions' and nested functions' too)."""
    last = max(line for *_, line in code.co_lines() if line is not None)
    return code.co_filename, range(code.co_firstlineno, last + 1)


def _nested(func: Any, name: str) -> CodeType:
    """The code of the function ``name`` defined inside ``func``."""
    return next(c for c in func.__code__.co_consts if isinstance(c, CodeType) and c.co_name == name)


def copies_in(seen: collections.Counter, code: CodeType) -> int:
    where, lines = _lines(code)
    return sum(n for (f, line), n in seen.items() if f == where and line in lines)


@pytest.fixture(scope="module")
def demo():
    """The demo's fly-tipping and stop-and-search sections (Hertfordshire's councils; the package's
    police.uk sample) built once as a page, counting the deep copies of attrs."""
    cfg = {k: v for k, v in rep.demo_config().items() if k not in ("hate_crime", "hotspots", "s136")}
    seen, counted = _counting()
    with warnings.catch_warnings(), mock.patch("pandas.core.generic.deepcopy", side_effect=counted):
        warnings.simplefilter("ignore")
        page = build_report(cfg, Path(tempfile.mkdtemp()) / "o", quiet=True)
    return page.read_text(encoding="utf-8"), seen


def test_the_page_is_the_same(demo):
    """The page is the base commit's for this configuration (hash of its output, computed there)."""
    text = re.sub(r"base64,[^\"']*", "B64", demo[0])
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "TIME", text)
    assert hashlib.sha256(text.encode()).hexdigest() == BASE_PAGE


BASE_PAGE = "a318522a7d3771b5d8a4794afcbf285665e1c285f41504b692156718b2bcb64a"


def test_the_fly_tipping_section_copies_no_attrs_per_council(demo):
    """Before: the demo's ten councils made 76 copies of the reader's attrs in _basis_changes (one
    into each council's group, and again for each column read from it), 32 in _series_gaps and 14
    in the spans of each council's years; now 1 (the rows it returns), 2 (the period column, read
    once) and none."""
    seen = demo[1]
    assert _copies_between(seen, sections._flytipping, 'frame.attrs["spans"] = {', "s.intro += _series_gaps(") == 0
    assert copies_in(seen, sections._basis_changes.__code__) <= 1
    assert copies_in(seen, sections._series_gaps.__code__) <= 2


def test_the_fly_tipping_findings_read_the_trend_table_once(demo):
    """Before: the fly-tipping findings made 38 copies on the demo (one into each row of the trend
    table, three times over, and the council names again for each step); now 11, none of them in a
    loop (the names, the councils without a step, the steepest rise)."""
    assert copies_in(demo[1], summary._flytipping.__code__) <= 11


def _between(func: Any, first: str, last: str) -> tuple[str, range]:
    """The file and lines of ``func`` from the line with ``first`` to the next with ``last`` (not it)."""
    src, at = inspect.getsourcelines(func)
    i = next(k for k, line in enumerate(src) if first in line)
    j = next(k for k, line in enumerate(src) if k > i and last in line)
    return str(inspect.getsourcefile(func)), range(at + i, at + j)


def _copies_between(seen: collections.Counter, func: Any, first: str, last: str) -> int:
    where, lines = _between(func, first, last)
    return sum(n for (f, line), n in seen.items() if f == where and line in lines)


def test_the_stop_search_find_finding_reads_its_rows_bare(demo):
    """Before: the find-rate finding's three iterrows() over the find table made a copy of its
    attrs into each row: 60 on the demo; now none."""
    assert _copies_between(demo[1], summary._stop_search, "sig_at = [i for i, r in", "could not be compared with") == 0


def test_the_stop_search_find_table_copies_no_attrs_per_column(demo):
    """Before: the find table's astype calls (the rate, its limits and comparisons made object to
    hold "withheld", the finds blanked) made a copy of its attrs for each column changed, and the
    withheld column was read with its table's: 90 on the demo; now 1 (the columns taken). Its attrs
    are put back: the page above is the same."""
    assert _copies_between(demo[1], sections._stop_search, "finds = _mark(_round(out[find_cols], 3), f_hidden)",
                           "finds_page = finds") <= 1


def test_the_stop_search_comparisons_copy_nothing_per_stratum(demo):
    """Before: compare_mask and stratum_of made 30 copies each on the demo (the find and arrest
    tables' attrs, for each column they read); now none."""
    seen = demo[1]
    assert copies_in(seen, _nested(sections._stop_search, "compare_mask")) == 0
    assert copies_in(seen, _nested(sections._stop_search, "stratum_of")) == 0


def test_the_arrest_finding_reads_its_rows_bare():
    """Before: 28 copies of the arrest table's attrs for eight rows (three iterrows() and the rows
    said); now none. The finding is the one written out here by hand from the table: the four
    significant differences (diff_lower above 0), 30% and 35% against White people's 25%."""
    a = pd.DataFrame({"force": ["Essex"] * 4 + ["Kent"] * 4, "group": ["Asian", "Black", "Other", "White"] * 2,
                      "rate": [0.3, 0.35, 0.2, 0.25] * 2, "diff": [0.05, 0.10, -0.05, 0.0] * 2,
                      "diff_lower": [0.01, 0.02, -0.1, None] * 2, "diff_upper": [0.09, 0.2, 0.01, None] * 2,
                      "p_value": [0.01, 0.001, 0.2, None] * 2})
    a.attrs = {"rows_read": [{"line": i} for i in range(300)], "alpha": 0.05}
    seen, counted = _counting()
    with mock.patch("pandas.core.generic.deepcopy", side_effect=counted):
        text = summary._arrest_findings(a, {"area": "", "confidence": 0.95})
    assert copies_in(seen, summary._arrest_findings.__code__) == 0
    assert text[0].startswith("Arrest rates (the share of searches that ended in arrest, compared because no find rate "
                              "could be; an arrest is not a find) differed statistically significantly from White "
                              "people's for Asian people in Essex (30% against 25%, higher), Black people in Essex (35% "
                              "against 25%, higher), Asian people in Kent (30% against 25%, higher) and Black people in "
                              "Kent (35% against 25%, higher).")


def _stepped(n: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """``n`` councils over six years, each with a step after its third year, with a reader's attrs."""
    years = [f"20{y}/{y + 1}" for y in range(16, 22)]
    rows = [(f"C{i:02d}", y, 100 * (3 if j >= 3 else 1) + j + i, 100_000) for i in range(n) for j, y in enumerate(years)]
    data = pd.DataFrame(rows, columns=["la", "year", "incidents", "population"])
    data.attrs = {"dropped": [{"line": i, "why": "a total row"} for i in range(500)], "summary": {"rows": len(data)}}
    steps = {f"C{i:02d}": f"2018/19 to 2019/20: {102 + i} to {303 + i}" for i in range(n)}
    return data, steps


def test_since_steps_reads_the_columns_once():
    """Before: 212 copies of the reader's attrs for 12 stepped councils (the area and period columns
    read again for each council, and its years); now 20: the one of each council's rows kept for its
    trend, and 8 once. Its rows are those from the first year after each step (by hand:
    2019/20 to 2021/22, 3 years each), the rest of the table's rows left for the comparison."""
    data, steps = _stepped(12)
    trend = pd.DataFrame({"la": sorted(steps), "method": "poisson"})
    seen, counted = _counting()
    with warnings.catch_warnings(), mock.patch("pandas.core.generic.deepcopy", side_effect=counted):
        warnings.simplefilter("ignore")
        table, _, kept, fits = sections._since_steps(data, trend, steps, "la", "year", "incidents", 0.95)
    assert copies_in(seen, sections._since_steps.__code__) <= 12 + 8
    after = data[data["year"] >= "2019/20"]
    pd.testing.assert_frame_equal(kept, after)
    assert table is not None and list(table.frame["period_from"]) == ["2019/20"] * 12
    assert list(table.frame["period_to"]) == ["2021/22"] * 12 and list(table.frame["n_periods"]) == [3] * 12


def test_basis_changes_returns_the_same_rows():
    """By hand: C00 counted customer reports in 2018/19 and 2019/20 and all incidents after (2
    years on one basis: no trend, all its rows out); C01 changed after 2018/19 (3 years since: that
    year out); the other councils kept. The rows returned keep the reader's attrs."""
    years = ["2018/19", "2019/20", "2020/21", "2021/22"]
    basis = {"C00": ["Customer/public reports only"] * 2 + ["All incidents"] * 2,
             "C01": ["Customer/public reports only"] + ["All incidents"] * 3}
    rows = [(a, y, 100 + j, basis.get(a, ["All incidents"] * 4)[j]) for a in [f"C{i:02d}" for i in range(8)]
            for j, y in enumerate(years)]
    data = pd.DataFrame(rows, columns=["la", "year", "incidents", "reporting_basis"])
    data.attrs = {"summary": {"rows": 32}}
    seen, counted = _counting()
    with mock.patch("pandas.core.generic.deepcopy", side_effect=counted):
        out, text, none = sections._basis_changes(data, "la", "year", "incidents")
    assert copies_in(seen, sections._basis_changes.__code__) <= 1  # (the rows returned, once; before: 64)
    pd.testing.assert_frame_equal(out, data.drop(index=[0, 1, 2, 3, 4]))
    assert out.attrs == {"summary": {"rows": 32}} and none == ["C00"]
    assert "changed within the series for 2 authorities" in text


def test_bare_leaves_the_frame():
    """bare: the same cells, no attrs; the frame given keeps its own."""
    t = pd.DataFrame({"a": [1, 2]})
    t.attrs["note"] = {"big": list(range(3))}
    b = bare(t)
    assert b.attrs == {} and t.attrs == {"note": {"big": [0, 1, 2]}}
    pd.testing.assert_frame_equal(b, pd.DataFrame({"a": [1, 2]}))

"""The report's audit of its stop-and-search table by CSP and month, as the disclosure tests run it
on a small table, and the reader's attack on what it publishes (``from search_audit import ...``;
tests/python is on ``sys.path`` under pytest, as for ``disclosure_attack``).

>>> frame = leicestershire_csp_months()
>>> hidden, unprotected = report_search_audit(frame, ["csp", "month"])
>>> hidden.tolist(), unprotected
([True, True, False, False, True, True], [])
>>> csp_month_attack(frame, hidden, ["leicestershire"] * len(frame))
[]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from disclosure_attack import Attack

MARK = "[c]"


def leicestershire_csp_months() -> pd.DataFrame:
    """Two Leicestershire CSPs: Charnwood in two months, Leicester in one (its other months had no
    searches, so the table has no rows for them)."""
    rows = [("Charnwood", "E22000165", "2020-01", "Black", 20), ("Charnwood", "E22000165", "2020-01", "White", 30),
            ("Charnwood", "E22000165", "2020-02", "Black", 25), ("Charnwood", "E22000165", "2020-02", "White", 35),
            ("Leicester", "E22000168", "2020-01", "Black", 2), ("Leicester", "E22000168", "2020-01", "White", 40)]
    return pd.DataFrame(rows, columns=["csp", "csp_code", "month", "group", "searches"])


def report_search_audit(frame: pd.DataFrame, by: list[str], threshold: float = 5) -> tuple[np.ndarray, list[int]]:
    """The report's audit of the searches table (report/sections.py, ``search_audit``: each cell a
    count, the known totals of _search_totals as margins, primary and secondary suppression); the
    hidden cells and the cells the audit could not protect (the report warns of them)."""
    from saferstats.report.sections import search_audit

    return search_audit(frame, by, threshold)


def csp_month_attack(frame: pd.DataFrame, hidden: np.ndarray, force: Sequence[str] | np.ndarray) -> list:
    """What a reader recovers from the published cells, each CSP's searches a month (police.uk) and
    each force's searches by group over the period, its CSPs and months (the Home Office)."""
    published = frame[["searches"]].astype(object).copy()
    published.loc[hidden, "searches"] = MARK
    a = Attack()
    a.table("s", published, frame[["searches"]], ["searches"])
    for rows in frame.groupby(["csp", "month"]).groups.values():
        a.total(("s", r, "searches") for r in rows)
    for rows in frame.assign(_force=np.asarray(force)).groupby(["_force", "group"]).groups.values():
        a.total(("s", r, "searches") for r in rows)
    return a.linear(floor_one=True)

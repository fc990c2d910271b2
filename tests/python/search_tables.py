"""The report's stop-and-search disproportionality table as the summary tests build it: rows of
search rate ratios against White people, and the section that carries them (``from search_tables
import ...``; tests/python is on ``sys.path`` under pytest, as for ``warning_capture``).

>>> rows = ratio_rows([("Black", 395, 4.778, 4.310, 5.297), ("White", 3834, 1.0, None, None)], force="Essex")
>>> [(r["force"], r["group"], r["ratio"]) for r in rows]
[('Essex', 'Black', 4.778), ('Essex', 'White', 1.0)]
>>> d = black_white_rows({"Derbyshire": 3.4}, searches=(300, 900))
>>> d[["group", "searches", "ratio", "ratio_lower", "ratio_upper"]].values.tolist()
[['Black', 300, 3.4, 3.06, 3.74], ['White', 900, 1.0, nan, nan]]
>>> search_section(d).tables[0].name
'stop_search_disproportionality'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from saferstats.report.sections import Section, Table

Row = tuple[str, Any, Any, Any, Any]  # (group, searches, ratio, ratio_lower, ratio_upper)


def ratio_rows(rows: Iterable[Row], **labels: Any) -> list[dict[str, Any]]:
    """One table row per ``(group, searches, ratio, ratio_lower, ratio_upper)``, after the area
    ``labels`` (``force=``, ``csp=``, ...), all marked reliable."""
    return [{**labels, "group": g, "searches": n, "ratio": r, "ratio_lower": lo, "ratio_upper": hi,
             "reliable": "True"} for g, n, r, lo, hi in rows]


def black_white_rows(black: Mapping[str, float], searches: tuple[int, int], white: bool = True) -> pd.DataFrame:
    """Each force's Black/White ratio (limits ratio x 0.9 and x 1.1) on ``searches`` = (Black,
    White) searches, and the White reference row unless ``white`` is False."""
    rows: list[dict[str, Any]] = []
    for force, ratio in black.items():
        rows += ratio_rows([("Black", searches[0], ratio, ratio * 0.9, ratio * 1.1)]
                           + ([("White", searches[1], 1.0, None, None)] if white else []), force=force)
    return pd.DataFrame(rows)


def search_section(table: pd.DataFrame | list[dict[str, Any]]) -> Section:
    """The stop-and-search section with ``table`` as its disproportionality table."""
    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
    return Section("stop_search", "Stop and search", "", "", tables=[Table("stop_search_disproportionality", "", frame)])


def seven_forces_by_force_month(shared_data: Any) -> pd.DataFrame:
    """police.uk, seven forces, Dec 2019 - Feb 2020: searches by force x month x group (self-defined
    ethnicity, vehicle-only and not stated left out), 105 rows, 18,202 searches (checked)."""
    import warnings

    import saferstats

    folder = shared_data / "stop_search/policeuk_7forces_2019-12_to_2020-02"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recs = saferstats.read_stop_search([str(f) for f in sorted(folder.glob("*.csv"))])
        d = saferstats.disproportionality(recs, None, by=["force", "month"], census=2011)
    t = d[["force", "month", "group", "searches"]].astype({"month": str}).reset_index(drop=True)
    assert len(t) == 105 and int(t["searches"].sum()) == 18202
    return t

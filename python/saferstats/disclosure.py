"""Small-number disclosure control for published tables (the Rust ``disclosure`` module)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from .exceptions import InvalidInputError

__all__ = ["suppress"]

_REASONS = {1: "primary", 2: "secondary"}


def suppress(
    table: pd.DataFrame,
    *,
    threshold: float = 5,
    secondary: bool = True,
    round_to: float | None = None,
    columns: Sequence[str] | None = None,
    marker: str = "[c]",
    zeros: bool = False,
) -> pd.DataFrame:
    """Suppress small counts in a table for publication.

    Method (ONS / NHS England practice): counts ``0 < n < threshold`` (default: 1–4) are hidden
    (primary); then, treating the row and column totals of the count ``columns`` as published, any
    row or column left with a single hidden cell gets a second one (secondary: preferring a cell
    whose column/row already has a hidden cell, then the smallest), repeatedly, so that no hidden
    cell can be recovered by subtraction from a total.
    ``round_to=5`` rounds the published counts to the nearest 5. Zeros are published unless
    ``zeros=True``.

    ``columns``: the count columns forming the table (default: every numeric column). Hidden cells
    show ``marker``; ``.attrs["suppression"]`` lists each hidden cell with the rule applied and
    ``.attrs["rule"]`` states the rule.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"area": ["A", "B", "C", "D"], "s2": [3, 40, 25, 52], "s3": [12, 19, 30, 44],
    ...                   "informal": [20, 33, 41, 60]})
    >>> suppress(t)
      area   s2   s3 informal
    0    A  [c]  [c]       20
    1    B   40   19       33
    2    C  [c]  [c]       41
    3    D   52   44       60
    """
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError("`table` must be a pandas DataFrame", "table")
    cols = list(columns) if columns is not None else [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    missing = [c for c in cols if c not in table.columns]
    if missing:
        raise InvalidInputError(f"table has no column(s) {missing}", "columns")
    if not cols:
        raise InvalidInputError("table has no numeric count columns to suppress", "columns")
    values = table[cols].to_numpy(dtype=np.float64, na_value=np.nan)
    published, reason = _ext.suppress(
        np.ascontiguousarray(values.ravel()), len(cols), float(threshold), bool(zeros), bool(secondary),
        None if round_to is None else float(round_to),
    )
    published = published.reshape(values.shape)
    reason = reason.reshape(values.shape)
    out = table.copy()
    cells = []
    for j, c in enumerate(cols):
        shown = pd.Series(published[:, j], index=table.index)
        hidden = reason[:, j] > 0
        as_int = np.all(np.isnan(shown[~hidden]) | (shown[~hidden] % 1 == 0))
        col = shown.astype("Int64") if as_int else shown
        out[c] = col.astype(object).where(~hidden, marker)
        for i in np.flatnonzero(hidden):
            cells.append({"row": table.index[i], "column": c, "rule": _REASONS[int(reason[i, j])]})
    out.attrs["suppression"] = cells
    out.attrs["rule"] = (
        f"counts 0 < n < {threshold:g} suppressed{' (zeros too)' if zeros else ''}"
        + ("; secondary suppression against row and column totals" if secondary else "")
        + (f"; published counts rounded to base {round_to:g}" if round_to else "")
        + f"; marker {marker!r}"
    )
    return out

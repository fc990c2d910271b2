"""Result objects: frozen dataclasses with a readable ``__repr__``, ``_repr_html_`` for Jupyter,
``to_dict()`` and ``to_pandas()``."""

from __future__ import annotations

import dataclasses
import html
from typing import Any

import numpy as np
import pandas as pd


class Result:
    """Mixin for frozen dataclass results. Scalars print in the repr; arrays and tables are
    summarised; ``to_pandas()`` returns the main table (subclasses say which)."""

    _summary_fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Every field, arrays as lists and tables as lists of records."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                v = v.tolist()
            elif isinstance(v, pd.DataFrame):
                v = v.to_dict(orient="records")
            elif isinstance(v, pd.Index):  # period labels: as text ("2024-01")
                v = [str(x) for x in v]
            out[f.name] = v
        return out

    def to_pandas(self) -> pd.DataFrame:  # pragma: no cover - overridden
        raise NotImplementedError

    def _fmt(self, v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.6g}"
        if isinstance(v, np.ndarray):
            return f"array(len={len(v)})"
        if isinstance(v, pd.DataFrame):
            return f"DataFrame({len(v)} rows)"
        return repr(v)

    def __repr__(self) -> str:
        names = self._summary_fields or tuple(f.name for f in dataclasses.fields(self))  # type: ignore[arg-type]
        body = ", ".join(f"{n}={self._fmt(getattr(self, n))}" for n in names)
        return f"{type(self).__name__}({body})"

    def _repr_html_(self) -> str:
        return f"<p><b>{type(self).__name__}</b></p>" + str(self.to_pandas()._repr_html_())


class PlainFrame:
    """Mixin for the result tables that are DataFrames with a headline (``ClusterTable``,
    ``KnoxTable``, ``PaiTable``): shown (printed or in a notebook) it starts with the headline;
    ``to_pandas()`` gives the same rows and columns as a plain DataFrame (a copy, with its
    ``attrs``), as every other result's ``to_pandas()`` does.

    >>> import saferstats
    >>> t = saferstats.pai([5, 0, 1], [9, 1, 3])
    >>> type(t.to_pandas()).__name__, t.to_pandas().equals(pd.DataFrame(t))
    ('DataFrame', True)
    """

    @property
    def _constructor(self) -> Any:
        """Selecting rows or columns gives a plain DataFrame (the headline is of the whole table);
        a table that keeps its type when selected from (``ClusterTable``) says so itself."""
        return pd.DataFrame

    def headline(self) -> str:
        """One line saying what the table shows (each table says its own)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.headline() + "\n" + str(pd.DataFrame(self).__repr__())

    def _repr_html_(self) -> str | None:
        return f"<p><b>{html.escape(self.headline())}</b></p>" + str(pd.DataFrame(self)._repr_html_())

    def to_pandas(self) -> pd.DataFrame:
        out = pd.DataFrame(self).copy()
        out.attrs = dict(getattr(self, "attrs", {}))
        return out

"""Shared argument checks and helpers of the hotspot modules (not public)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from .._frames import as_float_array
from ..exceptions import InvalidInputError, MissingValueError

#: The mean Earth radius (IUGG R1, metres) the core uses for haversine distances (the core's own
#: constant, exported by the compiled module).
EARTH_RADIUS_M: float = _ext.EARTH_RADIUS_M
_UK = (49.8, 61.0, -8.7, 2.0)  # lat min, lat max, lon min, lon max


def _int_arg(name: str, v: Any, lo: int = 0, hi: int = 2**63 - 1) -> int:
    """A whole-number argument in [lo, hi], or InvalidInputError naming it (never a raw
    TypeError/OverflowError from the binding)."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        if isinstance(v, (float, np.floating)) and np.isfinite(v) and float(v).is_integer():
            v = int(v)
        else:
            raise InvalidInputError(f"`{name}` must be a whole number, got {v!r}", name)
    v = int(v)
    if not lo <= v <= hi:
        raise InvalidInputError(f"`{name}` must be between {lo} and {hi}, got {v}", name)
    return int(v)


def _float_arg(name: str, v: Any, *, positive: bool = False, finite: bool = True) -> float:
    """A real-number argument (optionally > 0 / finite), or InvalidInputError naming it."""
    if isinstance(v, (bool, np.bool_, str, bytes)) or v is None or isinstance(v, (complex, np.complexfloating)):
        raise InvalidInputError(f"`{name}` must be a number, got {v!r}", name)
    try:
        f = float(v)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInputError(f"`{name}` must be a number, got {v!r}", name) from None
    if np.isnan(f) or (finite and not np.isfinite(f)):
        raise InvalidInputError(f"`{name}` must be a finite number, got {v!r}", name)
    if positive and not f > 0:
        raise InvalidInputError(f"`{name}` must be positive, got {v!r}", name)
    return f


def _seed(seed: Any) -> int:
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0])
    return _int_arg("seed", seed, 0, 2**64 - 1)


def _choice(name: str, v: Any, options: tuple[str, ...]) -> str:
    if not isinstance(v, str) or v not in options:
        raise InvalidInputError(f"unknown {name} {v!r}; valid: {', '.join(repr(o) for o in options)}", name)
    return v


def _finite_xy(x: Any, y: Any, names: tuple[str, str] = ("x", "y")) -> tuple[np.ndarray, np.ndarray]:
    """Projected coordinates: equal lengths, no missing or infinite values (errors name the row)."""
    from ..exceptions import LengthMismatchError

    xs, ys = as_float_array(names[0], x), as_float_array(names[1], y)
    if len(xs) != len(ys):
        raise LengthMismatchError(f"length mismatch: `{names[0]}` has {len(xs)} elements but `{names[1]}` has "
                                  f"{len(ys)}", names[1])
    for name, v in zip(names, (xs, ys)):
        nan = np.isnan(v)
        if nan.any():
            row = int(np.flatnonzero(nan)[0])
            raise MissingValueError(f"`{name}` has {int(nan.sum())} missing value(s) (first at row {row})", name, row)
        inf = ~np.isfinite(v)
        if inf.any():
            row = int(np.flatnonzero(inf)[0])
            raise InvalidInputError(f"`{name}` at row {row}: {v[row]} is not a finite coordinate", name, row)
    return xs, ys


def _latlon(lat: Any, lon: Any, missing: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    la = as_float_array("lat", lat)
    lo = as_float_array("lon", lon)
    if len(la) != len(lo):
        from ..exceptions import LengthMismatchError

        raise LengthMismatchError(f"length mismatch: `lat` has {len(la)} elements but `lon` has {len(lo)}", "lon")
    bad = np.isnan(la) | np.isnan(lo)
    if bad.any() and missing != "drop":
        row = int(np.flatnonzero(bad)[0])
        raise MissingValueError(
            f"{int(bad.sum())} point(s) have missing coordinates (first at row {row}); pass missing='drop' to leave "
            "them out (their label is -2)", "lat", row)
    ok = ~bad
    a, b = la[ok], lo[ok]
    if len(a):
        in_uk = (a >= _UK[0]) & (a <= _UK[1]) & (b >= _UK[2]) & (b <= _UK[3])
        swapped = (b >= _UK[0]) & (b <= _UK[1]) & (a >= _UK[2]) & (a <= _UK[3])
        if not in_uk.any() and swapped.all():
            warnings.warn("every point is outside the UK but inside it with latitude and longitude swapped: "
                          "check the column order (lat, lon)", UserWarning, stacklevel=3)
    return np.ascontiguousarray(a), np.ascontiguousarray(b), ok

def _series(name: str, v: Any) -> pd.Series:
    """``v`` as a Series with a fresh index, or InvalidInputError naming ``name``."""
    if isinstance(v, pd.DataFrame):
        raise InvalidInputError(f"`{name}` must be one column (a Series or array), not a DataFrame", name)
    if isinstance(v, pd.Series):
        return v.reset_index(drop=True)
    try:
        return pd.Series(v)
    except (TypeError, ValueError) as e:
        raise InvalidInputError(f"`{name}` could not be read as a column of values: {e}", name) from None



def _bounds(bounds: Any) -> tuple[float, float, float, float]:
    try:
        b = tuple(bounds)
    except TypeError:
        raise InvalidInputError("`bounds` must be (xmin, xmax, ymin, ymax)", "bounds") from None
    if len(b) != 4:
        raise InvalidInputError("`bounds` must be (xmin, xmax, ymin, ymax)", "bounds")
    xmin, xmax, ymin, ymax = (_float_arg("bounds", v) for v in b)
    if xmax < xmin or ymax < ymin:
        raise InvalidInputError(f"`bounds` {b!r}: need xmin <= xmax and ymin <= ymax", "bounds")
    return xmin, xmax, ymin, ymax



class _ExcelMixin:
    """``to_excel(path)`` for hotspot results: every sheet from ``_excel_sheets()`` written with
    openpyxl (install ``openpyxl``), times timezone-naive, outlines as WKT."""

    def _excel_sheets(self) -> dict[str, pd.DataFrame]:
        return {"result": self.to_pandas()}  # type: ignore[attr-defined]

    def to_excel(self, path: Any) -> None:
        """Write the result to an Excel workbook (one sheet per table; needs ``openpyxl``)."""
        with pd.ExcelWriter(path) as xw:
            for name, df in self._excel_sheets().items():
                _excel_safe(df).to_excel(xw, sheet_name=name[:31], index=False)


def _wkt(ring: Any) -> str:
    """A (lon, lat) ring as WKT: POLYGON for an outline, '' without one."""
    if ring is None or len(ring) == 0:
        return ""
    return "POLYGON ((" + ", ".join(f"{x!r} {y!r}" for x, y in ring) + "))"


def _excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy Excel can hold: timezone-aware datetimes made naive (UTC), outlines as WKT text."""
    out = pd.DataFrame(df).copy()
    for c in out.columns:
        col = out[c]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out[c] = col.dt.tz_convert("UTC").dt.tz_localize(None)
        elif c == "hull":
            out[c] = [_wkt(r) for r in col]
        elif col.dtype == object and len(col) and any(isinstance(v, (list, tuple, np.ndarray, dict)) for v in col):
            out[c] = [str(v) for v in col]
    return out

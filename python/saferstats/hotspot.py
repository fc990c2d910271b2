"""Fly-tipping / ASB hotspot analysis (``METHODS.md`` C): DBSCAN on lat/lon (haversine), kernel
density surfaces, spatial weights, Getis-Ord Gi* and Local Moran's I, the Knox near-repeat test,
and cluster outlines as GeoJSON. The work runs in the Rust ``hotspot`` module (rayon); this layer
checks input, reports missing coordinates by row, and builds tables and result objects.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._frames import as_float_array
from ._results import Result
from .exceptions import InvalidInputError, MissingValueError

__all__ = [
    "dbscan",
    "hdbscan",
    "kde_grid",
    "KdeResult",
    "Weights",
    "gi_star",
    "local_moran",
    "LocalResult",
    "knox",
    "cluster_summary",
    "ClusterTable",
    "grid_counts",
    "to_local_metres",
    "clark_evans",
    "nnh_threshold",
    "nnh",
    "NnhResult",
    "to_bng",
    "KnoxTable",
    "BNG_EXTENT",
]

EARTH_RADIUS_M = 6_371_008.8
_UK = (49.8, 61.0, -8.7, 2.0)  # lat min, lat max, lon min, lon max
#: The British National Grid's area of use (EPSG:27700): lat min, lat max, lon min, lon max.
BNG_EXTENT = (49.75, 61.01, -9.01, 2.01)
_MAX_GRID_CELLS = 50_000_000  # grid_counts: ~400 MB of int64 counts


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
    return v


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
    from .exceptions import LengthMismatchError

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
        from .exceptions import LengthMismatchError

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


def dbscan(lat: Any, lon: Any, *, eps_m: float, min_samples: int = 5, missing: Literal["error", "drop"] = "error") -> np.ndarray:
    """DBSCAN cluster labels (−1 noise) for points in degrees, with ``eps_m`` in metres.

    Method (``METHODS.md`` C1): scikit-learn's semantics exactly — neighbourhoods by haversine
    distance ≤ eps (R = 6,371,008.8 m) including the point itself, core points with
    ≥ ``min_samples`` neighbours, border points to the first cluster reaching them, labels in order of
    discovery — so the labels are identical to ``sklearn.cluster.DBSCAN(eps=eps_m/6371008.8,
    min_samples=min_samples, metric="haversine").fit(np.radians(np.c_[lat, lon])).labels_``, with
    O(n) memory (a grid index whose longitude columns wrap at ±180°, so points either side of the
    antimeridian are neighbours as in scikit-learn; no stored neighbourhoods; a union-find shared
    by the threads) and all cores in parallel. Ctrl-C stops it within a fraction of a second.

    Missing coordinates raise :class:`~saferstats.MissingValueError` naming the row; with
    ``missing="drop"`` those points are left out and labelled −2.

    >>> import saferstats
    >>> lat = [51.5, 51.5003, 51.5001, 51.4998, 51.503, 51.5032, 51.5029, 51.5006, 51.51, 51.49, 51.505, 51.5031]
    >>> lon = [-0.12, -0.1201, -0.1196, -0.1204, -0.115, -0.1148, -0.1147, -0.1192, -0.1, -0.14, -0.13, -0.1153]
    >>> saferstats.dbscan(lat, lon, eps_m=60, min_samples=3).tolist()
    [0, 0, 0, 0, 1, 1, 1, -1, -1, -1, -1, 1]
    """
    if isinstance(min_samples, bool) or not isinstance(min_samples, (int, np.integer)):
        raise InvalidInputError("`min_samples` must be a whole number >= 1", "min_samples")
    if min_samples < 1:
        raise InvalidInputError("`min_samples` must be at least 1 (it counts the point itself)", "min_samples")
    min_samples = _int_arg("min_samples", min_samples, 1)
    eps = _float_arg("eps_m", eps_m, positive=True)
    _choice("missing", missing, ("error", "drop"))
    a, b, ok = _latlon(lat, lon, missing)
    labels, _core = _ext.dbscan(a, b, eps, min_samples)
    if ok.all():
        return labels
    out = np.full(len(ok), -2, dtype=np.int64)
    out[ok] = labels
    return out


def hdbscan(lat: Any, lon: Any, *, min_cluster_size: int = 15, min_samples: int | None = None,
            missing: Literal["error", "drop"] = "error") -> np.ndarray:
    """HDBSCAN cluster labels (−1 noise) for points in degrees (haversine), following
    scikit-learn's ``HDBSCAN(metric="haversine", cluster_selection_method="eom")`` step by step
    (``METHODS.md`` C2): core distance to the ``min_samples``-th nearest point (itself included;
    default ``min_cluster_size``), Prim's MST of mutual reachability, condensed tree, excess of mass.

    Labels are identical to scikit-learn's, also on dense data where mutual-reachability distances
    tie: the MST comes from Prim's algorithm exactly as scikit-learn's ``mst_from_data_matrix``
    (Rust), and its edges are ordered with the same ``numpy.argsort`` call scikit-learn makes, so
    tied edges are processed in scikit-learn's order. Prim's algorithm is pruned with exact bounds
    (a tree of boxes, lazily applied updates), so 100,000 points take a few seconds where
    scikit-learn's O(n²) loop takes minutes. Degenerate inputs (points on one line, duplicates,
    one location) finish at once; longitudes wrap at ±180°; Ctrl-C stops it. Missing coordinates
    as :func:`dbscan`.

    >>> import saferstats
    >>> lat = [51.5, 51.5003, 51.5001, 51.4998, 51.503, 51.5032, 51.5029, 51.5006, 51.51, 51.49, 51.505, 51.5031]
    >>> lon = [-0.12, -0.1201, -0.1196, -0.1204, -0.115, -0.1148, -0.1147, -0.1192, -0.1, -0.14, -0.13, -0.1153]
    >>> saferstats.hdbscan(lat, lon, min_cluster_size=3).tolist()
    [0, 0, 0, 0, 1, 1, 1, 0, -1, -1, -1, 1]
    """
    for name, v in (("min_cluster_size", min_cluster_size), ("min_samples", min_samples)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer))):
            raise InvalidInputError(f"`{name}` must be a whole number", name)
    _choice("missing", missing, ("error", "drop"))
    a, b, ok = _latlon(lat, lon, missing)
    if isinstance(min_cluster_size, (int, np.integer)) and min_cluster_size < 2:
        raise InvalidInputError(f"min_cluster_size must be at least 2, got {min_cluster_size}", "min_cluster_size")
    mcs = _int_arg("min_cluster_size", min_cluster_size, 2)
    if min_samples is None:
        ms = mcs
        if ms > len(a):
            raise InvalidInputError(f"min_cluster_size (also min_samples when that is not given) must be at most the "
                                    f"number of points ({len(a)}), got {ms}", "min_cluster_size")
    else:
        ms = _int_arg("min_samples", min_samples, -(2**63), 2**63 - 1)
    if ms < 1 or ms > len(a):
        raise InvalidInputError(f"min_samples must be between 1 and the number of points ({len(a)}), got {ms}",
                                "min_samples")
    src, dst, dist = _ext.hdbscan_mst(a, b, ms)
    order = np.argsort(dist)  # scikit-learn's _process_mst: np.argsort(mst["distance"]) (same tie order)
    labels = _ext.hdbscan_labels(len(a), src[order], dst[order], dist[order], mcs)
    if ok.all():
        return labels
    out = np.full(len(ok), -2, dtype=np.int64)
    out[ok] = labels
    return out


def to_local_metres(lat: Any, lon: Any, *, origin: tuple[float, float] | None = None,
                    missing: Literal["error", "propagate"] = "error") -> tuple[np.ndarray, np.ndarray]:
    """Project lat/lon (degrees) to local east/north metres (equirectangular about ``origin``,
    default the points' centre): accurate to ~0.1% across a county, for KDE, weights and Knox.

    ``lat`` and ``lon`` must have equal lengths and lie in [−90, 90] / [−180, 180] (an error names
    the row otherwise). Missing coordinates raise :class:`~saferstats.MissingValueError` naming the
    row, or with ``missing="propagate"`` give NaN. Longitudes are taken relative to the origin
    across the ±180° meridian (the shorter way round).

    >>> x, y = to_local_metres([51.5, 51.5], [-0.12, -0.11])
    >>> round(float(x[1] - x[0]))
    692
    """
    from .exceptions import LengthMismatchError

    _choice("missing", missing, ("error", "propagate"))
    la = as_float_array("lat", lat)
    lo = as_float_array("lon", lon)
    if len(la) != len(lo):
        raise LengthMismatchError(f"length mismatch: `lat` has {len(la)} elements but `lon` has {len(lo)}", "lon")
    for name, v, lim in (("lat", la, 90.0), ("lon", lo, 180.0)):
        nan = np.isnan(v)
        if nan.any() and missing == "error":
            row = int(np.flatnonzero(nan)[0])
            raise MissingValueError(f"`{name}` has {int(nan.sum())} missing value(s) (first at row {row}); pass "
                                    "missing='propagate' to get NaN for them", name, row)
        bad = ~nan & ~(np.abs(v) <= lim)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InvalidInputError(f"`{name}` at row {row}: {v[row]} is outside [-{lim:g}, {lim:g}] degrees", name, row)
    ok = ~(np.isnan(la) | np.isnan(lo))
    if origin is not None:
        if not isinstance(origin, (tuple, list)) or len(origin) != 2:
            raise InvalidInputError("`origin` must be a (lat, lon) pair in degrees", "origin")
        lat0, lon0 = _float_arg("origin", origin[0]), _float_arg("origin", origin[1])
        if abs(lat0) > 90 or abs(lon0) > 180:
            raise InvalidInputError(f"`origin` {origin!r} is not a (lat, lon) in degrees", "origin")
    elif ok.any():
        lat0 = float(la[ok].mean())
        lon0 = float(lo[ok].mean())
        if lo[ok].max() - lo[ok].min() > 180:  # across the ±180° meridian: the circular mean
            r = np.radians(lo[ok])
            lon0 = float(np.degrees(np.arctan2(np.sin(r).mean(), np.cos(r).mean())))
    else:
        raise MissingValueError("every point has a missing coordinate", "lat", 0)
    k = np.pi / 180 * EARTH_RADIUS_M
    dlon = (lo - lon0 + 180.0) % 360.0 - 180.0
    x, y = dlon * k * np.cos(np.radians(lat0)), (la - lat0) * k
    x[~ok] = np.nan  # a point missing either coordinate is missing in both
    y[~ok] = np.nan
    return x, y


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


@dataclasses.dataclass(frozen=True, repr=False)
class KdeResult(_ExcelMixin, Result):
    """A kernel density surface: ``density[j, i]`` at cell centre (``x[i]``, ``y[j]``)."""

    density: np.ndarray
    x: np.ndarray
    y: np.ndarray
    bandwidth: float
    kernel: str
    cell_size: float
    units: str

    _summary_fields = ("bandwidth", "kernel", "cell_size", "units")

    def _peak(self) -> tuple[float, float, float]:
        d = self.density
        if d.size == 0 or not np.isfinite(d).any():
            return float("nan"), float("nan"), float("nan")
        j, i = np.unravel_index(int(np.nanargmax(d)), d.shape)
        return float(d[j, i]), float(self.x[i]), float(self.y[j])

    def headline(self) -> str:
        """One line: grid size, kernel and bandwidth, peak density and where, share of empty cells."""
        peak, px, py = self._peak()
        ny, nx = self.density.shape
        zero = float((self.density == 0).mean()) if self.density.size else float("nan")
        return (f"{nx} × {ny} cells of {self.cell_size:g}; {self.kernel} kernel, bandwidth {self.bandwidth:,.6g}; "
                f"peak {peak:.6g} {self.units} at ({px:,.6g}, {py:,.6g}); {zero:.0%} of cells zero")

    def __repr__(self) -> str:
        return f"KdeResult({self.headline()})"

    def _repr_html_(self) -> str:
        import html

        d = self.density
        peak, px, py = self._peak()
        q = np.nanpercentile(d[d > 0], [50, 90, 99]) if (d > 0).any() else [np.nan] * 3
        rows = [("grid", f"{d.shape[1]} × {d.shape[0]} cells of {self.cell_size:g}"),
                ("kernel, bandwidth", f"{self.kernel}, {self.bandwidth:,.6g}"),
                ("peak density", f"{peak:.6g} {self.units} at x = {px:,.6g}, y = {py:,.6g}"),
                ("non-zero cells: median / 90th / 99th percentile", " / ".join(f"{v:.4g}" for v in q)),
                ("cells with zero density", f"{int((d == 0).sum()):,} of {d.size:,}")]
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                       for k, v in rows)
        return f"<p><b>KdeResult</b> — kernel density surface</p><table>{body}</table>"

    def to_pandas(self) -> pd.DataFrame:
        """Long table: ``x, y, density``."""
        xx, yy = np.meshgrid(self.x, self.y)
        return pd.DataFrame({"x": xx.ravel(), "y": yy.ravel(), "density": self.density.ravel()})


def kde_grid(
    x: Any,
    y: Any,
    *,
    cell_size: float,
    bandwidth: float | None = None,
    kernel: Literal["quartic", "gaussian"] = "quartic",
    bounds: tuple[float, float, float, float] | None = None,
    weights: Any = None,
    per_km2: bool = True,
) -> KdeResult:
    """Kernel density of points on a regular grid.

    Method (``METHODS.md`` C4): quartic kernel 3/(π r²)(1 − (d/r)²)² within radius r (ArcGIS /
    CrimeStat) or Gaussian; ``bandwidth=None`` uses ArcGIS's default radius
    0.9·min(SD, √(1/ln 2)·D_m)·n^−0.2. ``x``/``y`` are projected coordinates in metres (see
    :func:`to_local_metres`); the density is per km² (``per_km2=False``: per unit²) and equals the
    direct sum over points at every cell centre. ``bounds`` = (xmin, xmax, ymin, ymax), default the
    points' extent plus one bandwidth. A grid that would not fit in memory raises an error giving
    its size.

    >>> r = kde_grid([0, 30, 10], [0, 0, 10], cell_size=1, bandwidth=50, bounds=(-0.5, 0.5, -0.5, 0.5), per_km2=False)
    >>> float(r.density[0, 0].round(10))
    0.0008617285
    """
    xs, ys = _finite_xy(x, y)
    w = None if weights is None else as_float_array("weights", weights)
    if w is not None and len(w) != len(xs):
        from .exceptions import LengthMismatchError

        raise LengthMismatchError(f"length mismatch: `x` has {len(xs)} elements but `weights` has {len(w)}", "weights")
    if len(xs) == 0:
        raise InvalidInputError("no points to smooth", "x")
    kern = _choice("kernel", kernel, ("quartic", "gaussian"))
    cs = _float_arg("cell_size", cell_size, positive=True)
    h = _float_arg("bandwidth", bandwidth, positive=True) if bandwidth is not None else _ext.kde_default_bandwidth(xs, ys)
    if bounds is None:
        bounds = (float(xs.min() - h), float(xs.max() + h), float(ys.min() - h), float(ys.max() + h))
    bnd = _bounds(bounds)
    d, x0, y0, nx, ny = _ext.kde_grid(xs, ys, w, h, kern, *bnd, cs)
    dens = d.reshape(ny, nx) * (1e6 if per_km2 else 1.0)
    return KdeResult(density=dens, x=x0 + (np.arange(nx) + 0.5) * cs, y=y0 + (np.arange(ny) + 0.5) * cs,
                     bandwidth=h, kernel=kern, cell_size=cs, units="per km²" if per_km2 else "per unit²")


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


def grid_counts(x: Any, y: Any, *, cell_size: float, bounds: tuple[float, float, float, float] | None = None,
                outside: Literal["warn", "error"] = "warn") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of points per square cell: ``(counts[nrows, ncols], x_centres, y_centres)``, rows
    south to north — the lattice for :meth:`Weights.lattice` and :func:`gi_star`.

    Cells are left-closed [a, a + cell_size) with the last row and column closed (numpy
    ``histogram2d``). Points outside ``bounds`` are not counted: a
    :class:`~saferstats.SaferstatsWarning` gives how many (``outside="error"`` refuses instead).
    Missing or infinite coordinates raise an error naming the row; a grid of more than 50 million
    cells is refused with its size.

    >>> c, cx, cy = grid_counts([1, 2, 12], [1, 1, 1], cell_size=10, bounds=(0, 20, 0, 10))
    >>> c.tolist()
    [[2, 1]]
    """
    from .exceptions import SaferstatsWarning

    _choice("outside", outside, ("warn", "error"))
    xs, ys = _finite_xy(x, y)
    cs = _float_arg("cell_size", cell_size, positive=True)
    if bounds is None:
        if len(xs) == 0:
            raise InvalidInputError("no points and no `bounds`: the grid is undefined", "x")
        bounds = (float(xs.min()), float(xs.max()) + 1e-9, float(ys.min()), float(ys.max()) + 1e-9)
    b = _bounds(bounds)
    nxf = max(1.0, np.ceil((b[1] - b[0]) / cs))
    nyf = max(1.0, np.ceil((b[3] - b[2]) / cs))
    if not np.isfinite(nxf * nyf) or nxf * nyf > _MAX_GRID_CELLS:
        raise InvalidInputError(f"the grid would have {nxf:.0f} x {nyf:.0f} = {nxf * nyf:.3g} cells ({nxf * nyf * 8 / 1e9:.1f} "
                                f"GB); at most {_MAX_GRID_CELLS:,}: use a larger cell_size or smaller bounds", "cell_size")
    nx, ny = int(nxf), int(nyf)
    ex = b[0] + np.arange(nx + 1) * cs
    ey = b[2] + np.arange(ny + 1) * cs
    inside = (xs >= ex[0]) & (xs <= ex[-1]) & (ys >= ey[0]) & (ys <= ey[-1])
    n_out = int((~inside).sum())
    if n_out:
        row = int(np.flatnonzero(~inside)[0])
        msg = (f"{n_out} of {len(xs)} point(s) lie outside the grid {tuple(float(v) for v in (ex[0], ex[-1], ey[0], ey[-1]))} "
               f"and are not counted (first at row {row})")
        if outside == "error":
            raise InvalidInputError(msg, "bounds", row)
        warnings.warn(msg, SaferstatsWarning, stacklevel=2)
    h, _, _ = np.histogram2d(ys, xs, bins=[ey, ex])
    return h.astype(np.int64), (ex[:-1] + ex[1:]) / 2, (ey[:-1] + ey[1:]) / 2


class Weights:
    """Sparse spatial weights (who neighbours whom). Construct with :meth:`lattice`,
    :meth:`from_adjacency` or :meth:`distance_band`. A unit with no neighbours is an *island*:
    Gi* then uses only the unit itself, Local Moran gives I = 0 (``islands`` lists them).

    >>> w = Weights.lattice(3, 3, contiguity="rook")
    >>> w.n, w.cardinalities.tolist()[:3]
    (9, [2, 3, 2])
    """

    def __init__(self, n: int, offsets: Any, neighbors: Any, weights: Any):
        self.n = int(n)
        self.offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        self.neighbors = np.ascontiguousarray(neighbors, dtype=np.int64)
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of neighbours of each unit."""
        return np.diff(self.offsets)

    @property
    def islands(self) -> list[int]:
        """Units with no neighbours."""
        return np.flatnonzero(self.cardinalities == 0).tolist()

    def __repr__(self) -> str:
        c = self.cardinalities
        return f"Weights(n={self.n}, mean_neighbours={c.mean() if len(c) else 0:.2f}, islands={len(self.islands)})"

    @classmethod
    def lattice(cls, nrows: int, ncols: int, *, contiguity: Literal["queen", "rook"] = "queen") -> Weights:
        """Contiguity on an ``nrows × ncols`` grid of cells numbered row by row (binary). At most
        10 million cells (larger grids are refused with their size before anything is allocated)."""
        _choice("contiguity", contiguity, ("queen", "rook"))
        r = _int_arg("nrows", nrows, 0)
        c = _int_arg("ncols", ncols, 0)
        if r * c > 10_000_000:
            raise InvalidInputError(f"{r} x {c} = {r * c:,} cells: at most 10,000,000 are supported (the weights would "
                                    f"need about {r * c * 100 / 1e9:,.1f} GB)", "nrows")
        return cls(*_ext.weights_lattice(r, c, contiguity == "queen"))

    @classmethod
    def from_adjacency(cls, focal: Any, neighbor: Any, weight: Any = None, *, n: int | None = None) -> Weights:
        """From an adjacency list (focal → neighbour [, weight]) over units 0..n−1, e.g. polygons'
        contiguity exported from a GIS. Self-pairs are dropped; repeated pairs are summed. At most
        10 million units (``n`` larger is refused before anything is allocated)."""
        f = _index_array("focal", focal)
        nb = _index_array("neighbor", neighbor)
        if len(f) != len(nb):
            from .exceptions import LengthMismatchError

            raise LengthMismatchError(f"length mismatch: `focal` has {len(f)} elements but `neighbor` has {len(nb)}",
                                      "neighbor")
        size = _int_arg("n", n, 0) if n is not None else int(max(f.max(initial=-1), nb.max(initial=-1)) + 1)
        if size > 10_000_000:
            raise InvalidInputError(f"n = {size:,} units: at most 10,000,000 are supported", "n")
        for name, v in (("focal", f), ("neighbor", nb)):
            if len(v) and v.max() >= size:
                row = int(np.flatnonzero(v >= size)[0])
                raise InvalidInputError(f"`{name}` at row {row}: unit {int(v[row])} is outside the {size} units", name, row)
        wt = None if weight is None else as_float_array("weight", weight)
        return cls(*_ext.weights_adjacency(f.astype(np.uint32), nb.astype(np.uint32), wt, size))

    @classmethod
    def distance_band(cls, x: Any, y: Any, *, threshold: float, binary: bool = True) -> Weights:
        """Every pair within ``threshold`` (Euclidean, inclusive), binary or inverse-distance
        (libpysal ``DistanceBand``). With ``binary=False`` two points at the same location would get
        an infinite weight: that is refused, naming both rows (merge or remove duplicates first).
        At most 100 million neighbour pairs (a larger threshold is refused with the size)."""
        xs, ys = _finite_xy(x, y)
        if not isinstance(binary, (bool, np.bool_)):
            raise InvalidInputError(f"`binary` must be True or False, got {binary!r}", "binary")
        return cls(*_ext.weights_distance_band(xs, ys, _float_arg("threshold", threshold, positive=True), bool(binary)))

    def _args(self) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        return self.n, self.offsets, self.neighbors, self.weights


def _index_array(name: str, v: Any) -> np.ndarray:
    """Unit indices: whole numbers in [0, 2³²), or InvalidInputError naming the row."""
    a = as_float_array(name, v)
    bad = ~np.isfinite(a) | (a < 0) | (a != np.floor(a)) | (a >= 2**32 - 1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InvalidInputError(f"`{name}` at row {row}: {a[row]!r} is not a unit index (a whole number >= 0)", name, row)
    return a.astype(np.int64)


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values."""
    n = len(p)
    order = np.argsort(p)
    adj = np.empty(n)
    adj[order] = np.minimum.accumulate((p[order] * n / np.arange(1, n + 1))[::-1])[::-1]
    return np.minimum(adj, 1.0)


@dataclasses.dataclass(frozen=True, repr=False)
class LocalResult(_ExcelMixin, Result):
    """Gi* or Local Moran results for each unit (see :func:`gi_star`, :func:`local_moran`)."""

    statistic: str
    stat: np.ndarray
    z: np.ndarray
    p_norm: np.ndarray
    p_sim: np.ndarray
    quadrant: np.ndarray
    label: np.ndarray
    transform: str
    permutations: int
    fdr: bool = False
    alpha: float | None = None

    _summary_fields = ("statistic", "transform", "permutations")

    @property
    def g(self) -> np.ndarray:
        """Gi* values."""
        return self.stat

    @property
    def i(self) -> np.ndarray:
        """Local Moran's I values."""
        return self.stat

    def _counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in pd.Series(self.label).value_counts().items() if k != "Not significant"}

    def _top(self, k: int = 5) -> list[tuple[int, float, str]]:
        sig = np.flatnonzero(self.label != "Not significant")
        order = sig[np.argsort(-np.abs(self.z[sig]), kind="stable")][:k]
        return [(int(i), float(self.z[i]), str(self.label[i])) for i in order]

    def _how(self) -> str:
        tr = {"B": "binary", "R": "row-standardised"}.get(self.transform, self.transform)
        perms = f"{self.permutations} permutations" if self.permutations else "no permutations"
        if self.statistic == "gi_star":
            return (f"Getis-Ord Gi*, {tr} weights, {perms}; significance from the normal z at 90/95/99%"
                    + (", Benjamini-Hochberg FDR-adjusted" if self.fdr else " (not adjusted for multiple testing)"))
        a = 0.05 if self.alpha is None else self.alpha
        src = "permutation p" if self.permutations else "normal p"
        return f"Local Moran's I, {tr} weights, {perms}; significant where the {src} < {a:g}"

    def headline(self) -> str:
        """One line: how many units are significant, of which kind, and the strongest."""
        n = len(self.stat)
        c = self._counts()
        if self.statistic == "gi_star":
            hot = sum(v for k, v in c.items() if k.startswith("Hot"))
            cold = sum(v for k, v in c.items() if k.startswith("Cold"))
            what = f"{hot} hot spot(s), {cold} cold spot(s) of {n} units"
        else:
            what = ", ".join(f"{q} {c.get(q, 0)}" for q in ("High-High", "Low-Low", "Low-High", "High-Low"))
            what = f"{what} significant of {n} units"
        top = self._top(3)
        strongest = "; strongest: " + ", ".join(f"unit {i} (z {z:.2f})" for i, z, _ in top) if top else ""
        return f"{what}{strongest}"

    def __repr__(self) -> str:
        return f"LocalResult({self.statistic}: {self.headline()}; {self._how()})"

    def _repr_html_(self) -> str:
        import html

        c = self._counts()
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in sorted(c.items()))
        rows = rows or "<tr><td colspan=2>no significant units</td></tr>"
        top = "".join(f"<tr><td>{i}</td><td>{z:.3f}</td><td>{html.escape(lab)}</td></tr>" for i, z, lab in self._top(10))
        top_t = (f"<p>Strongest significant units</p><table><tr><th>unit</th><th>z</th><th>label</th></tr>{top}</table>"
                 if top else "")
        return (f"<p><b>LocalResult</b> — {html.escape(self._how())}</p>"
                f"<p>{html.escape(self.headline())}</p><table><tr><th>label</th><th>units</th></tr>{rows}</table>{top_t}")

    def to_pandas(self) -> pd.DataFrame:
        """One row per unit: the statistic, ``z, p_norm, p_sim`` (and ``quadrant``), ``label``."""
        name = "g" if self.statistic == "gi_star" else "i"
        d = {name: self.stat, "z": self.z, "p_norm": self.p_norm, "p_sim": self.p_sim}
        if self.statistic == "local_moran":
            d["quadrant"] = self.quadrant
        d["label"] = self.label
        return pd.DataFrame(d)


def _local(stat: str, values: Any, weights: Weights, transform: str, permutations: int, seed: int | None) -> dict:
    if not isinstance(weights, Weights):
        raise InvalidInputError("`weights` must be a saferstats.Weights", "weights")
    v = as_float_array("values", values)
    if np.isnan(v).any():
        row = int(np.flatnonzero(np.isnan(v))[0])
        raise MissingValueError(f"`values` has a missing value at position {row}", "values", row)
    if isinstance(permutations, (int, np.integer)) and not isinstance(permutations, bool) and permutations < 0:
        raise InvalidInputError("`permutations` must be >= 0", "permutations")
    perms = _int_arg("permutations", permutations, 0, 10**9)
    _choice("transform", transform, ("B", "R"))
    return _ext.local_statistic(stat, v, *weights._args(), transform, perms, _seed(seed))


def gi_star(values: Any, weights: Weights, *, transform: Literal["B", "R"] = "B", permutations: int = 999,
            seed: int | None = None, fdr: bool = False) -> LocalResult:
    """Getis-Ord Gi* hot and cold spots.

    Method (``METHODS.md`` C5): Gi* = Σ_j w_ij y_j / Σ y with the unit in its own neighbourhood;
    analytic z as esda ``G_Local(star=True)`` (equal to esda's ``Zs`` for the same transform, and to
    spdep ``localG`` for binary weights); ``p_norm`` = one-sided normal p of |z|; ``p_sim`` from
    ``permutations`` conditional permutations (seeded; reproducible whatever the thread count).
    ``label``: "Hot spot 99%/95%/90%" or "Cold spot …" from the two-sided normal p of z (ArcGIS
    convention, |z| > 2.576 / 1.960 / 1.645), Benjamini-Hochberg adjusted with ``fdr=True``;
    otherwise "Not significant". In a notebook the result shows the headline (hot and cold spot
    counts, the strongest units) rather than the per-unit table (``to_pandas()``).

    >>> import saferstats
    >>> w = Weights.distance_band([10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30], threshold=15)
    >>> r = saferstats.gi_star([2, 3, 3.2, 5, 8, 7], w, permutations=0)
    >>> r.z.round(6).tolist()
    [-1.397276, -0.289178, 0.65065, -0.289178, 1.234521, 2.024243]
    >>> r
    LocalResult(gi_star: 1 hot spot(s), 0 cold spot(s) of 6 units; strongest: unit 5 (z 2.02); ...)
    """
    res = _local("gi_star", values, weights, transform, permutations, seed)
    p2 = np.minimum(1.0, 2 * res["p_norm"])
    if fdr:
        p2 = _bh(p2)
    z = res["z"]
    label = np.full(len(z), "Not significant", dtype=object)
    for level, p in ((90, 0.10), (95, 0.05), (99, 0.01)):
        label[(p2 < p) & (z > 0)] = f"Hot spot {level}%"
        label[(p2 < p) & (z < 0)] = f"Cold spot {level}%"
    return LocalResult("gi_star", res["stat"], z, res["p_norm"], res["p_sim"], res["quadrant"], label, transform,
                       int(permutations), fdr=bool(fdr))


def local_moran(values: Any, weights: Weights, *, transform: Literal["R", "B"] = "R", permutations: int = 999,
                seed: int | None = None, alpha: float = 0.05) -> LocalResult:
    """Local Moran's I (LISA) with conditional-permutation pseudo p-values.

    Method (``METHODS.md`` C6; esda ``Moran_Local``): I_i = (n−1) z_i Σ_j w_ij z_j / Σ z² (esda's
    scaling; spdep uses n), z from the total-randomisation moments (esda ``EI``/``VI``), quadrant 1 HH,
    2 LH, 3 LL, 4 HL; ``label`` = the quadrant name where ``p_sim`` < ``alpha`` (GeoDa's convention),
    else "Not significant" (with ``permutations=0``, the normal p is used).

    >>> import saferstats
    >>> w = Weights.distance_band([10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30], threshold=15)
    >>> saferstats.local_moran([2, 3, 3.2, 5, 8, 7], w, permutations=0).i.round(6).tolist()
    [0.329268, -0.08885, -0.862369, -0.019164, -0.086237, 1.3223]
    """
    a = _float_arg("alpha", alpha)
    if not 0 < a < 1:
        raise InvalidInputError(f"`alpha` must be between 0 and 1, got {alpha!r}", "alpha")
    res = _local("moran", values, weights, transform, permutations, seed)
    p = res["p_sim"] if permutations > 0 else res["p_norm"]
    names = np.array(["", "High-High", "Low-High", "Low-Low", "High-Low"], dtype=object)
    label = np.where(p < a, names[res["quadrant"]], "Not significant")
    return LocalResult("local_moran", res["stat"], res["z"], res["p_norm"], res["p_sim"], res["quadrant"],
                       label.astype(object), transform, int(permutations), alpha=a)


class KnoxTable(pd.DataFrame):
    """The Knox near-repeat table (a DataFrame, one row per distance band × time band) whose
    display starts with the headline: events, permutations, the strongest near-repeat cell and how
    many cells are significant. Selecting columns or rows gives a plain DataFrame."""

    @property
    def _constructor(self):
        return pd.DataFrame

    def headline(self) -> str:
        """One line: events and permutations, significant cells, the cell with the largest ratio."""
        info = self.attrs.get("knox", {})
        n, perms = info.get("events"), info.get("permutations")
        head = f"Knox test: {n} events, {perms} permutations"
        if {"knox_ratio", "p_value", "distance_band", "time_band"} - set(self.columns) or len(self) == 0:
            return head
        sig = self[self["p_value"] < 0.05]
        r = self["knox_ratio"].to_numpy(dtype=float)
        if np.isfinite(r).any():
            k = int(np.nanargmax(np.where(np.isfinite(r), r, np.nan)))
            row = self.iloc[k]
            best = (f"; highest ratio {row['knox_ratio']:.2f} (p = {row['p_value']:.3g}) at distance {row['distance_band']}, "
                    f"time {row['time_band']}")
        else:
            best = ""
        return f"{head}; {len(sig)} of {len(self)} cells with p < 0.05{best}"

    def __repr__(self) -> str:
        return self.headline() + "\n" + pd.DataFrame(self).__repr__()

    def _repr_html_(self) -> str:  # type: ignore[override]
        import html

        return f"<p><b>{html.escape(self.headline())}</b></p>" + pd.DataFrame(self)._repr_html_()  # type: ignore[operator]


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


def _times_in_days(name: str, t: Any) -> np.ndarray:
    """Event times as days: numbers as given, datetimes as days since the earliest (missing
    times refused with the row)."""
    tt = _series(name, t)
    if pd.api.types.is_datetime64_any_dtype(tt):
        nat = tt.isna().to_numpy()
        if nat.any():
            row = int(np.flatnonzero(nat)[0])
            raise MissingValueError(f"`{name}` has {int(nat.sum())} missing time(s) (first at row {row})", name, row)
        return ((tt - tt.min()).dt.total_seconds() / 86400.0).to_numpy(dtype=float)
    return as_float_array(name, tt.to_numpy())


def _edges(name: str, v: Any) -> np.ndarray:
    if v is None or isinstance(v, (str, bytes)) or np.isscalar(v):
        raise InvalidInputError(f"`{name}` must be a list of band edges, e.g. [0, 100, 200]", name)
    try:
        items = v if isinstance(v, np.ndarray) else list(v)  # type: ignore[union-attr]
    except TypeError:
        raise InvalidInputError(f"`{name}` must be a list of band edges, e.g. [0, 100, 200]", name) from None
    return as_float_array(name, items)


def knox(x: Any, y: Any, t: Any, *, distance_bands: Any, time_bands: Any, permutations: int = 99,
         seed: int | None = None, metric: Literal["euclidean", "manhattan"] = "euclidean") -> KnoxTable:
    """Knox space-time test / near-repeat table.

    Method (``METHODS.md`` C8): every pair of events is classed by distance band × time band;
    bands are the intervals between consecutive edges, **left-closed [a, b)** (append ``np.inf`` for
    an open last band) — labelled exactly by their edges, without the Near Repeat Calculator's
    off-by-one. Event times are permuted over locations ``permutations`` times (seeded);
    ``knox_ratio`` = observed / mean permuted count, ``p_value`` = (#{sim ≥ obs} + 1)/(B + 1).
    ``x, y`` in metres (see :func:`to_local_metres`), ``t`` in days (numbers or datetimes).
    Memory stays O(events + cells): close pairs are enumerated again per permutation when there are
    too many to keep, and permuted tables are accumulated, not stored. Ctrl-C stops it.

    >>> import numpy as np, saferstats
    >>> k = saferstats.knox([0, 0, 50, 400, 410, 0], [0, 100, 50, 400, 400, 20], [0, 3, 1, 2, 30, 40],
    ...                     distance_bands=[0, 200, np.inf], time_bands=[0, 8, np.inf], permutations=99, seed=1)
    >>> k.headline()
    'Knox test: 6 events, 99 permutations; 0 of 4 cells with p < 0.05; highest ratio ... at distance [0, 200), time [0, 8)'
    >>> k[["distance_band", "time_band", "observed"]]
      distance_band time_band  observed
    0      [0, 200)    [0, 8)       3.0
    1      [0, 200)  [8, inf)       4.0
    2    [200, inf)    [0, 8)       3.0
    3    [200, inf)  [8, inf)       5.0
    """
    xs, ys = _finite_xy(x, y)
    tt = _times_in_days("t", t)
    de, te = _edges("distance_bands", distance_bands), _edges("time_bands", time_bands)
    perms = _int_arg("permutations", permutations, 0, 10**9)
    how = _choice("metric", metric, ("euclidean", "manhattan"))
    res = _ext.knox(xs, ys, tt, de, te, perms, _seed(seed), how)

    def lab(e: np.ndarray, k: int) -> str:
        def f(v: float) -> str:
            return "inf" if np.isinf(v) else f"{v:g}"
        return f"[{f(e[k])}, {f(e[k + 1])})"

    nd, nt = len(de) - 1, len(te) - 1
    out = KnoxTable({
        "distance_band": [lab(de, i // nt) for i in range(nd * nt)],
        "time_band": [lab(te, i % nt) for i in range(nd * nt)],
        "observed": res["observed"], "expected": res["expected"], "knox_ratio": res["ratio"], "p_value": res["p_value"],
    })
    out.attrs["knox"] = {"events": len(xs), "permutations": perms, "metric": how}
    return out


class ClusterTable(pd.DataFrame):
    """A DataFrame of cluster summaries that can also write its outlines as GeoJSON. The GeoJSON
    is built from the rows at the time of the call, so a filtered table writes only its own
    clusters."""

    _metadata = ["_times_are_dates"]

    @property
    def _constructor(self):
        return ClusterTable

    def to_geojson(self, path: Any = None, *, geometry: Literal["polygon", "point", "mixed"] = "polygon",
                   marker_m: float = 10.0) -> str:
        """The clusters as a GeoJSON FeatureCollection (RFC 7946: WGS84 lon/lat; opens in QGIS),
        written to ``path`` when given.

        One geometry type per file (what most GIS layers require). ``geometry="polygon"`` (default):
        each cluster's outline; a cluster without one (its points at one or two locations, or on one
        line — common with police.uk's snapped locations) gets a marker polygon instead, a circle
        about its centroid reaching its farthest point (at least ``marker_m`` metres), with
        ``"outline": "marker"`` in its properties (``"hull"`` otherwise) and ``area_m2`` 0 — every
        cluster is on the map, and none is given an area it does not have. ``"point"``: every
        cluster's centroid. ``"mixed"``: outlines where there is one, centroids elsewhere (two
        geometry types). Properties: every column but the outline; times as ISO 8601 text.
        """
        _choice("geometry", geometry, ("polygon", "point", "mixed"))
        marker = _float_arg("marker_m", marker_m, positive=True)
        features = []
        props_cols = [c for c in self.columns if c != "hull"]
        for _, row in self.iterrows():
            ring = row["hull"] if "hull" in self.columns else None
            has_ring = ring is not None and len(ring) >= 4
            props = {c: _json_value(row[c]) for c in props_cols}
            clat, clon = float(row["centroid_lat"]), float(row["centroid_lon"])
            if geometry == "point" or (geometry == "mixed" and not has_ring):
                geom = {"type": "Point", "coordinates": [clon, clat]}
            elif ring is not None and has_ring:
                geom = {"type": "Polygon", "coordinates": [[[float(x), float(y)] for x, y in ring]]}
                props["outline"] = "hull"
            else:
                geom = {"type": "Polygon", "coordinates": [_circle(clat, clon, max(marker, _reach_m(row, clat, clon)))]}
                props["outline"] = "marker"
            features.append({"type": "Feature", "geometry": geom, "properties": props})
        text = json.dumps({"type": "FeatureCollection", "features": features}, allow_nan=False)
        if path is not None:
            from pathlib import Path

            Path(path).write_text(text)
        return text

    def to_excel(self, excel_writer: Any, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """As :meth:`pandas.DataFrame.to_excel`, with outlines as WKT text and timezone-aware
        times as naive UTC (Excel cannot hold either); ``index=False`` by default."""
        kwargs.setdefault("index", False)
        pd.DataFrame(_excel_safe(self)).to_excel(excel_writer, *args, **kwargs)


def _reach_m(row: Any, clat: float, clon: float) -> float:
    """Farthest distance (m) from the centroid to the cluster's points (``radius_m``), 0 if absent."""
    v = row["radius_m"] if "radius_m" in row.index else 0.0
    return float(v) if np.isfinite(v) else 0.0


def _circle(lat: float, lon: float, radius_m: float, k: int = 24) -> list[list[float]]:
    """A closed ring of ``k`` vertices at ``radius_m`` about (lat, lon), counter-clockwise."""
    a = np.linspace(0, 2 * np.pi, k, endpoint=False)
    dlat = np.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(np.cos(np.radians(lat)), 1e-6)
    ring = [[float(lon + dlon * np.cos(t)), float(np.clip(lat + dlat * np.sin(t), -90, 90))] for t in a]
    return ring + [ring[0]]


def _json_value(v: Any) -> Any:
    """A table value as JSON: NaN/NaT → null, timestamps → ISO 8601, numpy scalars → Python."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else pd.Timestamp(v).isoformat()
    if isinstance(v, np.floating):
        return float(v) if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def _cluster_radius(la: np.ndarray, lo: np.ndarray, lab: np.ndarray, table: pd.DataFrame) -> np.ndarray:
    """Per cluster (rows of ``table``), the largest haversine distance (m) from its centroid to
    its points."""
    if len(table) == 0:
        return np.zeros(0)
    pos = np.searchsorted(table["label"].to_numpy(), lab)
    use = (lab >= 0) & (pos < len(table))
    pos = pos[use]
    p0 = np.radians(table["centroid_lat"].to_numpy()[pos])
    l0 = np.radians(table["centroid_lon"].to_numpy()[pos])
    p, lm = np.radians(la[use]), np.radians(lo[use])
    h = np.sin((p - p0) / 2) ** 2 + np.cos(p) * np.cos(p0) * np.sin((lm - l0) / 2) ** 2
    d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    out = np.zeros(len(table))
    np.maximum.at(out, pos, d)
    return out


def cluster_summary(lat: Any, lon: Any, labels: Any, *, hull: Literal["convex", "concave"] = "convex",
                    concavity: float = 2.0, times: Any = None) -> ClusterTable:
    """Per-cluster count, centroid, outline (convex or concave hull, ``geo``), geodesic area (m²),
    density per km², ``radius_m`` (the farthest point from the centroid) and date span (noise,
    labels < 0, left out).

    The centroid is the spherical mean (normalised mean of unit vectors), right for clusters across
    the ±180° meridian; points on one line (or fewer than 3 distinct points) have no outline and area
    0. ``times`` (numbers or datetimes): ``first_time``/``last_time`` skip missing times, which are
    counted per cluster in ``missing_times`` (and in ``attrs["missing_times"]``, with a warning).

    >>> import saferstats
    >>> t = saferstats.cluster_summary([51.5, 51.501, 51.5, 51.501], [-0.12, -0.12, -0.119, -0.119], [0, 0, 0, 0])
    >>> t[["label", "n"]].to_dict("records"), '"Polygon"' in t.to_geojson()
    ([{'label': 0, 'n': 4}], True)
    """
    from .exceptions import LengthMismatchError, SaferstatsWarning

    _choice("hull", hull, ("convex", "concave"))
    la = as_float_array("lat", lat)
    lo = as_float_array("lon", lon)
    lab_f = as_float_array("labels", labels)
    if len(lab_f) != len(la):
        raise LengthMismatchError(f"length mismatch: `lat` has {len(la)} elements but `labels` has {len(lab_f)}", "labels")
    bad = ~np.isfinite(lab_f) | (lab_f != np.floor(lab_f)) | (np.abs(lab_f) > 2**53)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InvalidInputError(f"`labels` at row {row}: {lab_f[row]!r} is not a cluster label (a whole number)",
                                "labels", row)
    lab = np.ascontiguousarray(lab_f.astype(np.int64))
    tt, is_dates, tz = None, False, None
    if times is not None:
        ts = _series("times", times)
        if pd.api.types.is_datetime64_any_dtype(ts):
            is_dates = True
            if isinstance(ts.dtype, pd.DatetimeTZDtype):
                tz = ts.dt.tz
                ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
            ns = ts.astype("datetime64[ns]")
            tt = np.where(ns.isna().to_numpy(), np.nan, ns.to_numpy().view("int64") / 86400e9)
            tt = np.ascontiguousarray(tt, dtype=np.float64)
        else:
            tt = as_float_array("times", ts.to_numpy())
        if len(tt) != len(la):
            raise LengthMismatchError(f"length mismatch: `lat` has {len(la)} elements but `times` has {len(tt)}", "times")
    conc = None if hull == "convex" else _float_arg("concavity", concavity, positive=True)
    d = _ext.cluster_summary(la, lo, lab, tt, conc)
    out = ClusterTable({k: d[k] for k in ["label", "n", "centroid_lat", "centroid_lon", "area_m2", "density_per_km2",
                                          "first_time", "last_time"]})
    if times is not None:
        out["missing_times"] = d["missing_times"]
    out["radius_m"] = _cluster_radius(la, lo, lab, out)
    out["hull"] = pd.Series(d["hull"], index=out.index, dtype=object)
    if is_dates:
        for c in ("first_time", "last_time"):
            col = pd.to_datetime(out[c] * 86400e9)
            out[c] = col.dt.tz_localize("UTC").dt.tz_convert(tz) if tz is not None else col
    out.attrs["noise_points"] = int((lab < 0).sum())
    if times is not None:
        miss = int(out["missing_times"].sum()) if len(out) else 0
        out.attrs["missing_times"] = miss
        if miss:
            warnings.warn(f"{miss} clustered point(s) have no time; first_time/last_time use the others "
                          "(per cluster in `missing_times`)", SaferstatsWarning, stacklevel=2)
    return out


def clark_evans(x: Any, y: Any, *, area: float, perimeter: float | None = None) -> dict[str, float]:
    """Clark-Evans nearest-neighbour index (spatstat ``clarkevans`` / ``clarkevans.test``).

    R = mean nearest-neighbour distance / 0.5·√(A/n): below 1 clustered, above 1 dispersed;
    z = (r_obs − r_exp)/SE with SE = √((4 − π)/(4π))·√A/n (the exact constant, 0.2613616…, as
    spatstat ``clarkevans.test``; not the rounded 0.26136) and a two-sided normal p; ``r_donnelly`` applies Donnelly's
    edge correction when the study area's ``perimeter`` is given. Results depend strongly on the
    study ``area`` (in the units of x, y squared) — give the real boundary's area, not the points'
    bounding box (``METHODS.md`` C7).

    >>> r = clark_evans([10, 20, 35, 50, 55, 70, 80, 90, 15, 60], [10, 15, 80, 50, 52, 20, 85, 40, 60, 90],
    ...                 area=10_000, perimeter=400)
    >>> round(r["r"], 7), round(r["z"], 6), round(r["p_value"], 6), round(r["r_donnelly"], 7)
    (1.1772572, 1.072339, 0.283568, 1.0122652)
    """
    keys = ("r_obs", "r_exp", "r", "z", "p_value", "r_donnelly")
    xs, ys = _finite_xy(x, y)
    vals = _ext.clark_evans(xs, ys, _float_arg("area", area, positive=True),
                            None if perimeter is None else _float_arg("perimeter", perimeter, positive=True))
    return dict(zip(keys, vals))


def nnh_threshold(n: int, *, area: float, p: float = 0.5) -> float:
    """CrimeStat's nearest-neighbour hierarchical clustering threshold distance: pairs closer than
    this are linked (``METHODS.md`` C3): 0.5√(A/N) − t_p·0.26136/√(N²/A).

    >>> round(nnh_threshold(10, area=10_000, p=0.05), 6)
    11.512399
    """
    return _ext.nnh_threshold(_int_arg("n", n, 0), _float_arg("area", area, positive=True), _float_arg("p", p))


@dataclasses.dataclass(frozen=True, repr=False)
class NnhResult(_ExcelMixin, Result):
    """Nearest-neighbour hierarchical clusters (CrimeStat NNH).

    ``labels[k, i]``: the order-(k+1) cluster of point ``i`` (−1: in none); ``clusters``: one row per
    cluster — ``order, cluster, members`` (points at order 1, lower-order clusters above),
    ``n_points`` (original points), mean centre ``x, y`` and ``std_distance``; ``thresholds``: the
    linking distance used at each order.
    """

    labels: np.ndarray
    clusters: pd.DataFrame
    thresholds: list[float]
    min_points: int

    def headline(self) -> str:
        """One line: clusters per order, points clustered at order 1, the largest cluster."""
        n = self.labels.shape[1]
        per = {int(k): int(v) for k, v in self.clusters.groupby("order").size().items()} if len(self.clusters) else {}
        in1 = int((self.labels[0] >= 0).sum()) if self.labels.shape[0] else 0
        t = ", ".join(f"{x:.4g}" for x in self.thresholds)
        big = ""
        first = self.clusters[self.clusters["order"] == 1] if len(self.clusters) else self.clusters
        if len(first):
            r = first.sort_values("n_points", ascending=False, kind="stable").iloc[0]
            big = f"; largest: cluster {int(r['cluster'])}, {int(r['n_points'])} points at ({r['x']:,.6g}, {r['y']:,.6g})"
        return (f"points={n}, clusters by order={per}, {in1} points in first-order clusters, "
                f"thresholds=[{t}], min_points={self.min_points}{big}")

    def __repr__(self) -> str:
        return f"NnhResult({self.headline()})"

    def _repr_html_(self) -> str:
        import html

        tab = self.clusters.sort_values(["order", "n_points"], ascending=[True, False]).head(10)
        return (f"<p><b>NnhResult</b> — {html.escape(self.headline())}</p>"
                f"<p>Largest clusters by order (first 10 of {len(self.clusters)})</p>" + tab._repr_html_())

    def _excel_sheets(self) -> dict[str, pd.DataFrame]:
        labels = pd.DataFrame({f"order_{k + 1}": self.labels[k] for k in range(self.labels.shape[0])})
        return {"clusters": self.clusters, "labels": labels}

    def to_pandas(self) -> pd.DataFrame:
        """The cluster table."""
        return self.clusters.copy()

    def order(self, k: int = 1) -> np.ndarray:
        """Labels of every point at order ``k`` (1-based); all −1 if that order found no cluster."""
        if k < 1:
            raise InvalidInputError("orders start at 1", "k")
        if k > self.labels.shape[0]:
            return np.full(self.labels.shape[1], -1, dtype=np.int64)
        return self.labels[k - 1]


def nnh(x: Any, y: Any, *, area: float | None = None, p: float = 0.5, threshold: float | None = None,
        min_points: int = 10, max_order: int = 3) -> NnhResult:
    """Nearest-neighbour hierarchical clustering, as CrimeStat's NNH (``METHODS.md`` C3).

    Points (projected metres, e.g. :func:`to_bng`) closer than the threshold distance are linked;
    linked groups (single linkage) of at least ``min_points`` points are first-order clusters. The
    mean centres of those are clustered the same way for second and higher orders (the same
    minimum applies), up to ``max_order``. The threshold is CrimeStat's random nearest-neighbour
    distance for the study ``area`` (m², the real boundary's area — results are very sensitive to
    it) and one-tailed probability ``p`` (:func:`nnh_threshold`, recomputed for the number of
    points at each order), or a fixed distance ``threshold`` in metres. Order-1 clusters equal
    ``scipy.cluster.hierarchy`` single linkage cut at the threshold, keeping groups of at least
    ``min_points`` (checked in the tests). For outlines pass ``result.order(1)`` as labels to
    :func:`cluster_summary`.

    >>> import numpy as np
    >>> x = np.r_[np.arange(12.0), 500 + np.arange(12.0), 2000.0]
    >>> r = nnh(x, np.zeros(25), threshold=5, min_points=10)
    >>> r.order(1).tolist() == [0] * 12 + [1] * 12 + [-1]
    True
    >>> r.clusters[["order", "cluster", "n_points", "x"]]
       order  cluster  n_points      x
    0      1        0        12    5.5
    1      1        1        12  505.5
    """
    xs, ys = _finite_xy(x, y)
    if threshold is None and area is None:
        raise InvalidInputError("give the study `area` (m²) for CrimeStat's random threshold, or a fixed "
                                "`threshold` distance", "area")
    if isinstance(min_points, (int, np.integer)) and min_points < 2:
        raise InvalidInputError(f"min_points must be at least 2, got {min_points}", "min_points")
    if isinstance(max_order, (int, np.integer)) and max_order < 1:
        raise InvalidInputError(f"max_order must be at least 1, got {max_order}", "max_order")
    mp = _int_arg("min_points", min_points, 2)
    mo = _int_arg("max_order", max_order, 1)
    ar = 0.0 if area is None else _float_arg("area", area, positive=True)
    pp = _float_arg("p", p)
    th = None if threshold is None else _float_arg("threshold", threshold, positive=True)
    thresholds, labels, cols = _ext.nnh(xs, ys, ar, pp, th, mp, mo)
    return NnhResult(labels=labels, clusters=pd.DataFrame(cols), thresholds=list(thresholds), min_points=mp)


def to_bng(lat: Any, lon: Any, *, outside: Literal["error", "nan"] = "error") -> tuple[np.ndarray, np.ndarray]:
    """WGS84 latitude/longitude → British National Grid (EPSG:27700) eastings and northings, metres.

    Method: the Ordnance Survey's 7-parameter Helmert transformation ETRS89→OSGB36 and the OS
    Transverse Mercator projection (*A guide to coordinate systems in Great Britain*). The projection
    reproduces the OS worked example to the millimetre; the Helmert step is accurate to about 3–5 m
    (OSTN15 is not used), and agrees with PROJ's grid-less EPSG:4326→27700 to under 1 m.

    Points outside the grid's area of use (:data:`BNG_EXTENT`: 49.75–61.01°N, 9.01°W–2.01°E) have
    no meaningful grid reference: they raise :class:`~saferstats.InvalidInputError` naming the row
    (and saying so when latitude and longitude look swapped), or with ``outside="nan"`` get NaN with
    a :class:`~saferstats.SaferstatsWarning` giving how many. Missing coordinates are an error.

    >>> e, n = to_bng([51.5080], [-0.1281])   # Trafalgar Square
    >>> int(e[0] // 1000), int(n[0] // 1000)
    (530, 180)
    """
    from .exceptions import LengthMismatchError, SaferstatsWarning

    _choice("outside", outside, ("error", "nan"))
    la = as_float_array("lat", lat)
    lo = as_float_array("lon", lon)
    if len(la) != len(lo):
        raise LengthMismatchError(f"length mismatch: `lat` has {len(la)} elements but `lon` has {len(lo)}", "lon")
    if outside == "error" or len(la) == 0:
        return _ext.wgs84_to_bng(la, lo)
    for name, v in (("lat", la), ("lon", lo)):
        if np.isnan(v).any():
            row = int(np.flatnonzero(np.isnan(v))[0])
            raise MissingValueError(f"`{name}` has a missing value at row {row}", name, row)
    inside = (la >= BNG_EXTENT[0]) & (la <= BNG_EXTENT[1]) & (lo >= BNG_EXTENT[2]) & (lo <= BNG_EXTENT[3])
    e = np.full(len(la), np.nan)
    n = np.full(len(la), np.nan)
    if inside.any():
        e[inside], n[inside] = _ext.wgs84_to_bng(np.ascontiguousarray(la[inside]), np.ascontiguousarray(lo[inside]))
    if not inside.all():
        row = int(np.flatnonzero(~inside)[0])
        warnings.warn(f"{int((~inside).sum())} point(s) lie outside the British National Grid's area of use and get NaN "
                      f"(first at row {row})", SaferstatsWarning, stacklevel=2)
    return e, n

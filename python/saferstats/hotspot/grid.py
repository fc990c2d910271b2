"""Square and hexagonal grids with automatic cell size and bandwidth; counts, KDE, dual KDE,
emerging hotspot classification, per-cell change and prospective hotspotting on them (the core's
``hotspot::{grid, classify, prospective}``). See docs/methods/hotspot_intelligence.md."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import re
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from .._frames import as_float_array
from .._results import Result
from ..exceptions import InvalidInputError, LengthMismatchError, number_of, warn_user
from ._common import (_absent_months, _bounds, cells_said, _choice, _core_terms, _distinct_points, _drop_missing,
                      _empty_month_cause, _finite_xy, _float_arg, _given, _int_arg, _left_out_said, _points_in, _row_error, _seed, _series,
                      _size_said, _warn_map_points, _warn_peak_one_location, _warn_stretched, _warn_wide_bandwidth,
                      _weighted_points)

__all__ = [
    "HotspotGrid",
    "ClassifyResult",
    "hotspot_grid",
    "hotspot_count",
    "hotspot_kde",
    "hotspot_dual_kde",
    "hotspot_classify",
    "hotspot_change",
    "prospective_hotspots",
    "auto_cell_size",
    "auto_bandwidth",
    "bandwidth_nrd",
]

#: Grids larger than this many cells get a warning (they are slow to draw and to read).
LARGE_GRID = 100_000


@dataclasses.dataclass(frozen=True, repr=False)
class HotspotGrid(Result):
    """A square or hexagonal grid with one or more layers per cell.

    ``cells`` is a DataFrame with ``cell, x, y`` (the cell centre) and the layers (``count``,
    ``kde``, ``risk``, ...); ``value`` names the main layer, which :func:`saferstats.pai` reads
    (it refuses a prediction on a different grid). A grid made over a ``study_area`` also has
    ``in_study_area`` (the cell's centre, or one of its points, is in the area), which
    :func:`saferstats.pai` and :func:`saferstats.hotspot_classify` use to leave the rest out. ``polygons()`` gives the cell outlines for a
    map.

    ``events`` records, for each count layer a function made from points (``count``; ``count_a``,
    ``count_b``; ``count_before``, ``count_after``), how many points were given and how many were
    in the study area (``{"count": {"given": 2735, "in_study_area": 323}}``; both the same without
    one; None for weighted counts and for grids given no points). The headline reads it: of the
    events given, how many the area's cells count and how many are left out (outside the study
    area, beyond the grid's edge, or in cells beyond the area's edge of a given grid). In a notebook
    the grid shows that headline and the area's top cells by its main layer (row and column from
    the south-west corner, count and share of the events counted), never the first cells of its
    extent, which over a study area are its corner, outside the area and empty; the whole table
    is ``to_pandas()``.

    >>> g = hotspot_count([50, 60, 150, 950], [50, 50, 50, 50], cell_size=100, bounds=(0, 299, 0, 99))
    >>> print(g.headline())
    3 × 1 square cells of 100 m (3 cells); count: max 2, 2 cells > 0; events: 3 counted, 1 left out (1 beyond the grid's edge)
    >>> g.top_cells()
       cell  row  col     x     y  count     share
    0     0    0    0  50.0  50.0    2.0  0.666667
    1     1    0    1 150.0  50.0    1.0  0.333333
    """

    grid_type: str
    cell_size: float
    x0: float
    y0: float
    ncols: int
    nrows: int
    cells: pd.DataFrame
    value: str | None = None
    bandwidth: float | None = None
    events: dict[str, dict[str, int]] | None = None

    _summary_fields = ("grid_type", "cell_size", "ncols", "nrows", "value", "bandwidth")

    def __post_init__(self) -> None:
        _tag_cells(self)

    @property
    def values(self) -> np.ndarray:
        """The main layer (``cells[value]``)."""
        if self.value is None:
            raise InvalidInputError("this grid has no layer yet: count or smooth points on it first", "grid")
        return np.asarray(self.cells[self.value].to_numpy())

    def _grid_key(self) -> tuple[Any, ...]:
        return (self.grid_type, self.x0, self.y0, self.cell_size, self.ncols, self.nrows)

    def _args(self) -> tuple[str, float, float, float, int, int]:
        return (self.grid_type, self.x0, self.y0, self.cell_size, self.ncols, self.nrows)

    @property
    def cell_area(self) -> float:
        """Area of one cell (units²)."""
        s = self.cell_size
        return s * s if self.grid_type == "square" else np.sqrt(3) / 2 * s * s

    def layer(self, name: str) -> HotspotGrid:
        """The same grid with ``name`` as its main layer (e.g. ``g.layer("count")``)."""
        if name not in self.cells.columns:
            raise InvalidInputError(f"no layer {name!r}; layers: {', '.join(self.cells.columns[3:])}", "name")
        return dataclasses.replace(self, value=name)

    def polygons(self) -> list[np.ndarray]:
        """Cell outlines: one (4 or 6) × 2 array of vertices per cell."""
        cx = self.cells["x"].to_numpy()[:, None]
        cy = self.cells["y"].to_numpy()[:, None]
        if self.grid_type == "square":
            h = self.cell_size / 2
            dx, dy = np.array([-h, h, h, -h]), np.array([-h, -h, h, h])
        else:
            r = self.cell_size / np.sqrt(3)
            a = np.radians(60 * np.arange(6) - 90)
            dx, dy = r * np.cos(a), r * np.sin(a)
        return list(np.stack([cx + dx, cy + dy], axis=-1))

    def _inside(self) -> np.ndarray:
        """The cells in the study area (every cell of a grid without one)."""
        if IN_STUDY_AREA in self.cells.columns:
            return np.asarray(self.cells[IN_STUDY_AREA].to_numpy(dtype=bool))
        return np.ones(len(self.cells), dtype=bool)

    def event_counts(self) -> pd.DataFrame:
        """Per count layer recorded in ``events``: the events ``given``, ``counted`` (in the study
        area's cells; every cell without one), and those left out: ``outside_study_area`` (left out
        by ``study_area=``), ``beyond_grid`` (outside a given ``grid`` or ``bounds``) and
        ``beyond_edge`` (counted in cells of a given grid beyond its study area's edge, which
        :func:`saferstats.pai`, :func:`hotspot_classify` and :func:`hotspot_change` leave out), and
        ``missing_coordinates`` (rows without coordinates left out by ``missing="drop"``).

        >>> hotspot_count([50, 60, 150, 950], [50, 50, 50, 50], cell_size=100, bounds=(0, 299, 0, 99)).event_counts()
           layer  given  counted  left_out  outside_study_area  beyond_grid  beyond_edge  missing_coordinates
        0  count      4        3         1                   0            1            0                    0
        """
        inside, rows = self._inside(), []
        for layer, rec in (self.events or {}).items():
            if layer not in self.cells.columns:
                continue
            v = np.nan_to_num(self.cells[layer].to_numpy(dtype=float))
            given, kept, gone = int(rec["given"]), int(rec["in_study_area"]), int(rec.get("missing_coordinates", 0))
            counted, edge = int(round(float(v[inside].sum()))), int(round(float(v[~inside].sum())))
            rows.append({"layer": layer, "given": given, "counted": counted, "left_out": given - counted,
                         "outside_study_area": given - gone - kept, "beyond_grid": kept - counted - edge,
                         "beyond_edge": edge, "missing_coordinates": gone})
        cols = ["layer", "given", "counted", "left_out", "outside_study_area", "beyond_grid", "beyond_edge",
                "missing_coordinates"]
        return pd.DataFrame(rows, columns=cols)

    def _events_text(self) -> str:
        """"events: 323 counted in the study area, 2,412 left out (2,412 outside the study area)"."""
        table = self.event_counts()
        if table.empty:
            return ""
        area = IN_STUDY_AREA in self.cells.columns
        parts = []
        for r in table.itertuples(index=False):
            why = [f"{n:,} {w}" for n, w in ((r.missing_coordinates, "without coordinates"),
                                             (r.outside_study_area, "outside the study area"),
                                             (r.beyond_grid, "beyond the grid's edge"),
                                             (r.beyond_edge, "in cells beyond the study area's edge")) if n]
            text = (f"{r.counted:,} counted{' in the study area' if area else ''}, {r.left_out:,} left out"
                    + (f" ({', '.join(why)})" if why else ""))
            parts.append(text if len(table) == 1 else f"{r.layer} {text}")
        return "events: " + "; ".join(parts)

    def _rank_layer(self) -> str | None:
        """The layer the top cells are ranked by: the main layer, or ``count`` of a grid with none."""
        if self.value is not None and self.value in self.cells.columns:
            return self.value
        return "count" if "count" in self.cells.columns else None

    def top_cells(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` cells of the study area (every cell without one) with the largest main layer
        (a change: the largest in size, up or down), leaving out cells with no value or a value of
        0: ``cell``, ``row`` and ``col`` (from the grid's south-west corner), the centre ``x``, ``y``,
        the count layers, ``share`` (of the events the ``count`` layer holds in the area's cells)
        and the main layer. The notebook view of the grid shows them."""
        key = self._rank_layer()
        cols = self.cells.columns
        if key is None:
            return pd.DataFrame(columns=["cell", "row", "col", "x", "y"])
        v = self.cells[key].to_numpy(dtype=float)
        score = np.abs(v) if key == "change" else v
        pick = self._inside() & np.isfinite(score) & (score != 0)
        order = np.flatnonzero(pick)[np.argsort(-score[pick], kind="stable")][:max(int(n), 0)]
        cell = self.cells["cell"].to_numpy()[order]
        out = pd.DataFrame({"cell": cell, "row": cell // self.ncols, "col": cell % self.ncols,
                            "x": self.cells["x"].to_numpy()[order], "y": self.cells["y"].to_numpy()[order]})
        counts = [c for c in ("count", "count_a", "count_b", "count_before", "count_after") if c in cols]
        for c in counts:
            out[c] = self.cells[c].to_numpy()[order]
        if "count" in cols:
            total = float(np.nansum(self.cells["count"].to_numpy(dtype=float)[self._inside()]))
            out["share"] = out["count"] / total if total > 0 else np.nan
        for extra in [key] + (["p_adjusted"] if key == "change" else []):
            if extra not in out.columns and extra in cols:
                out[extra] = self.cells[extra].to_numpy()[order]
        return out

    def _cells_text(self) -> str:
        """"51 × 74 square cells of 100 m" / "… hex cells 200 m across": the size with its unit, the
        coordinates being metres (until session 26 "cells of 100", no unit; a hexagon's
        ``cell_size`` is the distance between side-by-side centres, its width across the flats),
        rounded as :func:`_size_said` (``cell_size`` keeps the value)."""
        return f"{self.ncols} × {self.nrows} {self.grid_type} {cells_said(self.cell_size, self.grid_type)}"

    def _unit(self, layer: str) -> str:
        """" per km²" after the values of a density layer: ``kde`` of :func:`hotspot_kde`, ``kde_a``
        and ``kde_b`` of :func:`hotspot_dual_kde` and its ``kde`` of ``method="difference"``, the
        coordinates being metres (until session 26 "kde: max 429.75", no unit, as
        :class:`KdeResult` says it); nothing for a ratio or log ratio, or a layer of counts."""
        dual = self.cells.attrs.get(DUAL_TAG)
        return " per km²" if layer in ("kde_a", "kde_b") or (layer == "kde" and dual in (None, "difference")) else ""

    def headline(self) -> str:
        """One line: the grid, its cells (those in the study area), its main layer and the events
        counted and left out."""
        g = self._cells_text()
        inside_cells = int(self._inside().sum())
        g += (f" ({len(self.cells):,} cells, {inside_cells:,} in the study area)" if IN_STUDY_AREA in self.cells.columns
              else f" ({len(self.cells):,} cells)")
        if self.bandwidth is not None:
            g += f", bandwidth {self.bandwidth:,.6g} m"
        if self.value is not None:
            v = self.values
            inside = (self.cells[IN_STUDY_AREA].to_numpy(dtype=bool) if IN_STUDY_AREA in self.cells.columns
                      else np.ones(len(v), dtype=bool))
            # the headline is the study area's: a kernel spreads the events near its edge over the
            # cells beyond it, whose densities are no place of the area's (leave them out with
            # cells[in_study_area]; pai and hotspot_classify do)
            finite = v[inside & np.isfinite(v)]
            top = f"max {finite.max():.6g}{self._unit(self.value)}" if finite.size else "no finite values"
            where = " in the study area" if not inside.all() else ""
            if self.value == "change" and finite.size:
                # a change goes both ways: "max 17, 123 cells > 0" left out the falls and which
                # changes are more than chance (p_adjusted, Benjamini-Hochberg over the cells)
                up, down = finite[finite > 0], finite[finite < 0]
                g += (f"; change (after − before): {up.size:,} cells up" + (f" (most +{up.max():.6g})" if up.size else "")
                      + f", {down.size:,} down" + (f" (most {down.min():.6g})" if down.size else "") + where)
                if "p_adjusted" in self.cells.columns:
                    pa = self.cells["p_adjusted"].to_numpy(dtype=float)[inside]
                    ch = v[inside]
                    sig_up, sig_down = int(((pa < 0.05) & (ch > 0)).sum()), int(((pa < 0.05) & (ch < 0)).sum())
                    g += f"; p_adjusted < 0.05: {sig_up:,} up, {sig_down:,} down"
            else:
                g += f"; {self.value}: {top}, {int((v[inside] > 0).sum()):,} cells > 0{where}"
            blank = int((np.isnan(v) & ~inside).sum())
            spread = int((v[~inside] > 0).sum())
            if spread:
                g += f" ({spread:,} cells outside it also > 0: leave them out with cells['{IN_STUDY_AREA}'])"
            if blank:
                g += f" ({blank:,} cells outside the study area have no value)"
            gaps = int(np.isnan(v[inside]).sum())
            if gaps:
                # a dual KDE's ratio where the second density is 0: not a value of 0, and not in max/count
                g += f"; {gaps:,} cells{where} have no value (NaN{', e.g. a ratio over a zero density' if self.value == 'kde' and 'kde_b' in self.cells.columns else ''})"
        events = self._events_text()
        gone = int(self.cells.attrs.get(MISSING_TAG, 0) or 0)
        if gone and not any(r.get("missing_coordinates") for r in (self.events or {}).values()):
            # a layer whose events are not counted in ``events`` (weights, a risk map): said here
            g += _left_out_said(gone)
        window = self.cells.attrs.get(WINDOW_TAG) if self.value == "risk" else None
        if isinstance(window, list) and len(window) == 2:
            # a prospective map says which events it was made from (pai reads the same window as its train)
            g += f"; made from events of {window[0]}" + ("" if window[0] == window[1] else f" to {window[1]}")
            gaps = self.cells.attrs.get(MONTHS_MISSING_TAG)
            if gaps:
                g += f" (no event in {', '.join(gaps[:3])}{' ...' if len(gaps) > 3 else ''}: a month missing from the files?)"
        return g + (f"; {events}" if events else "")

    def __repr__(self) -> str:
        return f"HotspotGrid({self.headline()})"

    def _repr_html_(self) -> str:
        """The headline as a table (cells, cells in the study area, events counted and left out)
        and the study area's top cells (:meth:`top_cells`), saying how many of how many are shown:
        not the grid's first cells, which over a study area are its corner, outside it and empty."""
        esc = html.escape
        area = IN_STUDY_AREA in self.cells.columns
        rows = [("grid", self._cells_text() + (f", bandwidth {self.bandwidth:,.6g} m" if self.bandwidth is not None else "")),
                ("cells", f"{len(self.cells):,}")]
        if area:
            rows.append(("cells in the study area", f"{int(self._inside().sum()):,}"))
        for r in self.event_counts().itertuples(index=False):
            tag = f" ({r.layer})" if len(self.events or {}) > 1 else ""
            why = [f"{n:,} {w}" for n, w in ((r.missing_coordinates, "without coordinates"),
                                             (r.outside_study_area, "outside the study area"),
                                             (r.beyond_grid, "beyond the grid's edge"),
                                             (r.beyond_edge, "in cells beyond the study area's edge")) if n]
            rows.append((f"events counted{' in the study area' if area else ''}{tag}", f"{r.counted:,} of {r.given:,}"))
            rows.append((f"events left out{tag}", f"{r.left_out:,}" + (f" ({', '.join(why)})" if why else "")))
        head = "".join(f"<tr><th style='text-align:left'>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
        out = f"<p><b>HotspotGrid</b> — {esc(self.headline())}</p><table>{head}</table>"
        key = self._rank_layer()
        if key is None:
            return out + "<p>No layer yet: count or smooth points on the grid (hotspot_count, hotspot_kde).</p>"
        top = self.top_cells(10)
        v = self.cells[key].to_numpy(dtype=float)
        held = int((self._inside() & np.isfinite(v) & (v != 0)).sum())
        where = "in the study area " if area else ""
        by = f"{key} (in size)" if key == "change" else key
        if top.empty:
            return out + f"<p>No cell {where}has {esc(key)} other than 0.</p>"
        note = (f"The {len(top):,} of the {held:,} cells {where}with {esc(key)} other than 0 that have the largest "
                f"{esc(by)}, largest first (row and col from the grid's south-west corner; share: of the events "
                f"counted{' in the study area' if area else ''}). Every cell: to_pandas().")
        fmt: dict[str, Any] = {c: (lambda f: f"{f:,.6g}") for c in top.columns if top[c].dtype.kind == "f"}
        fmt.update({"x": lambda f: f"{f:.0f}", "y": lambda f: f"{f:.0f}", "share": lambda f: f"{f:.1%}"})
        return out + f"<p>{note}</p>" + str(top.to_html(index=False, formatters=fmt, na_rep=""))

    def to_pandas(self) -> pd.DataFrame:
        """One row per cell: ``cell, x, y``, over a study area ``in_study_area``, and the layers.

        The layers keep their values in the cells beyond the study area's edge (``in_study_area``
        False): a kernel spreads the area's events over the edge, and a count on a given grid
        counts every point on it. They are not blanked (as :meth:`KdeResult.to_pandas` blanks its
        ``density``), because :func:`saferstats.pai` pairs two grids cell by cell and their edge
        cells can differ; but they are no places of the area, so filter before ranking, mapping or
        writing the cells: ``t = g.to_pandas(); t[t.in_study_area]`` (the headline,
        :func:`saferstats.pai`, :func:`saferstats.concentration`, :func:`hotspot_classify` and the
        maps of ``saferstats.geo`` already leave them out). A grid without a study area has no such
        column: every cell is scored.

        >>> from saferstats import StudyArea
        >>> sq = StudyArea([(0, 0), (1000, 0), (1000, 1000), (0, 1000), (0, 0)], crs=27700)
        >>> g = hotspot_kde([500, 900, 950], [500, 500, 400], cell_size=500, bandwidth=800,
        ...                 bounds=(-500, 1500, 0, 1000), study_area=sq)
        >>> t = g.to_pandas()
        >>> t[["cell", "in_study_area", "count", "kde"]].round(2).head(4)
           cell  in_study_area  count   kde
        0     0          False    0.0  0.00
        1     1           True    0.0  1.11
        2     2           True    1.0  3.30
        3     3          False    0.0  1.77
        >>> t.sort_values("kde", ascending=False)["cell"].head(3).tolist()   # cell 3 is beyond the edge
        [2, 7, 3]
        >>> t[t.in_study_area].sort_values("kde", ascending=False)["cell"].head(3).tolist()   # the area's
        [2, 7, 1]
        """
        return self.cells.copy()


def auto_cell_size(x: Any, y: Any, *, missing: Literal["error", "drop"] = "error") -> float:
    """sfhotspot's rule: 1/50 of the shorter side of the points' bounding box, floored to a
    multiple of 100 (metres) when that is at least 100. Under 100 m (a shorter side under
    5,000 m) it is 1/50 of that side as it is, not rounded: over Watford (study_area="Watford",
    whose extent is 4,875.5 m at its narrowest) 97.5099… m. The value is used as it is; the
    grid's headline says it to a tenth of a metre ("cells of 97.5 m"). ``missing``: points
    without coordinates are refused (``"error"``, the default) or, with ``"drop"``, left out as
    the grid functions do (a warning names how many and the first row).

    >>> auto_cell_size([0, 40_000], [0, 12_345])
    200.0
    >>> round(auto_cell_size([0, 40_000], [0, 4_875.5]), 2)   # under 100 m: not rounded
    97.51
    """
    x, y, _, _ = _drop_missing("auto_cell_size", missing, x, y, returns="counted in a warning")
    xs, ys = _finite_xy(x, y)
    return float(_ext.grid_auto_cell_size(xs, ys))


def bandwidth_nrd(x: Any, *, missing: Literal["error", "drop"] = "error") -> float:
    """R ``MASS::bandwidth.nrd``: 4 · 1.06 · min(sd, IQR/1.34) · n^(−1/5) (sd with n − 1; IQR of
    R's default quantiles, type 7), of one coordinate. ``missing``: values missing (police.uk
    publishes some records without a location) are refused (``"error"``, the default: a
    :class:`~saferstats.MissingValueError` naming ``x`` and the row) or, with ``"drop"``, left out
    as :func:`auto_bandwidth` and the grid functions do (a warning names how many and the first
    row). Until session 28 a missing value was an ``InvalidInputError`` naming only its position.

    >>> round(bandwidth_nrd([1, 2, 3, 4, 10]), 9)
    4.586665334
    >>> round(bandwidth_nrd([1, 2, float("nan"), 3, 4, 10], missing="drop"), 9)   # warns: 1 of 6 left out
    4.586665334
    """
    x, _, _, _ = _drop_missing("bandwidth_nrd", missing, x, x, names=("x", "x"), returns="counted in a warning")
    with _core_terms(x=x):  # an infinite value is named by its row label, as given
        return float(_ext.grid_bandwidth_nrd(as_float_array("x", x)))


def auto_bandwidth(x: Any, y: Any, *, missing: Literal["error", "drop"] = "error") -> float:
    """The automatic KDE bandwidth: the mean of ``bandwidth_nrd`` of x and of y (both axes;
    sfhotspot's own code uses x only). ``missing``: points without coordinates are refused
    (``"error"``, the default) or, with ``"drop"``, left out as the grid functions do (a warning
    names how many and the first row).

    >>> round(auto_bandwidth([1, 2, 3, 4, 10], [1, 2, 3, 4, 10]), 6)
    4.586665
    """
    x, y, _, _ = _drop_missing("auto_bandwidth", missing, x, y, returns="counted in a warning")
    xs, ys = _finite_xy(x, y)
    return float(_ext.grid_auto_bandwidth(xs, ys))


def _make_grid(xs: np.ndarray, ys: np.ndarray, cell_size: float | None, grid_type: str, bounds: Any,
               grid: HotspotGrid | None, area: Any = None, given: Any = None) -> HotspotGrid:
    """The grid of ``bounds`` (or of the points, or ``grid``'s cells); with a study ``area``, its
    cells carry ``in_study_area`` (see :func:`_mark_study_area`: marked again for these points, also
    on a given ``grid``); without one, a given ``grid`` keeps its own marks."""
    g = _new_grid(xs, ys, cell_size, grid_type, bounds, grid, given)
    if area is not None:
        _mark_study_area(g, area, xs, ys)
    return g


#: Column of a grid's ``cells`` made over a ``study_area``: the cell is in the area (its centre, or
#: one of the points, lies inside). :func:`pai` scores such a grid over these cells only.
IN_STUDY_AREA = "in_study_area"


def _mark_study_area(g: HotspotGrid, area: Any, xs: np.ndarray, ys: np.ndarray) -> None:
    """Mark the cells of ``g`` in ``area``: the centre inside, or holding one of the (inside) points,
    so that no point is lost at the edge (the rule of :meth:`StudyArea.grid_mask`)."""
    inside = np.asarray(area.contains_xy(g.cells["x"].to_numpy(), g.cells["y"].to_numpy()), dtype=bool)
    held = _ext.grid_counts(g._args(), xs, ys, None)["count"] > 0
    g.cells[IN_STUDY_AREA] = inside | held
    _tag_cells(g)


#: Key of ``HotspotGrid.cells.attrs`` naming the grid and its study-area cells. pandas carries a
#: frame's attrs to its columns, so ``pai(o.cells["count"], g.cells["kde"])`` is scored over the
#: study area exactly as ``pai(o, g)`` (it was scored over the whole bounding box, silently).
GRID_TAG = "saferstats_grid"


def _tag_cells(g: HotspotGrid) -> None:
    """Record on ``g.cells.attrs`` the grid's identity, its ``in_study_area`` cells (packed bits,
    base64) and a digest of each numeric layer — plain JSON values, so that the frame still writes
    to parquet (which stores attrs as JSON), and strings, which pandas' copy of attrs to every
    column taken from the frame does not duplicate."""
    cells = g.cells
    if not isinstance(cells, pd.DataFrame):
        return
    bits = None
    if IN_STUDY_AREA in cells.columns:
        bits = base64.b64encode(np.packbits(cells[IN_STUDY_AREA].to_numpy(dtype=bool)).tobytes()).decode("ascii")
    # a column is taken as the grid's only while it holds the same values in the same order (a
    # sorted or edited column, even with a fresh index, is not)
    layers = {str(c): array_digest(cells[c].to_numpy()) for c in cells.columns
              if c not in ("cell", "x", "y", IN_STUDY_AREA) and cells[c].dtype.kind in "fiub"}
    cells.attrs[GRID_TAG] = {"grid": [g.grid_type, g.x0, g.y0, g.cell_size, g.ncols, g.nrows], "cells": len(cells),
                             IN_STUDY_AREA: bits, "layers": layers}


#: Key of ``HotspotGrid.cells.attrs`` / ``ClassifyResult.cells.attrs`` holding how many events
#: without coordinates ``missing="drop"`` left out.
MISSING_TAG = "missing_coordinates"

#: Key of ``HotspotGrid.cells.attrs`` holding the ``method`` of :func:`hotspot_dual_kde` whose ``kde``
#: layer it is ("ratio", "log_ratio": no unit; "difference": per km²).
DUAL_TAG = "saferstats_dual_method"

#: Key of ``HotspotGrid.cells.attrs`` holding the window of the events a prediction was made from
#: (first and last day used, ISO dates): :func:`saferstats.pai` checks it against ``test=``.
WINDOW_TAG = "saferstats_train_window"

#: Key of ``HotspotGrid.cells.attrs`` holding the police.uk months a :func:`prospective_hotspots`
#: map weighs that hold no event at all (a monthly file not read): ``["2021-06"]``.
MONTHS_MISSING_TAG = "months_missing"


def array_digest(a: np.ndarray) -> str:
    """A short hash of an array's bytes and dtype, to tell whether two arrays are the same."""
    return hashlib.blake2b(np.ascontiguousarray(a).view(np.uint8).data, digest_size=16).hexdigest() + str(a.dtype)


def _grid_tag(v: Any) -> tuple[tuple[Any, ...], np.ndarray | None] | None:
    """(grid identity, ``in_study_area`` mask or None) of a grid, or of a column taken whole and in
    order from a grid's ``cells`` (``g.cells["kde"]``, ``g.to_pandas()["count"]``); None otherwise
    (an array, a filtered, reordered or edited column)."""
    if isinstance(v, HotspotGrid):
        cells = v.cells
        mask = cells[IN_STUDY_AREA].to_numpy(dtype=bool) if IN_STUDY_AREA in cells.columns else None
        return v._grid_key(), mask
    read = _read_tag(v)
    if read is None:
        return None
    key, layers, mask = read
    if not isinstance(layers, dict) or layers.get(str(v.name)) != array_digest(v.to_numpy()):
        return None
    return key, mask


def _read_tag(v: Any) -> tuple[tuple[Any, ...], Any, np.ndarray | None] | None:
    """(grid identity, layer digests, ``in_study_area`` mask or None) from the tag a column taken
    whole and in order from a grid's ``cells`` carries; None for anything else."""
    if not isinstance(v, pd.Series):
        return None
    tag = v.attrs.get(GRID_TAG)
    try:
        n, layers, grid, bits = int(tag["cells"]), tag["layers"], tuple(tag["grid"]), tag[IN_STUDY_AREA]
    except (TypeError, KeyError, ValueError):
        return None
    if n != len(v) or not v.index.equals(pd.RangeIndex(n)) or v.dtype.kind not in "fiub":
        return None
    mask = None
    if bits is not None:
        mask = np.unpackbits(np.frombuffer(base64.b64decode(bits), dtype=np.uint8), count=n).astype(bool)
    return (str(grid[0]), float(grid[1]), float(grid[2]), float(grid[3]), int(grid[4]), int(grid[5])), layers, mask


def _mask_grid(v: Any) -> tuple[str, int, int] | None:
    """(grid type, nrows, ncols) of the grid whose ``g.cells["in_study_area"]`` ``v`` is, taken
    whole and in order (the values the grid's tag holds); None for anything else (an array, e.g.
    ``.to_numpy()``, which carries no shape)."""
    read = _read_tag(v)
    if read is None or v.name != IN_STUDY_AREA or v.dtype != bool:
        return None
    key, _, mask = read
    if mask is None or not np.array_equal(mask, v.to_numpy()):
        return None
    return str(key[0]), int(key[5]), int(key[4])


def _new_grid(xs: np.ndarray, ys: np.ndarray, cell_size: float | None, grid_type: str, bounds: Any,
              grid: HotspotGrid | None, given: Any = None) -> HotspotGrid:
    if grid is not None:
        if not isinstance(grid, HotspotGrid):
            raise InvalidInputError("`grid` must be a HotspotGrid (from hotspot_grid or another hotspot_* call)", "grid")
        if cell_size is not None and _float_arg("cell_size", cell_size, positive=True) != grid.cell_size:
            warn_user(f"cell_size={cell_size!r} is ignored: the cells are those of `grid` ({_size_said(grid.cell_size)} m); "
                      "leave out grid= for another cell size")
        if bounds is not None:
            warn_user("`bounds` is ignored: the cells are those of `grid`; leave out grid= for other bounds")
        keep = [c for c in ("cell", "x", "y", IN_STUDY_AREA) if c in grid.cells.columns]
        cells = grid.cells[keep].copy()
        # the cells only: a prediction's training window (pandas copies attrs) is no window of the
        # events counted on its cells, and pai would take it as the map's own (until session 19 a
        # count of January on a prospective grid's cells, scored on January, read as trained on May-November)
        cells.attrs.pop(WINDOW_TAG, None)
        cells.attrs.pop(DUAL_TAG, None)  # nor is a dual KDE's method the next layer's
        cells.attrs.pop(MISSING_TAG, None)  # nor the rows its points left out
        cells.attrs.pop(MONTHS_MISSING_TAG, None)  # nor the months its events lacked
        return dataclasses.replace(grid, cells=cells, value=None, bandwidth=None, events=None)
    if bounds is None:
        if len(xs) == 0:
            raise InvalidInputError("no points and no `bounds`: the grid is undefined", "x")
        b = (float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max()))
        _warn_stretched(xs, ys, given)  # no study area here: xs are the points as given
    else:
        b = _bounds(bounds)
    if cell_size is None:
        if bounds is not None:
            cs = float(_ext.grid_auto_cell_size(np.array([b[0], b[1]]), np.array([b[2], b[3]])))
        else:
            cs = float(_ext.grid_auto_cell_size(xs, ys))
    else:
        cs = _float_arg("cell_size", cell_size, positive=True)
    spec = _ext.grid_spec(*b, cs, shape=grid_type)  # the core checks the name (aliases too)
    grid_type, x0, y0, nc, nr = spec["shape"], spec["x0"], spec["y0"], spec["ncols"], spec["nrows"]
    if nc * nr > LARGE_GRID:
        warn_user(f"the grid has {nc} x {nr} = {nc * nr:,} cells (more than {LARGE_GRID:,}): slow to draw and hard "
                  "to read; consider a larger cell_size")
    centres = _ext.grid_centres((grid_type, x0, y0, cs, nc, nr))
    cells = pd.DataFrame({"cell": np.arange(nc * nr), "x": centres["x"], "y": centres["y"]})
    return HotspotGrid(grid_type, cs, float(x0), float(y0), int(nc), int(nr), cells)


def _two_sets(study_area: Any, bounds: Any, grid: Any, *sets: tuple[Any, Any, str], fn: str = "") -> Any:
    """Each (x, y, suffix) point set checked and kept to ``study_area``; then the bounds (the
    area's extent when none and no grid are given) and the area (None without one)."""
    out, area = [], None
    for x, y, tag in sets:
        xs, ys = _finite_xy(x, y, (f"x{tag}", f"y{tag}"))
        given = len(xs)
        xs, ys, _, _, area = _points_in(xs, ys, study_area, None, names=(f"x{tag}", f"y{tag}"), fixed=True, fn=fn)
        out.append((xs, ys, given))
    if bounds is None and grid is None and area is not None:
        bounds = area.bounds
    return (*out, bounds, area)


def _events(missing: int = 0, **layers: tuple[int, ...]) -> dict[str, dict[str, int]]:
    """``HotspotGrid.events``: per count layer (given, in study area[, missing]), the points given
    (with the rows without coordinates that ``missing="drop"`` left out: ``missing``, or the
    layer's own third number), those in the study area and those ``missing_coordinates`` (that key
    only when some were)."""
    out = {}
    for k, (g, n, *m) in layers.items():
        gone = int(m[0]) if m else int(missing)
        out[k] = {"given": int(g) + gone, "in_study_area": int(n), **({"missing_coordinates": gone} if gone else {})}
    return out


def _period_present(period: Any, periods: Any = None) -> None:
    """Refuse a missing period label, or one not in ``periods`` (when given), naming its row."""
    lab = _series("period", period)
    miss = lab.isna().to_numpy()
    if miss.any():
        raise _row_error(InvalidInputError, "period", period, int(np.flatnonzero(miss)[0]), "`period` is missing at {row}")
    if periods is not None:
        unknown = ~lab.isin(list(periods)).to_numpy()
        if unknown.any():
            row = int(np.flatnonzero(unknown)[0])
            raise _row_error(InvalidInputError, "period", period, row,
                             f"`period` {lab.iloc[row]!r} at {{row}} is not in `periods`")


def hotspot_grid(x: Any, y: Any = None, *, cell_size: float | None = None, grid_type: Literal["square", "hex"] = "square",
                 bounds: tuple[float, float, float, float] | None = None, study_area: Any = None,
                 missing: Literal["error", "drop"] = "error") -> HotspotGrid:
    """A square or hexagonal grid covering the points (or ``bounds`` = (xmin, xmax, ymin, ymax),
    a study area's extent).

    ``x``/``y`` are projected coordinates in metres (:func:`saferstats.to_bng`).
    ``cell_size=None`` applies sfhotspot's rule (:func:`auto_cell_size`); hexagons are
    pointy-topped with ``cell_size`` the distance between side-by-side centres. A grid of more
    than 50 million cells is refused with its size before anything is allocated; more than
    100,000 cells gives a warning. See docs/methods/hotspot_intelligence.md.

    ``study_area``: a police force area, CSP or local authority (name or code) or a polygon (see
    :class:`saferstats.StudyArea`; ``x``/``y`` on the British National Grid): points outside it
    are left out and counted, with where they are, in a :class:`~saferstats.SaferstatsWarning`,
    and the grid covers the area's extent. Without it (and without ``bounds``/``grid``) the grid
    covers the points, with a warning when a few far-away points stretch it.

    ``missing``: ``"error"`` (default) refuses points without coordinates, naming the row;
    ``"drop"`` leaves them out with a warning (as :func:`hotspot_count`).

    >>> g = hotspot_grid([0, 1000], [0, 500], cell_size=100)
    >>> g.ncols, g.nrows, len(g.cells)
    (11, 6, 66)
    """
    x, y, _, _ = _drop_missing("hotspot_grid", missing, x, y)
    xs, ys, _, bounds, area = _points_in(x, y, study_area, bounds, fn="hotspot_grid")
    return _make_grid(xs, ys, cell_size, grid_type, bounds, None, area, _given(x, y))


def hotspot_count(x: Any, y: Any = None, *, cell_size: float | None = None, grid_type: Literal["square", "hex"] = "square",
                  bounds: tuple[float, float, float, float] | None = None, grid: HotspotGrid | None = None,
                  weights: Any = None, study_area: Any = None,
                  missing: Literal["error", "drop"] = "error") -> HotspotGrid:
    """Points (or their ``weights``) per cell: layer ``count``. Points outside a given ``grid`` or
    ``bounds`` are not counted; a :class:`~saferstats.SaferstatsWarning` says how many.

    ``cell_size=None`` applies sfhotspot's rule (:func:`auto_cell_size`: 1/50 of the shorter side
    of the extent, floored to a multiple of 100 m from 100 m up). Under 100 m the rule's value is
    not rounded and is used as it is (``g.cell_size``): over Watford (``study_area="Watford"``)
    97.5099… m, which the headline says as "cells of 97.5 m" (until session 28 "97.5099 m"). Pass
    ``cell_size`` for round cells.

    ``study_area``: a police force area, CSP or local authority (name or code) or a polygon (see
    :class:`saferstats.StudyArea`; ``x``/``y`` on the British National Grid): points outside it
    are left out and counted, with where they are, in a :class:`~saferstats.SaferstatsWarning`,
    and the grid covers the area's extent. Without it (and without ``bounds``/``grid``) the grid
    covers the points, with a warning when a few far-away points stretch it.

    **Snapped points**: police.uk publishes each record at one of a set of anonymised map points.
    When three quarters or more of the events counted lie in cells that each hold a single map
    location (of two or more events), the cells are finer than those points' spacing: the grid maps
    the points, not where the events were, and a :class:`~saferstats.SaferstatsWarning` says so
    (the City of London's street crime of 2023 on the automatic 30.7 m cells: 99% of 8,086 events,
    the busiest cell's 368 at one point; on 100 m cells, 52%, no warning). The counts stand.

    ``missing``: ``"error"`` (default) refuses points without coordinates with a
    :class:`~saferstats.MissingValueError` naming the coordinate and the row (police.uk publishes
    some records without a location: 10 of Hertfordshire's 2021 ASB records); ``"drop"`` leaves
    them out, as :func:`saferstats.dbscan` does, with a :class:`~saferstats.SaferstatsWarning`
    naming how many and the first row, and counts them in ``events`` (``event_counts()``
    ``missing_coordinates``) and the headline ("1 left out (1 without coordinates)").

    >>> g = hotspot_count([50, 60, 150], [50, 50, 50], cell_size=100, bounds=(0, 199, 0, 99))
    >>> g.cells["count"].tolist()
    [2.0, 1.0]
    """
    x, y, (weights,), gone = _drop_missing("hotspot_count", missing, x, y, weights)
    xs, ys, w, bounds, area, given = _weighted_points(x, y, weights, study_area, bounds, fixed=grid is not None, fn="hotspot_count")
    g = _make_grid(xs, ys, cell_size, grid_type, bounds, grid, area, _given(x, y))
    r = _ext.grid_counts(g._args(), xs, ys, w)
    c, outside = r["count"], r["outside"]
    if outside:
        warn_user(f"{outside:,} of {number_of(len(xs), 'point')} lie outside the grid and are not counted")
    g.cells["count"] = c
    if w is None:  # cells that each hold one anonymised police.uk map point (said; the counts stand)
        ux, uy = _distinct_points(xs, ys)
        _warn_map_points("hotspot_count", g.cell_size, np.asarray(c, dtype=float), len(xs), ux.size,
                         lambda: _ext.grid_counts(g._args(), ux, uy, None)["count"], g.grid_type)
    if gone:
        g.cells.attrs[MISSING_TAG] = gone
    return dataclasses.replace(g, value="count", events=None if w is not None else _events(gone, count=(given, len(xs))))


def _bandwidth(xs: np.ndarray, ys: np.ndarray, bandwidth: float | None, adjust: float, cell: float,
               kernel: Any = "quartic", fn: str = "hotspot_kde", area: Any = None) -> float:
    gaussian = isinstance(kernel, str) and kernel.lower() in ("gaussian", "normal")
    if bandwidth is None:
        h = float(_ext.grid_auto_bandwidth(xs, ys))
        if gaussian:
            # bandwidth.nrd is MASS::kde2d's h, whose normal kernel has sd h/4; used whole as the sd it
            # smoothed 4 times as widely as MASS (and ~2.6 times the quartic's sd, r/sqrt(7), with r = h)
            h /= 4
    else:
        h = _float_arg("bandwidth", bandwidth, positive=True)
    h *= _float_arg("bandwidth_adjust", adjust, positive=True)
    if bandwidth is None:
        used = f"a Gaussian sd of {h:,.0f} m (a quarter of bandwidth.nrd)" if gaussian else f"{h:,.0f} m"
        _warn_wide_bandwidth(fn, 4 * h if gaussian else h, "MASS::bandwidth.nrd, as sfhotspot", used, xs, ys, area)
    if h < cell:
        warn_user(f"the bandwidth ({h:,.6g} m) is smaller than the cell size ({_size_said(cell)} m): the surface will be "
                  "patchy; use a larger bandwidth or smaller cells")
    return h


def _warn_off_grid(outside: int, n: int, layer: str, which: str = "") -> None:
    """Say how many points a given ``grid``/``bounds`` leaves out of a count layer (as
    :func:`hotspot_count` does); a kernel density still takes them in where their kernel reaches."""
    if outside:
        warn_user(f"{which}{outside:,} of {number_of(n, 'point')} lie outside the grid and are not in `{layer}`; the density "
                  "still includes them in the cells within the bandwidth of them")


def hotspot_kde(x: Any, y: Any = None, *, cell_size: float | None = None, bandwidth: float | None = None,
                bandwidth_adjust: float = 1.0, grid_type: Literal["square", "hex"] = "square",
                bounds: tuple[float, float, float, float] | None = None, grid: HotspotGrid | None = None,
                kernel: Literal["quartic", "gaussian"] = "quartic", weights: Any = None,
                study_area: Any = None, missing: Literal["error", "drop"] = "error") -> HotspotGrid:
    """Counts and kernel density per cell: layers ``count`` and ``kde`` (events per km² for
    coordinates in metres).

    Method: quartic kernel 3/(π h²)(1 − d²/h²)² within radius h (sfhotspot, ArcGIS, CrimeStat) or
    Gaussian with sd h, evaluated at the cell centres (square or hexagonal); ``bandwidth=None``
    uses :func:`auto_bandwidth` (``MASS::bandwidth.nrd`` on both axes) as the quartic's radius,
    and a quarter of it as the Gaussian's sd (``MASS::kde2d``'s use of ``bandwidth.nrd``; until
    session 15 the Gaussian took it whole, 4 times as smooth: Stevenage ASB, June 2021, sd 1,725 m
    and PAI 1.8 at 5% coverage on July against the quartic's 3.6), times
    ``bandwidth_adjust``. A bandwidth below the cell size gives a warning; bandwidth ≤ 0 is
    refused. The automatic bandwidth grows with the points' spread: over a county it is
    kilometres (Hertfordshire ASB, June 2021, over the force: 9,675 m), which smooths every
    street-level hotspot into a few blobs (scored on July at 5% of the area, PAI 4.1 against 11.9
    with 300 m), so one wider than 2,000 m gives a warning naming it: pass ``bandwidth`` in metres
    (a few hundred, e.g. ``bandwidth=300, cell_size=100``). Over a small area a few hundred metres
    do the same, so one wider than a fifth of the shorter side of the study area's extent (without
    ``study_area``, of the box of the central 99% of the points) is warned about too, with the side
    and the share of the area one event's kernel covers (the City of London's ASB of 2023: 702 m
    over an area 1,537 m across, each kernel 53% of its 2.9 km²; until session 18 only the 2 km
    rule applied). See docs/methods/hotspot_intelligence.md.

    ``study_area``: a police force area, CSP or local authority (name or code) or a polygon (see
    :class:`saferstats.StudyArea`; ``x``/``y`` on the British National Grid): points outside it
    are left out and counted, with where they are, in a :class:`~saferstats.SaferstatsWarning`,
    and the grid covers the area's extent. Without it (and without ``bounds``/``grid``) the grid
    covers the points, with a warning when a few far-away points stretch it. The kernel spreads
    the events near the area's edge over the cells beyond it: those cells keep that density (so
    that the surface integrates to the events), ``in_study_area`` is False there, and the headline's
    maximum and count are the area's cells' (it says how many outside are > 0). Take the area's
    hot cells with ``g.cells[g.cells.in_study_area]``; :func:`saferstats.pai` does, and the map frame
    of ``geo.to_geodataframe(g)`` has NaN layers beyond the edge (as ``geo.write_ascii_grid``). The events
    beyond the edge are left out before smoothing, so the area's cells near it lack their density;
    for the density at the area's places, smooth every event on the area's grid:
    ``hotspot_kde(x_all, y_all, grid=g, bandwidth=g.bandwidth)`` (docs/methods/hotspot_intelligence.md).
    When half or more of the density at the area's peak cell comes from the records at one map
    location (police.uk's anonymised points), a :class:`~saferstats.SaferstatsWarning` names it (as
    :func:`kde_grid`).

    ``missing``: ``"error"`` (default) refuses points without coordinates, naming the row;
    ``"drop"`` leaves them out with a warning and counts them in ``events`` (as :func:`hotspot_count`).

    >>> g = hotspot_kde([0.0], [0.0], cell_size=10, bandwidth=30, bounds=(-50, 50, -50, 50))
    >>> round(float(g.cells["kde"].sum() * g.cell_area / 1e6), 2)   # one point: integrates to ~1
    1.0
    """
    x, y, (weights,), gone = _drop_missing("hotspot_kde", missing, x, y, weights)
    xs, ys, w, bounds, area, given = _weighted_points(x, y, weights, study_area, bounds, fixed=grid is not None, fn="hotspot_kde")
    if len(xs) == 0:
        raise InvalidInputError("no points to smooth", "x")
    g = _make_grid(xs, ys, cell_size, grid_type, bounds, grid, area, _given(x, y))
    h = _bandwidth(xs, ys, bandwidth, bandwidth_adjust, g.cell_size, kernel, area=area)
    r = _ext.grid_counts(g._args(), xs, ys, w)
    _warn_off_grid(int(r["outside"]), len(xs), "count")
    g.cells["count"] = r["count"]
    g.cells["kde"] = _ext.grid_kde(g._args(), xs, ys, w, bandwidth=h, kernel=kernel) * 1e6
    kde = g.cells["kde"].to_numpy(dtype=float)
    area_cells = g.cells[IN_STUDY_AREA].to_numpy(dtype=bool) if IN_STUDY_AREA in g.cells.columns else np.ones(len(kde), bool)
    if w is None and (area_cells & (kde > 0)).any():  # a peak of one anonymised point: said
        top = int(np.flatnonzero(area_cells)[np.argmax(kde[area_cells])])
        _warn_peak_one_location("hotspot_kde", float(g.cells["x"].iat[top]), float(g.cells["y"].iat[top]), xs, ys, h,
                                kernel)
    if gone:
        g.cells.attrs[MISSING_TAG] = gone
    return dataclasses.replace(g, value="kde", bandwidth=h,
                               events=None if w is not None else _events(gone, count=(given, len(xs))))


def hotspot_dual_kde(x_a: Any, y_a: Any, x_b: Any, y_b: Any, *,
                     method: Literal["ratio", "log_ratio", "difference"] = "ratio", cell_size: float | None = None,
                     bandwidth: float | None = None, bandwidth_adjust: float = 1.0,
                     grid_type: Literal["square", "hex"] = "square",
                     bounds: tuple[float, float, float, float] | None = None, grid: HotspotGrid | None = None,
                     kernel: Literal["quartic", "gaussian"] = "quartic", study_area: Any = None,
                     missing: Literal["error", "drop"] = "error") -> HotspotGrid:
    """Compare two densities on one grid (e.g. this year vs last, incidents vs households):
    layers ``count_a, count_b, kde_a, kde_b`` and ``kde`` = ratio a/b, log ratio ln(a/b) or
    difference a − b (NaN where a ratio is undefined).

    Method: both densities as :func:`hotspot_kde` on the same grid and bandwidth (default the
    automatic bandwidth of the two sets together). A ratio over a density of b that is next to
    nothing (the edge of b's kernels) is huge and leads any ranking: when such cells (b below 1% of
    its median non-zero density) are among the 10 largest ratios, a
    :class:`~saferstats.SaferstatsWarning` says so and gives the density to filter on (the City of
    London's thefts from the person against shoplifting, 2023: a maximum ratio of 379,171 over b's
    0.0005 per km², the next 3,153). See docs/methods/hotspot_intelligence.md.

    ``study_area``: a police force area, CSP or local authority (name or code) or a polygon (see
    :class:`saferstats.StudyArea`; ``x``/``y`` on the British National Grid): points outside it
    are left out and counted, with where they are, in a :class:`~saferstats.SaferstatsWarning`,
    and the grid covers the area's extent. Without it (and without ``bounds``/``grid``) the grid
    covers the points, with a warning when a few far-away points stretch it.

    ``missing``: as :func:`hotspot_count` (``"drop"`` leaves the points without coordinates out of
    each set with a warning and counts them in ``events``; ``"error"``, the default, refuses them).

    >>> g = hotspot_dual_kde([0, 1], [0, 1], [0], [0], cell_size=10, bandwidth=30, bounds=(-5, 5, -5, 5))
    >>> round(float(g.cells["kde"].iloc[0]), 3)   # twice the points: about twice the density
    1.996
    """
    x_a, y_a, _, gone_a = _drop_missing("hotspot_dual_kde (x_a/y_a)", missing, x_a, y_a, names=("x_a", "y_a"))
    x_b, y_b, _, gone_b = _drop_missing("hotspot_dual_kde (x_b/y_b)", missing, x_b, y_b, names=("x_b", "y_b"))
    (xa, ya, na), (xb, yb, nb), bounds, area = _two_sets(study_area, bounds, grid, (x_a, y_a, "_a"), (x_b, y_b, "_b"),
                                                         fn="hotspot_dual_kde")
    if len(xa) == 0 or len(xb) == 0:
        raise InvalidInputError("both point sets need at least one point", "x_a" if len(xa) == 0 else "x_b")
    xs, ys = np.concatenate([xa, xb]), np.concatenate([ya, yb])
    g = _make_grid(xs, ys, cell_size, grid_type, bounds, grid, area, [("x_a", _given(x_a, y_a)), ("x_b", _given(x_b, y_b))])
    h = _bandwidth(xs, ys, bandwidth, bandwidth_adjust, g.cell_size, kernel, "hotspot_dual_kde", area)
    for tag, px, py in (("a", xa, ya), ("b", xb, yb)):
        r = _ext.grid_counts(g._args(), px, py, None)
        _warn_off_grid(int(r["outside"]), len(px), f"count_{tag}", f"x_{tag}/y_{tag}: ")
        g.cells[f"count_{tag}"] = r["count"]
        g.cells[f"kde_{tag}"] = _ext.grid_kde(g._args(), px, py, None, bandwidth=h, kernel=kernel) * 1e6
    g.cells["kde"] = _ext.grid_dual(g.cells["kde_a"].to_numpy(), g.cells["kde_b"].to_numpy(), method=method)
    g.cells.attrs[DUAL_TAG] = str(method)
    if method in ("ratio", "log_ratio"):
        _warn_thin_denominator(g)
    return dataclasses.replace(g, value="kde", bandwidth=h, events=_events(count_a=(na, len(xa), gone_a),
                                                                      count_b=(nb, len(xb), gone_b)))


#: A dual KDE's ratio is "over a thin density" where b's density is below this share of b's median
#: non-zero density over the area's cells (the kernel's edge, where one event barely reaches).
THIN_DENSITY = 0.01


def _warn_thin_denominator(g: HotspotGrid) -> None:
    """Warn when the largest ratios a/b of a dual KDE are over densities of b that are next to nothing
    (below :data:`THIN_DENSITY` of b's median non-zero density): where a kernel's edge barely reaches,
    b is a sliver and the ratio huge, and those cells lead the headline's maximum and any ranking
    (the City of London's thefts from the person against shoplifting, 2023, 100 m cells, 200 m:
    a ratio of 379,171 over a density of b of 0.0005 per km², the next largest 3,153)."""
    cells = g.cells
    inside = (cells[IN_STUDY_AREA].to_numpy(dtype=bool) if IN_STUDY_AREA in cells.columns
              else np.ones(len(cells), dtype=bool))
    a, b, r = (cells[c].to_numpy(dtype=float) for c in ("kde_a", "kde_b", "kde"))
    pos = inside & (b > 0)
    if not pos.any():
        return
    floor = THIN_DENSITY * float(np.median(b[pos]))
    ok = inside & np.isfinite(r)
    thin = ok & (b > 0) & (b < floor) & (a > 0)
    if not thin.any():
        return
    top = np.flatnonzero(ok)[np.argsort(-r[ok], kind="stable")][:10]
    led = [int(c) for c in top if thin[c]]
    if not led:
        return
    first = led[0]
    warn_user(f"hotspot_dual_kde: {number_of(int(thin.sum()), 'cell')} {'has' if int(thin.sum()) == 1 else 'have'} a ratio over a density of b below "
              f"{THIN_DENSITY:.0%} of b's median ({floor:.3g}), where b's kernels barely reach, and {len(led)} of them "
              f"are among the 10 largest ratios (cell {int(cells['cell'].iloc[first])}: {r[first]:,.6g}, over a density "
              f"of b of {b[first]:.3g}): a ratio over next to nothing, not a place where a outweighs b. Rank the cells "
              f"where b is substantial, e.g. g.cells[g.cells.kde_b >= {floor:.3g}], or use method='difference'")


@dataclasses.dataclass(frozen=True, repr=False)
class ClassifyResult(Result):
    """Emerging hotspot classes per cell (``cells``: ``cell, x, y, hotspot_category,
    hot_periods, cold_periods``) and the Gi* of every cell and period (``periods``: ``cell,
    period, count, z, p_value, p_adjusted, significant``)."""

    grid: HotspotGrid
    cells: pd.DataFrame
    periods: pd.DataFrame
    period_labels: list[Any]
    recent: int
    permutations: int
    p_adjust: str

    def _counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.cells["hotspot_category"].value_counts().items()}

    def headline(self) -> str:
        """One line: how many cells of each class."""
        counts = self._counts()
        out = counts.pop(OUTSIDE_STUDY_AREA, 0)
        c = {k: v for k, v in counts.items() if k != "no pattern"}
        what = ", ".join(f"{v:,} {k}" for k, v in sorted(c.items(), key=lambda kv: -kv[1])) or "no hot or cold spots"
        cells = (f"{len(self.cells) - out:,} cells in the study area ({out:,} outside it not classified)" if out
                 else f"{len(self.cells):,} cells")
        gone = int(self.cells.attrs.get(MISSING_TAG, 0))
        away = int(self.cells.attrs.get("outside_study_area", 0))  # in the headline since session 28
        return (f"{what} of {cells}; {len(self.period_labels)} periods "
                f"({self.recent} recent), {self.permutations} permutations, p adjusted: {self.p_adjust}"
                + _left_out_said(gone, outside=away))

    def _period_names(self) -> list[str]:
        """The period labels as text: police.uk months (datetimes on the 1st, or one day of each
        month, or monthly Periods) as ``2021-10``, not as timestamps."""
        labels = list(self.period_labels)
        if labels and all(isinstance(v, pd.Period) and v.freqstr.startswith("M") for v in labels):
            return [str(v) for v in labels]
        if labels and all(isinstance(v, (pd.Timestamp, np.datetime64)) for v in labels):
            ts = pd.DatetimeIndex(labels)
            if (ts.normalize() == ts).all() and len(set(ts.day)) == 1 and len(set(zip(ts.year, ts.month))) == len(ts):
                return [t.strftime("%Y-%m") for t in ts]
            return [str(t.date()) if t == t.normalize() else str(t) for t in ts]
        return [str(v) for v in labels]

    def hot_cells(self, n: int = 5) -> pd.DataFrame:
        """The cells of each hot-spot class (persistent, emerging, intermittent, former, then
        mixed hot/coldspot), at most ``n`` of each: the cells significant hot spots in the most
        periods first, then the most events: ``hotspot_category``, ``cell``, ``row`` and ``col``
        (from the grid's south-west corner), the centre ``x``, ``y``, ``hot_periods``, ``events``
        (in all periods) and the count of each period (one column per period, police.uk months as
        ``2021-10``). ``attrs["shown"]`` maps each class to (cells shown, cells of the class). The
        notebook view shows it; every cell is in ``cells`` (and ``periods``).

        >>> import numpy as np
        >>> rng = np.random.default_rng(1)
        >>> x = rng.uniform(0, 1000, 600); y = rng.uniform(0, 1000, 600); m = np.repeat([1, 2, 3, 4, 5], 120)
        >>> x[-60:], y[-60:] = rng.normal(500, 20, 60), rng.normal(500, 20, 60)
        >>> h = hotspot_classify(x, y, m, cell_size=100, seed=1).hot_cells(2)
        >>> h[["hotspot_category", "cell", "row", "col", "hot_periods", "events", "5"]].head(1)
           hotspot_category  cell  row  col  hot_periods  events   5
        0  emerging hotspot    45    4    5            1      23  17
        """
        k = max(int(n), 0)
        names = self._period_names()
        t = len(names)
        cat = self.cells["hotspot_category"].to_numpy(dtype=object)
        counts = self.periods["count"].to_numpy(dtype=float).reshape(-1, t)
        if np.all(counts == np.round(counts)):
            counts = counts.astype(np.int64)   # event counts, shown as whole numbers
        hot = self.cells["hot_periods"].to_numpy()
        total = counts.sum(axis=1)
        ncols = self.grid.ncols
        frames, shown = [], {}
        for c in _HOT_CLASSES:
            idx = np.flatnonzero(cat == c)
            if not idx.size:
                continue
            idx = idx[np.lexsort((idx, -total[idx], -hot[idx]))][:k]
            shown[c] = (int(idx.size), int((cat == c).sum()))
            cell = self.cells["cell"].to_numpy()[idx]
            f = pd.DataFrame({"hotspot_category": c, "cell": cell, "row": cell // ncols, "col": cell % ncols,
                              "x": self.cells["x"].to_numpy()[idx], "y": self.cells["y"].to_numpy()[idx],
                              "hot_periods": hot[idx], "events": total[idx]})
            for j, name in enumerate(names):
                f[name] = counts[idx, j]
            frames.append(f)
        cols = ["hotspot_category", "cell", "row", "col", "x", "y", "hot_periods", "events", *names]
        out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
        out.attrs["shown"] = shown
        return out

    def _shown_text(self, top: pd.DataFrame) -> str:
        shown = top.attrs.get("shown", {})
        return "; ".join(f"{c}: {a:,} of {b:,}" for c, (a, b) in shown.items())

    def __repr__(self) -> str:
        head = f"ClassifyResult({self.headline()})"
        top = self.hot_cells(5)
        if top.empty:
            return head
        return (f"{head}\nTop cells of each hot-spot class ({self._shown_text(top)} shown; most hot periods, then "
                f"most events; row and col from the grid's south-west corner; counts per period):\n"
                + str(top.to_string(index=False, float_format=lambda f: f"{f:.0f}")))

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v:,}</td></tr>" for k, v in sorted(self._counts().items()))
        out = (f"<p><b>ClassifyResult</b> — {html.escape(self.headline())}</p><table><tr><th>class</th>"
               f"<th>cells</th></tr>{rows}</table>")
        top = self.hot_cells(10)
        if top.empty:
            return out + "<p>No cell is a hot spot of any class.</p>"
        note = (f"Top cells of each hot-spot class ({self._shown_text(top)} shown): those significant hot spots in the "
                "most periods first, then the most events; row and col from the grid's south-west corner; events and "
                "counts per period are the cell's own (Gi* also weighs its neighbours). Every cell: to_pandas(); "
                "hot_cells(n) for more.")
        fmt = {"x": lambda f: f"{f:.0f}", "y": lambda f: f"{f:.0f}"}
        return out + f"<p>{html.escape(note)}</p>" + str(top.to_html(index=False, formatters=fmt))

    def to_pandas(self) -> pd.DataFrame:
        """One row per cell with its class."""
        return self.cells.copy()


def _points_grid(x: Any, y: Any, cell_size: float | None, grid_type: str, bounds: Any,
                 grid: HotspotGrid | None, area: Any = None) -> tuple[np.ndarray, np.ndarray, HotspotGrid]:
    xs, ys = _finite_xy(x, y)
    return xs, ys, _make_grid(xs, ys, cell_size, grid_type, bounds, grid, area, _given(x, y))


#: The hot-spot classes :meth:`ClassifyResult.hot_cells` lists, in this order.
_HOT_CLASSES = ("persistent hotspot", "emerging hotspot", "intermittent hotspot", "former hotspot", "mixed hot/coldspot")

#: ``hotspot_category`` of a grid cell that lies outside ``study_area`` (not classified).
OUTSIDE_STUDY_AREA = "outside study area"


def _study_area_cells(grids: Sequence[Any], *held: np.ndarray) -> np.ndarray | None:
    """The cells in the study area of any of ``grids`` made over one (their ``in_study_area``
    column; other values are passed over) and any cell holding events (``held``: values per
    cell), so that no event is left out; None when no grid has a study area or that is every cell."""
    tags = [_grid_tag(g) for g in grids]
    marks = [t[1] for t in tags if t is not None and t[1] is not None]
    if not marks:
        return None
    keep = np.logical_or.reduce(marks)
    for v in held:
        keep = keep | (np.asarray(v) > 0)
    return None if keep.all() else np.ascontiguousarray(keep)


def _counted_beyond(v: Any, counts: np.ndarray, others: Sequence[Any] = ()) -> np.ndarray | None:
    """The cells where ``counts`` (the values per cell of ``v``, a grid or a layer taken whole from
    its cells) hold events although ``v``'s own ``in_study_area`` puts them outside the study area
    (and no grid of ``others`` puts them in it); None when there is none or ``v`` has no study area.
    A grid counted over its study area marks every cell holding one of its points, so such cells
    mean the events were counted without it (``hotspot_count(x, y, grid=g)`` keeps ``g``'s marks):
    they are events beyond the area's edge, not the area's."""
    tag = _grid_tag(v)
    if tag is None or tag[1] is None or len(tag[1]) != len(counts):
        return None
    beyond = (np.asarray(counts, dtype=float) > 0) & ~tag[1]
    for o in others:
        t = _grid_tag(o)
        if t is not None and t[1] is not None and len(t[1]) == len(beyond):
            beyond &= ~t[1]
    return np.ascontiguousarray(beyond) if beyond.any() else None


def _warn_counted_beyond(fn: str, name: str, counts: np.ndarray, beyond: np.ndarray, what: str) -> None:
    """Say that the events ``counts`` holds in the ``beyond`` cells (:func:`_counted_beyond`) are
    left out of ``what``, and how to count over the study area instead."""
    warn_user(f"{fn}: `{name}` holds {number_of(int(round(float(np.sum(counts[beyond])))), 'event')} in {number_of(int(beyond.sum()), 'cell')} "
              f"beyond the study area's edge (not {IN_STUDY_AREA}): they were counted without the study area (e.g. "
              "hotspot_count(x, y, grid=g) keeps g's cells but counts every point on them), so they are events "
              f"outside the area, and they are left out of {what}. Count over the area to be sure of its own events "
              "in the cells at its edge: hotspot_count(x, y, grid=g, study_area=...)")


def _blank_outside(g: HotspotGrid, columns: Sequence[str], *held: np.ndarray) -> None:
    """Set ``columns`` of the cells outside the study area (as :func:`_study_area_cells`: not
    ``in_study_area`` and holding no event) to NaN: a score there (a change of 0, a risk spread
    over the edge from the area's own events) would be drawn on a map as if it were measured,
    although the events beyond the edge were left out. Nothing happens on a grid without a study area."""
    keep = _study_area_cells([g], *held)
    if keep is None:
        return
    for c in columns:
        v = g.cells[c].to_numpy(dtype=float, copy=True)
        v[~keep] = np.nan
        g.cells[c] = v


#: Mean events in a cell's Gi* neighbourhood (the cell and its adjacent cells) per period below
#: which hotspot_classify warns that the data are too sparse for its classes.
SPARSE_NEIGHBOURHOOD = 3.0


def _warn_classify_box(g: HotspotGrid, totals: np.ndarray) -> None:
    """Warn when a grid made without a study area (the box around the points) has empty cells
    outside the outline of the cells holding events: fields, water or land beyond the area, zeros
    that lower the mean each period's Gi* compares every cell with (Watford ASB, Jan 2021-Jan 2022,
    250 m cells: 10 persistent and 4 intermittent hot spots over the box's 448 cells, against 6
    persistent, 6 intermittent, 2 former and 1 emerging over Watford's 349)."""
    from .evaluate import _empty_beyond_outline

    held = np.asarray(totals) > 0
    k = _empty_beyond_outline(g.cells["x"].to_numpy(dtype=float), g.cells["y"].to_numpy(dtype=float), held)
    if not k:
        return
    warn_user(f"hotspot_classify: the grid was made without a study area (the box around the points): {k:,} "
              f"of its {len(held):,} cells lie outside the outline (convex hull) of the cells holding events — fields, "
              "water or land beyond the area, zeros that lower the mean each period's Gi* compares every cell with, "
              "and so shift the classes (Watford ASB, Jan 2021-Jan 2022, 250 m cells: 10 persistent and 4 "
              "intermittent hot spots over the box's 448 cells, against 6 persistent, 6 intermittent, 2 former and "
              "1 emerging over Watford's 349). Pass study_area= (a force, CSP, local authority or polygon), whose "
              "cells alone are classified")


def _warn_sparse(counts: np.ndarray, sig: np.ndarray, k: int) -> None:
    """Warn when a period's events are so few per cell that a typical Gi* neighbourhood (``k``
    cells) holds fewer than :data:`SPARSE_NEIGHBOURHOOD` and most significant hot cell-periods
    hold no event themselves: the classes then mark cells next to one or two events. ``counts``
    is period × cell, ``sig`` cell × period."""
    mean = float(counts.mean()) if counts.size else 0.0
    hot = sig.T == 1
    empty = int((hot & (counts == 0)).sum())
    if mean * k >= SPARSE_NEIGHBOURHOOD or 2 * empty <= int(hot.sum()):
        return
    warn_user(f"hotspot_classify: sparse data: {mean:.2g} events per cell per period on average ({mean * k:.2g} in "
              f"a cell's neighbourhood of {k}); {empty:,} of the {int(hot.sum()):,} significant hot cell-periods hold "
              "no event themselves. Gi* on so few events marks the cells next to one or two events; use larger "
              "cells or longer periods (e.g. quarters) before reading the classes")


#: A period holding fewer events than this share of the median period's gets a warning from
#: hotspot_classify (a part period: a quarter with one month loaded).
SHORT_PERIOD = 0.5


def _warn_short_period(totals: np.ndarray, order: Sequence[Any], recent: int) -> None:
    """Warn when a period holds fewer than :data:`SHORT_PERIOD` of the median period's events: a
    part period (police.uk months grouped into quarters or years with the last one incomplete:
    ASB in the LSOAs named Watford, Jan 2021 - Jan 2022 in quarters: 2022Q1 holds January only, 180
    events against a median of 608). Gi* in it has less power, so cells drop out of significance there, and when it
    is a recent period the classes read that as a former (no longer) hot spot."""
    if len(totals) < 3:
        return
    med = float(np.median(totals))
    short = [i for i in range(len(totals)) if med > 0 and totals[i] < SHORT_PERIOD * med]
    if not short:
        return
    t_count = len(totals)
    names = ", ".join(f"{order[i]} ({int(totals[i]):,})" for i in short[:5])
    late = [i for i in short if i >= t_count - recent]
    why = (f"; {'it is' if len(short) == 1 else 'some are'} among the {number_of(recent, 'recent period')}, so hot spots that "
           "fade there read as former hot spots and few can be emerging" if late else "")
    warn_user(f"hotspot_classify: {number_of(len(short), 'period')} {'holds' if len(short) == 1 else 'hold'} fewer than {SHORT_PERIOD:.0%} of the median period's "
              f"{med:,.0f} events: {names}. A part period (e.g. a quarter or year with only some months loaded) "
              f"gives Gi* less power there, so cells drop out of significance{why}. Leave it out or use complete "
              "periods")


def _warn_unreachable(perms: int, tests: int, critical_p: float) -> None:
    """Warn when no cell-period can be significant: the smallest two-sided permutation p-value is
    2/(perms + 1), and Holm over a cell's ``tests`` periods multiplies the smallest by ``tests``;
    at or above ``critical_p`` every class would be "no pattern" whatever the data."""
    if perms == 0:
        return
    smallest = 2 * tests / (perms + 1)
    if smallest < critical_p:
        return
    need = int(np.floor(2 * tests / critical_p))
    over = f", and the Holm adjustment over {tests} periods makes the smallest adjusted p {min(smallest, 1.0):.3g}" \
        if tests > 1 else ""
    warn_user(f"hotspot_classify: with {perms:,} permutations the smallest (two-sided) p-value is "
              f"{min(1.0, 2 / (perms + 1)):.3g}{over}, not "
              f"below critical_p {critical_p:g}: no cell can be a significant hot or cold spot, whatever the data. Use "
              f"permutations >= {need:,} (or permutations=0 for the normal p of z, or longer periods)")


def hotspot_classify(x: Any, y: Any, period: Any, *, periods: Any = None, cell_size: float | None = None,
                     grid_type: Literal["square", "hex"] = "square",
                     bounds: tuple[float, float, float, float] | None = None, grid: HotspotGrid | None = None,
                     hotspot_prop: float = 0.1, persistent_prop: float = 0.8, recent_prop: float = 0.2,
                     critical_p: float = 0.05, permutations: int = 999,
                     p_adjust: Literal["holm", "none"] = "holm", seed: int | None = None,
                     study_area: Any = None, missing: Literal["error", "drop"] = "error") -> ClassifyResult:
    """Emerging hotspot classification: persistent, emerging, former and intermittent hot and
    cold spots (Chainey 2020; sfhotspot ``hotspot_classify``).

    ``period`` labels each event's period (e.g. the police.uk ``Month`` column); periods run in
    sorted order, or in the order of ``periods`` (all periods, so that an empty one is caught).
    Method: counts per cell and period on the grid; Gi* per period with binary weights over the
    adjacent cells and the cell itself (queen squares, six hexagons); significance from
    ``permutations`` conditional permutations (esda's scheme; 0 = the normal p of z). ``p_value``
    in ``periods`` is two-sided either way: with permutations, twice the share of permuted Gi* at
    least as far out as the observed one in its nearer tail (esda's folded ``p_sim``, ties counted in
    both tails, doubled; capped at 1), so ``critical_p`` means the same with and without
    permutations (until session 15 the folded one-sided p was compared with it, a two-sided test
    at twice ``critical_p``). Each cell's
    p-values are Holm-adjusted once over its periods (``p_adjust="none"`` to skip: the smallest
    permutation p is 2/(permutations + 1), so with T periods no cell can be significant unless
    2T/(permutations + 1) < ``critical_p`` — 999 permutations allow up to 24 periods; a
    :class:`~saferstats.SaferstatsWarning` says when none can be); a cell-period is
    a significant hot (cold) spot when p_adjusted < ``critical_p`` and z > 0 (< 0). With R =
    max(1, ⌊recent_prop·T⌋) recent periods: persistent if significant in ≥ ``persistent_prop``
    of all periods; emerging if in < ``hotspot_prop`` of older and ≥ ``hotspot_prop`` of recent
    periods; former if the reverse; intermittent if in ≥ ``hotspot_prop`` of all; a cell that earns
    a hot-spot class and a cold-spot class (a significant hot spot in some periods, a cold spot in
    others) is "mixed hot/coldspot". Gi* measures a cell's neighbourhood, so a hot-spot
    cell may hold no event itself; when a period's events are so few that a typical
    neighbourhood holds fewer than 3 (:data:`SPARSE_NEIGHBOURHOOD`) and most significant hot
    cell-periods hold no event of their own, the classes mark the cells next to one or two
    events, and a :class:`~saferstats.SaferstatsWarning` says so (use larger cells or longer
    periods). A period holding fewer than half the median period's events (a part period: police.uk
    months grouped into quarters with the last quarter one month long) has less power, so cells
    drop out of significance there and read as former hot spots: a warning names it. Bad input: fewer than 2 periods, an empty period or a period with
    no events on the grid raise :class:`~saferstats.InvalidInputError`.
    See docs/methods/hotspot_intelligence.md.

    ``study_area``: a police force area, CSP or local authority (name or code) or a polygon (see
    :class:`saferstats.StudyArea`; ``x``/``y`` on the British National Grid): points outside it
    are left out and counted, with where they are, in a :class:`~saferstats.SaferstatsWarning`,
    and the grid covers the area's extent. Only the cells in the area (centre inside, or holding
    points) are classified, each with its neighbours among them: the cells of the extent beyond
    the area's edge are zeros by construction, and left in they would lower the mean every Gi*
    compares a cell with, so that more cells read as hot spots (ArcGIS's emerging hot spot
    analysis takes a study-area polygon for this reason). Those cells are kept in ``cells`` as
    ``hotspot_category`` "outside study area", with no z or p in ``periods``. A ``grid`` made over
    a study area, given without ``study_area``, keeps its area: its cells beyond the edge that hold
    some of the points (the points were not kept to the area) are "outside study area" too, with a
    :class:`~saferstats.SaferstatsWarning` (until session 18 they were classified). Without it (and
    without ``bounds``/``grid``) the grid covers the points, with a warning when a few far-away
    points stretch it; and a grid without a study area whose box has empty cells outside the
    outline of the cells holding events (fields, water, land beyond the area) gives a warning
    saying how many, since they lower every Gi*'s mean as the cells beyond an area's edge would
    (Watford ASB, Jan 2021–Jan 2022, 250 m cells: 10 persistent and 4 intermittent hot spots over
    the box's 448 cells, against 6 persistent, 6 intermittent, 2 former and 1 emerging over
    Watford's 349; until session 20 silently).

    ``missing``: ``"error"`` (default) refuses events without coordinates with a
    :class:`~saferstats.MissingValueError` naming the coordinate and the row (10 of Hertfordshire's
    2021 ASB records); ``"drop"`` leaves them out, as :func:`saferstats.dbscan` does, with a
    :class:`~saferstats.SaferstatsWarning` naming how many and the first row, and says them in
    ``cells.attrs["missing_coordinates"]`` and the headline. Events outside ``study_area`` are
    counted in ``cells.attrs["outside_study_area"]`` and the headline (since session 28).

    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> x = rng.uniform(0, 1000, 600); y = rng.uniform(0, 1000, 600); m = np.repeat([1, 2, 3, 4, 5], 120)
    >>> x[-60:], y[-60:] = rng.normal(500, 20, 60), rng.normal(500, 20, 60)   # a new cluster in period 5
    >>> r = hotspot_classify(x, y, m, cell_size=100, seed=1)
    >>> r.cells.loc[r.cells["hotspot_category"] == "emerging hotspot", "cell"].size > 0
    True
    """
    x, y, (period,), gone = _drop_missing("hotspot_classify", missing, x, y, period)
    area = None
    away = 0  # events outside the study area
    if study_area is not None:
        x, y = _finite_xy(x, y)
        _period_present(period, periods)   # rows as given, before the points outside the area are left out
        away = len(x)
        if len(period) == len(x):
            x, y, (period,), bounds, area = _points_in(x, y, study_area, bounds, _series("period", period),
                                                       fixed=grid is not None, fn="hotspot_classify")
    xs, ys, g = _points_grid(x, y, cell_size, grid_type, bounds, grid, area)
    away -= len(xs) if study_area is not None else 0
    lab = pd.Series(np.asarray(period, dtype=object) if not isinstance(period, pd.Series) else period.to_numpy())
    if len(lab) != len(xs):
        raise LengthMismatchError(f"length mismatch: `x` has {len(xs)} elements but `period` has {len(lab)}", "period")
    if lab.isna().any():
        raise _row_error(InvalidInputError, "period", period, int(np.flatnonzero(lab.isna().to_numpy())[0]),
                         "`period` is missing at {row}")
    if periods is None:
        try:
            order = sorted(pd.unique(lab))
        except TypeError:
            raise InvalidInputError("`period` labels cannot be sorted; give `periods` in time order", "period") from None
        from ..trend import gap_labels

        gaps = gap_labels(order)  # months / years with one missing: the neighbours would be read as adjacent
        if gaps:
            warn_user(f"hotspot_classify: the periods have gaps (before {', '.join(gaps[:5])}): with no event in "
                      "a period (or a file not loaded) the periods either side are treated as consecutive, which "
                      "shifts the recent/older split; pass `periods=` with every period to check")
    else:
        order = list(periods)
        unknown = ~lab.isin(order)
        if unknown.any():
            row = int(np.flatnonzero(unknown.to_numpy())[0])
            raise _row_error(InvalidInputError, "period", period, row,
                             f"`period` {lab.iloc[row]!r} at {{row}} is not in `periods`")
        if len(set(order)) != len(order):
            raise InvalidInputError("`periods` has repeated labels", "periods")
    t_count = len(order)
    if t_count < 2:
        raise InvalidInputError(f"{number_of(t_count, 'period')}: the classification needs at least 2", "periods")
    index = {p: i for i, p in enumerate(order)}
    pidx = lab.map(index).to_numpy(dtype=np.int64)
    layers = _ext.grid_counts_by_period(g._args(), xs, ys, pidx, periods=t_count)
    counts, outside = layers["count"], int(layers["outside"])
    if outside:
        warn_user(f"{outside:,} of {number_of(len(xs), 'point')} lie outside the grid and are not counted")
    n = g.ncols * g.nrows
    empty = np.flatnonzero(counts.reshape(t_count, n).sum(axis=1) == 0)
    if empty.size:
        raise InvalidInputError(f"period {order[int(empty[0])]!r} has no events on the grid: Gi* is undefined for it; "
                                "drop the period or use longer periods", "periods")
    totals = counts.reshape(t_count, n).sum(axis=0)
    beyond = _counted_beyond(g, totals)
    if beyond is not None:
        # a given grid's study area with points not kept to it (no study_area=): the cells beyond
        # the edge that hold them are not the area's, and are not classified (nor ranked as hot spots)
        _warn_counted_beyond("hotspot_classify", "x/y", totals, beyond, "the classification (\"outside study area\")")
        totals = np.where(beyond, 0, totals)
    keep = _study_area_cells([g], totals)
    if IN_STUDY_AREA not in g.cells.columns:
        _warn_classify_box(g, totals)
    _choice("p_adjust", p_adjust, ("holm", "none"))
    perms = _int_arg("permutations", permutations, 0, 1_000_000)
    props = {k: _float_arg(k, v) for k, v in (("hotspot_prop", hotspot_prop), ("persistent_prop", persistent_prop),
                                              ("recent_prop", recent_prop), ("critical_p", critical_p))}
    _warn_unreachable(perms, t_count if p_adjust == "holm" else 1, props["critical_p"])
    used = np.ones(n, dtype=bool) if keep is None else keep
    # the core's permutation p is of the nearer tail (one-sided, folded); critical_p is two-sided, as
    # the normal p of z the core uses without permutations (and sfhotspot's): a cell-period is
    # significant when twice its (Holm-adjusted) folded p is below critical_p. Holm of 2p is exactly
    # min(1, 2 · Holm of p), so halving critical_p here and doubling the p-values below agree
    fold = 2.0 if perms > 0 else 1.0
    r = _ext.hotspot_classify(g._args(), np.ascontiguousarray(counts.reshape(t_count, n)[:, used].ravel()), t_count,
                              mask=keep, hotspot_prop=props["hotspot_prop"],
                              persistent_prop=props["persistent_prop"], recent_prop=props["recent_prop"],
                              critical_p=props["critical_p"] / fold, permutations=perms, holm=p_adjust == "holm",
                              seed=_seed(seed))
    names = np.array(r["classes"], dtype=object)
    category = np.full(n, OUTSIDE_STUDY_AREA, dtype=object)
    category[used] = names[r["class"]]
    sig = np.zeros((n, t_count), dtype=r["sig"].dtype)
    sig[used] = r["sig"].reshape(-1, t_count)
    stats = {}
    for key, name in (("z", "z"), ("p", "p_value"), ("p_adjusted", "p_adjusted")):
        full = np.full((n, t_count), np.nan)
        full[used] = r[key].reshape(-1, t_count) if key == "z" else np.minimum(1.0, fold * r[key].reshape(-1, t_count))
        stats[name] = full.ravel()
    _warn_sparse(counts.reshape(t_count, n)[:, used], sig[used], 9 if g.grid_type == "square" else 7)
    _warn_short_period(counts.reshape(t_count, n)[:, used].sum(axis=1), order, int(r["recent"]))
    cells = g.cells.copy()
    cells["hotspot_category"] = category
    cells["hot_periods"] = (sig == 1).sum(axis=1)
    cells["cold_periods"] = (sig == -1).sum(axis=1)
    per = pd.DataFrame({"cell": np.repeat(np.arange(n), t_count),
                        "period": np.tile(np.array(order, dtype=object), n),
                        "count": counts.reshape(t_count, n).T.ravel(), **stats, "significant": sig.ravel()})
    cells.attrs[MISSING_TAG] = gone
    cells.attrs["outside_study_area"] = away
    return ClassifyResult(dataclasses.replace(g, cells=cells, value=None), cells, per, order, int(r["recent"]), perms,
                          p_adjust)


def hotspot_change(x_before: Any, y_before: Any, x_after: Any, y_after: Any, *, cell_size: float | None = None,
                   grid_type: Literal["square", "hex"] = "square",
                   bounds: tuple[float, float, float, float] | None = None, grid: HotspotGrid | None = None,
                   length_before: float = 1.0, length_after: float = 1.0, study_area: Any = None,
                   baseline: Literal["equal_rates", "area"] = "equal_rates",
                   missing: Literal["error", "drop"] = "error") -> HotspotGrid:
    """Change in each cell's count between two periods, with a Poisson test of each cell's change
    (sfhotspot ``hotspot_change`` plus the test): layers ``count_before, count_after, change``
    (after − before), ``ratio`` (rate ratio after/before, adjusted for the periods' lengths) and
    ``p_value``: the exact conditional test of equal rates (given the cell's total, the after
    count is Binomial(total, length_after/(length_before + length_after)); two-sided as R
    ``binom.test``) and ``p_adjusted`` (Benjamini-Hochberg over the cells with an event: with
    thousands of cells, some have p < 0.05 by chance, so read changed cells from this). Periods of
    different lengths: give ``length_before``/``length_after`` (e.g. days).
    See docs/methods/hotspot_intelligence.md.

    ``baseline``: ``"equal_rates"`` (default) tests each cell against no change; where the whole
    area's count changed too (Dacorum ASB fell from 907 to 663 events), a cell that merely follows
    it is flagged, and a :class:`~saferstats.SaferstatsWarning` says so when the area's own change is
    significant (the same test on the totals, p < 0.05). ``"area"`` tests each cell against the
    area's change: the after count is Binomial(total, A/(B + A)) with B, A the area's counts before
    and after, and ``ratio`` is the cell's rate ratio relative to the area's, (after/A)/(before/B),
    so 1 means "changed as the whole area did" (the lengths then cancel). The area's counts B and A
    (of the warning and of ``"area"``) are the events in the grid's cells: points beyond a given
    ``grid`` or ``bounds`` are not counted, and on a grid with a study area only its cells count
    (events a given grid's cells hold beyond the area's edge are left out, as below; until session 19
    they were added: Three Rivers ASB, March to April 2021, on its grid with the force's events, was
    warned of a change "from 370 to 461, p = 0.0018" where its own events went from 121 to 133).

    ``study_area``: a police force area, CSP or local authority (name or code) or a polygon (see
    :class:`saferstats.StudyArea`; ``x``/``y`` on the British National Grid): points outside it
    are left out and counted, with where they are, in a :class:`~saferstats.SaferstatsWarning`,
    and the grid covers the area's extent. The cells of the extent outside the area (not
    ``in_study_area``; as :func:`hotspot_classify`'s "outside study area") get NaN ``change``,
    ``ratio``, ``p_value`` and ``p_adjusted``: their counts are 0 only because the events beyond
    the edge were left out, so a map or table would read them as "no change". A ``grid`` made over
    a study area, given without ``study_area``, keeps its area: its cells beyond the edge that hold
    events (not kept to the area) get NaN too and are not in the Benjamini-Hochberg adjustment, with
    a :class:`~saferstats.SaferstatsWarning`. Without it (and
    without ``bounds``/``grid``) the grid covers the points, with a warning when a few far-away
    points stretch it.

    ``missing``: ``"error"`` (default) refuses events without coordinates, naming the row;
    ``"drop"`` leaves them out of each period with a warning and counts them in ``events`` (as
    :func:`hotspot_count`).

    >>> g = hotspot_change([5] * 10, [5] * 10, [5, 5], [5, 5], cell_size=10, bounds=(0, 9, 0, 9))
    >>> g.cells[["count_before", "count_after", "change"]].iloc[0].tolist(), round(float(g.cells["p_value"].iloc[0]), 6)
    ([10.0, 2.0, -8.0], 0.038574)
    """
    x_before, y_before, _, gone_b = _drop_missing("hotspot_change (x_before/y_before)", missing, x_before, y_before,
                                                  names=("x_before", "y_before"))
    x_after, y_after, _, gone_a = _drop_missing("hotspot_change (x_after/y_after)", missing, x_after, y_after,
                                                names=("x_after", "y_after"))
    (xb, yb, given_b), (xa, ya, given_a), bounds, area = _two_sets(study_area, bounds, grid,
                                                                   (x_before, y_before, "_before"),
                                                                   (x_after, y_after, "_after"), fn="hotspot_change")
    if len(xb) == 0 or len(xa) == 0:
        raise InvalidInputError("each period needs at least one event", "x_before" if len(xb) == 0 else "x_after")
    g = _make_grid(np.concatenate([xb, xa]), np.concatenate([yb, ya]), cell_size, grid_type, bounds, grid, area,
                   [("x_before", _given(x_before, y_before)), ("x_after", _given(x_after, y_after))])
    rb, ra = _ext.grid_counts(g._args(), xb, yb, None), _ext.grid_counts(g._args(), xa, ya, None)
    (cb, ob), (ca, oa) = (rb["count"], rb["outside"]), (ra["count"], ra["outside"])
    if ob or oa:
        warn_user(f"{number_of(ob + oa, 'point')} {'lies' if ob + oa == 1 else 'lie'} outside the grid and "
                  f"{'is' if ob + oa == 1 else 'are'} not counted")
    lb = _float_arg("length_before", length_before, positive=True)
    la = _float_arg("length_after", length_after, positive=True)
    if baseline not in ("equal_rates", "area"):
        raise InvalidInputError(f"baseline must be 'equal_rates' or 'area', got {baseline!r}", "baseline")
    held = cb + ca
    beyond = _counted_beyond(g, held)
    if beyond is not None:
        # a given grid's study area, the events not kept to it (no study_area=): the cells beyond the
        # edge are not tested (nor in the Benjamini-Hochberg adjustment of the area's cells) and get NaN
        _warn_counted_beyond("hotspot_change", "x_before/x_after", held, beyond,
                             "the tests (their change is NaN) and the area's totals")
    # the area's totals (the whole-area test and baseline="area"): the events in the grid's cells, and
    # of a grid with a study area only those in its cells (until session 19 the events a given grid's
    # cells hold beyond its study area's edge were added: Three Rivers ASB, March to April 2021 on its
    # 250 m grid with the force's events, "from 370 to 461, p = 0.0018" where its own went 121 to 133)
    own = np.ones(len(cb), dtype=bool) if beyond is None else ~beyond
    nb, na = float(np.sum(cb[own])), float(np.sum(ca[own]))
    where = "the study area's events in the grid's cells" if IN_STUDY_AREA in g.cells.columns else "the events in the grid's cells"
    if baseline == "area":
        if nb == 0 or na == 0:
            raise InvalidInputError(f"baseline='area' needs events in both periods within the area ({where}): "
                                    f"{nb:,.0f} before, {na:,.0f} after", "x_before" if nb == 0 else "x_after")
        # the area's own counts as the "lengths": p0 = A/(B + A), ratio relative to the area's change
        test = _ext.hotspot_change_test(cb, ca, length_before=nb, length_after=na)
    else:
        test = _ext.hotspot_change_test(cb, ca, length_before=lb, length_after=la)
        whole = _ext.hotspot_change_test(np.array([nb]), np.array([na]), length_before=lb, length_after=la)
        p_whole, r_whole = float(whole["p_value"][0]), float(whole["ratio"][0])
        if p_whole < 0.05:
            warn_user(f"hotspot_change: the whole area's count changed too, from {nb:,.0f} to {na:,.0f} (rate ratio "
                      f"{r_whole:.2f}, p = {p_whole:.2g}; counting {where}): each cell is tested against no change, so "
                      "a cell that only follows the area's change is flagged as changed; baseline='area' tests each "
                      "cell against the area's change instead")
    g.cells["count_before"] = cb
    g.cells["count_after"] = ca
    for column in ("change", "ratio", "p_value"):
        g.cells[column] = test[column]
    # one test per cell: Benjamini-Hochberg over the cells that hold an event (empty cells: p 1)
    tested = held > 0
    if beyond is not None:
        tested &= ~beyond
        held = np.where(beyond, 0, held)
    padj = np.ones(len(cb))
    if tested.any():
        padj[tested] = _ext.p_adjust(np.ascontiguousarray(np.asarray(test["p_value"], dtype=float)[tested]), method="bh")
    g.cells["p_adjusted"] = padj
    _blank_outside(g, ("change", "ratio", "p_value", "p_adjusted"), held)
    return dataclasses.replace(g, value="change",
                               events=_events(count_before=(given_b, len(xb), gone_b),
                                              count_after=(given_a, len(xa), gone_a)))


def _days(name: str, t: Any) -> np.ndarray:
    """Times as days (floats): numbers as given, datetimes as days since the epoch."""
    a = np.asarray(t.to_numpy() if isinstance(t, pd.Series) else t)
    if a.dtype.kind in "Mm" or (a.dtype == object and len(a) and isinstance(a.flat[0], (pd.Timestamp, np.datetime64))):
        d = pd.to_datetime(pd.Series(a), errors="coerce")
        if d.isna().any():
            raise _row_error(InvalidInputError, name, t, int(np.flatnonzero(d.isna().to_numpy())[0]),
                             f"`{name}` at {{row}} is not a date")
        if d.dt.tz is not None:
            d = d.dt.tz_convert("UTC").dt.tz_localize(None)
        return np.asarray(((d - pd.Timestamp(0)) / pd.Timedelta(days=1)).to_numpy(dtype=float))
    if a.dtype.kind in "OUS":
        texts = [(i, str(v)) for i, v in enumerate(a.ravel()) if isinstance(v, str)]
        if texts:
            row, first = texts[0]
            if _MONTH_TEXT.fullmatch(first.strip()):
                raise _row_error(
                    InvalidInputError, name, t, row,
                    f"`{name}` at {{row}} is a month as text ({first!r}, police.uk's Month column): pass datetimes, "
                    f"e.g. pd.to_datetime({name}.astype(str) + '-15') (mid-month; read_street_crime's month is a "
                    "category, which + '-15' alone refuses) with time_unit=30 so that ages count months, "
                    "or days as numbers")
            raise _row_error(InvalidInputError, name, t, row, f"`{name}` at {{row}} is text ({first!r}): pass days as "
                             f"numbers or datetimes (pd.to_datetime({name}))")
    v = as_float_array(name, a)
    if np.isnan(v).any():
        raise _row_error(InvalidInputError, name, t, int(np.flatnonzero(np.isnan(v))[0]), f"`{name}` is missing at {{row}}")
    return v


from .._periods import MONTH_PATTERN  # noqa: E402 - police.uk's Month ("2021-06"), read one way everywhere

_MONTH_TEXT = re.compile(MONTH_PATTERN)


def _day(name: str, v: Any) -> float:
    if isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year"):
        ts = pd.Timestamp(v)
        if ts.tzinfo is not None:
            ts = ts.tz_convert("UTC").tz_localize(None)
        return float((ts - pd.Timestamp(0)) / pd.Timedelta(days=1))
    return _float_arg(name, v)


def _when(name: str, v: Any, dates: bool) -> Any:
    """A date given as text ("2022-01-01") for event times that are dates: a Timestamp; text for
    numeric times, or text that is no date, is refused naming the argument."""
    if not isinstance(v, str):
        return v
    if not dates:
        raise InvalidInputError(f"`{name}` is text ({v!r}) but `t` holds numbers: give {name} as a number in the "
                                "units of `t` (or give `t` as dates, e.g. pd.to_datetime(month))", name)
    try:
        return pd.Timestamp(v)
    except (ValueError, TypeError):
        raise InvalidInputError(f"`{name}` {v!r} is not a date (e.g. '2022-01-01')", name) from None


def _month_day(t: Any) -> int | None:
    """The day of the month when ``t`` is datetimes, at least two distinct, all at midnight on that
    one day of their months: police.uk months read as the 1st (``pd.to_datetime(month)``) or put
    mid-month (``+ '-15'``, as saferstats advises); None otherwise. Either way the times are months,
    not dates: 0 days apart in one month, 28-31 per month between."""
    try:
        s = pd.Series(t) if not isinstance(t, pd.Series) else t
    except (TypeError, ValueError):
        return None
    if not pd.api.types.is_datetime64_any_dtype(s) or s.isna().any() or s.nunique() < 2:
        return None
    d = pd.DatetimeIndex(s)
    if not ((d.hour == 0) & (d.minute == 0) & (d.second == 0)).all() or len(np.unique(d.day)) != 1:
        return None
    return int(d.day[0])


def _day_words(day: int) -> str:
    """How a warning names the day: "the first day of a month" (its words before), "the 15th of a month"."""
    if day == 1:
        return "the first day of a month"
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"the {day}{suffix} of a month"


def _month_starts(t: Any) -> bool:
    """True when ``t`` is datetimes, at least two distinct, all at midnight on the first of a month
    (police.uk months read with ``pd.to_datetime``)."""
    return _month_day(t) == 1


def _is_dates(t: Any) -> bool:
    a = np.asarray(t.to_numpy() if isinstance(t, pd.Series) else t)
    return a.dtype.kind == "M" or (a.dtype == object and len(a) > 0 and isinstance(a.flat[0], (pd.Timestamp, np.datetime64)))


def _check_some_recent(ts: np.ndarray, ct: float, pt: float, unit: float, tb: float, *, dates: bool) -> None:
    """Refuse a risk surface no event counts towards (every event after ``cutoff_time`` or at
    least ``time_bandwidth`` units older than ``predict_time``): it is all zeros, and a map of
    zeros scored with pai() looks like a (bad) prediction."""
    after = ts > ct
    old = ~after & (np.floor((pt - ts) / unit) >= tb)
    if (after | old).all():
        def when(d: float) -> str:
            return str((pd.Timestamp(0) + pd.Timedelta(days=d)).date()) if dates else f"{d:g}"

        raise InvalidInputError(
            f"no event counts towards the risk at predict_time {when(pt)}: {int(after.sum()):,} of {len(ts):,} are "
            f"after cutoff_time {when(ct)} and {int(old.sum()):,} are {tb:g} or more time units ({tb * unit:g} days) "
            f"before predict_time; the events run from {when(float(ts.min()))} to {when(float(ts.max()))}. Check "
            "predict_time, or widen time_bandwidth / time_unit", "predict_time")


def _warn_weighed_months_absent(g: HotspotGrid, ts: np.ndarray, pt: float, ct: float, unit: float, tb: float) -> None:
    """police.uk months (``ts`` in days, each on one day of its month) between the first and the last
    event with no event at all, that the risk at ``pt`` would weigh (at or before ``ct``, younger than
    ``tb`` units): a monthly file not read, whose events the map lacks, said with a warning and kept in
    ``g.cells.attrs["months_missing"]`` (the headline says so). Until session 36 silently: Watford ASB
    and criminal damage without 2021-06, July's map from April-June was made from May alone."""
    stamps = pd.to_datetime(np.asarray(ts, dtype=float) * 86400e9)
    day = int(stamps[0].day)
    weighed = []
    for m in _absent_months(stamps):
        month = pd.Period(m, freq="M")  # the events' day of the month (the 30th: February's last)
        at = (month.start_time + pd.Timedelta(days=min(day, month.days_in_month) - 1) - pd.Timestamp(0)) / pd.Timedelta(days=1)
        if at <= ct and (unit <= 0 or np.floor((pt - at) / unit) < tb):
            weighed.append(m)
    if not weighed:
        return
    g.cells.attrs[MONTHS_MISSING_TAG] = weighed
    first, last = stamps.min().strftime("%Y-%m"), stamps.max().strftime("%Y-%m")
    warn_user(f"prospective_hotspots: no event at all in {', '.join(weighed[:6])}{' ...' if len(weighed) > 6 else ''} "
              f"(between {first} and {last}), {'a month' if len(weighed) == 1 else 'months'} the risk at predict_time "
              f"weighs: {_empty_month_cause(stamps)}; if so the map lacks its events (the most recent, weighed most, "
              "when it is the month before predict_time). Read "
              "the missing month's file, or say the map was made without it; the months are in "
              ".cells.attrs['months_missing']")


def prospective_hotspots(x: Any, y: Any, t: Any, *, predict_time: Any, cutoff_time: Any = None,
                         cell_size: float | None = None, bounds: tuple[float, float, float, float] | None = None,
                         grid: HotspotGrid | None = None, space_bandwidth: float = 8, time_bandwidth: float = 8,
                         time_unit: float = 7, distance: Literal["chebyshev", "manhattan"] = "chebyshev",
                         study_area: Any = None, missing: Literal["error", "drop"] = "error") -> HotspotGrid:
    """Prospective hotspotting (Bowers, Johnson & Pease 2004; open_cp ``prohotspot``): the risk
    of each square cell at ``predict_time`` from the events up to ``cutoff_time`` (default
    ``predict_time``): layer ``risk``.

    Method (open_cp ``ProspectiveHotSpot``, classic weights): an event's age is the number of
    whole ``time_unit``s (7 days) before ``predict_time``, d its distance in cells (Chebyshev:
    diagonal neighbours at 1; or Manhattan); it adds 1/((1 + d)(1 + age)) to every cell with
    d < ``space_bandwidth`` (8 cells) while age < ``time_bandwidth`` (8 units). ``t`` in days or
    as datetimes (then ``predict_time``/``cutoff_time`` as datetimes or date text such as
    ``"2022-01-01"``). Events after ``cutoff_time`` are not used, events at it are: with the
    default cutoff (``predict_time``), events dated at ``predict_time`` itself — every event of the
    predicted month when police.uk months are read as its 1st day — are used with age 0, and a
    :class:`~saferstats.SaferstatsWarning` says so (a map scored on them is scored on its own
    input). When no event counts (all after the cutoff, or all ``time_bandwidth`` units or more
    old) the surface would be all zeros, and an :class:`~saferstats.InvalidInputError` says so
    with the events' dates. With dates, the grid records the window of the events it used (their
    first and last dates): :func:`saferstats.pai` given ``test=`` (the months scored) warns when
    they overlap it. With police.uk months, a month between the first and the last event that holds
    no event at all, and that the risk weighs, is most likely a monthly file not read: a
    :class:`~saferstats.SaferstatsWarning` names it, ``cells.attrs["months_missing"]`` lists it and
    the headline says so (Watford ASB and criminal damage of 2021 without June's file: July's map,
    ``time_unit=30, time_bandwidth=3``, was made from May alone; until session 36 silently).
    See docs/methods/hotspot_intelligence.md.

    ``study_area``: a police force area, CSP or local authority (name or code) or a polygon (see
    :class:`saferstats.StudyArea`; ``x``/``y`` on the British National Grid): points outside it
    are left out and counted, with where they are, in a :class:`~saferstats.SaferstatsWarning`,
    and the grid covers the area's extent. The cells of the extent outside the area (not
    ``in_study_area``, as :func:`hotspot_classify`'s "outside study area") get NaN ``risk``: the
    risk there would come from the area's own events spread over the edge, with the events beyond
    it left out, and a map would show it as a measured (low) risk; on a ``grid`` made over a study
    area and given without ``study_area``, so are its cells beyond the edge that hold events (with
    a warning). Without it (and without ``bounds``/``grid``) the grid covers the points, with a warning when a few far-away points
    stretch it.

    ``missing``: ``"error"`` (default) refuses events without coordinates, naming the row;
    ``"drop"`` leaves them out (with their times) with a warning, and the headline and
    ``cells.attrs["missing_coordinates"]`` say how many.

    >>> g = prospective_hotspots([50], [50], [1.0], predict_time=8.0, cell_size=50, bounds=(0, 149, 0, 149))
    >>> g.cells["risk"].tolist()   # open_cp prohotspot_test: a week later, half the weight
    [0.25, 0.25, 0.25, 0.25, 0.5, 0.25, 0.25, 0.25, 0.25]
    """
    x, y, (t,), gone = _drop_missing("prospective_hotspots", missing, x, y, t)
    xs, ys = _finite_xy(x, y)
    ts = _days("t", t)
    if len(ts) != len(xs):
        raise LengthMismatchError(f"length mismatch: `x` has {len(xs)} elements but `t` has {len(ts)}", "t")
    unit = _float_arg("time_unit", time_unit)
    day = _month_day(t)
    if unit < 28 and day is not None:
        # on any one day of the month, not only the 1st: mid-month dates (+ '-15') are months too
        warn_user(f"prospective_hotspots: every event time is {_day_words(day)} (police.uk publishes months, "
                  f"not dates), so ages in units of {unit:g} days jump a month at a time and a month's events all "
                  "get one weight; use time_unit=30 (time_bandwidth in months) or event dates")
    xs, ys, (ts,), bounds, area = _points_in(xs, ys, study_area, bounds, ts, fixed=grid is not None, fn="prospective_hotspots")
    if grid is not None and grid.grid_type != "square":
        raise InvalidInputError("prospective hotspotting is defined on square cells; pass a square grid", "grid")
    g = _make_grid(xs, ys, cell_size, "square", bounds, grid, area, _given(x, y))
    dates = _is_dates(t)
    pt = _day("predict_time", _when("predict_time", predict_time, dates))
    ct = pt if cutoff_time is None else _day("cutoff_time", _when("cutoff_time", cutoff_time, dates))
    tb = _float_arg("time_bandwidth", time_bandwidth)
    at = int(np.count_nonzero(ts == pt)) if ct >= pt else 0
    if at:
        # an event at predict_time itself is of the period being predicted (police.uk months read as
        # the 1st: the whole month); used with age 0, the map is then scored on events it was made from
        month = (" (police.uk months read as the 1st of the month: every event of the month being predicted)"
                 if dates and _month_starts(t) else "")
        warn_user(f"prospective_hotspots: {number_of(at, 'event')} {'is' if at == 1 else 'are'} dated at predict_time itself{month} and are used in "
                  "the prediction with the greatest weight: a map scored (pai) on those events is scored on events it "
                  "was made from. Give a cutoff_time before predict_time (e.g. the last day of the previous month), "
                  "or put police.uk months mid-month (pd.to_datetime(month.astype(str) + '-15'))")
    if len(ts) and ct <= pt and unit > 0:
        _check_some_recent(ts, ct, pt, unit, tb, dates=dates)
    risk = _ext.prospective_risk(g._args(), xs, ys, ts, cutoff_time=ct, predict_time=pt,
                                 space_bandwidth=_float_arg("space_bandwidth", space_bandwidth),
                                 time_bandwidth=_float_arg("time_bandwidth", time_bandwidth),
                                 time_unit=_float_arg("time_unit", time_unit), distance=distance)
    g.cells["risk"] = risk
    held = _ext.grid_counts(g._args(), xs, ys, None)["count"]
    beyond = _counted_beyond(g, held)
    if beyond is not None:  # a given grid's study area, the events not kept to it (no study_area=)
        _warn_counted_beyond("prospective_hotspots", "x/y", held, beyond, "the map: their cells' risk is NaN (the events still add to the risk of the area's "
                             "cells within space_bandwidth of them)")
        held = np.where(beyond, 0, held)
    _blank_outside(g, ("risk",), held)
    used = ts[(ts <= ct) & (np.floor((pt - ts) / unit) < tb)] if unit > 0 else ts[ts <= ct]
    if dates and len(used):
        # the window of the events the risk was made from, for pai(..., test=...) to check
        def iso(d: float) -> str:
            return str((pd.Timestamp(0) + pd.Timedelta(days=float(d))).date())

        g.cells.attrs[WINDOW_TAG] = [iso(used.min()), iso(used.max())]
        if _month_day(t) is not None:   # police.uk months: the window is of whole months (2021-05 to 2021-11)
            g.cells.attrs[WINDOW_TAG] = [w[:7] for w in g.cells.attrs[WINDOW_TAG]]
            _warn_weighed_months_absent(g, ts, pt, ct, unit, tb)
    if gone:
        g.cells.attrs[MISSING_TAG] = gone
    return dataclasses.replace(g, value="risk")

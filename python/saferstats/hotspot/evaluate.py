"""Scoring a hotspot map against later events (the core's ``hotspot::evaluate``): hit rate,
PAI, PEI and RRI by cumulative top-k cells, and the concentration of events over places
(Lorenz curve, Gini, the Bernasco & Steenbeek generalised Gini).
See docs/methods/hotspot_intelligence.md."""

from __future__ import annotations

import dataclasses
import html
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from .._frames import (default_index, as_float_array, check_same_order, label_of, plain,
                       translates_core_errors)
from .._results import PlainFrame, Result
from ..exceptions import InvalidInputError, LengthMismatchError, MissingValueError, number_of, warn_user
from ._common import _names_positions, _row
from .grid import WINDOW_TAG, _counted_beyond, _grid_tag, _study_area_cells, _warn_counted_beyond
from .kde import KdeResult

__all__ = ["pai", "PaiTable", "concentration", "ConcentrationResult"]


def _cells(name: str, v: Any) -> tuple[np.ndarray, tuple[Any, ...] | None]:
    """Cell values as a flat float array, and the grid's identity when ``v`` is a grid layer."""
    if isinstance(v, KdeResult):  # its cells row by row from the south-west, as grid_counts' counts.ravel()
        return np.ascontiguousarray(np.asarray(v.density, dtype=float).ravel()), ("shape", v.density.shape)
    grid_key = getattr(v, "_grid_key", None)
    if grid_key is not None:
        key = grid_key()
        return np.ascontiguousarray(np.asarray(v.values, dtype=float).ravel()), key
    if isinstance(v, pd.DataFrame):
        raise InvalidInputError(f"`{name}` must be one column of cell values (a Series or array), not a DataFrame",
                                name)
    tag = _grid_tag(v)  # a column of a grid's cells: scored as the grid (its study area, its identity)
    if tag is not None:
        return np.ascontiguousarray(as_float_array(name, v.to_numpy())), tag[0]
    a = np.asarray(v.to_numpy() if isinstance(v, pd.Series) else v)
    if a.ndim > 1:
        return np.ascontiguousarray(as_float_array(name, a.ravel())), ("shape", a.shape)
    return np.ascontiguousarray(as_float_array(name, a)), None


def _window(name: str, v: Any) -> list[tuple[pd.Timestamp, pd.Timestamp, str]]:
    """The time window ``v`` as [start, end) intervals, each with its label: a period (``"2021-06"``,
    ``"2021"``, ``"2021-06-15"``, a ``pd.Period``, a date), a (first, last) pair of them (both
    included), or a column / index / array of the months or dates used (each its own period)."""
    def one(p: Any) -> tuple[pd.Timestamp, pd.Timestamp, str]:
        try:
            if isinstance(p, pd.Period):
                per = p
            elif isinstance(p, str):
                per = pd.Period(p.strip())
            elif isinstance(p, (pd.Timestamp, np.datetime64)) or hasattr(p, "year"):
                per = pd.Period(pd.Timestamp(p), freq="D")
            else:
                raise TypeError
            return per.start_time, per.end_time + pd.Timedelta(1, "ns"), str(per)
        except (TypeError, ValueError, OverflowError):  # pandas' OutOfBoundsDatetime is a ValueError
            raise InvalidInputError(f"`{name}` {p!r} is not a period or date (give e.g. '2021-06', ('2021-06', "
                                    "'2021-08') or the Month column of the events used)", name) from None

    if isinstance(v, (str, pd.Period, pd.Timestamp, np.datetime64)) or hasattr(v, "year"):
        return [one(v)]
    if isinstance(v, (tuple, list)) and len(v) == 2 and not isinstance(v, (pd.Series, pd.Index)):
        (a0, _, la), (_, b1, lb) = one(v[0]), one(v[1])
        if b1 <= a0:
            raise InvalidInputError(f"`{name}` runs from {la} to {lb}: give (first, last) in time order", name)
        return [(a0, b1, f"{la} to {lb}")]
    try:
        values = pd.unique(pd.Series(list(v) if not isinstance(v, (pd.Series, pd.Index, np.ndarray)) else v).dropna())
    except TypeError:
        raise InvalidInputError(f"`{name}` must be a period ('2021-06'), a (first, last) pair or the months/dates of "
                                f"the events used, got {type(v).__name__}", name) from None
    if not len(values):
        raise InvalidInputError(f"`{name}` has no period", name)
    return sorted({one(p) for p in values})


def _span(w: list[tuple[pd.Timestamp, pd.Timestamp, str]]) -> str:
    labels = [lab for _, _, lab in w]
    return labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]} ({len(labels)} periods)"


def _check_windows(train: Any, test: Any) -> dict[str, str]:
    """Warn when the events scored (``test``) are not all after those the map was made from
    (``train``): the same or overlapping windows score a map on its own input (in-sample, which
    flatters it), an earlier test window is hindsight, not a prediction."""
    if train is None and test is None:
        return {}
    if train is None or test is None:
        given, other = ("train", "test") if test is None else ("test", "train")
        raise InvalidInputError(f"`{given}` is given without `{other}`: give both windows (the months the map was "
                                "made from and the months it is scored on) so that they can be checked", other)
    tr, te = _window("train", train), _window("test", test)
    shared = [lab for a0, a1, lab in te if any(a0 < b1 and b0 < a1 for b0, b1, _ in tr)]
    out = {"train": _span(tr), "test": _span(te)}
    if shared:
        same = [(a, b) for a, b, _ in tr] == [(a, b) for a, b, _ in te]
        how = "are the same period" if same else f"overlap ({', '.join(shared[:3])}{' ...' if len(shared) > 3 else ''})"
        warn_user(f"pai: the map's window (train: {out['train']}) and the events it is scored on (test: {out['test']}) "
                  f"{how}: the map is scored on events it was made from, an in-sample fit that flatters it (a grid "
                  "scored on its own month reads as an excellent prediction). Score it on a later period: hotspots "
                  "of one month against the next month's events")
    elif max(b for _, b, _ in te) <= min(a for a, _, _ in tr):
        warn_user(f"pai: the events scored (test: {out['test']}) are all before the map's window (train: "
                  f"{out['train']}): this is hindsight, not a prediction; score the map on a later period")
    return out


@_names_positions("observed", "predicted", "area")
@translates_core_errors("observed", "predicted", "area")
def pai(observed: Any, predicted: Any, *, area: Any = None, train: Any = None, test: Any = None) -> pd.DataFrame:
    """Hit rate, PAI, PEI and RRI of a hotspot map, for every cumulative top-k cell.

    ``observed``: events per cell in the evaluation period; ``predicted``: the map's score per
    cell (a count, density or risk) on the *same* cells (a different grid is refused);
    ``area``: cell areas (default 1 each, i.e. equal cells).

    Method (ptools ``pai``; Chainey 2008, Hunt 2016, Wheeler & Steenbeek 2021): cells sorted by
    predicted density (``predicted/area``) descending, ties by fewer observed events first (the
    smallest PAI a tie allows, as ptools). Row k covers the top k cells: ``coverage`` = their
    share of the area, ``hit_rate`` = their share of the events, ``pai`` = hit_rate / coverage,
    ``pei`` = pai / the PAI of a perfect map with the same number of cells (cells by observed
    density), ``rri`` = cumulative predicted / cumulative observed (∞ or NaN before the first
    captured event). Columns: ``k, cell, observed, cum_observed, predicted, cum_predicted, area,
    cum_area, coverage, hit_rate, pai, pei, rri``. See docs/methods/hotspot_intelligence.md.

    ``cell`` names each cell as the input does: its index label when ``observed`` (or else
    ``predicted``) is a Series with its own index — an LSOA code for counts indexed by LSOA, so
    ``t.cell.head(10)`` are the ten areas to patrol — a grid's cell number for a grid or its
    layers (``cells["cell"]``), and the position for a list or array. (Until session 16 it was
    always the position, so a Series indexed by code needed ``o.index[t.cell]``.) Cells are
    paired by position, so two Series with their own indexes must hold the same cells: the same
    labels in another order are refused, and so are different cells (counts by LSOA of two
    periods, each listing only the areas with events: reindex both on the union of their areas
    with ``fill_value=0``, the error says how; until session 16 equal lengths were paired
    silently, one area's events with another's prediction). Errors
    name the cell by its label (``row 'E01000001'``) or number and carry its position in
    ``.position``.

    ``train`` / ``test``: the time windows of the events the map was made from and of the events
    it is scored on — a period (``"2021-06"``, a ``pd.Period``, a date), a ``(first, last)`` pair
    (both included) or the Month column of the events used. A PAI is only a measure of
    *prediction* when the test events are all after the training ones: when the windows are the
    same or overlap (a grid scored on the month it was made from looks excellent: Hertfordshire
    ASB, June 2021's counts on 250 m cells as the map, PAI 19.3 at 5% coverage scored on June
    itself — 97% of its events — against 10.4 on July's), or the test window is earlier, a
    :class:`~saferstats.SaferstatsWarning` says so. The
    table's ``attrs["train"]`` / ``attrs["test"]`` record the windows for the report. A grid from
    :func:`prospective_hotspots` knows its own window (events up to ``cutoff_time``): ``train``
    defaults to it. Without windows, the events scored being the map's own input is found from the
    counts: a grid made from points (:func:`hotspot_kde`, :func:`hotspot_count`) keeps them as its
    ``count`` layer, and ``observed`` equal to it in every scored cell (or counts given as their own
    prediction) gives a :class:`~saferstats.SaferstatsWarning`, ``attrs["in_sample"]`` True and a
    note in the headline (Watford ASB and criminal damage, January-November 2021 on 250 m cells: a
    ``hotspot_kde`` map scored on its own 2,943 events read PAI 5.19 at 5% coverage, on December's 236
    6.88 — in-sample says nothing of prediction either way; silently until session 36).

    ``predicted`` may be a :func:`kde_grid` surface, scored against counts on the same cells
    (:func:`grid_counts` over the same bounds: ``pai(counts, surface)``; ``cell`` is then the
    position in ``surface.to_pandas()`` and in ``counts.ravel()``); made over a ``study_area`` it
    is scored over the area's cells (its ``in_study_area``), as a grid is. Its ``density`` array
    passed alone (``pai(counts, k.density)``) carries no study area: when neither input is a grid
    or surface and one is a 2-D array, a :class:`~saferstats.SaferstatsWarning` says that every
    cell of the box is scored and how to pass the surface instead (Watford ASB: 20.7 at the top 5
    cells against 12.5 over the area's cells; ``area=``, the cells' areas, does not leave cells out).
    A grid (or its layer, or a surface) made *without* a study area scores every cell of the box
    around its points: a warning says how many of them lie outside the outline (convex hull) of the
    cells holding events or a prediction, and ``attrs["note"]`` (in the headline) says so (Watford
    ASB, June 2021's counts on 250 m cells scored on July: PAI 5.82 at 5% of the box's 432 cells
    against 5.17 over Watford's 345; until session 20 silently).

    Grids made over a ``study_area`` (their ``cells`` have ``in_study_area``) — the grids
    themselves or their layers taken whole from ``cells`` (``pai(o.cells["count"],
    g.cells["kde"])``) — are scored over the area's cells only, with any other cell that holds an
    observed event: the cells of the area's
    bounding box beyond its edge are no part of the area a map is judged on, and counted in the
    coverage they would inflate every PAI (Hertfordshire's box is more than half outside the force:
    a KDE of ASB read PAI 15.9 at 5% coverage instead of 11.0).
    ``.attrs["cells_outside_study_area"]`` says how many were left out. An ``observed`` grid counted
    on such a grid *without* the study area (``hotspot_count(x, y, grid=g)`` keeps ``g``'s cells and
    counts every point on them) holds events beyond the edge in cells its own ``in_study_area``
    leaves out: those are events outside the area, so they are left out too, with a
    :class:`~saferstats.SaferstatsWarning` giving how many (until session 18 they were scored and
    ranked as the area's: Watford's June 2021 ASB map on 250 m cells, July's ASB of the whole force
    counted on its grid, 70 events in 40 cells beyond the edge, PAI 3.9 at 5% instead of 4.6). A prediction that gives no
    value (NaN) in a cell holding observed events is refused naming the cell, unless ``observed`` was
    counted over the study area and puts the cell in it: :func:`prospective_hotspots` leaves the cells
    at the edge whose centre is outside the area blank, and a later event inside the area can fall in
    one; such a cell is scored as predicting 0 (its events are missed), with a warning.

    >>> import saferstats
    >>> t = saferstats.pai([6, 3, 0], [3, 2, 1])   # ptools test-pai.R
    >>> t[["k", "hit_rate", "pai", "pei"]].round(4).to_dict("list")
    {'k': [1, 2, 3], 'hit_rate': [0.6667, 1.0, 1.0], 'pai': [2.0, 1.5, 1.0], 'pei': [1.0, 1.0, 1.0]}
    """
    if train is None and test is not None:
        train = _made_from(predicted)
    windows = _check_windows(train, test)
    said_in_sample = bool(windows) and _windows_overlap(train, test)
    check_same_order(observed=observed, predicted=predicted, area=area)
    _same_cells(observed=observed, predicted=predicted, area=area)
    named = next((v for v in (observed, predicted) if isinstance(v, pd.Series)), None)  # whose index names cells

    def cell(pos: int) -> Any:
        return label_of(named, pos)

    def where(pos: int) -> str:  # "row 'E01000001'" by its label (as every error names a row), else "cell 3"
        # a label the index repeats (Series joined with pd.concat) also by its position
        return _row(named, pos) if named is not None and not default_index(named.index) else f"cell {pos}"

    def refuse(kind: type[InvalidInputError], msg: str, argument: str, pos: int) -> NoReturn:
        raise kind(msg, argument, cell(pos), position=pos)  # the label names the cell, the position finds it
    o, ko = _cells("observed", observed)
    p, kp = _cells("predicted", predicted)
    if ko is not None and kp is not None and ko != kp:
        raise InvalidInputError(f"`predicted` is on a different grid than `observed` ({kp!r} vs {ko!r}): "
                                "evaluate a prediction on the grid of the events", "predicted")
    if len(o) != len(p):
        raise LengthMismatchError(f"`predicted` has {len(p)} cells but `observed` has {len(o)}: the prediction must "
                                  "be on the same grid as the events", "predicted")
    a = None
    if area is not None:
        a, _ = _cells("area", area)
    held = o
    beyond = _counted_beyond(observed, o, [predicted])
    if beyond is not None:
        # observed counted on a study area's grid without the area: its events beyond the edge
        # would be scored as the area's (ranked, in the coverage and the hit rate)
        _warn_counted_beyond("pai", "observed", o, beyond, "the scoring")
        held = np.where(beyond, 0.0, o)
    keep = _area_cells([observed, predicted], held)
    _warn_plain_surface(observed, predicted)
    note = _pai_whole_box(observed, predicted, o, p) if keep is None and a is None else None
    idx = np.arange(len(o)) if keep is None else np.flatnonzero(keep)
    if keep is not None:
        o, p = np.ascontiguousarray(o[idx]), np.ascontiguousarray(p[idx])
        if a is not None and len(a) == len(keep):
            a = np.ascontiguousarray(a[idx])
    in_sample = None if said_in_sample else _own_events(predicted, o, p, idx, len(held))
    for name, v in (("observed", o), ("predicted", p)):
        gap = np.isnan(v)
        if gap.any() and not (name == "predicted" and keep is not None):
            first = int(idx[gap][0])
            refuse(MissingValueError, f"`{name}` is missing (NaN) in {number_of(int(gap.sum()), 'cell')} (first: "
                   f"{where(first)}): give every cell a number (0 where none). If they are the cells beyond a study "
                   "area's edge (NaN in KdeResult.to_pandas() and the map frames), do not fill them: pass the "
                   "surface or grid itself (pai(counts, surface), pai(observed_grid, predicted_grid)), which scores "
                   "the area's cells only", name, first)
    blank = np.isnan(p)
    edge = blank & _counted_in_area(observed, idx) & (o > 0)
    if edge.any():
        # prospective_hotspots blanks the cells it calls outside its study area (centre outside, no
        # event of its own); a later event inside the area can fall in one of them. The map makes no
        # prediction there: the cell is scored as flagging nothing (0), and its events count as missed
        cells = idx[edge]
        warn_user(f"pai: `predicted` has no value in {number_of(len(cells), 'cell')} at the study area's edge that "
                  f"{'holds' if len(cells) == 1 else 'hold'} "
                  f"{o[edge].sum():g} of the {o.sum():g} observed {'event' if o.sum() == 1 else 'events'} (first: {where(int(cells[0]))}; its "
                  "centre is outside the area and the prediction had no event there): they are scored as predicting 0, so "
                  "those events count as missed")
        p = p.copy()
        p[edge] = 0.0
        blank = np.isnan(p)
    if blank.any():
        # prospective_hotspots / hotspot_change give no value outside their study area; observed events
        # there were counted without the area
        cells = idx[blank]
        refuse(MissingValueError,
               f"`predicted` has no value in {number_of(len(cells), 'cell')} holding {o[blank].sum():g} observed "
               f"{'event' if o[blank].sum() == 1 else 'events'} "
               f"(first: {where(int(cells[0]))}), outside the study area it was made over: count the observed "
               "events over the same area (e.g. hotspot_count(x, y, grid=prediction, study_area=...))", "predicted",
               int(cells[0]))
    if keep is not None:
        # the core names positions among the scored cells; over a study area those are not the
        # grid's cell numbers, so check here and name the cell
        checks: tuple[tuple[str, np.ndarray | None, str], ...] = (
            ("observed", o, "must be a finite number >= 0"), ("predicted", p, "must be a finite number >= 0"),
            ("area", a, "cell areas must be > 0"))
        for name, vals, rule in checks:
            if vals is None or len(vals) != len(idx):
                continue
            bad = ~np.isfinite(vals) | ((vals <= 0) if name == "area" else (vals < 0))
            if bad.any():
                first = int(np.flatnonzero(bad)[0])
                refuse(InvalidInputError, f"invalid value in `{name}` at {where(int(idx[first]))}: {vals[first]:g} "
                       f"({rule})", name, int(idx[first]))
    d = _ext.pai_table(o, p, a)
    out = pd.DataFrame({"k": np.arange(1, len(o) + 1)})
    for c in ("cell", "observed", "cum_observed", "predicted", "cum_predicted", "area", "cum_area", "coverage",
              "hit_rate", "pai", "pei", "rri"):
        out[c] = d[c]
    pos = idx[np.asarray(d["cell"], dtype=np.int64)]
    own = named is not None and not default_index(named.index) and len(named.index) == (len(o) if keep is None
                                                                                        else len(keep))
    out["cell"] = named.index[pos] if own and named is not None else pos
    if keep is not None:
        out.attrs["cells_outside_study_area"] = len(keep) - len(idx)
    out.attrs.update(windows)
    if in_sample is not None:
        # the map scored on the very events it was made from (no train/test said so): flagged for the headline
        out.attrs["in_sample"] = True
        note = f"{note}; {in_sample}" if note else in_sample
    if note:
        out.attrs["note"] = note
    table = PaiTable(out)
    table.attrs.update(out.attrs)
    return table


class PaiTable(PlainFrame, pd.DataFrame):  # type: ignore[misc]
    """The table of :func:`pai` (a DataFrame, one row per cumulative top-k cell) whose display
    starts with the headline: the events scored, and the share of them the top 1%, 5% and 10% of
    the area capture, with the PAI there (the first k whose coverage reaches each share). Selecting
    columns or rows gives a plain DataFrame.

    >>> t = pai([5, 0, 1, 0, 0, 0, 0, 0, 0, 2], [9, 1, 3, 0, 0, 0, 0, 0, 0, 0])
    >>> print(t.headline())
    PAI of 10 cells, 8 observed events: top 10% of the area (1 cell) captures 62.5% of them, PAI 6.25
    """

    def headline(self) -> str:
        """One line: cells and events scored; hit rate and PAI at 1%, 5% and 10% coverage."""
        need = {"coverage", "hit_rate", "pai", "observed", "k"}
        if need - set(self.columns) or len(self) == 0:
            return "PAI: no cells scored"
        cov = self["coverage"].to_numpy(dtype=float)
        parts, seen = [], set()
        for share in (0.01, 0.05, 0.10):
            reach = np.flatnonzero(cov >= share - 1e-12)
            if not reach.size:
                continue
            i = int(reach[0])
            if i in seen:   # coarse cells: the first cell already covers more than this share
                continue
            seen.add(i)
            k = int(self["k"].iloc[i])
            pct = f"{cov[i]:.0%}" if abs(cov[i] * 100 - round(cov[i] * 100)) < 1e-6 else f"{cov[i]:.1%}"
            parts.append(f"top {pct} of the area ({k:,} cell{'s' if k != 1 else ''}) captures "
                         f"{self['hit_rate'].iloc[i]:.1%} of them, PAI {self['pai'].iloc[i]:.3g}")
        events = float(np.nansum(self["observed"].to_numpy(dtype=float)))
        head = f"PAI of {len(self):,} cells, {events:,.6g} observed events"
        window = "; ".join(f"{k} {self.attrs[k]}" for k in ("train", "test") if isinstance(self.attrs.get(k), str))
        note = self.attrs.get("note")
        return (head + (": " + "; ".join(parts) if parts else "") + (f"; {note}" if isinstance(note, str) else "")
                + (f" ({window})" if window else ""))


def _warn_plain_surface(observed: Any, predicted: Any) -> None:
    """Warn when ``observed`` and ``predicted`` carry no grid (neither a grid, a layer taken whole
    from its cells, nor a :func:`kde_grid` surface) and one is a 2-D array: a surface's
    ``density`` made over a study area, passed alone, is scored over its whole box."""
    given = {"observed": observed, "predicted": predicted}
    if any(isinstance(v, KdeResult) or hasattr(v, "_grid_key") or _grid_tag(v) is not None for v in given.values()):
        return
    flat = {k: v for k, v in given.items() if not isinstance(v, (pd.Series, pd.DataFrame)) and np.ndim(v) == 2}
    if not flat:
        return
    name, v = next(iter(flat.items()))
    rows, cols = np.shape(v)
    warn_user(f"pai: `{name}` is a plain {rows} × {cols} array, so every cell of its box is scored: if the surface "
              "was made over a study area, the cells beyond the area's edge count in the coverage and inflate every "
              "PAI (Watford ASB, a January-September 2021 kde_grid on 250 m cells scored on October-December: 20.7 "
              "at the top 5 cells against 12.5 over the area's cells). Pass the surface itself, pai(counts, k) for "
              "k = kde_grid(..., study_area=...) (or a hotspot_kde grid), which is scored over its in_study_area "
              "cells; or keep those cells of both arrays: m = k.in_study_area | (counts > 0); "
              "pai(counts[m], k.density[m])")


def _pai_whole_box(observed: Any, predicted: Any, o: np.ndarray, p: np.ndarray) -> str | None:
    """Warn when the cells scored are every cell of a grid's box made without a study area (a
    grid, a layer taken whole from its cells or a :func:`kde_grid` surface; plain 2-D arrays have
    :func:`_warn_plain_surface`): its empty cells beyond the outline of the cells with events or a
    prediction count in the coverage and inflate every PAI. The note for the table's headline."""
    box = next((b for b in (_box_cells(v, len(o)) for v in (predicted, observed)
                            if not (not isinstance(v, (pd.Series, pd.DataFrame)) and np.ndim(v) == 2
                                    and not isinstance(v, KdeResult)))
                if b is not None), None)
    if box is None:
        return None
    xc, yc, what = box
    k = _empty_beyond_outline(xc, yc, (np.nan_to_num(o) > 0) | (np.nan_to_num(p) > 0))
    if not k:
        return None
    n = len(o)
    warn_user(f"pai: the cells scored are the {n:,} cells of {what}: the coverage (the share of the area) counts all "
              f"of them, {k:,} outside the outline (convex hull) of the cells holding events or a prediction — fields, "
              "water or land beyond the area, no part of the area a map is judged on — so every PAI is inflated "
              "(Watford ASB, June 2021's counts on 250 m cells scored on July: 5.82 at 5% of the box against 5.17 "
              "over Watford's cells). Make the map and the counts over the study area: "
              "g = hotspot_count(x, y, cell_size=..., study_area='Watford'); "
              "pai(hotspot_count(x_test, y_test, grid=g, study_area='Watford'), g)")
    return f"{k:,} of the cells are empty, outside the outline of the cells with events or a prediction ({what})"


def _same_cells(**named: Any) -> None:
    """Series with their own indexes (LSOA codes, the cell numbers of a filtered grid) must hold the
    same cells: pai pairs them by position and names each by the first one's labels, so counts by
    LSOA of two periods (each listing only the areas with events) would pair one area's events
    with another's prediction, silently when the lengths agree."""
    own = [(k, v.index) for k, v in named.items()
           if isinstance(v, pd.Series) and not default_index(v.index) and v.index.is_unique]
    for (k0, i0), (k, i1) in zip(own[:1] * len(own), own[1:]):
        if i0.equals(i1) or (len(i0) == len(i1) and set(i0) == set(i1)):
            continue  # the same cells (in another order: check_same_order)
        extra, lacking = i1.difference(i0, sort=False), i0.difference(i1, sort=False)

        def some(ix: pd.Index) -> str:
            return ", ".join(repr(plain(v)) for v in ix[:3]) + (" …" if len(ix) > 3 else "")

        says = "; ".join(f"{len(ix):,} of `{a}`'s cells are not in `{b}` ({some(ix)})"
                         for ix, a, b in ((extra, k, k0), (lacking, k0, k)) if len(ix))
        kind = LengthMismatchError if len(i0) != len(i1) else InvalidInputError
        err = kind(f"`{k}` and `{k0}` hold different cells: {says}. Cells are paired by position, so each would "
                   "meet another cell's value: give both the same cells, with 0 where one period had no events: "
                   f"cells = {k0}.index.union({k}.index); pai(observed.reindex(cells, fill_value=0), "
                   "predicted.reindex(cells, fill_value=0))", k)
        err.caller_terms = True  # type: ignore[attr-defined]  # names the labels already: not relabelled
        raise err


def _area_cells(values: list[Any], o: np.ndarray) -> np.ndarray | None:
    """The cells to score: a grid's study area (:func:`_study_area_cells`) or a :func:`kde_grid`
    surface's ``in_study_area``, with any cell holding observed events; None for every cell."""
    keep = _study_area_cells(values, o)
    marks = [np.asarray(v.in_study_area, dtype=bool).ravel() for v in values
             if isinstance(v, KdeResult) and v.in_study_area is not None and v.in_study_area.size == len(o)]
    if not marks:
        return keep
    k = np.logical_or.reduce(marks) | (o > 0)
    if keep is not None:
        k |= keep
    return None if k.all() else np.ascontiguousarray(k)


def _windows_overlap(train: Any, test: Any) -> bool:
    """Whether the ``train`` and ``test`` windows share a period (:func:`_check_windows` has said so)."""
    tr, te = _window("train", train), _window("test", test)
    return any(a0 < b1 and b0 < a1 for a0, a1, _ in te for b0, b1, _ in tr)


def _own_events(predicted: Any, o: np.ndarray, p: np.ndarray, idx: np.ndarray, cells_in_grid: int) -> str | None:
    """Warn when the events scored (``o``, of the scored cells ``idx`` of a grid of ``cells_in_grid``
    cells; ``p`` the prediction there) are, cell for cell, the
    events the map was made from: a grid of :func:`hotspot_kde` (and the other grids made from
    points) keeps them as its ``count`` layer, and counts given as their own prediction are them.
    Scored on its own input a map reads as an excellent prediction (in-sample). The note for the
    table's headline, or None."""
    obs = o
    if not len(obs) or not np.isfinite(obs).all() or obs.sum() <= 0 or np.any(obs != np.floor(obs)):
        return None
    cells = getattr(predicted, "cells", None)
    if hasattr(predicted, "_grid_key") and isinstance(cells, pd.DataFrame) and "count" in cells.columns \
            and len(cells) == cells_in_grid:
        made = np.asarray(cells["count"].to_numpy(dtype=float))[idx]
        what = ("are, cell for cell, the events the map was made from (its `count` layer)"
                if getattr(predicted, "value", None) != "count" else "are, cell for cell, the map's own counts")
    else:
        made, what = p, "equal the prediction in every cell (counts scored against themselves)"
    if not np.array_equal(obs, made):
        return None
    n = float(obs.sum())
    warn_user(f"pai: the {n:,.0f} events scored {what}: a map "
              "scored on its own input (in-sample) measures how well it describes those events, not how well it "
              "predicts (a count map scored on its own month flatters it: Hertfordshire ASB, June 2021's counts on "
              "250 m cells, PAI 19.3 at 5% coverage scored on June itself against 10.4 on July's). Score it on a later "
              "period's events counted on its grid: "
              "pai(hotspot_count(x_next, y_next, grid=g, study_area=...), g, train=..., test=...)")
    return "scored on the events the map was made from (in-sample, not a prediction)"


def _made_from(predicted: Any) -> Any:
    """The window of the events a prediction was made from, when it says (a grid from
    :func:`prospective_hotspots` records its events' first date and its cutoff), else None."""
    cells = predicted.cells if hasattr(predicted, "cells") else predicted
    w = getattr(cells, "attrs", {}).get(WINDOW_TAG) if isinstance(cells, (pd.DataFrame, pd.Series)) else None
    if not isinstance(w, (list, tuple)) or len(w) != 2:
        return None
    # as recorded: ISO dates, or months ("2021-11": the whole month) for police.uk months
    return (str(w[0]), str(w[1]))


def _counted_in_area(observed: Any, idx: np.ndarray) -> np.ndarray:
    """For the scored cells ``idx``: True where ``observed`` is a grid made over a study area that
    puts the cell in it (its events were counted over the area), False elsewhere."""
    tag = _grid_tag(observed)
    if tag is None or tag[1] is None:
        return np.zeros(len(idx), dtype=bool)
    return np.asarray(tag[1][idx])


@dataclasses.dataclass(frozen=True, repr=False)
class ConcentrationResult(Result):
    """How concentrated events are over places: ``gini``, ``gini_generalized`` (Bernasco &
    Steenbeek 2017) and the Lorenz curve (``to_pandas()``: ``share_places, share_events``)."""

    gini: float
    gini_generalized: float
    events: float
    places: int
    share_places: np.ndarray
    share_events: np.ndarray
    #: what dilutes the places counted, when ``counts`` were every cell of a grid's box made
    #: without a study area (said in a warning and the headline); None otherwise
    note: str | None = None

    _summary_fields = ("gini", "gini_generalized", "events", "places")

    def share_of_events(self, share_places: float = 0.05) -> float:
        """Share of events in the busiest ``share_places`` of places (e.g. 0.05 → top 5%)."""
        if not 0 <= float(share_places) <= 1:
            raise InvalidInputError(f"`share_places` must be between 0 and 1, got {share_places!r}", "share_places")
        # the Lorenz curve runs from the quietest place up: the top share is 1 - L(1 - s)
        return float(1.0 - np.interp(1.0 - float(share_places), self.share_places, self.share_events))

    def headline(self) -> str:
        """One line: the Gini, the generalised Gini, events and places, and the share of the events
        the busiest 5% of places hold."""
        return (f"Gini {self.gini:.4f}, generalised Gini {self.gini_generalized:.4f} ({self.events:,.6g} events over "
                f"{self.places:,} places); the busiest 5% of places hold {100 * self.share_of_events(0.05):.1f}% of "
                "events" + (f"; {self.note}" if self.note else ""))

    def __repr__(self) -> str:
        # the headline, as the notebook view: the fields alone left out what the Gini means for places
        return f"ConcentrationResult({self.headline()})"

    def _repr_html_(self) -> str:
        return f"<p><b>ConcentrationResult</b> — {html.escape(self.headline())}</p>"

    def to_pandas(self) -> pd.DataFrame:
        """The Lorenz curve: ``share_places, share_events`` from (0, 0) to (1, 1)."""
        return pd.DataFrame({"share_places": self.share_places, "share_events": self.share_events})


@_names_positions("counts")
@translates_core_errors("counts")
def concentration(counts: Any) -> ConcentrationResult:
    """Concentration of events over places (crime concentration at place).

    Method: the Lorenz curve of the counts (places from fewest events up) and the sample Gini
    G = 2 Σ i·x₍ᵢ₎/(n N) − (n + 1)/n (as R ``ineq::Gini``). With fewer events N than places n the
    Gini cannot fall below 1 − N/n, so ``gini_generalized`` rescales it to that bound (Bernasco &
    Steenbeek 2017, "More places than crimes"): G′ = (n/N)·G − (n − N)/N; equal to ``gini``
    when N ≥ n. The bound holds for whole-number counts only: with non-whole values (rates,
    weights) and N < n the rescaling can go below 0 (``[0.5, 0.5]`` would give −1), so
    ``gini_generalized`` is NaN there, with a :class:`~saferstats.SaferstatsWarning`, and the
    plain ``gini`` stands. A grid made over a ``study_area`` counts the area's cells only (its
    ``in_study_area`` cells, with any other cell holding events): the empty cells of its bounding
    box beyond the edge are not places in the area, and would raise the Gini; events counted on
    such a grid without the study area (in cells its ``in_study_area`` leaves out) are left out,
    with a warning, as :func:`pai` does. A grid made *without* a study area (the box around the
    points; also a :func:`kde_grid` surface without one, or a 2-D array such as :func:`grid_counts`
    gives) counts every cell of its box as a place, the empty cells in fields, water or beyond the
    area's edge too: a :class:`~saferstats.SaferstatsWarning` says how many of its empty cells lie
    outside the outline (convex hull) of the cells holding events, and how to count over the area,
    and the result's ``note`` and headline say so (Watford ASB, June 2021, the 254 records of its
    LSOAs on 250 m cells: 432 places, Gini 0.83, the busiest 5% holding 43.6% of the events, where
    Watford's own 344 cells give 0.77 and 37.8%; until session 20 silently). Every place counts,
    those with no events as 0: published area counts often list only the areas with events
    (FixMyStreet's LSOA files: Dacorum's 2019 fly-tipping reports are in 46 of its 94 LSOAs 2011, as
    the ONS LSOA → local authority lookup gives them, Gini 0.50 over those, 0.76 over all 94), so add
    the missing areas as zeros first: a Series
    indexed by LSOA, MSOA or ward codes none of which holds 0 gives a
    :class:`~saferstats.SaferstatsWarning` saying so, with the local authority most of its LSOAs are
    in and its number of LSOAs (until session 20 silently).
    See docs/methods/hotspot_intelligence.md.

    >>> import saferstats
    >>> c = saferstats.concentration([0, 0, 1, 1])   # 2 events spread as evenly as they can be
    >>> round(c.gini, 3), round(c.gini_generalized, 3)
    (0.5, 0.0)
    """
    c, _ = _cells("counts", counts)
    if np.isnan(c).any():
        first = int(np.flatnonzero(np.isnan(c))[0])
        raise MissingValueError(f"`counts` is missing (NaN) in {number_of(int(np.isnan(c).sum()), 'place')} (first at {first}): "
                                "give every place a count (0 where none)", "counts", first)
    beyond = _counted_beyond(counts, c)
    if beyond is not None:
        _warn_counted_beyond("concentration", "counts", c, beyond, "the places counted")
    inside = _study_area_cells([counts], c if beyond is None else np.where(beyond, 0.0, c))
    if inside is None and isinstance(counts, KdeResult) and counts.in_study_area is not None:
        # the area's cells only: beyond its edge a kernel only spreads the area's own events
        kept = np.asarray(counts.in_study_area, dtype=bool).ravel()
        inside = None if kept.all() else kept
    if inside is not None:
        c = np.ascontiguousarray(c[inside])
    note = _whole_box(counts, c) if inside is None else None
    _warn_only_listed_areas(counts, c)
    d = _ext.concentration(c)
    gini_generalized = float(d["gini_generalized"])
    events, places = float(d["events"]), int(d["places"])
    if events < places and np.isnan(gini_generalized):
        # the core leaves it NaN: Bernasco & Steenbeek's rescaling rests on G >= 1 - N/n, true of
        # whole-number counts only
        warn_user(f"concentration: `counts` are not all whole numbers and total {events:g} over {places:,} places "
                  "(fewer than one per place), so gini_generalized (Bernasco & Steenbeek 2017) is NaN: its "
                  "rescaling assumes whole-number event counts and can fall below 0 otherwise; the plain gini "
                  f"({float(d['gini']):.4g}) stands")
    return ConcentrationResult(d["gini"], gini_generalized, d["events"], places, d["share_places"],
                               d["share_events"], note)


#: ONS codes of small areas that published counts list only where there are events: LSOA, MSOA, ward
_SMALL_AREA_CODE = r"[EW]0[125]\d{6}"


def _warn_only_listed_areas(counts: Any, c: np.ndarray) -> None:
    """Warn when ``counts`` is a Series indexed by small-area codes (LSOA, MSOA, ward) none of which
    holds 0: published counts by area often list only the areas with events, and a Gini over those
    alone understates the concentration. Names the local authority most of them are in, with its
    number of LSOAs (2021), where they are LSOAs."""
    if not isinstance(counts, pd.Series) or len(c) < 5 or bool((c == 0).any()):
        return
    codes = pd.Series(counts.index.astype(str), dtype=object).str.strip().str.upper()
    if not bool(codes.str.fullmatch(_SMALL_AREA_CODE).all()):
        return
    where = ""
    try:
        from ..geography import lsoa_places

        places = lsoa_places()
        las = places["la"].reindex(codes).replace("", np.nan).dropna()
        if len(las) and las.value_counts().iloc[0] >= 0.8 * len(codes):
            la = str(las.value_counts().index[0])
            n_la = int(((places["status"] == "lsoa21") & (places["la"] == la)).sum())
            where = (f" {int(las.value_counts().iloc[0]):,} of them are LSOAs of {la}, which has {n_la:,} LSOAs (2021; "
                     "police.uk and FixMyStreet files of before 2023 use LSOAs 2011).")
    except Exception:  # noqa: BLE001 - the lookup only adds a figure to the warning
        where = ""
    warn_user(f"concentration: every one of the {len(c):,} places in `counts` (area codes, e.g. {codes.iloc[0]!r}) "
              "holds at least one event and none holds 0: published counts by area often list only the areas with "
              "events (FixMyStreet's LSOA files, counts grouped from police.uk records), and a Gini over those alone "
              "understates the concentration (Dacorum's 2019 fly-tipping reports: 0.50 over the 46 LSOAs listed, "
              f"0.76 over all 94).{where} If areas are missing, add them as 0: "
              "counts.reindex(all_area_codes, fill_value=0)")


def _box_cells(counts: Any, n: int) -> tuple[np.ndarray, np.ndarray, str] | None:
    """The cell centres of ``counts`` when it is every cell of a grid's box with no study area — a
    :class:`HotspotGrid` or a layer taken whole from its cells, a :func:`kde_grid` surface, a 2-D
    array (:func:`grid_counts`: rows and columns as the centres) — and what it is; else None."""
    from .grid import HotspotGrid

    tag = _grid_tag(counts)
    if tag is not None:
        if tag[1] is not None:
            return None
        cells = counts.cells if isinstance(counts, HotspotGrid) else None
        if cells is not None:
            xc, yc = cells["x"].to_numpy(dtype=float), cells["y"].to_numpy(dtype=float)
        else:
            centres = _ext.grid_centres(tag[0])
            xc, yc = np.asarray(centres["x"], dtype=float), np.asarray(centres["y"], dtype=float)
        return (xc, yc, "a grid made without a study area") if len(xc) == n else None
    if isinstance(counts, KdeResult):
        if counts.in_study_area is not None:
            return None
        xx, yy = np.meshgrid(counts.x, counts.y)
        return xx.ravel(), yy.ravel(), "a kde_grid surface made without a study area"
    if not isinstance(counts, (pd.Series, pd.DataFrame)) and np.ndim(counts) == 2:
        rows, cols = np.shape(counts)
        yy, xx = np.mgrid[0:rows, 0:cols]
        return (xx.ravel().astype(float), yy.ravel().astype(float),
                f"a plain {rows} × {cols} array, as grid_counts gives")
    return None


def _empty_beyond_outline(xc: np.ndarray, yc: np.ndarray, held: np.ndarray) -> int:
    """How many cells (centres ``xc``, ``yc``) are empty and outside the outline (convex hull) of
    the ``held`` cells, those with events (or a prediction): fields, water or land beyond the area
    in a grid's box. 0 when no cell is held."""
    return int((_outside_hull(xc, yc, held) & ~held).sum()) if held.any() else 0


def _outside_hull(xc: np.ndarray, yc: np.ndarray, held: np.ndarray) -> np.ndarray:
    """True for the cells whose centre lies outside the convex hull of the centres of the ``held``
    cells (Andrew's monotone chain; a hull of one or two cells is that point or segment)."""
    pts = sorted(set(zip(xc[held].tolist(), yc[held].tolist())))
    if not pts:
        return np.ones(len(xc), dtype=bool)

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def half(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for p in points:
            while len(out) >= 2 and cross(out[-2], out[-1], p) <= 0:
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(pts[::-1])
    hull = lower[:-1] + upper[:-1] or pts[:1]
    span = max(float(np.ptp(xc)), float(np.ptp(yc)), 1.0)
    eps = 1e-9 * span * span
    hx, hy = np.array([p[0] for p in hull]), np.array([p[1] for p in hull])
    inside = ((xc >= hx.min() - 1e-9 * span) & (xc <= hx.max() + 1e-9 * span)
              & (yc >= hy.min() - 1e-9 * span) & (yc <= hy.max() + 1e-9 * span))
    for k in range(len(hull)):
        (ax, ay), (bx, by) = hull[k], hull[(k + 1) % len(hull)]
        if (ax, ay) == (bx, by):
            continue
        inside &= (bx - ax) * (yc - ay) - (by - ay) * (xc - ax) >= -eps
    return np.asarray(~inside, dtype=bool)


def _whole_box(counts: Any, c: np.ndarray) -> str | None:
    """Warn when ``counts`` are every cell of a grid's box made without a study area: the box's
    empty cells beyond the events' outline (fields, water, land beyond the force) count as places
    and dilute "x% of the events in y% of the places"; the note for the result's headline."""
    box = _box_cells(counts, len(c))
    if box is None:
        return None
    xc, yc, what = box
    held = c > 0
    k = _empty_beyond_outline(xc, yc, held)  # (no events: the core refuses)
    if not k:
        return None
    n, empty = len(c), int((~held).sum())
    top = max(1, int(np.ceil(0.05 * n)))
    busiest = (f" (the busiest 5% of these places are {top:,} cells, more than the {int(held.sum()):,} holding events)"
               if top > int(held.sum()) else "")
    warn_user(f"concentration: `counts` are the {n:,} cells of {what}, and every one counts as a place: {empty:,} hold "
              f"no event, {k:,} of them outside the outline (convex hull) of the cells that do — fields, water or land "
              "beyond the area, which are no places of it. They raise the Gini and shrink every 'x% of the events in "
              f"y% of the places'{busiest}. Count over the study area, whose cells concentration counts (its "
              "in_study_area): hotspot_count(x, y, cell_size=..., study_area='Watford') (a force, CSP, local authority "
              "or polygon), or keep the area's cells of an array: counts[StudyArea(...).grid_mask(cx, cy, counts)]")
    return f"{k:,} of the places are empty cells outside the outline of the cells with events ({what})"


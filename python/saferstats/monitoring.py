"""Performance monitoring: SPC charts with the NHS "Making Data Count" rules, the E-test for two
Poisson counts and the weighted displacement difference (WDD) test. The statistics run in the
Rust ``monitoring`` module; this layer checks the input, orders series and periods and builds the
tables.

Methods, references and the choices made where the anchor tools differ:
``docs/methods/monitoring.md``.
"""

from __future__ import annotations

import datetime as _dt
import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._confidence import single_confidence
from ._frames import (
    aligned, as_float_array, check_same_order, choice_option, int_option, plain, real_option, row_of,
    translates_core_errors,
)
from . import _periods
from ._periods import month_texts
from .exceptions import InvalidInputError, LengthMismatchError, MissingValueError, SaferstatsError, number_of, warn_user

__all__ = [
    "spc",
    "e_test",
    "wdd",
    "wdd_harm",
    "funnel_overdispersion",
    "isr",
    "israte",
    "rate_funnel_limits",
    "rate_funnel_significance",
    "p_adjust",
    "unusual_periods",
    "peer_compare",
    "plot_spc",
]

_LABELS = _ext.spc_labels()
_SPECIAL = list(_LABELS["special_cause"])
_POINT = list(_LABELS["point_type"])
_ASSURANCE = list(_LABELS["assurance"])
_CHARTS = ("xmr", "c", "u", "p")
TRIAL_BELOW = 12

# periods are read and shown one way for the whole package (outcomes uses these too)
_as_dates = _periods.as_dates
_shown = _periods.shown
_period_ticks = _periods.period_texts


def _labels(name: str, by: Any, n: int) -> tuple[np.ndarray, list[Any]]:
    """Series codes (in order of first appearance) and the distinct labels."""
    if by is None:
        return np.zeros(n, dtype=np.int64), [None]
    if isinstance(by, (str, bytes)) or np.isscalar(by):
        raise InvalidInputError(
            f"`{name}` must be an array-like of series labels, one per value (got {by!r})", name
        )
    lab = pd.Series(list(by) if not isinstance(by, (pd.Series, np.ndarray, pd.Index)) else np.asarray(by))
    if len(lab) != n:
        raise LengthMismatchError(f"length mismatch: `values` has {n} elements but `{name}` has {len(lab)}", name)
    miss = lab.isna().to_numpy()
    if miss.any():
        i = int(np.flatnonzero(miss)[0])
        raise MissingValueError(f"`{name}` row {i}: missing series label", name, i)
    codes, uniques = pd.factorize(lab, sort=False)
    return codes.astype(np.int64), [plain(u) for u in uniques]


def _times(periods: Any, n: int) -> tuple[np.ndarray | None, Any]:
    """Period positions on a numeric scale (None when not given) and the labels to show."""
    if periods is None:
        return None, None
    if isinstance(periods, (str, bytes)) or np.isscalar(periods):
        raise InvalidInputError(f"`periods` must be an array-like, one per value (got {periods!r})", "periods")
    labels = periods if isinstance(periods, (pd.Series, pd.Index)) else pd.Series(list(periods))
    if len(labels) != n:
        raise LengthMismatchError(f"length mismatch: `values` has {n} elements but `periods` has {len(labels)}", "periods")
    return _period_numbers(labels, "periods"), labels


def period_index(index: pd.Index) -> Any:
    """The index of a Series of values as its periods when it holds periods — dates, pandas
    Periods or labels such as ``"2021-06"`` / ``"2019/20"`` (a ``groupby("month").size()``) —
    else None (a plain position or number index says nothing about time)."""
    if isinstance(index, pd.PeriodIndex):
        return pd.Series(index.to_timestamp(), name=index.name)
    if isinstance(index, pd.DatetimeIndex):
        return pd.Series(index, name=index.name)
    if isinstance(index, pd.MultiIndex) or pd.api.types.is_numeric_dtype(index) or pd.api.types.is_bool_dtype(index):
        return None
    if all(isinstance(v, numbers.Real) for v in index):
        return None  # numbers held as objects: positions or plain numbers, not periods
    try:
        _period_numbers(pd.Series(index), "periods")
    except SaferstatsError:
        return None
    return pd.Series(index, name=index.name)


def _period_display(values: Any, period_labels: Any) -> Any:
    """The periods to show in a result's ``period`` column: a Series indexed by pandas Periods
    (:func:`saferstats.monthly_counts`) keeps its Periods (``2021-01``), which
    :func:`period_index` turns into dates (the first of each month) only to number them: shown,
    those dates read as days. Any other periods are shown as given."""
    if isinstance(values, pd.Series) and isinstance(values.index, pd.PeriodIndex) and period_labels is not None \
            and len(values.index) == len(period_labels):
        return np.asarray(values.index, dtype=object)
    return None if period_labels is None else np.asarray(period_labels)


def same_periods(fn: str, first: str, values: Any, name: str, other: Any) -> None:
    """Raise when two Series both labelled by periods (months, dates, ``"2019/20"``) hold different
    periods: values are paired by position, so a population indexed January 2020 - January 2021
    beside counts of January 2021 - January 2022 gave each month the population of a year before,
    silently. Series of different lengths, or whose labels are not periods, are left to the usual
    checks (pairing by position, as documented)."""
    if not (isinstance(values, pd.Series) and isinstance(other, pd.Series)) or len(values) != len(other):
        return
    a, b = period_index(values.index), period_index(other.index)
    if a is None or b is None:
        return

    def months(p: pd.Series) -> list[str] | None:
        d = _as_dates(p.astype(object) if not pd.api.types.is_datetime64_any_dtype(p) else p)
        if not pd.api.types.is_datetime64_any_dtype(d):
            try:
                d = pd.Series(pd.to_datetime(p.astype(str), format="%Y-%m"))
            except (TypeError, ValueError):
                return None
        return [str(v) for v in d.dt.strftime("%Y-%m-%d")]

    ka, kb = months(a), months(b)
    if ka is None or kb is None:
        ka, kb = [str(v) for v in a], [str(v) for v in b]
    if ka == kb:
        return
    j = next(i for i, (x, y) in enumerate(zip(ka, kb)) if x != y)
    err = InvalidInputError(
        f"{fn}: `{name}` is labelled by other periods than `{first}` (position {j}: {_shown(other.index[j], other.index)} where "
        f"`{first}` has {_shown(values.index[j], values.index)}); they are paired by position, so each period would take "
        f"another period's {name}: give the {name} of the same periods ({name}.reindex({first}.index))", name,
        plain(other.index[j]))
    err.position = j
    err.caller_terms = True  # type: ignore[attr-defined]  # names both labels already: not relabelled
    raise err


def time_order(labels: Any, fn: str, argument: str) -> np.ndarray | None:
    """The order that puts values labelled by ``labels`` (a Series' index, a DataFrame's columns) in
    time, when the labels are periods (as :func:`period_index` reads them) that are not already in
    order; None when they are in order or carry no time (positions, plain numbers, names).

    Sorting is announced with a :class:`SaferstatsWarning` naming the first label out of order;
    periods out of order *and* repeated cannot be put in one time order and raise
    :class:`InvalidInputError` naming both labels."""
    index = labels if isinstance(labels, pd.Index) else pd.Index(list(labels))
    if len(index) < 2:
        return None
    per = period_index(index)
    if per is None:
        return None
    t = _period_numbers(per, argument)
    d = np.diff(t)
    if np.all(d >= 0):
        return None
    order = np.argsort(t, kind="stable")
    ts = t[order]
    same = np.flatnonzero(ts[1:] == ts[:-1])
    if same.size:
        a, b = int(order[same[0]]), int(order[same[0] + 1])
        raise InvalidInputError(
            f"{fn}: `{argument}` is not in time order and period {_shown(index[a], index)} appears twice (at positions {a} "
            f"and {b}), so it cannot be put in time order: give one value per period", argument, plain(index[b]),
            position=b)
    i = int(np.flatnonzero(d < 0)[0]) + 1
    warn_user(f"{fn}: `{argument}` was not in time order (first out of order: {_shown(index[i], index)} after "
              f"{_shown(index[i - 1], index)}); it was put in time order, and the result is in time order with your labels")
    return order


def _period_numbers(labels: Any, name: str) -> np.ndarray:
    from .trend import parse_periods

    s = _as_dates(labels)
    if pd.api.types.is_datetime64_any_dtype(s):
        return np.asarray(((s.dt.year - 1970) * 12 + s.dt.month - 1).to_numpy(dtype=float) + s.dt.day.to_numpy() / 100.0)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        t = s.to_numpy(dtype=float)
        if np.isnan(t).any():
            i = int(np.flatnonzero(np.isnan(t))[0])
            raise MissingValueError(f"`{name}` row {i}: missing period", name, i)
        return np.asarray(t)
    try:
        return np.asarray(parse_periods(s, column=name), dtype=float)
    except SaferstatsError as e:
        raise InvalidInputError(str(e).replace("column '", "`").replace("' row", "` row"), name, e.index,
                                position=e.position) from None


def _target(target: Any, labels: list[Any]) -> np.ndarray:
    def one(v: Any, where: str) -> float:
        if v is None:
            return np.nan
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
            raise InvalidInputError(f"`{where}` must be a number (or None), got {v!r}", "target")
        f = float(v)
        if not np.isfinite(f):
            raise InvalidInputError(f"`{where}` must be finite, got {v!r}", "target")
        return f

    if isinstance(target, Mapping):
        unknown = [k for k in target if plain(k) not in labels]
        if unknown:
            raise InvalidInputError(
                f"`target` names series {unknown[0]!r}, which is not among the series {labels[:10]}", "target"
            )
        return np.array([one(target.get(lab), f"target[{lab!r}]") for lab in labels])
    return np.full(len(labels), one(target, "target"))


def _gap_scale(period_labels: Any, order: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Period positions for finding gaps, in sorted order: ``ts`` (month numbers for dates), but
    days for dates that are not all on one day of the month (weekly or daily dates: on the month
    scale each month boundary looked like a gap)."""
    s = _as_dates(np.asarray(period_labels))
    if not pd.api.types.is_datetime64_any_dtype(s) or s.dt.day.nunique() <= 1:
        return ts
    days = ((s - pd.Timestamp(0, tz=s.dt.tz)) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    return np.asarray(days[order])


def _warn_gaps(fn: str, cs: np.ndarray, ts: np.ndarray, labels: list[Any], consequence: str,
               periods_sorted: Any = None, ends: str = "") -> None:
    """Warn when a series skips periods (a step more than 1.5 × the usual one); ``cs``/``ts`` are
    the series codes and period numbers in sorted order. With several series, also warn when a
    series starts later or ends earlier than the others (``periods_sorted``: the period labels in
    the same order; ``ends``: what that does to the result): ``groupby([series, month]).size()``
    has no row for a first or last month without records, which is no gap inside the series."""
    same = cs[1:] == cs[:-1]
    d = np.diff(ts)
    if not same.any():
        return
    step = float(np.median(d[same]))
    fill = ("Counts made with groupby(...).size() have no row for a period with no records: if a missing "
            "period had none, give it a 0 (reindex with fill_value=0, or saferstats.monthly_counts)")
    gaps = sorted({labels[c] for c, dd, ok in zip(cs[1:], d, same) if ok and dd > 1.5 * step}, key=str)
    if gaps:
        where = "" if gaps == [None] else f" in series {gaps[:5]}"
        warn_user(f"{fn}: periods are missing{where} (a step more than 1.5 × the usual one); {consequence}. {fill}")
    if len(labels) < 2 or not step > 0:
        return
    first = np.flatnonzero(np.r_[True, ~same])
    last = np.r_[first[1:] - 1, len(cs) - 1]
    lo, hi = float(ts[first].min()), float(ts[last].max())
    short = [(labels[cs[a]], a, b) for a, b in zip(first, last)
             if ts[a] - lo > 0.5 * step or hi - ts[b] > 0.5 * step]
    if not short:
        return
    if periods_sorted is None:
        shown = [repr(plain(lab)) for lab, _, _ in short[:5]]
        whole = "the others' range"
    else:
        ps = np.asarray(_period_ticks(pd.Series(np.asarray(periods_sorted))))
        shown = [f"{plain(lab)!r} ({ps[a]} to {ps[b]})" for lab, a, b in short[:5]]
        whole = f"{ps[first[int(np.argmin(ts[first]))]]} to {ps[last[int(np.argmax(ts[last]))]]}"
    warn_user(f"{fn}: {len(short)} series start later or end earlier than the others ({whole}): "
              f"{', '.join(shown)}{' ...' if len(short) > 5 else ''}; {ends}. {fill}")


def _series_starts(cs: np.ndarray) -> np.ndarray:
    """The first position of each series in rows sorted by series code ``cs``."""
    return np.flatnonzero(np.r_[True, cs[1:] != cs[:-1]]) if len(cs) else np.zeros(0, dtype=np.int64)


class _SeriesOrder(NamedTuple):
    """Rows of one or more series put in order (:func:`_in_series_order`)."""

    codes: np.ndarray  # the series code of each row, as given
    labels: list[Any]  # the series' labels ([None] for one series)
    period_labels: Any  # the periods as given (None without them)
    order: np.ndarray  # the rows in series order, then period (or given) order
    cs: np.ndarray  # codes[order]
    ts: np.ndarray | None  # the period numbers in that order (None without periods)
    starts: list[int]  # the first position of each series in that order


def _in_series_order(fn: str, by: Any, periods: Any, n: int, gaps: str, ends: str) -> _SeriesOrder:
    """The ``n`` rows grouped by series (``by``) and put in period order within each (as given
    without ``periods``). A period twice in a series is an :class:`InvalidInputError` naming the
    row (and the series); periods missing from a series, and series that start later or end
    earlier than the others, give ``fn``'s warning (:func:`_warn_gaps`) saying ``gaps`` and
    ``ends`` (what that does to the result)."""
    codes, labels = _labels("by", by, n)
    t, period_labels = _times(periods, n)
    order = np.lexsort((t if t is not None else np.arange(n, dtype=float), codes))
    cs = codes[order]
    ts = None
    if t is not None:
        ts = t[order]
        same = np.flatnonzero((cs[1:] == cs[:-1]) & (ts[1:] == ts[:-1]))
        if same.size:
            i = int(order[same[0] + 1])
            raise InvalidInputError(
                f"`periods` row {i}: period {plain(period_labels.iloc[i])!r} appears twice"
                + ("" if labels[cs[same[0]]] is None else f" in series {labels[cs[same[0]]]!r}"), "periods", i)
        _warn_gaps(fn, cs, _gap_scale(period_labels, order, ts), labels, gaps, np.asarray(period_labels)[order], ends)
    return _SeriesOrder(codes, labels, period_labels, order, cs, ts, _series_starts(cs).tolist())


def _rebase_flags(
    rebase: Any, codes_sorted: np.ndarray, t_sorted: np.ndarray | None, labels: list[Any], period_labels: Any = None
) -> tuple[np.ndarray, list[Any]]:
    n = len(codes_sorted)
    flags = np.zeros(n, dtype=bool)
    causes: list[Any] = [None] * n
    if rebase is None:
        return flags, causes
    per: dict[int, Any]
    if isinstance(rebase, Mapping) and labels == [None] and not (len(rebase) == 1 and None in rebase):
        # one series: {period: cause} ("2021-04": "end of lockdown")
        per = {0: rebase}
    elif isinstance(rebase, Mapping):
        per = {}
        for k, v in rebase.items():
            if plain(k) not in labels:
                raise InvalidInputError(f"`rebase` names series {k!r}, which is not in the data (with `by`, rebase "
                                        "is {series: [periods]} or {series: {period: cause}})", "rebase")
            per[labels.index(plain(k))] = v
    else:
        per = {g: rebase for g in range(len(labels))}
    starts = np.flatnonzero(np.r_[True, codes_sorted[1:] != codes_sorted[:-1]])
    ends = np.r_[starts[1:], n]
    # whether the periods are dates, once for every series (it was read again from all the periods
    # for each series rebased: 60 series, 60 readings of the 2,400 periods)
    dated = t_sorted is not None and period_labels is not None and \
        pd.api.types.is_datetime64_any_dtype(_as_dates(np.asarray(period_labels)))
    parsed: dict[int, tuple[pd.Series, np.ndarray]] = {}  # one list for every series is read once
    for g, points in per.items():
        if points is None:
            continue
        given = id(points)
        why: list[Any]
        if isinstance(points, Mapping):
            why = []
            for p, c in points.items():
                if c is not None and not isinstance(c, str):
                    raise InvalidInputError(
                        f"`rebase`: the cause given for {plain(p)!r} must be text (why the limits are recalculated, "
                        f"e.g. 'end of lockdown'), got {c!r}", "rebase")
                why.append(c.strip() or None if isinstance(c, str) else None)
            points = list(points.keys())
        else:
            if isinstance(points, (str, bytes)) or np.isscalar(points):
                points = [points]
            why = [None] * len(points)
        a, b = starts[g], ends[g]
        name = "" if labels[g] is None else f" of series {labels[g]!r}"
        if t_sorted is None:
            for p, c in zip(points, why):
                if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Integral) or not 0 <= int(p) < b - a:
                    raise InvalidInputError(
                        f"`rebase`: {p!r} is not a position in the {b - a} points{name} (without `periods`, "
                        "rebase points are positions 0, 1, ... within each series)", "rebase")
                flags[a + int(p)] = True
                causes[a + int(p)] = c
        else:
            if given not in parsed:
                parsed[given] = _rebase_periods(points, dated, period_labels)
            pts, want = parsed[given]
            for q, w, c in zip(pts, want, why):
                hit = np.flatnonzero(np.abs(t_sorted[a:b] - w) < 1e-9)
                if hit.size == 0:
                    # named as the periods are shown: a month as 2023-04 however it was given
                    raise InvalidInputError(f"`rebase` period {_shown(q, period_labels)} is not in the data{name}",
                                            "rebase")
                flags[a + hit[0]] = True
                causes[a + hit[0]] = c
    return flags, causes


def _rebase_periods(points: Any, dated: bool, period_labels: Any) -> tuple[pd.Series, np.ndarray]:
    """:func:`_rebase_flags`: the rebase periods given for a series, and their period numbers."""
    pts = pd.Series(list(points))
    if dated:
        # periods are dates (pd.to_datetime of police.uk months, or the Periods of a
        # monthly_counts index, numbered as their first day): read "2023-01" as a date too,
        # and a pandas Period as its first day (it was "not in the data")
        pts = pd.Series([p.to_timestamp() if isinstance(p, pd.Period) else p for p in points])
        try:
            pts = pd.Series(pd.to_datetime(pts))
        except (TypeError, ValueError):
            pass
    elif period_labels is not None and len(pts) and all(
            isinstance(p, (pd.Timestamp, np.datetime64, _dt.date)) for p in pts):
        # periods are months as text or pandas Periods ("2021-07"): a date given to rebase
        # (pd.Timestamp("2021-07-01")) is its month, not "not in the data"
        pts = pd.Series(month_texts(pts).tolist())
    return pts, _period_numbers(pts, "rebase")


def _rebase_record(flags: np.ndarray, causes: list[Any], cs: np.ndarray, labels: list[Any], segment: np.ndarray,
                   shown_sorted: Any) -> pd.DataFrame:
    """The rebase points of a chart (sorted order in): series, period (or position), segment and the
    cause given, one row each; and warn about those given without a cause (Making Data Count:
    recalculate limits only for a sustained shift with a known cause)."""
    starts = _series_starts(cs)
    # months given as dates are named as months (2021-07), weeks and days as days
    shown_sorted = None if shown_sorted is None else _period_ticks(pd.Series(np.asarray(shown_sorted)))
    rows = []
    for i in np.flatnonzero(flags):
        first = int(starts[np.searchsorted(starts, i, side="right") - 1])
        rows.append({"series": labels[cs[i]],
                     "period": int(i - first) if shown_sorted is None else str(plain(shown_sorted[i])),
                     "segment": int(segment[i]), "cause": causes[i]})
    rec = pd.DataFrame(rows, columns=["series", "period", "segment", "cause"])
    bare = rec[rec["cause"].isna()]
    if len(bare):
        pos = "position " if shown_sorted is None else ""
        at = ", ".join(pos + str(p) if s is None else f"{pos}{p} ({s})" for s, p in zip(bare["series"][:5], bare["period"][:5]))
        eg = plain(bare["period"].iloc[0])
        warn_user(f"spc: limits recalculated at {at}{' ...' if len(bare) > 5 else ''} with no cause given: rebase "
                  "only for a sustained shift with a known cause (NHS Making Data Count), and say it, e.g. "
                  f"rebase={{{eg!r}: 'new recording system'}}; the cause is kept in .attrs['rebase'], the "
                  "summary and the plot")
    return rec


STEP_FOLD = 4.0
STEP_MIN_LEVEL = 10.0


def _warn_recording_step(vs: np.ndarray, cs: np.ndarray, labels: list[Any], shown_sorted: Any,
                         flags: np.ndarray) -> None:
    """Warn about a sudden sustained step in a series of counts: the mean of two periods is 4 or more
    times that of the next two (or under a quarter of it), every one of the two on the far side of
    every one of the other two, and the higher level 10 or more a period. A level that changes so
    much from one period to the next is more often a change in recording (a new system, a category
    moved, ASB recorded elsewhere) than in what happened; an SPC chart calls it a special cause
    like any other. A step where the limits are already recalculated (``rebase``) is not warned."""
    if not (np.all(vs >= 0) and np.all(vs == np.round(vs))):
        return  # counts only: a 4-fold step in a rate or a percentage is not a recording sign
    shown_sorted = None if shown_sorted is None else _period_ticks(pd.Series(np.asarray(shown_sorted)))
    starts = _series_starts(cs)
    ends = np.r_[starts[1:], len(cs)]
    said = []
    for a, b in zip(starts, ends):
        for k in range(a + 2, b - 1):
            before, after = vs[k - 2:k], vs[k:k + 2]
            hi, lo = max(before.mean(), after.mean()), min(before.mean(), after.mean())
            apart = before.min() > after.max() or after.min() > before.max()
            if flags[k] or not apart or hi < STEP_MIN_LEVEL or hi < STEP_FOLD * lo:
                continue
            at = f"position {k - a}" if shown_sorted is None else str(plain(shown_sorted[k]))
            prev = f"position {k - 1 - a}" if shown_sorted is None else str(plain(shown_sorted[k - 1]))
            who = "" if labels[cs[k]] is None else f" in series {labels[cs[k]]!r}"
            way = "fall" if after.mean() < before.mean() else "rise"
            said.append(f"from {prev} to {at}{who} ({before[0]:g}, {before[1]:g} then "
                        f"{after[0]:g}, {after[1]:g}: a {hi / max(lo, 1e-12):.1f}-fold {way})")
            break
    if said:
        warn_user("spc: a sudden step in the counts " + "; ".join(said[:3]) + (" ..." if len(said) > 3 else "")
                  + ": a level that changes 4-fold or more from one period to the next is more often a change in "
                  "recording (a new system, a category moved or recorded elsewhere) than in what happened. Check "
                  "the recording before reading it as a real change; if it is one, recalculate the limits there "
                  "with its cause (rebase={period: cause})")


def _unlike_rows(values: Any, v: np.ndarray, shown: Any, codes: np.ndarray, labels: list[Any]) -> list[tuple[int, Any]]:
    """The rows of ``values`` (positions, with their record) that :func:`saferstats.read_flytipping`
    flags as not like for like (its Series' ``attrs["not_like_for_like"]``): by the row labels read
    where each count is still the one read under its label (``ft["incidents"]``, filtered or
    sorted), else by period and count (``ft.set_index("period")["incidents"]``) and, with ``by``,
    the series named by the council's name or code. Empty for any other values."""
    recs = values.attrs.get("not_like_for_like") if isinstance(values, pd.Series) else None
    if not recs:
        return []
    read = values.attrs.get("incidents_as_read")
    labs = [plain(x) for x in values.index]
    whole = bool(read) and all(isinstance(x, (int, np.integer)) and 0 <= int(x) < len(read[0]) for x in labs)
    if whole:
        was = np.asarray(read[0], dtype=float)[np.asarray(labs, dtype=np.int64)]
        whole = bool(np.all(was == v))
    found: list[tuple[int, Any]] = []
    if whole:
        at = {lab: k for k, lab in enumerate(labs)}
        for rec in recs:
            if rec["row"] in at:
                found.append((at[rec["row"]], rec))
        return found
    if shown is None:
        return found
    periods = [str(plain(p)).strip() for p in shown]
    for rec in recs:
        for k in (int(i) for i in np.flatnonzero(v == rec["incidents"])):
            who = labels[codes[k]]
            if periods[k] == rec["period"] and (who is None or plain(who) in (rec["la_name"], rec["la_code"])):
                found.append((k, rec))
    return found


def _warn_unlike_points(fn: str, values: Any, v: np.ndarray, shown: Any, codes: np.ndarray, labels: list[Any],
                        order: np.ndarray, marks: np.ndarray, *, reach: tuple[int, int] = (1, 1),
                        signals: str = "special causes", uses: str = "the limits are computed with",
                        mend: str = ", or recalculate the limits where the recording changed with its cause "
                                    "(rebase={period: cause})") -> list[dict[str, Any]]:
    """Warn of points of ``fn``'s series that :func:`saferstats.read_flytipping` flags as not like
    for like with the rest of their series (a council counting only the public's reports that year,
    Defra's ``reporting_basis``, or a 4-fold step in recording: its ``not_all_incidents`` /
    ``recording_step`` columns), naming each point and the ``signals`` (``marks``: the text of each
    row's signal, ``""`` for none) from ``reach[0]`` periods before it to ``reach[1]`` after it,
    which may be the change in recording rather than in fly-tipping (Welwyn Hatfield: 2019/20's
    1,700 counted only the public's reports, 2020/21's 4,836 all incidents, an SPC special cause
    "high"). Returns the points (``row``, ``name``, ``column``, ``note``)."""
    found = _unlike_rows(values, v, shown, codes, labels)
    if not found:
        return []
    pos = np.empty(len(order), dtype=np.int64)
    pos[order] = np.arange(len(order))
    cs = codes[order]
    names: list[str] = []
    causes: list[str] = []
    out: list[dict[str, Any]] = []
    for k, rec in sorted(found, key=lambda f: int(pos[f[0]])):
        name = f"{rec['la_name']} {rec['period']}"
        note = str(rec["note"]) or rec["column"]
        if name not in names:
            names.append(name)
            out.append({"row": plain(values.index[k]), "name": name, "column": rec["column"], "note": note})
        j = int(pos[k])
        for m in range(j - reach[0], j + reach[1] + 1):
            if 0 <= m < len(cs) and cs[m] == cs[j] and marks[order[m]]:
                i = int(order[m])
                when = "" if shown is None else f" {plain(shown[i])}"
                what = f"{rec['la_name']}{when}: {marks[i]}"
                if what not in causes:
                    causes.append(what)
    one = len(out) == 1
    said = "; ".join(f"{f['name']} ({f['note']})" for f in out[:8]) + (
        f" and {len(out) - 8} more" if len(out) > 8 else "")
    shown_causes = "; ".join(causes[:8]) + (f" and {len(causes) - 8} more" if len(causes) > 8 else "")
    near = "at or next to" if reach == (1, 1) else "at or after"
    then = (f"The {signals} {near} {'it' if one else 'them'} ({shown_causes}) may be that change, not a change "
            "in fly-tipping" if causes else f"The {signals} {near} it would be that change, not a change in fly-tipping")
    warn_user(f"{fn}: {number_of(len(out), 'point')} not counted like for like with the rest of "
              f"{'its' if one else 'their'} series (read_flytipping's not_all_incidents / recording_step): "
              f"{said}. {then}; and {uses} {'it' if one else 'them'}. Leave {'it' if one else 'them'} out of the "
              f"series{mend}, or say why not. Listed in .attrs['not_like_for_like']")
    return out


SEASON_MONTHS = 24  # two years of months: fewer cannot show whether a pattern repeats
SEASON_R = 0.5  # mean correlation of the years' month profiles that shows a seasonal pattern


def _cause_runs(codes: np.ndarray, shown: list[str]) -> list[str]:
    """Runs of one special cause in a series' points, as ``"increasing trend 2021-01 to 2021-06"``."""
    runs: list[str] = []
    k = 0
    while k < len(codes):
        c = int(codes[k])
        j = k
        while j + 1 < len(codes) and int(codes[j + 1]) == c:
            j += 1
        if c:
            runs.append(f"{_SPECIAL[c]} {shown[k]}" + ("" if j == k else f" to {shown[j]}"))
        k = j + 1
    return runs


def _season_profiles(y: np.ndarray) -> tuple[int, float | None, np.ndarray]:
    """The season check of one gap-free monthly run ``y`` (:func:`_warn_season`): its whole years,
    the mean correlation of consecutive years' month profiles after a straight-line trend (None
    when no pair of profiles varies) and the mean profile."""
    years = len(y) // 12
    # less a straight-line trend first: a series rising steadily rises alike within every year
    y12 = np.asarray(y[:12 * years], dtype=float)
    t12 = np.arange(12 * years, dtype=float)
    resid = y12 - np.polyval(np.polyfit(t12, y12, 1), t12)
    prof = [resid[12 * k:12 * (k + 1)] - resid[12 * k:12 * (k + 1)].mean() for k in range(years)]
    rs = [float(np.corrcoef(prof[k], prof[k + 1])[0, 1]) for k in range(years - 1)
          if prof[k].std() > 0 and prof[k + 1].std() > 0]
    return years, (float(np.mean(rs)) if rs else None), np.mean(prof, axis=0)


def _longest_run(steps: np.ndarray) -> tuple[int, int]:
    """The first and last position (inclusive) of the longest run of points one month apart, given
    the steps between consecutive points; of equal runs, the latest."""
    breaks = np.flatnonzero(steps != 1)
    firsts = np.r_[0, breaks + 1]
    lasts = np.r_[breaks, len(steps)]
    lengths = lasts - firsts
    k = int(len(lengths) - 1 - np.argmax(lengths[::-1]))
    return int(firsts[k]), int(lasts[k])


SEASON_COLUMNS = ["series", "months", "profile_correlation", "highest", "lowest", "checked"]


def _warn_season(vs: np.ndarray, months: np.ndarray | None, cs: np.ndarray, causes: np.ndarray, labels: list[Any],
                 shown_sorted: Any, flags: np.ndarray) -> pd.DataFrame:
    """Warn where a monthly series has special causes that a seasonal pattern can make.

    An SPC chart's limits and rules take the points as varying around one level; monthly crime and
    ASB counts rise and fall with the seasons (ASB peaks in summer), and a chart of them signals
    the season: a trend through spring, a shift over summer, low points in winter. With fewer than
    :data:`SEASON_MONTHS` months a season cannot be told from a change, so any special cause
    warns; with more, the series' 12-month blocks are compared: the values less a
    straight-line trend fitted to the whole years, each block less its mean (its month profile),
    correlated block with the next, and a mean correlation of
    :data:`SEASON_R` or more is a pattern that repeats every year. A series with a gap is checked
    on its longest run of months without one (of equal runs, the latest) when that run has
    :data:`SEASON_MONTHS` months or more (blocks across a gap would mix months); where none has,
    the season could not be checked, and any special cause warns saying so. A series with a rebase
    is left to its cause.

    Returns the series warned about (``.attrs["season"]``): ``series, months`` (where the season
    was checked, the months compared, those ``checked`` names: the whole years of the longest run
    without a gap; where it was not, the series' span), ``profile_correlation``
    (NaN where the season could not be checked: under 24 months, or no 24 months without a gap),
    ``highest, lowest`` (the months of the mean profile, None where not checked) and ``checked``
    (the months whose profiles were compared, ``"2016-04 to 2019-03"``; None where not checked)."""
    rec: list[tuple[Any, int, float, str | None, str | None, str | None]] = []
    if months is None or shown_sorted is None:
        return pd.DataFrame(rec, columns=SEASON_COLUMNS)
    texts = _period_ticks(pd.Series(np.asarray(shown_sorted)))
    starts = _series_starts(cs)
    ends = np.r_[starts[1:], len(cs)]
    said = []
    for a, b in zip(starts, ends):
        m, c = months[a:b], causes[a:b].astype(np.int64)
        steps = np.diff(m)
        if b - a < 6 or not c.any() or flags[a + 1:b].any() or (steps <= 0).any() or np.median(steps) != 1:
            continue
        who = "" if labels[cs[a]] is None else f"{labels[cs[a]]!r}: "
        runs = _cause_runs(c, texts[a:b])
        causes_said = f"its special causes: {'; '.join(runs[:4])}" + (" ..." if len(runs) > 4 else "")
        span = int(m[-1] - m[0] + 1)
        if span < SEASON_MONTHS:
            said.append(f"{who}{span} months ({texts[a]} to {texts[b - 1]}), fewer than {SEASON_MONTHS}, so the "
                        f"chart cannot tell a season from a change; {causes_said}")
            rec.append((labels[cs[a]], span, float("nan"), None, None, None))
            continue
        r0, r1 = _longest_run(steps)  # the whole series when it has no gap
        run = "" if r1 - r0 + 1 == b - a else \
            f", in the longest run of months without a gap, {texts[a + r0]} to {texts[a + r1]}"
        if r1 - r0 + 1 < SEASON_MONTHS:
            said.append(f"{who}{span} months ({texts[a]} to {texts[b - 1]}) with "
                        f"{'a gap' if (steps != 1).sum() == 1 else f'{int((steps != 1).sum())} gaps'} and no "
                        f"{SEASON_MONTHS} months without one (the longest run: "
                        f"{number_of(r1 - r0 + 1, 'month')}, {texts[a + r0]} to {texts[a + r1]}), so the season "
                        f"could not be checked and the chart cannot tell a season from a change; {causes_said}")
            rec.append((labels[cs[a]], span, float("nan"), None, None, None))
            continue
        years, r, mean_prof = _season_profiles(vs[a + r0:a + r1 + 1])
        if r is None or r < SEASON_R:
            continue
        names = [pd.Timestamp(year=2000, month=int(mm % 12) + 1, day=1).strftime("%b") for mm in m[r0:r0 + 12]]
        hi = names[int(np.argmax(mean_prof))]
        lo = names[int(np.argmin(mean_prof))]
        said.append(f"{who}its months rise and fall alike from year to year ({years} years from "
                    f"{texts[a + r0]}{run}: mean correlation of the years' month profiles {r:.2f}; highest in {hi}, "
                    f"lowest in {lo}); {causes_said}")
        # the months compared (those ``checked`` names: the run's whole years), not the series' span
        rec.append((labels[cs[a]], 12 * years, r, hi, lo, f"{texts[a + r0]} to {texts[a + r0 + 12 * years - 1]}"))
    if said:
        warn_user("spc: a monthly series with special causes that a seasonal pattern can make ("
                  + "; ".join(said[:3]) + (" ..." if len(said) > 3 else "") + "). An SPC chart takes the points as "
                  "varying around one level, and monthly crime and ASB counts rise and fall with the seasons (ASB "
                  "peaks in summer), so these signals may be the season, not a change. Compare each month with the "
                  "same month a year earlier, or chart 12-month totals, before reading them as changes (.attrs['season'])")
    return pd.DataFrame(rec, columns=SEASON_COLUMNS)


def _rebase_words(rec: pd.DataFrame) -> str:
    return "; ".join(f"{p} ({c if isinstance(c, str) else 'no cause given'})"
                     for p, c in zip(rec["period"], rec["cause"]))


@translates_core_errors("values", "periods", "by", "denominators")
def spc(
    values: Any,
    *,
    periods: Any = None,
    by: Any = None,
    improvement: Literal["increase", "decrease", "neutral"] = "neutral",
    target: float | Mapping[Any, float] | None = None,
    rebase: Any = None,
    fix_after: int | None = None,
    screen_outliers: bool = True,
    trend_points: int = 7,
    shift_points: int = 7,
    chart: Literal["xmr", "c", "u", "p"] = "xmr",
    denominators: Any = None,
    laney: bool = False,
    multiplier: float = 1.0,
) -> pd.DataFrame:
    """Statistical process control chart values with the NHS *Making Data Count* rules.

    Method (``docs/methods/monitoring.md``; NHSRplotthedots ``ptd_spc``): for an XmR chart the
    centre line ``mean`` is the mean of the values, the process limits ``lpl``/``upl`` are
    ``mean ± 2.66 × AMR`` (average moving range, moving ranges ≥ 3.267 × AMR screened out when
    ``screen_outliers``), with 2σ lines at two thirds of that distance. ``chart="c"`` (counts,
    ``c̄ ± 3√c̄``), ``"u"`` (rates ``values / denominators``) and ``"p"`` (proportions) use Poisson /
    binomial limits, Laney's p′/u′ with ``laney=True``. Special causes, in order: a point outside
    the limits; a trend of ``trend_points`` rising or falling points; two of three points beyond
    the same 2σ line; a shift of ``shift_points`` points on one side of the mean (six-point rules:
    ``trend_points=6, shift_points=6``).

    ``values`` are in period order within each series (or give ``periods`` and they are put in
    order; a Series indexed by period — dates, pandas Periods or labels such as ``"2021-06"``, as
    from ``groupby("month").size()`` — gives its index as ``periods``, so a missing month is
    found; dates written as text, ``"2023-01-09"``, are dates); ``by`` labels the series (many
    series in one call). ``rebase`` lists the periods (or, without ``periods``, positions) where
    limits are recalculated — a list for every series or a dict ``{series: [periods]}``; give the cause
    with the period, ``{"2021-04": "end of lockdown"}`` (``{series: {period: cause}}`` with
    ``by``): the periods and causes are kept in ``.attrs["rebase"]`` (``series, period, segment,
    cause``) and the summary's ``rebase`` column, and ``plot_spc`` marks them; a rebase without a
    cause warns (Making Data Count: rebase only for a sustained shift with a known cause). Dates
    are taken as their month when the periods are months; ``fix_after`` computes each segment's
    limits from its first points only. ``target`` (a number or ``{series: number}``) gives the assurance; it is on the
    scale of the values returned — per ``multiplier`` on a u or p chart (a p-chart target above
    the multiplier, a proportion over 1, is an error; one about ``multiplier`` times too small
    or large warns).

    ``improvement`` is the direction that is better: ``"neutral"`` by default, so that a special
    cause is "high" or "low", never an "improvement" nobody chose (more recorded burglary is not
    one; more recorded hate crime may be better reporting); ``"decrease"`` or ``"increase"`` to
    classify special causes as improvement or concern, and to give the ``assurance`` of a target.
    (NHSRplotthedots defaults to ``"increase"``; pass it to reproduce that.)

    Returns one row per input row, with the caller's index: in input order when ``periods`` (or
    ``by``) is given, or the values carry no time (a list, a position or number index); a Series
    indexed by period that is not in time order (newest first) is returned **in time order**, with
    a :class:`SaferstatsWarning` naming the first label out of order. Columns: ``series`` (with
    ``by``), ``period`` (with ``periods`` or a period index), ``value, mean, lpl, upl, lower_2sigma, upper_2sigma, segment, trial_limits,
    outside_limits, trend, two_in_three, shift, special_cause, point_type, variation,
    assurance``. ``variation`` and ``assurance`` (``consistent_pass``, ``consistent_fail``,
    ``inconsistent``) are per series; ``.attrs["summary"]`` holds them one row per series (with
    ``n, segments, trial_limits, target, improvement, chart, multiplier, trend_points,
    shift_points, rebase``); ``.attrs["what"]`` the name of a Series given as ``values``
    (``"detentions"`` from :func:`saferstats.monthly_counts`), which :func:`plot_spc` puts on its y axis.

    **``variation`` is of the last point only.** It is the ``point_type`` of the series' last
    point, the *Making Data Count* variation icon as NHSRplotthedots draws it (``geom_ptd_icon``
    takes the point type of the point at the latest period): it says whether the latest period is
    a special cause, not whether the series ever had one. An earlier point outside the limits, a
    trend or a shift that ended before the last point leaves it ``common_cause``: Dacorum's
    fly-tipping (Defra, 2012/13 to 2021/22, XmR, ``improvement="decrease"``) has 2012/13's 832
    below the lower limit, ``special_cause_improvement`` in ``point_type``, while ``variation`` is
    ``common_cause`` (2021/22's 1,587 is inside the limits). Read ``point_type`` or
    ``special_cause`` for the periods that signal.

    Warnings and errors: fewer than 12 points behind a segment's limits gives trial limits (a
    :class:`SaferstatsWarning`, ``trial_limits`` True), and a segment with fewer points than a
    trend or shift needs is named (there "common cause" does not show that nothing changed); a
    target 8 or more times the series' mean (or under 1/8 of it) and beyond the limits, as an
    annual target on monthly counts, warns; a gap in the periods, or (with ``by``) a
    series that starts later or ends earlier than the others, a warning; so is a sudden step in
    counts (XmR or c chart): the mean of two periods 4 or more times that of the next two, the
    higher 10 or more, more often a change in recording than in what happened; so is a c, u or p chart
    (without ``laney``) of a series that varies 2 or more times as much as Poisson / binomial counts
    (Laney's σ_z), whose limits are too narrow for it; so is a monthly series with special causes
    that the seasons can make — under 24 months (a season cannot be told from a change), or a
    pattern that repeats from year to year (the mean correlation of its 12-month blocks' month
    profiles 0.5 or more; a series with a gap is checked on its longest run of months without one,
    and with no such run of 24 months the warning says the season could not be checked), listed
    in ``.attrs["season"]`` (``series, months, profile_correlation, highest, lowest, checked``:
    ``checked`` the months compared, ``"2016-04 to 2019-03"``, and ``months`` their number — where
    the season could not be checked, the series' span; empty when none) — ASB and much of
    crime peak in summer; missing or
    non-numeric values, a segment of one point, duplicate periods, a target that is not a number
    and rebase periods not in the data raise :class:`InvalidInputError` naming the argument; so do
    ``denominators`` or a ``multiplier`` given to an XmR or c chart (which would not use them) and
    values that are not whole numbers on a c, u or p chart (its limits are for counts of events).

    Defra's fly-tipping counts taken from :func:`saferstats.read_flytipping`'s table (``ft["incidents"]``,
    filtered or sorted, or ``.set_index("period")["incidents"]`` of one council) carry its flags of
    years not like for like (``not_all_incidents``: not counted on Defra's "All incidents" basis;
    ``recording_step``): a point so flagged is named in a :class:`~saferstats.SaferstatsWarning`
    with the special causes at it or next to it, which may be the change in recording rather than
    in fly-tipping, and listed in ``.attrs["not_like_for_like"]`` (``row, name, column, note``;
    ``[]`` when none). Welwyn Hatfield counted only the public's reports in 2019/20 (1,700) and all
    incidents in 2020/21 (4,836, a special cause "high"). FixMyStreet's ``reports``
    (:func:`saferstats.read_fixmystreet`, a column of its table) are reports by users, not incidents
    (nor Defra's): one user can make many, and a special cause; a :class:`~saferstats.SaferstatsWarning`
    says so and suggests its ``unique_users``.

    >>> import saferstats
    >>> y = [0.56, -0.23, 1.56, 0.07, 0.13, 1.72, 0.46, -1.27, -0.69, -0.45, 1.22, 0.36, 6.0]
    >>> out = saferstats.spc(y, improvement="increase")
    >>> out[["value", "mean", "lpl", "upl", "special_cause"]].round(3).tail(2)
        value   mean   lpl    upl      special_cause
    11   0.36  0.726 -2.19  3.642       common cause
    12   6.00  0.726 -2.19  3.642  above upper limit
    >>> out["variation"].iloc[-1]
    'special_cause_improvement'

    ``variation`` is the last point's type: the same low point first is a special cause in
    ``point_type`` but not in ``variation``.

    >>> first = saferstats.spc([-6.0] + y[:-1], improvement="increase")
    >>> first["point_type"].iloc[0], first["variation"].iloc[0]
    ('special_cause_concern', 'common_cause')
    """
    improvement = choice_option("improvement", improvement, ("increase", "decrease", "neutral"))
    chart = choice_option("chart", chart, _CHARTS)
    trend_points = int_option("trend_points", trend_points, minimum=2, maximum=100)
    shift_points = int_option("shift_points", shift_points, minimum=2, maximum=100)
    if fix_after is not None:
        fix_after = int_option("fix_after", fix_after, minimum=2)
    for name, flag in (("screen_outliers", screen_outliers), ("laney", laney)):
        if not isinstance(flag, (bool, np.bool_)):
            raise InvalidInputError(f"`{name}` must be True or False, got {flag!r}", name)
    mult = real_option("multiplier", multiplier)
    if not (np.isfinite(mult) and mult > 0):
        raise InvalidInputError(f"`multiplier` must be positive, got {multiplier!r}", "multiplier")
    check_same_order(values=values, periods=periods, by=by, denominators=denominators)
    if periods is None and by is None:
        same_periods("spc", "values", values, "denominators", denominators)
    # a Series indexed by period, newest first: the chart runs in time order (the index gives the
    # periods below) and its rows come back in time order
    order0 = time_order(values.index, "spc", "values") if (
        periods is None and by is None and isinstance(values, pd.Series)) else None
    v = as_float_array("values", values)
    n = len(v)
    if n == 0:
        raise InvalidInputError("`values` is empty: an SPC chart needs at least 2 values per series", "values")
    index = values.index if isinstance(values, pd.Series) and len(values.index) == n else pd.RangeIndex(n)
    if periods is None and by is None and isinstance(values, pd.Series):
        periods = period_index(values.index)
    miss = np.isnan(v)
    if miss.any():
        i = int(np.flatnonzero(miss)[0])
        raise MissingValueError(f"`values` row {i}: missing value; SPC needs a value for every period", "values", i)
    if chart in ("xmr", "c"):
        # a chart of counts (or values): a denominator or multiplier would be silently unused, and an
        # analyst who passed populations would read a chart of counts as one of rates
        if denominators is not None:
            raise InvalidInputError(
                f"`denominators` are used only by u and p charts, not by chart={chart!r}: for rates use chart='u' "
                "(or 'p' for proportions), or chart an XmR of the rates themselves (values / denominators × "
                "multiplier)", "denominators")
        if mult != 1.0:
            raise InvalidInputError(
                f"`multiplier` scales the rates of u and p charts only, not chart={chart!r} (got {multiplier!r})",
                "multiplier")
    if chart != "xmr":
        # c, u and p limits are Poisson / binomial: the values are counts of events
        frac = np.flatnonzero(np.isfinite(v) & (v != np.round(v)))
        if frac.size:
            i = int(frac[0])
            raise InvalidInputError(
                f"`values` row {i}: {plain(v[i])} is not a whole number; a {chart} chart needs counts of events "
                "(for rates, averages or other measures use chart='xmr'" + ("" if chart != "c" else
                                                                           ", or chart='u' with denominators")
                + ")", "values", i)
    den = None
    if chart in ("u", "p"):
        if denominators is None:
            raise InvalidInputError(f"`denominators` are needed for a {chart} chart", "denominators")
        den = as_float_array("denominators", denominators)
        if len(den) != n:
            raise LengthMismatchError(
                f"length mismatch: `values` has {n} elements but `denominators` has {len(den)}", "denominators")
    codes, labels, period_labels, order, cs, ts, starts = _in_series_order(
        "spc", by, periods, n, "moving ranges span the gap and runs count the points either side as neighbours",
        "their limits leave out those periods and the last point (variation) of a series that ends early is of an "
        "earlier period than the others'")
    flags, causes = _rebase_flags(rebase, cs, ts, labels, period_labels) if n else (np.zeros(0, dtype=bool), [])
    targets = _target(target, labels)
    if chart in ("u", "p"):
        _check_rate_targets(chart, targets, v[order], den[order] if den is not None else None, cs, labels, mult)
    try:
        out = _ext.spc_many(
            np.ascontiguousarray(v[order]), None if den is None else np.ascontiguousarray(den[order]),
            # the core's u and p limits are per unit (x / n); the target is per `multiplier`, as the
            # values and limits returned (a target of 0.3 per 1,000 was compared with limits of
            # 0.00008-0.00038 per person: "consistent pass" for a target inside the limits)
            starts, flags, targets / mult if chart in ("u", "p") else targets, chart=chart, improvement=improvement,
            fix_after=fix_after,
            screen_outliers=bool(screen_outliers), trend_points=trend_points, shift_points=shift_points,
            laney=bool(laney))
        rows, series = out["rows"], out["series"]
    except SaferstatsError as e:
        if e.index is not None and e.argument in ("values", "denominators") and e.index < n:
            import re

            i = int(order[e.index])
            msg = str(e).replace(f"position {e.index}", f"row {i}")
            # the core numbers the series 0, 1, ...: name it by its label (or not at all without `by`)
            msg = re.sub(r" \(series (\d+)\)", lambda m: "" if by is None or int(m.group(1)) >= len(labels)
                         else f" (series {labels[int(m.group(1))]!r})", msg)
            raise type(e)(msg, e.argument, i) from None
        raise
    if np.array_equal(order, np.arange(n)):
        def take(a: np.ndarray) -> np.ndarray:
            return a
    else:
        inv = np.empty(n, dtype=np.int64)
        inv[order] = np.arange(n)

        def take(a: np.ndarray) -> np.ndarray:
            return a[inv]
    cols: dict[str, Any] = {}
    if by is not None:
        cols["series"] = pd.Categorical.from_codes(codes, categories=pd.Index(labels))
    shown_periods = _period_display(values, period_labels)
    if shown_periods is not None:
        cols["period"] = shown_periods
    for k in ("value", "mean", "lpl", "upl", "lower_2sigma", "upper_2sigma"):
        col = take(rows[k])
        cols[k] = col * mult if chart in ("u", "p") else col
    for k in ("segment", "trial_limits", "outside_limits", "trend", "two_in_three", "shift"):
        cols[k] = take(rows[k])
    # text columns as categoricals: built from the codes without a Python loop over rows
    cols["special_cause"] = pd.Categorical.from_codes(take(rows["special_cause"]).astype(np.int64), categories=_SPECIAL)
    cols["point_type"] = pd.Categorical.from_codes(take(rows["point_type"]).astype(np.int64), categories=_POINT)
    vcodes = series["variation"].astype(np.int64)
    acodes = series["assurance"].astype(np.int64) - 1  # code 0 ("" = no target) -> missing
    cols["variation"] = pd.Categorical.from_codes(vcodes[codes], categories=_POINT)
    cols["assurance"] = pd.Categorical.from_codes(acodes[codes], categories=_ASSURANCE[1:])
    # copy=False: the arrays are ours (fresh from the core); no stacking into 2-D blocks
    out = pd.DataFrame(cols, index=index, copy=False)
    variation = [_POINT[c] for c in vcodes]
    assurance = [_ASSURANCE[c] or None for c in series["assurance"]]
    summary = pd.DataFrame({
        "series": labels,
        "n": series["n"],
        "segments": series["segments"],
        "trial_limits": series["trial_limits"],
        "variation": variation,
        "assurance": assurance,
        "target": targets,
        "improvement": improvement,
        "chart": chart + ("_laney" if laney else ""),
        "multiplier": mult,
        "trend_points": trend_points,
        "shift_points": shift_points,
    })
    rec = _rebase_record(flags, causes, cs, labels, rows["segment"],
                         None if shown_periods is None else np.asarray(shown_periods)[order])
    summary["rebase"] = [_rebase_words(rec[rec["series"] == lab] if lab is not None else rec) for lab in labels]
    if by is None:
        summary = summary.drop(columns="series")
        rec = rec.drop(columns="series")
    out.attrs["summary"] = summary
    out.attrs["rebase"] = rec
    # Defra's counts of a year not like for like with the rest of the council's series (read_flytipping)
    kinds = np.asarray(cols["point_type"], dtype=object)
    out.attrs["not_like_for_like"] = _warn_unlike_points(
        "spc", values, v, shown_periods, codes, labels, order,
        np.where(kinds == "common_cause", "", np.char.replace(kinds.astype(str), "_", " ")))
    if isinstance(values, pd.Series):  # FixMyStreet's reports (read_fixmystreet) are no count of incidents
        from .trend import warn_reports_by_users

        warn_reports_by_users("spc", values, None, makes="a special cause")
    # what the values are, the name of the Series given ("detentions" from monthly_counts): plot_spc's y axis
    if isinstance(values, pd.Series) and isinstance(values.name, str) and values.name.strip():
        out.attrs["what"] = values.name.strip()
    if chart in ("xmr", "c"):
        _warn_recording_step(v[order], cs, labels, None if shown_periods is None else np.asarray(shown_periods)[order],
                             flags)
    sorted_periods = None if shown_periods is None else np.asarray(shown_periods)[order]
    season = _warn_season(v[order], None if sorted_periods is None else
                          _periods.month_numbers(pd.Series(list(sorted_periods))), cs, rows["special_cause"], labels,
                          sorted_periods, flags)
    out.attrs["season"] = season if by is not None else season.drop(columns="series")
    if chart in ("xmr", "c") and not np.isnan(targets).all():
        _warn_far_target(targets, rows["mean"], rows["lpl"], rows["upl"], starts, n, labels, improvement)
    if chart != "xmr" and not laney:
        _warn_attribute_dispersion(chart, v[order], None if den is None else den[order], rows["mean"],
                                   rows["segment"], rows["outside_limits"], starts, labels, cs)
    trial = [lab for lab, tr in zip(labels, series["trial_limits"]) if tr]
    few = _few_points_note(cs, rows["segment"], labels, trend_points, shift_points,
                           None if shown_periods is None else shown_periods[order])
    short = _short_rebase_note(flags, causes, cs, rows["segment"], rows["point_type"], labels,
                               None if shown_periods is None else shown_periods[order])
    few = ". ".join(w for w in (few, short) if w)
    if trial:
        where = "" if trial == [None] else f" (series {trial[:5]}{' ...' if len(trial) > 5 else ''})"
        revise = ("to be revised as more points arrive" if fix_after is None or fix_after >= TRIAL_BELOW else
                  f"fixed on the first {fix_after} points of a segment (fix_after={fix_after}): recalculate them "
                  f"when {TRIAL_BELOW} are available")
        warn_user(f"spc: limits rest on fewer than {TRIAL_BELOW} points{where}: these are trial limits, {revise} "
                  "(column trial_limits)" + (f". {few}" if few else ""))
    elif few:
        warn_user(f"spc: {few}")
    return out if order0 is None else out.iloc[order0]


def _short_rebase_note(flags: np.ndarray, causes: list[Any], cs: np.ndarray, segment: np.ndarray,
                       point_type: np.ndarray, labels: list[Any], periods_sorted: Any) -> str:
    """Limits recalculated at a rebase rest on the points after it only: with fewer than
    :data:`TRIAL_BELOW` there are too few moving ranges for reliable limits, and screening out the
    large ones (as NHSRplotthedots) can leave limits so narrow that every point is a special cause.
    Names each such rebase (arrays in sorted order) with its period, cause and number of points;
    an empty string when there are none."""
    n = len(cs)
    if n == 0 or not flags.any():
        return ""
    start = np.flatnonzero(np.r_[True, (cs[1:] != cs[:-1]) | (segment[1:] != segment[:-1])])
    length = dict(zip(start.tolist(), np.diff(np.r_[start, n]).tolist()))
    shown_periods = None if periods_sorted is None else _period_ticks(pd.Series(np.asarray(periods_sorted)))
    series_start = np.flatnonzero(np.r_[True, cs[1:] != cs[:-1]])
    said = []
    for i in np.flatnonzero(flags):
        k = length.get(int(i), 0)
        if not 0 < k < TRIAL_BELOW:
            continue
        at = (f"position {int(i - series_start[np.searchsorted(series_start, i, side='right') - 1])}"
              if shown_periods is None else shown_periods[i])
        who = "" if labels == [None] else f" in series {plain(labels[int(cs[i])])!r}"
        why = f" ({causes[i]})" if isinstance(causes[i], str) else ""
        special = all(_POINT[int(c)].startswith("special_cause") for c in point_type[i:i + k])
        said.append(f"the limits after the rebase at {at}{who}{why} rest on {k} point{'s' if k != 1 else ''}"
                    + (f", and all {k} are special causes" if special and k > 1 else ""))
    if not said:
        return ""
    text = "; ".join(said[:5]) + (" ..." if len(said) > 5 else "")
    return (text[0].upper() + text[1:]
            + f": too few for reliable limits (NHSRplotthedots recommends at least {TRIAL_BELOW} points to set "
            "limits). From so few moving ranges, with the large ones screened out, the limits can be far too "
            "narrow and flag every point: take the special causes there as unconfirmed until about "
            f"{TRIAL_BELOW} points are in")


def _few_points_note(cs: np.ndarray, segment: np.ndarray, labels: list[Any], trend_points: int, shift_points: int,
                     periods_sorted: Any) -> str:
    """The rules run within a segment: one of fewer points than a trend or a shift needs can only
    show points outside the limits and two of three near a limit, so "common cause" all along it
    says little (6 months, or a rebase 6 months ago). Names those segments (arrays in sorted
    order); an empty string when there are none."""
    need = min(trend_points, shift_points)
    n = len(cs)
    if n == 0:
        return ""
    start = np.flatnonzero(np.r_[True, (cs[1:] != cs[:-1]) | (segment[1:] != segment[:-1])])
    length = np.diff(np.r_[start, n])
    short = [(a, int(k)) for a, k in zip(start, length) if k < need]
    if not short:
        return ""
    # months given as dates are named as months (2021-01 to 2021-03), weeks and days as days
    shown_periods = None if periods_sorted is None else _period_ticks(pd.Series(np.asarray(periods_sorted)))
    shown = []
    for a, k in short[:5]:
        who = [] if labels == [None] else [repr(plain(labels[int(cs[a])]))]
        if shown_periods is not None:
            first, last = shown_periods[a], shown_periods[a + k - 1]
            who.append(f"{first} to {last}" if k > 1 else f"{first}")
        shown.append(f"{k} points" + (f" ({', '.join(who)})" if who else ""))
    rules = (f"a trend or a shift ({need})" if trend_points == shift_points
             else f"a {'trend' if trend_points < shift_points else 'shift'} ({need})")
    return (f"{number_of(len(short), 'segment')} {'has' if len(short) == 1 else 'have'} fewer points than {rules} "
            f"needs: {'; '.join(shown)}"
            f"{' ...' if len(short) > 5 else ''}. There only a point outside the limits or two of three near a "
            "limit can be flagged, so 'common cause' there does not show that nothing changed")


def _check_rate_targets(chart: str, targets: np.ndarray, vs: np.ndarray, den: np.ndarray | None, cs: np.ndarray,
                        labels: list[Any], mult: float) -> None:
    """A u or p chart's target is per ``multiplier``, like its values and limits. A p chart's target
    above the multiplier (a proportion over 1: 20 for 20% with the default multiplier 1) is an
    error; a target about ``multiplier`` times too small or large (0.2 for 20% with
    ``multiplier=100``) warns, as in the funnels (:func:`saferstats.trend.warn_target_scale`)."""
    from .trend import warn_target_scale

    for g, tv in enumerate(targets):
        if np.isnan(tv):
            continue
        name = "target" if len(labels) <= 1 else f"target[{plain(labels[g])!r}]"
        if tv < 0 or (chart == "p" and tv > mult):
            unit = "a proportion (0 to 1)" if mult == 1 else ("a percentage (0 to 100)" if mult == 100
                                                              else f"per {_fmt_mult(mult)} (0 to {_fmt_mult(mult)})")
            raise InvalidInputError(
                f"`{name}` {plain(tv)} is not possible on this {chart} chart, whose values are "
                + (unit if chart == "p" else f"rates per {_fmt_mult(mult)}, never negative")
                + ("" if chart != "p" or mult != 1 or tv < 0 or tv > 100
                   else f"; for a target of {tv:g}% give {tv / 100:g}, or multiplier=100 and {tv:g}"),
                "target")
        if den is not None:
            k = cs == g
            warn_target_scale(f"spc ({name})" if len(labels) > 1 else "spc", float(tv), vs[k], den[k],
                               "proportion" if chart == "p" else "rate", mult)


#: A target this many times the series' mean (or under 1/this of it), beyond the limits, is warned
#: about in spc(): an annual target on monthly counts, or a rate per another number of residents.
FAR_TARGET = 8.0


def _warn_far_target(targets: np.ndarray, mean: np.ndarray, lpl: np.ndarray, upl: np.ndarray, starts: list[int],
                     n: int, labels: list[Any], improvement: str) -> None:
    """The assurance compares the target with the last point's limits: a target on another scale
    than the values (240 a year against monthly counts near 20) is always "consistent" pass or fail.
    Warn when the target is :data:`FAR_TARGET` or more times the last segment's mean (or under
    1/FAR_TARGET of it) and outside the limits; arrays in sorted order."""
    notes = []
    for g, (a, b) in enumerate(zip(starts, starts[1:] + [n])):
        tv, m = float(targets[g]), float(mean[b - 1])
        if not (np.isfinite(tv) and tv > 0 and m > 0) or lpl[b - 1] <= tv <= upl[b - 1]:
            continue
        r = tv / m
        if r >= FAR_TARGET or r <= 1 / FAR_TARGET:
            name = "" if len(labels) <= 1 else f"{plain(labels[g])!r}: "
            how = f"{r:.3g} times" if r >= 1 else f"1/{1 / r:.3g} of"
            notes.append(f"{name}target {tv:,.4g} is {how} the mean {m:,.4g} (limits {lpl[b - 1]:,.4g} to "
                         f"{upl[b - 1]:,.4g})")
    if notes:
        shown = "; ".join(notes[:5]) + (f" (and {len(notes) - 5} more series)" if len(notes) > 5 else "")
        what = ("a consistent pass or fail whatever the next points do" if improvement != "neutral"
                else "far outside what the series does")
        warn_user(f"spc: {shown}: the assurance is {what}. Is the target on the values' scale (a monthly target "
                  "for monthly counts, not an annual one; a rate per the same number of residents)?")


def _fmt_mult(m: float) -> str:
    return f"{m:,.0f}" if float(m).is_integer() else f"{m:g}"


#: Laney's σ_z (spread of the points' z-scores, from their moving ranges) from which spc() says a
#: c, u or p chart's limits are too narrow for the series.
ATTRIBUTE_DISPERSION_LIMIT = 2.0
_MIN_POINTS_DISPERSION = 8


def _warn_attribute_dispersion(chart: str, vs: np.ndarray, den: np.ndarray | None, centre: np.ndarray,
                               segment: np.ndarray, outside: np.ndarray, starts: list[int], labels: list[Any],
                               cs: np.ndarray) -> None:
    """c, u and p limits are Poisson / binomial: right when the counts vary by chance around a
    steady rate. Monthly recorded crime varies far more (seasons, operations, recording), and then
    the limits are too narrow and most points fall outside them. Name the series whose Laney σ_z —
    the mean moving range of the z-scores ``(y − centre)/σ_i`` over 1.128, about 1 for Poisson or
    binomial counts (Laney 2002) — is :data:`ATTRIBUTE_DISPERSION_LIMIT` or more (the limits less
    than half as wide as the series' own variation gives), over at least 8 points. All arrays are in
    sorted order (series, then period)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if chart == "c":
            y, sd = vs, np.sqrt(centre)
        elif chart == "u":
            y, sd = vs / den, np.sqrt(centre / den)
        else:
            y, sd = vs / den, np.sqrt(centre * (1 - centre) / den)
        z = (y - centre) / sd
    n = len(vs)
    notes = []
    for a, b in zip(starts, starts[1:] + [n]):
        if b - a < _MIN_POINTS_DISPERSION:
            continue
        mr = np.abs(np.diff(z[a:b]))[segment[a + 1:b] == segment[a:b - 1]]
        mr = mr[np.isfinite(mr)]
        if mr.size < _MIN_POINTS_DISPERSION - 1:
            continue
        sz = float(np.mean(mr) / 1.128)
        if sz >= ATTRIBUTE_DISPERSION_LIMIT:
            name = "" if len(labels) <= 1 else f"{plain(labels[int(cs[a])])!r}: "
            notes.append((sz, f"{name}σ_z {sz:.1f}, {int(outside[a:b].sum())} of {b - a} points outside the limits"))
    if notes:
        notes.sort(key=lambda t: -t[0])
        shown = "; ".join(t for _, t in notes[:5]) + (f" (and {len(notes) - 5} more series)" if len(notes) > 5 else "")
        cure = ("use chart='xmr', whose limits come from the series' own moving ranges" if chart == "c" else
                "use laney=True (Laney's p′/u′ chart) or chart='xmr' on the rates")
        warn_user(f"spc: the {chart} chart's {'Poisson' if chart != 'p' else 'binomial'} limits are too narrow for "
                  f"these series, which vary {ATTRIBUTE_DISPERSION_LIMIT:g} or more times as much as chance allows "
                  f"({shown}; about 1 for {'Poisson' if chart != 'p' else 'binomial'} counts), so a point outside them "
                  f"need not be a special cause: {cure}")


@translates_core_errors("k1", "k2", "n1", "n2")
def e_test(k1: Any, k2: Any, *, n1: Any = 1, n2: Any = 1) -> Any:
    """E-test p-value for the ratio of two Poisson rates (Krishnamoorthy & Thomson 2004).

    Method (``docs/methods/monitoring.md``; ptools ``e_test``): counts ``k1``, ``k2`` over
    exposures ``n1``, ``n2`` (time, population); the p-value sums the probability of every pair
    of counts at least as far apart as the observed pair under the pooled rate — more powerful
    than the conditional (binomial) test for small counts. Returns a float for scalar input
    (NaN when both counts are 0: the test is not defined), else a Series ``p_value``.

    Raises :class:`InvalidInputError` for negative or fractional counts and exposures ≤ 0.

    The test takes both counts as Poisson, with nothing to vary but chance. A council's yearly
    count of recorded incidents varies far more from year to year, so with counts in the hundreds
    or thousands a small p-value says "more than chance", not "a special cause": Dacorum's Defra
    fly-tipping, 1,587 in 2021/22 against 1,470 in 2020/21, has p = 0.034, while its ten years vary
    about 7 times as much as Poisson counts (:func:`saferstats.poisson_trend`'s quasi-Poisson
    dispersion 7.3) and its XmR chart (:func:`spc`) has 1,587 inside the limits (875 to 1,597),
    common cause. For "is this year's figure a special cause?" use :func:`spc`.

    >>> import saferstats
    >>> round(saferstats.e_test(0, 3), 4), round(saferstats.e_test(6, 2), 4)
    (0.0884, 0.1749)
    >>> saferstats.e_test([6, 12], [2, 30], n2=[1, 3]).round(4).tolist()
    [0.1749, 0.6039]
    """
    scalar = all(np.isscalar(x) for x in (k1, k2, n1, n2))
    check_same_order(k1=k1, k2=k2, n1=n1, n2=n2)
    arrays, index = aligned(k1=k1, k2=k2, n1=n1, n2=n2)
    for name in ("k1", "k2", "n1", "n2"):
        _no_missing("e_test", name, arrays[name], "leave the pair out or give its count and exposure")
    try:
        p = _ext.e_test_many(arrays["k1"], arrays["k2"], arrays["n1"], arrays["n2"])
    except SaferstatsError as e:
        if scalar and e.index is not None:
            raise type(e)(str(e).replace(" at position 0", ""), e.argument, None) from None
        raise
    if scalar:
        return float(p[0])
    return pd.Series(p, index=index, name="p_value")


def _pair(name: str, x: Any, length: int = 2) -> list[float] | None:
    if x is None:
        return None
    a = as_float_array(name, x)
    if len(a) != length:
        what = "[pre, post]" if length == 2 else "[control, treated, displacement control, displacement]"
        raise InvalidInputError(f"`{name}` must hold {length} numbers {what}, got {len(a)}", name)
    miss = np.flatnonzero(np.isnan(a))
    if miss.size:
        i = int(miss[0])
        what = (["pre-period", "post-period"][i] + (" weight" if "weights" in name else " count") if length == 2
                else ["control", "treated", "displacement control", "displacement"][i] + " area weight")
        raise MissingValueError(f"wdd: `{name}` has no {what} (NaN at position {i})", name, i)
    return [float(u) for u in a]


def _no_missing(fn: str, name: str, a: np.ndarray, need: str) -> None:
    """A missing value (NaN) in a monitoring input, named with its row, before the core sees it:
    the core's message suggests ``missing="propagate"``, which these functions do not have."""
    miss = np.flatnonzero(np.isnan(a))
    if miss.size:
        i = int(miss[0])
        where = "" if a.size == 1 else f" row {i}"
        raise MissingValueError(f"{fn}: `{name}`{where} is missing (NaN); {need}", name, None if a.size == 1 else i)


def _wdd_frame(cols: dict[str, np.ndarray], index: list[str], confidence: float, method: str) -> pd.DataFrame:
    out = pd.DataFrame(cols, index=index)[["estimate", "se", "z", "lower", "upper", "p_value"]]
    out["confidence"] = confidence
    out["method"] = method
    return out


#: The ``method`` of wdd()'s displacement row when no displacement area was given (its 0 is not a measurement).
WDD_NO_DISPLACEMENT = "no displacement area given"

#: Pre-period counts of an area and its control further apart than this factor get a warning in wdd().
WDD_SIZE_RATIO = 2.0


def _warn_unequal_areas(c: list[float], t: list[float], dc: list[float] | None, dt: list[float] | None) -> None:
    """WDD subtracts changes in *counts*: a control with many more (or fewer) events than its
    treated area weighs its change by that factor. Warn, with the two % changes, when no
    ``area_weights`` put them on one footing."""
    pairs = [("control", "treated area", c, t)]
    if dc is not None and dt is not None:
        pairs.append(("displacement control", "displacement area", dc, dt))
    notes = []
    for cname, tname, cc, tt in pairs:
        if cc[0] <= 0 or tt[0] <= 0:
            continue
        r = cc[0] / tt[0]
        if 1 / WDD_SIZE_RATIO <= r <= WDD_SIZE_RATIO:
            continue
        notes.append(f"the {cname}'s pre-period count ({cc[0]:,.0f}) is {r:.3g} times the {tname}'s ({tt[0]:,.0f}); "
                     f"their changes are {100 * (cc[1] / cc[0] - 1):+.1f}% and {100 * (tt[1] / tt[0] - 1):+.1f}%")
    if notes:
        warn_user("wdd: " + "; ".join(notes) + ". WDD subtracts changes in counts, so the bigger area's change "
                  "dominates (an area can rise by a larger share than its control and still get a negative "
                  "estimate). Give area_weights (the areas' sizes, or pre-period counts relative to the treated "
                  "area to compare proportional changes) or choose controls of similar size")


@translates_core_errors("control", "treated", "disp_control", "disp_treated")
def wdd(
    control: Any,
    treated: Any,
    disp_control: Any = None,
    disp_treated: Any = None,
    *,
    time_weights: Any = None,
    area_weights: Any = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Weighted displacement difference test (Wheeler & Ratcliffe 2018; ptools ``wdd``).

    Each area is ``[pre, post]`` counts: the treated area, its control, and optionally a
    displacement (buffer) area with its own control. ``time_weights = [pre, post]`` (e.g. months
    in each period) and ``area_weights = [control, treated, displacement control, displacement]``
    put counts on a common footing. The local estimate is the treated change minus the control
    change, the displacement estimate the same for the buffer; their variances add (Poisson).
    Method and reference: ``docs/methods/monitoring.md``.

    Returns a DataFrame indexed ``local, displacement, total`` with ``estimate, se, z, lower,
    upper, p_value, confidence, method`` (negative estimates = fewer crimes).

    **No displacement area given** (``disp_control``, ``disp_treated`` omitted): displacement was
    not measured. As ptools does, that row holds 0 (``se`` and limits 0, ``z`` and ``p_value``
    NaN) so that ``total`` equals ``local``, and its ``method`` says ``"no displacement area given"``:
    read the 0 as "not measured", never as "no displacement found".

    The estimate compares changes in *counts*: without ``area_weights``, a control whose
    pre-period count is more than twice (or under half) its treated area's gives a
    :class:`SaferstatsWarning` with both percentage changes (the bigger area's change dominates).

    >>> import saferstats
    >>> saferstats.wdd([308, 318], [207, 110], [150, 140], [178, 157]).round(2).iloc[:, :5]
                  estimate     se     z   lower   upper
    local           -107.0  30.71 -3.48 -167.19  -46.81
    displacement     -11.0  25.00 -0.44  -60.00   38.00
    total           -118.0  39.60 -2.98 -195.61  -40.39

    Without a displacement area the row says so:

    >>> saferstats.wdd([308, 318], [207, 110])[["estimate", "z", "method"]]
                  estimate         z                      method
    local           -107.0 -3.484399                         wdd
    displacement       0.0       NaN  no displacement area given
    total           -107.0 -3.484399                         wdd
    """
    conf = single_confidence(confidence)
    c, t = _pair("control", control), _pair("treated", treated)
    if c is None or t is None:
        raise InvalidInputError("give `control` and `treated`: [pre, post] counts of each area",
                                "control" if c is None else "treated")
    dc, dt = _pair("disp_control", disp_control), _pair("disp_treated", disp_treated)
    if (dc is None) != (dt is None):
        raise InvalidInputError(
            "give both `disp_control` and `disp_treated` (the displacement area and its control) or neither",
            "disp_control" if dc is None else "disp_treated")
    tw = _pair("time_weights", time_weights) or [1.0, 1.0]
    aw = _pair("area_weights", area_weights, 4) or [1.0, 1.0, 1.0, 1.0]
    if area_weights is None:
        _warn_unequal_areas(c, t, dc, dt)
    cols = _ext.wdd(c, t, dc, dt, time_weights=tw, area_weights=aw, confidence=conf)
    out = _wdd_frame(cols, ["local", "displacement", "total"], conf, "wdd")
    if dc is None:  # ptools' 0 kept as the value; the row says it was not measured
        out.loc["displacement", "method"] = WDD_NO_DISPLACEMENT
    return out


@translates_core_errors("estimates", "se", "weights")
def wdd_harm(estimates: Any, se: Any, weights: Any, *, confidence: float = 0.95) -> pd.DataFrame:
    """Harm-weighted combination of WDD estimates (Wheeler 2020; ptools ``wdd_harm``).

    ``estimates`` and ``se`` (e.g. the ``local`` rows of several :func:`wdd` results, one per
    crime type) are weighted by ``weights`` (a harm score per crime type): estimate ``Σ w·est``,
    se ``√Σ w²·se²``. Returns one row ``harm`` with ``estimate, se, z, lower, upper, p_value,
    confidence, method``.

    >>> import saferstats
    >>> r = [saferstats.wdd(c, t).loc["local"] for c, t in
    ...      [([133, 91], [130, 74]), ([388, 305], [327, 202]), ([148, 97], [398, 190]),
    ...       ([86, 64], [144, 92]), ([94, 67], [183, 96])]]
    >>> est = [x["estimate"] for x in r]; se = [x["se"] for x in r]
    >>> saferstats.wdd_harm(est, se, [3, 2, 5, 7, 10]).round(2).iloc[:, :5]
          estimate     se     z    lower    upper
    harm   -1721.0  304.1 -5.66 -2317.03 -1124.97
    """
    conf = single_confidence(confidence)
    arrays, _ = aligned(estimates=estimates, se=se, weights=weights)
    for name in ("estimates", "se", "weights"):
        _no_missing("wdd_harm", name, arrays[name], "every estimate needs its standard error and harm weight")
    cols = _ext.wdd_harm(arrays["estimates"].tolist(), arrays["se"].tolist(), arrays["weights"].tolist(),
                         confidence=conf)
    return _wdd_frame(cols, ["harm"], conf, "wdd_harm")


# --------------------------------------------------------------------------------------------
# Over-dispersed funnels (Spiegelhalter 2005; FunnelPlotR)

_FUNNEL_KINDS = ("proportion", "rate", "ratio")
_DEFAULT_MULT = {"proportion": 100.0, "rate": 100_000.0, "ratio": 1.0}


@translates_core_errors("numerators", "denominators", frame="data",
                       columns={"numerators": "numerators", "denominators": "denominators"})
def funnel_overdispersion(
    numerators: Any,
    denominators: Any,
    *,
    kind: Literal["proportion", "rate", "ratio"] | None = None,
    target: float | None = None,
    multiplier: float | None = None,
    trim: float = 0.1,
    model: Literal["additive", "multiplicative"] = "additive",
    data: Any = None,
) -> pd.Series:
    """How over-dispersed are funnel-plot points? The dispersion ratio φ and between-area
    variance τ² of Spiegelhalter (2005), as FunnelPlotR computes them — except with a count of 0
    on the log scale (rates, ratios), which is taken as 0.5 where FunnelPlotR takes −∞ and sorts
    it lowest: the winsorising quantile moves, and φ and τ² differ (a warning names such points;
    Defra fly-tipping 2021/22 per 1,000 residents, with the Isles of Scilly's 0: φ 2,182 here,
    2,217 in FunnelPlotR, and four councils labelled differently).

    Method (``docs/methods/monitoring.md``): z-scores on a variance-stabilising scale
    (arcsine-square-root for proportions, log for rates and ratios), winsorised at ``trim`` and
    ``1 − trim`` (10%), ``φ = mean(z²)``; ``τ²`` by DerSimonian–Laird. Points with a missing
    numerator or denominator are left out (``n`` counts the points used) and named in a
    :class:`~saferstats.SaferstatsWarning`. φ > 1 means more spread
    than chance allows: pass the result as ``overdispersion=`` to :func:`saferstats.funnel_limits`
    or use ``overdispersion=True`` in :func:`saferstats.funnel_significance`.

    ``data=`` (a DataFrame, with ``numerators`` and ``denominators`` its column names) warns of
    points that are not like for like with the others, as :func:`saferstats.funnel_significance`
    does (:func:`saferstats.read_flytipping`'s ``not_all_incidents`` / ``recording_step``
    rows, several periods, aggregate rows): φ and τ² of a mix of reporting bases measure the mix.

    ``kind``: ``"proportion"`` (a part of a whole: arrests of those stopped), ``"rate"`` (counts
    per population: hate crimes per 100,000) or ``"ratio"`` (observed over expected counts). Not
    given, the points are taken as proportions with a :class:`~saferstats.SaferstatsWarning` that
    says so and how to choose — hate crimes and populations read as proportions give another φ
    and τ² (on the arcsine scale), silently wrong for a rate funnel — and a numerator above its
    denominator, which no proportion has, is an :class:`~saferstats.InvalidInputError` naming
    ``kind`` and the point; :func:`saferstats.funnel_limits` chooses by the same rule (and takes the
    kind of the result it is given).

    Returns a Series ``phi, tau2, n, overdispersed, kind, target, multiplier, model, trim``
    (``.attrs["not_like_for_like"]``: the points so warned of).

    >>> import saferstats
    >>> hc = saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna()
    >>> od = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate")
    >>> round(od["phi"], 2), round(od["tau2"], 4), od["overdispersed"]
    (191.91, 0.0842, True)
    """
    from .trend import funnel_frame, funnel_kind, point_names, warn_missing_points, warn_unlike

    cols, frame = funnel_frame("funnel_overdispersion", data, numerators=numerators, denominators=denominators)
    numerators, denominators = cols["numerators"], cols["denominators"]
    check_same_order(numerators=numerators, denominators=denominators)
    arrays, index = aligned(numerators=numerators, denominators=denominators)
    o, d = arrays["numerators"], arrays["denominators"]
    names = index if frame is None else pd.Index(point_names(frame, None))
    fkind: str = funnel_kind("funnel_overdispersion", kind, o=o, d=d, names=names,
                        multiplier=None if multiplier is None else real_option("multiplier", multiplier))
    unlike = warn_unlike("funnel_overdispersion", numerators, denominators, ~(np.isnan(o) | np.isnan(d)), frame)
    warn_missing_points("funnel_overdispersion", o, d, names,
                         "φ and τ²" + (" and the target" if target is None and fkind != "ratio" else ""))
    out = overdispersion_of(o, d, kind=fkind, target=target, multiplier=multiplier, trim=trim, model=model, names=names)
    out.attrs["not_like_for_like"] = unlike
    return out


def overdispersion_of(o: np.ndarray, d: np.ndarray, *, kind: str, target: float | None = None,
                    multiplier: float | None = None, trim: float = 0.1, model: str = "additive",
                    names: Any = None) -> pd.Series:
    """:func:`funnel_overdispersion` of numerator and denominator arrays, with no warning about
    missing points (for a caller that has named them). A zero count on the log scale (rates,
    ratios) is named in a warning (``names``: how to name each point): it is taken as 0.5, where
    FunnelPlotR takes it as −∞, the lowest z-score, which moves the winsorising quantile."""
    kind = choice_option("kind", kind, _FUNNEL_KINDS)
    model = choice_option("model", model, ("additive", "multiplicative"))
    mult = _DEFAULT_MULT[kind] if multiplier is None else real_option("multiplier", multiplier)
    ok = ~(np.isnan(o) | np.isnan(d))
    if kind == "ratio" and ok.any() and d[ok].sum() > 0:
        # a ratio funnel's denominators are expected counts (Σ O / Σ E near 1); populations given
        # there make every O/E tiny and φ, τ² meaningless
        overall = float(o[ok].sum() / d[ok].sum())
        if not 0.1 <= overall <= 10:
            warn_user(f"funnel_overdispersion: kind='ratio' takes expected counts as denominators, but these give "
                      f"Σ observed / Σ expected = {overall:.3g} (near 1 for expected counts): if they are populations, "
                      "use kind='rate'")
    given = target is not None
    if target is None:
        target = 1.0 if kind == "ratio" else float(o[ok].sum() / d[ok].sum() * mult)
    target = real_option("target", target)
    if given:
        from .trend import warn_target_scale

        warn_target_scale("funnel_overdispersion", target, o, d, kind, mult)
    od = _ext.funnel_overdispersion(o, d, kind=kind, target=target, multiplier=mult, trim=real_option("trim", trim))
    phi, tau2, n = float(od["phi"]), float(od["tau2"]), int(od["n"])
    zero = np.flatnonzero(ok & (o == 0)) if kind != "proportion" else np.array([], dtype=int)
    if zero.size:
        # walk 16: the Isles of Scilly's 0 fly-tipping incidents in 2021/22 give φ 2,182 here and 2,217 in
        # FunnelPlotR (−∞ sorts lowest, so the 10% quantile moves), and four councils' labels differ
        shown = ", ".join(str(plain(names[i])) if names is not None else f"position {int(i)}" for i in zero[:6])
        one = zero.size == 1
        warn_user(f"funnel_overdispersion: {number_of(zero.size, 'point')} with a count of 0 ({shown}"
                  f"{' ...' if zero.size > 6 else ''}) {'is' if one else 'are'} taken as 0.5 on the log scale, where "
                  "FunnelPlotR takes log(0) = −∞ (the lowest z-score): the 10% winsorising quantile, and so φ, τ² and "
                  f"the widened limits, differ from FunnelPlotR's. Leave {'it' if one else 'them'} out, or report "
                  f"{'it' if one else 'them'} beside the funnel, to match it")
    return pd.Series({
        "phi": phi, "tau2": tau2, "n": n, "overdispersed": bool(phi > 1.0), "kind": kind,
        "target": target, "multiplier": mult, "model": model, "trim": float(trim),
    }, name="overdispersion")


def od_parameters(overdispersion: Any, kind: str | None = None) -> tuple[float, float, str]:
    """(phi, tau2, model) from a :func:`funnel_overdispersion` result, a mapping or a τ² number.
    τ² is on the scale of its ``kind`` (arcsine for proportions, log for rates and ratios): a
    result for another ``kind`` than the funnel's is an error, not limits on the wrong scale."""
    if isinstance(overdispersion, (pd.Series, Mapping)):
        try:
            phi, tau2 = float(overdispersion["phi"]), float(overdispersion["tau2"])
        except (KeyError, TypeError, ValueError):
            raise InvalidInputError(
                "`overdispersion` must be a funnel_overdispersion() result (phi, tau2) or a τ² number",
                "overdispersion") from None
        od_kind = overdispersion.get("kind")
        if kind is not None and od_kind is not None and not pd.isna(od_kind) and str(od_kind) != kind:
            scale = {"proportion": "arcsine-square-root", "rate": "log", "ratio": "log"}
            raise InvalidInputError(
                f"`overdispersion` was estimated for kind={od_kind!r} ({scale.get(str(od_kind), '?')} scale, "
                f"tau2 {tau2:.3g}) but this funnel is kind={kind!r} ({scale[kind]} scale): its tau2 does not apply; "
                f"estimate it with funnel_overdispersion(..., kind={kind!r}) or pass overdispersion=True",
                "overdispersion")
        model = str(overdispersion.get("model", "additive"))
        return phi, tau2, model
    if isinstance(overdispersion, numbers.Real) and not isinstance(overdispersion, (bool, np.bool_)):
        return np.nan, float(overdispersion), "additive"
    raise InvalidInputError(
        f"`overdispersion` must be a funnel_overdispersion() result or a τ² number, got {overdispersion!r}",
        "overdispersion")


def od_limits(d: np.ndarray, target: float, kind: str, mult: float, overdispersion: Any) -> dict[str, np.ndarray]:
    """Funnel limits at denominators ``d`` widened for over-dispersion (:func:`od_parameters` of
    ``overdispersion``), computed by the core as :func:`funnel_limits` does."""
    phi, tau2, model = od_parameters(overdispersion, kind)
    return _ext.funnel_od_limits(d, kind=kind, target=target, multiplier=mult, phi=0.0 if np.isnan(phi) else phi,
                                 tau2=tau2, model=model)


def od_significance(o: np.ndarray, d: np.ndarray, target: float, kind: str, mult: float, od: pd.Series) -> np.ndarray:
    """The significance of each point against funnel limits widened for over-dispersion ``od`` (a
    :func:`funnel_overdispersion` result), computed by the core."""
    od_parameters(od, kind)
    return _ext.funnel_od_significance(o, d, kind=kind, target=target, multiplier=mult, phi=float(od["phi"]),
                                       tau2=float(od["tau2"]), model=str(od["model"]))


# --------------------------------------------------------------------------------------------
# Indirect standardisation (PHEindicatormethods calculate_ISRatio / calculate_ISRate)


def _isr_frame(
    data: pd.DataFrame, x: str, n: str, x_ref: Any, n_ref: Any, by: Any, confidence: Any
) -> pd.DataFrame:
    from ._frames import column_list, require_columns

    if not isinstance(data, pd.DataFrame):
        raise InvalidInputError(f"`data` must be a DataFrame (one row per area × stratum), got {type(data).__name__}", "data")
    keys = column_list("by", by)
    cols: dict[str, Any] = {"x": x, "n": n, **{("by" if len(keys) == 1 else f"by[{i}]"): k for i, k in enumerate(keys)}}
    for kw, c in (("x_ref", x_ref), ("n_ref", n_ref)):
        if isinstance(c, str):
            cols[kw] = c
    require_columns(data, cols)
    xs = as_float_array(x, data[x])
    ns = as_float_array(n, data[n])

    def ref(name: str, v: Any) -> np.ndarray:
        if isinstance(v, str):
            return as_float_array(v, data[v])
        a = as_float_array(name, v)
        if keys:
            grouped = data.groupby(keys, sort=False, dropna=False)
            size = np.bincount(grouped.ngroup().to_numpy())
            if len(a) != size[0] or (size != size[0]).any():
                raise LengthMismatchError(
                    f"`{name}` has {len(a)} values but the groups have {sorted(set(size.tolist()))} strata; give one "
                    "reference value per stratum, in the same order in every group", name)
            # the k-th row of each group is its k-th stratum, wherever the group's rows are in data
            # (rows sorted by stratum, as pd.melt gives them, interleave the groups)
            pos = grouped.cumcount().to_numpy()
            _check_stratum_order(name, v, data, pos, keys, (x, n))
            return np.asarray(a[pos], dtype=float)
        if len(a) != len(data):
            raise LengthMismatchError(f"length mismatch: `data` has {len(data)} rows but `{name}` has {len(a)}", name)
        _check_stratum_order(name, v, data, np.arange(len(data)), keys, (x, n))
        return a

    xr, nr = ref("x_ref", x_ref), ref("n_ref", n_ref)
    for name, v, positive in ((x, xs, False), (n, ns, False), ("x_ref", xr, False), ("n_ref", nr, True)):
        bad = np.flatnonzero(~np.isnan(v) & ((v <= 0) if positive else (v < 0)))
        if bad.size:
            i = int(bad[0])
            raise InvalidInputError(f"`{name}` row {i}: {plain(v[i])} is not allowed ({'must be > 0' if positive else 'must be ≥ 0'})", name, i)
    miss = np.flatnonzero(np.isnan(nr))
    if miss.size:
        i = int(miss[0])
        raise MissingValueError(f"`n_ref` row {i}: missing reference population", "n_ref", i)
    _warn_isr_missing(data, keys, ((x, xs, "the observed count", "its observed count is left out (the ratio reads low)"),
                                   (n, ns, "population", "its expected count is left out (the ratio reads high)"),
                                   ("x_ref" if not isinstance(x_ref, str) else x_ref, xr, "the reference count",
                                    "its expected count is left out (the ratio reads high)")))
    # as PHEindicatormethods (na.zero): a missing count, population or reference count adds 0
    frame = pd.DataFrame({"x": np.nan_to_num(xs), "e": np.nan_to_num(ns) * np.nan_to_num(xr) / nr})
    for k in keys:
        frame[k] = data[k].to_numpy()
    if keys:
        g = frame.groupby(keys, sort=False, dropna=False)[["x", "e"]].sum().reset_index()
    else:
        g = pd.DataFrame({"x": [frame["x"].sum()], "e": [frame["e"].sum()]})
    return g.rename(columns={"x": "observed", "e": "expected"})


def _warn_isr_missing(data: pd.DataFrame, keys: list[str], columns: Any) -> None:
    """isr/israte take a missing count, population or reference count as 0, as PHEindicatormethods
    does; each is named in a :class:`SaferstatsWarning` (argument or column, row label and area), since
    a missing population in a stratum that has events keeps its events but not what was expected of
    it (one age band's population missing moved the toy example's area A from 1.23 to 4.47, silently)."""
    parts = []
    # a row with neither a count nor a population is a stratum absent on both sides (PHE's own test
    # data has one): nothing observed, nothing expected, nothing to say
    absent = np.isnan(columns[0][1]) & np.isnan(columns[1][1])
    for name, v, what, effect in columns:
        miss = np.flatnonzero(np.isnan(v) & ~absent)
        if not miss.size:
            continue
        rows = []
        for i in miss[:3]:
            area = ", ".join(f"{k}={plain(data[k].iloc[i])!r}" for k in keys)
            rows.append(f"row {plain(data.index[i])!r}" + (f" ({area})" if area else ""))
        more = f" and {miss.size - 3} more" if miss.size > 3 else ""
        parts.append(f"`{name}` ({what}) is missing in {number_of(miss.size, 'row')}: {', '.join(rows)}{more}; counted as 0 "
                     f"(as PHEindicatormethods), so {effect}")
    if parts:
        warn_user("isr: " + "; ".join(parts) + ". Fill the value, or leave the stratum out of the area on both "
                  "sides, if it is not a true 0")


def _check_stratum_order(name: str, v: Any, data: pd.DataFrame, pos: np.ndarray, keys: list[str],
                         skip: tuple[str, ...]) -> None:
    """Reference values given as a Series labelled by stratum (``ref.set_index("ageband")["count"]``)
    are used by position: the k-th value for the k-th row of each group. When a column of ``data``
    holds those labels, each row's label must be the one its position takes, else the expected
    counts would be silently wrong (a group listing its strata in another order)."""
    if not isinstance(v, pd.Series) or isinstance(v.index, pd.RangeIndex):
        return
    labels = np.array([plain(u) for u in v.index], dtype=object)
    known = set(labels.tolist())
    for c in data.columns:
        if c in keys or c in skip:
            continue
        col = np.array([plain(u) for u in data[c].tolist()], dtype=object)
        seen = set(col.tolist())
        if len(seen) < 2 or not seen <= known:
            continue
        bad = np.flatnonzero(labels[pos] != col)
        if bad.size:
            i = int(bad[0])
            raise InvalidInputError(
                f"`{name}` is labelled by stratum and used by position (the k-th value for the k-th row of each "
                f"group), but row {i} of data (index {plain(data.index[i])!r}) has {c}={col[i]!r} at position "
                f"{int(pos[i])}, where `{name}` has {labels[pos[i]]!r}: sort data so that every group lists its "
                f"strata in `{name}`'s order, or give the reference as columns of data", name, i)
        return


def isr(
    data: pd.DataFrame,
    *,
    x: str = "count",
    n: str = "population",
    x_ref: Any,
    n_ref: Any,
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    refvalue: float = 1.0,
) -> pd.DataFrame:
    """Indirectly standardised ratio (ISR; an SMR for deaths) per area, with PHE's confidence
    limits (PHEindicatormethods ``calculate_ISRatio``).

    ``data`` has one row per area × stratum (e.g. age band) with the observed count ``x`` and the
    population ``n``; ``x_ref`` / ``n_ref`` are the reference (e.g. England) count and population
    per stratum — column names, or one value per stratum in the order the strata appear in each
    group (the k-th value for the k-th row of each group, wherever its rows are in ``data``; a
    Series labelled by stratum is checked against a column of ``data`` holding those labels, and a
    group in another order is an :class:`InvalidInputError`). A missing count, population or
    reference count counts as 0 (as PHE), and a :class:`~saferstats.SaferstatsWarning` names each
    (argument or column, row and area): a missing population keeps the stratum's events but drops
    what was expected of them, so the ratio reads high. Expected =
    Σ n × x_ref / n_ref; ratio = observed / expected × ``refvalue`` (1 or 100);
    limits exact (χ²) below 10 observed events, Byar's from 10 (``docs/methods/monitoring.md``).

    Returns one row per area: ``by`` columns, ``observed, expected, ratio, lower, upper,
    confidence, method``.

    >>> import pandas as pd, saferstats
    >>> df = pd.DataFrame({"area": ["A"] * 3 + ["B"] * 3, "count": [5, 20, 60, 1, 4, 10],
    ...                    "population": [1000, 2000, 3000] * 2})
    >>> saferstats.isr(df, x_ref=[40, 150, 500], n_ref=[10000, 20000, 30000], by="area").round(3)
      area  observed  expected  ratio  lower  upper  confidence method
    0    A      85.0      69.0  1.232  0.984  1.523        0.95   byar
    1    B      15.0      69.0  0.217  0.122  0.359        0.95   byar
    """
    conf = single_confidence(confidence)
    refvalue = real_option("refvalue", refvalue)
    g = _isr_frame(data, x, n, x_ref, n_ref, by, confidence)
    r = _ext.isr_ratio(g["observed"].to_numpy(float), g["expected"].to_numpy(float), confidence=conf)
    g["ratio"] = r["ratio"] * refvalue
    g["lower"] = r["lower"] * refvalue
    g["upper"] = r["upper"] * refvalue
    g["confidence"] = conf
    g["method"] = np.where(r["exact"], "exact", "byar")
    return g


def israte(
    data: pd.DataFrame,
    *,
    x: str = "count",
    n: str = "population",
    x_ref: Any,
    n_ref: Any,
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Indirectly standardised rate per area (PHEindicatormethods ``calculate_ISRate``): the
    :func:`isr` ratio and its limits times the reference rate ``Σ x_ref / Σ n_ref`` times
    ``multiplier`` - per group when the references are columns (each area may have its own
    reference, e.g. its force's rates), as PHE sums them within groups. Returns ``by`` columns, ``observed, expected, reference_rate, rate, lower,
    upper, confidence, method``.

    >>> import pandas as pd, saferstats
    >>> df = pd.DataFrame({"count": [5, 20, 60], "population": [1000, 2000, 3000]})
    >>> saferstats.israte(df, x_ref=[40, 150, 500], n_ref=[10000, 20000, 30000]).round(2)
       observed  expected  reference_rate     rate    lower    upper  confidence method
    0      85.0      69.0          1150.0  1416.67  1131.55  1751.75        0.95   byar
    """
    conf = single_confidence(confidence)
    mult = real_option("multiplier", multiplier)
    import warnings

    from .exceptions import SaferstatsWarning

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = isr(data, x=x, n=n, x_ref=x_ref, n_ref=n_ref, by=by, confidence=conf)
    for w in seen:  # isr's warnings said as this function's (they began "isr:" from israte)
        text = str(w.message)
        if issubclass(w.category, SaferstatsWarning) and text.startswith("isr: "):
            warn_user("israte: " + text[len("isr: "):])
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    keys = [c for c in out.columns if c not in ("observed", "expected", "ratio", "lower", "upper", "confidence", "method")]
    # the reference rate Σ x_ref / Σ n_ref of each group, as PHEindicatormethods (summarised within
    # groups): a column is summed over the group's own rows (references may differ between groups,
    # e.g. each CSP against its own force), a list over its strata; each read on its own
    gid = (data.groupby(keys, sort=False, dropna=False).ngroup().to_numpy() if keys
           else np.zeros(len(data), dtype=np.intp))
    n_groups = len(out)

    def group_sums(name: str, v: Any) -> np.ndarray:
        if isinstance(v, str):
            a = as_float_array(v, data[v])
            return np.bincount(gid, weights=np.nan_to_num(a), minlength=n_groups)
        return np.full(n_groups, float(np.nansum(as_float_array(name, v))))

    ref_rate = group_sums("x_ref", x_ref) / group_sums("n_ref", n_ref) * mult
    res = out[keys + ["observed", "expected"]].copy()
    res["reference_rate"] = ref_rate
    res["rate"] = out["ratio"] * ref_rate
    res["lower"] = out["lower"] * ref_rate
    res["upper"] = out["upper"] * ref_rate
    res["confidence"] = conf
    res["method"] = out["method"]
    return res


# --------------------------------------------------------------------------------------------
# Rate funnels from rates (crude or DSR) and several years of data (PHE calculate_funnel_limits)


def _r_nchar(x: float) -> int:
    """``nchar(x)`` for a whole number in R, which prints 1e+05 when that is shorter."""
    s = str(int(x))
    k = len(s.rstrip("0")) or 1
    sci = k + (1 if k > 1 else 0) + (4 if len(s) - 1 < 100 else 5)
    return sci if len(s) > sci else len(s)


def _signif_floor(x: float) -> float:
    if x == 0:
        return 0.0
    k = _r_nchar(np.floor(x * 0.95)) - 1
    return float(np.floor(x * 0.95 / 10**k) * 10**k)


def _signif_ceiling(x: float) -> float:
    if x == 0:
        return 0.0
    k = _r_nchar(np.ceil(x * 1.05)) - 2
    return float(np.ceil(x * 1.05 / 10.0**k) * 10.0**k)


def _derived_denominators(o: np.ndarray, rate: np.ndarray, den: np.ndarray | None, rate_type: str, mult: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        d = mult * (o / rate)
    if rate_type == "dsr":
        d[o == 0] = np.nan
    elif den is not None:
        d[o == 0] = den[o == 0]
    return np.asarray(d, dtype=float)


def _warn_underived(fn: str, o: np.ndarray, r: np.ndarray, d: np.ndarray, index: pd.Index | None, rate_type: str) -> None:
    """Name the rows a rate funnel leaves out because their denominator cannot be derived: a missing
    count or rate, or (crude rates) no events and no ``denominators``. DSRs from no events are left
    out by PHE's rule and labelled as such, so they are not named."""
    gone = np.isnan(d) & ~((rate_type == "dsr") & (o == 0))
    bad = np.flatnonzero(gone)
    if not bad.size:
        return
    zero = np.flatnonzero(gone & (o == 0) & ~np.isnan(r))
    labels = [plain(index[i]) if index is not None else int(i) for i in bad[:10]]
    where = ", ".join(repr(v) for v in labels) + (f" and {bad.size - 10} more" if bad.size > 10 else "")
    why = (f"; {zero.size} {'has' if zero.size == 1 else 'have'} no events, whose population cannot be derived "
           "from a rate: give `denominators`" if zero.size else "")
    one = bad.size == 1
    at = ("row" if one else "rows") if index is not None else ("position" if one else "positions")
    warn_user(f"{fn}: {number_of(bad.size, 'row')} ({at} {where}) {'has' if one else 'have'} no count, rate "
              f"or derivable denominator and {'is' if one else 'are'} left out of the baseline{' and labelled Not applicable' if fn == 'rate_funnel_significance' else ''}{why}")


def _rate_inputs(numerators: Any, rates: Any, denominators: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    named = {"numerators": numerators, "rates": rates}
    if denominators is not None:
        named["denominators"] = denominators
    check_same_order(**named)
    arrays, _ = aligned(**named)
    o, r = arrays["numerators"], arrays["rates"]
    for name, v in (("numerators", o), ("rates", r)):
        bad = np.flatnonzero(~np.isnan(v) & ((v < 0) | np.isinf(v)))
        if bad.size:
            i = int(bad[0])
            what = "negative value" if v[i] < 0 else "value that is not finite:"
            where, label = row_of(named[name], i)  # the Series' own label (a council), else the position
            raise InvalidInputError(f"`{name}` {where}: {what} {plain(v[i])}", name, label, position=i)
    return o, r, arrays.get("denominators")


def _rate_denominators(o: np.ndarray, r: np.ndarray, den: np.ndarray | None, rate_type: str, mult: float,
                       rates: Any = None, fn: str = "rate funnel") -> np.ndarray:
    """The derived denominators of a rate funnel, with the same errors in :func:`rate_funnel_limits`
    and :func:`rate_funnel_significance`: events at a rate of 0 (no finite denominator), and no row
    to derive one from (named by the label of ``rates`` when it is a Series with its own index); and
    a warning when ``rates`` look like populations (:func:`_warn_rates_as_populations`)."""
    d = _derived_denominators(o, r, den, rate_type, mult)
    inf = np.flatnonzero(np.isinf(d))
    if inf.size:
        i = int(inf[0])
        where, label = row_of(rates, i)
        raise InvalidInputError(f"`rates` {where}: {plain(o[i])} events at a rate of {plain(r[i])} give no finite "
                                "denominator (multiplier × events / rate)", "rates", label, position=i)
    contradictory = np.flatnonzero((d == 0) & (r > 0))
    if contradictory.size:  # no events at a rate above 0 (say, a population passed as the rate)
        i = int(contradictory[0])
        where, label = row_of(rates, i)
        raise InvalidInputError(f"`rates` {where}: no events (`numerators` 0) at a rate of {plain(r[i])}, which needs "
                                f"events ({number_of(contradictory.size, 'row')} so): are `rates` rates per `multiplier` "
                                f"({mult:g})? The second argument is the rate, not the population; give the "
                                "population as denominators=", "rates", label, position=i)
    if not (d > 0).any():
        raise InvalidInputError("no row has events and a rate to derive its denominator from (rows with no events "
                                "need `denominators`, crude rates only)", "numerators")
    _warn_rates_as_populations(fn, o, r, mult, rates)  # after the errors, which say it already
    return d


#: Column names of populations, not rates ("population", "pop21", "mid_population_estimates",
#: "usual_residents", "denominator"); a name with "rate" or "per" in it is a rate.
_POPULATION_NAME = re.compile(r"pop|denominator|resident|persons", re.I)
_RATE_NAME = re.compile(r"rate|per(_|\b|\s)", re.I)


def _warn_rates_as_populations(fn: str, o: np.ndarray, r: np.ndarray, mult: float, rates: Any) -> None:
    """``rate_funnel_significance(counts, populations)``, as :func:`saferstats.funnel_significance`
    takes its arguments, read each population as a rate and derived denominators of
    ``multiplier × count / population``: Derbyshire's nine districts' fly-tipping 2021/22 (Census
    2021 residents, per 1,000) came out with Derby "High (0.001)", the eight others "Low" and φ 171
    in the warning, where funnel_overdispersion of the same counts and populations says φ 916 and
    the widened limits call none of them significant. Warn when ``rates`` is a column named as a
    population, or when every rate is above ``multiplier`` (more events than residents in every area)."""
    name = getattr(rates, "name", None)
    named = isinstance(name, str) and bool(_POPULATION_NAME.search(name)) and not _RATE_NAME.search(name)
    used = ~(np.isnan(o) | np.isnan(r)) & (o > 0)
    above = bool(used.any()) and bool((r[used] > mult).all())
    if not (named or above):
        return
    why = (f"the column {name!r} is named as a population" if named else
           f"every rate is above the multiplier ({mult:,.0f}; e.g. {r[np.flatnonzero(used)[0]]:,.6g}): more events "
           "than people in every area")
    warn_user(f"{fn}: `rates` look like populations ({why}). The second argument is each area's rate per "
              f"`multiplier` ({mult:,.0f}), from which the denominator is derived as multiplier × count / rate; "
              f"for counts and populations use funnel_significance(counts, populations, kind='rate', "
              f"multiplier={mult:g}) (or pass the rates, and the populations as denominators=)")


def _rate_funnel_columns(fn: str, data: Any, numerators: Any, rates: Any,
                         denominators: Any) -> tuple[Any, Any, Any, pd.DataFrame | None, pd.Index | None]:
    """A rate funnel's inputs, as :func:`saferstats.funnel_significance` takes them: with ``data=``
    the columns it names, and the table; and how its warnings name each row (``la_name`` and
    ``period`` of a fly-tipping table, else the row label)."""
    from .trend import funnel_frame, point_names

    cols, frame = funnel_frame(fn, data, numerators=numerators, rates=rates, denominators=denominators)
    numerators = cols["numerators"]
    names = (pd.Index(point_names(frame, None)) if frame is not None
             else numerators.index if isinstance(numerators, pd.Series) else None)
    return numerators, cols["rates"], cols["denominators"], frame, names


def rate_funnel_limits(
    numerators: Any,
    rates: Any,
    *,
    rate_type: Literal["crude", "dsr"] = "crude",
    multiplier: float = 100_000,
    years_of_data: float = 1,
    denominators: Any = None,
    data: Any = None,
) -> pd.DataFrame:
    """PHE funnel limits for rates given as (count, rate) pairs — crude rates or directly
    standardised rates (DSRs) — over ``years_of_data`` years (PHEindicatormethods
    ``calculate_funnel_limits(statistic="rate", rate_type=, years_of_data=)``).

    Method (``docs/methods/monitoring.md``): each area's denominator is derived as
    ``multiplier × count / rate`` (for DSRs an "effective population"); the baseline is
    Σ counts / Σ derived denominators; for 100 event counts E (PHE's axis algorithm) the exact
    Poisson 95% / 99.8% limits give the population at which E events are just significant, and
    the limit ``E / population × multiplier``. Population columns are per year
    (``÷ years_of_data``). ``denominators`` (crude rates only) supplies the population where the
    count is 0.

    ``data=`` (a DataFrame, with ``numerators``, ``rates`` and ``denominators`` its column
    names) warns, as :func:`saferstats.funnel_significance` does, of rows that are not like for
    like with the others (:func:`saferstats.read_flytipping`'s ``not_all_incidents`` /
    ``recording_step`` rows), of several periods and of aggregate rows, which the baseline would
    mix in; ``.attrs["not_like_for_like"]`` lists the rows so warned of.

    Returns 100 rows: ``events, lower_2s_population_1_year, lower_2s_limit,
    upper_2s_population_1_year, upper_2s_limit, lower_3s_population_1_year, lower_3s_limit,
    upper_3s_population_1_year, upper_3s_limit, baseline, statistic, method``.

    >>> import saferstats
    >>> t = saferstats.rate_funnel_limits([414, 462, 178, 525], [184, 102, 83, 118], rate_type="dsr", years_of_data=3)
    >>> t.loc[0, ["events", "lower_2s_limit", "upper_2s_limit"]].round(3).tolist()
    [1.0, 21.192, 4663.614]
    """
    rate_type = choice_option("rate_type", rate_type, ("crude", "dsr"))
    mult = real_option("multiplier", multiplier)
    years = real_option("years_of_data", years_of_data)
    if not years > 0:
        raise InvalidInputError(f"`years_of_data` must be positive, got {years_of_data!r}", "years_of_data")
    numerators, rates, denominators, frame, names = _rate_funnel_columns("rate_funnel_limits", data, numerators,
                                                                         rates, denominators)
    o, r, den = _rate_inputs(numerators, rates, denominators)
    d = _rate_denominators(o, r, den, rate_type, mult, rates, "rate_funnel_limits")
    _warn_underived("rate_funnel_limits", o, r, d, names, rate_type)
    from .trend import warn_unlike
    unlike = warn_unlike("rate_funnel_limits", numerators, denominators, ~np.isnan(d), frame)
    with np.errstate(over="ignore"):
        av = float(np.nansum(o[~np.isnan(d)]) / np.nansum(d))
    if not (np.isfinite(av) and av > 0):
        raise InvalidInputError(f"the baseline rate (Σ events / Σ denominators) is {plain(av)}: the funnel needs "
                                "some events and finite totals", "numerators")
    dmin, dmax = float(np.nanmin(d)), float(np.nanmax(d))
    axis_min = 0.0 if dmax > 2 * dmin else _signif_floor(dmin / years) * years
    axis_max = _signif_ceiling(dmax / years) * years
    axis_min, axis_max = float(np.floor(axis_min * av)), float(np.ceil(axis_max * av))
    ev = [max(1.0, axis_min)]
    for j in range(2, 101):
        ev.append(max(float(round((axis_max / ev[-1]) ** (1 / (101 - j)) * ev[-1])), ev[-1] + 1))
    events = np.array(ev)
    out = pd.DataFrame({"events": events})
    for s, p in (("2s", 0.025), ("3s", 0.001)):
        lim = _ext.poisson_expected_limits(events, p=p)
        low_e, high_e = lim["low"], lim["high"]
        pop_low = high_e / av
        pop_high = low_e / av
        out[f"lower_{s}_population_1_year"] = pop_low / years
        out[f"lower_{s}_limit"] = events / pop_low * mult
        out[f"upper_{s}_population_1_year"] = pop_high / years
        out[f"upper_{s}_limit"] = events / pop_high * mult
    out = out[["events", "lower_2s_population_1_year", "lower_2s_limit", "upper_2s_population_1_year", "upper_2s_limit",
               "lower_3s_population_1_year", "lower_3s_limit", "upper_3s_population_1_year", "upper_3s_limit"]]
    out["baseline"] = av * mult
    out["statistic"] = f"rate ({rate_type} per {mult:,.0f})"
    out["method"] = "Poisson"
    out.attrs["not_like_for_like"] = unlike
    return out


def rate_funnel_significance(
    numerators: Any,
    rates: Any,
    *,
    rate_type: Literal["crude", "dsr"] = "crude",
    multiplier: float = 100_000,
    denominators: Any = None,
    data: Any = None,
) -> pd.Series:
    """PHE funnel significance for (count, rate) pairs (``assign_funnel_significance(statistic=
    "rate")``): each area's exact (< 10 events) or Byar's 95% / 99.8% interval on its derived
    denominator compared with the baseline Σ counts / Σ derived denominators. DSRs from fewer
    than 10 events are "Not applicable for events less than 10 for dsrs".

    ``data=`` (a DataFrame, with ``numerators``, ``rates`` and ``denominators`` its column
    names; the result keeps its index) names, as :func:`saferstats.funnel_significance` does,
    the rows that are not like for like with the others (:func:`saferstats.read_flytipping`'s
    ``not_all_incidents`` / ``recording_step`` rows: a council counting only the public's
    reports), points of several periods and aggregate rows, in a
    :class:`~saferstats.SaferstatsWarning` and in ``.attrs["not_like_for_like"]``.

    The second argument is the **rate**, not the population: ``rates`` that look like populations
    (a column named as one, such as ``population``, or every rate above ``multiplier``) are named
    in a :class:`~saferstats.SaferstatsWarning` pointing to ``funnel_significance(counts,
    populations, kind="rate")``.

    PHE's method has no limits widened for over-dispersion: when far more points fall outside the
    99.8% limits than chance allows, a :class:`~saferstats.SaferstatsWarning` says so (as
    :func:`saferstats.funnel_significance` does), and ``funnel_significance(counts, denominators,
    kind="rate", overdispersion=True)`` gives the widened limits.

    >>> import saferstats
    >>> saferstats.rate_funnel_significance([2419, 5, 80], [907.6, 50.0, 120.0], rate_type="dsr").tolist()
    ['High (0.001)', 'Not applicable for events less than 10 for dsrs', 'Low (0.001)']
    """
    rate_type = choice_option("rate_type", rate_type, ("crude", "dsr"))
    mult = real_option("multiplier", multiplier)
    numerators, rates, denominators, frame, names = _rate_funnel_columns("rate_funnel_significance", data,
                                                                         numerators, rates, denominators)
    o, r, den = _rate_inputs(numerators, rates, denominators)
    d = _rate_denominators(o, r, den, rate_type, mult, rates, "rate_funnel_significance")
    _warn_underived("rate_funnel_significance", o, r, d, names, rate_type)
    ok = ~np.isnan(d)
    from .trend import warn_unlike
    unlike = warn_unlike("rate_funnel_significance", numerators, denominators, ok, frame)
    av = float(o[ok].sum() / d[ok].sum())
    codes = _ext.funnel_significance(np.where(ok, o, np.nan), np.where(ok, d, np.nan), av * mult, kind="rate",
                                     multiplier=mult)
    from .trend import warn_exact_overdispersed
    warn_exact_overdispersed("rate_funnel_significance", np.where(ok, o, np.nan), np.where(ok, d, np.nan),
                              np.asarray(codes), kind="rate", target=av * mult, multiplier=mult)
    labels = list(_ext.funnel_significance_labels())
    out = [labels[c] for c in codes]
    if rate_type == "dsr":
        out = ["Not applicable for events less than 10 for dsrs" if (not np.isnan(x) and x < 10) else s
               for x, s in zip(o, out)]
    index = numerators.index if isinstance(numerators, pd.Series) else None
    result = pd.Series(out, index=index, name="significance")
    result.attrs["not_like_for_like"] = unlike
    return result


# --------------------------------------------------------------------------------------------
# Multiple testing


@translates_core_errors("p")
def p_adjust(p: Any, *, method: Literal["holm", "bh", "bonferroni"] = "holm") -> Any:
    """Adjust p-values for multiple testing (R ``p.adjust``): ``"holm"`` (family-wise error,
    Holm 1979), ``"bh"`` (false discovery rate, Benjamini–Hochberg 1995) or ``"bonferroni"``.
    Missing p-values stay missing and do not count. Returns the same shape (a Series keeps its
    index).

    >>> import saferstats
    >>> saferstats.p_adjust([0.01, 0.04, 0.03, 0.005], method="holm").round(3).tolist()
    [0.03, 0.06, 0.06, 0.02]
    >>> saferstats.p_adjust([0.01, 0.04, 0.03, 0.005], method="bh").round(3).tolist()
    [0.02, 0.04, 0.04, 0.02]
    """
    method = choice_option("method", method, ("holm", "bh", "bonferroni"), aliases=("fdr_bh", "BH", "fdr"))
    a = as_float_array("p", p)
    out = _ext.p_adjust(np.ascontiguousarray(a), method=method)
    if isinstance(p, pd.Series):
        return pd.Series(out, index=p.index, name=p.name)
    return out


# --------------------------------------------------------------------------------------------
# Unusual periods


#: Mean (count − expected)² / expected above which unusual_periods says the counts are not Poisson.
OVERDISPERSION_LIMIT = 3.0


def _warn_overdispersed_counts(vs: np.ndarray, expected: np.ndarray, flagged: np.ndarray, starts: list[int],
                               labels: list[Any], cs: np.ndarray, baseline: int) -> None:
    """The tests of :func:`unusual_periods` assume Poisson counts around a steady rate. Recorded
    crime per month or per year varies far more (seasons, trends, recording changes), and then
    most periods come out "unusual". Name the series whose tested periods have a mean Pearson
    (count − expected)² / expected above :data:`OVERDISPERSION_LIMIT` (about 1 + 1/baseline for
    Poisson counts) over at least 5 tests and a third or more of them flagged (Poisson counts with
    adjusted p-values flag next to none)."""
    n = len(vs)
    notes = []
    for a, b in zip(starts, starts[1:] + [n]):
        e, x = expected[a:b], vs[a:b]
        ok = np.isfinite(e) & (e > 0)
        if ok.sum() < 5:
            continue
        phi = float(np.mean((x[ok] - e[ok]) ** 2 / e[ok]))
        if phi > OVERDISPERSION_LIMIT and 3 * int(flagged[a:b][ok].sum()) >= int(ok.sum()):
            name = "" if len(labels) <= 1 else f"{plain(labels[int(cs[a])])!r}: "
            notes.append((phi, f"{name}{int(flagged[a:b][ok].sum())} of {int(ok.sum())} tested periods flagged, "
                               f"(count − expected)²/expected averages {phi:,.1f}"))
    if notes:
        notes.sort(key=lambda t: -t[0])
        shown = "; ".join(t for _, t in notes[:5]) + (f" (and {len(notes) - 5} more series)" if len(notes) > 5 else "")
        warn_user(f"unusual_periods: the counts vary far more than Poisson counts around a steady rate ({shown}; "
                  f"Poisson counts give about {1 + 1 / baseline:.2f}), so many periods read as unusual: the test "
                  "answers 'more than chance around the last periods' mean', not 'unusual for this series'. "
                  "spc() sets limits from the series' own variation")


def _warn_untested(starts: list[int], n: int, baseline: int, labels: list[Any], cs: np.ndarray, p: np.ndarray) -> None:
    """A count is tested against the ``baseline`` periods before it, so a series needs
    ``baseline + 1`` periods for one test: say so when no period (or, with several series, no period
    of some series) was tested — their ``unusual`` is empty, which reads as "not unusual"."""
    if not n:
        return
    spans = list(zip(starts, starts[1:] + [n]))
    need = (f"a test needs {baseline} earlier periods in its series (baseline={baseline}), so a series needs at "
            f"least {baseline + 1} periods")
    if not np.isfinite(p).any():
        longest = max(b - a for a, b in spans)
        warn_user(f"unusual_periods: no period was tested: {need}, and the longest series has {longest}; nothing "
                  f"is 'unusual' or not. Use a smaller baseline (at most {max(longest - 1, 1)}) or more periods")
        return
    idle = [(labels[int(cs[a])], b - a) for a, b in spans if not np.isfinite(p[a:b]).any()]
    if idle:
        shown = ", ".join(f"{plain(lab)!r}: {k} periods" for lab, k in idle[:5]) + (" ..." if len(idle) > 5 else "")
        warn_user(f"unusual_periods: {len(idle)} series had no period tested ({shown}): {need}; their "
                  "`unusual` is empty because nothing was tested (`tested` is False), not because nothing was "
                  "unusual. Use a smaller baseline or more periods for them")


@translates_core_errors("values", "periods", "by")
def unusual_periods(
    values: Any,
    *,
    periods: Any = None,
    by: Any = None,
    baseline: int = 12,
    method: Literal["e_test", "poisson"] = "e_test",
    adjust: Literal["holm", "bh", "bonferroni"] | None = "holm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Is this period's count unusual given the ``baseline`` periods before it?

    Method (``docs/methods/monitoring.md``): each count is compared with the sum of the previous
    ``baseline`` counts of its series — by the E-test of two Poisson rates (``method="e_test"``,
    default, which allows for the baseline being estimated) or an exact Poisson test against the
    baseline mean (``"poisson"``). With many periods tested, p-values are adjusted within each
    series (``adjust="holm"`` by default; ``"bh"``, ``"bonferroni"`` or None), and ``unusual`` is
    ``"high"`` / ``"low"`` where the adjusted p is below ``alpha``.

    ``values`` are counts in period order (or give ``periods``), ``by`` labels series. Returns one
    row per input row, with the caller's index: in input order when ``periods`` (or ``by``) is
    given or the values carry no time; a Series indexed by period that is not in time order is
    tested and returned **in time order** (a :class:`SaferstatsWarning` names the first label out of
    order). Columns: ``series``, ``period`` (when given), ``count, expected,
    ratio, p_value, p_adjusted, tested, unusual, method``. The first ``baseline`` periods of a
    series have no test: their ``tested`` is False (``p_value`` NaN) and their ``unusual`` is empty,
    like a tested period's that was not unusual; ``tested`` tells the two apart (filter flagged
    periods with ``unusual != ""``, periods found not unusual with ``tested & (unusual == "")``). A missing count is a :class:`MissingValueError` naming the row by its label. With ``periods`` (or a Series indexed by period), a period missing from a
    series gives a :class:`SaferstatsWarning`: the baseline is the ``baseline`` *rows* before a
    count, so it reaches back across the gap; so does a series that starts later or ends earlier
    than the others in a many-series call. Counts from ``groupby(...).size()`` have no row for
    a month with no records; fill those with 0 first.

    The tests assume Poisson counts around the baseline's steady rate. Recorded crime varies far
    more (seasons, trends, recording changes): a series whose (count − expected)²/expected averages
    above 3 with a third or more of its tested periods flagged gets a :class:`SaferstatsWarning`
    (national monthly hate crime 2013-2019, baseline 12: 91.6, 41 of 60 months "unusual"); use
    :func:`spc` there, whose limits come from the series' own variation.

    Defra's fly-tipping counts taken from :func:`saferstats.read_flytipping`'s table carry its flags of
    years not like for like (``not_all_incidents`` / ``recording_step``), as in :func:`spc`: a point
    so flagged is named in a :class:`~saferstats.SaferstatsWarning` with the unusual periods at it and
    in the ``baseline`` periods after it (whose baselines include it), and listed in
    ``.attrs["not_like_for_like"]`` (``[]`` when none). FixMyStreet's ``reports``
    (:func:`saferstats.read_fixmystreet`) are reports by users, not incidents: warned, as by :func:`spc`.

    >>> import saferstats
    >>> x = [20, 22, 19, 25, 21, 18, 23, 20, 24, 22, 19, 21, 41, 20]
    >>> out = saferstats.unusual_periods(x, baseline=12)
    >>> row = out.loc[12]
    >>> round(float(row["expected"]), 3), round(float(row["p_value"]), 6), row["unusual"]
    (21.167, 0.000134, 'high')
    >>> out[["tested", "unusual"]].iloc[[0, 11, 12, 13]]
        tested unusual
    0    False
    11   False
    12    True    high
    13    True
    """
    method = choice_option("method", method, ("e_test", "poisson"))
    if adjust is not None:
        adjust = choice_option("adjust", adjust, ("holm", "bh", "bonferroni"))
    baseline = int_option("baseline", baseline, minimum=1)
    alpha = real_option("alpha", alpha)
    if not 0 < alpha < 1:
        raise InvalidInputError(f"`alpha` must be between 0 and 1, got {alpha!r}", "alpha")
    check_same_order(values=values, periods=periods, by=by)
    # a Series indexed by period, newest first: tested in time order (the index gives the periods
    # below) and returned in time order
    order0 = time_order(values.index, "unusual_periods", "values") if (
        periods is None and by is None and isinstance(values, pd.Series)) else None
    v = as_float_array("values", values)
    n = len(v)
    index = values.index if isinstance(values, pd.Series) and len(values.index) == n else pd.RangeIndex(n)
    _no_missing("unusual_periods", "values", v, "a count is needed for every period (0 where there were no "
                "events; leave out a period whose count is unknown and the baseline reaches back across it)")
    if periods is None and by is None and isinstance(values, pd.Series):
        periods = period_index(values.index)
    codes, labels, period_labels, order, cs, _, starts = _in_series_order(
        "unusual_periods", by, periods, n, f"a baseline of {baseline} periods then reaches back across the gap, and "
        "the missing period is neither tested nor counted in any baseline",
        "those periods are neither tested nor counted in any baseline")
    try:
        res = _ext.unusual_periods(np.ascontiguousarray(v[order]), starts, baseline=baseline, method=method)
        expected, p = res["expected"], res["p_value"]
    except SaferstatsError as e:
        if e.index is not None and e.index < n:
            i = int(order[e.index])
            raise type(e)(str(e).replace(f"position {e.index}", f"row {i}"), e.argument, i) from None
        raise
    _warn_untested(starts, n, baseline, labels, cs, p)
    if isinstance(values, pd.Series):  # FixMyStreet's reports (read_fixmystreet) are no count of incidents
        from .trend import warn_reports_by_users

        warn_reports_by_users("unusual_periods", values, None, makes="an unusual period")
    padj = p.copy()
    if adjust is not None:
        for a, b in zip(starts, starts[1:] + [n]):
            padj[a:b] = _ext.p_adjust(np.ascontiguousarray(p[a:b]), method=adjust)
    _warn_overdispersed_counts(v[order], expected, padj < alpha, starts, labels, cs, baseline)
    inv = np.empty(n, dtype=np.int64)
    inv[order] = np.arange(n)
    out = pd.DataFrame(index=index)
    if by is not None:
        out["series"] = [labels[c] for c in codes]
    if period_labels is not None:
        out["period"] = _period_display(values, period_labels)
    out["count"] = v
    out["expected"] = expected[inv]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = v / out["expected"].to_numpy()
    out["p_value"] = p[inv]
    out["p_adjusted"] = padj[inv]
    # a period with no test (the first `baseline` of its series) is not a period found not unusual:
    # both have an empty `unusual`, so the table says which were tested (session 17)
    out["tested"] = np.isfinite(p[inv])
    sig = out["p_adjusted"].to_numpy() < alpha
    out["unusual"] = np.where(sig & (v > out["expected"].to_numpy()), "high", np.where(sig, "low", ""))
    out["method"] = method + ("" if adjust is None else f", {adjust}")
    # Defra's counts of a year not like for like with the rest of the council's series (read_flytipping)
    flagged = out["unusual"].to_numpy(dtype=object)
    out.attrs["not_like_for_like"] = _warn_unlike_points(
        "unusual_periods", values, v, None if period_labels is None else _period_display(values, period_labels),
        codes, labels, order, np.where(flagged != "", "unusual " + flagged.astype(str), ""), reach=(0, baseline),
        signals="unusual periods", uses=f"the baselines of the next {baseline} periods include", mend="")
    return out if order0 is None else out.iloc[order0]


# --------------------------------------------------------------------------------------------
# Most-similar-group (peer) comparison


def _peer_groups(data: pd.DataFrame, area: str, peers: Any, areas: Any) -> dict[Any, list[Any]]:
    names = [plain(a) for a in data[area].tolist()]
    if len(set(names)) != len(names):
        dup = next(a for a in names if names.count(a) > 1)
        rows = [i for i, a in enumerate(names) if a == dup]
        hint = "give one row per area"
        for col in ("period", "year", "financial_year", "month"):  # a table of several periods, as published
            if col in data.columns and data[col].iloc[rows].nunique() > 1:
                ps = [plain(p) for p in pd.unique(data[col])]
                hint = (f"data has {len(ps)} {col} values ({', '.join(map(repr, ps[:4]))}{', ...' if len(ps) > 4 else ''}): "
                        f"compare one at a time, e.g. data[data[{col!r}] == {ps[-1]!r}]")
                break
        raise InvalidInputError(f"column {area!r}: area {dup!r} appears more than once (rows {plain(data.index[rows[0]])!r} and "
                                f"{plain(data.index[rows[1]])!r}); "
                                f"{hint}", "area", rows[1])
    known = set(names)
    if isinstance(peers, str):
        if peers not in data.columns:
            raise InvalidInputError(f"`peers` {peers!r} is neither a column of data nor a mapping", "peers")
        grp = data[peers].tolist()
        groups = {a: [b for b, h in zip(names, grp) if h == g and b != a] for a, g in zip(names, grp)}
    elif isinstance(peers, Mapping):
        groups = {}
        for a, members in peers.items():
            a = plain(a)
            if a not in known:
                raise InvalidInputError(f"`peers` names area {a!r}, which is not in column {area!r}", "peers")
            if isinstance(members, (str, bytes)) or not hasattr(members, "__iter__"):
                raise InvalidInputError(f"`peers[{a!r}]` must be a list of areas, got {members!r}", "peers")
            ms = [plain(m) for m in members if plain(m) != a]
            missing = [m for m in ms if m not in known]
            if missing:
                raise InvalidInputError(f"`peers[{a!r}]` names {missing[0]!r}, which is not in column {area!r}", "peers")
            groups[a] = ms
    else:
        want1 = [plain(a) for a in ([areas] if isinstance(areas, str) else areas)] if areas is not None else []
        if hasattr(peers, "__iter__") and not isinstance(peers, bytes) and len(want1) == 1:
            # areas=["Dacorum"], peers=[...]: one area's peers given as a list (as the area-name hint suggests)
            if want1[0] not in known:
                raise InvalidInputError(f"`areas`: {want1[0]!r} is not in column {area!r}", "areas")
            return _peer_groups(data, area, {want1[0]: list(peers)}, None)
        eg = f"{{{want1[0]!r}: [...]}}" if len(want1) == 1 else "{area: [peer areas]}"
        raise InvalidInputError(
            f"`peers` must be a mapping {eg} or the name of a column of peer-group labels"
            + (f" (got a {type(peers).__name__}: a list of peers needs one area named in `areas`, e.g. "
               "areas=['Dacorum'], or a mapping for several)" if hasattr(peers, "__iter__") else ""), "peers")
    if areas is not None:
        want = [plain(a) for a in ([areas] if isinstance(areas, str) else areas)]
        for a in want:
            if a not in groups:
                raise InvalidInputError(f"`areas`: {a!r} has no peer group", "areas")
        groups = {a: groups[a] for a in want}
    for a, ms in groups.items():
        if not ms:
            hint = ""
            if isinstance(peers, str) and areas is None:
                alone = [b for b, m in groups.items() if not m]
                hint = (f" (in column {peers!r} it has no group label or is alone in its group; "
                        f"{number_of(len(alone), 'area')} {'is' if len(alone) == 1 else 'are'}: {alone[:5]}"
                        f"{' ...' if len(alone) > 5 else ''}): pass areas=[...] to compare only areas with peers")
            raise InvalidInputError(f"area {a!r} has no peers to compare with{hint}", "peers")
    return groups


def peer_compare(
    data: pd.DataFrame,
    *,
    area: str,
    peers: Any,
    numerator: str | None = None,
    denominator: str | None = None,
    value: str | None = None,
    lower: str | None = None,
    upper: str | None = None,
    areas: Any = None,
    multiplier: float = 100_000,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Compare each area with its most similar group (a user-supplied peer group).

    ``data`` has one row per area. ``peers`` is a mapping ``{area: [peer areas]}`` or the name of
    a column of group labels (areas with the same label are each other's peers; the area itself
    is never its own peer), or, with one area named in ``areas``, a list of
    its peers (``areas=["Dacorum"], peers=["St Albans", ...]``). The indicator is either a **rate** (``numerator``, ``denominator``;
    per ``multiplier``) or any **ratio-type estimate with a CI** (``value``, ``lower``,
    ``upper``; e.g. disproportionality ratios), whose log-scale standard error is read off the
    interval: (log upper − log lower)/(2·z) at ``confidence``, so the intervals given must be at
    that level (95% intervals read with ``confidence=0.998`` would give standard errors 1.96/3.09 of
    their size, and call too many areas different).

    For each compared area (``areas``, default every area of ``data`` — or of the mapping — each of
    which must then have peers: with a column of group labels, name the areas to compare in
    ``areas`` when some have no group): the group's pooled rate (Σ
    numerators / Σ denominators, PHE exact/Byar CI; for estimates the inverse-variance weighted
    geometric mean) and the mean of the peers' values with a t interval (its lower limit not below
    0: with two peers it is wide, t on 1 degree of freedom is 12.7); the area's rank among
    itself and its peers (1 = highest); the ratio of the area to the pooled group value with a CI
    (Poisson wald-log for rates; log-scale for estimates) and ``significance`` ("higher",
    "lower", "similar"). Columns: ``area, n_peers, rate, rate_lower, rate_upper, group_rate…,
    group_mean…, rank, of, ratio, ratio_lower, ratio_upper, significance, confidence, method``;
    for an estimate, ``indicator…`` and ``group_indicator…`` in place of ``rate…`` and
    ``group_rate…``. Method: ``docs/methods/monitoring.md``.

    A compared area or peer flagged in :func:`saferstats.read_flytipping`'s ``not_all_incidents``
    or ``recording_step`` column (a council counting only the public's reports, or a change in
    recording) is not like for like with the others: a :class:`~saferstats.SaferstatsWarning`
    names them, and ``.attrs["not_like_for_like"]`` lists them (nothing is left out), as do areas of
    several ``period`` values in one table.

    >>> import pandas as pd, saferstats
    >>> df = pd.DataFrame({"force": list("ABCDE"), "offences": [120, 80, 95, 60, 300],
    ...                    "population": [100_000, 90_000, 110_000, 70_000, 150_000]})
    >>> out = saferstats.peer_compare(df, area="force", peers={"E": ["A", "B", "C", "D"]},
    ...                               numerator="offences", denominator="population")
    >>> out[["area", "rate", "group_rate", "rank", "ratio", "significance"]].round(3)
      area   rate  group_rate  rank  ratio significance
    0    E  200.0      95.946     1  2.085       higher
    """
    from ._frames import require_columns
    from .rates import rate_ci, rate_ratio

    conf = single_confidence(confidence)
    if not isinstance(data, pd.DataFrame):
        raise InvalidInputError(f"`data` must be a DataFrame (one row per area), got {type(data).__name__}", "data")
    rate_mode = numerator is not None or denominator is not None
    est_mode = value is not None or lower is not None or upper is not None
    if rate_mode == est_mode or (rate_mode and (numerator is None or denominator is None)) or (
            est_mode and (value is None or lower is None or upper is None)):
        raise InvalidInputError(
            "give either `numerator` and `denominator` (a rate) or `value`, `lower` and `upper` (an estimate with its CI)",
            "numerator" if not rate_mode else "denominator")
    cols: dict[str, str] = {"area": area, **({"numerator": str(numerator), "denominator": str(denominator)} if rate_mode
                                             else {"value": str(value), "lower": str(lower), "upper": str(upper)})}
    if isinstance(area, str) and area not in data.columns:
        # area="Hertfordshire": an area's name where the column of area names is wanted
        holder = next((c for c in data.columns if data[c].dtype == object or pd.api.types.is_string_dtype(data[c])
                       if (data[c].astype(str) == area).any()), None)
        if holder is not None:
            raise InvalidInputError(
                f"`area` names the column of area names, and {area!r} is a value in column {holder!r}: pass "
                f"area={holder!r}, areas=[{area!r}] to compare {area} with its peers (`peers` a list of the peers' "
                f"names in {holder!r}, or {{{area!r}: [...]}})", "area")
    require_columns(data, cols)
    groups = _peer_groups(data, area, peers, areas)
    names = [plain(a) for a in data[area].tolist()]
    pos = {a: i for i, a in enumerate(names)}
    from .trend import warn_unlike

    involved = sorted({pos[a] for a in groups} | {pos[m] for ms in groups.values() for m in ms})
    sub = data.iloc[involved]
    unlike = warn_unlike("peer_compare", np.zeros(len(sub)),
                          sub[denominator] if rate_mode and denominator in sub.columns else np.zeros(len(sub)),
                          np.ones(len(sub), dtype=bool), sub, names=sub[area].tolist(),
                          where="among the compared areas and their peers")
    from statistics import NormalDist

    z = NormalDist().inv_cdf(1 - (1 - conf) / 2)
    rows = []
    dispersed: list[tuple[float, Any]] = []
    if rate_mode:
        num = as_float_array(cols["numerator"], data[cols["numerator"]])
        den = as_float_array(cols["denominator"], data[cols["denominator"]])
        # only the compared areas and their peers are used: a missing figure elsewhere (City of
        # London's population in the Home Office table) does not matter; one among them is named
        used = sorted({pos[a] for a in groups} | {pos[m] for ms in groups.values() for m in ms})
        for col, arr in ((cols["numerator"], num), (cols["denominator"], den)):
            gap = [i for i in used if np.isnan(arr[i])]
            if gap:
                raise MissingValueError(
                    f"column {col!r}: area {names[gap[0]]!r} (row {plain(data.index[gap[0]])!r}) has no figure (NaN) and is "
                    "compared or a peer; leave it out of `peers` / `areas` or give its figure", col, gap[0])
        own = pd.DataFrame({"lower": np.nan, "upper": np.nan}, index=range(len(num)))
        ci = rate_ci(num[used], den[used], multiplier=multiplier, confidence=conf)
        own.loc[used, "lower"], own.loc[used, "upper"] = ci["lower"].to_numpy(), ci["upper"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            vals = num / den * multiplier
    else:
        vals = as_float_array(cols["value"], data[cols["value"]])
        lo = as_float_array(cols["lower"], data[cols["lower"]])
        hi = as_float_array(cols["upper"], data[cols["upper"]])
        bad = np.flatnonzero(~((vals > 0) & (lo > 0) & (hi >= lo)))
        if bad.size:
            i = int(bad[0])
            raise InvalidInputError(
                f"row {i}: value {plain(vals[i])} with CI {plain(lo[i])}-{plain(hi[i])} cannot be read on the log scale "
                "(all must be positive, lower ≤ upper)", value, i)
        se = (np.log(hi) - np.log(lo)) / (2 * z)
    for a, ms in groups.items():
        i = pos[a]
        idx = np.array([pos[m] for m in ms])
        k = len(idx)
        peer_vals = vals[idx]
        mean = float(np.mean(peer_vals))
        if k >= 2:
            half = float(_ext.t_quantile(1 - (1 - conf) / 2, k - 1)) * float(np.std(peer_vals, ddof=1)) / np.sqrt(k)
        else:
            half = np.nan
        rank = int(1 + np.sum(np.r_[peer_vals] > vals[i]))
        row: dict[str, Any] = {"area": a, "n_peers": k, "rate": float(vals[i])}
        if rate_mode:
            row["rate_lower"], row["rate_upper"] = float(own["lower"].iloc[i]), float(own["upper"].iloc[i])
            g = rate_ci([num[idx].sum()], [den[idx].sum()], multiplier=multiplier, confidence=conf)
            row["group_rate"], row["group_rate_lower"], row["group_rate_upper"] = (
                float(g["rate"].iloc[0]), float(g["lower"].iloc[0]), float(g["upper"].iloc[0]))
            rr = rate_ratio(num[i], den[i], num[idx].sum(), den[idx].sum(), confidence=conf)
            ratio, rlo, rhi = float(rr["ratio"].iloc[0]), float(rr["lower"].iloc[0]), float(rr["upper"].iloc[0])
        else:
            row["rate_lower"], row["rate_upper"] = float(lo[i]), float(hi[i])
            w = 1 / se[idx] ** 2
            lg = float(np.sum(w * np.log(peer_vals)) / np.sum(w))
            sg = float(1 / np.sqrt(np.sum(w)))
            row["group_rate"], row["group_rate_lower"], row["group_rate_upper"] = (
                float(np.exp(lg)), float(np.exp(lg - z * sg)), float(np.exp(lg + z * sg)))
            lr = float(np.log(vals[i]) - lg)
            sr = float(np.sqrt(se[i] ** 2 + sg**2))
            ratio, rlo, rhi = float(np.exp(lr)), float(np.exp(lr - z * sr)), float(np.exp(lr + z * sr))
        row.update({
            # a mean of rates or ratios is not negative: with two or three peers the t interval can reach below 0
            "group_mean": mean, "group_mean_lower": max(mean - half, 0.0), "group_mean_upper": mean + half,
            "rank": rank, "of": k + 1, "ratio": ratio, "ratio_lower": rlo, "ratio_upper": rhi,
            "significance": "higher" if rlo > 1 else ("lower" if rhi < 1 else "similar"),
            "confidence": conf,
            "method": "rate: pooled Byar/exact, ratio wald-log" if rate_mode else "estimate: inverse-variance pooled, log scale",
        })
        rows.append(row)
        if rate_mode and k >= 3:
            # the ratio's interval is Poisson (chance) only: peers whose rates differ far more than
            # that make "higher"/"lower" say little (forces record differently)
            g_rate = num[idx].sum() / den[idx].sum()
            e = den[idx] * g_rate
            phi = float(np.sum((num[idx] - e) ** 2 / e) / (k - 1)) if (e > 0).all() else np.nan
            if phi >= OVERDISPERSION_LIMIT:
                dispersed.append((phi, a))
    if dispersed:
        dispersed.sort(key=lambda t: -t[0])
        shown = ", ".join(f"of {plain(a)!r}: {phi:,.1f}" for phi, a in dispersed[:5])
        warn_user(f"peer_compare: the peers' rates vary far more than chance (Poisson counts) allows "
                  f"((x − expected)²/expected per degree of freedom among the peers {shown}"
                  f"{' ...' if len(dispersed) > 5 else ''}; about 1 by chance), so the ratio's interval and "
                  "`significance`, which allow for chance only, call differences that are ordinary among these peers: "
                  "read the rank and the peers' mean with its interval (group_mean_lower/upper) beside them")
    out = pd.DataFrame(rows)
    out.attrs["not_like_for_like"] = unlike
    if not est_mode:
        return out
    return out.rename(columns={"rate": "indicator", "rate_lower": "indicator_lower", "rate_upper": "indicator_upper",
                               "group_rate": "group_indicator", "group_rate_lower": "group_indicator_lower",
                               "group_rate_upper": "group_indicator_upper"})


# --------------------------------------------------------------------------------------------
# Plot

SPC_COLOURS = {
    "common_cause": "#7B7D7D",
    "special_cause_improvement": "#289DE0",
    "special_cause_concern": "#FAB428",
    "special_cause_neutral_high": "#490092",
    "special_cause_neutral_low": "#490092",
}


def plot_spc(result: pd.DataFrame, *, series: Any = None, target: float | None = None, ax: Any = None,
             title: str | None = None, ylabel: str | None = None) -> Any:
    """Draw an NHS *Making Data Count* style SPC chart from a :func:`spc` result: the values,
    mean, process limits (dashed), points coloured by type (grey common cause, blue improvement,
    orange concern, purple neutral) and the variation and assurance classification in a box beside
    the chart, under the legend (nothing is drawn over the data). ``target`` draws a target line;
    the assurance is the one :func:`spc` assessed against its own ``target``.
    With a many-series result, ``series`` picks one. With periods, points are drawn in period
    order, and a missing period is a shaded gap (no line across it). The y axis says what the values
    are: ``ylabel``, else the name of the Series :func:`spc` was given (with a u or p chart's unit,
    "detentions (rate per 100,000)"), else the unit ("count", "%", "value"). The legend and the box
    stay inside the figure when it is saved: a figure made here (9 by 5 inches) uses constrained
    layout, and a caller's figure without a layout engine grows on the right to hold them, its axes
    keeping their size in inches (:func:`saferstats.plotting.fit_in_figure`, as the forest plot's legend).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> res = saferstats.spc([5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 6, 5, 14], improvement="decrease")
    >>> ax = saferstats.plot_spc(res)
    >>> ax.texts[0].get_text()
    'Variation: special cause concern\\nAssurance: no target'
    """
    if not isinstance(result, pd.DataFrame) or not {"mean", "lpl", "upl", "point_type"} <= set(result.columns):
        raise InvalidInputError("`result` must be the DataFrame returned by saferstats.spc()", "result")
    d = result
    if "series" in d.columns:
        names = list(dict.fromkeys(d["series"].tolist()))
        if series is None:
            if len(names) > 1:
                raise InvalidInputError(f"`result` has {len(names)} series; pick one with series= (e.g. {names[0]!r})", "series")
            series = names[0]
        if series not in names:
            raise InvalidInputError(f"`series` {series!r} is not in the result (series: {names[:10]})", "series")
        d = d[d["series"] == series]
    from .plotting import axes_for, fit_in_figure, number_label

    # the legend and the classification box sit beside the chart: a figure made here is wider to hold
    # them and lays itself out (constrained layout), as plot_disproportionality's forest plot does
    ax = axes_for(ax, layout="constrained", figsize=(9, 5))
    pos = np.arange(len(d), dtype=float)
    x = None
    if "period" in d.columns:
        # periods in order, on their own scale where it is regular: a missing period leaves a gap
        per = d["period"].reset_index(drop=True)
        t = _period_numbers(per, "period")
        # weekly or daily dates: place them in days, so the spacing is regular and a missing week shows
        t = _gap_scale(per, np.arange(len(per)), t)
        o = np.argsort(t, kind="stable")
        d, t = d.iloc[o], t[o]
        x = _period_ticks(d["period"])
        dt = np.diff(t)
        step = float(np.min(dt)) if dt.size and np.min(dt) > 0 else 0.0
        if step > 0 and np.all(np.abs(dt / step - np.round(dt / step)) < 0.01):
            pos = np.round((t - t[0]) / step)
    run = np.r_[0, np.cumsum(np.diff(pos) > 1.5)] if len(pos) else np.zeros(0, dtype=int)
    gaps = [(a, b) for a, b in zip(pos[:-1], pos[1:]) if b - a > 1.5]
    for k, (a, b) in enumerate(gaps):
        ax.axvspan(a + 0.5, b - 0.5, color="#eeeeee", zorder=0, label="no data" if k == 0 else None)
    for r in np.unique(run):
        k = run == r
        ax.plot(pos[k], d["value"].to_numpy()[k], color="#7B7D7D", lw=1, zorder=1)
    for seg in sorted(d["segment"].unique()):
        in_seg = (d["segment"] == seg).to_numpy()
        for r in np.unique(run[in_seg]):
            m = in_seg & (run == r)
            first = seg == 0 and r == run[in_seg][0]
            ax.plot(pos[m], d["mean"].to_numpy()[m], color="black", lw=1.2, label="mean" if first else None)
            ax.plot(pos[m], d["lpl"].to_numpy()[m], color="#444444", lw=1, ls="--",
                    label="process limits" if first else None)
            ax.plot(pos[m], d["upl"].to_numpy()[m], color="#444444", lw=1, ls="--")
    # where the limits were recalculated, and why (spc's rebase causes): a chart without it gives no
    # clue why its limits moved
    rec = result.attrs.get("rebase")
    segs = d["segment"].to_numpy()
    for j in np.flatnonzero(np.r_[False, segs[1:] != segs[:-1]]) if len(segs) else []:
        cause = None
        if isinstance(rec, pd.DataFrame) and {"segment", "cause"} <= set(rec.columns):
            mine = rec if "series" not in rec.columns or series is None else rec[rec["series"] == series]
            hit = mine[mine["segment"] == segs[j]]
            cause = hit["cause"].iloc[0] if len(hit) and isinstance(hit["cause"].iloc[0], str) else None
        ax.axvline(pos[j] - 0.5, color="#999999", lw=0.8, ls=":", zorder=0)
        ax.annotate("limits recalculated: " + (cause or "no cause given"), xy=(pos[j] - 0.5, 1.0),
                    xycoords=("data", "axes fraction"), xytext=(2, -2), textcoords="offset points",
                    va="top", ha="left", fontsize=6, color="#555555", rotation=90)
    for kind, colour in SPC_COLOURS.items():
        m = (d["point_type"] == kind).to_numpy()
        if m.any():
            ax.scatter(pos[m], d["value"].to_numpy()[m], color=colour, s=26, zorder=3,
                       label=kind.replace("special_cause_", "special cause ").replace("_", " "))
    summary = result.attrs.get("summary")
    drawn_only = target is not None
    if target is None and summary is not None and "target" in summary:
        row = summary if "series" not in summary else summary[summary["series"] == series]
        tv = row["target"].iloc[0] if len(row) else np.nan
        target = None if pd.isna(tv) else float(tv)
    if target is not None:
        ax.axhline(target, color="#DE1B1B", lw=1, ls=":", label=f"target {number_label(target)}")
    variation = d["variation"].iloc[-1].replace("_", " ").replace("special cause neutral", "special cause (neutral)")
    need = 7
    if summary is not None and {"trend_points", "shift_points"} <= set(summary.columns):
        need = int(min(summary["trend_points"].iloc[0], summary["shift_points"].iloc[0]))
    last_seg = d["segment"].to_numpy()
    k_last = int((last_seg == last_seg[-1]).sum()) if len(last_seg) else 0
    if 0 < k_last < need:
        # a shift or trend cannot be flagged on so few points: "common cause" is not "no change"
        since = "in the chart" if d["segment"].nunique() == 1 else "since the limits were recalculated"
        import textwrap

        variation += "\n" + "\n".join(textwrap.wrap(
            f"(only {k_last} points {since}: too few for the shift and trend rules)", 38))
    assurance = d["assurance"].iloc[-1]
    if assurance is None or pd.isna(assurance) or assurance == "":
        # a target drawn here but not given to spc() has not been assessed: never "no target" beside it
        assurance = ("not assessed (give spc() the target)" if drawn_only
                     else "no target" if target is None else "not applicable (no improvement direction)")
    else:
        assurance = assurance.replace("_", " ")
    ax.text(1.01, 0.0, f"Variation: {variation}\nAssurance: {assurance}", transform=ax.transAxes, va="bottom",
            ha="left", fontsize=8, bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#999999"})
    if x is not None:
        step = max(1, len(x) // 12)
        ax.set_xticks(pos[::step])
        ax.set_xticklabels(x[::step], rotation=45, ha="right", fontsize=7)
    # the series' name stays in the default title with trial limits too (a many-series result)
    base = title or (f"SPC chart: {series}" if series is not None else "SPC chart")
    ax.set_title(base + (" (trial limits)" if d["trial_limits"].any() else ""), fontsize=10)
    ax.set_ylabel(ylabel or _spc_ylabel(result))
    # legend and classification beside the plot, never over it: inside, any corner can hold points
    # (low early values sat under the old lower-left legend, high ones under the box)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    # a caller's figure without a layout engine grows on the right until both fit, its axes kept in
    # inches (as the forest plot's and the Gi* map's legends): the report's charts stay as they were
    fit_in_figure(ax.figure, [ax.get_legend(), *ax.texts], grow=True)
    return ax


def _spc_ylabel(result: pd.DataFrame) -> str:
    """:func:`plot_spc`'s y axis: what the values are (the name of the Series given to :func:`spc`,
    ``.attrs["what"]``: "detentions" from :func:`saferstats.monthly_counts`), with the unit of a u or
    p chart ("burglaries (rate per 1,000)", "searches (%)"); without a name the unit alone, "count"
    on a c chart, "value" on an XmR chart."""
    from .plotting import number_label

    summary = result.attrs.get("summary")
    unit = None
    if summary is not None and "chart" in summary and "multiplier" in summary:
        chart_kind, m = str(summary["chart"].iloc[0]).split("_")[0], float(summary["multiplier"].iloc[0])
        if chart_kind == "u":
            unit = f"rate per {number_label(m)}" if m != 1 else "rate"
        elif chart_kind == "p":
            unit = "%" if m == 100 else (f"proportion per {number_label(m)}" if m != 1 else "proportion")
        elif chart_kind == "c":
            unit = "count"
    what = result.attrs.get("what")
    if isinstance(what, str) and what:
        return what if unit in (None, "count") else f"{what} ({unit})"
    return unit or "value"

"""The Knox space-time test / near-repeat table (the core's ``hotspot::knox``):
docs/methods/hotspots.md (C8)."""

from __future__ import annotations

import re
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from .._frames import as_float_array
from .._results import PlainFrame
from ..exceptions import InvalidInputError, MissingValueError, number_of, warn_user
from ._common import _drop_missing, _finite_xy, _int_arg, _left_out_said, _points_in, _row_error, _seed, _series, _warn_degrees

__all__ = ["knox", "KnoxTable"]


class KnoxTable(PlainFrame, pd.DataFrame):  # type: ignore[misc]
    """The Knox near-repeat table (a DataFrame, one row per distance band × time band) whose
    display starts with the headline: events, permutations, the strongest near-repeat cell and how
    many cells are significant. Selecting columns or rows gives a plain DataFrame."""

    def headline(self) -> str:
        """One line: events and permutations, significant cells, the cell with the largest ratio."""
        info = self.attrs.get("knox", {})
        n, perms = info.get("events"), info.get("permutations")
        gone = int(self.attrs.get("missing_coordinates", 0) or 0)
        outside = int(self.attrs.get("outside_study_area", 0) or 0)
        # the events tested and every point left out of them (until session 28 "2791 events", and
        # those outside the study area only in a warning: 2,791 of Hertfordshire's 27,858 ASB records)
        n, perms = (f"{v:,}" if isinstance(v, (int, np.integer)) else v for v in (n, perms))
        head = f"Knox test: {n} events, {perms} permutations" + _left_out_said(gone, " (", ")", outside)
        if {"knox_ratio", "p_value", "distance_band", "time_band"} - set(self.columns) or len(self) == 0:
            return head
        sig = self[self["p_value"] < 0.05]
        r = self["knox_ratio"].to_numpy(dtype=float)
        if np.isfinite(r).any():
            k = int(np.nanargmax(np.where(np.isfinite(r), r, np.nan)))
            row = self.iloc[k]
            months = f" ({row['months_apart']})" if "months_apart" in self.columns else ""
            best = (f"; highest ratio {row['knox_ratio']:.2f} (p = {row['p_value']:.3g}) at distance {row['distance_band']}, "
                    f"time {row['time_band']}{months}")
        else:
            best = ""
        # one test per cell, not adjusted: with many cells some have p < 0.05 by chance (also in the
        # far-apart / long-apart bands, which say nothing about near repeats). A cell no pair of events
        # falls in, in the data or any permutation (a time band longer than the events' span), is no
        # test: its ratio is NaN and its p 1 by construction (until session 26 counted as a test)
        empty = _empty_cells(self)
        tests = len(self) - int(empty.sum())
        none = f", {int(empty.sum())} cells with no pair of events" if empty.any() else ""
        return (f"{head}; {len(sig)} of {len(self)} cells with p < 0.05 (not adjusted for {tests} tests: about "
                f"{0.05 * tests:.2g} by chance{none}){best}")


def _empty_cells(table: pd.DataFrame) -> np.ndarray:
    """The cells no pair of events falls in, in the data or in any permutation (observed and
    expected 0): no test can be made there."""
    if not {"observed", "expected"} <= set(table.columns):
        return np.zeros(len(table), dtype=bool)
    return np.asarray((table["observed"].to_numpy(dtype=float) == 0) & (table["expected"].to_numpy(dtype=float) == 0))


def _warn_empty_bands(out: pd.DataFrame, de: np.ndarray, te: np.ndarray, tt: np.ndarray, t: Any) -> None:
    """Warn of the distance or time bands that hold no pair of events at all: their cells have no
    Knox ratio (NaN) and a p-value of 1 by construction, which reads as "no near repeats" where the
    data cannot say (three police.uk months and a band [63, inf): "3+ months apart")."""
    nd, nt = len(de) - 1, len(te) - 1
    empty = _empty_cells(out).reshape(nd, nt)
    if not empty.any():
        return
    said, why = [], ""
    cols = [j for j in range(nt) if empty[:, j].all()]
    if cols:
        span = float(np.ptp(tt)) if len(tt) else 0.0
        bands = ", ".join(str(out["time_band"].iat[j]) for j in cols)
        if all(te[j] > span for j in cols):
            dates = _series("t", t)
            when = ""
            if pd.api.types.is_datetime64_any_dtype(dates) and len(tt):
                base = pd.Timestamp(dates.min())  # tt: days since the earliest time given
                first, last = (base + pd.Timedelta(days=float(v)) for v in (tt.min(), tt.max()))
                when = f", {first:%Y-%m-%d} to {last:%Y-%m-%d}"
            why = f" (the events span {span:,.6g} days{when}: no two are that far apart)"
        said.append(f"time band{'s' if len(cols) > 1 else ''} {bands}{why}")
    rows = [i for i in range(nd) if empty[i, :].all()]
    if rows:
        bands = ", ".join(str(out["distance_band"].iat[i * nt]) for i in rows)
        said.append(f"distance band{'s' if len(rows) > 1 else ''} {bands}")
    rest = int(empty.sum()) - len(cols) * nd - len(rows) * nt + len(cols) * len(rows)
    if rest:
        said.append(f"{rest} other cell{'s' if rest > 1 else ''}")
    longer = ", or give events over a longer period" if cols and why else ""
    warn_user(f"knox: no pair of events falls in {'; '.join(said)}: those {int(empty.sum())} of {nd * nt} cells have "
              "knox_ratio NaN and p_value 1 by construction, not evidence of no near repeats, and are no test (the "
              f"headline leaves them out of its count); drop those bands{longer}")


def _warn_not_from_zero(xs: np.ndarray, ys: np.ndarray, tt: np.ndarray, de: np.ndarray, te: np.ndarray,
                        metric: str) -> None:
    """Warn when the distance or the time band edges start above 0: the pairs of events closer
    than the first edge (or nearer in time) fall in no band and are not tested, and they are the
    nearest, where near repeats are. Until session 35 ``distance_bands=[200, 400]`` (read as "up to
    200 m, 200 to 400 m", as the Near Repeat Calculator's band width) gave one band [200, 400)
    and left out, unsaid, the 1,306 pairs of Hertfordshire's criminal damage and arson of January
    to March 2021 under 200 m apart. The pairs under the first distance edge are counted by the
    core (a Knox table of the one band [0, edge), every time apart)."""
    said, fix = [], []
    if len(de) >= 2 and de[0] > 0:
        n = 0
        if len(xs) >= 2:
            close = _ext.knox(xs, ys, tt, np.array([0.0, float(de[0])]), np.array([0.0, np.inf]), permutations=0,
                              seed=0, metric=metric)
            n = int(np.asarray(close["observed"], dtype=float)[0])
        said.append(f"distance_bands start at {de[0]:g}, not 0: the {number_of(n, 'pair')} of events closer than "
                    f"{de[0]:g} m are in no band")
        fix.append("distance_bands=[0, " + ", ".join(f"{e:g}" for e in de) + "]")
    if len(te) >= 2 and te[0] > 0:
        said.append(f"time_bands start at {te[0]:g}, not 0: the pairs of events less than {te[0]:g} days apart are in "
                    "no band")
        fix.append("time_bands=[0, " + ", ".join(f"{e:g}" for e in te) + "]")
    if said:
        warn_user(f"knox: {'; '.join(said)}, and are not tested, though the nearest pairs are where near repeats are "
                  f"(the edges are those of the bands, left-closed [a, b), not their widths): start the edges at 0 "
                  f"to count them, e.g. {' and '.join(fix)}")


def _times_in_days(name: str, t: Any) -> np.ndarray:
    """Event times as days: numbers as given, datetimes as days since the earliest (missing
    times refused with the row)."""
    tt = _series(name, t)
    if pd.api.types.is_datetime64_any_dtype(tt):
        nat = tt.isna().to_numpy()
        if nat.any():
            raise _row_error(MissingValueError, name, t, int(np.flatnonzero(nat)[0]),
                             f"`{name}` has {number_of(int(nat.sum()), 'missing time')} (first at {{row}})")
        return np.asarray(((tt - tt.min()).dt.total_seconds() / 86400.0).to_numpy(dtype=float))
    if not (pd.api.types.is_numeric_dtype(tt) or pd.api.types.is_bool_dtype(tt)):
        first = next((v for v in tt if isinstance(v, str)), None)
        if first is not None and _MONTH.fullmatch(first.strip()):
            raise InvalidInputError(
                f"`{name}` holds months as text ({first!r}); pass days (numbers) or datetimes, e.g. "
                f"pd.to_datetime({name}) — police.uk gives months only, so a time band shorter than a month cannot "
                "be told apart from 'the same or the next month'", name)
    return as_float_array(name, tt.to_numpy())


_MONTH = re.compile(r"\d{4}-\d{2}")


def _warn_months(t: Any, tt: np.ndarray, time_bands: np.ndarray) -> None:
    """Warn when every event time is one day of its month at midnight (police.uk months, read as the
    1st or put mid-month as the prospective_hotspots error advises; until session 18 the 1st only) and the
    time bands have an inner edge under 31 days: a difference of 0 days then means "the same
    calendar month" and 28-31 days "the next", not days apart."""

    s = _series("t", t)
    if not pd.api.types.is_datetime64_any_dtype(s) or len(s) < 2:
        return
    from .grid import _day_words, _month_day

    day = _month_day(s)   # the 1st (pd.to_datetime(month)) or any one day, e.g. mid-month (+ '-15')
    if day is None or len(np.unique(tt)) < 2:
        return
    inner = time_bands[np.isfinite(time_bands) & (time_bands > 0)]
    # k months apart is 28k-31k days: an edge between 1 and 28 days reads as days but only separates
    # "the same month", and an edge inside [28k, 31k] splits k-month gaps by the months' lengths
    bad = [e for e in inner if 1 < e < 28 or any(28 * k <= e <= 31 * k for k in range(1, int(e // 28) + 2))]
    if bad:
        warn_user(f"knox: every event time is {_day_words(day)} (police.uk publishes months, not dates), so events "
                  "are 0 days apart in the same month and 28-31 days per month otherwise; time band edges "
                  f"{', '.join(f'{e:g}' for e in bad)} read as days but measure calendar months — use month-wide bands "
                  "(e.g. [0, 1, 32, 63, inf]: same month, next month, the month after) or event dates")


def _months_apart(t: Any, time_bands: np.ndarray) -> list[str] | None:
    """For police.uk months (every time one day of its month, at midnight), each time band as the
    months apart it holds: k months apart is 28k-31k days, so [0, 32) is "same or next month" and
    [63, inf) "3+ months apart". None for dates, or when a band splits some k-month gaps by the
    months' lengths (:func:`_warn_months` says so)."""
    s = _series("t", t)
    if not pd.api.types.is_datetime64_any_dtype(s) or len(s) < 2:
        return None
    from .grid import _month_day

    if _month_day(s) is None:
        return None
    span = int(np.ceil(float(np.nanmax(time_bands[np.isfinite(time_bands)], initial=0)) / 28)) + 2
    out = []
    for a, b in zip(time_bands[:-1], time_bands[1:]):
        ks, last = [], span if np.isinf(b) else int(b // 28) + 1
        for k in range(0, last + 1):
            lo, hi = 28 * k, 31 * k
            inside, touches = a <= lo and hi < b, lo < b and hi >= a
            if touches and not inside:
                return None
            if inside:
                ks.append(k)
        if not ks:
            out.append("none")
        elif np.isinf(b):
            out.append(f"{ks[0]}+ months apart" if ks[0] else "any")
        elif ks == [0]:
            out.append("same month")
        elif ks[0] == 0 and len(ks) == 2:
            out.append("same or next month")
        else:
            out.append(f"{ks[0]} month{'s' if ks[0] > 1 else ''} apart" if len(ks) == 1
                       else f"{ks[0]}-{ks[-1]} months apart")
    return out


def _warn_same_point(xs: np.ndarray, ys: np.ndarray, tt: np.ndarray, de: np.ndarray, te: np.ndarray,
                     observed: np.ndarray) -> None:
    """Warn when the pairs of the first distance band, [0, d) with d > 0, are mostly pairs at one
    point (0 apart): police.uk publishes each record at an anonymised map point, so such pairs are
    records placed at one point (one address again, or neighbours snapped together), not repeats
    *near* each other, and the band's Knox ratio reads as a near-repeat effect it is not."""
    if len(de) < 2 or de[0] > 0 or not de[1] > 1 or len(xs) < 2:
        return  # a first band [0, 1) m or narrower already holds the pairs at one point apart
    nt = len(te) - 1
    first = np.asarray(observed[:nt], dtype=float)  # the first distance band, every time band
    if not first.sum() > 0:
        return
    order = np.lexsort((ys, xs))
    x, y, t = xs[order], ys[order], tt[order]
    cut = np.flatnonzero((np.diff(x) != 0) | (np.diff(y) != 0)) + 1
    same = np.zeros(nt)
    for g in np.split(np.arange(len(x)), cut):
        n = len(g)
        if n < 2:
            continue
        ts = np.sort(t[g])

        def below(e: float) -> float:  # pairs at this point less than e apart in time
            if e <= 0:
                return 0.0
            if np.isinf(e):
                return n * (n - 1) / 2
            return float((np.searchsorted(ts, ts + e, side="left") - np.arange(n) - 1).sum())

        c = np.array([below(float(e)) for e in te])
        same += np.diff(c)  # [a, b) = (pairs under b) - (pairs under a)
    j = int(np.argmax(np.where(first > 0, same / np.where(first > 0, first, 1), -1)))
    if same.sum() >= 0.5 * first.sum() and same.sum() > 0:
        def f(v: float) -> str:
            return "inf" if np.isinf(v) else f"{v:g}"
        warn_user(f"knox: {int(same.sum()):,} of the {int(first.sum()):,} pairs in the first distance band [{f(de[0])}, "
                  f"{f(de[1])}) are at the same point, 0 apart ({int(same[j]):,} of {int(first[j]):,} in time band "
                  f"[{f(te[j])}, {f(te[j + 1])})): police.uk publishes each record at an anonymised map point ('On or "
                  "near ...'), so these are records at one point (the same address again, or neighbours snapped "
                  "together), not repeats near each other, and the band's ratio is mostly theirs. Count them apart "
                  f"with an edge just above 0: distance_bands=[0, 1, {f(de[1])}, ...]")


def _named(arg: str, given: Any) -> str:
    """How a message names argument ``arg``: with the Series' name when it has one."""
    name = getattr(given, "name", None) if isinstance(given, pd.Series) else None
    return f"`{arg}` (column {name!r})" if name is not None else f"`{arg}`"


def _warn_constant(x: Any, y: Any, t: Any, xs: np.ndarray, ys: np.ndarray, tt: np.ndarray) -> None:
    """Warn when every event has the same time, or the same location: permuting the times over
    the locations then changes nothing, every permuted table equals the observed one (ratios 1,
    p-values 1), and the table says nothing about near repeats."""
    if len(tt) < 2:
        return
    if np.unique(tt).size == 1:
        warn_user(f"knox: every event time in {_named('t', t)} is the same ({len(tt):,} events), so every pair is 0 days "
                  "apart and the time bands are meaningless (ratios 1, p-values 1 whatever the data): give events "
                  "from more than one period, e.g. several police.uk months, or event dates")
    if np.unique(xs).size == 1 and np.unique(ys).size == 1:
        warn_user(f"knox: every event is at the same location in {_named('x', x)}/{_named('y', y)} ({len(xs):,} "
                  "events), so every pair is 0 apart and the distance bands are meaningless (ratios 1, p-values 1 "
                  "whatever the data): Knox needs events at more than one place")


def _edges(name: str, v: Any) -> np.ndarray:
    if v is None or isinstance(v, (str, bytes)) or np.isscalar(v):
        raise InvalidInputError(f"`{name}` must be a list of band edges, e.g. [0, 100, 200]", name)
    try:
        items = v if isinstance(v, np.ndarray) else list(v)
    except TypeError:
        raise InvalidInputError(f"`{name}` must be a list of band edges, e.g. [0, 100, 200]", name) from None
    return as_float_array(name, items)


def knox(x: Any, y: Any, t: Any, *, distance_bands: Any, time_bands: Any, permutations: int = 99,
         seed: int | None = None, metric: Literal["euclidean", "manhattan"] = "euclidean",
         study_area: Any = None, missing: Literal["error", "drop"] = "error") -> KnoxTable:
    """Knox space-time test / near-repeat table.

    Method (``docs/methods/hotspots.md`` C8): every pair of events is classed by distance band × time band;
    bands are the intervals between consecutive edges, **left-closed [a, b)** (append ``np.inf`` for
    an open last band) — labelled exactly by their edges, without the Near Repeat Calculator's
    off-by-one. The edges start at 0 (``[0, 200, 400]``): edges that start above it (``[200, 400]``,
    read as band widths) leave the nearer pairs in no band, said in a warning with how many.
    Event times are permuted over locations ``permutations`` times (seeded);
    ``knox_ratio`` = observed / mean permuted count, ``p_value`` = (#{sim ≥ obs} + 1)/(B + 1).
    ``x, y`` in metres (see :func:`to_local_metres`), ``t`` in days (numbers or datetimes).
    police.uk months (every time one day of its month, e.g. ``pd.to_datetime(month)``) are 0 days
    apart in one month and 28-31 days per month between, so the table then has a column
    ``months_apart`` saying which months each time band holds (``[0, 32)``: "same or next month";
    ``[63, inf)``: "3+ months apart"), and the headline names it.
    Memory stays O(events + cells): close pairs are enumerated again per permutation when there are
    too many to keep, and permuted tables are accumulated, not stored. Ctrl-C stops it.
    ``missing``: events without coordinates (police.uk publishes some records without a location)
    are refused (``"error"``, the default: a :class:`~saferstats.MissingValueError` naming ``x`` and
    the row) or, with ``"drop"``, left out with their times, as the grid functions do: a warning
    names how many and the first row, ``attrs["missing_coordinates"]`` and the headline count them,
    and the table is that of the events with coordinates. ``study_area``: events outside it are
    left out, named in a warning and counted in ``attrs["outside_study_area"]`` and the headline
    ("Knox test: 2,791 events, 99 permutations (12 points without coordinates left out; 25,055
    points outside the study area left out)": Stevenage's ASB of Hertfordshire's 13 monthly files).

    >>> import numpy as np, saferstats
    >>> k = saferstats.knox([0, 0, 50, 400, 410, 0], [0, 100, 50, 400, 400, 20], [0, 3, 1, 2, 30, 40],
    ...                     distance_bands=[0, 200, np.inf], time_bands=[0, 8, np.inf], permutations=99, seed=1)
    >>> k.headline()
    'Knox test: 6 events, 99 permutations; 0 of 4 cells with p < 0.05 (not adjusted for 4 tests: about 0.2 by chance); highest ratio ... at distance [0, 200), time [0, 8)'
    >>> k[["distance_band", "time_band", "observed"]]
      distance_band time_band  observed
    0      [0, 200)    [0, 8)       3.0
    1      [0, 200)  [8, inf)       4.0
    2    [200, inf)    [0, 8)       3.0
    3    [200, inf)  [8, inf)       5.0
    """
    x, y, (t,), gone = _drop_missing("knox", missing, x, y, t)
    xs, ys = _finite_xy(x, y)
    tt = _times_in_days("t", t)
    given = len(xs)
    if study_area is not None and len(tt) == len(xs):
        xs, ys, (tt,), _, _ = _points_in(xs, ys, study_area, None, tt, fixed=True, fn="knox")
    else:
        _warn_degrees(xs, ys, fn="knox")
    de, te = _edges("distance_bands", distance_bands), _edges("time_bands", time_bands)
    _warn_months(t, tt, te)
    _warn_constant(x, y, t, xs, ys, tt)
    perms = _int_arg("permutations", permutations, 0, 10**9)
    res = _ext.knox(xs, ys, tt, de, te, permutations=perms, seed=_seed(seed), metric=metric)

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
    months = _months_apart(t, te)
    if months is not None:
        # police.uk months (one day of each month): a band of days is a span of calendar months
        out.insert(2, "months_apart", [months[i % nt] for i in range(nd * nt)])
    out.attrs["knox"] = {"events": len(xs), "permutations": perms, "metric": metric}
    out.attrs["missing_coordinates"] = gone
    out.attrs["outside_study_area"] = given - len(xs) if study_area is not None else 0
    _warn_not_from_zero(xs, ys, tt, de, te, metric)
    _warn_empty_bands(out, de, te, tt, t)
    _warn_same_point(xs, ys, tt, de, te, np.asarray(res["observed"], dtype=float))
    return out

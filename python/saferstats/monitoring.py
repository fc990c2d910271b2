"""Performance monitoring: SPC charts with the NHS "Making Data Count" rules, the E-test for two
Poisson counts and the weighted displacement difference (WDD) test. The statistics run in the
Rust ``monitoring`` module; this layer checks the input, orders series and periods and builds the
tables.

Methods, references and the choices made where the anchor tools differ:
``docs/methods/monitoring.md``.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._confidence import single_confidence
from ._frames import aligned, as_float_array, choice_option, int_option, plain, real_option
from .exceptions import InvalidInputError, LengthMismatchError, MissingValueError, SaferstatsError, SaferstatsWarning

__all__ = ["spc", "e_test", "wdd", "wdd_harm"]

_LABELS = _ext.spc_labels()
_SPECIAL = list(_LABELS["special_cause"])
_POINT = list(_LABELS["point_type"])
_ASSURANCE = list(_LABELS["assurance"])
_CHARTS = ("xmr", "c", "u", "p")
TRIAL_BELOW = 12


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


def _period_numbers(labels: Any, name: str) -> np.ndarray:
    from .trend import parse_periods

    s = pd.Series(labels)
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
        raise InvalidInputError(str(e).replace("column '", "`").replace("' row", "` row"), name, e.index) from None


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


def _rebase_flags(
    rebase: Any, codes_sorted: np.ndarray, t_sorted: np.ndarray | None, labels: list[Any]
) -> np.ndarray:
    n = len(codes_sorted)
    flags = np.zeros(n, dtype=bool)
    if rebase is None:
        return flags
    per: dict[int, Any]
    if isinstance(rebase, Mapping):
        per = {}
        for k, v in rebase.items():
            if plain(k) not in labels:
                raise InvalidInputError(f"`rebase` names series {k!r}, which is not in the data", "rebase")
            per[labels.index(plain(k))] = v
    else:
        per = {g: rebase for g in range(len(labels))}
    starts = np.flatnonzero(np.r_[True, codes_sorted[1:] != codes_sorted[:-1]])
    ends = np.r_[starts[1:], n]
    for g, points in per.items():
        if points is None:
            continue
        if isinstance(points, (str, bytes)) or np.isscalar(points):
            points = [points]
        a, b = starts[g], ends[g]
        name = "" if labels[g] is None else f" of series {labels[g]!r}"
        if t_sorted is None:
            for p in points:
                if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Integral) or not 0 <= int(p) < b - a:
                    raise InvalidInputError(
                        f"`rebase`: {p!r} is not a position in the {b - a} points{name} (without `periods`, "
                        "rebase points are positions 0, 1, ... within each series)", "rebase")
                flags[a + int(p)] = True
        else:
            want = _period_numbers(pd.Series(list(points)), "rebase")
            for p, w in zip(points, want):
                hit = np.flatnonzero(np.abs(t_sorted[a:b] - w) < 1e-9)
                if hit.size == 0:
                    raise InvalidInputError(f"`rebase` period {plain(p)!r} is not in the data{name}", "rebase")
                flags[a + hit[0]] = True
    return flags


def spc(
    values: Any,
    *,
    periods: Any = None,
    by: Any = None,
    improvement: Literal["increase", "decrease", "neutral"] = "increase",
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
    order); ``by`` labels the series (many series in one call). ``rebase`` lists the periods (or,
    without ``periods``, positions) where limits are recalculated — a list for every series or a
    dict ``{series: [periods]}``; ``fix_after`` computes each segment's limits from its first
    points only. ``target`` (a number or ``{series: number}``) gives the assurance.

    Returns one row per input row, in input order: ``series`` (with ``by``), ``period`` (with
    ``periods``), ``value, mean, lpl, upl, lower_2sigma, upper_2sigma, segment, trial_limits,
    outside_limits, trend, two_in_three, shift, special_cause, point_type, variation,
    assurance``. ``variation`` (the last point's type) and ``assurance`` (``consistent_pass``,
    ``consistent_fail``, ``inconsistent``) are per series; ``.attrs["summary"]`` holds them one
    row per series.

    Warnings and errors: fewer than 12 points behind a segment's limits gives trial limits (a
    :class:`SaferstatsWarning`, ``trial_limits`` True); a gap in the periods a warning; missing or
    non-numeric values, a segment of one point, duplicate periods, a target that is not a number
    and rebase periods not in the data raise :class:`InvalidInputError` naming the argument.

    >>> import saferstats
    >>> y = [0.56, -0.23, 1.56, 0.07, 0.13, 1.72, 0.46, -1.27, -0.69, -0.45, 1.22, 0.36, 6.0]
    >>> out = saferstats.spc(y)
    >>> out[["value", "mean", "lpl", "upl", "special_cause"]].round(3).tail(2)
        value   mean   lpl    upl      special_cause
    11   0.36  0.726 -2.19  3.642       common cause
    12   6.00  0.726 -2.19  3.642  above upper limit
    >>> out["variation"].iloc[-1]
    'special_cause_improvement'
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
    v = as_float_array("values", values)
    n = len(v)
    index = values.index if isinstance(values, pd.Series) and len(values.index) == n else pd.RangeIndex(n)
    miss = np.isnan(v)
    if miss.any():
        i = int(np.flatnonzero(miss)[0])
        raise MissingValueError(f"`values` row {i}: missing value; SPC needs a value for every period", "values", i)
    den = None
    if chart in ("u", "p"):
        if denominators is None:
            raise InvalidInputError(f"`denominators` are needed for a {chart} chart", "denominators")
        den = as_float_array("denominators", denominators)
        if len(den) != n:
            raise LengthMismatchError(
                f"length mismatch: `values` has {n} elements but `denominators` has {len(den)}", "denominators")
    codes, labels = _labels("by", by, n)
    t, period_labels = _times(periods, n)
    order = np.lexsort((t if t is not None else np.arange(n, dtype=float), codes))
    cs = codes[order]
    if t is not None:
        ts = t[order]
        same = np.flatnonzero((cs[1:] == cs[:-1]) & (ts[1:] == ts[:-1]))
        if same.size:
            i = int(order[same[0] + 1])
            raise InvalidInputError(
                f"`periods` row {i}: period {plain(period_labels.iloc[i])!r} appears twice"
                + ("" if labels[cs[same[0]]] is None else f" in series {labels[cs[same[0]]]!r}"), "periods", i)
        d = np.diff(ts)[cs[1:] == cs[:-1]]
        if d.size:
            step = float(np.median(d))
            gaps = sorted({labels[c] for c, dd, ok in zip(cs[1:], np.diff(ts), cs[1:] == cs[:-1]) if ok and dd > 1.5 * step})
            if gaps:
                where = "" if gaps == [None] else f" in series {gaps[:5]}"
                warnings.warn(
                    f"spc: periods are missing{where} (a step more than 1.5 × the usual one); moving ranges "
                    "span the gap and runs count the points either side as neighbours", SaferstatsWarning, stacklevel=2)
    else:
        ts = None
    starts = np.flatnonzero(np.r_[True, cs[1:] != cs[:-1]]).tolist() if n else []
    flags = _rebase_flags(rebase, cs, ts, labels) if n else np.zeros(0, dtype=bool)
    targets = _target(target, labels)
    try:
        rows, series = _ext.spc_many(
            np.ascontiguousarray(v[order]), None if den is None else np.ascontiguousarray(den[order]),
            starts, flags, targets, chart, improvement, fix_after, bool(screen_outliers),
            trend_points, shift_points, bool(laney))
    except SaferstatsError as e:
        if e.index is not None and e.argument in ("values", "denominators") and e.index < n:
            i = int(order[e.index])
            msg = str(e).replace(f"position {e.index}", f"row {i}")
            raise type(e)(msg, e.argument, i) from None
        raise
    inv = np.empty(n, dtype=np.int64)
    inv[order] = np.arange(n)
    out = pd.DataFrame(index=index)
    if by is not None:
        out["series"] = [labels[c] for c in codes]
    if period_labels is not None:
        out["period"] = np.asarray(period_labels)
    for k in ("value", "mean", "lpl", "upl", "lower_2sigma", "upper_2sigma"):
        col = rows[k][inv]
        out[k] = col * mult if chart in ("u", "p") else col
    for k in ("segment", "trial_limits", "outside_limits", "trend", "two_in_three", "shift"):
        out[k] = rows[k][inv]
    out["special_cause"] = [_SPECIAL[c] for c in rows["special_cause"][inv]]
    out["point_type"] = [_POINT[c] for c in rows["point_type"][inv]]
    variation = [_POINT[c] for c in series["variation"]]
    assurance = [_ASSURANCE[c] or None for c in series["assurance"]]
    out["variation"] = [variation[c] for c in codes]
    out["assurance"] = [assurance[c] for c in codes]
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
    })
    if by is None:
        summary = summary.drop(columns="series")
    out.attrs["summary"] = summary
    trial = [lab for lab, tr in zip(labels, series["trial_limits"]) if tr]
    if trial:
        where = "" if trial == [None] else f" (series {trial[:5]}{' ...' if len(trial) > 5 else ''})"
        warnings.warn(
            f"spc: limits rest on fewer than {TRIAL_BELOW} points{where}: these are trial limits, to be "
            "revised as more points arrive (column trial_limits)", SaferstatsWarning, stacklevel=2)
    return out


def e_test(k1: Any, k2: Any, *, n1: Any = 1, n2: Any = 1) -> Any:
    """E-test p-value for the ratio of two Poisson rates (Krishnamoorthy & Thomson 2004).

    Method (``docs/methods/monitoring.md``; ptools ``e_test``): counts ``k1``, ``k2`` over
    exposures ``n1``, ``n2`` (time, population); the p-value sums the probability of every pair
    of counts at least as far apart as the observed pair under the pooled rate — more powerful
    than the conditional (binomial) test for small counts. Returns a float for scalar input
    (NaN when both counts are 0: the test is not defined), else a Series ``p_value``.

    Raises :class:`InvalidInputError` for negative or fractional counts and exposures ≤ 0.

    >>> import saferstats
    >>> round(saferstats.e_test(0, 3), 4), round(saferstats.e_test(6, 2), 4)
    (0.0884, 0.1749)
    >>> saferstats.e_test([6, 12], [2, 30], n2=[1, 3]).round(4).tolist()
    [0.1749, 0.6039]
    """
    scalar = all(np.isscalar(x) for x in (k1, k2, n1, n2))
    arrays, index = aligned(k1=k1, k2=k2, n1=n1, n2=n2)
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
    return [float(u) for u in a]


def _wdd_frame(rows: list[list[float]], index: list[str], confidence: float, method: str) -> pd.DataFrame:
    out = pd.DataFrame(rows, index=index, columns=["estimate", "se", "z", "p_value", "lower", "upper"])
    out = out[["estimate", "se", "z", "lower", "upper", "p_value"]]
    out["confidence"] = confidence
    out["method"] = method
    return out


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
    upper, p_value, confidence, method`` (negative estimates = fewer crimes; with no
    displacement areas that row is 0 with ``z`` NaN).

    >>> import saferstats
    >>> saferstats.wdd([308, 318], [207, 110], [150, 140], [178, 157]).round(2).iloc[:, :5]
                  estimate     se     z   lower   upper
    local           -107.0  30.71 -3.48 -167.19  -46.81
    displacement     -11.0  25.00 -0.44  -60.00   38.00
    total           -118.0  39.60 -2.98 -195.61  -40.39
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
    rows = _ext.wdd(c, t, dc, dt, tw, aw, conf)
    return _wdd_frame(rows, ["local", "displacement", "total"], conf, "wdd")


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
    row = _ext.wdd_harm(arrays["estimates"].tolist(), arrays["se"].tolist(), arrays["weights"].tolist(), conf)
    return _wdd_frame([row], ["harm"], conf, "wdd_harm")

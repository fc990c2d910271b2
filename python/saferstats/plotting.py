"""Plots for the analyses (matplotlib, the optional ``plot`` extra). Each function draws on the
``ax`` given (or a new figure), returns the Axes, and states the method and confidence level in
its labels. No statistics are computed here beyond calling the saferstats API."""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from ._confidence import normalise_confidence
from ._frames import accepts_frames, aligned, check_same_order, plain, real_option
from .exceptions import InvalidInputError, LengthMismatchError, number_of
from .trend import (
    DEFAULT_MULT, funnel_frame, funnel_kind, overdispersion_applies, parse_periods_step, warn_unlike, funnel_limits, funnel_significance,
    funnel_target, poisson_trend, warn_non_resident,
)
from .rates import rate_ci

__all__ = ["plot_funnel", "plot_trend", "plot_disproportionality", "plot_its", "plot_clusters", "plot_kde", "plot_gi",
           "plot_areas"]

_SIG_COLOURS = {
    "Low (0.001)": "#1f4e9c",
    "Low (0.025)": "#6f9fd8",
    "Not significant": "#9e9e9e",
    "High (0.025)": "#f0a04b",
    "High (0.001)": "#c0392b",
    "Not applicable": "#dddddd",
}


def number_label(v: float) -> str:
    """A value for a legend or title: from 1,000 up in full with separators (a rate of 1,920 per
    100,000 is not "1.92e+03"), smaller values to 3 significant figures."""
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def axes_for(ax: Any, **fig_kw: Any) -> Any:
    """``ax``, or new matplotlib axes (7 by 5 inches unless ``fig_kw`` says) when it is None; an
    ImportError saying how to install the plotting extra when matplotlib is absent."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError("plotting needs matplotlib: pip install 'saferstats[plot]'") from exc
    if ax is None:
        fig_kw.setdefault("figsize", (7, 5))
        _, ax = plt.subplots(**fig_kw)
    return ax


def fit_in_figure(fig: Any, artists: Sequence[Any], *, grow: bool = False) -> None:
    """Make room in ``fig`` until ``artists`` (a legend or a text box beside the axes, tick labels)
    lie inside it, so a plain ``fig.savefig(path)`` (no ``bbox_inches="tight"``) does not cut them
    off. A figure with a layout engine (constrained layout, as the plots make for themselves) is
    left alone: it fits its axes' decorations when drawn. So is a canvas that cannot measure text.

    Method: the artists' window extents are measured and the figure's subplot margins
    (``fig.subplots_adjust``) are moved by the overflow on each side, 4 pixels kept free (8 on the
    right, for a text box's pad), up to three times as the text moves with the axes. With
    ``grow=False`` the figure keeps its size and the axes narrow (the left margin at most 0.8 of
    the width, the axes at least 0.2 wide); with ``grow=True`` the figure grows by the overflow and
    the axes keep their size and place in inches, so an image saved with ``bbox_inches="tight"``
    (the report's) is the same as without the fitting. Reference: matplotlib's own measure, the
    figure's bounding box (``fig.bbox``) against the artists' ``get_window_extent``.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    >>> _ = ax.plot([0, 1], label="a long legend entry beside the axes")
    >>> legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    >>> fit_in_figure(fig, [legend], grow=True)
    >>> bool(legend.get_window_extent().x1 <= fig.bbox.x1)
    True
    """
    measure = getattr(fig.canvas, "get_renderer", None)  # none: a canvas that cannot measure text before saving
    shown = [a for a in artists if a is not None and (not hasattr(a, "get_text") or a.get_text())]
    if fig.get_layout_engine() is not None or measure is None or not shown:
        return
    for _ in range(3):
        renderer, width, height = measure(), fig.bbox.width, fig.bbox.height
        boxes = [a.get_window_extent(renderer) for a in shown]
        left, bottom = 4 - min(b.x0 for b in boxes), 4 - min(b.y0 for b in boxes)
        right, top = max(b.x1 for b in boxes) + 8 - width, max(b.y1 for b in boxes) + 4 - height
        if max(left, right, bottom, top) <= 0:
            return
        p = fig.subplotpars
        if grow:
            w, h = fig.get_size_inches()
            dl, dr, db, dt = (max(v, 0.0) / fig.dpi for v in (left, right, bottom, top))
            nw, nh = w + dl + dr, h + db + dt
            pars = {"left": (p.left * w + dl) / nw, "right": (p.right * w + dl) / nw,
                    "bottom": (p.bottom * h + db) / nh, "top": (p.top * h + db) / nh}
            fig.set_size_inches(nw, nh)
            fig.subplots_adjust(**pars)
            continue
        adjust = {}
        if left > 0:
            adjust["left"] = min(p.left + left / width, 0.8)
        if right > 0:
            adjust["right"] = max(p.right - right / width, p.left + 0.2)
        if bottom > 0:
            adjust["bottom"] = min(p.bottom + bottom / height, p.top - 0.2)
        if top > 0:
            adjust["top"] = max(p.top - top / height, p.bottom + 0.2)
        fig.subplots_adjust(**adjust)


def plot_funnel(
    numerators: Any,
    denominators: Any,
    *,
    labels: Sequence[str] | None = None,
    kind: Literal["proportion", "rate", "ratio"] | None = None,
    target: float | None = None,
    multiplier: float | None = None,
    highlight: Sequence[str] = (),
    ax: Any = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    overdispersion: Any = None,
    data: Any = None,
) -> Any:
    """PHE funnel plot: each area's value against its denominator, with 95% and 99.8% control
    limits (:func:`saferstats.funnel_limits`) around the target (default: the overall value,
    :func:`saferstats.funnel_target`), points coloured by :func:`saferstats.funnel_significance`.
    Limits are drawn at 100 geometrically spaced denominators, as PHE does. ``kind`` (``"rate"``
    for counts per population, ``"proportion"``, ``"ratio"``) not given is chosen as
    :func:`saferstats.funnel_limits` chooses it: an ``overdispersion`` result's kind, else
    proportions with a warning, refused where a numerator exceeds its denominator.
    ``overdispersion=True`` draws limits widened for over-dispersion when the points are
    over-dispersed (φ > 1; :func:`saferstats.funnel_overdispersion`, Spiegelhalter 2005) and says
    in the title which limits were used. Left at ``None``, PHE's exact limits are drawn, with a
    warning when far more points lie outside the 99.8% limits than chance allows (as
    :func:`saferstats.funnel_significance`); ``overdispersion=False`` draws them without it.

    ``data=`` (a DataFrame): ``numerators``, ``denominators`` and ``labels`` are the names of its
    columns; without ``labels=`` the points are named by its name column (``force``, ``la_name``, ...,
    or an index of names), which ``highlight=`` then matches. Points not like for like with the others (:func:`saferstats.read_flytipping`'s
    ``not_all_incidents`` / ``recording_step`` rows: a council counting only the public's
    reports) are named in a :class:`~saferstats.SaferstatsWarning`, as in
    :func:`saferstats.funnel_significance`, and drawn as open black rings, counted in the legend;
    they still count in the target and the limits (leave them out of ``data`` to compare like
    with like). ``ax.saferstats_not_like_for_like`` lists them. With ``data=``, or ``labels=`` (or
    Series indexed by the areas' names) and a denominator Series named as a resident population
    (``population``, ``residents``), or unnamed denominators (a numpy array, a list, a Series
    without a name) of a ``"rate"`` funnel, taken as the usual resident population, a point of an
    area whose residents are a poor denominator (:func:`saferstats.trend.non_resident_areas`: the
    City of London) is named in a :class:`~saferstats.SaferstatsWarning`, as in
    :func:`saferstats.funnel_significance`, and listed in ``ax.saferstats_non_resident_areas``. The
    check needs the areas' names: numpy arrays without ``labels=`` or ``data=`` are not checked
    (``ax.saferstats_non_resident_areas`` is then empty). Denominators of another kind on a rate
    funnel (people present by day, say) are a Series named for what they are (``footfall``).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> df = saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna()
    >>> ax = plot_funnel(df["offences"], df["population"], labels=df["force"], kind="rate",
    ...                  highlight=["Hertfordshire"])
    >>> ax.get_ylabel()
    'rate per 100,000'
    """
    ax = axes_for(ax)
    cols, frame = funnel_frame("plot_funnel", data, numerators=numerators, denominators=denominators,
                                **({"labels": labels} if isinstance(labels, str) or data is not None else {}))
    numerators, denominators = cols["numerators"], cols["denominators"]
    labels = cols.get("labels", labels)
    label_column = labels.name if isinstance(labels, pd.Series) else None  # (labels=df["force"]: the warnings' column)
    check_same_order(numerators=numerators, denominators=denominators,
                     **({"labels": labels} if isinstance(labels, pd.Series) else {}))
    arrays, index = aligned(numerators=numerators, denominators=denominators)
    o, d = arrays["numerators"], arrays["denominators"]
    if labels is None and frame is not None:
        from .trend import frame_names

        # data= without labels=: the points are named by the table (its force / la_name column, or an index of
        # names), as in the warnings, so that highlight= finds them; not by row numbers
        labels = frame_names(frame)
    if labels is None and index is not None and not isinstance(index, pd.RangeIndex):
        labels = list(index)  # Series indexed by area (set_index("force")): their labels name the points
    if labels is not None:
        if isinstance(labels, (str, bytes)) or np.isscalar(labels):
            raise InvalidInputError(f"`labels` must be one label per point, got {labels!r}", "labels")
        labels = list(labels)
        if len(labels) != len(o):
            # labels are matched to points by position: a list of another length would name the wrong points
            raise LengthMismatchError(
                f"length mismatch: `numerators` has {len(o)} elements but `labels` has {len(labels)}", "labels")
    # kind not given: chosen as funnel_limits chooses it (said in a warning, or refused where the points
    # cannot be proportions)
    kind = cast(Literal["proportion", "rate", "ratio"],
                funnel_kind("plot_funnel", kind, o=o, d=d, target=target, multiplier=multiplier, names=labels,
                             overdispersion=overdispersion))
    mult = DEFAULT_MULT.get(kind, 1.0) if multiplier is None else real_option("multiplier", multiplier)
    # the City of London on its residents, said as funnel_significance(data=) says it (its call below has no table)
    named, pop = (frame, denominators.name) if frame is not None else (None, None)
    # the areas named by labels= (or an index of names); the denominators by their Series' name, or, unnamed
    # (numpy, a list) on a rate funnel, taken as the usual resident population
    den_name = denominators.name if isinstance(denominators, pd.Series) else None
    if frame is None and labels is not None and (isinstance(den_name, str) or (den_name is None and kind == "rate")):
        by = label_column if label_column in ("force", "force_name", "la_name", "la", "name", "csp") else "area"
        pop = den_name if isinstance(den_name, str) else "population"
        named = pd.DataFrame({by: [str(plain(v)) for v in labels], "_count": o}).assign(**{pop: d})
    non_resident = warn_non_resident("plot_funnel", named, numerators.name if frame is not None else "_count", pop,
                                     listed_in="ax.saferstats_non_resident_areas")
    unlike = warn_unlike("plot_funnel", numerators, denominators, ~(np.isnan(o) | np.isnan(d)), frame,
                          names=labels if frame is not None else None)
    from .trend import point_names

    if target is None:
        target = 1.0 if kind == "ratio" else funnel_target(o, d, kind=kind, multiplier=mult)
    # (with the points' names, so that its warnings name the areas (labels=, or data='s la_name and
    # period), not row numbers such as 3021 of a filtered table)
    names = index if frame is None and labels is None else pd.Index(point_names(frame, index, labels))
    with warnings.catch_warnings(record=True) as caught:  # its warnings said as plot_funnel's
        warnings.simplefilter("always")
        sig = funnel_significance(pd.Series(o, index=names), pd.Series(d, index=names), target=target, kind=kind,
                                  multiplier=mult, overdispersion=overdispersion, missing="propagate")
    for w in caught:
        text = str(w.message)
        warnings.warn_explicit(text.replace("funnel_significance: ", "plot_funnel: ", 1) if
                               "outside the 99.8% limits" in text else w.message, w.category, w.filename, w.lineno)
    od = sig.attrs.get("overdispersion")
    od_used = od is not None and overdispersion_applies(od)
    value = o / d * (mult if kind != "ratio" else 1.0)
    lo, hi = max(np.nanmin(d) * 0.8, 1e-9), np.nanmax(d) * 1.2
    grid = np.geomspace(lo, hi, 100)
    lim = funnel_limits(grid, target=target, kind=kind, multiplier=mult, overdispersion=od if od_used else None)
    ax.plot(grid, lim["lower_998"], color="#444444", lw=1, ls="--", label="99.8% limits")
    ax.plot(grid, lim["upper_998"], color="#444444", lw=1, ls="--")
    ax.plot(grid, lim["lower_95"], color="#444444", lw=1, ls=":", label="95% limits")
    ax.plot(grid, lim["upper_95"], color="#444444", lw=1, ls=":")
    ax.axhline(target, color="black", lw=1, label=f"target {number_label(target)}")
    for name, colour in _SIG_COLOURS.items():
        m = (sig == name).to_numpy()
        if m.any() and name == "Not applicable":  # no value to draw: counted in the legend, not plotted
            ax.scatter([], [], s=22, color=colour, label=f"Not applicable (no value, not drawn): {int(m.sum())}")
        elif m.any():
            ax.scatter(d[m], value[m], s=22, color=colour, label=name, zorder=3, edgecolor="white", linewidth=0.5)
    if unlike:
        rows = {r["row"] for r in unlike}
        where = np.array([plain(v) in rows for v in (frame.index if frame is not None else
                                                     (index if index is not None else range(len(o))))], dtype=bool)
        where &= np.isfinite(value)
        ax.scatter(d[where], value[where], s=60, facecolors="none", edgecolors="black", linewidth=1.0, zorder=4,
                   label=f"not like for like (not all incidents / recording change): {int(where.sum())}")
    ax.saferstats_not_like_for_like = unlike
    ax.saferstats_non_resident_areas = non_resident
    if highlight:
        wanted = [highlight] if isinstance(highlight, str) else list(highlight)
        known = set() if labels is None else {str(v) for v in labels}
        missing = [h for h in wanted if str(h) not in known]
        if missing:
            import difflib

            from .exceptions import warn_user

            close = {h: difflib.get_close_matches(str(h), sorted(known), n=2, cutoff=0.6) for h in missing[:5]}
            hint = "; ".join(f"{h!r}: close labels {c}" for h, c in close.items() if c)
            warn_user(f"plot_funnel: `highlight` {missing[:5]} not among the labels, so not marked"
                      + (" (give labels=)" if labels is None else "") + (f" ({hint})" if hint else ""))
        highlight = wanted
        if labels is not None:
            # a highlighted point with no value (City of London: no population in the Home Office table)
            # is not drawn, so it cannot be marked: say so rather than leave it out silently
            blank = [str(name) for i, name in enumerate(labels)
                     if str(name) in {str(h) for h in wanted} and not np.isfinite(value[i])]
            if blank:
                from .exceptions import warn_user

                warn_user(f"plot_funnel: `highlight` {blank[:5]} not marked: no value to draw (a missing numerator or "
                          "denominator)")
    if labels is not None:
        for i, name in enumerate(labels):
            if name in highlight and np.isfinite(value[i]):
                ax.annotate(name, (d[i], value[i]), xytext=(5, 5), textcoords="offset points", fontsize=8)
    unit = {"proportion": "%" if mult == 100 else f"per {mult:,.0f}", "rate": f"rate per {mult:,.0f}", "ratio": "ratio"}
    ax.set_ylabel(ylabel or unit.get(kind, "value"))
    ax.set_xlabel(xlabel or {"rate": "population", "ratio": "expected count"}.get(kind, "denominator"))
    if np.nanmax(d) >= 10_000:  # populations as written (8,908,100), not in units of 1e7
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    limits = (f"over-dispersed limits, phi {od['phi']:.3g}, tau2 {od['tau2']:.3g}" if od_used
              else "PHE exact limits" + ("; not over-dispersed" if od is not None else ""))
    ax.set_title(title or f"Funnel plot ({kind}; {limits}, 95% and 99.8%)", fontsize=10)
    ax.legend(fontsize=7, loc="best")
    return ax


@accepts_frames("data")
def plot_trend(
    data: pd.DataFrame,
    *,
    count: str = "count",
    population: str | None = "population",
    period: str = "period",
    by: str | None = None,
    multiplier: float = 100_000,
    confidence: float = 0.95,
    fit: bool = True,
    dispersion: Literal["poisson", "quasi", "negbin", "auto"] = "auto",
    use_t: bool | Literal["auto"] = False,
    missing: Literal["error", "drop"] = "error",
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """Rate per period with its confidence band (PHE exact/Byar's) and, with ``fit=True``, the
    fitted log-linear trend (:func:`saferstats.poisson_trend`) with the APC in the legend.
    ``by`` draws one line per group on the same axes. ``population=None`` plots counts.
    ``dispersion`` and ``use_t`` are passed to :func:`saferstats.poisson_trend`: ``use_t=True``
    gives the APC limits from Student's t on the residual degrees of freedom, better on the few
    years of a local series than the normal default; ``use_t="auto"`` is R's ``summary.glm`` rule
    per line, as ``saferstats trend`` and the report take it: t where the fit is quasi-Poisson, the
    normal where it is Poisson (so each line's limits are its row of
    ``poisson_trend(..., use_t="auto")``); anything else raises
    :class:`~saferstats.InvalidInputError` naming ``use_t``. The legend's last entry says which the
    trends' limits are, in the words of :func:`saferstats.trend.intervals_said` (``"95% limits of the
    trends: z"``; with ``use_t="auto"`` each line's, e.g. ``"t (df=6) Race; z Disability"``, and the rule).

    The x axis is labelled with the periods as written (``2017/18``, not ``2017.0``; a financial
    year is placed at its starting year). A period missing from a series (2015/16, 2017/18) breaks
    its line rather than joining across the gap. A group with fewer than 3 periods, or whose trend
    is not estimable, gets no trend line: its legend entry says why, a
    :class:`~saferstats.SaferstatsWarning` names it, and the title mentions a dashed trend only when
    one is drawn. ``missing``: a count or population the source did not publish (NaN) raises
    :class:`~saferstats.MissingValueError` naming the column and row (``"error"``, default);
    ``"drop"`` leaves such rows out (the line breaks there; the trend uses the periods that have
    figures) with a warning naming them.

    A period the source footnotes (``data.attrs["footnotes"]``, as :func:`saferstats.read_hate_crime`
    gives the bulletin's "2017/18³: Merseyside police have revised figures for 2017/18.") is ringed
    on every line, with the note in the legend ("ringed: footnoted by the source — 2017/18: ...")
    and "ringed: footnoted period" in the title: its figures are not like the others', so a change
    into or out of it is read with the note (a warning says so when no trend over it is fitted).

    Monthly (quarterly) counts whose month-of-year pattern :func:`saferstats.poisson_trend`'s
    season check finds material (``.attrs["season"]``; docs/methods/trends.md, "Monthly counts:
    the season") get a note in the legend, and "season: see legend" in the title: the dashed
    straight trend has no term for the season, and the note gives the APC with one (the Home
    Office's monthly racially or religiously aggravated offences: +12.1%/yr without, +12.9%/yr
    with), so that the figure does not show the one without saying so.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> nat = saferstats.datasets.hate_crime_national().query("strand in ['Disability', 'Transgender']")
    >>> ax = plot_trend(nat, population=None, period="year", by="strand")
    >>> len(ax.get_lines())  # two series, their trends, and the footnoted 2017/18 ringed on each
    6
    >>> [t.get_text() for t in ax.get_xticklabels()][:3]
    ['2011/12', '2012/13', '2013/14']
    >>> ax = plot_trend(nat, population=None, period="year", by="strand", use_t="auto")
    >>> print(ax.get_legend().get_texts()[-1].get_text())
    95% limits of the trends: t (df=6) (use_t='auto', R's
    summary.glm: t where quasi-Poisson, z where Poisson)
    """
    from .exceptions import MissingValueError, warn_user
    from ._frames import choice_option, plain
    from .trend import footnoted, period_key, use_t_option

    use_t_option(use_t)  # True, False or "auto", checked before anything is drawn
    level = normalise_confidence(confidence)
    if not isinstance(level, float):
        raise InvalidInputError("plot_trend draws one confidence band: give one level, e.g. 0.95", "confidence")
    confidence = level
    missing = choice_option("missing", missing, ("error", "drop"))
    if not isinstance(data, pd.DataFrame):
        raise InvalidInputError(f"`data` must be a DataFrame, got {type(data).__name__}", "data")
    value_cols = [count] + ([population] if population is not None else [])
    for kw, col in [("count", count), ("population", population), ("period", period), ("by", by)]:
        if col is not None and col not in data.columns:
            raise InvalidInputError(f"column {col!r} (keyword `{kw}`) is not in the data; columns: "
                                    f"{list(data.columns)[:12]}", kw)
    # a missing count or population, named by its row in the caller's table (not its position
    # inside a group) before anything is drawn
    na = np.zeros(len(data), dtype=bool)
    for col in value_cols:
        na |= data[col].isna().to_numpy()
    if na.any():
        rows = np.flatnonzero(na)

        def _where(i: int) -> str:
            what = ", ".join(str(plain(data[k].iloc[i])) for k in [*([by] if by is not None else []), period])
            return f"row {plain(data.index[i])!r} ({what})"

        if missing == "error":
            i = int(rows[0])
            col = next(c for c in value_cols if pd.isna(data[c].iloc[i]))
            raise MissingValueError(
                f"plot_trend: missing value (NaN) in column {col!r} at {_where(i)}; {number_of(len(rows), 'row')} "
                f"in all — pass missing='drop' to leave {'it' if len(rows) == 1 else 'them'} out (the line breaks "
                "there and the trend uses the periods that have figures)", col, plain(data.index[i]))
        shown = "; ".join(_where(int(i)) for i in rows[:5]) + ("; ..." if len(rows) > 5 else "")
        warn_user(f"plot_trend: {number_of(len(rows), 'row')} with a missing count or population left out (the "
                  f"line breaks there): {shown}")
    ax = axes_for(ax)
    # the periods the source footnotes (revised, recording changed): ringed on each line, noted in the legend
    footnotes = footnoted(data, data[period].to_numpy(), range(len(data)))
    foot_keys = {period_key(p) for p in footnotes}
    foot_ring: Any = None
    groups = [(None, data)] if by is None else list(data.groupby(by, sort=True))
    ticks: dict[float, str] = {}
    step_all: float | None = None
    fitted_groups: list[tuple[Any, pd.DataFrame, np.ndarray, Any]] = []
    no_trend: dict[str, str] = {}
    series_lines: list[Any] = []
    for key, g in groups:
        t, step = parse_periods_step(g[period], period)
        order = np.argsort(t, kind="stable")
        g = g.iloc[order]
        t = t[order]
        for x, lab in zip(t, g[period].tolist()):
            ticks.setdefault(float(x), str(plain(lab)))
        pop = g[population].to_numpy(dtype=float) if population is not None else np.ones(len(g))
        mult = multiplier if population is not None else 1.0
        r = rate_ci(g[count].to_numpy(dtype=float), pop, multiplier=mult, confidence=confidence,
                    missing="propagate" if missing == "drop" else "error")
        rate, lo, hi = (r[c].to_numpy(dtype=float) for c in ("rate", "lower", "upper"))
        noted = np.array([period_key(v) in foot_keys for v in g[period].tolist()], dtype=bool)
        noted &= np.isfinite(rate)
        noted_x, noted_y = t[noted], rate[noted]
        # a period absent from the series breaks the line (a NaN point between the two sides)
        d = np.diff(t)
        unit = step if step is not None else (float(d[d > 0].min()) if np.any(d > 0) else 1.0)
        step_all = unit if step_all is None else min(step_all, unit)
        gaps = np.flatnonzero(d > unit * (1 + 1e-6))
        xs = np.insert(t, gaps + 1, t[gaps] + unit / 2)
        rate, lo, hi = (np.insert(v, gaps + 1, np.nan) for v in (rate, lo, hi))
        label = "" if key is None else f"{plain(key)}"
        (line,) = ax.plot(xs, rate, marker="o", ms=3, label=label or None)
        series_lines.append(line)
        ax.fill_between(xs, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
        if len(noted_x):
            (ring,) = ax.plot(noted_x, noted_y, ls="none", marker="o", ms=9, mfc="none", mec="black", mew=1.1,
                              zorder=5, label="footnoted")
            foot_ring = foot_ring if foot_ring is not None else ring
        if fit:
            have = ~g[value_cols].isna().any(axis=1).to_numpy()
            n_have = int(have.sum())
            if n_have < 3:
                no_trend[label or "the series"] = f"{n_have} period{'s' if n_have != 1 else ''}; a trend needs at least 3"
                if label:
                    line.set_label(f"{label} (no trend: {no_trend[label]})")
            else:
                fitted_groups.append((key, g[have], t[have], line))
    drawn = 0
    trend_lines: dict[int, Any] = {}
    warned_notes: set[str] = set()
    if fitted_groups:
        sub = pd.concat([g for _, g, _, _ in fitted_groups])
        trends = poisson_trend(sub, count=count, population=population, period=period, by=by, confidence=confidence,
                               dispersion=dispersion, use_t=use_t)
        warned_notes = set(trends.attrs.get("footnotes") or {})  # poisson_trend has said these
        by_key = {plain(k): row for k, row in trends.set_index(by).iterrows()} if by is not None else None
        for key, g, t, line in fitted_groups:
            tr = trends.iloc[0] if by_key is None else by_key[plain(key)]
            label = "" if key is None else f"{plain(key)}"
            if np.isfinite(tr["apc"]):
                mult = multiplier if population is not None else 1.0
                fitted = np.exp(tr["intercept"] + tr["beta"] * t) * mult
                (trend_lines[id(line)],) = ax.plot(
                    t, fitted, ls="--", color=line.get_color(),
                    label=f"{label} trend {tr['apc']:+.1f}%/yr ({tr['apc_lower']:+.1f} to {tr['apc_upper']:+.1f})".strip())
                drawn += 1
            else:
                why = str(tr.get("note", "") or "not estimable")
                no_trend[label or "the series"] = f"not estimable: {why}"
                if label:
                    line.set_label(f"{label} (no trend: not estimable)")
    if fit and no_trend:
        names = "; ".join(f"{k} ({v})" for k, v in list(no_trend.items())[:6]) + ("; ..." if len(no_trend) > 6 else "")
        warn_user(f"plot_trend: no trend line for {len(no_trend)} of {len(groups)} series: {names}")
    # periods as written on the axis: every label when there are few, else every k-th (months over
    # many years keep matplotlib's year ticks, where 2014 is January 2014)
    labelled = len(data) > 0 and all(isinstance(v, str) for v in data[period].tolist())
    if labelled and ticks and (len(ticks) <= 12 or (step_all is not None and step_all >= 1)):
        xs_sorted = sorted(ticks)
        every = max(1, int(np.ceil(len(xs_sorted) / 12)))
        chosen = xs_sorted[::every]
        ax.set_xticks(chosen)
        ax.set_xticklabels([ticks[x] for x in chosen])
        if len(chosen) > 8:
            ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel(period)
    ax.set_ylabel(f"rate per {multiplier:,.0f}" if population is not None else count)
    trend_note = "; dashed: log-linear trend" if drawn else ""
    foot_note = "; ringed: footnoted period (see legend)" if foot_ring is not None else ""
    season_notes = _season_notes(trends.attrs.get("season") if fitted_groups else None, by, confidence)
    season_note = "; season: see legend" if season_notes else ""
    ax.set_title(title or f"{confidence * 100:g}% CI band (PHE method){trend_note}{foot_note}{season_note}",
                 fontsize=10)
    if foot_ring is not None:
        import textwrap

        said = "; ".join(f"{p}: {n}" for p, n in footnotes.items())
        foot_ring.set_label(textwrap.fill(f"ringed: footnoted by the source — {said}", 60))
        unsaid = {p: n for p, n in footnotes.items() if p not in warned_notes}
        if unsaid:
            warn_user(f"plot_trend: the plot shows a period the source footnotes ("
                      f"{'; '.join(f'{p}: {n!r}' for p, n in unsaid.items())}), ringed and noted in the legend; read "
                      "a change into or out of it with the note (a revision, or a force's improved recording, changes "
                      "the count without any change in crime)")
    # each series' trend beside it in the legend
    handles = []
    for ln in series_lines:
        handles.append(ln)
        if id(ln) in trend_lines:
            handles.append(trend_lines[id(ln)])
    if foot_ring is not None:
        handles.append(foot_ring)
    if season_notes:  # a note in the legend, as the footnoted periods (no marker: it is no line)
        from matplotlib.lines import Line2D

        handles += [Line2D([], [], ls="none", label=text) for text in season_notes]
    if drawn:  # whether the trends' limits are t or z, in the library's words (a note, as the season's)
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], ls="none", label=_intervals_note(trends, by, use_t, confidence)))
    handles = [h for h in handles if not str(h.get_label()).startswith("_")]
    if handles:
        ax.legend(handles=handles, fontsize=7)
    return ax


def _intervals_note(trends: pd.DataFrame, by: str | None, use_t: Any, confidence: float) -> str:
    """:func:`plot_trend`'s legend note on its trends' limits: Student t on the residual df or the
    normal, said as :func:`saferstats.trend.intervals_said` says them (``"t (df=6)"``, ``"z"``; the
    ``intervals`` column of ``poisson_trend(..., use_t="auto")``), once where every line has the same,
    else each followed by the lines that have it: ``"95% limits of the trends: t (df=6) Race; z
    Disability (use_t='auto', R's summary.glm: t where quasi-Poisson, z where Poisson)"``, wrapped
    at 60 characters as the legend's other notes."""
    from .trend import intervals_said

    est = trends["apc"].notna().to_numpy()
    if "intervals" in trends.columns:  # use_t="auto": each row's own
        said = list(trends["intervals"])
    else:
        said = intervals_said([bool(use_t)] * len(trends), trends["df_resid"].fillna(0), est)
    kinds: dict[str, list[str]] = {}
    for i in np.flatnonzero(est):
        kinds.setdefault(str(said[i]), []).append(str(plain(trends[by].iloc[i])) if by is not None else "")
    import textwrap

    how = " (use_t='auto', R's summary.glm: t where quasi-Poisson, z where Poisson)" if use_t == "auto" else ""
    parts = [k if len(kinds) == 1 else f"{k} {', '.join(names)}" for k, names in kinds.items()]
    return textwrap.fill(f"{confidence * 100:g}% limits of the trends: {'; '.join(parts)}{how}", 60)


def _season_notes(checks: Any, by: str | None, confidence: float) -> list[str]:
    """The legend's notes for :func:`plot_trend` where :func:`saferstats.poisson_trend`'s season
    check (``.attrs["season"]``) found the month (quarter) of the year material in a series: the
    dashed straight trend has no term for it, so a seasonal swing is read as trend; the note gives
    the APC with a term for each month (quarter) of the year, its quasi-Poisson interval, the χ²/df
    both ways and the F test (docs/methods/trends.md, "Monthly counts: the season"). Five at most,
    then how many more."""
    import textwrap

    material = [c for c in (checks or []) if isinstance(c, dict) and c.get("material")]
    notes = []
    for c in material[:5]:
        unit = "month" if c.get("cycle") == 12 else "quarter"
        who = f"{plain(c[by])}: " if by is not None and by in c else ""
        p = float(c["p_value"])
        df1, df2 = c["f_df"]
        notes.append(textwrap.fill(
            f"season: {who}the {unit}-of-year pattern is material (F = {c['f']:.1f} on {df1} and {df2} df, "
            f"p {'< 0.001' if p < 0.001 else f'= {p:.3f}'}) and the dashed trend has no term for it; with one "
            f"the trend is {c['apc_seasonal']:+.1f}%/yr ({c['apc_seasonal_lower']:+.1f} to "
            f"{c['apc_seasonal_upper']:+.1f}, {confidence * 100:g}% quasi-Poisson), χ²/df "
            f"{c['dispersion_ratio_seasonal']:.1f} against {c['dispersion_ratio']:.1f}", 60))
    if len(material) > 5:
        notes.append(f"season: and {len(material) - 5} more series (.attrs['season'] of poisson_trend)")
    return notes


@accepts_frames("result")
def _first_confidence_level(result: pd.DataFrame) -> pd.DataFrame:
    """A ``disproportionality`` / ``outcome_test`` result with several confidence levels (limits
    ``<stat>_lower_95``, ``<stat>_lower_99_8``, ...) as one at its first level: those limits as
    ``<stat>_lower`` / ``<stat>_upper`` and ``confidence`` that level; any other table as it is.

    >>> t = pd.DataFrame({"ratio": [2.0], "ratio_lower_95": [1.5], "ratio_upper_95": [2.6],
    ...                   "ratio_lower_99_8": [1.2], "ratio_upper_99_8": [3.1], "ratio_method": ["katz"]})
    >>> _first_confidence_level(t).to_dict("records")
    [{'ratio': 2.0, 'ratio_lower': 1.5, 'ratio_upper': 2.6, 'ratio_method': 'katz', 'confidence': 0.95}]
    """
    import re

    for est in ("ratio", "rr"):
        if est not in result.columns or f"{est}_lower" in result.columns:
            continue
        tags = [m.group(1) for c in result.columns if (m := re.fullmatch(rf"{est}_lower_(\d+(?:_\d+)?)", str(c)))]
        if not tags or f"{est}_upper_{tags[0]}" not in result.columns:
            continue
        level = float(tags[0].replace("_", ".")) / 100
        suffixed = [c for c in result.columns if re.fullmatch(r".+_(lower|upper)_\d+(?:_\d+)?", str(c))]
        out = result.rename(columns={f"{est}_lower_{tags[0]}": f"{est}_lower", f"{est}_upper_{tags[0]}": f"{est}_upper"})
        out = out.drop(columns=[c for c in suffixed if c in out.columns])
        out["confidence"] = level
        return out
    return result


def plot_disproportionality(
    result: pd.DataFrame,
    *,
    label: str | Sequence[str] | None = None,
    period: str | None = None,
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """Ratios to the reference group with their CIs: search-rate ratios of a
    :func:`saferstats.disproportionality` result, or hit-rate (risk) ratios of an
    :func:`saferstats.outcome_test` result.

    Without ``period``: a forest plot, one line per row (the reference group left out), labelled by
    ``label`` columns (default: the ``by`` columns and group), log scale, a line at 1. Rows on small
    numbers are drawn hollow (disproportionality: not ``reliable``; outcome test: Fisher's test was
    needed, an expected cell below 5); rows that are not like for like (officer-defined ethnicity
    against Census groups) are drawn as crosses and say so in the legend; rows with no ratio (not
    comparable, or 0/0) are left out and counted in the title. A ratio of exactly 0 (no searches or
    hits in a group, CI from 0) has no place on a log axis: it is drawn as a ``>`` marker at the
    axis's left edge, with its own legend entry. The labels fit in the figure: a figure made here
    uses constrained layout, and a caller's figure without a layout engine gets a wider left
    margin when the labels need it and grows on the right to hold the legend beside the plot
    (:func:`fit_in_figure`: a plain ``fig.savefig`` cut it off). With ``period``: the ratio of each
    group over periods with a CI band. Any other table raises
    :class:`~saferstats.InvalidInputError` naming the columns expected.

    An :func:`saferstats.outcome_test` result whose rows pool several forces (no ``"force"`` in
    ``by``) carries each group's ratio *within* forces (Mantel–Haenszel, ``.attrs["within_forces"]``):
    the pooled ratio partly compares forces, not groups (police.uk, seven forces, Dec 2019 - Feb
    2020, arrests: Asian people 1.14 pooled, 0.93 within forces). Both are drawn, each with its
    interval: the within-force ratio as a blue diamond just below the pooled one (with ``period``, a
    dashed line of the group's colour), the legend naming which is which and the title saying
    "pooled over forces and within forces". A result with several confidence levels
    (``confidence=[0.95, 0.998]``: limits ``ratio_lower_95``, ``ratio_lower_99_8``, ...) is drawn with
    the first level's intervals, which the axis label names.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> df = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    >>> ax = plot_disproportionality(saferstats.disproportionality(df, by="force"))
    >>> ax.get_xscale()
    'log'
    >>> ax = plot_disproportionality(saferstats.outcome_test(df, outcome="arrest"))
    >>> ax.get_xlabel()
    'arrest rate ratio vs reference group (risk ratio, 95% CI, log scale)'
    >>> ax.get_title()
    'Stop and search outcomes by group: pooled over forces and within forces'
    """
    if not isinstance(result, pd.DataFrame):
        raise InvalidInputError("`result` must be the DataFrame that disproportionality() or outcome_test() returns",
                                "result")
    result = _first_confidence_level(result)
    if {"ratio", "ratio_lower", "ratio_upper", "ratio_method"} <= set(result.columns):
        est, method, what = "ratio", "ratio_method", "search rate ratio vs reference group"
        small = ~result["reliable"].to_numpy(dtype=bool) if "reliable" in result.columns else np.zeros(len(result), bool)
    elif {"rr", "rr_lower", "rr_upper", "rr_method"} <= set(result.columns):
        est, method = "rr", "rr_method"
        outcome = result.attrs.get("outcome", "hit")
        what = f"{outcome} rate ratio vs reference group (risk ratio"
        small = (result["test"].astype(str) == "fisher").to_numpy() if "test" in result.columns else np.zeros(len(result), bool)
    else:
        raise InvalidInputError(
            "plot_disproportionality needs a disproportionality() result (columns ratio, ratio_lower, ratio_upper, "
            "ratio_method) or an outcome_test() result (rr, rr_lower, rr_upper, rr_method); got columns "
            f"{list(result.columns)[:12]}", "result")
    # a forest plot's legend sits beside it: a figure made here is wider to hold it
    ax = axes_for(ax, layout="constrained", figsize=(7, 5) if period is not None else (9, 5))
    conf = float(result["confidence"].iloc[0]) if len(result) and "confidence" in result.columns else 0.95
    keep = (result[method].astype(str) != "reference").to_numpy() & np.isfinite(result[est].to_numpy(dtype=float))
    left_out = int(((result[method].astype(str) != "reference").to_numpy() & ~keep).sum())
    res = result[keep]
    small = small[keep]
    like = res["like_for_like"].to_numpy(dtype=bool) if "like_for_like" in res.columns else np.ones(len(res), bool)
    ci = f"{int(round(conf * 100))}% CI"
    xlabel = f"{what}, {ci}, log scale)" if est == "rr" else f"{what} ({ci}, log scale)"
    keys = _label_columns(res)
    said = _keys_said(res, [*keys, *([label] if isinstance(label, str) else (label or []))])
    # an outcome_test whose rows pool several forces: the within-force ratio beside the pooled one
    within = _within_forces_of(res, result.attrs.get("within_forces")) if est == "rr" else None
    # the Census named before any caution (the City of London's rows by CSP or LA add one after a ";")
    vintage = result["denominator"].dropna().astype(str).str.split(";").str[0].str.strip().unique() \
        if "denominator" in result.columns else []
    census = vintage[0][:11] if est == "ratio" and len(vintage) == 1 and vintage[0].startswith("Census ") else None
    if period is not None:
        others = [c for c in keys if c != period]
        # colour x marker: ten colours alone repeat from the 11th line (police.uk Derbyshire / Black and
        # South Yorkshire / Other, both orange, by force and month)
        from matplotlib import rcParams

        colours = [c["color"] for c in rcParams["axes.prop_cycle"]] or ["C0"]
        markers = ["o", "s", "^", "D", "v", "P", "X"]
        for i, (key, g) in enumerate(said.groupby(others + ["group"], sort=True)):
            g = g.sort_values(period)
            name = " / ".join(map(str, key if isinstance(key, tuple) else (key,)))
            (line,) = ax.plot(g[period].astype(str), g[est], marker=markers[i % len(markers)], ms=4,
                              color=colours[i % len(colours)],
                              label=name + (" (pooled over forces)" if within is not None else ""))
            ax.fill_between(g[period].astype(str), g[f"{est}_lower"], g[f"{est}_upper"], color=line.get_color(), alpha=0.15, lw=0)
            if within is not None:
                w = within.loc[g.index]
                ax.plot(g[period].astype(str), w["rr"], marker="D", ms=3, ls="--", color=line.get_color(),
                        label=f"{name} (within forces, Mantel-Haenszel)")
        ax.axhline(1, color="black", lw=0.8)
        ax.set_yscale("log")
        ax.set_ylabel(xlabel.replace(", log scale", ""))
        ax.set_xlabel(period)
        # the denominators' Census in the legend too: a caller's `title` replaces the default's
        ax.legend(fontsize=7, title=f"{census} denominators" if census else None, title_fontsize=7)
    else:
        cols = [label] if isinstance(label, str) else (list(label) if label else keys + ["group"])
        names = said[cols].astype(str).agg(" / ".join, axis=1).to_numpy()
        y = np.arange(len(res))[::-1]
        value = res[est].to_numpy(dtype=float)
        lo = value - res[f"{est}_lower"].to_numpy(dtype=float)
        hi = res[f"{est}_upper"].to_numpy(dtype=float) - value
        ax.errorbar(value, y, xerr=[lo, hi], fmt="none", ecolor="#555555", elinewidth=1)
        if within is not None:  # each row's within-force ratio just below its pooled one, in blue
            wv = within["rr"].to_numpy(dtype=float)
            wl, wu = within["rr_lower"].to_numpy(dtype=float), within["rr_upper"].to_numpy(dtype=float)
            ok = np.isfinite(wv) & (wv > 0)
            ax.errorbar(wv[ok], y[ok] - 0.3, xerr=[wv[ok] - np.where(np.isfinite(wl[ok]), wl[ok], wv[ok]),
                                                   np.where(np.isfinite(wu[ok]), wu[ok], wv[ok]) - wv[ok]],
                        fmt="none", ecolor="#2c7fb8", elinewidth=1)
            ax.scatter(wv[ok], y[ok] - 0.3, marker="D", color="#2c7fb8", zorder=3, s=18,
                       label="within forces (Mantel-Haenszel)")
        zero = value == 0  # e.g. no searches of a group: no point on a log axis, so marked at its edge
        positive = np.concatenate([a[np.isfinite(a) & (a > 0)] for a in
                                   (value, res[f"{est}_lower"].to_numpy(dtype=float), res[f"{est}_upper"].to_numpy(dtype=float))])
        if zero.any():
            edge = float(positive.min()) / 2 if positive.size else 0.01
            ax.set_xlim(left=edge, right=float(positive.max()) * 1.5 if positive.size else 10.0)
            ax.scatter(np.full(int(zero.sum()), edge), y[zero], marker=">", color="#2c7fb8", zorder=4, s=30,
                       clip_on=False, label=f"ratio 0 (no {'searches' if est == 'ratio' else 'hits'}; drawn at the axis edge)")
        solid = ~small & like & ~zero
        if solid.any():
            ax.scatter(value[solid], y[solid], color="#c0392b", zorder=3, s=18,
                       label="reliable" if est == "ratio" else "pooled over forces (z test)" if within is not None else "z test")
        hollow = small & like & ~zero
        if hollow.any():
            ax.scatter(value[hollow], y[hollow], facecolor="white", edgecolor="#c0392b", zorder=3, s=18,
                       label="unreliable (small numbers)" if est == "ratio" else
                       "pooled over forces, small numbers (Fisher)" if within is not None else "small numbers (Fisher)")
        if (~like & ~zero).any():
            ax.scatter(value[~like & ~zero], y[~like & ~zero], marker="x", color="#7f7f7f", zorder=3, s=24,
                       label="not like for like (see comparability)")
        ax.axvline(1, color="black", lw=0.8)
        ax.set_xscale("log")
        ax.set_yticks(y, names, fontsize=7)
        ax.set_xlabel(xlabel)
        # beside the chart, never over the last rows' intervals (walk-through 3: South Yorkshire / Black)
        legend = ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        # a caller's figure without a layout engine: the group names fit by narrowing the axes (as
        # before), the legend by widening the figure (a plain savefig cut it off on the right)
        fit_in_figure(ax.figure, [*ax.get_yticklabels(), ax.yaxis.label])
        fit_in_figure(ax.figure, [legend], grow=True)
    default = "Stop and search disproportionality" if est == "ratio" else "Stop and search outcomes by group"
    if census:
        default += f" ({census} denominators)"
    if within is not None:
        default += ": pooled over forces and within forces"
    if left_out:
        default += f" ({left_out} row{'s' if left_out > 1 else ''} with no ratio not shown)"
    ax.set_title(title or default, fontsize=10)
    return ax


def _within_forces_of(res: pd.DataFrame, records: Any) -> pd.DataFrame | None:
    """The within-force (Mantel–Haenszel) ratio of each row of an :func:`saferstats.outcome_test`
    result whose rows pool several forces (its ``.attrs["within_forces"]``), on ``res``'s index
    (NaN where it has none); None when the result has none."""
    if not records:
        return None
    within = pd.DataFrame(list(records))
    stats = {"rr", "rr_lower", "rr_upper", "strata", "rr_pooled", "confidence", "method"}
    if not {"rr", "rr_lower", "rr_upper", "group"} <= set(within.columns):
        return None
    on = [c for c in within.columns if c not in stats]
    if any(c not in res.columns for c in on):
        return None  # a table changed since (columns dropped): nothing to place the ratios on
    key = res[on].astype(str).agg("\x1f".join, axis=1)
    wkey = within[on].astype(str).agg("\x1f".join, axis=1)
    found = within.assign(_key=wkey.to_numpy()).drop_duplicates("_key").set_index("_key")
    out = found.reindex(key.to_numpy())[["rr", "rr_lower", "rr_upper", "strata"]]
    out.index = res.index
    if not np.isfinite(out["rr"].to_numpy(dtype=float)).any():
        return None
    return out.fillna({"strata": 0})


def not_recorded(column: str) -> str:
    """How a stratum whose ``column`` value is missing is said (police.uk's blank ``legislation``, 100
    of the City of London's 2,384 searches in 2023): by its absence, not "nan", and not left out.

    >>> not_recorded("object_of_search")
    'no object of search recorded'
    """
    return f"no {str(column).replace('_', ' ')} recorded"


def _keys_said(res: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``res`` with its label ``columns`` as a plot says them: forces by name, not police.uk's slugs
    (session 17), and a missing value as :func:`not_recorded` says it (a row of the results, counted there:
    the library keeps such searches as their own stratum).

    >>> _keys_said(pd.DataFrame({"force": ["city-of-london"] * 2, "legislation": ["Firearms Act 1968 (section 47)", None]}),
    ...            ["force", "legislation"]).to_numpy().tolist()
    [['City of London', 'Firearms Act 1968 (section 47)'], ['City of London', 'no legislation recorded']]
    """
    from .disproportionality import force_said

    said = res.copy()
    for c in dict.fromkeys(columns):
        if c not in said.columns:
            continue
        v = said[c].astype(object)
        missing = said[c].isna().to_numpy()
        if c == "force":
            v = v.map(lambda f: f if pd.isna(f) else force_said(f))
        said[c] = v.where(~missing, not_recorded(c))
    return said


def _label_columns(res: pd.DataFrame) -> list[str]:
    """The ``by`` columns of a result: every column that is not a statistic, leaving out an area's
    code when its name is there too (``csp_code`` beside ``csp``)."""
    cols = [c for c in res.columns if c not in _RESULT_COLUMNS and c != "group"]
    return [c for c in cols if not (isinstance(c, str) and c.endswith("_code") and c[:-5] in cols)]


_RESULT_COLUMNS = {
    "group", "searches", "population", "rate", "rate_lower", "rate_upper", "ratio", "ratio_lower", "ratio_upper",
    "reliable", "ratio_method", "confidence", "like_for_like", "comparability", "denominator",
    # outcome_test
    "n", "hits", "diff", "diff_lower", "diff_upper", "rr", "rr_lower", "rr_upper", "p_value", "test", "z",
    "chi2_yates", "p_chi2_yates", "p_fisher", "odds_ratio", "rr_method", "note", "withheld",
}


def _period_unit(periods: Any) -> str:
    """What one step of an interrupted time series is, from its periods: ``"month"`` for
    :func:`saferstats.monthly_counts`' months (or ``"2021-06"`` labels), ``"quarter"``, ``"week"``,
    ``"day"``, ``"year"`` (also ``"2019/20"``, ``"2019"``); else ``"period"``. The slope change is per
    step, so the title says per what (a monthly series' 0.973 is per month, not per year)."""
    if periods is None or not len(periods):
        return "period"
    values = list(periods)
    if all(isinstance(v, pd.Period) for v in values):
        freq = str(values[0].freqstr).upper()
        for code, word in (("M", "month"), ("Q", "quarter"), ("W", "week"), ("D", "day"), ("Y", "year"), ("A", "year")):
            if freq.startswith(code):
                return word
        return "period"
    texts = [str(v).strip() for v in values]
    if all(re.fullmatch(r"\d{4}-\d{1,2}", t) for t in texts):
        return "month"
    if all(re.fullmatch(r"\d{4}(\s*[/-]\s*\d{2})?", t) for t in texts):
        return "year"
    return "period"


def plot_its(result: Any, *, labels: Sequence[Any] | None = None, ax: Any = None, title: str | None = None) -> Any:
    """Interrupted time series plot of an :class:`saferstats.ItsResult`: observed counts, the
    fitted segmented model and the counterfactual (pre-break trend carried forward), with the level
    and slope changes (rate ratios after / before, below 1 = a fall) and their CIs in the title.
    The x axis shows ``labels``, else the counts' own periods (``result.periods``: the months of a
    :func:`saferstats.monthly_counts` Series, pandas Periods drawn as dates), else 0, 1, ... The
    slope change is per step of the series, and the title and y axis say which step where the
    periods tell it (``/month``, ``count per month`` for monthly counts; else ``/period``).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> r = saferstats.its_poisson([5, 6, 7, 6, 8, 4, 4, 3, 4], break_index=5)
    >>> len(plot_its(r).get_lines())  # observed, fitted, counterfactual, break
    4
    """
    ax = axes_for(ax)
    n = len(result.observed)
    if labels is None and getattr(result, "periods", None) is not None and len(result.periods) == n:
        # the counts' own periods (monthly_counts' months), as result.to_pandas() shows them: the
        # chart was drawn against 0, 1, ... while its table read 2021-01, 2021-02, ...
        labels = result.periods
    x = np.arange(n) if labels is None else np.asarray(labels)
    if len(x) != n:
        raise LengthMismatchError(f"`labels` has {len(x)} elements but the series has {n} periods", "labels")
    if len(x) and all(isinstance(v, pd.Period) for v in x):
        # pandas Periods (a monthly_counts index) on a date axis at the start of each period (matplotlib
        # cannot place a Period: TypeError)
        x = np.asarray(pd.PeriodIndex(list(x)).to_timestamp())
    post = np.arange(n) >= result.break_index
    ax.plot(x, result.observed, "o", ms=3, color="#444444", label="observed")
    ax.plot(x, result.fitted, "-", color="#c0392b", label="fitted (segmented Poisson)")
    ax.plot(np.asarray(x)[post], np.asarray(result.counterfactual)[post], "--", color="#1f4e9c", label="counterfactual (no intervention)")
    ax.axvline(np.asarray(x)[result.break_index], color="grey", lw=0.8, ls=":")
    conf = f"{result.confidence * 100:g}"
    unit = _period_unit(getattr(result, "periods", None))
    ax.set_title(title or (f"after / before: level change RR {result.level_rr:.2f} ({result.level_lower:.2f}-"
                           f"{result.level_upper:.2f}), slope change RR {result.slope_rr:.3f}/{unit} "
                           f"({result.slope_lower:.3f}-{result.slope_upper:.3f}); {conf}% CI"), fontsize=9)
    ax.set_ylabel(f"count per {unit}")
    ax.legend(fontsize=7)
    return ax


def plot_clusters(lat: Any, lon: Any, labels: Any, *, table: Any = None, ax: Any = None, title: str | None = None,
                  areas: Literal["la", "csp", "force"] | None = "la", label: int = 5) -> Any:
    """Points coloured by cluster (noise grey) with the cluster outlines of a
    :func:`saferstats.cluster_summary` table, in lon/lat (no basemap), over the outlines and
    names of the local authorities (``areas="csp"``/``"force"``: CSPs, forces; ``None``: none) the
    points fall in (:func:`plot_areas`). The ``label`` largest clusters of the table are labelled
    with their number and the local authority their centroid is in (``label=0``: none).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> lat = [51.5, 51.5003, 51.5001, 51.4998, 51.51]; lon = [-0.12, -0.1201, -0.1196, -0.1204, -0.1]
    >>> labels = saferstats.dbscan(lat, lon, eps_m=60, min_samples=3)
    >>> ax = plot_clusters(lat, lon, labels, table=saferstats.cluster_summary(lat, lon, labels))
    >>> ax.get_xlabel()
    'longitude'
    """
    ax = axes_for(ax)
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    labels = np.asarray(labels)
    for name, v in (("lon", lon), ("labels", labels)):
        if len(v) != len(lat):
            from .exceptions import LengthMismatchError

            raise LengthMismatchError(f"length mismatch: `lat` has {len(lat)} elements but `{name}` has {len(v)}", name)
    if areas is not None:
        plot_areas(lat[labels > -3], lon[labels > -3], level=areas, ax=ax)
    noise = labels < 0
    ax.scatter(lon[noise], lat[noise], s=2, color="#c8c8c8", label="noise", rasterized=True)
    ax.scatter(lon[~noise], lat[~noise], s=4, c=labels[~noise] % 20, cmap="tab20", rasterized=True)
    if table is not None:
        for ring in table["hull"]:
            if len(ring):
                xs, ys = zip(*ring)
                ax.plot(xs, ys, color="black", lw=0.8)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_aspect(1 / np.cos(np.radians(np.nanmean(lat))) if len(lat) else 1)
    # the labels may come from dbscan or hdbscan: count the clusters, do not name the method
    n_clusters = len(np.unique(labels[labels >= 0])) if len(labels) else 0
    ax.set_title(title or f"Clusters ({n_clusters}) with convex hulls", fontsize=10)
    if table is not None:
        _label_clusters(ax, table, label)
    return ax


def plot_kde(result: Any, *, points: tuple[Any, Any] | None = None, ax: Any = None, title: str | None = None,
             areas: Literal["la", "csp", "force"] | None = None, mask: Any = None) -> Any:
    """Heat map of a :class:`saferstats.KdeResult` (optionally with the points). ``areas="la"``
    (``"csp"``, ``"force"``) draws the outlines and names of the local authorities (CSPs, forces)
    over it — for a surface on the British National Grid (:func:`saferstats.to_bng`).
    ``mask`` (a boolean array of the surface's shape, e.g. :meth:`StudyArea.grid_mask` of
    ``result.x``, ``result.y``) leaves the other cells blank, "outside the study area": a surface
    made over a ``study_area`` holds only the area's points, so beyond its edge it shows their
    spread, not the density there.

    A square :class:`saferstats.HotspotGrid` (:func:`saferstats.hotspot_kde`, ``hotspot_count``,
    ``prospective_hotspots``, ...) is drawn by its main layer; made over a ``study_area``, its cells
    outside the area — as a :func:`saferstats.kde_grid` surface's cells not ``in_study_area`` — are
    left blank (and out of the colour scale) unless ``mask`` says otherwise (they hold the area's events spread
    over the edge, or no value). A hexagonal grid is refused: draw
    ``saferstats.geo.to_geodataframe(grid)`` instead.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> r = saferstats.kde_grid([0, 30, 10], [0, 0, 10], cell_size=5, bandwidth=40)
    >>> type(plot_kde(r)).__name__
    'Axes'
    >>> g = saferstats.hotspot_kde([0, 30, 10], [0, 0, 10], cell_size=5, bandwidth=40)
    >>> plot_kde(g).get_title()
    'Kernel density (bandwidth 40)'
    """
    from .hotspot.grid import HotspotGrid

    if isinstance(result, HotspotGrid):
        result, grid_mask = _grid_surface(result)
        if mask is None:
            mask = grid_mask
    elif mask is None and getattr(result, "in_study_area", None) is not None:
        mask = result.in_study_area  # a kde_grid surface over a study area: its own cells, as a grid's
    ax = axes_for(ax)
    c = result.cell_size / 2
    extent = (result.x[0] - c, result.x[-1] + c, result.y[0] - c, result.y[-1] + c)
    dens: Any = result.density
    if mask is not None:
        keep = np.asarray(mask, dtype=bool)
        if keep.shape != dens.shape:
            raise InvalidInputError(f"`mask` has shape {keep.shape} but the surface has {dens.shape} (rows = len(y), "
                                    "columns = len(x)): use StudyArea.grid_mask(result.x, result.y)", "mask")
        dens = np.ma.masked_array(dens, mask=~keep)
    im = ax.imshow(dens, origin="lower", extent=extent, cmap="magma", aspect="equal")
    layer = getattr(result, "layer", "kde")
    ax.figure.colorbar(im, ax=ax, label=f"density ({result.units})" if layer == "kde" else result.units, shrink=0.8)
    if points is not None:
        ax.scatter(points[0], points[1], s=1, color="white", alpha=0.3)
    if areas is not None:
        _areas_bng(ax, extent, areas, colour="#dddddd" if mask is None else "#555555")
    if mask is not None and np.ma.is_masked(dens):
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(facecolor="white", edgecolor="#999999", label="outside the study area")], fontsize=7,
                  loc="upper left", bbox_to_anchor=(0.0, -0.08), borderaxespad=0.0)
    if title is None and layer != "kde":  # a grid's metres, "cells of 97.5 m" (until session 29 "97.5099 × 97.5099")
        from .hotspot._common import cells_said

        title = f"{layer.capitalize()} per cell ({cells_said(result.cell_size)})"
    kernel = f"{result.kernel}, " if result.kernel else ""
    ax.set_title(title or f"Kernel density ({kernel}bandwidth {result.bandwidth:,.0f})", fontsize=10)
    return ax


def _grid_surface(g: Any) -> tuple[Any, np.ndarray | None]:
    """A square HotspotGrid's main layer as a KdeResult-like surface, and its study-area mask."""
    from types import SimpleNamespace

    from .hotspot.grid import IN_STUDY_AREA

    if g.grid_type != "square":
        raise InvalidInputError("plot_kde draws square grids; draw a hexagonal grid with "
                                "saferstats.geo.to_geodataframe(grid).plot(column=...)", "result")
    values = np.asarray(g.values, dtype=float).reshape(g.nrows, g.ncols)  # numbered row by row from the south-west
    x = g.x0 + g.cell_size * (np.arange(g.ncols) + 0.5)
    y = g.y0 + g.cell_size * (np.arange(g.nrows) + 0.5)
    mask = None
    if IN_STUDY_AREA in g.cells.columns:
        mask = g.cells[IN_STUDY_AREA].to_numpy(dtype=bool).reshape(g.nrows, g.ncols)
    if g.value == "kde":
        units, kernel = "events per km²", ""
    else:
        units, kernel = f"{g.value} per cell", ""
    surface = SimpleNamespace(x=x, y=y, density=np.ma.masked_invalid(values), cell_size=g.cell_size,
                              bandwidth=g.bandwidth, kernel=kernel, units=units, layer=g.value)
    return surface, mask


def plot_gi(result: Any, shape: tuple[int, int], *, x: Any = None, y: Any = None, ax: Any = None, title: str | None = None,
            areas: Literal["la", "csp", "force"] | None = None, mask: Any = None) -> Any:
    """Gi* hot/cold spot map of a lattice (``shape`` = (nrows, ncols), rows south to north):
    cells coloured by their ``label`` (99/95/90% hot red, cold blue: from the two-sided normal p of
    z, Benjamini-Hochberg adjusted when the result was made with ``fdr=True``, as the title says;
    ``p_sim`` plays no part). A Local Moran result, or a ``shape`` that does not hold the result's
    values, is refused naming the argument. With the cell centres ``x``,
    ``y`` on the British National Grid, ``areas="la"`` (``"csp"``, ``"force"``) draws the local
    authority (CSP, force) outlines and names over the cells. With ``mask`` (the one given to
    :meth:`Weights.lattice`, e.g. :meth:`StudyArea.grid_mask`) ``result`` has one value per kept
    cell and the other cells are left blank, "outside the study area". The legend beside the map
    stays inside the figure when it is saved: a figure made here uses constrained layout, and a
    caller's figure without a layout engine grows on the right to hold it (:func:`fit_in_figure`).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> g = saferstats.gi_star(np.arange(16.0), saferstats.Weights.lattice(4, 4), permutations=0)
    >>> type(plot_gi(g, (4, 4))).__name__
    'Axes'
    """
    from matplotlib.colors import ListedColormap

    ax = axes_for(ax, layout="constrained")  # a figure made here fits the legend beside the map
    order = ["Cold spot 99%", "Cold spot 95%", "Cold spot 90%", "Not significant", "Hot spot 90%", "Hot spot 95%", "Hot spot 99%"]
    colours = ["#08306b", "#4f8fc0", "#a6cbe3", "#f2f2f2", "#f7b6a0", "#e3624a", "#99000d"]
    if getattr(result, "statistic", None) != "gi_star":
        raise InvalidInputError("plot_gi draws a Gi* result (saferstats.gi_star); for Local Moran's I map its "
                                "quadrant labels with saferstats.geo.to_geodataframe(result, cells=(x, y))", "result")
    labels = np.array([order.index(str(v)) for v in result.label])
    try:
        nrows, ncols = (int(v) for v in shape)
    except (TypeError, ValueError):
        raise InvalidInputError(f"`shape` must be (nrows, ncols), got {shape!r}", "shape") from None
    if mask is None:
        if nrows * ncols != len(labels):
            raise InvalidInputError(f"`shape` {shape!r} has {nrows * ncols} cells but `result` has {len(labels)} values: "
                                    "pass the lattice's (nrows, ncols) (grid_counts: counts.shape)", "shape")
        code: Any = labels.reshape(shape)
    else:
        from .hotspot.weights import lattice_mask

        keep = lattice_mask(mask, *shape)
        if int(keep.sum()) != len(labels):
            raise InvalidInputError(f"`mask` keeps {int(keep.sum())} cells but `result` has {len(labels)} values: pass "
                                    "the mask its weights were built with", "mask")
        full = np.zeros(keep.size, dtype=int)
        full[keep] = labels
        code = np.ma.masked_array(full, mask=~keep).reshape(shape)
    extent = None
    if x is not None and y is not None:
        x = np.asarray(x)
        y = np.asarray(y)
        dx = (x[1] - x[0]) / 2 if len(x) > 1 else 0.5
        dy = (y[1] - y[0]) / 2 if len(y) > 1 else 0.5
        extent = (x[0] - dx, x[-1] + dx, y[0] - dy, y[-1] + dy)
    ax.imshow(code, origin="lower", cmap=ListedColormap(colours), vmin=-0.5, vmax=6.5, extent=extent, interpolation="nearest")
    if areas is not None:
        if extent is None:
            raise InvalidInputError("`areas` needs the cell centres `x` and `y` (British National Grid)", "areas")
        _areas_bng(ax, extent, areas, colour="#555555")
    from matplotlib.patches import Patch

    present = sorted(set(labels.tolist()))
    handles = [Patch(color=colours[k], label=order[k]) for k in present]
    if mask is not None and np.ma.is_masked(code):
        handles.append(Patch(facecolor="white", edgecolor="#999999", label="outside the study area"))
    # beside the map, not on it: inside, the legend hid the cells (and area names) in its corner
    legend = ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    fit_in_figure(ax.figure, [legend], grow=True)  # a caller's figure: a plain savefig cut it off on the right
    # the labels are from the two-sided normal p of z (BH-adjusted with fdr=True), never p_sim
    adj = ", FDR-adjusted" if getattr(result, "fdr", False) else ""
    ax.set_title(title or f"Getis-Ord Gi* ({result.transform} weights{adj})", fontsize=10)
    return ax


def plot_areas(lat: Any, lon: Any, *, level: str = "la", ax: Any = None, names: bool = True, margin: float = 0.02) -> Any:
    """Outlines (and names) of the local authorities — or CSPs / police force areas — that the
    points ``lat``/``lon`` fall in, from the bundled ONS generalised boundaries (December 2024), in
    lon/lat like :func:`plot_clusters`, so hotspot maps show the districts a CSP reports on.

    ``level``: ``"la"`` (default), ``"csp"`` or ``"force"`` (CSPs and forces are drawn as the
    outlines of their local authorities, named at the largest one). Points in no area are ignored.
    Returns the axes.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> ax = plot_areas([51.90, 51.75], [-0.20, -0.34])
    >>> sorted(t.get_text() for t in ax.texts)
    ['St Albans', 'Stevenage']
    """
    import warnings

    from .exceptions import SaferstatsWarning
    from .geography import bundled_la, area_lookup, assign_area

    ax = axes_for(ax)
    la_ = np.asarray(lat, dtype=float)
    lo_ = np.asarray(lon, dtype=float)
    ok = np.isfinite(la_) & np.isfinite(lo_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        where = assign_area(la_[ok], lo_[ok], level="la")
    codes = set(where["code"].dropna())
    lk = area_lookup()
    if level in ("csp", "force"):
        key = {"csp": "csp_code", "force": "force_code"}[level]
        groups = set(lk.loc[lk.la_code.isin(codes), key])
        codes = set(lk.loc[lk[key].isin(groups), "la_code"])
        label_of = lk.drop_duplicates("la_code").set_index("la_code")[{"csp": "csp", "force": "force_name"}[level]]
    elif level == "la":
        label_of = None
    else:
        from .exceptions import InvalidInputError

        raise InvalidInputError(f"unknown level {level!r}; valid: 'la', 'csp', 'force'", "level")
    areas = bundled_la()
    x0, x1, y0, y1 = -np.inf, np.inf, -np.inf, np.inf
    if ok.any():
        x0, x1, y0, y1 = lo_[ok].min() - margin, lo_[ok].max() + margin, la_[ok].min() - margin, la_[ok].max() + margin
    named: dict[str, tuple[float, float, float]] = {}
    for i, code in enumerate(areas.codes):
        if code not in codes:
            continue
        for ring in areas.rings[i]:
            ax.plot(ring[:, 0], ring[:, 1], color="#555555", lw=0.7, zorder=1)
            # named at a point of its own part on the map (the middle of its vertices can be in a neighbour)
            label = str(areas.names[i]) if label_of is None else str(label_of.get(code, areas.names[i]))
            at = _label_point(ring, x0, x1, y0, y1, xscale=float(np.cos(np.radians(np.mean(ring[:, 1])))))
            if at is not None and at[2] > named.get(label, (0.0, 0.0, -1.0))[2]:
                named[label] = at
    texts = [ax.text(x, y, label, fontsize=7, color="#333333", ha="center", va="center", zorder=3, clip_on=True,
                     bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
             for label, (x, y, _) in sorted(named.items())] if names else []
    if ok.any():
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1 / np.cos(np.radians(float(np.mean(la_[ok])))))  # metres the same both ways
    _names_inside(ax, texts)
    return ax


def _names_inside(ax: Any, texts: list[Any]) -> None:
    """Move each area name that runs over the edge of ``ax`` just inside it (by at most half its
    width, so it stays by its area), and remove a name whose anchor is outside the axes or that is
    wider than them: a name cut mid-word at the edge of a map reads as a different place. On a
    canvas that cannot measure text the names stay where they are (clipped at the edge)."""
    fig = ax.figure
    try:
        renderer = fig.canvas.get_renderer()
    except AttributeError:
        return
    ax.apply_aspect()
    frame = ax.get_window_extent(renderer)
    to_data = ax.transData.inverted()
    for t in texts:
        box = t.get_window_extent(renderer)
        cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
        if box.width > frame.width or box.height > frame.height or not frame.contains(cx, cy):
            t.remove()
            continue
        dx = max(frame.x0 - box.x0, 0.0) + min(frame.x1 - box.x1, 0.0)
        dy = max(frame.y0 - box.y0, 0.0) + min(frame.y1 - box.y1, 0.0)
        if dx or dy:
            t.set_position(tuple(to_data.transform((cx + dx, cy + dy))))


def _label_clusters(ax: Any, table: Any, n: int) -> None:
    """Number the ``n`` largest clusters and name the local authority their centroid is in."""
    import warnings

    from .exceptions import SaferstatsWarning
    from .geography import assign_area

    top = pd.DataFrame(table).sort_values("n", ascending=False, kind="stable").head(max(int(n), 0))
    if not len(top):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        names = assign_area(top["centroid_lat"].to_numpy(float), top["centroid_lon"].to_numpy(float))["name"]
    texts = [f"{int(lab)}" + (f": {nm}" if isinstance(nm, str) else "") for lab, nm in zip(top["label"], names)]
    anchors = list(zip(top["centroid_lon"].to_numpy(float), top["centroid_lat"].to_numpy(float)))
    for text, at, (offset, moved) in zip(texts, anchors, _label_offsets(ax, texts, anchors, fontsize=7)):
        ax.annotate(text, at, fontsize=7, xytext=offset, textcoords="offset points", color="#8b0000", zorder=4,
                    arrowprops={"arrowstyle": "-", "lw": 0.4, "color": "#8b0000"} if moved else None)


def _label_offsets(ax: Any, texts: list[str], anchors: list[tuple[float, float]],
                   fontsize: float) -> list[tuple[tuple[float, float], bool]]:
    """Offsets (points) for labels at ``anchors`` (data coordinates) that do not overlap: each
    label, in order, takes the first of a few positions around its point whose box (estimated
    from the font size) is clear of those already placed; a label moved away from its point gets
    a leader line (``moved``). Dense town centres otherwise print labels on top of each other."""
    ax.apply_aspect()
    points = ax.transData.transform(np.asarray(anchors, dtype=float).reshape(-1, 2)) * 72 / ax.figure.dpi
    height = fontsize * 1.25
    placed: list[tuple[float, float, float, float]] = []
    out: list[tuple[tuple[float, float], bool]] = []
    for text, (px, py) in zip(texts, points):
        width = 0.62 * fontsize * len(text)
        near = [(4.0, 4.0), (4.0, -4.0 - height), (-4.0 - width, 4.0), (-4.0 - width, -4.0 - height)]
        far = [(4.0, sign * (4.0 + k * height)) for k in range(2, 9) for sign in (1, -1)]
        for i, (dx, dy) in enumerate(near + far):
            box = (px + dx, py + dy, px + dx + width, py + dy + height)
            if all(box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1] for b in placed):
                break
        else:
            i, (dx, dy) = 0, near[0]
            box = (px + dx, py + dy, px + dx + width, py + dy + height)
        placed.append(box)
        out.append(((dx, dy), i >= len(near)))
    return out


def _label_point(ring: np.ndarray, x0: float, x1: float, y0: float, y1: float,
                 xscale: float = 1.0) -> tuple[float, float, float] | None:
    """Where to write an area's name: a point inside ``ring`` and inside the extent, as far as the
    candidates allow from the ring's edges and the extent's (so the name sits in its own area, not
    over the next one: the middle of the ring's vertices on the map can lie in a neighbour, e.g.
    North Hertfordshire's vertices around Stevenage average to a point in Stevenage), and the
    visible part's size (to pick the largest part of an area). None when no candidate is inside.
    ``xscale`` multiplies x distances (cos(latitude) for lon/lat)."""
    from matplotlib.path import Path

    bx0, bx1 = max(float(ring[:, 0].min()), x0), min(float(ring[:, 0].max()), x1)
    by0, by1 = max(float(ring[:, 1].min()), y0), min(float(ring[:, 1].max()), y1)
    if not (bx0 < bx1 and by0 < by1):
        return None
    n = 40
    gx, gy = np.meshgrid(np.linspace(bx0, bx1, n + 2)[1:-1], np.linspace(by0, by1, n + 2)[1:-1])
    cand = np.column_stack([gx.ravel(), gy.ravel()])
    inside = Path(ring).contains_points(cand)
    if not inside.any():
        return None
    q = cand[inside]
    step = max(1, len(ring) // 400)  # a label needs no more precision than a few hundred edges
    v = ring[::step]
    if not np.array_equal(v[-1], ring[-1]):
        v = np.vstack([v, ring[-1:]])
    a, b = v[:-1], v[1:]
    sc = np.array([xscale, 1.0])
    ab = (b - a) * sc
    aq = (q[:, None, :] - a[None, :, :]) * sc
    t = np.clip((aq * ab[None]).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-300)[None], 0.0, 1.0)
    d = np.sqrt(((aq - t[..., None] * ab[None]) ** 2).sum(-1)).min(axis=1)
    edge = np.minimum.reduce([(q[:, 0] - x0) * xscale, (x1 - q[:, 0]) * xscale, q[:, 1] - y0, y1 - q[:, 1]])
    k = int(np.argmax(np.minimum(d, edge)))
    size = float(inside.sum()) / inside.size * (bx1 - bx0) * (by1 - by0)
    return float(q[k, 0]), float(q[k, 1]), size


def _areas_bng(ax: Any, extent: tuple[float, float, float, float], level: str, colour: str) -> None:
    """Outlines and names of the areas (``level``) that overlap ``extent`` (British National Grid)."""
    from .geography import la_rings_bng, area_lookup

    x0, x1, y0, y1 = (float(v) for v in extent)
    if not (-1e5 < x0 < x1 < 8e5 and -1e5 < y0 < y1 < 1.3e6) or max(x1 - x0, y1 - y0) < 100:
        raise InvalidInputError("`areas` needs a surface on the British National Grid (metres; saferstats.to_bng): "
                                f"the extent {extent} is not one", "areas")
    if level not in ("la", "csp", "force"):
        raise InvalidInputError(f"unknown areas {level!r}; valid: 'la', 'csp', 'force'", "areas")
    label_of = None
    if level != "la":
        lk = area_lookup().drop_duplicates("la_code").set_index("la_code")
        label_of = lk[{"csp": "csp", "force": "force_name"}[level]]
    named: dict[str, tuple[float, float, float]] = {}
    drawn = 0
    for code, name, rings in la_rings_bng():
        for r in rings:
            if r[:, 0].max() < x0 or r[:, 0].min() > x1 or r[:, 1].max() < y0 or r[:, 1].min() > y1:
                continue
            drawn += 1
            ax.plot(r[:, 0], r[:, 1], color=colour, lw=0.7, zorder=3)
            nm = str(name) if label_of is None else str(label_of.get(code, name))
            at = _label_point(r, x0, x1, y0, y1)  # inside its own area on the map
            if at is not None and at[2] > named.get(nm, (0.0, 0.0, 0.0))[2]:
                named[nm] = at
    if drawn and not named:  # a small extent inside one area: name it at the centre
        from .geography import bundled_la_bng

        idx, names = bundled_la_bng()
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        k = int(idx.locate(np.array([cx]), np.array([cy]))[0])
        if k >= 0:
            code = la_rings_bng()[k][0]
            nm = str(names[k]) if label_of is None else str(label_of.get(code, names[k]))
            named[nm] = (cx, cy, 1)
    if not drawn:
        raise InvalidInputError(f"`areas`: no local authority lies in the extent {extent}: is the surface on the British "
                                "National Grid (metres; saferstats.to_bng)?", "areas")
    texts = [ax.text(x, y, nm, fontsize=7, color="#333333", ha="center", va="center", zorder=4, clip_on=True,
                     bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
             for nm, (x, y, _) in sorted(named.items())]
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    _names_inside(ax, texts)

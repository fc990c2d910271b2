"""Plots for the analyses (matplotlib, the optional ``plot`` extra). Each function draws on the
``ax`` given (or a new figure), returns the Axes, and states the method and confidence level in
its labels. No statistics are computed here beyond calling the saferstats API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import InvalidInputError
from .trend import _DEFAULT_MULT, funnel_limits, funnel_significance, funnel_target, parse_periods, poisson_trend
from .rates import rate_ci

__all__ = ["plot_funnel", "plot_trend", "plot_disproportionality", "plot_its"]

_SIG_COLOURS = {
    "Low (0.001)": "#1f4e9c",
    "Low (0.025)": "#6f9fd8",
    "Not significant": "#9e9e9e",
    "High (0.025)": "#f0a04b",
    "High (0.001)": "#c0392b",
    "Not applicable": "#dddddd",
}


def _axes(ax: Any):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError("plotting needs matplotlib: pip install 'saferstats[plot]'") from exc
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    return ax


def plot_funnel(
    numerators: Any,
    denominators: Any,
    *,
    labels: Sequence[str] | None = None,
    kind: str = "proportion",
    target: float | None = None,
    multiplier: float | None = None,
    highlight: Sequence[str] = (),
    ax: Any = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
):
    """PHE funnel plot: each area's value against its denominator, with 95% and 99.8% control
    limits (:func:`saferstats.funnel_limits`) around the target (default: the overall value,
    :func:`saferstats.funnel_target`), points coloured by :func:`saferstats.funnel_significance`.
    Limits are drawn at 100 geometrically spaced denominators, as PHE does.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> df = saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna()
    >>> ax = plot_funnel(df["offences"], df["population"], labels=df["force"], kind="rate",
    ...                  highlight=["Hertfordshire"])
    >>> ax.get_ylabel()
    'rate per 100,000'
    """
    ax = _axes(ax)
    mult = _DEFAULT_MULT.get(kind, 1.0) if multiplier is None else float(multiplier)
    o = np.asarray(numerators, dtype=float)
    d = np.asarray(denominators, dtype=float)
    if len(o) != len(d):
        raise InvalidInputError("numerators and denominators differ in length", "denominators")
    if target is None:
        target = 1.0 if kind == "ratio" else funnel_target(o, d, kind=kind, multiplier=mult)
    sig = funnel_significance(o, d, target=target, kind=kind, multiplier=mult)
    value = o / d * (mult if kind != "ratio" else 1.0)
    lo, hi = max(np.nanmin(d) * 0.8, 1e-9), np.nanmax(d) * 1.2
    grid = np.geomspace(lo, hi, 100)
    lim = funnel_limits(grid, target=target, kind=kind, multiplier=mult)
    ax.plot(grid, lim["lower_998"], color="#444444", lw=1, ls="--", label="99.8% limits")
    ax.plot(grid, lim["upper_998"], color="#444444", lw=1, ls="--")
    ax.plot(grid, lim["lower_95"], color="#444444", lw=1, ls=":", label="95% limits")
    ax.plot(grid, lim["upper_95"], color="#444444", lw=1, ls=":")
    ax.axhline(target, color="black", lw=1, label=f"target {target:,.3g}")
    for name, colour in _SIG_COLOURS.items():
        m = (sig == name).to_numpy()
        if m.any():
            ax.scatter(d[m], value[m], s=22, color=colour, label=name, zorder=3, edgecolor="white", linewidth=0.5)
    if labels is not None:
        labels = list(labels)
        for i, name in enumerate(labels):
            if name in highlight:
                ax.annotate(name, (d[i], value[i]), xytext=(5, 5), textcoords="offset points", fontsize=8)
    unit = {"proportion": "%" if mult == 100 else f"per {mult:,.0f}", "rate": f"rate per {mult:,.0f}", "ratio": "ratio"}
    ax.set_ylabel(ylabel or unit.get(kind, "value"))
    ax.set_xlabel(xlabel or {"rate": "population", "ratio": "expected count"}.get(kind, "denominator"))
    ax.set_title(title or f"Funnel plot ({kind}; PHE exact limits, 95% and 99.8%)", fontsize=10)
    ax.legend(fontsize=7, loc="best")
    return ax


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
    dispersion: str = "auto",
    ax: Any = None,
    title: str | None = None,
):
    """Rate per period with its confidence band (PHE exact/Byar's) and, with ``fit=True``, the
    fitted log-linear trend (:func:`saferstats.poisson_trend`) with the APC in the legend.
    ``by`` draws one line per group on the same axes. ``population=None`` plots counts.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> nat = saferstats.datasets.hate_crime_national().query("strand in ['Disability', 'Transgender']")
    >>> ax = plot_trend(nat, population=None, period="year", by="strand")
    >>> len(ax.get_lines())
    4
    """
    ax = _axes(ax)
    groups = [(None, data)] if by is None else list(data.groupby(by, sort=True))
    for key, g in groups:
        t = parse_periods(g[period], column=period)
        order = np.argsort(t)
        g = g.iloc[order]
        t = t[order]
        pop = g[population].to_numpy(dtype=float) if population is not None else np.ones(len(g))
        mult = multiplier if population is not None else 1.0
        r = rate_ci(g[count].to_numpy(dtype=float), pop, multiplier=mult, confidence=confidence)
        label = "" if key is None else f"{key}"
        (line,) = ax.plot(t, r["rate"], marker="o", ms=3, label=label or None)
        ax.fill_between(t, r["lower"], r["upper"], color=line.get_color(), alpha=0.2, lw=0)
        if fit and len(g) >= 3:
            tr = poisson_trend(g, count=count, population=population, period=period, confidence=confidence, dispersion=dispersion).iloc[0]
            if np.isfinite(tr["apc"]):
                fitted = np.exp(tr["intercept"] + tr["beta"] * t) * (mult if population is not None else 1.0)
                ax.plot(t, fitted, ls="--", color=line.get_color(),
                        label=f"{label} trend {tr['apc']:+.1f}%/yr ({tr['apc_lower']:+.1f} to {tr['apc_upper']:+.1f})".strip())
    ax.set_xlabel(period)
    ax.set_ylabel(f"rate per {multiplier:,.0f}" if population is not None else count)
    ax.set_title(title or f"{int(confidence * 100)}% CI band (PHE method); dashed: log-linear trend", fontsize=10)
    ax.legend(fontsize=7)
    return ax


def plot_disproportionality(
    result: pd.DataFrame,
    *,
    label: str | Sequence[str] | None = None,
    period: str | None = None,
    ax: Any = None,
    title: str | None = None,
):
    """Disproportionality ratios with their CIs (a :func:`saferstats.disproportionality` result).

    Without ``period``: a forest plot, one line per row (the reference group left out), labelled by
    ``label`` columns (default: the ``by`` columns and group), log scale, a line at 1; rows not
    ``reliable`` drawn hollow. With ``period``: the ratio of each group over periods with a CI band.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> df = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    >>> ax = plot_disproportionality(saferstats.disproportionality(df, by="force"))
    >>> ax.get_xscale()
    'log'
    """
    ax = _axes(ax)
    res = result[result["ratio_method"].astype(str) != "reference"]
    conf = float(result["confidence"].iloc[0]) if len(result) else 0.95
    if period is not None:
        others = [c for c in res.columns if c not in {period} and c not in _RESULT_COLUMNS]
        for key, g in res.groupby(others + ["group"], sort=True):
            g = g.sort_values(period)
            name = " / ".join(map(str, key if isinstance(key, tuple) else (key,)))
            (line,) = ax.plot(g[period].astype(str), g["ratio"], marker="o", ms=3, label=name)
            ax.fill_between(g[period].astype(str), g["ratio_lower"], g["ratio_upper"], color=line.get_color(), alpha=0.15, lw=0)
        ax.axhline(1, color="black", lw=0.8)
        ax.set_yscale("log")
        ax.set_ylabel(f"rate ratio vs reference ({int(conf * 100)}% CI)")
        ax.set_xlabel(period)
        ax.legend(fontsize=7)
    else:
        cols = [label] if isinstance(label, str) else (list(label) if label else [c for c in res.columns if c not in _RESULT_COLUMNS] + ["group"])
        names = res[cols].astype(str).agg(" / ".join, axis=1).to_numpy()
        y = np.arange(len(res))[::-1]
        rel = res["reliable"].to_numpy(dtype=bool)
        lo = (res["ratio"] - res["ratio_lower"]).to_numpy()
        hi = (res["ratio_upper"] - res["ratio"]).to_numpy()
        ax.errorbar(res["ratio"], y, xerr=[lo, hi], fmt="none", ecolor="#555555", elinewidth=1)
        ax.scatter(res["ratio"][rel], y[rel], color="#c0392b", zorder=3, s=18, label="reliable")
        ax.scatter(res["ratio"][~rel], y[~rel], facecolor="white", edgecolor="#c0392b", zorder=3, s=18, label="unreliable (small numbers)")
        ax.axvline(1, color="black", lw=0.8)
        ax.set_xscale("log")
        ax.set_yticks(y, names, fontsize=7)
        ax.set_xlabel(f"search rate ratio vs reference group ({int(conf * 100)}% CI, log scale)")
        ax.legend(fontsize=7)
    ax.set_title(title or "Stop and search disproportionality", fontsize=10)
    return ax


_RESULT_COLUMNS = {
    "group", "searches", "population", "rate", "rate_lower", "rate_upper", "ratio", "ratio_lower", "ratio_upper",
    "reliable", "ratio_method", "confidence",
}


def plot_its(result: Any, *, labels: Sequence[Any] | None = None, ax: Any = None, title: str | None = None):
    """Interrupted time series plot of an :class:`saferstats.ItsResult`: observed counts, the
    fitted segmented model and the counterfactual (pre-break trend carried forward), with the level
    and slope changes in the title.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import saferstats
    >>> r = saferstats.its_poisson([5, 6, 7, 6, 8, 4, 4, 3, 4], break_index=5)
    >>> len(plot_its(r).get_lines())  # observed, fitted, counterfactual, break
    4
    """
    ax = _axes(ax)
    n = len(result.observed)
    x = np.arange(n) if labels is None else np.asarray(labels)
    post = np.arange(n) >= result.break_index
    ax.plot(x, result.observed, "o", ms=3, color="#444444", label="observed")
    ax.plot(x, result.fitted, "-", color="#c0392b", label="fitted (segmented Poisson)")
    ax.plot(np.asarray(x)[post], np.asarray(result.counterfactual)[post], "--", color="#1f4e9c", label="counterfactual (no intervention)")
    ax.axvline(np.asarray(x)[result.break_index], color="grey", lw=0.8, ls=":")
    conf = int(round(result.confidence * 100))
    ax.set_title(title or (f"level change RR {result.level_rr:.2f} ({result.level_lower:.2f}-{result.level_upper:.2f}), "
                           f"slope change RR {result.slope_rr:.3f}/period ({conf}% CI)"), fontsize=9)
    ax.set_ylabel("count per period")
    ax.legend(fontsize=7)
    return ax

"""Section 136 and street-triage outcome statistics (``METHODS.md`` D1-D4): outcome proportions
and conversion / admission / NFA rates with Wilson CIs, place-of-safety shares and the legal
flags, detention times, before/after comparisons of two periods, and the interrupted time series
of a pilot. Published tables go through :func:`saferstats.suppress` by default.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._confidence import confidence_levels, normalise_confidence
from ._frames import aligned, require_columns
from ._results import Result
from .exceptions import InvalidInputError, SaferstatsWarning
from .io import read_mha_annual  # noqa: F401 - defined with the other readers, re-exported here
from .rates import _methods, proportion_ci, rate_ci, rate_ratio

__all__ = [
    "OUTCOMES",
    "PLACES_OF_SAFETY",
    "ItsResult",
    "S136Summary",
    "its_poisson",
    "compare_proportions",
    "s136_summary",
    "before_after",
    "monthly_counts",
    "read_mha_annual",
]

#: Canonical post-assessment outcomes and their default labels (METHODS.md D2).
OUTCOMES: dict[str, str] = {
    "informal": "Admitted informally",
    "s2": "Detained under section 2",
    "s3": "Detained under section 3",
    "referred": "Referred to community / other services",
    "nfa": "Discharged - no mental disorder / no further action",
    "unknown": "Other / not known",
}
#: Canonical places of safety and their default labels.
PLACES_OF_SAFETY: dict[str, str] = {
    "health_based": "Health-based place of safety",
    "a_and_e": "A&E",
    "police_station": "Police station",
    "other": "Other",
    "not_known": "Not known",
}
_TEST_LABELS = list(_ext.test_labels())


# ------------------------------------------------------------------------------------------ ITS

def _confidence(confidence: Any) -> float:
    """One confidence level as a fraction (0.95, or 95 as a percentage; the shared rules of
    :mod:`saferstats._confidence`), or :class:`InvalidInputError` naming ``confidence``. For the
    functions that return a result object, which hold one level at a time."""
    level = normalise_confidence(confidence)
    if not isinstance(level, float):
        raise InvalidInputError(
            "`confidence`: this result holds one level at a time; call it once per level "
            f"(got {confidence!r})", "confidence")
    return level


def _whole(value: Any, name: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole-number option (int, numpy integer or an integral float) within range, or
    :class:`InvalidInputError` naming it."""
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not ok and isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        value, ok = int(value), True
    if not ok:
        raise InvalidInputError(f"`{name}` must be a whole number, got {value!r}", name)
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        top = "" if maximum is None else f" and at most {maximum}"
        raise InvalidInputError(f"`{name}` must be at least {minimum}{top}, got {value}", name)
    return value


@dataclasses.dataclass(frozen=True, repr=False)
class ItsResult(Result):
    """An interrupted time series fit (see :func:`its_poisson`).

    ``level_rr`` and ``slope_rr`` read **after ÷ before**: below 1 is a fall in level at the break
    / a downward bend in the trend. The repr (and the notebook display) shows these headline
    effects; :meth:`effects` gives them as a table and :meth:`to_pandas` the fitted series.
    """

    level_rr: float
    level_lower: float
    level_upper: float
    slope_rr: float
    slope_lower: float
    slope_upper: float
    pre_slope_rr: float
    post_slope_rr: float
    fitted: np.ndarray
    counterfactual: np.ndarray
    observed: np.ndarray
    dispersion_ratio: float
    beta: np.ndarray
    se: np.ndarray
    break_index: int
    confidence: float
    dispersion: str
    seasonality: str

    _summary_fields = ("level_rr", "level_lower", "level_upper", "slope_rr", "slope_lower", "slope_upper",
                       "pre_slope_rr", "post_slope_rr", "dispersion_ratio", "break_index", "dispersion")

    @property
    def model(self) -> str:
        """The fitted model in words, e.g. ``"segmented Poisson, quasi-Poisson SEs, fourier(12)"``."""
        se = "quasi-Poisson SEs (x Pearson chi2/df)" if self.dispersion in ("quasi", "quasipoisson") else "Poisson SEs"
        seas = "" if self.seasonality == "none" else f", seasonality {self.seasonality}"
        return f"segmented Poisson, {se}{seas}"

    def _headline(self) -> list[tuple[str, str]]:
        conf = f"{self.confidence * 100:g}%"
        return [
            ("level change at the break (rate ratio, after / before)",
             f"{self.level_rr:.3f} ({conf} CI {self.level_lower:.3f} to {self.level_upper:.3f})"),
            ("slope change per period (rate ratio, after / before)",
             f"{self.slope_rr:.4f} ({conf} CI {self.slope_lower:.4f} to {self.slope_upper:.4f})"),
            ("trend per period before / after", f"{self.pre_slope_rr:.4f} / {self.post_slope_rr:.4f}"),
            ("model", self.model),
            ("Pearson chi2/df", f"{self.dispersion_ratio:.3f}"),
            ("periods", f"{len(self.observed)} ({self.break_index} before the break, "
                        f"{len(self.observed) - self.break_index} from it)"),
        ]

    def __repr__(self) -> str:
        lines = [f"{k}: {v}" for k, v in self._headline()]
        return "ItsResult (below 1 = a fall)\n  " + "\n  ".join(lines)

    def _repr_html_(self) -> str:
        import html

        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>"
                       f"{html.escape(v)}</td></tr>" for k, v in self._headline())
        return (f"<p><b>ItsResult</b> &mdash; interrupted time series (below 1 = a fall)</p>"
                f"<table>{rows}</table>")

    def to_pandas(self) -> pd.DataFrame:
        """One row per period: ``period, observed, fitted, counterfactual, post``."""
        n = len(self.observed)
        return pd.DataFrame({"period": np.arange(n), "observed": self.observed, "fitted": self.fitted,
                             "counterfactual": self.counterfactual, "post": np.arange(n) >= self.break_index})

    def effects(self) -> pd.DataFrame:
        """The level and slope changes as a table with CIs (rate ratios, after ÷ before)."""
        return pd.DataFrame({
            "effect": ["level change (rate ratio at the break, after / before)",
                       "slope change (rate ratio per period, after / before)"],
            "rr": [self.level_rr, self.slope_rr], "lower": [self.level_lower, self.slope_lower],
            "upper": [self.level_upper, self.slope_upper], "confidence": self.confidence,
            "model": self.model,
        })


def its_poisson(
    counts: Any,
    *,
    break_index: int,
    population: Any = None,
    confidence: float = 0.95,
    dispersion: Literal["poisson", "quasi"] = "poisson",
    seasonality: None | Literal["fourier", "dummies"] | tuple[str, int] | tuple[str, int, int] = None,
) -> ItsResult:
    """Interrupted time series: segmented Poisson regression with a population offset.

    Method (``METHODS.md`` D3, Bernal et al. 2017), fitted by IRLS in Rust:
    ``log E[y_t] = b0 + b1 t + b2 post_t + b3 since_t [+ seasonal] + log pop_t`` with t = 1..T,
    ``post_t = 1`` from the break and ``since_t = max(0, t - t0)`` — **0 in the first post period**,
    so ``level_rr = e^b2`` is the immediate change at the break and ``slope_rr = e^b3`` the change in
    the per-period trend. Both read **after ÷ before**: below 1 is a fall. ``break_index`` is the
    0-based position of the first post-intervention period. ``dispersion="quasi"`` scales the
    covariance by Pearson χ²/df (reported as ``dispersion_ratio`` either way). ``seasonality``:
    ``"fourier"`` (one sin/cos pair, period 12), ``("fourier", period, k)``, ``"dummies"`` (month
    indicators) or ``("dummies", period)``. The counterfactual carries the pre-break model forward
    (b2 = b3 = 0). Counts all zero on one side of the break, or a fit that drives an observed zero
    to a fitted zero (separation), are not estimable and raise :class:`InvalidInputError`.

    Examples
    --------
    METHODS.md D3: a triage pilot starting in month 25 of 36 (population 1.1 million):

    >>> import saferstats
    >>> y = [21, 24, 19, 23, 26, 22, 25, 27, 24, 26, 28, 25, 27, 29, 26, 30, 28, 31, 29, 27, 32, 30,
    ...      33, 31, 24, 23, 25, 22, 24, 21, 23, 22, 20, 22, 21, 19]
    >>> r = saferstats.its_poisson(y, break_index=24, population=1_100_000)
    >>> round(r.level_rr, 6), round(r.level_lower, 6), round(r.level_upper, 6)
    (0.743616, 0.56889, 0.972005)
    >>> round(float(r.counterfactual[-1]), 4), round(float(r.fitted[-1]), 4)
    (39.1514, 20.1478)
    >>> print(r)
    ItsResult (below 1 = a fall)
      level change at the break (rate ratio, after / before): 0.744 (95% CI 0.569 to 0.972)
      slope change per period (rate ratio, after / before): 0.9671 (95% CI 0.9323 to 1.0031)
      trend per period before / after: 1.0166 / 0.9831
      model: segmented Poisson, Poisson SEs
      Pearson chi2/df: 0.104
      periods: 36 (24 before the break, 12 from it)
    """
    arrays, _ = aligned(counts=counts, population=1.0 if population is None else population)
    y = arrays["counts"]
    pop = arrays["population"]
    conf = _confidence(confidence)
    break_index = _whole(break_index, "break_index")
    if break_index >= len(y):
        raise InvalidInputError(
            f"`break_index` {break_index} is past the end of the series ({len(y)} periods); it is the 0-based "
            "position of the first post-intervention period", "break_index")
    if not isinstance(dispersion, str):
        raise InvalidInputError(f"`dispersion` must be \"poisson\" or \"quasi\", got {dispersion!r}", "dispersion")
    kind, period, k = "none", 12, 1
    if seasonality is not None:
        if isinstance(seasonality, str):
            spec: tuple[Any, ...] = (seasonality,)
        elif isinstance(seasonality, (tuple, list)) and 1 <= len(seasonality) <= 3:
            spec = tuple(seasonality)
        else:
            raise InvalidInputError(
                "`seasonality` must be None, \"fourier\", \"dummies\", (\"fourier\", period, k) or "
                f"(\"dummies\", period); got {seasonality!r}", "seasonality")
        if not isinstance(spec[0], str):
            raise InvalidInputError(f"`seasonality` must name \"fourier\" or \"dummies\", got {spec[0]!r}", "seasonality")
        kind = spec[0]
        period = _whole(spec[1], "seasonality", minimum=2, maximum=len(y)) if len(spec) > 1 else 12
        k = _whole(spec[2], "seasonality", minimum=1, maximum=max(1, period // 2)) if len(spec) > 2 else 1
    res = _ext.its_poisson(y, pop, break_index, conf, dispersion, kind, period, k)
    return ItsResult(
        level_rr=res["level"][0], level_lower=res["level"][1], level_upper=res["level"][2],
        slope_rr=res["slope"][0], slope_lower=res["slope"][1], slope_upper=res["slope"][2],
        pre_slope_rr=res["pre_slope_rr"], post_slope_rr=res["post_slope_rr"],
        fitted=res["fitted"], counterfactual=res["counterfactual"], observed=y.copy(),
        dispersion_ratio=res["dispersion_ratio"], beta=res["beta"], se=res["se"], break_index=break_index,
        confidence=conf, dispersion=dispersion, seasonality=kind if kind == "none" else f"{kind}({period})",
    )


# ------------------------------------------------------------------------ two proportions

@confidence_levels("diff_lower", "diff_upper", "rr_lower", "rr_upper", "p1_lower", "p1_upper", "p2_lower", "p2_upper")
def compare_proportions(x1: Any, n1: Any, x2: Any, n2: Any, *, confidence: float = 0.95) -> pd.DataFrame:
    """Compare proportions x1/n1 and x2/n2, element by element: **first against second**
    (``diff = p1 - p2``, ``rr = p1 / p2``).

    Direction: for a before/after comparison pass the **later (post) period first**, so a fall
    reads ``rr < 1`` and ``diff < 0`` — as :func:`before_after` does; for an outcome test pass the
    group first and the reference second.

    Method (``METHODS.md`` D3, B3): Wilson CIs; difference with Newcombe's hybrid score CI; risk
    ratio with Katz's log CI; pooled two-proportion z; Fisher's exact test, which is the reported
    ``p_value`` when any expected cell is below 5 (``test`` says which); χ² with Yates' correction.
    **Zero cells** (``docs/methods/zero_cells.md``): ``rr`` is always the observed ratio (0 or inf
    when a count is 0). When any cell is zero — a count of 0 or a rate of 100% — its CI is the
    exact conditional interval (R ``poisson.test``; ``rr_method`` ``"exact (zero count)"``), which
    never claims a difference Fisher's test does not support but is wide when a rate is high; Katz
    (with or without Haldane's +0.5) is not used there. x1 = x2 = 0 gives NaN.
    ``fisher_p`` is always computed when it is the reported test; beside the z test it is given
    while it is cheap and left NaN for very large tables (the z test is accurate there).
    Counts above 2**53 are refused.

    Returns
    -------
    DataFrame ``p1, p2, diff, diff_lower, diff_upper, rr, rr_lower, rr_upper, z, p_value, fisher_p,
    test, rr_method`` then ``p1_lower, p1_upper, p2_lower, p2_upper, chi2, chi2_yates,
    p_chi2_yates, odds_ratio, confidence``.

    Examples
    --------
    Police custody as the place of safety, post (pilot) 3/160 against pre 14/250 (METHODS.md D3
    gives pre / post = 2.986667, 0.872058-10.228878; this is its reciprocal):

    >>> import saferstats
    >>> r = saferstats.compare_proportions(3, 160, 14, 250).iloc[0]
    >>> round(float(r.rr), 6), round(float(r.rr_lower), 6), round(float(r.rr_upper), 6), r.rr_method
    (0.334821, 0.097762, 1.146712, 'katz')
    >>> round(float(r.z), 6), round(float(r.fisher_p), 6), r.test
    (-1.845557, 0.077291, 'z')

    A 100% find rate (13 of 13) against 333 of 359: the interval contains 1, as Fisher's p says
    (plain Katz gave 1.047-1.110):

    >>> r = saferstats.compare_proportions(13, 13, 333, 359).iloc[0]
    >>> round(float(r.rr), 3), round(float(r.rr_lower), 3), round(float(r.rr_upper), 3), r.rr_method
    (1.078, 0.568, 1.869, 'exact (zero count)')
    >>> r.test, round(float(r.p_value), 2)
    ('fisher', 0.61)
    """
    conf = _confidence(confidence)
    arrays, index = aligned(x1=x1, n1=n1, x2=x2, n2=n2)
    res = _ext.two_by_two(arrays["x1"], arrays["n1"], arrays["x2"], arrays["n2"], conf)
    w2 = proportion_ci(arrays["x2"], arrays["n2"], confidence=conf)
    out = pd.DataFrame({
        "p1": res["rate"], "p2": arrays["x2"] / arrays["n2"], "diff": res["diff"], "diff_lower": res["diff_lower"],
        "diff_upper": res["diff_upper"], "rr": res["rr"], "rr_lower": res["rr_lower"], "rr_upper": res["rr_upper"],
        "z": res["z"], "p_value": res["p_value"], "fisher_p": res["p_fisher"],
        "test": pd.Categorical.from_codes(res["test"], categories=_TEST_LABELS),
        "rr_method": _methods(res["rr_method"]),
        "p1_lower": res["rate_lower"], "p1_upper": res["rate_upper"],
        "p2_lower": w2["lower"].to_numpy(), "p2_upper": w2["upper"].to_numpy(),
        "chi2": res["chi2"], "chi2_yates": res["chi2_yates"], "p_chi2_yates": res["p_chi2_yates"],
        "odds_ratio": res["odds_ratio"], "confidence": conf,
    }, index=index)
    return out


# ---------------------------------------------------------------------------- records

_DEFAULT_COLUMNS = {
    "detention_time": "detention_time",
    "arrival_time": "arrival_time",
    "departure_time": "departure_time",
    "place_of_safety": "place_of_safety",
    "age": "age",
    "outcome": "outcome",
    "extension": "extension",
}


def _canonical(values: pd.Series, canon: Mapping[str, str], mapping: Mapping[str, str] | None, column: str) -> pd.Series:
    table = {k: k for k in canon}
    table.update({v: k for k, v in canon.items()})
    table.update({v.lower(): k for k, v in canon.items()})
    if mapping:
        table.update(mapping)
    raw = values.astype("string").fillna("").str.strip()
    out = raw.map(lambda v: table.get(v, table.get(v.lower())))
    unknown = sorted(raw[out.isna()].unique())
    if unknown:
        rows = list(np.flatnonzero(out.isna().to_numpy())[:5])
        blank = " (blank or missing values: map them with {'': ...}, e.g. to 'unknown')" if "" in unknown else ""
        raise InvalidInputError(
            f"column {column!r} has unknown categories {unknown} (rows {rows}){blank}; expected one of "
            f"{list(canon)} or their labels, or pass a mapping",
            column,
            int(rows[0]),
        )
    return out.astype(str)


def _times(df: pd.DataFrame, col: str | None) -> pd.Series:
    if col is None or col not in df.columns:
        return pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    s = df[col]
    parsed = pd.to_datetime(s, errors="coerce")
    bad = parsed.isna() & s.notna() & (s.astype("string").str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InvalidInputError(f"column {col!r} row {row}: cannot read timestamp {s.iloc[row]!r}", col, row)
    return parsed


_S136_TABLES = ("outcomes", "rates", "place_of_safety", "durations", "flags")


@dataclasses.dataclass(frozen=True, repr=False)
class S136Summary(Result):
    """Section 136 outcome statistics (see :func:`s136_summary`). Tables, each with the ``by``
    columns: ``outcomes``, ``rates`` (conversion / admission / NFA), ``place_of_safety``,
    ``durations``, ``flags``; ``excluded`` counts rows left out of a denominator and why.

    The tables hold numbers (numeric columns stay numeric). With disclosure control (the
    default) the cells that must not be published are missing, ``suppressed[name]`` is a
    True/False frame of the same shape saying which, and :meth:`published` gives the copy to
    publish, with hidden cells shown as ``[c]``.
    """

    outcomes: pd.DataFrame
    rates: pd.DataFrame
    place_of_safety: pd.DataFrame
    durations: pd.DataFrame
    flags: pd.DataFrame
    excluded: dict
    confidence: float
    disclosure: str
    suppressed: dict = dataclasses.field(default_factory=dict)
    unprotected: list = dataclasses.field(default_factory=list)
    by: tuple = ()

    _summary_fields = ("outcomes", "rates", "place_of_safety", "durations", "flags", "excluded", "confidence")

    def to_pandas(self) -> pd.DataFrame:
        """The headline rates table."""
        return self.rates

    def published(self, marker: str = "[c]") -> S136Summary:
        """The copy to publish: every suppressed cell shows ``marker`` (text columns then), the
        ``excluded`` counts too; numbers are otherwise unchanged. Without disclosure control the
        summary is returned as it is.

        >>> import saferstats
        >>> s = saferstats.s136_summary(saferstats.synthetic.s136_pilot_records(seed=1))
        >>> s.published().flags.columns.tolist()[:3]
        ['child_in_police_station', 'over_24h_without_extension', 'over_36h']
        """
        if not isinstance(marker, str):
            raise InvalidInputError(f"`marker` must be text, got {marker!r}", "marker")
        tables = {}
        for name in _S136_TABLES:
            t = getattr(self, name).copy()
            mask = self.suppressed.get(name)
            if mask is not None:
                for c in mask.columns:
                    m = mask[c].to_numpy(dtype=bool)
                    if m.any():
                        t[c] = t[c].astype(object).where(~m, marker)
            tables[name] = t
        excluded = {k: (marker if self.suppressed.get("excluded", {}).get(k, False) else v)
                    for k, v in self.excluded.items()}
        return dataclasses.replace(self, **tables, excluded=excluded, suppressed={}, unprotected=list(self.unprotected))

    def headline(self) -> pd.DataFrame:
        """One row per group: detentions, the conversion / admission / NFA rates and the share taken
        to a police station (% with CI), every outcome's and place's share, median detention time
        (IQR) and the legal flags, as text ready to read (hidden cells ``[c]``)."""
        pub = self.published()
        keys = list(self.by)

        def pct(t: pd.DataFrame, col: str, key: str) -> pd.Series:
            sub = t[t[col] == key].reset_index(drop=True)
            return pd.Series([_pct_text(r) for _, r in sub.iterrows()])

        rows = pub.flags[keys].reset_index(drop=True).copy() if keys else pd.DataFrame(index=[0])
        rows["detentions"] = pub.flags["detentions"].to_numpy()
        for m in ("conversion", "admission", "nfa"):
            rows[f"{m} %"] = pct(pub.rates, "measure", m).to_numpy()
        rows["police station %"] = pct(pub.place_of_safety, "place_of_safety", "police_station").to_numpy()

        def shares(t: pd.DataFrame, col: str, codes: list[str]) -> list[str]:
            out = []
            for gi in range(len(rows)):
                sub = t.iloc[gi * len(codes):(gi + 1) * len(codes)]
                out.append("/".join("[c]" if isinstance(v, str) else ("—" if pd.isna(v) else f"{v:.1f}")
                                    for v in sub["percent"]))
            return out

        outcome_codes = [c for c in OUTCOMES if c != "unknown"]
        place_codes = [c for c in PLACES_OF_SAFETY if c != "not_known"]
        rows["outcomes % (informal/s2/s3/referred/nfa)"] = shares(pub.outcomes, "outcome", outcome_codes)
        rows["place % (health-based/A&E/police/other)"] = shares(pub.place_of_safety, "place_of_safety", place_codes)
        d = pub.durations.reset_index(drop=True)
        rows["median hours (IQR)"] = [
            "[c]" if any(isinstance(r[c], str) for c in ("median_hours", "q1_hours", "q3_hours"))
            else ("—" if pd.isna(r.median_hours) else f"{r.median_hours:.1f} ({r.q1_hours:.1f}–{r.q3_hours:.1f})")
            for _, r in d.iterrows()]
        f = pub.flags.reset_index(drop=True)
        for c, label in (("child_in_police_station", "children in police station"),
                         ("over_24h_without_extension", "over 24 h, no extension"), ("over_36h", "over 36 h")):
            rows[label] = f[c].astype(str).to_numpy()
        return rows

    def _title(self) -> str:
        ex = self.published().excluded
        return (f"S136Summary: Wilson {self.confidence:.0%} CIs; {ex.get('unknown_outcome')} unknown outcome(s), "
                f"{ex.get('place_not_known')} place(s) not known, {ex.get('censored_durations')} detention(s) without "
                f"a departure time left out of their denominators; disclosure: {self.disclosure}")

    def __repr__(self) -> str:
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            return self._title() + "\n" + self.headline().to_string(index=False)

    def _repr_html_(self) -> str:
        pub = self.published()
        parts = [f"<p><b>{_html_escape(self._title())}</b></p>", self.headline().to_html(index=False, border=0)]
        for name, title in (("outcomes", "Outcomes (% of assessed)"), ("place_of_safety", "Place of safety"),
                            ("durations", "Detention time (hours)")):
            parts.append(f"<details><summary>{title}</summary>{getattr(pub, name).to_html(index=False, border=0)}"
                         "</details>")
        return "".join(parts)


def _pct_text(r: pd.Series) -> str:
    if isinstance(r["percent"], str) or isinstance(r["count"], str):
        return "[c]"
    if pd.isna(r["percent"]):
        return "—"
    return f"{r['percent']:.1f} ({r['lower']:.1f}–{r['upper']:.1f})"


def _html_escape(text: str) -> str:
    import html

    return html.escape(text)


def _duration_stats(hours: np.ndarray, quantile_method: str) -> dict[str, float]:
    done = hours[~np.isnan(hours)]
    n = len(done)
    if n:
        q1, med, q3 = np.quantile(done, [0.25, 0.5, 0.75], method=quantile_method)
    else:
        q1 = med = q3 = float("nan")
    return {"n": n, "censored": int(np.isnan(hours).sum()), "median_hours": float(med), "q1_hours": float(q1),
            "q3_hours": float(q3), "mean_hours": float(done.mean()) if n else float("nan"),
            "over_24h": int((done > 24).sum()), "over_24h_percent": 100.0 * (done > 24).mean() if n else float("nan"),
            "over_36h": int((done > 36).sum())}


def s136_summary(
    records: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    columns: Mapping[str, str] | None = None,
    outcome_labels: Mapping[str, str] | None = None,
    place_labels: Mapping[str, str] | None = None,
    confidence: float = 0.95,
    quantile_method: str = "linear",
    disclosure: bool = True,
    threshold: float = 5,
) -> S136Summary:
    """Section 136 outcome statistics from one row per detention.

    Method (``METHODS.md`` D1-D4): outcome shares with Wilson CIs over all *assessed* detentions
    (unknown outcomes excluded from the denominator and counted); ``conversion`` = (s2 + s3) /
    assessed, ``admission`` = (informal + s2 + s3) / assessed, ``nfa`` = discharged NFA / assessed;
    place-of-safety shares (Wilson) over detentions with a known place; detention time = departure −
    arrival at the place of safety (detention time when not removed), with n, median and IQR
    (``quantile_method``: numpy's, default ``"linear"`` = R type 7), mean, counts over 24 h and
    36 h; detentions without a departure are censored (counted, left out of the quantiles). Legal
    flags: under-18s taken to a police station (breach), over 24 h without a recorded extension,
    over 36 h (breach).

    ``columns`` maps the keys ``detention_time, arrival_time, departure_time, place_of_safety, age,
    outcome, extension`` to your column names; ``outcome_labels`` / ``place_labels`` map your labels
    to the canonical keys of :data:`OUTCOMES` / :data:`PLACES_OF_SAFETY` (their default labels and
    keys are accepted as they are). Unknown labels are an error listing them.

    Disclosure control (``disclosure=True``, the default) treats the five tables and the
    ``excluded`` counts as one publication: counts below ``threshold`` are hidden, then further
    counts until none can be worked back — from a denominator and the other categories
    (assessed = informal + s2 + s3 + referred + nfa), from the derived totals (conversions =
    s2 + s3, admissions = informal + s2 + s3, the NFA count in both tables), from the detentions
    (assessed + unknown = known place + not known = completed + censored), from nested counts
    (over 36 h within over 24 h within completed; children in police stations within police
    stations; their small differences are protected too) and, with ``by``, from the totals over the
    groups (exact linear audit, :func:`saferstats.suppress`). Percentages, CIs and duration
    statistics of a hidden count are hidden with it. Hidden cells are missing in the numeric
    tables (``suppressed`` says which); :meth:`S136Summary.published` marks them ``[c]``.

    >>> import saferstats
    >>> recs = saferstats.synthetic.s136_pilot_records(seed=1)
    >>> s = saferstats.s136_summary(recs, disclosure=False)
    >>> list(s.rates["measure"])
    ['conversion', 'admission', 'nfa']
    >>> s.rates["percent"].dtype
    dtype('float64')
    """
    if not isinstance(disclosure, (bool, np.bool_)):
        raise InvalidInputError(f"`disclosure` must be True or False, got {disclosure!r}", "disclosure")
    confidence = _confidence(confidence)
    b = _s136_build(records, by=by, columns=columns, outcome_labels=outcome_labels, place_labels=place_labels,
                    confidence=confidence, quantile_method=quantile_method, threshold=threshold)
    if not disclosure:
        return S136Summary(**b.tables, excluded=b.excluded, confidence=float(confidence), disclosure="none",
                           by=tuple(b.keys))
    reason, unprotected = b.cells.solve(threshold=threshold, zeros=False, secondary=True)
    return _s136_finish(b, reason, unprotected, threshold)


@dataclasses.dataclass
class _S136Build:
    """The tables of a summary and the cells of its disclosure problem (for the report, which adds
    its own cells before solving)."""

    tables: dict
    cells: Any
    ids: dict
    ex_ids: dict
    names: dict
    keys: list
    excluded: dict
    confidence: float


def _s136_build(records: Any, *, by: Any, columns: Any, outcome_labels: Any, place_labels: Any, confidence: Any,
                quantile_method: Any, threshold: Any) -> _S136Build:
    from .disclosure import LATENT, _Cells

    if not isinstance(records, pd.DataFrame):
        raise InvalidInputError(f"`records` must be a pandas DataFrame, got {type(records).__name__}", "records")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)) \
            or not np.isfinite(threshold) or threshold <= 0:
        raise InvalidInputError(f"`threshold` must be a positive number, got {threshold!r}", "threshold")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.integer, np.floating)) \
            or not 0 < confidence < 1:
        raise InvalidInputError(f"`confidence` must be between 0 and 1 (e.g. 0.95), got {confidence!r}", "confidence")
    if quantile_method not in _QUANTILE_METHODS:
        raise InvalidInputError(f"unknown quantile_method {quantile_method!r}; valid: {sorted(_QUANTILE_METHODS)}",
                                "quantile_method")
    for name, m in (("columns", columns), ("outcome_labels", outcome_labels), ("place_labels", place_labels)):
        if m is not None and (not isinstance(m, Mapping) or not all(isinstance(v, str) for v in m.values())):
            raise InvalidInputError(f"`{name}` must map names to text, got {m!r}", name)
    cols = dict(_DEFAULT_COLUMNS)
    if columns:
        unknown = sorted(set(columns) - set(_DEFAULT_COLUMNS))
        if unknown:
            raise InvalidInputError(f"`columns` has unknown key(s) {unknown}; valid: {list(_DEFAULT_COLUMNS)}", "columns")
        cols.update(columns)
    if by is not None and not isinstance(by, str) and not (isinstance(by, Sequence) and all(isinstance(k, str) for k in by)):
        raise InvalidInputError(f"`by` must be a column name or a list of them, got {by!r}", "by")
    keys = [by] if isinstance(by, str) else list(by or [])
    require_columns(records, {"outcome": cols["outcome"], "place_of_safety": cols["place_of_safety"],
                              **{f"by[{i}]": k for i, k in enumerate(keys)}}, "records")
    if len(records) == 0:
        raise InvalidInputError("`records` is empty", "records")
    df = records.reset_index(drop=True)
    outcome = _canonical(df[cols["outcome"]], OUTCOMES, outcome_labels, cols["outcome"])
    place = _canonical(df[cols["place_of_safety"]], PLACES_OF_SAFETY, place_labels, cols["place_of_safety"])
    start = _times(df, cols["arrival_time"]).fillna(_times(df, cols["detention_time"]))
    end = _times(df, cols["departure_time"])
    if start.dt.tz is not None and end.dt.tz is None or start.dt.tz is None and end.dt.tz is not None:
        raise InvalidInputError("arrival/detention and departure times must all carry a time zone or none",
                                cols["departure_time"])
    hours = ((end - start).dt.total_seconds() / 3600.0).to_numpy()
    neg = np.flatnonzero(hours < 0)
    if neg.size:
        raise InvalidInputError(
            f"row {neg[0]}: departure ({end.iloc[neg[0]]}) is before arrival/detention ({start.iloc[neg[0]]})",
            cols["departure_time"], int(neg[0]))
    long = np.flatnonzero(hours > 24 * 366)
    if long.size:
        raise InvalidInputError(f"row {long[0]}: detention of {hours[long[0]]:.0f} hours is longer than a year",
                                cols["departure_time"], int(long[0]))
    age = pd.to_numeric(df[cols["age"]], errors="coerce") if cols["age"] in df.columns else pd.Series(np.nan, index=df.index)
    if cols["extension"] in df.columns:
        try:
            ext = df[cols["extension"]].astype("boolean").fillna(False)
        except (TypeError, ValueError) as exc:
            raise InvalidInputError(f"column {cols['extension']!r} must hold True/False (extension granted): {exc}",
                                    cols["extension"]) from exc
    else:
        ext = pd.Series(False, index=df.index)
    work = df[keys].copy() if keys else pd.DataFrame(index=df.index)
    work["__all"] = "all"
    gkeys = keys or ["__all"]
    work["outcome"] = outcome.to_numpy()
    work["place"] = place.to_numpy()
    work["hours"] = hours
    work["age"] = age.to_numpy()
    work["extension"] = ext.to_numpy(dtype=bool)
    excluded = {"unknown_outcome": int((outcome == "unknown").sum()), "place_not_known": int((place == "not_known").sum()),
                "censored_durations": int(np.isnan(hours).sum())}

    # the tables' rows, and the cells of the disclosure problem (one publication)
    cells = _Cells()
    names: dict[int, str] = {}  # what a latent cell is, for messages
    ids: dict[str, list[dict[str, int]]] = {name: [] for name in _S136_TABLES}
    per_group: list[dict[str, int]] = []
    out_rows, rate_rows, pos_rows, dur_rows, flag_rows = [], [], [], [], []
    for g, sub in work.groupby(gkeys, sort=True, dropna=False):
        g = g if isinstance(g, tuple) else (g,)
        label = dict(zip(keys, g)) if keys else {}
        assessed = sub[sub.outcome != "unknown"]
        n = len(assessed)
        counts = assessed.outcome.value_counts()
        c_assessed = cells.add(n)
        c_out = {}
        for code in OUTCOMES:
            if code == "unknown":
                continue
            k = int(counts.get(code, 0))
            out_rows.append({**label, "outcome": code, "label": OUTCOMES[code], "count": k, "assessed": n})
            c_out[code] = cells.add(k)
            ids["outcomes"].append({"count": c_out[code], "assessed": c_assessed})
        cells.sum_to(list(c_out.values()), c_assessed)
        for measure, codes in (("conversion", ["s2", "s3"]), ("admission", ["informal", "s2", "s3"]), ("nfa", ["nfa"])):
            k = int(sum(counts.get(c, 0) for c in codes))
            rate_rows.append({**label, "measure": measure, "count": k, "assessed": n})
            if len(codes) == 1:
                cid = c_out[codes[0]]  # the NFA count is the same number in both tables
            else:
                cid = cells.add(k)
                cells.sum_to([c_out[c] for c in codes], cid)
            ids["rates"].append({"count": cid, "assessed": c_assessed})
        known = sub[sub.place != "not_known"]
        pc = known.place.value_counts()
        c_known = cells.add(len(known))
        c_pos = {}
        for code in PLACES_OF_SAFETY:
            if code != "not_known":
                k = int(pc.get(code, 0))
                pos_rows.append({**label, "place_of_safety": code, "label": PLACES_OF_SAFETY[code], "count": k,
                                 "known": len(known)})
                c_pos[code] = cells.add(k)
                ids["place_of_safety"].append({"count": c_pos[code], "known": c_known})
        cells.sum_to(list(c_pos.values()), c_known)
        d = _duration_stats(sub.hours.to_numpy(), quantile_method)
        dur_rows.append({**label, **d})
        child = (sub.age < 18) & (sub.place == "police_station")
        f = {"child_in_police_station": int(child.sum()),
             "over_24h_without_extension": int(((sub.hours > 24) & ~sub.extension).sum()),
             "over_36h": int((sub.hours > 36).sum()), "detentions": len(sub)}
        flag_rows.append({**label, **f})
        c_det = cells.add(len(sub))
        c_n, c_cens = cells.add(d["n"]), cells.add(d["censored"])
        c_24, c_36 = cells.add(d["over_24h"]), cells.add(d["over_36h"])
        c_child, c_noext = cells.add(f["child_in_police_station"]), cells.add(f["over_24h_without_extension"])
        c_unknown = cells.add(len(sub) - n, LATENT)
        c_nk = cells.add(len(sub) - len(known), LATENT)
        cells.sum_to([c_assessed, c_unknown], c_det)
        cells.sum_to([c_known, c_nk], c_det)
        cells.sum_to([c_n, c_cens], c_det)
        where_g = f" ({', '.join(f'{k}={v}' for k, v in label.items())})" if label else ""
        for part, whole, what in ((c_24, c_n, "completed within 24 h"), (c_36, c_24, "between 24 and 36 h"),
                                  (c_noext, c_24, "over 24 h with an extension"),
                                  (c_child, c_pos["police_station"], "adults taken to a police station")):
            cells.subset(part, whole)
            names[len(cells.values) - 1] = what + where_g
        names[c_unknown] = "unknown outcomes" + where_g
        names[c_nk] = "place not known" + where_g
        ids["durations"].append({"n": c_n, "censored": c_cens, "over_24h": c_24, "over_36h": c_36})
        ids["flags"].append({"child_in_police_station": c_child, "over_24h_without_extension": c_noext,
                             "over_36h": c_36, "detentions": c_det})
        per_group.append({"unknown": c_unknown, "nk": c_nk, "censored": c_cens})
    # the excluded counts are published totals over the groups
    ex_ids = {}
    for key, part in (("unknown_outcome", "unknown"), ("place_not_known", "nk"), ("censored_durations", "censored")):
        ex_ids[key] = cells.add(excluded[key])
        cells.sum_to([p[part] for p in per_group], ex_ids[key])
    if len(per_group) > 1:  # totals over the groups of every count
        for name in _S136_TABLES:
            rows = ids[name]
            per = len(rows) // len(per_group)
            for j in range(per):
                for col in rows[j]:
                    group_cells = sorted({rows[gi * per + j][col] for gi in range(len(per_group))})
                    cells.margin(group_cells)

    def with_ci(rows: list[dict], num: str, den: str) -> pd.DataFrame:
        t = pd.DataFrame(rows)
        if len(t) == 0:
            return t
        ok = t[den] > 0
        ci = proportion_ci(t[num].where(ok, 0), t[den].where(ok, 1), confidence=confidence, multiplier=100)
        t["percent"] = ci["value"].where(ok.to_numpy()).to_numpy()
        t["lower"] = ci["lower"].where(ok.to_numpy()).to_numpy()
        t["upper"] = ci["upper"].where(ok.to_numpy()).to_numpy()
        t["confidence"] = float(confidence)
        return t

    tables = {
        "outcomes": with_ci(out_rows, "count", "assessed"),
        "rates": with_ci(rate_rows, "count", "assessed"),
        "place_of_safety": with_ci(pos_rows, "count", "known"),
        "durations": pd.DataFrame(dur_rows),
        "flags": pd.DataFrame(flag_rows),
    }
    return _S136Build(tables=tables, cells=cells, ids=ids, ex_ids=ex_ids, names=names, keys=keys, excluded=excluded,
                      confidence=float(confidence))


def _s136_finish(b: _S136Build, reason: np.ndarray, unprotected: list[int], threshold: float) -> S136Summary:
    """Masks, missing cells and the rule from a solved problem."""
    tables, ids, ex_ids, names, keys, excluded = b.tables, b.ids, b.ex_ids, b.names, b.keys, b.excluded
    confidence = b.confidence

    hidden_cell = reason > 0
    derived = {"outcomes": {c: ("count", "assessed") for c in ("percent", "lower", "upper")},
               "rates": {c: ("count", "assessed") for c in ("percent", "lower", "upper")},
               "place_of_safety": {c: ("count", "known") for c in ("percent", "lower", "upper")},
               "durations": {**{c: ("n",) for c in ("median_hours", "q1_hours", "q3_hours", "mean_hours")},
                             "over_24h_percent": ("n", "over_24h")},
               "flags": {}}
    masks: dict[str, Any] = {}
    for name in _S136_TABLES:
        t = tables[name]
        mask = pd.DataFrame(False, index=t.index, columns=t.columns)
        for i, row_ids in enumerate(ids[name]):
            for col, cid in row_ids.items():
                mask.iloc[i, t.columns.get_loc(col)] = bool(hidden_cell[cid])
        for col, sources in derived[name].items():
            mask[col] = mask[col] | mask[list(sources)].any(axis=1)
        for col in mask.columns:
            m = mask[col].to_numpy()
            if m.any():
                t[col] = (t[col].astype("Int64") if pd.api.types.is_integer_dtype(t[col]) else t[col]).mask(m)
        masks[name] = mask
    masks["excluded"] = {k: bool(hidden_cell[c]) for k, c in ex_ids.items()}
    excluded_pub = {k: (pd.NA if masks["excluded"][k] else v) for k, v in excluded.items()}
    where: dict[int, list[tuple]] = {}
    for name in _S136_TABLES:
        for i, row_ids in enumerate(ids[name]):
            for col, cid in row_ids.items():
                if (name, i, col) not in where.setdefault(cid, []):
                    where[cid].append((name, i, col))
    ex_names = {c: k for k, c in ex_ids.items()}
    exposed: list[tuple] = []
    for u in unprotected:
        if u in where:
            exposed.extend(where[u])  # every place the number is printed
        elif u in ex_names:
            exposed.append(("excluded", None, ex_names[u]))
        else:
            exposed.append(("difference", None, names.get(u, "a difference of published counts")))
    rule = (f"counts 0 < n < {threshold:g} suppressed; secondary suppression across the five tables and the excluded "
            "counts until no hidden count can be worked back; percentages, CIs and duration statistics of hidden "
            "counts hidden")
    if unprotected:
        import warnings

        from .exceptions import SaferstatsWarning

        warnings.warn(f"s136_summary: {len(unprotected)} small count(s) cannot be protected ({exposed[:5]}); merge "
                      "groups or drop them before publishing", SaferstatsWarning, stacklevel=2)
        rule += f"; {len(unprotected)} cell(s) could not be protected"
    return S136Summary(**tables, excluded=excluded_pub, confidence=float(confidence), disclosure=rule,
                       suppressed=masks, unprotected=exposed, by=tuple(keys))


_QUANTILE_METHODS = {"inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
                     "hazen", "weibull", "linear", "median_unbiased", "normal_unbiased", "lower", "higher",
                     "midpoint", "nearest"}


def _drop_report(when: pd.Series, column: str, what: str, extra: dict[str, np.ndarray] | None = None) -> list[dict]:
    """Rows left out (missing date, or outside a requested range), as ``attrs["dropped"]``
    records, with one :class:`SaferstatsWarning` naming the column and the counts."""
    reasons = {"missing date": when.isna().to_numpy()}
    reasons.update(extra or {})
    dropped: list[dict] = []
    parts = []
    for reason, mask in reasons.items():
        rows = np.flatnonzero(mask)
        if rows.size:
            dropped.extend({"row": int(r), "column": column, "reason": reason} for r in rows)
            parts.append(f"{rows.size} with {reason} (rows {rows[:5].tolist()}{', ...' if rows.size > 5 else ''})")
    if parts:
        warnings.warn(f"{what}: {len(dropped)} of {len(when)} records left out of column {column!r}: "
                      + "; ".join(parts) + " - listed in .attrs['dropped']", SaferstatsWarning, stacklevel=3)
    return dropped


@confidence_levels("pre_lower", "pre_upper", "post_lower", "post_upper", "diff_lower", "diff_upper", "rr_lower",
                   "rr_upper")
def before_after(
    records: pd.DataFrame,
    *,
    split: Any,
    date: str = "detention_time",
    columns: Mapping[str, str] | None = None,
    outcome_labels: Mapping[str, str] | None = None,
    place_labels: Mapping[str, str] | None = None,
    population: tuple[float, float] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Compare two periods, **post ÷ pre** (later against earlier): records before ``split``
    against records from ``split``, for each outcome and place of safety as a proportion, the
    conversion / admission / NFA rates, and with ``population=(pre, post)`` the detention rate per
    100,000 with its rate ratio.

    Direction: every comparison reads later against earlier, so a fall is below 1 (``rr``,
    ``rr_lower``, ``rr_upper`` = post / pre) or below 0 (``diff`` = post − pre); the ``direction``
    column and ``.attrs["direction"]`` say so. The statistics are those of
    :func:`compare_proportions` called with the post period first (Wilson, Newcombe, Katz — or the
    exact conditional interval at a zero cell, ``docs/methods/zero_cells.md``, named in
    ``rr_method`` — z or Fisher), and
    :func:`saferstats.rate_ratio` (post / pre) for the detention rates (``.attrs["rate_ratio"]``,
    ``.attrs["detention_rates"]``).

    Records whose ``date`` is missing belong to neither period: they are left out, counted in a
    :class:`SaferstatsWarning` and listed in ``.attrs["dropped"]`` (``row, column, reason``).

    Returns
    -------
    DataFrame, one row per measure: ``kind, measure, pre_count, pre_n, post_count, post_n,
    pre_p, pre_lower, pre_upper, post_p, post_lower, post_upper, direction, diff, diff_lower,
    diff_upper, rr, rr_lower, rr_upper, rr_method, z, p_value, fisher_p, test, chi2, chi2_yates,
    p_chi2_yates, odds_ratio, confidence``. (Earlier versions gave ``p1``/``p2`` and pre ÷ post;
    the proportions are now named by period.)

    >>> import saferstats
    >>> recs = saferstats.synthetic.s136_pilot_records(seed=1)
    >>> ba = saferstats.before_after(recs, split="2024-01-01")
    >>> {"measure", "pre_count", "post_count", "rr", "p_value", "test"} <= set(ba.columns)
    True
    >>> ba.direction.iloc[0]
    'post / pre'
    """
    conf = _confidence(confidence)
    cols = dict(_DEFAULT_COLUMNS)
    if columns:
        cols.update(columns)
    require_columns(records, {"date": date, "outcome": cols["outcome"], "place_of_safety": cols["place_of_safety"]}, "records")
    if len(records) == 0:
        raise InvalidInputError("`records` is empty", "records")
    when = _times(records, date)
    try:
        cut = pd.Timestamp(split)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidInputError(f"`split` {split!r} is not a date: {exc}", "split") from exc
    if pd.isna(cut):
        raise InvalidInputError("`split` is missing; give the first date of the post period", "split")
    if when.dt.tz is not None and cut.tz is None:
        cut = cut.tz_localize(when.dt.tz)
    elif when.dt.tz is None and cut.tz is not None:
        cut = cut.tz_convert(None)
    pre = (when < cut).to_numpy()
    post = (when >= cut).to_numpy()
    dropped = _drop_report(when, date, "before_after")
    if not pre.any() or not post.any():
        raise InvalidInputError(f"split {split!r} leaves the {'pre' if not pre.any() else 'post'} period empty", "split")
    outcome = _canonical(records[cols["outcome"]], OUTCOMES, outcome_labels, cols["outcome"]).to_numpy()
    place = _canonical(records[cols["place_of_safety"]], PLACES_OF_SAFETY, place_labels, cols["place_of_safety"]).to_numpy()
    rows = []
    assessed = outcome != "unknown"
    known = place != "not_known"
    measures: list[tuple[str, str, np.ndarray, np.ndarray]] = []
    for code in OUTCOMES:
        if code != "unknown":
            measures.append(("outcome", code, outcome == code, assessed))
    for name, codes in (("conversion", ["s2", "s3"]), ("admission", ["informal", "s2", "s3"]), ("nfa", ["nfa"])):
        measures.append(("rate", name, np.isin(outcome, codes), assessed))
    for code in PLACES_OF_SAFETY:
        if code != "not_known":
            measures.append(("place_of_safety", code, place == code, known))
    for kind, name, hit, base in measures:
        rows.append({"kind": kind, "measure": name, "pre_count": int((hit & base & pre).sum()), "pre_n": int((base & pre).sum()),
                     "post_count": int((hit & base & post).sum()), "post_n": int((base & post).sum())})
    t = pd.DataFrame(rows)
    ok = ((t.pre_n > 0) & (t.post_n > 0)).to_numpy()
    cmp = compare_proportions(t.post_count.where(ok, 0), t.post_n.where(ok, 1), t.pre_count.where(ok, 0),
                              t.pre_n.where(ok, 1), confidence=conf)
    pre_p = (t.pre_count / t.pre_n.where(t.pre_n > 0)).to_numpy()
    post_p = (t.post_count / t.post_n.where(t.post_n > 0)).to_numpy()
    pre_ci = proportion_ci(t.pre_count.where(t.pre_n > 0, 0), t.pre_n.where(t.pre_n > 0, 1), confidence=conf)
    post_ci = proportion_ci(t.post_count.where(t.post_n > 0, 0), t.post_n.where(t.post_n > 0, 1), confidence=conf)
    t["pre_p"] = pre_p
    t["pre_lower"] = np.where(t.pre_n > 0, pre_ci["lower"].to_numpy(), np.nan)
    t["pre_upper"] = np.where(t.pre_n > 0, pre_ci["upper"].to_numpy(), np.nan)
    t["post_p"] = post_p
    t["post_lower"] = np.where(t.post_n > 0, post_ci["lower"].to_numpy(), np.nan)
    t["post_upper"] = np.where(t.post_n > 0, post_ci["upper"].to_numpy(), np.nan)
    t["direction"] = "post / pre"
    keep = ["diff", "diff_lower", "diff_upper", "rr", "rr_lower", "rr_upper", "rr_method", "z", "p_value", "fisher_p",
            "test", "chi2", "chi2_yates", "p_chi2_yates", "odds_ratio"]
    cmp = cmp[keep].reset_index(drop=True)
    numeric = [c for c in keep if c not in ("test", "rr_method")]
    cmp.loc[~ok, numeric] = np.nan
    for c in ("test", "rr_method"):
        cmp[c] = cmp[c].astype(object).where(ok, "not applicable").astype("category")
    out = pd.concat([t, cmp], axis=1)
    out["confidence"] = conf
    out.attrs["direction"] = "post / pre (later against earlier: below 1 is a fall); diff = post - pre"
    out.attrs["dropped"] = dropped
    if population is not None:
        if not isinstance(population, (tuple, list)) or len(population) != 2:
            raise InvalidInputError(f"`population` must be a pair (pre, post), got {population!r}", "population")
        pre_pop, post_pop = population
        n_pre, n_post = int(pre.sum()), int(post.sum())
        r = rate_ci([n_pre, n_post], [pre_pop, post_pop], multiplier=100_000, confidence=conf)
        rr = rate_ratio(n_post, post_pop, n_pre, pre_pop, confidence=conf).iloc[0]
        out.attrs["detention_rates"] = pd.DataFrame({
            "period": ["pre", "post"], "detentions": [n_pre, n_post], "population": [pre_pop, post_pop],
            "rate_per_100k": r["rate"], "lower": r["lower"], "upper": r["upper"]})
        out.attrs["rate_ratio"] = {**rr.to_dict(), "direction": "post / pre"}
    return out


def monthly_counts(records: pd.DataFrame, *, date: str = "detention_time", start: Any = None, end: Any = None) -> pd.Series:
    """Detentions per calendar month (months with none included as 0), for :func:`its_poisson`.

    Records with a missing ``date``, or (with ``start`` / ``end``) outside those months, are not
    counted: they are listed in ``.attrs["dropped"]`` (``row, column, reason``) and counted in a
    :class:`SaferstatsWarning`.

    >>> import saferstats
    >>> m = saferstats.monthly_counts(saferstats.synthetic.s136_pilot_records(seed=1))
    >>> m.index[0], len(m)
    (Period('2022-01', 'M'), 36)
    """
    require_columns(records, {"date": date}, "records")
    when = _times(records, date)
    if when.dt.tz is not None:
        when = when.dt.tz_convert(None)
    if when.isna().all():
        raise InvalidInputError(f"column {date!r} has no dates", date)
    months = when.dt.to_period("M")

    def month(value: Any, name: str) -> pd.Period:
        try:
            m = pd.Period(value, "M")
        except (TypeError, ValueError, OverflowError) as exc:
            raise InvalidInputError(f"`{name}` {value!r} is not a month: {exc}", name) from exc
        if pd.isna(m):
            raise InvalidInputError(f"`{name}` is missing", name)
        return m

    lo = month(start, "start") if start is not None else months.min()
    hi = month(end, "end") if end is not None else months.max()
    if hi < lo:
        raise InvalidInputError(f"`end` ({hi}) is before `start` ({lo})", "end")
    known = months.notna().to_numpy()
    before = np.zeros(len(months), dtype=bool)
    after = np.zeros(len(months), dtype=bool)
    before[known] = (months[known] < lo).to_numpy()
    after[known] = (months[known] > hi).to_numpy()
    dropped = _drop_report(when, date, "monthly_counts", {f"a date before {lo}": before, f"a date after {hi}": after})
    idx = pd.period_range(lo, hi, freq="M")
    out = months.value_counts().reindex(idx, fill_value=0).rename("detentions")
    out.attrs["dropped"] = dropped
    return out

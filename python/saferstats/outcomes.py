"""Section 136 and street-triage outcome statistics (``METHODS.md`` D1-D4): outcome proportions
and conversion / admission / NFA rates with Wilson CIs, place-of-safety shares and the legal
flags, detention times, before/after comparisons of two periods, and the interrupted time series
of a pilot. Published tables go through :func:`saferstats.suppress` by default.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._frames import aligned, require_columns
from ._results import Result
from .exceptions import InvalidInputError
from .rates import proportion_ci, rate_ci, rate_ratio

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

@dataclasses.dataclass(frozen=True, repr=False)
class ItsResult(Result):
    """An interrupted time series fit (see :func:`its_poisson`)."""

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

    def to_pandas(self) -> pd.DataFrame:
        """One row per period: ``period, observed, fitted, counterfactual, post``."""
        n = len(self.observed)
        return pd.DataFrame({"period": np.arange(n), "observed": self.observed, "fitted": self.fitted,
                             "counterfactual": self.counterfactual, "post": np.arange(n) >= self.break_index})

    def effects(self) -> pd.DataFrame:
        """The level and slope changes as a table with CIs."""
        return pd.DataFrame({
            "effect": ["level change (rate ratio at the break)", "slope change (rate ratio per period)"],
            "rr": [self.level_rr, self.slope_rr], "lower": [self.level_lower, self.slope_lower],
            "upper": [self.level_upper, self.slope_upper], "confidence": self.confidence,
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
    the per-period trend. ``break_index`` is the 0-based position of the first post-intervention
    period. ``dispersion="quasi"`` scales the covariance by Pearson χ²/df (reported as
    ``dispersion_ratio`` either way). ``seasonality``: ``"fourier"`` (one sin/cos pair, period 12),
    ``("fourier", period, k)``, ``"dummies"`` (month indicators) or ``("dummies", period)``.
    The counterfactual carries the pre-break model forward (b2 = b3 = 0).

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
    """
    arrays, _ = aligned(counts=counts, population=1.0 if population is None else population)
    y = arrays["counts"]
    pop = arrays["population"]
    if not isinstance(break_index, (int, np.integer)) or isinstance(break_index, bool):
        raise InvalidInputError("`break_index` must be a whole number (0-based position of the first post period)", "break_index")
    if break_index < 0:
        raise InvalidInputError("`break_index` must not be negative", "break_index")
    kind, period, k = "none", 12, 1
    if seasonality is not None:
        spec = (seasonality,) if isinstance(seasonality, str) else tuple(seasonality)
        kind = str(spec[0])
        period = int(spec[1]) if len(spec) > 1 else 12
        k = int(spec[2]) if len(spec) > 2 else 1
    res = _ext.its_poisson(y, pop, int(break_index), float(confidence), dispersion, kind, period, k)
    return ItsResult(
        level_rr=res["level"][0], level_lower=res["level"][1], level_upper=res["level"][2],
        slope_rr=res["slope"][0], slope_lower=res["slope"][1], slope_upper=res["slope"][2],
        pre_slope_rr=res["pre_slope_rr"], post_slope_rr=res["post_slope_rr"],
        fitted=res["fitted"], counterfactual=res["counterfactual"], observed=y.copy(),
        dispersion_ratio=res["dispersion_ratio"], beta=res["beta"], se=res["se"], break_index=int(break_index),
        confidence=float(confidence), dispersion=dispersion, seasonality=kind if kind == "none" else f"{kind}({period})",
    )


# ------------------------------------------------------------------------ two proportions

def compare_proportions(x1: Any, n1: Any, x2: Any, n2: Any, *, confidence: float = 0.95) -> pd.DataFrame:
    """Compare proportions x1/n1 (e.g. pre-pilot) and x2/n2 (pilot), element by element.

    Method (``METHODS.md`` D3, B3): Wilson CIs; difference p1 − p2 with Newcombe's CI; risk ratio
    p1/p2 with Katz's CI (Haldane +0.5 at a zero cell); pooled two-proportion z; Fisher's exact
    test, which is the reported ``p_value`` when any expected cell is below 5 (``test`` says
    which); χ² with Yates' correction is also given.

    Returns
    -------
    DataFrame ``p1, p2, diff, diff_lower, diff_upper, rr, rr_lower, rr_upper, z, p_value, fisher_p,
    test`` then ``p1_lower, p1_upper, p2_lower, p2_upper, chi2, chi2_yates, p_chi2_yates,
    odds_ratio, confidence``.

    >>> import saferstats
    >>> r = saferstats.compare_proportions(14, 250, 3, 160).iloc[0]   # police custody as PoS, pre vs post
    >>> round(float(r.z), 6), round(float(r.fisher_p), 6), round(float(r.rr), 6), r.test
    (1.845557, 0.077291, 2.986667, 'z')
    """
    arrays, index = aligned(x1=x1, n1=n1, x2=x2, n2=n2)
    res = _ext.two_by_two(arrays["x1"], arrays["n1"], arrays["x2"], arrays["n2"], float(confidence))
    p2 = arrays["x2"] / arrays["n2"]
    from .rates import proportion_ci as _pci

    w2 = _pci(arrays["x2"], arrays["n2"], confidence=confidence)
    out = pd.DataFrame({
        "p1": res["rate"], "p2": p2, "diff": res["diff"], "diff_lower": res["diff_lower"],
        "diff_upper": res["diff_upper"], "rr": res["rr"], "rr_lower": res["rr_lower"], "rr_upper": res["rr_upper"],
        "z": res["z"], "p_value": res["p_value"], "fisher_p": res["p_fisher"],
        "test": pd.Categorical.from_codes(res["test"], categories=_TEST_LABELS),
        "p1_lower": res["rate_lower"], "p1_upper": res["rate_upper"],
        "p2_lower": w2["lower"].to_numpy(), "p2_upper": w2["upper"].to_numpy(),
        "chi2": res["chi2"], "chi2_yates": res["chi2_yates"], "p_chi2_yates": res["p_chi2_yates"],
        "odds_ratio": res["odds_ratio"], "confidence": float(confidence),
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
        raise InvalidInputError(
            f"column {column!r} has unknown categories {unknown} (rows {rows}); expected one of "
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
    """Compare two periods (before ``split`` vs from ``split``): each outcome and place of safety
    as a proportion (:func:`compare_proportions`, pre vs post), the conversion / admission / NFA
    rates, and with ``population=(pre, post)`` the detention rate per 100,000 with its rate ratio
    (pre / post, ``METHODS.md`` D3).

    >>> import saferstats
    >>> recs = saferstats.synthetic.s136_pilot_records(seed=1)
    >>> ba = saferstats.before_after(recs, split="2024-01-01")
    >>> {"measure", "pre_count", "post_count", "rr", "p_value", "test"} <= set(ba.columns)
    True
    """
    cols = dict(_DEFAULT_COLUMNS)
    if columns:
        cols.update(columns)
    require_columns(records, {"date": date, "outcome": cols["outcome"], "place_of_safety": cols["place_of_safety"]}, "records")
    when = _times(records, date)
    cut = pd.Timestamp(split)
    if when.dt.tz is not None and cut.tz is None:
        cut = cut.tz_localize(when.dt.tz)
    pre = (when < cut).to_numpy()
    post = (when >= cut).to_numpy()
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
    ok = (t.pre_n > 0) & (t.post_n > 0)
    cmp = compare_proportions(t.pre_count.where(ok, 0), t.pre_n.where(ok, 1), t.post_count.where(ok, 0),
                              t.post_n.where(ok, 1), confidence=confidence)
    cmp = cmp.drop(columns=["confidence"])
    cmp.loc[~ok.to_numpy(), [c for c in cmp.columns if c != "test"]] = np.nan
    out = pd.concat([t, cmp], axis=1)
    out["confidence"] = confidence
    if population is not None:
        pre_pop, post_pop = population
        n_pre, n_post = int(pre.sum()), int(post.sum())
        r = rate_ci([n_pre, n_post], [pre_pop, post_pop], multiplier=100_000, confidence=confidence)
        rr = rate_ratio(n_pre, pre_pop, n_post, post_pop, confidence=confidence).iloc[0]
        out.attrs["detention_rates"] = pd.DataFrame({
            "period": ["pre", "post"], "detentions": [n_pre, n_post], "population": [pre_pop, post_pop],
            "rate_per_100k": r["rate"], "lower": r["lower"], "upper": r["upper"]})
        out.attrs["rate_ratio"] = rr.to_dict()
    return out


def monthly_counts(records: pd.DataFrame, *, date: str = "detention_time", start: Any = None, end: Any = None) -> pd.Series:
    """Detentions per calendar month (months with none included as 0), for :func:`its_poisson`.

    >>> import saferstats
    >>> m = saferstats.monthly_counts(saferstats.synthetic.s136_pilot_records(seed=1))
    >>> m.index[0], len(m)
    (Period('2022-01', 'M'), 36)
    """
    require_columns(records, {"date": date}, "records")
    when = _times(records, date)
    if when.dt.tz is not None:
        when = when.dt.tz_convert(None)
    months = when.dt.to_period("M")
    lo = pd.Period(start, "M") if start is not None else months.min()
    hi = pd.Period(end, "M") if end is not None else months.max()
    idx = pd.period_range(lo, hi, freq="M")
    return months.value_counts().reindex(idx, fill_value=0).rename("detentions")


def read_mha_annual(path: Any) -> pd.DataFrame:
    """Read NHS England's *Mental Health Act Statistics, Annual Figures* main-sheet CSV (suppressed
    publication) into a tidy table: ``measure, subcategory, demographic, breakdown, organisation_level,
    org_id, org_name, count, crude_rate, std_rate, std_rate_ci`` (counts suppressed in the source are
    missing, not zero; ``.attrs["suppressed"]`` counts them).

    >>> import saferstats
    >>> t = saferstats.read_mha_annual(saferstats.datasets.mha_annual_excerpt_path())
    >>> int(t.query("subcategory == 'Section 136' and demographic == 'All' and organisation_level == 'All submissions'")["count"].iloc[0])
    16837
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = ["Measure", "measureSubcategory", "Demographic", "DemographicBreakdown", "OrganisationBreakdown", "Total_Count"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InvalidInputError(f"{path}: missing column(s) {missing}; expected the NHS MHA annual main sheet", missing[0])

    def num(col: str) -> pd.Series:
        return pd.to_numeric(df[col].str.replace(",", ""), errors="coerce") if col in df.columns else pd.Series(np.nan, index=df.index)

    out = pd.DataFrame({
        "year": df.get("Year", ""), "measure": df["Measure"], "subcategory": df["measureSubcategory"],
        "demographic": df["Demographic"], "breakdown": df["DemographicBreakdown"],
        "organisation_level": df["OrganisationBreakdown"], "org_id": df.get("OrgID", ""), "org_name": df.get("OrgName", ""),
        "count": num("Total_Count"), "crude_rate": num("CrudeRate"), "std_rate": num("StdRate"),
        "std_rate_ci": num("Confidence_interval"),
    })
    out.attrs["suppressed"] = int(out["count"].isna().sum())
    return out

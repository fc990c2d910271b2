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
from .disclosure import suppress
from .exceptions import InvalidInputError
from .io import read_mha_annual  # noqa: F401 - defined with the other readers, re-exported here
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


@dataclasses.dataclass(frozen=True, repr=False)
class S136Summary(Result):
    """Section 136 outcome statistics (see :func:`s136_summary`). Tables, each with the ``by``
    columns: ``outcomes``, ``rates`` (conversion / admission / NFA), ``place_of_safety``,
    ``durations``, ``flags``; ``excluded`` counts rows left out of a denominator and why."""

    outcomes: pd.DataFrame
    rates: pd.DataFrame
    place_of_safety: pd.DataFrame
    durations: pd.DataFrame
    flags: pd.DataFrame
    excluded: dict
    confidence: float
    disclosure: str

    _summary_fields = ("outcomes", "rates", "place_of_safety", "durations", "flags", "excluded", "confidence")

    def to_pandas(self) -> pd.DataFrame:
        """The headline rates table."""
        return self.rates


def _duration_stats(hours: np.ndarray, quantile_method: str) -> dict[str, float]:
    done = hours[~np.isnan(hours)]
    n = len(done)
    if n:
        q1, med, q3 = np.quantile(done, [0.25, 0.5, 0.75], method=quantile_method)
    else:
        q1 = med = q3 = float("nan")
    return {"n": n, "censored": int(np.isnan(hours).sum()), "median_hours": med, "q1_hours": q1, "q3_hours": q3,
            "mean_hours": float(done.mean()) if n else float("nan"),
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
    keys are accepted as they are). Unknown labels are an error listing them. With ``disclosure``
    (default) every count in the returned tables below ``threshold`` is suppressed by
    :func:`saferstats.suppress` (rates and CIs based on suppressed counts are blanked too).

    >>> import saferstats
    >>> recs = saferstats.synthetic.s136_pilot_records(seed=1)
    >>> s = saferstats.s136_summary(recs, disclosure=False)
    >>> list(s.rates["measure"])
    ['conversion', 'admission', 'nfa']
    """
    cols = dict(_DEFAULT_COLUMNS)
    if columns:
        cols.update(columns)
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
    ext = df[cols["extension"]].astype("boolean").fillna(False) if cols["extension"] in df.columns else pd.Series(False, index=df.index)
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

    out_rows, rate_rows, pos_rows, dur_rows, flag_rows = [], [], [], [], []
    for g, sub in work.groupby(gkeys, sort=True, dropna=False):
        g = g if isinstance(g, tuple) else (g,)
        label = dict(zip(keys, g)) if keys else {}
        assessed = sub[sub.outcome != "unknown"]
        n = len(assessed)
        counts = assessed.outcome.value_counts()
        for code in OUTCOMES:
            if code == "unknown":
                continue
            out_rows.append({**label, "outcome": code, "label": OUTCOMES[code], "count": int(counts.get(code, 0)), "assessed": n})
        for measure, codes in (("conversion", ["s2", "s3"]), ("admission", ["informal", "s2", "s3"]), ("nfa", ["nfa"])):
            rate_rows.append({**label, "measure": measure, "count": int(sum(counts.get(c, 0) for c in codes)), "assessed": n})
        known = sub[sub.place != "not_known"]
        pc = known.place.value_counts()
        for code in PLACES_OF_SAFETY:
            if code != "not_known":
                pos_rows.append({**label, "place_of_safety": code, "label": PLACES_OF_SAFETY[code], "count": int(pc.get(code, 0)),
                                 "known": len(known)})
        dur_rows.append({**label, **_duration_stats(sub.hours.to_numpy(), quantile_method)})
        child = (sub.age < 18) & (sub.place == "police_station")
        flag_rows.append({**label, "child_in_police_station": int(child.sum()),
                          "over_24h_without_extension": int(((sub.hours > 24) & ~sub.extension).sum()),
                          "over_36h": int((sub.hours > 36).sum()), "detentions": len(sub)})

    def with_ci(rows: list[dict], num: str, den: str) -> pd.DataFrame:
        t = pd.DataFrame(rows)
        if len(t) == 0:
            return t
        ok = t[den] > 0
        ci = proportion_ci(t[num].where(ok, 0), t[den].where(ok, 1), confidence=confidence, multiplier=100)
        t["percent"] = ci["value"].where(ok.to_numpy()).to_numpy()
        t["lower"] = ci["lower"].where(ok.to_numpy()).to_numpy()
        t["upper"] = ci["upper"].where(ok.to_numpy()).to_numpy()
        t["confidence"] = confidence
        return t

    tables = {
        "outcomes": with_ci(out_rows, "count", "assessed"),
        "rates": with_ci(rate_rows, "count", "assessed"),
        "place_of_safety": with_ci(pos_rows, "count", "known"),
        "durations": pd.DataFrame(dur_rows),
        "flags": pd.DataFrame(flag_rows),
    }
    rule = "none"
    if disclosure:
        for name in ("outcomes", "rates", "place_of_safety"):
            t = tables[name]
            s = suppress(t, columns=["count"], threshold=threshold, secondary=False)
            hidden = s["count"].astype(str) == "[c]"
            for c in ("percent", "lower", "upper"):
                t[c] = t[c].astype(object).where(~hidden, "[c]")
            t["count"] = s["count"]
            rule = s.attrs["rule"] + "; rates from suppressed counts blanked"
        f = tables["flags"]
        count_cols = ["child_in_police_station", "over_24h_without_extension", "over_36h"]
        tables["flags"] = suppress(f, columns=count_cols, threshold=threshold, secondary=False)
    return S136Summary(**tables, excluded=excluded, confidence=float(confidence), disclosure=rule)


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

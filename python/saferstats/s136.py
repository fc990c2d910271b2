"""Section 136 and street-triage outcome statistics from one row per detention
(docs/methods/s136.md, D1, D2, D4): outcome proportions and conversion / admission / NFA rates with
Wilson CIs, place-of-safety shares and the legal flags, detention times, with joint disclosure
control of the published tables. Comparisons of periods and the interrupted time series are in
:mod:`saferstats.outcomes`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._confidence import single_confidence as _confidence
from ._frames import accepts_frames, label_of, plain, require_columns
from ._results import Result
from .exceptions import InvalidInputError, number_of, warn_user
from .rates import proportion_ci

__all__ = ["OUTCOMES", "PLACES_OF_SAFETY", "S136Summary", "s136_summary"]

#: Canonical post-assessment outcomes and their default labels (docs/methods/s136.md D2).
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

#: The column of each field a detention record is read from by default (``columns=`` changes them).
DEFAULT_COLUMNS = {
    "detention_time": "detention_time",
    "arrival_time": "arrival_time",
    "departure_time": "departure_time",
    "place_of_safety": "place_of_safety",
    "age": "age",
    "outcome": "outcome",
    "extension": "extension",
}


def canonical_values(values: pd.Series, canon: Mapping[str, str], mapping: Mapping[str, str] | None, column: str) -> pd.Series:
    """``values`` as the codes of ``canon`` (code -> label), read from a code, its label (any case)
    or ``mapping``; other values raise :class:`InvalidInputError` naming ``column`` and the rows."""
    table = {k: k for k in canon}
    table.update({v: k for k, v in canon.items()})
    table.update({v.lower(): k for k, v in canon.items()})
    if mapping:
        table.update(mapping)
    raw = values.astype("string").fillna("").str.strip()
    out = raw.map(lambda v: table.get(v, table.get(v.lower())))
    unknown = sorted(raw[out.isna()].unique())
    if unknown:
        pos = [int(i) for i in np.flatnonzero(out.isna().to_numpy())[:5]]
        rows = [plain(values.index[i]) for i in pos]  # plain numbers (not np.int64(3)) in the message
        blank = " (blank or missing values: map them with {'': ...}, e.g. to 'unknown')" if "" in unknown else ""
        raise InvalidInputError(
            f"column {column!r} has unknown categories {unknown} (rows {rows}){blank}; expected one of "
            f"{list(canon)} or their labels, or pass a mapping",
            column,
            rows[0], position=pos[0]
        )
    return out.astype(str)


_AGE_MISSING = {"", "unknown", "not known", "not stated", "missing", "n/a", "na", "nan", "none", "-"}
_AGE_YEARS = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:years?|yrs?|y)?(?:\s*old)?$")
_AGE_UNDER = re.compile(r"^(?:under|below|less than|younger than|<)\s*(\d+)$")
_AGE_N_UNDER = re.compile(r"^(\d+)\s*(?:and|or|&)\s*(?:under|below|younger)$")
_AGE_RANGE = re.compile(r"^(\d+)\s*(?:-|–|—|to)\s*(\d+)$")
_AGE_OVER = re.compile(r"^(?:over|above|older than|>)\s*(\d+)$")
_AGE_N_OVER = re.compile(r"^(\d+)\s*(?:\+|plus|(?:and|or|&)\s*(?:over|older|above))$")


def _at_row(message: str, column: str, x: Any, pos: int) -> InvalidInputError:
    """The error for row ``pos`` of ``x`` (a Series or the records): ``index`` its label, ``.position`` the row."""
    return InvalidInputError(message, column, label_of(x, pos), position=pos)


def _is_flag(value: Any) -> bool:
    """Whether one cell of an extension column reads as True/False (or is missing)."""
    try:
        pd.array([value], dtype="boolean")
    except (TypeError, ValueError):
        return False
    return True


def _ages(values: pd.Series, col: str) -> pd.Series:
    """Ages as numbers for the under-18 test: numbers as they are; age bands as police.uk and NHS
    publish them ("under 10", "10-17", "15 and under", "16 to 17", "over 34", "65+") as an age inside
    the band when the band lies wholly under or over 18 (else missing: could be either); "unknown",
    "not stated" and blanks missing. Anything else is an error naming the row (it was read as no age,
    so children held in police stations went uncounted)."""
    num = pd.to_numeric(values, errors="coerce")
    if pd.api.types.is_numeric_dtype(values):
        return num.astype(float)
    out = num.astype(float).to_numpy(copy=True)
    text = values.astype("string").str.strip().str.lower()
    for i in np.flatnonzero(np.isnan(out) & values.notna().to_numpy()).tolist():
        v = text.iloc[i]
        if v is pd.NA or v in _AGE_MISSING:
            continue
        if m := _AGE_YEARS.match(v):
            out[i] = float(m.group(1))
        elif m := _AGE_UNDER.match(v):
            out[i] = 0.0 if int(m.group(1)) <= 18 else np.nan
        elif m := _AGE_N_UNDER.match(v):
            out[i] = 0.0 if int(m.group(1)) < 18 else np.nan
        elif m := _AGE_RANGE.match(v):
            lo, hi = int(m.group(1)), int(m.group(2))
            out[i] = float(lo) if hi < 18 or lo >= 18 else np.nan
        elif m := _AGE_OVER.match(v):
            out[i] = float(m.group(1)) + 1 if int(m.group(1)) >= 17 else np.nan
        elif m := _AGE_N_OVER.match(v):
            out[i] = float(m.group(1)) if int(m.group(1)) >= 18 else np.nan
        else:
            raise _at_row(
                f"column {col!r} row {label_of(values, i)!r}: age {values.iloc[i]!r} is neither a number nor an age band "
                "('under 10', '10-17', '15 and under', 'over 34', '65+'); it decides whether a detention in a police "
                "station was of a child", col, values, i)
    return pd.Series(out, index=values.index)


def column_times(df: pd.DataFrame, col: str | None) -> pd.Series:
    """Column ``col`` of ``df`` read as times (all NaT when it is absent); a value that cannot be
    read, or zone-less times among zoned ones, raises :class:`InvalidInputError` naming ``col``."""
    if col is None or col not in df.columns:
        return pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    s = df[col]
    try:
        parsed = pd.to_datetime(s, errors="coerce")
    except ValueError as exc:  # ISO times with GMT and BST offsets (+00:00 / +01:00): one instant each, in UTC
        if "timezone" not in str(exc).lower() and "time zone" not in str(exc).lower():
            raise InvalidInputError(f"column {col!r}: cannot read its times: {exc}", col) from None
        _refuse_naive_among_zoned(s, col)
        parsed = pd.to_datetime(s, errors="coerce", utc=True)
    bad = parsed.isna() & s.notna() & (s.astype("string").str.strip() != "")
    if bad.any():
        # pandas reads times of one zone with a zone-less one among them without an error, the
        # zone-less one (or the zoned ones, when it comes first) as NaT: say which it is
        _refuse_naive_among_zoned(s, col)
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise _at_row(f"column {col!r} row {label_of(s, row)!r}: cannot read timestamp {s.iloc[row]!r}", col, s, row)
    return parsed


def _refuse_naive_among_zoned(s: pd.Series, col: str) -> None:
    """Refuse a time column where some times carry a zone (``Z``, ``+01:00``) and a written one does
    not, naming the first such row: a zone-less time cannot be set against the others."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return
    text = s.astype("string").str.strip()
    zoned = text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True).fillna(False).to_numpy(bool)
    naive = [int(i) for i in np.flatnonzero(~zoned & (text.fillna("") != "").to_numpy(bool))
             if not pd.isna(pd.to_datetime(text.iloc[i], errors="coerce"))]  # (unreadable text: not a time)
    if zoned.any() and naive:
        row = naive[0]
        raise _at_row(f"column {col!r} row {label_of(s, row)!r}: {s.iloc[row]!r} has no time zone while other "
                      "times have one; give every time a zone (or none)", col, s, row) from None


def _zoned_alike(*times: pd.Series) -> list[pd.Series]:
    """The time columns with an absent or empty one (all missing, so no zone of its own) given the
    zone of the first that has times: zone-aware detention times beside no ``arrival_time`` column
    (read as missing, naive) made ``arrival.fillna(detention)`` text, and a traceback."""
    tz = next((t.dt.tz for t in times if t.notna().any()), None)
    out = []
    for t in times:
        if tz is not None and t.isna().all() and t.dt.tz is None:
            t = t.dt.tz_localize(tz)
        out.append(t)
    return out


_S136_TABLES = ("outcomes", "rates", "place_of_safety", "durations", "flags")


@dataclasses.dataclass(frozen=True, repr=False)
class S136Summary(Result):
    """Section 136 outcome statistics (see :func:`s136_summary`). Tables, each with the ``by``
    columns: ``outcomes``, ``rates`` (conversion / admission / NFA), ``place_of_safety``,
    ``durations``, ``flags``; ``excluded`` counts rows left out of a denominator and why.

    The tables hold numbers (numeric columns stay numeric). With disclosure control (the
    default) the cells that must not be published are missing, ``suppressed[name]`` is a
    True/False frame of the same shape saying which, and :meth:`published` gives the copy to
    publish, with hidden cells shown as ``[c]``. ``notes`` says why a group's number of
    detentions is hidden (it often is only to protect a small number of unknown outcomes or
    places not known, which detentions less assessed or less known would give back): printed
    under the table.
    """

    outcomes: pd.DataFrame
    rates: pd.DataFrame
    place_of_safety: pd.DataFrame
    durations: pd.DataFrame
    flags: pd.DataFrame
    excluded: dict[str, Any]
    confidence: float
    disclosure: str
    suppressed: dict[str, Any] = dataclasses.field(default_factory=dict)
    unprotected: list[Any] = dataclasses.field(default_factory=list)
    by: tuple[Any, ...] = ()
    notes: list[str] = dataclasses.field(default_factory=list)

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
        # (counts as published: a hidden one is "[c]", so no "1 ... / 2 ...s" here; it read "outcome(s)")
        return (f"S136Summary: Wilson {self.confidence:.0%} CIs; detentions with an unknown outcome: "
                f"{ex.get('unknown_outcome')}, with the place not known: {ex.get('place_not_known')}, without a "
                f"departure time: {ex.get('censored_durations')}, left out of their denominators; disclosure: "
                f"{self.disclosure}")

    def __repr__(self) -> str:
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            text = self._title() + "\n" + str(self.headline().to_string(index=False))
        return text + "".join(f"\nNote: {n}" for n in self.notes)

    def _repr_html_(self) -> str:
        pub = self.published()
        parts = [f"<p><b>{_html_escape(self._title())}</b></p>", self.headline().to_html(index=False, border=0)]
        parts += [f"<p>Note: {_html_escape(n)}</p>" for n in self.notes]
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
        q1, med, q3 = np.quantile(done, [0.25, 0.5, 0.75], method=quantile_method)  # type: ignore[call-overload]
    else:
        q1 = med = q3 = float("nan")
    return {"n": n, "censored": int(np.isnan(hours).sum()), "median_hours": float(med), "q1_hours": float(q1),
            "q3_hours": float(q3), "mean_hours": float(done.mean()) if n else float("nan"),
            "over_24h": int((done > 24).sum()), "over_24h_percent": 100.0 * (done > 24).mean() if n else float("nan"),
            "over_36h": int((done > 36).sum())}


@accepts_frames("records")
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

    The records are a force's or a place of safety's own, one row per detention. NHS England's
    *Mental Health Act Statistics* (:func:`saferstats.read_mha_annual`) publish counts per
    organisation instead: given that table, this (like :func:`saferstats.before_after` and
    :func:`saferstats.monthly_counts`) raises :class:`InvalidInputError` saying how to take its
    conversion rate with :func:`saferstats.proportion_ci`.

    Method (``docs/methods/s136.md`` D1-D4): outcome shares with Wilson CIs over all *assessed* detentions
    (unknown outcomes excluded from the denominator and counted); ``conversion`` = (s2 + s3) /
    assessed, ``admission`` = (informal + s2 + s3) / assessed, ``nfa`` = discharged NFA / assessed;
    place-of-safety shares (Wilson) over detentions with a known place; detention time = departure −
    arrival at the place of safety (detention time when not removed), with n, median and IQR
    (``quantile_method``: numpy's, default ``"linear"`` = R type 7), mean, counts over 24 h and
    36 h; detentions without a departure are censored (counted, left out of the quantiles). Legal
    flags: under-18s taken to a police station (breach), over 24 h without a recorded extension,
    over 36 h (breach). ``age`` is a number or an age band ("under 10", "10-17", "15 and under",
    "over 34", "65+"; a band spanning 18, "unknown" or a blank is no age); police-station detentions
    without an age (or without an age column) may be of children: a
    :class:`~saferstats.SaferstatsWarning` gives how many, since the child count may be too low;
    an age that is neither is an error naming the row.

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
    groups (with several ``by`` columns also each column summed out given the others: by area and
    triage, each area's total and each triage group's; exact linear audit,
    :func:`saferstats.suppress`). Where hiding the number of detentions protects as well as hiding
    a share's denominator (assessed, known place), the denominator stays published, and
    ``S136Summary.notes`` says why each hidden number of detentions or denominator is hidden. Percentages, CIs and duration
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
    reason, unprotected = _solve_keeping_denominators(b, threshold)
    return _s136_finish(b, reason, unprotected, threshold)


def _solve_keeping_denominators(b: _S136Build, threshold: float) -> tuple[np.ndarray, list[int]]:
    """Solve the disclosure problem, keeping the denominators of the shares (assessed, known place)
    published where hiding other counts protects as well: the solver hides the cheapest (smallest)
    cells, so a small number of unknown outcomes (assessed = detentions − unknown) hid the assessed
    detentions, and with them every outcome share and conversion rate, where hiding the number of
    detentions (and what gives it back) protected it as well. The denominators are held as
    published (``FIXED``) and the problem solved again; that solution is used when it protects
    every cell the first one did."""
    from .disclosure import FIXED

    reason, unprotected = b.cells.solve(threshold=threshold, zeros=False, secondary=True)
    dens = [g[k] for g in b.groups for k in ("assessed", "known")
            if b.cells.values[g[k]] >= threshold and reason[g[k]] == 2]
    if not dens:
        return reason, unprotected
    kinds = b.cells.kinds
    try:
        b.cells.kinds = [FIXED if i in set(dens) else k for i, k in enumerate(kinds)]
        alt, alt_unprotected = b.cells.solve(threshold=threshold, zeros=False, secondary=True)
    finally:
        b.cells.kinds = kinds
    if set(alt_unprotected) <= set(unprotected):
        return alt, alt_unprotected
    return reason, unprotected


#: columns of NHS England's Mental Health Act Statistics main sheet as :func:`saferstats.read_mha_annual` gives them
_MHA_COLUMNS = {"measure", "subcategory", "demographic", "breakdown", "org_name", "count"}


def refuse_published_counts(records: pd.DataFrame, needed: str, func: str) -> None:
    """A table of published counts (NHS England's annual figures) is not one row per detention: say
    so, and how to get its conversion rate, rather than "no column 'outcome'" (``needed``: the
    column ``func`` reads first; a table that has it is left to the usual checks)."""
    if needed in records.columns:
        return
    heads = {" ".join(str(c).lower().replace("_", " ").split()) for c in records.columns}
    if {"tactic", "mental"} <= heads and heads & {"police force", "force"}:
        raise InvalidInputError(
            "`records` looks like the Home Office police use-of-force table by perceived health condition (counts of "
            "tactics per force, one financial year), not one row per Section 136 detention, which "
            f"{func} needs (a force's or a place of safety's own records: a detention time, an outcome and a place of "
            "safety for each). Read the table with saferstats.read_use_of_force(path): its share of tactics used on "
            "people perceived to have a mental health condition is saferstats.proportion_ci(t['mental_health'], "
            "t['condition_reported']) on the rows t[(t.row_type == 'all tactics') & t.comparable] (counts of tactics, "
            "not of incidents or people; some forces did not record the condition like for like)", "records")
    if not _MHA_COLUMNS <= set(map(str, records.columns)):
        return
    raise InvalidInputError(
        "`records` looks like NHS England's Mental Health Act Statistics (saferstats.read_mha_annual: counts per "
        f"organisation and measure, one financial year), not one row per Section 136 detention, which {func} "
        "needs (a force's or a place of safety's own records: a detention time, an outcome and a place of "
        "safety for each). From the annual "
        "figures, the share of Section 136 uses followed by a detention under section 2 or 3 is the 'Section 136 "
        "to 2' and 'Section 136 to 3' counts over the 'Section 136' row's mhsds_count (the conversions are "
        "MHSDS counts; the 'All' row's count adds A&E uses): saferstats.proportion_ci(conversions, uses)"
        + _mha_conversion_hint(records), "records")


def _mha_conversion_hint(t: pd.DataFrame) -> str:
    """The rows to take the conversion rate from, and its numbers when the table has them: each
    conversion count is published six times nationally (two measures, 'Uses of section 2' and
    'Detentions following use of Place of Safety Order'; three organisation levels, 'All
    submissions' and its NHS Trust and Independent Health Provider parts), so a filter on the
    subcategory alone summed 2,485 four times over."""
    query = ("organisation_level == 'All submissions' and demographic == 'All' and breakdown == 'All' and "
             "measure in ['Uses of section 2', 'Uses of section 3', 'Short term orders'] and subcategory in "
             "['Section 136 to 2', 'Section 136 to 3', 'Section 136']")
    text = (f". Take one row of each, the national ones: t.query(\"{query}\") (each conversion count is also "
            "published under 'Detentions following use of Place of Safety Order' and for NHS trusts and independent "
            "providers: a filter on the subcategory alone counts it several times). The conversions are published for "
            "England and the NHS trust and independent provider totals only, never per provider or ICB; the ICB rows "
            "'Section 135/136 to 2' and 'Section 135/136 to 3' add the conversions after a Section 135 warrant, so "
            "they are no Section 136 conversion rate of an ICB")
    try:
        nat = t[(t["organisation_level"].astype(str) == "All submissions") & (t["demographic"].astype(str) == "All")
                & (t["breakdown"].astype(str) == "All")]
        conv = [nat[(nat["measure"].astype(str) == f"Uses of section {k}")
                    & (nat["subcategory"].astype(str) == f"Section 136 to {k}")]["count"] for k in (2, 3)]
        uses = nat[(nat["measure"].astype(str) == "Short term orders")
                   & (nat["subcategory"].astype(str) == "Section 136")]["mhsds_count"]
        nums = [pd.to_numeric(c, errors="coerce") for c in (*conv, uses)]
        if all(len(c) == 1 and np.isfinite(float(c.iloc[0])) for c in nums):
            s2, s3, n = (float(c.iloc[0]) for c in nums)
            if n > 0:
                text += (f"; in this table {s2:,.0f} + {s3:,.0f} of {n:,.0f} MHSDS uses: {100 * (s2 + s3) / n:.1f}% "
                         f"(saferstats.proportion_ci({s2 + s3:.0f}, {n:.0f}))")
    except (KeyError, TypeError, ValueError):
        pass
    return text


@dataclasses.dataclass
class _S136Build:
    """The tables of a summary and the cells of its disclosure problem (for the report, which adds
    its own cells before solving)."""

    tables: dict[str, Any]
    cells: Any
    ids: dict[str, Any]
    ex_ids: dict[str, Any]
    names: dict[Any, Any]
    keys: list[Any]
    excluded: dict[str, Any]
    confidence: float
    groups: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def _detention_notes(b: _S136Build, reason: np.ndarray, threshold: float) -> list[str]:
    """Why a group's number of detentions, or a denominator (assessed, known place), is hidden, in
    words that give no hidden number away (a hidden count is known to be below the threshold, as
    ``[c]`` says anyway)."""
    vals = b.cells.values
    small = [0 < vals[c] < threshold for c in range(len(vals))]
    below = f"which is below {threshold:g}"
    what = {"detentions": "detentions", "assessed": "assessed detentions (so every outcome share and rate)",
            "known": "detentions with a known place of safety (so every place-of-safety share)"}
    notes = []
    for key in ("detentions", "assessed", "known"):
        own: dict[int, list[str]] = {}
        hidden = [gi for gi, g in enumerate(b.groups) if reason[g[key]]]
        for gi in hidden:
            g, why = b.groups[gi], []
            if reason[g[key]] == 1:
                why.append(f"there are fewer than {threshold:g}")
            if key in ("detentions", "assessed") and small[g["unknown"]] \
                    and not reason[g["assessed" if key == "detentions" else "detentions"]]:
                why.append(f"detentions less the assessed ones would give back the number with an unknown outcome, {below}")
            if key in ("detentions", "known") and small[g["nk"]] \
                    and not reason[g["known" if key == "detentions" else "detentions"]]:
                why.append("detentions less those with a known place of safety would give back the number whose place "
                           f"is not known, {below}")
            if key == "detentions" and reason[g["censored"]] == 1 and not reason[g["n"]]:
                why.append(f"detentions less the timed ones would give back the number without a departure time, {below}")
            if why:
                own[gi] = why
        for gi in hidden:
            g = b.groups[gi]
            head = f"{what[key]} hidden {'in ' + g['label'] if g['label'] else 'overall'}: "
            if gi in own:
                notes.append(head + "; ".join(own[gi]) + ".")
            elif own:
                notes.append(head + "the total over the groups would give back the hidden number in "
                             + ", ".join(b.groups[o]["label"] for o in own) + ".")
            else:
                notes.append(head + "with the other published counts it would give back a hidden count (secondary "
                             "suppression).")
    if notes and len(b.groups) > 1 and any(reason[g["detentions"]] for g in b.groups):
        notes.append("The number of detentions over all the groups (the summary without `by`) can be published "
                     "instead, when it is not hidden there.")
    return notes


def _s136_build(records: Any, *, by: Any, columns: Any, outcome_labels: Any, place_labels: Any, confidence: Any,
                quantile_method: Any, threshold: Any) -> _S136Build:
    from .disclosure import LATENT, Cells

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
    cols = dict(DEFAULT_COLUMNS)
    if columns:
        unknown = sorted(set(columns) - set(DEFAULT_COLUMNS))
        if unknown:
            raise InvalidInputError(f"`columns` has {'an unknown key' if len(unknown) == 1 else 'unknown keys'} {unknown}; valid: {list(DEFAULT_COLUMNS)}", "columns")
        cols.update(columns)
    if by is not None and not isinstance(by, str) and not (isinstance(by, Sequence) and all(isinstance(k, str) for k in by)):
        raise InvalidInputError(f"`by` must be a column name or a list of them, got {by!r}", "by")
    keys = [by] if isinstance(by, str) else list(by or [])
    refuse_published_counts(records, cols["outcome"], "s136_summary")
    require_columns(records, {"outcome": cols["outcome"], "place_of_safety": cols["place_of_safety"],
                              **{f"by[{i}]": k for i, k in enumerate(keys)}}, "records")
    if len(records) == 0:
        raise InvalidInputError("`records` is empty", "records")
    # every check reads the records as given, so its error names the caller's row label (and .position);
    # the tables are built on the re-indexed copy
    outcome = canonical_values(records[cols["outcome"]], OUTCOMES, outcome_labels, cols["outcome"]).reset_index(drop=True)
    place = canonical_values(records[cols["place_of_safety"]], PLACES_OF_SAFETY, place_labels,
                       cols["place_of_safety"]).reset_index(drop=True)
    arrival, detained, end = (column_times(records, cols[c]).reset_index(drop=True)
                              for c in ("arrival_time", "detention_time", "departure_time"))
    df = records.reset_index(drop=True)
    arrival, detained, end = _zoned_alike(arrival, detained, end)
    start = arrival.fillna(detained)
    if start.dt.tz is not None and end.dt.tz is None or start.dt.tz is None and end.dt.tz is not None:
        raise InvalidInputError("arrival/detention and departure times must all carry a time zone or none",
                                cols["departure_time"])
    hours = ((end - start).dt.total_seconds() / 3600.0).to_numpy()
    # the clock starts at arrival at the place of safety, or at detention for someone not removed: a
    # detention taken to a place of safety with no arrival time is timed from detention, so its
    # duration (and the over-24h count) may be too long - said, not silent
    taken = place.isin([k for k in PLACES_OF_SAFETY if k != "not_known"]).to_numpy()
    untimed = np.flatnonzero(taken & arrival.isna().to_numpy() & detained.notna().to_numpy() & ~np.isnan(hours))
    if untimed.size:
        which = (f"there is no arrival time column ({cols['arrival_time']!r}; map yours with "
                 f"columns={{'arrival_time': ...}}), so the {untimed.size:,} detentions taken to a place of safety"
                 if cols["arrival_time"] not in df.columns else
                 f"{untimed.size:,} of {int(taken.sum()):,} detentions taken to a place of safety have no arrival time "
                 f"(first at row {label_of(records, int(untimed[0]))!r}): they")
        warn_user(f"s136_summary: detention times run from arrival at the place of safety, and {which} are timed from "
                  "the detention itself: their durations and the counts over 24 and 36 hours may be too high")
    neg = np.flatnonzero(hours < 0)
    if neg.size:
        i = int(neg[0])
        raise _at_row(f"column {cols['departure_time']!r} row {label_of(records, i)!r}: departure ({end.iloc[i]}) is "
                      f"before arrival/detention ({start.iloc[i]})", cols["departure_time"], records, i)
    long = np.flatnonzero(hours > 24 * 366)
    if long.size:
        i = int(long[0])
        raise _at_row(f"column {cols['departure_time']!r} row {label_of(records, i)!r}: detention of {hours[i]:.0f} "
                      "hours is longer than a year", cols["departure_time"], records, i)
    has_age = cols["age"] in df.columns
    age = (_ages(records[cols["age"]], cols["age"]).reset_index(drop=True) if has_age
           else pd.Series(np.nan, index=df.index))
    at_station = (place == "police_station").to_numpy()
    no_age = int((at_station & age.isna().to_numpy()).sum())
    if no_age:
        why = (f"there is no age column ({cols['age']!r}; map yours with columns={{'age': ...}})" if not has_age
               else f"{no_age:,} of them have no age, or an age band that spans 18")
        warn_user(f"s136_summary: child_in_police_station counts only the detentions in a police station whose age is "
                  f"known to be under 18, and {why}: of {int(at_station.sum()):,} police-station detentions, {no_age:,} "
                  "could be children, so the count (a breach of the Mental Health Act) may be too low")
    if cols["extension"] in df.columns:
        try:
            ext = df[cols["extension"]].astype("boolean").fillna(False)
        except (TypeError, ValueError):
            flags = records[cols["extension"]]
            i = next((j for j, v in enumerate(flags.to_numpy(object)) if not _is_flag(v)), 0)
            raise _at_row(f"column {cols['extension']!r} row {label_of(records, i)!r}: {plain(flags.iloc[i])!r} is not "
                          "True/False (extension granted)", cols["extension"], records, i) from None
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
    excluded: dict[str, Any] = {"unknown_outcome": int((outcome == "unknown").sum()), "place_not_known": int((place == "not_known").sum()),
                "censored_durations": int(np.isnan(hours).sum())}

    # the tables' rows, and the cells of the disclosure problem (one publication)
    cells = Cells()
    names: dict[Any, str] = {}  # what a latent cell is, for messages
    ids: dict[str, list[dict[str, int]]] = {name: [] for name in _S136_TABLES}
    per_group: list[dict[str, Any]] = []
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
        per_group.append({"unknown": c_unknown, "nk": c_nk, "censored": c_cens, "detentions": c_det, "n": c_n,
                          "assessed": c_assessed, "known": c_known, "label": where_g.strip(" ()"), "key": label})
    # the excluded counts are published totals over the groups
    ex_ids: dict[str, Any] = {}
    for ex_key, ex_part in (("unknown_outcome", "unknown"), ("place_not_known", "nk"), ("censored_durations", "censored")):
        ex_ids[ex_key] = cells.add(excluded[ex_key])
        cells.sum_to([p[ex_part] for p in per_group], ex_ids[ex_key])
    # totals over the groups of every count; with several ``by`` columns also each column summed out
    # given the others (by area x triage: each area's total, as the summary by area publishes it, and
    # each triage group's), as suppress() takes them - with the grand total only, an area's total less
    # its published groups gave back small differences (adults taken to a police station, ...)
    partitions = [list(range(len(per_group)))] if len(per_group) > 1 else []
    if len(keys) > 1:
        for summed in keys:
            given: dict[tuple[Any, ...], list[int]] = {}
            for gi, pg in enumerate(per_group):
                given.setdefault(tuple(str(pg["key"][c]) for c in keys if c != summed), []).append(gi)
            partitions += [m for m in given.values() if len(m) > 1]
    for members in partitions:
        for name in _S136_TABLES:
            rows = ids[name]
            per = len(rows) // len(per_group)
            for j in range(per):
                for col in rows[j]:
                    group_cells = sorted({rows[gi * per + j][col] for gi in members})
                    cells.margin(group_cells)

    def with_ci(rows: list[dict[str, Any]], num: str, den: str) -> pd.DataFrame:
        t = pd.DataFrame(rows)
        if len(t) == 0:
            return t
        ok = t[den] > 0
        ci = proportion_ci(t[num].where(ok, 0), t[den].where(ok, 1), confidence=float(confidence), multiplier=100)
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
                      confidence=float(confidence), groups=per_group)


def _s136_finish(b: _S136Build, reason: np.ndarray, unprotected: list[int], threshold: float) -> S136Summary:
    """Masks, missing cells and the rule from a solved problem."""
    tables, ids, ex_ids, names, keys, excluded = b.tables, b.ids, b.ex_ids, b.names, b.keys, b.excluded
    confidence = b.confidence

    hidden_cell = reason > 0
    derived: dict[str, Any] = {"outcomes": {c: ("count", "assessed") for c in ("percent", "lower", "upper")},
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
    where: dict[int, list[tuple[Any, ...]]] = {}
    for name in _S136_TABLES:
        for i, row_ids in enumerate(ids[name]):
            for col, cid in row_ids.items():
                if (name, i, col) not in where.setdefault(cid, []):
                    where[cid].append((name, i, col))
    ex_names = {c: k for k, c in ex_ids.items()}
    exposed: list[tuple[Any, ...]] = []
    said: list[str] = []  # each count in words, for the warning
    for u in unprotected:
        if u in where:
            exposed.extend(where[u])  # every place the number is printed
            said.append(_count_in_words(tables, keys, where[u]))
        elif u in ex_names:
            exposed.append(("excluded", None, ex_names[u]))
            said.append(f"excluded {ex_names[u]}")
        else:
            exposed.append(("difference", None, names.get(u, "a difference of published counts")))
            said.append(str(exposed[-1][2]))
    rule = (f"counts 0 < n < {threshold:g} suppressed; secondary suppression across the five tables and the excluded "
            "counts until no hidden count can be worked back; percentages, CIs and duration statistics of hidden "
            "counts hidden")
    if unprotected:
        # (until session 35 the places as tuples, ('place_of_safety', 3, 'count'): which group and place?)
        shown = "; ".join(said[:5]) + (" ..." if len(said) > 5 else "")
        warn_user(f"s136_summary: {number_of(len(unprotected), 'small count')} cannot be protected ({shown}): the "
                  "published counts give them back although they are hidden (S136Summary.unprotected lists every "
                  "table, row and column); merge groups or drop them before publishing")
        rule += f"; {number_of(len(unprotected), 'cell')} could not be protected"
    return S136Summary(**tables, excluded=excluded_pub, confidence=float(confidence), disclosure=rule,
                       suppressed=masks, unprotected=exposed, by=tuple(keys), notes=_detention_notes(b, reason, threshold))


#: the column that names a row's category in each table with one (outcome, measure, place)
_CATEGORY = {"outcomes": "outcome", "rates": "measure", "place_of_safety": "place_of_safety"}


def _count_in_words(tables: Mapping[str, pd.DataFrame], keys: Sequence[Any], places: Sequence[tuple[Any, ...]]) -> str:
    """One count of the summary in words, from the ``(table, row, column)`` places it is printed:
    its category and column, its group and the tables, e.g. "place_of_safety 'other' count
    (district=North, triage=False)" or "over_36h (area=A) in durations and flags"."""
    name, i, col = places[0]
    row = tables[name].iloc[i]
    cat = _CATEGORY.get(name)
    what = f"{name} {plain(row[cat])!r} {col}" if cat else str(col)
    group = ", ".join(f"{k}={plain(row[k])}" for k in keys)
    text = what + (f" ({group})" if group else "")
    others = [p[0] for p in places[1:] if p[0] != name]
    if cat is None and others:
        text += " in " + " and ".join(dict.fromkeys([name, *others]))
    elif others:
        text += " (also in " + " and ".join(dict.fromkeys(others)) + ")"
    return text


_QUANTILE_METHODS = {"inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
                     "hazen", "weibull", "linear", "median_unbiased", "normal_unbiased", "lower", "higher",
                     "midpoint", "nearest"}

"""Small-number disclosure control for published tables (the Rust ``disclosure`` module).

:func:`suppress` hides small counts and every published cell from which a hidden count could be
worked back: other counts through totals (row, column, group totals and derived totals), and
derived values (rates, confidence limits, percentages, ratios, p-values) of a hidden count.
"""

from __future__ import annotations

import functools
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._frames import accepts_frames, as_float_array, bare, label_of, plain
from .exceptions import InvalidInputError, number_of, warn_user
from .published import NO_FIGURE

__all__ = ["suppress", "column_roles"]

_REASONS = {1: "primary", 2: "secondary"}
COUNT, FIXED, LATENT = 0, 1, 2
#: rounds of ``Cells.solve_keeping`` that hide again kept counts giving a small count back
_KEEP_ROUNDS = 8

# Column roles of saferstats' own tables (lower-case names).
_COUNT_NAMES = {
    "count", "counts", "n", "hits", "searches", "successes", "trials", "events", "cases", "incidents",
    "offences", "detentions", "assessed", "known", "count_from", "count_to", "pre_count", "post_count",
    "pre_n", "post_n", "x1", "n1", "x2", "n2", "total", "frequency", "observed", "censored",
    "over_24h", "over_36h", "child_in_police_station", "over_24h_without_extension",
    "pre_detentions", "post_detentions",
}
_OTHER_NAMES = {
    "population", "population_from", "population_to", "pre_population", "post_population", "pop",
    "confidence", "multiplier", "target", "year", "period", "month", "quarter", "n_periods", "period_from",
    "period_to",
    "dispersion_ratio", "break_index", "denominator", "order", "rank", "id",
    # bookkeeping the readers add (the file line of each row, read_census_ethnicity's census year) and
    # coordinates: no counts (a line number taken for one was hidden and used as protection)
    "source_line", "source_row", "line_number", "census", "latitude", "longitude", "lat", "lon", "lng",
    "easting", "northing",
}
_DERIVED_EXACT = {
    "rate", "value", "lower", "upper", "share", "percent", "ratio", "rr", "diff", "difference", "z",
    "p_value", "p", "fisher_p", "p_fisher", "chi2", "chi2_yates", "p_chi2_yates", "odds_ratio", "p1", "p2",
    "pct_change", "percent_change", "apc", "median_hours", "q1_hours", "q3_hours", "mean_hours",
    "over_24h_percent", "proportion", "estimate", "se",
}
_DERIVED_PREFIXES = ("rate_", "ratio_", "rr_", "diff_", "pct_", "percent_", "p1_", "p2_", "share_", "apc_",
                     "lower_", "upper_", "odds_ratio_")
_DERIVED_SUFFIXES = ("_rate", "_lower", "_upper", "_percent", "_ratio", "_pct", "_share", "_per_100k",
                     "_per_1000", "_hours", "_cost", "_costs")
# (numerator, denominator) count pairs: the numerator is part of the denominator
_PAIRS = [("successes", "trials"), ("hits", "n"), ("count", "assessed"), ("count", "known"), ("count", "total"),
          ("pre_count", "pre_n"), ("post_count", "post_n"), ("x1", "n1"), ("x2", "n2")]
# columns that compare a row with a reference row of its stratum
_COMPARISON_PREFIXES = ("ratio", "rr", "diff", "p_value", "z", "chi2", "p_chi2", "p_fisher", "fisher_p", "odds_ratio")
# labels of a row that do not depend on its counts (never blanked with them); a true/false column is
# otherwise taken as a flag of its counts (read_flytipping's sizes_not_total, with the sizes, gives a
# hidden size back; recording_step is the count's step from the year before), but read_use_of_force's
# comparable is the force's, the same on every row of it, and read_flytipping's not_all_incidents the
# council's reporting basis: blanked on a row whose counts hide, the force's other rows still said it
_NOT_COUNT_LABELS = {"like_for_like", "comparability", "denominator", "confidence", "comparable", "not_all_incidents"}
# notes on a row that are neither keys of the table nor blanked with its counts (outcome_test's
# reason a find rate is withheld: a key made of it split the totals by force over groups)
_ROW_NOTES = {"withheld"}
# free-text notes on a row (outcome_test's "3 searches, none with a known outcome"): a small number in
# them is a count, hidden as the count cells are
_NOTE_NAMES = {"note", "notes", "comment", "comments", "remark", "remarks"}
# a whole number in text that counts something ("3 searches", "2 of 40"), not part of a decimal, a
# percentage or a longer number, nor a number of periods (poisson_trend's "has 2 periods; a trend needs at
# least 3", "2 period(s)" before session 32)
_COUNT_NOUNS = (r"search|searches|stops?|detentions?|records?|rows?|persons?|people|individuals?|cases?|offences?|"
                r"crimes?|incidents?|arrests?|finds?|outcomes?|reports?|uses?|admissions?|events?|victims?|"
                r"suspects?")
_SMALL_IN_TEXT = re.compile(rf"(?<![\d.,])\d+(?![\d.,]*\d)(?=\s*(?:(?:{_COUNT_NOUNS})\b|of\s+\d))", re.IGNORECASE)
_CATEGORY_NAMES = {"group", "ethnicity", "outcome", "label", "measure", "place_of_safety", "category", "kind",
                   "strand", "effect", "legislation", "object_of_search"}


# ------------------------------------------------------------------------------ cell problems

class Cells:
    """Cells tied by linear relations, solved by the Rust ``protect`` (internal)."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.kinds: list[int] = []
        self.relations: list[list[tuple[int, float]]] = []
        #: each cell's part of the table a reader may be given alone (``suppress(within=)``), or None
        self.parts: list[int] | None = None

    def add(self, value: float, kind: int = COUNT) -> int:
        self.values.append(float(value))
        self.kinds.append(kind)
        return len(self.values) - 1

    def relate(self, terms: Iterable[tuple[int, float]]) -> None:
        t = list(terms)
        if len(t) > 1:
            self.relations.append(t)

    def sum_to(self, parts: Sequence[int], total: int) -> None:
        """``Σ parts = total`` (total a cell)."""
        self.relate([*((p, 1.0) for p in parts), (total, -1.0)])

    def margin(self, parts: Sequence[int]) -> None:
        """``Σ parts`` is published (a total known to anyone)."""
        self.relate((p, 1.0) for p in parts)

    def subset(self, part: int, whole: int) -> None:
        """``part`` is a subset of ``whole``: their difference is a latent cell, protected when small."""
        a, b = self.values[part], self.values[whole]
        if np.isnan(a) or np.isnan(b):
            return
        rest = self.add(max(b - a, 0.0), LATENT)
        self.sum_to([part, rest], whole)

    def solve(self, *, threshold: float, zeros: bool, secondary: bool,
              kinds: Sequence[int] | None = None) -> tuple[np.ndarray, list[int]]:
        offsets = np.zeros(len(self.relations) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(r) for r in self.relations])
        cells = np.array([c for r in self.relations for c, _ in r], dtype=np.int64)
        coefs = np.array([k for r in self.relations for _, k in r], dtype=np.float64)
        res = _ext.protect(
            np.asarray(self.values, dtype=np.float64), np.asarray(self.kinds if kinds is None else kinds, dtype=np.uint8),
            offsets, cells, coefs, threshold=float(threshold), zeros=bool(zeros), secondary=bool(secondary),
            parts=None if self.parts is None else np.asarray(self.parts, dtype=np.int64))
        return res["reason"], [int(i) for i in res["unprotected"]]

    def solve_keeping(self, keep: Iterable[int], *, threshold: float, zeros: bool,
                      secondary: bool) -> tuple[np.ndarray, list[int], list[int] | None]:
        """:meth:`solve`, publishing the counts ``keep`` (cell ids) where that is safe
        (``suppress(keep=)``, docs/methods/disclosure.md E8): the table is secured again with those at or
        above ``threshold`` taken as always published (``FIXED``), and that run is kept when every
        sensitive cell the plain run protects is still protected (its unprotected cells are among the
        plain run's). Returns the reasons, the unprotected cells and the cells of ``keep`` published that
        the plain run hid (``[]`` when it hid none of them), or ``None`` in the third place when the kept
        run was refused (the plain run is returned).

        >>> c = Cells()
        >>> ids = [c.add(v) for v in (39, 2, 0, 0, 120, 30, 15, 40)]   # two areas: White, Black, Asian, Mixed
        >>> c.margin(ids[:4]); c.margin(ids[4:])                         # each area's total
        >>> for g in range(4): c.margin([ids[g], ids[4 + g]])            # each group's over the areas
        >>> reason, _ = c.solve(threshold=5, zeros=False, secondary=True)
        >>> reason.tolist()                                              # the first area's White (39) hidden
        [2, 1, 0, 0, 2, 2, 0, 0]
        >>> reason, unprotected, published = c.solve_keeping([ids[0], ids[4]], threshold=5, zeros=False,
        ...                                                  secondary=True)
        >>> reason.tolist(), unprotected, published                      # a zero (Asian) hidden instead
        ([0, 1, 2, 0, 0, 2, 2, 0], [], [0, 4])
        """
        reason, unprotected = self.solve(threshold=threshold, zeros=zeros, secondary=secondary)
        fixed = sorted({int(i) for i in keep if self.kinds[int(i)] == COUNT and self.values[int(i)] >= threshold})
        hid = [i for i in fixed if reason[i] > 0]
        if not secondary or not hid:
            return reason, unprotected, []
        member: dict[int, list[int]] = {}
        for r, rel in enumerate(self.relations):
            for c, _ in rel:
                member.setdefault(c, []).append(r)
        kept = set(fixed)
        for _ in range(_KEEP_ROUNDS):
            kinds = [FIXED if i in kept else k for i, k in enumerate(self.kinds)]
            r2, u2 = self.solve(threshold=threshold, zeros=zeros, secondary=secondary, kinds=kinds)
            extra = set(u2) - set(unprotected)
            if not extra:
                published = [i for i in hid if r2[i] == 0]
                return (r2, u2, published) if published else (reason, unprotected, [])
            # a small count the kept cells give back (the force's White total less its published
            # White months): hide again the smallest kept count of each total it is in, and retry
            freed = {min((c for c, _ in self.relations[r] if c in kept), key=lambda c: (self.values[c], c))
                     for e in extra for r in member.get(e, []) if any(c in kept for c, _ in self.relations[r])}
            if not freed:
                break
            kept -= freed
        return reason, unprotected, None


# ------------------------------------------------------------------------------------ roles

# words that make a column a value derived from counts in tables named by people, not by saferstats
# (NHS England's CrudeRate / StdRate, "Rate per 100,000", "% of total", "LCL"): not counts
_DERIVED_WORDS = {"rate", "rates", "ratio", "ratios", "percent", "percentage", "pct", "proportion", "share", "lcl",
                  "ucl", "ci", "interval", "fitted", "predicted", "expected", "mean", "average", "median"}


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^0-9a-z]+", spaced.lower()) if w]


def _is_derived_name(name: str) -> bool:
    n = name.lower()
    if n in _DERIVED_EXACT or n.startswith(_DERIVED_PREFIXES) or n.endswith(_DERIVED_SUFFIXES) or "%" in n:
        return True
    words = _name_words(name)
    return any(w in _DERIVED_WORDS for w in words) or ("per" in words and any(w.isdigit() for w in words))


# the last word of a column counting something in a wide table (Defra's ``highway_incidents``,
# ``single_black_bag_incidents`` beside ``incidents``): a count, as ``incidents`` is
_COUNT_WORDS = {"incidents", "offences", "detentions", "searches", "cases", "count", "counts", "events", "arrests",
                "stops", "crimes", "admissions"}


def _is_count_name(name: str) -> bool:
    """A name ending in a counted noun (``highway_incidents``), not a rate or share of it.

    >>> _is_count_name("highway_incidents"), _is_count_name("incidents_per_1_000_people"), _is_count_name("rate")
    (True, False, False)
    """
    words = _name_words(name)
    return bool(words) and words[-1] in _COUNT_WORDS and not _is_derived_name(name)


def _is_other_name(name: str) -> bool:
    """A number that is not a count nor derived from one: ``population``, ``year``, ``source_line``
    ..., or a population by another name (Defra's ``mid_population_estimates``)."""
    return name.lower() in _OTHER_NAMES or ("population" in _name_words(name) and not _is_derived_name(name))


_NUM = r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?\s*%?"
_SEP = r"\s*(?:-|–|—|to|,|;)\s*"
# an interval written as text ("0.2 - 3.5", "(11.0, 21.0)") or an estimate with one ("24.7 (19.3–31.2)")
_INTERVAL_TEXT = re.compile(rf"^\s*(?:{_NUM}\s*)?[\(\[]?\s*{_NUM}{_SEP}{_NUM}\s*[\)\]]?\s*$", re.IGNORECASE)


def _interval_text(s: pd.Series) -> bool:
    """A text column whose values are confidence intervals (NHS England's ``Confidence_interval``,
    "95% CI"): derived from the count of its row, which an exact interval gives back. Whole-number
    pairs ("2019-12", "18 to 34": months, age bands) are intervals only in a column so named."""
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return False
    text = s.dropna().astype(str).str.strip()
    text = text[~text.str.lower().isin(NO_FIGURE)]
    if len(text) == 0 or not bool(text.map(lambda v: bool(_INTERVAL_TEXT.match(v))).all()):
        return False
    named = bool(set(_name_words(str(s.name))) & {"ci", "interval", "intervals", "cl", "limits", "confidence"})
    return named or bool(text.str.contains(r"\d\.\d|\(", regex=True).all())


def _is_method_like(table: pd.DataFrame, c: Any) -> bool:
    n = str(c).lower()
    return "method" in n or n in {"test", "reliable", "significance", "dispersion"} or pd.api.types.is_bool_dtype(table[c])


def _numeric_text(s: pd.Series) -> bool:
    """An object/string column whose non-missing values all read as numbers."""
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return False
    present = s.dropna()
    if len(present) == 0:
        return False
    return bool(pd.to_numeric(present.astype(str).str.strip(), errors="coerce").notna().all())


def _numbers_and_marks(s: pd.Series) -> bool:
    """A text column of numbers and a publisher's marks of figures withheld (NHS England's ``*``,
    ``[c]``, ``x``, ``..``): a count column as published, the marks to be given as NaN."""
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return False
    text = s.dropna().astype(str).str.strip()
    marks = text.str.lower().isin(NO_FIGURE - {""})
    return bool(marks.any()) and bool(pd.to_numeric(text[~marks], errors="coerce").notna().all()) \
        and bool((~marks & (text != "")).any())


def _numeric(s: pd.Series) -> bool:
    return (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)) or _numeric_text(s)


def column_roles(
    table: pd.DataFrame,
    *,
    columns: Sequence[str] | str | None = None,
    derived: Sequence[str] | str | None = None,
    other: Sequence[str] | str | None = None,
) -> dict[str, list[str]]:
    """The roles :func:`suppress` gives the columns of ``table``: ``counts`` (suppressed when small,
    and as needed to protect other counts), ``derived`` (rates, limits, percentages, ratios,
    p-values, duration statistics: blanked with the counts they come from) and ``other`` (never
    touched: labels, populations, confidence levels, methods).

    Without ``columns``, counts are the numeric columns saferstats' own tables use for counts
    (``count``, ``n``, ``hits``, ``searches``, ``successes``, ``trials``, ``count_from``, ...) and
    those named for what they count (Defra's ``highway_incidents`` beside ``incidents``,
    NHS England's ``mhsds_count`` beside ``count``: else derived values, never hidden themselves);
    a table with none of those (or only ``total``: the row total of a table of counts, as NHS England
    and ONS publish a "Total" column) treats every numeric column as a count (a plain table of counts).
    The bookkeeping columns saferstats' readers add (``source_line``, the census year ``census``,
    ``latitude``/``longitude``) are never counts; names ending ``_cost``/``_costs`` are derived.
    Numbers stored as text count as numbers; a column named as a rate, ratio, percentage, share or
    limit (``CrudeRate``, ``Rate per 100,000``, ``% of total``, ``LCL``) is never taken for a count.
    Text columns holding confidence intervals (``"0.2 - 3.5"``, ``"24.7 (19.3–31.2)"``, as NHS
    England's ``Confidence_interval``) are derived: an exact interval gives its count back.
    Derived columns are the other numeric columns, except
    known non-count values (``population``, ``confidence``, ``multiplier``, ``year``, ...) and
    anything named in ``other``: an unrecognised number next to counts is assumed to come from
    them (pass it in ``other`` to publish it). ``derived`` adds to those, it does not replace them:
    ``derived=["incidents"]`` on Defra's fly-tipping table (a sum column declared) keeps
    ``incidents_per_1_000_people`` and the clearance costs derived (until session 31 they became
    ``other`` and were published beside hidden counts: rate × population ÷ 1,000 is the count).
    Only ``other`` publishes a column as it is.

    >>> import saferstats
    >>> t = saferstats.add_rates(pd.DataFrame({"area": ["A", "B"], "count": [3, 40], "population": [900, 1000]}),
    ...                          count="count", population="population")
    >>> column_roles(t)
    {'counts': ['count'], 'derived': ['rate', 'lower', 'upper'], 'other': ['area', 'population', 'confidence', 'method']}
    >>> column_roles(t, derived=["rate"])["derived"]   # the limits stay derived
    ['rate', 'lower', 'upper']
    """
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(f"`table` must be a pandas DataFrame, got {type(table).__name__}", "table")
    dup = table.columns[table.columns.duplicated()].unique().tolist()
    if dup:
        raise InvalidInputError(f"`table` has duplicate column names {dup}; give every column a distinct name", "table")
    names = list(table.columns)

    def as_list(x: Any, arg: str) -> list[str] | None:
        if x is None:
            return None
        lst = [x] if isinstance(x, str) else list(x)
        missing = [c for c in lst if c not in table.columns]
        if missing:
            raise InvalidInputError(f"`{arg}`: the table has no {_columns(missing)}; columns are {names}", arg)
        if len(set(lst)) != len(lst):
            raise InvalidInputError(f"`{arg}` names a column twice: {lst}", arg)
        return lst

    cols = as_list(columns, "columns")
    oth = as_list(other, "other") or []
    der = as_list(derived, "derived")
    numeric = [c for c in names if _numeric(table[c])]
    if cols is None:
        # (a count column as published with '*' for the counts withheld is one, refused below with what '*' is:
        # until session 36 it was taken for a label, "table has no count columns")
        cols = [c for c in names if (c in numeric or _numbers_and_marks(table[c]))
                and (str(c).lower() in _COUNT_NAMES or _is_count_name(str(c))) and c not in oth
                and c not in (der or [])]
        # a "Total" column alone among saferstats' count names is the row total of a table of counts
        # (NHS England, ONS), not the count of a saferstats table: its parts are counts too (taken for
        # derived values they were never hidden: a Black 2 published beside its row's Total)
        if [str(c).lower() for c in cols] == ["total"]:
            cols = []
        if not cols:
            cols = [c for c in numeric if not _is_other_name(str(c)) and not _is_derived_name(str(c))
                    and c not in oth and c not in (der or [])]
        if not cols:
            raise InvalidInputError(f"table has no count columns to suppress (columns: {names}); pass columns=[...]",
                                    "columns")
    overlap = set(cols) & (set(oth) | set(der or []))
    if overlap:
        raise InvalidInputError(f"{number_of(len(overlap), 'column')} {sorted(overlap, key=str)} cannot be both "
                                "counts and derived/other",
                                "columns")
    # ``derived`` adds to the columns inferred derived, never replaces them: ``derived=['incidents']`` (a
    # sum column, as the warning of a sum on too few rows writes it) left Defra's rate per 1,000 people
    # and clearance costs "other", published beside the hidden counts they give back (until session 31)
    given = set(der or [])
    der = [c for c in names if c not in cols and c not in oth and (c in given or (
        (c in numeric and not _is_other_name(str(c))) or (c not in numeric and _interval_text(table[c]))))]
    rest = [c for c in names if c not in cols and c not in der]
    return {"counts": cols, "derived": der, "other": rest}


# ---------------------------------------------------------------------------------- helpers

def _as_counts(table: pd.DataFrame, col: Any, marker: str | None) -> np.ndarray:
    s = table[col]
    if pd.api.types.is_bool_dtype(s):
        raise InvalidInputError(f"count column {col!r} holds true/false values, not counts", str(col))
    if pd.api.types.is_numeric_dtype(s):
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        text = s.astype("string").str.strip()
        if marker is not None and (text == marker).any():
            row = int(np.flatnonzero((text == marker).fillna(False).to_numpy())[0])
            raise _at_row(InvalidInputError(
                f"count column {col!r} row {label_of(s, row)!r} already shows the marker {marker!r}: pass the table "
                "before suppression (a hidden cell cannot be protected again without its value)", str(col),
                label_of(s, row)), row)
        try:  # the shared reader: '1,234' as Excel writes it is 1234; '' is missing
            v = as_float_array(str(col), text.astype(object).where(text.notna() & (text != ""), None))
        except InvalidInputError as exc:
            pos = exc.position if exc.position is not None else 0
            # a publisher's mark for a figure withheld (NHS England's '*', ONS '[c]', 'x', '..'): say what it
            # is and what to give instead (until session 36 only "'*' is not a number")
            said = str(s.iloc[pos]).strip()
            why = (f": {said!r} marks a count the publisher suppressed (withheld at source), not a count; give "
                   f"NaN for it (table[{col!r}].replace({said!r}, np.nan)), which suppress lists in "
                   ".attrs['missing_counts'] and warns of (a total that still includes it gives it back)"
                   if said.lower() in NO_FIGURE and said != "" else "")
            raise _at_row(InvalidInputError(f"count column {col!r} row {label_of(s, pos)!r}: {s.iloc[pos]!r} is "
                                            f"not a number{why}", str(col), label_of(s, pos)), pos) from None
    bad = np.flatnonzero(np.isinf(v) | (v < 0))
    if bad.size:
        row = int(bad[0])
        raise _at_row(InvalidInputError(f"count column {col!r} row {label_of(s, row)!r}: {float(v[row]):g} is not a "
                                        "count (finite and non-negative)", str(col), label_of(s, row)), row)
    # a count is a whole number: 10.5 was taken as a count above the threshold and published (until session 36)
    frac = np.flatnonzero(np.isfinite(v) & (np.abs(v - np.round(v)) > 1e-9))
    if frac.size:
        row = int(frac[0])
        raise _at_row(InvalidInputError(
            f"count column {col!r} row {label_of(s, row)!r}: {float(v[row]):g} is not a whole number, so not a count"
            f"{f' ({frac.size} such rows)' if frac.size > 1 else ''}: give the counts, or, if the column is a rate, "
            f"share, mean or estimate, pass derived=[{col!r}] (blanked with the hidden counts of its row)",
            str(col), label_of(s, row)), row)
    return np.asarray(v)


#: most count columns :func:`_column_sums` checks for sums (two halves of 2**20 subset sums at most)
_SUM_COLUMNS_MAX = 40
#: most decompositions of one sum column tied before it is called ambiguous
_SUM_WAYS_MAX = 4
_HASH_PRIME = (1 << 61) - 1
#: a sum that holds in all but a few rows (Defra's fly-tipping incidents = land types, all but Babergh's
#: 2014/15): the rows are matched in random blocks of at least this many rows (at most _SUM_BLOCKS), so
#: a row where it fails spoils its block only ...
_SUM_BLOCK_ROWS = 10
_SUM_BLOCKS = 8
#: ... and the sum is tied where it holds when it holds in at least this share of the rows with values
_SUM_ROWS_MIN = 0.9
#: ... and on more rows with a non-zero total than it has parts, at least this many: a sum of k parts
#: chosen among the columns can fit k rows by coincidence (c0 = c3 + c4 from 4 = 4 + 0 and 4 = 1 + 3, a
#: table of two rows); Gloucestershire's mental_health = mental + physical_and_mental holds in 6 rows,
#: in 2 of them with both parts non-zero, and MHA's mhsds_count = count in 2 (12 and 27). The sum of
#: every other column (a "Total" column, the row total) is one candidate, not chosen: this many rows
_SUM_INFORMATIVE_MIN = 2
#: key columns named as periods (as the CLI's ``_PERIOD_NAMES``, with ``period`` and ``quarter``): where
#: one has two or more values and the caller declares no ``published_totals``, the totals across its
#: periods are assumed published, which :func:`suppress` says (two Defra years in one call: each
#: council's two-year totals assumed; 12 councils of 2020/21 and 2021/22: 4 counts reported unprotected, 0 year by year)
_PERIOD_KEY_NAMES = frozenset({"year", "financial_year", "calendar_year", "fy", "month", "quarter", "period"})


def _sum_holds(vals: Mapping[Any, np.ndarray], total: Any, parts: Sequence[Any]) -> np.ndarray:
    """The rows where ``total`` has a value and is exactly the sum of ``parts`` (all with values).

    >>> v = {"t": np.array([4., 5, np.nan, 7]), "a": np.array([1., 2, 1, 3]), "b": np.array([3., 3, 1, 3])}
    >>> _sum_holds(v, "t", ["a", "b"]).tolist()
    [True, True, False, False]
    """
    return _sum_rows(np.column_stack([np.asarray(vals[c], dtype=np.float64) for c in (total, *parts)]))


def _sum_rows(whole: np.ndarray) -> np.ndarray:
    """The rows of a matrix (a total's column, then its parts') where all have values and the first
    is the sum of the others."""
    return np.asarray(np.isfinite(whole).all(axis=1) & (whole[:, 1:].sum(axis=1) == whole[:, 0]))


def _column_sums(vals: Mapping[Any, np.ndarray], cols: Sequence[Any],
                 derived: Sequence[Any] = ()) -> tuple[list[tuple[Any, list[Any]]], list[str]]:
    """Count columns equal to the sum of other count columns of the table (use of force's
    ``mental_health`` = ``mental`` + ``physical_and_mental``; a "Total" column beside its parts), checked
    on the rows where every column has a value, on more rows with a non-zero sum than it has parts (a
    sum of k parts chosen among the columns can fit k rows by coincidence; a sum of every other
    column, one candidate, on two), else said in what could not be decided, in every row
    or in all but a few (at least 90% of the rows where its columns have values: Defra's fly-tipping
    ``incidents`` is the sum of the land types in every council's row but Babergh's of 2014/15, 247
    against 248): :func:`_sum_holds` gives the rows where it holds, the only rows it is tied in.
    Columns are taken from the smallest (summed over the rows) up; a column that is a sum of
    the columns already taken as parts (one or more, none all zero) is a sum, else a part. Returns
    ``(sum column, its parts)`` for each way found (a column can be a sum two ways, as fly-tipping
    incidents by land type and by waste type) and what could not be decided (for a warning).
    Each subset sum of the parts is matched on a random projection of the rows (exact integers
    modulo a prime; meet in the middle), in random blocks of rows (a row where the sum fails spoils
    its own block only), every match checked exactly on the rows.

    >>> v = {"a": np.array([1., 5, 2]), "b": np.array([3., 0, 4]), "ab": np.array([4., 5, 6]), "c": np.array([7., 8, 9])}
    >>> _column_sums(v, ["a", "b", "ab", "c"])
    ([('ab', ['a', 'b'])], [])

    Two rows for two parts are no sum (``derived``, the table's derived columns, go into the call the
    message writes):

    >>> w = {"c0": np.array([4., 4]), "c1": np.array([30., 40]), "c3": np.array([4., 1]), "c4": np.array([0., 3])}
    >>> found, unsure = _column_sums(w, ["c0", "c1", "c3", "c4"])
    >>> found, unsure[0].endswith("(if it is one, pass derived=['c0'])")
    ([], True)
    """
    # the rows where every column has a value; a column missing in many rows (read_mha_annual's
    # acute_count, present for providers only) is left out, most missing first, while fewer than two
    cols = list(cols)
    while len(cols) >= 2:
        present = np.column_stack([np.isfinite(np.asarray(vals[c], dtype=np.float64)) for c in cols])
        if int(present.all(axis=1).sum()) >= 2 or present.all():
            break
        cols.pop(int(np.argmin(present.sum(axis=0))))
    if len(cols) < 2:
        return [], []
    mat = np.column_stack([np.asarray(vals[c], dtype=np.float64) for c in cols])
    ok = np.isfinite(mat).all(axis=1)
    m = mat[ok]
    if len(m) < 2 or not bool((m == np.round(m)).all()) or float(np.abs(m).max()) >= 2.0**53:
        return [], []
    if len(cols) > _SUM_COLUMNS_MAX:
        return [], [f"{len(cols)} count columns (more than {_SUM_COLUMNS_MAX}): not checked for columns that are sums "
                    "of others"]
    rng = np.random.default_rng(20250601)
    weights = [int(w) for w in rng.integers(1, 1 << 40, size=len(m))]
    ints = m.astype(np.int64)
    n_blocks = max(1, min(_SUM_BLOCKS, len(m) // _SUM_BLOCK_ROWS))
    block = rng.permutation(len(m)) % n_blocks if n_blocks > 1 else np.zeros(len(m), dtype=np.int64)
    rows_of = [np.flatnonzero(block == b) for b in range(n_blocks)]
    hashes = [[sum(weights[i] * int(ints[i, j]) for i in rows.tolist()) % _HASH_PRIME for j in range(len(cols))]
              for rows in rows_of]
    order = sorted(range(len(cols)), key=lambda j: (float(m[:, j].sum()), j))
    parts: list[int] = []
    found: list[tuple[Any, list[Any]]] = []
    unsure: list[str] = []

    def subset_sums(items: list[int], h: list[int]) -> tuple[np.ndarray, np.ndarray]:
        sums = np.zeros(1, dtype=np.int64)
        masks = np.zeros(1, dtype=np.int64)
        for k, j in enumerate(items):
            sums = np.concatenate([sums, (sums + h[j]) % _HASH_PRIME])
            masks = np.concatenate([masks, masks | (1 << k)])
        return sums, masks

    zero = {j for j in range(len(cols)) if not m[:, j].any()}

    def _sum_rows_needed(t: int, pick: list[int]) -> int:
        """Rows with a non-zero total it must hold in: more than its parts, but two for the sum of every
        other (non-zero) column, a row total, which is one candidate, not one chosen among subsets."""
        if {t, *pick} | zero == set(range(len(cols))):
            return _SUM_INFORMATIVE_MIN
        return max(_SUM_INFORMATIVE_MIN, len(pick) + 1)

    def holds_enough(t: int, pick: list[int]) -> int | None:
        """Exact on every row where its columns have values, or on all but a few (two or more non-zero):
        the number of rows with a non-zero total where it holds, else None."""
        rows = np.isfinite(mat[:, [t, *pick]]).all(axis=1)
        good = _sum_rows(mat[:, [t, *pick]])
        if not (bool(good[rows].all()) or (int((good & (mat[:, t] != 0)).sum()) >= 2
                                           and float(good[rows].mean()) >= _SUM_ROWS_MIN)):
            return None
        return int((good & (mat[:, t] != 0)).sum())

    for t in order:
        ways: list[list[int]] = []
        weak: list[tuple[list[int], int]] = []  # holds, but on too few informative rows
        tried: set[tuple[int, ...]] = set()
        for b, rows in enumerate(rows_of):
            target = m[rows, t]
            cand = [j for j in parts if m[rows, j].any() and bool((m[rows, j] <= target).all())]
            if not cand or int((target != 0).sum()) < 2 or len(ways) > _SUM_WAYS_MAX:
                continue
            half = len(cand) // 2
            left, right = cand[:half], cand[half:]
            ls, lm = subset_sums(left, hashes[b])
            rs, rm = subset_sums(right, hashes[b])
            sort = np.argsort(rs, kind="stable")
            rs, rm = rs[sort], rm[sort]
            want = (hashes[b][t] - ls) % _HASH_PRIME
            lo, hi = np.searchsorted(rs, want, "left"), np.searchsorted(rs, want, "right")
            for i in np.flatnonzero(hi > lo).tolist():
                for r in range(int(lo[i]), int(hi[i])):
                    pick = sorted([left[k] for k in range(len(left)) if int(lm[i]) >> k & 1]
                                  + [right[k] for k in range(len(right)) if int(rm[r]) >> k & 1])
                    if pick and tuple(pick) not in tried:
                        tried.add(tuple(pick))
                        informative = holds_enough(t, pick)
                        if informative is not None and informative >= _sum_rows_needed(t, pick):
                            ways.append(pick)
                        elif informative is not None:
                            weak.append((pick, informative))
                if len(ways) > _SUM_WAYS_MAX:
                    break
        if not ways:
            for w, k in weak[:1]:
                unsure.append(f"{cols[t]!r} = " + " + ".join(repr(cols[j]) for j in w) + " where they have values, "
                              f"but in only {number_of(k, 'row')} with a non-zero total, no more than its "
                              f"{len(w)} parts: "
                              "not taken as a sum, which may be a coincidence (if it is one, pass "
                              f"derived={[*derived, cols[t]]!r})")
            parts.append(t)
            continue
        if len(ways) > _SUM_WAYS_MAX:
            unsure.append(f"{cols[t]!r} is the sum of other count columns in more than {_SUM_WAYS_MAX} ways (e.g. "
                          + "; ".join(" + ".join(repr(cols[j]) for j in w) for w in ways[:2]) + ")")
        found.extend((cols[t], [cols[j] for j in w]) for w in ways[:_SUM_WAYS_MAX])
    return found, unsure


def _columns(names: Sequence[Any]) -> str:
    """``column ['a']`` or ``columns ['a', 'b']``, as a message names columns a table lacks."""
    return f"{'column' if len(names) == 1 else 'columns'} {list(names)}"


def _at_row(err: InvalidInputError, row: int) -> InvalidInputError:
    err.position = row
    return err


def per_period_totals(table: pd.DataFrame, keys: Sequence[Any], periods: Sequence[Any] | Any) -> list[list[Any]]:
    """``suppress(published_totals=)`` for a table published period by period: each total over a key
    that is not a period, given the other keys, and no total across the periods.

    Method: for each key ``k`` not in ``periods``, the total over ``k`` given the other keys; where
    other keys are attributes of ``k`` (one value for each of its values: a code beside a name, the
    region of a council), the total over ``k`` and them too, given the rest, since given one of them
    the total over ``k`` would be a single row (the Home Office's hate crime by force, keys ``force``,
    ``period``, ``force_code``: the total over the forces given the period and a force's code is that
    force's count, and each period's total over the forces, published, was in no declared total). A
    key that is an attribute of a key already summed over is not summed over again. Reference:
    docs/methods/disclosure.md E7 (several periods in one call).

    >>> t = pd.DataFrame({"council": ["A", "B"] * 2, "code": ["E1", "E2"] * 2, "year": ["2020/21"] * 2 + ["2021/22"] * 2})
    >>> per_period_totals(t, ["year", "council"], "year")
    [['year']]
    >>> per_period_totals(t, ["council", "year", "code"], "year")
    [['year', 'code'], ['year']]
    """
    per = {periods} if isinstance(periods, str) or not isinstance(periods, Sequence) else set(periods)
    keys = list(keys)

    def attribute(of: Any, c: Any) -> bool:  # one value of c for each value of `of`
        return _attribute(table, of, c)

    out: list[list[Any]] = []
    summed: set[Any] = set()
    for k in keys:
        if k in per or k in summed:
            continue
        attrs = [c for c in keys if c != k and c not in per and attribute(k, c)]
        summed.update([k, *attrs])
        for given in ([c for c in keys if c != k], [c for c in keys if c != k and c not in attrs]):
            if given not in out:
                out.append(given)
    return out


def _attribute(table: pd.DataFrame, of: Any, c: Any) -> bool:
    """Whether column ``c`` has one value for each value of column ``of`` (a force's code, a council's region)."""
    return bool((table.groupby(of, dropna=False, sort=False)[c].nunique(dropna=False) <= 1).all())


def _summed_together(table: pd.DataFrame, keys: Sequence[Any]) -> list[list[Any]]:
    """The keys in sets that name the same rows (each an attribute of the other: ``force`` and
    ``force_code``), in the order of the first of each; the default totals sum each set out at once.

    >>> t = pd.DataFrame({"force": ["A", "B"] * 2, "code": ["E1", "E2"] * 2, "period": ["1", "1", "2", "2"]})
    >>> _summed_together(t, ["force", "period", "code"])
    [['force', 'code'], ['period']]
    """
    out: list[list[Any]] = []
    for k in keys:
        same = next((s_ for s_ in out if _attribute(table, s_[0], k) and _attribute(table, k, s_[0])), None)
        if same is None:
            out.append([k])
        else:
            same.append(k)
    return out


def _declared_totals(published: Sequence[Sequence[Any]] | None, keys: list[Any] | None) -> list[list[Any]] | None:
    """``suppress(published_totals=)`` checked: a list of lists of key columns (needs ``keys``).

    >>> _declared_totals([["force", "month"], ("force", "group"), []], ["force", "month", "group"])
    [['force', 'month'], ['force', 'group'], []]
    """
    if published is None:
        return None
    if keys is None:
        raise InvalidInputError("`published_totals` needs `keys` (the columns its totals are given by)",
                                "published_totals")
    if isinstance(published, (str, Mapping)) or not isinstance(published, Sequence) or any(
            isinstance(d, (str, Mapping)) or not isinstance(d, Sequence) for d in published):
        raise InvalidInputError("`published_totals` must be a list of lists of key columns, e.g. "
                                f"[['force', 'month'], ['force', 'group']]; got {published!r}", "published_totals")
    out = [list(d) for d in published]
    for d in out:
        bad = [c for c in d if c not in keys]
        if bad or len(set(map(str, d))) != len(d) or len(d) == len(keys):
            raise InvalidInputError(f"`published_totals`: {d!r} must be distinct columns of `keys` {keys}, fewer than "
                                    "all of them (a total over none of them is a cell)", "published_totals")
    return out


def _groups(table: pd.DataFrame, keys: list[Any]) -> np.ndarray:
    """Group number of every row (one group when ``keys`` is empty)."""
    if not keys:
        return np.zeros(len(table), dtype=np.int64)
    return np.asarray(table.groupby(keys, sort=False, dropna=False).ngroup().to_numpy())


def _month_numbers(values: pd.Series) -> np.ndarray | None:
    """Each label as a month number (12 x year + month - 1) when every label is a month: police.uk's
    ``"2021-06"``, a monthly :class:`pandas.Period`, or dates all on the first of a month; else None."""
    from ._periods import all_month_text, on_month_starts

    if values.isna().any() or not len(values):
        return None
    if all_month_text(values):
        text = values.astype(str).str.strip()
        return np.asarray(text.str[:4].astype(int) * 12 + text.str[5:7].astype(int) - 1, dtype=np.int64)
    if isinstance(values.dtype, pd.PeriodDtype):
        if values.dtype != pd.PeriodDtype("M"):
            return None
        return np.asarray(values.dt.year * 12 + values.dt.month - 1)
    if pd.api.types.is_datetime64_any_dtype(values) and on_month_starts(values):
        d = pd.DatetimeIndex(values)
        return np.asarray(d.year * 12 + d.month - 1)
    return None


#: Quarters as published: "2021 Q2" / "2021Q2" / "Q2 2021" (calendar: April to June 2021), the Home
#: Office's "2021/22 Q1" / "Q1 2021/22" (financial: April to June 2021), ONS's "Apr to Jun 2021".
_CALENDAR_QUARTER = (re.compile(r"\s*(?P<y>\d{4})\s*[-/ ]?\s*Q(?P<q>[1-4])\s*", re.I),
                     re.compile(r"\s*Q(?P<q>[1-4])\s*[-/ ]?\s*(?P<y>\d{4})\s*", re.I))
_FINANCIAL_QUARTER = (re.compile(r"\s*(?P<y>\d{4})\s*[/-]\s*(?P<y2>\d{2}|\d{4})\s*[-:, ]?\s*Q(?P<q>[1-4])\s*", re.I),
                      re.compile(r"\s*Q(?P<q>[1-4])\s*[-:, ]?\s*(?P<y>\d{4})\s*[/-]\s*(?P<y2>\d{2}|\d{4})\s*", re.I))
_MONTH_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ONS_QUARTER = re.compile(r"\s*(?P<a>[a-z]{3})[a-z]*\.?\s*(?:to|-|–)\s*(?P<b>[a-z]{3})[a-z]*\.?\s*(?P<y>\d{4})\s*", re.I)


def _quarter_start(text: str) -> int | None:
    """The month number (12 x year + month - 1) a quarter's label starts, or None.

    >>> [_quarter_start(t) for t in ["2021 Q2", "2021Q2", "Q2 2021", "2021/22 Q1", "Q4 2021/22", "Apr to Jun 2021", "Jan-Mar 2022"]]
    [24255, 24255, 24255, 24255, 24264, 24255, 24264]
    >>> _quarter_start("2021/22"), _quarter_start("May to Jul 2021"), _quarter_start("2021/23 Q1")
    (None, None, None)
    """
    for pattern in _FINANCIAL_QUARTER:
        m = pattern.fullmatch(text)
        if m:
            y, y2 = int(m["y"]), int(m["y2"])
            if y2 != (y + 1) % (100 if len(m["y2"]) == 2 else 10_000):
                return None
            return 12 * y + 3 + 3 * (int(m["q"]) - 1)  # Q1 of 2021/22: April 2021
    for pattern in _CALENDAR_QUARTER:
        m = pattern.fullmatch(text)
        if m:
            return 12 * int(m["y"]) + 3 * (int(m["q"]) - 1)
    m = _ONS_QUARTER.fullmatch(text)
    if m and m["a"].lower() in _MONTH_WORDS and m["b"].lower() in _MONTH_WORDS:
        a, b = _MONTH_WORDS.index(m["a"].lower()), _MONTH_WORDS.index(m["b"].lower())
        if a % 3 == 0 and b == a + 2:  # a calendar quarter within one year
            return 12 * int(m["y"]) + a
    return None


def _period_spans(values: pd.Series) -> tuple[np.ndarray, int] | None:
    """Each label's first month as a month number (12 x year + month - 1) and the number of months
    every label covers: 1 for months (:func:`_month_numbers`), 3 for quarters (text as
    :func:`_quarter_start` reads it, quarterly :class:`pandas.Period`, or dates all on the first day
    or all on the last day of quarters, as pandas' ``resample("QS")`` / ``resample("QE")`` label them);
    else None.

    >>> d = pd.Series(pd.to_datetime(["2021-04-01", "2021-07-01", "2021-10-01", "2022-01-01"]))
    >>> [(m.tolist(), n) for m, n in [_period_spans(d), _period_spans(d - pd.Timedelta(days=1))]]
    [([24255, 24258, 24261, 24264], 3), ([24252, 24255, 24258, 24261], 3)]
    """
    if pd.api.types.is_datetime64_any_dtype(values) and len(values) and not values.isna().any():
        d = pd.DatetimeIndex(values)
        m = np.asarray(d.year * 12 + d.month - 1, dtype=np.int64)
        midnight = bool((d == d.normalize()).all()) and np.unique(m).size >= 2
        if midnight and (m % 3 == 0).all() and (d.day == 1).all():
            return m, 3  # quarter starts (one date alone could be a month's)
        if midnight and (m % 3 == 2).all() and d.is_month_end.all():
            return m - 2, 3  # quarter ends
    months = _month_numbers(values)
    if months is not None:
        return months, 1
    if values.isna().any() or not len(values):
        return None
    if isinstance(values.dtype, pd.PeriodDtype):
        if not str(values.dtype.freq.freqstr).upper().startswith("Q"):
            return None
        start = values.dt.start_time
        return np.asarray(start.dt.year * 12 + start.dt.month - 1, dtype=np.int64), 3
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)
            or isinstance(values.dtype, pd.CategoricalDtype)):
        return None
    text = values.astype(str)
    starts = {t: _quarter_start(t) for t in text.unique()}
    if any(v is None for v in starts.values()):
        return None
    return np.asarray(text.map(starts).to_numpy(), dtype=np.int64), 3


def _year_groups(table: pd.DataFrame, keys: list[Any], first: int) -> list[np.ndarray]:
    """Margin labels for the totals of each complete year starting in month ``first`` (0 = January,
    3 = April) of a key of months or quarters, given the other keys: rows with one label sum to a
    published total; rows outside a complete year each get a label of their own. Only when the
    table's periods are not exactly one such year (whose total is the total over the periods,
    already in the problem)."""
    out = []
    for k in keys:
        spans = _period_spans(table[k])
        if spans is None:
            continue
        start, length = spans
        year = (start - first) // 12  # the calendar year the year starts in
        within = (start + length - 1 - first) // 12 == year  # the period lies in one year
        covered = {int(m) + i for m in np.unique(start[within]) for i in range(length)}
        complete = {int(y) for y in np.unique(year[within])
                    if all(12 * int(y) + first + i in covered for i in range(12))}
        whole = {int(m) + i for m in np.unique(start) for i in range(length)}
        if not complete or (len(complete) == 1 and len(whole) == 12 and within.all()):
            continue
        rest = _groups(table, [c for c in keys if c != k])
        inside = within & np.isin(year, list(complete))
        labels = np.where(inside, rest * 10_000 + (year - year.min()), -1).astype(np.int64)
        outside = np.flatnonzero(~inside)
        labels[outside] = labels.max(initial=0) + 1 + np.arange(outside.size)
        out.append(labels)
    return out


def financial_year_groups(table: pd.DataFrame, keys: list[Any]) -> list[np.ndarray]:
    """Margin labels for the totals of each complete financial year (April to March) of a key of
    months or quarters, given the other keys: rows with one label sum to a published total; rows
    outside a complete year each get a label of their own. Only when the table's periods are not
    exactly one financial year (whose total is the total over the periods, already in the problem).

    >>> t = pd.DataFrame({"month": [f"2021-{m:02d}" for m in range(4, 13)] + [f"2022-{m:02d}" for m in range(1, 13)]
    ...                   + [f"2023-{m:02d}" for m in range(1, 4)], "count": range(24)})
    >>> (g,) = financial_year_groups(t, ["month"])  # 2021/22 and 2022/23
    >>> np.unique(g[:12]).size, np.unique(g[12:]).size, bool(g[0] == g[12])
    (1, 1, False)
    >>> financial_year_groups(t.iloc[:12], ["month"])  # April 2021 to March 2022: the total over the months
    []
    >>> q = pd.DataFrame({"quarter": [f"{y} Q{i}" for y in (2021, 2022) for i in (1, 2, 3, 4)]})
    >>> financial_year_groups(q, ["quarter"])[0].tolist()  # 2021/22: Q2 2021 to Q1 2022
    [2, 1, 1, 1, 1, 3, 4, 5]
    """
    return _year_groups(table, keys, 3)


def _calendar_year_groups(table: pd.DataFrame, keys: list[Any]) -> list[np.ndarray]:
    """As :func:`financial_year_groups`, for each complete calendar year ("year ending December",
    as ONS publishes recorded crime), January to December.

    >>> t = pd.DataFrame({"month": [str(p) for p in pd.period_range("2021-04", "2023-03", freq="M")]})
    >>> (g,) = _calendar_year_groups(t, ["month"])  # 2022 only
    >>> np.unique(g[9:21]).size, np.unique(g).size
    (1, 13)
    >>> _calendar_year_groups(t.iloc[9:21], ["month"])  # January to December 2022: the total over the months
    []
    """
    return _year_groups(table, keys, 0)


def _key_candidates(table: pd.DataFrame, roles: dict[str, list[str]]) -> list[Any]:
    """Columns that may identify strata: labels and period-like numbers."""
    out = []
    for c in table.columns:
        if c in roles["counts"] or c in roles["derived"] or _is_method_like(table, c) or str(c).lower() in _ROW_NOTES \
                or str(c).lower() in _NOTE_NAMES:  # a note says something of its row: no stratum
            continue
        if _numeric(table[c]) and str(c).lower() not in {"year", "period", "month", "quarter", "period_from",
                                                          "period_to"}:
            continue
        out.append(c)
    return out


def _keys(table: pd.DataFrame, roles: dict[str, list[str]]) -> list[Any]:
    """Key columns of a table (labels and period columns), one per distinct partition of the rows
    (a label that is 1:1 with an earlier key, e.g. ``label`` beside ``outcome``, is dropped)."""
    out: list[Any] = []
    for c in _key_candidates(table, roles):
        if c in ("period_from", "period_to"):
            continue
        g = _groups(table, [c])
        if any(len(np.unique(_groups(table, [k, c]))) == len(np.unique(g)) == len(np.unique(_groups(table, [k])))
               for k in out):
            continue
        out.append(c)
    return out


def _find_grouping(table: pd.DataFrame, candidates: list[Any], num: np.ndarray, tot: np.ndarray,
                   prefer: list[Any] | None) -> tuple[list[Any], np.ndarray] | None:
    """The smallest grouping of rows under which ``tot`` is constant and equals the sum of ``num``,
    with the rows of the groups where it does (a mask). Every group should; failing that, the
    grouping under which most rows are in such groups (of two rows or more): a before/after table
    whose outcome rows sum to their denominator beside rate rows that do not (conversion,
    admission), whose post-period NFA count 2 was published as 36 - 10 - 12 - 0 - 12."""
    from itertools import combinations

    if len(table) == 0:
        return None
    options: list[list[Any]] = [prefer] if prefer is not None else []
    options += [[]] + [[c] for c in candidates] + [list(p) for p in combinations(candidates, 2)]
    ok_rows = ~(np.isnan(num) | np.isnan(tot))
    best: tuple[list[Any], np.ndarray] | None = None
    for keys in options:
        g = _groups(table, keys)
        sums = np.bincount(g, weights=np.where(ok_rows, num, 0.0))
        lo = np.full(g.max() + 1, np.inf)
        hi = np.full(g.max() + 1, -np.inf)
        np.minimum.at(lo, g, np.where(ok_rows, tot, np.inf))
        np.maximum.at(hi, g, np.where(ok_rows, tot, -np.inf))
        size = np.bincount(g)
        complete = np.bincount(g, weights=ok_rows.astype(float)) == size
        good = (size >= 2) & complete & (lo == hi) & (np.abs(sums - lo) <= 1e-9)
        rows = good[g]
        if rows.all():
            return keys, rows
        if rows.any() and (best is None or rows.sum() > best[1].sum()):
            best = (keys, rows)
    return best


# --------------------------------------------------------------------------------- suppress

@accepts_frames("table")
def suppress(
    table: pd.DataFrame,
    *,
    threshold: float = 5,
    secondary: bool = True,
    round_to: float | None = None,
    columns: Sequence[str] | str | None = None,
    derived: Sequence[str] | str | None = None,
    other: Sequence[str] | str | None = None,
    keys: Sequence[str] | str | None = None,
    reference: Mapping[str, Any] | None = None,
    marker: str | None = "[c]",
    zeros: bool = False,
    totals: Mapping[Any, Sequence[Any]] | None = None,
    published_totals: Sequence[Sequence[Any]] | None = None,
    keep: Mapping[str, Any] | Sequence[bool] | np.ndarray | pd.Series | str | None = None,
    within: Sequence[str] | str | None = None,
    rounding: int | None = None,
) -> pd.DataFrame:
    """Suppress small counts in a table for publication, and everything a hidden count could be
    worked back from.

    Columns have roles (:func:`column_roles`, inferred for saferstats' own tables): **counts**
    get primary and secondary suppression; **derived** values (rates, limits, percentages,
    ratios, p-values) are blanked wherever a count of their row is hidden; **other** columns
    (labels, populations, confidence) are never touched. ``derived=`` adds columns to those inferred
    derived (a sum column declared, ``derived=["incidents"]``, leaves Defra's rate per 1,000 people
    derived, blanked with its row's hidden counts); only ``other=`` publishes a column untouched.

    Method (ONS / NHS England practice; Cox 1980; ``docs/methods/disclosure.md``): counts ``0 < n < threshold`` (default: 1–4)
    are hidden (primary). Secondary suppression then hides further counts until no hidden count
    can be recovered exactly from what stays published plus the totals an analyst can expect to
    be public — the exact linear audit over:

    - for each count column, its totals over each key given the others (``keys``: the label and
      period columns identifying a row, inferred when not given — e.g. by force and by ethnic
      group in a :func:`disproportionality` table; the column total when rows have no key);
    - the row totals across the counts of a plain table of counts;
    - a count column equal to another, or to the sum of two or more others, in every row where they
      have values (on more rows with a non-zero sum than it has parts, two for a "Total" of every other
      column; a column missing in most rows left out), or in
      all but a few (at least 90% of them: Defra's fly-tipping incidents is the land types' sum in every
      row but Babergh's of 2014/15, 247 against 248): tied to its parts in each row where it holds (the
      other rows' cells are counts of their own, those rows in ``"not_in_rows"``), listed in ``.attrs["roles"]["sums"]`` and
      said in ``.attrs["rule"]`` (use of force's ``mental_health`` = ``mental`` +
      ``physical_and_mental``; a "Total" column, which is then the row total: no other is assumed).
      Taken for a count of its own, Hertfordshire's less lethal weapons' ``mental_health`` 71 was
      published beside ``mental`` 69 and the hidden 2 (:func:`saferstats.read_use_of_force`). A column
      that is such a sum more than four ways, or a table of more than 40 count columns, is warned of
      (name the sums in ``derived=``), and so is a sum on too few rows, which is not taken (two rows,
      c0 = c3 + c4 from 4 = 4 + 0 and 4 = 1 + 3, may be a coincidence: the warning writes the
      ``derived=`` that declares it);
    - totals the table carries: a denominator that sums its group (``total`` in :func:`shares`,
      ``assessed`` in an outcomes table), a numerator within its denominator (``hits`` of ``n``,
      ``successes`` of ``trials``: the difference is protected too when small), a period's
      ``count_to`` that is the next row's ``count_from`` in :func:`year_on_year`, and
      conversion = s2 + s3, admission = informal + s2 + s3 in Section 136 tables;
    - for a key of months (``"2021-06"``, monthly periods or month-start dates) or quarters
      (``"2021/22 Q1"``, ``"2021 Q2"``, ``"Q2 2021"``, ``"Apr to Jun 2021"``, quarterly periods, or
      dates all on the first or all on the last day of quarters)
      that is not exactly one year, the totals of each complete financial year (April to March) and
      each complete calendar year ("year ending December") given the other keys, as the Home Office
      (force × ethnicity), NHS England and ONS publish them. Without them a count hidden in one year
      whose partner was in another was that year's total less its published periods (a quarterly
      table, April 2021 to March 2023: Other searches in 2021/22 Q2, 3, were 2021/22's 25 less 8,
      8 and 6).

    Every key summed out given the others is taken as published, whatever the table covers (keys that
    name the same rows, ``force_code`` beside ``force``, summed out together: one at a time, each
    "total" over the forces given a force's code was one force's count, and each period's total over
    the forces was left out, until session 32); by
    force × month × group that includes each group's month summed over the forces in the table,
    which no one publishes unless the table has every force. That is more protection than a reader
    can defeat, not less (the seven police.uk forces, December 2019 to February 2020: 41 counts
    hidden, Durham's 141 White searches in January 2020 among them, where the totals police.uk and
    the Home Office publish need 32, none above 43); the report's stop-and-search tables take exactly
    the published ones (``docs/methods/disclosure.md`` E7). Where the keys are inferred and one is
    named as periods (``year``, ``financial_year``, ``month``, ``quarter``, ``period``, ...) with two or
    more values, a :class:`SaferstatsWarning` says that the totals across the periods are so taken
    (two Defra years: each council's two-year total) and writes the call for per-period totals only,
    ``suppress(table, keys=[...], published_totals=[...])``.

    ``published_totals`` says instead which totals are published, each by the key columns it is
    given for: ``published_totals=[["force", "month"], ["force", "group"]]`` takes as known each
    force's month over the groups and each force's group over the months (police.uk and the Home
    Office), and nothing summed over the forces; ``[]`` is the table's total. Each count column's
    totals so, plus each complete financial and calendar year's where a declared total runs over a
    key of months or quarters (as above), replace the totals over each key; the totals the table carries still hold. The
    default, ``None``, keeps every key summed out given the others; a declared list protects against
    those totals only, so name every total a reader can have (from any source).

    In two-way tables a hidden cell is recoverable exactly when it bridges the cycles of hidden
    cells; each is put on a cycle through the fewest, smallest published cells. Counts are never
    negative, so the audit also runs the attacker's linear programme: zeros are published unless
    ``zeros=True`` and serve as protection only as a last resort, never where they would pin a
    hidden cell. A secondary
    cell that the rest would give back is published again (it protects nothing), and so is each
    secondary cell, largest first, whose release leaves every protected cell unrecoverable: cells
    are hidden one at a time, so an early one can become unnecessary once later ones are hidden
    (by-CSP stop and search over seven forces: 124 secondary cells, 30 after this pass).
    ``round_to=5`` rounds the published counts to the nearest 5 (derived values still come from
    the unrounded counts: a warning says so; so does a published count rounded to 0, which reads as
    none: with ``round_to=50`` and the default threshold a count of 15).

    Rows that are totals of other rows (subtotals, as NHS and ONS tables publish them: "White" =
    British + Irish + Any other White) are named in ``totals``, by their labels:
    ``totals={"Other Ethnic Groups": ["Chinese", "Any Other Ethnic Group"]}`` ties, in every
    stratum (the same values of the other keys), the total's counts to the sum of its parts, so a
    hidden part is not published as the total minus the rest. A total row of a column whose parts are
    all the column's other rows is named by the column: ``totals={"org_name": "All providers"}`` (NHS
    England's independent providers with their "All providers" row). Without ``totals`` a row whose count
    is exactly a small count plus one to three other rows of its stratum raises a
    :class:`SaferstatsWarning` naming them (it may be a subtotal); ``totals={}`` says there are none.
    So does a row labelled ``All`` or ``Total`` that is every other row of its stratum but one to
    three of unknown group ("Unknown", "Not known", "Not stated"), as NHS England lays out a
    breakdown by ethnicity ("All" of the five broad groups, "Unknown" outside it), the warning
    writing the ``totals=`` that names it: until session 36 such a table published "All" and every
    group but a hidden one, which was "All" less the others, with no warning. Age bands are taken
    as a possible total only of bands they hold ("Under 18" of "15 and under" and "16 to 17", not
    "50 to 64", which shares only the word "to").
    A named total that is not the sum of its parts as given is warned of and listed in
    ``.attrs["totals_not_sums"]`` (there when ``totals`` names any; ``row``, ``column``, ``total``,
    ``parts_sum``, ``missing``, ``rounded_to``, ``missing_sum``): parts missing a count (hidden at
    source) whose sum the total less
    the published parts gives, widened by half the base a part where the parts' counts are rounded
    (``rounded_to``: the base ``rounding=`` states, else read from every published part of the named
    totals, the largest of 100, 50, 10 and 5 dividing them all: ± 50, 25, 5 or 2 each, as NHS
    England's 5; the total too where it is a multiple of the base) — 2023-24 Section
    136, independent providers: "All providers" 377 less 160 and 215 leaves 0 to 6 for the 21 hidden,
    so each is at most 6; 380 less 160 and 210 leaves 0 to 25 (10 ± 15) — or placeholders or
    rounded counts that do not add up, where the audit's tie does not hold (parts that already exceed
    the total give no ``missing_sum``). In the column form a
    row among the others that is itself a subtotal ("NHS providers" = three of the providers, beside
    "All providers") would be counted twice: where the counts show it, it is refused, the message
    giving the label form to write (``totals={"All providers": [...], "NHS providers": [...]}``;
    warned of only where one sum shows it and no label says a total: it may be chance); where they
    cannot (counts missing) a row labelled like a total is warned of.

    ``rounding`` states the base the publication rounds the totals' parts to (``rounding=10``; 1 for
    counts not rounded), checked against every published part (one that is not a multiple is
    refused); ``None`` reads it from the parts, so parts rounded to 10 that happen to be multiples of
    50 are taken as rounded to 50, ± 25 each. The base taken is in ``.attrs["rounding"]`` (``base``,
    ``stated``, ``parts``: the published parts not 0), and where a total's range depends on an
    inferred base that chance explains one time in 100 or more (two parts rounded to 10 are multiples
    of 50 one time in 25) a :class:`SaferstatsWarning` writes the keyword. 380 less 150 and 200, two
    parts missing: 0 to 80 as read (30 ± 50), 15 to 45 rounded to 10 (30 ± 15, the total too):

    >>> r = pd.DataFrame({"org": ["A", "B", "C", "D", "All"], "count": [150, 200, None, None, 380]})
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     [suppress(r, totals={"org": "All"}, rounding=b).attrs["totals_not_sums"][0]["missing_sum"]
    ...      for b in (None, 10)]
    [(0.0, 80.0), (15.0, 45.0)]

    >>> p = pd.DataFrame({"org_name": ["A", "B", "C", "D", "All providers"], "count": [2, 40, 0, 52, 94]})
    >>> suppress(p, totals={"org_name": "All providers"})["count"].tolist()
    ['[c]', '[c]', 0, 52, 94]

    A small whole number (``0 < n < threshold``) in a ``note`` column ("1 search, none with a known
    outcome", as :func:`outcome_test` says of a group whose searches all lack an outcome) is a count
    too: it shows ``marker`` ("[c] search, ..."), logged with the rule ``note``.

    Labels that depend on a row's counts — method labels (``exact (zero count)`` gives a zero
    away; ``exact``/``byar`` whether the count is under 10), ``test`` and ``reliable`` flags, other
    true/false columns (``sizes_not_total``) — are blanked with the row's hidden counts. Flags of the
    area, not of the row's counts, stay: :func:`saferstats.read_use_of_force`'s ``comparable`` (the
    force's, on every row of it), :func:`saferstats.read_flytipping`'s ``not_all_incidents``,
    ``like_for_like``, ``comparability``.

    Comparisons with a reference row (``ratio``, ``rr``, ``diff``, ``p_value`` ... in
    :func:`disproportionality` / :func:`outcome_test` tables) are blanked in the whole stratum when
    the reference row's count is hidden; ``reference={"group": "White"}`` names the reference
    rows (default: inferred from the ``reference`` / ``not applicable`` method label, or a ratio
    of 1 without limits).

    ``keep`` names counts to publish where possible: the rows of a reference group
    (``keep={"group": "White"}``, a mapping of columns to values as ``reference``), ``"reference"``
    (the reference rows, as ``reference`` names or infers them) or a boolean mask of the rows. A
    hidden reference count blanks every comparison of its stratum, so where the plain run hides one
    (a CSP whose only other non-zero group is a small count, under its known total) the table is
    secured again with the ``keep`` rows' counts at or above ``threshold`` taken as always
    published (the core's fixed cells), protecting the small counts with other cells, zeros
    among them as a last resort. That run is used only when every small count the plain run
    protects is still protected (the cells it cannot protect are among the plain run's). Where the
    kept counts give a small count back (a force's White total less its other published White
    counts), the smallest kept count of each total it is in is secured as usual and the run
    repeated (up to 8 times); failing that the plain run stands and a :class:`SaferstatsWarning`
    says so. ``.attrs["keep"]`` says which
    (``applied``) and the counts it published that the plain run hid (``published``)
    (``docs/methods/disclosure.md`` E8). It can hide more cells than the plain run.

    Zero counts are published, except that a zero is hidden where nothing else can protect a small
    count (E6) or where ``keep`` needs one: ``.attrs["zeros_hidden"]`` counts them. Where it is not
    0, a hidden count may be 0, and neither the audit nor a reader can take hidden counts as at
    least 1 (a reader who did would get wrong counts, not the true ones); where it is 0, hidden
    counts are at least 1 and the audit takes that into account. That bound is judged per linked
    block of hidden cells (a reader given one block's rows alone does not know of a zero hidden in
    another) and per part of a block too: ``within="force"`` says a reader may be given one force's
    rows alone (each force publishes its own), so a zero hidden in one force's rows does not count
    as protection for another's, even where a total over the forces (the default's each group's
    month over the forces) links them. Each part then gets its own hidden zero where it needs one
    (docs/methods/disclosure.md E6). The default, ``None``, is ``"force"`` where a key column is
    named ``force`` and has more than one value, else one part; ``within=[]`` is one part.
    ``.attrs["within"]`` says which.

    >>> s = pd.DataFrame({"area": ["A"] * 4 + ["B"] * 4, "group": ["White", "Black", "Asian", "Mixed"] * 2,
    ...                   "searches": [39, 2, 0, 0, 120, 30, 15, 40]})
    >>> suppress(s, keys=["area", "group"])["searches"].tolist()
    ['[c]', '[c]', 0, 0, '[c]', '[c]', 15, 40]
    >>> kept = suppress(s, keys=["area", "group"], keep={"group": "White"})
    >>> kept["searches"].tolist(), kept.attrs["keep"]["applied"], kept.attrs["zeros_hidden"]
    ([39, '[c]', '[c]', 0, 120, '[c]', '[c]', 40], True, 1)

    Area A's Black 2 is protected by its Asian 0, hidden (a reader knows Black + Asian = 2, and Black
    can be anything from 0 to 2), and area B's cells, with both White counts published.

    Hidden cells show ``marker`` (``marker=None``: missing values, keeping numeric columns
    numeric). A missing count (NaN, e.g. suppressed at source) is outside every total: neither
    protected nor protection; a :class:`SaferstatsWarning` names it (``.attrs["missing_counts"]``),
    since published totals that include it give it back. ``.attrs["suppression"]`` lists each hidden cell and the rule (primary, secondary,
    derived), ``.attrs["roles"]`` the column roles (and ``"sums"``, the sum columns found) and
    ``.attrs["rule"]`` the rule; the result's ``.attrs`` are these only (a reader's, which describe
    the table as read and its counts, are not carried over). In a :func:`saferstats.before_after`
    table with ``population=``, each period's detentions less a share's denominator is the period's
    unknown outcomes or places not known: where that is small the period's detentions are hidden,
    and the detention rates and their ratio with them; a :class:`SaferstatsWarning` and
    ``.attrs["notes"]`` (present only then) say which, why and what to do (merge periods, or publish
    the rates and the shares apart: one or the other), as :func:`saferstats.s136_summary`'s notes do. A small count
    that cannot be protected (a total equal to one cell, or whose partners are known zeros)
    raises a :class:`SaferstatsWarning` and is listed in ``.attrs["unprotected"]``.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"area": ["A", "B", "C", "D"], "s2": [3, 40, 25, 52], "s3": [12, 19, 30, 44],
    ...                   "informal": [20, 33, 41, 60]})
    >>> suppress(t)
      area   s2   s3 informal
    0    A  [c]  [c]       20
    1    B   40   19       33
    2    C  [c]  [c]       41
    3    D   52   44       60

    A rates table: the rate and its limits go with the count (else count = rate × population):

    >>> import saferstats
    >>> r = saferstats.add_rates(pd.DataFrame({"area": ["A", "B", "C"], "count": [3, 40, 52],
    ...                          "population": [900, 1000, 1200]}), count="count", population="population")
    >>> suppress(r.round(1))[["area", "count", "population", "rate", "lower", "upper"]]
      area count  population    rate   lower   upper
    0    A   [c]         900     [c]     [c]     [c]
    1    B   [c]        1000     [c]     [c]     [c]
    2    C    52        1200  4333.3  3236.1  5682.7

    Two forces' searches by month and group: by default each group's month summed over the two
    forces is taken as published, and force B's counts hide with A's; declaring the totals that
    are published (each force's month, each force's group) leaves B's published:

    >>> s = pd.DataFrame({"force": ["A"] * 4 + ["B"] * 4, "month": ["2020-01", "2020-01", "2020-02", "2020-02"] * 2,
    ...                   "group": ["Black", "White"] * 4, "searches": [2, 50, 30, 60, 40, 70, 35, 80]})
    >>> suppress(s, keys=["force", "month", "group"])["searches"].tolist()
    ['[c]', '[c]', '[c]', '[c]', '[c]', '[c]', '[c]', '[c]']
    >>> suppress(s, keys=["force", "month", "group"],
    ...          published_totals=[["force", "month"], ["force", "group"]])["searches"].tolist()
    ['[c]', '[c]', '[c]', '[c]', 40, 70, 35, 80]
    """
    if not isinstance(table, pd.DataFrame):
        raise InvalidInputError(f"`table` must be a pandas DataFrame, got {type(table).__name__}", "table")
    # the table's cells, shared, without its .attrs: the result's attrs are its own (below), and pandas
    # deep-copies a frame's attrs into every column read from it (a reader's list every dropped cell:
    # read_mha_annual's slice by ICB was deep-copied 60 times a call, until session 34)
    table = bare(table)
    for name, v in (("threshold", threshold), ("round_to", round_to)):
        if v is None and name == "round_to":
            continue
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v) or v <= 0:
            raise InvalidInputError(f"`{name}` must be a positive number, got {v!r}", name)
    if rounding is not None and (isinstance(rounding, (bool, np.bool_)) or not isinstance(rounding, numbers.Integral)
                                 or rounding < 1):
        raise InvalidInputError(f"`rounding` must be a whole number of 1 or more (the base the published parts of "
                                f"the named totals were rounded to: 5, 10, 50, 100; 1 for counts not rounded) or None "
                                f"(read from the parts), got {rounding!r}", "rounding")
    if rounding is not None and totals is None:
        raise InvalidInputError(f"`rounding={rounding}` states the rounding of the parts of the totals named in "
                                "`totals=`, and no totals are named: name them (totals={'<total label>': [<parts>]}), "
                                "or leave `rounding` out", "rounding")
    for name, v in (("secondary", secondary), ("zeros", zeros)):
        if not isinstance(v, (bool, np.bool_)):
            raise InvalidInputError(f"`{name}` must be True or False, got {v!r}", name)
    if marker is not None and not isinstance(marker, str):
        raise InvalidInputError(f"`marker` must be a string or None, got {marker!r}", "marker")
    roles = column_roles(table, columns=columns, derived=derived, other=other)
    within_cols = None if within is None else ([within] if isinstance(within, str) else list(within))
    if within_cols is not None:
        no_col = [c for c in within_cols if c not in table.columns]
        if no_col:
            raise InvalidInputError(f"`within` must name columns of the table (the part a reader may be given "
                                    f"alone, e.g. 'force'), or be [] for one part; no {_columns(no_col)}", "within")
    by_list = None if keys is None else ([keys] if isinstance(keys, str) else list(keys))
    if by_list is not None:
        missing = [c for c in by_list if c not in table.columns]
        if missing:
            raise InvalidInputError(f"`keys`: the table has no {_columns(missing)}", "keys")
    if reference is not None and (not isinstance(reference, Mapping) or any(c not in table.columns for c in reference)):
        raise InvalidInputError(f"`reference` must map column names of the table to values, got {reference!r}",
                                "reference")
    total_rows = None if totals is None else _total_rows(table, totals)
    declared = _declared_totals(published_totals, by_list)
    counts = roles["counts"]
    n = len(table)
    vals = {c: _as_counts(table, c, marker) for c in counts}
    cells = Cells()
    cell_of: dict[Any, np.ndarray] = {}
    key_cols = by_list if by_list is not None else _keys(table, roles)
    keys = key_cols
    strata = [c for c in keys if str(c).lower() not in _CATEGORY_NAMES]
    unique = n > 0 and bool(keys) and not table.duplicated(subset=keys).any()
    # row groups whose totals are taken as published: every key summed out given the others
    # (rows identified only by position: the totals over all rows of each key group)
    # (keys that name the same rows, explicit keys=["force", "period", "force_code"], are summed out together:
    # one at a time, each "total" over the forces given a force's code was that force's count, and each
    # period's total over the forces was in no relation, until session 32; inferred keys keep one of them)
    margin_groups = ([_groups(table, [c for c in keys if c not in same]) for same in _summed_together(table, keys)]
                     if unique else [_groups(table, keys)])
    # a before/after table of Section 136 measures (kind x measure): its kinds are different tables of
    # the same detentions, not parts of a whole, and its rate rows (conversion, admission, nfa) overlap
    # the outcomes: no total over kinds, nor over the rate rows, is published (assuming them pinned
    # the NFA count, which then was left "unprotectable" and given back by the outcome total)
    not_parts = _not_parts(table, keys)
    if not_parts is not None and unique:
        margin_groups = []
        for k in keys:
            if k == "kind":
                continue
            g = _groups(table, [c for c in keys if c != k]).copy()
            g[not_parts] = g.max() + 1 + np.arange(int(not_parts.sum()))
            margin_groups.append(g)

    # a monthly table over more than one financial year: each complete financial year's total (given
    # the other keys) is published too (the Home Office's force x ethnicity table, NHS England's annual
    # figures, ONS's year ending March), a finer relation than the total over all the months; without
    # it a count hidden in one year whose only partner was in the other was that year's total less the
    # year's published months (docs/methods/disclosure.md E7)
    if unique and not_parts is None:
        margin_groups += financial_year_groups(table, keys) + _calendar_year_groups(table, keys)
    # several periods in one call: the default takes the totals across them as published (each council's
    # total over two Defra years), which a table published year by year does not give: say so, with the
    # call for per-period totals only (name checks only: costs nothing). Where the caller names `keys`
    # (the report's sections do, their notes would carry it) the documented default stands unsaid
    period_keys = [k for k in keys if re.sub(r"\W+", "_", str(k).strip().lower()).strip("_") in _PERIOD_KEY_NAMES]
    if by_list is None and declared is None and unique and not_parts is None and period_keys \
            and len(period_keys) < len(keys):
        many = [k for k in period_keys if table[k].nunique(dropna=False) > 1]
        if many:
            per_period = per_period_totals(table, keys, period_keys)
            warn_user(f"suppress: {table[many[0]].nunique(dropna=False)} periods in {many[0]!r}: by default the "
                      f"totals across them (each total over {many!r} given the other keys) are taken as published, "
                      "more than a table published period by period gives (small counts alone in such a total are "
                      "reported unprotected, and it costs time). If totals are published per period only, say so: "
                      f"suppress(table, keys={list(keys)!r}, published_totals={per_period!r}); to keep the "
                      "totals across periods and silence this, name every published total in `published_totals`")
    if declared is not None:  # the caller's published totals instead (keys given, checked above)
        if table.duplicated(subset=keys).any():
            raise InvalidInputError(f"`published_totals`: the keys {keys} do not identify the rows (repeated "
                                    "rows)", "published_totals")
        margin_groups = [_groups(table, d) for d in declared]
        for d in declared:  # each complete financial and calendar year of a declared total over a key of periods
            for k in keys:
                if k not in d and _period_spans(table[k]) is not None:
                    given = pd.DataFrame({"_given": _groups(table, d).astype(str), "_month": table[k].to_numpy()})
                    margin_groups += (financial_year_groups(given, ["_given", "_month"])
                                      + _calendar_year_groups(given, ["_given", "_month"]))

    def add_margins(ids: np.ndarray) -> None:
        for g in margin_groups:
            order = np.argsort(g, kind="stable")
            bounds = np.flatnonzero(np.diff(g[order])) + 1
            for part in np.split(ids[order], bounds):
                members = np.unique(part)
                if len(members) > 1:
                    cells.margin([int(x) for x in members])

    # year_on_year: count_to of one row is count_from of the next period's row (one cell)
    yoy = {"count_from", "count_to"} <= set(counts) and {"period_from", "period_to"} <= set(table.columns)
    if yoy:
        ykeys = [c for c in keys if c not in ("period_from", "period_to")]
        kt = [tuple(r) for r in table[ykeys].astype(str).itertuples(index=False)] if ykeys else [()] * n
        ids: dict[tuple[Any, ...], int] = {}
        cf, ct = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
        for i in range(n):
            for arr, per, col in ((cf, "period_from", "count_from"), (ct, "period_to", "count_to")):
                key = (kt[i], str(table[per].iloc[i]))
                v = vals[col][i]
                if key in ids:
                    old = cells.values[ids[key]]
                    if not (np.isnan(v) and np.isnan(old)) and old != v:
                        raise InvalidInputError(
                            f"row {i}: {col} = {v:g} but period {key[1]} has {old:g} in another row", col, i)
                else:
                    ids[key] = cells.add(v)
                arr[i] = ids[key]
        cell_of["count_from"], cell_of["count_to"] = cf, ct
        by_key: dict[tuple[Any, ...], list[int]] = {}
        by_period: dict[str, list[int]] = {}
        for (k, per), cid in ids.items():
            by_key.setdefault(k, []).append(cid)
            by_period.setdefault(per, []).append(cid)
        for group in (*by_key.values(), *by_period.values()):
            cells.margin(group)
        rest = [c for c in counts if c not in ("count_from", "count_to")]
    else:
        rest = list(counts)
    # before_after with a population: each period's detentions, one number repeated on every row,
    # of which each denominator (assessed, known place) is a part (their difference is the unknown
    # outcomes or places not known of the period); handled below, not as a column of counts
    period_totals = [c for c in ("pre_detentions", "post_detentions") if c in rest and f"{c[:-len('detentions')]}n" in rest
                     and len(np.unique(vals[c][~np.isnan(vals[c])])) == 1 and not np.isnan(vals[c]).any()]
    rest = [c for c in rest if c not in period_totals]

    # numerator / denominator pairs
    pairs = [(a, b) for a, b in _PAIRS if a in rest and b in rest]
    used = {c for p in pairs for c in p}
    for num, den in pairs:
        over = np.flatnonzero(vals[num] > vals[den])
        if over.size:
            i = int(over[0])
            raise InvalidInputError(f"row {i}: {num} ({vals[num][i]:g}) is more than {den} ({vals[den][i]:g}), which "
                                    f"counts it", str(num), i)
        cn = np.array([cells.add(v) for v in vals[num]], dtype=np.int64)
        cell_of[num] = cn
        add_margins(cn)
        if den in cell_of:  # a second numerator of the same denominator
            for i in range(n):
                cells.subset(int(cn[i]), int(cell_of[den][i]))
            continue
        found = _find_grouping(table, keys, vals[num], vals[den], by_list)
        if found is not None:
            # exhaustive categories: the denominator is the group total (one cell per group); rows of
            # groups that are not exhaustive (rates beside outcomes) are subsets of their denominator,
            # the same cell as an exhaustive group's with that value when there is exactly one
            grouping, exhaustive = found
            if not_parts is not None:  # rate rows summing to the denominator is a coincidence
                exhaustive = exhaustive & ~not_parts
            g = _groups(table, grouping)
            first: dict[int, int] = {}
            cd = np.empty(n, dtype=np.int64)
            for i in np.flatnonzero(exhaustive).tolist():
                if g[i] not in first:
                    first[g[i]] = cells.add(vals[den][i])
                cd[i] = first[g[i]]
            for gi, tot in first.items():
                cells.sum_to([int(c) for c in cn[(g == gi) & exhaustive]], tot)
            cells.margin(list(first.values()))
            by_value: dict[float, list[int]] = {}
            for tot in first.values():
                by_value.setdefault(cells.values[tot], []).append(tot)
            for i in np.flatnonzero(~exhaustive).tolist():
                same = by_value.get(float(vals[den][i]), [])
                cd[i] = same[0] if len(same) == 1 else cells.add(vals[den][i])
                cells.subset(int(cn[i]), int(cd[i]))
            cell_of[den] = cd
        else:
            cd = np.array([cells.add(v) for v in vals[den]], dtype=np.int64)
            cell_of[den] = cd
            add_margins(cd)
            for i in range(n):
                cells.subset(int(cn[i]), int(cd[i]))
    plain = [c for c in rest if c not in used]
    for c in plain:
        cell_of[c] = np.array([cells.add(v) for v in vals[c]], dtype=np.int64)
        add_margins(cell_of[c])
    for c in period_totals:
        whole = cells.add(vals[c][0])
        cell_of[c] = np.full(n, whole, dtype=np.int64)
        den = f"{c[:-len('detentions')]}n"
        if den in cell_of:
            for part in np.unique(cell_of[den]).tolist():
                cells.subset(int(part), whole)
    if len(period_totals) == 2:  # the detentions of both periods: the total is published (s136_summary)
        cells.margin([int(cell_of[c][0]) for c in period_totals])
    # Section 136 derived totals (conversion = s2 + s3, ...) in a table of measures
    if "measure" in table.columns:
        _measure_totals(table, rest, cell_of, cells)
    not_adding_up: list[dict[str, Any]] = []
    rounded: dict[str, Any] = {}
    if total_rows is not None:
        not_adding_up, rounded = _label_totals(table, key_cols, total_rows, [c for c in counts if c in cell_of],
                                               cell_of, cells, vals, None if rounding is None else int(rounding))
    # a count column that is the sum of others in every row (use of force's mental_health = mental +
    # physical_and_mental, a "Total" column) is tied to its parts: taken for a count of its own it was
    # published beside a hidden part (Hertfordshire's less lethal weapons: 71 beside mental 69 gave
    # back physical and mental, 2)
    sums, unsure = ([], []) if yoy else _column_sums(vals, plain, roles["derived"])
    # tied in the rows where the sum holds (all but a few may: Defra's fly-tipping incidents is the land
    # types' sum in every row but Babergh's of 2014/15); elsewhere its cells are counts of their own
    sums_fail: list[list[Any]] = []  # the rows with values where it does not hold (.attrs["roles"]["sums"])
    for total, parts in sums:
        holds = _sum_holds(vals, total, parts)
        for i in np.flatnonzero(holds).tolist():
            cells.sum_to([int(cell_of[c][i]) for c in parts], int(cell_of[total][i]))
        valued = np.isfinite(np.column_stack([vals[c] for c in (total, *parts)])).all(axis=1)
        sums_fail.append([table.index[i] for i in np.flatnonzero(valued & ~holds).tolist()])
    if unsure:
        warn_user(f"suppress: {'; '.join(unsure)}. A count column that is a sum of others gives a hidden part back "
                  "where it is published: name the sums in `derived=` (blanked with the counts of their row) or leave "
                  "them out")
    # row totals across the counts of a plain table of counts (over the parts: a sum column is tied to
    # them above); none where a sum column is the row total (it is a cell of the table, hidden or not)
    summed = {t for t, _ in sums}
    base = [c for c in plain if c not in summed]
    zero_cols = {c for c in base if not np.nan_to_num(vals[c]).any()}
    whole_row = any(set(base) <= set(parts) | zero_cols for _, parts in sums)
    if len(base) > 1 and not pairs and not yoy and not whole_row:
        for i in range(n):
            cells.margin([int(cell_of[c][i]) for c in base])

    if within_cols is None:  # a table by force: each force may publish its own rows
        within_cols = ["force"] if "force" in key_cols and table["force"].nunique(dropna=False) > 1 else []
    if within_cols:
        cells.parts = _cell_parts(_groups(table, within_cols), cell_of, len(cells.values))
    kept_rows = _keep_rows(table, keep, reference, roles)
    if kept_rows is None:
        reason, unprotected = cells.solve(threshold=threshold, zeros=zeros, secondary=secondary)
        kept: list[int] | None = []
    else:
        keep_ids = [int(cell_of[c][i]) for c in counts for i in np.flatnonzero(kept_rows).tolist()]
        reason, unprotected, kept = cells.solve_keeping(keep_ids, threshold=threshold, zeros=zeros,
                                                        secondary=secondary)
    hidden_cell = reason > 0
    hidden = {c: hidden_cell[cell_of[c]] for c in counts}
    out = table.copy()
    # the result's .attrs are its own: a reader's (read_mha_annual's dropped cells and summary of the whole
    # file, read_use_of_force's national totals) describe the table as read, with the counts it hides
    out.attrs = {}
    log: list[dict[str, Any]] = []
    rounded_to_zero: list[tuple[int, Any, float]] = []  # (row, column, count) published as 0 by round_to
    for c in counts:
        cv = np.asarray(vals[c]).copy()
        shown = ~hidden[c] & ~np.isnan(cv)
        if round_to is not None:
            was = cv.copy()
            cv[shown] = np.floor(cv[shown] / round_to + 0.5) * round_to
            for i in np.flatnonzero(shown & (was > 0) & (cv == 0)).tolist():
                rounded_to_zero.append((i, c, float(was[i])))
        integral = bool(np.all(cv[shown] % 1 == 0) and np.all(np.abs(cv[shown]) < 2**53))
        col = pd.Series(np.where(hidden[c], np.nan, cv), index=table.index)
        col = col.astype("Int64") if integral else col
        if hidden[c].any() and marker is not None:
            col = col.astype(object).where(~hidden[c], marker)
        if hidden[c].any() or round_to is not None or not pd.api.types.is_numeric_dtype(table[c]):
            out[c] = col
        for i in np.flatnonzero(hidden[c]).tolist():
            log.append({"row": table.index[i], "column": c, "rule": _REASONS[int(reason[cell_of[c][i]])]})
    row_hidden = np.zeros(n, dtype=bool)
    for c in counts:
        if c not in period_totals:
            row_hidden |= hidden[c]
    # comparisons with a reference row: hidden reference -> the stratum's comparisons go
    comp = [c for c in roles["derived"] if str(c).lower().startswith(_COMPARISON_PREFIXES)]
    blank = {c: row_hidden.copy() for c in roles["derived"]}
    ref = _reference_rows(table, comp, reference) if comp else np.zeros(n, dtype=bool)
    if ref.any() and row_hidden.any():
        gs = _groups(table, strata)
        for gi in np.unique(gs[row_hidden]):
            members = gs == gi
            refs = members & ref
            if not refs.any() or row_hidden[refs].any():
                for c in comp:
                    blank[c] |= members
    shares_of_hidden = _shares_of_hidden_totals(table, key_cols, total_rows or [], counts, vals, hidden,
                                                roles["derived"])
    for c, rows_ in shares_of_hidden.items():
        blank[c] |= rows_
    notes: list[str] = []
    if period_totals:  # the detention rates and their ratio go with their period's detentions, on every row
        gone = {c[:-len("_detentions")]: bool(hidden[c].any()) for c in period_totals}
        went: list[str] = []  # the rate columns hidden with them, for the note
        for c in [*roles["derived"], *roles["other"]]:
            lower_name = str(c).lower()
            period = next((p for p in ("pre", "post") if lower_name.startswith(f"{p}_rate")), None)
            if period is not None or lower_name.startswith("rate_ratio"):
                if (gone.get(period, False) if period else any(gone.values())):
                    went.append(str(c))
                if c in blank:
                    blank[c] = np.full(n, gone.get(period, False) if period else any(gone.values()))
                elif (gone.get(period, False) if period else any(gone.values())):
                    out[c] = pd.Series(marker if marker is not None else np.nan, index=table.index, dtype=object)
        notes = _period_total_notes(table, [c for c in period_totals if hidden[c].any()], cell_of, cells.values,
                                   reason, threshold, went)
        for note in notes:
            warn_user(f"suppress: {note}")
    for c in roles["derived"]:
        b = blank[c] & out[c].notna().to_numpy()
        if b.any():
            out[c] = out[c].astype(object).where(~b, marker) if marker is not None else out[c].where(~b)
            for i in np.flatnonzero(b).tolist():
                log.append({"row": table.index[i], "column": c, "rule": "derived"})
    for c in roles["other"]:
        if c in keys or str(c).lower() in _NOT_COUNT_LABELS or not _is_method_like(table, c):
            continue
        b = row_hidden & out[c].notna().to_numpy()
        if b.any():
            out[c] = out[c].astype(object).where(~b, marker) if marker is not None else out[c].astype(object).where(~b)
            for i in np.flatnonzero(b).tolist():
                log.append({"row": table.index[i], "column": c, "rule": "derived"})
    # notes that say a count in words ("1 search, none with a known outcome": outcome_test's row of a
    # group whose searches all lack an outcome) published the small count the table's own cells hide
    for c in roles["other"]:
        if c in keys or str(c).lower() not in _NOTE_NAMES or pd.api.types.is_numeric_dtype(table[c]):
            continue
        mark = marker if marker is not None else "[c]"
        for i, v in enumerate(out[c].tolist()):
            if isinstance(v, str):
                said = _SMALL_IN_TEXT.sub(lambda m: mark if 0 < int(m.group(0)) < threshold else m.group(0), v)
                if said != v:
                    out[c] = out[c].astype(object)
                    out.iloc[i, out.columns.get_loc(c)] = said
                    log.append({"row": table.index[i], "column": c, "rule": "note"})
    if totals is None and row_hidden.any():
        maybe = _subtotal_candidates(table, key_cols, vals, threshold)
        if maybe:
            warn_user(f"{number_of(len(maybe), 'row')} that may be {'a total' if len(maybe) == 1 else 'totals'} "
                      "of other rows, which would give hidden counts back: "
                      f"{'; '.join(maybe[:4])}{' ...' if len(maybe) > 4 else ''}. If they are, name them: "
                      "totals={'<total label>': ['<part>', ...]}, or totals={'<column>': '<total label>'} where "
                      "every other row of its column is a part; totals={} if the table has no total rows")
    if rounded_to_zero and round_to is not None:
        # (until session 36 silently: round_to=50 published a count of 15 as 0, which reads as none, while
        # every other published 0 is a true zero and the hidden counts are at least 1)
        i, c, v = rounded_to_zero[0]
        warn_user(f"round_to={round_to:g}: {number_of(len(rounded_to_zero), 'count')} at or above the threshold "
                  f"({threshold:g}) rounded to 0, which reads as none (first: {_cell_in_words(table, keys, i, c)}, "
                  f"{v:g}); take a threshold of at least half the base (threshold={round_to / 2:g}) or a smaller base")
    if round_to is not None and roles["derived"]:
        warn_user(f"round_to={round_to:g}: the derived columns {roles['derived']} still come from the unrounded "
                  "counts, from which the exact counts can be worked back; publish them from rounded counts or "
                  "drop them")
    exposed = []
    cells_said: list[str] = []  # each cell in words, for the warning
    unp = set(unprotected)
    for c in counts:
        for i in range(n):
            if int(cell_of[c][i]) in unp:
                exposed.append({"row": table.index[i], "column": c})
                cells_said.append(_cell_in_words(table, keys, i, c))
    if unprotected:
        latent = [u for u in unprotected if cells.kinds[u] == LATENT]
        # (until session 35 as dicts of positions, [{'row': 2, 'column': 'c2'}]: which row is 2?)
        msg = (f"suppress: {number_of(len(exposed), 'small count')} ({'; '.join(cells_said[:5])}"
               f"{' ...' if len(cells_said) > 5 else ''}; all in .attrs['unprotected'])" if exposed else "suppress: ")
        if latent:
            msg += ((" and " if exposed else "")
                    + f"{number_of(len(latent), 'small difference')} between a count and its denominator")
        where = f"the totals assumed known (over {keys})" if keys else "the column totals"
        if secondary:
            msg += f" cannot be protected: {where} give them back whatever else is hidden; merge or drop those rows"
        else:
            msg += f" can be worked back from {where}: secondary suppression is off"
        warn_user(msg)
    for bad in not_adding_up:
        warn_user(bad.pop("message"))
    if rounded.get("message"):
        warn_user(rounded.pop("message"))
    absent = [{"row": table.index[i], "column": c} for c in counts for i in np.flatnonzero(np.isnan(vals[c])).tolist()]
    if absent:
        where = ", ".join(f"row {a['row']!r} {a['column']!r}" for a in absent[:5]) + (" ..." if len(absent) > 5 else "")
        warn_user(f"suppress: {number_of(len(absent), 'count')} {'is' if len(absent) == 1 else 'are'} missing "
                  f"({where}): "
                  "a missing count is taken as outside every "
                  "total, so it is neither protected nor protection for other hidden counts. If it is a count hidden at "
                  "source that published totals still include (NHS England's '*'), those totals give it back: give it "
                  "a value below the threshold (e.g. 1) so it is hidden and protected with the rest (values that add up "
                  "to a total row of the table: else the tie is false, .attrs['totals_not_sums']), or publish no "
                  "totals; listed in .attrs['missing_counts']")
    out.attrs["missing_counts"] = absent
    if total_rows:  # totals named (the reader's "totals_not_adding_up" is of its file, not carried over)
        out.attrs["totals_not_sums"] = not_adding_up
        out.attrs["rounding"] = {k: v for k, v in rounded.items() if k != "message"}
    out.attrs["suppression"] = log
    out.attrs["roles"] = {**roles, "sums": [{"total": t, "parts": list(p)} | ({"not_in_rows": x} if x else {})
                                            for (t, p), x in zip(sums, sums_fail)]}
    out.attrs["unprotected"] = exposed
    if notes:  # why each period's detentions are hidden, and the rates with them (as s136_summary's notes say)
        out.attrs["notes"] = notes
    # zero counts hidden as protection (E6 last resort, or `keep`): a reader can then not take a hidden
    # count as at least 1, and should not (a hidden count may be 0)
    out.attrs["zeros_hidden"] = len({int(cell_of[c][i]) for c in counts for i in range(n)
                                     if hidden[c][i] and vals[c][i] == 0})
    out.attrs["within"] = list(within_cols)
    if kept_rows is not None:
        out.attrs["keep"] = _keep_outcome(table, counts, cell_of, cells, reason, kept, threshold, kept_rows)
    out.attrs["rule"] = (
        f"counts 0 < n < {threshold:g} suppressed{' (zeros too)' if zeros else ''}"
        + ("; secondary suppression until no hidden count can be recovered from totals" if secondary
           else "; no secondary suppression (hidden counts may be recoverable from totals)")
        + ("; derived values of hidden counts blanked" if roles["derived"] else "")
        + (f"; shares of a hidden total blanked on every row of its stratum ({', '.join(map(str, shares_of_hidden))})"
           if shares_of_hidden else "")
        + ("; count columns that are sums of others tied to their parts ("
           + "; ".join(f"{t} = {' + '.join(str(c) for c in p)}"
                       + (f" where it holds (not in {number_of(len(x), 'row')})" if x else "")
                       for (t, p), x in zip(sums, sums_fail)) + ")" if sums else "")
        + (f"; published counts rounded to base {round_to:g}" if round_to else "")
        + (f"; marker {marker!r}" if marker is not None else "; hidden cells missing")
        + (f"; {number_of(len(unprotected), 'cell')} could not be protected" if unprotected else "")
        + ("; the `keep` rows' counts published where no small count becomes recoverable"
           if kept_rows is not None and kept is not None else "")
        + (f"; {number_of(out.attrs['zeros_hidden'], 'zero count')} hidden as protection (a hidden count may be 0)"
           if out.attrs["zeros_hidden"] else "")
        + (f"; hidden counts taken as at least 1 judged within each {' x '.join(map(str, within_cols))}"
           if within_cols else "")
    )
    return out


def _cell_in_words(table: pd.DataFrame, keys: Sequence[Any] | None, i: int, column: Any) -> str:
    """Cell (row position ``i``, ``column``) of ``table`` as a warning names it: the row by its label
    and, where the table has key columns, their values ("row 2 (area 'Total'), column 'c2'")."""
    label = f"row {plain(table.index[i])!r}"
    shown = [k for k in (keys or []) if k in table.columns and k != column]
    if shown:
        label += " (" + ", ".join(f"{k} {plain(table[k].iloc[i])!r}" for k in shown) + ")"
    return f"{label}, column {column!r}"


def _cell_parts(row_part: np.ndarray, cell_of: Mapping[Any, np.ndarray], n_cells: int) -> list[int]:
    """``suppress(within=)``: each cell's part, the part of the rows it is published in; a cell of rows
    in several parts (a total over them), or of none (a latent difference), is a part of its own.

    >>> _cell_parts(np.array([0, 0, 1]), {"n": np.array([0, 1, 2]), "total": np.array([3, 3, 4])}, 6)
    [0, 0, 1, 0, 1, 2]
    """
    rows = np.asarray(row_part, dtype=np.int64)
    ids = [np.asarray(c, dtype=np.int64) for c in cell_of.values()]
    cid = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    g = np.tile(rows, len(ids))
    lo = np.full(n_cells, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(n_cells, -1, dtype=np.int64)
    np.minimum.at(lo, cid, g)
    np.maximum.at(hi, cid, g)
    part = np.where(lo == hi, hi, -1)  # published in rows of one part; else (several, or none) its own
    own = np.flatnonzero(part < 0)
    part[own] = int(rows.max(initial=-1)) + 1 + np.arange(own.size)
    return [int(p) for p in part]


def _keep_rows(table: pd.DataFrame, keep: Any, reference: Mapping[str, Any] | None,
               roles: dict[str, list[Any]]) -> np.ndarray | None:
    """``suppress(keep=)`` checked: the rows whose counts to publish where possible, as a mask.

    >>> t = pd.DataFrame({"group": ["Black", "White"], "searches": [2, 39], "ratio": [0.5, 1.0],
    ...                   "ratio_method": ["exact", "reference"]})
    >>> _keep_rows(t, {"group": "White"}, None, {"derived": ["ratio"]}).tolist()
    [False, True]
    >>> _keep_rows(t, "reference", None, {"derived": ["ratio"]}).tolist()
    [False, True]
    """
    if keep is None:
        return None
    n = len(table)
    if isinstance(keep, str):
        if keep != "reference":
            raise InvalidInputError(f"`keep` must be 'reference', a mapping of columns to values such as "
                                    f"{{'group': 'White'}}, or one True/False per row; got {keep!r}", "keep")
        comp = [c for c in roles["derived"] if str(c).lower().startswith(_COMPARISON_PREFIXES)]
        rows = _reference_rows(table, comp, reference)
        if not rows.any():
            raise InvalidInputError("`keep='reference'`: the table has no reference rows (no `reference` given and "
                                    "no 'reference' method label nor ratio of 1 without limits); name them, e.g. "
                                    "keep={'group': 'White'}", "keep")
        return rows
    if isinstance(keep, Mapping):
        bad = [c for c in keep if c not in table.columns]
        if bad:
            raise InvalidInputError(f"`keep`: the table has no {_columns(bad)}", "keep")
        rows = np.ones(n, dtype=bool)
        for c, v in keep.items():
            rows &= (table[c] == v).to_numpy()
        if n and not rows.any():
            seen = {c: sorted(map(str, table[c].dropna().unique()))[:8] for c in keep}
            raise InvalidInputError(f"`keep={dict(keep)!r}` matches no row (the values there: {seen})", "keep")
        return rows
    mask = np.asarray(keep)
    if mask.shape != (n,) or mask.dtype != bool:
        raise InvalidInputError(f"`keep` as a mask must be one True/False per row ({n}), got "
                                f"{mask.dtype} of shape {mask.shape}", "keep")
    return mask


def _keep_outcome(table: pd.DataFrame, counts: list[Any], cell_of: dict[Any, np.ndarray], cells: Cells,
                  reason: np.ndarray, kept: list[int] | None, threshold: float, rows: np.ndarray) -> dict[str, Any]:
    """``.attrs["keep"]`` of :func:`suppress`: whether the run keeping the rows' counts was used and
    the cells it published that the plain run hid; warns when it was refused."""
    where = {int(cell_of[c][i]): {"row": table.index[i], "column": c} for c in counts for i in range(len(table))}
    if kept is None:
        still = [{"row": table.index[i], "column": c} for c in counts for i in np.flatnonzero(rows).tolist()
                 if reason[cell_of[c][i]] > 0 and cells.values[int(cell_of[c][i])] >= threshold]
        warn_user(f"suppress: publishing the `keep` rows' counts would leave small counts recoverable that the "
                  f"table protects otherwise, so it is protected as without `keep`: {len(still)} of their counts are "
                  f"hidden ({still[:4]}{' ...' if len(still) > 4 else ''}); .attrs['keep']")
        return {"applied": False, "published": []}
    return {"applied": True, "published": [where[i] for i in kept]}


#: Derived totals of Section 136 outcome tables (docs/methods/s136.md D2).
_MEASURE_TOTALS = {"conversion": ("s2", "s3"), "admission": ("informal", "s2", "s3"), "nfa": ("nfa",)}


def _not_parts(table: pd.DataFrame, keys: list[Any]) -> np.ndarray | None:
    """Rows that are not parts of any total in a :func:`before_after`-like table (``kind`` and
    ``measure`` keys, kinds among outcome / rate / place_of_safety): the rate rows. None for
    other tables."""
    if "kind" not in keys or "measure" not in keys:
        return None
    kind = table["kind"].astype(str).to_numpy()
    if not set(kind) <= {"outcome", "rate", "place_of_safety"}:
        return None
    return np.asarray(kind == "rate")


def _period_total_notes(table: pd.DataFrame, hidden_totals: Sequence[Any], cell_of: Mapping[Any, np.ndarray],
                       values: Sequence[float], reason: np.ndarray, threshold: float,
                       went: Sequence[str]) -> list[str]:
    """Why each period's detentions of a :func:`saferstats.before_after` table (``pre_detentions``,
    ``post_detentions``: one number on every row, of which each share's denominator ``pre_n`` /
    ``post_n`` is a part) were hidden by :func:`suppress`, that the detention rates and their ratio
    (``went``, the columns hidden with them) go with them, and what to do instead: the words of
    :func:`saferstats.s136_summary`'s notes, which give no hidden number away (a hidden count is
    known to be below ``threshold``, as ``[c]`` says anyway). One note, or none when nothing of
    the kind is hidden.

    ``hidden_totals`` names the hidden period columns, ``cell_of`` maps each count column to its
    cells (row by row), ``values`` and ``reason`` are the cells' values and rules (1 primary,
    2 secondary, 0 published).

    >>> t = pd.DataFrame({"kind": ["outcome", "outcome", "place_of_safety", "place_of_safety"],
    ...                   "measure": ["s2", "nfa", "a_and_e", "health_based"]})
    >>> cells = {"pre_detentions": np.array([0, 0, 0, 0]), "pre_n": np.array([1, 1, 2, 2])}
    >>> values, reason = [60.0, 57.0, 60.0], np.array([2, 0, 0])   # 3 with an unknown outcome
    >>> print(_period_total_notes(t, ["pre_detentions"], cells, values, reason, 5, ["pre_rate", "rate_ratio"])[0])
    ... # doctest: +NORMALIZE_WHITESPACE
    pre_detentions (the detentions before the split, on every row) hidden: pre_detentions less pre_n of the
    outcome rows (the assessed detentions) would give back the number with an unknown outcome, which is below 5.
    So the detention rates and their ratio, worked out from them, are hidden with them (pre_rate, rate_ratio).
    To publish the rates, merge periods (longer periods, in which those numbers are 0 or at least 5), or publish
    them without the small breakdown: the rates alone (a row of the detentions, populations, rates and ratio)
    or the shares alone (before_after without population=), not both.
    """
    if not hidden_totals:
        return []
    kind = table["kind"].astype(str).to_numpy() if "kind" in table.columns else None
    said = {"pre": "before the split", "post": "from the split"}
    whats = {"outcome": "the number with an unknown outcome", "rate": "the number with an unknown outcome",
             "place_of_safety": "the number whose place of safety is not known"}
    bases = {"outcome": "the assessed detentions", "rate": "the assessed detentions",
             "place_of_safety": "the detentions with a known place of safety"}
    below = f"which is below {threshold:g}"
    parts: list[str] = []
    for c in hidden_totals:
        period = str(c)[:-len("_detentions")]
        den = f"{period}_n"
        whole = int(cell_of[c][0])
        why: list[str] = []
        if reason[whole] == 1:
            why.append(f"there are fewer than {threshold:g}")
        if den in cell_of:
            for part in dict.fromkeys(int(x) for x in cell_of[den]):
                if not 0 < values[whole] - values[part] < threshold or reason[part]:
                    continue  # no small difference, or the denominator is hidden itself
                rows = np.flatnonzero(cell_of[den] == part)
                kinds = list(dict.fromkeys(kind[rows].tolist())) if kind is not None else []
                if kinds and all(k in whats for k in kinds):
                    k_said = " and ".join(kinds)
                    why.append(f"{c} less {den} of the {k_said} rows ({bases[kinds[0]]}) would give back "
                               f"{whats[kinds[0]]}, {below}")
                else:
                    where = ", ".join(repr(table.index[i]) for i in rows[:4]) + (" ..." if len(rows) > 4 else "")
                    why.append(f"{c} less {den} (rows {where}) would give back a small difference, {below}")
        others = [o for o in hidden_totals if o != c]
        if not why and others:
            why.append(f"the detentions of both periods together are taken as published, which with {c} would give "
                       f"back the hidden {others[0]}")
        if not why:
            why.append("with the other published counts it would give back a hidden count (secondary suppression)")
        parts.append(f"{c} (the detentions {said.get(period, period)}, on every row) hidden: " + "; ".join(why))
    note = ". ".join(parts) + "."
    if went:
        note += (f" So the detention rates and their ratio, worked out from them, are hidden with them "
                 f"({', '.join(went)}).")
    note += (f" To publish the rates, merge periods (longer periods, in which those numbers are 0 or at least "
             f"{threshold:g}), or publish them without the small breakdown: the rates alone (a row of the detentions, "
             "populations, rates and ratio) or the shares alone (before_after without population=), not both.")
    return [note]


def _measure_totals(table: pd.DataFrame, counts: list[Any], cell_of: dict[Any, np.ndarray], cells: Cells) -> None:
    """Rows of a ``measure`` column that are sums of other rows (e.g. conversion = s2 + s3 in a
    :func:`before_after` table) are tied to them, per count column."""
    measure = table["measure"].astype(str).to_numpy()
    kind = table["kind"].astype(str).to_numpy() if "kind" in table.columns else np.full(len(table), "")
    where = {(k, m): i for i, (k, m) in enumerate(zip(kind, measure))}
    for total, parts in _MEASURE_TOTALS.items():
        tk = "rate" if "kind" in table.columns else ""
        pk = "outcome" if "kind" in table.columns else ""
        if (tk, total) not in where or not all((pk, p) in where for p in parts):
            continue
        t, ps = where[(tk, total)], [where[(pk, p)] for p in parts]
        if t in ps:
            continue
        for c in counts:
            if c in cell_of:
                cells.sum_to([int(cell_of[c][i]) for i in ps], int(cell_of[c][t]))


def _label_column(table: pd.DataFrame, keys: list[Any], labels: Sequence[Any]) -> Any:
    """The key column (else any column) in which all ``labels`` appear."""
    want = {str(v) for v in labels}
    for c in [*keys, *[c for c in table.columns if c not in keys]]:
        if want <= {str(x) for x in table[c].tolist()}:
            return c
    return None


def _total_rows(table: pd.DataFrame, totals: Any) -> list[tuple[Any, Any, list[Any]]]:
    """``suppress(totals=)`` checked: ``(column or None, total label, part labels)`` for each total.
    ``{label: [parts]}`` names a total by its label and its parts; ``{column: label}`` names a total
    row of ``column`` whose parts are every other row of that column (a table of providers with its
    "All providers" row).

    >>> t = pd.DataFrame({"org": ["A", "B", "All"], "n": [2, 9, 11]})
    >>> _total_rows(t, {"org": "All"}), _total_rows(t, {"All": ["A", "B"]})
    ([('org', 'All', ['A', 'B'])], [(None, 'All', ['A', 'B'])])
    """
    example = ("E.g. {'Other': ['Chinese', 'Any other']} (a total's label to its parts' labels), or "
               "{'org_name': 'All providers'} (a column to the label of its total row: every other row of the "
               "column is a part)")
    if not isinstance(totals, Mapping):
        raise InvalidInputError(f"`totals` must be a mapping; got {totals!r}. {example}", "totals")
    out: list[tuple[Any, Any, list[Any]]] = []
    for k, v in totals.items():
        if isinstance(v, str) or not isinstance(v, Sequence):
            if k not in table.columns:
                col, lab = (v, k) if v in table.columns else (None, v)  # the column and label the other way round
                cols = [col] if col is not None else [c for c in table.columns
                                                      if str(lab) in {str(x) for x in table[c].tolist()}]
                both = col is None and bool(cols) and str(k) in {str(x) for x in table[cols[0]].tolist()}
                call = (f"totals={{{k!r}: [{v!r}, <its other parts>]}}" if both  # two labels: a total and a part
                        else f"totals={{{cols[0]!r}: {lab!r}}}" if cols else f"totals={{{lab!r}: [<its parts' labels>]}}")
                raise InvalidInputError(f"`totals` must map the label of a total row to the labels of its parts, or a "
                                        f"column to the label of its total row; got {k!r}: {v!r}. {example}. For this "
                                        f"table: {call}", "totals")
            labels = [x for x in dict.fromkeys(table[k].tolist())]
            if str(v) not in {str(x) for x in labels}:
                raise InvalidInputError(f"`totals`: column {k!r} has no row labelled {v!r} (its total row)", "totals")
            parts = [x for x in labels if str(x) != str(v) and not pd.isna(x)]
            if not parts:
                raise InvalidInputError(f"`totals`: column {k!r} has no rows besides its total {v!r}", "totals")
            out.append((k, v, parts))
        elif not len(v):
            raise InvalidInputError(f"`totals`: {k!r} has no parts. {example}", "totals")
        else:
            out.append((None, k, list(v)))
    return out


def _decimals(values: np.ndarray) -> int:
    """The fewest decimals (0 to 6) that every value is written to: 79.2 and 5.0 are to 1."""
    for d in range(7):
        if np.all(np.abs(values * 10**d - np.round(values * 10**d)) < 1e-6):
            return d
    return 7


def _shares_of_hidden_totals(table: pd.DataFrame, keys: list[Any], totals: list[tuple[Any, Any, list[Any]]],
                             counts: Sequence[Any], vals: Mapping[Any, np.ndarray], hidden: Mapping[Any, np.ndarray],
                             derived: Sequence[Any]) -> dict[Any, np.ndarray]:
    """Derived columns that are shares of a named total row (``totals=``) hidden in a stratum: each row's
    count over the total's (as a percentage or a fraction, as written to its decimals), so a published
    count beside its published share gives the hidden total back (80 at 79.2% of a hidden "All": 101;
    then a hidden part is "All" less the others), and their confidence limits (at or below the share
    on every row, or at or above it). Returns, per such column, the rows to blank: every row of the
    stratum. Until session 36 a share was blanked only with its own row's counts.

    >>> t = pd.DataFrame({"g": ["A", "B", "All"], "count": [80, 3, 83], "percent": [96.4, 3.6, 100.0]})
    >>> hidden = {"count": np.array([False, True, True])}
    >>> _shares_of_hidden_totals(t, ["g"], [(None, "All", ["A", "B"])], ["count"],
    ...                          {"count": t["count"].to_numpy(float)}, hidden, ["percent"])["percent"].tolist()
    [True, True, True]
    """
    out: dict[Any, np.ndarray] = {}
    n = len(table)
    numeric = [d for d in derived if pd.api.types.is_numeric_dtype(table[d])]
    if not numeric:
        return out
    for given_col, total, parts in totals:
        col = given_col if given_col is not None else _label_column(table, keys, [total, *parts])
        if col is None:
            continue
        labels = np.array([str(x) for x in table[col].tolist()], dtype=object)
        aliases = {k for k in keys if k != col and _attribute(table, col, k) and _attribute(table, k, col)}
        strata = _groups(table, [k for k in keys if k != col and k not in aliases])
        for g in np.unique(strata):
            rows = np.flatnonzero(strata == g)
            t = [int(i) for i in rows if labels[i] == str(total)]
            if len(t) != 1:
                continue
            others = [int(i) for i in rows if i != t[0]]
            for c in counts:
                whole = vals[c][t[0]]
                if not hidden[c][t[0]] or not np.isfinite(whole) or whole <= 0:
                    continue
                for d in numeric:
                    dv = pd.to_numeric(table[d], errors="coerce").to_numpy(dtype=float)
                    ok = [i for i in others if np.isfinite(dv[i]) and np.isfinite(vals[c][i]) and not hidden[c][i]]
                    if not ok:
                        continue
                    tol = 0.5 * 10.0 ** -_decimals(dv[ok]) + 1e-9
                    scale = next((sc for sc in (100.0, 1.0)
                                  if all(abs(dv[i] - sc * vals[c][i] / whole) <= tol for i in ok)), None)
                    if scale is None:
                        continue
                    out.setdefault(d, np.zeros(n, dtype=bool))[rows] = True
                    # its confidence limits (at or below it on every row, or at or above, within 0 to the
                    # scale): with the published count they give the total back as well
                    for d2 in numeric:
                        lv = pd.to_numeric(table[d2], errors="coerce").to_numpy(dtype=float)
                        near = [i for i in ok if np.isfinite(lv[i])]
                        if d2 == d or not near or not all(-tol <= lv[i] <= scale + tol for i in near):
                            continue
                        if all(lv[i] <= dv[i] + tol for i in near) or all(lv[i] >= dv[i] - tol for i in near):
                            out.setdefault(d2, np.zeros(n, dtype=bool))[rows] = True
    return out


def _label_totals(table: pd.DataFrame, keys: list[Any], totals: list[tuple[Any, Any, list[Any]]],
                  counts: list[Any], cell_of: dict[Any, np.ndarray], cells: Cells,
                  vals: Mapping[Any, np.ndarray], rounding: int | None = None
                  ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``totals`` (:func:`_total_rows`): Σ parts = total in every stratum of the other keys, per count
    column. A part absent from a stratum is taken as not there (zero). Returns each total that is not
    the sum of its parts as given (with a ``message``): parts missing (hidden at source) that the total
    less the published parts bounds, or parts that do not add up to it (placeholders, rounding); and the
    rounding base taken (:func:`_parts_rounding`)."""
    found: list[dict[str, Any]] = []
    checks: list[tuple[Any, Any, int, list[int]]] = []  # (column, total, its row, its parts' rows)
    for given_col, total, parts in totals:
        col = given_col if given_col is not None else _label_column(table, keys, [total, *parts])
        if col is None:
            raise InvalidInputError(f"`totals`: no column of the table has all of the labels {[total, *parts]}",
                                    "totals")
        labels = np.array([str(x) for x in table[col].tolist()], dtype=object)
        # a key that is another name of the same row (org_id beside org_name) is no stratum: taken for one,
        # every row was a stratum of its own and the total was tied to nothing, silently
        aliases = {k for k in keys if k != col and _attribute(table, col, k) and _attribute(table, k, col)}
        strata = _groups(table, [k for k in keys if k != col and k not in aliases])
        if given_col is not None:  # every other row a part: a subtotal among them is counted twice
            _refuse_subtotals(table, col, labels, strata, total, parts, counts, vals)
        tied = False
        for g in np.unique(strata):
            rows = np.flatnonzero(strata == g)
            t = [i for i in rows if labels[i] == str(total)]
            ps = [i for i in rows if labels[i] in {str(p) for p in parts} and labels[i] != str(total)]
            if len(t) != 1 or not ps:
                continue
            tied = True
            for c in counts:
                cells.sum_to([int(cell_of[c][i]) for i in ps], int(cell_of[c][t[0]]))
                checks.append((c, total, int(t[0]), [int(i) for i in ps]))
        if not tied:
            raise InvalidInputError(f"`totals`: the total {total!r} (column {col!r}) has no part in its stratum of the "
                                    f"other keys {[k for k in keys if k != col]} in any row: name the keys (`keys=`) so "
                                    "that a total and its parts differ only in that column", "totals")
    # the rounding base of the table's published parts, all of them (every total, stratum and count column):
    # read from one total's parts in one stratum, a table rounded to 5 whose parts in one stratum happened to
    # be multiples of 10 was taken there as rounded to 10 (until session 31)
    rounded = _parts_rounding(table, checks, vals, rounding)
    base = rounded["base"]
    for c, total, t_row, part_rows in checks:
        bad = _total_check(table, c, total, t_row, part_rows, vals[c], base, stated=rounding is not None)
        if bad is not None:
            found.append(bad)
    if not found:  # the base decides no figure: nothing to say
        rounded.pop("message", None)
    return found, rounded


#: the next base down from each rounding base :func:`_rounding_base` reads (counts rounded to it are all
#: multiples of the larger one by chance, one time in (larger / it) ** parts)
_BASE_BELOW = {100: 50, 50: 10, 10: 5}


def _parts_rounding(table: pd.DataFrame, checks: Sequence[tuple[Any, Any, int, list[int]]],
                    vals: Mapping[Any, np.ndarray], rounding: int | None) -> dict[str, Any]:
    """The rounding base of the named totals' published parts (``.attrs["rounding"]``): ``base`` (None for
    counts not rounded), ``stated`` (``rounding=`` given) and ``parts`` (the published parts not 0). A stated
    base is checked (a part that is not a multiple of it is refused, naming its column and row); else it is
    read from the parts (:func:`_rounding_base`), and where counts rounded to the next base down would all be
    multiples of it by chance one time in 100 or more (two parts rounded to 10 are multiples of 50 one time in
    25), a ``message`` says so with the keyword that states it."""
    # each published part once: a row that is a part of two named totals (totals={"A": ["x", "y"], "B": ["x", "z"]})
    # was counted twice, and the chance figure said 4 parts and one time in 16 for 3 parts, one time in 8
    every = list(dict.fromkeys((c, i) for c, _, _, part_rows in checks for i in part_rows if np.isfinite(vals[c][i])))
    values = np.array([vals[c][i] for c, i in every], dtype=float)
    k = int(np.count_nonzero(values))
    if rounding is not None:
        bad = np.flatnonzero(values % rounding != 0)
        if bad.size:
            c, i = every[int(bad[0])]
            raise InvalidInputError(f"`rounding={rounding}`: the published parts of the named totals are not all "
                                    f"multiples of {rounding}: {c!r} is {values[bad[0]]:g} in row {table.index[i]!r} "
                                    f"({number_of(int(bad.size), 'part')} not a multiple). State the base the "
                                    "publication rounds to, or leave `rounding` out to read it from the parts",
                                    "rounding", table.index[i], position=i)
        return {"base": rounding if rounding > 1 else None, "stated": True, "parts": k}
    base = _rounding_base(values)
    out: dict[str, Any] = {"base": base, "stated": False, "parts": k}
    below = _BASE_BELOW.get(base or 0)
    if base is not None and below is not None and (below / base) ** k >= 0.01:
        out["message"] = (f"suppress: `totals`: the {number_of(k, 'published part')} of the named totals not 0 "
                          f"{'is a multiple' if k == 1 else 'are all multiples'} of {base}, so the ranges given for "
                          f"the totals' missing parts take them as rounded to {base} (± {base // 2} each); counts "
                          f"rounded to {below} are so by chance "
                          f"one time in {round((base / below) ** k):,}. If the publication rounds to another base, "
                          f"say so: suppress(..., rounding={below}) (or the base it uses; rounding=1 for counts not "
                          "rounded)")
    return out


def _refuse_subtotals(table: pd.DataFrame, col: Any, labels: np.ndarray, strata: np.ndarray, total: Any,
                      parts: Sequence[Any], counts: Sequence[Any], vals: Mapping[Any, np.ndarray]) -> None:
    """``totals={col: total}`` with subtotal rows among the other rows (:func:`_column_subtotals`):
    refused where the counts show them (the call to write instead in the message), warned of where only
    their labels say a total."""
    subs, labelled, sure = _column_subtotals(labels, strata, str(total), [str(p) for p in parts], counts, vals)
    named = {str(p): p for p in parts}
    if subs:
        leaves = [p for p in parts if str(p) not in subs]
        call = "totals={" + ", ".join([f"{total!r}: {leaves!r}"] + [
            f"{named[s_]!r}: " + (repr([named[x] for x in sub]) if sub else "[<its parts>]") for s_, sub in subs.items()]) + "}"
        where = np.flatnonzero(labels == str(total))[0]
        at = np.flatnonzero((strata == strata[where]) & np.isin(labels, list(named)))
        c = counts[0]
        def fig(lab: str) -> str:  # its count beside the total's (none where it is not in the total's stratum)
            i = np.flatnonzero((labels == lab) & (strata == strata[where]))
            return f" ({vals[c][i[0]]:g})" if i.size and np.isfinite(vals[c][i[0]]) else ""

        said = "; ".join(f"{named[s_]!r}{fig(s_)}"
                         + (" = " + " + ".join(repr(named[x]) for x in sub) if sub else " is labelled a total")
                         for s_, sub in subs.items())
        msg = (f"`totals`: {col!r}: {total!r} takes every other row of {col!r} as a part, but {said}: "
               f"{'a subtotal' if len(subs) == 1 else 'subtotals'}, counted twice (the other rows' {c!r} add up to "
               f"{np.nansum(vals[c][at]):g} against the total's {vals[c][where]:g} in row {table.index[where]!r}), "
               f"and the audit would tie a sum that does not hold. Name the total and each subtotal by their parts: "
               f"{call}")
        if sure:
            raise InvalidInputError(msg, "totals")
        warn_user(msg.replace(", but ", ", but it may be that ", 1)
                  + " (shown by one sum only, which may match by chance: check the table)")
        return
    if labelled:
        warn_user(f"`totals`: {col!r}: {total!r} takes every other row of {col!r} as a part, and {labelled[:5]} "
                  f"{'is' if len(labelled) == 1 else 'are'} labelled like a total (a subtotal would be counted twice; "
                  "the counts cannot tell). If so, name the total and each subtotal by their parts: "
                  f"totals={{{total!r}: [<its parts, no subtotal>], {named[labelled[0]]!r}: [<its parts>]}}")


def _column_subtotals(labels: np.ndarray, strata: np.ndarray, total: str, parts: Sequence[str],
                      counts: Sequence[Any], vals: Mapping[Any, np.ndarray]
                      ) -> tuple[dict[str, list[str]], list[str], bool]:
    """Subtotal rows among the parts of a total named by its column (``totals={column: label}``, every
    other row a part), which would be counted twice: ``(found, labelled, sure)``. ``found`` maps each
    subtotal to its parts (``[]`` where they are not found), for a set of one to three part rows whose
    sum is the parts' sum less the total in every stratum and count column where all have a value,
    each itself the sum of two to four other parts there (none of them 0 throughout) or labelled like
    a total (a total word, or a word of the total's label: "NHS providers" beside "All providers").
    ``sure``: each is labelled so, or not 0 in two or more strata or count columns (one small sum
    can match by chance: 2 = 1 + 1 among placeholders). ``labelled``: parts labelled like a total
    that the counts do not show to be parts (none where the parts add up to the total).

    >>> lab = np.array(["A", "B", "C", "NHS providers", "All providers"], dtype=object)
    >>> v = {"n": np.array([30.0, 20.0, 7.0, 50.0, 57.0])}
    >>> _column_subtotals(lab, np.zeros(5), "All providers", ["A", "B", "C", "NHS providers"], ["n"], v)
    ({'NHS providers': ['A', 'B']}, [], True)
    """
    from itertools import combinations

    total_words = label_words(total) - _TOTAL_WORDS
    pool = list(dict.fromkeys(str(p) for p in parts))
    like_total = [p for p in pool if label_words(p) & (_TOTAL_WORDS | total_words)]
    rows, excess = [], []
    in_pool = set(pool)
    for g in np.unique(strata):
        at = np.flatnonzero(strata == g)
        t = [int(i) for i in at if labels[i] == total]
        ps = {str(labels[i]): int(i) for i in at if labels[i] in in_pool}
        if len(t) != 1 or len(ps) < 3:
            continue
        for c in counts:
            v = vals[c]
            if np.isfinite(v[t[0]]) and all(np.isfinite(v[i]) for i in ps.values()):
                rows.append([float(v[ps[p]]) if p in ps else np.nan for p in pool])
                excess.append(sum(float(v[i]) for i in ps.values()) - float(v[t[0]]))
    if not rows:
        return {}, like_total, False
    m, ex = np.array(rows), np.array(excess)
    if np.all(np.abs(ex) < 1e-9):
        return {}, [], False
    z = np.nan_to_num(m)
    here = np.isfinite(m)

    def parts_of(j: int, rest: list[int]) -> list[int] | None:
        ok = here[:, j]
        rest = [i for i in rest if z[ok, i].any()]  # a part 0 wherever j is makes any sum one more way
        for k in (2, 3, 4):
            if len(rest) > (60, 40, 25)[k - 2]:
                break
            for combo in combinations(rest, k):
                if ok.any() and np.all(np.abs(z[ok][:, list(combo)].sum(axis=1) - z[ok, j]) < 1e-9):
                    return list(combo)
        return None

    order = sorted(range(len(pool)), key=lambda j: pool[j] not in like_total)
    for k in (1, 2, 3):
        if len(pool) > (200, 80, 40)[k - 1]:
            break
        for combo in combinations(order, k):
            if not np.all(np.abs(z[:, list(combo)].sum(axis=1) - ex) < 1e-9):
                continue
            rest = [j for j in range(len(pool)) if j not in combo]
            found: dict[str, list[str]] = {}
            for j in combo:
                sub = parts_of(j, rest)
                if sub is None and pool[j] not in like_total:
                    break
                found[pool[j]] = [pool[i] for i in sub or []]
            else:
                sure = all(pool[j] in like_total or np.count_nonzero(z[:, j]) >= 2 for j in combo)
                return found, [p for p in like_total if p not in found], sure
    return {}, like_total, False


_ROUNDING_BASES = (100, 50, 10, 5)


def _rounding_base(values: np.ndarray) -> int | None:
    """The base published counts look rounded to: the largest of 100, 50, 10 and 5 of which every
    count with a value is a multiple, two or more of them not 0 (else None: too few to tell). NHS
    England rounds to 5, others to 10, 50 or 100; counts that are all multiples of 10 are taken as
    rounded to 10 (a reader who knows only the counts can take no narrower bound). :func:`suppress`
    reads it from every published part of the named totals in the table, not one total's (a table
    rounded to 5 is so in every stratum, whichever happen to be multiples of 10).

    >>> _rounding_base(np.array([160.0, 215.0])), _rounding_base(np.array([160.0, 210.0, np.nan]))
    (5, 10)
    >>> _rounding_base(np.array([160.0, 213.0])), _rounding_base(np.array([0.0, 210.0]))
    (None, None)
    >>> _rounding_base(np.array([1200.0, 3400.0])), _rounding_base(np.array([1250.0, 3400.0]))
    (100, 50)
    """
    v = values[np.isfinite(values)]
    if np.count_nonzero(v) < 2:
        return None
    return next((b for b in _ROUNDING_BASES if bool(np.all(v % b == 0))), None)


def _total_check(table: pd.DataFrame, c: Any, label: Any, t: int, ps: Sequence[int],
                 v: np.ndarray, base: int | None, *, stated: bool = False) -> dict[str, Any] | None:
    """A total row ``t`` of column ``c`` against its parts ``ps``: None where it is their sum, else what a
    reader learns (``missing_sum``: the range of the missing parts' sum, each part's count taken as
    rounded to ``base``, the table's (:func:`_rounding_base` of all its published parts: 100, 50, 10, 5
    or none), so within ± ``base // 2`` of the true count, ± 5 a part rounded to 10, ± 2 to 5 (NHS
    England's); the total too where it is a multiple of ``base``). A total of 380 less parts 160 and 210
    rounded to 10 leaves 10 for the missing parts, give or take 5 + 5 + 5: 0 to 25 (taken as rounded to 5
    until session 30, 4 to 16, too narrow); in a table rounded to 5, 4 to 16 (taken as rounded to 10
    there, from that total's parts alone, until session 31)."""
    tv = float(v[t])
    if not np.isfinite(tv):
        return None
    pv = np.array([v[i] for i in ps], dtype=float)
    given = np.isfinite(pv)
    s = float(pv[given].sum())
    missing = [table.index[ps[j]] for j in np.flatnonzero(~given).tolist()]
    if not missing and abs(tv - s) < 1e-9:
        return None
    each = float(base // 2) if base else 0.0
    total_rounded = base is not None and tv % base == 0
    slack = each * int(given.sum()) + (each if total_rounded else 0.0)
    low, high = max(0.0, tv - s - slack), tv - s + slack
    head = (f"`totals`: {label!r} (row {table.index[t]!r}) {c!r} {tv:g} less its "
            f"{number_of(int(given.sum()), 'part')} with a count ({s:g})")
    how = ((f"; the parts rounded to {base} (rounding={base}), ± {each:g} each" if stated else
            f"; the table's published parts are all multiples of {base} (taken as rounded to {base}, ± {each:g} each")
           + f"{', the total too' if total_rounded else ''}{'' if stated else ')'}" if base else "")
    if missing and high < 0:  # no sum of counts >= 0 makes it: not a bound (0 to -30 until session 30)
        msg = (f"`totals`: {label!r} (row {table.index[t]!r}) {c!r} {tv:g}: its "
               f"{number_of(int(given.sum()), 'part')} with a count {'adds' if int(given.sum()) == 1 else 'add'} up to "
               f"{s:g}, {s - tv:g} more, before its {number_of(len(missing), 'part')} missing a count "
               f"(rows {missing[:5]}{' ...' if len(missing) > 5 else ''}){how}: they are not its parts as "
               "given (a subtotal among them counted twice, or counts that do not add up), and the audit ties a sum "
               "that does not hold. Name the total by its parts' labels (no subtotal), or leave the total row out and "
               "say totals={} (.attrs['totals_not_sums'])")
    elif missing:
        msg = (f"{head} leaves {tv - s:g} for its {number_of(len(missing), 'part')} missing a count (rows {missing[:5]}"
               f"{' ...' if len(missing) > 5 else ''}){how}: a reader of the published total knows their sum is "
               f"{low:g} to {high:g}, so each is at most {high:g}. A missing count is outside the audit: give the true "
               "counts where you have them (.attrs['totals_not_sums'])")
    else:
        within = f" (within the rounding, ± {slack:g})" if base and abs(tv - s) <= slack else ""
        msg = (f"{head} is {tv - s:+g} off{within}: the total is not the sum of its parts as given{how}, but the audit "
               "ties them (a hidden part protected as if it were exactly the total less the rest), so it protects "
               "against a relation that does not hold. Placeholder values for counts hidden at source (or rounded "
               "counts) do this. Give the true counts, or "
               "leave the total row out and say totals={} (.attrs['totals_not_sums'])")
    return {"row": table.index[t], "column": c, "total": tv, "parts_sum": s, "missing": missing,
            "rounded_to": base, "missing_sum": (low, high) if missing and high >= 0 else None, "message": msg}


def _subtotal_candidates(table: pd.DataFrame, keys: list[Any], vals: dict[Any, np.ndarray],
                         threshold: float) -> list[str]:
    """Rows whose count is exactly a small count (0 < n < threshold) of its stratum plus one to
    three other rows of it, where the labels say it may be a total (``All``, ``Total``, or a word
    shared with a part: ``Mixed`` and ``Any other Mixed background``): possible subtotals
    (``"'Other Ethnic Groups' (461) = 'Chinese' 38 + 'Any Other Ethnic Group' 423"``). Sums
    that only happen to match among unrelated labels are not reported, nor among a column's areas
    of one kind (:func:`_one_kind_of_area`): "South Derbyshire" shares a word with "Derbyshire
    Dales" but is no total of it (police.uk Derbyshire by CSP, Dec 2019 - Feb 2020, Asian: 3 = 2 +
    1, Chesterfield's and Derbyshire Dales'), so there only ``All`` / ``Total`` labels say a total.
    An authority beside districts it was made of (:func:`_merged_into`) may be their total whatever
    its words: "West Suffolk" (2019) 5 = "Forest Heath" 2 + "St Edmundsbury" 3 (until session 29 not
    said: no word shared); and a broad ethnic group of the Census / NHS England may be a total of its own
    detailed groups (:func:`_ethnic_group`) whatever their words, never of another group's: "Black or
    Black British" 8 = "Caribbean" 3 + "African" 5 (until session 36 not said: no word shared)."""
    from itertools import combinations

    found: list[str] = []
    for col in keys:
        labels = np.array([str(x) for x in table[col].tolist()], dtype=object)
        # ("British" is in two of the five broad groups, "Asian or Asian British" and "Black or Black British",
        # neither of which totals the other: Black 8 = Mixed 5 + Asian 3 was said to be a total until session 36)
        words = [label_words(x) - {"british"} for x in labels]
        if _one_kind_of_area(labels.tolist()):  # areas side by side: a word they share says no total
            words = [w & _TOTAL_WORDS for w in words]
        keyed = [x.strip().casefold() for x in labels]
        became = [_merged_into().get(x, frozenset()) for x in keyed]  # a former district's later authorities

        spans = [age_band_span(x) for x in labels]
        ethnic = [_ethnic_group(x) for x in labels]

        def related(t: int, parts: Sequence[int]) -> bool:
            whole = ethnic[t]
            if whole is not None and whole[0] == "broad" and all(ethnic[i] is not None for i in parts):
                # a broad ethnic group is a total of its own detailed groups whatever their words ("Black or
                # Black British" 8 = "Caribbean" 3 + "African" 5 was not said, no word shared, until session 36),
                # and of no other group's
                return all(e is not None and e[0] == "detailed" and whole[1] <= e[1]
                           for e in (ethnic[i] for i in parts))
            if spans[t] is not None and all(spans[i] is not None for i in parts):
                # age bands: a total of bands is a band that holds them ("Under 18" of "15 and under" and
                # "16 to 17"), not one sharing a word ("50 to 64" = "15 and under" + "16 to 17" was said
                # to be a total, on the word "to", until session 36)
                return all(spans[t][0] <= spans[i][0] and spans[i][1] <= spans[t][1]  # type: ignore[index]
                           for i in parts)
            return (bool(words[t] & _TOTAL_WORDS) or any(words[t] & words[i] - _TOTAL_WORDS for i in parts)
                    or any(keyed[t] in became[i] for i in parts))

        strata = _groups(table, [k for k in keys if k != col])
        for c, v in vals.items():
            for g in np.unique(strata):
                rows = [int(i) for i in np.flatnonzero(strata == g) if np.isfinite(v[i]) and v[i] > 0]
                if len(rows) < 3 or len(rows) > 80:
                    continue
                small = [i for i in rows if v[i] < threshold]
                for t in rows:
                    if not any(related(t, [i]) for i in rows if i != t):
                        continue  # no label it could total: `related` is False for every part
                    for s_ in small:
                        if s_ == t or v[s_] >= v[t]:
                            continue
                        rest = [i for i in rows if i not in (t, s_) and v[i] < v[t]]
                        need = v[t] - v[s_]
                        hit = None
                        for k in (1, 2, 3):
                            if k == 3 and len(rest) > 40:
                                break
                            hit = next((combo for combo in combinations(rest, k)
                                        if abs(sum(v[i] for i in combo) - need) < 1e-9
                                        and related(t, (s_, *combo))), None)
                            if hit is not None:
                                break
                        if hit is not None:
                            parts = sorted((s_, *hit))
                            found.append(f"{labels[t]!r} ({v[t]:g}) = " + " + ".join(
                                f"{labels[i]!r} {v[i]:g}" for i in parts))
                            break
                found += _total_but_unknown(labels, words, np.flatnonzero(strata == g).tolist(), rows, v, threshold)
    return list(dict.fromkeys(found))


_BAND_RANGE = re.compile(r"^(\d+)\s*(?:-|–|—|to)\s*(\d+)$")
_BAND_UNDER = re.compile(r"^(?:under|below|less than|younger than|<)\s*(\d+)$")
_BAND_N_UNDER = re.compile(r"^(\d+)\s*(?:and|or|&)\s*(?:under|below|younger)$")
_BAND_OVER = re.compile(r"^(?:over|above|older than|>)\s*(\d+)$")
_BAND_N_OVER = re.compile(r"^(\d+)\s*(?:\+|plus|(?:and|or|&)\s*(?:over|older|above))$")


def age_band_span(label: str) -> tuple[float, float] | None:
    """The ages (whole years, first and last) an age band's label covers, or None for a label that is
    no age band: "16 to 17" (16, 17), "10-17", "15 and under" (0, 15), "under 18" (0, 17), "over 64"
    (65, inf), "65 and over" and "65+" (65, inf); "aged" before and "years" after are read. Used to tell
    a total of age bands (a band that holds them) from bands that share a word.

    >>> age_band_span("15 and under"), age_band_span("Aged 16 to 17 years"), age_band_span("65+")
    ((0.0, 15.0), (16.0, 17.0), (65.0, inf))
    >>> age_band_span("Unknown") is None
    True
    """
    text = " ".join(str(label).strip().lower().split())
    text = re.sub(r"^aged?\s+", "", text)
    text = re.sub(r"\s*(?:years?|yrs?)(?:\s*old)?$", "", text)
    if m := _BAND_RANGE.match(text):
        lo, hi = float(m.group(1)), float(m.group(2))
        return (lo, hi) if lo <= hi else None
    if m := _BAND_UNDER.match(text):
        return (0.0, float(m.group(1)) - 1)
    if m := _BAND_N_UNDER.match(text):
        return (0.0, float(m.group(1)))
    if m := _BAND_OVER.match(text):
        return (float(m.group(1)) + 1, float("inf"))
    if m := _BAND_N_OVER.match(text):
        return (float(m.group(1)), float("inf"))
    return None


#: the detailed ethnic groups of the Census (2011: 18, 2021: 19 with Roma) and of NHS England's data
#: dictionary (16, "Chinese" among the "Other Ethnic Groups"), as :func:`_ethnic_group` writes them
#: (lower case, words only, "any" before and "background" / "group(s)" after dropped) -> their broad group(s)
_ETHNIC_DETAILED: dict[str, frozenset[str]] = {
    **dict.fromkeys(("british", "english welsh scottish northern irish or british",
                     "english welsh scottish northern irish british", "irish", "gypsy or irish traveller", "roma",
                     "other white", "white other"), frozenset({"white"})),
    **dict.fromkeys(("white and black caribbean", "white and black african", "white and asian", "other mixed",
                     "other mixed multiple", "other mixed or multiple", "other mixed multiple ethnic",
                     "other mixed or multiple ethnic", "mixed other"), frozenset({"mixed"})),
    **dict.fromkeys(("indian", "pakistani", "bangladeshi", "other asian", "asian other"), frozenset({"asian"})),
    "chinese": frozenset({"asian", "other"}),
    **dict.fromkeys(("african", "caribbean", "other black", "black other", "other black african caribbean"),
                    frozenset({"black"})),
    **dict.fromkeys(("arab", "other ethnic", "other"), frozenset({"other"})),
}
#: the words of a broad group's label, fillers dropped ("Black or Black British", "Black/African/Caribbean/
#: Black British", "Black, Black British, Black Welsh, Caribbean or African", "Other Ethnic Groups")
_ETHNIC_BROAD: dict[frozenset[str], str] = {
    frozenset({"white"}): "white", frozenset({"mixed"}): "mixed", frozenset({"asian"}): "asian",
    frozenset({"black"}): "black", frozenset({"black", "african", "caribbean"}): "black",
    frozenset({"other"}): "other",
}
_ETHNIC_FILLER = frozenset({"or", "and", "ethnic", "group", "groups", "british", "welsh", "multiple", "total", "all"})


def _ethnic_group(label: str) -> tuple[str, frozenset[str]] | None:
    """``("broad", {group})`` for a label of one of the five broad ethnic groups of the Census / NHS
    England ("Black or Black British", "Mixed/Multiple ethnic groups", "Other Ethnic Groups"),
    ``("detailed", {its broad group(s)})`` for one of their detailed groups ("Caribbean", "Any Other
    Black background", "Black or Black British - African", "White Irish"; "Chinese" is Asian in the
    Census and among NHS England's "Other Ethnic Groups"), None for any other label ("Unknown",
    "All"). Used to tell a broad group, a total of its own detailed groups whatever their words, from
    groups that only share a word.

    >>> _ethnic_group("Black or Black British"), _ethnic_group("Any Other Black background")
    (('broad', frozenset({'black'})), ('detailed', frozenset({'black'})))
    >>> _ethnic_group("Asian/Asian British: Indian"), _ethnic_group("Not Stated") is None
    (('detailed', frozenset({'asian'})), True)
    """
    text = str(label).strip().lower()
    parts = re.split(r"\s*(?::|\s-\s|\u2013|\u2014)\s*", text)
    head, tail = (parts[-2], parts[-1]) if len(parts) > 1 else ("", text)  # "Asian/Asian British - Indian"
    under = _ethnic_group(head) if head else None
    under_broad = under[1] if under is not None and under[0] == "broad" else None
    words = re.findall(r"[a-z]+", tail)
    key_words = frozenset(words) - _ETHNIC_FILLER
    if key_words in _ETHNIC_BROAD and under_broad is None and words != ["white", "british"]:
        return ("broad", frozenset({_ETHNIC_BROAD[key_words]}))
    if words and words[0] == "any":
        words = words[1:]
    while words and words[-1] in ("background", "group", "groups"):  # "Other Mixed or Multiple ethnic groups"
        words = words[:-1]
    name = " ".join(words)
    found = _ETHNIC_DETAILED.get(name)
    if found is None and len(words) > 1 and words[0] in ("white", "mixed", "asian", "black", "other"):
        rest = _ETHNIC_DETAILED.get(" ".join(words[1:]))  # "White Irish", "Black African", "Asian Indian"
        found = frozenset({words[0]}) if rest is not None and words[0] in rest else None
    if found is None:
        return None
    if under_broad is not None:  # the broad group it is written under decides ("Other ethnic group: Chinese")
        return ("detailed", under_broad) if under_broad <= found or name == "other" else None
    return ("detailed", found)


#: words of a row of cases whose group is not known (``label_words`` drops "not": "Not known" is {"known"})
_UNKNOWN_WORDS = {"unknown", "known", "stated", "missing", "recorded", "invalid"}


def _total_but_unknown(labels: np.ndarray, words: Sequence[set[str]], stratum: list[int], rows: list[int],
                       v: np.ndarray, threshold: float) -> list[str]:
    """Rows labelled as a total (``All``, ``Total``) whose count is every other row of the stratum but
    one to three rows of unknown group ("Unknown", "Not known", "Not stated", "Missing"): NHS England's
    layout of a breakdown by ethnicity, whose "All" leaves out "Unknown" (Section 136, 2023-24: 13,156
    of the five broad groups, beside "Unknown" 1,791). Such a total has more parts than
    :func:`_subtotal_candidates` searches, and is no column total, so a small part hidden beside a
    published "All" was "All" less the published parts, with no warning (until session 36), where a
    small count is among them or the unknowns; each is said with the ``totals=`` that names it.
    ``stratum``: the stratum's rows; ``rows``: those with a count above 0.

    >>> lab = np.array(["White", "Asian", "Black", "All", "Unknown"], dtype=object)
    >>> v = np.array([80.0, 3, 8, 91, 4])
    >>> _total_but_unknown(lab, [label_words(x) for x in lab], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4], v, 5)
    ["'All' (91) = every other row but 'Unknown' 4 (totals={'All': ['White', 'Asian', 'Black']})"]
    """
    from itertools import combinations

    found: list[str] = []
    if not any(v[i] < threshold for i in rows):
        return found
    for t in rows:
        if not words[t] & _TOTAL_WORDS:
            continue
        others = [i for i in rows if i != t]
        excess = sum(v[i] for i in others) - v[t]
        unknown = [i for i in others if words[i] & _UNKNOWN_WORDS and not words[i] & _TOTAL_WORDS]
        if excess <= 0 or not unknown or not any(v[i] < threshold for i in others):
            continue
        left = next((combo for k in (1, 2, 3) for combo in combinations(unknown, k)
                     if abs(sum(v[i] for i in combo) - excess) < 1e-9), None)
        if left is None:
            continue
        parts = [str(labels[i]) for i in stratum if i != t and i not in left]
        found.append(f"{labels[t]!r} ({v[t]:g}) = every other row but "
                     + " and ".join(f"{labels[i]!r} {v[i]:g}" for i in left)
                     + f" (totals={{{str(labels[t])!r}: {parts!r}}})")
    return found


_TOTAL_WORDS = {"all", "total", "totals", "subtotal"}


@functools.lru_cache(maxsize=1)
def _merged_into() -> dict[str, frozenset[str]]:
    """Each local authority abolished by a merger since 2016, by name and ONS code (lower case) ->
    the names and codes of every authority it became part of, in turn ("Taunton Deane": Somerset
    West and Taunton in 2019, Somerset in 2023): the bundled former districts' successors
    (``census2021_former_la.csv.gz``: East Suffolk, Bournemouth, Christchurch and Poole, 2019; ...
    North Yorkshire, 2023) and the 2019 mergers Census 2021 cannot split
    (``geography.MERGED_2019``: West Suffolk, Dorset, Somerset West and Taunton), named from the
    2016 lookup. A label beside districts it was made of may be their total, whatever its words
    ("West Suffolk" = "Forest Heath" + "St Edmundsbury")."""
    from . import datasets
    from .geography import MERGED_2019, bundled_table

    former = bundled_table("census2021_former_la.csv.gz")
    old = datasets.census2011_by_la().drop_duplicates("la_code").set_index("la_code")["la"]
    steps = [(str(r.la), str(r.la_code), str(r.successor), str(r.successor_code)) for r in former.itertuples()]
    steps += [(str(old[code]), code, name, now) for code, (name, now) in MERGED_2019.items() if code in old.index]
    nxt: dict[str, set[str]] = {}  # name or code -> the next authority's name and code
    same: dict[str, str] = {}  # a district's name <-> its code (Somerset West and Taunton: E07000246)
    for name, code, new, new_code in steps:
        name, code, new, new_code = (v.strip().casefold() for v in (name, code, new, new_code))
        same.update({name: code, code: name})
        for k in (name, code):
            nxt.setdefault(k, set()).update({new, new_code})
    out: dict[str, frozenset[str]] = {}
    for k in nxt:
        seen: set[str] = set()
        todo = list(nxt[k])
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend([*nxt.get(x, ()), *([same[x]] if x in same else [])])
        out[k] = frozenset(seen)
    return out


def _one_kind_of_area(labels: Sequence[str]) -> bool:
    """Whether the labels, but for those with a total's word (``All``, ``Total``), are all names or
    ONS codes of areas of one kind and one year: Community Safety Partnerships, local authorities or
    police forces of December 2024, of 2016, or the local authorities before the reorganisations of
    2019-2023 (:func:`_area_kinds`; forces also by police.uk's identifiers; a code also by its kind's
    prefix). An area beside the ones it was made of (Somerset, 2023, beside South Somerset) is not
    of one year with them: it may be their total.

    >>> _one_kind_of_area(["South Derbyshire", "Chesterfield", "Derbyshire Dales", "Total"])
    True
    >>> _one_kind_of_area(["South Somerset", "Somerset West and Taunton", "Mendip"])  # districts of 2021
    True
    >>> _one_kind_of_area(["South Derbyshire", "Derbyshire"])  # CSPs and a force: may be a total
    False
    >>> _one_kind_of_area(["South Somerset", "Mendip", "Somerset"])  # Somerset (2023) is made of them
    False
    """
    own = {str(x).strip().casefold() for x in labels if not (label_words(str(x)) & _TOTAL_WORDS)}
    if not own:
        return False
    return any(all(x in names or code.match(x) for x in own) for names, code in _area_kinds())


def _casefolded(table: pd.DataFrame, *columns: str) -> set[str]:
    return {str(v).strip().casefold() for c in columns if c in table.columns for v in table[c].dropna().unique()}


@functools.lru_cache(maxsize=1)
def _area_kinds() -> tuple[tuple[frozenset[str], re.Pattern[str]], ...]:
    """Areas of one kind and one year, each as its names and codes (lower case) and a pattern of its
    kind's ONS codes: the CSPs, local authorities and forces of the bundled December 2024 lookup and
    of the 2016 LAD -> CSP -> PFA lookup (:func:`saferstats.datasets.census2011_by_la`: "Taunton
    Deane", "Rhondda Cynon Taf" before Cwm Taf), and the local authorities before the
    reorganisations of 2019-2023 (``census2021_former_la.csv.gz``'s districts, "South Somerset",
    "Craven", with December 2024's authorities that none of them became). Forces are the same in
    each year (with police.uk's identifiers). A code pattern is the kind's code prefixes in these
    lookups and six digits (CSP E22 / W14, local authority E06-E09 / W06, force E23 / W15), so a
    code of another year is taken as of its kind."""
    from . import datasets
    from .geography import area_lookup, bundled_table

    now, y2016, former = area_lookup(), datasets.census2011_by_la(), bundled_table("census2021_former_la.csv.gz")
    forces = _casefolded(now, "force_name", "force", "force_code") | _casefolded(y2016, "force", "force_code")
    before = (_casefolded(former, "la", "la_code")
              | (_casefolded(now, "la", "la_code") - _casefolded(former, "successor", "successor_code")))

    def codes(column: str) -> re.Pattern[str]:
        prefixes = {str(v).strip()[:3].upper() for t in (now, y2016, former) if column in t.columns
                    for v in t[column].dropna().unique()}
        return re.compile(rf"^({'|'.join(sorted(prefixes))})\d{{6}}$", re.IGNORECASE)

    csp, la, force = codes("csp_code"), codes("la_code"), codes("force_code")
    return tuple((frozenset(names), code) for names, code in (
        (_casefolded(now, "csp", "csp_code"), csp), (_casefolded(now, "la", "la_code"), la), (forces, force),
        (_casefolded(y2016, "csp", "csp_code"), csp), (_casefolded(y2016, "la", "la_code"), la), (before, la)))


_LABEL_STOPWORDS = {"any", "other", "and", "or", "the", "of", "a", "in", "background", "not", "no"}


def label_words(label: str) -> set[str]:
    """Content words of a label, lower case, a plural ``s`` dropped."""
    out = set()
    for w in re.findall(r"[a-z]+", label.lower()):
        if w not in _LABEL_STOPWORDS and len(w) > 1:
            out.add(w[:-1] if w.endswith("s") and len(w) > 3 else w)
    return out


def _reference_rows(table: pd.DataFrame, comp: list[Any], reference: Mapping[str, Any] | None) -> np.ndarray:
    n = len(table)
    if reference is not None:
        m = np.ones(n, dtype=bool)
        for c, v in reference.items():
            m &= (table[c] == v).to_numpy()
        return m
    for c in table.columns:
        if "method" in str(c).lower() or str(c).lower() == "test":
            lab = table[c].astype(str).str.lower()
            m = lab.isin(["reference", "not applicable"]).to_numpy()
            if m.any():
                return np.asarray(m)
    for c in comp:
        if str(c).lower() in {"ratio", "rr"} and f"{c}_lower" in table.columns:
            v = pd.to_numeric(table[c], errors="coerce")
            return np.asarray(((v == 1) & pd.to_numeric(table[f"{c}_lower"], errors="coerce").isna()).to_numpy())
    return np.zeros(n, dtype=bool)

"""Rates, proportions and ratios with confidence intervals (the Rust ``rates`` kernel).

Methods follow PHE/OHID's PHEindicatormethods conventions (``docs/methods/rates.md`` A1-A4). Every function
accepts scalars or equal-length array-likes (lists, numpy arrays, pandas Series; scalars are
broadcast) and returns a :class:`pandas.DataFrame` with one row per input element, keeping the
index of a Series input. Every interval carries ``lower``, ``upper``, ``confidence`` and ``method``.

``confidence`` everywhere follows PHE (:mod:`saferstats._confidence`): a fraction between 0.5 and
0.9999 (``0.95``), a percentage (``95``, ``99.8``) or a list of levels (``[0.95, 0.998]``) that
gives every interval, in columns ``lower_95, upper_95, lower_99_8, upper_99_8``. A 100% level
(``1`` or ``100``) is accepted where the method defines it: proportions (Wilson: (0, 1)).
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any, Literal


import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._confidence import confidence_levels
from ._frames import (
    aligned, as_float_array, choice_option, plain, real_option, renamed_keywords, renames_columns, row_of, rows_named,
    translates_core_errors,
    translate_error,
)
from .exceptions import InvalidInputError, LengthMismatchError, SaferstatsError, number_of, warn_user

__all__ = [
    "rate_ci",
    "proportion_ci",
    "rate_ratio",
    "percent_change",
    "proportion_difference",
    "dsr",
    "ESP2013",
]

ArrayLike = Any

#: European Standard Population 2013, 19 bands 0-4 ... 90+ (sums to 100,000).
ESP2013: tuple[float, ...] = tuple(_ext.esp2013())

_LABELS = list(_ext.ci_method_labels())
_UNIQUE = list(dict.fromkeys(_LABELS))
_REMAP = np.array([_UNIQUE.index(label) for label in _LABELS], dtype=np.int8)
# Only the last code repeats a label ("exact" conditional; tests/rates_edge_cases.rs), so the
# other codes index _UNIQUE as they are.


def method_labels(codes: np.ndarray) -> pd.Categorical:
    """Method codes from the core (uint8) -> a categorical column of labels (no copy when the
    codes are already distinct-label indices, as for rates and proportions)."""
    codes = codes.view(np.int8)
    if (codes == len(_LABELS) - 1).any():
        codes = _REMAP[codes]
    return pd.Categorical.from_codes(codes, categories=_UNIQUE, validate=False)


def _frame(columns: dict[str, Any], index: pd.Index | None) -> pd.DataFrame:
    # The arrays were just allocated by the core: hand them to pandas without another copy.
    return pd.DataFrame(columns, index=index, copy=False)


def _aligned_call(
    kernel: Any, inputs: dict[str, ArrayLike], missing: str, **options: Any
) -> tuple[dict[str, Any], pd.Index | None]:
    """Align the named inputs (scalars broadcast, the first Series' index kept), check
    ``missing`` and call the core kernel with the arrays in order and the keyword options."""
    missing = choice_option("missing", missing, _MISSING)
    arrays, index = aligned(**inputs)
    return kernel(*arrays.values(), missing=missing, **options), index


@translates_core_errors("a", "b")
def _two_column_ci(
    kernel: Any, names: tuple[str, str, str], a: ArrayLike, b: ArrayLike, multiplier: float, confidence: float,
    method: str, missing: str,
) -> pd.DataFrame:
    """The table of a two-column core kernel (rates, proportions): the core returns copies of
    the inputs beside value, limits and method codes, all fresh arrays, framed without copies."""
    per = real_option("multiplier", multiplier)
    res, index = _aligned_call(kernel, {names[0]: a, names[1]: b}, missing, confidence=float(confidence),
                               multiplier=per, method=method)
    columns = {names[0]: res[names[0]], names[1]: res[names[1]], names[2]: res["value"], "lower": res["lower"],
               "upper": res["upper"], "confidence": float(confidence), "method": method_labels(res["method"])}
    out = _frame(columns, index)
    out.attrs["multiplier"] = per  # the unit of the value and its limits: per this many
    return out


_MISSING = ("error", "propagate")
_RATIO_METHODS = ("wald-log", "exact")


def warn_paired_by_position(fn: str, *pairs: tuple[tuple[str, Any], tuple[str, Any]]) -> None:
    """Warn when the two inputs of a pair, each given as ``(name, value)`` with the caller's own
    argument names (``(("count_a", count_a), ("count_b", count_b))``, ``(("x1", x1), ("x2", x2))``),
    are Series whose row labels differ: two periods filtered from one table (the Home Office table
    by force: 2018/19 rows 43-84, 2017/18 rows 0-42) keep their own labels, and pairs are made by
    position, so a period sorted otherwise pairs one force's count with another's with no error
    (Cleveland's +1.8% came out -14.1%, its 2018/19 count against Avon and Somerset's 2017/18).
    Series indexed by one area key (``set_index("force")``) are checked for order instead (an error
    when reordered). The first pair that differs is named, as the user typed its arguments.

    >>> import warnings
    >>> a, b = pd.Series([1, 2], index=[3, 4]), pd.Series([5, 6], index=[0, 1])
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     warn_paired_by_position("f", (("x1", a), ("x2", b)))
    >>> str(w[0].message).split(" are ")[0]
    'f: `x1` and `x2`'
    """
    from ._frames import default_index

    for (a_name, a), (b_name, b) in pairs:
        if not (isinstance(a, pd.Series) and isinstance(b, pd.Series)) or len(a) != len(b) or len(a) < 2:
            continue
        ia, ib = a.index, b.index
        if default_index(ia) or default_index(ib) or ia.equals(ib) or set(ia) == set(ib):
            continue
        shown = ", ".join(f"row {plain(x)!r} with row {plain(y)!r}" for x, y in list(zip(ia, ib))[:3])
        warn_user(f"{fn}: `{a_name}` and `{b_name}` are Series with different row labels, and values are paired by "
                  f"position, not by label ({shown}, ...): if they are two periods (or areas) filtered from one "
                  f"table, a different row order pairs one area's count with another's. Index both by the area "
                  f"(e.g. .set_index('force')) so that the order is checked, or pass .to_numpy() once the order is "
                  "known to match")
        return


def _said_population_note(fn: str, out: pd.DataFrame, *populations: Any, warn: bool = True) -> None:
    """Keep the population note a population Series carries (:func:`saferstats.read_hate_crime`'s
    and :func:`saferstats.datasets.hate_crime_by_force`'s ``attrs["population_note"]``, which pandas
    copies onto the table's columns: one population figure, of an unstated year, for every year) in
    the result's ``attrs["population_note"]`` and, with ``warn``, repeat it as a
    :class:`~saferstats.SaferstatsWarning` from ``fn``, as :func:`saferstats.add_rates` does for
    the table: a change made from ``df["population"]`` is otherwise given as a change in the rate
    where it is the change in the count. Arrays, lists and scalars carry no note and get none."""
    for p in populations:
        attrs = p.attrs if isinstance(p, (pd.Series, pd.DataFrame)) else None
        note = attrs.get("population_note") if isinstance(attrs, dict) else None
        if isinstance(note, str) and note:
            if warn:
                warn_user(f"{fn}: {note}")
            out.attrs["population_note"] = note
            return


def _paired_call(fn: str, kernel: Any, inputs: dict[str, ArrayLike], missing: str,
                 **options: Any) -> tuple[dict[str, Any], pd.Index | None]:
    """:func:`_aligned_call` for two groups' events and denominators, given in the order ``a``'s
    events, ``a``'s denominator, ``b``'s events, ``b``'s denominator (paired inputs read a
    against b): Series of ``a`` and ``b`` with different row labels are warned about first, as
    ``fn`` (:func:`warn_paired_by_position`)."""
    (xa, va), (na, wa), (xb, vb), (nb, wb) = inputs.items()
    warn_paired_by_position(fn, ((xa, va), (xb, vb)), ((na, wa), (nb, wb)))
    return _aligned_call(kernel, inputs, missing, **options)


@confidence_levels("lower", "upper")
def rate_ci(
    count: ArrayLike,
    population: ArrayLike,
    *,
    multiplier: float = 100_000,
    confidence: float = 0.95,
    method: Literal["phe", "exact", "byar"] = "phe",
    missing: Literal["error", "propagate"] = "error",
) -> pd.DataFrame:
    """Crude rates per ``multiplier`` with exact Poisson / Byar's confidence intervals.

    Method: ``"phe"`` (default) uses the exact Poisson (Garwood, chi-square) interval for counts
    below 10 and Byar's approximation from 10, as PHEindicatormethods ``phe_rate``; ``"exact"``
    and ``"byar"`` use one method for every row. A count of 0 has lower limit 0. Non-integer
    counts are accepted, as PHE does; a count larger than its population is allowed (rates are
    not proportions). Reference: ``docs/methods/rates.md`` A1; Breslow & Day (1987) for Byar's.

    Parameters
    ----------
    count, population
        Events and population at risk (scalars or equal-length array-likes).
    multiplier
        Rate per this many people: 1,000 (stop and search), 100,000 (PHE default).
    confidence
        Two-sided level, 0.5-0.9999 or 50-99.99 as a percentage (0.95 and 0.998 are the PHE
        pair); a list such as ``[0.95, 0.998]`` gives both intervals (``lower_95, upper_95,
        lower_99_8, upper_99_8``).
    method
        ``"phe"``, ``"exact"`` or ``"byar"``.
    missing
        ``"error"`` raises :class:`~saferstats.MissingValueError` naming the position of a
        missing value; ``"propagate"`` returns NaN for that row, as PHE does.

    Returns
    -------
    DataFrame with columns ``count, population, rate, lower, upper, confidence, method``
    (``method`` is the method used for that row: ``"exact"`` or ``"byar"``); ``.attrs["multiplier"]``
    is the multiplier, the unit of ``rate``, ``lower`` and ``upper`` (per that many people).
    A ``population`` Series that carries a population note (``df["population"]`` of
    :func:`saferstats.read_hate_crime`'s table by force or :func:`saferstats.datasets.hate_crime_by_force`:
    one figure, of an unstated year, for both years) gets it kept in ``.attrs["population_note"]``
    (say it beside the rates; :func:`saferstats.add_rates` on the table says it as a warning);
    :func:`rate_ratio` and :func:`percent_change`, whose change is then the change in the count,
    repeat it in a :class:`~saferstats.SaferstatsWarning` too.

    Examples
    --------
    Hertfordshire hate crime, 2018-19 (Home Office): 1,600 offences, population 1,184,400 (the
    table's one figure for both 2017-18 and 2018-19, of a year it does not state).

    >>> import saferstats
    >>> saferstats.rate_ci(1600, 1_184_400).round(4)
        count  population      rate     lower     upper  confidence method
    0  1600.0   1184400.0  135.0895  128.5505  141.8749        0.95   byar
    >>> saferstats.rate_ci([0, 5], 100, method="exact")[["lower", "upper"]].round(3)
          lower      upper
    0     0.000   3688.879
    1  1623.486  11668.332

    Both PHE intervals at once (docs/methods/rates.md A1 fixture, 5 in 100 per 100,000):

    >>> both = saferstats.rate_ci(5, 100, confidence=[95, 99.8])
    >>> both[["lower_95", "upper_95", "lower_99_8", "upper_99_8", "confidence"]].round(6)
         lower_95      upper_95  lower_99_8    upper_99_8  confidence
    0  1623.48639  11668.332079  739.371732  16454.745204  95%, 99.8%
    """
    method = choice_option("method", method, ("phe", "exact", "byar"), ("byars",))
    out = _two_column_ci(_ext.rate_ci, ("count", "population", "rate"), count, population,
                         multiplier, confidence, method, missing)
    _said_population_note("rate_ci", out, population, warn=False)
    return out


@confidence_levels("lower", "upper", allow_one=True)
def proportion_ci(
    successes: ArrayLike,
    trials: ArrayLike,
    *,
    confidence: float = 0.95,
    method: Literal["wilson", "wilson-cc"] = "wilson",
    multiplier: float = 1,
    missing: Literal["error", "propagate"] = "error",
) -> pd.DataFrame:
    """Proportions with Wilson score confidence intervals.

    Method: Wilson (1927) score interval, PHE's method (``docs/methods/rates.md`` A2); ``"wilson-cc"`` adds
    the continuity correction (Newcombe 1998 method 4, = R ``prop.test(correct=TRUE)``).
    0 successes give lower limit 0 and ``successes == trials`` upper limit 1 exactly;
    ``confidence=1`` (100%) gives (0, 1). Computed without overflow up to 1e308 trials.
    Non-integer successes are accepted, as PHE does. ``multiplier=100`` gives percentages.

    Returns
    -------
    DataFrame with columns ``successes, trials, value, lower, upper, confidence, method``.

    Examples
    --------
    The seed's "race 75%" share: race-motivated 78,991 of 103,379 hate crime offences (2018/19)

    >>> import saferstats
    >>> saferstats.proportion_ci(78_991, 103_379, multiplier=100).round(3)
       successes    trials   value   lower   upper  confidence  method
    0    78991.0  103379.0  76.409  76.149  76.667        0.95  wilson
    """
    method = choice_option("method", method, ("wilson", "wilson-cc"), ("wilson_cc",))
    return _two_column_ci(_ext.proportion_ci, ("successes", "trials", "value"), successes, trials,
                          multiplier, confidence, method, missing)


@confidence_levels("lower", "upper")
def rate_ratio(
    count_a: ArrayLike,
    population_a: ArrayLike,
    count_b: ArrayLike,
    population_b: ArrayLike,
    *,
    confidence: float = 0.95,
    method: Literal["wald-log", "exact"] = "wald-log",
    missing: Literal["error", "propagate"] = "error",
) -> pd.DataFrame:
    """Ratio of two rates ``(count_a/population_a) / (count_b/population_b)`` with CI and test.

    Method (``docs/methods/rates.md`` A4): ``"wald-log"`` (default) — SE(ln RR) = sqrt(1/a + 1/b),
    CI = RR·exp(∓z·SE), Wald z test of RR = 1. When a count is 0 the wald-log interval is
    undefined and the exact conditional interval is used, with ``method`` saying
    ``"exact (zero count)"``. ``"exact"`` — conditional on a + b, a ~ Bin(a + b, π): Clopper-
    Pearson limits on π mapped to the ratio, two-sided exact binomial p (as statsmodels
    ``test_poisson_2indep(method="exact-cond")``; ``z`` is NaN). a = b = 0 gives NaN.

    Inputs are paired by position. Series ``count_a`` and ``count_b`` with different row labels
    (two periods filtered from one table) get a :class:`~saferstats.SaferstatsWarning`, since rows
    in another order would pair one area's count with another's; Series indexed by the area
    (``set_index("force")``) are checked for order instead. So for :func:`percent_change` and
    :func:`proportion_difference`.

    A population Series carrying a population note (``df["population"]`` of
    :func:`saferstats.read_hate_crime`'s table by force: one figure, of an unstated year, for both
    years, so the ratio of the rates is the ratio of the counts) gets the note repeated in a
    :class:`~saferstats.SaferstatsWarning` and kept in ``.attrs["population_note"]``; so for
    :func:`percent_change`.

    Returns
    -------
    DataFrame with columns ``ratio, lower, upper, z, p_value, method, confidence`` (the order
    fixed by issue 2, before the vocabulary's "end with confidence, method").

    Examples
    --------
    Hertfordshire hate crime 2018-19 against 2017-18, as the Home Office table publishes them
    (:func:`saferstats.datasets.hate_crime_by_force`: 1,600 and 1,468 offences, one population,
    1,184,400, for both years — so the ratio of the rates is the ratio of the counts):

    >>> import saferstats
    >>> saferstats.rate_ratio(1600, 1_184_400, 1468, 1_184_400).round(4)
        ratio   lower   upper       z  p_value    method  confidence
    0  1.0899  1.0154  1.1699  2.3824   0.0172  wald-log        0.95
    """
    return _rate_ratio_frame(count_a, population_a, count_b, population_b, confidence, method, missing, percent=False)


@translates_core_errors("count_a", "population_a", "count_b", "population_b")
def _rate_ratio_frame(
    count_a: ArrayLike, population_a: ArrayLike, count_b: ArrayLike, population_b: ArrayLike,
    confidence: float, method: str, missing: str, *, percent: bool,
) -> pd.DataFrame:
    """The rate-ratio table (and, with ``percent``, the core's percentage change columns)."""
    method = choice_option("method", method, _RATIO_METHODS, ("wald_log", "exact-cond"))
    inputs = {"count_a": count_a, "population_a": population_a, "count_b": count_b, "population_b": population_b}
    res, index = _paired_call("percent_change" if percent else "rate_ratio", _ext.rate_ratio, inputs, missing,
                              confidence=float(confidence), method=method, percent=percent)
    columns = {
        "ratio": res["value"],
        "lower": res["lower"],
        "upper": res["upper"],
        "z": res["z"],
        "p_value": res["p_value"],
        "method": method_labels(res["method"]),
        "confidence": float(confidence),
    }
    if percent:
        columns.update({k: res[k] for k in ("percent_change", "percent_lower", "percent_upper")})
    out = _frame(columns, index)
    _said_population_note("percent_change" if percent else "rate_ratio", out, population_a, population_b)
    return out


@renamed_keywords(count_new="count_a", population_new="population_a", count_old="count_b",
                  population_old="population_b")
@renames_columns("percent_change", percent_lower="percent_change_lower", percent_upper="percent_change_upper")
@confidence_levels("lower", "upper", "percent_change_lower", "percent_change_upper")
def percent_change(
    count_a: ArrayLike,
    population_a: ArrayLike,
    count_b: ArrayLike,
    population_b: ArrayLike,
    *,
    confidence: float = 0.95,
    method: Literal["wald-log", "exact"] = "wald-log",
    missing: Literal["error", "propagate"] = "error",
) -> pd.DataFrame:
    """Percentage change in a rate (e.g. year on year) with CI: ``100·(RR − 1)``.

    ``a`` is the later (new) period, ``b`` the earlier one (docs/vocabulary.md: paired inputs
    read a against b). The ratio and its interval are :func:`rate_ratio` of ``a`` against ``b``;
    the percentage limits are the ratio limits transformed the same way. For a change in counts
    (no population), pass the same population for both periods. Reference:
    ``docs/methods/rates.md`` (A4).

    The old keywords ``count_new, population_new, count_old, population_old`` and columns
    ``percent_lower, percent_upper`` still work, with a ``FutureWarning``.

    Returns
    -------
    DataFrame with :func:`rate_ratio`'s columns (``ratio, lower, upper, z, p_value, method,
    confidence``) then ``percent_change, percent_change_lower, percent_change_upper``.

    Examples
    --------
    The seed's figure: recorded hate crime rose from 1,597 (2015/16) to 2,080 (2016/17).

    >>> import saferstats
    >>> pc = saferstats.percent_change(2080, 1, 1597, 1)
    >>> pc[["percent_change", "percent_change_lower", "percent_change_upper"]].round(2)
       percent_change  percent_change_lower  percent_change_upper
    0           30.24                 22.02                 39.02

    From a base of 0 (none last year, 3 this year) the change is infinite: a
    :class:`~saferstats.SaferstatsWarning` says to give the counts instead.
    """
    out = _rate_ratio_frame(count_a, population_a, count_b, population_b, confidence, method, missing,
                            percent=True)
    out = out.rename(columns={"percent_lower": "percent_change_lower", "percent_upper": "percent_change_upper"})
    _warn_zero_base(out, count_a, count_b)
    return out


def _warn_zero_base(out: pd.DataFrame, count_a: Any, count_b: Any) -> None:
    """A percentage change from a base of 0 events is infinite (``percent_change`` = inf, the
    upper limit too): a table or sentence that prints "+inf%" or "up ∞%" says nothing a reader can
    use. Name the rows, with the counts to give instead (0 to 3, and the exact interval of the
    ratio, whose lower limit is finite)."""
    pc = out["percent_change"].to_numpy(dtype=float)
    zero = np.flatnonzero(np.isposinf(pc))
    if not zero.size:
        return
    a, b = (np.broadcast_to(v, pc.shape) if v.size == 1 else v
            for v in (np.atleast_1d(as_float_array("count_a", count_a)), np.atleast_1d(as_float_array("count_b", count_b))))
    where = "; ".join(f"row {plain(out.index[i])!r} ({b[i]:g} to {a[i]:g})" for i in zero[:6])
    more = f" (and {zero.size - 6} more)" if zero.size > 6 else ""
    warn_user(f"percent_change: {number_of(zero.size, 'change')} from a base of 0 events {'is' if zero.size == 1 else 'are'} infinite (percent_change = inf): "
              f"{where}{more}; report the counts (from 0 to n) and the ratio's lower limit, not a percentage")


@confidence_levels("lower", "upper")
@translates_core_errors("successes_a", "trials_a", "successes_b", "trials_b")
def proportion_difference(
    successes_a: ArrayLike,
    trials_a: ArrayLike,
    successes_b: ArrayLike,
    trials_b: ArrayLike,
    *,
    confidence: float = 0.95,
    missing: Literal["error", "propagate"] = "error",
) -> pd.DataFrame:
    """Difference of two independent proportions ``a − b`` with the Newcombe interval.

    Method: Newcombe (1998) hybrid score interval (method 10) from the two Wilson intervals
    (= statsmodels ``confint_proportions_2indep(method="newcomb")``).

    Returns
    -------
    DataFrame with columns ``difference, lower, upper, confidence, method``.

    Examples
    --------
    >>> import saferstats
    >>> saferstats.proportion_difference(180, 1200, 756, 5400).round(6)
       difference     lower    upper  confidence    method
    0        0.01 -0.011323  0.03314        0.95  newcombe
    """
    inputs = {"successes_a": successes_a, "trials_a": trials_a, "successes_b": successes_b, "trials_b": trials_b}
    res, index = _paired_call("proportion_difference", _ext.proportion_difference, inputs, missing,
                              confidence=float(confidence))
    return _frame(
        {"difference": res["value"], "lower": res["lower"], "upper": res["upper"], "confidence": float(confidence),
         "method": method_labels(res["method"])},
        index,
    )


_AGE_RANGE = re.compile(r"^\s*(?:aged?\s*)?(\d{1,3})\s*(?:-|\u2013|\u2014|to)\s*(\d{1,3})(?:\s*(?:years?|yrs?))?\s*$", re.I)
_AGE_OPEN = re.compile(r"^\s*(?:aged?\s*)?(\d{1,3})\s*(?:\+|plus|and\s+over|and\s+older|or\s+over|or\s+older)"
                       r"(?:\s*(?:years?|yrs?))?\s*$", re.I)
_AGE_UNDER = re.compile(r"^\s*(?:aged?\s*)?(?:<|under|less\s+than)\s*(\d{1,3})(?:\s*(?:years?|yrs?))?\s*$", re.I)


def _age_start(label: Any) -> float | None:
    """The first age of an age-band label ("0-4", "5 to 9", "Aged 90+", "under 5", a pandas
    Interval such as ``pd.cut`` makes), or None when the label is not an age band."""
    if isinstance(label, pd.Interval):
        left = float(label.left)
        return left if np.isfinite(left) else 0.0
    if not isinstance(label, str):
        return None
    for rx, start in ((_AGE_RANGE, True), (_AGE_OPEN, True), (_AGE_UNDER, False)):
        m = rx.match(label)
        if m:
            return float(m.group(1)) if start else 0.0
    return None


def _age_end(label: Any) -> float | None:
    """The last age of an age-band label ("0-4" -> 4, "under 5" -> 4, "90+" -> inf), or None when it
    is not known (a pandas Interval, or no age band)."""
    if not isinstance(label, str):
        return None
    m = _AGE_RANGE.match(label)
    if m:
        return float(m.group(2))
    if _AGE_OPEN.match(label):
        return float("inf")
    m = _AGE_UNDER.match(label)
    return float(m.group(1)) - 1 if m else None


def _not_esp_band(labels: list[Any]) -> int | None:
    """The first of the 19 labels (in the standard's order) whose band ends where no ESP 2013 band
    does ("55-69", "0-14", "90-94"), or None: the bands are read by their first age, so without this
    "55-69" took the weight of 55-59 silently (a typo in PHE's own test data)."""
    for j, v in enumerate(labels):
        end = _age_end(v)
        want = float("inf") if j == len(ESP2013) - 1 else 5.0 * j + 4
        if end is not None and end != want:
            return j
    return None


def _age_starts(arg: str, values: Any) -> tuple[np.ndarray, list[Any]] | None:
    """The first ages of the index labels of a Series ``values`` when one level of its index is
    age bands (every label reads as one), with the labels; else None."""
    if not isinstance(values, pd.Series):
        return None
    index = values.index
    levels = [index.get_level_values(i) for i in range(index.nlevels)]
    for level in reversed(levels):  # the innermost level first: groupby(["area", "band"])
        labels = list(level)
        starts = [_age_start(v) for v in labels]
        if labels and all(x is not None for x in starts):
            return np.asarray(starts, dtype=float), labels
    return None


def _check_age_order(counts: Any, populations: Any, positions: list[np.ndarray], keys: list[Any],
                     grouped: bool, esp: bool) -> None:
    """``dsr`` weights the rows by position: a Series whose index says the age bands are in
    another order (string labels sorted as text put "5-9" after "45-49") or are not the
    standard's would be weighted wrongly without a word. Refuse it, naming the argument."""
    found: dict[str, tuple[np.ndarray, list[Any]]] = {}
    for arg, v in (("counts", counts), ("populations", populations)):
        got = _age_starts(arg, v)
        if got is not None:
            found[arg] = got
    if len(found) == 2:
        (sa, la), (sb, lb) = found["counts"], found["populations"]
        if len(sa) == len(sb) and not np.array_equal(sa, sb):
            i = int(np.flatnonzero(sa != sb)[0])
            raise InvalidInputError(
                f"`counts` and `populations` have their age bands in different orders (position {i}: "
                f"{plain(la[i])!r} against {plain(lb[i])!r}); dsr pairs them by position: put both in the same "
                "age order", "populations", i)
    for arg, (starts, labels) in found.items():
        for key, pos in zip(keys, positions):
            s = starts[pos]
            where = f"group {plain(key)!r}: " if grouped else ""
            bad = np.flatnonzero(np.diff(s) <= 0)
            if bad.size:
                i = int(pos[bad[0] + 1])
                raise InvalidInputError(
                    f"{where}`{arg}` is indexed by age bands that are not in age order ({plain(labels[int(pos[bad[0]])])!r} "
                    f"before {plain(labels[i])!r}, e.g. text labels sorted as text); dsr weights the bands by position "
                    "(the standard's youngest first): sort them by age (e.g. a categorical from pd.cut) first", arg, i)
            off = None
            if esp and len(s) == len(ESP2013):
                if not np.array_equal(s, np.arange(0, 95, 5, dtype=float)):
                    off = int(np.flatnonzero(s != np.arange(0, 95, 5))[0])
                else:
                    off = _not_esp_band([labels[int(k)] for k in pos])
            if off is not None:
                i = int(pos[off])
                raise InvalidInputError(
                    f"{where}`{arg}` is indexed by age bands that are not the ESP 2013 bands 0-4, 5-9, ..., 85-89, 90+ "
                    f"({plain(labels[i])!r} at position {int(np.searchsorted(pos, i))}): band the ages as the standard "
                    "does, or give your standard's weights in `standard`", arg, i)


def _ages_order(ages: Any, n_rows: int, positions: list[np.ndarray], keys: list[Any], grouped: bool,
                n_bands: int, esp: bool) -> list[np.ndarray]:
    """Each area's rows put in the standard's band order by their ``ages`` labels (read by
    :func:`_age_start`, as the index check reads them), so that every count meets its own band's
    weight whatever the rows' order. A label that is no age band, a band twice in an area or a band
    that is not the standard's is an error naming ``ages`` and the row."""
    if isinstance(ages, (str, bytes)) or not isinstance(ages, (list, tuple, np.ndarray, pd.Series, pd.Index,
                                                               pd.Categorical)):
        raise InvalidInputError(
            "`ages` must be the age band of each row (a list, array or Series of labels such as '0-4', "
            "'90+', or pd.cut intervals); dsr takes no frame, so pass the column (ages=df['age_band']), "
            "not its name", "ages")
    labels = list(ages)
    if len(labels) != n_rows:
        raise LengthMismatchError(
            f"length mismatch: `counts` has {n_rows} elements but `ages` has {len(labels)}", "ages")
    row_label = ages.index if isinstance(ages, pd.Series) else None

    def where(i: int) -> Any:
        return row_label[i] if row_label is not None else i

    def at_row(message: str, i: int) -> InvalidInputError:  # named by its label, with .position
        return InvalidInputError(message, "ages", where(i), position=i)

    starts = np.full(n_rows, np.nan)
    used = np.concatenate(positions) if positions else np.empty(0, dtype=np.intp)
    for i in sorted(int(j) for j in used):  # rows with no area (left out) are not read
        v = labels[i]
        a = _age_start(v)
        if a is None:
            raise at_row(
                f"`ages` at {'row' if row_label is not None else 'position'} {plain(where(i))!r}: {plain(v)!r} "
                "is not an age band (e.g. '0-4', '5 to 9', 'Aged 90+', '90+', a pd.cut interval)", i)
        starts[i] = a
    esp_starts = np.arange(0, 95, 5, dtype=float)
    out = []
    for key, pos in zip(keys, positions):
        pos = np.asarray(pos)
        order = np.argsort(starts[pos], kind="stable")
        s = starts[pos][order]
        tag = f"group {plain(key)!r}: " if grouped else ""
        dup = np.flatnonzero(np.diff(s) == 0)
        if dup.size:
            i0, i = int(pos[order[dup[0]]]), int(pos[order[dup[0] + 1]])
            what = "row" if row_label is not None else "position"
            raise at_row(
                f"{tag}`ages` gives the band starting at age {s[dup[0]]:g} twice ({plain(labels[i0])!r} at {what} "
                f"{plain(where(i0))!r} and {plain(labels[i])!r} at {what} {plain(where(i))!r}): each area needs each "
                "band once", i)
        if esp and len(s) == n_bands:
            starts_off = np.flatnonzero(s != esp_starts)
            j_end = None if starts_off.size else _not_esp_band([labels[int(pos[k])] for k in order])
            if starts_off.size or j_end is not None:
                j = int(starts_off[0]) if starts_off.size else int(j_end)  # type: ignore[arg-type]
                i = int(pos[order[j]])
                why = (f"no band starting at age {esp_starts[j]:g}" if starts_off.size else
                       "the last band is 90 and over in the standard" if j == n_bands - 1 else
                       f"the band starting at {esp_starts[j]:g} ends at {esp_starts[j] + 4:g} in the standard")
                raise at_row(
                    f"{tag}`ages` has {plain(labels[i])!r} ({'row' if row_label is not None else 'position'} "
                    f"{plain(where(i))!r}), not one of the ESP 2013 bands 0-4, 5-9, ..., 85-89, 90+ ({why}): band the "
                    "ages as the standard does, or give your standard's weights in `standard`", i)
        out.append(pos[order])
    return out


def _warn_by_position(counts: Any, populations: Any) -> None:
    """A Series (a frame's column, ``df["count"]``) whose index is no age bands says nothing of its
    rows' bands: dsr pairs them with the weights by position, as asked, but says so (rows sorted by a
    text age column would take other bands' weights: Trafford mid-2022, 318.28 for 320.17)."""
    series = [arg for arg, v in (("counts", counts), ("populations", populations)) if isinstance(v, pd.Series)]
    if not series or any(_age_starts(arg, v) is not None for arg, v in (("counts", counts), ("populations", populations))):
        return
    warn_user(f"dsr: `{series[0]}` has no age-band labels (its index is not age bands), so its rows meet the "
              "standard's weights by position, youngest band first; if the rows may be in another order (a frame "
              "sorted by a text age column puts '10-14' before '5-9'), name each row's band with "
              "ages=df['age_band']")


@renames_columns("dsr", value="rate")
@confidence_levels("lower", "upper")
def dsr(
    counts: ArrayLike,
    populations: ArrayLike,
    *,
    standard: str | ArrayLike = "esp2013",
    multiplier: float = 100_000,
    confidence: float = 0.95,
    groups: ArrayLike | None = None,
    ages: ArrayLike | None = None,
) -> pd.DataFrame:
    """Directly standardised rate with the Dobson-method confidence interval.

    Method (``docs/methods/rates.md`` A3; PHEindicatormethods ``calculate_dsr``): DSR = Σ(x_i/n_i)·w_i / Σw_i
    × multiplier, with Dobson's CI built from Byar's limits on the total count. A missing count is
    taken as 0 (as PHE), with a :class:`~saferstats.SaferstatsWarning` naming the first row and
    ``attrs["excluded"]["missing_count_as_zero"]`` (a suppressed small count read as NaN makes the
    rate a lower bound); a total count below 10 gives NaN with a ``note``. Every area is computed
    in the Rust core, in parallel.

    Parameters
    ----------
    counts, populations
        Events and population per age band (one area), or for several areas stacked with
        ``groups`` giving each row's area. Without ``ages`` the rows meet the ``standard``'s
        weights **by position**, youngest band first. A Series whose index labels are age bands
        (``"0-4"``, ``"5 to 9"``, ``"Aged 90+"``, ``pd.cut`` intervals) is checked: bands out of
        age order (text labels summed with ``groupby`` sort as text, "5-9" after "45-49"), bands
        other than the ESP 2013 ones with ``standard="esp2013"``, or ``counts`` and
        ``populations`` in different orders raise :class:`~saferstats.InvalidInputError` naming
        the argument. A Series with no age-band labels (a frame's column, ``df["count"]``, with
        its RangeIndex) is still paired by position, with a
        :class:`~saferstats.SaferstatsWarning` saying so and naming ``ages``.
    standard
        ``"esp2013"`` (19 bands 0-4 … 90+) or the standard population weights per band.
    groups
        Optional area label per row; one output row per area, in order of first appearance.
        Rows whose area is missing (None/NaN) belong to no area: they are left out, counted in
        ``.attrs["excluded"]`` and named in a :class:`~saferstats.SaferstatsWarning`.
    ages
        The age band of each row (``df["age_band"]``, a list, ``pd.cut`` intervals), read as the
        index check reads them: the rows meet the standard's weights **by label**, in any order
        (e.g. sorted as text). Each area must have each band once; with ``standard="esp2013"``
        the bands must be ESP 2013's (0-4, 5-9, ..., 85-89, 90+), with given weights the bands
        are put in age order, youngest first. A label that is not an age band, a band twice in
        an area or a band the standard lacks raises :class:`~saferstats.InvalidInputError`
        naming ``ages`` and the row. ``dsr`` takes no frame: pass the column, not its name.

    Returns
    -------
    DataFrame with columns ``total_count, total_population, rate, lower, upper, note,
    confidence, method`` (indexed by group when ``groups`` is given). The column ``rate`` was
    called ``value`` before; ``out["value"]`` still works, with a ``FutureWarning``.

    Examples
    --------
    >>> import saferstats
    >>> counts = [1, 2, 1]; pops = [1000, 2000, 1500]
    >>> saferstats.dsr(counts, pops, standard=[1, 1, 1])[["rate", "note"]]
       rate                         note
    0   NaN  dsr NA for total count < 10

    Rows in any order, paired with the weights by their band (``ages``):

    >>> saferstats.dsr([20, 10], [2000, 1000], standard=[1, 3], ages=["10-19", "0-9"])["rate"].round(1)
    0    1000.0
    Name: rate, dtype: float64
    """
    if isinstance(standard, str):
        if standard.lower() != "esp2013":
            raise InvalidInputError(
                f"unknown standard population {standard!r}; use 'esp2013' or give the weights", "standard"
            )
        weights = np.asarray(ESP2013, dtype=np.float64)
    else:
        weights = as_float_array("standard", standard)
    multiplier = real_option("multiplier", multiplier)
    x = as_float_array("counts", counts)
    n = as_float_array("populations", populations)
    if len(x) != len(n):
        raise LengthMismatchError(
            f"length mismatch: `counts` has {len(x)} elements but `populations` has {len(n)}", "populations"
        )
    excluded = {"missing_group": 0}
    if groups is None:
        keys: list[Any] = [None]
        positions = [np.arange(len(x))]
    else:
        items = list(groups) if isinstance(groups, (list, tuple, np.ndarray, pd.Series, pd.Index)) else None
        if items is None or any(not isinstance(v, Hashable) or isinstance(v, (list, tuple)) for v in items):
            raise InvalidInputError(
                "`groups` must be one area label (text or a number) per row, as a list, array or Series", "groups"
            )
        g = pd.Series(items, dtype=object)
        if len(g) != len(x):
            raise LengthMismatchError(
                f"length mismatch: `counts` has {len(x)} elements but `groups` has {len(g)}", "groups"
            )
        missing = np.flatnonzero(g.isna().to_numpy())
        if missing.size:
            excluded["missing_group"] = int(missing.size)
            named = groups if isinstance(groups, pd.Series) else counts  # the row labels the caller knows
            warn_user(f"dsr: {number_of(missing.size, 'row')} {'has' if missing.size == 1 else 'have'} no group ({rows_named(named, missing)}) and {'is' if missing.size == 1 else 'are'} left out of "
                      "every area")
        grouped = g.groupby(g, sort=False).indices
        keys = list(grouped.keys())
        positions = [grouped[k] for k in keys]
    for key, pos in zip(keys, positions):
        if len(pos) != len(weights):
            where = f"group {plain(key)!r}: " if groups is not None else ""
            raise LengthMismatchError(
                f"{where}length mismatch: `counts` has {len(pos)} elements (age bands) but `standard` has {len(weights)}",
                "standard" if groups is None else "groups",
            )
    if ages is not None:
        positions = _ages_order(ages, len(x), positions, keys, groups is not None, len(weights),
                                isinstance(standard, str))
    else:
        _warn_by_position(counts, populations)
    _check_age_order(counts, populations, positions, keys, groups is not None, isinstance(standard, str))
    nan_counts = np.flatnonzero(np.isnan(x))
    if nan_counts.size:
        # PHE takes a missing count as 0; a suppressed small count read as NaN then lowers the rate:
        # said, not silent (session 12)
        first = int(nan_counts[0])
        label = row_of(next((v for v in (counts, populations, groups) if isinstance(v, pd.Series)), counts), first)[0]
        where = "" if groups is None else f" (first in group {plain(g.iat[first])!r})"
        warn_user(f"dsr: {number_of(nan_counts.size, 'missing count')} taken as 0, as PHE does (first at {label}){where}: if "
                  "they are suppressed small counts, the rate and its limits are lower bounds")
        excluded["missing_count_as_zero"] = int(nan_counts.size)
    flat = np.concatenate(positions) if positions else np.empty(0, dtype=np.intp)
    offsets = np.cumsum([0] + [len(p) for p in positions]).tolist()
    try:
        cols = _ext.dsr_many(
            np.ascontiguousarray(x[flat]), np.ascontiguousarray(n[flat]), weights, offsets,
            multiplier=multiplier, confidence=float(confidence),
        )
    except SaferstatsError as exc:
        # the caller's row (label) through the one translation; then the area it belongs to
        m = re.search(r"series (\d+)", str(exc))
        g_i = int(m.group(1)) if m else None
        if g_i is None and exc.index is not None:
            g_i = int(np.searchsorted(offsets, exc.index, side="right") - 1)
        # the row labels: of the first Series among the arrays (populations with labels beside a list of counts)
        labelled = next((v for v in (counts, populations, groups) if isinstance(v, pd.Series)), None)
        t = translate_error(exc, index=labelled.index if labelled is not None else None, rows=flat)
        msg = re.sub(r"\s*\(?series \d+\)?:?", "", str(t))
        # the core's hint names a `missing=` option that dsr does not have (a TypeError if followed)
        msg = msg.replace('; pass missing="propagate" to get NaN results for such rows',
                          ": every age band needs its population (a band without one cannot be weighted, and dsr "
                          "has no `missing=` option); give it, or leave the area out")
        if groups is not None and g_i is not None and 0 <= g_i < len(keys):
            msg = f"group {plain(keys[g_i])!r}: {msg}"
        raise type(t)(msg, t.argument, t.index, position=t.position) from None
    out = pd.DataFrame(
        {
            "total_count": cols["total_count"],
            "total_population": cols["total_population"],
            "rate": cols["value"],
            "lower": cols["lower"],
            "upper": cols["upper"],
            "confidence": float(confidence),
            "method": method_labels(cols["method"]),
            "note": cols["note"],
        },
        index=None if groups is None else pd.Index([plain(k) for k in keys], name="group"),
    )
    out.attrs["excluded"] = excluded
    # the vocabulary's order: the interval's confidence and method last
    out = out[["total_count", "total_population", "rate", "lower", "upper", "note", "confidence", "method"]]
    return out

"""Hate-crime (and any count) trends: rates by area × period × strand, shares by strand,
year-on-year change, log-linear trends (annual % change), Mann-Kendall / Sen's slope and PHE
funnel plots. The statistics run in the Rust ``trend`` and ``rates`` modules; this layer turns
tidy DataFrames into arrays and back, with errors that name the column and row.

Methods and reference values: ``docs/methods/rates.md`` A1–A4 and ``docs/methods/trends.md`` A5–A7. ``confidence`` follows PHE everywhere
(:mod:`saferstats._confidence`): 0.95, 95, or a list ``[0.95, 0.998]`` for both intervals.

Periods are read by :func:`parse_periods` onto a years scale, so a gap (2015/16, 2016/17,
2018/19) stays a gap: :func:`poisson_trend` fits against the real times, :func:`year_on_year`
flags a pair that skips a period (``consecutive`` is False, with a warning) and
:func:`mann_kendall` takes ``times=`` for Sen's slope per year.
"""

from __future__ import annotations

import math
import numbers
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._confidence import confidence_levels
from ._frames import (
    accepts_frames, aligned, as_float_array, as_pandas, bare, choice_option, column_list, core_errors, core_rows, int_option, label_of, plain,
    near_column, reader_attrs_of_rows, real_option, renamed_keywords, require_columns, row_of, translates_core_errors,
)
from .exceptions import InvalidInputError, MissingValueError, SaferstatsError, number_of, warn_user
from .published import AGGREGATE_NAME, HATE_CRIME_STRANDS, warn_calendar_year_on_financial_years
from .rates import percent_change, proportion_ci, rate_ci

__all__ = [
    "parse_periods",
    "financial_years",
    "short_group_labels",
    "add_rates",
    "shares",
    "year_on_year",
    "poisson_trend",
    "compare_trends",
    "mann_kendall",
    "funnel_limits",
    "funnel_significance",
    "funnel_target",
]

_TREND_LABELS = list(_ext.trend_method_labels())
_TREND_NOTES = list(_ext.trend_note_labels())
_FUNNEL_LABELS = list(_ext.funnel_significance_labels())
_FY = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


def _by_list(by: str | Sequence[str] | None) -> list[Any]:
    return column_list("by", by)


#: While :func:`compare_trends` runs: (how many ``by`` columns, the positions of those that vary
#: between its groups), so that :func:`_key_text` names a group by them (:func:`_named_by_what_varies`).
_SHOWN_KEYS: ContextVar[tuple[int, tuple[int, ...]] | None] = ContextVar("saferstats_trend_shown_keys", default=None)


def _key_text(g: Any) -> str:
    """A group key for a message: plain Python values, a 1-tuple shown as its value; during
    :func:`compare_trends`, a ``by`` column that is one value in every group is left out
    (``saferstats trend --compare-with England``: 'Barnet', not ('England', 'Barnet')).

    >>> _key_text(("Essex", "Basildon")), _key_text(("Basildon",))
    ("('Essex', 'Basildon')", "'Basildon'")
    """
    g = plain(g)
    shown = _SHOWN_KEYS.get()
    if shown is not None and isinstance(g, tuple) and len(g) == shown[0]:
        g = tuple(g[i] for i in shown[1])
    if isinstance(g, tuple) and len(g) == 1:
        g = g[0]
    return repr(g)


def _named_by_what_varies(fn: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """Run :func:`compare_trends` with its groups named, in every message of it and of its two
    :func:`poisson_trend` fits, by the ``by`` columns whose value differs between groups: the
    command's comparison with England's other councils (``by=["_series", "_compared"]``, the first
    "England" in every row) named each council ('England', 'Barnet'). A column that varies is kept,
    and the first is kept where none does."""
    import functools

    @functools.wraps(fn)
    def run(data: Any, *args: Any, **kw: Any) -> pd.DataFrame:
        shown = None
        keys = _by_list(kw["by"]) if isinstance(kw.get("by"), (str, list, tuple)) else []
        if len(keys) > 1 and isinstance(data, pd.DataFrame) and set(keys) <= set(data.columns):
            varies = tuple(i for i, k in enumerate(keys) if data[k].nunique(dropna=False) > 1)
            shown = (len(keys), varies or (0,))
        token = _SHOWN_KEYS.set(shown)
        try:
            return fn(data, *args, **kw)
        finally:
            _SHOWN_KEYS.reset(token)

    return run


_KIND_HELP = {
    "financial year": "a financial year like '2016/17'",
    "year": "a year like '2016'",
    "month": "a month like '2016-03'",
}


def _parse_fy(v: str) -> float | None:
    m = _FY.match(v)
    if m is None:
        return None
    a, b = int(m.group(1)), m.group(2)
    end = int(b) if len(b) == 4 else (a // 100) * 100 + int(b)
    if len(b) == 2 and end < a:
        end += 100
    return float(a) if end == a + 1 else None


def _parse_year(v: str) -> float | None:
    m = _YEAR.match(v)
    return float(m.group(1)) if m else None


def _parse_month(v: str) -> float | None:
    m = _MONTH.match(v)
    if m is None or not 1 <= int(m.group(2)) <= 12:
        return None
    return int(m.group(1)) + (int(m.group(2)) - 1) / 12.0


_PARSERS = {"financial year": _parse_fy, "year": _parse_year, "month": _parse_month}
_STEPS = {"financial year": 1.0, "year": 1.0, "month": 1.0 / 12.0}
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def parse_periods_step(periods: Any, column: str) -> tuple[np.ndarray, float | None]:
    """:func:`parse_periods` plus the spacing of one step (1 for years, 1/12 for months; None
    when the column's own spacing decides: numbers, dates). A row is named by its label when
    ``periods`` is a Series with its own index (a DataFrame's column), with ``.position``."""

    def refuse(row: int, what: str) -> InvalidInputError:
        label = label_of(periods, row)  # the caller's row label, or the position
        return InvalidInputError(f"column {column!r} row {label!r}: {what}", column, label, position=row)

    try:
        s = periods.reset_index(drop=True) if isinstance(periods, pd.Series) else pd.Series(periods)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"column {column!r}: periods could not be read ({exc})", column) from None
    if len(s) == 0:
        return np.empty(0), None
    isna = s.isna().to_numpy() if s.dtype != object else np.array([v is None or v is pd.NaT or (isinstance(v, float) and v != v) or v is pd.NA for v in s], dtype=bool)
    if isna.any():
        row = int(np.flatnonzero(isna)[0])
        raise refuse(row, "missing period")
    if pd.api.types.is_bool_dtype(s):
        raise refuse(0, "periods must be numbers or labels, not True/False")
    if s.dtype == object:
        kinds = [isinstance(v, (bool, np.bool_)) for v in s]
        if any(kinds):
            row = kinds.index(True)
            raise refuse(row, f"periods must be numbers or labels, not {plain(s.iloc[row])!r}")
        if all(isinstance(v, numbers.Real) for v in s):
            s = pd.Series([float(v) for v in s])
    if pd.api.types.is_numeric_dtype(s):
        values = s.to_numpy(dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            row = int(bad[0])
            raise refuse(row, f"period {values[row]} is not a finite number")
        return values, None
    if isinstance(s.dtype, pd.PeriodDtype):
        s = s.dt.to_timestamp()
    if pd.api.types.is_datetime64_any_dtype(s):
        return (s.dt.year + (s.dt.month - 1) / 12.0).to_numpy(dtype=np.float64), None
    # each distinct label parsed once, in the order each first appears, then mapped back to the rows (a
    # label was parsed for every row: Defra's 3,222 rows have 10 years); the first label a kind cannot
    # read is first at the row where the row-by-row reading stopped, so the messages are the same
    codes, found = pd.factorize(s.astype(str).to_numpy(dtype=object))
    text = [str(v) for v in found]
    first_row = np.unique(codes, return_index=True)[1]  # where each distinct label first appears
    # one kind per column: the kind that reads every label wins (financial years first, so
    # "2011-12" is a financial year when every label is one); otherwise the kind that reads the
    # most leading labels names the first label it cannot read
    best_kind, best_row, best_label = "", -1, ""
    for kind, parse in _PARSERS.items():
        out = []
        for v in text:
            x = parse(v)
            if x is None:
                break
            out.append(x)
        else:
            values = np.asarray(out, dtype=np.float64)[codes]
            if kind == "month" and all(_FULL_DATE.match(v) for v in text):
                # dates written as text ("2019-04-01"): like datetimes, the column's own spacing is the
                # step (yearly dates are a year apart, not months with eleven missing between)
                return values, None
            return values, _STEPS[kind]
        stop = int(first_row[len(out)])  # the row of the first label this kind cannot read
        if stop > best_row:
            best_kind, best_row, best_label = kind, stop, text[len(out)]
    row = best_row
    if row == 0:
        raise refuse(0, f"cannot read period {best_label!r} (use numbers, '2016/17', '2016', or '2016-03')")
    first, before = label_of(periods, 0), label_of(periods, row - 1)
    rows = f"rows {first}-{before}" if (first, before) == (0, row - 1) else f"rows {first!r} to {before!r}"
    raise refuse(row, f"cannot read period {best_label!r} as {_KIND_HELP[best_kind]} ({rows} are {best_kind}s)")


def parse_periods(periods: Any, *, column: str = "period") -> np.ndarray:
    """Convert period labels to numbers on a years scale.

    Accepted, one kind per column: numbers (used as they are); financial years ``"2016/17"``,
    ``"2016-17"`` or ``"2016/2017"`` (-> 2016, the starting year); calendar years ``"2016"``;
    months ``"2021-03"`` / dates / pandas Periods or Timestamps (-> 2021 + (3 − 1)/12, so trends
    stay per year). A string like ``"2011-12"`` is read as a financial year when every label in the
    column is one (consecutive years), and as a month otherwise. Gaps are kept: 2015/16, 2016/17,
    2018/19 give 2015, 2016, 2018.

    Raises :class:`InvalidInputError` naming the column and the first row that cannot be read
    as the column's kind of period — by its label when ``periods`` is a Series with its own index
    (a DataFrame's column), with ``.position`` the 0-based row (True/False and missing values are
    refused).

    >>> parse_periods(["2015/16", "2016/17", "2017-18"])
    array([2015., 2016., 2017.])
    >>> parse_periods(["2021-01", "2021-12", "2022-01"]).round(4)
    array([2021.    , 2021.9167, 2022.    ])
    >>> parse_periods(["2011/12", "2012/13", "2017/183"])
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: column 'period' row 2: cannot read period '2017/183' as a financial year like '2016/17' (rows 0-1 are financial years)
    """
    return parse_periods_step(periods, column)[0]


@accepts_frames("data")
def financial_years(data: pd.DataFrame, *, date: str = "month", count: str | None = None,
                    by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Monthly counts (or records) totalled into financial years, April to March, as CSP strategic
    assessments and the Home Office's tables give them, each year labelled as the package labels
    a financial year elsewhere (``"2021/22"``: :func:`saferstats._periods.period_text`, the
    period that :func:`poisson_trend` and :func:`year_on_year` read).

    Method: each row's ``date`` (police.uk's ``month`` text ``"2021-06"``, as
    :func:`saferstats.read_street_crime` gives it, monthly pandas Periods, or dates; times with a
    zone in UK local time) is put in its month and the month in the financial year it falls in
    (April 2021 to March 2022 is 2021/22); ``count`` is summed by ``by`` and financial year, or with
    ``count=None`` the rows (records, one a crime) are counted. ``months`` is the number of the
    year's months there are figures for: with ``count`` the months each group has a row for (a
    month missing from a table of counts is a month without a figure); with ``count=None`` the
    months the table has any record in (a month with no record of one group is a 0 for it, not a
    gap). ``first_month`` and ``last_month`` say which. A year with fewer than 12 months is not a
    whole year and must not be compared as one: its ``complete`` is False, and a
    :class:`~saferstats.SaferstatsWarning` names it (also in ``.attrs["part_years"]``).

    Columns: the ``by`` columns, ``period`` (``"2021/22"``), the total (named ``count``, or
    ``"count"`` with ``count=None``), ``months``, ``complete``, ``first_month``, ``last_month``;
    one row per group and financial year, in order. A missing or unreadable ``date``, or a missing
    or non-numeric ``count``, is refused naming the column and the row.

    >>> import pandas as pd, saferstats, warnings
    >>> m = pd.DataFrame({"month": ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05"],
    ...                   "count": [10, 12, 9, 11, 14]})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fy = saferstats.financial_years(m, count="count")
    >>> fy
        period  count  months  complete first_month last_month
    0  2020/21     31       3     False     2021-01    2021-03
    1  2021/22     25       2     False     2021-04    2021-05
    >>> fy.attrs["part_years"]
    ['2020/21', '2021/22']
    """
    from ._periods import month_texts, months_as_dates, period_text

    keys = column_list("by", by)
    cols = {"date": date, **({"count": count} if count is not None else {}),
            **{f"by[{i}]": k for i, k in enumerate(keys)}}
    require_columns(data, cols)
    raw = data[date]
    dates, _ = months_as_dates(raw.astype(object) if isinstance(raw.dtype, pd.CategoricalDtype) else raw)
    if not pd.api.types.is_datetime64_any_dtype(dates):
        with warnings.catch_warnings():  # (pandas' "could not infer format": the rows are named below)
            warnings.simplefilter("ignore")
            dates = pd.to_datetime(dates, errors="coerce")
    if getattr(dates.dt, "tz", None) is not None:  # the month of UK local time
        dates = dates.dt.tz_convert("Europe/London").dt.tz_localize(None)
    bad = dates.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        said = "missing" if pd.isna(raw.iloc[i]) else f"cannot be read as a month or date: {plain(raw.iloc[i])!r}"
        err = MissingValueError if pd.isna(raw.iloc[i]) else InvalidInputError
        raise err(f"financial_years: column {date!r} (keyword `date`) row {label_of(data, i)!r}: {said} "
                  f"({number_of(int(bad.sum()), 'row')} in all); months look like '2021-06'", date, label_of(data, i))
    n = np.ones(len(data)) if count is None else _column_array(data, count, "count")
    if np.isnan(n).any():
        i = int(np.flatnonzero(np.isnan(n))[0])
        raise MissingValueError(f"financial_years: missing value (NaN) in column {count!r} (keyword `count`) at row "
                                f"{label_of(data, i)!r} ({number_of(int(np.isnan(n).sum()), 'row')} in all): a financial year "
                                "with a month's figure missing has no total; fill or leave out those rows first",
                                str(count), label_of(data, i))
    month = dates.dt.to_period("M").to_numpy()
    frame = pd.DataFrame({**{f"_by{i}": data[k].to_numpy() for i, k in enumerate(keys)},
                          "_fy": dates.dt.to_period("Y-MAR").to_numpy(), "_month": month, "_n": n})
    gcols = [*[f"_by{i}" for i in range(len(keys))], "_fy"]
    grouped = frame.groupby(gcols, sort=True, dropna=False)
    out = grouped["_n"].sum().reset_index()
    cover = (grouped if count is not None else frame.groupby("_fy", sort=True))["_month"].agg(["nunique", "min", "max"])
    cover = cover.reset_index() if count is not None else cover.reindex(out["_fy"]).reset_index(drop=True)
    total = out["_n"].to_numpy()
    name = count if count is not None else "count"
    res = pd.DataFrame({k: out[f"_by{i}"] for i, k in enumerate(keys)})
    res["period"] = [period_text(p) for p in out["_fy"]]
    res[name] = total.astype(np.int64) if np.all(total == np.round(total)) else total
    res["months"] = cover["nunique"].to_numpy(dtype=np.int64)
    res["complete"] = res["months"] == 12
    res["first_month"] = month_texts(pd.Series(cover["min"].to_numpy())).to_numpy()
    res["last_month"] = month_texts(pd.Series(cover["max"].to_numpy())).to_numpy()
    part = res[~res["complete"]]
    res.attrs["part_years"] = sorted(set(part["period"]))
    res.attrs["date_column"] = date
    if len(part):
        def _who(r: pd.Series) -> str:  # the group, where the months are each group's own
            return f"{_key_text(tuple(r[k] for k in keys))}: " if keys and count is not None else ""

        years = list(dict.fromkeys(f"{_who(r)}{r['period']} ({r['months']} month{'s' if r['months'] != 1 else ''}, "
                                   f"{r['first_month']} to {r['last_month']})" for _, r in part.iterrows()))
        warn_user(f"financial_years: {number_of(len(years), 'financial year')} with fewer than 12 months, not whole years "
                  f"(complete False): {'; '.join(years[:8])}{' ...' if len(years) > 8 else ''}; compare whole years "
                  "only (out[out['complete']]), or the same months of each year")
    return res


def _check_no_duplicates(data: pd.DataFrame, keys: list[Any], t: np.ndarray, period: str) -> None:
    """Each group × period once: the message names the by-columns and the period label as the
    user wrote them (no internal names) and the rows."""
    frame = pd.DataFrame({i: data[k].to_numpy() for i, k in enumerate(keys)}, index=range(len(t)))
    frame[len(keys)] = t
    if frame.duplicated().any() and period in data.columns:
        # dates less than a month apart (weekly or daily counts) are one month on the years scale of
        # parse_periods: they are not repeated rows, and the trend is on months at the finest
        raw = frame.assign(_raw=data[period].astype(str).to_numpy())
        if not raw.duplicated().any():
            i = int(np.flatnonzero(frame.duplicated(keep=False).to_numpy())[0])
            same = data[period].to_numpy()[(frame == frame.iloc[i]).all(axis=1).to_numpy()]
            shown = ", ".join(str(plain(v))[:10] for v in same[:4])
            month = f"pd.to_datetime(data[{period!r}]).dt.to_period('M')"
            group = f"[{', '.join(repr(k) for k in keys)}, {month}]" if keys else month
            raise InvalidInputError(
                f"column {period!r}: the periods are dates less than a month apart ({shown} are in one month), "
                "and dates are read as their month (periods are months at the finest: a trend's APC is per year "
                f"on months, financial years or years): add the counts up by month first, e.g. "
                f"data.groupby({group}).sum(numeric_only=True).reset_index()", period, label_of(data, i), position=i)
    _refuse_duplicates(data, frame, [*keys, period], period)


def _refuse_duplicates(data: pd.DataFrame, frame: pd.DataFrame, keys: list[Any], arg: str) -> None:
    """:class:`InvalidInputError` when a row of ``frame`` (the key values of ``data``'s rows, by
    position) repeats another: naming the first repeated key, the labels of **its** rows (not the
    positions, nor rows of other repeated keys) and the columns of ``data`` whose values tell those
    rows apart (OSCE's ``data_source``: "Official Records" and "Civil Society ..." in one country and
    year), to add to ``by``."""
    dup = frame.duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    i0 = int(np.flatnonzero(dup)[0])
    gid = frame.groupby(list(frame.columns), dropna=False, sort=False).ngroup().to_numpy()
    rows = [int(r) for r in np.flatnonzero(gid == gid[i0])]
    first = {str(k): plain(data[k].iloc[i0]) for k in keys}
    names = " × ".join(str(k) for k in keys)
    labels = [label_of(data, r) for r in rows[:6]]  # the table's own row labels (positions for a RangeIndex)
    apart = []
    for c in data.columns:
        if c in keys or (pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])):
            continue
        vals = data[c].iloc[rows]
        if vals.astype(str).nunique(dropna=False) > 1:
            apart.append(c)
    hint = (f"; they differ in {', '.join(repr(c) for c in apart[:4])}: add it to `by` to keep them apart, or keep "
            "one of them" if apart else "; no other column tells them apart (repeated, or mislabelled, in the source?): keep the right one")
    raise InvalidInputError(
        f"duplicate rows for {first} (rows {labels}{f' and {len(rows) - 6} more' if len(rows) > 6 else ''}); each {names} "
        f"must appear once{hint}",
        arg,
        labels[0], position=rows[0]
    )


def _column_array(data: pd.DataFrame, column: str, kw: str) -> np.ndarray:
    """``data[column]`` as floats; text that is not a number is named by the column, the keyword and
    the row's label (``as_float_array`` names it so already): the error keeps its ``.position`` and
    is marked as in the caller's terms, so that the functions' error translation does not read the
    label as a position a second time (a table indexed by its file lines, 2, 3, ...: "row 5" for the
    row labelled 3)."""
    try:
        return as_float_array(column, data[column])
    except InvalidInputError as exc:
        detail = str(exc).removeprefix(f"`{column}`")
        err = InvalidInputError(f"column {column!r} (keyword `{kw}`){detail}", column, exc.index)
        err.position = getattr(exc, "position", None)
        err.caller_terms = True  # type: ignore[attr-defined]
        raise err from exc


def _require_with_population(data: pd.DataFrame, cols: dict[str, Any], fn: str) -> None:
    """:func:`require_columns`, with a hint when the missing column is the default ``population``
    of a table that has none (the bulletin's strand series, OSCE's national counts): such a table
    is fitted on its counts with ``population=None``."""
    try:
        require_columns(data, cols)
    except InvalidInputError as exc:
        pop = cols.get("population")
        if exc.argument == "population" and pop is not None and near_column(list(data.columns), pop) is None:
            raise InvalidInputError(f"{exc}; for a table of counts with no population (the bulletin's strand "
                                    f"series) pass population=None: {fn}(..., population=None) uses the counts "
                                    "(their change is the change in the rate only while the population is steady)",
                                    "population") from None
        raise


@accepts_frames("data")
@confidence_levels("lower", "upper")
def add_rates(
    data: pd.DataFrame,
    *,
    count: str = "count",
    population: str = "population",
    multiplier: float = 100_000,
    confidence: float = 0.95,
    method: Literal["phe", "exact", "byar"] = "phe",
    missing: Literal["error", "propagate"] = "error",
) -> pd.DataFrame:
    """Rates with confidence intervals for every row of a tidy table (area × period × strand).

    A copy of ``data`` with ``rate, lower, upper, confidence, method`` added, computed by
    :func:`saferstats.rate_ci` (PHE: exact Poisson below 10, Byar's from 10), per ``multiplier``
    people (recorded in the result's ``.attrs["multiplier"]``).

    ``missing`` (as in :func:`~saferstats.rate_ci`): ``"error"`` (default) raises
    :class:`~saferstats.MissingValueError` naming the column and row of a missing count or
    population (e.g. a figure the source did not publish); ``"propagate"`` gives that row NaN
    rate and limits and keeps every row.

    A table whose ``attrs["population_note"]`` says its population is one figure for every year
    (:func:`saferstats.read_hate_crime` on the Home Office table by force) gets a
    :class:`~saferstats.SaferstatsWarning` repeating it: those rates are not on each year's
    population. A table with a ``census`` column (:func:`saferstats.census_population`'s Census
    year, which survives a merge) whose ``period`` (or ``year``, or police.uk's ``month``) is more
    than 3 years from that Census gets a warning naming those periods and the Census (Census 2021
    residents for 2017/18 crimes), and one saying so when that one Census population serves every period of a force or
    area (unless the ``population_note`` above says it already). With or without a ``census``
    column, an area whose population is one figure in 3 or more periods, two years apart or more
    (Census 2021 residents merged onto every year), is named in that warning and listed in the
    result's ``.attrs["same_population"]``: those rates are the counts over a constant.

    An area whose residents are a poor denominator (the City of London, police force area
    E23000034 or local authority E09000001: about 8,600 residents and hundreds of thousands of
    workers and visitors a day; :func:`non_resident_areas`) over a resident population gets a
    :class:`~saferstats.SaferstatsWarning` naming it with its count and residents (Home Office hate
    crime 2018/19 on Census 2021: 141 offences over 8,588 residents, 1,641.8 per 100,000), and is
    listed in the result's ``.attrs["non_resident_areas"]`` ([] when there is none).

    :func:`saferstats.census_population` is long: one row per area and ethnic group. Area counts
    (crimes per ward, from police.uk files) merged onto it land on each of the area's five rows,
    and every rate is then the area's count over **one ethnic group's** residents (Watford's
    Central ward, June 2021: 132 crimes over its 521 residents of Other ethnic groups, 253.4 per
    1,000, where the rate of its 11,405 residents is 11.6). A table with an ``ethnicity`` column whose count is the same on every ethnic group
    row of most of its areas gets a :class:`~saferstats.SaferstatsWarning` saying so: for rates of
    all residents sum the population over ethnicity before the join
    (``census_population("ward").groupby(["ward_code", "ward", "census"], as_index=False)["population"].sum()``).

    >>> import pandas as pd, saferstats
    >>> df = pd.DataFrame({"area": ["A", "B"], "count": [4, 40], "population": [50_000, 60_000]})
    >>> saferstats.add_rates(df).round(2)
      area  count  population   rate  lower  upper  confidence method
    0    A      4       50000   8.00   2.18  20.48        0.95  exact
    1    B     40       60000  66.67  47.62  90.78        0.95   byar
    >>> df.loc[1, "population"] = float("nan")  # not published
    >>> saferstats.add_rates(df, missing="propagate").round(2)[["area", "rate", "lower", "upper"]]
      area  rate  lower  upper
    0    A   8.0   2.18  20.48
    1    B   NaN    NaN    NaN
    """
    require_columns(data, {"count": count, "population": population})
    x = _column_array(data, count, "count")
    n = _column_array(data, population, "population")
    try:
        with core_errors(columns={"count": count, "population": population}, index=data.index):
            r = rate_ci(x, n, multiplier=multiplier, confidence=confidence, method=method, missing=missing)
    except SaferstatsError as exc:
        raise _row_named(exc, data) from None
    note = _warn_population_note("add_rates", data, population)
    same = _warn_census_year("add_rates", data, population,
                             _period_column(data))
    _warn_count_repeated_by_group("add_rates", data, count, population)
    non_resident = warn_non_resident("add_rates", data, count, population)
    out = data.copy()
    for col in ["rate", "lower", "upper", "confidence", "method"]:
        out[col] = r[col].to_numpy() if col != "method" else r[col].array
    out.attrs["non_resident_areas"] = non_resident
    _said_of_rows(out, note)
    reader_attrs_of_rows(out, data)  # a reader's summary and coverage, said of these rows
    out.attrs["same_population"] = same
    out.attrs["multiplier"] = r.attrs["multiplier"]  # rate, lower and upper are per this many
    return out


def _row_named(exc: SaferstatsError, data: pd.DataFrame) -> SaferstatsError:
    """``exc`` (already in the table's terms: ``at row <label>``) with the row's area and period
    added from ``data``'s first name column and its period column (:func:`_period_column`:
    ``period``, ``year`` or ``month``), as
    :func:`poisson_trend` names a row: "at row 3021 (Hackney, 2021/22)" — a row number alone sends
    the analyst looking for it in a table of 3,222 rows."""
    pos = getattr(exc, "position", None)
    if pos is None or not 0 <= int(pos) < len(data):
        return exc
    cols = [c for c in (next((c for c in _NAME_COLUMNS if c in data.columns), None), _period_column(data))
            if c is not None]
    if not cols:
        return exc
    said = ", ".join(str(plain(data[c].iat[int(pos)])) for c in cols)
    at = f"at row {plain(exc.index)!r}"
    msg = str(exc)
    if at not in msg:
        return exc
    # a label that repeats (pd.concat) is already followed by "(position 4: ...)": one bracket
    msg = msg.replace(f"{at} (position ", f"{at} ({said}; position ", 1) if f"{at} (position " in msg \
        else msg.replace(at, f"{at} ({said})", 1)
    return type(exc)(msg, exc.argument, exc.index, position=pos)


@accepts_frames("data")
@confidence_levels("lower", "upper", allow_one=True)
def shares(
    data: pd.DataFrame,
    *,
    count: str = "count",
    category: str = "strand",
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    multiplier: float = 100,
    total: Any = None,
) -> pd.DataFrame:
    """Share of each category within its group, with Wilson score intervals.

    The seed's "race 75%, disability 12%" figures: each strand's count over the group's total.
    Note strands can overlap (an offence may have several motivating factors); the denominator
    here is the sum over categories, i.e. shares of motivating factors. The Home Office's own
    percentages are of offences (Table 3 of the 2018/19 tables: Muslim 3,530 of 7,446 offences,
    47%, not 46% of the 7,717 targeted religions): ``total=`` gives those. Where the categories
    are the Home Office's hate crime strands (two or more of race, religion, sexual orientation,
    disability, transgender) and no ``total=`` is given, a :class:`~saferstats.SaferstatsWarning`
    says that the shares are of motivating factors, with the first group's sum (Hertfordshire
    2018/19: 1,682 motivating factors for 1,600 offences, race 73.0% of them, 76.8% of the
    offences). Shares of offences from :func:`saferstats.read_hate_crime`'s table by force:
    ``shares(hc.melt(id_vars=["force", "period"], value_vars=["race", "religion",
    "sexual_orientation", "disability", "transgender", "offences"], var_name="strand",
    value_name="count"), by=["force", "period"], total="offences")``.

    A total row among the categories would be counted in its own denominator: the strand series of
    :func:`saferstats.read_hate_crime` carries ``motivating_factors`` and ``offences`` (the
    table's "Total number of ..." rows), and with them race is 24% of 2018/19 instead of 70%.
    Categories named as totals (``offences``, ``motivating_factors``, ``Total ...``, ``All ...``)
    or whose count is the sum of the others in their group get a
    :class:`~saferstats.SaferstatsWarning` naming them and the filter that leaves them out. So do
    subtotals published beside their parts, as NHS England's Mental Health Act statistics give S136
    detentions by ethnicity (``White`` 10,483 = ``British`` 9,670 + ``Irish`` 94 + ``Any Other White
    background`` 719, and so for every broad group): a category whose count is that of two to four
    others, one of them "Any other <it>" (or all of them "<it> - ..."), is named with its parts.

    ``total=`` names the category whose count is each group's denominator instead, e.g.
    ``total="offences"``: shares **of offences**, as the Home Office's bulletin text puts them ("76%
    of hate crimes were race hate crimes", 78,991 of 103,379 offences in 2018/19, against 70% of the
    112,637 motivating factors). Those rows are the denominators, not categories: they are left out
    of the result, the shares add up to more than 100 when one offence has several strands, and the
    ``method`` says what the denominator is. A group without that category is an error naming it.

    >>> import pandas as pd, saferstats
    >>> df = pd.DataFrame({"strand": ["Race", "Disability", "Other"], "count": [75, 12, 13]})
    >>> saferstats.shares(df)[["strand", "count", "total", "share", "lower", "upper"]].round(1)
           strand  count  total  share  lower  upper
    0        Race     75  100.0   75.0   65.7   82.5
    1  Disability     12  100.0   12.0    7.0   19.8
    2       Other     13  100.0   13.0    7.8   21.0
    """
    keys = _by_list(by)
    require_columns(data, {"count": count, "category": category, **{f"by[{i}]": k for i, k in enumerate(keys)}})
    if total is not None:
        return _shares_of_total(data, count=count, category=category, keys=keys, total=total,
                                confidence=confidence, multiplier=multiplier)
    x = _column_array(data, count, "count")
    _refuse_duplicates(data, pd.DataFrame({i: data[k].to_numpy() for i, k in enumerate(keys + [category])},
                                          index=range(len(data))), keys + [category], category)
    totals = _warn_total_categories(data, x, keys, category)
    _warn_unknown_categories(data, x, keys, category, totals)
    if not totals.any():
        _warn_strand_shares(data, x, keys, category)
    blank = np.flatnonzero(np.isnan(x))
    if blank.size:  # a count not published (the strand table's 'offences' of 2011/12): its category and group
        i = int(blank[0])
        what = ", ".join(str(plain(data[k].iloc[i])) for k in [category, *keys])
        marked = [str(v) for v in (data.attrs.get("totals") or []) if isinstance(v, str)]
        fix = (f"; {plain(data[category].iloc[i])!r} is one of the table's totals, to leave out in any case: "
               f"data[~data[{category!r}].isin({marked!r})]" if str(plain(data[category].iloc[i])) in marked else
               ": leave out the groups that have one (or the row, if its category is no part of the others)")
        raise MissingValueError(
            f"missing value (NaN) in column {count!r} at row {plain(data.index[i])!r} ({what}); {number_of(blank.size, 'row')} in "
            f"all {'has' if blank.size == 1 else 'have'} no count, and a share needs every count of its group (their sum is the denominator){fix}",
            count, plain(data.index[i]), position=i)
    out = data.copy()
    if keys:
        totals = pd.Series(x, index=data.index).groupby([data[k] for k in keys]).transform("sum").to_numpy()
    else:
        totals = np.full(len(x), x.sum())
    empty = np.flatnonzero(totals == 0)
    if empty.size:  # a share of nothing: name the group, not the core's "`trials` ... 0"
        i = int(empty[0])
        if not keys:
            raise InvalidInputError(f"column {count!r} adds up to 0: there are no events to share out", count, i)
        n_groups = len({tuple(data[k].iloc[j] for k in keys) for j in empty})
        by_text = repr(keys if len(keys) > 1 else keys[0])
        raise InvalidInputError(
            f"group {({str(k): plain(data[k].iloc[i]) for k in keys})} has no events in column {count!r} (total 0), "
            f"so its shares are undefined ({number_of(n_groups, 'group')} in all); leave such groups out, e.g. "
            f"data[data.groupby({by_text})[{count!r}].transform('sum') > 0]", count, i)
    with core_errors(columns={"successes": (count, "count")}, index=data.index, missing_hint=False):
        ci = proportion_ci(x, totals, confidence=confidence, multiplier=real_option("multiplier", multiplier))
    out["total"] = totals
    out["share"] = ci["value"].to_numpy()
    out["lower"] = ci["lower"].to_numpy()
    out["upper"] = ci["upper"].to_numpy()
    out["confidence"] = float(confidence)
    out["method"] = ci["method"].array
    reader_attrs_of_rows(out, data)  # a reader's summary and coverage, said of these rows
    return out


def _shares_of_total(data: pd.DataFrame, *, count: str, category: str, keys: list[Any], total: Any,
                     confidence: float, multiplier: float) -> pd.DataFrame:
    """:func:`shares` with ``total=``: each category's count over the count of the ``total``
    category of its group (the Home Office's offences), Wilson intervals; the total rows left out."""
    cat = data[category].map(plain).to_numpy(dtype=object)
    is_total = np.array([c == total for c in cat], dtype=bool)
    if not is_total.any():
        names = list(dict.fromkeys(str(c) for c in cat))[:12]
        raise InvalidInputError(f"total={total!r}: no row of column {category!r} is that category; its categories "
                                f"are {names}", "total")
    x = _column_array(data, count, "count")
    frame = pd.DataFrame({f"k{i}": data[k].to_numpy() for i, k in enumerate(keys)}, index=range(len(data)))
    gcols = [f"k{i}" for i in range(len(keys))]
    gid = frame.groupby(gcols, sort=False, dropna=False).ngroup().to_numpy() if keys else np.zeros(len(data), int)
    dup = [g for g in np.unique(gid[is_total]) if int((gid[is_total] == g).sum()) > 1]
    if dup:
        i = int(np.flatnonzero(is_total & (gid == dup[0]))[1])
        raise InvalidInputError(f"total={total!r}: two rows of that category in one group (row {plain(data.index[i])!r});"
                                " each group needs one", category, label_of(data, i))
    denom_by_group = {int(g): x[i] for g, i in zip(gid[is_total], np.flatnonzero(is_total))}
    rest = np.flatnonzero(~is_total)
    lacking = [i for i in rest if int(gid[i]) not in denom_by_group]
    if lacking:
        i = int(lacking[0])
        where = ", ".join(f"{k}={plain(data[k].iloc[i])!r}" for k in keys) or "the table"
        raise InvalidInputError(f"total={total!r}: group {where} has no {total!r} row to divide by (row "
                                f"{plain(data.index[i])!r})", "total", label_of(data, i))
    for name, rows in (("the total", np.flatnonzero(is_total)), ("a category", rest)):
        gap = [int(i) for i in rows if np.isnan(x[i])]
        if gap:  # a figure not published (Table 2's offences in 2011/12): named by its own row
            i = gap[0]
            what = ", ".join(str(plain(data[k].iloc[i])) for k in [*keys, category])
            raise MissingValueError(f"missing value (NaN) in column {count!r} at row {plain(data.index[i])!r} ({what}: "
                                    f"{name}); {number_of(len(gap), 'such row')} — leave their groups out, e.g. the periods with "
                                    f"a published {total!r}", count, label_of(data, i))
    denom = np.array([denom_by_group[int(gid[i])] for i in rest], dtype=float)
    num = x[rest]
    over = np.flatnonzero(num > denom)
    if over.size:
        i = int(rest[over[0]])
        raise InvalidInputError(f"column {count!r} at row {plain(data.index[i])!r}: {num[over[0]]:g} is more than the "
                                f"group's {total!r} ({denom[over[0]]:g}), so it is not part of that total", count,
                                label_of(data, i))
    sub = data.iloc[rest]
    with core_errors(columns={"successes": (count, "count"), "trials": (count, "count")}, index=sub.index,
                     missing_hint=False):
        ci = proportion_ci(num, denom, confidence=confidence, multiplier=real_option("multiplier", multiplier))
    out = sub.copy()
    out["total"] = denom
    out["share"] = ci["value"].to_numpy()
    out["lower"] = ci["lower"].to_numpy()
    out["upper"] = ci["upper"].to_numpy()
    out["confidence"] = float(confidence)
    out["method"] = pd.Categorical([f"{m} (of {total})" for m in ci["method"].astype(str)])
    reader_attrs_of_rows(out, data)  # a reader's summary and coverage, said of the rows passed
    return out


_TOTAL_NAMES = {"offences", "all offences", "total offences", "motivating factors", "total", "all", "all strands",
                "total number of offences", "total number of motivating factors"}


def _names_a_total(name: Any) -> bool:
    """A group of :func:`compare_trends` named as a total: 'offences', 'motivating_factors', 'Total
    offences', 'All strands' (not 'All Saints', a ward: "all ..." only as :data:`_TOTAL_NAMES` has it).

    >>> [_names_a_total(n) for n in ["Total offences", "motivating_factors", "Race", "All Saints"]]
    [True, True, False, False]
    """
    n = re.sub(r"[\s_]+", " ", str(plain(name))).strip().lower()
    return n in _TOTAL_NAMES or n.startswith("total ")


def _warn_total_categories(data: pd.DataFrame, x: np.ndarray, keys: list[str], category: str) -> np.ndarray:
    """Warn when a category of :func:`shares` is a total of the others (its count would be counted
    twice in the denominator): named as one, or equal to the sum of the other categories of its
    group (at least two others, not themselves named as totals). Returns which rows are such totals."""
    names = [str(plain(v)) for v in data[category].tolist()]
    norm = [re.sub(r"[\s_]+", " ", n).strip().lower() for n in names]
    named = np.array([n in _TOTAL_NAMES or n.startswith(("total ", "all ")) for n in norm], dtype=bool)
    summed = np.zeros(len(names), dtype=bool)
    groups = (pd.Series(range(len(names))).groupby([data[k].to_numpy() for k in keys]).indices.values()
              if keys else [np.arange(len(names))])
    # a category equal to the sum of only two others is often chance (NHS counts rounded to 5: Asian 5,
    # Black 10, White 15 in one ICB of 43): taken as a total with three or more others, or where it is
    # the sum of the others in every group that has it
    tested: dict[str, int] = {}
    hits: dict[str, list[int]] = {}
    for pos in groups:
        pos = np.asarray(pos, dtype=int)
        keep = pos[~named[pos] & np.isfinite(x[pos])]
        if len(keep) < 3:
            continue
        rest = x[keep].sum()
        for i in keep:
            tested[names[i]] = tested.get(names[i], 0) + 1
            if x[i] > 0 and x[i] == rest - x[i]:
                if len(keep) >= 4:
                    summed[i] = True
                hits.setdefault(names[i], []).append(int(i))
    for name, rows in hits.items():
        if len(rows) == tested[name]:
            summed[rows] = True
    _warn_subtotal_categories(data, x, names, named | summed, groups, category)
    flagged = list(dict.fromkeys(n for n, f in zip(names, named | summed) if f))
    if flagged:
        shown = ", ".join(repr(n) for n in flagged[:6])
        # strands beside the totals (Table 2 as read): what the shares are once the totals are left
        # out is said here too, one warning, not a second one on the next call
        rest = data[~(named | summed)]
        strands = _strand_shares_said(rest, x[~(named | summed)], keys, category)
        others = [n for n in flagged if n != "offences"]
        here = (f" (the offences are a row here already: shares(data[~data[{category!r}].isin({others!r})], ..., "
                "total='offences'))" if strands and "offences" in flagged else "")
        then = (f". Once {'it is' if len(flagged) == 1 else 'they are'} left out, {strands[0].lower()}{strands[1:]}"
                f"{here}" if strands else "")
        warn_user(f"shares: categor{'y' if len(flagged) == 1 else 'ies'} {shown} of column {category!r} "
                  f"{'is a total' if len(flagged) == 1 else 'are totals'} of the others (named as one, or the sum of "
                  "the other categories), so every share is understated (each count is also in the total); leave "
                  f"{'it' if len(flagged) == 1 else 'them'} out, e.g. data[~data[{category!r}].isin({flagged[:6]!r})]"
                  f"{then}")
    return named | summed


def _warn_strand_shares(data: pd.DataFrame, x: np.ndarray, keys: list[str], category: str) -> None:
    """:func:`shares` without ``total=`` of Home Office hate crime strands: they are not exclusive (one
    offence can have several motivating factors), so the denominator, the strands' sum, is the
    motivating factors, not the offences the Home Office states its shares of. Said, with the
    first group's sum and its first strand's share, and the way to shares of offences."""
    said = _strand_shares_said(data, x, keys, category)
    if said:
        warn_user(f"shares: {said}")


def _strand_shares_said(data: pd.DataFrame, x: np.ndarray, keys: list[str], category: str) -> str | None:
    """What :func:`_warn_strand_shares` says of the rows ``data`` (the categories of :func:`shares`
    without its total rows), or None where fewer than two are Home Office strands. The total
    categories' warning (:func:`_warn_total_categories`) ends with it, so that strands beside their
    totals (Table 2 as read) get one warning saying both."""
    norm = [re.sub(r"[\s_]+", " ", str(plain(v))).strip().lower() for v in data[category].tolist()]
    is_strand = np.array([n in HATE_CRIME_STRANDS for n in norm], dtype=bool)
    if len({HATE_CRIME_STRANDS[n] for n in np.asarray(norm, dtype=object)[is_strand]}) < 2:
        return None
    first = np.flatnonzero(is_strand)[0]
    same = np.ones(len(norm), dtype=bool)
    for k in keys:
        same &= (data[k] == data[k].iloc[first]).to_numpy(dtype=bool)
    total = float(np.nansum(x[same]))
    where = ", ".join(str(plain(data[k].iloc[first])) for k in keys)
    label = str(plain(data[category].iloc[first]))
    share = 100 * x[first] / total if total > 0 else float("nan")
    shown = ", ".join(dict.fromkeys(str(plain(v)) for v, h in zip(data[category].tolist(), is_strand) if h))
    return (f"the categories of column {category!r} are hate crime strands ({shown}), which are not "
            "exclusive (one offence can have several motivating factors), so each group's total here is the sum of "
            f"its strands, its motivating factors, not its offences ({where + ': ' if where else ''}{total:,.0f}), "
            f"and each share is of motivating factors ({label} {share:.1f}%), not of offences as the Home Office "
            "states them (\"76% of hate crimes were race hate crimes\", 2018/19); for shares of offences give each "
            "group's offences as a row of that category and pass total='offences' (the shares then add up to "
            "more than 100; from read_hate_crime's table by force: hc.melt(id_vars=['force', 'period'], "
            "value_vars=['race', 'religion', 'sexual_orientation', 'disability', 'transgender', 'offences'], "
            "var_name='strand', value_name='count'))")


def _subtotal_options(t: int, pos: np.ndarray, x: np.ndarray, names: list[str], words: list[set[str]]) -> list[tuple[int, ...]]:
    """Ways the counts of categories (positions) add up to category ``t``'s where the labels say it
    is their subtotal, as NHS / ONS ethnicity tables publish them: two to four parts, one of them
    "Any other <t>" (``White`` = ``British`` + ``Irish`` + ``Any Other White background``), or all
    of them ``<t> - ...`` / ``<t>: ...``, or ``t`` and its parts all "not known" labels (``Unknown``
    = ``Not Known`` + ``Not Stated``). Sums that only happen to match among unrelated labels are
    not reported; :func:`_warn_subtotal_categories` picks among several ways."""
    from itertools import combinations

    own = words[t]
    rest = [int(i) for i in pos if i != t and np.isfinite(x[i]) and 0 < x[i] < x[t]]
    low = names[t].strip().lower()
    prefixed = [i for i in rest if re.match(re.escape(low) + r"\s*(?:-|:)\s*\S", names[i].strip().lower())]
    if len(prefixed) >= 2 and abs(sum(x[i] for i in prefixed) - x[t]) < 1e-9:
        return [tuple(prefixed)]
    unknown = bool(_UNKNOWN.search(low))
    anchors = [i for i in rest
               if (re.match(r"^\s*(any\s+)?other\b", names[i].lower()) and own & words[i])
               or (unknown and _UNKNOWN.search(names[i].lower()))]
    # "Any other Mixed background" is no part of White: another group's "other" is left out of the search
    foreign = {i for i in rest if re.match(r"^\s*(any\s+)?other\b", names[i].lower()) and not own & words[i]}
    found: list[tuple[int, ...]] = []
    for r in anchors:
        others = [i for i in rest if i != r and i not in foreign
                  and (not unknown or _UNKNOWN.search(names[i].lower()))]
        if len(others) > 40:
            continue
        need = x[t] - x[r]
        for k in (1, 2, 3):
            for c in combinations(others, k):
                if abs(sum(x[i] for i in c) - need) < 1e-9:
                    found.append(tuple(sorted((r, *c))))
                    if len(found) >= 30:
                        return list(dict.fromkeys(found))
    return list(dict.fromkeys(found))


def _disjoint_subtotals(options: dict[int, list[tuple[int, ...]]]) -> dict[int, tuple[int, ...]]:
    """One way per subtotal such that no category is a part of two subtotals, nor both a subtotal
    and a part: the choice covering the most subtotals, then the most parts (a broad group's parts
    are all of its detailed groups, so the true split covers the most)."""
    ts = sorted(options)
    best: tuple[tuple[int, int], dict[int, tuple[int, ...]]] = ((0, 0), {})
    steps = [0]

    def walk(k: int, used: frozenset[int], chosen: dict[int, tuple[int, ...]]) -> None:
        nonlocal best
        steps[0] += 1
        if steps[0] > 20_000:
            return
        if k == len(ts):
            score = (len(chosen), sum(len(v) for v in chosen.values()))
            if score > best[0]:
                best = (score, dict(chosen))
            return
        t = ts[k]
        if t not in used:
            for parts in options[t]:
                if not used & set(parts) and not set(parts) & set(chosen):
                    chosen[t] = parts
                    walk(k + 1, used | set(parts) | {t}, chosen)
                    del chosen[t]
        walk(k + 1, used, chosen)

    walk(0, frozenset(), {})
    return best[1]


def _warn_subtotal_categories(data: pd.DataFrame, x: np.ndarray, names: list[str], skip: np.ndarray, groups: Any,
                              category: str) -> None:
    """Warn when categories of :func:`shares` are subtotals of others (:func:`_subtotal_options`):
    NHS England's Mental Health Act statistics publish S136 detentions by ethnicity as broad groups
    *and* their detailed groups (White 10,483 = British 9,670 + Irish 94 + Any Other White 719), so
    shares over all the rows count most detentions twice (Black or Black British 2.1% of 43,050 rows,
    where it is 6.8% of the 13,156 detentions of known ethnicity)."""
    from .disclosure import label_words

    words = [label_words(n) for n in names]
    found: dict[str, str] = {}
    for pos in groups:
        pos = np.asarray(pos, dtype=int)
        pos = pos[~skip[pos]]
        options = {int(t): o for t in pos if np.isfinite(x[t]) and x[t] > 0
                   for o in [_subtotal_options(int(t), pos, x, names, words)] if o}
        for t, parts in sorted(_disjoint_subtotals(options).items()):
            found.setdefault(names[t], f"{names[t]!r} ({x[t]:,.0f} = "
                             + " + ".join(f"{names[i]!r} {x[i]:,.0f}" for i in parts) + ")")
    if not found:
        return
    subs = list(found)
    shown = "; ".join(list(found.values())[:4]) + (f"; and {len(found) - 4} more" if len(found) > 4 else "")
    warn_user(f"shares: {len(subs)} categor{'y' if len(subs) == 1 else 'ies'} of column {category!r} "
              f"{'is a subtotal' if len(subs) == 1 else 'are subtotals'} of other categories, as the source publishes "
              f"broad groups beside their parts: {shown}. Their cases are in the total twice, so every share is "
              f"understated. Keep either the subtotals or their parts, e.g. data[~data[{category!r}].isin({subs[:6]!r})] "
              "for shares of the detailed groups")


#: A category whose name says its values are not known (Defra's "Other (unidentified)" land type,
#: an ethnicity "Not stated"), read on the words of its name.
_UNKNOWN = re.compile(r"\b(unknown|unidentified|not known|not recorded|not stated|unspecified|not specified)\b")
#: An unknown category at or above this share of its group's total is named by :func:`shares`.
_UNKNOWN_SHARE = 0.05


def _warn_unknown_categories(data: pd.DataFrame, x: np.ndarray, keys: list[str], category: str,
                             totals: np.ndarray | None = None) -> None:
    """Warn when a category of :func:`shares` says its cases' category is not known and holds 5% or
    more of a group's total: every other share is then of a total that includes the unknowns, and
    reads as smaller than its share of the cases whose category is known (Defra fly-tipping 2021/22:
    Camden put 31,462 of 32,517 incidents on "Other (unidentified)" land, so highways read 1.4%).
    The share is of the group's categories without the rows ``totals`` marks (the total rows
    :func:`_warn_total_categories` names, which it says to leave out): Table 3 of the Home Office's
    2018/19 hate crime tables as read, with its two totals, has 'Unknown' 1,255 of the 7,717
    targeted religions, 16.3%, not 5.5% of the three rows' sum."""
    names = [str(plain(v)) for v in data[category].tolist()]
    unknown = np.array([bool(_UNKNOWN.search(re.sub(r"[\s_/()-]+", " ", n).lower())) for n in names], dtype=bool)
    if not unknown.any():
        return
    counted = np.isfinite(x) if totals is None else np.isfinite(x) & ~totals
    frame = pd.DataFrame({"x": np.where(counted, x, 0.0), "u": unknown})
    for i, k in enumerate(keys):
        frame[f"k{i}"] = data[k].to_numpy()
    gcols = [f"k{i}" for i in range(len(keys))]
    tot = frame.groupby(gcols, sort=False)["x"].transform("sum").to_numpy() if keys else np.full(len(x), frame.x.sum())
    share = np.divide(frame["x"].to_numpy(), tot, out=np.zeros(len(x)), where=tot > 0)
    big = np.flatnonzero(unknown & (share >= _UNKNOWN_SHARE))
    if not big.size:
        return
    worst = big[np.argsort(-share[big], kind="stable")]
    where = "; ".join((f"{', '.join(str(plain(data[k].iloc[i])) for k in keys)}: " if keys else "")
                      + f"{names[i]!r} {100 * share[i]:.1f}%" for i in worst[:5])
    more = f" (and {len(big) - 5} more)" if len(big) > 5 else ""
    cats = list(dict.fromkeys(names[i] for i in big))
    warn_user(f"shares: categor{'y' if len(cats) == 1 else 'ies'} {', '.join(repr(c) for c in cats[:4])} of column "
              f"{category!r} {'says its' if len(cats) == 1 else 'say their'} cases' category is not known, and "
              f"{'is' if len(cats) == 1 else 'are'} 5% or more of the total in {number_of(len(big), 'group')} ({where}{more}): "
              "every other share is of a total that includes them, and understates that category's share of the cases "
              "whose category is known. Say so beside the shares, or leave them out for shares of the known, e.g. "
              f"data[~data[{category!r}].isin({cats[:4]!r})]")


def _sorted_groups(
    data: pd.DataFrame, keys: list[str], t: np.ndarray
) -> tuple[np.ndarray, list[tuple[Any, np.ndarray]]]:
    """Row order sorted by group then period, and (group key, positions) per group."""
    # positional column labels: no clash with (and no leak of) the user's column names
    frame = pd.DataFrame({i: data[k].to_numpy() for i, k in enumerate(keys)}, index=range(len(t)))
    frame[len(keys)] = t
    try:
        order = frame.sort_values(list(range(len(keys) + 1)), kind="stable").index.to_numpy()
    except TypeError:  # a by-column mixing e.g. text and numbers: keep first-appearance order
        codes = pd.DataFrame({i: pd.factorize(frame[i])[0] for i in range(len(keys))})
        codes[len(keys)] = t
        order = codes.sort_values(list(range(len(keys) + 1)), kind="stable").index.to_numpy()
    if keys:
        grouped = frame.loc[order].groupby(list(range(len(keys))), sort=False, dropna=False).indices
        groups = [(plain(k) if isinstance(k, tuple) else (plain(k),), order[v]) for k, v in grouped.items()]
    else:
        groups = [((), order)]
    return order, groups


_DISPERSIONS = ("poisson", "quasi", "negbin", "auto")
_DISPERSION_ALIASES = ("quasipoisson", "quasi-poisson", "nb", "nb2")


#: A column of area codes beside a column of names (Defra's ``la_code``; any column named ``... code``).
_CODE_COLUMN = re.compile(r"(^|[ _])code$", re.IGNORECASE)


def renamed_codes_note(data: pd.DataFrame, by: Sequence[Any], period: str = "period", *,
                       option: str | None = None, cli: bool = False, show: int = 6) -> str:
    """Where ``by`` is one column of names and a code column beside it (Defra's ``la_code``; any
    column named ``... code``) has a code under two or more of its names (Defra's fly-tipping:
    E06000023 is 'Bristol, City of' to 2020/21 and 'Bristol' in 2021/22), the sentence that says so
    and that grouping by the code column keeps each as one series; else ``""``. The one wording of
    :func:`poisson_trend`'s and :func:`year_on_year`'s messages and of ``saferstats trend --by
    NAME``'s warning (until session 32 the two said it differently, "... separate series" and "...
    separate trends, each a part of the series", and the library counted the codes with "(s)").
    Names are in ``period`` order; the first ``show`` codes (6) are shown, then "and N more".

    The sentence is neutral ("grouping by la_code keeps each ..."): a caller names its own way
    of grouping with ``option``, a template of the code column, ``option="by={code!r}"`` (the
    library's functions) or ``option="--by {code}"`` (the command line). ``cli=True`` is a
    deprecated alias of ``option="--by {code}"`` (kept for the callers that pass it).

    >>> d = pd.DataFrame({"la_code": ["E1", "E1", "E2", "E2"], "la_name": ["Old", "New", "B", "B"],
    ...                   "period": ["2020/21", "2021/22"] * 2})
    >>> print(renamed_codes_note(d, ["la_name"], "period"))
    1 code in la_code appears under two or more la_name values, so each is split into separate series (renamed: E1 'Old' / 'New'): grouping by la_code keeps each as one series (its names are in la_name beside it)
    >>> renamed_codes_note(d, ["la_name"], "period", option="by={code!r}").split(": ")[-1]
    "by='la_code' keeps each as one series (its names are in la_name beside it)"
    """
    if option is None and cli:
        option = "--by {code}"
    keys = list(by)
    if len(keys) != 1 or keys[0] not in data.columns:
        return ""
    col = keys[0]
    for code in data.columns:
        if code == col or not isinstance(code, str) or not _CODE_COLUMN.search(code.strip()):
            continue
        has = data[[code, col]].notna().all(axis=1).to_numpy()
        pairs = data.loc[has, [code, col]]
        if period in data.columns:  # the names in period order ('Bristol, City of' / 'Bristol')
            try:
                t, _ = parse_periods_step(data[period].to_numpy()[has], period)
                pairs = pairs.iloc[np.argsort(t, kind="stable")]
            except (SaferstatsError, ValueError, TypeError):
                pass
        pairs = pairs.astype(str).drop_duplicates()
        names = pairs.groupby(code, sort=True)[col].agg(list)
        renamed = names[names.map(len) > 1]
        if len(renamed) and not renamed.index.isin(pairs[col]).any():
            shown = "; ".join(f"{c} {' / '.join(map(repr, n))}" for c, n in list(renamed.items())[:show]) + (
                f" and {len(renamed) - show:,} more" if len(renamed) > show else "")
            advice = f"grouping by {code}" if option is None else option.format(code=code)
            return (f"{number_of(len(renamed), 'code')} in {code} {'appears' if len(renamed) == 1 else 'appear'} "
                    f"under two or more {col} values, so each is split into separate series (renamed: {shown}): "
                    f"{advice} keeps each as one series (its names are in {col} beside it)")
    return ""


def _renamed_note(data: pd.DataFrame, keys: list[Any], period: str) -> str:
    """:func:`renamed_codes_note` as advice added to a message (``"; ..."``), else ``""``.

    >>> d = pd.DataFrame({"la_code": ["E1", "E1"], "la_name": ["Old", "New"], "period": ["2020/21", "2021/22"]})
    >>> _renamed_note(d, ["la_name"], "period")[:40]
    '; 1 code in la_code appears under two or'
    """
    note = renamed_codes_note(data, keys, period, option="by={code!r}")
    return f"; {note}" if note else ""


def _code_name_column(data: pd.DataFrame, keys: list[Any]) -> str | None:
    """Where ``by`` is one column of area codes (``la_code``; any column named ``... code``), the
    column of names beside it (``la_name``, or another ``... name`` column), else None."""
    if len(keys) != 1 or not isinstance(keys[0], str) or keys[0] not in data.columns \
            or not _CODE_COLUMN.search(keys[0].strip()):
        return None
    paired = re.sub(r"code$", "name", keys[0].strip(), flags=re.IGNORECASE)
    names = [c for c in data.columns if isinstance(c, str) and c != keys[0]
             and (c == paired or re.search(r"(^|[ _])name$", c.strip(), re.IGNORECASE))]
    return None if not names else (paired if paired in names else names[0])


def _code_names(data: pd.DataFrame, keys: list[Any], period: str) -> dict[Any, str]:
    """Each code's name (its latest, in period order) where ``by`` is a code column with a column
    of names beside it (:func:`_code_name_column`), so that a message names the area as well as
    its code (Defra's fly-tipping: 'E06000062' (West Northamptonshire)); else ``{}``.

    >>> d = pd.DataFrame({"la_code": ["E1", "E1", "E2"], "la_name": ["Old", "New", "B"],
    ...                   "period": ["2021/22", "2020/21", "2021/22"]})
    >>> _code_names(d, ["la_code"], "period")
    {'E1': 'Old', 'E2': 'B'}
    """
    col = _code_name_column(data, keys)
    if col is None:
        return {}
    code = keys[0]
    pairs = data.loc[data[[code, col]].notna().all(axis=1).to_numpy(), [code, col]]
    if period in data.columns:
        try:
            t, _ = parse_periods_step(data.loc[pairs.index, period], period)
            pairs = pairs.iloc[np.argsort(t, kind="stable")]
        except (SaferstatsError, ValueError, TypeError):
            pass
    return {plain(c): str(n) for c, n in zip(pairs[code].tolist(), pairs[col].tolist())}


def _group_label(g: Any, names: dict[Any, str], detail: str, short: str) -> str:
    """A group and a detail for a message: ``'E06000062' (West Northamptonshire): 1 period`` where
    :func:`_code_names` has the code's name, else ``'E06000062' (1)`` (``short``)."""
    key = plain(g)
    key = key[0] if isinstance(key, tuple) and len(key) == 1 else key
    return f"{_key_text(g)} ({names[key]}): {detail}" if key in names else f"{_key_text(g)} ({short})"


def short_group_labels(data: pd.DataFrame, groups: Sequence[tuple[Any, int | str]], *,
                       by: str | Sequence[str] | None = None, period: str = "period") -> list[str]:
    """Groups named as :func:`poisson_trend` and :func:`year_on_year` name them in their messages,
    so that a script's or the command line's own messages say the same: ``'E06000062' (West
    Northamptonshire): 1 period`` where ``by`` is a code column with a name column beside it
    (Defra's ``la_code`` and ``la_name``: the name of the code's latest ``period``), else
    ``'Bristol' (1)``.

    ``groups``: each group's key (a value of ``by``, or a tuple of values for several columns) and
    what to say of it — a number of periods (``1 period``, ``2 periods``), or a text said as it is
    (``'E06000023' (Bristol): 2012/13 to 2020/21``).

    >>> import pandas as pd
    >>> d = pd.DataFrame({"la_code": ["E1", "E1", "E2"], "la_name": ["Old", "New", "B"],
    ...                   "period": ["2020/21", "2021/22", "2021/22"]})
    >>> short_group_labels(d, [("E1", 2), ("E2", 1)], by="la_code")
    ["'E1' (New): 2 periods", "'E2' (B): 1 period"]
    >>> short_group_labels(d, [("B", 1)], by="la_name")
    ["'B' (1)"]
    >>> short_group_labels(d, [("E1", "2020/21 to 2021/22")], by="la_code")
    ["'E1' (New): 2020/21 to 2021/22"]
    """
    named = _code_names(data, _by_list(by), period)
    return [_group_label(g, named, k, k) if isinstance(k, str) else
            _group_label(g, named, f"{k} period{'s' if k != 1 else ''}", str(k)) for g, k in groups]


@accepts_frames("data")
@confidence_levels("apc_lower", "apc_upper")
@translates_core_errors(frame="data", columns={"count": "count", "population": "population"})
def poisson_trend(
    data: pd.DataFrame,
    *,
    count: str = "count",
    population: str | None = "population",
    period: str = "period",
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    dispersion: Literal["poisson", "quasi", "negbin", "auto"] = "poisson",
    missing: Literal["error", "drop", "propagate"] = "error",
    use_t: bool | Literal["auto"] = False,
    seasonality: Literal["dummies", "fourier"] | None = None,
    season_length: int | None = None,
    harmonics: int | None = None,
) -> pd.DataFrame:
    """Log-linear trend of a rate over periods: the annual percentage change (APC) with CI.

    Method (``docs/methods/trends.md`` A5): Poisson GLM ``log E[y_t] = b0 + b1 t + log(pop_t)`` fitted by IRLS
    in Rust, one fit per ``by`` group, all groups in parallel; APC = 100(e^b1 − 1) with CI from
    b1 ± z·SE (t in years, see :func:`parse_periods`; a gap in the periods is a gap in t, so
    the APC stays per year). The Pearson χ²/df of the Poisson fit is
    reported as ``dispersion_ratio``. ``dispersion="quasi"`` scales the SE by its square root
    (statsmodels ``scale="X2"``), ``"negbin"`` fits NB2 with α by maximum likelihood (Poisson when α
    goes to 0), ``"auto"`` switches to quasi-Poisson when χ²/df > 1.5; the ``method`` column says
    which was used. ``population=None`` fits counts (no offset). A group whose population is one
    figure in 3 or more periods, two years apart or more (one Census merged onto every year: Derby's
    fly-tipping 2012/13-2021/22 on its 261,334 Census 2021 residents, APC +5.40%), has a constant
    offset, so its APC is the APC of its counts: a :class:`~saferstats.SaferstatsWarning` names those
    groups and ``.attrs["same_population"]`` lists them (the population, in how many periods of how
    many). A table whose ``year`` (the calendar year of :func:`saferstats.read_mid_year_population`'s
    estimate) beside financial-year periods is not the year each starts (mid-2024 merged onto
    Trafford's 2019/20 to 2021/22 fly-tipping by code alone) gets the warning of
    :func:`saferstats.add_rates`, naming the rows. The default ``"poisson"`` does
    not allow for over-dispersion: groups whose χ²/df is above 1.5 are named in a
    :class:`~saferstats.SaferstatsWarning`; read ``dispersion_ratio`` (national
    race hate crime 2011/12-2018/19: 268.9, so the Poisson interval 13.85%-14.16% is √268.9 = 16
    times too narrow; quasi-Poisson 11.48%-16.59%), or pass ``"auto"``. Series of one call that
    run over different periods (Table 2's offences from 2012/13, its strands from 2011/12) are
    named in a :class:`~saferstats.SaferstatsWarning` with each one's first and last period: their
    APCs are not over the same years.

    Monthly and quarterly counts (``docs/methods/trends.md``, "Monthly counts: the season"): the
    model has no term for the time of year, so a seasonal swing is read as trend and as
    over-dispersion, whole years or not (racially or religiously aggravated offences, April 2013 to
    March 2015: +12.0% a year through the 24 months, where the two years' totals rose 19.25%).
    Each series of two years or more is refitted with a term for each month (quarter) of the year;
    when those terms are material (quasi F test, p < 0.05) a :class:`~saferstats.SaferstatsWarning`
    gives that fit's APC and χ²/df beside the table's, and the remedies: the totals of whole years
    (whose APC the month-of-year fit gives over whole years), :func:`saferstats.mann_kendall` with
    ``season_length=12``, or :func:`saferstats.its_poisson` with ``seasonality``. A series of fewer
    than two years is said to be too short to check. ``.attrs["season"]`` lists the checks; the
    table's own columns are the straight trend, unchanged.

    ``seasonality`` fits the season instead (the kind of seasonal term, as in
    :func:`saferstats.its_poisson`; ``docs/vocabulary.md``): ``"dummies"`` adds a term for each month
    (quarter) of the year, ``log E[y_t] = b0 + b1 t + month + log(pop_t)`` (R
    ``glm(y ~ t + factor(month))``), and ``"fourier"`` adds ``harmonics`` sin/cos pairs of the year
    (default 1). The APC is then the trend net of the season; over whole years the dummies' APC is
    the log-linear APC of the years' totals (Figure 2, April 2013 to March 2015: 19.25%, where the
    straight line gives 12.0%). ``season_length`` is the number of periods in a year, 12 for months
    and 4 for quarters, found from the periods when not given; yearly periods are refused (there is
    no season within them). A month of the year with no events in any year is left out with its
    term (its rows say nothing about the trend). A group with too few periods for the terms gets
    no estimate (note ``"too few periods for the seasonal terms"``). With dummies ``intercept`` is
    the line of the reference month (the first month of the year present), not an average month.
    The table gains a ``seasonality`` column saying which terms were fitted, no season check is
    made (the model has the season), and the residual df (``df_resid``, used by ``use_t``) are the
    periods less every coefficient.
    Computed in the core (``trend::poisson_trend``); reference: statsmodels' GLM with ``C(month)``
    (``src/trend/poisson.rs`` tests).

    A group with no trend to estimate gets NaN with method ``"not estimable"``, the reason in
    ``note`` and a :class:`~saferstats.SaferstatsWarning` naming it: all counts zero, or every
    event in the first or the last period (quasi-complete separation: the maximum-likelihood
    slope is −∞/+∞, where statsmodels reports a large finite slope with a huge SE).

    ``missing``: a count or population the source did not publish (NaN) raises
    :class:`~saferstats.MissingValueError` naming its row (``"error"``, the default); ``"drop"``
    leaves such rows out, counted in ``.attrs["excluded"]`` and named in a
    :class:`~saferstats.SaferstatsWarning`: the group's trend uses the periods it has (the missing
    period is a gap in t; ``n_periods`` says how many were used); ``"propagate"`` gives such a
    group no estimate (method ``"not estimable"``, note ``"a count or population is missing"``)
    and fits the other groups as usual.

    ``use_t`` (statsmodels' name, ``GLM.fit(use_t=True)``): ``False`` (default) gives the normal
    (z) limits b1 ± z·SE and p-value, as statsmodels' default and ``docs/methods/trends.md`` A5.
    ``True`` refers b1/SE to Student's t on the residual degrees of freedom, ``n_periods − 2``,
    for the limits and ``p_value`` (the ``z`` column is still b1/SE): what R's ``summary.glm``
    reports for a quasi-Poisson fit (``glm(family = quasipoisson)``; ``confint.default`` with t
    quantiles), and what statsmodels' ``use_t=True`` does for every model here (Poisson, quasi,
    NB2, whose α is not counted in the df, as statsmodels' ``NegativeBinomial``). The dispersion
    is estimated from the same few points, so on a short series z is optimistic: six years
    over-dispersed (A5 reference 2), quasi-Poisson p 0.052 with z against 0.124 with t on 4 df.
    ``.attrs["intervals"]`` says which was used. A quasi-Poisson group (requested, or chosen by
    ``"auto"``) with fewer than 30 residual df and ``use_t=False`` gets a
    :class:`~saferstats.SaferstatsWarning` naming it: below 30 df the t quantile is more than 4%
    above z (2.04 against 1.96 at 30 df, 2.45 at 6, 2.78 at 4). ``use_t="auto"`` is R's
    ``summary.glm`` rule for each group (:func:`t_where_quasi`), what ``saferstats report`` and
    ``saferstats trend`` take: Student t on the residual df where the fit is quasi-Poisson, the
    normal where it is Poisson (or negative binomial: no dispersion estimated); an ``intervals``
    column after ``p_value`` says which each group has, ``"t (df=6)"`` or ``"z"`` (``None`` where
    there is no estimate), and ``.attrs["use_t"]`` is ``"auto"``. Reference: statsmodels
    ``GLM(...).fit(scale="X2")`` with t on ``df_resid`` for quasi-Poisson, ``GLM(...).fit()`` for
    Poisson (``tests/python/test_trend_use_t.py``).

    Returns
    -------
    DataFrame, one row per group: the ``by`` columns, ``apc, apc_lower, apc_upper, beta, se,
    dispersion_ratio, n_periods, method`` (the order fixed by issue 3), then ``z, p_value,
    df_resid, alpha, intercept, fitted_first_count, first_period, last_period, note``
    (``seasonality`` in place of ``fitted_first_count`` when seasonal terms were fitted),
    ``confidence``. The time axis ``t`` is the period on the years
    scale of :func:`parse_periods`, not counted from the first period: 2023.0 for ``"2023-01"``,
    2023.083 for ``"2023-02"``, 2012 for ``"2012/13"``. So ``intercept`` (b0) is the log of the line
    at t = 0, the line run back to year 0 AD: a number for scripts that rebuild the line
    (exp(intercept + beta * t)), not one to read (City of London's street crime by month in 2023,
    police.uk: -333.62). ``fitted_first_count`` is that line at each group's ``first_period``, the
    fitted count there, exp(intercept + beta * t0) times that period's population (716.5 in January
    2023, where 719 were recorded; as a GLM fitted on t - t0, whose intercept is its log); NaN where
    there is no estimate. With seasonal terms the line is one month's (or without the season), not
    the fitted count, and the column is left out. ``df_resid`` is the residual degrees of freedom, the
    periods less every coefficient (``n_periods - 2`` without seasonal terms; with month-of-year
    dummies also less 11): the df of ``use_t``'s Student t and of ``dispersion_ratio``, whichever
    ``use_t`` is (as ``df_resid`` of :func:`saferstats.its_poisson`); ``<NA>`` where there is no
    estimate (the ``note`` says why). ``.attrs``: ``excluded``
    (rows left out by ``missing="drop"``), ``use_t`` and ``intervals`` (``"normal (z)"`` or
    ``"Student t on the residual df (n_periods - 2)"``; with seasonal terms ``"... (df_resid: the
    periods less every coefficient)"``), ``season`` (monthly and quarterly periods: each group's
    check against a fit with month- or quarter-of-year terms, above; ``[]`` for years).

    Examples
    --------
    National race hate crime, England and Wales, 2011/12-2018/19 (Home Office):

    >>> import saferstats
    >>> nat = saferstats.datasets.hate_crime_national().query("strand == 'Race'")
    >>> tr = saferstats.poisson_trend(nat, population=None, period="year", dispersion="quasi")
    >>> tr[["apc", "apc_lower", "apc_upper", "dispersion_ratio", "method"]].round(2)
         apc  apc_lower  apc_upper  dispersion_ratio         method
    0  14.01      11.48      16.59            268.89  quasi-poisson

    Eight years leave 6 residual df: with ``use_t=True`` the interval and p-value are R's
    ``summary.glm`` (t on 6 df) rather than the normal ones (which warn on so few points):

    >>> tt = saferstats.poisson_trend(nat, population=None, period="year", dispersion="quasi", use_t=True)
    >>> tt[["apc", "apc_lower", "apc_upper"]].round(2)
         apc  apc_lower  apc_upper
    0  14.01      10.86      17.24
    >>> f"{tt.p_value.iloc[0]:.2g} (t on {tt.n_periods.iloc[0] - 2} df) against {tr.p_value.iloc[0]:.2g} (z)"
    '2.6e-05 (t on 6 df) against 1.8e-30 (z)'
    >>> tt.attrs["intervals"]
    'Student t on the residual df (n_periods - 2)'

    ``use_t="auto"``: t where quasi-Poisson, the normal where Poisson, as R's ``summary.glm``:

    >>> two = saferstats.datasets.hate_crime_national().query("strand in ['Race', 'Transgender']")
    >>> saferstats.poisson_trend(two, population=None, period="year", by="strand", dispersion="auto",
    ...                          use_t="auto")[["strand", "apc_lower", "apc_upper", "intervals"]].round(2)
            strand  apc_lower  apc_upper intervals
    0         Race      10.86      17.24  t (df=6)
    1  Transgender      31.57      39.18  t (df=6)

    Racially or religiously aggravated offences by month over two whole years: the straight trend
    reads the season as trend; month-of-year terms give the years' totals' change, +19.25%:

    >>> months = saferstats.datasets.hate_crime_monthly().iloc[:24]
    >>> s = saferstats.poisson_trend(months, count="offences", population=None, period="month",
    ...                              dispersion="quasi", seasonality="dummies")
    >>> s[["apc", "apc_lower", "apc_upper", "seasonality"]].round(2)
         apc  apc_lower  apc_upper                     seasonality
    0  19.25      12.59      26.31  dummies (12 a year)
    >>> int(s["n_periods"].iloc[0]), int(s["df_resid"].iloc[0])  # 24 months less 13 coefficients
    (24, 11)
    """
    # use_t="auto", R's rule per row (_t_or_z): one fit, with t unless the dispersion gives no quasi-Poisson
    # row, and the normal's limits of its Poisson rows from the same slopes and SEs
    auto = use_t_option(use_t) == "auto"
    if auto:
        use_t = _t_first(dispersion)
    keys = _by_list(by)
    dispersion = choice_option("dispersion", dispersion, _DISPERSIONS, _DISPERSION_ALIASES)
    use_t = true_false_option("use_t", use_t)
    cols = {"count": count, "period": period, **{f"by[{i}]": k for i, k in enumerate(keys)}}
    if population is not None:
        cols["population"] = population
    _require_with_population(data, cols, "poisson_trend")
    warn_reports_by_users("poisson_trend", count, data)
    missing = choice_option("missing", missing, ("error", "drop", "propagate"))
    y = _column_array(data, count, "count")
    pop = np.ones(len(y)) if population is None else _column_array(data, population, "population")
    absent = np.isnan(y) | np.isnan(pop)
    if missing == "propagate":  # the core gives those groups no estimate
        absent[:] = False
    if absent.any():
        rows = np.flatnonzero(absent)
        name_col = _code_name_column(data, keys)  # by='la_code': the council's name beside its code

        def _row_text(i: int) -> str:
            shown = [str(data[k].iloc[i]) for k in [*keys, period]]
            if name_col is not None and isinstance(data[name_col].iloc[i], str):
                shown[0] = f"{shown[0]} ({data[name_col].iloc[i]})"
            return f"row {plain(data.index[i])!r} ({', '.join(shown)})"

        where = "; ".join(_row_text(int(i)) for i in rows[:10]) + (f" (and {len(rows) - 10} more)" if len(rows) > 10 else "")
        if missing == "error":
            col = count if np.isnan(y[rows[0]]) else population
            raise MissingValueError(
                f"missing value (NaN) in column {col!r} at {where.split(';')[0]}; {number_of(len(rows), 'row')} in all {'has' if len(rows) == 1 else 'have'} a "
                "missing count or population — pass missing='drop' to fit each group on the periods it has, or "
                "missing='propagate' to leave those groups without a trend",
                str(col), int(rows[0]))
        warn_user(f"poisson_trend: {number_of(len(rows), 'row')} with a missing count or population left out: {where}; "
                  f"their groups' trends use the periods they have{_whole_periods_missing(data, absent, y, period, count, population)}")
        data = data[~absent]
        y, pop = y[~absent], pop[~absent]
    n_excluded = int(absent.sum())
    t, step = parse_periods_step(data[period], period)
    _check_no_duplicates(data, keys, t, period)
    order, groups = _sorted_groups(data, keys, t)
    terms = _seasonal_terms(seasonality, season_length, harmonics, groups, t, period)
    recording = _recording_changes(data, groups, keys, period)
    small = [(g, len(pos)) for g, pos in groups if len(pos) < 3]
    if small:
        g, k = small[0]
        renamed = _renamed_note(data, keys, period)
        named = _code_names(data, keys, period)  # 'E06000062' (West Northamptonshire), not the code alone
        if len(small) == 1 or not keys:
            key = plain(g)[0] if isinstance(plain(g), tuple) and len(plain(g)) == 1 else plain(g)
            who = f"group {_key_text(g)}{f' ({named[key]})' if key in named else ''}" if keys else "the series"
            raise InvalidInputError(
                f"{who} has {number_of(k, 'period')}; a trend needs at least 3 (column {period!r}){renamed}", period
            )
        # many groups (OSCE states, with the years each published): name them all, and the filter
        shown = "; ".join(short_group_labels(data, small[:8], by=keys, period=period)) + (
            f" and {len(small) - 8} more" if len(small) > 8 else "")
        by_text = repr(keys if len(keys) > 1 else keys[0])
        if len(small) < len(groups):
            advice = f"Fit the others, e.g. data[data.groupby({by_text})[{count!r}].transform('count') >= 3]"
        else:
            # no group to fit (the Home Office table by force: 2017/18 and 2018/19 only): no filter helps
            labels = data[period].to_numpy()
            seen = list(dict.fromkeys(plain(labels[i]) for i in np.argsort(t, kind="stable")))
            advice = (f"No group can have a trend: the table has {number_of(len(seen), 'period')}"
                      f"{' with figures' if n_excluded else ''} in all ("
                      + ", ".join(map(str, seen[:6])) + (" …" if len(seen) > 6 else "") + ")"
                      + ("; year_on_year compares one period with another" if len(seen) >= 2 else ""))
        raise InvalidInputError(
            f"{len(small)} of {len(groups)} groups have fewer than 3 periods{' with figures' if n_excluded else ''} "
            f"(column {period!r}), and a trend needs at least 3: {shown}. {advice}{renamed}", period)
    flat = np.concatenate([pos for _, pos in groups]) if groups else np.empty(0, dtype=int)
    offsets = np.cumsum([0] + [len(pos) for _, pos in groups]).tolist()
    # the core sees the rows sorted by group and period; positions in the caller's table (rows left
    # out by missing="drop" come before: the error names the row the caller has, not the one above it)
    core_rows(np.flatnonzero(~absent)[flat] if n_excluded else flat)
    res = _ext.poisson_trend_many(
        np.ascontiguousarray(y[flat]),
        np.ascontiguousarray(pop[flat]),
        np.ascontiguousarray(t[flat]),
        offsets,
        confidence=float(confidence),
        dispersion=dispersion,
        auto_threshold=1.5,
        missing="propagate" if missing == "propagate" else "error",
        use_t=use_t,
        seasonality=terms,
    )
    out = pd.DataFrame(
        [dict(zip(keys, g if isinstance(g, tuple) else (g,))) for g, _ in groups], index=range(len(groups))
    )
    for col in ["apc", "apc_lower", "apc_upper", "beta", "se", "dispersion_ratio", "n_periods"]:
        out[col] = res[col]
    out["method"] = pd.Categorical.from_codes(res["method"], categories=_TREND_LABELS)  # issue 3's column order
    for col in ["z", "p_value"]:
        out[col] = res[col]
    # the residual df (use_t's t, the dispersion's χ²/df): the periods less every coefficient
    # (none where there is no estimate: a group too short for its seasonal terms has no df, not 0)
    df_resid = pd.array(np.asarray(res["df_resid"], dtype=np.int64), dtype="Int64")
    df_resid[np.asarray(res["note"]) != 0] = pd.NA
    out["df_resid"] = df_resid
    for col in ["alpha", "intercept"]:
        out[col] = res[col]
    if terms is None:  # (with seasonal terms the line is one month's, or without the season: not the fit)
        out.insert(out.columns.get_loc("intercept") + 1, "fitted_first_count",
                   _fitted_first_count(out, [pos[0] for _, pos in groups], t, pop))
    labels = data[period].to_numpy()
    out["first_period"] = [labels[pos[0]] for _, pos in groups]
    out["last_period"] = [labels[pos[-1]] for _, pos in groups]
    out["note"] = [_TREND_NOTES[c] for c in res["note"]]
    if terms is not None:
        out["seasonality"] = _seasonal_label(terms)
    out["confidence"] = float(confidence)
    skipped = [(g, note) for (g, _), note in zip(groups, out["note"]) if note]
    if skipped:
        names = "; ".join(f"{_key_text(g) if keys else 'the series'}: {note}" for g, note in skipped[:10])
        more = f" (and {len(skipped) - 10} more)" if len(skipped) > 10 else ""
        warn_user(f"poisson_trend: no trend estimated for {number_of(len(skipped), 'group')} — {names}{more}")
    if dispersion == "poisson":
        _warn_overdispersed(out["dispersion_ratio"].to_numpy(dtype=float), [g for g, _ in groups], bool(keys))
    season = [] if terms else _warn_season("poisson_trend", out, groups, y, pop, t, keys, float(confidence))
    if not use_t:
        quasi = out["method"].astype(str).str.startswith("quasi-poisson").to_numpy()
        _warn_few_df("poisson_trend", [g for g, _ in groups], bool(keys), quasi,
                     np.asarray(res["df_resid"], dtype=int))
    # every series with a period missing inside it is named, also when missing="drop" left rows out
    # (a row left out makes a gap too, and another group's gap in the table is no less a gap)
    _warn_trend_gaps(groups, t, step, data[period].to_numpy(), keys, _code_names(data, keys, period))
    _warn_recording_changes("poisson_trend", recording, keys)
    touched = footnoted(data, labels, flat)
    _warn_footnotes("poisson_trend", touched, f"{'the trends run' if keys else 'the trend runs'} over")
    _warn_different_spans(out, [g for g, _ in groups])
    if population is not None:  # a calendar `year` beside financial years (add_rates and year_on_year say it too)
        warn_calendar_year_on_financial_years("poisson_trend", data, population, period)
    out.attrs["same_population"] = _warn_same_population("poisson_trend", data, population, period, keys, trend=True)
    out.attrs["footnotes"] = touched
    out.attrs["excluded"] = n_excluded
    out.attrs["recording_changes"] = recording
    out.attrs["season"] = season
    out.attrs["use_t"] = use_t
    out.attrs["intervals"] = (_Z_INTERVALS if not use_t else _T_INTERVALS if terms is None
                              else "Student t on the residual df (df_resid: the periods less every coefficient)")
    if auto:
        return _t_or_z(out, "apc", use_t, lambda: _normal_limits(out["beta"], out["se"], float(confidence)))
    return out


#: The words of :func:`_warn_different_spans` (:func:`compare_trends`' comparator runs over each area's periods).
_SPANS_TEXT = "trends cover different periods"


def _warn_different_spans(out: pd.DataFrame, groups: list[Any]) -> None:
    """Say when the series of one call run over different periods (Home Office Table 2: offences
    from 2012/13, the strands from 2011/12): their APCs are then not over the same years. Each span,
    its first and last period, with the series that have it (the longest list last)."""
    spans: dict[tuple[str, str], list[str]] = {}
    for g, first, last in zip(groups, out["first_period"], out["last_period"]):
        spans.setdefault((plain(first), plain(last)), []).append(_key_text(g))
    if len(spans) < 2:
        return
    shown = "; ".join(
        f"{', '.join(names[:6])}{f' (and {len(names) - 6} more)' if len(names) > 6 else ''} {a} to {b}"
        for (a, b), names in sorted(spans.items(), key=lambda kv: len(kv[1])))
    warn_user(f"poisson_trend: the {_SPANS_TEXT} ({len(spans)} spans of first to last period: {shown}), so their "
              "APCs are not over the same years: compare them over the periods they share (first_period, "
              "last_period)")


def _fitted_first_count(out: pd.DataFrame, first: list[int], t: np.ndarray, pop: np.ndarray) -> np.ndarray:
    """:func:`poisson_trend`'s ``fitted_first_count``: each group's fitted line at its first period,
    exp(intercept + beta * t0) times that period's population (1 without one), t0 the first period
    on the years scale of :func:`parse_periods` (2023.0 for "2023-01") - the fitted count there, where
    ``intercept`` is the log of the line at t = 0, year 0 (City of London's street crime by month in
    2023: intercept -333.62, fitted first count 716.5). NaN where there is no estimate."""
    if not len(first):
        return np.full(len(out), np.nan)
    t0, p0 = t[np.asarray(first)], pop[np.asarray(first)]
    with np.errstate(over="ignore", invalid="ignore"):
        line: np.ndarray = np.exp(out["intercept"].to_numpy(dtype=float) + out["beta"].to_numpy(dtype=float) * t0)
    fitted: np.ndarray = line * p0
    return fitted


def _whole_periods_missing(data: pd.DataFrame, absent: np.ndarray, y: np.ndarray, period: str, count: str,
                           population: str | None) -> str:
    """What to add when ``missing="drop"`` leaves out every row of some periods: which periods, and
    the column with no figure in them (Defra's ``mid_population_estimates``, published from 2019/20
    only: a "trend" of 2012/13 to 2021/22 runs over three years), else ``""``."""
    labels = data[period].astype(str).to_numpy()
    gone = sorted(p for p in set(labels) if absent[labels == p].all())
    if not gone or len(gone) == len(set(labels)):
        return ""
    col = count if np.isnan(y[np.isin(labels, gone)]).all() else population
    left = sorted(set(labels) - set(gone))
    shown = ", ".join(gone[:8]) + (" ..." if len(gone) > 8 else "")
    return (f"; column {col!r} has no figure in any row of {number_of(len(gone), 'period')} ({shown}), so every trend runs over "
            f"the other {len(left)} only ({left[0]} to {left[-1]}: first_period, last_period)"
            + (": for the whole series give populations of your own for those periods (matched on the area's code), "
               "or fit the counts with population=None" if col == population else ""))


@_named_by_what_varies
def compare_trends(
    data: pd.DataFrame,
    *,
    comparator: Any,
    by: str | Sequence[str],
    count: str = "count",
    population: str | None = "population",
    period: str = "period",
    confidence: float = 0.95,
    dispersion: Literal["poisson", "quasi", "negbin", "auto"] = "poisson",
    missing: Literal["error", "drop", "propagate"] = "error",
    use_t: bool | Literal["auto"] = False,
    subtract: bool = False,
    seasonality: Literal["dummies", "fourier"] | None = None,
    season_length: int | None = None,
    harmonics: int | None = None,
) -> pd.DataFrame:
    """Is each area's rate rising (or falling) faster than the comparator's? The ratio of their
    annual rate ratios, with CI and p-value.

    Method (``docs/methods/trends.md`` A5, "Is one trend faster than another?"): a log-linear
    trend is fitted to each area and to the comparator over the periods both have, exactly as
    :func:`poisson_trend` (same ``dispersion``, ``missing`` and warnings); in the Rust core the
    difference of the slopes d = b_area − b_comparator gets SE √(SE_area² + SE_comparator²) and
    ``ratio`` = e^d, the area's annual rate ratio over the comparator's, with Wald limits e^(d ± z·SE)
    and the two-sided normal ``p_value`` — or, with ``use_t=True`` (as :func:`poisson_trend`: both
    trends' limits from Student t on their residual df), Student t on the Welch–Satterthwaite df
    of the two fits' residual df (each fit's ``df_resid``: its periods less every coefficient;
    the ``df`` column; ``inf`` for the normal); ``use_t="auto"`` takes R's ``summary.glm`` rule for
    each comparison (:func:`t_where_quasi`), as ``saferstats report`` and ``saferstats trend
    --compare-with`` do: that Student t where either fit is quasi-Poisson, the normal where both
    are Poisson, with an ``intervals`` column after ``p_value``, ``"t (df=8.64)"`` or ``"z"``
    (``None`` where there is no estimate). ``ratio`` 1.05: the area's rate grows 5% a year faster
    (relatively) than the comparator's; 1: alike. With Poisson fits this is R's area × time
    interaction, ``glm(count ~ g * t + offset(log(pop)), family = poisson)``; with quasi-Poisson
    each series keeps its own dispersion (a national series is usually far more over-dispersed
    than a local one). Reference: ``tests/fixtures/trend_compare.json`` (R 4.2).

    ``by``: the column that names the areas (e.g. ``"force"``), then any columns to compare
    within (``["force", "strand"]``: each force's race trend against the comparator's race trend).
    ``comparator``: a value of that column (``"England and Wales"``; its rows are the comparator,
    every other area is compared with it), or a DataFrame with the comparator's ``count``,
    ``period`` (and ``population``, and the ``by`` columns after the first) — e.g. a national
    series read from another file. A name that is one of the total rows a reader left out of the
    table (Defra's England, in :func:`saferstats.read_flytipping`'s ``.attrs["totals"]``, counted on
    another basis from the authorities' rows before 2019/20) is an error that gives, as code that
    runs on ``data``, the comparison to make instead - the one ``saferstats report`` and ``saferstats
    trend --compare-with England`` make: each area against the sum of the table's other areas
    counted like for like over the area's own periods (:func:`like_for_like_others` with
    :func:`saferstats.report.sections.like_for_like_councils`: a count in each, one reporting
    basis, no recorded change, no step of 2-fold or more), the area left out of it. The
    table's totals (``.attrs["totals"]``: the strand table's ``offences`` and ``motivating_factors``; or groups named as totals, ``"Total offences"``) are
    no group beside a strand: against a strand they are left out with a warning (race is 76% of
    the offences), and against one total the other is left out; pass a total as the comparator to
    set each strand against it. Only periods both series have are compared (the others are
    left out and named in a :class:`~saferstats.SaferstatsWarning`), so the two slopes are over
    the same years. ``subtract=True``: the comparator's counts and population include the area's
    (England and the force in it), so the area is compared with the rest (comparator − area); a
    comparator total is not independent of an area inside it, and the comparison understates any
    difference — an area whose counts are a fifth or more of the comparator's gets a warning when
    ``subtract`` is False, where it can be inside the comparator: its counts (and population) never
    above the comparator's, the comparator's name not saying it leaves areas out ("rest of",
    "less", "excluding"), and the table's areas not adding up to more than the comparator in every
    period (Defra's councils against Hartlepool are beside it, not in it: no warning; England's
    regions against England: London, 33-41% of it, is named). A calendar ``year`` beside
    financial-year periods that is not the year each starts is said as by :func:`poisson_trend`
    (of ``data``, and of a ``comparator`` table as "the comparator").

    Counts recorded differently over the years (:func:`saferstats.read_flytipping`'s
    ``recording_step`` and ``reporting_basis`` columns, in ``data`` or in a comparator table) are
    looked for in the area's series and the comparator's over the periods compared, as
    :func:`poisson_trend` does: a ``recording_change`` column (after ``note``) names each
    comparison's changes ("comparator Hartlepool: 2019/20 to 2020/21: reporting basis 'All
    incidents' to 'Customer/public reported only'"; ``""`` for none), a
    :class:`~saferstats.SaferstatsWarning` counts them, and ``.attrs["recording_changes"]`` lists
    them (``series``: ``"area"`` or ``"comparator"``). A table without those columns has no
    ``recording_change`` column.

    Monthly and quarterly counts: each side is checked for a season as :func:`poisson_trend` checks
    a series (its straight trend refitted with a term for each month or quarter of the year, quasi
    F test) — the area's series, and the comparator's over the same periods — and a
    :class:`~saferstats.SaferstatsWarning` names each side whose month-of-year pattern is material,
    or that is too short to check. Both sides are checked, not only the pair: the ratio compares
    two straight trends, and a season cancels out of it only where it has the same shape and size
    in both series over the same months (a city centre's summer peak against a force's flatter
    year does not); where either side's is material, compare the APCs with month-of-year terms
    (``apc_seasonal`` in ``.attrs["season"]``) or the totals of whole years. ``.attrs["season"]``
    lists the checks, each with the ``by`` columns and ``series``: ``"area"`` or
    ``"comparator"``; ``[]`` for yearly periods. The table's columns are the straight trends,
    unchanged. ``seasonality`` (with ``season_length`` and ``harmonics``, as :func:`poisson_trend`)
    fits the season instead: each side's trend gets its own seasonal terms (the area's season
    need not have the comparator's shape), so the ratio compares the two trends net of each
    side's season, the ``seasonality`` column says which terms were fitted, and there is no season
    check. Two such independent fits are the area × time interaction of one GLM with area ×
    month-of-year terms, R's ``glm(count ~ g * (t + factor(month)))``.

    Returns
    -------
    DataFrame, one row per area (the ``by`` columns): ``comparator`` (its name, or "England and Wales
    less Hertfordshire" with ``subtract``), ``apc, apc_lower, apc_upper``
    (the area's annual % change), ``comparator_apc, comparator_apc_lower, comparator_apc_upper``,
    ``ratio, ratio_lower, ratio_upper, z, p_value, df, n_periods, first_period, last_period,
    dispersion_ratio, comparator_dispersion_ratio, note, confidence, method`` (``method``: the
    trend model of the area, and of the comparator where it differs; ``note``: why there is no
    estimate). ``.attrs["excluded"]`` counts the area rows left out (periods the comparator does
    not have, and with ``missing="drop"`` periods without a count or population in the area or the
    comparator), and ``.attrs["excluded_rows"]`` lists the latter (``row``, ``period``,
    ``missing_in``: ``"area"`` or ``"comparator"``, and the ``by`` columns), as the warning names
    them (Table 2's offences of 2011/12, not published).

    Examples
    --------
    Home Office Table 2 (England and Wales, 2011/12–2018/19): has disability hate crime risen
    faster than race hate crime? (The strands stand in for two areas here.)

    >>> import saferstats
    >>> nat = saferstats.datasets.hate_crime_national()
    >>> two = nat[nat.strand.isin(["Race", "Disability"])]
    >>> c = saferstats.compare_trends(two, by="strand", comparator="Race", population=None,
    ...                               period="year", dispersion="quasi")
    >>> c[["strand", "apc", "comparator_apc", "ratio", "ratio_lower", "ratio_upper"]].round(3)
           strand     apc  comparator_apc  ratio  ratio_lower  ratio_upper
    0  Disability  29.735          14.007  1.138        1.086        1.192
    >>> f"{c.p_value.iloc[0]:.2g}"
    '4.8e-08'
    """
    # use_t="auto" (_t_or_z): the two fits with t unless the dispersion gives no quasi-Poisson fit, and
    # the normal's limits of the comparisons of two Poisson fits from the same slopes and SEs
    auto = use_t_option(use_t) == "auto"
    if auto:
        use_t = _t_first(dispersion)
    keys = _by_list(by)
    if not keys:
        raise InvalidInputError("compare_trends needs `by`: the column that names each area", "by")
    subtract = true_false_option("subtract", subtract)
    area_col, within = keys[0], keys[1:]
    cols = {"count": count, "period": period, **{f"by[{i}]": k for i, k in enumerate(keys)}}
    if population is not None:
        cols["population"] = population
    _require_with_population(data, cols, "compare_trends")
    warn_reports_by_users("compare_trends", count, data)
    value_cols = [count] + ([population] if population is not None else [])
    if population is not None:  # a calendar `year` beside financial years, in the areas' table and the comparator's
        warn_calendar_year_on_financial_years("compare_trends", data, population, period)
        if isinstance(comparator, pd.DataFrame) and population in comparator.columns:
            warn_calendar_year_on_financial_years("compare_trends (the comparator)", comparator, population, period)
    totals = [str(v) for v in (data.attrs.get("totals") or [])]  # a reader's total rows (read_hate_crime)
    if isinstance(comparator, pd.DataFrame):
        require_columns(comparator, {k: v for k, v in cols.items() if v != area_col}, what="comparator")
        names = comparator[area_col].dropna().unique() if area_col in comparator.columns else []
        name = str(names[0]) if len(names) == 1 else "the comparator"
        comp, areas = comparator, data
    else:
        mask = (data[area_col] == comparator).to_numpy()
        if not mask.any():
            values = [str(v) for v in pd.unique(data[area_col].dropna())]
            near = near_column(values, str(comparator))
            summed = _comparator_in_totals(data, comparator, area_col, count, population, period)
            if summed:
                raise InvalidInputError(f"comparator {comparator!r} is not a value of column {area_col!r}: {summed}",
                                        "comparator")
            raise InvalidInputError(
                f"comparator {comparator!r} is not a value of column {area_col!r}"
                + (f"; did you mean {near!r}?" if near is not None else f" (values: {values[:10]})"), "comparator")
        name, comp, areas = str(comparator), data[mask], data[~mask]
        if name in totals:
            # a reader's totals (read_hate_crime's strand table: offences, and motivating factors, more
            # as an offence can have several): against one, another is no group of it, nor inside it
            other = areas[area_col].astype(str).isin(totals).to_numpy()
            if other.any() and not other.all():
                shown = ", ".join(map(repr, dict.fromkeys(areas.loc[other, area_col].astype(str))))
                warn_user(f"compare_trends: the table's other total ({shown}; .attrs['totals']) is left out: each "
                          f"group is compared with {name!r}, and another total is no group of it (as the CLI's "
                          "--compare-with)")
                areas = areas[~other]
        elif not _names_a_total(name):
            # a group against another (race against the strand table's other strands): the table's totals
            # are no group beside them; 'offences' holds the comparator (race is 76% of it) and
            # 'motivating_factors' counts each offence once per strand, so neither is like for like. The
            # reader's .attrs['totals'], or groups named as totals (the packaged series' 'Total offences')
            area_names = areas[area_col].astype(str)
            other = (area_names.isin(totals) | area_names.map(_names_a_total)).to_numpy(bool)
            if other.any() and not other.all():
                found = list(dict.fromkeys(area_names[other]))
                shown = ", ".join(map(repr, found))
                where = "; .attrs['totals']" if all(f in totals for f in found) else ""
                warn_user(f"compare_trends: the table's totals ({shown}{where}) are left out: each group is "
                          f"compared with {name!r}, and a total is no group beside it (the comparator's counts are in "
                          "it); to set a group against a total, pass the total as the comparator (comparator="
                          f"{'offences' if 'offences' in found else found[-1]!r})")
                areas = areas[~other]
    if not len(areas):
        raise InvalidInputError(f"there is no area to compare with {name!r}: every row of column {area_col!r} "
                                "is the comparator", "by")
    if missing == "error":  # the comparator's own rows are named before they are paired with each area
        gone = comp[value_cols].isna().any(axis=1).to_numpy()
        if gone.any():
            i = int(np.flatnonzero(gone)[0])
            col = count if pd.isna(comp[count].iloc[i]) else str(population)
            raise MissingValueError(
                f"missing value (NaN) in the comparator's column {col!r} at row {plain(comp.index[i])!r} "
                f"({comp[period].iloc[i]}); pass missing='drop' to compare over the periods both series have", col,
                int(i))
    t_area, _ = parse_periods_step(areas[period], period)
    t_comp, _ = parse_periods_step(comp[period], period)
    # how each count was recorded (read_flytipping's recording_step / reporting_basis), the area's and
    # the comparator's: a comparison across a change in recording is flagged as a trend across one is
    area_rec = [c for c in _RECORDING_COLUMNS if c in areas.columns]
    area_rec += ["la_name"] if area_rec and "la_name" in areas.columns and "la_name" not in [*keys, period] else []
    comp_rec = [c for c in _RECORDING_COLUMNS if c in comp.columns]
    # by a code column: its names beside it go with the area's fit, which names 'E06000062' (West Northamptonshire)
    name_col = _code_name_column(areas, keys)
    named = [name_col] if name_col is not None and name_col not in [period, *value_cols] else []
    left = areas[list(dict.fromkeys([*keys, period, *value_cols, *area_rec, *named]))].assign(_t=t_area, _row=areas.index)
    right = comp[[*within, *value_cols]].assign(_t=t_comp, **{f"_comparator_{c}": comp[c].to_numpy() for c in comp_rec})
    _check_no_duplicates(right.assign(_area=0), [*within], t_comp, period)
    pair = left.merge(right, on=[*within, "_t"], how="left", suffixes=("", "_comparator"), validate="many_to_one")
    c_count = f"{count}_comparator"
    c_pop = f"{population}_comparator" if population is not None else None
    no_comp_row = ~pair.merge(right[[*within, "_t"]].assign(_has=True), on=[*within, "_t"], how="left")["_has"].fillna(False).to_numpy(bool)
    if no_comp_row.any():
        where = "; ".join(f"{_key_text(tuple(r))} {p}" for r, p in zip(pair.loc[no_comp_row, keys].itertuples(index=False),
                                                                    pair.loc[no_comp_row, period].tolist()[:10]))
        warn_user(f"compare_trends: {number_of(int(no_comp_row.sum()), 'area row')} {'has' if int(no_comp_row.sum()) == 1 else 'have'} a period the comparator ({name}) does not "
                  f"have and {'is' if int(no_comp_row.sum()) == 1 else 'are'} left out, so that both trends run over the same periods: {where}"
                  + (" …" if no_comp_row.sum() > 10 else ""))
    pair = pair[~no_comp_row]
    dropped, excluded_rows = 0, []
    if missing == "drop":
        nan = pair[[*value_cols, c_count] + ([c_pop] if c_pop else [])].isna().any(axis=1).to_numpy()
        if nan.any():
            dropped = int(nan.sum())
            own = pair[value_cols].isna().any(axis=1).to_numpy()
            where = "; ".join(
                # whose figure is missing: 'race' 2011/12 left out for the comparator's (offences), not race's
                f"row {plain(r)!r} ({_key_text(tuple(k))} {plain(p)}: "
                f"{'missing in the area' if o else f'missing in the comparator, {name}'})"
                for r, k, p, o in zip(pair.loc[nan, "_row"].tolist()[:10], pair.loc[nan, keys].itertuples(index=False),
                                      pair.loc[nan, period].tolist(), own[nan]))
            warn_user(f"compare_trends: {number_of(dropped, 'period')} with a missing count or population in an area or the "
                      f"comparator {'is' if dropped == 1 else 'are'} left out of both trends (missing='drop'): {where}"
                      + (f" (and {dropped - 10} more)" if dropped > 10 else "")
                      + "; listed in .attrs['excluded_rows']")
            excluded_rows = [{"row": plain(r), "period": plain(p), "missing_in": "area" if o else "comparator",
                              **{str(k): plain(v) for k, v in zip(keys, kv)}}
                             for r, kv, p, o in zip(pair.loc[nan, "_row"].tolist(), pair.loc[nan, keys].itertuples(index=False),
                                                    pair.loc[nan, period].tolist(), own[nan])]
            pair = pair[~nan]
    if subtract:
        if _REST_OF.search(name):  # "England less London": the area is out of it already
            warn_user(f"compare_trends: subtract=True takes each area's counts out of the comparator, but its name "
                      f"({name!r}) says it already leaves areas out: if the area is not in it, the comparison is "
                      f"with {name} less the area's counts a second time; pass subtract=False for a comparator "
                      "that does not contain the area")
        rest = pair[c_count] - pair[count]
        bad = (rest < 0) | ((pair[c_pop] - pair[population]) <= 0 if c_pop else False)
        if np.asarray(bad).any():
            i = int(np.flatnonzero(np.asarray(bad))[0])
            raise InvalidInputError(
                f"subtract=True: the comparator ({name}) is not larger than area row {plain(pair['_row'].iloc[i])!r} "
                f"({_key_text(tuple(pair[keys].iloc[i]))} {pair[period].iloc[i]}): it cannot contain that area", "subtract")
        pair[c_count] = rest
        if c_pop:
            pair[c_pop] = pair[c_pop] - pair[population]
    else:
        _warn_inside_comparator(pair, keys, within, count, c_count, population, c_pop, name,
                                total=name in totals and not isinstance(comparator, pd.DataFrame))
    recording = _compared_recording_changes(pair, keys, period, area_rec, comp_rec)
    pair = pair.set_index("_row")
    use_t = true_false_option("use_t", use_t)
    common: dict[str, Any] = dict(by=keys, population=population, period=period, confidence=confidence,
                                  dispersion=dispersion, missing=missing, use_t=use_t, seasonality=seasonality,
                                  season_length=season_length, harmonics=harmonics)
    try:
        a = _relabelled(lambda: poisson_trend(pair[[*keys, period, *value_cols, *named]], count=count, **common),
                        "compare_trends", skip=(_FEW_DF_TEXT,))  # said once for both fits, below
    except InvalidInputError as exc:
        # too few periods in an area: where a renamed area is split by its names, say so (the fit sees
        # only the by, period and value columns, not the code column beside them)
        renamed = _renamed_note(data, keys, period) if exc.argument == period else ""
        if not renamed or re.search(r"appears? under two or more", str(exc)):
            raise
        raise InvalidInputError(f"{exc}{renamed}", exc.argument) from None
    comp_frame = pair[[*keys, period]].assign(**{count: pair[c_count]})
    if population is not None:
        comp_frame[population] = pair[c_pop]
    b = _relabelled(lambda: poisson_trend(comp_frame, count=count, **common),
                    f"compare_trends (the comparator, {name}{' less each area' if subtract else ''}, "
                    "fitted beside each area named)",
                    # the comparator is fitted over the area's periods: a gap there is the area's (or a period
                    # left out of both), said once by the area's fit, not as the comparator's own; its season
                    # check, repeated for each area, is said once below
                    skip=("periods missing inside their series", _FEW_DF_TEXT, _NO_SEASON_TEXT, _OVERDISPERSED_TEXT,
                          _SPANS_TEXT)
                    # a comparator of the same table runs over the area's periods: their footnotes, said once
                    + (() if isinstance(comparator, pd.DataFrame) else ("a period the source footnotes",)))
    # the two fits' columns read without their .attrs (each council's same-population figures, season checks,
    # footnotes), which pandas deep-copied into every column read below: 32 copies of lists as long as the
    # table's areas (Cardiff's comparison with England: 253 councils); the attrs are read once, at the end
    a_attrs, b_attrs = a.attrs, b.attrs
    a, b = bare(a), bare(b)
    _warn_comparator_season(f"compare_trends (the comparator, {name}{' less each area' if subtract else ''})",
                            list(b_attrs.get("season", [])), keys, float(confidence))
    if choice_option("dispersion", dispersion, _DISPERSIONS, _DISPERSION_ALIASES) == "poisson":
        # the comparator's χ²/df, fitted over each area's periods: the comparator's figure, not the area's
        _warn_overdispersed(b["dispersion_ratio"].to_numpy(dtype=float), list(b[keys].itertuples(index=False, name=None)),
                            True, str(name), f"compare_trends (the comparator, {name}{' less each area' if subtract else ''})",
                            less=subtract)
    with core_errors():
        # each fit's residual df (its periods less every coefficient); a trend not estimated has none
        dfs = {f"df_{k}": np.where(np.isfinite(f["beta"].to_numpy(float)), f["df_resid"].to_numpy(float), np.nan)
               for k, f in (("a", a), ("b", b))} if use_t else {}
        r = _ext.trend_ratios(a["beta"].to_numpy(float), a["se"].to_numpy(float), b["beta"].to_numpy(float),
                              b["se"].to_numpy(float), confidence=float(confidence), **dfs)
    out = a[keys].copy()
    out["comparator"] = [f"{name} less {a}" for a in out[area_col].astype(str)] if subtract else name
    for col in ["apc", "apc_lower", "apc_upper"]:
        out[col] = a[col]
    for col in ["apc", "apc_lower", "apc_upper"]:
        out[f"comparator_{col}"] = b[col].to_numpy()
    for col in ["ratio", "ratio_lower", "ratio_upper", "z", "p_value", "df"]:
        out[col] = r[col]
    for col in ["n_periods", "first_period", "last_period", "dispersion_ratio"]:
        out[col] = a[col]
    out["comparator_dispersion_ratio"] = b["dispersion_ratio"].to_numpy()
    out["note"] = [na or (f"comparator: {nb}" if nb else "") for na, nb in zip(a["note"], b["note"])]
    if "seasonality" in a.columns:
        out["seasonality"] = a["seasonality"]
    if area_rec or comp_rec:
        out["recording_change"] = _recording_change_column(out, keys, recording)
        crossed = int((out["recording_change"] != "").sum())
        if crossed:
            hit = (out["recording_change"] != "").to_numpy()
            shown = "; ".join(f"{_key_text(tuple(k))}: {v}" for k, v in zip(
                out.loc[hit, keys].head(4).itertuples(index=False), out.loc[hit, "recording_change"].head(4))) + (
                f" (and {crossed - 4} more)" if crossed > 4 else "")
            warn_user(f"compare_trends: {crossed} of {number_of(len(out), 'comparison')} {'runs' if crossed == 1 else 'run'} across a change in how the count is "
                      "recorded (the area's or the comparator's), so the change in counting would be read as a "
                      f"faster or slower trend: {shown}. Compare like with like: each over the years since its last "
                      "change, or say why not; the recording_change column names them, listed in "
                      ".attrs['recording_changes'] (docs/methods/trends.md, 'Counts that change how they are recorded')")
    out["confidence"] = float(confidence)
    ma, mb = a["method"].astype(str).to_numpy(), b["method"].astype(str).to_numpy()
    out["method"] = [x if x == y else f"{x} (comparator: {y})" for x, y in zip(ma, mb)]
    if not use_t:
        _warn_few_df_compared(list(a[keys].itertuples(index=False, name=None)),
                              ma, a["n_periods"].to_numpy(dtype=int) - 2, mb, b["n_periods"].to_numpy(dtype=int) - 2,
                              f"{name} less each area" if subtract else name)
    out.attrs["footnotes"] = {**b_attrs.get("footnotes", {}), **a_attrs.get("footnotes", {})}
    out.attrs["same_population"] = [{**r, "series": side} for side, fit in (("area", a_attrs), ("comparator", b_attrs))
                                    for r in fit.get("same_population", [])]
    out.attrs["recording_changes"] = recording
    # each side's season check (the warnings above name the side): the area's, then the comparator's
    # over the same periods, keyed by the by columns as the rows are
    out.attrs["season"] = [{**c, "series": side} for side, fit in (("area", a_attrs), ("comparator", b_attrs))
                           for c in fit.get("season", [])]
    out.attrs["excluded"] = int(no_comp_row.sum()) + dropped + a_attrs.get("excluded", 0)
    out.attrs["excluded_rows"] = excluded_rows
    out.attrs["use_t"] = use_t
    out.attrs["intervals"] = "Student t on the Welch-Satterthwaite df" if use_t else _Z_INTERVALS
    if auto:
        return _t_or_z(out, "ratio", use_t, lambda: _normal_compared(a, b, float(confidence)))
    return out


#: A comparator's name that says it leaves areas out ("England less Kent", "rest of the force").
_REST_OF = re.compile(r"\b(rest\s+of|less|excluding|excl\.?|except|without|other\s+than|outside|remainder)\b",
                      re.IGNORECASE)


def _comparator_in_totals(data: pd.DataFrame, comparator: Any, area_col: str, count: str, population: str | None,
                          period: str) -> str:
    """What to say when ``comparator`` names one of a reader's total rows left out of the table
    (:func:`saferstats.read_flytipping`'s ``.attrs["totals"]``: Defra's England and regional rows):
    its figures are another basis from the areas' rows before 2019/20 (England 2017/18: 997,612,
    its authorities 894,789), so the comparison to make is the report's and ``saferstats trend
    --compare-with England``'s - each area against the sum of the table's other areas counted like
    for like over its own periods (:func:`like_for_like_others` with
    :func:`saferstats.report.sections.like_for_like_councils`) - given as code that runs on
    ``data`` (:func:`_others_code`); ``""`` when it names none."""
    rows = data.attrs.get("totals") if isinstance(data.attrs, dict) else None
    areas = {str(r.get("area")) for r in (rows or []) if isinstance(r, dict)}
    if str(comparator) not in areas:
        return ""
    return (f"{total_row_why(comparator)} Compare each area instead with the table's other areas counted like for "
            "like over its own periods (a count in each, one reporting basis, no recorded change and no step of "
            "2-fold or more from one period to the next; the area itself left out), as saferstats report and "
            f"`saferstats trend --compare-with {comparator}` do: "
            f"`{_others_code(comparator, area=area_col, period=period, count=count, population=population)}`"
            " (out: a row per area, named in _compared; info: how many areas each comparator sums, other_areas)")


def _others_code(total: Any, *, area: str, period: str, count: str, population: str | None,
                 data: str = "data") -> str:
    """The Python, one line, that compares each area of the table ``data`` with the sum of its other
    areas counted like for like over the area's own periods - in place of a published total
    (``total``: Defra's England) that is no comparator (:func:`total_row_why`). It is what
    ``saferstats report``'s comparison with England and ``saferstats trend --compare-with England``
    compute: the areas with 3 or more periods with figures, each paired by :func:`like_for_like_others`
    with the areas :func:`saferstats.report.sections.like_for_like_councils` keeps over its periods
    (a count in each, one reporting basis, no recorded change, no step of 2-fold or more), then
    :func:`compare_trends` with quasi-Poisson fits where over-dispersed and R's ``summary.glm``
    rule for the intervals (``dispersion="auto", use_t="auto"``, :func:`t_where_quasi`: Student t
    where either fit is quasi-Poisson, the normal where both are Poisson, as the report and the
    command take them; it was ``use_t=True``, t for every row, which gave clinical waste
    fly-tipping's East Suffolk, both fits Poisson, 0.03 to 100.5 where the report gives 0.84 to
    3.25). :func:`compare_trends` gives it in its error for such a ``comparator``; it leaves the
    result in ``out``, whose ``intervals`` column says which each row has.

    >>> code = _others_code("England", area="la_code", period="period", count="incidents", population=None)
    >>> "like_for_like_others(d, d, n.index[n >= 3], area='la_code'" in code, code.split("; ")[-1][:40]
    (True, 'out = saferstats.compare_trends(pairs.as')
    """
    value = [count] if population is None else [count, population]
    fields = f"area={area!r}, period={period!r}, count={count!r}, population={population!r}"
    return ("import saferstats; from saferstats.report.sections import like_for_like_councils; "
            f"d = {data}.dropna(subset={value!r}); n = d.groupby({area!r})[{period!r}].nunique(); "
            f"pairs, comps, info = saferstats.trend.like_for_like_others(d, d, n.index[n >= 3], {fields}, "
            "like_for_like=like_for_like_councils); "
            f"out = saferstats.compare_trends(pairs.assign(_series={str(total)!r}), comparator=comps.assign(_series="
            f"{str(total) + ' less the area, its other areas counted like for like'!r}), by=['_series', '_compared'], "
            f"count={count!r}, population={population!r}, period={period!r}, dispersion='auto', use_t='auto')")


def total_row_why(comparator: Any) -> str:
    """Why a reader's total row (Defra's England) is no comparator for the areas of its table: it
    is left out as no area, it includes each area, and before 2019/20 it counts on another basis.
    Said by :func:`compare_trends` and by ``saferstats trend --compare-with``."""
    return (f"{comparator} is one of the table's total rows, left out as not an area (.attrs['totals']), and a "
            "published total is no comparator for the areas' rows: it includes each area itself, and Defra's "
            "England rows before 2019/20 count on another basis (2017/18 England 997,612, its authorities' rows "
            "894,789; 2018/19 has two).")


#: ``like_for_like(everyone, area, period, count, window)``: the rows of ``everyone`` over ``window``
#: of the areas counted like for like there, and how many were left out for a step in their count
#: (the report's ``like_for_like_councils``).
LikeForLike = Callable[[pd.DataFrame, str, str, str, tuple[str, ...]], tuple[pd.DataFrame, int]]


def like_for_like_others(everyone: pd.DataFrame, data: pd.DataFrame, fitted: Sequence[str], *, area: str,
                          period: str, count: str, population: str | None,
                          like_for_like: LikeForLike) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """The pairs to compare each area of ``fitted`` (its rows in ``data``) with the sum of the other
    areas of ``everyone`` counted like for like (``like_for_like``) over the same periods - the
    area's own - the area taken out of that sum where it is in it: a reader's total row (Defra's
    England) is no comparator (:func:`total_row_why`). For :func:`compare_trends` with
    ``by=["<name>", "_compared"]`` (a constant first column): the areas' rows (``_compared``, the
    period, the count, the population and the recording columns of ``data``), the comparators' rows
    (one series per ``_compared``), and per area ``other_areas`` (how many are summed),
    ``stepped_left_out`` (areas left out of that span for a step in their count) and ``window`` (its
    periods); None when no area has 2 others. The report's comparison with England and ``saferstats
    trend --compare-with England`` both use it."""
    # without the reader's .attrs (Defra's table: its totals, dropped cells, flagged rows), which pandas
    # deep-copies into every frame cut from it: most of `saferstats trend --compare-with England`'s time
    everyone, data = bare(everyone), bare(data)
    value_cols = [count] + ([population] if population is not None else [])
    recorded = [c for c in _RECORDING_COLUMNS if c in data.columns]
    # the columns of the pairs and comparators, area by area, made into two frames at the end (a frame
    # per area, and pandas' sums of each area's one row a period, were most of the time: 331 councils)
    pairs: dict[str, list[np.ndarray]] = {c: [] for c in ["_compared", period, *value_cols]}
    # (the recording columns as each area's frame had them, whose types pandas infers area by area)
    kept: dict[str, list[pd.Series]] = {c: [] for c in recorded}
    comps: dict[str, list[np.ndarray]] = {c: [] for c in ["_compared", period, *value_cols]}
    info: list[dict[str, Any]] = []
    # one panel per span of periods: its periods, their sums (a column per value column) and members
    panels: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray, set[str], int]] = {}
    # each column read once for the whole table, each area's rows found once as positions (a frame cut for
    # each area, its columns read one by one, and a table sliced for each area's empty default were most of
    # the time that is left: Cardiff's report, 253 councils)
    at_rows = data.groupby(data[area].astype(str).to_numpy(), sort=False).indices
    no_rows = np.array([], dtype=np.intp)
    all_periods = data[period].astype(str).to_numpy()
    all_values = np.column_stack([data[c].to_numpy(float) for c in value_cols])
    taken: list[np.ndarray] = []  # each compared area's row positions, for the recording columns
    for a in dict.fromkeys(str(x) for x in fitted):
        pos = at_rows.get(a, no_rows)
        own_periods = all_periods[pos]
        window = tuple(sorted(own_periods))
        if window not in panels:
            panel, n_stepped = like_for_like(everyone, area, period, count, window)
            # (the value columns alone grouped: the panel's every column was cut for each span)
            sums = panel[value_cols].groupby(panel[period].astype(str).to_numpy()).sum()
            panels[window] = (sums.index.to_numpy(), np.column_stack([sums[c].to_numpy(float) for c in value_cols]),
                              set(panel[area].astype(str)), n_stepped)
        at, tot, members, n_stepped = panels[window]
        if len(members - {a}) < 2:
            continue
        own = all_values[pos]
        if a in members:  # the area itself is taken out of its comparator
            if len(set(own_periods)) == len(own_periods):  # one row a period: its sum is its value
                mine = np.nan_to_num(own, nan=0.0)
                where = {p: i for i, p in enumerate(own_periods)}
                take = np.array([where.get(p, -1) for p in at], dtype=int)
                tot = tot - np.where((take >= 0)[:, None], mine[np.maximum(take, 0)], 0.0)
            else:
                rows = data.iloc[pos]
                m = rows.groupby(rows[period].astype(str))[value_cols].sum().reindex(at, fill_value=0)
                tot = tot - np.column_stack([m[c].to_numpy(float) for c in value_cols])
        info.append({area: a, "other_areas": len(members - {a}), "stepped_left_out": n_stepped, "window": window})
        pairs["_compared"].append(np.full(len(pos), a, dtype=object))
        pairs[period].append(own_periods)
        for j, c in enumerate(value_cols):
            pairs[c].append(own[:, j].copy())
        taken.append(pos)
        comps["_compared"].append(np.full(len(at), a, dtype=object))
        comps[period].append(at)
        comps[count].append(tot[:, 0].round())
        if population is not None:
            comps[population].append(tot[:, 1])
    for c in recorded:
        kept[c] = _recording_column_pieces(data[c], taken)
    if not info:
        return None
    return (pd.DataFrame({**{c: np.concatenate(v) for c, v in pairs.items()},
                          **{c: pd.concat(v, ignore_index=True) for c, v in kept.items()}}),
            pd.DataFrame({c: np.concatenate(v) for c, v in comps.items()}), pd.DataFrame(info))


def _recording_column_pieces(column: pd.Series, taken: list[np.ndarray]) -> list[pd.Series]:
    """The rows ``taken`` (each area's positions) of a recording column, as :func:`like_for_like_others`
    has always given them: the column each area's own values would make, pandas inferring its type
    area by area, then put together (a ``str`` reporting basis with an area whose every cell is
    missing is ``object``, as that area's piece is). One piece, read once, where that gives the same
    column: a column of numbers or booleans (their type is the column's), or of text with a value in
    each area's rows; else a piece per area, as before."""
    values = column.to_numpy()
    if not taken:
        return []
    if column.dtype != object and all(len(t) for t in taken):
        whole = pd.Series(values[np.concatenate(taken)])
        if values.dtype != object or whole.dtype == object:
            return [whole]
        # text (missing cells NaN): an area with no value is an object piece, which makes the whole object
        missing = pd.isna(values)
        return [whole if all((~missing[t]).any() for t in taken) else whole.astype(object)]
    return [pd.Series(values[t]) for t in taken]


def _warn_inside_comparator(pair: pd.DataFrame, keys: list[str], within: list[str], count: str, c_count: str,
                            population: str | None, c_pop: str | None, name: str, total: bool = False) -> None:
    """Warn of areas that may be inside the comparator (``compare_trends`` without ``subtract``):
    a total that contains an area moves with it and hides part of any difference. Only where that
    can be so: an area whose counts are a fifth or more of the comparator's and never above them
    (nor its population above the comparator's) in any period compared; not when the comparator's
    name says it leaves areas out ("rest of", "less", "excluding"), nor when the areas of the table
    add up to more than the comparator in every period compared (the comparator is one area among
    them, as a council compared with each of the others, not their total) — unless the comparator is
    one of the table's ``.attrs['totals']`` (``total``): the hate crime strands add up to more than
    the offences (an offence can have several), yet each is inside them."""
    if _REST_OF.search(name):
        return
    ok = pair[[count, c_count]].notna().all(axis=1)
    p = pair[ok]
    if not len(p):
        return
    sums = p.groupby([*within, "_t"], sort=False, dropna=False).agg(areas=(count, "sum"), comp=(c_count, "first"))
    if not total and bool((sums["areas"] > sums["comp"]).all()):
        return  # peers: the comparator is not the total of these areas
    fits = p[count] <= p[c_count]
    if c_pop is not None and population is not None:
        fits &= ~(p[population] > p[c_pop])
    g = p.assign(_fits=fits.to_numpy()).groupby(keys, sort=False)
    share = g[[count, c_count]].sum()
    inside = g["_fits"].all()
    big = share[(share[count] >= 0.2 * share[c_count]) & inside.reindex(share.index).to_numpy()]
    if not len(big):
        return
    who = ", ".join(_key_text(k) for k in big.index[:5]) + (f" (and {len(big) - 5} more)" if len(big) > 5 else "")
    warn_user(f"compare_trends: the counts of {who} are a fifth or more of the comparator's ({name}) and never above "
              "them, as those of an area inside it would be: if the comparator includes them (a force inside its "
              "region, a district inside its force), pass subtract=True to compare each with the rest (a total that "
              "contains the area moves with it and hides part of any difference); areas beside the comparator, "
              "not inside it, need nothing")


def _compared_recording_changes(pair: pd.DataFrame, keys: list[str], period: str, area_rec: list[str],
                                comp_rec: list[str]) -> list[dict[str, Any]]:
    """:func:`_recording_changes` of each area's series and of the comparator's beside it, over
    the periods compared (``series``: ``"area"`` or ``"comparator"``)."""
    if not area_rec and not comp_rec:
        return []
    flat = pair.reset_index(drop=True)
    _, groups = _sorted_groups(flat, keys, flat["_t"].to_numpy(dtype=float))
    found = [{**r, "series": "area"} for r in _recording_changes(flat[[*keys, period, *area_rec]], groups, keys,
                                                                 period)] if area_rec else []
    if comp_rec:
        theirs = flat[[*keys, period]].assign(**{c: flat[f"_comparator_{c}"].to_numpy() for c in comp_rec})
        found += [{**r, "series": "comparator"} for r in _recording_changes(theirs, groups, keys, period)]
    return found


def _recording_change_column(out: pd.DataFrame, keys: list[str], recording: list[dict[str, Any]]) -> list[str]:
    """Each comparison's changes in recording, the area's then the comparator's ("comparator
    Hartlepool: 2019/20 to 2020/21: reporting basis 'All incidents' to 'Customer/public reported
    only'"); "" for a comparison across none."""
    said: dict[tuple[str, ...], list[tuple[bool, str]]] = {}
    for r in sorted(recording, key=lambda r: r["series"] != "area"):
        said.setdefault(tuple(str(r[k]) for k in keys), []).append(
            (r["series"] == "area", f"{r['period_from']} to {r['period_to']}: {r['reason']}"))
    return ["; ".join(text if own else f"{theirs if theirs.startswith('the comparator') else 'comparator ' + theirs}: {text}"
                      for own, text in said.get(tuple(str(v) for v in row), []))
            for row, theirs in zip(out[keys].itertuples(index=False), out["comparator"].astype(str))]


def _relabelled(fit: Any, prefix: str, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """Run ``fit`` (a :func:`poisson_trend` call) and repeat its warnings with ``prefix`` in place
    of ``poisson_trend``, so that the analyst reads which of the two series a warning is about
    (the comparison has no ``use_t``: its interval is from the normal, as said instead); those
    containing one of ``skip`` are not repeated."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res: pd.DataFrame = fit()
    for w in caught:
        text = str(w.message)
        if any(k in text for k in skip):
            continue
        warn_user(text.replace("poisson_trend", prefix, 1) if "poisson_trend" in text else f"{prefix} {text}",
                  w.category)
    return res


#: ``attrs["intervals"]`` of :func:`poisson_trend` with ``use_t=True`` / ``False``.
_T_INTERVALS = "Student t on the residual df (n_periods - 2)"
_Z_INTERVALS = "normal (z)"
#: Residual df below which a quasi-Poisson fit with normal (z) intervals warns that they are
#: optimistic (the library's functions): t(0.975, 30) = 2.042 is 4% above z = 1.960, and the gap
#: grows fast below (2.228 at 10 df, 2.776 at 4). Not the CLI's ``trend --use-z`` threshold
#: (:data:`saferstats.__main__.USE_Z_T_PVALUE_BELOW_DF`, 5).
QUASI_Z_WARN_BELOW_DF = 30
#: The old name of :data:`QUASI_Z_WARN_BELOW_DF`, kept for code that imports it.
FEW_DF = QUASI_Z_WARN_BELOW_DF
#: The words of that warning (:func:`compare_trends` says it once for both its fits).
_FEW_DF_TEXT = "are optimistic on few points"
#: The words of :func:`_warn_overdispersed` (:func:`compare_trends` says the comparator's under its own name).
_OVERDISPERSED_TEXT = "vary more than a Poisson model allows"
#: The words of the season warnings of :func:`_warn_season` (:func:`compare_trends` says the
#: comparator's once, not once per area: :func:`_warn_comparator_season`).
_NO_SEASON_TEXT = "and the trend has no"


def t_where_quasi(res: pd.DataFrame, normal: Mapping[str, Any], estimate: str) -> np.ndarray:
    """R's ``summary.glm`` rule for a table of :func:`poisson_trend` or :func:`compare_trends` with
    ``use_t=True`` (``estimate``: its ``"apc"`` or ``"ratio"``): a row whose fit is quasi-Poisson (in
    a comparison, on either side) keeps Student t on the residual df (the dispersion is estimated
    from the same few points); a row whose fits are all Poisson (or negative binomial: no dispersion
    estimated) takes the normal's limits, p-value and ``df`` from ``normal``, the same rows' columns
    (``p_value``, ``df`` and those ending ``_lower`` / ``_upper``; a mapping or a DataFrame) with
    the normal's critical value: :func:`poisson_trend` and :func:`compare_trends` derive them from
    the same fit's slopes and standard errors (only the critical value differs, z in place of t; no
    refit). ``res`` is changed in place (and its ``attrs["intervals"]`` says so); returns the rows
    with t. ``saferstats trend`` and the report's comparison with England both take it: one answer
    for the same council (East Suffolk's clinical waste fly-tipping against England's other
    councils, 2019/20 to 2021/22, both fits Poisson: ratio 1.65, 95% CI 0.84 to 3.25 from the
    normal, where t on 1.03 df gave 0.03 to 100.5).

    >>> t = pd.DataFrame({"apc": [5.0, 5.0], "apc_lower": [-1.0, -1.0], "apc_upper": [11.0, 11.0],
    ...                   "p_value": [0.2, 0.2], "method": ["quasi-poisson", "poisson"]})
    >>> t_where_quasi(t, {"apc_lower": [1.0, 1.0], "apc_upper": [9.0, 9.0], "p_value": [0.1, 0.1]}, "apc")
    array([ True, False])
    >>> t[["apc_lower", "apc_upper", "p_value"]].values.tolist()
    [[-1.0, 11.0, 0.2], [1.0, 9.0, 0.1]]
    """
    cells = bare(res)  # (its columns read without deep-copying its .attrs: compare_trends' lists of every area)
    est = cells[estimate].notna().to_numpy()
    quasi: np.ndarray = cells["method"].astype(str).str.contains("quasi-poisson").to_numpy(dtype=bool) & est
    other = ~quasi & est
    if other.any():
        for c in [c for c in res.columns if c in normal and (c in ("p_value", "df") or c.endswith(("_lower", "_upper")))]:
            res[c] = np.where(other, np.asarray(normal[c], dtype=float), cells[c].to_numpy(dtype=float))
        res.attrs["intervals"] = (f"{res.attrs.get('intervals', _T_INTERVALS)} where a fit is quasi-Poisson; "
                                  f"{_Z_INTERVALS} where every fit is Poisson (R's summary.glm)")
    return quasi


def _normal_limits(beta: Any, se: Any, confidence: float) -> dict[str, np.ndarray]:
    """The normal's (z) ``apc_lower``, ``apc_upper`` and ``p_value`` of fitted slopes ``beta`` with
    standard errors ``se`` (NaN where there is no trend), as the core gives them with ``use_t=False``:
    100·(e^(β ∓ z·SE) − 1), z = Φ⁻¹(c + (1 − c)/2) (:class:`statistics.NormalDist`, Wichura's AS241,
    R's ``qnorm``), and the two-sided normal p-value of β/SE from the core (its ``trend_ratios``
    against a slope of 0 with SE 0, which is β/SE itself)."""
    b, err = np.asarray(beta, dtype=float), np.asarray(se, dtype=float)
    z = NormalDist().inv_cdf(confidence + (1.0 - confidence) / 2.0)
    # (an infinite SE, which the core's comparison refuses: β/SE is 0, p 1)
    finite = np.isfinite(err) | np.isnan(err)
    p = np.where(np.isinf(err) & np.isfinite(b), 1.0, np.nan)
    with core_errors():
        p[finite] = _ext.trend_ratios(np.where(np.isinf(b), np.nan, b)[finite], err[finite], np.zeros(int(finite.sum())),
                                      np.zeros(int(finite.sum())), confidence=confidence)["p_value"]
    with np.errstate(over="ignore", invalid="ignore"):
        return {"apc_lower": 100.0 * np.expm1(b - z * err), "apc_upper": 100.0 * np.expm1(b + z * err), "p_value": p}


def _normal_compared(a: pd.DataFrame, b: pd.DataFrame, confidence: float) -> dict[str, np.ndarray]:
    """:func:`compare_trends`' columns from the normal for its area fits ``a`` and comparator fits
    ``b`` (:func:`poisson_trend` tables, row for row): each APC's limits (:func:`_normal_limits`) and
    the ratio's limits, p-value and ``df`` (inf) of the core's ``trend_ratios`` without residual df."""
    za, zb = (_normal_limits(f["beta"], f["se"], confidence) for f in (a, b))
    with core_errors():
        r = _ext.trend_ratios(a["beta"].to_numpy(float), a["se"].to_numpy(float), b["beta"].to_numpy(float),
                              b["se"].to_numpy(float), confidence=float(confidence))
    return {"apc_lower": za["apc_lower"], "apc_upper": za["apc_upper"],
            "comparator_apc_lower": zb["apc_lower"], "comparator_apc_upper": zb["apc_upper"],
            **{c: np.asarray(r[c], dtype=float) for c in ("ratio_lower", "ratio_upper", "p_value", "df")}}


#: ``use_t="auto"`` where the ``dispersion`` asked for decides every row (:func:`_t_or_z`): Student t
#: for quasi-Poisson, the normal for Poisson and negative binomial (no dispersion estimated);
#: ``"auto"`` (each group's own choice) is not here: its rows are decided one by one.
_T_BY_DISPERSION = {"quasi": True, "quasipoisson": True, "quasi-poisson": True,
                    "poisson": False, "negbin": False, "nb": False, "nb2": False}


def _t_first(dispersion: Any) -> bool:
    """``use_t="auto"``: whether the one fit has Student t (:data:`_T_BY_DISPERSION`; ``"auto"``: t,
    and the normal's limits for its Poisson rows after, :func:`_t_or_z`)."""
    return _T_BY_DISPERSION.get(dispersion, True) if isinstance(dispersion, str) else True


def _t_or_z(res: pd.DataFrame, estimate: str, with_t: bool,
            normal: Callable[[], Mapping[str, Any]]) -> pd.DataFrame:
    """``use_t="auto"`` of :func:`poisson_trend` (``estimate`` ``"apc"``) and :func:`compare_trends`
    (``"ratio"``): R's ``summary.glm`` rule per row (Student t where a fit is quasi-Poisson, the normal
    where every fit is Poisson or negative binomial), with an ``intervals`` column after ``p_value``
    saying which each row has: ``"t (df=k)"`` (k the residual df, ``df_resid``; in a comparison the
    Welch-Satterthwaite ``df``), ``"z"``, or ``None`` where there is no estimate. ``attrs["use_t"]``
    is ``"auto"``.

    ``res`` is the one fit, ``with_t`` as :func:`_t_first` chose: without t for ``"poisson"`` and
    ``"negbin"`` (z throughout; ``attrs["intervals"]`` is then the normal's), with t for ``"quasi"``
    (t throughout). With ``dispersion="auto"`` each group's fit is chosen from its data, so it has t
    and :func:`t_where_quasi` gives the rows whose fits are all Poisson the normal's limits,
    ``normal()``: derived from the same slopes and standard errors, not refitted."""
    est = bare(res)[estimate].notna().to_numpy()
    # quasi-Poisson and "auto": t where a fit is quasi-Poisson (every row of a quasi fit: nothing to change)
    with_t_rows = t_where_quasi(res, normal(), estimate) if with_t else np.zeros(len(res), dtype=bool)
    res.insert(res.columns.get_loc("p_value") + 1, "intervals",
               intervals_said(with_t_rows, bare(res)["df" if estimate == "ratio" else "df_resid"], est))
    res.attrs["use_t"] = "auto"
    return res


def intervals_said(with_t: Any, df: Any, estimated: Any) -> list[str | None]:
    """Each row's ``intervals``, as :func:`poisson_trend` and :func:`compare_trends` with
    ``use_t="auto"``, the report's trend tables and ``saferstats trend`` (also with ``--use-t`` /
    ``--use-z``) say them: ``"t (df=k)"`` where ``with_t`` (k the
    row's residual df, to two decimals where it is not whole: a comparison's Welch-Satterthwaite
    df), ``"z"`` for the normal, ``None`` where there is no estimate.

    >>> intervals_said([True, False, True, False], [6, 1, 1.0312, 4], [True, True, True, False])
    ['t (df=6)', 'z', 't (df=1.03)', None]
    """
    return [None if not e else f"t (df={float(round(float(d), 2)):g})" if t else "z"
            for t, d, e in zip(with_t, df, estimated)]


def use_t_option(value: Any) -> bool | str:
    """``use_t`` of :func:`poisson_trend` and :func:`compare_trends`: True, False or ``"auto"``
    (R's ``summary.glm`` rule per row, :func:`t_where_quasi`), or :class:`InvalidInputError` naming it."""
    if isinstance(value, str) and value == "auto":
        return "auto"
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidInputError(f"`use_t` must be True, False or 'auto' (t where a fit is quasi-Poisson, the normal "
                                f"where Poisson, as R's summary.glm), got {value!r}", "use_t")
    return bool(value)


def true_false_option(name: str, value: Any) -> bool:
    """A True/False option, or :class:`InvalidInputError` naming it."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidInputError(f"`{name}` must be True or False, got {value!r}", name)
    return bool(value)


def _warn_few_df(fn: str, groups: list[Any], grouped: bool, quasi: np.ndarray, df: np.ndarray) -> None:
    """Name the quasi-Poisson fits with fewer than 30 residual df whose limits and
    p-values use the normal: the dispersion is estimated from those few points, so z is
    optimistic there (R's ``summary.glm`` uses t on the residual df: ``use_t="auto"``, t where the
    fit is quasi-Poisson and the normal where it is Poisson; ``use_t=True`` gives t to every fit)."""
    few = np.flatnonzero(quasi & (df < QUASI_Z_WARN_BELOW_DF))
    if not few.size:
        return
    names = "; ".join(f"{_key_text(groups[i]) if grouped else 'the series'} ({df[i]} df)" for i in few[:5])
    more = f" (and {few.size - 5} more)" if few.size > 5 else ""
    warn_user(f"{fn}: quasi-Poisson intervals and p-values from the normal (z) {_FEW_DF_TEXT}: "
              f"{number_of(few.size, 'fit')} {'has' if few.size == 1 else 'have'} fewer than {QUASI_Z_WARN_BELOW_DF} residual degrees of freedom ({names}{more}); "
              "use_t='auto' gives them Student t on the residual df and the Poisson fits the normal, "
              "R's summary.glm intervals (use_t=True: t for every fit)")


def _warn_few_df_compared(groups: list[Any], method_a: np.ndarray, df_a: np.ndarray, method_b: np.ndarray,
                          df_b: np.ndarray, name: str) -> None:
    """:func:`compare_trends`: :func:`_warn_few_df` once for the call, counting the areas' fits and
    the comparator's fitted beside each (not one warning for each side), and naming the comparisons
    that rest on one."""
    few_a = np.char.startswith(method_a.astype(str), "quasi-poisson") & (df_a < QUASI_Z_WARN_BELOW_DF)
    few_b = np.char.startswith(method_b.astype(str), "quasi-poisson") & (df_b < QUASI_Z_WARN_BELOW_DF)
    hit = np.flatnonzero(few_a | few_b)
    if not hit.size:
        return
    shown = "; ".join(f"{_key_text(groups[i])} ({min(df_a[i], df_b[i])} df)" for i in hit[:5]) + (
        f" (and {hit.size - 5} more)" if hit.size > 5 else "")
    warn_user(f"compare_trends: quasi-Poisson intervals and p-values from the normal (z) {_FEW_DF_TEXT}: "
              f"{hit.size} of {number_of(len(groups), 'comparison')} {'rests' if hit.size == 1 else 'rest'} on a fit with fewer than {QUASI_Z_WARN_BELOW_DF} residual degrees "
              f"of freedom ({number_of(int(few_a.sum()), 'fit')} of the areas and {int(few_b.sum())} of the comparator, {name}, "
              f"fitted beside each area): {shown}; use_t='auto' gives those Student t (the ratio on the "
              "Welch-Satterthwaite df) and the comparisons of two Poisson fits the normal, R's summary.glm "
              "intervals (use_t=True: t for every comparison)")


def _warn_overdispersed(ratio: np.ndarray, groups: list[Any], grouped: bool, comparator: str | None = None,
                        who: str = "poisson_trend", less: bool = False) -> None:
    """Name the groups a plain Poisson fit describes badly: Pearson χ²/df above 1.5 (the threshold of
    ``dispersion="auto"``) makes the Poisson interval and p-value too narrow by √(χ²/df).

    With ``comparator`` (:func:`compare_trends`' comparator fitted over each area's periods) the
    figures are the comparator's: one figure where every area's gives the same, named once under the
    comparator's name, else each as the comparator's over that area's periods (``less``: the
    comparator less that area)."""
    over = np.flatnonzero(ratio > 1.5)
    if not over.size:
        return
    worst = over[np.argsort(-ratio[over], kind="stable")]
    more = f" (and {len(over) - 5} more)" if len(over) > 5 else ""
    if comparator is None:
        names = "; ".join(f"{_key_text(groups[i]) if grouped else 'the series'} {ratio[i]:.1f}" for i in worst[:5])
        where = f"in {len(over)} of {number_of(len(ratio), 'group')}: {names}{more}"
    elif len({f"{ratio[i]:.1f}" for i in over}) == 1 and not less:
        where = (f"in the comparator's own series: {comparator} {ratio[worst[0]]:.1f}, one figure over the periods "
                 f"of {len(over)} of {number_of(len(ratio), 'area')}, the comparator's, not the areas'")
    else:
        whose = [f"less {_key_text(groups[i])}" if less else f"over {_key_text(groups[i])}'s periods" for i in worst[:5]]
        names = "; ".join(f"{comparator} {w} {ratio[i]:.1f}" for w, i in zip(whose, worst[:5]))
        areas = "area's" if len(ratio) == 1 else "areas'"
        where = f"in the comparator's own series over {len(over)} of {len(ratio):,} {areas} periods: {names}{more}"
    warn_user(f"{who}: the counts vary more than a Poisson model allows (Pearson χ²/df above 1.5 "
              f"{where}); the Poisson intervals and p-values are too "
              f"narrow, by a factor of up to {np.sqrt(ratio[worst[0]]):.1f} - use dispersion='quasi' or 'auto' "
              "(or 'negbin')")


def _seasonal_terms(seasonality: Any, season_length: Any, harmonics: Any, groups: list[tuple[Any, np.ndarray]],
                    t: np.ndarray, period: str) -> tuple[str, int, int] | None:
    """:func:`poisson_trend`'s ``seasonality``, ``season_length`` and ``harmonics`` as the core's
    ``(kind, season_length, harmonics)``: the length found from the periods (12 for months, 4 for
    quarters) when not given; a length or harmonics without a kind, harmonics with dummies, and
    yearly periods are refused, named."""
    if seasonality is None:
        for name, value in (("season_length", season_length), ("harmonics", harmonics)):
            if value is not None:
                raise InvalidInputError(f"{name}={value!r} sets the seasonal terms of the fit: pass "
                                        "seasonality='dummies' (a term for each month of the year) or 'fourier' too",
                                        name)
        return None
    kind = choice_option("seasonality", seasonality, ("dummies", "fourier"))
    if kind == "dummies" and harmonics is not None:
        raise InvalidInputError("harmonics counts Fourier pairs: pass seasonality='fourier', or leave harmonics out "
                                "with 'dummies'", "harmonics")
    if season_length is None:
        season_length = _season_cycle(groups, t)
        if season_length is None:
            raise InvalidInputError(
                f"seasonality={kind!r}: the periods in column {period!r} are not months or quarters, so there is "
                "no season within them to fit (a yearly trend has none); give monthly or quarterly counts, or "
                "season_length", "seasonality")
    for name, value in (("season_length", season_length), ("harmonics", harmonics)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer))):
            raise InvalidInputError(f"{name} must be a whole number, got {value!r}", name)
    return kind, int(season_length), 1 if harmonics is None else int(harmonics)


def _seasonal_label(terms: tuple[str, int, int]) -> str:
    """The ``seasonality`` column: which seasonal terms a trend has."""
    kind, length, k = terms
    if kind == "dummies":
        return f"dummies ({length} a year)"
    return f"fourier ({k} pair{'s' if k > 1 else ''} a year)"


def _season_cycle(groups: list[tuple[Any, np.ndarray]], t: np.ndarray) -> int | None:
    """12 when the periods are months (labels like '2016-03', pandas Periods or dates one month
    apart), 4 when they are quarters (dates three months apart, each in the same month of its
    quarter), else None (years, financial years, plain numbers). ``t`` is on the years scale of
    :func:`parse_periods` (months at twelfths of a year)."""
    if not len(t):
        return None
    months = t * 12.0
    if not np.allclose(months, np.round(months), atol=1e-6):
        return None
    diffs = [np.diff(np.round(months[pos])) for _, pos in groups if len(pos) > 1]
    d = np.concatenate(diffs) if diffs else np.empty(0)
    d = d[d > 0]
    if not d.size:
        return None
    if d.min() == 1:
        return 12
    if d.min() == 3 and np.all(np.round(months) % 3 == np.round(months[0]) % 3):
        return 4
    return None


def _season_checks(series: list[tuple[np.ndarray, np.ndarray, np.ndarray]], cycle: int,
                   confidence: float) -> list[dict[str, Any] | None]:
    """Each series' trend with a term for each month (quarter) of the year, by ONE call of the
    core's ``season_checks_many`` over all of them (flat arrays and their offsets: the core fits
    them in parallel; Poisson GLM ``log E[y] = b0 + b1 t + season + log pop``, t in years; the APC
    from b1 with its quasi-Poisson interval, that fit's χ²/df and the quasi F test of the season
    terms: docs/methods/trends.md, "Monthly counts: the season"). ``series``: each one's counts,
    populations and times; None where one cannot be fitted."""
    if not series:
        return []
    offsets = np.cumsum([0] + [len(y) for y, _, _ in series]).tolist()
    flat = [np.ascontiguousarray(np.concatenate([s[k] for s in series]), dtype=float) for k in range(3)]
    got = _ext.season_checks_many(flat[0], flat[1], flat[2], offsets, confidence=confidence)
    out: list[dict[str, Any] | None] = []
    for i in range(len(series)):
        row = {k: float(v[i]) for k, v in got.items()}
        if math.isnan(row["f"]):
            out.append(None)
            continue
        out.append({"cycle": cycle, "apc_seasonal": row["apc_seasonal"], "apc_seasonal_lower": row["apc_seasonal_lower"],
                    "apc_seasonal_upper": row["apc_seasonal_upper"],
                    "dispersion_ratio_seasonal": row["dispersion_ratio_seasonal"],
                    "f": row["f"], "f_df": (int(row["f_df1"]), int(row["f_df2"])), "p_value": row["p_value"]})
    return out


def _warn_season(fn: str, out: pd.DataFrame, groups: list[tuple[Any, np.ndarray]], y: np.ndarray, pop: np.ndarray,
                 t: np.ndarray, keys: list[str], confidence: float) -> list[dict[str, Any]]:
    """Monthly (quarterly) counts fitted with a straight trend and no term for the month of the
    year: a seasonal swing is read as trend and as over-dispersion. Home Office racially or
    religiously aggravated offences, April 2013 to March 2015: 12.0% a year without, 19.25% with
    month-of-year terms (the two years' totals: 31,559 and 37,635, +19.25%); the whole 72 months:
    χ²/df 74.3 without, 21.1 with. Groups whose season terms are material (quasi F test, p < 0.05)
    are named with both APCs and χ²/df; groups of fewer than two cycles, where no season term can
    be fitted to check it, are named as such. Returns the checks, for ``.attrs["season"]``."""
    cycle = _season_cycle(groups, t)
    if cycle is None:
        return []
    what, unit = ("monthly", "month") if cycle == 12 else ("quarterly", "quarter")
    checks: list[dict[str, Any]] = []
    short: list[str] = []
    material: list[str] = []
    fitted = out["method"].astype(str).to_numpy() != "not estimable"
    todo: list[tuple[int, str, dict[str, Any]]] = []  # (group, label, its record) of the series to check
    for i, (g, pos) in enumerate(groups):
        if not fitted[i] or np.isnan(y[pos]).any() or np.isnan(pop[pos]).any():
            continue
        label = _key_text(g) if keys else "the series"
        rec: dict[str, Any] = dict(zip(keys, plain(g) if isinstance(g, tuple) else (plain(g),)))
        span = int(round((t[pos[-1]] - t[pos[0]]) * cycle)) + 1
        if span < 2 * cycle:
            rec.update(cycle=cycle, note=f"fewer than two years ({span} {unit}s)")
            checks.append(rec)
            short.append(f"{label} ({span} {unit}s)")
            continue
        todo.append((i, label, rec))
        checks.append(rec)  # in the groups' order; left out below where it cannot be fitted
    # every eligible series in one call of the core (they run together), in the groups' order
    found = _season_checks([(y[groups[i][1]], pop[groups[i][1]], t[groups[i][1]]) for i, _, _ in todo], cycle,
                           confidence)
    unfitted = {id(rec) for (_, _, rec), chk in zip(todo, found) if chk is None}
    checks[:] = [rec for rec in checks if id(rec) not in unfitted]
    for (i, label, rec), chk in zip(todo, found):
        if chk is None:
            continue
        rec.update(chk, apc=float(out["apc"].iloc[i]), dispersion_ratio=float(out["dispersion_ratio"].iloc[i]),
                   material=bool(chk["p_value"] < 0.05), note="")
        if rec["material"]:
            material.append(f"{label + ': ' if keys else ''}{_season_material(rec, confidence)}")
    if material:
        where = "" if not keys else (f" in {len(material)} of {number_of(len(groups), 'group')}, where the {unit}-of-year "
                                     "pattern is material")
        warn_user(f"{fn}: the counts are {what} and the trend has no {unit}-of-year term, so a seasonal swing is read "
                  f"as trend and as over-dispersion{where}: with a term for each {unit} of the year the APC is "
                  + ("by group, " if keys else "")
                  + "; ".join(material[:5]) + (f" (and {len(material) - 5} more)" if len(material) > 5 else "")
                  + _season_advice(cycle))
    if short:
        where = (f"over {short[0].split('(')[-1].rstrip(')')}, fewer than two years," if not keys else
                 f"over fewer than two years in {number_of(len(short), 'group')} (" + "; ".join(short[:5])
                 + (" …" if len(short) > 5 else "") + "),")
        warn_user(f"{fn}: the counts are {what} {where} and the trend has no {unit}-of-year term: a trend over "
                  f"part of a seasonal cycle takes the season for trend (many crimes peak in summer), and on fewer "
                  f"than two cycles no {unit}-of-year term can be fitted to check it. Use two or more whole years, or "
                  "say why the series has no season")
    return checks


def _season_material(rec: dict[str, Any], confidence: float) -> str:
    """A material season check (:func:`_warn_season`) in words: both APCs and χ²/df, the F test."""
    p, unit = rec["p_value"], "month" if rec["cycle"] == 12 else "quarter"
    return (f"{rec['apc_seasonal']:.2f}% ({confidence:.0%} quasi-Poisson interval {rec['apc_seasonal_lower']:.2f}% "
            f"to {rec['apc_seasonal_upper']:.2f}%) against {rec['apc']:.2f}% without, and the Pearson χ²/df "
            f"{rec['dispersion_ratio_seasonal']:.1f} against {rec['dispersion_ratio']:.1f} (the {unit}-of-year terms: "
            f"F = {rec['f']:.1f} on {rec['f_df'][0]} and {rec['f_df'][1]} df, p {'< 0.001' if p < 0.001 else f'= {p:.3f}'})")


def _season_advice(cycle: int) -> str:
    """The end of the season warning (:func:`_warn_season`): whole years, and the remedies."""
    return (". Over whole years the APC with those terms is that of the years' totals; a window that starts or ends "
            "in a high season tilts a straight trend, whole years or not. Allow for the season: fit it "
            f"(saferstats.poisson_trend(..., seasonality='dummies'): the APC net of the season), fit the totals of "
            f"whole years (e.g. financial years), test with saferstats.mann_kendall(..., season_length={cycle}) (the "
            "seasonal test), or for a change at a known date use saferstats.its_poisson(..., seasonality='dummies', "
            f"season_length={cycle}); or say why the series has no season. Listed in .attrs['season']")


def _warn_comparator_season(who: str, checks: list[dict[str, Any]], keys: list[str], confidence: float) -> None:
    """:func:`compare_trends`: the comparator's season check (:func:`_warn_season`), said once. The
    comparator is refitted beside each area (over the periods both have), so its check is repeated
    for each; where those fits are the same series (the comparator over the same months), the check
    is said once, not once per area; where they differ (other periods, or ``subtract=True``), each
    different check once, with the areas it is beside."""
    if not checks:
        return
    cycle = int(checks[0]["cycle"])
    what, unit = ("monthly", "month") if cycle == 12 else ("quarterly", "quarter")
    said: dict[tuple[bool, str], list[str]] = {}  # (material, what it says) -> the areas it is beside
    for c in checks:
        if c.get("note"):
            said.setdefault((False, str(c["note"])), []).append(_key_text(tuple(c.get(k) for k in keys)))
        elif c.get("material"):
            said.setdefault((True, _season_material(c, confidence)), []).append(
                _key_text(tuple(c.get(k) for k in keys)))

    def beside(areas: list[str]) -> str:  # (nothing where one check is beside every area)
        if len(said) == 1 and len(areas) == len(checks):
            return ""
        return f"beside {', '.join(areas[:5])}{f' and {len(areas) - 5} more' if len(areas) > 5 else ''}"

    material = [(text, areas) for (m, text), areas in said.items() if m]
    short = [(text, areas) for (m, text), areas in said.items() if not m]
    if material:
        fits = "; ".join((f"{beside(areas)}: " if beside(areas) else "") + text for text, areas in material[:5])
        same = (f" (one fit: the same {unit}s beside each area)" if len(said) == 1 and len(material[0][1]) == len(checks) > 1
                else "")
        warn_user(f"{who}: the counts are {what} and the trend has no {unit}-of-year term, so a seasonal swing is "
                  f"read as trend and as over-dispersion{same}: with a term for each {unit} of the year the APC is "
                  f"{fits}" + (f" (and {len(material) - 5} more)" if len(material) > 5 else "") + _season_advice(cycle))
    if short:
        over = "; ".join(text + (f" {beside(areas)}" if beside(areas) else "") for text, areas in short[:5])
        warn_user(f"{who}: the counts are {what} over {over}, and the trend has no {unit}-of-year term: a trend over "
                  f"part of a seasonal cycle takes the season for trend (many crimes peak in summer), and on fewer than "
                  f"two cycles no {unit}-of-year term can be fitted to check it. Use two or more whole years, or say "
                  "why the series has no season")


def _warn_trend_gaps(groups: Any, t: np.ndarray, step: float | None, labels: np.ndarray, keys: list[str],
                     names: Mapping[Any, str] | None = None) -> None:
    """Name the groups whose periods skip one or more steps (2016/17, 2018/19: no 2017/18). The fit
    is right - a gap is a gap in t - but the APC then rests on fewer periods than the span
    suggests, and the table that printed it would not say why. ``names``: each code's name
    (:func:`_code_names`), given beside the code ('E06000023' (Bristol; before 2016/17))."""
    if step is None:  # numbers or dates: the smallest spacing seen is the step
        d = np.concatenate([np.diff(t[pos]) for _, pos in groups]) if groups else np.empty(0)
        d = d[d > 0]
        if not len(d):
            return
        step = float(d.min())
    gapped = []
    for g, pos in groups:
        # a missing period leaves twice the step: more than 1.5 steps is a gap, so dates a year apart
        # (365 or 366 days) or a month apart (28 to 31) are not read as gaps
        after = np.flatnonzero(np.diff(t[pos]) > step * 1.5)
        if len(after):
            key = plain(g)[0] if isinstance(plain(g), tuple) and len(plain(g)) == 1 else plain(g)
            name = f"{names[key]}; " if keys and names and key in names else ""
            gapped.append(f"{_key_text(g) if keys else 'the series'} ({name}before "
                          f"{', '.join(str(plain(labels[pos[i + 1]])) for i in after[:3])})")
    if gapped:
        warn_user(f"poisson_trend: {number_of(len(gapped), 'group')} {'has' if len(gapped) == 1 else 'have'} periods missing inside their series — "
                  + "; ".join(gapped[:10]) + (f" (and {len(gapped) - 10} more)" if len(gapped) > 10 else "")
                  + "; the APC is per year over the periods present (n_periods), with the gap as a gap in time")


#: Columns of :func:`saferstats.read_flytipping` that say how a count was recorded.
_RECORDING_COLUMNS = ("recording_step", "reporting_basis")


def _recording_changes(data: pd.DataFrame, groups: list[tuple[Any, np.ndarray]], keys: list[str],
                       period: str) -> list[dict[str, Any]]:
    """The pairs of successive rows of each group between which the count changed how it is
    recorded, for a table that says so (the ``recording_step`` and ``reporting_basis`` columns of
    :func:`saferstats.read_flytipping`): a row flagged ``recording_step`` (a 4-fold change on the
    previous year published) that is not its group's first, or a change of Defra's reporting basis
    (published from 2019/20; a year with none published is taken to be on the basis of the nearest
    earlier published year, or the first one — docs/methods/trends.md, "Counts that change how they
    are recorded"). One dict per pair: the ``by`` values, ``period_from``, ``period_to``, ``reason``."""
    if not any(c in data.columns for c in _RECORDING_COLUMNS):
        return []
    labels = data[period].to_numpy()
    step = (data["recording_step"].fillna(False).astype(bool).to_numpy() if "recording_step" in data.columns
            else np.zeros(len(data), dtype=bool))
    basis_raw = data["reporting_basis"].tolist() if "reporting_basis" in data.columns else [None] * len(data)
    names = data["la_name"].tolist() if "la_name" in data.columns and "la_name" not in keys else None
    found: list[dict[str, Any]] = []
    for g, pos in groups:
        known = [" ".join(b.split()) if isinstance(b, str) and b.strip() else None for b in (basis_raw[i] for i in pos)]
        first = next((b for b in known if b is not None), None)
        resolved: list[str | None] = []
        for kb in known:
            resolved.append(kb if kb is not None else (resolved[-1] if resolved else first))
        for j in range(1, len(pos)):
            a, b = int(pos[j - 1]), int(pos[j])
            why = []
            if step[b]:
                why.append("a 4-fold or greater change on the previous year published (recording_step)")
            ra, rb = resolved[j - 1], resolved[j]
            if ra is not None and rb is not None and ra.lower() != rb.lower():
                why.append(f"reporting basis {ra!r} to {rb!r}")
            if why:
                rec: dict[str, Any] = dict(zip(keys, g if isinstance(g, tuple) else (g,)))
                if names is not None:
                    rec["la_name"] = names[b]
                rec.update(period_from=plain(labels[a]), period_to=plain(labels[b]), reason="; ".join(why))
                found.append(rec)
    return found


def _warn_recording_changes(fn: str, found: list[dict[str, Any]], keys: list[str]) -> None:
    """Name the groups (poisson_trend) or pairs (year_on_year) that cross a change in recording."""
    if not found:
        return
    def who(r: dict[str, Any]) -> str:
        key = ", ".join(str(r[k]) for k in keys) if keys else "the series"
        # the name beside a code (E06000062 (West Northamptonshire)); by='la_name' is named once
        return f"{key} ({r['la_name']})" if "la_name" in r and "la_name" not in keys else key

    shown = "; ".join(f"{who(r)}: {r['period_from']} to {r['period_to']}, {r['reason']}" for r in found[:6])
    more = f" (and {len(found) - 6} more)" if len(found) > 6 else ""
    if fn == "poisson_trend":
        n = len({tuple(r[k] for k in keys) for r in found})
        what = f"{n} group's trend runs" if n == 1 else f"{n:,} groups' trends run"
        fix = "fit each on the years since its last change (and none with fewer than 3)"
    else:
        what = f"{number_of(len(found), 'comparison')} {'is' if len(found) == 1 else 'are'}"
        fix = "leave those pairs out of any statement of change"
    warn_user(f"{fn}: {what} across a change in how the count is recorded, so the change in counting would be "
              f"read as a rise or fall: {shown}{more}. Compare like with like: {fix}, or say why not; listed in "
              ".attrs['recording_changes'] (docs/methods/trends.md, 'Counts that change how they are recorded')")


#: The columns that hold a table's period, in the order looked for: the readers' ``period``
#: ("2018/19"), a bundled table's ``year`` (:func:`saferstats.datasets.hate_crime_by_force`'s
#: "2018-19"), police.uk's ``month``. :func:`add_rates`, the population note and the funnels'
#: point names and mixed-period check find a table's period by this one rule.
_PERIOD_COLUMNS = ("period", "year", "month")


def _period_column(frame: pd.DataFrame) -> str | None:
    """The first of :data:`_PERIOD_COLUMNS` that ``frame`` has, or None.

    >>> _period_column(pd.DataFrame(columns=["force", "year", "offences"]))
    'year'
    """
    return next((c for c in _PERIOD_COLUMNS if c in frame.columns), None)


def period_key(v: Any) -> str:
    """A period label compared with a footnote's: "2017-18" and "2017/18" are one financial year."""
    text = " ".join(str(plain(v)).split())
    return re.sub(r"^(\d{4})[-/](\d{2})$", r"\1/\2", text)


def footnoted(data: pd.DataFrame, labels: np.ndarray, rows: Any) -> dict[str, str]:
    """The source's footnotes (``data.attrs["footnotes"]``: period label -> note, as
    :func:`saferstats.read_hate_crime` gives the bulletin's "2017/18³: Merseyside police have
    revised figures for 2017/18.") on the periods of ``rows`` (positions in ``labels``), as
    {period: note}. A footnote on a period says its figures are not like the others (revised, a
    force's recording improved, a change of definition), so a change into or out of it, or a trend
    over it, must be read with the note."""
    notes = data.attrs.get("footnotes") if isinstance(data.attrs, dict) else None
    if not isinstance(notes, Mapping) or not notes:
        return {}
    wanted = {period_key(k): (str(k), str(v)) for k, v in notes.items()}
    touched: dict[str, str] = {}
    for i in sorted({int(r) for r in rows}):
        key = period_key(labels[i])
        if key in wanted:
            touched[wanted[key][0]] = wanted[key][1]
    return touched


def _warn_footnotes(fn: str, touched: dict[str, str], what: str) -> None:
    """Say which footnoted periods ``fn``'s results rest on, with the source's note."""
    if not touched:
        return
    notes = "; ".join(f"{p}: {n!r}" for p, n in touched.items())
    warn_user(f"{fn}: {what} a period the source footnotes ({notes}); read the change with the note before "
              "calling it a rise or fall (a revision, or a force's improved recording, changes the count without "
              "any change in crime); listed in .attrs['footnotes']")


def _warn_population_note(fn: str, data: pd.DataFrame, population: str = "population",
                          period: str | None = None) -> str | None:
    """Repeat :func:`saferstats.read_hate_crime`'s ``attrs["population_note"]`` (one population
    figure for every year) where rates are made from that table, said of the rows passed (the note
    travels with any subset of the table): one force over both years is "for Hertfordshire
    (1,184,400)", not the whole file's 42 forces; one year says that year's rates are on the one
    estimate; rows whose populations differ between years (the caller's own) get nothing. A table
    without its force and period columns, or whose note has no ``attrs["population_note_parts"]``
    (:func:`saferstats.published.set_population_note`: a note set by hand), gets the note as read.
    The sentences the note adds after its base (:func:`saferstats.datasets.hate_crime_by_force`:
    that which year's mid-year estimate the population is is stated nowhere) are taken whole from
    those parts and said of every subset too, that one of the subset's own area. The period column
    is found by :func:`_period_column` (``period``, or the bundled table's ``year``) unless
    ``period`` is given.

    A table with the note's parts, its period and population but no force or area column (summed
    over the forces: ``groupby("period").sum()`` keeps ``attrs``) is not the forces' table the note
    is about: it is said of its own rows where their population is one figure in every year too
    (the forces' sum, 59,116,100 in both years of the Home Office table by force), and not at all
    where it is not. Returns what was said (without ``fn``), None where nothing was: the callers
    put it in their result's ``attrs["population_note"]``, or drop a note that does not apply."""
    from .published import same_population_note, unstated_estimate

    note = data.attrs.get("population_note") if isinstance(data.attrs, dict) else None
    if not (isinstance(note, str) and note):
        return None
    parts = data.attrs.get("population_note_parts")
    period = period if period is not None else _period_column(data)
    group = next((g for g in ("force", "force_code", "force_name", "area") if g in data.columns), None)
    if (isinstance(parts, dict) and group is None and period is not None and period in data.columns
            and population in data.columns):
        return _population_note_off_its_areas(fn, data, parts, population, period)
    if (not isinstance(parts, dict) or period is None or period not in data.columns or group is None
            or population not in data.columns):
        warn_user(f"{fn}: {note}")
        return note
    name, years = str(parts["source"]), ", ".join(parts["periods"])
    extra = [unstated_estimate(data, population=population, group=group).removeprefix(". ")  # the rows' own area
             if e["kind"] == "unstated_estimate" else e["text"] for e in parts["extra"]]
    added = "".join(f". {text}" for text in extra)
    here = same_population_note(data, name, population=population, period=period, group=group)
    if here is not None:
        here = re.sub(r"for 1 of 1 (?:forces|[\w ]+ groups) with a population in more than one year \(e\.g\. (.+) "
                      r"([\d,]+)\)", r"for \1 (\2)", here)
        warn_user(f"{fn}: {here}{added}")
        return f"{here}{added}"
    known = data[data[population].notna()]
    passed = sorted({str(plain(v)) for v in known[period].dropna()})
    if len(passed) == 1:
        said = (f"{name}: the population is one figure for every year of the source"
                f"{f' ({years})' if years else ''}, so these {passed[0]} rates are on that one estimate, which may "
                f"not be {passed[0]}'s own population: say which year the population is beside the rates, or give "
                f"{passed[0]}'s ONS mid-year estimate{added}")
        warn_user(f"{fn}: {said}")
        return said
    return None


def _said_of_rows(out: pd.DataFrame, said: str | None) -> None:
    """Put in a result's ``attrs["population_note"]`` the population note as said of the rows it was
    made from (:func:`_warn_population_note`'s return), or drop the note (and its parts) where it
    does not apply to them, so that a note carried by pandas into a summed table does not describe
    another table.

    >>> t = pd.DataFrame({"period": ["2017/18"]}); t.attrs["population_note"] = "x"
    >>> _said_of_rows(t, None); "population_note" in t.attrs
    False
    """
    if not isinstance(out.attrs.get("population_note"), str):
        return
    if said is None:
        out.attrs.pop("population_note", None)
        out.attrs.pop("population_note_parts", None)
    else:
        out.attrs["population_note"] = said


def _population_note_off_its_areas(fn: str, data: pd.DataFrame, parts: dict[str, Any], population: str,
                                   period: str) -> str | None:
    """:func:`_warn_population_note` of a table without the forces the note is about (summed over
    them): said of its own rows (by its first text column other than the period, else as one
    series) where their population is one figure in every year, naming the forces it was about;
    None, unsaid, where it is not."""
    from .published import same_population_note

    name = str(parts.get("source", ""))
    others = [c for c in data.columns if c not in (period, population) and not pd.api.types.is_numeric_dtype(data[c])]
    frame, group = (data, str(others[0])) if others else (data.assign(_rows="these rows"), "_rows")
    here = same_population_note(frame, name, population=population, period=period, group=group)
    if here is None:
        return None
    here = re.sub(r"for 1 of 1 (?:forces|[\w ]+ groups) with a population in more than one year \(e\.g\. (.+) "
                  r"([\d,]+)\)", r"for \1 (\2)", here)
    areas = list(parts.get("areas") or [])
    about = f"the {len(areas)} forces" if areas else "the forces"
    src, rest = here.split(": ", 1)
    said = (f"{src}: these rows are not {about} its note (.attrs['population_note']) is about: they have no force "
            f"column (summed over the forces, or reshaped); for them {rest}")
    warn_user(f"{fn}: {said}")
    return said


#: How far (in years) the crime periods may be from the Census whose residents are the population
#: before :func:`add_rates` / :func:`year_on_year` warn.
_CENSUS_GAP = 3


def _warn_census_year(fn: str, data: pd.DataFrame, population: str, period: str | None,
                      keys: list[Any] | None = None) -> list[dict[str, Any]]:
    """Warn when ``data`` carries a ``census`` column (:func:`saferstats.census_population`'s Census
    year, which survives a merge) and its rows' periods are more than :data:`_CENSUS_GAP` years from
    that Census (Census 2021 residents for 2017/18 crimes), naming the periods and the Census; and
    when that one population serves every period of a force or area (the note of
    :func:`saferstats.read_hate_crime`, not repeated when the table carries it already), said by
    :func:`_warn_same_population` (with or without a ``census`` column) where a group has one
    population in 3 periods or more; returns its groups (``.attrs["same_population"]``). A calendar
    ``year`` beside financial-year periods is said by :func:`~saferstats.published.warn_calendar_year_on_financial_years`."""
    from .published import same_population_note

    warn_calendar_year_on_financial_years(fn, data, population, period)
    if "census" not in data.columns or period is None or period not in data.columns or population not in data.columns:
        return _warn_same_population(fn, data, population, period, keys)
    census = pd.to_numeric(data["census"], errors="coerce")
    used = data[population].notna().to_numpy() & census.notna().to_numpy()
    if not used.any():
        return _warn_same_population(fn, data, population, period, keys)
    far: dict[int, list[str]] = {}
    for label, c in zip(data[period].to_numpy()[used], census.to_numpy()[used]):
        m = re.search(r"(19|20)\d{2}", str(plain(label)))
        if m and abs(int(m.group(0)) - int(c)) > _CENSUS_GAP:
            far.setdefault(int(c), [])
            if str(plain(label)) not in far[int(c)]:
                far[int(c)].append(str(plain(label)))
    for c, periods in sorted(far.items()):
        shown = sorted(periods)
        warn_user(f"{fn}: the population ({population!r}) is Census {c} residents (the table's 'census' column) set "
                  f"against {number_of(len(shown), 'period')} more than {_CENSUS_GAP} years from the Census: "
                  f"{', '.join(shown[:10])}{' ...' if len(shown) > 10 else ''}; the population then was not the "
                  f"Census {c} count, so these rates are off by the change in population in between: use ONS mid-year "
                  "estimates of each period's year (or the Census nearer the period), or say which year the population "
                  f"is beside the rates (if {population!r} is not the Census population, drop the 'census' column)")
    if isinstance(data.attrs, dict) and data.attrs.get("population_note"):
        return []  # read_hate_crime's note says it already (repeated by _warn_population_note)
    found = _warn_same_population(fn, data[used], population, period, keys)
    if found:
        return found
    # the force's name before its code: "e.g. Cheshire 1,095,333", not "E23000006" (the same groups)
    group = next((g for g in ("force", "force_code", "area", "la_code", "csp_code") if g in data.columns), None)
    if group is not None:
        note = same_population_note(data[used], f"Census {int(census[used].iloc[0])} population", population=population,
                                     period=period, group=group)
        if note:
            warn_user(f"{fn}: {note}")
    return []


#: How many periods of a group may share one population figure before :func:`poisson_trend`,
#: :func:`compare_trends`, :func:`add_rates` and :func:`year_on_year` say that the rates over
#: them are the counts over a constant (two is :func:`saferstats.read_hate_crime`'s two years,
#: said by its own ``population_note``).
_SAME_POPULATION_PERIODS = 3


def _same_population_groups(data: pd.DataFrame, population: str | None, period: str,
                            keys: list[Any]) -> list[dict[str, Any]]:
    """The groups of ``data`` (by ``keys``; the whole table where there are none) whose
    ``population`` is one figure in :data:`_SAME_POPULATION_PERIODS` or more of their periods,
    two years apart or more (the months of one year share its mid-year estimate, and are not
    named; periods that :func:`parse_periods` cannot read are counted without that check):
    each as its key columns, ``population`` (that figure), ``periods`` (how many periods have it)
    and ``of`` (how many have a population). One population merged onto every year of a series
    (Census 2021 residents of Derby, 261,334, beside Defra's fly-tipping 2012/13 to 2021/22).

    >>> d = pd.DataFrame({"la_code": ["A"] * 3 + ["B"] * 3, "period": ["2019/20", "2020/21", "2021/22"] * 2,
    ...                   "population": [100, 100, 100, 100, 101, 102]})
    >>> _same_population_groups(d, "population", "period", ["la_code"])
    [{'la_code': 'A', 'population': 100.0, 'periods': 3, 'of': 3}]
    """
    if population is None or population not in data.columns or period not in data.columns \
            or not all(k in data.columns for k in keys):
        return []
    pop = pd.to_numeric(data[population], errors="coerce")
    known = pd.DataFrame({"_pop": pop.to_numpy(dtype=float), "_period": data[period].astype(str).to_numpy()})
    try:
        known["_t"] = parse_periods_step(data[period], period)[0]
    except (SaferstatsError, ValueError, TypeError):
        known["_t"] = np.nan  # labels that are no period: the periods are counted, their span is not checked
    for i, k in enumerate(keys):
        known[f"_k{i}"] = data[k].to_numpy()
    known = known[known["_pop"].notna()].reset_index(drop=True)
    if not len(known):
        return []
    cols = [f"_k{i}" for i in range(len(keys))]
    # One pass over the whole table, not a drop_duplicates and a value_counts per group (289 of
    # Defra's councils on one Census population: 0.4 s a call, 8 calls in a report): each group's
    # (period, population) pairs once, how many periods each figure of a group has, and each
    # group's most frequent figure; on a tie, the figure that comes first in the table (what
    # ``value_counts`` gave: a stable sort on counts of values in order of first appearance).
    if cols:
        grouped = known.groupby(cols, sort=True, dropna=False)
        known["_g"] = grouped.ngroup().to_numpy()
        names = list(grouped.size().index)
    else:
        known["_g"] = 0
        names = [()]
    per = known.drop_duplicates(["_g", "_period", "_pop"]).reset_index(drop=True)
    per["_first"] = np.arange(len(per))
    of = per.groupby("_g")["_period"].nunique()
    figures = per.groupby(["_g", "_pop"], sort=False).agg(
        n=("_first", "size"), first=("_first", "min"), t_known=("_t", "count"), t_min=("_t", "min"),
        t_max=("_t", "max")).reset_index().rename(columns={"_g": "group", "_pop": "figure"})
    top = figures.sort_values(["group", "n", "first"], ascending=[True, False, True], kind="stable") \
        .drop_duplicates("group")
    found: list[dict[str, Any]] = []
    for r in top.itertuples(index=False):
        if int(r.n) < _SAME_POPULATION_PERIODS:
            continue
        if int(r.t_known) == int(r.n) and float(r.t_max - r.t_min) < 2 - 1e-9:
            continue
        g = names[int(r.group)]
        key = g if isinstance(g, tuple) else (g,)
        found.append({**{k: plain(v) for k, v in zip(keys, key)}, "population": float(r.figure),
                      "periods": int(r.n), "of": int(of[r.group])})
    return found


def _warn_same_population(fn: str, data: pd.DataFrame, population: str | None, period: str | None,
                          keys: list[Any] | None = None, *, trend: bool = False) -> list[dict[str, Any]]:
    """Say (with :func:`saferstats.published.same_population_note`'s words) which groups of
    ``data`` have one population in :data:`_SAME_POPULATION_PERIODS` or more periods
    (:func:`_same_population_groups`), and return them for ``.attrs["same_population"]``: their
    rates are the counts over a constant, so the change in a rate, and a trend's APC "per
    population" (``trend``), is the change in the count. ``keys`` None: the table's area column
    (``force_code``, ``force``, ``area``, ``la_code``, ``csp_code``), or the table as one series
    when its periods do not repeat. Nothing where the table's ``attrs["population_note"]`` says it
    (:func:`saferstats.read_hate_crime`, repeated by :func:`_warn_population_note`)."""
    from .published import same_population_note

    if population is None or period is None or period not in data.columns or population not in data.columns:
        return []
    if isinstance(data.attrs, dict) and data.attrs.get("population_note"):
        return []
    if keys is None:
        area = next((g for g in ("force_code", "force", "area", "la_code", "csp_code") if g in data.columns), None)
        if area is None and data[period].duplicated().any():
            return []  # several series, and no column to tell them apart
        keys = [] if area is None else [area]
    found = _same_population_groups(data, population, period, keys)
    if not found:
        return found
    label = keys[0] if len(keys) == 1 and isinstance(keys[0], str) else "series"

    def key_of(r: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(r[k] for k in keys) if keys else ("the series",)

    # the table's figures, keys and periods read once, not once per group found (289 of Defra's councils)
    figures = pd.to_numeric(data[population], errors="coerce").to_numpy(dtype=float)
    periods = data[period].astype(str).to_numpy()
    # each row's key once, its rows by group in one pass (not a comparison of every key column with
    # each group found: 289 groups, 1,324 Series comparisons in Cardiff's fly-tipping section); a
    # row whose key is missing is in no group found, as it never equals one
    key_columns = [data[k].map(plain) for k in keys]
    unkeyed = np.zeros(len(data), dtype=bool)
    for column in key_columns:
        unkeyed |= column.isna().to_numpy(dtype=bool)
    rows_of: dict[tuple[Any, ...], list[int]] = {}
    for i, key in enumerate(zip(*(column.to_numpy(dtype=object) for column in key_columns)) if keys
                            else ((),) * len(data)):
        if not unkeyed[i]:
            rows_of.setdefault(key, []).append(i)
    labels, rows = [], []
    for r in found:
        at = np.asarray(rows_of.get(tuple(r[k] for k in keys), []), dtype=np.intp)
        labels.append(_key_text(key_of(r)).strip("'\""))
        rows.append(at[figures[at] == r["population"]])
    sub = pd.DataFrame({label: np.repeat(np.array(labels, dtype=object), [len(i) for i in rows]),
                        "population": np.repeat([r["population"] for r in found], [len(i) for i in rows]),
                        "period": periods[np.concatenate(rows)]})
    census = pd.to_numeric(data["census"], errors="coerce").dropna() if "census" in data.columns else pd.Series([])
    name = f"Census {int(census.iloc[0])} population" if census.nunique() == 1 else f"column {population!r}"
    note = same_population_note(sub, name, population="population", period="period", group=label)
    if note is None:  # (one period label in all: cannot be, with 3 periods or more)
        return found
    n_groups = len(data.groupby(keys, dropna=False)) if keys else 1
    note = re.sub(r" for (\d+) of \d+ (.+?) with a population in more than one year \(e\.g\. (.+) ([\d,]+)\)",
                  lambda m: f" for {m.group(1)} of {n_groups} {m.group(2)} (e.g. {m.group(3)} {m.group(4)})" if keys
                  else f" ({m.group(4)})", note)
    groups = [(key_of(r), f"{r['population']:,.0f} in {r['periods']} of {r['of']} periods") for r in found]
    shown = "; ".join(short_group_labels(data, groups[:10], by=keys, period=period)) if keys else groups[0][1]
    shown += f" (and {len(groups) - 10} more)" if len(groups) > 10 else ""
    what = ("so each trend's APC per population is the APC of the counts (the same with population=None), not a "
            "trend in the rate" if trend else "so the change in these rates is the change in the counts")
    warn_user(f"{fn}: {note}; {what}: {shown}; listed in .attrs['same_population']")
    return found


#: Columns that name an area (or a period) in the tables :func:`saferstats.census_population` gives,
#: and in tables joined to them: the rows of one area and period, across its ethnic groups.
_AREA_KEYS = ("lsoa_code", "lsoa", "ward_code", "ward", "la_code", "la", "csp_code", "csp", "force_code", "force",
              "force_name", "area", "period", "year", "month")


def _warn_count_repeated_by_group(fn: str, data: pd.DataFrame, count: str, population: str) -> None:
    """Warn when ``data`` has an ``ethnicity`` column (:func:`saferstats.census_population`'s long
    table) and ``count`` is the same figure on every ethnic group row of most of its areas: area
    counts merged onto the long table, so that each rate is the area's count over one ethnic
    group's residents (walk 21: police.uk crimes per ward on ``census_population("ward")``)."""
    if "ethnicity" not in data.columns or count not in data.columns or population not in data.columns:
        return
    keys = [k for k in _AREA_KEYS if k in data.columns and k not in (count, population)]
    if not keys or len(data) < 2:
        return
    frame = pd.DataFrame({"c": pd.to_numeric(data[count], errors="coerce").to_numpy(dtype=float),
                          "e": data["ethnicity"].astype(str).to_numpy()})
    for i, k in enumerate(keys):
        frame[f"k{i}"] = data[k].astype(str).to_numpy()
    g = frame.groupby([f"k{i}" for i in range(len(keys))], sort=False)
    stats = g.agg(groups=("e", "nunique"), values=("c", "nunique"), top=("c", "max"), rows=("c", "size"))
    several = stats[stats["groups"] > 1]
    same = several[(several["values"] == 1) & (several["top"] > 0)]
    if not len(several) or len(same) < max(1, 0.5 * len(several)):
        return
    first = same.index[0]
    first = first if isinstance(first, tuple) else (first,)
    where = ", ".join(f"{k} {v}" for k, v in zip(keys[:2], first[:2]))
    groups = int(several["groups"].max())
    label = next((k for k in keys if k not in ("period", "year", "month")), keys[0])
    warn_user(f"{fn}: column {count!r} is the same figure on every ethnic group row of {len(same):,} of "
              f"{len(several):,} areas (e.g. {where}: {same['top'].iloc[0]:g} on each of its {int(same['rows'].iloc[0])} "
              f"rows): area counts joined to census_population's long table (one row per area and ethnic group, "
              f"{groups} groups), so each rate is the area's count over one ethnic group's residents, not over all of "
              f"them. For rates of all residents, sum {population!r} over ethnicity before the join, e.g. "
              f"pop.groupby([{label!r}, 'census'], as_index=False)[{population!r}].sum(); for rates by ethnic group, "
              "give each group its own count")


def _mk_matrix(values: Any) -> tuple[np.ndarray, pd.Index | None]:
    """``values`` as a 2-D float matrix (one row per series) and the row index to keep."""
    if isinstance(values, pd.DataFrame):
        cols = [as_float_array(f"values[{c!r}]", values[c]) for c in values.columns]
        return (np.column_stack(cols) if cols else np.empty((len(values), 0))), values.index
    if isinstance(values, pd.Series):
        return as_float_array("values", values).reshape(1, -1), None
    if isinstance(values, (str, bytes, dict, set)) or values is None:
        raise InvalidInputError(
            f"`values` must be a series of numbers (a list, array, Series) or a 2-D array / DataFrame, got {type(values).__name__}",
            "values",
        )
    try:
        arr: np.ndarray | None = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        arr = None
    if arr is None:
        try:
            rows = np.asarray(values, dtype=object)
        except (TypeError, ValueError):
            rows = None
        if rows is not None and rows.ndim == 1 and not any(isinstance(v, (list, tuple, np.ndarray)) for v in rows):
            return as_float_array("values", list(rows)).reshape(1, -1), None  # names the position
        raise InvalidInputError(
            "`values` must be numbers in a 1-D or 2-D array (equal-length rows), e.g. [12, 15, 14] or [[...], [...]]",
            "values",
        )
    if arr.ndim == 0:
        raise InvalidInputError("`values` must be a series of values, not a single number", "values")
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    elif arr.ndim != 2:
        raise InvalidInputError(f"`values` must be 1-D or 2-D, got shape {arr.shape}", "values")
    return arr, None


def _reads_as_periods(labels: Any) -> bool:
    """Whether ``labels`` (an index or columns) are period labels — financial years, years as
    text, months, dates, pandas Periods — in any order (plain numbers, e.g. a RangeIndex, are
    not): :func:`saferstats.monitoring.period_index`, the one reader of a time index."""
    from .monitoring import period_index

    if labels is None or len(labels) < 2:
        return False
    return period_index(labels if isinstance(labels, pd.Index) else pd.Index(list(labels))) is not None


def _series_label(index: Any, row: int) -> str:
    """``" (label)"`` for row ``row`` of a DataFrame's index (nothing for a plain position)."""
    if index is None or isinstance(index, pd.RangeIndex) or not 0 <= row < len(index):
        return ""
    return f" ({plain(index[row])})"


def gap_labels(labels: Any) -> list[str] | None:
    """Labels of the observations that follow a gap, when ``labels`` read as periods with gaps
    (else None)."""
    try:
        t, step = parse_periods_step(pd.Series(list(labels)), "index")
    except InvalidInputError:
        return None
    if len(t) < 2 or np.any(np.diff(t) <= 0):
        return None
    d = np.diff(t)
    step = step if step is not None else float(d.min())
    gaps = np.flatnonzero(d > step * 1.5)  # as _warn_trend_gaps: 365/366-day years are not gaps
    return [str(plain(list(labels)[i + 1])) for i in gaps] or None


def _seasonal_gaps(values: Any, missing: str) -> Any:
    """A Series (or DataFrame with periods as columns) for the seasonal Mann-Kendall test, which
    puts each value in its season by position: periods missing from the labels (2015-10 to 2015-12
    absent from a monthly series) put every later value in another season's place. With
    ``missing="drop"`` the missing periods are put in as missing values (left out, the seasons kept
    in line; a warning names them); with ``"error"`` an :class:`InvalidInputError` names the gap."""
    labels = values.columns if isinstance(values, pd.DataFrame) else values.index
    gaps = gap_labels(labels)
    if not gaps:
        return values
    t, step = parse_periods_step(pd.Series(list(labels)), "index")
    step = step if step is not None else float(np.diff(t).min())
    k = (t - t[0]) / step
    pos = np.rint(k).astype(np.intp)
    where = ", ".join(gaps[:5]) + (" ..." if len(gaps) > 5 else "")
    if np.any(np.abs(k - pos) > 0.01):
        raise InvalidInputError(
            f"mann_kendall: the periods are not evenly spaced (a gap before {where}), so the seasonal test, which "
            "puts each value in its season by position, cannot tell which season each value is in: give every "
            "period of the cycle (a missing one as NaN, with missing='drop')", "values", gaps[0])
    n_missing = int(pos[-1] + 1 - len(pos))
    if missing == "error":
        raise InvalidInputError(
            f"mann_kendall: {number_of(n_missing, 'period')} {'is' if n_missing == 1 else 'are'} missing from the series (gaps before {where}); the seasonal "
            "test puts each value in its season by position, so every value after a gap would be tested as "
            "another season's. Pass missing='drop' to put the missing periods in as missing (left out, the "
            "seasons kept in line), or give them their values (0 for a period with no records)", "values", gaps[0])
    if isinstance(labels, pd.PeriodIndex):
        full: Any = pd.period_range(labels[0], labels[-1], freq=labels.freq)
    else:
        full = [f"(missing {i})" for i in range(int(pos[-1]) + 1)]
        for i, lab in zip(pos, labels):
            full[int(i)] = lab
    warn_user(f"mann_kendall: {number_of(n_missing, 'period')} missing from the series (gaps before {where}) {'is' if n_missing == 1 else 'are'} put in as "
              "missing values, so that every value stays in its season (the seasonal test places values by "
              "position; before session 19 the values after a gap were tested as the wrong seasons' and Sen's "
              "slope moved); `n` counts the values used")
    if isinstance(values, pd.DataFrame):
        out = pd.DataFrame(np.nan, index=values.index, columns=pd.RangeIndex(len(full)))
        out.iloc[:, pos] = values.to_numpy(dtype=float)
        out.columns = pd.Index(full)
        return out
    filled = np.full(len(full), np.nan)
    filled[pos] = np.asarray(values, dtype=float)
    return pd.Series(filled, index=pd.Index(full), name=values.name)


def _one_cycle_said(n: int, period: int, series: int = 1) -> str:
    """What :func:`mann_kendall` says when the seasonal test has fewer than two cycles: the core's
    "season 0 has 1 values; the seasonal test needs at least 2 per season" (12 monthly values with
    ``season_length=12``) in the analyst's terms - how many cycles the values are, how many the test
    needs, and what to do instead.

    >>> print(_one_cycle_said(12, 12))
    mann_kendall(season_length=12): the 12 values are one cycle of 12, and the seasonal test needs at least 2 cycles (24 values): it compares each season (month) only with the same season of other cycles (years), so every season needs 2 values or more. Wait for a second cycle, or test the totals of several whole cycles (years) with the plain test (season_length=None, e.g. mann_kendall(annual_totals)); the plain test on these 12 values would read the season as trend
    """
    cycles, rest = divmod(n, period)
    if cycles == 0:
        are = f"are less than one cycle of {period}"
    else:
        are = f"are one cycle of {period}" + (f" and {rest} value{'s' if rest != 1 else ''} more" if rest else "")
    each = f"each of the {series} series has {n} values, which" if series > 1 else f"the {n} values"
    season, years = {12: (" (month)", " (years)"), 4: (" (quarter)", " (years)")}.get(period, ("", ""))
    return (f"mann_kendall(season_length={period}): {each} {are}, and the seasonal test needs at least 2 cycles "
            f"({2 * period} values): it compares each season{season} only with the same season of other "
            f"cycles{years}, so every season needs 2 values or more. Wait for a second cycle, or test the totals of "
            f"several whole cycles{years} with the plain test (season_length=None, e.g. mann_kendall(annual_totals)); "
            f"the plain test on these {n} values would read the season as trend")


@accepts_frames(optional=("values",))
@renamed_keywords(period="season_length")
@confidence_levels("slope_lower", "slope_upper")
def mann_kendall(
    values: Any,
    *,
    confidence: float = 0.95,
    season_length: int | None = None,
    missing: Literal["error", "drop"] = "error",
    times: Any = None,
) -> pd.DataFrame:
    """Mann-Kendall trend test with Sen's slope (and its CI), for one series or many.

    Method (``docs/methods/trends.md`` A6; pymannkendall ``original_test``): S with tie-corrected variance,
    continuity-corrected z, two-sided p, tau-a; Sen's slope over index spacing with the Sen (1968)
    CI as ``scipy.stats.theilslopes``; intercept median(x) − slope·median(index).
    ``season_length=12`` (the length of the seasonal cycle; formerly ``period=``) runs the seasonal
    test (pymannkendall ``seasonal_test(period=12)``: S and Var(S) summed over seasons, slope per
    cycle; no slope CI). ``missing="drop"`` leaves NaNs out (the count used is ``n``; their
    positions still count as steps; ``"skip"``, its old name, still works with a ``FutureWarning``). Fewer than 10 values: a warning, since the normal
    approximation is rough; it gives the exact p-value (``exact_p``) where the values are untied.

    Gaps in time: Sen's slope is per *step* of the series. When observations are not equally
    spaced (2012, 2013, 2014, 2016, …) pass ``times=`` (one period per column: numbers or labels
    read by :func:`parse_periods`): the slope is then per year, its CI and intercept as
    ``scipy.stats.theilslopes(values, times)``; S, z and p do not depend on the spacing. Without
    ``times``, a Series index / DataFrame columns that read as periods with a gap give a
    :class:`~saferstats.SaferstatsWarning`. The seasonal test puts each value in its season by
    position, so there a gap (months missing from a monthly series) is an
    :class:`InvalidInputError` naming it; ``missing="drop"`` puts the missing periods in as
    missing values, keeping every value in its season, with a warning (as pymannkendall
    ``seasonal_test`` on the series with the gap as NaN).

    ``values``: a 1-D array-like (one row out) or a 2-D array / DataFrame (one row per series,
    the DataFrame's index kept); all series are tested in parallel in Rust.

    Time order: the test reads the order of the values. A Series whose index — or a DataFrame whose
    columns — are periods (a ``PeriodIndex``, dates, or labels :func:`parse_periods` reads, such as
    ``"2021-06"`` or ``"2019/20"``) is put in time order first, with a
    :class:`~saferstats.SaferstatsWarning` naming the first label out of order (newest first, the
    rising series was tested as a falling one); periods out of order and repeated are refused
    (:class:`InvalidInputError`). Lists, arrays and a plain position or number index carry no time:
    they are tested in the order given. Errors name a Series' element by its label, a DataFrame's
    series by its row label.

    Returns
    -------
    DataFrame with ``s, var_s, z, p_value, tau, slope, slope_lower, slope_upper, intercept, n``,
    ``exact_p`` and ``confidence, method``. ``exact_p`` is the two-sided exact p-value of S where the
    values used are untied (every order equally likely under no trend: ``scipy.stats.kendalltau(...,
    method="exact")``; the core's ``kendall_exact_p``), up to 100 values; NaN with ties and for the
    seasonal test. Below 10 values it is the p-value to quote: the normal approximation (``p_value``,
    pymannkendall's) is then too cautious (the race strand's 8 years: 0.00198 against 0.000397).

    Examples
    --------
    >>> import saferstats
    >>> mk = saferstats.mann_kendall([12, 15, 14, 18, 21, 19, 24, 26, 25, 30])
    >>> mk[["s", "var_s", "z", "p_value", "tau", "slope", "slope_lower", "slope_upper", "n"]].round(6)
          s  var_s         z   p_value       tau  slope  slope_lower  slope_upper   n
    0  39.0  125.0  3.398823  0.000677  0.866667    2.0          1.5         2.25  10
    """
    if isinstance(missing, str) and str(missing) == "skip":
        warn_user("mann_kendall: `missing='skip'` is now called `missing='drop'` (docs/vocabulary.md); the old "
                  "name will be removed in a future release", FutureWarning)
        missing = "drop"
    missing = choice_option("missing", missing, ("error", "drop"))
    period = season_length
    order0 = None
    if times is None and isinstance(values, (pd.Series, pd.DataFrame)):
        # a Series indexed by period / a DataFrame with periods as columns, newest first: the test runs
        # in time order (in the order given it reversed the sign of S, z, tau and the slope)
        from .monitoring import time_order

        if isinstance(values, pd.Series):
            order0 = time_order(values.index, "mann_kendall", "values")
            values = values if order0 is None else values.iloc[order0]
        else:
            order0 = time_order(values.columns, "mann_kendall", "values")
            values = values if order0 is None else values.iloc[:, order0]
    if period is not None and times is None and isinstance(values, (pd.Series, pd.DataFrame)):
        values = _seasonal_gaps(values, missing)
    arr, index = _mk_matrix(values)
    n_rows, n_cols = arr.shape
    if period is not None:  # the cycle's length, named as the caller gave it
        int_option("season_length", period, minimum=2, maximum=max(n_cols, 2))
    t = None
    if times is not None:
        if period is not None:
            raise InvalidInputError("`times` and a seasonal `season_length` cannot be combined (the seasonal test needs a regular cycle)", "times")
        t = np.ascontiguousarray(parse_periods(times, column="times"), dtype=np.float64)
        if len(t) != n_cols:
            raise InvalidInputError(f"`times` has {len(t)} periods but each series has {n_cols} values", "times")
    elif period is None:
        labels = values.columns if isinstance(values, pd.DataFrame) else values.index if isinstance(values, pd.Series) else None
        gaps = gap_labels(labels) if labels is not None and len(labels) == n_cols else None
        if gaps:
            warn_user(f"mann_kendall: the periods have gaps (before {', '.join(gaps[:5])}); Sen's slope is per step, "
                      "not per unit of time — pass times= to use the real spacing")
    if isinstance(values, pd.DataFrame) and n_rows > 1 and _reads_as_periods(values.index) \
            and not _reads_as_periods(values.columns):
        # a pivot with the periods down the side (pivot(index="period", columns=...)): each row is
        # one series here, so every test would run across the categories within one period
        first, last = plain(values.index[0]), plain(values.index[-1])
        cols = ", ".join(repr(plain(c)) for c in list(values.columns)[:4]) + (", ..." if n_cols > 4 else "")
        warn_user(f"mann_kendall: each row of a DataFrame is one series, and these rows are periods ({first} ... "
                  f"{last}): each test runs across the columns ({cols}) within one period, not over time — "
                  "pass values.T to test each column over the periods")
    if n_cols and n_cols < 10:
        warn_user(f"Mann-Kendall on {n_cols} values: the normal approximation is rough below 10"
                  + ("; exact_p gives the exact p-value of S where the values are untied (quote it)" if period is None
                     else ""))
    flat = np.ascontiguousarray(arr.ravel())
    skip = missing == "drop"
    try:
        if period is None:
            res = _ext.mann_kendall_rows(flat, n_cols, confidence=float(confidence), skip_missing=skip, times=t)
            label = "mann-kendall"
        else:
            p = int_option("period", period, minimum=2, maximum=max(n_cols, 2))
            res = _ext.seasonal_mann_kendall_rows(flat, n_cols, p, confidence=float(confidence), skip_missing=skip)
            label = f"seasonal mann-kendall (period {p})"
    except MissingValueError as exc:
        pos = exc.index if exc.index is not None else 0
        row, col = divmod(pos, max(n_cols, 1))
        # named as the caller knows it: the DataFrame's row (series) and column labels beside their
        # positions, a Series' element by its label
        if isinstance(values, pd.Series):
            where, label = row_of(values, col)
            col = col if order0 is None else int(order0[col])  # the caller's position
        else:
            col_label = "" if not isinstance(values, pd.DataFrame) else f" ({plain(values.columns[col])})"
            where = (f"series {row}{_series_label(index, row)}, position {col}{col_label}" if n_rows > 1
                     else f"position {col}{col_label}")
            label = label_of(values, row) if n_rows > 1 else col
        raise MissingValueError(
            f"missing value (NaN) in `values` at {where}; pass missing='drop' to leave missing values out",
            "values",
            label, position=row if n_rows > 1 else col
        ) from None
    except InvalidInputError as exc:
        if period is not None and n_cols < 2 * int(period) and "per season" in str(exc):
            raise InvalidInputError(_one_cycle_said(n_cols, int(period), n_rows), exc.argument) from None
        # the core names a series by its position ("row 0: ..."): add the DataFrame's label for it
        m = re.search(r"\brow (\d+):", str(exc))
        label = _series_label(index, int(m.group(1))) if m else ""
        if not label or m is None or index is None:
            raise
        raise InvalidInputError(str(exc).replace(m.group(0), f"row {m.group(1)}{label}:", 1), exc.argument,
                                  plain(index[int(m.group(1))]), position=int(m.group(1))) from None
    out = pd.DataFrame(
        {k: res[k] for k in ["s", "var_s", "z", "p_value", "tau", "slope", "slope_lower", "slope_upper", "intercept", "n",
                             "exact_p"]},
        index=index,
    )
    out["confidence"] = float(confidence)
    out["method"] = label if t is None else label + " (sen slope per unit of time)"
    if period is None and t is None:
        _warn_unseasonal_mk(values, flat, n_rows, n_cols, out, float(confidence), skip)
    return out


def _warn_unseasonal_mk(values: Any, flat: np.ndarray, n_rows: int, n_cols: int, out: pd.DataFrame,
                        confidence: float, skip: bool) -> None:
    """Values labelled by month (quarter), two years or more, tested without ``season_length``:
    the plain test takes the season's swing for trend and its variance of S assumes none (Hirsch
    et al. 1982). Said, with the seasonal test's result for one series (racially or religiously
    aggravated offences, 72 months: z 8.06 plain, 8.95 seasonal; Sen's slope 34.1 a month against
    420.8 a year)."""
    labels = values.columns if isinstance(values, pd.DataFrame) else values.index if isinstance(values, pd.Series) else None
    if labels is None or len(labels) != n_cols or not _reads_as_periods(labels):
        return
    try:
        tl, _ = parse_periods_step(pd.Series(list(labels)), "values")
    except (SaferstatsError, ValueError, TypeError):
        return
    cycle = _season_cycle([(None, np.arange(n_cols))], tl)
    if cycle is None or n_cols < 2 * cycle:
        return
    unit = "month" if cycle == 12 else "quarter"
    what = ""
    if n_rows == 1:
        try:
            seas = _ext.seasonal_mann_kendall_rows(flat, n_cols, cycle, confidence=confidence, skip_missing=skip)
        except (SaferstatsError, ValueError):
            seas = None
        if seas is not None:
            p, p0 = float(seas["p_value"][0]), float(out["p_value"].iloc[0])
            what = (f" (here the seasonal test gives z {float(seas['z'][0]):.2f}, p {p:.2g}, Sen's slope "
                    f"{float(seas['slope'][0]):.4g} a year, against z {float(out['z'].iloc[0]):.2f}, p {p0:.2g}, "
                    f"{float(out['slope'].iloc[0]):.4g} a {unit})")
    warn_user(f"mann_kendall: the values are {unit}ly and the test is not seasonal: a seasonal swing is "
              f"read as trend, and the test's variance of S assumes {unit}s a year apart are no more alike than "
              f"any others (Hirsch et al. 1982). season_length={cycle} runs the seasonal Mann-Kendall test, which "
              f"compares each {unit} only with the same {unit} in other years{what}")


@accepts_frames("data")
@confidence_levels(
    "rate_from_lower", "rate_from_upper", "rate_to_lower", "rate_to_upper", "lower", "upper", "pct_lower", "pct_upper"
)
def year_on_year(
    data: pd.DataFrame,
    *,
    count: str = "count",
    population: str | None = "population",
    period: str = "period",
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    multiplier: float = 100_000,
    method: Literal["wald-log", "exact"] = "wald-log",
    missing: Literal["error", "drop", "propagate"] = "error",
    season_length: int | None = None,
) -> pd.DataFrame:
    """Change between successive periods, per group: both periods' rates with CIs, the rate
    ratio later ÷ earlier with CI and p-value, and the percentage change with CI.

    Method (``docs/methods/rates.md`` A4): rates by :func:`saferstats.rate_ci` (PHE), the ratio later/earlier
    by :func:`saferstats.rate_ratio` (wald-log; exact conditional when a count is 0, which the
    ``method`` column says), ``pct_change = 100(ratio − 1)``. ``population=None`` compares counts.

    Gaps: each group's periods are compared in order, and a pair that skips a period (2016/17 →
    2018/19 when 2017/18 is absent) is not a year-on-year change. Such pairs are kept — the
    ratio of the two rates is still correct — but ``consecutive`` is False for them and a
    :class:`~saferstats.SaferstatsWarning` names them. One step is a year for years and
    financial years, a month for months; for plain numbers and dates it is the smallest spacing
    between periods in the table. On months (or quarters) each row is a change from the month
    before, not a year apart, and a seasonal swing reads as change (July to August 2013, racially
    or religiously aggravated offences: −13.6%, p < 0.001): a
    :class:`~saferstats.SaferstatsWarning` says so; compare the totals of whole years, or each
    month with the same month a year earlier: ``season_length``.

    ``season_length`` (the length of the seasonal cycle, as in :func:`mann_kendall`: 12 for
    months, 4 for quarters): each period is compared with the one ``season_length`` steps earlier
    in its group — the same month (quarter) a year before — instead of the one before it, so the
    season cancels out of each change. A group's first ``season_length`` periods have no earlier
    one and no row; a period inside the series whose period a cycle earlier is absent (not in the
    table, or left out by ``missing="drop"``) raises :class:`~saferstats.InvalidInputError` naming
    the group and both periods (``missing="propagate"`` keeps a row without a figure, which gives
    NaN for the comparisons into and out of it). On months or quarters ``season_length`` must be a
    whole number of years of them (12, 24 for months; 4, 8 for quarters). Every row then has
    ``consecutive`` True: its two periods are exactly ``season_length`` steps apart.

    A change from a count of 0 is infinite (``pct_change`` = inf; the ratio's exact lower limit is
    finite): a :class:`~saferstats.SaferstatsWarning` names the group and periods, to report the
    counts instead (the City of London's transgender hate crimes: 0 in 2017-18, 3 in 2018-19).

    A group with a single period has nothing to compare: it has no row in the result, and a
    :class:`~saferstats.SaferstatsWarning` names it (often a category relabelled between years).

    Populations: a table's ``attrs["population_note"]`` (:func:`saferstats.read_hate_crime`: one
    population for every year) is repeated as a warning; a ``census`` column
    (:func:`saferstats.census_population`'s Census year, which survives a merge) gives a warning
    naming the periods more than 3 years from that Census, and one when the one Census population
    serves every period (its change is then the change in the count).

    Missing counts or populations (a figure the source did not publish): ``missing="error"``
    (default) raises :class:`~saferstats.MissingValueError` naming the column and row;
    ``missing="propagate"`` keeps the row in its series, so the comparisons into and out of that
    period have NaN rates, ratio and change (every other comparison is unaffected), and a
    :class:`~saferstats.SaferstatsWarning` names the rows; ``missing="drop"`` leaves those rows
    out, so each group's changes run between the periods it has: a change across a left-out period
    (2016/17 → 2018/19 when 2017/18 has no figure) is flagged ``consecutive`` False, a
    :class:`~saferstats.SaferstatsWarning` names the rows left out and the pairs, and
    ``.attrs["dropped"]`` lists the rows (``row``, the ``by`` columns, ``period``).

    Returns
    -------
    DataFrame, one row per group and pair of successive periods: the ``by`` columns,
    ``period_from, period_to, consecutive, count_from, count_to, rate_from, rate_from_lower,
    rate_from_upper, rate_to, rate_to_lower, rate_to_upper, ratio, lower, upper, pct_change,
    pct_lower, pct_upper, p_value, confidence, method`` (``pct_change`` is
    :func:`saferstats.percent_change`'s ``percent_change``; these names were fixed by issue 3).
    With ``population=None`` there are no rates: the six ``rate_…`` columns are
    ``count_from_lower, count_from_upper, count_to_lower, count_to_upper`` (each count's exact /
    Byar's Poisson interval), so no count is read as a rate per 100,000, and the ratio is of the
    counts. ``.attrs["measure"]`` says which (``"count"`` or ``"rate per 100,000"``), and
    ``.attrs["multiplier"]`` the rates' multiplier (None for counts).
    A published reader's ``.attrs["summary"]`` and ``.attrs["coverage"]`` come with it, said of the
    rows used (:func:`saferstats.published.attrs_of_rows`), as :func:`saferstats.add_rates` keeps them:
    with ``missing="drop"`` the rows left out are not among them (``rows`` counts the rows used,
    ``rows_read`` the file's) and the summary's ``rows_dropped`` counts them.

    Examples
    --------
    Hertfordshire hate crime, 1,468 (2017-18) to 1,600 (2018-19):

    >>> import saferstats
    >>> df = saferstats.datasets.hate_crime_by_force().query("force == 'Hertfordshire'")
    >>> yoy = saferstats.year_on_year(df, count="offences", period="year", by="force")
    >>> yoy[["force", "period_from", "period_to", "pct_change", "pct_lower", "pct_upper", "p_value"]].round(3)
               force period_from period_to  pct_change  pct_lower  pct_upper  p_value
    0  Hertfordshire     2017-18   2018-19       8.992      1.538     16.992    0.017

    A count not published (NaN) with ``missing="propagate"``: only its comparisons are NaN.

    >>> import pandas as pd, warnings
    >>> t = pd.DataFrame({"period": ["2016/17", "2017/18", "2018/19"], "count": [float("nan"), 120, 150]})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     yoy = saferstats.year_on_year(t, population=None, missing="propagate")
    >>> yoy[["period_from", "period_to", "count_to", "count_to_lower", "count_to_upper", "pct_change"]].round(1)
      period_from period_to  count_to  count_to_lower  count_to_upper  pct_change
    0     2016/17   2017/18     120.0            99.5           143.5         NaN
    1     2017/18   2018/19     150.0           127.0           176.0        25.0
    >>> yoy.attrs["measure"]
    'count'
    >>> print(w[0].message)
    year_on_year: 1 row with a missing count or population gives NaN for the comparisons into and out of their period: row 0 (2016/17)

    With ``missing="drop"`` a period with no figure is left out, and the change across it flagged:

    >>> t = pd.DataFrame({"period": ["2016/17", "2017/18", "2018/19"], "count": [100, float("nan"), 150]})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     yoy = saferstats.year_on_year(t, population=None, missing="drop")
    >>> yoy[["period_from", "period_to", "consecutive", "pct_change"]].round(1)
      period_from period_to  consecutive  pct_change
    0     2016/17   2018/19        False        50.0
    >>> yoy.attrs["dropped"]
    [{'row': 1, 'period': '2017/18'}]

    Monthly counts, each month against the same month a year earlier (``season_length=12``):

    >>> m = pd.DataFrame({"period": [f"{y}-{k:02d}" for y in (2021, 2022) for k in range(1, 13)],
    ...                   "count": [40 + k for k in range(12)] + [50 + k for k in range(12)]})
    >>> yoy = saferstats.year_on_year(m, population=None, season_length=12)
    >>> yoy[["period_from", "period_to", "count_from", "count_to", "pct_change"]].head(2).round(2)
      period_from period_to  count_from  count_to  pct_change
    0     2021-01   2022-01          40        50       25.00
    1     2021-02   2022-02          41        51       24.39
    """
    keys = _by_list(by)
    method = choice_option("method", method, ("wald-log", "exact"), ("wald_log", "exact-cond"))
    missing = choice_option("missing", missing, ("error", "drop", "propagate"))
    cols = {"count": count, "period": period, **{f"by[{i}]": k for i, k in enumerate(keys)}}
    if population is not None:
        cols["population"] = population
    _require_with_population(data, cols, "year_on_year")
    warn_reports_by_users("year_on_year", count, data)
    dropped: list[dict[str, Any]] = []
    if missing == "drop":  # leave the rows out: each group's changes run between the periods it has
        y = _column_array(data, count, "count")
        absent = np.isnan(y) if population is None else np.isnan(y) | np.isnan(_column_array(data, population,
                                                                                               "population"))
        left = np.flatnonzero(absent)
        if left.size:
            dropped = [{"row": plain(data.index[i]), **{k: plain(data[k].iloc[i]) for k in keys},
                        "period": plain(data[period].iloc[i])} for i in left]
            where = "; ".join(
                f"row {plain(data.index[i])!r} ({', '.join(str(plain(data[k].iloc[i])) for k in [*keys, period])})"
                for i in left[:10]) + (f" (and {left.size - 10} more)" if left.size > 10 else "")
            warn_user(f"year_on_year: {number_of(left.size, 'row')} with a missing count or population left out: {where}; each "
                      "group's changes run between the periods it has (a change across a left-out period is flagged "
                      "consecutive=False)")
            data = data[~absent]
        missing = "error"  # (nothing missing is left)
    y = _column_array(data, count, "count")
    if population is None:
        pop = np.ones(len(y))
        mult = 1.0
    else:
        pop = _column_array(data, population, "population")
        mult = real_option("multiplier", multiplier)
        gap = np.flatnonzero(np.isnan(pop) & ~np.isnan(y)) if missing == "error" else np.array([], dtype=int)
        unpublished = np.flatnonzero(np.isnan(y)) if missing == "error" else np.array([], dtype=int)
        if len(gap) and not (len(unpublished) and unpublished[0] < gap[0]):
            # a count published without a population (the City of London in the Home Office table)
            i = int(gap[0])
            label = plain(data.index[i])
            what = ", ".join(str(data[k].iloc[i]) for k in [*keys, period])
            raise MissingValueError(
                f"missing value (NaN) in column {population!r} at row {label!r} ({what}); pass missing='drop' to "
                "leave such rows out, missing='propagate' to get NaN results for them, or population=None to "
                "compare the counts (the change in a count "
                "is the change in its rate when the population is the same in both periods)", population, label)
    blank = np.flatnonzero(np.isnan(y)) if missing == "error" else np.array([], dtype=int)
    if len(blank):  # a count not published (the strand table's 'offences' in 2011/12): its group and period
        i = int(blank[0])
        label = plain(data.index[i])
        what = ", ".join(str(plain(data[k].iloc[i])) for k in [*keys, period])
        raise MissingValueError(
            f"missing value (NaN) in column {count!r} (keyword `count`) at row {label!r} ({what}); {number_of(len(blank), 'row')} "
            f"in all {'has' if len(blank) == 1 else 'have'} no count — pass missing='drop' to leave them out (a change across one is flagged "
            "consecutive=False), or missing='propagate' to get NaN results for the changes into and out of their "
            "period", count, label, position=i)
    # every row's rate once (the core checks every count and population, naming column and row
    # label); each pair then takes its two rows
    with core_errors(columns={"count": count, "population": population}, index=data.index):
        rates_all = rate_ci(y, pop, multiplier=mult, confidence=confidence, missing=missing)
    t, step = parse_periods_step(data[period], period)
    _check_no_duplicates(data, keys, t, period)
    _, groups = _sorted_groups(data, keys, t)
    cycle = _season_cycle(groups, t)
    lag = None if season_length is None else int_option("season_length", season_length, minimum=1)
    if lag is not None and cycle is not None and lag % cycle:
        unit = "month" if cycle == 12 else "quarter"
        raise InvalidInputError(
            f"season_length={lag}: the periods (column {period!r}) are {unit}s, so {lag} {unit}s earlier is not the "
            f"same {unit} of an earlier year; season_length={cycle} compares each {unit} with the same {unit} a "
            "year earlier", "season_length")
    if cycle is not None and lag is None:
        # successive months are a month apart, not a year: the seasonal swing reads as change (Home Office
        # racially or religiously aggravated offences, July to August 2013: -13.6%, p < 0.001)
        unit = "month" if cycle == 12 else "quarter"
        warn_user(f"year_on_year: the periods are {unit}s, so each row compares a {unit} with the {unit} before "
                  f"({unit} on {unit}, not a year apart), and a seasonal swing reads as a rise or fall (many crimes "
                  f"peak in summer). For change a year apart, compare the totals of whole years (e.g. financial "
                  f"years), or each {unit} with the same {unit} a year earlier (season_length={cycle}); for a trend that allows for the "
                  f"season, saferstats.mann_kendall(..., season_length={cycle})")
    recording = _recording_changes(data, groups, keys, period)
    a_idx, b_idx, gkeys = [], [], []
    if lag is None:
        for g, pos in groups:
            for i in range(1, len(pos)):
                a_idx.append(pos[i - 1])
                b_idx.append(pos[i])
                gkeys.append(g)
    else:
        a_idx, b_idx, gkeys, step = _seasonal_pairs(groups, t, step, lag, data[period].to_numpy(), keys, period)
    a_idx_arr = np.asarray(a_idx, dtype=int)
    b_idx_arr = np.asarray(b_idx, dtype=int)
    gap = t[b_idx_arr] - t[a_idx_arr]
    if step is None:
        step = float(gap.min()) if len(gap) else 1.0
    consecutive = np.abs(gap - step * (lag or 1)) <= 1e-6 * max(step, 1e-12)
    ra = rates_all.iloc[a_idx_arr]
    rb = rates_all.iloc[b_idx_arr]
    with warnings.catch_warnings():  # a change from 0 is named below by its group and periods, not its position
        warnings.filterwarnings("ignore", message=r"percent_change: .* from a base of 0 events")
        rr = percent_change(y[b_idx_arr], pop[b_idx_arr], y[a_idx_arr], pop[a_idx_arr], confidence=confidence,
                            method=method, missing=missing)
    out = pd.DataFrame([dict(zip(keys, g if isinstance(g, tuple) else (g,))) for g in gkeys], index=range(len(gkeys)),
                       columns=keys)  # the by columns even when there is no pair (one period per group)
    if not len(gkeys) and len(data):
        warn_user(f"year_on_year: no {'group' if keys else 'series'} has two periods (column {period!r}); there is "
                  "no change to compute")
    else:
        # a group with one period has no pair and no row in the result: say so, never drop it silently
        # (a category relabelled between years, e.g. OSCE "Official Records" -> "Police Records")
        lone = [(g, pos[0]) for g, pos in groups if len(pos) == 1]
        if lone:
            named = _code_names(data, keys, period)
            shown = "; ".join(_group_label(g, named, str(plain(data[period].iloc[i])), str(plain(data[period].iloc[i])))
                              for g, i in lone[:6])
            warn_user(f"year_on_year: {number_of(len(lone), 'group')} {'has' if len(lone) == 1 else 'have'} one period only and no change to compute, so no row "
                      f"in the result: {shown}{'; ...' if len(lone) > 6 else ''} (a group named differently in "
                      f"another period is a separate series){_renamed_note(data, keys, period)}")
    labels = data[period].to_numpy()
    out["period_from"] = labels[a_idx_arr] if len(a_idx_arr) else []
    out["period_to"] = labels[b_idx_arr] if len(b_idx_arr) else []
    out["consecutive"] = consecutive
    as_int = pd.api.types.is_integer_dtype(data[count])
    out["count_from"] = y[a_idx_arr].astype(np.int64) if as_int else y[a_idx_arr]
    out["count_to"] = y[b_idx_arr].astype(np.int64) if as_int else y[b_idx_arr]
    for prefix, r in (("rate_from", ra), ("rate_to", rb)):
        if population is None:  # counts, not rates: the columns say so (the counts are count_from, count_to)
            prefix = prefix.replace("rate_", "count_")
        else:
            out[prefix] = r["rate"].to_numpy()
        out[f"{prefix}_lower"] = r["lower"].to_numpy()
        out[f"{prefix}_upper"] = r["upper"].to_numpy()
    out["ratio"] = rr["ratio"].to_numpy()
    out["lower"] = rr["lower"].to_numpy()
    out["upper"] = rr["upper"].to_numpy()
    out["pct_change"] = rr["percent_change"].to_numpy()
    out["pct_lower"] = rr["percent_change_lower"].to_numpy()
    out["pct_upper"] = rr["percent_change_upper"].to_numpy()
    out["p_value"] = rr["p_value"].to_numpy()
    out["confidence"] = float(confidence)
    out["method"] = rr["method"].array
    if not consecutive.all():
        bad = np.flatnonzero(~consecutive)
        pairs = "; ".join(
            (f"{_key_text(gkeys[k])}: " if keys else "")
            + f"{plain(labels[a_idx_arr[k]])} → {plain(labels[b_idx_arr[k]])}"
            for k in bad[:10]
        )
        more = f" (and {len(bad) - 10} more)" if len(bad) > 10 else ""
        warn_user(f"year_on_year: {number_of(len(bad), 'pair')} of periods {'is' if len(bad) == 1 else 'are'} not consecutive (a period is missing between "
                  f"them), flagged consecutive=False: {pairs}{more}")
    absent = np.flatnonzero(np.isnan(y) | np.isnan(pop))
    if absent.size:  # only with missing="propagate": "error" raised above
        rows = "; ".join(
            f"row {plain(data.index[r])} ("
            + ", ".join([*(f"{plain(data[k].iloc[r])}" for k in keys), f"{plain(data[period].iloc[r])}"]) + ")"
            for r in absent[:10]
        )
        more = f" (and {absent.size - 10} more)" if absent.size > 10 else ""
        warn_user(f"year_on_year: {number_of(absent.size, 'row')} with a missing count or population {'gives' if absent.size == 1 else 'give'} NaN for the comparisons into "
                  f"and out of their period: {rows}{more}")
    from_zero = np.flatnonzero(np.isposinf(out["pct_change"].to_numpy(dtype=float)))
    if from_zero.size:
        shown = "; ".join((f"{_key_text(gkeys[k])}: " if keys else "")
                          + f"{plain(labels[a_idx_arr[k]])} → {plain(labels[b_idx_arr[k]])} "
                          f"({y[a_idx_arr[k]]:g} to {y[b_idx_arr[k]]:g})" for k in from_zero[:6])
        more = f" (and {from_zero.size - 6} more)" if from_zero.size > 6 else ""
        warn_user(f"year_on_year: {number_of(from_zero.size, 'change')} from a base of 0 {'is' if from_zero.size == 1 else 'are'} infinite (pct_change = inf): "
                  f"{shown}{more}; report the counts (from 0 to n) and the ratio's lower limit, not a percentage")
    _warn_recording_changes("year_on_year", recording, keys)
    out.attrs["recording_changes"] = recording
    touched = footnoted(data, labels, np.concatenate([a_idx_arr, b_idx_arr]))
    if touched:
        marked = {period_key(p) for p in touched}
        n = int(sum(period_key(labels[a]) in marked or period_key(labels[b]) in marked
                    for a, b in zip(a_idx_arr, b_idx_arr)))
        _warn_footnotes("year_on_year", touched, f"{n} of {number_of(len(a_idx_arr), 'comparison')} {'runs' if n == 1 else 'run'} into or out of")
    out.attrs["footnotes"] = touched
    out.attrs["dropped"] = dropped
    out.attrs["measure"] = "count" if population is None else f"rate per {mult:,g}"
    out.attrs["multiplier"] = None if population is None else mult
    if population is not None:
        _said_of_rows(out, _warn_population_note("year_on_year", data, population, period))
        out.attrs["same_population"] = _warn_census_year("year_on_year", data, population, period, keys)
    # a reader's summary and coverage, said of the rows used (those left out by missing="drop" are
    # not: they are counted in the summary's rows_dropped and listed in .attrs["dropped"])
    reader_attrs_of_rows(out, data)
    summary = out.attrs.get("summary")
    if dropped and isinstance(summary, dict):
        out.attrs["summary"] = {**summary, "rows_dropped": len(dropped)}
    return out


def _seasonal_pairs(groups: list[tuple[Any, np.ndarray]], t: np.ndarray, step: float | None, lag: int,
                    labels: np.ndarray, keys: list[str], period: str) -> tuple[list[int], list[int], list[Any], float]:
    """:func:`year_on_year` with ``season_length``: each period's row paired with the row ``lag``
    steps earlier in its group (the same month a year before); the step is the periods' own (a
    month for months) or the smallest spacing in the table. A period inside a group's series whose
    period ``lag`` steps earlier is absent is an :class:`InvalidInputError` naming both."""
    if step is None:
        diffs = [np.diff(t[pos]) for _, pos in groups if len(pos) > 1]
        d = np.concatenate(diffs) if diffs else np.empty(0)
        d = d[d > 0]
        step = float(d.min()) if d.size else 1.0
    a_idx: list[int] = []
    b_idx: list[int] = []
    gkeys: list[Any] = []
    for g, pos in groups:
        k = np.round((t[pos] - t[pos[0]]) / step).astype(np.int64)
        at = dict(zip(k.tolist(), pos.tolist()))
        for kk, b in zip(k.tolist(), pos.tolist()):
            if kk < lag:
                continue  # the group's first cycle: nothing a cycle earlier
            a = at.get(kk - lag)
            if a is None:
                who = f"group {_key_text(g)}: " if keys else ""
                raise InvalidInputError(
                    f"season_length={lag}: {who}period {plain(labels[b])!r} has no period {lag} steps earlier in "
                    f"column {period!r} (the series has a gap there), so it has nothing to compare with; fill the "
                    "gap (a row with no figure and missing='propagate' gives NaN for that comparison), or compare "
                    "over the periods that have one", "period")
            a_idx.append(a)
            b_idx.append(b)
            gkeys.append(g)
    return a_idx, b_idx, gkeys, step


#: The default ``multiplier`` of each funnel ``kind`` (per 100, per 100,000, as is).
DEFAULT_MULT = {"proportion": 100.0, "rate": 100_000.0, "ratio": 1.0}
_KINDS = tuple(DEFAULT_MULT)


def funnel_kind(fn: str, kind: str | None, *, o: np.ndarray | None = None, d: np.ndarray | None = None,
                 target: float | None = None, multiplier: float | None = None, names: Any = None,
                 overdispersion: Any = None) -> str:
    """The funnel's ``kind``, the one rule of :func:`funnel_limits` and
    :func:`saferstats.funnel_overdispersion`: as given when given; else the ``kind`` of a
    :func:`saferstats.funnel_overdispersion` result passed with it (its τ² is on that scale); else
    ``"proportion"``, named in a :class:`~saferstats.SaferstatsWarning` with how to choose, and
    refused (:class:`~saferstats.InvalidInputError` naming ``kind``) when the values cannot be
    proportions: a numerator above its denominator, or a target above the multiplier (168.6 hate
    crimes per 100,000 read as 168.6%)."""
    if kind is not None:
        return str(choice_option("kind", kind, _KINDS))
    if isinstance(overdispersion, (pd.Series, Mapping)):
        od_kind = overdispersion.get("kind")
        if isinstance(od_kind, str) and od_kind in _KINDS:
            return str(od_kind)
    how = ("pass kind='rate' for counts per population (hate crimes per 100,000, fly-tipping incidents per 1,000 "
           "residents), kind='ratio' for observed counts over expected counts, kind='proportion' for a part of a "
           "whole (percentages)")
    if o is not None and d is not None:
        over = np.flatnonzero(~(np.isnan(o) | np.isnan(d)) & (o > d))
        if over.size:
            i = int(over[0])
            who = f"{plain(names[i])!r}" if names is not None else f"position {i}"
            raise InvalidInputError(
                f"{fn}: kind not given, and the numerators cannot be proportions: {number_of(over.size, 'numerator')} {'exceeds' if over.size == 1 else 'exceed'} "
                f"their denominator ({who}: {o[i]:g} of {d[i]:g}); {how}", "kind")
    mult = 100.0 if multiplier is None else float(multiplier)
    try:  # (a target that is no finite number is refused, naming it, where it is read)
        target = None if target is None else float(target)
    except (TypeError, ValueError, OverflowError):
        target = None
    if target is not None and math.isfinite(target) and target >= mult:
        raise InvalidInputError(
            f"{fn}: kind not given, and target {target:g} cannot be a proportion (at most {mult:g}, the multiplier: "
            f"{target:g} per {mult:g} is more than the whole); {how}", "kind")
    warn_user(f"{fn}: kind not given, so the points are taken as proportions (a part of a whole, per {mult:g}); "
              f"if they are not, the funnel is wrong: {how}. Pass kind= to say which")
    return "proportion"


def _check_od_multiplier(fn: str, overdispersion: Any, kind: str, multiplier: float, given: bool) -> None:
    """A :func:`saferstats.funnel_overdispersion` result estimated per another multiplier than the
    funnel's (per 1,000 residents against per 100,000) has its ``target`` on that other scale:
    its target passed on (``target=od["target"]``) would be read 100 times too small, and the
    limits would be silently wrong. Refused, naming both multipliers."""
    if not isinstance(overdispersion, (pd.Series, Mapping)):
        return
    od_mult = overdispersion.get("multiplier")
    if od_mult is None or pd.isna(od_mult) or float(od_mult) == float(multiplier):
        return
    od_target = float(overdispersion.get("target", np.nan))
    said = "given" if given else f"the default for kind={kind!r}"
    raise InvalidInputError(
        f"{fn}: `multiplier` {multiplier:,g} ({said}) is not the overdispersion result's multiplier "
        f"{float(od_mult):,g}: its target ({od_target:,.4g} per {float(od_mult):,g}) and these limits would be "
        f"on different scales; pass multiplier={float(od_mult):g} with the target per {float(od_mult):,g}, or "
        f"estimate the over-dispersion with multiplier={multiplier:g}", "multiplier")


def _check_od_target(fn: str, target: float, overdispersion: Any, kind: str, mult: float) -> None:
    """A ``target`` on another scale than the :func:`saferstats.funnel_overdispersion` result passed
    with it (0.1584 with a result whose own target is 15.84 per 100: the Home Office's use of force
    on people with a mental health condition, 2019/20) draws limits around the wrong value, 0% to
    6.79% around 0.16%, with nothing to say so (:func:`funnel_limits` has no numerators to compare
    with): warned of by the rule of :func:`warn_target_scale`, against the result's own target
    (Σ numerators / Σ denominators × its multiplier, or the target it was given), naming both and
    the result's scale. (A multiplier other than the result's is refused before:
    :func:`_check_od_multiplier`.)"""
    if not isinstance(overdispersion, (pd.Series, Mapping)):
        return
    try:
        own = float(overdispersion.get("target", np.nan))
    except (TypeError, ValueError):
        return
    warn_target_off(fn, float(target), own, kind, mult, of="the overdispersion result's own target",
                    scale=f"φ and τ² were estimated around {own:,.4g}, the result is")


def warn_missing_points(fn: str, o: np.ndarray, d: np.ndarray, index: pd.Index | None, what: str) -> int:
    """Name the funnel points with a missing numerator or denominator (NaN: a population the
    source did not publish), which ``fn`` leaves out (``what`` says of what); their number."""
    bad = np.flatnonzero(np.isnan(o) | np.isnan(d))
    if bad.size:
        labels = [plain(index[i]) if index is not None else int(i) for i in bad[:10]]
        where = ", ".join(repr(v) for v in labels) + (f" and {bad.size - 10} more" if bad.size > 10 else "")
        warn_user(f"{fn}: {number_of(bad.size, 'point')} with a missing numerator or denominator ({'row' if index is not None else 'position'}"
                  f"{'s' if bad.size > 1 else ''} {where}) {'is' if bad.size == 1 else 'are'} left out of {what}")
    return int(bad.size)


def overdispersion_applies(overdispersion: Any) -> bool:
    """Whether funnel limits widened for over-dispersion are used — the one rule that
    :func:`funnel_limits`, :func:`funnel_significance` (and so ``plot_funnel``) share, so a point's
    label always matches the limits drawn. A :func:`saferstats.funnel_overdispersion` result (or a
    mapping with ``phi``) is used only when φ > 1 (FunnelPlotR's rule): with φ ≤ 1 (or NaN) the
    points are not over-dispersed and PHE's exact limits stand. A τ² number, given directly, is
    used as given (there is no φ to judge it by)."""
    if isinstance(overdispersion, (pd.Series, Mapping)):
        try:
            return float(overdispersion["phi"]) > 1.0
        except (KeyError, TypeError, ValueError):
            raise InvalidInputError(
                "`overdispersion` must be a funnel_overdispersion() result (phi, tau2) or a τ² number",
                "overdispersion") from None
    return True



#: Codes of the 99.8% labels ("Low (0.001)", "High (0.001)") among the core's funnel labels.
_OUTSIDE_998 = (_FUNNEL_LABELS.index("Low (0.001)"), _FUNNEL_LABELS.index("High (0.001)"))


def _binomial_upper_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p), summed on the log scale (k ≤ n; n up to a few thousand)."""
    if k <= 0:
        return 1.0
    logs = [math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * math.log(p)
            + (n - j) * math.log1p(-p) for j in range(k, n + 1)]
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


def warn_exact_overdispersed(fn: str, o: np.ndarray, d: np.ndarray, codes: np.ndarray, *, kind: str,
                              target: float, multiplier: float) -> None:
    """Warn when PHE's exact funnel limits were used without being asked for and far more points
    lie outside the 99.8% limits than chance allows (each point is outside with probability 0.002
    when only chance separates the areas; the warning needs the binomial tail P(X ≥ outside) below
    0.001). Such points are over-dispersed: their labels mostly say that areas differ, which areas
    do, rather than which stand out (Spiegelhalter 2005). φ is given as
    :func:`saferstats.funnel_overdispersion` computes it."""
    used = ~(np.isnan(o) | np.isnan(d))
    n = int(used.sum())
    outside = int(np.isin(codes[used], _OUTSIDE_998).sum())
    if n < 3 or _binomial_upper_tail(outside, n, 0.002) >= 0.001:
        return
    from .monitoring import overdispersion_of

    phi = ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            od = overdispersion_of(o[used], d[used], kind=kind, target=target, multiplier=multiplier)
        v = float(od["phi"])
        phi = f"; φ = {v:,.0f}" if v >= 100 else f"; φ = {v:.3g}"
        phi += ", where 1 is what chance gives"
    except SaferstatsError:
        pass
    warn_user(f"{fn}: {outside} of {n} points are outside the 99.8% limits, where chance alone would put about "
              f"{0.002 * n:.2g}: the points vary far more than the exact limits allow (over-dispersion{phi}), so "
              "these labels mostly say that areas differ, as areas do (in population, recording and reporting), not "
              "which stand out. " + (
                  "Pass overdispersion=True for limits widened by the between-area variance (Spiegelhalter 2005, as "
                  "FunnelPlotR), or overdispersion=False to say that PHE's exact limits are wanted"
                  if fn != "rate_funnel_significance" else
                  "PHE's method has no widened limits: funnel_significance(counts, denominators, kind='rate', "
                  "overdispersion=True) gives limits widened by the between-area variance (Spiegelhalter 2005, as "
                  "FunnelPlotR)") + " (docs/methods/trends.md A7)")

#: Boolean columns of :func:`saferstats.read_flytipping` (and ``comparable`` of
#: :func:`saferstats.read_use_of_force`) marking a row that is not like for like with
#: the others in one funnel, and what each says.
_UNLIKE_COLUMNS = {
    "not_all_incidents": "not counted on Defra's 'All incidents' basis (its reporting_basis)",
    "recording_step": "4-fold or more up or down on the year before (a change in recording?)",
    "comparable": "not recorded like for like (comparable False: forces that read_use_of_force finds recorded the "
                  "health condition otherwise; see recording_note)",
    "tactic_unrecorded": "lacking a tactic the force most likely did not record (tactic_unrecorded True: "
                         "read_use_of_force finds it published as 0 where nearly every other force reports it; see "
                         "row_note and attrs['summary']['tactic_unrecorded'])",
}
#: Columns of :data:`_UNLIKE_COLUMNS` in which False, not True, marks the row that is not like for like.
_UNLIKE_WHEN_FALSE = frozenset({"comparable"})
#: Columns of :data:`_UNLIKE_COLUMNS` whose warnings give the pooled share with the flagged points and
#: without them (:func:`saferstats.read_use_of_force`'s, of shares of one table's tactics).
_POOLED_COLUMNS = frozenset({"comparable", "tactic_unrecorded"})
#: Columns whose value names a point in a funnel's warnings, the first one present.
_NAME_COLUMNS = ("la_name", "area", "name", "csp", "force", "la")

#: The ONS codes of the areas of :data:`saferstats.disproportionality.NON_RESIDENT` (the one list of
#: areas whose residents are a poor denominator, with the reason; their names are matched there by
#: :func:`saferstats.force_id`): the City of London's police force area and its local authority.
NON_RESIDENT_CODES = {"E23000034": "city-of-london", "E09000001": "city-of-london"}


def non_resident_areas(frame: pd.DataFrame | None) -> tuple[np.ndarray, list[str]]:
    """Which rows of ``frame`` are of an area whose residents are a poor denominator
    (:data:`saferstats.disproportionality.NON_RESIDENT`: the City of London, about 8,600 residents
    and a daytime population of hundreds of thousands), by name (``force``, ``force_name``,
    ``area``, ``la_name``, ``la``, ``name``, ``csp``, matched by :func:`saferstats.force_id`:
    "London, City of" as the Home Office writes it) or by code (:data:`NON_RESIDENT_CODES` in
    ``force_code``, ``la_code``, ``area_code``, ``code``); with the areas' names as the table has them.

    >>> rows, names = non_resident_areas(pd.DataFrame({"force": ["Essex", "London, City of"]}))
    >>> rows.tolist(), names
    ([False, True], ['London, City of'])
    """
    from .disproportionality import NON_RESIDENT
    from .geography import force_id

    if frame is None or not len(frame):
        return np.zeros(0 if frame is None else len(frame), dtype=bool), []
    rows = np.zeros(len(frame), dtype=bool)
    for c in ("force_code", "la_code", "area_code", "code"):
        if c in frame.columns:
            rows |= frame[c].map(lambda v: isinstance(v, str) and v.strip() in NON_RESIDENT_CODES).to_numpy(bool)
    name_col = next((c for c in ("force", "force_name", "area", "la_name", "la", "name", "csp") if c in frame.columns),
                    None)
    if name_col is not None:
        rows |= frame[name_col].map(lambda v: isinstance(v, str) and force_id(v) in NON_RESIDENT).to_numpy(bool)
    shown = name_col or next((c for c in ("force_code", "la_code", "area_code", "code") if c in frame.columns), None)
    if shown is None:
        return rows, []
    names = [str(v) for v in pd.unique(frame.loc[rows, shown])] if rows.any() else []
    return rows, names


def warn_non_resident(fn: str, frame: pd.DataFrame | None, count: str | None, population: str | None,
                      listed_in: str = ".attrs['non_resident_areas']") -> list[str]:
    """Warn where a rate, funnel or flag puts an area whose residents are a poor denominator
    (:func:`non_resident_areas`: the City of London) over a resident population: the column
    ``population`` named as one (``population``, ``residents``, ``usual_residents`` or containing
    either word), or a table with :func:`saferstats.census_population`'s ``census`` column. Its
    rate per resident is high because most of the people there (and most victims and offenders)
    live elsewhere (Home Office hate crime 2018/19: the City of London's 141 offences over its 8,588
    Census 2021 residents are 1,641.8 per 100,000), not like for like with other areas. The reason
    said is the list's, up to its clause on stop and search. Returns the areas' names, for the result's
    ``.attrs["non_resident_areas"]`` (the key :func:`saferstats.disproportionality` uses; ``listed_in``
    names where else the caller lists them, e.g. a plot's ``ax.saferstats_non_resident_areas``)."""
    from .disproportionality import NON_RESIDENT

    if frame is None or population is None or population not in frame.columns:
        return []
    resident = bool(re.search(r"population|resident", str(population), flags=re.IGNORECASE)) or "census" in frame.columns
    if not resident:
        return []
    rows, _ = non_resident_areas(frame)
    rows &= frame[population].notna().to_numpy(bool)  # no population, no rate on it
    if not rows.any():
        return []
    names = [str(v) for v in pd.unique(frame.loc[rows, _name_col_of(frame)])]
    at = np.flatnonzero(rows)
    period = _period_column(frame)
    shown = []
    for i in at[:4]:
        label = str(plain(frame[_name_col_of(frame)].iloc[i]))
        when = f" {plain(frame[period].iloc[i])}" if period is not None else ""
        pop = frame[population].iloc[i]
        cnt = frame[count].iloc[i] if count is not None and count in frame.columns else None
        figures = (f": {float(cnt):,.0f} over {float(pop):,.0f} residents" if cnt is not None and pd.notna(cnt)
                   and pd.notna(pop) else f": {float(pop):,.0f} residents" if pd.notna(pop) else "")
        shown.append(f"{label}{when}{figures}")
    from .geography import force_id

    ids = dict.fromkeys(NON_RESIDENT_CODES.get(n) or force_id(n) for n in names)
    # the list's reason up to its stop-and-search clause ("and most people searched there ...")
    reason = "; ".join(NON_RESIDENT[k].split(", and most people searched")[0] for k in ids if k in NON_RESIDENT)
    warn_user(f"{fn}: {', '.join(repr(n) for n in names)} {'is an area' if len(names) == 1 else 'are areas'} whose "
              f"residents are a poor denominator ({reason}), so a rate per resident there is inflated where many of "
              f"the people its counts are about do not live there, and is not comparable with other areas' "
              f"({'; '.join(shown)}{' ...' if len(at) > 4 else ''}). Say so beside its rate or flag, or leave it out, "
              f"e.g. data[~data[{_name_col_of(frame)!r}].isin({names!r})]; listed in {listed_in}")
    return names


def _name_col_of(frame: pd.DataFrame) -> str:
    """The column :func:`non_resident_areas` names the areas by."""
    return next((c for c in ("force", "force_name", "area", "la_name", "la", "name", "csp", "force_code", "la_code",
                             "area_code", "code") if c in frame.columns), "area")


def funnel_frame(fn: str, data: Any, **named: Any) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """The funnel inputs ``named`` as Series of ``data`` when it is given (each a column name),
    and ``data`` as a pandas DataFrame; without ``data`` the inputs as given, a column name among
    them being an error that says to pass ``data=``."""
    if data is None:
        for k, v in named.items():
            if isinstance(v, str):
                raise InvalidInputError(f"{fn}: `{k}` is {v!r}, a column name, but no table was given: pass it as "
                                        f"data=, e.g. {fn}({v!r}, ..., data=df)", k)
        return named, None
    frame = as_pandas(data, "data")
    out: dict[str, Any] = {}
    for k, v in named.items():
        if v is None:
            out[k] = None
            continue
        if not isinstance(v, str):
            raise InvalidInputError(f"{fn}: with data=, `{k}` names a column of data (got {type(v).__name__}); "
                                    "give the column name, or leave data= out and pass the values", k)
        require_columns(frame, {k: v})
        out[k] = frame[v]
    return out, frame


def frame_names(frame: pd.DataFrame | None, names: Any = None) -> list[str] | None:
    """The names of a funnel's points: ``names`` (plot labels), the first name column of ``frame``
    (``la_name``, ..., ``force``), or its row labels when they are names (``set_index("force")``:
    "London, City of", not "row 'London, City of'"); None when there are none (row numbers)."""
    if names is not None:
        return [str(plain(v)) for v in names]
    if frame is None:
        return None
    col = next((c for c in _NAME_COLUMNS if c in frame.columns), None)
    if col is not None:
        return [str(plain(v)) for v in frame[col].tolist()]
    if frame.index.nlevels == 1 and pd.api.types.infer_dtype(frame.index, skipna=False) == "string":
        return [str(v) for v in frame.index]
    return None


def point_names(frame: pd.DataFrame | None, index: pd.Index | None, names: Any = None) -> list[str]:
    """How a funnel's warnings name each point: its name (:func:`frame_names`: ``names``, a name
    column of ``frame`` or its row labels when they are names), with its period when the frame
    has a period column (:func:`_period_column`: ``period``, ``year`` or ``month``; "London, City
    of 2017/18", "Hertfordshire 2018-19"); else the row label."""
    n = len(frame) if frame is not None else len(index) if index is not None else 0
    named = frame_names(frame, names)
    if named is not None:
        base = named
    else:
        labels = index if index is not None else (frame.index if frame is not None else pd.RangeIndex(n))
        base = [f"row {plain(v)!r}" for v in labels]
    period = _period_column(frame) if frame is not None else None
    if frame is not None and period is not None:
        base = [f"{b} {plain(p)}" for b, p in zip(base, frame[period].tolist())]
    return base


def _warn_flags_lost(fn: str, frame: pd.DataFrame | None, **named: Any) -> None:
    """Warn when counts named as :func:`saferstats.read_flytipping` names Defra's fly-tipping counts
    (``incidents``, ``highway_incidents``, ...) reach a funnel without the table's flags of rows
    that are not like for like (its ``not_all_incidents`` / ``recording_step`` columns, or the
    Series' ``attrs["not_like_for_like"]``): a ``merge`` or a new DataFrame drops a table's
    ``attrs``, and the councils counting only the public's reports would go unnamed."""
    if frame is not None and any(c in frame.columns for c in _UNLIKE_COLUMNS):
        return  # the data= path sees the flags
    for arg, v in named.items():
        name = v.name if isinstance(v, pd.Series) else None
        if not (isinstance(name, str) and (name == "incidents" or name.endswith("_incidents"))):
            continue
        if frame is None and "not_like_for_like" in v.attrs:
            return  # read_flytipping's Series: checked by their row labels
        where = ("`data` has no not_all_incidents or recording_step column" if frame is not None else
                 "it has none of read_flytipping's flags (a merge, or a new DataFrame, drops a table's attrs)")
        warn_user(f"{fn}: `{arg}` is a column named {name!r}, as read_flytipping names Defra's fly-tipping counts, "
                  f"but {where}: if these are Defra's counts, the councils not counting all incidents (its "
                  "reporting_basis) and changes in recording cannot be named. Pass the table that has "
                  f"read_flytipping's not_all_incidents and recording_step columns as data=, e.g. "
                  f"{fn}({name!r}, ..., data=df), so that they are checked; or rename the column if these are other "
                  "counts")
        return


def warn_reports_by_users(fn: str, count: Any, frame: Any, *, makes: str = "a 'hotspot'") -> None:
    """The one rule of the funnels, trends and SPC charts on what a FixMyStreet count is: a count
    column named ``reports`` with ``unique_users`` beside it (:func:`saferstats.read_fixmystreet`'s
    table, or a column of it, whose ``attrs["fixmystreet"]`` marks it) counts reports by users, not
    incidents (not Defra's fly-tipping incidents either), and one user can make ``makes`` (a
    "hotspot": Dacorum's top LSOA of 2019, 20 reports, one user; or an SPC chart's special cause).
    Warned, with the single-user areas among the points, suggesting ``unique_users`` as the count.

    >>> import warnings, pandas as pd
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     warn_reports_by_users("f", "reports", pd.DataFrame({"reports": [3], "unique_users": [1]}))
    >>> str(w[0].message)[:67]
    "f: the counts are 'reports', FixMyStreet reports (read_fixmystreet)"
    """
    name = count if isinstance(count, str) else count.name if isinstance(count, pd.Series) else None
    if name != "reports":
        return
    table = frame if isinstance(frame, pd.DataFrame) else None
    beside = table is not None and "unique_users" in table.columns
    if not beside and not any(isinstance(x, (pd.Series, pd.DataFrame)) and x.attrs.get("fixmystreet")
                              for x in (count, frame)):
        return
    said = ""
    if beside and table is not None:
        reports = pd.to_numeric(table[name], errors="coerce").to_numpy(dtype=float)
        users = pd.to_numeric(table["unique_users"], errors="coerce").to_numpy(dtype=float)
        lone = np.flatnonzero((users == 1) & (reports > 1))
        if lone.size:
            top = int(lone[np.argmax(reports[lone])])
            code = next((c for c in ("lsoa_code", "la_code", "lsoa", "lad", *_NAME_COLUMNS) if c in table.columns),
                        None)
            who = plain(table[code].iat[top]) if code is not None else f"row {plain(table.index[top])!r}"
            said = (f" ({lone.size:,} of the {len(table):,} areas here have more than one report, all from one user: "
                    f"{who} has {reports[top]:g})")
    warn_user(f"{fn}: the counts are {name!r}, FixMyStreet reports (read_fixmystreet), not incidents: one user can "
              f"make many, so one user can make {makes}{said}. Use 'unique_users' (the people who reported) as "
              "the count beside 'reports', or say that the counts are reports")


def warn_unlike(fn: str, numerators: Any, denominators: Any, used: np.ndarray, frame: pd.DataFrame | None,
                 names: Any = None, where: str = "in this funnel") -> list[dict[str, Any]]:
    """Warn of funnel points that are not like for like with the others, and return them
    (``row``: the row label, ``name``, ``column``, ``note``). From ``frame`` (``data=``): rows
    flagged in :func:`saferstats.read_flytipping`'s ``not_all_incidents`` / ``recording_step``
    columns or :func:`saferstats.read_use_of_force`'s ``comparable`` False (its forces that recorded
    the health condition otherwise: the warning gives the pooled share with them and without them,
    the comparable forces' target), names that read as aggregate rows (England, ``*Total``), and points of more than one
    ``period`` or the same area twice. Without it, from a numerator or denominator Series that is
    a column of read_flytipping's table (its ``attrs["not_like_for_like"]``): the flagged rows
    among its labels, checked against their published counts. Points with a missing numerator or
    denominator (``used`` False) are left out: they are in no comparison. Counts named as
    read_flytipping names them that have lost its flags are warned of (:func:`_warn_flags_lost`)."""
    _warn_flags_lost(fn, frame, numerators=numerators, denominators=denominators)
    warn_reports_by_users(fn, numerators, frame)
    found: list[dict[str, Any]] = []
    if frame is not None:
        shown = point_names(frame, None, names)
        for col, what in _UNLIKE_COLUMNS.items():
            if col not in frame.columns:
                continue
            marked = frame[col].fillna(col in _UNLIKE_WHEN_FALSE).to_numpy(dtype=bool)
            flag = (~marked if col in _UNLIKE_WHEN_FALSE else marked) & used
            for k in np.flatnonzero(flag):
                note = (frame["recording_note"].iat[k] if "recording_note" in frame.columns
                        and col != "tactic_unrecorded" else what)  # (the force's note is not of the tactic)
                found.append({"row": plain(frame.index[k]), "name": shown[k], "column": col, "note": str(note) or what})
        pooled = _pooled_without(numerators, denominators, used, found, frame) if where == "in this funnel" else {}
        _warn_found(fn, found, frame_given=True, where=where, pooled=pooled)
        _warn_mixed(fn, frame, shown, used, names)
        _warn_population_year(fn, frame, denominators, shown, used)
        return found
    series = next((s for s in (numerators, denominators) if isinstance(s, pd.Series)
                   and s.attrs.get("not_like_for_like")), None)
    if series is None:
        return found
    index = {plain(v): k for k, v in enumerate(series.index)}
    counts = next((s for s in (numerators, denominators) if isinstance(s, pd.Series) and s.name == "incidents"), None)
    read = series.attrs.get("incidents_as_read")
    same_rows = False
    if counts is not None and read and len(read[0]) > 0:
        # do the labels still name the rows read? each count must be the one read under its label
        labels = np.asarray([plain(v) for v in counts.index], dtype=object)
        whole = np.array([isinstance(v, (int, np.integer)) and 0 <= int(v) < len(read[0]) for v in labels], dtype=bool)
        if whole.all():
            was = read[0][labels.astype(np.int64)]
            now = counts.to_numpy(dtype=float, na_value=np.nan)
            same_rows = bool(np.all((was == now) | (np.isnan(was) & np.isnan(now))))
    unsure = []
    for rec in series.attrs["not_like_for_like"]:
        at = index.get(rec["row"])
        if at is not None and not used[at]:
            continue
        if not same_rows:
            if at is not None or counts is not None:
                unsure.append(rec)
            continue
        if at is None:
            continue
        found.append({"row": rec["row"], "name": f"{rec['la_name']} {rec['period']}", "column": rec["column"],
                      "note": rec["note"]})
    if unsure:
        warn_user(f"{fn}: these points come from read_flytipping's table, which flags {number_of(len(unsure), 'row')} as not "
                  "like for like (not counting all incidents, or a change in recording), but the points cannot be "
                  "matched to its rows (the counts are not its 'incidents' column under the row labels read: the rows "
                  "were relabelled, or the values changed or are another column): pass the table itself, e.g. "
                  f"{fn}('incidents', 'population', data=df, ...), so that they are checked and named")
        found = []
    _warn_found(fn, found, frame_given=False, where=where)
    return found


def _pooled_without(numerators: Any, denominators: Any, used: np.ndarray, found: list[dict[str, Any]],
                    frame: pd.DataFrame) -> dict[str, str]:
    """For each column of :data:`_POOLED_COLUMNS` with points in ``found``: the pooled ratio
    (Σ numerators / Σ denominators, the funnel's target before its multiplier) of the points used,
    with the flagged points and without them, as a phrase for the warning; where points are
    flagged in more than one of them, the last one's phrase adds the like-for-like pooled ratio
    without every flagged point (and the filter that leaves them out). Use of force, 2019/20, all
    43 forces' totals: 109,517 of 686,436 (16.0%); without the 6 ``comparable`` False 15.8%, without
    the 4 ``tactic_unrecorded`` 16.5%, without all 8 (Avon & Somerset and Wiltshire are both)
    102,359 of 635,629, 16.1% (35 points)."""
    out: dict[str, str] = {}
    cols = [c for c in _UNLIKE_COLUMNS if c in _POOLED_COLUMNS and any(f["column"] == c for f in found)]
    if not cols or numerators is None or denominators is None:
        return out
    try:
        o = as_float_array("numerators", numerators)
        d = as_float_array("denominators", denominators)
    except (SaferstatsError, TypeError, ValueError):
        return out
    if len(o) != len(frame) or len(d) != len(frame):
        return out

    def share(rows: np.ndarray) -> str:
        top, bottom = float(o[rows].sum()), float(d[rows].sum())
        ratio = top / bottom if bottom > 0 else float("nan")
        as_pct = bool(np.all(o[rows] <= d[rows]))
        return f"{top:,.0f} of {bottom:,.0f}, " + (f"{100 * ratio:.1f}%" if as_pct else f"{ratio:.4g}")

    def flagged(col: str) -> np.ndarray:
        when_false = col in _UNLIKE_WHEN_FALSE
        marked: np.ndarray = frame[col].fillna(when_false).to_numpy(dtype=bool)
        return ~marked if when_false else marked

    every = np.zeros(len(frame), dtype=bool)
    for col in cols:
        keep = used & ~flagged(col)
        every |= flagged(col)
        n_left = int((used & ~keep).sum())
        out[col] = (f" With them the pooled share is {share(used)}; without them {share(keep)} "
                    f"({int(keep.sum())} points, {n_left} left out)")
    if len(cols) > 1:
        keep = used & ~every
        rows = " & ".join(f"{'' if c in _UNLIKE_WHEN_FALSE else '~'}data[{c!r}]" for c in cols)
        out[cols[-1]] += (f". Without every flagged point (data[{rows}]) the like-for-like pooled share is "
                          f"{share(keep)} ({int(keep.sum())} points, {int((used & every).sum())} left out)")
    return out


def _warn_found(fn: str, found: list[dict[str, Any]], *, frame_given: bool, where: str,
                pooled: dict[str, str] | None = None) -> None:
    """One warning per column of :data:`_UNLIKE_COLUMNS` with points in ``found``. A name flagged in
    more than one of them is said once: in the first warning that has it, with its other reasons
    ("Wiltshire (also tactic_unrecorded True)"); a later warning counts it among "N named in the
    warning above". Use of force 2019/20: Avon & Somerset and Wiltshire are both ``comparable`` False
    and ``tactic_unrecorded``; Defra's fly-tipping 2021/22: Redbridge is both ``not_all_incidents``
    and ``recording_step``, named first of its 33 ("Redbridge 2021/22 (Customer/public reported only;
    down 4.3-fold on the previous year published: a change in recording?)"): where a warning has
    more than 8 names, a name with several reasons leads it, so that it is among the 8 shown; only a
    name shown counts as "named in the warning above". A reason is said once: where the note shown
    is the other reason's own note (Redbridge's ``recording_note`` gives both its basis and its
    4-fold change), no "also recording_step True" repeats it."""
    reasons: dict[str, list[str]] = {}
    note_of: dict[tuple[str, str], str] = {}
    for f in found:
        if f["column"] not in reasons.setdefault(f["name"], []):
            reasons[f["name"]].append(f["column"])
        note_of.setdefault((f["name"], f["column"]), f["note"])
    named: set[str] = set()
    for col, what in _UNLIKE_COLUMNS.items():
        these = [f for f in found if f["column"] == col]
        if not these:
            continue

        def label(f: dict[str, Any]) -> str:
            notes = [f["note"].split(": ", 1)[1]] if col == "not_all_incidents" and ": " in f["note"] else []
            # a reason whose own note is the note shown is said by it already
            notes += [f"also {c} {c not in _UNLIKE_WHEN_FALSE}" for c in reasons.get(f["name"], [])
                      if c != col and not (notes and note_of.get((f["name"], c)) == f["note"])]
            return str(f["name"]) + (f" ({'; '.join(notes)})" if notes else "")

        # beyond 8 names, a name with several reasons first, so that it is shown; only a name shown is "named above"
        fresh = list(dict.fromkeys(f["name"] for f in these if f["name"] not in named))
        if len(fresh) > 8:
            fresh.sort(key=lambda n: len(reasons.get(n, [])) < 2)
        labels: dict[str, str] = {}
        for f in these:
            labels.setdefault(f["name"], label(f))
        each = [labels[n] for n in fresh]
        before = list(dict.fromkeys(f["name"] for f in these if f["name"] in named))
        named |= set(fresh[:8])
        names = ", ".join(each[:8]) + (f" and {len(each) - 8} more" if len(each) > 8 else "")
        if before:
            names += (" and " if each else "") + (f"{len(before)} named in the warning above, with this reason too"
                                                  if each else f"{len(before)} named in the warning above")
        more = (f" ({len(these)} points under {len(each) + len(before)} names)"
                if len(each) + len(before) < len(these) else "")
        flip = "" if col in _UNLIKE_WHEN_FALSE else "~"
        keep = f"data[{flip}data[{col!r}]]" if frame_given else f"df[{flip}df[{col!r}]]"
        warn_user(f"{fn}: {number_of(len(these), 'point')} {what} {'is' if len(these) == 1 else 'are'} {where}: {names}{more}. Their counts are not like "
                  "for like with the others', so " + ("the target, the over-dispersion and their own labels"
                                                       if where == "in this funnel" else "the comparisons")
                  + f" compare unlike with like; leave them out ({keep}) or show them apart, or say why not."
                  + (pooled or {}).get(col, "") + (". " if (pooled or {}).get(col) else " ")
                  + "They are listed in the result's attrs['not_like_for_like']")


#: Denominators this far (or further) from Defra's own population of the year are warned of.
_POPULATION_GAP = 0.10


def _warn_population_year(fn: str, frame: pd.DataFrame, denominators: Any, shown: list[str], used: np.ndarray) -> None:
    """Warn when the denominators of a :func:`saferstats.read_flytipping` table differ by 10% or
    more from Defra's own population of the year (``mid_population_estimates``, published from
    2019/20): Census 2021 residents set against 2019/20 or 2020/21 counts are of another year (the
    mid-year estimates before the Census, which Defra used, were revised by it: Camden 279,516 in
    2020/21 against 210,163 at the Census), or the population of another area."""
    if ("mid_population_estimates" not in frame.columns or not isinstance(denominators, pd.Series)
            or denominators.name == "mid_population_estimates"):
        return
    defra = frame["mid_population_estimates"].to_numpy(dtype=float, na_value=np.nan)
    given = as_float_array("denominators", denominators)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.abs(given / defra - 1)
    off = np.flatnonzero(used & np.isfinite(gap) & (gap >= _POPULATION_GAP))
    if not off.size:
        return
    worst = off[np.argsort(-gap[off], kind="stable")]
    where = "; ".join(f"{shown[k]}: {given[k]:,.0f} here, {defra[k]:,.0f} Defra's" for k in worst[:5])
    warn_user(f"{fn}: the denominators ({denominators.name!r}) differ by {100 * _POPULATION_GAP:.0f}% or more from "
              f"Defra's own population of the year (mid_population_estimates) for {number_of(off.size, 'point')} ({where}"
              f"{' ...' if off.size > 5 else ''}): a population of another year (Census 2021 residents for a year "
              "before 2021/22: the mid-year estimates Defra used then were revised after the Census) or of another "
              "area, so these rates are not Defra's incidents per 1,000 people; use residents of the same year")


def _warn_mixed(fn: str, frame: pd.DataFrame, shown: list[str], used: np.ndarray, names: Any) -> None:
    """Warn of a funnel table whose points are of several periods (its period column by
    :func:`_period_column`: ``period``, ``year`` or ``month``), repeat an area, or include an
    aggregate row (England, a region's ``*Total``)."""
    rows = np.flatnonzero(used)
    period = _period_column(frame)
    if period is not None:
        periods = sorted({str(plain(v)) for v in frame[period].to_numpy()[rows]})
        if len(periods) > 1:
            warn_user(f"{fn}: the points are of {len(periods)} periods ({', '.join(periods[:6])}"
                      f"{' ...' if len(periods) > 6 else ''}): a funnel compares areas in one period, and here each "
                      "area is in it once a period and the target mixes the years; filter one period, e.g. "
                      f"data[data[{period!r}] == {periods[-1]!r}]")
    base = frame_names(frame, names)
    keys = (frame["la_code"].astype(str).tolist() if "la_code" in frame.columns else base)
    if keys is not None:
        seen: dict[str, int] = {}
        for k in rows:
            seen[keys[k]] = seen.get(keys[k], 0) + 1
        aggregates = [shown[k] for k in rows if AGGREGATE_NAME.search(keys[k])
                      or (base and AGGREGATE_NAME.search(base[k]))]
        if aggregates:
            warn_user(f"{fn}: {number_of(len(aggregates), 'point')} read as aggregate rows, not areas: "
                      f"{', '.join(aggregates[:6])}; a total compared with its own parts is no comparison (and "
                      "counts them twice in the target): leave them out")
        if period is None or len({str(plain(v)) for v in frame[period].to_numpy()[rows]}) <= 1:
            twice = [k for k, c in seen.items() if c > 1]
            if twice:
                warn_user(f"{fn}: {number_of(len(twice), 'area')} {'is' if len(twice) == 1 else 'are'} more than one point: {', '.join(twice[:6])}; "
                          "each area should be one point of a funnel")


def funnel_target(numerators: Any, denominators: Any, *, kind: str | None = None, multiplier: float | None = None,
                  data: Any = None) -> float:
    """PHE funnel target: Σ numerators / Σ denominators × multiplier (missing pairs ignored).

    ``data=`` (a DataFrame, with ``numerators`` and ``denominators`` its column names) warns, as
    :func:`funnel_significance` does, of points that are not like for like with the others
    (:func:`saferstats.read_flytipping`'s ``not_all_incidents`` / ``recording_step`` rows, and
    :func:`saferstats.read_use_of_force`'s ``comparable`` False rows: the forces that recorded the
    health condition otherwise, whose warning gives the pooled share with them and without them),
    of several periods, or of aggregate rows, all of which the target would mix in. Nothing is left
    out by the target itself: it is of the table as given (so that it agrees with
    :func:`funnel_significance`'s); pass ``data[data['comparable']]`` (or
    ``data[~data['not_all_incidents']]``) for the target of the like-for-like points. For the
    forces' ``*Total Tactics`` rows of 2019/20 that is 104,131 of 657,348, 15.8% (37 forces), against
    16.0% with the six flagged forces.

    ``kind`` not given: as :func:`funnel_limits` chooses (``"proportion"``, said in a
    :class:`~saferstats.SaferstatsWarning`; refused when a numerator is above its denominator).

    >>> funnel_target([10, 30], [100, 100], kind="proportion")
    20.0
    """
    given_mult = None if multiplier is None else real_option("multiplier", multiplier)
    cols, frame = funnel_frame("funnel_target", data, numerators=numerators, denominators=denominators)
    numerators, denominators = cols["numerators"], cols["denominators"]
    arrays, index = aligned(numerators=numerators, denominators=denominators)
    o, d = arrays["numerators"], arrays["denominators"]
    fkind: str = funnel_kind("funnel_target", kind, o=o, d=d, multiplier=given_mult,
                        names=index if frame is None else pd.Index(point_names(frame, None)))
    mult = DEFAULT_MULT[fkind] if given_mult is None else given_mult
    ok = ~(np.isnan(o) | np.isnan(d))
    warn_unlike("funnel_target", numerators, denominators, ok, frame)
    return float(o[ok].sum() / d[ok].sum() * mult)


@translates_core_errors("denominators", frame="data", columns={"denominators": "denominators"})
def funnel_limits(
    denominators: Any,
    *,
    target: float,
    kind: Literal["proportion", "rate", "ratio"] | None = None,
    multiplier: float | None = None,
    overdispersion: Any = None,
    missing: Literal["error", "propagate"] = "error",
    data: Any = None,
) -> pd.DataFrame:
    """PHE funnel plot control limits (95% and 99.8%) at each denominator.

    Method (``docs/methods/trends.md`` A7; PHEindicatormethods ``calculate_funnel_limits``): proportions use
    the closed form at which a Wilson interval just reaches the target; rates and ratios use exact
    Poisson limits (the count whose exact lower/upper confidence limit equals the expected count).
    ``target`` and the limits are on the ``multiplier`` scale (default 100 for proportions, i.e.
    percentages; 100,000 for rates; 1 for ratios, whose denominators are expected counts).
    ``kind``: ``"proportion"`` (a part of a whole), ``"rate"`` (counts per population) or
    ``"ratio"`` (observed over expected); not given, it is the ``kind`` of the ``overdispersion``
    result passed, else ``"proportion"`` with a :class:`~saferstats.SaferstatsWarning` saying so,
    and an :class:`~saferstats.InvalidInputError` when ``target`` is above the multiplier (168.6
    hate crimes per 100,000 is no percentage), as :func:`saferstats.funnel_overdispersion` chooses.
    An ``overdispersion`` result estimated per another ``multiplier`` than the funnel's (per 1,000
    against per 100,000: its target on another scale) is refused, naming both; a ``target`` about the
    multiplier or a power of ten away from that result's own target (0.1584 with a result whose target
    is 15.84 per 100) is named in a :class:`~saferstats.SaferstatsWarning`, with both and the value
    on the result's scale.
    ``overdispersion=`` (a :func:`saferstats.funnel_overdispersion` result, or a τ² number) gives
    limits widened for over-dispersion instead (Spiegelhalter 2005, as FunnelPlotR;
    ``docs/methods/monitoring.md``) — for a result only when φ > 1, the rule
    :func:`funnel_significance` labels by: with φ ≤ 1 the points are not over-dispersed and the
    exact limits above are returned. ``.attrs["limits"]`` says which were used. A missing
    denominator (NaN: the City of London's population in the Home Office table) is an error naming
    its row (``missing="error"``), or gets no limits (``missing="propagate"``), as
    :func:`funnel_significance` labels such a point "Not applicable". With ``data=`` (a
    DataFrame), ``denominators`` is the name of its column, and the result keeps its index; where
    that column is a resident population (``population``, ``residents``, or a table with a
    ``census`` column), the limits of an area whose residents are a poor denominator
    (:func:`non_resident_areas`: the City of London) are named in a
    :class:`~saferstats.SaferstatsWarning`, as :func:`funnel_significance` names its flag, and the
    area is listed in ``.attrs["non_resident_areas"]`` ([] when there is none).

    Returns
    -------
    DataFrame ``denominator, target, lower_998, lower_95, upper_95, upper_998``.

    Examples
    --------
    >>> import saferstats
    >>> saferstats.funnel_limits([50, 100, 1000], target=20, kind="proportion").round(6)
       denominator  target  lower_998   lower_95   upper_95  upper_998
    0         50.0    20.0   2.519006   8.912769  31.087231  37.480994
    1        100.0    20.0   7.639071  12.160144  27.839856  32.360929
    2       1000.0    20.0  16.091131  17.520820  22.479180  23.908869
    """
    target = real_option("target", target)
    given_mult = None if multiplier is None else real_option("multiplier", multiplier)
    fkind: str = funnel_kind("funnel_limits", kind, target=target, multiplier=given_mult,
                              overdispersion=overdispersion)
    mult = DEFAULT_MULT[fkind] if given_mult is None else given_mult
    if isinstance(overdispersion, (pd.Series, Mapping)):  # a result of another kind: that error first
        from .monitoring import od_parameters

        od_parameters(overdispersion, fkind)
    _check_od_multiplier("funnel_limits", overdispersion, fkind, mult, given_mult is not None)
    _check_od_target("funnel_limits", target, overdispersion, fkind, mult)
    missing = choice_option("missing", missing, ("error", "propagate"))
    cols, frame = funnel_frame("funnel_limits", data, denominators=denominators)
    column = denominators if frame is not None else None  # (data=: its column's name)
    denominators = cols["denominators"]
    d = as_float_array("denominators", denominators)
    have = ~np.isnan(d) if missing == "propagate" else np.ones(len(d), dtype=bool)
    given = overdispersion is not None and overdispersion is not False
    if given and overdispersion_applies(overdispersion):
        # over-dispersed limits (Spiegelhalter 2005): saferstats.funnel_overdispersion()'s
        # result with phi > 1, or a τ² number; docs/methods/monitoring.md
        from .monitoring import od_limits

        res = od_limits(d[have], target, fkind, mult, overdispersion)
        used = "overdispersed"
    else:
        # phi <= 1: not over-dispersed, so the exact limits, as funnel_significance labels by
        res = _ext.funnel_limits(d[have], target, kind=fkind, multiplier=mult)
        used = "exact (PHE)" + ("; no over-dispersion (phi <= 1)" if given else "")
    out = pd.DataFrame({"denominator": d.copy(), "target": float(target)},
                       index=frame.index if frame is not None else None)
    for k in ["lower_998", "lower_95", "upper_95", "upper_998"]:
        col = np.full(len(d), np.nan)
        col[have] = np.asarray(res[k], dtype=float)
        out[k] = col
    out.attrs["limits"] = used
    # (with data=: the City of London's limits are on its few thousand residents, as funnel_significance says)
    out.attrs["non_resident_areas"] = warn_non_resident("funnel_limits", frame, None, column)
    return out


def warn_target_scale(fn: str, target: float, o: np.ndarray, d: np.ndarray, kind: str, mult: float) -> None:
    """A given target on another scale than the values (0.0017 per head for 168.6 per 100,000; 0.25
    for 25%) puts every point outside the limits, or, with over-dispersion estimated from it,
    inside them: warn when it is within a factor 2 of the points' overall value divided or
    multiplied by the multiplier, giving the value on the right scale (walk-through 7)."""
    ok = ~(np.isnan(o) | np.isnan(d))
    if not ok.any() or d[ok].sum() <= 0:
        return
    warn_target_off(fn, target, float(o[ok].sum() / d[ok].sum() * mult), kind, mult)


def warn_target_off(fn: str, target: float, overall: float, kind: str, mult: float, *,
                    of: str = "the points' overall value", scale: str = "the values are") -> bool:
    """The rule of :func:`warn_target_scale` against a value already known, ``overall`` per ``mult``
    (``of`` and ``scale`` say whose: the points' overall value, or a
    :func:`saferstats.funnel_overdispersion` result's own target, which :func:`funnel_limits` checks
    its ``target`` against): warn when ``target`` is within a factor 2 of ``overall`` divided or
    multiplied by the multiplier (a fraction for a percentage: 0.1584 for 15.84 per 100) or by a
    power of ten (a value per another multiplier), giving the value on the right scale. Whether it
    warned. Not for ratios (multiplier 1: there is no other scale).

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     warn_target_off("f", 0.1584, 15.84, "proportion", 100.0)
    True
    >>> " ".join(str(w[0].message).split())[:62]
    "f: `target` 0.1584 is about 1/100 of the points' overall value"
    """
    if kind == "ratio" or mult == 1 or not target > 0 or not overall > 0 or not math.isfinite(overall):
        return False
    for slip in (mult, 1 / mult):
        if abs(np.log(target * slip / overall)) < np.log(2):
            warn_user(f"{fn}: `target` {target:g} is about 1/{slip:,.0f} of {of} {overall:,.4g} "
                      f"per {mult:,.0f}: it looks like a fraction or rate per 1 ({scale} per {mult:,.0f}); give "
                      f"it per `multiplier` ({target * slip:,.4g})" if slip > 1 else
                      f"{fn}: `target` {target:g} is about {1 / slip:,.0f} times {of} "
                      f"{overall:,.4g} per {mult:,.0f}: give it per `multiplier` ({target * slip:,.4g})")
            return True
    # a target per another multiplier (168.6 per 100,000 given to per-1,000 points): a power of ten
    # out, within the same factor 2
    for k in range(1, 7):
        for slip in (10.0 ** k, 10.0 ** -k):
            if abs(np.log(target * slip / overall)) < np.log(2):
                per = mult / slip
                other = f"a value per {per:,.0f}" if per >= 1 and float(per).is_integer() else "on another scale"
                how = f"1/{slip:,.0f} of" if slip > 1 else f"{1 / slip:,.0f} times"
                warn_user(f"{fn}: `target` {target:g} is about {how} {of} "
                          f"{overall:,.4g} per {mult:,.0f}: it looks like {other} ({scale} per {mult:,.0f}); "
                          f"give it per `multiplier` ({target * slip:,.4g})")
                return True
    return False


@translates_core_errors("numerators", "denominators", frame="data",
                       columns={"numerators": "numerators", "denominators": "denominators"})
def funnel_significance(
    numerators: Any,
    denominators: Any,
    *,
    target: float | None = None,
    kind: Literal["proportion", "rate", "ratio"] | None = None,
    multiplier: float | None = None,
    overdispersion: Any = None,
    missing: Literal["error", "propagate"] = "error",
    data: Any = None,
) -> pd.Series:
    """PHE funnel significance label for each point: ``"Low (0.001)"``, ``"Low (0.025)"``,
    ``"Not significant"``, ``"High (0.025)"``, ``"High (0.001)"``.

    A point with a missing numerator or denominator (NaN: the City of London has no population in
    the Home Office table) is, as in :func:`funnel_limits`, a
    :class:`~saferstats.MissingValueError` naming its column and row (``missing="error"``, the
    default), or (``missing="propagate"``) labelled ``"Not applicable"``, as PHE does: such points
    are left out of the target, counted in ``.attrs["excluded"]`` and named in a
    :class:`~saferstats.SaferstatsWarning`.

    Method (``docs/methods/trends.md`` A7; ``assign_funnel_significance``): proportions are compared with
    :func:`funnel_limits` at their denominator; rates and ratios compare the point's own exact
    (below 10) or Byar's 95% / 99.8% interval with the target. ``target`` defaults to the PHE
    baseline :func:`funnel_target` (Σ numerators / Σ denominators; 1 for ratios). ``kind`` not
    given is chosen as :func:`funnel_limits` chooses it: the kind of an ``overdispersion`` result
    passed, else ``"proportion"`` with a :class:`~saferstats.SaferstatsWarning` saying so, refused
    (:class:`~saferstats.InvalidInputError` naming ``kind``) when a numerator is above its
    denominator or the target above the multiplier — fly-tipping incidents per 1,000 residents
    labelled as a proportion funnel was silent.

    ``overdispersion=True`` estimates the over-dispersion of the points
    (:func:`saferstats.funnel_overdispersion`) and, when φ > 1 (FunnelPlotR's rule), compares
    each point with limits widened by the between-area variance τ² instead (Spiegelhalter 2005);
    a ``funnel_overdispersion`` result can be passed instead of True. The result's
    ``.attrs["limits"]`` says which limits were used and ``.attrs["overdispersion"]`` holds φ, τ².
    Left unsaid (``None``, the default), PHE's exact limits are used, and when far more points
    fall outside the 99.8% limits than chance allows (binomial tail below 0.001 with 0.2% expected
    outside) a :class:`~saferstats.SaferstatsWarning` says so, with φ: on Defra's fly-tipping
    2021/22, 263 of 274 councils counted like for like are outside, where chance would put about
    0.5, so the labels mostly say that areas differ. ``overdispersion=False`` asks for the exact
    limits without the warning.

    Counts that are not like for like with the others (a council counting only the public's
    reports) make a funnel compare unlike with like. Pass the table as ``data=`` with
    ``numerators`` and ``denominators`` its column names (``funnel_significance("incidents",
    "population", data=ft, kind="rate", multiplier=1000)``): the rows flagged in
    :func:`saferstats.read_flytipping`'s ``not_all_incidents`` and ``recording_step`` columns
    are named in a :class:`~saferstats.SaferstatsWarning` (by ``la_name`` and ``period``), and so
    are points of several periods, an area twice, and aggregate rows (``England``, ``*Total``).
    The period of a point is the table's ``period`` column, else ``year``, else ``month``: where a
    table has both ``period`` and ``year`` (:func:`saferstats.datasets.hate_crime_by_force`:
    ``period`` "2018/19", ``year`` "2018-19" as the file prints it), ``period`` names the points
    and is the column the warnings name and filter (``data[data['period'] == '2018/19']``).
    Columns of read_flytipping's table passed as Series (``ft["incidents"]``) are checked too, by
    their row labels, while the frame keeps its ``attrs`` (a ``merge`` drops them: use ``data=``).
    Nothing is left out: the flagged points are in ``.attrs["not_like_for_like"]`` (``row``,
    ``name``, ``column``, ``note``), and ``data[~data["not_all_incidents"]]`` leaves them out.
    With ``data=`` and a resident population as ``denominators`` (a column named ``population`` or
    ``residents``, or a table with a ``census`` column), a point of an area whose residents are a
    poor denominator (:func:`non_resident_areas`: the City of London, flagged "High" on its few
    thousand residents) gets a :class:`~saferstats.SaferstatsWarning` naming it, and is listed in
    ``.attrs["non_resident_areas"]``.

    >>> import saferstats
    >>> saferstats.funnel_significance([8, 151, 159, 150, 0],
    ...     [6.23986, 106.442972, 232.932904, 119.56955, 240.62735], kind="ratio", target=1).tolist()
    ['Not significant', 'High (0.001)', 'Low (0.001)', 'High (0.025)', 'Low (0.001)']
    """
    given_mult = None if multiplier is None else real_option("multiplier", multiplier)
    cols, frame = funnel_frame("funnel_significance", data, numerators=numerators, denominators=denominators)
    numerators, denominators = cols["numerators"], cols["denominators"]
    arrays, index = aligned(numerators=numerators, denominators=denominators)
    o, d = arrays["numerators"], arrays["denominators"]
    missing = choice_option("missing", missing, ("error", "propagate"))  # funnel_limits' options and words
    gaps = np.flatnonzero(np.isnan(o) | np.isnan(d))
    if missing == "error" and gaps.size:  # (named by its column and row label: translates_core_errors)
        i = int(gaps[0])
        arg = "numerators" if np.isnan(o[i]) else "denominators"
        raise MissingValueError(f"missing value (NaN) in `{arg}` at position {i} ({number_of(gaps.size, 'point')} in all {'has' if gaps.size == 1 else 'have'} a "
                                "missing numerator or denominator); pass missing=\"propagate\" to label such points "
                                "'Not applicable' (left out of the target)", arg, i)
    fkind: str = funnel_kind("funnel_significance", kind, o=o, d=d, multiplier=given_mult,
                        target=target if isinstance(target, numbers.Real) else None,
                        names=index if frame is None else pd.Index(point_names(frame, None)),
                        overdispersion=overdispersion)
    mult = DEFAULT_MULT[fkind] if given_mult is None else given_mult
    unlike = warn_unlike("funnel_significance", numerators, denominators, ~(np.isnan(o) | np.isnan(d)), frame)
    estimated = [w for w, on in (("the target", target is None and fkind != "ratio"),
                                 ("the over-dispersion estimate", overdispersion is True)) if on]
    excluded = warn_missing_points("funnel_significance", o, d,
                                    index if frame is None else pd.Index(point_names(frame, None)), " and ".join(
        estimated + ["the comparison (labelled 'Not applicable')"]))
    given = target is not None
    if target is None:
        target = 1.0 if fkind == "ratio" else funnel_target(o, d, kind=fkind, multiplier=mult)
    target = real_option("target", target)
    if given and overdispersion is not True:  # (estimating φ warns of it itself)
        warn_target_scale("funnel_significance", target, o, d, fkind, mult)
    od = None
    if overdispersion is not False and overdispersion is not None:
        from .monitoring import od_significance, overdispersion_of

        if overdispersion is True:
            od = overdispersion_of(o, d, kind=fkind, target=target, multiplier=mult,
                                 names=index if frame is None else pd.Index(point_names(frame, None)))
        elif isinstance(overdispersion, (pd.Series, dict)):
            od = pd.Series(overdispersion)
        else:
            raise InvalidInputError(
                f"`overdispersion` must be True, False or a funnel_overdispersion() result, got {overdispersion!r}",
                "overdispersion")
    if od is not None and overdispersion_applies(od):
        codes = od_significance(o, d, target, fkind, mult, od)
        used = f"overdispersed ({od.get('model', 'additive')}; phi {float(od['phi']):.3g}, tau2 {float(od['tau2']):.3g})"
    else:
        codes = _ext.funnel_significance(o, d, target, kind=fkind, multiplier=mult)
        used = "exact (PHE)" + ("; no over-dispersion (phi <= 1)" if od is not None else "")
        if overdispersion is None:
            warn_exact_overdispersed("funnel_significance", o, d, np.asarray(codes), kind=fkind, target=target,
                                      multiplier=mult)
    index = numerators.index if isinstance(numerators, pd.Series) else None
    out = pd.Series(pd.Categorical.from_codes(codes, categories=_FUNNEL_LABELS), index=index, name="significance")
    out.attrs["limits"] = used
    out.attrs["overdispersion"] = None if od is None else od.to_dict()
    out.attrs["excluded"] = excluded
    out.attrs["not_like_for_like"] = unlike
    out.attrs["non_resident_areas"] = warn_non_resident(
        "funnel_significance", frame, numerators.name if isinstance(numerators, pd.Series) else None,
        denominators.name if isinstance(denominators, pd.Series) and frame is not None else None)
    return out

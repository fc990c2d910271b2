"""Periods as the package reads and shows them, in one place.

police.uk publishes months (``Month``: ``"2021-06"``); read with ``pd.to_datetime`` they become
the first of each month at midnight, and a monthly :class:`pandas.Period` is a month too. Every
module that recognises a month or writes one (SPC ticks and rebase labels, cluster first/last
times, the report's hotspot table, messages naming a period) uses these helpers, so one month is
shown as the same text wherever it appears: ``"2021-06"`` (``style="iso"``) or ``"Jun 2021"``
(``style="name"``). A financial year (a pandas annual Period ending in March) is ``"2021/22"``,
a calendar year ``"2021"`` and a day ``"2021-06-15"``.

Dates are months only when *every* date of a column is the first of a month at midnight: one
such date alone could be a day (:func:`on_month_starts`).

>>> import pandas as pd
>>> period_texts(pd.Series(pd.to_datetime(["2021-01", "2021-02"])))
['2021-01', '2021-02']
>>> period_texts(pd.Series(pd.to_datetime(["2021-01-01", "2021-01-08"])))
['2021-01-01', '2021-01-08']
>>> period_text(pd.Period("2022", freq="Y-MAR")), period_text(pd.Period("2021-06", freq="M"), style="name")
('2021/22', 'Jun 2021')
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["MONTH_PATTERN", "MONTH_TEXT", "is_month_text", "all_month_text", "months_as_dates", "on_month_starts", "as_dates",
           "month_numbers", "month_texts", "month_label", "period_text", "period_texts", "shown"]

#: police.uk's ``Month`` as text: a year and a month 01-12 (spaces around it allowed), for
#: ``re.fullmatch`` and pandas' ``str.fullmatch``.
MONTH_PATTERN = r"\s*\d{4}-(?:0[1-9]|1[0-2])\s*"
MONTH_TEXT = re.compile(MONTH_PATTERN)

Style = Literal["iso", "name"]
_MONTH_FORMAT = {"iso": "%Y-%m", "name": "%b %Y"}


def is_month_text(value: Any) -> bool:
    """Whether one value is a month written as police.uk writes it (``"2021-06"``)."""
    return isinstance(value, str) and MONTH_TEXT.fullmatch(value) is not None


def all_month_text(values: Any) -> bool:
    """Whether every value given (missing ones left out; at least one) is month text — police.uk's
    ``Month`` column as read from the CSV, also as the categorical :func:`saferstats.read_street_crime`
    gives (its categories in use are read)."""
    s = values if isinstance(values, (pd.Series, pd.Index)) else pd.Series(np.asarray(values, dtype=object))
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = pd.Series(pd.Categorical(s).remove_unused_categories().categories)
    given = pd.Series(s).dropna()
    return bool(len(given)) and all(is_month_text(v) for v in given)


def months_as_dates(ts: pd.Series) -> tuple[pd.Series, bool]:
    """Times given as months — police.uk's ``Month`` text ("2021-10") or a monthly Period — as the
    first of each month (datetimes), and whether they were; other times unchanged. A month given
    as such is known to be a month even when every record is of the same one."""
    if isinstance(ts.dtype, pd.PeriodDtype):
        monthly = ts.dtype.freq.freqstr.split("-")[0] in ("M", "ME")
        return ts.dt.to_timestamp(how="start"), monthly
    if (ts.dtype == object or pd.api.types.is_string_dtype(ts)) and all_month_text(ts):
        return pd.to_datetime(ts.astype(object).str.strip(), format="%Y-%m"), True
    return ts, False


def on_month_starts(dates: Any, *, distinct: int = 1) -> bool:
    """Whether datetimes stand for months: every one (missing ones left out) the first of a month
    at midnight, with at least ``distinct`` different ones (2 for times whose kind is not known
    otherwise: one such day alone could be a date)."""
    s = pd.Series(dates).dropna()
    if not pd.api.types.is_datetime64_any_dtype(s) or len(s) == 0 or s.nunique() < distinct:
        return False
    return bool(((s.dt.day == 1) & (s == s.dt.normalize())).all())


def month_numbers(labels: Any) -> np.ndarray | None:
    """Periods as month numbers (year × 12 + month − 1) when every one is a month — police.uk's
    ``Month`` text, a monthly Period, or a date on the first of a month at midnight (two or more
    different ones, as :func:`on_month_starts`) — else None (years, quarters, weeks, days, labels).

    >>> month_numbers(["2021-12", "2022-01"]).tolist(), month_numbers(["2019/20", "2020/21"])
    ([24263, 24264], None)
    """
    s = labels.reset_index(drop=True) if isinstance(labels, pd.Series) else pd.Series(list(labels))
    if len(s) == 0 or s.isna().any():
        return None
    if all(isinstance(v, pd.Period) for v in s):
        if not all(v.freqstr.split("-")[0] in ("M", "ME") for v in s):
            return None
        return np.array([v.year * 12 + v.month - 1 for v in s], dtype=np.int64)
    d, monthly = months_as_dates(s)
    if not monthly:
        d = as_dates(s)
        if not pd.api.types.is_datetime64_any_dtype(d) or not on_month_starts(d, distinct=2):
            return None
    return np.asarray(d.dt.year * 12 + d.dt.month - 1, dtype=np.int64)


def month_texts(dates: Any, style: Style = "iso") -> pd.Series:
    """Months (datetimes on their first day, or monthly Periods) as text — ``"2021-06"`` or
    ``"Jun 2021"`` — with None where a month is missing; the index is kept."""
    s = dates if isinstance(dates, pd.Series) else pd.Series(dates)
    if isinstance(s.dtype, pd.PeriodDtype):
        s = s.dt.to_timestamp(how="start")
    d = pd.to_datetime(s)
    return d.dt.strftime(_MONTH_FORMAT[style]).astype(object).where(d.notna(), None)


def month_label(value: Any) -> str:
    """A stratum's value as a sentence names it: a month written as police.uk writes it
    (``"2020-01"``) as a reader reads a month, ``"Jan 2020"`` (as :func:`month_texts` ``style="name"``
    and the report's periods, "Dec 2019 to Feb 2020"); anything else as its text.

    >>> month_label("2020-01"), month_label(" 2019-12 "), month_label("Essex")
    ('Jan 2020', 'Dec 2019', 'Essex')
    """
    if not is_month_text(value):
        return str(value)
    return str(pd.Timestamp(f"{str(value).strip()}-01").strftime(_MONTH_FORMAT["name"]))


_ISO_DATE = r"^\s*\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00(?:\.0+)?)?)?\s*$"


def as_dates(labels: Any) -> pd.Series:
    """Periods written as ISO dates in text (``"2021-01-04"``, a CSV read without
    ``parse_dates``) as dates: read as months they made weekly dates in one month the same period
    ("period '2021-01-11' appears twice"). Anything else is returned as a Series, unchanged."""
    orig = pd.Series(labels)
    s = orig.astype(object) if isinstance(orig.dtype, pd.CategoricalDtype) else orig
    if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
        if len(s) and not s.isna().any() and all(isinstance(v, str) for v in s):
            txt = s.astype("string")
            if bool(txt.str.fullmatch(_ISO_DATE).all()):
                try:
                    return pd.Series(pd.to_datetime(txt.str.strip(), format="ISO8601"), index=s.index, name=s.name)
                except (TypeError, ValueError):
                    return orig
    return orig


def period_text(value: Any, *, months: bool = False, style: Style = "iso") -> str:
    """One period as text: a monthly Period (or, with ``months``, a date on the first of a month at
    midnight) as a month; an annual Period ending in March as its financial year ``"2021/22"``, one
    ending in December as ``"2021"``; a date at midnight as its day ``"2021-06-15"``; anything else
    (text as ``"2019/20"``, a quarter, a time of day) as its own text."""
    if isinstance(value, pd.Period):
        base = value.freqstr.split("-")[0]
        if base in ("M", "ME"):
            return str(value.strftime(_MONTH_FORMAT[style]))
        if base in ("Y", "YE", "A", "AS", "YS") and "-" in value.freqstr and value.freqstr.endswith("MAR"):
            return f"{value.year - 1}/{value.year % 100:02d}"
        if base in ("Y", "YE", "A"):
            return str(value.year)
        if base == "D":
            return str(value.strftime("%Y-%m-%d"))
        return str(value)
    if isinstance(value, (np.datetime64, _dt.datetime)) and not pd.isna(value):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        if months and value.day == 1:
            return str(value.strftime(_MONTH_FORMAT[style]))
        return str(value.date())
    return str(value)


def period_texts(periods: Any, style: Style = "iso") -> list[str]:
    """A column of periods as text, one way for the whole column: dates that are all the first of a
    month at midnight (police.uk months read with ``pd.to_datetime``) as months, not as the day
    ``2021-01-01``; weekly or daily dates as days; dates written as ISO text (``"2021-01-04"``)
    likewise; Periods as :func:`period_text`; anything else as its text."""
    raw = pd.Series(periods).reset_index(drop=True)
    s = as_dates(raw)
    if pd.api.types.is_datetime64_any_dtype(s) and len(s) and not s.isna().any():
        months = on_month_starts(s)
        if bool((s == s.dt.normalize()).all()):
            return [period_text(v, months=months, style=style) for v in s]
    if len(raw) and all(isinstance(v, pd.Period) for v in raw):
        return [period_text(v, style=style) for v in raw]
    return [str(v) for v in raw.astype(str)]


def shown(label: Any, among: Any = None) -> str:
    """A period label in a message (quoted): ``'2021-11'`` for a monthly Period, as for the text;
    a date at midnight as its day, or as its month when every label of ``among`` (the labels it
    comes from) is the first of a month (police.uk months read as dates)."""
    from ._frames import plain

    label = plain(label)
    if isinstance(label, (pd.Period, pd.Timestamp)):
        months = isinstance(label, pd.Timestamp) and among is not None and on_month_starts(pd.Series(pd.Index(among)))
        return repr(period_text(label, months=months))
    return repr(label)

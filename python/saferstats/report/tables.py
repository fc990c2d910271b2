"""Readable tables for the report page: plain-English column headers, rounding by column kind,
p-values as ``<0.001``, constant ``confidence``/``method`` columns stated once in the caption.

Only the page changes: the CSV files keep the machine column names and full values. The display
is built at render time from the published (already disclosure-controlled) table, so a
suppressed cell stays ``[c]``. The rules: ``docs/methods/report_document.md``.

>>> import pandas as pd
>>> t = pd.DataFrame({"district": ["Dacorum", "Watford"], "count": [1950, 3], "rate": [134.61, 2.5],
...                   "lower": [116.4, 0.5], "upper": [154.9, 7.3], "p_value": [0.0004, 0.31],
...                   "confidence": [0.95, 0.95], "method": ["byar", "byar"]})
>>> d = display_table(t, "Rates per 100,000", confidence=0.95)
>>> d.headers
['District', 'Count', 'Rate', 'Lower 95% limit', 'Upper 95% limit', 'p-value']
>>> d.rows[0]
['Dacorum', '1,950', '134.6', '116.4', '154.9', '<0.001']
>>> d.caption
"Rates per 100,000. Limits are 95% confidence intervals. Method: Byar's approximation."
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

from .._frames import bare  # (re-exported: the report's loops over a table's cells)

__all__ = ["DisplayTable", "display_table", "one_layout", "header", "format_p", "column_kind", "METHOD_NAMES", "page_names",
           "AREA_COLUMNS", "FUNNEL_WORDS", "RATIO_METHOD_WORDS", "place", "capitalise",
           "number_of", "bare"]

MARKER = "[c]"

#: Plain-English names of the methods the analyses write in their ``method`` columns.
METHOD_NAMES = {
    "exact": "exact Poisson (Garwood)",
    "byar": "Byar's approximation",
    "wilson": "Wilson score",
    "wilson-cc": "Wilson score with continuity correction",
    "wald-log": "Wald interval on the log scale",
    "exact (zero count)": "exact conditional (a count is zero)",
    "dobson": "Dobson's method",
    "newcombe": "Newcombe's hybrid score",
    "katz": "Katz log interval",
    "katz (haldane +0.5)": "Katz log interval (Haldane +0.5 correction)",
    "reference": "reference group",
    "not applicable": "not applicable",
    "poisson": "Poisson regression",
    "quasi-poisson": "quasi-Poisson regression",
    "quasi-poisson (auto: dispersion > 1.5)": "quasi-Poisson regression (over-dispersed: Pearson χ²/df > 1.5)",
    "negbin": "negative binomial regression",
    "z": "z test",
    "fisher": "Fisher's exact test",
}

#: The stop-and-search table's ``ratio_method`` as the page says it: how the ratio's interval was worked
#: out, in words a Panel member reads ("Katz log interval", "exact conditional" were method jargon);
#: the CSV keeps the method's identifiers. The glossary's "Ratio method" explains the two kinds.
RATIO_METHOD_WORDS = {
    "katz": "standard interval",
    "wald-log": "standard interval",
    "katz (haldane +0.5)": "standard interval, 0.5 added to each count (a count is zero)",
    "exact (zero count)": "exact interval (a count is zero)",
    "exact": "exact interval (as many searches as residents)",
    "reference": "comparison group",
    "not applicable": "no ratio (no searches in either group)",
}

# exact column names -> header ("{c}" is the confidence level, e.g. "95%")
_HEADERS = {
    "count": "Count", "population": "Population", "rate": "Rate", "lower": "Lower {c} limit",
    "upper": "Upper {c} limit", "method": "Method", "confidence": "Confidence level",
    "period_from": "From", "period_to": "To", "count_from": "Count (from)", "count_to": "Count (to)",
    "pct_change": "% change", "percent_change": "% change", "p_value": "p-value",
    "apc": "Annual % change", "dispersion_ratio": "Over-dispersion (χ²/df; 1 = none)", "n_periods": "Periods",
    "searches": "Searches", "ratio": "Ratio to White", "reliable": "Reliable",
    "ratio_method": "Ratio method", "like_for_like": "Like for like", "comparability": "Comparability",
    "denominator": "Denominator", "group": "Ethnic group", "n": "Number", "hits": "Finds",
    "diff": "Difference from White", "rr": "Risk ratio", "test": "Test", "significance": "Funnel position",
    "label": "Cluster", "centroid_lat": "Centre latitude", "centroid_lon": "Centre longitude",
    "area_m2": "Area of outline (m²)", "density_per_km2": "Incidents per km²", "first_time": "First incident", "last_time": "Last incident", "locations": "Map points",
    "note": "Note on area and density", "person_years": "Person-years", "months": "Months",
    "missing_times": "Without date", "radius_m": "Centre to farthest point (m)", "measure": "Measure", "assessed": "Assessed",
    "percent": "%", "place_of_safety": "Place of safety", "known": "Known", "censored": "No end time",
    "median_hours": "Median (hours)", "q1_hours": "Lower quartile (hours)", "q3_hours": "Upper quartile (hours)",
    "mean_hours": "Mean (hours)", "over_24h": "Over 24 h", "over_24h_percent": "Over 24 h (%)",
    "over_36h": "Over 36 h", "child_in_police_station": "Children in police station",
    "over_24h_without_extension": "Over 24 h without extension", "detentions": "Detentions", "kind": "Kind",
    "pre_count": "Before: count", "pre_n": "Before: of", "post_count": "After: count", "post_n": "After: of",
    "effect": "Effect", "model": "Model", "strand": "Strand", "force": "Police force area", "district": "District",
    "la": "Local authority", "la_name": "Local authority", "area": "Area",
    # (by CSP the page said "Csp" and "Csp code": the column names capitalised)
    "csp": "Community Safety Partnership", "csp_name": "Community Safety Partnership", "csp_code": "CSP code",
    "la_code": "Local authority code", "force_code": "Force code", "year": "Year", "month": "Month", "period": "Period",
    "incidents": "Incidents", "offences": "Offences", "z": "z", "se": "Standard error",
    "apc_england": "Annual % change, England (other councils)", "ratio_england": "Trend ratio to England",
    "against_england": "Against England", "other_councils": "England councils compared",
    # a trend's limits and p-value: "t (df=6)", Student t on the residual df (quasi-Poisson), or "z" (Poisson)
    "intervals": "Intervals",
    "stepped_councils_left_out": "England councils left out (a step in the count)",
    "highway_footpath": "Highways and footpaths", "council_land": "Council land", "private_land": "Private land",
    "other_land": "Other land", "private_percent": "% on private land", "timed": "Detentions timed",
    "n_peers": "Peer forces", "of": "Out of", "group_rate": "Peer group rate", "ratio_to_group": "Ratio to peer group",
    "compared_with_group": "Against peer group", "ratio_to_white": "Ratio to White",
    "standardised_rate": "Age-standardised rate", "standardised": "Age-standardised rate",
    "search_rate": "Search rate (per 1,000)", "find_percent": "Find rate (%)", "diff_points": "Difference from White (percentage points)",
    "arrests": "Arrests", "arrest_percent": "Arrest rate (%)", "searches_with_outcome": "Searches with a recorded outcome",
    # SPC and trend tables: what the method's words mean, not the words (a Panel does not know "trial limits")
    "trial limits": "Provisional limits (fewer than 12 months)", "segment": "Period",
    "signals": "Unusual months (special-cause signals)",
}
_PREFIX = {"rate": "Rate", "ratio": "Ratio", "pct": "% change", "percent": "% change", "apc": "Annual % change",
           "diff": "Difference", "rr": "Risk ratio", "count": "Count", "rate_from": "Rate (from)",
           "rate_to": "Rate (to)", "find_percent": "Find rate (%)", "arrest_percent": "Arrest rate (%)",
           "diff_points": "Difference (percentage points)",
           "search_rate": "Search rate (per 1,000)"}

#: PHE funnel labels (:func:`saferstats.funnel_significance`, the CSV's ``significance``) as the page
#: says them: "High (0.025)" is a one-sided tail, which a reader took for a p-value.
FUNNEL_WORDS = {"High (0.001)": "Above the 99.8% limit", "High (0.025)": "Above the 95% limit",
                "Low (0.001)": "Below the 99.8% limit", "Low (0.025)": "Below the 95% limit",
                "Not significant": "Within the limits"}

#: Columns of area names: the page and the CSV say them as the text does (:func:`page_names`).
AREA_COLUMNS = ("force", "district", "la", "la_name", "csp", "area")

#: Columns that describe how a table was made: stated once in the caption when constant.
_META = ("confidence", "method", "ratio_method", "model", "test", "denominator", "comparability", "like_for_like",
         "intervals")


#: Area names said with the definite article in running text ("in the City of London", "the Isle of
#: Wight's rate"): "<City|Isle|Isles|Vale|Forest> of ...", and a few others by name (lower case). Not
#: names that merely look plural: "in Three Rivers", "in Malvern Hills" are how those councils say them.
_THE_PATTERN = re.compile(r"(City|Isle|Isles|Vale|Forest) of \S")
_THE_NAMES = {"derbyshire dales": "Derbyshire Dales", "staffordshire moorlands": "Staffordshire Moorlands",
              "metropolitan police": "Metropolitan Police area", "metropolitan police service": "Metropolitan Police area"}


def place(name: Any) -> str:
    """An area's name as a sentence says it: :func:`saferstats.geography.display_name` (the ONS and
    Home Office "London, City of" is the City of London; "Kingston upon Hull, City of" is Kingston upon
    Hull) with the definite article where the name takes one ("in the City of London", "the Isle of
    Wight's rate", "in the Metropolitan Police area"). Every sentence of the report names areas
    through it; tables keep the bare name (:func:`page_names`); a sentence that starts with one is
    capitalised by :func:`capitalise`. Rules: ``docs/methods/report_document.md``.

    >>> [place(n) for n in ["London, City of", "Isle of Wight", "Kingston upon Hull, City of", "Three Rivers",
    ...                     "Metropolitan Police", "Vale of Glamorgan", "Hertfordshire", "the City of London"]]
    ['the City of London', 'the Isle of Wight', 'Kingston upon Hull', 'Three Rivers', 'the Metropolitan Police area', 'the Vale of Glamorgan', 'Hertfordshire', 'the City of London']
    """
    from ..geography import display_name

    text = display_name(name)
    bare = text.strip()
    if bare[:4].lower() == "the ":
        return text
    if bare.lower() in _THE_NAMES:
        return "the " + _THE_NAMES[bare.lower()]
    return "the " + text if _THE_PATTERN.match(bare) else text


def capitalise(text: str) -> str:
    """``text`` with its first letter upper case (a sentence that starts with "the City of London").

    >>> capitalise("the City of London's rate"), capitalise("3 clusters"), capitalise("")
    ("The City of London's rate", '3 clusters', '')
    """
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def number_of(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun`` as the page says them: "1 month", "13 months", "1,649 squares" (the report
    wrote "13 month(s)", "1 ratio(s)", "2 row(s) ... have" on the page). ``plural``: where it is not
    ``noun`` + "s".

    >>> number_of(1, "month"), number_of(13, "month"), number_of(2, "authority-year"), number_of(3, "authority", "authorities")
    ('1 month', '13 months', '2 authority-years', '3 authorities')

    The library's messages use the same rule, :func:`saferstats.exceptions.number_of`.
    """
    from ..exceptions import number_of as counted

    return counted(n, noun, plural)


def header(column: str, confidence: float = 0.95) -> str:
    """The plain-English header of a column (the confidence level in the limits' names).

    >>> header("rate_lower", 0.95), header("pct_upper", 0.998), header("p_value"), header("my_col")
    ('Rate: lower 95% limit', '% change: upper 99.8% limit', 'p-value', 'My col')
    """
    c = _level(confidence)
    if column in _HEADERS:
        return _HEADERS[column].format(c=c)
    m = re.fullmatch(r"(.+)_(lower|upper)", column)
    if m:
        stem = _PREFIX.get(m.group(1), _HEADERS.get(m.group(1), m.group(1).replace("_", " ").capitalize()))
        return f"{stem}: {m.group(2)} {c} limit"
    return column.replace("_", " ").capitalize()


def _level(confidence: float) -> str:
    return f"{confidence * 100:.10g}%"


def column_kind(column: str) -> str:
    """How a column is shown: ``count``, ``p``, ``percent``, ``ratio``, ``coordinate``, ``measure``
    (areas, lengths), ``hours``, ``estimate`` (rates and their limits) or ``other``.

    >>> [column_kind(c) for c in ("searches", "p_value", "pct_lower", "rr_upper", "rate", "apc")]
    ['count', 'p', 'percent', 'ratio', 'estimate', 'percent']
    """
    if column == "p_value":
        return "p"
    if column in ("count", "population", "searches", "searches_with_outcome", "n", "hits", "arrests", "count_from", "count_to", "assessed", "known",
                  "censored", "detentions", "pre_count", "pre_n", "post_count", "post_n", "missing_times",
                  "n_periods", "incidents", "offences", "highway_footpath", "council_land", "private_land",
                  "other_land", "timed", "of") or column.startswith("over_") and \
            not column.endswith("percent") or column.startswith("child_"):
        return "count"
    if column.startswith(("pct", "percent", "apc", "find_percent", "arrest_percent", "diff_points")) or column.endswith("_percent"):
        return "percent"
    if column.startswith(("ratio", "rr", "rate_ratio")) or column == "dispersion_ratio":
        return "ratio"
    if column.startswith("centroid_"):
        return "coordinate"
    if column in ("area_m2", "density_per_km2", "radius_m", "person_years"):
        return "measure"
    if column.endswith("_hours"):
        return "hours"
    # (an SPC chart's mean and process limits: a level of the counts, "3,792.4" as the counts print, not "3792.4")
    if column.startswith(("rate", "diff", "search_rate")) or column in ("lower", "upper", "mean", "lower process limit",
                                                                        "upper process limit"):
        return "estimate"
    return "other"


def format_p(p: Any) -> str:
    """A p-value as a report prints it: ``<0.001`` below 0.001, else three decimals.

    >>> [format_p(p) for p in (0.0, 0.00042, 0.0123, 0.5, float("nan"), "[c]")]
    ['<0.001', '<0.001', '0.012', '0.500', '', '[c]']
    """
    v = _num(p)
    if v is None:
        return "" if _blank(p) else str(p)
    return "<0.001" if v < 0.001 else f"{v:.3f}"


def _blank(v: Any) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or _blank(v) or isinstance(v, str):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _decimals(kind: str, values: list[float]) -> int:
    if kind == "count" or kind == "measure":
        return 0
    if kind in ("percent", "hours"):
        return 1
    if kind == "ratio":
        return 2
    if kind == "coordinate":
        return 4
    big = sorted(abs(v) for v in values)
    mid = big[len(big) // 2] if big else 0.0
    return 1 if mid >= 10 else 2 if mid >= 1 else 3


def _stem(column: str) -> str:
    return re.sub(r"_(lower|upper)$", "", column) if column not in ("lower", "upper") else "rate"


def _fixed(f: float, nd: int, sep: str = ",") -> str:
    """``f`` to ``nd`` decimals, a half rounded up from its shortest decimal form: the published tables
    are rounded to 2 decimals for their CSV before the page shows 1, and binary rounding of that
    second step showed +39.053% (Essex's hate crime change, 39.05 in the CSV) as "39.0", not "39.1".

    >>> _fixed(39.05, 1), _fixed(-0.25, 1), _fixed(1234.5, 0), _fixed(2.675, 2)
    ('39.1', '-0.3', '1,235', '2.68')
    """
    d = Decimal(repr(float(f))).quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_UP)
    return f"{d:{sep}.{nd}f}"


def _cell(v: Any, kind: str, nd: int) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d") if (v.hour, v.minute, v.second) == (0, 0, 0) else v.strftime("%Y-%m-%d %H:%M")
    if kind == "p":
        return format_p(v)
    f = _num(v)
    if f is None:
        if _blank(v):
            return ""
        s = str(v)
        return METHOD_NAMES.get(s, s) if kind == "method" else s
    if isinstance(v, str):
        return v
    if kind == "other":
        return str(int(f)) if float(f).is_integer() and not isinstance(v, float) else _fixed(f, nd, sep="")
    if kind in ("count", "measure") and float(f).is_integer():
        return f"{int(f):,}"
    return _fixed(f, nd)


@dataclasses.dataclass
class DisplayTable:
    """A table as the page shows it: the caption (with the confidence statement and the constant
    method), plain-English headers, formatted cells, which columns are numbers (right-aligned) and
    how many leading columns name the row (``<th scope="row">``)."""

    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    row_header_columns: int = 1
    columns: list[str] = dataclasses.field(default_factory=list)


#: ``attrs`` key of a table's frame: what its search rates are per 1,000 of ("a year", "over the 3
#: months"; ``report.sections``' stop-and-search table), said in their heads (:func:`display_table`).
RATE_PER = "rate_per"

#: The caption's words that say a table is from NHS England's Mental Health Act statistics
#: (``report.sections``' ``s136_mha_*`` tables): their counts are uses of Section 136.
_NHS_MHA = "(NHS England"


def display_table(frame: pd.DataFrame, caption: str, *, confidence: float = 0.95) -> DisplayTable:
    """The page's version of a published table (see the module's example): constant
    ``confidence``/``method``-like columns leave the table for one sentence in the caption, limits
    are named with the confidence level, numbers are rounded by column kind and ``[c]`` stays. Area
    names in the :data:`AREA_COLUMNS` are said as the report's text says them (:func:`page_names`:
    "Kingston upon Hull", not the ONS key "Kingston upon Hull, City of"), in every table alike.

    >>> import pandas as pd
    >>> d = display_table(pd.DataFrame({"group": ["Black"], "ratio": [3.21], "ratio_lower": [2.5],
    ...                                 "ratio_upper": [4.07], "ratio_method": ["katz"]}), "Search rates")
    >>> d.headers, d.rows, d.caption
    (['Ethnic group', 'Ratio to White', 'Ratio: lower 95% limit', 'Ratio: upper 95% limit'], [['Black', '3.21', '2.50', '4.07']], 'Search rates. Limits are 95% confidence intervals. Ratio method: standard interval.')
    >>> display_table(pd.DataFrame({"la_name": ["Kingston upon Hull, City of"], "incidents": [9],
    ...                             "significance": ["High (0.025)"]}), "Counts").rows
    [['Kingston upon Hull', '9', 'Above the 95% limit']]
    >>> rates = pd.DataFrame({"group": ["Black"], "search_rate": [0.7], "search_rate_lower": [0.5]})
    >>> rates.attrs[RATE_PER] = "over the 3 months"
    >>> display_table(rates, "Search rates").headers
    ['Ethnic group', 'Search rate (per 1,000 over the 3 months)', 'Search rate (per 1,000 over the 3 months): lower 95% limit']
    >>> display_table(pd.DataFrame({"ethnic_group": ["White"], "detentions": [10483]}),
    ...               "Section 136 uses per 100,000 by ethnic group, England 2023-24 (NHS England; ...)").headers
    ['Ethnic group', 'Uses of Section 136']
    """
    laid = _LAID_OUT.get()
    if laid is None:
        return _lay_out(frame, caption, confidence)
    key = (id(frame), caption, confidence)
    if key not in laid or laid[key][0] is not frame:
        laid[key] = (frame, _lay_out(frame, caption, confidence))
    d = laid[key][1]  # each caller its own lists: one cannot change the table another shows
    return dataclasses.replace(d, headers=list(d.headers), rows=[list(r) for r in d.rows], numeric=list(d.numeric),
                               columns=list(d.columns))


#: The tables laid out in the current :func:`one_layout` (``None`` outside one): (frame, layout) by
#: the frame's id, caption and confidence; the frame is kept so that its id cannot be another's.
_LAID_OUT: contextvars.ContextVar[dict[tuple[int, str, float], tuple[pd.DataFrame, DisplayTable]] | None] = \
    contextvars.ContextVar("saferstats_report_laid_out", default=None)


@contextlib.contextmanager
def one_layout() -> Iterator[None]:
    """Within it, :func:`display_table` lays each table (the same frame object, caption and
    confidence) out once and gives every further caller a copy of that layout: one report build
    needs each table for the glossary (:func:`saferstats.report.summary.glossary_for`), the page
    and the Word copy, and laid each out two to four times (session 33: 0.7 s of the demo report,
    1.2 s of ``examples/hertfordshire_published.toml``'s). Nested uses share the outer one's
    layouts; the frames must not change inside it.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"la_name": ["Dacorum"], "incidents": [9]})
    >>> with one_layout():
    ...     a, b = display_table(t, "Counts"), display_table(t, "Counts")
    >>> a == b, a is b, a.rows is b.rows
    (True, False, False)
    """
    if _LAID_OUT.get() is not None:
        yield
        return
    token = _LAID_OUT.set({})
    try:
        yield
    finally:
        _LAID_OUT.reset(token)


def _lay_out(frame: pd.DataFrame, caption: str, confidence: float) -> DisplayTable:
    """:func:`display_table`'s work, done once per table within :func:`one_layout`."""
    named = page_names(frame, AREA_COLUMNS)  # "City of London", "Kingston upon Hull": as the text says them
    # the cells only: every column read below would deep-copy the table's attrs (read from ``frame``)
    df = bare(frame if named is None else named).reset_index(drop=True)
    if "significance" in df.columns:
        df["significance"] = df["significance"].map(lambda v: FUNNEL_WORDS.get(v, v) if isinstance(v, str) else v)
    if "ratio_method" in df.columns:
        df["ratio_method"] = df["ratio_method"].map(lambda v: RATIO_METHOD_WORDS.get(v, v) if isinstance(v, str) else v)
    notes: list[str] = []
    conf = confidence
    if "confidence" in df.columns:
        vals = {float(v) for v in pd.to_numeric(df["confidence"], errors="coerce").dropna()}
        if len(vals) == 1:
            conf = vals.pop()
    drop = []
    # one comparability sentence says it: "Comparability: like for like." with the constant like_for_like
    # column beside it read "Comparability: like for like. Like for like: yes." (Merseyside's CSPs)
    said_by_comparability = ("comparability" in df.columns
                             and len({str(v) for v in df["comparability"] if not _blank(v)}) == 1)
    for c in _META:
        if c not in df.columns:
            continue
        # an empty label is blank too: a find table whose every row is withheld has "" for each test, and
        # its caption read "Test: ." (police.uk Derbyshire, Feb 2020)
        texts = {str(v) for v in df[c] if not _blank(v) and str(v).strip()}
        if texts == {MARKER}:  # every label hidden (or blank): no column to show, and "Test: [c]." says nothing
            drop.append(c)
            continue
        if len(texts) <= 1:
            drop.append(c)
            if c == "like_for_like" and said_by_comparability:
                continue
            if c != "confidence" and texts:
                word = texts.pop()
                if c == "like_for_like":
                    word = "yes" if word == "True" else "no" if word == "False" else word
                said = RATIO_METHOD_WORDS.get(word, word) if c == "ratio_method" else METHOD_NAMES.get(word, word)
                notes.append(f"{header(c)}: {said}.")
    df = df.drop(columns=drop)
    has_limits = any(re.search(r"(^|_)(lower|upper)$", c) for c in df.columns)
    text = caption.rstrip(". ") + "."
    if has_limits:
        text += f" Limits are {_level(conf)} confidence intervals."
    if notes:
        text += " " + " ".join(notes)
    if any((df[c].astype(str) == MARKER).any() for c in df.columns):
        text += f" {MARKER} = suppressed to protect small numbers."
    kinds = {c: ("method" if c in _META else column_kind(c)) for c in df.columns}
    # an estimate and its limits share their decimals
    groups: dict[str, list[float]] = {}
    for c in df.columns:
        if kinds[c] == "estimate":
            groups.setdefault(_stem(c), []).extend(v for v in map(_num, df[c]) if v is not None)
    nd = {c: _decimals(kinds[c], groups.get(_stem(c), [v for v in map(_num, df[c]) if v is not None]))
          for c in df.columns}
    # never more decimals than the table's CSV keeps (report.sections._round): the page rounds the exact
    # value once, and says no more than the CSV beside it, which the disclosure audit reads
    cap = frame.attrs.get("csv_decimals")
    if isinstance(cap, int):
        nd = {c: min(d, cap) for c, d in nd.items()}
    numeric = [kinds[c] not in ("other", "method") or pd.api.types.is_numeric_dtype(df[c])
               and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns]
    rows = [[_cell(v, kinds[c], nd[c]) for c, v in zip(df.columns, r)] for r in df.itertuples(index=False)]
    lead = 0
    for c, isnum in zip(df.columns, numeric):
        if isnum or lead >= 2:
            break
        lead += 1
    heads = [header(c, conf) for c in df.columns]
    if "label" in df.columns and "centroid_lat" not in df.columns:  # a name, not a cluster number
        heads[list(df.columns).index("label")] = "Name"
    if "n" in df.columns and "centroid_lat" in df.columns:  # a cluster's size: its incidents, not "Number"
        heads[list(df.columns).index("n")] = "Incidents"
    if "detentions" in df.columns and _NHS_MHA in caption:
        # NHS England's Mental Health Act statistics count *uses* of Section 136 (measure "Short term
        # orders"), as the caption and the text say, not detentions (police records count those)
        heads[list(df.columns).index("detentions")] = "Uses of Section 136"
    per = frame.attrs.get(RATE_PER)
    if per:  # search rates per year or over the months given ([stop_search] annualise = false), in the head too
        heads = [h.replace("(per 1,000)", f"(per 1,000 {per})") if c.startswith("search_rate") else h
                 for c, h in zip(df.columns, heads)]
    return DisplayTable(text, heads, rows, numeric, max(lead, 1), list(df.columns))


def page_names(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame | None:
    """``frame`` with the area names of ``columns`` as the report's text says them
    (:func:`saferstats.geography.display_name`: the Home Office's and ONS's "London, City of" is the
    City of London), for the page and the CSV (:func:`saferstats.report.render.csv_names`: the two
    agree; the code columns, where a table has them, are the key to other published tables);
    ``None`` when no name changes.

    >>> import pandas as pd
    >>> page_names(pd.DataFrame({"force": ["London, City of", "Kent"], "count": [79, 3]}), ["force"])
                 force  count
    0   City of London     79
    1             Kent      3
    >>> page_names(pd.DataFrame({"force": ["Kent"]}), ["force"]) is None
    True
    """
    from ..geography import display_name

    out = None
    cells = bare(frame)  # (the attrs not deep-copied into each column read)
    for c in columns:
        if c not in frame.columns:
            continue
        said = cells[c].map(lambda v: v if _blank(v) or not isinstance(v, str) else display_name(v))
        if not said.equals(cells[c]):
            out = frame.copy() if out is None else out
            out[c] = said
    return out

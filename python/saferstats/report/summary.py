"""The report's executive summary, key findings, data limitations and glossary, written in plain
English from the sections' published tables (never from suppressed numbers).

The wording never overstates: a change is called a rise or fall only when its confidence interval
excludes no change ("a statistically significant rise"); otherwise "no statistically significant
change"; with fewer than :data:`MIN_COUNT` incidents in either period, or a suppressed count, "too
few incidents to say". Ratios and trends follow the same three cases. Method and reference:
``docs/methods/report_document.md``.

>>> describe_change(9.0, 1.5, 17.0, count_from=1470, count_to=1600, subject="Police-recorded hate crime")
'Police-recorded hate crime rose 9% (95% CI +1.5% to +17%), a statistically significant rise'
>>> describe_change(2.8, -21.1, 34.0, count_from=108, count_to=111, subject="Hate crime in Broxbourne")
'Hate crime in Broxbourne was 2.8% higher (95% CI -21% to +34%): no statistically significant change'
>>> describe_change(50.0, -40.0, 300.0, count_from=4, count_to=6, subject="Hate crime in Watford")
'Hate crime in Watford: too few incidents (4 and 6) to say whether it changed'
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._periods import month_label
from ..exceptions import warn_user
from .sections import Section, implausible_rows, implausible_words, whole_percent
from .splits import (_groups_in_splits, _names, by_outcome_words, caveats_in_order, quoted_if_and, said_splits, split_label,
                     sub_strata)
from .tables import _num, bare, capitalise, place

__all__ = ["MIN_COUNT", "Summary", "describe_change", "describe_ratio", "describe_trend", "fmt_pct",
           "executive_summary", "GLOSSARY", "glossary_for"]

#: Fewest incidents in each period for a change to be described (ONS flags rates from fewer than 20
#: events as unreliable); below it the summary says there are too few to say.
MIN_COUNT = 20

MARKER = "[c]"

#: Terms the report uses, in plain English.
GLOSSARY: list[tuple[str, str]] = [
    ("Confidence interval (CI)", "The range within which the true value is likely to lie, allowing for chance "
     "variation in the numbers. A 95% CI would contain the true value in 95 of 100 repeats."),
    ("Statistically significant", "A difference or change that is unlikely to be due to chance alone: its confidence "
     "interval excludes no change. It does not mean large or important."),
    ("No statistically significant change", "The numbers moved, but by no more than chance could explain; it does not "
     "prove that nothing changed."),
    ("Rate per 100,000", "The number of incidents for every 100,000 residents, so that areas of different size can be "
     "compared."),
    # (stop and search and fly-tipping are per 1,000: a Panel reading only "per 100,000" had no word for them)
    ("Rate per 1,000", "The number of incidents (or searches) for every 1,000 residents, so that areas of different "
     "size can be compared."),
    ("Funnel plot", "A chart of each area's rate against its population with control limits around the overall rate; "
     "areas outside the 99.8% limits differ from the overall rate by more than chance would explain (when the limits "
     "are widened for over-dispersion, by more than chance and the usual differences between areas)."),
    ("Rate ratio / risk ratio", "One rate divided by another: 2 means twice as high, 0.5 half as high, 1 the same."),
    ("Ratio method", "How a ratio's confidence interval was worked out: a 'standard interval' from the counts "
     "(Katz's log method), or, when a count is zero, an 'exact interval', which stays valid for small and zero counts; "
     "the 'comparison group' (White) is the group the others are divided by."),
    ("Disproportionality", "How many times more (or less) often people of one ethnic group are stopped and searched "
     "than White people, per resident."),
    ("Find rate", "The share of searches (%) in which what was searched for was found (police.uk's 'outcome linked "
     "to the object of search'), compared with White people's in percentage points."),
    ("Annual % change", "The average change per year over the whole series (or the years the report names, such as "
     "those since a step in the count), from a Poisson trend model."),
    # (the funnels' over-dispersion is between areas: "from year to year" alone left a Panel reading "limits widened
    # for over-dispersion between areas" with no definition of it)
    ("Over-dispersion", "More variation than chance alone gives a count: from year to year in a trend, whose intervals "
     "are then widened (quasi-Poisson), or between areas in a funnel plot, whose limits are then widened "
     "(Spiegelhalter's method) so that only areas unusual even among areas are marked."),
    # (a DBSCAN cluster is not tested against chance: "closer together than chance would produce" said it was)
    # (and not every incident of a DBSCAN cluster has "enough others" within reach: a border incident has fewer,
    # and an incident within reach of two clusters goes to the one found first, so a cluster can be smaller than
    # the minimum the text names)
    ("Cluster", "A group of incidents close together (DBSCAN). It grows from core incidents, each with at least the "
     "set number of incidents (itself included) within the search radius, and takes in every incident within that "
     "radius of a core one. Those border incidents can have fewer near them, and a cluster can hold fewer incidents "
     "than the set number. It shows where incidents concentrate, not that they concentrate more than chance would "
     "give."),
    ("Density map", "Incidents smoothed over a smoothing radius (kernel density), so that areas with many incidents "
     "close together show darker."),
    ("Hot spot / cold spot", "A grid square whose count, together with its neighbours', is higher (hot) or lower "
     "(cold) than chance would give, at 90%, 95% or 99% confidence (Getis-Ord Gi*)."),
    ("SPC chart", "A statistical process control chart of a monthly count: its average and process limits, the range "
     "of usual month-to-month variation worked out from the months themselves. A month outside the limits, or a run "
     "of months on one side of the average, is a special-cause signal (unusual: something may have changed). With "
     "fewer than 12 months the limits are provisional."),
    ("Interrupted time series", "A model of the monthly trend before an intervention, projected forward to show what "
     "would have been expected without it (the counterfactual)."),
    ("p-value", "The chance of a difference at least this large if there were no real difference; <0.001 means less "
     "than 1 in 1,000."),
    ("[c]", "A number withheld to protect individuals (a small count, or one that would give a small count away)."),
]


#: When the report uses each term of the :data:`GLOSSARY`: a pattern its own words match (the sections'
#: text, tables' captions, headers and cells, figures' captions, the summary, findings and limitations).
_GLOSSARY_USED = {
    "Confidence interval (CI)": r"\bCI\b|confidence interval",
    "Statistically significant": r"statistically significant",
    "No statistically significant change": r"no statistically significant",
    "Rate per 100,000": r"per 100,000",
    "Rate per 1,000": r"per 1,000\b(?!,)",
    "Funnel plot": r"funnel",
    "Rate ratio / risk ratio": r"\bratio",
    "Ratio method": r"ratio method",
    "Disproportionality": r"disproportionality",
    "Find rate": r"find rate",
    "Annual % change": r"annual % change",
    "Over-dispersion": r"over-dispers|quasi-Poisson",
    "Cluster": r"\bcluster",
    "Density map": r"\bdensity\b",
    "Hot spot / cold spot": r"hot (and cold )?spot|cold spot|Gi\*",
    "SPC chart": r"\bSPC\b|process limit",
    "Interrupted time series": r"interrupted time series",
    "p-value": r"p-value",
    "[c]": r"\[c\]",
}


def glossary_for(texts: Sequence[str], sections: Sequence[Section] = (), confidence: float = 0.95) -> list[tuple[str, str]]:
    """The terms of the :data:`GLOSSARY` the report uses, in the glossary's order: those whose
    pattern (:data:`_GLOSSARY_USED`) is in ``texts`` (the summary, findings and limitations) or in the
    words the ``sections`` print (their titles and text, tables' captions, headers and cells as the
    page shows them, figures' captions). A report of Section 136 from the NHS statistics defined
    clusters, Gi* and interrupted time series it did not have.

    >>> [t for t, _ in glossary_for(["Hot and cold spots (Getis-Ord Gi*) of 3 clusters; 2 numbers are [c]."])]
    ['Cluster', 'Hot spot / cold spot', '[c]']
    """
    from .tables import display_table

    words = list(texts)
    for s in sections:
        words += [s.title, s.intro]
        words += [f.caption for f in s.figures]
        for t in s.tables:
            d = display_table(t.page, t.caption, confidence=confidence)
            words += [d.caption, *d.headers]
            words += [c for r in d.rows for c, num in zip(r, d.numeric) if not num]
    text = "\n".join(map(str, words))
    worded = _glossary_words(sections)
    return [(term, worded.get(term, said)) for term, said in GLOSSARY
            if re.search(_GLOSSARY_USED.get(term, re.escape(term)), text, flags=re.IGNORECASE)]


#: "Rate per 100,000" where the report's only rates per 100,000 are NHS England's Section 136 rates by
#: ethnic group (a Merseyside report from the NHS statistics alone defined them as "incidents for every
#: 100,000 residents, so that areas of different size can be compared": they are of England's groups).
_RATE_100K_NHS = ("The number of Section 136 uses for every 100,000 people of a group in England (NHS England's "
                  "rates by ethnic group), so that groups of different size can be compared; they are England's "
                  "figures, not rates for an area's residents.")
#: "Rate per 100,000" where the report has both: rates over an area's residents and the NHS rates by group.
_RATE_100K_BOTH = ("The number of incidents for every 100,000 residents, so that areas of different size can be "
                   "compared; NHS England's Section 136 rates by ethnic group are per 100,000 people of each group "
                   "in England, so that groups of different size can be compared (England's figures, not an "
                   "area's).")


def _glossary_words(sections: Sequence[Section]) -> dict[str, str]:
    """The :data:`GLOSSARY` definitions that depend on the sections present: "Rate per 100,000"
    where the report shows NHS England's Section 136 rates by ethnic group (``s136_mha_ethnicity``),
    alone (:data:`_RATE_100K_NHS`) or beside rates over residents (:data:`_RATE_100K_BOTH`, as
    :func:`_resident_rates` finds them); none without sections.

    >>> from saferstats.report.sections import Section, Table
    >>> nhs = Section("s136", "S136", "", "", tables=[Table("s136_mha_ethnicity", "", pd.DataFrame())])
    >>> _glossary_words([nhs])["Rate per 100,000"] == _RATE_100K_NHS
    True
    >>> _glossary_words([nhs, Section("hate_crime", "Hate crime", "", "")])["Rate per 100,000"] == _RATE_100K_BOTH
    True
    >>> _glossary_words([Section("hate_crime", "Hate crime", "", "")])
    {}
    """
    if not any(t.name == "s136_mha_ethnicity" for s in sections for t in s.tables):
        return {}
    return {"Rate per 100,000": _RATE_100K_BOTH if _resident_rates(sections) else _RATE_100K_NHS}


def _resident_rates(sections: Sequence[Section]) -> bool:
    """Whether the report works out rates over resident populations (hate crime, stop and search,
    fly-tipping, Section 136 detention records): not the NHS statistics' own rates for England's
    groups, nor the hotspot maps."""
    keys = {s.key for s in sections}
    names = {t.name for s in sections for t in s.tables}
    s136_records = "s136" in keys and any(n.startswith("s136_") and not n.startswith("s136_mha") for n in names)
    return bool(keys & {"hate_crime", "stop_search", "flytipping"}) or s136_records


def fmt_pct(v: float, *, signed: bool = False) -> str:
    """A percentage to two significant figures (at most one decimal), e.g. for a change.

    >>> fmt_pct(9.04), fmt_pct(1.46, signed=True), fmt_pct(16.83, signed=True), fmt_pct(-21.14, signed=True)
    ('9%', '+1.5%', '+17%', '-21%')
    >>> fmt_pct(0.04), fmt_pct(126.4)
    ('0%', '126%')
    """
    a = abs(v)
    if a >= 10 or a == 0:
        s = f"{a:.0f}"
    else:
        s = f"{a:.2g}" if a >= 0.1 else f"{a:.1f}"
        if "e" in s:  # pragma: no cover - guarded by the branches above
            s = f"{a:.1f}"
    if s in ("0", "0.0"):
        return "0%"
    sign = "-" if v < 0 else ("+" if signed else "")
    return f"{sign}{s}%"


def _level(confidence: float) -> str:
    return f"{confidence * 100:.10g}%"


def _too_few(counts: Sequence[Any]) -> tuple[bool, str]:
    nums = [_num(c) for c in counts if c is not None]
    vals = [v for v in nums if v is not None]
    if len(vals) < len(nums) or any(isinstance(c, str) for c in counts):
        return True, ""
    if vals and min(vals) < MIN_COUNT:
        return True, " and ".join(f"{int(v):,}" for v in vals)
    return False, ""


def describe_change(change: Any, lower: Any, upper: Any, *, count_from: Any = None, count_to: Any = None,
                    confidence: float = 0.95, subject: str = "The count") -> str:
    """One sentence on a percent change between two periods (see the module's examples): a
    statistically significant rise or fall only when the CI excludes 0; "no statistically
    significant change" otherwise; "too few incidents to say" when a count is below
    :data:`MIN_COUNT`, suppressed or the interval is missing.

    >>> describe_change(-30.0, -45.0, -11.0, count_from=300, count_to=210, subject="Burglary")
    'Burglary fell 30% (95% CI -45% to -11%), a statistically significant fall'
    >>> describe_change("[c]", "[c]", "[c]", count_from="[c]", count_to=40, subject="Arson")
    'Arson: too few incidents to say whether it changed'
    """
    few, shown = _too_few([c for c in (count_from, count_to) if c is not None] if
                          (count_from is not None or count_to is not None) else [])
    c, lo, hi = _num(change), _num(lower), _num(upper)
    if few or c is None or lo is None or hi is None:
        return f"{subject}: too few incidents{f' ({shown})' if shown else ''} to say whether it changed"
    ci = f"({_level(confidence)} CI {fmt_pct(lo, signed=True)} to {fmt_pct(hi, signed=True)})"
    if lo > 0:
        return f"{subject} rose {fmt_pct(abs(c))} {ci}, a statistically significant rise"
    if hi < 0:
        return f"{subject} fell {fmt_pct(abs(c))} {ci}, a statistically significant fall"
    word = "higher" if c > 0 else "lower" if c < 0 else "unchanged"
    amount = f"was {fmt_pct(abs(c))} {word}" if word != "unchanged" else "was unchanged"
    return f"{subject} {amount} {ci}: no statistically significant change"


def _group_people(group: str) -> str:
    """The people of an ethnic group in a sentence: "Black people", but "people of Other ethnic groups"
    ("Other people" read as people other than those just named).

    >>> _group_people("Black"), _group_people("Other")
    ('Black people', 'people of Other ethnic groups')
    """
    return "people of Other ethnic groups" if group.strip().lower() == "other" else f"{group} people"


def describe_ratio(ratio: Any, lower: Any, upper: Any, *, count: Any = None, confidence: float = 0.95,
                   subject: str = "The rate", reference: str = "the comparison group") -> str:
    """One sentence on a ratio of two rates: "x times" only when the CI excludes 1.

    >>> describe_ratio(3.21, 2.5, 4.07, count=115, subject="Black people were searched", reference="White people")
    'Black people were searched at 3.21 times the rate of White people (95% CI 2.50 to 4.07), a statistically significant difference'
    >>> describe_ratio(1.3, 0.9, 1.9, count=40, subject="Asian people were searched", reference="White people")
    'Asian people were searched at 1.30 times the rate of White people (95% CI 0.90 to 1.90): no statistically significant difference'
    >>> describe_ratio(2.0, 0.5, 8.0, count=3, subject="Mixed", reference="White people")
    'Mixed: too few incidents (3) to compare with White people'
    """
    few, shown = _too_few([count] if count is not None else [])
    r, lo, hi = _num(ratio), _num(lower), _num(upper)
    if few or r is None or lo is None or hi is None:
        return f"{subject}: too few incidents{f' ({shown})' if shown else ''} to compare with {reference}"
    ci = f"({_level(confidence)} CI {_fmt_ratio(lo)} to {_fmt_ratio(hi)})"
    verdict = (", a statistically significant difference" if lo > 1 or hi < 1
               else ": no statistically significant difference")
    return f"{subject} at {_fmt_ratio(r)} times the rate of {reference} {ci}{verdict}"


def _fmt_ratio(v: float) -> str:
    return f"{v:.2f}" if v < 10 else f"{v:.1f}"


def describe_trend(apc: Any, lower: Any, upper: Any, *, confidence: float = 0.95, subject: str = "The count",
                   span: str = "") -> str:
    """One sentence on an annual % change from a trend model.

    >>> describe_trend(14.0, 11.5, 16.6, subject="Race hate crime", span="2011/12 to 2018/19")
    'Race hate crime rose by an average of 14% a year from 2011/12 to 2018/19 (95% CI +12% to +17%), a statistically significant upward trend'
    >>> describe_trend(-1.6, -7.0, 4.1, subject="Fly-tipping in St Albans")
    'Fly-tipping in St Albans: no statistically significant trend (-1.6% a year, 95% CI -7% to +4.1%)'
    >>> describe_trend(-1.6, -7.0, 4.1, subject="Fly-tipping in St Albans", span="2012/13 to 2021/22")
    'Fly-tipping in St Albans, 2012/13 to 2021/22: no statistically significant trend (-1.6% a year, 95% CI -7% to +4.1%)'
    """
    a, lo, hi = _num(apc), _num(lower), _num(upper)
    if a is None or lo is None or hi is None:
        return f"{subject}: too few data to estimate a trend"
    when = f" from {span}" if span else ""
    ci = f"{_level(confidence)} CI {fmt_pct(lo, signed=True)} to {fmt_pct(hi, signed=True)}"
    if lo > 0:
        return f"{subject} rose by an average of {fmt_pct(abs(a))} a year{when} ({ci}), a statistically significant upward trend"
    if hi < 0:
        return f"{subject} fell by an average of {fmt_pct(abs(a))} a year{when} ({ci}), a statistically significant downward trend"
    return f"{subject}{', ' + span if span else ''}: no statistically significant trend ({fmt_pct(a, signed=True)} a year, {ci})"


# ------------------------------------------------------------------------ the summary

@dataclasses.dataclass
class Summary:
    """What the report says up front: ``headline`` (the executive summary, a few sentences),
    ``findings`` (key findings per section key), ``limitations`` and ``glossary``."""

    headline: list[str]
    findings: dict[str, list[str]]
    limitations: list[str]
    glossary: list[tuple[str, str]]
    #: when the sections cover different periods, a sentence saying which (printed under the
    #: headline: a Panel reading "rose 78%" beside "9.5 times" should know they are years apart)
    periods: str = ""


def _table(section: Section, name: str) -> pd.DataFrame | None:
    for t in section.tables:
        if t.name == name:
            return t.frame.reset_index(drop=True)
    return None


def _col(df: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in df.columns), None)


def _conf(df: pd.DataFrame, default: float) -> float:
    if "confidence" in df.columns:
        v = pd.to_numeric(df["confidence"], errors="coerce").dropna().unique()
        if len(v) == 1:
            return float(v[0])
    return default


def _label_col(df: pd.DataFrame, avoid: Sequence[str] = ()) -> str:
    for c in df.columns:
        if c not in avoid and not pd.api.types.is_numeric_dtype(df[c]):
            return c
    return str(df.columns[0])


def _is_hidden(v: Any) -> bool:
    return isinstance(v, str) and v == MARKER


def _hate_crime(s: Section, cfg: dict) -> list[str]:
    import saferstats as ss

    conf = cfg.get("confidence", 0.95)
    out: list[str] = []
    ch = _table(s, "hate_crime_change")
    no_rate = ""  # the report's area, when it has a change but no rate (no population): not in the funnel
    area = cfg.get("area") or ""
    if ch is not None and len(ch):
        pc, lo, hi = _col(ch, "percent_change", "pct_change"), _col(ch, "percent_lower", "pct_lower", "lower"), \
            _col(ch, "percent_upper", "pct_upper", "upper")
        lab = _label_col(ch, ("period_from", "period_to"))
        last_to = ch["period_to"].astype(str).max()
        last = ch[ch["period_to"].astype(str) == last_to]
        per_from = str(last["period_from"].iloc[0])
        when = f"between {per_from} and {last_to}"
        own, inside, where = _rows_of_area(last, lab, area)
        rates = _table(s, "hate_crime_rates")
        # one sentence for the area's own row and for its rows added up (the demo's districts), from one
        # wording: "Police-recorded hate crime in X (a to b offences) ..." (the two said it differently)
        said: tuple[Any, ...] | None = None
        if own is not None and pc:
            r = last.loc[own]
            # the offences and the rate beside the change, as the summed headline gives them (a Panel
            # read "rose 9%" for Hertfordshire's published table with no number of offences)
            a, b = _num(r["count_from"]), _num(r["count_to"])
            c = _num(r[pc])
            per = (" per resident" if a and b is not None and c is not None and abs(100 * (b / a - 1) - c) > 0.5
                   else "")  # the change is of the rate, and the population moved: not the counts' change
            said = (r[pc], r[lo], r[hi], r["count_from"], r["count_to"], a, b, per, f"in {where}", [str(r[lab])])
        elif (own is None and len(inside) > 1
              and not any(_is_hidden(v) for v in [*inside["count_from"], *inside["count_to"]])):
            a = float(pd.to_numeric(inside["count_from"]).sum())
            b = float(pd.to_numeric(inside["count_to"]).sum())
            rr = ss.rate_ratio([b], [1.0], [a], [1.0], confidence=conf)
            said = (100 * (rr["ratio"].iloc[0] - 1), 100 * (rr["lower"].iloc[0] - 1), 100 * (rr["upper"].iloc[0] - 1),
                    a, b, a, b, "", where, [str(x) for x in inside[lab]])
        if said is not None:
            pct, low, high, cfrom, cto, a, b, per, in_where, names = said
            counts = f" ({a:,.0f} to {b:,.0f} offences)" if a is not None and b is not None else ""
            said_rate = _rate_words(rates, names, last_to, where)
            no_rate = where if own is not None and said_rate.startswith("; no rate") else ""
            # one parenthesis: "in Merseyside (the police force area that includes Liverpool; 2,656 to 2,944
            # offences)", not "... includes Liverpool) (2,656 to 2,944 offences)" (walk 21, Liverpool)
            placed = (in_where[:-1] + "; " + counts[2:] if counts and in_where.endswith(")")
                      else in_where + counts)
            first = describe_change(pct, low, high, count_from=cfrom, count_to=cto, confidence=conf,
                                    subject=f"Police-recorded hate crime{per} {placed} {when}")
            caveat = _poisson_only(first, pct, low, high, a, b, conf)
            out.append(first + said_rate + ("." if caveat else "") + caveat)
            if own is None and where.startswith("across") and area:
                out.append(f"{place(area)} has no row with a published count and population in the hate crime table, so it "
                           "is not described on its own")
        if pc:
            rises: list[str] = []
            falls: list[str] = []
            few: list[str] = []
            for _, r in last.iterrows():
                text = describe_change(r[pc], r[lo], r[hi], count_from=r["count_from"], count_to=r["count_to"],
                                       confidence=conf, subject="x")
                name = str(r[lab])
                (rises if "significant rise" in text else falls if "significant fall" in text
                 else few if "too few" in text else []).append(name)
            parts = []
            if rises:
                parts.append(f"statistically significant rises in {_names(rises)}")
            if falls:
                parts.append(f"statistically significant falls in {_names(falls)}")
            rest = len(last) - len(rises) - len(falls) - len(few)
            if rest:
                parts.append(f"no statistically significant change in {'the other ' if parts else ''}{rest} "
                             f"area{'s' if rest != 1 else ''}")
            if few:
                parts.append(f"too few incidents to say in {_names(few)}")
            called = [r for _, r in last.iterrows() if str(r[lab]) in set(rises) | set(falls)]
            # Poisson intervals, while police-recorded counts vary more than chance from year to year: how many of
            # the changes called significant would not be at twice chance's variation
            fragile = sum(1 for r in called if (_dispersion_to_lose(r[pc], r[lo], r[hi], r["count_from"], r["count_to"],
                                                                    conf) or float("inf")) < 2)
            which = (("the statistically significant change would not be" if fragile else
                      "the statistically significant change would still be") if len(called) == 1 else
                     f"{fragile or 'none'} of these {len(called)} statistically significant changes would "
                     f"{'not be' if fragile else 'stop being significant'}")
            caveat = ("" if not called else
                      " The intervals allow for chance (Poisson) variation only; police-recorded counts often vary "
                      f"more than that from year to year, and {which} if the counts varied twice as much as chance "
                      "alone would make them (an over-dispersion of 2).")
            out.append(f"By {lab} {when}: " + "; ".join(parts) + "." + caveat)
    out.extend(_peers_sentence(_table(s, "hate_crime_peers"), conf))
    out.extend(_factors_sentence(_table(s, "hate_crime_factors")))
    rates = _table(s, "hate_crime_rates")
    if rates is not None and len(rates):
        funnel = _funnel_sentence(rates, "hate crime", 100_000, area)
        if funnel and no_rate:  # the City of London: said, so the Panel does not look for it in the plot
            funnel[-1] = funnel[-1][:-1] + f"; {no_rate} is not in it (no population, so no rate)."
        out.extend(funnel)
    tr = _table(s, "hate_crime_national_trend")
    if tr is not None and len(tr) and "apc" in tr.columns:
        up = [str(r.strand) for r in tr.itertuples() if (_num(r.apc_lower) or 0) > 0]
        down = [str(r.strand) for r in tr.itertuples() if (_num(r.apc_upper) or 0) < 0]
        txt = (f"In England and Wales, recorded hate crime rose significantly in {len(up)} of {len(tr)} strands "
               f"({_names(up)})" if up else "In England and Wales, no strand of recorded hate crime rose significantly")
        if up:
            lo_, hi_ = tr.loc[tr.strand.isin(up), "apc"].min(), tr.loc[tr.strand.isin(up), "apc"].max()
            txt += f", by an average of {fmt_pct(float(lo_))} to {fmt_pct(float(hi_))} a year"
        if down:
            txt += f"; it fell significantly in {_names(down)}"
        out.append(txt + " (the Home Office attributes much of the rise to improved police recording, not only to "
                         "more offending).")
    return out


def _dispersion_to_lose(change: Any, lower: Any, upper: Any, count_from: Any = None, count_to: Any = None,
                        confidence: float = 0.95) -> float | None:
    """The over-dispersion (variance as a multiple of chance's, φ) at which a % change with a
    wald-log interval would no longer be statistically significant: its interval widened by √φ on
    the log scale just reaches no change, φ = (log ratio ÷ the interval's log half-width)², that is
    (z ÷ z at ``confidence``)². The half-width is z·√(1/a + 1/b) from the two counts when they are
    given (not the table's rounded limits), else read off the limits. None when a value is missing
    or not positive.

    Hertfordshire's hate crime, 1,468 to 1,600: +9.0% (95% CI +1.5% to +17%), z = 2.38:

    >>> round(_dispersion_to_lose(8.99, 1.54, 16.99, 1468, 1600), 2), round(_dispersion_to_lose(8.99, 1.54, 16.99), 2)
    (1.48, 1.48)
    >>> round(_dispersion_to_lose(78.48, 35.5, 135.1, 79, 141), 1)  # the City of London, 79 to 141
    4.4
    """
    from statistics import NormalDist

    c, lo, hi = _num(change), _num(lower), _num(upper)
    a, b = _num(count_from), _num(count_to)
    if c is None or c <= -100:
        return None
    if a is not None and b is not None and a > 0 and b > 0:
        half = NormalDist().inv_cdf(0.5 + confidence / 2) * math.sqrt(1 / a + 1 / b)
    elif lo is None or hi is None or min(lo, hi) <= -100 or hi <= lo:
        return None
    else:
        half = (math.log1p(hi / 100) - math.log1p(lo / 100)) / 2
    return (math.log1p(c / 100) / half) ** 2


def _poisson_only(said: str, change: Any, lower: Any, upper: Any, count_from: Any = None, count_to: Any = None,
                  confidence: float = 0.95) -> str:
    """A sentence after a year-on-year change called statistically significant (``said``): its
    interval is Poisson (chance only) while police-recorded counts are over-dispersed, and the
    over-dispersion at which it would not be significant (:func:`_dispersion_to_lose`); "" for a
    change not called significant.

    >>> print(_poisson_only("... a statistically significant rise", 8.99, 1.54, 16.99))
     Its interval allows for chance only (Poisson); police-recorded counts often vary more than that from year to year, and with 1.5 times chance's variation (over-dispersion 1.5) the rise would not be statistically significant.
    >>> _poisson_only("...: no statistically significant change", 2.0, -3.0, 7.0)
    ''
    """
    which = "rise" if said.endswith("significant rise") else "fall" if said.endswith("significant fall") else ""
    phi = _dispersion_to_lose(change, lower, upper, count_from, count_to, confidence) if which else None
    if phi is None:
        return ""
    times = f"{phi:.1f}" if phi < 10 else f"{phi:,.0f}"
    return (f" Its interval allows for chance only (Poisson); police-recorded counts often vary more than that from "
            f"year to year, and with {times} times chance's variation (over-dispersion {times}) the {which} would not be "
            "statistically significant.")


def _rate_words(rates: pd.DataFrame | None, labels: Sequence[str], period: str, where: str) -> str:
    """"; 135.1 offences per 100,000 residents in 2018/19": the rate of the rows ``labels`` of the
    rates table in ``period`` (one row's published rate; several rows' counts over their populations),
    or that there is none (a count with no published population: the City of London). "" when a
    count is hidden or the table does not have the rows.

    >>> t = pd.DataFrame({"force": ["Kent", "Essex"], "year": ["2018/19"] * 2, "count": [100, 300],
    ...                   "population": [100_000, 100_000], "rate": [100.0, 300.0]})
    >>> _rate_words(t, ["Kent"], "2018/19", "Kent"), _rate_words(t, ["Kent", "Essex"], "2018/19", "Kent and Essex")
    ('; 100.0 offences per 100,000 residents in 2018/19', '; 200.0 offences per 100,000 residents in 2018/19')
    >>> _rate_words(t, ["London, City of"], "2018/19", "the City of London")
    '; no rate per resident: the table gives no population for the City of London'
    """
    if rates is None or not len(rates) or "rate" not in rates.columns:
        return ""
    lab = _label_col(rates)
    per = _col(rates, "year", "period", "month")
    cnt = _col(rates, "count", "incidents", "offences")
    rows = rates[rates[lab].astype(str).isin(labels)]
    if per is not None:
        rows = rows[rows[per].astype(str) == str(period)]
    if not len(rows):
        return f"; no rate per resident: the table gives no population for {where}" if len(labels) == 1 else ""
    if len(rows) == 1:
        v = _num(rows["rate"].iloc[0])
    else:
        k = [_num(x) for x in rows[cnt]] if cnt else [None]
        n = [_num(x) for x in rows["population"]] if "population" in rows.columns else [None]
        v = None if None in k or None in n or not sum(n) else 100_000 * sum(k) / sum(n)  # type: ignore[arg-type]
    return "" if v is None else f"; {v:,.1f} offences per 100,000 residents in {period}"


def _peers_sentence(p: pd.DataFrame | None, conf: float) -> list[str]:
    """The report's area against its peer group (``[hate_crime] peers``)."""
    if p is None or not len(p) or "group_rate" not in p.columns:
        return []
    r = p.iloc[0]
    phi = p.attrs.get("peer_dispersion")
    word = str(r["compared_with_group"]).split(",")[0]  # "lower, within the peers' spread": the section's column
    spread = word in ("higher", "lower") and phi is not None
    how = {"higher": "statistically significantly higher than", "lower": "statistically significantly lower than"}.get(
        word, "not statistically significantly different from")
    widened = p.attrs.get("peer_spread_interval")
    beyond = spread and widened is not None and not (float(widened[0]) <= 1 <= float(widened[1]))
    if spread:  # the peers vary far more than chance: the Poisson interval's "significant" says little
        how = f"{word} than"
    return [f"{place(r.iloc[0])}'s hate crime rate in {r['period']} ({float(r['rate']):.1f} per 100,000) was {how} that of its "
            f"{int(r['n_peers'])} peer forces together ({float(r['group_rate']):.1f}; ratio "
            f"{float(r['ratio_to_group']):.2f}, {int(round(conf * 100))}% CI {float(r['ratio_to_group_lower']):.2f} to "
            f"{float(r['ratio_to_group_upper']):.2f}"
            + (f", an interval that allows for chance only, while the peers' own rates vary far more than chance allows "
               f"(dispersion {float(phi):,.1f}; about 1 by chance), so this does not show a difference beyond the usual one "
               "between these forces" if spread and not beyond else "")
            + (f", an interval that allows for chance only, while the peers' own rates vary far more than chance allows "
               f"(dispersion {float(phi):,.1f}; about 1 by chance); widened for that spread it is "
               f"{float(widened[0]):.2f} to {float(widened[1]):.2f}, still excluding 1, so the difference is beyond the "
               "usual one between these forces" if beyond else "")
            + f"); it ranks {int(r['rank'])} of {int(r['of'])} (1 = highest rate)"
            + (f"; allowing for the peers' spread, the ratio's {int(round(conf * 100))}% CI is {float(widened[0]):.2f} "
               f"to {float(widened[1]):.2f}" if spread and not beyond and widened is not None else "")]


def _factors_sentence(f: pd.DataFrame | None) -> list[str]:
    """The most often recorded motivating factor of the report's force in the latest year, with its
    share beside that of all forces (the Panel's "what does hate crime look like here")."""
    if f is None or not len(f) or not {"factor", "count", "percent"} <= set(f.columns):
        return []
    lab = f.columns[0]
    per = next(c for c in f.columns if c not in (lab, "factor", "count", "percent"))
    last = f[f[per].astype(str) == f[per].astype(str).max()]
    own = last[last[lab].astype(str) != "All forces in the table"]
    everyone = last[last[lab].astype(str) == "All forces in the table"].set_index("factor")
    shown = own[~own["count"].map(_is_hidden)]
    if not len(shown):
        return []
    top = shown.loc[shown["count"].map(lambda v: _num(v) or -1).idxmax()]
    if any(_num(v) is not None and _num(v) > (_num(top["count"]) or 0) for v in own["count"]):
        return []
    name = str(top["factor"])
    text = (f"In {place(top[lab])} in {top[per]}, {name.lower()} was the motivating factor recorded most often in hate crime "
            f"offences: {_num(top['count']):,.0f} factors, {float(top['percent']):.0f}% of all recorded")
    if name in everyone.index and not _is_hidden(everyone.loc[name, "percent"]):
        text += f" (all forces in the table: {float(everyone.loc[name, 'percent']):.0f}%)"
    return [text + "; one offence can have more than one factor."]


def _position_of(area: str, labels: Sequence[str]) -> int | None:
    """Where ``area`` is among ``labels``: by name, or as the same police force area however it is
    spelt ("City of London" / "London, City of")."""
    from ..geography import force_id

    low = [x.strip().lower() for x in labels]
    if area.strip().lower() in low:
        return low.index(area.strip().lower())
    fid = force_id(area)
    ids = [force_id(x) for x in labels] if fid is not None else []
    return ids.index(fid) if fid in ids else None


def _rows_of_area(last: pd.DataFrame, lab: str, area: str) -> tuple[Any, pd.DataFrame, str]:
    """Which rows of a change table are the report's ``area``: ``(index of its own row or None, the rows
    to add up instead, how to name them)``.

    Its own row is matched by name or, for a police force area, as the Home Office and ONS spell it
    ("City of London" is "London, City of"; "Devon & Cornwall" is "Devon and Cornwall"). Failing that,
    the rows inside the area (its CSPs or districts, through the ONS lookup) are added up; a table whose
    rows are not known areas is taken to be the area's own districts (the demo). In a table of police
    force areas, an area inside a force (a CSP) is described by that force, named as such; an area that
    is not in the table gets the whole table named as what it is, never under the area's name.
    """
    from ..geography import force_id
    from .inputs import scope_of

    labels = last[lab].astype(str)
    if not area:
        return None, last, f"across the {len(last)} areas"
    exact = labels[labels.str.strip().str.lower() == area.strip().lower()]
    if len(exact):
        return exact.index[0], last.iloc[0:0], place(area)
    forces = labels.map(force_id)
    if forces.notna().all():  # a table of police force areas
        fid = force_id(area)
        if fid is not None and (forces == fid).any():
            return forces[forces == fid].index[0], last.iloc[0:0], place(area)
        scope = scope_of(area)
        container = {force_id(f) for f in scope.forces} - {None}
        if fid is None and len(container) == 1 and forces.isin(container).sum() == 1:
            i = forces[forces.isin(container)].index[0]
            return i, last.iloc[0:0], f"{place(labels[i])} (the police force area that includes {place(area)})"
        return None, last, f"across the {len(last)} police force areas in the table"
    scope = scope_of(area)
    if scope.las or scope.csps:
        mine = {x.lower() for x in scope.csps | scope.las | scope.la_codes}
        hit = labels.str.strip().str.lower().isin(mine)
        if hit.any():
            return None, last[hit.to_numpy()], f"in {place(area)}"
    return None, last, f"in {place(area)}"


_AREA_WORDS = {"district": "districts", "la": "local authority areas", "la_name": "local authority areas",
               "force": "police force areas", "csp": "community safety partnership areas", "lsoa": "LSOAs",
               "ward": "wards"}


def _areas(column: str, n: int) -> str:
    """'10 districts', '1 district' (one word per kind of area column)."""
    words = _AREA_WORDS.get(column.lower(), "areas")
    if n == 1:
        words = words[:-1] if words.endswith("s") else words
    return f"{n} {words}"


def _funnel_sentence(rates: pd.DataFrame, what: str, per: float, area: str, *, alt: bool = False) -> list[str]:
    import saferstats as ss

    cnt = _col(rates, "count", "incidents", "offences")
    if cnt is None or "population" not in rates.columns:
        return []
    shown = rates[~rates[cnt].map(_is_hidden)]
    if not len(shown):
        return []
    lab = _label_col(shown)
    c = pd.to_numeric(shown[cnt]).to_numpy(dtype=float)
    p = pd.to_numeric(shown["population"]).to_numpy(dtype=float)
    limits = str(rates.attrs.get("funnel_limits", ""))
    if "significance" in shown.columns:  # (the sections' rates tables always have it)
        sig = shown["significance"].astype(str).tolist()
    else:  # a table made otherwise: the sections' choice of limits (widened when the areas are over-dispersed)
        from .sections import _funnel_limits

        target = ss.funnel_target(c, p, kind="rate", multiplier=per)
        od, limits = _funnel_limits("auto", c, p, target, per)
        sig = ss.funnel_significance(c, p, kind="rate", target=target, multiplier=per, overdispersion=od,
                                     missing="propagate").tolist()
    high = [str(n) for n, g in zip(shown[lab], sig) if g == "High (0.001)"]
    low = [str(n) for n, g in zip(shown[lab], sig) if g == "Low (0.001)"]
    apart = [str(n) for n, g in zip(shown[lab], sig) if g.startswith("Not comparable")]
    n = len(shown)
    parts = []
    if high:
        parts.append(f"{len(high)} above the upper 99.8% limit ({_names(high)})")
    if low:
        parts.append(f"{len(low)} below the lower 99.8% limit ({_names(low)})")
    inside = n - len(high) - len(low) - len(apart)
    if inside:
        # the tables mark areas between the 95% and 99.8% limits "High (0.025)" / "Low (0.025)": said here
        # too, so "within the limits" is not read as "not different"
        warm = [str(x) for x, g in zip(shown[lab], sig) if g in ("High (0.025)", "Low (0.025)")]
        parts.append(f"{inside} within the limits"
                     + (f", {len(warm)} of them outside the narrower 95% limits ({_names(warm)})" if warm and n > 1 else ""))
    if apart:  # e.g. a council not counting all fly-tipping incidents: not compared
        residents = [str(n) for n, g in zip(shown[lab], sig) if g == "Not comparable (residents)"]
        basis = [a for a in apart if a not in residents]
        if basis:
            parts.append(f"{len(basis)} not compared, not counting on the same basis ({_names(basis)})")
        if residents:
            parts.append(f"{len(residents)} not compared, its rate per resident not like for like (few residents, "
                         f"many visitors: {_names(residents)})")
    period = _col(shown, "year", "period", "month")
    when = f", {shown[period].astype(str).max()}" if period else ""
    against = rates.attrs.get("funnel_against")  # a table narrowed to the report's area: limits from all areas
    if n == 1 and sig[0] == "Not comparable (residents)" and not alt and "rate" in shown.columns:
        # one area, set apart: its own figures, not "for the 1 local authority area shown (funnel plot): 1 not
        # compared, ... (few residents, many visitors: the City of London)" (the City's own report, walk 21)
        one = shown.iloc[0]
        r = _num(one["rate"])
        return [f"{place(one[lab])}'s {what} rate{' in ' + when[2:] if when else ''} was " + (f"{r:,.1f} per {per:,.0f} residents " if r is not None else "")
                + f"({c[0]:,.0f} incidents); it is not compared with the overall rate of "
                + (str(against) if against else "the other areas")
                + ": with few residents and many visitors, a rate per resident is not like for like."]
    one_rate = _num(shown["rate"].iloc[0]) if n == 1 and "rate" in shown.columns else None
    if n == 1 and not alt and against and not apart and one_rate is not None:
        # one area: its rate and where it lies, as a sentence about it, not "for the 1 local authority area shown
        # (funnel plot): 1 within the limits ...; Liverpool is within the 95% limits" (Liverpool CSP's report)
        return [_one_area_funnel(shown.iloc[0][lab], what, when[2:], one_rate, per, c[0], sig[0], str(against), limits)]
    if alt and against and len(apart) == n:
        # none of the report's areas is in the figure (the City of London's own report: its rate is set apart, so
        # "with the report's 1 local authority area highlighted" described a point the plot does not have)
        text = (f"Funnel plot of {what} rates{' in ' + when[2:] if when else ''} across England's authorities against "
                f"their overall rate; {_names(apart)} {'is' if n == 1 else 'are'} not in it: " + "; ".join(parts))
    elif alt and against:  # the figure plots every area; the report's are highlighted (Derby: not "for 1 area")
        text = (f"Funnel plot of {what} rates{' in ' + when[2:] if when else ''} across England's authorities against "
                f"their overall rate, with the report's {_areas(lab, n - len(apart))} highlighted"
                + (f" ({_names(apart)} not in it)" if apart else "") + ": " + "; ".join(parts))
    elif alt:
        text = (f"Funnel plot of {what} rates for {_areas(lab, n)}{' in ' + when[2:] if when else ''} against the "
                "overall rate: " + "; ".join(parts))
    else:
        text = (f"{what[0].upper() + what[1:]} rates{when}, compared with the overall rate of "
                + (f"{against}, for the {_areas(lab, n)} shown" if against else f"the {_areas(lab, n)}")
                + " (funnel plot): " + "; ".join(parts))
    if "over-dispersion" in limits and "widened" in limits:
        text += " (limits widened for over-dispersion between areas)"
    elif "vary more than chance" in limits:  # [section] funnel = "exact" on over-dispersed areas: said
        text += (" (exact limits, as the configuration asks, although the areas vary more than chance allows: more "
                 "fall outside them than chance alone would put there)")
    at = _position_of(area, list(map(str, shown[lab]))) if area else None
    if at is not None and not sig[at].startswith("Not comparable"):  # (named above as not compared)
        g = sig[at]
        pos = ("above the upper 99.8% limit" if g == "High (0.001)" else "below the lower 99.8% limit"
               if g == "Low (0.001)" else "above the upper 95% limit but within the 99.8% limits"
               if g == "High (0.025)" else "below the lower 95% limit but within the 99.8% limits"
               if g == "Low (0.025)" else "within the 95% limits"
               if g == "Not significant" else "within the 99.8% limits")
        text += f"; {place(area)} is {pos}"
    return [text + "."]


def _one_area_funnel(area: Any, what: str, when: str, rate: float, per: float, count: float, sig: str,
                     against: str, limits: str) -> str:
    """The funnel finding of a report that tables one area: its rate, and where it lies against the
    overall rate of the areas the limits come from (``against``), read as a difference or none.

    >>> print(_one_area_funnel("Liverpool", "fly-tipping", "2021/22", 39.04, 1000, 18976, "Not significant",
    ...                        "all 308 authorities in England", "95% / 99.8% limits widened for over-dispersion"))
    Liverpool's fly-tipping rate in 2021/22 was 39.0 per 1,000 residents (18,976 incidents), within the 95% limits \
of the funnel plot against the overall rate of all 308 authorities in England (limits widened for over-dispersion \
between areas): not statistically significantly different from it.
    """
    where, within, reading = {
        "High (0.001)": ("above the upper 99.8% limit", "", "statistically significantly higher than the overall rate"),
        "Low (0.001)": ("below the lower 99.8% limit", "", "statistically significantly lower than the overall rate"),
        "High (0.025)": ("above the upper 95% limit", ", but within the 99.8% limits",
                         "higher than the overall rate at the 95% level, but not at the 99.8% level"),
        "Low (0.025)": ("below the lower 95% limit", ", but within the 99.8% limits",
                        "lower than the overall rate at the 95% level, but not at the 99.8% level"),
        "Not significant": ("within the 95% limits", "", "not statistically significantly different from it"),
    }.get(sig, ("within the 99.8% limits", "", "not statistically significantly different from it at the 99.8% level"))
    widened = (" (limits widened for over-dispersion between areas)" if "over-dispersion" in limits and "widened" in limits
               else " (exact limits, as the configuration asks, although the areas vary more than chance allows)"
               if "vary more than chance" in limits else "")
    return (f"{place(area)}'s {what} rate{' in ' + when if when else ''} was {rate:,.1f} per {per:,.0f} residents "
            f"({count:,.0f} incidents), {where} of the funnel plot against the overall rate of {against}{within}"
            f"{widened}: {reading}.")


def _non_resident(table: pd.DataFrame, key: Any) -> bool:
    """Whether ``key`` (a force's label in the table) is one of the table's areas whose resident
    denominators do not fit its searches (``.attrs["non_resident_areas"]``, e.g. the City of London)."""
    from ..geography import force_id

    areas = {force_id(str(a)) or str(a) for a in table.attrs.get("non_resident_areas", [])}
    return bool(areas) and (force_id(str(key)) or str(key)) in areas


def _not_stated(table: pd.DataFrame, key: Any) -> str:
    """The caveat for a force (``key``, its label in the table) where a fifth or more of the searches
    (10 or more) have no stated ethnicity (``.attrs["not_stated_by"]``, the section's own rule): the
    ratio rests on the rest. "" otherwise.

    >>> t = pd.DataFrame({"force": ["London, City of"]})
    >>> t.attrs["not_stated_by"] = {"city-of-london": (1271, 2384)}
    >>> _not_stated(t, "London, City of")
    'ethnicity not stated for 53% of the searches there (1,271 of 2,384), which the ratio leaves out, assuming they are spread across the groups like the rest'
    """
    from ..geography import force_id

    by = {str(k): v for k, v in (table.attrs.get("not_stated_by") or {}).items()}
    got = by.get(force_id(str(key)) or str(key)) or by.get(str(key))
    if not got:
        return ""
    ns, n = got
    if n < 10 or ns < 0.2 * n:
        return ""
    return (f"ethnicity not stated for {ns / n:.0%} of the searches there ({int(ns):,} of {int(n):,}), which the ratio "
            "leaves out, assuming they are spread across the groups like the rest")


#: the counts of a ``.attrs["not_stated_strata"]`` record of ``disproportionality`` (its other keys name the stratum)
_STRATUM_COUNTS = {"not_stated", "searches", "ns_n", "ns_hits", "st_n", "st_hits"}


def _not_stated_in_period(table: pd.DataFrame, key: Any, row: Any, when_col: str) -> str:
    """:func:`_not_stated` for one row of a table by area and period (``when_col``): the share of that
    row's own period (``.attrs["not_stated_strata"]``, the same rule: a fifth or more of 10 or more
    searches), said as that period's. Where the table has no such record, the whole period's share,
    said as the whole period's. "" otherwise.

    >>> t = pd.DataFrame({"force": ["South Yorkshire"], "month": ["2019-12"]})
    >>> t.attrs["not_stated_strata"] = [{"force": "south-yorkshire", "month": "2019-12", "not_stated": 300,
    ...                                  "searches": 1200}]
    >>> _not_stated_in_period(t, "South Yorkshire", t.iloc[0], "month")
    'ethnicity not stated for 25% of the searches there in Dec 2019 (300 of 1,200), which the ratio leaves out, assuming they are spread across the groups like the rest'
    """
    from ..geography import force_id

    def same(k: str, v: Any) -> bool:
        w = row.get(k) if hasattr(row, "get") else None
        return w is None or str(v) == str(w) or (k == "force" and (force_id(str(w)) or str(w)) == str(v))

    when = month_label(row[when_col]) if when_col == "month" else str(row[when_col])
    match = [e for e in (table.attrs.get("not_stated_strata") or [])
             if str(e.get(when_col)) == str(row[when_col]) and all(same(k, v) for k, v in e.items()
                                                                 if k not in _STRATUM_COUNTS and k != when_col)]
    if len(match) != 1:  # no record of the row's period: the whole period's share, said as such
        whole = _not_stated(table, key)
        return whole.replace(" there (", " there over the whole period, not that of " + when + " (", 1) if whole else ""
    ns, n = float(match[0]["not_stated"]), float(match[0]["searches"])
    if n < 10 or ns < 0.2 * n:
        return ""
    return (f"ethnicity not stated for {ns / n:.0%} of the searches there in {when} ({int(ns):,} of {int(n):,}), which "
            "the ratio leaves out, assuming they are spread across the groups like the rest")


def _other_periods_said(rows: pd.DataFrame, table: pd.DataFrame, key: Any, when_col: str, conf: float,
                        split: list[str], first: str = "") -> str:
    """The sentence after a finding by area and period naming the other statistically significant
    ratios of the area (``rows``: significant, 20 or more searches, the finding's own row left out),
    group by group (``first``, the finding's group, leading), each period with its ratio, CI and its
    own not-stated share where that is a fifth or more. "" with none.

    >>> t = pd.DataFrame({"force": ["South Yorkshire"] * 2, "month": ["2020-01", "2020-02"], "group": ["Black"] * 2,
    ...                   "ratio": [2.046, 1.893], "ratio_lower": [1.558, 1.391], "ratio_upper": [2.686, 2.576]})
    >>> print(_other_periods_said(t, t, "South Yorkshire", "month", 0.95, []))
     Also statistically significantly higher than White people's rate there: Black people in Jan 2020 (2.05 times, 95% CI 1.56 to 2.69) and Feb 2020 (1.89 times, 95% CI 1.39 to 2.58).
    """
    if not len(rows):
        return ""
    present = set(rows["group"].astype(str))
    order = [x for x in dict.fromkeys([first, *rows["group"].astype(str)]) if x in present]
    that = "that month's" if when_col == "month" else "that period's"
    parts = []
    for group in order:
        items = []
        for _, r in rows[rows["group"].astype(str) == group].iterrows():
            ns = _not_stated_in_period(table, key, r, when_col)
            share = re.search(r"not stated for (\d+%) of the searches there (?:in \S+ \S+ )?\(([\d,]+ of [\d,]+)\)", ns)
            said = (f"; ethnicity not stated for {share.group(1)} of {that} searches ({share.group(2)})"
                    + (", the whole period's" if "whole period" in ns else "")) if share else ""
            kinds = split_label(r, split) if split else ""
            when = month_label(r[when_col]) if when_col == "month" else str(r[when_col])
            items.append(f"{when}{' (' + kinds + ')' if kinds else ''} ({_fmt_ratio(_num(r['ratio']) or 0)} times, "
                         f"{_level(conf)} CI {_fmt_ratio(_num(r['ratio_lower']) or 0)} to "
                         f"{_fmt_ratio(_num(r['ratio_upper']) or 0)}{said})")
        parts.append(f"{_group_people(group)} in {_names(items, limit=len(items))}")
    return " Also statistically significantly higher than White people's rate there: " + "; ".join(parts) + "."


def _area_columns(table: pd.DataFrame) -> list[str]:
    """The area columns of a stop-and-search table, coarsest first (``force``, then ``csp`` or ``la``),
    when there is more than one: a table by force and CSP is read area by CSP. [] otherwise.

    >>> _area_columns(pd.DataFrame(columns=["force", "csp", "csp_code", "group", "searches"]))
    ['force', 'csp']
    >>> _area_columns(pd.DataFrame(columns=["force", "month", "group", "searches"]))
    []
    """
    cols = [c for c in table.columns if str(c) in ("force", "csp", "la", "la_name", "csp_name")]
    return cols if len(cols) > 1 and cols[0] == "force" else []


def _on_census_2021(d: pd.DataFrame, r: pd.Series, key: Any, labels: Sequence[str], at: int | None) -> str:
    """For the report's own area's finding on Census 2011 populations (the Home Office's before 2022/23),
    the same ratio on Census 2021's, which the section computed for searches nearer Census 2021
    (``.attrs["census_2021_ratio"]``, by row); "" otherwise. (police.uk Liverpool, Dec 2019 - Feb 2020: 1.99 on 2011 said alone, while the
    Home Office's figures a Panel compares it with are on 2021.)

    >>> d = pd.DataFrame({"csp": ["Liverpool"], "group": ["Black"], "ratio": [1.987],
    ...                   "denominator": ["Census 2011 usual residents"]})
    >>> d.attrs["census_2021_ratio"] = {0: (1.4196, 1.2268, 1.6428)}
    >>> _on_census_2021(d, d.iloc[0], "Liverpool", ["Liverpool"], 0)
    " That is on Census 2011 populations, as the Home Office's figures of the time; on Census 2021 populations (the Home Office's since 2022/23, and nearer these searches) it is 1.42 (95% CI 1.23 to 1.64)."
    """
    other = d.attrs.get("census_2021_ratio") or {}
    if at is None or str(key) != str(labels[at]) or not str(r.get("denominator", "")).startswith("Census 2011"):
        return ""
    got = other.get(int(r.name)) if isinstance(r.name, (int, np.integer)) else None
    if got is None or _is_hidden(r.get("ratio")):
        return ""
    conf = _conf(d, 0.95)
    return (" That is on Census 2011 populations, as the Home Office's figures of the time; on Census 2021 populations "
            f"(the Home Office's since 2022/23, and nearer these searches) it is {_fmt_ratio(got[0])} ({_level(conf)} CI "
            f"{_fmt_ratio(got[1])} to {_fmt_ratio(got[2])}).")


def _no_searches_said(rows: pd.DataFrame, table: pd.DataFrame, confidence: float, split: Sequence[str] = ()) -> str:
    """The groups of ``rows`` (rows of a stop-and-search table, ``table``, with 0 searches) as a
    sentence lists them after "no searches of": a ratio of 0, with its upper limit (the exact interval of a
    zero count, :func:`saferstats.disproportionality`: a rate up to that many times White people's
    is not ruled out); the month or year when the table has several; the split (``split``, the ``by``
    columns other than area and period, :func:`.splits.split_label`) when there is one: police.uk Durham
    by ``["force", "age_range"]``, Dec 2019 - Feb 2020, listed "Mixed people (a ratio of 0; ...), ...,
    people of Other ethnic groups (a ratio of 0; ...)" twice with no word of which ages. "" for no rows.

    >>> t = pd.DataFrame({"month": ["2020-01", "2020-02"], "group": ["Black", "Other"], "searches": [0, 0],
    ...                   "ratio_upper": [15.167, float("nan")]})
    >>> _no_searches_said(t, t, 0.95)
    'Black people in Jan 2020 (a ratio of 0; 95% CI 0 to 15.2) and people of Other ethnic groups in Feb 2020 (a ratio of 0)'
    >>> a = pd.DataFrame({"age_range": ["18-24", "over 34"], "group": ["Mixed", "Mixed"], "searches": [0, 0],
    ...                   "ratio_upper": [4.31, 5.53]})
    >>> _no_searches_said(a, a, 0.95, ["age_range"])
    'Mixed people (18-24: a ratio of 0; 95% CI 0 to 4.31) and Mixed people (over 34: a ratio of 0; 95% CI 0 to 5.53)'
    """
    said = []
    when_col = next((c for c in ("month", "period", "year") if c in table.columns and table[c].nunique() > 1), None)
    for _, r in rows.iterrows():
        hi = _num(r.get("ratio_upper"))
        when = f" in {month_label(r[when_col])}" if when_col else ""
        limit = f"; {_level(confidence)} CI 0 to {_fmt_ratio(hi)}" if hi is not None else ""
        which = f"{split_label(r, split)}: " if split else ""
        said.append(f"{_group_people(str(r['group']))}{when} ({which}a ratio of 0{limit})")
    return ", ".join(said[:-1]) + " and " + said[-1] if len(said) > 1 else "".join(said)


def _stop_search(s: Section, cfg: dict) -> list[str]:
    out: list[str] = []
    d = _table(s, "stop_search_disproportionality")
    if d is not None and len(d) and "ratio" in d.columns:
        conf = _conf(d, cfg.get("confidence", 0.95))
        # by force and CSP (or local authority): one finding per CSP, named, not per force (Essex by
        # ["force", "csp"], police.uk Dec 2019 - Feb 2020: "In Essex, Black people were searched at 9.54
        # times" was Chelmsford's row, and "Black people (11.5 times, on 10 searches)" three other CSPs')
        nested = _area_columns(d)
        area_col = nested[-1] if nested else \
            next((c for c in d.columns if c not in ("group",) and not pd.api.types.is_numeric_dtype(d[c])), None)
        outer_col = nested[0] if len(nested) > 1 else None
        groups = list(d.groupby(area_col, sort=False)) if area_col else [("", d)]
        area = str(cfg.get("area") or "")
        force_of = {str(k): (str(g[outer_col].iloc[0]) if outer_col else k) for k, g in groups}
        in_force = ""
        if outer_col and area:
            from .inputs import scope_of

            outer = list(dict.fromkeys(d[outer_col].astype(str)))
            pos = _position_of(area, outer)
            if pos is None:  # a CSP or district: its force's areas
                pos = next((p for f in sorted(scope_of(area).forces) if (p := _position_of(f, outer)) is not None), None)
            if pos is not None:  # the report's force's areas only; other forces' are in the table
                in_force = outer[pos]
                groups = [(k, g) for k, g in groups if str(g[outer_col].iloc[0]) == in_force]
        elif area and area_col:  # by CSP (or local authority) alone: the report's force's areas, as above
            force, mine = _own_force_areas(d, area)
            if mine is not None:
                in_force = force
                keep = set(d.loc[mine, area_col].astype(str))
                groups = [(k, g) for k, g in groups if str(k) in keep]
                if not groups:  # (police.uk South Yorkshire: no search has a location)
                    out.append(f"The stop-and-search table has no {_OWN_AREA_WORDS.get(str(area_col), 'area')} of "
                               f"{place(force)} (the report's police force area: none of its searches could be "
                               "placed in one); it shows other forces' areas only, so this report states no "
                               "finding from it")
        labels = [str(k) for k, _ in groups]
        odd_d = implausible_rows(d)[1]
        at = _position_of(area, labels) if area else None
        own_force = None
        container = None
        if area and at is None and area_col:
            from ..geography import force_id
            from .inputs import scope_of

            forces = sorted(scope_of(area).forces) or ([area] if force_id(area) else [])
            for f in forces:  # a CSP or district: its force's searches
                at = _position_of(f, labels)
                if at is not None:
                    # said as the hate-crime finding says it: "In Leicestershire (the police force
                    # area that includes Charnwood), ..."
                    container = labels[at] if force_id(area) is None else None
                    break
            if at is None and len(forces) == 1 and labels and all(force_id(x) for x in labels):
                own_force = forces[0]
        if at is not None:  # the report's own force first (index 0 is a position: there it is first already)
            groups.insert(0, groups.pop(at))
        rest = []
        if at is not None and str(area_col) == "force" and len(groups) > 1:
            # by force alone: the report's force's finding only, as by force and CSP (police.uk, seven
            # forces, Dec 2019 - Feb 2020: a report for Sheffield stated Essex's and five other forces')
            rest = [str(k) for k, _ in groups[1:]]
            groups = groups[:1]
        if own_force is not None:
            out.append(f"The stop-and-search files have no searches in {place(own_force)} (the report's police force area); "
                       f"they cover {_names(labels, limit=8)}, described below")
        elif at is None and len(groups) > 1:
            # the report's area is not one of the rows (a force's report by CSP): the headline is an
            # overview of the areas, not the alphabetically first one (Derbyshire by CSP: "In Amber
            # Valley, no ethnic group ...", with Derby's figures below)
            def clear(g: pd.DataFrame) -> bool:
                o = g[g["group"].astype(str) != "White"]
                # (not a ratio of a rate too high to be of residents searched: no finding is stated from it)
                lo = o["ratio_lower"].map(lambda v: (_num(v) or 0) > 1).to_numpy(dtype=bool) & ~odd_d[o.index.to_numpy()]
                n = o["searches"].map(lambda v: (_num(v) or 0) >= MIN_COUNT).to_numpy(dtype=bool)
                note = o["comparability"].astype(str) if "comparability" in o.columns else pd.Series("", index=o.index)
                ok = ~note.str.startswith(("overstated", "not comparable")).to_numpy(dtype=bool)
                return bool((lo & n & ok).any())
            sig_areas = [str(k) for k, g in groups if clear(g)]
            kind = ("local authorit" + ("ies" if len(groups) != 1 else "y") if str(area_col).startswith("la")
                    else "Community Safety Partnership" + ("s" if len(groups) != 1 else "")) if outer_col or in_force \
                else "areas"
            across = (f"Across the {len(groups)} {kind} of {place(in_force)} in the table (other forces' areas: see the table)"
                      if in_force else f"Across the {len(groups)} {kind} in the table")
            # by age range or sex, the all-ages caveat here too, first (caveats_in_order)
            ages = "".join(f" ({c})" for c in caveats_in_order([], d))
            if sig_areas:
                out.append(f"{across}, at least one ethnic group was searched at a "
                           f"statistically significantly higher rate than White people{ages} in {_names(sig_areas, limit=8)} "
                           f"({len(sig_areas)} of {len(groups)}; by area below)")
            else:
                n_gone = sum(int(g.loc[g["group"].astype(str) != "White", "ratio"].map(_is_hidden).sum())
                             for _, g in groups)
                out.append(f"{across}, no ethnic group was searched at a statistically "
                           f"significantly higher rate than White people{ages} where there were enough searches to say "
                           f"({MIN_COUNT} or more)"
                           + (f" and the ratio is shown ({n_gone} ratio{'s' if n_gone != 1 else ''} withheld to protect "
                              "small numbers)" if n_gone else "") + "; by area below")
        def name_of(key: Any) -> str:
            """The area's name; the report's force, when the report is for one of its CSPs or
            districts, with the area it includes."""
            if container is not None and str(key) == container:
                return f"{place(key)} (the police force area that includes {place(area)})"
            return place(key)

        for key, g in groups:
            others = g[(g["group"].astype(str) != "White")]
            significant = others["ratio_lower"].map(lambda v: (_num(v) or 0) > 1).to_numpy(dtype=bool)
            # a rate per resident too high to be a rate of residents searched (police.uk City of London 2023:
            # 225 searches of Black people against 233 Black residents, 9.54 times White people's rate): no
            # ratio nor significance, but the counts and shares, said first
            odd = odd_d[others.index.to_numpy()]
            significant = significant & ~odd
            gg = g.copy()
            gg.attrs = dict(d.attrs)
            odd_said = implausible_words(gg, skip=("force", "csp", "la", "la_name", "csp_name"))
            if odd_said:
                n_odd = len(odd_said)
                out.append(f"In {name_of(key)}, " + "; ".join(odd_said) + ": a year's searches of half or more of a "
                           "group's residents cannot be a rate of its residents searched (most of the people searched "
                           "there do not live there), so rates per resident do not describe this area for "
                           + ("that group" if n_odd == 1 else "those groups") + ", and this report gives no ratio for "
                           + ("it" if n_odd == 1 else "them"))
            if odd.any():
                others, significant = others[~odd], significant[~odd]
                if not len(others):
                    continue
            also = "other " if odd_said else ""
            # a group whose numerator and Census denominator are different categories (officer-defined
            # "Other", which takes in people who self-define as Mixed or Asian) cannot lead: its ratio
            # is overstated by construction (docs/methods/officer_ethnicity.md)
            note = others["comparability"].astype(str) if "comparability" in others.columns else pd.Series("", index=others.index)
            skewed = note.str.startswith(("overstated", "not comparable")).to_numpy(dtype=bool)
            skipped = list(dict.fromkeys(str(x) for x in others.loc[skewed & significant, "group"]))
            # groups whose counts are suppressed: their ratios are not shown, and may be the largest
            gone = others["ratio"].map(_is_hidden).to_numpy(dtype=bool)
            own = others["searches"].map(_is_hidden).to_numpy(dtype=bool) if "searches" in others.columns else gone
            # by area and another split (legislation, age range): each group named with the split it is
            # in, not pooled over them (City of London 2023 by legislation: "Asian, Black and Other: counts
            # suppressed" beside the Misuse of Drugs Act searches' Black ratio, whose counts are shown)
            # ... and by area and month, the month (seven forces by ["force", "month"]: "Mixed and Other: counts
            # suppressed" beside Essex's Feb 2020 ratio pooled the three months)
            split = said_splits(g, area_col)
            withheld, n_withheld = _groups_in_splits(others, gone & own, split)
            # a group whose count is published (0 searches, say) loses its ratio only because White's
            # count is hidden: not "counts suppressed" (Derbyshire, Amber Valley: Asian 0, Mixed 0)
            by_ref, n_by_ref = _groups_in_splits(others, gone & ~own, split)
            # (searches by age range or sex against residents of all ages and both sexes: said first in every
            # sentence, caveats_in_order)
            caveats: list[str] = []
            if withheld:
                caveats.append(f"{withheld}: counts suppressed, so {'its' if n_withheld == 1 else 'their'} "
                               f"{'ratio is' if n_withheld == 1 else 'ratios are'} not shown")
            if by_ref:
                caveats.append(f"{by_ref}: {'its ratio is' if n_by_ref == 1 else 'their ratios are'} not shown, "
                               f"as White people's count{' there' if split else ''} is suppressed")
            if skipped:
                caveats.append(f"{_groups_in_splits(others, skewed & significant, split)[0]} left out: officer-defined, "
                               "not comparable with the Census group")
            cand = others[~skewed & significant]
            # a group with no searches (a published 0) has a ratio of 0 only because it was not searched:
            # said as such, not as "not searched at a ... higher rate" (police.uk Durham by month, Dec 2019 -
            # Feb 2020: the ratios shown were Black 0 in Jan 2020, Mixed and Other 0 in Feb 2020)
            zero = others["searches"].map(lambda v: _num(v) == 0).to_numpy(dtype=bool) \
                if "searches" in others.columns else np.zeros(len(others), dtype=bool)
            nobody = _no_searches_said(others[zero & ~gone], g, conf, [c for c in split if c not in ("month", "period", "year")])
            if nobody and not len(cand):
                if not (~gone & ~skewed & ~zero).any():  # every ratio shown is of a group with no searches
                    said = caveats_in_order(caveats, d)
                    out.append(f"In {name_of(key)}, the only ratios shown are of groups with no searches: {nobody}; "
                               + ("no other group's ratio to White can be shown (" + "; ".join(said) + ")."
                                  if said else "so no ratio compares a searched group with White people."))
                    continue
                caveats.append(f"no searches of {nobody}")  # beside the searched groups the sentence compares
                others, gone, skewed = others[~zero], gone[~zero], skewed[~zero]
            if not len(cand) and (withheld or by_ref):
                # a ratio withheld may be a large count hidden only to protect a small one (Leicester,
                # police.uk Dec 2019 - Feb 2020: Black 56 searches, hidden with Mixed and Other 1): "no
                # ethnic group was searched at a ... higher rate" would be said of groups not shown
                shown = [str(x) for x in others.loc[~gone & ~skewed, "group"]]
                head = ("" if not shown else f"{_group_people(shown[0])}, the only group whose ratio is shown, were not"
                        if len(shown) == 1 else f"none of the groups whose ratios are shown ({_names(shown)}) was")
                out.append(f"In {name_of(key)}, "
                           + (f"{head} searched at a statistically significantly higher rate than White people ("
                              + "; ".join(caveats_in_order(["or the numbers were too small to say", *caveats], d)) + ")."
                              if shown else
                              "no ethnic group's ratio to White can be shown (" + "; ".join(caveats_in_order(caveats, d))
                              + ")."))
                continue
            if not len(cand):
                # the all-ages caveat first, before "or the numbers were too small to say" (as on a ratio)
                out.append(f"In {name_of(key)}, no {also}ethnic group was searched at a statistically significantly higher "
                           "rate than White people ("
                           + "; ".join(caveats_in_order(["or the numbers were too small to say", *caveats], d)) + ").")
                continue
            enough = cand[cand["searches"].map(lambda v: (_num(v) or 0) >= MIN_COUNT)]
            pick = enough if len(enough) else cand
            r = pick.loc[pick["ratio"].map(lambda v: _num(v) or 0).idxmax()]
            if (_num(r["searches"]) or 0) < MIN_COUNT:
                # not "too few searches of any group": other groups may have had 20 or more (with no
                # significant difference), and the table's Home Office 'reliable' flag (10 or more)
                # says yes for some of these (Derby, Dec 2019 - Feb 2020: Mixed 10, Black 9)
                few = ", ".join(f"{g} {int(_num(n) or 0)}" + (f" ({split_label(h, split)})" if split else "")
                                for (_, h), g, n in zip(cand.iterrows(), cand["group"], cand["searches"]))
                first = caveats_in_order([], d)  # (by age range or sex: against residents of all ages, said here too)
                out.append(f"{name_of(key)}: the groups searched at a statistically significantly higher rate than White people "
                           f"had fewer than {MIN_COUNT} searches ({few}): too few to say"
                           + (f" ({'; '.join(first)})." if first else "."))
                continue
            # by area and period (e.g. by = ["force", "month"]): the row is one period's, so say which
            when = next((month_label(r[c]) for c in ("month", "period", "year") if c in g.columns and g[c].nunique() > 1), "")
            # ... and by area and another split (legislation, age range): which searches (w38a)
            kinds = split_label(r, [c for c in sub_strata(g) if c != area_col])
            txt = describe_ratio(r["ratio"], r["ratio_lower"], r["ratio_upper"], count=r["searches"], confidence=conf,
                                 subject=f"In {name_of(key)}{f' ({kinds})' if kinds else ''}"
                                         f"{' in ' + when if when else ''}, "
                                         f"{'of the other groups, ' if also else ''}{_group_people(str(r['group']))} were "
                                         "searched",
                                 reference="White people")
            if str(r.get("comparability", "")).startswith("approximate"):
                caveats.insert(0, "officer-defined ethnicity: approximate against the self-defined Census groups")
            era = re.search(r"not like for like: (Census \d{4}) populations for searches of (\S+) to (\S+) \(the Home "
                            r"Office used (Census \d{4})\)", str(r.get("comparability", "")))
            if era:  # the ratio moves with the Census (Essex Dec 2019 - Feb 2020: 4.78 on 2011, 2.69 on 2021)
                caveats.insert(0, f"on {era.group(1)} populations; the Home Office's figures for these months used "
                                  f"{era.group(4)}, so they differ")
            # by area and period, the share of the row's own period (police.uk South Yorkshire by ["force",
            # "month"]: Dec 2019's ratio carried the quarter's 24%, 1,093 of 4,554)
            when_col = next((c for c in ("month", "period", "year") if c in g.columns and g[c].nunique() > 1), None)
            unstated = (_not_stated_in_period(d, force_of.get(str(key), key), r, when_col) if when_col
                        else _not_stated(d, force_of.get(str(key), key)))
            if unstated:  # (the City of London, 2023: 1,271 of 2,384; the section says it, the finding did not)
                caveats.insert(0, unstated)
            if _non_resident(d, force_of.get(str(key), key)):  # (City of London: most people searched there live elsewhere)
                caveats.insert(0, "rates per resident, but most people searched there do not live there, so not "
                                  "comparable with other areas' rates")
            if str(r.get("reliable", "")) == "False":
                caveats.insert(0, "flagged unreliable by the Home Office rule: fewer than 10 searches or 1,000 residents")
            # the groups passed over for having fewer than MIN_COUNT searches, whose ratios are
            # higher: unsaid, the table beside the finding reads as contradicting it (Derbyshire, Dec
            # 2019 - Feb 2020: Asian 1.86 said, Black 3.41 and Mixed 2.58 on 13 and 14 searches)
            higher = cand[(cand["ratio"].map(lambda v: _num(v) or 0) > (_num(r["ratio"]) or 0))
                          & cand["searches"].map(lambda v: (_num(v) or 0) < MIN_COUNT)]
            if len(higher):
                higher = higher.iloc[np.argsort(-higher["ratio"].map(lambda v: _num(v) or 0).to_numpy(), kind="stable")]
                # people, as the sentence's lead group is ("Black people (3.41 times, on 13 searches)"; walk 21)
                items = [f"{_group_people(str(g))} ({split_label(h, split) + ', ' if split else ''}{_fmt_ratio(_num(x) or 0)} "
                         f"times, on {int(_num(n) or 0)} searches)"
                         for (_, h), g, x, n in zip(higher.iterrows(), higher["group"], higher["ratio"], higher["searches"])]
                caveats.append(f"higher ratios, also statistically significant, rest on fewer than {MIN_COUNT} searches: "
                               + _names(items))
            caveats = caveats_in_order(caveats, d)  # (the all-ages caveat, the most serious, first)
            # by area and period: every significant period, not the largest one only (police.uk South
            # Yorkshire by ["force", "month"], Dec 2019 - Feb 2020: Black people's Dec 2019 ratio was said,
            # Jan and Feb 2020, significant too, were not)
            also_sig = _other_periods_said(enough.drop(index=r.name), d, force_of.get(str(key), key), when_col, conf,
                                           [c for c in split if c != when_col], str(r["group"])) if when_col else ""
            out.append(txt + (f" ({'; '.join(caveats)})" if caveats else "") + "." + _on_census_2021(d, r, key, labels, at)
                       + also_sig)
        if rest:
            out.append(f"The table also shows the other {len(rest)} police force{'s' if len(rest) != 1 else ''} in the "
                       f"files ({_names([place(x) for x in rest], limit=8)}); this report states findings for "
                       f"{place(groups[0][0])} only")
    f = _table(s, "stop_search_find_rates")
    if f is not None and by_outcome_words(f):
        # by outcome the outcome is the split: a find or arrest rate within one is not a finding (police.uk
        # Durham by ["force", "outcome"], Dec 2019 - Feb 2020: "Arrest rates ... could not be compared")
        return out + [by_outcome_words(f)]
    if f is not None and len(f) and "diff_lower" in f.columns:
        # by force and CSP (or local authority): the report's force's areas, as the ratio finding above
        # (Essex, Dec 2019 - Feb 2020: its CSPs' differences, read together with every force's)
        f, scope, in_scope = _in_report_force(f, cfg)
    if f is not None and len(f) and "diff_lower" in f.columns:  # (none of the report's force's areas: no finding)
        rows = bare(f)  # (each row read without the table's attrs, which pandas would deep-copy into it)
        sig_at = [i for i, r in rows.iterrows() if (_num(r["diff_lower"]) or 0) > 0 or (_num(r["diff_upper"]) or 0) < 0]
        sig = [rows.loc[i] for i in sig_at]
        # the comparisons that were made: a group other than White with both limits published (not
        # withheld as not comparable, not suppressed). With none, "no significant difference" would
        # say something the table does not (Derbyshire by CSP, Dec 2019 - Feb 2020: every find rate
        # withheld or suppressed)
        compared = sum(1 for _, r in rows.iterrows() if str(r["group"]) != "White"
                       and _num(r["diff_lower"]) is not None and _num(r["diff_upper"]) is not None)
        others = sum(1 for _, r in rows.iterrows() if str(r["group"]) != "White")
        if sig:
            # people, with their find rates beside White people's ("for Asian" named no one, and
            # "higher" gave no size; Essex, Dec 2019 - Feb 2020)
            out.append("Find rates (the share of searches that found what was searched for) differed statistically "
                       "significantly from White people's for " + _names([_find_item(rows, r) for r in sig], limit=8) + "."
                       + _after_adjustment(f, sig_at, scope, float(f.attrs.get("alpha", 1 - cfg.get("confidence", 0.95)))))
        elif not compared:
            out.append("Find rates (the share of searches that found what was searched for) could not be compared with "
                       f"White people's for any group{in_scope}: every comparison is withheld as not comparable or "
                       "suppressed to protect small numbers.")
        elif compared < others:
            out.append(f"Find rates (the share of searches that found what was searched for) showed no statistically "
                       f"significant difference from White people's for the {compared} of {others} comparisons{in_scope} "
                       "that could be made (the others are withheld as not comparable or suppressed to protect small "
                       "numbers).")
        else:
            out.append("Find rates (the share of searches that found what was searched for) showed no statistically "
                       f"significant difference from White people's for any group{in_scope}.")
    a = _table(s, "stop_search_arrest_rates")
    if a is not None and len(a) and "diff_lower" in a.columns:
        out += _arrest_findings(a, cfg)
    return out


def _in_report_force(t: pd.DataFrame, cfg: dict) -> tuple[pd.DataFrame, str, str]:
    """A find or arrest table by force and CSP (or local authority), or by force alone, cut to the
    report's force's rows, as the ratio finding is; the force ("" when the table has no other
    force's rows to leave out) and the words " in <force>'s Community Safety Partnerships" (by force
    alone " in <force>") for the sentence ("" without). (police.uk, seven forces, Dec 2019 - Feb
    2020, by force: a report for Sheffield stated "Asian people in Essex".)

    >>> t = pd.DataFrame({"force": ["Essex", "South Yorkshire"], "group": ["Asian"] * 2})
    >>> cut, scope, words = _in_report_force(t, {"area": "Sheffield"})
    >>> list(cut["force"]), scope, words
    (['South Yorkshire'], 'South Yorkshire', ' in South Yorkshire')
    """
    scope = _report_force(t, str(cfg.get("area") or ""))
    if not scope:
        force, mine = _own_force_areas(t, str(cfg.get("area") or ""))
        if mine is None:
            return t, scope, ""
        attrs = dict(t.attrs)
        t = t[mine.to_numpy()]
        t.attrs.update(attrs)
        col = next(c for c in _OWN_AREA_WORDS if c in t.columns)
        return t, force, f" in {place(force)}'s {_OWN_AREA_WORDS[col]}s"
    attrs = dict(t.attrs)
    nested = _area_columns(t) or ["force"]
    t = t[t[nested[0]].astype(str) == scope]
    t.attrs.update(attrs)
    if len(nested) < 2:
        return t, scope, f" in {place(scope)}"
    return t, scope, (f" in {place(scope)}'s " + ("local authorities" if str(nested[-1]).startswith("la")
                                                  else "Community Safety Partnerships"))


def _arrest_findings(a: pd.DataFrame, cfg: dict) -> list[str]:
    """The finding of the arrest table, which the section adds when every find-rate comparison is
    withheld (police.uk Merseyside: the 'outcome linked' flag blank on 78% of searches): labelled
    as arrests, the report's force's areas only when by force and CSP, as the find finding."""
    a, scope, in_scope = _in_report_force(a, cfg)
    if not len(a):  # none of the report's force's areas in the table (said with the ratios)
        return []
    lead = ("Arrest rates (the share of searches that ended in arrest, compared because no find rate could be; an "
            "arrest is not a find)")
    rows = bare(a)  # (each row read without the table's attrs, as the find finding)
    sig_at = [i for i, r in rows.iterrows() if (_num(r["diff_lower"]) or 0) > 0 or (_num(r["diff_upper"]) or 0) < 0]
    compared = sum(1 for _, r in rows.iterrows() if str(r["group"]) != "White"
                   and _num(r["diff_lower"]) is not None and _num(r["diff_upper"]) is not None)
    others = sum(1 for _, r in rows.iterrows() if str(r["group"]) != "White")
    if sig_at:
        return [f"{lead} differed statistically significantly from White people's for "
                + _names([_find_item(rows, rows.loc[i]) for i in sig_at], limit=8) + "."
                + _after_adjustment(a, sig_at, scope, float(a.attrs.get("alpha", 1 - cfg.get("confidence", 0.95))),
                                    table="arrest")]
    if not compared:
        return [f"{lead} could not be compared with White people's for any group{in_scope} either: every comparison is "
                "suppressed to protect small numbers."]
    if compared < others:
        return [f"{lead} showed no statistically significant difference from White people's for the {compared} of "
                f"{others} comparisons{in_scope} that could be made (the others are suppressed to protect small numbers)."]
    return [f"{lead} showed no statistically significant difference from White people's for any group{in_scope}."]


def _since_step_sentences(tr: pd.DataFrame, lab: str, stepped: list[str], since: pd.DataFrame | None,
                          conf: float, limit: int = 3) -> list[str]:
    """One finding per council whose count doubled or halved in one year (at most ``limit``; the rest
    named): the step, that the trend across it is not like for like, and the trend since it (or that
    there are too few years since).

    >>> tr = pd.DataFrame({"la_name": ["City of London"], "apc": [20.7], "apc_lower": [11.2], "apc_upper": [31.0]})
    >>> tr.attrs["steps"] = {"City of London": "2015/16 to 2016/17: 627 to 1,731"}
    >>> tr.attrs["spans"] = {"City of London": "2012/13 to 2021/22"}
    >>> since = pd.DataFrame({"la_name": ["City of London"], "period_from": ["2016/17"], "period_to": ["2021/22"],
    ...                       "apc": [7.77], "apc_lower": [-0.78], "apc_upper": [17.06]})
    >>> print(_since_step_sentences(tr, "la_name", ["City of London"], since, 0.95)[0])
    Fly-tipping in the City of London went from 627 to 1,731 incidents in one year (2015/16 to 2016/17), possibly a change in recording, so its trend over the whole series (+21% a year, 2012/13 to 2021/22) is not like for like. Since the step, fly-tipping in the City of London, 2016/17 to 2021/22: no statistically significant trend (+7.8% a year, 95% CI -0.78% to +17%)
    """
    steps = tr.attrs.get("steps") or {}
    every = tr.attrs.get("every_step") or {}  # each council's steps in order; ``steps`` holds the last
    spans = tr.attrs.get("spans") or {}
    rows = {str(a): r for a, r in zip(tr[lab].astype(str), bare(tr).to_dict("records"))}
    after = ({str(a): r for a, r in zip(since[_label_col(since)].astype(str), since.to_dict("records"))}
             if since is not None and len(since) else {})
    out = []
    for a in stepped[:limit]:
        m = re.fullmatch(r"(.+?): ([\d,.]+) to ([\d,.]+)", str(steps.get(a, "")))
        whole = f"{_apc_said(rows[a]['apc'])}" + (f", {spans[a]}" if spans.get(a) else "")
        if m:
            x, y = (float(v.replace(",", "")) for v in m.group(2, 3))
            # "went from", not "rose": the report says rose or fell of significant changes only (this is a step)
            said = f"Fly-tipping in {place(a)} went from {m.group(2)} to {m.group(3)} incidents in one year ({m.group(1)})"
        else:
            said = f"Fly-tipping in {place(a)} doubled or halved in one year ({steps.get(a, '')})"
        earlier = [str(w) for w in every.get(a, [])[:-1]]
        if earlier:  # the trend since is from after the last step, which the text says (it crosses none)
            said += (f", the last of {len(earlier) + 1} such steps (also " + "; ".join(earlier) + ")")
        last = "the last step" if earlier else "the step"
        said += f", possibly a change in recording, so its trend over the whole series ({whole}) is not like for like"
        r = after.get(a)
        if r is None:
            out.append(said + f", and there are too few years since {last} (fewer than 3) for a trend of its own")
            continue
        out.append(said + ". " + describe_trend(r["apc"], r["apc_lower"], r["apc_upper"], confidence=conf,
                                                subject=f"Since {last}, fly-tipping in {place(a)}",
                                                span=f"{r['period_from']} to {r['period_to']}"))
    if len(stepped) > limit:
        out.append(f"The count of {_names(stepped[limit:])} also doubled or halved in one year, possibly a change in "
                   "recording: see the section for the trend since the step.")
    return out


#: A stop-and-search table's area column (by CSP or local authority alone) as the text names one area.
_OWN_AREA_WORDS = {"csp": "Community Safety Partnership", "csp_name": "Community Safety Partnership",
               "la": "local authority", "la_name": "local authority"}


def _own_force_areas(table: pd.DataFrame, area: str) -> tuple[str, pd.Series | None]:
    """For a stop-and-search table by CSP (or local authority) alone, with no force column: the
    report's police force (``area``'s, or ``area`` itself) and which rows are its areas, when the
    table has other forces' areas too; ``("", None)`` otherwise. (police.uk, seven forces, Dec 2019 -
    Feb 2020, by CSP: a report for Sheffield stated 40 CSPs of six other forces.)

    >>> t = pd.DataFrame({"csp": ["Chelmsford", "Sheffield", "Liverpool"], "group": ["Asian"] * 3})
    >>> force, mine = _own_force_areas(t, "Sheffield")
    >>> force, mine.tolist()
    ('South Yorkshire', [False, True, False])
    >>> _own_force_areas(t.iloc[:1], "Essex")[1] is None, _own_force_areas(t, "")[1] is None
    (True, True)
    """
    from .inputs import scope_of

    col = next((c for c in _OWN_AREA_WORDS if c in table.columns), None)
    if not area or col is None or "force" in table.columns:
        return "", None
    try:
        forces = sorted(scope_of(area).forces)
        own = scope_of(forces[0]) if len(forces) == 1 else None
    except Exception:  # an area the lookup does not hold
        own = None
    if own is None:
        return "", None
    names = {str(x).lower() for x in (own.las if col.startswith("la") else own.csps)}
    mine = table[col].astype(str).str.lower().isin(names)
    return (forces[0], mine) if not mine.all() else ("", None)


def _report_force(table: pd.DataFrame, area: str) -> str:
    """The report's police force as a stop-and-search table by force and CSP (or local authority), or
    by force alone, names it, when ``area`` is that force or an area inside it and the table has other
    forces' rows too; "" otherwise (a table by another level, one force only, or no row of the area's
    force).

    >>> t = pd.DataFrame({"force": ["Essex", "Durham"], "csp": ["Chelmsford", "Darlington"], "group": ["Asian"] * 2})
    >>> _report_force(t, "Essex"), _report_force(t, "Chelmsford"), _report_force(t, "Kent"), _report_force(t[["force"]], "Essex")
    ('Essex', 'Essex', '', 'Essex')
    >>> _report_force(t[["force"]].iloc[:1], "Essex"), _report_force(t[["csp"]], "Chelmsford")
    ('', '')
    """
    from .inputs import scope_of

    nested = _area_columns(table) or (["force"] if "force" in table.columns else [])
    if not area or not nested:
        return ""
    outer = list(dict.fromkeys(table[nested[0]].astype(str)))
    pos = _position_of(area, outer)
    if pos is None:  # a CSP or district: its force
        try:
            forces = sorted(scope_of(area).forces)
        except Exception:  # an area the lookup does not hold
            forces = []
        pos = next((p for f in forces if (p := _position_of(f, outer)) is not None), None)
    return outer[pos] if pos is not None and len(outer) > 1 else ""


def _after_adjustment(f: pd.DataFrame, sig_at: list[Any], scope: str = "", alpha: float = 0.05,
                      table: str = "find") -> str:
    """The sentence that reads the find table's significant differences together: with more than a
    few comparisons some differ by chance alone (1 in 20 at 95%), so say how many comparisons the
    finding reads (the rows of ``f`` it states: the table's, or by force and CSP the report's force's,
    ``scope``) and which of the significant ones stay so after the Benjamini–Hochberg adjustment over
    exactly those comparisons: the published ones (a group other than White with its p-value shown;
    not those suppressed or withheld as not comparable), so that the number named is the number
    adjusted for, and can be checked from the table. Nothing with
    :data:`~saferstats.disproportionality.MANY_COMPARISONS` comparisons or fewer.

    >>> f = pd.DataFrame({"force": ["Essex"] * 7, "group": ["Asian", "Black", "Mixed", "Other", "Asian", "Black", "White"],
    ...                   "rate": [0.29, 0.2, 0.2, 0.2, 0.3, 0.2, 0.23], "diff": [0.06, 0, 0, 0, 0, 0, 0.0],
    ...                   "p_value": [0.012, 0.3, 0.5, 0.7, 0.8, 0.9, None]})
    >>> _after_adjustment(f, [0])
    ' The find table shows 6 comparisons with White people, so about 0.3 would be statistically significant by chance alone: after adjusting for these 6 comparisons (Benjamini-Hochberg, false discovery rate 5%), this difference is not statistically significant.'
    """
    import saferstats as ss

    from ..disproportionality import MANY_COMPARISONS

    if not sig_at or "p_value" not in f.columns:
        return ""
    p = pd.to_numeric(f["p_value"], errors="coerce")
    tested = p.notna() & np.isfinite(p) & (f["group"].astype(str) != "White")
    n = int(tested.sum())
    if n <= MANY_COMPARISONS:
        return ""
    adjusted = pd.Series(ss.p_adjust(p[tested].to_numpy(dtype=float), method="bh"), index=p[tested].index)
    kept = [i for i in sig_at if i in adjusted.index and adjusted[i] < alpha]
    nested = _area_columns(f)
    level = ("local authorities" if nested and str(nested[-1]).startswith("la") else "Community Safety Partnerships")
    own = f"{place(scope)}'s {level}" if nested else place(scope)  # by force and CSP, or by force alone
    where = f" in {own} (other forces' are in the table)" if scope else ""
    lead = (f" The {table} table shows {n} comparisons with White people{where}, so about {alpha * n:.1f} would be "
            f"statistically significant by chance alone: after adjusting for these {n} comparisons (Benjamini-Hochberg, "
            f"false discovery rate {alpha:.0%}), ")
    one = len(sig_at) == 1
    if not kept:
        return lead + ("this difference is not statistically significant." if one else
                       "none of these differences is statistically significant.")
    if len(kept) == len(sig_at):
        return lead + ("it stays statistically significant." if one else
                       f"{'both' if len(sig_at) == 2 else 'all'} stay statistically significant.")
    return lead + "only " + _names([_find_item(f, f.loc[i]) for i in kept], limit=8) + \
        (" stays" if len(kept) == 1 else " stay") + " statistically significant."


def _find_item(f: pd.DataFrame, r: pd.Series) -> str:
    """One group's significant find-rate difference as the finding says it: the people, where (a month
    as the rest of the report says it, "Jan 2020", :func:`saferstats._periods.month_label`), their
    find rate and White people's there, as percentages (the table's proportions), and which way.

    >>> f = pd.DataFrame({"force": ["Essex", "Essex"], "group": ["Asian", "White"], "rate": [0.383, 0.279],
    ...                   "diff": [0.104, 0.0]})
    >>> _find_item(f, f.iloc[0])
    'Asian people in Essex (38% against 28%, higher)'
    >>> _names([_find_item(f.assign(force="Barking and Dagenham"), f.iloc[0].rename({}).replace("Essex", "Barking and Dagenham")),
    ...         "Black people in Brent (20% against 28%, lower)"])
    "Asian people in 'Barking and Dagenham' (38% against 28%, higher) and Black people in Brent (20% against 28%, lower)"

    By area and month, the month's row and White people's in the same month (police.uk South Yorkshire
    by ``["force", "month"]``: Jan 2020's 25% was set against December's White 12%, not January's 11%):

    >>> m = pd.DataFrame({"force": ["South Yorkshire"] * 4, "month": ["2019-12", "2019-12", "2020-01", "2020-01"],
    ...                   "group": ["Asian", "White"] * 2, "rate": [0.15, 0.12, 0.246, 0.108], "diff": [0.03, 0, 0.138, 0]})
    >>> _find_item(m, m.iloc[2])
    'Asian people in South Yorkshire in Jan 2020 (25% against 11%, higher)'
    """
    nested = _area_columns(f)  # by force and CSP: the CSP's name, and White people's there (not the force's first)
    area = bool(nested) or r.index[0] != "group"
    # (a name with an "and" of its own quoted: the findings are listed "A, B and C", :func:`_names`)
    where = f" in {quoted_if_and(place(r[nested[-1]] if nested else r.iloc[0]))}" if area else ""
    # the row's other labels (a month, a period): said, and White people's row taken from the same
    labels = list(f.columns[:list(f.columns).index("group")]) if "group" in f.columns else []
    when = [c for c in labels if c in ("month", "period", "year") and c not in nested and c != f.columns[0]]
    where += "".join(f" in {month_label(r[c])}" for c in when if f[c].nunique() > 1)
    # by area and another split (legislation, age range): which searches, against White people's of the
    # same split (the City of London 2023 by age range: "33% against 22%, lower" set 18-24's Black
    # find rate against 10-17's White one)
    split = [c for c in sub_strata(f) if c != f.columns[0]]
    white = f[f["group"].astype(str) == "White"]
    for c in dict.fromkeys([*(nested or ([f.columns[0]] if area else [])), *when, *split]):
        white = white[white[c].astype(str) == str(r[c])]
    own = _num(r.get("rate"))
    ref = _num(white["rate"].iloc[0]) if len(white) and "rate" in white.columns else None
    rates = (f"{whole_percent(100 * own)} against {whole_percent(100 * ref)}, " if own is not None and ref is not None
             else "")
    kinds = f"{split_label(r, split)}: " if split else ""
    return (f"{_group_people(str(r['group']))}{where} ({kinds}{rates}"
            f"{'higher' if (_num(r['diff']) or 0) > 0 else 'lower'})")


def _flytipping(s: Section, cfg: dict) -> list[str]:
    conf = cfg.get("confidence", 0.95)
    out: list[str] = []
    rates = _table(s, "flytipping_rates")
    absent = str(rates.attrs.get("area_absent", "")) if rates is not None else ""
    if absent:  # e.g. a Welsh area and Defra's table of England: said first, so it is the headline
        out.append(absent)
    if rates is not None and len(rates):
        out.extend(_funnel_sentence(rates, "fly-tipping", 1000, cfg.get("area") or ""))
    if rates is not None and rates.attrs.get("merged") and not absent:
        # a district merged into the authority whose rate is above (Kettering, North Northamptonshire): whose
        # figures the rate and the trend below are
        out.append(str(rates.attrs["merged"]))
    tr = _table(s, "flytipping_trend")
    unmodelled = [place(a) for a in (rates.attrs.get("no_trend") or [] if rates is not None else [])]
    if (tr is None or not len(tr)) and unmodelled and not absent:  # none left with a trend (one council's own report)
        out.append(f"Fly-tipping over the whole series: no annual % change for {_names(unmodelled)}, whose counting "
                   "changed (see the section).")
    if tr is not None and len(tr) and "apc" in tr.columns:
        lab = _label_col(tr)
        # a council whose count doubled or halved in one year: its trend across the step is not a finding (the
        # City of London's "+21% a year, higher than England" was its 627 to 1,731); said apart, since the step
        names = tr[lab].astype(str)  # (once, not for each step; the rows read without the table's attrs)
        known = set(names)
        stepped = [a for a in (tr.attrs.get("steps") or {}) if a in known]
        whole = bare(tr)[~names.isin(stepped)]
        up = [str(r[lab]) for _, r in whole.iterrows() if (_num(r["apc_lower"]) or 0) > 0]
        down = [str(r[lab]) for _, r in whole.iterrows() if (_num(r["apc_upper"]) or 0) < 0]
        rest = len(whole) - len(up) - len(down)
        parts = [f"{'a statistically significant upward trend' if len(up) == 1 else 'statistically significant upward trends'}"
                 f" in {_names(up)}"] if up else []
        if down:
            parts.append(f"{'a downward trend' if len(down) == 1 else 'downward trends'} in {_names(down)}")
        if rest:
            flat = [str(r[lab]) for _, r in whole.iterrows() if str(r[lab]) not in up and str(r[lab]) not in down]
            parts.append("no statistically significant trend in "
                         + (_names(flat) if len(flat) <= 3 else
                            f"{'the other ' if parts else ''}{rest} authorit{'y' if rest == 1 else 'ies'}"))
        if stepped:
            parts.append(f"{_names(stepped)}: {'a step' if len(stepped) == 1 else 'steps'} in the count, possibly a "
                         "change in recording, so the trend across "
                         + ("it" if len(stepped) == 1 else "them") + " is not like for like (see below)")
        no_trend = [place(a) for a in tr.attrs.get("no_trend", [])]
        if no_trend:  # the councils whose counting changed (named with their figures in the section)
            parts.append(f"no annual % change for {_names(no_trend)}, whose counting changed (see the section)")
        spans = tr.attrs.get("spans") or {}
        one_span = next(iter(set(spans.values()))) if len(set(spans.values())) == 1 else ""
        if not (len(tr) == 1 and not absent and not no_trend):
            # (one authority: the sentence below gives its estimate; this one would say it twice)
            out.append(f"Fly-tipping over the whole series{f' ({one_span})' if one_span else ''}: "
                       + "; ".join(parts) + ".")
        if up and not absent:
            # the steepest of the significant rises (not a short, non-significant series with a larger estimate)
            rising = tr[tr[lab].astype(str).isin(up)]
            top = rising.loc[rising["apc"].map(lambda v: _num(v) or -1e9).idxmax()]
            out.append(describe_trend(top["apc"], top["apc_lower"], top["apc_upper"], confidence=conf,
                                      subject=f"Fly-tipping in {place(top[lab])}",
                                      span=str(spans.get(str(top[lab]), ""))) + ".")
        elif len(tr) == 1 and not absent and not stepped:  # one authority (a CSP's own): its estimate, whatever it is
            one = tr.iloc[0]
            out.append(describe_trend(one["apc"], one["apc_lower"], one["apc_upper"], confidence=conf,
                                      subject=f"Fly-tipping in {place(one[lab])}",
                                      span=str(spans.get(str(one[lab]), ""))) + ".")
        if not absent:
            out.extend(_since_step_sentences(tr, lab, stepped, _table(s, "flytipping_trend_since_step"), conf))
    eng = _table(s, "flytipping_trend_england")
    if eng is not None and len(eng) and not absent:
        # against England's like-for-like councils over the same years (the section says how)
        lab = _label_col(eng)
        # each council with its own annual % change, England's beside them: "rose faster (or fell more
        # slowly)" hedged where the table knows which (St Albans fell while England's councils rose)
        since = {str(a): f" since {f}" for a, f in zip(eng[lab], eng.get("period_from", pd.Series(dtype=str)))
                 if str(a) in set((tr.attrs.get("steps") or {}) if tr is not None else ())}

        def each(word: str) -> list[str]:
            return [f"{place(str(a))} ({_apc_said(v)}{since.get(str(a), '')})" for a, w, v in
                    zip(eng[lab], eng["against_england"], eng["apc"]) if str(w).startswith(word)]

        up, down = each("up"), each("down")
        if up or down:
            said = " and ".join(x for x in (f"higher in {_names(up)}" if up else "",
                                             f"lower in {_names(down)}" if down else "") if x)
            rest = len(eng) - len(up) - len(down)
            out.append(f"Against England's other councils counted like for like over the same years "
                       f"({_england_apc(eng)}), the trend in fly-tipping was statistically significantly {said}"
                       + (f"; the other {rest} of the {len(eng)} councils compared changed in line with England"
                          if rest else "") + ".")
        else:
            out.append(_like_england(eng, lab, since))
    land = _table(s, "flytipping_land")
    share = land.attrs.get("private_share") if land is not None else None
    # how many incidents had no land type (Defra's 'other (unidentified)'), as the section says it: the
    # share on private land is of the others only (Camden 2021/22: 3% of its 32,517 incidents)
    unknown = float(share.get("unidentified") or 0.0) if share else 0.0
    their = "their" if share and share["councils"] > 1 else "its"
    unknown_said = (f"{whole_percent(100 * (1 - unknown))} of {their} incidents; {whole_percent(100 * unknown)} had no "
                    "land type recorded" if unknown else "")
    if share and not absent and share["own"] == 0 and share["none"]:
        out.append(f"{place(share['who'])}'s {'councils' if share['councils'] > 1 else 'council'} recorded no fly-tipping on "
                   f"private land in {share['year']} (England: {share['england']:.0f}% of incidents with a known land type"
                   + (f"; {whole_percent(100 * unknown)} of {their} incidents had no land type recorded" if unknown else "")
                   + "); councils record "
                   "little of the fly-tipping on private land, which landowners clear, so this says nothing about how "
                   "much there is.")
    elif share and not absent and share["own"] == share["own"]:  # (NaN: no incidents)
        out.append(f"Of the fly-tipping {place(share['who'])}'s {'councils' if share['councils'] > 1 else 'council'} recorded "
                   f"in {share['year']} with a known land type" + (f" ({unknown_said})" if unknown_said else "")
                   + f", {whole_percent(share['own'])} was on private land (England: {share['england']:.0f}%); councils record little of the fly-tipping on private land, "
                   "which landowners clear, so this is a floor" + (f" ({len(share['none'])} of the "
                                                                 f"{share['councils']} recorded none; named in the "
                                                                 "section)" if share["none"] else "") + ".")
    return out


def _hotspots(s: Section, cfg: dict) -> list[str]:
    if not s.tables and not s.figures:  # too few points to map (below the disclosure threshold): no finding
        # ... unless the section says why it has no data for the area (another force's files)
        return [s.finding] if s.finding else []
    c = _table(s, "hotspot_clusters")
    if c is None or not len(c) or "n" not in c.columns:
        # at the report's settings: "no cluster" is not "no hotspot" (the density map and Gi* still show
        # where incidents concentrate; the section's text gives the settings that would find one)
        return ["No clusters of incidents were found at the report's clustering settings ([hotspots] eps_m and "
                "min_samples; the section says which would find one): that is not the same as no hotspots - the "
                "density map and the hot and cold spots show where incidents concentrate."]
    n = pd.to_numeric(c["n"], errors="coerce")
    big = c.loc[n.idxmax()] if n.notna().any() else None
    # which incidents, and when: the summary puts this beside other sections' years (Jan - Dec 2023
    # ASB beside 2018/19 hate crime) and "of incidents" alone did not say of what
    about = [x for x in (str(c.attrs.get("what") or ""), str(getattr(s, "period", "") or "")) if x]
    one = len(c) == 1
    text = (f"{len(c)} cluster{'' if one else 's'} of incidents" + (f" ({', '.join(about)})" if about else "")
            + f" {'was' if one else 'were'} found")
    if big is not None:
        where = [place(big[k]) for k in ("place", "district") if k in c.columns and pd.notna(big[k]) and str(big[k])]
        text += (f"; the largest holds {int(n.max()):,} incidents "
                 + (f"around {', '.join(where)}" if where else "")
                 + f" ({float(big['centroid_lat']):.4f}, {float(big['centroid_lon']):.4f})")
        others = c.loc[n.sort_values(ascending=False).index[1:4]]
        text += _next_clusters(others)
    return [text + "."]


def _next_clusters(others: pd.DataFrame) -> str:
    """"; the next largest are ..." for the 2nd-4th clusters: by place (police.uk's street of the
    cluster's middle point) and district, the district said once when they share it (a City of London
    report said "in City of London (19), City of London (19), City of London (15)")."""
    if not len(others) or not {"place", "district"} & set(others.columns):
        return ""
    k = [int(v) for v in pd.to_numeric(others["n"])]
    places = ([place(p) if pd.notna(p) and str(p) else "" for p in others["place"]]
              if "place" in others.columns else [""] * len(others))
    dists = ([place(d) if pd.notna(d) and str(d) else "" for d in others["district"]]
             if "district" in others.columns else [""] * len(others))
    def counted(p: str, n: int) -> str:  # "Gates Way (pedestrian subway, 124)", not "... (pedestrian subway) (124)"
        return f"{p[:-1]}, {n:,})" if p.endswith(")") else f"{p} ({n:,})"

    if all(places) and len(set(dists)) == 1:
        return ("; the next largest are around " + ", ".join(counted(p, n) for p, n in zip(places, k))
                + (f", all in {dists[0]}" if dists[0] else ""))
    if all(places):
        return "; the next largest are around " + "; ".join(
            (f"{p}, {d}" if d else p) + f" ({n:,})" for p, d, n in zip(places, dists, k))
    return "; the next largest are " + ", ".join(
        f"around {p}, {d} ({n:,})" if p and d else f"around {counted(p, n)}" if p else f"in {d} ({n:,})"
        for p, d, n in zip(places, dists, k))


def _mha_people(group: str) -> str:
    """An NHS ethnic group as a sentence says its people: "Black or Black British people", "people of
    other ethnic groups"."""
    return "people of other ethnic groups" if group.lower().startswith("other") else f"{group} people"


def _s136_mha(s: Section, cfg: dict) -> list[str]:
    """The findings of a Section 136 section made from NHS England's Mental Health Act statistics
    (``[s136] mha_file``): each group's age-standardised rate against White people's (higher or lower
    only when the published 95% intervals do not overlap), and the share of uses followed by a section
    2 or 3 detention. Figures for England, said as such: the Hertfordshire report's Section 136
    section had tables but no finding, so its summary said nothing of it.

    >>> from saferstats.report.sections import Section, Table
    >>> eth = pd.DataFrame({"ethnic_group": ["White", "Mixed", "Other Ethnic Groups"], "detentions": [10483, 550, 461],
    ...                     "standardised_rate": [23.7, 37.7, 23.5], "standardised_lower": [23.3, 33.9, 21.3],
    ...                     "standardised_upper": [24.1, 41.5, 25.7], "ratio_to_white": [1.0, 1.59, 0.99]})
    >>> print(_s136_mha(Section("s136", "S136", "", "", tables=[Table("s136_mha_ethnicity", "", eth)], period="2023/24"),
    ...                 {"area": "Kent"})[0])
    In England in 2023/24 (NHS England's figures; none are published for Kent), the age-standardised rate of Section 136 uses was higher for Mixed people (37.7, 1.59 times) than for White people (23.7 per 100,000), with published 95% confidence intervals that do not overlap White people's; the rate for people of other ethnic groups (23.5) was not clearly different (the intervals overlap).
    """
    out: list[str] = []
    area = str(cfg.get("area") or "")
    period = str(getattr(s, "period", "") or "")
    from .inputs import scope_of

    when = f"In England{' in ' + period if period else ''}"
    if area and scope_of(area).in_wales:  # not a level NHS England does not publish: a country it does not cover
        where = f"{when} (NHS England's figures, which do not cover Wales, where {place(area)} is)"
    else:
        where = (f"{when} (NHS England's figures; none are published for {place(area)})" if area
                 else f"{when} (NHS England's figures)")
    eth = _table(s, "s136_mha_ethnicity")
    cols = {"ethnic_group", "standardised_rate", "standardised_lower", "standardised_upper"}
    if eth is not None and len(eth) and cols <= set(eth.columns):
        rows = {str(r.ethnic_group): (_num(r.standardised_rate), _num(r.standardised_lower), _num(r.standardised_upper),
                                      _num(getattr(r, "ratio_to_white", None))) for r in eth.itertuples()}
        white = rows.pop("White", None)
        if white is not None and None not in white[:3]:
            higher, lower, level = [], [], []
            for g, (rate, lo, hi, ratio) in rows.items():
                if rate is None or lo is None or hi is None:
                    continue
                said = f"{_mha_people(g)} ({rate:.1f}" + (f", {ratio:.2f} times" if ratio is not None else "") + ")"
                (higher if lo > white[2] else lower if hi < white[1] else level).append((g, said, rate))
            parts = []
            if higher:
                parts.append("higher for " + _names([x[1] for x in higher]))
            if lower:
                parts.append("lower for " + _names([x[1] for x in lower]))
            if parts:
                text = (f"{where}, the age-standardised rate of Section 136 uses was " + " and ".join(parts)
                        + f" than for White people ({white[0]:.1f} per 100,000), with published 95% confidence "
                        "intervals that do not overlap White people's")
                if level:
                    text += ("; the rate for " + _names([f"{_mha_people(x[0])} ({x[2]:.1f})" for x in level])
                             + " was not clearly different (the intervals overlap)")
                out.append(text + ".")
            elif level:
                out.append(f"{where}, no group's age-standardised rate of Section 136 uses was clearly different from "
                           f"White people's ({white[0]:.1f} per 100,000): the published 95% intervals overlap.")
    conv = _table(s, "s136_mha_conversion")
    if conv is not None and len(conv) and {"followed_by", "successes", "trials", "value", "lower", "upper"} <= set(conv.columns):
        level_c = _level(_conf(conv, cfg.get("confidence", 0.95)))
        bits = []
        for r in conv.itertuples():
            k, n, v, lo, hi = (_num(getattr(r, c)) for c in ("successes", "trials", "value", "lower", "upper"))
            if None in (k, n, v, lo, hi):
                continue
            what = str(r.followed_by).lower().replace("detention", "").strip()  # "section 2"
            bits.append(f"{v:.1f}% " + ("of the Section 136 uses recorded by mental health services were followed by a "
                                        f"detention under {what} ({k:,.0f} of {n:,.0f}" if not bits else
                                        f"by one under {what} ({k:,.0f}") + f"; {level_c} CI {lo:.1f}% to {hi:.1f}%)")
        if bits:
            lead = where if not out else when
            out.append(f"{lead}, " + " and ".join(bits) + ".")
    return out


def _s136(s: Section, cfg: dict) -> list[str]:
    conf = cfg.get("confidence", 0.95)
    out: list[str] = _s136_mha(s, cfg)
    r = _table(s, "s136_rates")
    if r is not None and len(r) and "measure" in r.columns:
        conv = r[r["measure"].astype(str) == "conversion"]
        if len(conv) and _num(conv.iloc[0]["percent"]) is not None:
            x = conv.iloc[0]
            k, n = _num(x.get("count")), _num(x.get("assessed"))
            of = f" ({int(k):,} of {int(n):,})" if k is not None and n is not None else ""  # the percentage's denominator
            out.append(f"{float(x['percent']):.0f}% of assessed Section 136 detentions{of} led to detention under section "
                       f"2 or 3 ({_level(_conf(r, conf))} CI {float(x['lower']):.0f}% to {float(x['upper']):.0f}%).")
    ba = _table(s, "s136_before_after")
    if ba is not None and len(ba) and "rr" in ba.columns:
        for _, x in ba.iterrows():
            if x["measure"] in ("conversion", "nfa") and (x["kind"] == "rate" or x["measure"] == "nfa"):
                sub = {"conversion": "The conversion rate", "nfa": "The share with no further action"}[str(x["measure"])]
                rr, lo, hi = (_num(x[k]) for k in ("rr", "rr_lower", "rr_upper"))
                txt = describe_change(None if rr is None else 100 * (rr - 1), None if lo is None else 100 * (lo - 1),
                                      None if hi is None else 100 * (hi - 1), count_from=x["pre_count"],
                                      count_to=x["post_count"], confidence=conf,
                                      subject=f"{sub} after the pilot compared with before")
                if not any(t.startswith(sub) for t in out):
                    counts = [_num(x[c]) for c in ("pre_count", "pre_n", "post_count", "post_n")]
                    # the shares' counts and denominators: a change of 38% says nothing of how many
                    of = ("" if any(c is None for c in counts) else
                          " ({:,} of {:,} assessed detentions before, {:,} of {:,} after)".format(*map(int, counts)))
                    out.append(txt + of + ".")
    out += _s136_detention_rate(s, conf)
    its = _table(s, "s136_its")
    if its is not None and len(its) and "rate_ratio" in its.columns:
        for _, x in its.iterrows():
            eff = str(x["effect"])
            rr, lo, hi = (_num(x[k]) for k in ("rate_ratio", "lower", "upper"))
            if rr is None or lo is None or hi is None:
                continue
            what = "Monthly detentions at the start of the pilot" if eff.startswith("level") else \
                "The monthly trend in detentions after the pilot began"
            pct = "a month" if not eff.startswith("level") else ""
            ci = f"({_level(_conf(its, conf))} CI {fmt_pct(100 * (lo - 1), signed=True)} to {fmt_pct(100 * (hi - 1), signed=True)})"
            if lo > 1 or hi < 1:
                verb = "rose" if rr > 1 else "fell"
                out.append(f"{what} {verb} {fmt_pct(100 * abs(rr - 1))}{' ' + pct if pct else ''} compared with the "
                           f"trend before {ci}, a statistically significant {'rise' if rr > 1 else 'fall'}.")
            else:
                out.append(f"{what}: no statistically significant change compared with the trend before "
                           f"({fmt_pct(100 * (rr - 1), signed=True)}{' ' + pct if pct else ''}, {ci[1:-1]}).")
    return out


def _s136_detention_rate(s: Section, conf: float) -> list[str]:
    """The finding of the detention rates before and after the split (``[s136] population``: the
    table ``s136_detention_rates``), which the summary did not state: the change in Section 136
    detentions per 100,000 residents a year, from the rate ratio and its interval, with both rates;
    too few to say where a number of detentions is hidden.

    >>> from saferstats.report.sections import Section, Table
    >>> t = pd.DataFrame({"period": ["Before 1 January 2024", "From 1 January 2024"], "detentions": [703, 293],
    ...                   "rate": [31.9545, 26.6364], "rate_ratio": [np.nan, 0.8336], "rate_ratio_lower": [np.nan, 0.727],
    ...                   "rate_ratio_upper": [np.nan, 0.956]})
    >>> print(_s136_detention_rate(Section("s136", "S136", "", "", tables=[Table("s136_detention_rates", "", t)]), 0.95)[0])
    Section 136 detentions per 100,000 residents a year fell 17% from 1 January 2024 (95% CI -27% to -4.4%), a statistically significant fall (32.0 a year before, 26.6 from then; 703 and 293 detentions).
    """
    t = _table(s, "s136_detention_rates")
    if t is None or len(t) != 2 or not {"rate_ratio", "rate_ratio_lower", "rate_ratio_upper", "detentions",
                                        "rate", "period"} <= set(t.columns):
        return []
    before, after = t.iloc[0], t.iloc[1]
    rr, lo, hi = (_num(after[k]) for k in ("rate_ratio", "rate_ratio_lower", "rate_ratio_upper"))
    split = str(after["period"]).removeprefix("From ")
    txt = describe_change(None if rr is None else 100 * (rr - 1), None if lo is None else 100 * (lo - 1),
                          None if hi is None else 100 * (hi - 1), count_from=before["detentions"],
                          count_to=after["detentions"], confidence=conf,
                          subject="Section 136 detentions per 100,000 residents a year")
    if txt.endswith("to say whether it changed"):
        return [f"{txt.replace('too few incidents', 'too few detentions')} from {split}."]
    txt = txt.replace(" (", f" from {split} (", 1) if " rose " in txt or " fell " in txt else txt
    rates, counts = (_num(before["rate"]), _num(after["rate"])), (_num(before["detentions"]), _num(after["detentions"]))
    if None not in rates and None not in counts:
        txt += (f" ({rates[0]:.1f} a year before, {rates[1]:.1f} from then; {counts[0]:,.0f} and {counts[1]:,.0f} "
                "detentions)")
    return [txt + "."]


def _like_england(eng: pd.DataFrame, lab: str, since: dict[str, str]) -> str:
    """The finding when no council's fly-tipping trend differs statistically significantly from that of
    England's other councils over the same years: the trend and England's beside it, said as not
    significantly different (not "in line": the interval may be wide). ``since``: the councils whose
    comparison starts after a step in their count, with " since <year>". (Liverpool, Defra 2012/13 to
    2021/22: "Fly-tipping changed in line with England's other councils over the same years in
    Liverpool.", with neither trend.)

    >>> eng = pd.DataFrame({"la_name": ["Liverpool"], "apc": [2.41], "apc_england": [4.71], "other_councils": [187]})
    >>> print(_like_england(eng, "la_name", {}))
    Liverpool's fly-tipping trend (+2.4% a year) was not statistically significantly different from that of England's other councils counted like for like over the same years (+4.7% a year across 187 councils).
    >>> print(_like_england(eng.assign(la_name="City of London"), "la_name", {"City of London": " since 2016/17"}))
    The City of London's fly-tipping trend since the step in its count (+2.4% a year since 2016/17) was not statistically significantly different from that of England's other councils counted like for like over the same years (+4.7% a year across 187 councils).
    >>> print(_like_england(pd.concat([eng, eng.assign(la_name="Wirral")]), "la_name", {}))
    None of the 2 authorities' fly-tipping trends was statistically significantly different from that of England's other councils counted like for like over the same years (187 councils: +4.7% a year).
    """
    if len(eng) > 1:
        return (f"None of the {len(eng)} authorities' fly-tipping trends was statistically significantly different "
                "from that of England's other councils counted like for like over the same years "
                f"({_england_apc(eng)}).")
    one = str(eng[lab].iloc[0])
    counts = sorted({int(n) for n in eng.get("other_councils", pd.Series(dtype=float)) if _num(n) is not None})
    england = _apc_said(eng["apc_england"].iloc[0]) if "apc_england" in eng.columns else "no estimate"
    return (capitalise(f"{place(one)}'s fly-tipping trend{' since the step in its count' if one in since else ''} "
                       f"({_apc_said(eng['apc'].iloc[0])}{since.get(one, '')}) was not statistically significantly "
                       "different from that of England's other councils counted like for like over the same years "
                       f"({england}{f' across {counts[0]:,} councils' if counts else ''})."))


def _apc_said(v: Any) -> str:
    """An annual % change as a finding says it: "+17% a year"; "no estimate" when hidden or missing."""
    f = _num(v)
    return "no estimate" if f is None else f"{fmt_pct(f, signed=True)} a year"


def _england_apc(eng: pd.DataFrame) -> str:
    """England's other councils' annual % change, as one figure or the range over the councils' spans
    (each council's comparison leaves that council out, so the figures differ a little).

    >>> _england_apc(pd.DataFrame({"apc_england": [5.308, 5.346], "other_councils": [237, 237]}))
    '237 councils: +5.3% a year'
    >>> _england_apc(pd.DataFrame({"apc_england": [2.0, 5.3], "other_councils": [237, 230]}))
    '230 to 237 councils: +2% to +5.3% a year'
    """
    vals = sorted({fmt_pct(float(v), signed=True) for v in eng["apc_england"] if _num(v) is not None},
                  key=lambda t: float(t.rstrip("%")))
    ns = sorted({int(n) for n in eng.get("other_councils", pd.Series(dtype=float)) if _num(n) is not None})
    said = ((vals[0] if len(vals) == 1 else f"{vals[0]} to {vals[-1]}") + " a year") if vals else "no estimate"
    if ns:
        said = (f"{ns[0]:,}" if len(ns) == 1 else f"{ns[0]:,} to {ns[-1]:,}") + f" councils: {said}"
    return said


_FINDERS = {"hate_crime": _hate_crime, "stop_search": _stop_search, "flytipping": _flytipping,
            "hotspots": _hotspots, "s136": _s136}


def _limitations(sections: Sequence[Section], cfg: dict) -> list[str]:
    keys = {s.key for s in sections}
    names = {t.name for s in sections for t in s.tables}
    # the police line for the sections of police records (a Section 136 report from NHS England's statistics
    # alone said "Police-recorded crime ... reflect what is ... recorded by the police" of NHS figures)
    s136_records = "s136" in keys and any(n.startswith("s136_") and not n.startswith("s136_mha") for n in names)
    police = bool(keys & {"hate_crime", "stop_search", "hotspots"}) or s136_records
    # rates the report works out over resident populations (a Section 136 report from the NHS statistics
    # alone said "Rates use resident population estimates ... town centres, night-time economies" of
    # England's figures)
    resident = _resident_rates(sections)
    out = [
        "Police-recorded crime and incidents reflect what is reported to and recorded by the police: changes in "
        "reporting, recording practice or police activity move the figures as well as changes in offending."] if police else []
    if any(n.startswith("s136_mha") for n in names):
        out.append("NHS England's Mental Health Act statistics are what NHS providers record and submit: they "
                   "are rounded and suppressed at source, and a change in what providers submit moves the figures as "
                   "well as a change in the use of the Act.")
        if "s136_mha_ethnicity" in names:
            out.append("The Section 136 rates by ethnic group are NHS England's own, per 100,000 of each group's "
                       "people in England: they are England's figures, not rates for an area's residents.")
    if "flytipping" in keys:
        out.append("Fly-tipping figures are what councils record: a change in what a council counts or how moves "
                   "its figures as well as a change in fly-tipping.")
    out += [
        f"Numbers below {cfg.get('disclosure_threshold', 5)} are withheld ([c]), with any number that would give them "
        "back; rates and comparisons built on them are withheld too, so some areas or groups are not shown.",
        "Confidence intervals allow for chance variation only, not for errors or changes in the data; a statistically "
        "significant result is not necessarily an important one, and a non-significant one does not show that "
        "nothing changed.",
    ]
    if resident:
        out.append("Rates use resident population estimates as denominators: areas with many visitors, commuters or "
                   "students (town centres, night-time economies) can show high rates per resident.")
    for s in sections:
        if "SYNTHETIC" in s.source.upper():
            out.append(f"{s.title.split(':')[0]}: some of the data are synthetic (see the section's source) and "
                       "illustrate the method only; they are not findings about real people or places.")
        if s.key == "stop_search":
            d = _table(s, "stop_search_disproportionality")
            if d is not None and "denominator" in d.columns:
                den = sorted({str(v) for v in d["denominator"].dropna()})
                if den:
                    # a denominator may carry its own caveat after "; " (the Home Office's census for those months)
                    first = sorted({d.split("; ", 1)[0] for d in den})
                    notes = sorted({d.split("; ", 1)[1] for d in den if "; " in d})
                    # a caution the section's own limitation says (the City of London's, as its own bullet
                    # below): said there once, not also in brackets here (the demo said it twice verbatim)
                    own = getattr(s, "limitation", "") or ""
                    notes = [n for n in notes if not (n.startswith("caution: ") and n.removeprefix("caution: ").rstrip(".") in own)]
                    out.append(f"Stop-and-search rates use {', '.join(first)} as the population"
                               + "".join(f" ({n})" for n in notes) + "; populations change "
                               "between censuses, and searches of people who do not live in the area count against "
                               "its residents.")
        if s.key == "hotspots" and (s.tables or s.figures):  # (none mapped: no hotspot locations to caution about)
            out.append("Hotspot locations are police.uk anonymised snap points, not exact addresses; clusters show "
                       "where incidents concentrate, not why.")
        if getattr(s, "limitation", ""):  # a section's own (no points inside the hotspot study area)
            out.append(s.limitation)
    return out


def executive_summary(sections: Sequence[Section], cfg: dict) -> Summary:
    """The summary of a report from its sections' published tables: one headline sentence per
    section, the key findings per section, data limitations and the glossary.

    >>> import pandas as pd
    >>> from saferstats.report.sections import Section, Table
    >>> ch = pd.DataFrame({"district": ["A", "B"], "period_from": ["2017-18"] * 2, "period_to": ["2018-19"] * 2,
    ...                    "count_from": [700, 770], "count_to": [780, 820], "pct_change": [11.4, 6.5],
    ...                    "pct_lower": [0.6, -3.6], "pct_upper": [23.3, 17.6], "p_value": [0.04, 0.2]})
    >>> s = Section("hate_crime", "Hate crime", "", "", tables=[Table("hate_crime_change", "", ch)])
    >>> summary = executive_summary([s], {"area": "Hertfordshire", "confidence": 0.95})
    >>> print(summary.headline[0])
    Police-recorded hate crime in Hertfordshire (1,470 to 1,600 offences) between 2017-18 and 2018-19 rose 8.8% (95% CI +1.4% to +17%), a statistically significant rise. Its interval allows for chance only (Poisson); police-recorded counts often vary more than that from year to year, and with 1.4 times chance's variation (over-dispersion 1.4) the rise would not be statistically significant.
    >>> print(summary.findings["hate_crime"][1])
    By district between 2017-18 and 2018-19: statistically significant rises in A; no statistically significant change in the other 1 area. The intervals allow for chance (Poisson) variation only; police-recorded counts often vary more than that from year to year, and the statistically significant change would not be if the counts varied twice as much as chance alone would make them (an over-dispersion of 2).
    """
    findings: dict[str, list[str]] = {}
    for s in sections:
        f = _FINDERS.get(s.key)
        try:
            findings[s.key] = [_sentence(x) for x in (f(s, cfg) if f else [])]
        except Exception as exc:  # any fault: said in the report and on the console
            # a findings function that raises: said in the section's findings and on the console (it was
            # a warning and an empty section, and an empty-table crash went unseen; walk 9, session 23)
            why = _error_words(exc, s.key)
            name = s.title.split(":")[0]
            findings[s.key] = [f"The key findings for {name} could not be produced: {why}. The section's tables and "
                               "figures are in the report, but this summary states nothing from them; ask the analyst "
                               "who produced the report to check the section's data."]
            warn_user(f"report: the key findings for '{name}' could not be produced ({type(exc).__name__}: {why}); "
                      "the report says so in its key findings, and its tables and figures are in the report")
    headline = [findings[s.key][0] for s in sections if findings.get(s.key)]
    limitations = _limitations(sections, cfg)
    periods = periods_note(sections)
    said = [*headline, *(x for f in findings.values() for x in f), *limitations, periods]
    return Summary(headline, findings, limitations, glossary_for(said, sections, cfg.get("confidence", 0.95)), periods)


def _error_words(exc: BaseException, section: str = "") -> str:
    """Why a findings function failed, in words for the report's reader: the error's message, with
    no Python exception name (a missing column reads as such, not as ``KeyError: 'ratio'``), and a
    library keyword that a key of ``[section]`` sets as that key's line (``report.config.config_words``).

    >>> _error_words(KeyError("ratio"))
    "the section's table has no 'ratio' column or entry"
    >>> _error_words(ValueError("the table is empty"))
    'the table is empty'
    >>> _error_words(ZeroDivisionError())
    'an unexpected fault in the summary (no message)'
    >>> print(_error_words(ValueError("by='csp' needs locations"), "stop_search"))
    [stop_search] by = ["csp"] needs locations
    """
    if isinstance(exc, KeyError) and exc.args:
        return f"the section's table has no {str(exc.args[0])!r} column or entry"
    from .config import config_words

    msg = config_words(" ".join(str(exc).split()).rstrip("."), section)
    return msg or "an unexpected fault in the summary (no message)"


#: the sections' names in the periods sentence
_SECTION_NAMES = {"hate_crime": "hate crime", "stop_search": "stop and search", "flytipping": "fly-tipping",
                  "hotspots": "hotspots", "s136": "Section 136"}


def periods_note(sections: Sequence[Section]) -> str:
    """A sentence naming each section's period when they are not all the same ("" otherwise).

    >>> from saferstats.report.sections import Section
    >>> a, b = Section("hate_crime", "Hate crime", "", ""), Section("flytipping", "Fly-tipping", "", "")
    >>> a.period, b.period = "2018/19", "2021/22"
    >>> print(periods_note([a, b]))
    The sections cover different periods (hate crime 2018/19; fly-tipping 2021/22): compare figures from different sections with care, and read each section's period before comparing it with the report's period.
    >>> b.period = "2018/19"
    >>> periods_note([a, b])
    ''
    """
    parts = [(_SECTION_NAMES.get(s.key, s.key), str(getattr(s, "period", "") or "")) for s in sections]
    parts = [(k, p) for k, p in parts if p]
    if len({p for _, p in parts}) < 2:
        return ""
    return ("The sections cover different periods (" + "; ".join(f"{k} {p}" for k, p in parts) + "): compare figures "
            "from different sections with care, and read each section's period before comparing it with the report's "
            "period.")


def _sentence(text: str) -> str:
    text = capitalise(text.strip())  # "The City of London's council ...", not "the City ..."
    return text if re.search(r"[.!?]$", text) else text + "."

"""The stop-and-search report's split vocabulary: the ``by`` columns that split an area's searches
(legislation, age range, sex, object of search, outcome; a month), the words a finding, a caveat or
the section's text names a split with, and the searches with no value of a split ("no legislation
recorded"). One module, so that the section (:mod:`.sections`) and the key findings (:mod:`.summary`)
say a split the same way.

>>> sub_strata(pd.DataFrame(columns=["force", "age_range", "gender", "group"]))
['age_range', 'gender']
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._periods import is_month_text, month_label
from ..geography import force_name
from .tables import place

#: the ``by`` columns that are areas, and those that are periods (neither is a split of an area's searches)
AREA_KEYS = ("force", "csp", "la", "la_name", "csp_name")
PERIOD_KEYS = ("month", "period", "year")


def _is_area(column: str) -> bool:
    return column in AREA_KEYS or column.endswith("_code")


def _names(items: Sequence[str], limit: int = 5) -> str:
    """Items (areas, groups, findings) as a sentence lists them, each area named by :func:`place`:
    "A, B and C", the first ``limit`` and how many more. An item with an " and " of its own
    (Bournemouth, Christchurch and Poole; Barking and Dagenham) is quoted, as the report quotes names
    elsewhere (and :func:`split_names` its splits), so that the "and" joining the items cannot be
    read as part of one: the Poole report's fly-tipping finding read "no statistically significant
    trend in Bournemouth, Christchurch and Poole and Poole" (two authorities, or three places?).
    Quotes, not semicolons: the report's sentences part their clauses by semicolons.

    >>> _names(["Stevenage", "London, City of", "Three Rivers"])
    'Stevenage, the City of London and Three Rivers'
    >>> _names(["Bournemouth, Christchurch and Poole", "Poole"])
    "'Bournemouth, Christchurch and Poole' and Poole"
    >>> _names(["Barking and Dagenham", "Brent", "Camden", "Ealing"], limit=2)
    "'Barking and Dagenham', Brent and 2 more"

    An "and" inside an item's own brackets is not mistaken for the list's:

    >>> _names(["Black people in Essex (Police and Criminal Evidence Act 1984 (section 1): higher)", "Mixed people"])
    'Black people in Essex (Police and Criminal Evidence Act 1984 (section 1): higher) and Mixed people'
    """
    items = [place(x) for x in items]  # in a sentence: "Kingston upon Hull", "the City of London" (tables.place)
    return _joined([_quoted(x) if _has_and(x) else x for x in items], limit)


def _has_and(item: str) -> bool:
    """Whether ``item`` has an " and " a list's could be mistaken for: not one inside its own
    brackets ("Black people in Essex (Police and Criminal Evidence Act 1984 (section 1): ...)") or
    quotes ("Asian people in 'Barking and Dagenham'"; an apostrophe, "King's Lynn and West Norfolk",
    opens no quote).

    >>> [_has_and(x) for x in ["King's Lynn and West Norfolk", "the 'Isle of Man and Sark'", "Asian (A and B)"]]
    [True, False, False]
    """
    bare, before = re.sub(r"(?<![\w'])'[^']*'(?![\w])", "", item), ""
    while bare != before:  # the innermost brackets first
        bare, before = re.sub(r"\([^()]*\)", "", bare), bare
    return " and " in bare


def quoted_if_and(name: str) -> str:
    """``name`` (an area as a sentence says it, :func:`place`) quoted where it has an " and " of its
    own, so that a list of items that hold it (a finding, "Asian people in 'Barking and Dagenham' (38%
    against 28%, higher)") quotes the name, not the whole item (:func:`_names`).

    >>> quoted_if_and("Barking and Dagenham"), quoted_if_and("Essex")
    ("'Barking and Dagenham'", 'Essex')
    """
    return _quoted(name) if _has_and(name) else name


def _quoted(name: str) -> str:
    """``name`` in single quotes, a leading "the" (:func:`place`) left outside them."""
    return f"the '{name[4:]}'" if name[:4].lower() == "the " else f"'{name}'"


def _joined(items: Sequence[str], limit: int) -> str:
    """``items`` parted by commas, the last by " and "; past ``limit``, the first ``limit`` and how
    many more."""
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def split_names(labels: Sequence[str], limit: int = 8) -> str:
    """A list of splits (:func:`split_label`) as a sentence joins it, one rule for every list of them:
    as :func:`_names`, but when any label has an " and " of its own (police.uk's legislation "Criminal
    Justice and Public Order Act 1994 (section 60)", "Police and Criminal Evidence Act 1984 (section
    1)"), every label is quoted, so that the "and" joining them cannot be read as part of one (the City
    of London 2023 by ``["force", "legislation"]`` read "(Criminal Justice and Public Order Act 1994
    (section 60) and no legislation recorded)").

    >>> split_names(["Criminal Justice and Public Order Act 1994 (section 60)", "no legislation recorded"])
    "'Criminal Justice and Public Order Act 1994 (section 60)' and 'no legislation recorded'"
    >>> split_names(["18-24 / Male", "25-34 / Female"])
    '18-24 / Male and 25-34 / Female'
    """
    if any(" and " in str(x) for x in labels):  # every label quoted (and not quoted twice by _names)
        return _joined([place(f"'{x}'") for x in labels], limit)
    return _names(labels, limit=limit)


def _groups_in_splits(rows: pd.DataFrame, mask: np.ndarray, split: Sequence[str]) -> tuple[str, int]:
    """The groups of ``rows[mask]`` as a caveat names them, each with the split it is in (``split``,
    :func:`said_splits`: the ``by`` columns other than the area, and the month by month; said by
    :func:`split_label`): "Asian and Black (Firearms Act 1968 (section 47)), Other (no legislation
    recorded)", and how many rows that is; with no split, or the same groups in every split, the groups
    alone ("Asian and Black"). "" and 0 for none.

    >>> t = pd.DataFrame({"legislation": ["A", "A", "B", "C"], "group": ["Asian", "Black", "Black", "Black"]})
    >>> _groups_in_splits(t, np.array([True, True, True, True]), ["legislation"])
    ('Asian and Black (A), Black (B and C)', 4)
    >>> _groups_in_splits(t, np.array([True, True, True, True]), [])
    ('Asian and Black', 2)
    >>> m = pd.DataFrame({"month": ["2019-12", "2020-01", "2020-01"], "gender": ["Male", "Male", "Female"],
    ...                   "group": ["Mixed", "Mixed", "Mixed"]})
    >>> _groups_in_splits(m, np.array([True, True, False]), ["month", "gender"])
    ('Mixed (Dec 2019 / Male and Jan 2020 / Male)', 2)

    A split whose values have an "and" of their own is quoted (:func:`split_names`):

    >>> c = pd.DataFrame({"legislation": ["Police and Criminal Evidence Act 1984 (section 1)", "no legislation recorded",
    ...                                   "Misuse of Drugs Act 1971 (section 23)"], "group": ["Other"] * 3})
    >>> _groups_in_splits(c, np.array([True, True, False]), ["legislation"])[0]
    "Other ('Police and Criminal Evidence Act 1984 (section 1)' and 'no legislation recorded')"

    The same groups in every split of ``rows`` are said alone (by month, each month's Mixed and Other):

    >>> e = pd.DataFrame({"month": ["2019-12", "2019-12", "2020-01", "2020-01"], "group": ["Mixed", "Other"] * 2})
    >>> _groups_in_splits(e, np.array([True] * 4), ["month"]), _groups_in_splits(e, np.array([True, True, False, True]), ["month"])
    (('Mixed and Other', 4), ('Mixed and Other (Dec 2019), Other (Jan 2020)', 3))
    """
    sel = rows[mask]
    if not len(sel):
        return "", 0
    if not split:
        groups = list(dict.fromkeys(str(x) for x in sel["group"]))
        return _names(groups), len(groups)
    kinds: dict[str, list[str]] = {}
    for _, r in sel.iterrows():
        kinds.setdefault(split_label(r, split), []).append(str(r["group"]))
    alike: dict[tuple[str, ...], list[str]] = {}  # the same groups in several splits: said once
    for k, gs in kinds.items():
        alike.setdefault(tuple(dict.fromkeys(gs)), []).append(k)
    if len(alike) == 1 and len(kinds) == len({split_label(r, split) for _, r in rows.iterrows()}) > 1:
        # the same groups in every split of the rows: said once, as the groups alone
        return _names(list(next(iter(alike)))), len(sel)
    return ", ".join(f"{_names(list(gs), limit=8)} ({split_names(ks)})" for gs, ks in alike.items()), len(sel)


def sub_strata(table: pd.DataFrame) -> list[str]:
    """The ``by`` columns of a stop-and-search table that split an area's searches other than by
    period (``legislation``, ``age_range``, ``gender``, ``object_of_search``, ``outcome``): a finding
    from one of its rows names them, as it names the month, and compares with White people's row of
    the same split (police.uk City of London 2023 by ``["force", "legislation"]``: "In the City of
    London, Black people were searched at 10.9 times the rate of White people" was the Misuse of
    Drugs Act searches' ratio).

    >>> sub_strata(pd.DataFrame(columns=["force", "csp", "csp_code", "legislation", "month", "group", "searches"]))
    ['legislation']
    """
    cols = [str(c) for c in table.columns]
    labels = cols[:cols.index("group")] if "group" in cols else []
    return [c for c in labels if c not in ("force", "csp", "la", "la_name", "csp_name", "month", "period", "year")
            and not c.endswith("_code")]


def all_residents_words(table: pd.DataFrame, sentence: bool = False) -> str:
    """What a stop-and-search table split by age range or sex (``.attrs["all_residents_split"]``, set by
    the report where the populations have no such column) sets its searches against: residents of all
    ages and both sexes, so its rates and ratios are not like for like. ``sentence``: the section's
    sentence (with a trailing space); else the finding's caveat. "" for any other table.

    >>> t = pd.DataFrame(columns=["force", "gender", "group"])
    >>> t.attrs["all_residents_split"] = ["gender"]
    >>> all_residents_words(t)
    'against residents of all ages and both sexes, not of that sex (the Census tables by ethnic group have no age or sex): not like for like'
    >>> all_residents_words(pd.DataFrame())
    ''
    """
    cols = table.attrs.get("all_residents_split") or []
    if not cols:
        return ""
    what = " and ".join({"age_range": "age range"}.get(str(c), "sex") for c in cols)
    if not sentence:
        return (f"against residents of all ages and both sexes, not of that {what} (the Census tables by ethnic group "
                "have no age or sex): not like for like")
    return (f"The rates and ratios by {what} set each row's searches against residents of all ages and both sexes, not "
            f"of that {what} (the Census tables by ethnic group have no age or sex): they are not rates of people of "
            f"that {what}, and the ratios mix the groups' age and sex structures (minority ethnic populations are "
            "younger), so they are not like for like. ")


#: record columns the analyses read (a missing outcome is not known, not an outcome of its own): a
#: ``by`` among them is relabelled in the result tables, not in the records (:func:`_not_recorded_keys`)
_READ_AS_DATA = ("outcome", "outcome_linked_to_object_of_search", "type", "self_defined_ethnicity",
                 "officer_defined_ethnicity")


def _not_recorded_keys(records: pd.DataFrame, by: Sequence[str],
                       skip: Container[str] = ()) -> tuple[pd.DataFrame, str]:
    """The records with a missing value of a ``by`` column of theirs said as
    :func:`saferstats.plotting.not_recorded` says it (police.uk's blank ``legislation``: 100 of the City
    of London's 2,384 searches in 2023; ``object_of_search``, ``age_range``), and the text's words on
    it: those searches are a row of their own, counted, neither dropped nor named "nan" (the library
    keeps them as a stratum whose label is missing, which the forest plot could not name). Not
    ``force`` (the reader's file names) nor ``month`` (a period: a search with no date is the reader's
    to refuse). Columns ``skip`` are said but not relabelled (:data:`_READ_AS_DATA`, for the records:
    ``outcome_test(outcome="arrest")`` leaves a search with no outcome out; relabelled, it would be
    counted as one not ending in arrest); the result tables are relabelled after.

    >>> recs = pd.DataFrame({"force": ["essex"] * 3, "legislation": pd.Categorical(["Firearms Act 1968 (section 47)", None, ""])})
    >>> out, words = _not_recorded_keys(recs, ["force", "legislation"])
    >>> out["legislation"].tolist(), words
    (['Firearms Act 1968 (section 47)', 'no legislation recorded', 'no legislation recorded'], "Searches with no legislation recorded in the files are in the rows 'no legislation recorded'. ")
    """
    from ..plotting import not_recorded

    said = []
    for b in dict.fromkeys(by):
        if b in ("force", "month") or b not in records.columns or pd.api.types.is_numeric_dtype(records[b]):
            continue
        col = records[b].astype(object)
        missing = (col.isna() | col.astype(str).str.strip().eq("")).to_numpy()
        if not missing.any():
            continue
        if b not in skip:
            records = records.copy() if not said else records
            records[b] = col.where(~missing, not_recorded(b)).astype("category")
        said.append(f"Searches with no {str(b).replace('_', ' ')} recorded in the files are in the rows "
                    f"'{not_recorded(b)}'. ")
    return records, "".join(said)


def _stratum_said(r: dict[str, Any], keys: Sequence[str], names: dict[str, str]) -> str:
    """A stratum of an ``outcome_test`` ``.attrs["not_stated_strata"]`` record ``r`` (its values of
    ``keys``) as a sentence names it: the force by its name, a month as a reader reads it ("the City
    of London in Jan 2020", not "the City of London (2020-01)"), other keys in brackets (a split's
    values as :func:`split_label` says them).

    >>> _stratum_said({"force": "city-of-london", "month": "2020-01"}, ["force", "month"], {})
    'the City of London in Jan 2020'
    >>> _stratum_said({"force": "derbyshire", "csp": "Derby", "month": "2019-12"}, ["force", "csp", "month"], {})
    'Derbyshire (Derby) in Dec 2019'
    >>> _stratum_said({"force": "durham", "age_range": "18-24", "gender": "Male"}, ["force", "age_range", "gender"], {})
    'Durham (18-24 / Male)'
    """
    said = [place(names.get(str(r[c]), force_name(str(r[c])))) if c == "force" else place(r[c])
            for c in keys if not is_month_text(r[c]) and _is_area(c)]
    splits = [c for c in keys if not is_month_text(r[c]) and not _is_area(c)]
    if splits:  # (two or more: "18-24 / Male", :func:`split_label`)
        said.append(split_label(r, splits))
    months = [month_label(r[c]) for c in keys if is_month_text(r[c])]
    name = (said[0] + (f" ({', '.join(said[1:])})" if len(said) > 1 else "")) if said else ""
    return " ".join([name, *(f"in {m}" for m in months)]).strip()


def split_label(row: Any, cols: Sequence[str]) -> str:
    """The split a row is in, as every sentence of the report names it (one rule): its values of the
    split columns ``cols`` (:func:`said_splits`) in the order of ``by``, joined with " / ", so that a
    list of splits says which value goes with which ("18-24 / Male and 25-34 / Female"; police.uk City
    of London 2023 by ``["force", "age_range", "gender"]`` read "10-17, Female, 25-34, Female and no
    age range recorded, Female"); a month as a reader reads it ("Jan 2020"). With two or more columns, a
    value with a "/" of its own (police.uk's outcome "Summons / charged by post") is quoted.

    >>> split_label({"age_range": "18-24", "gender": "Male"}, ["age_range", "gender"])
    '18-24 / Male'
    >>> split_label({"legislation": "Firearms Act 1968 (section 47)", "month": "2020-01"}, ["legislation", "month"])
    'Firearms Act 1968 (section 47) / Jan 2020'
    >>> split_label({"outcome": "Summons / charged by post", "gender": "Male"}, ["outcome", "gender"])
    "'Summons / charged by post' / Male"
    """
    said = [month_label(row[c]) for c in cols]
    return " / ".join(f"'{v}'" if len(said) > 1 and "/" in v else v for v in said)


def said_splits(table: pd.DataFrame, area: Any = None) -> list[str]:
    """The columns a finding's caveat names a row's split by: :func:`sub_strata`, and a period column
    with more than one value (by force and month each row is one month's: police.uk, seven forces, Dec
    2019 - Feb 2020, by ``["force", "month"]``: "Mixed and Other: counts suppressed" beside Essex's Feb
    2020 ratio pooled the three months), in the table's order; not ``area``.

    >>> t = pd.DataFrame({"force": ["Essex"] * 2, "month": ["2019-12", "2020-01"], "group": ["Black"] * 2})
    >>> said_splits(t, "force"), said_splits(t.iloc[:1], "force")
    (['month'], [])
    """
    cols = [str(c) for c in table.columns]
    subs = set(sub_strata(table))
    return [c for c in (cols[:cols.index("group")] if "group" in cols else [])
            if c != area and (c in subs or (c in PERIOD_KEYS and table[c].nunique() > 1))]


def caveats_in_order(caveats: Sequence[str], table: pd.DataFrame) -> list[str]:
    """A finding's caveats in one order, whatever the finding (a ratio; "no ethnic group was searched at
    a ... higher rate"; "too few to say"; "the only ratios shown"): first the caveat that the table's
    rates are against residents of all ages and both sexes (:func:`all_residents_words`: by age range
    or sex they are not rates of that age range or sex at all, the first thing a reader must know),
    added where the sentence has not; then the others as given, each once.

    >>> t = pd.DataFrame(columns=["force", "gender", "group"])
    >>> t.attrs["all_residents_split"] = ["gender"]
    >>> [c[:38] for c in caveats_in_order(["or the numbers were too small to say"], t)]
    ['against residents of all ages and both', 'or the numbers were too small to say']
    """
    first = all_residents_words(table)
    return ([first] if first else []) + [c for c in dict.fromkeys(caveats) if c and c != first]


def by_outcome_words(table: pd.DataFrame) -> str:
    """What the report says in place of find and arrest rates by outcome (``by`` with ``outcome``: the
    outcome is the split): an arrest rate within an outcome is fixed by the split (every search in
    "Arrest" ended in arrest, none of the others did) and a find rate within one is of searches chosen
    by what they led to, so neither compares a group's searches with White people's as the outcome
    test does; "" for a table not split by outcome. (police.uk Durham, Dec 2019 - Feb 2020, by
    ``["force", "outcome"]``.)

    >>> by_outcome_words(pd.DataFrame(columns=["force", "outcome", "group"]))[:62]
    'Find and arrest rates are not compared with White people here:'
    >>> by_outcome_words(pd.DataFrame(columns=["force", "group"]))
    ''
    """
    if "outcome" not in sub_strata(table):
        return ""
    return ("Find and arrest rates are not compared with White people here: the searches are split by outcome, so "
            "within an outcome the arrest rate is fixed by the split (every search in 'Arrest' ended in arrest, none "
            "in the others did) and a find rate is of the searches chosen by what they led to, not of all a group's "
            "searches, so neither is a finding; for find and arrest rates, run the report without \"outcome\" in "
            "[stop_search] by.")

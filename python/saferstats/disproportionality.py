"""Stop-and-search disproportionality (Home Office method, ``docs/methods/stop_search.md`` B1-B3): search rates
per 1,000 by ethnic group against census denominators, each group's ratio to a reference group
(White by default) with confidence intervals, and outcome (arrest / find / positive outcome)
comparisons. The statistics run in the Rust ``disproportionality`` and ``tables`` modules; this
layer maps ethnicity labels, counts records, places searches in CSPs / local authorities from their
locations, joins denominators (Census 2021 by default, :func:`census_population`) and reports
every exclusion.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._confidence import confidence_levels
from ._frames import (accepts_frames, as_float_array, count_by_codes, label_of, near_column, per_distinct, plain,
                      require_columns)
from .exceptions import InvalidInputError, SaferstatsWarning, UnknownAreaError, warn_user
from .geography import areas_2024, close_matches, assign_area, census_population, force_id
from .rates import method_labels

__all__ = [
    "HO_ETHNICITY_GROUPS",
    "ETHNIC_GROUPS",
    "assign_ethnicity",
    "census_population",
    "disproportionality",
    "outcome_test",
]

#: The five Home Office ethnic groups.
ETHNIC_GROUPS = ("White", "Black", "Asian", "Mixed", "Other")
NOT_STATED = "Not stated"

#: Home Office mapping of the police.uk self-defined (18+1 Census 2011) categories and the
#: officer-defined categories to the five groups; "Not stated" and blanks are excluded.
HO_ETHNICITY_GROUPS: dict[str, str] = {
    "White - English/Welsh/Scottish/Northern Irish/British": "White",
    "White - Irish": "White",
    "White - Gypsy or Irish Traveller": "White",
    "White - Any other White background": "White",
    "Mixed/Multiple ethnic groups - White and Black Caribbean": "Mixed",
    "Mixed/Multiple ethnic groups - White and Black African": "Mixed",
    "Mixed/Multiple ethnic groups - White and Asian": "Mixed",
    "Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background": "Mixed",
    "Asian/Asian British - Indian": "Asian",
    "Asian/Asian British - Pakistani": "Asian",
    "Asian/Asian British - Bangladeshi": "Asian",
    "Asian/Asian British - Chinese": "Asian",
    "Asian/Asian British - Any other Asian background": "Asian",
    "Black/African/Caribbean/Black British - African": "Black",
    "Black/African/Caribbean/Black British - Caribbean": "Black",
    "Black/African/Caribbean/Black British - Any other Black/African/Caribbean background": "Black",
    "Other ethnic group - Arab": "Other",
    "Other ethnic group - Any other ethnic group": "Other",
    "Other ethnic group - Not stated": NOT_STATED,
    "": NOT_STATED,
    # officer-defined
    "White": "White",
    "Black": "Black",
    "Asian": "Asian",
    "Mixed": "Mixed",
    "Other": "Other",
}

_TEST_LABELS = list(_ext.test_labels())


@functools.lru_cache(maxsize=1)
def _force_names_said() -> dict[str, str]:
    """police.uk force identifier -> the force's name as a sentence says it (ONS names, "London,
    City of" said "City of London")."""
    from .geography import area_lookup, display_name

    lk = area_lookup().drop_duplicates("force")
    return {str(f): display_name(n) for f, n in zip(lk["force"], lk["force_name"])}


def force_said(label: Any) -> str:
    """A force as a message names it: a police.uk identifier (``read_stop_search``'s ``force``
    column) or an ONS code by the force's name, never the slug an analyst does not write; a name is
    kept as the data spell it (ONS inverted names said the right way round); a label that is no
    force (``"all searches"``, a force of your own) as it is.

    >>> [force_said(x) for x in ["city-of-london", "south-yorkshire", "E23000027", "Essex Police", "London, City of", "all searches"]]
    ['City of London', 'South Yorkshire', 'Hertfordshire', 'Essex Police', 'City of London', 'all searches']
    """
    from .geography import display_name

    text = str(label)
    fid = force_id(text) if text.strip() else None
    if fid is None:
        return text
    said = text.strip()
    if said.lower() == fid or re.fullmatch(r"[EW]23\d{6}", said, flags=re.I):
        return _force_names_said().get(fid, text)
    return display_name(said)


def _unit_said(unit: Any) -> str:
    """A force's name and a colon before its counts in a message (``"Durham: "``); "the searches"
    where the records name no force (``"all searches: 346 of 346"`` read as if some were left out)."""
    return "the searches: " if str(unit) in ("", "all searches", NO_FORCE) else f"{force_said(unit)}: "


def _key_said(key: Any, value: Any) -> str:
    """A stratum's value of column ``key`` as a message names it: forces by name (:func:`force_said`), a
    missing value as the tables and the report say it (police.uk City of London 2023 by legislation:
    "no legislation recorded", not "nan").

    >>> _key_said("legislation", float("nan")), _key_said("force", "city-of-london")
    ('no legislation recorded', 'City of London')
    """
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        from .plotting import not_recorded

        return not_recorded(str(key))
    return force_said(value) if str(key) == "force" else str(value)


def _by_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    try:
        keys = list(by)
    except TypeError:
        raise InvalidInputError(f"`by` must be a column name or a list of them, not {by!r}", "by") from None
    for k in keys:
        if not isinstance(k, (str, int)) or isinstance(k, bool):
            raise InvalidInputError(f"`by` must name columns; {k!r} is not a column name", "by")
    if len(set(keys)) < len(keys):
        raise InvalidInputError(f"`by` names a column twice: {keys}", "by")
    return keys


def _by_columns(searches: pd.DataFrame, keys: list[str]) -> list[str]:
    """``by`` as the columns of ``searches`` are spelt: a key that is no column but matches one column,
    or an area placed by location (``"csp"``, ``"la"``), but for case and spaces is that column or area
    (``by="CSP"``, as the acronym is written, was "searches has no column 'CSP'")."""
    cols = [c for c in searches.columns if isinstance(c, str)]
    out = []
    for k in keys:
        if not isinstance(k, str) or k in searches.columns:
            out.append(k)
            continue
        bare = " ".join(k.split()).casefold()
        same = [c for c in cols if " ".join(c.split()).casefold() == bare]
        out.append(same[0] if len(same) == 1 else bare if not same and bare in _AREA_LEVELS else k)
    if len(set(out)) < len(out):
        raise InvalidInputError(f"`by` names a column twice: {keys}", "by")
    return out


def _reference_label(labels: pd.Series, reference: str) -> str:
    """The group label ``reference`` names: itself where a row has it, else the one label equal to it
    but for case and spaces (``reference="white"`` for police.uk's and the Census's "White"), which
    was "reference group 'white' has no row for {'force': 'derbyshire'}" though White was there."""
    have = set(labels.astype(str))
    if reference in have:
        return reference
    bare = " ".join(reference.split()).casefold()
    near = sorted(g for g in have if " ".join(g.split()).casefold() == bare)
    return near[0] if len(near) == 1 else reference


def _search_args(searches: pd.DataFrame, keys: list[str], mapping: Any, ethnicity_source: Any, unknown: Any,
                 **labels: Any) -> tuple[list[str], Any, str]:
    """The arguments :func:`disproportionality` and :func:`outcome_test` share, checked alike: each of
    ``labels`` (``group``, ``population_col``: column names; ``reference``: a group label) a string,
    the ``by`` columns ``keys`` found in ``searches`` (:func:`_by_columns`), the ``mapping``, and
    ``ethnicity_source`` and ``unknown`` among their options. Returns the ``by`` columns, the mapping
    and the ethnicity source."""
    for name, value in labels.items():
        if not isinstance(value, str):
            what = "a group label" if name == "reference" else "a column name"
            raise InvalidInputError(f"`{name}` must be {what}, not {value!r}", name)
    keys = _by_columns(searches, keys)
    mapping = _check_mapping(mapping)
    source = _choice(ethnicity_source, "ethnicity_source", ("self", "officer", "self_then_officer"))
    _choice(unknown, "unknown", ("error", "other"))
    return keys, mapping, source


def _check_mapping(mapping: Any) -> Mapping[str, str] | None:
    if mapping is None:
        return None
    if not isinstance(mapping, Mapping):
        raise InvalidInputError("`mapping` must be a {label: group} mapping", "mapping")
    bad = [(k, v) for k, v in mapping.items() if not isinstance(k, str) or not isinstance(v, str)]
    if bad:
        raise InvalidInputError(f"`mapping` must map text labels to text groups; got {bad[0]!r}", "mapping")
    return mapping


@accepts_frames("searches")
def assign_ethnicity(
    searches: pd.DataFrame,
    *,
    source: Literal["self", "officer", "self_then_officer"] = "self",
    mapping: Mapping[str, str] | None = None,
    unknown: Literal["error", "other"] = "error",
) -> pd.Series:
    """The five-group ethnicity of each search (or ``"Not stated"``).

    ``source``: ``"self"`` (Home Office default, self-defined), ``"officer"``, or
    ``"self_then_officer"`` (self-defined where stated, else officer-defined). ``mapping`` overrides
    or extends :data:`HO_ETHNICITY_GROUPS` (e.g. map "Mixed/Multiple ethnic groups - White and Black
    Caribbean" to "Black", as some analyses do). Labels not in the mapping raise
    :class:`InvalidInputError` listing them, unless ``unknown="other"``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"self_defined_ethnicity": ["White - Irish", ""], "officer_defined_ethnicity": ["White", "Black"]})
    >>> assign_ethnicity(df, source="self_then_officer").tolist()
    ['White', 'Black']
    """
    if not isinstance(source, str) or source not in ("self", "officer", "self_then_officer"):
        raise InvalidInputError(
            f"unknown ethnicity_source {source!r}; valid: 'self', 'officer', 'self_then_officer'", "ethnicity_source"
        )
    if not isinstance(unknown, str) or unknown not in ("error", "other"):
        raise InvalidInputError(f"unknown `unknown` {unknown!r}; valid: 'error', 'other'", "unknown")
    mapping = _check_mapping(mapping)
    table = dict(HO_ETHNICITY_GROUPS)
    if mapping:
        table.update(mapping)
    cols = {"self": ["self_defined_ethnicity"], "officer": ["officer_defined_ethnicity"],
            "self_then_officer": ["self_defined_ethnicity", "officer_defined_ethnicity"]}[source]
    require_columns(searches, {c: c for c in cols}, "searches")

    def mapped(col: str) -> pd.Series:
        unknown_labels: set[str] = set()

        def group_of(label: str) -> Any:
            label = label.strip()
            if label not in table:
                unknown_labels.add(label)
                return "Other" if unknown == "other" else None
            return table[label]

        out = per_distinct(searches[col], group_of, categorical=True)
        if unknown_labels and unknown != "other":
            text = searches[col].astype("string").fillna("").str.strip()
            i = int(np.flatnonzero(text.isin(unknown_labels).to_numpy(bool))[0])
            where = f"row {label_of(searches, i)!r}"
            if {"source_file", "source_line"} <= set(searches.columns):  # read_stop_search's records
                name = str(searches["source_file"].iloc[i])
                kind = "record" if re.search(r"\.json(\.gz)?$", name, flags=re.IGNORECASE) else "line"
                where += f": {name} {kind} {searches['source_line'].iloc[i]}"
            raise InvalidInputError(
                f"column {col!r} has ethnicity labels not in the mapping: {sorted(unknown_labels)} (first at "
                f"{where}); pass mapping={{label: group}} or unknown='other'{_older_labels_hint(unknown_labels)}",
                col, label_of(searches, i), position=i
            )
        return out

    first = mapped(cols[0])
    if len(cols) == 2:
        second = mapped(cols[1])
        a, b = first.to_numpy(object), second.to_numpy(object)
        first = pd.Series(pd.Categorical(np.where(a != NOT_STATED, a, b)), index=first.index)
    return first.rename("ethnicity")


#: police.uk's older self-defined labels (the 16+1 codes of the 2001 Census: "White - White British
#: (W1)", "Mixed - Any other Mixed ethnic background (M9)", as in the police.uk API's own examples of 2017)
_OLDER_LABEL = re.compile(r"\((?P<letter>[WMABO])\d\)\s*$")


def _older_labels_hint(labels: set[str]) -> str:
    """What to do with police.uk's older 16+1 labels, where the unknown ``labels`` hold some: the
    library does not map them itself, because where "Other - Chinese (O1)" goes is a choice (the
    police's older five groups put Chinese with Other, the Census 2011 and 2021 groups with Asian).

    >>> _older_labels_hint({"Martian"})
    ''
    >>> "Other - Chinese (O1)" in _older_labels_hint({"White - White British (W1)"})
    True
    """
    older = sorted(x for x in labels if _OLDER_LABEL.search(x))
    if not older:
        return ""
    return (f". {len(older)} of them are police.uk's older 16+1 labels (e.g. {older[0]!r}): map them by their code's "
            "letter, e.g. mapping={x: {'W': 'White', 'M': 'Mixed', 'A': 'Asian', 'B': 'Black', 'O': 'Other'}[x.strip()[-3]] "
            "for x in labels}, and say where 'Other - Chinese (O1)' goes (Other there; the Census populations count "
            "Chinese people as Asian)")


def _record_groups(
    searches: pd.DataFrame, group: str, source: str, mapping: Mapping[str, str] | None, unknown: str,
    include_vehicle: bool,
) -> tuple[pd.Series, np.ndarray, dict[str, int]]:
    """Each search's group, which searches count (a person searched, group stated), and the
    counts of what was left out."""
    excluded: dict[str, int] = {}
    if group in searches.columns:
        groups = searches[group]
    elif group == "ethnicity":
        groups = assign_ethnicity(searches, source=source, mapping=mapping, unknown=unknown)  # type: ignore[arg-type]
    else:
        raise InvalidInputError(f"searches has no column {group!r} (keyword `group`){_group_hint(searches.columns, group)}",
                                "group")
    use = _with_person(searches, include_vehicle)
    if not include_vehicle and "type" in searches.columns:
        excluded["vehicle_only"] = int((~use).sum())
    not_stated = per_distinct(groups, lambda g: g in ("", NOT_STATED)).to_numpy(bool)
    excluded["not_stated"] = int((not_stated & use).sum())
    excluded["searches_with_person"] = int(use.sum())
    use &= ~not_stated
    return groups, use, excluded


def _group_hint(columns: Any, group: Any) -> str:
    """"; did you mean group='...'?" for a ``group`` column that is not there: the columns whose name
    says ethnicity or race (West Midlands' published shares: ``ethnic_group``, which difflib finds
    too far from ``ethnicity``) - the one of them spelt like it
    (:func:`~saferstats._frames.near_column`) if any - else the column spelt like it (not where
    columns name an ethnicity: ``race`` is spelt like ``force``); "" when none looks like it.

    >>> _group_hint(["ethnic_group", "searches_share", "pop_share"], "ethnicity")
    "; did you mean group='ethnic_group'?"
    >>> _group_hint(["force", "searches"], "ethnicity")
    ''
    """
    near = near_column(columns, group)
    ethnic = [c for c in columns if isinstance(c, str) and re.search(r"ethnic|race", c, flags=re.I)]
    said = [near] if near is not None and (near in ethnic or not ethnic) else ethnic[:3]
    return f"; did you mean {' or '.join(f'group={c!r}' for c in said)}?" if said else ""


#: How the attributes name the records that give no force (police.uk API responses): not ``''``.
NO_FORCE = "no force given"


def force_units(force: pd.Series) -> np.ndarray:
    """Each record's force as the attributes key it (``not_stated_by``, ``unassigned_by_force``):
    its ``force`` as text, and :data:`NO_FORCE` where it gives none (blank or missing, as in a
    police.uk API response read without ``force=``).

    >>> force_units(pd.Series(["durham", "", None, " "])).tolist()
    ['durham', 'no force given', 'no force given', 'no force given']
    """
    units: np.ndarray = per_distinct(force, lambda f: f if f.strip() else NO_FORCE).to_numpy(object)
    return units


def _not_stated_by(searches: pd.DataFrame, use: np.ndarray, include_vehicle: bool) -> dict[str, tuple[int, int]]:
    """``{force: (not stated, searches with a person)}`` for each force (else ``"all searches"``;
    :data:`NO_FORCE` for records that give none), from the counted searches ``use`` of
    :func:`_record_groups`."""
    person = _with_person(searches, include_vehicle)
    unit = force_units(searches["force"]) if "force" in searches.columns else np.full(len(searches), "all searches")
    frame = pd.DataFrame({"unit": unit, "ns": person & ~use, "n": person})
    per = frame.groupby("unit", sort=True)[["ns", "n"]].sum()
    return {str(u): (int(r.ns), int(r.n)) for u, r in per.iterrows() if r.n > 0}


#: Share of a force's searches (with a person) with no stated ethnicity from which disproportionality
#: warns (the report's caution uses the same fifth).
NOT_STATED_WARN = 0.2


def _warn_not_stated(not_stated_by: dict[str, tuple[int, int]], source: str) -> None:
    """Warn where a fifth or more of a force's searches have no stated ethnicity: its rates count
    only the searches with one, so they understate every group's searching there, and forces whose
    shares differ are not like for like (police.uk, Dec 2019 - Feb 2020: City of London 34%, South
    Yorkshire 24%, Durham 3%).

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     _warn_not_stated({"city-of-london": (425, 1245), "durham": (12, 413)}, "self")
    >>> print(str(w[0].message)[:105])
    disproportionality: ethnicity is not stated for a fifth or more of the searches in City of London (34% of
    """
    high = {f: (ns, n) for f, (ns, n) in not_stated_by.items() if n >= 10 and ns >= NOT_STATED_WARN * n}
    if not high:
        return
    where = "; ".join(f"{force_said(f) if str(f).strip() and f != NO_FORCE else 'the records (which name no force)'} ({100 * ns / n:.0f}% "
                      f"of {n:,})" for f, (ns, n) in sorted(high.items(), key=lambda x: -x[1][0] / x[1][1]))
    fill = (" ethnicity_source='self_then_officer' counts them by the officer-defined ethnicity instead (not the "
            "Home Office's measure: say so);" if source == "self" else "")
    warn_user(f"disproportionality: ethnicity is not stated for a fifth or more of the searches in {where}: the rates "
              "count only the searches with a stated ethnicity, so they understate every group's searching there and "
              "are lower than other forces' for that reason alone (ratios between groups assume the not stated are "
              f"spread like the rest);{fill} counts in .attrs['not_stated_by']")


def _with_person(searches: pd.DataFrame, include_vehicle: bool) -> np.ndarray:
    """Which searches count as searches of a person: all, or all but the vehicle-only searches."""
    if include_vehicle or "type" not in searches.columns:
        return np.ones(len(searches), dtype=bool)
    vehicle: np.ndarray = per_distinct(searches["type"], lambda t: t.strip().lower() == "vehicle search").to_numpy(bool)
    return ~vehicle


def _strata_cols(frame: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """The columns a not-stated share is judged over: the rows reported (``keys``), each force's
    searches apart where the rows pool forces (a pooled row can hide a force with a third not stated)."""
    return (["force"] if "force" in frame.columns and "force" not in keys else []) + list(keys)


def _not_stated_strata(frame: pd.DataFrame, cols: Sequence[str], person: np.ndarray, stated: np.ndarray,
                       known: np.ndarray | None = None, hit: np.ndarray | None = None) -> pd.DataFrame:
    """Per stratum of ``cols`` (one row, ``"all searches"``, without): ``not_stated`` of the
    ``searches`` with a person; with ``known`` / ``hit`` (outcome known, outcome a hit) also the
    searches with a known outcome and their hits, not stated (``ns_n, ns_hits``) and stated
    (``st_n, st_hits``).

    >>> f = pd.DataFrame({"force": ["a", "a", "a", "b"]})
    >>> _not_stated_strata(f, ["force"], np.ones(4, bool), np.array([True, False, True, True]))[["force", "not_stated", "searches"]].to_dict("records")
    [{'force': 'a', 'not_stated': 1, 'searches': 3}, {'force': 'b', 'not_stated': 0, 'searches': 1}]
    """
    cols = list(cols)
    data: dict[str, Any] = {c: frame[c].astype(object).to_numpy() for c in cols} if cols else {
        "stratum": np.full(len(frame), "all searches", dtype=object)}
    ns = person & ~stated
    data.update(not_stated=ns, searches=person)
    if known is not None and hit is not None:
        data.update(ns_n=ns & known, ns_hits=ns & known & hit, st_n=person & stated & known,
                    st_hits=person & stated & known & hit)
    table = pd.DataFrame(data)
    per = table.groupby(cols or ["stratum"], sort=True, dropna=False).sum().reset_index()
    per = per[per["searches"] > 0].reset_index(drop=True)
    return per.astype({c: np.int64 for c in per.columns if c not in (cols or ["stratum"])})


def _strata_said(per: pd.DataFrame, cols: Sequence[str]) -> list[str]:
    """The strata of ``per`` as a message names them (``"Leicestershire / 2019-12"``)."""
    cols = stratum_named(cols)
    if not cols:
        return ["all searches"] * len(per)
    return [" / ".join(_key_said(c, v) for c, v in zip(cols, r)) for r in per[cols].itertuples(index=False)]


def stratum_named(cols: Sequence[str]) -> list[str]:
    """``cols`` as a message names a stratum: without an area's code beside its name (``csp_code``
    with ``csp``), nor the force beside an area placed from the searches' locations (in one force).

    >>> stratum_named(["force", "csp", "csp_code", "month"])
    ['csp', 'month']
    """
    placed = any(f"{c}_code" in cols for c in cols)
    return [c for c in cols if not (str(c).endswith("_code") and str(c)[:-5] in cols) and not (placed and c == "force")]


def over_fifth(per: pd.DataFrame) -> pd.DataFrame:
    """The strata with 10 or more searches of which a fifth or more have no stated ethnicity, the
    largest share first."""
    high = per[(per["searches"] >= 10) & (per["not_stated"] >= NOT_STATED_WARN * per["searches"])]
    return high.iloc[np.argsort(-(high["not_stated"] / high["searches"]).to_numpy(), kind="stable")]


#: Strata named in a message (the rest counted: "and 4 more").
_SHOW_STRATA = 8


def _warn_not_stated_strata(per: pd.DataFrame, cols: Sequence[str], keys: Sequence[str],
                            not_stated_by: dict[str, tuple[int, int]]) -> None:
    """Warn naming the strata reported (``keys``; each force apart in rows that pool forces) where a
    fifth or more of the searches have no stated ethnicity though their force as a whole is under a
    fifth (:func:`_warn_not_stated` names those): a month can pass a fifth unseen in a force's
    quarter (police.uk Leicestershire, Dec 2019: 24 of 106, 23%, against 17% over Dec 2019 - Feb 2020).

    >>> import warnings
    >>> per = pd.DataFrame({"force": ["leicestershire", "leicestershire"], "month": ["2019-12", "2020-01"],
    ...                     "not_stated": [24, 10], "searches": [106, 120]})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     _warn_not_stated_strata(per, ["force", "month"], ["force", "month"], {"leicestershire": (34, 226)})
    >>> print(str(w[0].message)[:135])
    disproportionality: in 1 of the 2 force × month strata ethnicity is not stated for a fifth or more of the searches, though not in their
    """
    if not [k for k in keys if k != "force"]:
        return  # the strata are the forces: _warn_not_stated
    high = over_fifth(per)
    if "force" in cols:
        warned = {f for f, (ns, n) in not_stated_by.items() if n >= 10 and ns >= NOT_STATED_WARN * n}
        high = high[~pd.Series(force_units(high["force"]), index=high.index).isin(warned)]
    if not len(high):
        return
    names = [f"{s} ({100 * r.not_stated / r.searches:.0f}% of {r.searches:,})"
             for s, r in zip(_strata_said(high, cols), high.itertuples(index=False))]
    more = f" and {len(names) - _SHOW_STRATA} more" if len(names) > _SHOW_STRATA else ""
    warn_user(f"disproportionality: in {len(names)} of the {len(per)} {' × '.join(map(str, stratum_named(cols)))} strata ethnicity is "
              "not stated for a fifth or more of the searches, though not in their force as a whole "
              f"({'; '.join(names[:_SHOW_STRATA])}{more}): the rates of those rows count only the searches with a stated "
              "ethnicity, so they understate every group's searching there and are not like for like with the other "
              "rows'; counts in .attrs['not_stated_strata']")


_CHILD_BANDS = {"under 10", "10-17"}


def _warn_subpopulation(searches: pd.DataFrame, use: np.ndarray, keys: Sequence[str], pop_columns: Sequence[str]) -> None:
    """Warn when the searches are of one age band or one sex (records filtered to children, say, or
    split by ``by="age_range"``) but the populations are of all ages and both sexes (the Census tables have no
    age or sex): the rates are then per 1,000 residents of all ages, not per 1,000 children, and the
    ratios mix the groups' age structures (minority ethnic populations are younger).

    >>> import warnings
    >>> recs = pd.DataFrame({"age_range": ["10-17"] * 25 + ["under 10"], "gender": ["Male", "Female"] * 13})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     _warn_subpopulation(recs, np.ones(26, dtype=bool), [], ["ethnicity", "population"])
    >>> "children only (10-17, under 10)" in str(w[0].message)
    True
    """
    what = []
    for col, label in (("age_range", "age"), ("gender", "sex")):
        if col not in searches.columns or col in pop_columns:
            continue
        if col in keys:
            what.append(f"split by {col!r}")
            continue
        known = searches[col][use].dropna().astype(str).str.strip()
        known = known[known != ""]
        if len(known) < 20:
            continue
        bands = sorted(set(known), key=lambda b: (b not in ("10-17",), b))
        if col == "age_range" and set(bands) <= _CHILD_BANDS:
            what.append(f"children only ({', '.join(bands)})")
        elif len(bands) == 1:
            what.append(f"one {label} only ({col} {bands[0]!r})")
    if what:
        warn_user(f"disproportionality: the searches are {'; '.join(what)}, but the populations are residents of all ages "
                  "and both sexes (the Census tables by ethnic group have no age or sex): the rates are per 1,000 residents "
                  "of all ages, not of that age or sex, and the ratios mix the groups' age and sex structures (minority "
                  "ethnic populations are younger); give populations of that age or sex (a `population` table with the "
                  "column) for rates of it")


def _prepare_records(
    searches: pd.DataFrame, group: str, source: str, mapping: Mapping[str, str] | None, unknown: str,
    include_vehicle: bool, keep: Sequence[str],
) -> tuple[pd.DataFrame, dict[str, int], np.ndarray]:
    """The searches with a person and a stated group: columns ``keep`` + ``group`` only (a million
    records are filtered once, not column by column), the counts of what was left out, and which of
    ``searches`` they are."""
    groups, use, excluded = _record_groups(searches, group, source, mapping, unknown, include_vehicle)
    cols = [c for c in dict.fromkeys(keep) if c in searches.columns and c != group]
    out = searches[cols][use] if cols else pd.DataFrame(index=searches.index[use])
    return out.assign(**{group: groups.array[use]}), excluded, use


def _reference_index(frame: pd.DataFrame, keys: list[str], group: str, reference: str) -> np.ndarray:
    is_ref = (frame[group].astype(str) == reference).to_numpy()
    if keys:
        strata = frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    else:
        strata = np.zeros(len(frame), dtype=int)
    ref_of = {}
    for i in np.flatnonzero(is_ref):
        ref_of[strata[i]] = i
    missing = sorted({s for s in strata if s not in ref_of})
    if missing:
        row = frame.iloc[int(np.flatnonzero(strata == missing[0])[0])]
        where = {k: row[k] for k in keys}
        there = sorted(set(frame.loc[strata == missing[0], group].astype(str)))
        raise InvalidInputError(
            f"reference group {reference!r} has no row for {where or 'the data'} (groups there: {there}); choose "
            "another `reference`", "reference",
        )
    return np.array([ref_of[s] for s in strata], dtype=np.int64)


def _number(value: Any, name: str) -> float:
    """A scalar option as a float, or :class:`InvalidInputError` naming it."""
    if isinstance(value, bool):
        raise InvalidInputError(f"`{name}` must be a number, not {value!r}", name)
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"`{name}` must be a number, not {value!r}", name) from None
    if not np.isfinite(out):
        raise InvalidInputError(f"`{name}` must be a finite number, not {value!r}", name)
    return out


def _choice(value: Any, name: str, valid: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in valid:
        raise InvalidInputError(f"unknown {name} {value!r}; valid: {', '.join(map(repr, valid))}", name)
    return value


def _numbers(frame: pd.DataFrame, col: str, what: str, key: list[str] | None = None) -> np.ndarray:
    """A count or population column as floats: text with thousands separators ("1,234", as the
    Home Office tables print them) is read; anything else that is not a number raises
    :class:`InvalidInputError` naming the column and row."""
    values = frame[col]
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
        values = values.map(lambda v: v.replace(",", "").strip() if isinstance(v, str) else v)
    vals = as_float_array(col, values)  # a Series: an unreadable cell is named by its row label
    bad = np.flatnonzero(np.isnan(vals) | (vals < 0))
    if bad.size:
        i = int(bad[0])
        # the row by its label (the caller's table), and by its keys (a table read from a {group:
        # population} mapping has no labels of its own: the group names the row)
        named = {str(k): plain(frame[k].iloc[i]) for k in (key or [])}
        label = label_of(frame, i)
        keyed = f" ({', '.join(f'{k}={v!r}' for k, v in named.items())})" if named else ""
        raise InvalidInputError(f"column {col!r} row {label!r}{keyed}: {what} must be non-negative numbers, got "
                                f"{plain(frame[col].iloc[i])!r}", col,
                                list(named.values())[-1] if named and label == i else label, position=i)
    return vals


def _refuse_shares(frame: pd.DataFrame, keys: list[str], vals: np.ndarray, col: str) -> None:
    """Counts that are shares (every value in [0, 1], not all whole, summing to 1 in each ``by``
    stratum, as in West Midlands' published "searches_share") give the right ratio but rates per
    1,000 and intervals of no meaning (a Poisson count of 0.18): refused, saying what to pass."""
    if not len(vals) or np.any(vals > 1) or np.all(vals == np.round(vals)):
        return
    sums = (pd.Series(vals).groupby(frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()).sum()
            if keys else pd.Series([vals.sum()]))
    if np.allclose(sums.to_numpy(), 1.0, atol=0.02):
        raise InvalidInputError(
            f"column {col!r} holds shares (they sum to {sums.iloc[0]:.2f}), not counts of searches: rates and confidence "
            "intervals need the counts (share x total searches); the ratio of two groups' search shares over their "
            "population shares is the disproportionality ratio, but without counts it has no interval", col)


def _relabel(labels: pd.Series, mapping: Mapping[str, str] | None) -> pd.Series:
    """Group labels as text, renamed by ``mapping`` where it names them (aggregate input)."""
    if labels.isna().any():
        i = int(np.flatnonzero(labels.isna().to_numpy())[0])
        raise InvalidInputError(f"column {labels.name!r} row {label_of(labels, i)!r}: the group label is missing",
                                str(labels.name), label_of(labels, i), position=i)
    text = labels.astype(str).str.strip()
    if mapping:
        text = text.map(lambda g: mapping.get(g, g))
    return text


# ------------------------------------------------------------------------ comparability (18.5)

LIKE_FOR_LIKE = "like for like"
_APPROX = "approximate: officer-perceived ethnicity against self-defined Census groups"
_OTHER_OVER = ("overstated: officers' Other includes people who self-define as Mixed or Asian, whom the Census "
               "Other denominator does not")
_MIXED_NA = "not comparable: officers cannot record Mixed, so Mixed searches are counted in other groups"
_OTHER_NONE = ("not comparable: officers recorded no search as Other here; officers' Other is not the Census Other "
               "(people who self-define as Other can be recorded as White, Asian or Black), so the 0 does not say "
               "that no one in the Census Other group was searched")
_MIXED_UNDER = ("understated: searches whose self-defined ethnicity was not stated use officer-defined "
                "ethnicity, which has no Mixed")


#: How a ``comparability`` note about the ethnic categories starts.
_CATEGORY_NOTES = ("not comparable", "overstated", "understated", "approximate")


def _comparability(frame: pd.DataFrame, keys: list[str], group: str, source: str,
                   officer_rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(like_for_like, comparability) for each row: whether the numerator's categories are the
    denominator's (docs/methods/officer_ethnicity.md). ``officer_rows``: per row, the searches
    whose group came from officer-defined ethnicity (``self_then_officer``), or None."""
    n = len(frame)
    labels = frame[group].astype(str).to_numpy()
    note = np.full(n, LIKE_FOR_LIKE, dtype=object)
    if source == "officer":
        note[:] = _APPROX
        note[labels == "Other"] = _OTHER_OVER
        if "searches" in frame:  # a row of no searches cannot overstate: it holds no one
            note[(labels == "Other") & (frame["searches"].to_numpy(dtype=float) == 0)] = _OTHER_NONE
        note[labels == "Mixed"] = _MIXED_NA
    elif source == "self_then_officer":
        filled = np.zeros(n) if officer_rows is None else officer_rows
        if keys:
            strata = frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
            any_filled = pd.Series(filled).groupby(strata).transform("sum").to_numpy() > 0
        else:
            any_filled = np.full(n, filled.sum() > 0)
        if officer_rows is None:  # aggregate input: the share filled from officer-defined is unknown
            any_filled[:] = True
            filled = np.ones(n)
        share = np.divide(filled, np.maximum(frame["searches"].to_numpy(dtype=float), 1))
        for i in np.flatnonzero(filled > 0):
            pct = "" if officer_rows is None else f" ({share[i]:.0%} of its searches)"
            note[i] = (_OTHER_OVER if labels[i] == "Other" else _APPROX) + pct
        note[(labels == "Mixed") & any_filled] = _MIXED_UNDER
    like = note == LIKE_FOR_LIKE
    return like, note


def _warn_comparability(out: pd.DataFrame, keys: list[str], source: str, said: Mapping[int, str] | None = None,
                        who: str = "disproportionality",
                        compared: str = "compare searches and Census populations whose ethnic categories differ",
                        see: str = "See the `like_for_like` and `comparability` columns") -> None:
    """Warn once which rows of ``out`` (columns ``keys``, ``group``, ``comparability``) are not like
    for like in their ethnic categories: "not comparable", "overstated", "understated" and
    "approximate" rows, named by stratum and group, with ``said[row]`` after a row's name (the
    figures behind its note). :func:`disproportionality` and :func:`outcome_test` (``who``) say it
    in the same words; ``compared`` says what the rows compare, ``see`` where the detail is.

    >>> import warnings
    >>> out = pd.DataFrame({"force": ["essex", "essex"], "group": ["Other", "White"],
    ...                     "comparability": [_OTHER_OVER, _APPROX]})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     _warn_comparability(out, ["force"], "officer", {0: "102 of the 117 searches"})
    >>> print(str(w[0].message).split(" — ")[1].split(". See")[0])
    overstated: Essex / Other (102 of the 117 searches); approximate: Essex / White
    """
    # the ethnic categories only (a non-resident denominator is said by its own caution)
    bad = out[out["comparability"].astype(str).str.startswith(_CATEGORY_NOTES)]
    if bad.empty:
        return
    said = said or {}

    def names(rows: pd.DataFrame) -> str:
        items = [" / ".join([*(_key_said(k, r[k]) for k in keys), str(r["group"])])
                 + (f" ({said[i]})" if i in said else "") for i, r in rows.head(6).iterrows()]
        return ", ".join(items) + (f" and {len(rows) - 6} more" if len(rows) > 6 else "")

    parts = []
    for head, prefix in (("not comparable", "not comparable"), ("overstated", "overstated"),
                         ("understated", "understated"), ("approximate", "approximate")):
        rows = bad[bad["comparability"].astype(str).str.startswith(prefix)]
        if len(rows):
            parts.append(f"{head}: {names(rows)}")
    warn_user(f"{who}: {len(bad)} of {len(out)} rows {compared} (ethnicity_source={source!r}) — {'; '.join(parts)}. "
              f"{see}; Home Office figures use self-defined ethnicity (docs/methods/officer_ethnicity.md).")


def _self_defined(searches: pd.DataFrame, mapping: Mapping[str, str] | None) -> np.ndarray:
    """Each record's group by its self-defined ethnicity (labels not known read as Other), as objects."""
    own: np.ndarray = assign_ethnicity(searches, source="self", mapping=mapping, unknown="other").to_numpy(object)
    return own


def _filled_from_officer(searches: pd.DataFrame, mapping: Mapping[str, str] | None, unknown: Any) -> np.ndarray:
    """Per record, whether ``ethnicity_source="self_then_officer"`` takes its group from the
    officer-defined ethnicity (the self-defined one is not stated)."""
    own = assign_ethnicity(searches, source="self", mapping=mapping, unknown=unknown)
    filled: np.ndarray = per_distinct(own, lambda g: g in ("", NOT_STATED)).to_numpy(bool)
    return filled


def _warn_officer_filled(out: pd.DataFrame, keys: list[str], recs: pd.DataFrame, filled: np.ndarray,
                         group: str) -> list[dict[str, Any]]:
    """:func:`outcome_test` with ``ethnicity_source="self_then_officer"``: say, once and in
    :func:`disproportionality`'s words (:func:`_warn_comparability`), which rows hold searches whose
    group is the officer-defined ethnicity (``filled``, per record of ``recs``, the searches
    tested) and that Mixed lacks those officers could not record as Mixed. Returns, per row of
    ``out``, its searches tested (``n``) and how many of them took the officer-defined group
    (``from_officer``), as records."""
    per = (recs[keys + [group]].assign(from_officer=filled.astype(np.int64))
           .groupby(keys + [group], dropna=False, observed=True)["from_officer"].sum().reset_index())
    frame = out[keys].assign(**{group: out["group"].astype(str).to_numpy(), "searches": out["n"].to_numpy()})
    rows = frame.merge(per.assign(**{group: per[group].astype(str)}), on=keys + [group], how="left")
    from_officer = rows["from_officer"].fillna(0).to_numpy(dtype=np.int64)
    _, note = _comparability(frame, keys, group, "self_then_officer", from_officer.astype(float))
    _warn_comparability(out[keys + ["group"]].assign(comparability=note), keys, "self_then_officer", who="outcome_test",
                        compared="compare groups whose searches with no self-defined ethnicity are counted by the "
                        "officer-defined one", see="Counts in .attrs['officer_filled']")
    return [{**{k: plain(frame[k].iloc[i]) for k in keys}, "group": str(frame[group].iloc[i]),
             "n": int(frame["searches"].iloc[i]), "from_officer": int(from_officer[i])} for i in range(len(frame))]


def _self_defined_counts(searches: pd.DataFrame, keyed: pd.DataFrame, use: np.ndarray, cols: list[str],
                         mapping: Mapping[str, str] | None) -> pd.DataFrame:
    """Per ``cols`` of ``keyed`` (the strata and officer-defined group of the records in ``use``):
    how many searches are of people who self-defined as Mixed (``self_mixed``) and as Asian
    (``self_asian``)."""
    own = _self_defined(searches, mapping)[use]
    flags = keyed[cols].assign(self_mixed=(own == "Mixed").astype(np.int64), self_asian=(own == "Asian").astype(np.int64))
    return flags.groupby(cols, dropna=False, observed=True)[["self_mixed", "self_asian"]].sum().reset_index()


def _other_holds(frame: pd.DataFrame, keys: list[str], group: str,
                 counts: pd.DataFrame) -> tuple[dict[int, str], list[dict[str, Any]]]:
    """The officer-defined Other rows of ``frame`` (``ethnicity_source="officer"``) in figures: how
    many of the stratum's searches of people who self-defined as Mixed, and as Asian, officers
    recorded as Other (``counts``: :func:`_self_defined_counts`). Returns the words for each such
    row's position (police.uk Essex, Dec 2019 - Feb 2020: "111 of the row's 185 searches are of
    people who self-defined as Mixed (officers recorded 102 of the 117 searched as Other) or Asian
    (9 of the 222)") and the figures as records."""
    labels = frame[group].astype(str).to_numpy()
    got = frame[keys].assign(**{group: labels}).merge(counts.assign(**{group: counts[group].astype(str)}),
                                                      on=keys + [group], how="left")
    m, a = (got[c].fillna(0).to_numpy(dtype=np.int64) for c in ("self_mixed", "self_asian"))
    strata = (frame.groupby(keys, sort=False, dropna=False, observed=True).ngroup().to_numpy() if keys
              else np.zeros(len(frame), dtype=np.int64))
    mm, aa = (pd.Series(v).groupby(strata).transform("sum").to_numpy(dtype=np.int64) for v in (m, a))
    n = frame["searches"].to_numpy(dtype=float)
    said: dict[int, str] = {}
    records: list[dict[str, Any]] = []
    for i in np.flatnonzero((labels == "Other") & (mm + aa > 0)):
        parts = []  # said where the row holds some (a row of none has nothing to say in figures)
        if m[i]:
            parts.append(f"Mixed (officers recorded {m[i]:,} of the {mm[i]:,} searched as Other)")
        if a[i]:
            parts.append(f"Asian ({a[i]:,} of the {aa[i]:,})" if parts else
                         f"Asian (officers recorded {a[i]:,} of the {aa[i]:,} searched as Other)")
        if parts:
            said[int(i)] = (f"{m[i] + a[i]:,} of the row's {n[i]:,.0f} searches are of people who self-defined as "
                            f"{' or '.join(parts)}")
        records.append({**{k: plain(frame[k].iloc[i]) for k in keys}, "searches": plain(n[i]),
                        "self_defined_mixed": int(m[i]), "mixed_searched": int(mm[i]),
                        "self_defined_asian": int(a[i]), "asian_searched": int(aa[i])})
    return said, records


# ----------------------------------------------------------------- denominators and areas (issue 12)

#: Census 2021 denominators are like for like from the searches of April 2022 (2022/23) on: the
#: Home Office's statistics for the year ending March 2023 were the first on Census 2021; earlier
#: years were published with Census 2011 populations.
CENSUS2021_FROM = "2022-04"
_CUT = 2022 * 12 + 3  # months since year 0 of April 2022
_AREA_LEVELS = ("csp", "la")
_AREA_NAMES = {"csp": "Community Safety Partnership", "la": "local authority"}
_UNASSIGNED = ("missing_coordinates", "no_area", "outside_england_and_wales", "outside_force")


def _census_arg(census: Any) -> int | str | None:
    if census is None or (isinstance(census, str) and census == "auto"):
        return "auto" if census is not None else None
    if isinstance(census, bool) or not isinstance(census, (int, np.integer)) or census not in (2011, 2021):
        raise InvalidInputError(f"`census` must be 2021 or 2011 (or 'auto': the Census the Home Office used for the searches' "
                                f"latest month; None: 2021), got {census!r}", "census")
    return int(census)


def census_auto(periods: tuple[np.ndarray, np.ndarray, np.ndarray] | None) -> int:
    """``census="auto"``: the Census the Home Office used for the latest month of the searches
    (2011 up to March 2022, 2021 from April 2022); earlier searches of a span that crosses April
    2022 are then named by the like-for-like warning.

    >>> census_auto((np.array([2019 * 12 + 11.0]), np.array([2020 * 12 + 1.0]), np.array([1.0])))
    2011
    >>> census_auto((np.array([2022 * 12 + 0.0]), np.array([2023 * 12 + 11.0]), np.array([1.0])))
    2021
    """
    last = periods[1][np.isfinite(periods[1]) & (periods[2] > 0)] if periods is not None else np.array([])
    if not len(last):
        raise InvalidInputError("census='auto' chooses the Census by the searches' months, but none are known: records "
                                "need a 'date' or 'month' column, aggregate tables a period column among `by` (financial "
                                "year, year or month); or pass census=2011 or 2021", "census")
    return 2011 if float(np.max(last)) < _CUT else 2021


def _location_level(searches: pd.DataFrame, keys: list[str]) -> str | None:
    """``"csp"`` / ``"la"`` when ``by`` asks for that area and the records do not carry it: the
    searches are then placed by their coordinates."""
    wanted = [lv for lv in _AREA_LEVELS if lv in keys and lv not in searches.columns]
    if len(wanted) > 1:
        raise InvalidInputError("`by` may place searches in CSPs or in local authorities from their locations, not both "
                                "at once: use by='csp' or by='la'", "by")
    if not wanted:
        return None
    level = wanted[0]
    for col in ("latitude", "longitude"):
        if col not in searches.columns:
            raise InvalidInputError(
                f"by={level!r} places each search in its {_AREA_NAMES[level]} from its location, but searches has no "
                f"column {col!r} (read_stop_search gives 'latitude' and 'longitude'); columns are: "
                f"{list(map(str, searches.columns))[:20]}. Or give the searches a {level!r} column of your own.", col)
    return level


def _locate(searches: pd.DataFrame, level: str, use: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, dict[str, Any]]:
    """Each search's area (``code``, ``name``) from its latitude/longitude, which of the counted
    searches (``use``) could be placed, and the report of those that could not (work on the
    areas' category codes: a million records, a few hundred areas)."""
    import warnings

    from .geography import area_lookup

    lat, lon = searches["latitude"], searches["longitude"]
    with warnings.catch_warnings():  # one warning, from disproportionality, says it all
        warnings.simplefilter("ignore", SaferstatsWarning)
        found = assign_area(lat, lon, level=level)  # type: ignore[arg-type]
    codes = found["code"].cat.codes.to_numpy()
    cats = found["code"].cat.categories.astype(str)
    placed = codes >= 0
    la_arr, lo_arr = as_float_array("latitude", lat), as_float_array("longitude", lon)
    reason = np.full(len(searches), -1, dtype=np.int8)  # index into _UNASSIGNED
    reason[~(np.isfinite(la_arr) & np.isfinite(lo_arr))] = 0
    nowhere = np.flatnonzero(~placed & (reason < 0) & use)
    if nowhere.size:  # at sea / beyond the coastline, or in Scotland / Northern Ireland?
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SaferstatsWarning)
            uk = assign_area(la_arr[nowhere], lo_arr[nowhere], level="la")["code"].isna().to_numpy()
        reason[nowhere] = np.where(uk, 1, 2)
    if level == "la":  # the bundled local authorities cover the UK: Scottish / NI ones have no population here
        uk_cat = np.asarray([c[:1] in ("S", "N") for c in cats], dtype=bool)
        uk_only = placed & uk_cat[np.maximum(codes, 0)]
        reason[uk_only] = 2
        placed &= ~uk_only
    checked_force = "force" in searches.columns
    if checked_force:  # a search placed in another force's area is not one of this force's area's searches
        lk = area_lookup()
        slugs = pd.Index(sorted(lk["force"].unique()))
        area_force = lk.drop_duplicates(f"{level}_code").set_index(f"{level}_code")["force"]
        where = np.append(slugs.get_indexer(cats.map(area_force)), -1)[codes]  # code -1 -> -1
        own = per_distinct(searches["force"], lambda f: int(slugs.get_indexer([force_id(f)])[0])).to_numpy(np.int64)
        other = placed & (own >= 0) & (where >= 0) & (own != where)
        reason[other] = 3
        placed &= ~other
    lost = use & ~placed
    lost_reason = reason[lost]
    counts = {k: int((lost_reason == i).sum()) for i, k in enumerate(_UNASSIGNED) if i < 3 or checked_force}
    rows = searches.index[np.flatnonzero(lost)[:20]]
    report: dict[str, Any] = {"unassigned": counts, "unassigned_rows": list(rows)}
    if checked_force and lost.any():
        fcodes, flabels = pd.factorize(force_units(searches["force"])[lost])
        tally = np.bincount(fcodes * len(_UNASSIGNED) + lost_reason, minlength=len(flabels) * len(_UNASSIGNED))
        by_force: dict[str, dict[str, int]] = {}
        for k in np.flatnonzero(tally):
            f, r = divmod(int(k), len(_UNASSIGNED))
            by_force.setdefault(str(flabels[f]), {})[_UNASSIGNED[r]] = int(tally[k])
        report["unassigned_by_force"] = by_force
        report["counted_by_force"] = {str(f): int(n) for f, n in
                                      pd.Series(force_units(searches["force"])[use]).value_counts(sort=False).items() if n}
    where_txt = []
    if lost.any() and {"source_file", "source_line"} <= set(searches.columns):
        for i in np.flatnonzero(lost)[:3]:
            where_txt.append(f"{searches['source_file'].iloc[i]} line {searches['source_line'].iloc[i]}")
    report["first"] = where_txt or [str(r) for r in rows[:5]]
    return found, placed, report


def _month_index(text: str) -> tuple[int, int] | None:
    """The months (first, last; months since year 0) a period label covers, or None: financial
    years ``2019/20``, ``2019-20``, ``2019/2020``, "year ending March 2023", months ``2021-03``,
    calendar years ``2021``."""
    t = text.strip()
    m = re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})", t)
    if m:
        y, z = int(m.group(1)), int(m.group(2))
        if z in ((y + 1) % 100, y + 1):
            return y * 12 + 3, (y + 1) * 12 + 2
        if len(m.group(2)) == 2 and 1 <= z <= 12:
            return y * 12 + z - 1, y * 12 + z - 1
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-\d{2}(?:[ T].*)?", t)
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)) * 12 + int(m.group(2)) - 1, int(m.group(1)) * 12 + int(m.group(2)) - 1
    m = re.fullmatch(r"(?i)(?:year|12 months) ending (\w+) (\d{4})", t)
    if m:
        months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                  "november", "december"]
        if m.group(1).lower() in months:
            end = int(m.group(2)) * 12 + months.index(m.group(1).lower())
            return end - 11, end
        return None
    if re.fullmatch(r"\d{4}", t):
        return int(t) * 12, int(t) * 12 + 11
    return None


def periods_of(values: pd.Series, numbers: bool = True) -> tuple[np.ndarray, np.ndarray] | None:
    """First and last month of each value (NaN where unknown), or None when the column holds no
    periods at all. ``numbers``: whether whole numbers 1900-2100 are read as calendar years."""
    if isinstance(values.dtype, pd.PeriodDtype):
        st, en = values.dt.start_time, values.dt.end_time
        return ((st.dt.year * 12 + st.dt.month - 1).to_numpy(float), (en.dt.year * 12 + en.dt.month - 1).to_numpy(float))
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        if getattr(values.dt, "tz", None) is not None:  # police.uk's months (and the Home Office's years) are UK local
            values = values.dt.tz_convert("Europe/London")
        m = (values.dt.year * 12 + values.dt.month - 1).to_numpy(float)
        return m, m
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        if not numbers:
            return None
        v = values.to_numpy(float)
        ok = (v == np.round(v)) & (v >= 1900) & (v <= 2100)
        if not ok[np.isfinite(v)].all():
            return None
        return np.where(ok, v * 12, np.nan), np.where(ok, v * 12 + 11, np.nan)
    codes, uniq = pd.factorize(values, use_na_sentinel=True)  # distinct labels once (categorical: its codes)
    spans = [_month_index(str(u)) if str(u).strip() else (np.nan, np.nan) for u in uniq]
    if any(sp is None for sp in spans):
        return None
    table = np.asarray([*spans, (np.nan, np.nan)], dtype=float).reshape(-1, 2)  # code -1 (missing): last row
    if np.isnan(table[:, 0]).all():
        return None
    return table[codes, 0], table[codes, 1]


def _label(m: float) -> str:
    return f"{int(m) // 12}-{int(m) % 12 + 1:02d}"


def _vintage_report(first: np.ndarray, last: np.ndarray, weight: np.ndarray, census: int) -> dict[str, Any] | None:
    """The searches whose period is not like for like with Census ``census`` denominators in the
    Home Office series (2011 before April 2022, 2021 from then), or None."""
    ok = np.isfinite(first) & np.isfinite(last) & (weight > 0)
    bad = ok & ((first < _CUT) if census == 2021 else (last >= _CUT))
    if not bad.any():
        return None
    if census == 2021:
        lo, hi = np.min(first[bad]), min(np.max(last[bad]), _CUT - 1)
    else:
        lo, hi = max(np.min(first[bad]), _CUT), np.max(last[bad])
    return {"census": census, "searches": float(weight[bad].sum()), "of": float(weight[ok].sum()),
            "from": _label(lo), "to": _label(hi), "like_for_like_census": 2011 if census == 2021 else 2021}


def _months_said(rep: dict[str, Any]) -> str:
    """``"2019-12 to 2020-02"``, or one month once (``"2019-12"``, not ``"2019-12 to 2019-12"``)."""
    return rep["from"] if rep["from"] == rep["to"] else f"{rep['from']} to {rep['to']}"


def _warn_vintage(rep: dict[str, Any]) -> None:
    n, of = rep["searches"], rep["of"]
    count = f"{n:,.0f} of {of:,.0f} searches" if n != of else f"all {of:,.0f} searches"
    if rep["census"] == 2021:
        why = ("are from before April 2022 (2022/23), but the denominators are Census 2021: the Home Office published "
               "those years with Census 2011 populations, so these rates are not like for like with its series of that "
               "time (pass census=2011 to reproduce it)")
    else:
        why = ("are from April 2022 (2022/23) on, but the denominators are Census 2011: the Home Office has used Census "
               "2021 populations since then, so these rates are not like for like with its series (pass census=2021)")
    warn_user(f"disproportionality: {count} ({_months_said(rep)}) {why}; see .attrs['denominator_check']")


def months_without_searches(searches: pd.DataFrame, read: Sequence[tuple[str, str]] = (),
                    present: dict[str, list[str]] | None = None) -> tuple[dict[str, list[str]], str]:
    """The months with no search for each force (else for the data as a whole) within the months
    the searches cover, first to last: police.uk publishes a file per force and month, so a month
    with no record is usually a file not downloaded or not read, and the force's counts then cover
    fewer months than the others'. ``({force: ["2020-01", ...]}, "2019-12 to 2020-02")``.
    ``read``: ``(force, "YYYY-MM")`` known to have been read though they hold no search (a police.uk
    file with only its header), which are not missing. ``present``, when given, is filled with the
    months each force has (``read`` included). Used by :func:`read_stop_search` and
    :func:`disproportionality` (and so the report) alike."""
    col = "month" if "month" in searches.columns else "date" if "date" in searches.columns else None
    spans = periods_of(searches[col]) if col is not None else None
    if spans is None or not np.isfinite(spans[0]).any():
        return {}, ""
    first = spans[0]
    ok = np.isfinite(first)
    extra = [(str(u), _month_index(m)) for u, m in read]
    extra_m = [(u, sp[0]) for u, sp in extra if sp is not None]
    lo = min([int(np.nanmin(first)), *[m for _, m in extra_m]])
    hi = max([int(np.nanmax(first)), *[m for _, m in extra_m]])
    if hi - lo > 600:  # not a run of months: nothing to check
        return {}, ""
    units = searches["force"].astype(str).to_numpy() if "force" in searches.columns else np.full(len(searches), "")
    frame = pd.DataFrame({"unit": np.concatenate([units[ok], np.asarray([u for u, _ in extra_m], dtype=object)]),
                          "m": np.concatenate([first[ok].astype(int), np.asarray([m for _, m in extra_m], dtype=int)])})
    frame = frame.drop_duplicates()
    out: dict[str, list[str]] = {}
    for unit, ms in frame.groupby("unit", sort=True)["m"]:
        have = set(ms.tolist())
        if present is not None:
            present[str(unit)] = [_label(m) for m in sorted(have)]
        gone = sorted(set(range(lo, hi + 1)) - have)
        if gone:
            out[str(unit)] = [_label(m) for m in gone]
    return out, (f"{_label(lo)} to {_label(hi)}" if hi > lo else _label(lo))


def _months_read(searches: pd.DataFrame) -> list[tuple[str, str]]:
    """The ``(force, "YYYY-MM")`` that :func:`read_stop_search` recorded as read
    (``.attrs["months_read"]``), so that a police.uk file with only its header (a month with no
    search) is not missing here while the reader counted it as read. pandas keeps ``attrs`` through
    filtering, and a month filtered out (``df[df.month != "2020-01"]``) is not a month read with no
    search: a force's months are used only while the searches hold every row read for it
    (``.attrs["rows_read_by_force"]``), and only within the span of the searches' own months."""
    read = searches.attrs.get("months_read")
    rows = searches.attrs.get("rows_read_by_force")
    if not isinstance(read, dict) or not read or not isinstance(rows, dict) or "force" not in searches.columns:
        return []
    col = "month" if "month" in searches.columns else "date" if "date" in searches.columns else None
    spans = periods_of(searches[col]) if col is not None else None
    if spans is None or not np.isfinite(spans[0]).any():
        return []
    lo, hi = np.nanmin(spans[0]), np.nanmax(spans[0])
    held = searches["force"].astype(str).value_counts()
    out: list[tuple[str, str]] = []
    for force, months in read.items():
        if str(force) not in held.index or rows.get(str(force)) != int(held[str(force)]) or \
                not isinstance(months, (list, tuple)):
            continue
        for m in months:
            idx = _month_index(str(m))
            if idx is not None and lo <= idx[0] <= hi:
                out.append((str(force), str(m)))
    return out


def _small_footprint(searches: pd.DataFrame, use: np.ndarray) -> dict[str, tuple[float, float]]:
    """Forces whose counted searches all lie in a small patch of their area - a police.uk location
    query (``stops-street``: one mile around a point) rather than the force's searches: their
    rates against the whole force's population are not meaningful (police.uk API, Leicester,
    Feb 2020: 63 searches within 2.6 km of the city centre, against Leicestershire's 2,551 km2 -
    Black people "searched at 19.9 times the rate of White people"). ``{force: (spread km, force
    km2)}`` where the searches' extent is below a fifth of the side of a square of the force's area."""
    if "force" not in searches.columns or not {"latitude", "longitude"} <= set(searches.columns):
        return {}
    from .geography import StudyArea
    from .hotspot.bng import to_bng

    lat, lon = as_float_array("latitude", searches["latitude"]), as_float_array("longitude", searches["longitude"])
    ok = use & np.isfinite(lat) & np.isfinite(lon)
    force = searches["force"].astype(str).to_numpy()
    out: dict[str, tuple[float, float]] = {}
    for f in pd.unique(force[ok]):
        rows = ok & (force == f)
        if rows.sum() < 10 or not f:
            continue
        x, y = to_bng(lat[rows], lon[rows], outside="nan")
        spread = float(np.hypot(np.nanmax(x) - np.nanmin(x), np.nanmax(y) - np.nanmin(y))) / 1000
        if not np.isfinite(spread) or spread >= 10:
            continue
        try:
            km2 = StudyArea(str(f), level="force").area_m2 / 1e6
        except (UnknownAreaError, InvalidInputError):
            continue
        if spread < 0.2 * np.sqrt(km2):
            out[str(f)] = (spread, km2)
    return out


#: A police.uk location query (``stops-street`` with ``lat``/``lng``) returns the searches within one
#: mile of a point: all within 3.22 km of each other.
_QUERY_SPREAD_KM = 3.3
_QUERY_AREA_KM2 = 4 * np.pi * 1.609 ** 2  # an area four times the query's circle


def _diameter_km(x: np.ndarray, y: np.ndarray, most: int = 4000) -> float:
    """The greatest distance apart (km) of points given in metres (British National Grid), over
    their distinct locations (police.uk snap points: a few hundred in a town centre); ``inf`` where
    none is finite, or beyond ``most`` distinct locations (not judged: too many to compare in pairs).

    >>> round(_diameter_km(np.array([0.0, 3000.0, 0.0]), np.array([0.0, 0.0, 2000.0])), 3)
    3.606
    """
    pts = np.unique(np.column_stack([x, y])[np.isfinite(x) & np.isfinite(y)].round(0), axis=0)
    if len(pts) == 0 or len(pts) > most:
        return float("inf")
    best = 0.0
    for start in range(0, len(pts), 500):
        block = pts[start:start + 500]
        d = np.hypot(block[:, None, 0] - pts[None, :, 0], block[:, None, 1] - pts[None, :, 1])
        best = max(best, float(d.max()))
    return best / 1000


def _small_footprint_areas(searches: pd.DataFrame, use: np.ndarray, found: pd.DataFrame,
                           level: str) -> dict[str, tuple[float, float]]:
    """By CSP / local authority: the searches all lie within a police.uk location query's footprint
    (one mile around a point) while the areas they fall in are much larger - the rates of those
    areas would be those of a patch of them (police.uk API, Leicester city centre, Feb 2020: 48
    searches within 2.6 km, in Leicester's 73 km2: Black people "searched at 4.98 times the rate of
    White people", with no warning). ``{area name: (spread km, area km2)}``."""
    if not {"latitude", "longitude"} <= set(searches.columns):
        return {}
    from .geography import StudyArea
    from .hotspot.bng import to_bng

    lat, lon = as_float_array("latitude", searches["latitude"]), as_float_array("longitude", searches["longitude"])
    ok = use & np.isfinite(lat) & np.isfinite(lon)
    if ok.sum() < 20:
        return {}
    x, y = to_bng(lat[ok], lon[ok], outside="nan")
    spread = float(np.hypot(np.nanmax(x) - np.nanmin(x), np.nanmax(y) - np.nanmin(y))) / 1000
    # judged on the points' greatest distance apart, not their box's diagonal: a one-mile query's
    # points lie within 3.22 km of each other, but their box's diagonal can reach 4.55 km (police.uk
    # API, Leicester city centre, Feb 2020: all 63 searches within 1.53 km of the query's point and
    # 2.93 km of each other, a box of 3.44 km, so by officer-defined ethnicity it was not flagged)
    if not np.isfinite(spread) or spread >= _QUERY_SPREAD_KM * np.sqrt(2) or _diameter_km(x, y) >= _QUERY_SPREAD_KM:
        return {}
    out: dict[str, tuple[float, float]] = {}
    names = found["name"].to_numpy()[ok]
    codes = found["code"].to_numpy()[ok]
    for name, code in dict(zip(names, codes)).items():
        try:
            km2 = StudyArea(str(code), level=level).area_m2 / 1e6  # type: ignore[arg-type]
        except (UnknownAreaError, InvalidInputError):
            continue
        if km2 >= _QUERY_AREA_KM2:
            out[str(name)] = (spread, km2)
    return out


def warn_months_missing(missing: dict[str, list[str]], span: str, who: str = "disproportionality",
                         units: int | None = None) -> None:
    """Warn naming the forces with no search in some months of ``span``. ``units``: how many forces
    the searches hold (when every one misses the same months, there are no "others" to compare with)."""
    def months(ms: list[str]) -> str:
        return ", ".join(ms[:6]) + (f" and {len(ms) - 6} more" if len(ms) > 6 else "")

    where = "; ".join(f"{force_said(u) if u else 'the searches'}: {months(ms)}" for u, ms in list(missing.items())[:8])
    more = f" and {len(missing) - 8} more forces" if len(missing) > 8 else ""
    effect = ("the counts and rates there cover fewer months than the others' (ratios between groups are not affected)"
              if who == "disproportionality" else
              "that force's counts cover fewer months than the others', so its rates would be too low")
    if units is not None and len(missing) == units and len({tuple(ms) for ms in missing.values()}) == 1:
        effect = (f"no force has a search in {'that month' if len(next(iter(missing.values()))) == 1 else 'those months'}"
                  f", so the counts cover fewer months than {span}" + (
                      " (ratios between groups are not affected)" if who == "disproportionality" else ""))
    warn_user(f"{who}: no searches at all in some months of {span} ({where}{more}); police.uk publishes a file "
              f"per force and month, so a file may be missing: {effect}; the months are in .attrs['months_missing']")


#: Areas whose searches are mostly of people who do not live there: the City of London has about
#: 7,400 (2011) / 8,600 (2021) residents and a working day population of over half a million, and
#: its officers searched more Black people in a year than live there (police.uk, Dec 2019 - Feb
#: 2020: 115 searches in three months, of 193 Black residents in Census 2011).
NON_RESIDENT = {"city-of-london": ("the City of London has a few thousand residents but a daytime population of "
                                    "hundreds of thousands, and most people searched there do not live there")}


#: The ``comparability`` of such an area's rows (``like_for_like`` False).
NON_RESIDENT_ROW = ("not like for like: rates per resident, but most people searched there do not live there "
                     "(.attrs['non_resident_areas'])")


def _non_resident_rows(out: pd.DataFrame, keys: list[str], searches: pd.DataFrame, denominator: str,
                       records: bool) -> list[str]:
    """Say, in the ``denominator`` column of their rows, where the denominator is the resident
    population of an area whose searches are mostly of non-residents (City of London): rates per
    resident there (and ratios of them) are not like for like with other areas' (their rows'
    ``like_for_like`` is False and ``comparability`` says why, at every level), with Census
    populations (bundled, or a table of your own said to be Census with ``census=``). Returns those
    areas' labels (``.attrs["non_resident_areas"]``). By force, CSP or local authority alike the
    caution is in those rows' ``denominator`` (session 25: by CSP or LA the City's rows read a plain
    "Census 2021 usual residents", so an exported ``denominator`` column said nothing of it)."""
    # a Census table (bundled, or your own with census=2021 / 2011: "Census 2021 (population table as
    # given)") is of residents; a table of unknown kind is not judged
    if ("usual residents" not in denominator and not denominator.startswith("Census")) or len(out) == 0:
        return []
    rows = np.zeros(len(out), dtype=bool)
    which: list[str] = []
    for k in keys:
        if k not in out.columns or k.endswith("_code"):
            continue
        ids = out[k].map(lambda v: force_id(v) if isinstance(v, str) else None)
        hit = ids.isin(list(NON_RESIDENT)).to_numpy(bool)
        rows |= hit
        which += [str(v) for v in pd.unique(out.loc[hit, k])]
    if not keys and records and "force" in searches.columns:
        forces = {force_id(str(f)) for f in pd.unique(searches["force"].astype(str))}
        if len(forces) == 1 and forces <= set(NON_RESIDENT):
            rows[:] = True
            which = [str(searches["force"].iloc[0])]
    if rows.any():  # per row at every level, so that filtering or exporting on like_for_like keeps it
        out.loc[rows, "comparability"] = [NON_RESIDENT_ROW if c == LIKE_FOR_LIKE else f"{c}; {NON_RESIDENT_ROW}"
                                          for c in out.loc[rows, "comparability"]]
        out.loc[rows, "like_for_like"] = False
    if rows.any():
        why = "; ".join(dict.fromkeys(NON_RESIDENT[force_id(w) or ""] for w in which))
        out["denominator"] = out["denominator"].astype(object)
        out.loc[rows, "denominator"] = [f"{d}; caution: {why}, so rates per resident (and ratios of them) "
                                        "are not comparable with other areas' rates" for d in out.loc[rows, "denominator"]]
    return list(dict.fromkeys(which))


#: A year's searches of a group at half its residents or more (500 per 1,000 a year) cannot be a
#: rate of residents searched: the highest the Home Office publishes for a force are below 100 per
#: 1,000 (Black people, England and Wales, year ending March 2023: 24.5), and the highest of police.uk's
#: seven forces of Dec 2019 - Feb 2020 outside the City, by CSP, 203 (Tendring, Black, officer-defined).
_IMPLAUSIBLE_PER_RESIDENT = 0.5

#: The ``comparability`` of a row whose rate per resident is implausible (``like_for_like`` False).
_IMPLAUSIBLE_ROW = ("not like for like: a rate per resident this high cannot be of residents searched "
                    "(.attrs['implausible_rates'])")


def _implausible_rates(out: pd.DataFrame, keys: list[str], days: np.ndarray | None, months: np.ndarray | None,
                       min_count: float, denominator: str) -> list[dict[str, Any]]:
    """Rows whose rate per resident cannot be a rate of residents searched: a year's searches at half
    the group's residents or more, or more searches than residents in the table's period (City of
    London 2023: 225 searches of Black people against 233 Black residents, 966 per 1,000, and 538 of
    them officer-defined: 2,309 per 1,000). The people searched there are mostly not its residents
    (a daytime or visiting population), or the denominator is of a smaller area or group than the
    searches: a :class:`~saferstats.SaferstatsWarning` names the rows and says so, their
    ``like_for_like`` is False and ``comparability`` says why (unless it already says that most
    people searched there do not live there: the City's rows). ``days``: the days each row's searches
    are over (records, :func:`_row_days`: a year's searches are searches × 365.25 / days, by
    person-time as ``per_year=True``, so a 29-day February is not read as a twelfth of a year), and
    ``months`` the months they are (1 by month), None for an aggregate table (its period is not
    known: judged on searches against population as given). A high rate on fewer than ``min_count`` searches (one
    search in a month of a group of 20 residents) is chance, not implausible: only more searches than
    residents flags it. Only resident populations are judged (a Census table: bundled, or your own
    with ``census=``, as :func:`_non_resident_rows`): a table of unknown kind may be of people at risk
    (suspects, people stopped), of whom most may be searched. Returns the rows
    (``.attrs["implausible_rates"]``)."""
    if out.empty or ("usual residents" not in denominator and not denominator.startswith("Census")):
        return []
    searches = pd.to_numeric(out["searches"], errors="coerce").to_numpy(dtype=float)
    pop = pd.to_numeric(out["population"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = searches / pop
    per_year = share * (365.25 / days) if days is not None else share
    high = (per_year >= _IMPLAUSIBLE_PER_RESIDENT) & (searches >= min_count)
    hit = np.isfinite(per_year) & (pop > 0) & (high | (searches > pop))
    # the rows of an area whose searches are mostly of non-residents (_non_resident_rows: the City)
    city = out["comparability"].astype(str).str.contains(NON_RESIDENT_ROW, regex=False).to_numpy(bool)
    shown = [k for k in keys if k in out.columns and not k.endswith("_code")]
    if not hit.any():
        if city.any():
            _warn_non_resident(out, shown, city)
        return []
    rows: list[dict[str, Any]] = []
    for i in np.flatnonzero(hit):
        r = out.iloc[int(i)]
        rows.append({**{k: plain(r[k]) for k in shown}, "group": plain(r["group"]), "searches": plain(r["searches"]),
                     "population": plain(r["population"]), "per_1000_a_year" if days is not None else "per_1000":
                     float(per_year[i] * 1000)})
    # (a City of London row already says why: most people searched there do not live there)
    out.loc[hit, "comparability"] = [_IMPLAUSIBLE_ROW if c == LIKE_FOR_LIKE else c if NON_RESIDENT_ROW in c
                                     else f"{c}; {_IMPLAUSIBLE_ROW}" for c in out.loc[hit, "comparability"]]
    out.loc[hit, "like_for_like"] = False
    said = []
    for i, d in zip(np.flatnonzero(hit)[:5], rows[:5]):
        span = ("" if days is None or months is None else " in the month" if months[i] == 1
                else f" in {months[i]:g} months ({days[i]:g} days)")
        where = " / ".join([*(_key_said(k, d[k]) for k in shown), str(d["group"])])
        more = " (more searches than residents)" if d["searches"] > d["population"] else ""
        rate = (f"{d['per_1000_a_year']:,.0f} per 1,000 a year" if days is not None else f"{d['per_1000']:,.0f} per 1,000")
        said.append(f"{where}: {d['searches']:,} searches{span} against {d['population']:,} residents, {rate}{more}")
    tail = f"; and {len(rows) - 5} more" if len(rows) > 5 else ""
    warn_user(f"disproportionality: implausible rates per resident in {len(rows)} of {len(out)} rows ({'; '.join(said)}"
              f"{tail}): a year's searches of half a group's residents or more cannot be a rate of its residents searched "
              "(the Home Office's highest force rates are below 100 per 1,000 a year). The people searched there are "
              "mostly not its residents - a city centre, station or venue with a large daytime or visiting population "
              "(the City of London has about 8,600 residents and hundreds of thousands of workers and visitors a day) "
              "- or the population is of a smaller area or group than the searches. Do not publish these rates or "
              "their ratios as disproportionality: give the counts and shares of searches, or use a population of the "
              f"people present (their like_for_like is False); listed in .attrs['implausible_rates']"
              f"{_non_resident_note(out, shown, city & ~hit)}")
    return rows


def _non_resident_said(out: pd.DataFrame, shown: Sequence[str], rows: np.ndarray) -> tuple[str, str]:
    """(the areas, their rows' rates and ratios) of ``out``'s ``rows`` in words, e.g. ("City of London",
    "City of London / Asian: rate 110.57, ratio 1.09; City of London / White: rate 101.23, the reference")."""
    areas = list(dict.fromkeys(" / ".join(_key_said(k, plain(out[k].iloc[int(i)])) for k in shown[:1])
                               for i in np.flatnonzero(rows)))
    said = []
    for i in np.flatnonzero(rows)[:6]:
        r = out.iloc[int(i)]
        if not np.isfinite(float(r["rate"])):
            continue
        where = " / ".join([*(_key_said(k, plain(r[k])) for k in shown), str(r["group"])])
        ratio = (", the reference" if str(r.get("ratio_method", "")) == "reference"
                 else f", ratio {float(r['ratio']):.2f}" if np.isfinite(float(r["ratio"])) else "")
        said.append(f"{where}: rate {float(r['rate']):,.2f}{ratio}")
    more = f"; and {int(rows.sum()) - 6} more rows" if rows.sum() > 6 else ""
    return ", ".join(a for a in areas if a) or "the area", "; ".join(said) + more


def _non_resident_note(out: pd.DataFrame, shown: Sequence[str], rows: np.ndarray) -> str:
    """The sentence the implausible-rates warning ends with where an area whose searches are mostly
    of non-residents (the City of London) has rows it does not name: they are no better (City of
    London 2023: only Black, 966 per 1,000 a year, was named, "1 of 5 rows", while Asian's ratio
    1.09 and White's rate 101.2 per 1,000 rest on the same 8,600 residents)."""
    if not rows.any():
        return ""
    areas, said = _non_resident_said(out, shown, rows)
    return (f". Not only those rows: in {areas} every rate is per resident of searches mostly of people who do not "
            f"live there, so its other rows ({said}) are not comparable with other areas' either, nor their ratios a "
            "measure of disproportionality among the people searched there (like_for_like False); listed in "
            ".attrs['non_resident_areas']")


def _warn_non_resident(out: pd.DataFrame, shown: Sequence[str], rows: np.ndarray) -> None:
    """Warn of the rows of an area whose searches are mostly of non-residents (the City of London:
    about 8,600 residents, hundreds of thousands of workers and visitors a day) where no rate there
    is implausible enough to be warned about on its own: its rates and ratios were given with the
    caution only in the ``comparability`` and ``denominator`` columns (City of London 2023, Asian
    and White searches: Asian 110.6 and White 101.2 per 1,000 residents, ratio 1.09, no warning)."""
    areas, said = _non_resident_said(out, shown, rows)
    reason = "; ".join(dict.fromkeys(v for k, v in NON_RESIDENT.items() if force_said(k) in areas)) or (
        "most people searched there do not live there")
    warn_user(f"disproportionality: {areas}: the rates are per resident, and {reason} ({said}): they are not rates "
              "of the people at risk, not comparable with other areas' rates, and their ratios are no measure of "
              "disproportionality among the people searched there. Do not publish them as such: give the counts and "
              "shares of searches, or use a population of the people present (their like_for_like is False); listed "
              "in .attrs['non_resident_areas']")


_GROUP_HEAD = re.compile(r"(?i)\s*(?:ethnic group:\s*)?(white|black|asian|mixed|other|chinese)\b")


def _refuse_wide(pop: pd.DataFrame, group: str, population_col: str, keys: Sequence[str]) -> None:
    """A population table with one column per ethnic group (as ONS / Nomis tables and Resistance
    Lab's police-defined-demographics.csv are published: ``Police force, White, Black (or Black
    British), Asian (or Asian British), Chinese, Mixed, Other``) is wide: the error says how to make
    it long, not only that the ``group`` column is missing.

    >>> wide = pd.DataFrame({"Police force": ["Durham"], "White": [605364], "Black (or Black British)": [1058],
    ...                      "Asian (or Asian British)": [5872], "Mixed": [4240], "Other": [1083]})
    >>> _refuse_wide(wide, "ethnicity", "population", ["force"])
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: population has no column 'ethnicity' (keyword `group`): it is wide, one column per ethnic group (['White', 'Black (or Black British)', 'Asian (or Asian British)', 'Mixed', 'Other']); make it long, one row per area and group: pop.melt(id_vars=['Police force'], var_name='ethnicity', value_name='population'), with the group labels the searches have (White, Black, Asian, Mixed, Other: rename 'Black (or Black British)' and the like; self-defined Chinese is Asian, as the searches are grouped) and the area column named as in `by` (['force'])
    """
    if group in pop.columns:
        return
    heads = [str(c) for c in pop.columns if _GROUP_HEAD.match(str(c))]
    if len(heads) < 3:
        return
    ids = [str(c) for c in pop.columns if str(c) not in heads and not str(c).lower().startswith("ethnic group")][:3]
    shown = heads[:6] + (["..."] if len(heads) > 6 else [])
    area = f" and the area column named as in `by` ({list(keys)})" if keys and not set(keys) <= set(map(str, ids)) else ""
    raise InvalidInputError(
        f"population has no column {group!r} (keyword `group`): it is wide, one column per ethnic group ({shown}); make it "
        f"long, one row per area and group: pop.melt(id_vars={ids!r}, var_name={group!r}, value_name={population_col!r}), "
        "with the group labels the searches have (White, Black, Asian, Mixed, Other: rename 'Black (or Black British)' "
        f"and the like; self-defined Chinese is Asian, as the searches are grouped){area}", "group")


def _align_force(pop: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """The population table with rows for each force label of the searches that names a force of
    the table another way (police.uk slug, name, ONS code: ``"Metropolitan Police"`` ->
    ``"metropolitan"``), so Home Office tables and police.uk files join to the Census tables."""
    have = pop["force"].astype(str)
    known = set(have)
    ids = {lab: force_id(lab) for lab in set(have)}
    extra = []
    for lab in labels:
        if lab in known:
            continue
        fid = force_id(lab)
        if fid is None:
            continue
        same = [h for h, i in ids.items() if i == fid]
        if same:
            extra.append(pop[have.isin(same).to_numpy()].assign(force=lab))
    if not extra:
        return pop
    out = pd.concat([pop.assign(force=have.to_numpy()), *extra], ignore_index=True)
    out.attrs = dict(pop.attrs)
    return out


def left_out_csp(dropped: Any, value: Any) -> str | None:
    """Why the population table has no row for the CSP ``value`` (name or code), where
    :func:`~saferstats.read_census_ethnicity` left it out of the Census 2021 table by local
    authority at ``level="csp"`` (a CSP that is part of an authority split across CSPs: Wycombe, of
    Buckinghamshire), from the records of the table's ``attrs["dropped"]`` (``dropped``): the file,
    the CSP, its residents (LSOA counts), what it lacks and the file's lines. ``None`` where they
    record no such CSP. One wording for :func:`disproportionality`'s error and the report's refusal
    (:func:`saferstats.report.inputs.refuse_left_out_csp`).

    >>> rec = {"source_file": "ltla.csv", "source_line": 7, "csp": "Wycombe", "csp_code": "E22000318",
    ...        "csp_residents": 180669, "lacking": "its part of Buckinghamshire (E06000060)",
    ...        "reason": "in Wycombe CSP (E22000318), left out at level='csp' as its total would be short "
    ...        "(lacking its part of Buckinghamshire (E06000060))"}
    >>> left_out_csp([rec], "E22000318")
    'ltla.csv, the Census 2021 table by local authority, cannot give the residents of Wycombe CSP (E22000318, 180,669 residents by LSOA counts), where searches are placed: the CSP lacks its part of Buckinghamshire (E06000060) (line 7), so read_census_ethnicity left it out'
    >>> left_out_csp([rec], "Chiltern") is None
    True
    """
    recs = [r for r in (dropped or []) if isinstance(r, dict) and "lacking" in r
            and str(value) in (r.get("csp"), r.get("csp_code"))]
    if not recs:
        return None
    r = recs[0]
    lines = ", ".join(str(x["source_line"]) for x in recs)
    why = str(r["lacking"])
    return (f"{r['source_file']}, the Census 2021 table by local authority, cannot give the residents of {r['csp']} CSP "
            f"({r['csp_code']}, {r['csp_residents']:,} residents by LSOA counts), where searches are placed: the CSP "
            f"lacks {why} (line{'s' if len(recs) > 1 else ''} {lines}), so read_census_ethnicity left it out")


def _no_population(row: pd.Series, join: list[str], pop: pd.DataFrame, hint: str,
                   dropped: Any = None) -> InvalidInputError:
    """The error for a stratum with no population: the first key whose value the table lacks, with
    the close matches among the table's values (UnknownAreaError for an area); for a CSP that
    :func:`~saferstats.read_census_ethnicity` left out of a table by local authority (the table's
    ``attrs["dropped"]``, ``dropped``), why and the table by LSOA to pass as ``population``. An
    :class:`~saferstats.UnknownAreaError` carries the stratum (``stratum``) and the key it is about
    (``key``), which :func:`saferstats.report.inputs.refuse_left_out_csp` reads."""
    where = dict((k, row[k]) for k in join)
    msg = f"no population for {where} in the denominator table (columns {join})"
    for k in join:
        vals = pop[k].astype(str).unique()
        if str(row[k]) not in set(vals):
            left = left_out_csp(dropped, row[k]) if k in ("csp", "csp_code") else None
            if left is not None:
                return UnknownAreaError(
                    f"{msg}: {k} {str(row[k])!r} is not in it: {left}. Pass as population the Census 2021 TS021 table "
                    "by LSOA read with read_census_ethnicity(path, level='csp') (ts021_ethnic_group_lsoa21.csv, or "
                    "Nomis's census2021-ts021-lsoa.csv): each LSOA is placed in its CSP; or census_population('csp') "
                    f"for the bundled Census 2021 figures by CSP{hint}", "population", stratum=where, key=k)
            close = close_matches(str(row[k]), [str(v) for v in vals])
            msg += f": {k} {str(row[k])!r} is not in it" + (
                f"; close matches: {', '.join(repr(c) for c in close)}" if close else "; no close matches")
            if k == "force" and not str(row[k]).strip():
                msg += " (the records name no force, as police.uk API responses do: read them with read_stop_search(..., force=...))"
            if k in ("force", "force_code", "csp", "csp_code", "la", "la_code", "lsoa", "lsoa_code"):
                return UnknownAreaError(msg + hint, k, stratum=where, key=k)  # (what it is about, not only the words)
            return InvalidInputError(msg + hint, k)
    return InvalidInputError(msg + hint, "population")


#: Up to this many groups of a denominator table, the "no population" error lists them all.
_GROUPS_LISTED = 40


def _groups_there(groups: pd.Series, missing: Any) -> str:
    """The denominator table's groups, as the "no population" error says them: every one (up to
    :data:`_GROUPS_LISTED`; it listed the first 12 of Census 2021 TS021's 19 detailed groups, none
    of White's or Other's), else how many there are and those like ``missing`` (by its words, or
    spelled alike).

    >>> _groups_there(pd.Series(["White: Irish", "Black"]), "Irish")
    "groups there: ['Black', 'White: Irish']"
    >>> _groups_there(pd.Series([f"g{i}" for i in range(50)] + ["White: Irish"]), "Irish")
    "51 groups there; like 'Irish': ['White: Irish']"
    """
    labels = sorted({str(g) for g in groups.dropna().unique()})
    if len(labels) <= _GROUPS_LISTED:
        return f"groups there: {labels}"
    word = str(missing).strip().lower()
    like = [g for g in labels if word and word in g.lower()]
    like = list(dict.fromkeys([*like, *close_matches(str(missing), labels, n=10)]))
    return f"{len(labels):,} groups there; like {str(missing)!r}: {like if like else 'none'}"


def _broad_column(population: Any, group: str) -> dict[str, str]:
    """``{detailed label: broad group}`` from a population table's ``broad`` column beside
    ``group`` (:func:`~saferstats.census_population` with ``detailed=True``: ``"White: Irish"`` ->
    ``"White"``); ``{}`` without one, or where a label has more than one broad group.

    >>> _broad_column(pd.DataFrame({"ethnicity": ["White: Irish", "White: Roma"], "broad": ["White", "White"]}), "ethnicity")
    {'White: Irish': 'White', 'White: Roma': 'White'}
    """
    if not isinstance(population, pd.DataFrame) or "broad" not in population.columns or group == "broad" \
            or group not in population.columns:
        return {}
    pairs = population[[group, "broad"]].dropna().astype(str).drop_duplicates()
    if pairs[group].duplicated().any():
        return {}
    return dict(zip(pairs[group], pairs["broad"]))


def _detailed_of(labels: Sequence[str], broad: str) -> list[str]:
    """The labels that are ONS ``"Broad: Detailed"`` groups of ``broad`` (Census 2021 TS021's
    ``"White: Irish"``, ``"Asian, Asian British or Asian Welsh: Bangladeshi"``): their part before
    the first colon starts with ``broad``.

    >>> _detailed_of(["White: Irish", "White: Roma", "Mixed or Multiple ethnic groups: White and Asian"], "White")
    ['White: Irish', 'White: Roma']
    """
    return [g for g in dict.fromkeys(labels) if ":" in g and g != broad and g.split(":", 1)[0].strip().startswith(broad)]


def _detailed_hint(row: pd.Series, join: list[str], pop: pd.DataFrame, group: str, population_col: str,
                   counts: pd.DataFrame, broad_of: Mapping[str, str] | None = None) -> str:
    """For a group with searches but no population, where the population table's labels are ONS
    ``"Broad: Detailed"`` groups of it (Census 2021 TS021 as ONS and Nomis publish it, 19 groups):
    say the detailed groups must be summed into the broad one - naming one of them the group would
    leave out the others (Greater Manchester's file: Manchester's "White: English, Welsh, Scottish,
    Northern Irish or British" is 268,572 of White's 313,632) - with the pandas line that sums them
    into the searches' groups (Census 2021 TS021 and the Home Office's five groups put "Other ethnic
    group: Arab" in Other). ``broad_of`` (:func:`_broad_column`: the table's own ``broad`` column,
    as :func:`~saferstats.census_population` with ``detailed=True`` gives it): its groups are the
    ones summed, the line is a ``groupby`` on it, and the hint gives what the line gives for the
    stratum (Manchester White 313,632). "" when the labels are not detailed groups of it."""
    labels = [str(g) for g in pop[group].unique()]
    broad = str(row[group])
    by_column = bool(broad_of) and broad in set((broad_of or {}).values())
    detailed = [g for g in labels if (broad_of or {}).get(g) == broad] if by_column else _detailed_of(labels, broad)
    if not detailed:
        return ""
    here = pop
    for k in join:
        here = here[here[k].astype(str) == str(row[k])]
    vals = here.groupby(here[group].astype(str))[population_col].sum()
    vals = vals[vals.index.isin(detailed)]
    where = " in " + ", ".join(str(row[k]) for k in join) if join else ""
    sizes = (f"{where}: their {len(vals)} groups sum to {vals.sum():,.0f}, the largest alone ({vals.idxmax()!r}) "
             f"is {vals.max():,.0f}" if len(vals) > 1 else "")
    if by_column:  # the table says each label's broad group: sum by it (the line's result for the stratum said)
        line = (f"pop.groupby({[*join, 'broad']!r}, as_index=False)[{population_col!r}].sum()"
                f".rename(columns={{'broad': {group!r}}})")
        rest = [g for g in labels if g not in (broad_of or {})]
        return (f"; the population table has ONS detailed groups of {broad!r} ({', '.join(repr(g) for g in detailed[:3])}"
                f"{', ...' if len(detailed) > 3 else ''}): the population of {broad!r} is their sum, not any one of "
                f"them{sizes}. Its 'broad' column gives each detailed group's broad group: sum by it (this gives "
                f"{broad!r}{where} {vals.sum():,.0f}), e.g. pop = {line}"
                + (f" (labels of no broad group are left out by it: {rest[:4]})" if rest else ""))
    heads = [str(g) for g in pd.unique(counts[group].astype(str)) if _detailed_of(labels, str(g))]
    regex = "|".join(re.escape(g) for g in sorted(heads))
    keys = [*join, group]
    line = (f"pop.assign({group}=pop[{group!r}].str.extract(r\"^({regex})\", expand=False))"
            f".groupby({keys!r}, as_index=False)[{population_col!r}].sum()")
    rest = [g for g in labels if not re.match(f"^({regex})", g)]
    return (f"; the population table has ONS detailed groups of {broad!r} ({', '.join(repr(g) for g in detailed[:3])}"
            f"{', ...' if len(detailed) > 3 else ''}): the population of {broad!r} is their sum, not any one of them"
            f"{sizes}. Sum each broad group's detailed groups into one row named as the searches' group, e.g. "
            f"pop = {line}" + (f" (labels of no such group are left out by it: {rest[:4]})" if rest else ""))


_AREA_KEYS = {"force", "force_code", "force_name", "lsoa", "lsoa_code", "csp", "csp_code", "la", "la_code"}


def _refuse_no_area(searches: pd.DataFrame, count: str | None, keys: Sequence[str] = ()) -> None:
    """``by`` names no area and no population was given: the bundled Census has a row per area and
    group, so there is no one denominator to use. Say which ``by`` the searches can take (before
    the join fails on "several rows" for every group)."""
    forces = []
    if "force" in searches.columns:
        forces = sorted({str(f) for f in searches["force"].dropna().astype(str).unique() if str(f).strip()})
    if count is not None:
        how = ("name the column of `searches` that holds the area in `by` (by='force' for forces, by='la_code' "
               "for local authorities), or pass `population=` with the populations of these searches' area")
    elif forces:
        said = ", ".join(force_said(f) for f in forces[:4]) + (f" and {len(forces) - 4} more" if len(forces) > 4 else "")
        located = all(c in searches.columns for c in ("latitude", "longitude")) and bool(
            pd.to_numeric(searches["latitude"], errors="coerce").notna().any())
        # no record has a location (police.uk South Yorkshire): by='csp' / 'la' would place none
        how = (f"pass by='force' (the records' force: {said}), "
               + ("or by='csp' / by='la' to count each search in the area its location falls in, " if located else
                  "(no record has a location, so by='csp' / by='la' could place none) ")
               + "or `population=` for a population of your own")
    else:
        how = ("these records name no force (police.uk API responses do not): read them with "
               "read_stop_search(..., force='<force>') and pass by='force', or pass by='csp' / by='la' to count each "
               "search in the area its location falls in, or `population=` for a population of your own")
    # the `by` given, as given: "by=None" for by=['month'] named the wrong call (w26b's note)
    given = "by=None" if not keys else f"by={list(keys)!r} (no area among them)"
    if keys and forces:
        how += f"; with {', '.join(map(repr, keys))} beside the area: by=['force', {', '.join(map(repr, keys))}]"
    raise InvalidInputError(f"{given} with no `population`: the bundled Census populations have one row per area and "
                            f"ethnic group, so the searches need an area to be set against; {how}", "by")


def _merged_las_2011(pop: pd.DataFrame) -> pd.DataFrame:
    """The Census 2011 local authority denominators ``pop`` (:func:`~saferstats.geography.areas_2024`,
    ``"la"``, 2011) with the authorities merged since 2016 added: each one's 2011 districts summed
    (``census_population("la", census=2011)``'s ``la_code_2024``), the Census 2011 residents of the
    same area, as a unitary authority is the union of the districts it replaced (North Yorkshire,
    E06000065: Craven, Hambleton, Harrogate, Richmondshire, Ryedale, Scarborough and Selby, 598,376 -
    the 2011 figure by="csp" already gives the North Yorkshire CSP, the same area). The summed
    authorities and their districts are in ``.attrs["summed_2011"]``.

    >>> pop = _merged_las_2011(areas_2024("la", 2011))
    >>> int(pop.loc[pop["la"] == "North Yorkshire", "population"].sum()), len(pop.attrs["summed_2011"]["North Yorkshire"])
    (598376, 7)
    """
    old = census_population("la", census=2011)
    merged = old[~old["la_code_2024"].isin(pop["la_code"])]
    one_force = merged.groupby("la_code_2024")["force"].transform("nunique") == 1  # (every merger was within a force)
    merged = merged[one_force]
    if merged.empty:
        return pop
    sums = (merged.groupby(["la_2024", "la_code_2024", "force", "ethnicity"], as_index=False, sort=False)["population"]
            .sum().rename(columns={"la_2024": "la", "la_code_2024": "la_code"}))
    out = pd.concat([pop, sums[list(pop.columns)]], ignore_index=True)
    out = out.sort_values(["la", "la_code", "ethnicity"], kind="stable").reset_index(drop=True)
    out.attrs = {**pop.attrs, "summed_2011": {str(k): sorted(map(str, g.unique()))
                                              for k, g in merged.groupby("la_2024", sort=True)["la"]}}
    return out


def _default_level(keys: list[str]) -> str:
    if {"lsoa", "lsoa_code"} & set(keys):
        return "lsoa"
    if {"csp", "csp_code"} & set(keys):
        return "csp"
    if {"la", "la_code"} & set(keys):
        return "la"
    return "force"


@accepts_frames("searches", optional=("population",))
@confidence_levels("rate_lower", "rate_upper", "ratio_lower", "ratio_upper")
def disproportionality(
    searches: pd.DataFrame,
    population: pd.DataFrame | Mapping[str, float] | None = None,
    *,
    group: str = "ethnicity",
    count: str | None = None,
    population_col: str = "population",
    by: str | Sequence[str] | None = None,
    reference: str = "White",
    multiplier: float = 1000,
    confidence: float = 0.95,
    ethnicity_source: Literal["self", "officer", "self_then_officer"] = "self",
    mapping: Mapping[str, str] | None = None,
    unknown: Literal["error", "other"] = "error",
    include_vehicle: bool = False,
    ratio_method: Literal["katz", "poisson"] = "katz",
    zero: Literal["exact", "haldane"] = "exact",
    min_count: float = 10,
    min_population: float = 1000,
    census: Literal[2011, 2021, "auto"] | None = None,
    per_year: bool = False,
) -> pd.DataFrame:
    """Search rates per 1,000 by group and the ratio of each group's rate to the reference group's.

    Method (``docs/methods/stop_search.md`` B1, B2): rate = searches / population × ``multiplier``
    (1,000) over the months the searches cover (``.attrs["months"]`` for records; with records of
    other than 12 months and the default ``multiplier`` a :class:`~saferstats.SaferstatsWarning`
    says so and names ``per_year=True``: the Home Office's rates are per year; with ``by``
    including ``"month"`` each row's rate is a month's, and a warning says so too, naming
    ``per_year=True`` as well: ``multiplier=12000``, or ``1000 * 12 / months``, still works but gives
    yearly rates only as if every month were a twelfth of a year), with
    PHE exact/Byar's CI. ``per_year=True`` (record level) gives rates per ``multiplier`` residents
    **per year by person-time**: searches / (population × days / 365.25), the days being those of
    the row's month with ``by`` including ``"month"`` (February 2020: 29, not 365.25 / 12), else
    of the months with searches, force by force (``.attrs["per_year"]``: basis and days per row).
    A month read as a twelfth misstates a 29-day February by 6.5% against a 31-day January: the
    size of a large force's whole interval (police.uk South Yorkshire, White, Feb 2020). Ratios
    are the same either way (both rates of a stratum share its days);
    ratio = group rate / reference rate from **unrounded** rates, Katz log CI (``ratio_method=
    "poisson"`` for the wald-log CI). ``reliable`` is False when searches < ``min_count`` or
    population < ``min_population`` (HO/ONS suppress such rates).

    **Zero cells** (docs/methods/zero_cells.md), the same rule as the 2×2 outcome tables: when a
    group or the reference has no searches, or (Katz) a group's searches equal its population,
    Katz's interval is undefined or degenerate. ``zero="exact"`` (default) gives the exact
    conditional interval (``ratio_method`` ``"exact (zero count)"``, or ``"exact"`` for a fully
    searched group); ``zero="haldane"`` adds 0.5 to every cell of the 2×2 table (searched / not
    searched × group / reference) and uses Katz (``"katz (haldane +0.5)"``). Both counts zero: no
    ratio (NaN, ``"not applicable"``).

    **Like for like** (docs/methods/officer_ethnicity.md): Census denominators are self-defined.
    Officers record only White, Black, Asian and Other — never Mixed — so with
    ``ethnicity_source="officer"`` the Mixed row is not comparable (its rate and ratio are NaN),
    Other is overstated (officers' Other absorbs people who self-define as Mixed or Asian) - an
    Other row of no searches holds no one to overstate and is "not comparable" instead (its 0 keeps
    its rate and ratio of 0, but people who self-define as Other can be recorded as White, Asian or
    Black: police.uk API, Leicester, Feb 2020) - and the other groups are approximate; with ``"self_then_officer"`` the rows holding officer-defined
    searches are flagged likewise. Every row says so in ``like_for_like`` and ``comparability``,
    and a :class:`~saferstats.SaferstatsWarning` names the rows. Where the records have
    ``self_defined_ethnicity``, the officer-defined Other row's note and the warning say in figures
    why it is overstated, and ``.attrs["officer_other"]`` holds them (police.uk Essex, Dec 2019 -
    Feb 2020, Census 2011: ratio to White 10.18 on 185 searches, of which 111 are of people who
    self-defined as Mixed, 102 of the 117 searched, or Asian, 9 of the 222). Rows are not like for like either
    when the Census is not the one the Home Office used for the searches' period (Census 2021
    populations for searches before April 2022): ``like_for_like`` is False and ``comparability``
    names both.

    ``searches`` is record level (one row per search, e.g. from :func:`read_stop_search`; counts
    are made, ethnicity assigned from ``ethnicity_source`` via :data:`HO_ETHNICITY_GROUPS` +
    ``mapping``; vehicle-only searches and "Not stated" are excluded and counted in
    ``.attrs["excluded"]``) or aggregate (pass ``count="searches"``: one row per ``by`` × group,
    e.g. the Home Office / Ethnicity Facts and Figures tables; counts may be text with thousands
    separators). For aggregate input ``mapping`` renames group labels in both the searches and
    the population table (``{"Black or Black British": "Black"}``; labels mapped to the same group
    are summed).

    ``population``: a long table with a column named by ``group`` (default ``"ethnicity"``, as in
    :func:`census_population`) and one named by ``population_col``, plus any ``by`` columns it is
    joined on (e.g. ``period`` when group labels or populations change between periods); or a
    ``{group: population}`` mapping for a single area. When not given, a ``population_col`` column
    of an aggregate ``searches`` table is used, else the bundled Census of ``census`` (**2021** by
    default, as the Home Office since 2022/23; ``census=2011`` for series before that) at the level
    ``by`` names: force, CSP, local authority or LSOA (:func:`census_population`). Forces join
    however they are written: police.uk slugs (``"city-of-london"``, ``"metropolitan"``), Home
    Office / ONS names (``"London, City of"``, ``"Metropolitan Police"``) or ONS codes. Rows are the
    (stratum, group) pairs present in the population table for that stratum (groups with no
    searches get 0); a pair in neither table is not a row, so "Other inc Chinese" until 2018/19 and
    "Other" from 2019/20, each with its own population, give one row each per period. Searches in a
    group with no population are an error (where the table has ONS ``"Broad: Detailed"`` groups of it,
    as Census 2021 TS021 is published - ``"White: Irish"``, ``"Other ethnic group: Arab"`` - it says
    they must be summed into the broad group and gives the pandas line), and so, for police.uk records, is a population group that
    no search can be in (a Chinese group apart from Asian, as the older police-defined categories
    count it: those searches are Asian's, so Asian's rate would be too high and Chinese's zero); an
    area the table lacks raises
    :class:`~saferstats.UnknownAreaError` listing the close matches.

    **Which Census** (``denominator`` column, ``.attrs["denominator"]``, ``.attrs["census"]``): the
    Home Office series used Census 2011 populations up to 2021/22 and Census 2021 from 2022/23
    (searches from April 2022). When the searches' months (record level: ``date`` or ``month``;
    aggregate: a ``by`` column of financial years, years or months) are not like for like with the
    denominators' Census - 2021 denominators for earlier searches, or 2011 for later ones - a
    :class:`~saferstats.SaferstatsWarning` says how many searches and which months, also in
    ``.attrs["denominator_check"]`` and in the ``denominator`` column itself (so an exported table
    says it: ``"Census 2021 usual residents; the Home Office used Census 2011 for the searches of
    2019-12 to 2020-02"``). ``census=`` with a population table of your own says which
    Census it is (a table from :func:`census_population` carries it in ``.attrs["census"]``).
    ``census="auto"`` takes the bundled Census the Home Office used for the searches' latest month
    (2011 up to March 2022, 2021 from April 2022: Census 2011 for police.uk Dec 2019 - Feb 2020,
    2021 for 2023), as the report and the command line do; searches of a span that crosses April 2022
    are then named by the warning above. It needs the searches' months (an error says so), and
    with a population table given, that table is used as it is.

    **CSPs and local authorities from locations**: with record-level searches and ``by="csp"``
    (or ``"la"``, alone or with other columns such as ``"month"``) when the records have no such
    column, each search is placed in the Community Safety Partnership / local authority (December
    2024) containing its ``latitude``/``longitude`` (:func:`~saferstats.assign_area`, bundled ONS
    boundaries) and compared with that area's Census population; the output has ``csp`` and
    ``csp_code`` (``la``, ``la_code``). With ``census=2011`` an authority merged since 2016 (North
    Yorkshire, Cumberland, Somerset, ...) has its former districts' 2011 residents summed, the same
    area (North Yorkshire: its seven districts, 598,376), named in ``.attrs["summed_2011"]``.
    Searches that cannot be placed are never dropped silently:
    ``.attrs["unassigned"]`` counts them by reason - ``missing_coordinates``, ``no_area`` (beyond
    the generalised coastline or river outline, e.g. on a bridge), ``outside_england_and_wales`` and
    ``outside_force`` (placed in another force's area than the force of the record) - with
    ``.attrs["unassigned_by_force"]``, the first rows in ``.attrs["unassigned_rows"]``, the total in
    ``.attrs["excluded"]["unassigned_location"]`` and a :class:`~saferstats.SaferstatsWarning`. The
    searches per area add up to the force's searches minus the unassigned. Where not one search
    can be placed (police.uk South Yorkshire, whose files carry no locations) there is no table
    to give: :class:`~saferstats.InvalidInputError` (argument ``by``) says why and that
    ``by="force"`` takes them. **Approximate near
    boundaries**: police.uk moves each search to an anonymised snap point (the centre of a street
    or a public place, chosen to cover several addresses), so a search near a CSP boundary may be
    placed in the neighbouring CSP; CSP rates are those of the searches' snap points. Searches that
    all lie within a police.uk location query's footprint (``stops-street``: 20 or more, all within
    3.3 km of each other, however wide the box around them) in an area much larger than it are not
    that area's searches: the area is named in a
    warning and ``.attrs["small_footprint"]`` (as forces are with ``by="force"``). Missing
    ``latitude``/``longitude`` columns raise :class:`~saferstats.InvalidInputError` naming them.

    **One age band or sex** (record level, Census populations of all ages and both sexes): searches
    filtered to children ("under 10", "10-17"), to one age band or one sex, or split by
    ``by="age_range"`` / ``"gender"``, are set against residents of all ages: a
    :class:`~saferstats.SaferstatsWarning` says so (the rates are not per 1,000 children, and the
    ratios mix the groups' age structures); a ``population`` table with that column avoids it.

    **Ethnicity not stated** (record level): ``.attrs["not_stated_by"]`` holds ``{force: (not
    stated, searches with a person)}`` (``"all searches"`` without a ``force`` column): rates count
    only the searches with a stated ethnicity, so forces whose shares differ are not like for like
    (police.uk City of London, Dec 2019 to Feb 2020: 34% not stated; Durham: 3%). A
    :class:`~saferstats.SaferstatsWarning` names the forces where a fifth or more (of 10 or more)
    are not stated, and another the strata reported (``by``; each force apart in rows that pool
    forces) over a fifth in a force under it (police.uk Leicestershire, Dec 2019: 23% of 106, 17%
    over the quarter); ``.attrs["not_stated_strata"]`` holds each stratum's ``not_stated`` and
    ``searches`` (records for ``pd.DataFrame``).

    **Missing months** (record level): police.uk publishes one file per force and month, so a month
    with no search for a force, within the months the records cover, is usually a file not read; a
    :class:`~saferstats.SaferstatsWarning` names the force and months (also in
    ``.attrs["months_missing"]``, ``{force: ["2020-01"]}``): that force's counts and rates cover
    fewer months than the others'. :func:`~saferstats.read_stop_search` runs the same check. The
    rates are then over the months with searches, force by force (``.attrs["months_with_searches"]``,
    ``{force: 2}``; ``.attrs["months"]``: most forces' months), and the warning that the rates are
    not per year names ``per_year=True`` and the days it takes for each (police.uk Durham Dec 2019
    and Jan 2020: 62 days, Essex Dec 2019 and Feb 2020: 60, not the 91 of three months).

    **Residents who are not the people searched**: the City of London has a few thousand residents
    and a daytime population of hundreds of thousands; its searches (115 of Black people in three
    months of 2019-20, against 193 Black residents) are mostly of people who live elsewhere, so a
    rate per resident there, and its ratio to White, is not like for like with other forces'. With
    Census denominators its rows have ``like_for_like`` False and say so in ``comparability`` and
    ``denominator`` (by force, CSP or local authority), and ``.attrs["non_resident_areas"]`` names
    such areas. A :class:`~saferstats.SaferstatsWarning` names every such row with its rate and
    ratio: the implausible-rates warning below where it names some of the area's rows (the others
    are no better: City of London 2023, Black 966 per 1,000 a year named, Asian's ratio 1.09 too),
    a warning of its own where it names none.

    **Implausible rates per resident** (any area, Census populations: bundled, or your own with
    ``census=``; a table of unknown kind is not judged): a row whose searches in a year number half its
    group's residents or more (500 per 1,000 a year, on ``min_count`` searches or more; the Home
    Office's highest force rates are below 100), or that has more searches than residents, cannot
    be a rate of residents searched: its people searched are mostly not residents (a city centre,
    station or venue), or the population is of a smaller area or group than the searches. A
    :class:`~saferstats.SaferstatsWarning` names the rows and says why, their ``like_for_like`` is
    False and ``comparability`` says so, and ``.attrs["implausible_rates"]`` lists them: the ``by``
    values, ``group``, ``searches``, ``population`` and ``per_1000_a_year`` (records: by
    person-time, as ``per_year=True``, over the days of the months the searches cover, each month's
    own with ``by="month"``: a 29-day February is not a twelfth of a year) or ``per_1000`` (aggregate tables: searches
    against population as given). police.uk City of London 2023, ``by="force"``:
    225 searches of Black people against 233 Black residents, 966 per 1,000 a year (538 and 2,309
    officer-defined, more searches than residents).

    Returns
    -------
    DataFrame, one row per ``by`` × group: the ``by`` columns, ``group, searches, population, rate,
    rate_lower, rate_upper, ratio, ratio_lower, ratio_upper, reliable, ratio_method, confidence,
    like_for_like, comparability, denominator``. The reference group's ratio is 1 (no interval).

    Examples
    --------
    >>> import pandas as pd, saferstats
    >>> agg = pd.DataFrame({"ethnicity": ["Black", "White"], "searches": [1200, 5400]})
    >>> saferstats.disproportionality(agg, {"Black": 48_000, "White": 1_080_000}, count="searches").iloc[:, :12].round(4)
       group  searches  population  rate  rate_lower  rate_upper  ratio  ratio_lower  ratio_upper  reliable ratio_method  confidence
    0  Black      1200       48000  25.0     23.6053     26.4555    5.0          4.7       5.3192      True         katz        0.95
    1  White      5400     1080000   5.0      4.8675      5.1352    1.0          NaN          NaN      True    reference        0.95

    Stop and search by CSP from police.uk records (here Derbyshire, with the Census of their time):

    >>> recs = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    >>> derby = recs[recs.force == "derbyshire"]
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     csp = saferstats.disproportionality(derby, by="csp", census=2011)
    >>> csp.query("group == 'White'")[["csp", "searches", "population"]].head(3)
                 csp  searches  population
    4   Amber Valley        39      120023
    9       Bolsover        15       74452
    14  Chesterfield        24      100172
    >>> csp.attrs["denominator"], csp.attrs["unassigned"]
    ('Census 2011 usual residents', {'missing_coordinates': 11, 'no_area': 0, 'outside_england_and_wales': 0, 'outside_force': 8})
    """
    keys = _by_list(by)
    if not isinstance(searches, pd.DataFrame):
        raise InvalidInputError("`searches` must be a pandas DataFrame", "searches")
    if len(searches) == 0:
        raise InvalidInputError("`searches` is empty", "searches")
    keys, mapping, source = _search_args(searches, keys, mapping, ethnicity_source, unknown, group=group,
                                         population_col=population_col, reference=reference)
    census_arg = _census_arg(census)
    mult, conf = _number(multiplier, "multiplier"), float(confidence)
    if per_year and count is not None:
        raise InvalidInputError("per_year=True needs record-level searches (their months give the days); an aggregate "
                                "table's rates are per `multiplier` over its own period", "per_year")
    min_count, min_population = _number(min_count, "min_count"), _number(min_population, "min_population")
    excluded: dict[str, int] = {}
    officer_counts: pd.DataFrame | None = None
    self_counts: pd.DataFrame | None = None
    area_level: str | None = None
    located: dict[str, Any] = {}
    periods: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # first, last month, searches
    months_missing: dict[str, list[str]] = {}
    footprint: dict[str, tuple[float, float]] = {}
    not_stated_by: dict[str, tuple[int, int]] = {}
    not_stated_strata = pd.DataFrame()
    months_span = ""
    months_present: dict[str, list[str]] = {}
    pop_source = "given"
    if count is None and group != "ethnicity":
        source = "officer" if group == "officer_defined_ethnicity" else "self"  # the user's own grouping
    if count is None:
        area_level = _location_level(searches, keys)
        require_columns(searches, {f"by[{i}]": k for i, k in enumerate(keys) if k != area_level}, "searches")
        groups, use, excluded = _record_groups(searches, group, source, mapping, unknown, include_vehicle)
        not_stated_by = _not_stated_by(searches, use, include_vehicle)
        _warn_not_stated(not_stated_by, source)
        cols = {k: searches[k] for k in keys if k != area_level}
        if area_level is not None:
            found, placed, located = _locate(searches, area_level, use)
            excluded["unassigned_location"] = int((use & ~placed).sum())
            if use.any() and not (use & placed).any():  # no row at all: refused, not an empty table
                raise _none_placed(located, area_level, "disproportionality")
            use = use & placed
            cols[area_level], cols[f"{area_level}_code"] = found["name"], found["code"]
            footprint = _small_footprint_areas(searches, use, found, area_level)
            i = keys.index(area_level)
            keys = [*keys[:i], area_level, f"{area_level}_code", *keys[i + 1:]]
        keyed = pd.DataFrame({**{k: cols[k] for k in keys}, group: groups}, copy=False)
        # judged per stratum reported too: a month can pass a fifth in a force under it over the quarter
        ns_cols = _strata_cols(searches, keys)
        in_rows = _with_person(searches, include_vehicle) & (placed if area_level is not None else True)
        ns_frame = keyed.assign(force=searches["force"].to_numpy()) if "force" not in keys and ns_cols[:1] == ["force"] else keyed
        not_stated_strata = _not_stated_strata(ns_frame, ns_cols, in_rows, use)
        _warn_not_stated_strata(not_stated_strata, ns_cols, keys, not_stated_by)
        counts = count_by_codes(keyed, keys + [group], use)  # categorical keys (read_stop_search)
        if counts is None:
            counts = keyed[use].groupby(keys + [group], dropna=False, observed=True).size().reset_index()
        counts = counts.rename(columns={"size": "searches", 0: "searches"})
        if group == "ethnicity" and source == "self_then_officer":
            filled = use & _filled_from_officer(searches, mapping, unknown)
            officer_counts = keyed[filled].groupby(keys + [group], dropna=False, observed=True).size()
            officer_counts = officer_counts.rename("from_officer").reset_index()
        if group == "ethnicity" and source == "officer" and "self_defined_ethnicity" in searches.columns:
            self_counts = _self_defined_counts(searches, keyed[use], use, keys + [group], mapping)
        months_missing, months_span = months_without_searches(searches, _months_read(searches), present=months_present)
        if "force" in keys:
            footprint = _small_footprint(searches, use)
        when = searches["date"] if "date" in searches.columns else searches["month"] if "month" in searches.columns else None
        spans = periods_of(when[use]) if when is not None and use.any() else None
        if spans is not None:
            periods = (spans[0], spans[1], np.ones(len(spans[0])))
    else:
        if not isinstance(count, str):
            raise InvalidInputError(f"`count` must be a column name, not {count!r}", "count")
        try:
            require_columns(searches, {"count": count, "group": group, **{f"by[{i}]": k for i, k in enumerate(keys)}},
                            "searches")
        except InvalidInputError as e:
            if e.argument != "group" or "did you mean" in str(e):
                raise
            raise InvalidInputError(f"{e}{_group_hint(searches.columns, group)}", "group") from None
        vals = _numbers(searches, count, "counts")
        _refuse_shares(searches, keys, vals, count)
        labels = _relabel(searches[group], mapping)
        agg = searches[keys].assign(**{group: labels.to_numpy(), "searches": vals})
        counts = agg.groupby(keys + [group], dropna=False, observed=True, sort=False)["searches"].sum().reset_index()
        for k in keys:  # a period column among `by`: which years the searches are from
            spans = periods_of(counts[k], numbers=any(w in str(k).lower() for w in ("year", "period")))
            if spans is not None:
                periods = (spans[0], spans[1], counts["searches"].to_numpy(dtype=float))
                break
        if population is None and population_col in searches.columns:
            # the population column of the searches table: one value per (by, label) — repeated
            # on every row of that group (e.g. per legislation), not to be added up
            own = searches[keys + [group, population_col]]
            population = own.assign(**{group: own[group].astype(str).str.strip()}).drop_duplicates()
            pop_source = "searches"
    # census="auto": the bundled Census the Home Office used for the searches' latest month (a
    # population table given is taken as it is, with its own .attrs['census'] if it says)
    if census_arg == "auto":
        wanted = census_auto(periods) if population is None else None
    else:
        wanted = census_arg if isinstance(census_arg, int) else None
    # population table: Census 2021 unless told otherwise; which one is said in the output
    vintage: int | None
    if population is None:
        vintage = bundled = 2021 if wanted is None else wanted
        if area_level is not None:
            population = areas_2024(area_level, bundled)
            if area_level == "la" and bundled == 2011:
                population = _merged_las_2011(population)
        elif not set(keys) & _AREA_KEYS:
            _refuse_no_area(searches, count, keys)
        else:
            population = census_population(_default_level(keys), census=bundled)  # type: ignore[arg-type]
        denominator = f"Census {vintage} usual residents"
    else:
        own_census = population.attrs.get("census") if isinstance(population, pd.DataFrame) else None
        if own_census in (2011, 2021):
            if wanted is not None and wanted != own_census:
                raise InvalidInputError(f"census={wanted} but the population table is Census {own_census} "
                                        "(its .attrs['census']); pass one or the other", "census")
            vintage = int(own_census)
            denominator = f"Census {vintage} usual residents"
        else:
            vintage = wanted
            what = "population column of `searches`" if pop_source == "searches" else "population table as given"
            denominator = f"Census {wanted} ({what})" if wanted else what
    if isinstance(population, Mapping):
        pop = pd.DataFrame({group: list(population.keys()), population_col: list(population.values())})
        try:  # a mapping has no rows: its key names the bad value
            _numbers(pop, population_col, "populations")
        except InvalidInputError as e:
            key = list(population.keys())[e.position or 0]
            raise InvalidInputError(f"`population` {{{group}: population}} mapping, key {group}={key!r}: populations "
                                    f"must be non-negative numbers, got {plain(population[key])!r}", "population", key,
                                    position=e.position) from None
    elif isinstance(population, pd.DataFrame):
        pop = population
    else:
        raise InvalidInputError("`population` must be a DataFrame or a {group: population} mapping", "population")
    if isinstance(population, pd.DataFrame):
        _refuse_wide(pop, group, population_col, keys)
    require_columns(pop, {"group": group, "population_col": population_col}, "population")
    join = [k for k in keys if k in pop.columns]
    if count is None:
        _warn_subpopulation(searches, use, keys, list(pop.columns))
    if "force" in join:  # police.uk slugs, Home Office names, ONS codes: one force, however written
        pop = _align_force(pop, [str(v) for v in counts["force"].astype(object).unique()])
    pop = pop[join + [group, population_col]]  # checked with the caller's row labels, then re-indexed
    popv = _numbers(pop, population_col, "populations", join + [group])
    pop_mapping = mapping if count is not None else None  # record level: mapping is for police.uk labels
    pop = pop.assign(**{group: _relabel(pop[group], pop_mapping).to_numpy(), population_col: popv}).reset_index(drop=True)
    if pop_mapping:  # labels mapped to one group: their populations add up
        pop = pop.groupby(join + [group], dropna=False, sort=False)[population_col].sum().reset_index()
    dup = pop.duplicated(subset=join + [group])
    if dup.any():
        split = [c for c in population.columns if c not in (*join, group, population_col)][:4] \
            if isinstance(population, pd.DataFrame) else []
        hint = (f"; it is split by other columns too ({split}): pass them in `by` (e.g. by={split[0]!r}) to join on "
                "them" if split else "")
        if {"csp", "csp_code"} & set(join) and {"la", "la_code"} & set(split):  # authorities of a CSP: their sum
            hint += (", or sum the local authorities into each CSP (read_census_ethnicity(path, level='csp') does, "
                     "for a Census 2021 TS021 file; census_population('csp') has the bundled Census's CSPs)")
        raise InvalidInputError(
            f"population table has several rows for {pop[dup].iloc[0][join + [group]].to_dict()}{hint}", "population")
    counts[group] = counts[group].astype(str)
    # rows: each stratum with searches x the groups its population table has
    strata = counts[keys].drop_duplicates() if keys else pd.DataFrame(index=[0])
    if join:
        known = strata.merge(pop[join].drop_duplicates(), on=join, how="left", indicator=True)
        if (known["_merge"] == "left_only").any():
            row = known[known["_merge"] == "left_only"].iloc[0]
            hint = ""
            if area_level is not None and vintage == 2011:
                plural = "local authorities" if area_level == "la" else f"{_AREA_NAMES[area_level]}s"
                hint = (f" (Census 2011 has no population for {plural} created since at their 2024 "
                        "boundaries; use census=2021, or by='csp' for the merged authorities)")
            raise _no_population(row, join, pop, hint,
                                 population.attrs.get("dropped") if isinstance(population, pd.DataFrame) else None)
        grid = strata.merge(pop[join + [group]], on=join, how="inner")
    else:
        grid = strata.merge(pop[[group]], how="cross")
    both = counts.merge(grid, on=keys + [group], how="left", indicator=True)
    orphan = both[both["_merge"] == "left_only"]
    if (orphan["searches"] > 0).any():
        row = orphan[orphan["searches"] > 0].iloc[0]
        where = {k: row[k] for k in keys}
        similar = [str(g) for g in pop[group].unique() if str(g).lower().startswith(str(row[group]).lower()) and
                   str(g) != str(row[group])]
        hint = _detailed_hint(row, join, pop, group, population_col, counts, _broad_column(population, group)) or (
            f"; is {similar[0]!r} that group? Name it {row[group]!r} in the population table" + (
                " (`mapping` renames the searches' police.uk labels, not the population's)" if count is None else "")
            if similar else "")
        raise InvalidInputError(
            f"group {row[group]!r} has {row['searches']:g} searches{' in ' + str(where) if where else ''} but no "
            f"population in the denominator table ({_groups_there(pop[group], row[group])}){hint}", "population")
    if count is None and group == "ethnicity":  # (after the labels that are near misses of the searches' are named)
        _refuse_groups_no_search_can_be_in(pop, group, population_col, counts, mapping)
    if len(orphan):
        excluded["zero_searches_without_population"] = int(len(orphan))
    frame = grid.merge(counts, on=keys + [group], how="left").merge(pop, on=join + [group], how="left")
    frame["searches"] = frame["searches"].fillna(0)
    popv = frame[population_col].to_numpy(dtype=float)
    bad = np.flatnonzero(np.isnan(popv) | (popv <= 0))
    if bad.size:
        row = frame.iloc[int(bad[0])]
        raise InvalidInputError(
            f"population for {dict((k, row[k]) for k in keys + [group])} is {row[population_col]}; it must be > 0",
            "population",
        )
    officer_rows = None
    if officer_counts is not None:
        officer_counts[group] = officer_counts[group].astype(str)
        officer_rows = frame[keys + [group]].merge(officer_counts, on=keys + [group], how="left")["from_officer"]
        officer_rows = officer_rows.fillna(0).to_numpy(dtype=float)
    like, note = _comparability(frame, keys, group, source, officer_rows)
    other_said: dict[int, str] = {}
    officer_other: list[dict[str, Any]] = []
    if self_counts is not None:
        other_said, officer_other = _other_holds(frame, keys, group, self_counts)
        for i, said in other_said.items():
            note[i] = f"{note[i]} (here {said})"
    reference = _reference_label(frame[group], reference)
    ref_idx = _reference_index(frame, keys, group, reference)
    res = _ext.disproportionality(
        np.ascontiguousarray(frame["searches"].to_numpy(dtype=float)),
        np.ascontiguousarray(popv),
        ref_idx.tolist(),
        multiplier=mult,
        confidence=conf,
        ratio_method=ratio_method,
        zero=zero,
        min_count=min_count,
        min_population=min_population,
    )
    out = frame[keys].copy() if keys else pd.DataFrame(index=frame.index)
    out["group"] = frame[group].to_numpy()
    out["searches"] = frame["searches"].to_numpy().astype(np.int64) if np.all(frame["searches"] % 1 == 0) else frame["searches"].to_numpy()
    out["population"] = popv.astype(np.int64) if np.all(popv % 1 == 0) else popv
    out["rate"] = res["rate"]
    out["rate_lower"] = res["rate_lower"]
    out["rate_upper"] = res["rate_upper"]
    out["ratio"] = res["ratio"]
    out["ratio_lower"] = res["ratio_lower"]
    out["ratio_upper"] = res["ratio_upper"]
    out["reliable"] = res["reliable"]
    out["ratio_method"] = method_labels(res["ratio_method"])
    out["confidence"] = conf
    out["like_for_like"] = like
    out["comparability"] = note
    out["denominator"] = denominator
    # not comparable: no rate or ratio to print (officers cannot record Mixed); an officer-defined
    # Other of no searches keeps its true count of 0 (its note says what the 0 is not)
    na = np.asarray([str(c).startswith(_MIXED_NA) for c in note])
    if na.any():
        out.loc[na, ["rate", "rate_lower", "rate_upper", "ratio", "ratio_lower", "ratio_upper"]] = np.nan
        out.loc[na, "reliable"] = False
        out.loc[na, "ratio_method"] = "not applicable"
    out = out.reset_index(drop=True)
    out.attrs["excluded"] = excluded
    if "searches_with_person" in excluded:
        with_person = excluded["searches_with_person"]
        out.attrs["not_stated_percent"] = 100.0 * excluded["not_stated"] / with_person if with_person else float("nan")
    out.attrs["denominator"] = denominator
    summed = population.attrs.get("summed_2011", {}) if isinstance(population, pd.DataFrame) else {}
    if summed and "la" in out.columns:  # merged authorities' 2011 districts, summed (_merged_las_2011)
        out.attrs["summed_2011"] = {k: v for k, v in summed.items() if k in set(out["la"].astype(str))}
    out.attrs["census"] = vintage
    if count is None:
        out.attrs["months_missing"] = months_missing
        out.attrs["not_stated_by"] = not_stated_by
        out.attrs["not_stated_strata"] = [{k: plain(v) for k, v in r.items()} for r in not_stated_strata.to_dict("records")]
    check = _vintage_report(*periods, vintage) if periods is not None and vintage is not None else None
    out.attrs["denominator_check"] = check or {}
    if check:  # said in the table too, so that it travels with an exported CSV
        out["denominator"] = (f"{denominator}; the Home Office used Census {check['like_for_like_census']} for the "
                              f"searches of {_months_said(check)}")
    out.attrs["non_resident_areas"] = _non_resident_rows(out, keys, searches, denominator, count is None)
    if area_level is not None:
        out.attrs["unassigned"] = located["unassigned"]
        out.attrs["unassigned_rows"] = located["unassigned_rows"]
        if "unassigned_by_force" in located:
            out.attrs["unassigned_by_force"] = located["unassigned_by_force"]
        _warn_unassigned(located, area_level, excluded.get("unassigned_location", 0),
                         excluded["searches_with_person"] - excluded["not_stated"])
    if officer_other:
        out.attrs["officer_other"] = officer_other
    _warn_comparability(out, keys, source, other_said)
    if count is None and months_missing:
        warn_months_missing(months_missing, months_span, units=len(months_present))
    if count is None and periods is not None and np.isfinite(periods[0]).any():
        # the rates are over the months the records cover, not per year (the Home Office's are per
        # year): a quarter's rates read as a year's are a quarter of them (walk-through 6)
        n_months = int(np.nanmax(periods[1]) - np.nanmin(periods[0])) + 1
        # a force with no search in some months (a police.uk file not read) has rates over fewer
        # months: the months with searches, force by force (police.uk Durham Dec 2019 + Jan 2020 and
        # Essex Dec 2019 + Feb 2020 read together: 2 months each, not the 3 of 2019-12 to 2020-02)
        months_of = {u: len(ms) for u, ms in months_present.items() if ms}
        by_len: dict[int, list[str]] = {}
        for u, mk in months_of.items():
            by_len.setdefault(mk, []).append(u)
        main = max(by_len, key=lambda m: (len(by_len[m]), m)) if by_len else n_months
        out.attrs["months"] = main
        out.attrs["months_with_searches"] = months_of
        by_period = any(k in ("month", "date", "period", "year") for k in keys)
        if (set(by_len) | {main}) != {12} and multiplier == 1000 and not by_period and not out.empty and not per_year:
            whole = [f"{m // 12}-{m % 12 + 1:02d}" for m in range(int(np.nanmin(periods[0])), int(np.nanmax(periods[1])) + 1)]
            _warn_months_per_year(main, n_months, by_len, months_span,
                                  {u: _days_of(ms) for u, ms in months_present.items() if ms} or {"": _days_of(whole)})
    if per_year and count is None:
        _per_person_year(out, keys, months_present, periods)
    if "month" in keys and multiplier == 12000 and not per_year and not out.empty:
        warn_user("disproportionality: by='month' with multiplier=12000 reads every month as a twelfth of a year, so "
                  "a 29-day February's rates are 6.5% below a 31-day month's for that reason alone; pass per_year=True "
                  "for rates per year by the days of each month (the ratios do not change)")
    if "month" in keys and multiplier == 1000 and not per_year and not out.empty:
        # each row is one month's searches: its rate per 1,000 is a month's, read as the Home Office's
        # yearly one a twelfth of it (the caution above is of rates over the whole span only)
        warn_user("disproportionality: by='month': the rates are searches per 1,000 residents in each month, not per "
                  "year as the Home Office publishes them; for yearly rates pass per_year=True (each month's searches per "
                  "1,000 residents per year by person-time, population x the month's days / 365.25, so February counts "
                  "its 28 or 29 days, not a twelfth of a year; the ratios do not change)")
    if footprint:
        what = "force" if area_level is None else _AREA_NAMES[area_level]
        whats = {"force": "forces", "local authority": "local authorities"}.get(what, what + "s")
        patches = "; ".join(f"{force_said(f) if area_level is None else f}: all within {d:.1f} km, the {what} covers "
                            f"{a:,.0f} km2" for f, (d, a) in footprint.items())
        warn_user(f"disproportionality: the searches of some {whats} lie in a small part of their area ({patches}): a "
                  f"police.uk location query (stops-street: one mile around a point), not the {what}'s searches? Their "
                  f"rates against the whole {what}'s population are not meaningful (by='csp' or by='la' does not help: the "
                  "searches elsewhere in the area are not in the file); use the force's bulk files (police.uk "
                  "downloads, or the API's stops-force); listed in .attrs['small_footprint']")
        # said in the rows too, so that filtering or exporting on like_for_like / reliable keeps it
        # (the police.uk API file of Leicester city centre read as Leicestershire's: Black 19.9
        # times White, like_for_like and reliable True)
        col = "force" if area_level is None else area_level
        units = (out[col].astype(str).to_numpy() if col in out.columns
                 else np.full(len(out), next(iter(footprint)), dtype=object) if len(footprint) == 1
                 else np.full(len(out), "", dtype=object))
        for f, (d, a) in footprint.items():
            rows = units == str(f)
            if rows.any():
                said = (f"not like for like: the searches all lie within {d:.1f} km, a small part of the {what}'s "
                        f"{a:,.0f} km2 (a location query's, not the {what}'s searches), so rates against its whole "
                        "population are not meaningful")
                out.loc[rows, "comparability"] = [said if c == LIKE_FOR_LIKE else f"{c}; {said}"
                                                  for c in out.loc[rows, "comparability"]]
                out.loc[rows, "like_for_like"] = False
                out.loc[rows, "reliable"] = False
    if count is None:
        out.attrs["small_footprint"] = footprint
    # (after the months are known: a year's searches at half a group's residents or more)
    days = months = None
    if count is None and "months" in out.attrs:  # by person-time, as per_year=True: a month is no twelfth
        days = _row_days(out, keys, months_present, periods)
        months = (np.ones(len(out)) if "month" in keys else np.asarray(
            [len(months_present.get(f) or []) or out.attrs["months"] for f in out["force"].astype(str)], dtype=float)
            if "force" in keys else np.full(len(out), float(out.attrs["months"])))
        days, months = (days, months) if (days > 0).all() else (None, None)
    out.attrs["implausible_rates"] = _implausible_rates(out, keys, days, months, min_count, denominator)
    if check:
        # not like for like with the Home Office's series of that time either: said in every row,
        # so that filtering or exporting on like_for_like keeps it
        era = (f"not like for like: Census {vintage} populations for searches of {_months_said(check)} "
               f"(the Home Office used Census {check['like_for_like_census']})")
        out["comparability"] = [era if c == LIKE_FOR_LIKE else f"{c}; {era}" for c in out["comparability"]]
        out["like_for_like"] = False
        _warn_vintage(check)
    return out


def _days_of(months: Sequence[str]) -> int:
    """The days of the months (``"2020-02"`` labels, or dates): 29 for February 2020.

    >>> _days_of(["2019-12", "2020-01", "2020-02"])
    91
    """
    return int(sum(pd.Period(str(m)[:7], freq="M").days_in_month for m in months))


def _row_days(out: pd.DataFrame, keys: Sequence[str], present: dict[str, list[str]],
             periods: tuple[np.ndarray, np.ndarray, np.ndarray] | None) -> np.ndarray:
    """The days each row's searches are over: those of its month (``by`` with ``"month"``), else of
    its force's months with searches, else of the months the searches cover, first to last (0 where
    no month is known). The person-time of :func:`_per_person_year` and of the implausible-rate check."""
    if "month" in keys:
        return np.asarray([_days_of([m]) for m in out["month"].astype(str)], dtype=float)
    span: list[str] = []
    if periods is not None and np.isfinite(periods[0]).any():
        lo, hi = int(np.nanmin(periods[0])), int(np.nanmax(periods[1]))
        span = [f"{m // 12}-{m % 12 + 1:02d}" for m in range(lo, hi + 1)]
    whole = _days_of(span) if span else 0
    if "force" in keys:
        return np.asarray([_days_of(present[f]) if present.get(f) else whole for f in out["force"].astype(str)],
                          dtype=float)
    return np.full(len(out), float(whole))


def _per_person_year(out: pd.DataFrame, keys: list[str], present: dict[str, list[str]],
                     periods: tuple[np.ndarray, np.ndarray, np.ndarray] | None) -> None:
    """Rates per year by person-time, in place: each row's rate and interval × 365.25 / days, the
    days of its month (``by`` with ``"month"``), else of its force's months with searches, else of
    the months the searches cover, first to last (:func:`_row_days`). Both rates of a stratum share
    its days, so the ratios are unchanged. ``.attrs["per_year"]`` says the basis and the days of each row."""
    days = _row_days(out, keys, present, periods)
    if not (days > 0).all():
        raise InvalidInputError("per_year=True needs the searches' months (a 'date' or 'month' column)", "per_year")
    for c in ("rate", "rate_lower", "rate_upper"):
        out[c] = out[c].to_numpy(dtype=float) * 365.25 / days
    out.attrs["per_year"] = {"basis": "person-time: population x days / 365.25", "days": days.astype(int).tolist()}


def _per_year_advice(days: dict[str, int], one_month: bool = False) -> str:
    """The advice for yearly rates: ``per_year=True`` (person-time), with the days it would use
    (``days``: ``{force: days of its months with searches}``; ``""`` for the searches as a whole;
    ``one_month``: the searches are of one month, so "the days of that month").

    >>> _per_year_advice({"": 29}, one_month=True)[:104]
    'for yearly rates pass per_year=True (searches per 1,000 residents per year by person-time, population x '
    >>> _per_year_advice({"": 29}, one_month=True)[104:]
    'days / 365.25: over the 29 days of that month, so February counts its 28 or 29 days, not a twelfth of a year; the ratios do not change)'
    >>> _per_year_advice({"derbyshire": 91, "durham": 60})
    "for yearly rates pass per_year=True (searches per 1,000 residents per year by person-time, population x days / 365.25: each force's over the days of its own months with searches, 91 for Derbyshire; 60 for Durham, so February counts its 28 or 29 days, not a twelfth of a year; the ratios do not change)"
    """
    counts = sorted(set(days.values()), reverse=True)
    if len(counts) == 1:
        over = f"over the {counts[0]} days of {'that month' if one_month else 'those months'}"
    else:
        over = "each force's over the days of its own months with searches, " + "; ".join(
            f"{d} for " + ", ".join(force_said(u) if u else "the searches" for u in sorted(days) if days[u] == d)
            for d in counts)
    return ("for yearly rates pass per_year=True (searches per 1,000 residents per year by person-time, population x "
            f"days / 365.25: {over}, so February counts its 28 or 29 days, not a twelfth of a year; the ratios do "
            "not change)")


def _warn_months_per_year(main: int, span_months: int, by_len: dict[int, list[str]], span: str,
                          days: dict[str, int]) -> None:
    """The rates are over the months the records cover, not per year: say how many months, and that
    ``per_year=True`` gives yearly rates (:func:`_per_year_advice`; ``days``: each force's days).
    ``by_len``: ``{months with searches: [forces]}`` where some force has no search in some months
    of the span (else empty); ``main``: the most forces' months."""
    def s(k: int) -> str:
        return "s" if k != 1 else ""

    span = span or "first to last"
    advice = _per_year_advice(days, one_month=span_months == 1)
    if len(by_len) <= 1 and main == span_months:
        warn_user(f"disproportionality: the rates are searches per 1,000 residents over the "
                  f"{'month' if main == 1 else f'{main} months'} the records cover ({span}), not per year as the Home Office publishes them; {advice}")
    elif len(by_len) <= 1:
        warn_user(f"disproportionality: the rates are searches per 1,000 residents over the {main} month{s(main)} of "
                  f"{span} with searches (no search at all in the others: see the missing-months warning), not per "
                  f"year as the Home Office publishes them, nor over the {span_months} months of {span}; {advice}")
    else:
        others = sorted((k for k in by_len if k != main), reverse=True)
        names = {k: ", ".join(force_said(u) if u else "the searches" for u in sorted(by_len[k])) for k in by_len}
        fewer = "; ".join(f"{k} for {names[k]}" for k in others)
        most = ("most forces" if len(by_len[main]) > 3 and len(by_len[main]) > sum(len(by_len[k]) for k in others)
                else names[main])
        warn_user(f"disproportionality: the rates are searches per 1,000 residents over the months each force has "
                  f"searches in, not per year as the Home Office publishes them, and those differ: {main} of {span} for "
                  f"{most}; {fewer} (no search at all in the others: a file not read?), whose rates are lower for "
                  f"that reason alone; {advice}; counts in .attrs['months_with_searches']")


#: How the reasons of ``.attrs["unassigned"]`` read in a sentence.
_UNASSIGNED_SAID = {"missing_coordinates": "with no location", "no_area": "beyond the areas' coastline or river outline",
                    "outside_england_and_wales": "outside England and Wales",
                    "outside_force": "in another force's area"}


def _warn_unassigned(located: dict[str, Any], level: str, lost: int, counted: int,
                     who: str = "disproportionality") -> None:
    """Warn how many searches could not be placed in an area, why, and the forces that lose a tenth
    or more of their searches that way: a force with no locations at all (police.uk South Yorkshire,
    Dec 2019 - Feb 2020: 3,461 counted searches, none with a location) has no row in a table by CSP,
    and a reader of that table would not know it was left out."""
    if not lost:
        return
    detail = ", ".join(f"{n:,} {_UNASSIGNED_SAID.get(k, k.replace('_', ' '))}"
                       for k, n in located["unassigned"].items() if n)
    forces = []
    by_force, total = located.get("unassigned_by_force", {}), located.get("counted_by_force", {})
    for f, why in by_force.items():
        n, of = sum(why.values()), total.get(f, 0)
        if of and n >= 0.1 * of:
            forces.append((n / of, f"{force_said(f)}: " + (f"all {of:,}" if n == of else f"{n:,} of {of:,} ({n / of:.0%})")
                           + (", so it has no row" if n == of else "")))
    forces.sort(key=lambda t: -t[0])
    named = f"; by force, {'; '.join(t for _, t in forces)}" if forces else ""
    what = "rates" if who == "disproportionality" else "rows"
    warn_user(f"{who}: {lost:,} of {counted:,} searches (with a person searched and ethnicity stated) could not "
              f"be placed in a {_AREA_NAMES[level]} and are not in the by={level!r} {what} ({detail}{named}; first: "
              f"{', '.join(located['first'])}); counts in .attrs['unassigned'] and .attrs['unassigned_by_force']")


def _none_placed(located: dict[str, Any], level: str, who: str) -> InvalidInputError:
    """The error when not one search could be placed in an area by its location: a table by CSP / LA
    would have no row at all (police.uk South Yorkshire, Dec 2019 - Feb 2020: 3,461 searches, none
    with a location), which is no table; the force's own area still takes them.

    >>> str(_none_placed({"unassigned": {"missing_coordinates": 3461, "no_area": 0},
    ...                   "unassigned_by_force": {"south-yorkshire": {"missing_coordinates": 3461}}}, "csp",
    ...                  "disproportionality"))  # doctest: +NORMALIZE_WHITESPACE
    "disproportionality: by='csp': not one of the 3,461 searches (with a person searched and ethnicity stated)
    could be placed in a Community Safety Partnership from its location (3,461 with no location; South
    Yorkshire: 3,461), so there is no row to show; some forces' police.uk files carry no locations (South
    Yorkshire's, for one): by='force' sets the searches against their force area's population"
    """
    detail = ", ".join(f"{n:,} {_UNASSIGNED_SAID.get(k, k.replace('_', ' '))}"
                       for k, n in located["unassigned"].items() if n)
    forces = "; ".join(f"{force_said(f)}: {sum(why.values()):,}"
                       for f, why in located.get("unassigned_by_force", {}).items() if sum(why.values()))
    lost = sum(located["unassigned"].values())
    return InvalidInputError(f"{who}: by={level!r}: not one of the {lost:,} searches (with a person searched and "
                             f"ethnicity stated) could be placed in a {_AREA_NAMES[level]} from its location ({detail}"
                             f"{'; ' + forces if forces else ''}), so there is no row to show; some forces' police.uk "
                             "files carry no locations (South Yorkshire's, for one): by='force' "
                             + ("sets the searches against their force area's population" if who == "disproportionality"
                                else "tests them by force"), "by")


#: police.uk outcomes that are no further action. A drugs possession warning (police.uk's older
#: "Offender given drugs possession warning", now "Khat or Cannabis warning") is an outcome, as in
#: the Home Office's statistics, and so is not in this set.
_NFA = {"a no further action disposal", "nothing found - no further action", "no further action",
        "suspected psychoactive substances seized - no further action"}

#: police.uk outcomes that are an arrest: "Arrest" now, "Suspect arrested" in older files.
_ARREST = {"arrest", "suspect arrested"}

#: police.uk outcomes that say the outcome is not known: left out of the rates like a blank outcome
#: ("Article found - Detailed outcome unavailable" is a positive outcome, but not known to be an arrest
#: or not).
_OUTCOME_UNKNOWN = {"details not available"}
_ARREST_UNKNOWN = _OUTCOME_UNKNOWN | {"article found - detailed outcome unavailable"}

#: Every police.uk outcome label (lower case), current and older: other labels are named in a warning.
_OUTCOMES_KNOWN = _NFA | _ARREST | _ARREST_UNKNOWN | {
    "community resolution", "khat or cannabis warning", "caution (simple or conditional)",
    "penalty notice for disorder", "summons / charged by post", "local resolution", "offender cautioned",
    "offender given drugs possession warning", "offender given penalty notice", "suspect summonsed to court",
    "offender given community resolution"}


def _outcome_labels_unknown(o: pd.Series, outcome: str) -> None:
    """Warn naming outcome labels that are not police.uk's (current or older): outcome_test cannot
    tell whether they are an arrest or no further action, and counts them as not an arrest (arrest)
    or as an outcome (positive)."""
    seen = pd.Series(o.to_numpy()).value_counts()
    odd = seen[[v != "" and v not in _OUTCOMES_KNOWN for v in seen.index]]
    if len(odd):
        as_what = "not an arrest" if outcome == "arrest" else "an outcome other than no further action"
        warn_user(f"outcome_test(outcome={outcome!r}): {int(odd.sum()):,} searches have an outcome that is not a police.uk "
                  f"outcome ({', '.join(f'{v!r}: {n:,}' for v, n in odd.head(8).items())}{' and more' if len(odd) > 8 else ''}); "
                  f"they are counted as {as_what}: check them, or pass records with police.uk's outcome labels")


def _check_finds(records: pd.DataFrame, hit: pd.Series, keys: list[str]) -> dict[str, tuple[int, int]]:
    """Warn where "linked to the object of the search" is set on searches that ended in no further
    action for most of a force's (else the data's) finds: the flag then does not mean that what was
    searched for was found (police.uk, Derbyshire 2019-20: 345 of its 472 "finds" were no further
    action), and a find rate is not comparable with other forces'. Returns those forces:
    ``{force: (no further action, finds)}``."""
    if "outcome" not in records.columns or not hit.any():
        return {}
    nfa = per_distinct(records["outcome"], lambda o: str(o).strip().lower() in _NFA).astype(bool)
    unit = "force" if "force" in records.columns else None
    frame = pd.DataFrame({"unit": records[unit].astype(str).to_numpy() if unit else "all searches",
                          "find": hit.to_numpy(), "nfa": (hit.to_numpy() & nfa.to_numpy())})
    per = frame.groupby("unit", sort=True)[["find", "nfa"]].sum()
    bad = per[(per["find"] >= 10) & (per["nfa"] > 0.5 * per["find"])]
    if len(bad):
        where = "; ".join(f"{_unit_said(u)}{int(r.nfa):,} of {int(r.find):,}" for u, r in bad.iterrows())
        warn_user(f"outcome_test(outcome='find'): most searches flagged 'outcome linked to object of search' "
                  f"ended in no further action ({where}), so the flag there does not show that what was searched "
                  "for was found and the find rate is not comparable (withheld where the records name the force: "
                  "NaN, reason in the 'withheld' column); compare outcome='positive' or 'arrest'")
    return {str(u): (int(r.nfa), int(r.find)) for u, r in bad.iterrows()}


def _check_find_coverage(records: pd.DataFrame, usable: pd.Series) -> dict[str, tuple[int, int]]:
    """Warn where "outcome linked to object of search" is missing for more than a tenth of a
    force's (else the data's) searches: the find rate is then of the searches with the flag only,
    which some forces record mainly for searches with an outcome (police.uk, Merseyside Dec 2019 to
    Feb 2020: no flag on 6,414 of 8,166 searches, all of them no further action; all 1,752 with
    the flag had an outcome), so it is not comparable with other forces'. Returns
    ``{force: (searches without the flag, searches)}`` for those forces."""
    unit = "force" if "force" in records.columns else None
    missing = ~usable.to_numpy(bool)
    if not missing.any():
        return {}
    frame = pd.DataFrame({"unit": records[unit].astype(str).to_numpy() if unit else "all searches",
                          "missing": missing, "n": 1})
    positive = None
    if "outcome" in records.columns:
        o = per_distinct(records["outcome"], lambda v: str(v).strip().lower()).to_numpy(object)
        positive = (o != "") & ~np.isin(o, list(_NFA))
        frame["pos_with"] = positive & ~missing
        frame["pos_without"] = positive & missing
    per = frame.groupby("unit", sort=True).sum(numeric_only=True)
    bad = per[(per["n"] >= 10) & (per["missing"] > 0.1 * per["n"])]
    if len(bad):
        def one(u: Any, r: pd.Series) -> str:
            text = f"{_unit_said(u)}{int(r.missing):,} of {int(r.n):,} ({r.missing / r.n:.0%}"
            if positive is not None and r.n > r.missing:
                text += (f", and an outcome other than no further action for {r.pos_with / (r.n - r.missing):.0%} of "
                         f"the searches with the flag against {r.pos_without / r.missing:.0%} of those without")
            return text + ")"

        where = "; ".join(one(u, r) for u, r in bad.iterrows())
        warn_user("outcome_test(outcome='find'): 'outcome linked to object of search' is missing for many searches "
                  f"({where}); a find rate there would be of the searches with the flag only, which need not be like "
                  "the rest, so it is not comparable with other forces': it is withheld (NaN, reason in the 'withheld' "
                  "column; with rows that pool forces, those forces' searches are left out); counts in "
                  ".attrs['outcome_linked_missing_by']")
    return {str(u): (int(r.missing), int(r.n)) for u, r in bad.iterrows()}


def _check_outcome_coverage(records: pd.DataFrame, usable: pd.Series, outcome: str) -> dict[str, tuple[int, int]]:
    """Warn where the outcome is blank for more than a tenth of a force's (else the data's) searches:
    those searches are left out of the arrest / positive-outcome rates (an outcome not recorded is
    not known to be no arrest), so the rate is of the searches with a recorded outcome (police.uk
    Durham, Jan and Feb 2020: no outcome for 209 of 296 searches, while December's were complete).
    Returns ``{force: (searches without an outcome, searches)}`` for those forces."""
    missing = ~usable.to_numpy(bool)
    if not missing.any():
        return {}
    unit = "force" if "force" in records.columns else None
    frame = pd.DataFrame({"unit": records[unit].astype(str).to_numpy() if unit else "all searches",
                          "missing": missing, "n": 1})
    per = frame.groupby("unit", sort=True).sum(numeric_only=True)
    bad = per[(per["n"] >= 10) & (per["missing"] > 0.1 * per["n"])]
    if len(bad):
        where = "; ".join(f"{_unit_said(u)}{int(r.missing):,} of {int(r.n):,} ({r.missing / r.n:.0%})"
                          for u, r in bad.iterrows())
        warn_user(f"outcome_test(outcome={outcome!r}): no outcome is recorded for many searches ({where}); they are "
                  "left out of the rates (an outcome not recorded is not known to be no further action), so those rates "
                  "are of the searches with a recorded outcome and may not be like other forces' if the outcomes "
                  "still missing differ (recent months not yet updated); counts in .attrs['outcome_missing_by'], "
                  "total in .attrs['excluded']['outcome_missing']")
    return {str(u): (int(r.missing), int(r.n)) for u, r in bad.iterrows()}


def _outcome_flags(values: pd.Series, outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """Each search's outcome known (usable in the rate) and a hit, for ``outcome`` ``"arrest"`` /
    ``"positive"`` (``values``: the outcome labels) or ``"find"`` (``values``: the "outcome linked
    to object of search" flags), as :func:`outcome_test` counts them."""
    if outcome == "find":
        linked = values.astype("boolean")
        return linked.notna().to_numpy(bool), linked.fillna(False).to_numpy(bool)
    o = per_distinct(values, lambda v: v.strip().lower())
    if outcome == "arrest":  # "Details not available", "Article found - Detailed outcome unavailable": not known
        usable = (o != "") & ~o.isin(_ARREST_UNKNOWN)
        return usable.to_numpy(bool), (usable & o.isin(_ARREST)).to_numpy(bool)
    usable = (o != "") & ~o.isin(_OUTCOME_UNKNOWN)  # "Details not available": not known (counted as positive before)
    return usable.to_numpy(bool), (usable & ~o.isin(_NFA)).to_numpy(bool)


#: What each outcome_test ``outcome`` rate is called in a message.
RATE_SAID = {"arrest": "arrest rate", "positive": "rate of outcomes other than no further action", "find": "find rate"}


#: Share of a stratum's searches with no stated ethnicity from which outcome_test tests whether
#: their outcome rate differs from the stated searches' and, under a fifth, warns where it does.
_NOT_STATED_MATERIAL = 0.05


def _not_stated_outcomes(per: pd.DataFrame, conf: float, withheld: np.ndarray | None = None) -> pd.DataFrame:
    """``per`` (:func:`_not_stated_strata` with outcomes) with the outcome rates of the not-stated
    (``ns_rate``) and stated (``st_rate``) searches and the p-value of their difference (the test of
    :func:`outcome_test`; NaN without 10 searches with a known outcome on each side), and
    ``p_adjusted``: the Benjamini-Hochberg adjustment of ``p_value`` over all the strata tested (the
    core's :func:`~saferstats.p_adjust`), ``differs``: ``p_adjusted`` below 1 - ``conf`` and the
    rates a tenth or more apart - one rule for both warnings (a fifth or more not stated: the rates
    given; under a fifth: named), and ``warned``: named in a warning, a fifth or more not stated (of
    10 or more searches) or, under a fifth, :data:`_NOT_STATED_MATERIAL` or more with ``differs``.
    ``withheld`` (a mask of ``per``'s rows): strata whose rate outcome_test withholds (a find rate
    that is not comparable): their rates and tests are NaN and ``differs`` False.

    >>> per = pd.DataFrame({"force": ["a", "b", "c"], "not_stated": [50, 40, 4], "searches": [1000, 1000, 100],
    ...                     "ns_n": [50, 40, 4], "ns_hits": [1, 1, 0], "st_n": [950, 960, 96], "st_hits": [190, 240, 20]})
    >>> _not_stated_outcomes(per, 0.95)[["force", "differs", "warned"]].to_dict("records")
    [{'force': 'a', 'differs': True, 'warned': True}, {'force': 'b', 'differs': True, 'warned': False}, {'force': 'c', 'differs': False, 'warned': False}]
    """
    ns_n, st_n = per["ns_n"].to_numpy(float), per["st_n"].to_numpy(float)
    ns_h, st_h = per["ns_hits"].to_numpy(float), per["st_hits"].to_numpy(float)
    p = np.full(len(per), np.nan)
    shown = np.ones(len(per), dtype=bool) if withheld is None else ~np.asarray(withheld, dtype=bool)
    both = (ns_n >= 10) & (st_n >= 10) & shown
    if both.any():
        k = int(both.sum())
        res = _ext.outcome_tests(np.ascontiguousarray(np.column_stack([st_h[both], ns_h[both]]).ravel()),
                                 np.ascontiguousarray(np.column_stack([st_n[both], ns_n[both]]).ravel()),
                                 [2 * (i // 2) for i in range(2 * k)], confidence=conf)
        p[both] = np.asarray(res["p_value"], dtype=float)[1::2]
    adjusted = np.full(len(per), np.nan)
    if both.any():  # many strata (CSP x month): some differ by chance alone, so both warnings adjust
        adjusted[both] = _ext.p_adjust(np.ascontiguousarray(p[both]), method="bh")
    with np.errstate(divide="ignore", invalid="ignore"):
        ns_rate, st_rate = np.where(shown, ns_h / ns_n, np.nan), np.where(shown, st_h / st_n, np.nan)
        apart = np.abs(ns_rate - st_rate) >= 0.1 * np.maximum(ns_rate, st_rate)
    # one rule, the adjusted p, for both warnings: the fifth's gave rates on the unadjusted p (police.uk
    # arrests by force x month: South Yorkshire, Dec 2019, p = 0.028, 0.099 over the 18 strata tested)
    differs = both & (adjusted < 1 - conf) & apart
    searches, ns = per["searches"].to_numpy(float), per["not_stated"].to_numpy(float)
    fifth = (searches >= 10) & (ns >= NOT_STATED_WARN * searches)
    material = (searches >= 10) & (ns >= _NOT_STATED_MATERIAL * searches)
    return per.assign(ns_rate=ns_rate, st_rate=st_rate, p_value=p, differs=differs, p_adjusted=adjusted,
                      warned=fifth | (material & differs))


def _not_stated_rule(strata: pd.DataFrame, forces: pd.DataFrame, conf: float) -> dict[str, Any]:
    """What decides ``differs`` in ``.attrs["not_stated_strata"]`` (and ``["not_stated_forces"]``):
    the p-value used (``"p_adjusted"``), its adjustment and over how many strata (and forces) it is,
    and the level."""
    return {"p": "p_adjusted", "method": "benjamini-hochberg", "alpha": 1 - conf,
            "strata_tested": int(strata["p_adjusted"].notna().sum()) if "p_adjusted" in strata.columns else 0,
            "forces_tested": int(forces["p_adjusted"].notna().sum()) if "p_adjusted" in forces.columns else 0,
            "apart": "rates a tenth or more apart", "material": _NOT_STATED_MATERIAL, "fifth": NOT_STATED_WARN}


def _not_stated_said(said: str, r: Any, rate: str) -> str:
    """A stratum (``r``: a row of :func:`_not_stated_outcomes`) as the not-stated warnings name it:
    its share not stated and, where the rates differ, both rates and the p-value that decided it:
    the Benjamini-Hochberg adjusted p, named as such, with the unadjusted p in brackets (police.uk
    Dec 2019 - Feb 2020, Merseyside's arrests: "adjusted p = 0.042 [unadjusted p = 0.026]"; was "p =
    0.026" alone, the p that did not decide).

    >>> from types import SimpleNamespace
    >>> r = SimpleNamespace(not_stated=1209, searches=9413, differs=True, ns_rate=0.057, st_rate=0.074,
    ...                     p_value=0.025866, p_adjusted=0.042118)
    >>> _not_stated_said("Merseyside", r, "arrest rate")
    'Merseyside (13% of 9,413; arrest rate 5.7% of those searches against 7.4% of the stated, adjusted p = 0.042 [unadjusted p = 0.026])'
    """
    text = f"{said} ({100 * r.not_stated / r.searches:.0f}% of {r.searches:,}"
    if r.differs:
        said_p, said_adjusted = p_said(r.p_value), p_said(r.p_adjusted)
        unadjusted = "" if said_p == said_adjusted else f" [unadjusted p {said_p}]"
        text += (f"; {rate} {100 * r.ns_rate:.1f}% of those searches against {100 * r.st_rate:.1f}% of the stated, "
                 f"adjusted p {said_adjusted}{unadjusted}")
    return text + ")"


def _warn_not_stated_forces(forces: pd.DataFrame, strata: pd.DataFrame, cols: Sequence[str],
                            outcome: str) -> pd.DataFrame:
    """With strata finer than a force (``cols``: the force and the ``by`` columns), warn once naming
    each force that, taken as a whole (``forces``: :func:`_not_stated_outcomes` over the forces, the
    Benjamini-Hochberg adjustment over the forces tested), the not-stated warnings' rule names
    (``warned``) but whose strata do not show it: by CSP or month a stratum often has too few
    not-stated searches to test (police.uk Dec 2019 - Feb 2020: Derbyshire's rate of positive
    outcomes, 16.9% of the not-stated searches against 30.3%, p = 0.026 for the force, no CSP
    tested; Leicestershire's, Essex's and Merseyside's arrest rates, by month). A force is left to
    the strata's warnings where one of its strata is named for the same (its rates differing where
    the force's do, else its share). Returns ``forces`` with ``warned`` set to named in this warning.

    >>> import warnings
    >>> forces = pd.DataFrame({"force": ["a"], "not_stated": [18], "searches": [360], "ns_n": [18], "ns_hits": [0],
    ...                        "st_n": [342], "st_hits": [120]})
    >>> strata = pd.DataFrame({"force": ["a", "a"], "month": ["2020-01", "2020-02"], "not_stated": [9, 9],
    ...                        "searches": [180, 180], "ns_n": [9, 9], "ns_hits": [0, 0], "st_n": [171, 171],
    ...                        "st_hits": [60, 60]})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     got = _warn_not_stated_forces(_not_stated_outcomes(forces, 0.95), _not_stated_outcomes(strata, 0.95),
    ...                                   ["force", "month"], "arrest")
    >>> print(str(w[0].message).split(", though")[0])
    outcome_test(outcome='arrest'): taken force by force, not stratum by stratum, the searches with no stated ethnicity matter in a (5% of 360; arrest rate 0.0% of those searches against 35.1% of the stated, adjusted p = 0.002)
    >>> got["warned"].tolist()
    [True]
    """
    forces = forces.copy()
    named = forces["warned"].to_numpy(bool).copy()
    shown = strata["warned"].to_numpy(bool)
    for i, (f, differs) in enumerate(zip(forces["force"].astype(str), forces["differs"].to_numpy(bool))):
        mine = shown & (strata["force"].astype(str) == f).to_numpy()
        if (mine & strata["differs"].to_numpy(bool)).any() if differs else mine.any():
            named[i] = False
    forces["warned"] = named
    if not named.any():
        return forces
    rate = RATE_SAID[outcome]
    said = forces[named]
    said = said.iloc[np.argsort(said["p_value"].to_numpy(), kind="stable")]
    names = [_not_stated_said(force_said(f), r, rate) for f, r in zip(said["force"], said.itertuples(index=False))]
    tested = int(forces["p_adjusted"].notna().sum())
    per = " × ".join(map(str, [c for c in stratum_named(cols) if c != "force"]))
    differ = bool(said["differs"].any())
    they = "those forces" if len(names) > 1 else "the force"
    warn_user(f"outcome_test(outcome={outcome!r}): taken force by force, not stratum by stratum, the searches with no "
              f"stated ethnicity matter in {'; '.join(names[:_SHOW_STRATA])}"
              f"{f' and {len(names) - _SHOW_STRATA} more' if len(names) > _SHOW_STRATA else ''}, though no {per} "
              f"stratum of {they} is named for them (a stratum has too few not-stated searches to test, or a smaller "
              "share)" + (f"; their {rate} differs from the stated searches' beyond chance (also after the "
                          f"Benjamini-Hochberg adjustment over the {tested} {'force' if tested == 1 else 'forces'} "
                          "tested)" if differ else "; a fifth or more are not stated")
              + f": those searches are in no group's rate, so the groups' rates in every row of {they}, and the "
              "comparisons, may differ from the true ones: say so beside the comparison; counts and rates in "
              ".attrs['not_stated_forces']")
    return forces


def _warn_not_stated_outcomes(per: pd.DataFrame, cols: Sequence[str], outcome: str) -> None:
    """Warn naming the strata (each force apart in rows that pool forces) where a fifth or more of
    the searches have no stated ethnicity, with, where it differs (:func:`_not_stated_outcomes`),
    the outcome rate of those searches beside the stated ones': they are in no group's rate, and the
    comparisons assume they are like the rest (police.uk South Yorkshire, Dec 2019 - Feb 2020: 24%
    not stated, arrested 14.1% of them against 10.5% of the stated). A second warning names the
    strata under a fifth that ``per["warned"]`` holds, with both rates (Leicestershire: 18%,
    arrested 4.9% of them against 16.2%).

    >>> import warnings
    >>> per = pd.DataFrame({"force": ["south-yorkshire"], "not_stated": [1093], "searches": [4554], "ns_n": [1093],
    ...                     "ns_hits": [154], "st_n": [3461], "st_hits": [362]})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     _warn_not_stated_outcomes(_not_stated_outcomes(per, 0.95), ["force"], "arrest")
    >>> print(str(w[0].message).split(": those")[0])
    outcome_test(outcome='arrest'): ethnicity is not stated for a fifth or more of the searches in South Yorkshire (24% of 4,554; arrest rate 14.1% of those searches against 10.5% of the stated, adjusted p < 0.001)
    """
    rate = RATE_SAID[outcome]

    def one(said: str, r: Any) -> str:
        return _not_stated_said(said, r, rate)

    under = per[per["warned"].to_numpy(bool) & ~per.index.isin(over_fifth(per).index)]
    tested = int(per["p_adjusted"].notna().sum())
    if len(under):  # under a fifth, but their outcomes differ beyond chance: the comparisons may not hold either
        under = under.iloc[np.argsort(under["p_value"].to_numpy(), kind="stable")]
        named = [one(s, r) for s, r in zip(_strata_said(under, cols), under.itertuples(index=False))]
        warn_user(f"outcome_test(outcome={outcome!r}): ethnicity is not stated for fewer than a fifth of the searches "
                  f"in {'; '.join(named[:_SHOW_STRATA])}"
                  f"{f' and {len(named) - _SHOW_STRATA} more' if len(named) > _SHOW_STRATA else ''}, but their {rate} "
                  "differs from the stated searches' beyond chance (also after the Benjamini-Hochberg adjustment over "
                  f"the {tested} {'stratum' if tested == 1 else 'strata'} tested): those searches are in no group's "
                  "rate, so the groups' rates, and the comparisons, may differ from the true ones: say so beside the "
                  "comparison; counts and rates in .attrs['not_stated_strata']")
    high = over_fifth(per)
    if not len(high):
        return
    names = [one(s, r) for s, r in zip(_strata_said(high, cols), high.itertuples(index=False))]
    more = f" and {len(names) - _SHOW_STRATA} more" if len(names) > _SHOW_STRATA else ""
    differ = bool(high["differs"].any())
    warn_user(f"outcome_test(outcome={outcome!r}): ethnicity is not stated for a fifth or more of the searches in "
              f"{'; '.join(names[:_SHOW_STRATA])}{more}: those searches are in no group's rate and the comparisons "
              "leave them out, as if they were like the searches with a stated ethnicity"
              + (f"; where their {rate} differs from the stated searches' beyond chance (also after the "
                 f"Benjamini-Hochberg adjustment over the {tested} {'stratum' if tested == 1 else 'strata'} tested; "
                 "rates given above) the groups' rates may differ from the true ones too: say so beside the comparison"
                 if differ else "")
              + "; counts and rates in .attrs['not_stated_strata']")


#: outcome_test columns that are withheld (NaN) with a find rate that is not comparable.
_WITHHELD_FIND = ["rate", "rate_lower", "rate_upper", "diff", "diff_lower", "diff_upper", "rr", "rr_lower", "rr_upper",
                  "p_value", "z", "chi2_yates", "p_chi2_yates", "p_fisher", "odds_ratio"]


def _find_reasons(blank: dict[str, tuple[int, int]], nfa: dict[str, tuple[int, int]]) -> dict[str, str]:
    """Why the find rate of each force is withheld: its "outcome linked" flag is blank for more
    than a tenth of its searches (``blank``, from :func:`_check_find_coverage`: the rate would be of
    a selected subset; police.uk Merseyside: the flag set on 21% of searches, all with an outcome,
    blank on the rest, all no further action), or most of its "finds" ended in no further action
    (``nfa``, from :func:`_check_finds`: the flag there does not mean that anything was found;
    Derbyshire 286 of 388). The second is a force's recording practice, so it is judged only where
    the records name their force."""
    out: dict[str, str] = {}
    for f, (miss, n) in blank.items():
        whose = "the searches" if f == "all searches" else f"{force_said(f)}'s searches"
        out[f] = (f"find rate withheld: 'outcome linked to object of search' is blank for {miss / n:.0%} of {whose}, "
                  "so a rate over the searches with the flag is of a selected subset, not comparable with other "
                  "forces' (compare outcome='positive' or 'arrest')")
    for f, (no, finds) in nfa.items():
        if f not in out and f != "all searches":
            out[f] = (f"find rate withheld: {no / finds:.0%} of {force_said(f)}'s searches flagged 'outcome linked to object of "
                      "search' ended in no further action, so the flag does not show that anything was found, and the "
                      "rate is not comparable with other forces' (compare outcome='positive' or 'arrest')")
    return out


def _withhold_finds(out: pd.DataFrame, keys: list[str], reasons: dict[str, str],
                    pure: dict[tuple[str, ...], list[str]]) -> list[str]:
    """Withhold (NaN) the find rates, and every comparison made with them, of the rows of the
    forces in ``reasons`` (:func:`_find_reasons`): read beside other forces' they would mislead.
    Rows by force: those forces'; other rows: the strata (``pure``: key values -> forces) holding
    only such forces' searches (a CSP of Merseyside). Returns the reason per row ("" where shown);
    ``n`` and ``hits`` stay, as counts of the searches with the flag and of those flagged."""
    if not reasons:
        return [""] * len(out)
    if "force" in keys:
        reason = [reasons.get(f, "") for f in out["force"].astype(str)]
    else:
        labels = out[keys].astype(str).itertuples(index=False, name=None) if keys else [()] * len(out)
        reason = ["; ".join(reasons[f] for f in pure.get(tuple(k), [])) for k in labels]
    rows = np.array([r != "" for r in reason], dtype=bool)
    if rows.any():
        out.loc[rows, _WITHHELD_FIND] = np.nan
        out.loc[rows, "reliable"] = False  # no rate to rely on (a filter on `reliable` would keep NaN rows)
        out["test"] = out["test"].where(~rows)
        if "rr_method" in out.columns:  # no ratio, so no method for it ("exact (zero count)" would say a count was 0)
            out["rr_method"] = out["rr_method"].astype(object).where(~rows, "not applicable")
    return reason


_FIVE_GROUPS = ("Asian", "Black", "Mixed", "Other", "White")

#: ``outcome_test``'s note on the Mixed row with ``ethnicity_source="officer"``: not "no searches".
OFFICER_MIXED_NOTE = ("not recorded: officers cannot record Mixed (officer-defined ethnicity has no Mixed group), so "
                      "Mixed people searched are in the other groups' rows")


def _officer_mixed(out: pd.DataFrame, searches: pd.DataFrame, stated: np.ndarray, officer: pd.Series,
                   mapping: Mapping[str, str] | None) -> dict[str, Any]:
    """Say (note, warning) that :func:`outcome_test`'s Mixed rows with ``ethnicity_source="officer"``
    are empty because officers cannot record Mixed, not because no Mixed people were searched: their
    ``note`` is :data:`OFFICER_MIXED_NOTE` (in place of ``"no searches"``), and where the records have
    ``self_defined_ethnicity``, the warning counts the searches compared (``stated``: a person searched,
    officer-defined ethnicity stated) of people who self-defined as Mixed, by the group officers put
    them in (``officer``, aligned with ``searches[stated]``). Returns those counts ({} when no row)."""
    rows = ((out["group"].astype(str) == "Mixed") & (out["note"] == "no searches")).to_numpy(bool)
    if not rows.any():
        return {}
    out.loc[rows, "note"] = OFFICER_MIXED_NOTE
    said: dict[str, Any] = {"self_defined_mixed": None, "searches": int(stated.sum()), "by_officer_group": {}}
    where = ""
    if "self_defined_ethnicity" in searches.columns:
        own = _self_defined(searches, mapping)[stated]
        mixed = own == "Mixed"
        per = pd.Series(officer.astype(str).to_numpy()[mixed]).value_counts()
        said.update(self_defined_mixed=int(mixed.sum()), by_officer_group={str(g): int(n) for g, n in per.items()})
        where = (f": {int(mixed.sum()):,} of the {int(stated.sum()):,} searches compared were of people who self-defined as "
                 "Mixed (column 'self_defined_ethnicity')"
                 + (f", in the rows of {', '.join(f'{g} ({n:,})' for g, n in per.items())} as officers recorded them"
                    if len(per) else ""))
    warn_user("outcome_test(ethnicity_source='officer'): the Mixed row has no searches because officers cannot record "
              f"Mixed, not because no Mixed people were searched{where}; ethnicity_source='self' (the Home Office's "
              "measure) gives Mixed its own row; see the 'note' column and .attrs['officer_mixed']")
    return said


def _refuse_groups_no_search_can_be_in(pop: pd.DataFrame, group: str, population_col: str, counts: pd.DataFrame,
                                       mapping: Mapping[str, str] | None) -> None:
    """Refuse a population table with an ethnic group that the records' police.uk ethnicity never
    gives: its searches are counted in another group, whose population then lacks them. The older
    police-defined categories (the 2011 table ``police-defined-demographics.csv``) count Chinese
    apart, where the Home Office's five groups put self-defined Chinese in Asian: South Yorkshire,
    Dec 2019 - Feb 2020, gave Asian 179 searches over 54,660 residents (ratio 1.30, 1.12 to 1.52)
    instead of over 64,211 (1.11, 0.96 to 1.29), and Chinese 0 searches, "like for like".

    >>> pop = pd.DataFrame({"ethnicity": ["White", "Asian", "Chinese"], "population": [1217653, 54660, 9551]})
    >>> _refuse_groups_no_search_can_be_in(pop, "ethnicity", "population", pd.DataFrame({"ethnicity": ["Asian"]}), None)
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: population has ethnic group 'Chinese' (9,551 residents), which no search is in: ...
    """
    can = {*HO_ETHNICITY_GROUPS.values(), *(mapping or {}).values(), *counts[group].astype(str)}
    labels = pop[group].astype(str).str.strip()
    odd = [g for g in dict.fromkeys(labels) if g not in can and g not in ("", "nan")]
    if not odd:
        return
    said = "; ".join(f"{g!r} ({pop.loc[(labels == g).to_numpy(), population_col].sum():,.0f} residents)" for g in odd)
    chinese = any(g.lower().startswith("chinese") for g in odd)
    raise InvalidInputError(
        f"population has ethnic group{'s' if len(odd) > 1 else ''} {said}, which no search is in: the searches are "
        f"grouped as the Home Office groups police.uk's self-defined ethnicity ({', '.join(_FIVE_GROUPS)}"
        f"{' and the groups of `mapping`' if mapping else ''}), so the searches of those people are counted in another "
        "group, whose population lacks them (its rate too high, theirs zero)"
        + ("; police.uk's 'Asian/Asian British - Chinese' is Asian: add the Chinese population to Asian's (the older "
           "police-defined categories count Chinese apart; the Census and the Home Office's five groups do not)"
           if chinese else "; add those populations to the groups the searches are in, or pass `mapping=` to group "
           "the searches as the table does"), "population")


def _expected_groups(searches: pd.DataFrame, records: pd.DataFrame, group: str, source: str,
                     mapping: Mapping[str, str] | None) -> list[str]:
    """The groups an outcome table is expected to show: those of the records (also the ones all of
    whose searches were left out), the categories of a categorical ``group`` column, and for the
    ethnicity police.uk records are grouped into, every group its labels can map to (the Home
    Office's five, as :func:`disproportionality` shows them, or those of ``mapping``)."""
    names: list[str] = []
    if group in searches.columns:
        col = searches[group]
        if isinstance(col.dtype, pd.CategoricalDtype):
            names += [str(c) for c in col.cat.categories]
    elif group == "ethnicity":
        table = {**HO_ETHNICITY_GROUPS, **(mapping or {})}
        officer = source in ("officer", "self_then_officer")
        own = source in ("self", "self_then_officer")
        names += [v for k, v in table.items()
                  if k not in HO_ETHNICITY_GROUPS or (officer if k in _FIVE_GROUPS else own)]
    names += [str(v) for v in pd.unique(records[group].astype(str))]
    return [g for g in dict.fromkeys(n.strip() for n in names) if g not in ("", NOT_STATED, "nan")]


def _groups_without_searches(agg: pd.DataFrame, keys: list[str], group: str,
                             expected: Sequence[str]) -> list[tuple[tuple[Any, ...], str]]:
    """``(stratum key values, group)`` of each expected group with no row in ``agg`` (no search
    with a known outcome) in a stratum that has one."""
    have = agg[group].astype(str).to_numpy()
    if keys:
        strata = agg.groupby(keys, sort=False, dropna=False, observed=True).ngroup().to_numpy()
    else:
        strata = np.zeros(len(agg), dtype=np.int64)
    out = []
    for s in pd.unique(strata):
        rows = np.flatnonzero(strata == s)
        key = tuple(plain(v) for v in agg[keys].iloc[int(rows[0])]) if keys else ()
        out += [(key, g) for g in sorted(expected) if g not in set(have[rows])]
    return out


def _add_no_search_rows(out: pd.DataFrame, keys: list[str], missing: list[tuple[tuple[Any, ...], str]],
                        outcome: str, searched: Mapping[tuple[Any, ...], int]) -> pd.DataFrame:
    """``out`` with a row for each group of ``missing`` (:func:`_groups_without_searches`): ``n`` and
    ``hits`` 0, every statistic NaN, ``reliable`` False, in its place among its stratum's groups
    (alphabetical, as the others), and a ``note`` ("" on the other rows) saying why: ``"no
    searches"`` of the group, or ``"3 searches, none with a known outcome"`` (``searched``: the
    searches of each stratum and group before those without an outcome were left out). A group with
    no search (Black people in Durham, Jan 2020) is a row with nothing to test, not a row left out:
    a table that leaves it out looks complete."""
    out = out.reset_index(drop=True)
    out["note"] = ""
    if not missing:
        return out
    if keys:
        strata = out.groupby(keys, sort=False, dropna=False, observed=True).ngroup().to_numpy()
        first = {tuple(plain(v) for v in out[keys].iloc[int(np.flatnonzero(strata == s)[0])]): int(s)
                 for s in pd.unique(strata)}
    else:
        strata = np.zeros(len(out), dtype=np.int64)
        first = {(): 0}
    where = [int(np.flatnonzero(strata == first[k])[0]) for k, _ in missing]
    extra = out.iloc[where].copy()
    extra["group"] = [g for _, g in missing]
    extra["n"] = 0
    extra["hits"] = 0
    stats = [c for c in out.columns if c not in (*keys, "group", "n", "hits", "confidence", "reliable", "note")]
    for c in stats:
        extra[c] = extra[c].where(np.zeros(len(extra), dtype=bool))  # NaN, the column's own dtype kept
    extra["reliable"] = False
    known = "with a known outcome" if outcome in ("arrest", "positive") else "with the 'outcome linked' flag"
    notes = []
    for k, g in missing:
        n = searched.get((*k, g), 0)
        notes.append("no searches" if n == 0 else f"{n:,} search{'es' if n > 1 else ''}, none {known}")
    extra["note"] = notes
    both = pd.concat([out, extra], ignore_index=True)
    order = np.lexsort((both["group"].astype(str).to_numpy(), np.concatenate([strata, [first[k] for k, _ in missing]])))
    return both.iloc[order].reset_index(drop=True)


def _within_forces(recs: pd.DataFrame, keys: list[str], group: str, reference: str, out: pd.DataFrame,
                   outcome: str, conf: float) -> pd.DataFrame | None:
    """Rows of :func:`outcome_test` that pool several forces' searches: each group's risk ratio
    within forces (Mantel–Haenszel, Greenland–Robins CI; ``tables::mantel_haenszel_rr`` in the core)
    beside the pooled one, and a warning where pooling changes the comparison.

    Forces differ in their outcome rates and in how their searches divide between the groups, so
    the ratio of pooled counts partly compares forces (police.uk, seven forces, Dec 2019 - Feb 2020,
    arrests: Asian people 1.14 times White people's rate pooled, 0.93 within forces).
    """
    if "force" in keys or "force" not in recs.columns or not len(recs):
        return None
    force = recs["force"].astype(str).to_numpy()
    if (np.char.strip(force.astype(str)) == "").any() or len(set(force)) < 2:
        return None  # records that name no force: nothing to stratify by
    g = (recs.assign(__force=force, **{group: recs[group].astype(str).to_numpy()})
         .groupby([*keys, "__force", group], observed=True, dropna=False)["__hit"].agg(["size", "sum"]))
    n, h = g["size"].unstack(group, fill_value=0), g["sum"].unstack(group, fill_value=0)
    if reference not in n.columns:
        return None
    comps: dict[tuple[Any, ...], int] = {}
    codes: list[int] = []
    cols: list[list[float]] = [[], [], [], []]
    for i, idx in enumerate(n.index):
        stratum = tuple(idx[:-1]) if keys else ()
        for grp in n.columns:
            if grp == reference:
                continue
            codes.append(comps.setdefault((*stratum, grp), len(comps)))
            for c, v in zip(cols, (h.iat[i, n.columns.get_loc(grp)], n.iat[i, n.columns.get_loc(grp)],
                                   h.iat[i, n.columns.get_loc(reference)], n.iat[i, n.columns.get_loc(reference)])):
                c.append(float(v))
    if not comps:
        return None
    res = _ext.mantel_haenszel_rr(np.asarray(codes, dtype=np.int64), *(np.asarray(c, dtype=float) for c in cols),
                                  groups=len(comps), confidence=conf)
    within = pd.DataFrame([dict(zip([*keys, "group"], k)) for k in comps])
    for k in ("rr", "rr_lower", "rr_upper"):
        within[k] = res[k]
    within["strata"] = res["strata"].astype(np.int64)
    crude = out.assign(group=out["group"].astype(str))[[*keys, "group", "rr", "rr_lower", "rr_upper"]]
    crude = crude.rename(columns={"rr": "rr_pooled", "rr_lower": "rr_pooled_lower", "rr_upper": "rr_pooled_upper"})
    both = within.merge(crude, on=[*keys, "group"], how="left")
    within["rr_pooled"] = both["rr_pooled"].to_numpy()
    within["confidence"] = conf
    within["method"] = "mantel-haenszel (greenland-robins)"
    a, b = both["rr_pooled"].to_numpy(dtype=float), both["rr"].to_numpy(dtype=float)
    ok = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0) & (within["strata"].to_numpy() >= 2)

    def side(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:  # the CI excludes 1
        return np.asarray((lo > 1) | (hi < 1))

    moved = ok & ((np.abs(np.log(np.where(ok, a, 1.0) / np.where(ok, b, 1.0))) > np.log(1.1))
                  | (side(both["rr_pooled_lower"].to_numpy(dtype=float), both["rr_pooled_upper"].to_numpy(dtype=float))
                     != side(both["rr_lower"].to_numpy(dtype=float), both["rr_upper"].to_numpy(dtype=float))))
    if moved.any():
        rate = pd.Series(recs["__hit"].to_numpy(dtype=float)).groupby(force).mean()
        lo_f, hi_f = rate.idxmin(), rate.idxmax()
        shown = []
        for r in both[moved].head(4).to_dict("records"):
            where = " / ".join(_key_said(k, r[k]) for k in keys)
            shown.append(f"{(where + ', ') if where else ''}{r['group']}: {r['rr_pooled']:.2f} pooled, {r['rr']:.2f} "
                         f"within forces ({conf:.0%} CI {r['rr_lower']:.2f} to {r['rr_upper']:.2f})")
        warn_user(f"outcome_test(outcome={outcome!r}): the rows pool the searches of {len(rate)} forces, whose {outcome} "
                  f"rates differ ({force_said(lo_f)} {rate[lo_f]:.1%} to {force_said(hi_f)} {rate[hi_f]:.1%}) and "
                  "who search the groups in different proportions, so a pooled ratio to the "
                  f"{reference} rate partly compares forces, not groups: {'; '.join(shown)}"
                  f"{' (and more)' if moved.sum() > 4 else ''}. The within-force ratio (Mantel-Haenszel) compares "
                  "each group with the reference in the same force; by='force' gives each force's own; both in "
                  "pd.DataFrame(result.attrs['within_forces'])")
    return within


#: More comparisons than this in one outcome_test table and the p-values are also read together:
#: the warning gives how many stay significant after Benjamini-Hochberg (docs/methods/stop_search.md B3).
MANY_COMPARISONS = 5


def p_said(p: float) -> str:
    """A p-value as a message gives it: ``"= 0.034"``, ``"< 0.001"``."""
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def _multiple_comparisons(out: pd.DataFrame, keys: list[str], conf: float, outcome: str,
                          reference: str) -> dict[str, Any]:
    """How many of :func:`outcome_test`'s comparisons with the reference are significant on their
    own (``p_value`` below 1 - ``confidence``), and how many stay so after the Benjamini–Hochberg
    false discovery rate adjustment over all of them (the core's ``p_adjust``, as
    :func:`saferstats.p_adjust`); a warning when more than :data:`MANY_COMPARISONS` are made and
    one or more is significant on its own (police.uk, seven forces, Dec 2019 - Feb 2020, arrests by
    force: 26 comparisons, 2 below 0.05 on their own, none after the adjustment)."""
    p = out["p_value"].to_numpy(dtype=float)
    tested = np.flatnonzero(np.isfinite(p))
    alpha = round(1.0 - conf, 10)
    adjusted = np.full(len(out), np.nan)
    if tested.size:
        adjusted[tested] = _ext.p_adjust(np.ascontiguousarray(p[tested]), method="bh")
    alone = tested[p[tested] < alpha]
    kept = tested[adjusted[tested] < alpha]
    rows = out.iloc[tested]
    info: dict[str, Any] = {
        "comparisons": int(tested.size), "alpha": alpha, "method": "benjamini-hochberg",
        "significant": int(alone.size), "significant_adjusted": int(kept.size),
        "p_adjusted": [{**{k: plain(r[k]) for k in keys}, "group": plain(r["group"]), "p_value": float(p[i]),
                        "p_adjusted": float(adjusted[i])} for i, (_, r) in zip(tested, rows.iterrows())],
    }
    if tested.size > MANY_COMPARISONS and alone.size:
        # an area placed by location comes with its code (csp, csp_code): one stratum, named once
        named = [k for k in keys if not (k.endswith("_code") and k[:-len("_code")] in keys)]
        plural: dict[tuple[str, ...], str] = {("force",): "forces", ("csp",): "Community Safety Partnerships",
                                              ("la",): "local authorities"}

        def said(i: int) -> str:
            r = out.iloc[i]
            where = " / ".join(_key_said(k, r[k]) for k in named)
            return f"{(where + ' / ') if where else ''}{r['group']} p {p_said(p[i])} (adjusted {p_said(adjusted[i]).lstrip('= ')})"

        n_groups = out["group"].iloc[tested].astype(str).nunique()
        n_strata = len(rows[keys].drop_duplicates()) if keys else 1
        across = (f" ({n_groups} groups in {n_strata} {plural.get(tuple(named), 'strata of ' + ' x '.join(named))})"
                  if keys and n_strata > 1 else "")
        stay = ("none stays significant" if not kept.size else
                f"{kept.size} {'stays' if kept.size == 1 else 'stay'} significant")
        first = sorted(alone, key=lambda i: p[i])
        warn_user(f"outcome_test(outcome={outcome!r}): {tested.size} comparisons with the {reference} rate{across}; "
                  f"{alone.size} {'has' if alone.size == 1 else 'have'} p < {alpha:g} each on its own "
                  f"({'; '.join(said(i) for i in first[:4])}{' and more' if alone.size > 4 else ''}), but with "
                  f"{tested.size} tests about {alpha * tested.size:.1f} would be expected by chance alone: after the "
                  f"Benjamini-Hochberg adjustment (false discovery rate {alpha:.0%}) {stay}. Read the p-values "
                  "together, not one by one; adjusted p-values in .attrs['multiple_comparisons']['p_adjusted']")
    return info


@accepts_frames("searches")
@confidence_levels("rate_lower", "rate_upper", "diff_lower", "diff_upper", "rr_lower", "rr_upper")
def outcome_test(
    searches: pd.DataFrame,
    *,
    outcome: Literal["arrest", "find", "positive"] = "arrest",
    group: str = "ethnicity",
    reference: str = "White",
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    ethnicity_source: Literal["self", "officer", "self_then_officer"] = "self",
    mapping: Mapping[str, str] | None = None,
    unknown: Literal["error", "other"] = "error",
    include_vehicle: bool = False,
    min_count: float = 10,
) -> pd.DataFrame:
    """Outcome ("hit") rates per group compared with the reference group.

    ``outcome``: ``"arrest"`` (outcome = Arrest; searches with no outcome recorded are excluded and
    counted, as for ``"positive"``), ``"find"`` (``outcome_linked_to_object_of_search``
    is True; searches where it is missing are excluded and counted), or ``"positive"`` (any outcome
    other than no further action, as the Home Office counts them: a khat or cannabis / drugs
    possession warning is an outcome; blank outcomes excluded and counted). Older police.uk files'
    labels are read as theirs ("Suspect arrested" is an arrest, "Nothing found - no further action"
    no further action, "Offender given drugs possession warning" an outcome); "Details not
    available" is an outcome not known (excluded and counted with the blank ones), and so is
    "Article found - Detailed outcome unavailable" for ``"arrest"`` (a positive outcome otherwise);
    a label that is not police.uk's is named in a warning. Where the outcome is blank
    for more than a tenth of a force's searches (police.uk Durham, Jan and Feb 2020: 209 of 296,
    recent months not yet updated) a :class:`~saferstats.SaferstatsWarning` says so and
    ``.attrs["outcome_missing_by"]`` holds ``{force: (without an outcome, searches)}``: the rate is
    of the searches with a recorded outcome. Some forces set the
    "linked" flag on searches that ended in no further action; where that is most of a force's
    finds a :class:`~saferstats.SaferstatsWarning` says so (the find rate then is not comparable)
    and ``.attrs["finds_no_further_action"]`` holds ``{force: (no further action, finds)}``. Some
    forces leave the flag blank on most searches and set it mainly where there was an outcome
    (police.uk Merseyside, Dec 2019 to Feb 2020: blank on 79% of searches, all of them no further
    action); where it is missing for more than a tenth of a force's searches a warning says so, with
    the share of searches with an outcome among those with and without the flag, and
    ``.attrs["outcome_linked_missing_by"]`` holds ``{force: (without the flag, searches)}``. The
    find rate of such a force is a rate over a selected subset, so it is withheld: in rows by
    force its ``rate``, limits, comparisons and tests are NaN and the ``withheld`` column says why
    (``n`` and ``hits`` stay: searches with the flag, and flagged); rows that pool forces leave
    such forces' searches out (counted in ``.attrs["excluded"]["outcome_linked_selective"]``), and
    rows holding only such forces' searches (a CSP of Merseyside with ``by="csp"``) are withheld; a
    withheld row's ``reliable`` is False (it has no rate to rely on).
    So is the find rate of a force whose "finds" are mostly no further action (above; judged where
    the records name their force: Derbyshire 2019-20). ``withheld`` is ``""`` where the rate is shown.

    **Which searches, which ethnicity**: ``ethnicity_source``, ``mapping``, ``unknown`` and
    ``include_vehicle`` as in :func:`disproportionality`. The groups are self-defined by default (the
    Home Office's measure); vehicle-only searches (no person searched) and searches with no stated
    ethnicity are in no group's rate, left out and counted in ``.attrs["excluded"]``
    (``vehicle_only``, ``not_stated``, ``searches_with_person``; police.uk Merseyside, Dec 2019 - Feb
    2020: 218 vehicle-only and 1,247 not stated of 9,631 searches). ``"officer"`` compares the groups
    as officers perceived them (no Mixed: see the Mixed row below); with ``"self_then_officer"`` the
    searches whose self-defined ethnicity is not stated are counted by the officer-defined one, so
    Mixed holds only self-defined searches and Other also officers' Other (which takes in people who
    self-define as Mixed or Asian).

    ``by="csp"`` or ``"la"`` (alone or with other columns) on records without such a column places
    each search in its Community Safety Partnership / local authority from its location, as
    :func:`disproportionality` does (same areas, same searches left out: counted in
    ``.attrs["unassigned"]``), so the two tables line up.

    **Ethnicity not stated**: those searches are in no group's rate, and the comparisons assume they
    are like the rest. Where a fifth or more (of 10 or more) of a stratum's searches (``by``; each
    force apart in rows that pool forces) are not stated, a :class:`~saferstats.SaferstatsWarning`
    gives the share, and where their outcome rate differs from the stated searches' (``differs``:
    10 or more searches with a known outcome on each side, p by this function's test below
    1 - ``confidence`` after the Benjamini-Hochberg adjustment over all the strata tested,
    ``p_adjusted`` - by CSP and month many are, and some differ by chance alone - and the rates a
    tenth or more apart) both rates (police.uk South Yorkshire, Dec 2019 - Feb 2020: 24% not
    stated; arrested 14.1% of them, 10.5% of the stated). Under a fifth, a stratum is named in a
    second warning, with its share and both rates, where 5% or more are not stated and their rate
    ``differs`` by the same rule: Leicestershire, 18% not stated, arrested 4.9% of them against
    16.2% of the stated, adjusted p = 0.004 (unadjusted 0.001); Essex and Merseyside likewise. (By force and month, South
    Yorkshire's December, p = 0.028, is 0.099 over the 18 strata tested: its share is said, not
    its rates.) ``.attrs["not_stated_rule"]`` says which p decides (``"p"``: ``"p_adjusted"``),
    the ``method``, ``alpha`` and how many strata (``strata_tested``) and forces
    (``forces_tested``) it is adjusted over. ``.attrs["not_stated_strata"]`` holds, per stratum,
    ``not_stated`` and ``searches``, the searches with a known outcome and their hits, not stated
    (``ns_n, ns_hits``) and stated (``st_n, st_hits``), both rates (``ns_rate, st_rate``),
    ``p_value``, ``differs``, ``p_adjusted`` and ``warned`` (named in one of the two warnings). A
    force whose find rate is withheld (above) is not tested: its rates there are NaN. With ``by``
    finer than a force (CSP, month), a stratum often has too few not-stated searches to test, so each
    force is also judged as a whole by the same rule (the Benjamini-Hochberg adjustment over the
    forces tested; with areas placed from locations, over the force's placed searches), and a third
    warning names the forces it holds but none of whose strata is named for the same (police.uk
    Derbyshire by CSP, positive outcomes: 14% of 458 not stated, 15.9% of them against 30.1%, p =
    0.020; Leicestershire, Merseyside and Essex by month, arrests). ``.attrs["not_stated_forces"]``
    holds those forces' rows, with the columns above (``warned``: named in that warning); it is
    empty when the strata are the forces or the records have no ``force`` column.

    Method (``docs/methods/stop_search.md`` B3): Wilson CI for each rate; difference (group − reference) with
    Newcombe's CI; risk ratio with Katz's CI; the p-value is Fisher's exact test when an expected
    cell is below 5, else the pooled two-proportion z test (``test`` says which); χ² with Yates'
    correction and the Fisher p are also given.

    Returns
    -------
    DataFrame, one row per ``by`` × group: ``group, n, hits, rate, rate_lower, rate_upper, diff,
    diff_lower, diff_upper, rr, rr_lower, rr_upper, p_value, test``, then ``z, chi2_yates,
    p_chi2_yates, p_fisher, odds_ratio, rr_method, confidence, reliable`` (``reliable`` is False
    when the group or the reference has fewer than ``min_count`` (10) searches with a known outcome:
    a rate of 1 in 2, as for Asian people searched in Durham, Dec 2019 - Feb 2020, is no evidence
    either way, however its test comes out; ``rr_method`` says when Haldane's
    +0.5 was needed for a zero cell), with ``"find"`` ``withheld``, and last ``note``. A group with
    no search to test in a stratum (none at all, or none with a known outcome / the flag) is a row
    with ``n`` and ``hits`` 0, every statistic NaN, ``reliable`` False and a ``note`` saying which
    (``"no searches"``, ``"3 searches, none with a known outcome"``; ``""`` on the other rows), never
    left out: the groups expected are those of the records, a categorical ``group`` column's
    categories, and for police.uk ethnicity the five Home Office groups (or those of ``mapping``);
    listed in ``.attrs["no_searches"]``. With ``ethnicity_source="officer"`` the Mixed row is empty because
    officers cannot record Mixed, not because no Mixed people were searched: its ``note`` says so
    (``OFFICER_MIXED_NOTE``, not ``"no searches"``) and a :class:`~saferstats.SaferstatsWarning`
    counts the searches compared of people who self-defined as Mixed and the officer groups whose
    rows hold them (``.attrs["officer_mixed"]``; police.uk Merseyside, Dec 2019 - Feb 2020: 114 of
    8,900, in Black 51, White 31, Other 18 and Asian 14). With ``ethnicity_source="self_then_officer"``
    a warning names, in :func:`disproportionality`'s words, the rows that hold searches whose group
    came from officer-defined ethnicity (Other overstated, Mixed understated, the others
    approximate); ``.attrs["officer_filled"]`` has each row's ``n`` and ``from_officer``.
    Exclusions in ``.attrs["excluded"]``.

    Rows that pool the searches of several forces (no ``"force"`` in ``by``) also get each group's
    risk ratio *within* forces: forces differ in their outcome rates and in how their searches divide
    between the groups, so a pooled ratio partly compares forces (police.uk, seven forces, Dec 2019 -
    Feb 2020, arrests: Asian people 1.14 pooled, 0.93 within forces). ``.attrs["within_forces"]``
    holds, per ``by`` × group, the Mantel–Haenszel ratio over the forces with its Greenland–Robins
    interval (``rr, rr_lower, rr_upper``), the forces that searched both groups (``strata``) and
    the pooled ratio (``rr_pooled``), as records for ``pd.DataFrame``; a
    :class:`~saferstats.SaferstatsWarning` names the groups whose ratio moves by more than a tenth,
    or across 1, when the forces are pooled (``docs/methods/stop_search.md`` B3).

    **Many comparisons**: each ``p_value`` is one comparison's, read on its own. With every group in
    every force (or CSP, or month) some fall below 0.05 by chance alone: 1 in 20 where there is no
    difference. ``.attrs["multiple_comparisons"]`` gives the number of comparisons tested
    (``comparisons``), how many have ``p_value`` below 1 - ``confidence`` (``significant``) and
    how many stay below it after the Benjamini–Hochberg false discovery rate adjustment over all of
    them (``significant_adjusted``; per row in ``p_adjusted``, records for ``pd.DataFrame``, as
    :func:`~saferstats.p_adjust` with ``method="bh"``). With more than five comparisons and one or
    more significant on its own, a :class:`~saferstats.SaferstatsWarning` gives both numbers
    (police.uk, seven forces, Dec 2019 - Feb 2020, arrests by force: 26 comparisons, Black people
    in Leicestershire (p = 0.034) and Other in Merseyside (0.038) below 0.05 on their own, none
    after the adjustment).

    Examples
    --------
    >>> import saferstats
    >>> df = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    >>> res = saferstats.outcome_test(df, outcome="arrest")
    >>> list(res.columns[:6])
    ['group', 'n', 'hits', 'rate', 'rate_lower', 'rate_upper']
    >>> sorted(res.attrs["multiple_comparisons"])
    ['alpha', 'comparisons', 'method', 'p_adjusted', 'significant', 'significant_adjusted']
    """
    keys = _by_list(by)
    if not isinstance(searches, pd.DataFrame) or len(searches) == 0:
        raise InvalidInputError("`searches` must be a non-empty DataFrame of search records", "searches")
    keys, mapping, _ = _search_args(searches, keys, mapping, ethnicity_source, unknown, group=group,
                                    reference=reference)
    _choice(outcome, "outcome", ("arrest", "find", "positive"))
    conf = float(confidence)
    min_count = _number(min_count, "min_count")
    area_level = _location_level(searches, keys)
    located: dict[str, Any] = {}
    read: dict[str, int] = {}
    if area_level is not None:  # by="csp" / "la" without such a column: placed by location, as disproportionality
        _, counted, read = _record_groups(searches, group, ethnicity_source, mapping, unknown, include_vehicle)
        found, placed, located = _locate(searches, area_level, counted)  # unassigned counted as disproportionality's
        searches = searches.assign(**{area_level: found["name"].to_numpy(), f"{area_level}_code": found["code"].to_numpy()})
        searches = searches[placed]
        i = keys.index(area_level)
        keys = [*keys[:i], area_level, f"{area_level}_code", *keys[i + 1:]]
        if len(searches) == 0:
            raise _none_placed(located, area_level, "outcome_test")
    require_columns(searches, {f"by[{i}]": k for i, k in enumerate(keys)}, "searches")
    records, excluded, stated = _prepare_records(searches, group, ethnicity_source, mapping, unknown, include_vehicle,
                                                 keep=[*keys, "outcome", "outcome_linked_to_object_of_search", "force"])
    # the records' counts, as disproportionality's: those of the searches placed in an area left out the
    # vehicle-only and not-stated searches with no location (police.uk Merseyside, Dec 2019 - Feb 2020, by
    # CSP: 136 and 830 of 218 and 1,247; 499 records in no count)
    excluded.update(read)
    outcome_missing: dict[str, tuple[int, int]] = {}
    if outcome in ("arrest", "positive"):
        require_columns(records, {"outcome": "outcome"}, "searches")
        # no outcome recorded: not known to be "no arrest" (police.uk Durham, Jan 2020: 121 of 161); older
        # files' "Suspect arrested" is an arrest, their "Details not available" / "Article found - Detailed
        # outcome unavailable" not known to be one or not (counted as arrests: none, session 14); for
        # "positive" "Details not available" is not known either, the other outcomes positive
        known, hits = _outcome_flags(searches["outcome"], outcome)
        usable, hit = pd.Series(known[stated], index=records.index), pd.Series(hits[stated], index=records.index)
        _outcome_labels_unknown(per_distinct(records["outcome"], lambda o: o.strip().lower()), outcome)
        excluded["outcome_missing"] = int((~usable).sum())
        outcome_missing = _check_outcome_coverage(records, usable, outcome)
    elif outcome == "find":
        col = "outcome_linked_to_object_of_search"
        require_columns(records, {"outcome": col}, "searches")
        known, hits = _outcome_flags(searches[col], outcome)
        usable, hit = pd.Series(known[stated], index=records.index), pd.Series(hits[stated], index=records.index)
        excluded["outcome_linked_missing"] = int((~usable).sum())
        excluded_finds = _check_finds(records, hit, keys)
        linked_missing = _check_find_coverage(records, usable)
        reasons = _find_reasons(linked_missing, excluded_finds)
        pure: dict[tuple[str, ...], list[str]] = {}  # strata of such forces' searches only: withheld below
        if reasons and "force" not in keys:
            units = (records["force"].astype(str).to_numpy() if "force" in records.columns
                     else np.full(len(records), "all searches", dtype=object))
            drop = np.isin(units, list(reasons))
            u = usable.to_numpy(bool)
            strata = (records.groupby(keys, sort=False, dropna=False, observed=True).ngroup().to_numpy() if keys
                      else np.zeros(len(records), dtype=np.int64))
            other = pd.Series(u & ~drop).groupby(strata).any()  # the stratum has other forces' searches too
            mixed = other.reindex(strata).fillna(False).to_numpy(bool)
            left = u & drop & mixed  # rows that pool forces: such forces' searches are left out
            if left.any():
                excluded["outcome_linked_selective"] = int(left.sum())
                usable = usable & ~pd.Series(left, index=usable.index)
                warn_user(f"outcome_test(outcome='find'): the {int(left.sum()):,} searches with the flag of "
                          f"{', '.join(sorted({force_said(u) for u in units[left]}))} are left out of rows that pool them with other forces' "
                          "(the flag there is blank for many searches, or set on searches with no further action, see "
                          "above); counted in "
                          ".attrs['excluded']['outcome_linked_selective']")
            only = u & drop & ~mixed
            if only.any():
                labels = records.loc[only, keys].astype(str).itertuples(index=False, name=None) if keys else [()] * int(only.sum())
                for key, unit in zip(labels, units[only]):
                    forces = pure.setdefault(tuple(key), [])
                    if unit not in forces:
                        forces.append(str(unit))
    else:
        raise InvalidInputError(f"unknown outcome {outcome!r}; valid: 'arrest', 'find', 'positive'", "outcome")
    # the searches left out as ethnicity not stated, stratum by stratum, and their outcomes beside the stated ones'
    ns_cols = _strata_cols(searches, keys)
    person = _with_person(searches, include_vehicle)
    per_ns = _not_stated_strata(searches, ns_cols, person, stated, known, hits)
    withheld_ns = None  # a force's find rate that is withheld is not set beside its not-stated searches' either
    if outcome == "find" and reasons:
        withheld_ns = (per_ns["force"].astype(str).isin(list(reasons)).to_numpy() if "force" in ns_cols
                       else np.full(len(per_ns), "all searches" in reasons))
    not_stated = _not_stated_outcomes(per_ns, conf, withheld_ns)
    _warn_not_stated_outcomes(not_stated, ns_cols, outcome)
    not_stated_forces = pd.DataFrame()
    if "force" in ns_cols and [c for c in ns_cols if c != "force"]:  # strata finer than a force: each force whole too
        per_force = _not_stated_strata(searches, ["force"], person, stated, known, hits)
        not_stated_forces = _not_stated_outcomes(per_force, conf, per_force["force"].astype(str).isin(
            list(reasons)).to_numpy() if outcome == "find" and reasons else None)
        not_stated_forces = _warn_not_stated_forces(not_stated_forces, not_stated, ns_cols, outcome)
    recs = records[usable.to_numpy()].assign(__hit=hit[usable.to_numpy()].astype(float).to_numpy())
    recs = recs.assign(**{group: recs[group].astype(str)})
    # areas placed by location in the order of their codes, as disproportionality's rows (an area's name
    # and code go together: by code, then name, is by code)
    order = ([*keys[:keys.index(area_level)], f"{area_level}_code", area_level, *keys[keys.index(area_level) + 2:]]
             if area_level is not None else keys)
    agg = recs.groupby(order + [group], dropna=False, observed=True)["__hit"].agg(["size", "sum"]).reset_index()
    agg = agg.rename(columns={"size": "n", "sum": "hits"})[[*keys, group, "n", "hits"]]
    reference = _reference_label(agg[group], reference)
    if keys:  # a stratum with no search of the reference group has nothing to compare with: left out, said
        is_ref = (agg[group].astype(str) == reference).to_numpy()
        strata = agg.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
        lacking = ~np.isin(strata, strata[is_ref])
        if lacking.any() and is_ref.any():
            gone = agg.loc[lacking, keys].drop_duplicates()
            names = [" / ".join(_key_said(k, v) for k, v in zip(keys, r)) for r in gone.itertuples(index=False)]
            warn_user(f"outcome_test: {len(names)} of {len(np.unique(strata))} strata have no {reference} searches with "
                      f"a known outcome to compare with and are left out ({', '.join(names[:8])}"
                      f"{' and more' if len(names) > 8 else ''}); listed in .attrs['no_reference']")
            excluded["no_reference_searches"] = int(agg.loc[lacking, "n"].sum())
            agg = agg[~lacking].reset_index(drop=True)
            no_reference = [dict(zip(keys, r)) for r in gone.itertuples(index=False)]
        else:
            no_reference = []
    else:
        no_reference = []
    no_searches = _groups_without_searches(agg, keys, group, _expected_groups(searches, records, group,
                                                                              ethnicity_source, mapping))
    searched = (records[keys].assign(**{group: records[group].astype(str).to_numpy()})
                .groupby(keys + [group], dropna=False, observed=True).size() if no_searches else pd.Series(dtype=int))
    searched_of = {tuple(plain(v) for v in (k if isinstance(k, tuple) else (k,))): int(c) for k, c in searched.items()}
    ref_idx = _reference_index(agg, keys, group, reference)
    res = _ext.outcome_tests(
        np.ascontiguousarray(agg["hits"].to_numpy(dtype=float)),
        np.ascontiguousarray(agg["n"].to_numpy(dtype=float)),
        ref_idx.tolist(),
        confidence=conf,
    )
    out = agg[keys].copy() if keys else pd.DataFrame(index=agg.index)
    out["group"] = agg[group].to_numpy()
    out["n"] = agg["n"].to_numpy().astype(np.int64)
    out["hits"] = agg["hits"].to_numpy().astype(np.int64)
    for k in ["rate", "rate_lower", "rate_upper", "diff", "diff_lower", "diff_upper", "rr", "rr_lower", "rr_upper",
              "p_value"]:
        out[k] = res[k]
    out["test"] = pd.Categorical.from_codes(res["test"], categories=_TEST_LABELS)
    for k in ["z", "chi2_yates", "p_chi2_yates", "p_fisher", "odds_ratio"]:
        out[k] = res[k]
    out["rr_method"] = method_labels(res["rr_method"])
    out["confidence"] = conf
    # a rate of 1 in 2 (police.uk Durham, Asian, arrests Dec 2019 - Feb 2020) is no evidence either way:
    # flagged as disproportionality's rows are (Home Office / ONS suppress rates on small bases)
    n_ref = agg["n"].to_numpy(dtype=float)[ref_idx] if len(agg) else np.array([], dtype=float)
    out["reliable"] = (out["n"].to_numpy() >= min_count) & (n_ref >= min_count)
    out = _add_no_search_rows(out, keys, no_searches, outcome, searched_of)
    officer_mixed: dict[str, Any] = {}
    if group == "ethnicity" and group not in searches.columns and ethnicity_source == "officer":
        officer_mixed = _officer_mixed(out, searches, stated, records[group], mapping)
    officer_filled: list[dict[str, Any]] = []
    if group == "ethnicity" and group not in searches.columns and ethnicity_source == "self_then_officer":
        filled = _filled_from_officer(searches, mapping, unknown)[stated][usable.to_numpy()]
        officer_filled = _warn_officer_filled(out, keys, recs, filled, group)
    if outcome == "find":
        out["withheld"] = _withhold_finds(out, keys, reasons, pure)
    out = out[[c for c in out.columns if c != "note"] + ["note"]]  # why a row has no rate: last, as dsr's
    if area_level is not None:
        excluded["unassigned_location"] = int(sum(located["unassigned"].values()))
        out.attrs["unassigned"] = located["unassigned"]
        if "unassigned_by_force" in located:
            out.attrs["unassigned_by_force"] = located["unassigned_by_force"]
        # never silently: the searches left out of the rows by area are said, as disproportionality says them
        _warn_unassigned(located, area_level, excluded["unassigned_location"], int(counted.sum()), "outcome_test")
    out.attrs["multiple_comparisons"] = _multiple_comparisons(out, keys, conf, outcome, reference)
    within = _within_forces(recs, keys, group, reference, out, outcome, conf)
    if within is not None:  # records, not a DataFrame: pandas compares attrs when it combines frames
        out.attrs["within_forces"] = [{k: plain(v) for k, v in r.items()} for r in within.to_dict("records")]
    out.attrs["excluded"] = excluded
    out.attrs["outcome"] = outcome
    out.attrs["no_reference"] = no_reference
    out.attrs["not_stated_strata"] = [{k: plain(v) for k, v in r.items()} for r in not_stated.to_dict("records")]
    out.attrs["not_stated_forces"] = [{k: plain(v) for k, v in r.items()} for r in not_stated_forces.to_dict("records")]
    out.attrs["not_stated_rule"] = _not_stated_rule(not_stated, not_stated_forces, conf)
    out.attrs["no_searches"] = [{**dict(zip(keys, k)), "group": g} for k, g in no_searches]
    if officer_mixed:
        out.attrs["officer_mixed"] = officer_mixed
    if officer_filled:
        out.attrs["officer_filled"] = officer_filled
    if outcome in ("arrest", "positive"):
        out.attrs["outcome_missing_by"] = outcome_missing
    if outcome == "find":
        out.attrs["finds_no_further_action"] = excluded_finds
        out.attrs["outcome_linked_missing_by"] = linked_missing
    return out

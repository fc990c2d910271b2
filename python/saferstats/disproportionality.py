"""Stop-and-search disproportionality (Home Office method, ``METHODS.md`` B1-B3): search rates
per 1,000 by ethnic group against census denominators, each group's ratio to a reference group
(White by default) with confidence intervals, and outcome (arrest / find / positive outcome)
comparisons. The statistics run in the Rust ``disproportionality`` and ``tables`` modules; this
layer maps ethnicity labels, counts records, joins denominators and reports every exclusion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._frames import as_float_array, count_by_codes, per_distinct, require_columns
from .exceptions import InvalidInputError
from .io import force_slug
from .rates import _methods

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


def _by_list(by: str | Sequence[str] | None) -> list[str]:
    return [] if by is None else ([by] if isinstance(by, str) else list(by))


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
    if source not in ("self", "officer", "self_then_officer"):
        raise InvalidInputError(
            f"unknown ethnicity_source {source!r}; valid: 'self', 'officer', 'self_then_officer'", "ethnicity_source"
        )
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
            raise InvalidInputError(
                f"column {col!r} has ethnicity labels not in the mapping: {sorted(unknown_labels)}; pass "
                "mapping={label: group} or unknown='other'",
                col,
            )
        return out

    first = mapped(cols[0])
    if len(cols) == 2:
        second = mapped(cols[1])
        a, b = first.to_numpy(object), second.to_numpy(object)
        first = pd.Series(pd.Categorical(np.where(a != NOT_STATED, a, b)), index=first.index)
    return first.rename("ethnicity")


def census_population(level: Literal["force", "la", "csp"] = "force") -> pd.DataFrame:
    """2011 Census usual residents by the five ethnic groups, long format, bundled.

    ``level="force"``: columns ``force`` (police.uk identifier, e.g. ``"essex"``), ``force_name``,
    ``ethnicity``, ``population``. ``"la"`` / ``"csp"``: by local authority / Community Safety
    Partnership with its ``force``. Any user table with the same columns can be passed to
    :func:`disproportionality` instead (e.g. Census 2021).

    >>> pop = census_population()
    >>> int(pop.query("force == 'hertfordshire' and ethnicity == 'Black'")["population"].iloc[0])
    31401
    """
    from . import datasets

    if level == "force":
        wide = datasets.census2011_by_force().rename(columns={"force": "force_name"})
        wide["force"] = wide["force_name"].map(force_slug)
        keys = ["force", "force_name"]
    elif level in ("la", "csp"):
        wide = datasets.census2011_by_la()
        wide["force"] = wide["force"].map(force_slug)
        if level == "csp":
            wide = wide.groupby(["csp", "csp_code", "force"], as_index=False)[list(ETHNIC_GROUPS)].sum()
            keys = ["csp", "csp_code", "force"]
        else:
            keys = ["la", "la_code", "csp", "force"]
    else:
        raise InvalidInputError(f"unknown level {level!r}; valid: 'force', 'la', 'csp'", "level")
    long = wide.melt(id_vars=keys, value_vars=list(ETHNIC_GROUPS), var_name="ethnicity", value_name="population")
    return long.sort_values(keys + ["ethnicity"], kind="stable").reset_index(drop=True)


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
        raise InvalidInputError(f"searches has no column {group!r} (keyword `group`)", "group")
    use = np.ones(len(searches), dtype=bool)
    if not include_vehicle and "type" in searches.columns:
        vehicle = per_distinct(searches["type"], lambda t: t.strip().lower() == "vehicle search").to_numpy(bool)
        excluded["vehicle_only"] = int(vehicle.sum())
        use &= ~vehicle
    not_stated = per_distinct(groups, lambda g: g in ("", NOT_STATED)).to_numpy(bool)
    excluded["not_stated"] = int((not_stated & use).sum())
    excluded["searches_with_person"] = int(use.sum())
    use &= ~not_stated
    return groups, use, excluded


def _prepare_records(
    searches: pd.DataFrame, group: str, source: str, mapping: Mapping[str, str] | None, unknown: str,
    include_vehicle: bool, keep: Sequence[str],
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The searches with a person and a stated group: columns ``keep`` + ``group`` only (a million
    records are filtered once, not column by column), and the counts of what was left out."""
    groups, use, excluded = _record_groups(searches, group, source, mapping, unknown, include_vehicle)
    cols = [c for c in dict.fromkeys(keep) if c in searches.columns and c != group]
    out = searches[cols][use] if cols else pd.DataFrame(index=searches.index[use])
    return out.assign(**{group: groups.array[use]}), excluded


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
        raise InvalidInputError(
            f"reference group {reference!r} has no row for {where or 'the data'}; choose another `reference`",
            "reference",
        )
    return np.array([ref_of[s] for s in strata], dtype=np.int64)


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
) -> pd.DataFrame:
    """Search rates per 1,000 by group and the ratio of each group's rate to the reference group's.

    Method (``METHODS.md`` B1, B2): rate = searches / population × 1,000 with PHE exact/Byar's CI;
    ratio = group rate / reference rate from **unrounded** rates, Katz log CI (``ratio_method=
    "poisson"`` for the wald-log CI); zero searches use the exact conditional CI (or Haldane +0.5
    with ``zero="haldane"``), labelled in ``ratio_method``. ``reliable`` is False when searches
    < ``min_count`` or population < ``min_population`` (HO/ONS suppress such rates).

    ``searches`` is record level (one row per search, e.g. from :func:`read_stop_search`; counts
    are made, ethnicity assigned from ``ethnicity_source`` via :data:`HO_ETHNICITY_GROUPS` +
    ``mapping``; vehicle-only searches and "Not stated" are excluded and counted in
    ``.attrs["excluded"]``) or aggregate (pass ``count="searches"``: one row per ``by`` × group).
    ``population`` is a long table with ``group`` and ``population_col`` columns plus any ``by``
    columns it should be joined on (default: the bundled 2011 Census by force,
    :func:`census_population`), or a ``{group: population}`` mapping for a single area.

    Returns
    -------
    DataFrame, one row per ``by`` × group: the ``by`` columns, ``group, searches, population, rate,
    rate_lower, rate_upper, ratio, ratio_lower, ratio_upper, reliable``, then ``ratio_method,
    confidence``. The reference group's ratio is 1 (no interval).

    Examples
    --------
    >>> import pandas as pd, saferstats
    >>> agg = pd.DataFrame({"ethnicity": ["Black", "White"], "searches": [1200, 5400]})
    >>> saferstats.disproportionality(agg, {"Black": 48_000, "White": 1_080_000}, count="searches").round(4)
       group  searches  population  rate  rate_lower  rate_upper  ratio  ratio_lower  ratio_upper  reliable ratio_method  confidence
    0  Black      1200       48000  25.0     23.6053     26.4555    5.0          4.7       5.3192      True         katz        0.95
    1  White      5400     1080000   5.0      4.8675      5.1352    1.0          NaN          NaN      True    reference        0.95
    """
    keys = _by_list(by)
    if not isinstance(searches, pd.DataFrame):
        raise InvalidInputError("`searches` must be a pandas DataFrame", "searches")
    if len(searches) == 0:
        raise InvalidInputError("`searches` is empty", "searches")
    excluded: dict[str, int] = {}
    if count is None:
        require_columns(searches, {f"by[{i}]": k for i, k in enumerate(keys)}, "searches")
        groups, use, excluded = _record_groups(searches, group, ethnicity_source, mapping, unknown, include_vehicle)
        keyed = pd.DataFrame({**{k: searches[k] for k in keys}, group: groups}, copy=False)
        counts = count_by_codes(keyed, keys + [group], use)  # categorical keys (read_stop_search)
        if counts is None:
            counts = keyed[use].groupby(keys + [group], dropna=False, observed=True).size().reset_index()
        counts = counts.rename(columns={"size": "searches", 0: "searches"})
    else:
        require_columns(searches, {"count": count, "group": group, **{f"by[{i}]": k for i, k in enumerate(keys)}}, "searches")
        vals = as_float_array(count, searches[count])
        bad = np.flatnonzero(np.isnan(vals) | (vals < 0))
        if bad.size:
            raise InvalidInputError(f"column {count!r} row {bad[0]}: counts must be non-negative numbers", count, int(bad[0]))
        counts = searches.assign(**{count: vals}).groupby(keys + [group], dropna=False, observed=True)[count].sum()
        counts = counts.rename("searches").reset_index()
    # population table
    if population is None:
        population = census_population("force")
    if isinstance(population, Mapping):
        pop = pd.DataFrame({group: list(population.keys()), population_col: list(population.values())})
    elif isinstance(population, pd.DataFrame):
        pop = population
    else:
        raise InvalidInputError("`population` must be a DataFrame or a {group: population} mapping", "population")
    require_columns(pop, {"group": group, "population_col": population_col}, "population")
    join = [k for k in keys if k in pop.columns]
    pop = pop[join + [group, population_col]]
    dup = pop.duplicated(subset=join + [group])
    if dup.any():
        raise InvalidInputError(f"population table has duplicate rows for {pop[dup].iloc[0][join + [group]].to_dict()}", "population")
    # complete grid: every group of the population table in every stratum with searches
    groups_in_pop = pd.Index(pop[group].astype(str).unique())
    counts[group] = counts[group].astype(str)
    pop = pop.assign(**{group: pop[group].astype(str)})
    strata = counts[keys].drop_duplicates() if keys else pd.DataFrame(index=[0])
    grid = strata.merge(pd.DataFrame({group: groups_in_pop}), how="cross")
    if join:
        grid = grid.merge(pop[join].drop_duplicates(), on=join, how="inner") if len(grid) else grid
    extra = set(counts[group]) - set(groups_in_pop)
    if extra:
        raise InvalidInputError(
            f"groups {sorted(extra)} have searches but no population in the denominator table", "population"
        )
    frame = grid.merge(counts, on=keys + [group], how="left").merge(pop, on=join + [group], how="left")
    missing_strata = counts.merge(pop[join].drop_duplicates(), on=join, how="left", indicator=True) if join else None
    if missing_strata is not None and (missing_strata["_merge"] == "left_only").any():
        row = missing_strata[missing_strata["_merge"] == "left_only"].iloc[0]
        raise InvalidInputError(
            f"no population for {dict((k, row[k]) for k in join)} in the denominator table (columns {join})",
            "population",
        )
    frame["searches"] = frame["searches"].fillna(0)
    popv = frame[population_col].to_numpy(dtype=float)
    bad = np.flatnonzero(np.isnan(popv) | (popv <= 0))
    if bad.size:
        row = frame.iloc[int(bad[0])]
        raise InvalidInputError(
            f"population for {dict((k, row[k]) for k in keys + [group])} is {row[population_col]}; it must be > 0",
            "population",
        )
    ref_idx = _reference_index(frame, keys, group, reference)
    res = _ext.disproportionality(
        np.ascontiguousarray(frame["searches"].to_numpy(dtype=float)),
        np.ascontiguousarray(popv),
        ref_idx.tolist(),
        float(multiplier),
        float(confidence),
        ratio_method,
        zero,
        float(min_count),
        float(min_population),
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
    out["ratio_method"] = _methods(res["ratio_method"])
    out["confidence"] = float(confidence)
    out = out.reset_index(drop=True)
    out.attrs["excluded"] = excluded
    if excluded:
        with_person = excluded.get("searches_with_person", 0)
        out.attrs["not_stated_percent"] = 100.0 * excluded["not_stated"] / with_person if with_person else float("nan")
    return out


_NFA = {"a no further action disposal", "nothing found - no further action", "no further action", "offender given drugs possession warning"}


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
) -> pd.DataFrame:
    """Outcome ("hit") rates per group compared with the reference group.

    ``outcome``: ``"arrest"`` (outcome = Arrest), ``"find"`` (``outcome_linked_to_object_of_search``
    is True; searches where it is missing are excluded and counted), or ``"positive"`` (any outcome
    other than no further action; blank outcomes excluded and counted).

    Method (``METHODS.md`` B3): Wilson CI for each rate; difference (group − reference) with
    Newcombe's CI; risk ratio with Katz's CI; the p-value is Fisher's exact test when an expected
    cell is below 5, else the pooled two-proportion z test (``test`` says which); χ² with Yates'
    correction and the Fisher p are also given.

    Returns
    -------
    DataFrame, one row per ``by`` × group: ``group, n, hits, rate, rate_lower, rate_upper, diff,
    diff_lower, diff_upper, rr, rr_lower, rr_upper, p_value, test``, then ``z, chi2_yates,
    p_chi2_yates, p_fisher, odds_ratio, rr_method, confidence`` (``rr_method`` says when Haldane's
    +0.5 was needed for a zero cell). Exclusions in ``.attrs["excluded"]``.

    Examples
    --------
    >>> import saferstats
    >>> df = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    >>> res = saferstats.outcome_test(df, outcome="arrest")
    >>> list(res.columns[:6])
    ['group', 'n', 'hits', 'rate', 'rate_lower', 'rate_upper']
    """
    keys = _by_list(by)
    if not isinstance(searches, pd.DataFrame) or len(searches) == 0:
        raise InvalidInputError("`searches` must be a non-empty DataFrame of search records", "searches")
    require_columns(searches, {f"by[{i}]": k for i, k in enumerate(keys)}, "searches")
    records, excluded = _prepare_records(searches, group, ethnicity_source, mapping, unknown, include_vehicle,
                                         keep=[*keys, "outcome", "outcome_linked_to_object_of_search"])
    if outcome == "arrest":
        require_columns(records, {"outcome": "outcome"}, "searches")
        hit = per_distinct(records["outcome"], lambda o: o.strip().lower() == "arrest").astype(bool)
        usable = pd.Series(True, index=records.index)
    elif outcome == "find":
        col = "outcome_linked_to_object_of_search"
        require_columns(records, {"outcome": col}, "searches")
        linked = records[col].astype("boolean")
        usable = linked.notna()
        hit = linked.fillna(False).astype(bool)
        excluded["outcome_linked_missing"] = int((~usable).sum())
    elif outcome == "positive":
        require_columns(records, {"outcome": "outcome"}, "searches")
        o = per_distinct(records["outcome"], lambda o: o.strip().lower())
        usable = o != ""
        hit = usable & ~o.isin(_NFA)
        excluded["outcome_missing"] = int((~usable).sum())
    else:
        raise InvalidInputError(f"unknown outcome {outcome!r}; valid: 'arrest', 'find', 'positive'", "outcome")
    recs = records[usable.to_numpy()].assign(__hit=hit[usable.to_numpy()].astype(float).to_numpy())
    recs = recs.assign(**{group: recs[group].astype(str)})
    agg = recs.groupby(keys + [group], dropna=False, observed=True)["__hit"].agg(["size", "sum"]).reset_index()
    agg = agg.rename(columns={"size": "n", "sum": "hits"})
    ref_idx = _reference_index(agg, keys, group, reference)
    res = _ext.outcome_tests(
        np.ascontiguousarray(agg["hits"].to_numpy(dtype=float)),
        np.ascontiguousarray(agg["n"].to_numpy(dtype=float)),
        ref_idx.tolist(),
        float(confidence),
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
    out["rr_method"] = _methods(res["rr_method"])
    out["confidence"] = float(confidence)
    out = out.reset_index(drop=True)
    out.attrs["excluded"] = excluded
    return out

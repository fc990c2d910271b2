"""Session 33 (w55c): two functions every report calls were slower than they need be.

* ``trend._same_population_groups`` ran a ``drop_duplicates`` and a ``value_counts`` per group
  (289 of Defra's councils on one Census population: 0.37 s a call, 8 calls in a report), and
  ``trend._warn_same_population`` mapped each key column over the whole table once per group found
  (1.0 s a call in all); now one pass each (0.02 s and 0.09 s). The reference is the code as it was,
  restated below, on Defra's table with Census 2021 residents merged onto every year and on
  hand-made tables with ties, missing keys and no readable periods.
* ``geography.census_population`` melted the bundled wide table on every call (0.03 s by local
  authority, 1.8 s by ward); now once per process, each call given its own copy.
"""

from __future__ import annotations

import warnings
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from conftest import defra_flytipping_read

import saferstats as ss
from saferstats import geography, trend
from saferstats.exceptions import SaferstatsError
from saferstats.published import same_population_note


def period_times(data: pd.DataFrame, period: str) -> Any:
    """The periods as years (``trend.parse_periods_step``), NaN where they are no periods."""
    try:
        return trend.parse_periods_step(data[period], period)[0]
    except (SaferstatsError, ValueError, TypeError):
        return np.nan


def reference_groups(data: pd.DataFrame, population: str | None, period: str, keys: list[Any]) -> list[dict[str, Any]]:
    """``trend._same_population_groups`` as it was at e2643ae5: a loop over the groups, with a
    ``drop_duplicates`` and a ``value_counts`` in each (the table built as it built it)."""
    if population is None or not {population, period, *keys} <= set(data.columns):
        return []
    known = pd.DataFrame({"_pop": pd.to_numeric(data[population], errors="coerce").to_numpy(dtype=float),
                          "_period": data[period].astype(str).to_numpy(),
                          **{f"_k{i}": data[k].to_numpy() for i, k in enumerate(keys)}})
    known.insert(2, "_t", period_times(data, period))
    known = known.dropna(subset=["_pop"])
    found: list[dict[str, Any]] = []
    groups = known.groupby([f"_k{i}" for i in range(len(keys))], sort=True, dropna=False) if keys else [((), known)]
    for g, rows in groups:
        per = rows.drop_duplicates(["_period", "_pop"])
        counts = per["_pop"].value_counts()
        if len(counts) == 0 or counts.iloc[0] < trend._SAME_POPULATION_PERIODS:
            continue
        t = per["_t"][per["_pop"] == counts.index[0]]
        if not t.isna().any() and t.max() - t.min() < 2 - 1e-9:
            continue
        record = dict(zip(keys, map(trend.plain, g if isinstance(g, tuple) else (g,))))
        record.update(population=float(counts.index[0]), periods=int(counts.iloc[0]), of=per["_period"].nunique())
        found.append(record)
    return found


def reference_sub(data: pd.DataFrame, found: list[dict[str, Any]], population: str, period: str,
                  keys: list[str]) -> pd.DataFrame:
    """The table of the groups found that ``trend._warn_same_population`` gave
    ``same_population_note`` at e2643ae5 (one key column): built group by group, each key column
    mapped to plain values over the whole table for each group."""
    parts = []
    for r in found:
        hit = pd.to_numeric(data[population], errors="coerce").to_numpy(dtype=float) == r["population"]
        for k in keys:
            hit &= (data[k].map(trend.plain) == r[k]).to_numpy()
        parts.append(pd.DataFrame({keys[0]: trend._key_text((r[keys[0]],)).strip("'\""),
                                   "population": r["population"],
                                   "period": data.loc[hit, period].astype(str).to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def said(fn: Any, *args: Any) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*args)
    return out, [str(x.message) for x in w]


@pytest.fixture(scope="module")
def defra(shared_data):
    """Defra's fly-tipping 2012/13-2021/22 by council with each council's Census 2021 residents
    (summed over ethnic groups) merged onto every year, as an analyst merges them."""
    fly = defra_flytipping_read(shared_data)
    pop = ss.census_population("la").groupby(["la_code", "census"], as_index=False)["population"].sum()
    return fly.merge(pop, on="la_code")


def test_defra_groups_and_warning_are_as_before(defra):
    new = trend._same_population_groups(defra, "population", "period", ["la_code"])
    assert new == reference_groups(defra, "population", "period", ["la_code"])
    assert len(new) == 289 and {"la_code": "E06000015", "population": 261_334.0, "periods": 10, "of": 10} in new
    table = defra.drop(columns="census")
    given = []

    def note(sub: pd.DataFrame, *args: Any, **kw: Any) -> str | None:
        given.append(sub)
        return same_population_note(sub, *args, **kw)

    with mock.patch("saferstats.published.same_population_note", side_effect=note):
        got, msgs = said(trend._warn_same_population, "add_rates", table, "population", "period", ["la_code"])
    assert got == new and len(msgs) == 1 and f"for 289 of {table['la_code'].nunique()} la_code" in msgs[0], msgs
    assert len(given) == 1
    pd.testing.assert_frame_equal(given[0], reference_sub(table, new, "population", "period", ["la_code"]))
    # by two keys (council and region), and by none on one council's series
    keys = ["region", "la_code"]
    assert trend._same_population_groups(defra, "population", "period", keys) == \
        reference_groups(defra, "population", "period", keys)
    derby = defra[defra["la_code"] == "E06000015"]
    assert trend._same_population_groups(derby, "population", "period", []) == \
        reference_groups(derby, "population", "period", []) == \
        [{"population": 261_334.0, "periods": 10, "of": 10}]


HAND = [
    # a tie: A has 100 in three years and 200 in three; value_counts kept the figure met first
    pd.DataFrame({"k": ["A"] * 6 + ["B"] * 6,
                  "period": ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22"] * 2,
                  "pop": [200, 100, 100, 200, 100, 200, 100, 200, 200, 100, 100, 200]}),
    # missing keys (None and NaN are one group), a missing population, repeated periods
    pd.DataFrame({"k": ["A", "A", "A", None, np.nan, None, "B", "B", "B", "B"],
                  "period": ["2019", "2021", "2023", "2019", "2021", "2023", "2019", "2019", "2021", "2023"],
                  "pop": [5, 5, 5, 7, 7, 7, 9, np.nan, 9, 9]}),
    # labels that are no period (their span is not checked), and months of one year (not named)
    pd.DataFrame({"k": [1, 1, 1, 1, 2, 2, 2],
                  "period": ["a", "b", "c", "d", "2021-01", "2021-02", "2021-03"],
                  "pop": [3, 3, 4, 4, 8, 8, 8]}),
    # no periods at all, no population at all
    pd.DataFrame({"k": pd.Series([], dtype=object), "period": pd.Series([], dtype=object),
                  "pop": pd.Series([], dtype=float)}),
    pd.DataFrame({"k": ["A"] * 3, "period": ["2019", "2021", "2023"], "pop": [np.nan] * 3}),
]


@pytest.mark.parametrize("i", range(len(HAND)))
def test_hand_made_tables_are_as_before(i):
    d = HAND[i]
    for keys in (["k"], [], ["k", "period"]):
        try:
            ref = reference_groups(d, "pop", "period", keys)
        except SaferstatsError as e:  # pragma: no cover - the reference raising: so must the new code
            with pytest.raises(type(e)):
                trend._same_population_groups(d, "pop", "period", keys)
            continue
        assert trend._same_population_groups(d, "pop", "period", keys) == ref, keys


def test_ties_keep_the_figure_met_first():
    """A tie between two figures for most periods: ``value_counts`` (a stable sort of counts kept
    in order of first appearance) gave the one met first in the table, and so does the new code
    (A: 200 first, B: 100 first; written out by hand)."""
    got = trend._same_population_groups(HAND[0], "pop", "period", ["k"])
    assert got == [{"k": "A", "population": 200.0, "periods": 3, "of": 6},
                   {"k": "B", "population": 100.0, "periods": 3, "of": 6}]
    missing = trend._same_population_groups(HAND[1], "pop", "period", ["k"])
    assert [(r["k"], r["population"]) for r in missing][:2] == [("A", 5.0), ("B", 9.0)]
    assert pd.isna(missing[2]["k"]) and missing[2]["population"] == 7.0


def test_one_pass_not_one_per_group():
    """Before: a drop_duplicates and a value_counts for each of 40 groups (40 + 40 calls); now a
    fixed number whatever the groups."""
    d = pd.DataFrame({"k": np.repeat([f"G{i:02d}" for i in range(40)], 4),
                      "period": ["2016/17", "2018/19", "2020/21", "2022/23"] * 40, "pop": 1000.0})
    with mock.patch.object(pd.DataFrame, "drop_duplicates", autospec=True,
                           side_effect=pd.DataFrame.drop_duplicates) as dd, \
            mock.patch.object(pd.Series, "value_counts", autospec=True, side_effect=pd.Series.value_counts) as vc:
        found = trend._same_population_groups(d, "pop", "period", ["k"])
    assert len(found) == 40
    assert dd.call_count + vc.call_count <= 2, (dd.call_count, vc.call_count)


@pytest.mark.parametrize("level", ["la", "force", "csp", "former_la"])
def test_census_population_is_melted_once_and_a_copy_is_given(level):
    """Before: each call melted the bundled table again; now the second call melts nothing, gives
    the frame and attrs of a fresh computation, and a caller's change to what it was given does
    not reach the next call."""
    cached = getattr(geography, "_census2021_broad_tables", None)  # (none before: built each call)
    if cached is not None:
        cached.cache_clear()
    first = ss.census_population(level)
    with mock.patch.object(pd.DataFrame, "melt", autospec=True, side_effect=pd.DataFrame.melt) as melt:
        second = ss.census_population(level)
    assert melt.call_count == 0
    pd.testing.assert_frame_equal(first, second)
    assert first.attrs == second.attrs
    first.loc[0, "population"] = -1
    first.attrs["total"] = 0
    if "csp_split" in first.attrs:
        first.attrs["csp_split"].clear()
    third = ss.census_population(level)
    pd.testing.assert_frame_equal(second, third)
    assert second.attrs == third.attrs and third["population"].iloc[0] >= 0


def test_census_population_la_is_the_bundled_table_melted():
    """Independent reference: the bundled wide table of local authorities melted with pandas here
    (318 authorities x 5 groups, 59,597,576 residents), after a call that filled the cache."""
    ss.census_population("la")
    got = ss.census_population("la")
    areas = geography.bundled_table("census2021_areas.csv.gz")
    wide = areas[areas["level"] == "la"]
    ref = wide.melt(id_vars=["code"], value_vars=list(geography.BROAD_GROUPS), var_name="ethnicity",
                    value_name="population")
    merged = got.merge(ref, left_on=["la_code", "ethnicity"], right_on=["code", "ethnicity"], validate="one_to_one")
    assert len(got) == len(merged) == 1590 and (merged["population_x"] == merged["population_y"]).all()
    assert got.attrs["total"] == 59_597_576 and set(got.attrs["csp_split"]) and "census" in got.columns
    herts = ss.census_population("la", force="hertfordshire")
    assert int(herts["population"].sum()) == herts.attrs["total"] == 1_198_832

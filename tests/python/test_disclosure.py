"""Disclosure control (issues 16.2, 16.8, 18.9): column roles, secondary suppression that leaves
no hidden count recoverable, derived values blanked with their counts, bad input named. Every
check attacks the published table with tests/python/disclosure_attack.py (scipy LP over the known
totals; back-solving rates, percentages, ratios and percent changes)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import saferstats
from saferstats import InvalidInputError, SaferstatsWarning
from saferstats.disclosure import column_roles, suppress

from disclosure_attack import Attack, is_hidden, totals_attack_on_suppressed

C = "[c]"


def hidden_mask(df: pd.DataFrame, col: str) -> np.ndarray:
    return np.array([is_hidden(v) for v in df[col]])


def unprotected(s: pd.DataFrame) -> set:
    return {("t", u["row"], u["column"]) for u in s.attrs["unprotected"]}


# ------------------------------------------------------------------------- two-way tables

def test_docstring_table_and_bridge_between_two_cycles():
    # every row and column holds two hidden cells, yet (1, 2) bridges the two 2x2 blocks: the
    # old rule published its partners and row 1's total gave it back
    v = np.array([[3, 3, 50, 60], [3, 3, 3, 70], [80, 90, 3, 3], [95, 85, 3, 3]])
    t = pd.DataFrame(v, columns=list("abcd")).assign(area=list("PQRS"))[["area", *"abcd"]]
    s = suppress(t)
    assert totals_attack_on_suppressed(s, t, list("abcd"), ["area"], row_totals=True) == []
    assert not s.attrs["unprotected"]
    # the attack does find the bridge in the primary-only pattern
    p = suppress(t, secondary=False)
    found = totals_attack_on_suppressed(p, t, list("abcd"), ["area"], row_totals=True)
    assert ("t", 1, "c") in {f.cell for f in found}


def test_nan_cells_are_missing_not_hidden():
    t = pd.DataFrame({"area": ["A", "B"], "x": [3, 20], "y": [np.nan, 30], "w": [10, 40]})
    s = suppress(t)
    assert pd.isna(s.loc[0, "y"]) and s.loc[0, "y"] != C  # missing stays missing, not a marker
    assert s.loc[0, "x"] == C and s.loc[0, "w"] == C  # the NaN protects nothing: w goes too
    assert totals_attack_on_suppressed(s, t, ["x", "y", "w"], ["area"], row_totals=True) == []


@st.composite
def count_tables(draw):
    n_rows = draw(st.integers(1, 7))
    n_cols = draw(st.integers(1, 5))
    cell = st.one_of(st.integers(5, 60), st.integers(1, 4), st.just(0), st.just(None))
    data = {f"c{j}": [draw(cell) for _ in range(n_rows)] for j in range(n_cols)}
    t = pd.DataFrame(data, dtype="float64")
    t.insert(0, "area", [f"a{i}" for i in range(n_rows)])
    return t


def _table(**cols: list[float]) -> pd.DataFrame:
    t = pd.DataFrame(cols, dtype="float64")
    t.insert(0, "area", [f"a{i}" for i in range(len(t))])
    return t


def totals_attack(s: pd.DataFrame, t: pd.DataFrame, cols: list, threshold: float = 5) -> list:
    """The totals attack with the row totals ``suppress`` documents: across the count columns, or,
    where it takes a column for the sum of others (``.attrs["roles"]["sums"]``: in every row with
    values, at least two of them non-zero), across the other columns, with the sum tied to its parts
    in the rows where it holds. On small random tables the sum can be a coincidence (c0 = c3 + c4 in
    the four rows where both have values: 0 = 0 + 0, 4 = 4 + 0, 4 = 1 + 3, 0 = 0 + 0), and then a
    row total over every column is not the table's model."""
    sums = s.attrs["roles"]["sums"]
    if not sums:
        return totals_attack_on_suppressed(s, t, cols, ["area"], row_totals=True, threshold=threshold)
    a = Attack()
    a.table("t", s, t, cols)
    for c in cols:
        a.totals_over_keys("t", ["area"], c)
    summed = {x["total"] for x in sums}
    base = [c for c in cols if c not in summed]
    for r in t.index:
        if len(base) > 1:
            a.total(("t", r, c) for c in base)
        for x in sums:
            vals = t.loc[r, [x["total"], *x["parts"]]]
            if vals.notna().all() and vals[x["total"]] == vals[x["parts"]].sum():
                a.relation([("t", r, x["total"])], [("t", r, c) for c in x["parts"]])
    return a.run(threshold)


# found by hypothesis (session 29): c0 taken for c3 + c4 by coincidence; the attacker summed every
# column of a row and recovered a4's c0 (a secondary 5) from a row total the table's model has not
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count_tables())
@example(_table(c0=[0, 0, 4, 4, 5, 0, 0], c1=[0, 0, 0, 0, 0, 5, 5], c2=[5, 5, 5, 5, 5, 5, 5],
                c3=[5, 0, 4, 1, np.nan, 0, np.nan], c4=[np.nan, 0, 0, 3, 0, 0, 5]))
def test_suppressed_two_way_tables_resist_the_totals_attack(t):
    cols = [c for c in t.columns if c != "area"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        s = suppress(t)
    found = totals_attack(s, t, cols)
    assert {f.cell for f in found} <= unprotected(s), found
    for c in cols:  # missing stays missing; small counts never shown
        shown = pd.to_numeric(s[c].where(~hidden_mask(s, c)), errors="coerce")
        assert not ((shown > 0) & (shown < 5)).any()
        assert (t[c].isna() == (s[c].isna() & (s[c].astype(str) != C))).all()


# found by this property (session 28): the last resort hid a zero in a6 and kept (a5, c2) = 6
# hidden as the only link from that zero's block to the 1 1 / 5 5 block of a2-a3 x c2-c3; the
# totals give the 6 back, and without it the 2x2 block has no hidden zero (the core now links the
# blocks by a cycle instead)
@settings(max_examples=60, deadline=None)
@given(count_tables(), st.integers(2, 10))
@example(_table(c0=[0, 5, 6, 6, 0, 5, 5], c1=[0, 5, 0, 0, 6, 5, 0], c2=[0, 0, 1, 5, 0, 6, 0],
                c3=[6, 0, 1, 5, 6, 0, 0], c4=[0, 5, 0, 0, 0, 5, 0]), 6)
def test_thresholds_and_primary_only_report_what_stays_recoverable(t, thr):
    cols = [c for c in t.columns if c != "area"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        s = suppress(t, threshold=thr)
        p = suppress(t, threshold=thr, secondary=False)
    assert {f.cell for f in totals_attack(s, t, cols, threshold=thr)} \
        <= unprotected(s)
    found = {f.cell for f in totals_attack(p, t, cols, threshold=thr)}
    small = {c for c in found if 0 < t.loc[c[1], c[2]] < thr}
    assert small <= unprotected(p)
    assert "no secondary suppression" in p.attrs["rule"]


def test_unprotectable_cell_warns_and_is_listed():
    # a row whose only other cell is missing: its total is the cell itself
    t = pd.DataFrame({"area": ["A", "B"], "x": [3, 20], "y": [np.nan, 30]})
    with pytest.warns(SaferstatsWarning, match="cannot be protected"):
        s = suppress(t)
    assert s.attrs["unprotected"] == [{"row": 0, "column": "x"}]
    assert "could not be protected" in s.attrs["rule"]


# ---------------------------------------------------------------------------- column roles

def _rates_table():
    df = pd.DataFrame({"area": ["A", "B", "C", "D"], "count": [3, 40, 52, 61],
                       "population": [9_000, 10_000, 12_000, 15_000]})
    return saferstats.add_rates(df, count="count", population="population").round(2)


@pytest.mark.parametrize("kwargs", [{}, {"columns": ["count"]}, {"columns": "count"}])
def test_rates_are_blanked_with_their_counts(kwargs):
    """Issue 18.9: rate, lower and upper beside the population gave count = rate x pop / 100,000."""
    t = _rates_table()
    s = suppress(t, **kwargs)
    assert s.attrs["roles"]["counts"] == ["count"]
    assert set(s.attrs["roles"]["derived"]) == {"rate", "lower", "upper"}
    assert (s["confidence"] == 0.95).all() and (s["population"] == t["population"]).all()  # never touched
    hidden = hidden_mask(s, "count")
    assert hidden[0] and hidden.sum() >= 2
    for c in ("rate", "lower", "upper"):
        assert (hidden_mask(s, c) == hidden).all()
    a = Attack()
    a.table("r", s, t, ["count"])
    a.totals_over_keys("r", [], "count")
    assert a.run() == []
    assert a.derived("r", population="population", derived=["rate", "lower", "upper"]) == []


def test_unknown_numbers_beside_counts_are_derived_unless_other():
    t = pd.DataFrame({"area": ["A", "B", "C"], "count": [3, 30, 40], "score": [1.5, 2.5, 3.5],
                      "population": [100, 200, 300]})
    r = column_roles(t)
    assert r == {"counts": ["count"], "derived": ["score"], "other": ["area", "population"]}
    assert column_roles(t, other=["score"])["derived"] == []
    s = suppress(t, other=["score"])
    assert s.loc[0, "score"] == 1.5


def test_plain_table_of_counts_with_text_counts():
    """Counts stored as text are counts (not skipped while attrs["rule"] claims success)."""
    t = pd.DataFrame({"area": ["A", "B", "C"], "s2": ["3", "40", "25"], "s3": ["12", "19", "30"]})
    s = suppress(t)
    assert s.attrs["roles"]["counts"] == ["s2", "s3"]
    assert s.loc[0, "s2"] == C
    truth = t.assign(s2=t.s2.astype(float), s3=t.s3.astype(float))
    assert totals_attack_on_suppressed(s, truth, ["s2", "s3"], ["area"], row_totals=True) == []


@pytest.mark.parametrize("table, kwargs, arg, match", [
    (pd.DataFrame([[1, 2, 3]], columns=["a", "b", "a"]), {}, "table", "duplicate column names"),
    (pd.DataFrame({"n": ["3", "x"]}), {"columns": ["n"]}, "n", "row 1: 'x' is not a number"),
    (pd.DataFrame({"n": [3, C]}), {"columns": ["n"]}, "n", "already shows the marker"),
    (pd.DataFrame({"n": [3, -1]}), {}, "n", "row 1: -1 is not a count"),
    (pd.DataFrame({"n": [3, np.inf]}), {}, "n", "row 1: inf is not a count"),
    (pd.DataFrame({"successes": [3, 4], "trials": [2, 10]}), {}, "successes", "row 0: successes .3. is more than"),
    (pd.DataFrame({"n": [3, 4]}), {"columns": ["m"]}, "columns", "no column"),
    (pd.DataFrame({"n": [3, 4]}), {"threshold": True}, "threshold", "positive number"),
    (pd.DataFrame({"n": [3, 4]}), {"threshold": "5"}, "threshold", "positive number"),
    (pd.DataFrame({"n": [3, 4]}), {"round_to": 0}, "round_to", "positive number"),
    (pd.DataFrame({"n": [3, 4]}), {"secondary": "yes"}, "secondary", "True or False"),
    (pd.DataFrame({"n": [3, 4]}), {"marker": 5}, "marker", "string or None"),
    (pd.DataFrame({"n": [3, 4]}), {"keys": "area"}, "keys", "no column"),
    (pd.DataFrame({"n": [3, 4]}), {"reference": "White"}, "reference", "map column names"),
    (pd.DataFrame({"flag": [True, False]}), {"columns": ["flag"]}, "flag", "true/false"),
    (pd.DataFrame({"label": ["a", "b"]}), {}, "columns", "no count columns"),
    ("not a table", {}, "table", "DataFrame"),
])
def test_bad_input_names_the_argument(table, kwargs, arg, match):
    with pytest.raises(InvalidInputError, match=match) as e:
        suppress(table, **kwargs)
    assert e.value.argument == arg


def test_marker_none_keeps_numbers_numeric():
    t = _rates_table()
    s = suppress(t, marker=None)
    assert pd.api.types.is_integer_dtype(s["count"]) and pd.api.types.is_float_dtype(s["rate"])
    assert s["count"].isna().sum() >= 2 and s["rate"].isna().sum() == s["count"].isna().sum()


def test_rounding_warns_that_derived_values_are_exact():
    with pytest.warns(SaferstatsWarning, match="unrounded"):
        s = suppress(_rates_table(), round_to=5)
    shown = pd.to_numeric(s["count"], errors="coerce").dropna()
    assert (shown % 5 == 0).all()


# ------------------------------------------------------------------- saferstats' own tables

def test_proportion_table_protects_a_small_difference():
    t = saferstats.proportion_ci([10, 40, 3, 60], [12, 80, 20, 100])  # 10 of 12: 2 failures
    s = suppress(t)
    a = Attack()
    a.part_of_whole_table("p", s, t, ["successes", "trials"], "successes", "trials", "failures", [])
    assert a.run() == []
    assert a.derived("p", denominator={"successes": "trials"}, derived=["value", "lower", "upper"]) == []
    assert is_hidden(s.loc[0, "successes"]) or is_hidden(s.loc[0, "trials"])


def test_year_on_year_counts_are_one_cell_and_percent_changes_go():
    df = pd.DataFrame({"area": list("ABCABCABC"), "year": [2019] * 3 + [2020] * 3 + [2021] * 3,
                       "count": [4, 40, 30, 26, 50, 44, 31, 3, 47], "population": [5e4, 6e4, 4e4] * 3})
    y = saferstats.year_on_year(df, count="count", population="population", period="year", by="area").round(3)
    s = suppress(y)
    a = Attack()
    a.table("y", s, y, ["count_from", "count_to"])
    # count_to of 2019->2020 is count_from of 2020->2021; totals per area and per year
    for area, g in y.groupby("area"):
        g = g.sort_values("period_from")
        rows = list(g.index)
        for r0, r1 in zip(rows, rows[1:]):
            a.relation([("y", r0, "count_to")], [("y", r1, "count_from")])
        a.total([("y", rows[0], "count_from")] + [("y", r, "count_to") for r in rows])
    for per, g in y.groupby("period_from"):
        a.total(("y", r, "count_from") for r in g.index)
    last = y.period_to.max()
    a.total(("y", r, "count_to") for r in y.index[y.period_to == last])
    assert a.run() == []
    assert a.percent_change("y", pop_from=None) == []
    assert a.derived("y", derived=["rate_from", "rate_to", "ratio", "pct_change", "p_value"]) == []


def test_shares_total_is_a_known_margin():
    df = pd.DataFrame({"strand": ["Race", "Religion", "Disability"] * 2, "year": [2019] * 3 + [2020] * 3,
                       "count": [75, 3, 22, 80, 12, 30]})
    sh = saferstats.shares(df, count="count", category="strand", by="year")
    s = suppress(sh)
    a = Attack()
    a.table("s", s, sh, ["count"])
    a.totals_over_keys("s", ["strand", "year"], "count")
    assert a.run() == []
    assert a.derived("s", denominator={"count": "total"}, derived=["share", "lower", "upper"]) == []
    assert (s["total"] == sh["total"]).all()


def test_stop_search_tables_with_reference_rows():
    recs = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    d = saferstats.disproportionality(recs, saferstats.census_population(), by=["force"]).round(4)
    s = suppress(d)
    assert "population" in s.attrs["roles"]["other"] and "reliable" in s.attrs["roles"]["other"]
    durham_black = (d.force == "durham") & (d.group == "Black")
    assert is_hidden(s.loc[durham_black.idxmax(), "ratio"])  # issue 18.10's example
    a = Attack()
    a.table("d", s, d, ["searches"])
    a.totals_over_keys("d", ["force", "group"], "searches")
    assert a.run() == []
    assert a.derived("d", population="population", derived=["rate", "rate_lower", "rate_upper", "ratio"]) == []
    refs = d.index[d.group == "White"]
    assert a.ratios("d", ratio="ratio", rate="rate", population="population", strata=["force"],
                    reference_rows=refs, multipliers=(1000,)) == []
    # a hidden reference takes the stratum's comparisons with it
    d2 = d.copy()
    d2.loc[(d2.force == "derbyshire") & (d2.group == "White"), "searches"] = 3
    s2 = suppress(d2)
    derby = s2[s2.force == "derbyshire"]
    assert derby["ratio"].map(is_hidden).all()


def test_outcome_test_table():
    recs = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    o = saferstats.outcome_test(recs, outcome="find", by=["force"])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        s = suppress(o)
    a = Attack()
    a.part_of_whole_table("o", s, o, ["n", "hits"], "hits", "n", "misses", ["force", "group"])
    found = {f.cell for f in a.run()}
    assert found <= {("o", u["row"], u["column"]) for u in s.attrs["unprotected"]}
    if s.attrs["unprotected"]:
        assert any(issubclass(x.category, SaferstatsWarning) for x in w)
    assert a.derived("o", denominator={"hits": "n"}, derived=["rate", "rate_lower", "rr", "p_value", "diff"]) == []


def test_before_after_conversion_is_s2_plus_s3():
    recs = saferstats.synthetic.s136_pilot_records(seed=5)
    ba = saferstats.before_after(recs, split="2024-01-01")
    ba.loc[ba.measure == "s3", "post_count"] = 3  # a small cell that conversion = s2 + s3 would give back
    ba.loc[ba.measure == "conversion", "post_count"] = int(ba.loc[ba.measure == "s2", "post_count"].iloc[0]) + 3
    s = suppress(ba)
    assert is_hidden(s.loc[ba.measure == "s3", "post_count"].iloc[0])
    a = Attack()
    a.table("b", s, ba, ["pre_count", "pre_n", "post_count", "post_n"])
    idx = {(k, m): i for i, (k, m) in enumerate(zip(ba.kind, ba.measure))}
    for c in ("pre_count", "post_count"):
        a.relation([("b", idx[("rate", "conversion")], c)],
                   [("b", idx[("outcome", "s2")], c), ("b", idx[("outcome", "s3")], c)])
        a.relation([("b", idx[("rate", "admission")], c)],
                   [("b", idx[("outcome", m)], c) for m in ("informal", "s2", "s3")])
        a.relation([("b", idx[("rate", "nfa")], c)], [("b", idx[("outcome", "nfa")], c)])
        a.totals_over_keys("b", ["kind", "measure"], c)
    assert a.run() == []


# ------------------------------------------------------------------------------- s136_summary

def _s136_attack(s, truth, *, groups):
    """The published S136Summary against the unsuppressed one: the tables are one publication.
    ``groups``: the ``by`` column (None, one name, or several names: then each column summed out
    given the others is a published total too, as an analyst publishing the summary by each also
    publishes them)."""
    keys = [] if groups is None else [groups] if isinstance(groups, str) else list(groups)
    pub = s.published()
    a = Attack()
    for name, counts in (("outcomes", ["count", "assessed"]), ("rates", ["count", "assessed"]),
                         ("place_of_safety", ["count", "known"]), ("durations", ["n", "censored", "over_24h", "over_36h"]),
                         ("flags", ["child_in_police_station", "over_24h_without_extension", "over_36h", "detentions"])):
        a.table(name, getattr(pub, name), getattr(truth, name), counts)
    ex_pub = pd.DataFrame([pub.excluded])
    ex_true = pd.DataFrame([truth.excluded])
    a.table("excluded", ex_pub, ex_true, list(truth.excluded))
    n_groups = len(truth.flags)
    unknowns, not_known = [], []
    for g in range(n_groups):
        o = [("outcomes", 5 * g + k, "count") for k in range(5)]   # informal, s2, s3, referred, nfa
        assessed = ("outcomes", 5 * g, "assessed")
        a.relation(o, [assessed])
        for k in range(5):
            a.relation([("outcomes", 5 * g + k, "assessed")], [assessed])
        for k in range(3):
            a.relation([("rates", 3 * g + k, "assessed")], [assessed])
        a.relation([("rates", 3 * g, "count")], [o[1], o[2]])            # conversion = s2 + s3
        a.relation([("rates", 3 * g + 1, "count")], [o[0], o[1], o[2]])  # admission
        a.relation([("rates", 3 * g + 2, "count")], [o[4]])              # nfa
        p = [("place_of_safety", 4 * g + k, "count") for k in range(4)]
        known = ("place_of_safety", 4 * g, "known")
        a.relation(p, [known])
        for k in range(4):
            a.relation([("place_of_safety", 4 * g + k, "known")], [known])
        det = ("flags", g, "detentions")
        where = " (" + ", ".join(f"{k}={truth.flags[k][g]}" for k in keys) + ")" if keys else ""
        lat = {k: ("difference", None, k + where) for k in (
            "unknown outcomes", "place not known", "completed within 24 h", "between 24 and 36 h",
            "over 24 h with an extension", "adults taken to a police station")}
        unk = a.latent_cell(lat["unknown outcomes"], truth.flags.detentions[g] - truth.outcomes.assessed[5 * g])
        nk = a.latent_cell(lat["place not known"], truth.flags.detentions[g] - truth.place_of_safety.known[4 * g])
        unknowns.append(unk)
        not_known.append(nk)
        a.relation([assessed, unk], [det])
        a.relation([known, nk], [det])
        a.relation([("durations", g, "n"), ("durations", g, "censored")], [det])
        a.relation([("durations", g, "over_36h")], [("flags", g, "over_36h")])
        a.subset(("durations", g, "over_24h"), ("durations", g, "n"), lat["completed within 24 h"])
        a.subset(("durations", g, "over_36h"), ("durations", g, "over_24h"), lat["between 24 and 36 h"])
        a.subset(("flags", g, "over_24h_without_extension"), ("durations", g, "over_24h"),
                 lat["over 24 h with an extension"])
        a.subset(("flags", g, "child_in_police_station"), p[2], lat["adults taken to a police station"])
    a.relation([("excluded", 0, "unknown_outcome")], unknowns)
    a.relation([("excluded", 0, "place_not_known")], not_known)
    a.relation([("excluded", 0, "censored_durations")], [("durations", g, "censored") for g in range(n_groups)])
    groupings = [list(range(n_groups))]
    for k in keys if len(keys) > 1 else []:  # each column summed out given the others
        lab = truth.flags[[c for c in keys if c != k]].astype(str).agg("|".join, axis=1).to_numpy()
        groupings += [list(np.flatnonzero(lab == v)) for v in dict.fromkeys(lab)]
    for gs in groupings:
        if len(gs) < 2:
            continue
        for name, per, cols in (("outcomes", 5, ["count"]), ("rates", 3, ["count"]), ("place_of_safety", 4, ["count"]),
                                ("durations", 1, ["n", "censored", "over_24h", "over_36h"]),
                                ("flags", 1, ["child_in_police_station", "over_24h_without_extension", "detentions"])):
            for j in range(per):
                for c in cols:
                    a.total((name, g * per + j, c) for g in gs)
        a.total(("outcomes", 5 * g, "assessed") for g in gs)
        a.total(("place_of_safety", 4 * g, "known") for g in gs)
    found = a.run()
    for name, den in (("outcomes", "assessed"), ("rates", "assessed"), ("place_of_safety", "known")):
        found += a.derived(name, denominator={"count": den}, derived=["percent", "lower", "upper"])
    found += a.derived("durations", derived=["median_hours", "q1_hours", "q3_hours", "mean_hours", "over_24h_percent"],
                       counts=["n"])
    found += a.derived("durations", derived=["over_24h_percent"], counts=["over_24h"])
    return found


@st.composite
def s136_records(draw):
    n = draw(st.integers(20, 160))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    recs = saferstats.synthetic.s136_pilot_records(seed=int(rng.integers(1 << 30))).sample(
        n, random_state=int(rng.integers(1 << 30))).reset_index(drop=True)
    k = draw(st.integers(1, 3))
    recs["area"] = rng.choice(["North", "South", "East"][:k], size=n)
    return recs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s136_records(), st.sampled_from([None, "area"]))
def test_s136_summary_resists_every_attack(recs, by):
    """Issue 16.2: primary-only suppression let a hidden s2 = conversions - s3; durations.over_36h
    printed what flags.over_36h hid. Now the five tables are one publication."""
    truth = saferstats.s136_summary(recs, by=by, disclosure=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        s = saferstats.s136_summary(recs, by=by)
    found = _s136_attack(s, truth, groups=by)
    exposed = {(u[0], None if u[0] == "excluded" else u[1], u[2]) for u in s.unprotected}
    assert [f for f in found if (f.cell[0], None if f.cell[0] == "excluded" else f.cell[1], f.cell[2])
            not in exposed] == [], found
    # over_36h is one number in two tables: hidden in both or neither
    assert (s.suppressed["durations"]["over_36h"].to_numpy() == s.suppressed["flags"]["over_36h"].to_numpy()).all()


def test_s136_summary_conversion_attack_example():
    recs = saferstats.synthetic.s136_pilot_records(seed=3).iloc[:200].copy()
    s3 = np.flatnonzero(recs.outcome == "Detained under section 3")
    recs = recs.drop(recs.index[s3[3:]]).reset_index(drop=True)  # 3 detained under s3
    truth = saferstats.s136_summary(recs, disclosure=False)
    assert 0 < truth.outcomes.set_index("outcome").loc["s3", "count"] < 5
    s = saferstats.s136_summary(recs)
    o = s.published().outcomes.set_index("outcome")
    r = s.published().rates.set_index("measure")
    assert o.loc["s3", "count"] == C
    # conversions - s2 would give s3 back: one of them is hidden too
    assert C in (o.loc["s2", "count"], r.loc["conversion", "count"])
    assert _s136_attack(s, truth, groups=None) == []


def test_s136_summary_numbers_stay_numeric():
    """Issue 18.11: with nothing to hide the tables keep numeric dtypes (the report printed
    20.061412 from an object column); markers only in .published()."""
    recs = saferstats.synthetic.s136_pilot_records(seed=136)
    s = saferstats.s136_summary(recs)
    for name in ("outcomes", "rates", "place_of_safety", "durations", "flags"):
        t = getattr(s, name)
        for c in t.columns:
            if c not in ("outcome", "label", "measure", "place_of_safety"):
                assert pd.api.types.is_numeric_dtype(t[c]), (name, c, t[c].dtype)
    assert pd.api.types.is_float_dtype(s.rates["percent"])
    hidden = s.suppressed["flags"]
    assert hidden.to_numpy().any()  # the 2 over 24 h with an extension: noext = over_24h - 2 is hidden
    pub = s.published()
    assert (pub.flags["over_24h_without_extension"] == C).all()
    assert s.flags["over_24h_without_extension"].isna().all()


def test_s136_summary_repr_shows_every_part_as_a_headline():
    """Issue 18.15: the headline of each part, not long tables of zeros."""
    recs = saferstats.synthetic.s136_pilot_records(seed=136)
    s = saferstats.s136_summary(recs)
    text = repr(s)
    for part in ("unknown outcome", "conversion %", "admission %", "nfa %", "police station %", "median hours (IQR)",
                 "children in police station", "over 36 h", "20.1 (17.7–22.7)", "9.2 (6.0–14.1)",
                 "outcomes % (informal/s2/s3/referred/nfa)", "place % (health-based/A&E/police/other)", "63.2/29.0/5.8/1.9"):
        assert part in text, part
    assert len(text.splitlines()) <= 4
    page = s._repr_html_()
    assert "<table" in page and "conversion %" in page and "<details>" in page
    by = saferstats.s136_summary(recs.assign(area=np.where(np.arange(len(recs)) % 2, "A", "B")), by="area",
                                 disclosure=False)
    assert len(repr(by).splitlines()) == 4  # title, header, one line per group


@pytest.mark.parametrize("kwargs, arg", [
    ({"threshold": True}, "threshold"), ({"threshold": 0}, "threshold"), ({"confidence": 101}, "confidence"),
    ({"disclosure": "yes"}, "disclosure"), ({"quantile_method": "type7"}, "quantile_method"),
    ({"columns": {"outcome": 5}}, "columns"), ({"columns": {"colour": "x"}}, "columns"), ({"by": 5}, "by"),
])
def test_s136_summary_bad_options_are_named(kwargs, arg):
    recs = saferstats.synthetic.s136_pilot_records(seed=1)
    with pytest.raises(InvalidInputError) as e:
        saferstats.s136_summary(recs, **kwargs)
    assert e.value.argument == arg
    with pytest.raises(InvalidInputError, match="DataFrame"):
        saferstats.s136_summary([1, 2])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_suppress_never_raises_anything_but_a_named_error(data):
    """Issue 16.8: any table, any options -> a result or a SaferstatsError naming the argument."""
    n = data.draw(st.integers(0, 6))
    value = st.one_of(st.integers(-3, 60), st.floats(allow_nan=True, allow_infinity=True), st.none(),
                      st.text(max_size=3), st.booleans(), st.just("[c]"))
    cols = data.draw(st.lists(st.sampled_from(["count", "n", "hits", "total", "rate", "area", "x", "population",
                                               "successes", "trials", "count_from", "count_to"]),
                              min_size=1, max_size=4, unique=True))
    t = pd.DataFrame({c: [data.draw(value) for _ in range(n)] for c in cols})
    kwargs = data.draw(st.fixed_dictionaries({}, optional={
        "threshold": st.one_of(st.integers(-1, 10), st.floats(allow_nan=True), st.text(max_size=2)),
        "secondary": st.one_of(st.booleans(), st.integers(0, 2)),
        "round_to": st.one_of(st.none(), st.integers(-1, 10)),
        "columns": st.lists(st.sampled_from(cols + ["nope"]), max_size=2),
        "keys": st.lists(st.sampled_from(cols), max_size=2),
        "zeros": st.booleans(),
    }))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = suppress(t, **kwargs)
        except saferstats.SaferstatsError as e:
            assert e.argument is not None and "np." not in str(e)
            return
    assert len(out) == len(t) and list(out.columns) == list(t.columns)


def test_zeros_protect_only_as_a_last_resort_and_never_pin():
    """A column of zeros and one 1 under a published total: a hidden zero beside it keeps the 1
    from being worked back (the attacker cannot tell which hidden cell is the 1); zeros are never
    used where positive cells can protect, and never where linear programming would pin."""
    t = pd.DataFrame({"area": list("ABCDE"), "x": [0, 0, 1, 0, 0]})
    s = suppress(t)
    assert s.loc[2, "x"] == C and (s["x"] == C).sum() == 2 and not s.attrs["unprotected"]
    assert totals_attack_on_suppressed(s, t, ["x"], ["area"]) == []
    t2 = pd.DataFrame({"area": list("ABCD"), "x": [0, 3, 40, 52]})
    s2 = suppress(t2)
    assert s2.loc[0, "x"] == 0 and s2.loc[2, "x"] == C  # the smallest positive partner, not the zero
    t3 = pd.DataFrame({"area": ["A", "B"], "x": [0, 1], "y": [0, 0]})  # any partner cycle is pinned
    with pytest.warns(SaferstatsWarning):
        s3 = suppress(t3)
    found = {f.cell for f in totals_attack_on_suppressed(s3, t3, ["x", "y"], ["area"], row_totals=True)}
    assert found <= unprotected(s3) and ("t", 1, "x") in unprotected(s3)


# ------------------------------------------------------------- subtotal rows and count labels

def _nhs_ethnicity() -> pd.DataFrame:
    # NHS England MHA Annual Figures 2023-24, Section 136, ethnicity, all submissions (the shape of
    # the published table: broad groups are the totals of their detailed groups)
    rows = {"British": 9670, "Irish": 94, "Any Other White background": 719, "White": 10483,
            "White and Asian": 57, "White and Black African": 54, "White and Black Caribbean": 170,
            "Any Other Mixed background": 269, "Mixed": 550, "Chinese": 38, "Any Other Ethnic Group": 423,
            "Other Ethnic Groups": 461}
    return pd.DataFrame({"breakdown": list(rows), "count": list(rows.values())})


NHS_TOTALS = {"White": ["British", "Irish", "Any Other White background"],
              "Mixed": ["White and Asian", "White and Black African", "White and Black Caribbean",
                        "Any Other Mixed background"],
              "Other Ethnic Groups": ["Chinese", "Any Other Ethnic Group"]}


def test_subtotal_rows_named_in_totals_do_not_give_hidden_counts_back():
    t = _nhs_ethnicity()
    # without totals=: Chinese (38 < 60) is hidden but Other Ethnic Groups - Any Other = 38; the
    # warning names that relation (and the Mixed one)
    with pytest.warns(SaferstatsWarning, match=r"'Other Ethnic Groups' \(461\) = 'Chinese' 38 \+ "
                                               r"'Any Other Ethnic Group' 423") as w:
        s0 = suppress(t, threshold=60)
    assert "'Mixed' (550)" in str(w[0].message)
    assert is_hidden(s0["count"][9]) and not is_hidden(s0["count"][10]) and not is_hidden(s0["count"][11])
    # with totals=: an independent attacker who knows every subtotal relation and the column total
    # recovers nothing
    s1 = suppress(t, threshold=60, totals=NHS_TOTALS)

    def attack(published: pd.DataFrame) -> list:
        a = Attack()
        a.table("t", published, t, ["count"])
        lab = dict(zip(t["breakdown"], t.index))
        for total, parts in NHS_TOTALS.items():
            a.relation([("t", lab[p], "count") for p in parts], [("t", lab[total], "count")])
        a.totals_over_keys("t", ["breakdown"], "count")
        return a.run(60)

    assert [f.cell for f in attack(s0)] == [("t", 9, "count")]   # Chinese = 461 - 423
    assert attack(s1) == []
    assert hidden_mask(s1, "count").sum() > hidden_mask(s0, "count").sum()
    # totals={} says there are none: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        suppress(t, threshold=60, totals={})
    with pytest.raises(InvalidInputError, match="no column of the table has all of the labels") as e:
        suppress(t, totals={"Asian": ["Indian"]})
    assert e.value.argument == "totals"
    with pytest.raises(InvalidInputError, match="must map the label of a total row"):
        suppress(t, totals={"White": "British"})


def test_labels_that_depend_on_a_hidden_count_are_blanked():
    # "exact (zero count)" beside a hidden zero gives it away; "katz" / "reference" do not depend
    # on a hidden count in a published row and stay
    t = pd.DataFrame({"group": ["Asian", "Black", "Mixed", "White"], "searches": [0, 3, 40, 259],
                      "population": [7852, 2000, 9000, 505482],
                      "ratio_method": ["exact (zero count)", "exact", "katz", "reference"],
                      "reliable": [False, False, True, True], "like_for_like": [True] * 4})
    s = suppress(t, zeros=True)
    hid = hidden_mask(s, "searches")
    assert hid[0] and hid[1] and not hid[3]
    assert all(is_hidden(v) for v in s.loc[hid, "ratio_method"]) and all(is_hidden(v) for v in s.loc[hid, "reliable"])
    assert s.loc[~hid, "ratio_method"].tolist() == t.loc[~hid, "ratio_method"].tolist()
    assert s["like_for_like"].tolist() == [True] * 4   # not a function of the counts
    assert {(d["column"], d["rule"]) for d in s.attrs["suppression"] if d["row"] == 0} >= {("ratio_method", "derived")}

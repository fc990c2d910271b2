"""Hypothesis properties of the Python API (intervals contain estimates; pandas round-trips)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import saferstats

counts = st.integers(min_value=0, max_value=1_000_000)
pops = st.floats(min_value=1.0, max_value=1e8, allow_nan=False)
confs = st.floats(min_value=0.5, max_value=0.9999)


@settings(max_examples=200, deadline=None)
@given(x=counts, n=pops, conf=confs, method=st.sampled_from(["phe", "exact", "byar"]))
def test_rate_interval_contains_rate(x, n, conf, method):
    r = saferstats.rate_ci(x, n, confidence=conf, method=method).iloc[0]
    # Byar's lower limit is NaN for tiny counts at very high confidence (PHE; docs/methods/rates.md A1)
    if method == "byar" and np.isnan(r["lower"]):
        assert x < 10 and r["rate"] <= r["upper"]
        return
    assert r["lower"] <= r["rate"] * (1 + 1e-12) and r["rate"] <= r["upper"]
    assert r["lower"] >= 0


@settings(max_examples=200, deadline=None)
@given(x=st.integers(0, 10_000), extra=st.integers(0, 10_000), conf=confs)
def test_wilson_inside_unit_interval(x, extra, conf):
    n = max(x + extra, 1)
    r = saferstats.proportion_ci(x, n, confidence=conf).iloc[0]
    assert 0 <= r["lower"] <= r["value"] <= r["upper"] <= 1


@settings(max_examples=50, deadline=None)
@given(xs=st.lists(counts, min_size=1, max_size=50))
def test_vectorised_equals_row_by_row_and_keeps_index(xs):
    idx = pd.Index([f"area{i}" for i in range(len(xs))])
    s = pd.Series(xs, index=idx)
    whole = saferstats.rate_ci(s, 50_000)
    assert list(whole.index) == list(idx)
    for i, x in enumerate(xs):
        one = saferstats.rate_ci(x, 50_000).iloc[0]
        np.testing.assert_array_equal(whole.iloc[i][["rate", "lower", "upper"]].astype(float),
                                      one[["rate", "lower", "upper"]].astype(float))


@settings(max_examples=100, deadline=None)
@given(a=st.integers(1, 5000), b=st.integers(1, 5000))
def test_ratio_of_swapped_groups_is_reciprocal(a, b):
    ab = saferstats.rate_ratio(a, 1e5, b, 2e5).iloc[0]
    ba = saferstats.rate_ratio(b, 2e5, a, 1e5).iloc[0]
    assert np.isclose(ab["ratio"] * ba["ratio"], 1.0, rtol=1e-12)
    assert np.isclose(ab["lower"] * ba["upper"], 1.0, rtol=1e-12)
    assert np.isclose(ab["p_value"], ba["p_value"], rtol=1e-9)


finite_or_not = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**6), max_value=10**12),
)


@settings(max_examples=300, deadline=None)
@given(x=finite_or_not, n=finite_or_not, conf=st.floats(allow_nan=True, allow_infinity=True),
       method=st.sampled_from(["phe", "exact", "byar"]))
def test_no_input_reaches_a_panic(x, n, conf, method):
    """Any number at all gives a result or a SaferstatsError, never a Rust panic."""
    for call in (
        lambda: saferstats.rate_ci(x, n, confidence=conf, method=method),
        lambda: saferstats.proportion_ci(x, n, confidence=conf),
        lambda: saferstats.rate_ratio(x, n, n, x, confidence=conf, method="exact"),
        lambda: saferstats.proportion_difference(x, n, x, n, confidence=conf),
    ):
        try:
            call()
        except saferstats.SaferstatsError:
            pass


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.integers(min_value=-(2**62), max_value=2**62)),
        min_size=0,
        max_size=200,
    )
)
def test_month_codes_equal_pandas_factorize_of_calendar_months(values):
    """The reader's `month` column: the Rust civil-calendar conversion against numpy's
    datetime64[M] and pandas' sorted factorize (NaT -> -1), over +-146 years around 1970."""
    from saferstats import _saferstats as ext

    ns = np.array([np.iinfo(np.int64).min if v is None else v for v in values], dtype=np.int64)
    res = ext.month_codes(ns)
    codes, labels = res["codes"], res["labels"]
    ref_codes, ref_months = pd.factorize(ns.view("datetime64[ns]").astype("datetime64[M]"), sort=True)
    np.testing.assert_array_equal(codes, ref_codes)
    assert labels == [str(m)[:7] for m in ref_months]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["essex", "kent", "herts", None]),
            st.sampled_from(["2019-01", "2019-02", None]),
            st.sampled_from(["White", "Black", "Asian", None]),
            st.booleans(),
        ),
        min_size=1,
        max_size=80,
    )
)
def test_count_by_codes_equals_pandas_filtered_groupby(rows):
    """The record-level counting of disproportionality() against pandas' own filter + groupby:
    same rows in the same order, same categorical keys (incl. missing keys and unused
    categories), same counts."""
    from saferstats._frames import count_by_codes

    cats = {"force": ["essex", "herts", "kent", "surrey"], "month": ["2019-01", "2019-02"],
            "eth": ["Asian", "Black", "White"]}
    df = pd.DataFrame({k: pd.Categorical([r[i] for r in rows], categories=c) for i, (k, c) in enumerate(cats.items())})
    use = np.array([r[3] for r in rows])
    got = count_by_codes(df, list(cats), use)
    ref = df[use].groupby(list(cats), dropna=False, observed=True).size().rename("size").reset_index()
    pd.testing.assert_frame_equal(got, ref, check_dtype=False)
    assert all(got[k].dtype == df[k].dtype for k in cats)

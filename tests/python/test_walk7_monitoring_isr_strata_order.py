"""Walk 7 (monitoring): isr/israte with reference values given per stratum tiled them over the rows
of ``data`` in file order, not within each group.

The docstring says ``x_ref``/``n_ref`` are "one value per stratum in the order the strata appear in
each group". With the rows grouped by area that worked; with the same table sorted by stratum (as
``pd.melt`` of a wide table or ``sort_values("ageband")`` gives it) each area's rows were matched to
the wrong strata: on PHEindicatormethods' own test data (testdata_multiarea_isr) the expected count
of every area was wrong, silently (testdata_big 1,181.0 instead of 835.9, ratio 0.758 instead of
1.071). Reference values are now
taken by each row's position within its group. And a Series labelled by stratum
(``refdata.set_index("Age Band")["refcount"]``) is checked against the column of ``data`` holding
those labels: a group listing its strata in another order is an InvalidInputError naming the
argument and row, not wrong expected counts.

Reference: PHEindicatormethods 2.1.0 testresults_ISR (tests/fixtures/monitoring_isr_reference.json,
made by tests/fixtures/generate_monitoring_isr_fixtures.py).
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import load_fixture

import saferstats
from saferstats import InvalidInputError

ISR = load_fixture("monitoring_isr_reference.json")


def _phe():
    df = pd.DataFrame(ISR["data"])
    ref = pd.DataFrame(ISR["refdata"])
    res = pd.DataFrame(ISR["results"])
    want = res[(res["statistic"] == "indirectly standardised ratio x 1") & res["area"].str.startswith("testdata")]
    return df, ref, want.set_index("area")


def _stratum_major(df):
    # the same rows, each area's strata in the same order, but the areas interleaved: all first
    # strata, then all second strata, ... (what pd.melt of a wide table gives)
    k = df.groupby("area", sort=False).cumcount()
    return df.assign(_k=k).sort_values(["_k", "area"], kind="stable").drop(columns="_k").reset_index(drop=True)


def test_stratum_major_rows_give_phes_results():
    df, ref, want = _phe()
    long = _stratum_major(df)
    assert long["area"].iloc[0] != long["area"].iloc[1]  # interleaved
    for xr, nr in ((ref["refcount"], ref["refpop"]), (ref["refcount"].tolist(), ref["refpop"].tolist())):
        got = saferstats.isr(long, x="count", n="pop", x_ref=xr, n_ref=nr, by="area").set_index("area")
        for area in want.index:
            assert got.loc[area, "expected"] == pytest.approx(want.loc[area, "expected"], rel=1e-12)
            assert got.loc[area, "ratio"] == pytest.approx(want.loc[area, "value"], rel=1e-12)
            assert got.loc[area, "lower"] == pytest.approx(want.loc[area, "lower95_0cl"], rel=1e-8)
            assert got.loc[area, "upper"] == pytest.approx(want.loc[area, "upper95_0cl"], rel=1e-8)
    rate = saferstats.israte(long, x="count", n="pop", x_ref=ref["refcount"], n_ref=ref["refpop"], by="area")
    phe = pd.DataFrame(ISR["results"])
    phe = phe[phe["statistic"] == "indirectly standardised rate per 100000"].set_index("area")
    for _, row in rate.iterrows():
        assert row["rate"] == pytest.approx(phe.loc[row["area"], "value"], rel=1e-12)


def test_a_group_in_another_order_is_an_error_when_the_reference_is_labelled():
    df, ref, want = _phe()
    labelled_x = ref.set_index("Age Band")["refcount"]
    labelled_n = ref.set_index("Age Band")["refpop"]
    # labels in the same order as every group's rows: the PHE result
    got = saferstats.isr(df, x="count", n="pop", x_ref=labelled_x, n_ref=labelled_n, by="area").set_index("area")
    assert got.loc["testdata_big", "expected"] == pytest.approx(want.loc["testdata_big", "expected"], rel=1e-12)
    # one area with two strata swapped
    rows = df.index[df["area"] == "testdata_small"][:2]
    swapped = df.copy()
    swapped.loc[rows] = df.loc[rows[::-1]].to_numpy()
    with pytest.raises(InvalidInputError, match="`x_ref` is labelled by stratum") as e:
        saferstats.isr(swapped, x="count", n="pop", x_ref=labelled_x, n_ref=labelled_n, by="area")
    assert e.value.argument == "x_ref" and e.value.index == int(rows[0])
    assert "ageband='5-9'" in str(e.value) and "'0-4'" in str(e.value)

"""Session 15 (walk 15): every error and warning of rates.py names the caller's row label (and
``.position``) when the input has its own index — dsr's rows with no group, a labelled population
beside a list of counts, a bad ``ages`` label — and the position when it has none."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.rates import ESP2013

BANDS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59",
         "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]


def _two_areas() -> pd.DataFrame:
    return pd.DataFrame({"area": ["A"] * 19 + ["B"] * 19, "band": BANDS * 2, "count": [5.0] * 38,
                         "pop": [1000.0] * 38}, index=[f"k{i}" for i in range(38)])


def _run(*args, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = saferstats.dsr(*args, **kw)
    return out, [str(x.message) for x in w]


@pytest.mark.parametrize("func, args, argument", [
    (saferstats.rate_ci, ("c", "p"), "count"),
    (saferstats.proportion_ci, ("c", "p"), "successes"),
    (saferstats.rate_ratio, ("c", "p", "c2", "p2"), "count_a"),
    (saferstats.percent_change, ("c", "p", "c2", "p2"), "count_a"),
    (saferstats.proportion_difference, ("c", "p", "c2", "p2"), "successes_a"),
])
def test_every_rates_function_names_the_row_label(func, args, argument):
    idx = list("abcd")
    data = {"c": pd.Series([1.0, 2.0, -1.0, 3.0], index=idx), "p": pd.Series([10.0] * 4, index=idx),
            "c2": pd.Series([1.0] * 4, index=idx), "p2": pd.Series([10.0] * 4, index=idx)}
    with pytest.raises(saferstats.InvalidInputError, match=rf"`{argument}` at row 'c'") as e:
        func(*(data[a] for a in args))
    assert (e.value.index, e.value.position) == ("c", 2)


def test_dsr_core_error_names_the_label_of_a_labelled_population_beside_a_list():
    d = _two_areas()
    d.loc["k25", "pop"] = 0
    with pytest.raises(saferstats.InvalidInputError,
                       match=r"group 'B': invalid value in `populations` at row 'k25': 0") as e:
        saferstats.dsr(list(d["count"]), d["pop"], groups=d["area"])
    assert (e.value.index, e.value.position) == ("k25", 25)
    with pytest.raises(saferstats.InvalidInputError, match=r"`populations` at position 25: 0") as e:
        saferstats.dsr(list(d["count"]), list(d["pop"]), groups=list(d["area"]))
    assert e.value.position == 25


def test_dsr_rows_without_a_group_are_named_by_label():
    d = _two_areas()
    d.loc[["k3", "k30"], "area"] = None  # each area keeps 18 rows: 18 given weights
    out, msgs = _run(d["count"], d["pop"], groups=d["area"], standard=[1.0] * 18)
    assert any("2 rows have no group (rows 'k3', 'k30')" in m for m in msgs), msgs
    assert out.attrs["excluded"]["missing_group"] == 2
    _, msgs = _run(list(d["count"]), list(d["pop"]), groups=list(d["area"]), standard=[1.0] * 18)
    assert any("2 rows have no group (position 3, 30)" in m for m in msgs), msgs


def test_dsr_missing_count_named_by_the_label_of_any_labelled_argument():
    d = _two_areas()
    d.loc["k30", "count"] = np.nan
    _, msgs = _run(list(d["count"]), d["pop"], groups=d["area"])
    assert any("taken as 0, as PHE does (first at row 'k30') (first in group 'B')" in m for m in msgs), msgs
    _, msgs = _run(list(d["count"].iloc[19:]), list(d["pop"].iloc[19:]))
    assert any("taken as 0, as PHE does (first at position 11)" in m for m in msgs), msgs


def test_dsr_ages_errors_carry_the_position():
    d = _two_areas()
    bad = d["band"].where(d.index != "k21", "zz")
    with pytest.raises(saferstats.InvalidInputError, match=r"`ages` at row 'k21': 'zz' is not an age band") as e:
        saferstats.dsr(d["count"], d["pop"], groups=d["area"], ages=bad)
    assert (e.value.argument, e.value.index, e.value.position) == ("ages", "k21", 21)
    twice = d["band"].where(d.index != "k30", "5-9")
    with pytest.raises(saferstats.InvalidInputError, match=r"'5-9' at row 'k20' and '5-9' at row 'k30'") as e:
        saferstats.dsr(d["count"], d["pop"], groups=d["area"], ages=twice)
    assert (e.value.index, e.value.position) == ("k30", 30)
    other = d["band"].where(d.index != "k37", "90-94")
    with pytest.raises(saferstats.InvalidInputError, match=r"'90-94' \(row 'k37'\), not one of the ESP 2013") as e:
        saferstats.dsr(d["count"], d["pop"], groups=d["area"], ages=other)
    assert (e.value.index, e.value.position) == ("k37", 37)


def test_dsr_by_label_is_unchanged_by_the_row_labels():
    # the rate itself: PHE's DSR over the ESP 2013 weights, recomputed here (sum of rate x weight / sum weights)
    d = _two_areas()
    d["count"] = np.arange(38, dtype=float) + 1
    out, _ = _run(d["count"], d["pop"], groups=d["area"], ages=d["band"])
    w = np.asarray(ESP2013, dtype=float)
    for area, rows in d.groupby("area"):
        want = float((rows["count"].to_numpy() / rows["pop"].to_numpy() * w).sum() / w.sum() * 100_000)
        assert out.loc[area, "rate"] == pytest.approx(want, rel=1e-12)

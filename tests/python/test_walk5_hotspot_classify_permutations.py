"""hotspot_classify said "no hot or cold spots" on Stevenage ASB (13 months, 500 m cells) with
permutations=99, silently: the smallest permutation p is 1/100 and Holm over a cell's 13 periods
makes the smallest adjusted p 0.13, so nothing could be significant, whatever the data (with 999
permutations the same data give persistent and intermittent hot spots). With 999 permutations the
same happens from 50 periods up (e.g. five years of months). Now a warning says so. Checked: the
Holm adjustment recomputed here (statsmodels multipletests) from the returned p-values never goes
below 0.05 with 99 permutations."""

import warnings
from unittest import mock

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import herts_street_points


@pytest.fixture(scope="module")
def stevenage(shared_data):
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    inside = np.asarray(saferstats.StudyArea("Stevenage").contains_xy(x, y), dtype=bool)
    return month[inside], x[inside], y[inside]


def test_too_few_permutations_for_holm_is_warned(stevenage):
    multipletests = pytest.importorskip("statsmodels.stats.multitest").multipletests
    month, x, y = stevenage
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = saferstats.hotspot_classify(x, y, month, cell_size=500, permutations=99, seed=1, study_area="Stevenage")
    msgs = [str(m.message) for m in w if issubclass(m.category, SaferstatsWarning)]
    # two-sided since session 15 (twice esda's folded p_sim, as the normal path's p of z): 2/(99+1)
    assert any("smallest (two-sided) p-value is 0.02" in m and "0.26" in m and "no cell can be a significant" in m
               and "permutations >= 520" in m for m in msgs), msgs
    per = r.periods.dropna(subset=["p_value"])
    # statsmodels' Holm runs gc.collect() on every call (0.13 s each on this test alone, 110 cells: 14 of its
    # 20 s; more in the whole suite's heap); a collection changes no p-value, so it is skipped here
    with mock.patch("gc.collect"):
        adj = [multipletests(g["p_value"].to_numpy(), method="holm")[1].min() for _, g in per.groupby("cell")]
    assert min(adj) >= 0.05 and (r.cells["hotspot_category"].isin(["no pattern", "outside study area"])).all()


def test_enough_permutations_are_quiet(stevenage):
    month, x, y = stevenage
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = saferstats.hotspot_classify(x, y, month, cell_size=500, permutations=999, seed=1, study_area="Stevenage")
    assert not any("no cell can be a significant" in str(m.message) for m in w)
    assert (r.cells["hot_periods"] > 0).any()


def test_fifty_periods_at_the_default():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 2000, 5000), rng.uniform(0, 2000, 5000)
    period = np.arange(5000) % 50
    # the smallest two-sided permutation p with 999 draws is 2/1000: Holm over 50 periods gives 0.1
    with pytest.warns(SaferstatsWarning, match=r"Holm adjustment over 50 periods makes the smallest adjusted p 0.1,"):
        saferstats.hotspot_classify(x, y, period, cell_size=500, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.hotspot_classify(x, y, period, cell_size=500, seed=1, permutations=0)

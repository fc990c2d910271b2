"""Session 20 (lead): the result tables that are DataFrames with a headline (``ClusterTable``,
``KnoxTable``, ``PaiTable``) had no ``to_pandas()``, which every other result has: code written for
results (``r.to_pandas()``) failed on them with an AttributeError."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

import saferstats


def _check(t: pd.DataFrame) -> None:
    plain = t.to_pandas()
    assert type(plain) is pd.DataFrame
    pd.testing.assert_frame_equal(plain, pd.DataFrame(t))
    assert plain.attrs.keys() == t.attrs.keys()
    plain.iloc[0, 0] = None  # a copy: the result is unchanged
    assert not pd.DataFrame(t).equals(plain) or len(t) == 0


def test_tables_with_a_headline_give_a_plain_dataframe() -> None:
    lat = [51.5, 51.501, 51.5, 51.501, 51.6]
    lon = [-0.12, -0.12, -0.119, -0.119, -0.2]
    clusters = saferstats.cluster_summary(lat, lon, [0, 0, 0, 0, -1])
    assert type(clusters).__name__ == "ClusterTable"
    _check(clusters)
    pai = saferstats.pai([5, 0, 1, 0, 2], [9, 1, 3, 0, 0])
    assert isinstance(pai, saferstats.PaiTable)
    _check(pai)
    rng = np.random.default_rng(1)
    x, y, t = rng.uniform(0, 1000, 60), rng.uniform(0, 1000, 60), rng.uniform(0, 100, 60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        knox = saferstats.knox(x, y, t, distance_bands=[0, 100, 200], time_bands=[0, 7, 14], permutations=99, seed=1)
    assert type(knox).__name__ == "KnoxTable"
    _check(knox)

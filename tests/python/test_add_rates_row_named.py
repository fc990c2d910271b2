"""add_rates names a bad row by its area and period, as poisson_trend does (session 17, lead):
on Defra's 2021/22 table it said "at row 3021" for Hackney's unpublished count, in a table of
3,222 rows; poisson_trend on the same table says "row 37 (Broxbourne, 2012/13)"."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss


def _table() -> pd.DataFrame:
    return pd.DataFrame({"la_name": ["Adur", "Hackney", "Arun"], "period": ["2021/22"] * 3,
                         "incidents": [845.0, np.nan, 1713.0], "population": [64_000.0, 259_956.0, 165_000.0]},
                        index=[3019, 3021, 3022])


def test_missing_count_names_area_and_period():
    with pytest.raises(ss.MissingValueError, match=r"column 'incidents' \(keyword `count`\) at row 3021 "
                       r"\(Hackney, 2021/22\); pass missing=") as e:
        ss.add_rates(_table(), count="incidents")
    assert (e.value.argument, e.value.index, e.value.position) == ("incidents", 3021, 1)


def test_negative_population_names_area_and_period():
    t = _table().fillna({"incidents": 10.0})
    t.loc[3022, "population"] = -5.0
    with pytest.raises(ss.InvalidInputError, match=r"column 'population' at row 3022 \(Arun, 2021/22\)"):
        ss.add_rates(t, count="incidents")


def test_table_without_names_keeps_the_row_label():
    t = _table().drop(columns=["la_name", "period"])
    with pytest.raises(ss.MissingValueError, match=r"at row 3021; pass missing=") as e:
        ss.add_rates(t, count="incidents")
    assert e.value.index == 3021


def test_propagate_still_gives_the_published_rates():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = ss.add_rates(_table(), count="incidents", multiplier=1000, missing="propagate")
    assert np.isnan(r.loc[3021, "rate"]) and r.loc[3019, "rate"] == pytest.approx(845 / 64_000 * 1000)

"""Walk 21 (w21d): a new analyst's hate-crime trends, Census 2021 rates by ward and Section 136
proportions on the files in ``../shared/data`` exactly as published. Each test pins a defect found
on the walk: it failed before the fix and passes after (see ``docs/changelog.md``, session 17).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

HATE = "hate_crime/home_office_by_force_2017-18_2018-19"


def _messages(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, SaferstatsWarning)]


# --- 1. area counts on census_population's long table -------------------------------------------


def test_add_rates_warns_when_ward_counts_sit_on_each_ethnic_group_row(shared_data):
    """police.uk crimes per ward (June 2021, Hertfordshire) merged onto census_population("ward")
    land on each of the ward's five ethnic-group rows: every rate was the ward's count over one
    group's residents (Watford Central: 132 over 521 residents of Other ethnic groups = 253.4 per
    1,000, against 11.6 over its 11,405 residents), with no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        street = saferstats.read_street_crime(shared_data / "street_crime" / "2021-06-hertfordshire-street.csv",
                                              columns=["month", "lsoa_code"])
        lsoa = saferstats.census_population("lsoa")
        ward = saferstats.census_population("ward")
    counts = street.groupby("lsoa_code", observed=True).size().rename("count").reset_index()
    by_ward = (counts.merge(lsoa[["lsoa_code", "ward_code"]].drop_duplicates(), on="lsoa_code")
               .groupby("ward_code", as_index=False)["count"].sum())
    long = by_ward.merge(ward, on="ward_code")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        r = saferstats.add_rates(long, count="count", population="population", multiplier=1000)
    central = r[(r.ward_code == "E05011047") & (r.ethnicity == "Other")].iloc[0]
    assert int(central["count"]) == 132 and int(central["population"]) == 521
    assert round(float(central["rate"]), 1) == 253.4  # the number that must not be published as the ward's rate
    msgs = [m for m in _messages(rec) if "same figure on every ethnic group row" in m]
    assert len(msgs) == 1, _messages(rec)
    assert "253 of 253 areas" in msgs[0] and "sum 'population' over ethnicity" in msgs[0]
    # the right table: summed over ethnicity first, no warning, 11.6 per 1,000
    total = ward.groupby(["ward_code", "ward", "census"], as_index=False)["population"].sum()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        right = saferstats.add_rates(by_ward.merge(total, on="ward_code"), count="count", population="population",
                                     multiplier=1000)
    assert not [m for m in _messages(rec) if "ethnic group row" in m]
    row = right[right.ward_code == "E05011047"].iloc[0]
    assert int(row["population"]) == 11405 and round(float(row["rate"]), 1) == 11.6


def test_add_rates_quiet_for_counts_by_ethnic_group():
    """Counts that differ by ethnic group (rates by group, as intended) give no such warning."""
    df = pd.DataFrame({"force": ["a"] * 3 + ["b"] * 3, "ethnicity": ["Asian", "Black", "White"] * 2,
                       "count": [10, 12, 40, 5, 6, 30], "population": [1000, 800, 9000, 700, 500, 8000]})
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.add_rates(df)
    assert not [m for m in _messages(rec) if "ethnic group row" in m]

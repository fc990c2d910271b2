"""Walk 7 (monitoring): a series that starts late or ends early in a many-series call was silent.

Three Rivers crime types, police.uk January 2021 to January 2022, counted the usual way with
``groupby(["crime_type", "month"]).size()``: "Possession of weapons" had no record in January 2021
and "Bicycle theft" none in January 2022, so they have no row for those months. spc() and
unusual_periods() warned about a month missing *inside* a series but not at its ends: the
weapons chart's mean was the mean of 12 months (47/12 = 3.9) not 13 (47/13 = 3.6), with nothing
said, and Bicycle theft's "variation" (the last point's type) was December's beside the other
types' January. Now both functions warn naming those series and their ranges; filling the months
with 0 (as the warning says) gives the 13-month chart, checked against the c chart formula.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

MONTHS = [f"2021-{m:02d}" for m in range(1, 13)] + ["2022-01"]


def _counts(shared_data):
    df = saferstats.read_street_crime(shared_data / "street_crime", columns=["month", "lsoa_name", "crime_type"])
    df = df[df["lsoa_name"].astype(str).str.startswith("Three Rivers ")]
    return df.groupby(["crime_type", "month"], observed=True).size().rename("count").reset_index()


def _messages(record):
    return [str(w.message) for w in record if issubclass(w.category, SaferstatsWarning)]


@pytest.mark.parametrize("fn", ["spc", "unusual_periods"])
def test_series_ends_missing_are_named(shared_data, fn):
    c = _counts(shared_data)
    weapons = c[c["crime_type"] == "Possession of weapons"]
    assert weapons["month"].astype(str).tolist() == MONTHS[1:]
    kw = {"chart": "c"} if fn == "spc" else {"baseline": 6}
    with pytest.warns(SaferstatsWarning) as rec:
        getattr(saferstats, fn)(c["count"], periods=c["month"], by=c["crime_type"], **kw)
    ends = [m for m in _messages(rec) if "start later or end earlier" in m]
    assert len(ends) == 1, _messages(rec)
    assert "(2021-01 to 2022-01)" in ends[0]
    assert "'Possession of weapons' (2021-02 to 2022-01)" in ends[0]
    assert "'Bicycle theft' (2021-01 to 2021-12)" in ends[0]


def test_filled_with_zero_the_chart_has_all_months(shared_data):
    c = _counts(shared_data)
    full = (c.set_index(["crime_type", "month"])["count"]
            .reindex(pd.MultiIndex.from_product([c["crime_type"].cat.categories, c["month"].cat.categories]),
                     fill_value=0)
            .rename_axis(["crime_type", "month"]).reset_index())
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = saferstats.spc(full["count"], periods=full["month"], by=full["crime_type"], chart="c")
    assert not [m for m in _messages(rec) if "start later" in m or "missing" in m]
    w = out[out["series"] == "Possession of weapons"]
    x = full.loc[full["crime_type"] == "Possession of weapons", "count"].to_numpy(float)
    assert len(w) == 13 and x[0] == 0
    cbar = x.mean()
    np.testing.assert_allclose(w["mean"], cbar, rtol=1e-12)
    np.testing.assert_allclose(w["upl"], cbar + 3 * np.sqrt(cbar), rtol=1e-12)


def test_same_ranges_and_single_series_do_not_warn():
    # two series over the same months, one series alone: nothing to say
    a = [5, 6, 7, 8, 5, 6, 7, 8, 5, 6, 7, 8, 9]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        saferstats.spc(a + a, periods=MONTHS + MONTHS, by=["x"] * 13 + ["y"] * 13, chart="c")
        saferstats.spc(a[1:], periods=MONTHS[1:], chart="c")

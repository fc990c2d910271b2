"""Walk-through 3: unusual_periods with the default baseline (12) on a year of police.uk data (City
of London 2023, 12 months) tests nothing and returned a table of NaN with no word; spc([]) failed
with pandas' "All arrays must be of the same length". Monthly counts by the csv module."""

import csv
import warnings
from collections import Counter

import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError, SaferstatsWarning


def _city_monthly(shared_data):
    with open(shared_data / "street_crime" / "city_of_london_2023" / "street.csv", newline="") as fh:
        counts = Counter(r["month"] for r in csv.DictReader(fh, delimiter=";"))
    return pd.Series(counts).sort_index()


def test_a_year_with_the_default_baseline_warns_that_nothing_was_tested(shared_data):
    m = _city_monthly(shared_data)
    assert len(m) == 12 and m.sum() == 9298
    with pytest.warns(SaferstatsWarning, match=r"no period was tested.*baseline=12.*longest series has 12"):
        u = saferstats.unusual_periods(m)
    assert u["p_value"].isna().all()
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        u = saferstats.unusual_periods(m, baseline=6)
    assert u["p_value"].notna().sum() == 6


def test_spc_of_nothing_names_the_argument():
    with pytest.raises(InvalidInputError, match=r"`values` is empty") as e:
        saferstats.spc([])
    assert e.value.argument == "values"

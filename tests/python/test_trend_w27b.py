"""Session 20 (w27b): trend and comparison outputs that were silently misleading.

- year_on_year(population=None) gave the City of London's hate crime counts (79, then 141, the
  Home Office table's #N/A population) in columns named rate_from / rate_to, as if rates.
- compare_trends fitted the count and period columns only, so a comparison across Defra's
  change of reporting basis (Hartlepool, 2019/20 to 2020/21) was neither flagged nor warned of:
  the command line worked around it.
- compare_trends warned that areas "are a fifth or more of the comparator's ... pass
  subtract=True" when the comparator was a council beside them (Defra's councils against
  Hartlepool), which contains none of them.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

HATE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"
DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"


def test_year_on_year_without_population_names_counts_not_rates(shared_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_hate_crime(shared_data / HATE)
    city = t[t.force == "London, City of"]
    got = saferstats.year_on_year(city, count="offences", population=None, period="period", by="force")
    assert not [c for c in got.columns if c.startswith("rate")]
    assert list(got.columns[4:10]) == ["count_from", "count_to", "count_from_lower", "count_from_upper",
                                       "count_to_lower", "count_to_upper"]
    row = got.iloc[0]
    assert (row["count_from"], row["count_to"]) == (79, 141)
    # Byar's interval of the count 141 (no multiplier)
    assert row["count_to_lower"] == pytest.approx(118.686305, rel=1e-6)
    assert row["count_to_upper"] == pytest.approx(166.288943, rel=1e-6)
    assert math.isclose(row["pct_change"], 100 * (141 / 79 - 1), rel_tol=1e-9)
    assert got.attrs["measure"] == "count" and got.attrs["multiplier"] is None
    herts = t[t.force == "Hertfordshire"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rates = saferstats.year_on_year(herts, count="offences", period="period", by="force")
    assert {"rate_from", "rate_to_upper"} <= set(rates.columns) and "count_to_lower" not in rates.columns
    assert rates.attrs["measure"] == "rate per 100,000" and rates.attrs["multiplier"] == 100_000

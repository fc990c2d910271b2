"""Walk-through 5: `shares` by area when an area has no events at all.

A CSP with no hate crime of any strand in a year (a small area: Isles of Scilly, City of London)
stopped `shares(..., by=area)` with "invalid value in `trials` at position 0: 0 (must be greater
than zero)" - an argument the analyst never gave, and no area named. Now the error names the group
and how to leave such groups out; the other groups' shares (after that filter) equal statsmodels'
Wilson interval."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import saferstats


def _table() -> pd.DataFrame:
    return pd.DataFrame({"csp": ["Isles of Scilly"] * 3 + ["Stevenage"] * 3,
                         "strand": ["Race", "Religion", "Disability"] * 2, "count": [0, 0, 0, 120, 9, 21]})


def test_an_area_with_no_events_is_named():
    with pytest.raises(saferstats.InvalidInputError, match=r"group \{'csp': 'Isles of Scilly'\} has no events in "
                       r"column 'count'.*transform\('sum'\) > 0") as err:
        saferstats.shares(_table(), category="strand", by="csp")
    assert "trials" not in str(err.value) and err.value.argument == "count"


def test_the_suggested_filter_gives_wilson_shares():
    df = _table()
    kept = df[df.groupby("csp")["count"].transform("sum") > 0]
    out = saferstats.shares(kept, category="strand", by="csp")
    lo, hi = proportion_confint(kept["count"], 150, method="wilson")
    np.testing.assert_allclose(out["lower"], 100 * lo, rtol=1e-12)
    np.testing.assert_allclose(out["upper"], 100 * hi, rtol=1e-12)


def test_no_events_at_all_without_by():
    with pytest.raises(saferstats.InvalidInputError, match="adds up to 0"):
        saferstats.shares(_table().iloc[:3], category="strand")

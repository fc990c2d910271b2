"""A rate funnel given a population where the rate goes (session 17, lead, walking Defra's table as
published): ``rate_funnel_significance(d["incidents"], d["mid_population_estimates"])`` stopped with
"invalid value in `denominators` at position 133: 0" — an argument the analyst never passed, at a
position, for the Isles of Scilly's 0 incidents at a "rate" of 2,271. Now the error names `rates`,
the row label, and the likely slip."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

import saferstats as ss


def test_no_events_at_a_positive_rate_names_the_row_and_the_slip():
    counts = pd.Series([120.0, 0.0, 45.0], index=["Adur", "Isles of Scilly", "Arun"])
    populations = pd.Series([64_000.0, 2_271.0, 165_000.0], index=counts.index)
    with pytest.raises(ss.InvalidInputError, match=r"`rates` row 'Isles of Scilly': no events .* at a rate of "
                       r"2271.*rates per `multiplier` \(1000\)\? The second argument is the rate, not the population") as e:
        ss.rate_funnel_significance(counts, populations, multiplier=1000)
    assert e.value.argument == "rates" and e.value.index == "Isles of Scilly"
    with pytest.raises(ss.InvalidInputError, match="not the population"):
        ss.rate_funnel_limits(counts, populations, multiplier=1000)


def test_the_right_rates_still_work():
    counts = pd.Series([120.0, 0.0, 45.0], index=["Adur", "Isles of Scilly", "Arun"])
    populations = pd.Series([64_000.0, 2_271.0, 165_000.0], index=counts.index)
    rates = counts / populations * 1000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sig = ss.rate_funnel_significance(counts, rates, multiplier=1000, denominators=populations)
    # the same labels as funnel_significance on counts and populations (PHE's exact limits)
    want = ss.funnel_significance(counts, populations, kind="rate", multiplier=1000, overdispersion=False)
    assert sig.tolist() == want.astype(str).tolist()

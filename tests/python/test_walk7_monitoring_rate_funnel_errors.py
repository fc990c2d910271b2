"""Walk 7 (monitoring): rate_funnel_significance's errors on bad rates were unclear or missing.

An analyst building PHE rate funnels of fly-tipping per 1,000 residents from (count, rate) pairs:

* a rate published rounded to 0 with events behind it (2 incidents at "0.0" per 1,000):
  rate_funnel_limits named ``rates`` row 0, but rate_funnel_significance said "invalid value in
  `denominators` at position 0: inf" — an argument the analyst never gave;
* no row with events and a rate: rate_funnel_significance raised about a NaN `target` (another
  argument not given) after a numpy RuntimeWarning;
* an infinite rate (events over a population of 0): rate_funnel_limits drew the funnel from it
  (a derived population of 0 setting the axis) and rate_funnel_significance blamed `denominators`.

Both functions now give the same InvalidInputError naming ``rates`` (or ``numerators``) and the row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError

# Defra fly-tipping 2021/22 incidents of Broxbourne, Dacorum and Stevenage (Flytipping.xlsx, PROVENANCE
# section 4) and their rates per 1,000 residents (Census 2021: 98,983, 155,087, 89,498), plus a
# constructed fourth row: 2 incidents whose rate was published rounded to 0
COUNTS = [1091, 1587, 3223, 2]
RATES = [11.0, 10.2, 36.0, 0.0]
FNS = [saferstats.rate_funnel_limits, saferstats.rate_funnel_significance]


@pytest.mark.parametrize("fn", FNS, ids=lambda f: f.__name__)
def test_events_at_a_zero_rate_name_rates_and_the_row(fn):
    with pytest.raises(InvalidInputError, match=r"`rates` position 3: 2\.0 events at a rate of 0\.0") as e:
        fn(COUNTS, RATES, multiplier=1000)
    assert e.value.argument == "rates" and e.value.index == 3


@pytest.mark.parametrize("fn", FNS, ids=lambda f: f.__name__)
def test_an_infinite_rate_names_rates_and_the_row(fn):
    with pytest.raises(InvalidInputError, match=r"`rates` position 1: value that is not finite") as e:
        fn(COUNTS, [11.0, np.inf, 36.0, 0.5], multiplier=1000)
    assert e.value.argument == "rates" and e.value.index == 1


@pytest.mark.parametrize("fn", FNS, ids=lambda f: f.__name__)
def test_nothing_to_derive_a_denominator_from(fn):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no numpy 0/0 on the way to the error
        with pytest.raises(InvalidInputError, match="no row has events and a rate") as e:
            fn([0, 0], [0.0, 0.0], multiplier=1000)
    assert e.value.argument == "numerators"


def test_valid_rows_still_give_the_phe_baseline():
    # baseline = Σ counts / Σ derived denominators (multiplier × count / rate), PHE's definition
    c, r = COUNTS[:3], RATES[:3]
    t = saferstats.rate_funnel_limits(c, r, multiplier=1000)
    den = [1000 * x / y for x, y in zip(c, r)]
    assert t["baseline"].iloc[0] == pytest.approx(sum(c) / sum(den) * 1000, rel=1e-12)


@pytest.mark.parametrize("fn", FNS, ids=lambda f: f.__name__)
def test_a_series_of_councils_is_named_by_its_label(fn):
    """Session 16: the error names the council a Series is indexed by, not its position."""
    names = ["Broxbourne", "Dacorum", "Hertsmere", "Watford"]
    with pytest.raises(InvalidInputError, match=r"`rates` row 'Watford': 2\.0 events at a rate of 0\.0") as e:
        fn(pd.Series(COUNTS, index=names), pd.Series(RATES, index=names), multiplier=1000)
    assert e.value.index == "Watford" and e.value.position == 3
    with pytest.raises(InvalidInputError, match=r"`numerators` row 'Dacorum': negative value") as e:
        fn(pd.Series([2.0, -1.0, 3.0, 2.0], index=names), pd.Series(RATES, index=names), multiplier=1000)
    assert e.value.index == "Dacorum" and e.value.position == 1

"""Walk 7 (monitoring): a c (u, p) chart took values that are not counts.

``spc(rates, chart="c")`` - burglaries per 1,000 residents given to a c chart - drew Poisson limits
c̄ ± 3√c̄ around rates of about 0.27 (lower limit 0, upper 1.84: every month "common cause", on a
scale that is not a count). A negative count was already an error naming the row; a fractional one
now is too, since Poisson and binomial limits are for counts of events.
"""

from __future__ import annotations

import numpy as np
import pytest

import saferstats
from saferstats import InvalidInputError

# Welwyn Hatfield burglaries 2021-01..2022-01 (police.uk, /work/shared/data/street_crime, LSOA name prefix) per 1,000
# residents (Census 2021 usual residents 119,836; counts 33, 31, 34, 29, 37, 26, 31, 30, 39, 24, 49, 34,
# 31), rounded to 3 decimals: the values an analyst would have computed
RATES = [0.275, 0.259, 0.284, 0.242, 0.309, 0.217, 0.259, 0.25, 0.325, 0.2, 0.409, 0.284, 0.259]


@pytest.mark.parametrize("chart", ["c", "u", "p"])
def test_fractional_values_on_an_attribute_chart_are_an_error(chart):
    kw = {} if chart == "c" else {"denominators": [1000] * len(RATES)}
    with pytest.raises(InvalidInputError, match=r"`values` row 0: 0\.275 is not a whole number") as e:
        saferstats.spc(RATES, chart=chart, **kw)
    assert e.value.argument == "values" and e.value.index == 0


def test_row_named_is_the_first_fractional_one():
    v = [4, 6, 5, 3, 7, 5.5, 4, 6, 5, 3, 7, 5]
    with pytest.raises(InvalidInputError, match="row 5") as e:
        saferstats.spc(v, chart="c")
    assert e.value.index == 5


def test_whole_counts_as_floats_and_xmr_rates_still_work():
    counts = np.array([4.0, 6, 5, 3, 7, 5, 4, 6, 5, 3, 7, 5])
    out = saferstats.spc(counts, chart="c")
    cbar = counts.mean()
    np.testing.assert_allclose(out["upl"], cbar + 3 * np.sqrt(cbar), rtol=1e-12)
    # rates belong on an XmR chart: mean ± 2.66 × average moving range
    x = saferstats.spc(RATES)
    amr = np.mean(np.abs(np.diff(RATES)))
    np.testing.assert_allclose(x["upl"], np.mean(RATES) + 2.66 * amr, rtol=1e-12)

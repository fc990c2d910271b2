"""rate_funnel_limits on input from which no denominator can be derived stopped with numpy's
ValueError ("zero-size array to reduction operation"), "cannot convert float NaN to integer" or an
OverflowError; a value given as a 0-d array (np.asarray(None)) reached a TypeError. Each is now a
named InvalidInputError (found by calling every public function with empty, missing and extreme
values)."""

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError


@pytest.mark.parametrize("numerators, rates, match", [
    ([], [], "no row has events and a rate"),
    ([0, 0], [0, 0], "no row has events and a rate"),
    ([3, 2], [0, 5], r"`rates` position 0: 3(\.0)? events at a rate of 0(\.0)? give no finite denominator"),
    ([1e308] * 3, [1e308] * 3, "baseline rate"),
])
def test_no_usable_denominator_is_refused(numerators, rates, match):
    with pytest.raises(InvalidInputError, match=match):
        saferstats.rate_funnel_limits(numerators, rates)


def test_a_zero_count_with_its_denominator_is_still_used():
    # PHE: crude rates with a zero count take the population given; baseline = Σ counts / Σ populations
    t = saferstats.rate_funnel_limits([0, 4, 5], [0, 10, 12], denominators=[1000, 40000, 41000])
    assert t["baseline"].iloc[0] == pytest.approx(9 / (1000 + 40000 + 100_000 * 5 / 12) * 100_000)


def test_zero_dimensional_arrays_are_read_as_one_value():
    with pytest.raises(InvalidInputError, match="`counts`"):
        saferstats.concentration(np.asarray(None))
    assert saferstats.concentration(np.asarray(5.0)).gini == pytest.approx(0.0)

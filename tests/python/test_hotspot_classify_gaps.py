"""hotspot_classify with a missing month (walk-through 2: seven police.uk months with June 2021 not
loaded were classified as seven consecutive periods without a word)."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError, SaferstatsWarning

RNG = np.random.default_rng(3)
X = RNG.uniform(0, 1000, 700)
Y = RNG.uniform(0, 1000, 700)


def test_a_missing_month_is_warned_about():
    months = np.repeat(["2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-07", "2021-08"], 100)
    with pytest.warns(SaferstatsWarning, match=r"periods have gaps \(before 2021-07\)"):
        saferstats.hotspot.hotspot_classify(X, Y, months, cell_size=250, permutations=0)


def test_consecutive_months_are_quiet():
    months = np.repeat([f"2021-{m:02d}" for m in range(1, 8)], 100)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.hotspot.hotspot_classify(X, Y, months, cell_size=250, permutations=0)


def test_periods_given_with_the_empty_month_still_refused():
    months = np.repeat(["2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-07", "2021-08"], 100)
    with pytest.raises(InvalidInputError, match="'2021-06' has no events"):
        saferstats.hotspot.hotspot_classify(X, Y, months, cell_size=250, permutations=0,
                                            periods=[f"2021-{m:02d}" for m in range(1, 9)])

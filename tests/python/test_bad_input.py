"""Every bad input raises a saferstats exception naming the argument/row — never a panic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError, LengthMismatchError, MissingValueError, SaferstatsError


def test_hierarchy():
    assert issubclass(InvalidInputError, SaferstatsError)
    assert issubclass(InvalidInputError, ValueError)
    assert issubclass(MissingValueError, InvalidInputError)
    assert issubclass(LengthMismatchError, InvalidInputError)


def test_negative_count_names_argument_and_row():
    with pytest.raises(InvalidInputError, match=r"`count` at position 2.*negative") as exc:
        saferstats.rate_ci([1, 2, -3], [10, 10, 10])
    assert exc.value.argument == "count" and exc.value.index == 2


def test_zero_population_is_an_error():
    with pytest.raises(InvalidInputError, match="population.*position 0.*greater than zero"):
        saferstats.rate_ci(1, 0)


def test_nan_errors_by_default_and_propagates_on_request():
    with pytest.raises(MissingValueError, match="position 1") as exc:
        saferstats.rate_ci([1, None], [10, 10])
    assert exc.value.index == 1
    out = saferstats.rate_ci([1, None], [10, 10], missing="propagate")
    assert np.isnan(out.loc[1, "rate"]) and np.isnan(out.loc[1, "lower"])
    assert out.loc[1, "method"] == "not applicable"
    # pandas nullable integers with <NA>
    s = pd.Series([3, pd.NA], dtype="Int64")
    with pytest.raises(MissingValueError):
        saferstats.rate_ci(s, 100)


def test_length_mismatch():
    with pytest.raises(LengthMismatchError, match="`count` has 2 elements but `population` has 3"):
        saferstats.rate_ci([1, 2], [10, 10, 10])
    with pytest.raises(LengthMismatchError):
        saferstats.rate_ratio([1, 2], 10, [1, 2, 3], 10)


@pytest.mark.parametrize("conf", [0, 1, 100, 0.4, 0.99999, 0.9999999999999999, 99.999, 101, -0.1, float("nan"),
                                  float("inf"), True, None, "95%", [], [0.95, 0.95], [[0.95]], 1 + 0j])
def test_confidence_outside_the_allowed_range(conf):
    with pytest.raises(InvalidInputError, match="confidence") as exc:
        saferstats.rate_ci(1, 10, confidence=conf)
    assert exc.value.argument == "confidence"


def test_confidence_as_phe_gives_it():
    # percentages are rescaled; 95 and 0.95 give the same table
    pd.testing.assert_frame_equal(saferstats.rate_ci([3, 30], 1000, confidence=95),
                                  saferstats.rate_ci([3, 30], 1000, confidence=0.95))
    assert saferstats.rate_ci(3, 1000, confidence=99.8).loc[0, "confidence"] == 0.998
    # 1 (100%) only where the method defines it: Wilson gives (0, 1)
    p = saferstats.proportion_ci([0, 3, 10], 10, confidence=1.0)
    assert p["lower"].tolist() == [0, 0, 0] and p["upper"].tolist() == [1, 1, 1]
    assert saferstats.proportion_ci(3, 10, confidence=100, multiplier=100).loc[0, "upper"] == 100
    with pytest.raises(InvalidInputError, match="confidence"):
        saferstats.rate_ci(3, 1000, confidence=1.0)


def test_unknown_method_lists_valid_ones():
    with pytest.raises(InvalidInputError, match=r"'phe', 'exact', 'byar'$"):
        saferstats.rate_ci(1, 10, method="poisson")
    with pytest.raises(InvalidInputError, match="wilson"):
        saferstats.proportion_ci(1, 10, method="clopper")
    with pytest.raises(InvalidInputError, match="missing"):
        saferstats.rate_ci(1, 10, missing="drop")


@pytest.mark.parametrize("call, argument", [
    (lambda: saferstats.hotspot_kde([0, 1], [0, 1], cell_size=1, bandwidth=5, kernel=3), "kernel"),
    (lambda: saferstats.kde_grid([0, 1], [0, 1], cell_size=1, bandwidth=5, kernel="triangle"), "kernel"),
    (lambda: saferstats.hotspot_dual_kde([0], [0], [1], [1], cell_size=1, bandwidth=5, method=None), "method"),
    (lambda: saferstats.knox([0, 1], [0, 1], [0, 1], distance_bands=[0, 1], time_bands=[0, 1],
                             metric=2), "metric"),
    (lambda: saferstats.rate_ci([1], [10], method=1.5), "method"),
])
def test_an_option_that_is_not_a_valid_name_names_the_argument(call, argument):
    # the core parses every option (one `choice!` enum each): a number or None is refused like
    # an unknown name, as InvalidInputError naming the argument and listing the valid names
    with pytest.raises(InvalidInputError, match="valid:") as exc:
        call()
    assert exc.value.argument == argument


def test_successes_above_trials():
    with pytest.raises(InvalidInputError, match="successes.*larger than the number of trials"):
        saferstats.proportion_ci(11, 10)


def test_text_that_is_not_a_number():
    with pytest.raises(InvalidInputError, match=r"`count` at position 1: 'twelve' is not a number"):
        saferstats.rate_ci(["3", "twelve"], 100)
    # numeric strings are fine (CSV columns read as text)
    assert saferstats.rate_ci(["3", "4"], 100)["count"].tolist() == [3.0, 4.0]


def test_infinite_and_two_dimensional_input():
    with pytest.raises(InvalidInputError, match="finite"):
        saferstats.rate_ci(np.inf, 10)
    with pytest.raises(InvalidInputError, match="one-dimensional"):
        saferstats.rate_ci(np.ones((2, 2)), 10)
    with pytest.raises(InvalidInputError, match="DataFrame"):
        saferstats.rate_ci(pd.DataFrame({"a": [1]}), 10)


def test_dsr_bad_inputs():
    with pytest.raises(InvalidInputError, match="standard"):
        saferstats.dsr([10] * 19, [100] * 19, standard="who")
    with pytest.raises(LengthMismatchError):
        saferstats.dsr([10] * 18, [100] * 18)  # ESP2013 has 19 bands
    with pytest.raises(InvalidInputError, match="group 'B'"):
        saferstats.dsr([10, 10, 10, 10], [100, 100, 100, 0], standard=[1, 1], groups=["A", "A", "B", "B"])


def test_empty_input_gives_empty_frame():
    out = saferstats.rate_ci([], [])
    assert len(out) == 0 and list(out.columns)[:3] == ["count", "population", "rate"]

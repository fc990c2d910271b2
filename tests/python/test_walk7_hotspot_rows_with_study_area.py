"""Errors named the wrong row when a study area had left points out first (walk 7): with two points
outside the area before it, a missing ``period`` in row 4 of hotspot_classify was reported "at row 2"
(a period not in ``periods`` in row 5 "at row 3"),
and a missing weight in row 4 of hotspot_kde / hotspot_count / kde_grid "at position 2" (with the hint
'pass missing="propagate"', an argument none of them has). Now the row is the row as given (the
index of the input), and the weights error says what to do."""

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError, MissingValueError

SQUARE = np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0], [0.0, 1000.0], [0.0, 0.0]])
X = np.array([5000.0, 5000.0, 100.0, 200.0, 300.0, 400.0])   # rows 0 and 1 outside the square
Y = X.copy()


@pytest.fixture
def area():
    return saferstats.StudyArea(SQUARE, crs=27700)


def test_classify_missing_period_names_the_row_as_given(area):
    with pytest.raises(InvalidInputError, match=r"`period` is missing at row 4") as e:
        saferstats.hotspot_classify(X, Y, ["a", "b", "a", "b", None, "a"], cell_size=100, study_area=area)
    assert (e.value.argument, e.value.index) == ("period", 4)


def test_classify_period_not_in_periods_names_the_row_as_given(area):
    with pytest.raises(InvalidInputError, match=r"`period` 'c' at row 5 is not in `periods`") as e:
        saferstats.hotspot_classify(X, Y, ["a", "b", "a", "b", "a", "c"], periods=["a", "b"], cell_size=100,
                                    study_area=area)
    assert (e.value.argument, e.value.index) == ("period", 5)


@pytest.mark.parametrize("fn", ["hotspot_kde", "hotspot_count", "kde_grid"])
def test_weights_errors_name_the_row_as_given(area, fn):
    f = getattr(saferstats, fn)
    extra = {} if fn == "hotspot_count" else {"bandwidth": 200}
    with pytest.raises(MissingValueError, match=r"`weights` has 1 missing value \(first at row 4\): give every point a "
                                                r"weight") as e:
        f(X, Y, weights=[1, 1, 1, 1, np.nan, 1], cell_size=100, study_area=area, **extra)
    assert (e.value.argument, e.value.index) == ("weights", 4)
    for bad in (-2.0, np.inf):
        with pytest.raises(InvalidInputError, match=r"invalid value in `weights` at row 4: ") as e:
            f(X, Y, weights=[1, 1, 1, 1, bad, 1], cell_size=100, study_area=area, **extra)
        assert e.value.index == 4


def test_valid_weights_still_count(area):
    import warnings

    from saferstats.exceptions import SaferstatsWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        g = saferstats.hotspot_count(X, Y, weights=[9, 9, 1, 2, 0, 4], cell_size=100, study_area=area)
    assert g.cells["count"].sum() == 7.0   # rows 2-5 inside: 1 + 2 + 0 + 4

"""Walk-through 8 (hate crime): mann_kendall on a pivot of the Home Office strand series.

Found: ``pivot(index="period", columns="strand")`` — the natural wide table — gives one test per
*year* across the strands (a DataFrame's rows are its series), silently. It now warns and names the
fix (``values.T``), whose results are pymannkendall's / scipy's (tests/fixtures/walk8_hate_trends/).
Errors about a series name it by its index label (``row 0 (Durham)``), not only its position.
"""
import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError, MissingValueError, SaferstatsWarning

from conftest import load_fixture

FX = load_fixture("walk8_hate_trends/reference.json")
STRANDS = ["race", "religion", "sexual_orientation", "disability", "transgender"]


def _wide() -> pd.DataFrame:
    """Periods down, strands across: what ``long.pivot(index="period", columns="strand")`` gives."""
    return pd.DataFrame({s: [float(v) for v in FX["table2"][s]] for s in STRANDS}, index=FX["periods"])


def test_periods_down_the_side_are_warned_about():
    with pytest.warns(SaferstatsWarning, match=r"these rows are periods \(2011/12 \.\.\. 2018/19\).*pass values\.T"):
        saferstats.mann_kendall(_wide())


def test_the_transpose_matches_pymannkendall_and_scipy():
    with pytest.warns(SaferstatsWarning) as rec:  # only the few-values warning
        got = saferstats.mann_kendall(_wide().T)
    assert not any("values.T" in str(w.message) for w in rec)
    assert list(got.index) == STRANDS
    for s in STRANDS:
        ref = FX["mann_kendall"][s]
        row = got.loc[s]
        assert row["s"] == ref["s"] and row["var_s"] == pytest.approx(ref["var_s"], rel=1e-12)
        assert row["z"] == pytest.approx(ref["z"], rel=1e-9)
        assert row["p_value"] == pytest.approx(ref["p"], rel=1e-7)
        assert row["tau"] == pytest.approx(ref["tau"], rel=1e-12)
        assert (row["slope"], row["slope_lower"], row["slope_upper"]) == pytest.approx(
            (ref["slope"], ref["slope_lower"], ref["slope_upper"]), rel=1e-9)


def test_no_warning_for_series_down_the_side():
    import warnings

    long = _wide().T
    long.columns = range(8)  # positions, not periods: nothing to say
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.mann_kendall(long)
    assert not any("values.T" in str(w.message) for w in rec)


def test_errors_name_the_series_by_its_label():
    two_years = pd.DataFrame({"2017-18": [711.0, 2656.0], "2018-19": [793.0, 2944.0]}, index=["Durham", "Merseyside"])
    with pytest.warns(SaferstatsWarning), pytest.raises(InvalidInputError, match=r"row 0 \(Durham\): .*at least 3"):
        saferstats.mann_kendall(two_years)
    wide = _wide().T
    wide.loc["religion", "2014/15"] = np.nan  # a figure not published
    with pytest.warns(SaferstatsWarning), pytest.raises(MissingValueError, match=r"series 1 \(religion\), position 3 \(2014/15\)"):
        saferstats.mann_kendall(wide)

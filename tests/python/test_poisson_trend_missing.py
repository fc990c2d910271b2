"""poisson_trend(missing=...) (walk-through 2): the Home Office strand table publishes 'N/A' for total
offences in 2011/12; the trend over the strands failed on that one cell with no way round it but
hand-dropping rows, while add_rates and year_on_year take missing=."""

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import MissingValueError, SaferstatsWarning

PERIODS = ["2011/12", "2012/13", "2013/14", "2014/15", "2015/16", "2016/17", "2017/18", "2018/19"]
OFFENCES = [np.nan, 42255, 44577, 52465, 62518, 80393, 94121, 103379]   # Home Office HOSB 24/19 Table 2
RACE = [35944, 35845, 37575, 42862, 49419, 62685, 71264, 78991]


def _table():
    return pd.DataFrame({"strand": ["offences"] * 8 + ["race"] * 8, "period": PERIODS * 2, "count": OFFENCES + RACE})


def test_missing_count_error_names_row_and_option():
    with pytest.raises(MissingValueError, match=r"row 0 \(offences, 2011/12\).*missing='drop'"):
        saferstats.poisson_trend(_table(), population=None, by="strand")


def test_drop_fits_each_group_on_the_periods_it_has():
    with pytest.warns(SaferstatsWarning, match=r"1 row with a missing count.*row 0 \(offences, 2011/12\)"):
        tr = saferstats.poisson_trend(_table(), population=None, by="strand", missing="drop", dispersion="quasi")
    assert tr.attrs["excluded"] == 1
    off = tr.set_index("strand").loc["offences"]
    assert int(off.n_periods) == 7 and off.first_period == "2012/13"
    # the same as fitting the 7 published years alone (statsmodels quasi-Poisson: APC 17.988144%)
    alone = saferstats.poisson_trend(_table().dropna(), population=None, by="strand", dispersion="quasi")
    assert off.apc == pytest.approx(alone.set_index("strand").loc["offences", "apc"], rel=1e-12)
    assert off.apc == pytest.approx(17.988144, abs=1e-5)


def test_nothing_missing_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        # (offences from 2012/13 beside race from 2011/12 is said since w50a: not this test's point)
        warnings.filterwarnings("ignore", message="poisson_trend: the trends cover different periods")
        # use_t: normal quasi-Poisson limits on 5-6 df would warn for that (session 11), not for missing rows
        tr = saferstats.poisson_trend(_table().dropna(), population=None, by="strand", missing="drop",
                                      dispersion="quasi", use_t=True)
    assert tr.attrs["excluded"] == 0

"""Walk 17: a population (denominator) Series labelled by other months than the counts was paired
by position, silently: Watford's monthly counts for January 2021 - January 2022 beside mid-month
populations indexed January 2020 - January 2021 (a year out) gave each month a year-old population
in ``its_poisson(population=...)`` and in a u chart's ``denominators``. Now an InvalidInputError
names the argument, the first period that differs (by its label) and its position; the same months
written another way (Periods, "2021-01" text, first-of-month dates) and unlabelled populations
still pair by position as documented. The fits themselves are checked against statsmodels in
test_walk17_monitoring.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import FIXTURES
from saferstats.exceptions import InvalidInputError, SaferstatsWarning

COUNTS = pd.read_csv(FIXTURES / "walk17_monitoring" / "watford_monthly_counts.csv")
D = COUNTS[COUNTS["series"] == "Violence and sexual offences"]
Y = pd.Series(D["count"].to_numpy(), index=pd.PeriodIndex(D["month"], freq="M"))
# Watford's population, Census 2021 (102,300, rounded): a constant per month, only its labels vary
POP = 102_300.0


def test_its_population_of_other_months_is_refused():
    wrong = pd.Series(POP, index=pd.period_range("2020-01", periods=len(Y), freq="M"))
    with pytest.raises(InvalidInputError, match=r"`population` is labelled by other periods than `counts` "
                       r"\(position 0: '2020-01' where `counts` has '2021-01'\)") as e:
        saferstats.its_poisson(Y, break_index=3, population=wrong)
    assert e.value.argument == "population" and e.value.index == pd.Period("2020-01", "M") and e.value.position == 0
    # one month out at the end only: named there
    late = pd.Series(POP, index=list(Y.index[:-1]) + [pd.Period("2022-02", "M")])
    with pytest.raises(InvalidInputError, match=r"position 12: '2022-02' where `counts` has '2022-01'"):
        saferstats.its_poisson(Y, break_index=3, population=late)


def test_same_months_written_otherwise_or_unlabelled_pair_as_before():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        ref = saferstats.its_poisson(Y, break_index=3, population=POP)
        for pop in (pd.Series(POP, index=Y.index), pd.Series(POP, index=[str(p) for p in Y.index]),
                    pd.Series(POP, index=Y.index.to_timestamp()), pd.Series([POP] * len(Y)), [POP] * len(Y)):
            r = saferstats.its_poisson(Y, break_index=3, population=pop)
            assert r.level_rr == ref.level_rr and r.level_lower == ref.level_lower
    # a constant population leaves the rate ratios of the counts (the offset moves b0 only)
    assert ref.level_rr == pytest.approx(saferstats.its_poisson(Y, break_index=3).level_rr, rel=1e-9)


def test_u_chart_denominators_of_other_months_are_refused():
    wrong = pd.Series(POP, index=pd.period_range("2020-01", periods=len(Y), freq="M"))
    with pytest.raises(InvalidInputError, match=r"spc: `denominators` is labelled by other periods than `values`"):
        saferstats.spc(Y, chart="u", denominators=wrong, multiplier=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        out = saferstats.spc(Y, chart="u", denominators=pd.Series(POP, index=Y.index), multiplier=1000)
    # u chart: centre sum(y) / sum(n) per 1,000 (Montgomery 7.3.1), from the fixture's counts
    assert out["mean"].iloc[0] == pytest.approx(Y.sum() / (POP * len(Y)) * 1000, rel=1e-12)
    np.testing.assert_allclose(out["upl"], (Y.sum() / (POP * len(Y)) + 3 * np.sqrt(Y.sum() / (POP * len(Y)) / POP)) * 1000,
                               rtol=1e-9)

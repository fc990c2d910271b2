"""funnel_limits(missing=) (session 13, noticed by walk 8): a missing denominator (the City of
London's population in the Home Office table) stopped funnel_limits, which had no `missing` option,
while funnel_significance labels the same point "Not applicable". With missing="propagate" the point
gets no limits and every other point the limits it gets alone. Reference: funnel_limits on the
published rows that have a population (itself tested against PHEindicatormethods)."""

from __future__ import annotations

import numpy as np
import pytest

import saferstats


def test_a_missing_denominator_gets_no_limits_on_request():
    hc = saferstats.datasets.hate_crime_by_force()
    last = hc[hc.year == hc.year.max()].set_index("force")
    pop = last["population"]
    assert pop.isna().sum() == 1
    with pytest.raises(saferstats.SaferstatsError, match=r"row 'London, City of'; pass missing=\"propagate\""):
        saferstats.funnel_limits(pop, target=168.6, kind="rate")
    got = saferstats.funnel_limits(pop, target=168.6, kind="rate", missing="propagate")
    gap = np.isnan(pop.to_numpy())
    assert got.loc[gap, ["lower_998", "lower_95", "upper_95", "upper_998"]].isna().all().all()
    want = saferstats.funnel_limits(pop[~gap], target=168.6, kind="rate")
    cols = ["denominator", "lower_998", "lower_95", "upper_95", "upper_998"]
    np.testing.assert_array_equal(got.loc[~gap, cols].to_numpy(), want[cols].to_numpy())
    od = saferstats.funnel_limits(pop, target=168.6, kind="rate", missing="propagate", overdispersion=0.08)
    assert od.loc[gap, "upper_95"].isna().all() and od.loc[~gap, "upper_95"].notna().all()

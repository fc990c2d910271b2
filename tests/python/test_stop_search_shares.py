"""Shares passed as counts (walk-through 3).

West Midlands publishes its force-level figures as shares (`searches_share`, `pop_share`: Black
0.176 of searches, 0.063 of residents). Given to `disproportionality(count="searches_share")` they
were taken as Poisson counts: the ratio was right (3.60) but the rates read "2,793.7 per 1,000" and
the Black ratio's interval 0.017 to 748, silently. Shares are now refused, saying what is needed.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

import saferstats


def test_shares_are_refused_with_the_reason(shared_data):
    path = shared_data / "stop_search" / "west_midlands_force_level_shares" / "force_level.csv"
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert abs(sum(float(r["searches_share"]) for r in rows) - 1) < 0.02  # shares, by hand
    t = pd.read_csv(path)
    pop = t.rename(columns={"pop_share": "population"})[["ethnic_group", "population"]]
    with pytest.raises(saferstats.InvalidInputError, match=r"'searches_share' holds shares .* not counts"):
        saferstats.disproportionality(t, pop, count="searches_share", group="ethnic_group")


def test_counts_with_a_fraction_that_are_not_shares_still_run():
    agg = pd.DataFrame({"ethnicity": ["Black", "White"], "searches": [12.5, 400.0]})
    out = saferstats.disproportionality(agg, {"Black": 3000, "White": 400_000}, count="searches")
    assert out.loc[out.group == "Black", "ratio"].iloc[0] == pytest.approx((12.5 / 3000) / (400 / 400_000))

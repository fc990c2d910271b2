"""peer_compare's mean of the peers' rates with a t interval went below zero with two peers
(walk-through 5: Essex + Kent, 202.4 (-250.8 to 655.5) per 100,000). The lower limit is now not
below 0; the upper limit is scipy's t interval."""

import numpy as np
import pandas as pd
from scipy import stats

import saferstats


def test_the_peers_mean_interval_is_not_negative():
    df = pd.DataFrame({"force": ["A", "B", "C"], "offences": [100, 300, 150], "population": [100_000] * 3})
    out = saferstats.peer_compare(df, area="force", numerator="offences", denominator="population",
                                  peers={"C": ["A", "B"]})
    rates = np.array([100.0, 300.0])  # per 100,000
    lo, hi = stats.t.interval(0.95, 1, loc=rates.mean(), scale=stats.sem(rates))
    assert lo < 0  # the premise: the plain t interval is negative
    r = out.iloc[0]
    assert r["group_mean"] == 200.0 and r["group_mean_lower"] == 0.0
    assert abs(r["group_mean_upper"] - hi) < 1e-6 * hi

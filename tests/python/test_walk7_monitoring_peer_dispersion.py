"""Walk 7 (monitoring): peer_compare called an area "lower" on a Poisson interval while its peers
differed from each other about 140 times as much as Poisson counts do, with nothing said.

The notebook's scrutiny-panel question on the Home Office hate-crime table (2018/19): Hertfordshire
(135.1 per 100,000) against seven home-county forces (pooled 164.1): ratio 0.82, 95% CI to 0.87,
"lower". The peers' own rates run from 118.1 (Cambridgeshire) to 238.0 (Kent) per 100,000: their Pearson
(x − expected)²/expected per degree of freedom around the pooled rate is 140.2 (computed here), so
the ratio's chance-only interval calls "lower" a difference that is ordinary among these forces.
peer_compare now warns when that dispersion is 3 or more (the limit unusual_periods uses), naming
the area and the value, and points to the rank and the peers' mean with its t interval. Peers that
vary as Poisson counts do (expected counts from the pooled rate) do not warn.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

PEERS = ["Bedfordshire", "Essex", "Kent", "Surrey", "Sussex", "Thames Valley", "Cambridgeshire"]


@pytest.fixture()
def hc():
    return saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna(subset=["population"])


def _pearson(x, n):
    g = x.sum() / n.sum()
    return float(np.sum((x - n * g) ** 2 / (n * g)) / (len(x) - 1))


def test_over_dispersed_peers_warn(hc):
    p = hc[hc["force"].isin(PEERS)]
    phi = _pearson(p["offences"].to_numpy(float), p["population"].to_numpy(float))
    assert round(phi, 1) == 140.2
    with pytest.warns(SaferstatsWarning, match=rf"among the peers of 'Hertfordshire': {phi:,.1f}"):
        out = saferstats.peer_compare(hc, area="force", peers={"Hertfordshire": PEERS}, numerator="offences",
                                      denominator="population")
    assert out.loc[0, "significance"] == "lower" and out.loc[0, "rank"] == 7


def test_poisson_like_peers_do_not_warn(hc):
    # the same forces with counts at the pooled rate (rounded): dispersion well under 3
    p = hc[hc["force"].isin(PEERS + ["Hertfordshire"])].copy()
    g = p["offences"].sum() / p["population"].sum()
    p["offences"] = np.round(p["population"] * g)
    assert _pearson(p.loc[p["force"] != "Hertfordshire", "offences"].to_numpy(float),
                    p.loc[p["force"] != "Hertfordshire", "population"].to_numpy(float)) < 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        out = saferstats.peer_compare(pd.DataFrame(p), area="force", peers={"Hertfordshire": PEERS},
                                      numerator="offences", denominator="population")
    assert out.loc[0, "significance"] == "similar"

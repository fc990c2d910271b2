"""Walk 7 (monitoring): peer_compare with a column of peer-group labels in which some areas have no
group said only "area 'Cleveland' has no peers to compare with".

The analyst had labelled the notebook's illustrative Hertfordshire group (eight home-county forces)
in the Home Office hate-crime table (2018/19) and left the other forces blank, as the docstring's
"default all with peers" suggested would work. Every area is compared by default, so the call
fails (test_monitoring_more keeps that); the error now says why (the column, how many areas have no
peers) and what to do (``areas=``), and doing it gives Hertfordshire's comparison with its seven
peers: pooled rate Σ offences / Σ population of the peers, computed here from the table.
"""

from __future__ import annotations

import pytest

import saferstats
from saferstats import InvalidInputError

GROUP = ["Hertfordshire", "Bedfordshire", "Essex", "Kent", "Surrey", "Sussex", "Thames Valley", "Cambridgeshire"]


@pytest.fixture()
def hc():
    hc = saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna(subset=["population"])
    hc = hc.assign(msg=hc["force"].isin(GROUP).map({True: "home counties", False: None}))
    assert int(hc["msg"].notna().sum()) == 8 and len(hc) == 42
    return hc


def test_the_error_names_the_column_and_the_way_out(hc):
    with pytest.raises(InvalidInputError, match="no peers") as e:
        saferstats.peer_compare(hc, area="force", peers="msg", numerator="offences", denominator="population")
    msg = str(e.value)
    assert "'Cleveland'" in msg and "column 'msg'" in msg and "34 areas are" in msg and "areas=" in msg
    assert e.value.argument == "peers"


def test_areas_with_peers_compare(hc):
    out = saferstats.peer_compare(hc, area="force", peers="msg", numerator="offences", denominator="population",
                                  areas=GROUP).set_index("area")
    assert (out["n_peers"] == 7).all()
    peers = hc[hc["force"].isin(GROUP[1:])]
    assert out.loc["Hertfordshire", "group_rate"] == pytest.approx(
        peers["offences"].sum() / peers["population"].sum() * 100_000, rel=1e-12)

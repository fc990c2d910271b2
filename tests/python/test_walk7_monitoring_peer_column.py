"""Walk 7 (monitoring): peer_compare with a column of peer-group labels failed for the whole table
when one area had no group.

The docstring says the areas compared are "default all with peers". With ``peers=`` a column in
which only some areas have a label — here the notebook's illustrative Hertfordshire group of eight
home-county forces in the Home Office hate-crime table (2018/19), the other forces unlabelled — the
call raised "area 'Cleveland' has no peers to compare with" and compared nothing. Now the areas
with peers are compared and the others are named in a SaferstatsWarning; asking for an area without
peers by name (``areas=``) is still an error. Hertfordshire's row equals the mapping form's, and its
pooled group rate is Σ offences / Σ population of its seven peers (computed here from the table).
"""

from __future__ import annotations

import pytest

import saferstats
from saferstats import InvalidInputError, SaferstatsWarning

GROUP = ["Hertfordshire", "Bedfordshire", "Essex", "Kent", "Surrey", "Sussex", "Thames Valley", "Cambridgeshire"]


@pytest.fixture()
def hc():
    hc = saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna(subset=["population"])
    hc = hc.assign(msg=hc["force"].isin(GROUP).map({True: "home counties", False: None}))
    assert int(hc["msg"].notna().sum()) == 8 and len(hc) == 42
    return hc


def test_areas_without_peers_are_left_out_and_named(hc):
    with pytest.warns(SaferstatsWarning, match=r"34 area\(s\) have no peers in column 'msg'.*'Cleveland'"):
        out = saferstats.peer_compare(hc, area="force", peers="msg", numerator="offences", denominator="population")
    assert sorted(out["area"]) == sorted(GROUP) and (out["n_peers"] == 7).all()
    herts = out.set_index("area").loc["Hertfordshire"]
    peers = hc[hc["force"].isin(GROUP[1:])]
    assert herts["group_rate"] == pytest.approx(peers["offences"].sum() / peers["population"].sum() * 100_000,
                                                rel=1e-12)
    mapped = saferstats.peer_compare(hc, area="force", peers={"Hertfordshire": GROUP[1:]}, numerator="offences",
                                     denominator="population").iloc[0]
    for col in ("rate", "group_rate", "group_mean", "rank", "ratio", "ratio_lower", "ratio_upper", "significance"):
        assert herts[col] == pytest.approx(mapped[col]) if isinstance(mapped[col], float) else herts[col] == mapped[col]


def test_naming_an_area_without_peers_is_still_an_error(hc):
    with pytest.raises(InvalidInputError, match="'Cleveland' has no peers") as e:
        saferstats.peer_compare(hc, area="force", peers="msg", numerator="offences", denominator="population",
                                areas=["Cleveland"])
    assert e.value.argument == "peers"

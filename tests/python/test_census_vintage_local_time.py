"""disproportionality's Census-vintage check read zone-aware search times in UTC, so a search at 00:30
BST on 1 April 2022 (23:30 UTC on 31 March) counted as 2021/22, and Census 2011 denominators were
called like for like for it. police.uk's months and the Home Office's financial years are UK local
(walk-through 4, h6 item 9)."""

import pandas as pd
import pytest

import saferstats


def test_first_hour_of_april_bst_is_2022_23():
    recs = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    when = pd.Timestamp("2022-03-31 23:30", tz="UTC")
    assert when.tz_convert("Europe/London").strftime("%Y-%m-%d %H:%M") == "2022-04-01 00:30"
    later = recs.assign(date=when).drop(columns="month")
    with pytest.warns(saferstats.SaferstatsWarning, match=r"from April 2022 \(2022/23\) on, but the denominators are "
                                                          r"Census 2011"):
        out = saferstats.disproportionality(later, by="force", census=2011)
    assert out.attrs["denominator_check"]["searches"] == out["searches"].sum()

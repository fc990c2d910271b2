"""Walk-through 8 (hate crime): shares of the strands in the Home Office strand series as read.

Found: ``read_hate_crime`` gives the bulletin's Table 2 with its two total rows as strands
(``motivating_factors``, ``offences``); ``shares`` counted them in the denominator silently, so race
was 24% of 2018/19 hate crime instead of 70%. It now warns, naming them and the filter; the
filtered shares are statsmodels' Wilson intervals (tests/fixtures/walk8_hate_trends/).
"""
import warnings

import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

from conftest import load_fixture

FX = load_fixture("walk8_hate_trends/reference.json")


def _table2() -> pd.DataFrame:
    return pd.DataFrame([{"strand": s, "period": p, "count": float(v)}
                         for s, vals in FX["table2"].items() for p, v in zip(FX["periods"], vals) if v is not None]
                        + [{"strand": "motivating_factors", "period": "2018/19", "count": 112637.0}])


def test_total_rows_among_the_strands_are_warned_about():
    t = _table2().query("period == '2018/19'")
    with pytest.warns(SaferstatsWarning, match=r"'offences', 'motivating_factors' of column 'strand' are totals"):
        saferstats.shares(t)


def test_the_suggested_filter_gives_statsmodels_wilson_shares():
    t = _table2().query("period == '2018/19'")
    kept = t[~t["strand"].isin(["offences", "motivating_factors"])]
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        # w48e: shares of the strands say they are of motivating factors (test_hate_w48e); nothing else
        warnings.filterwarnings("ignore", message="shares: the categories of column 'strand' are hate crime strands")
        got = saferstats.shares(kept).set_index("strand")
    for k, ref in FX["shares_2018_19"].items():
        assert got.loc[k, "total"] == ref["total"]
        assert (got.loc[k, "share"], got.loc[k, "lower"], got.loc[k, "upper"]) == pytest.approx(
            (ref["share"], ref["lower"], ref["upper"]), rel=1e-10)
    assert got.loc["race", "share"] == pytest.approx(70.13, abs=0.01)


def test_a_category_that_is_the_sum_of_the_others_is_warned_about_by_group():
    df = pd.DataFrame({"force": ["Durham"] * 4 + ["Gwent"] * 3,
                       "strand": ["Race", "Religion", "Disability", "All hate", "Race", "Religion", "Disability"],
                       "count": [507, 67, 93, 667, 400, 30, 60]})
    with pytest.warns(SaferstatsWarning, match=r"category 'All hate' of column 'strand' is a total"):
        saferstats.shares(df, by="force")
    df.loc[3, "strand"] = "Hate (combined)"  # not named as a total: found by its sum
    with pytest.warns(SaferstatsWarning, match=r"category 'Hate \(combined\)'"):
        saferstats.shares(df, by="force")


def test_by_force_strands_are_not_flagged():
    long = saferstats.datasets.hate_crime_by_force(long=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        # w48e: shares of the strands say they are of motivating factors (test_hate_w48e); nothing else
        warnings.filterwarnings("ignore", message="shares: the categories of column 'strand' are hate crime strands")
        out = saferstats.shares(long.query("force == 'Durham'"), by="year")
    d = out.query("year == '2018-19' and strand == 'Race'").iloc[0]
    assert (d["count"], d["total"]) == (507, 848)

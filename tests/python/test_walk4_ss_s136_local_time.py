"""S136 times with a time zone are counted in UK local months / days (walk-through 4).

`monthly_counts` converted zone-aware detention times to UTC, so a detention at 00:30 on 1 June
BST (23:30 UTC on 31 May) counted in May; `before_after` put a summer split at midnight UTC (01:00
BST). Both now use Europe/London, as police.uk and custody records do. Expected months worked out
by hand from the local times written in the records.
"""

from __future__ import annotations

import pandas as pd

import saferstats


def _records(times: list[str]) -> pd.DataFrame:
    n = len(times)
    return pd.DataFrame({"detention_time": pd.to_datetime(times, utc=True), "outcome": ["nfa"] * n,
                         "place_of_safety": ["health_based"] * n})


def test_monthly_counts_use_uk_local_months():
    # local times: 1 June 00:30 BST, 31 May 12:00 BST, 1 Dec 00:30 GMT
    recs = _records(["2023-05-31T23:30:00+00:00", "2023-05-31T11:00:00+00:00", "2023-12-01T00:30:00+00:00"])
    m = saferstats.monthly_counts(recs)
    assert m[pd.Period("2023-05", "M")] == 1 and m[pd.Period("2023-06", "M")] == 1
    assert m[pd.Period("2023-12", "M")] == 1 and m.sum() == 3


def test_before_after_split_is_local_midnight():
    # 1 June 2023 00:30 BST is after a split on 1 June; 31 May 23:30 BST is before
    recs = _records(["2023-05-31T23:30:00+00:00", "2023-05-31T22:30:00+00:00", "2023-06-10T12:00:00+00:00",
                     "2023-05-10T12:00:00+00:00"])
    ba = saferstats.before_after(recs, split="2023-06-01")
    row = ba.iloc[0]
    assert (row["pre_n"], row["post_n"]) == (2, 2)

"""S136 records with ISO times in GMT and BST (walk-through 4).

A year of UK times written with their offsets ("+00:00" in winter, "+01:00" in summer) stopped
`monthly_counts`, `before_after` and `s136_summary` with pandas' "Mixed timezones detected" ValueError;
zone-aware times without an `arrival_time` column stopped `s136_summary` with an AttributeError.
They are now read as instants (months in UK local time), and times with and without a zone mixed
in one column are a named error with the row. Expected values worked out by hand.
"""

from __future__ import annotations

import pandas as pd
import pytest

import saferstats

TIMES = ["2023-01-10T10:00:00+00:00", "2023-06-10T10:00:00+01:00", "2023-07-01T00:30:00+01:00"]


def _records(**extra):
    return pd.DataFrame({"detention_time": TIMES, "outcome": ["nfa"] * 3, "place_of_safety": ["health_based"] * 3,
                         **extra})


def test_gmt_and_bst_offsets_are_read():
    m = saferstats.monthly_counts(_records())
    assert {str(k): int(v) for k, v in m.items() if v} == {"2023-01": 1, "2023-06": 1, "2023-07": 1}
    ba = saferstats.before_after(_records(), split="2023-05-01")
    assert (int(ba["pre_n"].iloc[0]), int(ba["post_n"].iloc[0])) == (1, 2)


def test_summary_with_zoned_times_and_no_arrival_column():
    dep = ["2023-01-10T12:00:00+00:00", "2023-06-10T15:00:00+01:00", "2023-07-01T02:30:00+01:00"]
    d = saferstats.s136_summary(_records(departure_time=dep), threshold=1).durations.iloc[0]
    assert (int(d["n"]), float(d["median_hours"])) == (3, 2.0)  # 2 h, 5 h, 2 h
    assert int(saferstats.s136_summary(_records(), threshold=1).durations.iloc[0]["censored"]) == 3


def test_times_with_and_without_a_zone_are_a_named_error():
    recs = _records()
    recs.loc[1, "detention_time"] = "2023-06-10 10:00"
    with pytest.raises(saferstats.InvalidInputError, match=r"row 1: '2023-06-10 10:00' has no time zone"):
        saferstats.monthly_counts(recs)

"""S136 times: one time without a zone among times all of one zone (session 16, w19d).

pandas reads ``["...+00:00", "... 11:00"]`` without the "Mixed timezones" error (all the zoned
times share one offset) and gives the zone-less time, or the zoned ones when it comes first, as
NaT, so the error said "cannot read timestamp" of a time that reads well; it now says the time
has no zone, and names its row label (as times of several offsets already did)."""

from __future__ import annotations

import pandas as pd
import pytest

import saferstats


def _records(times, index=None):
    return pd.DataFrame({"detention_time": times, "outcome": ["nfa"] * len(times),
                         "place_of_safety": ["health_based"] * len(times)}, index=index)


@pytest.mark.parametrize("times, row, text", [
    (["2023-01-10T10:00:00+00:00", "2023-01-11 11:00", "2023-01-12T10:00:00+00:00"], "r1", "2023-01-11 11:00"),
    # the zone-less time first: pandas turns the zoned ones to NaT
    (["2023-01-11 11:00", "2023-01-10T10:00:00Z", "2023-01-12T10:00:00Z"], "r0", "2023-01-11 11:00"),
])
def test_one_zoneless_time_among_one_zone_is_named(times, row, text):
    recs = _records(times, index=["r0", "r1", "r2"])
    for f in (saferstats.monthly_counts, lambda r: saferstats.s136_summary(r, threshold=1)):
        with pytest.raises(saferstats.InvalidInputError, match=rf"row '{row}': '{text}' has no time zone") as e:
            f(recs)
        assert e.value.argument == "detention_time"


def test_an_unreadable_time_is_still_cannot_read():
    recs = _records(["2023-01-10T10:00:00+00:00", "not a time", "2023-01-12T10:00:00+00:00"])
    with pytest.raises(saferstats.InvalidInputError, match=r"row 1: cannot read timestamp 'not a time'"):
        saferstats.monthly_counts(recs)
    recs = _records(["2023-01-10 10:00", "yesterday", "2023-01-12 10:00"])
    with pytest.raises(saferstats.InvalidInputError, match=r"row 1: cannot read timestamp 'yesterday'"):
        saferstats.monthly_counts(recs)

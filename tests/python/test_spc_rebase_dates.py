"""Walk-through 3: with police.uk months read as dates (pd.to_datetime(month), the usual way),
spc(..., rebase=["2021-07"]) said "`rebase` period '2021-07' is not in the data" although July
2021 is there; only a Timestamp worked. Hertfordshire ASB per month by the csv module; each
segment's mean is checked by hand."""

import csv
from collections import Counter

import pandas as pd
import pytest

import saferstats


def test_rebase_as_month_text_with_date_periods(shared_data):
    counts: Counter[str] = Counter()
    for f in sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv")):
        with open(f, newline="") as fh:
            counts.update(r["Month"] for r in csv.DictReader(fh) if r["Crime type"] == "Anti-social behaviour")
    months = sorted(counts)
    values = [counts[m] for m in months]
    dates = pd.to_datetime(pd.Series(months))
    with pytest.warns(saferstats.SaferstatsWarning, match="trial limits"):
        res = saferstats.spc(values, periods=dates, rebase=["2021-07"])
    after = [v for m, v in zip(months, values) if m >= "2021-07"]
    before = [v for m, v in zip(months, values) if m < "2021-07"]
    assert res["segment"].tolist() == [0] * len(before) + [1] * len(after)
    assert res["mean"].iloc[-1] == pytest.approx(sum(after) / len(after))
    assert res["mean"].iloc[0] == pytest.approx(sum(before) / len(before))
    # the same with a Timestamp, and a day that is not a period is still refused
    with pytest.warns(saferstats.SaferstatsWarning):
        same = saferstats.spc(values, periods=dates, rebase=[pd.Timestamp("2021-07-01")])
    assert same["segment"].tolist() == res["segment"].tolist()
    with pytest.raises(saferstats.InvalidInputError, match="not in the data"):
        saferstats.spc(values, periods=dates, rebase=["2021-07-15"])

"""monthly_counts names a first or last month that the records cover only in part (session 14).

Found by the monitoring walk (w10c): the City of London's 2023 stop-and-search records cut at 10
December gave December 55 searches (the other months 165 to 272), and ``spc(...,
improvement="decrease")`` showed it "below lower limit", a special cause improvement, without a word.

Reference: the file read with the csv module (the count and the last date in December), and the
probability of so long a gap from scipy's Poisson distribution at the other months' daily rate.
"""

from __future__ import annotations

import csv
import warnings
from collections import Counter
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from scipy.stats import poisson

import saferstats as ss
from saferstats.exceptions import SaferstatsWarning

FILE = "stop_search/city_of_london_2023/stop_and_search.csv"


@pytest.fixture(scope="module")
def raw(shared_data):
    with open(shared_data / FILE, newline="", encoding="utf-8-sig") as fh:
        return [datetime.strptime(r["date"][:19], "%Y-%m-%d %H:%M:%S") for r in csv.DictReader(fh, delimiter=";")]


@pytest.fixture(scope="module")
def records(shared_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ss.read_stop_search(str(shared_data / FILE))


def test_an_extract_cut_on_10_december(raw, records):
    cut = datetime(2023, 12, 10)
    kept = [t for t in raw if t < cut]
    dec = [t for t in kept if t.month == 12]
    with pytest.warns(SaferstatsWarning, match=r"cover part of a month \(2023-12: records 01 Dec 2023 to 09 Dec 2023 only "):
        m = ss.monthly_counts(records[records["date"] < pd.Timestamp(cut, tz="UTC")], date="date")
    assert m.iloc[-1] == len(dec) == 55
    (p,) = m.attrs["partial_months"]
    assert p["month"] == "2023-12" and p["count"] == 55
    # the gap from the last record to the end of December, at the other eleven months' daily rate
    gap = (datetime(2024, 1, 1) - max(dec)).total_seconds() / 86400
    assert p["gap_days"] == pytest.approx(gap, abs=1 / 1440)
    per_month = Counter(t.month for t in kept)
    rate = sum(n for mo, n in per_month.items() if mo != 12) / (365 - 31)
    assert poisson.pmf(0, rate * gap) < 1e-3
    # why it matters: the chart reads the part month as a special cause (the analyst has been told)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chart = ss.spc(m, improvement="decrease")
    assert chart["special_cause"].iloc[-1] == "below lower limit"
    assert chart["lpl"].iloc[-1] > len(dec)


def test_a_late_start_and_a_whole_year(raw, records):
    with pytest.warns(SaferstatsWarning, match=r"2023-01: records 20 Jan 2023 to 31 Jan 2023 only"):
        m = ss.monthly_counts(records[records["date"] >= pd.Timestamp("2023-01-20", tz="UTC")], date="date")
    assert m.iloc[0] == sum(1 for t in raw if t.month == 1 and t.day >= 20)
    # the whole year: every month complete, no warning; the counts are the file's
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        whole = ss.monthly_counts(records, date="date")
    assert whole.attrs["partial_months"] == []
    # police.uk times are UTC; a month is England's (Europe/London), as monthly_counts documents
    local = [t.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("Europe/London")) for t in raw]
    assert whole.tolist() == [n for _, n in sorted(Counter(t.month for t in local).items())]


def test_a_quiet_series_is_not_called_partial():
    # S136 pilot-sized counts (about 5 a month): a last record on the 20th is ordinary
    times = pd.to_datetime([f"2022-{m:02d}-{d:02d} 12:00" for m in range(1, 7) for d in (3, 9, 15, 21, 27)]
                           + ["2022-07-05 12:00", "2022-07-20 12:00"])
    m = ss.monthly_counts(pd.DataFrame({"detention_time": times}))
    assert m.attrs["partial_months"] == []
    # ... while P(no event in 11 days at 5 a month) = exp(-5 * 11 / 30) is 0.16, far above 0.001
    assert poisson.pmf(0, 5 / 30.5 * 11) > 1e-3

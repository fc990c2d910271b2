"""Walk-through 3: unusual_periods took "the 6 periods before" a month as the 6 rows before it,
across a missing month, without a word (spc warned about the same gap). Checked on police.uk
Hertfordshire burglary counts (csv module) with July 2021 left out, as when a month's file is not
loaded or a groupby(...).size() leaves out a month with no records."""

import csv
import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning


def _burglary_by_month(shared_data):
    counts: Counter[str] = Counter()
    for f in sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv")):
        with open(f, newline="") as fh:
            for row in csv.DictReader(fh):
                if row["Crime type"] == "Burglary":
                    counts[row["Month"]] += 1
    return pd.Series(counts).sort_index()


def test_a_missing_month_is_warned_about_and_the_baseline_is_the_rows_before(shared_data):
    m = _burglary_by_month(shared_data)
    assert len(m) == 13
    gappy = m.drop("2021-07")
    with pytest.warns(SaferstatsWarning, match=r"unusual_periods: periods are missing.*reaches back across the gap"):
        u = saferstats.unusual_periods(gappy, baseline=6)
    # what is computed is still documented: August's baseline is the 6 rows before it (January-June)
    assert u.loc["2021-08", "expected"] == pytest.approx(m.loc["2021-01":"2021-06"].mean())


def test_the_series_with_the_gap_is_named(shared_data):
    m = _burglary_by_month(shared_data)
    frame = pd.concat([pd.DataFrame({"month": m.index, "count": m.to_numpy(), "type": "all months"}),
                       pd.DataFrame({"month": m.index, "count": m.to_numpy(), "type": "no July"}).query(
                           "month != '2021-07'")])
    with pytest.warns(SaferstatsWarning, match=r"in series \['no July'\]"):
        saferstats.unusual_periods(frame["count"], periods=frame["month"], by=frame["type"], baseline=6)


def test_complete_months_are_quiet(shared_data):
    m = _burglary_by_month(shared_data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        u = saferstats.unusual_periods(m, baseline=6)
    assert np.isfinite(u["p_value"]).sum() == 7


def test_spc_gap_warning_says_a_month_with_no_records_is_a_zero():
    months = [f"2021-{k:02d}" for k in range(1, 13) if k != 7] + ["2022-01"]
    counts = pd.Series([3, 5, 2, 4, 6, 1, 3, 2, 5, 4, 3, 2], index=months)
    with pytest.warns(SaferstatsWarning, match=r"groupby\(\.\.\.\)\.size\(\) have no row.*give it a 0"):
        saferstats.spc(counts, chart="c")


def test_weekly_dates_are_not_read_as_gaps_at_month_ends():
    # 26 Monday weeks of 2023: on the month scale used for dates every month boundary (e.g. 30 Jan ->
    # 6 Feb) looked like a step of 0.76 months against a usual 0.07, so spc warned "periods are missing"
    weeks = pd.date_range("2023-01-02", periods=26, freq="W-MON")
    assert (np.diff(weeks.to_numpy()) == np.timedelta64(7, "D")).all()  # independently: no week is missing
    y = np.random.default_rng(1).poisson(20, 26)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.spc(y, periods=weeks, chart="c")
        saferstats.unusual_periods(pd.Series(y, index=weeks), baseline=8)
    with pytest.warns(SaferstatsWarning, match="periods are missing"):
        saferstats.spc(np.delete(y, 10), periods=weeks.delete(10), chart="c")


def test_monthly_dates_still_find_a_missing_month():
    months = pd.date_range("2021-01-01", periods=13, freq="MS").delete(6)
    with pytest.warns(SaferstatsWarning, match="periods are missing"):
        saferstats.spc(np.arange(12) % 5 + 10.0, periods=months, chart="c")

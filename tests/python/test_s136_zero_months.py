"""A month missing from Section 136 records (walk-through 3).

`monthly_counts` fills a month with no record with 0 ("months with none included as 0"); with the
synthetic pilot's May 2023 left out (the other months average 27.5 detentions) nothing said so, and
`its_poisson`, the SPC chart and the report read a gap in the extract as a month without detentions.
Now a warning and `.attrs["zero_months"]` name it, and the report says so. Counts by hand (pandas).
"""

from __future__ import annotations

import warnings

import pandas as pd

import saferstats
from conftest import build_report


def _records_without_may_2023():
    r = saferstats.synthetic.s136_pilot_records(seed=136)
    when = pd.to_datetime(r["detention_time"])
    return r[~((when.dt.year == 2023) & (when.dt.month == 5))]


def test_zero_month_is_warned_about():
    r = _records_without_may_2023()
    by_hand = pd.to_datetime(r["detention_time"]).dt.strftime("%Y-%m").value_counts()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = saferstats.monthly_counts(r)
    assert m.attrs["zero_months"] == ["2023-05"]
    assert int(m.loc["2023-05"]) == 0 and "2023-05" not in by_hand.index
    mean = by_hand.mean()
    assert any(f"no records at all in 2023-05, though the other months average {mean:.1f}" in str(w.message)
               for w in caught)


def test_complete_records_give_no_zero_month():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = saferstats.monthly_counts(saferstats.synthetic.s136_pilot_records(seed=136))
    assert m.attrs["zero_months"] == []
    assert not any("no records at all" in str(w.message) for w in caught)


def test_report_says_so(tmp_path):
    _records_without_may_2023().to_csv(tmp_path / "s136.csv", index=False)
    build_report(tmp_path, 'title = "T"\narea = "Hertfordshire"\n[s136]\nfile = "s136.csv"\nsplit = "2024-01-01"\n')
    assert "No detentions are recorded in 2023-05" in (tmp_path / "o" / "index.html").read_text()

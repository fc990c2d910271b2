"""Section 136 records with every detention dated and one month of 3: the report hid that month in
its time-series figure but published the total of detentions, so the total minus the other months
(all shown) gave the 3 back. The disclosure audit took the number of undated detentions as unknown;
it is known (monthly_counts says how many, here none), so a second month is now hidden with it
(walk-through 4, h6 item 3). The total and the months are counted here with pandas."""

import re

import numpy as np
import pandas as pd

import saferstats
from conftest import build_report


def test_a_small_month_cannot_be_worked_back_from_the_total(tmp_path):
    r = saferstats.synthetic.s136_pilot_records(seed=136)
    month = pd.to_datetime(r["detention_time"]).dt.strftime("%Y-%m")
    small = np.flatnonzero(month == "2023-05")
    r = r.drop(r.index[small[3:]])                      # 3 detentions in May 2023
    assert pd.to_datetime(r["detention_time"]).notna().all()
    r.to_csv(tmp_path / "s136.csv", index=False)
    out = build_report(tmp_path, 'title = "T"\narea = "Hertfordshire"\n[s136]\nfile = "s136.csv"\nsplit = "2024-01-01"\n')
    total = pd.read_csv(out / "s136_durations.csv")["detentions"].iloc[0]
    assert int(total) == len(r)                         # the published total is every (dated) detention
    page = (out / "index.html").read_text()
    # (w51d, session 30: "2 months", no "(s)")
    hidden = re.findall(r"(\d+) months? with suppressed counts not shown", page)
    assert hidden and int(hidden[0]) >= 2               # one hidden month alone = total - the others

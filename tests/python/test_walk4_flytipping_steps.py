"""Walk-through 4: a council's fly-tipping count that doubles in one year (Camden 2017/18 -> 2018/19:
12,170 -> 25,765; Welwyn Hatfield 2019/20 -> 2020/21: 1,700 -> 4,836) may be a change in what it
counts (a new reporting app) as much as in fly-tipping. Only 4-fold steps were named before; a
Camden report said "Fly-tipping in Camden rose by an average of 21% a year" with no word of the
step. Now the section names every 2-fold (or halving) step and the trend finding carries it.

Session 12: Welwyn Hatfield's step is a published change of Defra's reporting basis (customer/public
reports only in 2019/20, all incidents from 2020/21): it is left out of the trend and named in the
reporting-basis sentence instead (tests/python/test_flytipping_basis_change.py), so the doubling
sentence names Watford only."""

import pandas as pd

from saferstats.report.sections import _flytipping
from saferstats.report.summary import _flytipping as findings

DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
HERTS = ["Broxbourne", "Dacorum", "East Hertfordshire", "Hertsmere", "North Hertfordshire", "St Albans", "Stevenage",
         "Three Rivers", "Watford", "Welwyn Hatfield"]


def _steps(shared_data, names):
    raw = pd.read_excel(shared_data / DEFRA, sheet_name="LA_incidents", header=2)
    raw["LA Name"] = raw["LA Name"].astype(str).str.strip()
    raw = raw[raw["LA Name"].isin(names)].sort_values(["LA Name", "Year"])
    y = pd.to_numeric(raw["Total Incidents"], errors="coerce")
    prev = y.groupby(raw["LA Name"]).shift()
    fold = (y / prev).where(y / prev >= 1, prev / y)
    hit = raw[(fold >= 2) & (fold < 4)]
    return {r["LA Name"]: f"{int(prev[i]):,} to {int(y[i]):,}" for i, r in hit.iterrows()}


def test_doubling_steps_are_named(shared_data):
    want = _steps(shared_data, HERTS)
    assert want == {"Watford": "612 to 1,815", "Welwyn Hatfield": "1,700 to 4,836"}
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
    s = _flytipping(cfg, {"file": str(shared_data / DEFRA)})
    assert "doubled or halved (or more) from one year to the next for 1 authority: Watford" in s.intro
    assert "Watford (" in s.intro and want["Watford"] in s.intro
    assert "Welwyn Hatfield (2019/20: customer/public reported only, 1,700; 2020/21: all incidents, 4,836;" in s.intro


def test_trend_finding_carries_the_step(shared_data):
    want = _steps(shared_data, ["Camden"])
    assert want == {"Camden": "12,170 to 25,765"}
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Camden"}
    s = _flytipping(cfg, {"file": str(shared_data / DEFRA)})
    text = [t for t in findings(s, cfg) if t.startswith("Fly-tipping in Camden")]
    # said as the change it was (walk 21: "doubled or halved" read as either); session 18 (w23a): "went from", and
    # the trend since the step, not the whole series' across it
    assert text and text[0].startswith("Fly-tipping in Camden went from 12,170 to 25,765 incidents in one year (2017/18 "
                                       "to 2018/19), possibly a change in recording")
    assert "Since the step, fly-tipping in Camden, 2018/19 to 2021/22" in text[0]

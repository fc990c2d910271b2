"""Walk-through 4: the Panel asks what hate crime looks like in its area ("by far the greatest
number ... because of the victim's perceived race"); the Home Office table by force gives the
motivating factors, but the report showed none of them. Now a report for a police force area (or
a CSP inside one) has a table of its force's factors by year, with all forces for comparison, and
a finding naming the most common factor; small factors (the City of London's 1 disability and 3
transgender factors in 2018/19) are hidden so that none can be worked back from the published
total of factors. Also: the section title said "districts" for a table of police force areas."""

import csv
import sys
from pathlib import Path

import pandas as pd

from saferstats.report.sections import _hate_crime
from saferstats.report.summary import _hate_crime as findings

sys.path.insert(0, str(Path(__file__).parent))
from disclosure_attack import Attack, is_hidden  # noqa: E402

TABLE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"
FACTORS = {"Race": "Race", "Religion": "Total Religion", "Sexual orientation": "Sexual orientation",
           "Disability": "Disability", "Transgender": "Transgender"}


def _raw(shared_data):
    with open(shared_data / TABLE, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _section(shared_data, area):
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": area}
    s = _hate_crime(cfg, {"file": str(shared_data / TABLE)})
    return s, cfg, next(t.frame for t in s.tables if t.name == "hate_crime_factors")


def test_factors_of_a_csps_force_match_the_published_table(shared_data):
    raw = _raw(shared_data)
    s, cfg, f = _section(shared_data, "Stevenage")  # a CSP: its force's factors
    assert "police force areas that stand out" in s.title and "districts" not in s.title
    for year, per in (("2017-18", "2017/18"), ("2018-19", "2018/19")):
        herts = next(r for r in raw if r["Force"] == "Hertfordshire" and r["Year"] == year)
        total = sum(int(herts[c]) for c in FACTORS.values())
        assert total == int(herts["Total number of motivating factors"])
        every = {k: sum(int(r[c]) for r in raw if r["Year"] == year) for k, c in FACTORS.items()}
        for k, c in FACTORS.items():
            own = f[(f.force == "Hertfordshire") & (f.period == per) & (f.factor == k)].iloc[0]
            assert int(own["count"]) == int(herts[c])
            assert abs(float(own["percent"]) - 100 * int(herts[c]) / total) < 1e-9  # exact; the CSV keeps 1 decimal
            allf = f[(f.force == "All forces in the table") & (f.period == per) & (f.factor == k)].iloc[0]
            assert int(allf["count"]) == every[k]
    text = " ".join(findings(s, cfg))
    assert ("In Hertfordshire in 2018/19, race was the motivating factor recorded most often in hate crime offences: "
            "1,228 factors, 73% of all recorded") in text


def test_small_factors_of_the_city_of_london_cannot_be_worked_back(shared_data):
    raw = _raw(shared_data)
    _, _, f = _section(shared_data, "City of London")
    own = f[f.force == "London, City of"].reset_index(drop=True)
    truth = own.copy()
    for i, r in own.iterrows():
        row = next(x for x in raw if x["Force"] == "London, City of" and x["Year"] == r["period"].replace("/", "-"))
        truth.at[i, "count"] = float(row[FACTORS[r["factor"]]])
    small = truth[(truth["count"] > 0) & (truth["count"] < 5)]
    assert len(small) == 2 and all(is_hidden(own.at[i, "count"]) and is_hidden(own.at[i, "percent"]) for i in small.index)
    # the attacker knows each year's total of factors (published) and each factor's total over the years
    a = Attack()
    a.table("factors", own, truth, ["count"])
    a.totals_over_keys("factors", ["period", "factor"], "count")
    assert a.run() == []
    # a published percent beside a published count gives the year's total only, which is known anyway
    assert pd.to_numeric(own["count"], errors="coerce").notna().sum() >= 4

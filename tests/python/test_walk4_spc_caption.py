"""Walk-through 4: the report's SPC chart of the Home Office monthly racially or religiously
aggravated offences (Figure 2 of the 2018/19 bulletin, as published) gives limits of 2,899.7 to
4,685.0. By hand from the published months, mean ± 2.66 × the plain average moving range is
2,859.3 to 4,725.5; the report's limits are right only once the one moving range of 3.267 × the
average or more is screened out (as ss.spc documents). The caption said only "mean ± 2.66 ×
average moving range", so a reader re-computing the limits could not match them."""

import csv

import numpy as np

from saferstats.report.sections import _hate_crime

FIG2 = "hate_crime/home_office_by_force_2017-18_2018-19/DERIVED_hate-crime-1819-hosb2419-tables_Figure_2.csv"
ODS = "hate_crime/home_office_by_force_2017-18_2018-19/hate-crime-1819-hosb2419-tables.ods"
TABLE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _months(shared_data):
    with open(shared_data / FIG2, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    years = next(r for r in rows if len(r) > 8 and r[2] == "2013")
    out = []
    for r in rows:
        if r and r[0] in MONTHS:
            for col in range(2, min(len(r), len(years))):
                if r[col].strip():
                    out.append((int(years[col]), MONTHS.index(r[0]), float(r[col].replace(",", ""))))
    return np.array([v for *_, v in sorted(out)])


def test_spc_limits_and_caption_say_how_they_were_computed(shared_data):
    x = _months(shared_data)
    assert len(x) == 72
    mr = np.abs(np.diff(x))
    kept = mr[mr < 3.267 * mr.mean()]
    assert len(kept) == len(mr) - 1
    want = (x.mean() - 2.66 * kept.mean(), x.mean() + 2.66 * kept.mean())
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
    s = _hate_crime(cfg, {"file": str(shared_data / TABLE), "monthly": str(shared_data / ODS), "monthly_sheet": "Figure_2"})
    spc = next(t.frame for t in s.tables if t.name == "hate_crime_spc").iloc[0]
    assert np.isclose(spc["lower process limit"], want[0], atol=0.05)
    assert np.isclose(spc["upper process limit"], want[1], atol=0.05)
    caption = next(f.caption for f in s.figures if f.name == "hate_crime_spc")
    assert "3.267" in caption and "screened out" in caption

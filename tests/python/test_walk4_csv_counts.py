"""Walk-through 4: the report's CSVs wrote counts and populations that had passed through a float
column as "3138.0" / "567700.0" (hate_crime_change.csv, hate_crime_rates.csv, flytipping_rates.csv);
a Panel analyst pasting them into a spreadsheet or another tool got decimals for whole numbers. The
numbers are checked against the published CSV read with the csv module."""

import csv

from saferstats.report import csv_safe
from saferstats.report.sections import _hate_crime

TABLE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"


def test_counts_and_populations_are_whole_numbers_in_the_csv(shared_data, tmp_path):
    with open(shared_data / TABLE, newline="", encoding="utf-8-sig") as fh:
        raw = {(r["Force"], r["Year"].replace("-", "/")): r for r in csv.DictReader(fh)}
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
    s = _hate_crime(cfg, {"file": str(shared_data / TABLE)})
    for name in ("hate_crime_change", "hate_crime_rates"):
        frame = next(t.frame for t in s.tables if t.name == name)
        path = tmp_path / f"{name}.csv"
        csv_safe(frame).to_csv(path, index=False)  # as the report writes its CSVs
        with open(path, newline="") as fh:
            rows = list(csv.DictReader(fh))
        for r in rows:
            if name == "hate_crime_change":
                want = raw[(r["force"], r["period_to"])]["Total number of offences"]
                assert r["count_to"] == want and "." not in r["count_from"]
            else:
                src = raw[(r["force"], r["period"])]
                assert r["offences"] == src["Total number of offences"]
                assert r["population"] == src["Population"].replace(",", "")

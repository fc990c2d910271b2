"""read_stop_search: `month` is the UK local month, as police.uk files a search (walk-through 4).

The City of London 2023 re-export names each record's police.uk file (`file_name`). Three
records of the June file are dated 2023-05-31 23:00 (UTC: midnight on 1 June, BST); `month`
was taken from the UTC timestamp, so May had 220 searches and June 166 where police.uk (and the
Home Office) count 217 and 169. Expected counts: the csv module over `file_name`.
"""

from __future__ import annotations

import collections
import csv

import saferstats


def test_city_2023_months_match_the_police_uk_files(shared_data):
    path = shared_data / "stop_search" / "city_of_london_2023" / "stop_and_search.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        expected = collections.Counter(r["file_name"][:7] for r in csv.DictReader(fh, delimiter=";"))
    got = saferstats.read_stop_search(path)["month"].value_counts()
    assert {m: int(got[m]) for m in expected} == dict(expected)
    assert expected["2023-05"] == 217 and expected["2023-06"] == 169


def test_summer_midnight_is_the_next_month_and_winter_unchanged(tmp_path):
    header = ("Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
              "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
              "Outcome linked to object of search,Removal of more than just outer clothing\n")
    row = "Person search,{},,,,,Male,18-24,,White,,Controlled drugs,Arrest,True,False\n"
    f = tmp_path / "2023-06-essex-stop-and-search.csv"
    f.write_text(header + row.format("2023-05-31T23:30:00+00:00") + row.format("2023-06-01T00:30:00+01:00")
                 + row.format("2023-12-31T23:30:00+00:00"), encoding="utf-8")
    out = saferstats.read_stop_search(f)
    assert list(out["month"].astype(str)) == ["2023-06", "2023-06", "2023-12"]
    assert str(out["date"].iloc[0]) == "2023-05-31 23:30:00+00:00"  # the timestamp itself stays UTC

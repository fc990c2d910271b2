"""Session 26 (w41e): the stop-and-search report by split, follow-ups of w40b.

1. The arrest paragraph's searches with no recorded outcome named a group's stratum by the last
   ``by`` column: by ``["force", "gender"]`` (police.uk Leicestershire, Dec 2019 - Feb 2020, whose
   force total of 10 is not published: it would hide White people's 392) "6 of White people's 351
   searches" said nothing of the 351 being the men's (by age range it would have read "in 18-24",
   without the force). It now names the force and the split.
2. With one legislation split, a list of legislations read ambiguously ("(Criminal Justice and
   Public Order Act 1994 (section 60) and no legislation recorded)", City of London 2023): values
   with an "and" of their own are quoted when joined (``report.splits.split_names``).
3. The find-rate finding by month said "in 2020-01" where the rest of the report says "Jan 2020".

Independent references: counts and find rates from the raw police.uk files with pandas.
"""

from __future__ import annotations

import glob
import re
import warnings

import pandas as pd

from conftest import shared_path
import test_report_w36a
from test_report_w36a import CITY_2023, _city_config, _report
import test_report_w38a
from test_report_w38a import _findings
from test_report_w40b import _raw  # (searches with a stated ethnicity, their broad group and month)
from saferstats.report import summary
from saferstats.report.sections import _stop_search
import saferstats.report.splits as _splits

city_residents = test_report_w36a.city_residents  # (fixtures)
city_raw = test_report_w38a.city_raw
SEVEN = "stop_search/policeuk_7forces_2019-12_to_2020-02"
CFG = {"confidence": 0.95, "disclosure_threshold": 5}


# ------------------------------------------------------------------ 1. no outcome: the force and the split

def test_no_outcome_by_force_and_gender_names_the_force_and_the_split(shared_data) -> None:
    files = sorted(glob.glob(str(shared_path(shared_data, SEVEN) / "*-leicestershire-*.csv")))
    raw = _raw(files)
    white_men = raw[(raw["broad"] == "White") & (raw["Gender"] == "Male")]
    searches, missing = len(white_men), int(white_men["Outcome"].isna().sum())
    assert (searches, missing) == (351, 6)
    assert int(raw["Outcome"].isna().sum()) == 10  # the force's total, not published (w31c)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search({**CFG, "area": "Leicestershire"}, {"files": files, "by": ["force", "gender"], "census": "auto"})
    assert (f" Some searches had no recorded outcome: {missing} of White people's {searches} searches in "
            "Leicestershire (Male) (a group's number is its searches in the search-rate table less those") in s.intro
    assert f"White people's {searches} searches (" not in s.intro
    assert "10 (1." not in s.intro
    # the arrest table's number is the searches less those with no outcome, as the text says
    a = s.tables[-1].frame
    assert s.tables[-1].name == "stop_search_arrest_rates"
    row = a[(a["gender"].astype(str) == "Male") & (a["group"].astype(str) == "White")]
    assert int(row["n"].iloc[0]) == searches - missing


# ------------------------------------------------------------------ 2. legislations with "and": quoted

def test_split_names_quotes_values_with_and() -> None:
    assert _splits.split_names(["Criminal Justice and Public Order Act 1994 (section 60)", "no legislation recorded"]) == \
        "'Criminal Justice and Public Order Act 1994 (section 60)' and 'no legislation recorded'"
    assert _splits.split_names(["Firearms Act 1968 (section 47)", "no legislation recorded"]) == \
        "Firearms Act 1968 (section 47) and no legislation recorded"


def test_city_by_legislation_caveat_quotes_the_legislations(tmp_path, capsys, shared_data, city_raw) -> None:
    s60 = "Criminal Justice and Public Order Act 1994 (section 60)"
    n = city_raw.assign(legislation=city_raw["legislation"].fillna("no legislation recorded")) \
        .groupby(["legislation", "broad"]).size()
    text, _, _ = _report(tmp_path, capsys, _city_config(shared_path(shared_data, CITY_2023), '["force", "legislation"]'))
    # Black and Other people were searched under section 60 and with no legislation recorded, and their
    # counts there are suppressed (below 5, or hidden to protect one: Other's 2 with no legislation)
    disp = pd.read_csv(tmp_path / "o" / "stop_search_disproportionality.csv", dtype=str).set_index(["legislation", "group"])
    assert n[("no legislation recorded", "Other")] < 5
    for leg in (s60, "no legislation recorded"):
        for g in ("Black", "Other"):
            assert n.get((leg, g), 0) > 0 and disp.loc[(leg, g), "searches"] == "[c]", (leg, g)
    said = _findings(text)
    suppressed = re.search(r"; ([^;]*): counts suppressed, so their ratios are not shown", said)
    assert suppressed, said
    assert f"Black and Other ('{s60}' and 'no legislation recorded')" in suppressed.group(1)
    assert f"{s60} and no legislation recorded" not in said


# ------------------------------------------------------------------ 3. a month as the report says it

def test_find_item_by_month_says_the_month_as_the_report_does(shared_data) -> None:
    files = sorted(glob.glob(str(shared_path(shared_data, SEVEN) / "*-south-yorkshire-*.csv")))
    raw = _raw(files)
    flagged = raw[raw["Outcome linked to object of search"].notna()]
    rate = flagged.assign(hit=flagged["Outcome linked to object of search"].str.lower().eq("true")) \
        .groupby(["month", "broad"])["hit"].mean()
    want = (f"Asian people in South Yorkshire in Jan 2020 ({rate[('2020-01', 'Asian')]:.0%} against "
            f"{rate[('2020-01', 'White')]:.0%}, higher)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search({**CFG, "area": "Sheffield"}, {"files": files, "by": ["force", "month"], "census": "auto"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = summary._stop_search(s, {**CFG, "area": "Sheffield"})
    find = next(x for x in found if x.startswith("Find rates"))
    assert want in find, find
    assert "in 2020-0" not in find and "in 2019-12" not in find

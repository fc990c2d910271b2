"""Session 30 (mend of w49a): ``disproportionality.left_out_csp`` found what a left-out CSP lacks by
cutting the record's ``reason`` text after " (lacking " — a reworded reason would have given a wrong
sentence. ``read_census_ethnicity(<authority TS021>, level="csp")`` now records ``lacking`` in each
``attrs["dropped"]`` record, and ``left_out_csp`` reads it.

Independent reference: the raw ONS lookups (LTLA 2024 -> CSP 2024) in ``population/census2021_ew``:
the authority each left-out CSP is part of.
"""

from __future__ import annotations

import warnings

import pandas as pd

import saferstats as ss
from saferstats.disproportionality import left_out_csp
from conftest import shared_path

CEN = "population/census2021_ew/"
LA_FILE = CEN + "ts021_ethnic_group_detailed_ltla21.csv"


def test_dropped_records_say_what_the_csp_lacks(shared_data):
    csp = pd.read_csv(shared_path(shared_data, CEN + "lookup_ltla24_csp24_pfa24.csv"), dtype=str)
    per_la = csp.groupby("ltla24_code")["csp24_code"].nunique()
    split = set(per_la[per_la > 1].index)  # authorities split across CSPs
    la_name = csp.drop_duplicates("ltla24_code").set_index("ltla24_code")["ltla24_name"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        pop = ss.read_census_ethnicity(shared_path(shared_data, LA_FILE), level="csp")
    recs = [r for r in pop.attrs["dropped"] if isinstance(r, dict) and "csp_residents" in r]
    assert len({r["csp_code"] for r in recs}) == 15
    for r in recs:
        mine = set(csp.loc[csp["csp24_code"] == r["csp_code"], "ltla24_code"]) & split
        assert len(mine) == 1, r["csp"]
        la = mine.pop()
        assert r["lacking"].startswith(f"its part of {la_name[la]}"), (r["csp"], r["lacking"])
        assert f"(lacking {r['lacking']})" in r["reason"]


def test_left_out_csp_reads_the_record_not_its_wording():
    """Before: a reason worded otherwise gave "lacks <the whole reason cut at its last character>"."""
    rec = {"source_file": "ltla.csv", "source_line": 7, "csp": "Wycombe", "csp_code": "E22000318",
           "csp_residents": 180669, "lacking": "its part of Buckinghamshire (E06000060)",
           "reason": "left out: Buckinghamshire is split across CSPs"}
    said = left_out_csp([rec], "Wycombe")
    assert said is not None
    assert "the CSP lacks its part of Buckinghamshire (E06000060) (line 7)" in said
    assert "180,669 residents" in said

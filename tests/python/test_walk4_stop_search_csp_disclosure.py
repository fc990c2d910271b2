"""Walk-through 4, a CSP in a two-tier county (Basildon, Essex) with ``[stop_search] by =
["csp"]`` on the police.uk files as published. Essex records 'outcome linked to object of search'
on every search, so the find-rate table's Number is each group's searches. Before, the report hid
Basildon's Black (36) and Mixed (12) searches in the rates table (secondary suppression, to protect
Other = 2) but published 36 and 12 as the Number in the find table: with Basildon's total searches
(which the report assumes known) Other = total - 18 - 455 - 36 - 12 = 2 came straight back.

Session 9: the securing also hid Asian (18) and Black (36), which protected nothing once Mixed (12)
was hidden with Other; the core now publishes again every secondary cell not needed."""

import sys
from pathlib import Path


import saferstats as ss
from saferstats.report.sections import _stop_search

sys.path.insert(0, str(Path(__file__).parent))
from disclosure_attack import Attack, is_hidden  # noqa: E402

FOLDER = "stop_search/policeuk_7forces_2019-12_to_2020-02"


def test_find_table_number_does_not_give_back_hidden_searches(shared_data, tmp_path):
    files = sorted((shared_data / FOLDER).glob("*-essex-stop-and-search.csv"))
    assert len(files) == 3
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Basildon"}
    s = _stop_search(cfg, {"files": [str(f) for f in files], "by": ["csp"], "census": "2011"})
    disp = next(t.frame for t in s.tables if t.name == "stop_search_disproportionality").reset_index(drop=True)
    finds = next(t.frame for t in s.tables if t.name == "stop_search_find_rates").reset_index(drop=True)
    # the truth, unsuppressed, from the package's own functions on the same files
    recs = ss.read_stop_search([str(f) for f in files])
    d_true = ss.disproportionality(recs, None, by=["csp"], census=2011)
    f_true = ss.outcome_test(recs, outcome="find", by=["csp"])
    key = ["csp", "group"]
    d_true = disp[key].merge(d_true, on=key, how="left")
    f_true = finds[key].merge(f_true, on=key, how="left")
    b = d_true[d_true.csp == "Basildon"].set_index("group")["searches"]
    assert b.to_dict() == {"Asian": 18, "Black": 36, "Mixed": 12, "Other": 2, "White": 455}  # the premise
    a = Attack()
    a.table("rates", disp, d_true, ["searches"])
    a.table("finds", finds, f_true, ["n", "hits"])
    a.totals_over_keys("rates", key, "searches")  # searches by CSP and by group: assumed known
    at = {tuple(r): i for i, r in enumerate(disp[key].itertuples(index=False))}
    leaks = []
    for j, r in enumerate(finds[key].itertuples(index=False)):
        i = at.get(tuple(r))
        if i is None:
            continue
        if f_true.at[j, "n"] == d_true.at[i, "searches"]:  # every search flagged: n is the searches count
            a.relation([("finds", j, "n")], [("rates", i, "searches")])
            if is_hidden(disp.at[i, "searches"]) != is_hidden(finds.at[j, "n"]):
                leaks.append(tuple(r))
        a.subset(("finds", j, "hits"), ("finds", j, "n"), ("finds", j, "misses"))
    assert leaks == []
    assert a.run() == []
    # no more hidden than needed: Mixed protects Other (2) against Basildon's total; Asian, Black
    # and White are published (and Other's secondary partner is one cell, not three)
    shown = disp[disp.csp == "Basildon"].set_index("group")["searches"]
    assert [g for g in shown.index if is_hidden(shown[g])] == ["Mixed", "Other"]
    assert shown[["Asian", "Black", "White"]].astype(int).tolist() == [18, 36, 455]
    # labels that depend on a hidden count are hidden with it: 'reliable' True said Mixed had 10 or
    # more searches (with the CSP's total, Other then had at most 4)
    gone = disp["searches"].map(is_hidden)
    assert disp.loc[gone, "reliable"].map(is_hidden).all() and disp.loc[gone, "ratio_method"].map(is_hidden).all()

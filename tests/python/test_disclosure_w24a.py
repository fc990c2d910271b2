"""The stop-and-search tables by CSP and month against the Home Office's force x ethnicity totals
(session 18, w24a). A reader who knows each force's searches by ethnic group for the period (the
Home Office publishes them) and each CSP's searches a month (police.uk) must not get a hidden count
of the report's CSP x month x group table back.

The report's audit takes each CSP's searches by group over the months as known; their sum over a
force's CSPs is the force's total, so that total is covered (police.uk, Derbyshire by CSP and month:
the force's totals give nothing back) - except where a CSP has one month in the table (a total of
one cell is not a margin): then the force's total was not in the audit, which called a count
protected that the total gave back. The force's total by group is now a margin of its own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from disclosure_attack import Attack

MARK = "[c]"


def _frame() -> pd.DataFrame:
    """Two Leicestershire CSPs: Charnwood in two months, Leicester in one (its other months had no
    searches, so the table has no rows for them)."""
    rows = [("Charnwood", "E22000165", "2020-01", "Black", 20), ("Charnwood", "E22000165", "2020-01", "White", 30),
            ("Charnwood", "E22000165", "2020-02", "Black", 25), ("Charnwood", "E22000165", "2020-02", "White", 35),
            ("Leicester", "E22000168", "2020-01", "Black", 2), ("Leicester", "E22000168", "2020-01", "White", 40)]
    return pd.DataFrame(rows, columns=["csp", "csp_code", "month", "group", "searches"])


def _protect(frame: pd.DataFrame, by: list[str], threshold: float = 5) -> tuple[np.ndarray, list[int]]:
    """The report's audit of the searches table (report/sections.py, _stop_search): each cell a
    count, the known totals of _search_totals as margins, primary and secondary suppression; the
    hidden cells and the cells the audit could not protect (the report warns of them)."""
    from saferstats.disclosure import _Cells
    from saferstats.report.sections import _positive_hidden, _search_totals

    cells = _Cells()
    ids = np.array([cells.add(float(v)) for v in frame["searches"]], dtype=np.int64)
    known = _search_totals(frame, by)
    for labels in known:
        for g in np.unique(labels):
            members = sorted({int(x) for x in ids[labels == g]})
            if len(members) > 1:
                cells.margin(members)
    reason, unprotected = cells.solve(threshold=threshold, zeros=False, secondary=True)
    values = frame["searches"].to_numpy(dtype=float)
    return _positive_hidden(values, (reason > 0)[ids].copy(), known), list(unprotected)


def _attack(frame: pd.DataFrame, hidden: np.ndarray, force: np.ndarray) -> list:
    """What a reader recovers from the published cells, each CSP's searches a month and each
    force's searches by group over the period (its CSPs and months)."""
    published = frame[["searches"]].astype(object).copy()
    published.loc[hidden, "searches"] = MARK
    a = Attack()
    a.table("s", published, frame[["searches"]], ["searches"])
    for rows in frame.groupby(["csp", "month"]).groups.values():
        a.total(("s", r, "searches") for r in rows)
    for rows in frame.assign(_force=force).groupby(["_force", "group"]).groups.values():
        a.total(("s", r, "searches") for r in rows)
    return a.linear()


def test_force_by_group_is_a_known_total_by_csp_and_month():
    """by CSP and month: a label whose rows are one force's searches of one group over its CSPs and
    months (before, only each CSP's over the months, and Leicester's one month was no margin)."""
    from saferstats.report.sections import _search_totals

    frame = _frame()
    parts = [sorted(map(tuple, frame.loc[lab == v, ["csp", "month", "group"]].to_numpy().tolist()))
             for lab in _search_totals(frame, ["csp", "month"]) for v in np.unique(lab)]
    assert [("Charnwood", "2020-01", "Black"), ("Charnwood", "2020-02", "Black"), ("Leicester", "2020-01", "Black")] in parts
    assert [("Charnwood", "2020-01", "White"), ("Charnwood", "2020-02", "White"), ("Leicester", "2020-01", "White")] in parts


def test_csp_with_one_month_given_back_by_the_forces_total_is_reported():
    """Leicester has one month (2 Black, 40 White searches), Charnwood two (all counts 20 or more).
    Before, the audit did not know Leicestershire's 47 Black searches (Home Office): it hid Leicester's
    2, said nothing, and a reader had them back as 47 - 20 - 25. The audit takes the total now; since
    it also takes each CSP's searches by group over the months as known (more than is published,
    E7), it finds the 2 cannot be protected and says so (the report's 'cannot be protected' note)."""
    frame = _frame()
    force = np.array(["leicestershire"] * len(frame))
    hidden, unprotected = _protect(frame, ["csp", "month"])
    assert hidden.tolist() == [False, False, False, False, True, False]
    assert unprotected  # before: [] - the audit believed the 2 protected
    found = _attack(frame, hidden, force)
    assert [(f.cell, f.true) for f in found] == [(("s", 4, "searches"), 2.0)]


def test_derbyshire_by_csp_and_month_force_totals_give_nothing_more(tmp_path, shared_data):
    """police.uk, Derbyshire, Dec 2019 - Feb 2020, by CSP and month (every CSP has two months or
    more): Derbyshire's searches by group over the period add nothing to what each CSP's month total
    gives. The CSP months whose only searches are of White people (Bolsover 2020-01: 2, 2020-02: 4;
    North East Derbyshire 2020-01: 4) are their month's total, which no suppression of non-zero
    counts can hide; the report says so (6 counts 'cannot be protected'). No other hidden count is
    pinned, by the month totals, the force's totals, or both."""
    import warnings

    import saferstats
    from conftest import build_report

    folder = shared_data / "stop_search/policeuk_7forces_2019-12_to_2020-02"
    files = sorted(folder.glob("*-derbyshire-stop-and-search.csv"))
    if len(files) != 3:
        pytest.skip("the Derbyshire files are not all present")
    names = ", ".join(f'"{f}"' for f in files)
    out = build_report(tmp_path, f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = [{names}]\n'
                                 'by = ["csp", "month"]\ncensus = "2011"\n')
    disp = pd.read_csv(out / "stop_search_disproportionality.csv", dtype=str, keep_default_na=False)
    assert "6 small count(s) in the stop and search tables cannot be protected" in (out / "index.html").read_text()
    key = ["csp", "month", "group"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recs = saferstats.read_stop_search([str(f) for f in files])
        true = saferstats.disproportionality(recs, None, by=["csp", "month"], census=2011)
    true = true.assign(month=true["month"].astype(str), csp=true["csp"].astype(str))[key + ["searches"]]
    truth = disp[key].merge(true, on=key, how="left").fillna({"searches": 0})
    assert len(truth) == len(disp) and (disp["searches"] == MARK).sum() > 40
    shown = disp["searches"] != MARK
    assert (truth.loc[shown, "searches"].astype(int).astype(str) == disp.loc[shown, "searches"]).all()

    def attack(months: bool, force: bool) -> list:
        a = Attack()
        a.table("s", disp[["searches"]], truth[["searches"]], ["searches"])
        for rows in disp.groupby(["csp", "month"]).groups.values() if months else ():
            a.total(("s", r, "searches") for r in rows)
        for rows in disp.groupby("group").groups.values() if force else ():  # one force: its total by group
            a.total(("s", r, "searches") for r in rows)
        return sorted((disp.at[f.cell[1], "csp"], disp.at[f.cell[1], "month"], f.true) for f in a.linear())

    row_only = [("Bolsover", "2020-01", 2.0), ("Bolsover", "2020-02", 4.0), ("North East Derbyshire", "2020-01", 4.0)]
    assert attack(True, False) == row_only
    assert attack(False, True) == []
    assert attack(True, True) == row_only

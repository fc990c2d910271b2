"""The stop-and-search tables by CSP and month against the Home Office's force x ethnicity totals
(session 18, w24a). A reader who knows each force's searches by ethnic group for the period (the
Home Office publishes them) and each CSP's searches a month (police.uk) must not get a hidden count
of the report's CSP x month x group table back.

The report's audit took each CSP's searches by group over the months as known; their sum over a
force's CSPs is the force's total, so that total was covered (police.uk, Derbyshire by CSP and month:
the force's totals give nothing back) - except where a CSP has one month in the table (a total of
one cell is not a margin): then the force's total was not in the audit, which called a count
protected that the total gave back. The force's total by group is now a margin of its own. Since
session 19 (w25d) the CSPs' totals over the months are no longer taken as known (no one publishes
them): tests updated below."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from disclosure_attack import Attack
from search_audit import csp_month_attack, leicestershire_csp_months, report_search_audit

MARK = "[c]"


def test_force_by_group_is_a_known_total_by_csp_and_month():
    """by CSP and month: a label whose rows are one force's searches of one group over its CSPs and
    months (before, only each CSP's over the months, and Leicester's one month was no margin)."""
    from saferstats.report.sections import _search_totals

    frame = leicestershire_csp_months()
    parts = [sorted(map(tuple, frame.loc[lab == v, ["csp", "month", "group"]].to_numpy().tolist()))
             for lab in _search_totals(frame, ["csp", "month"]) for v in np.unique(lab)]
    assert [("Charnwood", "2020-01", "Black"), ("Charnwood", "2020-02", "Black"), ("Leicester", "2020-01", "Black")] in parts
    assert [("Charnwood", "2020-01", "White"), ("Charnwood", "2020-02", "White"), ("Leicester", "2020-01", "White")] in parts


def test_csp_with_one_month_given_back_by_the_forces_total_is_reported():
    """Leicester has one month (2 Black, 40 White searches), Charnwood two (all counts 20 or more).
    Before, the audit did not know Leicestershire's 47 Black searches (Home Office): it hid Leicester's
    2, said nothing, and a reader had them back as 47 - 20 - 25. The audit takes the total now. In
    session 18 it also took each CSP's searches by group over the months as known (more than is
    published), under which Leicester's one month is a total of one cell: the 2 was reported as
    'cannot be protected' and left for a reader to take back. Since session 19 (w25d) it takes the
    force's totals only (E7), and protects the 2 with Charnwood's January: nothing is given back."""
    frame = leicestershire_csp_months()
    force = np.array(["leicestershire"] * len(frame))
    hidden, unprotected = report_search_audit(frame, ["csp", "month"])
    assert hidden.tolist() == [True, True, False, False, True, True]
    assert unprotected == []  # session 18: reported as unprotected, and given back below
    assert csp_month_attack(frame, hidden, force) == []


def test_derbyshire_by_csp_and_month_force_totals_give_nothing_more(tmp_path, shared_data):
    """police.uk, Derbyshire, Dec 2019 - Feb 2020, by CSP and month (every CSP has two months or
    more): Derbyshire's searches by group over the period add nothing to what each CSP's month total
    gives. The CSP months whose only searches are of White people (Bolsover 2020-01: 2, 2020-02: 4;
    North East Derbyshire 2020-01: 4) are their month's total unless a zero of the month is hidden
    too. In session 18 the audit took each CSP's searches by group over the months as known, under
    which those zeros were pinned (Bolsover's Asian, Black and Mixed totals are 0): the report said
    6 counts 'cannot be protected' and the month totals gave the three back (54 counts hidden, the
    largest 45). Since session 19 (w25d) the audit takes the force's totals by group, as published
    (E7): it hides a zero of each such month, nothing is given back by the month totals, the force's
    totals or both, and 47 counts are hidden, none above 14."""
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
    assert "cannot be protected" not in (out / "index.html").read_text()  # session 18: 6 counts
    key = ["csp", "month", "group"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recs = saferstats.read_stop_search([str(f) for f in files])
        true = saferstats.disproportionality(recs, None, by=["csp", "month"], census=2011)
    true = true.assign(month=true["month"].astype(str), csp=true["csp"].astype(str))[key + ["searches"]]
    truth = disp[key].merge(true, on=key, how="left").fillna({"searches": 0})
    # session 23: 46, the largest 4 (a zero hidden where that spares a White count, E8; was 47, the largest 14);
    # session 29 (w48b): 30 — the find counts the page withholds are unpublished in the report's audit, not
    # published cells that the searches had to be hidden around (the attacks below still recover nothing)
    assert len(truth) == len(disp) and (disp["searches"] == MARK).sum() == 30  # session 18: 54
    assert truth.loc[disp["searches"] == MARK, "searches"].max() == 4  # session 18: 45
    shown = disp["searches"] != MARK
    assert (truth.loc[shown, "searches"].astype(int).astype(str) == disp.loc[shown, "searches"]).all()

    def attack(months: bool, force: bool) -> list:
        a = Attack()
        a.table("s", disp[["searches"]], truth[["searches"]], ["searches"])
        for rows in disp.groupby(["csp", "month"]).groups.values() if months else ():
            a.total(("s", r, "searches") for r in rows)
        for rows in disp.groupby("group").groups.values() if force else ():  # one force: its total by group
            a.total(("s", r, "searches") for r in rows)
        return sorted((disp.at[f.cell[1], "csp"], disp.at[f.cell[1], "month"], f.true) for f in a.linear(floor_one=True))

    # session 18: the month totals gave back Bolsover 2020-01 (2), 2020-02 (4), North East Derbyshire 2020-01 (4)
    assert attack(True, False) == []
    assert attack(False, True) == []
    assert attack(True, True) == []


# ------------------------------------------------------------------ suppress(published_totals=)

def _searches_cube() -> pd.DataFrame:
    """Two forces x two months x two groups; force A has a count of 2."""
    return pd.DataFrame({"force": ["A"] * 4 + ["B"] * 4, "month": ["2020-01", "2020-01", "2020-02", "2020-02"] * 2,
                         "group": ["Black", "White"] * 4, "searches": [2, 50, 30, 60, 40, 70, 35, 80]})


def _totals_attack(published: pd.DataFrame, truth: pd.DataFrame, declared: list[list[str]],
                   floor_one: bool = False) -> list:
    a = Attack()
    a.table("s", published[["searches"]], truth[["searches"]], ["searches"])
    for d in declared:
        groups = truth.groupby(d).groups.values() if d else [truth.index]
        for rows in groups:
            a.total(("s", r, "searches") for r in rows)
    return a.linear(floor_one=floor_one)


def test_published_totals_default_unchanged():
    """Without ``published_totals`` (or with None) every key summed out given the others is known,
    as before: the same table as declaring those three totals."""
    import saferstats

    t = _searches_cube()
    keys = ["force", "month", "group"]
    default = saferstats.suppress(t, keys=keys)
    assert default["searches"].tolist() == [MARK] * 8  # B hidden with A: group x month over the forces known
    assert default.equals(saferstats.suppress(t, keys=keys, published_totals=None))
    every = [["month", "group"], ["force", "group"], ["force", "month"]]
    assert default.equals(saferstats.suppress(t, keys=keys, published_totals=every))
    assert _totals_attack(default, t, every) == []


def test_published_totals_only_those_declared():
    """Each force's month and each force's group (police.uk, Home Office): nothing summed over the
    forces, so force B is published whole and A's four counts protect its 2 - against those totals."""
    import saferstats

    t = _searches_cube()
    declared = [["force", "month"], ["force", "group"]]
    out = saferstats.suppress(t, keys=["force", "month", "group"], published_totals=declared)
    assert out["searches"].tolist() == [MARK] * 4 + [40, 70, 35, 80]
    assert _totals_attack(out, t, declared) == []
    assert [f.true for f in _totals_attack(out, t, [["force", "month"], ["force", "group"], ["month", "group"]])] \
        == [2.0, 50.0, 30.0, 60.0]  # a total it was told is not published does give them back


def test_published_totals_financial_years():
    """A declared total over a key of months across more than one financial year is known for each
    complete financial year too (as the default takes it): one force, two groups, April 2021 to
    March 2023, each group's total by financial year; a count of 3 hidden in 2021/22 is not that
    year's total less its published months."""
    import saferstats

    months = [f"{y}-{m:02d}" for y, m in [(2021, m) for m in range(4, 13)] + [(2022, m) for m in range(1, 13)]
              + [(2023, m) for m in range(1, 4)]]
    rng = np.random.default_rng(7)
    t = pd.DataFrame([{"month": m, "group": g, "searches": int(rng.integers(20, 60))} for m in months
                      for g in ("Black", "White")])
    t.loc[(t["month"] == "2021-06") & (t["group"] == "Black"), "searches"] = 3
    out = saferstats.suppress(t, keys=["month", "group"], published_totals=[["month"], ["group"]])
    hidden = out["searches"] == MARK
    assert hidden.sum() >= 4
    fy = np.where(t["month"] < "2022-04", "2021/22", "2022/23")
    a = Attack()
    a.table("s", out[["searches"]], t[["searches"]], ["searches"])
    for rows in t.groupby("month").groups.values():
        a.total(("s", r, "searches") for r in rows)
    for rows in t.assign(fy=fy).groupby(["group", "fy"]).groups.values():
        a.total(("s", r, "searches") for r in rows)
    assert a.linear(floor_one=True) == []


@pytest.mark.parametrize("bad, words", [
    ("force", "list of lists"), ([["force", "nope"]], "distinct columns"), ([["force", "force"]], "distinct"),
    ([["force", "month", "group"]], "fewer than")])
def test_published_totals_bad_input(bad, words):
    import saferstats
    from saferstats.exceptions import InvalidInputError

    with pytest.raises(InvalidInputError, match=words) as e:
        saferstats.suppress(_searches_cube(), keys=["force", "month", "group"], published_totals=bad)
    assert e.value.argument == "published_totals"
    with pytest.raises(InvalidInputError, match="needs `keys`"):
        saferstats.suppress(_searches_cube(), published_totals=[["force"]])


def test_seven_forces_force_month_group_published_totals(shared_data):
    """police.uk, seven forces, Dec 2019 - Feb 2020, searches by force x month x group (self-defined
    ethnicity, vehicle-only and not stated left out). By default 41 counts are hidden, Durham's 141
    White searches in January 2020 among them (each group's month over the seven forces taken as
    known); declaring the totals police.uk and the Home Office publish, 31, none above 43, and the
    attacker with those totals recovers nothing, taking hidden counts as at least 1 in every block
    that hides no zero. (32 while one hidden zero was taken to protect every block: Leicestershire's
    Other 0 in December 2019 is now hidden for its own 1s, and its Black 10 and 28 are published.)"""
    import warnings

    import saferstats
    from search_tables import seven_forces_by_force_month

    t = seven_forces_by_force_month(shared_data)
    keys = ["force", "month", "group"]
    declared = [["force", "month"], ["force", "group"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = saferstats.suppress(t, keys=keys)
        told = saferstats.suppress(t, keys=keys, published_totals=declared)
    durham = ((t["force"] == "durham") & (t["month"] == "2020-01") & (t["group"] == "White")).to_numpy()
    assert int(t.loc[durham, "searches"].iloc[0]) == 141
    h_default, h_told = (default["searches"] == MARK).to_numpy(), (told["searches"] == MARK).to_numpy()
    assert int(h_default.sum()) == 41 and h_default[durham].all()
    assert int(h_told.sum()) == 31 and not h_told[durham].any() and int(t.loc[h_told, "searches"].max()) == 43
    assert _totals_attack(told, t, declared, floor_one=True) == []
    # the default table is protected against a reader who also knows each group's month over the
    # seven forces: those totals link Leicestershire's hidden cells to the other forces', where a
    # zero is hidden, so its 1s are not taken as at least 1 (the core judges the bound per linked
    # block of its relations, docs/methods/disclosure.md E6). Against the declared totals alone,
    # hidden counts at least 0
    assert _totals_attack(default, t, declared) == []

"""suppress(totals=) with counts rounded to 10 and with subtotal rows among a column's parts
(session 30, w51f; follow-up to w49c).

Before: the parts' counts were taken as rounded to 5 (± 2 each) whenever they were multiples of 5, so
counts published rounded to 10 (± 5 each) gave a range for the parts missing a count that was too
narrow; and ``totals={column: label}`` took every other row of the column as a part, a subtotal row
among them too, so its parts were counted twice and the audit tied a sum that does not hold (only a
"+X off" warning that blamed placeholders). The references are hand computations written out here,
the bounds checked with scipy's linprog, the protection with the test attacker
(tests/python/disclosure_attack.py). Tables are inline.
"""

from __future__ import annotations

import ast
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from disclosure_attack import Attack
from saferstats import InvalidInputError, suppress


def _said(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [" ".join(str(x.message).split()) for x in w]


def _bound(total: float, published: list[float], hidden: int, each: float, total_each: float) -> tuple[float, float]:
    """linprog: the least and the most the hidden parts can sum to, the published parts within ± each
    of their true counts and the total within ± total_each, every count >= 0."""
    k = len(published)
    nv = k + hidden + 1                       # parts, hidden parts, the true total
    a_eq = np.zeros((1, nv))
    a_eq[0, :k + hidden], a_eq[0, -1] = 1, -1  # Σ parts = true total
    bounds = ([(p - each, p + each) for p in published] + [(0, None)] * hidden
              + [(total - total_each, total + total_each)])
    obj = np.zeros(nv)
    obj[k:k + hidden] = 1
    lo = linprog(obj, A_eq=a_eq, b_eq=[0], bounds=bounds, method="highs")
    hi = linprog(-obj, A_eq=a_eq, b_eq=[0], bounds=bounds, method="highs")
    return lo.fun, -hi.fun


PROVIDERS = ["A", "B", "C", "D", "E"]


def test_counts_rounded_to_10_give_the_wider_range():
    """Before: 160 and 210 (multiples of 10) were taken as rounded to 5: ``rounded_to`` 5 and the
    hidden parts' sum 4 to 16. By hand, rounded to 10 each true part is within ± 5, the total (380, a
    multiple of 10) too: 380 − 370 = 10 ± (5 + 5 + 5), so 0 to 25."""
    t = pd.DataFrame({"org_name": [*PROVIDERS, "All providers"], "count": [160, 210, np.nan, np.nan, np.nan, 380]})
    out, said = _said(suppress, t, totals={"org_name": "All providers"})
    (bad,) = out.attrs["totals_not_sums"]
    assert (bad["total"], bad["parts_sum"], bad["missing"]) == (380, 370, [2, 3, 4])
    assert bad["rounded_to"] == 10
    assert bad["missing_sum"] == (max(0, 380 - 370 - 15), 380 - 370 + 15) == (0, 25)
    assert _bound(380, [160, 210], 3, 5, 5) == pytest.approx((0, 25))
    msg = next(s for s in said if s.startswith("`totals`"))
    assert "multiples of 10 (taken as rounded to 10, ± 5 each, the total too)" in msg
    assert "sum is 0 to 25, so each is at most 25" in msg


def test_the_base_is_the_parts_own():
    """160 and 215 stay rounded to 5 (± 2: 0 to 377 − 158 − 213 = 6, w49c's NHS England figures);
    160 and 213 are not rounded: the hidden parts sum to exactly 377 − 373 = 4."""
    t = pd.DataFrame({"org_name": [*PROVIDERS, "All providers"], "count": [160, 215, np.nan, np.nan, np.nan, 377]})
    (bad,) = _said(suppress, t, totals={"org_name": "All providers"})[0].attrs["totals_not_sums"]
    assert (bad["rounded_to"], bad["missing_sum"]) == (5, (0, 6))
    assert _bound(377, [160, 215], 3, 2, 0) == pytest.approx((0, 6))
    t.loc[1, "count"] = 213
    (bad,) = _said(suppress, t, totals={"org_name": "All providers"})[0].attrs["totals_not_sums"]
    assert (bad["rounded_to"], bad["missing_sum"]) == (None, (4, 4))


def test_parts_over_the_total_give_no_range():
    """Before: parts 30 + 40 + 50 + 30 = 150 against a total of 120 with one part missing gave the
    range "0 to -30, so each is at most -30". No counts >= 0 make that: now no range (None) and the
    warning says the parts are not the total's as given."""
    t = pd.DataFrame({"org_name": ["A", "B", "C", "D", "E", "All"], "count": [30, np.nan, 40, 50, 30, 120]})
    out, said = _said(suppress, t, totals={"org_name": "All"})
    (bad,) = out.attrs["totals_not_sums"]
    assert (bad["parts_sum"], bad["missing_sum"], bad["rounded_to"]) == (150, None, 10)
    # even with every count ± 5 (rounded to 10) and B >= 0, no true counts add up: infeasible
    none = linprog(np.zeros(6), A_eq=np.array([[1, 1, 1, 1, 1, -1]]), b_eq=[0],
                   bounds=[(25, 35), (0, None), (35, 45), (45, 55), (25, 35), (115, 125)], method="highs")
    assert none.status == 2
    msg = next(s for s in said if s.startswith("`totals`: 'All'"))
    assert "its 4 parts with a count add up to 150, 30 more" in msg and "at most" not in msg


# providers' counts in two columns; "NHS providers" = A + B + C in both, "All providers" = A + ... + E
SUB = pd.DataFrame({"org_name": [*PROVIDERS, "NHS providers", "All providers"],
                    "s136": [3, 40, 25, 52, 44, 68, 164],
                    "s2": [12, 19, 30, 2, 60, 61, 123]})


def test_a_subtotal_among_the_parts_of_a_column_total_is_refused_with_the_call_to_write():
    """Before: no error; the six other rows made s136 232 against 164 (68 counted twice) and s2 184
    against 123 (61), warned of as "+68 off" / "+61 off" with placeholders blamed, and the audit tied
    them. By hand: 3 + 40 + 25 = 68 and 12 + 19 + 30 = 61 are the NHS row; 3 + 40 + 25 + 52 + 44 = 164
    and 12 + 19 + 30 + 2 + 60 = 123 the total."""
    assert SUB["s136"][:5].sum() == 164 and SUB["s136"][:3].sum() == 68 and SUB["s136"][:6].sum() == 232
    assert SUB["s2"][:5].sum() == 123 and SUB["s2"][:3].sum() == 61
    with pytest.raises(InvalidInputError) as e:
        suppress(SUB, totals={"org_name": "All providers"})
    assert e.value.argument == "totals"
    msg = " ".join(str(e.value).split())
    assert "'NHS providers' (68) = 'A' + 'B' + 'C': a subtotal, counted twice" in msg
    assert "add up to 232 against the total's 164 in row 6" in msg
    call = re.search(r"totals=(\{.*\})$", msg).group(1)
    totals = ast.literal_eval(call)
    assert totals == {"All providers": ["A", "B", "C", "D", "E"], "NHS providers": ["A", "B", "C"]}
    # the call as written: both sums hold, nothing off, and the attacker told both recovers nothing
    out, said = _said(suppress, SUB, totals=totals)
    assert out.attrs["totals_not_sums"] == []
    assert "[c]" in out["s136"].tolist() and "[c]" in out["s2"].tolist()
    a = Attack()
    a.table("t", out, SUB, ["s136", "s2"])
    for c in ("s136", "s2"):
        a.relation([("t", i, c) for i in range(5)], [("t", 6, c)])
        a.relation([("t", i, c) for i in range(3)], [("t", 5, c)])
        a.relation([("t", i, c) for i in (5, 3, 4)], [("t", 6, c)])
    for i in range(7):  # each row's s136 + s2 too (suppress takes a plain table's row totals as known)
        a.total([("t", i, "s136"), ("t", i, "s2")])
    assert a.run() == [] and a.linear() == []


def test_two_subtotals_are_both_named():
    """NHS (A + B + C) and independent (D + E) subtotals: the other rows make 164 × 2 = 328."""
    t = pd.concat([SUB.iloc[:6], pd.DataFrame({"org_name": ["Independent providers"], "s136": [96], "s2": [62]}),
                   SUB.iloc[6:]], ignore_index=True)
    assert 52 + 44 == 96 and 2 + 60 == 62
    with pytest.raises(InvalidInputError) as e:
        suppress(t, totals={"org_name": "All providers"})
    msg = " ".join(str(e.value).split())
    assert "subtotals, counted twice" in msg and "add up to 328 against the total's 164" in msg
    assert ast.literal_eval(re.search(r"totals=(\{.*\})$", msg).group(1)) == {
        "All providers": ["A", "B", "C", "D", "E"], "NHS providers": ["A", "B", "C"],
        "Independent providers": ["D", "E"]}


def test_a_row_labelled_a_total_is_warned_of_where_the_counts_cannot_tell():
    """B missing (hidden at source): the sums cannot be checked, but "NHS providers" shares the word
    of "All providers"; a warning gives the label form. Where the counts add up (no subtotal), a
    provider whose name has a word of the total's says nothing."""
    t = SUB.astype({"s136": float})
    t.loc[1, "s136"] = np.nan
    _, said = _said(suppress, t[["org_name", "s136"]], totals={"org_name": "All providers"})
    assert any("['NHS providers'] is labelled like a total" in s and
               "totals={'All providers': [<its parts, no subtotal>], 'NHS providers': [<its parts>]}" in s
               for s in said)
    ok = pd.DataFrame({"org_name": ["A", "B", "Providers Ltd", "All providers"], "count": [30, 2, 40, 72]})
    out, said = _said(suppress, ok, totals={"org_name": "All providers"})
    assert out.attrs["totals_not_sums"] == [] and not any("labelled like a total" in s for s in said)


def test_one_chance_sum_is_warned_of_not_refused():
    """Placeholders and small counts can match by chance: 2 = 1 + 1 in one column and one stratum
    (parts 2 + 1 + 1 + 7 + 160 + 215 = 386 against 384, two over, and A is 2). A row that only one
    sum shows and that no label calls a total is warned of with the call, not refused; a part that
    is 0 throughout is no part of a sum (1 = 1 + 0 said nothing)."""
    t = pd.DataFrame({"org_name": ["A", "B", "C", "D", "E", "F", "All"], "count": [2, 1, 1, 7, 160, 215, 384]})
    assert t["count"][:6].sum() - 384 == 2 == 1 + 1
    out, said = _said(suppress, t, totals={"org_name": "All"})
    assert any("but it may be that 'A' (2) = 'B' + 'C'" in s and "shown by one sum only" in s for s in said)
    assert out.attrs["totals_not_sums"][0]["parts_sum"] == 386
    z = pd.DataFrame({"org_name": ["A", "B", "C", "D", "E", "F", "All"], "count": [1, 1, 1, 0, 160, 215, 376]})
    _, said = _said(suppress, z, totals={"org_name": "All"})
    assert not any("counted twice" in s for s in said)

"""suppress: the rounding of ``totals=`` can be stated, explicit keys that name the same rows are
summed out together, and the messages count in words (session 32, w53a; follow-ups to w52c).

1. The rounding base of the named totals' parts was always read from the parts: a table rounded to
   10 whose parts happen to be multiples of 50 was taken as rounded to 50 (± 25 a part), with no way
   to say otherwise. ``rounding=10`` states it (checked: a part not a multiple is refused), the base
   taken is in ``.attrs["rounding"]``, and an inferred base that chance explains is warned of with
   the keyword. Reference: the bounds worked by hand below, checked with scipy's ``linprog``.
2. Explicit keys with a key that names the area again (``force_code`` beside ``force``) and the
   default totals summed each out alone given the other: every "total over the forces" was a single
   force's count and each period's total over the forces was in no relation, so a period's total
   less its published forces gave a hidden 3 back. Reference: a hand-worked table and the tests'
   attacker (``disclosure_attack``) given each period's and each force's totals.
3. "(s)" plurals in disclosure.py's messages are now words ("2 parts", "1 row"); the tests that
   pinned the old words (w34c, w40a, w49c, w51a, w51f, walk8_s136) were changed in their words only.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from disclosure_attack import totals_attack_on_suppressed
from saferstats import InvalidInputError, suppress


def _said(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [" ".join(str(x.message).split()) for x in w]


# ------------------------------------------------------------------ 1. rounding= states the base

# a total of 380 (rounded to 10) with parts 150 and 200 published (rounded to 10, multiples of 50 by
# chance) and two parts hidden at source (NaN)
ROUNDED = pd.DataFrame({"org": ["A", "B", "C", "D", "All"], "count": [150, 200, np.nan, np.nan, 380]})


def _missing_range(each: float, total_each: float) -> tuple[float, float]:
    """min and max of C + D with A + B + C + D = T, |A - 150| <= each, |B - 200| <= each,
    |T - 380| <= total_each, all >= 0 (variables A, B, C, D, T)."""
    bounds = [(150 - each, 150 + each), (200 - each, 200 + each), (0, None), (0, None),
              (380 - total_each, 380 + total_each)]
    eq = [[1, 1, 1, 1, -1]]
    lo = linprog([0, 0, 1, 1, 0], A_eq=eq, b_eq=[0], bounds=bounds)
    hi = linprog([0, 0, -1, -1, 0], A_eq=eq, b_eq=[0], bounds=bounds)
    return lo.fun, -hi.fun


def test_rounding_states_the_base_and_the_range_follows_it():
    """Before: no ``rounding`` keyword (TypeError), the base read as 50. By hand: 380 - 150 - 200 =
    30 for the two hidden parts; rounded to 10, each part ± 5 and the total (a multiple of 10) ± 5:
    30 ± 15, 15 to 45. Read as rounded to 50: ± 25 a part, the total (not a multiple of 50) exact:
    30 ± 50, 0 to 80."""
    out, said = _said(suppress, ROUNDED, totals={"org": "All"}, rounding=10)
    assert out.attrs["rounding"] == {"base": 10, "stated": True, "parts": 2}
    (entry,) = out.attrs["totals_not_sums"]
    assert entry["rounded_to"] == 10 and entry["missing_sum"] == (15.0, 45.0)
    assert _missing_range(5, 5) == pytest.approx((15.0, 45.0))
    assert any("the parts rounded to 10 (rounding=10), ± 5 each, the total too" in s
               and "their sum is 15 to 45" in s for s in said), said
    assert not any("one time in" in s for s in said), said


def test_an_inferred_base_chance_explains_is_said_with_the_keyword():
    """Without ``rounding``: 50, said in ``.attrs`` and in a warning (two parts rounded to 10 are both
    multiples of 50 one time in 5 × 5 = 25) that writes ``rounding=10``; the range is 0 to 80."""
    out, said = _said(suppress, ROUNDED, totals={"org": "All"})
    assert out.attrs["rounding"] == {"base": 50, "stated": False, "parts": 2}
    (entry,) = out.attrs["totals_not_sums"]
    assert entry["rounded_to"] == 50 and entry["missing_sum"] == (0.0, 80.0)
    assert _missing_range(25, 0) == pytest.approx((0.0, 80.0))
    (msg,) = [s for s in said if "one time in" in s]
    assert "the 2 published parts of the named totals not 0 are all multiples of 50" in msg
    assert "one time in 25" in msg and "rounding=10" in msg


def test_no_warning_where_the_parts_rule_out_chance_or_the_sums_hold():
    # ten parts all multiples of 50: by chance one time in 5 ** 10 (about 9.8 million) if rounded to 10
    many = pd.DataFrame({"org": [*"ABCDEFGHIJK", "All"], "count": [50.0 * (i + 1) for i in range(10)] + [np.nan, 2770]})
    out, said = _said(suppress, many, totals={"org": "All"})
    assert out.attrs["rounding"]["base"] == 50 and not any("one time in" in s for s in said)
    exact = pd.DataFrame({"org": ["A", "B", "All"], "count": [150, 200, 350]})  # adds up: no range to give
    out, said = _said(suppress, exact, totals={"org": "All"})
    assert out.attrs["totals_not_sums"] == [] and not any("one time in" in s for s in said)


def test_a_stated_base_is_checked():
    with pytest.raises(InvalidInputError, match=r"`rounding=100`: .* 'count' is 150 in row 0") as e:
        suppress(ROUNDED, totals={"org": "All"}, rounding=100)
    assert e.value.argument == "rounding" and e.value.index == 0
    for bad in (0, True, 2.5, "10"):
        with pytest.raises(InvalidInputError) as e:
            suppress(ROUNDED, totals={"org": "All"}, rounding=bad)
        assert e.value.argument == "rounding"
    with pytest.raises(InvalidInputError, match="no totals are named") as e:
        suppress(ROUNDED.iloc[:2], rounding=10)
    assert e.value.argument == "rounding"


def test_rounding_one_is_counts_not_rounded():
    """380 - 350 = 30 exactly for the hidden parts when the counts are not rounded."""
    out, _ = _said(suppress, ROUNDED, totals={"org": "All"}, rounding=1)
    assert out.attrs["rounding"] == {"base": None, "stated": True, "parts": 2}
    assert out.attrs["totals_not_sums"][0]["missing_sum"] == (30.0, 30.0)


# ------------------------------------------------------------------ 2. a key naming the area again

FORCES = pd.DataFrame({"force": ["A", "B", "C"] * 2, "force_code": ["E1", "E2", "E3"] * 2,
                       "period": ["2020/21"] * 3 + ["2021/22"] * 3, "count": [3, 40, 52, 30, 45, 60]})


def test_a_code_beside_the_force_keeps_each_periods_total():
    """Before: A's 3 hidden with A's 30 only, B's 40 and C's 52 published, and 2020/21's total 95
    less 40 and 52 gave the 3 back. Now the period totals are kept: the 3 has a hidden partner in
    its period and in its force, as with keys ["force", "period"]."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = suppress(FORCES, keys=["force", "period", "force_code"])
        plain = suppress(FORCES, keys=["force", "period"])
    assert out["count"].tolist() == plain["count"].tolist()
    hidden = out["count"].astype(str) == "[c]"
    assert hidden[0] and hidden[FORCES["period"] == "2020/21"].sum() >= 2 and hidden[FORCES["force"] == "A"].sum() >= 2
    found = totals_attack_on_suppressed(out, FORCES, ["count"], ["force", "period"])
    assert found == [], found


# ------------------------------------------------------------------ 3. counted in words

def test_messages_count_in_words():
    t = pd.DataFrame({"org": ["A", "B", "C", "All"], "count": [150, np.nan, np.nan, 380]})
    _, said = _said(suppress, t, totals={"org": "All"})
    msg = next(s for s in said if s.startswith("`totals`: 'All'"))
    assert "less its 1 part with a count (150) leaves 230 for its 2 parts missing a count" in msg
    assert "(s)" not in " ".join(said)
    assert any(s.startswith("suppress: 2 counts are missing") for s in said), said
    with pytest.raises(InvalidInputError, match=r"`keys`: the table has no column \['nope'\]"):
        suppress(t, keys=["nope"])

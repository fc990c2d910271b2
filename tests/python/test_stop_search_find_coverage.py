"""Find rates where the 'outcome linked to object of search' flag is mostly blank (walk-through 3).

police.uk Merseyside, Dec 2019 to Feb 2020, leaves the flag blank on 6,414 of 8,166 person searches
with a stated ethnicity - every one of them no further action - and sets it on the 1,752 searches
that had an outcome; its "find rate" (93%) was the share of searches *with an outcome* that found
something, set beside Essex's 23% with no word. Leicestershire (in the bundled sample) is the same:
the flag is set on 53 of 578 searches. Counts are checked against the csv module.
"""

from __future__ import annotations

import warnings
from collections import Counter

import saferstats
from conftest import build_report, policeuk_stop_search_rows

NFA = {"a no further action disposal", "nothing found - no further action", "no further action"}


def _independent_counts(folder):
    """{force: (blank flag, searches)} over person searches with a stated self-defined ethnicity,
    and the share with an outcome among those with / without the flag."""
    blank, n, pos_with, pos_without = Counter(), Counter(), Counter(), Counter()
    for force, row in policeuk_stop_search_rows(folder, stated_only=True):
        n[force] += 1
        o = row["Outcome"].strip().lower()
        positive = o != "" and o not in NFA
        if row["Outcome linked to object of search"].strip() == "":
            blank[force] += 1
            pos_without[force] += positive
        else:
            pos_with[force] += positive
    return blank, n, pos_with, pos_without


def test_blank_find_flags_are_warned_about_per_force_with_independent_counts():
    folder = saferstats.datasets.stop_search_sample_path()
    blank, n, pos_with, pos_without = _independent_counts(folder)
    expected = {f: (blank[f], n[f]) for f in n if n[f] >= 10 and blank[f] > 0.1 * n[f]}
    assert "leicestershire" in expected  # 525 of 578 in the sample
    recs = saferstats.read_stop_search(folder)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.outcome_test(recs, outcome="find", by="force")
    assert out.attrs["outcome_linked_missing_by"] == expected
    msgs = [str(w.message) for w in caught if issubclass(w.category, saferstats.SaferstatsWarning)]
    text = next(m for m in msgs if "is missing for many searches" in m)
    b, t = expected["leicestershire"]
    with_flag = pos_with["leicestershire"] / (t - b)
    without = pos_without["leicestershire"] / b
    assert f"Leicestershire: {b:,} of {t:,} ({b / t:.0%}, and an outcome other than no further action for " \
           f"{with_flag:.0%} of the searches with the flag against {without:.0%} of those without)" in text
    # the flags that are there are still used: n is the searches with the flag
    leics = out[out["force"] == "leicestershire"]
    assert int(leics["n"].sum()) == t - b


def test_complete_flags_give_no_warning():
    folder = saferstats.datasets.stop_search_sample_path()
    recs = saferstats.read_stop_search(folder)
    recs = recs[recs["force"] == "derbyshire"]  # the flag is set on every Derbyshire search
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.outcome_test(recs, outcome="find")
    assert out.attrs["outcome_linked_missing_by"] == {}
    assert not any("is missing for many searches" in str(w.message) for w in caught)


def test_report_says_so_and_the_find_table_stays_protected(tmp_path):
    folder = saferstats.datasets.stop_search_sample_path()
    blank, n, _, _ = _independent_counts(folder)
    build_report(tmp_path, f'title = "T"\narea = "Leicestershire"\n[stop_search]\nfiles = ["{folder}"]\nby = ["force"]\n')
    page = (tmp_path / "o" / "index.html").read_text()
    b, t = blank["leicestershire"], n["leicestershire"]
    assert f"Leicestershire: {b:,} of {t:,} ({b / t:.0%})" in page
    assert "find rate would be of the searches with the flag only" in page
    # walk-through 4: those rates are withheld, and the find table marks the rows
    assert "those find rates, and their comparisons, are withheld in the find table" in page
    # the caveat publishes each such force's total of n (searches minus blanks): with it, no hidden
    # n can be worked out from the published n of its force
    import pandas as pd

    finds = pd.read_csv(tmp_path / "o" / "stop_search_find_rates.csv", dtype=str)
    assert finds.loc[finds["force"] == "Leicestershire", "rate"].isin(["withheld", "[c]"]).all()
    for force in ("Leicestershire", "Durham"):
        rows = finds[finds["force"] == force]
        hidden = (rows["n"] == "[c]").sum()
        assert hidden != 1, f"{force}: one hidden n is its force's total minus the others"

"""``outcome_test(outcome="positive")`` counts a drugs possession warning as an outcome, whichever
label police.uk gives it: "Khat or Cannabis warning" (current) was positive, but the older
"Offender given drugs possession warning" was counted as no further action (walk-through 3).
The Home Office's stop-and-search statistics count khat/cannabis warnings among outcomes."""

import warnings

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

import saferstats


def _records(old_label: bool) -> pd.DataFrame:
    warning = "Offender given drugs possession warning" if old_label else "Khat or Cannabis warning"
    rows = []
    for group, n_warn, n_arrest, n_nfa in (("White", 20, 10, 170), ("Black", 12, 3, 45)):
        rows += [(group, warning)] * n_warn + [(group, "Arrest")] * n_arrest + [(group, "A no further action disposal")] * n_nfa
    d = pd.DataFrame(rows, columns=["self_defined_ethnicity", "outcome"])
    d["type"] = "Person search"
    d["force"] = "essex"
    d["outcome_linked_to_object_of_search"] = False
    return d


def test_both_warning_labels_are_outcomes():
    out = {}
    for old in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
            out[old] = saferstats.outcome_test(_records(old), outcome="positive")
    a, b = (t.set_index("group") for t in (out[False], out[True]))
    cols = [c for c in a.columns if c not in ("method",)]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    # Black: (12 warnings + 3 arrests) of 60 searches positive, by hand; Wilson interval as statsmodels
    black = b.loc["Black"]
    assert int(black["hits"]) == 15 and int(black["n"]) == 60
    lo, hi = proportion_confint(15, 60, method="wilson")
    assert abs(black["rate_lower"] - lo) < 1e-9 and abs(black["rate_upper"] - hi) < 1e-9

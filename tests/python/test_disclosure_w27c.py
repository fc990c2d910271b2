"""Session 20 (w27c): disclosure control of published tables, walked on /work/shared/data as published.

``suppress(outcome_test(...))`` on police.uk's seven forces (Dec 2019 - Feb 2020) published Durham's
Other row as ``n`` 0, ``hits`` 0 and the note "1 search, none with a known outcome": a count of 1,
which the table's own cells would hide, printed in words. Small numbers in a note are now hidden.
"""

from __future__ import annotations

import warnings

import pandas as pd

import saferstats
from saferstats import SaferstatsWarning
from saferstats.disclosure import suppress

SS = "stop_search/policeuk_7forces_2019-12_to_2020-02"


def test_small_count_in_a_note_is_hidden(shared_data):
    from conftest import shared_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        recs = saferstats.read_stop_search(shared_path(shared_data, SS))
        o = saferstats.outcome_test(recs, outcome="arrest", by=["force"])
        s = suppress(o)
    row = (o.force == "durham") & (o.group == "Other")
    assert o.loc[row, "note"].tolist() == ["1 search, none with a known outcome"]
    assert s.loc[row, "note"].tolist() == ["[c] search, none with a known outcome"]
    assert {"row": o.index[row][0], "column": "note", "rule": "note"} in s.attrs["suppression"]
    # notes without a small count are published as they are
    assert s.loc[(o.force == "derbyshire") & (o.group == "Other"), "note"].tolist() == ["no searches"]
    assert (s.loc[o.note == "", "note"] == "").all()


def test_note_numbers_that_are_not_small_counts_stay():
    t = pd.DataFrame({"area": ["A", "B", "C"], "count": [30, 40, 50],
                      "note": ["12 searches, none with a known outcome", "3.5% of records; in 2019",
                               "2 period(s); a trend needs at least 3"]})
    s = suppress(t, columns=["count"])
    assert s["note"].tolist() == t["note"].tolist()
    s2 = suppress(t.assign(note=["2 searches, none with a known outcome", "", "4 of 60"]), columns=["count"], marker=None)
    assert s2["note"].tolist() == ["[c] searches, none with a known outcome", "", "[c] of 60"]


def _ba(records, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        return saferstats.before_after(records, split="2024-01-01", population=1_100_000, **kw)


def test_before_after_detentions_cannot_give_back_unknown_outcomes():
    """``before_after(..., population=)`` now has each period's detentions (and rates, from which
    they follow) in the table; detentions less the assessed ones is the period's unknown outcomes:
    4 after the split in the pilot records (315 detentions, 311 assessed). suppress() published
    them as derived values; they are now counts of their period, hidden when they would give a small
    difference back (and the pre period's with them, as the total of detentions is published), with
    the rates, the rate ratio and the .attrs that carry them."""
    recs = saferstats.synthetic.s136_pilot_records(seed=1)
    ba = _ba(recs)
    post = ba.iloc[0]
    assert (post.post_detentions, ba.loc[ba.kind == "outcome", "post_n"].iloc[0]) == (315, 311)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        s = suppress(ba)
    for c in ("pre_detentions", "post_detentions", "pre_rate", "post_rate", "post_rate_lower", "post_rate_method",
              "rate_ratio", "rate_ratio_lower", "rate_ratio_upper", "rate_ratio_p", "rate_ratio_method"):
        assert (s[c] == "[c]").all(), c
    assert "detention_rates" not in s.attrs and "rate_ratio" not in s.attrs
    assert "detention_rates" in ba.attrs  # the caller's table is untouched
    # the proportions are not touched by it: the outcome shares stay published
    assert s.loc[ba.kind == "outcome", "post_n"].tolist() == [311] * 5
    assert s.loc[ba.kind == "outcome", "post_p"].notna().all()
    # population is not a count: it stays
    assert (s["post_population"] == 1.1e6).all()


def test_before_after_detentions_published_when_safe():
    recs = saferstats.synthetic.s136_pilot_records(seed=1)
    ba = _ba(recs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        s = suppress(ba, threshold=3)  # unknown outcomes 17 and 4, places not known 16 and 8: none below 3
    assert s["pre_detentions"].tolist() == [688] * len(ba) and s["post_detentions"].tolist() == [315] * len(ba)
    assert s["rate_ratio"].astype(float).tolist() == ba["rate_ratio"].tolist()
    # on rows whose own counts are hidden the rates stay too (they are of all the detentions): 2 "other"
    # places of safety after the split (2 moved from health-based, so the places still sum to 307)
    ba2 = ba.copy()
    ba2.loc[ba2.measure == "other", "post_count"] = 2
    ba2.loc[ba2.measure == "health_based", "post_count"] += 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        s2 = suppress(ba2, threshold=3)
    hidden_rows = (s2["post_count"] == "[c]").to_numpy()
    assert hidden_rows.sum() >= 2
    assert s2.loc[hidden_rows, "rate_ratio"].astype(float).tolist() == [ba["rate_ratio"].iloc[0]] * int(hidden_rows.sum())
    assert s2["post_detentions"].tolist() == [315] * len(ba)

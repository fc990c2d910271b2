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
                      "note": ["12 searches, none with a known outcome", "3.5% of records; in 2019", "1,234 records"]})
    s = suppress(t, columns=["count"])
    assert s["note"].tolist() == t["note"].tolist()
    s2 = suppress(t.assign(note=["2 searches, none with a known outcome", "", "4 of 60"]), columns=["count"], marker=None)
    assert s2["note"].tolist() == ["[c] searches, none with a known outcome", "", "[c] of 60"]

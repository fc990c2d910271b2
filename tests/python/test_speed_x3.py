"""Session 34 (x3): repeated work an analyst (and the CI) waits for in disclosure control.

Each test fails before on the waste itself (counted with unittest.mock, never timed) and checks the
output against a reference that does not come from the changed code path.
"""
from __future__ import annotations

import copy
from unittest import mock

import numpy as np
import pandas as pd

import saferstats
from saferstats.disclosure import suppress
from saferstats.s136 import OUTCOMES, PLACES_OF_SAFETY


def _with_reader_attrs(t: pd.DataFrame, n_dropped: int = 2000) -> pd.DataFrame:
    """``t`` with attrs shaped like a reader's: every dropped cell listed (read_mha_annual's,
    read_flytipping's)."""
    t = t.copy()
    t.attrs = {"summary": {"rows": len(t), "missing_cells": n_dropped},
               "dropped": [{"source_file": "x.csv", "source_line": i, "column": "count", "value": None,
                            "reason": "suppressed at source"} for i in range(n_dropped)]}
    return t


def test_suppress_deep_copies_the_readers_attrs_once():
    """Before: ``suppress`` read the columns of the table it was given, attrs and all, and pandas
    deep-copies a frame's attrs into every column read: 41 deep copies of the reader's list of
    dropped cells for this 4-row table (60 for read_mha_annual's slice by ICB, 0.18 s; now 1 and
    0.04 s). Now it works on the table's cells without them: one copy. The published cells are the
    docstring's hand-checked ones (s2 = 3 of A primary, its row and column partners secondary), the
    same as for the table without attrs, and the caller's attrs are untouched."""
    t = pd.DataFrame({"area": ["A", "B", "C", "D"], "s2": [3, 40, 25, 52], "s3": [12, 19, 30, 44],
                      "informal": [20, 33, 41, 60]})
    read = _with_reader_attrs(t)
    with mock.patch("pandas.core.generic.deepcopy", wraps=copy.deepcopy) as dc:
        out = suppress(read)
    assert dc.call_count <= 2, dc.call_count
    assert out["s2"].tolist() == ["[c]", 40, "[c]", 52] and out["s3"].tolist() == ["[c]", 19, "[c]", 44]
    assert out["informal"].tolist() == [20, 33, 41, 60]
    bare = suppress(t)
    pd.testing.assert_frame_equal(out, bare)
    assert repr(out.attrs) == repr(bare.attrs) and "dropped" not in out.attrs
    assert len(read.attrs["dropped"]) == 2000 and read.attrs["summary"]["rows"] == 4


def _pilot_records_as_before(seed: int, months: int = 36, pilot_month: int = 24) -> tuple[np.ndarray, ...]:
    """The draws of ``s136_pilot_records`` written out as they were made until session 34 (with
    ``rng.choice(p=...)`` and ``np.clip`` on every record): (age, place index, outcome index)."""
    month = np.arange(1, months + 1)  # the monthly means as the docstring says them: 26 a month, rising,
    post = month > pilot_month  # a level drop of ~20% from the pilot and a falling trend, seasonal ±8%
    trend = 0.008 * month - 0.22 * post - 0.012 * np.maximum(0, month - pilot_month - 1)
    rng = np.random.default_rng(seed)
    counts = rng.poisson(26.0 * np.exp(trend) * (1 + 0.08 * np.sin(2 * np.pi * month / 12)))
    days = pd.date_range("2022-01-01", periods=months, freq="MS").days_in_month
    age, pos, out = [], [], []
    for m in range(months):
        for _ in range(counts[m]):
            rng.uniform(0, days[m]), rng.gamma(2.0, 25.0), rng.normal(np.log(9.0), 0.6), rng.random()
            age.append(int(np.clip(rng.normal(36, 14), 12, 80)) if rng.random() > 0.04 else int(rng.integers(12, 18)))
            pos.append(rng.choice(5, p=[0.66, 0.28, 0.02, 0.02, 0.02] if post[m] else [0.62, 0.28, 0.06, 0.02, 0.02]))
            rng.random()
            out.append(rng.choice(6, p=[0.16, 0.19, 0.03, 0.34, 0.25, 0.03] if post[m]
                                  else [0.15, 0.18, 0.03, 0.28, 0.33, 0.03]))
            rng.random()
            if post[m]:
                rng.random()
    return np.asarray(age), np.asarray(pos), np.asarray(out)


class _CountingRng:
    """A numpy Generator that counts its ``choice`` calls."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng, self.choices = rng, 0

    def choice(self, *a, **kw):
        self.choices += 1
        return self.rng.choice(*a, **kw)

    def __getattr__(self, name):
        return getattr(self.rng, name)


def test_s136_pilot_records_same_records_without_per_record_choice():
    """Before: ``s136_pilot_records`` called ``rng.choice(p=...)`` twice and ``np.clip`` once per
    record (1,992 and 953 calls for seed 136's 996 records; 0.1 s a call, half of it choice's checks
    of p); the hypothesis tests of ``s136_summary`` draw a fresh set for every example. Now the
    cumulative sums are made once and each record's uniform is looked up in them, as choice does:
    no choice or clip call, and the same records as the draws written out here as they were made
    (ages, places of safety, outcomes)."""
    made = []
    real = np.random.default_rng

    def counting(seed):
        made.append(_CountingRng(real(seed)))
        return made[-1]

    with mock.patch("saferstats.synthetic.np.random.default_rng", counting), \
            mock.patch("saferstats.synthetic.np.clip", wraps=np.clip) as clip:
        recs = saferstats.synthetic.s136_pilot_records(seed=136)
    assert made[0].choices == 0 and clip.call_count == 0, (made[0].choices, clip.call_count)
    age, pos, out = _pilot_records_as_before(136)
    assert len(recs) == len(age) == 996
    assert recs["age"].tolist() == age.tolist()
    assert recs["place_of_safety"].tolist() == [list(PLACES_OF_SAFETY.values())[i] for i in pos]
    assert recs["outcome"].tolist() == [list(OUTCOMES.values())[i] for i in out]

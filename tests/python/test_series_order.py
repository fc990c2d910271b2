"""Series that hold the same labels in another order (session 12, walk-through 7's note): values
are paired by position, so ``rate_ci(offences_by_force, populations_sorted_by_force)`` paired each
force's offences with another force's population, silently. Now every function that takes
arrays refuses it (one check in ``_frames.aligned``), naming the argument and the position;
aligned Series (pandas' own ``reindex``) give pandas' label-wise answer, and Series with
unrelated labels (a filtered frame beside a fresh one) are still paired by position."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError

OFF = pd.Series([1600.0, 1468.0, 2944.0], index=["Hertfordshire", "Essex", "Merseyside"])
POP = pd.Series([1_832_800.0, 1_184_400.0, 1_423_100.0], index=["Essex", "Hertfordshire", "Merseyside"])  # sorted


@pytest.mark.parametrize("call", [
    lambda o, p: saferstats.rate_ci(o, p),
    lambda o, p: saferstats.proportion_ci(o, p),
    lambda o, p: saferstats.rate_ratio(o, p, o, p),
    lambda o, p: saferstats.funnel_significance(o, p, kind="rate"),
    lambda o, p: saferstats.funnel_overdispersion(o, p, kind="rate"),
], ids=["rate_ci", "proportion_ci", "rate_ratio", "funnel_significance", "funnel_overdispersion"])
def test_same_labels_in_another_order_are_refused(call):
    with pytest.raises(InvalidInputError, match="same labels as .* in another order") as e:
        call(OFF, POP)
    assert "reindex" in str(e.value)


def test_aligned_series_give_pandas_label_wise_rates():
    r = saferstats.rate_ci(OFF, POP.reindex(OFF.index))
    np.testing.assert_allclose(r["rate"].to_numpy(), (OFF / POP * 100_000).reindex(OFF.index).to_numpy(), rtol=1e-12)
    assert list(r.index) == list(OFF.index)


def test_unrelated_labels_are_paired_by_position():
    kept = OFF.reset_index(drop=True).iloc[[0, 2]]  # index 0, 2 (a filtered frame)
    fresh = pd.Series([1_184_400.0, 1_423_100.0])  # index 0, 1
    r = saferstats.rate_ci(kept, fresh)
    np.testing.assert_allclose(r["rate"].to_numpy(), [1600 / 1_184_400 * 1e5, 2944 / 1_423_100 * 1e5], rtol=1e-12)

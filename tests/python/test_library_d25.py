"""Session 19 (lead), library fixes from the helpers' notes: ``plot_disproportionality`` refused a
result with several confidence levels (``confidence=[0.95, 0.998]``: limits ``ratio_lower_95``,
...), asking for columns the result had under other names (it now draws the first level's intervals
and says which); ``disproportionality``'s no-area refusal said "by=None" for ``by="month"``;
``israte``'s warnings began "isr:"."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import saferstats

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


def _segments(ax):
    """The (lo, hi) x extent of each horizontal interval line drawn on ``ax``."""
    out = []
    for coll in ax.collections:
        for seg in getattr(coll, "get_segments", lambda: [])():
            seg = np.asarray(seg)
            if len(seg) == 2 and np.isclose(seg[0, 1], seg[1, 1]) and not np.isclose(seg[0, 0], seg[1, 0]):
                out.append((float(seg[:, 0].min()), float(seg[:, 0].max())))
    for line in ax.get_lines():
        x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
        if len(x) == 2 and np.isclose(y[0], y[1]) and not np.isclose(x[0], x[1]):
            out.append((float(x.min()), float(x.max())))
    return sorted(out)


@pytest.mark.parametrize("fn", ["disproportionality", "outcome_test"])
def test_several_levels_draw_the_first_levels_intervals(fn):
    df = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = getattr(saferstats, fn)(df, by="force", confidence=0.95)
        two = getattr(saferstats, fn)(df, by="force", confidence=[0.95, 0.998])
        ax1 = saferstats.plot_disproportionality(one)
        ax2 = saferstats.plot_disproportionality(two)   # was InvalidInputError
    est = "ratio" if fn == "disproportionality" else "rr"
    assert two[f"{est}_lower_95"].tolist() == pytest.approx(one[f"{est}_lower"].tolist(), nan_ok=True)
    s1, s2 = _segments(ax1), _segments(ax2)
    assert len(s1) > 0 and np.ravel(s2).tolist() == pytest.approx(np.ravel(s1).tolist())
    # the 95% limits, not the 99.8% ones: the largest ratio's interval is drawn as published at 95%
    top = two.loc[two[est].astype(float).idxmax()]
    assert any(np.allclose(seg, (top[f"{est}_lower_95"], top[f"{est}_upper_95"])) for seg in s2)
    assert not any(np.allclose(seg, (top[f"{est}_lower_99_8"], top[f"{est}_upper_99_8"])) for seg in s2)
    assert "95% CI" in ax2.get_xlabel() and ax2.get_xlabel() == ax1.get_xlabel()


def test_no_area_refusal_names_the_by_given():
    """``disproportionality(records, by="month")`` said "by=None with no `population`" (w26b's note):
    it now names the ``by`` given and how to keep it beside an area."""
    df = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(saferstats.InvalidInputError) as e:
            saferstats.disproportionality(df, by="month")
    msg = str(e.value)
    assert msg.startswith("by=['month'] (no area among them) with no `population`:")
    assert "by=['force', 'month']" in msg and "by=None" not in msg
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.disproportionality(df)
    assert str(e.value).startswith("by=None with no `population`:")


def test_israte_warnings_name_israte():
    """w26d's warning of a missing population counted as 0 began "isr:" when raised through israte."""
    import pandas as pd

    df = pd.DataFrame({"count": [5, 20, 60], "population": [1000, np.nan, 3000]})
    with pytest.warns(saferstats.SaferstatsWarning) as rec:
        r = saferstats.israte(df, x_ref=[40, 150, 500], n_ref=[10000, 20000, 30000])
    texts = [str(w.message) for w in rec]
    assert any(t.startswith("israte: `population`") for t in texts) and not any(t.startswith("isr: ") for t in texts)
    # the numbers are PHE's (the missing population counted as 0): expected 1000·40/10000 + 3000·500/30000
    assert r["expected"].iloc[0] == pytest.approx(4.0 + 50.0)

"""Walk-through 3: plot_spc places dates on a month scale; weekly dates are not regular on it, so
the points were drawn evenly spaced and a missing week was not shown as a gap (monthly dates were).
Checked against the dates themselves: the missing week's position in days."""

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")

import saferstats  # noqa: E402


def test_a_missing_week_is_shaded_and_points_sit_at_their_week():
    import matplotlib.pyplot as plt

    weeks = pd.date_range("2023-01-02", periods=26, freq="W-MON").delete(10)
    y = np.random.default_rng(1).poisson(20, 25)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = saferstats.spc(y, periods=weeks, chart="c")
    ax = saferstats.plot_spc(res)
    assert "no data" in ax.get_legend_handles_labels()[1]
    # points at whole weeks since the first date: the 11th point sits at week 11, not 10
    expected = ((weeks - weeks[0]) / pd.Timedelta(days=7)).to_numpy()
    xs = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections if len(c.get_offsets())])
    assert sorted(xs.tolist()) == sorted(expected.tolist())
    plt.close("all")

"""The forest plot's legend sits beside the chart, not over the intervals of the bottom rows
(walk-through 3: in the seven-force report the legend, lower right, covered South Yorkshire /
Black 1.70-2.41)."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import saferstats  # noqa: E402


def test_legend_is_outside_the_axes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        df = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
        ax = saferstats.plot_disproportionality(saferstats.disproportionality(df, by="force"))
    fig = ax.figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(r)
    axes = ax.get_window_extent(r)
    assert legend.x0 >= axes.x1  # wholly to the right of the plotting area
    plt.close(fig)

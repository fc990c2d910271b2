"""Legends beside (or below) a chart stay inside the figure when an analyst saves it the plain way,
``fig.savefig(path)`` with no ``bbox_inches="tight"``: plot_disproportionality's forest plot,
plot_gi's map and plot_spc (plot_kde's "outside the study area" key: a guard), for a figure the function makes
and for a caller's ``ax=``. Reference: the figure's own bounding box (``fig.bbox``) against each
legend's window extent, measured by matplotlib after the save (Agg, dpi 60)."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import saferstats  # noqa: E402


@pytest.fixture(scope="module")
def searches():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
        return saferstats.disproportionality(df, by="force"), saferstats.outcome_test(df, outcome="arrest")


def _cut_off(fig) -> list[str]:
    """The legends (and plot_spc's box) that leave the figure after a plain savefig at dpi 60, with
    the pixels they stick out by."""
    fig.savefig(io.BytesIO(), format="png", dpi=60)
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    out = []
    for ax in fig.axes:
        for artist in [ax.get_legend(), *ax.texts]:
            if artist is None or not artist.get_visible():
                continue
            e = artist.get_window_extent(renderer)
            over = max(box.x0 - e.x0, e.x1 - box.x1, box.y0 - e.y0, e.y1 - box.y1)
            if over > 0.5:
                out.append(f"{type(artist).__name__} by {over:.0f} px")
    return out


def _both(draw) -> dict[str, list[str]]:
    """What is cut off in the figure the plot makes and in a caller's plain figure (6.4 by 4.8
    inches, no layout engine)."""
    made = draw(None).figure
    fig, ax = plt.subplots()
    draw(ax)
    try:
        return {"made": _cut_off(made), "caller": _cut_off(fig)}
    finally:
        plt.close(made)
        plt.close(fig)


def _clear() -> dict[str, list[str]]:
    return {"made": [], "caller": []}


def test_forest_plot_legend_inside_a_plain_save(searches) -> None:
    """Before: the forest plot's legend (beside it on the right) ran 195 pixels past the right edge
    of a caller's 384-pixel figure (6.4 inches at dpi 60): more than half of it cut off. The figure
    the function makes (constrained layout) was already right."""
    ratios, risks = searches
    assert _both(lambda ax: saferstats.plot_disproportionality(ratios, ax=ax)) == _clear()
    assert _both(lambda ax: saferstats.plot_disproportionality(risks, ax=ax)) == _clear()


def test_gi_map_legend_inside_a_plain_save() -> None:
    """Before: the Gi* map's legend beside it (with "outside the study area" under a mask) ran 25
    pixels past the right edge of a caller's 384-pixel figure, and 4 past the edge of the 7-inch
    figure plot_gi made itself (no layout engine then; constrained layout now)."""
    mask = np.ones((4, 4), bool)
    mask[0, 0] = False
    g = saferstats.gi_star(np.arange(15.0), saferstats.Weights.lattice(4, 4, mask=mask), permutations=0)
    assert _both(lambda ax: saferstats.plot_gi(g, (4, 4), ax=ax, mask=mask)) == _clear()


def test_kde_study_area_key_inside_a_plain_save() -> None:
    """A guard, right before too: the "outside the study area" key under a masked density map sits
    in the figure's bottom margin (plot_kde is unchanged)."""
    k = saferstats.kde_grid([0, 30, 10, 40], [0, 0, 10, 30], cell_size=5, bandwidth=40)
    keep = np.ones(k.density.shape, bool)
    keep[0, :3] = False
    assert _both(lambda ax: saferstats.plot_kde(k, ax=ax, mask=keep)) == _clear()


def test_spc_legend_and_box_inside_a_plain_save() -> None:
    """plot_spc (fitted by helper z2 with its own function, now the shared one) still keeps its
    legend and classification box inside both figures."""
    res = saferstats.spc([5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 6, 5, 14], improvement="decrease")
    assert _both(lambda ax: saferstats.plot_spc(res, ax=ax)) == _clear()


def test_spc_on_a_callers_axes_keeps_their_size_as_the_forest_plot_does() -> None:
    """Before (z2, this session): plot_spc narrowed a caller's axes to fit its legend, where the
    forest plot and the Gi* map grow the figure and keep the axes (fit_in_figure(grow=True)); in
    the report, saved with bbox_inches="tight", that changed the SPC charts' images from the
    session's start. Now the same as the others: the axes keep their size and place in inches
    (reference: their position times the figure's size before and after), the legend fits."""
    res = saferstats.spc([5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 6, 5, 14], improvement="decrease")
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=60)
    w, h = fig.get_size_inches()
    before = ax.get_position()
    saferstats.plot_spc(res, ax=ax)
    w2, h2 = fig.get_size_inches()
    after = ax.get_position()
    assert w2 > w and h2 == h
    np.testing.assert_allclose([after.x0 * w2, after.width * w2], [before.x0 * w, before.width * w], rtol=1e-9)
    assert _cut_off(fig) == []
    plt.close(fig)


def test_growing_keeps_the_axes_in_inches() -> None:
    """With grow=True the figure widens by the legend's overflow and the axes keep their size and
    place in inches (so the report's bbox_inches="tight" images are unchanged). Reference: the axes'
    position times the figure's size, before and after, written out."""
    from saferstats.plotting import fit_in_figure

    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.plot([0, 1], label="a long legend entry beside the axes")
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    before = ax.get_position().bounds
    fit_in_figure(fig, [legend], grow=True)
    w, h = fig.get_size_inches()
    after = ax.get_position().bounds
    assert w > 4 and h == 3
    # left and width in inches: 0.125 * 4 = 0.5 and 0.775 * 4 = 3.1 before, the same after
    assert after[0] * w == pytest.approx(before[0] * 4) and after[2] * w == pytest.approx(before[2] * 4)
    assert legend.get_window_extent().x1 + 8 <= fig.bbox.x1 + 1e-6
    # a figure with a layout engine is left to it
    fig2, ax2 = plt.subplots(figsize=(4, 3), layout="constrained")
    ax2.plot([0, 1], label="x" * 60)
    fit_in_figure(fig2, [ax2.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))], grow=True)
    assert tuple(fig2.get_size_inches()) == (4, 3)
    plt.close("all")

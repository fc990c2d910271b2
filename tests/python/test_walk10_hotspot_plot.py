"""Walk 10: plot_kde given the HotspotGrid of hotspot_kde / prospective_hotspots (the documented
"hotspot intelligence" route) raised a raw AttributeError ('HotspotGrid' object has no attribute
'x'). It now draws the grid's main layer, with the cells outside a study area blank. Checked by
placing every cell's value at its centre independently of the grid's numbering."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


def _by_centre(g, column):
    """The layer as a rows (south to north) x columns (west to east) array, from the cell centres."""
    xs, ys = np.unique(g.cells["x"].to_numpy()), np.unique(g.cells["y"].to_numpy())
    out = np.full((len(ys), len(xs)), np.nan)
    out[np.searchsorted(ys, g.cells["y"].to_numpy()), np.searchsorted(xs, g.cells["x"].to_numpy())] = \
        g.cells[column].to_numpy(dtype=float)
    return out, xs, ys


def test_plot_kde_draws_a_hotspot_grid_blank_outside_its_study_area():
    rng = np.random.default_rng(14)
    x = 524000 + rng.normal(0, 800, 300)   # Stevenage town centre, British National Grid metres
    y = 224500 + rng.normal(0, 800, 300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)   # points beyond Stevenage, counted
        g = saferstats.hotspot_kde(x, y, cell_size=250, bandwidth=600, study_area="Stevenage")
    ax = saferstats.plot_kde(g)
    img = ax.images[0]
    drawn = img.get_array()
    want, xs, ys = _by_centre(g, "kde")
    inside, _, _ = _by_centre(g, "in_study_area")
    assert drawn.shape == want.shape
    np.testing.assert_array_equal(np.ma.getmaskarray(drawn), inside == 0)
    np.testing.assert_allclose(drawn.filled(np.nan)[inside == 1], want[inside == 1])
    left, right, bottom, top = img.get_extent()
    assert (left, right, bottom, top) == pytest.approx((xs[0] - 125, xs[-1] + 125, ys[0] - 125, ys[-1] + 125))
    assert ax.get_title() == f"Kernel density (bandwidth {g.bandwidth:,.0f})"
    # mask= overrides the grid's own cells
    full = saferstats.plot_kde(g, mask=np.ones(want.shape, dtype=bool)).images[0].get_array()
    np.testing.assert_allclose(np.ma.getdata(full), want)


def test_plot_kde_of_other_layers_and_hexagons():
    g = saferstats.hotspot_count([0, 10, 260], [0, 0, 120], cell_size=100)
    ax = saferstats.plot_kde(g)
    assert ax.get_title() == "Count per cell (cells of 100 m)"
    want, _, _ = _by_centre(g, "count")
    np.testing.assert_array_equal(np.ma.getdata(ax.images[0].get_array()), want)
    h = saferstats.hotspot_count([0, 10, 260], [0, 0, 120], cell_size=100, grid_type="hex")
    with pytest.raises(saferstats.InvalidInputError, match="hexagonal") as e:
        saferstats.plot_kde(h)
    assert e.value.argument == "result"

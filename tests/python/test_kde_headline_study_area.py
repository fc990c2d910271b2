"""A KDE over a study area: its headline is the area's (session 10). The kernel spreads events near
the edge over the cells beyond it; the headline gave their maximum and counted them among the cells
> 0 (Stevenage ASB, Jan-Mar 2021 on 200 m cells: 383 cells outside the district > 0), so an analyst
reading "max" or sorting the cells could take a place next door for the area's peak. The headline
now gives the maximum and count over the area's cells and says how many outside are > 0; the
expected figures are computed here with shapely from the polygon, not from ``in_study_area``."""

import re
import warnings

import numpy as np
import pytest
import shapely

import saferstats
from saferstats.exceptions import SaferstatsWarning


def test_kde_headline_counts_the_study_area_cells():
    square = np.array([[1000.0, 1000.0], [2000.0, 1000.0], [2000.0, 2000.0], [1000.0, 2000.0], [1000.0, 1000.0]])
    area = saferstats.StudyArea(square, crs=27700)
    rng = np.random.default_rng(5)
    # a dense cluster just inside the east edge, a thin spread over the rest of the square
    x = np.r_[rng.uniform(1950, 1999, 200), rng.uniform(1001, 1999, 20)]
    y = np.r_[rng.uniform(1400, 1600, 200), rng.uniform(1001, 1999, 20)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        g = saferstats.hotspot_kde(x, y, cell_size=100, bandwidth=300, study_area=area, bounds=(500, 2500, 500, 2500))
    c = g.cells
    poly = shapely.Polygon(square)
    inside = shapely.contains_xy(poly, c["x"].to_numpy(), c["y"].to_numpy())
    kde = c["kde"].to_numpy()
    assert kde[~inside].max() > 0  # the kernel reaches beyond the edge
    head = repr(g)
    m = re.search(r"kde: max ([0-9.e+-]+) per km², ([0-9,]+) cells > 0 in the study area \(([0-9,]+) cells outside it also > 0", head)
    assert m, head
    assert float(m.group(1)) == pytest.approx(kde[inside].max(), rel=1e-5)
    assert int(m.group(2).replace(",", "")) == int((kde[inside] > 0).sum())
    assert int(m.group(3).replace(",", "")) == int((kde[~inside] > 0).sum())


def test_kde_without_study_area_headline_unchanged():
    g = saferstats.hotspot_kde([0.0], [0.0], cell_size=10, bandwidth=30, bounds=(-50, 50, -50, 50))
    kde = g.cells["kde"].to_numpy()
    assert "cells > 0" in repr(g) and "study area" not in repr(g)
    assert f"{int((kde > 0).sum()):,} cells > 0" in repr(g)

"""Session 20 (w27d): hotspot results that misled a new analyst on the shared police.uk data.

- concentration() over a grid made without a study area counted every empty cell of the points'
  box as a place, silently;
- gi_star()/local_moran() on the lattice of a whole grid named its cells "unit N";
- PaiTable, which pai() returns, was not exported;
- cluster_summary() gave clusters at two map points (or on one line) area 0 and density NaN silently.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

from conftest import shared_path


def _said(fn, *args, **kwargs):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, [str(m.message) for m in w if issubclass(m.category, SaferstatsWarning)]


def _gini(v: np.ndarray) -> float:
    """R ineq::Gini, written out."""
    v = np.sort(np.asarray(v, dtype=float))
    n = len(v)
    return float(2 * np.sum(np.arange(1, n + 1) * v) / (n * v.sum()) - (n + 1) / n)


@pytest.fixture(scope="module")
def watford_asb_june(shared_data: Path) -> pd.DataFrame:
    """Watford's ASB of June 2021 (LSOA name 'Watford ...', located), read with the csv module."""
    f = shared_path(shared_data, "street_crime/2021-06-hertfordshire-street.csv")
    with open(f, newline="") as fh:
        rows = [(float(r["Latitude"]), float(r["Longitude"])) for r in csv.DictReader(fh)
                if r["Crime type"] == "Anti-social behaviour" and r["LSOA name"].startswith("Watford")
                and r["Latitude"]]
    d = pd.DataFrame(rows, columns=["lat", "lon"])
    x, y = saferstats.to_bng(d["lat"].to_numpy(), d["lon"].to_numpy())
    return d.assign(x=np.asarray(x), y=np.asarray(y))


# ------------------------------------------------------------------ 1. concentration over a box
def test_concentration_warns_of_a_grid_without_study_area(watford_asb_june):
    d = watford_asb_june
    g, _ = _said(saferstats.hotspot_count, d.x, d.y, cell_size=250)
    counts = g.cells["count"].to_numpy()
    assert len(d) == 254 and len(counts) == 432 and int((counts > 0).sum()) == 118
    c, said = _said(saferstats.concentration, g)
    # the numbers are the box's (unchanged): every cell a place
    assert c.places == 432 and c.gini == pytest.approx(_gini(counts), rel=1e-12) and round(c.gini, 2) == 0.83
    assert round(100 * c.share_of_events(0.05), 1) == 43.6
    warned = [m for m in said if m.startswith("concentration:")]
    assert len(warned) == 1
    assert "432 cells of a grid made without a study area" in warned[0]
    assert "314 hold no event, 98 of them outside the outline (convex hull)" in warned[0]
    assert "study_area='Watford'" in warned[0]
    assert c.note is not None and "98 of the places are empty cells" in c.headline()
    # a layer taken whole from its cells: the same
    _, said2 = _said(saferstats.concentration, g.cells["count"])
    assert [m for m in said2 if m.startswith("concentration:")] == warned
    # over the area (the advice): Watford's own 344 cells, no warning, a lower Gini
    ga, _ = _said(saferstats.hotspot_count, d.x, d.y, cell_size=250, study_area="Watford")
    ca, said_a = _said(saferstats.concentration, ga)
    assert ca.places == 344 and round(ca.gini, 2) == 0.77 and round(100 * ca.share_of_events(0.05), 1) == 37.8
    assert ca.note is None and not [m for m in said_a if m.startswith("concentration:")]


def test_concentration_warns_of_a_plain_grid_counts_array(watford_asb_june):
    d = watford_asb_june
    (cc, cx, cy), _ = _said(saferstats.grid_counts, d.x, d.y, cell_size=250)
    c, said = _said(saferstats.concentration, cc)
    warned = [m for m in said if m.startswith("concentration:")]
    assert len(warned) == 1 and f"plain {cc.shape[0]} × {cc.shape[1]} array" in warned[0]
    assert "grid_mask(cx, cy, counts)" in warned[0]
    # a flat list of places (LSOA counts, a filtered column) is taken as given
    _, quiet = _said(saferstats.concentration, cc.ravel())
    assert not [m for m in quiet if m.startswith("concentration:")]


def test_concentration_outline_counts_only_cells_beyond_the_events():
    # events in the middle 2 × 2 cells of a 4 × 4 box: the 12 ring cells are empty and outside
    x = [150, 250, 150, 250]
    y = [150, 150, 250, 250]
    g = saferstats.hotspot_count(x, y, cell_size=100, bounds=(0, 399, 0, 399))
    c, said = _said(saferstats.concentration, g)
    assert c.places == 16
    assert any("12 hold no event, 12 of them outside the outline" in m for m in said)
    # events in the four corners: the empty cells are inside their outline, nothing is said
    g2 = saferstats.hotspot_count([50, 350, 50, 350], [50, 50, 350, 350], cell_size=100, bounds=(0, 399, 0, 399))
    c2, said2 = _said(saferstats.concentration, g2)
    assert c2.places == 16 and c2.note is None and not [m for m in said2 if m.startswith("concentration:")]


# ------------------------------------------------------------------ 3. PaiTable exported
def test_pai_table_is_exported():
    t = saferstats.pai([6, 3, 0], [3, 2, 1])
    assert "PaiTable" in saferstats.__all__ and "PaiTable" in saferstats.hotspot.__all__
    assert saferstats.PaiTable is saferstats.hotspot.PaiTable
    assert isinstance(t, saferstats.PaiTable)
    assert t.headline().startswith("PAI of 3 cells, 9 observed events")

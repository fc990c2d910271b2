"""Gi* over a study area's own cells (walk-through 2, item 14): a grid over Hertfordshire's
bounding box is more than half outside the force; those cells are zeros by construction and lower
the mean every Gi* is measured from. ``Weights.lattice(mask=)`` with ``StudyArea.grid_mask`` keeps
the force's cells only; checked here against Getis and Ord's Gi* computed independently with numpy
from the cell centres (queen neighbours within one cell, the cell itself included, binary)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import SHARED_DATA, gi_star_z_reference, herts_asb_grid

import saferstats as ss
from saferstats.exceptions import InvalidInputError


def test_weights_lattice_mask_matches_an_independent_gi_star_on_hertfordshire_asb():
    f = SHARED_DATA / "street_crime" / "2021-06-hertfordshire-street.csv"
    if not f.is_file():
        pytest.skip("../shared/data not present beside the repository")
    counts, cx, cy, centre, keep = herts_asb_grid(f)
    assert counts.shape == (55, 65) and int(centre.sum()) == 1645
    assert int(counts[keep].sum()) == int(counts.sum())          # no point lost at the edge
    assert int(counts[centre].sum()) < int(counts.sum())         # (the centre rule alone would lose some)
    w = ss.Weights.lattice(*counts.shape, mask=keep)
    g = ss.gi_star(counts[keep].astype(float), w, permutations=0)
    gx, gy = np.meshgrid(cx, cy)
    want = gi_star_z_reference(counts[keep].astype(float), gx[keep], gy[keep], 1000.0)
    np.testing.assert_allclose(g.z, want, rtol=1e-10, atol=1e-12)
    # the structural zeros of the box inflate the hot spots
    box = ss.gi_star(counts.ravel().astype(float), ss.Weights.lattice(*counts.shape), permutations=0)
    hot_box = int(np.char.startswith(np.asarray(box.label, dtype=str), "Hot").sum())
    hot_area = int(np.char.startswith(np.asarray(g.label, dtype=str), "Hot").sum())
    assert hot_area < hot_box
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = ss.plot_gi(g, counts.shape, x=cx, y=cy, mask=keep)
    assert "outside the study area" in [t.get_text() for t in ax.get_legend().get_texts()]
    with pytest.raises(InvalidInputError, match="`mask` keeps"):
        ss.plot_gi(g, counts.shape, mask=centre)
    plt.close("all")


def test_lattice_mask_is_checked():
    with pytest.raises(InvalidInputError, match=r"`mask` must be a boolean array of shape \(2, 3\)"):
        ss.Weights.lattice(2, 3, mask=np.ones((3, 2), dtype=bool))
    w = ss.Weights.lattice(2, 3, mask=np.ones((2, 3), dtype=bool))
    full = ss.Weights.lattice(2, 3)
    assert w.n == full.n and w.cardinalities.tolist() == full.cardinalities.tolist()


def test_report_gi_star_is_over_the_study_areas_cells():
    """The report's Gi* map used the whole grid box (cells outside the study area as zeros)."""
    f = SHARED_DATA / "street_crime" / "2021-06-hertfordshire-street.csv"
    if not f.is_file():
        pytest.skip("../shared/data not present beside the repository")
    from saferstats.report.sections import _hotspots

    cfg = {"confidence": 0.95, "disclosure_threshold": 5}
    sec = {"files": [str(f)], "crime_type": ["Anti-social behaviour"], "study_area": "Stevenage", "eps_m": 150,
           "min_samples": 10, "cell_size": 500}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        s = _hotspots(cfg, sec)
        a = ss.read_street_crime(f, crime_type=["Anti-social behaviour"]).dropna(subset=["latitude"])
    area = ss.StudyArea("Stevenage")
    a = a[area.contains(a.latitude, a.longitude)]
    x, y = ss.to_bng(a.latitude, a.longitude)
    counts, cx, cy = ss.grid_counts(x, y, cell_size=500)
    keep = area.grid_mask(cx, cy, counts)
    assert keep.sum() < keep.size
    # (in plain words, walk 21: grid squares, not "Gi* on a 500 m grid of counts (the N cells")
    assert "Hot and cold spots are 500 m grid squares" in s.intro
    assert f"(Getis-Ord Gi*; the {int(keep.sum()):,} squares in Stevenage, squares beyond it left out;" in s.intro


def test_report_hotspots_with_fewer_points_than_the_threshold_draws_and_counts_nothing():
    """Walk-through 2: a hotspot section on 3 weapons offences in a CSP still drew their KDE and
    Gi* maps and printed the counts, below the report's own disclosure threshold of 5."""
    import pandas as pd

    from saferstats.report.sections import _hotspots

    cfg = {"confidence": 0.95, "disclosure_threshold": 5}
    data = pd.DataFrame({"lat": [51.90, 51.901, 51.905], "lon": [-0.20, -0.201, -0.203]})
    s = _hotspots(cfg, {"data": data})
    assert not s.figures and not s.tables and not s.geojson
    assert "Fewer than 5 incidents" in s.intro and "3" not in s.intro
    from saferstats.report.summary import _hotspots as finding

    # not "No clusters of incidents were found": the summary says why nothing is shown (session 20, w27a),
    # without the count below the threshold
    said = finding(s, cfg)
    assert len(said) == 1 and said[0].startswith("Fewer than 5 incidents with a location in the study area")
    assert "No clusters" not in said[0] and "3" not in said[0]

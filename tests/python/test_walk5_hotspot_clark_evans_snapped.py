"""clark_evans on Hertfordshire burglary (13 police.uk months, study_area="Hertfordshire"): R = 0.39,
z = -71, "clustered", silently - yet 46% of the 3,675 points have a nearest neighbour at distance 0
(police.uk moves every record to one of a set of anonymised map points), so much of the "clustering"
is the snapping. Now a warning gives the share. Checked: r_obs and r_exp against scipy's cKDTree and
0.5/sqrt(n/A); the share against np.unique of the coordinates."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import herts_street_points


def test_snapped_points_are_warned_about(shared_data):
    cKDTree = pytest.importorskip("scipy.spatial").cKDTree
    month, x, y = herts_street_points(shared_data, "Burglary")
    sa = saferstats.StudyArea("Hertfordshire")
    inside = np.asarray(sa.contains_xy(x, y), dtype=bool)
    xi, yi = x[inside], y[inside]
    d, _ = cKDTree(np.c_[xi, yi]).query(np.c_[xi, yi], k=2)
    zero = int((d[:, 1] == 0).sum())
    _, counts = np.unique(np.c_[xi, yi], axis=0, return_counts=True)
    assert zero == int(counts[counts > 1].sum())
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = saferstats.clark_evans(x, y, study_area=sa)
    msgs = [str(m.message) for m in w if issubclass(m.category, SaferstatsWarning)]
    assert any(f"{zero:,} of {len(xi):,} points ({zero / len(xi):.0%}) share their exact location" in m for m in msgs), msgs
    assert r.r_obs == pytest.approx(d[:, 1].mean(), rel=1e-9)
    assert r.r_exp == pytest.approx(0.5 / np.sqrt(len(xi) / sa.area_m2), rel=1e-9)


def test_distinct_points_are_quiet():
    rng = np.random.default_rng(4)
    x, y = rng.uniform(0, 1000, 200), rng.uniform(0, 1000, 200)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.clark_evans(x, y, area=1e6)

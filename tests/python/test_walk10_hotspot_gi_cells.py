"""Walk 10: Gi* / Local Moran on a study area's own cells (the recipe of docs/methods/hotspots.md C5:
``Weights.lattice(..., mask=)`` and ``gi_star(counts[mask], w)``) named their strongest units by
position among the kept cells ("strongest: unit 238"), which is no cell of the grid (cell 238 of the
Dacorum box is outside Dacorum; the hot spot is cell 790), and ``geo.to_geodataframe`` refused the
result ("cells has 47 x 40 = 1880 cells but the result has 852 units"), so the masked Gi* could not
be mapped. The result now carries each unit's cell: the headline and ``to_pandas()["cell"]`` name it
and the GeoDataFrame puts each unit on its cell. Checked against Gi* computed with numpy from the
cell centres (conftest.gi_star_z_reference) and esda's quadrant-free Local Moran I."""

import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import gi_star_z_reference, herts_street_points


def _dacorum(shared_data):
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    q = (month >= "2021-10") & (month <= "2021-12")
    sa = saferstats.StudyArea("Dacorum")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        counts, cx, cy = saferstats.grid_counts(x[q], y[q], cell_size=500, study_area=sa)
    return counts, cx, cy, sa.grid_mask(cx, cy, counts)


def test_masked_gi_names_and_maps_grid_cells(shared_data):
    pytest.importorskip("geopandas")
    counts, cx, cy, mask = _dacorum(shared_data)
    w = saferstats.Weights.lattice(*counts.shape, mask=mask)
    np.testing.assert_array_equal(w.cells, np.flatnonzero(mask.ravel()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)   # p_sim of empty neighbourhoods
        r = saferstats.gi_star(counts[mask], w, seed=1)
    xx, yy = np.meshgrid(cx, cy)
    kx, ky = xx.ravel()[mask.ravel()], yy.ravel()[mask.ravel()]
    ref = gi_star_z_reference(counts[mask], kx, ky, 500.0)
    np.testing.assert_allclose(r.z, ref, rtol=1e-9, atol=1e-12)
    best = int(np.argmax(ref))
    best_cell = int(np.flatnonzero(mask.ravel())[best])
    # with its row and column since session 20 (w27d)
    ncols = counts.shape[1]
    assert best_cell != best and (f"strongest: cell {best_cell} (row {best_cell // ncols}, col {best_cell % ncols}; "
                                  f"z {ref[best]:.2f})") in repr(r)
    t = r.to_pandas()
    assert t.columns[0] == "cell" and t["cell"].iloc[best] == best_cell
    gdf = saferstats.geo.to_geodataframe(r, cells=(cx, cy))
    assert len(gdf) == int(mask.sum())
    np.testing.assert_allclose(gdf[["x", "y"]].to_numpy(), np.c_[kx, ky])
    assert gdf.geometry.iloc[best].contains(
        __import__("shapely").geometry.Point(xx.ravel()[best_cell], yy.ravel()[best_cell]))
    # the unmasked lattice keeps its table (unit i is cell i: the index is named cell) and, since session 20
    # (w27d), names its cells as the grid does, not "unit N"
    r0 = saferstats.gi_star(counts.ravel(), saferstats.Weights.lattice(*counts.shape), permutations=0)
    assert "strongest: cell" in repr(r0) and r0.cells is None and r0.to_pandas().columns[0] == "g"
    assert r0.to_pandas().index.name == "cell"
    with pytest.raises(saferstats.InvalidInputError, match="reach cell"):
        saferstats.geo.to_geodataframe(r, cells=(cx[:5], cy[:5]))


def test_masked_local_moran_names_cells(shared_data):
    counts, cx, cy, mask = _dacorum(shared_data)
    w = saferstats.Weights.lattice(*counts.shape, mask=mask)
    lm = saferstats.local_moran(counts[mask], w, permutations=0)
    # esda Moran_Local's I with row-standardised queen weights, in numpy
    xx, yy = np.meshgrid(cx, cy)
    kx, ky = xx.ravel()[mask.ravel()], yy.ravel()[mask.ravel()]
    near = (np.abs(kx[:, None] - kx[None, :]) <= 505) & (np.abs(ky[:, None] - ky[None, :]) <= 505)
    np.fill_diagonal(near, False)
    wr = near / near.sum(axis=1, keepdims=True)
    v = counts[mask].astype(float)
    z = v - v.mean()
    i_ref = (len(v) - 1) * z * (wr @ z) / (z @ z)
    np.testing.assert_allclose(lm.i, i_ref, rtol=1e-9, atol=1e-12)
    assert lm.to_pandas()["cell"].tolist() == np.flatnonzero(mask.ravel()).tolist()
    assert "strongest: cell " in repr(lm)

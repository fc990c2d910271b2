"""Reference audit: kde_grid's Gaussian kernel against MASS::kde2d (Debian R), stored in
tests/fixtures/audit_kde.json by tests/fixtures/generate_audit_kde.R.

The older tests compared kde_grid with a direct sum written in the test (and the quartic kernel
with docs/methods/hotspots.md C4); this sets the Gaussian surface, its grid placement (cell
centres) and its per-km² scaling against an outside implementation on 300 points."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_fixture

import saferstats

FX = load_fixture("audit_kde.json")


@pytest.mark.parametrize("case", FX["cases"], ids=lambda c: f"cell{c['cell_size']}-bw{c['bandwidth']}")
def test_gaussian_kde_matches_mass_kde2d(case):
    r = saferstats.kde_grid(FX["x"], FX["y"], cell_size=case["cell_size"], bandwidth=case["bandwidth"],
                            kernel="gaussian", bounds=tuple(case["bounds"]))
    want = np.array(case["density_per_km2"]).reshape(case["ny"], case["nx"])
    got = np.asarray(r.density)
    assert got.shape == want.shape
    # sums of exponentials on both sides: agreement to rounding (~1e-14 observed)
    np.testing.assert_allclose(got, want, rtol=1e-10)
    t = r.to_pandas()
    np.testing.assert_allclose(np.unique(t["x"]), case["x_centres"], rtol=1e-12)
    np.testing.assert_allclose(np.unique(t["y"]), case["y_centres"], rtol=1e-12)
    # the table and the array are the same surface (rows of y, x fastest)
    np.testing.assert_allclose(t.sort_values(["y", "x"])["density"].to_numpy(), want.ravel(), rtol=1e-10)

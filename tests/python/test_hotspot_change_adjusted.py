"""Walk-through 3: hotspot_change gives one p-value per cell and nothing adjusted for testing
thousands of cells; notebook 07 lists the cells by p_value. Hertfordshire ASB (20 km square of
notebook 07, 250 m cells), August-October vs November-January: 33 of 1,201 cells with an event
have p < 0.05, about what chance gives. `p_adjusted` (BH) is checked against statsmodels, and the
per-cell p against scipy's binomtest."""

import csv

import numpy as np
import pytest

import saferstats

BOUNDS = (505_000, 524_999, 195_000, 214_999)


@pytest.fixture(scope="module")
def change(shared_data):
    pts = {"before": [], "after": []}
    months = {"2021-08": "before", "2021-09": "before", "2021-10": "before",
              "2021-11": "after", "2021-12": "after", "2022-01": "after"}
    for f in sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv")):
        with open(f, newline="") as fh:
            for r in csv.DictReader(fh):
                if r["Crime type"] == "Anti-social behaviour" and r["Latitude"] and r["Month"] in months:
                    pts[months[r["Month"]]].append((float(r["Latitude"]), float(r["Longitude"])))
    xy = {}
    for k, v in pts.items():
        x, y = saferstats.to_bng(*map(np.array, zip(*v)))
        keep = (x >= 505_000) & (x < 525_000) & (y >= 195_000) & (y < 215_000)
        xy[k] = (x[keep], y[keep])
    return saferstats.hotspot_change(*xy["before"], *xy["after"], cell_size=250, bounds=BOUNDS)


def test_p_adjusted_is_benjamini_hochberg_over_cells_with_events(change):
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    from scipy.stats import binomtest

    c = change.cells
    tested = (c["count_before"] + c["count_after"]) > 0
    assert tested.sum() == 1201 and (c.loc[tested, "p_value"] < 0.05).sum() == 33
    for _, r in c[tested].head(50).iterrows():
        n, k = int(r["count_before"] + r["count_after"]), int(r["count_after"])
        assert r["p_value"] == pytest.approx(binomtest(k, n, 0.5).pvalue, abs=1e-12)
    bh = multitest.multipletests(c.loc[tested, "p_value"], method="fdr_bh")[1]
    np.testing.assert_allclose(c.loc[tested, "p_adjusted"].to_numpy(), bh, rtol=1e-12)
    assert (c.loc[~tested, "p_adjusted"] == 1).all()
    assert (c["p_adjusted"] < 0.05).sum() == 2

"""Walk-through 3: hotspot_classify(..., study_area="Hertfordshire") classifies over a grid on the
force's bounding box; more than half its cells are outside the force, zeros in every month, which
lower the mean every Gi* is compared with (walk-through 2 item 14, fixed for gi_star with a mask,
not for the classification, whose core has no mask). It now says so. The share outside is checked
with shapely + pyproj against the ONS force boundary in shared/data/boundaries."""

import json
import re
import warnings

import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import herts_street_points


@pytest.fixture(scope="module")
def asb(shared_data):
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    return x, y, month


def test_cells_outside_the_force_are_warned_about(asb, shared_data):
    shapely = pytest.importorskip("shapely")
    pyproj = pytest.importorskip("pyproj")
    from shapely.geometry import shape

    x, y, month = asb
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = saferstats.hotspot_classify(x, y, month, cell_size=1000, permutations=0, study_area="Hertfordshire")
    msgs = [str(w.message) for w in caught if "grid cells" in str(w.message)]
    assert len(msgs) == 1, [str(w.message) for w in caught]
    k, n = (int(v.replace(",", "")) for v in re.search(r"([\d,]+) of ([\d,]+) grid cells", msgs[0]).groups())
    assert n == len(r.cells)
    gj = json.loads((shared_data / "boundaries" / "boundaries_pfa20.geojson").read_text())
    herts = next(shape(f["geometry"]) for f in gj["features"] if f["properties"]["pfa20_code"] == "E23000027")
    lon, lat = pyproj.Transformer.from_crs(27700, 4326, always_xy=True).transform(r.cells["x"].to_numpy(),
                                                                                 r.cells["y"].to_numpy())
    inside = shapely.contains_xy(herts, lon, lat)
    held = r.periods.groupby("cell")["count"].sum().reindex(r.cells["cell"]).to_numpy() > 0
    independent = int((~inside & ~held).sum())
    assert abs(k - independent) <= 0.01 * n, (k, independent)
    assert k > n / 2


def test_a_grid_mostly_inside_is_quiet(asb):
    x, y, month = asb
    keep = (x >= 515_000) & (x < 525_000) & (y >= 205_000) & (y < 215_000)  # 10 km square inside the force
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        saferstats.hotspot_classify(x[keep], y[keep], month[keep], cell_size=1000, permutations=0,
                                    study_area="Hertfordshire", bounds=(515_000, 524_999, 205_000, 214_999))

"""Walk-through 3: prospective_hotspots with a predict_time before every event (or long after
them) returned an all-zero risk grid without a word ("max 0, 0 cells > 0"), which pai() then
scores like a prediction. Police.uk Hertfordshire burglary, read with the csv module; the normal
path is checked against the open_cp classic weights written out in numpy."""


import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError
from conftest import herts_street_points


@pytest.fixture(scope="module")
def burglary(shared_data):
    month, x, y = herts_street_points(shared_data, "Burglary", last_month="2021-06")
    keep = (x >= 520_000) & (x < 530_000) & (y >= 220_000) & (y < 230_000)  # a 10 km square over Stevenage
    return x[keep], y[keep], pd.to_datetime(pd.Series(month)[keep].to_numpy() + "-15")


BOUNDS = (520_000, 529_999, 220_000, 229_999)


def test_predict_time_before_every_event_is_refused(burglary):
    x, y, t = burglary
    with pytest.raises(InvalidInputError, match=r"no event counts.*after cutoff_time 2020-07-01.*2021-01-15 to "
                                                r"2021-06-15") as e:
        saferstats.prospective_hotspots(x, y, t, predict_time=pd.Timestamp("2020-07-01"), cell_size=500,
                                        bounds=BOUNDS, time_unit=30)
    assert e.value.argument == "predict_time"


def test_events_all_too_old_are_refused(burglary):
    x, y, t = burglary
    with pytest.raises(InvalidInputError, match=r"8 or more time units \(240 days\)"):
        saferstats.prospective_hotspots(x, y, t, predict_time=pd.Timestamp("2023-01-01"), cell_size=500,
                                        bounds=BOUNDS, time_unit=30)


def test_the_usual_call_matches_open_cp_classic_weights(burglary):
    x, y, t = burglary
    pt = pd.Timestamp("2021-07-01")
    g = saferstats.prospective_hotspots(x, y, t, predict_time=pt, cell_size=500, bounds=BOUNDS, time_unit=30,
                                        space_bandwidth=3, time_bandwidth=4)
    age = np.floor(((pt - pd.DatetimeIndex(t)) / pd.Timedelta(days=1)).to_numpy() / 30)
    ex, ey = np.floor((x - 520_000) / 500), np.floor((y - 220_000) / 500)
    risk = np.zeros(len(g.cells))
    for i, (cx, cy) in enumerate(zip(g.cells["x"], g.cells["y"])):
        c, r = np.floor((cx - 520_000) / 500), np.floor((cy - 220_000) / 500)
        d = np.maximum(np.abs(ex - c), np.abs(ey - r))
        use = (d < 3) & (age < 4)
        risk[i] = np.sum(1 / ((1 + d[use]) * (1 + age[use])))
    assert len(x) > 100 and risk.max() > 0
    np.testing.assert_allclose(g.cells["risk"].to_numpy(), risk, rtol=1e-12)

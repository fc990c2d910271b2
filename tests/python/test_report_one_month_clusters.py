"""A report of one police.uk month shows its clusters' months as "Jun 2021", not a day: the Month
column ("2021-06") goes to cluster_summary as written, which knows it for months even when every
record is of the same month (session 15; read first with pd.to_datetime it became 2021-06-01)."""

import numpy as np
import pandas as pd

from saferstats.report.sections import _hotspots


def test_one_month_of_police_uk_records_shows_the_month():
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"lat": 51.9 + rng.normal(0, 2e-4, 40), "lon": -0.2 + rng.normal(0, 2e-4, 40),
                         "month": ["2021-06"] * 40, "location": ["On or near High Street"] * 40})
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Stevenage"}
    sec = {"data": data, "lat": "lat", "lon": "lon", "date": "month", "eps_m": 150.0, "min_samples": 10,
           "cell_size": 250.0}
    s = _hotspots(cfg, sec)
    tab = next(t.frame for t in s.tables if t.name == "hotspot_clusters")
    assert len(tab) == 1
    shown = {str(v) for c in tab.columns if "first" in str(c) or "last" in str(c) for v in tab[c]}
    assert shown == {"Jun 2021"}, tab.to_dict("records")

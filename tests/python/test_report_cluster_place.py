"""Clusters in the report are named by a real street, never by police.uk's "On or near " (no street)
or "No Location" (walk-through 2: City of London ASB 2023, a cluster of 19 was named "On or near")."""

import numpy as np
import pandas as pd

from saferstats.report.sections import _hotspots


def test_cluster_place_is_a_street_not_a_placeholder():
    rng = np.random.default_rng(1)
    # cluster A at Bishopsgate: 12 points with no street name, 8 on Bishopsgate; cluster B: only placeholders
    a = pd.DataFrame({"lat": 51.5172 + rng.normal(0, 1e-5, 20), "lon": -0.0809 + rng.normal(0, 1e-5, 20),
                      "location": ["On or near"] * 12 + ["On or near Bishopsgate"] * 8})
    b = pd.DataFrame({"lat": 51.5137 + rng.normal(0, 1e-5, 15), "lon": -0.1024 + rng.normal(0, 1e-5, 15),
                      "location": ["No Location"] * 10 + ["On or near "] * 5})
    data = pd.concat([a, b], ignore_index=True)
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "City of London"}
    sec = {"data": data, "lat": "lat", "lon": "lon", "eps_m": 50.0, "min_samples": 10, "cell_size": 250.0}
    s = _hotspots(cfg, sec)
    tab = next(t.frame for t in s.tables if t.name == "hotspot_clusters")
    places = dict(zip(tab["n"].astype(int), tab["place"].astype(str)))
    assert places[20] == "Bishopsgate"
    assert places[15] == ""

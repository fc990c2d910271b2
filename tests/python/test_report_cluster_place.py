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


def test_the_finding_names_the_next_clusters_by_place_and_their_district_once(shared_data):
    """Session 12: a City of London report said "the next largest are in City of London (19), City of
    London (19), City of London (15)". Now the 2nd-4th clusters are named by place, the district
    once when they share it; places and counts are the cluster table's own (the finding repeats
    it, it does not recompute it)."""
    import warnings

    from saferstats.report.summary import _hotspots as finding

    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "City of London"}
    sec = {"files": [str(shared_data / "street_crime" / "city_of_london_2023" / "street.csv")],
           "crime_type": "Anti-social behaviour", "study_area": "City of London", "eps_m": 100, "min_samples": 10,
           "cell_size": 200}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _hotspots(cfg, sec)
    tab = next(t.frame for t in s.tables if t.name == "hotspot_clusters")
    tab = tab.assign(_n=pd.to_numeric(tab["n"])).sort_values("_n", ascending=False, kind="stable")
    assert set(tab["district"].astype(str)) == {"City of London"}
    nxt = tab.iloc[1:4]
    want = ("; the next largest are around "
            + ", ".join(f"{p[:-1]}, {int(n):,})" if p.endswith(")") else f"{p} ({int(n):,})"
                        for p, n in zip(nxt["place"].astype(str), nxt["_n"]))
            + ", all in City of London.")
    text = finding(s, cfg)[0]
    assert text.endswith(want), text
    assert "in City of London (" not in text


def test_next_clusters_in_several_districts_name_place_and_district():
    from saferstats.report.summary import _next_clusters

    others = pd.DataFrame({"n": [315, 262, 239], "place": ["Pedestrian Subway", "Shopping Area", "Shopping Area"],
                           "district": ["Stevenage", "Welwyn Hatfield", "Dacorum"]})
    assert _next_clusters(others) == ("; the next largest are around Pedestrian Subway, Stevenage (315); Shopping Area, "
                                      "Welwyn Hatfield (262); Shopping Area, Dacorum (239)")
    no_place = others.assign(place=["", "Shopping Area", ""])
    assert _next_clusters(no_place) == ("; the next largest are in Stevenage (315), around Shopping Area, Welwyn "
                                        "Hatfield (262), in Dacorum (239)")


def test_a_cluster_at_a_police_uk_feature_is_named_by_its_street_too():
    """Session 13: Stevenage ASB 2021 (eps 150 m, min 15): 11 of 54 clusters were each named
    "Pedestrian Subway" - police.uk's name for an anonymised point at a feature, which stands for
    places all over the force area - and the finding read "around Pedestrian Subway (124), ...".
    A cluster whose commonest point is a feature is now named by its commonest street, with the
    feature after it; one with no street keeps the feature."""
    rng = np.random.default_rng(2)
    a = pd.DataFrame({"lat": 51.9016 + rng.normal(0, 1e-5, 20), "lon": -0.2016 + rng.normal(0, 1e-5, 20),
                      "location": ["On or near Pedestrian Subway"] * 9 + ["On or near Penn Road"] * 7
                      + ["On or near Gates Way"] * 4})
    b = pd.DataFrame({"lat": 51.9061 + rng.normal(0, 1e-5, 12), "lon": -0.1870 + rng.normal(0, 1e-5, 12),
                      "location": ["On or near Petrol Station"] * 12})
    c = pd.DataFrame({"lat": 51.9139 + rng.normal(0, 1e-5, 11), "lon": -0.1733 + rng.normal(0, 1e-5, 11),
                      "location": ["On or near Raleigh Crescent"] * 6 + ["On or near Supermarket"] * 5})
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Stevenage"}
    sec = {"data": pd.concat([a, b, c], ignore_index=True), "lat": "lat", "lon": "lon", "eps_m": 50.0,
           "min_samples": 10, "cell_size": 250.0}
    s = _hotspots(cfg, sec)
    tab = next(t.frame for t in s.tables if t.name == "hotspot_clusters")
    places = dict(zip(tab["n"].astype(int), tab["place"].astype(str)))
    assert places == {20: "Penn Road (pedestrian subway)", 12: "Petrol Station", 11: "Raleigh Crescent"}


def test_next_clusters_named_with_a_feature_read_with_one_bracket():
    from saferstats.report.summary import _next_clusters

    others = pd.DataFrame({"n": [124, 69, 67], "place": ["Gates Way (pedestrian subway)", "Foxfield (supermarket)",
                                                         "Raleigh Crescent"], "district": ["Stevenage"] * 3})
    assert _next_clusters(others) == ("; the next largest are around Gates Way (pedestrian subway, 124), Foxfield "
                                      "(supermarket, 69), Raleigh Crescent (67), all in Stevenage")

"""Session 20 (w28a): the report's hotspot, stop-search and SPC sections."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from conftest import shared_path


def _herts_files(shared_data):
    folder = shared_path(shared_data, "street_crime")
    files = sorted(str(f) for f in folder.glob("*-hertfordshire-street.csv"))
    assert len(files) == 13
    return files


def test_cluster_shape_warnings_are_said_on_the_page_not_the_console(shared_data):
    """Dacorum ASB, Jan 2021-Jan 2022 (eps 100 m, at least 10): cluster_summary warns that 20 of the
    98 clusters have no outline (two map points) and that the 10 highest densities are triangles of
    3 map points. The report printed both on the console in the library's words and its cluster table
    headed the new `note` column "Note"; now the section says both once, and the column has a header."""
    from saferstats.exceptions import SaferstatsWarning
    from saferstats.report.sections import _hotspots
    from saferstats.report.tables import display_table, header

    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Dacorum"}
    sec = {"files": _herts_files(shared_data), "crime_type": "Anti-social behaviour", "study_area": "Dacorum",
           "eps_m": 100, "min_samples": 10, "cell_size": 1000}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = _hotspots(cfg, sec)
    said = [str(w.message) for w in caught if issubclass(w.category, SaferstatsWarning)]
    assert not [m for m in said if "have no outline" in m or "highest density_per_km2" in m], said
    assert (" 20 of the 98 clusters are each at two map points or on one line: their outline has no area, "
            "so no density is given") in s.intro
    assert ("The highest density in the table (33,459 per km², cluster 11) is of a cluster at only 3 map points, "
            "as are the 10 highest") in s.intro
    t = next(t for t in s.tables if t.name == "hotspot_clusters")
    tab = t.frame  # (the CSV: the library's notes)
    assert list(tab.columns).index("note") == list(tab.columns).index("density_per_km2") + 1
    notes = tab["note"].astype(str)
    assert (notes == "two map locations: no area (a line), no density").sum() == 20
    assert header("note") == "Note on area and density"
    # the page: a narrow cell (the long notes made the demo's cluster table spill a near-blank PDF page)
    page = t.page["note"].astype(str)
    assert (page == "2 points: no area").sum() == 20 and (page == "1 point: no area").sum() == 39
    assert (page == "3 points: a triangle").sum() == (notes.str.startswith("outline of only 3")).sum() > 0
    shown = display_table(t.page, "c")
    assert "Note on area and density" in shown.headers and "Note" not in shown.headers


def test_cluster_note_column_left_out_when_no_cluster_needs_one():
    """Two clusters of many map points each: every `note` is "", so the table has no empty column."""
    from saferstats.report.sections import _hotspots

    rng = np.random.default_rng(1)
    data = pd.DataFrame({"lat": np.r_[51.5172 + rng.normal(0, 1e-4, 20), 51.5137 + rng.normal(0, 1e-4, 15)],
                         "lon": np.r_[-0.0809 + rng.normal(0, 1e-4, 20), -0.1024 + rng.normal(0, 1e-4, 15)]})
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "City of London"}
    sec = {"data": data, "lat": "lat", "lon": "lon", "eps_m": 100.0, "min_samples": 10, "cell_size": 250.0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _hotspots(cfg, sec)
    tab = next(t.frame for t in s.tables if t.name == "hotspot_clusters")
    assert sorted(tab["n"].astype(int)) == [15, 20]
    assert "note" not in tab.columns
    assert "two map points" not in s.intro and "only 3 map points" not in s.intro

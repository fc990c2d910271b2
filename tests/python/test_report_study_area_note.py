"""The report's study-area sentence keeps to its own disclosure threshold (walk-through 2: "Outside: 4 in
Uttlesford, 1 in Central Bedfordshire, 1 in Epping Forest ..." and, for weapons possession in
Stevenage, "4 in Welwyn Hatfield" in a report that says counts below 5 are suppressed)."""

import re

import pandas as pd

from saferstats.report.inputs import points_in_study_area

STEVENAGE = (51.9017, -0.2019)
PLACES = {"Broxbourne": ((51.7450, -0.0220), 7), "Dacorum": ((51.7530, -0.4700), 6),
          "Welwyn Hatfield": ((51.7630, -0.2240), 4), "Watford": ((51.6565, -0.3903), 2)}


def _points(places):
    rows = [STEVENAGE] * 8
    for (lat_lon, n) in places.values():
        rows += [lat_lon] * n
    return pd.DataFrame(rows, columns=["lat", "lon"])


def _counts(note):
    return [int(c) for c in re.findall(r"(\d+) in [A-Z]", note.split("Outside:")[1])]


def test_places_below_the_threshold_are_not_counted_by_name():
    pts, note, _ = points_in_study_area(_points(PLACES), "lat", "lon", "Stevenage", None, threshold=5)
    assert len(pts) == 8
    assert "7 in Broxbourne" in note and "6 in Dacorum" in note
    assert "Welwyn Hatfield" not in note and "Watford" not in note
    assert "2 more places with fewer than 5 each" in note
    assert all(c >= 5 for c in _counts(note))


def test_a_single_hidden_place_is_not_left_alone():
    places = {k: v for k, v in PLACES.items() if k != "Watford"}  # 7 + 6 + 4 = 17 outside
    pts, note, _ = points_in_study_area(_points(places), "lat", "lon", "Stevenage", None, threshold=5)
    assert "17 outside" in note
    # 17 - 7 - 6 would give Welwyn Hatfield's 4 back: one more is hidden with it
    assert "7 in Broxbourne" in note and "Dacorum" not in note and "2 more places" in note


def test_totals_below_the_threshold_are_withheld():
    """Walk-through 2 (not fixed then): the totals outside / without coordinates were printed even
    when 1-4; they are "fewer than 5", and the caller is told not to print the total read."""
    pts = _points({"Watford": PLACES["Watford"]})  # 8 inside, 2 outside
    pts = pd.concat([pts, pd.DataFrame({"lat": [None] * 3, "lon": [None] * 3})], ignore_index=True)
    kept, note, withheld = points_in_study_area(pts, "lat", "lon", "Stevenage", None, threshold=5)
    assert len(kept) == 8 and withheld
    assert "8 points inside; fewer than 5 outside it and fewer than 5 without coordinates" in note
    assert "Outside: 1 place with fewer than 5." in note
    assert not re.search(r"\b[1-4]\b", note.replace("1 place", ""))
    big = _points({"Broxbourne": PLACES["Broxbourne"]})  # 7 outside, none without coordinates
    _kept, note, withheld = points_in_study_area(big, "lat", "lon", "Stevenage", None, threshold=5)
    # (it read "7 outside it and 0 without coordinates were left out": a count of nothing, now unsaid)
    assert not withheld and "8 points inside; 7 outside it were left out." in note
    assert "without coordinates" not in note


def test_the_report_does_not_print_the_total_beside_a_withheld_count(tmp_path):
    from saferstats.report.sections import _hotspots

    rows = ["Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
            "Last outcome category,Context"]
    for k in range(40):  # 40 in Stevenage, spread a little; 2 in Watford; 1 without coordinates
        rows.append(f",2021-06,Hertfordshire Constabulary,Hertfordshire Constabulary,{-0.2019 + k * 1e-4:.5f},"
                    f"{51.9017 + (k % 7) * 1e-4:.5f},On or near High Street,E01023000,Stevenage 001A,Burglary,,")
    rows += [",2021-06,Hertfordshire Constabulary,Hertfordshire Constabulary,-0.39030,51.65650,On or near X,,,Burglary,,"] * 2
    rows.append(",2021-06,Hertfordshire Constabulary,Hertfordshire Constabulary,,,No Location,,,Burglary,,")
    f = tmp_path / "2021-06-hertfordshire-street.csv"
    f.write_text("\n".join(rows) + "\n")
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Stevenage"}
    s = _hotspots(cfg, {"files": [str(f)], "study_area": "Stevenage", "min_samples": 5})
    assert "40 points inside; fewer than 5 outside it and fewer than 5 without coordinates" in s.intro
    assert "43 records" not in s.intro and "kept all crime types records" in s.intro
    # the 40 points fill one 1 km cell: no Gi* (it needs 3 cells), said, not an error
    assert "not computed: the points fill 1 cell" in s.intro and "hotspot_gi" not in [f.name for f in s.figures]


def test_the_kde_map_is_blank_beyond_the_study_area(shared_data, monkeypatch):
    """The report's KDE map of a study area drew the density its points spread over the edge (into
    North Hertfordshire, Welwyn Hatfield...), where nothing was counted (walk-through 5, h7's note).
    It now passes the study area's cells as ``mask``: checked against Stevenage's area, 26.1 km²
    (ONS Standard Area Measurements), not against the package's own outline."""
    import saferstats
    from saferstats.report.sections import _hotspots

    seen = {}
    real = saferstats.plot_kde

    def spy(kde, **kw):
        seen["kde"], seen["mask"] = kde, kw.get("mask")
        return real(kde, **kw)

    monkeypatch.setattr(saferstats, "plot_kde", spy)
    files = [str(f) for f in sorted((shared_data / "street_crime").glob("2021-1*-hertfordshire-street.csv"))]
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Stevenage"}
    _hotspots(cfg, {"files": files, "crime_type": "Anti-social behaviour", "study_area": "Stevenage"})
    kde, mask = seen["kde"], seen["mask"]
    assert mask is not None and mask.shape == kde.density.shape
    cell_km2 = (kde.x[1] - kde.x[0]) * (kde.y[1] - kde.y[0]) / 1e6
    assert abs(mask.sum() * cell_km2 - 26.1) < 0.1 * 26.1
    assert (kde.density[~mask] > 0).any()  # the surface does spread beyond the area: the mask matters

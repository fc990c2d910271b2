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
    pts, note = points_in_study_area(_points(PLACES), "lat", "lon", "Stevenage", None, threshold=5)
    assert len(pts) == 8
    assert "7 in Broxbourne" in note and "6 in Dacorum" in note
    assert "Welwyn Hatfield" not in note and "Watford" not in note
    assert "2 more places with fewer than 5 each" in note
    assert all(c >= 5 for c in _counts(note))


def test_a_single_hidden_place_is_not_left_alone():
    places = {k: v for k, v in PLACES.items() if k != "Watford"}  # 7 + 6 + 4 = 17 outside
    pts, note = points_in_study_area(_points(places), "lat", "lon", "Stevenage", None, threshold=5)
    assert "17 outside" in note
    # 17 - 7 - 6 would give Welwyn Hatfield's 4 back: one more is hidden with it
    assert "7 in Broxbourne" in note and "Dacorum" not in note and "2 more places" in note

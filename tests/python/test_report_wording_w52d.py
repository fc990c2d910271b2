"""The report's and command line's wording, session 31 (w52d), follow-ups of w51d.

1. The study area's note said "... 7 outside it and 0 without coordinates were left out" and the
   hotspot text "(0 without coordinates left out)" without a study area: a count of nothing. Now only
   what was left out is said. Reference: the police.uk file as published, read with pandas (every
   anti-social behaviour record has its point; 6 burglaries of Jun 2021 have none).
2. The glossary's "Cluster" said every incident is "within the search radius of enough others": not
   true of DBSCAN's border incidents, which w51d's hotspot text already said.
3. Counts in messages read "point(s)", "key(s)": now "1 point" / "2 points".
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import shared_path

JUNE = "street_crime/2021-06-hertfordshire-street.csv"


def _published(shared_data, crime_type: str) -> pd.DataFrame:
    raw = pd.read_csv(shared_path(shared_data, JUNE))
    return raw[raw["Crime type"] == crime_type]


def test_the_study_area_note_says_nothing_of_points_without_coordinates_when_there_are_none(shared_data):
    """Before: "... N points inside; M outside it and 0 without coordinates were left out." for
    police.uk's ASB, which has no record without a point (counted with pandas from the raw file)."""
    from saferstats.report.inputs import points_in_study_area

    asb = _published(shared_data, "Anti-social behaviour")
    assert asb["Latitude"].isna().sum() == 0 and len(asb) == 2735
    kept, note, withheld = points_in_study_area(asb, "Latitude", "Longitude", "Stevenage", None, threshold=5)
    m = re.search(r": ([\d,]+) points inside; ([\d,]+) outside it were left out\.", note)
    assert m, note
    inside, outside = (int(g.replace(",", "")) for g in m.groups())
    assert inside == len(kept) and inside + outside == len(asb) and not withheld
    assert "without coordinates" not in note and " 0 " not in note


def test_the_study_area_note_still_counts_points_without_coordinates(shared_data):
    """The burglaries of Jun 2021: 280 records, 6 without a point (pandas on the raw file) - said."""
    from saferstats.report.inputs import points_in_study_area

    burglary = _published(shared_data, "Burglary")
    no_xy = int(burglary["Latitude"].isna().sum())
    assert (len(burglary), no_xy) == (280, 6)
    kept, note, _ = points_in_study_area(burglary, "Latitude", "Longitude", "Hertfordshire", None, threshold=5)
    # 4 of the 274 with a point lie just beyond the force's boundary: "fewer than 5", the 6 said
    assert f": {len(kept):,} points inside; fewer than 5 outside it and 6 without coordinates were left out." in note
    assert 0 < len(burglary) - no_xy - len(kept) < 5


def test_nothing_left_out_is_one_short_clause():
    """All points inside and none without coordinates: "N points inside, none left out." (it read
    "8 points inside; 0 outside it and 0 without coordinates were left out.")."""
    from saferstats.report.inputs import points_in_study_area

    stevenage = pd.DataFrame({"lat": [51.9017] * 8, "lon": [-0.2019] * 8})  # Stevenage town centre
    _kept, note, _ = points_in_study_area(stevenage, "lat", "lon", "Stevenage", None, threshold=5)
    assert note.endswith(": 8 points inside, none left out.") and " 0 " not in note


def test_the_hotspot_text_without_a_study_area_says_no_zero(shared_data):
    """Without a study area the hotspot text said "49 incidents mapped (0 without coordinates left
    out)" for police.uk's possession of weapons, Jun 2021 (49 records, all with a point: pandas)."""
    from saferstats.report.sections import _hotspots

    weapons = _published(shared_data, "Possession of weapons")
    assert len(weapons) == 49 and weapons["Latitude"].isna().sum() == 0
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _hotspots(cfg, {"files": [str(shared_path(shared_data, JUNE))], "crime_type": "Possession of weapons",
                            "min_samples": 3})
    assert s.intro.lstrip().startswith("49 incidents mapped. ") or "49 incidents mapped. " in s.intro, s.intro[:200]
    assert "without coordinates" not in s.intro


def test_the_glossary_says_what_a_border_incident_is():
    """The glossary said each incident of a cluster is "within the search radius of enough others";
    DBSCAN's border incidents are not (scikit-learn's DBSCAN: core samples have min_samples within
    eps; the others of a cluster are within eps of a core sample only). Hand example: on a line at
    0, 1, 2, 3 with eps 1 and min_samples 3, the points 1 and 2 are core, 0 and 3 border (each has
    only 2 points, itself included, within 1), all one cluster."""
    from saferstats.report.summary import GLOSSARY

    text = " ".join(dict(GLOSSARY)["Cluster"].split())
    assert "within the search radius of enough others" not in text
    assert "core incidents" in text and "border incidents can have fewer near them" in text
    assert "not that they concentrate more than chance would give" in text
    # the hand example: points within 1 of each (itself included); core where 3 or more
    x = np.array([0.0, 1.0, 2.0, 3.0])
    near = (np.abs(x[:, None] - x[None, :]) <= 1.0).sum(axis=1)
    assert list(near) == [2, 3, 3, 2] and list(np.flatnonzero(near >= 3)) == [1, 2]


def test_counts_in_messages_are_said_as_words():
    """Before: "unknown key(s) ['colour']", "1 of 2 point(s)", "1 points without coordinates left out",
    "1 hot spot(s), 0 cold spot(s)". Now one rule, saferstats.exceptions.number_of, which the report's
    number_of is (checked against the English written out here)."""
    import saferstats as ss
    from saferstats.exceptions import number_of
    from saferstats.hotspot._common import _left_out_said
    from saferstats.report import tables
    from saferstats.report.config import ConfigError, validate_config

    for n, want in ((0, "0 points"), (1, "1 point"), (2, "2 points"), (8533, "8,533 points")):
        assert number_of(n, "point") == tables.number_of(n, "point") == want
    assert _left_out_said(1, outside=1) == "; 1 point without coordinates left out; 1 point outside the study area left out"
    with pytest.raises(ConfigError) as e:
        validate_config({"title": "T", "hotspots": {"zzz": 1}})
    assert "unknown key 'zzz'; valid: " in str(e.value) and "(s)" not in str(e.value)
    # DBSCAN on 3 points far apart: all noise, said without "(s)"
    with pytest.warns(ss.SaferstatsWarning) as rec:
        ss.dbscan([51.90, 51.95, 52.00], [-0.20, -0.25, -0.30], eps_m=50, min_samples=2)
    said = " ".join(str(w.message) for w in rec)
    assert "all 3 points are noise" in said and "(s)" not in said

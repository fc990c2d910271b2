"""A police.uk location query read as a force's searches (walk-through 3).

The Leicester API export (`stops-street`, Feb 2020: 63 searches within about 2.7 km of the city
centre), read with `force="Leicestershire"`, was compared with the whole force's Census population:
"Black people searched at 19.9 times the rate of White people", rates of 0.03 per 1,000, silently.
Now a warning says the searches cover a small patch of the force. The extent is checked by hand
(equirectangular distances on the csv module's coordinates).
"""

from __future__ import annotations

import csv
import math
import warnings

import pytest

import saferstats
from conftest import build_report, sample_disproportionality_messages


def test_location_query_is_flagged(shared_data):
    path = shared_data / "stop_search" / "api_format_leicester_2020-02" / "stop_and_search.csv"
    with open(path, newline="") as fh:
        pts = [(float(r["location__latitude"]), float(r["location__longitude"])) for r in csv.DictReader(fh)
               if r["location__latitude"] not in ("", "null") and r["type"] != "Vehicle search"
               and r["self_defined_ethnicity"] not in ("", "null") and not r["self_defined_ethnicity"].endswith("Not stated")]
    lat = [p[0] for p in pts]
    lon = [p[1] for p in pts]
    dy = (max(lat) - min(lat)) * 111.2
    dx = (max(lon) - min(lon)) * 111.2 * math.cos(math.radians(sum(lat) / len(lat)))
    spread = math.hypot(dx, dy)
    assert spread < 5  # km: a street query, not a force
    recs = saferstats.read_stop_search(path, force="Leicestershire")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.disproportionality(recs, by="force", census=2011)
    fp = out.attrs["small_footprint"]
    assert list(fp) == ["leicestershire"] and fp["leicestershire"][0] == pytest.approx(spread, rel=0.1)
    assert any("lie in a small part of their area (Leicestershire: all within" in str(w.message) for w in caught)


def test_bulk_files_are_not_flagged():
    footprint, messages = sample_disproportionality_messages("small_footprint")  # includes City of London
    assert footprint == {}
    assert not any("small part of their area" in m for m in messages)


def test_report_says_so(tmp_path, shared_data):

    # the API export named as Leicestershire's: a copy whose file name says the force
    src = shared_data / "stop_search" / "api_format_leicester_2020-02" / "stop_and_search.csv"
    dst = tmp_path / "2020-02-leicestershire-stop-and-search.csv"
    dst.write_bytes(src.read_bytes())
    build_report(tmp_path, f'title = "T"\narea = "Leicestershire"\n[stop_search]\nfiles = ["{dst}"]\nby = ["force"]\n')
    page = (tmp_path / "o" / "index.html").read_text()
    assert "Caution: Leicestershire&#39;s searches all lie within" in page or "Caution: Leicestershire's searches all lie within" in page

"""The report's density map smooths over a street-level radius (session 17, lead): it used
kde_grid's automatic radius, which grows with the spread of the points — 2,439 m over the demo's
Hertfordshire ASB — and now warns as such (w21b: over a county the automatic radius turns every
street-level hotspot into a few broad blobs; PAI 8.2 against 11.6 at 500 m, docs/methods/
hotspot_intelligence.md). `[hotspots] bandwidth_m` (default 500) sets it."""
from __future__ import annotations

import warnings

import pytest

import saferstats as ss
from saferstats.report.config import validate_config
from saferstats.report.sections import _hotspots

CFG = {"confidence": 0.95, "disclosure_threshold": 5}


def _section(**extra):
    sec = {"data": ss.datasets.hertfordshire_asb(), "lat": "lat", "lon": "lon", "date": "month",
           "study_area": "Hertfordshire", "eps_m": 150.0, "min_samples": 15, "cell_size": 1000.0, **extra}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ss.SaferstatsWarning)
        warnings.filterwarnings("ignore", message=r"(?!kde_grid: the automatic bandwidth)")
        return _hotspots(CFG, sec)


def test_default_radius_is_street_level_and_said():
    s = _section()
    assert "smooths the incidents over a radius of 500 m" in s.intro
    cap = next(f.caption for f in s.figures if f.name == "hotspot_kde")
    assert "smoothing radius 500 m" in cap


def test_radius_from_the_configuration():
    s = _section(bandwidth_m=300.0)
    assert "over a radius of 300 m" in s.intro


def test_the_automatic_radius_over_the_county_is_what_warns():
    d = ss.datasets.hertfordshire_asb()
    x, y = ss.to_bng(d["lat"], d["lon"])
    with pytest.warns(ss.SaferstatsWarning, match=r"kde_grid: the automatic bandwidth is [\d,]+ m"):
        k = ss.kde_grid(x, y, cell_size=250)
    assert k.bandwidth > 2000


def test_config_takes_a_positive_radius_only(tmp_path):
    pts = tmp_path / "points.csv"
    pts.write_text("lat,lon\n51.9,-0.2\n", encoding="utf-8")
    cfg = validate_config({"title": "T", "base_dir": str(tmp_path), "hotspots": {"file": "points.csv", "bandwidth_m": 400}})
    assert cfg["hotspots"]["bandwidth_m"] == 400
    with pytest.raises(ss.SaferstatsError, match="bandwidth_m"):
        validate_config({"title": "T", "base_dir": str(tmp_path), "hotspots": {"file": "points.csv", "bandwidth_m": -5}})

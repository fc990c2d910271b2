"""Walk-through 6 (Leicester): the police.uk API file ``api_format_leicester_2020-02`` is a location
query (``stops-street``: the searches within one mile of a point in the city centre, Feb 2020),
not Leicestershire's searches. By force the rates were already flagged (``small_footprint``), and
the warning advised ``by='csp'``; by CSP or local authority the same 48 searches, all within
2.8 km, were compared with all 330,000 Leicester residents, with no warning: "Black people were
searched at 4.98 times the rate of White people", 'reliable' True. Now flagged by area too, and
the advice no longer points at by='csp'."""

import warnings

import pytest

import saferstats
from saferstats.report.sections import _stop_search

API = "stop_search/api_format_leicester_2020-02/stop_and_search.csv"
SEVEN = "stop_search/policeuk_7forces_2019-12_to_2020-02"


@pytest.mark.parametrize("level", ["la", "csp"])
def test_a_location_query_is_flagged_by_area(shared_data, level):
    recs = saferstats.read_stop_search(shared_data / API, force="leicestershire")
    with pytest.warns(saferstats.SaferstatsWarning, match="lie in a small part of their area") as rec:
        out = saferstats.disproportionality(recs, by=level, census=2011)
    assert list(out.attrs["small_footprint"]) == ["Leicester"]
    spread, km2 = out.attrs["small_footprint"]["Leicester"]
    assert spread < 3.3 and 60 < km2 < 90  # Leicester: 73 km2
    text = " ".join(str(w.message) for w in rec if "small part" in str(w.message))
    assert "or by='csp';" not in text and "does not help" in text


def test_force_level_advice_does_not_point_at_csp(shared_data):
    recs = saferstats.read_stop_search(shared_data / API, force="leicestershire")
    with pytest.warns(saferstats.SaferstatsWarning, match="small part") as rec:
        out = saferstats.disproportionality(recs, by="force", census=2011)
    assert "leicestershire" in out.attrs["small_footprint"]
    assert not any("or by='csp';" in str(w.message) for w in rec)


def test_whole_forces_by_csp_are_not_flagged(shared_data):
    recs = saferstats.read_stop_search(shared_data / SEVEN)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = saferstats.disproportionality(recs, by="csp", census=2011)
    assert out.attrs["small_footprint"] == {}
    assert not any("small part" in str(w.message) for w in rec)


def test_the_report_says_so_for_the_area(shared_data):
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Leicester"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search(cfg, {"files": [str(shared_data / API)], "by": ["la"], "census": "2011"})
    assert "Caution: Leicester's searches all lie within 2.8 km of each other, in a local authority area of 73 km²" in s.intro

"""The report shows the councils whose fly-tipping counts are not like for like apart ("Not
comparable (reporting basis)") and says why in the section's text, so the funnel functions'
warning about the same councils (session 15, w16c: they now read read_flytipping's flags from the
Series) is not repeated on the command line; the section still names them."""

import warnings

import pytest
from conftest import defra_flytipping_read

import saferstats as ss
from saferstats.report.sections import _flytipping


@pytest.fixture(scope="module")
def data(shared_data):
    return defra_flytipping_read(shared_data)


def test_flagged_councils_are_shown_apart_without_a_second_warning(data):
    flagged = data.loc[data["not_all_incidents"].fillna(False).astype(bool) & (data["period"] == "2021/22"), "la_name"]
    assert len(flagged) > 0  # Birmingham, Crawley, ... count only reports from the public
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        s = _flytipping(cfg, {"data": data, "area": "la_name", "code": "la_code", "period": "period",
                              "count": "incidents"})
    unlike = [str(m.message) for m in w if "not like for like" in str(m.message)]
    assert unlike == [], unlike
    rates = next(t.frame for t in s.tables if t.name == "flytipping_rates")
    assert "reporting basis" in s.intro.lower() or not set(flagged) & set(rates["la_name"])


def test_a_recording_step_in_the_latest_year_is_not_compared(data):
    """Lewisham and Redbridge 2021/22: counts 4-fold or more from 2020/21 (read_flytipping's
    recording_step, found from Defra's own counts) were in the funnel's target and labelled against it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        s = _flytipping({"confidence": 0.95, "disclosure_threshold": 5, "area": "Lewisham"},
                        {"data": data, "area": "la_name", "code": "la_code", "period": "period", "count": "incidents"})
    raw = data.set_index(["la_name", "period"])["incidents"]
    for la in ("Lewisham", "Redbridge"):
        before, after = float(raw[(la, "2020/21")]), float(raw[(la, "2021/22")])
        assert max(before, after) >= 4 * min(before, after)  # the step, from Defra's counts themselves
    rates = next(t.frame for t in s.tables if t.name == "flytipping_rates")
    assert set(rates.loc[rates["la_name"] == "Lewisham", "significance"]) == {"Not comparable (recording change)"}
    assert "Lewisham (counted differently from the year before) is not compared either" in s.intro

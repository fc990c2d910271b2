"""A report narrowed to one authority says "the 1 local authority area", not "the 1 areas", and
Defra's ``la_name`` column is headed "Local authority", not "La name" (a Carlisle report)."""

import pandas as pd

from saferstats.report.summary import _areas, _funnel_sentence
from saferstats.report.tables import _HEADERS


def test_one_area_is_singular():
    assert _areas("la_name", 1) == "1 local authority area"
    assert _areas("district", 10) == "10 districts"
    assert _areas("force", 1) == "1 police force area"
    rates = pd.DataFrame({"la_name": ["Carlisle"], "period": ["2021/22"], "incidents": [1696], "population": [110051],
                          "significance": ["Not significant"]})
    rates.attrs["funnel_against"] = "all 308 authorities in England"
    text = _funnel_sentence(rates, "fly-tipping", 1000, "Carlisle")[0]
    assert "for the 1 local authority area shown" in text and "1 within the limits" in text
    # with its rate, the one area's sentence is about it (session 22, w31c): not "for the 1 local authority
    # area shown (funnel plot): 1 within the limits"
    text = _funnel_sentence(rates.assign(rate=[15.41]), "fly-tipping", 1000, "Carlisle")[0]
    assert text == ("Carlisle's fly-tipping rate in 2021/22 was 15.4 per 1,000 residents (1,696 incidents), within the "
                    "95% limits of the funnel plot against the overall rate of all 308 authorities in England: not "
                    "statistically significantly different from it.")


def test_defra_la_name_heading():
    assert _HEADERS["la_name"] == "Local authority"

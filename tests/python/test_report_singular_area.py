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


def test_defra_la_name_heading():
    assert _HEADERS["la_name"] == "Local authority"

"""Session 30 (lead, after w51e): ``add_rates`` now warns of an area whose residents are a poor
denominator (the City of London). The report's fly-tipping section already says so in its text
(``_non_resident_authorities``: "Caution for the City of London ...", the City left out of the funnel),
so the library's warning is not repeated on the console there.

Independent reference: Defra's workbook as published has a City of London row in the latest year
(read with pandas below), so the section meets the City."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from saferstats.report.sections import _flytipping

DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"


def test_flytipping_section_says_the_city_caution_once(shared_data):
    path = shared_data / DEFRA
    if not path.exists():
        pytest.skip("Defra workbook not in ../shared")
    raw = pd.read_excel(path, sheet_name=None, header=None)
    assert any(df.astype(str).apply(lambda c: c.str.contains("City of London")).any().any() for df in raw.values())
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        sec = _flytipping({"confidence": 0.95, "disclosure_threshold": 5, "area": "England"}, {"file": str(path)})
    said = [str(w.message) for w in seen if "poor denominator" in str(w.message)]
    assert said == [], said
    assert "Caution for the City of London" in sec.intro

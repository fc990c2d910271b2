"""Walk-through 8 (hate crime): year_on_year on the OSCE national series as published.

Found: the United Kingdom's OSCE rows are labelled "Official Records" in 2016 and 2017 but "Police
Records" in 2018 (and the civil-society source is renamed too); by data source, the 2018 police
figure and the 2016 civil-society figure each form a one-period group, which year_on_year dropped
from its result without a word. It now names them. The change it does compute is statsmodels'
(tests/fixtures/walk8_hate_trends/).
"""
import warnings

import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

from conftest import load_fixture

FX = load_fixture("walk8_hate_trends/reference.json")


@pytest.fixture
def osce_uk(shared_data):
    folder = shared_data / "hate_crime/osce_national_2016-2018"
    o = pd.concat([pd.read_csv(folder / f"osce_hate_incidents_{y}.csv") for y in (2016, 2017, 2018)], ignore_index=True)
    return o[o.country == "United Kingdom"][["year", "data_source", "number_of_incidents"]]


def test_one_period_groups_are_named(osce_uk):
    assert len(osce_uk) == 6
    with pytest.warns(SaferstatsWarning, match=r"2 groups have one period only .*'Civil Society, International "
                                               r"Organisations and the Holy See' \(2016\); 'Police Records' \(2018\)"):
        yoy = saferstats.year_on_year(osce_uk, count="number_of_incidents", population=None, period="year",
                                      by="data_source")
    assert sorted(yoy.data_source) == ["Official Records", "Other Sources"]
    ref = FX["rate_ratios"]["osce_uk_official_2017_vs_2016"]
    off = yoy[yoy.data_source == "Official Records"].iloc[0]
    assert (off.count_from, off.count_to) == (80763, 95552)
    assert (off.ratio, off.lower, off.upper) == pytest.approx((ref["ratio"], ref["lower"], ref["upper"]), rel=1e-10)
    assert off.p_value == pytest.approx(ref["p_value"], rel=1e-8, abs=1e-300)


def test_no_warning_when_every_group_has_a_pair():
    df = pd.DataFrame({"force": ["Durham", "Durham", "Gwent", "Gwent"], "year": ["2017-18", "2018-19"] * 2,
                       "offences": [711, 793, 600, 715]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", SaferstatsWarning)
        yoy = saferstats.year_on_year(df, count="offences", population=None, period="year", by="force")
    assert list(yoy.force) == ["Durham", "Gwent"]

"""Walk-through 4: year_on_year on the Home Office hate crime table as published, for the City of
London (a count, 79 then 141, and '#N/A' for its population). Before, the error only said to pass
missing="propagate" (which gives NaN for the City); the way to get the City's change -- compare the
counts with population=None, as the docstring says -- was not mentioned."""

import math

import pytest
from scipy import stats

import saferstats as ss

TABLE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"


def test_missing_population_error_names_row_and_points_to_population_none(shared_data):
    t = ss.read_hate_crime(shared_data / TABLE)
    city = t[t.force == "London, City of"]
    with pytest.raises(ss.MissingValueError) as e:
        ss.year_on_year(city, count="offences", population="population", period="period", by="force")
    msg = str(e.value)
    assert "'population'" in msg and "London, City of, 2017/18" in msg and "population=None" in msg
    assert e.value.argument == "population" and e.value.index == city.index[0]
    got = ss.year_on_year(city, count="offences", population=None, period="period", by="force").iloc[0]
    a, b = 79, 141
    z, se = stats.norm.ppf(0.975), math.sqrt(1 / 79 + 1 / 141)
    assert (got["count_from"], got["count_to"]) == (a, b)
    assert math.isclose(got["pct_change"], 100 * (b / a - 1), rel_tol=1e-9)
    assert math.isclose(got["pct_lower"], 100 * (math.exp(math.log(b / a) - z * se) - 1), rel_tol=1e-6)

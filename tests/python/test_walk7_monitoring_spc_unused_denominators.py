"""Walk 7 (monitoring): spc() silently ignored `denominators` and `multiplier` on an XmR or c chart.

An analyst charting Hertfordshire burglary per 1,000 residents by district passed the Census 2021
populations as ``denominators`` but left ``chart`` at its default ("xmr"): the result was a chart
of the raw counts (mean 32.9 burglaries a month, not a rate), with nothing to say the populations were not
used. The same went for ``multiplier=1000`` on a c chart. Both are now an InvalidInputError naming
the argument; the u chart the analyst meant is checked against its formula ū ± 3√(ū/n_i)
(docs/methods/monitoring.md; Montgomery, Introduction to Statistical Quality Control, 7.3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError

DISTRICT = "Welwyn Hatfield"


def _burglary(shared_data):
    df = saferstats.read_street_crime(shared_data / "street_crime", crime_type="Burglary",
                                      columns=["month", "lsoa_name", "crime_type"])
    df = df[df["lsoa_name"].astype(str).str.startswith(DISTRICT + " ")]
    counts = df.groupby("month", observed=False).size()
    assert len(counts) == 13 and (counts > 0).all()
    pop = saferstats.census_population("la")
    n = float(pop.loc[pop["la"] == DISTRICT, "population"].sum())
    assert n > 100_000
    return counts, n


def test_xmr_chart_with_denominators_is_an_error(shared_data):
    counts, n = _burglary(shared_data)
    with pytest.raises(InvalidInputError, match="denominators") as e:
        saferstats.spc(counts, denominators=[n] * len(counts), multiplier=1000)
    assert e.value.argument == "denominators"
    with pytest.raises(InvalidInputError, match="denominators") as e:
        saferstats.spc(counts.to_numpy(), chart="c", denominators=[n] * len(counts))
    assert e.value.argument == "denominators"


def test_c_chart_with_multiplier_is_an_error(shared_data):
    counts, _ = _burglary(shared_data)
    with pytest.raises(InvalidInputError, match="multiplier") as e:
        saferstats.spc(counts.to_numpy(), chart="c", multiplier=1000)
    assert e.value.argument == "multiplier"
    # multiplier=1 (the default, or given) is no change and stays allowed
    saferstats.spc(counts.to_numpy(), chart="c", multiplier=1)


def test_the_u_chart_meant_matches_its_formula(shared_data):
    counts, n = _burglary(shared_data)
    x = counts.to_numpy(dtype=float)
    den = np.full(len(x), n)
    out = saferstats.spc(pd.Series(x, index=counts.index), chart="u", denominators=den, multiplier=1000)
    ubar = x.sum() / den.sum()
    sigma = np.sqrt(ubar / den)
    np.testing.assert_allclose(out["value"], x / den * 1000, rtol=1e-12)
    np.testing.assert_allclose(out["mean"], ubar * 1000, rtol=1e-12)
    np.testing.assert_allclose(out["upl"], (ubar + 3 * sigma) * 1000, rtol=1e-12)
    np.testing.assert_allclose(out["lpl"], np.maximum(ubar - 3 * sigma, 0) * 1000, rtol=1e-12)

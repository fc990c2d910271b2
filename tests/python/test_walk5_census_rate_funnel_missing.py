"""Walk-through 5: `rate_funnel_limits` / `rate_funnel_significance` (PHE funnels from count and rate)
left out, with no word, a row whose denominator cannot be derived: City of London's rate in the Home
Office table (no population), or a crude rate of 0 from 0 events (0/0) without `denominators`.
The baseline is checked by hand (pandas, the 42 forces with a population)."""

import warnings

import numpy as np
import pytest

import saferstats


def _table():
    hc = saferstats.datasets.hate_crime_by_force()
    hc = hc[hc.year == "2018-19"].copy()
    hc["rate"] = hc["offences"] / hc["population"] * 100_000
    return hc


def test_a_rate_with_no_population_is_named():
    hc = _table()
    col = hc.index[hc["population"].isna()]
    ok = hc.dropna(subset=["population"])
    with pytest.warns(saferstats.SaferstatsWarning, match=rf"1 row \(row {col[0]}\) has .*is left out of the baseline"):
        lim = saferstats.rate_funnel_limits(hc["offences"], hc["rate"])
    assert lim["baseline"].iloc[0] == pytest.approx(ok["offences"].sum() / ok["population"].sum() * 1e5, rel=1e-12)
    with pytest.warns(saferstats.SaferstatsWarning, match="labelled Not applicable"):
        sig = saferstats.rate_funnel_significance(hc["offences"], hc["rate"])
    assert sig.loc[col[0]] == "Not applicable"


def test_no_events_without_denominators_asks_for_them():
    o, r = [2419, 0, 80], [907.6, 0.0, 120.0]
    with pytest.warns(saferstats.SaferstatsWarning, match="give `denominators`"):
        sig = saferstats.rate_funnel_significance(o, r)
    assert sig.iloc[1] == "Not applicable"
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)
        # (3 of 3 points outside the 99.8% limits is over-dispersion, warned of in its own right)
        warnings.filterwarnings("ignore", message=r".*points are outside the 99\.8% limits")
        sig = saferstats.rate_funnel_significance(o, r, denominators=[1.0, 5000.0, 1.0])
        # a DSR from no events is left out by PHE's own rule and labelled so: no warning
        dsr = saferstats.rate_funnel_significance(o, r, rate_type="dsr")
    assert sig.iloc[1] != "Not applicable" and dsr.iloc[1].startswith("Not applicable for events less than 10")
    assert np.isfinite(saferstats.rate_funnel_limits(o, r, denominators=[1.0, 5000.0, 1.0])["baseline"].iloc[0])

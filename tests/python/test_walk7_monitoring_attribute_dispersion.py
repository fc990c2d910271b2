"""Walk 7 (monitoring): a c (u, p) chart of over-dispersed counts flagged most months, silently.

Hertfordshire anti-social behaviour, police.uk January 2021 to January 2022, on a c chart (the
chart the docs give for counts): limits c̄ ± 3√c̄ = ±139 around a mean of 2,143 a month (range 1,558 to 2,918), and
11 of the 13 months fall outside them — all "special causes" in a scrutiny paper. The series
varies 4.5 times as much as Poisson counts would (Laney's σ_z: the mean moving range of the
z-scores (c − c̄)/√c̄ over 1.128; Laney 2002), and the XmR chart of the same counts puts 1 month
outside its limits. unusual_periods warned in this situation; spc did not. It now names the
series whose σ_z is 2 or more (over 8 or more points) and says to use an XmR chart (c) or
laney=True (u, p). In-control textbook data (Montgomery's c and p examples) do not warn.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from conftest import FIXTURES

import saferstats
from saferstats import SaferstatsWarning


def _asb_and_robbery(shared_data):
    df = saferstats.read_street_crime(shared_data / "street_crime", columns=["month", "crime_type"],
                                      crime_type=["ASB", "Robbery"])
    return df.groupby(["crime_type", "month"], observed=True).size().rename("count").reset_index()


def _narrow(rec):
    return [str(w.message) for w in rec if issubclass(w.category, SaferstatsWarning) and "too narrow" in str(w.message)]


def _sigma_z(x):
    x = np.asarray(x, float)
    z = (x - x.mean()) / np.sqrt(x.mean())
    return np.mean(np.abs(np.diff(z))) / 1.128


def test_asb_c_chart_warns_with_laneys_sigma_z(shared_data):
    c = _asb_and_robbery(shared_data)
    asb = c.loc[c["crime_type"] == "Anti-social behaviour", "count"].to_numpy()
    rob = c.loc[c["crime_type"] == "Robbery", "count"].to_numpy()
    assert len(asb) == len(rob) == 13
    sz = _sigma_z(asb)
    assert sz > 4 and _sigma_z(rob) < 2
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = saferstats.spc(c["count"], periods=c["month"], by=c["crime_type"], chart="c")
    msgs = _narrow(rec)
    assert len(msgs) == 1
    a = out[out["series"] == "Anti-social behaviour"]
    k = int(a["outside_limits"].sum())
    assert k == int(np.sum(np.abs(asb - asb.mean()) > 3 * np.sqrt(asb.mean())))
    assert f"'Anti-social behaviour': σ_z {sz:.1f}, {k} of 13 points outside the limits" in msgs[0]
    assert "Robbery" not in msgs[0] and "chart='xmr'" in msgs[0]
    # the XmR chart the warning points to: mean ± 2.66 × average moving range
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = saferstats.spc(asb)
    assert int(x["outside_limits"].sum()) < k


def test_u_chart_warns_and_laney_does_not(shared_data):
    c = _asb_and_robbery(shared_data)
    asb = c.loc[c["crime_type"] == "Anti-social behaviour", "count"].to_numpy()
    pop = saferstats.census_population("force")
    n = float(pop.loc[pop["force"] == "hertfordshire", "population"].sum())
    with pytest.warns(SaferstatsWarning, match="laney=True"):
        saferstats.spc(asb, chart="u", denominators=[n] * 13, multiplier=1000)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.spc(asb, chart="u", denominators=[n] * 13, multiplier=1000, laney=True)
    assert not _narrow(rec)


@pytest.mark.parametrize("key,chart", [("c_circuits", "c"), ("p_canjuice", "p"), ("u_inspection", "u")])
def test_in_control_textbook_data_do_not_warn(key, chart):
    f = json.loads((FIXTURES / "audit_spc.json").read_text())[key]
    kw = {} if chart == "c" else {"denominators": f["denominators"]}
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.spc(f["counts"], chart=chart, **kw)
    assert not _narrow(rec)

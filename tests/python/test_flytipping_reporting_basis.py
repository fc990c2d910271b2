"""A council that does not count all fly-tipping incidents (Defra's "Reporting basis", e.g.
"Customer/public reported only": 33 authorities in 2021/22) is not compared in the report's
funnel: it is left out of the target (the pooled rate), the over-dispersion estimate and the plot,
and marked "Not comparable" in the table and the findings.

Before, the report said such rates were "not comparable with the others" but still compared them
and pooled them into the target: one large council counting a fraction of its incidents pulled
the target down and put its neighbours "High"."""

import numpy as np
import pandas as pd

import saferstats as ss
from saferstats.report.sections import _flytipping
from saferstats.report.summary import _flytipping as findings


def _table():
    rows = []
    for y in ("2019/20", "2020/21", "2021/22"):
        for k in range(10):  # ten councils counting everything, 10 per 1,000
            rows.append((f"Council {k}", f"E0700090{k}", y, 1000, 100_000, False))
        rows.append(("Big City", "E08000999", y, 2000, 2_000_000, True))  # public reports only, 1 per 1,000
    return pd.DataFrame(rows, columns=["la_name", "la_code", "year", "incidents", "pop", "not_all_incidents"])


def test_a_council_not_counting_all_incidents_is_not_compared():
    t = _table()
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": ""}
    sec = {"data": t, "area": "la_name", "code": "la_code", "period": "year", "count": "incidents", "population": "pop"}
    s = _flytipping(cfg, sec)
    rates = next(x.frame for x in s.tables if x.name == "flytipping_rates").set_index("la_name")
    assert rates.loc["Big City", "significance"] == "Not comparable (reporting basis)"
    # the target is the pooled rate of the like-for-like councils (10 per 1,000), computed by hand
    latest = t[(t.year == "2021/22") & ~t.not_all_incidents]
    target = latest.incidents.sum() / latest["pop"].sum() * 1000
    assert np.isclose(target, 10.0)
    want = ss.funnel_significance(latest.incidents, latest["pop"], kind="rate", multiplier=1000, target=target)
    assert list(rates.loc[latest.la_name, "significance"]) == list(want)
    assert set(want) == {"Not significant"}  # with Big City pooled in (4 per 1,000) all ten would be "High"
    assert "not counting all incidents not shown" in s.figures[0].caption
    assert "1 authority did not count all incidents" in s.intro and "Big City (not all incidents)" in s.intro
    text = " ".join(findings(s, cfg))
    assert "1 not compared, not counting on the same basis (Big City)" in text and "10 within the limits" in text

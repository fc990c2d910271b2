"""Walk-through 4: the hate crime funnel finding said "41 within the limits" (the 99.8% limits)
while the rates table beside it marks eight forces "High (0.025)" / "Low (0.025)" (outside the 95%
limits). Now the finding names them: "41 within the limits, 8 of them outside the narrower 95%
limits (...)". The eight are recomputed by hand: Spiegelhalter's random-effects limits on the log
scale, target ± z·sqrt(1/E + τ²), with φ and τ² as FunnelPlotR computes them (10% winsorised z²,
DerSimonian-Laird)."""

import csv

import numpy as np
from scipy import stats

from saferstats.report.sections import _hate_crime
from saferstats.report.summary import _hate_crime as findings

TABLE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"


def test_funnel_finding_names_areas_between_the_95_and_998_limits(shared_data):
    with open(shared_data / TABLE, newline="", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Year"] == "2018-19" and r["Population"] != "#N/A"]
    names = [r["Force"] for r in rows]
    o = np.array([float(r["Total number of offences"]) for r in rows])
    n = np.array([float(r["Population"].replace(",", "")) for r in rows])
    t = o.sum() / n.sum()
    e = t * n
    z = np.log(o / n / t) * np.sqrt(e)
    lo, hi = np.quantile(z, [0.1, 0.9])
    phi = np.mean(np.clip(z, lo, hi) ** 2)
    w = e
    tau2 = (len(o) * phi - (len(o) - 1)) / (w.sum() - (w ** 2).sum() / w.sum())
    zz = np.log(o / n / t) / np.sqrt(1 / e + tau2)
    z95, z998 = stats.norm.ppf(0.975), stats.norm.ppf(0.999)
    between = sorted(x for x, v in zip(names, zz) if z95 < abs(v) <= z998)
    outside = sorted(x for x, v in zip(names, zz) if abs(v) > z998)
    assert outside == ["North Yorkshire"] and len(between) == 8
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
    s = _hate_crime(cfg, {"file": str(shared_data / TABLE)})
    rates = next(x.frame for x in s.tables if x.name == "hate_crime_rates")
    assert sorted(rates.loc[rates["significance"].isin(["High (0.025)", "Low (0.025)"]), "force"]) == between
    text = " ".join(findings(s, cfg))
    assert "41 within the limits, 8 of them outside the narrower 95% limits (" in text

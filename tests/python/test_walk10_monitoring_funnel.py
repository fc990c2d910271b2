"""Walk 10: the over-dispersed funnel a PCC performance team draws for the Panel — anti-social
behaviour per 1,000 residents by Hertfordshire district, 2021 (police.uk; Census 2021 usual
residents) — against FunnelPlotR 0.6.0's own code (tests/fixtures/walk10_monitoring/,
generate_walk10_monitoring.R): phi, tau2, the 95% / 99.8% limits and the labels they give."""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import FIXTURES

matplotlib.use("Agg")

DIR = FIXTURES / "walk10_monitoring"
REF = json.loads((DIR / "walk10_monitoring_reference.json").read_text())["asb_funnel"]
ASB = pd.read_csv(DIR / "herts_asb_2021_by_district.csv").set_index("district")


def test_extract_is_the_fixture_input():
    assert ASB.index.tolist() == REF["district"]
    assert ASB["asb"].tolist() == REF["asb"] and ASB["population"].tolist() == REF["population"]
    assert ASB["population"].sum() == 1_198_832  # the force area's Census 2021 total (PROVENANCE.md)


def test_phi_and_tau2_as_funnelplotr():
    od = saferstats.funnel_overdispersion(ASB["asb"], ASB["population"], kind="rate", multiplier=1000)
    assert od["phi"] == pytest.approx(REF["phi"], rel=1e-10)
    assert od["tau2"] == pytest.approx(REF["tau2"], rel=1e-10)
    assert od["target"] == pytest.approx(REF["target"], rel=1e-12)
    assert od["n"] == 10 and od["overdispersed"]


def test_overdispersed_limits_and_labels_as_funnelplotr():
    od = saferstats.funnel_overdispersion(ASB["asb"], ASB["population"], kind="rate", multiplier=1000)
    lim = saferstats.funnel_limits(ASB["population"], target=od["target"], kind="rate", multiplier=1000,
                                   overdispersion=od)
    for ours, theirs in (("lower_95", "od_lower_95"), ("upper_95", "od_upper_95"), ("lower_998", "od_lower_998"),
                         ("upper_998", "od_upper_998")):
        np.testing.assert_allclose(lim[ours], REF[theirs], rtol=1e-6)
    rate = ASB["asb"] / ASB["population"] * 1000
    want = np.where(rate > np.array(REF["od_upper_998"]), "High (0.001)",
                    np.where(rate > np.array(REF["od_upper_95"]), "High (0.025)",
                             np.where(rate < np.array(REF["od_lower_998"]), "Low (0.001)",
                                      np.where(rate < np.array(REF["od_lower_95"]), "Low (0.025)", "Not significant"))))
    sig = saferstats.funnel_significance(ASB["asb"], ASB["population"], kind="rate", multiplier=1000,
                                         overdispersion=True)
    assert sig.astype(str).tolist() == want.tolist()
    assert (sig == "Not significant").all()  # ten districts, all within the widened limits
    assert sig.attrs["limits"].startswith("overdispersed")


def test_unadjusted_labels_against_funnelplotr_exact_limits():
    # the PHE exact limits say 9 of 10 districts differ from the county rate; the Panel should see
    # the over-dispersed funnel (the title says which limits are drawn)
    rate = ASB["asb"] / ASB["population"] * 1000
    outside95 = (rate > np.array(REF["exact_upper_95"])) | (rate < np.array(REF["exact_lower_95"]))
    sig = saferstats.funnel_significance(ASB["asb"], ASB["population"], kind="rate", multiplier=1000)
    assert ((sig != "Not significant").to_numpy() == outside95.to_numpy()).all()
    assert int(outside95.sum()) == 10 - int((sig == "Not significant").sum())
    ax = saferstats.plot_funnel(ASB["asb"], ASB["population"], kind="rate", multiplier=1000, overdispersion=True)
    assert ax.get_title().startswith("Funnel plot (rate; over-dispersed limits, phi 68.8, tau2 0.0291")
    assert ax.get_ylabel() == "rate per 1,000"


def test_two_halves_of_2021_by_e_test_as_statsmodels():
    # the "has it changed since the last Panel?" comparison: January-June against July-December 2021,
    # per day (181 and 184 days), for the 60 district x crime-type series (generate_walk10_etest.py)
    ref = json.loads((DIR / "walk10_etest_statsmodels.json").read_text())
    rows = pd.DataFrame(ref["rows"])
    t = pd.read_csv(DIR / "herts_monthly_counts.csv")
    first = t[t["month"].between("2021-01", "2021-06")].groupby(["district", "crime_type"])["count"].sum()
    assert first.loc[list(zip(rows["district"], rows["crime_type"]))].tolist() == rows["jan_jun"].tolist()
    p = saferstats.e_test(rows["jul_dec"], rows["jan_jun"], n1=ref["exposure_days"]["jul_dec"],
                          n2=ref["exposure_days"]["jan_jun"])
    np.testing.assert_allclose(p, rows["p_ties_counted"], rtol=1e-8, atol=1e-12)
    # statsmodels itself, but for a pair tied with the observed one (its float comparison drops the
    # mirror pair of Three Rivers ASB, 744 -> 716; docs/methods/monitoring.md, "Ties")
    tied = rows["tie_mass"] > 0
    np.testing.assert_allclose(p[~tied], rows["p_value"][~tied], rtol=1e-8, atol=1e-12)
    assert tied.sum() == 1
    np.testing.assert_allclose(p[tied], (rows["p_value"] + rows["tie_mass"])[tied], rtol=1e-8)
    # Stevenage burglary 98 -> 148: p 0.0022
    one = rows[(rows["district"] == "Stevenage") & (rows["crime_type"] == "Burglary")].index[0]
    assert (rows.loc[one, "jan_jun"], rows.loc[one, "jul_dec"]) == (98, 148) and p[one] < 0.01

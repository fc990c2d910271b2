"""Over-dispersed funnels, ISR / ISRate, PHE rate funnels and p-value adjustment (issue 14)
against FunnelPlotR 0.6.0 / R p.adjust (monitoring_funnel_reference.json) and
PHEindicatormethods 2.1.0 test data (monitoring_isr_reference.json, phe_funnel_rate/)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats
from saferstats import InvalidInputError

FX = load_fixture("monitoring_funnel_reference.json")
ISR = load_fixture("monitoring_isr_reference.json")
PHE = Path(__file__).resolve().parents[1] / "fixtures" / "phe_funnel_rate"


def _hate_crime():
    return saferstats.datasets.hate_crime_by_force().query("year == '2018-19'").dropna(subset=["population"])


def test_hate_crime_funnel_overdispersion_40_to_9_forces():
    hc = _hate_crime()
    fx = FX["rate_sr"]
    assert hc["offences"].tolist() == fx["offences"]
    od = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate")
    assert od["phi"] == pytest.approx(fx["phi"], rel=1e-10)
    assert od["tau2"] == pytest.approx(fx["tau2"], rel=1e-10)
    assert od["n"] == 42 and od["overdispersed"]
    plain = saferstats.funnel_significance(hc["offences"], hc["population"], kind="rate")
    adj = saferstats.funnel_significance(hc["offences"], hc["population"], kind="rate", overdispersion=True)
    assert (plain != "Not significant").sum() == 40
    assert (adj != "Not significant").sum() == fx["significant_95"] == 9
    assert adj.attrs["limits"].startswith("overdispersed")
    assert plain.attrs["limits"] == "exact (PHE)"
    lim = saferstats.funnel_limits([1e6], target=od["target"], kind="rate", overdispersion=od)
    wide = saferstats.funnel_limits([1e6], target=od["target"], kind="rate")
    assert lim["upper_95"].iloc[0] > wide["upper_95"].iloc[0]
    # ratio limits of FunnelPlotR at expected counts 1000, 3000, 10000
    pops = np.array(fx["expected_grid"]) / (od["target"] / 1e5)
    got = saferstats.funnel_limits(pops, target=od["target"], kind="rate", overdispersion=od)
    for k in ("lower_95", "upper_95", "lower_998", "upper_998"):
        assert (got[k] / od["target"]).tolist() == pytest.approx(fx["ratio_limits_grid"][k], rel=2e-6)


def test_proportion_overdispersion_and_not_overdispersed_data():
    fx = FX["proportion_pr"]
    od = saferstats.funnel_overdispersion(fx["race"], fx["motivating_factors"])
    assert od["phi"] == pytest.approx(fx["phi"], rel=1e-10) and od["tau2"] == pytest.approx(fx["tau2"], rel=1e-10)
    got = saferstats.funnel_limits(fx["n_grid"], target=od["target"], overdispersion=od)
    assert (got["upper_95"] / 100).tolist() == pytest.approx(fx["limits_grid"]["upper_95"], rel=2e-6)
    # binomial data with no extra spread: PHE limits stay
    n = np.full(30, 400)
    x = np.array([80, 82, 78, 81, 79, 80] * 5)
    sig = saferstats.funnel_significance(x, n, overdispersion=True)
    assert sig.attrs["overdispersion"]["phi"] < 1 and "no over-dispersion" in sig.attrs["limits"]


def test_plot_funnel_says_which_limits():
    import matplotlib

    matplotlib.use("Agg")
    hc = _hate_crime()
    ax = saferstats.plot_funnel(hc["offences"], hc["population"], kind="rate", overdispersion=True)
    assert "over-dispersed limits" in ax.get_title()
    ax = saferstats.plot_funnel(hc["offences"], hc["population"], kind="rate")
    assert "PHE exact limits" in ax.get_title()


@pytest.mark.parametrize("kw", [dict(trim=0.6), dict(kind="odds"), dict(model="both"), dict(target="x")])
def test_overdispersion_bad_options(kw):
    with pytest.raises(InvalidInputError):
        saferstats.funnel_overdispersion([1, 2, 3], [10, 10, 10], **kw)


def test_overdispersion_bad_values():
    with pytest.raises(InvalidInputError, match="numerators"):
        saferstats.funnel_overdispersion([1, 20, 3], [10, 10, 10])
    with pytest.raises(InvalidInputError):
        saferstats.funnel_overdispersion([1], [10])
    with pytest.raises(InvalidInputError, match="overdispersion"):
        saferstats.funnel_limits([10], target=20, overdispersion="yes")
    with pytest.raises(InvalidInputError, match="overdispersion"):
        saferstats.funnel_significance([1, 2], [10, 10], overdispersion="yes")


def _isr_data():
    df = pd.DataFrame(ISR["data"])
    return df


def test_isr_and_israte_match_phe():
    df = _isr_data()
    ref = pd.DataFrame(ISR["refdata"])
    res = pd.DataFrame(ISR["results"])
    for conf, lo, hi in ((0.95, "lower95_0cl", "upper95_0cl"), (0.998, "lower99_8cl", "upper99_8cl")):
        for refvalue, stat in ((1, "indirectly standardised ratio x 1"), (100, "indirectly standardised ratio x 100")):
            got = saferstats.isr(df, x="count", n="pop", x_ref=ref["refcount"], n_ref=ref["refpop"], by="area",
                                 confidence=conf, refvalue=refvalue).set_index("area")
            want = res[(res["statistic"] == stat) & res["area"].str.startswith("testdata")].set_index("area")
            assert len(want) == 3
            for area in want.index:
                assert got.loc[area, "observed"] == want.loc[area, "observed"]
                assert got.loc[area, "expected"] == pytest.approx(want.loc[area, "expected"], rel=1e-12)
                assert got.loc[area, "ratio"] == pytest.approx(want.loc[area, "value"], rel=1e-12)
                assert got.loc[area, "lower"] == pytest.approx(want.loc[area, lo], rel=1e-8)
                assert got.loc[area, "upper"] == pytest.approx(want.loc[area, hi], rel=1e-8)
                assert got.loc[area, "method"] == want.loc[area, "method"].lower().replace("byars", "byar")
        for mult, stat in ((100_000, "indirectly standardised rate per 100000"), (1000, "indirectly standardised rate per 1000")):
            got = saferstats.israte(df, x="count", n="pop", x_ref="refcount", n_ref="refpop", by="area",
                                    confidence=conf, multiplier=mult).set_index("area")
            want = res[(res["statistic"] == stat) & res["area"].str.startswith("testdata")].set_index("area")
            assert len(want) == 3
            for area in want.index:
                assert got.loc[area, "reference_rate"] == pytest.approx(want.loc[area, "ref_rate"], rel=1e-12)
                assert got.loc[area, "rate"] == pytest.approx(want.loc[area, "value"], rel=1e-12)
                assert got.loc[area, "lower"] == pytest.approx(want.loc[area, lo], rel=1e-8)
                assert got.loc[area, "upper"] == pytest.approx(want.loc[area, hi], rel=1e-8)


@pytest.mark.parametrize(
    "kw, err",
    [
        (dict(x="nope"), InvalidInputError),
        (dict(x_ref=[1, 2]), InvalidInputError),
        (dict(n_ref=[0] * 19), InvalidInputError),
        (dict(confidence=3), InvalidInputError),
    ],
)
def test_isr_bad_input(kw, err):
    df = _isr_data()
    ref = pd.DataFrame(ISR["refdata"])
    args = dict(x="count", n="pop", x_ref=ref["refcount"].tolist(), n_ref=ref["refpop"].tolist(), by="area")
    args.update(kw)
    with pytest.raises(err):
        saferstats.isr(df, **args)


def test_rate_funnel_limits_match_phe():
    inp = pd.read_csv(PHE / "testdata_funnel_rate_input_funnels.csv")
    want = pd.read_csv(PHE / "testdata_funnel_rate_outputs.csv")
    got = saferstats.rate_funnel_limits(inp["ev"], inp["rate"], rate_type="dsr", multiplier=1e5, years_of_data=3)
    assert got["events"].tolist() == want["Events"].tolist()
    # PHE bisects for the expected count to 1e-7 on E/(E+1+O): up to 5e-5 relative at E = 0.001
    for c in want.columns[1:10]:
        assert got[c].to_numpy() == pytest.approx(want[c].to_numpy(), rel=1e-4), c
    assert got["statistic"].iloc[0] == "rate (dsr per 100,000)" == want["statistic"].iloc[0]
    # crude with the largest count set to 5 (fewer than 10 events)
    ev = inp["ev"].where(inp["ev"] != inp["ev"].max(), 5)
    got2 = saferstats.rate_funnel_limits(ev, inp["rate"], rate_type="crude", multiplier=1e5, years_of_data=3)
    want2 = pd.read_csv(PHE / "testdata_funnel_rate_outputs_2.csv")
    assert got2["events"].tolist() == want2["Events"].tolist()
    assert got2["upper_3s_limit"].to_numpy() == pytest.approx(want2["upper_3s_limit"].to_numpy(), rel=1e-4)
    # crude with a zero count and denominators supplied
    d3 = pd.DataFrame({"ev": inp["ev"], "rate": inp["rate"]})
    d3["pop"] = 1e5 * d3["ev"] / d3["rate"]
    top = d3["ev"] == d3["ev"].max()
    d3.loc[top, "rate"] = 0
    d3.loc[top, "ev"] = 0
    d3 = d3[d3["pop"] > d3["pop"].max() / 2]
    got3 = saferstats.rate_funnel_limits(d3["ev"], d3["rate"], rate_type="crude", years_of_data=3, denominators=d3["pop"])
    want3 = pd.read_csv(PHE / "testdata_funnel_rate_outputs_3.csv")
    assert got3["events"].tolist() == want3["Events"].tolist()
    assert got3["lower_2s_population_1_year"].to_numpy() == pytest.approx(want3["lower_2s_population_1_year"].to_numpy(), rel=1e-5)


@pytest.mark.parametrize(
    "rate_col, rate_type, mult, label_col",
    [("rate_dsr", "dsr", 1e5, "dsr_per_100000_with_0"), ("rate_crude_per_100000", "crude", 1e5, "crude_per_100000_with_0"),
     ("rate_crude_per_100", "crude", 100, "crude_per_100_with_0")],
)
def test_rate_funnel_significance_matches_phe(rate_col, rate_type, mult, label_col):
    d = pd.read_csv(PHE / "testdata_funnel_rate_dsr_inputs.csv")
    got = saferstats.rate_funnel_significance(d["count"], d[rate_col], rate_type=rate_type, multiplier=mult,
                                              denominators=d["pop"])
    assert got.tolist() == d[label_col].tolist()


def test_rate_funnel_bad_input():
    with pytest.raises(InvalidInputError, match="years_of_data"):
        saferstats.rate_funnel_limits([10, 20], [5, 6], years_of_data=0)
    with pytest.raises(InvalidInputError, match="rate_type"):
        saferstats.rate_funnel_limits([10, 20], [5, 6], rate_type="age")
    with pytest.raises(InvalidInputError, match="numerators"):
        saferstats.rate_funnel_significance([-10, 20], [5, 6])


def test_p_adjust_matches_r():
    fx = FX["p_adjust"]
    p = np.array(fx["p"], dtype=float)
    for m in ("holm", "bh", "bonferroni"):
        got = saferstats.p_adjust(p, method=m)
        want = np.array(fx[m], dtype=float)
        assert np.array_equal(np.isnan(got), np.isnan(want))
        assert got[~np.isnan(got)] == pytest.approx(want[~np.isnan(want)], rel=1e-12)
    s = saferstats.p_adjust(pd.Series([0.01, 0.02], index=["a", "b"]), method="bh")
    assert s.index.tolist() == ["a", "b"]
    with pytest.raises(InvalidInputError, match="method"):
        saferstats.p_adjust([0.1], method="sidak")
    with pytest.raises(InvalidInputError):
        saferstats.p_adjust([1.2], method="holm")

"""Walk-through 8: the migration guides (docs/coming_from/*.md) are true.

Every row of each "their call -> saferstats call" table is checked as an analyst moving over would
check it: the saferstats call as the page writes it, against the other tool's value on the same
real data. statsmodels and scipy are called live; esda/libpysal, scikit-learn, PHStatsMethods and
PHEindicatormethods' test data are stored in tests/fixtures/walk8_coming_from/anchors.json
(generate_anchors.py, with the package versions), FunnelPlotR and R's prop.test in r_anchors.json
(generate_r_anchors.R). The data: the Home Office hate crime tables and the police.uk
stop-and-search sample bundled with saferstats; Hertfordshire police.uk street crime and PHE's own
test data, stored with the anchors. Also runs docs/getting_started.md's first analysis and checks
docs/vocabulary.md's rename table.
"""

from __future__ import annotations

import importlib.util
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, load_fixture, policeuk_stop_search_rows

import saferstats

A = load_fixture("walk8_coming_from/anchors.json")
R = load_fixture("walk8_coming_from/r_anchors.json")
DOCS = ROOT / "docs"


def arr(v):
    return np.array([np.nan if x is None else x for x in v], dtype=float)


@pytest.fixture(autouse=True)
def _no_advice():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        yield


# =============================================================== statsmodels.md
try:
    import statsmodels.api as sm
except ImportError:  # a test-only dependency (pyproject's test extra); only these tests need it
    sm = None
HAS_SCIPY = importlib.util.find_spec("scipy") is not None
needs_statsmodels = pytest.mark.skipif(sm is None or not HAS_SCIPY, reason="statsmodels/scipy not installed")
needs_scipy = pytest.mark.skipif(not HAS_SCIPY, reason="scipy not installed")


def _strands():
    """National hate crime by strand, 2011/12-2018/19 (Home Office Table 2)."""
    n = saferstats.datasets.hate_crime_national()
    return n[n.strand != "Total offences"].rename(columns={"year": "period"})


def _glm(y, t, *, offset=None, **fit):
    return sm.GLM(np.asarray(y, float), sm.add_constant(np.asarray(t, float)), family=sm.families.Poisson(),
                  offset=offset).fit(**fit)


@needs_statsmodels
def test_statsmodels_poisson_trend_is_glm_with_offset():
    # race hate crimes per offence recorded (2012/13-2018/19): a real count and denominator
    n = saferstats.datasets.hate_crime_national().pivot(index="year", columns="strand", values="count").dropna()
    df = pd.DataFrame({"period": n.index, "count": n["Race"].to_numpy(), "population": n["Total offences"].to_numpy()})
    got = saferstats.poisson_trend(df, count="count", population="population", period="period", by=None)
    fit = _glm(df["count"], np.arange(len(df)), offset=np.log(df["population"].to_numpy(float)))
    lo, hi = fit.conf_int()[1]
    assert got.loc[0, "beta"] == pytest.approx(fit.params[1], rel=1e-9)
    assert got.loc[0, "se"] == pytest.approx(fit.bse[1], rel=1e-6)
    assert got.loc[0, "apc"] == pytest.approx(100 * np.expm1(fit.params[1]), rel=1e-9)
    assert [got.loc[0, "apc_lower"], got.loc[0, "apc_upper"]] == pytest.approx(
        [100 * np.expm1(lo), 100 * np.expm1(hi)], rel=1e-6)


@needs_statsmodels
@pytest.mark.parametrize("dispersion, fit_kw", [("poisson", {}), ("quasi", {"scale": "X2"})])
@pytest.mark.parametrize("use_t", [False, True])
def test_statsmodels_quasi_poisson_and_use_t(dispersion, fit_kw, use_t):
    s = _strands()
    got = saferstats.poisson_trend(s, count="count", population=None, period="period", by="strand",
                                   dispersion=dispersion, use_t=use_t).set_index("strand")
    for strand, g in s.groupby("strand"):
        fit = _glm(g["count"], np.arange(len(g)), use_t=use_t, **fit_kw)
        lo, hi = fit.conf_int()[1]
        row = got.loc[strand]
        assert row["se"] == pytest.approx(fit.bse[1], rel=1e-8), strand
        assert [row["apc_lower"], row["apc_upper"]] == pytest.approx([100 * np.expm1(lo), 100 * np.expm1(hi)], rel=1e-8)
        assert row["p_value"] == pytest.approx(fit.pvalues[1], rel=1e-6, abs=1e-300)
        assert row["method"] == {"poisson": "poisson", "quasi": "quasi-poisson"}[dispersion]
    # dispersion="auto" picks quasi-Poisson by the Pearson chi2/df (above 1.5)
    auto = saferstats.poisson_trend(s, population=None, by="strand", dispersion="auto").set_index("strand")
    for strand, row in auto.iterrows():
        assert row["method"].startswith("quasi-poisson" if row["dispersion_ratio"] > 1.5 else "poisson"), strand


@needs_statsmodels
def test_statsmodels_negative_binomial_nb2():
    s = _strands()
    got = saferstats.poisson_trend(s, population=None, by="strand", dispersion="negbin").set_index("strand")
    for strand, g in s.groupby("strand"):
        y = g["count"].to_numpy(float)
        fit = sm.NegativeBinomial(y, sm.add_constant(np.arange(len(y), dtype=float)), loglike_method="nb2").fit(disp=0)
        row = got.loc[strand]
        assert row["method"] == "negbin"
        assert row["beta"] == pytest.approx(fit.params[1], rel=1e-6), strand
        assert row["se"] == pytest.approx(fit.bse[1], rel=1e-4), strand
        assert row["alpha"] == pytest.approx(fit.params[2], rel=1e-3), strand


@needs_statsmodels
def test_statsmodels_negative_binomial_alpha_at_zero_falls_back_to_poisson():
    y = np.array([50, 50, 51, 49, 50, 50, 51, 50.0])  # less spread than Poisson: NB2's alpha goes to 0
    t = np.arange(len(y), dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels: the Hessian at the boundary is singular
        nb = sm.NegativeBinomial(y, sm.add_constant(t), loglike_method="nb2").fit(disp=0)
    assert nb.params[2] < 1e-6
    got = saferstats.poisson_trend(pd.DataFrame({"period": 2010 + t, "count": y}), population=None, dispersion="negbin")
    assert got.loc[0, "method"].startswith("poisson")
    assert got.loc[0, "se"] == pytest.approx(_glm(y, t).bse[1], rel=1e-8)


@needs_statsmodels
@pytest.mark.parametrize("dispersion, fit_kw", [("poisson", {}), ("quasi", {"scale": "X2"})])
@pytest.mark.parametrize("use_t", [False, True])
def test_statsmodels_its_poisson_is_segmented_glm(dispersion, fit_kw, use_t):
    y = saferstats.datasets.hate_crime_monthly()["offences"].to_numpy(float)  # Apr 2013 - Mar 2019
    b = 38  # June 2016
    t = np.arange(1, len(y) + 1, dtype=float)
    post = (t >= b + 1).astype(float)
    since = np.maximum(0, t - (b + 1))  # 0 at the break, as the page says
    X = np.column_stack([np.ones_like(t), t, post, since])
    fit = sm.GLM(y, X, family=sm.families.Poisson()).fit(use_t=use_t, **fit_kw)
    ci = fit.conf_int()
    r = saferstats.its_poisson(y, break_index=b, population=None, dispersion=dispersion, seasonality=None, use_t=use_t)
    assert [r.level_rr, r.level_lower, r.level_upper] == pytest.approx(np.exp([fit.params[2], *ci[2]]), rel=1e-9)
    assert [r.slope_rr, r.slope_lower, r.slope_upper] == pytest.approx(np.exp([fit.params[3], *ci[3]]), rel=1e-9)
    assert [r.level_p, r.slope_p] == pytest.approx(list(fit.pvalues[2:]), rel=1e-6, abs=1e-300)
    np.testing.assert_allclose(r.counterfactual, np.exp(X[:, :2] @ fit.params[:2]), rtol=1e-9)


def _years():
    hc = saferstats.datasets.hate_crime_by_force().dropna(subset=["population"])
    a = hc[hc.year == "2018-19"].set_index("force")
    b = hc[hc.year == "2017-18"].set_index("force")
    return a.add_suffix("_a").join(b.add_suffix("_b"), how="inner")


@needs_statsmodels
def test_statsmodels_rate_ratio_wald_log():
    from statsmodels.stats.rates import confint_poisson_2indep, test_poisson_2indep

    j = _years()
    got = saferstats.rate_ratio(j.offences_a, j.population_a, j.offences_b, j.population_b, method="wald-log")
    assert list(got.columns[:5]) == ["ratio", "lower", "upper", "z", "p_value"]
    for i, (_, r) in enumerate(j.iterrows()):
        args = (r.offences_a, r.population_a, r.offences_b, r.population_b)
        lo, hi = confint_poisson_2indep(*args, compare="ratio", method="wald-log")
        tst = test_poisson_2indep(*args, compare="ratio", method="wald-log")
        assert got.iloc[i][["lower", "upper"]].tolist() == pytest.approx([lo, hi], rel=1e-10)
        assert got.iloc[i]["z"] == pytest.approx(tst.statistic, rel=1e-10)
        assert got.iloc[i]["p_value"] == pytest.approx(tst.pvalue, rel=1e-8, abs=1e-300)


@needs_statsmodels
def test_statsmodels_rate_ratio_zero_count_is_exact_conditional():
    from scipy.stats import beta

    # statsmodels' wald-log divides by zero here; the page says saferstats uses the exact conditional
    got = saferstats.rate_ratio([0], [1000], [5], [1200], method="wald-log")
    pu = beta.ppf(0.975, 1, 5)  # Clopper-Pearson upper limit of 0 of 5 events being in a
    assert got.loc[0, "lower"] == 0 and got.loc[0, "upper"] == pytest.approx(pu / (1 - pu) * 1200 / 1000, rel=1e-9)


def _arrests():
    """Arrests among searches of Black and of White people (officer-defined) per force, from the
    bundled police.uk sample read with the csv module: small cells (Durham 1 of 8) and large."""
    tab = {}
    for force, row in policeuk_stop_search_rows(saferstats.datasets.stop_search_sample_path()):
        eth = row["Officer-defined ethnicity"]
        if eth in ("Black", "White"):
            k = tab.setdefault((force, eth), [0, 0])
            k[0] += row["Outcome"] == "Arrest"
            k[1] += 1
    forces = sorted({f for f, _ in tab})
    return (forces, *(np.array([tab[f, e][i] for f in forces], float) for e, i in
                      (("Black", 0), ("Black", 1), ("White", 0), ("White", 1))))


@needs_statsmodels
def test_statsmodels_proportion_confint_wilson():
    from statsmodels.stats.proportion import proportion_confint

    _, x1, n1, x2, n2 = _arrests()
    x, n = np.r_[x1, x2], np.r_[n1, n2]
    lo, hi = proportion_confint(x, n, method="wilson")
    got = saferstats.proportion_ci(x, n)
    np.testing.assert_allclose(got["lower"], lo, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got["upper"], hi, rtol=1e-12)


@needs_statsmodels
def test_statsmodels_table2x2_ztest_fisher_newcombe():
    from scipy.stats import fisher_exact
    from statsmodels.stats.contingency_tables import Table2x2
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    forces, x1, n1, x2, n2 = _arrests()
    got = saferstats.compare_proportions(x1, n1, x2, n2)
    diff = saferstats.proportion_difference(x1, n1, x2, n2)
    assert {"fisher", "z"} == set(got["test"])  # both kinds of test occur in this sample
    for i, f in enumerate(forces):
        t = np.array([[x1[i], n1[i] - x1[i]], [x2[i], n2[i] - x2[i]]])
        rr = Table2x2(t)
        row = got.iloc[i]
        assert [row.rr, row.rr_lower, row.rr_upper] == pytest.approx([rr.riskratio, *rr.riskratio_confint()], rel=1e-12), f
        z, p = proportions_ztest([x1[i], x2[i]], [n1[i], n2[i]])
        assert row.z == pytest.approx(z, rel=1e-10)
        fisher = fisher_exact(t).pvalue
        assert row.fisher_p == pytest.approx(fisher, rel=1e-10)
        expected = t.sum(1)[:, None] * t.sum(0)[None, :] / t.sum()
        assert row.test == ("fisher" if expected.min() < 5 else "z"), f
        assert row.p_value == pytest.approx(fisher if row.test == "fisher" else p, rel=1e-9)
        lo, hi = confint_proportions_2indep(x1[i], n1[i], x2[i], n2[i], compare="diff", method="newcomb")
        assert [row.diff_lower, row.diff_upper] == pytest.approx([lo, hi], rel=1e-10, abs=1e-15)
        assert diff.iloc[i][["lower", "upper"]].tolist() == pytest.approx([lo, hi], rel=1e-10, abs=1e-15)


# =============================================================== pheindicatormethods.md
PHE = A["phe_testdata"]


@pytest.mark.parametrize("mult", [100, 100000])
def test_phe_rate(mult):
    d = PHE["rate"]
    k = arr(d["multiplier"]) == mult
    got = saferstats.rate_ci(arr(d["Numerator"])[k], arr(d["Denominator"])[k], multiplier=mult,
                             confidence=[0.95, 0.998], method="phe", missing="propagate")
    for ours, theirs in [("rate", "value"), ("lower_95", "lower95_0cl"), ("upper_95", "upper95_0cl"),
                         ("lower_99_8", "lower99_8cl"), ("upper_99_8", "upper99_8cl")]:
        np.testing.assert_allclose(got[ours], arr(d[theirs])[k], rtol=1e-8, err_msg=ours)
    phe_method = np.array(d["method"], dtype=object)[k]
    for ours, theirs, rate in zip(got["method"], phe_method, got["rate"]):
        if not np.isnan(rate):  # "Exact"/"Byars" -> "exact"/"byar", per row (Area12: count above the population)
            assert ours == {"Exact": "exact", "Byars": "byar"}[theirs]
    assert got["confidence"].iloc[0] == "95%, 99.8%"
    # NA -> NA row is one keyword away; the default names the row
    if np.isnan(arr(d["Numerator"])[k]).any():  # Area09-Area11 of the per-100,000 set
        with pytest.raises(saferstats.MissingValueError, match="row|position"):
            saferstats.rate_ci(arr(d["Numerator"])[k], arr(d["Denominator"])[k], multiplier=mult)


@pytest.mark.parametrize("mult", [1, 100])
def test_phe_proportion(mult):
    d = PHE["proportion"]
    k = arr(d["multiplier"]) == mult
    got = saferstats.proportion_ci(arr(d["Numerator"])[k], arr(d["Denominator"])[k], confidence=[95, 99.8],
                                   multiplier=mult, missing="propagate")  # percentages accepted too
    for ours, theirs in [("value", "value"), ("lower_95", "lower95_0cl"), ("upper_95", "upper95_0cl"),
                         ("lower_99_8", "lower99_8cl"), ("upper_99_8", "upper99_8cl")]:
        np.testing.assert_allclose(got[ours], arr(d[theirs])[k], rtol=1e-8, err_msg=ours)
    assert set(got["method"].dropna()) <= {"wilson", "not applicable"}
    with pytest.raises(saferstats.InvalidInputError):
        saferstats.proportion_ci([5], [3])  # counts above the denominator: an error for proportions


def test_phe_proportion_wilson_cc_is_prop_test_with_correction():
    w = R["wilson_cc"]
    got = saferstats.proportion_ci(w["successes"], w["trials"], method="wilson-cc")
    np.testing.assert_allclose(got["lower"], w["lower"], rtol=1e-10)
    np.testing.assert_allclose(got["upper"], w["upper"], rtol=1e-10)


@pytest.mark.parametrize("mult", ["10000", "100000"])
def test_phe_calculate_dsr(mult):
    d = PHE["dsr"]
    got = saferstats.dsr(arr(d["count"]), arr(d["pop"]), standard="esp2013", groups=d["area"], ages=None,
                         multiplier=int(mult), confidence=[0.95, 0.998])
    want = d["results"][mult]
    assert list(got.index) == want["area"]
    for ours, theirs in [("rate", "value"), ("lower_95", "lower95_0cl"), ("upper_95", "upper95_0cl"),
                         ("lower_99_8", "lower99_8cl"), ("upper_99_8", "upper99_8cl")]:
        np.testing.assert_allclose(got[ours], arr(want[theirs]), rtol=1e-8, err_msg=ours)
    # testdata_tiny: 9 events, missing (NaN) as PHE
    assert np.isnan(got.loc["testdata_tiny", "rate"]) and "< 10" in got.loc["testdata_tiny", "note"]
    assert len(saferstats.ESP2013) == 19 and sum(saferstats.ESP2013) == 100_000


def test_phe_funnel_limits_target_and_significance():
    d = PHE["funnel_proportion"]
    out = d["outputs"]
    target = saferstats.funnel_target(d["numerator"], d["denominator"], kind="proportion")
    assert target == pytest.approx(out["Baseline"][0], abs=1e-6)
    lim = saferstats.funnel_limits(out["Population"], target=target, kind="proportion")
    for ours, theirs in [("lower_95", "Lower2s0025limit"), ("upper_95", "Upper2s0025limit"),
                         ("lower_998", "Lower3s0001limit"), ("upper_998", "Upper3s0001limit")]:
        np.testing.assert_allclose(lim[ours], out[theirs], atol=1e-6, err_msg=ours)
    sig = saferstats.funnel_significance(d["numerator"], d["denominator"], kind="proportion")
    assert sig.tolist() == d["significance"]
    assert "High (0.001)" in set(sig)
    r = PHE["funnel_ratio"]
    assert saferstats.funnel_significance(r["obs"], r["expected"], kind="ratio").tolist() == r["significance"]


def test_phe_isratio_and_israte():
    d = PHE["isr"]
    df = pd.DataFrame({"area": d["area"], "count": arr(d["count"]), "pop": arr(d["pop"])})
    n_strata = len(d["refcount"])
    for refvalue, key in ((1, "ratio_1"), (100, "ratio_100")):
        got = saferstats.isr(df, x="count", n="pop", x_ref=d["refcount"], n_ref=d["refpop"], by="area",
                             refvalue=refvalue).set_index("area")
        want = d["results"][key]
        for ours, theirs in [("observed", "observed"), ("expected", "expected"), ("ratio", "value"),
                             ("lower", "lower95_0cl"), ("upper", "upper95_0cl")]:
            np.testing.assert_allclose(got[ours], arr(want[theirs]), rtol=1e-8, err_msg=ours)
        assert got["method"].tolist() == [m.lower().replace("byars", "byar") for m in want["method"]]
    # reference as columns (refpoptype = "field")
    cols = df.assign(rc=np.tile(d["refcount"], len(df) // n_strata), rp=np.tile(d["refpop"], len(df) // n_strata))
    by_col = saferstats.isr(cols, x="count", n="pop", x_ref="rc", n_ref="rp", by="area")
    np.testing.assert_allclose(by_col["ratio"], arr(d["results"]["ratio_1"]["value"]), rtol=1e-10)
    rate = saferstats.israte(df, x="count", n="pop", x_ref=d["refcount"], n_ref=d["refpop"], by="area",
                             multiplier=100_000)
    want = d["results"]["rate_100000"]
    for ours, theirs in [("reference_rate", "ref_rate"), ("rate", "value"), ("lower", "lower95_0cl"), ("upper", "upper95_0cl")]:
        np.testing.assert_allclose(rate[ours], arr(want[theirs]), rtol=1e-8, err_msg=ours)
    # one level per call (the page's "Arguments and defaults" says so)
    with pytest.raises(saferstats.InvalidInputError):
        saferstats.isr(df, x="count", n="pop", x_ref=d["refcount"], n_ref=d["refpop"], by="area", confidence=[0.95, 0.998])


def test_phe_rate_funnel_limits_dsr_three_years():
    d = PHE["funnel_rate_dsr"]
    got = saferstats.rate_funnel_limits(d["ev"], d["rate"], rate_type="dsr", years_of_data=3)
    for c, want in d["outputs"].items():
        ours = "events" if c == "Events" else c
        np.testing.assert_allclose(got[ours], want, rtol=1e-4, err_msg=c)  # PHE's root-finding tolerance
    assert got["statistic"].iloc[0] == d["statistic"] and got["method"].iloc[0] == d["method"]
    s = PHE["funnel_rate_significance"]
    for col, rate_type, label in (("rate_dsr", "dsr", "dsr_per_100000_with_0"),
                                  ("rate_crude_per_100000", "crude", "crude_per_100000_with_0")):
        sig = saferstats.rate_funnel_significance(s["count"], s[col], rate_type=rate_type, denominators=s["pop"])
        assert sig.tolist() == s[label]


def test_phe_funnelplotr_overdispersion():
    hc = saferstats.datasets.hate_crime_by_force().query("year == '2017-18'").dropna(subset=["population"])
    r = R["funnelplotr_rate_sr"]
    assert hc["offences"].tolist() == r["offences"]
    od = saferstats.funnel_overdispersion(hc["offences"], hc["population"], kind="rate")
    assert od["phi"] == pytest.approx(r["phi"], rel=1e-10) and od["tau2"] == pytest.approx(r["tau2"], rel=1e-10)
    pops = np.array(r["expected_grid"]) / (od["target"] / 1e5)
    lim = saferstats.funnel_limits(pops, target=od["target"], kind="rate", overdispersion=od)
    for k, want in r["ratio_limits_grid"].items():
        np.testing.assert_allclose(lim[k] / od["target"], want, rtol=2e-6, err_msg=k)
    sig = saferstats.funnel_significance(hc["offences"], hc["population"], kind="rate", overdispersion=True)
    assert (sig != "Not significant").sum() == r["outside_95"]
    assert sig.str.contains("0.001").sum() == r["outside_998"]
    p = R["funnelplotr_proportion_pr"]
    od = saferstats.funnel_overdispersion(p["race"], p["motivating_factors"])
    assert od["phi"] == pytest.approx(p["phi"], rel=1e-10) and od["tau2"] == pytest.approx(p["tau2"], rel=1e-10)
    lim = saferstats.funnel_limits(p["n_grid"], target=od["target"], overdispersion=od)
    for k, want in p["limits_grid"].items():
        np.testing.assert_allclose(lim[k] / 100, want, rtol=2e-6, err_msg=k)


def test_phe_wilson_and_byars_helpers():
    d = PHE["byars_wilson"]
    for x, n, lo, hi, conf, method in zip(d["x"], d["n"], d["lowercl"], d["uppercl"], d["confidence"], d["method"]):
        if method == "Wilson":
            got = saferstats.proportion_ci(x, n, confidence=conf)
        else:  # PHEindicatormethods' byars_lower/upper are Byar's at every count (1 event too)
            got = saferstats.rate_ci(x, 1, multiplier=1, method="byar", confidence=conf)
        assert got["upper"].iloc[0] == pytest.approx(hi, rel=1e-8), (x, conf)
        if lo is None:
            assert np.isnan(got["lower"].iloc[0])
        else:
            assert got["lower"].iloc[0] == pytest.approx(lo, rel=1e-8), (x, conf)


def test_phe_output_columns():
    r = saferstats.rate_ci([5, 20], [100, 100])
    assert list(r.columns) == ["count", "population", "rate", "lower", "upper", "confidence", "method"]
    p = saferstats.proportion_ci([5], [100], confidence=[0.95, 0.998])
    assert {"value", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "confidence", "method"} <= set(p.columns)
    assert set(saferstats.funnel_limits([100], target=20).columns) >= {"lower_95", "lower_998", "upper_95", "upper_998"}
    a = saferstats.add_rates(saferstats.datasets.hate_crime_by_force(), count="offences", population="population",
                             missing="propagate")
    assert {"rate", "lower", "upper", "confidence", "method"} <= set(a.columns)


# =============================================================== phstatsmethods.md
PHS = A["phstatsmethods"]


def _hc_with_population():
    hc = saferstats.datasets.hate_crime_by_force().dropna(subset=["population"]).reset_index(drop=True)
    assert hc["force"].str.strip().tolist() == [f.strip() for f in PHS["hate_crime"]["force"]]
    return hc


def _same_as_phstatsmethods(got, estimate, want):
    """Our estimate and 95% / 99.8% limits against PHStatsMethods' Value and *_ci columns."""
    np.testing.assert_allclose(got[estimate], want["Value"], rtol=1e-12)
    for ours in ("lower_95", "upper_95", "lower_99_8", "upper_99_8"):
        np.testing.assert_allclose(got[ours], want[ours + "_ci"], rtol=1e-10, err_msg=ours)


def test_phstatsmethods_ph_rate_and_add_rates():
    hc = _hc_with_population()
    want = PHS["ph_rate"]
    got = saferstats.rate_ci(hc["offences"], hc["population"], multiplier=100_000, confidence=[0.95, 0.998])
    _same_as_phstatsmethods(got, "rate", want)
    added = saferstats.add_rates(hc, count="offences", population="population")
    one = saferstats.rate_ci(hc["offences"], hc["population"])
    np.testing.assert_allclose(added[["rate", "lower", "upper"]], one[["rate", "lower", "upper"]])
    # a zero count: ph_rate stops, saferstats gives the exact interval 0 to 3.689 events
    assert PHS["ph_rate_zero"].startswith("ValueError")
    z = saferstats.rate_ci([0], [100])
    assert z.loc[0, "lower"] == 0 and z.loc[0, "upper"] == pytest.approx(3688.879454, rel=1e-9)


def test_phstatsmethods_ph_proportion():
    hc = _hc_with_population()
    want = PHS["ph_proportion"]
    got = saferstats.proportion_ci(hc["Race"], hc["motivating_factors"], multiplier=1, confidence=[0.95, 0.998])
    _same_as_phstatsmethods(got, "value", want)


def test_phstatsmethods_ph_dsr():
    d = PHE["dsr"]
    want = PHS["ph_dsr"]
    got = saferstats.dsr(arr(d["count"]), arr(d["pop"]), groups=d["area"], confidence=[0.95, 0.998])
    assert list(got.index) == want["area"]
    for ours in ("rate", "lower_95", "upper_95", "lower_99_8", "upper_99_8"):
        np.testing.assert_allclose(got[ours], arr(want["Value" if ours == "rate" else ours + "_ci"]), rtol=1e-10)


def test_phstatsmethods_funnels():
    d = PHE["funnel_proportion"]
    want = PHS["calculate_funnel_limits"]
    target = saferstats.funnel_target(d["numerator"], d["denominator"])
    assert target == pytest.approx(want["baseline"][0], rel=1e-12)
    lim = saferstats.funnel_limits(want["Population"], target=target)
    for ours, theirs in [("lower_95", "lower_2s_limit"), ("upper_95", "upper_2s_limit"),
                         ("lower_998", "lower_3s_limit"), ("upper_998", "upper_3s_limit")]:
        np.testing.assert_allclose(lim[ours], want[theirs], rtol=1e-9, atol=1e-9, err_msg=ours)
    assert saferstats.funnel_significance(d["numerator"], d["denominator"]).tolist() == PHS["assign_funnel_significance"]


@needs_scipy
def test_phstatsmethods_byars_helpers():
    from scipy.stats import norm

    for r in PHS["byars"]:
        v, c = r["value"], r["confidence"]
        # byars_lower/upper: exact below 10 events, Byar's from 10 = rate_ci's default method
        got = saferstats.rate_ci(v, 1, multiplier=1, confidence=c)
        assert [got.loc[0, "lower"], got.loc[0, "upper"]] == pytest.approx([r["byars_lower"], r["byars_upper"]], rel=1e-9)
        forced = saferstats.rate_ci(v, 1, multiplier=1, method="byar", confidence=c)
        if v >= 10:
            assert forced.loc[0, "upper"] == pytest.approx(r["byars_upper"], rel=1e-9)
        else:
            assert forced.loc[0, "upper"] != pytest.approx(r["byars_upper"], rel=1e-6)
        if v >= 10:  # byars(): Byar's limits at the level 1 - confidence, as the page says
            z = norm.ppf(1 - c / 2)
            lo = v * (1 - 1 / (9 * v) - z / (3 * np.sqrt(v))) ** 3
            hi = (v + 1) * (1 - 1 / (9 * (v + 1)) + z / (3 * np.sqrt(v + 1))) ** 3
            assert r["byars"] == pytest.approx([lo, hi], rel=1e-9)


def test_phstatsmethods_isratio_israte():
    d = PHE["isr"]
    df = pd.DataFrame({"area": d["area"], "count": arr(d["count"]), "pop": arr(d["pop"])})
    got = saferstats.isr(df, x="count", n="pop", x_ref=d["refcount"], n_ref=d["refpop"], by="area")
    want = PHS["ph_ISRatio"]
    assert got["area"].tolist() == want["area"]
    for ours, theirs in [("ratio", "Value"), ("lower", "lower_95_ci"), ("upper", "upper_95_ci")]:
        np.testing.assert_allclose(got[ours], want[theirs], rtol=1e-9, err_msg=ours)
    got = saferstats.israte(df, x="count", n="pop", x_ref=d["refcount"], n_ref=d["refpop"], by="area")
    want = PHS["ph_ISRate"]
    for ours, theirs in [("rate", "Value"), ("lower", "lower_95_ci"), ("upper", "upper_95_ci")]:
        np.testing.assert_allclose(got[ours], want[theirs], rtol=1e-9, err_msg=ours)


def test_phstatsmethods_columns():
    assert PHS["ph_rate"]["columns"][-3:] == ["Statistic", "Confidence", "Method"]
    assert {"Value", "lower_95_ci", "upper_95_ci", "lower_99_8_ci", "upper_99_8_ci"} <= set(PHS["ph_rate"]["columns"])


# =============================================================== esda.md
E = A["esda"]


def _pmc(p_a, p_b, permutations=999):
    """Two permutation p-values agree within Monte Carlo error (5 standard errors of the difference)."""
    p = (np.asarray(p_a) + np.asarray(p_b)) / 2
    return np.abs(np.asarray(p_a) - np.asarray(p_b)) <= 5 * np.sqrt(2 * p * (1 - p) / permutations) + 2 / permutations


@pytest.mark.parametrize("contiguity", ["rook", "queen"])
def test_esda_lattice_gi_star_and_local_moran(contiguity):
    case = E[contiguity]
    vals = np.array(E["values"])
    w = saferstats.Weights.lattice(E["nrows"], E["ncols"], contiguity=contiguity)
    assert w.cardinalities.tolist() == case["cardinalities"]  # lat2W(nrows, ncols, rook=...)
    b = saferstats.gi_star(vals, w, transform="B", permutations=999, seed=1, fdr=False).to_pandas()
    gb = case["G_Local_B"]
    np.testing.assert_allclose(b["g"], gb["Gs"], rtol=1e-10)
    np.testing.assert_allclose(b["z"], gb["Zs"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b["p_norm"], gb["p_norm"], rtol=1e-8, atol=1e-14)
    assert _pmc(b["p_sim"], gb["p_sim"]).all()
    # transform="R": G is esda's; z is Ord & Getis' (as with "B"), not esda's smaller row-standardised Zs
    r = saferstats.gi_star(vals, w, transform="R", permutations=0).to_pandas()
    gr = case["G_Local_R"]
    np.testing.assert_allclose(r["g"], gr["Gs"], rtol=1e-10)
    np.testing.assert_allclose(r["z"], gb["Zs"], rtol=1e-9, atol=1e-12)
    assert np.mean(np.abs(gr["Zs"]) < np.abs(r["z"]) + 1e-12) > 0.9
    m = saferstats.local_moran(vals, w, transform="R", permutations=999, seed=1, alpha=0.05).to_pandas()
    ml = case["Moran_Local"]
    np.testing.assert_allclose(m["i"], ml["Is"], rtol=1e-9, atol=1e-12)
    # z is the analytic z (Is - EI) / sqrt(VI), not esda's permutation z_sim
    np.testing.assert_allclose(m["z"], (np.array(ml["Is"]) - np.array(ml["EI"])) / np.sqrt(ml["VI"]), rtol=1e-8, atol=1e-12)
    assert not np.allclose(m["z"], ml["z_sim"], rtol=0.05)
    assert m["quadrant"].tolist() == ml["q"]
    # p_sim within Monte Carlo error, except where the neighbours all hold the smallest value: every
    # permutation drawing only such values ties exactly, which saferstats counts as "at least as
    # large" and esda's floating-point sums may put 5e-17 below (its p_sim is then 1/1000)
    nb = [w.neighbors[w.offsets[i]:w.offsets[i + 1]] for i in range(w.n)]
    tied = np.array([len(j) > 0 and (vals[j] == vals.min()).all() and vals[i] > vals.min() for i, j in enumerate(nb)])
    assert _pmc(m["p_sim"], ml["p_sim"])[~tied].all()
    zeros = (vals == vals.min()).sum()
    for i in np.flatnonzero(tied):  # the chance that k neighbours drawn from the other units are all the minimum
        k = len(nb[i])
        assert _pmc(m["p_sim"][i], math.comb(zeros, k) / math.comb(len(vals) - 1, k)), i
    # esda's value there depends on the rounding: 1/1000 at some of these cells here
    assert (np.array(ml["p_sim"])[tied] == 0.001).any()
    assert list(b.columns) == ["g", "z", "p_norm", "p_sim", "label"]
    assert list(m.columns) == ["i", "z", "p_norm", "p_sim", "quadrant", "label"]


def test_esda_distance_band_and_adjacency():
    d = E["distance_band"]
    w = saferstats.Weights.distance_band(d["x"], d["y"], threshold=d["threshold"], binary=True)
    assert w.cardinalities.tolist() == d["cardinalities"]
    g = saferstats.gi_star(d["values"], w, permutations=0).to_pandas()
    np.testing.assert_allclose(g["g"], d["G_Local_B_Gs"], rtol=1e-10)
    np.testing.assert_allclose(g["z"], d["G_Local_B_Zs"], rtol=1e-9, atol=1e-12)
    wi = saferstats.Weights.distance_band(d["x"], d["y"], threshold=d["threshold"], binary=False)
    np.testing.assert_allclose(saferstats.local_moran(d["values"], wi, permutations=0).i, d["inverse_Moran_Local_Is"],
                               rtol=1e-9, atol=1e-12)
    a = E["adjacency"]
    wa = saferstats.Weights.from_adjacency(a["focal"], a["neighbor"], weight=None, n=len(E["values"]))
    np.testing.assert_allclose(saferstats.gi_star(E["values"], wa, transform="R", permutations=0).g, a["G_Local_R_Gs"], rtol=1e-10)
    np.testing.assert_allclose(saferstats.local_moran(E["values"], wa, permutations=0).i, a["Moran_Local_Is"], rtol=1e-9, atol=1e-12)


# =============================================================== scikit_learn.md
SK = A["sklearn"]


def test_sklearn_dbscan_labels():
    for run in SK["dbscan"]:
        got = saferstats.dbscan(SK["lat"], SK["lon"], eps_m=run["eps_m"], min_samples=run["min_samples"])
        assert got.dtype == np.int64
        assert got.tolist() == run["labels"], run["eps_m"]
    assert max(max(r["labels"]) for r in SK["dbscan"]) >= 2  # several clusters, in scikit-learn's order


def test_sklearn_hdbscan_labels_and_default():
    """saferstats' labels are scikit-learn's, exactly, on every machine. The 274 points stand at 241
    places, so 64 MST distances tie and the labels at min_cluster_size=5 depend on the order of the
    tied edges: the fixture's scikit-learn sorts them with its ``_process_mst`` made stable
    (``kind="stable"``, provenance ``sklearn_patch``: ties in Prim's order), as ``hdbscan`` does.
    Session 30 found 52 labels different on another machine with numpy's default sort, and then
    checked only that the fixture was some tie order's labels; session 31 restores this comparison."""
    assert "kind='stable'" in A["provenance"]["sklearn_patch"]
    for run in SK["hdbscan"]:
        got = saferstats.hdbscan(SK["lat"], SK["lon"], min_cluster_size=run["min_cluster_size"], min_samples=run["min_samples"])
        assert got.tolist() == run["labels"], run
    assert any(r["min_cluster_size"] == 15 and r["min_samples"] is None for r in SK["hdbscan"])  # checked above
    # default 15 (scikit-learn's is 5): the labels of min_cluster_size=15 (scikit-learn's above)
    assert saferstats.hdbscan(SK["lat"], SK["lon"]).tolist() == saferstats.hdbscan(
        SK["lat"], SK["lon"], min_cluster_size=15).tolist()


def test_sklearn_missing_coordinates():
    lat, lon = np.r_[SK["lat"], np.nan], np.r_[SK["lon"], -0.2]
    with pytest.raises(saferstats.MissingValueError):
        saferstats.dbscan(lat, lon, eps_m=200)
    got = saferstats.dbscan(lat, lon, eps_m=200, missing="drop")
    assert got[-1] == -2
    assert got[:-1].tolist() == SK["dbscan"][0]["labels"]


def test_sklearn_kernel_density():
    k = SK["kde"]
    g = saferstats.kde_grid(k["x"], k["y"], cell_size=k["cell_size"], bandwidth=k["bandwidth"], kernel="gaussian",
                            bounds=tuple(k["bounds"]))
    np.testing.assert_allclose(g.x, k["cell_x"])
    np.testing.assert_allclose(g.y, k["cell_y"])
    np.testing.assert_allclose(g.density, np.array(k["gaussian_per_km2"]), rtol=1e-9, atol=1e-12)
    # scikit-learn has no quartic kernel: its Epanechnikov is another kernel, not saferstats' default
    q = saferstats.kde_grid(k["x"], k["y"], cell_size=k["cell_size"], bandwidth=k["bandwidth"], bounds=tuple(k["bounds"]))
    assert q.kernel == "quartic"
    epa = np.array(k["epanechnikov_per_km2"])
    assert np.max(np.abs(q.density - epa)) > 0.05 * q.density.max()


# =============================================================== getting_started.md, vocabulary.md
@needs_scipy
def test_getting_started_first_analysis_runs_as_written():
    from scipy.stats import norm

    text = (DOCS / "getting_started.md").read_text()
    block = text.split("## First analysis")[1].split("```python\n")[1].split("```")[0]
    code = [ln for ln in block.splitlines() if not ln.startswith("#")]
    ns: dict = {}
    exec("\n".join(code[:-1]), ns)
    shown = eval(code[-1].split("   #")[0], ns)
    printed = [ln[2:] for ln in block.splitlines() if ln.startswith("# ")]
    assert shown.to_string().split() == " ".join(printed).split()
    # the numbers: Byar's limits of 1,600 offences on 1,184,400 people (Hertfordshire 2018-19)
    df = ns["df"]
    assert tuple(df.loc[67, ["force", "year"]]) == ("Hertfordshire", "2018-19")
    c, pop, z = 1600, df.loc[67, "population"], norm.ppf(0.975)
    lo = c * (1 - 1 / (9 * c) - z / (3 * np.sqrt(c))) ** 3 / pop * 1e5
    hi = (c + 1) * (1 - 1 / (9 * (c + 1)) + z / (3 * np.sqrt(c + 1))) ** 3 / pop * 1e5
    assert shown.loc[67, ["lower", "upper"]].tolist() == pytest.approx([round(lo, 2), round(hi, 2)])


def test_vocabulary_renames_table():
    text = (DOCS / "vocabulary.md").read_text()
    assert "positional" in text.split("## 6.")[1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.percent_change(count_new=120, population_new=1000, count_old=100, population_old=1000)
    assert sum(issubclass(c.category, FutureWarning) for c in caught) == 4
    with pytest.warns(FutureWarning, match="season_length"):
        saferstats.mann_kendall(list(range(24)), period=12)
    with pytest.warns(FutureWarning, match="drop"):
        saferstats.mann_kendall([1, 3, 2, 5, np.nan, 6, 8, 7, 9, 10], missing="skip")
    with pytest.warns(FutureWarning, match="percent_change_lower"):
        saferstats.percent_change(120, 1000, 100, 1000)["percent_lower"]
    with pytest.warns(FutureWarning, match="rate"):
        saferstats.dsr([10] * 19, [1000] * 19)["value"]
    # made keyword-only: positional use is an error, not a warning (the table says so)
    with pytest.raises(TypeError):
        saferstats.datasets.hate_crime_by_force(True)
    with pytest.raises(TypeError):
        saferstats.synthetic.s136_pilot_records(1)
    g = saferstats.global_moran([1, 2, 3, 4, 5, 6, 7, 8, 9], saferstats.Weights.lattice(3, 3), permutations=0)
    assert "I" in g.to_pandas().columns and g.value == pytest.approx(g.to_pandas()["I"].iloc[0])
    # the row label of an error on a Series (section 4)
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.rate_ci(pd.Series([1, 2, -3, 4], index=list("abcd")), pd.Series([10] * 4, index=list("abcd")))
    assert e.value.index == "c" and e.value.argument == "count" and isinstance(e.value, ValueError)


def test_coming_from_pages_name_only_public_keywords():
    """Every `saferstats_function(keyword=...)` written on the pages is a keyword of that function."""
    import inspect

    bad, checked = [], 0
    for page in sorted((DOCS / "coming_from").glob("*.md")):
        for name, args in re.findall(r"`(?:saferstats\.)?((?:Weights\.)?[a-z_]+)\(([^`]*)\)", page.read_text()):
            fn = saferstats
            for part in name.split("."):
                fn = getattr(fn, part, None)
            if fn is None or not callable(fn):
                continue
            checked += 1
            params = inspect.signature(fn).parameters
            for kw in re.findall(r"(?:^|[,(]\s*)([a-z_]+)=", args):
                if kw not in params:
                    bad.append(f"{page.name}: {name}({kw}=)")
    assert not bad, bad
    assert checked >= 40  # the calls of the five pages were found

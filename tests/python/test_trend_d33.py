"""compare_trends(seasonality=...): each side's trend with its own seasonal terms, and the t df
from each fit's residual df.

References: statsmodels 0.15 ``GLM(y ~ t + C(month)).fit(scale="X2", use_t=True)`` for each series
and the Welch-Satterthwaite df of the two slopes' variances (tests/fixtures/
generate_trend_seasonal.py, ``compare_seasonal_t``, run 2026-12-06; the same values as the Rust test
``trend::compare::tests::seasonal_fits_compare_on_their_residual_df``), and statsmodels' one GLM
``y ~ g * (t + C(month))`` fitted here for the Poisson case."""
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats

# 36 months of small counts with no events in any August (numpy default_rng(7).poisson(4, 36),
# Augusts set to 0; the Rust test_fixtures::sparse_months): the first 30, at Figure 2's months
SPARSE = [6., 5., 7., 2., 2., 5., 3., 0., 4., 5., 3., 3., 6., 3., 6., 5., 6., 2., 5., 0., 4., 6.,
          3., 5., 5., 4., 6., 7., 7., 4.]


def _two_areas() -> pd.DataFrame:
    fig2 = saferstats.datasets.hate_crime_monthly().iloc[:30]
    return pd.concat([fig2.assign(area="Figure 2"),
                      fig2.assign(area="Sparse", offences=SPARSE)], ignore_index=True)


def _compare(**kw):
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        out = saferstats.compare_trends(_two_areas(), by="area", comparator="Sparse", count="offences",
                                        population=None, period="month", **kw)
    return out, [str(w.message) for w in got]


def test_seasonal_quasi_fits_compare_on_their_residual_df():
    out, msgs = _compare(seasonality="dummies", dispersion="quasi", use_t=True)
    r = out.iloc[0]
    assert r["df"] == pytest.approx(17.5250459627563, rel=1e-6)  # from 17 and 16 df, not 28 and 28
    assert r["p_value"] == pytest.approx(0.8871871049062207, rel=1e-5)
    assert r["ratio"] == pytest.approx(1.012601947668893, rel=1e-7)
    assert r["ratio_lower"] == pytest.approx(0.8431469414113921, rel=1e-6)
    assert r["ratio_upper"] == pytest.approx(1.2161138872263733, rel=1e-6)
    assert r["seasonality"] == "dummies (12 a year)"
    assert out.attrs["season"] == []  # the season is fitted: no check, no warning about it
    assert not any("month of the year" in m for m in msgs), msgs


def test_seasonal_poisson_ratio_is_the_interaction_of_one_glm():
    sm = pytest.importorskip("statsmodels.formula.api")
    fam = pytest.importorskip("statsmodels.api").families.Poisson()
    d = _two_areas()
    d["t"] = 2013.25 + np.tile(np.arange(30), 2) / 12
    d["m"] = np.tile((np.arange(30) + 3) % 12, 2)
    d["g"] = (d["area"] == "Figure 2").astype(int)
    d = d[d.groupby(["area", "m"]).offences.transform("sum") > 0]  # the sparse series' empty month
    with warnings.catch_warnings():  # the sparse series' empty month: its area x month term is aliased
        warnings.simplefilter("ignore")
        fit = sm.glm("offences ~ g * (t + C(m))", d, family=fam).fit()
    out, _ = _compare(seasonality="dummies")
    r = out.iloc[0]
    assert np.log(r["ratio"]) == pytest.approx(fit.params["g:t"], rel=1e-6)
    assert r["z"] == pytest.approx(fit.tvalues["g:t"], rel=1e-5)
    straight, _ = _compare()
    assert "seasonality" not in straight.columns
    assert straight["ratio"].iloc[0] != pytest.approx(r["ratio"], rel=1e-3)  # the season moved it


def test_straight_fits_keep_n_periods_less_two():
    out, _ = _compare(dispersion="quasi", use_t=True)
    with pytest.warns(saferstats.SaferstatsWarning, match="no month-of-year term"):
        fits = saferstats.poisson_trend(_two_areas(), by="area", count="offences", population=None, period="month",
                                        dispersion="quasi", use_t=True)
    assert fits["df_resid"].tolist() == [28, 28]
    va, vb = fits["se"].iloc[0] ** 2, fits["se"].iloc[1] ** 2
    assert out["df"].iloc[0] == pytest.approx((va + vb) ** 2 / (va ** 2 / 28 + vb ** 2 / 28), rel=1e-9)


def test_cli_compare_with_fits_each_side_with_its_season(tmp_path, capsys):
    from saferstats.__main__ import main
    src, out = tmp_path / "two.csv", tmp_path / "ratio.csv"
    _two_areas().to_csv(src, index=False)
    assert main(["trend", str(src), "--count", "offences", "--period", "month", "--by", "area", "--compare-with", "Sparse",
          "--seasonality", "dummies", "--dispersion", "quasi", "--population", "none", "--out", str(out)]) == 0
    err = " ".join(capsys.readouterr().err.split())
    got = pd.read_csv(out)
    # quasi-Poisson on either side: t as R's summary.glm, each trend on its residual df (17 and 16)
    assert got["ratio"].iloc[0] == pytest.approx(1.012601947668893, rel=1e-6)
    assert got["ratio_upper"].iloc[0] == pytest.approx(1.2161138872263733, rel=1e-5)
    assert got["df"].iloc[0] == pytest.approx(17.5250459627563, rel=1e-5)
    assert "each trend's: n_periods - 2, less the seasonal terms; the ratio's on the Welch-Satterthwaite df" in err

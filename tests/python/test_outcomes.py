"""S136 outcomes, before/after, ITS and disclosure: statsmodels/scipy/numpy fixtures, METHODS.md D
published oracles, and the bad inputs named in issue 6."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import load_fixture

import saferstats
from saferstats import InvalidInputError

OUT = load_fixture("outcomes_reference.json")
DISP = load_fixture("disproportionality_reference.json")


@pytest.mark.parametrize("row", OUT["its"]["rows"], ids=lambda r: f"{r['name']}-{r['dispersion']}-{bool(r['seasonality'])}")
def test_its_matches_statsmodels(row):
    seas = None if row["seasonality"] is None else ("fourier", 12, 1)
    r = saferstats.its_poisson(row["counts"], break_index=row["break_index"], population=row["population"],
                               dispersion=row["dispersion"], seasonality=seas)
    np.testing.assert_allclose(r.beta, row["beta"], rtol=1e-6)
    np.testing.assert_allclose(r.se, row["se"], rtol=1e-6)
    assert (r.level_lower, r.level_upper) == pytest.approx(tuple(row["level_ci"]), rel=1e-6)
    assert (r.slope_lower, r.slope_upper) == pytest.approx(tuple(row["slope_ci"]), rel=1e-6)
    np.testing.assert_allclose(r.fitted, row["fitted"], rtol=1e-6)
    np.testing.assert_allclose(r.counterfactual, row["counterfactual"], rtol=1e-6)
    assert r.dispersion_ratio == pytest.approx(row["dispersion_ratio"], rel=1e-6)
    t = r.to_pandas()
    assert list(t.columns) == ["period", "observed", "fitted", "counterfactual", "post"]
    assert "level_rr=" in repr(r) and r.to_dict()["break_index"] == row["break_index"]


def test_its_parameterisation_is_fixed_at_the_break():
    """since_t = 0 in the first post period: METHODS.md D3's beta2 = -0.296231 (not -0.262767)."""
    row = OUT["its"]["rows"][0]
    r = saferstats.its_poisson(row["counts"], break_index=24, population=1.1e6)
    assert np.log(r.level_rr) == pytest.approx(-0.296231, abs=1e-6)
    assert r.post_slope_rr == pytest.approx(0.983097, abs=1e-6)


def test_compare_proportions_matches_scipy_statsmodels():
    rows = DISP["outcome"]["rows"]
    df = pd.DataFrame(rows)
    out = saferstats.compare_proportions(df.x1, df.n1, df.x2, df.n2)
    np.testing.assert_allclose(out["fisher_p"], df.fisher_p, rtol=1e-9)
    np.testing.assert_allclose(out["z"], df.z, rtol=1e-9)
    np.testing.assert_allclose(out["diff_lower"], [r["newcombe"][0] for r in rows], rtol=1e-9)
    assert list(out.columns[:12]) == ["p1", "p2", "diff", "diff_lower", "diff_upper", "rr", "rr_lower", "rr_upper",
                                      "z", "p_value", "fisher_p", "test"]
    # METHODS.md D3: admission pre 90/250 vs post 41/160
    r = saferstats.compare_proportions(90, 250, 41, 160).iloc[0]
    assert r.z == pytest.approx(2.197720, abs=1e-6) and r.fisher_p == pytest.approx(0.030172, abs=1e-6)
    assert (r.rr, r.rr_lower, r.rr_upper) == pytest.approx((1.404878, 1.028909, 1.918228), abs=1e-6)
    assert r.p_chi2_yates == pytest.approx(0.036694, abs=1e-6)


def _records(counts: dict[str, int], place="Health-based place of safety", hours=None, **extra):
    outcomes = [o for o, k in counts.items() for _ in range(k)]
    n = len(outcomes)
    start = pd.Timestamp("2023-05-01 10:00")
    dep = [start + pd.Timedelta(hours=h) for h in (hours if hours is not None else [6.0] * n)]
    return pd.DataFrame({"detention_time": [start] * n, "arrival_time": [start] * n, "departure_time": dep,
                         "place_of_safety": [place] * n, "age": [30] * n, "outcome": outcomes, **extra})


def test_outcome_rates_match_methods_d3_published():
    recs = _records({"informal": 38, "s2": 45, "s3": 7, "referred": 72, "nfa": 88, "unknown": 9})
    s = saferstats.s136_summary(recs, disclosure=False)
    assert s.excluded["unknown_outcome"] == 9
    o = s.outcomes.set_index("outcome")
    assert (o.loc["s2", "percent"], o.loc["s2", "lower"], o.loc["s2", "upper"]) == pytest.approx((18.0, 13.7333, 23.2352), abs=1e-4)
    assert o.loc["s3", "lower"] == pytest.approx(1.3628, abs=1e-4) and o.loc["nfa", "upper"] == pytest.approx(41.3035, abs=1e-4)
    r = s.rates.set_index("measure")
    assert r.loc["conversion", "count"] == 52 and r.loc["conversion", "assessed"] == 250
    assert (r.loc["conversion", "lower"], r.loc["conversion", "upper"]) == pytest.approx((16.2294, 26.2544), abs=1e-4)
    assert (r.loc["admission", "percent"], r.loc["admission", "lower"]) == pytest.approx((36.0, 30.3032), abs=1e-4)


def test_durations_match_numpy_and_methods_d4():
    hours = OUT["durations"]["hours"]
    recs = _records({"referred": len(hours)}, hours=hours)
    for method in ("linear", "weibull"):
        d = saferstats.s136_summary(recs, quantile_method=method, disclosure=False).durations.iloc[0]
        want = OUT["durations"][method]
        assert (d.q1_hours, d.median_hours, d.q3_hours) == pytest.approx(tuple(want))
    d = saferstats.s136_summary(recs, disclosure=False).durations.iloc[0]
    assert (d.q1_hours, d.median_hours, d.q3_hours) == pytest.approx((7.75, 12.5, 21.25))
    assert d.mean_hours == pytest.approx(15.183333, abs=1e-6)
    assert d.over_24h == 3 and d.over_24h_percent == pytest.approx(20.0) and d.over_36h == 1
    # censored: no departure -> counted, left out of the quantiles
    recs.loc[0, "departure_time"] = pd.NaT
    d = saferstats.s136_summary(recs, disclosure=False).durations.iloc[0]
    assert d.censored == 1 and d.n == len(hours) - 1


def test_legal_flags():
    recs = _records({"referred": 3}, place="Police station", hours=[5, 30, 40])
    recs["age"] = [16, 30, 30]
    recs["extension"] = [False, True, False]
    f = saferstats.s136_summary(recs, disclosure=False).flags.iloc[0]
    assert f.child_in_police_station == 1 and f.over_24h_without_extension == 1 and f.over_36h == 1


def test_disclosure_applied_by_default():
    recs = _records({"informal": 3, "s2": 20, "referred": 30, "nfa": 40})
    s = saferstats.s136_summary(recs)
    o = s.published().outcomes.set_index("outcome")  # markers belong to the publishing step
    assert o.loc["informal", "count"] == "[c]" and o.loc["informal", "percent"] == "[c]"
    # admissions (23) - s2 would give informal back (s3 = 0): s2 is hidden too (issue 16.2)
    assert o.loc["s2", "count"] == "[c]" and o.loc["referred", "count"] == 30
    assert "suppressed" in s.disclosure


def test_before_after_on_synthetic_pilot():
    recs = saferstats.synthetic.s136_pilot_records(seed=7)
    ba = saferstats.before_after(recs, split="2024-01-01", population=(1.1e6, 1.1e6))
    ps = ba.set_index("measure").loc["police_station"]
    assert ps.pre_n + ps.post_n == (recs.place_of_safety != "Not known").sum()
    direct = saferstats.compare_proportions(ps.pre_count, ps.pre_n, ps.post_count, ps.post_n).iloc[0]
    assert ps.rr == pytest.approx(direct.rr) and ps.test == direct.test
    rates = ba.attrs["detention_rates"]
    assert list(rates.period) == ["pre", "post"] and rates.detentions.sum() == len(recs)


def test_its_on_monthly_counts_of_synthetic_pilot():
    recs = saferstats.synthetic.s136_pilot_records(seed=7)
    m = saferstats.monthly_counts(recs)
    assert len(m) == 36 and m.sum() == len(recs)
    r = saferstats.its_poisson(m.to_numpy(), break_index=24, population=1.1e6, seasonality="fourier")
    assert r.level_rr < 1  # the generator puts a ~20% drop at the pilot


def test_suppress_secondary_not_recoverable_from_margins():
    rng = np.random.default_rng(3)
    t = pd.DataFrame(rng.integers(0, 15, size=(8, 5)), columns=list("abcde"))
    s = saferstats.suppress(t)
    hidden = s[list("abcde")] == "[c]"
    small = (t > 0) & (t < 5)
    assert hidden[small].fillna(False).to_numpy()[small.to_numpy()].all()
    assert not (hidden.sum(axis=1) == 1).any() and not (hidden.sum(axis=0) == 1).any()
    assert {c["rule"] for c in s.attrs["suppression"]} <= {"primary", "secondary"}
    r = saferstats.suppress(t, secondary=False, round_to=5)
    shown = r[list("abcde")].replace("[c]", np.nan).astype(float)
    assert (shown.stack().dropna() % 5 == 0).all()


def test_mha_annual_conversion_rate_example():
    t = saferstats.read_mha_annual(saferstats.datasets.mha_annual_excerpt_path())
    nat = t[(t.organisation_level == "All submissions") & (t.demographic == "All")
            & t.measure.isin(["Short term orders", "Detentions following use of Place of Safety Order"])]
    nat = nat.set_index("subcategory")["count"]
    s2, s3, uses = nat["Section 136 to 2"], nat["Section 136 to 3"], nat["Section 136"]
    assert (s2, s3, uses) == (2485, 240, 16837)
    ci = saferstats.proportion_ci(s2 + s3, uses, multiplier=100).iloc[0]
    assert 15 < ci.value < 17 and ci.lower < ci.value < ci.upper
    assert t.attrs["suppressed"] > 0


# ---------------------------------------------------------------------------- bad input

def test_bad_inputs_named():
    good = _records({"referred": 4})
    bad = good.copy()
    bad.loc[2, "departure_time"] = bad.loc[2, "arrival_time"] - pd.Timedelta(hours=1)
    with pytest.raises(InvalidInputError, match="row 2: departure .* is before"):
        saferstats.s136_summary(bad)
    bad = good.copy()
    bad.loc[1, "departure_time"] = bad.loc[1, "arrival_time"] + pd.Timedelta(days=400)
    with pytest.raises(InvalidInputError, match="longer than a year"):
        saferstats.s136_summary(bad)
    bad = good.astype({"arrival_time": object})
    bad.loc[3, "arrival_time"] = "yesterday-ish"
    with pytest.raises(InvalidInputError, match="column 'arrival_time' row 3: cannot read timestamp"):
        saferstats.s136_summary(bad)
    bad = good.copy()
    bad.loc[0, "outcome"] = "sent home"
    with pytest.raises(InvalidInputError, match=r"unknown categories \['sent home'\]"):
        saferstats.s136_summary(bad)
    ok = saferstats.s136_summary(bad, outcome_labels={"sent home": "nfa"}, disclosure=False)
    assert ok.rates.set_index("measure").loc["nfa", "count"] == 1
    with pytest.raises(InvalidInputError, match="leaves the post period empty"):
        saferstats.before_after(good, split="2030-01-01")
    with pytest.raises(InvalidInputError, match="at least 3 periods on each side"):
        saferstats.its_poisson([3, 4, 5, 6, 7], break_index=3)
    with pytest.raises(InvalidInputError, match="break_index"):
        saferstats.its_poisson([3, 4, 5, 6, 7, 8], break_index=2.5)
    with pytest.raises(InvalidInputError, match="no column"):
        saferstats.s136_summary(good.drop(columns="outcome"))
    with pytest.raises(InvalidInputError, match="empty"):
        saferstats.s136_summary(good.iloc[:0])

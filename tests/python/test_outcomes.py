"""S136 outcomes, before/after, ITS and disclosure: statsmodels/scipy/numpy fixtures, docs/methods/s136.md D
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
    seas = {} if row["seasonality"] is None else dict(seasonality="fourier", season_length=12, harmonics=1)
    r = saferstats.its_poisson(row["counts"], break_index=row["break_index"], population=row["population"],
                               dispersion=row["dispersion"], **seas)
    np.testing.assert_allclose(r.beta, row["beta"], rtol=1e-6)
    np.testing.assert_allclose(r.se, row["se"], rtol=1e-6)
    assert (r.level_lower, r.level_upper) == pytest.approx(tuple(row["level_ci"]), rel=1e-6)
    assert (r.slope_lower, r.slope_upper) == pytest.approx(tuple(row["slope_ci"]), rel=1e-6)
    np.testing.assert_allclose(r.fitted, row["fitted"], rtol=1e-6)
    np.testing.assert_allclose(r.counterfactual, row["counterfactual"], rtol=1e-6)
    assert r.dispersion_ratio == pytest.approx(row["dispersion_ratio"], rel=1e-6)
    t = r.to_pandas()
    assert list(t.columns) == ["period", "observed", "fitted", "counterfactual", "post"]
    assert f"{r.level_rr:.3f} (95% CI {r.level_lower:.3f} to {r.level_upper:.3f})" in repr(r)
    assert r.to_dict()["break_index"] == row["break_index"]


def test_its_parameterisation_is_fixed_at_the_break():
    """since_t = 0 in the first post period: docs/methods/s136.md D3's beta2 = -0.296231 (not -0.262767)."""
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
    # docs/methods/s136.md D3: admission pre 90/250 vs post 41/160
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
    # post / pre: the same as compare_proportions with the later period first
    direct = saferstats.compare_proportions(ps.post_count, ps.post_n, ps.pre_count, ps.pre_n).iloc[0]
    assert ps.rr == pytest.approx(direct.rr) and ps.test == direct.test
    assert ps.rr == pytest.approx((ps.post_count / ps.post_n) / (ps.pre_count / ps.pre_n))
    assert ps["diff"] == pytest.approx(ps.post_count / ps.post_n - ps.pre_count / ps.pre_n)
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
    nat = nat.set_index("subcategory")
    s2, s3, uses = nat.loc["Section 136 to 2", "count"], nat.loc["Section 136 to 3", "count"], nat.loc["Section 136", "count"]
    assert (s2, s3, uses) == (2485, 240, 16837)
    # the conversions are MHSDS counts; the s136 total adds A&E (ECDS) uses: divide by its MHSDS part
    assert nat.loc["Section 136", ["datasource", "mhsds_count", "acute_count"]].tolist() == ["Both", 15212, 1625]
    ci = saferstats.proportion_ci(s2 + s3, nat.loc["Section 136", "mhsds_count"], multiplier=100).iloc[0]
    assert ci.value == pytest.approx(100 * 2725 / 15212) and ci.lower < ci.value < ci.upper
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


# ----------------------------------------------------------------- issue 18 / 16: zero cells, direction, bounds

ZERO = OUT["zero_cells"]["rows"]


@pytest.mark.parametrize("row", ZERO, ids=lambda r: f"{r['x1']}/{r['n1']}-vs-{r['x2']}/{r['n2']}@{r['confidence']}")
def test_zero_cell_risk_ratios_match_r_and_statsmodels(row):
    """Katz = statsmodels Table2x2; a zero cell (0 or 100%) = exact conditional = R poisson.test."""
    r = saferstats.compare_proportions(row["x1"], row["n1"], row["x2"], row["n2"], confidence=row["confidence"]).iloc[0]
    assert r.rr_method == row["method"]
    inf_or_nan = np.nan if row["method"] == "not applicable" else np.inf
    for col, key, missing in (("rr", "rr", inf_or_nan), ("rr_lower", "lower", np.nan), ("rr_upper", "upper", inf_or_nan)):
        want = row[key] if row[key] is not None else missing
        np.testing.assert_allclose(r[col], want, rtol=1e-9, err_msg=col)
    assert r.fisher_p == pytest.approx(row["fisher_p"], rel=1e-9)


def test_issue_18_example_and_derbyshire_find_rates_contain_one():
    """compare_proportions(13, 13, 333, 359) gave 1.047-1.110 beside Fisher p = 0.61; 28/28 and 14/14
    had the same interval. Every one now contains 1, through compare_proportions, outcome_test and
    before_after alike."""
    for hits in (13, 14, 28):
        r = saferstats.compare_proportions(hits, hits, 333, 359).iloc[0]
        assert r.rr_lower < 1 < r.rr_upper and r.rr_method == "exact (zero count)" and r.p_value > 0.2
    # outcome_test: the same table built from search records goes through the same core code
    recs = pd.DataFrame({
        "self_defined_ethnicity": ["Black/African/Caribbean/Black British - African"] * 13
        + ["White - English/Welsh/Scottish/Northern Irish/British"] * 359,
        "officer_defined_ethnicity": ["Black"] * 13 + ["White"] * 359,
        "type": "Person search",
        "outcome": "A no further action disposal",
        "outcome_linked_to_object_of_search": [True] * 13 + [True] * 333 + [False] * 26,
    })
    o = saferstats.outcome_test(recs, outcome="find").set_index("group").loc["Black"]
    assert (o.n, o.hits) == (13, 13)
    assert o.rr_lower < 1 < o.rr_upper and o.rr_method == "exact (zero count)"
    direct = saferstats.compare_proportions(13, 13, 333, 359).iloc[0]
    assert (o.rr_lower, o.rr_upper) == pytest.approx((direct.rr_lower, direct.rr_upper), rel=1e-12)


def test_zero_cell_intervals_never_contradict_fisher():
    """Over every small table with a zero cell, the reported interval contains 1 whenever scipy's
    Fisher p exceeds 1 - confidence (Katz after Haldane's +0.5 fails this 27 times at 95%, the
    MOVER-Wilson interval 79 times: docs/methods/zero_cells.md)."""
    from scipy.stats import fisher_exact

    cases = [(x1, n1, x2, n2) for n1 in (1, 2, 3, 5, 8, 13, 20, 40, 100) for n2 in (1, 3, 5, 10, 30, 100, 400)
             for x1 in sorted({0, 1, n1 - 1, n1, n1 // 2}) for x2 in sorted({0, 1, n2 - 1, n2, n2 // 2})
             if 0 <= x1 <= n1 and 0 <= x2 <= n2 and (x1 in (0, n1) or x2 in (0, n2)) and (x1, x2) != (0, 0)]
    c = np.array(cases, dtype=float)
    fisher = np.array([fisher_exact([[a, n - a], [b, m - b]]).pvalue for a, n, b, m in cases])
    for conf in (0.95, 0.998):
        r = saferstats.compare_proportions(c[:, 0], c[:, 1], c[:, 2], c[:, 3], confidence=conf)
        assert (r.rr_method == "exact (zero count)").all()
        np.testing.assert_allclose(r.fisher_p, fisher, rtol=1e-9)
        inside = (r.rr_lower <= 1) & (1 <= r.rr_upper)
        contradict = (fisher > 1 - conf) & ~inside
        assert not contradict.any(), r[contradict.to_numpy()]
        assert ((r.rr_lower <= r.rr) & (r.rr <= r.rr_upper)).all()


def _run_bounded(code: str, seconds: float = 60, memory_mb: int = 2048):
    """Run ``code`` in a subprocess with a time and address-space cap (the suite cannot hang)."""
    import subprocess
    import sys
    import textwrap

    pre = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({memory_mb} << 20, {memory_mb} << 20))
    """)
    return subprocess.run([sys.executable, "-c", pre + textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=seconds)


@pytest.mark.serial  # wall-clock/memory-capped child: run apart from the parallel pass
def test_fisher_work_is_bounded_for_huge_tables():
    """Issue 16.3: n = 1e8 took 10 s (GIL held) and 4.6e16 never returned."""
    p = _run_bounded("""
        import time, saferstats
        t = time.perf_counter()
        small = saferstats.compare_proportions(1, 5e7, 3, 5e7).iloc[0]     # Fisher reported: walk near the mode
        big = saferstats.compare_proportions(2.5e7, 5e7, 2.4e7, 5e7).iloc[0]  # z reported: Fisher skipped
        many = saferstats.compare_proportions([3e6] * 20000, 1e7, [3.1e6] * 20000, 1e7)
        try:
            saferstats.compare_proportions(1, 4.6e16, 1, 4.6e16)
        except saferstats.InvalidInputError as e:
            msg = str(e)
        print(small.test, round(small.fisher_p, 8), big.test, big.fisher_p, len(many), time.perf_counter() - t, msg)
    """)
    assert p.returncode == 0, p.stderr
    test, fp, big_test, big_fp, n, secs, *msg = p.stdout.split(maxsplit=6)
    # exact: 1 - P(2) = 1 - 0.375 N(N-2) / ((N-1)(N-3)) = 0.6249999925 for N = 1e8
    assert (test, fp, big_test, big_fp, n) == ("fisher", "0.62499999", "z", "nan", "20000")
    assert float(secs) < 20
    assert "`n1`" in msg[0] and "2^53" in msg[0]


def test_before_after_reads_post_over_pre_and_reports_dropped_rows():
    recs = saferstats.synthetic.s136_pilot_records(seed=7)
    recs = recs.astype({"detention_time": object})
    recs.loc[[3, 10, 11], "detention_time"] = None
    with pytest.warns(saferstats.SaferstatsWarning, match=r"3 of \d+ records left out of column 'detention_time'"):
        ba = saferstats.before_after(recs, split="2024-01-01", population=(2.2e6, 1.1e6))
    assert [d["row"] for d in ba.attrs["dropped"]] == [3, 10, 11]
    assert {d["reason"] for d in ba.attrs["dropped"]} == {"missing date"}
    ba = ba.set_index("measure")
    assert (ba.direction == "post / pre").all() and "post / pre" in ba.attrs["direction"]
    rows = ba.loc[ba.pre_count.gt(0) & ba.post_count.gt(0)]
    np.testing.assert_allclose(rows.rr, rows.post_p / rows.pre_p, rtol=1e-12)
    np.testing.assert_allclose(rows["diff"], rows.post_p - rows.pre_p, rtol=1e-12)
    # the detention rate ratio reads post / pre too: a fall is below 1
    rr = ba.attrs["rate_ratio"]
    rates = ba.attrs["detention_rates"].set_index("period")
    assert rr["ratio"] == pytest.approx(rates.loc["post", "rate_per_100k"] / rates.loc["pre", "rate_per_100k"])
    assert rr["direction"] == "post / pre"
    assert "p1" not in ba.columns and {"pre_p", "post_p", "rr_method"} <= set(ba.columns)


def test_monthly_counts_report_what_they_leave_out():
    recs = saferstats.synthetic.s136_pilot_records(seed=1).astype({"detention_time": object})
    recs.loc[0, "detention_time"] = None
    with pytest.warns(saferstats.SaferstatsWarning, match="missing date"):
        m = saferstats.monthly_counts(recs)
    assert m.sum() == len(recs) - 1 and len(m.attrs["dropped"]) == 1
    with pytest.warns(saferstats.SaferstatsWarning, match="before 2022-06"):
        m = saferstats.monthly_counts(recs, start="2022-06")
    reasons = [d["reason"] for d in m.attrs["dropped"]]
    assert m.sum() + len(reasons) == len(recs) and "missing date" in reasons


def test_its_headline_repr_and_html():
    row = OUT["its"]["rows"][0]
    r = saferstats.its_poisson(row["counts"], break_index=24, population=1.1e6, dispersion="quasi",
                               seasonality="fourier", season_length=12, harmonics=1)
    text, html = repr(r), r._repr_html_()
    for part in ("level change at the break (rate ratio, after / before)", "slope change per period",
                 "quasi-Poisson", "fourier(12)", "below 1 = a fall", f"{r.level_rr:.3f}", f"{r.slope_upper:.4f}"):
        assert part in text and part in html.replace("&amp;", "&")
    assert "<table>" in html and "array(" not in text and len(html) < 3000
    assert set(r.effects().columns) >= {"effect", "rr", "lower", "upper", "model"}


def test_its_not_estimable_is_an_error():
    with pytest.raises(InvalidInputError, match="not estimable"):
        saferstats.its_poisson([5, 6, 7, 5, 6, 0, 0, 0, 0], break_index=5)
    with pytest.raises(InvalidInputError, match="not estimable"):
        saferstats.its_poisson([3, 4, 5, 4, 5, 0, 0, 0, 2], break_index=5)


def test_confidence_beyond_the_maximum_is_refused_by_name():
    with pytest.raises(InvalidInputError, match="confidence"):
        saferstats.compare_proportions(14, 250, 3, 160, confidence=0.9999999999999999)


def test_confidence_at_the_maximum_gives_finite_limits():
    c = 0.9999
    r = saferstats.compare_proportions(14, 250, 3, 160, confidence=c).iloc[0]
    assert np.isfinite([r.rr_lower, r.rr_upper, r.diff_lower, r.diff_upper, r.p1_lower, r.p2_upper]).all()
    row = OUT["its"]["rows"][0]
    its = saferstats.its_poisson(row["counts"], break_index=24, population=1.1e6, confidence=c)
    assert np.isfinite([its.level_lower, its.level_upper, its.slope_lower, its.slope_upper]).all()
    ba = saferstats.before_after(saferstats.synthetic.s136_pilot_records(seed=1), split="2024-01-01", confidence=c)
    fin = ba[["rr_lower", "rr_upper", "diff_lower", "diff_upper"]].to_numpy()
    assert np.isfinite(fin[~np.isnan(fin)]).all()


BAD_CONF = ["x", None, [0.95, [0.998]], [0.95, 0.95], float("nan"), float("inf"), -1, 0, 1.0, True, 0.9999999999999999]


@pytest.mark.parametrize("conf", BAD_CONF, ids=repr)
def test_bad_confidence_is_named(conf):
    row = OUT["its"]["rows"][0]
    recs = saferstats.synthetic.s136_pilot_records(seed=1)
    for call in (lambda: saferstats.compare_proportions(1, 2, 1, 2, confidence=conf),
                 lambda: saferstats.its_poisson(row["counts"], break_index=24, confidence=conf),
                 lambda: saferstats.before_after(recs, split="2024-01-01", confidence=conf)):
        with pytest.raises(saferstats.SaferstatsError) as e:
            call()
        assert e.value.argument == "confidence"


def test_confidence_as_phe_gives_it():
    # issue 18.8: percentages and lists of levels, as PHEindicatormethods phe_rate
    one = saferstats.compare_proportions(14, 250, 3, 160, confidence=0.998)
    pct = saferstats.compare_proportions(14, 250, 3, 160, confidence=99.8)
    pd.testing.assert_frame_equal(one, pct)
    both = saferstats.compare_proportions(14, 250, 3, 160, confidence=[95, 99.8])
    assert both["rr_lower_99_8"].iloc[0] == one["rr_lower"].iloc[0]
    assert both["rr_lower_95"].iloc[0] > both["rr_lower_99_8"].iloc[0]
    assert both["confidence"].iloc[0] == "95%, 99.8%"
    recs = saferstats.synthetic.s136_pilot_records(seed=1)
    ba = saferstats.before_after(recs, split="2024-01-01", confidence=[0.95, 0.998])
    assert {"rr_lower_95", "rr_upper_99_8", "pre_lower_95", "post_upper_99_8"} <= set(ba.columns)
    its = saferstats.its_poisson(OUT["its"]["rows"][0]["counts"], break_index=24, population=1.1e6, confidence=95)
    assert its.confidence == 0.95
    with pytest.raises(saferstats.InvalidInputError, match="one level at a time"):
        saferstats.its_poisson(OUT["its"]["rows"][0]["counts"], break_index=24, confidence=[0.95, 0.998])


def test_bad_its_arguments_are_named():
    y = OUT["its"]["rows"][0]["counts"]
    cases = [
        (dict(break_index=10**20), "break_index"), (dict(break_index=40), "break_index"), (dict(break_index=-1), "break_index"),
        (dict(break_index="24"), "break_index"), (dict(break_index=24, seasonality=("fourier", "x")), "seasonality"),
        (dict(break_index=24, seasonality=("fourier", 10**20)), "seasonality"), (dict(break_index=24, seasonality=5), "seasonality"),
        (dict(break_index=24, seasonality=("weekly",)), "seasonality"), (dict(break_index=24, seasonality=("dummies", 3000)), "seasonality"),
        (dict(break_index=24, dispersion=None), "dispersion"), (dict(break_index=24, dispersion="nb"), "dispersion"),
        (dict(break_index=24, population=[1, 2]), "population"),
    ]
    for kw, name in cases:
        with pytest.raises(saferstats.SaferstatsError) as e:
            saferstats.its_poisson(y, **kw)
        assert e.value.argument == name, (kw, e.value)
    with pytest.raises(InvalidInputError, match="missing"):
        saferstats.its_poisson([np.nan] + y[1:], break_index=24)
    with pytest.raises(InvalidInputError, match="2\\^53"):
        saferstats.its_poisson([1e300] * 12, break_index=6)


def test_bad_before_after_arguments_are_named():
    recs = saferstats.synthetic.s136_pilot_records(seed=1)
    for kw, name in [(dict(split="not a date"), "split"), (dict(split=None), "split"), (dict(split=[1, 2]), "split"),
                     (dict(split="2024-01-01", population="5"), "population"),
                     (dict(split="2024-01-01", population=(1, 2, 3)), "population"), (dict(split="2024-01-01", population=0), "population"), (dict(split="2024-01-01", date="nope"), "date")]:
        with pytest.raises(saferstats.SaferstatsError) as e:
            saferstats.before_after(recs, **kw)
        assert e.value.argument == name, (kw, e.value)
    with pytest.raises(InvalidInputError, match="empty"):
        saferstats.before_after(recs.iloc[:0], split="2024-01-01")
    blank = recs.copy()
    blank.loc[5, "outcome"] = None
    with pytest.raises(InvalidInputError, match="blank or missing"):
        saferstats.before_after(blank, split="2024-01-01")
    ok = saferstats.before_after(blank, split="2024-01-01", outcome_labels={"": "unknown"})
    assert len(ok)


def test_compare_proportions_bad_input_is_always_a_named_saferstats_error():
    """Hypothesis: strings, NaN, inf, negatives, x > n, huge n, empty and mismatched arrays give a
    result or a SaferstatsError naming one of x1, n1, x2, n2 — never TypeError/OverflowError/...
    (issue 16.8)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    scalar = st.one_of(st.integers(-5, 10**20), st.floats(allow_nan=True, allow_infinity=True),
                       st.sampled_from(["a", "", "1", None, 1e308, 4.6e16, 2**53, -0.0]))
    arg = st.one_of(scalar, st.lists(scalar, max_size=4))

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(arg, arg, arg, arg)
    def run(x1, n1, x2, n2):
        try:
            out = saferstats.compare_proportions(x1, n1, x2, n2)
        except saferstats.SaferstatsError as e:
            assert e.argument in {"x1", "n1", "x2", "n2"}, e
            return
        ok = out.dropna(subset=["rr"])
        assert ((ok.rr_lower <= ok.rr) & (ok.rr <= ok.rr_upper)).all()

    run()


def test_its_poisson_bad_input_is_always_a_named_saferstats_error():
    """Hypothesis over counts / population / break_index (strings, NaN, inf, negatives, huge,
    empty, mismatched): a fit, or a SaferstatsError naming the argument — never a raw exception."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    value = st.one_of(st.integers(-3, 60), st.floats(allow_nan=True, allow_infinity=True),
                      st.sampled_from(["a", None, 1e300, 2**60]))
    series = st.lists(value, max_size=14)

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(series, st.one_of(st.none(), value, series), st.one_of(st.integers(-2, 20), st.sampled_from([2**70, 3.0, "3", None])))
    def run(counts, population, break_index):
        try:
            r = saferstats.its_poisson(counts, break_index=break_index, population=population)
        except saferstats.SaferstatsError as e:
            assert e.argument in {"counts", "population", "break_index", "seasonality"}, e
            return
        assert 0 < r.level_lower <= r.level_rr <= r.level_upper < np.inf

    run()

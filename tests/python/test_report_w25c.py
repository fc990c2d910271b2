"""Session 19 (w25c): the report as a Police and Crime Panel member and a CSP analyst read it: the
peer table's column against its text, the fly-tipping funnel's caption, the comparison with England
and the trend since a step in a council's count, the year-on-year hate crime change's Poisson
interval, and the console's warnings the report already states."""

from __future__ import annotations

import csv
import math
import warnings

import pandas as pd
import pytest
from scipy import stats

from saferstats.report.sections import _flytipping, _hate_crime
from saferstats.report.summary import _hate_crime as hate_findings

CFG = {"confidence": 0.95, "disclosure_threshold": 5}
HATE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"
DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
MSF = ["Avon and Somerset", "Hampshire", "Leicestershire", "Staffordshire", "Sussex", "Surrey", "Thames Valley"]


def _need(shared_data, rel):
    if not (shared_data / rel).exists():
        pytest.skip(f"{rel} not in ../shared/data")
    return shared_data / rel


@pytest.fixture(scope="module")
def herts_hate(shared_data):
    path = _need(shared_data, HATE)
    cfg = {**CFG, "area": "Hertfordshire"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _hate_crime(cfg, {"file": str(path), "peers": MSF}), cfg


@pytest.fixture(scope="module")
def herts_fly(shared_data):
    path = _need(shared_data, DEFRA)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _flytipping({**CFG, "area": "Hertfordshire"}, {"file": str(path)})


# ----------------------------------------------------------------------------- 1. peer table column

def test_peer_column_says_what_the_text_says_when_the_peers_are_over_dispersed(herts_hate, shared_data):
    """Hertfordshire against its 7 Most Similar Forces, 2018/19: the peer table said "lower" (ratio
    0.91, Poisson 95% CI 0.86 to 0.96) while the text said the peers vary far more than chance
    (dispersion 17.5) so "lower" does not show a difference beyond the usual one. The column now says
    "lower, within the peers' spread": the interval widened by √φ on the log scale includes 1."""
    s, cfg = herts_hate
    with open(shared_data / HATE, newline="", encoding="utf-8-sig") as fh:
        rows = {r["Force"]: r for r in csv.DictReader(fh) if r["Year"] == "2018-19" and r["Population"] != "#N/A"}
    o = {k: float(r["Total number of offences"]) for k, r in rows.items()}
    n = {k: float(r["Population"].replace(",", "")) for k, r in rows.items()}
    go, gn = sum(o[k] for k in MSF), sum(n[k] for k in MSF)
    e = [n[k] * go / gn for k in MSF]
    phi = sum((o[k] - x) ** 2 / x for k, x in zip(MSF, e)) / (len(MSF) - 1)
    ratio = (o["Hertfordshire"] / n["Hertfordshire"]) / (go / gn)
    z = stats.norm.ppf(0.975)
    se = math.sqrt(1 / o["Hertfordshire"] + 1 / go) * math.sqrt(phi)  # quasi-Poisson: × √φ
    lo, hi = ratio * math.exp(-z * se), ratio * math.exp(z * se)
    assert (round(lo, 2), round(hi, 2)) == (0.73, 1.13)
    peers = next(t.frame for t in s.tables if t.name == "hate_crime_peers")
    assert list(peers["compared_with_group"]) == ["lower, within the peers' spread"]
    assert peers.attrs["peer_spread_interval"] == pytest.approx((lo, hi), abs=1e-3)
    assert (f"widened for that spread (by the square root of the dispersion on the log scale, as a quasi-Poisson "
            f"model) it is {lo:.2f} to {hi:.2f} (95%), which includes 1, so the difference is not beyond the usual one "
            "between these forces ('lower, within the peers' spread' in the peer table)") in s.intro
    found = next(f for f in hate_findings(s, cfg) if "peer forces" in f)
    assert "was lower than that of its 7 peer forces together" in found
    assert found.endswith(f"it ranks 8 of 8 (1 = highest rate); allowing for the peers' spread, the ratio's 95% CI "
                          f"is {lo:.2f} to {hi:.2f}")


def test_peer_column_keeps_a_difference_beyond_the_peers_spread():
    """An area far above over-dispersed peers stays "higher" (beyond their spread): the text and the
    finding do not say the difference is the usual one."""
    from saferstats.report.sections import Section
    from saferstats.report.sections import _peer_table
    from saferstats.report.summary import _peers_sentence

    table = pd.DataFrame({"force": ["Kent", "A", "B", "C", "D"], "n": [5000, 1000, 1300, 900, 1150],
                          "pop": [1e6] * 5})
    s = Section("hate_crime", "Hate crime", "", "")
    words = _peer_table(s, {"confidence": 0.95, "area": "Kent"}, ["A", "B", "C", "D"], table, "force", "n", "pop",
                        "2018/19")
    peers = s.tables[-1].frame
    assert peers["compared_with_group"].iloc[0] == "higher, beyond the peers' spread"
    lo, hi = peers.attrs["peer_spread_interval"]
    assert lo > 1
    assert "excludes 1, so Kent's rate is higher than the group's even allowing for the usual differences" in words
    said = _peers_sentence(peers, 0.95)[0]
    assert "was higher than that of its 4 peer forces" in said
    assert f"widened for that spread it is {lo:.2f} to {hi:.2f}, still excluding 1" in said
    assert "does not show a difference beyond" not in said


# ----------------------------------------------------------------------------- 2. funnel caption

def test_county_funnel_caption_says_it_plots_england(herts_fly):
    """Hertfordshire's funnel caption said "Funnel plot of district fly-tipping rates" of a plot of all
    of England's authorities (Hertfordshire's 10 highlighted)."""
    fig = next(f for f in herts_fly.figures if f.name == "flytipping_funnel")
    assert fig.caption.startswith("Funnel plot of England's local authorities' fly-tipping rates, 2021/22 "
                                  "(Hertfordshire's 10 authorities highlighted); 95% / 99.8% limits")
    assert "district fly-tipping" not in fig.caption


# ----------------------------------------------------------------------------- 3. England's comparator

def test_englands_comparator_leaves_out_councils_with_a_step_and_says_how_many():
    """England's trend (the comparator of each council's annual % change) kept councils whose count
    doubled or halved in one year, the step the section calls a possible change in recording for the
    report's own councils. 260 flat councils and 30 that double in 2017/18: England's trend was pulled
    up by the 30; now they are left out, counted in the table and the text."""
    import numpy as np

    import saferstats as ss
    from saferstats.report.sections import _against_england

    years = [f"20{y}/{y + 1}" for y in range(14, 22)]
    rows = []
    for i in range(290):
        for j, y in enumerate(years):
            n = 1000 if i < 260 or j < 3 else 2000  # councils 260-289: 1,000 to 2,000 in 2017/18
            rows.append({"la": f"C{i:03d}", "year": y, "n": n, "population": 1e5})
    d = pd.DataFrame(rows)
    own = d[d["la"] == "C000"].assign(n=[round(1000 * 1.1 ** j) for j in range(len(years))])
    d = pd.concat([own, d[d["la"] != "C000"]], ignore_index=True)
    mine = d[d["la"] == "C000"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tr = ss.poisson_trend(mine, count="n", period="year", by="la")
        table, text = _against_england(d, mine, tr, "la", "year", "n", 0.95)
    row = table.frame.iloc[0]
    assert row["other_councils"] == 259 and row["stepped_councils_left_out"] == 30
    assert row["apc_england"] == pytest.approx(0.0, abs=1e-6)  # the flat councils only (was pulled up by the steps)
    assert row["apc"] == pytest.approx(10.0, abs=0.05) and np.isfinite(row["ratio_england"])
    assert "councils left out for such a step: 30 over 2014/15 to 2021/22)" in text


# ----------------------------------------------------------------------------- 4. trend since the last step

def test_trend_since_a_step_is_from_after_the_last_step(shared_data):
    """Tameside's count went 1,016 to 2,775 (2013/14 to 2014/15) and 1,501 to 3,367 (2018/19 to
    2019/20). The trend "since the step" was from after the larger, 2014/15 to 2021/22, across the
    later step; it is now from 2019/20, after the last, and the text names both steps."""
    import numpy as np
    import statsmodels.api as sm

    from saferstats.report.summary import _flytipping as fly_findings

    path = _need(shared_data, DEFRA)
    raw = pd.read_excel(path, sheet_name="LA_incidents", header=2)
    raw = raw[raw["LA Name"].astype(str).str.strip() == "Tameside"].sort_values("Year")
    counts = dict(zip(raw["Year"].astype(str).str.strip(), pd.to_numeric(raw["Total Incidents"])))
    assert [counts[y] for y in ("2013-14", "2014-15", "2018-19", "2019-20")] == [1016, 2775, 1501, 3367]
    since = [float(counts[y]) for y in ("2019-20", "2020-21", "2021-22")]
    x = sm.add_constant(np.arange(3, dtype=float))
    fit = sm.GLM(np.asarray(since), x, family=sm.families.Poisson()).fit(scale="X2")
    q = stats.t.ppf(0.975, 1)
    b, se = fit.params[1], fit.bse[1]
    cfg = {**CFG, "area": "Tameside"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _flytipping(cfg, {"file": str(path)})
    t = next(t.frame for t in s.tables if t.name == "flytipping_trend_since_step").iloc[0]
    assert (t["period_from"], t["period_to"], t["n_periods"]) == ("2019/20", "2021/22", 3)
    assert t["apc"] == pytest.approx(100 * (math.exp(b) - 1), abs=0.006)
    assert t["apc_lower"] == pytest.approx(100 * (math.exp(b - q * se) - 1), abs=0.006)
    assert ("Tameside (2013/14 to 2014/15: 1,016 to 2,775; 2018/19 to 2019/20: 1,501 to 3,367)" in s.intro
            and "Tameside has more than one such step: the trend since the step is from the year after the last, so "
                "it crosses none." in s.intro)
    eng = next(t.frame for t in s.tables if t.name == "flytipping_trend_england").iloc[0]
    assert (eng["period_from"], eng["n_periods"]) == ("2019/20", 3)
    found = next(f for f in fly_findings(s, cfg) if f.startswith("Fly-tipping in Tameside went from"))
    assert found.startswith("Fly-tipping in Tameside went from 1,501 to 3,367 incidents in one year (2018/19 to "
                            "2019/20), the last of 2 such steps (also 2013/14 to 2014/15: 1,016 to 2,775), possibly a "
                            "change in recording")
    assert "Since the last step, fly-tipping in Tameside, 2019/20 to 2021/22:" in found


# ----------------------------------------------------------------------------- 5. Poisson-only year on year

def test_year_on_year_change_called_significant_says_its_interval_is_poisson_only(herts_hate, shared_data):
    """Hertfordshire's hate crime, 1,468 to 1,600: "a statistically significant rise" (95% CI +1.5% to
    +17%) on a Poisson interval, while forces' counts are over-dispersed. The finding now says so and
    the over-dispersion at which the rise would not be significant: (z / 1.96)² = 1.5; the by-force
    finding says how many of the changes it calls significant would not be at twice chance's variation."""
    s, cfg = herts_hate
    z = stats.norm.ppf(0.975)
    with open(shared_data / HATE, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    offences: dict[str, dict[str, float]] = {}
    for r in rows:
        offences.setdefault(r["Force"], {})[r["Year"]] = float(r["Total number of offences"].replace(",", ""))
    a, b = offences["Hertfordshire"]["2017-18"], offences["Hertfordshire"]["2018-19"]
    phi = (math.log(b / a) / math.sqrt(1 / a + 1 / b) / z) ** 2
    assert round(phi, 1) == 1.5
    found = hate_findings(s, cfg)
    assert found[0].startswith("Police-recorded hate crime in Hertfordshire (1,468 to 1,600 offences) between 2017/18 "
                               "and 2018/19 rose 9% (95% CI +1.5% to +17%), a statistically significant rise; 135.1 "
                               "offences per 100,000 residents in 2018/19.")
    assert found[0].endswith(" Its interval allows for chance only (Poisson); police-recorded counts often vary more "
                             f"than that from year to year, and with {phi:.1f} times chance's variation (over-dispersion "
                             f"{phi:.1f}) the rise would not be statistically significant.")
    zs = {k: math.log(v["2018-19"] / v["2017-18"]) / math.sqrt(1 / v["2017-18"] + 1 / v["2018-19"])
          for k, v in offences.items() if min(v.values()) >= 20}
    called = {k: x for k, x in zs.items() if abs(x) > z}
    fragile = sum((x / z) ** 2 < 2 for x in called.values())
    assert (len(called), fragile) == (31, 5)
    by_force = next(f for f in found if f.startswith("By force"))
    assert by_force.endswith(f"The intervals allow for chance (Poisson) variation only; police-recorded counts often "
                             f"vary more than that from year to year, and {fragile} of these {len(called)} statistically "
                             "significant changes would not be if the counts varied twice as much as chance alone "
                             "would make them (an over-dispersion of 2).")
    assert "The change's interval and p-value treat the two counts as Poisson (chance variation only)" in s.intro


def test_a_change_not_called_significant_has_no_poisson_caveat():
    from saferstats.report.sections import Section, Table
    from saferstats.report.summary import executive_summary

    ch = pd.DataFrame({"force": ["Kent"], "period_from": ["2017/18"], "period_to": ["2018/19"], "count_from": [2900],
                       "count_to": [3000], "pct_change": [3.45], "pct_lower": [-1.6], "pct_upper": [8.8],
                       "p_value": [0.2]})
    sec = Section("hate_crime", "Hate crime", "", "", tables=[Table("hate_crime_change", "", ch)])
    found = executive_summary([sec], {"area": "Kent", "confidence": 0.95}).findings["hate_crime"]
    assert found[0].endswith("no statistically significant change.")
    assert not any("Poisson" in f for f in found)


# ----------------------------------------------------------------------------- 6. console: what the report says

SEVEN = "stop_search/policeuk_7forces_2019-12_to_2020-02"
MHA = "s136_mental_health/nhs_mha_annual_2023_24/mha_annual_suppressed_2023_24 (version 1).xlsx"


def _recorded(build, *args):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = build(*args)
    return out, [str(w.message) for w in seen]


def test_stop_search_warnings_the_section_states_are_not_repeated_on_the_console(shared_data):
    """The Hertfordshire example printed the not-stated warning (City of London 34%, South Yorkshire
    24%) and the two find-rate cautions (Derbyshire's finds ending in no further action; the blank
    outcome-linked flag in Durham, Leicestershire, Merseyside) that the section's text states. The
    console keeps only the advice the report does not give (ethnicity_source)."""
    from saferstats.report.sections import _stop_search

    folder = _need(shared_data, SEVEN)
    s, said = _recorded(_stop_search, {**CFG, "area": "Hertfordshire"},
                        {"files": [str(folder)], "by": ["force"], "census": "auto"})
    assert ("Ethnicity was not stated for 34% of searches in the City of London; 24% of searches in South Yorkshire"
            in s.intro)
    assert "Caution: most searches recorded as 'outcome linked to the object of the search' ended in no further " \
           "action (Derbyshire: 286 of 388)" in s.intro
    assert "Caution: the 'outcome linked to the object of the search' flag is blank for many searches (Durham: 89 of " \
           "413 (22%)" in s.intro
    assert not [m for m in said if m.startswith("disproportionality: ethnicity is not stated")]
    # (session 22, w32c: outcome_test's own not-stated warning gives what the text does not, so it stays on the
    # console; session 23, w33c: and Essex, under a fifth (11%). Session 24, w35a: in the report's words, with no
    # rate: the stated searches' rate, 32.1% in the City of London, gives back counts the report suppresses)
    assert not [m for m in said if m.startswith("outcome_test(outcome='find'): ethnicity is not stated")]
    (finds,) = [m for m in said if m.startswith("stop and search (find rates): ethnicity is not stated")]
    assert finds.startswith("stop and search (find rates): ethnicity is not stated for a fifth or more of the searches "
                            "in the City of London (their find rate differs), South Yorkshire; fewer than a fifth, but "
                            "their find rate differs from the stated searches' beyond chance, in Essex: ")
    assert "%" not in finds
    assert [m for m in said if m.startswith("stop and search: the report counts only the searches with a stated "
                                            "ethnicity")] == [
        "stop and search: the report counts only the searches with a stated ethnicity, and says where a fifth or more "
        "have none; ethnicity_source='self_then_officer' counts those by the officer-defined ethnicity instead (not "
        "the Home Office's measure: say so)"]


def test_a_not_stated_warning_the_text_does_not_cover_is_kept():
    from saferstats.report.sections import _quiet_said_not_stated

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        warnings.warn("disproportionality: ethnicity is not stated for a fifth or more of the searches in A (50% of "
                      "100); B (30% of 100)")
    disp = pd.DataFrame({"group": ["White"]})
    disp.attrs["not_stated_by"] = {"a": (50, 100), "b": (30, 100)}
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        _quiet_said_not_stated(list(seen), disp, {"a"}, "self")  # B not said
    # kept, in the report's words: the forces without their counts (w36a), and the advice
    assert [str(w.message)[:95] for w in again] == [
        "stop and search: ethnicity is not stated for a fifth or more of the searches in a, b: the rates",
        "stop and search: the report counts only the searches with a stated ethnicity, and says where a "]
    assert "100" not in " ".join(str(w.message) for w in again)
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        _quiet_said_not_stated(list(seen), disp, {"a", "b"}, "self")
    assert [str(w.message)[:39] for w in again] == ["stop and search: the report counts only"]


def test_mha_label_slips_in_rows_the_report_does_not_use_are_said_not_warned(shared_data):
    """NHS England's 2023-24 file: a national row at organisation level 'h' (All detentions) and 34
    rows in 9 sets repeating another's labels (People subject to repeat detentions). The report uses
    neither; the console printed both warnings every run. The section says so; the console does not."""
    from saferstats.report.sections import _s136_mha

    path = _need(shared_data, MHA)
    (tables, words, year), said = _recorded(_s136_mha, {**CFG, "area": "Hertfordshire"}, str(path))
    assert year == "2023/24"
    assert (" The published file also has label slips in rows this report does not use (1 national row with "
            "organisation level 'h': All detentions; 34 rows in 9 sets carrying the same labels as another row: People "
            "subject to repeat detentions; 189 rows whose breakdown is no label of their demographic: All detentions, "
            "Discharges from CTO, People detained in hospital on 31st March, People subject to repeat detentions; "
            # session 35: the 21 zero-valued totals of repeat detentions (test_mha_z4), in the same sentence
            "21 rows labelled as a demographic's total holding less than one of its groups: People subject to repeat "
            "detentions), so the figures here are not affected.") in words
    assert not [m for m in said if m.startswith("read_mha_annual: ")]

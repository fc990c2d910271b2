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

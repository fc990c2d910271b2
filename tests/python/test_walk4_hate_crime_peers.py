"""Walk-through 4: the Police and Crime Plan benchmarks Hertfordshire against its Most Similar
Forces (Avon and Somerset, Hampshire, Leicestershire, Staffordshire, Sussex, Surrey, Thames Valley);
the report compared it with all 42 forces only. ``[hate_crime] peers = [...]`` now adds the area
against its peer group (saferstats.peer_compare), checked here by hand from the published CSV."""

import csv
import math

import pytest
from scipy import stats

from saferstats.report import ConfigError, validate_config
from saferstats.report.sections import _hate_crime
from saferstats.report.summary import _hate_crime as findings

TABLE = "hate_crime/home_office_by_force_2017-18_2018-19/Hate crime.csv"
MSF = ["Avon and Somerset", "Hampshire", "Leicestershire", "Staffordshire", "Sussex", "Surrey", "Thames Valley"]


def test_area_against_its_most_similar_forces(shared_data):
    with open(shared_data / TABLE, newline="", encoding="utf-8-sig") as fh:
        rows = {r["Force"]: r for r in csv.DictReader(fh) if r["Year"] == "2018-19" and r["Population"] != "#N/A"}
    o = {k: float(r["Total number of offences"]) for k, r in rows.items()}
    n = {k: float(r["Population"].replace(",", "")) for k, r in rows.items()}
    own = o["Hertfordshire"] / n["Hertfordshire"] * 1e5
    go, gn = sum(o[k] for k in MSF), sum(n[k] for k in MSF)
    group = go / gn * 1e5
    z = stats.norm.ppf(0.975)
    se = math.sqrt(1 / o["Hertfordshire"] + 1 / go)
    lo, hi = own / group * math.exp(-z * se), own / group * math.exp(z * se)
    rank = 1 + sum(o[k] / n[k] * 1e5 > own for k in MSF)
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
    s = _hate_crime(cfg, {"file": str(shared_data / TABLE), "peers": MSF})
    p = next(t.frame for t in s.tables if t.name == "hate_crime_peers").iloc[0]
    assert p["force"] == "Hertfordshire" and int(p["n_peers"]) == 7 and (int(p["rank"]), int(p["of"])) == (rank, 8)
    assert math.isclose(p["rate"], own, abs_tol=5e-4) and math.isclose(p["group_rate"], group, abs_tol=5e-4)
    assert math.isclose(p["ratio_to_group"], own / group, abs_tol=5e-4)
    assert math.isclose(p["ratio_to_group_lower"], lo, abs_tol=5e-4) and math.isclose(p["ratio_to_group_upper"], hi, abs_tol=5e-4)
    # (session 19, w25c: the peers are over-dispersed (17.5), and the interval widened for it includes 1)
    assert hi < 1 and p["compared_with_group"] == "lower, within the peers' spread"
    text = " ".join(findings(s, cfg))
    # (session 18, w23a: the peers' rates vary far more than chance allows, so not "statistically significantly
    # lower": the Poisson interval is said to allow for chance only)
    assert (f"Hertfordshire's hate crime rate in 2018/19 ({own:.1f} per 100,000) was lower "
            f"than that of its 7 peer forces together ({group:.1f}; ratio {own / group:.2f}") in text


def test_misspelt_peer_is_named(shared_data, tmp_path):
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
    with pytest.raises(ConfigError, match="Thames Vally") as e:
        _hate_crime(cfg, {"file": str(shared_data / TABLE), "peers": ["Surrey", "Thames Vally"]})
    assert e.value.argument == "hate_crime.peers"
    f = tmp_path / "hc.csv"
    f.write_text("x\n")
    checked = validate_config({"area": "Hertfordshire", "hate_crime": {"file": str(f), "peers": MSF}})
    assert checked["hate_crime"]["peers"] == MSF

"""Section 136 / use of force follow-ups of session 26 (w40d).

The Home Office use-of-force table by perceived health condition, 2019/20
(shared/data/s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv):
the forces flagged ``comparable`` False named by the funnels, the flagging thresholds as keyword
arguments, and Derbyshire's ``*Total Not reported`` row (42 of 42 tactics under "Physical and mental").

Every expected figure is from the raw file with pandas.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from conftest import shared_path
import saferstats

UOF = "s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv"
FLAGGED = ["Avon & Somerset", "Cleveland", "North Wales", "Warwickshire", "West Mercia", "Wiltshire"]


@pytest.fixture
def uof(shared_data):
    path = shared_path(shared_data, UOF)
    raw = pd.read_csv(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_use_of_force(path)
    return path, raw, t


def _caught(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [str(w.message) for w in seen]


def _pooled(raw: pd.DataFrame, leave_out: list[str]) -> tuple[float, float]:
    """Σ (Mental + Physical and mental) and Σ (tactics − Not reported) over the forces' *Total Tactics rows."""
    a = raw[(raw["Tactic"] == "*Total Tactics") & (raw["Police Force"] != "Total England and Wales")]
    a = a[~a["Police Force"].isin(leave_out)]
    return float((a["Mental"] + a["Physical and mental"]).sum()), float(
        (a["Number of times tactic reported"] - a["Not reported"]).sum())


@pytest.mark.parametrize("fn", ["funnel_target", "funnel_significance", "funnel_overdispersion"])
def test_funnels_name_the_forces_not_recorded_like_for_like(uof, fn):
    _, raw, t = uof
    assert sorted(t.loc[~t["comparable"], "force"].unique()) == FLAGGED
    # every force, the flagged ones too (not Wiltshire: the condition reported for none of its tactics, a
    # denominator 0, which the limits refuse)
    forces = t[(t["row_type"] == "all tactics") & (t["condition_reported"] > 0)]
    kw = {"overdispersion": True} if fn == "funnel_significance" else {}
    out, said = _caught(getattr(saferstats, fn), "mental_health", "condition_reported", data=forces,
                        kind="proportion", **kw)
    msg = [m for m in said if "not recorded like for like" in m]
    assert len(msg) == 1, said
    assert f"{fn}: 5 point(s) not recorded like for like" in msg[0]
    assert ": " + ", ".join(FLAGGED[:-1]) + "." in msg[0]
    assert "leave them out (data[data['comparable']])" in msg[0]
    x_all, n_all = _pooled(raw, [])
    x_ok, n_ok = _pooled(raw, FLAGGED)
    assert (x_all, n_all, x_ok, n_ok) == (109517, 686436, 104131, 657348)
    assert (f"With them the pooled share is {x_all:,.0f} of {n_all:,.0f}, {100 * x_all / n_all:.1f}%; without them "
            f"{x_ok:,.0f} of {n_ok:,.0f}, {100 * x_ok / n_ok:.1f}% (37 points, 5 left out)") in msg[0]
    if fn == "funnel_target":
        assert out == pytest.approx(100 * x_all / n_all, rel=1e-12)  # nothing left out silently: said
    else:
        assert [r["name"] for r in out.attrs["not_like_for_like"]] == FLAGGED[:-1]

    # the target left for the comparable forces, as the warning says: their pooled share from the file
    ok = forces[forces["comparable"]]
    target, said = _caught(saferstats.funnel_target, "mental_health", "condition_reported", data=ok, kind="proportion")
    assert target == pytest.approx(100 * x_ok / n_ok, rel=1e-12)
    assert not [m for m in said if "like for like" in m]


def test_the_whole_table_names_each_flagged_force_once(uof):
    _, raw, t = uof
    _, said = _caught(saferstats.funnel_target, "mental_health", "condition_reported", data=t, kind="proportion")
    msg = next(m for m in said if "not recorded like for like" in m)
    used = t[["mental_health", "condition_reported"]].notna().all(axis=1)
    n = int((~t["comparable"] & used).sum())
    flagged = raw[raw["Police Force"].isin(FLAGGED)]
    counted = ["Mental", "Physical and mental", "Number of times tactic reported", "Not reported"]
    assert n == int(flagged[counted].notna().all(axis=1).sum()) == 211
    assert f"{n} point(s) not recorded like for like" in msg and f"({n} points under 6 names)" in msg
    assert ": " + ", ".join(FLAGGED) + " (" in msg
    assert any("43 area(s) are more than one point" in m for m in said)  # the nested rows, as before


def test_flytipping_message_keeps_its_filter():
    df = pd.DataFrame({"la_name": ["A", "B", "C"], "incidents": [10, 20, 30], "population": [1000, 2000, 3000],
                       "not_all_incidents": [True, False, False], "recording_step": [False, False, False]})
    _, said = _caught(saferstats.funnel_target, "incidents", "population", data=df, kind="rate", multiplier=1000)
    msg = next(m for m in said if "not counted on Defra's" in m)
    assert "leave them out (data[~data['not_all_incidents']])" in msg and "pooled share" not in msg

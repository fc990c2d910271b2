"""Walk-through 8 (session 13): suppress on tables as an analyst (or NHS England) lays them out.

- A confidence interval written as text ("0.2 - 3.5", NHS England's ``Confidence_interval``,
  "95% CI") was an "other" column, never blanked: the exact interval of a hidden count names it
  (checked against scipy's exact Poisson limits, tests/fixtures/walk8_s136_disclosure/generate.py).
- NHS England's own column names (``Total_Count, CrudeRate, StdRate``) made the rates counts, so
  rates were primary-suppressed as if small counts and put into the count totals.
- A missing count (NHS's '*', read as NaN) was left out of every total without a word, so a
  published total that includes it gave it back (ICB Lincolnshire, "Other Ethnic Groups",
  all detentions 2023-24: the only hidden cell of its row).
"""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.disclosure import column_roles

FIX = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "walk8_s136_disclosure"
                  / "exact_poisson_limits.json").read_text())
MHA = pathlib.Path("s136_mental_health") / "nhs_mha_annual_2023_24" / "DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


def _ci_text(lo: float, hi: float) -> str:
    return f"{lo:.2f} - {hi:.2f}"


def test_text_interval_of_hidden_count_is_blanked() -> None:
    pop = FIX["population"]
    counts = [3, 40, 25, 52]
    r = saferstats.rate_ci(counts, [pop] * 4)
    table = pd.DataFrame({"district": ["A", "B", "C", "D"], "detentions": counts, "population": pop,
                          "95% CI": [_ci_text(lo, hi) for lo, hi in zip(r["lower"], r["upper"])]})
    # the interval names its count: exactly one count's exact Poisson limits (scipy) print as row A's
    ref = {k["count"]: _ci_text(k["lower"], k["upper"]) for k in FIX["exact_poisson_95"]}
    assert [k for k, text in ref.items() if text == table.loc[0, "95% CI"]] == [3]
    assert column_roles(table)["derived"] == ["95% CI"]
    out = saferstats.suppress(table, keys=["district"])
    hidden = out["detentions"].astype(str) == "[c]"
    assert hidden[0]
    assert (out.loc[hidden, "95% CI"] == "[c]").all()
    assert (out.loc[~hidden, "95% CI"] == table.loc[~hidden, "95% CI"]).all()


def test_estimate_with_interval_text_and_labels_that_look_like_ranges() -> None:
    t = pd.DataFrame({"month": ["2019-12", "2020-01", "2020-02"], "age": ["18 to 34", "35 to 49", "50 to 64"],
                      "count": [3, 40, 25], "rate (95% CI)": ["1.2 (0.2–3.5)", "16.0 (11.4–21.8)", "10.0 (6.5–14.8)"]})
    roles = column_roles(t)
    assert roles["derived"] == ["rate (95% CI)"]
    assert {"month", "age"} <= set(roles["other"])  # months and age bands stay labels


def test_nhs_column_names(shared_data: pathlib.Path) -> None:
    raw = pd.read_csv(shared_data / MHA)
    eth = raw[(raw["Measure"] == "Short term orders") & (raw["measureSubcategory"] == "Section 136")
              & (raw["Demographic"] == "Ethnicity") & (raw["OrgName"] == "All providers")
              & ~raw["DemographicBreakdown"].isin(["All", "Unknown", "Not Known", "Not Stated", "White", "Mixed",
                                                   "Asian or Asian British", "Black or Black British",
                                                   "Other Ethnic Groups"])]
    table = eth[["DemographicBreakdown", "Total_Count", "CrudeRate", "StdRate", "Confidence_interval"]].copy()
    table["Total_Count"] = pd.to_numeric(table["Total_Count"])
    roles = column_roles(table)
    assert roles["counts"] == ["Total_Count"]
    assert roles["derived"] == ["CrudeRate", "StdRate", "Confidence_interval"]
    # the 16 detailed groups as published; a threshold of 100 hides the five below it (Chinese 38, ...)
    small = table.loc[table["Total_Count"] < 100, "DemographicBreakdown"].tolist()
    assert sorted(small) == ["Bangladeshi", "Chinese", "Irish", "White and Asian", "White and Black African"]
    out = saferstats.suppress(table, threshold=100, keys=["DemographicBreakdown"], totals={})
    hid = out["Total_Count"].astype(str) == "[c]"
    assert set(out.loc[hid, "DemographicBreakdown"]) >= set(small)
    for c in ("CrudeRate", "StdRate", "Confidence_interval"):
        assert (out.loc[hid, c].astype(str) == "[c]").all(), c
        assert (out.loc[~hid, c].astype(str) != "[c]").all(), c


def _icb_ethnicity(shared_data: pathlib.Path) -> tuple[pd.DataFrame, pd.Series]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_mha_annual(shared_data / MHA)
    sel = (t.measure == "All detentions") & (t.subcategory == "All") & (t.organisation_level == "ICB")
    x = t[sel & (t.demographic == "Ethnicity")][["org_name", "breakdown", "count"]].reset_index(drop=True)
    totals = t[sel & (t.demographic == "All")].set_index("org_name")["count"]
    return x, totals


def test_missing_counts_are_named(shared_data: pathlib.Path) -> None:
    x, totals = _icb_ethnicity(shared_data)
    gone = x[x["count"].isna()]
    assert len(gone) == 10
    # the hole is real: Lincolnshire's published total less its published groups (counts rounded to 5 at source)
    lin = "NHS LINCOLNSHIRE INTEGRATED CARE BOARD"
    assert x[(x.org_name == lin)]["count"].isna().sum() == 1
    assert totals[lin] - x[(x.org_name == lin)]["count"].sum() <= 10
    with pytest.warns(saferstats.SaferstatsWarning, match=r"10 counts are missing"):
        out = saferstats.suppress(x, keys=["org_name", "breakdown"], totals={})
    assert [(a["row"], a["column"]) for a in out.attrs["missing_counts"]] == [(i, "count") for i in gone.index]


def test_missing_counts_protected_when_given_a_small_value(shared_data: pathlib.Path) -> None:
    opt = pytest.importorskip("scipy.optimize")
    x, _ = _icb_ethnicity(shared_data)
    gone = x["count"].isna().to_numpy()
    filled = x.assign(count=x["count"].fillna(1))
    out = saferstats.suppress(filled, keys=["org_name", "breakdown"], totals={}, marker=None)
    hidden = out["count"].isna().to_numpy()
    assert hidden[gone].all()
    # attacker: row (ICB) and column (ethnic group) totals published, hidden cells >= 0; each
    # source-hidden cell must not be pinned (linear programming, scipy)
    cells = np.flatnonzero(hidden)
    pos = {c: j for j, c in enumerate(cells)}
    rows, rhs = [], []
    for key in ("org_name", "breakdown"):
        for _, g in x.groupby(key):
            idx = [i for i in g.index if hidden[i]]
            if not idx:
                continue
            a = np.zeros(len(cells))
            a[[pos[i] for i in idx]] = 1
            rows.append(a)
            rhs.append(filled.loc[g.index, "count"].sum() - filled.loc[[i for i in g.index if not hidden[i]], "count"].sum())
    a_eq, b_eq = np.array(rows), np.array(rhs)
    for i in np.flatnonzero(gone):
        c = np.zeros(len(cells))
        c[pos[i]] = 1
        lo = opt.linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
        hi = -opt.linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None)).fun
        assert hi - lo > 1, (x.loc[i, "org_name"], x.loc[i, "breakdown"], lo, hi)


def _before_after_attack(pub: pd.DataFrame, period: str) -> dict[tuple[str, str], tuple[float, float]]:
    """The attacker of a published before/after table, one period: outcome rows sum to the
    period's n, place rows to theirs, conversion = s2 + s3, admission = informal + s2 + s3, the rate
    row nfa = the outcome nfa, published percentages give counts; integer linear programming
    (scipy) bounds each hidden outcome / place count."""
    opt = pytest.importorskip("scipy.optimize")
    oc, pl = ["informal", "s2", "s3", "referred", "nfa"], ["health_based", "a_and_e", "police_station", "other"]
    var = {("outcome", m): j for j, m in enumerate(oc)} | {("place_of_safety", m): 5 + j for j, m in enumerate(pl)}
    rows, rhs = [], []

    def eq(cells: list[tuple[str, str]], value: float) -> None:
        a = np.zeros(len(var))
        for c in cells:
            a[var[c]] += 1
        rows.append(a)
        rhs.append(value)

    parts = {"conversion": ["s2", "s3"], "admission": ["informal", "s2", "s3"], "nfa": ["nfa"]}
    for r in pub.itertuples(index=False):
        d = r._asdict()
        cells = [("outcome", p) for p in parts[r.measure]] if r.kind == "rate" else [(r.kind, r.measure)]
        count, n, p = d[f"{period}_count"], d[f"{period}_n"], d[f"{period}_p"]
        if not pd.isna(count):
            eq(cells, float(count))
        elif not pd.isna(p):
            eq(cells, round(float(p) * float(n)))
    for kind, names in (("outcome", oc), ("place_of_safety", pl)):
        n = pub.loc[pub["kind"] == kind, f"{period}_n"].iloc[0]
        eq([(kind, m) for m in names], float(n))
    a, b = np.array(rows), np.array(rhs)
    out = {}
    for key, j in var.items():
        c = np.zeros(len(var))
        c[j] = 1
        bounds = []
        for sign in (1, -1):
            res = opt.milp(sign * c, constraints=[opt.LinearConstraint(a, b, b)], integrality=np.ones(len(var)),
                           bounds=opt.Bounds(0, np.inf))
            bounds.append(sign * res.fun)
        out[key] = (bounds[0], bounds[1])
    return out


@pytest.mark.parametrize("seed,split", [(2, "2024-11-01"), (1, "2024-10-01"), (4, "2024-12-01")])
def test_before_after_small_counts_not_recoverable(seed: int, split: str) -> None:
    recs = saferstats.synthetic.s136_pilot_records(seed=seed)
    ba = saferstats.before_after(recs, split=split)
    with warnings.catch_warnings():
        warnings.simplefilter("error", saferstats.SaferstatsWarning)  # nothing left "unprotectable"
        pub = saferstats.suppress(ba, marker=None)
    assert pub.attrs["unprotected"] == []
    small = [(r.kind, r.measure) for r in ba.itertuples() if r.kind != "rate" and 0 < r.post_count < 5]
    assert small
    bounds = _before_after_attack(pub, "post")
    for key in small:
        lo, hi = bounds[key]
        assert hi > lo, (key, lo, hi)  # not worked back


def test_before_after_seed2_nfa_was_given_back() -> None:
    # the case found: post period (Nov-Dec 2024) n = 36 with informal 10, s2 12, s3 0, referred 12
    # published: 36 - 34 gave the hidden NFA count 2
    ba = saferstats.before_after(saferstats.synthetic.s136_pilot_records(seed=2), split="2024-11-01")
    post = ba[ba["kind"] == "outcome"].set_index("measure")["post_count"]
    assert post.to_dict() == {"informal": 10, "s2": 12, "s3": 0, "referred": 12, "nfa": 2}
    pub = saferstats.suppress(ba, marker=None)
    shown = pub[pub["kind"] == "outcome"].set_index("measure")["post_count"]
    assert shown[["nfa"]].isna().all() and shown.isna().sum() >= 2

"""Section 136 / mental-health follow-ups of session 25 (w38d).

The Home Office use-of-force table by perceived health condition, 2019/20
(shared/data/s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv):
which forces recorded the condition otherwise (Avon & Somerset and North Wales: no physical health
condition in any tactic) and which are outliers to leave to the funnel (Derbyshire, 64.8%); the
funnel's target as the comparable forces' pooled share, not the England and Wales row; one force
against the national total that contains it (``compare_proportions(subtract=True)``); and NHS
England's MHA annual file, whose organisations' counts are rounded to 5 beside exact totals.

Every expected figure is from the raw files with pandas, scipy or statsmodels run live.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from conftest import shared_path
import saferstats

UOF = "s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv"
MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


@pytest.fixture
def uof(shared_data):
    path = shared_path(shared_data, UOF)
    raw = pd.read_csv(path)
    a = raw[raw["Tactic"] == "*Total Tactics"].set_index("Police Force")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        t = saferstats.read_use_of_force(path)
    return t, a, [str(w.message) for w in seen]


def _forces(a: pd.DataFrame) -> pd.DataFrame:
    """The forces' *Total Tactics rows with the raw file's columns, and the condition reported."""
    f = a.drop("Total England and Wales").copy()
    f["reported"] = f["Number of times tactic reported"] - f["Not reported"]
    return f


def _expected_flags(f: pd.DataFrame) -> set[str]:
    """The rule of the docstring, applied to the raw file: no condition reported, a fifth or more not
    reported, or a kind of condition 0 for every tactic where the other forces' pooled share gives 10+."""
    kinds = {"none": ["None"], "physical": ["Physical", "Physical and mental"],
             "mental": ["Mental", "Physical and mental"]}
    out = set()
    for force, r in f.iterrows():
        if r["reported"] == 0 or r["Not reported"] >= 0.2 * r["Number of times tactic reported"]:
            out.add(force)
            continue
        others = f.drop(force)
        for cols in kinds.values():
            rate = others[cols].sum().sum() / others["reported"].sum()
            if r[cols].sum() == 0 and rate * r["reported"] >= 10:
                out.add(force)
    return out


def test_a_kind_of_condition_never_recorded_flags_the_force(uof):
    t, a, said = uof
    f = _forces(a)
    expected = _expected_flags(f)
    assert expected == {"Avon & Somerset", "North Wales", "Cleveland", "Warwickshire", "West Mercia", "Wiltshire"}
    assert set(t.loc[~t["comparable"], "force"]) == expected
    # Avon & Somerset and North Wales: Physical and Physical and mental 0 in every row of the file
    for force in ("Avon & Somerset", "North Wales"):
        rows = t[t["force"] == force]
        assert rows[["physical", "physical_and_mental"]].fillna(0).eq(0).all().all()
    notes = t[t["row_type"] == "all tactics"].set_index("force")["recording_note"]
    others = f.drop("Avon & Somerset")
    due = (others[["Physical", "Physical and mental"]].sum().sum() / others["reported"].sum()
           * f.loc["Avon & Somerset", "reported"])
    assert round(due) == 239
    assert ("no physical health condition recorded ('Physical' and 'Physical and mental' are 0 of 21,093, "
            f"where the other forces' share, {100 * due / 21093:.1f}%, gives {due:,.0f})") in notes["Avon & Somerset"]
    assert "0 of 2,361" in notes["North Wales"] and "its mental_health is not counted as the others' is" in notes[
        "North Wales"]
    # Derbyshire: far from the others, every category in use: left to the funnel
    d = f.loc["Derbyshire"]
    assert round(100 * (d["Mental"] + d["Physical and mental"]) / d["reported"], 1) == 64.8
    assert (d[["Mental", "Physical", "Physical and mental", "None"]] > 0).all() and d["Not reported"] == 0
    assert notes["Derbyshire"] == "" and t.loc[t["force"] == "Derbyshire", "comparable"].all()
    msg = next(m for m in said if "not recorded like for like" in m)
    assert "6 of 43 forces" in msg and "Avon & Somerset (no physical health condition recorded" in msg


def test_the_funnel_target_is_the_comparable_forces_pooled_share(uof):
    t, a, said = uof
    f = _forces(a)
    ok = f.drop(sorted(_expected_flags(f)))
    pooled = 100 * (ok["Mental"] + ok["Physical and mental"]).sum() / ok["reported"].sum()
    ew = a.loc["Total England and Wales"]
    national = 100 * (ew["Mental"] + ew["Physical and mental"]) / (ew["Number of times tactic reported"] - ew["Not reported"])
    assert round(pooled, 2) == 15.84 and round(national, 2) == 15.95
    summary = t.attrs["summary"]["comparable"]
    assert summary["forces"] == len(ok) == 37
    assert summary["mental_health"] == (ok["Mental"] + ok["Physical and mental"]).sum()
    assert summary["condition_reported"] == ok["reported"].sum()
    assert summary["percent"] == pytest.approx(pooled, rel=1e-12)
    assert f"({pooled:.1f}%, .attrs['summary']['comparable'])" in next(m for m in said if "like for like" in m)

    # the docstring's recipe
    forces = t[(t.row_type == "all tactics") & t.comparable]
    target = saferstats.funnel_target("mental_health", "condition_reported", data=forces, kind="proportion")
    assert target == pytest.approx(pooled, rel=1e-12)
    limits = saferstats.funnel_limits("condition_reported", data=forces, target=target, kind="proportion")
    # independently: the observed share at which the Wilson interval (scipy's normal quantile) just
    # reaches the target, found by root finding
    p = pooled / 100

    def wilson(phat: float, n: float, z: float, side: int) -> float:
        centre = phat + z * z / (2 * n)
        half = z * np.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n))
        return (centre + side * half) / (1 + z * z / n)

    for n, row in zip(forces["condition_reported"], limits.itertuples()):
        for tail, low_col, high_col in ((0.975, "lower_95", "upper_95"), (0.999, "lower_998", "upper_998")):
            z = stats.norm.ppf(tail)
            low = optimize.brentq(lambda x: wilson(x, n, z, +1) - p, 0.0, p, xtol=1e-14)
            high = optimize.brentq(lambda x: wilson(x, n, z, -1) - p, p, 1.0, xtol=1e-14)
            assert getattr(row, low_col) == pytest.approx(100 * low, rel=1e-9)
            assert getattr(row, high_col) == pytest.approx(100 * high, rel=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = saferstats.funnel_significance("mental_health", "condition_reported", data=forces,
                                                kind="proportion", overdispersion=True)
    assert forces.loc[labels == "High (0.001)", "force"].tolist() == ["Derbyshire"]
    assert round(labels.attrs["overdispersion"]["phi"]) == 818


def test_one_force_against_the_national_total_that_contains_it(uof):
    from statsmodels.stats.proportion import proportions_ztest

    t, a, _ = uof
    h, ew = a.loc["Hertfordshire"], a.loc["Total England and Wales"]
    x1, n1 = h["Mental"] + h["Physical and mental"], h["Number of times tactic reported"] - h["Not reported"]
    x2, n2 = ew["Mental"] + ew["Physical and mental"], ew["Number of times tactic reported"] - ew["Not reported"]
    assert (x1, n1, x2, n2) == (2065, 14497, 109517, 686436)
    r = saferstats.compare_proportions(x1, n1, x2, n2, subtract=True)
    z, p = proportions_ztest([x1, x2 - x1], [n1, n2 - n1])
    assert r["z"].iloc[0] == pytest.approx(z, rel=1e-9) and r["p_value"].iloc[0] == pytest.approx(p, rel=1e-6)
    assert r["p2"].iloc[0] == pytest.approx((x2 - x1) / (n2 - n1), rel=1e-12)
    assert r.attrs["second"] == "x2/n2 less x1/n1 (subtract=True): the rest"
    plain = saferstats.compare_proportions(x1, n1, x2, n2)
    assert plain.attrs["second"] == "x2/n2" and plain["p2"].iloc[0] == pytest.approx(x2 / n2)

    # the comparable forces against the national total: warned of, and subtract=True is right for each
    forces = t[(t.row_type == "all tactics") & t.comparable]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        saferstats.compare_proportions(forces["mental_health"], forces["condition_reported"], x2, n2)
    msg = [str(w.message) for w in seen if "parts of it" in str(w.message)]
    assert len(msg) == 1 and "the 37 rows are all compared with one proportion (109,517 of 686,436)" in msg[0]
    assert "pass subtract=True" in msg[0]
    # all the forces: together exactly the national total
    every = t[(t.row_type == "all tactics") & (t.condition_reported > 0)]  # not Wiltshire (none reported)
    assert every["condition_reported"].sum() == n2 and every["mental_health"].sum() == x2
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        saferstats.compare_proportions(every["mental_health"], every["condition_reported"], x2, n2)
    assert [w for w in seen if "the 42 rows are all compared with one proportion" in str(w.message)]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        each = saferstats.compare_proportions(forces["mental_health"], forces["condition_reported"], x2, n2,
                                              subtract=True)
    assert not [w for w in seen if "parts of it" in str(w.message)]
    met = forces["force"].tolist().index("Metropolitan")
    xm, nm = forces["mental_health"].iloc[met], forces["condition_reported"].iloc[met]
    assert each["z"].iloc[met] == pytest.approx(proportions_ztest([xm, x2 - xm], [nm, n2 - nm])[0], rel=1e-9)


def test_subtract_refuses_a_second_that_cannot_contain_the_first_and_pairs_beside_need_nothing():
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.compare_proportions([3, 30], [160, 400], [14, 20], [250, 250], subtract=True)
    assert e.value.argument == "subtract"
    assert "at row 1" in str(e.value) and "(20 of 250) cannot contain the first (30 of 400)" in str(e.value)
    # two periods, the later inside the earlier's size: no warning (two numbers cannot show it)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        saferstats.compare_proportions(3, 160, 14, 250)
        saferstats.compare_proportions([3, 5], [160, 100], [14, 9], [250, 250])  # second differs by row
    assert not [w for w in seen if "parts of it" in str(w.message)]


def test_mha_provider_counts_are_rounded_to_5_beside_exact_totals(shared_data):
    path = shared_path(shared_data, MHA)
    raw = pd.read_csv(path, dtype=str)
    count = pd.to_numeric(raw["Total_Count"], errors="coerce")
    total = raw["OrgID"] == "All prov"
    orgs = count[~total].dropna()
    assert len(orgs) == 3997 and (orgs % 5 == 0).all() and orgs.min() == 5
    assert (count[total].dropna() < 5).sum() == 171 and len(count[total].dropna()) == 697
    s = raw[(raw["measureSubcategory"] == "Section 136") & (raw["Demographic"] == "All")
            & (raw["OrganisationBreakdown"] == "Independent Health Provider")]
    c = pd.to_numeric(s["Total_Count"], errors="coerce")
    assert c[s["OrgID"] == "All prov"].tolist() == [377]
    published = s.loc[(s["OrgID"] != "All prov") & c.notna(), ["OrgName", "Total_Count"]]
    assert published.values.tolist() == [["NAVIGO HEALTH AND SOCIAL CARE CIC", "160"], ["LIVEWELL SOUTHWEST", "215"]]
    blank = s[(s["OrgID"] != "All prov") & c.isna()]
    assert len(blank) == 21 and (blank["Datasource"] == "MHSDS").sum() == 19
    # each published count within 2 of the true one: the blank ones' sum is 0 to 6, not 2
    low, high = max(0, 377 - (160 + 2) - (215 + 2)), 377 - (160 - 2) - (215 - 2)
    assert (low, high) == (0, 6)
    doc = " ".join(saferstats.read_mha_annual.__doc__.split())
    assert "all 3,997 published are multiples of 5, none below 5" in doc
    assert "171 of the 697 below 5" in doc and "the 21 blank providers (19 of them MHSDS) had 0 to 6" in doc
    # the reader gives the same counts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reader's warnings of the file's slips (tested elsewhere)
        t = saferstats.read_mha_annual(path)
    ind = t[(t.subcategory == "Section 136") & (t.demographic == "All")
            & (t.organisation_level == "Independent Health Provider")]
    assert sorted(ind["count"].dropna().astype(int).tolist()) == [160, 215, 377]

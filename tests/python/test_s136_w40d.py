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
#: The flagged forces whose totals also lack a tactic not recorded (w42c), named once with both reasons (w43b).
BOTH = {f: f"{f} (also tactic_unrecorded True)" for f in ("Avon & Somerset", "Wiltshire")}


@pytest.fixture(scope="module")
def uof_read(shared_data):
    """The file, its read and the read's warnings, once for the file (reading it in each of the 17
    tests was most of the file's time)."""
    path = shared_path(shared_data, UOF)
    raw = pd.read_csv(path)
    t, said = _caught(saferstats.read_use_of_force, path)
    return path, raw, t, said


@pytest.fixture
def uof(uof_read):
    """Each test's own copies of the raw file and its read."""
    path, raw, t, _ = uof_read
    return path, raw.copy(), t.copy()


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
    assert f"{fn}: 5 points not recorded like for like" in msg[0]
    # (w43b: a force flagged for both reasons is named once, with both)
    assert ": " + ", ".join(BOTH.get(f, f) for f in FLAGGED[:-1]) + "." in msg[0]
    assert "leave them out (data[data['comparable']])" in msg[0]
    x_all, n_all = _pooled(raw, [])
    x_ok, n_ok = _pooled(raw, FLAGGED)
    assert (x_all, n_all, x_ok, n_ok) == (109517, 686436, 104131, 657348)
    assert (f"With them the pooled share is {x_all:,.0f} of {n_all:,.0f}, {100 * x_all / n_all:.1f}%; without them "
            f"{x_ok:,.0f} of {n_ok:,.0f}, {100 * x_ok / n_ok:.1f}% (37 points, 5 left out)") in msg[0]
    if fn == "funnel_target":
        assert out == pytest.approx(100 * x_all / n_all, rel=1e-12)  # nothing left out silently: said
    else:
        # (w42c: the totals lacking a tactic not recorded are listed too, under their own column)
        assert [r["name"] for r in out.attrs["not_like_for_like"] if r["column"] == "comparable"] == FLAGGED[:-1]

    # the target left for the comparable forces, as the warning says: their pooled share from the file
    ok = forces[forces["comparable"]]
    target, said = _caught(saferstats.funnel_target, "mental_health", "condition_reported", data=ok, kind="proportion")
    assert target == pytest.approx(100 * x_ok / n_ok, rel=1e-12)
    assert not [m for m in said if "not recorded like for like" in m]
    # (w42c: Cheshire's and Nottinghamshire's totals lack a tactic they did not record, and are named apart)
    assert [m for m in said if "like for like" in m] == [m for m in said if "tactic_unrecorded True" in m]


def test_the_whole_table_names_each_flagged_force_once(uof):
    _, raw, t = uof
    _, said = _caught(saferstats.funnel_target, "mental_health", "condition_reported", data=t, kind="proportion")
    msg = next(m for m in said if "not recorded like for like" in m)
    used = t[["mental_health", "condition_reported"]].notna().all(axis=1)
    n = int((~t["comparable"] & used).sum())
    flagged = raw[raw["Police Force"].isin(FLAGGED)]
    counted = ["Mental", "Physical and mental", "Number of times tactic reported", "Not reported"]
    assert n == int(flagged[counted].notna().all(axis=1).sum()) == 211
    assert f"{n} point{'s' if n != 1 else ''} not recorded like for like" in msg and f"({n} points under 6 names)" in msg
    assert ": " + ", ".join(BOTH.get(f, f) for f in FLAGGED) + " (" in msg
    assert any("43 areas are more than one point" in m for m in said)  # the nested rows, as before


def test_flytipping_message_keeps_its_filter():
    df = pd.DataFrame({"la_name": ["A", "B", "C"], "incidents": [10, 20, 30], "population": [1000, 2000, 3000],
                       "not_all_incidents": [True, False, False], "recording_step": [False, False, False]})
    _, said = _caught(saferstats.funnel_target, "incidents", "population", data=df, kind="rate", multiplier=1000)
    msg = next(m for m in said if "not counted on Defra's" in m)
    assert "leave them out (data[~data['not_all_incidents']])" in msg and "pooled share" not in msg


def _raw_flags(raw: pd.DataFrame, share: float, due: float) -> set[str]:
    """The docstring's rule applied to the raw file with pandas, with the two thresholds given."""
    f = raw[(raw["Tactic"] == "*Total Tactics") & (raw["Police Force"] != "Total England and Wales")]
    f = f.set_index("Police Force")
    reported = f["Number of times tactic reported"] - f["Not reported"]
    kinds = [["None"], ["Physical", "Physical and mental"], ["Mental", "Physical and mental"]]
    out = set()
    for force in f.index:
        if reported[force] == 0 or f.loc[force, "Not reported"] >= share * f.loc[force, "Number of times tactic reported"]:
            out.add(force)
            continue
        for cols in kinds:
            others = f.drop(force)
            rate = others[cols].sum().sum() / reported.drop(force).sum()
            if f.loc[force, cols].sum() == 0 and rate * reported[force] >= due:
                out.add(force)
    return out


def test_the_flagging_thresholds_are_keyword_arguments(uof):
    path, raw, t = uof
    assert t.attrs["summary"]["rule"] == {"not_reported_share": 0.2, "absent_expected": 10.0}
    assert set(t.loc[~t["comparable"], "force"]) == _raw_flags(raw, 0.2, 10) == set(FLAGGED)
    # other thresholds: the reader's flags are the rule applied to the raw file with pandas
    for share, due in ((0.05, 10.0), (0.8, 10.0), (0.2, 2500.0), (0.2, 20.0), (1.0, 1e9)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = saferstats.read_use_of_force(path, not_reported_share=share, absent_expected=due)
        assert set(got.loc[~got["comparable"], "force"]) == _raw_flags(raw, share, due), (share, due)
        assert got.attrs["summary"]["rule"] == {"not_reported_share": share, "absent_expected": due}
    # they move the flags: at 0.8 Cleveland (77% not reported) is not flagged, West Mercia and Warwickshire (84% and
    # 85%) still are; at 30 due North Wales (26 due a physical condition) is not, Avon & Somerset (239) still is
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loose = saferstats.read_use_of_force(path, not_reported_share=0.8, absent_expected=30.0)
    assert set(loose.loc[~loose["comparable"], "force"]) == {"Avon & Somerset", "Warwickshire", "West Mercia",
                                                              "Wiltshire"}


@pytest.mark.parametrize("arg, bad, said", [
    ("not_reported_share", 0, "above 0 and at most 1 (default 0.2, a fifth), got 0"),
    ("not_reported_share", 1.5, "got 1.5"),
    ("not_reported_share", float("nan"), "got nan"),
    ("not_reported_share", "0.2", "`not_reported_share` must be a number, got str '0.2'"),
    ("not_reported_share", True, "`not_reported_share` must be a number, got bool True"),
    ("absent_expected", 0, "a finite number above 0 (default 10), got 0"),
    ("absent_expected", -1, "got -1"),
    ("absent_expected", float("inf"), "got inf"),
    ("absent_expected", None, "`absent_expected` must be a number, got NoneType None"),
])
def test_bad_thresholds_are_refused_by_name(uof, arg, bad, said):
    path, _, _ = uof
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.read_use_of_force(path, **{arg: bad})
    assert e.value.argument == arg and said in str(e.value)


def test_derbyshire_not_reported_row_is_said_to_be_odd(uof, uof_read):
    path, raw, t = uof
    said = list(uof_read[3])  # the read's warnings (session 34: the file was read again for them)
    # the row, from the file: 42 tactics not reported (the tactic), all under 'Physical and mental'
    d = raw[raw["Police Force"] == "Derbyshire"].set_index("Tactic")
    row = d.loc["*Total Not reported"]
    assert (row["Mental"], row["Physical"], row["Physical and mental"], row["None"], row["Not reported"]) == (0, 0, 42, 0, 0)
    whole = d.loc["*Total Tactics"]
    share = whole["Physical and mental"] / whole[["Mental", "Physical", "Physical and mental", "None"]].sum()
    assert (whole["Physical and mental"], round(100 * share, 1), round(42 * share, 2)) == (70, 0.9, 0.37)
    ew = raw[(raw["Police Force"] == "Total England and Wales") & (raw["Tactic"] == "*Total Not reported")].iloc[0]
    assert ew["Physical and mental"] - 42 == 3  # the other forces' not-reported rows together
    assert (d["Not reported"].dropna() == 0).all()  # Derbyshire: the condition never "Not reported"

    odd = t[t["row_note"].str.contains("wrong heading")]  # (w41b: rows published as 0 that look unrecorded too)
    assert odd[["force", "tactic", "source_line"]].values.tolist() == [["Derbyshire", "*Total Not reported", 342]]
    note = odd["row_note"].iloc[0]
    assert note.startswith(f"42 of its 42 tactics are under 'Physical and mental', where the force's own share of "
                           f"'Physical and mental' (70 of its 7,956 tactics, {100 * share:.1f}%) gives {42 * share:.2f}")
    assert "most likely entered under the wrong heading" in note
    assert [r for r in t.attrs["summary"]["odd_rows"] if "wrong heading" in r["note"]] == [{"force": "Derbyshire", "tactic": "*Total Not reported",
                                               "source_line": 342, "note": note}]
    msg = [m for m in said if "far beyond the force's own share" in m]
    assert len(msg) == 1 and "Derbyshire *Total Not reported (line 342): 42 of its 42" in msg[0]
    assert "t[t.row_note == '']" in msg[0]
    # its counts are kept as published, and the force stays comparable (its *Total Tactics is not touched)
    assert odd[["physical_and_mental", "mental_health", "tactics"]].values.tolist() == [[42, 42, 42]]
    assert t.loc[t["force"] == "Derbyshire", "comparable"].all()
    # the rule, applied to every row of the file with pandas, finds this one row only
    counts = ["Mental", "Physical", "Physical and mental", "None"]
    forces = raw[raw["Police Force"] != "Total England and Wales"]
    totals = forces[forces["Tactic"] == "*Total Tactics"].set_index("Police Force")[counts]
    hits = []
    for line, r in forces.iterrows():
        if r["Tactic"] == "*Total Tactics" or r[counts].isna().any() or totals.loc[r["Police Force"]].sum() == 0:
            continue
        base = totals.loc[r["Police Force"]]
        for c in counts:
            if r[c] >= 10 and r[counts].sum() * base[c] / base.sum() < 1:
                hits.append((r["Police Force"], r["Tactic"], c, line + 2))
    assert hits == [("Derbyshire", "*Total Not reported", "Physical and mental", 342)]


MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


def test_methods_page_says_what_read_mha_annual_reads(shared_data):
    """docs/methods/s136.md said "`read_mha_annual` reads the Home Office tables": it reads NHS England's
    Mental Health Act Statistics (providers' records, England), whose figures the page now gives from the file."""
    from pathlib import Path

    page = " ".join((Path(__file__).resolve().parents[2] / "docs" / "methods" / "s136.md").read_text().split())
    assert "`read_mha_annual` reads the Home Office tables" not in page
    raw = pd.read_csv(shared_path(shared_data, MHA), dtype=str)
    nat = raw[(raw["OrgID"] == "All prov") & (raw["Demographic"] == "All")]
    s136 = nat[(nat["measureSubcategory"] == "Section 136") & (nat["OrganisationBreakdown"] == "All submissions")].iloc[0]
    mhsds, acute, total = (int(s136[c]) for c in ("MHSDS_Count", "Acute_Count", "Total_Count"))
    conv = {k: nat[nat["measureSubcategory"] == f"Section 136 to {k}"] for k in (2, 3)}
    s2, s3 = (int(conv[k]["Total_Count"].iloc[0]) for k in (2, 3))
    for k in (2, 3):  # two measures with the same counts, each England and its two parts
        c = conv[k].assign(n=conv[k]["Total_Count"].astype(int))
        assert len(c) == 6 and set(c["Datasource"]) == {"MHSDS"}
        assert set(c["Measure"]) == {f"Uses of section {k}", "Detentions following use of Place of Safety Order"}
        by = c.pivot(index="OrganisationBreakdown", columns="Measure", values="n")
        assert (by.nunique(axis=1) == 1).all()
        lv = by.iloc[:, 0]
        assert lv["All submissions"] == lv["NHS Trust"] + lv["Independent Health Provider"]
        assert c["n"].sum() == 4 * lv["All submissions"]
        if k == 2:
            assert (f"(NHS trusts {lv['NHS Trust']:,} and independent providers {lv['Independent Health Provider']} "
                    f"of the {lv['All submissions']:,})") in page
    assert (raw.loc[raw["measureSubcategory"].isin(["Section 136 to 2", "Section 136 to 3"]), "OrgID"] == "All prov").all()
    assert (f"{total:,} uses of s136 (MHSDS {mhsds:,} + A&E {acute:,})" in page)
    assert (f"{s2:,} uses followed by a section 2 and {s3} by a section 3, {100 * (s2 + s3) / mhsds:.1f}% of the "
            f"{mhsds:,} MHSDS uses (not of {total:,})") in page
    assert "England only, by provider and ICB, not by police force" in page

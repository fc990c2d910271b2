"""Section 136 / MHA / funnel follow-ups of session 26 (w41b).

Data: NHS England's Mental Health Act Statistics, Annual Figures 2023-24 (main sheet) and the Home
Office use-of-force table by perceived health condition, 2019/20, both in
shared/data/s136_mental_health/ (PROVENANCE.md section 5). Every expected figure is computed from
the raw file with pandas.
"""

from __future__ import annotations

import inspect
import warnings

import pandas as pd
import pytest

from conftest import shared_path
import saferstats

UOF = "s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv"
MHA = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"
COUNTS = ["Mental", "Physical", "Physical and mental", "None", "Not reported", "Number of times tactic reported"]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _caught(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [str(w.message) for w in seen]


# 1. funnel_target names read_use_of_force's `comparable`

def test_funnel_target_docstring_names_comparable(shared_data):
    doc = _flat(inspect.getdoc(saferstats.funnel_target) or "")
    assert "read_use_of_force`'s ``comparable`` False rows" in doc
    assert "data[data['comparable']]" in doc
    # the figures it gives, from the raw file
    raw = pd.read_csv(shared_path(shared_data, UOF))
    forces = raw[(raw["Tactic"] == "*Total Tactics") & (raw["Police Force"] != "Total England and Wales")]
    flagged = {"Avon & Somerset", "Cleveland", "North Wales", "Warwickshire", "West Mercia", "Wiltshire"}
    like = forces[~forces["Police Force"].isin(flagged)]
    mh = int((like["Mental"] + like["Physical and mental"]).sum())
    reported = int((like["Number of times tactic reported"] - like["Not reported"]).sum())
    assert f"{mh:,} of {reported:,}, {100 * mh / reported:.1f}% ({len(like)} forces)" in doc
    every = (forces["Mental"] + forces["Physical and mental"]).sum() / (
        forces["Number of times tactic reported"] - forces["Not reported"]).sum()
    assert f"against {100 * every:.1f}% with the six flagged forces" in doc
    # and the function does as it says: the target of the table as given, the comparable one when filtered
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_use_of_force(shared_path(shared_data, UOF))
        tot = t[t.row_type == "all tactics"]
        _, said = _caught(saferstats.funnel_target, "mental_health", "condition_reported", data=tot, kind="proportion")
        assert any("comparable False" in m for m in said)
        assert saferstats.funnel_target("mental_health", "condition_reported", data=tot,
                                        kind="proportion") == pytest.approx(100 * every, rel=1e-12)
        assert saferstats.funnel_target("mental_health", "condition_reported", data=tot[tot.comparable],
                                        kind="proportion") == pytest.approx(100 * mh / reported, rel=1e-12)


# 2. read_mha_annual: conversions by level, Section 135/136 by ICB, what crude_rate is per

@pytest.fixture
def mha_raw(shared_data):
    return pd.read_csv(shared_path(shared_data, MHA))


def test_conversions_are_published_for_england_and_the_two_provider_levels_only(mha_raw):
    raw = mha_raw
    doc = _flat(inspect.getdoc(saferstats.read_mha_annual) or "")
    conv = raw[raw["measureSubcategory"].isin(["Section 136 to 2", "Section 136 to 3"])]
    assert set(conv["OrganisationBreakdown"]) == {"All submissions", "NHS Trust", "Independent Health Provider"}
    assert set(conv["OrgID"]) == {"All prov"} and set(conv["Demographic"]) == {"All"}
    s136 = raw[raw["measureSubcategory"] == "Section 136"]
    assert "ICB" not in set(s136["OrganisationBreakdown"])  # uses are not published by ICB either
    level = conv[conv["Measure"].str.startswith("Uses of section")].set_index(
        ["measureSubcategory", "OrganisationBreakdown"])["Total_Count"]
    for k in (2, 3):
        e, nhs, ind = (int(level[(f"Section 136 to {k}", lv)]) for lv in
                       ("All submissions", "NHS Trust", "Independent Health Provider"))
        assert e == nhs + ind
        assert f"{e:,} = {nhs:,} + {ind:,}" in doc
    assert "never per provider, ICB or sub-ICB" in doc
    # the ICB rows that look like conversions add Section 135's
    nat = raw[(raw["OrganisationBreakdown"] == "All submissions") & (raw["Demographic"] == "All")
              & (raw["Measure"] == "Detentions following use of Place of Safety Order")].set_index(
        "measureSubcategory")["Total_Count"]
    pos = raw["measureSubcategory"].astype(str).str.contains("135|136")
    assert set(raw.loc[pos & (raw["OrganisationBreakdown"] == "ICB"), "measureSubcategory"]) == {
        "Section 135/136 to 2", "Section 135/136 to 3"}
    both2, both3 = int(nat["Section 135/136 to 2"]), int(nat["Section 135/136 to 3"])
    s2, s3 = int(nat["Section 136 to 2"]), int(nat["Section 136 to 3"])
    p2, p3 = int(nat["Section 135 to 2"]), int(nat["Section 135 to 3"])
    assert f"England's {both2:,} and {both3:,} against Section 136's {s2:,} and {s3:,}" in doc
    assert f"(Section 135's {p2:,} and {p3:,} make {s2 + p2:,} and {s3 + p3:,})" in doc


def test_crude_rate_is_per_englands_whole_population(mha_raw):
    raw = mha_raw
    doc = _flat(inspect.getdoc(saferstats.read_mha_annual) or "")
    s = raw[(raw["measureSubcategory"] == "Section 136") & (raw["OrganisationBreakdown"] == "All submissions")]
    row = s[s["Demographic"] == "All"].iloc[0]
    # a published rate to 0.1: the population lies between count / (rate ± 0.05) per 100,000
    lo, hi = (row["Total_Count"] / (row["CrudeRate"] + 0.05) * 1e5, row["Total_Count"] / (row["CrudeRate"] - 0.05) * 1e5)
    assert (row["CrudeRate"], int(row["Total_Count"])) == (29.2, 16837)
    assert (f"{lo / 1e6:.1f}", f"{hi / 1e6:.1f}") == ("57.6", "57.8")
    assert "57.6 to 57.8 million, all of England at every age" in doc
    age_all = s[(s["Demographic"] == "Age") & (s["DemographicBreakdown"] == "All")].iloc[0]
    lo2, hi2 = (age_all["Total_Count"] / (age_all["CrudeRate"] + 0.05) * 1e5,
                age_all["Total_Count"] / (age_all["CrudeRate"] - 0.05) * 1e5)
    assert lo2 < hi and lo < hi2  # the MHSDS-only rate is per the same population
    assert f"\"All\" row's {age_all['CrudeRate']} is the MHSDS {int(age_all['Total_Count']):,} per the same population" in doc
    band = s[(s["Demographic"] == "Age") & (s["DemographicBreakdown"] == "18 to 34")].iloc[0]
    assert f"18 to 34: {band['CrudeRate']}, {int(band['Total_Count']):,} detentions, " \
           f"{band['Total_Count'] / band['CrudeRate'] * 1e5 / 1e6:.1f} million people" in doc
    # Section 135/136 rows: no rate for trusts, independent providers or England's conversions; the ICBs' have one
    pos = raw[raw["measureSubcategory"].astype(str).str.contains("135|136")]
    rated = pos[pos["CrudeRate"].notna() & ~((pos["OrganisationBreakdown"] == "All submissions")
                                             & (pos["measureSubcategory"] == "Section 136"))]
    assert set(rated["OrganisationBreakdown"]) == {"ICB"}
    assert set(rated["measureSubcategory"]) == {"Section 135/136 to 2", "Section 135/136 to 3"}
    icb = rated[(rated["OrgID"] == "All prov") & (rated["Demographic"] == "All")].set_index("measureSubcategory")
    pops = []
    for sub in ("Section 135/136 to 2", "Section 135/136 to 3"):
        n, r = icb.loc[sub, "Total_Count"], icb.loc[sub, "CrudeRate"]
        a, b = n / (r + 0.05) * 1e5, n / (r - 0.05) * 1e5
        assert b < lo  # neither fits England's population
        pops.append(f"{a / 1e6:.1f} to {b / 1e6:.1f}")
    assert f"fit no one population ({pops[0]} and {pops[1]} million)" in doc


def test_refusal_of_the_mha_table_says_conversions_are_not_by_icb(shared_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_mha_annual(shared_path(shared_data, MHA))
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.s136_summary(t, by="org_name")
    assert e.value.argument == "records"
    msg = str(e.value)
    assert "never per provider or ICB" in msg
    assert "'Section 135/136 to 2' and 'Section 135/136 to 3' add the conversions after a Section 135 warrant" in msg


# 3. a tactic published as 0 in every column that nearly every other force reports

def _raw_unrecorded(raw: pd.DataFrame, due: float = 10.0) -> list[tuple[str, str, int, float]]:
    """The docstring's rule applied to the raw file: a tactic row (not *Total Tactics, not *Total Not
    reported) 0 in every column, the tactic reported (> 0) by at least 90% of the other forces that
    publish it, whose median share of it (of their *Total Tactics) times the force's *Total Tactics
    is `due` or more."""
    f = raw[raw["Police Force"] != "Total England and Wales"].copy()
    f["line"] = f.index + 2
    whole = f[f["Tactic"] == "*Total Tactics"].set_index("Police Force")["Number of times tactic reported"]
    rows = f[~f["Tactic"].isin(["*Total Tactics", "*Total Not reported"])].copy()
    rows["share"] = rows["Number of times tactic reported"] / rows["Police Force"].map(whole)
    out = []
    for _, r in rows[(rows[COUNTS] == 0).all(axis=1)].iterrows():
        same = rows[(rows["Type of force"] == r["Type of force"]) & (rows["Tactic"] == r["Tactic"])
                    & (rows["Police Force"] != r["Police Force"])]["share"].dropna()
        expected = same.median() * whole[r["Police Force"]]
        if (same > 0).mean() >= 0.9 and expected >= due:
            out.append((r["Police Force"], r["Tactic"], int(r["line"]), float(expected)))
    return out


def test_west_midlands_tactical_communication_is_flagged_as_unrecorded(shared_data):
    path = shared_path(shared_data, UOF)
    raw = pd.read_csv(path)
    wm = raw[raw["Police Force"] == "West Midlands"].set_index("Tactic")
    row = wm.loc["Tactical communication"]
    assert (row[COUNTS] == 0).all()  # 0 in every column, as published
    assert wm.loc["*Total Tactics", "Number of times tactic reported"] == 18458  # the force does use force
    others = raw[(raw["Tactic"] == "Tactical communication")
                 & ~raw["Police Force"].isin(["West Midlands", "Total England and Wales"])]
    assert len(others) == 41 and (others["Number of times tactic reported"] > 0).all()

    t, said = _caught(saferstats.read_use_of_force, path)
    expected = _raw_unrecorded(raw)
    assert [(f, tac, line) for f, tac, line, _ in expected] == [
        ("Avon & Somerset", "Shield", 59), ("Cheshire", "Other / improvised", 189),
        ("Nottinghamshire", "Ground restraint", 1187), ("West Midlands", "Tactical communication", 1597),
        ("Wiltshire", "Ground restraint", 1643)]
    zero = t[t["row_note"].str.contains("not a true 0")]
    assert zero[["force", "tactic", "source_line"]].values.tolist() == [[f, tac, line] for f, tac, line, _ in expected]
    note = zero.set_index("force").loc["West Midlands", "row_note"]
    e_wm = dict(((f, tac), e) for f, tac, _, e in expected)[("West Midlands", "Tactical communication")]
    assert note.startswith("0 in every column, where 41 of the 41 other forces publishing this tactic report it "
                           "(their median, ")
    assert f"gives {e_wm:,.0f} of the force's 18,458)" in note and "(it is not in *Total Tactics)" in note
    notts = zero.set_index("force").loc["Nottinghamshire", "row_note"]
    assert "the rows it is part of (*Total Restraint, *Total Tactics) lack these tactics" in notts
    # in the summary with the other odd rows, and warned of with the line
    lines = [r["source_line"] for r in t.attrs["summary"]["odd_rows"]]
    assert 1597 in lines and 342 in lines  # (342: Derbyshire's row under the wrong heading, w40d)
    msg = [m for m in said if "published as 0 in every column" in m]
    assert len(msg) == 1 and "West Midlands Tactical communication (line 1597)" in msg[0]
    assert "t[t.row_note == '']" in msg[0]
    # counts kept as published, comparability untouched
    assert zero[["tactics", "mental_health"]].values.tolist() == [[0, 0]] * 5
    assert t.loc[t["force"] == "West Midlands", "comparable"].all()
    # the threshold is absent_expected: at 400 only the three large ones remain
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        strict = saferstats.read_use_of_force(path, absent_expected=400.0)
    got = strict[strict["row_note"].str.contains("not a true 0")][["force", "tactic"]].values.tolist()
    assert got == [[f, tac] for f, tac, _, _ in _raw_unrecorded(raw, 400.0)]
    assert got == [["Nottinghamshire", "Ground restraint"], ["West Midlands", "Tactical communication"]]


def test_a_zero_in_a_tactic_few_forces_use_is_left_alone(tmp_path):
    head = ("Police Force,Type of force,Tactic,Mental,Physical,Physical and mental,None,Not reported,"
            "Number of times tactic reported\n")
    lines = []
    for k in range(10):
        aep = "0,0,0,0,0,0" if k < 3 else "1,0,0,9,0,10"  # AEP: 7 of the 9 others report it (under 90%)
        lines += [f"F{k},Total (excluding not reported and tactical communication),*Total Tactics,20,0,0,980,0,1000",
                  f"F{k},Other equipment,*Total Other equipment,1,0,0,9,0,10",
                  f"F{k},Other equipment,AEP,{aep}",
                  f"F{k},Tactical communication,Tactical communication," + ("0,0,0,0,0,0" if k == 0 else
                                                                            "10,0,0,90,0,100")]
    f = tmp_path / "uof.csv"
    f.write_text(head + "\n".join(lines) + "\n")
    t, said = _caught(saferstats.read_use_of_force, f)
    flagged = t[t["row_note"] != ""][["force", "tactic"]].values.tolist()
    # F0's tactical communication: 9 of 9 others report it, median 100 of 1,000 gives 100 >= 10
    assert flagged == [["F0", "Tactical communication"]]
    assert "gives 100 of the force's 1,000" in t.loc[t["row_note"] != "", "row_note"].iloc[0]


# 4. the report's Section 136 section from the NHS statistics, as a Panel member reads it

MHA_BOOK = "s136_mental_health/nhs_mha_annual_2023_24/mha_annual_suppressed_2023_24 (version 1).xlsx"


def _section_words(shared_data, area):
    from saferstats.report.sections import _s136_mha

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _flat(_s136_mha({"confidence": 0.95, "area": area}, shared_path(shared_data, MHA_BOOK))[1])


def test_report_section_does_not_send_a_panel_to_an_icb_figure(shared_data, mha_raw):
    """A Hertfordshire report said the statistics are "published by NHS provider and commissioner": Section
    136 uses are published for no commissioner (ICB), and the conversions for no provider either; and it
    gave 16,837 "Section 136 uses recorded by providers" with nothing to say that it is not every detention."""
    raw = mha_raw
    s136 = raw[raw["measureSubcategory"] == "Section 136"]
    assert set(s136["OrganisationBreakdown"]) == {"All submissions", "NHS Trust", "Independent Health Provider"}
    conv = raw[raw["measureSubcategory"].isin(["Section 136 to 2", "Section 136 to 3"])]
    assert set(conv["OrgID"]) == {"All prov"}
    words = _section_words(shared_data, "Hertfordshire")
    assert "provider and commissioner" not in words
    assert ("These are figures for England, not Hertfordshire: Section 136 uses are published for England and by NHS "
            "provider (a trust or an independent provider, where the person was taken), not by commissioner (ICB), "
            "police force area or Community Safety Partnership, and the conversions to section 2 or 3 for England "
            "only") in words
    total = int(s136[(s136["OrganisationBreakdown"] == "All submissions") & (s136["Demographic"] == "All")]
                ["Total_Count"].iloc[0])
    assert f"{total:,} Section 136 uses recorded by providers" in words
    assert ("not every Section 136 detention: the police's own count (Home Office, England and Wales) is another "
            "number; set the two side by side as two sources, not as one count") in words
    # an England report keeps the caveat on the sources, without the area sentence
    eng = _section_words(shared_data, "England")
    assert "not every Section 136 detention" in eng and "These are figures for England" not in eng

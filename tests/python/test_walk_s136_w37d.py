"""A new analyst's walk of the Section 136 / mental-health files (session 25, w37d).

"How often does police use of force involve people with a mental-health condition?" The Home
Office use-of-force table by perceived health condition (shared/data/s136_mental_health/
home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv) had no reader: read
with pandas, its nested rows (``*Total Tactics`` = the ``*Total <type>`` rows = their tactics =
"of which" parts) are summed two to four times over, the England and Wales row is a force among
the forces, and four forces that did not record the health condition like for like (Wiltshire: not
at all; West Mercia, Warwickshire: never "None", so 92.7% and 91.2% "with a mental health
condition"; Cleveland: 77% not reported) sit in a funnel with the others. And s136_summary,
before_after and monthly_counts given the table said "records has no column 'outcome'".

Every expected figure below is from the raw file with pandas, statsmodels run live, or the
published "Number of times tactic reported".
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import shared_path
import saferstats

UOF = "s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv"
HEAD = ("Police Force,Type of force,Tactic,Mental,Physical,Physical and mental,None,Not reported,"
        "Number of times tactic reported\n")
ALL = "Total (excluding not reported and tactical communication)"


def _read(path):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        t = saferstats.read_use_of_force(path)
    return t, [str(w.message) for w in seen]


@pytest.fixture
def uof(shared_data):
    path = shared_path(shared_data, UOF)
    return path, pd.read_csv(path)


def test_reader_gives_each_forces_share_as_the_raw_file_does(uof):
    path, raw = uof
    t, _ = _read(path)
    national = raw["Police Force"] == "Total England and Wales"
    assert len(t) == int((~national).sum()) == 1633 and t.attrs["summary"]["aggregate_rows"] == int(national.sum()) == 38
    assert t.attrs["summary"]["forces"] == raw.loc[~national, "Police Force"].nunique() == 43
    # blank cells are missing, never zero, each listed with its line
    forces = raw[~national]
    counts = ["Mental", "Physical", "Physical and mental", "None", "Not reported", "Number of times tactic reported"]
    assert t.attrs["summary"]["missing_cells"] == len(t.attrs["dropped"]) == int(forces[counts].isna().sum().sum()) == 224
    a = forces[forces["Tactic"] == "*Total Tactics"].set_index("Police Force")
    mine = t[t["row_type"] == "all tactics"].set_index("force")
    assert list(mine.index) == list(a.index)
    assert (mine["mental_health"] == a["Mental"] + a["Physical and mental"]).all()
    assert (mine["condition_reported"] == a["Number of times tactic reported"] - a["Not reported"]).all()
    assert (mine["tactics"] == a["Number of times tactic reported"]).all()
    herts = mine.loc["Hertfordshire"]
    assert (herts["mental_health"], herts["condition_reported"], herts["source_line"]) == (2065, 14497, 686)
    # the line named is the file's line (header on line 1)
    with open(path, encoding="utf-8") as fh:
        assert fh.read().splitlines()[685].startswith("Hertfordshire,Total (excluding")
    # Wilson intervals of the comparable forces, against statsmodels
    from statsmodels.stats.proportion import proportion_confint

    ok = mine[mine["comparable"]]
    ci = saferstats.proportion_ci(ok["mental_health"], ok["condition_reported"])
    lo, hi = proportion_confint(ok["mental_health"].to_numpy(), ok["condition_reported"].to_numpy(), method="wilson")
    np.testing.assert_allclose(ci["lower"], lo, rtol=1e-9)
    np.testing.assert_allclose(ci["upper"], hi, rtol=1e-9)
    # the England and Wales row is kept as published, apart from the forces
    tot = next(r for r in t.attrs["totals"] if r["tactic"] == "*Total Tactics")
    assert tot["tactics"] == 715276 and tot["mental"] + tot["physical_and_mental"] == 106575 + 2942


def test_nested_rows_are_labelled_so_each_level_adds_up_once(uof):
    path, raw = uof
    t, _ = _read(path)
    h = t[t["force"] == "Hertfordshire"].set_index("tactic")
    r = raw[raw["Police Force"] == "Hertfordshire"].set_index("Tactic")["Number of times tactic reported"]
    # one level: the type-of-force totals add up to *Total Tactics (14,497); every row summed gives far more
    types = h[h["row_type"] == "type of force"]
    assert set(types["part_of"]) == {"*Total Tactics"} and types["tactics"].sum() == r["*Total Tactics"] == 14497
    assert r.sum() > 3 * 14497
    parts = h[h["part_of"] == "Handcuffing, of which"].index.tolist()
    assert parts == ["Compliant handcuffing", "Non-compliant handcuffing", "Handcuffing not stated"]
    assert r[parts].sum() == r["Handcuffing, of which"] == 6388
    assert h.loc["Handcuffing, of which", "part_of"] == "*Total Restraint"
    assert h.loc["Spit and bite guard", "part_of"] == "*Total Other equipment"
    assert h.loc["Dog bite", "part_of"] == "Dog use, of which"
    assert h.loc["Other / improvised", "part_of"] == "*Total Other"
    # not in *Total Tactics, as published
    assert pd.isna(h.loc["Tactical communication", "part_of"]) and pd.isna(h.loc["*Total Not reported", "part_of"])
    # every parent is the sum of its parts in the whole file (no warning of parts not adding up)
    assert t.attrs["summary"]["parts_not_adding_up"] == [] and t.attrs["summary"]["rows_not_adding_up"] == []


def test_forces_not_recording_the_condition_like_for_like_are_flagged(uof):
    path, raw = uof
    t, said = _read(path)
    a = raw[raw["Tactic"] == "*Total Tactics"].set_index("Police Force").drop("Total England and Wales")
    reported = a["Number of times tactic reported"] - a["Not reported"]
    unlike = a[(reported == 0) | (a["None"] == 0) | (a["Not reported"] >= 0.2 * a["Number of times tactic reported"])
               | (a["Physical"] + a["Physical and mental"] == 0)]  # w38d: no physical condition recorded
    assert sorted(unlike.index) == ["Avon & Somerset", "Cleveland", "North Wales", "Warwickshire", "West Mercia",
                                    "Wiltshire"]
    flagged = t.loc[~t["comparable"], "force"].unique()
    assert sorted(flagged) == sorted(unlike.index)
    # all rows of a flagged force, none of the others
    assert not t.loc[t["force"].isin(unlike.index), "comparable"].any() and t.loc[~t["force"].isin(unlike.index), "comparable"].all()
    # what a share would say without the flag: West Mercia 92.7%, England and Wales 16.0%
    wm = a.loc["West Mercia"]
    assert round(100 * (wm["Mental"] + wm["Physical and mental"]) / reported["West Mercia"], 1) == 92.7
    note = t.loc[t["force"] == "West Mercia", "recording_note"].iloc[0]
    assert "'None' is 0 of 2,439" in note and "84% of its tactics" in note
    assert t.loc[t["force"] == "Wiltshire", "recording_note"].iloc[0] == "health condition not reported for any of its 3,026 tactics"
    msg = next(m for m in said if "not recorded like for like" in m)
    assert "6 of 43 forces" in msg and all(f in msg for f in unlike.index) and "t[t.comparable]" in msg


def test_reader_refuses_and_reports_by_line(tmp_path):
    f = tmp_path / "uof.csv"
    f.write_text(HEAD + f"Kent,{ALL},*Total Tactics,10,0,0,-5,0,5\n")
    with pytest.raises(saferstats.InvalidInputError, match=r"line 2, column 'none': '-5' is not a count"):
        saferstats.read_use_of_force(f)
    f.write_text("Force,Tactic,Mental\nKent,*Total Tactics,1\n")
    with pytest.raises(saferstats.InvalidInputError, match="expected the columns 'police force'"):
        saferstats.read_use_of_force(f)
    # '..' and '*' are no figure (missing, not 0); a row whose counts do not add up is warned of
    f.write_text(HEAD + f"Kent,{ALL},*Total Tactics,10,..,*,80,0,100\n"
                 "Kent,Restraint,*Total Restraint,10,0,0,80,0,95\n")
    t, said = _read(f)
    assert t["physical"].isna().iloc[0] and t["physical_and_mental"].isna().iloc[0]
    assert [(d["source_line"], d["column"], d["value"]) for d in t.attrs["dropped"]] == [
        (2, "physical", ".."), (2, "physical_and_mental", "*")]
    assert t.attrs["summary"]["rows_not_adding_up"] == [
        {"force": "Kent", "tactic": "*Total Restraint", "source_line": 3, "sum": 90.0, "tactics": 95.0}]
    assert [p["column"] for p in t.attrs["summary"]["parts_not_adding_up"]] == ["tactics"]
    assert any("do not add up" in m and "Kent *Total Restraint (line 3)" in m for m in said)


@pytest.mark.parametrize("call", [
    saferstats.s136_summary,
    lambda r: saferstats.before_after(r, split="2020-01-01"),
    saferstats.monthly_counts,
])
def test_s136_functions_say_what_the_use_of_force_table_is(uof, call):
    path, raw = uof

    def check(table):
        with pytest.raises(saferstats.InvalidInputError) as e:
            call(table)
        text = str(e.value)
        assert "use-of-force table" in text and "read_use_of_force" in text and "has no column" not in text

    check(raw)  # as pandas reads the file (was: "records has no column 'outcome'")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        check(saferstats.read_use_of_force(path))


def test_the_documented_suppression_hides_the_sums_with_their_counts(uof):
    """Hertfordshire's types of force (2019/20): less lethal weapons 69 mental, 3 physical, 2 physical
    and mental, 347 none, 421 tactics. suppress left to infer the roles published mental_health 71
    and tactics 421 beside the hidden 2 and 3 (71 - 69 = 2; 421 - 69 - 347 - 2 = 3); with the roles
    the docstring gives, every sum of a row with a hidden count is hidden too."""
    path, raw = uof
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        t = saferstats.read_use_of_force(path)
    doc = saferstats.read_use_of_force.__doc__ or ""
    assert 'derived=["tactics", "mental_health", "condition_reported"]' in " ".join(doc.split())
    h = t[(t["force"] == "Hertfordshire") & (t["row_type"] == "type of force")].reset_index(drop=True)
    r = raw[(raw["Police Force"] == "Hertfordshire") & (raw["Tactic"] == "*Total Less lethal weapons")].iloc[0]
    assert (r["Mental"], r["Physical"], r["Physical and mental"], r["Number of times tactic reported"]) == (69, 3, 2, 421)
    five = ["mental", "physical", "physical_and_mental", "none", "not_reported"]
    sums = ["tactics", "mental_health", "condition_reported"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        out = saferstats.suppress(h, keys=["tactic"], totals={}, columns=five, derived=sums, other=["source_line"])
    hidden = (out[five] == "[c]").any(axis=1)
    assert hidden.any() and bool((out.loc[hidden, sums] == "[c]").all().all())
    lll = out[out["tactic"] == "*Total Less lethal weapons"].iloc[0]
    assert lll["physical"] == "[c]" and lll["physical_and_mental"] == "[c]" and lll["mental_health"] == "[c]"
    assert (out["source_line"] == h["source_line"]).all()  # a line number is no count


def test_s136_command_does_not_print_the_detentions_it_hides(tmp_path, capsys):
    """`saferstats s136` on 60 detentions (the synthetic pilot's first 60) printed "60 detentions read"
    beside its rates table (58 assessed) and a note that the detentions were hidden because "detentions
    less the assessed ones would give back the number with an unknown outcome, which is below 5": 60 - 58
    gave back the 2 records with an unknown outcome. Now the count is shown as published ([c]); 996
    detentions, none hidden, are still said."""
    from saferstats.__main__ import main

    recs = saferstats.synthetic.s136_pilot_records(seed=136)
    for n, shown in ((60, "[c]"), (996, "996")):
        path = tmp_path / f"s{n}.csv"
        recs.iloc[:n].to_csv(path, index=False)
        out = tmp_path / f"rates{n}.csv"
        assert main(["s136", str(path), "--out", str(out)]) == 0
        err = capsys.readouterr().err
        raw = pd.read_csv(path)
        unknown = int((raw["outcome"] == "Other / not known").sum() + raw["outcome"].isna().sum())
        assessed = int(pd.read_csv(out)["assessed"].iloc[0])
        assert len(raw) - assessed == unknown  # the printed total less the published denominator
        assert f"{shown} detentions read;" in err
        if n == 60:
            assert unknown == 2 and "60 detentions read" not in err and "detentions hidden overall" in err

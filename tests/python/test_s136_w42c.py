"""Session 27 (w42c): Section 136 / Mental Health Act follow-ups and the NHS-only report's text.

Every figure is checked against the published files read with pandas (``/work/shared/data``'s
``s136_mental_health``), never against saferstats' own output."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from conftest import build_report
from saferstats.report.sections import Section, Table
from saferstats.report.summary import executive_summary

MHA = "s136_mental_health/nhs_mha_annual_2023_24/mha_annual_suppressed_2023_24 (version 1).xlsx"
CFG = {"confidence": 0.95, "disclosure_threshold": 5}


def _limitations(page: str) -> list[str]:
    part = page.split("id='limitations'", 1)[1].split("</section>", 1)[0]
    return [html.unescape(re.sub(r"<[^>]+>", "", x)).strip() for x in re.findall(r"<li>(.*?)</li>", part, re.S)]


# ----------------------------------------------------------------------------- 4: limitations of an NHS-only report

def test_nhs_only_report_lists_no_police_or_resident_rate_limitation(tmp_path, shared_data):
    """A report with only the NHS S136 section (Merseyside) said "Rates use resident population
    estimates as denominators: areas with many visitors, commuters or students (town centres,
    night-time economies) can show high rates per resident" of NHS England's rates for England's
    ethnic groups. Its limitations now list only what applies to the NHS statistics."""
    if not (shared_data / MHA).exists():
        pytest.skip("NHS MHA workbook not in the shared data")
    out = build_report(tmp_path, f'title = "T"\narea = "Merseyside"\n[s136]\nmha_file = "{shared_data / MHA}"\n')
    lim = _limitations((out / "index.html").read_text(encoding="utf-8"))
    text = " ".join(lim)
    for absent in ("resident population estimates", "town centres", "Police-recorded", "police.uk", "stop",
                   "search", "Hotspot", "Fly-tipping"):
        assert absent not in text, absent
    assert lim[0].startswith("NHS England's Mental Health Act statistics are what NHS providers record and submit")
    assert lim[1] == ("The Section 136 rates by ethnic group are NHS England's own, per 100,000 of each group's "
                      "people in England: they are England's figures, not rates for an area's residents.")
    assert any(x.startswith("Numbers below 5 are withheld ([c])") for x in lim)
    assert any(x.startswith("Confidence intervals allow for chance variation only") for x in lim)
    # the rates the report shows are the published ones (England's, per 100,000 of each group)
    raw = pd.read_excel(shared_data / MHA, sheet_name=0)
    eng = raw[raw["OrganisationBreakdown"].astype(str).eq("All submissions")
              & raw["Measure"].eq("Short term orders") & raw["measureSubcategory"].eq("Section 136")
              & raw["Demographic"].eq("Ethnicity")].set_index("DemographicBreakdown")
    shown = pd.read_csv(out / "s136_mha_ethnicity.csv").set_index("ethnic_group")
    for group in shown.index:
        assert shown.loc[group, "crude_rate"] == pytest.approx(float(eng.loc[group, "CrudeRate"]))


def test_resident_rate_limitation_stays_for_sections_with_resident_rates():
    """Stop and search, fly-tipping, hate crime and Section 136 detention records keep the line; the
    NHS statistics and a hotspot map alone do not have it."""
    line = "Rates use resident population estimates as denominators"
    for key, table in (("stop_search", "stop_search_disproportionality"), ("flytipping", "flytipping_rates"),
                       ("hate_crime", "hate_crime_rates"), ("s136", "s136_detention_rates")):
        s = Section(key, key, "", "", tables=[Table(table, "", pd.DataFrame({"x": [1]}))])
        assert any(x.startswith(line) for x in executive_summary([s], {**CFG, "area": "A"}).limitations), key
    nhs = Section("s136", "S136", "", "", tables=[Table("s136_mha_conversion", "", pd.DataFrame({"x": [1]}))])
    hot = Section("hotspots", "Hotspots", "", "")
    for alone in ([nhs], [hot]):
        assert not any(x.startswith(line) for x in executive_summary(alone, {**CFG, "area": "A"}).limitations)
    lim = executive_summary([nhs], {**CFG, "area": "A"}).limitations
    assert not any(x.startswith("The Section 136 rates by ethnic group") for x in lim)  # no rates shown


# ----------------------------------------------------------------------------- 1: totals lacking an unrecorded tactic

UOF = "s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv"
SIX = ["Mental", "Physical", "Physical and mental", "None", "Not reported", "Number of times tactic reported"]


def _raw_unrecorded(raw: pd.DataFrame) -> set[tuple[str, str]]:
    """The rows the docstring's rule flags, from the raw file: a tactic row 0 in all six columns,
    reported (above 0) by at least 9 in 10 of the other forces publishing it, whose median share of
    it (of their *Total Tactics) gives the force 10 or more; with the totals it is part of (its
    type's "*Total <type>" and "*Total Tactics")."""
    raw = raw[~raw["Police Force"].str.startswith("Total England")].copy()
    for c in SIX:
        raw[c] = pd.to_numeric(raw[c], errors="coerce")
    whole = raw[raw["Tactic"].eq("*Total Tactics")].set_index("Police Force")["Number of times tactic reported"]
    rows = raw[~raw["Tactic"].isin(["*Total Tactics", "*Total Not reported"])].copy()
    rows["share"] = rows["Number of times tactic reported"] / rows["Police Force"].map(whole)
    out: set[tuple[str, str]] = set()
    for _, r in rows[(rows[SIX] == 0).all(axis=1)].iterrows():
        same = rows[(rows["Type of force"] == r["Type of force"]) & (rows["Tactic"] == r["Tactic"])
                    & (rows["Police Force"] != r["Police Force"])]["share"].dropna()
        if len(same) and (same > 0).mean() >= 0.9 and same.median() * whole[r["Police Force"]] >= 10:
            out.add((r["Police Force"], r["Tactic"]))
            force = raw[raw["Police Force"] == r["Police Force"]]
            typed = f"*Total {r['Type of force']}"
            if (force["Tactic"] == typed).any():
                out |= {(r["Police Force"], typed), (r["Police Force"], "*Total Tactics")}
    return out


def test_totals_lacking_an_unrecorded_tactic_are_marked_and_named_by_the_funnel(shared_data):
    """Nottinghamshire and Wiltshire publish "Ground restraint" as 0 in every column (950 and 294
    due), said in row_note since w41b, but their *Total Restraint and *Total Tactics, which lack
    it, stayed like for like: a funnel of the comparable forces' totals took Nottinghamshire in
    without a word. By the rule that flags a kind of condition a force never records, those rows
    are now `tactic_unrecorded` and the funnel names them."""
    import warnings

    import saferstats

    raw = pd.read_csv(shared_data / UOF)
    want = _raw_unrecorded(raw)
    assert {("Nottinghamshire", "Ground restraint"), ("Nottinghamshire", "*Total Restraint"),
            ("Nottinghamshire", "*Total Tactics"), ("Wiltshire", "*Total Tactics")} <= want
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        t = saferstats.read_use_of_force(shared_data / UOF)
    assert set(map(tuple, t.loc[t["tactic_unrecorded"], ["force", "tactic"]].values.tolist())) == want
    said = [str(w.message) for w in seen if "0 in every column" in str(w.message)]
    assert "Nottinghamshire *Total Restraint" in said[0] and "t[~t.tactic_unrecorded]" in said[0]
    lacks = {(r["force"], r["tactic"]): r["lacks"] for r in t.attrs["summary"]["tactic_unrecorded"]}
    line = int(raw.index[(raw["Police Force"] == "Nottinghamshire") & (raw["Tactic"] == "Ground restraint")][0]) + 2
    assert lacks[("Nottinghamshire", "*Total Tactics")] == f"Ground restraint (line {line})"
    # comparable stays the force's (Nottinghamshire's other tactics are recorded like the others')
    assert t.loc[t["force"] == "Nottinghamshire", "comparable"].all()

    forces = t[(t["row_type"] == "all tactics") & t["comparable"]]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        saferstats.funnel_target("mental_health", "condition_reported", data=forces, kind="proportion")
    msg = [str(w.message) for w in seen if "tactic_unrecorded True" in str(w.message)]
    assert len(msg) == 1 and "2 points" in msg[0] and "Cheshire, Nottinghamshire" in msg[0]
    assert "data[~data['tactic_unrecorded']]" in msg[0]
    # the target without them, as the docstring gives it: the pooled share of those forces in the raw file
    tot = raw[raw["Tactic"].eq("*Total Tactics") & ~raw["Police Force"].str.startswith("Total")].copy()
    for c in SIX:
        tot[c] = pd.to_numeric(tot[c], errors="coerce")
    keep = tot[tot["Police Force"].isin(forces.loc[~forces["tactic_unrecorded"], "force"])]
    mh = float((keep["Mental"] + keep["Physical and mental"]).sum())
    rep = float((keep["Number of times tactic reported"] - keep["Not reported"]).sum())
    assert (len(keep), mh, rep) == (35, 102359.0, 635629.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = saferstats.funnel_target("mental_health", "condition_reported",
                                       data=forces[~forces["tactic_unrecorded"]], kind="proportion")
    assert got == pytest.approx(100 * mh / rep)
    doc = saferstats.read_use_of_force.__doc__ or ""
    assert "102,359 of 635,629, 16.1% (35 forces)" in doc
    # the docstring's 18.0%: the other forces' ground restraint, from the raw file
    g = raw[raw["Tactic"].eq("Ground restraint") & ~raw["Police Force"].str.startswith("Total")
            & ~raw["Police Force"].isin(["Nottinghamshire", "Wiltshire"])].copy()
    for c in SIX:
        g[c] = pd.to_numeric(g[c], errors="coerce")
    share = 100 * (g["Mental"] + g["Physical and mental"]).sum() / (g[SIX[-1]] - g["Not reported"]).sum()
    assert f"{share:.1f}%" == "18.0%" and "ground restraint has 18.0%" in " ".join(doc.split())


# ----------------------------------------------------------------------------- 2: England's 135/136 to 2

MHA_CSV = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


@pytest.mark.parametrize("name", [MHA_CSV, MHA])
def test_englands_135_136_to_2_is_published_one_less_than_its_parts(shared_data, name):
    """England's "Section 135/136 to 2" is 2,925 where Section 136's 2,485 and Section 135's 441 make
    2,926: the raw file holds 2,925 (no reader slip, no row dropped); the result now says so."""
    import warnings

    import saferstats

    path = shared_data / name
    raw = (pd.read_csv(path, dtype=str, keep_default_na=False) if name.endswith(".csv")
           else pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False))
    nat = raw[raw["OrgID"].eq("All prov") & raw["Demographic"].eq("All")
              & raw["Measure"].eq("Detentions following use of Place of Safety Order")]

    def one(sub: str, level: str = "All submissions") -> int:
        cell = nat.loc[nat["measureSubcategory"].eq(sub) & nat["OrganisationBreakdown"].eq(level), "Total_Count"]
        assert len(cell) == 1
        return int(cell.iloc[0])

    assert (one("Section 135/136 to 2"), one("Section 135/136 to 2", "ICB")) == (2925, 2925)
    assert one("Section 136 to 2") + one("Section 135 to 2") == 2926
    assert one("Section 136 to 3") + one("Section 135 to 3") == one("Section 135/136 to 3") == 347
    lines = sorted(int(i) + 2 for i in nat.index[nat["measureSubcategory"].eq("Section 135/136 to 2")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_mha_annual(path)
    # read as published: every 135/136 row of the file is in the result, with its count
    rows = t[t["subcategory"].eq("Section 135/136 to 2")]
    assert len(rows) == int(raw["measureSubcategory"].eq("Section 135/136 to 2").sum())
    eng = rows[rows["org_id"].eq("All prov") & rows["demographic"].eq("All")]
    assert eng["count"].tolist() == [2925.0, 2925.0]
    got = t.attrs["totals_not_adding_up"]
    assert [d["source_line"] for d in got] == lines
    for d in got:
        assert (d["published"], d["sum_of_parts"]) == (2925.0, 2926.0)
        assert d["parts"] == {"Section 136 to 2": 2485.0, "Section 135 to 2": 441.0}
    doc = " ".join((saferstats.read_mha_annual.__doc__ or "").split())
    assert "is one less than its parts as published (2,485 + 441 = 2,926)" in doc
    assert 'attrs["totals_not_adding_up"]' in doc


# ----------------------------------------------------------------------------- 3: what an ICB's crude_rate is per

def test_icb_rates_say_per_what_and_the_all_providers_rates_fit_no_population(shared_data):
    """w41b: the ICB level's "All providers" rates fit no one population, and nothing said so in the
    result. Each row now says in `rate_per` what its rate is per; the ICB level's "All providers" rows
    say they fit no one population (do not compare). Populations from the raw file: count / (rate ±
    0.05), an organisation's count ± 2 (rounded to 5)."""
    import warnings

    import numpy as np

    import saferstats

    raw = pd.read_csv(shared_data / MHA_CSV)
    icb = raw[raw["OrganisationBreakdown"].eq("ICB") & raw["Demographic"].eq("All") & raw["CrudeRate"].notna()
              & raw["Total_Count"].notna()].copy()
    total = icb["OrgID"].eq("All prov")
    slack = np.where(total, 0.0, 2.0)
    icb["lo"] = (icb["Total_Count"] - slack) / (icb["CrudeRate"] + 0.05) * 1e5
    icb["hi"] = (icb["Total_Count"] + slack) / (icb["CrudeRate"] - 0.05) * 1e5
    fits = icb.groupby("OrgID").apply(lambda g: g["lo"].max() <= g["hi"].min(), include_groups=False)
    assert not fits["All prov"] and fits.drop("All prov").all() and len(fits) - 1 == 42
    ap = icb[total]
    assert len(ap) == 14 and round(ap["lo"].min() / 1e6, 1) == 24.2 and round(ap["hi"].max() / 1e6, 1) == 57.6
    gm = icb[icb["OrgID"].eq("QOP")]
    assert gm["OrgName"].iloc[0] == "NHS GREATER MANCHESTER INTEGRATED CARE BOARD" and len(gm) == 13
    assert round(float((gm["Total_Count"] / gm["CrudeRate"] * 1e5).median()) / 1e6, 2) == 2.91

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_mha_annual(shared_data / MHA_CSV)
    at_icb = t[t["organisation_level"].eq("ICB") & t["crude_rate"].notna()]
    bad = at_icb[at_icb["org_id"].eq("All prov")]
    assert len(bad) == 14 and bad["rate_per"].str.startswith("no one population").all()
    assert bad["rate_per"].str.contains("do not compare it with other organisations' rates").all()
    good = at_icb[~at_icb["org_id"].eq("All prov")]
    assert set(good.loc[good["demographic"].eq("All"), "rate_per"]) == {"100,000 people of the ICB's population"}
    assert set(good.loc[~good["demographic"].eq("All"), "rate_per"]) == {
        "100,000 people of the ICB's population in the row's group"}
    assert (t.loc[t["crude_rate"].isna(), "rate_per"] == "").all()
    listed = t.attrs["rates_fit_no_population"]
    assert [(d["organisation_level"], d["org_id"]) for d in listed] == [("ICB", "All prov")]
    assert sorted(listed[0]["source_lines"]) == sorted(int(i) + 2 for i in ap.index)
    doc = " ".join((saferstats.read_mha_annual.__doc__ or "").split())
    assert "each of the 42 ICBs does" in doc and 'attrs["rates_fit_no_population"]' in doc

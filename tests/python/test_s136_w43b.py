"""Session 27 (w43b): follow-ups of w42c on the NHS/Section 136 report's wording, England's MHA
rates, the use-of-force funnels' warnings, and what an SPC chart's ``variation`` says.

Every figure is checked against the published files read with pandas (``/work/shared/data``), or
against the method as NHSRplotthedots writes it, never against saferstats' own output."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import shared_path
import saferstats

FLY = "fly_tipping/defra_la_2012-13_to_2021-22/DERIVED_Flytipping_LA_incidents.csv"


# ----------------------------------------------------------------------------- 4: SPC variation is the last point's

def test_variation_is_the_last_points_type_as_nhsrplotthedots(shared_data):
    """Dacorum's fly-tipping (Defra): 2012/13's 832 is below the XmR chart's lower limit, a special
    cause (improvement when fewer is better), yet the series' `variation` is common cause. That is
    NHSRplotthedots' rule (geom_ptd_icon: the point type of the point at the latest x), now said in
    spc's docstring and the methods page. Limits from the raw sheet with numpy: mean ± 2.66 × the
    average moving range (moving ranges of 3.267 × it or more left out)."""
    raw = pd.read_csv(shared_path(shared_data, FLY))
    d = raw[raw["ONS Code"].eq("E07000096")].sort_values("Year")  # Dacorum (2018-19: "Dacorum ")
    v = pd.to_numeric(d["Total Incidents"].astype(str).str.replace(",", ""), errors="raise").to_numpy(float)
    assert d["Year"].tolist()[0] == "2012-13" and v[0] == 832 and v[-1] == 1587 and len(v) == 10
    mr = np.abs(np.diff(v))
    amr = mr[mr < 3.267 * mr.mean()].mean()
    mean, lpl, upl = v.mean(), v.mean() - 2.66 * amr, v.mean() + 2.66 * amr
    assert v[0] < lpl and lpl < v[-1] < upl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # trial limits: 10 points
        out = saferstats.spc(v, periods=d["Year"].tolist(), improvement="decrease")
    assert out["mean"].iloc[0] == pytest.approx(mean) and out["lpl"].iloc[0] == pytest.approx(lpl)
    assert out["upl"].iloc[0] == pytest.approx(upl)
    assert out["point_type"].iloc[0] == "special_cause_improvement"
    assert (out["point_type"].iloc[1:] == "common_cause").all()
    # NHSRplotthedots: the variation icon is the point type at the latest period
    assert (out["variation"] == out["point_type"].iloc[-1]).all()
    assert out.attrs["summary"]["variation"].tolist() == ["common_cause"]
    doc = " ".join((saferstats.spc.__doc__ or "").split())
    assert "``variation`` is of the last point only." in doc
    assert ("has 2012/13's 832 below the lower limit, ``special_cause_improvement`` in ``point_type``, while "
            "``variation`` is ``common_cause``") in doc


# ----------------------------------------------------------------------------- 1: the glossary's rate per 100,000

MHA = "s136_mental_health/nhs_mha_annual_2023_24/mha_annual_suppressed_2023_24 (version 1).xlsx"
CFG = {"confidence": 0.95, "disclosure_threshold": 5}


def _glossary(page: str) -> dict[str, str]:
    import html
    import re

    part = page[page.index("<section id='glossary'"):]
    part = part[:part.index("</section>")]
    return {html.unescape(t): html.unescape(re.sub(r"<[^>]+>", "", d)).strip()
            for t, d in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", part, re.S)}


def test_nhs_only_report_defines_its_rates_per_100000_as_englands_groups(tmp_path, shared_data):
    """A report with only the NHS S136 section (Merseyside) defined "Rate per 100,000" as "The number
    of incidents for every 100,000 residents, so that areas of different size can be compared"; its
    only such rates are NHS England's, per 100,000 of each ethnic group's people in England (the
    published CrudeRate of the Ethnicity rows, read with pandas)."""
    from conftest import build_report

    book = shared_path(shared_data, MHA)
    out = build_report(tmp_path, f'title = "T"\narea = "Merseyside"\n[s136]\nmha_file = "{book}"\n')
    said = _glossary((out / "index.html").read_text(encoding="utf-8"))["Rate per 100,000"]
    assert "residents, so that areas" not in said
    assert said == ("The number of Section 136 uses for every 100,000 people of a group in England (NHS England's "
                    "rates by ethnic group), so that groups of different size can be compared; they are England's "
                    "figures, not rates for an area's residents.")
    raw = pd.read_excel(book, sheet_name=0)
    eth = raw[raw["OrganisationBreakdown"].eq("All submissions") & raw["measureSubcategory"].eq("Section 136")
              & raw["Measure"].eq("Short term orders") & raw["Demographic"].eq("Ethnicity")]
    shown = pd.read_csv(out / "s136_mha_ethnicity.csv")
    assert set(shown["crude_rate"]) <= set(eth["CrudeRate"].dropna())


def test_rate_per_100000_fits_the_sections_present():
    """Resident rates alone keep the glossary's wording; beside the NHS rates the definition says
    both; with neither section the GLOSSARY's own."""
    from saferstats.report.sections import Section, Table
    from saferstats.report.summary import GLOSSARY, executive_summary

    eth = pd.DataFrame({"ethnic_group": ["White", "Mixed"], "standardised_rate": [23.7, 37.7],
                        "standardised_lower": [23.3, 33.9], "standardised_upper": [24.1, 41.5]})
    nhs = Section("s136", "Section 136", "", "",
                  tables=[Table("s136_mha_ethnicity", "Section 136 uses per 100,000 by ethnic group", eth)])
    hate = Section("hate_crime", "Hate crime", "Hate crime per 100,000 residents", "",
                   tables=[Table("hate_crime_rates", "Rates per 100,000", pd.DataFrame({"x": [1]}))])

    def rate(sections: list) -> str:
        return dict(executive_summary(sections, {**CFG, "area": "A"}).glossary)["Rate per 100,000"]

    assert rate([hate]) == dict(GLOSSARY)["Rate per 100,000"]
    both = rate([hate, nhs])
    assert both.startswith("The number of incidents for every 100,000 residents, so that areas of different size")
    assert "NHS England's Section 136 rates by ethnic group are per 100,000 people of each group in England" in both
    assert rate([nhs]).startswith("The number of Section 136 uses for every 100,000 people of a group in England")


# ----------------------------------------------------------------------------- 3: the use-of-force funnels' warnings

UOF = "s136_mental_health/home_office_use_of_force_by_health_condition_2019-20/april2019-march2020.csv"


def _pooled(raw: pd.DataFrame, leave_out: set[str]) -> tuple[float, float, int]:
    """Σ (Mental + Physical and mental), Σ (tactics − Not reported) and the number of forces, over
    the forces' *Total Tactics rows of the raw file, without ``leave_out``."""
    a = raw[raw["Tactic"].eq("*Total Tactics") & ~raw["Police Force"].str.startswith("Total")]
    a = a[~a["Police Force"].isin(leave_out)]
    return (float((a["Mental"] + a["Physical and mental"]).sum()),
            float((a["Number of times tactic reported"] - a["Not reported"]).sum()), len(a))


def _said(x: float, n: float) -> str:
    return f"{x:,.0f} of {n:,.0f}, {100 * x / n:.1f}%"


def test_funnel_names_each_force_once_and_gives_every_pooled_share(shared_data):
    """All 43 forces' totals in one funnel: Avon & Somerset and Wiltshire are both comparable False
    and lacking a tactic not recorded, and were named in both warnings; the pooled share with and
    without the flagged forces was given for comparable only. Each reason still has its warning,
    but a force is named once with both reasons, and the like-for-like share without every flagged
    force is given (the raw CSV with pandas; the unrecorded tactics by w42c's rule on it)."""
    from test_s136_w42c import _raw_unrecorded

    path = shared_path(shared_data, UOF)
    raw = pd.read_csv(path)
    otherwise = {"Avon & Somerset", "Cleveland", "North Wales", "Warwickshire", "West Mercia", "Wiltshire"}
    lacking = {f for f, tactic in _raw_unrecorded(raw) if tactic == "*Total Tactics"}
    assert lacking == {"Avon & Somerset", "Cheshire", "Nottinghamshire", "Wiltshire"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_use_of_force(path)
    assert set(t.loc[~t["comparable"], "force"]) == otherwise
    forces = t[t["row_type"].eq("all tactics")]
    assert len(forces) == 43
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        target = saferstats.funnel_target("mental_health", "condition_reported", data=forces, kind="proportion")
    said = [str(w.message) for w in seen if "like for like with the others'" in str(w.message)]
    assert len(said) == 2  # one warning per reason
    first, second = said
    assert "6 points not recorded like for like" in first and "4 points lacking a tactic" in second
    for both in ("Avon & Somerset", "Wiltshire"):
        assert f"{both} (also tactic_unrecorded True)" in first and both not in second
    assert ": Cheshire, Nottinghamshire and 2 named in the warning above, with this reason too." in second
    x, n, k = _pooled(raw, set())
    assert target == pytest.approx(100 * x / n)
    x1, n1, k1 = _pooled(raw, otherwise)
    assert f"With them the pooled share is {_said(x, n)}; without them {_said(x1, n1)} ({k1} points, 6 left out)." \
        in first
    x2, n2, k2 = _pooled(raw, lacking)
    assert f"With them the pooled share is {_said(x, n)}; without them {_said(x2, n2)} ({k2} points, 4 left out)." \
        in second
    x3, n3, k3 = _pooled(raw, otherwise | lacking)
    assert (k3, x3, n3) == (35, 102359.0, 635629.0)
    assert ("Without every flagged point (data[data['comparable'] & ~data['tactic_unrecorded']]) the like-for-like "
            f"pooled share is {_said(x3, n3)} (35 points, 8 left out).") in second
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = saferstats.funnel_target("mental_health", "condition_reported", kind="proportion",
                                       data=forces[forces["comparable"] & ~forces["tactic_unrecorded"]])
    assert got == pytest.approx(100 * x3 / n3)


# ----------------------------------------------------------------------------- 2: England's rates and their population

MHA_CSV = "s136_mental_health/nhs_mha_annual_2023_24/DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv"


def test_englands_rates_are_checked_against_one_population(shared_data):
    """`rate_per` said "100,000 people in England" of every England row without checking: "Short
    term orders" (All) 41.3 for 25,513 implies about 61.8 million people and "Detentions on
    admission to hospital" 60.1 for 36,686 about 61.0 million, where Section 136's 29.2 for 16,837
    gives 57.7 million. Both are rates of the MHSDS count (mental health services only). From the
    raw CSV with pandas: population = count / (rate ± 0.05) × 100,000."""
    raw = pd.read_csv(shared_path(shared_data, MHA_CSV))
    eng = raw[raw["OrganisationBreakdown"].eq("All submissions") & raw["Demographic"].eq("All")
              & raw["DemographicBreakdown"].eq("All") & raw["CrudeRate"].notna()].copy()
    eng["lo"] = eng["Total_Count"] / (eng["CrudeRate"] + 0.05) * 1e5
    eng["hi"] = eng["Total_Count"] / (eng["CrudeRate"] - 0.05) * 1e5
    s136 = eng[eng["measureSubcategory"].eq("Section 136")].iloc[0]
    assert (s136["Total_Count"], s136["CrudeRate"]) == (16837, 29.2)
    assert round(s136["Total_Count"] / s136["CrudeRate"] * 1e5 / 1e6, 1) == 57.7
    off = eng[(eng["lo"] > 58e6)]
    assert sorted(off["Measure"]) == ["Detentions on admission to hospital", "Short term orders"]
    fit = eng.drop(off.index)
    ref = (fit["lo"].max(), fit["hi"].min())
    assert len(fit) == 7 and ref[0] <= ref[1] and f"{ref[0] / 1e6:.1f}" == f"{ref[1] / 1e6:.1f}" == "57.7"
    sto = off[off["Measure"].eq("Short term orders")].iloc[0]
    assert (sto["Total_Count"], sto["CrudeRate"], round(sto["Total_Count"] / sto["CrudeRate"] * 100)) == (25513, 41.3, 61775)  # thousands
    for _, r in off.iterrows():  # their MHSDS counts fit England's population
        assert r["MHSDS_Count"] / (r["CrudeRate"] + 0.05) * 1e5 <= ref[1]
        assert r["MHSDS_Count"] / (r["CrudeRate"] - 0.05) * 1e5 >= ref[0]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_mha_annual(shared_path(shared_data, MHA_CSV))
    listed = t.attrs["rates_not_of_count"]
    assert sorted(d["source_line"] for d in listed) == sorted(int(i) + 2 for i in off.index)
    for d in listed:
        r = raw.loc[d["source_line"] - 2]
        assert (d["count"], d["mhsds_count"], d["crude_rate"], d["of"]) == (
            r["Total_Count"], r["MHSDS_Count"], r["CrudeRate"], "mhsds_count")
        assert d["england_population"] == pytest.approx(list(ref))
    row = t[t["organisation_level"].eq("All submissions") & t["demographic"].eq("All") & t["breakdown"].eq("All")
            & t["measure"].eq("Short term orders") & t["subcategory"].eq("All")]
    assert row["rate_per"].iloc[0] == (
        "100,000 people in England, of mhsds_count only (the mental health services' records, not the A&E uses count "
        "adds): count / crude_rate gives 61.7 to 61.8 million where the other All rows give about 57.7 million; "
        "crude_rate is not count's rate")
    ok = t[t["organisation_level"].eq("All submissions") & t["demographic"].eq("All") & t["crude_rate"].notna()
           & t["subcategory"].eq("Section 136")]
    assert ok["rate_per"].iloc[0].startswith("100,000 people in England (about 57.7 million: count / crude_rate")
    doc = " ".join((saferstats.read_mha_annual.__doc__ or "").split())
    assert "**England's rates do not all fit one population.**" in doc and 'attrs["rates_not_of_count"]' in doc

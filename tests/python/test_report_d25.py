"""Session 19 (lead): the report's page rounds each value once (the CSV rounded it first, and the
page rounded that again), its find-rate finding reads many comparisons together, and a hotspot
section with no cluster says why on the page."""

from __future__ import annotations

import html
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

import saferstats
from conftest import build_report, shared_path
from saferstats.io import read_once
from saferstats.report.sections import _round, _stop_search, csv_rounded
from saferstats.report.summary import executive_summary
from saferstats.report.tables import display_table

CFG = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Hertfordshire"}
SEARCHES = "stop_search/policeuk_7forces_2019-12_to_2020-02"


# ------------------------------------------------------------------------- rounding, once

def test_page_rounds_the_exact_value_not_the_csvs():
    """Hertfordshire's ratio to its peer group, lower limit 0.8648 (hate crime 2018/19): the frame was
    rounded to 0.865 for the CSV and the page rounded that to "0.87", beside "0.86" in the finding.
    The frame now keeps the exact value; the CSV is rounded as it is written."""
    f = _round(pd.DataFrame({"area": ["A", "B"], "ratio": [0.91, 1.2], "ratio_lower": [0.8648, 1.0449],
                             "ratio_upper": [0.96, 1.4]}), 3)
    shown = display_table(f, "Peers").rows
    assert [r[2] for r in shown] == ["0.86", "1.04"]   # round(0.8648, 2), round(1.0449, 2)
    csv = csv_rounded(f)
    assert csv["ratio_lower"].tolist() == [0.865, 1.045]  # the CSV keeps its 3 decimals
    # and no more decimals than the CSV keeps (what the disclosure audit reads): a rate of 0.35 in a
    # table whose CSV keeps 1 decimal shows "0.4", as the CSV, not "0.350"
    h = _round(pd.DataFrame({"area": ["A", "B"], "rate": [0.35, 0.2]}), 1)
    assert [r[1] for r in display_table(h, "Rates").rows] == ["0.4", "0.2"]
    assert csv_rounded(h)["rate"].tolist() == [0.4, 0.2]   # a half up, as the page (numpy: 0.3, from 0.34999...)
    assert csv_rounded(_round(pd.DataFrame({"percent": [12.25]}), 1))["percent"].tolist() == [12.3]  # 49/400
    # numbers among "[c]" marks are rounded in the CSV too; p-values keep full precision
    g = _round(pd.DataFrame({"rate": [0.123456, 2.0], "p_value": [0.0123456, 0.5]}), 2).astype({"rate": object})
    g.loc[1, "rate"] = "[c]"
    out = csv_rounded(g)
    assert out["rate"].tolist() == [0.12, "[c]"] and out["p_value"].tolist() == [0.0123456, 0.5]


# ------------------------------------------------------------ many comparisons, read together

@pytest.fixture(scope="module")
def seven_forces(shared_data):
    path = shared_path(shared_data, SEARCHES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search(CFG, {"files": [str(path)], "by": ["force"], "census": "auto"})
        records = saferstats.read_stop_search(path)
        out = saferstats.outcome_test(records, outcome="find", by="force")
    return s, out


def test_find_finding_says_which_differences_stay_after_benjamini_hochberg(seven_forces):
    """police.uk, seven forces, Dec 2019 - Feb 2020: the find table compares 12 groups with White
    people (in the forces whose find rates are comparable) and the finding called two differences
    significant (Asian people in Essex and in South Yorkshire); with 12 comparisons about 0.6 would be
    by chance alone. Benjamini-Hochberg over the 12 p-values (statsmodels' ``multipletests``, an
    independent implementation) keeps South Yorkshire's only: the finding now says so."""
    s, out = seven_forces
    p = out["p_value"].to_numpy(dtype=float)
    tested = np.isfinite(p)
    kept = np.zeros(len(out), dtype=bool)
    kept[tested] = multipletests(p[tested], alpha=0.05, method="fdr_bh")[0]
    assert int(tested.sum()) == 12
    kept_rows = out[kept]
    assert [(str(f), str(g)) for f, g in zip(kept_rows["force"], kept_rows["group"])] == [("south-yorkshire", "Asian")]
    text = " ".join(executive_summary([s], CFG).findings["stop_search"])
    text = re.sub(r"\s+", " ", text)
    assert "for Asian people in Essex (29% against 23%, higher) and Asian people in South Yorkshire" in text
    # (session 20: the sentence adjusts over the comparisons the table shows, and names their number: 2 of
    # the 12 have their counts suppressed, so 10 p-values are published; statsmodels over those 10 keeps
    # South Yorkshire's only, as over all 12)
    finds = next(t.frame for t in s.tables if t.name == "stop_search_find_rates")
    shown = pd.to_numeric(finds["p_value"], errors="coerce")
    shown = shown[shown.notna() & (finds["group"].astype(str) != "White")]
    assert len(shown) == 10
    kept_shown = finds.loc[shown.index[multipletests(shown.to_numpy(), alpha=0.05, method="fdr_bh")[0]]]
    assert [(str(f), str(g)) for f, g in zip(kept_shown["force"], kept_shown["group"])] == [("South Yorkshire", "Asian")]
    assert ("The find table shows 10 comparisons with White people, so about 0.5 would be statistically "
            "significant by chance alone: after adjusting for these 10 comparisons (Benjamini-Hochberg, false "
            "discovery rate 5%), only Asian people in South Yorkshire (20% against 11%, higher) stays statistically "
            "significant.") in text


def test_find_percentages_in_the_finding_are_the_exact_shares(seven_forces):
    """Essex's Asian people: 66 finds in 224 searches (29.46%), White 900 in 3,834 (23.47%): the
    finding said "30% against 24%" from the CSV's 0.295 and 0.235 rounded again."""
    _, out = seven_forces
    essex = out[out["force"].astype(str) == "essex"].set_index("group")
    assert (int(essex.loc["Asian", "hits"]), int(essex.loc["Asian", "n"])) == (66, 224)
    assert (int(essex.loc["White", "hits"]), int(essex.loc["White", "n"])) == (900, 3834)
    assert f"{100 * 66 / 224:.0f}% against {100 * 900 / 3834:.0f}%" == "29% against 23%"


def test_many_comparisons_warning_is_not_repeated_on_the_console(shared_data, tmp_path, capsys):
    path = shared_path(shared_data, SEARCHES)
    from saferstats.__main__ import main

    cfg = tmp_path / "a.toml"
    cfg.write_text(f'title = "T"\narea = "Hertfordshire"\n[stop_search]\nfiles = ["{path}"]\nby = ["force"]\n',
                   encoding="utf-8")
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert "comparisons with the White rate" not in err   # the finding says it, from published rows only
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (tmp_path / "o" / "index.html").read_text(encoding="utf-8")))
    assert "The find table shows 10 comparisons with White people" in page  # (the published ones: session 20)


# --------------------------------------------------------------------------- no cluster

def test_no_cluster_is_said_on_the_page_and_not_read_as_no_hotspot(tmp_path):
    """The bundled police.uk ASB points with min_samples larger than all of them: dbscan's warning
    (which radius or min_samples would give a cluster) went to the console only, and the summary said
    "No clusters of incidents were found", which reads as "no hotspots"."""
    folder = saferstats.datasets.street_crime_sample_path()
    out = build_report(tmp_path, f'title = "T"\narea = "Hertfordshire"\n[hotspots]\nfiles = ["{folder}"]\n'
                                 'crime_type = "Anti-social behaviour"\neps_m = 20\nmin_samples = 100000\n')
    page = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (out / "index.html").read_text(encoding="utf-8"))))
    assert "Note: dbscan: no cluster: all " in page and "min_samples" in page
    assert ("No clusters of incidents were found at the report's clustering settings ([hotspots] eps_m and "
            "min_samples; the section says which would find one): that is not the same as no hotspots") in page


# ------------------------------------------------------------------ fly-tipping heading

DEFRA = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"


@pytest.fixture(scope="module")
def defra(shared_data):
    """Defra's workbook (its path) and read_flytipping's table of it, read once for this file's tests
    (through read_once, as the report's sections of these tests read it: one read, was two)."""
    pytest.importorskip("openpyxl")
    path = shared_path(shared_data, DEFRA)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return path, read_once(saferstats.read_flytipping, path)


@pytest.mark.parametrize("area, unit", [("Thames Valley", "local authority"), ("Hertfordshire", "district")])
def test_fly_tipping_heading_says_district_only_of_districts(defra, area, unit):
    """Thames Valley's authorities are mostly unitaries (Milton Keynes, Reading, Buckinghamshire, ...;
    ONS codes E06) beside Oxfordshire's districts (E07): its section was headed "district rates ... by
    district". Hertfordshire's ten are all districts (E07) and keep it."""
    from saferstats.report.sections import _flytipping

    path, ft = defra
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _flytipping({**CFG, "area": area}, {"file": str(path)})
    shown = next(t for t in s.tables if t.name == "flytipping_rates").frame
    names = set(shown.iloc[:, 0].astype(str))
    codes = set(ft.loc[ft["la_name"].isin(names), "la_code"].str[:3])
    assert (codes <= {"E07", "E08"}) == (unit == "district") and len(names) > 1
    assert s.title == f"Fly-tipping: {unit} rates"
    assert s.intro.startswith(f"Fly-tipping incidents per 1,000 residents by {unit}, 2021/22,")


def test_funnel_caption_names_the_areas_authorities_it_leaves_out(defra):
    """Essex, 2021/22: the caption said "Essex's 13 authorities highlighted" beside a rates table of
    14; the 14th, Tendring, is not in the funnel because Defra's workbook says it did not count all
    incidents that year (its Reporting basis), which the caption now says by name."""
    from saferstats.report.sections import _flytipping

    path, ft = defra
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _flytipping({**CFG, "area": "Essex"}, {"file": str(path)})
    tendring = ft[(ft["la_name"] == "Tendring") & (ft["period"] == "2021/22")]
    assert len(tendring) == 1 and tendring["reporting_basis"].iloc[0] != "All incidents"
    shown = next(t for t in s.tables if t.name == "flytipping_rates").frame
    assert len(shown) == 14 and "Tendring" in set(shown.iloc[:, 0].astype(str))
    cap = next(f for f in s.figures if f.name == "flytipping_funnel").caption
    assert "(Essex's 13 authorities highlighted; not shown: Tendring: not counting all incidents);" in cap

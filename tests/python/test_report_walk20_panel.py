"""The demo report as a Police and Crime Panel member reads it (walk 20).

1. The Section 136 tables had identifiers as row headers (``conversion``, ``nfa``, ``health_based``,
   ``outcome | s2``, ``place_of_safety | a_and_e``); the page now says them in words, the CSVs keep
   the identifiers (other code and tests join on them).
2. Area names: the hate crime and stop and search tables said "City of London" while the fly-tipping
   and hotspot tables said the ONS key ("Kingston upon Hull, City of"); every page table now says
   the name as the text does, the CSV as published.
3. The national hate crime chart's legend (eleven entries) sat on the axes over the Race line; it is
   now beside them.
4. Headers and captions with machine names: "Highway footpath", "Private percent", "Other councils",
   "Censored", "wald-log" in a caption, "post / pre".

Expected words are written out here (not read back from the code); counts are checked against the
CSVs the same report wrote.
"""

from __future__ import annotations

import html
import re
import warnings

import pandas as pd
import pytest

from saferstats.report.tables import display_table


def _tables(page: str) -> dict[str, str]:
    """Each table of the page by its id (``tab-<name>``)."""
    return {m.group(1): m.group(0) for m in re.finditer(r'<table[^>]*id="tab-([a-z0-9_]+)".*?</table>', page, re.S)}


def _cells(table: str, tag: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", table, re.S)]


def _row_headers(table: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table, re.S)]


def _col_headers(table: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)]


def _caption(table: str) -> str:
    return html.unescape(re.search(r"<caption>(.*?)</caption>", table, re.S).group(1))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from saferstats.__main__ import main

    out = tmp_path_factory.mktemp("walk20") / "d"
    assert main(["report", "--demo", "--out", str(out), "--quiet"]) == 0
    return out, (out / "index.html").read_text(encoding="utf-8")


def test_s136_rates_rows_in_words(demo):
    out, page = demo
    t = _tables(page)["s136_rates"]
    assert _row_headers(t) == ["Conversion: detained under section 2 or 3",
                               "Admission: informally or under section 2 or 3", "No further action"]
    assert "NFA" not in _caption(t) and "assessed" in _caption(t)
    csv = pd.read_csv(out / "s136_rates.csv")
    assert list(csv["measure"]) == ["conversion", "admission", "nfa"]  # the CSV keeps the identifiers
    # the page's counts are the CSV's
    counts = _cells(t, "td")[::5]
    assert counts == [f"{int(v):,}" for v in csv["count"]]


def test_s136_place_of_safety_named_once(demo):
    out, page = demo
    t = _tables(page)["s136_place_of_safety"]
    assert _row_headers(t) == ["Health-based place of safety", "A&E", "Police station", "Other"]
    assert _col_headers(t)[0] == "Place of safety" and "Name" not in _col_headers(t)
    assert not {"health_based", "a_and_e", "police_station"} & set(_cells(t, "td"))
    assert list(pd.read_csv(out / "s136_place_of_safety.csv")["place_of_safety"]) == [
        "health_based", "a_and_e", "police_station", "other"]


def test_s136_before_after_rows_in_words(demo):
    out, page = demo
    t = _tables(page)["s136_before_after"]
    rows = _row_headers(t)
    csv = pd.read_csv(out / "s136_before_after.csv")
    assert len(rows) == len(csv)
    assert rows[:5] == ["Outcome: admitted informally", "Outcome: detained under section 2",
                        "Outcome: detained under section 3", "Outcome: referred to community / other services",
                        "Outcome: discharged - no mental disorder / no further action"]
    assert "Rate: conversion: detained under section 2 or 3" in rows and "Place of safety: A&E" in rows
    assert not any(re.fullmatch(r"(?=.*[a-z])[a-z0-9_]+", c) for c in _cells(t, "td") + rows), rows
    assert "Kind" not in _col_headers(t)
    assert "(after / before)" in _caption(t) and "post / pre" not in page
    assert set(csv["kind"]) == {"outcome", "rate", "place_of_safety"}  # the CSV keeps the identifiers


def test_s136_durations_and_its_headers(demo):
    out, page = demo
    tabs = _tables(page)
    heads = _col_headers(tabs["s136_durations"])
    assert heads[:2] == ["Detentions timed", "No end time"] and "Censored" not in heads and "Number" not in heads
    d = pd.read_csv(out / "s136_durations.csv").iloc[0]
    shown = _row_headers(tabs["s136_durations"]) + _cells(tabs["s136_durations"], "td")
    assert shown[:2] == [f"{int(d['n']):,}", f"{int(d['censored']):,}"]
    # the ITS model is said once, in the caption, not as a "Model:" line with "chi2/df" and "SEs"
    cap = _caption(tabs["s136_its"])
    assert "Model:" not in cap and "chi2" not in cap
    assert "model" in pd.read_csv(out / "s136_its.csv").columns
    # the rate ratio and its limits: one rounding, the limits named as the rate ratio's
    its = tabs["s136_its"]
    assert _col_headers(its)[1:4] == ["Rate ratio", "Rate ratio: lower 95% limit", "Rate ratio: upper 95% limit"]
    its_rows = re.findall(r"<tr><th scope=\"row\".*?</tr>", its, re.S)
    assert len(its_rows) == 2  # the level and the slope change
    for row in its_rows:
        est, lo, hi = _cells(row, "td")[:3]
        assert len({len(v.split(".")[1]) for v in (est, lo, hi)}) == 1, (est, lo, hi)


def test_every_page_table_says_area_names_as_the_text():
    """Fly-tipping (la_name), hotspots (district) and any area column: the page's name; the frame unchanged."""
    frame = pd.DataFrame({"la_name": ["Kingston upon Hull, City of", "Herefordshire, County of", "Leeds"],
                          "incidents": [4000, 1100, 12000]})
    d = display_table(frame, "Fly-tipping")
    assert [r[0] for r in d.rows] == ["Kingston upon Hull", "Herefordshire", "Leeds"]
    assert frame["la_name"].iloc[0] == "Kingston upon Hull, City of"  # the CSV's frame is not touched
    hot = pd.DataFrame({"label": [3], "district": ["Bristol, City of"], "n": [40], "centroid_lat": [51.45],
                        "centroid_lon": [-2.59]})
    assert display_table(hot, "Clusters").rows[0][1] == "Bristol"
    other = pd.DataFrame({"group": ["London, City of"], "count": [3]})  # not an area column: left as given
    assert display_table(other, "x").rows[0][0] == "London, City of"


def test_own_area_row_highlighted_under_its_page_name():
    from saferstats.report.render import render_html
    from saferstats.report.sections import Section, Table

    cfg = {"title": "t", "area": "Kingston upon Hull, City of", "confidence": 0.95, "disclosure_threshold": 5}
    t = Table("flytipping_land", "Land", pd.DataFrame({"la_name": ["Kingston upon Hull, City of", "Leeds"],
                                                       "incidents": [4000, 12000]}))
    page = render_html(cfg, [Section("flytipping", "Fly-tipping", "Intro", "Defra", tables=[t])])
    assert re.search(r'<tr class="highlight">\s*<th scope="row">Kingston upon Hull</th>', page), page


def test_flytipping_headers_in_words():
    land = pd.DataFrame({"la_name": ["Dacorum"], "incidents": [1587], "highway_footpath": [961.0],
                         "council_land": [615.0], "private_land": [6.0], "other_land": [5.0],
                         "private_percent": [0.4]})
    assert display_table(land, "Land").headers == ["Local authority", "Incidents", "Highways and footpaths",
                                                   "Council land", "Private land", "Other land", "% on private land"]
    eng = pd.DataFrame({"la_name": ["Broxbourne"], "apc": [5.963], "apc_england": [5.308], "ratio_england": [1.006],
                        "ratio_england_lower": [0.975], "ratio_england_upper": [1.038], "p_value": [0.67],
                        "against_england": ["in line with England"], "other_councils": [237], "n_periods": [10]})
    heads = display_table(eng, "Against England").headers
    assert "Other councils" not in heads and "England councils compared" in heads
    assert heads[3:6] == ["Trend ratio to England", "Trend ratio to England: lower 95% limit",
                          "Trend ratio to England: upper 95% limit"]


def test_hate_crime_change_caption_has_no_method_key(demo):
    _out, page = demo
    cap = _caption(_tables(page)["hate_crime_change"])
    assert "wald-log" not in cap and "Wald interval on the log scale" in cap


def test_national_chart_legend_beside_the_axes(monkeypatch):
    """The legend's box and the axes' box do not overlap (it hid part of the Race line)."""
    import matplotlib.pyplot as plt

    from saferstats.report import sections
    from saferstats.report.config import demo_config

    figs = []
    monkeypatch.setattr(sections, "_png", lambda fig: figs.append(fig) or b"")
    cfg = demo_config()
    sec = {k: v for k, v in cfg["hate_crime"].items() if k not in ("monthly", "forces")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = sections._hate_crime(cfg, sec)
    names = [f.name for f in s.figures]
    fig = figs[names.index("hate_crime_national")]
    try:
        ax = fig.axes[0]
        leg = ax.get_legend()
        assert leg is not None
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        lb, ab = leg.get_window_extent(r), ax.get_window_extent(r)
        assert lb.x0 >= ab.x1 or lb.y1 <= ab.y0, (lb, ab)  # beside or below, not on the data
        texts = [t.get_text() for t in leg.get_texts()]
        assert "Race" in texts and any(t.startswith("Race trend") for t in texts)  # the entries are all still there
    finally:
        for f in figs:
            plt.close(f)


def test_funnel_position_in_words():
    """"High (0.025)" read as a p-value; the page says which limit the area is beyond. The CSV keeps the label."""
    frame = pd.DataFrame({"force": ["A", "B", "C", "D", "E"], "rate": [1.0, 2.0, 3.0, 4.0, 5.0],
                          "significance": ["Low (0.001)", "Low (0.025)", "Not significant", "High (0.025)",
                                           "High (0.001)"]})
    assert [r[-1] for r in display_table(frame, "Rates").rows] == [
        "Below the 99.8% limit", "Below the 95% limit", "Within the limits", "Above the 95% limit",
        "Above the 99.8% limit"]
    assert frame["significance"].iloc[0] == "Low (0.001)"


def test_peer_and_cluster_headers_in_words():
    peers = pd.DataFrame({"force": ["Hertfordshire"], "period": ["2018/19"], "n_peers": [7], "rate": [135.089],
                          "group_rate": [148.393], "group_rate_lower": [146.148], "group_rate_upper": [150.664],
                          "rank": [8], "of": [8], "ratio_to_group": [0.91], "compared_with_group": ["lower"]})
    heads = display_table(peers, "Peers").headers
    assert heads == ["Police force area", "Period", "Peer forces", "Rate", "Peer group rate",
                     "Peer group rate: lower 95% limit", "Peer group rate: upper 95% limit", "Rank", "Out of",
                     "Ratio to peer group", "Against peer group"]
    clusters = pd.DataFrame({"label": [45], "district": ["Watford"], "n": [745], "locations": [82],
                             "centroid_lat": [51.6558], "centroid_lon": [-0.397]})
    assert display_table(clusters, "Clusters").headers[:4] == ["Cluster", "District", "Incidents", "Map points"]


def test_nhs_conversion_table_in_words(tmp_path, shared_data):
    """The NHS conversion table's headers were proportion_ci's "Successes | Trials | Value", its counts
    printed without a thousands separator ("15212"). The page's cells are the report's CSV's (whose
    counts test_report_s136_counts checks against the published sheet)."""
    from conftest import build_report

    xlsx = shared_data / "s136_mental_health" / "nhs_mha_annual_2023_24" / "mha_annual_suppressed_2023_24 (version 1).xlsx"
    if not xlsx.is_file():
        pytest.skip("the NHS Mental Health Act annual workbook is not in ../shared/data")
    out = build_report(tmp_path, f'title = "T"\narea = "Merseyside"\n[s136]\nmha_file = "{xlsx}"\n')
    page = (out / "index.html").read_text(encoding="utf-8")
    conv, eth = _tables(page)["s136_mha_conversion"], _tables(page)["s136_mha_ethnicity"]
    assert _col_headers(conv) == ["Followed by", "Count", "Out of", "%", "Lower 95% limit", "Upper 95% limit"]
    csv = pd.read_csv(out / "s136_mha_conversion.csv")
    assert {"successes", "trials", "value"} <= set(csv.columns)  # the CSV as before
    rows = re.findall(r'<tr><th scope="row".*?</tr>', conv, re.S)
    assert len(rows) == len(csv) == 2
    for row, r in zip(rows, csv.itertuples()):
        assert _cells(row, "td")[:3] == [f"{r.successes:,}", f"{r.trials:,}", f"{100 * r.successes / r.trials:.1f}"]
        assert r.trials > 9999  # so the separator is tested
    assert "Ratio to White" in _col_headers(eth) and "Age-standardised rate" in _col_headers(eth)


def test_s136_findings_give_their_denominators(demo):
    """"20% of assessed detentions" and "fell 38%" said neither how many: the counts are from the report's CSVs."""
    out, page = demo
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    r = pd.read_csv(out / "s136_rates.csv").set_index("measure").loc["conversion"]
    assert re.search(rf"\d+% of assessed Section 136 detentions \({int(r['count']):,} of {int(r['assessed']):,}\) led to",
                     text)
    ba = pd.read_csv(out / "s136_before_after.csv")
    nfa = ba[(ba.kind == "outcome") & (ba.measure == "nfa")].iloc[0]
    assert re.search(r"The share with no further action after the pilot compared with before [^.]*\(" +
                     f"{nfa.pre_count:,} of {nfa.pre_n:,} assessed detentions before, {nfa.post_count:,} of "
                     rf"{nfa.post_n:,} after\)\.", text)


def test_s136_text_points_to_the_appendix_not_a_repository_file(demo):
    _out, page = demo
    s136 = page[page.index("<section id='s136'"):]
    s136 = s136[:s136.index("</section>")]
    assert "docs/methods/s136.md" not in s136 and "see the Methods appendix" in s136

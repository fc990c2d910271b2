"""Session 20 (w28a): the report's hotspot, stop-search and SPC sections."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from conftest import report_hotspots, shared_path


def _herts_files(shared_data):
    folder = shared_path(shared_data, "street_crime")
    files = sorted(str(f) for f in folder.glob("*-hertfordshire-street.csv"))
    assert len(files) == 13
    return files


def test_cluster_shape_warnings_are_said_on_the_page_not_the_console(shared_data):
    """Dacorum ASB, Jan 2021-Jan 2022 (eps 100 m, at least 10): cluster_summary warns that 20 of the
    98 clusters have no outline (two map points) and that the 10 highest densities are triangles of
    3 map points. The report printed both on the console in the library's words and its cluster table
    headed the new `note` column "Note"; now the section says both once, and the column has a header."""
    from saferstats.exceptions import SaferstatsWarning
    from saferstats.report.sections import _hotspots
    from saferstats.report.tables import display_table, header

    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Dacorum"}
    sec = {"files": _herts_files(shared_data), "crime_type": "Anti-social behaviour", "study_area": "Dacorum",
           "eps_m": 100, "min_samples": 10, "cell_size": 1000}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = _hotspots(cfg, sec)
    said = [str(w.message) for w in caught if issubclass(w.category, SaferstatsWarning)]
    assert not [m for m in said if "have no outline" in m or "highest density_per_km2" in m], said
    assert (" 20 of the 98 clusters are each at two map points or on one line: their outline has no area, "
            "so no density is given") in s.intro
    assert ("The highest density in the table (33,459 per km², cluster 11) is of a cluster at only 3 map points, "
            "as are the 10 highest") in s.intro
    t = next(t for t in s.tables if t.name == "hotspot_clusters")
    tab = t.frame  # (the CSV: the library's notes)
    assert list(tab.columns).index("note") == list(tab.columns).index("density_per_km2") + 1
    notes = tab["note"].astype(str)
    assert (notes == "two map locations: no area (a line), no density").sum() == 20
    assert header("note") == "Note on area and density"
    # the page: a narrow cell (the long notes made the demo's cluster table spill a near-blank PDF page)
    page = t.page["note"].astype(str)
    assert (page == "2 points: no area").sum() == 20 and (page == "1 point: no area").sum() == 39
    assert (page == "3 points: a triangle").sum() == (notes.str.startswith("outline of only 3")).sum() > 0
    shown = display_table(t.page, "c")
    assert "Note on area and density" in shown.headers and "Note" not in shown.headers


def test_cluster_note_column_left_out_when_no_cluster_needs_one():
    """Two clusters of many map points each: every `note` is "", so the table has no empty column."""
    rng = np.random.default_rng(1)
    data = pd.DataFrame({"lat": np.r_[51.5172 + rng.normal(0, 1e-4, 20), 51.5137 + rng.normal(0, 1e-4, 15)],
                         "lon": np.r_[-0.0809 + rng.normal(0, 1e-4, 20), -0.1024 + rng.normal(0, 1e-4, 15)]})
    _, s, tab = report_hotspots("City of London", {"data": data, "lat": "lat", "lon": "lon", "eps_m": 100.0,
                                                   "min_samples": 10, "cell_size": 250.0})
    assert sorted(tab["n"].astype(int)) == [15, 20]
    assert "note" not in tab.columns
    assert "two map points" not in s.intro and "only 3 map points" not in s.intro


def _s136_section(records=None, population=1_100_000):
    from saferstats.report.sections import _s136

    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "X"}
    sec = {"data": records, "split": "2024-01-01", "population": population}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _s136(cfg, sec)


def test_s136_detention_rates_and_their_ratio_are_published_with_a_population():
    """[s136] population = 1100000: before_after returns the detention rates per 100,000 a year and
    their rate ratio, but the report's before/after table selected the proportions only. Now a table
    gives them (the synthetic pilot: 703 detentions over 24 months before, 293 over 12 from the split)."""
    import saferstats as ss

    s = _s136_section()
    t = next(t for t in s.tables if t.name == "s136_detention_rates")
    ba = ss.before_after(ss.synthetic.s136_pilot_records(seed=136), split="2024-01-01", population=1_100_000.0)
    f = t.frame
    assert f["detentions"].tolist() == [703, 293]
    assert f["months"].tolist() == [24, 12]
    assert f["person_years"].tolist() == [2_200_000.0, 1_100_000.0]
    assert f["rate"].tolist() == [ba["pre_rate"].iloc[0], ba["post_rate"].iloc[0]]
    assert abs(f["rate"].iloc[0] - 703 / 2_200_000 * 100_000) < 1e-9
    assert abs(f["rate_ratio"].iloc[1] - (293 / 1_100_000) / (703 / 2_200_000)) < 1e-9
    assert f["rate_ratio_lower"].iloc[1] == ba["rate_ratio_lower"].iloc[0]
    assert f["p_value"].iloc[1] == ba["rate_ratio_p"].iloc[0]
    assert pd.isna(f["rate_ratio"].iloc[0])
    assert "after / before" in t.caption and "1,100,000 residents" in t.caption
    # without a population there are no rates to show
    from saferstats.report.sections import _s136

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _s136({"confidence": 0.95, "disclosure_threshold": 5, "area": "X"}, {"data": None, "split": "2024-01-01"})
    assert "s136_detention_rates" not in [t.name for t in s.tables]


def test_s136_hidden_detentions_hide_their_rate_the_ratio_and_what_gives_them_back():
    """Three detentions from the split: that count, its rate and the ratio are hidden; and the
    detentions before it too, since the published total (706, the durations table) less them
    would give the three back."""
    import saferstats as ss

    from saferstats.report.sections import MARKER

    recs = ss.synthetic.s136_pilot_records(seed=136)
    t = pd.to_datetime(recs["detention_time"])
    keep = (t < "2024-01-01") | t.index.isin(t[t >= "2024-01-01"].index[:3])
    s = _s136_section(recs[keep].reset_index(drop=True))
    f = next(t for t in s.tables if t.name == "s136_detention_rates").frame
    dur = next(t for t in s.tables if t.name == "s136_durations").frame
    assert int(dur["detentions"].iloc[0]) == 706
    for c in ("detentions", "rate", "rate_lower", "rate_upper"):
        assert f[c].tolist() == [MARKER, MARKER], c
    for c in ("rate_ratio", "rate_ratio_lower", "rate_ratio_upper", "p_value"):
        assert f[c].iloc[1] == MARKER, c


def test_s136_detention_rates_csv_is_written(tmp_path):
    import saferstats as ss

    from conftest import build_report

    ss.synthetic.s136_pilot_records(seed=136).to_csv(tmp_path / "s136.csv", index=False)
    out = build_report(tmp_path, 'title = "T"\narea = "X"\n[s136]\nfile = "s136.csv"\nsplit = "2024-01-01"\n'
                                 'population = 1100000\n')
    csv = pd.read_csv(out / "s136_detention_rates.csv")
    assert csv["detentions"].tolist() == [703, 293]
    assert "Detentions per 100,000 residents a year" in (out / "index.html").read_text()


def test_essex_limitations_name_the_city_caution_and_the_searches_not_placed(shared_data):
    """examples/essex_published.toml's stop and search ([force, csp], Dec 2019 - Feb 2020): the section
    said that no South Yorkshire search could be placed in a CSP (police.uk's South Yorkshire files have
    no locations) and that the City of London's rates are per resident of an area most people searched
    there do not live in, but the report's data limitations said neither. Now they do, with the numbers."""
    from conftest import policeuk_stop_search_rows
    from saferstats.report.sections import _stop_search
    from saferstats.report.summary import _limitations

    folder = shared_path(shared_data, "stop_search/policeuk_7forces_2019-12_to_2020-02")
    rows = [r for f, r in policeuk_stop_search_rows(folder) if f == "south-yorkshire"]
    assert rows and not any(r["Latitude"] for r in rows)  # no South Yorkshire search has a location
    stated = sum(1 for r in rows if r["Self-defined ethnicity"] and not r["Self-defined ethnicity"].endswith("Not stated"))
    assert stated == 3461
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Essex"}
    sec = {"files": [str(folder)], "by": ["force", "csp"], "census": "auto"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search(cfg, sec)
    lim = _limitations([s], cfg)
    # (session 25, w37c: the rows' `denominator` caution by force and CSP, as a by-force report says it)
    assert ("Stop and search, the City of London: the City of London has a few thousand residents but a daytime "
            "population of hundreds of thousands, and most people searched there do not live there, so rates per "
            "resident (and ratios of them) are not comparable with other areas' rates.") in lim[-1]
    assert "Stop and search by Community Safety Partnership: Some searches could not be placed" in lim[-1]
    assert f"(South Yorkshire: {stated:,} of {stated:,}; Merseyside: 1,618 of 8,166; City of London: 188 of 582" in lim[-1]
    assert "No search of South Yorkshire could be placed, so its Community Safety Partnerships have no rates here." in lim[-1]


def test_stop_search_by_force_alone_adds_no_placement_limitation():
    """By force there is nothing to place (the bundled sample has no City of London searches): no limitation."""
    import saferstats as ss

    from saferstats.report.sections import _stop_search

    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Leicestershire"}
    sec = {"files": [str(ss.datasets.stop_search_sample_path())], "by": ["force"], "census": "2011"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _stop_search(cfg, sec)
    assert "could not be placed" not in s.limitation


def test_spc_alt_text_says_what_is_counted():
    """The SPC figure's alt text said "chart of monthly counts" of every series: now what is counted."""
    from saferstats.report.alt import figure_alt

    s = _s136_section()
    fig = next(f for f in s.figures if f.name == "s136_spc")
    alt = figure_alt(s, fig, {"area": "X"})
    assert alt.startswith("Statistical process control chart of Section 136 detentions per month, with the mean and "
                          "process limits recalculated at the change of period. "), alt
    assert "monthly counts" not in alt


def test_essex_example_comment_says_what_the_hertfordshire_files_give_inside_essex(shared_data):
    """examples/essex_published.toml said the Hertfordshire street files "give no points" inside Essex:
    they give 32 (anti-social behaviour), Hertfordshire Constabulary's records near its boundary,
    and the section maps none of them. The comment now says so; this pins it to the section's count."""
    import tomllib
    from pathlib import Path

    from saferstats.report.sections import _hotspots

    example = Path(__file__).resolve().parents[2] / "examples" / "essex_published.toml"
    text = example.read_text()
    assert "give no\n# points" not in text and "give no points" not in text
    assert "32 fall inside Essex, but they are Hertfordshire Constabulary's records" in text
    sec = dict(tomllib.loads(text)["hotspots"])
    assert sec["files"] == ["../../shared/data/street_crime/"]
    sec["files"] = [str(shared_path(shared_data, "street_crime"))]
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Essex"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _hotspots(cfg, sec)
    assert "Study area: Essex (police force area, E23000028): 32 points inside" in s.intro
    assert "Hertfordshire Constabulary's records" in s.intro and not s.tables and not s.figures

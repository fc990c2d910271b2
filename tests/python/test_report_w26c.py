"""The Essex strategic assessment from the published files (examples/essex_published.toml), session 19.

Stop and search by force and CSP (``[stop_search] by = ["force", "csp"]``, police.uk Dec 2019 -
Feb 2020): the key findings were written per force from a table of CSP rows, so "In Essex, Black
people were searched at 9.54 times the rate of White people" was Chelmsford's row, its "higher
ratios ... Black people (11.5 times, on 10 searches), Black people (10.7 times ...)" were three
other CSPs' rows, unnamed, and the find-rate finding said "Asian people in Essex (35% against 25%)"
twice: Chelmsford's Asian find rate against Basildon's White one (the force's first row). The
findings now name each CSP, compare it with White people in the same CSP, and cover the report's
own force's CSPs (other forces' are in the table).
"""

import csv
import json

import pandas as pd
import pytest

from saferstats.report.sections import Section, Table
from saferstats.report.summary import _find_item, executive_summary
from search_tables import ratio_rows, search_section


def _rows(force, csp, rows):
    return ratio_rows(rows, force=force, csp=csp, csp_code="E22")


def _csp_table():
    # the report's own rows (police.uk, Dec 2019 - Feb 2020, Census 2011)
    rows = _rows("Essex", "Basildon", [("Black", 36, 2.73, 1.95, 3.83), ("White", 455, 1.0, None, None)])
    rows += _rows("Essex", "Braintree", [("Black", 11, 10.70, 5.83, 19.64), ("White", 160, 1.0, None, None)])
    rows += _rows("Essex", "Chelmsford", [("Black", 67, 9.54, 7.43, 12.25), ("White", 541, 1.0, None, None)])
    rows += _rows("Leicestershire", "Leicester", [("Black", 56, 4.05, 2.94, 5.58), ("White", 300, 1.0, None, None)])
    return pd.DataFrame(rows)


def test_csp_findings_name_each_csp_of_the_reports_force():
    sec = search_section(_csp_table())
    f = executive_summary([sec], {"area": "Essex", "confidence": 0.95}).findings["stop_search"]
    assert f[0].startswith("Across the 3 Community Safety Partnerships of Essex in the table (other forces' areas: see "
                           "the table), at least one ethnic group was searched at a statistically significantly higher "
                           "rate than White people in Basildon and Chelmsford (2 of 3; by area below)")
    assert "In Chelmsford, Black people were searched at 9.54 times the rate of White people (95% CI 7.43 to 12.2)" \
        in " ".join(f)
    assert "In Basildon, Black people were searched at 2.73 times" in " ".join(f)
    assert any(s.startswith("Braintree: the groups searched at a statistically significantly higher rate") for s in f)
    assert not any(s.startswith("In Essex,") for s in f)  # the force's name was put on Chelmsford's row
    assert "Leicester" not in " ".join(f)  # another force's CSPs: in the table, not in Essex's findings


def test_csp_findings_for_a_csp_report_lead_with_the_csp():
    sec = search_section(_csp_table())
    f = executive_summary([sec], {"area": "Chelmsford", "confidence": 0.95}).findings["stop_search"]
    assert f[0].startswith("In Chelmsford, Black people were searched at 9.54 times")
    assert "Leicester" not in " ".join(f)


def test_find_rate_compared_with_white_people_in_the_same_csp():
    # Chelmsford: Asian 12 of 34 found, White 66 of 541; Basildon (the force's first row): White 112 of 455
    f = pd.DataFrame({"force": ["Essex"] * 3, "csp": ["Basildon", "Chelmsford", "Chelmsford"],
                      "group": ["White", "Asian", "White"], "n": [455, 34, 541], "hits": [112, 12, 66],
                      "rate": [112 / 455, 12 / 34, 66 / 541], "diff": [0.0, 12 / 34 - 66 / 541, 0.0]})
    assert _find_item(f, f.iloc[1]) == "Asian people in Chelmsford (35% against 12%, higher)"


def _essex_by_csp(folder):
    """The report's stop-and-search section for Essex by force and CSP from the police.uk files in
    ``folder``: its configuration, the section and its disproportionality table."""
    import warnings

    from saferstats.report import sections

    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Essex"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sec = sections._stop_search(cfg, {"files": [str(folder)], "by": ["force", "csp"], "census": "auto"})
    return cfg, sec, [t.frame for t in sec.tables if t.name == "stop_search_disproportionality"][0]


def _inside(lon, lat, polys):
    def ring(r):
        c = False
        for i in range(len(r)):
            (x1, y1), (x2, y2) = r[i], r[i - 1]
            if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                c = not c
        return c
    return any(ring(p[0]) and not any(ring(h) for h in p[1:]) for p in polys)


def test_essex_by_csp_findings_from_the_published_files(shared_data):
    """Chelmsford's counts from the police.uk files, placed with the ONS outline (ray casting here),
    against the findings the report writes."""
    folder = shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02"
    gj = json.loads((shared_data / "boundaries" / "boundaries_ltla24.geojson").read_text())
    geom = next(f["geometry"] for f in gj["features"] if f["properties"]["ltla24_name"] == "Chelmsford")
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    searches: dict[str, int] = {}
    finds: dict[str, int] = {}
    for path in sorted(folder.glob("*-essex-stop-and-search.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                eth = r["Self-defined ethnicity"]
                if r["Type"] == "Vehicle search" or not r["Latitude"] or not eth or "Not stated" in eth:
                    continue
                if not _inside(float(r["Longitude"]), float(r["Latitude"]), polys):
                    continue
                g = eth.split(" - ")[0]
                searches[g] = searches.get(g, 0) + 1
                finds[g] = finds.get(g, 0) + (r["Outcome linked to object of search"] == "True")
    white, asian, black = "White", "Asian/Asian British", "Black/African/Caribbean/Black British"
    assert (searches[white], finds[white], searches[asian], finds[asian], searches[black]) == (541, 66, 34, 12, 67)
    cfg, sec, d = _essex_by_csp(folder)
    chelmsford = d[d["csp"].astype(str) == "Chelmsford"].set_index("group")
    assert int(chelmsford.loc["Black", "searches"]) == 67 and int(chelmsford.loc["White", "searches"]) == 541
    f = executive_summary([sec], cfg).findings["stop_search"]
    text = " ".join(f)
    assert f[0].startswith("Across the 14 Community Safety Partnerships of Essex in the table")
    assert "In Chelmsford, Black people were searched at 9.54 times the rate of White people" in text
    assert f"Asian people in Chelmsford ({12 / 34:.0%} against {66 / 541:.0%}, higher)" in text  # 35% against 12%
    assert "in Essex (" not in text and not any(s.startswith("In Essex,") for s in f)
    assert "Merseyside" not in text


if __name__ == "__main__":
    pytest.main([__file__])


def test_another_forces_street_files_are_not_mapped_as_the_areas_hotspots(shared_data):
    """[hotspots] with Hertfordshire Constabulary's street-level files and study_area = "Essex" (no
    Essex file is published here): 32 of its ASB records lie inside Essex, near the boundary, and the
    report mapped, clustered and dated them as Essex's ("hotspots Jan 2021 to Jan 2022" on the title
    page; "the density map and the hot and cold spots show where incidents concentrate"). Now the
    section says why none are shown, with no figures, tables or period, and the summary says so."""
    import warnings

    from saferstats.report import sections

    gj = json.loads((shared_data / "boundaries" / "boundaries_pfa20.geojson").read_text())
    geom = next(f["geometry"] for f in gj["features"] if f["properties"]["pfa20_name"] == "Essex")
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    reporters, inside = set(), 0
    for path in sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["Crime type"] != "Anti-social behaviour":
                    continue
                reporters |= {r["Reported by"], r["Falls within"]}
                if r["Latitude"] and _inside(float(r["Longitude"]), float(r["Latitude"]), polys):
                    inside += 1
    assert reporters == {"Hertfordshire Constabulary"}
    # 35 inside the generalised 2020 outline here; the report places 32 with its own (boundary points differ)
    assert 30 <= inside <= 40
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Essex"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sec = sections._hotspots(cfg, {"files": [str(shared_data / "street_crime")], "crime_type": ["Anti-social behaviour"],
                                       "study_area": "Essex", "study_area_level": "force", "eps_m": 150,
                                       "min_samples": 40, "cell_size": 1000})
    assert not sec.tables and not sec.figures and sec.period == ""
    assert sec.intro.startswith("No hotspots are shown for Essex: the police.uk street-level files given are "
                                "Hertfordshire Constabulary's records, and none of the 32 of them inside Essex was "
                                "reported by, or falls within, the police force of Essex.")
    f = executive_summary([sec], cfg)
    assert f.findings["hotspots"] == [sec.finding] and sec.finding.startswith("No hotspots are shown for Essex")
    assert "hot and cold spots show where incidents concentrate" not in " ".join(f.findings["hotspots"])


def test_own_forces_street_files_are_still_mapped():
    from saferstats.report.sections import _another_forces_records

    pts = pd.DataFrame({"reported_by": ["Hertfordshire Constabulary", "British Transport Police"],
                        "falls_within": ["Hertfordshire Constabulary", "Hertfordshire Constabulary"]})
    assert _another_forces_records(pts, "Stevenage", 5) == ""  # a CSP of the files' force
    assert _another_forces_records(pts, "Hertfordshire", 5) == ""
    assert _another_forces_records(pts.drop(columns=["reported_by", "falls_within"]), "Essex", 5) == ""  # a points file
    assert _another_forces_records(pts, "Essex", 5).startswith(
        "No hotspots are shown for Essex: the police.uk street-level files given are Hertfordshire Constabulary and "
        "British Transport Police's records, and none of the few of them inside Essex")


def test_city_of_london_by_force_and_csp_is_cautioned_once(shared_data):
    """By force and CSP the City of London is both a non-resident force and CSP
    (.attrs['non_resident_areas'] = ['city-of-london', 'City of London']): the caution and the table's
    caption said "the City of London, the City of London"."""
    import warnings

    import saferstats as ss
    from saferstats.report.sections import _resident_caution

    path = shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02" / "2020-01-city-of-london-stop-and-search.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = ss.disproportionality(ss.read_stop_search(path), by=["force", "csp"], census=2011)
    shown, text = _resident_caution(d)
    # (session 25, w37c: by CSP too the rows' `denominator` carries the force-level caution, said once)
    assert text == (" Caution for the City of London: the City of London has a few thousand residents but a daytime "
                    "population of hundreds of thousands, and most people searched there do not live there, so rates "
                    "per resident (and ratios of them) are not comparable with other areas' rates.")
    # (session 20: the table is the City's rows alone, so not "like for like, except the City of London")
    assert set(shown["comparability"]) == {"not like for like: rates per resident, but most people searched there do "
                                           "not live there (see the caution in the text)"}


def test_forest_plot_by_csp_shows_the_reports_forces_csps(shared_data):
    """By force and CSP the forest plot drew some 80 rows of six forces' CSPs in 4.8 inches, the labels
    printed over one another, and its alt text named the highest ratio "Black people in Essex" (a CSP's
    row). Now it draws the report's force's CSPs on a taller figure, says so in its caption, and its
    alt text names the CSP."""
    import struct

    from saferstats.report.alt import _forest

    cfg, sec, t = _essex_by_csp(shared_data / "stop_search" / "policeuk_7forces_2019-12_to_2020-02")
    essex = t[(t["force"].astype(str) == "Essex") & (t["group"].astype(str) != "White")]
    hidden = int((essex["ratio"].astype(str) == "[c]").sum())
    plotted = essex[essex["ratio"].astype(str) != "[c]"]
    fig = [f for f in sec.figures if f.name == "stop_search_forest"][0]
    assert fig.caption == ("Search rate ratio vs White by area, Essex's Community Safety Partnerships (other forces' are "
                           f"in the table) (95% CI, log scale; hollow = unreliable); {hidden} groups with suppressed "
                           "counts not shown")
    assert (hidden, len(plotted)) == (21, 35)   # (w31c: each force's searches by group over its CSPs known, as by CSP)
    width, height = struct.unpack(">II", fig.png[16:24])
    assert height > 800  # 49 rows (36 and White's) over about 9 inches; was 500 pixels for some 80 rows
    alt = _forest(sec, cfg)
    top = plotted.loc[plotted["ratio"].astype(float).idxmax()]
    assert (str(top["csp"]), str(top["group"]), round(float(top["ratio"]), 1)) == ("Uttlesford", "Black", 11.5)
    assert alt.startswith("Forest plot of 35 search rate ratios (each ethnic group against White, log scale, by "
                          "Community Safety Partnership)")
    assert alt.endswith("The highest is for Black people in Uttlesford, at 11.5 times White people's rate.")


def test_no_hotspot_method_or_limitation_when_none_are_mapped():
    """The Essex report mapped no hotspots (another force's files) but its Methods appendix listed
    "Hotspots: haversine DBSCAN ..." and its limitations "Hotspot locations are police.uk anonymised
    snap points ..."."""
    from saferstats.report.render import _methods_appendix
    from saferstats.report.summary import _limitations

    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": "Essex"}
    none = Section("hotspots", "Hotspots: clusters, density and hot spots", "No hotspots are shown for Essex", "",
                   finding="No hotspots are shown for Essex")
    assert not any(i.startswith("Hotspots:") for i in _methods_appendix(cfg, [none]))
    assert not any(i.startswith("Hotspot locations") for i in _limitations([none], cfg))
    mapped = Section("hotspots", "Hotspots", "", "", tables=[Table("hotspot_clusters", "", pd.DataFrame({"n": [50]}))])
    assert any(i.startswith("Hotspots: haversine DBSCAN") for i in _methods_appendix(cfg, [mapped]))
    assert any(i.startswith("Hotspot locations are police.uk") for i in _limitations([mapped], cfg))

"""Session 28 (w46b): the report's stop-and-search section after round 1.

1. ``[stop_search] population`` given the Census 2021 TS021 table by LSOA (``ts021_ethnic_group_lsoa21.csv``)
   was refused, saying ``read_census_ethnicity`` does not read it (it does since w45c, ``level="lsoa"``).
   It is now read and summed to the areas of ``by``.

Every count is checked against the raw ONS files summed here with pandas, every ratio against scipy.
"""

from __future__ import annotations

import html
import math
import re
import warnings

import pandas as pd
import pytest

from conftest import build_report, shared_path

SS = "stop_search/policeuk_7forces_2019-12_to_2020-02"
CEN = "population/census2021_ew/"
GROUPS = ("asian", "black", "mixed", "white", "other")


def _files(folder, *forces: str) -> list[str]:
    return sorted(str(p) for p in folder.iterdir() if any(f"-{f}-stop-and-search" in p.name for f in forces))


def _toml_list(xs: list[str]) -> str:
    return "[" + ", ".join(f'"{x}"' for x in xs) + "]"


def _page_text(out) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", (out / "index.html").read_text())).split())


def _raw_lsoa(shared_data) -> pd.DataFrame:
    """The raw TS021 LSOA file joined to the raw ONS lookups (LSOA 2021 -> authority 2024 -> CSP, force)."""
    raw = pd.read_csv(shared_path(shared_data, CEN + "ts021_ethnic_group_lsoa21.csv"))
    lk = pd.read_csv(shared_path(shared_data, CEN + "lookup_lsoa21_ward24_ltla24.csv"), dtype=str)
    la = pd.read_csv(shared_path(shared_data, CEN + "lookup_ltla24_csp24_pfa24.csv"), dtype=str)
    raw = raw.merge(lk[["lsoa21_code", "ltla24_code"]], on="lsoa21_code", how="left")
    return raw, la


def _sums(raw: pd.DataFrame, codes: set[str]) -> dict[str, int]:
    rows = raw[raw["ltla24_code"].isin(codes)]
    return {g.capitalize(): int(rows[g].sum()) for g in GROUPS}


def _katz(a: int, pa: float, b: int, pb: float, conf: float = 0.95) -> tuple[float, float, float]:
    from scipy.stats import norm

    r = (a / pa) / (b / pb)
    se = math.sqrt(1 / a - 1 / pa + 1 / b - 1 / pb)
    z = norm.ppf(0.5 + conf / 2)
    return r, r * math.exp(-z * se), r * math.exp(z * se)


def test_population_takes_the_ts021_lsoa_file_summed_to_the_force(tmp_path, shared_data):
    folder = shared_path(shared_data, SS)
    lsoa = shared_path(shared_data, CEN + "ts021_ethnic_group_lsoa21.csv")
    files = _files(folder, "derbyshire")
    out = build_report(tmp_path, f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = {_toml_list(files)}\n'
                                 f'population = "{lsoa}"\n')
    raw, la = _raw_lsoa(shared_data)
    codes = set(la.loc[la["pfa24_name"] == "Derbyshire", "ltla24_code"])
    assert len(codes) == 9  # Derby and the eight districts of Derbyshire (ONS lookup)
    pop = _sums(raw, codes)
    d = pd.read_csv(out / "stop_search_disproportionality.csv", dtype=str, keep_default_na=False).set_index("group")
    for g in pop:
        assert float(d.at[g, "population"]) == pop[g], g
    a, w = int(d.at["Asian", "searches"]), int(d.at["White", "searches"])
    r, lo, hi = _katz(a, pop["Asian"], w, pop["White"])
    assert (float(d.at["Asian", "ratio"]), float(d.at["Asian", "ratio_lower"]), float(d.at["Asian", "ratio_upper"])) \
        == pytest.approx((r, lo, hi), abs=6e-4)
    page = _page_text(out)
    assert ("Populations: Census 2021 ethnic group (ONS table TS021), usual residents on Census day, 21 March 2021, from "
            "ts021_ethnic_group_lsoa21.csv, summed from its LSOAs 2021 to police force areas.") in page


def test_lsoa_sums_by_csp_and_la_and_against_the_authority_table(shared_data):
    from saferstats.report.inputs import stop_search_population

    lsoa = shared_path(shared_data, CEN + "ts021_ethnic_group_lsoa21.csv")
    ltla = shared_path(shared_data, CEN + "ts021_ethnic_group_detailed_ltla21.csv")
    raw, la = _raw_lsoa(shared_data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_csp, words = stop_search_population(lsoa, ["csp"])
        by_la, _ = stop_search_population(lsoa, ["la"])
        force, _ = stop_search_population(lsoa, ["force"])
        force_la, _ = stop_search_population(ltla, ["force"])
    assert words.endswith("summed from its LSOAs 2021 to Community Safety Partnerships.")
    # a CSP of whole authorities (Derbyshire's Amber Valley), and all of England and Wales
    for csp in ("Amber Valley", "Derby"):
        codes = set(la.loc[la["csp24_name"] == csp, "ltla24_code"])
        got = by_csp[by_csp["csp"] == csp].set_index("ethnicity")["population"].to_dict()
        assert got == _sums(raw, codes), csp
    assert int(by_csp["population"].sum()) == int(raw[list(GROUPS)].to_numpy().sum()) == 59_597_576
    # by authority: Bournemouth, Christchurch and Poole across three CSPs, as census_population("la") says it
    bcp = by_la[by_la["la_code"] == "E06000058"]
    assert bcp["population"].sum() == sum(_sums(raw, {"E06000058"}).values())
    assert set(bcp["csp"]) == {"Bournemouth; Poole; Dorset"} and bcp["csp_split"].all()
    assert not by_la.loc[by_la["la"] == "Amber Valley", "csp_split"].any()
    # against the authority table (ONS perturbed each table apart): every force and group within a few
    # residents (at most 106 of Metropolitan's 1.5 million Asian residents; 12 of Cumbria's 1,194 Black
    # residents), but Northamptonshire and Thames Valley, at 2021 boundaries there, by the 1,914 that moved
    m = force.merge(force_la, on=["force", "ethnicity"], suffixes=("", "_la"))
    assert len(m) == 215
    diff = m["population"] - m["population_la"]
    moved = m["force"].isin(["northamptonshire", "thames-valley"])
    assert diff[~moved].abs().max() <= 110
    assert (diff[~moved].abs() <= 0.011 * m.loc[~moved, "population_la"]).all()
    for f, sign in (("northamptonshire", -1), ("thames-valley", 1)):
        rows = m["force"] == f
        assert abs(int(diff[rows].sum()) - sign * 1914) <= 20, f


def test_not_per_year_advice_names_the_reports_own_key(tmp_path, shared_data, capsys):
    """2. With ``annualise = false`` the library's "not per year" caution advised ``per_year=True``, a
    Python keyword the report's configuration has no key for: it now names ``[stop_search] annualise``."""
    from saferstats.__main__ import main

    files = _files(shared_path(shared_data, SS), "derbyshire")
    cfg = tmp_path / "a.toml"
    cfg.write_text(f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = {_toml_list(files)}\nannualise = false\n')
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    said = [line for line in err.splitlines() if "not per year" in line]
    assert len(said) == 1, err
    assert ("over the 3 months the records cover (2019-12 to 2020-02), not per year as the Home Office publishes them; "
            "for yearly rates set [stop_search] annualise = true (searches per 1,000 residents per year by person-time")\
        in said[0]
    assert "per_year" not in err


def test_by_month_advice_names_the_reports_own_key():
    """The same advice of the by-month caution, as the library gives it now, in the report's words."""
    import saferstats as ss
    from saferstats.__main__ import _as_config

    recs = ss.read_stop_search(ss.datasets.stop_search_sample_path())
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        ss.disproportionality(recs, None, by=["force", "month"], census=2011)
    msg = next(str(w.message) for w in seen if "in each month, not per year" in str(w.message))
    assert "per_year=True" in msg
    said = _as_config(msg, {"stop_search": {"by": ["force", "month"], "annualise": False}})
    assert "per_year" not in said and "[stop_search] annualise = true" in said, said


def test_methods_appendix_names_the_census_table_of_the_population_file(tmp_path, shared_data):
    """3. The Methods appendix said only "the population file the configuration gives": it names the
    Census table and its date when the file was TS021 (on the page and in the Word document)."""
    from saferstats.report.render import _methods_appendix
    from saferstats.report.sections import Section

    files = _files(shared_path(shared_data, SS), "derbyshire")
    lsoa = shared_path(shared_data, CEN + "ts021_ethnic_group_lsoa21.csv")
    out = build_report(tmp_path, f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = {_toml_list(files)}\n'
                                 f'population = "{lsoa}"\n')
    page = _page_text(out)
    said = ("rates per 1,000 residents (the population file the configuration gives, [stop_search] population: Census "
            "2021 ethnic group (ONS table TS021), usual residents on Census day, 21 March 2021, from "
            "ts021_ethnic_group_lsoa21.csv, summed from its LSOAs 2021 to police force areas)")
    assert said in page
    # a table of the report's own form names no Census table
    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "stop_search": {"population": "pop.csv"}}
    item = next(i for i in _methods_appendix(cfg, [Section("stop_search", "S", "", "")]) if i.startswith("Stop and"))
    assert "(the population file the configuration gives ([stop_search] population))" in item and "TS021" not in item


def test_find_rates_csv_reads_withheld_rows_one_way(tmp_path, shared_data):
    """4. ``stop_search_find_rates.csv`` had two markers on rows withheld as not comparable: Derbyshire's
    finds blank beside "withheld", Durham's small groups [c] in every column (police.uk, Dec 2019 - Feb
    2020). Every withheld row now reads "withheld" in ``rate`` with the finds and comparisons blank;
    [c] marks only a count suppressed for disclosure control (Durham's ``n``), as in every table."""
    import csv

    from test_report_w45a import _flag_counts

    files = _files(shared_path(shared_data, SS), "derbyshire", "durham", "essex")
    out = build_report(tmp_path, f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = {_toml_list(files)}\n')
    with open(out / "stop_search_find_rates.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    n, hits = _flag_counts(files)
    withheld = [r for r in rows if r["rate"] == "withheld"]
    assert {r["force"] for r in withheld} == {"Derbyshire", "Durham"} and len(withheld) == 10
    after = ["hits", "rate_lower", "rate_upper", "diff", "diff_lower", "diff_upper", "rr", "p_value", "test"]
    for r in withheld:
        assert all(r[c] == "" for c in after), r
        key = (r["force"].lower(), r["group"])
        assert r["n"] == "[c]" if r["force"] == "Durham" and r["group"] != "White" else int(r["n"]) == n[key], r
    assert int(next(r for r in withheld if r["force"] == "Durham" and r["group"] == "White")["n"]) == n[("durham", "White")]
    # [c] is in the n column only, and only of small counts' rows
    assert {c for r in rows for c, v in r.items() if v == "[c]"} == {"n"}
    # Essex is compared: its finds are the raw files' flags
    for r in rows:
        if r["force"] == "Essex":
            assert int(r["hits"]) == hits[("essex", r["group"])] and int(r["n"]) == n[("essex", r["group"])]
    page = _page_text(out)
    assert ("'withheld': not comparable, see the caution in the text (the find rate and its comparisons, whether or not "
            "the row's counts are small; the finds are left blank there, in the CSV too") in page
    assert "[c] marks a count suppressed for disclosure control only, as in every table of the report" in page

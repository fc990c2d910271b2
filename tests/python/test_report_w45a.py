"""Session 28 (w45a): the stop-and-search section of the report, as a Panel reads it.

1. ``stop_search_find_rates.csv`` kept ``hits`` (the searches flagged 'linked to the object') on the
   rows whose find rate the page withholds and whose Finds cell the page blanks (police.uk
   Derbyshire, Dec 2019 - Feb 2020: White 333 of 359 in the file, blank on the page): the count the
   page withholds was in the file. It is now blank there too, as the rate, its interval and every
   comparison already were.
2. By ``["force", "month"]`` the headline named only the first significant month (South Yorkshire,
   Black: Dec 1.63, where Jan and Feb were significant too) and gave it the whole period's
   not-stated share.
3. ``[stop_search] population`` could not take the Census 2021 TS021 file as published.

Every count is checked against the police.uk / ONS files read here with the csv module, every
ratio against scipy / statsmodels.
"""

from __future__ import annotations

import csv
import html
import math
import re
from collections import Counter

import pandas as pd
import pytest

from conftest import build_report, shared_path

SS = "stop_search/policeuk_7forces_2019-12_to_2020-02"


def _files(folder, *forces: str) -> list[str]:
    return sorted(str(p) for p in folder.iterdir() if any(f"-{f}-stop-and-search" in p.name for f in forces))


def _toml_list(xs: list[str]) -> str:
    return "[" + ", ".join(f'"{x}"' for x in xs) + "]"


def _page_text(out) -> str:
    page = (out / "index.html").read_text()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _flag_counts(files: list[str]) -> tuple[Counter, Counter]:
    """(force, broad group) -> person searches with the 'outcome linked' flag given, and those flagged
    True, from the police.uk files with the csv module (self-defined ethnicity stated)."""
    n: Counter = Counter()
    hits: Counter = Counter()
    for f in files:
        force = f.rsplit("/", 1)[-1][8:].split("-stop-and-search")[0]
        with open(f, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                eth = r["Self-defined ethnicity"].strip()
                if r["Type"] == "Vehicle search" or not eth or eth.endswith("Not stated"):
                    continue
                group = eth.split("/")[0].split(" ")[0]
                flag = r["Outcome linked to object of search"].strip()
                if flag:
                    n[(force, group)] += 1
                    hits[(force, group)] += flag == "True"
    return n, hits


@pytest.fixture(scope="module")
def withheld_report(tmp_path_factory, shared_data):
    folder = shared_path(shared_data, SS)
    files = _files(folder, "derbyshire", "essex")
    tmp = tmp_path_factory.mktemp("w45a_withheld")
    out = build_report(tmp, f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = {_toml_list(files)}\n'
                            'census = "2011"\n')
    return out, files


def test_withheld_find_rows_give_back_no_flag_count_in_the_csv(withheld_report):
    out, files = withheld_report
    n, hits = _flag_counts(files)
    # the raw files: Derbyshire's White searches with the flag, and those flagged True
    assert (n[("derbyshire", "White")], hits[("derbyshire", "White")]) == (359, 333)
    f = pd.read_csv(out / "stop_search_find_rates.csv", dtype=str, keep_default_na=False)
    derby = f[f["force"] == "Derbyshire"]
    assert len(derby) == 5 and (derby["rate"] == "withheld").all()
    for r in derby.itertuples(index=False):
        assert int(r.n) == n[("derbyshire", r.group)], r.group  # the number with the flag stays
        # the flagged count is blank, as every column that would give it back (rate, its interval, diff, rr)
        row = r._asdict()
        assert all(row[c] == "" for c in ("hits", "rate_lower", "rate_upper", "diff", "diff_lower", "diff_upper",
                                          "rr", "p_value", "test")), row
    white = derby[derby["group"] == "White"].iloc[0]
    assert "333" not in white.tolist()
    # a compared force keeps its finds, equal to the raw count
    essex = f[(f["force"] == "Essex") & (f["group"] == "White")].iloc[0]
    assert int(essex["hits"]) == hits[("essex", "White")]
    text = _page_text(out)
    # the page and the file blank the same cells, and the caption says so
    assert "Derbyshire White 359 withheld " in text and "359 333" not in text
    assert "the finds are left blank there, in the CSV too" in text


def _by_month(files: list[str]) -> tuple[Counter, Counter, Counter]:
    """month -> person searches, those with no stated ethnicity, and (month, broad group) -> searches
    with a stated one: the police.uk files read with the csv module."""
    person: Counter = Counter()
    unstated: Counter = Counter()
    groups: Counter = Counter()
    for f in files:
        month = f.rsplit("/", 1)[-1][:7]
        with open(f, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r["Type"] == "Vehicle search":
                    continue
                person[month] += 1
                eth = r["Self-defined ethnicity"].strip()
                if not eth or eth.endswith("Not stated"):
                    unstated[month] += 1
                else:
                    groups[(month, eth.split("/")[0].split(" ")[0])] += 1
    return person, unstated, groups


def _census_2011(shared_data, force: str) -> dict[str, int]:
    """Census 2011 residents of a police force area by broad group (the Nomis table summed to PFAs,
    population/force-demographics.csv, read with the csv module; Asian includes Chinese, as the Home
    Office's groups do)."""
    with open(shared_path(shared_data, "population/force-demographics.csv"), newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["PFA16NM"] == force)
    return {g: int(row[f"Ethnic Group: {g}; measures: Value"]) for g in ("White", "Black", "Asian", "Mixed")}


@pytest.fixture(scope="module")
def month_report(tmp_path_factory, shared_data):
    folder = shared_path(shared_data, SS)
    files = _files(folder, "south-yorkshire")
    tmp = tmp_path_factory.mktemp("w45a_month")
    out = build_report(tmp, f'title = "T"\narea = "South Yorkshire"\n[stop_search]\nfiles = {_toml_list(files)}\n'
                            'by = ["force", "month"]\ncensus = "2011"\n')
    return out, files, _census_2011(shared_data, "South Yorkshire")


def _katz(a: int, pa: int, b: int, pb: int) -> tuple[float, float, float]:
    from scipy.stats import norm

    r = (a / pa) / (b / pb)
    se = (1 / a - 1 / pa + 1 / b - 1 / pb) ** 0.5
    z = norm.ppf(0.975)
    return r, r * math.exp(-z * se), r * math.exp(z * se)


def test_by_month_the_finding_names_every_significant_month_with_its_own_not_stated_share(month_report):
    out, files, pop = month_report
    person, unstated, groups = _by_month(files)
    months = {"2019-12": "Dec 2019", "2020-01": "Jan 2020", "2020-02": "Feb 2020"}
    # the significant ratios (Katz, scipy's normal quantile), from the raw counts: the rates per year
    # of one month share its days, so the ratio is that of the counts over the residents
    sig = {}
    for m in months:
        for g in ("Black", "Asian", "Mixed"):
            a, b = groups[(m, g)], groups[(m, "White")]
            if a >= 20:
                r, lo, hi = _katz(a, pop[g], b, pop["White"])
                if lo > 1:
                    sig[(m, g)] = (r, lo, hi)
    assert set(sig) == {("2019-12", "Black"), ("2020-01", "Black"), ("2020-02", "Black"), ("2019-12", "Asian"),
                        ("2020-01", "Mixed")}
    text = _page_text(out)
    key = text[text.index("Key findings Stop and search"):text.index("Stop and search: disproportionality")]
    # the headline: the largest, with ITS month's share (not the quarter's 1,093 of 4,554)
    r, lo, hi = sig[("2019-12", "Black")]
    share = f"{unstated['2019-12'] / person['2019-12']:.0%} of the searches there in Dec 2019 " \
            f"({unstated['2019-12']:,} of {person['2019-12']:,})"
    assert (f"In South Yorkshire in Dec 2019, Black people were searched at {r:.2f} times the rate of White people "
            f"(95% CI {lo:.2f} to {hi:.2f}), a statistically significant difference (ethnicity not stated for {share}") in key
    whole = f"({sum(unstated.values()):,} of {sum(person.values()):,})"
    assert whole == "(1,093 of 4,554)" and whole not in key
    # every other significant month, each with its own month's share
    for (m, g), (r, lo, hi) in sig.items():
        if (m, g) == ("2019-12", "Black"):
            continue
        said = (f"{months[m]} ({r:.2f} times, 95% CI {lo:.2f} to {hi:.2f}; ethnicity not stated for "
                f"{unstated[m] / person[m]:.0%} of that month's searches ({unstated[m]:,} of {person[m]:,}))")
        assert said in key, (m, g)
    assert "Also statistically significantly higher than White people's rate there: Black people in Jan 2020 (" in key


TS021_LA = "population/census2021_ew/ts021_ethnic_group_detailed_ltla21.csv"


def _ts021_force(shared_data, force: str) -> dict[str, int]:
    """Census 2021 residents of a police force area by broad group: the TS021 file's 19 columns of
    its local authorities (ONS lookup, pfa24_name) summed by their ONS broad heading, csv module."""
    with open(shared_path(shared_data, "population/census2021_ew/lookup_ltla24_csp24_pfa24.csv"), newline="") as fh:
        las = {r["ltla24_code"] for r in csv.DictReader(fh) if r["pfa24_name"] == force}
    heads = {"Asian": "Asian", "Black": "Black", "Mixed": "Mixed", "White": "White", "Other": "Other ethnic group"}
    out: Counter = Counter()
    with open(shared_path(shared_data, TS021_LA), newline="") as fh:
        for r in csv.DictReader(fh):
            if r["ltla21_code"] not in las:
                continue
            for col, v in r.items():
                group = next((g for g, h in heads.items() if col.startswith(h)), None)
                if group and ":" in col:  # (the file, converted from R, writes some counts "827.0")
                    assert float(v).is_integer()
                    out[group] += int(float(v))
    assert sum(1 for _ in las) >= 9  # Derbyshire's nine districts and Derby
    return out


def test_population_takes_the_census_2021_ts021_file_as_published(tmp_path, shared_data):
    folder = shared_path(shared_data, SS)
    ts021 = shared_path(shared_data, TS021_LA)
    files = _files(folder, "derbyshire")
    out = build_report(tmp_path, f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = {_toml_list(files)}\n'
                                 f'population = "{ts021}"\n')
    pop = _ts021_force(shared_data, "Derbyshire")
    d = pd.read_csv(out / "stop_search_disproportionality.csv", dtype=str, keep_default_na=False).set_index("group")
    for g in ("Asian", "Black", "Mixed", "Other", "White"):
        assert float(d.at[g, "population"]) == pop[g], g
    assert d["denominator"].str.startswith("Census 2021 usual residents").all()
    # the searches from the raw files, and White people's ratio and Katz interval against scipy
    _, _, groups = _by_month(files)
    searches = Counter()
    for (_, g), v in groups.items():
        searches[g] += v
    assert int(d.at["White", "searches"]) == searches["White"]
    a = int(d.at["Asian", "searches"])
    assert a == searches["Asian"]
    r, lo, hi = _katz(a, pop["Asian"], searches["White"], pop["White"])
    assert (float(d.at["Asian", "ratio"]), float(d.at["Asian", "ratio_lower"]), float(d.at["Asian", "ratio_upper"])) \
        == pytest.approx((r, lo, hi), abs=6e-4)
    text = _page_text(out)
    assert ("Populations: Census 2021 ethnic group (ONS table TS021), usual residents on Census day, 21 March 2021, from "
            "ts021_ethnic_group_detailed_ltla21.csv, summed from its local authorities to police force areas.") in text


def test_population_a_file_it_cannot_use_is_refused_with_what_to_pass(tmp_path, shared_data, capsys):
    from saferstats.__main__ import main

    folder = shared_path(shared_data, SS)
    files = _files(folder, "derbyshire")
    for rel, why in (("population/census2021_ew/lookup_ltla24_csp24_pfa24.csv",
                      "lookup_ltla24_csp24_pfa24.csv could not be read as Census 2021 ethnic groups: not a Census 2021 "
                      "ethnic group (TS021) table"),):
        f = shared_path(shared_data, rel)
        cfg = tmp_path / "a.toml"
        cfg.write_text(f'title = "T"\narea = "Derbyshire"\n[stop_search]\nfiles = {_toml_list(files)}\n'
                       f'population = "{f}"\n')
        assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert f"[stop_search] population: {why}" in err, err
        assert ("Pass a table with columns for the areas of `by`, ethnicity and population (one row per area and group), "
                "or the Census 2021 ethnic group table TS021 by local authority or LSOA as published") in err

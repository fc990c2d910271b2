"""Population denominators as Greater Manchester analysts get them (session 24, w35c).

Before: saferstats had no reader for the population files in ``../shared/data/population`` beyond
its bundled Census tables: Trafford Data Lab's Census 2021 TS021 for the ten Greater Manchester
authorities (long format) and ONS mid-year estimates for Trafford (single year of age by sex) could
not be read. Now ``read_census_ethnicity`` gives the columns of ``census_population`` (broad groups
per authority or force, or the 19 detailed groups) and ``read_mid_year_population`` a population
with its year. Every figure here is checked against the raw CSV read with plain pandas, never
against the readers' own output.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from saferstats.exceptions import SaferstatsError

GM = "population/census2021_ts021_greater_manchester/2021_population_ethnic_group_la_gm.csv"
EW_LA = "population/census2021_ew/ts021_ethnic_group_detailed_ltla21.csv"
EW_LSOA = "population/census2021_ew/ts021_ethnic_group_lsoa21.csv"
LSOA_LK = "population/census2021_ew/lookup_lsoa21_ward24_ltla24.csv"
MYE = "population/mid_year_greater_manchester/mid-year_{}_population_estimates_local_authority.csv"

#: ONS's broad group of each TS021 label, by the text before the colon (the test's own reference).
HEADS = {"Asian, Asian British or Asian Welsh": "Asian", "Black, Black British, Black Welsh, Caribbean or African": "Black",
         "Mixed or Multiple ethnic groups": "Mixed", "White": "White", "Other ethnic group": "Other"}


def _raw_broad(raw: pd.DataFrame, code: str, group: str, value: str) -> pd.DataFrame:
    """Broad-group sums of a long raw table, by area code, one column per group."""
    heads = raw[group].str.split(":", n=1).str[0].map(HEADS)
    assert heads.notna().all()
    return raw.assign(_b=heads).groupby([code, "_b"])[value].sum().unstack()


def _labels() -> list[str]:
    with warnings.catch_warnings():  # Cherwell's 2021 boundary, not in question here
        warnings.simplefilter("ignore")
        return list(ss.census_population("la", detailed=True)["ethnicity"].unique())


def _long_file(tmp_path, rows: list[tuple[str, str, str, str]], name: str = "ts021.csv"):
    f = tmp_path / name
    f.write_text("area_code,area_name,period,ethnic_group,measure,unit,value\n"
                 + "".join(f'{c},{n},2021-03-21,"{g}",Count,Persons,{v}\n' for c, n, g, v in rows), encoding="utf-8")
    return f


# --- Census 2021 TS021, Greater Manchester ----------------------------------------------------------------


def test_gm_broad_groups_by_la_match_the_raw_file(shared_data):
    from conftest import shared_path

    path = shared_path(shared_data, GM)
    raw = pd.read_csv(path)
    want = _raw_broad(raw, "area_code", "ethnic_group", "value")
    pop = ss.read_census_ethnicity(path)
    assert list(pop.columns) == list(ss.census_population("la").columns)
    got = pop.pivot(index="la_code", columns="ethnicity", values="population")
    pd.testing.assert_frame_equal(got[want.columns].astype("int64"), want.astype("int64"), check_names=False)
    assert len(pop) == 50 and set(pop["force"]) == {"greater-manchester"} and set(pop["census"]) == {2021}
    assert pop.attrs["census"] == 2021 and pop.attrs["total"] == int(raw["value"].sum()) == 2_867_752
    assert pop.attrs["summary"]["layout"] == "long" and pop.attrs["dropped"] == []
    # the CSPs of the ONS December 2024 lookup: in Greater Manchester each authority is its own CSP
    assert (pop["csp"] == pop["la"]).all() and not pop["csp_split"].any()


def test_gm_detailed_groups_are_the_file_cell_by_cell(shared_data):
    from conftest import shared_path

    path = shared_path(shared_data, GM)
    raw = pd.read_csv(path)
    det = ss.read_census_ethnicity(path, detailed=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert list(det.columns) == list(ss.census_population("la", detailed=True).columns)
    both = raw.merge(det, left_on=["area_code", "ethnic_group"], right_on=["la_code", "ethnicity"], how="outer",
                     indicator=True)
    assert (both["_merge"] == "both").all() and len(both) == 190
    assert (both["value"] == both["population"]).all()
    assert (both["broad"] == both["ethnic_group"].str.split(":", n=1).str[0].map(HEADS)).all()


def test_gm_file_against_the_england_and_wales_tables(shared_data):
    """The Trafford Data Lab file is ONS's local authority table: all 190 cells equal the E&W
    detailed table (humaniverse/demographr ethnicity21_ltla21). Against the five broad groups summed
    from LSOA counts (census_population("la"), the default denominators) its broad groups differ by
    ONS's perturbation: up to 40 residents in one cell (Manchester Mixed, 295 LSOAs), never more
    than the authority's number of LSOAs, and 119 fewer in all (2,867,752 against 2,867,871)."""
    from conftest import shared_path

    gm = pd.read_csv(shared_path(shared_data, GM))
    ew = pd.read_csv(shared_path(shared_data, EW_LA))
    ew_long = ew.melt(id_vars=["ltla21_code", "ltla21_name"], var_name="ethnic_group", value_name="ew")
    cells = gm.merge(ew_long, left_on=["area_code", "ethnic_group"], right_on=["ltla21_code", "ethnic_group"])
    assert len(cells) == 190 and (cells["value"] == cells["ew"]).all()

    # the reader reads the wide E&W table too, to the same figures for these ten authorities
    wide = ss.read_census_ethnicity(shared_path(shared_data, EW_LA))
    assert wide.attrs["summary"]["layout"] == "wide" and wide["la_code"].nunique() == 331
    gm_read = ss.read_census_ethnicity(shared_path(shared_data, GM))
    same = gm_read.merge(wide, on=["la_code", "ethnicity"], suffixes=("", "_ew"))
    assert len(same) == 50 and (same["population"] == same["population_ew"]).all()

    lsoa = pd.read_csv(shared_path(shared_data, EW_LSOA))
    lk = pd.read_csv(shared_path(shared_data, LSOA_LK))[["lsoa21_code", "ltla24_code"]]
    placed = lsoa.merge(lk, on="lsoa21_code")
    by_la = placed.groupby("ltla24_code")[["asian", "black", "mixed", "white", "other"]].sum()
    n_lsoa = placed.groupby("ltla24_code").size()
    mine = gm_read.pivot(index="la_code", columns="ethnicity", values="population")
    ref = by_la.loc[mine.index].rename(columns=str.capitalize)[mine.columns]
    diff = mine - ref
    assert int(diff.abs().to_numpy().max()) == 40 and diff.loc["E08000003", "Mixed"] == -40
    assert (diff.abs().max(axis=1) <= n_lsoa.loc[mine.index]).all()
    assert int(diff.to_numpy().sum()) == -119 and int(ref.to_numpy().sum()) == 2_867_871
    # and the bundled default (LSOA sums) is that reference
    bundled = ss.census_population("la")
    bundled = bundled[bundled.la_code.isin(mine.index)].pivot(index="la_code", columns="ethnicity", values="population")
    assert (bundled.loc[mine.index, mine.columns] == ref).all().all()


def test_gm_summed_to_the_force(shared_data):
    from conftest import shared_path

    path = shared_path(shared_data, GM)
    raw = pd.read_csv(path)
    force = ss.read_census_ethnicity(path, level="force")
    assert list(force.columns) == list(ss.census_population("force").columns)
    want = _raw_broad(raw, "area_code", "ethnic_group", "value").sum()
    got = force.set_index("ethnicity")["population"]
    assert (got[want.index] == want).all()
    assert force["force_code"].unique().tolist() == ["E23000005"] and int(got.sum()) == 2_867_752


def test_force_refused_when_the_file_covers_part_of_it(shared_data, tmp_path):
    from conftest import shared_path

    raw = pd.read_csv(shared_path(shared_data, GM))
    part = tmp_path / "nine.csv"
    raw[raw.area_name != "Wigan"].to_csv(part, index=False)
    assert ss.read_census_ethnicity(part)["la_code"].nunique() == 9
    with pytest.raises(SaferstatsError, match=r"covers 9 of the 10 local authorities of the greater-manchester "
                                              r"force area \(missing Wigan\)") as e:
        ss.read_census_ethnicity(part, level="force")
    assert e.value.argument == "level"


# --- layouts and values that are refused ---------------------------------------------------------------


def test_unrecognised_layout_refused_naming_the_file_and_columns(tmp_path):
    f = tmp_path / "mye.csv"
    f.write_text("period,area_code,area_name,sex,all_ages\n2024-06-30,E08000009,Trafford,Persons,10\n", encoding="utf-8")
    with pytest.raises(SaferstatsError) as e:
        ss.read_census_ethnicity(f)
    msg = str(e.value)
    assert str(f) in msg and "['period', 'area_code', 'area_name', 'sex', 'all_ages']" in msg
    assert "area_code, ethnic_group and value" in msg and "ltla21_code" in msg

    c = tmp_path / "census.csv"
    c.write_text("area_code,ethnic_group,value\nE08000009,White: Irish,3\n", encoding="utf-8")
    with pytest.raises(SaferstatsError) as e:
        ss.read_mid_year_population(c)
    assert str(c) in str(e.value) and "expected period, area_code, area_name, sex, all_ages" in str(e.value)


def test_bad_cells_refused_with_their_line(tmp_path):
    labels = _labels()
    good = [("E08000009", "Trafford", g, str(100 + i)) for i, g in enumerate(labels)]
    ok = ss.read_census_ethnicity(_long_file(tmp_path, good))
    assert int(ok["population"].sum()) == sum(100 + i for i in range(19))

    bad = list(good)
    bad[4] = (*bad[4][:3], "12a")
    with pytest.raises(SaferstatsError, match=r"line 6, column 'value': '12a' is not a count"):
        ss.read_census_ethnicity(_long_file(tmp_path, bad, "bad.csv"))

    old = list(good)
    old[0] = ("E08000009", "Trafford", "Asian/Asian British: Indian", "5")
    with pytest.raises(SaferstatsError, match=r"line 2, column 'ethnic_group': 'Asian/Asian British: Indian' is not "
                                              r"one of the 19 Census 2021 groups"):
        ss.read_census_ethnicity(_long_file(tmp_path, old, "old.csv"))

    with pytest.raises(SaferstatsError, match=r"E08000009 has 18 of the 19 groups"):
        ss.read_census_ethnicity(_long_file(tmp_path, good[:-1], "short.csv"))
    with pytest.raises(SaferstatsError, match=r"is given twice \(lines \[2, 21\]\)"):
        ss.read_census_ethnicity(_long_file(tmp_path, good + good[:1], "twice.csv"))

    # a total row and a percentage row are not counts of one group: left out and counted
    extra = good + [("E08000009", "Trafford", "Total: All usual residents", "2071")]
    f = _long_file(tmp_path, extra, "total.csv")
    f.write_text(f.read_text() + 'E08000009,Trafford,2021-03-21,"White: Irish",Percentage,Persons,0.5\n')
    t = ss.read_census_ethnicity(f)
    assert int(t["population"].sum()) == int(ok["population"].sum())
    assert t.attrs["summary"]["aggregate_rows"] == 1 and t.attrs["summary"]["other_measures"] == 1
    assert t.attrs["dropped"][0]["source_line"] == 22


# --- ONS mid-year estimates, Trafford ---------------------------------------------------------------------


@pytest.mark.parametrize("year, total", [(2022, 236_301), (2024, 241_025)])
def test_mid_year_trafford_total_and_year(shared_data, year, total):
    from conftest import shared_path

    path = shared_path(shared_data, MYE.format(year))
    raw = pd.read_csv(path)
    persons = raw[raw.sex == "Persons"].iloc[0]
    ages = [str(a) for a in range(90)] + ["90+"]
    assert int(persons["all_ages"]) == int(persons[ages].sum()) == total
    pop = ss.read_mid_year_population(path)
    assert pop.to_dict("records") == [{"la": "Trafford", "la_code": "E08000009", "sex": "Persons",
                                       "population": total, "year": year}]
    assert pop.attrs["reference_date"] == f"{year}-06-30" and pop.attrs["years"] == [year]
    both = ss.read_mid_year_population(path, sex=None)
    by_sex = both.set_index("sex")["population"]
    assert by_sex["Females"] + by_sex["Males"] == by_sex["Persons"] == total


def test_mid_year_age_bands_and_two_years(shared_data):
    from conftest import shared_path

    p22, p24 = (shared_path(shared_data, MYE.format(y)) for y in (2022, 2024))
    raw = pd.read_csv(p24)
    persons = raw[raw.sex == "Persons"].iloc[0]
    band = ss.read_mid_year_population(p24, age_bands=[0, 10, 18, 25, 35])
    want = {"0-9": range(0, 10), "10-17": range(10, 18), "18-24": range(18, 25), "25-34": range(25, 35)}
    got = band.set_index("age")["population"]
    for label, ages in want.items():
        assert got[label] == int(persons[[str(a) for a in ages]].sum())
    assert got["35+"] == int(persons[[str(a) for a in range(35, 90)] + ["90+"]].sum())
    assert int(got.sum()) == 241_025 and set(band["year"]) == {2024}
    # the file's own bands are the same sums
    three = ss.read_mid_year_population(p24, age_bands=[0, 16, 65]).set_index("age")["population"]
    assert three.tolist() == [int(persons[c]) for c in ("aged_0_to_15", "aged_16_to_64", "aged_65_and_over")]
    # two years: one row each, joinable on la_code and year
    two = ss.read_mid_year_population([p22, p24])
    assert two[["year", "population"]].values.tolist() == [[2022, 236_301], [2024, 241_025]]


def test_mid_year_same_estimate_twice_refused(shared_data, tmp_path):
    from conftest import shared_path

    p24 = shared_path(shared_data, MYE.format(2024))
    copy = tmp_path / "copy.csv"
    copy.write_bytes(p24.read_bytes())
    with pytest.raises(SaferstatsError, match=r"E08000009 Persons 2024 is given twice \(copy.csv, mid-year_2024"):
        ss.read_mid_year_population([p24, copy])


def test_mid_year_refusals(tmp_path):
    ages = ",".join(str(a) for a in range(90))
    head = f"period,area_code,area_name,geography,sex,all_ages,{ages},90+\n"
    f = tmp_path / "m.csv"
    f.write_text(head + "2024-06-30,E08000009,Trafford,Local authority,Persons,901," + ",".join(["10"] * 90) + ",5\n"
                 + "2024-06-30,E12000002,North West,Region,Persons,905," + ",".join(["10"] * 90) + ",5\n")
    with pytest.raises(SaferstatsError, match=r"line 2, column 'all_ages': '901' is not the sum of the single years "
                                              r"of age \(905\)"):
        ss.read_mid_year_population(f)
    f.write_text(f.read_text().replace(",901,", ",905,"))
    t = ss.read_mid_year_population(f)
    assert len(t) == 1 and t.attrs["summary"]["aggregate_rows"] == 1
    with pytest.raises(SaferstatsError, match=r"age_bands must start at 0"):
        ss.read_mid_year_population(f, age_bands=[10, 20])


# --- as an analyst uses them --------------------------------------------------------------------------------


def test_gm_census_feeds_disproportionality_by_la_and_force(shared_data):
    """Greater Manchester stop and search is not in the shared police.uk folders: made-up counts
    by authority, against the TS021 file's residents. Rates and ratios checked by hand."""
    from conftest import shared_path

    path = shared_path(shared_data, GM)
    raw = pd.read_csv(path)
    ref = _raw_broad(raw, "area_code", "ethnic_group", "value")
    names = raw.drop_duplicates("area_code").set_index("area_code")["area_name"]
    rng = np.random.default_rng(35)
    counts = pd.DataFrame([{"la": names[c], "ethnicity": g, "searches": int(rng.integers(20, 400))}
                           for c in ref.index for g in ref.columns])
    pop = ss.read_census_ethnicity(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ss.disproportionality(counts, pop, count="searches", by="la")
    assert len(out) == 50 and set(out["denominator"]) == {"Census 2021 usual residents"}
    bolton = out[out.la == "Bolton"].set_index("group")
    code = "E08000001"
    for g in ref.columns:
        n = counts.query("la == 'Bolton' and ethnicity == @g")["searches"].iloc[0]
        assert bolton.loc[g, "population"] == ref.loc[code, g]
        assert bolton.loc[g, "rate"] == pytest.approx(n / ref.loc[code, g] * 1000, rel=1e-12)
    white = counts.query("la == 'Bolton' and ethnicity == 'White'")["searches"].iloc[0] / ref.loc[code, "White"]
    black = counts.query("la == 'Bolton' and ethnicity == 'Black'")["searches"].iloc[0] / ref.loc[code, "Black"]
    assert bolton.loc["Black", "ratio"] == pytest.approx(black / white, rel=1e-12)

    force_pop = ss.read_census_ethnicity(path, level="force")
    total = counts.groupby("ethnicity", as_index=False)["searches"].sum().assign(force="greater-manchester")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = ss.disproportionality(total, force_pop, count="searches", by="force").set_index("group")
    for g in ref.columns:
        assert f.loc[g, "population"] == ref[g].sum()
        assert f.loc[g, "rate"] == pytest.approx(total.set_index("ethnicity").loc[g, "searches"] / ref[g].sum() * 1000)
    assert f.attrs["denominator"] == "Census 2021 usual residents"


def test_mid_year_population_for_a_rate_says_its_year(shared_data):
    """Hate crime in Trafford per 100,000 on the mid-2024 estimate: the year travels with it."""
    from conftest import shared_path

    pop = ss.read_mid_year_population(shared_path(shared_data, MYE.format(2024)))
    crimes = pd.DataFrame({"la_code": ["E08000009"], "year": [2024], "count": [600]})
    both = crimes.merge(pop, on=["la_code", "year"], how="left", validate="one_to_one")
    r = ss.rate_ci(both["count"], both["population"])
    assert r["rate"].iloc[0] == pytest.approx(600 / 241_025 * 100_000)
    assert both["year"].iloc[0] == 2024


def test_nomis_bulk_wide_columns_and_a_sex_not_in_the_file(tmp_path):
    """Nomis's bulk TS021 prefixes its columns "Ethnic group: " and adds total and broad columns."""
    labels = _labels()
    head = ["date", "geography", "geography code", "Ethnic group: Total: All usual residents",
            "Ethnic group: White"] + [f"Ethnic group: {g}" for g in labels]
    f = tmp_path / "census2021-ts021-ltla.csv"
    f.write_text(",".join(f'"{h}"' for h in head) + "\n2021,Trafford,E08000009,1900,999,"
                 + ",".join(["100"] * 19) + "\n", encoding="utf-8")
    t = ss.read_census_ethnicity(f)
    assert t.attrs["summary"]["layout"] == "wide"
    assert dict(zip(t.ethnicity, t.population)) == {"Asian": 500, "Black": 300, "Mixed": 400, "Other": 200,
                                                    "White": 500}
    m = tmp_path / "m.csv"
    m.write_text("period,area_code,area_name,sex,all_ages\n2024-06-30,E08000009,Trafford,Persons,10\n")
    with pytest.raises(SaferstatsError, match=r"no local authority rows with sex 'Female' \(the file's: \['Persons'\]\)"):
        ss.read_mid_year_population(m, sex="Female")
    assert ss.read_mid_year_population(m, sex="persons")["population"].tolist() == [10]


def test_england_and_wales_table_to_43_forces(shared_data):
    """The wide E&W table: its 17 districts of 2021 merged since are placed in their successors'
    forces (Allerdale in Cumbria), and the 43 forces add up to the file's sum; the force totals
    from these 2021-boundary counts differ from census_population("force") (2024 boundaries, LSOA
    sums) most in Northamptonshire and Thames Valley, where one LSOA of 1,914 residents moved."""
    from conftest import shared_path

    path = shared_path(shared_data, EW_LA)
    raw = pd.read_csv(path)
    with pytest.warns(ss.SaferstatsWarning, match=r"at 2021 boundaries, where 1 LSOA\(s\) \(1914 residents\) moved "
                                                  r"from West Northamptonshire to Cherwell"):
        force = ss.read_census_ethnicity(path, level="force")
    assert force["force"].nunique() == 43
    assert int(force["population"].sum()) == int(raw.drop(columns=["ltla21_code", "ltla21_name"]).to_numpy().sum())
    la = ss.read_census_ethnicity(path)
    assert la["force"].notna().all()
    allerdale = la[la.la_code == "E07000026"]
    assert set(allerdale["force"]) == {"cumbria"} and set(allerdale["csp"]) == {"Allerdale"}
    labels = [c for c in raw.columns if ":" in c]
    assert int(allerdale["population"].sum()) == int(raw.loc[raw.ltla21_code == "E07000026", labels].to_numpy().sum())
    diff = force.groupby("force")["population"].sum() - ss.census_population("force").groupby("force")["population"].sum()
    assert 1914 - 20 <= diff["northamptonshire"] <= 1914 + 20 and -1914 - 20 <= diff["thames-valley"] <= -1914 + 20
    assert diff["greater-manchester"] == -119


def test_unknown_code_warned_and_refused_for_a_force(tmp_path):
    rows = [("E99999999", "Nowhere", g, "10") for g in _labels()]
    f = _long_file(tmp_path, rows)
    with pytest.warns(ss.SaferstatsWarning, match=r"1 code of ts021.csv is no local authority .*E99999999"):
        t = ss.read_census_ethnicity(f)
    assert t["force"].isna().all()
    with pytest.raises(SaferstatsError, match=r"\['E99999999'\] are not"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ss.read_census_ethnicity(f, level="force")

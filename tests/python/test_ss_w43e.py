"""A CSP analyst's walk through stop and search disproportionality (session 27, helper w43e).

Derbyshire, Durham and South Yorkshire, police.uk Dec 2019 - Feb 2020, against Census 2021 as
ONS publishes it (``../shared/data/population/census2021_ew``). Every figure is checked against the
raw files read with plain pandas (the ONS lookup CSV included), or scipy, never against saferstats'
own output.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path

EW_LA = "population/census2021_ew/ts021_ethnic_group_detailed_ltla21.csv"
LOOKUP = "population/census2021_ew/lookup_ltla24_csp24_pfa24.csv"
SEARCHES = "stop_search/policeuk_7forces_2019-12_to_2020-02"
HEADS = {"Asian": "Asian", "Black": "Black", "Mixed": "Mixed", "White": "White", "Other": "Other"}


def _raw_csp(shared_data, codes=None) -> pd.DataFrame:
    """Broad groups per CSP from the raw TS021 table and the raw ONS LAD -> CSP lookup (pandas only):
    columns csp_code x the five groups; authorities of one CSP summed; only authorities that are one
    CSP's (not split)."""
    raw = pd.read_csv(shared_path(shared_data, EW_LA))
    if codes is not None:
        raw = raw[raw["ltla21_code"].isin(codes)]
    lk = pd.read_csv(shared_path(shared_data, LOOKUP))
    one = lk.groupby("ltla24_code")["csp24_code"].transform("size") == 1
    lk = lk[one][["ltla24_code", "csp24_code"]]
    long = raw.melt(id_vars=["ltla21_code", "ltla21_name"], var_name="label", value_name="n")
    long["broad"] = long["label"].str.extract(r"^(\w+)", expand=False).map(HEADS)
    assert long["broad"].notna().all()
    long = long.merge(lk, left_on="ltla21_code", right_on="ltla24_code")
    return long.pivot_table(index="csp24_code", columns="broad", values="n", aggfunc="sum")


def _read_csp(path, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        pop = ss.read_census_ethnicity(path, level="csp", **kw)
    return pop, [str(x.message) for x in w]


def test_census_2021_file_summed_to_csps(shared_data):
    """Before: read_census_ethnicity took level 'la' or 'force' only, and its authority table with
    disproportionality(by='csp') stopped ("several rows for South Nottinghamshire ... pass by='la'"),
    so an analyst with ONS's TS021 file could not get CSP denominators from it. Now level='csp' sums
    the authorities into their CSP."""
    pop, said = _read_csp(shared_path(shared_data, EW_LA))
    assert list(pop.columns) == ["csp", "csp_code", "force", "ethnicity", "population", "census"]
    got = pop.pivot(index="csp_code", columns="ethnicity", values="population")
    want = _raw_csp(shared_data)
    # every CSP that is whole authorities of the file, with the raw sums
    both = want.index.intersection(got.index)
    pd.testing.assert_frame_equal(got.loc[both, want.columns].astype("int64"), want.loc[both].astype("int64"),
                                  check_names=False)
    # South Nottinghamshire: Broxtowe + Gedling + Rushcliffe; Derbyshire and Durham CSPs are one authority each
    raw = pd.read_csv(shared_path(shared_data, EW_LA)).set_index("ltla21_name")
    three = raw.loc[["Broxtowe", "Gedling", "Rushcliffe"]].drop(columns="ltla21_code").to_numpy().sum()
    assert pop.loc[pop["csp"] == "South Nottinghamshire", "population"].sum() == three
    assert set(pop.loc[pop["force"] == "durham", "csp"]) == {"County Durham", "Darlington"}
    assert pop.loc[pop["csp"] == "Derby", "force"].iloc[0] == "derbyshire"
    # CSPs inside an authority split across CSPs cannot be summed from authorities: left out, and said
    lk = pd.read_csv(shared_path(shared_data, LOOKUP))
    for name in ("Corby", "Dorset", "Bournemouth", "Waveney", "Wycombe"):
        assert name in set(lk["csp24_name"]) and name not in set(pop["csp"])
    assert any("left out" in s and re.search(r"Dorset \(E22000367, [\d,]+ residents; lacking its part of Bournemouth, "
                                             r"Christchurch and Poole \(E06000058\), which the file gives whole for "
                                             r"several CSPs\)", s) for s in said)
    # the former districts of Cumberland are in the 2021 file, so Allerdale CSP is whole
    allerdale = raw.loc["Allerdale"].drop("ltla21_code").sum()
    assert pop.loc[pop["csp"] == "Allerdale", "population"].sum() == allerdale
    # North Yorkshire CSP (one authority since 2023): its seven 2021 districts summed
    ny = lk.loc[lk["csp24_name"] == "North Yorkshire", "ltla24_code"].tolist()
    assert ny == ["E06000065"]
    districts = ["Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale", "Scarborough", "Selby"]
    assert pop.loc[pop["csp"] == "North Yorkshire", "population"].sum() == raw.loc[districts].drop(
        columns="ltla21_code").to_numpy().sum()
    assert pop.attrs["census"] == 2021 and "Community Safety Partnerships" in pop.attrs["geography"]


def test_census_csp_refuses_a_partial_csp(shared_data, tmp_path):
    """A file with Broxtowe only must not give South Nottinghamshire Broxtowe's residents."""
    raw = pd.read_csv(shared_path(shared_data, EW_LA))
    part = raw[raw["ltla21_name"].isin(["Broxtowe", "Derby"])]
    f = tmp_path / "two.csv"
    part.to_csv(f, index=False)
    pop, said = _read_csp(f)
    assert set(pop["csp"]) == {"Derby"}
    assert any("South Nottinghamshire (E22000366, " in s and "; lacking Gedling, Rushcliffe)" in s for s in said)
    assert pop["population"].sum() == part.loc[part["ltla21_name"] == "Derby"].drop(
        columns=["ltla21_code", "ltla21_name"]).to_numpy().sum()
    # nothing whole: refused, naming what each CSP lacks (not an empty table)
    ny = tmp_path / "ny.csv"
    raw[raw["ltla21_name"].isin(["Craven", "Selby"])].to_csv(ny, index=False)
    with pytest.raises(ss.InvalidInputError, match=r"North Yorkshire \(E22000372, [\d,]+ residents; lacking Hambleton, Harrogate, Richmondshire, "
                       r"Ryedale, Scarborough\)") as e:
        ss.read_census_ethnicity(ny, level="csp")
    assert e.value.argument == "level"


def test_csp_rates_on_the_published_census_file(shared_data):
    """Derbyshire and Durham searches by CSP against the CSP sums of ONS's file: each row's
    population is the raw sum, and its rate and exact Poisson interval are scipy's."""
    from scipy import stats

    files = sorted(p for p in shared_path(shared_data, SEARCHES).glob("*.csv")
                   if p.name.endswith(("derbyshire-stop-and-search.csv", "durham-stop-and-search.csv")))
    recs = ss.read_stop_search(files)
    pop, _ = _read_csp(shared_path(shared_data, EW_LA))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = pytest.raises(ss.InvalidInputError, ss.disproportionality, recs,
                               ss.read_census_ethnicity(shared_path(shared_data, EW_LA)), by="csp")
        out = ss.disproportionality(recs, pop, by="csp")
    assert "level='csp'" in str(before.value)
    want = _raw_csp(shared_data).stack()
    got = out.set_index(["csp_code", "group"])["population"]
    assert len(got) == 55 and (got == want.loc[got.index].to_numpy()).all()
    assert out["denominator"].str.startswith("Census 2021 usual residents").all()
    r = out[(out["csp"] == "Derby") & (out["group"] == "Black")].iloc[0]
    n, p = int(r["searches"]), float(r["population"])
    assert r["rate"] == pytest.approx(n / p * 1000, rel=1e-12)
    lo, hi = stats.chi2.ppf(0.025, 2 * n) / 2, stats.chi2.ppf(0.975, 2 * n + 2) / 2
    assert (r["rate_lower"], r["rate_upper"]) == pytest.approx((lo / p * 1000, hi / p * 1000), rel=1e-6)
    assert np.isclose(out["searches"].sum(), 808)


def _records(shared_data, forces=("derbyshire", "durham", "south-yorkshire")):
    files = sorted(p for p in shared_path(shared_data, SEARCHES).glob("*.csv")
                   if any(p.name.endswith(f"-{f}-stop-and-search.csv") for f in forces))
    return ss.read_stop_search(files), files


def test_reference_and_by_in_another_case(shared_data):
    """Before: reference="white" stopped with "reference group 'white' has no row for {'force':
    'derbyshire'}" (White was there), and by="CSP" with "searches has no column 'CSP'". Now both are
    the label and the area they spell, and a reference that is no group names the groups there."""
    from statsmodels.stats.contingency_tables import Table2x2

    recs, files = _records(shared_data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lower = ss.disproportionality(recs, by="force", reference="white")
        upper = ss.disproportionality(recs, by="force", reference="White")
        pd.testing.assert_frame_equal(lower, upper)
        # Derbyshire, Black against White: self-defined, people searched, counted from the raw files
        raw = pd.concat([pd.read_csv(f) for f in files if "derbyshire" in f.name])
        raw = raw[raw["Type"] != "Vehicle search"]
        broad = raw["Self-defined ethnicity"].str.extract(r"^(\w+)", expand=False)
        black, white = int((broad == "Black").sum()), int((broad == "White").sum())
        r = lower[(lower["force"] == "derbyshire") & (lower["group"] == "Black")].iloc[0]
        w = lower[(lower["force"] == "derbyshire") & (lower["group"] == "White")].iloc[0]
        assert (r["searches"], w["searches"]) == (black, white) == (13, 359)
        t = Table2x2(np.array([[black, r["population"] - black], [white, w["population"] - white]]))
        assert r["ratio"] == pytest.approx(t.riskratio, rel=1e-9)
        assert (r["ratio_lower"], r["ratio_upper"]) == pytest.approx(t.riskratio_confint(), rel=1e-9)
        assert w["ratio_method"] == "reference"
        out = ss.outcome_test(recs, by="force", reference="white")
        pd.testing.assert_frame_equal(out, ss.outcome_test(recs, by="force"))
        with pytest.raises(ss.InvalidInputError, match=r"groups there: \['Asian', 'Black', 'Mixed', 'Other', "
                                                        r"'White'\]"):
            ss.disproportionality(recs, by="force", reference="Whites")
        dd = recs[recs["force"] != "south-yorkshire"]
        csp = ss.disproportionality(dd, by="CSP")
        pd.testing.assert_frame_equal(csp, ss.disproportionality(dd, by="csp"))
        arrests = ss.outcome_test(dd, by=["CSP"])
    derby = csp[(csp["csp"] == "Derby") & (csp["group"] == "Black")].iloc[0]
    # the bundled Census is LSOA sums: Derby's LSOAs of the raw TS021 LSOA table, by the raw ONS lookup
    lsoa = pd.read_csv(shared_path(shared_data, "population/census2021_ew/ts021_ethnic_group_lsoa21.csv"))
    lk = pd.read_csv(shared_path(shared_data, "population/census2021_ew/lookup_lsoa21_ward24_ltla24.csv"))
    black_derby = lsoa[lsoa["lsoa21_code"].isin(lk.loc[lk["ltla24_name"] == "Derby", "lsoa21_code"])]["black"].sum()
    assert (derby["searches"], derby["population"]) == (9, black_derby)
    assert "csp" in arrests.columns and set(arrests["csp"]) == set(csp["csp"])

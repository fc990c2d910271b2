"""Session 27, w43a: FixMyStreet's counts are reports by users, not incidents; ``missing=`` on
funnel_significance; split LSOAs kept when grouping (assign_lsoa21's docstring).

1. ``read_fixmystreet`` reads mySociety's FixMyStreet count files (fly-tipping, A29, by default),
   keeps ``reports`` and ``unique_users``, flags single-user areas and says (attrs and a warning)
   that the counts are reports, that only areas with a report are listed and that the LSOA codes
   are LSOAs 2011. A funnel or trend given ``reports`` with ``unique_users`` beside it warns that
   one user can make a "hotspot" (Dacorum 2019: E01023395, 20 reports from one user, "High
   (0.001)"). Figures are checked against the files read with pandas; labels against Byar's and
   the exact Poisson limits computed with scipy.
2. ``funnel_significance(missing=)`` was a TypeError; it now has funnel_limits' options: "error"
   (the default, a MissingValueError naming the column and row) or "propagate" ("Not applicable").
3. assign_lsoa21's docstring says how to keep split LSOAs when grouping (Dacorum's E01023398).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import saferstats
from saferstats import InvalidInputError, MissingValueError
from conftest import dacorum_lsoa11, shared_path
from warning_capture import saferstats_messages

LSOA19 = "fly_tipping/fixmystreet_LSOA_yearly/2019.csv"
LAD = "fly_tipping/fixmystreet_LAD_yearly"


def _read(path, **kw):
    return saferstats_messages(saferstats.read_fixmystreet, path, **kw)


# --------------------------------------------------------------------------- 1. the reader
def test_lsoa_file_read_as_reports_by_users(shared_data):
    path = shared_path(shared_data, LSOA19)
    fms, msgs = _read(path)
    raw = pd.read_csv(path)
    a29 = raw[raw["SHEF_A_CODE"] == "A29"].reset_index(drop=True)
    assert list(fms.columns) == ["lsoa_code", "category", "year", "reports", "unique_users", "average_per_user",
                                 "single_user"]
    assert fms["lsoa_code"].tolist() == a29["lsoa"].tolist()
    assert fms["reports"].tolist() == a29["reports"].tolist() and int(fms["reports"].sum()) == 64_400
    assert fms["unique_users"].tolist() == a29["unique_users"].tolist()
    assert (fms["single_user"] == (a29["unique_users"] == 1)).all()
    assert set(fms["category"]) == {"A29"} and set(fms["year"]) == {2019}
    # Dacorum's LSOA with the most reports: 20, from one user
    top = fms[fms.lsoa_code.isin(dacorum_lsoa11(shared_data))].sort_values("reports").iloc[-1]  # the ONS lookups
    assert (top.lsoa_code, top.reports, top.unique_users, bool(top.single_user)) == ("E01023395", 20, 1, True)
    attrs = fms.attrs["fixmystreet"]
    assert attrs["counts"] == "reports" and attrs["users"] == "unique_users" and attrs["zeros_listed"] is False
    assert attrs["codes"] == "LSOA 2011" and fms.attrs["dropped"] == []
    one = int((a29["unique_users"] == 1).sum())
    said = [m for m in msgs if m.startswith("read_fixmystreet")]
    assert len(said) == 1
    msg = said[0]
    assert "not incidents" in msg and "one user can make many" in msg
    assert f"{one:,} of all {len(a29):,} areas" in msg  # 5,327 of 9,121 (w45c: E&W's share first, 57%)
    assert "Only the areas with a report are listed" in msg and "LSOAs 2011" in msg and "assign_lsoa21" in msg


def test_lad_file_and_other_category(shared_data):
    path = shared_path(shared_data, f"{LAD}/2019.csv")
    raw = pd.read_csv(path)
    lad, msgs = _read(path)
    a29 = raw[raw["SHEF_A_CODE"] == "A29"]
    assert lad["la_code"].tolist() == a29["lad"].tolist() and int(lad["reports"].sum()) == int(a29["reports"].sum())
    assert lad.attrs["fixmystreet"]["level"] == "lad"
    assert not any("LSOAs 2011" in m for m in msgs) and any("not incidents" in m for m in msgs)
    a28, _ = _read(path, category="a28")
    assert a28["reports"].tolist() == raw.loc[raw["SHEF_A_CODE"] == "A28", "reports"].tolist()
    with pytest.raises(InvalidInputError, match="`category` 'fly-tipping' has no row in 2019.csv.*A29 is fly-tipping") as e:
        saferstats.read_fixmystreet(path, category="fly-tipping")
    assert e.value.argument == "category"


def test_other_files_refused_and_read_flytipping_points_to_the_reader(shared_data, tmp_path):
    other = tmp_path / "x.csv"
    other.write_text("lsoa,count\nE01023395,3\n")
    with pytest.raises(InvalidInputError, match="not a FixMyStreet count file") as e:
        saferstats.read_fixmystreet(other)
    assert e.value.argument == "path"
    with pytest.raises(InvalidInputError, match=r"saferstats.read_fixmystreet\(path\)"):
        saferstats.read_flytipping(shared_path(shared_data, LSOA19))


def test_rows_not_whole_counts_are_listed(tmp_path):
    p = tmp_path / "2018.csv"
    p.write_text("lad,SHEF_A_CODE,reports,unique_users,average_per_user\n"
                 "E07000096,A29,5,2,2.5\nE07000097,A29,x,1,1.0\nE07000098,A29,2,3,0.7\n")
    got, _ = _read(p)
    assert got["la_code"].tolist() == ["E07000096"] and got["year"].tolist() == [2018]
    assert [(d["source_line"], d["reason"]) for d in got.attrs["dropped"]] == [
        (3, "reports is not a whole number"), (4, "unique_users above reports")]


# --------------------------------------------------------------------------- 1. funnels and trends
def _phe_labels(o, d, target, per):
    """PHE's rate funnel labels written out: exact Poisson (chi-square) limits below 10 events,
    Byar's from 10, at 95% and 99.8%, compared with the target (scipy's quantiles)."""
    out = []
    for x, n in zip(o, d):
        lab = "Not significant"
        for level, tail in ((0.998, "0.001"), (0.95, "0.025")):
            z = stats.norm.ppf(1 - (1 - level) / 2)
            if x < 10:
                lo = stats.chi2.ppf((1 - level) / 2, 2 * x) / 2 if x > 0 else 0.0
                hi = stats.chi2.ppf(1 - (1 - level) / 2, 2 * x + 2) / 2
            else:
                lo = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
                hi = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
            if lo / n * per > target:
                lab = f"High ({tail})"
                break
            if hi / n * per < target:
                lab = f"Low ({tail})"
                break
        out.append(lab)
    return out


@pytest.fixture(scope="module")
def dacorum(shared_data):
    fms, _ = _read(shared_path(shared_data, LSOA19))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pop = saferstats.census_population("lsoa")
    pop = pop[pop["la"] == "Dacorum"].groupby("lsoa_code")["population"].sum()
    d = fms[fms.lsoa_code.isin(pop.index)].copy()  # Dacorum's LSOAs unchanged in 2021
    d["population"] = d["lsoa_code"].map(pop)  # assignment keeps the reader's attrs
    return d


def test_funnel_of_reports_warns_one_user_hotspot(dacorum):
    d = dacorum
    assert len(d) == 45
    sig, msgs = saferstats_messages(saferstats.funnel_significance, "reports", "population", data=d, kind="rate",
                        multiplier=1000)
    target = d["reports"].sum() / d["population"].sum() * 1000
    assert sig.astype(str).tolist() == _phe_labels(d["reports"], d["population"], target, 1000)
    assert sig[d.lsoa_code == "E01023395"].astype(str).tolist() == ["High (0.001)"]
    said = [m for m in msgs if "one user can make a 'hotspot'" in m]
    lone = int(((d["unique_users"] == 1) & (d["reports"] > 1)).sum())
    assert len(said) == 1 and said[0].startswith("funnel_significance: the counts are 'reports'")
    assert f"{lone:,} of the 45 areas here" in said[0] and "E01023395 has 20" in said[0]
    assert "Use 'unique_users'" in said[0]
    # on the people who reported: no such warning, and E01023395 (one user) is no longer High
    users, msgs = saferstats_messages(saferstats.funnel_significance, "unique_users", "population", data=d, kind="rate",
                          multiplier=1000)
    assert not any("hotspot" in m for m in msgs)
    t_users = d["unique_users"].sum() / d["population"].sum() * 1000
    assert users.astype(str).tolist() == _phe_labels(d["unique_users"], d["population"], t_users, 1000)
    assert users[d.lsoa_code == "E01023395"].astype(str).tolist() == ["Not significant"]
    # a column of the reader's table passed alone carries its attrs: said too; so does plot_funnel
    _, msgs = saferstats_messages(saferstats.funnel_significance, d["reports"], d["population"], kind="rate", multiplier=1000)
    assert any("one user can make a 'hotspot'" in m for m in msgs)
    _, msgs = saferstats_messages(saferstats.funnel_target, d["reports"], d["population"], kind="rate", multiplier=1000)
    assert any(m.startswith("funnel_target: the counts are 'reports'") for m in msgs)


def test_trend_of_reports_warns(shared_data):
    parts = []
    for year in range(2015, 2020):
        t, _ = _read(shared_path(shared_data, f"{LAD}/{year}.csv"))
        parts.append(t[t.la_code.isin(["E07000096", "E07000098"])])  # Dacorum, Hertsmere
    both = pd.concat(parts, ignore_index=True)
    _, msgs = saferstats_messages(saferstats.compare_trends, both, comparator="E07000098", by="la_code",
                                  count="reports", population=None, period="year")
    assert [m for m in msgs if "hotspot" in m][0].startswith("compare_trends: the counts are 'reports'")
    dac = both[both.la_code == "E07000096"].reset_index(drop=True)
    res, msgs = saferstats_messages(saferstats.poisson_trend, dac, count="reports", population=None, period="year")
    assert any(m.startswith("poisson_trend: the counts are 'reports'") and "unique_users" in m for m in msgs)
    # the APC itself: a Poisson GLM of the counts on the year (statsmodels, live)
    sm = pytest.importorskip("statsmodels.api")
    fit = sm.GLM(dac["reports"].to_numpy(float), sm.add_constant(dac["year"].to_numpy(float) - 2015),
                 family=sm.families.Poisson()).fit()
    assert res["apc"].iloc[0] == pytest.approx(100 * np.expm1(fit.params[1]), rel=1e-6)
    _, msgs = saferstats_messages(saferstats.year_on_year, dac, count="reports", population=None, period="year")
    assert any(m.startswith("year_on_year: the counts are 'reports'") for m in msgs)
    _, msgs = saferstats_messages(saferstats.poisson_trend, dac, count="unique_users", population=None, period="year")
    assert not any("hotspot" in m for m in msgs)


# --------------------------------------------------------------------------- 2. missing=
def test_funnel_significance_missing_option():
    hc = saferstats.datasets.hate_crime_by_force()
    last = hc[hc.year == "2018-19"].set_index("force")
    assert last["population"].isna().sum() == 1  # the City of London
    with pytest.raises(MissingValueError, match=r"in `denominators` at row 'London, City of' .*"
                                                r"pass missing=\"propagate\"") as e:
        saferstats.funnel_significance(last["offences"], last["population"], kind="rate")
    assert e.value.argument == "denominators" and e.value.index == "London, City of"
    with pytest.raises(MissingValueError, match=r"column 'population' \(keyword `denominators`\) at row 'London, City of'"):
        saferstats.funnel_significance("offences", "population", data=last, kind="rate")
    with pytest.raises(InvalidInputError, match="unknown `missing` 'drop'; valid: 'error', 'propagate'"):
        saferstats.funnel_significance(last["offences"], last["population"], kind="rate", missing="drop")
    sig, msgs = saferstats_messages(saferstats.funnel_significance, last["offences"], last["population"], kind="rate",
                        missing="propagate", overdispersion=False)
    ok = last["population"].notna()
    assert sig["London, City of"] == "Not applicable" and sig.attrs["excluded"] == 1
    assert any("missing numerator or denominator" in m for m in msgs)
    target = last.loc[ok, "offences"].sum() / last.loc[ok, "population"].sum() * 100_000
    assert sig[ok].astype(str).tolist() == _phe_labels(last.loc[ok, "offences"], last.loc[ok, "population"],
                                                       target, 100_000)


# --------------------------------------------------------------------------- 3. split LSOAs
def test_assign_lsoa21_docstring_keeps_split_lsoas(shared_data):
    doc = saferstats.assign_lsoa21.__doc__
    assert 'fillna(out["lsoa_code"])' in doc and "E01023398" in doc
    raw = pd.read_csv(shared_path(shared_data, LSOA19))
    df = raw[raw.SHEF_A_CODE == "A29"].rename(columns={"lsoa": "lsoa_code"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = df.join(saferstats.assign_lsoa21(df["lsoa_code"]))
    out = out[out["la"] == "Dacorum"]
    split = out[out.status == "split"]
    assert split["lsoa_code"].tolist() == ["E01023398"] and split["reports"].tolist() == [6]
    assert split["lsoa21_candidates"].tolist() == ["E01035562; E01035563; E01035564"]
    plain_sum = out.groupby("lsoa21_code", observed=True)["reports"].sum()
    kept = out.groupby(out["lsoa21_code"].astype(object).fillna(out["lsoa_code"]))["reports"].sum()
    assert int(plain_sum.sum()) == int(out["reports"].sum()) - 6 == 148
    assert int(kept.sum()) == int(out["reports"].sum()) == 154 and kept["E01023398"] == 6

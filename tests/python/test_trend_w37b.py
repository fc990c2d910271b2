"""Session 25 (w37b): one definition of "England less the area" for Defra's fly-tipping table.

1. ``compare_trends(fly, comparator="England", ...)`` refused England (a total row the reader leaves
   out) with a recipe of its own: the sum of the councils published in every year of the table,
   each council subtracted (Derby against it: ratio 1.0165). The report and ``saferstats trend
   --compare-with England`` compare each council with England's other councils counted like for
   like over the council's own years (``saferstats.trend.like_for_like_others``; Derby: ratio
   1.0074). The error now gives that comparison as code; run as written, it gives the command's
   row. Reference: the comparator's counts summed with pandas from Defra's sheet as published
   (DERIVED_Flytipping_LA_incidents.csv), the councils chosen by the definition written out here.
2. ``saferstats trend`` fitted every group twice (the normal first, then Student t for the
   quasi-Poisson rows). It fits once with t where quasi-Poisson fits are possible, and again only
   for rows of the other kind; the command's table is the same as the library's t fit for
   quasi-Poisson rows and its z fit for Poisson rows.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.__main__ import main
from saferstats.io import read_once

FOLDER = "fly_tipping/defra_la_2012-13_to_2021-22"
DERBY = "E06000015"


@pytest.fixture(scope="module")
def fly(shared_data):
    """Defra's workbook through read_flytipping (its warnings silenced), read once in the process as
    the command reads it (io.read_once: session 34, the command's runs below no longer read it again)."""
    path = shared_path(shared_data, f"{FOLDER}/Flytipping.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_once(ss.read_flytipping, path)


@pytest.fixture(scope="module")
def cli_rows(shared_data, tmp_path_factory):
    """``saferstats trend --compare-with England`` on the workbook as published, by la_code."""
    out = tmp_path_factory.mktemp("w37b") / "england.csv"
    assert main(["trend", str(shared_data / FOLDER / "Flytipping.xlsx"), "--count", "incidents", "--population",
                 "none", "--by", "la_code", "--missing", "drop", "--compare-with", "England", "--out", str(out)]) == 0
    return pd.read_csv(out, keep_default_na=False).set_index("la_code")


def _the_error(fly: pd.DataFrame, by: str = "la_code") -> str:
    with pytest.raises(ss.InvalidInputError) as err:
        ss.compare_trends(fly, comparator="England", by=by, count="incidents", population=None)
    return str(err.value)


def _run_as_written(message: str, fly: pd.DataFrame) -> dict:
    """The code the message gives (between its backticks), run on the table as it says."""
    code = message.split("`")[-2]
    env = {"data": fly}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, env)  # noqa: S102 - the advice is code, run as an analyst would
    return env


def _others_by_hand(shared_data, code: str) -> tuple[pd.DataFrame, int]:
    """England's councils other than ``code``, from Defra's sheet as published: a figure in each year
    of ``code``'s series (':' is none), one reporting basis and that 'All incidents' (or none published), no step
    of 2-fold or more between consecutive years (nor from or to 0 with 100 or more); their sum a year."""
    raw = pd.read_csv(shared_data / FOLDER / "DERIVED_Flytipping_LA_incidents.csv")
    raw = raw[~raw["ONS Code"].astype(str).str.startswith("*")].copy()
    raw["n"] = pd.to_numeric(raw["Total Incidents"], errors="coerce")
    # ':' is Defra's mark for no figure (every Reporting basis before 2019/20)
    raw["basis"] = raw["Reporting basis"].astype("string").str.strip().str.lower().replace({"": pd.NA, ":": pd.NA})
    raw = raw.dropna(subset=["n"])
    years = sorted(raw.loc[raw["ONS Code"] == code, "Year"])
    keep = []
    for c, g in raw[raw["Year"].isin(years)].groupby("ONS Code"):
        g = g.sort_values("Year")
        y = g["n"].to_numpy(float)
        basis = g["basis"].dropna()
        stepped = any((lo > 0 and hi / lo >= 2) or (lo == 0 and hi >= 100)
                      for lo, hi in (sorted(p) for p in zip(y[:-1], y[1:])))
        if len(g) == len(years) and basis.nunique() <= 1 and (basis == "all incidents").all() and not stepped:
            keep.append(c)
    others = [c for c in keep if c != code]
    rows = raw[raw["ONS Code"].isin(others)]
    return rows.groupby("Year")["n"].sum().round().reset_index(), len(others)


# --------------------------------------------------------------------------- 1. one "England less the area"
def test_the_errors_code_gives_the_commands_comparison(fly, cli_rows, shared_data):
    message = _the_error(fly)
    assert "as saferstats report and `saferstats trend --compare-with England` do: `import saferstats" in message
    assert "saferstats.trend.like_for_like_others(d, d, n.index[n >= 3], area='la_code'" in message
    assert "areas published in every period" not in message  # the table-wide sum it gave before
    out = _run_as_written(message, fly)["out"].set_index("_compared")
    mine, cli = out.loc[DERBY], cli_rows.loc[DERBY]
    # before: the old recipe's Derby row, ratio 1.0165 against the councils of every year; the command's 1.0074
    assert mine["ratio"] == pytest.approx(float(cli["ratio"]), rel=1e-12)
    assert mine["comparator_apc"] == pytest.approx(float(cli["comparator_apc"]), rel=1e-12)
    assert mine["p_value"] == pytest.approx(float(cli["p_value"]), rel=1e-10)  # both Student t (quasi-Poisson)
    assert [mine["ratio_lower"], mine["ratio_upper"], mine["df"]] == pytest.approx(
        [float(cli["ratio_lower"]), float(cli["ratio_upper"]), float(cli["df"])], rel=1e-10)
    assert round(float(cli["ratio"]), 4) == 1.0074 and cli["intervals"].startswith("t (df=")
    # every council the command compares, the same comparison
    assert sorted(out.index) == sorted(cli_rows.index) and len(out) == 331  # (Isles of Scilly: all zero, no ratio)
    cli_ratio = pd.to_numeric(cli_rows.loc[out.index, "ratio"]).to_numpy(float)
    np.testing.assert_allclose(out["ratio"].to_numpy(float), cli_ratio, rtol=1e-12)
    assert int(np.isnan(cli_ratio).sum()) == 1


def test_the_comparators_counts_are_defras_councils_summed(fly, cli_rows, shared_data):
    env = _run_as_written(_the_error(fly), fly)
    comp = env["comps"][env["comps"]["_compared"] == DERBY]
    by_hand, n_others = _others_by_hand(shared_data, DERBY)
    assert comp["incidents"].tolist() == by_hand["n"].tolist()
    assert len(comp) == 10 and comp["period"].tolist() == [y.replace("-", "/") for y in by_hand["Year"]]
    info = env["info"].set_index("la_code")
    assert int(info.loc[DERBY, "other_areas"]) == n_others == int(cli_rows.loc[DERBY, "other_areas"])
    # both trends by statsmodels (quasi-Poisson: Pearson chi2 scale), on Derby's and the summed counts
    sm = pytest.importorskip("statsmodels.api")
    own = fly[fly["la_code"] == DERBY].sort_values("period")

    def slope(years: pd.Series, counts: pd.Series) -> float:
        t = years.astype(str).str[:4].astype(float).to_numpy()
        return float(sm.GLM(counts.to_numpy(float), sm.add_constant(t), family=sm.families.Poisson())
                     .fit(scale="X2").params[1])

    b_area, b_comp = slope(own["period"], own["incidents"]), slope(by_hand["Year"], by_hand["n"])
    row = env["out"].set_index("_compared").loc[DERBY]
    assert row["comparator_apc"] == pytest.approx(100 * np.expm1(b_comp), rel=1e-6)
    assert float(cli_rows.loc[DERBY, "ratio"]) == pytest.approx(np.exp(b_area - b_comp), rel=1e-6)


def test_the_docstring_gives_the_same_comparison():
    doc = " ".join(ss.compare_trends.__doc__.split())  # Python 3.13 dedents docstrings, 3.11 does not
    assert "the one ``saferstats report`` and ``saferstats trend --compare-with England`` make" in doc
    assert ":func:`like_for_like_others`" in doc and "areas published in every period" not in doc


def test_by_name_the_code_groups_by_name(fly):
    """By la_name: the code groups by the names (a renamed council is two series there, as poisson_trend says)."""
    message = _the_error(fly, by="la_name")
    assert "area='la_name'" in message and "Fenland" not in message


# --------------------------------------------------------------------------- 2. one fit where one serves
def _fits(monkeypatch, name: str = "poisson_trend") -> list:
    """The calls the command makes to the library's ``name`` (its use_t each)."""
    import saferstats.trend as trend

    calls = []
    real = getattr(trend, name)

    def counted(*a, **k):
        calls.append((name, k.get("use_t")))
        return real(*a, **k)
    monkeypatch.setattr(trend, name, counted)
    return calls


def _mixed(tmp_path) -> str:
    """Six series of 10 years: three Poisson-like (auto keeps Poisson), three over-dispersed."""
    rng = np.random.default_rng(7)
    rows = [{"area": f"A{a}", "period": y, "count": int(rng.poisson(200 * np.exp(0.04 * (y - 2012))
                                                                     * (rng.gamma(4, 0.25) if a % 2 else 1)))}
            for a in range(6) for y in range(2012, 2022)]
    path = tmp_path / "mixed.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


def test_quasi_poisson_rows_are_fitted_once(shared_data, tmp_path, monkeypatch):
    """Defra's councils, all quasi-Poisson under --dispersion auto: one fit (was two: z, then t)."""
    path = shared_data / FOLDER / "interim.csv"
    if not path.is_file():
        pytest.skip("interim.csv is not in ../shared/data")
    calls = _fits(monkeypatch)
    out = tmp_path / "t.csv"
    assert main(["trend", str(path), "--count", "Total Incidents", "--population", "none", "--period", "Year",
                 "--missing", "drop", "--by", "ONS Code", "--out", str(out)]) == 0
    # the command calls use_t="auto" (session 26), which fits once with t: one fit, as before (session 35:
    # within the one call, which no longer calls itself again with use_t=True)
    assert calls == [("poisson_trend", "auto")]
    res = pd.read_csv(out, keep_default_na=False)
    fitted = res[res["method"] != "not estimable"]
    assert fitted["method"].str.startswith("quasi-poisson").all() and len(fitted) > 300
    # the library's t fit, row for row
    data = pd.read_csv(path, na_values=[":"])  # (Defra's mark for no figure)
    data = data[data["ONS Code"].isin(fitted["ONS Code"])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lib = ss.poisson_trend(data, count="Total Incidents", population=None, period="Year", by="ONS Code",
                               dispersion="auto", use_t=True, missing="drop")
    lib = lib.set_index("ONS Code").loc[fitted["ONS Code"]]
    for c in ("apc_lower", "apc_upper", "p_value"):
        np.testing.assert_allclose(fitted[c].to_numpy(float), lib[c].to_numpy(float), rtol=1e-10)


def test_mixed_rows_take_z_or_t_as_before(tmp_path, monkeypatch):
    """Poisson and quasi-Poisson rows in one table: t for the quasi rows, the normal for the others,
    each the library's own (session 35: no second fit for the Poisson rows; their normal limits come from
    the same fit's slopes and SEs, to 1e-12 of the library's use_t=False)."""
    path = _mixed(tmp_path)
    calls = _fits(monkeypatch)
    out = tmp_path / "m.csv"
    assert main(["trend", path, "--population", "none", "--by", "area", "--out", str(out)]) == 0
    assert calls == [("poisson_trend", "auto")]  # (was: then True, then False for the normal's refit)
    res = pd.read_csv(out).set_index("area")
    quasi = res["method"].str.startswith("quasi-poisson")
    assert 0 < quasi.sum() < len(res)
    data = pd.read_csv(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lib = {t: ss.poisson_trend(data, population=None, by="area", dispersion="auto", use_t=t).set_index("area")
               for t in (False, True)}
    for c in ("apc_lower", "apc_upper", "p_value"):
        assert res.loc[quasi, c].tolist() == pytest.approx(lib[True].loc[quasi[quasi].index, c].tolist(), rel=1e-12)
        assert res.loc[~quasi, c].tolist() == pytest.approx(lib[False].loc[quasi[~quasi].index, c].tolist(), rel=1e-12)
    assert set(res.loc[~quasi, "intervals"]) == {"z"}


@pytest.mark.parametrize("flag, expected", [("--use-t", [True]), ("--use-z", [False])])
def test_use_t_and_use_z_fit_once(tmp_path, monkeypatch, flag, expected):
    path = _mixed(tmp_path)
    calls = _fits(monkeypatch)
    assert main(["trend", path, "--population", "none", "--by", "area", flag, "--out", str(tmp_path / "u.csv")]) == 0
    assert [t for _, t in calls] == expected  # --use-z: no quasi fit has fewer than 5 df here


def test_compare_with_fits_once_with_t_for_quasi_poisson(tmp_path, monkeypatch, shared_data):
    """The strand table against race (quasi-Poisson): one compare_trends call, the library's t row."""
    strands = shared_data / "hate_crime/home_office_by_force_2017-18_2018-19/DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv"
    if not strands.is_file():
        pytest.skip("the Home Office strand table is not in ../shared/data")
    calls = _fits(monkeypatch, "compare_trends")
    out = tmp_path / "c.csv"
    assert main(["trend", str(strands), "--compare-with", "race", "--missing", "drop", "--out", str(out)]) == 0
    assert calls == [("compare_trends", "auto")]  # "auto" fits once with t (session 35: no call of itself)

"""Session 24 (w35b): ``saferstats trend --compare-with England`` on Defra's fly-tipping workbook.

4. The command said only "no row of column 'la_code' (--by) has it" (by la_name: "did you mean
   'Fenland'?"), without the advice `compare_trends` gives (session 23, w34b): England is a total
   row the reader leaves out, it includes each council, and before 2019/20 it counts on another
   basis. It now says so, in the library's words, and compares each council with England's other
   councils counted like for like over its own years, the comparator the report builds
   (`saferstats.trend.like_for_like_others`, moved from the report's `_against_england`, which
   calls it too).

Reference: Derby against its comparator built here from the definition with pandas, both trends
fitted with statsmodels (quasi-Poisson, as ``--dispersion auto`` picks for both).
"""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from conftest import defra_flytipping_read
from saferstats.__main__ import main

XLSX = "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
DERBY = "E06000015"


def _like_for_like_others_by_hand(data: pd.DataFrame, code: str) -> tuple[pd.DataFrame, int]:
    """England's councils other than ``code`` with a count in every year of ``code``'s series, one
    reporting basis, no flag of a recording change and no step of 2-fold or more: their sum a year."""
    d = data.dropna(subset=["incidents"])
    years = sorted(d.loc[d["la_code"] == code, "period"].astype(str))
    keep = []
    for c, g in d[d["period"].astype(str).isin(years)].groupby("la_code"):
        g = g.sort_values("period")
        y = g["incidents"].to_numpy(float)
        basis = g["reporting_basis"].astype(str).str.strip().str.lower().replace("", np.nan).dropna()
        steps = [max(b / a, a / b) >= 2 for a, b in zip(y[:-1], y[1:]) if a > 0 and b > 0]
        if (len(g) == len(years) and not g["recording_step"].fillna(False).any()
                and not g["not_all_incidents"].fillna(False).any() and basis.nunique() <= 1 and not any(steps)):
            keep.append(c)
    others = [c for c in keep if c != code]
    rows = d[d["la_code"].isin(others) & d["period"].astype(str).isin(years)]
    return rows.groupby(rows["period"].astype(str))["incidents"].sum().reset_index(), len(others)


def test_compare_with_england_gives_the_advice_and_the_like_for_like_comparator(shared_data, tmp_path, capsys):
    sm = pytest.importorskip("statsmodels.api")
    path = shared_data / XLSX
    if not path.is_file():
        pytest.skip("the Defra workbook is not in ../shared/data")
    out = tmp_path / "c.csv"
    code = main(["trend", str(path), "--count", "incidents", "--population", "none", "--by", "la_code",
                 "--missing", "drop", "--compare-with", "England", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err  # was: 2, "--compare-with 'England': no row of column 'la_code' (--by) has it"
    # the library's advice, in its words (compare_trends's error says the same)
    total_row_why = importlib.import_module("saferstats.trend").total_row_why
    assert f"--compare-with 'England': {total_row_why('England')}" in err
    assert "it includes each area itself" in total_row_why("England")
    assert "compared instead with England's other areas counted like for like over its own periods" in err
    res = pd.read_csv(out, keep_default_na=False).set_index("la_code")
    derby = res.loc[DERBY]
    assert derby["comparator"] == f"England less {DERBY}, its other areas counted like for like"

    data = defra_flytipping_read(shared_data, "Flytipping.xlsx")
    comp, n_others = _like_for_like_others_by_hand(data, DERBY)
    assert int(derby["other_areas"]) == n_others
    own = data[data["la_code"] == DERBY].dropna(subset=["incidents"])

    def slope(years: pd.Series, counts: pd.Series) -> float:
        t = years.astype(str).str[:4].astype(float).to_numpy()
        fit = sm.GLM(counts.to_numpy(float), sm.add_constant(t), family=sm.families.Poisson()).fit(scale="X2")
        return float(fit.params[1])

    b_area, b_comp = slope(own["period"], own["incidents"]), slope(comp["period"], comp["incidents"])
    assert float(derby["apc"]) == pytest.approx(100 * np.expm1(b_area), rel=1e-6)
    assert float(derby["comparator_apc"]) == pytest.approx(100 * np.expm1(b_comp), rel=1e-6)
    assert float(derby["ratio"]) == pytest.approx(np.exp(b_area - b_comp), rel=1e-6)


def test_a_name_that_is_an_area_is_still_the_area(tmp_path, capsys):
    """A table without the reader's totals: --compare-with England is a row like any other."""
    p = tmp_path / "e.csv"
    pd.DataFrame({"area": ["Stevenage"] * 4 + ["England"] * 4, "period": list(range(2015, 2019)) * 2,
                  "count": [100, 120, 150, 170, 1000, 1100, 1180, 1300]}).to_csv(p, index=False)
    assert main(["trend", str(p), "--population", "none", "--by", "area", "--compare-with", "England"]) == 0
    cap = capsys.readouterr()
    assert "Stevenage" in cap.out and "its other areas" not in cap.out + cap.err

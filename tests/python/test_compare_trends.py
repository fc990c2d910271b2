"""compare_trends: is one area's trend faster than another's? Against R (tests/fixtures/trend_compare.json,
generate_trend_compare.R: Poisson area x time interaction; separate quasi-Poisson fits combined)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError, MissingValueError, SaferstatsWarning

FIXTURE = json.loads((Path(__file__).parents[1] / "fixtures" / "trend_compare.json").read_text())


def _frame(row: dict, names: tuple[str, str] = ("A", "B")) -> pd.DataFrame:
    n = len(row["period"])
    return pd.DataFrame({
        "area": [names[0]] * n + [names[1]] * n,
        "period": list(row["period"]) * 2,
        "count": row["count_a"] + row["count_b"],
        "population": row["population_a"] + row["population_b"],
    })


@pytest.mark.parametrize("row", FIXTURE["rows"], ids=lambda r: f"{r['name']}-{r['confidence']}")
@pytest.mark.parametrize("dispersion", ["poisson", "quasi"])
def test_matches_r(row: dict, dispersion: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = saferstats.compare_trends(_frame(row), by="area", comparator="B", confidence=row["confidence"],
                                        dispersion=dispersion, subtract=row["rest"])
    want = row[dispersion]
    assert got["area"].tolist() == ["A"]
    g = got.iloc[0]
    for col in ["ratio", "ratio_lower", "ratio_upper", "z"]:
        assert g[col] == pytest.approx(want[col], rel=1e-6), col
    assert g["p_value"] == pytest.approx(want["p_value"], rel=1e-5, abs=1e-300)
    assert np.log1p(g["apc"] / 100) == pytest.approx(want["beta_a"], rel=1e-7)
    assert np.log1p(g["comparator_apc"] / 100) == pytest.approx(want["beta_b"], rel=1e-7)
    assert g["comparator"] == ("B less A" if row["rest"] else "B")
    assert list(got.columns[-2:]) == ["confidence", "method"]


@pytest.mark.parametrize("row", FIXTURE["rows"], ids=lambda r: f"{r['name']}-{r['confidence']}")
def test_use_t_matches_r_welch_satterthwaite(row: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = saferstats.compare_trends(_frame(row), by="area", comparator="B", confidence=row["confidence"],
                                        dispersion="quasi", subtract=row["rest"], use_t=True)
    want, g = row["quasi_t"], got.iloc[0]
    for col in ["df", "p_value", "ratio_lower", "ratio_upper"]:
        assert g[col] == pytest.approx(want[col], rel=1e-6), col
    assert g["ratio"] == pytest.approx(row["quasi"]["ratio"], rel=1e-9)
    assert got.attrs["intervals"] == "Student t on the Welch-Satterthwaite df"


def test_comparator_as_a_frame_and_within_columns() -> None:
    row = FIXTURE["rows"][0]
    a = _frame(row)
    two = pd.concat([a.assign(strand="x"), a.assign(strand="y", count=a["count"] * 2)])
    comp = two[two.area == "B"].drop(columns="area")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = saferstats.compare_trends(two[two.area == "A"], by=["area", "strand"], comparator=comp)
    assert got[["area", "strand"]].values.tolist() == [["A", "x"], ["A", "y"]]
    # doubling both series leaves the slopes, so the ratio, unchanged
    assert got["ratio"].tolist() == pytest.approx([row["poisson"]["ratio"]] * 2, rel=1e-7)
    assert (got["comparator"] == "the comparator").all()


def test_only_periods_both_have_are_compared() -> None:
    row = FIXTURE["rows"][0]
    d = _frame(row)
    extra = pd.DataFrame({"area": ["A"], "period": [8], "count": [9000], "population": [1]})
    with pytest.warns(SaferstatsWarning, match=r"1 area row has a period the comparator \(B\) does not have"):
        got = saferstats.compare_trends(pd.concat([d, extra]), by="area", comparator="B")
    assert got["ratio"].iloc[0] == pytest.approx(row["poisson"]["ratio"], rel=1e-7)
    # the comparator without a period the area has: its trend is fitted on the area's periods only
    short = d[~((d.area == "B") & (d.period == 7))]
    with pytest.warns(SaferstatsWarning, match="does not have"):
        got = saferstats.compare_trends(short, by="area", comparator="B")
    assert got["n_periods"].iloc[0] == 7


def test_errors_name_the_argument_and_row() -> None:
    d = _frame(FIXTURE["rows"][0])
    with pytest.raises(InvalidInputError, match=r"comparator 'b' is not a value of column 'area'") as e:
        saferstats.compare_trends(d, by="area", comparator="b")
    assert e.value.argument == "comparator"
    d2 = d.copy()
    d2.index = [f"r{i}" for i in range(len(d2))]
    d2.loc["r10", "count"] = np.nan
    with pytest.raises(MissingValueError, match=r"comparator's column 'count' at row 'r10'"):
        saferstats.compare_trends(d2, by="area", comparator="B")
    with pytest.raises(InvalidInputError, match="cannot contain that area") as e:
        saferstats.compare_trends(d.assign(count=d["count"][::-1].to_numpy()), by="area", comparator="B",
                                  subtract=True)
    assert e.value.argument == "subtract"
    with pytest.raises(InvalidInputError, match="needs `by`"):
        saferstats.compare_trends(d, by=[], comparator="B")


def test_an_area_inside_the_comparator_is_pointed_out() -> None:
    row = FIXTURE["rows"][2]  # herts-like area inside a region: about 11% of its counts
    d = _frame(row)
    d.loc[d.area == "A", "count"] *= 2  # now about a fifth
    with pytest.warns(SaferstatsWarning, match="pass subtract=True"):
        saferstats.compare_trends(d, by="area", comparator="B")


def test_missing_drop_leaves_the_period_out_of_both() -> None:
    row = FIXTURE["rows"][0]
    d = _frame(row)
    d.loc[(d.area == "A") & (d.period == 3), "count"] = np.nan
    with pytest.warns(SaferstatsWarning, match="left out of both trends"):
        got = saferstats.compare_trends(d, by="area", comparator="B", missing="drop")
    assert got["n_periods"].iloc[0] == 7
    keep = d.period != 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = saferstats.compare_trends(d[keep], by="area", comparator="B")
    assert got["ratio"].iloc[0] == pytest.approx(ref["ratio"].iloc[0], rel=1e-12)


def test_street_crime_districts_against_the_rest_of_the_force(shared_data: Path) -> None:
    """The analyst's walk: police.uk ASB by Hertfordshire district, each against the rest of the force."""
    folder = shared_data / "street_crime"
    if not folder.exists():
        pytest.skip("police.uk street crime not in ../shared")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = saferstats.read_street_crime(folder, crime_type="Anti-social behaviour")
    d["district"] = d["lsoa_name"].astype(str).str.rsplit(" ", n=1).str[0]
    t = d.groupby(["district", "month"], observed=True).size().rename("count").reset_index()
    t = t[t.groupby("district")["count"].transform("size") == 13]
    force = t.groupby("month", observed=True)["count"].sum().reset_index().assign(district="Hertfordshire")
    with pytest.warns(SaferstatsWarning, match=r"comparator, Hertfordshire less each area"):
        c = saferstats.compare_trends(pd.concat([t, force]), by="district", comparator="Hertfordshire",
                                      population=None, period="month", dispersion="quasi", subtract=True)
    assert len(c) == 10 and (c["n_periods"] == 13).all()
    # Watford against the rest, by hand: the two separate quasi-Poisson slopes (statsmodels-free: the
    # core's poisson_trend is tested against R elsewhere) combine as sqrt(se_a^2 + se_b^2)
    w = t[t.district == "Watford"].reset_index(drop=True)
    rest = force["count"].to_numpy() - w["count"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = saferstats.poisson_trend(w, population=None, period="month", dispersion="quasi")
        b = saferstats.poisson_trend(w.assign(count=rest), population=None, period="month", dispersion="quasi")
    d_ = a["beta"].iloc[0] - b["beta"].iloc[0]
    se = np.hypot(a["se"].iloc[0], b["se"].iloc[0])
    got = c.set_index("district").loc["Watford"]
    assert got["ratio"] == pytest.approx(np.exp(d_), rel=1e-12)
    assert got["ratio_upper"] == pytest.approx(np.exp(d_ + 1.959963984540054 * se), rel=1e-9)

"""Session 36 (u4): a district council's fly-tipping monitoring for its scrutiny committee, walked
on Defra's local-authority table as published (the package's Hertfordshire extract of it,
``saferstats.datasets.flytipping_table_path()``, the ten Hertfordshire districts 2012/13 to 2021/22).

Defect found and fixed in python/saferstats/monitoring.py (``spc``): an SPC chart of a council's
Defra counts taken from :func:`saferstats.read_flytipping`'s table did not say that a year was
counted on another basis. Welwyn Hatfield counted only the public's reports in 2019/20 (1,700;
Defra's "Reporting basis": "Customer/public reported only") and all incidents in 2020/21 (4,836,
"All incidents"); the chart called 2020/21 a special cause "high", with no word that the jump is
(at least in part) the change in what was counted. ``spc`` now warns, naming the point, its basis
and the special cause next to it, and lists the point in ``.attrs["not_like_for_like"]``, as the
funnels already did for the same table.

References: the raw CSV read with pandas (the ``Reporting basis`` column), and the XmR limits worked
out by hand from the raw counts (mean ± 2.66 × mean moving range).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats

PATH = saferstats.datasets.flytipping_table_path()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The extract as published, read with pandas alone."""
    frame = pd.read_csv(PATH)
    frame["LA Name"] = frame["LA Name"].str.strip()
    return frame


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return saferstats.read_flytipping(PATH)


def _spc(*args, **kwargs):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.spc(*args, **kwargs)
    said = [" ".join(str(w.message).split()) for w in caught if issubclass(w.category, saferstats.SaferstatsWarning)]
    return out, [s for s in said if "like for like" in s]


def test_raw_file_says_welwyn_hatfield_changed_basis(raw: pd.DataFrame) -> None:
    """The reference: 2019-20 counted only the public's reports, 2020-21 all incidents, and by the
    XmR rule worked by hand 2020/21's 4,836 is above the upper process limit (a special cause)."""
    wh = raw[raw["LA Name"] == "Welwyn Hatfield"].set_index("Year")
    assert wh.loc["2019-20", "Reporting basis"] == "Customer/public reported only"
    assert wh.loc["2020-21", "Reporting basis"] == "All incidents"
    x = wh["Total Incidents"].to_numpy(dtype=float)
    assert x.tolist() == [2529, 2491, 2835, 3285, 2664, 2415, 2107, 1700, 4836, 3722]
    mean = x.mean()  # 2858.4
    amr = np.abs(np.diff(x)).mean()  # (38+344+450+621+249+308+407+3136+1114)/9 = 6667/9
    assert amr == pytest.approx(6667 / 9)
    upl = mean + 2.66 * amr  # 4828.87 < 4836
    assert x[8] > upl


def test_spc_names_the_point_counted_on_another_basis(table: pd.DataFrame, raw: pd.DataFrame) -> None:
    """Before: no warning and no ``not_like_for_like`` in the result's attrs; 2020/21 was a special
    cause "high" with nothing said of the change of basis behind it."""
    wh = table[table["la_name"] == "Welwyn Hatfield"]
    out, said = _spc(wh["incidents"], periods=wh["period"])
    row = out[out["period"] == "2020/21"].iloc[0]
    assert row["point_type"] == "special_cause_neutral_high"
    assert len(said) == 1
    assert "Welwyn Hatfield 2019/20 (reporting basis: Customer/public reported only)" in said[0]
    assert "Welwyn Hatfield 2020/21: special cause neutral high" in said[0]
    assert "rebase=" in said[0]
    flagged = out.attrs["not_like_for_like"]
    assert [f["name"] for f in flagged] == ["Welwyn Hatfield 2019/20"]
    # the row named is the 2019/20 row of the table, whose raw basis is not "All incidents"
    at = table.loc[flagged[0]["row"]]
    assert (at["la_name"], at["period"], at["incidents"]) == ("Welwyn Hatfield", "2019/20", 1700.0)
    assert raw.loc[(raw["LA Name"] == "Welwyn Hatfield") & (raw["Year"] == "2019-20"), "Total Incidents"].item() == 1700


def test_spc_of_a_series_indexed_by_period(table: pd.DataFrame) -> None:
    """``set_index("period")["incidents"]`` loses the row labels: the point is found by its period and
    count (before: nothing said)."""
    wh = table[table["la_name"] == "Welwyn Hatfield"].set_index("period")["incidents"]
    out, said = _spc(wh)
    assert len(said) == 1 and "Welwyn Hatfield 2019/20" in said[0]
    assert [f["row"] for f in out.attrs["not_like_for_like"]] == ["2019/20"]


def test_spc_of_every_district_names_the_one_point(table: pd.DataFrame, raw: pd.DataFrame) -> None:
    """All ten districts in one call (``by``), newest first: only Welwyn Hatfield's 2019/20 is not
    "All incidents" among the years Defra published a basis for (the raw file's column)."""
    published = raw[raw["Reporting basis"] != ":"]
    assert published.loc[published["Reporting basis"] != "All incidents", ["LA Name", "Year"]].values.tolist() == [
        ["Welwyn Hatfield", "2019-20"]]
    t = table.sort_values("period", ascending=False)
    out, said = _spc(t["incidents"], periods=t["period"], by=t["la_code"])
    assert len(said) == 1 and said[0].startswith("spc: 1 point not counted like for like")
    assert [f["name"] for f in out.attrs["not_like_for_like"]] == ["Welwyn Hatfield 2019/20"]


def test_unusual_periods_names_the_point_counted_on_another_basis(table: pd.DataFrame) -> None:
    """``unusual_periods`` of the same counts (baseline 3): 2019/20's count of the public's reports
    only is in the baselines of the next three years, and 2020/21 (4,836 against the mean of 2017/18 to
    2019/20, (2415 + 2107 + 1700) / 3 = 2074, by hand from the raw counts) reads "high". Before:
    nothing said of the change of basis."""
    wh = table[table["la_name"] == "Welwyn Hatfield"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.unusual_periods(wh["incidents"], periods=wh["period"], baseline=3)
    said = [" ".join(str(w.message).split()) for w in caught if "like for like" in str(w.message)]
    row = out[out["period"] == "2020/21"].iloc[0]
    assert row["expected"] == pytest.approx((2415 + 2107 + 1700) / 3) and row["unusual"] == "high"
    assert len(said) == 1 and said[0].startswith("unusual_periods: 1 point not counted like for like")
    assert "Welwyn Hatfield 2020/21: unusual high" in said[0]
    assert "the baselines of the next 3 periods include it" in said[0]
    assert [f["name"] for f in out.attrs["not_like_for_like"]] == ["Welwyn Hatfield 2019/20"]


def test_spc_says_nothing_where_nothing_is_flagged(table: pd.DataFrame) -> None:
    """Dacorum counted all incidents in every year published, and a plain list carries no flags:
    no warning, an empty list."""
    dac = table[table["la_name"] == "Dacorum"]
    out, said = _spc(dac["incidents"], periods=dac["period"])
    assert said == [] and out.attrs["not_like_for_like"] == []
    wh = table[table["la_name"] == "Welwyn Hatfield"]
    out, said = _spc(wh["incidents"].tolist(), periods=wh["period"].tolist())
    assert said == [] and out.attrs["not_like_for_like"] == []


# ---------------------------------------------------------------------------------------------
# FixMyStreet's reports charted as if they were incidents


@pytest.fixture(scope="module")
def fms(shared_data):  # type: ignore[no-untyped-def]
    from conftest import shared_path

    folder = shared_path(shared_data, "fly_tipping/fixmystreet_LAD_yearly")
    files = [folder / f"{y}.csv" for y in range(2015, 2020)]
    raw = pd.concat([pd.read_csv(f).assign(year=y) for f, y in zip(files, range(2015, 2020))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return raw, saferstats.read_fixmystreet(files)


def test_spc_of_fixmystreet_reports_says_they_are_reports(fms) -> None:  # type: ignore[no-untyped-def]
    """Dacorum's FixMyStreet fly-tipping (A29) reports doubled from 2015 to 2019 (76 to 154, raw CSVs
    read with pandas) while the people reporting rose from 38 to 48: the reports are not a count of
    incidents, and one person's many reports can make a special cause. Before: ``spc`` and
    ``unusual_periods`` said nothing (the funnels and trends already warned)."""
    raw, table = fms
    mine = raw[(raw["lad"] == "E07000096") & (raw["SHEF_A_CODE"] == "A29")].set_index("year")
    assert mine["reports"].tolist() == [76, 84, 93, 116, 154]
    assert mine["unique_users"].tolist() == [38, 35, 38, 47, 48]
    dac = table[table["la_code"] == "E07000096"]
    for call in (lambda: saferstats.spc(dac["reports"], periods=dac["year"]),
                 lambda: saferstats.unusual_periods(dac["reports"], periods=dac["year"], baseline=2)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = call()
        said = [" ".join(str(w.message).split()) for w in caught]
        assert any("FixMyStreet reports (read_fixmystreet), not incidents" in s and "'unique_users'" in s
                   for s in said), said
        assert out["value" if "value" in out else "count"].tolist() == [76, 84, 93, 116, 154]
    # the people who reported, as the warning suggests: nothing said
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        saferstats.spc(dac["unique_users"], periods=dac["year"])
    assert not any("FixMyStreet" in str(w.message) for w in caught)


def test_e_test_docstring_figures_for_dacorum(raw: pd.DataFrame) -> None:
    """``e_test``'s docstring now says that a small p on large yearly counts is no special cause
    (before: nothing did, and Dacorum's 1,587 against 1,470 reads p = 0.034). Its figures against
    references: the E-test summed by hand with scipy (Krishnamoorthy & Thomson 2004, two-sided),
    the Poisson GLM's Pearson dispersion fitted by hand (IRLS; statsmodels' GLM gives the same), and
    the XmR limits by hand from the raw counts."""
    from scipy.stats import poisson

    x = raw.loc[raw["LA Name"] == "Dacorum", "Total Incidents"].to_numpy(dtype=float)
    assert x.tolist() == [832, 1085, 1091, 1213, 1261, 1165, 1397, 1259, 1470, 1587]
    k1, k2 = 1587, 1470
    lam = (k1 + k2) / 2
    grid = np.arange(1250, 1810)  # the pooled mean 1,528.5 ± 7 SD: the mass outside is below 1e-11
    a, b = np.meshgrid(grid, grid, indexing="ij")
    t = (a - b) / np.sqrt(a + b)
    pmf = poisson.pmf(grid, lam)
    p = np.outer(pmf, pmf)
    ref = float(p[np.abs(t) >= (k1 - k2) / np.sqrt(k1 + k2) - 1e-12].sum())
    assert saferstats.e_test(k1, k2) == pytest.approx(ref, rel=1e-6)
    assert round(ref, 3) == 0.034
    # the Poisson log-linear trend by Newton-Raphson (IRLS), written out: log mu = b0 + b1 * t
    X = np.column_stack([np.ones(10), np.arange(10.0)])
    beta = np.array([np.log(x.mean()), 0.0])
    for _ in range(50):
        mu = np.exp(X @ beta)
        beta = beta + np.linalg.solve(X.T @ (X * mu[:, None]), X.T @ (x - mu))
    mu = np.exp(X @ beta)
    assert round(float(((x - mu) ** 2 / mu).sum() / (10 - 2)), 1) == 7.3  # Pearson X² / residual df
    amr = np.abs(np.diff(x)).mean()
    assert (round(x.mean() - 2.66 * amr), round(x.mean() + 2.66 * amr)) == (875, 1597)
    doc = " ".join((saferstats.e_test.__doc__ or "").split())
    assert "p = 0.034" in doc and "dispersion 7.3" in doc and "(875 to 1,597)" in doc

"""Walk-through 5: `israte` with the reference given as one column and one list.

The reference rate is Σ x_ref / Σ n_ref over the strata (PHEindicatormethods ``calculate_ISRate``).
With ``x_ref`` a list and ``n_ref`` a column it summed the column over every group's rows (the
reference rate halved with two areas); with ``x_ref`` a column and ``n_ref`` a list it raised a bare
IndexError. Checked against the PHE formulas written out in numpy/scipy."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import saferstats


def _byars(o: float, z: float) -> tuple[float, float]:
    lo = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return lo, hi


X_REF = np.array([400.0, 1500.0, 5000.0])
N_REF = np.array([100_000.0, 200_000.0, 300_000.0])


def _data() -> pd.DataFrame:
    return pd.DataFrame({
        "area": ["A"] * 3 + ["B"] * 3,
        "count": [15, 40, 120, 10, 30, 70],
        "population": [4000, 6000, 7000, 3000, 5000, 6500],
        "xr": np.tile(X_REF, 2), "nr": np.tile(N_REF, 2),
    })


def _expected(df: pd.DataFrame) -> pd.DataFrame:
    z = stats.norm.ppf(0.975)
    ref_rate = X_REF.sum() / N_REF.sum() * 100_000
    rows = []
    for area, g in df.groupby("area", sort=False):
        o = g["count"].sum()
        e = (g["population"].to_numpy() * X_REF / N_REF).sum()
        lo, hi = _byars(o, z)
        rows.append({"area": area, "rate": o / e * ref_rate, "lower": lo / e * ref_rate, "upper": hi / e * ref_rate,
                     "reference_rate": ref_rate})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("x_ref, n_ref", [
    ("xr", "nr"),
    (X_REF.tolist(), N_REF.tolist()),
    (X_REF.tolist(), "nr"),   # was: reference rate summed n_ref over both areas (half the right value)
    ("xr", N_REF.tolist()),   # was: IndexError
])
def test_israte_reference_given_as_column_or_list(x_ref, n_ref):
    df = _data()
    got = saferstats.israte(df, x_ref=x_ref, n_ref=n_ref, by="area")
    want = _expected(df)
    for col in ["rate", "lower", "upper", "reference_rate"]:
        np.testing.assert_allclose(got[col].to_numpy(), want[col].to_numpy(), rtol=1e-9, err_msg=col)


def test_israte_reference_columns_that_differ_between_areas():
    """Each area against its own reference (e.g. a CSP against its force's age-specific rates):
    PHEindicatormethods sums x_ref and n_ref within each group; saferstats used the first group's
    reference rate for every group (area B: 125 instead of 250 per 100,000)."""
    df = _data()
    df.loc[df.area == "B", "xr"] = X_REF * 2   # B's force has twice A's rates
    got = saferstats.israte(df, x_ref="xr", n_ref="nr", by="area").set_index("area")
    z = stats.norm.ppf(0.975)
    for area, g in df.groupby("area"):
        o = g["count"].sum()
        e = (g["population"] * g["xr"] / g["nr"]).sum()
        ref = g["xr"].sum() / g["nr"].sum() * 100_000
        lo, hi = _byars(o, z)
        np.testing.assert_allclose(got.loc[area, ["reference_rate", "rate", "lower", "upper"]].to_numpy(float),
                                   [ref, o / e * ref, lo / e * ref, hi / e * ref], rtol=1e-9)

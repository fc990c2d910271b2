"""Session 19 (w26d): performance monitoring walk on published data."""
from __future__ import annotations

import inspect
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import saferstats

GM = "population/mid_year_greater_manchester/mid-year_2024_population_estimates_local_authority.csv"
BANDS = ["aged_0_to_15", "aged_16_to_64", "aged_65_and_over"]


def _byar(o: float, e: float, z: float) -> tuple[float, float]:
    lo = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3 / e
    hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3 / e
    return lo, hi


def test_isr_names_a_missing_population_it_counts_as_zero(shared_data: Path) -> None:
    """Trafford's mid-year 2024 population by broad age band (females, males), with a count of
    incidents per band against reference rates. One band's population left blank (as a suppressed
    cell) was counted as 0, as PHEindicatormethods does, so its incidents stayed in the observed and
    nothing was expected of them: the ratio went from 1.48 to 1.97 with no word. The numbers stay PHE's;
    a SaferstatsWarning now names the column, the row and the area."""
    pop = pd.read_csv(shared_data / GM)
    pop = pop[pop["sex"].isin(["Females", "Males"])]
    long = pop.melt(id_vars=["sex"], value_vars=BANDS, var_name="band", value_name="population")
    long = long.sort_values(["sex", "band"], key=lambda s: s.map({b: i for i, b in enumerate(BANDS)}) if s.name == "band" else s)
    long = long.reset_index(drop=True)
    long["count"] = [40, 260, 90, 45, 250, 70]
    x_ref, n_ref = [900, 7000, 2500], [1_000_000, 3_000_000, 900_000]
    z = stats.norm.ppf(0.975)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        full = saferstats.isr(long, x_ref=x_ref, n_ref=n_ref, by="sex").set_index("sex")
    e = long.groupby("sex").apply(lambda g: float(np.sum(g["population"].to_numpy() * np.array(x_ref) / n_ref)))
    assert full.loc["Females", "expected"] == pytest.approx(e["Females"], rel=1e-12)

    blank = long.copy()
    blank.loc[blank.index[2], "population"] = np.nan  # Females aged 65 and over
    with pytest.warns(saferstats.SaferstatsWarning, match=r"`population` \(population\) is missing in 1 row: "
                      r"row 2 \(sex='Females'\).*counted as 0.*ratio reads high"):
        got = saferstats.isr(blank, x_ref=x_ref, n_ref=n_ref, by="sex").set_index("sex")
    # PHE's na-as-zero numbers, from numpy/scipy
    o = 40 + 260 + 90
    e_f = float(np.nansum(blank["population"].to_numpy()[:3] * np.array(x_ref) / n_ref))
    assert got.loc["Females", "observed"] == o
    assert got.loc["Females", "expected"] == pytest.approx(e_f, rel=1e-12)
    assert got.loc["Females", "ratio"] == pytest.approx(o / e_f, rel=1e-12)
    lo, hi = _byar(o, e_f, z)
    assert got.loc["Females", "lower"] == pytest.approx(lo, rel=1e-9)
    assert got.loc["Females", "upper"] == pytest.approx(hi, rel=1e-9)
    assert got.loc["Females", "ratio"] > 1.3 * full.loc["Females", "ratio"]  # 1.97 against 1.48


def test_isr_names_a_missing_count_and_reference_count() -> None:
    df = pd.DataFrame({"area": ["A"] * 3 + ["B"] * 3, "count": [5, 20, 60, 1, 4, np.nan],
                       "population": [1000, 2000, 3000] * 2})
    with pytest.warns(saferstats.SaferstatsWarning) as rec:
        r = saferstats.israte(df, x_ref=[40, np.nan, 500], n_ref=[10000, 20000, 30000], by="area")
    text = " ".join(str(w.message) for w in rec)
    assert "`count` (the observed count) is missing in 1 row: row 5 (area='B')" in text
    assert "ratio reads low" in text
    assert "`x_ref` (the reference count) is missing in 2 rows: row 1 (area='A'), row 4 (area='B')" in text
    assert r["expected"].tolist() == pytest.approx([1000 * 40 / 10000 + 3000 * 500 / 30000] * 2)


def test_isr_says_nothing_of_a_stratum_absent_on_both_sides() -> None:
    """No count and no population in a row (PHE's testdata_tiny): nothing observed, nothing expected."""
    df = pd.DataFrame({"area": ["A"] * 3, "count": [5, 20, np.nan], "population": [1000, 2000, np.nan]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = saferstats.isr(df, x_ref=[40, 150, 500], n_ref=[10000, 20000, 30000], by="area")
    assert r["expected"].iloc[0] == pytest.approx(1000 * 40 / 10000 + 2000 * 150 / 20000)


ESP2013 = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500,
           1500, 1000]


def _trafford_esp_bands(shared_data: Path) -> pd.Series:
    """Trafford's mid-2024 population (persons) in the ESP 2013 age bands, from the single years of age."""
    row = pd.read_csv(shared_data / GM).query("sex == 'Persons'").iloc[0]
    single = [float(row[str(a)]) for a in range(90)]
    bands = [sum(single[a:a + 5]) for a in range(0, 90, 5)] + [float(row["90+"])]
    labels = [f"{a}-{a + 4}" for a in range(0, 90, 5)] + ["90+"]
    return pd.Series(bands, index=labels)


def test_dsr_missing_population_names_no_option_it_lacks(shared_data: Path) -> None:
    """A band of Trafford's population left blank: the error told the analyst to pass
    missing="propagate", which dsr does not take (a TypeError). It now says what to do."""
    pop = _trafford_esp_bands(shared_data)
    assert pop.sum() == 241025  # all ages, as published
    counts = pd.Series(np.arange(19, dtype=float) * 3 + 5, index=pop.index)
    got = saferstats.dsr(counts, pop)
    w = np.array(ESP2013, dtype=float)
    want = float(np.sum(counts.to_numpy() / pop.to_numpy() * w) / w.sum() * 100_000)
    assert got["rate"].iloc[0] == pytest.approx(want, rel=1e-12)

    blank = pop.copy()
    blank["65-69"] = np.nan
    with pytest.raises(saferstats.MissingValueError) as e:
        saferstats.dsr(counts, blank)
    assert e.value.argument == "populations" and e.value.index == "65-69"
    assert "missing=" not in str(e.value).replace("no `missing=` option", "")
    assert "every age band needs its population" in str(e.value)
    assert "missing" not in inspect.signature(saferstats.dsr).parameters

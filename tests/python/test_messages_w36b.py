"""Session 24 (w36b): five misleading or unclear outputs, on the shared data.

1. `outcome_test`'s warnings on the searches with no stated ethnicity printed the unadjusted p
   beside the two rates while the Benjamini-Hochberg adjusted p decided (police.uk Dec 2019 - Feb
   2020, arrests by force: Merseyside "p = 0.026", judged on 0.042).
2. `read_street_crime`'s warning on LSOA 2011 codes said police.uk coded them "before about 2023";
   in the City of London's 2023 file the six records are of 2023-01 to 2023-04.
3. `mann_kendall(12 monthly values, season_length=12)` said "season 0 has 1 values; the seasonal
   test needs at least 2 per season", not that 12 values are one cycle and the test needs two.
4. `poisson_trend` on the City of London's 2023 months gave `intercept` -333.62, the line at year 0
   AD, with no word on the time origin: `fitted_first_count` is now the line at the first period.
5. `saferstats trend --compare-with England` (Defra's workbook) named each council in
   `compare_trends`' warnings with the constant first key: ('England', 'Barnet').

References: the stop-and-search files read with the csv module, the pooled two-proportion z test
by hand and statsmodels' ``multipletests(method="fdr_bh")`` run here; the street-crime file read
with the csv module against ONS's LSOA 2021 lookup (``population/census2021_ew``); statsmodels'
Poisson GLM fitted here on the same monthly counts (counted with pandas).
"""

from __future__ import annotations

import csv
import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from test_stopsearch_w32c import _files, _said
from conftest import shared_path
from saferstats.__main__ import main
from test_stopsearch_w33c import FORCES, _by_hand, _z_p


def test_the_not_stated_warning_prints_the_p_that_decided(shared_data):
    multipletests = pytest.importorskip("statsmodels.stats.multitest").multipletests
    hand = {f: _by_hand(shared_data, f, lambda r: r["Outcome"] == "Arrest") for f in FORCES}
    tested = [f for f, (_, _, _, nn, _, sn) in hand.items() if nn >= 10 and sn >= 10]
    p = {f: _z_p(*hand[f][2:]) for f in tested}
    adjusted = dict(zip(tested, multipletests([p[f] for f in tested], method="fdr_bh")[1]))
    assert (round(p["merseyside"], 3), round(adjusted["merseyside"], 3)) == (0.026, 0.042)  # the premise
    recs = ss.read_stop_search([f for force in FORCES for f in _files(shared_data, force)])
    out, messages = _said(ss.outcome_test, recs, outcome="arrest", by="force")
    (under,) = [m for m in messages if "not stated for fewer than a fifth" in m]
    for force, name in (("merseyside", "Merseyside"), ("essex", "Essex"), ("leicestershire", "Leicestershire")):
        # was: "..., p = 0.026)", the p that did not decide
        one = under.split(f"{name} (")[1].split(")", 1)[0]
        assert one.endswith(f"of the stated, adjusted p = {adjusted[force]:.3f} [unadjusted p = {p[force]:.3f}]"), under
    assert "stated, p = " not in under
    (fifth,) = [m for m in messages if "not stated for a fifth or more" in m]
    # South Yorkshire: the adjusted p alone where both read "< 0.001"
    said = f"{adjusted['south-yorkshire']:.3f}" if adjusted["south-yorkshire"] >= 0.001 else None
    assert (f"adjusted p = {said} [unadjusted p < 0.001])" if said else "adjusted p < 0.001)") in fifth, fifth
    assert out.attrs["not_stated_rule"]["p"] == "p_adjusted"


def test_the_lsoa_2011_warning_gives_the_months_of_the_records_found(shared_data):
    path = shared_path(shared_data, "street_crime/city_of_london_2023/street.csv")
    lookup = shared_path(shared_data, "population/census2021_ew/lookup_lsoa21_ward24_ltla24.csv")
    with open(lookup, newline="", encoding="utf-8") as fh:
        lsoa21 = {r["lsoa21_code"] for r in csv.DictReader(fh)}
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    old = {i + 2: r["month"] for i, r in enumerate(rows) if r["lsoa_code"] and r["lsoa_code"] not in lsoa21}
    assert old == {7014: "2023-04", 7028: "2023-04", 7719: "2023-03", 7731: "2023-03", 7798: "2023-02",
                   9245: "2023-01"}  # the premise: six records, none after April
    later = sorted({r["month"] for r in rows if r["month"] > max(old.values())})
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ss.read_street_crime(path)
    (said,) = [str(m.message) for m in w if "LSOA 2011" in str(m.message)]
    assert said.startswith(f"read_street_crime: {len(old)} of {len(rows):,} records (5 LSOA codes) carry LSOA 2011 "
                           "codes that ONS changed in 2021 (police.uk coded these records, of "
                           f"{min(old.values())} to {max(old.values())}, with LSOAs 2011; none of the input's "
                           f"records of the {len(later)} later months ({later[0]} to {later[-1]}) carries such a "
                           "code): they find no row"), said
    assert "before about 2023" not in said  # was: "(police.uk coded months before about 2023 with LSOAs 2011)"


def _city_monthly(shared_data) -> pd.Series:
    """The City of London's 2023 street-level records counted by month with pandas (12 months)."""
    path = shared_path(shared_data, "street_crime/city_of_london_2023/street.csv")
    return pd.read_csv(path, sep=";", dtype=str)["month"].value_counts().sort_index()


def test_the_seasonal_test_on_one_year_says_it_needs_two_cycles(shared_data):
    counts = _city_monthly(shared_data)
    assert counts.index.tolist() == [f"2023-{m:02d}" for m in range(1, 13)]  # the premise: one year
    for values in (counts, counts.to_numpy()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(ss.InvalidInputError) as err:
                ss.mann_kendall(values, season_length=12)
        said = str(err.value)
        # was: "invalid argument `values`: season 0 has 1 values; the seasonal test needs at least 2 per season"
        assert said.startswith("mann_kendall(season_length=12): the 12 values are one cycle of 12, and the seasonal "
                               "test needs at least 2 cycles (24 values)"), said
        assert "Wait for a second cycle, or test the totals of several whole cycles (years) with the plain test " \
               "(season_length=None" in said and "season 0 has 1 values" not in said
        assert err.value.argument == "values"
    with pytest.raises(ss.InvalidInputError, match=r"the 23 values are one cycle of 12 and 11 values more"):
        ss.mann_kendall(list(range(23)), season_length=12)
    # two cycles: the test runs (S summed over the 12 seasons: each pair rises, S = 12)
    assert ss.mann_kendall(list(range(24)), season_length=12)["s"].iloc[0] == 12


def test_poisson_trend_says_the_fitted_count_at_the_first_period(shared_data):
    sm = pytest.importorskip("statsmodels.api")
    counts = _city_monthly(shared_data)
    y = counts.to_numpy(dtype=float)
    years = 2023 + np.arange(12) / 12  # the month on a years scale: the time axis the docstring states
    on_years = sm.GLM(y, sm.add_constant(years), family=sm.families.Poisson()).fit()
    from_first = sm.GLM(y, sm.add_constant(years - years[0]), family=sm.families.Poisson()).fit()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = ss.poisson_trend(pd.DataFrame({"period": counts.index, "count": y}), population=None).iloc[0]
    assert got["intercept"] == pytest.approx(on_years.params[0], rel=1e-8)  # kept: the line at year 0 AD
    assert round(got["intercept"], 2) == -333.62
    # was: no such column; the line at 2023-01, the intercept of the fit counted from the first month
    assert got["fitted_first_count"] == pytest.approx(np.exp(from_first.params[0]), rel=1e-8)
    assert got["fitted_first_count"] == pytest.approx(on_years.fittedvalues[0], rel=1e-8)
    assert (got["first_period"], round(got["fitted_first_count"], 1), int(y[0])) == ("2023-01", 716.5, 719)
    # with a population: the fitted count there (the line per resident times that period's population)
    pop = np.linspace(8_000, 9_100, 12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rated = ss.poisson_trend(pd.DataFrame({"period": counts.index, "count": y, "population": pop})).iloc[0]
    offset = sm.GLM(y, sm.add_constant(years - years[0]), family=sm.families.Poisson(), offset=np.log(pop)).fit()
    assert rated["fitted_first_count"] == pytest.approx(offset.fittedvalues[0], rel=1e-8)
    # the docstring says where t = 0 is and what the new column is
    doc = ss.poisson_trend.__doc__
    assert "year 0 AD" in doc and "fitted_first_count" in doc


def test_compare_with_england_names_the_council_alone(shared_data, tmp_path, capsys):
    path = shared_path(shared_data, "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx")
    out = tmp_path / "c.csv"
    assert main(["trend", str(path), "--count", "incidents", "--population", "none", "--by", "la_name",
                 "--missing", "drop", "--compare-with", "England", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    # was: "('England', 'Barnet'): 2013/14 to 2014/15: ..." and "— ('England', 'Isles of Scilly'): all counts are zero"
    assert "('England', " not in err and "_series" not in err, err
    assert "comparisons run across a change in how the count is recorded" in err
    assert "'Barnet': 2013/14 to 2014/15: a 4-fold or greater change on the previous year published" in err
    assert "no trend estimated for 1 group — 'Isles of Scilly': all counts are zero" in err


def _two_keys(strands: tuple[str, ...]) -> pd.DataFrame:
    """Three areas (B with 2019 missing) and their total ("All"), 2016-2021, for each of ``strands``."""
    rows = []
    for strand in strands:
        for k, area in enumerate(["All", "A", "B", "C"]):
            for year in range(2016, 2022):
                if area != "B" or year != 2019:
                    rows.append({"area": area, "strand": strand, "period": str(year),
                                 "count": 100 + 10 * k + 3 * (year - 2016) ** 2})
    return pd.DataFrame(rows)


def _gaps(data: pd.DataFrame) -> list[str]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ss.compare_trends(data, comparator="All", by=["area", "strand"], population=None)
    return [str(m.message) for m in w if "periods missing inside their series" in str(m.message)]


def test_compare_trends_names_a_group_by_the_keys_that_vary():
    # the strand is one value in every row: the area alone (was: ('B', 'Race'))
    (gap,) = _gaps(_two_keys(("Race",)))
    assert "1 group has periods missing inside their series — 'B' (before 2020);" in gap, gap
    # a key that varies is kept
    (gap,) = _gaps(_two_keys(("Race", "Religion")))
    assert "— ('B', 'Race') (before 2020); ('B', 'Religion') (before 2020);" in gap, gap

"""Walk 21 (w21d): a new analyst's hate-crime trends, Census 2021 rates by ward and Section 136
proportions on the files in ``../shared/data`` exactly as published. Each test pins a defect found
on the walk: it failed before the fix and passes after (see ``docs/changelog.md``, session 17).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import SaferstatsWarning

HATE = "hate_crime/home_office_by_force_2017-18_2018-19"


def _messages(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, SaferstatsWarning)]


# --- 1. area counts on census_population's long table -------------------------------------------


def test_add_rates_warns_when_ward_counts_sit_on_each_ethnic_group_row(shared_data):
    """police.uk crimes per ward (June 2021, Hertfordshire) merged onto census_population("ward")
    land on each of the ward's five ethnic-group rows: every rate was the ward's count over one
    group's residents (Watford Central: 132 over 521 residents of Other ethnic groups = 253.4 per
    1,000, against 11.6 over its 11,405 residents), with no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        street = saferstats.read_street_crime(shared_data / "street_crime" / "2021-06-hertfordshire-street.csv",
                                              columns=["month", "lsoa_code"])
        lsoa = saferstats.census_population("lsoa")
        ward = saferstats.census_population("ward")
    counts = street.groupby("lsoa_code", observed=True).size().rename("count").reset_index()
    by_ward = (counts.merge(lsoa[["lsoa_code", "ward_code"]].drop_duplicates(), on="lsoa_code")
               .groupby("ward_code", as_index=False)["count"].sum())
    long = by_ward.merge(ward, on="ward_code")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        r = saferstats.add_rates(long, count="count", population="population", multiplier=1000)
    central = r[(r.ward_code == "E05011047") & (r.ethnicity == "Other")].iloc[0]
    assert int(central["count"]) == 132 and int(central["population"]) == 521
    assert round(float(central["rate"]), 1) == 253.4  # the number that must not be published as the ward's rate
    msgs = [m for m in _messages(rec) if "same figure on every ethnic group row" in m]
    assert len(msgs) == 1, _messages(rec)
    assert "253 of 253 areas" in msgs[0] and "sum 'population' over ethnicity" in msgs[0]
    # the right table: summed over ethnicity first, no warning, 11.6 per 1,000
    total = ward.groupby(["ward_code", "ward", "census"], as_index=False)["population"].sum()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        right = saferstats.add_rates(by_ward.merge(total, on="ward_code"), count="count", population="population",
                                     multiplier=1000)
    assert not [m for m in _messages(rec) if "ethnic group row" in m]
    row = right[right.ward_code == "E05011047"].iloc[0]
    assert int(row["population"]) == 11405 and round(float(row["rate"]), 1) == 11.6


def test_add_rates_quiet_for_counts_by_ethnic_group():
    """Counts that differ by ethnic group (rates by group, as intended) give no such warning."""
    df = pd.DataFrame({"force": ["a"] * 3 + ["b"] * 3, "ethnicity": ["Asian", "Black", "White"] * 2,
                       "count": [10, 12, 40, 5, 6, 30], "population": [1000, 800, 9000, 700, 500, 8000]})
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.add_rates(df)
    assert not [m for m in _messages(rec) if "ethnic group row" in m]


# --- 2. funnels against other forces: exact limits on over-dispersed points ------------------------


def _hate_2018_19(shared_data) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_hate_crime(shared_data / HATE / "Hate crime.csv")
    return t[t.period == "2018/19"]


def test_funnel_significance_warns_when_most_forces_are_outside_the_exact_limits(shared_data):
    """Hate crime per 100,000 by force, 2018/19: with the default exact limits 38 of the 42 forces
    with a population are 'High/Low (0.001)' (29 low, 9 high), where chance would put 0.08; the
    points are over-dispersed (φ 192). Nothing said so before; an analyst would publish "29 forces
    significantly below the national rate"."""
    t19 = _hate_2018_19(shared_data)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        sig = saferstats.funnel_significance("offences", "population", data=t19, kind="rate", missing="propagate")
    counts = sig.value_counts()
    assert (int(counts["Low (0.001)"]), int(counts["High (0.001)"])) == (29, 9)
    msgs = [m for m in _messages(rec) if "outside the 99.8% limits" in m]
    assert len(msgs) == 1, _messages(rec)
    assert msgs[0].startswith("funnel_significance: 38 of 42 points are outside the 99.8% limits")
    assert "φ = 192" in msgs[0] and "overdispersion=True" in msgs[0]
    # with over-dispersed limits: one force outside, and no such warning
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        od = saferstats.funnel_significance("offences", "population", data=t19, kind="rate", overdispersion=True,
                                            missing="propagate")
    assert int(od.isin(["Low (0.001)", "High (0.001)"]).sum()) == 1
    assert not [m for m in _messages(rec) if "outside the 99.8% limits" in m]


def test_plot_funnel_names_itself_in_the_overdispersion_warning(shared_data):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t19 = _hate_2018_19(shared_data)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ax = saferstats.plot_funnel("offences", "population", labels="force", data=t19, kind="rate")
    plt.close(ax.figure)
    msgs = [m for m in _messages(rec) if "outside the 99.8% limits" in m]
    assert len(msgs) == 1 and msgs[0].startswith("plot_funnel: 38 of 42 points"), _messages(rec)


def test_funnel_significance_quiet_when_points_are_in_control():
    """Counts drawn from one Poisson rate: a point or two outside is chance, not over-dispersion."""
    rng = np.random.default_rng(21)
    pop = rng.integers(50_000, 1_500_000, 60).astype(float)
    cnt = rng.poisson(pop * 150 / 100_000).astype(float)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.funnel_significance(cnt, pop, kind="rate")
    assert not [m for m in _messages(rec) if "outside the 99.8% limits" in m]


# --- 3. S136 shares of NHS ethnicity rows: broad groups beside their parts --------------------------


def _mha(shared_data) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return saferstats.read_mha_annual(shared_data / "s136_mental_health" / "nhs_mha_annual_2023_24"
                                          / "DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv")


def test_shares_names_nhs_broad_ethnic_groups_published_beside_their_parts(shared_data):
    """NHS MHA 2023-24, S136 detentions by ethnicity (England): the rows are the broad groups and
    their detailed groups together (White 10,483 = British 9,670 + Irish 94 + Any Other White 719).
    shares() flagged only 'All'; with it left out, Black or Black British came out 3.0% (896 of
    29,894 rows' counts) where it is 6.8% of the 13,156 detentions of known ethnicity."""
    t = _mha(shared_data)
    eth = t[(t.subcategory == "Section 136") & (t.organisation_level == "All submissions")
            & (t.demographic == "Ethnicity") & (t.breakdown != "All")][["breakdown", "count"]]
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        sh = saferstats.shares(eth, count="count", category="breakdown")
    black = sh[sh.breakdown == "Black or Black British"].iloc[0]
    assert (int(black["count"]), int(black["total"])) == (896, 29894) and round(float(black["share"]), 1) == 3.0
    msgs = [m for m in _messages(rec) if "subtotals of other categories" in m]
    assert len(msgs) == 1, _messages(rec)
    m = msgs[0]
    assert m.startswith("shares: 6 categories of column 'breakdown' are subtotals")
    assert ("'Mixed' (550 = 'Any Other Mixed background' 269 + 'White and Asian' 57 + 'White and Black African' 54 "
            "+ 'White and Black Caribbean' 170)") in m
    assert "'Asian or Asian British' (766 = 'Any Other Asian background' 230 + 'Bangladeshi' 82 + 'Indian' 173" in m
    assert ("['Asian or Asian British', 'Black or Black British', 'Mixed', 'Other Ethnic Groups', 'Unknown', "
            "'White']") in m
    # the broad groups alone (as the warning says to keep): Black or Black British 6.8%, no warning
    broad = eth[eth.breakdown.isin(["Asian or Asian British", "Black or Black British", "Mixed",
                                    "Other Ethnic Groups", "White"])]
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        sh = saferstats.shares(broad, count="count", category="breakdown")
    assert not [m for m in _messages(rec) if "subtotal" in m]
    assert round(float(sh.loc[sh.breakdown == "Black or Black British", "share"].iloc[0]), 1) == 6.8


def test_shares_quiet_on_the_hate_crime_strands(shared_data):
    """Strands whose counts happen to add up are not called subtotals without labels that say so."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = saferstats.read_hate_crime(shared_data / HATE / "DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv")
    strands = s[~s.strand.isin(s.attrs["totals"])]
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.shares(strands, count="count", category="strand", by="period")
    assert not [m for m in _messages(rec) if "subtotal" in m]


# --- 4. duplicate rows: the repeated key's own rows, by label, and what tells them apart -----------


def test_year_on_year_duplicates_name_their_rows_and_the_column_that_differs(shared_data):
    """OSCE national files 2016-2018, United Kingdom: each year has an "Official Records" and a
    "Civil Society ..." (2016) / "Other Sources" row. The error named year 2016 with rows
    [62, 63, 142, 143] (142, 143 are 2017) and did not say what tells them apart."""
    d = shared_data / "hate_crime" / "osce_national_2016-2018"
    o = pd.concat([pd.read_csv(d / f"osce_hate_incidents_{y}.csv") for y in (2016, 2017, 2018)], ignore_index=True)
    uk = o[o.country == "United Kingdom"]
    with pytest.raises(saferstats.InvalidInputError) as e:
        saferstats.year_on_year(uk, count="number_of_incidents", population=None, period="year")
    msg = str(e.value)
    assert "duplicate rows for {'year': 2016} (rows [62, 63]);" in msg, msg
    assert "they differ in 'data_source'" in msg and "142" not in msg
    assert e.value.index == 62


def test_shares_duplicates_named_by_row_label_not_position(shared_data):
    """NHS MHA: "People subject to repeat detentions" has four 'Ethnicity' rows labelled
    'Non-binary' (a labelling slip in the source). shares() named positions in the filtered table
    (rows [1898, 1899, 1900, 1901]: rows of other keys too); now the four rows' own labels."""
    t = _mha(shared_data)
    # session 31 (w52e): the reader puts those jumbled blocks back in order; the labels as published,
    # which repeat, are in .attrs["breakdowns_restored"] (row k of the table is line k + 2)
    for f in t.attrs["breakdowns_restored"]:
        t.loc[[n - 2 for n in f["source_lines"]], "breakdown"] = f["published"]
    e = t[(t.demographic == "Ethnicity") & (t.breakdown != "All")].dropna(subset=["count"])
    with pytest.raises(saferstats.InvalidInputError) as err:
        saferstats.shares(e, count="count", category="breakdown",
                          by=["measure", "subcategory", "organisation_level", "org_name"])
    msg = str(err.value)
    assert "'breakdown': 'Non-binary'} (rows [5830, 5837, 5844, 5851]);" in msg, msg
    assert "no other column tells them apart" in msg


# --- 5. compare_trends with missing="drop": which periods were left out ----------------------------


def test_compare_trends_drop_names_and_counts_the_periods_left_out(shared_data):
    """Home Office Table 2: the total of offences has no 2011/12 figure ("N/A"). Comparing each
    strand with race (missing="drop") left that period out of both trends, with a warning that named
    neither the row nor the period, and .attrs["excluded"] was 0 while poisson_trend's is 1."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = saferstats.read_hate_crime(shared_data / HATE / "DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv")
    # since session 21 the table's totals are left out against a strand (the 'offences' total holds
    # race's counts), and with them the total's missing 2011/12
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        c = saferstats.compare_trends(s, comparator="race", by="strand", population=None, missing="drop",
                                      dispersion="quasi", use_t=True)
    assert "offences" not in set(c.strand) and c.attrs["excluded"] == 0
    # a period missing in an area is named as the area's (the published total's 2011/12, before)
    t = pd.DataFrame({"area": ["E&W"] * 4 + ["A"] * 4, "period": ["2015/16", "2016/17", "2017/18", "2018/19"] * 2,
                      "count": [1000, 1100, 1300, 1500, 40, np.nan, 50, 61]})
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        c = saferstats.compare_trends(t, comparator="E&W", by="area", population=None, missing="drop", subtract=True)
    msgs = [m for m in _messages(rec) if "left out of both trends" in m]
    assert len(msgs) == 1 and "row 5 ('A' 2016/17: missing in the area)" in msgs[0], _messages(rec)
    assert c.attrs["excluded"] == 1
    assert c.attrs["excluded_rows"] == [{"row": 5, "period": "2016/17", "missing_in": "area", "area": "A"}]
    assert (c["first_period"].iloc[0], int(c["n_periods"].iloc[0])) == ("2015/16", 3)
    # a period missing in the comparator is named as the comparator's
    t = pd.DataFrame({"area": ["E&W"] * 4 + ["A"] * 4, "period": ["2015/16", "2016/17", "2017/18", "2018/19"] * 2,
                      "count": [1000, np.nan, 1300, 1500, 40, 44, 50, 61]})
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        c = saferstats.compare_trends(t, comparator="E&W", by="area", population=None, missing="drop", subtract=True)
    assert any("row 5 ('A' 2016/17: missing in the comparator, E&W)" in m for m in _messages(rec)), _messages(rec)
    assert c.attrs["excluded_rows"][0]["missing_in"] == "comparator" and int(c["n_periods"].iloc[0]) == 3


# --- 6. a counts-only table and the default population= -------------------------------------------


@pytest.mark.parametrize("fn", ["poisson_trend", "compare_trends", "year_on_year"])
def test_trend_functions_say_population_none_for_a_counts_table(shared_data, fn):
    """The bulletin's strand series (Table 2) has no population: the error listed the columns but
    not that population=None fits the counts."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = saferstats.read_hate_crime(shared_data / HATE / "DERIVED_hate-crime-1819-hosb2419-tables_Table_2.csv")
    extra = {"comparator": "race"} if fn == "compare_trends" else {}
    with pytest.raises(saferstats.InvalidInputError) as e:
        getattr(saferstats, fn)(s, by="strand", **extra)
    assert "has no column 'population'" in str(e.value)
    assert f"{fn}(..., population=None) uses the counts" in str(e.value)
    assert e.value.argument == "population"


# --- 7. the NHS MHA main sheet: rows that repeat another row's labels -----------------------------


def test_read_mha_annual_names_rows_that_repeat_another_rows_labels(shared_data):
    """NHS MHA 2023-24: "People subject to repeat detentions" (2 detentions) has four rows labelled
    Ethnicity 'Non-binary' (440, 645, 69 and 4,343 people: gender labels slipped under Ethnicity)
    and seven Age rows labelled '#N/A'; 34 rows in 9 sets in all. A pivot on the labels summed
    them (5,497 'Non-binary' people) with no word."""
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        t = saferstats.read_mha_annual(shared_data / "s136_mental_health" / "nhs_mha_annual_2023_24"
                                       / "DERIVED_mha_annual_suppressed_2023_24_mainsheet.csv")
    rep = t.attrs["repeated_labels"]
    assert len(rep) == 9 and sum(len(d["source_lines"]) for d in rep) == 34
    nb = next(d for d in rep if d["breakdown"] == "Non-binary" and d["demographic"] == "Ethnicity")
    assert nb["source_lines"] == [5832, 5839, 5846, 5853] and nb["counts"] == [440.0, 645.0, 69.0, 4343.0]
    msgs = [m for m in _messages(rec) if "carry the same labels" in m]
    assert len(msgs) == 1 and "34 rows in 9 sets" in msgs[0]
    assert "lines 5832, 5839, 5846, 5853: People subject to repeat detentions, 2, Ethnicity 'Non-binary'" in msgs[0]
    # the S136 rows an analyst uses are not among them
    assert not any("136" in str(d["subcategory"]) for d in rep)


def test_read_mha_annual_excerpt_has_no_repeated_labels():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        t = saferstats.read_mha_annual(saferstats.datasets.mha_annual_excerpt_path())
    assert t.attrs["repeated_labels"] == [] and not [m for m in _messages(rec) if "same labels" in m]


# --- 8. the councils of a CSP as they name themselves ---------------------------------------------


def test_find_area_takes_hertfordshire_councils_own_names():
    """A Hertfordshire CSP analyst types the councils' names: "East Herts Council" and "St Albans
    City and District Council" were unknown ("no close matches" for St Albans), and "Hertfordshire
    County Council" was offered only 'Herefordshire, County of'."""
    assert saferstats.find_area("East Herts Council")["code"] == "E07000242"
    assert saferstats.find_area("North Herts")["name"] == "North Hertfordshire"
    assert saferstats.find_area("St Albans City and District Council")["code"] == "E07000240"
    assert saferstats.find_area("St Albans City and District")["name"] == "St Albans"
    assert saferstats.find_area("East Herts", level="csp")["code"] == "E22000125"
    with pytest.raises(saferstats.UnknownAreaError) as e:
        saferstats.find_area("Hertfordshire County Council")
    msg = str(e.value)
    assert "Hertfordshire is a police force area (pass level='force'), covering 10 local authorities" in msg
    assert "a county council is an upper-tier council, not a level here" in msg


# --- 9. two periods filtered from one table, paired by position -----------------------------------


def test_percent_change_warns_when_series_of_two_periods_have_different_labels(shared_data):
    """2018/19 rows (labels 43-84) against 2017/18 rows sorted by force (labels 0-42): pairs were made
    by position with no word, Cleveland's 2018/19 count against Avon and Somerset's 2017/18 one:
    -14.1% printed on Cleveland's row, whose change was +1.8%."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = saferstats.read_hate_crime(shared_data / HATE / "Hate crime.csv")
    a = t[t.period == "2018/19"].dropna(subset=["population"])
    b = t[t.period == "2017/18"].dropna(subset=["population"]).sort_values("force")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        wrong = saferstats.percent_change(a.offences, a.population, b.offences, b.population)
    assert a.force.iloc[0] == "Cleveland" and b.force.iloc[0] == "Avon and Somerset"
    assert round(float(wrong["percent_change"].iloc[0]), 1) == -14.1
    msgs = [m for m in _messages(rec) if "paired by position" in m]
    assert len(msgs) == 1 and msgs[0].startswith("percent_change: `count_a` and `count_b` are Series with different "
                                                 "row labels"), _messages(rec)
    assert "(row 43 with row 34, row 44 with row 21" in msgs[0] and ".set_index('force')" in msgs[0]
    # indexed by force, as the warning says: the right pairs, no warning
    a2, b2 = a.set_index("force"), b.set_index("force").reindex(a.force)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        right = saferstats.percent_change(a2.offences, a2.population, b2.offences, b2.population)
    assert not [m for m in _messages(rec) if "paired by position" in m]
    assert round(float(right.loc["Cleveland", "percent_change"]), 1) == 1.8
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.rate_ratio(a.offences, a.population, b.offences, b.population)
        saferstats.proportion_difference(a.race, a.offences, b.race, b.offences)
    assert [m.split(":")[0] for m in _messages(rec) if "paired by position" in m] == ["rate_ratio",
                                                                                      "proportion_difference"]


# --- 10. the S136 interrupted time series plot says per what ---------------------------------------


def test_plot_its_says_the_slope_change_is_per_month():
    """The documented S136 pilot (monthly detentions, 2022-2024, street triage from January 2023):
    the title gave the slope change as "0.973/period" and the y axis "count per period" though the
    periods are months (a reader takes a trend per year)."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    recs = saferstats.synthetic.s136_pilot_records()
    m = saferstats.monthly_counts(recs, date="detention_time")
    its = saferstats.its_poisson(m, break_index=12)
    ax = saferstats.plot_its(its)
    assert f"slope change RR {its.slope_rr:.3f}/month (" in ax.get_title()
    assert ax.get_ylabel() == "count per month"
    plt.close(ax.figure)
    ax = saferstats.plot_its(saferstats.its_poisson([5, 6, 7, 6, 8, 4, 4, 3, 4], break_index=5))
    assert "/period (" in ax.get_title() and ax.get_ylabel() == "count per period"
    plt.close(ax.figure)


# --- 11. many groups too short for a trend: all named, and the filter ------------------------------


def test_poisson_trend_names_every_group_too_short_and_the_filter(shared_data):
    """OSCE national files 2016-2018, official (police) records by state: 19 of 44 states have fewer
    than 3 years with a figure. The error named only the first ('Albania'), so the analyst had to
    rerun 19 times."""
    d = shared_data / "hate_crime" / "osce_national_2016-2018"
    o = pd.concat([pd.read_csv(d / f"osce_hate_incidents_{y}.csv") for y in (2016, 2017, 2018)], ignore_index=True)
    off = o[o.data_source.isin(["Official Records", "Police Records"])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(saferstats.InvalidInputError) as e:
            saferstats.poisson_trend(off, count="number_of_incidents", population=None, period="year", by="country",
                                     missing="drop")
    msg = str(e.value)
    assert msg.startswith("19 of 44 groups have fewer than 3 periods with figures (column 'year')"), msg
    assert "'Albania' (1); 'Andorra' (1); 'Armenia' (2)" in msg and "and 11 more" in msg
    hint = "data[data.groupby('country')['number_of_incidents'].transform('count') >= 3]"
    assert hint in msg
    kept = off[off.groupby("country")["number_of_incidents"].transform("count") >= 3]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tr = saferstats.poisson_trend(kept, count="number_of_incidents", population=None, period="year",
                                      by="country", dispersion="quasi")
    assert len(tr) == 25
    uk = tr[tr.country == "United Kingdom"].iloc[0]
    assert round(float(uk["apc"]), 1) == 17.2


# --- 12. a chance sum of two categories is not a total ---------------------------------------------


def test_shares_does_not_call_a_chance_sum_of_two_categories_a_total(shared_data):
    """NHS MHA 2023-24, S135/136 -> s2 by ICB and ethnicity (counts rounded to 5): in NHS South West
    London ICB, White 15 = Asian 5 + Black 10, and shares() called 'White' a total of the others
    (in 1 of the 43 ICBs that have it). A total with three or more others, or the sum of the others
    in every group, is still named."""
    t = _mha(shared_data)
    x = t[(t.organisation_level == "ICB") & (t.demographic == "Ethnicity")
          & (t.subcategory == "Section 135/136 to 2")].dropna(subset=["count"])
    swl = x[x.org_name == "NHS SOUTH WEST LONDON INTEGRATED CARE BOARD"].set_index("breakdown")["count"]
    assert swl[["Asian or Asian British", "Black or Black British", "White"]].tolist() == [5.0, 10.0, 15.0]
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.shares(x, count="count", category="breakdown", by="org_name")
    assert not [m for m in _messages(rec) if "'White'" in m and "total of the others" in m], _messages(rec)
    # a real total among two parts in every group is still named
    df = pd.DataFrame({"area": ["A"] * 3 + ["B"] * 3, "g": ["x", "y", "Both"] * 2, "count": [3, 4, 7, 10, 5, 15]})
    with pytest.warns(SaferstatsWarning, match=r"category 'Both' of column 'g' is a total"):
        saferstats.shares(df, count="count", category="g", by="area")


def test_add_rates_checks_the_census_year_against_a_month_column():
    """Monthly police.uk counts (column 'month', as read_street_crime names it) on Census 2021
    residents: months of 2025 are 4 years from the Census, and only 'period' or 'year' columns were
    checked."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pop = saferstats.census_population("la").groupby(["la_code", "la", "census"], as_index=False)["population"].sum()
    watford = pop[pop.la == "Watford"].assign(month="2025-06", count=1100)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.add_rates(watford, multiplier=1000)
    assert any("Census 2021 residents" in m and "2025-06" in m for m in _messages(rec)), _messages(rec)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        saferstats.add_rates(watford.assign(month="2021-06"), multiplier=1000)
    assert not [m for m in _messages(rec) if "Census 2021 residents" in m]

"""Session 14 (walk 12b): bad input as analysts pass it — Series with their own (string, duplicate)
labels, numbers as text with thousands separators, a column header with a trailing space or other
case. Each error is a named SaferstatsError naming the argument and the row by its label."""

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats import InvalidInputError, MissingValueError

LABELS = ["E06000001", "E06000002", "E06000002", "E06000004"]  # string labels, one duplicated


def _series(values):
    return pd.Series(values, index=LABELS)


def test_numbers_with_thousands_separators_are_read_as_excel_writes_them():
    """'1,234' (a CSV saved from Excel) was refused as 'not a number'; it is 1234 (checked against
    the same call with plain numbers)."""
    got = saferstats.rate_ci(["1,234", " 12 ", "12.0"], ["10,000", "20,000", "1,000,000"])
    want = saferstats.rate_ci([1234, 12, 12], [10000, 20000, 1000000])
    pd.testing.assert_frame_equal(got, want)
    df = pd.DataFrame({"count": [12, 30], "population": ["10,000", "20,000"]}, index=["Leeds", "York"])
    got = saferstats.add_rates(df)
    assert got["rate"].tolist() == pytest.approx([120.0, 150.0])


@pytest.mark.parametrize("text", ["1,5", "12,34", "1,234,5", "12 apples"])
def test_text_that_is_not_a_grouped_number_is_refused_by_its_row_label(text):
    """A European decimal comma ('1,5') is not read as 15: refused, naming the row by its label."""
    with pytest.raises(InvalidInputError) as e:
        saferstats.rate_ci(pd.Series(["12", text], index=["Leeds", "York"]), [1000, 1000])
    assert e.value.argument == "count"
    assert e.value.index == "York" and e.value.position == 1
    assert "row 'York'" in str(e.value)


def test_a_frame_column_that_is_not_a_number_is_named_by_its_row_label():
    """add_rates named the row by position (0) although the frame is indexed by area."""
    df = pd.DataFrame({"count": [12, 30], "population": ["10000", "n/a"]}, index=["Leeds", "York"])
    with pytest.raises(InvalidInputError) as e:
        saferstats.add_rates(df)
    assert e.value.argument == "population"
    assert e.value.index == "York"
    assert "row 'York'" in str(e.value)


@pytest.mark.parametrize("header", ["count ", "Count", " COUNT"])
def test_a_header_with_a_trailing_space_or_other_case_is_suggested(header):
    df = pd.DataFrame({header: [12, 30], "population": [10000, 20000]})
    for call in (lambda: saferstats.add_rates(df), lambda: saferstats.year_on_year(df.assign(period=[2020, 2021]))):
        with pytest.raises(InvalidInputError) as e:
            call()
        assert e.value.argument == "count"
        assert f"did you mean {header!r}" in str(e.value)


def test_two_near_matches_are_not_guessed():
    df = pd.DataFrame({"Count": [1], "count ": [2], "population": [10]})
    with pytest.raises(InvalidInputError) as e:
        saferstats.add_rates(df)
    assert "did you mean" not in str(e.value)


@pytest.mark.parametrize(
    "call, argument",
    [
        # funnel_significance: its translating decorator sat on a helper defined between it and its body
        (lambda bad: saferstats.funnel_significance(bad, [1000] * 4, kind="rate", multiplier=1000), "numerators"),
        (lambda bad: saferstats.funnel_significance([5] * 4, bad.where(bad < 0, 1000),
                                                    kind="rate", multiplier=1000), "denominators"),
        (lambda bad: saferstats.e_test(bad, [10, 20, 9, 40]), "k1"),
        (lambda bad: saferstats.concentration(bad), "counts"),
        (lambda bad: saferstats.pai(bad, [0.1, 0.2, 0.3, 0.4]), "observed"),
        (lambda bad: saferstats.wdd(bad.iloc[:2].set_axis(["before", "after"]), [50, 30]), "control"),
    ],
)
def test_negative_values_are_named_by_row_label(call, argument):
    bad = _series([12, -3, 7, 50])
    with pytest.raises(InvalidInputError) as e:
        call(bad)
    assert e.value.argument == argument
    assert e.value.position == 1
    want = "after" if argument == "control" else "E06000002"
    assert e.value.index == want
    assert f"row {want!r}" in str(e.value)


def test_p_adjust_names_the_row_label():
    with pytest.raises(InvalidInputError) as e:
        saferstats.p_adjust(pd.Series([0.01, 1.5], index=["burglary", "robbery"]))
    assert (e.value.argument, e.value.index) == ("p", "robbery")
    assert "row 'robbery'" in str(e.value)


@pytest.mark.parametrize(
    "call, argument, text",
    [
        (lambda s: saferstats.e_test(s, [10, 20, 9, 40]), "k1",
         "row 'E06000002' (position 1: 2 rows have that label; pd.concat(..., ignore_index=True) gives each its own) "
         "is missing"),  # the label repeats: its position too (session 18, w24b)
        (lambda s: saferstats.concentration(s), "counts", "first at row 'E06000002'"),
        (lambda s: saferstats.pai(s, [0.1, 0.2, 0.3, 0.4]), "observed", "first: row 'E06000002'"),
    ],
)
def test_missing_values_from_nullable_columns_are_named_by_row_label(call, argument, text):
    """A nullable Int64 column with <NA>: the core's message named the row by its position only."""
    s = pd.Series(pd.array([12, pd.NA, 7, 50], dtype="Int64"), index=LABELS)
    with pytest.raises(MissingValueError) as e:
        call(s)
    assert (e.value.argument, e.value.index, e.value.position) == (argument, "E06000002", 1)
    assert text in str(e.value)


def test_wdd_missing_count_is_named_by_row_label():
    with pytest.raises(MissingValueError) as e:
        saferstats.wdd(pd.Series([100, np.nan], index=["before", "after"]), [50, 30])
    assert (e.value.argument, e.value.index) == ("control", "after")
    assert "row 'after'" in str(e.value)


def test_plain_lists_still_name_positions():
    with pytest.raises(InvalidInputError) as e:
        saferstats.e_test([12, -3], [10, 20])
    assert (e.value.index, e.value.position) == (1, 1)
    assert "position 1" in str(e.value)


MONTHS = [f"2023-{m:02d}" for m in range(1, 13)] + ["2024-01", "2024-02"]
SERIES = [3, 5, 2, 8, 9, 12, 11, 15, 14, 13, 17, 20, 25, 30]


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda s: saferstats.spc(s, chart="c"), "values"),
        (lambda s: saferstats.its_poisson(s, break_index=7), "counts"),
        (lambda s: saferstats.its_poisson(SERIES, break_index=7, population=s * 1000), "population"),
    ],
)
@pytest.mark.parametrize("bad", [-3, np.inf, pd.NA])
def test_monthly_series_name_the_month(call, argument, bad):
    """A Series indexed by month: spc and its_poisson named the bad month as
    'row 1' / 'position 1'; they name it '2023-02' now (and its_poisson's population no longer
    advises a `missing=` it does not have)."""
    values = pd.Series(pd.array([SERIES[0], bad, *SERIES[2:]], dtype="Float64"), index=MONTHS)
    with pytest.raises(InvalidInputError) as e:
        call(values)
    assert e.value.argument == argument
    assert (e.value.index, e.value.position) == ("2023-02", 1)
    assert "'2023-02'" in str(e.value)
    assert "missing=" not in str(e.value)


def test_spc_by_group_names_the_callers_row():
    """With `by` the rows are charted per group; the row named is still the caller's."""
    values = pd.Series([3, 5, 2, -3, 9, 12, 11, 15, 14, 13, 17, 20], index=[f"r{i}" for i in range(12)])
    with pytest.raises(InvalidInputError) as e:
        saferstats.spc(values, by=["a", "b"] * 6, chart="c")
    assert (e.value.argument, e.value.index) == ("values", "r3")


@pytest.mark.parametrize("short", ["lat", "lon", "labels"])
def test_cluster_summary_lists_of_unequal_length(short):
    """lat one shorter than lon raised numpy's IndexError ('boolean index did not match')."""
    args = {"lat": [53.80, 53.801, 53.802, 53.8], "lon": [-1.55, -1.551, -1.552, -1.55], "labels": [0, 0, 0, -1]}
    args[short] = args[short][:-1]
    with pytest.raises(saferstats.LengthMismatchError) as e:
        saferstats.cluster_summary(args["lat"], args["lon"], args["labels"])
    assert e.value.argument == ("lon" if short == "lat" else short)
    assert short in str(e.value)


CRIMES = [f"crime{i}" for i in range(6)]
EASTINGS = pd.Series([430000.0, 430050, 430120, 430200, 430260, 430300], index=CRIMES)
NORTHINGS = pd.Series([433000.0, 433040, 433100, 433150, 433230, 433300], index=CRIMES)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: saferstats.kde_grid(x, NORTHINGS, cell_size=50, bandwidth=200),
        lambda x: saferstats.grid_counts(x, NORTHINGS, cell_size=50),
        lambda x: saferstats.clark_evans(x, NORTHINGS, area=1e6),
    ],
)
@pytest.mark.parametrize("bad, cls", [(np.nan, MissingValueError), (np.inf, InvalidInputError)])
def test_projected_points_name_the_record_by_label(call, bad, cls):
    """A frame of crimes indexed by crime id: a missing or infinite easting was named 'row 3'."""
    x = EASTINGS.copy()
    x.iloc[3] = bad
    with pytest.raises(cls) as e:
        call(x)
    assert (e.value.argument, e.value.index, e.value.position) == ("x", "crime3", 3)
    assert "row 'crime3'" in str(e.value)


def test_latlon_points_name_the_record_by_label():
    lat = pd.Series([53.80, 53.801, None, 53.803], index=CRIMES[:4], dtype="Float64")
    with pytest.raises(MissingValueError) as e:
        saferstats.dbscan(lat, [-1.55, -1.551, -1.552, -1.553], eps_m=100, min_samples=2)
    assert (e.value.argument, e.value.index, e.value.position) == ("lat", "crime2", 2)
    assert "row 'crime2'" in str(e.value)


def test_suppress_names_the_row_label_and_reads_thousands_separators():
    """suppress named the row by position ('row 1') in a table indexed by area, and refused
    '1,234' as not a number."""
    tab = pd.DataFrame({"area": ["A", "B", "C"], "n": [3, -1, 12]}, index=["Adur", "Arun", "Worthing"])
    with pytest.raises(InvalidInputError) as e:
        saferstats.suppress(tab, columns="n")
    assert (e.value.argument, e.value.index, e.value.position) == ("n", "Arun", 1)
    assert "row 'Arun'" in str(e.value)
    with pytest.raises(InvalidInputError) as e:
        saferstats.suppress(tab.assign(n=["3", "lots", "12"]), columns="n")
    assert (e.value.argument, e.value.index) == ("n", "Arun")
    got = saferstats.suppress(tab.assign(n=["3", "1,234", "12"]), columns="n")
    want = saferstats.suppress(tab.assign(n=["3", "1234", "12"]), columns="n")
    pd.testing.assert_frame_equal(got, want)
    assert str(got.loc["Arun", "n"]) == "1234" and str(got.loc["Adur", "n"]) == "[c]"


@pytest.mark.parametrize("bad, shown", [(np.nan, "got nan"), (-5, "got -5")])
def test_disproportionality_population_names_the_group(bad, shown):
    """A {group: population} mapping with a NaN (an empty cell of the analyst's census table)
    was named 'row 1' and shown as np.float64(nan)."""
    searches = pd.DataFrame({"ethnicity": ["White", "Black", "Asian", "White", "Black"] * 10})
    with pytest.raises(InvalidInputError) as e:
        saferstats.disproportionality(searches, {"White": 10000, "Black": bad, "Asian": 3000})
    assert (e.value.argument, e.value.index, e.value.position) == ("population", "Black", 1)
    assert "ethnicity='Black'" in str(e.value) and shown in str(e.value) and "np.float64" not in str(e.value)

"""polars and pyarrow tables wherever a pandas DataFrame is accepted (issue 15), and core errors
in the caller's terms: the DataFrame column and the row label (issue 19.2)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import tidy_counts
from saferstats import InvalidInputError, MissingValueError

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")


def _tidy() -> pd.DataFrame:
    return tidy_counts()


CONVERTERS = {
    "polars": lambda df: pl.from_dict({c: df[c].tolist() for c in df.columns}),
    "polars-lazy": lambda df: pl.from_dict({c: df[c].tolist() for c in df.columns}).lazy(),
    "pyarrow": lambda df: pa.table({c: df[c].tolist() for c in df.columns}),
}

CALLS = {
    "add_rates": lambda d: saferstats.add_rates(d),
    "shares": lambda d: saferstats.shares(d, category="area", by="period"),
    "year_on_year": lambda d: saferstats.year_on_year(d, by="area"),
    "poisson_trend": lambda d: saferstats.poisson_trend(d, by="area"),
    "suppress": lambda d: saferstats.suppress(d, columns=["count"], keys=["area", "period"]),
}


@pytest.mark.parametrize("kind", sorted(CONVERTERS))
@pytest.mark.parametrize("name", sorted(CALLS))
def test_polars_and_pyarrow_tables_give_the_pandas_result(name, kind):
    expected = CALLS[name](_tidy())
    got = CALLS[name](CONVERTERS[kind](_tidy()))
    assert isinstance(got, pd.DataFrame)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_disproportionality_and_s136_from_arrow():
    agg = pd.DataFrame({"ethnicity": ["Black", "White"], "searches": [1200, 5400]})
    pops = pd.DataFrame({"ethnicity": ["Black", "White"], "population": [48_000, 1_080_000]})
    expected = saferstats.disproportionality(agg, pops, count="searches")
    got = saferstats.disproportionality(pa.table(agg), pl.from_pandas(pops), count="searches")
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    recs = saferstats.synthetic.s136_pilot_records(seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        a = saferstats.before_after(recs, split="2024-01-01")
        b = saferstats.before_after(pa.Table.from_pandas(recs, preserve_index=False), split="2024-01-01")
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                  check_categorical=False)


def test_polars_and_arrow_columns_as_array_arguments():
    expected = saferstats.rate_ci([5, 20, None], [100, 100, 100], missing="propagate")
    for count in (pl.Series("n", [5, 20, None]), pa.array([5, 20, None]), pa.chunked_array([[5, 20], [None]])):
        got = saferstats.rate_ci(count, [100, 100, 100], missing="propagate")
        pd.testing.assert_frame_equal(got, expected)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        mk = saferstats.mann_kendall(pl.DataFrame({"a": [1.0, 2.0, 4.0, 3.0], "b": [5.0, 6.0, 8.0, 9.0]}).transpose())
    assert len(mk) == 2 and list(mk["s"]) == [4.0, 6.0]


@pytest.mark.parametrize("bad", [[{"count": 1}], {"count": [1]}, np.zeros((2, 2)), "data.csv", None])
def test_anything_else_is_a_named_saferstats_error(bad):
    with pytest.raises(InvalidInputError, match=r"`data` must be a DataFrame \(pandas, polars or pyarrow\), got") as e:
        saferstats.add_rates(bad)
    assert e.value.argument == "data"


# ------------------------------------------------------------------ core errors, caller's terms
def test_rate_ci_names_the_row_label_not_the_position():
    s = pd.Series([1, 2, -1, 3], index=list("abcd"))
    with pytest.raises(InvalidInputError, match=r"`count` at row 'c': -1") as e:
        saferstats.rate_ci(s, 100)
    assert e.value.index == "c" and e.value.position == 2 and e.value.argument == "count"
    # plain lists and default indexes keep the position
    with pytest.raises(InvalidInputError, match="at position 2") as e:
        saferstats.rate_ci([1, 2, -1, 3], 100)
    assert e.value.index == 2 and e.value.position == 2
    with pytest.raises(MissingValueError, match=r"`population_a` at row 'b'"):
        saferstats.rate_ratio(1, pd.Series([1.0, np.nan], index=["a", "b"]), 1, 1)


def test_dataframe_functions_name_the_column_and_row_label():
    df = _tidy().set_axis([f"r{i}" for i in range(8)]).rename(columns={"count": "offences"})
    df.loc["r5", "offences"] = -3
    for call in (lambda: saferstats.add_rates(df, count="offences"),
                 lambda: saferstats.year_on_year(df, count="offences", by="area"),
                 lambda: saferstats.poisson_trend(df, count="offences", by="area"),
                 lambda: saferstats.shares(df, count="offences", category="area", by="period")):
        # (add_rates adds the row's area and period: "at row 'r5' (B, 2016/17)")
        with pytest.raises(InvalidInputError, match=r"column 'offences' \(keyword `count`\) at row 'r5'( \(B, 2016/17\))?: -3") as e:
            call()
        assert e.value.argument == "offences" and e.value.index == "r5" and e.value.position == 5
    # poisson_trend sorts by group and period for the core: the row is still the caller's
    df = _tidy().iloc[::-1]
    df.loc[6, "population"] = 0
    with pytest.raises(InvalidInputError, match=r"column 'population' at row 6: 0 \(must be greater than zero\)"):
        saferstats.poisson_trend(df, by="area")


def test_dsr_names_the_area_and_the_row_label():
    counts = pd.Series([10, 20, -1, 5], index=["a1", "a2", "b1", "b2"])
    with pytest.raises(InvalidInputError, match=r"group 'B': .*`counts` at row 'b1'") as e:
        saferstats.dsr(counts, [100] * 4, standard=[1, 1], groups=["A", "A", "B", "B"])
    assert e.value.index == "b1" and e.value.position == 2


def test_a_whole_table_where_one_column_goes_names_its_number_columns():
    # session 18: spc(df, periods="month") on read_hate_crime(Figure_2) said only "not a DataFrame"
    m = pd.DataFrame({"month": ["2013-04", "2013-05"], "count": [2391.0, 2903.0], "source_line": [9, 10]})
    with pytest.raises(InvalidInputError) as e:
        saferstats.spc(m, periods="month")
    assert e.value.argument == "values"
    assert str(e.value).endswith("pass one of its columns, e.g. df['count'] (its number columns: 'count', 'source_line')")
    with pytest.raises(InvalidInputError, match=r"not a DataFrame: pass one of its columns$"):
        saferstats.rate_ci(pd.DataFrame({"a": ["x"]}), [10])

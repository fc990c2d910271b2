"""Session 34 (x4): an analyst's inputs said plainly — items left from earlier sessions.

1. ``is_street_crime_file`` answered False for a glob pattern that ``read_street_crime`` reads
   (session 33 taught the readers patterns; the check did not follow), and seven readers of
   ``published.py`` did not say that they take patterns.
2. ``dbscan(df.Longitude, df.Latitude, ...)`` on a police.uk file with records without a location
   said only "`lat` (column 'Longitude') has 161 missing values", where ``to_bng`` says the order
   (session 33); points outside Great Britain in Series named the wrong way round were clustered
   as given, where ``to_bng`` refuses them by their names.
3. (``plot_funnel`` and the City of London: already said on the base; see the report.)
4. ``census_population(..., detailed=True)`` was built again at each call, while the broad tables
   are built once per process.
"""

from __future__ import annotations

import glob
import warnings
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest

import saferstats
from conftest import shared_path
from saferstats import geography
from saferstats.datasets import street_crime_sample_path
from saferstats.exceptions import CoordinateError, InvalidInputError, MissingValueError

STREET = Path(street_crime_sample_path())
JUNE = "street_crime/2021-06-hertfordshire-street.csv"


# --- 1. a glob pattern is a street-crime input when the reader reads it -----------------------

def test_a_pattern_the_reader_reads_is_a_street_crime_file():
    """Before: False for ``.../2021-0?-hertfordshire-street.csv`` (the path does not exist as
    written). Reference: ``glob.glob`` lists the package sample's two months, and
    ``read_street_crime`` reads the pattern as the rows pandas counts in those files."""
    pattern = f"{STREET}/2021-0?-hertfordshire-street.csv"
    files = sorted(glob.glob(pattern))
    assert [Path(f).name for f in files] == ["2021-01-hertfordshire-street.csv", "2021-02-hertfordshire-street.csv"]
    assert saferstats.is_street_crime_file(pattern)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        assert len(saferstats.read_street_crime(pattern)) == sum(len(pd.read_csv(f)) for f in files) == 600
    # a pattern matching nothing is not one: the reader refuses it
    nothing = f"{STREET}/2019-*-hertfordshire-street.csv"
    assert glob.glob(nothing) == [] and not saferstats.is_street_crime_file(nothing)
    with pytest.raises(InvalidInputError, match="the pattern matches no file"):
        saferstats.read_street_crime(nothing)


def test_a_pattern_is_answered_as_the_reader_takes_each_match(tmp_path):
    """What the pattern matches decides, as in the reader: a stop-and-search file among street
    files makes the reader refuse ("not a police.uk street-level crime file"), so the answer is
    False; an empty file beside a street file is left out by the reader, so True; a pattern of
    police.uk's month folders is True. Reference: the reader on the same pattern."""
    one = tmp_path / "2021-01-herts-street.csv"
    one.write_bytes((STREET / "2021-01-hertfordshire-street.csv").read_bytes())
    rows = len(pd.read_csv(one))
    (tmp_path / "2021-02-herts-search.csv").write_text(
        "Type,Date,Part of a policing operation,Latitude,Longitude,Gender\n"
        "Person search,2021-02-01T10:00:00+00:00,False,51.75,-0.34,Male\n")
    mixed = f"{tmp_path}/2021-0?-herts-*.csv"
    assert not saferstats.is_street_crime_file(mixed)
    with pytest.raises(saferstats.SaferstatsError, match="not a police.uk street-level crime file"):
        saferstats.read_street_crime(mixed)
    (tmp_path / "2021-03-herts-street.csv").write_text("")
    with_empty = f"{tmp_path}/2021-0?-herts-street.csv"
    assert saferstats.is_street_crime_file(with_empty)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        assert len(saferstats.read_street_crime(with_empty)) == rows
    # only empty files: no rows, so not one (the reader: "the input has no street-level crime rows")
    assert not saferstats.is_street_crime_file(f"{tmp_path}/2021-03-*.csv")
    # police.uk's download unzipped: a pattern of its month folders
    for month in ("2021-01", "2021-02"):
        (tmp_path / "dl" / month).mkdir(parents=True)
        (tmp_path / "dl" / month / f"{month}-herts-street.csv").write_bytes(one.read_bytes())
    assert saferstats.is_street_crime_file(f"{tmp_path}/dl/2021-0*")


READERS = ["read_street_crime", "read_hate_crime", "read_fixmystreet", "read_flytipping", "read_census_ethnicity",
           "read_mid_year_population", "read_use_of_force"]


@pytest.mark.parametrize("name", READERS)
def test_the_readers_of_published_tables_say_they_take_glob_patterns(name):
    """Before: none of the seven docstrings said so (``read_stop_search``'s and ``read_mha_annual``'s
    did). Now each says it in one sentence, with what a pattern matching nothing (or, for a reader
    of one file, several files) gets."""
    from saferstats import published

    doc = " ".join((getattr(published, name).__doc__ or "").split())
    assert "glob pattern" in doc
    assert ("matching nothing is refused naming it" in doc or "one matching no file, or several, is refused naming it"
            in doc)


def test_a_one_file_reader_reads_the_one_file_a_pattern_matches(tmp_path):
    """The docstrings' claim for a reader of one file, on the package's Home Office table: the
    pattern gives the frame the path gives; two matches are refused naming ``path``."""
    src = saferstats.datasets.hate_crime_table_path()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        direct = saferstats.read_hate_crime(src)
        by_pattern = saferstats.read_hate_crime(f"{src.parent}/hate_crime_by_force_*.csv")
    pd.testing.assert_frame_equal(direct.drop(columns="source_file", errors="ignore"),
                                  by_pattern.drop(columns="source_file", errors="ignore"))
    for k in ("a", "b"):
        (tmp_path / f"hc_{k}.csv").write_bytes(src.read_bytes())
    with pytest.raises(InvalidInputError, match="names 2 files; this reader reads one file") as e:
        saferstats.read_hate_crime(f"{tmp_path}/hc_*.csv")
    assert e.value.argument == "path"


# --- 2. the hotspot functions say swapped names first -----------------------------------------

@pytest.fixture(scope="module")
def june(shared_data):
    return pd.read_csv(shared_path(shared_data, JUNE), usecols=["Latitude", "Longitude"])


def _kw(fn):
    return {"eps_m": 100.0} if fn is saferstats.dbscan else {"min_cluster_size": 15}


@pytest.mark.parametrize("fn", [saferstats.dbscan, saferstats.hdbscan])
def test_swapped_columns_with_missing_coordinates_are_refused_first(june, fn):
    """Before: dbscan/hdbscan(df.Longitude, df.Latitude) on 2021-06-hertfordshire-street.csv (161
    of 9,139 records without a location, counted here with pandas) raised MissingValueError "`lat`
    (column 'Longitude') has 161 missing values", never saying the order (numpy arrays alike). Now
    the swapped order is said first, in the words the function has for it without missing values
    (the reference: the same call on the 8,978 located records, a CoordinateError naming ``lat``
    and the first row, since session 26, which the command line words with ``--lat``/``--lon``)."""
    assert len(june) == 9139 and int(june["Latitude"].isna().sum()) == 161
    located = june.dropna(subset=["Latitude", "Longitude"])
    with pytest.raises(CoordinateError) as ref:
        fn(located["Longitude"], located["Latitude"], **_kw(fn))
    assert "look swapped: 8,978 of 8,978 points" in str(ref.value)
    arrays = (june["Longitude"].to_numpy(), june["Latitude"].to_numpy())
    for lat, lon in ((june["Longitude"], june["Latitude"]), arrays):
        for missing in ("error", "drop"):
            with pytest.raises(CoordinateError) as e:
                fn(lat, lon, missing=missing, **_kw(fn))
            assert str(e.value) == str(ref.value)
            assert e.value.argument == "lat" and e.value.index == ref.value.index == 0
    # the right order still refuses the missing coordinates as before (missing='error')
    with pytest.raises(MissingValueError, match="161 missing values"):
        fn(june["Latitude"], june["Longitude"], **_kw(fn))


@pytest.mark.parametrize("fn", [saferstats.dbscan, saferstats.hdbscan])
def test_swapped_names_outside_great_britain_are_refused_as_to_bng_refuses_them(fn):
    """Points in New York (40.7 N, 74.0 W) with the columns passed the wrong way round. Before:
    with ``missing="drop"`` they were clustered as given (latitude -74.0, longitude 40.7: a point
    in the Southern Ocean), and with a missing value "missing values" was all that was said. Now
    to_bng's refusal on the same Series, word for word with the function's name (an
    InvalidInputError naming the column)."""
    lat = pd.Series([40.7000, 40.7001, 40.7002, 40.7003, 40.7004, 40.7005, float("nan")], name="Latitude")
    lon = pd.Series([-74.0000, -74.0001, -74.0002, -74.0003, -74.0004, -74.0005, -74.0], name="Longitude")
    with pytest.raises(InvalidInputError) as ref:
        saferstats.to_bng(lon, lat)
    for missing in ("error", "drop"):
        with pytest.raises(InvalidInputError) as e:
            fn(lon, lat, missing=missing, **({"eps_m": 50.0, "min_samples": 2} if fn is saferstats.dbscan
                                             else {"min_cluster_size": 2}))
        assert type(e.value) is InvalidInputError and e.value.argument == "Longitude"
        assert str(e.value) == str(ref.value).replace("to_bng", fn.__name__)


def test_points_in_great_britain_as_given_are_clustered_whatever_their_names():
    """The names alone do not refuse (as in to_bng): latitudes headed 'Longitude' in Westminster
    are clustered as given. Reference: the same call on unnamed lists; the four points lie within
    about 35 m of one another (hand: 0.0003 degrees of latitude is 33 m), so one cluster."""
    la, lo = [51.5000, 51.5003, 51.5001, 51.4998], [-0.1200, -0.1201, -0.1196, -0.1204]
    named = saferstats.dbscan(pd.Series(la, name="Longitude"), pd.Series(lo, name="Latitude"), eps_m=60,
                              min_samples=3)
    assert named.tolist() == saferstats.dbscan(la, lo, eps_m=60, min_samples=3).tolist() == [0, 0, 0, 0]


# --- 4. the detailed Census tables are built once per process ---------------------------------

@pytest.mark.filterwarnings("ignore:detailed Census 2021 counts")
@pytest.mark.parametrize("level", ["la", "force"])
def test_detailed_census_population_is_built_once_and_a_copy_is_given(level):
    """Before: each ``census_population(level, detailed=True)`` melted the bundled table again (one
    DataFrame.melt a call, counted with unittest.mock). Now the second call melts nothing, gives the
    frame, attrs and warning of a fresh computation, and a caller's change to what it was given
    does not reach the next call. Reference for the figures: the bundled ONS TS021 table melted
    and (for force areas) summed here with pandas."""
    geography._census2021_tables.cache_clear()
    with warnings.catch_warnings(record=True) as w1:
        warnings.simplefilter("always")
        first = saferstats.census_population(level, detailed=True)
    with mock.patch.object(pd.DataFrame, "melt", autospec=True, side_effect=pd.DataFrame.melt) as melt, \
            warnings.catch_warnings(record=True) as w2:
        warnings.simplefilter("always")
        second = saferstats.census_population(level, detailed=True)
    assert melt.call_count == 0
    pd.testing.assert_frame_equal(first, second)
    assert first.attrs == second.attrs and [str(w.message) for w in w1] == [str(w.message) for w in w2]
    assert any("are at 2021 boundaries" in str(w.message) for w in w2)
    first.loc[0, "population"] = -1
    first.attrs["total"] = 0
    third = saferstats.census_population(level, detailed=True)
    pd.testing.assert_frame_equal(second, third)
    assert third.attrs == second.attrs and third["population"].min() >= 0
    # the figures: the bundled wide table melted here (and summed by force through the ONS lookup)
    wide = geography.bundled_table("census2021_detailed_la24.csv.gz")
    groups = [c for c in wide.columns if ":" in c]
    ref = wide.melt(id_vars=["la_code"], value_vars=groups, var_name="ethnicity", value_name="population")
    if level == "force":
        lk = geography.bundled_table("lookup_la24_csp24_pfa24.csv.gz").drop_duplicates("la_code")
        ref = (ref.merge(lk[["la_code", "force"]], on="la_code", validate="many_to_one")
               .groupby(["force", "ethnicity"], as_index=False)["population"].sum())
    key = ["la_code" if level == "la" else "force", "ethnicity"]
    both = second.merge(ref, on=key, validate="one_to_one")
    assert len(both) == len(second) == len(ref) == (318 if level == "la" else 43) * 19
    assert (both["population_x"] == both["population_y"]).all()
    assert int(second["population"].sum()) == second.attrs["total"] == 59_597_578


@pytest.mark.filterwarnings("ignore:detailed Census 2021 counts")
def test_detailed_census_population_of_one_force_from_the_cache():
    """``force=`` on the cached table: Thames Valley's authorities' rows (Cherwell's boundary note
    said in the warning, as before), its total and England and Wales' kept in attrs. Reference:
    the England and Wales table kept to the force with pandas."""
    whole = saferstats.census_population("la", detailed=True)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        tv = saferstats.census_population("la", detailed=True, force="thames-valley")
    ref = whole[whole["force"] == "thames-valley"].reset_index(drop=True)
    pd.testing.assert_frame_equal(tv, ref, check_like=False)
    said = [str(m.message) for m in w]
    assert len(said) == 1 and said[0].startswith("detailed Census 2021 counts for Cherwell are at 2021 boundaries")
    assert tv.attrs["total"] == int(ref["population"].sum()) and tv.attrs["england_wales_total"] == 59_597_578
    assert np.isin(tv["la"].unique(), whole["la"].unique()).all()

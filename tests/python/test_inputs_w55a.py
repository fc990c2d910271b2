"""Session 33 (w55a): two things a new analyst hit on the files in shared/data as published.

1. A glob pattern given to a reader was refused as "no such file or folder" (``io.input_files``).
2. ``to_bng(df.Longitude, df.Latitude)`` on a police.uk file with missing coordinates said only
   "`lat` (column 'Longitude') has 161 missing values": the swapped order was said only when no
   coordinate was missing.
"""

from __future__ import annotations

import glob

import pandas as pd
import pytest

import saferstats
from conftest import shared_path
from saferstats.exceptions import InvalidInputError

SEARCH = "stop_search/policeuk_7forces_2019-12_to_2020-02"
STREET = "street_crime/2021-06-hertfordshire-street.csv"


def test_read_stop_search_reads_a_glob_pattern_as_the_sorted_files(shared_data):
    """Before: InvalidInputError "path_or_paths: ...2020-0*-derbyshire-stop-and-search.csv: no such
    file or folder". Now the pattern reads the files it matches, sorted. Reference: pandas reading
    each of the files ``glob.glob`` lists, in sorted order (Derbyshire, January and February 2020)."""
    folder = shared_path(shared_data, SEARCH)
    pattern = f"{folder}/2020-0*-derbyshire-stop-and-search.csv"
    files = sorted(glob.glob(pattern))
    assert [f.rsplit("/", 1)[-1] for f in files] == ["2020-01-derbyshire-stop-and-search.csv",
                                                     "2020-02-derbyshire-stop-and-search.csv"]
    raw = pd.concat([pd.read_csv(f, dtype=str).assign(_file=f.rsplit("/", 1)[-1]) for f in files], ignore_index=True)
    df = saferstats.read_stop_search(pattern)
    assert len(df) == len(raw) == df.attrs["summary"]["rows"]
    assert df.attrs["summary"]["lines_left_out"] == 0
    assert df["source_file"].astype(str).tolist() == raw["_file"].tolist()
    assert df["source_file"].astype(str).value_counts().to_dict() == raw["_file"].value_counts().to_dict()
    # the same rows as the list of files, in the same order
    listed = saferstats.read_stop_search(files)
    pd.testing.assert_frame_equal(df.reset_index(drop=True), listed.reset_index(drop=True))
    # cell by cell against the raw files: the date, latitude and gender as published
    assert (pd.to_datetime(df["date"], utc=True).dt.strftime("%Y-%m-%dT%H:%M")
            == pd.to_datetime(raw["Date"], utc=True).dt.strftime("%Y-%m-%dT%H:%M")).all()
    pd.testing.assert_series_equal(df["latitude"].astype(float).reset_index(drop=True),
                                   pd.to_numeric(raw["Latitude"]).rename("latitude"))
    assert df["gender"].astype(object).fillna("(blank)").tolist() == raw["Gender"].fillna("(blank)").tolist()


def test_a_pattern_matching_nothing_is_refused_naming_it(shared_data):
    """Before: "no such file or folder" (as for any missing path). Now "the pattern matches no file",
    naming the argument (``.argument``) and the pattern; a single-file reader says it too."""
    folder = shared_path(shared_data, SEARCH)
    pattern = f"{folder}/2021-*-derbyshire-stop-and-search.csv"
    assert glob.glob(pattern) == []
    with pytest.raises(InvalidInputError, match="the pattern matches no file") as e:
        saferstats.read_stop_search(pattern)
    assert e.value.argument == "path_or_paths" and pattern in str(e.value)
    with pytest.raises(InvalidInputError, match="matches no file") as e:
        saferstats.read_street_crime([f"{folder}/2019-12-durham-stop-and-search.csv", f"{folder}/*-nowhere-street.csv"])
    assert e.value.argument == "path_or_paths"


@pytest.mark.filterwarnings("ignore::saferstats.SaferstatsWarning")
def test_street_crime_pattern_and_one_file_reader(tmp_path):
    """Pattern across the package's own street-crime sample (two months): the rows of both files,
    as pandas counts them. A pattern matching one file is that file for a one-file reader."""
    from saferstats.datasets import mha_annual_excerpt_path, street_crime_sample_path
    folder = street_crime_sample_path()
    files = sorted(glob.glob(f"{folder}/2021-0?-hertfordshire-street.csv"))
    assert len(files) == 2
    df = saferstats.read_street_crime(f"{folder}/2021-0?-hertfordshire-street.csv")
    assert len(df) == sum(len(pd.read_csv(f)) for f in files)
    src = mha_annual_excerpt_path()
    one = saferstats.read_mha_annual(str(src.parent / (src.name[:3] + "*" + src.name[-6:])))
    assert len(one) == len(saferstats.read_mha_annual(src))
    # an existing file whose name holds "[" is read as itself, not as a pattern
    odd = tmp_path / "[odd]-2021-01-hertfordshire-street.csv"
    odd.write_bytes((folder / "2021-01-hertfordshire-street.csv").read_bytes())
    assert len(saferstats.read_street_crime(odd)) == len(pd.read_csv(odd))


@pytest.fixture(scope="module")
def herts(shared_data):
    return pd.read_csv(shared_path(shared_data, STREET))


@pytest.mark.parametrize("fn", [saferstats.to_bng, saferstats.to_local_metres])
def test_swapped_named_columns_with_missing_coordinates_say_the_order(herts, fn):
    """Before: to_bng(df.Longitude, df.Latitude) on 2021-06-hertfordshire-street.csv (161 of 9,139
    records without a location, counted here with pandas) raised MissingValueError "`lat` (column
    'Longitude') has 161 missing values", never saying the order; to_local_metres projected the
    swapped points. Now both refuse first with the core's swapped-order error class and argument
    (InvalidInputError, the column), saying the order is fn(lat, lon)."""
    assert len(herts) == 9139 and int(herts["Latitude"].isna().sum()) == 161
    name = fn.__name__
    with pytest.raises(InvalidInputError, match=rf"The order is {name}\(lat, lon\)") as e:
        fn(herts["Longitude"], herts["Latitude"])
    assert type(e.value) is InvalidInputError and e.value.argument == "Longitude"
    assert f"{name}(df['Latitude'], df['Longitude'])" in str(e.value)
    # only one of the two named wrongly (lower-case names as other files have them)
    with pytest.raises(InvalidInputError, match="`lon` is column 'lat'") as e:
        fn(herts["Latitude"].to_numpy(), herts["Latitude"].rename("lat"))
    assert e.value.argument == "lat"
    with pytest.raises(InvalidInputError, match="`lat` is column 'long'"):
        fn(herts["Longitude"].rename("long"), herts["Latitude"].to_numpy())


def test_same_error_as_the_core_swapped_order_without_missing(herts):
    """Reference: the error to_bng gave before for swapped columns without missing values (the
    core's: InvalidInputError, argument the column 'Longitude', 'check the column order (lat, lon)')."""
    located = herts.dropna(subset=["Latitude", "Longitude"])
    with pytest.raises(InvalidInputError, match=r"check the column order \(lat, lon\)") as e:
        saferstats.to_bng(located["Longitude"], located["Latitude"])
    assert e.value.argument == "Longitude"
    # with the right order and missing='propagate' the located points project, the others are NaN
    with pytest.warns(saferstats.SaferstatsWarning):
        x, y = saferstats.to_bng(herts["Latitude"], herts["Longitude"], missing="propagate")
    assert int(x.isna().sum()) == 161


def test_points_in_great_britain_as_given_are_taken_whatever_their_names():
    """(Lead, after w55a.) The names alone do not refuse: a column of latitudes headed 'Longitude'
    (a file's headers swapped, its values not) is projected as given — Trafalgar Square
    (51.5080, -0.1281) to about (530 km, 180 km), as in to_bng's doctest."""
    import pandas as pd
    from saferstats import to_bng

    x, y = to_bng(pd.Series([51.5080, float("nan")], name="Longitude"), pd.Series([-0.1281, 0.0], name="Latitude"),
                  missing="propagate")
    assert int(x.iloc[0] // 1000) == 530 and int(y.iloc[0] // 1000) == 180

"""to_bng on the police.uk street files: 12 of Hertfordshire's 27,858 ASB records (2021-01..2022-01)
have no location. to_bng raised the core's "pass missing="propagate" to get NaN results" although
to_bng had no `missing` argument (TypeError when the analyst followed the advice). Now it has one:
the error counts the rows without coordinates (checked with the csv module), and
missing="propagate" gives NaN for exactly those rows, counted in a warning; the other rows equal
pyproj's EPSG:4326 -> 27700 to the metre."""

import csv
import warnings

import numpy as np
import pytest

import saferstats
from saferstats.exceptions import MissingValueError, SaferstatsWarning


@pytest.fixture(scope="module")
def asb(shared_data):
    rows = []
    for f in sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv")):
        with open(f, newline="", encoding="utf-8-sig") as fh:
            rows += [(r["Latitude"], r["Longitude"]) for r in csv.DictReader(fh) if r["Crime type"] == "Anti-social behaviour"]
    lat = np.array([float(a) if a else np.nan for a, _ in rows])
    lon = np.array([float(b) if b else np.nan for _, b in rows])
    return lat, lon


def test_error_counts_the_records_without_a_location(asb):
    lat, lon = asb
    absent = np.flatnonzero(np.isnan(lat) | np.isnan(lon))
    with pytest.raises(MissingValueError, match=rf"\(first at row {absent[0]}\): {len(absent)} of {len(lat):,} points "
                                                rf"have missing coordinates .*missing='propagate'") as e:
        saferstats.to_bng(lat, lon)
    assert e.value.argument == "lat"


def test_propagate_gives_nan_for_those_rows_only(asb):
    pyproj = pytest.importorskip("pyproj")
    lat, lon = asb
    absent = np.isnan(lat) | np.isnan(lon)
    with pytest.warns(SaferstatsWarning, match=rf"{int(absent.sum())} of {len(lat):,} points have missing coordinates"):
        x, y = saferstats.to_bng(lat, lon, missing="propagate")
    np.testing.assert_array_equal(np.isnan(x), absent)
    ex, ny = pyproj.Transformer.from_crs(4326, 27700, always_xy=True).transform(lon[~absent], lat[~absent])
    assert np.abs(x[~absent] - ex).max() < 1 and np.abs(y[~absent] - ny).max() < 1
    # the hotspot functions then say what to do with the NaN rows
    with pytest.raises(MissingValueError, match=r"`x` has 12 missing values.*np.isfinite\(x\)"):
        saferstats.hotspot_count(x, y, cell_size=500)


def test_a_bad_point_after_a_missing_one_is_named_by_its_own_row():
    lat = np.array([51.75, np.nan, 51.76, 10.0])
    lon = np.array([-0.2, -0.2, -0.2, -0.2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        with pytest.raises(saferstats.InvalidInputError, match="position 3|row 3") as e:
            saferstats.to_bng(lat, lon, missing="propagate")
    assert e.value.position == 3

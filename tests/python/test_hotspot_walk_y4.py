"""Session 35 (y4): the hotspot command and functions as a new analyst uses them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from saferstats.__main__ import main
from saferstats.exceptions import InvalidInputError
from saferstats.hotspot.bng import refuse_swapped_names


def test_cli_swapped_columns_outside_gb_named_as_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: ``saferstats hotspots pts.csv --lat Longitude --lon Latitude`` on points outside
    Great Britain (New York: 40.71 N, 74.01 W) stopped with the Python wording "The order is
    dbscan(lat, lon) ... dbscan(df['Latitude'], df['Longitude'])", a call the analyst never wrote.
    Now the command names its own options and the fix to type. Reference: the file's own header
    (written here): Latitude holds 40.71, Longitude -74.01, so --lat Latitude --lon Longitude."""
    f = tmp_path / "pts.csv"
    pd.DataFrame({"Latitude": [40.7128, 40.7130, 40.7131], "Longitude": [-74.0060, -74.0062, -74.0059]}).to_csv(f, index=False)
    assert main(["hotspots", str(f), "--lat", "Longitude", "--lon", "Latitude"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "dbscan(" not in err and "df[" not in err
    assert "--lat is column 'Longitude'" in err and "--lon is column 'Latitude'" in err
    assert "--lat Latitude --lon Longitude" in err



def test_cli_swapped_columns_in_gb_give_the_options_to_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: ``saferstats hotspots pts.csv --lat x_lon --lon y_lat`` on Hertfordshire points was
    told "`lat` and `lon` look swapped ...; pass --lat latitude, --lon longitude": Python names, and
    columns the file does not have. Now: "--lat x_lon and --lon y_lat look swapped ...; pass --lat
    y_lat --lon x_lon". Reference: the file's header written here (y_lat holds 51.75 N)."""
    f = tmp_path / "pts.csv"
    pd.DataFrame({"y_lat": [51.75, 51.751, 51.752], "x_lon": [-0.34, -0.341, -0.342]}).to_csv(f, index=False)
    assert main(["hotspots", str(f), "--lat", "x_lon", "--lon", "y_lat"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "--lat x_lon and --lon y_lat look swapped" in err and "pass --lat y_lat --lon x_lon" in err
    assert "`lat`" not in err and "--lat latitude" not in err

def test_refuse_swapped_names_public_python_wording_kept() -> None:
    """The helper is public (the package used bng's private ``_named_swapped`` from _common): its
    Python wording is as before, its command-line wording names the options; points in Great
    Britain as given (Stevenage 51.90 N, 0.20 W) pass whatever their names."""
    lat = pd.Series([-74.006, -74.0062], name="Longitude")
    lon = pd.Series([40.7128, 40.713], name="Latitude")
    with pytest.raises(InvalidInputError, match=r"The order is dbscan\(lat, lon\)"):
        refuse_swapped_names("dbscan", lat, lon)
    with pytest.raises(InvalidInputError, match=r"e\.g\. --lat Latitude --lon Longitude"):
        refuse_swapped_names("hotspots", lat, lon, options=("--lat", "--lon"))
    assert refuse_swapped_names("dbscan", pd.Series([51.90], name="Longitude"),
                                pd.Series([-0.20], name="Latitude")) is None


def test_text_coordinate_names_its_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: a latitude cell '51.5N' in column ``y_lat`` was refused as "`lat` at position 5:
    '51.5N' is not a number" by dbscan, hdbscan, to_bng and cluster_summary, and "`lat` at row 7"
    by ``saferstats hotspots --lat y_lat``: no column named, where a missing value's refusal names
    it. Reference: the frame written here, '51.5N' in column y_lat at its 6th data row (index 5,
    line 7 of the file with its header)."""
    import saferstats as ss

    d = pd.DataFrame({"y_lat": ["51.75", "51.76", "51.74", "51.75", "51.75", "51.5N", "51.76"],
                      "x_lon": [-0.34, -0.34, -0.33, -0.34, -0.35, -0.34, -0.33]})
    calls = {"dbscan": lambda: ss.dbscan(d.y_lat, d.x_lon, eps_m=100),
             "hdbscan": lambda: ss.hdbscan(d.y_lat, d.x_lon),
             "to_bng": lambda: ss.to_bng(d.y_lat, d.x_lon),
             "cluster_summary": lambda: ss.cluster_summary(d.y_lat, d.x_lon, [0] * len(d))}
    for fn, call in calls.items():
        with pytest.raises(InvalidInputError) as info:
            call()
        assert "`lat` (column 'y_lat')" in str(info.value) and "'51.5N'" in str(info.value), fn
        assert info.value.position == 5, fn
    f = tmp_path / "pts.csv"
    d.to_csv(f, index=False)
    assert main(["hotspots", str(f), "--lat", "y_lat", "--lon", "x_lon"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "(column 'y_lat') at row 7: '51.5N' is not a number" in err


def test_one_cluster_one_point_said_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: "3 points; 1 clusters (DBSCAN, eps 150 m, at least 1 points)". Reference: by hand,
    three points within a few metres with --min-samples 1 are one cluster."""
    f = tmp_path / "pts.csv"
    pd.DataFrame({"lat": [51.75, 51.75001, 51.75002], "lon": [-0.34, -0.34, -0.34001]}).to_csv(f, index=False)
    assert main(["hotspots", str(f), "--min-samples", "1", "--out", str(tmp_path / "o.csv")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "3 points; 1 cluster (DBSCAN, eps 150 m, at least 1 point)" in err


def test_records_without_location_named_by_file_and_line(shared_data: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Before: "24 of 1,586 records have no location and are left out", no record named to look
    up among the police.uk files read. Now the first are named, by file and line (header line 1).
    Reference: the raw police.uk file of January 2021 read with pandas: its criminal damage and
    arson rows without a Latitude, at the file's line = pandas row + 2."""
    from conftest import shared_path

    src = shared_path(shared_data, "street_crime/2021-01-hertfordshire-street.csv")
    raw = pd.read_csv(src)
    cda = raw[raw["Crime type"] == "Criminal damage and arson"]
    absent = cda[cda["Latitude"].isna() | cda["Longitude"].isna()]
    lines = [str(i + 2) for i in absent.index[:3]]
    assert main(["hotspots", str(src), "--crime-type", "Criminal damage and arson", "--eps-m", "100",
                 "--out", str(tmp_path / "o.csv")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert (f"{len(absent):,} of {len(cda):,} records have no location and are left out "
            f"({src.name} line {', '.join(lines)}{' ...' if len(absent) > 3 else ''})") in err


def test_knox_edges_not_from_zero_warned_with_the_pairs_left_out() -> None:
    """Before: ``knox(..., distance_bands=[200, 400], time_bands=[30, 60])`` (read as band widths,
    as the Near Repeat Calculator asks) gave the one cell [200, 400) x [30, 60) and left out, unsaid,
    every pair closer than 200 m or under 30 days apart: the nearest, where near repeats are. Now a
    warning says so, with the number of pairs under 200 m. Reference: scipy's pdist on the points."""
    import warnings

    import numpy as np
    from scipy.spatial.distance import pdist

    import saferstats as ss

    rng = np.random.default_rng(7)
    x, y = rng.uniform(0, 1000, 60), rng.uniform(0, 1000, 60)
    t = rng.integers(0, 90, 60).astype(float)
    close = int((pdist(np.c_[x, y]) < 200).sum())
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        k = ss.knox(x, y, t, distance_bands=[200, 400], time_bands=[30, 60], permutations=9, seed=1)
    assert list(k["distance_band"]) == ["[200, 400)"]
    text = " ".join(" ".join(str(w.message) for w in said).split())
    assert f"the {close:,} pairs of events closer than 200 m are in no band" in text
    assert "pairs of events less than 30 days apart are in no band" in text
    assert "distance_bands=[0, 200, 400] and time_bands=[0, 30, 60]" in text
    with warnings.catch_warnings(record=True) as said:  # edges from 0: nothing said
        warnings.simplefilter("always")
        ss.knox(x, y, t, distance_bands=[0, 200, 400], time_bands=[0, 30, 60], permutations=9, seed=1)
    assert not any("in no band" in str(w.message) for w in said)

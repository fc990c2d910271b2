"""Session 35 (y7): follow-ups of y4's walk through the hotspot command and functions."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.__main__ import main
from saferstats.exceptions import SaferstatsWarning


@pytest.mark.parametrize("option, said", [(["--eps-m", "-5"], "--eps-m must be positive, got -5.0"),
                                          (["--min-samples", "0"], "--min-samples must be at least 1")])
def test_bad_options_refused_before_any_file_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     option: list[str], said: str) -> None:
    """Before: ``saferstats hotspots points.csv --eps-m -5`` read every file first and was refused
    only when clustering (a missing file was reported instead of the bad option, and police.uk
    folders were read whole first). Now dbscan's own check runs first, its words said as the
    option. Reference: the file named here does not exist, so any reading would fail on it."""
    missing = tmp_path / "no_such_points.csv"
    assert main(["hotspots", str(missing), *option]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"saferstats: error: {said}" + ("" if "eps" in said else " (it counts the point itself)")]
    assert "no_such_points" not in err and "Traceback" not in err


def test_csv_points_without_location_named_by_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: a CSV of points with rows lacking a coordinate was said as "4 of 9 records have no
    location and are left out", no row named (police.uk files were named by file and line since
    y4). Now the first three are named by the file's line. Reference: the raw file read with
    pandas, whose rows with a missing lat or lon are at position i, line i + 2 (header line 1)."""
    f = tmp_path / "pts.csv"
    lat = [51.900, None, 51.901, 51.902, None, 51.903, 51.900, 51.901, None]
    lon = [-0.200, -0.201, None, -0.202, -0.201, -0.203, -0.200, -0.201, -0.200]
    pd.DataFrame({"lat": lat, "lon": lon}).to_csv(f, index=False)
    raw = pd.read_csv(f)
    gone = np.flatnonzero((raw["lat"].isna() | raw["lon"].isna()).to_numpy()) + 2
    assert gone.tolist() == [3, 4, 6, 10]
    assert main(["hotspots", str(f), "--min-samples", "2"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert (f"{len(gone)} of {len(raw)} records have no location and are left out "
            f"(pts.csv line {gone[0]}, {gone[1]}, {gone[2]} ...)") in err


def test_folder_of_one_street_file_read_as_that_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: a folder holding a police.uk street-level download saved as ``street.csv`` (the
    name is not ``*-street.csv``) was refused "is a folder; give a file (it holds: street.csv)",
    though the file given itself was read; ``saferstats disproportionality`` reads a folder's
    files. Now the file the reader recognises is read, said on stderr with what is left out; a
    folder of a CSV of points is still refused with the files it holds. Reference: the file's rows
    written here (3 records, one without a location)."""
    d = tmp_path / "city"
    d.mkdir()
    pd.DataFrame({"Month": ["2023-01"] * 3, "Longitude": [-0.09, -0.0901, None], "Latitude": [51.51, 51.5101, None],
                  "Crime type": ["Robbery"] * 3}).to_csv(d / "street.csv", index=False)
    (d / "readme.txt").write_text("downloaded by hand", encoding="utf-8")
    assert main(["hotspots", str(d), "--min-samples", "2"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert f"{d}: a folder; read as police.uk street-level crime: street.csv (left out: readme.txt)" in err
    assert "Read 3 police.uk records from 1 file" in err and "2 points; 1 cluster" in err
    other = tmp_path / "pts"
    other.mkdir()
    pd.DataFrame({"lat": [51.9], "lon": [-0.2]}).to_csv(other / "points.csv", index=False)
    assert main(["hotspots", str(other)]) == 2
    assert "is a folder; give a file (it holds: points.csv)" in " ".join(capsys.readouterr().err.split())


def test_city_of_london_folder_read(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The City of London's 2023 street-level crime as shared (a folder holding ``street.csv``, a
    semicolon re-export):
    refused before, read now. Reference: the raw file read with pandas (9,298 records, those with
    both coordinates the points clustered)."""
    folder = shared_path(shared_data, "street_crime/city_of_london_2023")
    raw = pd.read_csv(Path(folder) / "street.csv", sep=";")  # a semicolon re-export, snake_case headers
    located = int((raw["latitude"].notna() & raw["longitude"].notna()).sum())
    assert main(["hotspots", str(folder)]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert f"Read {len(raw):,} police.uk records from 1 file" in err
    assert f"{len(raw) - located:,} of {len(raw):,} records have no location" in err
    assert f"{located:,} points;" in err


@pytest.fixture(scope="module")
def degrees() -> tuple[np.ndarray, np.ndarray]:
    """Stevenage points in degrees (about 51.90 N, 0.20 W), to be passed as x/y metres by mistake."""
    rng = np.random.default_rng(7)
    return -0.20 + rng.normal(0, 0.01, 60), 51.90 + rng.normal(0, 0.01, 60)


@pytest.mark.parametrize("fn, kwargs", [("kde_grid", {"cell_size": 250}), ("clark_evans", {"area": 1e6}),
                                        ("nnh", {"threshold": 100})])
def test_degrees_as_metres_warnings_name_the_function(degrees: tuple[np.ndarray, np.ndarray], fn: str,
                                                      kwargs: dict[str, float]) -> None:
    """Before: "`x`/`y` look like longitude/latitude degrees ..." from kde_grid, clark_evans and
    nnh named no function, where the package's other warnings start with it ("kde_grid: ...").
    Reference: the points are built in degrees here (every x in [-8.7, 1.8], every y in [49.8, 60.9])."""
    x, y = degrees
    with pytest.warns(SaferstatsWarning) as said:
        getattr(ss, fn)(x, y, **kwargs)
    words = [str(w.message) for w in said if "degrees" in str(w.message)]
    assert len(words) == 1 and words[0].startswith(f"{fn}: `x`/`y` look like longitude/latitude degrees")


def test_kde_grid_on_degrees_says_units_look_wrong(degrees: tuple[np.ndarray, np.ndarray]) -> None:
    """Before: after its warning kde_grid still gave "peak 0 per km² at (-0.2, 51.9)" in its
    headline, a figure of degrees read as metres. Now the headline says the units look wrong and
    gives no peak; ``degrees_as_metres`` says which order. The same points projected with
    ``to_bng`` (metres) keep their peak. Reference: the points are degrees by construction."""
    x, y = degrees
    with pytest.warns(SaferstatsWarning, match="kde_grid: `x`/`y` look like"):
        r = ss.kde_grid(x, y, cell_size=250)
    text = " ".join(repr(r).split())
    assert "units look wrong: x/y look like longitude/latitude degrees, not metres" in text
    assert "peak" not in text.replace("no peak density", "")
    assert r.degrees_as_metres == "longitude/latitude"
    assert "units look wrong" in r._repr_html_()
    bx, by = ss.to_bng(y, x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        m = ss.kde_grid(bx, by, cell_size=250, bandwidth=500)
    assert m.degrees_as_metres is None and " peak " in repr(m) and "units look wrong" not in repr(m)

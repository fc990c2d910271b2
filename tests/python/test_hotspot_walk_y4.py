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

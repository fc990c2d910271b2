"""`saferstats hotspots` on police.uk street-level files as published (session 12): the command
wanted a CSV with `lat`/`lon` columns, so a police.uk file stopped with "no column 'lat'". It now
reads police.uk files, folders or the .zip as the report does, with `--crime-type` and
`--study-area`. Reference: the records counted with the csv module, and DBSCAN run on those points
through the library (itself tested against scikit-learn)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

import saferstats
from saferstats.__main__ import main

SAMPLE = Path(saferstats.datasets.street_crime_sample_path())


def _asb_points():
    lat, lon = [], []
    for f in sorted(SAMPLE.glob("*.csv")):
        with open(f, newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                if row["Crime type"] == "Anti-social behaviour" and row["Latitude"] and row["Longitude"]:
                    lat.append(float(row["Latitude"]))
                    lon.append(float(row["Longitude"]))
    return np.array(lat), np.array(lon)


def test_policeuk_folder_with_crime_type_and_study_area(tmp_path, capsys):
    out, gj = tmp_path / "c.csv", tmp_path / "c.geojson"
    assert main(["hotspots", str(SAMPLE), "--crime-type", "Anti-social behaviour", "--study-area", "Broxbourne",
                 "--eps-m", "300", "--min-samples", "5", "--out", str(out), "--geojson", str(gj)]) == 0
    lat, lon = _asb_points()
    err = capsys.readouterr().err
    assert f"kept Anti-social behaviour: {len(lat):,}" in err
    labels = saferstats.dbscan(lat, lon, eps_m=300, min_samples=5, study_area="Broxbourne")
    inside = labels != -3
    assert f"{int(inside.sum()):,} points in Broxbourne (CSP E22000123); {labels[inside].max() + 1:,} clusters" in err
    got = pd.read_csv(out)
    want = saferstats.cluster_summary(lat[inside], lon[inside], labels[inside])
    assert len(got) == len(want) > 0
    np.testing.assert_array_equal(np.sort(got["n"].to_numpy()), np.sort(want["n"].to_numpy()))
    assert gj.read_text().startswith("{")


def test_a_plain_csv_still_needs_its_columns_and_no_crime_type(tmp_path, capsys):
    f = tmp_path / "p.csv"
    pd.DataFrame({"lat": [51.9] * 3, "lon": [-0.2] * 3}).to_csv(f, index=False)
    assert main(["hotspots", str(f), "--crime-type", "Burglary"]) == 2
    assert "--crime-type is for police.uk street-level files" in capsys.readouterr().err
    assert main(["hotspots", str(f), str(f)]) == 2
    assert "give one CSV of points" in capsys.readouterr().err
    assert main(["hotspots", str(f), "--min-samples", "2"]) == 0

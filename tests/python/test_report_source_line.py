"""A section without `source =` in the config is sourced by its input files' names, never their
folders (walk-through 2: "Source: /work/shared/data/hate_crime/.../Hate crime.csv" in a published report;
stop and search and hotspots printed an empty "Source:")."""

from pathlib import Path

import saferstats
from saferstats.__main__ import main


def test_source_is_the_file_name_not_its_folder(tmp_path):
    d = tmp_path / "OFFICIAL-SENSITIVE share" / "analyst"
    (d / "data").mkdir(parents=True)
    hc = saferstats.datasets.hate_crime_by_force().dropna(subset=["population"])
    hc = hc.rename(columns={"offences": "count", "force": "district"})[["district", "year", "count", "population"]]
    hc[hc.district.isin(hc.district.unique()[:4])].to_csv(d / "data" / "hc.csv", index=False)
    cfg = d / "a.toml"
    cfg.write_text('title = "T"\n[hate_crime]\nfile = "data/hc.csv"\narea = "district"\nperiod = "year"\n')
    assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    page = (tmp_path / "o" / "index.html").read_text()
    assert "Source: hc.csv" in page
    assert "OFFICIAL-SENSITIVE share" not in page and str(Path(tmp_path)) not in page

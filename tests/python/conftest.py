"""Shared helpers for the Python tests: fixture loading and the path to ../shared/data."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the frames' annotations; pandas is imported where it is used
    import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"


def _num(v):
    if v == "inf":
        return math.inf
    if v == "-inf":
        return -math.inf
    return v


def load_fixture(name: str) -> dict:
    """Load a JSON fixture, turning the strings "inf"/"-inf" into floats."""

    def hook(d):
        return {k: _num(v) for k, v in d.items()}

    return json.loads((FIXTURES / name).read_text(), object_hook=hook)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that reads the published files in ../shared/data (it takes the ``shared_data``
    fixture, directly or through another fixture) with ``shared_data``, so `tools/wheel_test.sh` can run
    them on one CPython only: the other interpreters run the rest of the suite (see pyproject's markers)."""
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared_data)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip the test where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data not present beside the repository")
    return SHARED_DATA


def shared_path(shared_data: Path, rel: str) -> Path:
    """``shared_data / rel``, or skip the test where that file or folder is absent."""
    path = shared_data / rel
    if not path.exists():
        pytest.skip(f"{rel} not in ../shared/data")
    return path


def tidy_counts(population: float = 10_000.0) -> "pd.DataFrame":
    """A small tidy table (two areas × four financial years: area, period, count, population)
    that the frame and vocabulary tests pass to every table-taking function."""
    import pandas as pd

    return pd.DataFrame({
        "area": ["A"] * 4 + ["B"] * 4,
        "period": ["2015/16", "2016/17", "2017/18", "2018/19"] * 2,
        "count": [10, 14, 19, 25, 30, 28, 33, 31],
        "population": [population] * 8,
    })


def build_report(tmp_path: Path, config: str) -> Path:
    """Write ``config`` (TOML text) to ``tmp_path / "a.toml"``, run ``saferstats report`` on it
    (warnings ignored; relative paths are read from ``tmp_path``) and return the output folder,
    ``tmp_path / "o"``."""
    import warnings

    from saferstats.__main__ import main

    cfg = tmp_path / "a.toml"
    cfg.write_text(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["report", "--config", str(cfg), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    return tmp_path / "o"


def cli_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run ``saferstats ARGS`` as the command line does; it must stop with an error in the
    command's terms (exit status 2): the message it printed on stderr, stripped."""
    from saferstats.__main__ import main

    assert main(list(args)) == 2
    return capsys.readouterr().err.strip()


def policeuk_stop_search_rows(folder: Path, stated_only: bool = False):
    """(force, row) for every record of the police.uk stop-and-search files in ``folder``
    (``YYYY-MM-<force>-stop-and-search.csv``, gzipped or not), read with the csv module: the
    independent count the reader's results are checked against. ``stated_only``: the person
    searches (not vehicle searches) with a stated self-defined ethnicity only."""
    import csv
    import gzip

    for f in sorted(folder.iterdir()):
        force = f.name[8:].split("-stop-and-search")[0]
        opener = gzip.open if f.suffix == ".gz" else open
        with opener(f, "rt", newline="", encoding="utf-8") as fh:
            yield from ((force, row) for row in csv.DictReader(fh) if not stated_only or _stated_person_search(row))


def _stated_person_search(row: dict) -> bool:
    eth = row["Self-defined ethnicity"].strip()
    return row["Type"] != "Vehicle search" and bool(eth) and not eth.endswith("Not stated")


def street_latlon(files, crime_type: str, lsoa: str = "", last_month: str = "9999-99"):
    """(month, lat, lon) arrays of the located records of one crime type in police.uk street-level
    ``files``, read with the csv module (records without a location left out): up to ``last_month``,
    and of the LSOAs whose name starts with ``lsoa`` when it is given."""
    import csv

    import numpy as np

    rows = []
    for f in files:
        with open(f, newline="") as fh:
            rows += [(r["Month"], float(r["Latitude"]), float(r["Longitude"])) for r in csv.DictReader(fh)
                     if r["Crime type"] == crime_type and r["Latitude"] and r["Month"] <= last_month
                     and (not lsoa or r["LSOA name"].startswith(lsoa))]
    month, lat, lon = zip(*rows) if rows else ((), (), ())
    return np.array(month, dtype=str), np.array(lat, dtype=float), np.array(lon, dtype=float)


def herts_street_files(shared_data: Path) -> list[Path]:
    """The 13 police.uk Hertfordshire street-level files in ../shared/data, in month order."""
    return sorted((shared_data / "street_crime").glob("*-hertfordshire-street.csv"))


def herts_street_points(shared_data: Path, crime_type: str, last_month: str = "9999-99"):
    """(month, x, y) arrays (British National Grid metres) of one crime type in the 13 police.uk
    Hertfordshire street-level files, read with the csv module (records without a location left
    out), up to ``last_month``."""
    import saferstats

    month, lat, lon = street_latlon(herts_street_files(shared_data), crime_type, last_month=last_month)
    x, y = saferstats.to_bng(lat, lon)
    return month, x, y


def sample_disproportionality_messages(attr: str):
    """``disproportionality(by="force", census=2011)`` on the bundled police.uk sample (complete
    bulk files): its ``attrs[attr]`` and the messages of every warning it gave."""
    import warnings

    import saferstats

    recs = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = saferstats.disproportionality(recs, by="force", census=2011)
    return out.attrs[attr], [str(w.message) for w in caught]


def herts_asb_grid(path):
    """Hertfordshire's June 2021 ASB (police.uk file at ``path``) on a 1 km British National Grid over
    the force: ``counts, cx, cy`` and the force's cells by centre (``centre``) and by centre or an
    incident held (``keep``), as the hotspot tests and the methods page's figures use them."""
    import warnings

    import saferstats as ss

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ss.SaferstatsWarning)
        a = ss.read_street_crime(path)
        a = a[a.crime_type == "Anti-social behaviour"].dropna(subset=["latitude"])
        x, y = ss.to_bng(a.latitude, a.longitude)
        counts, cx, cy = ss.grid_counts(x, y, cell_size=1000, study_area="Hertfordshire")
    area = ss.StudyArea("Hertfordshire")
    return counts, cx, cy, area.grid_mask(cx, cy), area.grid_mask(cx, cy, counts)


def gi_star_z_reference(values, cx, cy, cell: float):
    """Getis & Ord (1992) Gi* computed independently with numpy from the cell centres (queen
    neighbours within one cell, the cell itself included, binary):
    z = (Σ_j w_ij x_j − x̄ W_i) / (S √((n Σ_j w_ij² − W_i²)/(n − 1)))."""
    import numpy as np

    values, cx, cy = (np.asarray(v, dtype=float) for v in (values, cx, cy))
    n = len(values)
    near = (np.abs(cx[:, None] - cx[None, :]) <= cell * 1.01) & (np.abs(cy[:, None] - cy[None, :]) <= cell * 1.01)
    w = near.astype(float)
    wi = w.sum(axis=1)
    xbar = values.mean()
    s = np.sqrt((values**2).mean() - xbar**2)
    return (w @ values - xbar * wi) / (s * np.sqrt((n * (w**2).sum(axis=1) - wi**2) / (n - 1)))


def stop_search_sample_without(tmp_path: Path, left_out: str) -> Path:
    """A copy of the bundled police.uk stop-and-search sample in ``tmp_path / "files"`` without the
    file ``left_out`` (a force-month whose file was not downloaded)."""
    import shutil

    import saferstats

    src = saferstats.datasets.stop_search_sample_path()
    dst = tmp_path / "files"
    dst.mkdir()
    for f in src.iterdir():
        if f.name != left_out:
            shutil.copy(f, dst / f.name)
    return dst


def bundled_flytipping_workbook(tmp_path: Path, *, actions: bool = True) -> "tuple[Path, pd.DataFrame]":
    """(an .xlsx workbook laid out as Defra's Flytipping.xlsx — a Contents sheet, the package's
    bundled LA_incidents table, an LA_actions sheet unless ``actions`` is False — written with
    openpyxl in ``tmp_path``, the bundled table as read with pandas). Skips without openpyxl."""
    import pandas as pd

    from saferstats import datasets

    pytest.importorskip("openpyxl")
    raw = pd.read_csv(datasets.flytipping_table_path(), dtype=object, keep_default_na=False)
    book = tmp_path / "Flytipping.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as w:
        pd.DataFrame({"x": ["Notes"]}).to_excel(w, sheet_name="Contents", index=False)
        raw.to_excel(w, sheet_name="LA_incidents", index=False)
        if actions:
            pd.DataFrame({"x": [1, 2]}).to_excel(w, sheet_name="LA_actions", index=False)
    return book, raw


def dacorum_lsoa11(shared_data: Path) -> set[str]:
    """Dacorum's LSOAs 2011 (the codes FixMyStreet's and police.uk's files of before 2023 use): the
    Dacorum LSOAs 2021 of the published ONS LSOA 2021 -> local authority lookup, each LSOA 2021 made in
    2021 taken back to the LSOA 2011 it came from (the ONS LSOA 2011 -> 2021 lookup, read raw): 94
    codes, not the range E01023345-E01023438 (which takes in East Hertfordshire's E01023438 and
    leaves out E01033022/3). Made in w45c (test_flytip_w42e.py); here since w46a, for every test."""
    import pandas as pd

    import saferstats as ss

    lk = pd.read_csv(shared_path(shared_data, "population/census2021_ew/lookup_lsoa21_ward24_ltla24.csv"), dtype=str)
    d21 = set(lk.loc[lk["ltla24_name"] == "Dacorum", "lsoa21_code"])
    ch = pd.read_csv(Path(ss.__file__).parent / "data" / "lsoa11_lsoa21.csv.gz", dtype=str)
    ch = ch[ch["lsoa21_code"].isin(d21)]
    return (d21 - set(ch["lsoa21_code"])) | set(ch["lsoa11_code"])


def defra_la_incidents(shared_data: Path) -> "pd.DataFrame":
    """The Defra workbook's LA_incidents sheet as published, read with openpyxl (independent of the
    library's reader); skips when openpyxl is absent."""
    import pandas as pd

    openpyxl = pytest.importorskip("openpyxl")
    xlsx = shared_data / "fly_tipping/defra_la_2012-13_to_2021-22/Flytipping.xlsx"
    wb = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    rows = list(wb["LA_incidents"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Year")
    return pd.DataFrame(rows[head + 1:], columns=rows[head]).dropna(subset=["Year"])


def defra_flytipping_read(shared_data: Path, name: str = "DERIVED_Flytipping_LA_incidents.csv") -> "pd.DataFrame":
    """Defra's fly-tipping table (``name``: DERIVED_Flytipping_LA_incidents.csv, or the workbook as
    published, Flytipping.xlsx) through ``read_flytipping``, its warnings silenced; skips when the
    file is not in ../shared/data. Read once per test process (``saferstats.io.read_once``, a copy
    each call), as the report and the command read it: 35 modules call this."""
    import warnings

    import saferstats as ss

    path = shared_data / "fly_tipping" / "defra_la_2012-13_to_2021-22" / name
    if not path.is_file():
        pytest.skip(f"the Defra fly-tipping {name} is not in ../shared/data")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ss.io.read_once(ss.read_flytipping, path)


def flytipping_trend_error(fly: "pd.DataFrame", fn: str, by: str, comparator: str) -> Exception:
    """The ``InvalidInputError`` that ``poisson_trend`` or ``compare_trends`` (``fn``; the latter
    against ``comparator``) raises on Defra's fly-tipping table by ``by``: counts without a
    population, missing figures dropped, warnings silenced."""
    import warnings

    import saferstats as ss

    kw: dict = dict(by=by, count="incidents", population=None, missing="drop")
    if fn == "compare_trends":
        kw["comparator"] = comparator
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ss.InvalidInputError) as err:
            getattr(ss, fn)(fly, **kw)
    return err.value


def stevenage_dual_kde():
    """``hotspot_dual_kde`` over the Stevenage study area (400 uniform points in its box against 5 of
    them, 250 m cells, 300 m bandwidth, warnings off): a ratio that is NaN inside the area too."""
    import warnings

    import numpy as np

    import saferstats

    a = saferstats.StudyArea("Stevenage")
    x0, x1, y0, y1 = a.bounds
    rng = np.random.default_rng(2)
    xa, ya = rng.uniform(x0, x1, 400), rng.uniform(y0, y1, 400)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", saferstats.SaferstatsWarning)
        return saferstats.hotspot_dual_kde(xa, ya, xa[:5], ya[:5], cell_size=250, bandwidth=300, study_area=a)


def square_kde_and_counts():
    """A :func:`saferstats.kde_grid` surface of 80 points (seed 5; 100 m cells, bandwidth 250 m) over
    a 1 km square study area in a 2 km box, and ``grid_counts`` of 40 other points on the same
    cells (warnings ignored): the surface and the events the pai tests score it on."""
    import warnings

    import numpy as np

    import saferstats

    square = np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0], [0.0, 1000.0], [0.0, 0.0]])
    area = saferstats.StudyArea(square, crs=27700)
    rng = np.random.default_rng(5)
    px, py = rng.normal(300, 120, 80).clip(1, 999), rng.normal(600, 150, 80).clip(1, 999)
    qx, qy = rng.normal(320, 150, 40).clip(1, 999), rng.normal(580, 150, 40).clip(1, 999)
    bounds = (-500.0, 1500.0, -500.0, 1500.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = saferstats.kde_grid(px, py, cell_size=100, bandwidth=250, bounds=bounds, study_area=area)
        counts, _, _ = saferstats.grid_counts(qx, qy, cell_size=100, bounds=bounds)
    return k, counts


def city_asb_latlon(shared_data: Path):
    """(lat, lon) arrays of the City of London's anti-social behaviour records of 2023 (its
    police.uk street export, semicolon-separated), read with the csv module: NaN where a record
    has no location."""
    import csv

    import numpy as np

    with open(shared_data / "street_crime" / "city_of_london_2023" / "street.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter=";") if r["crime_type"] == "Anti-social behaviour"]
    lat = np.array([float(r["latitude"]) if r["latitude"] else np.nan for r in rows])
    lon = np.array([float(r["longitude"]) if r["longitude"] else np.nan for r in rows])
    return lat, lon


def bandwidth_nrd_reference(v) -> float:
    """MASS::bandwidth.nrd in numpy, the reference for the automatic bandwidths:
    4 * 1.06 * min(sd, IQR / 1.34) * n^(-1/5) (type-7 quartiles)."""
    import numpy as np

    v = np.asarray(v, dtype=float)
    q = np.quantile(v, [0.25, 0.75])
    return 4 * 1.06 * min(np.std(v, ddof=1), (q[1] - q[0]) / 1.34) * len(v) ** -0.2


def report_hotspots(area: str, settings: dict):
    """The report's hotspots section for ``area`` (95% confidence, disclosure threshold 5) made from
    the ``[hotspots]`` ``settings``, warnings ignored: its configuration, the section and its
    cluster table."""
    import warnings

    from saferstats.report.sections import _hotspots

    cfg = {"confidence": 0.95, "disclosure_threshold": 5, "area": area}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = _hotspots(cfg, settings)
    return cfg, s, next(t.frame for t in s.tables if t.name == "hotspot_clusters")

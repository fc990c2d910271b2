"""cluster_summary over a study area: ``attrs["noise_points"]`` counted the points outside the area
as noise (walk 7). Watford ASB, Oct-Dec 2021 (police.uk Hertfordshire), ``dbscan(eps_m=150,
min_samples=10, study_area="Watford")`` over the force's records: noise_points was 5,234 where 323
of Watford's 605 records are in no cluster, the figure an analyst reports. The table now also gives
``outside_study_area`` and ``unclustered_in_area``.

Checked against DBSCAN written here with numpy (haversine, Earth radius 6,371,008.8 m; core points
with at least min_samples points within eps, themselves included, as scikit-learn) over the records
StudyArea keeps, and against the csv module's count of the records read."""

import csv
import warnings

import numpy as np

import saferstats
from saferstats.exceptions import SaferstatsWarning


def _records(shared_data):
    rows = []
    for m in ("2021-10", "2021-11", "2021-12"):
        with open(shared_data / "street_crime" / f"{m}-hertfordshire-street.csv", newline="") as fh:
            rows += [(r["Latitude"], r["Longitude"]) for r in csv.DictReader(fh) if r["Crime type"] == "Anti-social behaviour"]
    lat = np.array([float(a) if a else np.nan for a, _ in rows])
    lon = np.array([float(b) if b else np.nan for _, b in rows])
    return lat, lon


def _noise_numpy(lat, lon, eps, min_samples):
    la, lo = np.radians(lat), np.radians(lon)
    dlat = la[:, None] - la[None]
    dlon = lo[:, None] - lo[None]
    h = np.sin(dlat / 2) ** 2 + np.cos(la[:, None]) * np.cos(la[None]) * np.sin(dlon / 2) ** 2
    near = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.clip(h, 0, 1))) <= eps
    core = near.sum(axis=1) >= min_samples
    # a point is in a cluster when it is a core point or within eps of one
    return int((~(core | (near & core[None]).any(axis=1))).sum())


def test_noise_split_inside_and_outside_the_area(shared_data):
    lat, lon = _records(shared_data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)   # records outside Watford / without a location, counted
        labels = saferstats.dbscan(lat, lon, eps_m=150, min_samples=10, study_area="Watford", missing="drop")
        t = saferstats.cluster_summary(lat, lon, labels)
    located = np.isfinite(lat) & np.isfinite(lon)
    inside = np.zeros(len(lat), dtype=bool)
    inside[located] = saferstats.StudyArea("Watford").contains(lat[located], lon[located])
    unclustered = _noise_numpy(lat[inside], lon[inside], 150, 10)
    assert t.attrs["outside_study_area"] == int((located & ~inside).sum())
    assert t.attrs["missing_coordinates"] == int((~located).sum())
    assert t.attrs["unclustered_in_area"] == unclustered
    assert t.attrs["noise_points"] == len(lat) - int(t["n"].sum())
    assert t.attrs["noise_points"] == (t.attrs["outside_study_area"] + t.attrs["missing_coordinates"]
                                       + t.attrs["unclustered_in_area"])
    assert int(t["n"].sum()) + unclustered == int(inside.sum())


def test_without_a_study_area_all_noise_is_in_the_data():
    t = saferstats.cluster_summary([51.5, 51.5, 51.5, 51.6], [-0.12, -0.12, -0.12, -0.2], [0, 0, 0, -1])
    assert (t.attrs["noise_points"], t.attrs["outside_study_area"], t.attrs["unclustered_in_area"]) == (1, 0, 1)

"""Session 36 (u3): a CSP analyst's hotspot walk for a tasking meeting (Watford ASB and criminal
damage, Hertfordshire's police.uk files): a month missing from the files, and a PAI scored on the
events the map was made from."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import saferstats as ss
from conftest import shared_path
from saferstats.exceptions import SaferstatsWarning


def _said(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """The result and the SaferstatsWarnings' texts (words joined by one space)."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, [" ".join(str(m.message).split()) for m in w if issubclass(m.category, SaferstatsWarning)]


# -- a month missing from the files ------------------------------------------------------------

#: three map points in Stevenage, each with records in every month given
_LAT = [51.9000, 51.9003, 51.9001]
_LON = [-0.2000, -0.2003, -0.2006]


def _monthly(months: list[str], per: int = 2) -> pd.DataFrame:
    rows = [(la, lo, m) for m in months for la, lo in zip(_LAT, _LON) for _ in range(per)]
    return pd.DataFrame(rows, columns=["lat", "lon", "month"])


def test_cluster_summary_names_a_month_without_records() -> None:
    """Before: police.uk months with one month absent (2021-06 left out of 2021-01 to 2021-09)
    gave clusters whose ``n`` and first/last months silently covered the months read only (and
    ``saferstats hotspots`` said "Read ... from 12 files" of 13 months). Now a warning names the
    month, ``attrs["months_missing"]`` lists it and the headline says so. Reference: the months
    from 2021-01 to 2021-09 (``pd.period_range``) less those written here."""
    given = [str(p) for p in pd.period_range("2021-01", "2021-09", freq="M") if str(p) != "2021-06"]
    pts = _monthly(given)
    expected = sorted(set(str(p) for p in pd.period_range("2021-01", "2021-09", freq="M")) - set(pts["month"]))
    assert expected == ["2021-06"]
    labels = np.zeros(len(pts), dtype=int)
    for times in (pts["month"], pd.to_datetime(pts["month"]), pd.PeriodIndex(pts["month"], freq="M").to_series()):
        t, msgs = _said(ss.cluster_summary, pts["lat"], pts["lon"], labels, times=times.to_numpy()
                        if isinstance(times.dtype, pd.PeriodDtype) else times)
        assert t.attrs["months_missing"] == expected
        said = [m for m in msgs if "no record at all" in m]
        assert len(said) == 1 and "(2021-06)" in said[0] and "cover 8 of the 9 months" in said[0]
        assert "between 2021-01 and 2021-09" in said[0]
        assert "no record in 2021-06 (a month missing from the files?)" in t.headline()
    # a rare crime type, 2 records a month: a month with none may be chance (Poisson: exp(-2) = 13.5%)
    rare = pd.DataFrame({"lat": _LAT[:2] * 8, "lon": _LON[:2] * 8, "month": [m for m in given for _ in range(2)]})
    t, msgs = _said(ss.cluster_summary, rare["lat"], rare["lon"], [0] * len(rare), times=rare["month"])
    assert t.attrs["months_missing"] == expected
    assert any(f"average 2 a month, so a month with none may be chance (a Poisson chance of {math.exp(-2):.0%})" in m
               for m in msgs)
    # every month there: nothing said, no attrs
    full = _monthly([str(p) for p in pd.period_range("2021-01", "2021-09", freq="M")])
    t, msgs = _said(ss.cluster_summary, full["lat"], full["lon"], np.zeros(len(full), dtype=int), times=full["month"])
    assert "months_missing" not in t.attrs and not [m for m in msgs if "no record at all" in m]
    # dates that are days (not months): no month check
    days = pd.to_datetime(["2021-01-03", "2021-01-05", "2021-03-09"] * 2)
    t, msgs = _said(ss.cluster_summary, _LAT * 2, _LON * 2, [0] * 6, times=days)
    assert "months_missing" not in t.attrs and not [m for m in msgs if "no record at all" in m]


def test_prospective_hotspots_names_a_weighed_month_without_events() -> None:
    """Before: July's prospective map from April-June (``time_unit=30, time_bandwidth=3``) with
    June's file not read was made from May alone and said only "made from events of 2021-04 to
    2021-05". Now a warning names 2021-06, ``cells.attrs["months_missing"]`` lists it and the
    headline says so; a month missing outside the weighed window (2021-02) says nothing.
    Reference: the ages by hand, whole 30-day units before 2021-07-01: June 1st is 30 days (age
    1), May 1st 61 (age 2), April 1st 91 (age 3, not weighed with time_bandwidth 3)."""
    x, y = np.array([500.0, 520.0, 540.0]), np.array([500.0, 510.0, 530.0])
    ages = {m: int((pd.Timestamp("2021-07-01") - pd.Timestamp(m)).days // 30) for m in ("2021-04", "2021-05", "2021-06")}
    assert ages == {"2021-04": 3, "2021-05": 2, "2021-06": 1}

    def run(months: list[str]):  # type: ignore[no-untyped-def]
        t = pd.to_datetime(pd.Series([m for m in months for _ in x]))
        return _said(ss.prospective_hotspots, np.tile(x, len(months)), np.tile(y, len(months)), t,
                     predict_time="2021-07-01", cutoff_time="2021-06-30", cell_size=100, time_unit=30,
                     time_bandwidth=3, bounds=(0, 999, 0, 999))

    g, msgs = run(["2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-07"])
    assert g.cells.attrs["months_missing"] == ["2021-06"]
    said = [m for m in msgs if "no event at all" in m]
    assert len(said) == 1 and said[0].startswith("prospective_hotspots: no event at all in 2021-06 (between 2021-01 "
                                                 "and 2021-07)")
    assert "(no event in 2021-06: a month missing from the files?)" in g.headline()
    g, msgs = run(["2021-01", "2021-03", "2021-04", "2021-05", "2021-06", "2021-07"])
    assert "months_missing" not in g.cells.attrs and not [m for m in msgs if "no event at all" in m]
    # months put on the 30th (February has none): the missing February is still placed and named
    t = pd.to_datetime(pd.Series(["2021-01-30", "2021-03-30", "2021-04-30"] * 2))
    g30, msgs = _said(ss.prospective_hotspots, np.full(6, 500.0), np.full(6, 500.0), t, predict_time="2021-05-30",
                      cutoff_time="2021-05-29", cell_size=100, time_unit=30, time_bandwidth=6, bounds=(0, 999, 0, 999))
    assert g30.cells.attrs["months_missing"] == ["2021-02"] and any("no event at all in 2021-02" in m for m in msgs)
    # a count on the prediction's cells is no map of its own: the months are not carried over
    c = ss.hotspot_count(x, y, grid=g)
    assert "months_missing" not in c.cells.attrs


@pytest.fixture(scope="module")
def herts_asb_damage(shared_data: Path) -> pd.DataFrame:
    """Hertfordshire's ASB and criminal damage of 2021-01 to 2022-01 as published (13 files), read
    with pandas: the records with a location, each with whether it is in Watford."""
    folder = shared_path(shared_data, "street_crime")
    files = sorted(folder.glob("*-hertfordshire-street.csv"))
    assert len(files) == 13
    df = pd.concat([pd.read_csv(f, usecols=["Month", "Latitude", "Longitude", "Crime type"]) for f in files])
    df = df[df["Crime type"].isin(["Anti-social behaviour", "Criminal damage and arson"])]
    df = df.dropna(subset=["Latitude", "Longitude"]).reset_index(drop=True)
    return df.assign(watford=ss.StudyArea("Watford").contains(df["Latitude"], df["Longitude"]))


def test_watford_clusters_without_junes_file(herts_asb_damage: pd.DataFrame) -> None:
    """The walk itself: Watford's clusters from 12 of the 13 files (June's not read) name 2021-06.
    Reference: the months the raw files hold (pandas), against ``pd.period_range`` over their span."""
    d = herts_asb_damage[herts_asb_damage["watford"] & (herts_asb_damage["Month"] != "2021-06")]
    span = {str(p) for p in pd.period_range(d["Month"].min(), d["Month"].max(), freq="M")}
    assert sorted(span - set(d["Month"])) == ["2021-06"] and len(span) == 13
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        lab = ss.dbscan(d["Latitude"], d["Longitude"], eps_m=100, min_samples=15)
    t, msgs = _said(ss.cluster_summary, d["Latitude"], d["Longitude"], lab, times=d["Month"])
    assert t.attrs["months_missing"] == ["2021-06"]
    assert any("(2021-06)" in m and "cover 12 of the 13 months" in m for m in msgs)


# -- one cluster chained across a town ---------------------------------------------------------

_R = 6371008.8  # the haversine radius dbscan uses


def _metres_apart(lat1, lon1, lat2, lon2):  # type: ignore[no-untyped-def]
    """Haversine distance (m), written out as the reference."""
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _R * np.arcsin(np.sqrt(h))


def test_a_street_long_chain_is_said() -> None:
    """Before: DBSCAN's chaining — 61 records every 50 m along a 3 km street, with ``eps_m=100,
    min_samples=3`` one cluster of 75% of the points, 30 times ``eps_m`` long — was returned as a
    "hotspot" with no word. Now a warning gives its share and size. A tight cluster of as many
    points (all within 40 m) says nothing. Reference by hand: each point has its neighbours 50 and
    100 m away (haversine written out here), so every point is a core point (at least 3 within
    100 m, itself included) and all are joined; the street's ends are 3,000 m apart."""
    lat0 = 51.9
    step = 50 / (_R * np.pi / 180 * np.cos(np.radians(lat0)))  # 50 m of longitude
    street_lon = -0.25 + step * np.arange(61)
    street_lat = np.full(61, lat0)
    gaps = _metres_apart(street_lat[:-1], street_lon[:-1], street_lat[1:], street_lon[1:])
    assert np.allclose(gaps, 50, atol=0.01)
    assert abs(_metres_apart(lat0, street_lon[0], lat0, street_lon[-1]) - 3000) < 1
    far_lat = lat0 + 0.02 * (1 + np.arange(20))  # 20 records 2.2 km apart, north of it: noise
    far_lon = np.full(20, -0.3)
    lab, msgs = _said(ss.dbscan, np.r_[street_lat, far_lat], np.r_[street_lon, far_lon], eps_m=100, min_samples=3)
    assert (lab[:61] == 0).all() and (lab[61:] == -1).all()
    said = [m for m in msgs if "chains them" in m]
    assert len(said) == 1 and said[0].startswith("dbscan: one cluster (label 0) holds 61 of the 81 points (75%) and "
                                                 "spans about 3.0 × 0.0 km, 30 times eps_m=100")
    rng = np.random.default_rng(7)
    tight_lat = lat0 + rng.uniform(0, 0.0002, 61)  # 22 m north-south
    tight_lon = -0.25 + rng.uniform(0, 0.0003, 61)  # 21 m east-west
    lab, msgs = _said(ss.dbscan, np.r_[tight_lat, far_lat], np.r_[tight_lon, far_lon], eps_m=100, min_samples=3)
    assert (lab[:61] == 0).all() and not [m for m in msgs if "chains them" in m]


def test_watfords_chained_cluster_is_said(herts_asb_damage: pd.DataFrame) -> None:
    """The walk: Watford's ASB and criminal damage with the command's defaults (``eps_m=150,
    min_samples=15``) put 42% of the records in one cluster about 1.4 × 3.0 km. Reference: DBSCAN's
    core points written out with scipy (neighbours within 150 m by the chord of the haversine
    distance, itself included; 15 or more makes a core) and their connected components: the largest
    holds a quarter or more of the records, spans more than 10 × 150 m, and the cluster said holds at
    least its core points and at most those and the records within 150 m of them."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    d = herts_asb_damage[herts_asb_damage["watford"]]
    la, lo = np.radians(d["Latitude"].to_numpy()), np.radians(d["Longitude"].to_numpy())
    xyz = np.c_[np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)]
    chord = 2 * np.sin(150 / _R / 2) * (1 + 1e-12)
    tree = cKDTree(xyz)
    near = tree.query_ball_point(xyz, chord)
    core = np.array([len(v) >= 15 for v in near])
    pairs = np.array([(i, j) for i in np.flatnonzero(core) for j in near[i] if core[j]])
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(d), len(d)))
    _, comp = connected_components(graph, directed=False)
    sizes = np.bincount(comp[core])
    big = np.flatnonzero(core & (comp == np.argmax(sizes)))
    reach = np.unique(np.concatenate([near[i] for i in big]))
    assert len(big) >= 0.25 * len(d)
    span = _metres_apart(d["Latitude"].iloc[big].min(), -0.4, d["Latitude"].iloc[big].max(), -0.4)
    assert span > 1500
    lab, msgs = _said(ss.dbscan, d["Latitude"], d["Longitude"], eps_m=150, min_samples=15)
    said = [m for m in msgs if "chains them" in m]
    n_top = int(np.bincount(lab[lab >= 0]).max())
    assert len(big) <= n_top <= len(reach)
    assert len(said) == 1 and f"holds {n_top:,} of the {len(d):,} points ({n_top / len(d):.0%})" in said[0]
    assert "(42%)" in said[0] and "1.4 × 3.0 km" in said[0]


# -- a PAI scored on the events the map was made from -----------------------------------------

def test_pai_on_the_maps_own_events_is_flagged() -> None:
    """Before: ``pai(hotspot_count(x, y, grid=g), g)`` for ``g = hotspot_kde(x, y, ...)`` — the map
    scored on the very events it was made from — gave a flattering PAI with no word (the windows
    check needs ``train=``/``test=``). Now a warning says so, ``attrs["in_sample"]`` is True and the
    headline notes it; the next period's events say nothing. Reference: the cells' counts by hand
    (numpy ``histogram2d`` on the 100 m cells) equal the map's own ``count`` layer."""
    x = np.array([50.0, 60.0, 70.0, 150.0, 250.0, 260.0, 350.0])
    y = np.array([50.0, 55.0, 40.0, 50.0, 150.0, 160.0, 250.0])
    bounds = (0, 399, 0, 299)
    g, _ = _said(ss.hotspot_kde, x, y, cell_size=100, bandwidth=150, bounds=bounds)
    h, _, _ = np.histogram2d(y, x, bins=[np.arange(0, 301, 100), np.arange(0, 401, 100)])
    assert np.array_equal(h.ravel(), g.cells["count"].to_numpy())
    same = ss.hotspot_count(x, y, grid=g)
    t, msgs = _said(ss.pai, same, g)
    said = [m for m in msgs if "in-sample" in m]
    assert len(said) == 1 and said[0].startswith(f"pai: the {len(x)} events scored are, cell for cell, the events the "
                                                 "map was made from (its `count` layer)")
    assert t.attrs["in_sample"] is True and "in-sample, not a prediction" in t.headline()
    # counts given as their own prediction
    t, msgs = _said(ss.pai, h.ravel(), h.ravel())
    assert t.attrs["in_sample"] is True and any("counts scored against themselves" in m for m in msgs)
    # the next period's events: no word
    later = ss.hotspot_count(x[:4] + 100, y[:4], grid=g)
    t, msgs = _said(ss.pai, later, g)
    assert "in_sample" not in t.attrs and not [m for m in msgs if "in-sample" in m]
    # windows that say it already: said once (by the windows check), not twice
    t, msgs = _said(ss.pai, same, g, train="2021-06", test="2021-06")
    assert len([m for m in msgs if "in-sample" in m]) == 1 and "in_sample" not in t.attrs

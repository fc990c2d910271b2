"""Session 36 (u3): a CSP analyst's hotspot walk for a tasking meeting (Watford ASB and criminal
damage, Hertfordshire's police.uk files): a month missing from the files, and a PAI scored on the
events the map was made from."""

from __future__ import annotations

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
    # a count on the prediction's cells is no map of its own: the months are not carried over
    c = ss.hotspot_count(x, y, grid=g)
    assert "months_missing" not in c.cells.attrs


@pytest.fixture(scope="module")
def watford_without_june(shared_data: Path) -> pd.DataFrame:
    """Hertfordshire's ASB and criminal damage of 2021-01 to 2022-01 as published, June's file left
    out, read with pandas: the records with a location."""
    folder = shared_path(shared_data, "street_crime")
    files = sorted(f for f in folder.glob("*-hertfordshire-street.csv") if not f.name.startswith("2021-06"))
    assert len(files) == 12
    df = pd.concat([pd.read_csv(f, usecols=["Month", "Latitude", "Longitude", "Crime type"]) for f in files])
    df = df[df["Crime type"].isin(["Anti-social behaviour", "Criminal damage and arson"])]
    return df.dropna(subset=["Latitude", "Longitude"]).reset_index(drop=True)


def test_watford_clusters_without_junes_file(watford_without_june: pd.DataFrame) -> None:
    """The walk itself: Watford's clusters from the 12 files (June's not read) name 2021-06.
    Reference: the months the raw files hold (pandas), against ``pd.period_range`` over their span."""
    d = watford_without_june
    span = {str(p) for p in pd.period_range(d["Month"].min(), d["Month"].max(), freq="M")}
    assert sorted(span - set(d["Month"])) == ["2021-06"] and len(span) == 13
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        lab = ss.dbscan(d["Latitude"], d["Longitude"], eps_m=100, min_samples=15, study_area="Watford")
    inside = lab != -3
    t, msgs = _said(ss.cluster_summary, d["Latitude"][inside], d["Longitude"][inside], lab[inside],
                    times=d["Month"][inside])
    assert t.attrs["months_missing"] == ["2021-06"]
    assert any("(2021-06)" in m and "cover 12 of the 13 months" in m for m in msgs)


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

"""pai() of a prospective map over a study area crashed on the documented workflow (walk 7).

Watford ASB (police.uk, Hertfordshire), 250 m cells: a KDE of Sep-Nov 2021 on ``study_area="Watford"``,
December 2021 counted on its grid *with* ``study_area="Watford"``, and ``prospective_hotspots`` of the
events up to November on the same grid and area. ``pai(observed, prospective)`` raised
MissingValueError ("count the observed events over the same area (e.g. hotspot_count(x, y,
grid=prediction, study_area=...))") although the observed events were counted exactly so: one
December event lies inside Watford in a cell whose centre is outside the district and which held no
earlier event, a cell prospective_hotspots leaves blank (NaN) as outside its study area.

Now that cell is scored as predicting 0 (the map makes no prediction there, so its event is missed),
with a warning. The table is checked against ptools' algorithm written here with numpy (cells by
predicted descending, ties by fewer observed first; hit rate = cumulative share of events, PAI = hit
rate / share of cells), and the counts against numpy's floor over the points StudyArea keeps."""

import warnings

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import SaferstatsWarning
from conftest import herts_street_points


def _ptools(o, p):
    order = np.lexsort((o, -p))
    o = o[order]
    hit = np.cumsum(o) / o.sum()
    cov = np.arange(1, len(o) + 1) / len(o)
    return hit, hit / cov


def test_prospective_pai_with_an_event_in_a_blank_edge_cell(shared_data):
    month, x, y = herts_street_points(shared_data, "Anti-social behaviour")
    past = np.isin(month, ["2021-09", "2021-10", "2021-11"])
    dec = month == "2021-12"
    upto = month <= "2021-11"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)  # points outside Watford, counted
        retro = saferstats.hotspot_kde(x[past], y[past], study_area="Watford", cell_size=250, bandwidth=400)
        obs = saferstats.hotspot_count(x[dec], y[dec], grid=retro, study_area="Watford")
        pro = saferstats.prospective_hotspots(x[upto], y[upto], pd.to_datetime(pd.Series(month[upto]) + "-15"),
                                              predict_time="2021-12-01", grid=retro, study_area="Watford",
                                              time_unit=30, space_bandwidth=3, time_bandwidth=4)
    with pytest.warns(SaferstatsWarning, match=r"pai: `predicted` has no value in 1 cell at the study area's edge "
                                               r"that holds 1 of the \d+ observed"):
        t = saferstats.pai(obs, pro)

    # the counts, independently: numpy floor over the December points inside Watford
    keep = np.asarray(saferstats.StudyArea("Watford").contains_xy(x[dec], y[dec]), dtype=bool)
    ref = np.zeros((retro.nrows, retro.ncols))
    np.add.at(ref, (np.floor((y[dec][keep] - retro.y0) / 250).astype(int),
                    np.floor((x[dec][keep] - retro.x0) / 250).astype(int)), 1)
    o_all = ref.ravel()
    np.testing.assert_array_equal(obs.cells["count"].to_numpy(), o_all)

    risk = pro.cells["risk"].to_numpy()
    blank_with_event = np.flatnonzero(np.isnan(risk) & (o_all > 0))
    assert len(blank_with_event) == 1
    # that cell's centre is outside the district's outline (StudyArea's, the one the grid was marked with)
    c = pro.cells.iloc[blank_with_event[0]]
    assert not saferstats.StudyArea("Watford").contains_xy(np.array([c["x"]]), np.array([c["y"]]))[0]

    # the scored cells: the area's cells of either grid and any cell with a December event
    scored = (obs.cells["in_study_area"].to_numpy() | pro.cells["in_study_area"].to_numpy() | (o_all > 0))
    o, p = o_all[scored], np.nan_to_num(risk[scored], nan=0.0)
    assert not np.isnan(risk[scored & (o_all == 0)]).any()
    hit, pai = _ptools(o, p)
    assert len(t) == scored.sum()
    np.testing.assert_allclose(t["hit_rate"].to_numpy(), hit, rtol=1e-12)
    np.testing.assert_allclose(t["pai"].to_numpy(), pai, rtol=1e-12)
    # the event in the blank cell is missed until the last cells
    assert t.loc[t["cell"] == blank_with_event[0], "k"].item() > 0.9 * len(t)


def test_observed_counted_without_the_area_is_still_refused():
    """A blank cell holding events counted without the study area: left out with a warning when the
    counts are a grid (session 18), refused naming the cell when they are a plain array."""
    sq = np.array([[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0], [0.0, 1000.0], [0.0, 0.0]])
    area = saferstats.StudyArea(sq, crs=27700)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        pro = saferstats.prospective_hotspots([500.0, 520.0], [500.0, 480.0], [1.0, 2.0], predict_time=8.0,
                                              cell_size=300, bounds=(-500, 1500, -500, 1500), study_area=area)
        obs = saferstats.hotspot_count([1400.0, 500.0], [1400.0, 500.0], grid=pro)   # no study_area: (1400, 1400) counted
    # session 18 (w23b): counted on the area's grid without the area, the cell beyond the edge holding
    # (1400, 1400) is known to be outside the area (a grid counted over it marks every cell holding
    # its points): left out, with a warning, rather than refused
    with pytest.warns(SaferstatsWarning, match=r"holds 1 event in 1 cell beyond the study area's edge"):
        t = saferstats.pai(obs, pro)
    assert t["observed"].sum() == 1
    # the same counts as a plain array say nothing of their area: still refused, naming the cell
    with pytest.raises(saferstats.MissingValueError, match="outside the study area it was made over") as e:
        saferstats.pai(obs.cells["count"].to_numpy(), pro)
    assert e.value.argument == "predicted" and e.value.index is not None

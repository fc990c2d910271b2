"""CrimeStat's nearest-neighbour hierarchical clustering (the core's ``hotspot::nnh``):
docs/methods/hotspots.md (C3)."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from .._results import Result
from ..exceptions import InvalidInputError, number_of, warn_user
from ._common import _drop_missing, _ExcelMixin, _float_arg, _int_arg, _left_out_said, _points_in
from .nni import _shared_locations

__all__ = ["nnh_threshold", "nnh", "NnhResult"]


def nnh_threshold(n: int, *, area: float, p: float = 0.5) -> float:
    """CrimeStat's nearest-neighbour hierarchical clustering threshold distance: pairs closer than
    this are linked (``docs/methods/hotspots.md`` C3): 0.5√(A/N) − t_p·0.26136/√(N²/A).

    >>> round(nnh_threshold(10, area=10_000, p=0.05), 6)
    11.512399
    """
    return _ext.nnh_threshold(_int_arg("n", n, 0), area=_float_arg("area", area, positive=True), p=_float_arg("p", p))


@dataclasses.dataclass(frozen=True, repr=False)
class NnhResult(_ExcelMixin, Result):
    """Nearest-neighbour hierarchical clusters (CrimeStat NNH).

    ``labels[k, i]``: the order-(k+1) cluster of point ``i`` (−1: in none); ``clusters``: one row per
    cluster — ``order, cluster, members`` (points at order 1, lower-order clusters above),
    ``n_points`` (original points), mean centre ``x, y`` and ``std_distance``; ``thresholds``: the
    linking distance used at each order; ``rows``: the input row of each labelled point — with a
    ``study_area`` the labels are those of the points inside it, so join them back with
    ``df.loc[df.index[r.rows], "cluster"] = r.order(1)`` (or pass ``lat.iloc[r.rows],
    lon.iloc[r.rows]`` to :func:`cluster_summary`: ``rows`` are positions, and ``lat[r.rows]`` on a
    Series picks rows by index label — a KeyError on a filtered frame's column, other records on
    a sorted one; until session 16 this said ``lat[r.rows]``); ``missing_coordinates``: points
    without coordinates that ``missing="drop"`` left out (their rows are not in ``rows``);
    ``outside_study_area``: points outside ``study_area`` left out (in the headline too, since
    session 28: Stevenage's ASB, 2,791 of Hertfordshire's 27,858 records, said only in a warning).
    """

    labels: np.ndarray
    clusters: pd.DataFrame
    thresholds: list[float]
    min_points: int
    rows: np.ndarray | None = None
    missing_coordinates: int = 0
    outside_study_area: int = 0

    def headline(self) -> str:
        """One line: clusters per order, points clustered at order 1, the largest cluster."""
        n = self.labels.shape[1]
        per = {int(k): int(v) for k, v in self.clusters.groupby("order").size().items()} if len(self.clusters) else {}
        in1 = int((self.labels[0] >= 0).sum()) if self.labels.shape[0] else 0
        t = ", ".join(f"{x:.4g}" for x in self.thresholds)
        big = ""
        first = self.clusters[self.clusters["order"] == 1] if len(self.clusters) else self.clusters
        if len(first):
            r = first.sort_values("n_points", ascending=False, kind="stable").iloc[0]
            big = f"; largest: cluster {int(r['cluster'])}, {int(r['n_points'])} points at ({r['x']:,.6g}, {r['y']:,.6g})"
        return (f"points={n:,}, clusters by order={per}, {in1:,} points in first-order clusters, "
                f"thresholds=[{t}], min_points={self.min_points}{big}"
                + _left_out_said(self.missing_coordinates, outside=self.outside_study_area))

    def __repr__(self) -> str:
        return f"NnhResult({self.headline()})"

    def _repr_html_(self) -> str:
        import html

        tab = self.clusters.sort_values(["order", "n_points"], ascending=[True, False]).head(10)
        k = len(self.clusters)
        # "first 10 of 3" read as if clusters were missing: say how many of how many are shown
        shown = (f"all {k:,}" if k <= 10 else f"the first 10 of {k:,}") if k else "none: no cluster at any order"
        return (f"<p><b>NnhResult</b> — {html.escape(self.headline())}</p>"
                f"<p>Clusters by order, largest first within each order ({shown})</p>" + str(tab._repr_html_()))

    def _excel_sheets(self) -> dict[str, pd.DataFrame]:
        labels = pd.DataFrame({f"order_{k + 1}": self.labels[k] for k in range(self.labels.shape[0])})
        if self.rows is not None and len(self.rows) == self.labels.shape[1]:
            labels.insert(0, "row", self.rows)   # the input row: with a study area, not the sheet's row
        return {"clusters": self.clusters, "labels": labels}

    def to_pandas(self) -> pd.DataFrame:
        """The cluster table."""
        return self.clusters.copy()

    def order(self, k: int = 1) -> np.ndarray:
        """Labels of every point at order ``k`` (1-based); all −1 if that order found no cluster. With
        a ``study_area``, of the points inside it only: their input rows are ``rows``."""
        if k < 1:
            raise InvalidInputError("orders start at 1", "k")
        if k > self.labels.shape[0]:
            return np.full(self.labels.shape[1], -1, dtype=np.int64)
        return np.asarray(self.labels[k - 1])


def nnh(x: Any, y: Any = None, *, area: float | None = None, p: float = 0.5, threshold: float | None = None,
        min_points: int = 10, max_order: int = 3, study_area: Any = None,
        missing: Literal["error", "drop"] = "error") -> NnhResult:
    """Nearest-neighbour hierarchical clustering, as CrimeStat's NNH (``docs/methods/hotspots.md`` C3).

    Points (projected metres, e.g. :func:`to_bng`) closer than the threshold distance are linked;
    linked groups (single linkage) of at least ``min_points`` points are first-order clusters. The
    mean centres of those are clustered the same way for second and higher orders (the same
    minimum applies), up to ``max_order``. The threshold is CrimeStat's random nearest-neighbour
    distance for the study ``area`` (m², the real boundary's area — results are very sensitive to
    it) and one-tailed probability ``p`` (:func:`nnh_threshold`, recomputed for the number of
    points at each order), or a fixed distance ``threshold`` in metres. Order-1 clusters equal
    ``scipy.cluster.hierarchy`` single linkage cut at the threshold, keeping groups of at least
    ``min_points`` (checked in the tests). For outlines pass ``result.order(1)`` as labels to
    :func:`cluster_summary` (over a ``study_area``, with the coordinates of the points inside:
    ``cluster_summary(lat.iloc[result.rows], lon.iloc[result.rows], result.order(1))``). Points at one exact location are 0 m apart, so a location holding
    ``min_points`` records is a cluster by itself: a warning says how many such locations there
    are when many points share locations (police.uk snaps records to anonymised map points).
    ``study_area``: a police force area, CSP or local authority (name or code) or a polygon (see
    :class:`saferstats.StudyArea`; ``x``/``y`` then on the British National Grid): points outside
    it are left out and counted, with where they are, in a :class:`~saferstats.SaferstatsWarning`; its area is the default ``area``, and the labels
    are those of the points inside. ``missing``: points without coordinates (police.uk publishes
    some records without a location) are refused (``"error"``, the default: a
    :class:`~saferstats.MissingValueError` naming ``x`` and the row) or, with ``"drop"``, left out
    as the grid functions do: a warning names how many and the first row, ``missing_coordinates``
    and the headline count them, and ``rows`` are the input rows of the points labelled.

    >>> import numpy as np
    >>> x = np.r_[np.arange(12.0), 500 + np.arange(12.0), 2000.0]
    >>> r = nnh(x, np.zeros(25), threshold=5, min_points=10)
    >>> r.order(1).tolist() == [0] * 12 + [1] * 12 + [-1]
    True
    >>> r.clusters[["order", "cluster", "n_points", "x"]]
       order  cluster  n_points      x
    0      1        0        12    5.5
    1      1        1        12  505.5
    """
    x, y, (rows,), gone = _drop_missing("nnh", missing, x, y, np.arange(_n_points(x)))
    given = len(rows)
    xs, ys, (rows,), _, sa = _points_in(x, y, study_area, None, rows, fixed=True, fn="nnh")
    if area is None and sa is not None:
        area = sa.area_m2
    if threshold is None and area is None:
        raise InvalidInputError("give the study `area` (m²) for CrimeStat's random threshold, or a fixed "
                                "`threshold` distance", "area")
    if isinstance(min_points, (int, np.integer)) and min_points < 2:
        raise InvalidInputError(f"min_points must be at least 2, got {min_points}", "min_points")
    if isinstance(max_order, (int, np.integer)) and max_order < 1:
        raise InvalidInputError(f"max_order must be at least 1, got {max_order}", "max_order")
    mp = _int_arg("min_points", min_points, 2)
    mo = _int_arg("max_order", max_order, 1)
    ar = 0.0 if area is None else _float_arg("area", area, positive=True)
    pp = _float_arg("p", p)
    th = None if threshold is None else _float_arg("threshold", threshold, positive=True)
    if th is None and len(xs) >= 10:
        spread = float(np.ptp(xs) * np.ptp(ys))
        if ar * 1000 < spread:  # the threshold would be a tiny fraction of the points' spacing: nothing links
            warn_user(f"nnh: area = {ar:g} is under 1/1000 of the {spread:,.4g} (units of x, y squared) the points "
                      "spread over, so the threshold distance is far below their spacing and no cluster can form — "
                      "is the area in other units (km² for coordinates in metres: multiply by 1,000,000)?")
    found = _shared_locations(xs, ys)
    if found is not None:  # a map point holding min_points records is a cluster at distance 0 by itself
        shared, counts = found
        alone = int((counts >= mp).sum())
        warn_user(f"nnh: {shared:,} of {len(xs):,} points ({shared / len(xs):.0%}) share their exact location with "
                  "another (police.uk publishes records at anonymised map points), so they are 0 m apart: "
                  f"{number_of(alone, 'location')} {'holds' if alone == 1 else 'hold'} {mp} or more records each and "
                  f"{'is a cluster' if alone == 1 else 'are clusters'} on their own, whatever the "
                  "threshold; read such a cluster as a count at one map point, not as a spread of nearby events")
    res = _ext.nnh(xs, ys, area=ar, p=pp, min_points=mp, max_order=mo, threshold=th)
    return NnhResult(labels=res["labels"], clusters=pd.DataFrame(res["clusters"]), thresholds=list(res["thresholds"]),
                     min_points=mp, rows=np.asarray(rows, dtype=np.int64), missing_coordinates=gone,
                     outside_study_area=given - len(xs))


def _n_points(x: Any) -> int:
    """How many points ``x`` holds (a GeoSeries/GeoDataFrame of points, or the x coordinates)."""
    try:
        return len(x)
    except TypeError:
        return len(np.atleast_1d(np.asarray(x)))

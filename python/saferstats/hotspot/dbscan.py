"""DBSCAN and HDBSCAN on latitude/longitude (haversine), the Python face of the core's
``hotspot::dbscan`` and ``hotspot::hdbscan``: docs/methods/hotspots.md (C1, C2)."""

from __future__ import annotations

import time
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from ..exceptions import InvalidInputError, number_of, warn_user
from ._common import _choice, _core_terms, _float_arg, _int_arg, _latlon, _warn_dropped

__all__ = ["dbscan", "hdbscan"]

#: Seconds dbscan spends, when every point is noise, finding the smallest eps_m that would give a
#: cluster (larger radii take longer): past them the warning gives the bracket found so far.
SEARCH_SECONDS = 3.0


def dbscan(lat: Any, lon: Any = None, *, eps_m: float, min_samples: int = 5, missing: Literal["error", "drop"] = "error",
           study_area: Any = None) -> np.ndarray:
    """DBSCAN cluster labels (−1 noise) for points in degrees, with ``eps_m`` in metres.

    Method (``docs/methods/hotspots.md`` C1): scikit-learn's semantics exactly — neighbourhoods by haversine
    distance ≤ eps (R = 6,371,008.8 m) including the point itself, core points with
    ≥ ``min_samples`` neighbours, border points to the first cluster reaching them, labels in order of
    discovery — so the labels are identical to ``sklearn.cluster.DBSCAN(eps=eps_m/6371008.8,
    min_samples=min_samples, metric="haversine").fit(np.radians(np.c_[lat, lon])).labels_``, with
    O(n) memory (a grid index whose longitude columns wrap at ±180°, so points either side of the
    antimeridian are neighbours as in scikit-learn; no stored neighbourhoods; a union-find shared
    by the threads) and all cores in parallel. Ctrl-C stops it within a fraction of a second.

    Missing coordinates raise :class:`~saferstats.MissingValueError` naming the row; with
    ``missing="drop"`` those points are left out and labelled −2. ``lat`` may be a GeoSeries or
    GeoDataFrame of points in any CRS, with ``lon`` omitted (needs the ``geo`` extra).

    Latitude and longitude given the wrong way round (police.uk's ``Longitude`` as ``lat``) are
    refused with a :class:`~saferstats.CoordinateError` naming ``lat`` and the first row when half
    or more of the points lie in Great Britain only with the two exchanged (the check
    :func:`saferstats.assign_area` makes); fewer such points give a warning naming how many and
    the first row. A latitude beyond ±90° is refused naming the row. (Until session 26 swapped
    columns gave a warning and clusters of the swapped points; :func:`hdbscan` and
    :func:`saferstats.cluster_summary` check the same.)

    ``study_area``: a police force area, CSP or local authority (name or code), or a polygon —
    see :class:`saferstats.StudyArea`. Points outside it are left out, labelled −3, and a
    :class:`~saferstats.SaferstatsWarning` counts them and says where they are.

    When no point is a core point every label is −1 (noise), and a
    :class:`~saferstats.SaferstatsWarning` says so, with what would make a cluster: the most points
    (itself included) within ``eps_m`` of any one point, which is the largest ``min_samples`` that
    gives one, and the smallest ``eps_m`` that gives one with this ``min_samples`` (the smallest
    radius holding ``min_samples`` points around one of them, to within 1% or 1 m, found with the
    same haversine DBSCAN). No cluster says the parameters found none, not that there is no
    hotspot: Stevenage's 323 ASB records of June 2021 with ``eps_m=50, min_samples=10`` are all
    noise (at most 7 lie within 50 m of one point; 10 need about 80 m); with ``eps_m=100`` 14 form
    one cluster. Until session 19 this was silent.

    DBSCAN joins every point within ``eps_m`` of a core point, so records dense along streets can
    chain into one cluster the size of a town centre: when one cluster holds a quarter or more of
    the points and spans ten or more times ``eps_m`` (the larger side of the box around its
    points), a :class:`~saferstats.SaferstatsWarning` says so, with its share and size (Watford's
    ASB and criminal damage of 2021-01 to 2022-01, ``study_area="Watford"``: ``eps_m=150,
    min_samples=15`` put 1,417 of its 3,410 records, 42%, in one cluster about 1.4 × 3.0 km wide;
    ``eps_m=100`` gives 53 clusters, the largest 11%; until session 36 silently).

    >>> import saferstats
    >>> lat = [51.5, 51.5003, 51.5001, 51.4998, 51.503, 51.5032, 51.5029, 51.5006, 51.51, 51.49, 51.505, 51.5031]
    >>> lon = [-0.12, -0.1201, -0.1196, -0.1204, -0.115, -0.1148, -0.1147, -0.1192, -0.1, -0.14, -0.13, -0.1153]
    >>> saferstats.dbscan(lat, lon, eps_m=60, min_samples=3).tolist()
    [0, 0, 0, 0, 1, 1, 1, -1, -1, -1, -1, 1]
    """
    if isinstance(min_samples, bool) or not isinstance(min_samples, (int, np.integer)):
        raise InvalidInputError("`min_samples` must be a whole number >= 1", "min_samples")
    if min_samples < 1:
        raise InvalidInputError("`min_samples` must be at least 1 (it counts the point itself)", "min_samples")
    min_samples = _int_arg("min_samples", min_samples, 1)
    eps = _float_arg("eps_m", eps_m, positive=True)
    _choice("missing", missing, ("error", "drop"))
    a, b, ok, out = _latlon(lat, lon, missing, study_area, fn="dbscan")
    _warn_dropped(out, "dbscan", lat if isinstance(lat, pd.Series) else lon)
    with _core_terms(np.flatnonzero(ok), lat=lat, lon=lon):  # errors name the caller's row and column
        labels = _ext.dbscan(a, b, eps_m=eps, min_samples=min_samples)["labels"]
    if len(a) and not (np.asarray(labels) >= 0).any():
        _warn_all_noise_dbscan(a, b, eps, min_samples)
    elif len(a):
        _warn_chained_cluster(a, b, np.asarray(labels), eps, min_samples)
    if ok.all():
        return np.asarray(labels)
    out[ok] = labels
    return out


def hdbscan(lat: Any, lon: Any = None, *, min_cluster_size: int = 15, min_samples: int | None = None,
            missing: Literal["error", "drop"] = "error", study_area: Any = None) -> np.ndarray:
    """HDBSCAN cluster labels (−1 noise) for points in degrees (haversine), following
    scikit-learn's ``HDBSCAN(metric="haversine", cluster_selection_method="eom")`` step by step
    (``docs/methods/hotspots.md`` C2): core distance to the ``min_samples``-th nearest point (itself included;
    default ``min_cluster_size``), Prim's MST of mutual reachability, condensed tree, excess of mass.

    The MST comes from Prim's algorithm exactly as scikit-learn's ``mst_from_data_matrix`` (Rust),
    and its edges are ordered by distance with a stable sort (``np.argsort(kind="stable")``), so
    tied edges (points sharing a location make many) keep the order in which Prim's algorithm added
    them: the labels are the same on every machine, and identical to scikit-learn's with its
    ``_process_mst`` sort made stable the same way. Unpatched scikit-learn sorts with numpy's default
    (not stable), whose order of equal distances depends on numpy's version and the CPU, so its
    labels where MST distances tie can differ from these and between machines; until session 31
    ``hdbscan`` did the same (274 burglaries at 241 places: 52 labels different between two
    machines at ``min_cluster_size=5``). The same rows in another order are another input: Prim's
    algorithm takes the lowest row among equal candidates, so the partition can change (as
    scikit-learn's does). Points with identical coordinates (police.uk
    locations are snapped to anonymised map points) are collapsed to weighted distinct locations,
    so the work grows with the distinct locations — the labels are unchanged, since copies of a
    location join Prim's tree at its core distance in an order the core reproduces exactly — and
    Prim's algorithm is pruned with exact bounds (a tree of boxes, lazily applied updates) where
    scikit-learn's O(n²) loop takes minutes. Degenerate inputs (points on one line, one location)
    finish at once; longitudes wrap at ±180°; Ctrl-C stops it. Missing coordinates, a GeoSeries
    as ``lat`` and ``study_area`` (outside points labelled −3) as :func:`dbscan`. HDBSCAN never
    makes all the points one cluster (scikit-learn's ``allow_single_cluster=False``): a cluster
    needs the points to split into two groups of at least ``min_cluster_size`` each (at the given
    ``min_samples``: the most points on the smaller side of any merge of the single-linkage tree of
    mutual reachability is the largest ``min_cluster_size`` that gives one). When they never do,
    every label is −1 (noise), and a :class:`~saferstats.SaferstatsWarning` says so, where until
    session 19 it was silent (Stevenage's 323 ASB records of June 2021 with
    ``min_cluster_size=100``: all noise; 36 gives clusters). With the default ``min_samples`` (=
    ``min_cluster_size``, so both change) the warning gives the largest ``min_cluster_size`` found
    by bisection that gives a cluster (checked: it does, and one more does not); with ``min_samples``
    given, the largest exactly. Clusters are
    relative to the density of all the points given, so a district clustered alone
    (``study_area``) differs from the same district within its force (Three Rivers ASB, Oct–Dec
    2021: 258 of 282 records clustered alone, 170 within Hertfordshire): compare districts from one
    run over the force.

    >>> import saferstats
    >>> lat = [51.5, 51.5003, 51.5001, 51.4998, 51.503, 51.5032, 51.5029, 51.5006, 51.51, 51.49, 51.505, 51.5031]
    >>> lon = [-0.12, -0.1201, -0.1196, -0.1204, -0.115, -0.1148, -0.1147, -0.1192, -0.1, -0.14, -0.13, -0.1153]
    >>> saferstats.hdbscan(lat, lon, min_cluster_size=3).tolist()
    [0, 0, 0, 0, 1, 1, 1, 0, -1, -1, -1, 1]
    """
    for name, v in (("min_cluster_size", min_cluster_size), ("min_samples", min_samples)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer))):
            raise InvalidInputError(f"`{name}` must be a whole number", name)
    _choice("missing", missing, ("error", "drop"))
    a, b, ok, out = _latlon(lat, lon, missing, study_area, fn="hdbscan")
    _warn_dropped(out, "hdbscan", lat if isinstance(lat, pd.Series) else lon)
    if isinstance(min_cluster_size, (int, np.integer)) and min_cluster_size < 2:
        raise InvalidInputError(f"min_cluster_size must be at least 2, got {min_cluster_size}", "min_cluster_size")
    mcs = _int_arg("min_cluster_size", min_cluster_size, 2)
    if len(a) == 0:  # no points (e.g. a district with no reports this month): no clusters, as dbscan
        return out
    if min_samples is None:
        ms = mcs
        if ms > len(a):
            raise InvalidInputError(f"min_cluster_size (also min_samples when that is not given) must be at most the "
                                    f"number of points ({len(a)}), got {ms}", "min_cluster_size")
    else:
        ms = _int_arg("min_samples", min_samples, -(2**63), 2**63 - 1)
    if ms < 1 or ms > len(a):
        raise InvalidInputError(f"min_samples must be between 1 and the number of points ({len(a)}), got {ms}",
                                "min_samples")
    with _core_terms(np.flatnonzero(ok), lat=lat, lon=lon):  # errors name the caller's row and column
        mst = _ext.hdbscan_mst(a, b, min_samples=ms)
    src, dst, dist = mst["src"], mst["dst"], mst["distance"]
    order = np.argsort(dist, kind="stable")  # MST_ORDER: ties in Prim's order, on every machine
    labels = _ext.hdbscan_labels(len(a), src[order], dst[order], dist[order], min_cluster_size=mcs)
    if not (np.asarray(labels) >= 0).any():
        _warn_all_noise_hdbscan(a, b, src[order], dst[order], mcs, ms, min_samples is None)
    if ok.all():
        return labels
    out[ok] = labels
    return out


def _has_cluster(a: np.ndarray, b: np.ndarray, eps: float, min_samples: int) -> bool:
    """Whether DBSCAN with these parameters finds a cluster (some point has ``min_samples`` points
    within ``eps`` metres, itself included)."""
    return bool((np.asarray(_ext.dbscan(a, b, eps_m=eps, min_samples=min_samples)["labels"]) >= 0).any())


#: A DBSCAN cluster holding at least this share of the points, and spanning at least CHAIN_SPAN
#: times eps_m, is said to be chained (:func:`_warn_chained_cluster`).
CHAIN_SHARE = 0.25
CHAIN_SPAN = 10.0


def _warn_chained_cluster(a: np.ndarray, b: np.ndarray, labels: np.ndarray, eps: float, min_samples: int) -> None:
    """Warn when one cluster holds a quarter or more of the points and spans ten or more times
    ``eps``: DBSCAN joins every point within ``eps`` of a core point, so records dense along
    streets chain into one cluster the size of a town centre, which is no place to target. The
    span is the larger side of the box around the cluster's points (metres on the sphere, as
    ``eps``)."""
    found = labels[labels >= 0]
    if not len(found):
        return
    ids, counts = np.unique(found, return_counts=True)
    top = int(ids[np.argmax(counts)])
    n_top = int(counts.max())
    if n_top < CHAIN_SHARE * len(labels):
        return
    la, lo = a[labels == top], b[labels == top]
    metres_per_degree = 6371008.8 * np.pi / 180
    tall = float(la.max() - la.min()) * metres_per_degree
    lon_range = float(lo.max() - lo.min())
    wide = min(lon_range, 360 - lon_range) * metres_per_degree * float(np.cos(np.radians(np.mean(la))))
    if max(tall, wide) < CHAIN_SPAN * eps:
        return
    warn_user(f"dbscan: one cluster (label {top}) holds {n_top:,} of the {len(labels):,} points ({n_top / len(labels):.0%}) "
              f"and spans about {wide / 1000:,.1f} × {tall / 1000:,.1f} km, {max(tall, wide) / eps:,.0f} times eps_m="
              f"{eps:,.6g}: DBSCAN joins every point within eps_m of a core point, so where records are dense along "
              "streets it chains them into one cluster the size of a town centre, which is no place to target. Use a "
              f"smaller eps_m or a larger min_samples than {min_samples} (Watford's ASB and criminal damage of 2021-01 "
              "to 2022-01: eps_m=150, min_samples=15 put 42% of its 3,410 records in one cluster of 3.0 km²; eps_m=100, "
              "11% in 0.28 km²), or saferstats.hdbscan(lat, lon, min_cluster_size=...)")


def _warn_all_noise_dbscan(a: np.ndarray, b: np.ndarray, eps: float, min_samples: int) -> None:
    """Warn that every point is noise, with what would make a cluster: the most points within ``eps``
    of one point (the largest ``min_samples`` that gives a cluster) and the smallest ``eps`` that
    gives one at ``min_samples`` (both monotone, so searched with the core's DBSCAN itself: bisecting
    ``min_samples``; doubling then bisecting ``eps`` to 1% or 1 m)."""
    n = len(a)
    all_of = "the 1 point is" if n == 1 else f"all {number_of(n, 'point')} are"
    head = (f"dbscan: no cluster: {all_of} noise (label -1) with eps_m={eps:,.6g} and "
            f"min_samples={min_samples}")
    tail = ("'no cluster' says these parameters found none, not that there is no hotspot: choose eps_m (the "
            "distance within which events are near) and min_samples (how many make a cluster) for the question "
            "(docs/methods/hotspots.md C1)")
    if n < min_samples:
        warn_user(f"{head}: there are fewer points than min_samples, so no point can be a core point at any "
                  f"eps_m; use min_samples <= {n:,} or more points (a longer period, a larger area). {tail}")
        return
    lo, hi = 1, min_samples - 1  # min_samples=1 makes every point a core point
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _has_cluster(a, b, eps, mid):
            lo = mid
        else:
            hi = mid - 1
    most = lo
    below, above = eps, 2.0 * eps
    # the radii grow the work (each point's neighbourhood): past SEARCH_SECONDS the bracket found so far is said
    deadline, found = time.monotonic() + SEARCH_SECONDS, False
    for _ in range(64):  # at most the Earth's half circumference (every point within reach) from 1 mm
        if _has_cluster(a, b, above, min_samples):
            found = True
            break
        below, above = above, 2.0 * above
        if time.monotonic() > deadline:
            break
    while found and above - below > max(1.0, 0.01 * above) and time.monotonic() <= deadline:
        radius = (below + above) / 2
        if _has_cluster(a, b, radius, min_samples):
            above = radius
        else:
            below = radius
    if not found:
        radius_text = f"eps_m of more than {below:,.0f} m at this min_samples (the search stopped there)"
    elif above - below > max(1.0, 0.01 * above):
        radius_text = (f"eps_m between {below:,.0f} and {np.ceil(above):,.0f} m at this min_samples ({np.ceil(above):,.0f} "
                       f"m gives one; the search stopped there)")
    else:
        radius_text = (f"eps_m of about {np.ceil(above):,.0f} m at this min_samples (the smallest radius holding "
                       f"{min_samples} points around one of them)")
    warn_user(f"{head}: no point has {min_samples} points (itself included) within {eps:,.6g} m; the most within "
              f"{eps:,.6g} m of any one point is {most:,}. A cluster needs min_samples <= {most:,} at this eps_m, or "
              f"{radius_text}. {tail}")


def _largest_split(n: int, src: np.ndarray, dst: np.ndarray) -> int:
    """The most points on the smaller side of any merge of the single-linkage tree whose edges (in
    increasing distance) are ``src``-``dst``: HDBSCAN's condensed tree has a cluster below its root
    exactly when some merge joins two groups of at least ``min_cluster_size`` points."""
    parent = np.arange(n)
    size = np.ones(n, dtype=np.int64)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    best = 0
    for s_, d_ in zip(src.tolist(), dst.tolist()):
        r1, r2 = root(s_), root(d_)
        if r1 == r2:
            continue
        s1, s2 = int(size[r1]), int(size[r2])
        best = max(best, min(s1, s2))
        if s1 < s2:
            r1, r2 = r2, r1
        parent[r2] = r1
        size[r1] = s1 + s2
    return best


def _split_at(a: np.ndarray, b: np.ndarray, ms: int) -> int:
    """:func:`_largest_split` of the mutual-reachability MST at ``min_samples=ms``."""
    mst = _ext.hdbscan_mst(a, b, min_samples=ms)
    order = np.argsort(mst["distance"], kind="stable")  # as hdbscan: ties in Prim's order
    return _largest_split(len(a), mst["src"][order], mst["dst"][order])


def _warn_all_noise_hdbscan(a: np.ndarray, b: np.ndarray, src: np.ndarray, dst: np.ndarray, mcs: int, ms: int,
                            default_ms: bool) -> None:
    """Warn that every point is noise, with a ``min_cluster_size`` that gives a cluster: at the
    given ``min_samples``, the largest (:func:`_largest_split`, exact); with the default
    ``min_samples`` (= ``min_cluster_size``, so both change together), the largest found by
    bisection, checked (it gives a cluster and one more does not)."""
    n = len(a)
    if default_ms:
        lo, hi = 1, mcs - 1  # lo: the largest size known to give a cluster (1: none found yet)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if mid <= n and _split_at(a, b, mid) >= mid:
                lo = mid
            else:
                hi = mid - 1
        found = lo if lo >= 2 and _split_at(a, b, lo) >= lo else 0
        fix = (f"min_cluster_size={found:,} (and so min_samples={found:,}) gives a cluster here, {found + 1:,} none"
               if found else "no smaller min_cluster_size (2 or more) gives a cluster")
    else:
        split = _largest_split(n, src, dst)
        fix = (f"the largest split leaves {split:,} points on its smaller side, so min_cluster_size <= {split:,} with "
               f"min_samples={ms} gives a cluster" if split >= 2
               else f"no min_cluster_size (2 or more) gives a cluster with min_samples={ms}")
    ms_text = f"min_samples={ms}" + (" (the default: min_cluster_size)" if default_ms else "")
    all_of = "the 1 point is" if n == 1 else f"all {number_of(n, 'point')} are"
    warn_user(f"hdbscan: no cluster: {all_of} noise (label -1) with min_cluster_size={mcs} and "
              f"{ms_text}: HDBSCAN never makes all the points one cluster, and they never split into two groups of "
              f"at least {mcs} points each; {fix}. 'No cluster' says these parameters found none, not that there is "
              "no hotspot: choose min_cluster_size (the smallest group worth calling a hotspot) for the question "
              "(docs/methods/hotspots.md C2)")

"""DBSCAN and HDBSCAN on latitude/longitude (haversine), the Python face of the core's
``hotspot::dbscan`` and ``hotspot::hdbscan``: docs/methods/hotspots.md (C1, C2)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from ..exceptions import InvalidInputError
from ._common import _choice, _core_terms, _float_arg, _int_arg, _latlon, _warn_dropped

__all__ = ["dbscan", "hdbscan"]


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

    ``study_area``: a police force area, CSP or local authority (name or code), or a polygon —
    see :class:`saferstats.StudyArea`. Points outside it are left out, labelled −3, and a
    :class:`~saferstats.SaferstatsWarning` counts them and says where they are.

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
    a, b, ok, out = _latlon(lat, lon, missing, study_area)
    _warn_dropped(out, "dbscan", lat if isinstance(lat, pd.Series) else lon)
    with _core_terms(np.flatnonzero(ok), lat=lat, lon=lon):  # errors name the caller's row and column
        labels = _ext.dbscan(a, b, eps_m=eps, min_samples=min_samples)["labels"]
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

    Labels are identical to scikit-learn's, also on dense data where mutual-reachability distances
    tie: the MST comes from Prim's algorithm exactly as scikit-learn's ``mst_from_data_matrix``
    (Rust), and its edges are ordered with the same ``numpy.argsort`` call scikit-learn makes, so
    tied edges are processed in scikit-learn's order. Points with identical coordinates (police.uk
    locations are snapped to anonymised map points) are collapsed to weighted distinct locations,
    so the work grows with the distinct locations — the labels are unchanged, since copies of a
    location join Prim's tree at its core distance in an order the core reproduces exactly — and
    Prim's algorithm is pruned with exact bounds (a tree of boxes, lazily applied updates) where
    scikit-learn's O(n²) loop takes minutes. Degenerate inputs (points on one line, one location)
    finish at once; longitudes wrap at ±180°; Ctrl-C stops it. Missing coordinates, a GeoSeries
    as ``lat`` and ``study_area`` (outside points labelled −3) as :func:`dbscan`. Clusters are
    relative to the density of all the points given, so a district clustered alone
    (``study_area``) differs from the same district within its force (Three Rivers ASB, Oct–Dec
    2021: 258 of 282 records clustered alone, 171 within Hertfordshire): compare districts from one
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
    a, b, ok, out = _latlon(lat, lon, missing, study_area)
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
    order = np.argsort(dist)  # scikit-learn's _process_mst: np.argsort(mst["distance"]) (same tie order)
    labels = _ext.hdbscan_labels(len(a), src[order], dst[order], dist[order], min_cluster_size=mcs)
    if ok.all():
        return labels
    out[ok] = labels
    return out

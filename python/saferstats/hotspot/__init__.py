"""Fly-tipping / ASB hotspot analysis (``docs/methods/hotspots.md`` C): DBSCAN on lat/lon (haversine), kernel
density surfaces, spatial weights, Getis-Ord Gi* and Local Moran's I, the Knox near-repeat test,
and cluster outlines as GeoJSON. The work runs in the Rust ``hotspot`` module (rayon); this layer
checks input, reports missing coordinates by row, and builds tables and result objects.

The package mirrors the core's ``hotspot`` modules: :mod:`.dbscan` (DBSCAN, HDBSCAN), :mod:`.kde`
(kernel density, grid counts), :mod:`.weights`, :mod:`.local` (Gi*, Local Moran), :mod:`.knox`,
:mod:`.clusters` (summaries, GeoJSON), :mod:`.nni` (Clark-Evans), :mod:`.nnh`, :mod:`.bng`
(projections), :mod:`.autocorrelation` (global Moran, Geary, General G), :mod:`.evaluate` (PAI,
concentration), :mod:`.grid` (square/hex grids, counts, KDE, dual KDE, emerging hotspots, change,
prospective hotspots). Every public name is importable from ``saferstats.hotspot`` and ``saferstats``.
"""

from __future__ import annotations

from .autocorrelation import GlobalResult, general_g, global_geary, global_moran
from .bng import BNG_EXTENT, to_bng, to_local_metres
from .clusters import ClusterTable, cluster_summary
from .dbscan import dbscan, hdbscan
from .evaluate import ConcentrationResult, PaiTable, concentration, pai
from . import grid as _grid
from .grid import *  # noqa: F403 - grids, emerging hotspots, change, prospective (grid.__all__)
from .kde import KdeResult, grid_counts, kde_grid
from .knox import KnoxTable, knox
from .local import LocalResult, gi_star, local_moran
from .nnh import NnhResult, nnh, nnh_threshold
from .nni import ClarkEvansResult, clark_evans
from .weights import Weights

__all__ = [
    "dbscan",
    "hdbscan",
    "kde_grid",
    "KdeResult",
    "Weights",
    "gi_star",
    "local_moran",
    "LocalResult",
    "knox",
    "cluster_summary",
    "ClusterTable",
    "grid_counts",
    "to_local_metres",
    "clark_evans",
    "ClarkEvansResult",
    "nnh_threshold",
    "nnh",
    "NnhResult",
    "to_bng",
    "KnoxTable",
    "BNG_EXTENT",
    "global_moran",
    "global_geary",
    "general_g",
    "GlobalResult",
    "pai",
    "PaiTable",
    "concentration",
    "ConcentrationResult",
]
__all__ += _grid.__all__

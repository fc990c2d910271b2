"""Fly-tipping / ASB hotspot analysis (``METHODS.md`` C): DBSCAN on lat/lon (haversine), kernel
density surfaces, spatial weights, Getis-Ord Gi* and Local Moran's I, the Knox near-repeat test,
and cluster outlines as GeoJSON. The work runs in the Rust ``hotspot`` module (rayon); this layer
checks input, reports missing coordinates by row, and builds tables and result objects.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._frames import as_float_array
from ._results import Result
from .exceptions import InvalidInputError, MissingValueError

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
    "nnh_threshold",
    "nnh",
    "NnhResult",
    "to_bng",
]

EARTH_RADIUS_M = 6_371_008.8
_UK = (49.8, 61.0, -8.7, 2.0)  # lat min, lat max, lon min, lon max


def _latlon(lat: Any, lon: Any, missing: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    la = as_float_array("lat", lat)
    lo = as_float_array("lon", lon)
    if len(la) != len(lo):
        from .exceptions import LengthMismatchError

        raise LengthMismatchError(f"length mismatch: `lat` has {len(la)} elements but `lon` has {len(lo)}", "lon")
    bad = np.isnan(la) | np.isnan(lo)
    if bad.any() and missing != "drop":
        row = int(np.flatnonzero(bad)[0])
        raise MissingValueError(
            f"{int(bad.sum())} point(s) have missing coordinates (first at row {row}); pass missing='drop' to leave "
            "them out (their label is -2)", "lat", row)
    ok = ~bad
    a, b = la[ok], lo[ok]
    if len(a):
        in_uk = (a >= _UK[0]) & (a <= _UK[1]) & (b >= _UK[2]) & (b <= _UK[3])
        swapped = (b >= _UK[0]) & (b <= _UK[1]) & (a >= _UK[2]) & (a <= _UK[3])
        if not in_uk.any() and swapped.all():
            warnings.warn("every point is outside the UK but inside it with latitude and longitude swapped: "
                          "check the column order (lat, lon)", UserWarning, stacklevel=3)
    return np.ascontiguousarray(a), np.ascontiguousarray(b), ok


def dbscan(lat: Any, lon: Any, *, eps_m: float, min_samples: int = 5, missing: Literal["error", "drop"] = "error") -> np.ndarray:
    """DBSCAN cluster labels (−1 noise) for points in degrees, with ``eps_m`` in metres.

    Method (``METHODS.md`` C1): scikit-learn's semantics exactly — neighbourhoods by haversine
    distance ≤ eps (R = 6,371,008.8 m) including the point itself, core points with
    ≥ ``min_samples`` neighbours, border points to the first cluster reaching them, labels in order of
    discovery — so the labels are identical to ``sklearn.cluster.DBSCAN(eps=eps_m/6371008.8,
    min_samples=min_samples, metric="haversine").fit(np.radians(np.c_[lat, lon])).labels_``, with
    O(n) memory (a grid index; no stored neighbourhoods) and all cores in parallel.

    Missing coordinates raise :class:`~saferstats.MissingValueError` naming the row; with
    ``missing="drop"`` those points are left out and labelled −2.

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
    a, b, ok = _latlon(lat, lon, missing)
    labels, _core = _ext.dbscan(a, b, float(eps_m), int(min_samples))
    if ok.all():
        return labels
    out = np.full(len(ok), -2, dtype=np.int64)
    out[ok] = labels
    return out


def hdbscan(lat: Any, lon: Any, *, min_cluster_size: int = 15, min_samples: int | None = None,
            missing: Literal["error", "drop"] = "error") -> np.ndarray:
    """HDBSCAN cluster labels (−1 noise) for points in degrees (haversine), following
    scikit-learn's ``HDBSCAN(metric="haversine", cluster_selection_method="eom")`` step by step
    (``METHODS.md`` C2): core distance to the ``min_samples``-th nearest point (itself included;
    default ``min_cluster_size``), Prim's MST of mutual reachability, condensed tree, excess of mass.

    Labels are identical to scikit-learn's, also on dense data where mutual-reachability distances
    tie: the MST comes from Prim's algorithm exactly as scikit-learn's ``mst_from_data_matrix``
    (Rust), and its edges are ordered with the same ``numpy.argsort`` call scikit-learn makes, so
    tied edges are processed in scikit-learn's order. Prim's algorithm is pruned with exact bounds
    (a tree of boxes, lazily applied updates), so 100,000 points take a few seconds where
    scikit-learn's O(n²) loop takes minutes. Missing coordinates as :func:`dbscan`.

    >>> import saferstats
    >>> lat = [51.5, 51.5003, 51.5001, 51.4998, 51.503, 51.5032, 51.5029, 51.5006, 51.51, 51.49, 51.505, 51.5031]
    >>> lon = [-0.12, -0.1201, -0.1196, -0.1204, -0.115, -0.1148, -0.1147, -0.1192, -0.1, -0.14, -0.13, -0.1153]
    >>> saferstats.hdbscan(lat, lon, min_cluster_size=3).tolist()
    [0, 0, 0, 0, 1, 1, 1, 0, -1, -1, -1, 1]
    """
    for name, v in (("min_cluster_size", min_cluster_size), ("min_samples", min_samples)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer))):
            raise InvalidInputError(f"`{name}` must be a whole number", name)
    a, b, ok = _latlon(lat, lon, missing)
    if int(min_cluster_size) < 2:
        raise InvalidInputError(f"min_cluster_size must be at least 2, got {min_cluster_size}", "min_cluster_size")
    ms = int(min_cluster_size if min_samples is None else min_samples)
    if ms < 1 or ms > len(a):
        raise InvalidInputError(f"min_samples must be between 1 and the number of points ({len(a)}), got {ms}",
                                "min_samples")
    src, dst, dist = _ext.hdbscan_mst(a, b, ms)
    order = np.argsort(dist)  # scikit-learn's _process_mst: np.argsort(mst["distance"]) (same tie order)
    labels = _ext.hdbscan_labels(len(a), src[order], dst[order], dist[order], int(min_cluster_size))
    if ok.all():
        return labels
    out = np.full(len(ok), -2, dtype=np.int64)
    out[ok] = labels
    return out


def to_local_metres(lat: Any, lon: Any, *, origin: tuple[float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Project lat/lon (degrees) to local east/north metres (equirectangular about ``origin``,
    default the points' mean): accurate to ~0.1% across a county, for KDE, weights and Knox.

    >>> x, y = to_local_metres([51.5, 51.5], [-0.12, -0.11])
    >>> round(float(x[1] - x[0]))
    692
    """
    la = as_float_array("lat", lat)
    lo = as_float_array("lon", lon)
    lat0, lon0 = origin if origin is not None else (float(np.nanmean(la)), float(np.nanmean(lo)))
    k = np.pi / 180 * EARTH_RADIUS_M
    return (lo - lon0) * k * np.cos(np.radians(lat0)), (la - lat0) * k


@dataclasses.dataclass(frozen=True, repr=False)
class KdeResult(Result):
    """A kernel density surface: ``density[j, i]`` at cell centre (``x[i]``, ``y[j]``)."""

    density: np.ndarray
    x: np.ndarray
    y: np.ndarray
    bandwidth: float
    kernel: str
    cell_size: float
    units: str

    _summary_fields = ("bandwidth", "kernel", "cell_size", "units")

    def __repr__(self) -> str:
        return (f"KdeResult(shape={self.density.shape}, bandwidth={self.bandwidth:.6g}, kernel={self.kernel!r}, "
                f"cell_size={self.cell_size:g}, max={np.nanmax(self.density):.6g} {self.units})")

    def to_pandas(self) -> pd.DataFrame:
        """Long table: ``x, y, density``."""
        xx, yy = np.meshgrid(self.x, self.y)
        return pd.DataFrame({"x": xx.ravel(), "y": yy.ravel(), "density": self.density.ravel()})


def kde_grid(
    x: Any,
    y: Any,
    *,
    cell_size: float,
    bandwidth: float | None = None,
    kernel: Literal["quartic", "gaussian"] = "quartic",
    bounds: tuple[float, float, float, float] | None = None,
    weights: Any = None,
    per_km2: bool = True,
) -> KdeResult:
    """Kernel density of points on a regular grid.

    Method (``METHODS.md`` C4): quartic kernel 3/(π r²)(1 − (d/r)²)² within radius r (ArcGIS /
    CrimeStat) or Gaussian; ``bandwidth=None`` uses ArcGIS's default radius
    0.9·min(SD, √(1/ln 2)·D_m)·n^−0.2. ``x``/``y`` are projected coordinates in metres (see
    :func:`to_local_metres`); the density is per km² (``per_km2=False``: per unit²) and equals the
    direct sum over points at every cell centre. ``bounds`` = (xmin, xmax, ymin, ymax), default the
    points' extent plus one bandwidth. A grid that would not fit in memory raises an error giving
    its size.

    >>> r = kde_grid([0, 30, 10], [0, 0, 10], cell_size=1, bandwidth=50, bounds=(-0.5, 0.5, -0.5, 0.5), per_km2=False)
    >>> float(r.density[0, 0].round(10))
    0.0008617285
    """
    xs = as_float_array("x", x)
    ys = as_float_array("y", y)
    w = None if weights is None else as_float_array("weights", weights)
    if len(xs) == 0:
        raise InvalidInputError("no points to smooth", "x")
    h = float(bandwidth) if bandwidth is not None else _ext.kde_default_bandwidth(xs, ys)
    if bounds is None:
        bounds = (float(xs.min() - h), float(xs.max() + h), float(ys.min() - h), float(ys.max() + h))
    d, x0, y0, nx, ny = _ext.kde_grid(xs, ys, w, h, kernel, *map(float, bounds), float(cell_size))
    dens = d.reshape(ny, nx) * (1e6 if per_km2 else 1.0)
    return KdeResult(density=dens, x=x0 + (np.arange(nx) + 0.5) * cell_size, y=y0 + (np.arange(ny) + 0.5) * cell_size,
                     bandwidth=h, kernel=kernel, cell_size=float(cell_size), units="per km²" if per_km2 else "per unit²")


def grid_counts(x: Any, y: Any, *, cell_size: float, bounds: tuple[float, float, float, float] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of points per square cell (numpy ``histogram2d``): ``(counts[nrows, ncols], x_centres,
    y_centres)``, rows south to north — the lattice for :meth:`Weights.lattice` and :func:`gi_star`.

    >>> c, cx, cy = grid_counts([1, 2, 12], [1, 1, 1], cell_size=10, bounds=(0, 20, 0, 10))
    >>> c.tolist()
    [[2, 1]]
    """
    xs = as_float_array("x", x)
    ys = as_float_array("y", y)
    if bounds is None:
        bounds = (float(np.nanmin(xs)), float(np.nanmax(xs)) + 1e-9, float(np.nanmin(ys)), float(np.nanmax(ys)) + 1e-9)
    nx = max(1, int(np.ceil((bounds[1] - bounds[0]) / cell_size)))
    ny = max(1, int(np.ceil((bounds[3] - bounds[2]) / cell_size)))
    ex = bounds[0] + np.arange(nx + 1) * cell_size
    ey = bounds[2] + np.arange(ny + 1) * cell_size
    h, _, _ = np.histogram2d(ys, xs, bins=[ey, ex])
    return h.astype(np.int64), (ex[:-1] + ex[1:]) / 2, (ey[:-1] + ey[1:]) / 2


class Weights:
    """Sparse spatial weights (who neighbours whom). Construct with :meth:`lattice`,
    :meth:`from_adjacency` or :meth:`distance_band`. A unit with no neighbours is an *island*:
    Gi* then uses only the unit itself, Local Moran gives I = 0 (``islands`` lists them).

    >>> w = Weights.lattice(3, 3, contiguity="rook")
    >>> w.n, w.cardinalities.tolist()[:3]
    (9, [2, 3, 2])
    """

    def __init__(self, n: int, offsets: list[int], neighbors: list[int], weights: list[float]):
        self.n = int(n)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.neighbors = np.asarray(neighbors, dtype=np.int64)
        self.weights = np.asarray(weights, dtype=np.float64)

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of neighbours of each unit."""
        return np.diff(self.offsets)

    @property
    def islands(self) -> list[int]:
        """Units with no neighbours."""
        return np.flatnonzero(self.cardinalities == 0).tolist()

    def __repr__(self) -> str:
        c = self.cardinalities
        return f"Weights(n={self.n}, mean_neighbours={c.mean() if len(c) else 0:.2f}, islands={len(self.islands)})"

    @classmethod
    def lattice(cls, nrows: int, ncols: int, *, contiguity: Literal["queen", "rook"] = "queen") -> Weights:
        """Contiguity on an ``nrows × ncols`` grid of cells numbered row by row (binary)."""
        if contiguity not in ("queen", "rook"):
            raise InvalidInputError(f"unknown contiguity {contiguity!r}; valid: 'queen', 'rook'", "contiguity")
        return cls(*_ext.weights_lattice(int(nrows), int(ncols), contiguity == "queen"))

    @classmethod
    def from_adjacency(cls, focal: Any, neighbor: Any, weight: Any = None, *, n: int | None = None) -> Weights:
        """From an adjacency list (focal → neighbour [, weight]) over units 0..n−1, e.g. polygons'
        contiguity exported from a GIS. Self-pairs are dropped; repeated pairs are summed."""
        f = np.asarray(focal, dtype=np.int64)
        nb = np.asarray(neighbor, dtype=np.int64)
        if (f < 0).any() or (nb < 0).any():
            raise InvalidInputError("unit indices must be non-negative", "focal")
        size = int(n) if n is not None else int(max(f.max(initial=-1), nb.max(initial=-1)) + 1)
        wt = None if weight is None else as_float_array("weight", weight).tolist()
        return cls(*_ext.weights_adjacency(f.tolist(), nb.tolist(), wt, size))

    @classmethod
    def distance_band(cls, x: Any, y: Any, *, threshold: float, binary: bool = True) -> Weights:
        """Every pair within ``threshold`` (Euclidean, inclusive), binary or inverse-distance
        (libpysal ``DistanceBand``)."""
        return cls(*_ext.weights_distance_band(as_float_array("x", x), as_float_array("y", y), float(threshold), bool(binary)))

    def _args(self) -> tuple[int, list[int], list[int], list[float]]:
        return self.n, self.offsets.tolist(), self.neighbors.tolist(), self.weights.tolist()


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values."""
    n = len(p)
    order = np.argsort(p)
    adj = np.empty(n)
    adj[order] = np.minimum.accumulate((p[order] * n / np.arange(1, n + 1))[::-1])[::-1]
    return np.minimum(adj, 1.0)


@dataclasses.dataclass(frozen=True, repr=False)
class LocalResult(Result):
    """Gi* or Local Moran results for each unit (see :func:`gi_star`, :func:`local_moran`)."""

    statistic: str
    stat: np.ndarray
    z: np.ndarray
    p_norm: np.ndarray
    p_sim: np.ndarray
    quadrant: np.ndarray
    label: np.ndarray
    transform: str
    permutations: int

    _summary_fields = ("statistic", "transform", "permutations")

    @property
    def g(self) -> np.ndarray:
        """Gi* values."""
        return self.stat

    @property
    def i(self) -> np.ndarray:
        """Local Moran's I values."""
        return self.stat

    def __repr__(self) -> str:
        counts = pd.Series(self.label).value_counts().to_dict()
        return f"LocalResult({self.statistic}, n={len(self.stat)}, transform={self.transform!r}, permutations={self.permutations}, labels={counts})"

    def to_pandas(self) -> pd.DataFrame:
        """One row per unit: the statistic, ``z, p_norm, p_sim`` (and ``quadrant``), ``label``."""
        name = "g" if self.statistic == "gi_star" else "i"
        d = {name: self.stat, "z": self.z, "p_norm": self.p_norm, "p_sim": self.p_sim}
        if self.statistic == "local_moran":
            d["quadrant"] = self.quadrant
        d["label"] = self.label
        return pd.DataFrame(d)


def _local(stat: str, values: Any, weights: Weights, transform: str, permutations: int, seed: int | None) -> dict:
    if not isinstance(weights, Weights):
        raise InvalidInputError("`weights` must be a saferstats.Weights", "weights")
    v = as_float_array("values", values)
    if np.isnan(v).any():
        row = int(np.flatnonzero(np.isnan(v))[0])
        raise MissingValueError(f"`values` has a missing value at position {row}", "values", row)
    if permutations < 0:
        raise InvalidInputError("`permutations` must be >= 0", "permutations")
    s = np.random.SeedSequence(seed).generate_state(1, dtype=np.uint64)[0] if seed is None else int(seed)
    return _ext.local_statistic(stat, v, *weights._args(), transform, int(permutations), int(s) & 0xFFFFFFFFFFFFFFFF)


def gi_star(values: Any, weights: Weights, *, transform: Literal["B", "R"] = "B", permutations: int = 999,
            seed: int | None = None, fdr: bool = False) -> LocalResult:
    """Getis-Ord Gi* hot and cold spots.

    Method (``METHODS.md`` C5): Gi* = Σ_j w_ij y_j / Σ y with the unit in its own neighbourhood;
    analytic z as esda ``G_Local(star=True)`` (equal to esda's ``Zs`` for the same transform, and to
    spdep ``localG`` for binary weights); ``p_norm`` = one-sided normal p of |z|; ``p_sim`` from
    ``permutations`` conditional permutations (seeded; reproducible whatever the thread count).
    ``label``: "Hot spot 99%/95%/90%" or "Cold spot …" from the two-sided normal p of z (ArcGIS
    convention, |z| > 2.576 / 1.960 / 1.645), Benjamini-Hochberg adjusted with ``fdr=True``;
    otherwise "Not significant".

    >>> import saferstats
    >>> w = Weights.distance_band([10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30], threshold=15)
    >>> r = saferstats.gi_star([2, 3, 3.2, 5, 8, 7], w, permutations=0)
    >>> r.z.round(6).tolist()
    [-1.397276, -0.289178, 0.65065, -0.289178, 1.234521, 2.024243]
    """
    res = _local("gi_star", values, weights, transform, permutations, seed)
    p2 = np.minimum(1.0, 2 * res["p_norm"])
    if fdr:
        p2 = _bh(p2)
    z = res["z"]
    label = np.full(len(z), "Not significant", dtype=object)
    for level, p in ((90, 0.10), (95, 0.05), (99, 0.01)):
        label[(p2 < p) & (z > 0)] = f"Hot spot {level}%"
        label[(p2 < p) & (z < 0)] = f"Cold spot {level}%"
    return LocalResult("gi_star", res["stat"], z, res["p_norm"], res["p_sim"], res["quadrant"], label, transform,
                       int(permutations))


def local_moran(values: Any, weights: Weights, *, transform: Literal["R", "B"] = "R", permutations: int = 999,
                seed: int | None = None, alpha: float = 0.05) -> LocalResult:
    """Local Moran's I (LISA) with conditional-permutation pseudo p-values.

    Method (``METHODS.md`` C6; esda ``Moran_Local``): I_i = (n−1) z_i Σ_j w_ij z_j / Σ z² (esda's
    scaling; spdep uses n), z from the total-randomisation moments (esda ``EI``/``VI``), quadrant 1 HH,
    2 LH, 3 LL, 4 HL; ``label`` = the quadrant name where ``p_sim`` < ``alpha`` (GeoDa's convention),
    else "Not significant" (with ``permutations=0``, the normal p is used).

    >>> import saferstats
    >>> w = Weights.distance_band([10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30], threshold=15)
    >>> saferstats.local_moran([2, 3, 3.2, 5, 8, 7], w, permutations=0).i.round(6).tolist()
    [0.329268, -0.08885, -0.862369, -0.019164, -0.086237, 1.3223]
    """
    res = _local("moran", values, weights, transform, permutations, seed)
    p = res["p_sim"] if permutations > 0 else res["p_norm"]
    names = np.array(["", "High-High", "Low-High", "Low-Low", "High-Low"], dtype=object)
    label = np.where(p < alpha, names[res["quadrant"]], "Not significant")
    return LocalResult("local_moran", res["stat"], res["z"], res["p_norm"], res["p_sim"], res["quadrant"],
                       label.astype(object), transform, int(permutations))


def knox(x: Any, y: Any, t: Any, *, distance_bands: Any, time_bands: Any, permutations: int = 99,
         seed: int | None = None, metric: Literal["euclidean", "manhattan"] = "euclidean") -> pd.DataFrame:
    """Knox space-time test / near-repeat table.

    Method (``METHODS.md`` C8): every pair of events is classed by distance band × time band;
    bands are the intervals between consecutive edges, **left-closed [a, b)** (append ``np.inf`` for
    an open last band) — labelled exactly by their edges, without the Near Repeat Calculator's
    off-by-one. Event times are permuted over locations ``permutations`` times (seeded);
    ``knox_ratio`` = observed / mean permuted count, ``p_value`` = (#{sim ≥ obs} + 1)/(B + 1).
    ``x, y`` in metres (see :func:`to_local_metres`), ``t`` in days (numbers or datetimes).

    >>> import numpy as np, saferstats
    >>> k = saferstats.knox([0, 0, 50, 400, 410, 0], [0, 100, 50, 400, 400, 20], [0, 3, 1, 2, 30, 40],
    ...                     distance_bands=[0, 200, np.inf], time_bands=[0, 8, np.inf], permutations=99, seed=1)
    >>> k[["distance_band", "time_band", "observed"]]
      distance_band time_band  observed
    0      [0, 200)    [0, 8)       3.0
    1      [0, 200)  [8, inf)       4.0
    2    [200, inf)    [0, 8)       3.0
    3    [200, inf)  [8, inf)       5.0
    """
    tt = pd.Series(t)
    if pd.api.types.is_datetime64_any_dtype(tt):
        tt = (tt - tt.min()).dt.total_seconds() / 86400.0
    de = [float(v) for v in distance_bands]
    te = [float(v) for v in time_bands]
    s = np.random.SeedSequence(seed).generate_state(1, dtype=np.uint64)[0] if seed is None else int(seed)
    res = _ext.knox(as_float_array("x", x), as_float_array("y", y), as_float_array("t", tt.to_numpy()), de, te,
                    int(permutations), int(s) & 0xFFFFFFFFFFFFFFFF, metric)

    def lab(e: list[float], k: int) -> str:
        def f(v: float) -> str:
            return "inf" if np.isinf(v) else f"{v:g}"
        return f"[{f(e[k])}, {f(e[k + 1])})"

    nd, nt = len(de) - 1, len(te) - 1
    return pd.DataFrame({
        "distance_band": [lab(de, i // nt) for i in range(nd * nt)],
        "time_band": [lab(te, i % nt) for i in range(nd * nt)],
        "observed": res["observed"], "expected": res["expected"], "knox_ratio": res["ratio"], "p_value": res["p_value"],
    })


class ClusterTable(pd.DataFrame):
    """A DataFrame of cluster summaries that can also write its outlines as GeoJSON."""

    _metadata = ["_geojson"]

    @property
    def _constructor(self):
        return ClusterTable

    def to_geojson(self, path: Any = None) -> str:
        """The outlines as a GeoJSON FeatureCollection (WGS84 lon/lat; opens in QGIS); written to
        ``path`` when given."""
        text = getattr(self, "_geojson", None) or '{"type": "FeatureCollection", "features": []}'
        if path is not None:
            from pathlib import Path

            Path(path).write_text(text)
        return text


def cluster_summary(lat: Any, lon: Any, labels: Any, *, hull: Literal["convex", "concave"] = "convex",
                    concavity: float = 2.0, times: Any = None) -> ClusterTable:
    """Per-cluster count, centroid, outline (convex or concave hull, ``geo``), geodesic area (m²),
    density per km² and date span (noise, labels < 0, left out).

    >>> import saferstats
    >>> t = saferstats.cluster_summary([51.5, 51.501, 51.5, 51.501], [-0.12, -0.12, -0.119, -0.119], [0, 0, 0, 0])
    >>> t[["label", "n"]].to_dict("records"), '"Polygon"' in t.to_geojson()
    ([{'label': 0, 'n': 4}], True)
    """
    la = as_float_array("lat", lat)
    lo = as_float_array("lon", lon)
    lab = np.ascontiguousarray(np.asarray(labels, dtype=np.int64))
    tt = None
    if times is not None:
        ts = pd.Series(times)
        if pd.api.types.is_datetime64_any_dtype(ts):
            ts = ts.astype("datetime64[ns]").astype("int64") / 86400e9
        tt = as_float_array("times", ts.to_numpy())
    use = lab >= 0
    d, geojson = _ext.cluster_summary(la, lo, lab, tt, None if hull == "convex" else float(concavity))
    if hull not in ("convex", "concave"):
        raise InvalidInputError(f"unknown hull {hull!r}; valid: 'convex', 'concave'", "hull")
    out = ClusterTable({k: d[k] for k in ["label", "n", "centroid_lat", "centroid_lon", "area_m2", "density_per_km2",
                                          "first_time", "last_time"]})
    out["hull"] = d["hull"]
    if times is not None and pd.api.types.is_datetime64_any_dtype(pd.Series(times)):
        for c in ("first_time", "last_time"):
            out[c] = pd.to_datetime(out[c] * 86400e9)
    out._geojson = geojson
    out.attrs["noise_points"] = int((~use).sum())
    return out


def clark_evans(x: Any, y: Any, *, area: float, perimeter: float | None = None) -> dict[str, float]:
    """Clark-Evans nearest-neighbour index (spatstat ``clarkevans`` / ``clarkevans.test``).

    R = mean nearest-neighbour distance / 0.5·√(A/n): below 1 clustered, above 1 dispersed;
    z = (r_obs − r_exp)/(0.26136·√A/n) with a two-sided normal p; ``r_donnelly`` applies Donnelly's
    edge correction when the study area's ``perimeter`` is given. Results depend strongly on the
    study ``area`` (in the units of x, y squared) — give the real boundary's area, not the points'
    bounding box (``METHODS.md`` C7).

    >>> r = clark_evans([10, 20, 35, 50, 55, 70, 80, 90, 15, 60], [10, 15, 80, 50, 52, 20, 85, 40, 60, 90],
    ...                 area=10_000, perimeter=400)
    >>> round(r["r"], 7), round(r["z"], 6), round(r["r_donnelly"], 7)
    (1.1772572, 1.072345, 1.0122652)
    """
    keys = ("r_obs", "r_exp", "r", "z", "p_value", "r_donnelly")
    vals = _ext.clark_evans(as_float_array("x", x), as_float_array("y", y), float(area),
                            None if perimeter is None else float(perimeter))
    return dict(zip(keys, vals))


def nnh_threshold(n: int, *, area: float, p: float = 0.5) -> float:
    """CrimeStat's nearest-neighbour hierarchical clustering threshold distance: pairs closer than
    this are linked (``METHODS.md`` C3): 0.5√(A/N) − t_p·0.26136/√(N²/A).

    >>> round(nnh_threshold(10, area=10_000, p=0.05), 6)
    11.512399
    """
    return _ext.nnh_threshold(int(n), float(area), float(p))


@dataclasses.dataclass(frozen=True, repr=False)
class NnhResult(Result):
    """Nearest-neighbour hierarchical clusters (CrimeStat NNH).

    ``labels[k, i]``: the order-(k+1) cluster of point ``i`` (−1: in none); ``clusters``: one row per
    cluster — ``order, cluster, members`` (points at order 1, lower-order clusters above),
    ``n_points`` (original points), mean centre ``x, y`` and ``std_distance``; ``thresholds``: the
    linking distance used at each order.
    """

    labels: np.ndarray
    clusters: pd.DataFrame
    thresholds: list[float]
    min_points: int

    def __repr__(self) -> str:
        per = self.clusters.groupby("order").size().to_dict() if len(self.clusters) else {}
        t = ", ".join(f"{x:.4g}" for x in self.thresholds)
        return (f"NnhResult(points={self.labels.shape[1]}, clusters by order={per}, thresholds=[{t}], "
                f"min_points={self.min_points})")

    def to_pandas(self) -> pd.DataFrame:
        """The cluster table."""
        return self.clusters.copy()

    def order(self, k: int = 1) -> np.ndarray:
        """Labels of every point at order ``k`` (1-based); all −1 if that order found no cluster."""
        if k < 1:
            raise InvalidInputError("orders start at 1", "k")
        if k > self.labels.shape[0]:
            return np.full(self.labels.shape[1], -1, dtype=np.int64)
        return self.labels[k - 1]


def nnh(x: Any, y: Any, *, area: float | None = None, p: float = 0.5, threshold: float | None = None,
        min_points: int = 10, max_order: int = 3) -> NnhResult:
    """Nearest-neighbour hierarchical clustering, as CrimeStat's NNH (``METHODS.md`` C3).

    Points (projected metres, e.g. :func:`to_bng`) closer than the threshold distance are linked;
    linked groups (single linkage) of at least ``min_points`` points are first-order clusters. The
    mean centres of those are clustered the same way for second and higher orders (the same
    minimum applies), up to ``max_order``. The threshold is CrimeStat's random nearest-neighbour
    distance for the study ``area`` (m², the real boundary's area — results are very sensitive to
    it) and one-tailed probability ``p`` (:func:`nnh_threshold`, recomputed for the number of
    points at each order), or a fixed distance ``threshold`` in metres. Order-1 clusters equal
    ``scipy.cluster.hierarchy`` single linkage cut at the threshold, keeping groups of at least
    ``min_points`` (checked in the tests). For outlines pass ``result.order(1)`` as labels to
    :func:`cluster_summary`.

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
    xs, ys = as_float_array("x", x), as_float_array("y", y)
    if threshold is None and area is None:
        raise InvalidInputError("give the study `area` (m²) for CrimeStat's random threshold, or a fixed "
                                "`threshold` distance", "area")
    if int(min_points) < 2:
        raise InvalidInputError(f"min_points must be at least 2, got {min_points}", "min_points")
    if int(max_order) < 1:
        raise InvalidInputError(f"max_order must be at least 1, got {max_order}", "max_order")
    thresholds, labels, cols = _ext.nnh(xs, ys, float(area or 0.0), float(p),
                                        None if threshold is None else float(threshold), int(min_points),
                                        int(max_order))
    return NnhResult(labels=labels, clusters=pd.DataFrame(cols), thresholds=list(thresholds),
                     min_points=int(min_points))


def to_bng(lat: Any, lon: Any) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 latitude/longitude → British National Grid (EPSG:27700) eastings and northings, metres.

    Method: the Ordnance Survey's 7-parameter Helmert transformation ETRS89→OSGB36 and the OS
    Transverse Mercator projection (*A guide to coordinate systems in Great Britain*). The projection
    reproduces the OS worked example to the millimetre; the Helmert step is accurate to about 3–5 m
    (OSTN15 is not used), and agrees with PROJ's grid-less EPSG:4326→27700 to under 1 m.

    >>> e, n = to_bng([51.5080], [-0.1281])   # Trafalgar Square
    >>> int(e[0] // 1000), int(n[0] // 1000)
    (530, 180)
    """
    la = as_float_array("lat", lat)
    lo = as_float_array("lon", lon)
    return _ext.wgs84_to_bng(la, lo)

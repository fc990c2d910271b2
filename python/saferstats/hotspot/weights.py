"""Sparse spatial weights (the core's ``hotspot::weights``): lattice contiguity, adjacency
lists and distance bands."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from .. import _saferstats as _ext
from .._frames import as_float_array
from ..exceptions import InvalidInputError, MissingValueError, warn_user
from ._common import _choice, _drop_missing, _finite_xy, _float_arg, _int_arg, _row_error

__all__ = ["Weights"]


class Weights:
    """Sparse spatial weights (who neighbours whom). Construct with :meth:`lattice`,
    :meth:`from_adjacency` or :meth:`distance_band`. A unit with no neighbours is an *island*:
    Gi* then uses only the unit itself, Local Moran gives I = 0 (``islands`` lists them).

    >>> w = Weights.lattice(3, 3, contiguity="rook")
    >>> w.n, w.cardinalities.tolist()[:3]
    (9, [2, 3, 2])
    """

    def __init__(self, n: int, offsets: Any, neighbors: Any, weights: Any):
        self.n = int(n)
        self.offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        self.neighbors = np.ascontiguousarray(neighbors, dtype=np.int64)
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)
        #: the grid cell (numbered row by row over the whole lattice) of each unit, for weights of
        #: :meth:`lattice` with a ``mask``; None otherwise (unit i is cell i, or not a cell)
        self.cells: np.ndarray | None = None
        #: (nrows, ncols) for weights of :meth:`lattice` (checked against the grid of the values), else None
        self.shape: tuple[int, int] | None = None
        #: for :meth:`distance_band` with ``missing="drop"``: the input row (position) of each unit, and
        #: how many points without coordinates were left out; None and 0 otherwise
        self.rows: np.ndarray | None = None
        self.missing_coordinates = 0

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
        gone = f", missing_coordinates={self.missing_coordinates}" if self.missing_coordinates else ""
        return (f"Weights(n={self.n}, mean_neighbours={c.mean() if len(c) else 0:.2f}, islands={len(self.islands)}"
                f"{gone})")

    @classmethod
    def lattice(cls, nrows: int, ncols: int, *, contiguity: Literal["queen", "rook"] = "queen",
                mask: Any = None) -> Weights:
        """Contiguity on an ``nrows × ncols`` grid of cells numbered row by row (binary). At most
        10 million cells (larger grids are refused with their size before anything is allocated).

        ``mask`` (a boolean ``nrows × ncols`` array, e.g. :meth:`StudyArea.grid_mask`, or a flat
        one of ``nrows * ncols`` values in the cells' order, read row by row of ``ncols`` values, as
        a hotspot grid's ``g.cells["in_study_area"]``; any other length is refused naming ``mask``.
        A flat array cannot tell ``nrows`` and ``ncols`` swapped: pass the grid's column itself,
        not its ``.to_numpy()``, and a lattice of other rows and columns than its grid's is
        refused) keeps only
        the cells where it is True, numbered row by row among themselves, each with its neighbours
        among the kept cells: the weights of a study area's own cells, for values
        ``counts[mask]``. ``cells`` then holds each unit's cell number on the whole grid, and
        :func:`gi_star` / :func:`local_moran` name and list units by it (with its row and column;
        without a mask, unit i is cell i, named the same way). A grid over a force's bounding box is more than half outside the force;
        those cells are zeros by construction, and left in they lower the mean every Gi* is
        measured from (ArcGIS's hot spot analysis takes a bounding polygon for this reason).

        A hotspot grid's layer taken whole from its ``cells`` (``g.cells["count"]``) is checked
        against the lattice: ``Weights.lattice(g.ncols, g.nrows)`` (rows and columns swapped:
        every cell would get another cell's neighbours) and hexagonal grids are refused, and all
        the cells of a grid made over a study area give a warning with the code that keeps the
        area's cells (``mask=``); the grid itself as ``values`` is refused with how to pass a layer.

        >>> keep = [[True, True, False], [True, True, False], [False, False, True]]
        >>> w = Weights.lattice(3, 3, contiguity="rook", mask=keep)
        >>> w.n, w.cardinalities.tolist()   # the far corner shares no edge with the others
        (5, [2, 2, 2, 2, 0])
        """
        _choice("contiguity", contiguity, ("queen", "rook"))
        r = _int_arg("nrows", nrows, 0)
        c = _int_arg("ncols", ncols, 0)
        if r * c > 10_000_000:
            raise InvalidInputError(f"{r} x {c} = {r * c:,} cells: at most 10,000,000 are supported (the weights would "
                                    f"need about {r * c * 100 / 1e9:,.1f} GB)", "nrows")
        keep = None if mask is None else lattice_mask(mask, r, c)
        w = cls(**_ext.weights_lattice(r, c, queen=contiguity == "queen", mask=keep))
        if keep is not None:
            w.cells = np.flatnonzero(keep)
        w.shape = (r, c)
        return w

    @classmethod
    def from_adjacency(cls, focal: Any, neighbor: Any, weight: Any = None, *, n: int | None = None) -> Weights:
        """From an adjacency list (focal → neighbour [, weight]) over units 0..n−1, e.g. polygons'
        contiguity exported from a GIS. Self-pairs are dropped; repeated pairs are summed. At most
        10 million units (``n`` larger is refused before anything is allocated)."""
        f = _index_array("focal", focal)
        nb = _index_array("neighbor", neighbor)
        if len(f) != len(nb):
            from ..exceptions import LengthMismatchError

            raise LengthMismatchError(f"length mismatch: `focal` has {len(f)} elements but `neighbor` has {len(nb)}",
                                      "neighbor")
        size = _int_arg("n", n, 0) if n is not None else int(max(f.max(initial=-1), nb.max(initial=-1)) + 1)
        if size > 10_000_000:
            raise InvalidInputError(f"n = {size:,} units: at most 10,000,000 are supported", "n")
        for name, v, given in (("focal", f, focal), ("neighbor", nb, neighbor)):
            if len(v) and v.max() >= size:
                row = int(np.flatnonzero(v >= size)[0])
                raise _row_error(InvalidInputError, name, given, row,
                                 f"`{name}` at {{row}}: unit {int(v[row])} is outside the {size} units")
        wt = None if weight is None else as_float_array("weight", weight)
        return cls(**_ext.weights_adjacency(f.astype(np.uint32), nb.astype(np.uint32), wt, n=size))

    @classmethod
    def distance_band(cls, x: Any, y: Any, *, threshold: float, binary: bool = True,
                      missing: Literal["error", "drop"] = "error") -> Weights:
        """Every pair within ``threshold`` (Euclidean, inclusive), binary or inverse-distance
        (libpysal ``DistanceBand``). With ``binary=False`` two points at the same location would get
        an infinite weight: that is refused, naming both rows (merge or remove duplicates first).
        At most 100 million neighbour pairs (a larger threshold is refused with the size).
        ``missing``: points without coordinates are refused (``"error"``, the default: a
        :class:`~saferstats.MissingValueError` naming ``x`` and the row) or, with ``"drop"``, left out
        as the grid functions do (a warning names how many and the first row): the units are then
        the points with coordinates, ``rows`` their input positions (give the statistic
        ``values.iloc[w.rows]``; values of another length are refused) and ``missing_coordinates``
        how many were left out.

        >>> w = Weights.distance_band([0, 1, float("nan"), 5], [0, 0, 0, 0], threshold=1.5, missing="drop")
        >>> w.n, w.rows.tolist(), w.cardinalities.tolist(), w.missing_coordinates
        (3, [0, 1, 3], [1, 1, 0], 1)
        """
        n_given = len(x) if hasattr(x, "__len__") else None
        x, y, (rows,), gone = _drop_missing("Weights.distance_band", missing, x, y,
                                            None if n_given is None else np.arange(n_given))
        xs, ys = _finite_xy(x, y)
        if not isinstance(binary, (bool, np.bool_)):
            raise InvalidInputError(f"`binary` must be True or False, got {binary!r}", "binary")
        w = cls(**_ext.weights_distance_band(xs, ys, threshold=_float_arg("threshold", threshold, positive=True),
                                             binary=bool(binary)))
        if missing == "drop" and rows is not None:
            w.rows, w.missing_coordinates = np.asarray(rows, dtype=np.int64), gone
        return w

    def _args(self) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        return self.n, self.offsets, self.neighbors, self.weights


def lattice_mask(mask: Any, nrows: int, ncols: int) -> np.ndarray:
    """``mask`` as a flat boolean array over an ``nrows × ncols`` grid, row by row: a boolean
    array of shape ``(nrows, ncols)``, or a flat one of exactly ``nrows * ncols`` values in the
    same order (a hotspot grid's ``cells`` are numbered so: ``g.cells["in_study_area"]``; until
    session 28 refused). Any other shape is refused naming ``mask`` and both shapes. A flat array
    is read row by row of ``ncols`` values, so it cannot tell ``nrows`` and ``ncols`` swapped; the
    column itself (``g.cells["in_study_area"]``, not its ``.to_numpy()``) carries its grid's rows
    and columns, and a lattice of others (swapped, as ``Weights.lattice(g.ncols, g.nrows)``), or a
    hexagonal grid, is refused naming ``mask`` (until session 28 taken, every kept cell given
    another cell's neighbours)."""
    from .grid import _mask_grid

    of = _mask_grid(mask)
    if of is not None and of[0] != "square":
        raise InvalidInputError("`mask` is the in_study_area of a hexagonal grid, whose neighbours a lattice does not "
                                "describe: use Weights.distance_band(g.cells['x'], g.cells['y'], threshold=...) on the "
                                "area's cells", "mask")
    if of is not None and of[1:] != (nrows, ncols):
        raise InvalidInputError(f"`mask` is the in_study_area of a grid of {of[1]} rows × {of[2]} columns, but the "
                                f"lattice is {nrows} rows × {ncols} columns: every cell would get another cell's "
                                "neighbours; use Weights.lattice(g.nrows, g.ncols, mask=...)", "mask")
    m = np.asarray(mask)
    if m.dtype != bool or m.shape not in ((nrows, ncols), (nrows * ncols,)):
        raise InvalidInputError(f"`mask` must be a boolean array of shape ({nrows}, {ncols}) (one value per cell), or a "
                                f"flat one of {nrows * ncols:,} values ({nrows} × {ncols}) in the cells' order, row by row "
                                f"of {ncols} values (a hotspot grid's g.cells['in_study_area']); got {m.dtype} {m.shape}",
                                "mask")
    return np.ascontiguousarray(m.ravel())


def _values_on(weights: Any, values: Any, *, check_grid: bool = True) -> np.ndarray:
    """The values of a statistic over ``weights`` (a :class:`Weights`): contiguous floats with
    no missing value (the error names its position); the core checks the rest. Values taken
    from a hotspot grid are checked against lattice weights (:func:`_grid_values`)."""
    if not isinstance(weights, Weights):
        if isinstance(values, Weights):  # gi_star(w, y): the values come first, as esda's G_Local(y, w)
            raise InvalidInputError("`weights` must be a saferstats.Weights, and `values` is one: the arguments are the "
                                    "other way round — pass the values first, e.g. gi_star(values, weights)", "weights")
        raise InvalidInputError("`weights` must be a saferstats.Weights", "weights")
    if check_grid:
        _grid_values(weights, values)
    _whole_grid_on_mask(weights, values)
    v = as_float_array("values", values)
    if np.isnan(v).any():
        raise _row_error(MissingValueError, "values", values, int(np.flatnonzero(np.isnan(v))[0]),
                         "`values` has a missing value at {row}")
    return np.ascontiguousarray(v)


def _whole_grid_on_mask(weights: Weights, values: Any) -> None:
    """Values of every cell of a grid (``counts`` of :func:`grid_counts`, 2-D or flat) with the
    weights of its ``mask``'s cells only: refused with the cells to pass, ``counts[mask]`` (until
    session 24 "`values` must be one-dimensional" or a bare "length mismatch: `values` has 464
    elements but `weights` has 298", the City of London's 100 m cells and their area's 298)."""
    if weights.cells is None or weights.shape is None:
        return
    shape = np.shape(values)
    nrows, ncols = weights.shape
    if shape in ((nrows, ncols), (nrows * ncols,)) and nrows * ncols != weights.n:
        from ..exceptions import LengthMismatchError

        raise LengthMismatchError(f"`values` are all {nrows * ncols:,} cells of the {nrows} × {ncols} grid, but the "
                                  f"weights are the {weights.n:,} cells of its mask (Weights.lattice(..., mask=keep)): "
                                  "pass those cells' values, counts[keep], in the same order", "values")


_AREA_CELLS = ("keep the area's cells: mask = g.cells['in_study_area'].to_numpy().reshape(g.nrows, g.ncols); "
               "Weights.lattice(g.nrows, g.ncols, mask=mask) with values g.cells.loc[mask.ravel(), 'count']")


def _grid_values(weights: Weights, values: Any) -> None:
    """A hotspot grid, or a layer taken whole from its ``cells``, as the values of a Gi* or Moran:
    the grid itself is refused with how to pass a layer; a layer is checked against lattice
    weights — a lattice of other rows and columns (``Weights.lattice(g.ncols, g.nrows)``: every
    cell would get another cell's neighbours, silently), or a hexagonal grid, is refused, and a
    grid made over a study area given whole (its cells beyond the edge are zeros by construction,
    which lower the mean every cell is compared with and come out as cold spots / Low-Low) is
    warned about."""
    from .grid import HotspotGrid, _grid_tag

    if isinstance(values, HotspotGrid):
        raise InvalidInputError("`values` is a hotspot grid: pass one layer of its cells, e.g. g.cells['count'] with "
                                "Weights.lattice(g.nrows, g.ncols) (over a study area, " + _AREA_CELLS + ")", "values")
    tag = _grid_tag(values)
    if tag is None or weights.shape is None:
        return
    (kind, _, _, _, ncols, nrows), inside = tag
    if kind != "square":
        raise InvalidInputError("`values` are the cells of a hexagonal grid, whose neighbours Weights.lattice does not "
                                "describe: use Weights.distance_band(g.cells['x'], g.cells['y'], threshold=...) (just over "
                                "the distance between neighbouring centres)", "weights")
    if weights.shape != (nrows, ncols) and weights.shape[0] * weights.shape[1] == nrows * ncols:
        raise InvalidInputError(f"`weights` are a lattice of {weights.shape[0]} rows × {weights.shape[1]} columns but "
                                f"`values` are the cells of a grid of {nrows} rows × {ncols} columns (numbered row by "
                                "row from the south-west): every cell would get another cell's neighbours; use "
                                "Weights.lattice(g.nrows, g.ncols)", "weights")
    if inside is None and weights.cells is None and weights.shape == (nrows, ncols) and weights.n == nrows * ncols:
        _warn_whole_box(values, tag[0])
    if inside is not None and weights.cells is None and len(inside) == weights.n and not inside.all():
        warn_user(f"`values` are all {len(inside):,} cells of a grid made over a study area, {int((~inside).sum()):,} "
                  "of them beyond its edge: those are zeros by construction (the events there were left out), which "
                  "lower the mean every cell is compared with (cold spots and Low-Low clusters beyond the edge, a "
                  "larger global Moran's I); "
                  + _AREA_CELLS)


def _warn_whole_box(values: Any, key: tuple[Any, ...]) -> None:
    """Warn when ``values`` are every cell of a grid made without a study area (the box around
    its points) and some of its empty cells lie outside the outline of the cells holding events:
    zeros of fields, water or land beyond the area, which lower the mean every cell is compared
    with (Watford ASB, June 2021, 250 m cells: 37 Gi* hot spots over the box's 432 cells against 25
    over Watford's 344; Hertfordshire's ASB on 1 km cells, 446 against 231)."""
    from .evaluate import _empty_beyond_outline

    v = np.nan_to_num(np.asarray(values, dtype=float))
    held = v > 0
    if not held.any():
        return
    centres = _ext.grid_centres(key)
    k = _empty_beyond_outline(np.asarray(centres["x"], dtype=float), np.asarray(centres["y"], dtype=float), held)
    if not k:
        return
    warn_user(f"`values` are the {len(v):,} cells of a grid made without a study area (the box around its points): "
              f"{k:,} of them lie outside the outline (convex hull) of the cells holding events — fields, "
              "water or land beyond the area, zeros that lower the mean every cell is compared with (more hot spots "
              "and a larger global Moran's I: Watford ASB, June 2021, 250 m cells, 37 Gi* hot spots over the box's "
              "432 cells against 25 over Watford's 344). Make the grid over the study area, "
              "g = hotspot_count(x, y, cell_size=..., study_area='Watford'), and " + _AREA_CELLS)


def _index_array(name: str, v: Any) -> np.ndarray:
    """Unit indices: whole numbers in [0, 2³²), or InvalidInputError naming the row."""
    a = as_float_array(name, v)
    bad = ~np.isfinite(a) | (a < 0) | (a != np.floor(a)) | (a >= 2**32 - 1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise _row_error(InvalidInputError, name, v, row,
                         f"`{name}` at {{row}}: {float(a[row])!r} is not a unit index (a whole number >= 0)")
    return a.astype(np.int64)

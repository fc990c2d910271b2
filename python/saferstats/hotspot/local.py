"""Getis-Ord Gi* and Local Moran's I (the core's ``hotspot::local``):
docs/methods/hotspots.md (C5, C6)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from .._frames import default_index, plain
from .._results import Result
from ..exceptions import InvalidInputError, number_of, warn_user
from ._common import _ExcelMixin, _float_arg, _int_arg, _seed
from .weights import Weights, _values_on

__all__ = ["gi_star", "local_moran", "LocalResult"]


@dataclasses.dataclass(frozen=True, repr=False)
class LocalResult(_ExcelMixin, Result):
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
    fdr: bool = False
    alpha: float | None = None
    #: each unit's cell on the whole grid, for weights of ``Weights.lattice(..., mask=)`` (else None)
    cells: np.ndarray | None = None
    #: the index of ``values`` when it is a Series with its own (LSOA codes, ...): the units' names
    labels: pd.Index | None = None
    #: each unit's grid cell as the grid names it — ``cell``, ``row``, ``col`` (from the south-west
    #: corner) and, for values taken from a hotspot grid's cells, the centre ``x``, ``y`` — when the
    #: units are the cells of a grid (lattice weights, or a grid's cells); else None
    where: pd.DataFrame | None = None

    _summary_fields = ("statistic", "transform", "permutations")

    @property
    def g(self) -> np.ndarray:
        """Gi* values."""
        return self.stat

    @property
    def i(self) -> np.ndarray:
        """Local Moran's I values."""
        return self.stat

    def _counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in pd.Series(self.label).value_counts().items() if k != "Not significant"}

    def _ranked_by(self) -> tuple[str, np.ndarray]:
        """The quantity that decides ``label`` (so also "strongest"): ``z`` for Gi* (its labels come
        from z's normal p), the p-value of the significance test for Local Moran's I (``p_sim``
        with permutations, else ``p_norm``)."""
        if self.statistic == "local_moran":
            return ("p_sim", self.p_sim) if self.permutations else ("p_norm", self.p_norm)
        return "z", self.z

    def _top(self, k: int = 5) -> list[tuple[int, float, str]]:
        """The ``k`` strongest significant units: (unit, the quantity of :meth:`_ranked_by`, label),
        largest |z| first for Gi*; smallest p first for Local Moran (ties, common with permutation
        p-values, by largest |z|)."""
        what, v = self._ranked_by()
        sig = np.flatnonzero(self.label != "Not significant")
        if what == "z":
            order = sig[np.argsort(-np.abs(v[sig]), kind="stable")][:k]
        else:
            order = sig[np.lexsort((-np.abs(self.z[sig]), v[sig]))][:k]
        return [(int(i), float(v[i]), str(self.label[i])) for i in order]

    def _value(self, v: float) -> str:
        what = self._ranked_by()[0]
        return f"{what} {v:.2f}" if what == "z" else f"{what} {v:.3g}"

    def _how(self) -> str:
        tr = {"B": "binary", "R": "row-standardised"}.get(self.transform, self.transform)
        perms = f"{self.permutations} permutations" if self.permutations else "no permutations"
        if self.statistic == "gi_star":
            return (f"Getis-Ord Gi*, {tr} weights, {perms}; significance from the normal z at 90/95/99%"
                    + (", Benjamini-Hochberg FDR-adjusted" if self.fdr else " (not adjusted for multiple testing)"))
        a = 0.05 if self.alpha is None else self.alpha
        src = ("folded permutation p_sim (one-sided: the observed value's nearer tail, as esda and GeoDa)"
               if self.permutations else
               "normal p_norm (one-sided: the tail z is in, the sidedness of the permutation p_sim of esda and GeoDa)")
        return (f"Local Moran's I, {tr} weights, {perms}; significant where the {src} < {a:g}, "
                f"a two-sided test at {min(1.0, 2 * a):g}")

    def headline(self) -> str:
        """One line: how many units are significant, of which kind, and the strongest — ranked by
        the quantity that decides significance: |z| for Gi* (labels from z's normal p), the
        smallest p for Local Moran's I (``p_sim`` with permutations, as its ``label``; ``p_norm``
        without), ties broken by |z|."""
        n = len(self.stat)
        c = self._counts()
        if self.statistic == "gi_star":
            hot = sum(v for k, v in c.items() if k.startswith("Hot"))
            cold = sum(v for k, v in c.items() if k.startswith("Cold"))
            what = f"{number_of(hot, 'hot spot')}, {number_of(cold, 'cold spot')} of {number_of(n, 'unit')}"
        else:
            what = ", ".join(f"{q} {c.get(q, 0)}" for q in ("High-High", "Low-Low", "Low-High", "High-Low"))
            what = f"{what} significant of {n} units"
        top = self._top(3)
        strongest = "; strongest: " + ", ".join(self._named(i, self._value(v)) for i, v, _ in top) if top else ""
        return f"{what}{strongest}"

    def _named(self, i: int, what: str) -> str:
        """"cell 36 (row 4, col 4; z 7.09)", "'E01023456' (z 3.1)": unit ``i`` with ``what``."""
        name = self._name(i)
        return f"{name[:-1]}; {what})" if self.where is not None else f"{name} ({what})"

    def _name(self, i: int) -> str:
        """Unit ``i`` as the analyst can find it: its grid cell with its row and column (as
        :meth:`HotspotGrid.top_cells` names them) when the units are a grid's cells (lattice
        weights, masked or not: a position among the kept cells is no cell number of the grid's),
        its label when ``values`` was a Series with its own index (an LSOA code), else its position."""
        if self.where is not None:
            return _cell_words(self.where, i)
        if self.cells is not None:
            return f"cell {int(self.cells[i])}"
        return f"unit {i}" if self.labels is None else repr(plain(self.labels[i]))

    def __repr__(self) -> str:
        return f"LocalResult({self.statistic}: {self.headline()}; {self._how()})"

    def _repr_html_(self) -> str:
        import html

        c = self._counts()
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in sorted(c.items()))
        rows = rows or "<tr><td colspan=2>no significant units</td></tr>"
        what = self._ranked_by()[0]
        if self.where is not None:
            # the grid's own names: cell, row and col from the south-west corner (and the centre)
            wcols = [c for c in ("cell", "row", "col", "x", "y") if c in self.where.columns]
            top = "".join("<tr>" + "".join(f"<td>{_fmt_where(c, self.where[c].iloc[i])}</td>" for c in wcols)
                          + f"<td>{v:.3g}</td><td>{html.escape(lab)}</td></tr>" for i, v, lab in self._top(10))
            head = "".join(f"<th>{c}</th>" for c in wcols)
        else:
            top = "".join(f"<tr><td>{html.escape(self._name(i).removeprefix('cell ').removeprefix('unit '))}</td>"
                          f"<td>{v:.3g}</td><td>{html.escape(lab)}</td></tr>" for i, v, lab in self._top(10))
            unit = "cell" if self.cells is not None else "unit" if self.labels is None else str(self.labels.name or "unit")
            head = f"<th>{unit}</th>"
        top_t = (f"<p>Strongest significant units (by {what})</p><table><tr>{head}<th>{what}</th>"
                 f"<th>label</th></tr>{top}</table>" if top else "")
        # the headline first (what was found), then how it was tested
        return (f"<p><b>LocalResult</b> — {html.escape(self.headline())}</p>"
                f"<p>{html.escape(self._how())}</p><table><tr><th>label</th><th>units</th></tr>{rows}</table>{top_t}")

    def to_pandas(self) -> pd.DataFrame:
        """One row per unit: the statistic, ``z, p_norm, p_sim`` (and ``quadrant``), ``label``;
        first ``cell, row, col`` (the unit's cell on the whole grid, its row and column from the
        south-west corner, as :meth:`HotspotGrid.top_cells`) for weights of a masked lattice and
        for values taken from a hotspot grid's cells. The index is that of ``values`` when it was a
        Series with its own (LSOA codes: join the table to the areas on it), else 0..n-1 — named
        ``cell`` on an unmasked lattice, where unit i is cell i.

        ``p_norm`` is the one-sided normal p of |z|; ``p_sim`` the folded (one-sided, nearer-tail)
        permutation p of esda. Both are one-sided: a two-sided p is twice either (capped at 1).
        Gi*'s ``label`` comes from the two-sided normal p, 2·``p_norm``; Local Moran's I's from
        ``p_sim`` (or ``p_norm`` without permutations) < ``alpha``, as GeoDa and esda. The frame's
        ``attrs["columns"]`` says so for each p column."""
        name = "g" if self.statistic == "gi_star" else "i"
        d: dict[str, Any] = {} if self.cells is None else {"cell": self.cells}
        if self.where is not None and (self.cells is not None or "x" in self.where.columns):
            # a masked lattice, or values taken from a hotspot grid: the cells as the grid names them
            d.update({c: self.where[c].to_numpy() for c in ("cell", "row", "col")})
        d.update({name: self.stat, "z": self.z, "p_norm": self.p_norm, "p_sim": self.p_sim})
        if self.statistic == "local_moran":
            d["quadrant"] = self.quadrant
        d["label"] = self.label
        out = pd.DataFrame(d)
        if self.labels is not None:
            out.index = self.labels
        elif self.where is not None and "cell" not in out.columns:
            out.index.name = "cell"   # unit i is cell i of the lattice
        if self.statistic == "gi_star":
            rule = ("two-sided normal p of z, min(1, 2·p_norm)" + (", Benjamini-Hochberg adjusted" if self.fdr else "")
                    + ", at 0.10 / 0.05 / 0.01 for 90% / 95% / 99%; p_sim is not used")
        else:
            rule = (f"quadrant where {'p_sim' if self.permutations else 'p_norm'} < {self.alpha:g} (a one-sided p, with "
                    "or without permutations; GeoDa's and esda's convention)")
        out.attrs["columns"] = {
            "p_norm": "one-sided normal p of |z| (the tail z is in); two-sided p = min(1, 2·p_norm)",
            "p_sim": (f"folded permutation pseudo p (esda): (min(#sim ≥ obs, {self.permutations} − #sim ≥ obs) + 1)/"
                      f"({self.permutations} + 1), one-sided (the observed value's nearer tail); two-sided p = "
                      "min(1, 2·p_sim)" if self.permutations else "no permutations: NaN"),
            "label": rule,
        }
        return out


def _local(stat: str, values: Any, weights: Weights, transform: str, permutations: int, seed: int | None) -> dict[str, Any]:
    v = _values_on(weights, values)
    if isinstance(permutations, (int, np.integer)) and not isinstance(permutations, bool) and permutations < 0:
        raise InvalidInputError("`permutations` must be >= 0", "permutations")
    perms = _int_arg("permutations", permutations, 0, 10**9)
    return _ext.local_statistic(v, weights._args(), statistic=stat, transform=transform, permutations=perms,
                                seed=_seed(seed))


def gi_star(values: Any, weights: Weights, *, transform: Literal["B", "R"] = "B", permutations: int = 999,
            seed: int | None = None, fdr: bool = False) -> LocalResult:
    """Getis-Ord Gi* hot and cold spots.

    Method (``docs/methods/hotspots.md`` C5): Gi* = Σ_j w_ij y_j / Σ y with the unit in its own neighbourhood;
    analytic z with Ord & Getis' (1995) variance, as spdep ``localG`` (equal to esda's ``Zs`` for
    binary weights; row-standardising, ``transform="R"``, rescales Gi* but leaves z unchanged, where
    esda's row-standardised ``Zs`` uses the binary variance and comes out too small, pysal/esda#121);
    ``p_norm`` = one-sided normal p of |z| (the tail z is in); ``p_sim`` = esda's folded pseudo
    p from ``permutations`` conditional permutations (seeded; reproducible whatever the thread
    count): (min(#sim ≥ obs, perms − #sim ≥ obs) + 1)/(perms + 1), the share of permuted Gi* in
    the observed value's nearer tail — also **one-sided**. Neither is a two-sided p: compare
    ``2 * p_sim`` (or ``2 * p_norm``) with a two-sided level, e.g. 0.05 for "95%".
    ``label``: "Hot spot 99%/95%/90%" or "Cold spot …" from the two-sided normal p of z,
    min(1, 2·p_norm) (ArcGIS convention, |z| > 2.576 / 1.960 / 1.645), Benjamini-Hochberg adjusted
    with ``fdr=True``; otherwise "Not significant" — ``p_sim`` plays no part in the labels or the
    headline. In a notebook the result shows the headline (hot and cold spot
    counts, the strongest units) rather than the per-unit table (``to_pandas()``).

    Units that are a grid's cells — weights from :meth:`Weights.lattice` (with or without a
    ``mask``), or any weights over a layer taken whole from a hotspot grid's cells — are named as
    the grid names them: "cell 36 (row 4, col 4; z 7.09)", row and column from the south-west
    corner as :meth:`HotspotGrid.top_cells`, with the centre ``x``, ``y`` in the notebook's table
    when the values came from the grid (``g.cells["count"]``); ``to_pandas()`` then starts with
    ``cell, row, col``. (Until session 20 an unmasked lattice named them "unit 36", a position
    the grid's tables do not show.)

    >>> import saferstats
    >>> w = Weights.distance_band([10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30], threshold=15)
    >>> r = saferstats.gi_star([2, 3, 3.2, 5, 8, 7], w, permutations=0)
    >>> r.z.round(6).tolist()
    [-1.397276, -0.289178, 0.65065, -0.289178, 1.234521, 2.024243]
    >>> r
    LocalResult(gi_star: 1 hot spot, 0 cold spots of 6 units; strongest: unit 5 (z 2.02); ...)
    """
    res = _local("gi_star", values, weights, transform, permutations, seed)
    p2 = np.minimum(1.0, 2 * res["p_norm"])
    if fdr:
        # Benjamini-Hochberg from the core (monitoring::multiple, = R p.adjust "BH")
        p2 = _ext.p_adjust(np.ascontiguousarray(p2, dtype=float), method="bh")
    z = res["z"]
    label = np.full(len(z), "Not significant", dtype=object)
    for level, p in ((90, 0.10), (95, 0.05), (99, 0.01)):
        label[(p2 < p) & (z > 0)] = f"Hot spot {level}%"
        label[(p2 < p) & (z < 0)] = f"Cold spot {level}%"
    if int(permutations) > 0:
        _warn_empty_neighbourhoods(_values_on(weights, values, check_grid=False), weights, int(permutations),
                                   _labels(values, weights), _grid_where(values, weights))
    return LocalResult("gi_star", res["stat"], z, res["p_norm"], res["p_sim"], res["quadrant"], label, res["transform"],
                       int(permutations), fdr=bool(fdr), cells=_unit_cells(weights), labels=_labels(values, weights),
                       where=_grid_where(values, weights))


def _warn_empty_neighbourhoods(v: np.ndarray, weights: Weights, perms: int, labels: pd.Index | None = None,
                               where: pd.DataFrame | None = None) -> None:
    """Warn when units hold only the smallest value in their Gi* neighbourhood (the unit and its
    neighbours; e.g. no events in any of the cells): their Gi* is the least any permutation can
    give, so every permuted value ties with it, and the folded ``p_sim`` (esda's, counting ties as
    "at least as large") is 1/(perms + 1) whatever the data. The chance that the conditional
    randomisation draws only smallest values for the k neighbours is C(m, k)/C(n − 1, k) (m units
    at the smallest value besides the unit): the p a tie-aware count would approach."""
    n = len(v)
    if n < 2:
        return
    lo = float(v.min())
    at_min = v == lo
    k = np.diff(weights.offsets)
    has = k > 0
    if not has.any():
        return
    owner = np.repeat(np.arange(n), k)
    bad = np.zeros(n, dtype=bool)
    np.logical_or.at(bad, owner, ~at_min[weights.neighbors])
    nb_min = at_min & has & ~bad
    if not nb_min.any():
        return
    m = int(at_min.sum()) - 1
    kk = k[nb_min]

    def log_comb(a: int, b: int) -> float:
        return math.lgamma(a + 1) - math.lgamma(b + 1) - math.lgamma(a - b + 1) if 0 <= b <= a else -math.inf

    exact = np.array([math.exp(log_comb(m, int(j)) - log_comb(n - 1, int(j))) for j in kk])
    warn_user(f"gi_star: {int(nb_min.sum()):,} of {n:,} units have only the smallest value ({lo:g}) in their "
              f"neighbourhood (first: {_first_name(weights, int(np.flatnonzero(nb_min)[0]), labels, where)}); every "
              "permutation ties "
              "with them, so "
              f"their p_sim is {1 / (perms + 1):.3g} by construction (ties counted as 'at least as large', as esda's "
              "p_sim), not evidence of a cold spot. The chance that a permutation gives them an equally empty "
              f"neighbourhood is {exact.min():.3g} to {exact.max():.3g}; read their z, p_norm and label instead")


def local_moran(values: Any, weights: Weights, *, transform: Literal["R", "B"] = "R", permutations: int = 999,
                seed: int | None = None, alpha: float = 0.05) -> LocalResult:
    """Local Moran's I (LISA) with conditional-permutation pseudo p-values.

    Method (``docs/methods/hotspots.md`` C6; esda ``Moran_Local``): I_i = (n−1) z_i Σ_j w_ij z_j / Σ z² (esda's
    scaling; spdep uses n), z from the total-randomisation moments (esda ``EI``/``VI``), quadrant 1 HH,
    2 LH, 3 LL, 4 HL; ``label`` = the quadrant name where ``p_sim`` < ``alpha`` (GeoDa's convention),
    else "Not significant". With ``permutations=0`` the label uses ``p_norm``, the normal p of z
    in the tail z is in — one-sided, as the folded ``p_sim`` (the observed value's nearer tail)
    and as esda's normal p-values (``p_z_sim`` = ``norm.sf(|z|)``), so both paths test at the same
    level: ``alpha=0.05`` is a two-sided test at 0.10 either way (give ``alpha=0.025`` for a
    two-sided 5%); the result's repr says which p decided. ``p_norm`` rests on the normal
    approximation of I_i under total randomisation, which is poor for skewed values such as
    counts (Anselin 1995; esda keeps ``EI``/``VI`` "only for reproducibility"): Watford ASB 2021 on
    500 m cells gave p_norm 2e-174 for the top cell where 999 permutations give p_sim 0.001, and
    no Low-Low cell where the permutations find 11 — use permutations (``permutations=0`` on
    counts, non-negative whole numbers, gives a :class:`~saferstats.SaferstatsWarning` saying so). The headline's
    "strongest" units are ranked by that same p (smallest first, ties by |z|) and shown with it,
    so a unit named strongest is never less significant than one left out.

    >>> import saferstats
    >>> w = Weights.distance_band([10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30], threshold=15)
    >>> saferstats.local_moran([2, 3, 3.2, 5, 8, 7], w, permutations=0).i.round(6).tolist()
    [0.329268, -0.08885, -0.862369, -0.019164, -0.086237, 1.3223]
    """
    a = _float_arg("alpha", alpha)
    if not 0 < a < 1:
        raise InvalidInputError(f"`alpha` must be between 0 and 1, got {alpha!r}", "alpha")
    res = _local("moran", values, weights, transform, permutations, seed)
    if int(permutations) == 0:
        _warn_normal_on_counts(_values_on(weights, values, check_grid=False))
    p = res["p_sim"] if permutations > 0 else res["p_norm"]
    names = np.array(["", "High-High", "Low-High", "Low-Low", "High-Low"], dtype=object)
    label = np.where(p < a, names[res["quadrant"]], "Not significant")
    return LocalResult("local_moran", res["stat"], res["z"], res["p_norm"], res["p_sim"], res["quadrant"],
                       label.astype(object), res["transform"], int(permutations), alpha=a,
                       cells=_unit_cells(weights), labels=_labels(values, weights), where=_grid_where(values, weights))


def _warn_normal_on_counts(v: np.ndarray) -> None:
    """Warn when ``local_moran(permutations=0)`` is given counts (every value a non-negative whole
    number): its labels then rest on the normal approximation of I_i, which is poor for such
    skewed values (the figures are of Watford ASB 2021 on the area's 500 m cells:
    tests/python/test_session16_w20b_hotspot.py)."""
    if v.size and bool((v >= 0).all()) and bool((v == np.floor(v)).all()):
        warn_user("local_moran: permutations=0 labels on p_norm, the normal approximation of I_i, which is poor for "
                  "counts such as these (non-negative whole numbers): on Watford's ASB of 2021 (500 m cells) it gave "
                  "p_norm 2e-174 for the top cell, where 999 permutations give p_sim 0.001, and no Low-Low cell, where "
                  "the permutations find 11. Use permutations (the default 999; seed= makes them reproducible)")


def _first_name(weights: Weights, i: int, labels: pd.Index | None = None, where: pd.DataFrame | None = None) -> str:
    if where is not None:
        return f"unit {i}, {_cell_words(where, i)}" if weights.cells is not None else _cell_words(where, i)
    cells = getattr(weights, "cells", None)
    if cells is not None:
        return f"unit {i}, cell {int(cells[i])}"
    return f"unit {i}" if labels is None else f"unit {i}, {plain(labels[i])!r}"


def _labels(values: Any, weights: Weights) -> pd.Index | None:
    """The index of ``values`` when it is a Series with its own (not 0..n-1), one label per unit."""
    if isinstance(values, pd.Series) and not default_index(values.index) and len(values) == weights.n:
        return values.index.copy()
    return None


def _unit_cells(weights: Weights) -> np.ndarray | None:
    """The grid cell of each unit, for weights of a masked lattice (copied: the result is frozen)."""
    cells = getattr(weights, "cells", None)
    return None if cells is None else np.array(cells, dtype=np.int64)


def _cell_words(where: pd.DataFrame, i: int) -> str:
    """"cell 36 (row 4, col 4)": a unit named as its grid names the cell."""
    return f"cell {int(where['cell'].iloc[i])} (row {int(where['row'].iloc[i])}, col {int(where['col'].iloc[i])})"


def _fmt_where(column: str, v: Any) -> str:
    return f"{float(v):,.0f}" if column in ("x", "y") else f"{int(v)}"


def _grid_where(values: Any, weights: Weights) -> pd.DataFrame | None:
    """Each unit's cell as the grid names it (``cell, row, col``, and the centre ``x, y`` when
    ``values`` were taken from a hotspot grid's cells), when the units are a grid's cells: lattice
    weights (unit i is cell i, or cell ``weights.cells[i]`` of a masked lattice), or any weights
    over a layer taken whole from a grid's cells (e.g. distance bands over a hexagonal grid's
    centres); None otherwise (points, areas)."""
    from .grid import GRID_TAG, _grid_tag

    n = weights.n
    tag = _grid_tag(values)
    key = tag[0] if tag is not None and len(values) == n else None
    if weights.shape is not None:
        nrows, ncols = weights.shape
        cells = np.arange(n, dtype=np.int64) if weights.cells is None else np.asarray(weights.cells, dtype=np.int64)
        if key is None and weights.cells is not None and isinstance(values, pd.Series):
            # the area's cells of a grid (g.cells.loc[mask, "count"]): their index is their cell number
            raw = values.attrs.get(GRID_TAG)
            grid = raw.get("grid") if isinstance(raw, dict) else None
            if (isinstance(grid, list) and len(grid) == 6 and (int(grid[5]), int(grid[4])) == (nrows, ncols)
                    and len(values) == n and np.array_equal(np.asarray(values.index), cells)):
                key = (str(grid[0]), float(grid[1]), float(grid[2]), float(grid[3]), int(grid[4]), int(grid[5]))
        if key is not None and (int(key[5]), int(key[4])) != (nrows, ncols):
            key = None
    elif key is not None:
        nrows, ncols = int(key[5]), int(key[4])
        if nrows * ncols != n:
            return None
        cells = np.arange(n, dtype=np.int64)
    else:
        return None
    out = pd.DataFrame({"cell": cells, "row": cells // max(ncols, 1), "col": cells % max(ncols, 1)})
    if key is not None:
        centres = _ext.grid_centres(key)
        out["x"] = np.asarray(centres["x"], dtype=float)[cells]
        out["y"] = np.asarray(centres["y"], dtype=float)[cells]
        out.attrs.update(grid_type=str(key[0]), cell_size=float(key[3]))  # the cells' shape, for geo.to_geodataframe
    return out

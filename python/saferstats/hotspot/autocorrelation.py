"""Global spatial autocorrelation (the core's ``hotspot::global``): Moran's I, Geary's C and the
Getis-Ord General G with analytical and permutation inference, equal to esda's ``Moran``,
``Geary`` and ``G`` (docs/methods/hotspot_intelligence.md)."""

from __future__ import annotations

import dataclasses
import html
from typing import Any, Literal

import pandas as pd

from .. import _saferstats as _ext
from .._frames import renamed_columns
from .._results import Result
from ._common import _int_arg, _seed
from .weights import Weights, _values_on

__all__ = ["global_moran", "global_geary", "general_g", "GlobalResult"]

_NAMES = {"moran": ("Moran's I", "I"), "geary": ("Geary's C", "C"), "general_g": ("Getis-Ord General G", "G")}


@dataclasses.dataclass(frozen=True, repr=False)
class GlobalResult(Result):
    """A global autocorrelation statistic with its inference (esda's names in brackets).

    ``value`` is the statistic, also available as ``I`` (Moran), ``C`` (Geary) or ``G`` (General
    G); ``expected`` its mean under no autocorrelation; ``z`` and ``p_value`` under normality
    (``z_norm``, ``p_norm``: two-sided for Moran, one-sided for Geary and General G, as esda);
    ``z_rand``, ``p_rand`` under randomisation (Moran, Geary); ``p_sim`` the folded permutation
    pseudo p-value; ``expected_sim``, ``se_sim``, ``z_sim``, ``p_z_sim`` from the permutations.
    """

    statistic: str
    value: float
    expected: float
    variance: float
    z: float
    p_value: float
    variance_rand: float
    z_rand: float
    p_rand: float
    p_sim: float
    expected_sim: float
    se_sim: float
    z_sim: float
    p_z_sim: float
    n: int
    transform: str
    permutations: int

    @property
    def I(self) -> float:  # noqa: E743 - the statistic's own name
        """Moran's I (``value``)."""
        return self._named("moran")

    @property
    def C(self) -> float:
        """Geary's C (``value``)."""
        return self._named("geary")

    @property
    def G(self) -> float:
        """General G (``value``)."""
        return self._named("general_g")

    def _named(self, stat: str) -> float:
        if self.statistic != stat:
            raise AttributeError(f"this is {_NAMES[self.statistic][0]}; use .{_NAMES[self.statistic][1]} or .value")
        return self.value

    def headline(self) -> str:
        """One line: the statistic, its expectation and the evidence."""
        name, sym = _NAMES[self.statistic]
        # say which p is which: p is two-sided for Moran's I, one-sided for Geary's C and General G (as
        # esda); p_sim is esda's folded, one-sided pseudo p for all three (twice it is two-sided)
        side = "two-sided" if self.statistic == "moran" else "one-sided"
        sim = (f", p_sim {self.p_sim:.4g} (one-sided, {self.permutations} permutations)" if self.permutations else "")
        return (f"{name}: {sym} = {self.value:.6g} (expected {self.expected:.6g}), z {self.z:.4g}, "
                f"p {self.p_value:.4g} ({side}){sim}")

    def __repr__(self) -> str:
        return f"GlobalResult({self.headline()}; n={self.n}, transform={self.transform!r})"

    def _repr_html_(self) -> str:
        return f"<p><b>GlobalResult</b> — {html.escape(self.headline())}</p>" + str(self.to_pandas()._repr_html_())

    def to_pandas(self) -> pd.DataFrame:
        """One row: ``statistic``, the statistic under its own name (``I``, ``C`` or ``G``), then
        ``expected, variance, z, p_value, variance_rand, z_rand, p_rand, p_sim, expected_sim,
        se_sim, z_sim, p_z_sim, n, transform, permutations, method``. The column was called
        ``value`` before (docs/vocabulary.md §6): ``df["value"]`` still works, with a
        FutureWarning.

        >>> import saferstats
        >>> w = saferstats.Weights.lattice(3, 3, contiguity="rook")
        >>> saferstats.global_geary([1, 1, 1, 1, 5, 1, 1, 1, 1], w, permutations=0).to_pandas().columns[:3].tolist()
        ['statistic', 'C', 'expected']
        """
        sym = _NAMES[self.statistic][1]
        d = {(sym if f.name == "value" else f.name): [getattr(self, f.name)] for f in dataclasses.fields(self)}
        d["method"] = [f"{_NAMES[self.statistic][0]}, {self.transform} weights, normal and permutation inference"]
        return renamed_columns(pd.DataFrame(d), {"value": sym}, "GlobalResult.to_pandas()")


def _global(stat: str, values: Any, weights: Weights, transform: str, permutations: int, seed: int | None) -> GlobalResult:
    v = _values_on(weights, values)
    perms = _int_arg("permutations", permutations, 0, 1_000_000)
    r = _ext.global_statistic(v, weights._args(), statistic=stat, transform=transform, permutations=perms,
                              seed=_seed(seed))
    return GlobalResult(stat, r["value"], r["expected"], r["variance_norm"], r["z_norm"], r["p_norm"],
                        r["variance_rand"], r["z_rand"], r["p_rand"], r["p_sim"], r["expected_sim"], r["se_sim"],
                        r["z_sim"], r["p_z_sim"], len(v), r["transform"], perms)


def global_moran(values: Any, weights: Weights, *, transform: Literal["R", "B"] = "R", permutations: int = 999,
                 seed: int | None = None) -> GlobalResult:
    """Global Moran's I: do similar values sit next to each other?

    Method (Cliff & Ord 1981; esda ``Moran``): I = n/S0 · Σ wᵢⱼ zᵢ zⱼ / Σ zᵢ² with z = y − ȳ and
    the weights after ``transform`` ("R" row-standardised, "B" binary); E[I] = −1/(n − 1);
    ``z``/``p_value`` under normality (two-sided), ``z_rand``/``p_rand`` under randomisation;
    ``permutations`` random relabellings give ``p_sim`` (seeded: reproducible whatever the number
    of threads). See docs/methods/hotspot_intelligence.md.

    >>> import saferstats
    >>> w = saferstats.Weights.distance_band([10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30], threshold=15)
    >>> r = saferstats.global_moran([2, 3, 3.2, 5, 8, 7], w, permutations=0)
    >>> round(r.I, 6), round(r.z, 6)
    (0.11899, 1.177735)
    """
    return _global("moran", values, weights, transform, permutations, seed)


def global_geary(values: Any, weights: Weights, *, transform: Literal["R", "B"] = "R", permutations: int = 999,
                 seed: int | None = None) -> GlobalResult:
    """Global Geary's C: C < 1 when neighbours are alike, > 1 when they differ.

    Method (Geary 1954; esda ``Geary``): C = (n − 1) Σ wᵢⱼ (yᵢ − yⱼ)² / (2 S0 Σ zᵢ²); E[C] = 1;
    ``z``/``p_value`` under normality and ``z_rand``/``p_rand`` under randomisation, one-sided as
    esda; permutations as :func:`global_moran`. See docs/methods/hotspot_intelligence.md.

    >>> import saferstats
    >>> w = saferstats.Weights.lattice(3, 3, contiguity="rook")
    >>> r = saferstats.global_geary([1, 1, 1, 1, 5, 1, 1, 1, 1], w, permutations=0)
    >>> r.C > 1
    True
    """
    return _global("geary", values, weights, transform, permutations, seed)


def general_g(values: Any, weights: Weights, *, transform: Literal["B", "R"] = "B", permutations: int = 999,
              seed: int | None = None) -> GlobalResult:
    """Getis-Ord General G: do high values (G above its expectation) or low values cluster?

    Method (Getis & Ord 1992; esda ``G``, binary weights by default as esda): G = Σᵢ≠ⱼ wᵢⱼ yᵢ yⱼ /
    Σᵢ≠ⱼ yᵢ yⱼ for values ≥ 0; E[G] = S0/(n(n − 1)); variance from the moments of y;
    ``p_value`` one-sided as esda; permutations as :func:`global_moran`.
    See docs/methods/hotspot_intelligence.md.

    >>> import saferstats
    >>> w = saferstats.Weights.lattice(3, 3, contiguity="rook")
    >>> r = saferstats.general_g([9, 8, 1, 7, 1, 1, 1, 1, 1], w, permutations=0)
    >>> r.G > r.expected
    True
    """
    return _global("general_g", values, weights, transform, permutations, seed)

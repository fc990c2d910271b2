"""The Clark-Evans nearest-neighbour index (the core's ``hotspot::nni``):
docs/methods/hotspots.md (C7)."""

from __future__ import annotations

from typing import Any

from .. import _saferstats as _ext
from ._common import _finite_xy, _float_arg

__all__ = ["clark_evans"]


def clark_evans(x: Any, y: Any, *, area: float, perimeter: float | None = None) -> dict[str, float]:
    """Clark-Evans nearest-neighbour index (spatstat ``clarkevans`` / ``clarkevans.test``).

    R = mean nearest-neighbour distance / 0.5·√(A/n): below 1 clustered, above 1 dispersed;
    z = (r_obs − r_exp)/SE with SE = √((4 − π)/(4π))·√A/n (the exact constant, 0.2613616…, as
    spatstat ``clarkevans.test``; not the rounded 0.26136) and a two-sided normal p; ``r_donnelly`` applies Donnelly's
    edge correction when the study area's ``perimeter`` is given. Results depend strongly on the
    study ``area`` (in the units of x, y squared) — give the real boundary's area, not the points'
    bounding box (``METHODS.md`` C7).

    >>> r = clark_evans([10, 20, 35, 50, 55, 70, 80, 90, 15, 60], [10, 15, 80, 50, 52, 20, 85, 40, 60, 90],
    ...                 area=10_000, perimeter=400)
    >>> round(r["r"], 7), round(r["z"], 6), round(r["p_value"], 6), round(r["r_donnelly"], 7)
    (1.1772572, 1.072339, 0.283568, 1.0122652)
    """
    keys = ("r_obs", "r_exp", "r", "z", "p_value", "r_donnelly")
    xs, ys = _finite_xy(x, y)
    res = _ext.clark_evans(xs, ys, area=_float_arg("area", area, positive=True),
                           perimeter=None if perimeter is None else _float_arg("perimeter", perimeter, positive=True))
    return {k: res[k] for k in keys}

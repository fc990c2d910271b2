"""The Clark-Evans nearest-neighbour index (the core's ``hotspot::nni``):
docs/methods/hotspots.md (C7)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from .._results import Result
from ..exceptions import InvalidInputError, warn_user
from ._common import _drop_missing, _finite_xy, _float_arg, _left_out_said, _points_in

__all__ = ["clark_evans", "ClarkEvansResult"]

_KEYS = ("r_obs", "r_exp", "r", "z", "p_value", "r_donnelly")


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class ClarkEvansResult(Result, Mapping[str, float]):
    """The Clark-Evans index: ``r`` (below 1 clustered, above 1 dispersed), the observed and
    expected mean nearest-neighbour distances, ``z``, the two-sided ``p_value`` and Donnelly's
    edge-corrected ``r_donnelly`` (NaN without a perimeter). Also reads like the dict it used to
    be: ``r["z"]``, ``dict(r)``, ``r.items()`` (those six keys only). ``missing_coordinates`` and
    ``outside_study_area`` (points outside ``study_area`` left out; until session 28 only in a
    warning: Stevenage's ASB, 25,055 of Hertfordshire's 27,858 records) are fields, not keys; the
    headline says both.
    """

    r_obs: float
    r_exp: float
    r: float
    z: float
    p_value: float
    r_donnelly: float
    #: Points without coordinates that ``missing="drop"`` left out (not a key of the mapping).
    missing_coordinates: int = 0
    #: Points outside ``study_area`` left out (not a key of the mapping; in the headline).
    outside_study_area: int = 0

    def headline(self) -> str:
        """One line: R, z and p, the observed and expected mean nearest-neighbour distances,
        Donnelly's R where a perimeter was given, and the points left out."""
        don = "" if np.isnan(self.r_donnelly) else f"; Donnelly's edge-corrected R = {self.r_donnelly:.4g}"
        return (f"R = {self.r:.4g} (below 1 clustered, above 1 dispersed), z = {self.z:.4g}, p = {self.p_value:.3g}; "
                f"mean nearest-neighbour distance {self.r_obs:,.4g}, expected {self.r_exp:,.4g} under randomness{don}"
                + _left_out_said(self.missing_coordinates, outside=self.outside_study_area))

    def __repr__(self) -> str:
        return f"ClarkEvansResult({self.headline()})"

    def __getitem__(self, key: str) -> float:
        if key not in _KEYS:
            raise KeyError(key)
        return float(getattr(self, key))

    def __iter__(self) -> Iterator[str]:
        return iter(_KEYS)

    def __len__(self) -> int:
        return len(_KEYS)

    def to_pandas(self) -> pd.DataFrame:
        """One row: ``r_obs, r_exp, r, z, p_value, r_donnelly``."""
        return pd.DataFrame([{k: getattr(self, k) for k in _KEYS}])


def clark_evans(x: Any, y: Any = None, *, area: float | None = None, perimeter: float | None = None,
                study_area: Any = None, missing: Literal["error", "drop"] = "error") -> ClarkEvansResult:
    """Clark-Evans nearest-neighbour index (spatstat ``clarkevans`` / ``clarkevans.test``).

    R = mean nearest-neighbour distance / 0.5·√(A/n): below 1 clustered, above 1 dispersed;
    z = (r_obs − r_exp)/SE with SE = √((4 − π)/(4π))·√A/n (the exact constant, 0.2613616…, as
    spatstat ``clarkevans.test``; not the rounded 0.26136) and a two-sided normal p; ``r_donnelly`` applies Donnelly's
    edge correction when the study area's ``perimeter`` is given. Results depend strongly on the
    study ``area`` (in the units of x, y squared) — give the real boundary's area, not the points'
    bounding box (``docs/methods/hotspots.md`` C7). Points at one exact location have a
    nearest-neighbour distance of 0: when more than 10% share a location (police.uk snaps records
    to anonymised map points) a :class:`~saferstats.SaferstatsWarning` says so. ``study_area``: a police force area, CSP or local authority (name or code) or a polygon (see
    :class:`saferstats.StudyArea`; ``x``/``y`` then on the British National Grid): points outside
    it are left out and counted, with where they are, in a :class:`~saferstats.SaferstatsWarning`,
    in ``outside_study_area`` and in the headline (until session 28 only in the warning); its area and perimeter (m², m)
    are the defaults of ``area`` and ``perimeter``. ``missing``: points without coordinates
    (police.uk publishes some records without a location) are refused (``"error"``, the default: a
    :class:`~saferstats.MissingValueError` naming ``x`` and the row) or, with ``"drop"``, left out
    as the grid functions do: a warning names how many and the first row, ``missing_coordinates``
    counts them, and n is the number of points with coordinates.

    Returns a :class:`ClarkEvansResult` (before issue 19 a plain dict; it still reads like one).

    >>> r = clark_evans([10, 20, 35, 50, 55, 70, 80, 90, 15, 60], [10, 15, 80, 50, 52, 20, 85, 40, 60, 90],
    ...                 area=10_000, perimeter=400)
    >>> round(r["r"], 7), round(r["z"], 6), round(r["p_value"], 6), round(r["r_donnelly"], 7)
    (1.1772572, 1.072339, 0.283568, 1.0122652)
    """
    x, y, _, gone = _drop_missing("clark_evans", missing, x, y)
    given = len(_finite_xy(x, y)[0])
    xs, ys, _, _, sa = _points_in(x, y, study_area, None, fixed=True, fn="clark_evans")
    if sa is not None:
        area = sa.area_m2 if area is None else area
        perimeter = sa.perimeter_m if perimeter is None else perimeter
    if area is None:
        raise InvalidInputError("give the study `area` (in the units of x, y squared), or a `study_area`", "area")
    values = _clark_evans_dict(xs, ys, area=area, perimeter=perimeter)
    if values["r"] > _R_IMPOSSIBLE and len(xs) >= 10:


        warn_user(f"clark_evans: R = {values['r']:.4g}, far above 2.149 (a perfect hexagonal lattice, the most "
                  f"dispersed pattern possible): the points cannot fit in area = {area:g} (units of x, y squared) - "
                  "is it in other units (km² for coordinates in metres: multiply by 1,000,000)?")
    _warn_shared_locations(xs, ys)
    return ClarkEvansResult(**{k: float(v) for k, v in values.items()}, missing_coordinates=gone,
                            outside_study_area=given - len(xs))


#: Share of points at a location shared with another point above which clark_evans warns.
SHARED_LOCATIONS = 0.1


def _shared_locations(xs: np.ndarray, ys: np.ndarray) -> tuple[int, np.ndarray] | None:
    """(points sharing their exact location with another, points per distinct location) when more
    than :data:`SHARED_LOCATIONS` of 10 or more points do (police.uk moves every record to one of a
    set of anonymised map points); None otherwise."""
    n = len(xs)
    if n < 10:
        return None
    _, inverse, counts = np.unique(np.column_stack([xs, ys]), axis=0, return_inverse=True, return_counts=True)
    shared = int((counts[np.asarray(inverse).ravel()] > 1).sum())
    return (shared, counts) if shared > SHARED_LOCATIONS * n else None


def _warn_shared_locations(xs: np.ndarray, ys: np.ndarray) -> None:
    """Warn when many points share their exact location with another: their nearest-neighbour
    distance is 0, so R reads "clustered" partly because the points were snapped, not because
    events cluster."""
    found = _shared_locations(xs, ys)
    if found is None:
        return
    shared, counts = found
    n = len(xs)
    warn_user(f"clark_evans: {shared:,} of {n:,} points ({shared / n:.0%}) share their exact location with another, so "
              "their nearest-neighbour distance is 0: R reads as clustered partly because the points were snapped to "
              "common locations (police.uk publishes records at anonymised map points), not only because events "
              f"cluster ({len(counts):,} distinct locations). Compare R over the distinct locations, or count events "
              "per location")


#: Above this R the stated area cannot hold the points (the most dispersed pattern, a hexagonal
#: lattice, has R = 2.149; with fewer than 10 points a long, thin area can give more, so those are not checked).
_R_IMPOSSIBLE = 5.0


def _clark_evans_dict(x: Any, y: Any, *, area: float, perimeter: float | None = None) -> dict[str, float]:
    """The core's Clark-Evans values as a dict (:func:`clark_evans` returns them as a result)."""
    keys = ("r_obs", "r_exp", "r", "z", "p_value", "r_donnelly")
    xs, ys = _finite_xy(x, y)
    res = _ext.clark_evans(xs, ys, area=_float_arg("area", area, positive=True),
                           perimeter=None if perimeter is None else _float_arg("perimeter", perimeter, positive=True))
    return {k: res[k] for k in keys}

"""Projections for the Euclidean hotspot methods: WGS84 to the British National Grid (the
core's ``hotspot::bng``) and a local equirectangular projection in metres."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from ..exceptions import InvalidInputError, MissingValueError, number_of, warn_user
from ._common import (_choice, _core_terms, _float_arg, _given, _lat_lon_arrays, _missing_error, _row, _say_dropped)

__all__ = ["to_bng", "to_local_metres", "BNG_EXTENT"]

#: The British National Grid's area of use (EPSG:27700): lat min, lat max, lon min, lon max.
BNG_EXTENT = (49.75, 61.01, -9.01, 2.01)


#: What the projections return: two arrays, or two Series on the index of a Series given.
_XY = tuple[np.ndarray, np.ndarray] | tuple[pd.Series, pd.Series]


def _on_index(lat: Any, lon: Any, a: np.ndarray, b: np.ndarray) -> _XY:
    """``(a, b)`` as Series ``x``, ``y`` on the index of the Series among ``lat``/``lon`` (the
    first), so that the hotspot functions name a row by its label as these did; else the arrays."""
    given = lat if isinstance(lat, pd.Series) else lon if isinstance(lon, pd.Series) else None
    if given is None:
        return np.asarray(a), np.asarray(b)
    return pd.Series(np.asarray(a), index=given.index, name="x"), pd.Series(np.asarray(b), index=given.index, name="y")


def _no_coordinates(fn: str, missing: str, lat: Any, lon: Any, la: np.ndarray, lo: np.ndarray) -> None:
    """Points without coordinates in a projection: refused (``missing="error"``) in the words of
    every hotspot function (:func:`._common._missing_error`), or, with ``"propagate"``, said in
    a warning with how many and the first row, as the hotspot functions' ``missing="drop"`` says
    it (:func:`._common._say_dropped`); until session 28 ``to_local_metres`` said nothing."""
    absent = np.isnan(la) | np.isnan(lo)
    if not absent.any():
        return
    if missing == "error":
        raise _missing_error(("lat", "lon"), (lat, lon), la, lo, "pass missing='propagate' to get NaN for them, then "
                             "missing='drop' to the hotspot functions, which leave them out and count them")
    _say_dropped(fn, absent, _given(lat, lon), fate=("gets NaN", "get NaN"),
                 then="; pass missing='drop' to the hotspot functions (all that take points), which leave them out and "
                      "count them, or leave them out (np.isfinite(x)) and report how many")


_LON_NAMES = ("longitude", "lon", "long", "lng")
_LAT_NAMES = ("latitude", "lat")


def refuse_swapped_names(fn: str, lat: Any, lon: Any, *, options: tuple[str, str] | None = None) -> None:
    """Refuse ``lat`` given a Series named like a longitude (``Longitude``, ``lon``, ``long``,
    ``lng``) or ``lon`` one named like a latitude whose points, as given, mostly lie outside Great
    Britain (:data:`BNG_EXTENT`; points inside as given are taken as given, a column named wrongly),
    before anything else: until session 33 the
    order was said only when no coordinate was missing (the core's "outside the grid ...
    swapped" error), and police.uk's files miss some, so ``to_bng(df.Longitude, df.Latitude)`` was
    told only "`lat` (column 'Longitude') has 161 missing values". The error is the core's
    swapped-order one: an :class:`~saferstats.InvalidInputError` whose argument is the column.

    Used by :func:`to_bng`, :func:`to_local_metres` and every hotspot function that takes points
    (``fn``, the function the message names: "The order is dbscan(lat, lon)"). ``options``: the
    command line's two options for the columns, e.g. ``("--lat", "--lon")``, for a message in
    their words (``saferstats hotspots --lat Longitude --lon Latitude`` was told until session 35 to
    write ``dbscan(df['Latitude'], df['Longitude'])``, Python it had not written). Returns None
    when the names do not say swapped, or the points lie in Great Britain as given.

    >>> lat = pd.Series([-74.006, -74.0062], name="Longitude")  # New York, swapped
    >>> lon = pd.Series([40.7128, 40.713], name="Latitude")
    >>> refuse_swapped_names("dbscan", lat, lon)
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: `lat` is column 'Longitude' (a longitude) and `lon` is column 'Latitude' (a latitude): latitude and longitude swapped? The order is dbscan(lat, lon): check the column order (lat, lon), e.g. dbscan(df['Latitude'], df['Longitude'])
    >>> refuse_swapped_names("hotspots", lat, lon, options=("--lat", "--lon"))
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: --lat is column 'Longitude' (a longitude) and --lon is column 'Latitude' (a latitude): latitude and longitude swapped? Give --lat the latitude column and --lon the longitude column, e.g. --lat Latitude --lon Longitude
    >>> refuse_swapped_names("dbscan", lon.rename("lat"), lat.rename("lon"))  # named right: None
    """
    def name(v: Any) -> str | None:
        return v.name if isinstance(v, pd.Series) and isinstance(v.name, str) else None

    lat_name, lon_name = name(lat), name(lon)
    wrong = [(param, col, kind) for param, col, names, kind in
             (("lat", lat_name, _LON_NAMES, "longitude"), ("lon", lon_name, _LAT_NAMES, "latitude"))
             if col is not None and col.strip().lower() in names]
    if not wrong:
        return
    # the names say swapped; the values decide where they can: points that lie in Great Britain as
    # given are taken as given (a column named wrongly), whatever their names
    try:
        la, lo = (np.atleast_1d(np.asarray(pd.to_numeric(v, errors="coerce"), dtype=float)) for v in (lat, lon))
    except (TypeError, ValueError):  # the checks after this one say what is wrong with them
        la = lo = np.array([])
    ok = np.isfinite(la) & np.isfinite(lo) if len(la) == len(lo) else np.zeros(0, bool)
    if ok.any():
        la, lo = la[ok], lo[ok]
        inside = (la >= BNG_EXTENT[0]) & (la <= BNG_EXTENT[1]) & (lo >= BNG_EXTENT[2]) & (lo <= BNG_EXTENT[3])
        if inside.mean() >= 0.5:
            return
    if options is not None:  # the command line's words: its options, not a Python call
        flag = dict(zip(("lat", "lon"), options))
        said = " and ".join(f"{flag[param]} is column {col!r} (a {kind})" for param, col, kind in wrong)
        right = (f"{options[0]} {lon_name} {options[1]} {lat_name}" if len(wrong) == 2
                 else f"{options[0]} LATITUDE_COLUMN {options[1]} LONGITUDE_COLUMN")
        raise InvalidInputError(f"{said}: latitude and longitude swapped? Give {options[0]} the latitude column and "
                                f"{options[1]} the longitude column, e.g. {right}", wrong[0][0])
    said = " and ".join(f"`{param}` is column {col!r} (a {kind})" for param, col, kind in wrong)
    right = (f"{fn}(df[{lon_name!r}], df[{lat_name!r}])"
             if len(wrong) == 2 else f"{fn}(latitude, longitude)")
    raise InvalidInputError(f"{said}: latitude and longitude swapped? The order is {fn}(lat, lon): "
                            f"check the column order (lat, lon), e.g. {right}", wrong[0][1])


def to_local_metres(lat: Any, lon: Any, *, origin: tuple[float, float] | None = None,
                    missing: Literal["error", "propagate"] = "error") -> _XY:
    """Project lat/lon (degrees) to local east/north metres (equirectangular about ``origin``,
    default the points' centre): accurate to ~0.1% across a county, for KDE, weights and Knox.
    Computed by the core (``saferstats::hotspot::bng::to_local_metres``).

    Returns ``(x, y)``: two numpy arrays, or, when ``lat`` or ``lon`` is a pandas Series, two
    Series ``x`` and ``y`` on its index (as :func:`to_bng`).

    ``lat`` and ``lon`` must have equal lengths and lie in [−90, 90] / [−180, 180] (an error names
    the row otherwise). Missing coordinates raise :class:`~saferstats.MissingValueError` naming the
    row and how many, or with ``missing="propagate"`` give NaN, counted in a
    :class:`~saferstats.SaferstatsWarning` (as :func:`to_bng`; until session 28 silently). Longitudes
    are taken relative to the origin across the ±180° meridian (the shorter way round). A ``lat``
    Series named like a longitude (``Longitude``, ``lon``, ``long``, ``lng``) or a ``lon`` named
    like a latitude is refused first as swapped (:class:`~saferstats.InvalidInputError`) unless most
    of its points lie in Great Britain as given, as in
    :func:`to_bng`.

    >>> x, y = to_local_metres([51.5, 51.5], [-0.12, -0.11])
    >>> round(float(x[1] - x[0]))
    692
    """
    _choice("missing", missing, ("error", "propagate"))
    refuse_swapped_names("to_local_metres", lat, lon)
    la, lo = _lat_lon_arrays(lat, lon)
    _no_coordinates("to_local_metres", missing, lat, lon, la, lo)
    org = None
    if origin is not None:
        if not isinstance(origin, (tuple, list)) or len(origin) != 2:
            raise InvalidInputError("`origin` must be a (lat, lon) pair in degrees", "origin")
        org = (_float_arg("origin", origin[0]), _float_arg("origin", origin[1]))
    elif not (~(np.isnan(la) | np.isnan(lo))).any():
        raise MissingValueError("every point has a missing coordinate", "lat", 0)
    with _core_terms(lat=lat, lon=lon):
        res = _ext.to_local_metres(np.ascontiguousarray(la), np.ascontiguousarray(lo), origin=org)
    return _on_index(lat, lon, res["x"], res["y"])


def to_bng(lat: Any, lon: Any, *, outside: Literal["error", "nan"] = "error",
           missing: Literal["error", "propagate"] = "error") -> _XY:
    """WGS84 latitude/longitude → British National Grid (EPSG:27700) eastings and northings, metres.

    Returns ``(x, y)``: two numpy arrays, or, when ``lat`` or ``lon`` is a pandas Series (a
    police.uk file's ``Latitude``/``Longitude`` columns), two Series ``x`` and ``y`` on its index,
    so that rows left out later keep their labels and the hotspot functions name a bad row by its
    label in the file, as ``to_bng`` does (until session 17 the arrays lost the index, and
    ``hotspot_kde`` named the row's position among the points passed). Index them by label
    (``x.loc[...]``, a boolean mask) or take ``x.to_numpy()`` for positions.

    Method: the Ordnance Survey's 7-parameter Helmert transformation ETRS89→OSGB36 and the OS
    Transverse Mercator projection (*A guide to coordinate systems in Great Britain*). The projection
    reproduces the OS worked example to the millimetre; the Helmert step is accurate to about 3–5 m
    (OSTN15 is not used), and agrees with PROJ's grid-less EPSG:4326→27700 to under 1 m.

    Points outside the grid's area of use (:data:`BNG_EXTENT`: 49.75–61.01°N, 9.01°W–2.01°E) have
    no meaningful grid reference: they raise :class:`~saferstats.InvalidInputError` naming the row
    (and saying so when latitude and longitude look swapped), or with ``outside="nan"`` get NaN with
    a :class:`~saferstats.SaferstatsWarning` giving how many. Missing coordinates (police.uk
    publishes some records without a location) raise :class:`~saferstats.MissingValueError` with
    how many and the first row, or with ``missing="propagate"`` give NaN, counted in a
    :class:`~saferstats.SaferstatsWarning`; pass ``missing="drop"`` to the hotspot functions (every
    one that takes points), which leave those rows out and count them (by default they refuse NaN).
    A ``lat`` Series named like a longitude (``Longitude``, ``lon``, ``long``, ``lng``) or a ``lon``
    named like a latitude is refused first, unless most of its points lie in Great Britain as given, with an
    :class:`~saferstats.InvalidInputError` saying the order is ``to_bng(lat, lon)`` (until session
    33 only when no coordinate was missing).

    >>> e, n = to_bng([51.5080], [-0.1281])   # Trafalgar Square
    >>> int(e[0] // 1000), int(n[0] // 1000)
    (530, 180)
    >>> import pandas as pd
    >>> x, y = to_bng(pd.Series([51.5080, 51.7520], index=[7, 12]), pd.Series([-0.1281, -0.3390], index=[7, 12]))
    >>> x.index.tolist(), int(y.loc[12] // 1000)
    ([7, 12], 207)
    """
    _choice("outside", outside, ("error", "nan"))
    _choice("missing", missing, ("error", "propagate"))
    refuse_swapped_names("to_bng", lat, lon)
    la, lo = _lat_lon_arrays(lat, lon)
    absent = np.isnan(la) | np.isnan(lo)
    given = lat if isinstance(lat, pd.Series) else lon  # its index names the rows
    _no_coordinates("to_bng", missing, lat, lon, la, lo)
    e = np.full(len(la), np.nan)
    n = np.full(len(la), np.nan)
    if outside == "error" or len(la) == 0:
        if not absent.any():
            with _core_terms(lat=lat, lon=lon):
                res = _ext.wgs84_to_bng(la, lo)
            return _on_index(lat, lon, res["easting"], res["northing"])
        kept = np.flatnonzero(~absent)
        if kept.size:
            with _core_terms(kept, lat=lat, lon=lon):  # the core's positions are among the located points
                res = _ext.wgs84_to_bng(np.ascontiguousarray(la[kept]), np.ascontiguousarray(lo[kept]))
            e[kept], n[kept] = res["easting"], res["northing"]
        return _on_index(lat, lon, e, n)
    inside = ~absent & (la >= BNG_EXTENT[0]) & (la <= BNG_EXTENT[1]) & (lo >= BNG_EXTENT[2]) & (lo <= BNG_EXTENT[3])
    if inside.any():
        res = _ext.wgs84_to_bng(np.ascontiguousarray(la[inside]), np.ascontiguousarray(lo[inside]))
        e[inside], n[inside] = res["easting"], res["northing"]
    if not (inside | absent).all():
        row = int(np.flatnonzero(~inside & ~absent)[0])
        beyond = int((~inside & ~absent).sum())
        warn_user(f"{number_of(beyond, 'point')} {'lies' if beyond == 1 else 'lie'} outside the British National Grid's "
                  f"area of use and {'gets' if beyond == 1 else 'get'} NaN "
                  f"(first at {_row(given, row)})")
    return _on_index(lat, lon, e, n)

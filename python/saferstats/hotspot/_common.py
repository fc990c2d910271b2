"""Shared argument checks and helpers of the hotspot modules (not public)."""

from __future__ import annotations

import contextlib
import functools
import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from .._frames import as_float_array, core_errors, label_of, refuse_frame, row_named
from ..exceptions import InvalidInputError, MissingValueError, SaferstatsError, number_of, warn_user

#: The mean Earth radius (IUGG R1, metres) the core uses for haversine distances (the core's own
#: constant, exported by the compiled module).
EARTH_RADIUS_M: float = _ext.EARTH_RADIUS_M
_UK = (49.8, 61.0, -8.7, 2.0)  # lat min, lat max, lon min, lon max
_BNG_XY = (700_000.0, 1_300_000.0)  # the British National Grid's eastings and northings: 0 to these

#: Row ``pos`` of ``given`` as a message names it: "row 'E01'" by its label, with its position when the
#: index repeats the label (monthly police.uk files joined with ``pd.concat``): the package's one helper.
_row = row_named


def _absent_months(stamps: Any) -> list[str]:
    """The months ("2021-06") between the first and the last month of ``stamps`` (datetimes on the
    first of their month, missing ones left out) in which there is none: with police.uk's monthly
    files, a month with no record at all over a force or district is a file not read.

    >>> _absent_months(pd.to_datetime(["2021-05", "2021-07", "2021-07", "2021-09"]))
    ['2021-06', '2021-08']
    """
    d = pd.DatetimeIndex(pd.Series(stamps).dropna())
    if len(d) == 0:
        return []
    present = np.unique(np.asarray(d.year * 12 + d.month - 1, dtype=np.int64))
    absent = np.setdiff1d(np.arange(present[0], present[-1] + 1), present)
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in absent.tolist()]


def _empty_month_cause(stamps: Any) -> str:
    """Why a month between others holds no record, from the records' months (``stamps``, datetimes):
    police.uk publishes a file per month, so with 5 or more records a month on average (a Poisson
    chance of none below 1%) a file not read; with fewer, chance is as likely.

    >>> _empty_month_cause(pd.to_datetime(["2021-01"] * 30 + ["2021-03"] * 30))
    'police.uk publishes a file per month and these records average 30 a month, so a month with none is most likely a file not read (or not downloaded)'
    """
    d = pd.DatetimeIndex(pd.Series(stamps).dropna())
    months = max(len(np.unique(np.asarray(d.year * 12 + d.month, dtype=np.int64))), 1)
    mean = len(d) / months
    if mean >= 5:
        return (f"police.uk publishes a file per month and these records average {mean:,.0f} a month, so a month with "
                "none is most likely a file not read (or not downloaded)")
    return (f"these records average {mean:.1g} a month, so a month with none may be chance (a Poisson chance of "
            f"{np.exp(-mean):.0%}) or a police.uk file not read")


def _int_arg(name: str, v: Any, lo: int = 0, hi: int = 2**63 - 1) -> int:
    """A whole-number argument in [lo, hi], or InvalidInputError naming it (never a raw
    TypeError/OverflowError from the binding)."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        if isinstance(v, (float, np.floating)) and np.isfinite(v) and float(v).is_integer():
            v = int(v)
        else:
            raise InvalidInputError(f"`{name}` must be a whole number, got {v!r}", name)
    v = int(v)
    if not lo <= v <= hi:
        raise InvalidInputError(f"`{name}` must be between {lo} and {hi}, got {v}", name)
    return int(v)


def _float_arg(name: str, v: Any, *, positive: bool = False, finite: bool = True) -> float:
    """A real-number argument (optionally > 0 / finite), or InvalidInputError naming it."""
    if isinstance(v, (bool, np.bool_, str, bytes)) or v is None or isinstance(v, (complex, np.complexfloating)):
        raise InvalidInputError(f"`{name}` must be a number, got {v!r}", name)
    try:
        f = float(v)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInputError(f"`{name}` must be a number, got {v!r}", name) from None
    if np.isnan(f) or (finite and not np.isfinite(f)):
        raise InvalidInputError(f"`{name}` must be a finite number, got {v!r}", name)
    if positive and not f > 0:
        raise InvalidInputError(f"`{name}` must be positive, got {v!r}", name)
    return f


def _seed(seed: Any) -> int:
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0])
    return _int_arg("seed", seed, 0, 2**64 - 1)


def _choice(name: str, v: Any, options: tuple[str, ...]) -> str:
    if not isinstance(v, str) or v not in options:
        raise InvalidInputError(f"unknown {name} {v!r}; valid: {', '.join(repr(o) for o in options)}", name)
    return v


def _coordinate(name: str, v: Any) -> np.ndarray:
    """``v`` as floats (:func:`saferstats._frames.as_float_array`), its refusal of a cell that is
    not a number naming the Series' column as the missing-value refusal does (:func:`_row_error`):
    until session 35 ``dbscan(df.y_lat, df.x_lon, ...)`` on a CSV with '51.5N' in ``y_lat`` was told
    "`lat` at position 5: '51.5N' is not a number", no column named.

    >>> _coordinate("lat", pd.Series(["51.5", "51.5N"], name="y_lat"))
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: `lat` (column 'y_lat') at position 1: '51.5N' is not a number
    """
    try:
        return as_float_array(name, v)
    except InvalidInputError as exc:
        column = v.name if isinstance(v, pd.Series) else None
        msg = str(exc)
        if not isinstance(column, str) or column == name or f"`{name}`" not in msg:
            raise
        raise type(exc)(msg.replace(f"`{name}`", f"`{name}` (column {column!r})", 1), exc.argument, exc.index,
                        position=exc.position) from None


def _finite_xy(x: Any, y: Any, names: tuple[str, str] = ("x", "y")) -> tuple[np.ndarray, np.ndarray]:
    """Projected coordinates: equal lengths, no missing or infinite values (errors name the row).
    ``x`` may be a GeoSeries/GeoDataFrame of points (``y=None``): its British National Grid x/y."""
    from ..exceptions import LengthMismatchError

    if y is None:
        x, y = _geo_points(x, names, "bng")
    xs, ys = _coordinate(names[0], x), _coordinate(names[1], y)
    if len(xs) != len(ys):
        raise LengthMismatchError(f"length mismatch: `{names[0]}` has {len(xs)} elements but `{names[1]}` has "
                                  f"{len(ys)}", names[1])
    if np.isnan(xs).any() or np.isnan(ys).any():
        raise _missing_error(names, (x, y), xs, ys, "leave them out (np.isfinite({name})) and report how many")
    for name, v, given in zip(names, (xs, ys), (x, y)):
        if not np.isfinite(v).all():
            row = int(np.flatnonzero(~np.isfinite(v))[0])
            raise _row_error(InvalidInputError, name, given, row, f"`{name}` at {{row}}: {v[row]} is not a finite coordinate")
    return xs, ys


def _missing_error(names: tuple[str, str], given: tuple[Any, Any], a: np.ndarray, b: np.ndarray,
                   fix: str) -> InvalidInputError:
    """The :class:`~saferstats.MissingValueError` of points without coordinates (``a`` or ``b``
    NaN), in the one wording of every hotspot function and projection (x/y and lat/lon alike):
    the coordinate missing at the first such row, named by its label in ``given`` (the caller's
    two coordinates, in the order of ``names``), how many values and points, and ``fix`` (where
    ``{name}`` is that coordinate's name).

    >>> str(_missing_error(("lat", "lon"), ([51.5, float("nan")], [0.1, float("nan")]),
    ...                    np.array([51.5, np.nan]), np.array([0.1, np.nan]), "pass missing='drop'"))
    "`lat` has 1 missing value (first at row 1): 1 of 2 points has missing coordinates (police.uk ...) and
    cannot be placed; pass missing='drop'"
    """
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    bad = nan_a | nan_b
    pos = int(np.flatnonzero(bad)[0])
    k = 0 if nan_a[pos] else 1
    name, nan = names[k], (nan_a, nan_b)[k]
    named = given[k] if isinstance(given[k], (pd.Series, pd.DataFrame)) else _given(*given)
    return _row_error(MissingValueError, name, named, pos,
                      f"`{name}` has {number_of(int(nan.sum()), 'missing value')} (first at {{row}}): {int(bad.sum()):,} "
                      f"of {number_of(len(bad), 'point')} {'has' if int(bad.sum()) == 1 else 'have'} missing coordinates (police.uk publishes some records without a "
                      f"location) and cannot be placed; {fix.replace('{name}', name)}")


def _left_out_said(n: int, before: str = "; ", after: str = "", outside: int = 0) -> str:
    """A headline's words for the ``n`` points ``missing="drop"`` left out (:func:`_drop_missing`)
    and the ``outside`` points a study area left out, or "" when none was: the grid, KDE, NNH and
    Knox headlines say it alike.

    >>> _left_out_said(10), _left_out_said(0), _left_out_said(1200, " (", ")")
    ('; 10 points without coordinates left out', '', ' (1,200 points without coordinates left out)')
    >>> _left_out_said(12, " (", ")", outside=25_055)
    ' (12 points without coordinates left out; 25,055 points outside the study area left out)'
    """
    said = [f"{number_of(n, 'point')} without coordinates left out"] if n else []
    said += [f"{number_of(outside, 'point')} outside the study area left out"] if outside else []
    return f"{before}{'; '.join(said)}{after}" if said else ""


def _drop_fix(returns: str = "counted in a warning and in the result") -> str:
    """What a refusal of points without coordinates tells the caller to do, where ``missing=`` is
    taken: ``returns`` says what ``"drop"`` does besides leaving them out (``{name}``: the
    coordinate :func:`_missing_error` names)."""
    return f"pass missing='drop' to leave them out ({returns}), or leave them out (np.isfinite({{name}})) and report how many"


def _drop_missing(what: str, missing: str, x: Any, y: Any, *aligned: Any,
                  names: tuple[str, str] = ("x", "y"),
                  returns: str = "counted in a warning and in the result") -> tuple[Any, Any, list[Any], int]:
    """``missing=`` of the grid functions, with :func:`dbscan`'s values: ``"error"`` refuses points
    without coordinates (a :class:`~saferstats.MissingValueError` naming the coordinate and the
    row, and saying ``missing='drop'``); ``"drop"`` leaves them out, with a warning naming how many
    and the first row by its label, as dbscan's. Returns ``x``, ``y`` and the arrays ``aligned``
    with them (weights, periods, times) without those rows, each a Series that keeps the caller's
    row labels (a plain array's positions as given), and how many were left out. A GeoSeries given
    as ``x`` (``y=None``) comes back as its British National Grid x and y. ``returns``: what the
    refusal says ``"drop"`` does besides (a function returning a number: "counted in a warning")."""
    _choice("missing", missing, ("error", "drop"))
    if y is None and hasattr(x, "crs") and hasattr(x, "to_crs"):
        x, y = _geo_points(x, names, "bng")
    if y is None:
        return x, y, list(aligned), 0  # the function's own checks say what is missing
    xs, ys = _coordinate(names[0], x), _coordinate(names[1], y)
    if len(xs) != len(ys):
        return x, y, list(aligned), 0  # a length mismatch is reported by the function's own checks
    bad = np.isnan(xs) | np.isnan(ys)
    if not bad.any():
        return x, y, list(aligned), 0
    if missing != "drop":
        raise _missing_error(names, (x, y), xs, ys, _drop_fix(returns))
    _say_dropped(what, bad, _given(x, y))
    keep = ~bad

    def take(v: Any) -> Any:
        if v is None or len(v) != len(keep):
            return v  # a length mismatch is reported by the function's own checks
        if isinstance(v, pd.Series):
            return v[keep]
        return pd.Series(list(v) if not isinstance(v, np.ndarray) else v, index=np.arange(len(keep)))[keep]

    return take(x), take(y), [take(v) for v in aligned], int(bad.sum())


def _row_error(cls: type[InvalidInputError], name: str, given: Any, pos: int, message: str) -> InvalidInputError:
    """``cls(message)`` about argument ``name`` at position ``pos`` of ``given``, with ``{row}``
    in ``message`` naming the row by its pandas label (``row 'E01'``; the position without an
    index): ``.index`` is that label, ``.position`` the 0-based row."""
    label = label_of(given, pos)
    column = given.name if isinstance(given, pd.Series) else None
    if column is not None and column != name:
        message = message.replace(f"`{name}`", f"`{name}` (column {column!r})", 1)
    return cls(message.replace("{row}", _row(given, pos)), name, label, position=pos)


@contextlib.contextmanager
def _core_terms(rows: Any = None, **given: Any) -> Iterator[None]:
    """A context in which the core's errors name the caller's row label and column
    (:func:`saferstats._frames.core_errors`): ``given`` maps the core's argument names to what the
    caller passed (a named Series names its column; the first Series' index names the rows);
    ``rows[i]`` is the caller's position of the core's position ``i`` when points were left out.
    A label the index repeats (police.uk months joined with ``pd.concat``) is named with its
    position too (:func:`saferstats._frames.row_named`, as every translated error does)."""
    series = {k: v for k, v in given.items() if isinstance(v, pd.Series)}
    columns = {k: (v.name, k) for k, v in series.items() if v.name is not None and v.name != k}
    index = next((v.index for v in series.values()), None)
    with core_errors(columns=columns or None, index=index, rows=rows):
        yield


def _positioned(exc: SaferstatsError, given: Any) -> SaferstatsError:
    """``exc`` naming its row as :func:`_row` does: when the row's label (``exc.index``) is one that
    ``given``'s index repeats, "row 935" becomes "row 935 (position 3,000: 2 rows have that label;
    ...)", so that the message names one row (``.index`` stays the label, ``.position`` the row).
    Other errors come back as they are."""
    pos = exc.position
    index = getattr(given, "index", None) if isinstance(given, (pd.Series, pd.DataFrame)) else None
    if pos is None or index is None or index.is_unique or not 0 <= pos < len(index):
        return exc
    named = f"row {label_of(given, pos)!r}"
    where = _row(given, pos)
    msg = str(exc)
    if where == named or named not in msg or where in msg:
        return exc
    out = type(exc)(msg.replace(named, where, 1), exc.argument, exc.index, position=pos)
    out.__dict__.update({k: v for k, v in exc.__dict__.items() if k not in ("argument", "index", "position")})
    return out


_F = TypeVar("_F", bound=Callable[..., Any])


def _names_positions(*arrays: str) -> Callable[[_F], _F]:
    """Decorate a function (outside :func:`saferstats._frames.translates_core_errors`) so that an
    error naming a row by a label that the index of the first Series among ``arrays`` repeats
    names its position too (:func:`_positioned`)."""
    def decorate(func: _F) -> _F:
        sig = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except SaferstatsError as exc:
                try:
                    bound = sig.bind(*args, **kwargs).arguments
                except TypeError:
                    raise exc from None
                given = next((bound[n] for n in arrays if isinstance(bound.get(n), pd.Series)), None)
                raise _positioned(exc, given) from None

        return wrapper  # type: ignore[return-value]

    return decorate


def _lat_lon_arrays(lat: Any, lon: Any) -> tuple[np.ndarray, np.ndarray]:
    """``lat`` and ``lon`` as float arrays of one length (else a
    :class:`~saferstats.LengthMismatchError` naming ``lon``); missing values are left as NaN."""
    from ..exceptions import LengthMismatchError

    la = _coordinate("lat", lat)
    lo = _coordinate("lon", lon)
    if len(la) != len(lo):
        raise LengthMismatchError(f"length mismatch: `lat` has {len(la)} elements but `lon` has {len(lo)}", "lon")
    return la, lo


def _latlon(lat: Any, lon: Any, missing: str, study_area: Any, *,
            fn: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Finite lat/lon of the points used, the mask of those points, and the label each input
    point gets when it is not used: -2 (missing coordinates, ``missing="drop"``) or -3 (outside
    ``study_area``, reported in a warning). ``lat`` may be a GeoSeries/GeoDataFrame (``lon=None``).

    Latitude and longitude swapped are refused before the missing coordinates, and named Series
    in the wrong order (``dbscan(df.Longitude, df.Latitude, ...)``) before anything else
    (:func:`_refuse_swapped_first`); ``fn`` is the public function the message names."""
    named = None
    if lon is None:
        lat, lon = _geo_points(lat, ("lat", "lon"), "latlon")
    else:
        named = _swapped_names(fn, lat, lon)
    la, lo = _lat_lon_arrays(lat, lon)
    bad = np.isnan(la) | np.isnan(lo)
    given = lat if isinstance(lat, pd.Series) else lon
    ok = ~bad
    if named is not None or (bad.any() and missing != "drop"):
        _refuse_swapped_first(named, la[ok], lo[ok], given, np.flatnonzero(ok))
    if bad.any() and missing != "drop":
        raise _missing_error(("lat", "lon"), (lat, lon), la, lo, _drop_fix("labelled -2, counted in a warning"))
    fill = np.where(bad, -2, 0).astype(np.int64)
    # before the study area: swapped points would all lie outside it and be refused as "no points inside"
    _check_latlon(la[ok], lo[ok], given, np.flatnonzero(ok))
    if study_area is not None:
        area = _study_area(study_area)
        inside = np.zeros(len(la), dtype=bool)
        inside[ok] = area.contains(la[ok], lo[ok])
        outside = ok & ~inside
        _warn_outside(area, int(inside.sum()), area.outside(la[outside], lo[outside]))
        fill[outside] = -3
        ok = inside
    a, b = la[ok], lo[ok]
    return np.ascontiguousarray(a), np.ascontiguousarray(b), ok, fill


def _swapped_names(fn: str, lat: Any, lon: Any) -> InvalidInputError | None:
    """The refusal :func:`saferstats.to_bng` gives ``lat`` and ``lon`` Series named the wrong way
    round (``Longitude`` as ``lat``) whose points mostly lie outside Great Britain as given (the
    check of :mod:`saferstats.hotspot.bng`, naming ``fn``), or None when the names do not say so."""
    from .bng import refuse_swapped_names  # (bng imports this module: imported when called)

    try:
        refuse_swapped_names(fn, lat, lon)
    except InvalidInputError as exc:
        return exc
    return None


def _refuse_swapped_first(named: InvalidInputError | None, a: np.ndarray, b: np.ndarray, given: Any,
                          rows: Any) -> None:
    """Refuse swapped latitude and longitude before the points' missing coordinates or study area
    are looked at: until session 34 ``dbscan(df.Longitude, df.Latitude, ...)`` on a police.uk file
    (161 of the 9,139 records of Hertfordshire's June 2021 have no location) was told only "`lat`
    (column 'Longitude') has 161 missing values", where :func:`saferstats.to_bng` said the order.
    Points that lie in Great Britain only with the two exchanged get :func:`_check_latlon`'s
    :class:`~saferstats.CoordinateError` (argument ``lat``, the first such row), as the hotspot
    functions have refused them since session 26 and as the command line words it (``--lat``);
    otherwise Series named the wrong way round (``named``, from :func:`_swapped_names`) get
    :func:`saferstats.to_bng`'s refusal ("The order is dbscan(lat, lon)"), where until session 34
    points outside Great Britain were clustered as given. ``a``/``b``: the located points."""
    import warnings

    from ..exceptions import SaferstatsWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)  # (a few swapped points: warned about later, as before)
        _check_latlon(a, b, given, rows)
    if named is not None:
        raise named


def _warn_dropped(fill: np.ndarray, what: str, given: Any = None) -> None:
    """Say how many points ``missing="drop"`` left out (label -2 in ``fill`` of :func:`_latlon`),
    as every other function that drops rows does (the first by its row label in ``given``)."""
    _say_dropped(what, fill == -2, given, "label -2; ")


def _say_dropped(what: str, bad: np.ndarray, given: Any = None, label: str = "",
                 fate: tuple[str, str] = ("is left out", "are left out"), then: str = "") -> None:
    """"<what>: 10 of 8,533 points have missing coordinates and are left out (first at row 'x')",
    "1 of 4 points has missing coordinates and is left out": the one warning of points without
    coordinates (``fate``: what happens to one of them and to several; ``then``: advice after it),
    as :func:`_missing_error` refuses them."""
    gone = np.flatnonzero(bad)
    if gone.size:
        one = gone.size == 1
        warn_user(f"{what}: {gone.size:,} of {number_of(len(bad), 'point')} {'has' if one else 'have'} missing "
                  f"coordinates and {fate[0] if one else fate[1]} "
                  f"({label}first at {_row(given, int(gone[0]))}){then}")


def _check_latlon(a: np.ndarray, b: np.ndarray, given: Any = None, rows: Any = None) -> None:
    """Refuse latitude and longitude that are clearly swapped; warn where it is ambiguous.
    ``rows[i]`` is the position in ``given`` (whose index names the row) of ``a[i]``. Until
    session 26 dbscan, hdbscan and cluster_summary only warned on swapped columns and then
    returned clusters of the swapped points (distances in metres wrong).

    * (a latitude beyond ±90° is refused by the core, naming ``lat`` and the row;)
    * most points in Great Britain only with the two exchanged (the check
      :func:`saferstats.assign_area` raises on: half or more, and more than fall in it as given):
      a :class:`~saferstats.CoordinateError` naming ``lat`` and the first such row;
    * fewer such points (a few records swapped among the others, or points really in East Africa
      or the Indian Ocean, where lat -9 to 2.5 and lon 49 to 61.5 lie): a
      :class:`~saferstats.SaferstatsWarning` naming how many and the first row."""
    from ..exceptions import CoordinateError
    from ..geography import GB_LAT, GB_LON, check_swapped

    def at(i: int) -> int:
        return i if rows is None else int(rows[i])

    try:
        check_swapped(a, b)
    except CoordinateError as exc:
        pos = at(exc.position) if exc.position is not None else None
        where = _row(given, pos) if pos is not None else None
        # the row by its label, with its position when the index repeats the label (pd.concat)
        text = str(exc) if where is None else re.sub(r"\(row \d+:", lambda _: f"({where}:", str(exc), count=1)
        raise CoordinateError(f"{text} — latitude and longitude swapped? Distances in metres and clusters on them "
                              "would be wrong, so none are computed", "lat", label_of(given, pos) if pos is not None
                              else None, position=pos) from None
    swapped = np.flatnonzero((a > GB_LON[0]) & (a < GB_LON[1]) & (b > GB_LAT[0]) & (b < GB_LAT[1]))
    if swapped.size:
        i = int(swapped[0])
        warn_user(f"{swapped.size:,} of {len(a):,} points fall in Great Britain only with latitude and longitude "
                  f"exchanged (first at {_row(given, at(i))}: lat={a[i]}, lon={b[i]}); the others do not — those "
                  "rows' latitude and longitude swapped? Their distances and clusters are wrong until they are "
                  "fixed (points really in East Africa or the Indian Ocean are where they are given)")


def _geo_points(points: Any, names: tuple[str, str], kind: str) -> tuple[Any, Any]:
    """lat/lon (``kind="latlon"``) or British National Grid x/y (``"bng"``) of a GeoSeries or
    GeoDataFrame of points given alone (the second coordinate argument ``None``)."""
    if not (hasattr(points, "crs") and hasattr(points, "to_crs")):
        raise InvalidInputError(f"`{names[1]}` is missing: pass both coordinates, or a GeoSeries/GeoDataFrame of "
                                f"points as `{names[0]}` alone", names[1])
    from .. import geo

    return geo.latlon(points, missing="propagate") if kind == "latlon" else geo.bng(points, missing="propagate")


def _study_area(v: Any) -> Any:
    from ..geography import StudyArea

    return v if isinstance(v, StudyArea) else StudyArea(v)


def _area_named(area: Any) -> str:
    """How a message names a study area: "the study area Hertfordshire (police force area
    E23000026)", "the study area polygon"."""
    return f"the study area {area.describe()}"


def _warn_outside(area: Any, n_in: int, where: pd.DataFrame) -> None:
    if len(where):
        warn_user(str(area.note(n_in, where)))  # "the study area <describe()>: ... points inside; ..."
    if n_in == 0:
        raise InvalidInputError(f"no points inside {_area_named(area)}", "study_area")


def _in_area(study_area: Any, xs: np.ndarray, ys: np.ndarray, *others: Any) -> tuple[Any, np.ndarray, np.ndarray, list[Any]]:
    """With a study area: the area, and the projected points (and the arrays aligned with them)
    inside it, the others counted in a warning that says where they are. Without: unchanged."""
    if study_area is None:
        return None, xs, ys, list(others)
    area = _study_area(study_area)
    inside = area.contains_xy(xs, ys)
    if not inside.any() and len(xs) and (np.abs(xs) <= 180).all() and (np.abs(ys) <= 90).all():
        raise InvalidInputError("no points inside the study area: x/y look like longitude/latitude degrees, but a "
                                "study area needs British National Grid metres here (saferstats.to_bng)", "x")
    if not inside.any() and len(xs):
        b = area.bounds
        grid = (xs >= 0) & (xs <= _BNG_XY[0]) & (ys >= 0) & (ys <= _BNG_XY[1])
        away = xs.max() < b[0] or xs.min() > b[1] or ys.max() < b[2] or ys.min() > b[3]
        if away and not grid.all():
            # no point even within the area's extent, and some off the grid: not the points of another
            # place, but another grid (to_local_metres gives metres about the points' own centre, so ~0)
            raise InvalidInputError(
                f"no points inside {_area_named(area)}: none is even within its extent on the British National "
                f"Grid (x {b[0]:,.0f} to {b[1]:,.0f}, y {b[2]:,.0f} to {b[3]:,.0f}; the points span x "
                f"{xs.min():,.0f} to {xs.max():,.0f}, y {ys.min():,.0f} to {ys.max():,.0f}). A study area needs "
                "British National Grid metres: project with saferstats.to_bng(lat, lon) (to_local_metres gives "
                "metres about the points' own centre)", "x")
    _warn_outside(area, int(inside.sum()), area.outside_xy(xs[~inside], ys[~inside]))
    kept = [None if o is None else (o[inside] if isinstance(o, np.ndarray) else _series_take(o, inside)) for o in others]
    return area, np.ascontiguousarray(xs[inside]), np.ascontiguousarray(ys[inside]), kept


def _degrees_order(xs: np.ndarray, ys: np.ndarray) -> str | None:
    """"longitude/latitude" (or "latitude/longitude") when every projected point is in the UK read
    as degrees that way; None otherwise (and for no points)."""
    if not len(xs):
        return None
    lonlat = (xs >= _UK[2]) & (xs <= _UK[3]) & (ys >= _UK[0]) & (ys <= _UK[1])
    latlon = (ys >= _UK[2]) & (ys <= _UK[3]) & (xs >= _UK[0]) & (xs <= _UK[1])
    return "longitude/latitude" if lonlat.all() else "latitude/longitude" if latlon.all() else None


def _warn_degrees(xs: np.ndarray, ys: np.ndarray, names: tuple[str, str] = ("x", "y"), fn: str = "") -> None:
    """Warn when projected coordinates (metres) are in fact UK longitude/latitude degrees (or
    latitude/longitude): distances, cell sizes and bandwidths in metres would then be read as
    degrees, and a grid, density or near-repeat table comes out meaningless without an error.
    The warning starts with the function's name ``fn`` ("kde_grid: `x`/`y` look like ..."), as
    the package's other warnings do (until session 35 it named no function)."""
    order = _degrees_order(xs, ys)
    if order is not None:
        warn_user(f"{fn + ': ' if fn else ''}`{names[0]}`/`{names[1]}` look like {order} degrees (every point is in "
                  "the UK read that way), but these are projected coordinates in metres: convert them first "
                  "(saferstats.to_bng(lat, lon) or to_local_metres); cell sizes, bandwidths and distances are in metres")


def _points_in(x: Any, y: Any, study_area: Any, bounds: Any, *others: Any, names: tuple[str, str] = ("x", "y"),
               fixed: bool = False, fn: str = "") -> tuple[np.ndarray, np.ndarray, list[Any], Any, Any]:
    """Checked projected points (and arrays aligned with them) inside ``study_area``; the bounds
    of a grid over them (the study area's extent when ``bounds`` is None and the grid is not
    ``fixed`` by a given grid); and the StudyArea (or None). Degrees given as metres are warned
    about (with a study area they are an error, as no point is inside it)."""
    xs, ys = _finite_xy(x, y, names)
    if study_area is None:
        _warn_degrees(xs, ys, names, fn)
    area, xs, ys, kept = _in_area(study_area, xs, ys, *others)
    if bounds is None and not fixed and area is not None:
        bounds = area.bounds
    return xs, ys, kept, bounds, area


def _weights(w: Any, n: int) -> np.ndarray | None:
    """Point weights as floats (None without them): one for each of the ``n`` points, checked by
    :func:`_check_weights`."""
    from ..exceptions import LengthMismatchError

    if w is None:
        return None
    a = as_float_array("weights", w)
    if len(a) != n:
        raise LengthMismatchError(f"length mismatch: `x` has {n} elements but `weights` has {len(a)}", "weights")
    _check_weights(a, w)
    return a


def _check_weights(a: np.ndarray, given: Any = None) -> None:
    """Point weights: no missing, infinite or negative value (the error names the row as given,
    by its label in ``given``, before a study area leaves points out)."""
    gap = np.isnan(a)
    if gap.any():
        raise _row_error(MissingValueError, "weights", given, int(np.flatnonzero(gap)[0]),
                         f"`weights` has {number_of(int(gap.sum()), 'missing value')} (first at {{row}}): give every point a "
                         "weight (0 leaves it out)")
    bad = ~np.isfinite(a) | (a < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise _row_error(InvalidInputError, "weights", given, row,
                         f"invalid value in `weights` at {{row}}: {a[row]:g} (must be a finite number >= 0)")


def _weighted_points(x: Any, y: Any, weights: Any, study_area: Any, bounds: Any, *,
                     fixed: bool, fn: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray | None, Any, Any, int]:
    """The checked points and their ``weights`` (:func:`_weights`, checked as given) inside
    ``study_area``, the grid's bounds and the StudyArea as :func:`_points_in` gives them, and how
    many points were given before the study area left any out."""
    xs, ys = _finite_xy(x, y)
    w = _weights(weights, len(xs))
    given = len(xs)
    xs, ys, (w,), bounds, area = _points_in(xs, ys, study_area, bounds, w, fixed=fixed, fn=fn)
    return xs, ys, w, bounds, area, given


def _series_take(v: Any, mask: np.ndarray) -> Any:
    s = v if isinstance(v, pd.Series) else pd.Series(v)
    if len(s) != len(mask):
        return v  # a length mismatch is reported by the function's own checks
    return s[mask].reset_index(drop=True)


def _given(x: Any, y: Any) -> Any:
    """Of the coordinates a caller passed, the one whose index names the rows (a Series or frame)."""
    return x if isinstance(x, (pd.Series, pd.DataFrame)) else y


def _warn_stretched(xs: np.ndarray, ys: np.ndarray, given: Any = None, rows: np.ndarray | None = None) -> None:
    """Warn when a few far-away points stretch a grid over the points (police.uk snaps some
    records of a force's file to places outside it): the extent is over twice the area of the
    central 99% of the points on each axis and some points lie beyond it by more than its width.
    The first far point is named by its row label in ``given`` (the caller's coordinates; a list
    of ``(name, coordinates)`` for point sets put end to end), ``rows[i]`` its position there."""
    if len(xs) < 100:
        return
    qx = np.quantile(xs, [0.005, 0.995])
    qy = np.quantile(ys, [0.005, 0.995])
    wx, wy = max(qx[1] - qx[0], 1.0), max(qy[1] - qy[0], 1.0)
    far = (xs < qx[0] - wx) | (xs > qx[1] + wx) | (ys < qy[0] - wy) | (ys > qy[1] + wy)
    full = (xs.max() - xs.min()) * (ys.max() - ys.min())
    if far.any() and full > 2 * wx * wy:
        warn_user(f"{int(far.sum())} of {len(xs):,} points lie far outside the rest and stretch the grid to "
                  f"{(xs.max() - xs.min()) / 1000:,.1f} x {(ys.max() - ys.min()) / 1000:,.1f} (thousand units; km for metres) "
                  f"where 99% of the points span {wx / 1000:,.1f} x {wy / 1000:,.1f}: pass study_area= (e.g. the force or "
                  f"district) or bounds= (first far point: {_far_row(int(np.flatnonzero(far)[0]), given, rows)})")


#: An automatic KDE bandwidth (quartic radius, metres) above which a warning says it smooths away
#: street-level hotspots: saferstats' threshold (docs/methods/hotspot_intelligence.md, "Automatic bandwidth").
WIDE_BANDWIDTH_M = 2000.0

#: ... and the share of the study area's shorter side (of its bounding box; without a study area, of
#: the box of the central 99% of the points) above which it does: a radius of a fifth of the side
#: spans ten of sfhotspot's automatic cells (1/50 of that side) each way, and the kernel's disc
#: covers over an eighth of a square area (π/25; more of a longer one). The absolute 2 km alone
#: missed small areas: the City of London's ASB of 2023, 702 m over an area 1,537 m across.
WIDE_BANDWIDTH_SHARE = 0.2


def _extent(xs: np.ndarray, ys: np.ndarray, area: Any) -> tuple[str, float, float]:
    """What a bandwidth is compared with: (how a message names it, its shorter side, its area in m²):
    the study area's bounding box and area, or the box of the central 99% of the points (a few
    far-away points, police.uk's records snapped outside a force, do not widen it)."""
    if area is not None:
        b = area.bounds
        return f"the extent of {_area_named(area)}", min(b[1] - b[0], b[3] - b[2]), float(area.area_m2)
    qx, qy = np.quantile(xs, [0.005, 0.995]), np.quantile(ys, [0.005, 0.995])
    w, h = float(qx[1] - qx[0]), float(qy[1] - qy[0])
    return "the box of the central 99% of the points", min(w, h), w * h


def _warn_wide_bandwidth(fn: str, radius: float, rule: str, used: str, xs: np.ndarray, ys: np.ndarray,
                         area: Any = None) -> None:
    """Warn when an automatic bandwidth (``radius``: the quartic's radius, or the Gaussian's
    equivalent) is wider than :data:`WIDE_BANDWIDTH_M` or than :data:`WIDE_BANDWIDTH_SHARE` of the
    shorter side of the study ``area`` (a :class:`~saferstats.StudyArea`; without one, of the
    points' central 99%): rules of thumb from the points' spread grow with the study area, and over
    a district or county they smooth every street-level hotspot into a few blobs (Hertfordshire ASB,
    June 2021 over the force: 9,675 m; scored on July at 5% of the area, PAI 4.1 against 11.9 with
    300 m; ``kde_grid``'s 2,992 m, PAI 8.2) — and over a small area a few hundred metres do the
    same (the City of London, 2023, each month's crimes smoothed with the automatic ~570 m and
    scored on the next month's at 5% of the area: PAI 3.6 against 6.3 with 150 m). The message
    gives both numbers: the bandwidth, and the side and the share of the area one event's kernel
    covers. Skipped for coordinates that are not metres on a map (degrees, whose warning is given
    elsewhere)."""
    if not len(xs) or (np.abs(xs) <= 180).all() and (np.abs(ys) <= 90).all():
        return
    whose, side, size = _extent(xs, ys, area)
    wide, relative = radius > WIDE_BANDWIDTH_M, side > 0 and radius > WIDE_BANDWIDTH_SHARE * side
    if not (wide or relative):
        return
    why = []
    if wide:
        why.append(f"wider than {WIDE_BANDWIDTH_M:,.0f} m")
    if relative:
        disc = np.pi * radius ** 2
        cover = f", {disc / size:.0%} of the area's {size / 1e6:,.3g} km²" if size > 0 and disc < size else \
            f", more than the area's {size / 1e6:,.3g} km²" if size > 0 else ""
        why.append(f"more than a fifth ({WIDE_BANDWIDTH_SHARE * side:,.0f} m) of the shorter side of {whose}, "
                   f"{side:,.0f} m: one event's kernel covers {disc / 1e6:,.3g} km²{cover}")
    limit = min(WIDE_BANDWIDTH_M, WIDE_BANDWIDTH_SHARE * side) if side > 0 else WIDE_BANDWIDTH_M
    suggest = "bandwidth=300, cell_size=100" if limit >= 300 else \
        f"bandwidth={max(25, int(limit // 50 * 50)):d}, cell_size={max(10, int(limit // 150 * 50)):d}"
    warn_user(f"{fn}: the automatic bandwidth is {used} ({rule}, from the spread of all the points), "
              f"{' and '.join(why)}: it smooths street-level hotspots into a few broad blobs (Hertfordshire ASB, "
              f"June 2021, over the force: {'2,992 m, PAI 8.2' if fn == 'kde_grid' else '9,675 m, PAI 4.1'} scored on "
              "July at 5% of the area, against 11.9 with 300 m; the City of London's crimes of 2023, month by month: "
              "about 570 m, PAI 3.6 on the next month, against 6.3 with 150 m). "
              "Street-level hotspot maps use a few hundred metres or less (Chainey 2013)"
              f"{f', here at most {limit:,.0f} m' if relative else ''}: pass bandwidth= in metres (e.g. {suggest}); see "
              "docs/methods/hotspot_intelligence.md (Automatic bandwidth)")


def _far_row(pos: int, given: Any, rows: np.ndarray | None) -> str:
    """Point ``pos`` of the points given as ``given`` (see :func:`_warn_stretched`), as a message names it."""
    at = pos if rows is None else int(rows[pos])
    if isinstance(given, list):
        for name, v in given:
            n = len(v)
            if at < n:
                return f"`{name}` {_row(v, at)}"
            at -= n
        return f"point {pos}"
    return _row(given, at)


def _series(name: str, v: Any) -> pd.Series:
    """``v`` as a Series with a fresh index, or InvalidInputError naming ``name``."""
    if isinstance(v, pd.DataFrame):
        refuse_frame(name, v)
    if isinstance(v, pd.Series):
        return v.reset_index(drop=True)
    try:
        return pd.Series(v)
    except (TypeError, ValueError) as e:
        raise InvalidInputError(f"`{name}` could not be read as a column of values: {e}", name) from None



def _bounds(bounds: Any) -> tuple[float, float, float, float]:
    try:
        b = tuple(bounds)
    except TypeError:
        raise InvalidInputError("`bounds` must be (xmin, xmax, ymin, ymax)", "bounds") from None
    if len(b) != 4:
        raise InvalidInputError("`bounds` must be (xmin, xmax, ymin, ymax)", "bounds")
    xmin, xmax, ymin, ymax = (_float_arg("bounds", v) for v in b)
    if xmax < xmin or ymax < ymin:
        raise InvalidInputError(f"`bounds` {b!r}: need xmin <= xmax and ymin <= ymax", "bounds")
    return xmin, xmax, ymin, ymax



class _ExcelMixin:
    """``to_excel(path)`` for hotspot results: every sheet from ``_excel_sheets()`` written with
    openpyxl (install ``openpyxl``), times timezone-naive, outlines as WKT."""

    def _excel_sheets(self) -> dict[str, pd.DataFrame]:
        return {"result": self.to_pandas()}  # type: ignore[attr-defined]

    def to_excel(self, path: Any) -> None:
        """Write the result to an Excel workbook (one sheet per table; needs ``openpyxl``)."""
        with pd.ExcelWriter(path) as xw:
            for name, df in self._excel_sheets().items():
                _excel_safe(df).to_excel(xw, sheet_name=name[:31], index=False)


def _wkt(ring: Any) -> str:
    """A (lon, lat) ring as WKT: POLYGON for an outline, '' without one."""
    if ring is None or len(ring) == 0:
        return ""
    return "POLYGON ((" + ", ".join(f"{x!r} {y!r}" for x, y in ring) + "))"


def _excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy Excel can hold: timezone-aware datetimes made naive (UTC), outlines as WKT text."""
    out = pd.DataFrame(df).copy()
    for c in out.columns:
        col = out[c]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out[c] = col.dt.tz_convert("UTC").dt.tz_localize(None)
        elif c == "hull":
            out[c] = [_wkt(r) for r in col]
        elif col.dtype == object and len(col) and any(isinstance(v, (list, tuple, np.ndarray, dict)) for v in col):
            out[c] = [str(v) for v in col]
    return out


#: Share of the counted events in cells that each hold a single map location (of two or more events)
#: from which a grid is said to map the locations rather than where the events are spread.
MAP_POINT_CELLS = 0.75


def _distinct_points(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (x, y) locations of the points, as two contiguous arrays."""
    if len(xs) == 0:
        return np.zeros(0), np.zeros(0)
    u = np.unique(np.column_stack([xs, ys]), axis=0)
    return np.ascontiguousarray(u[:, 0]), np.ascontiguousarray(u[:, 1])


def _size_said(v: float) -> str:
    """A cell size as a headline says it: whole metres as they are, otherwise to a tenth of a
    metre (3 significant figures under 10): sfhotspot's rule under 100 m is not rounded, and
    Watford's extent gave "cells of 97.5099 m" until session 28, now "97.5 m"
    (:func:`cells_said` adds the unit).

    >>> _size_said(100.0), _size_said(97.50994655905757), _size_said(1234.56), _size_said(2.345678)
    ('100', '97.5', '1,234.6', '2.35')
    """
    if float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:,.1f}" if abs(v) >= 10 else f"{v:.3g}"


def cells_said(cell_size: float, grid_type: str = "square", unit: str = " m") -> str:
    """"cells of 97.5 m" (square) / "cells 200 m across" (hex: ``cell_size`` is its width across
    the flats): the one wording of a cell size in a headline or warning, the size as
    :func:`_size_said` and ``unit`` after it (``""`` where the coordinates are the caller's own
    units, a :class:`KdeResult` of ``per_km2=False``).

    >>> cells_said(97.50994655905757), cells_said(200, "hex"), cells_said(0.5, unit="")
    ('cells of 97.5 m', 'cells 200 m across', 'cells of 0.5')
    """
    size = _size_said(cell_size)
    return f"cells of {size}{unit}" if grid_type == "square" else f"cells {size}{unit} across"


def _warn_map_points(fn: str, cell_size: float, counts: np.ndarray, n_points: int, n_locations: int,
                     locations: Callable[[], Any], grid_type: str = "square") -> None:
    """Warn when most of the events counted lie in cells that each hold one map location of several
    events: police.uk moves every record to one of a set of anonymised map points ('On or near
    ...'), and cells finer than those points' spacing map the points, not where the events were,
    with the cells between them empty because no point falls in them (the City of London's street
    crime of 2023 on hotspot_count's automatic 30.7 m cells: 99% of the events in 201 of the 213
    cells with any, the busiest 368 events at one point). ``locations()`` counts the distinct
    locations per cell on the same grid as ``counts`` (only called when the points share
    locations: ``n_points`` of 10 or more at under 90% as many, ``n_locations``, locations)."""
    counts = np.asarray(counts, dtype=float).ravel()
    n = float(counts.sum())
    if n_points < 10 or n <= 0 or n_locations > 0.9 * n_points:
        return
    per_cell = np.asarray(locations(), dtype=float).ravel()
    single = (per_cell == 1) & (counts >= 2)
    share = float(counts[single].sum()) / n
    if share < MAP_POINT_CELLS:
        return
    n_locations = int(per_cell.sum())  # the counted events' (points beyond the grid's edge are not)
    top = int(np.argmax(counts))
    busiest = f"; the busiest cell's {int(counts[top]):,} events are all at one point" if per_cell[top] == 1 else ""
    warn_user(f"{fn}: {share:.0%} of the {int(n):,} events counted are in cells that each hold a single map location "
              f"({int(single.sum()):,} of the {int((counts > 0).sum()):,} cells with events; {n_locations:,} distinct "
              f"locations in all{busiest}): police.uk publishes each record at one of a set of anonymised map points "
              f"('On or near ...'), so with {cells_said(cell_size, grid_type)} the grid maps those points, not where the events "
              "were, and the cells between them are empty because no point falls in them, not because nothing happened "
              "there (a hot spot of such cells is one anonymised point). Use cells several times larger (a hundred "
              "metres or more in a town centre) or a kernel density with a bandwidth of a few hundred metres")


#: Share of the peak density from one map location above which a density surface says its peak is
#: that location's records (police.uk's anonymised map points).
PEAK_ONE_LOCATION = 0.5


def _warn_peak_one_location(fn: str, px: float, py: float, xs: np.ndarray, ys: np.ndarray, bandwidth: float,
                            kernel: Any) -> None:
    """Warn when most of a density surface's peak comes from the records at one map location
    (police.uk publishes every record at one of a set of anonymised points): the peak is then that
    point's count spread by the kernel, not events concentrated around it (the City of London's
    street crime of 2023, kde_grid's automatic 111 m radius: 65% of the peak from one point's 368
    records). Each distinct location's share of the density at the peak (``px``, ``py``) is its
    part of the surface there: its records times the kernel at its distance, from the core's
    ``kde_contributions`` (the terms of the sum the surface is)."""
    if len(xs) < 10:
        return
    u, n = np.unique(np.column_stack([xs, ys]), axis=0, return_counts=True)
    if len(u) > 0.9 * len(xs):
        return
    with core_errors():
        part = _ext.kde_contributions(np.ascontiguousarray(u[:, 0]), np.ascontiguousarray(u[:, 1]), n.astype(float),
                                      bandwidth=bandwidth, kernel=kernel, at_x=px, at_y=py)
    total = float(part.sum())
    if total <= 0:
        return
    top = int(np.argmax(part))
    share = float(part[top]) / total
    if share < PEAK_ONE_LOCATION or n[top] < 2:
        return
    warn_user(f"{fn}: {share:.0%} of the peak density (at {px:,.6g}, {py:,.6g}) comes from the {int(n[top]):,} records "
              f"at one map location ({u[top, 0]:,.6g}, {u[top, 1]:,.6g}): police.uk publishes each record at one of a "
              "set of anonymised map points ('On or near ...'), so the peak is that point's count spread by the "
              f"kernel, not events concentrated around it. With a bandwidth of {bandwidth:,.6g} the surface shows the "
              "busiest points; a wider one (a few hundred metres) spreads them over the streets they stand for. "
              "Name the peak as that one location and its count")

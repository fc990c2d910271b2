"""Exception classes raised by saferstats.

Every error saferstats raises is a :class:`SaferstatsError`. Problems with the input (a negative
count, a zero denominator, a missing value, arrays of different lengths, an unknown method name,
a missing DataFrame column) are :class:`InvalidInputError`, which is also a :class:`ValueError`,
so ``except ValueError`` keeps working in existing scripts.

Each exception carries ``argument`` (the keyword or DataFrame column concerned, if any),
``index`` (the row: its label when the input was a pandas Series or DataFrame, else the zero-based
position) and ``position`` (the zero-based row) besides the message.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

__all__ = [
    "SaferstatsError",
    "InvalidInputError",
    "MissingValueError",
    "LengthMismatchError",
    "ConvergenceError",
    "CoordinateError",
    "UnknownAreaError",
    "AmbiguousAreaError",
    "BoundaryError",
    "SaferstatsWarning",
]


class SaferstatsError(Exception):
    """Base class of every saferstats error.

    >>> import saferstats
    >>> try:
    ...     saferstats.rate_ci(-1, 100)
    ... except saferstats.SaferstatsError as e:
    ...     print(type(e).__name__, e.argument, e.index)
    InvalidInputError count 0
    """

    def __init__(self, message: str, argument: str | None = None, index: Any = None, *,
                 position: int | None = None):
        super().__init__(message)
        self.argument = argument
        self.index = index
        #: the zero-based row: given, or the index when that is a position
        self.position: int | None = position if position is not None else index if isinstance(index, int) else None


class InvalidInputError(SaferstatsError, ValueError):
    """The input cannot be used: bad value, bad option, wrong column. Also a ``ValueError``."""


class MissingValueError(InvalidInputError):
    """A missing value (NaN/None/NA) where ``missing="error"`` (the default) is in force."""


class LengthMismatchError(InvalidInputError):
    """Arrays that must have one element per row have different lengths."""


class CoordinateError(InvalidInputError):
    """Point coordinates that cannot be right: latitude outside [-90, 90], longitude outside
    [-180, 180], or latitude and longitude swapped (points that land in Great Britain only with the
    two exchanged). ``argument`` names ``lat`` or ``lon``; ``index`` the first offending row."""


class UnknownAreaError(InvalidInputError):
    """An area name or code (or a level) that is not known; the message lists the close matches.

    Where a stratum of the records has no row in a population table (:func:`saferstats.disproportionality`),
    ``stratum`` is that stratum (``{"force": "Thames Valley", "csp": "Wycombe"}``) and ``key`` its
    column the table lacks the value of (``"csp"``), so that a caller can act on what the error is
    about without reading its wording; both are ``None`` otherwise.

    >>> e = UnknownAreaError("no population", "csp", stratum={"csp": "Wycombe"}, key="csp")
    >>> e.argument, e.key, e.stratum[e.key]
    ('csp', 'csp', 'Wycombe')
    """

    def __init__(self, message: str, argument: str | None = None, index: Any = None, *,
                 position: int | None = None, stratum: dict[str, Any] | None = None, key: str | None = None):
        super().__init__(message, argument, index, position=position)
        #: the stratum with no population (its columns and values), or None
        self.stratum: dict[str, Any] | None = dict(stratum) if stratum is not None else None
        #: the column of ``stratum`` whose value the population table lacks, or None
        self.key: str | None = key


class AmbiguousAreaError(UnknownAreaError):
    """A name that is more than one area of different extent (a local authority and the larger
    police force area of the same name: ``"Durham"``, ``"North Yorkshire"``), given without the
    ``level`` that says which. A :class:`UnknownAreaError` (and ``ValueError``)."""


class BoundaryError(InvalidInputError):
    """Boundaries that cannot be used: no code column (or several candidates), a GeoDataFrame
    without a CRS, projected coordinates in GeoJSON, or geometries that are not polygons."""


class ConvergenceError(SaferstatsError, RuntimeError):
    """An iterative fit (GLM, root search) did not converge."""


class SaferstatsWarning(UserWarning):
    """A result that is computed but needs care: a comparison that is not like-for-like (e.g.
    officer-defined ethnicity against Census self-defined denominators), a gap in a series, a
    correction applied to a zero cell, rows that could not be used. The message names the rows
    or groups concerned; the result also carries a flag column where one applies.

    Turn these into errors in a pipeline with ``warnings.simplefilter("error", SaferstatsWarning)``.

    >>> import warnings, saferstats
    >>> issubclass(saferstats.SaferstatsWarning, UserWarning)
    True
    """


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn_user(message: str, category: type[Warning] = SaferstatsWarning) -> None:
    """Issue ``message`` attributed to the first frame outside saferstats — the analyst's line in
    a notebook or script — however deep in the package it is raised (one rule instead of a
    hand-counted ``stacklevel`` at each call, which pointed inside the package whenever a
    decorator or helper was added in between).

    >>> import warnings, saferstats
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     warn_user("check the denominators")
    >>> w[0].category.__name__, w[0].filename.startswith(_PACKAGE)
    ('SaferstatsWarning', False)
    """
    import sys
    from types import FrameType

    level, frame = 2, sys._getframe(1)
    caller: FrameType | None = frame
    while caller is not None and caller.f_code.co_filename.startswith(_PACKAGE):
        caller, level = caller.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def number_of(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun`` as a message says them: "1 point", "8,533 points", "2 authorities" -
    the library's warnings and errors wrote "1 point(s)", "1 key(s)". ``plural``: where it is not
    ``noun`` + "s". The one rule for the package: the report's
    :func:`saferstats.report.tables.number_of` is this function.

    >>> number_of(1, "point"), number_of(8533, "point"), number_of(2, "authority", "authorities")
    ('1 point', '8,533 points', '2 authorities')
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"

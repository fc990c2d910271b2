"""Confidence levels as PHE gives them — one mechanism shared by every public function.

The rules (``docs/methods/index.md`` global conventions; PHEindicatormethods ``phe_rate``):

* a level is a fraction between 0.5 and 0.9999 (``0.95``, ``0.998``), or a percentage between 50
  and 99.99 (``95``, ``99.8``), which is divided by 100. Values above 1 are always read as
  percentages; exactly ``1`` (or ``100``) means a 100% interval and is accepted only where the
  method defines one (the Wilson interval of a proportion is then (0, 1)). Beyond 99.99% the
  normal and gamma quantiles approach the limits of double precision (at 0.9999999999999999 the
  critical value is infinite), so those levels are refused.
* a list (or tuple) of levels, such as ``[0.95, 0.998]`` or ``[95, 99.8]``, gives every interval:
  the function runs once per level and each interval column is repeated per level with the level
  as suffix — ``lower, upper`` become ``lower_95, upper_95, lower_99_8, upper_99_8`` (the
  percentage with ``.`` written ``_``: 0.975 → ``_97_5``; ``apc_lower`` becomes
  ``apc_lower_95`` …) — at the place of the original columns. Everything else (estimates, p-values, methods, notes) does not depend on
  the level and appears once. The ``confidence`` column then holds the levels as text
  (``"95%, 99.8%"``, as PHE writes them) and ``DataFrame.attrs["confidence"]`` the list of
  fractions.
* anything else (text, None, booleans, nested lists, a repeated level, a level out of range) is an
  :class:`~saferstats.InvalidInputError` naming ``confidence`` (and the list position).

Applying it to a public function (keyword-only ``confidence``, DataFrame result)::

    @confidence_levels("lower", "upper")                  # the columns that depend on the level
    def rate_ci(count, population, *, confidence=0.95, ...):
        ...                                               # receives one float, already checked

``allow_one=True`` where the method defines a 100% interval. Inside, pass ``confidence`` on to
the core as a float; the core checks the same range again (``special::check_confidence``).
"""

from __future__ import annotations

import functools
import inspect
import numbers
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .exceptions import InvalidInputError, SaferstatsWarning

__all__ = [
    "MIN_CONFIDENCE",
    "MAX_CONFIDENCE",
    "MAX_LEVELS",
    "normalise_confidence",
    "single_confidence",
    "level_suffix",
    "confidence_levels",
]

#: Smallest level accepted (the core's ``special::MIN_CONFIDENCE``).
MIN_CONFIDENCE = 0.5
#: Largest level below 1 accepted (the core's ``special::MAX_CONFIDENCE``).
MAX_CONFIDENCE = 0.9999
#: Most levels one call may ask for.
MAX_LEVELS = 8

F = TypeVar("F", bound=Callable[..., Any])


def _one_level(value: Any, *, allow_one: bool, where: str) -> float:
    value = value.item() if isinstance(value, np.generic) else value  # messages show 1.0, not np.float64(1.0)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidInputError(
            f"{where} must be a number such as 0.95 or 95 (a percentage), got {value!r}", "confidence"
        )
    c = float(value)
    if c != c:
        raise InvalidInputError(f"{where} is missing (NaN); use e.g. 0.95", "confidence")
    if 1.0 < c <= 100.0:
        c = c / 100.0
    if c == 1.0 and allow_one:
        return 1.0
    if not (MIN_CONFIDENCE <= c <= MAX_CONFIDENCE):
        one = " or exactly 1 (100%)" if allow_one else ""
        raise InvalidInputError(
            f"{where} must be between {MIN_CONFIDENCE} and {MAX_CONFIDENCE} (or {MIN_CONFIDENCE * 100:g} and "
            f"{MAX_CONFIDENCE * 100:g} as a percentage){one}, got {value!r}",
            "confidence",
        )
    return c


def normalise_confidence(confidence: Any, *, allow_one: bool = False) -> float | tuple[float, ...]:
    """One level as a fraction, or a tuple of fractions for a list of levels.

    >>> normalise_confidence(95), normalise_confidence(0.998), normalise_confidence([95, 99.8])
    (0.95, 0.998, (0.95, 0.998))
    >>> normalise_confidence(1.0, allow_one=True)
    1.0
    """
    if isinstance(confidence, (list, tuple, np.ndarray, pd.Series, pd.Index)):
        items = list(confidence)
        if not items:
            raise InvalidInputError("`confidence` is an empty list; give a level such as 0.95", "confidence")
        if len(items) > MAX_LEVELS:
            raise InvalidInputError(
                f"`confidence` lists {len(items)} levels; at most {MAX_LEVELS} at a time", "confidence"
            )
        levels = tuple(
            _one_level(v, allow_one=allow_one, where=f"`confidence[{i}]`") for i, v in enumerate(items)
        )
        for i, c in enumerate(levels):
            if c in levels[:i]:
                raise InvalidInputError(
                    f"`confidence[{i}]` repeats the level {c:g}; give each level once", "confidence", i
                )
        return levels
    return _one_level(confidence, allow_one=allow_one, where="`confidence`")


def single_confidence(confidence: Any) -> float:
    """One confidence level as a fraction (0.95, or 95 as a percentage; the rules above), or
    :class:`InvalidInputError` naming ``confidence``. For the functions that return a result object,
    which hold one level at a time.

    >>> single_confidence(95)
    0.95
    """
    level = normalise_confidence(confidence)
    if not isinstance(level, float):
        raise InvalidInputError(
            "`confidence`: this result holds one level at a time; call it once per level "
            f"(got {confidence!r})", "confidence")
    return level


def level_suffix(level: float) -> str:
    """The column suffix of a level: its percentage with ``.`` written ``_``.

    >>> [level_suffix(c) for c in (0.95, 0.998, 0.9, 0.975, 1.0)]
    ['95', '99_8', '90', '97_5', '100']
    """
    return format(round(level * 100.0, 8), ".10g").replace(".", "_")


def _merge(results: list[pd.DataFrame], levels: tuple[float, ...], limits: Sequence[str]) -> pd.DataFrame:
    base = results[0]
    columns: dict[str, Any] = {}
    names = list(base.columns)
    k = 0
    while k < len(names):
        col = names[k]
        if col in limits:
            # a run of adjacent limit columns (lower, upper) is repeated per level as a block:
            # lower_95, upper_95, lower_99_8, upper_99_8
            block = []
            while k < len(names) and names[k] in limits:
                block.append(names[k])
                k += 1
            for level, res in zip(levels, results):
                for b in block:
                    columns[f"{b}_{level_suffix(level)}"] = res[b]
            continue
        k += 1
        if col == "confidence":
            columns[col] = ", ".join(f"{c * 100:g}%" for c in levels)
        else:
            columns[col] = base[col]
    out = pd.DataFrame(columns, index=base.index)
    out.attrs = dict(base.attrs)
    out.attrs["confidence"] = list(levels)
    return out


def confidence_levels(*limits: str, allow_one: bool = False) -> Callable[[F], F]:
    """Decorate a public function so that its ``confidence`` keyword follows the rules above.

    ``limits`` names the result columns that depend on the level. The decorated function
    receives one checked fraction; a list of levels calls it once per level and merges.
    SaferstatsWarnings raised again for the second and later levels are dropped (they repeat
    the first call's).

    >>> @confidence_levels("lower", "upper")
    ... def f(*, confidence=0.95):
    ...     return pd.DataFrame({"value": [1.0], "lower": [1 - confidence], "upper": [1 + confidence],
    ...                          "confidence": [confidence]})
    >>> f(confidence=[95, 99.8])
       value  lower_95  upper_95  lower_99_8  upper_99_8  confidence
    0    1.0      0.05      1.95       0.002       1.998  95%, 99.8%
    """

    def decorate(func: F) -> F:
        default = inspect.signature(func).parameters["confidence"].default

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            levels = normalise_confidence(kwargs.get("confidence", default), allow_one=allow_one)
            if isinstance(levels, float):
                kwargs["confidence"] = levels
                return func(*args, **kwargs)
            results = []
            for i, level in enumerate(levels):
                kwargs["confidence"] = level
                if i == 0:
                    results.append(func(*args, **kwargs))
                else:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", SaferstatsWarning)
                        results.append(func(*args, **kwargs))
            return _merge(results, levels, limits)

        wrapper.__doc__ = (func.__doc__ or "") + _DOC_NOTE
        return wrapper  # type: ignore[return-value]

    return decorate


_DOC_NOTE = """
    ``confidence`` may be a fraction (0.95), a percentage (95, 99.8) or a list of levels
    (``[0.95, 0.998]``: every level-dependent column repeated with a suffix, ``lower_95``,
    ``lower_99_8``, …); see :mod:`saferstats._confidence`.
"""

"""Call a function and capture the warnings it gives: the one helper the tests use for it
(``from warning_capture import warning_messages``; tests/python is on ``sys.path`` under pytest,
as for ``disclosure_attack``).

>>> import warnings
>>> def f(x):
...     warnings.warn("careful", UserWarning)
...     return x + 1
>>> warning_messages(f, 1)
(2, ['careful'])
>>> saferstats_messages(f, 1)
(2, [])
"""

from __future__ import annotations

import warnings
from typing import Any, Callable


def _call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
          category: type[Warning]) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # every warning, even one already given elsewhere in the run
        out = fn(*args, **kwargs)
    return out, [str(w.message) for w in caught if issubclass(w.category, category)]


def warning_messages(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """``fn(*args, **kwargs)`` and the messages of every warning it gave, in order."""
    return _call(fn, args, kwargs, Warning)


def saferstats_messages(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """``fn(*args, **kwargs)`` and the messages of the :class:`saferstats.SaferstatsWarning` s it
    gave (not pandas' or numpy's), in order."""
    from saferstats import SaferstatsWarning

    return _call(fn, args, kwargs, SaferstatsWarning)

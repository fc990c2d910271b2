"""Turning user input (scalars, lists, numpy arrays, pandas Series/DataFrames) into the
contiguous float64 arrays the Rust core borrows without copying, with errors that name the
argument or DataFrame column and the row."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import numbers
import re
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any, NoReturn, TypeVar

import numpy as np
import pandas as pd

from .exceptions import InvalidInputError, LengthMismatchError, SaferstatsError, warn_user

__all__ = [
    "as_float_array",
    "aligned",
    "require_columns",
    "real_option",
    "int_option",
    "choice_option",
    "column_list",
    "plain",
    "as_pandas",
    "accepts_frames",
    "core_errors",
    "translates_core_errors",
    "core_rows",
    "translate_error",
    "renamed_keywords",
    "renamed_columns",
    "RenamedColumns",
    "Records",
    "reader_attrs_of_rows",
    "restates_attrs_of_rows",
]

F = TypeVar("F", bound=Callable[..., Any])


def _first_bad(values: Any, numeric: np.ndarray) -> int | None:
    """Position of the first element that was present but did not parse as a number."""
    present = ~pd.isna(pd.Series(values, dtype=object)).to_numpy()
    bad = np.flatnonzero(present & np.isnan(numeric))
    return int(bad[0]) if bad.size else None


_GROUPED = re.compile(r"^\s*[-+]?\d{1,3}(,\d{3})+(\.\d*)?\s*$")  # thousands separators: '12,345.6'


def row_named(x: Any, pos: int) -> str:
    """Row ``pos`` of ``x`` (a Series, a DataFrame or their index) as every message names a row:
    ``"row 'E01000001'"`` by its pandas label (``"row 3"``, the position, without an index of its
    own). When the index repeats that label — monthly police.uk files or yearly tables joined with
    ``pd.concat`` keep each file's 0, 1, 2 ... — the label alone names several rows, so the position
    is given too, which says which one.

    >>> row_named(pd.Series([1, 2], index=["a", "b"]), 1)
    "row 'b'"
    >>> row_named(pd.concat([pd.Series([1, 2]), pd.Series([3, 4])]), 3)
    'row 1 (position 3: 2 rows have that label; pd.concat(..., ignore_index=True) gives each its own)'
    """
    index = x if isinstance(x, pd.Index) else x.index if isinstance(x, (pd.Series, pd.DataFrame)) else None
    if index is None or not 0 <= pos < len(index):
        return f"row {pos!r}"
    label = plain(index[pos])
    # (also the first row, whose label 0 is its position: the next file's first row is labelled 0 too)
    if not default_index(index) and not index.is_unique:
        try:
            n = len(index.get_indexer_for([index[pos]]))
        except (TypeError, ValueError):
            n = 1
        if n > 1:
            return (f"row {label!r} (position {pos:,}: {n:,} rows have that label; pd.concat(..., ignore_index=True) "
                    "gives each its own)")
    return f"row {label!r}"


def row_of(x: Any, pos: int) -> tuple[str, Any]:
    """How a message names row ``pos`` of ``x``: by its label when ``x`` is a Series with its own
    index (``"row 'E06000001'"``, with its position when the index repeats the label:
    :func:`row_named`), else by position."""
    index = x.index if isinstance(x, pd.Series) else None
    if index is not None and not default_index(index) and 0 <= pos < len(index):
        return row_named(index, pos), plain(index[pos])
    return f"position {pos}", pos


def rows_named(x: Any, positions: Sequence[int] | np.ndarray, most: int = 10) -> str:
    """How a message names several rows of ``x``: ``"rows 'a', 'c'"`` by their labels when ``x`` is a
    Series with its own index, else ``"position 3, 7"`` (``row_of`` for one row); " …" after ``most``.

    >>> rows_named(pd.Series([1, 2, 3], index=["a", "b", "c"]), [0, 2]), rows_named([1, 2, 3], [0, 2])
    ("rows 'a', 'c'", 'position 0, 2')
    """
    shown = [row_of(x, int(p)) for p in list(positions)[:most]]
    more = " …" if len(positions) > most else ""
    if len(shown) == 1:
        return shown[0][0] + more
    if shown and shown[0][0].startswith("row "):
        return "rows " + ", ".join(repr(label) for _, label in shown) + more
    return "position " + ", ".join(str(label) for _, label in shown) + more


def label_of(x: Any, pos: int) -> Any:
    """Row ``pos`` of ``x`` as a message names it: its label when ``x`` is a Series or DataFrame with
    its own index, else the position. Raise with ``index=label_of(x, pos)`` and set ``.position``.

    >>> label_of(pd.Series([1, 2], index=["a", "b"]), 1), label_of([1, 2], 1)
    ('b', 1)
    """
    index = getattr(x, "index", None) if isinstance(x, (pd.Series, pd.DataFrame)) else None
    if index is not None and not default_index(index) and 0 <= pos < len(index):
        return plain(index[pos])
    return pos


def refuse_frame(name: str, frame: pd.DataFrame) -> NoReturn:
    """Raise :class:`InvalidInputError`: ``name`` takes one column, and a whole table was given;
    the message names the table's number columns to pick from.

    >>> refuse_frame("values", pd.DataFrame({"month": ["2013-04"], "count": [2391.0], "source_line": [9]}))
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: `values` must be one column (a Series or array), not a DataFrame: pass one of its columns, e.g. df['count'] (its number columns: 'count', 'source_line')
    """
    nums = [str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])]
    hint = (f": pass one of its columns, e.g. df[{nums[0]!r}] (its number columns: {', '.join(map(repr, nums[:8]))}"
            f"{', ...' if len(nums) > 8 else ''})" if nums else ": pass one of its columns")
    raise InvalidInputError(f"`{name}` must be one column (a Series or array), not a DataFrame{hint}", name)


def as_float_array(name: str, x: Any) -> np.ndarray:
    """Convert ``x`` to a 1-D contiguous float64 array (no copy when it already is one).

    Missing values (None, NaN, pandas NA, masked entries of a numpy masked array) become NaN; text
    that is not a number and complex numbers raise :class:`InvalidInputError` naming ``name`` and the
    position.

    >>> as_float_array("count", [1, None, 3])
    array([ 1., nan,  3.])
    >>> as_float_array("count", np.ma.masked_array([1.0, 2.0, 3.0], mask=[False, True, False]))
    array([ 1., nan,  3.])
    >>> as_float_array("count", ["1,234", " 12 ", "12.0"])  # thousands separators, as Excel exports them
    array([1234.,   12.,   12.])
    """
    if _library(x) in ("polars", "pyarrow"):
        x = as_pandas(x, name, series=True)
    if isinstance(x, pd.DataFrame):
        refuse_frame(name, x)
    if isinstance(x, np.ma.MaskedArray):
        if x.dtype.kind == "c":
            raise InvalidInputError(f"`{name}` has complex values; give real numbers", name)
        mask = np.ma.getmaskarray(x)
        data = np.ma.getdata(x) if x.dtype.kind in "fiub" else np.ma.filled(x.astype(object), None)
        out = as_float_array(name, data)
        if mask.any():  # masked entries are missing: the caller's missing-value rule applies
            out = out.copy()
            out[np.ravel(mask)] = np.nan
        return out
    if getattr(getattr(x, "dtype", None), "kind", None) == "c" or isinstance(x, (complex, np.complexfloating)) or (
        isinstance(x, (list, tuple)) and any(isinstance(v, (complex, np.complexfloating)) for v in x)
    ):
        flat = np.asarray(x, dtype=complex).ravel()
        imaginary = np.flatnonzero(np.imag(flat) != 0)
        pos = int(imaginary[0]) if imaginary.size else 0
        raise InvalidInputError(
            f"`{name}` has complex values (first at position {pos}); give real numbers", name, pos
        )
    if isinstance(x, pd.Series):
        values: Any = x.array
    else:
        values = x
    if np.isscalar(values) or values is None:
        values = [values]
    elif isinstance(values, np.ndarray) and values.ndim == 0:
        values = values.reshape(1)
    _refuse_booleans(name, values)
    try:
        if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
            arr = values
        elif isinstance(values, pd.api.extensions.ExtensionArray) and values.dtype.kind in "fiub":
            arr = values.to_numpy(dtype="float64", na_value=np.nan)
        else:
            arr = np.asarray(values)
            if arr.dtype.kind not in "fiub":
                raw = arr.ravel()
                arr = pd.to_numeric(pd.Series(raw, dtype=object), errors="coerce").to_numpy(dtype="float64")
                bad = _first_bad(raw, arr)
                if bad is not None and any(isinstance(v, str) and _GROUPED.match(v) for v in raw):
                    raw = np.array([v.replace(",", "") if isinstance(v, str) and _GROUPED.match(v) else v
                                    for v in raw], dtype=object)  # '1,234' as exported from Excel
                    arr = pd.to_numeric(pd.Series(raw, dtype=object), errors="coerce").to_numpy(dtype="float64")
                    bad = _first_bad(raw, arr)
                if bad is not None:
                    where, label = row_of(x, bad)
                    raise InvalidInputError(
                        f"`{name}` at {where}: {str(raw[bad])!r} is not a number", name, label, position=bad
                    )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InvalidInputError):
            raise
        raise InvalidInputError(f"`{name}` could not be read as numbers: {exc}", name) from exc
    if arr.ndim != 1:
        if arr.ndim == 0:
            arr = arr.reshape(1)
        else:
            raise InvalidInputError(f"`{name}` must be one-dimensional, got shape {arr.shape}", name)
    return np.ascontiguousarray(arr, dtype=np.float64)


def _refuse_booleans(name: str, values: Any) -> None:
    """True/False is a flag, not a number: a boolean column passed as counts (``df.arrested``
    instead of its sum) would otherwise be read as 1/0 and give a plausible, wrong rate."""
    kind = getattr(getattr(values, "dtype", None), "kind", None)
    if kind == "b":
        raise InvalidInputError(
            f"`{name}` is True/False (boolean), not numbers; a flag is not a count: give numbers "
            "(e.g. the number of True values per group, or .astype(int) if 1/0 is meant)", name
        )
    if isinstance(values, (list, tuple)) or kind == "O":
        types = set(map(type, values))  # one pass in C: a 5M-element list costs ~0.15 s, not ~1 s
        if bool in types or np.bool_ in types:
            i = next(i for i, v in enumerate(values) if isinstance(v, (bool, np.bool_)))
            raise InvalidInputError(
                f"`{name}` at position {i}: {values[i]!r} is True/False, not a number; a flag is not a count",
                name, i,
            )


def check_same_order(**named: Any) -> None:
    """Values are paired by position. Two Series holding the same labels in another order (``off``
    indexed by force as read, ``pop`` indexed by force and sorted) would pair each area's count with
    another area's population, silently: an error naming the second argument (and the position).
    :func:`aligned` runs it on every call; Series with other labels (a filtered frame's integer
    index beside a fresh one) are paired by position, as documented.

    >>> check_same_order(count=pd.Series([1, 2], index=["a", "b"]), population=pd.Series([5, 6], index=["b", "a"]))
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: `population` holds the same labels as `count` in another order (position 0: 'b' where `count` has 'a'); values are paired by position, so each would meet another row's value: align them first (population.reindex(count.index))
    """
    series = [(k, v) for k, v in named.items() if isinstance(v, pd.Series)]
    for (k0, s0), (k, s1) in zip(series[:1] * len(series), series[1:]):
        i0, i1 = s0.index, s1.index
        if len(i0) != len(i1) or i0.equals(i1) or not i0.is_unique or not i1.is_unique:
            continue
        if set(i0) == set(i1):
            j = int(np.flatnonzero(np.asarray(i0) != np.asarray(i1))[0])
            err = InvalidInputError(
                f"`{k}` holds the same labels as `{k0}` in another order (position {j}: {plain(i1[j])!r} where "
                f"`{k0}` has {plain(i0[j])!r}); values are paired by position, so each would meet another row's "
                f"value: align them first ({k}.reindex({k0}.index))", k, j)
            err.caller_terms = True  # type: ignore[attr-defined]  # names both labels already: not relabelled
            raise err


def aligned(**named: Any) -> tuple[dict[str, np.ndarray], pd.Index | None]:
    """Convert several inputs and broadcast scalars to the common length.

    Returns the arrays and the index of the first pandas Series among the inputs (so results
    keep the caller's row labels). Arrays of different lengths raise
    :class:`LengthMismatchError` naming both arguments; Series holding the same labels in
    another order raise :class:`InvalidInputError` (:func:`check_same_order`).

    >>> arrays, index = aligned(count=[1, 2, 3], population=1000)
    >>> arrays["population"]
    array([1000., 1000., 1000.])
    """
    check_same_order(**named)
    index = next((v.index for v in named.values() if isinstance(v, pd.Series)), None)
    scalar = {k: (np.isscalar(v) or v is None) for k, v in named.items()}
    arrays = {k: as_float_array(k, v) for k, v in named.items()}
    lengths = {k: len(a) for k, a in arrays.items() if not scalar[k]}
    n = 1
    if lengths:
        first, n = next(iter(lengths.items()))
        for k, m in lengths.items():
            if m != n:
                raise LengthMismatchError(
                    f"length mismatch: `{first}` has {n} elements but `{k}` has {m}", k
                )
    for k in arrays:
        if scalar[k] and n != 1:
            arrays[k] = np.full(n, arrays[k][0])
    if index is not None and len(index) != n:
        index = None
    return arrays, index


def require_columns(df: pd.DataFrame, columns: Mapping[str, str], what: str = "data") -> None:
    """Raise :class:`InvalidInputError` if any mapped column is missing from ``df``.

    ``columns`` maps the keyword argument name to the column name the user gave.

    >>> require_columns(pd.DataFrame({"n": [1]}), {"count": "count"})
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: data has no column 'count' (keyword `count`); columns are: ['n']
    >>> require_columns(pd.DataFrame({"Count ": [1]}), {"count": "count"})
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: data has no column 'count' (keyword `count`); columns are: ['Count ']; did you mean 'Count '?
    """
    if not isinstance(df, pd.DataFrame):
        raise InvalidInputError(f"{what} must be a DataFrame (pandas, polars or pyarrow), got {type(df).__name__}", what)
    for kw, col in columns.items():
        try:
            present = col in df.columns
        except TypeError:  # unhashable: a list or dict given where a column name belongs
            raise InvalidInputError(
                f"`{kw}` must be a column name of {what}, got {type(col).__name__} {col!r}", kw
            ) from None
        if not present:
            near = near_column(df.columns, col)
            hint = f"; did you mean {near!r}?" if near is not None else ""
            raise InvalidInputError(
                f"{what} has no column {col!r} (keyword `{kw}`); columns are: {list(df.columns)}{hint}", kw
            )


def near_column(columns: Any, col: Any) -> Any:
    """The column the user most likely meant by ``col``, or None: the one whose name is ``col`` but
    for case and spaces ('Count ', 'COUNT': a header typed in a spreadsheet often has a trailing
    space; two such columns are not guessed between), else the closest spelling (difflib), else
    the one it abbreviates ('lat' for 'Latitude'). The one matcher for the library's and the
    command line's "did you mean".

    >>> near_column(["Count ", "population"], "count"), near_column(["Population"], "popluation")
    ('Count ', 'Population')
    >>> near_column(["Latitude", "Longitude"], "lat"), near_column(["Count", "count "], "COUNT")
    ('Latitude', None)
    """
    import difflib

    if not isinstance(col, str):
        return None
    names = [c for c in columns if isinstance(c, str)]
    norm = {c: " ".join(c.split()).casefold() for c in names}
    key = " ".join(col.split()).casefold()
    same = [c for c in names if norm[c] == key]
    if same:
        return same[0] if len(same) == 1 else None
    close = difflib.get_close_matches(key, list(norm.values()), n=1)
    if close:
        return next(c for c in names if norm[c] == close[0])
    if len(key) >= 3:
        abbreviated = [c for c in names if norm[c].startswith(key)]
        if len(abbreviated) == 1:
            return abbreviated[0]
    return None


def per_distinct(s: pd.Series, f: Any, *, categorical: bool = False) -> pd.Series:
    """``f(text)`` for every value of ``s``, computed once per distinct value (missing -> ``""``).

    Record-level police data has a million rows but a few hundred distinct labels, so text work
    (strip, lower, dictionary lookups) is done on the distinct values and spread back by code
    (a categorical's own codes when ``s`` is categorical). Boolean results come back as a bool
    Series, labels as object (or, with ``categorical=True``, as a categorical).

    >>> per_distinct(pd.Series([" Vehicle search", "Person search", None]), lambda t: t.strip() == "Vehicle search").tolist()
    [True, False, False]
    """
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniq = s.cat.codes.to_numpy(), s.cat.categories
    else:
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
    vals = [f("" if pd.isna(u) else str(u)) for u in uniq]
    vals.append(f(""))  # code -1 (missing) takes the last entry
    if categorical:  # labels out: keep them as codes (no million-string array)
        out_codes, cats = pd.factorize(pd.Index(vals, dtype=object))
        return pd.Series(pd.Categorical.from_codes(out_codes[codes], categories=cats, validate=False), index=s.index)
    lookup = np.asarray(vals, dtype=object)
    if all(isinstance(v, (bool, np.bool_)) for v in vals):
        lookup = lookup.astype(bool)
    return pd.Series(lookup[codes], index=s.index)


def count_by_codes(frame: pd.DataFrame, columns: Sequence[str], use: np.ndarray | None = None) -> pd.DataFrame | None:
    """Rows per combination of ``columns`` (only rows where ``use``), as
    ``frame[use].groupby(columns, dropna=False, observed=True).size()`` gives it — same rows,
    order, categorical key columns and ``size`` column — but counted with one ``np.bincount``
    over the categoricals' codes instead of filtering and grouping a million-row frame.
    Returns None when a column is not categorical or the code space is too large (the caller
    then groups with pandas).

    >>> df = pd.DataFrame({"a": pd.Categorical(["x", "y", "x", None]), "b": pd.Categorical(["p", "p", "p", "q"])})
    >>> count_by_codes(df, ["a", "b"])
         a  b  size
    0    x  p     2
    1    y  p     1
    2  NaN  q     1
    """
    cols = [frame[c] for c in columns]
    if not cols or not all(isinstance(c.dtype, pd.CategoricalDtype) for c in cols):
        return None
    sizes = [len(c.cat.categories) + 1 for c in cols]  # the last slot of each is "missing"
    if float(np.prod(sizes, dtype=float)) > 2e7:
        return None
    flat = np.zeros(len(frame), dtype=np.int64)
    for c, n in zip(cols, sizes):
        code = c.cat.codes.to_numpy().astype(np.int64)
        code[code < 0] = n - 1
        flat = flat * n + code
    space = int(np.prod(sizes))
    if use is not None:
        flat[~use] = space  # one extra bin for the rows left out
    counts = np.bincount(flat, minlength=space + 1)[:space]
    present = np.flatnonzero(counts)
    parts = np.unravel_index(present, sizes)
    out = {}
    for name, c, n, idx in zip(columns, cols, sizes, parts):
        idx = np.where(idx == n - 1, -1, idx)
        out[name] = pd.Categorical.from_codes(idx, dtype=c.dtype, validate=False)
    out["size"] = counts[present].astype(np.int64)
    return pd.DataFrame(out)


def plain(value: Any) -> Any:
    """A numpy/pandas scalar (or a tuple of them) as the plain Python value, for messages: so
    that users read ``3`` and ``'2016/17'``, not ``np.int64(3)``.

    >>> plain((np.int64(3), np.str_("a"))), plain(np.float64(2.5))
    ((3, 'a'), 2.5)
    """
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def real_option(name: str, value: Any) -> float:
    """A scalar numeric option (``multiplier``, ``target``) as a float; anything that is not a
    real number (text, None, booleans, lists, dates) raises :class:`InvalidInputError` naming it.
    Range checks are the core's.

    >>> real_option("multiplier", 1000)
    1000.0
    >>> real_option("multiplier", "1000")
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: `multiplier` must be a number, got str '1000'
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidInputError(f"`{name}` must be a number, got {type(value).__name__} {value!r}", name)
    return float(value)


def int_option(name: str, value: Any, *, minimum: int, maximum: int | None = None) -> int:
    """A whole-number option (a seasonal period) within [minimum, maximum].

    >>> int_option("period", 12, minimum=2)
    12
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(float(value))
        else:
            raise InvalidInputError(
                f"`{name}` must be a whole number, got {type(value).__name__} {value!r}", name
            )
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise InvalidInputError(f"`{name}` must be at least {minimum}{upper}, got {value}", name)
    return int(value)


def choice_option(name: str, value: Any, valid: Sequence[str], aliases: Sequence[str] = ()) -> Any:
    """A string option (``method``, ``missing``, ``kind``) that must be one of ``valid`` (or one
    of the accepted ``aliases``, which the message does not list).

    >>> choice_option("missing", None, ["error", "propagate"])
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: unknown `missing` None; valid: 'error', 'propagate'
    """
    if not isinstance(value, str) or (value not in valid and value not in aliases):
        options = ", ".join(repr(v) for v in valid)
        raise InvalidInputError(f"unknown `{name}` {value!r}; valid: {options}", name)
    return value


def column_list(name: str, value: Any) -> list[Any]:
    """``by=``-style arguments: None (no columns), one column name, or a list/tuple of names.

    >>> column_list("by", "force"), column_list("by", ["force", "year"]), column_list("by", None)
    (['force'], ['force', 'year'], [])
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = [value]
    for i, v in enumerate(items):
        if isinstance(v, (list, tuple, dict, set)) or not isinstance(v, Hashable):
            raise InvalidInputError(
                f"`{name}` must be a column name or a list of column names; item {i} is {type(v).__name__} {v!r}",
                name,
            )
    return items


# ----------------------------------------------------------------------------- renames
# Names changed by the API vocabulary (docs/vocabulary.md, docs/changelog.md) keep working for a
# while: the old keyword or column is accepted with a FutureWarning that names the new one.


def _renamed_warning(what: str, old: str, new: str) -> None:
    warn_user(f"{what}: `{old}` is now called `{new}` (docs/vocabulary.md); the old name will be removed in a "
              "future release", FutureWarning)


def renamed_keywords(**renames: str) -> Callable[[F], F]:
    """Accept old keyword names (``old="new"``) with a :class:`FutureWarning` naming the new one.

    >>> @renamed_keywords(count_new="count_a")
    ... def f(count_a=0):
    ...     return count_a
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     f(count_new=3), str(w[0].message)[:38]
    (3, 'f: `count_new` is now called `count_a`')
    """

    def decorate(func: F) -> F:
        positional = [p.name for p in inspect.signature(func).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs or new in positional[: len(args)]:
                        raise InvalidInputError(f"give `{new}` only (`{old}` is its old name)", new)
                    _renamed_warning(func.__name__, old, new)
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        wrapper.__wrapped__ = inspect.unwrap(func)  # the function itself (its module globals, its signature)
        return wrapper  # type: ignore[return-value]

    return decorate


class RenamedColumns(pd.DataFrame):  # type: ignore[misc]
    """A DataFrame whose renamed columns still answer to their old names (``df["old"]``,
    ``df[["old", ...]]``, also with a confidence-level suffix: ``old_95``), with a
    :class:`FutureWarning` naming the new column. Everything else is a plain DataFrame.

    >>> t = renamed_columns(pd.DataFrame({"rate": [1.0]}), {"value": "rate"}, "dsr")
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     warnings.simplefilter("always")
    ...     float(t["value"].iloc[0])
    1.0
    """

    _metadata = ["_renamed", "_renamed_in"]

    @property
    def _constructor(self) -> Callable[..., RenamedColumns]:
        return RenamedColumns

    def _new_name(self, key: Any) -> Any:
        renamed: dict[str, str] | None = getattr(self, "_renamed", None)
        if not renamed or not isinstance(key, str) or key in self.columns:
            return key
        for old, new in renamed.items():
            if key == old or key.startswith(old + "_"):
                candidate = new + key[len(old):]
                if candidate in self.columns:
                    _renamed_warning(getattr(self, "_renamed_in", None) or "result", key, candidate)
                    return candidate
        return key

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            key = self._new_name(key)
        elif isinstance(key, list):
            key = [self._new_name(k) for k in key]
        return super().__getitem__(key)


def renamed_columns(frame: pd.DataFrame, renames: Mapping[str, str], what: str) -> pd.DataFrame:
    """``frame`` as a :class:`RenamedColumns` answering to the old names in ``renames``
    (``{old: new}``); ``what`` names the function in the warning."""
    out = RenamedColumns(frame)
    out.attrs = dict(frame.attrs)
    object.__setattr__(out, "_renamed", dict(renames))
    object.__setattr__(out, "_renamed_in", what)
    return out


def renames_columns(what: str, **renames: str) -> Callable[[F], F]:
    """Decorate a function returning a DataFrame so that its old column names keep working."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return renamed_columns(func(*args, **kwargs), renames, what)

        wrapper.__wrapped__ = inspect.unwrap(func)  # the function itself (its module globals, its signature)
        return wrapper  # type: ignore[return-value]

    return decorate


# ----------------------------------------------------------------------------- core errors
# The core checks its inputs and names the argument and the 0-based position. The one place that
# turns that into the caller's terms (the DataFrame column, the row label) is here.

_AT_POSITION = re.compile(r"\bat position (\d+)")
_OTHER_ROW = {"row": "", "first at": "first at ", "first: cell": "first: "}  # each followed by "row <label>"
_SERIES = re.compile(r"\s*\(series \d+\)")
_MISSING_HINT = re.compile(r"; pass missing=.*$")


def default_index(index: pd.Index) -> bool:
    """Whether ``index`` is pandas' default ``RangeIndex`` (0, 1, 2, …): rows then have no labels
    of their own, so messages name them by position alone.

    >>> default_index(pd.RangeIndex(3)), default_index(pd.Index(["a", "b"]))
    (True, False)
    """
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def translate_error(
    exc: SaferstatsError,
    *,
    columns: Mapping[str, Any] | None = None,
    index: pd.Index | None = None,
    rows: Any = None,
    missing_hint: bool = True,
) -> SaferstatsError:
    """The core's error ``exc`` in the caller's terms.

    ``columns`` maps the core's argument name to the DataFrame column it came from (or to
    ``(column, keyword)`` when the public keyword differs from the core's name); ``rows`` maps
    the core's position to the caller's position (when the data were reordered or subset for the
    core, e.g. sorted by group); ``index`` turns that position into the row label. The returned
    exception (same class) has ``argument`` = the column (or the argument), ``index`` = the row
    label (the position when there is no index) and ``position`` = the 0-based row.

    >>> import saferstats
    >>> e = saferstats.InvalidInputError("invalid value in `count` at position 2: -1 (must not be negative)", "count", 2)
    >>> t = translate_error(e, index=pd.Index(list("abcd")))
    >>> str(t), t.index, t.position
    ("invalid value in `count` at row 'c': -1 (must not be negative)", 'c', 2)
    >>> str(translate_error(e, columns={"count": "offences"}))
    "invalid value in column 'offences' (keyword `count`) at row 2: -1 (must not be negative)"
    """
    known = getattr(exc, "position", None)
    pos = int(known) if known is not None else int(exc.index) if isinstance(exc.index, (int, np.integer)) else None
    if pos is not None and rows is not None and 0 <= pos < len(rows):
        pos = int(rows[pos])
    label: Any = pos
    if pos is not None and index is not None and 0 <= pos < len(index):
        label = plain(index[pos])
    arg = exc.argument
    col = columns.get(arg) if (columns is not None and arg is not None) else None
    keyword = arg
    if isinstance(col, tuple):  # (column, the public keyword that named it)
        col, keyword = col
    msg = str(exc)
    if col is not None:
        named = f"column {col!r}" if col == keyword else f"column {col!r} (keyword `{keyword}`)"
        msg = msg.replace(f"`{arg}`", named)
    if pos is not None:
        as_row = col is not None or (index is not None and not default_index(index))
        # the row by its label, and by its position too when the index repeats the label (pd.concat)
        row = row_named(index, pos) if index is not None and 0 <= pos < len(index) else f"row {label!r}"
        if as_row and not _AT_POSITION.search(msg):  # the core's other ways of naming the row: 'row 1', 'first at 1'
            msg = re.sub(rf"\b(row|first at|first: cell) {pos}\b",
                         lambda m: f"{_OTHER_ROW[m.group(1)]}{row}", msg, count=1)
        at = f"at {row}" if as_row else f"at position {pos}"
        msg = _AT_POSITION.sub(lambda m: at, msg, count=1)
    if rows is not None:
        msg = _SERIES.sub("", msg)
    if not missing_hint:
        msg = _MISSING_HINT.sub("", msg)
    return type(exc)(msg, str(col) if col is not None else arg, label, position=pos)


@contextlib.contextmanager
def core_errors(
    *,
    columns: Mapping[str, Any] | None = None,
    index: pd.Index | None = None,
    rows: Any = None,
    missing_hint: bool = True,
) -> Iterator[None]:
    """Run core calls; a :class:`SaferstatsError` they raise comes out in the caller's terms
    (:func:`translate_error`: the DataFrame column, the row label).

    >>> import saferstats
    >>> with core_errors(index=pd.Index(list("abcd"))):
    ...     raise saferstats.InvalidInputError("invalid value in `count` at position 2: -1 (must not be negative)",
    ...                                        "count", 2)
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: invalid value in `count` at row 'c': -1 (must not be negative)
    """
    try:
        yield
    except SaferstatsError as exc:
        raise translate_error(exc, columns=columns, index=index, rows=rows, missing_hint=missing_hint) from None


# ----------------------------------------------------------------------------- other frames
# polars and pyarrow tables are accepted wherever a pandas DataFrame is: converted once, here, at
# the boundary (results are pandas). Neither library is imported unless the caller passed one.


def _library(x: Any) -> str:
    return type(x).__module__.split(".", 1)[0]


def as_pandas(data: Any, what: str = "data", *, series: bool = False) -> Any:
    """``data`` as a pandas DataFrame: a pandas DataFrame as it is; a polars ``DataFrame`` /
    ``LazyFrame`` or a pyarrow ``Table`` / ``RecordBatch`` converted (with ``series=True`` also a
    polars ``Series`` or pyarrow ``Array`` / ``ChunkedArray``, to a pandas Series); anything else
    raises :class:`InvalidInputError` naming ``what``.

    >>> as_pandas([1, 2], "searches")
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: `searches` must be a DataFrame (pandas, polars or pyarrow), got list
    """
    if isinstance(data, pd.DataFrame) or (series and isinstance(data, pd.Series)):
        return data
    lib = _library(data)
    name = type(data).__name__
    if lib == "polars":
        if name == "LazyFrame":
            data, name = data.collect(), "DataFrame"
        if name == "DataFrame":
            return pd.DataFrame({c: data.get_column(c).to_numpy() for c in data.columns})
        if name == "Series" and series:
            return pd.Series(data.to_numpy(), name=data.name)
    if lib == "pyarrow":
        if name in ("Table", "RecordBatch"):
            return data.to_pandas()
        if series and name in ("Array", "ChunkedArray") or series and name.endswith("Array"):
            return data.to_pandas()
    kinds = "a DataFrame (pandas, polars or pyarrow)"
    raise InvalidInputError(f"`{what}` must be {kinds}, got {f'{lib}.' if lib not in ('builtins', 'numpy') else ''}{name}",
                            what)


def accepts_frames(*names: str, optional: Sequence[str] = ()) -> Callable[[F], F]:
    """Decorate a public function whose arguments ``names`` are DataFrames (``optional``: may
    also be None or a non-frame value the function handles itself, e.g. a mapping): polars and
    pyarrow tables given there are converted to pandas once, before the function runs.
    """

    def decorate(func: F) -> F:
        sig = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = sig.bind_partial(*args, **kwargs)
            except TypeError:  # old keyword names (renamed_keywords) or a wrong call: the function says
                return func(*args, **kwargs)
            for name in names:
                if name in bound.arguments:
                    bound.arguments[name] = as_pandas(bound.arguments[name], name)
            for name in optional:
                value = bound.arguments.get(name)
                if _library(value) in ("polars", "pyarrow"):
                    bound.arguments[name] = as_pandas(value, name, series=True)
            return func(*bound.args, **bound.kwargs)

        wrapper.__wrapped__ = inspect.unwrap(func)  # the function itself (its module globals, its signature)
        return wrapper  # type: ignore[return-value]

    return decorate


_CORE_ROWS: contextvars.ContextVar[Any] = contextvars.ContextVar("saferstats_core_rows", default=None)


def core_rows(rows: Any) -> None:
    """Tell the enclosing :func:`translates_core_errors` how the rows were reordered for the core
    (``rows[i]`` is the caller's row of the core's position ``i``), e.g. sorted by group."""
    _CORE_ROWS.set(rows)


def translates_core_errors(
    *arrays: str,
    frame: str | None = None,
    columns: Mapping[str, str] | None = None,
    missing_hint: bool | None = None,
) -> Callable[[F], F]:
    """Decorate a function that calls the core: a :class:`SaferstatsError` it raises comes out in
    the caller's terms (:func:`translate_error`), the one mechanism for every public function.

    ``arrays`` names the array arguments whose pandas index gives the row labels (the first
    Series among them, as :func:`aligned` keeps it); ``frame`` names a DataFrame argument (its
    index gives the labels) and ``columns`` maps the core's argument names to the keyword
    arguments that name that DataFrame's columns; :func:`core_rows` inside the function says how
    the rows were reordered for the core. ``missing_hint``: whether the core's advice to pass
    ``missing="propagate"`` stays in a missing-value message; by default only when the decorated
    function has a ``missing`` argument (the advice is wrong for one that has not).

    >>> @translates_core_errors("count")
    ... def f(count):
    ...     raise InvalidInputError("invalid value in `count` at position 1: -1", "count", 1)
    >>> f(pd.Series([1, -1], index=["x", "y"]))
    Traceback (most recent call last):
    ...
    saferstats.exceptions.InvalidInputError: invalid value in `count` at row 'y': -1
    """

    def decorate(func: F) -> F:
        sig = inspect.signature(func)
        hint = "missing" in sig.parameters if missing_hint is None else missing_hint

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = _CORE_ROWS.set(None)
            try:
                return func(*args, **kwargs)
            except SaferstatsError as exc:
                if getattr(exc, "caller_terms", False):
                    raise
                try:
                    bound = sig.bind(*args, **kwargs)
                except TypeError:
                    raise exc from None
                bound.apply_defaults()
                a = bound.arguments
                index = None
                cols: dict[str, Any] | None = None
                if frame is not None and isinstance(a.get(frame), pd.DataFrame):
                    index = a[frame].index
                    cols = {core: (a[kw], kw) for core, kw in (columns or {}).items() if isinstance(a.get(kw), str)}
                else:
                    index = next((a[n].index for n in arrays if isinstance(a.get(n), pd.Series)), None)
                raise translate_error(exc, columns=cols, index=index, rows=_CORE_ROWS.get(),
                                      missing_hint=hint) from None
            finally:
                _CORE_ROWS.reset(token)

        return wrapper  # type: ignore[return-value]

    return decorate


class FrozenColumn:
    """A column of values a reader keeps in ``attrs`` (the counts as read, to check later that a
    Series still holds them): shared, not copied, by every frame derived from the table, and
    compared as a whole — pandas compares ``attrs`` when it concatenates or merges frames, and an
    array there made ``df.merge(other)`` raise "The truth value of an array ... is ambiguous".

    >>> a = FrozenColumn([1.0, float("nan")])
    >>> a == FrozenColumn([1.0, float("nan")]), len(a), float(a[0])
    (True, 2, 1.0)
    """

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, values: Any) -> None:
        self._v = np.array(values, dtype=float)
        self._v.flags.writeable = False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FrozenColumn) and (other is self or np.array_equal(self._v, other._v, equal_nan=True))

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenColumn:
        return self

    def __len__(self) -> int:
        return len(self._v)

    def __getitem__(self, key: Any) -> Any:
        return self._v[key]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._v if dtype is None else self._v.astype(dtype)

    def __repr__(self) -> str:
        return f"FrozenColumn({len(self._v)} values)"


def bare(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its cells shared and no ``.attrs``, for code that reads only its cells: pandas
    deep-copies a table's attrs into every column, row and group taken from it, and a published
    table's attrs (the reader's dropped cells, flagged rows, summary) made whole seconds of the
    command's checks (session 33), the report's fly-tipping and stop-and-search loops (7,504 copies,
    5.8 s on Defra's table) and ``suppress`` (session 34). The frame itself is unchanged.

    Built on the same data without going through ``copy()``, which would deep-copy the attrs once
    more only to drop them.

    >>> t = pd.DataFrame({"a": [1]}); t.attrs["note"] = "x"
    >>> (bare(t).attrs, t.attrs, bare(t)["a"].tolist())
    ({}, {'note': 'x'}, [1])
    """
    return pd.DataFrame(frame, copy=False)


class Records(list):  # type: ignore[type-arg]
    """The list of dicts a reader keeps in ``df.attrs["dropped"]``: every row or cell it could not
    use. pandas deep-copies ``attrs`` into the result of every operation, and a list of dicts is
    copied item by item: with the 15,119 no-figure cells of Defra's fly-tipping table, each filter
    of its 3,222 rows took 0.4 s instead of 5 ms. The records describe the read, not the frame, so
    every frame derived from it shares them (a deep copy returns the same list)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Records:
        return self


_ATTRS_OF_ROWS: list[Callable[[pd.DataFrame, pd.DataFrame], None]] = []


def restates_attrs_of_rows(func: F) -> F:
    """Register ``func(out, data)`` for :func:`reader_attrs_of_rows` (a decorator; returns ``func``):
    it re-says in ``out.attrs`` what a reader said in ``data.attrs`` of the whole table it read. The
    module that has the readers registers its own (:mod:`saferstats.published`), so this module
    knows no reader; registering the same function twice runs it once."""
    if func not in _ATTRS_OF_ROWS:
        _ATTRS_OF_ROWS.append(func)
    return func


def reader_attrs_of_rows(out: pd.DataFrame, data: pd.DataFrame) -> None:
    """Re-say in ``out.attrs`` what a reader said in ``data.attrs`` of the whole table it read, of
    ``data``: the rows passed to the function that made ``out`` (pandas carries ``attrs`` through a
    filter, ``groupby().sum()`` and ``pd.concat`` of equal ``attrs``, so a subset would keep the
    whole table's counts). Runs, in order, every function registered with
    :func:`restates_attrs_of_rows`; called by the functions that return a table made from
    ``data`` (:func:`saferstats.add_rates`, :func:`saferstats.shares`,
    :func:`saferstats.year_on_year`). A frame without ``attrs`` is left as it is.

    >>> t = pd.DataFrame({"n": [1, 2]}); t.attrs = {"note": "of both rows"}
    >>> out = t.head(1).copy(); reader_attrs_of_rows(out, t.head(1)); out.attrs
    {'note': 'of both rows'}
    """
    if not isinstance(data.attrs, dict) or not data.attrs:
        return
    for func in _ATTRS_OF_ROWS:
        func(out, data)

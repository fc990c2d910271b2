"""Readers for public community-safety data formats.

``read_stop_search`` reads police.uk stop-and-search data as published: the bulk-download CSVs
(one file, a folder of monthly files, or a list, for one or more forces), the police.uk API
responses (JSON, as ``/api/stops-force`` returns them, and their flattened CSV export), and
semicolon-separated snake_case re-exports. ``read_mha_annual`` reads NHS England's Mental Health
Act annual statistics CSV. Both parse in Rust (``src/csvscan.rs``) and give the same guarantees:

- **Nothing is lost unreported.** Every record of a file is either a row of the result or listed,
  with file and line, in ``df.attrs["dropped"]``: lines with the wrong number of fields
  (``"malformed line"``) and lines where a quote opens a field and never closes (``"unterminated
  quote"``: the line is left out and reading resumes on the next line, instead of the rest of the
  file vanishing into one field). So ``df.attrs["summary"]["rows"] +
  df.attrs["summary"]["lines_left_out"]`` is the number of records in the files, always.
  Values that cannot be used (an unparsable date or number, a date outside 1677-09-21 –
  2262-04-11, text that is not valid UTF-8) are listed there too; the row is kept.
- **Nothing is read twice.** The same file reached twice (listed twice, or a file and its folder)
  is read once; ``x.csv`` beside ``x.csv.gz`` with the same content is read once; either case
  gives a :class:`~saferstats.SaferstatsWarning`.
- **Bounded memory.** A ``.gz`` file may expand to at most 50 times its size (at least 64 MiB);
  beyond that it is refused as a likely gzip bomb, with the sizes in the message.
- **Named errors.** A file that cannot be read (missing, not gzip, truncated, empty, not a
  stop-and-search file, a header naming a column twice) raises
  :class:`~saferstats.InvalidInputError` naming the file (and line), never a pandas, gzip or
  Unicode exception.
"""

from __future__ import annotations

import copy
import csv
import glob
import gzip
import importlib.util
import inspect
import re
import warnings
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._frames import Records
from ._gzip import gunzip_bounded as _gunzip_bounded  # the old private name, kept
from .exceptions import InvalidInputError, SaferstatsError, number_of, warn_user

__all__ = ["read_stop_search", "read_mha_annual", "STOP_SEARCH_COLUMNS", "force_slug"]

#: Columns of the tidy stop-and-search table, in order.
STOP_SEARCH_COLUMNS = [
    "force",
    "type",
    "date",
    "month",
    "part_of_a_policing_operation",
    "policing_operation",
    "latitude",
    "longitude",
    "gender",
    "age_range",
    "self_defined_ethnicity",
    "officer_defined_ethnicity",
    "legislation",
    "object_of_search",
    "outcome",
    "outcome_linked_to_object_of_search",
    "removal_of_more_than_just_outer_clothing",
    "source_file",
    "source_line",
]

_API_RENAME = {
    "datetime": "date",
    "location__latitude": "latitude",
    "location__longitude": "longitude",
    "operation": "part_of_a_policing_operation",
    "operation_name": "policing_operation",
    "removal_of_more_than_outer_clothing": "removal_of_more_than_just_outer_clothing",
}
_REQUIRED = ["type", "date", "self_defined_ethnicity", "officer_defined_ethnicity", "outcome"]
_FILE_FORCE = re.compile(r"^\d{4}-\d{2}-(?P<force>.+?)-stop-and-search\.(csv|json)(\.gz)?$", re.I)
#: Largest police.uk API JSON response read (bytes, after gunzip): one force-month is a few MB.
MAX_JSON_BYTES = 1 << 30


def force_slug(name: Any) -> str:
    """police.uk force identifier from a force name: ``"Avon & Somerset"`` -> ``"avon-and-somerset"``.

    >>> force_slug("Devon & Cornwall"), force_slug("City of London")
    ('devon-and-cornwall', 'city-of-london')
    """
    s = str(name).strip().lower().replace("&", "and")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return {"london-city-of": "city-of-london", "metropolitan-police": "metropolitan"}.get(s, s)


def snake_case(col: str) -> str:
    """A column header in snake case: lower case, each run of other characters one ``_``.

    >>> snake_case(" Number of Offences ")
    'number_of_offences'
    """
    return re.sub(r"[^a-z0-9]+", "_", col.strip().lower()).strip("_")


#: what :func:`read_once` read in this process: (reader, file, size, modification time, keywords) ->
#: the table (or the reader's refusal) and the warnings the reader gave
_READ: dict[tuple[Any, ...], tuple[Any, list[warnings.WarningMessage]]] = {}


def _with_defaults(reader: Callable[..., Any], kw: dict[str, Any]) -> dict[str, Any]:
    """``kw`` with the reader's keyword-only defaults it leaves out (those that can be a key: a
    number, a string, None; ``kw`` as given where the reader's signature cannot be read)."""
    try:
        params = inspect.signature(reader).parameters.values()
    except (TypeError, ValueError):
        return dict(kw)
    return {**{p.name: p.default for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY
               and isinstance(p.default, (str, int, float, type(None)))}, **kw}


def read_once(reader: Callable[..., pd.DataFrame], path: Any, **kw: Any) -> pd.DataFrame:
    """``reader(path, **kw)`` (a published-file reader: :func:`saferstats.read_flytipping`,
    :func:`saferstats.read_hate_crime`), read once per process while the file keeps its size and
    modification time: each call gets a fresh copy of the table (its ``.attrs`` too), or the reader's
    refusal raised again, and the reader's warnings issued again, as a new read would give them.
    For the command line and the report, whose runs in one process (notebooks, tests) read Defra's
    Flytipping.xlsx again each time (20 to 45 s a read; session 33 put the two caches they had
    written into this one). A path that cannot be looked at is passed to the reader, which says what
    is wrong with it in its words; a few tables are kept at most. A keyword left to the reader's
    default and the same keyword given as its default are one read (until session 34 the command's
    ``read_once(read_flytipping, path, sheet="LA_incidents")`` and the report's
    ``read_once(read_flytipping, path)`` read Defra's workbook twice in one process).

    >>> import pandas as pd, tempfile, pathlib
    >>> calls = []
    >>> def reader(p):
    ...     calls.append(p)
    ...     return pd.read_csv(p)
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "t.csv"; _ = f.write_text("x\\n1\\n")
    >>> read_once(reader, f)["x"].tolist(), read_once(reader, f)["x"].tolist(), len(calls)
    ([1], [1], 1)
    >>> def sheet_reader(p, *, sheet="first"):
    ...     calls.append(sheet)
    ...     return pd.read_csv(p)
    >>> _ = read_once(sheet_reader, f), read_once(sheet_reader, f, sheet="first"); calls[1:]
    ['first']
    """
    try:
        st = Path(path).stat()
    except (OSError, TypeError, ValueError):
        return reader(path, **kw)
    key = (getattr(reader, "__qualname__", None) or repr(reader), str(Path(path).resolve()), st.st_size,
           st.st_mtime_ns, tuple(sorted(_with_defaults(reader, kw).items(), key=lambda kv: kv[0])))
    if key not in _READ:
        got: pd.DataFrame | SaferstatsError
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            try:
                got = reader(path, **kw)
            except SaferstatsError as exc:
                got = exc
        while len(_READ) >= 4:  # a few tables at most (Defra's: 3,300 rows and its records)
            _READ.pop(next(iter(_READ)))
        _READ[key] = (got, list(said))
    table, said = _READ[key]
    for w in said:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    if isinstance(table, SaferstatsError):
        raise table
    out = table.copy(deep=True)
    out.attrs = copy.deepcopy(table.attrs)  # (pandas before 2.1 copied attrs shallowly)
    return out


def input_files(path_or_paths: Any,
                patterns: tuple[str, ...] = ("*.csv", "*.csv.gz", "*.json", "*.json.gz"), *,
                arg: str = "path_or_paths") -> list[Path]:
    """The files named by a path, a folder (its files matching ``patterns``) or a list of either;
    each file once (by resolved path), and ``x.csv.gz`` left out when it holds what ``x.csv``
    holds — with a :class:`SaferstatsWarning` for anything not read. ``arg`` is the caller's name
    for the path argument: the errors name it, in their text and ``.argument`` (a reader whose
    parameter is ``path`` passes ``arg="path"``: "path: data/2019.csv: no such file or folder").
    A path that does not exist and holds a glob pattern (``*``, ``?``, ``[``: ``data/2020-0*-essex-*.csv``)
    stands for the files and folders it matches, sorted (:func:`glob.glob`); a pattern that matches
    nothing is refused naming it ("matches no file"). Until session 33 a pattern was refused as "no
    such file or folder".

    >>> try:
    ...     input_files("no-such-folder", arg="path")
    ... except InvalidInputError as e:
    ...     print(e.argument, "|", e)
    path | path: no-such-folder: no such file or folder
    >>> try:
    ...     input_files("no-such-folder/*.csv")
    ... except InvalidInputError as e:
    ...     print(e.argument, "|", e)
    path_or_paths | path_or_paths: no-such-folder/*.csv: the pattern matches no file
    """
    if isinstance(path_or_paths, (str, Path)):
        items: Iterable[Any] = [path_or_paths]
    else:
        try:
            items = list(path_or_paths)
        except TypeError:
            raise InvalidInputError(
                f"{arg} must be a path, a folder or a list of them, not {type(path_or_paths).__name__}",
                arg) from None
    files: list[Path] = []
    for item in [m for given in items for m in glob_matches(given, arg)]:
        try:
            p = Path(item)
            is_dir, is_file, exists = p.is_dir(), p.is_file(), p.exists()
        except (TypeError, ValueError, OSError) as e:
            raise InvalidInputError(f"{arg}: {item!r} is not a usable path ({e})", arg) from None
        if is_dir:
            found = sorted(f for pattern in patterns for f in p.glob(pattern) if f.is_file())
            if not found:
                kinds = ", ".join(x[1:] if x.startswith("*") else x for x in patterns)
                raise InvalidInputError(f"{arg}: {p}: folder has no {kinds} files", arg)
            files.extend(found)
        elif is_file:
            files.append(p)
        elif exists:
            raise InvalidInputError(f"{arg}: {p}: not a regular file (a device or pipe cannot be read)", arg)
        else:
            raise InvalidInputError(f"{arg}: {p}: no such file or folder", arg)
    if not files:
        raise InvalidInputError(f"{arg}: no input files given", arg)
    return _unique_files(files)


def glob_matches(item: Any, arg: str = "path_or_paths") -> list[Any]:
    """The paths that ``item`` stands for: ``[item]`` unless it is a path (text or
    :class:`~pathlib.Path`) that does not exist and holds a glob pattern (``*``, ``?``, ``[``), which
    stands for what it matches, sorted (:func:`glob.glob`, not recursive; ``~`` is not expanded). A
    pattern that matches nothing raises :class:`~saferstats.InvalidInputError` naming ``arg`` and
    the pattern: analysts type patterns (``2020-0*-derbyshire-stop-and-search.csv``), and until
    session 33 the readers refused them as "no such file or folder".

    >>> glob_matches("data/2019.csv")
    ['data/2019.csv']
    >>> from saferstats.datasets import street_crime_sample_path
    >>> [Path(p).name for p in glob_matches(f"{street_crime_sample_path()}/2021-0[12]-*-street.csv")]
    ['2021-01-hertfordshire-street.csv', '2021-02-hertfordshire-street.csv']
    """
    if not isinstance(item, (str, Path)):
        return [item]
    text = str(item)
    if not any(c in text for c in "*?[") or Path(text).exists():
        return [item]
    try:
        found = sorted(glob.glob(text))
    except (ValueError, OSError):
        found = []
    if not found:
        raise InvalidInputError(f"{arg}: {text}: the pattern matches no file", arg)
    return found


def said_without_path_argument(exc: BaseException) -> str:
    """The text of ``exc`` without the Python parameter's name that :func:`input_files` puts first,
    for the command line and the report, which name the path in their own words (a positional
    argument, a configuration key) and give it in the message anyway.

    >>> said_without_path_argument(InvalidInputError("path_or_paths: data: no such file or folder", "path_or_paths"))
    'data: no such file or folder'
    >>> said_without_path_argument(InvalidInputError("path: 3 rows", "by"))
    'path: 3 rows'
    """
    msg, arg = str(exc), getattr(exc, "argument", None)
    return msg[len(arg) + 2:] if arg in ("path", "path_or_paths") and msg.startswith(f"{arg}: ") else msg

def _unique_files(files: list[Path]) -> list[Path]:
    seen: dict[Path, Path] = {}
    twice: list[str] = []
    for f in files:
        key = f.resolve()
        if key in seen:
            twice.append(f"{f} (same file as {seen[key]})")
        else:
            seen[key] = f
    if twice:
        warn_user(f"read once: {number_of(len(twice), 'file')} given more than once (e.g. a file and its folder): "
                  f"{'; '.join(twice[:5])}")
    unique = list(seen.values())
    by_name = {f.resolve(): f for f in unique}
    skipped, kept_both = [], []
    for key, f in list(by_name.items()):
        if not f.name.lower().endswith(".gz"):
            continue
        plain = key.with_name(f.name[:-3])
        if plain in by_name:
            if _same_content(plain, key):
                skipped.append(f)
            else:
                kept_both.append(f"{by_name[plain].name} / {f.name}")
    if skipped:
        warn_user(f"not read: {', '.join(str(f) for f in skipped)} (same content as the uncompressed file beside "
                  "it)")
        unique = [f for f in unique if f not in skipped]
    if kept_both:
        warn_user(f"both read, with different content: {', '.join(kept_both)}; if one is an older copy of the "
                  "other, pass only one (rows would otherwise be counted twice)")
    return unique


def _same_content(plain: Path, gz: Path) -> bool:
    """Whether ``gz`` decompresses to exactly the bytes of ``plain`` (reading at most one byte more
    than ``plain`` holds, so a gzip bomb costs nothing)."""
    size = plain.stat().st_size
    try:
        with gzip.open(gz, "rb") as fh:
            data = fh.read(size + 1)
    except (OSError, EOFError, zlib.error):
        return False
    return len(data) == size and data == plain.read_bytes()


def _is_json(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(".json") or name.endswith(".json.gz")


def read_bounded(path: Path, limit: int, refuse: Callable[[str], Exception]) -> bytes:
    """The bytes of ``path``, gunzipped when it is gzip, never more than ``limit`` of them: a larger
    file, or one that unpacks to more (a gzip bomb), raises ``refuse(reason)`` before it fills
    memory. A truncated or corrupt gzip stream raises ``EOFError`` / ``zlib.error``."""
    size = path.stat().st_size
    if size > limit:
        raise refuse(f"{size:,} bytes, more than the {limit:,} bytes saferstats reads")
    raw = path.read_bytes()
    if raw[:2] != b"\x1f\x8b":
        return raw
    unpacked = _gunzip_bounded(raw, limit)
    if unpacked is None:
        raise refuse(f"unpacks to more than {limit:,} bytes: refused as a likely gzip bomb ({size:,} bytes on disk)")
    return unpacked


def _json_text(path: Path) -> str:
    """The text of a JSON file, ``.json`` or ``.json.gz``, refused beyond :data:`MAX_JSON_BYTES`."""
    def refuse(reason: str) -> Exception:
        return InvalidInputError(f"{path}: {reason} (a police.uk API response is a few MB)", "path_or_paths")

    try:
        raw = read_bounded(path, MAX_JSON_BYTES, refuse)
    except (EOFError, zlib.error) as e:
        raise InvalidInputError(f"{path}: not a readable gzip file ({e})", "path_or_paths") from None
    return raw.decode("utf-8-sig")


def _json_as_csv(path: Path, folder: Path) -> Path:
    """A police.uk API JSON response (an array of stop-and-search objects, as ``/api/stops-force``
    and ``/api/stops-street`` return) flattened to the API's CSV layout in ``folder``
    (``location.street.name`` -> ``location__street__name``): record k is on line k + 1."""
    import json

    try:
        records = json.loads(_json_text(path))
    except json.JSONDecodeError as e:
        raise InvalidInputError(f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})",
                                "path_or_paths") from e
    except UnicodeDecodeError as e:
        raise InvalidInputError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})", "path_or_paths") from e
    except RecursionError:
        raise InvalidInputError(f"{path}: JSON nested too deeply to be a police.uk API response",
                                "path_or_paths") from None
    except OSError as e:
        raise InvalidInputError(f"{path}: cannot read: {e}", "path_or_paths") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InvalidInputError(
            f"{path}: expected a JSON array of stop-and-search objects (the police.uk API response), "
            f"got {type(records).__name__}", "path_or_paths")
    flat = pd.json_normalize(records, sep="__") if records else pd.DataFrame()
    flat = _api_outcome_named(flat)
    for col in ("type", "datetime", "self_defined_ethnicity", "officer_defined_ethnicity", "outcome",
                "location__latitude", "location__longitude"):
        if col not in flat.columns:  # absent from every record (e.g. all locations null)
            flat[col] = None
    # one record per line, so that a line number names the record
    text = flat.astype(object).where(flat.notna(), None)
    text = text.map(lambda v: v.replace("\r", " ").replace("\n", " ") if isinstance(v, str) else v)
    out = folder / (path.name + ".csv")
    text.to_csv(out, index=False, lineterminator="\n")
    return out


def _api_outcome_named(flat: pd.DataFrame) -> pd.DataFrame:
    """The ``outcome`` of flattened police.uk API records, named where the response gives it only in
    an object: ``outcome_object.name`` (the API's object beside ``outcome``) or ``outcome.name``
    (``outcome`` given as an object) fills an ``outcome`` that is missing, empty or ``false`` (the
    API's value for no outcome, as in its own examples for ``stops-force`` and ``stops-no-location``).
    An ``outcome`` left ``false`` is no outcome: :func:`read_stop_search` reads it as missing.

    >>> flat = pd.DataFrame({"outcome": [False, "Arrest", None],
    ...                      "outcome_object__name": [None, "Arrest", "Community resolution"]})
    >>> _api_outcome_named(flat)["outcome"].tolist()
    [False, 'Arrest', 'Community resolution']
    """
    out = flat.copy()
    outcome = out["outcome"] if "outcome" in out.columns else pd.Series(None, index=out.index, dtype=object)
    for name in ("outcome__name", "outcome_object__name"):
        if name not in out.columns:
            continue
        blank = outcome.map(lambda v: v is None or v is False or (isinstance(v, float) and np.isnan(v))
                            or (isinstance(v, str) and not v.strip()))
        named = out[name].map(lambda v: isinstance(v, str) and bool(v.strip()))
        outcome = outcome.astype(object).where(~(blank & named), out[name])
    out["outcome"] = outcome
    return out


def _outcome_false_as_missing(out: pd.DataFrame) -> None:
    """``outcome`` ``false`` (any case) is the police.uk API's "no outcome" (``"outcome": false`` in
    its JSON, ``FALSE`` / ``False`` once flattened to CSV): missing, in place, as an empty cell is,
    never an outcome label of its own (``outcome_test`` counted such searches as not arrested and
    not found, in the denominator)."""
    cats = out["outcome"].cat.categories
    false = [c for c in cats if str(c).strip().lower() == "false"]
    if false:
        out["outcome"] = out["outcome"].cat.remove_categories(false)


def header_delimiter(header: str) -> str:
    """The delimiter of a police.uk file (or a re-export) from its first line: ``";"`` where it has
    more semicolons than commas (the City of London's semicolon re-exports), else ``","``."""
    return ";" if header.count(";") > header.count(",") else ","


def _detect(header: str) -> tuple[str, str]:
    """(format, delimiter) from the first line of a file."""
    delim = header_delimiter(header)
    cols = [snake_case(c.strip('"')) for c in header.split(delim)]
    if "location_latitude" in cols or "datetime" in cols:
        return "api", delim
    if "self_defined_ethnicity" in cols:
        return ("bulk" if "Self-defined" in header else "snake"), delim
    return "unknown", delim


# Output columns of the Rust reader: (name, kind, abs_max, required).
_KINDS: list[tuple[str, str, float, bool]] = [
    ("type", "category", 0.0, False),
    ("date", "datetime", 0.0, True),
    ("part_of_a_policing_operation", "bool", 0.0, False),
    ("policing_operation", "category", 0.0, False),
    ("latitude", "float", 90.0, False),
    ("longitude", "float", 180.0, False),
    ("gender", "category", 0.0, False),
    ("age_range", "category", 0.0, False),
    ("self_defined_ethnicity", "category", 0.0, False),
    ("officer_defined_ethnicity", "category", 0.0, False),
    ("legislation", "category", 0.0, False),
    ("object_of_search", "category", 0.0, False),
    ("outcome", "category", 0.0, False),
    ("outcome_linked_to_object_of_search", "bool", 0.0, False),
    ("removal_of_more_than_just_outer_clothing", "bool", 0.0, False),
    ("force", "category", 0.0, False),
    ("file_name", "category", 0.0, False),
]
_INDEX = {name: i for i, (name, *_rest) in enumerate(_KINDS)}


#: A header line longer than this (bytes) is refused: no public format has one, and a file
#: without line ends (or a gzip bomb of zeros) would otherwise be read whole just to find it.
_MAX_HEADER = 1 << 20


def workbook_engine(path: Any) -> str:
    """The pandas engine that reads a published workbook (``.xlsx``, ``.xlsm`` or ``.ods``):
    ``"calamine"`` where python-calamine is installed (it is in the ``readers`` extra), else
    ``"openpyxl"`` for ``.xlsx``/``.xlsm`` and ``"odf"`` (odfpy) for ``.ods``.

    Method: calamine, a Rust workbook parser, reads the cells pandas' openpyxl and odfpy readers
    read — the same values cell for cell on every sheet of Defra's ``Flytipping.xlsx``, the Home
    Office's hate crime ``.ods`` and NHS England's MHA workbook (``tests/python/
    test_workbook_engine_s35.py`` compares them) — 6 times faster on Defra's workbook (0.6 s
    against 3.4 s on the machine the test suite runs on) and 18 times on the ``.ods``. The published
    table readers (:func:`saferstats.read_flytipping`, :func:`saferstats.read_hate_crime`, ...) read
    through it. :func:`read_mha_annual` keeps openpyxl: calamine reads an Excel error cell such as
    ``#N/A`` as an empty cell, and the MHA reader keeps its text, as NHS England's CSV does.

    Example:

    >>> from saferstats.io import workbook_engine
    >>> workbook_engine("Flytipping.xlsx") in ("calamine", "openpyxl")
    True
    """
    try:
        calamine = (importlib.util.find_spec("python_calamine") is not None
                    and tuple(int(x) for x in pd.__version__.split(".")[:2]) >= (2, 2))  # pandas' engine since 2.2
    except ValueError:
        calamine = False
    return "calamine" if calamine else "odf" if Path(str(path)).suffix.lower() == ".ods" else "openpyxl"


def first_line(path: Path) -> str:
    """First line of a file (decompressing .gz), without a byte-order mark; "" if empty. Errors
    (not gzip, truncated, no line end in the first MiB) are :class:`InvalidInputError` naming
    the file."""
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as fh:
                raw = fh.read(_MAX_HEADER + 1)
        else:
            with open(path, "rb") as fh:
                raw = fh.read(_MAX_HEADER + 1)
    except (OSError, EOFError, zlib.error) as e:
        kind = "gzip file" if path.suffix.lower() == ".gz" else "file"
        raise InvalidInputError(f"{path}: not a readable {kind} ({type(e).__name__}: {e})", "path_or_paths") from None
    end = re.search(rb"[\r\n]", raw)  # a line ends at \n, \r\n or a lone \r, as in the Rust reader
    if end is None and len(raw) > _MAX_HEADER:
        raise InvalidInputError(f"{path}: line 1 (the header) is longer than {_MAX_HEADER} bytes; not a delimited "
                                "text file", "path_or_paths")
    text = raw[: end.start() if end else len(raw)].decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff")


def field_map(path: Path, names: list[str], index: dict[str, int], shown: list[str]) -> list[int | None]:
    """For each header field, the output column it feeds; a column named twice is refused (which
    of the two holds the data cannot be known)."""
    fields: list[int | None] = []
    first: dict[str, int] = {}
    for k, c in enumerate(names):
        if c in index and c in first:
            raise InvalidInputError(
                f"{path}: line 1: the header names column {c!r} twice (fields {first[c] + 1} and {k + 1}: "
                f"{shown[first[c]]!r}, {shown[k]!r}); remove one of them", c)
        first.setdefault(c, k)
        fields.append(index.get(c))
    return fields


def _plan(path: Path, fmt: str) -> tuple[str, list[int | None]] | None:
    """(delimiter, field map) for one file after checking its header; None for an empty file."""
    header = first_line(path)
    if not header.strip():
        return None
    detected, delim = _detect(header)
    kind = detected if fmt == "auto" else fmt
    if kind == "unknown":
        # police.uk's street-level crime file (crimes, not searches): say which reader takes it
        cols = {snake_case(c) for c in re.split(r"[,;\t]", header)}
        street = ("; it is police.uk street-level crime (crimes, not searches): saferstats.read_street_crime "
                  "reads it (saferstats hotspots on the command line)") if {"crime_type", "month"} <= cols else ""
        raise InvalidInputError(
            f"{path}: not a police.uk stop-and-search file (header: {header[:120]!r}); expected columns "
            f"such as {', '.join(_REQUIRED)}{street}",
            "path_or_paths",
        )
    try:
        shown = next(csv.reader([header], delimiter=delim))
    except csv.Error as e:
        raise InvalidInputError(f"{path}: line 1 (the header) cannot be read: {e}", "path_or_paths") from None
    names = [snake_case(c) for c in shown]
    rename = {k.replace("__", "_"): v for k, v in _API_RENAME.items()} | _API_RENAME
    names = [rename.get(c, c) for c in names]
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        raise InvalidInputError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} {missing}; expected the police.uk stop-and-search columns "
            f"{STOP_SEARCH_COLUMNS[1:16]}; found {names[:20]}",
            missing[0],
        )
    return delim, field_map(path, names, _INDEX, shown)


def reader_categorical(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
    """The Rust reader's (codes, categories) of a text column as a pandas Categorical (code -1 is
    missing); categories that decoded to the same text are merged."""
    if len(set(categories)) == len(categories):
        # the reader's codes index its categories by construction
        return pd.Categorical.from_codes(codes, categories=categories, validate=False)
    # two byte strings decoded to the same text (invalid UTF-8 replaced): merge them (code -1 stays missing)
    values = np.asarray([*categories, None], dtype=object)[np.where(codes < 0, len(categories), codes)]
    return pd.Categorical(values)


def blank_as_missing(codes: np.ndarray, categories: list[str]) -> tuple[np.ndarray, list[str]]:
    """The reader's (codes, categories) with every empty or whitespace-only category made missing
    (code -1): a blank cell is no value, not a category ``""``.

    >>> blank_as_missing(np.array([0, 1, 2, 1]), ["Male", "", "Female"])
    (array([ 0, -1,  1, -1], dtype=int32), ['Male', 'Female'])
    """
    blank = np.array([not c.strip() for c in categories], dtype=bool)
    if not blank.any():
        return codes, categories
    new = np.where(blank, -1, np.cumsum(~blank) - 1).astype(np.int32)
    return new[codes], [c for c, b in zip(categories, blank) if not b]


def _bool(values: np.ndarray) -> pd.arrays.BooleanArray:
    return pd.arrays.BooleanArray(values == 1, values < 0)


def read_stop_search(
    path_or_paths: Any, *, format: Literal["auto", "bulk", "api", "snake"] = "auto", force: str | None = None
) -> pd.DataFrame:
    """Read police.uk stop-and-search CSVs (or API JSON responses) into one tidy DataFrame.

    Accepts a file, a folder (all ``*.csv``, ``*.csv.gz``, ``*.json`` and ``*.json.gz`` in it, and
    the ``*-stop-and-search.csv`` files of its ``YYYY-MM`` subfolders, as police.uk's download
    unzips), police.uk's download zip (its stop-and-search members; ``source_file`` is
    ``archive.zip:member``), or a list of these, or a glob pattern (``data/2020-0*-derbyshire-stop-and-search.csv``:
    the files it matches, sorted; one matching nothing is refused naming it); formats are detected per file: the police.uk bulk download (``Type,Date,...,
    Self-defined ethnicity,...``), the police.uk API response as JSON (an array of stop objects,
    as saved from the police.uk API's ``stops-force?force=...&date=YYYY-MM`` query; for these
    ``source_line`` is the 1-based record number) or flattened to CSV (``location__latitude``,
    ``datetime``...), and snake_case re-exports (also semicolon-separated, with ``0/1`` booleans). Columns come out in snake_case
    (:data:`STOP_SEARCH_COLUMNS`): ``date`` as a UTC timestamp (ISO 8601, or day first
    ``dd/mm/yyyy[ hh:mm[:ss]]`` — never month first; naive times taken as UTC),
    ``latitude``/``longitude`` as floats, ``month`` as ``"YYYY-MM"`` of the UK local date (Europe/London:
    a search at 00:30 on 1 June BST, 23:30 UTC on 31 May, is in June, as police.uk files it; an
    ordered categorical, so months sort and compare in time order), the three flags as nullable booleans, ``force`` from the
    police.uk file name (``2020-01-essex-stop-and-search.csv`` -> ``essex``) where it can be known
    (pass ``force=`` for files that do not say, such as API exports; otherwise ``""``: ``force=``
    labels those records and selects nothing, so a file naming another force keeps its own, with a
    :class:`~saferstats.SaferstatsWarning`; filter with ``df[df["force"] == "derbyshire"]``; the
    force's name as published, with or without "Police" / "Constabulary", its police.uk identifier
    or its ONS code: ``force="Derbyshire Constabulary"`` labels them ``"derbyshire"``, as the
    force's bulk files are), plus
    ``source_file`` and ``source_line``. The text columns (``gender``, ``age_range``, both
    ethnicities, ``legislation``, ``object_of_search``, ``outcome``, ``type``,
    ``policing_operation``) are categoricals in which an empty (or whitespace-only) cell is
    missing (``NaN``), as in :func:`~saferstats.read_street_crime`, never a category ``""``: so
    ``isna()``, ``dropna()`` and ``value_counts()`` see it as missing. (Blank cells are not
    problems and are not listed in ``df.attrs["dropped"]``; in ethnicity they count as "Not
    stated" in :func:`~saferstats.disproportionality`.) The age band "10-17" saved as a date by a
    spreadsheet ("Oct-17" or "17-Oct", as in a police.uk API extract of Leicester, February 2020:
    17 of 63 searches) is read as "10-17", with a :class:`~saferstats.SaferstatsWarning`, and
    each such cell is listed in ``df.attrs["repaired"]`` (``source_file, source_line, column,
    value, read_as``): otherwise the searches of children would be undercounted. The API's
    ``"outcome": false`` (its value for a search with no outcome, ``FALSE`` once flattened to CSV)
    is a missing outcome, as an empty cell is, not an outcome "False"; in a JSON response an
    ``outcome`` given only in ``outcome_object`` is read from its ``name``.

    Nothing is dropped silently (see :mod:`saferstats.io` for the guarantees): values that cannot
    be used become missing and every such cell is listed in ``df.attrs["dropped"]`` (records
    ``source_file, source_line, column, value, reason``: unparsable, out of range, not UTF-8);
    lines with the wrong number of fields or a quote that never closes cannot be attributed to
    columns, so they are left out of the table and listed there too (``column`` None).
    ``df.attrs["summary"]`` counts ``rows``, ``lines_left_out`` (their sum is the number of
    records in the files), ``files`` and problems by reason. ``df.attrs["months_read"]`` lists the
    months read for each force (``{"durham": ["2019-12", "2020-01"]}``; a police.uk file with only
    its header counts as read) and ``df.attrs["months_missing"]`` the months within the span read
    (first to last month, all forces) where a force has no search at all — police.uk publishes one
    file per force and month, so usually a file not downloaded or not given — with a
    :class:`~saferstats.SaferstatsWarning` naming the force and months. The same file given twice (or a
    ``.csv.gz`` copy of a ``.csv``) is read once, with a :class:`~saferstats.SaferstatsWarning`.

    >>> import saferstats
    >>> df = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    >>> sorted(df.force.unique())[:3], df.attrs["summary"]["rows"] > 0
    (['city-of-london', 'derbyshire', 'durham'], True)
    >>> df.attrs["summary"]["lines_left_out"], df["month"].cat.ordered
    (0, True)
    >>> "" in df["gender"].cat.categories, bool(df["gender"].isna().any())
    (False, True)
    """
    if format not in ("auto", "bulk", "api", "snake"):
        raise InvalidInputError(f"unknown format {format!r}; valid: 'auto', 'bulk', 'api', 'snake'", "format")
    if force is not None and not isinstance(force, str):
        raise InvalidInputError(f"`force` must be a force name such as 'Essex', not {force!r}", "force")
    files = input_files(police_uk_folders(path_or_paths), arg="path_or_paths")
    if any(_is_json(p) or p.suffix.lower() == ".zip" for p in files):
        import tempfile

        with tempfile.TemporaryDirectory(prefix="saferstats_json_") as tmp:
            readable, names, json_flags = [], [], []
            for p in files:
                if p.suffix.lower() == ".zip":  # police.uk's download as a zip: its stop-and-search members
                    for target, name in _zip_stop_search(p, Path(tmp)):
                        readable.append(target)
                        names.append(name)
                        json_flags.append(False)
                    continue
                readable.append(_json_as_csv(p, Path(tmp)) if _is_json(p) else p)
                names.append(p.name)
                json_flags.append(_is_json(p))
            return _read(readable, names, json_flags, format, force)
    return _read(files, [p.name for p in files], [False] * len(files), format, force)


_ZIP_STOP_SEARCH = re.compile(r"(^|/)\d{4}-\d{2}-[a-z0-9-]+-stop-and-search\.csv$", re.I)


def _zip_stop_search(archive: Path, folder: Path) -> list[tuple[Path, str]]:
    """The police.uk stop-and-search files in a zip archive (``2019-12/2019-12-essex-stop-and-search.csv``,
    beside street and outcomes files), written to ``folder``: (path, name reported as
    ``archive.zip:member``). A member unpacking to more than 50 times its packed size (at least
    64 MiB) is refused, as a ``.gz`` file is."""
    import zipfile

    try:
        with zipfile.ZipFile(archive) as z:
            members = [m for m in z.infolist() if not m.is_dir() and _ZIP_STOP_SEARCH.search(m.filename)]
            if not members:
                raise InvalidInputError(f"{archive}: the archive holds no police.uk stop-and-search files "
                                        "(YYYY-MM/YYYY-MM-<force>-stop-and-search.csv)", "path_or_paths")
            out = []
            for k, info in enumerate(members):
                target = folder / f"zip{k:06d}_{Path(info.filename).name}"
                unzip_bounded(z, info, target, archive)
                out.append((target, f"{archive.name}:{info.filename}"))
    except (zipfile.BadZipFile, OSError) as e:
        raise InvalidInputError(f"{archive}: not a readable zip archive ({e})", "path_or_paths") from None
    return out


def unzip_bounded(z: Any, info: Any, target: Path, archive: Path) -> None:
    """Write zip member ``info`` to ``target``, refusing it (InvalidInputError) once it unpacks to
    more than 50 times its packed size (at least 64 MiB): the ``.gz`` rule, against zip bombs."""
    limit, written = max(50 * info.compress_size, 64 << 20), 0
    with z.open(info) as src, open(target, "wb") as dst:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > limit:
                raise InvalidInputError(f"{archive}: {info.filename} unpacks to more than {limit:,} bytes: refused as a "
                                        f"likely zip bomb ({info.compress_size:,} bytes packed)", "path_or_paths")
            dst.write(chunk)


def _base_name(name: str) -> str:
    """The file's own name in a reported name (``archive.zip:2019-12/2019-12-essex-...csv``)."""
    return name.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


_MONTH_FOLDER = re.compile(r"^\d{4}-\d{2}$")


_SEARCH_FILES = ("*-stop-and-search.csv", "*-stop-and-search.csv.gz")


def police_uk_folders(path_or_paths: Any, inner_patterns: tuple[str, ...] = _SEARCH_FILES,
                       own_patterns: tuple[str, ...] = ("*.csv", "*.csv.gz", "*.json", "*.json.gz")) -> Any:
    """A folder as police.uk's download unzips (``2019-12/2019-12-essex-stop-and-search.csv``, beside
    the street and outcomes files) becomes the files of its ``YYYY-MM`` subfolders that match
    ``inner_patterns`` (stop-and-search by default; ``*-street.csv`` for street-level crime), and its
    own files matching ``own_patterns``: pointed at the download, the reader said "folder has no
    .csv files", or, with a stray CSV beside the month folders, read that file alone and none of the
    months. A glob pattern stands for what it matches (:func:`glob_matches`)."""
    items = [path_or_paths] if isinstance(path_or_paths, (str, Path)) else path_or_paths
    try:
        items = list(items)
    except TypeError:
        return path_or_paths  # input_files names the problem
    out: list[Any] = []
    for item in [m for given in items for m in glob_matches(given)]:  # a pattern may name downloads
        try:
            p = Path(item)
            months = sorted(d for d in p.iterdir() if d.is_dir() and _MONTH_FOLDER.match(d.name)) if p.is_dir() else []
        except (TypeError, ValueError, OSError):
            out.append(item)
            continue
        inner = [f for d in months for pattern in inner_patterns for f in sorted(d.glob(pattern)) if f.is_file()]
        if not inner:
            out.append(item)
            continue
        own = sorted(f for pattern in own_patterns for f in p.glob(pattern) if f.is_file())
        out.extend(own + inner)
    return out


def _read(files: list[Path], names: list[str], from_json: list[bool], format: str, force: str | None) -> pd.DataFrame:
    """read_stop_search on CSV files; ``names`` are the names reported (the JSON file's own name
    for a flattened JSON response, whose line numbers become record numbers)."""
    name_of = dict(zip(files, names))
    json_files = {p for p, j in zip(files, from_json) if j}
    plans = [(p, _plan(p, "api" if p in json_files and format == "auto" else format)) for p in files]
    plans = [(p, plan) for p, plan in plans if plan is not None]
    if not plans:
        raise InvalidInputError("the input has no stop-and-search rows", "path_or_paths")
    paths = [p for p, _ in plans]
    # One parallel Rust pass parses every file and converts every cell (src/csvscan.rs).
    res = _ext.read_columns([(str(p), d, f) for p, (d, f) in plans], _KINDS)  # type: ignore[misc]
    cols = res["columns"]
    file_idx = res["file"]
    n = len(file_idx)
    if n == 0:
        raise InvalidInputError("the input has no stop-and-search rows", "path_or_paths")
    names = [name_of[p] for p in paths]
    # flattened JSON: line k + 1 holds record k (1-based), so report record numbers
    line_shift = np.array([1 if p in json_files else 0 for p in paths], dtype=np.int64)
    data: dict[str, Any] = {}
    for name, kind, _, _ in _KINDS:
        col = cols[_INDEX[name]]
        if kind == "category":
            # a blank cell (no gender, no legislation...) is missing, as in read_street_crime; the
            # force and file-name columns keep "" (no value there: the force comes from elsewhere)
            data[name] = reader_categorical(*(col if name in ("force", "file_name") else blank_as_missing(*col)))
        elif kind == "bool":
            data[name] = _bool(col)
        elif kind == "float":
            data[name] = col
        else:
            data[name] = col.view("datetime64[ns]")

    # Problems found by the reader -> records naming file, line, column and value.
    pr = res["problems"]
    dropped: list[dict[str, Any]] = []
    dates = pd.Series(data["date"]).dt.tz_localize("UTC")
    retry_rows, retry_at = [], []
    for k in range(len(pr["kind"])):
        kind, ci, row = pr["kind"][k], pr["column"][k], pr["row"][k]
        col = _KINDS[ci][0] if ci >= 0 else None
        reason = problem_reason(kind, col, _KINDS[ci][1] if ci >= 0 else "")
        if col == "date" and kind == "unparsable" and _DAY_FIRST.match(pr["value"][k].strip()):
            retry_rows.append(row)  # dd/mm/yyyy[ hh:mm[:ss]]: parsed below, day first (UK)
            retry_at.append(len(dropped))
        f = pr["file"][k]
        dropped.append({"source_file": names[f], "source_line": int(pr["line"][k]) - int(line_shift[f]), "column": col,
                        "value": pr["value"][k], "reason": reason})
    if retry_rows:
        fixed = set()
        ns = dates.array.asi8.copy()
        for row, at in zip(retry_rows, retry_at):
            value, status = _day_first(dropped[at]["value"])
            if status == "ok":
                ns[row] = value
                fixed.add(at)
            elif status == "out of range":
                dropped[at]["reason"] = problem_reason("out of range", "date", "datetime")
        dates = pd.Series(pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC"))
        dropped = [d for i, d in enumerate(dropped) if i not in fixed]

    # force: a force column, else the police.uk file name in a file_name column, else the file's name
    file_force = []
    for p in paths:
        m = _FILE_FORCE.match(_base_name(name_of[p]))
        file_force.append(m.group("force") if m else "")
    force_col, file_name_col = data.pop("force"), data.pop("file_name")
    if (force_col.categories == "").all() and (file_name_col.categories == "").all():
        codes, uniq = pd.factorize(pd.Index(file_force, dtype=object))
        force_codes = codes[file_idx]
        force_cats = list(uniq)
    else:
        from_name = pd.Index(file_name_col.categories, dtype=object).map(
            lambda f: (_FILE_FORCE.match(f) or {"force": ""})["force"] if f else "")
        forces = np.asarray(file_force, dtype=object)[file_idx]
        named = np.asarray(from_name, dtype=object)[file_name_col.codes]
        forces = np.where(named != "", named, forces)
        own = np.asarray(force_col.categories, dtype=object)[force_col.codes]
        forces = np.where(own != "", own, forces)
        force_codes, uniq = pd.factorize(forces)
        force_cats = list(uniq)
    if force is not None:
        _warn_force_not_used(force, force_codes, force_cats)
    if force is not None and "" in force_cats:
        force_cats[force_cats.index("")] = _force_label(force, warn=True)
        if len(set(force_cats)) < len(force_cats):
            codes2, uniq2 = pd.factorize(pd.Index(force_cats, dtype=object))
            force_codes, force_cats = codes2[force_codes], list(uniq2)
    data["force"] = pd.Categorical.from_codes(force_codes, categories=force_cats)
    data["date"] = dates.array
    # "YYYY-MM" of the UK local date, as police.uk files a search (a search at 00:30 on 1 June BST
    # is 23:30 UTC on 31 May, and is in the June file), as a sorted categorical (NaT -> missing)
    local = pd.DatetimeIndex(dates.array).tz_convert("Europe/London").tz_localize(None)
    mc = _ext.month_codes(local.asi8)
    month_codes, months = mc["codes"], mc["labels"]
    data["month"] = pd.Categorical.from_codes(month_codes, categories=months, ordered=True, validate=False)
    data["source_file"] = reader_categorical(file_idx.astype(np.int64), names)
    data["source_line"] = res["line"].view(np.int64)  # u64 line numbers, far below 2**63
    if line_shift.any():
        data["source_line"] = data["source_line"] - line_shift[file_idx]
    # every column was just built here from the reader's fresh arrays: no copy, no consolidation
    out = pd.DataFrame({c: data[c] for c in STOP_SEARCH_COLUMNS}, copy=False)
    out.attrs["dropped"] = Records(dropped)
    out.attrs["summary"] = _summary(len(out), res, dropped)
    _outcome_false_as_missing(out)
    out.attrs["repaired"] = _repair_age_bands(out)
    rows_of = dict(zip(paths, res["rows_per_file"]))
    _check_months(out, [name_of[p] for p in files if not rows_of.get(p)])
    return out


def _warn_force_not_used(force: str, codes: np.ndarray, cats: list[str]) -> None:
    """``force=`` names the force of records whose file does not say it (API exports); it selects
    nothing. Given for files that name another force (police.uk's ``2019-12-essex-...``), it was
    ignored without a word: ``read_stop_search(folder, force="Derbyshire")`` on the seven-force
    folder gave all 22,587 searches, not Derbyshire's 506. Say which records it did not label."""
    counts = np.bincount(codes, minlength=len(cats))
    own = {c: int(k) for c, k in zip(cats, counts) if c and k}
    if not any(c != _force_label(force) for c in own):  # none, or the very force named: nothing misread
        return
    total = sum(own.values())
    shown = ", ".join(f"{c} {k:,}" for c, k in sorted(own.items(), key=lambda t: -t[1])[:8])
    unnamed = int(counts[cats.index("")]) if "" in cats else 0
    used = (f"it labels only the {number_of(unnamed, 'record')} whose file does not say its force; "
            if unnamed else "no file here lacks its force, so it was not used; ")
    warn_user(f"read_stop_search: `force={force!r}` names the force of files that do not say theirs (API exports) "
              f"and selects nothing: {used}{number_of(total, 'record')} {'keeps' if total == 1 else 'keep'} the force their file names ({shown}"
              f"{' ...' if len(own) > 8 else ''}). For one force's searches, filter the result: "
              f"df[df['force'] == {_force_label(force)!r}]")


def _force_label(force: str, warn: bool = False) -> str:
    """The ``force`` label of records whose file does not say theirs: police.uk's identifier of the
    force named (``"derbyshire"`` for ``"Derbyshire Constabulary"``, ``"Derbyshire"``, ``"derbyshire"``
    or ``E23000018``), the label its bulk files' records carry, so that an API export and a bulk
    file of one force are one force. A name that is none of the 43 territorial forces of England and
    Wales is kept as given (``warn``: with a :class:`~saferstats.SaferstatsWarning`); police.uk's
    slug of it ("derbyshire-constabulary") was no force's label (session 28).

    >>> _force_label("Derbyshire Constabulary"), _force_label("Leicestershire Police"), _force_label("Police Scotland")
    ('derbyshire', 'leicestershire', 'Police Scotland')
    """
    from .geography import force_id

    known = force_id(force)
    if known is not None or not force.strip():
        return known or ""
    if warn:
        warn_user(f"read_stop_search: `force={force!r}` is none of the 43 territorial police forces of England and "
                  f"Wales: the records whose file does not say their force are labelled {force.strip()!r} as given, "
                  "and no bundled population has that force (give a force such as 'Derbyshire' or "
                  "'Derbyshire Constabulary', or your own population table)")
    return force.strip()


#: The police.uk age band "10-17" as a spreadsheet turns it into a date (17 October, shown
#: "Oct-17" or "17-Oct"): no other police.uk band ("under 10", "18-24", "25-34", "over 34") can be
#: read as a date, so the value is unambiguous.
_AGE_AS_DATE = re.compile(r"^\s*(?:oct(?:ober)?[\s/-]*17|17[\s/-]*oct(?:ober)?)\s*$", re.I)


def _repair_age_bands(out: pd.DataFrame) -> Records:
    """Read the age band "10-17" where a spreadsheet saved it as a date ("Oct-17", "17-Oct": the
    police.uk API extract of Leicester, February 2020, has 17 of its 63 searches so), in place, and
    say so: records ``source_file, source_line, column, value, read_as`` (the first 1,000) and a
    :class:`~saferstats.SaferstatsWarning` with the count by file. Left as it was, "Oct-17" is a
    band of its own and the searches of children ("10-17") are undercounted without a word.

    >>> df = pd.DataFrame({"age_range": pd.Categorical(["18-24", "Oct-17", "10-17", None]),
    ...                    "source_file": ["a.csv"] * 4, "source_line": [2, 3, 4, 5]})
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     rep = _repair_age_bands(df)
    >>> df["age_range"].tolist(), [(r["source_line"], r["value"]) for r in rep]
    (['18-24', '10-17', '10-17', nan], [(3, 'Oct-17')])
    """
    col = out["age_range"]
    cats = list(col.cat.categories)
    bad = [c for c in cats if isinstance(c, str) and _AGE_AS_DATE.match(c)]
    if not bad:
        return Records([])
    hit = col.isin(bad).to_numpy()
    rows = np.flatnonzero(hit)
    records = [{"source_file": str(out["source_file"].iat[i]), "source_line": int(out["source_line"].iat[i]),
                "column": "age_range", "value": str(col.iat[i]), "read_as": "10-17"} for i in rows[:1000]]
    fixed = [c for c in cats if c not in bad]
    if "10-17" not in fixed:
        fixed.append("10-17")
    values = np.where(hit, "10-17", col.astype(object).to_numpy())
    out["age_range"] = pd.Categorical(values, categories=fixed)
    by_file = out.loc[hit, "source_file"].astype(str).value_counts(sort=False)
    warn_user(f"read_stop_search: {int(hit.sum()):,} age_range cells hold the police.uk band '10-17' saved as a "
              f"date by a spreadsheet ({', '.join(repr(b) for b in bad)}): read as '10-17', so the searches of "
              f"children are counted ({'; '.join(f'{f}: {n:,}' for f, n in by_file.items())}); "
              "listed in .attrs['repaired']")
    return Records(records)


def _check_months(out: pd.DataFrame, empty: list[str]) -> None:
    """The months read for each force (``.attrs["months_read"]``) and those missing within the
    span read (``.attrs["months_missing"]``, with a warning naming force and month): police.uk
    publishes one file per force and month, so a force-month with no search is usually a file not
    downloaded. A police.uk file read with no rows (``empty``: their names) counts as read.
    ``.attrs["rows_read_by_force"]``: the searches read for each force, so that a table filtered
    since (attrs are kept) is known not to be the one the months were read for.
    The check is :func:`saferstats.disproportionality`'s, which the report uses too."""
    from .disproportionality import months_without_searches, warn_months_missing

    read = []
    for name in empty:
        m = _FILE_FORCE.match(_base_name(name))
        if m:
            read.append((m.group("force"), _base_name(name)[:7]))
    present: dict[str, list[str]] = {}
    missing, span = months_without_searches(out, read, present)
    out.attrs["months_read"] = present
    out.attrs["months_missing"] = missing
    # the searches read per force: disproportionality trusts months_read (a header-only file is a month
    # read) only for a force whose rows are all still there - pandas keeps attrs through filtering, and
    # a month filtered out (df[df.month != "2020-01"]) is not a month read with no search
    out.attrs["rows_read_by_force"] = ({str(k): int(v) for k, v in out["force"].astype(str).value_counts().items()}
                                       if "force" in out.columns else {})
    if missing:
        warn_months_missing(missing, span, "read_stop_search", units=len(present))


def _summary(rows: int, res: dict[str, Any], dropped: list[dict[str, Any]]) -> dict[str, Any]:
    reasons: dict[str, int] = {}
    for d in dropped:
        reasons[d["reason"]] = reasons.get(d["reason"], 0) + 1
    left_out = sum(1 for d in dropped if d["column"] is None)
    return {"rows": rows, "lines_left_out": left_out, "files": int(sum(1 for r in res["rows_per_file"] if r)),
            "problems": reasons}


#: Dates the Rust reader does not take that are read day first (UK): 31/12/2019, 31-12-2019 23:59.
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def _day_first(text: str) -> tuple[int, str]:
    """(ns since the epoch, "ok") for a day-first UK date ``dd/mm/yyyy[ hh:mm[:ss]]`` (naive times
    taken as UTC, as the Rust reader does); "unparsable" if it is not a calendar date — never
    month-first (01/13/2020 is not 13 January) — and "out of range" outside 1677-09-22 – 2262-04-11."""
    import datetime as dt

    m = _DAY_FIRST.match(text.strip())
    if not m:
        return 0, "unparsable"
    d, mo, y, h, mi, sec = (int(g) if g else 0 for g in m.groups())
    try:
        when = dt.datetime(y, mo, d, h, mi, sec)
    except ValueError:
        return 0, "unparsable"
    if not dt.datetime(1677, 9, 22) <= when <= dt.datetime(2262, 4, 11):
        return 0, "out of range"
    return pd.Timestamp(when).value, "ok"


def problem_reason(kind: str, col: str | None, col_kind: str) -> str:
    """The ``reason`` of a problem reported by the Rust reader."""
    if kind == "malformed":
        return "malformed line (wrong number of fields)"
    if kind == "unterminated quote":
        return "unterminated quote (line left out; reading resumed on the next line)"
    if kind == "invalid utf-8":
        return f"invalid UTF-8 in {col} (kept, invalid bytes replaced by U+FFFD)"
    if kind == "missing":
        return f"missing {col}"
    if kind == "out of range":
        if col_kind == "datetime":
            return f"{col} out of range (before 1677-09-21 or after 2262-04-11)"
        return f"{col} out of range"
    if col_kind == "bool":
        return f"unparsable {col} (expected True/False)"
    return f"unparsable {col}"


# ------------------------------------------------------------------------- NHS MHA statistics

#: Columns of the NHS England MHA annual main sheet -> output names (text as published).
_MHA_TEXT = {"Year": "year", "Measure": "measure", "measureSubcategory": "subcategory", "Demographic": "demographic",
             "DemographicBreakdown": "breakdown", "OrganisationBreakdown": "organisation_level",
             "Datasource": "datasource", "OrgID": "org_id", "OrgName": "org_name"}
_MHA_NUMBERS = {"MHSDS_Count": "mhsds_count", "Acute_Count": "acute_count", "Total_Count": "count",
                "CrudeRate": "crude_rate", "StdRate": "std_rate", "Confidence_interval": "std_rate_ci"}
#: Columns of the main sheet that older or cut-down files may lack: missing in every row then.
_MHA_OPTIONAL = {"Datasource", "MHSDS_Count", "Acute_Count"}
_MHA_REQUIRED = ["Measure", "measureSubcategory", "Demographic", "DemographicBreakdown", "OrganisationBreakdown",
                 "Total_Count"]
#: What NHS England prints in a suppressed cell (the DERIVED CSV export leaves it empty).
_MHA_SUPPRESSED = {"", "*", "[c]", "[x]", "[z]", "-"}


def read_mha_annual(path: Any, *, sheet: str | None = None) -> pd.DataFrame:
    """Read NHS England's *Mental Health Act Statistics, Annual Figures* main sheet (suppressed
    publication) into a tidy table: ``year, measure, subcategory, demographic, breakdown,
    organisation_level, datasource, org_id, org_name, mhsds_count, acute_count, count, crude_rate,
    std_rate, std_rate_ci, rate_per, total_row`` (what ``crude_rate`` is per, below).

    **Each demographic's total row.** ``total_row`` is True on a demographic's row of all its
    groups as published: breakdown ``"All"``, except Gender's, which NHS England labels
    ``"All genders"`` (a filter on ``breakdown == 'All'`` leaves Gender out). Select totals with
    ``total_row``; the labels are kept as published. A total row is not always of every case:
    Gender's "All genders" leaves out "Missing" (Section 136, 2023-24: 15,173 and 39 make 15,212),
    Ethnicity's "All" leaves out "Unknown" (below) and the Age "All" row leaves out Age "Unknown"
    ("All detentions": 50,434 and 3 make 50,437). A total label under another demographic (a slip,
    listed in ``breakdown_mislabelled``) is not a total row, and nor is a total label whose count
    is below one of its groups' (a total is at least each of its parts): 2023-24, the 21 Age,
    Ethnicity and Gender total rows of "People subject to repeat detentions", which hold 0
    (subcategory "1": Age "All" 0 beside "18 to 34" 16,652, line 5788; its "All" row, 47,830 = the
    age bands' 47,827 + "Unknown" 3, is one).

    Such a row keeps its published count, and a filter on its label (``breakdown == 'All'``) still
    takes it: a warning (once a read) names the measure, how many rows, an example line and what to
    use instead, the sum of the demographic's breakdowns, and ``.attrs["totals_below_breakdowns"]``
    lists the rows (``source_line``, the labels, ``count``, ``largest``, the group it is below,
    ``breakdowns`` summed, ``sum_of_breakdowns``, ``outside``, the rows of cases in no group, and
    ``all_row``, the measure's "All" row). 2023-24, subcategory "1": Age's bands 47,827 (+ "Unknown"
    3 = 47,830), Ethnicity's five broad groups 46,438 (+ "Unknown" 1,392), Gender's five genders
    47,701 (+ "Missing" 129) where the rows say 0.

    **Jumbled labels put back in order.** A block of rows of one measure, subcategory and
    organisation whose labels are jumbled (a label repeated within a demographic, or one that is no
    label of its demographic) is put back in order by position where the file's own labels allow
    it: the measure's other blocks agree on one order of labels and the block has their
    demographics, row by row. Each demographic's groups are then added up against the block's
    "All" row (Age's bands with "Unknown", Gender's with "Missing", Ethnicity's broad groups with
    "Unknown"). 2023-24, "People subject to repeat detentions" subcategories "2", "3" and "5"
    (lines 5823-5863, 5864-5904, 5946-5986: "#N/A" under Age, gender labels under Age and
    Ethnicity, "Female" 8,376 on the "All" row) take the order of "1", "4", "6" and "7 and over",
    and each adds up (8,376, 1,482 and 105). A warning says so and ``.attrs["breakdowns_restored"]``
    lists each block (``source_lines``, labels ``published`` and put back, ``labels``, ``total``,
    ``sums``, ``adds_up``); a block that cannot be put back unambiguously is kept as published,
    listed with ``restored`` False and the ``reason``, and named in the warning.

    **Which source a count comes from.** ``datasource`` is the sheet's ``Datasource`` as published:
    ``"MHSDS"`` (mental health services), ``"ECDS"`` (A&E, the Emergency Care Data Set) or
    ``"Both"``; ``mhsds_count`` and ``acute_count`` are the two parts of ``count``. The "All" row
    and its breakdowns can come from different sources: for Section 136 in 2023-24 the "All" row is
    ``Both`` (MHSDS 15,212 + A&E 1,625 = 16,837) while the age and ethnicity breakdowns are MHSDS
    only (age sums to 15,212). A share of a breakdown (or of an MHSDS-only measure such as
    "Section 136 to 2") must be taken of the like-for-like total, the "All" row's
    ``mhsds_count``, not its ``count``: 18-34 is 52.0% of 15,212, not 47.0% of 16,837. Files
    without these columns (older years, cut-down exports) give them missing in every row.

    **Ethnicity rows that miss some uses.** England's Ethnicity "All" row is of the uses of known
    ethnicity (Section 136, 2023-24: 13,156) and "Unknown" of the rest recorded (1,791), yet the two
    make 14,947 of the 15,212 the Age bands and the genders (with "Missing") add up to: 265 uses
    (1.7%) are in no ethnicity row, and a share over the ethnicity rows is of 14,947 ("Unknown"
    12.0%, where 2,056 of 15,212, 13.5%, have no known ethnicity). Each of England's breakdowns
    (Age: "All" + "Unknown"; Ethnicity: "All" + "Unknown"; Gender: "All genders" + "Missing"; IMD:
    "All", which holds "Not stated/Not known/Invalid") is compared with its measure's true total:
    the "All" row's ``mhsds_count`` (like for like: the breakdowns are of the mental health
    services' records; its ``count`` adds A&E uses), or its ``count`` where the file has no
    ``mhsds_count``; a measure without an "All" row takes the largest total two breakdowns agree
    on, else Age "All" + "Unknown". Only total rows (``total_row``) are compared. A breakdown
    covering fewer cases is named in a warning and listed in ``.attrs["breakdowns_short"]``
    (``source_lines``, ``measure``, ``subcategory``, ``demographic``, ``total``, ``total_line`` and
    ``total_of``, which total it is, ``rows``, ``in_rows``, ``in_no_row``); 2023-24 also "All
    detentions" (Ethnicity 45,525 + 3,726 = 49,251: 1,186 of 50,437), "Discharges following
    detention" (821 of 36,213) and "Uses of CTOs" (34 of 5,618). Say which total a share is of.

    **Breakdowns over the total.** A breakdown covering more cases than its measure's total is
    named in another warning and listed in ``.attrs["breakdowns_over"]`` (the keys of
    ``breakdowns_short`` with ``over_total`` for ``in_no_row``, and ``direction`` ``"over"``,
    ``column``, ``age_unknown`` and ``age_unknown_line``, ``within_rounding``: every count compared
    a multiple of 5 and the gap at most 2 per count). 2023-24: none. The Age "All" row alone is no
    total: "All detentions" Gender "All genders" 50,389 + "Missing" 48 = 50,437 and IMD "All"
    50,437 equal the "All" row's ``mhsds_count`` 50,437 (its ``count``, 52,458, adds 2,021 A&E
    detentions), 3 more than Age "All"'s 50,434, which leaves out the Age "Unknown" row (3;
    "Discharges following detention": 36,210 + 3 = 36,213). England's counts are not rounded
    (50,434, 50,389 and 48 are no multiples of 5). Take the "All" row's ``mhsds_count`` (or Age
    "All" + "Unknown") as the total of a breakdown.

    **Conversions: England and the two provider levels only.** The Section 136 uses followed by a
    detention under section 2 or 3 (subcategories ``"Section 136 to 2"`` and ``"Section 136 to 3"``,
    under the measures "Uses of section 2/3" and again under "Detentions following use of Place of
    Safety Order") are published for England (``organisation_level`` "All submissions") and as the
    "All providers" totals of the NHS Trust and Independent Health Provider levels (2023-24: 2,485 =
    2,447 + 38 and 240 = 237 + 3), never per provider, ICB or sub-ICB, and not by age, gender or
    ethnicity: there is no conversion rate of one trust or one ICB in the file. The ICB rows that
    look like them, ``"Section 135/136 to 2"`` and ``"Section 135/136 to 3"``, add the conversions
    after a Section 135 warrant (a magistrate's warrant to enter premises, not a police detention
    under Section 136): England's 2,925 and 347 against Section 136's 2,485 and 240 (Section 135's 441
    and 107 make 2,926 and 347). An ICB's Section 135/136 count over Section 136 uses is no
    Section 136 conversion rate; Section 136 uses themselves are not published by ICB either.
    England's "Section 135/136 to 2", 2,925 in both its rows (the "All submissions" row and the ICB
    level's "All providers", lines 3287 and 3288), is one less than its parts as published (2,485 +
    441 = 2,926): the published file's own inconsistency, not the reading's (the CSV and the
    workbook both hold 2,925, and no row is left out). The file does not say why: 2,925 is a multiple
    of 5, as the organisations' rounded counts are, but England's other counts here (347, 441, 107,
    240) are not rounded, so a rounded total cannot be told from a detention counted once after both
    sections. Such a row is listed in ``.attrs["totals_not_adding_up"]`` (its line, ``published``,
    ``parts`` and ``sum_of_parts``) and kept as published; add Section 135's and Section 136's
    conversions for the parts, and take the 2,925 as the file's.

    **What ``crude_rate`` is per.** Per 100,000 people, of the population of the row's group in
    England (the file gives no population; NHS England uses ONS estimates): the "All" row's 29.2
    for Section 136 is of its ``count`` 16,837 (MHSDS and A&E), which makes the population 57.6 to
    57.8 million, all of England at every age (not adults, not a police force's area); the Age
    "All" row's 26.4 is the MHSDS 15,212 per the same population, and a band's rate is per the
    people of that band (18 to 34: 62.9, 7,917 detentions, 12.6 million people), a gender's per
    that gender, an ethnic group's per that group (``std_rate``: age-standardised, with
    ``std_rate_ci`` its published half-width). Of the Section 135/136 rows, those of trusts and
    independent providers and England's conversions have no rate; the ICBs' Section 135/136
    conversions have one, per the ICB's population, and the ICB level's "All providers" rates
    (5.2 for 2,925, 0.7 for 347) fit no one population (55.7 to 56.8 and 46.3 to 53.4 million):
    do not divide by them. Each row says which in ``rate_per``: at the ICB and sub-ICB levels an
    organisation's rates are taken as per its population when its "All" rows give one population
    (count / rate × 100,000, within the rounding: rate ± 0.05, an organisation's count ± 2), so
    "100,000 people of the ICB's population" (in the row's group for a breakdown); 2023-24: each of
    the 42 ICBs does (NHS Greater Manchester's 13 rates: about 2.91 million). Where they do not, every
    rate of that organisation at that level says "no one population: ... do not compare it with
    other organisations' rates or divide by it", and ``.attrs["rates_fit_no_population"]`` lists it
    (lines and populations): 2023-24, the ICB level's "All providers" (its 14 rates give from 24.2
    to 57.6 million: 0.4 for 109 detentions after a CTO revocation, 24.2 to 31.1; 0.7 for 347, 46.3
    to 53.4; 88.3 for 50,437 detentions, 57.1). England's rows say "100,000 people in England" (of the
    row's group), as NHS England publishes them; ``""`` where no rate is published.

    **England's rates do not all fit one population.** England's rows of a whole population (the
    "All submissions" rows whose breakdown is "All") are checked in the same way, per demographic:
    each must fit the population most of that demographic's rows give, and its ``rate_per`` says
    that population ("100,000 people in England (about 57.7 million: count / crude_rate, as the All
    rows give; ...)"). 2023-24: the All, Age "All" and Section 136 rows give about 57.7 million
    (Section 136's 29.2 for 16,837, MHSDS and A&E), the Ethnicity "All" rows about 56.4 million and
    the IMD "All" row 57.1 to 57.2 million, so England's rate of one demographic is not of the same
    population as another's. The Ethnicity rows' 56.4 million (56.38 to 56.45 million from the four
    rates) is not Census 2021's England (56,490,108 usual residents): it is the population NHS
    England used for ethnicity, Census 2021 by ethnic group regrouped into the NHS's categories, in
    which Roma (99,122 in England) have no group: about 56.39 million. Each group's rows fit its
    Census figure (the detailed local-authority table: "White" 45,684,257 with Gypsy or Irish
    Traveller, "Other Ethnic Groups" 1,660,354 with Chinese and Arab); the file does not say so,
    the figures do, and the Ethnicity rows' ``rate_per`` says so (inferred from the numbers). A rate by ethnicity is therefore of a population about 0.1 million smaller
    than Census England's, and of another year than the All and Age rows' (a mid-year estimate).
    Two rows do not fit: "Short term orders" (All: 41.3 for 25,513 gives
    61.7 to 61.8 million) and "Detentions on admission to hospital" (60.1 for 36,686: 61.0 to 61.1
    million) are rates of their ``mhsds_count`` (23,820 and 34,665: about 57.7 million), not of
    ``count``, which adds A&E uses (1,693 and 2,021). Their ``rate_per`` says "of mhsds_count only
    ...; crude_rate is not count's rate", a warning names them (line, what the rate is per, and that
    a rate, share or funnel of ``count`` on them is not like-for-like) and
    ``.attrs["rates_not_of_count"]`` lists them (line,
    labels, counts, rate, ``population`` from the count, ``england_population``, ``of``); a row
    fitting neither its count nor its ``mhsds_count`` would say "no one population" and be listed
    with ``of`` ``""``.

    ``path`` is the main-sheet CSV as published, or a workbook (``.xlsx``/``.ods``) holding it:
    the sheet whose first row has the main sheet's columns is read (``sheet=`` names it; other
    sheets, such as pivot tables, are ignored), and its lines are counted as in the sheet. A glob
    pattern (``data/*mha-annual*.csv``) names the one file it matches.

    Counts suppressed in the source (``*`` or empty) are missing, not zero (in ``mhsds_count`` and
    ``acute_count`` too); ``.attrs["suppressed"]`` counts the suppressed ``count`` cells.

    **Rounded counts beside exact totals.** The counts of organisations (ICBs, sub-ICBs, NHS trusts,
    independent providers) are rounded to a multiple of 5 and left blank when small: in 2023-24 all
    3,997 published are multiples of 5, none below 5. The "All providers" totals (``org_id``
    ``"All prov"``: England's, and the total of a level such as independent providers) are not
    rounded (Section 136: 16,837 and 377; 171 of the 697 below 5). So a total less the published
    counts is not the sum of the blank ones: rounded to the nearest 5 (NHS England's usual rule;
    the file does not say), each published count is off by up to 2. Section 136, independent
    providers: 377 less Navigo's 160 and Livewell Southwest's 215 leaves 2, but the two were 158 to
    162 and 213 to 217, so the 21 blank providers (19 of them MHSDS) had 0 to 6 detentions between
    them, not exactly 2 (a bound the exact total gives away: each had at most 6). Take a share or a
    sum of organisations' counts as of rounded counts (each ±2), and an exact total beside them as
    a total, not as their sum.

    Parsed by the Rust reader with the guarantees of :mod:`saferstats.io`: a line with
    the wrong number of fields or an unterminated quote is left out and listed in
    ``.attrs["dropped"]`` with its line (the columns of the other lines never shift), and so is a
    number that cannot be read (e.g. ``"12a"``: missing, not silently "suppressed");
    ``.attrs["summary"]`` counts rows and lines left out. A ``.gz`` file is read within the gzip
    bound. A row of the national organisation (the ``org_id`` of the "All submissions" rows) with
    an organisation level no other organisation has (2023-24: line 2, level ``h``) would be lost by a filter on
    "All submissions": a warning names its line and ``.attrs["national_mislabelled"]`` lists it.
    Rows that repeat another row's labels (year, measure, subcategory, demographic, breakdown,
    organisation level and organisation; 2023-24: 34 rows of "People subject to repeat
    detentions", such as four Ethnicity rows labelled "Non-binary" with different counts) are
    named in a warning and listed in ``.attrs["repeated_labels"]`` (their lines and counts): a
    filter, pivot or join on the labels would take one of them or sum them. Rows whose breakdown
    is no label of their demographic (a gender label under Age, Ethnicity, IMD or All, an "All"
    demographic not broken down as "All", ``#N/A``; 2023-24: 189 rows, e.g. NHS Derby and
    Derbyshire ICB's 70 detentions in the most deprived IMD decile labelled "Female", line 1139)
    are named in a warning and listed in ``.attrs["breakdown_mislabelled"]``: a filter on the
    breakdown misses them. These two lists are of the labels as published; the rows are kept as
    published, but for the jumbled blocks put back in order (above).

    >>> import saferstats
    >>> t = saferstats.read_mha_annual(saferstats.datasets.mha_annual_excerpt_path())
    >>> int(t.query("subcategory == 'Section 136' and demographic == 'All' and organisation_level == 'All submissions'")["count"].iloc[0])
    16837
    >>> s136 = t.query("subcategory == 'Section 136' and total_row and organisation_level == 'All submissions'")
    >>> [(r.demographic, r.breakdown, r.datasource, int(r.mhsds_count), int(r.acute_count), int(r.count))
    ...  for r in s136.itertuples()]  # doctest: +NORMALIZE_WHITESPACE
    [('Age', 'All', 'MHSDS', 15212, 0, 15212), ('All', 'All', 'Both', 15212, 1625, 16837),
     ('Ethnicity', 'All', 'MHSDS', 13156, 0, 13156), ('Gender', 'All genders', 'MHSDS', 15173, 0, 15173)]
    >>> t.attrs["summary"]["lines_left_out"], t.attrs["suppressed"] > 0
    (0, True)
    >>> [(f["subcategory"], f["in_rows"], f["total"], f["in_no_row"]) for f in t.attrs["breakdowns_short"]]
    [('Section 136', 14947.0, 15212.0, 265.0)]
    >>> t.attrs["breakdowns_over"]
    []
    """
    files = input_files(path, patterns=("*.csv", "*.csv.gz"), arg="path")
    if len(files) != 1:
        raise InvalidInputError(f"read_mha_annual reads one file; {path} names {len(files)}", "path")
    src = files[0]
    if src.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        import tempfile

        with tempfile.TemporaryDirectory(prefix="saferstats_mha_") as tmp:
            return _read_mha_csv(_mha_sheet_as_csv(src, sheet, Path(tmp)), src)
    if sheet is not None:
        raise InvalidInputError(f"{src}: `sheet` applies to a workbook (.xlsx/.ods); this is a CSV file", "sheet")
    return _read_mha_csv(src, src)


def _mha_sheet_as_csv(book: Path, sheet: str | None, folder: Path) -> Path:
    """The MHA main sheet of a workbook written as CSV in ``folder`` (row k of the sheet on line
    k), its cells as published: an Excel error cell such as ``#N/A`` keeps its text, as in NHS
    England's CSV."""
    close: Any = None
    try:
        sheets, close = _workbook_rows(book)
        names = list(sheets)
        main = [n for n in names
                if all(c in {str(v).strip() for v in next(iter(sheets[n]()), ())} for c in _MHA_REQUIRED)]
        if sheet is None:
            if not main:
                raise InvalidInputError(f"{book}: no sheet has the NHS MHA annual main sheet's columns "
                                        f"({_MHA_REQUIRED}); sheets: {', '.join(names)}", "path")
            sheet = main[0]
        chosen = [n for n in names if n.strip().lower() == sheet.strip().lower()]
        if not chosen:
            raise InvalidInputError(f"{book}: no sheet {sheet!r}; sheets: {', '.join(names)}", "sheet")
        if chosen[0] not in main:
            hint = f"the sheet that has them: {main[0]!r}" if main else "no sheet has them"
            raise InvalidInputError(f"{book}: sheet {chosen[0]!r} does not have the NHS MHA annual main sheet's "
                                    f"columns ({_MHA_REQUIRED}) in its first row; {hint}", "sheet")
        out = folder / (book.stem + ".csv")
        with open(out, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            for row in sheets[chosen[0]]():
                w.writerow(["" if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in row])
        return out
    except ImportError as e:
        raise InvalidInputError(f"{book}: reading workbooks needs openpyxl (xlsx) or odfpy (ods): pip install "
                                "'saferstats[readers]', or export the main sheet as CSV", "path") from e
    except InvalidInputError:
        raise
    except Exception as e:  # noqa: BLE001 - any parser failure is an unreadable workbook
        raise InvalidInputError(f"{book}: not a readable workbook ({type(e).__name__}: {e})", "path") from None
    finally:
        if close is not None:
            close()


def _workbook_rows(book: Path) -> tuple[dict[str, Any], Any]:
    """(sheet name -> a function giving that sheet's rows (tuples of cell values, error cells as
    their text), a function that closes the file): openpyxl for .xlsx/.xlsm, pandas (odfpy) for .ods."""
    if book.suffix.lower() == ".ods":
        frames = pd.read_excel(book, sheet_name=None, header=None, dtype=object, engine="odf",
                               keep_default_na=False, na_values=[])
        return {str(k): (lambda f=f: f.itertuples(index=False)) for k, f in frames.items()}, None
    import openpyxl  # type: ignore[import-untyped]

    wb = openpyxl.load_workbook(book, read_only=True, data_only=True)
    return {ws.title: (lambda ws=ws: ws.iter_rows(values_only=True)) for ws in wb.worksheets}, wb.close


def _read_mha_csv(src: Path, named: Path) -> pd.DataFrame:
    """:func:`read_mha_annual` of one CSV file; ``named`` is the file as the caller named it (the
    workbook, when ``src`` is its main sheet written out), named in errors and problems."""
    name = named.name
    header = first_line(src)
    if not header.strip():
        raise InvalidInputError(f"{named}: the file is empty; expected the NHS MHA annual main sheet", "path")
    try:
        shown = next(csv.reader([header]))
    except csv.Error as e:
        raise InvalidInputError(f"{named}: line 1 (the header) cannot be read: {e}", "path") from None
    wanted = list(_MHA_TEXT) + list(_MHA_NUMBERS)
    missing = [c for c in _MHA_REQUIRED if c not in shown]
    if missing:
        raise InvalidInputError(f"{named}: missing column{'s' if len(missing) > 1 else ''} {missing}; expected the NHS MHA annual main sheet "
                                f"(found {shown[:16]})", missing[0])
    index = {c: i for i, c in enumerate(wanted)}
    fields = field_map(src, shown, index, shown)
    kinds = [(c, "category", 0.0, False) for c in wanted]
    res = _ext.read_columns([(str(src), ",", fields)], kinds)
    cols = res["columns"]
    n = len(res["line"])
    lines = res["line"].view(np.int64)
    pr = res["problems"]
    dropped: list[dict[str, Any]] = []
    for k in range(len(pr["kind"])):
        ci = pr["column"][k]
        col = wanted[ci] if ci >= 0 else None
        dropped.append({"source_file": name, "source_line": int(pr["line"][k]), "column": col,
                        "value": pr["value"][k], "reason": problem_reason(pr["kind"][k], col, "category")})
    out = pd.DataFrame(index=pd.RangeIndex(n))
    absent = {c for c in _MHA_OPTIONAL if c not in shown}
    for c, out_col in _MHA_TEXT.items():
        codes, cats = cols[index[c]]
        if c in absent:
            out[out_col] = np.full(n, None, dtype=object)
            continue
        out[out_col] = np.asarray(cats, dtype=object)[codes] if n else np.array([], dtype=object)
    suppressed = 0
    for c, out_col in _MHA_NUMBERS.items():
        codes, cats = cols[index[c]]
        if c in absent:
            out[out_col] = np.full(n, np.nan)
            continue
        text = pd.Series(cats, dtype=object).str.strip()
        values = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        blank = text.isin(_MHA_SUPPRESSED).to_numpy()
        bad = np.flatnonzero(values.isna().to_numpy() & ~blank)
        value_of = values.to_numpy(dtype=float)
        out[out_col] = value_of[codes] if n else np.array([], dtype=float)
        if bad.size:  # neither a number nor a suppression marker
            for r in np.flatnonzero(np.isin(codes, bad)):
                dropped.append({"source_file": name, "source_line": int(lines[r]), "column": c,
                                "value": cats[codes[r]], "reason": f"unparsable {c}"})
        if c == "Total_Count":
            suppressed = int(np.isin(codes, np.flatnonzero(blank)).sum())
    dropped.sort(key=lambda d: d["source_line"])
    # The records go into .attrs at the end: pandas deep-copies a frame's attrs into every column it
    # hands out (`out[c]`), and the checks below take columns thousands of times (9 s of NHS
    # England's 2023-24 file went on copying the records already found; 1 s without).
    attrs: dict[str, Any] = {"suppressed": suppressed, "dropped": Records(dropped), "summary": _summary(n, res, dropped)}
    attrs["national_mislabelled"] = _national_mislabelled(out, lines, name)
    attrs["repeated_labels"] = _repeated_labels(out, lines, name)
    attrs["breakdown_mislabelled"] = _breakdown_mislabelled(out, lines, name)
    attrs["totals_not_adding_up"] = _mha_totals_not_adding_up(out, lines)
    attrs["breakdowns_restored"] = _mha_restore_order(out, lines, name)
    total_row = _mha_total_row(out)
    attrs["totals_below_breakdowns"] = _mha_totals_below_breakdowns(out, lines, name, total_row)
    attrs["breakdowns_short"] = _mha_breakdowns_short(out, lines, name, total_row)
    attrs["breakdowns_over"] = _mha_breakdowns_over(out, lines, name, total_row)
    rate_per, attrs["rates_fit_no_population"] = _mha_rate_per(out, lines)
    attrs["rates_not_of_count"] = _mha_england_populations(out, lines, rate_per)
    _warn_rates_not_of_count(attrs["rates_not_of_count"], name)
    out["rate_per"] = rate_per
    out["total_row"] = total_row
    out.attrs.update(attrs)
    return out


#: The breakdown of a demographic's row of all its groups where it is not "All" (NHS England 2023-24).
_MHA_TOTAL_LABEL = {"Gender": "All genders"}


def _mha_total_row(out: pd.DataFrame) -> np.ndarray:
    """True on each demographic's row of all its groups as published: breakdown "All", or Gender's
    "All genders" (NHS England 2023-24: 15,173 Section 136 uses in England, without "Missing"'s
    39), where the row is that total. A total label under another demographic (a slip listed in
    ``breakdown_mislabelled``) is not one, and nor is a total label on a row whose count is below
    another group's of the same demographic, measure, subcategory and organisation (the cases not
    placed in a group, :data:`_MHA_NOT_PLACED`, left aside: they are outside Ethnicity's "All"):
    a total is at least each of its parts, also after rounding to 5. 2023-24, "People subject to
    repeat detentions": Age "All" 0 beside "18 to 34" 16,652 (subcategory "1", line 5788),
    Ethnicity "All" 0 and Gender "All genders" 0 are no totals (21 rows over its 7 subcategories,
    once :func:`_mha_restore_order` has put its jumbled blocks back in order). A suppressed count
    is not checked."""
    if not len(out):
        return np.zeros(0, dtype=bool)
    demo, brk = out["demographic"].astype(str), out["breakdown"].astype(str)
    label = demo.map(lambda d: _MHA_TOTAL_LABEL.get(d, "All"))
    total: np.ndarray = ((brk == "All") | (brk == label)).to_numpy(dtype=bool)
    count = out["count"].to_numpy(dtype=float)
    part = np.where(brk.isin(_MHA_NOT_PLACED).to_numpy() | total, np.nan, count)
    keys = [c for c in ("year", "measure", "subcategory", "demographic", "organisation_level", "org_id")
            if c in out.columns]
    frame = out[keys].astype(str).assign(_part=part)
    largest = frame.groupby(keys, sort=False, dropna=False)["_part"].transform("max").to_numpy(dtype=float)
    below = ~np.isnan(count) & ~np.isnan(largest) & (count < largest)
    found: np.ndarray = total & ~below
    return found


def _mha_groups_summed(demographic: str, labels: dict[str, int]) -> list[str] | None:
    """The breakdowns of ``demographic`` whose counts make its total row, of the labels a block has
    (label -> row): Ethnicity's broad groups but "Unknown" (:data:`_MHA_ETHNIC_GROUPS`; its other
    labels are parts of these), IMD's every label (its "All" holds "Not stated/Not known/Invalid"),
    else every label but the total one and those of cases not placed in a group
    (:data:`_MHA_COVERING`, :data:`_MHA_NOT_PLACED`): Age's bands, Gender's genders but "Missing".
    NHS England 2023-24, "All detentions": Gender "All genders" 50,389 = the five genders ("Not
    stated" 40 among them), "Missing" 48 outside. ``None`` where Ethnicity lacks a broad group."""
    total = _MHA_TOTAL_LABEL.get(demographic, "All")
    if demographic == "Ethnicity":
        broad = [g for g in _MHA_ETHNIC_GROUPS if g != "Unknown"]
        return broad if all(g in labels for g in broad) else None
    if demographic == "IMD":
        return [b for b in labels if b != total]
    outside = set(_MHA_COVERING.get(demographic, (total, *_MHA_NOT_PLACED)))
    return [b for b in labels if b not in outside and b != total]


def _mha_totals_below_breakdowns(out: pd.DataFrame, lines: np.ndarray, name: str,
                                 total_row: np.ndarray) -> list[dict[str, Any]]:
    """Rows labelled as their demographic's total (breakdown "All", Gender's "All genders") that are
    no total: their count is below one of the groups they total (:func:`_mha_total_row`, whose
    ``total_row`` is False on them). NHS England 2023-24: the 21 Age "All", Ethnicity "All" and
    Gender "All genders" rows of "People subject to repeat detentions" (7 subcategories) hold 0;
    subcategory "1", line 5788: Age "All" 0 beside "18 to 34" 16,652, where the age bands add up to
    47,827 (with "Unknown" 3, the "All" row's 47,830, line 5790). A filter on the label still takes
    the 0: warned about (once, by measure, with an example line and what to use instead) and listed
    (``source_line``, the labels, ``count`` as published, ``largest`` (``breakdown``, ``count``,
    ``source_line`` of the group it is below), ``breakdowns`` (label: count of the groups summed),
    ``sum_of_breakdowns`` (``None`` where a group is suppressed or missing), ``outside`` (the rows
    of cases in no group, such as Age "Unknown"), ``all_row`` and ``all_row_line`` (the measure's
    "All" row of that organisation, ``None`` if none)). The counts are kept as published."""
    need = {"measure", "subcategory", "demographic", "breakdown", "organisation_level", "org_id", "count"}
    if not len(out) or not need <= set(out.columns):
        return []
    demo, brk = out["demographic"].astype(str), out["breakdown"].astype(str)
    own = (brk == demo.map(lambda d: _MHA_TOTAL_LABEL.get(d, "All"))).to_numpy()
    count = out["count"].to_numpy(dtype=float)
    # a demographic "All" has no groups: a breakdown under it is a slip (breakdown_mislabelled)
    odd = np.flatnonzero(own & ~np.asarray(total_row, dtype=bool) & ~np.isnan(count) & (demo != "All").to_numpy())
    if not odd.size:
        return []
    keys = [c for c in ("year", "measure", "subcategory", "demographic", "organisation_level", "org_id")
            if c in out.columns]
    frame = out[keys].astype(str)
    gid = frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    top = [c for c in keys if c != "demographic"]
    where = list(zip(*(frame[c].to_numpy() for c in top)))
    all_at = {where[i]: int(i) for i in np.flatnonzero(((demo == "All") & (brk == "All")).to_numpy())}
    found: list[dict[str, Any]] = []
    demo_of, brk_of = demo.to_numpy(dtype=object), brk.to_numpy(dtype=object)
    for i in odd:
        group = [int(r) for r in np.flatnonzero(gid == gid[i]) if r != i]
        labels = {brk_of[r]: r for r in group}
        parts = [r for r in group if brk_of[r] not in _MHA_NOT_PLACED and not np.isnan(count[r])]
        big = max(parts, key=lambda r: count[r])
        summed = _mha_groups_summed(demo_of[i], labels)
        rows = {b: float(count[labels[b]]) for b in summed or []}
        total = (float(sum(rows.values())) if summed and not np.isnan(list(rows.values())).any() else None)
        outside = {b: float(count[r]) for b, r in labels.items() if b in _MHA_COVERING.get(demo_of[i], ())[1:]}
        a = all_at.get(where[i])
        found.append({"source_line": int(lines[i]), **{k: frame[k].iat[i] for k in keys},
                      "breakdown": brk_of[i], "count": float(count[i]),
                      "largest": {"breakdown": brk_of[big], "count": float(count[big]), "source_line": int(lines[big])},
                      "breakdowns": rows, "sum_of_breakdowns": total, "outside": outside,
                      "all_row": None if a is None or np.isnan(count[a]) else float(count[a]),
                      "all_row_line": None if a is None else int(lines[a])})
    by_measure: dict[str, list[dict[str, Any]]] = {}
    for f in found:
        by_measure.setdefault(f["measure"], []).append(f)

    def measure(m: str, fs: list[dict[str, Any]]) -> str:
        kinds: dict[str, int] = {}
        for f in fs:
            kinds[f"{f['demographic']} {f['breakdown']!r}"] = kinds.get(f"{f['demographic']} {f['breakdown']!r}", 0) + 1
        held = sorted({f["count"] for f in fs})
        subs = len({f["subcategory"] for f in fs})
        return (f"{m}: {number_of(len(fs), 'row')} ({', '.join(f'{k} {v}' for k, v in kinds.items())}, in "
                f"{subs} subcategor{'y' if subs == 1 else 'ies'}), holding "
                + ("0" if held == [0.0] else ", ".join(f"{v:,.0f}" for v in held[:5]) + (" ..." if len(held) > 5 else "")))
    e = found[0]
    instead = (f", whose groups add up to {e['sum_of_breakdowns']:,.0f}" if e["sum_of_breakdowns"] is not None else "")
    if instead and e["outside"]:
        with_out = e["sum_of_breakdowns"] + sum(e["outside"].values())
        instead += (" (with " + " + ".join(f"{b!r} {v:,.0f}" for b, v in e["outside"].items()) + f": {with_out:,.0f}"
                    + (f", the 'All' row's count, line {e['all_row_line']}" if e["all_row"] == with_out else "") + ")")
    example = (f"line {e['source_line']}, {e['measure']}, subcategory {e['subcategory']!r}, {e['demographic']} "
               f"{e['breakdown']!r} {e['count']:,.0f} beside {e['largest']['breakdown']!r} {e['largest']['count']:,.0f}"
               f"{instead}")
    warn_user(f"read_mha_annual: {name}: {number_of(len(found), 'row')} labelled as {'its' if len(found) == 1 else 'their'} "
              f"demographic's total {'holds' if len(found) == 1 else 'hold'} less than one of the groups "
              f"{'it totals' if len(found) == 1 else 'they total'}, so {'it is no total' if len(found) == 1 else 'they are no totals'} "
              f"({'; '.join(measure(m, fs) for m, fs in by_measure.items())}; e.g. {example}). total_row is "
              "False on them, but a filter on the label (breakdown == 'All', or 'All genders') still takes the count "
              "as published: use the sum of the demographic's breakdowns instead (sum_of_breakdowns, with the "
              "groups summed, for each row). Listed in .attrs['totals_below_breakdowns']; the counts are kept as "
              "published")
    return found


#: Breakdowns of cases not placed in any group of their demographic (NHS England 2023-24): outside
#: Ethnicity's "All" (of known ethnicity), so a total row is not compared with them.
_MHA_NOT_PLACED = frozenset({"Unknown", "Missing", "Not Known", "Not Stated", "Not stated",
                             "Not stated/Not known/Invalid"})


#: The organisation levels of the MHA main sheet whose rates are per a commissioner's population.
_MHA_AREA_LEVELS = ("ICB", "Sub ICB")


def _mha_rate_per(out: pd.DataFrame, lines: np.ndarray) -> tuple[list[str], list[dict[str, Any]]]:
    """What each row's ``crude_rate`` is per (``""`` where there is none), and the organisations of
    an ICB or sub-ICB level whose rates fit no one population. A rate's population is its count
    over it (times 100,000): an organisation's "All" rows at one level must give one population,
    within the published rounding (rate ± 0.05, an organisation's count ± 2; the level's "All
    providers" total counted exact). 2023-24: each of the 42 ICBs' rates fits one population
    (NHS Greater Manchester ICB about 2.91 million from its 13 rates); the ICB level's "All providers"
    rows do not (5.9 for 3,272 detentions after a place of safety order, 5.2 for 2,925 and 0.7 for
    347 give 55.0 to 55.9, 55.7 to 56.8 and 46.3 to 53.4 million; its "All detentions" 88.3 for
    50,437 gives 57.1 million): no one population, so not to be compared with the ICBs' rates."""
    n = len(out)
    said = [""] * n
    if not n or not {"crude_rate", "count", "organisation_level", "org_id", "demographic"} <= set(out.columns):
        return said, []
    level, org = out["organisation_level"].astype(str), out["org_id"].astype(str)
    national = set(org[level == "All submissions"]) - {"None", "nan", ""}
    rate, count = out["crude_rate"].to_numpy(dtype=float), out["count"].to_numpy(dtype=float)
    every = (out["demographic"].astype(str) == "All").to_numpy()
    has = ~np.isnan(rate)
    area = level.isin(_MHA_AREA_LEVELS).to_numpy()
    for i in np.flatnonzero(has & ~area):
        said[i] = ("100,000 people in England" if every[i] else "100,000 people of the row's group in England") \
            + " (NHS England's population; the file gives none)"
    found: list[dict[str, Any]] = []
    keyed = pd.DataFrame({"level": level, "org": org}).iloc[np.flatnonzero(has & area)]
    for (lev, code), rows in keyed.groupby(["level", "org"], sort=False):
        at = rows.index.to_numpy()
        total = code in national
        fit = at[every[at] & ~np.isnan(count[at]) & (rate[at] > 0.05)]
        slack = 0.0 if total else 2.0
        lo = (count[fit] - slack) / (rate[fit] + 0.05) * 1e5
        hi = (count[fit] + slack) / (rate[fit] - 0.05) * 1e5
        one = not len(fit) or float(lo.max()) <= float(hi.min())
        whose = f"the {lev} level's total (all its organisations)" if total else f"the {lev}'s"
        for i in at:
            said[i] = (f"100,000 people of {whose} population" + ("" if every[i] else " in the row's group")
                       if one else f"no one population: {whose} rates give {len(fit)} populations that do not agree "
                       "(count / crude_rate); do not compare it with other organisations' rates or divide by it")
        if not one:
            found.append({"organisation_level": lev, "org_id": code, "org_name": str(out["org_name"].iat[at[0]]),
                          "source_lines": [int(lines[i]) for i in fit],
                          "populations": [[float(a), float(b)] for a, b in zip(lo, hi)]})
    return said, found


def _million(lo: float, hi: float) -> str:
    """A population interval in millions as a rate's label says it: "about 57.7 million", "57.4 to 57.7 million"."""
    a, b = f"{lo / 1e6:.1f}", f"{hi / 1e6:.1f}"
    return f"about {a} million" if a == b else f"{a} to {b} million"


#: Census 2021 England's usual residents, and its Roma (TS021: the LSOA table's England total; the
#: detailed local-authority table's "White: Roma" summed over England), who have no group in the NHS's
#: ethnic categories: NHS England's population for its rates by ethnicity is the one less the other.
_CENSUS21_ENGLAND, _CENSUS21_ENGLAND_ROMA = 56_490_108, 99_122


def _mha_census_without_roma(demographic: str, population: tuple[float, float]) -> str:
    """The why of England's Ethnicity rows' population, for their ``rate_per``, where their rates
    fit Census 2021's England less its Roma (2023-24: 56.38 to 56.45 million, and 56,390,986) and
    not Census England; ``""`` for another demographic or a population that does not fit."""
    without = _CENSUS21_ENGLAND - _CENSUS21_ENGLAND_ROMA
    if demographic != "Ethnicity" or not population[0] <= without <= population[1] \
            or population[0] <= _CENSUS21_ENGLAND <= population[1]:
        return ""
    return (f": Census 2021's England ({_CENSUS21_ENGLAND:,} usual residents) less its Roma "
            f"({_CENSUS21_ENGLAND_ROMA:,}), who have no group in the NHS's ethnic categories, {without:,}, "
            "fits these rates and Census England does not (inferred from the numbers; the file does not say so)")


def _mha_england_populations(out: pd.DataFrame, lines: np.ndarray, said: list[str]) -> list[dict[str, Any]]:
    """Check England's rates of a whole population (the "All submissions" rows whose breakdown is
    "All") against one population per demographic, as :func:`_mha_rate_per` checks an ICB's: each
    row's count / crude_rate × 100,000, within the rounding (rate ± 0.05; England's counts exact),
    must fit the population most of that demographic's rows give. ``said`` (each row's
    ``rate_per``) is rewritten in place: a fitting row says the population ("100,000 people in
    England (about 57.7 million: count / crude_rate ...)"); a row that fits with its
    ``mhsds_count`` and not its ``count`` says that its rate is of the mental health services'
    records only; any other says "no one population". Those two are returned (line, labels, counts,
    rate, the row's population and England's, ``of``: ``"mhsds_count"`` or ``""``). NHS England
    2023-24: "Short term orders" (All, 41.3 for 25,513: 61.7 to 61.8 million) and "Detentions on
    admission to hospital" (60.1 for 36,686: 61.0 to 61.1 million) are of their MHSDS counts (23,820
    and 34,665: 57.6 to 57.8 million), where the demographic's other rows (Section 136: 29.2 for
    16,837, MHSDS and A&E) give about 57.7 million."""
    need = {"crude_rate", "count", "organisation_level", "demographic", "breakdown", "measure", "subcategory"}
    if not len(out) or not need <= set(out.columns):
        return []
    rate, count = out["crude_rate"].to_numpy(dtype=float), out["count"].to_numpy(dtype=float)
    mhsds = (out["mhsds_count"].to_numpy(dtype=float) if "mhsds_count" in out.columns
             else np.full(len(out), np.nan))
    whole = ((out["organisation_level"].astype(str) == "All submissions") & (out["breakdown"].astype(str) == "All")
             ).to_numpy() & (rate > 0.05) & ~np.isnan(count)
    found: list[dict[str, Any]] = []
    demographic = out["demographic"].astype(str)
    for dem in dict.fromkeys(demographic[whole]):
        at = np.flatnonzero(whole & (demographic == dem).to_numpy())
        lo, hi = count[at] / (rate[at] + 0.05) * 1e5, count[at] / (rate[at] - 0.05) * 1e5
        cover = [int(((lo <= p) & (p <= hi)).sum()) for p in lo]
        best = int(np.argmax(cover))
        fits = (lo <= lo[best]) & (lo[best] <= hi)
        if 2 * int(fits.sum()) <= len(at):
            continue  # no population most rows agree on: left as published
        ref = (float(lo[fits].max()), float(hi[fits].min()))
        england = _million(*ref)
        for j, i in enumerate(at):
            base = "100,000 people in England"  # (a breakdown's "All" row: all of England too)
            if fits[j]:
                said[i] = (f"{base} ({england}: count / crude_rate, as the {dem} rows give; NHS England's population, "
                           f"the file gives none{_mha_census_without_roma(dem, ref)})")
                continue
            m_lo, m_hi = mhsds[i] / (rate[i] + 0.05) * 1e5, mhsds[i] / (rate[i] - 0.05) * 1e5
            of_mhsds = not np.isnan(mhsds[i]) and mhsds[i] != count[i] and m_lo <= ref[1] and ref[0] <= m_hi
            gives = f"count / crude_rate gives {_million(lo[j], hi[j])} where the other {dem} rows give {england}"
            said[i] = (f"{base}, of mhsds_count only (the mental health services' records, not the A&E uses count "
                       f"adds): {gives}; crude_rate is not count's rate" if of_mhsds else
                       f"no one population: {gives}; do not divide by it or compare it with England's other rates")
            found.append({"source_line": int(lines[i]), "measure": str(out["measure"].iat[i]),
                          "subcategory": str(out["subcategory"].iat[i]), "demographic": dem,
                          "count": float(count[i]), "mhsds_count": float(mhsds[i]), "crude_rate": float(rate[i]),
                          "population": [float(lo[j]), float(hi[j])], "england_population": list(ref),
                          "of": "mhsds_count" if of_mhsds else ""})
    return found


def _warn_rates_not_of_count(found: list[dict[str, Any]], name: str) -> None:
    """Warn naming England's rows whose ``crude_rate`` is not of their ``count`` (those
    :func:`_mha_england_populations` found): what each rate is per, and that a rate or funnel of
    ``count`` beside it is not like-for-like."""
    if not found:
        return

    def said(d: dict[str, Any]) -> str:
        row = f"line {d['source_line']}, {d['measure']}, {d['subcategory']} ({d['demographic']})"
        if d["of"] == "mhsds_count":
            return (f"{row}: {d['crude_rate']:g} per 100,000 people in England ({_million(*d['england_population'])}) "
                    f"is of mhsds_count {d['mhsds_count']:,.0f} (the mental health "
                    f"services' records), not of count {d['count']:,.0f}, which adds "
                    f"{d['count'] - d['mhsds_count']:,.0f} A&E uses")
        return f"{row}: {d['crude_rate']:g} per 100,000 fits neither count {d['count']:,.0f} nor mhsds_count"

    warn_user(f"read_mha_annual: {name}: {len(found)} of England's rates are not of their row's count ("
              + "; ".join(said(d) for d in found)
              + "): a rate, share or funnel of count on these rows is not like-for-like with crude_rate or with "
              "England's other rates (take mhsds_count where the rate is of it). Their rate_per says so and "
              ".attrs['rates_not_of_count'] lists them")


def _mha_totals_not_adding_up(out: pd.DataFrame, lines: np.ndarray) -> list[dict[str, Any]]:
    """England's "Section 135/136 to 2" and "to 3" rows (all ages and groups; the "All submissions"
    row and the ICB level's "All providers" row) whose published count is not the sum of England's
    "Section 135 to k" and "Section 136 to k" under the same measure, as published (NHS England
    2023-24: 2,925 where Section 136's 2,485 and Section 135's 441 make 2,926, lines 3287 and 3288;
    347 = 240 + 107 adds up). Listed (``source_line``, the labels, ``published``, ``parts``,
    ``sum_of_parts``); the counts are kept as published."""
    need = {"measure", "subcategory", "demographic", "organisation_level", "org_id", "count"}
    if not len(out) or not need <= set(out.columns):
        return []
    level, org = out["organisation_level"].astype(str), out["org_id"].astype(str)
    national = set(org[level == "All submissions"]) - {"None", "nan", ""}
    sub, measure = out["subcategory"].astype(str), out["measure"].astype(str)
    every = (out["demographic"].astype(str) == "All").to_numpy()
    count = out["count"].to_numpy(dtype=float)
    found: list[dict[str, Any]] = []
    for i in np.flatnonzero(every & org.isin(national).to_numpy() & sub.str.startswith("Section 135/136 to ").to_numpy()):
        k = sub.iloc[i].rsplit(" ", 1)[-1]
        parts: dict[str, float | None] = {}
        for part in (f"Section 136 to {k}", f"Section 135 to {k}"):
            at = np.flatnonzero(every & (level == "All submissions").to_numpy() & (measure == measure.iloc[i]).to_numpy()
                                & (sub == part).to_numpy())
            parts[part] = float(count[at[0]]) if len(at) == 1 and not np.isnan(count[at[0]]) else None
        if np.isnan(count[i]) or any(v is None for v in parts.values()):
            continue
        total = float(sum(v for v in parts.values() if v is not None))
        if total != float(count[i]):
            found.append({"source_line": int(lines[i]), "measure": measure.iloc[i], "subcategory": sub.iloc[i],
                          "organisation_level": level.iloc[i], "org_id": org.iloc[i], "published": float(count[i]),
                          "parts": parts, "sum_of_parts": total})
    return found


#: England's rows of a breakdown that together cover every case: the demographic's total row and its
#: row of cases not placed in any group, where it has one (NHS England 2023-24: the Ethnicity "All" is
#: of known ethnicity, the Age "All" leaves out Age "Unknown" (3 of "All detentions"), and the IMD "All"
#: already holds "Not stated/Not known/Invalid": deciles 47,575 + 2,862 = 50,437). A second label
#: marked optional may be absent (the Age "All" row alone then).
_MHA_COVERING = {"Age": ("All", "Unknown"), "Ethnicity": ("All", "Unknown"),
                 "Gender": (_MHA_TOTAL_LABEL["Gender"], "Missing"), "IMD": ("All",)}
_MHA_COVERING_OPTIONAL = {("Age", "Unknown")}


def _mha_parts(f: dict[str, Any]) -> str:
    """A breakdown's rows as a warning says them: "Ethnicity 'All' 45,525 + 'Unknown' 3,726"."""
    of = " (its mhsds_count)" if f.get("column") == "mhsds_count" else ""
    return f"{f['demographic']} " + " + ".join(f"{b!r} {v:,.0f}" for b, v in f["rows"].items()) + of


def _mha_breakdowns_short(out: pd.DataFrame, lines: np.ndarray, name: str,
                          total_row: np.ndarray | None = None) -> list[dict[str, Any]]:
    """England's ("All submissions") breakdowns that cover fewer cases than their measure's total
    (:func:`_mha_breakdowns_off` says which total: the "All" row's ``mhsds_count`` where there is
    one). The Ethnicity "All" row is of known ethnicity, and with "Unknown" should make the total;
    NHS England 2023-24's Section 136 gives 13,156 + 1,791 = 14,947 of 15,212 (the "All" row's
    ``mhsds_count``; the Age bands add to 15,212, genders with "Missing" too): 265 uses are in no
    ethnicity row (so "All detentions" 45,525 + 3,726 = 49,251, 1,186 of 50,437; "Discharges
    following detention" 821 of 36,213; "Uses of CTOs" 34 of 5,618). A share by ethnicity over the
    ethnicity rows then understates the uses whose ethnicity is not known. Warned about and listed
    (``source_lines``, the labels, ``total``, its ``total_line`` and ``total_of`` (which total),
    ``rows`` (label: count), ``in_rows``, ``in_no_row``); the counts are kept as published. The
    breakdowns that cover more cases than the total are :func:`_mha_breakdowns_over`'s."""
    found = [f for f in _mha_breakdowns_off(out, lines, total_row) if f["in_rows"] < f["total"]]
    for f in found:
        f["in_no_row"] = float(f["total"] - f["in_rows"])
    if found:
        def said(f: dict[str, Any]) -> str:
            where = f"line{'s' if len(f['source_lines']) > 1 else ''} {', '.join(map(str, f['source_lines']))}"
            dem = f["demographic"] if f["demographic"].isupper() else f["demographic"].lower()
            return (f"{where}, {f['measure']}, {f['subcategory']}: {_mha_parts(f)} = {f['in_rows']:,.0f} of the "
                    f"total {f['total']:,.0f} ({f['total_of']}, line {f['total_line']}): {f['in_no_row']:,.0f} "
                    f"({100 * f['in_no_row'] / f['total']:.1f}%) in no {dem} row")
        warn_user(f"read_mha_annual: {name}: {len(found)} of England's breakdowns "
                  f"{'covers' if len(found) == 1 else 'cover'} fewer cases than their measure's "
                  f"total ({'; '.join(said(f) for f in found[:4])}{'; and more' if len(found) > 4 else ''}): shares over "
                  "those rows are of fewer cases than the total and understate the cases not placed in a group (take "
                  "the missing ones as not known, or give the total the shares are of). Listed in "
                  ".attrs['breakdowns_short']; the counts are kept as published")
    return found


def _mha_breakdowns_over(out: pd.DataFrame, lines: np.ndarray, name: str,
                         total_row: np.ndarray | None = None) -> list[dict[str, Any]]:
    """England's ("All submissions") breakdowns that cover more cases than their measure's total:
    the over side of :func:`_mha_breakdowns_short`, against the same total. NHS England 2023-24:
    none. Against the Age "All" row alone (as before session 30) "All detentions" Gender "All
    genders" 50,389 + "Missing" 48 = 50,437 looked 3 over 50,434, and "Discharges following
    detention" 36,213 over 36,210: the Age "All" row leaves out Age "Unknown" (3 in both; 50,434 + 3
    = 50,437, the "All" row's ``mhsds_count``). Warned about and listed (the keys of
    ``breakdowns_short`` but ``in_no_row``, and ``direction`` "over", ``over_total``, ``column``
    (the count compared: ``count``), ``age_unknown`` and ``age_unknown_line`` (the Age "Unknown"
    row, ``None`` if the file has none), ``within_rounding`` (every count compared a multiple of 5,
    as rounded counts are, and the gap at most 2 per count)); the counts are kept as published."""
    found = [f for f in _mha_breakdowns_off(out, lines, total_row) if f["in_rows"] > f["total"]]
    for f in found:
        gap = float(f["in_rows"] - f["total"])
        counts = [f["total"], *f["rows"].values()]
        f.update(direction="over", over_total=gap,
                 within_rounding=bool(all(v % 5 == 0 for v in counts) and gap <= 2 * len(counts)))
    if found:
        def said(f: dict[str, Any]) -> str:
            why = ("within the rounding of counts to 5" if f["within_rounding"] else
                   "not rounding: these counts are not all multiples of 5")
            unknown = ""
            if f["age_unknown"] is not None and f["age_unknown"] > 0 and "Unknown" not in f["total_of"]:
                unknown = (f"; the Age 'Unknown' row (line {f['age_unknown_line']}) holds {f['age_unknown']:,.0f}, "
                           "outside the Age 'All' row"
                           + (", which accounts for the gap" if f["age_unknown"] == f["over_total"] else ""))
            where = f"line{'s' if len(f['source_lines']) > 1 else ''} {', '.join(map(str, f['source_lines']))}"
            return (f"{where}, {f['measure']}, {f['subcategory']}: {_mha_parts(f)} = {f['in_rows']:,.0f}, "
                    f"{f['over_total']:,.0f} more than the total {f['total']:,.0f} ({f['total_of']}, line "
                    f"{f['total_line']}; {why}{unknown})")
        warn_user(f"read_mha_annual: {name}: {len(found)} of England's breakdowns "
                  f"{'covers' if len(found) == 1 else 'cover'} more cases than their measure's "
                  f"total ({'; '.join(said(f) for f in found[:4])}{'; and more' if len(found) > 4 else ''}): a "
                  "share or rate over the total and one over these rows are of different totals (give the total a "
                  "share is of). Listed in .attrs['breakdowns_over']; the counts are kept as published")
    return found


def _mha_breakdowns_off(out: pd.DataFrame, lines: np.ndarray,
                        total_row: np.ndarray | None = None) -> list[dict[str, Any]]:
    """England's breakdowns (:data:`_MHA_COVERING`) whose cases differ from their measure's true
    total, short or over: ``source_lines``, the labels, ``total``, ``total_line``, ``total_of``,
    ``rows``, ``in_rows``; an over one also ``column``, ``age_unknown`` and ``age_unknown_line``.

    The total is the measure's total row: the "All" demographic's row (a total row), its
    ``mhsds_count`` where the file has it (like for like with the breakdowns, which are of the
    mental health services' records; its ``count`` adds A&E uses), else its ``count``. A measure
    without one takes the largest total that two breakdowns agree on, else the Age "All" row with
    Age "Unknown". A breakdown is checked only where its total row is one (``total_row``: a total
    label on a jumbled row, such as "People subject to repeat detentions"' Age "All" 0, is not).
    NHS England 2023-24, "All detentions": the "All" row's ``mhsds_count`` 50,437 (line 311; its
    ``count`` 52,458 adds 2,021 A&E detentions) = Age "All" 50,434 + "Unknown" 3 = Gender "All
    genders" 50,389 + "Missing" 48 = IMD "All" 50,437; Ethnicity "All" 45,525 + "Unknown" 3,726 =
    49,251 is 1,186 short."""
    need = {"measure", "subcategory", "demographic", "breakdown", "organisation_level", "count"}
    if not len(out) or not need <= set(out.columns):
        return []
    if total_row is None:
        total_row = _mha_total_row(out)
    england = np.flatnonzero((out["organisation_level"].astype(str) == "All submissions").to_numpy())
    frame = out.iloc[england]
    is_total = np.asarray(total_row, dtype=bool)[england]
    count = frame["count"].to_numpy(dtype=float)
    mhsds = frame["mhsds_count"].to_numpy(dtype=float) if "mhsds_count" in frame.columns else np.full(len(frame), np.nan)
    year = frame["year"].astype(str) if "year" in frame.columns else pd.Series("", index=frame.index)
    key = pd.DataFrame({"y": year, "m": frame["measure"].astype(str), "s": frame["subcategory"].astype(str)})
    demo, brk = frame["demographic"].astype(str).to_numpy(), frame["breakdown"].astype(str).to_numpy()
    found: list[dict[str, Any]] = []
    for _, pos in key.groupby(["y", "m", "s"], sort=False).indices.items():
        def one(d: str, b: str, first: bool) -> int | None:
            at = [int(i) for i in pos if demo[i] == d and brk[i] == b and (is_total[i] or not first)]
            return at[0] if len(at) == 1 and np.isfinite(count[at[0]]) else None
        breakdowns: dict[str, tuple[list[int], dict[str, float]]] = {}
        for d, labels in _MHA_COVERING.items():
            at = [one(d, b, k == 0) for k, b in enumerate(labels)]
            if at[0] is None or any(i is None and (d, b) not in _MHA_COVERING_OPTIONAL for i, b in zip(at, labels)):
                continue
            kept = [(b, i) for b, i in zip(labels, at) if i is not None]
            breakdowns[d] = ([i for _, i in kept], {b: float(count[i]) for b, i in kept})
        every = one("All", "All", True)
        if every is not None and np.isfinite(mhsds[every]) and mhsds[every] > 0:
            total, total_at, total_of, own = float(mhsds[every]), every, "the 'All' row's mhsds_count", ""
        elif every is not None and count[every] > 0:
            total, total_at, total_of, own = float(count[every]), every, "the 'All' row's count", ""
        else:
            sums = {d: sum(r.values()) for d, (_, r) in breakdowns.items()}
            agreed = [v for v in sums.values() if v > 0 and list(sums.values()).count(v) >= 2]
            if agreed:
                total = float(max(agreed))
                givers = [d for d, v in sums.items() if v == total]
                total_of, own = f"the total {' and '.join(givers)} agree on", ""
            elif "Age" in breakdowns and sums["Age"] > 0:
                total, givers, own = float(sums["Age"]), ["Age"], "Age"
                total_of = "Age " + " + ".join(repr(b) for b in breakdowns["Age"][1])
            else:
                continue
            total_at = breakdowns[givers[0]][0][0]
        unknown = one("Age", "Unknown", False)
        for d, (kept_at, rows) in breakdowns.items():
            in_rows = float(sum(rows.values()))
            if d == own or in_rows <= 0 or in_rows == total:
                continue
            f: dict[str, Any] = {
                "source_lines": [int(lines[england[i]]) for i in kept_at], "measure": key["m"].iloc[kept_at[0]],
                "subcategory": key["s"].iloc[kept_at[0]], "demographic": d, "total": total,
                "total_line": int(lines[england[total_at]]), "total_of": total_of, "rows": rows, "in_rows": in_rows}
            if in_rows > total:
                f.update(column="count", age_unknown=None if unknown is None else float(count[unknown]),
                         age_unknown_line=None if unknown is None else int(lines[england[unknown]]))
            found.append(f)
    return found


#: The gender breakdowns of the MHA main sheet (NHS England 2023-24), which are no label of the
#: other demographics: under Age, Ethnicity, IMD or All they are a slip in the source.
_MHA_GENDER = frozenset({"Male", "Female", "Non-binary", "Other", "Not stated", "Missing", "All genders"})


def _breakdown_mislabelled(out: pd.DataFrame, lines: np.ndarray, name: str) -> list[dict[str, Any]]:
    """Rows whose ``breakdown`` is no label of their ``demographic``: a gender label under Age,
    Ethnicity, IMD or All, an "All" demographic broken down by anything but "All", or an Excel
    error (``#N/A``). NHS England 2023-24 (as stored): 189 rows, e.g. the 70 IMD rows of "All
    detentions" at lines 1131-1200 cycle through Male, Female, ... where deciles 01 and 02 belong
    (the file has no "01 Most deprived" row: NHS Derby and Derbyshire ICB's 70 detentions there are
    labelled "Female"), and 60 of the 81 rows of "People detained in hospital on 31st March" (All)
    say "Other", "Not stated", ... instead of "All". A filter on the breakdown misses them and
    one on a gender label picks them up, without a word: warned about and listed (``source_line``,
    the labels, ``org_id``, ``org_name`` and ``count``); the rows are kept as published."""
    if not len(out) or "breakdown" not in out.columns:
        return []
    demo, brk = out["demographic"].astype(str), out["breakdown"].astype(str)
    rows = np.flatnonzero(_mha_slip(demo, brk).to_numpy())
    if not rows.size:
        return []
    count = out["count"].to_numpy(dtype=float)
    found = [{"source_line": int(lines[i]), "measure": out["measure"].iloc[i], "subcategory": out["subcategory"].iloc[i],
              "demographic": demo.iloc[i], "breakdown": brk.iloc[i], "organisation_level": out["organisation_level"].iloc[i],
              "org_id": out["org_id"].iloc[i], "org_name": out["org_name"].iloc[i],
              "count": None if np.isnan(count[i]) else float(count[i])} for i in rows]
    by_demo: dict[str, int] = {}
    for d in found:
        by_demo[d["demographic"]] = by_demo.get(d["demographic"], 0) + 1
    shown = "; ".join(f"line {d['source_line']}: {d['measure']}, {d['demographic']} {d['breakdown']!r}, {d['org_name']} "
                      f"({'suppressed' if d['count'] is None else format(d['count'], ',.0f')})" for d in found[:3])
    absent = ""
    per = {f"{k:02d}": 0 for k in range(1, 11)}
    for b in brk[demo == "IMD"]:
        if b[:2] in per:
            per[b[:2]] += 1
    full = max(per.values())
    if "IMD" in by_demo and full:
        short = [f"{k} ({'none' if v == 0 else v})" for k, v in per.items() if v < full]
        if short:
            absent = (f"; IMD deciles with fewer rows than the others' {full}: {', '.join(short)}, whose figures "
                      "these IMD rows likely are")
    warn_user(f"read_mha_annual: {name}: {number_of(len(rows), 'row')} {'carries' if len(rows) == 1 else 'carry'} a breakdown that is no label of their demographic "
              f"({', '.join(f'{k} {v}' for k, v in sorted(by_demo.items()))}: a gender label under another "
              f"demographic, an 'All' demographic not broken down as 'All', or '#N/A'; {shown}{absent}): a slip in "
              "the source. A filter on the breakdown misses them (and one on a gender label picks them up); they are "
              "kept as published and listed in .attrs['breakdown_mislabelled']")
    return found


def _mha_slip(demo: pd.Series, brk: pd.Series) -> pd.Series:
    """True where a row's breakdown is no label of its demographic: a gender label
    (:data:`_MHA_GENDER`) under Age, Ethnicity, IMD or All, an "All" demographic broken down by
    anything but "All", or an Excel error such as ``#N/A``."""
    demo, brk = demo.astype(str), brk.astype(str)
    bad: pd.Series = ((demo.str.lower() != "gender") & brk.isin(_MHA_GENDER)) | ((demo == "All") & (brk != "All")) \
        | brk.str.strip().str.upper().isin({"#N/A", "#REF!", "#VALUE!", "#NAME?"})
    return bad
#: NHS England's broad ethnic groups of the MHA main sheet (2023-24), which with "Unknown" hold every
#: case its Ethnicity rows place ("Other Ethnic Groups" holds "Chinese", "Any Other Ethnic Group",
#: "Not Known" and "Not Stated"; the other labels are parts of these).
_MHA_ETHNIC_GROUPS = ("Asian or Asian British", "Black or Black British", "Mixed", "White", "Other Ethnic Groups",
                      "Unknown")


def _mha_group_sums(demo: np.ndarray, brk: list[str], count: np.ndarray) -> dict[str, float]:
    """Each demographic's cases as its groups add them up, for a block of one measure and
    subcategory: every label but the total one (Age's bands with "Unknown", Gender's with
    "Missing", IMD's deciles with "Not stated/Not known/Invalid"), Ethnicity's broad groups
    (:data:`_MHA_ETHNIC_GROUPS`) where the block has them all; a suppressed count leaves its
    demographic out."""
    sums: dict[str, float] = {}
    for d in dict.fromkeys(demo):
        if d == "All":
            continue
        at = [i for i in range(len(demo)) if demo[i] == d]
        labels = {brk[i]: i for i in at}
        if d == "Ethnicity":
            if not all(g in labels for g in _MHA_ETHNIC_GROUPS):
                continue
            at = [labels[g] for g in _MHA_ETHNIC_GROUPS]
        else:
            at = [i for i in at if brk[i] != _MHA_TOTAL_LABEL.get(d, "All")]
        values = count[at]
        if len(at) and not np.isnan(values).any():
            sums[d] = float(values.sum())
    return sums


def _mha_restore_order(out: pd.DataFrame, lines: np.ndarray, name: str) -> list[dict[str, Any]]:
    """Put back in order the breakdown labels of a block of rows (one measure, subcategory and
    organisation) whose labels are jumbled, where the file's own labels allow it: the measure's
    other blocks of that organisation agree on one order of labels (each demographic's, row by
    row), and the jumbled block has the same demographics, row by row. A block is jumbled when it
    repeats a label within a demographic or carries a label that is no label of its demographic
    (:func:`_mha_slip`: a gender label under Age or Ethnicity, ``#N/A``). Its rows take the order's
    labels by position (``out["breakdown"]`` is rewritten in place) and each demographic's groups
    are added up against the block's "All" row (:func:`_mha_group_sums`).

    NHS England 2023-24, "People subject to repeat detentions" (England only; 41 rows in each of
    its 7 subcategories, "1" to "7 and over"): subcategories "2", "3" and "5" (lines 5823-5863,
    5864-5904, 5946-5986) carry "#N/A", gender labels under Age and Ethnicity and "Female" on the
    "All" row; subcategories "1", "4", "6" and "7 and over" agree on one order. Put back, each
    demographic adds up to its "All" row (subcategory "2": Age 44 + 132 + 3,445 + 2,227 + 1,590 +
    938 + "Unknown" 0 = 8,376; Gender 4,341 + 3,981 + 11 + 7 + 8 + "Missing" 28 = 8,376;
    Ethnicity's broad groups 645 + 992 + 375 + 4,343 + 1,721 + "Unknown" 300 = 8,376 = the "All"
    row, published as "Female" 8,376).

    Returned (``.attrs["breakdowns_restored"]``), one record a block: ``source_lines``,
    ``measure``, ``subcategory``, ``organisation_level``, ``org_id``, ``restored`` (True, or
    False where the block cannot be put back unambiguously: no order the other blocks agree on, or
    other demographics row by row), ``reason``, ``published`` and ``labels`` (the breakdowns as
    published and as put back, ``None`` if not), ``counts``, ``total`` and ``total_line`` (the
    "All" row), ``sums`` (each demographic's groups added up) and ``adds_up``. Warned about."""
    need = {"measure", "subcategory", "demographic", "breakdown", "organisation_level", "org_id", "count"}
    if not len(out) or not need <= set(out.columns):
        return []
    keys = [c for c in ("year", "measure", "organisation_level", "org_id") if c in out.columns]
    frame = out[keys + ["subcategory", "demographic", "breakdown"]].astype(str)
    count = out["count"].to_numpy(dtype=float)
    found: list[dict[str, Any]] = []
    # the label columns as arrays, and the slips over the whole table, once: taken per block of rows
    # (about 1,000 on NHS England's 2023-24 file), they were most of read_mha_annual's time
    subs, demographics, breakdowns = (frame[c].to_numpy() for c in ("subcategory", "demographic", "breakdown"))
    slips: np.ndarray | None = None
    for _, rows in frame.groupby(keys, sort=False).indices.items():
        sub = subs[rows]
        blocks = [rows[sub == s] for s in dict.fromkeys(sub)]
        if len(blocks) < 3:
            continue
        demos = [tuple(demographics[b]) for b in blocks]
        labels = [tuple(breakdowns[b]) for b in blocks]

        if slips is None:
            slips = _mha_slip(frame["demographic"], frame["breakdown"]).to_numpy()
        slip = slips
        # a block is jumbled where a label is repeated within a demographic or is no label of its demographic
        odd = [len(set(zip(demos[k], labels[k]))) < len(blocks[k]) or bool(slip[blocks[k]].any())
               for k in range(len(blocks))]
        if not any(odd):
            continue
        intact = [(demos[k], labels[k]) for k in range(len(blocks)) if not odd[k]]
        orders = set(intact)
        for k in np.flatnonzero(odd):
            b = blocks[k]
            if len(intact) >= 2 and len(orders) == 1 and demos[k] == next(iter(orders))[0]:
                new, reason = list(next(iter(orders))[1]), ""
            else:
                new, reason = None, ("the measure's other blocks do not agree on one order of labels"
                                     if len(orders) != 1 or len(intact) < 2 else
                                     "its demographics, row by row, are not the other blocks'")
            brk = new if new is not None else list(labels[k])
            demo = np.asarray(demos[k], dtype=object)
            every = [int(i) for i, (d, x) in enumerate(zip(demo, brk)) if d == "All" and x == "All"]
            total = float(count[b[every[0]]]) if len(every) == 1 else float("nan")
            sums = _mha_group_sums(demo, brk, count[b]) if new is not None else {}
            found.append({"source_lines": [int(lines[i]) for i in b], "measure": str(frame["measure"].iat[b[0]]),
                          "subcategory": str(frame["subcategory"].iat[b[0]]),
                          "organisation_level": str(frame["organisation_level"].iat[b[0]]),
                          "org_id": str(frame["org_id"].iat[b[0]]), "restored": new is not None, "reason": reason,
                          "published": list(labels[k]), "labels": new, "counts": [float(v) for v in count[b]],
                          "total": total, "total_line": int(lines[b[every[0]]]) if len(every) == 1 else None,
                          "sums": sums, "adds_up": bool(sums) and not np.isnan(total)
                          and all(v == total for v in sums.values())})
            if new is not None:
                out.loc[out.index[b], "breakdown"] = new
    if found:
        done = [f for f in found if f["restored"]]
        left = [f for f in found if not f["restored"]]

        def where(f: dict[str, Any]) -> str:
            return (f"lines {f['source_lines'][0]}-{f['source_lines'][-1]}, {f['measure']}, subcategory "
                    f"{f['subcategory']!r} ({len(f['source_lines'])} rows)")
        parts = []
        if done:
            added = "; ".join(f"subcategory {f['subcategory']!r}: " + ", ".join(
                f"{d} {v:,.0f}" for d, v in f["sums"].items()) + f" against the 'All' row's {f['total']:,.0f}"
                + ("" if f["adds_up"] else " (NOT adding up)") for f in done[:4])
            parts.append(f"{len(done)} put back in order by position, as the measure's other blocks give their labels "
                         f"({'; '.join(where(f) for f in done[:4])}); each demographic's groups added up: {added}")
        if left:
            parts.append(f"{len(left)} not put back, ambiguous, kept as published ("
                         + "; ".join(f"{where(f)}: {f['reason']}" for f in left[:4]) + ")")
        warn_user(f"read_mha_annual: {name}: {number_of(len(found), 'block')} of rows with jumbled breakdown labels (rows that "
                  f"repeat a label or carry a breakdown that is no label of their demographic): {'; '.join(parts)}. "
                  "Listed in .attrs['breakdowns_restored'] (labels as published and as put back)")
    return found


#: The labels that identify one figure of the MHA main sheet.
_MHA_KEY = ("year", "measure", "subcategory", "demographic", "breakdown", "organisation_level", "org_id")


def _repeated_labels(out: pd.DataFrame, lines: np.ndarray, name: str) -> list[dict[str, Any]]:
    """Sets of rows that carry the same labels (:data:`_MHA_KEY`): one figure published twice, or a
    label slip in the source (NHS England 2023-24: "People subject to repeat detentions" has four
    rows labelled Ethnicity "Non-binary" with 440, 645, 69 and 4,343 people, gender labels under
    Ethnicity, and seven Age rows labelled "#N/A"). A filter, pivot or join on the labels takes one
    of them or sums them, with no error: warned about (the first sets, by line) and listed
    (``source_lines``, the labels and ``counts``); the rows are kept as published."""
    if not len(out):
        return []
    keys = [k for k in _MHA_KEY if k in out.columns]
    frame = out[keys].astype(str)
    dup = frame.duplicated(keep=False).to_numpy()
    if not dup.any():
        return []
    gid = frame.groupby(keys, sort=False).ngroup().to_numpy()
    found: list[dict[str, Any]] = []
    for g in dict.fromkeys(gid[dup]):
        rows = np.flatnonzero(gid == g)
        first = int(rows[0])
        found.append({"source_lines": [int(lines[i]) for i in rows],
                      **{k: out[k].iloc[first] for k in keys},
                      "counts": [None if np.isnan(v) else float(v) for v in out["count"].to_numpy(dtype=float)[rows]]})
    n_rows = sum(len(d["source_lines"]) for d in found)

    def counts(d: dict[str, Any]) -> str:
        return ", ".join("suppressed" if v is None else f"{v:,.0f}" for v in d["counts"])

    shown = "; ".join(f"lines {', '.join(str(x) for x in d['source_lines'][:4])}{' ...' if len(d['source_lines']) > 4 else ''}: "
                      f"{d['measure']}, {d['subcategory']}, {d['demographic']} {d['breakdown']!r}, {d['organisation_level']} "
                      f"{d['org_id']} ({counts(d)})" for d in found[:3])
    warn_user(f"read_mha_annual: {name}: {number_of(n_rows, 'row')} in {number_of(len(found), 'set')} carry the same labels (year, measure, "
              f"subcategory, demographic, breakdown, organisation level and organisation) as another row ({shown}"
              f"{' and more' if len(found) > 3 else ''}): one figure published twice, or a label slip in the source; a "
              "filter, pivot or join on those labels takes one of them or sums them. They are kept as published and "
              "listed in .attrs['repeated_labels']")
    return found


def _national_mislabelled(out: pd.DataFrame, lines: np.ndarray, name: str) -> list[dict[str, Any]]:
    """Rows of the national organisation (the ``org_id`` of the "All submissions" rows) whose
    ``organisation_level`` is neither that nor a level of any other organisation (NHS England
    2023-24, line 2: ``h`` for All
    providers, All detentions by age, 15 and under): filtering on "All submissions", as the
    national figures are read, loses them silently. Warned about and listed (``source_line``,
    ``organisation_level`` and the row's labels); the value is kept as published."""
    level, org = out["organisation_level"].astype(str), out["org_id"].astype(str)
    national = set(org[level == "All submissions"]) - {"None", "nan", ""}
    # NHS England gives national totals at each organisation level too (All prov, level "ICB"):
    # a level is odd when no other organisation has it
    levels = set(level[~org.isin(national)]) | {"All submissions"}
    odd = np.flatnonzero((org.isin(national) & ~level.isin(levels)).to_numpy())
    found = [{"source_line": int(lines[i]), "organisation_level": level.iloc[i], "measure": out["measure"].iloc[i],
              "subcategory": out["subcategory"].iloc[i], "demographic": out["demographic"].iloc[i],
              "breakdown": out["breakdown"].iloc[i]} for i in odd]
    if found:
        shown = "; ".join(f"line {d['source_line']}: {d['organisation_level']!r} ({d['measure']}, {d['subcategory']}, "
                          f"{d['demographic']} {d['breakdown']})" for d in found[:5])
        warn_user(f"read_mha_annual: {name}: {number_of(len(found), 'row')} of the national organisation "
                  f"({', '.join(sorted(national))}) {'has' if len(found) == 1 else 'have'} an organisation level that is not 'All submissions' nor "
                  f"any other organisation's ({shown}"
                  f"{' and more' if len(found) > 5 else ''}): selected with organisation_level == 'All submissions' "
                  "they are left out; they are kept as published and listed in .attrs['national_mislabelled']")
    return found

"""Readers for public community-safety data formats.

``read_stop_search`` reads police.uk stop-and-search data as published: the bulk-download CSVs
(one file, a folder of monthly files, or a list, for one or more forces), the police.uk API
responses (JSON, as ``/api/stops-force`` returns them, and their flattened CSV export), and
semicolon-separated snake_case re-exports. Every row is kept; values that cannot be
parsed become missing and are listed, with file and line, in ``df.attrs["dropped"]`` (rows that
could not be read at all are listed there too, with reason ``"malformed line"``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from .exceptions import InvalidInputError

__all__ = ["read_stop_search", "STOP_SEARCH_COLUMNS", "force_slug"]

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
_FILE_FORCE = re.compile(r"^\d{4}-\d{2}-(?P<force>.+?)-stop-and-search\.(csv(\.gz)?|json)$", re.I)


def force_slug(name: Any) -> str:
    """police.uk force identifier from a force name: ``"Avon & Somerset"`` -> ``"avon-and-somerset"``.

    >>> force_slug("Devon & Cornwall"), force_slug("City of London")
    ('devon-and-cornwall', 'city-of-london')
    """
    s = str(name).strip().lower().replace("&", "and")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return {"london-city-of": "city-of-london", "metropolitan-police": "metropolitan"}.get(s, s)


def _snake(col: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", col.strip().lower()).strip("_")


def _files(path_or_paths: Any) -> list[Path]:
    if isinstance(path_or_paths, (str, Path)):
        items: Iterable[Any] = [path_or_paths]
    else:
        items = list(path_or_paths)
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted([*p.glob("*.csv"), *p.glob("*.csv.gz"), *p.glob("*.json")])
            if not found:
                raise InvalidInputError(f"{p}: folder has no .csv, .csv.gz or .json files", "path_or_paths")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise InvalidInputError(f"{p}: no such file or folder", "path_or_paths")
    if not files:
        raise InvalidInputError("no input files given", "path_or_paths")
    return files


def _json_as_csv(path: Path, folder: Path) -> Path:
    """A police.uk API JSON response (an array of stop-and-search objects, as ``/api/stops-force``
    and ``/api/stops-street`` return) flattened to the API's CSV layout in ``folder``
    (``location.street.name`` -> ``location__street__name``): record k is on line k + 1."""
    import json

    try:
        records = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as e:
        raise InvalidInputError(f"{path}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})",
                                "path_or_paths") from e
    except UnicodeDecodeError as e:
        raise InvalidInputError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})", "path_or_paths") from e
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InvalidInputError(
            f"{path}: expected a JSON array of stop-and-search objects (the police.uk API response), "
            f"got {type(records).__name__}", "path_or_paths")
    flat = pd.json_normalize(records, sep="__") if records else pd.DataFrame()
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


def _detect(header: str) -> tuple[str, str]:
    """(format, delimiter) from the first line of a file."""
    delim = ";" if header.count(";") > header.count(",") else ","
    cols = [_snake(c.strip('"')) for c in header.split(delim)]
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


def _header(path: Path) -> str:
    """First line of a file (decompressing .gz), without a byte-order mark; "" if empty."""
    if path.suffix == ".gz":
        import gzip

        with gzip.open(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as fh:
            return fh.readline().rstrip("\r\n")
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        return fh.readline().rstrip("\r\n")


def _plan(path: Path, fmt: str) -> tuple[str, list[int | None]] | None:
    """(delimiter, field map) for one file after checking its header; None for an empty file."""
    header = _header(path)
    if not header.strip():
        return None
    detected, delim = _detect(header)
    kind = detected if fmt == "auto" else fmt
    if kind == "unknown":
        raise InvalidInputError(
            f"{path}: not a police.uk stop-and-search file (header: {header[:120]!r}); expected columns "
            f"such as {', '.join(_REQUIRED)}",
            "path_or_paths",
        )
    names = [_snake(c) for c in next(csv.reader([header], delimiter=delim))]
    rename = {k.replace("__", "_"): v for k, v in _API_RENAME.items()} | _API_RENAME
    names = [rename.get(c, c) for c in names]
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        raise InvalidInputError(
            f"{path}: missing column(s) {missing}; expected the police.uk stop-and-search columns "
            f"{STOP_SEARCH_COLUMNS[1:16]}; found {names[:20]}",
            missing[0],
        )
    fields: list[int | None] = []
    seen: set[str] = set()
    for c in names:
        fields.append(_INDEX[c] if c in _INDEX and c not in seen else None)
        seen.add(c)
    return delim, fields


def _categorical(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
    if len(set(categories)) == len(categories):
        # the reader's codes index its categories by construction
        return pd.Categorical.from_codes(codes, categories=categories, validate=False)
    # two byte strings decoded to the same text (invalid UTF-8 replaced): merge them
    return pd.Categorical(np.asarray(categories, dtype=object)[codes])


def _bool(values: np.ndarray) -> pd.arrays.BooleanArray:
    return pd.arrays.BooleanArray(values == 1, values < 0)


def read_stop_search(
    path_or_paths: Any, *, format: Literal["auto", "bulk", "api", "snake"] = "auto", force: str | None = None
) -> pd.DataFrame:
    """Read police.uk stop-and-search CSVs (or API JSON responses) into one tidy DataFrame.

    Accepts a file, a folder (all ``*.csv``, ``*.csv.gz`` and ``*.json`` in it), or a list of
    either; formats are detected per file: the police.uk bulk download (``Type,Date,...,
    Self-defined ethnicity,...``), the police.uk API response as JSON (an array of stop objects,
    as saved from ``https://data.police.uk/api/stops-force?force=...&date=YYYY-MM``; for these
    ``source_line`` is the 1-based record number) or flattened to CSV (``location__latitude``,
    ``datetime``...), and snake_case re-exports (also semicolon-separated, with ``0/1`` booleans). Columns come out in snake_case
    (:data:`STOP_SEARCH_COLUMNS`): ``date`` as a UTC timestamp, ``latitude``/``longitude`` as
    floats, ``month`` as ``"YYYY-MM"``, the three flags as nullable booleans, ``force`` from the
    police.uk file name (``2020-01-essex-stop-and-search.csv`` -> ``essex``) where it can be known
    (pass ``force=`` for files that do not say, such as API exports), plus ``source_file`` and
    ``source_line``.

    Nothing is dropped silently: values that cannot be parsed become missing and every such cell
    is listed in ``df.attrs["dropped"]`` (a list of records: ``source_file, source_line, column,
    value, reason``); lines with the wrong number of fields cannot be attributed to columns, so
    they are left out of the table and listed there too. ``df.attrs["summary"]`` counts them.

    >>> import saferstats
    >>> df = saferstats.read_stop_search(saferstats.datasets.stop_search_sample_path())
    >>> sorted(df.force.unique())[:3], df.attrs["summary"]["rows"] > 0
    (['city-of-london', 'derbyshire', 'durham'], True)
    """
    files = _files(path_or_paths)
    if any(p.suffix.lower() == ".json" for p in files):
        import tempfile

        with tempfile.TemporaryDirectory(prefix="saferstats_json_") as tmp:
            readable = [_json_as_csv(p, Path(tmp)) if p.suffix.lower() == ".json" else p for p in files]
            return _read(readable, [p.name for p in files], [p.suffix.lower() == ".json" for p in files],
                         format, force)
    return _read(files, [p.name for p in files], [False] * len(files), format, force)


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
    res = _ext.read_columns([(str(p), d, f) for p, (d, f) in plans], _KINDS)
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
            data[name] = _categorical(*col)
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
        if kind == "malformed":
            reason = "malformed line (wrong number of fields)"
        elif col == "date":
            reason = "missing date" if kind == "missing" else "unparsable date"
            if kind == "unparsable":  # other layouts, e.g. day-first: pandas' "mixed" parser decides
                retry_rows.append(row)
                retry_at.append(len(dropped))
        elif col in ("latitude", "longitude"):
            reason = f"unparsable {col}"
        elif _KINDS[ci][1] == "bool":
            reason = f"unparsable {col} (expected True/False)"
        else:  # pragma: no cover - text columns cannot fail
            reason = f"unparsable {col}"
        f = pr["file"][k]
        dropped.append({"source_file": names[f], "source_line": int(pr["line"][k]) - int(line_shift[f]), "column": col,
                        "value": pr["value"][k], "reason": reason})
    if retry_rows:
        vals = pd.Series([dropped[i]["value"].strip() for i in retry_at])
        parsed = pd.to_datetime(vals, utc=True, errors="coerce", format="mixed")
        ok = parsed.notna().to_numpy()
        dates.iloc[np.asarray(retry_rows)[ok]] = parsed[ok].to_numpy()
        fixed = {retry_at[i] for i in np.flatnonzero(ok)}
        dropped = [d for i, d in enumerate(dropped) if i not in fixed]

    # force: a force column, else the police.uk file name in a file_name column, else the file's name
    file_force = []
    for p in paths:
        m = _FILE_FORCE.match(name_of[p])
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
    if force is not None and "" in force_cats:
        force_cats[force_cats.index("")] = force_slug(force)
        if len(set(force_cats)) < len(force_cats):
            codes2, uniq2 = pd.factorize(pd.Index(force_cats, dtype=object))
            force_codes, force_cats = codes2[force_codes], list(uniq2)
    data["force"] = pd.Categorical.from_codes(force_codes, categories=force_cats)
    data["date"] = dates.array
    # "YYYY-MM" from the timestamps, as a sorted categorical (NaT -> missing)
    month_codes, months = _ext.month_codes(dates.array.asi8)
    data["month"] = pd.Categorical.from_codes(month_codes, categories=months, validate=False)
    data["source_file"] = _categorical(file_idx.astype(np.int64), names)
    data["source_line"] = res["line"].view(np.int64)  # u64 line numbers, far below 2**63
    if line_shift.any():
        data["source_line"] = data["source_line"] - line_shift[file_idx]
    # every column was just built here from the reader's fresh arrays: no copy, no consolidation
    out = pd.DataFrame({c: data[c] for c in STOP_SEARCH_COLUMNS}, copy=False)
    out.attrs["dropped"] = dropped
    reasons: dict[str, int] = {}
    for d in dropped:
        reasons[d["reason"]] = reasons.get(d["reason"], 0) + 1
    out.attrs["summary"] = {"rows": len(out), "files": int(sum(1 for r in res["rows_per_file"] if r)),
                            "problems": reasons}
    return out

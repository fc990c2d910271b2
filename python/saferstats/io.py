"""Readers for public community-safety data formats.

``read_stop_search`` reads police.uk stop-and-search data as published: the bulk-download CSVs
(one file, a folder of monthly files, or a list, for one or more forces), the police.uk API
export, and semicolon-separated snake_case re-exports. Every row is kept; values that cannot be
parsed become missing and are listed, with file and line, in ``df.attrs["dropped"]`` (rows that
could not be read at all are listed there too, with reason ``"malformed line"``).
"""

from __future__ import annotations

import csv
import io
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
_NULLS = {"", "null", "none", "nan", "n/a", "na"}
_FILE_FORCE = re.compile(r"^\d{4}-\d{2}-(?P<force>.+?)-stop-and-search\.csv(\.gz)?$", re.I)


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
            found = sorted([*p.glob("*.csv"), *p.glob("*.csv.gz")])
            if not found:
                raise InvalidInputError(f"{p}: folder has no .csv or .csv.gz files", "path_or_paths")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise InvalidInputError(f"{p}: no such file or folder", "path_or_paths")
    if not files:
        raise InvalidInputError("no input files given", "path_or_paths")
    return files


def _detect(header: str) -> tuple[str, str]:
    """(format, delimiter) from the first line of a file."""
    delim = ";" if header.count(";") > header.count(",") else ","
    cols = [_snake(c.strip('"')) for c in header.split(delim)]
    if "location_latitude" in cols or "datetime" in cols:
        return "api", delim
    if "self_defined_ethnicity" in cols:
        return ("bulk" if "Self-defined" in header else "snake"), delim
    return "unknown", delim


def _read_one(path: Path, fmt: str) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    raw_bytes = path.read_bytes()
    if path.suffix == ".gz":
        import gzip

        raw_bytes = gzip.decompress(raw_bytes)
    text = raw_bytes.decode("utf-8-sig", errors="replace")
    if not text.strip():
        return pd.DataFrame(), []
    header = text.splitlines()[0]
    detected, delim = _detect(header)
    kind = detected if fmt == "auto" else fmt
    if kind == "unknown":
        raise InvalidInputError(
            f"{path}: not a police.uk stop-and-search file (header: {header[:120]!r}); expected columns "
            f"such as {', '.join(_REQUIRED)}",
            "path_or_paths",
        )
    bad: list[dict[str, Any]] = []
    # One Rust pass (RFC 4180, `csv` crate) gives each record's field count and line, so records
    # with too many fields (skipped by pandas) or too few (padded by pandas with "") are reported
    # by line number; then pandas' C parser reads the values.
    ncols, nfields, line_no = _ext.record_shapes(raw_bytes, delim)
    nfields = nfields.astype(np.int64)
    wrong = np.flatnonzero(nfields != ncols)
    if wrong.size:
        lines_of_text = text.splitlines()
        for i in wrong:
            ln = int(line_no[i])
            bad.append({"source_file": path.name, "source_line": ln, "column": None,
                        "value": lines_of_text[ln - 1][:80] if ln - 1 < len(lines_of_text) else None,
                        "reason": "malformed line (wrong number of fields)"})
    kept = nfields <= ncols  # pandas skips longer records, keeps (pads) shorter ones
    keep_lines = np.where(nfields[kept] == ncols, line_no[kept].astype(np.int64), -line_no[kept].astype(np.int64))
    df = pd.read_csv(io.StringIO(text), sep=delim, dtype=str, keep_default_na=False, on_bad_lines="skip")
    if len(df) != len(keep_lines):  # pragma: no cover - the two parsers disagree about quoting
        raise InvalidInputError(f"{path}: could not align CSV records ({len(df)} vs {len(keep_lines)})", "path_or_paths")
    lines = keep_lines
    df["source_line"] = np.abs(lines)
    df = df[lines > 0].reset_index(drop=True)
    df.columns = [_snake(c) if c != "source_line" else c for c in df.columns]
    df = df.rename(columns={k.replace("__", "_"): v for k, v in _API_RENAME.items()}).rename(columns=_API_RENAME)
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        raise InvalidInputError(
            f"{path}: missing column(s) {missing}; expected the police.uk stop-and-search columns "
            f"{STOP_SEARCH_COLUMNS[1:16]}; found {list(df.columns)[:20]}",
            missing[0],
        )
    if "force" not in df.columns:
        m = _FILE_FORCE.match(path.name)
        if "file_name" in df.columns:
            df["force"] = df["file_name"].map(lambda f: (_FILE_FORCE.match(f) or {"force": ""})["force"] if f else "")
        else:
            df["force"] = m.group("force") if m else ""
    df["source_file"] = path.name
    return df, bad


def _clean(s: pd.Series, categorical: bool = False) -> pd.Series:
    """Strip whitespace and blank out null markers ("", "null", "N/A"...), per distinct value."""
    codes, uniques = pd.factorize(s.fillna(""), use_na_sentinel=False)
    cleaned = [str(u).strip() for u in uniques]
    cleaned = ["" if c.lower() in _NULLS else c for c in cleaned]
    if categorical:
        new_codes, cats = pd.factorize(pd.Index(cleaned, dtype=object), use_na_sentinel=False)
        return pd.Series(pd.Categorical.from_codes(new_codes[codes], categories=cats), index=s.index)
    return pd.Series(np.asarray(cleaned, dtype=object)[codes], index=s.index, dtype=object)


def _parse_bool(text: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(text.str.lower(), use_na_sentinel=False)
    table = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    vals = pd.array([table.get(u, pd.NA) for u in uniques], dtype="boolean")
    return pd.Series(vals.take(codes), index=text.index)


def read_stop_search(
    path_or_paths: Any, *, format: Literal["auto", "bulk", "api", "snake"] = "auto", force: str | None = None
) -> pd.DataFrame:
    """Read police.uk stop-and-search CSVs into one tidy DataFrame.

    Accepts a file, a folder (all ``*.csv`` in it), or a list of either; formats are detected per
    file: the police.uk bulk download (``Type,Date,...,Self-defined ethnicity,...``), the police.uk
    API export (``location__latitude``, ``datetime``...), and snake_case re-exports (also
    semicolon-separated, with ``0/1`` booleans). Columns come out in snake_case
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
    frames = []
    dropped: list[dict[str, Any]] = []
    for path in _files(path_or_paths):
        df, bad = _read_one(path, format)
        if len(df):
            frames.append(df)
        dropped.extend(bad)
    if not frames:
        raise InvalidInputError("the input has no stop-and-search rows", "path_or_paths")
    df = pd.concat(frames, ignore_index=True)
    for col in STOP_SEARCH_COLUMNS:
        if col not in df.columns:
            df[col] = ""
    raw = df.copy()

    def record(mask: pd.Series, column: str, reason: str) -> None:
        for i in np.flatnonzero(mask.to_numpy()):
            dropped.append({"source_file": raw.at[i, "source_file"], "source_line": int(raw.at[i, "source_line"]),
                            "column": column, "value": raw.at[i, column], "reason": reason})

    # Text work is done once per distinct value (factorize), not once per row: police.uk columns
    # have a few hundred distinct values in a million rows.
    date_text = _clean(df["date"])
    blank = date_text == ""
    dates = pd.to_datetime(date_text.where(~blank), utc=True, errors="coerce", format="ISO8601")
    retry = dates.isna() & ~blank
    if retry.any():  # other layouts, e.g. "2023-12-01 03:40:12.000" or day-first
        dates[retry] = pd.to_datetime(date_text[retry], utc=True, errors="coerce", format="mixed")
    record(dates.isna() & ~blank, "date", "unparsable date")
    record(blank, "date", "missing date")
    df["date"] = dates
    df["month"] = dates.dt.strftime("%Y-%m")
    if force is not None:
        df["force"] = df["force"].where(df["force"].astype(str) != "", force_slug(force))
    for col in ("latitude", "longitude"):
        text = _clean(df[col])
        empty = text == ""
        num = pd.to_numeric(text.where(~empty), errors="coerce")
        lim = 90 if col == "latitude" else 180
        bad = (num.isna() & ~empty) | (num.abs() > lim)
        record(bad, col, f"unparsable {col}")
        df[col] = num.where(~bad)
    for col in ("part_of_a_policing_operation", "outcome_linked_to_object_of_search",
                "removal_of_more_than_just_outer_clothing"):
        text = _clean(df[col])
        parsed = _parse_bool(text)
        bad = parsed.isna() & (text != "")
        record(bad, col, f"unparsable {col} (expected True/False)")
        df[col] = parsed
    for col in ("force", "type", "gender", "age_range", "self_defined_ethnicity", "officer_defined_ethnicity",
                "legislation", "object_of_search", "outcome", "policing_operation"):
        df[col] = _clean(df[col], categorical=True)
    out = df[STOP_SEARCH_COLUMNS].copy()
    out.attrs["dropped"] = dropped
    reasons: dict[str, int] = {}
    for d in dropped:
        reasons[d["reason"]] = reasons.get(d["reason"], 0) + 1
    out.attrs["summary"] = {"rows": len(out), "files": len(frames), "problems": reasons}
    return out

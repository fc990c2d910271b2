"""Readers for the public files CSP analysts download, exactly as published.

- :func:`read_street_crime` — police.uk street-level crime CSVs (``YYYY-MM-<force>-street.csv``):
  one file, folders, or the police.uk archive ``.zip`` read directly, with a crime-type filter;
  parsed in Rust with the guarantees of :mod:`saferstats.io`.
- :func:`read_hate_crime` — Home Office hate crime tables: police force area by year (``Force,
  Year, Race, ..., Population``) and the bulletin's strand series (``Hate crime strand, 2011/12,
  ..., 2017/18³``), as CSV, or the bulletin's ODS/XLSX workbook.
- :func:`read_flytipping` — Defra *Fly-tipping incidents and actions reported by local
  authorities* (the ``LA_incidents`` sheet of the workbook, or its CSV export).
- :func:`read_fixmystreet` — mySociety's FixMyStreet report counts per district or LSOA (2011) and
  category (fly-tipping by default): reports by users, not incidents.
- :func:`read_census_ethnicity` — Census 2021 TS021 ethnic group by local authority (long, as
  Trafford Data Lab publishes Greater Manchester's; wide, as ONS and Nomis do) in the columns of
  :func:`saferstats.census_population`.
- :func:`read_mid_year_population` — ONS mid-year population estimates by single year of age and
  sex, with the estimate's ``year``.

All readers share one naming convention (``read_<dataset>``) and one contract: a tidy DataFrame
with snake_case columns, numbers as numbers (thousands separators removed, footnote markers
stripped from period labels, ``N/A``, ``..``, ``:``, ``[c]`` and blanks as missing — never zero),
and every row or cell that could not be used listed in ``df.attrs["dropped"]`` (``source_file,
source_line, column, value, reason``) and counted in ``df.attrs["summary"]``. Aggregate rows
(England totals, regional totals) are not data rows: they are left out and counted separately
(``summary["aggregate_rows"]``).
"""

from __future__ import annotations

import csv
import functools
import io as _stdio
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _saferstats as _ext
from ._frames import FrozenColumn, Records, plain, real_option, restates_attrs_of_rows
from .exceptions import InvalidInputError, SaferstatsWarning, number_of, warn_user
from .io import (blank_as_missing, reader_categorical, field_map, glob_matches, header_delimiter, input_files, first_line,
                 police_uk_folders, problem_reason, snake_case, unzip_bounded, workbook_engine)

__all__ = ["read_street_crime", "is_street_crime_file", "read_hate_crime", "read_flytipping", "read_fixmystreet",
           "read_census_ethnicity",
           "read_mid_year_population", "STREET_CRIME_COLUMNS", "CRIME_TYPES",
           "NO_FIGURE_MARKS", "NO_FIGURE", "LSOA_CODES_NOTE"]

#: Columns of the tidy street-level crime table, in order (``crime_id`` only with ``ids=True``).
STREET_CRIME_COLUMNS = [
    "crime_id",
    "month",
    "reported_by",
    "falls_within",
    "longitude",
    "latitude",
    "location",
    "lsoa_code",
    "lsoa_name",
    "crime_type",
    "last_outcome_category",
    "context",
    "source_file",
    "source_line",
]

#: The places police.uk's anonymised map points are named by when the point is a feature, not a street
#: (``"On or near Supermarket"``): the same name stands for many places, so it cannot locate one.
POLICEUK_MAP_FEATURES = frozenset({
    "Airport/Airfield", "Bus/Coach Station", "Conference/Exhibition Centre", "Further/Higher Educational Building",
    "Hospital", "Nightclub", "Park/Open Space", "Parking Area", "Pedestrian Subway", "Petrol Station",
    "Police Station", "Prison", "Shopping Area", "Sports/Recreation Area", "Supermarket", "Theatre/Concert Hall",
    "Theme/Adventure Park",
})

#: The crime types police.uk publishes (street-level files since May 2013).
CRIME_TYPES = [
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
]

#: Short names analysts use for crime types (lower case) -> the published name.
_CRIME_ALIASES = {"asb": "Anti-social behaviour", "antisocial behaviour": "Anti-social behaviour",
                  "anti-social behavior": "Anti-social behaviour", "vso": "Violence and sexual offences",
                  "violence": "Violence and sexual offences"}

_STREET_KINDS: list[tuple[str, str, float, bool]] = [
    ("crime_id", "category", 0.0, False),
    ("month", "category", 0.0, True),
    ("reported_by", "category", 0.0, False),
    ("falls_within", "category", 0.0, False),
    ("longitude", "float", 180.0, False),
    ("latitude", "float", 90.0, False),
    ("location", "category", 0.0, False),
    ("lsoa_code", "category", 0.0, False),
    ("lsoa_name", "category", 0.0, False),
    ("crime_type", "category", 0.0, True),
    ("last_outcome_category", "category", 0.0, False),
    ("context", "category", 0.0, False),
]
_STREET_INDEX = {name: i for i, (name, *_rest) in enumerate(_STREET_KINDS)}
_STREET_REQUIRED = ["month", "crime_type"]
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2}(?:[ T].*)?)?$")
_ZIP_MEMBER = re.compile(r"(^|/)\d{4}-\d{2}-[a-z0-9-]+-street\.csv$", re.I)
#: Members of an archive are unpacked to a temporary folder in batches of at most this many bytes,
#: so reading a national archive needs a bounded amount of scratch disk.
_ZIP_BATCH_BYTES = 2 << 30


def _crime_types(crime_type: Any) -> list[str] | None:
    if crime_type is None:
        return None
    items = [crime_type] if isinstance(crime_type, str) else crime_type
    try:
        items = list(items)
    except TypeError:
        raise InvalidInputError(f"crime_type must be a crime type name or a list of them, not {crime_type!r}",
                                "crime_type") from None
    if not items:
        raise InvalidInputError("crime_type is an empty list; pass None to keep every crime type", "crime_type")
    out = []
    lower = {c.lower(): c for c in CRIME_TYPES}
    for item in items:
        if not isinstance(item, str):
            raise InvalidInputError(f"crime_type must be text, got {item!r}", "crime_type")
        key = " ".join(item.strip().lower().split())
        name = lower.get(key) or _CRIME_ALIASES.get(key)
        if name is None:
            raise InvalidInputError(f"unknown crime type {item!r}; valid: {', '.join(CRIME_TYPES)} (or 'ASB')",
                                    "crime_type")
        out.append(name)
    return out


def _street_header(path: Path, shown_name: str) -> tuple[str, list[str], list[str]] | None:
    """(delimiter, header as shown, snake_case names) of a file, or None when it is empty."""
    header = first_line(path)
    if not header.strip():
        return None
    delim = header_delimiter(header)
    try:
        shown = next(csv.reader([header], delimiter=delim))
    except csv.Error as e:
        raise InvalidInputError(f"{shown_name}: line 1 (the header) cannot be read: {e}", "path_or_paths") from None
    return delim, shown, [snake_case(c) for c in shown]


def is_street_crime_file(path: str | Path) -> bool:
    """Whether :func:`read_street_crime` reads ``path`` as police.uk street-level crime: a folder
    holding ``*-street.csv`` files or ``.zip`` downloads, a ``.zip`` (the reader looks inside), or a
    CSV whose header has the columns the reader needs (``Month``, ``Crime type``, in any case or
    spacing), by the reader's own header rule.

    A file that cannot be read, or is empty, is not one (the reader would say why). A glob pattern
    (``2021-0*-hertfordshire-street.csv``) is one when the reader reads what it matches
    (:func:`saferstats.io.glob_matches`): every file or folder it matches is one (empty files aside,
    which the reader leaves out); a pattern matching nothing is not. Until session 34 every pattern
    was "not one", though the reader had read patterns since session 33.

    Example:
        >>> from saferstats.datasets import street_crime_sample_path
        >>> folder = street_crime_sample_path()
        >>> is_street_crime_file(folder / "2021-01-hertfordshire-street.csv")
        True
        >>> is_street_crime_file(folder)
        True
        >>> is_street_crime_file(f"{folder}/2021-0?-hertfordshire-street.csv")
        True
    """
    try:
        matches = glob_matches(path, "path")
    except InvalidInputError:  # a pattern that matches nothing: the reader refuses it
        return False
    answers = [_street_input_kind(Path(m)) for m in matches]
    # the reader leaves empty files out, and refuses an input with no rows or a file of another kind
    return any(a is True for a in answers) and all(a is not False for a in answers)


def _street_input_kind(p: Path) -> bool | None:
    """Whether :func:`read_street_crime` reads the one path ``p`` as street-level crime; None for an
    empty file (left out by the reader)."""
    try:
        if p.is_dir():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SaferstatsWarning)
                csvs, zips = _street_inputs(p)
                return bool(csvs or zips)
        if p.suffix.lower() == ".zip":
            return True
        head = _street_header(p, str(p))
    except (InvalidInputError, OSError):
        return False
    return None if head is None else all(c in head[2] for c in _STREET_REQUIRED)


def _street_plan(path: Path, shown_name: str, index: dict[str, int]) -> tuple[str, list[int | None]] | None:
    head = _street_header(path, shown_name)
    if head is None:
        return None
    delim, shown, names = head
    header = delim.join(shown)
    missing = [c for c in _STREET_REQUIRED if c not in names]
    if missing:
        raise InvalidInputError(
            f"{shown_name}: not a police.uk street-level crime file: missing {number_of(len(missing), 'column')} "
            f"{missing} (header: "
            f"{header[:120]!r}); expected Crime ID, Month, Reported by, Falls within, Longitude, Latitude, "
            "Location, LSOA code, LSOA name, Crime type, Last outcome category, Context", missing[0])
    return delim, field_map(path, names, index, shown)


def _street_inputs(path_or_paths: Any) -> tuple[list[Path], list[Path]]:
    """(csv files, zip archives) named by the argument."""
    own = ("*-street.csv", "*-street.csv.gz", "*.zip")
    files = input_files(police_uk_folders(path_or_paths, ("*-street.csv", "*-street.csv.gz"), own), patterns=own,
                        arg="path_or_paths")
    return ([f for f in files if f.suffix.lower() != ".zip"], [f for f in files if f.suffix.lower() == ".zip"])


def _zip_members(archive: Path) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(archive) as z:
            members = [m for m in z.infolist() if not m.is_dir() and _ZIP_MEMBER.search(m.filename)]
    except (zipfile.BadZipFile, OSError) as e:
        raise InvalidInputError(f"{archive}: not a readable zip archive ({e})", "path_or_paths") from None
    if not members:
        raise InvalidInputError(f"{archive}: the archive holds no police.uk street-level files "
                                "(YYYY-MM/YYYY-MM-<force>-street.csv)", "path_or_paths")
    return members


def read_street_crime(path_or_paths: Any, *, crime_type: str | Sequence[str] | None = None,
                      ids: bool = False, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read police.uk street-level crime CSVs into one tidy DataFrame.

    Accepts a file, a folder (its ``*-street.csv`` files, and those of its ``YYYY-MM`` month folders,
    as police.uk's download unzips), the police.uk archive ``.zip`` (read
    directly: its ``YYYY-MM/YYYY-MM-<force>-street.csv`` members are streamed through a temporary
    folder in bounded batches and removed), or a list of these, or a glob pattern
    (``data/2021-0*-hertfordshire-street.csv``: the files and folders it matches, sorted; one matching
    nothing is refused naming it). Semicolon re-exports with snake_case headers are read too.
    Columns (:data:`STREET_CRIME_COLUMNS`): ``month`` as an ordered categorical ``"YYYY-MM"``;
    ``longitude``/``latitude`` as floats (missing where the
    record has no location, as ~1% of police.uk records do); the text columns as categoricals;
    ``source_file``/``source_line``. ``crime_id`` (a unique hash per crime, empty for ASB) is
    read only with ``ids=True``: at national scale it is most of the memory. ``columns`` reads only
    the named columns (like pandas' ``usecols``; ``source_file``/``source_line`` always come), which
    keeps a national extract within a few GB: ``columns=["month", "lsoa_code", "crime_type"]``.

    ``lsoa_code`` is as police.uk published it: LSOA 2011 codes for earlier months, some of which
    ONS split or merged in 2021 and so do not join Census 2021 LSOA or ward tables
    (:func:`census_population` ``"lsoa"``; in Hertfordshire's 2021 files 86 of 1,447 codes, 10% of
    the records, unevenly: none of North Hertfordshire's, 23% of Watford's).
    ``df.attrs["summary"]["lsoa_codes_not_2021"]`` counts them (``codes``, ``rows``), and a
    :class:`SaferstatsWarning` (once per call, starting ``"read_street_crime: "``) names how many
    records, the local authorities most affected and what to do:
    ``df.join(saferstats.assign_lsoa21(df["lsoa_code"]))`` adds each record's LSOA 2021, ward,
    local authority and CSP where ONS's lookup gives them; :func:`assign_area` places records by
    their coordinates. The table itself is as published (no column is added).

    ``crime_type`` keeps only the named crime types (a name or a list; case and spacing are
    ignored; ``"ASB"`` means ``"Anti-social behaviour"``); an unknown name is an
    :class:`~saferstats.InvalidInputError` listing :data:`CRIME_TYPES`. Rows of other types are
    not "dropped": ``df.attrs["summary"]`` counts ``records`` read, ``rows`` kept and
    ``other_crime_types``. Unusable cells and lines (see :mod:`saferstats.io`) are listed in
    ``df.attrs["dropped"]``; a record whose ``month`` is not ``YYYY-MM`` keeps a missing month.

    Method: one parallel Rust pass (``src/csvscan.rs``) over all files, text cells interned to
    categorical codes, so a national extract (tens of millions of rows) reads in seconds and
    bounded memory (see ``bench/``).

    >>> import saferstats
    >>> df = saferstats.read_street_crime(saferstats.datasets.street_crime_sample_path(), crime_type="ASB")
    >>> df["crime_type"].unique().tolist(), df.attrs["summary"]["rows"] > 0
    (['Anti-social behaviour'], True)
    >>> df["month"].cat.ordered, df.attrs["summary"]["lines_left_out"]
    (True, 0)
    """
    wanted = _crime_types(crime_type)
    if not isinstance(ids, bool):
        raise InvalidInputError(f"ids must be True or False, not {ids!r}", "ids")
    known = [k[0] for k in _STREET_KINDS]
    if columns is not None:
        if isinstance(columns, str):
            columns = [columns]
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise InvalidInputError(f"{number_of(len(unknown), 'unknown column')} {unknown}; valid: "
                                    f"{', '.join(known)}", "columns")
    skip = {c for c in known if columns is not None and c not in columns and c not in ("month", "crime_type")}
    if not ids and (columns is None or "crime_id" not in columns):
        skip.add("crime_id")
    drop_after = [c for c in ("month", "crime_type") if columns is not None and c not in columns]
    csv_files, archives = _street_inputs(path_or_paths)
    parts: list[pd.DataFrame] = []
    if csv_files:
        parts.append(_read_street([(p, p.name) for p in csv_files], wanted, skip))
    for archive in archives:
        members = _zip_members(archive)
        batch: list[zipfile.ZipInfo] = []
        size = 0
        for m in [*members, None]:
            if m is not None and (not batch or size + m.file_size <= _ZIP_BATCH_BYTES):
                batch.append(m)
                size += m.file_size
                continue
            with tempfile.TemporaryDirectory(prefix="saferstats_zip_") as tmp, zipfile.ZipFile(archive) as z:
                plain = []
                for k, info in enumerate(batch):
                    target = Path(tmp) / f"{k:06d}.csv"
                    unzip_bounded(z, info, target, archive)
                    plain.append((target, f"{archive.name}:{info.filename}"))
                parts.append(_read_street(plain, wanted, skip))
            batch, size = ([m], m.file_size) if m is not None else ([], 0)
    out = _concat(parts)
    names = [p.name for p in csv_files] + [m.filename for a in archives for m in _zip_members(a)]
    missing = _street_months_missing(out, names)
    if "lsoa_code" in out.columns:
        # counted over all the input (files and archive batches together: _concat sums the other counts)
        out.attrs["summary"]["lsoa_codes_not_2021"] = _lsoa_codes_not_2021(out["lsoa_code"])
        from .geography import lsoa11_note

        note = lsoa11_note(out["lsoa_code"], out["month"] if "month" in out.columns else None)
        if note:
            warn_user(_spans_without(note, missing))
    return out.drop(columns=drop_after) if drop_after else out


_FILE_MONTH = re.compile(r"(?:^|[/\\:])(\d{4})-(\d{2})-[^/\\:]*street\.csv(?:\.gz)?$", re.IGNORECASE)
_SPAN = re.compile(r"(\d{4}-\d{2}) to (\d{4}-\d{2})(?: \((\d+) months\))?")


def _street_months_missing(out: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """The months between the first and the last month read with no record at all (of any crime
    type, before ``crime_type`` keeps some) and no file named for them (police.uk's
    ``YYYY-MM-<force>-street.csv``: a file with only its header is a month read): police.uk
    publishes a file per force and month, so such a month is a file not read. Kept in
    ``out.attrs["months_missing"]`` (the name :func:`saferstats.cluster_summary` uses) and warned
    about, naming them; ``[]`` (and no attribute) when none is.

    >>> df = pd.DataFrame({"month": pd.Categorical(["2021-05", "2021-07"], ordered=True)})
    >>> _street_months_missing(df, ["2021-05-x-street.csv", "2021-07-x-street.csv"])
    ['2021-06']
    """
    read: set[str] = set()
    if "month" in out.columns and isinstance(out["month"].dtype, pd.CategoricalDtype):
        read |= {str(m) for m in out["month"].cat.categories}  # every month read, whatever crime_type kept
    elif "month" in out.columns:
        read |= {str(m) for m in out["month"].dropna().unique()}
    for name in names:
        m = _FILE_MONTH.search(str(name))
        if m and 1 <= int(m.group(2)) <= 12:
            read.add(f"{m.group(1)}-{m.group(2)}")
    index = sorted(int(m[:4]) * 12 + int(m[5:7]) - 1 for m in read if re.fullmatch(r"\d{4}-\d{2}", m))
    if len(index) < 2 or index[-1] - index[0] > 600:  # not a run of months: nothing to check
        return []
    missing = [f"{k // 12:04d}-{k % 12 + 1:02d}" for k in range(index[0], index[-1] + 1) if k not in set(index)]
    if not missing:
        return []
    out.attrs["months_missing"] = missing
    first, last = f"{index[0] // 12:04d}-{index[0] % 12 + 1:02d}", f"{index[-1] // 12:04d}-{index[-1] % 12 + 1:02d}"
    span = index[-1] - index[0] + 1
    named = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
    warn_user(f"read_street_crime: no file of {named} was read ({number_of(len(missing), 'month')} between {first} and "
              f"{last} without any record): police.uk publishes a file per force and month, so the records cover "
              f"{len(index)} of the {span} months from {first} to {last}, and counts or clusters over that span lack "
              f"{'that month' if len(missing) == 1 else 'those months'}. Read the missing file (or say which months "
              "the figures cover); the months are in .attrs['months_missing']")
    return missing


def _spans_without(note: str, missing: Sequence[str]) -> str:
    """``note`` with each span of months it names ("2021-01 to 2022-01 (12 months)") saying the
    months of it that were not read, so that its words stay true of a span with a file missing.

    >>> print(_spans_without("records of 2021-01 to 2022-01 (12 months), with", ["2021-06"]))
    records of 2021-01 to 2022-01 (12 of its 13 months: no file of 2021-06 was read), with
    >>> print(_spans_without("the 2 later months (2021-05 to 2021-07) carry", ["2021-06"]))
    the 2 later months (2021-05 to 2021-07; no file of 2021-06 was read) carry
    """
    if not missing:
        return note

    def said(m: re.Match[str]) -> str:
        a, b, k = m.group(1), m.group(2), m.group(3)
        gone = [x for x in missing if a <= x <= b]
        if not gone:
            return m.group(0)
        names = ", ".join(gone[:6]) + (f" and {len(gone) - 6} more" if len(gone) > 6 else "")
        span = (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7]) + 1
        if k is not None:
            return f"{a} to {b} ({k} of its {span} months: no file of {names} was read)"
        if m.string[m.end():m.end() + 1] == ")":
            return f"{a} to {b}; no file of {names} was read"
        return f"{a} to {b} ({span - len(gone)} of its {span} months: no file of {names} was read)"

    return _SPAN.sub(said, note)


#: A regular expression matching the start of :func:`read_street_crime`'s warning that records carry
#: LSOA codes of another Census (2011), for code that places the records by their coordinates
#: (hotspots: the report, ``saferstats hotspots``), where it does not apply:
#: ``warnings.filterwarnings("ignore", message=LSOA_CODES_NOTE)``.
LSOA_CODES_NOTE = r"read_street_crime: [\d,]+ of [\d,]+ records \(\d+ LSOA code"
_LSOA_NOTE = LSOA_CODES_NOTE  # the old private name, kept


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if len(parts) == 1:
        return parts[0]
    from pandas.api.types import union_categoricals

    data: dict[str, Any] = {}
    for c in parts[0].columns:
        if isinstance(parts[0][c].dtype, pd.CategoricalDtype):
            u = union_categoricals([p[c].array for p in parts], ignore_order=True)
            if c == "month":
                u = u.reorder_categories(sorted(u.categories), ordered=True)
            data[c] = u
        else:
            data[c] = np.concatenate([p[c].to_numpy() for p in parts])
    out = pd.DataFrame(data, copy=False)
    out.attrs["dropped"] = Records([d for p in parts for d in p.attrs["dropped"]])
    summary: dict[str, Any] = {"records": 0, "rows": 0, "other_crime_types": 0, "lines_left_out": 0, "files": 0,
                               "problems": {}}
    for p in parts:
        s = p.attrs["summary"]
        for k in ("records", "rows", "other_crime_types", "lines_left_out", "files"):
            summary[k] += s[k]
        for r, n in s["problems"].items():
            summary["problems"][r] = summary["problems"].get(r, 0) + n
    out.attrs["summary"] = summary
    return out


def _read_street(files: list[tuple[Path, str]], wanted: list[str] | None, skip: set[str]) -> pd.DataFrame:
    kinds = [k for k in _STREET_KINDS if k[0] not in skip]  # only the columns asked for are read
    index = {name: i for i, (name, *_rest) in enumerate(kinds)}
    plans = [(p, name, _street_plan(p, name, index)) for p, name in files]
    plans = [(p, name, plan) for p, name, plan in plans if plan is not None]
    if not plans:
        raise InvalidInputError("the input has no street-level crime rows", "path_or_paths")
    specs = []
    for p, _name, plan in plans:
        assert plan is not None  # empty files were left out above
        specs.append((str(p), plan[0], plan[1]))
    res = _ext.read_columns(specs, kinds)
    cols = res["columns"]
    names = [name for _p, name, _plan in plans]
    file_idx = res["file"]
    n = len(file_idx)
    keep: np.ndarray | None = None
    crime_codes, crime_cats = cols[index["crime_type"]]
    crime_cats = [" ".join(c.split()) for c in crime_cats]
    if wanted is not None:
        chosen = np.isin(np.asarray(crime_cats, dtype=object), wanted)
        keep = chosen[crime_codes] if n else np.zeros(0, dtype=bool)
    dropped: list[dict[str, Any]] = []
    pr = res["problems"]
    for k in range(len(pr["kind"])):
        ci, row = pr["column"][k], pr["row"][k]
        if keep is not None and row >= 0 and not keep[row]:
            continue  # a cell of a record of another crime type: not asked for
        col = kinds[ci][0] if ci >= 0 else None
        dropped.append({"source_file": names[pr["file"][k]], "source_line": int(pr["line"][k]), "column": col,
                        "value": pr["value"][k], "reason": problem_reason(pr["kind"][k], col, kinds[ci][1] if ci >= 0 else "")})
    lines = res["line"].view(np.int64)
    # month: "YYYY-MM" (or a date in that month) -> an ordered categorical of months
    m_codes, m_cats = cols[index["month"]]
    month_of = []
    for c in m_cats:
        mt = _MONTH.match(c.strip())
        month_of.append(f"{mt.group(1)}-{mt.group(2)}" if mt and 1 <= int(mt.group(2)) <= 12 else None)
    bad_month = np.array([m is None for m in month_of], dtype=bool)
    months = sorted({m for m in month_of if m is not None})
    to_new = np.array([months.index(m) if m is not None else -1 for m in month_of], dtype=np.int32)
    month_codes = to_new[m_codes] if n else np.zeros(0, dtype=np.int32)
    if bad_month.any():
        for r in np.flatnonzero(bad_month[m_codes] & (keep if keep is not None else True)):
            value = m_cats[m_codes[r]]
            if value.strip():  # an empty month is already reported as missing by the reader
                dropped.append({"source_file": names[file_idx[r]], "source_line": int(lines[r]), "column": "month",
                                "value": value, "reason": "unparsable month (expected YYYY-MM)"})
    data: dict[str, Any] = {}
    for name, kind, _, _ in kinds:
        if name == "month":
            data[name] = pd.Categorical.from_codes(month_codes, categories=months, ordered=True, validate=False)
        elif name == "crime_type":
            data[name] = reader_categorical(crime_codes, crime_cats)
        elif kind == "category":
            # an empty cell (e.g. no outcome for ASB) is missing, not a category "" (as in read_stop_search)
            data[name] = reader_categorical(*blank_as_missing(*cols[index[name]]))
        else:
            data[name] = cols[index[name]]
    data["source_file"] = reader_categorical(file_idx.astype(np.int64), names)
    data["source_line"] = lines
    out = pd.DataFrame(data, copy=False)
    records = n
    if keep is not None:
        out = out[keep].reset_index(drop=True)
        for c in out.columns:
            if isinstance(out[c].dtype, pd.CategoricalDtype) and c not in ("month", "crime_type", "source_file"):
                out[c] = out[c].cat.remove_unused_categories()
    dropped.sort(key=lambda d: (d["source_file"], d["source_line"]))
    reasons: dict[str, int] = {}
    for d in dropped:
        reasons[d["reason"]] = reasons.get(d["reason"], 0) + 1
    out.attrs["dropped"] = Records(dropped)
    out.attrs["summary"] = {"records": records, "rows": len(out), "other_crime_types": records - len(out),
                            "lines_left_out": sum(1 for d in dropped if d["column"] is None),
                            "files": int(sum(1 for r in res["rows_per_file"] if r)), "problems": reasons}
    return out


def _lsoa_codes_not_2021(codes: pd.Series) -> dict[str, int]:
    """How many LSOA codes (and the rows that carry them) are not LSOAs of 2021: police.uk coded
    earlier months with LSOA 2011 codes, 1,106 of which (3%) changed in 2021, so those rows do not
    join Census 2021 LSOA tables (:func:`saferstats.assign_lsoa21` maps them)."""
    cats = pd.Series(codes.cat.categories if isinstance(codes.dtype, pd.CategoricalDtype) else codes.dropna().unique(),
                     dtype=object)
    looks = cats.astype(str).str.fullmatch(r"[EW]01\d{6}").fillna(False).astype(bool)
    other = set(cats[looks & ~cats.isin(_lsoa21_codes())])
    return {"codes": len(other), "rows": int(codes.isin(other).sum())}


@functools.lru_cache(maxsize=1)
def _lsoa21_codes() -> frozenset[str]:
    from .geography import bundled_table

    return frozenset(bundled_table("census2021_lsoa21.csv.gz")["lsoa_code"])


# --------------------------------------------------------------------------- published tables

#: Published shorthand for "no figure" that is never a value of any column, so it is read as missing
#: wherever it stands: ONS/GSS ``..``, ``[c]`` confidential, ``[x]`` not available, ``[z]`` not
#: applicable, ``[u]``/``[low]`` low reliability, ``[w]`` no respondents.
NO_FIGURE_MARKS = ("..", "[c]", "[x]", "[z]", "[u]", "[w]", "[low]")
#: Cells that mean "no figure" where a number is expected in Home Office / Defra / ONS tables
#: (lower case): :data:`NO_FIGURE_MARKS` and the marks that could be text elsewhere (``x``, ``-``,
#: ``n/a``, a blank).
NO_FIGURE = frozenset({*NO_FIGURE_MARKS, "", "n/a", "#n/a", "na", ":", "-", "*", "x", "z"})
_PERIOD = re.compile(r"^(?P<y1>(19|20)\d{2})(?P<sep>[/-])(?P<y2>\d{2})(?P<foot>[\d\u00b9\u00b2\u00b3\u2070-\u2079*,]*)\s*$")


def period_label(text: Any) -> str | None:
    """``"2017/18³"``, ``"2017/183"``, ``"2017-18"`` -> ``"2017/18"``; None if not a financial year."""
    m = _PERIOD.match(str(text).strip())
    if not m:
        return None
    y1, y2 = int(m.group("y1")), m.group("y2")
    if (y1 + 1) % 100 != int(y2):
        return None
    return f"{y1}/{y2}"


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(\D|$))")
_SUPERSCRIPT_END = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u2079]+$")


def _number(value: Any) -> tuple[float, str]:
    """(number, status): status "ok", "missing" (a no-figure marker) or "unparsable"."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan, "missing"
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value), "ok"
    text = str(value).strip().replace("\u00a0", " ")
    if text.lower() in NO_FIGURE:
        return np.nan, "missing"
    text = (_THOUSANDS.sub("", text) if "," in text else text).replace(" ", "")
    text = _SUPERSCRIPT_END.sub("", text)  # a footnote marker after a number
    try:
        return float(text), "ok"
    except ValueError:
        return np.nan, "unparsable"


def _read_sheet(path: Path, sheet: str | None, arg: str,
                layout: Callable[[list[list[Any]]], str | None] | None = None) -> list[list[Any]]:
    """All rows of a CSV file, or of one sheet of an ODS/XLSX workbook, as lists of cells.

    A workbook read without ``sheet`` is refused; with ``layout`` (rows -> the name of the table
    found in them, or None), the error names the sheets that hold a table the reader knows."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_bytes().decode("cp1252")
        except OSError as e:
            raise InvalidInputError(f"{path}: cannot read: {e}", arg) from None
        return [row for row in csv.reader(_stdio.StringIO(text))]
    if suffix in (".ods", ".xlsx", ".xlsm"):
        engine = workbook_engine(path)
        try:
            with pd.ExcelFile(path, engine=engine) as book:
                names = [str(n) for n in book.sheet_names]
                # only the sheet named is parsed (every sheet only when none is named): parsing all
                # five of Defra's Flytipping.xlsx took most of read_flytipping's time
                wanted = list(book.sheet_names) if sheet is None else [
                    n for n in book.sheet_names if str(n).strip().lower() == sheet.strip().lower()][:1]
                frames = {str(n): pd.read_excel(book, sheet_name=n, header=None, dtype=object) for n in wanted}
        except ImportError as e:
            pkg = {"odf": "odfpy", "openpyxl": "openpyxl"}.get(engine, "python-calamine")
            raise InvalidInputError(f"{path}: reading {suffix} files needs the {pkg} package (pip install "
                                    f"'saferstats[readers]'), or export the sheet as CSV", arg) from e
        except Exception as e:  # noqa: BLE001 - any parser failure is an unreadable workbook
            raise InvalidInputError(f"{path}: not a readable {suffix} workbook ({type(e).__name__}: {e})", arg) from None
        sheets = {k: [[None if (isinstance(v, float) and np.isnan(v)) else v for v in row]
                      for row in frame.itertuples(index=False)] for k, frame in frames.items()}
        if sheet is None:
            found = {k: layout(rows) for k, rows in sheets.items()} if layout is not None else {}
            known = [f"{k!r} ({kind})" for k, kind in found.items() if kind is not None]
            hint = (f"; sheets with a table this reader knows: {', '.join(known)}" if known else
                    "; no sheet holds a table this reader knows" if layout is not None else "")
            raise InvalidInputError(f"{path}: a workbook; name the sheet to read (sheet=...; sheets: "
                                    f"{', '.join(names)}){hint}", "sheet")
        if not sheets:
            key = re.sub(r"[\s_-]+", "", sheet).lower()
            like = [k for k in names if re.sub(r"[\s_-]+", "", k).lower() == key]
            hint = f" (did you mean {like[0]!r}?)" if like else ""
            raise InvalidInputError(f"{path}: no sheet {sheet!r}{hint}; sheets: {', '.join(names)}", "sheet")
        return next(iter(sheets.values()))
    raise InvalidInputError(f"{path}: expected a .csv, .ods or .xlsx file", arg)


_SUPERSCRIPTS = str.maketrans("\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079", "123456789")


def _footnote_marker(header: Any) -> str | None:
    """The footnote a period heading points to: ``"2017/18³"`` (or ``"2017/183"``, as a CSV export
    flattens the superscript) -> ``"3"``; None without one."""
    m = re.fullmatch(r"\d{4}[/-]\d{2}([\d\u00b9\u00b2\u00b3\u2074-\u2079]+)", str(header or "").strip())
    return m.group(1).translate(_SUPERSCRIPTS) if m else None


def _footnotes(rows: list[list[Any]]) -> dict[str, str]:
    """The numbered notes under a published table (``"3. Merseyside police have revised ..."``)."""
    out = {}
    for row in rows:
        m = re.match(r"^\s*(\d+)\.\s*(\S.*)$", str(row[0] or "") if row else "")
        if m:
            out[m.group(1)] = " ".join(m.group(2).split())
    return out


def _one_file(path: Any, arg: str) -> Path:
    files = input_files(path, patterns=("*.csv", "*.ods", "*.xlsx"), arg=arg)
    if len(files) != 1:
        raise InvalidInputError(f"{arg} names {len(files)} files; this reader reads one file", arg)
    return files[0]


_HO_FORCE_COLUMNS = {"force": "force", "year": "period", "race": "race", "total_religion": "religion",
                     "religion": "religion", "sexual_orientation": "sexual_orientation", "disability": "disability",
                     "transgender": "transgender", "transgender_identity": "transgender",
                     "total_number_of_motivating_factors": "motivating_factors",
                     "total_number_of_offences": "offences", "population": "population",
                     "offences_per_100_000_pop": "published_rate"}
_HO_STRANDS = {"race": "race", "religion": "religion", "sexual orientation": "sexual_orientation",
               "disability": "disability", "transgender": "transgender", "transgender identity": "transgender",
               "total number of motivating factors": "motivating_factors",
               "total number of offences": "offences"}
#: The Home Office's monitored hate crime strands as labelled (lower case, words apart: "sexual
#: orientation", "transgender identity") -> the strand ("sexual_orientation", "transgender"); the
#: totals left out (:func:`saferstats.shares` says that shares of these are of motivating factors).
HATE_CRIME_STRANDS = {k: v for k, v in _HO_STRANDS.items() if v not in ("motivating_factors", "offences")}


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


def _year_columns(row: list[Any]) -> list[tuple[int, int]]:
    """(column, year) of the cells of ``row`` that are calendar years (a grid's header)."""
    out = []
    for k, c in enumerate(row):
        text = str(c).strip() if c is not None else ""
        if isinstance(c, (int, float, np.integer, np.floating)) and not isinstance(c, bool) and float(c).is_integer():
            text = str(int(c))
        if re.fullmatch(r"(19|20)\d{2}", text):
            out.append((k, int(text)))
    return out


def _month_name(row: list[Any]) -> int | None:
    """The month (1-12) a grid row is named by: ``"June"``, ``"Jun"``, ``"Sept"``, or with a footnote
    marker (``"June3"``, ``"June³"``, as a CSV export flattens it); None for any other row."""
    first = next((str(c).strip().lower() for c in row if c is not None and str(c).strip()), "")
    first = re.sub(r"[\d\u00b9\u00b2\u00b3\u2070-\u2079*]+$", "", first).strip().rstrip(".")
    if first in _MONTHS:
        return _MONTHS.index(first) + 1
    short = [m[:3] for m in _MONTHS]
    return short.index(first) + 1 if first in short else 9 if first == "sept" else None


def _month_grid_header(rows: list[list[Any]], i: int) -> bool:
    """Is row ``i`` the header of a month x year grid (consecutive calendar years over rows named
    January, February, ...; the bulletin's monthly figures)?"""
    years = [y for _, y in _year_columns(rows[i])]
    if len(years) < 2 or years != list(range(years[0], years[0] + len(years))):
        return False
    below = [r for r in rows[i + 1:i + 4] if any(str(c).strip() for c in r if c is not None)]
    return bool(below) and _month_name(below[0]) == 1


def _read_month_grid(rows: list[list[Any]], header_at: int, src: Path) -> pd.DataFrame:
    """The monthly layout of :func:`read_hate_crime`: one row per month with a figure, ``month``
    (``"YYYY-MM"``) and ``count``. Empty cells before the first and after the last figure are
    outside the series; a gap inside it is reported in ``attrs["dropped"]``."""
    cols = _year_columns(rows[header_at])
    cells: dict[tuple[int, int], tuple[Any, int, str]] = {}
    for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        m = _month_name(row)
        if m is None:
            continue  # blank, source and footnote lines
        for k, y in cols:
            cells[(y, m)] = (row[k] if k < len(row) else None, i, str(y))
    values = {key: (_number(cell), line, col) for key, (cell, line, col) in cells.items()}
    have = sorted(key for key, ((_, status), _, _) in values.items() if status == "ok")
    if not have:
        raise InvalidInputError(f"{src}: the monthly table has no figures under its years", "path")
    dropped: list[dict[str, Any]] = []
    records = []
    missing = 0
    y, m = have[0]
    while (y, m) <= have[-1]:
        (v, status), line, col = values.get((y, m), ((np.nan, "missing"), None, str(y)))
        if status != "ok":
            missing += status == "missing"
            dropped.append({"source_file": src.name, "source_line": line, "column": col,
                            "value": cells.get((y, m), (None,))[0], "month": f"{y}-{m:02d}",
                            "reason": "no figure published (a gap in the series)" if status == "missing"
                            else "unparsable count"})
        records.append({"month": f"{y}-{m:02d}", "count": v, "source_line": line})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    out = pd.DataFrame.from_records(records)
    out.attrs["dropped"] = Records(dropped)
    out.attrs["summary"] = {"rows": len(out), "missing_cells": missing,
                            "unparsable_cells": sum(1 for d in dropped if d["reason"].startswith("unparsable")),
                            "layout": "monthly", "file": src.name}
    # what the figures count, as the table says it: Figure 2 is racially or religiously aggravated
    # offences (five offence types), not all hate crime and not Table 2's race strand
    title = next((" ".join(str(c).split()) for r in rows[:header_at] for c in r[:1] if c is not None and str(c).strip()),
                 None)
    notes = _footnotes(rows[header_at + 1:])
    if title:  # without its notes' markers: "by the police1 by month" (a CSV export: "police1by month")
        for mark in sorted(notes, key=len, reverse=True):
            title = re.sub(rf"(?<=[a-z]){mark}(?=[a-z])", " ", re.sub(rf"(?<=[a-z]){mark}(?=[\s,;:.]|$)", "", title))
        out.attrs["title"] = title
    if notes:
        out.attrs["notes"] = notes
    return out


_HO_LAYOUT_NAMES = {"force": "by force and year", "strand": "strand series", "monthly": "monthly figures",
                    "religion": "perceived religion"}
_HO_RELIGION_TOTALS = {"total number of targeted religions": "targeted_religions",
                       "total number of offences": "offences"}


def _ho_layout(rows: list[list[Any]]) -> tuple[int | None, str]:
    """The header row of a Home Office hate crime table in the first 60 rows, and its layout
    (``force``, ``strand``, ``monthly`` or ``religion``); ``(None, "")`` when there is none."""
    for i, row in enumerate(rows[:60]):
        cells = [snake_case(str(c)) if c is not None else "" for c in row]
        if "force" in cells and "year" in cells:
            return i, "force"
        if cells and cells[0] in ("perceived_religion_of_the_victim", "perceived_religion", "targeted_religion") and (
                "number_of_offences" in cells):
            return i, "religion"
        if cells and cells[0] in ("hate_crime_strand", "strand", "monitored_strand") and any(
                period_label(c) for c in row[1:] if c is not None):
            return i, "strand"
        if _month_grid_header(rows, i):
            return i, "monthly"
    return None, ""


def _is_osce(rows: list[list[Any]]) -> bool:
    """Whether the first row is the header of an OSCE/ODIHR national hate crime file
    (``year, country, [iso2,] data_source, number_of_incidents``)."""
    cells = {snake_case(str(c)) for c in (rows[0] if rows else []) if c is not None}
    return {"country", "number_of_incidents"} <= cells


#: read_hate_crime's refusal of an OSCE/ODIHR file: what it is, what to do with it, and the Home
#: Office table to read instead.
_OSCE_REFUSAL = (
    "{src}: not a Home Office hate crime table but an OSCE/ODIHR hate crime reporting file (columns {header}): "
    "national totals of hate incidents, one row per OSCE participating State and source of the figure (official or "
    "police records, civil society) for one year, as the States reported them to ODIHR; not a count series by force "
    "or strand that read_hate_crime reads, and not like for like with the Home Office's figures (other years and "
    "coverage). It is a plain CSV: read it with pandas.read_csv (one file a year: concatenate them; the source "
    "labels change between years, e.g. the United Kingdom's 'Official Records' of 2016 and 2017 are 'Police "
    "Records' in 2018). For police-recorded hate crime in England and Wales use the Home Office's tables, which "
    "read_hate_crime reads: offences by police force area and year ('Hate crime.csv', Force, Year, ...) or the "
    "bulletin's tables (hate-crime-1819-hosb2419-tables.ods, sheet='Table_2' for the strand series 2011/12 to "
    "2018/19)")


def read_hate_crime(path: Any, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a Home Office hate crime table as published into a tidy DataFrame.

    Four layouts are recognised from their headers:

    - **by police force area and year** (``Force, Year, Race, Total Religion, Sexual orientation,
      Disability, Transgender, Total number of motivating factors, Total number of offences,
      Population, Offences per 100,000 pop``) -> one row per force and year: ``force, force_code,
      period, race, religion, sexual_orientation, disability, transgender, motivating_factors,
      offences, population, published_rate`` ("Transgender identity" is ``transgender``; another
      column of figures is named in a warning, not read). ``force_code`` is the ONS police force area code
      (E23.../W15...), matched as :func:`saferstats.force_id` matches names: join Census
      populations on it, never on the name (the Home Office writes "Devon and Cornwall", ONS
      "Devon & Cornwall", so a merge on the name silently gives that force no population):
      ``hc.drop(columns="population").merge(census_population("force").groupby(["force_code",
      "census"], as_index=False)["population"].sum(), on="force_code", how="left",
      validate="many_to_one")`` (the ``census`` column then makes :func:`saferstats.add_rates`
      warn of a Census far from the crime years). A force name
      that matches none of the 43 forces is named in a warning and has no code; a force given
      more than one row for one year is kept as published, named in a warning with its lines and
      in ``df.attrs["repeated"]``; a row whose Year is not a financial year (kept, ``period``
      missing) or that has no force name (left out) is named by its line in a warning;
    - **the bulletin's Table 3, religious hate crimes by perceived religion of the victim**
      (``Perceived religion of the victim, Number of offences, %`` under the year) -> ``religion,
      period, count, published_percent``; the two totals (``targeted_religions``, ``offences``)
      are rows, named in ``df.attrs["totals"]`` (more than one religion can be recorded for an
      offence, so the religions add up to the targeted religions), the table's numbered notes in
      ``df.attrs["notes"]``;
    - **the bulletin's strand series** (a title, then ``Hate crime strand, 2011/12, ...,
      2017/18³, 2018/19, % change ...`` and one row per strand) -> long: ``strand, period,
      count`` (the "% change" column, notes and source lines are not data; "Transgender identity",
      as later bulletins name the strand, is ``transgender``; a row with figures whose label is no
      strand or total is left out, in ``df.attrs["dropped"]`` and a warning, never silently);
    - **the bulletin's monthly figures** (calendar years across, ``January`` ... ``December``
      down, e.g. Figure 2: racially or religiously aggravated offences by month) -> one row per
      month from the first figure to the last: ``month`` (``"YYYY-MM"``), ``count`` (month rows named
      in full, short, ``"Sept"``, or with a footnote marker, ``"June3"``); a month
      without a figure inside the series is kept as missing and reported. What the figures count
      is the table's title, kept in ``df.attrs["title"]``, with its numbered notes in
      ``df.attrs["notes"]``: Figure 2 counts racially or religiously aggravated offences (note 1:
      five offence types), not all hate crime and not the race strand of Table 2 (2018/19: 57,693
      against 78,991 race hate crimes), so say "racially or religiously aggravated offences" beside its trend.

    Published cells are taken as they are: thousands separators (``"567,700"``), footnote
    markers on periods (``2017/18³``, or ``2017/183`` where a CSV export flattened the
    superscript) and numbers, ``N/A``/``..`` as missing (never zero), trailing spaces. Periods come
    out as ``"YYYY/YY"``. A CSV export, or a sheet of the ODS/XLSX workbook (``sheet=``), is read.
    A glob pattern (``data/hate-crime-*-tables.ods``) names the one file it matches (one matching no
    file, or several, is refused naming it).
    Any other table is an :class:`~saferstats.InvalidInputError`; OSCE/ODIHR's national files
    (``year, country, data_source, number_of_incidents``) are named as such, with the Home Office
    table to read instead (they are plain CSVs for :func:`pandas.read_csv`).
    ``df.attrs["dropped"]`` lists every cell that is not a number (with file, line and column) and
    ``df.attrs["summary"]`` counts rows, missing and unparsable cells. In the force table,
    ``df.attrs["population_note"]`` says when a force's population is one figure for every year
    (the by-force file of 2017-18 and 2018-19 does so for every force: one estimate for two crime
    years), which :func:`saferstats.add_rates` and :func:`saferstats.year_on_year` repeat as a
    warning. In the strand series the
    totals are rows too: ``df.attrs["totals"]`` names them (``motivating_factors``, ``offences``),
    to be left out before shares of the strands (one offence can have several motivating factors,
    so the strands add up to the motivating factors, not the offences); ``df.attrs["footnotes"]``
    gives the note a period's marker points to (``{"2017/18": "Merseyside police have revised
    figures for 2017/18."}``), ``df.attrs["notes"]`` all the table's numbered notes.

    Coverage (``df.attrs["coverage"]``): the strand series' England and Wales totals are of the
    police forces its note names ("Data were collected from 44 police forces": the 43 territorial
    forces and the British Transport Police), while the table by force has the 43 territorial
    forces only, so its forces add up to less (2018/19: 99,821 offences against the bulletin's
    103,379). The force table's ``coverage`` gives its forces, whether the British Transport Police
    is among them and its offences summed by period. Set a force against the forces' own sum (the
    funnels' default target), not against the bulletin's totals.

    >>> import saferstats
    >>> s = saferstats.read_hate_crime(saferstats.datasets.hate_crime_strands_path())
    >>> s.attrs["totals"], s.attrs["footnotes"]["2017/18"]
    (['motivating_factors', 'offences'], 'Merseyside police have revised figures for 2017/18.')
    >>> strands = s[~s.strand.isin(s.attrs["totals"])]
    >>> t = saferstats.read_hate_crime(saferstats.datasets.hate_crime_table_path())
    >>> herts = t[(t.force == "Hertfordshire") & (t.period == "2018/19")]
    >>> int(herts.offences.iloc[0]), int(herts.population.iloc[0]), herts.force_code.iloc[0]
    (1600, 1184400, 'E23000027')
    """
    src = _one_file(path, "path")
    rows = _read_sheet(src, sheet, "path", lambda r: _HO_LAYOUT_NAMES.get(_ho_layout(r)[1]))
    header_at, layout = _ho_layout(rows)
    if header_at is None and _is_osce(rows):
        raise InvalidInputError(_OSCE_REFUSAL.format(src=src, header=[str(c) for c in rows[0] if c is not None]),
                                "path")
    if header_at is None:
        raise InvalidInputError(f"{src}: not a Home Office hate crime table this reader knows: no header row with "
                                "'Force, Year' (offences by force and year), 'Hate crime strand, <years>' (the "
                                "bulletin's Table 2), 'Perceived religion of the victim, Number of offences' (Table 3) "
                                "or calendar years over month rows (Figure 2) in the first 60 rows; for another table, "
                                "export it as a CSV with one header row (a column per field) and read it with "
                                "pandas.read_csv", "path")
    if layout == "monthly":
        return _read_month_grid(rows, header_at, src)
    if layout == "religion":
        return _read_religion(rows, header_at, src)
    header = ["" if c is None else str(c) for c in rows[header_at]]
    dropped: list[dict[str, Any]] = []
    missing = 0
    if layout == "force":
        names = [_HO_FORCE_COLUMNS.get(snake_case(h)) for h in header]
        need = ["force", "period", "offences"]
        absent = [c for c in need if c not in names]
        if absent:
            raise InvalidInputError(f"{src}: missing {number_of(len(absent), 'column')} {absent} in the force table "
                                    f"header {header}", absent[0])
        records = []
        for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
            if not any(str(c).strip() for c in row if c is not None):
                continue
            rec: dict[str, Any] = {}
            for name, cell in zip(names, row):
                if name is None:
                    continue
                if name == "force":
                    rec[name] = " ".join(str(cell or "").split())
                elif name == "period":
                    label = period_label(cell)
                    if label is None:
                        dropped.append({"source_file": src.name, "source_line": i, "column": "Year", "value": cell,
                                        "reason": "not a financial year (YYYY/YY or YYYY-YY)"})
                    rec[name] = label
                else:
                    v, status = _number(cell)
                    if status != "ok":
                        missing += status == "missing"
                        dropped.append({"source_file": src.name, "source_line": i, "column": name, "value": cell,
                                        "reason": "no figure published" if status == "missing" else f"unparsable {name}"})
                    rec[name] = v
            if not rec.get("force"):
                dropped.append({"source_file": src.name, "source_line": i, "column": None, "value": row,
                                "reason": "row without a force name (left out)"})
                continue
            rec["source_line"] = i
            records.append(rec)
        _warn_unknown_force_columns(header, names, rows[header_at + 1:], src.name)
        out = pd.DataFrame.from_records(records)
        cols = [c for c in dict.fromkeys(_HO_FORCE_COLUMNS.values()) if c in out.columns] + ["source_line"]
        out = out[cols]
        _add_force_codes(out, src.name)
        _warn_repeated_force_years(out, src.name)
        _warn_rows_off_the_years(out, dropped, src.name)
        set_population_note(out, src.name)  # as datasets.hate_crime_by_force() says it of the same file
        out.attrs["coverage"] = force_table_coverage(out)
    else:
        periods = [(period_label(h), h, k) for k, h in enumerate(header) if k > 0]
        periods = [(p, h, k) for p, h, k in periods if p is not None]  # at least one (_ho_layout)
        records = []
        unknown: list[tuple[int, str]] = []
        for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
            label = " ".join(str(row[0] or "").split()) if row else ""
            key = re.sub(r"[\d\u00b9\u00b2\u00b3,]+$", "", label).strip().lower()
            if key not in _HO_STRANDS:  # blank, source and footnote lines; a row with figures is reported
                if label and any(_number(row[k] if k < len(row) else None)[1] == "ok" for _p, _h, k in periods):
                    unknown.append((i, label))
                    dropped.append({"source_file": src.name, "source_line": i, "column": None, "value": label,
                                    "reason": "not a strand or total this reader knows (row left out)"})
                continue
            for p, h, k in periods:
                cell = row[k] if k < len(row) else None
                v, status = _number(cell)
                if status != "ok":
                    missing += status == "missing"
                    dropped.append({"source_file": src.name, "source_line": i, "column": h, "value": cell,
                                    "reason": "no figure published" if status == "missing" else "unparsable count"})
                records.append({"strand": _HO_STRANDS[key], "period": p, "count": v, "source_line": i})
        if unknown:  # a strand this reader does not know would otherwise vanish without a word
            shown = "; ".join(f"{lab!r} (line {ln})" for ln, lab in unknown[:6])
            warn_user(f"read_hate_crime: {src.name}: {number_of(len(unknown), 'row')} with figures under the strand "
                      f"header {'is' if len(unknown) == 1 else 'are'} not a strand or total this reader knows (Race, "
                      f"Religion, Sexual orientation, Disability, Transgender, Total number of motivating factors, "
                      f"Total number of offences), so {'it is' if len(unknown) == 1 else 'they are'} left "
                      f"out (listed in .attrs['dropped']): {shown}{' ...' if len(unknown) > 6 else ''}. The strands "
                      "read no longer add up to the table's total of motivating factors; read the table with "
                      "pandas.read_csv to keep them")
        if not records:
            raise InvalidInputError(f"{src}: the strand table has no strand rows (Race, Religion, ...)", "path")
        out = pd.DataFrame.from_records(records)
        # the two totals are rows of the table, not strands: named, so that shares leave them out
        out.attrs["totals"] = [t for t in ("motivating_factors", "offences") if t in set(out["strand"])]
        notes = _footnotes(rows[header_at + 1:])
        marked = {p: notes[m] for p, h, _k in periods if (m := _footnote_marker(h)) and m in notes}
        if marked:  # "2017/18³": "Merseyside police have revised figures for 2017/18." (kept, not dropped)
            out.attrs["footnotes"] = marked
        if notes:  # numbered notes of the whole table, as Table 3's (the forces covered: note 2)
            out.attrs["notes"] = notes
        coverage = _strand_coverage(notes)
        if coverage:
            out.attrs["coverage"] = coverage
    out.attrs["dropped"] = Records(dropped)
    out.attrs["summary"] = {"rows": len(out), "missing_cells": missing,
                            "unparsable_cells": sum(1 for d in dropped if d["reason"].startswith("unparsable")),
                            "layout": layout, "file": src.name}
    return out


def _strand_coverage(notes: dict[str, str]) -> str | None:
    """What the England and Wales figures of the bulletin's strand series cover, from its note on the
    forces the data were collected from (Table 2 of 2018/19, note 2: "Data were collected from 44
    police forces ..."): with 44, the 43 territorial forces and the British Transport Police, which
    a table by police force area leaves out. None where no note says it."""
    for k, note in notes.items():
        m = re.search(r"collected from (\d+) police forces", note, flags=re.IGNORECASE)
        if not m:
            continue
        n = int(m.group(1))
        who = " (the 43 territorial forces and the British Transport Police)" if n == 44 else ""
        return (f"England and Wales totals of {n} police forces{who}, as note {k} says (\"{note[:90]}"
                f"{'...' if len(note) > 90 else ''}\"). A table by police force area has the territorial forces only "
                "(the Home Office table by force of 2017-18 and 2018-19, 43 forces, adds up to 99,821 offences in "
                "2018/19, where the bulletin of that year gives 103,379), so these totals are not the sum of the forces: set a force against the "
                "forces' own sum (the funnels' default target), not against these totals")
    return None


def _warn_rows_off_the_years(out: pd.DataFrame, dropped: list[dict[str, Any]], name: str) -> None:
    """Name the rows of a force table that no year's figures take in: a Year that is not a financial
    year (kept, with ``period`` missing, so a selection by period or a table by year leaves it out)
    and a row without a force name (left out). Both were listed only in ``attrs["dropped"]``."""
    no_year = [d for d in dropped if d["column"] == "Year"]
    no_force = [d for d in dropped if str(d["reason"]).startswith("row without a force name")]
    said = []
    if no_year:
        force = dict(zip(out["source_line"], out["force"]))
        shown = "; ".join(f"line {d['source_line']} ({force.get(d['source_line'])}, Year "
                          f"{'blank' if not str(d['value'] or '').strip() else repr(d['value'])})" for d in no_year[:6])
        said.append(f"{number_of(len(no_year), 'row')} whose Year is not a financial year (YYYY-YY) "
                    f"{'is' if len(no_year) == 1 else 'are'} kept with period missing, so a selection by period, a "
                    f"funnel of one year or a table by year leaves {'it' if len(no_year) == 1 else 'them'} out: "
                    f"{shown}{' ...' if len(no_year) > 6 else ''}")
    if no_force:
        shown = ", ".join(f"line {d['source_line']}" for d in no_force[:6])
        said.append(f"{number_of(len(no_force), 'row')} with cells but no force name "
                    f"{'is' if len(no_force) == 1 else 'are'} left out: {shown}{' ...' if len(no_force) > 6 else ''}")
    if said:
        warn_user(f"read_hate_crime: {name}: {'; '.join(said)} (listed in .attrs['dropped'])")


def _warn_repeated_force_years(out: pd.DataFrame, name: str) -> None:
    """Name the forces given more than one row for one year in a force table (a row pasted twice,
    or two versions of a force's figures): both are kept as published, so a sum over the rows, a
    funnel or a rate table counts that force twice, while ``attrs["coverage"]`` counts each force
    once a year. Listed in ``attrs["repeated"]`` (force, period, lines) and named in a warning."""
    known = out[out["period"].notna()]
    lines = known.groupby(["force", "period"], sort=False)["source_line"].agg(list)
    lines = lines[lines.map(len) > 1]
    if not len(lines):
        return
    out.attrs["repeated"] = [{"force": f, "period": p, "source_lines": [int(x) for x in ls]}
                             for (f, p), ls in lines.items()]
    shown = "; ".join(f"{f} {p} (lines {', '.join(str(x) for x in ls)})" for (f, p), ls in list(lines.items())[:6])
    warn_user(f"read_hate_crime: {name}: {number_of(len(lines), 'force and year', 'forces and years')} on more than one row: {shown}"
              f"{' ...' if len(lines) > 6 else ''}. Both rows are kept as published, so a sum over the rows, a "
              "funnel or a table of rates counts that force twice in that year (attrs['coverage'] counts each force "
              "once a year); keep the one row meant (e.g. df.drop_duplicates(['force', 'period'], keep='last')); "
              "listed in .attrs['repeated']")


def force_table_coverage(table: pd.DataFrame) -> str:
    """What the Home Office table by police force area covers (:func:`read_hate_crime`'s
    ``attrs["coverage"]``): its forces (43 territorial force areas in the 2017-18 and 2018-19 file)
    and whether the British Transport Police is among them, with the table's sum of offences in
    each period, which is not the bulletin's England and Wales total where the British Transport
    Police is left out (each force's offences once a period, as a long table of its strands repeats
    them). Said of any rows of the table (``force, force_code, period, offences``), so
    that a subset is told its own forces and sums (:func:`saferstats.add_rates` and
    :func:`saferstats.shares` re-say it of their rows).

    >>> t = pd.DataFrame({"force": ["Essex", "Kent"], "force_code": ["E23000008", "E23000032"],
    ...                   "period": ["2018/19", "2018/19"], "offences": [3000.0, 4000.0]})
    >>> force_table_coverage(t).split(";")[0], force_table_coverage(t).split("rows: ")[-1]
    ('2 forces (2 of the 43 police force areas of England and Wales)', '2018/19: 7,000')
    """
    forces = sorted(set(table["force"]))
    btp = any("british transport" in f.lower() for f in forces)
    # each force's offences once a period (a long table of its strands repeats them on every strand's row)
    sums = table.drop_duplicates(["force", "period"]).groupby("period")["offences"].sum(min_count=1)
    shown = ", ".join(f"{p}: {v:,.0f}" for p, v in sums.items() if pd.notna(v))
    return (f"{len(forces)} force{'' if len(forces) == 1 else 's'} "
            f"({int(table['force_code'].notna().groupby(table['force']).any().sum())} of the 43 "
            f"police force areas of England and Wales); the British Transport Police is "
            f"{'among them' if btp else 'not among them, so the forces add up to less than the England and Wales totals of the bulletin (data from 44 police forces, the British Transport Police too)'}"
            f". Offences summed over the table's rows: {shown}")


#: How :func:`read_hate_crime`'s ``attrs["coverage"]`` of the table by force begins when said of rows
#: without a force column (:func:`attrs_of_rows`).
COVERAGE_OFF_ITS_FORCES = ("said of the table these rows were made from, not of them (they lack its force, force_code, "
                           "period or offences column: summed over the forces, or reshaped): ")

#: The columns that name a row of each of :func:`read_hate_crime`'s layouts as read (the cells of
#: ``attrs["dropped"]`` are found by them); another reader's rows by their ``source_line``.
_ROWS_NAMED_BY = {"force": ("force", "period", "source_line"), "strand": ("strand", "period", "source_line"),
                  "religion": ("religion", "source_line"), "monthly": ("month",)}
_CELL_COUNTS = ("missing_cells", "unparsable_cells")


@restates_attrs_of_rows
def attrs_of_rows(out: pd.DataFrame, data: pd.DataFrame) -> None:
    """Re-say in ``out.attrs`` what a reader of this module said of the whole table it read
    (``attrs["summary"]``, ``attrs["coverage"]``), of ``data``: the rows passed to the function that
    made ``out`` (:func:`saferstats.add_rates`, :func:`saferstats.shares`,
    :func:`saferstats.year_on_year`, through :func:`saferstats._frames.reader_attrs_of_rows`). pandas
    carries ``attrs`` through a filter, ``groupby().sum()`` and ``pd.concat``, so a subset of
    :func:`read_hate_crime`'s 86 rows kept ``{"rows": 86, "missing_cells": 4, ...}`` and "43 forces
    ... 2017/18: 90,835, 2018/19: 99,821".

    - ``attrs["summary"]`` (a reader's, with ``rows`` and ``file``) whose ``rows`` is not
      ``len(data)``: ``rows`` becomes ``len(data)`` and ``rows_read`` keeps the rows read;
      ``missing_cells`` and ``unparsable_cells`` are counted again over the cells of
      ``attrs["dropped"]`` in ``data``'s rows (found by ``source_line``, with the ``period`` of a
      strand table's column, or by ``month``), the file's kept as ``missing_cells_read`` and
      ``unparsable_cells_read``; where ``data`` lacks the columns that name its rows (summed, or
      reshaped), the two counts are left out and ``cells_note`` says they are the file's;
    - ``attrs["coverage"]`` of the table by force (``summary["layout"] == "force"``): said again of
      ``data``'s own forces and sums (:func:`force_table_coverage`) where ``data`` has the force,
      code, period and offences columns; where it lacks one (summed over the forces), prefixed with
      :data:`COVERAGE_OFF_ITS_FORCES`. The strand series' coverage (whose rows are each the 44
      forces' counts) applies to any of its rows and is kept.

    >>> t = pd.DataFrame({"force": ["Essex", "Kent"], "force_code": ["E23000008", "E23000032"],
    ...                   "period": ["2018/19"] * 2, "offences": [3000.0, 4000.0], "source_line": [2, 3]})
    >>> t.attrs = {"summary": {"rows": 2, "missing_cells": 1, "unparsable_cells": 0, "layout": "force",
    ...                        "file": "x.csv"}, "coverage": "2 forces ...",
    ...            "dropped": [{"source_line": 2, "column": "population", "reason": "no figure published"}]}
    >>> one = t[t.force == "Kent"].copy(); attrs_of_rows(one, t[t.force == "Kent"])
    >>> s = one.attrs["summary"]; s["rows"], s["rows_read"], s["missing_cells"], s["missing_cells_read"]
    (1, 2, 0, 1)
    >>> one.attrs["coverage"].split(";")[0]
    '1 force (1 of the 43 police force areas of England and Wales)'
    """
    summary = data.attrs.get("summary")
    if not isinstance(summary, dict) or not isinstance(summary.get("rows"), int) or "file" not in summary:
        return
    said = dict(summary)
    if summary["rows"] != len(data):
        said.update(rows=len(data), rows_read=summary.get("rows_read", summary["rows"]))
        _cells_of_rows(said, summary, data)
    out.attrs["summary"] = said
    coverage = data.attrs.get("coverage")
    if not isinstance(coverage, str):
        return
    if summary.get("layout") != "force":
        out.attrs["coverage"] = coverage
    elif {"force", "force_code", "period", "offences"} <= set(data.columns):
        out.attrs["coverage"] = force_table_coverage(data)
    else:
        out.attrs["coverage"] = coverage if coverage.startswith(COVERAGE_OFF_ITS_FORCES) else (
            COVERAGE_OFF_ITS_FORCES + coverage)


def _cells_of_rows(said: dict[str, Any], summary: dict[str, Any], data: pd.DataFrame) -> None:
    """:func:`attrs_of_rows`: ``missing_cells`` and ``unparsable_cells`` of ``data``'s rows, counted
    over ``data.attrs["dropped"]`` as the reader counted them ("no figure published ...",
    "unparsable ..."); the file's kept with ``_read``; left out with a ``cells_note`` where
    ``data`` lacks the columns that name its rows."""
    counts = {k: summary[k] for k in _CELL_COUNTS if isinstance(summary.get(k), int)}
    if not counts:
        return
    for k, v in counts.items():
        said[f"{k}_read"] = summary.get(f"{k}_read", v)
    named_by = _ROWS_NAMED_BY.get(str(summary.get("layout")), ("source_line",))
    dropped = data.attrs.get("dropped")
    lines = data["source_line"] if "source_line" in data.columns else pd.Series([], dtype=float)
    lines = pd.to_numeric(lines, errors="coerce").dropna()
    whole = (lines == lines.round()).all() and lines.nunique() <= said["rows_read"]
    mine: list[Any] = []
    if set(named_by) <= set(data.columns) and isinstance(dropped, list) and whole:
        if named_by == ("month",):
            months = set(data["month"].astype(str))
            mine = [d for d in dropped if isinstance(d, dict) and str(d.get("month")) in months]
        else:
            at = set(lines.astype(int))
            pairs = set(zip(pd.to_numeric(data["source_line"], errors="coerce"), data["period"].map(period_label))) if (
                "period" in data.columns) else set()
            mine = [d for d in dropped if isinstance(d, dict) and d.get("source_line") in at
                    and ((p := period_label(d.get("column"))) is None or not pairs or (d["source_line"], p) in pairs)]
    if not set(named_by) <= set(data.columns) or not isinstance(dropped, list) or not whole or (
            named_by != ("month",) and not _cells_still_missing(data, mine)):
        for k in counts:
            del said[k]
        read = " and ".join(f"{k} ({counts[k]:,})" for k in counts)
        cols = f"{', '.join(named_by)} column{'' if len(named_by) == 1 else 's'}"
        said["cells_note"] = (f"{read} are the file's ({', '.join(f'{k}_read' for k in counts)}), not said of these "
                              "rows: " + (f"they lack the {cols} that name the rows read" if not set(named_by) <= set(
                                  data.columns) else f"their {cols} do not name rows read (a missing cell of the line "
                                  "given has a figure)") + " (summed, or reshaped); attrs['dropped'] lists the file's cells")
        return
    reasons = [str(d.get("reason", "")) for d in mine]
    if "missing_cells" in counts:
        said["missing_cells"] = sum(r.startswith("no figure published") for r in reasons)
    if "unparsable_cells" in counts:
        said["unparsable_cells"] = sum(r.startswith("unparsable") for r in reasons)


def _cells_still_missing(data: pd.DataFrame, cells: list[Any]) -> bool:
    """Are the reader's missing cells ``cells`` (``attrs["dropped"]``, found by ``source_line``) still
    missing in ``data``'s rows of those lines, where ``data`` has their column? A row summed by
    ``groupby().sum(numeric_only=False)`` has the sum of its rows' lines as its ``source_line``, which
    can be the line of a real row (2 + 27 = 29), and the sum of its rows' cells (a number: pandas skips
    the missing ones) where that row's cell was missing: its rows are then not rows read."""
    if not cells:
        return True
    lines = pd.to_numeric(data["source_line"], errors="coerce").to_numpy(dtype=float)
    rows_of: dict[float, list[int]] = {}
    for k, line in enumerate(lines.tolist()):
        rows_of.setdefault(line, []).append(k)
    # each column read once: a column read from a frame copies its attrs (a published table's
    # attrs["dropped"] lists every missing cell: 14,262 reads of Defra's table took 100 s)
    missing_in: dict[Any, np.ndarray] = {}
    for d in cells:
        col = d.get("column")
        if col is None or col not in data.columns:
            continue
        if col not in missing_in:
            missing_in[col] = data[col].isna().to_numpy()
        at = rows_of.get(float(d["source_line"]))
        if at and not missing_in[col][at].all():
            return False
    return True


def _read_religion(rows: list[list[Any]], header_at: int, src: Path) -> pd.DataFrame:
    """The bulletin's Table 3 (religious hate crimes by perceived religion of the victim): one row
    per religion and total, ``religion, period, count, published_percent, source_line``; the period
    is the financial year printed above the header (None if there is none)."""
    header = ["" if c is None else str(c) for c in rows[header_at]]
    snake = [snake_case(h) for h in header]
    k_count = snake.index("number_of_offences")
    k_pct = next((k for k, h in enumerate(header) if h.strip() == "%" or snake_case(h) in ("percent", "percentage")), None)
    period = next((p for row in reversed(rows[max(0, header_at - 3):header_at]) for c in row if c is not None
                   and (p := period_label(c))), None)
    records: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    missing = 0
    for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        label = " ".join(str(row[0] or "").split()) if row else ""
        if not label or label.lower().startswith("source") or re.match(r"^\d+\.", label):
            continue  # blank, source and footnote lines
        name = re.sub(r"[\d\u00b9\u00b2\u00b3,]+$", "", label).strip()
        key = _HO_RELIGION_TOTALS.get(name.lower(), name)
        rec: dict[str, Any] = {"religion": key, "period": period}
        for col, k in (("count", k_count), ("published_percent", k_pct)):
            if k is None:
                continue
            cell = row[k] if k < len(row) else None
            v, status = _number(cell)
            if status != "ok" and not (col == "published_percent" and key in _HO_RELIGION_TOTALS.values()):
                missing += status == "missing"
                dropped.append({"source_file": src.name, "source_line": i, "column": header[k], "value": cell,
                                "reason": "no figure published" if status == "missing" else f"unparsable {col}"})
            rec[col] = v
        rec["source_line"] = i
        records.append(rec)
    if not records:
        raise InvalidInputError(f"{src}: the perceived religion table has no rows under its header", "path")
    out = pd.DataFrame.from_records(records)
    # the totals are rows, not religions: more than one religion can be recorded for an offence, so the
    # religions add up to the targeted religions, not the offences
    out.attrs["totals"] = [t for t in _HO_RELIGION_TOTALS.values() if t in set(out["religion"])]
    out.attrs["dropped"] = Records(dropped)
    out.attrs["summary"] = {"rows": len(out), "missing_cells": missing,
                            "unparsable_cells": sum(1 for d in dropped if d["reason"].startswith("unparsable")),
                            "layout": "religion", "file": src.name}
    notes = _footnotes(rows[header_at + 1:])
    if notes:  # numbered notes of the whole table, not of a period (so not attrs["footnotes"])
        out.attrs["notes"] = notes
    return out


def _warn_unknown_force_columns(header: list[str], names: list[str | None], body: list[list[Any]], name: str) -> None:
    """Name the columns of a force table that :func:`read_hate_crime` does not read although they
    hold figures (a strand it does not know, "Alternative subculture", or a rate per 1,000), which
    were left out without a word; text columns (a region, a code) are left out unsaid."""
    unknown = []
    for k, (h, n) in enumerate(zip(header, names)):
        if n is not None or not h.strip():
            continue
        figures = sum(1 for row in body if k < len(row) and _number(row[k])[1] == "ok")
        if figures:
            unknown.append(f"{h.strip()!r} ({number_of(figures, 'figure')})")
    if unknown:
        warn_user(f"read_hate_crime: {name}: {number_of(len(unknown), 'column')} with figures "
                  f"{'is not one' if len(unknown) == 1 else 'are not ones'} this reader knows, so "
                  f"{'it is' if len(unknown) == 1 else 'they are'} not in the table read: {', '.join(unknown[:8])}"
                  f"{' ...' if len(unknown) > 8 else ''}. "
                  "It reads Force, Year, the five monitored strands (Race, Total Religion, Sexual orientation, "
                  "Disability, Transgender), the totals of motivating factors and offences, Population and the "
                  "published rate; read the file with pandas.read_csv to keep the others")


def _add_force_codes(table: pd.DataFrame, name: str) -> None:
    """Insert ``force_code`` (the ONS police force area code, E23.../W15...) after ``force``, matched
    as :func:`saferstats.force_id` matches names ("Devon and Cornwall" = ONS "Devon & Cornwall"), so
    that a join with :func:`saferstats.census_population` on the code cannot silently miss a force
    spelt differently; a force that matches none of the 43 is named in a warning (its code is
    missing)."""
    from .geography import force_codes

    codes = force_codes(table["force"])
    table.insert(table.columns.get_loc("force") + 1, "force_code",
                 pd.Series([codes.get(f) for f in table["force"]], index=table.index, dtype=object))
    unmatched = sorted(k for k, v in codes.items() if v is None)
    if unmatched:
        lines = [int(table.loc[table["force"] == f, "source_line"].iloc[0]) for f in unmatched]
        shown = "; ".join(f"{f!r} (line {ln})" for f, ln in zip(unmatched[:10], lines))
        warn_user(f"read_hate_crime: {name}: {number_of(len(unmatched), 'force name')} "
                  f"match{'es' if len(unmatched) == 1 else ''} none of the 43 police force areas of "
                  f"England and Wales, so {'it has' if len(unmatched) == 1 else 'they have'} no force_code and a "
                  f"join on it gives {'it' if len(unmatched) == 1 else 'them'} no population: {shown}"
                  f"{' ...' if len(unmatched) > 10 else ''} (a national total, British Transport Police, or a name "
                  "spelt another way: see saferstats.force_id)")


def same_population_note(table: pd.DataFrame, name: str, *, population: str = "population", period: str = "period",
                          group: str = "force") -> str | None:
    """What to say when a force table's ``population`` is one figure for every year: the BBC's
    copy of the Home Office table by force (2017-18 and 2018-19) gives each force the same
    population in both years (Hertfordshire 1,184,400), one population estimate for two crime
    years. The rates of the other year are then not on that year's population, and the change in
    a force's rate is the change in its count. None when populations differ between years (or
    there is one year only)."""
    if not {population, period, group} <= set(table.columns):
        return None
    known = table[table[population].notna() & table[period].notna()]
    periods = sorted(set(known[period].astype(str)))
    if len(periods) < 2:
        return None
    spread = known.groupby(group)[population].agg(["nunique", "size"])
    several = spread[spread["size"] > 1]
    same = several[several["nunique"] == 1]
    if not len(several) or len(same) < len(several) / 2:
        return None
    eg = same.index[0]
    eg_pop = float(known.loc[known[group] == eg, population].iloc[0])
    kind = "forces" if group in ("force", "force_code", "force_name") else f"{group} groups"
    return (f"{name}: the population is the same figure in every year ({', '.join(periods)}) for {len(same)} of "
            f"{len(several)} {kind} with a population in more than one year (e.g. {eg} {eg_pop:,.0f}): one population "
            "estimate serves every year, so a rate is not on its own year's population, and the change in a rate is "
            "the change in the count. Give each year's ONS mid-year estimate for rates by year, or say which year the "
            "population is beside the rates")


_FMS_LEVELS = {"lad": ("la_code", "local authority district"), "lsoa": ("lsoa_code", "LSOA")}
#: The kinds of area in FixMyStreet's files, by level: (code pattern, one, several). mySociety's LSOA
#: files hold Scotland's data zones and Northern Ireland's super output areas too, its LAD files
#: Scotland's council areas and Northern Ireland's districts.
_FMS_KINDS = {
    "lsoa": {"england_wales": (r"[EW]01\d{6}", "LSOA of England and Wales", "LSOAs of England and Wales"),
             "scotland": (r"S01\d{6}", "Scottish data zone", "Scottish data zones"),
             "northern_ireland": (r"95[A-Z]{2}\d{2}[SW]\d{1,2}", "Northern Ireland super output area",
                                  "Northern Ireland super output areas")},
    "lad": {"england_wales": (r"(E0[6-9]|W06)\d{6}", "local authority district of England and Wales",
                              "local authority districts of England and Wales"),
            "scotland": (r"S12\d{6}", "Scottish council area", "Scottish council areas"),
            "northern_ireland": (r"N09\d{6}", "Northern Ireland district", "Northern Ireland districts")}}


def _fixmystreet_level(first_row: list[Any]) -> str | None:
    """``"lad"`` or ``"lsoa"`` when ``first_row`` is the header of one of mySociety's FixMyStreet
    count files (``lad|lsoa, SHEF_A_CODE, reports, unique_users, average_per_user``); else None."""
    first = [snake_case(str(c)) if c is not None else "" for c in first_row]
    if "shef_a_code" in first and "reports" in first and ("lad" in first or "lsoa" in first):
        return "lad" if "lad" in first else "lsoa"
    return None


def read_fixmystreet(path: Any, *, category: str = "A29") -> pd.DataFrame:
    """Read mySociety's FixMyStreet count files as published (``fms_geographic_data``:
    ``LAD/all/SHEF_A/<year>.csv`` or ``LSOA/all/SHEF_A/<year>.csv``; columns ``lad`` or ``lsoa``,
    ``SHEF_A_CODE``, ``reports``, ``unique_users``, ``average_per_user``), keeping one category:
    ``"A29"`` (fly-tipping, the default), ``"A28"`` flyposting, ... (mySociety's
    ``CODES_SHEF_A.csv``).

    ``path``: one file, a list of files, or a folder (its ``<year>.csv`` files), as
    :func:`read_street_crime` and :func:`read_mid_year_population` take them. Several years give one
    table (``year`` tells them apart) whose attrs cover every file: ``attrs["dropped"]`` and the
    ``attrs["summary"]`` counts over all of them, ``attrs["fixmystreet"]["notes"]`` each file's
    own note, and one warning saying each file's figures. Read several years this way rather than
    with ``pd.concat`` of one-file tables, which keeps attrs only where every table's are equal
    (never, as each year's figures differ), so the notes and the flag the funnels and trends read
    are lost. Files of LADs and of LSOAs together, two files of one year, or several files not
    named ``<year>.csv`` are refused (:class:`~saferstats.InvalidInputError` naming ``path``).
    A glob pattern (``LAD/all/SHEF_A/20*.csv``) stands for the files it matches, sorted (one matching
    nothing is refused naming it).

    Returns one row per area with a report: ``la_code`` (a LAD file) or ``lsoa_code`` (an LSOA
    file), ``category``, ``year`` (from a file named ``<year>.csv``; missing otherwise),
    ``reports``, ``unique_users``, ``average_per_user`` (as published) and ``single_user`` (True
    where every report came from one user). Method: the published counts, filtered; nothing is
    summed or modelled.

    What the counts are, said in ``df.attrs["fixmystreet"]`` (``counts``, ``users``, ``level``,
    ``codes``, ``zeros_listed``, ``category``) and in a :class:`~saferstats.SaferstatsWarning`:

    * **reports by FixMyStreet users, not incidents**: one user can make many. Dacorum's LSOA
      with the most fly-tipping reports in 2019 (E01023395, 20) had one user, and 57% of the
      LSOAs of England and Wales with a 2019 fly-tipping report (56% of England's) had one user.
      Rank or compare areas on
      ``unique_users`` beside ``reports``; a funnel or trend given ``reports`` with
      ``unique_users`` beside it says so again (:func:`saferstats.funnel_significance`,
      :func:`saferstats.poisson_trend`);
    * **only areas with a report are listed**: the others had none and are absent, not zero
      (add them as 0 before a rate, a rank or a clustering);
    * the LSOA files' codes are **LSOAs 2011** of England and Wales, and also Scotland's data zones
      (``S01...``) and Northern Ireland's super output areas (``95AA01S1``, ``95MM23W1``); the LAD
      files hold Scotland's council areas (``S12...``) and Northern Ireland's districts (``N09...``)
      beside the districts of England and Wales. The warning names each kind with its count (2019
      LSOA file: 8,756 LSOAs of England and Wales, 352 Scottish data zones, 13 Northern Ireland
      super output areas) and gives the single-user share over England and Wales;
      ``attrs["fixmystreet"]["areas"]`` holds the counts (keys ``england_wales``, ``scotland``,
      ``northern_ireland``, ``other``). :func:`saferstats.assign_lsoa21` gives the LSOAs 2021,
      wards and districts of the LSOAs 2011 (the others are ``"not_lsoa"`` to it).

    A row whose ``reports`` or ``unique_users`` is not a whole number, or whose ``unique_users``
    is above its ``reports``, is left out and listed in ``df.attrs["dropped"]``. A ``category``
    with no row in the file is an :class:`~saferstats.InvalidInputError` naming the file's
    categories. Source: mySociety, ``fms_geographic_data`` (ODC-By 1.0).

    >>> import pathlib, tempfile, warnings
    >>> import saferstats
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "2019.csv"
    >>> _ = p.write_text("lsoa,SHEF_A_CODE,reports,unique_users,average_per_user\\n"
    ...                  "E01023395,A29,20,1,20.0\\nE01023398,A29,6,1,6.0\\nE01023400,A29,3,3,1.0\\n"
    ...                  "E01023400,A28,1,1,1.0\\n")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fms = saferstats.read_fixmystreet(p)
    >>> fms[["lsoa_code", "year", "reports", "unique_users", "single_user"]]
       lsoa_code  year  reports  unique_users  single_user
    0  E01023395  2019       20             1         True
    1  E01023398  2019        6             1         True
    2  E01023400  2019        3             3        False
    """
    files = input_files(path, patterns=("[12][0-9][0-9][0-9].csv",), arg="path")
    parts = [_read_fixmystreet_file(src, category) for src in files]
    levels = sorted({info["level"] for _o, info in parts})
    if len(levels) > 1:
        raise InvalidInputError("`path` names FixMyStreet files of different levels (" + ", ".join(
            f"{info['file']}: {info['level']}" for _o, info in parts) + "): read the LAD and the LSOA files apart", "path")
    seen: dict[Any, str] = {}
    for _o, info in parts:
        key = info["year"]
        if key is None and len(parts) > 1:
            raise InvalidInputError(f"`path`: {info['file']} is not named <year>.csv, so its rows could not be told "
                                    "from the other files' (the year column comes from the file name)", "path")
        if key in seen:
            raise InvalidInputError(f"`path`: {seen[key]} and {info['file']} are both {key}: give each year once", "path")
        seen[key] = info["file"]
    level, cat = levels[0], parts[0][1]["category"]
    out = pd.concat([o for o, _i in parts], ignore_index=True) if len(parts) > 1 else parts[0][0]
    out["year"] = out["year"].astype("Int64")
    areas: dict[str, int] = {}
    for _o, info in parts:
        for k, v in info["areas"].items():
            areas[k] = areas.get(k, 0) + v
    names = [info["file"] for _o, info in parts]
    out.attrs["dropped"] = Records([d for _o, info in parts for d in info["dropped"]])
    out.attrs["summary"] = {"file": names[0] if len(names) == 1 else names, "rows": len(out), "category": cat,
                            "reports": int(out["reports"].sum()), "single_user_areas": int(out["single_user"].sum()),
                            "dropped_rows": len(out.attrs["dropped"]), "areas": areas}
    out.attrs["fixmystreet"] = {
        "counts": "reports", "users": "unique_users", "level": level,
        "codes": "LSOA 2011" if level == "lsoa" else "local authority district (as published)",
        "zeros_listed": False, "category": cat, "areas": areas,
        "years": [info["year"] for _o, info in parts], "notes": {info["file"]: info["note"] for _o, info in parts}}
    warn_user("read_fixmystreet: these are reports made by FixMyStreet users, not incidents, and one user can make "
              "many. " + " ".join(info["note"] for _o, info in parts) + " Rank or compare on unique_users beside "
              "reports. Only the areas with a report are listed: the others had none (add them as 0 before a rate, a "
              "rank or a clustering)"
              + ("; the codes are LSOAs 2011: saferstats.assign_lsoa21 gives their LSOAs 2021" if level == "lsoa" else ""))
    return out


def _fms_area_kinds(codes: pd.Series, level: str) -> pd.Series:
    """The kind of each FixMyStreet area code (a key of :data:`_FMS_KINDS`): mySociety's files cover the
    UK, with Scotland's and Northern Ireland's areas beside the LSOAs and districts of England and Wales."""
    kind = pd.Series("other", index=codes.index, dtype=object)
    for name, (pattern, _one, _many) in _FMS_KINDS[level].items():
        kind[codes.str.fullmatch(pattern)] = name
    return kind


def _read_fixmystreet_file(src: Path, category: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One FixMyStreet count file read (no warning), and what :func:`read_fixmystreet` says of it."""
    rows = _read_sheet(src, None, "path") if src.suffix.lower() == ".csv" else []
    level = _fixmystreet_level(rows[0] if rows else [])
    header = [snake_case(str(c)) if c is not None else "" for c in rows[0]] if rows else []
    if level is None or "unique_users" not in header:
        raise InvalidInputError(
            f"{src.name}: not a FixMyStreet count file (mySociety fms_geographic_data, a CSV with the columns lad or "
            f"lsoa, SHEF_A_CODE, reports, unique_users, average_per_user); its first row is {header[:6]}", "path")
    code_col = _FMS_LEVELS[level][0]
    at = {h: k for k, h in enumerate(header)}
    cat = str(category).strip().upper()
    body = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(str(c).strip() for c in r)]

    def cell(r: list[Any], name: str) -> Any:
        return r[at[name]] if name in at and at[name] < len(r) else None

    kept = [(i, r) for i, r in body if str(cell(r, "shef_a_code") or "").strip().upper() == cat]
    if not kept:
        found = sorted({str(cell(r, "shef_a_code") or "").strip() for _i, r in body} - {""},
                       key=lambda c: (len(c), c))
        raise InvalidInputError(f"`category` {category!r} has no row in {src.name}: its SHEF_A_CODE categories are "
                                f"{', '.join(found[:40])} (A29 is fly-tipping, A28 flyposting: mySociety's "
                                "CODES_SHEF_A.csv)", "category")
    m = re.fullmatch(r"(19|20)\d{2}", src.stem)
    year = int(src.stem) if m else None
    records: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for i, r in kept:
        rec: dict[str, Any] = {code_col: str(cell(r, level) or "").strip(), "category": cat, "year": year}
        reason = None
        for name in ("reports", "unique_users", "average_per_user"):
            v, status = _number(cell(r, name))
            rec[name] = v
            if name != "average_per_user" and (status != "ok" or not float(v).is_integer() or v < 0):
                reason = reason or f"{name} is not a whole number"
        if reason is None and rec["unique_users"] > rec["reports"]:
            reason = "unique_users above reports"
        if reason is not None:
            dropped.append({"source_file": src.name, "source_line": i, "column": "reports", "value": cell(r, "reports"),
                            "reason": reason})
            continue
        records.append(rec)
    out = pd.DataFrame.from_records(records, columns=[code_col, "category", "year", "reports", "unique_users",
                                                      "average_per_user"])
    out["year"] = out["year"].astype("Int64")
    out["reports"] = out["reports"].astype(np.int64)
    out["unique_users"] = out["unique_users"].astype(np.int64)
    out["single_user"] = out["unique_users"] == 1
    kinds = _fms_area_kinds(out[code_col], level)
    areas = {k: int((kinds == k).sum()) for k in (*_FMS_KINDS[level], "other") if (kinds == k).any()}
    local = kinds == "england_wales"
    n, n_local, one = len(out), int(local.sum()), int(out["single_user"].sum())
    one_local = int((out["single_user"] & local).sum())
    labels = {**{k: v[2] for k, v in _FMS_KINDS[level].items()}, "other": "other codes"}
    outside = n - n_local
    said = (f"{src.name}: {n:,} areas with a category {cat} report ({int(out['reports'].sum()):,} reports)"
            + (": " + ", ".join(f"{v:,} {labels[k]}" for k, v in areas.items())
               + f" ({outside:,} outside England and Wales)" if outside else f", all {labels['england_wales']}")
            + f"; {one_local:,} of the {n_local:,} {labels['england_wales']} "
            + f"({100 * one_local / n_local if n_local else 0:.0f}%) had one user (single_user)"
            + (f", {one:,} of all {n:,} areas" if outside else ""))
    lone = out[out["single_user"] & local].sort_values("reports", ascending=False, kind="stable")
    if len(lone):
        said += (f"; the {_FMS_KINDS[level]['england_wales'][1]} with the most reports from one user, "
                 f"{lone[code_col].iat[0]}, has {lone['reports'].iat[0]:,}")
    return out, {"file": src.name, "year": year, "level": level, "category": cat, "dropped": dropped,
                 "areas": areas, "note": said + "."}


#: Hertfordshire's residents at the 2011 and 2021 Censuses (1,116,062 and 1,198,832), against which the
#: Home Office table by force's population (1,184,400) is neither Census.
_HERTS_CENSUS = (1116062, 1198832)
#: How :func:`unstated_estimate`'s sentence starts.
UNSTATED_START = ". Which year's mid-year estimate it is is stated neither in the file nor in the bulletin's tables"


def unstated_estimate(table: pd.DataFrame, *, population: str = "population", group: str = "force") -> str:
    """The sentence that ends the population note of the Home Office table by force (one population
    for both years; :func:`read_hate_crime`, :func:`saferstats.datasets.hate_crime_by_force`, and
    any subset of either): which year's mid-year estimate the population is is stated nowhere, and
    it is neither Census. Of Hertfordshire where the rows have it (its Census residents are the
    check: 1,184,400 against 1,116,062 in 2011 and 1,198,832 in 2021), else of the rows' own first
    area ("Essex 1,846,400 here", beside Hertfordshire's check).

    >>> unstated_estimate(pd.DataFrame({"force": ["Essex"], "population": [1832800]})).split(": ", 1)[1]
    'rounded to hundreds (Essex 1,832,800 here; Hertfordshire 1,184,400 is neither Census)'
    """
    herts = "Hertfordshire: 1,116,062 residents in 2011, 1,198,832 in 2021"
    known = table[table[population].notna()] if {population, group} <= set(table.columns) else table.iloc[:0]
    own = known[known[group].astype(str).str.strip() == "Hertfordshire"] if len(known) else known
    at = own if len(own) else known
    if not len(at):
        return f"{UNSTATED_START}: rounded to hundreds, it is neither Census ({herts})"
    area, pop = str(at[group].iloc[0]).strip(), float(at[population].iloc[0])
    if area == "Hertfordshire" and pop not in _HERTS_CENSUS:
        return (f"{UNSTATED_START}: rounded to hundreds, it is neither Census (Hertfordshire {pop:,.0f} here; "
                "1,116,062 residents in 2011, 1,198,832 in 2021)")
    return (f"{UNSTATED_START}: rounded to hundreds ({area} {pop:,.0f} here; Hertfordshire 1,184,400 is neither "
            "Census)")


def set_population_note(table: pd.DataFrame, name: str, *, period: str = "period") -> None:
    """Set the population note of the Home Office table by force (:func:`read_hate_crime`,
    :func:`saferstats.datasets.hate_crime_by_force`) where its population is one figure for every
    year: ``attrs["population_note"]`` (the text, as said) and ``attrs["population_note_parts"]``,
    its parts kept apart so that a subset is said in whole sentences without finding them in the
    text (:func:`saferstats.add_rates`, :func:`saferstats.year_on_year`): ``source`` (``name``),
    ``periods``, ``base`` (:func:`same_population_note`'s words, remade for the rows a subset has)
    and ``extra``, the sentences after it, each ``{"kind", "text"}``: kind ``"unstated_estimate"``
    (:func:`unstated_estimate`, said of a subset's own area) or ``"source"`` (kept as it is), and
    ``areas``, the forces the note is about, so that a table summed over them (``groupby("period")
    .sum()``, which keeps ``attrs``) is not told the forces' note. The
    note is ``base`` followed by ". " and each extra sentence's text. Nothing is set when the
    populations differ between years.

    >>> t = pd.DataFrame({"force": ["Essex", "Essex"], "period": ["2017/18", "2018/19"],
    ...                   "population": [1832800, 1832800]})
    >>> set_population_note(t, "x.csv")
    >>> parts = t.attrs["population_note_parts"]
    >>> parts["periods"], [e["kind"] for e in parts["extra"]]
    (['2017/18', '2018/19'], ['unstated_estimate'])
    >>> t.attrs["population_note"] == parts["base"] + "".join(". " + e["text"] for e in parts["extra"])
    True
    """
    base = same_population_note(table, name, period=period)
    if not base:
        return
    known = table[table["population"].notna() & table[period].notna()]
    extra = [{"kind": "unstated_estimate", "text": unstated_estimate(table).removeprefix(". ")}]
    table.attrs["population_note_parts"] = {"source": name, "periods": sorted(set(known[period].astype(str))),
                                            "base": base, "extra": extra,
                                            "areas": sorted(set(known["force"].astype(str)))
                                            if "force" in table.columns else []}
    table.attrs["population_note"] = base + "".join(f". {e['text']}" for e in extra)


_DEFRA_RENAME = {"year": "period", "ons_code": "la_code", "la_name": "la_name", "region": "region",
                 "total_incidents": "incidents"}


#: Defra's region labels as published in some years -> the ONS region name, so that a region is
#: one series across years (2021/22 prints "Eastern", "E Midlands", "W Midlands"; earlier years
#: "East", "East Midlands", "West Midlands").
_DEFRA_REGIONS = {"East": "East of England", "Eastern": "East of England", "E Midlands": "East Midlands",
                  "W Midlands": "West Midlands", "Yorkshire & The Humber": "Yorkshire and The Humber",
                  "Yorkshire and the Humber": "Yorkshire and The Humber"}


def read_flytipping(path: Any, *, sheet: str = "LA_incidents") -> pd.DataFrame:
    """Read Defra's *Fly-tipping incidents and actions reported by local authorities in England*
    as published: the workbook (``Flytipping.xlsx``, sheet ``LA_incidents`` by default) or a
    CSV export of that sheet. A glob pattern (``data/Flytipping*.xlsx``) names the one file it
    matches (one matching no file, or several, is refused naming it).

    Returns one row per local authority and year: ``period`` (``"YYYY/YY"``), ``la_code`` (the
    ONS code as published — match populations on it, never on the name), ``la_name``,
    ``region`` (the ONS region name: Defra labels the same region differently across years —
    "East", then "Eastern" in 2021/22 — so the published labels are mapped to one name each and
    the mapping applied is in ``df.attrs["summary"]["regions_renamed"]``), ``incidents`` (total
    incidents), then every other published column in snake_case
    (incidents by land type, waste type and size, clearance costs). Regional and England total
    rows (``*Total``, and ``E00000000`` "No relevant LA" rows as ``interim.csv`` writes them) are
    aggregates, not authorities:
    they are left out and counted in ``df.attrs["summary"]["aggregate_rows"]``, and kept as
    published in ``df.attrs["totals"]`` (``period, area, basis, incidents, label, source_line``;
    ``area`` is ``"England"``, the ONS region name, or ``"unallocated"`` for an aggregate row that
    names no region). A table without Defra's ``Region`` column has ``region`` missing. ``:`` and
    other no-figure markers are
    missing (never zero); every such cell, and anything unparsable, is listed in
    ``df.attrs["dropped"]``.

    The England figure to compare an authority with is the sum of the authorities' rows over
    their own residents, on the authorities with a figure that year — not Defra's England row,
    and not a sum over every year's rows for a national trend. Defra's England totals before
    2019/20 are on another basis from its authority rows: 2017/18, with all 326 authorities
    published, England is 997,612 and its authorities add up to 894,789; 2018/19 has two England
    rows, ``basis`` ``"original"`` (1,072,468) and ``"comparable with 2019/20"`` (957,157, which its
    authorities' rows match). And the authorities with no figure change from year to year (ten in
    2015/16, Hackney in 2021/22), so a national sum falls and rises with them: sum a national
    series over the authorities published in every year of it.

    A file without Defra's ``Reporting basis`` column that has years from 2019/20 (an export of the
    sheet's first columns, such as ``interim.csv``) gets a :class:`~saferstats.SaferstatsWarning`:
    the councils not counting all incidents cannot be named from it
    (``df.attrs["summary"]["reporting_basis_published"]`` is False).

    Each council counts what it records, so some counts are not like for like. ``recording_note``
    (``""`` when there is nothing to say) names a year not counted on the "All incidents" basis
    (Defra's ``Reporting basis``, published from 2019/20: e.g. "Customer/public reported only") and
    a year whose count changed 4-fold or more on the year before with 100 or more incidents in
    one of them — a change in recording far more often than in fly-tipping (Reigate and Banstead:
    524 in 2019/20, 10,530 in 2020/21). The boolean columns ``not_all_incidents`` and
    ``recording_step`` flag the same rows; both lists are in ``df.attrs["summary"]``
    (``not_all_incidents``, ``recording_steps``) and a :class:`~saferstats.SaferstatsWarning`
    counts them: leave those years out of a trend or a comparison, or say why not. The funnel
    functions read these columns when given the table (``funnel_significance("incidents",
    "population", data=ft, ...)``, :func:`saferstats.peer_compare`) and name the flagged councils;
    ``df.attrs["not_like_for_like"]`` (and ``attrs["incidents_as_read"]``) let them do so for a
    column passed as a Series while its row labels are the ones read.

    Defra's incidents by size (single black bag to significant/multi loads) do not add up to the
    total for about a third of authority-years (90 in 2021/22: Adur 404 of 845), and by land or
    waste type for a few: ``sizes_not_total`` flags the first, ``df.attrs["summary"]
    ["breakdowns_not_total"]`` lists all three (``size``, ``land``, ``waste``) and a
    :class:`~saferstats.SaferstatsWarning` counts them — shares of such a breakdown are of the
    incidents it classifies, not of all incidents.

    >>> import saferstats
    >>> ft = saferstats.read_flytipping(saferstats.datasets.flytipping_table_path())
    >>> row = ft[(ft.la_name == "Stevenage") & (ft.period == "2021/22")]
    >>> row[["la_code", "incidents"]].to_dict("records")
    [{'la_code': 'E07000243', 'incidents': 3223.0}]
    """
    src = _one_file(path, "path")
    rows = _read_sheet(src, sheet if src.suffix.lower() != ".csv" else None, "path")
    header_at = None
    for i, row in enumerate(rows[:30]):
        cells = [snake_case(str(c)) if c is not None else "" for c in row]
        if "ons_code" in cells and "total_incidents" in cells:
            header_at = i
            break
    if header_at is None:
        actions = any("ons_code" in cells and "total_actions" in cells
                      for cells in ([snake_case(str(c)) if c is not None else "" for c in row] for row in rows[:30]))
        if actions:  # Defra's enforcement actions sheet: same layout, another measure
            raise InvalidInputError(
                f"{src.name}{f' (sheet {sheet!r})' if src.suffix.lower() != '.csv' else ''} is Defra's enforcement "
                "actions table (LA_actions: 'Total Actions'); read_flytipping reads the incidents table: the workbook's "
                "sheet 'LA_incidents' (the default) or its CSV export, DERIVED_Flytipping_LA_incidents.csv",
                "sheet" if src.suffix.lower() != ".csv" else "path")
        level = _fixmystreet_level(rows[0] if rows else [])
        if level is not None:
            # mySociety's FixMyStreet counts (fms_geographic_data): reports, not Defra's incidents
            raise InvalidInputError(
                f"{src.name} is a FixMyStreet count file (mySociety fms_geographic_data: reports made on FixMyStreet "
                f"per {'local authority district' if level == 'lad' else 'LSOA'} and category, column {level!r}), not "
                "Defra's fly-tipping table, which read_flytipping reads. Read it with saferstats.read_fixmystreet(path) "
                "(its rows where SHEF_A_CODE == 'A29', fly-tipping, by default): its counts are reports by FixMyStreet users (unique_users says "
                "how many made them; one user can make many: Dacorum's LSOA with the most in 2019, 20, had one), not "
                "incidents, so rank areas on unique_users beside reports, and only the areas with a report are "
                "listed (add the others as 0"
                + ("; its LSOA codes are LSOAs 2011, and saferstats.assign_lsoa21 gives their LSOAs 2021 and "
                   "districts" if level == "lsoa" else "") + ")", "path")
        raise InvalidInputError(f"{src}: not the Defra fly-tipping LA table: no header row with 'ONS Code' and "
                                "'Total Incidents' in the first 30 rows", "path")
    header = [snake_case(str(c)) if c is not None else "" for c in rows[header_at]]
    names = [_DEFRA_RENAME.get(h, h) for h in header]
    text_cols = {"period", "la_code", "la_name", "region"}
    body = [(i, row) for i, row in enumerate(rows[header_at + 1:], start=header_at + 2)
            if any(str(c).strip() for c in row if c is not None)]
    # a column none of whose published cells is a number (e.g. "Reporting basis") is text
    for k, name in enumerate(names):
        if name and name not in text_cols:
            parsed = [_number(row[k])[1] for _i, row in body if k < len(row)]
            if "ok" not in parsed and "unparsable" in parsed:
                text_cols.add(name)
    records = []
    dropped: list[dict[str, Any]] = []
    aggregates = 0
    totals: list[dict[str, Any] | None] = []
    for i, row in body:
        rec: dict[str, Any] = {}
        problems: list[dict[str, Any]] = []
        for name, cell in zip(names, row):
            if not name:
                continue
            if name in text_cols:
                text = " ".join(str(cell if cell is not None else "").split())
                key = name in ("period", "la_code", "la_name", "region")
                rec[name] = None if not key and text.lower() in NO_FIGURE else text
            else:
                v, status = _number(cell)
                if status != "ok":
                    problems.append({"source_file": src.name, "source_line": i, "column": name, "value": cell,
                                  "reason": "no figure published" if status == "missing" else f"unparsable {name}"})
                rec[name] = v
        code = rec.get("la_code", "")
        if code.startswith("*") or code in ("", "E00000000") or rec.get("la_name", "").startswith("*"):
            aggregates += 1
            totals.append(_flytipping_total(rec, i))
            continue
        label = period_label(rec.get("period", ""))
        if label is None:
            dropped.append({"source_file": src.name, "source_line": i, "column": "period", "value": rec.get("period"),
                            "reason": "not a financial year (row left out)"})
            continue
        dropped.extend(problems)
        rec["period"] = label
        rec["source_line"] = i
        records.append(rec)
    out = pd.DataFrame.from_records(records)
    if "region" not in out.columns:  # a table of Defra's columns without Region (KeyError: 'region')
        out["region"] = pd.Series([None] * len(out), dtype=object)
    first = ["period", "la_code", "la_name", "region", "incidents"]
    out = out[first + [c for c in out.columns if c not in first]]
    published = out["region"]
    out["region"] = published.map(lambda r: _DEFRA_REGIONS.get(r, r))
    changed = published != out["region"]
    renamed = {str(a): str(b) for a, b in zip(published[changed], out["region"][changed])}
    notes, basis, steps = _flytipping_recording(out)
    out["recording_note"] = notes
    out["not_all_incidents"] = [n.startswith("reporting basis:") for n in notes]
    out["recording_step"] = ["change in recording" in n for n in notes]
    short = _flytipping_breakdowns(out)
    out["sizes_not_total"] = out.index.isin([r["row"] for r in short.get("size", [])])
    # .attrs are set once, at the end: pandas deep-copies a frame's attrs into every column taken
    # (out["incidents"]), and these records made read_flytipping spend most of its time copying them
    attrs: dict[str, Any] = {}
    attrs["dropped"] = Records(dropped)
    attrs["totals"] = Records(t for t in totals if t is not None)
    attrs["summary"] = {"rows": len(out), "aggregate_rows": aggregates,
                            "missing_cells": sum(1 for d in dropped if d["reason"] == "no figure published"),
                            "unparsable_cells": sum(1 for d in dropped if d["reason"].startswith("unparsable")),
                            "regions_renamed": renamed, "file": src.name,
                            "not_all_incidents": basis, "recording_steps": steps,
                            "breakdowns_not_total": {k: Records(v) for k, v in short.items()}}
    # the rows a funnel of these counts must not mix in silently (saferstats.funnel_significance
    # reads this from a column of this frame: its row label, and its count to check the label)
    # (each column taken once: out[col] for every row made a Series per row, 17,000 on Defra's table)
    cols = {c: out[c].to_list() for c in ("la_code", "la_name", "period", "incidents", "recording_note",
                                           "not_all_incidents", "recording_step")}
    attrs["not_like_for_like"] = Records(
        {"row": plain(lab), "la_code": cols["la_code"][k], "la_name": cols["la_name"][k],
         "period": cols["period"][k], "incidents": float(cols["incidents"][k]), "column": col,
         "note": cols["recording_note"][k]}
        for col in ("not_all_incidents", "recording_step") for k, lab in enumerate(out.index) if cols[col][k])
    # each row's count as read, by row label (0, 1, ...), so that a column taken from a frame derived
    # from this one can be told to still carry these labels (filtered, sorted) or not (reset_index)
    attrs["incidents_as_read"] = Records([FrozenColumn(out["incidents"].to_numpy(dtype=float))])
    late = sorted({p for p in out["period"] if p >= "2019/20"})
    attrs["summary"]["reporting_basis_published"] = "reporting_basis" in out.columns
    if late and "reporting_basis" not in out.columns:
        # an export without Defra's "Reporting basis" column (interim.csv): the councils counting only
        # public reports (99 authority-years to 2021/22) cannot be told, so nothing would be said
        warn_user(f"read_flytipping: {src.name} has no 'Reporting basis' column, which Defra publishes from 2019/20 "
                  f"({late[0]} to {late[-1]} here): the councils that counted only customer/public reports, or changed "
                  "what they count, cannot be named (not_all_incidents is False for every row), and their figures are "
                  "not like for like with the others; read Defra's workbook (sheet LA_incidents) instead")
    if basis or steps:
        # a file without the Reporting basis column (interim.csv) cannot say how many are not on the
        # 'All incidents' basis: "0 authority-years are not counted ..." would read as none
        said = ([f"{number_of(len(basis), 'authority-year')} {'is' if len(basis) == 1 else 'are'} not counted on "
                 "Defra's 'All incidents' basis"] if basis else []) + (
            [f"{number_of(len(steps), 'count')} changed {_STEP:g}-fold or more on the previous year published "
             f"(e.g. {steps[0]['la_name']} {steps[0]['previous']:,.0f} to {steps[0]['incidents']:,.0f} in "
             f"{steps[0]['period']}) — recording changes, not trends, until the council says otherwise"] if steps else [])
        warn_user(f"read_flytipping: {' and '.join(said)}. They are named in the recording_note column, listed in "
                  ".attrs['summary']; compare them with care")
    if short:
        size = short.get("size", [])
        latest = max(out["period"]) if len(out) else ""
        in_latest = [r for r in size if r["period"] == latest][:4]  # the year is said once, before them
        eg = ", ".join(f"{r['la_name']}{'' if in_latest else ' ' + str(r['period']) + ':'} {r['sum']:,.0f} of "
                       f"{r['incidents']:,.0f}" for r in in_latest or size[:4])
        other = "; ".join(f"by {_BREAKDOWN_WORDS[k]} in {len(v)} ("
                          + ", ".join(str(r["la_name"]) + " " + str(r["period"]) for r in v[:3]) + ")"
                          for k, v in short.items() if k != "size")
        warn_user(f"read_flytipping: Defra's incidents by size (single black bag to significant/multi loads) do not add "
                  f"up to the total incidents for {number_of(len(size), 'authority-year')}"
                  + (f" ({sum(r['period'] == latest for r in size)} in {latest}: {eg})" if size else "")
                  + (f"; {other}" if other else "") + ": shares of a breakdown are of the incidents it classifies, "
                  "not of all incidents, and do not add up to the total. The rows are flagged in sizes_not_total, "
                  "listed in .attrs['summary']['breakdowns_not_total']; say so beside any shares")
    out.attrs.update(attrs)
    return out


#: Defra's breakdowns of the total incidents, as read_flytipping names their columns.
_BREAKDOWNS = {
    "size": ("single_black_bag_incidents", "single_item_incidents", "car_boot_or_less_incidents",
             "small_van_load_incidents", "transit_van_load_incidents", "tipper_lorry_load_incidents",
             "significant_multi_loads_incidents"),
    "land": ("highway_incidents", "footpath_bridleway_incidents", "back_alleyway_incidents", "railway_incidents",
             "council_land_incidents", "agricultural_incidents", "private_residential_incidents",
             "commercial_industrial_incidents", "watercourse_bank_incidents", "other_unidentified_incidents"),
    "waste": ("animal_carcass_incidents", "green_incidents", "vehicle_parts_incidents", "white_goods_incidents",
              "other_electrical_incidents", "tyres_incidents", "asbestos_incidents", "clinical_incidents",
              "constr_demol_excav_incidents", "black_bags_commercial_incidents", "black_bags_household_incidents",
              "chemical_drums_oil_fuel_incidents", "other_household_waste_incidents",
              "other_commercial_waste_incidents", "primary_waste_type_measures_other_unidentified_incidents"),
}
_BREAKDOWN_WORDS = {"size": "size", "land": "land type", "waste": "waste type"}


def _flytipping_breakdowns(ft: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The authority-years whose incidents by size, land type or waste type (every column of the
    breakdown published) do not add up to their total incidents, per breakdown: Defra's sizes fall
    short of the total for about 90 authorities a year (2021/22: Adur 404 of 845), so shares by size
    are of the incidents sized. Each: ``row`` (the frame's label), ``la_code``, ``la_name``,
    ``period``, ``incidents``, ``sum``."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, cols in _BREAKDOWNS.items():
        if not all(c in ft.columns for c in cols):
            continue
        parts = ft[list(cols)].to_numpy(dtype=float)
        total = ft["incidents"].to_numpy(dtype=float)
        complete = np.isfinite(parts).all(axis=1) & np.isfinite(total)
        sums = np.where(complete, parts.sum(axis=1) if parts.size else 0.0, np.nan)
        off = np.flatnonzero(complete & (np.abs(sums - total) >= 0.5))
        if off.size:
            out[name] = [{"row": plain(ft.index[k]), "la_code": ft["la_code"].iat[k], "la_name": ft["la_name"].iat[k],
                          "period": ft["period"].iat[k], "incidents": float(total[k]), "sum": float(sums[k])}
                         for k in off]
    return out


def _flytipping_total(rec: dict[str, Any], line: int) -> dict[str, Any] | None:
    """One of Defra's aggregate rows as published, for ``attrs["totals"]``: ``period``, ``area``
    (``"England"``, the ONS region name, or ``"unallocated"``), ``basis`` (Defra's note in brackets:
    2018/19 has an England total ``"original"`` and one ``"comparable with 2019/20"``; else ``""``),
    ``incidents``, ``label`` (the Region cell as published) and ``source_line``; None for a row
    whose year is not a financial year."""
    label = period_label(rec.get("period", ""))
    if label is None:
        return None
    text = str(rec.get("region") or "")
    m = re.match(r"^\*?\s*(?:Total\s+)?(?P<area>[^()]*?)\s*(?:\((?P<basis>[^)]*)\))?\s*$", text)
    area = m.group("area").strip() if m else text
    if rec.get("la_code") == "E00000000" and not area:
        # Defra's interim.csv writes its regional and England totals as "E00000000, No relevant LA"
        # with the region named (2012-13 "East": 56,484, the East's councils' sum): a region's total,
        # like a "*Total" row; only a row that names no region is unallocated
        area = "unallocated"
    return {"period": label, "area": _DEFRA_REGIONS.get(area, area), "basis": (m.group("basis") or "").strip() if m else "",
            "incidents": rec.get("incidents", np.nan), "label": text, "source_line": line}


#: A year-on-year change at least this many fold (up or down), with 100 or more incidents in one of
#: the two years, is flagged as a possible change in recording (docs/methods/trends.md A5, recording).
_STEP = 4.0


def _flytipping_recording(ft: pd.DataFrame) -> tuple[list[str], list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``recording_note`` per row, the authority-years not on the 'All incidents' basis, and the
    steps: Defra's counts are what each council records, and a council that starts counting
    proactive clearances (Reigate and Banstead: 524 in 2019/20, 10,530 in 2020/21) or counts only
    public reports (the 'Reporting basis' column, published from 2019/20) is not comparable with
    its own past or with its neighbours."""
    notes = [""] * len(ft)
    basis: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    if "reporting_basis" in ft.columns:
        for i, b in enumerate(ft["reporting_basis"].tolist()):
            if isinstance(b, str) and b and b.lower() != "all incidents":
                notes[i] = f"reporting basis: {b}"
                basis.append({"la_code": ft["la_code"].iat[i], "la_name": ft["la_name"].iat[i],
                              "period": ft["period"].iat[i], "reporting_basis": b})
    order = ft.sort_values(["la_code", "period"], kind="stable").index
    pos = {lab: k for k, lab in enumerate(ft.index)}
    prev: tuple[str, float] | None = None
    for lab in order:
        k = pos[lab]
        code, n = ft["la_code"].iat[k], float(ft["incidents"].iat[k])
        if prev is not None and prev[0] == code and np.isfinite(n) and np.isfinite(prev[1]):
            lo, hi = sorted((prev[1], n))
            if hi >= 100 and (lo == 0 or hi / lo >= _STEP):
                fold = f"{hi / lo:.1f}-fold" if lo else "from or to zero"
                text = f"{'up' if n > prev[1] else 'down'} {fold} on the previous year published: a change in recording?"
                notes[k] = f"{notes[k]}; {text}" if notes[k] else text
                steps.append({"la_code": code, "la_name": ft["la_name"].iat[k], "period": ft["period"].iat[k],
                              "previous": prev[1], "incidents": n})
        if prev is None or prev[0] != code or np.isfinite(n):  # a year with no figure is skipped: the step is
            prev = (code, n)  # on the previous year *published* (Redbridge: 2016/17 and 2018/19 have none)
    return notes, basis, steps



# ------------------------------------------------------------------------------------------------
# Population denominators as published: Census 2021 TS021 by local authority, ONS mid-year estimates

#: Header names (snake_case) of the local authority code and name in the TS021 tables read.
_CENSUS_CODE_COLUMNS = ("area_code", "ltla21_code", "la_code", "lad21cd", "geography_code", "lsoa21_code", "lsoa_code",
                        "lsoa21cd")
#: The five broad groups of Census 2021 TS021, as census_population gives them.
_CENSUS_BROAD = ("Asian", "Black", "Mixed", "Other", "White")
#: An LSOA code of England and Wales (2011 or 2021).
_LSOA_CODE = re.compile(r"[EW]01\d{6}")
_CENSUS_NAME_COLUMNS = ("area_name", "ltla21_name", "la", "la_name", "lad21nm", "geography", "lsoa21_name", "lsoa_name",
                        "lsoa21nm")
#: Labels of a TS021 table's total row (left out, counted as an aggregate row).
_CENSUS_TOTALS = ("total", "all usual residents", "total: all usual residents")
#: Local authority codes (GSS): unitary, non-metropolitan district, metropolitan district, London
#: borough, Welsh principal area. Other areas in a mid-year file (England, regions, counties) are
#: aggregates.
_LA_CODE = re.compile(r"^(E06|E07|E08|E09|W06)\d{6}$")


def _census_labels() -> list[str]:
    """The 19 ONS Census 2021 TS021 group labels (``"Broad: Detailed"``), from the bundled table."""
    from .geography import bundled_table

    return [c for c in bundled_table("census2021_detailed_la24.csv.gz").columns if ":" in c]


def _census_layout(header: list[str], labels: list[str]) -> tuple[str, dict[str, int]] | None:
    """("long" | "wide", {role: column position}) of a TS021 table's header, or None."""
    snake = [snake_case(str(h or "").strip()) for h in header]
    pos = {s: i for i, s in enumerate(snake)}
    code = next((c for c in _CENSUS_CODE_COLUMNS if c in pos), None)
    if code is None:
        return None
    name = next((c for c in _CENSUS_NAME_COLUMNS if c in pos and c != code), None)
    roles = {"code": pos[code], **({"name": pos[name]} if name is not None else {})}
    if "ethnic_group" in pos and "value" in pos:
        roles.update(group=pos["ethnic_group"], value=pos["value"])
        roles.update({k: pos[k] for k in ("period", "measure") if k in pos})
        return "long", roles
    # Nomis's bulk download prefixes every column "Ethnic group: "
    stripped = {re.sub(r"^Ethnic group:\s*", "", str(h or "").strip()): i for i, h in enumerate(header)}
    if all(lab in stripped for lab in labels):
        roles.update({lab: stripped[lab] for lab in labels})
        return "wide", roles
    # the five broad groups, one column each (humaniverse/demographr's LSOA table, pivoted from Nomis's)
    if all(g.lower() in pos for g in _CENSUS_BROAD):
        roles.update({g: pos[g.lower()] for g in _CENSUS_BROAD})
        total = next((c for c in ("total_residents", "total", "all_usual_residents") if c in pos), None)
        roles.update({"total": pos[total]} if total is not None else {})
        return "broad", roles
    return None


#: Labels of the Census 2011 ethnic group table (ONS QS201EW), which Census 2021 spells otherwise
#: ("English, Welsh, Scottish, Northern Irish or British", "Mixed or Multiple ethnic groups", ...).
_CENSUS_2011_LABELS = re.compile(r"English/Welsh/Scottish/Northern Irish/British|Mixed/multiple ethnic group|"
                                 r"Asian/Asian British|Black/African/Caribbean/Black British", re.IGNORECASE)


def _census_2011_hint(cells: list[Any]) -> str:
    """What to call for a Census 2011 table (its QS201EW labels among ``cells``), as a sentence
    for :func:`read_census_ethnicity`'s refusal; "" when nothing reads as 2011."""
    said = next((str(c) for c in cells if c is not None and _CENSUS_2011_LABELS.search(str(c))), None)
    if said is None:
        return ""
    heads = [str(c or "").strip().lower() for c in cells]
    by_la = any(h.startswith(("geography", "lad", "la_", "local authority")) or h in ("la", "area_code") for h in heads)
    level = "force" if not by_la and any(re.search(r"\bpfa|force", h) for h in heads) else "la"
    return (f". This is a Census 2011 table (ONS QS201EW's labels: {said!r}), and read_census_ethnicity reads Census "
            f"2021 (TS021) only: for Census 2011 residents by ethnic group call "
            f"saferstats.census_population({level!r}, census=2011) (the 2011 table bundled, by 'force', 'la' or "
            "'csp'), or saferstats.census_population() for Census 2021")


def _police_defined_hint(cells: list[Any]) -> str:
    """What a table of police-defined ethnic groups is, and what to use instead, as a sentence for
    :func:`read_census_ethnicity`'s refusal; "" for any other header. Resistance Lab's
    ``police-defined-demographics.csv`` (``Police force, White, Black (or Black British), Asian (or
    Asian British), Chinese, Mixed, Other``) is Census 2011 residents by force regrouped into the
    police's older categories, with Chinese apart from Asian.

    >>> _police_defined_hint(["Police force", "White", "Black (or Black British)", "Chinese"])[:46]
    '. This is a table of police-defined categories'
    >>> _police_defined_hint(["area_code", "ethnic_group", "value"])
    ''
    """
    heads = [" ".join(str(c or "").split()) for c in cells]
    lower = [h.lower() for h in heads]
    if "chinese" not in lower or not any(h.startswith("black") for h in lower) or _CENSUS_2011_LABELS.search(
            " ".join(heads)):
        return ""
    groups = [h for h in heads if h.lower().startswith(("white", "black", "asian", "chinese", "mixed", "other"))]
    area = next((h for h in heads if re.search(r"force|pfa", h, re.IGNORECASE)), None)
    return (f". This is a table of police-defined categories ({', '.join(groups)}{f', by {area!r}' if area else ''}: "
            "Census 2011 residents regrouped as the police once grouped ethnicity, Chinese apart from Asian), not a "
            "Census table that read_census_ethnicity reads, and no saferstats reader takes it as it is. For Census 2011 "
            "residents by force in the five groups police.uk's searches are in (Chinese in Asian) call "
            "saferstats.census_population('force', census=2011) (the same Census, bundled), or "
            "saferstats.census_population('force') for Census 2021; to use this file itself, read it with "
            "pandas.read_csv, add Chinese to Asian and melt it to one row per force and group")


def _refuse_cell(src: Path, line: int, column: str, value: Any, why: str) -> InvalidInputError:
    return InvalidInputError(f"{src}, line {line}, column {column!r}: {value!r} {why}", column, line)


#: A published cell that is a plain count: 1 to 12 ASCII digits (sums of 19 exact in a float), and
#: nothing else but a point and zeros after them (``"278.0"``, as ONS's table by authority writes them).
_PLAIN_COUNT = re.compile(r"[0-9]{1,12}(\.0*)?")


def _plain_counts(cells: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(values, plain) of one column of a Census table's cells, read at once: ``plain`` where the
    cell is text of 1 to 12 ASCII digits and nothing else (or only a point and zeros after them:
    ``"278.0"``), which :func:`_number` reads as that whole number of 0 or more, its value in
    ``values``; every other cell (NaN in ``values``: a thousands separator, a footnote marker, a
    no-figure mark, a blank, a number from a workbook) is left for :func:`read_census_ethnicity`'s
    cell-by-cell path, whose rules and messages apply to it. Converting the 214,032 cells of TS021
    by LSOA one at a time was most of its read.

    >>> v, ok = _plain_counts(["12", "0", "278.0", "1,234", "7\u00b9", "[c]", "2.5", None, 5])
    >>> v[:3].tolist(), ok.tolist()
    ([12.0, 0.0, 278.0], [True, True, True, False, False, False, False, False, False])
    """
    try:  # most often every cell of the column is plain: one check of them all
        joined = "".join(cells)
        if joined.isascii() and joined.isdigit() and cells and min(map(len, cells)) >= 1 and max(map(len, cells)) <= 12:
            return np.array(cells, dtype=np.float64), np.ones(len(cells), bool)
    except TypeError:  # a cell that is no text (None, a number from a workbook)
        pass
    plain = np.fromiter((type(c) is str and _PLAIN_COUNT.fullmatch(c) is not None for c in cells), bool, len(cells))
    values = np.full(len(cells), np.nan)
    if plain.any():
        values[plain] = np.array([c for c, ok in zip(cells, plain) if ok], dtype=np.float64)
    return values, plain


def _census_places(codes: list[str]) -> pd.DataFrame:
    """Where each local authority code of a Census 2021 table is (index: the code): ``la``, ``csp``,
    ``csp_code``, ``force``, ``csp_split`` as :func:`census_population` ("la") gives them, for
    December 2024 authorities; for a district of 2021 merged since (Allerdale, E07000026, into
    Cumberland) its own CSP and its successor's force, with ``successor_code``; ``boundary_note``
    as ``census_population(detailed=True)``'s. Other codes: all missing."""
    from .geography import area_names, bundled_table, census_population

    now = census_population("la").drop_duplicates("la_code").set_index("la_code")
    former = bundled_table("census2021_former_la.csv.gz").set_index("la_code")
    notes = dict(zip(*(bundled_table("census2021_detailed_la24.csv.gz")[k] for k in ("la21_code", "boundary_note"))))
    # each table read once into dicts: a .loc a code, and the CSP names built again for each merged
    # district, were most of this function's time (0.9 s of level="csp" on the table of 331 codes)
    at_now = {k: dict(zip(now.index, now[k])) for k in ("la", "csp", "csp_code", "force", "csp_split")}
    at_former = {k: dict(zip(former.index, former[k])) for k in ("la", "csp_code", "successor_code", "successor",
                                                                 "abolished")}
    csp_names = area_names("csp")
    rows: list[tuple[Any, ...]] = []
    for c in codes:
        if c in at_now["la"]:
            note = notes.get(c, "")
            rows.append((c, at_now["la"][c], at_now["csp"][c], at_now["csp_code"][c], at_now["force"][c],
                         bool(at_now["csp_split"][c]), "", "" if pd.isna(note) else note))
        elif c in at_former["la"]:
            succ = str(at_former["successor_code"][c])
            rows.append((c, at_former["la"][c], csp_names.get(at_former["csp_code"][c]), at_former["csp_code"][c],
                         at_now["force"].get(succ), False, succ,
                         f"a 2021 district, merged into {at_former['successor'][c]} ({succ}) on {at_former['abolished'][c]}"))
        else:
            rows.append((c, None, None, None, None, None, "", "not a local authority code of 2021 or December 2024"))
    return pd.DataFrame(rows, columns=["la_code", "la", "csp", "csp_code", "force", "csp_split", "successor_code",
                                       "boundary_note"]).set_index("la_code")


def read_census_ethnicity(path: Any, *, level: str = "la", detailed: bool = False,
                          sheet: str | None = None) -> pd.DataFrame:
    """Read a Census 2021 ethnic group table (ONS TS021, 19 groups) by local authority as published,
    into the long table :func:`census_population` gives for the bundled England and Wales figures.

    A glob pattern (``data/*ts021*.csv``) names the one file it matches (one matching no file, or
    several, is refused naming it). Two layouts are recognised from the header (CSV, or ``sheet=``
    of an ODS/XLSX workbook):

    * **long**, one row per authority and group: ``area_code, ethnic_group, value`` (with
      ``area_name``, ``period``, ``measure`` where given), as Trafford Data Lab publishes TS021 for
      the ten Greater Manchester authorities (``2021_population_ethnic_group_la_gm.csv``); rows
      whose ``measure`` is not ``Count`` (percentages) are left out and counted;
    * **wide**, one row per authority: a code column (``ltla21_code``, ``la_code``, ``area_code``,
      ``LAD21CD``, ``geography code``), a name column, and the 19 ONS columns ``"Broad: Detailed"``
      (the England and Wales table ``ts021_ethnic_group_detailed_ltla21.csv``; Nomis's bulk
      ``census2021-ts021-ltla.csv``, whose columns start ``"Ethnic group: "``: its total and broad
      columns are not read, the broad groups are summed from the 19);
    * **broad**, one row per LSOA 2021 (``level="lsoa"`` only): a code column (``lsoa21_code``,
      ``lsoa_code``, ``LSOA21CD``) and the five broad groups ``asian, black, mixed, white, other``
      (any case), with ``total_residents`` checked against their sum where given: the England and
      Wales LSOA table ``ts021_ethnic_group_lsoa21.csv`` (humaniverse/demographr, from Nomis's
      bulk TS021). Nomis's own LSOA file (``census2021-ts021-lsoa.csv``, the 19 groups with
      ``geography code``) is read at ``level="lsoa"`` too.

    A table of any other layout is refused (:class:`~saferstats.SaferstatsError` naming the file,
    its columns and the columns expected), and so is anything that would make a denominator
    silently wrong: a group label that is none of the 19 (a 2011 table, or a typo; a Census 2011
    table, known by ONS QS201EW's labels, is refused with the call that gives its residents:
    ``census_population("force", census=2011)``, or ``"la"``), a count that is
    not a whole number of at least 0, an authority and group given twice, an authority missing
    any of the 19 groups, or a ``period`` that is not 2021. A total row ("Total: All usual
    residents") is an aggregate: left out and counted in ``.attrs["summary"]["aggregate_rows"]``.

    Returns (the columns of :func:`census_population` at the same level):

    * ``level="la"`` (default): ``la, la_code, csp, csp_code, force, csp_split, ethnicity,
      population, census``: the five broad groups (White, Black, Asian, Mixed, Other), each the sum
      of its detailed groups by the same mapping as ``census_population(detailed=True)``'s
      ``broad`` (ONS's own: Other is "Other ethnic group: Arab" and "Any other ethnic group");
      ``csp``, ``csp_code``, ``force`` from the ONS December 2024 lookup; a district of 2021 merged
      since (Allerdale, E07000026, now in Cumberland) keeps its own code and CSP, with its
      successor's force; a code that is neither has them missing, and a warning names it;
    * ``detailed=True``: ``la, la_code, force, boundary_note, broad, ethnicity, population,
      census``, the 19 groups as published (``boundary_note`` as :func:`census_population`'s, for
      the file's codes);
    * ``level="csp"``: ``csp, csp_code, force, ethnicity, population, census``, the authorities
      summed to their Community Safety Partnership (ONS December 2024 lookup; South Nottinghamshire
      is Broxtowe, Gedling and Rushcliffe), to set searches placed by ``by="csp"`` against (an
      authority table has several rows per such CSP). A CSP the file covers in part, or that
      is part of an authority split across CSPs (BCP, Buckinghamshire, North and West
      Northamptonshire, East Suffolk at 2021 codes: the England and Wales table's 15 CSPs
      Bournemouth, Poole, Dorset, Aylesbury Vale, ... Wycombe, Corby, ... Waveney, 2,362,267
      residents by LSOA counts), would be short: it is left out, a warning names each with its
      residents and what it lacks, and ``.attrs["dropped"]`` has the file's line of each authority
      in it (``csp``, ``csp_code``, ``csp_residents``, ``lacking``, ``reason``); an authority table cannot split
      an authority, so for them read the table by LSOA with ``level="csp"``. The former districts
      of Cumberland and Westmorland and Furness are in the file, so their CSPs are whole. An LSOA
      table (``ts021_ethnic_group_lsoa21.csv``) at this level has each LSOA summed into the CSP
      the ONS lookup of ``census_population("lsoa")`` places it in: all 314 CSPs (a code that is
      no LSOA 2021 is refused, as it would be in no CSP);
    * ``level="lsoa"`` (an LSOA table; an LSOA table at level ``"la"`` or ``"force"``, or an
      authority table at this one, is refused naming ``level``): ``lsoa, lsoa_code, ward, ward_code, la, la_code, csp,
      csp_code, force, ethnicity, population, census``, as ``census_population("lsoa")``: the five
      broad groups of each LSOA 2021, placed by the ONS lookup that table uses (a code that is no
      LSOA 2021 keeps its row, its places missing, and a warning names it). An authority's LSOAs
      summed can differ by a few residents from its row of the authority table (ONS perturbed each
      table apart): Stevenage's 89,498 are the same in both; Dacorum's LSOAs hold 155,087, its
      authority row 155,081;
    * ``level="force"``: ``force, force_name, force_code, ethnicity, population, census``, the
      authorities summed to their police force area, for forces whose authorities are all in the
      file (a force the file covers in part is refused, naming the authorities missing). The
      England and Wales table gives all 43 forces (59,597,578 residents); as its counts are at 2021
      boundaries, Northamptonshire has 1,914 residents more and Thames Valley 1,914 fewer than at
      2024 boundaries (one LSOA moved to Cherwell): a warning says so.

    ``census`` is 2021 and ``.attrs["census"]`` too, so :func:`saferstats.disproportionality` says
    "Census 2021 usual residents" in its ``denominator`` column; ``.attrs`` also has ``table``,
    ``source_file``, ``total`` (the file's sum), ``total_note``, ``dropped`` and ``summary``.

    Method: sums of the published counts. ONS perturbed the Census 2021 tables for disclosure
    control table by table, so a broad group here can differ by a few people from the same group
    summed from LSOA counts (:func:`census_population` without ``detailed``); Trafford Data Lab's
    Greater Manchester file equals ONS's local authority table (humaniverse/demographr
    ``ethnicity21_ltla21``) in every one of its 190 cells. Source: ONS Census 2021 TS021 (Nomis),
    OGL v3.

    >>> import tempfile, pathlib, warnings, saferstats
    >>> with warnings.catch_warnings():  # (the 19 ONS labels, from the bundled table)
    ...     warnings.simplefilter("ignore")
    ...     labels = saferstats.census_population("la", detailed=True)["ethnicity"].unique()
    >>> rows = [f'E08000009,Trafford,2021-03-21,"{g}",Count,{1000 + i}' for i, g in enumerate(labels)]
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "ts021.csv"
    >>> _ = f.write_text("area_code,area_name,period,ethnic_group,measure,value\\n" + "\\n".join(rows))
    >>> pop = saferstats.read_census_ethnicity(f)
    >>> dict(zip(pop.ethnicity, pop.population)), pop.force.iloc[0], pop.attrs["census"]
    ({'Asian': 5010, 'Black': 3018, 'Mixed': 4038, 'Other': 2025, 'White': 5080}, 'greater-manchester', 2021)
    >>> csp = saferstats.read_census_ethnicity(f, level="csp")  # Trafford is one CSP on its own
    >>> csp["csp"].iloc[0], csp["csp_code"].iloc[0], int(csp["population"].sum())
    ('Trafford', 'E22000107', 19171)

    Made-up searches by group in that authority, against those residents (per 1,000, ratio to White):

    >>> import pandas as pd
    >>> counts = pd.DataFrame({"la": "Trafford", "ethnicity": ["Asian", "Black", "Mixed", "Other", "White"],
    ...                        "searches": [40, 60, 20, 10, 50]})
    >>> d = saferstats.disproportionality(counts, pop, count="searches", by="la")
    >>> d[["group", "searches", "population", "rate", "ratio", "denominator"]].round(2)
       group  searches  population   rate  ratio                  denominator
    0  Asian        40        5010   7.98   0.81  Census 2021 usual residents
    1  Black        60        3018  19.88   2.02  Census 2021 usual residents
    2  Mixed        20        4038   4.95   0.50  Census 2021 usual residents
    3  Other        10        2025   4.94   0.50  Census 2021 usual residents
    4  White        50        5080   9.84   1.00  Census 2021 usual residents
    """
    from .geography import broad_of, check_level, bundled_table

    lvl = check_level(level, ("la", "csp", "force", "lsoa"))
    if not isinstance(detailed, (bool, np.bool_)):
        raise InvalidInputError(f"detailed must be True or False, got {detailed!r}", "detailed")
    if detailed and lvl != "la":
        raise InvalidInputError("detailed=True is available at level='la' only", "detailed")
    src = _one_file(path, "path")
    rows = _read_sheet(src, sheet, "path")
    labels = _census_labels()
    found = _census_layout(rows[0], labels) if rows else None
    if found is None:
        shown = [str(h) for h in (rows[0] if rows else [])][:12]
        raise InvalidInputError(
            f"{src}: not a Census 2021 ethnic group (TS021) table by local authority that read_census_ethnicity "
            f"knows (columns {shown}); expected a long table with columns area_code, ethnic_group and value "
            f"(area_name, period, measure optional; Trafford Data Lab), or a wide one with a code column "
            f"({', '.join(_CENSUS_CODE_COLUMNS)}), a name column and the 19 ONS group columns ({labels[0]!r}, ...)"
            + _census_2011_hint(rows[0] if rows else []) + _police_defined_hint(rows[0] if rows else []), "path")
    layout, roles = found
    if layout == "broad":
        labels = list(_CENSUS_BROAD)
    known = set(labels)
    dropped: list[dict[str, Any]] = []
    aggregate = other_measures = 0
    recs: list[tuple[str, str, str, float, int]] = []  # code, name, label, count, line

    def cell(row: list[Any], role: str) -> Any:
        i = roles.get(role)
        return row[i] if i is not None and i < len(row) else None

    def count_of(value: Any, line: int, column: str) -> float:
        v, status = _number(value)
        if status != "ok" or v < 0 or v != np.floor(v):
            raise _refuse_cell(src, line, column, value, "is not a count of residents (a whole number, 0 or more); "
                               "a population must not be guessed")
        return v

    def row_counts(row: list[Any], n: int) -> list[float]:
        """A wide or broad row's counts, cell by cell, its total checked (refused as before)."""
        got = [count_of(cell(row, lab), n, lab) for lab in labels]
        if "total" in roles and count_of(cell(row, "total"), n, "total") != sum(got):
            raise _refuse_cell(src, n, str(rows[0][roles["total"]]), cell(row, "total"),
                               f"is not the sum of the five groups ({sum(got):,.0f})")
        return got

    # the rows' cells read a column at a time: the plain counts at once (_plain_counts), the rest and
    # the rows with them cell by cell in file order, so the first cell refused is the one it was
    lines = [n for n, row in enumerate(rows[1:], start=2) if any(str(c or "").strip() for c in row)]
    body = [rows[n - 1] for n in lines]

    def column(role: str) -> list[Any]:
        i = roles.get(role)
        return [None] * len(body) if i is None else [row[i] if i < len(row) else None for row in body]

    if layout in ("wide", "broad"):
        parsed = [_plain_counts(column(lab)) for lab in labels]
        counts = np.column_stack([v for v, _ in parsed]) if body else np.zeros((0, len(labels)))
        redo = ~np.column_stack([ok for _, ok in parsed]).all(axis=1) if body else np.zeros(0, bool)
        if "total" in roles and body:
            total, ok = _plain_counts(column("total"))
            redo |= ~ok | (total != counts.sum(axis=1))
        for at in np.flatnonzero(redo).tolist():
            counts[at] = row_counts(body[at], lines[at])
        if body:
            codes = [str(c or "").strip() for c in column("code")]
            names = [str(c or "").strip() for c in column("name")]
            det = pd.DataFrame({"la_code": np.repeat(np.array(codes, dtype=object), len(labels)),
                                "la": np.repeat(np.array(names, dtype=object), len(labels)),
                                "ethnicity": np.tile(np.array(labels, dtype=object), len(body)),
                                "population": counts.reshape(-1),
                                "_line": np.repeat(np.array(lines, dtype=np.int64), len(labels))})
    values, plain = _plain_counts(column("value")) if layout == "long" else (np.zeros(0), np.zeros(0, bool))
    for k, n in enumerate(lines if layout == "long" else []):
        row = body[k]
        code, name = str(cell(row, "code") or "").strip(), str(cell(row, "name") or "").strip()
        measure = str(cell(row, "measure") or "count").strip()
        if measure.lower() != "count":
            other_measures += 1
            dropped.append({"source_file": src.name, "source_line": n, "column": "measure", "value": measure,
                            "reason": "not a count"})
            continue
        period = str(cell(row, "period") or "2021").strip()
        year = re.search(r"(19|20)\d{2}", period)
        if year is None or year.group(0) != "2021":
            raise _refuse_cell(src, n, "period", period, "is not Census 2021 (this reader reads TS021, 2021)")
        label = " ".join(str(cell(row, "group") or "").split())
        if label.lower() in _CENSUS_TOTALS:
            aggregate += 1
            continue
        if label not in known:
            raise _refuse_cell(src, n, "ethnic_group", label, f"is not one of the 19 Census 2021 groups ({labels[0]!r}, "
                               "...); a Census 2011 table has other labels"
                               + _census_2011_hint([label, *rows[0]]))
        recs.append((code, name, label, float(values[k]) if plain[k] else count_of(cell(row, "value"), n, "value"), n))
    if not (recs or (layout != "long" and body)):
        raise InvalidInputError(f"{src}: no counts of usual residents by ethnic group", "path")
    if layout == "long":
        det = pd.DataFrame(recs, columns=["la_code", "la", "ethnicity", "population", "_line"])
    twice = det.duplicated(["la_code", "ethnicity"], keep=False)
    if twice.any():
        # each area given more than once, with the distinct lines that give it (a wide or LSOA table's row
        # holds every group: its repeat is the area's, not one group's, and said once, not per group)
        said = []
        for code, d in det[twice].groupby("la_code", sort=False):
            groups = list(dict.fromkeys(d["ethnicity"]))
            lines_of = sorted(set(d.loc[d["ethnicity"] == groups[0], "_line"].tolist()))
            what = "" if len(groups) == len(labels) else f" {groups[0]!r}" + (
                f" (and {len(groups) - 1} more group{'s' if len(groups) > 2 else ''})" if len(groups) > 1 else "")
            said.append((f"{code}{what}", lines_of))
        times = ["twice" if len(ls) == 2 else f"{len(ls)} times" for _, ls in said]
        more = "".join(f", {w} (lines {ls}, {t})" for (w, ls), t in zip(said[1:4], times[1:4]))
        more += f" and {len(said) - 4} more areas" if len(said) > 4 else ""
        raise InvalidInputError(f"{src}: {said[0][0]} is given {times[0]} (lines {said[0][1]}){';' if more else ''}"
                                f"{' also' + more[1:] if more else ''}; which is the population cannot be known", "path")
    # the groups of each area counted (a set built per area, in Python, took 3 s of an LSOA table's read)
    per = det.groupby("la_code")["ethnicity"].nunique()
    short = per[per < len(labels)]
    if len(short):
        has = set(det.loc[det["la_code"] == short.index[0], "ethnicity"])
        missing = sorted(known - has)
        raise InvalidInputError(f"{src}: {short.index[0]} has {len(has)} of the {len(labels)} groups (missing "
                                f"{missing[:3]}{' ...' if len(missing) > 3 else ''}); its total would be short", "path")
    by_lsoa = bool(det["la_code"].str.fullmatch(_LSOA_CODE).mean() > 0.5)
    if (by_lsoa and lvl not in ("lsoa", "csp")) or (not by_lsoa and (lvl == "lsoa" or layout == "broad")):
        raise InvalidInputError(
            f"{src}: the file's areas are {'LSOAs' if by_lsoa else 'not LSOAs'} (e.g. {det['la_code'].iloc[0]}) "
            + (f"and level={lvl!r}: pass level='lsoa' (or level='csp', its LSOAs summed to CSPs)" if by_lsoa else
               "and level='lsoa' reads an LSOA table (codes E01/W01): pass level='la', 'csp' or 'force'"
               if lvl == "lsoa" else "in five broad groups: only an LSOA table in broad groups is read (level='lsoa')"),
            "level")
    if by_lsoa:
        lsoa = _census_lsoa(det, src, layout, aggregate, other_measures, dropped)
        return lsoa if lvl == "lsoa" else _census_lsoa_csp(lsoa, src)
    places = _census_places(sorted(set(det["la_code"])))
    det["la"] = det["la"].where(det["la"] != "", det["la_code"].map(places["la"]))
    det["population"] = det["population"].astype("int64")
    unplaced = sorted(places.index[places["force"].isna()].tolist())  # (places: one row per code of the file)
    if unplaced:
        warn_user(f"read_census_ethnicity: {number_of(len(unplaced), 'code')} of {src.name} "
                  f"{'is' if len(unplaced) == 1 else 'are'} no local authority of December "
                  f"2024 nor a district merged into one since 2021 ({', '.join(unplaced[:5])}): "
                  f"{'its' if len(unplaced) == 1 else 'their'} csp and force are missing")
    if lvl in ("force", "csp"):
        lk = bundled_table("lookup_la24_csp24_pfa24.csv.gz")
        if unplaced:
            raise InvalidInputError(f"{src}: level={lvl!r} needs every code to be a local authority of 2021 or "
                                    f"December 2024; {unplaced[:5]} are not", "level")
        given = set(det["la_code"])
        covered = given | {str(succ) for succ in places["successor_code"] if succ}
        for succ, parts in bundled_table("census2021_former_la.csv.gz").groupby("successor_code")["la_code"]:
            if succ not in given and not set(parts) <= given:
                covered.discard(str(succ))  # a merged authority with some of its former districts only
        moved = sorted({re.sub(r"^2021 boundary:\s*", "", str(n)) for n in places["boundary_note"] if n and "moved" in str(n)})
        if moved:
            where = "Cherwell CSP" if lvl == "csp" else "Northamptonshire and Thames Valley force areas"
            warn_user(f"read_census_ethnicity: {lvl} totals of local authority counts at 2021 boundaries, where {moved[0]} "
                      f"({where}; census_population({lvl!r}) is at 2024 boundaries)")
    if lvl == "csp":
        out = _census_csp_sums(det, places, lk, covered, src, dropped)
    elif lvl == "force":
        forces = sorted({str(f) for f in places["force"]})
        # each force area's authorities, and which the file covers, found once for all 43 (a mask
        # and an isin of the covered set for each force area were most of level="force"'s time)
        per_force = lk.drop_duplicates(["force", "la_code"])
        per_force = per_force.assign(_covered=per_force["la_code"].isin(list(covered)))
        of_force = {f: rows for f, rows in per_force.groupby("force", sort=False)}
        for f in forces:
            want = of_force.get(f, per_force.iloc[:0])
            miss = want[~want["_covered"]]
            if len(miss):
                raise InvalidInputError(
                    f"{src}: covers {len(want) - len(miss)} of the {len(want)} local authorities of the {f} force area "
                    f"(missing {', '.join(miss['la'].astype(str).tolist()[:6])}); a force total would be short: use "
                    "level='la'", "level")
        broad = det.assign(force=det["la_code"].map(places["force"]), ethnicity=det["ethnicity"].map(broad_of))
        force_rows = lk.drop_duplicates("force").set_index("force")
        out = broad.groupby(["force", "ethnicity"], as_index=False)["population"].sum()
        out.insert(1, "force_name", out["force"].map(force_rows["force_name"]))
        out.insert(2, "force_code", out["force"].map(force_rows["force_code"]))
    elif detailed:
        out = det.assign(force=det["la_code"].map(places["force"]), boundary_note=det["la_code"].map(places["boundary_note"]),
                         broad=det["ethnicity"].map(broad_of))
        out = out[["la", "la_code", "force", "boundary_note", "broad", "ethnicity", "population"]]
        out = out.sort_values(["la", "la_code", "ethnicity"], kind="stable")
    else:
        broad = det.assign(ethnicity=det["ethnicity"].map(broad_of))
        out = broad.groupby(["la", "la_code", "ethnicity"], as_index=False, sort=False)["population"].sum()
        for i, c in enumerate(("csp", "csp_code", "force", "csp_split")):
            out.insert(2 + i, c, out["la_code"].map(places[c]))
        out = out.sort_values(["la", "la_code", "ethnicity"], kind="stable")
    return _census_attrs(
        out, src, f"19 groups by local authority ({src.name})",
        "local authorities as the file codes them (2021 codes)" if lvl == "la" else
        "Community Safety Partnerships, December 2024 (sums of the file's authorities)" if lvl == "csp" else
        "police force areas, December 2024 (sums of the file's authorities)",
        "its totals can differ by a few residents from ONS's published totals and from the same areas summed from "
        "LSOA counts", dropped, {"layout": layout, "areas": int(det["la_code"].nunique()), "rows": len(out),
                                 "aggregate_rows": aggregate, "other_measures": other_measures})


def _census_attrs(out: pd.DataFrame, src: Path, table: str, geography: str, differ: str,
                  dropped: list[dict[str, Any]], summary: dict[str, Any]) -> pd.DataFrame:
    """``out`` with :func:`read_census_ethnicity`'s ``census`` column and attrs (``table``: what
    follows "usual residents, "; ``differ``: how its totals can differ from others)."""
    out = out.reset_index(drop=True)
    out["population"] = out["population"].astype("int64")
    out["census"] = 2021
    total = int(out["population"].sum())
    out.attrs.update({
        "census": 2021, "source_file": str(src),
        "table": f"ONS Census 2021 TS021 ethnic group, usual residents, {table}", "geography": geography,
        "total": total,
        "total_note": (f"the file's cells sum to {total:,}; ONS perturbed each Census 2021 table for disclosure "
                       f"control, so {differ}"),
        "dropped": Records(dropped), "summary": summary})
    return out


def _census_lsoa(det: pd.DataFrame, src: Path, layout: str, aggregate: int, other_measures: int,
                 dropped: list[dict[str, Any]]) -> pd.DataFrame:
    """:func:`read_census_ethnicity`'s ``level="lsoa"``: the five broad groups of each LSOA 2021 of
    ``det`` (one row per code and group, 19 detailed or 5 broad), placed in its ward, authority, CSP
    and force as :func:`census_population` ("lsoa") places it, in that table's columns."""
    from .geography import broad_of, census_population

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        where = census_population("lsoa").drop_duplicates("lsoa_code").set_index("lsoa_code")
    cols = ["lsoa", "ward", "ward_code", "la", "la_code", "csp", "csp_code", "force"]
    # each label's broad group found once, not once a row (178,360 calls for the broad table by LSOA)
    to_broad = {g: g if g in _CENSUS_BROAD else broad_of(g) for g in pd.unique(det["ethnicity"])}
    broad = det.assign(ethnicity=det["ethnicity"].map(to_broad))
    out = broad.groupby(["la_code", "ethnicity"], as_index=False, sort=False)["population"].sum()
    out = out.rename(columns={"la_code": "lsoa_code"})
    # (the codes not in the lookup found by pandas: a set of all 178,360 rows' codes took 0.2 s)
    unplaced = sorted(set(out.loc[~out["lsoa_code"].isin(where.index), "lsoa_code"]))
    if unplaced:
        warn_user(f"read_census_ethnicity: {number_of(len(unplaced), 'code')} of {src.name} "
                  f"{'is' if len(unplaced) == 1 else 'are'} no LSOA 2021 of England and "
                  f"Wales ({', '.join(unplaced[:5])}): {'its' if len(unplaced) == 1 else 'their'} ward, local authority, CSP "
                  "and force are missing")
    # the codes looked up in the lookup once for its eight columns (a lookup a column was 0.3 s by LSOA)
    placed = where[cols].reindex(out["lsoa_code"]).set_axis(out.index)
    for c in cols:
        out[c] = placed[c]
    if out["lsoa"].isna().any():
        names = det.drop_duplicates("la_code").set_index("la_code")["la"]
        out["lsoa"] = out["lsoa"].fillna(out["lsoa_code"].map(names.where(names != "")))
    out = out[["lsoa", "lsoa_code", *cols[1:], "ethnicity", "population"]]
    out = out.sort_values(["lsoa_code", "ethnicity"], kind="stable")
    return _census_attrs(
        out, src, f"by LSOA 2021 ({src.name})",
        "LSOAs 2021 as the file codes them, placed by the ONS lookup census_population('lsoa') uses",
        "an authority summed from its LSOAs can differ by a few residents from the authority table", dropped,
        {"layout": layout, "areas": int(out["lsoa_code"].nunique()), "rows": len(out), "aggregate_rows": aggregate,
         "other_measures": other_measures})


def _census_lsoa_csp(lsoa: pd.DataFrame, src: Path) -> pd.DataFrame:
    """:func:`read_census_ethnicity`'s ``level="csp"`` for an LSOA table: the LSOAs of ``lsoa``
    (its ``level="lsoa"`` table) summed to the Community Safety Partnership each is in, so a CSP
    that is part of an authority split across CSPs (Wycombe, of Buckinghamshire) has its own
    residents. A code that is no LSOA 2021 has no CSP: refused, naming it, as its residents would
    be in no CSP's total."""
    unplaced = sorted(set(lsoa.loc[lsoa["csp_code"].isna(), "lsoa_code"]))
    if unplaced:
        raise InvalidInputError(f"{src}: level='csp' needs every code to be an LSOA 2021 of England and Wales; "
                                f"{unplaced[:5]} are not, so their residents would be in no CSP: use level='lsoa'",
                                "level")
    out = lsoa.groupby(["csp", "csp_code", "force", "ethnicity"], as_index=False)["population"].sum()
    return _census_attrs(
        out.sort_values(["csp", "csp_code", "ethnicity"], kind="stable"), src, f"by LSOA 2021 ({src.name})",
        "Community Safety Partnerships, December 2024 (sums of the file's LSOAs 2021, placed by the ONS lookup "
        "census_population('lsoa') uses)",
        "a CSP summed from its LSOAs can differ by a few residents from the same CSP summed from the authority table",
        list(lsoa.attrs["dropped"]), {**lsoa.attrs["summary"], "rows": len(out)})


def _census_csp_sums(det: pd.DataFrame, places: pd.DataFrame, lk: pd.DataFrame, covered: set[str],
                     src: Path, dropped: list[dict[str, Any]]) -> pd.DataFrame:
    """The five broad groups of ``det`` (one row per 2021 authority code and detailed group) summed
    to Community Safety Partnerships (ONS December 2024 lookup), for the CSPs whose every part is a
    whole authority of the file: each authority of the CSP (``covered``: the file's codes and the
    merged authorities all of whose former districts it holds) and, for a CSP that is part of an
    authority split across CSPs (BCP, Buckinghamshire, Cumberland ...), the former district that was
    that part (Allerdale for the Allerdale CSP of Cumberland). Any other CSP the file touches
    would be short (Dorset CSP without Christchurch, inside BCP; South Nottinghamshire without
    Gedling): left out, named in a warning with its residents (LSOA counts) and what it lacks, each
    authority row of the file in it recorded in ``dropped``, with the LSOA table that has it."""
    from .geography import broad_of, bundled_table, census_population

    former = bundled_table("census2021_former_la.csv.gz")
    given = set(det["la_code"])
    split = lk[lk["csp_split"].astype(bool)]
    whole = lk[~lk["csp_split"].astype(bool)]
    rows = det.assign(csp_code=det["la_code"].map(places["csp_code"]), csp_split=det["la_code"].map(places["csp_split"]))
    touched: dict[str, str] = {}  # csp_code -> why it cannot be summed ("" where it can)
    # each CSP's authorities the file does not cover, each authority's former districts it lacks and
    # each CSP's split authorities, found once (the lookups' columns compared again for each of the
    # ~300 CSPs were most of read_census_ethnicity(..., level="csp")'s time)
    not_covered: dict[Any, list[tuple[str, Any]]] = {}
    for code, la_code, la in whole.loc[~whole["la_code"].isin(covered), ["csp_code", "la_code", "la"]].itertuples(
            index=False):
        not_covered.setdefault(code, []).append((la_code, la))
    absent: dict[Any, list[str]] = {}
    for successor, la in former.loc[~former["la_code"].isin(given), ["successor_code", "la"]].itertuples(index=False):
        absent.setdefault(successor, []).append(str(la))
    split_of: dict[Any, list[tuple[Any, Any]]] = {}
    for code, la_code, la in split[["csp_code", "la_code", "la"]].itertuples(index=False):
        split_of.setdefault(code, []).append((la_code, la))
    for code in dict.fromkeys(c for cell in pd.unique(rows["csp_code"]) for c in str(cell).split("; ")):
        lacking: list[str] = []
        for la_code, la in not_covered.get(code, []):
            parts = absent.get(la_code, [])
            lacking.extend(parts if parts else [str(la)])  # North Yorkshire: its districts missing
        for la_code, la in split_of.get(code, []):
            part = former[(former["successor_code"] == la_code) & (former["csp_code"] == code)]
            if la_code in given:  # given whole, and it spans several CSPs (BCP, West Northamptonshire)
                lacking.append(f"its part of {la} ({la_code}), which the file gives whole for several CSPs")
            elif part.empty or not set(part["la_code"]) <= given:
                lacking.append(f"its part of {la}" + (f" ({' and '.join(part['la'].astype(str))})" if len(part) else ""))
        touched[code] = ", ".join(lacking)
    short = {c: why for c, why in touched.items() if why}
    names = lk.drop_duplicates("csp_code").set_index("csp_code")["csp"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaferstatsWarning)
        residents = census_population("csp").groupby("csp_code")["population"].sum()
    said = [f"{names.get(c, c)} ({c}, {int(residents.get(c, 0)):,} residents; lacking {why})" for c, why in short.items()]
    fix = ("the Census 2021 TS021 table by LSOA (ts021_ethnic_group_lsoa21.csv, or Nomis's census2021-ts021-lsoa.csv) "
           "read with read_census_ethnicity(path, level='csp') gives every CSP, each LSOA placed in its CSP "
           "(census_population('csp') has the same from the bundled LSOA counts)")
    if short and len(short) == len(touched):
        raise InvalidInputError(f"{src}: level='csp': no Community Safety Partnership is whole in the file, so every "
                                f"CSP total would be short: {'; '.join(said)}; {fix}", "level")
    if short:
        lines = rows.groupby("la_code")["_line"].min()
        # each CSP's authorities and each authority's name found once (the CSP codes were split
        # again, and the rows searched for each name, for each of the 15 short CSPs)
        las_of: dict[str, set[str]] = {}
        for la_code, cell in rows[["la_code", "csp_code"]].drop_duplicates().itertuples(index=False):
            for c in str(cell).split("; "):
                las_of.setdefault(c, set()).add(la_code)
        la_of = rows.drop_duplicates("la_code").set_index("la_code")["la"]
        for c, why in short.items():
            for la_code in sorted(las_of.get(c, set())):
                dropped.append({"source_file": src.name, "source_line": int(lines[la_code]), "column": "la_code",
                                "value": la_code, "la": str(la_of[la_code]), "reason": f"in {names.get(c, c)} CSP ({c}), left out at level='csp' "
                                f"as its total would be short (lacking {why})", "csp": names.get(c, c), "csp_code": c,
                                "csp_residents": int(residents.get(c, 0)), "lacking": why})
        warn_user(f"read_census_ethnicity: level='csp': {number_of(len(short), 'Community Safety Partnership')} "
                  f"{'is' if len(short) == 1 else 'are'} left out, as "
                  f"the file cannot give their totals (an authority table cannot split an authority across its CSPs, "
                  f"nor complete a CSP it covers in part; {int(residents.reindex(list(short)).fillna(0).sum()):,} "
                  f"residents by LSOA counts; their authorities' rows are in .attrs['dropped']): {'; '.join(said)}. "
                  f"For them, {fix}")
    keep = rows[~rows["csp_split"].astype(bool) & ~rows["csp_code"].isin(list(short))]
    keep = keep.assign(ethnicity=keep["ethnicity"].map(broad_of))
    out = keep.groupby(["csp_code", "ethnicity"], as_index=False, sort=False)["population"].sum()
    info = lk.drop_duplicates("csp_code").set_index("csp_code")
    former_csp = former.drop_duplicates("csp_code").set_index("csp_code")
    out.insert(0, "csp", out["csp_code"].map(info["csp"]))
    out.insert(2, "force", out["csp_code"].map(info["force"]))
    out["csp"] = out["csp"].fillna(out["csp_code"].map(former_csp["la"]))
    return out.sort_values(["csp", "csp_code", "ethnicity"], kind="stable")[["csp", "csp_code", "force", "ethnicity", "population"]]


#: The single-year-of-age columns of an ONS mid-year estimates table ("90+" the open last one).
_MYE_AGES = [str(a) for a in range(90)] + ["90+"]


def _financial_year_of(year: int) -> str:
    """The financial year (April to March) that starts in calendar year ``year``: 2022 -> ``"2022/23"``."""
    return f"{year}/{(year + 1) % 100:02d}"


def warn_calendar_year_on_financial_years(fn: str, data: pd.DataFrame, population: str, period: str | None) -> None:
    """Warn when a table's ``period`` is financial years (``"2022/23"``, Home Office and Defra
    tables) and its ``year`` column, beside the population (the calendar year of
    :func:`read_mid_year_population`'s estimate, which survives a merge), is not the year each
    financial year starts: mid-2023 set against 2022/23 (a ``year`` made from the financial year's
    end) or one year's estimate against several financial years (a merge on the area alone). The
    convention (:func:`read_mid_year_population`, ``financial_year=True``) is the estimate of 30
    June of the year the financial year starts: mid-2022 for 2022/23. Rows are named by their index
    labels; rows without a population or a year are not judged."""
    if period is None or period == "year" or not {period, "year", population} <= set(data.columns) or data.empty:
        return
    labels = [period_label(v) if isinstance(v, str) else None for v in data[period].tolist()]
    years = pd.to_numeric(data["year"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    known = np.isfinite(years)
    if any(lab is None for lab in labels) or not known.any() or (years[known] != np.floor(years[known])).any():
        return  # not financial years, or no calendar year beside them
    starts = np.array([int(str(lab)[:4]) for lab in labels], dtype=float)
    used = data[population].notna().to_numpy() & known
    off = np.flatnonzero(used & (years != starts))
    if not off.size:
        return
    said = "; ".join(f"row {plain(data.index[i])!r}: {labels[i]} on mid-{int(years[i])}" for i in off[:5])
    warn_user(f"{fn}: the column 'year' (the calendar year of the population, as read_mid_year_population gives it: "
              f"the estimate of 30 June) is not the year the financial year in column {period!r} starts in {off.size} "
              f"of {int(used.sum())} rows ({said}{' ...' if off.size > 5 else ''}): a financial year's population is the "
              "mid-year estimate of the year it starts (mid-2022 for 2022/23), so these rates are on another year's "
              "population; read the estimates with read_mid_year_population(..., financial_year=True) and join on "
              f"the area and {period!r}")


def read_mid_year_population(path_or_paths: Any, *, sex: str | None = "Persons",
                             age_bands: Sequence[int] | None = None, financial_year: bool = False) -> pd.DataFrame:
    """Read ONS mid-year population estimates by local authority, single year of age and sex, as
    published in wide form (one row per area and sex: ``period, area_code, area_name, geography,
    sex, all_ages, ..., 0, 1, ..., 89, 90+``; Trafford Data Lab's
    ``mid-year_2024_population_estimates_local_authority.csv``), into a population for rates with
    its year stated.

    Returns one row per authority (and age band): ``la, la_code, sex, population, year``, with
    ``age`` before ``population`` when ``age_bands`` is given. ``year`` is the estimate's year,
    from the file's ``period`` (``"2024-06-30"``: the population at 30 June 2024,
    ``.attrs["reference_date"]``), so a table of several years' files (a list of paths) joins a
    crime table of calendar years on ``["la_code", "year"]`` and each year's rate is on its own
    year's population. ``path_or_paths``: a file, a folder (its ``*.csv`` files), a list of these, or a
    glob pattern (``data/mid-year_20*_population_estimates_local_authority.csv``: the files it matches,
    sorted; one matching nothing is refused naming it).

    **Financial years** (Home Office hate crime, Defra fly-tipping: ``period`` ``"2022/23"``,
    April to March): ``year`` is a calendar year, not a financial year. With
    ``financial_year=True`` a ``period`` column names the financial year each estimate serves, the
    one that starts in the estimate's year (mid-2022, 30 June 2022, for 2022/23: the estimate
    falls inside that financial year, a quarter into it, while mid-2023 falls after it ends), so
    the table joins a financial-year table on ``["la_code", "period"]``. This is the convention of
    ONS's Crime in England and Wales police force area tables (rates for the year ending March 2020
    per 1,000 of the mid-2019 population) and of OHID's Fingertips indicators for financial-year
    data: the mid-year estimate of the calendar year in which the financial year begins.
    ``.attrs["period_convention"]`` says which convention the table is in. A table whose
    financial-year ``period`` carries another ``year`` beside the population (a ``year`` made from
    the financial year's end, 2022/23 on mid-2023, or one estimate merged onto every financial
    year) gets a :class:`~saferstats.SaferstatsWarning` naming its rows from
    :func:`saferstats.add_rates`, :func:`saferstats.year_on_year`, :func:`saferstats.poisson_trend`
    and :func:`saferstats.compare_trends` (the last once for the areas' table and once for a
    comparator table of its own).
    ``sex``: ``"Persons"`` (default), ``"Females"`` or ``"Males"`` as the file labels them (any
    case), or None for every row (then one authority has several rows: choose one before joining).
    ``age_bands``: the first age of each band, from 0 (``[0, 10, 18, 25, 35]`` gives ``"0-9",
    "10-17", "18-24", "25-34", "35+"``, the stop-and-search age ranges), each band the sum of the
    single years; without it ``population`` is the file's ``all_ages``.

    Refused (:class:`~saferstats.SaferstatsError` naming the file, line and column): a header
    without ``period``, ``area_code``, ``sex`` and ``all_ages`` or the single-year columns (the
    columns expected are listed), a count that is not a whole number of at least 0, a period with no
    year, ``all_ages`` that is not the sum of the single years, an area, sex and year given twice.
    Rows of areas that are not local authorities (England, regions, counties: codes other than
    E06, E07, E08, E09, W06) are aggregates, left out and counted in
    ``.attrs["summary"]["aggregate_rows"]``. ``.attrs`` also has ``table``, ``source_file``,
    ``years`` and ``dropped``.

    Method: the published estimates, summed over single years for a band. Source: ONS "Population
    estimates for England and Wales, mid-year" (MYE2), OGL v3. Trafford, mid-2022: 236,301
    persons; mid-2024: 241,025.

    >>> import tempfile, pathlib, saferstats
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "mye.csv"
    >>> ages = ",".join(str(a) for a in range(90))
    >>> counts = ",".join(["10"] * 90)
    >>> _ = f.write_text(f"period,area_code,area_name,geography,sex,all_ages,{ages},90+\\n"
    ...                  f"2024-06-30,E08000009,Trafford,Local authority,Persons,905,{counts},5\\n")
    >>> saferstats.read_mid_year_population(f).to_string(index=False)
    '      la   la_code     sex  population  year\\nTrafford E08000009 Persons         905  2024'
    >>> saferstats.read_mid_year_population(f, age_bands=[0, 18, 65])[["age", "population"]].to_string(index=False)
    '  age  population\\n 0-17         180\\n18-64         470\\n  65+         255'
    >>> saferstats.read_mid_year_population(f, financial_year=True)[["population", "year", "period"]].to_string(index=False)
    ' population  year  period\\n        905  2024 2024/25'
    """
    if sex is not None and not isinstance(sex, str):
        raise InvalidInputError(f"sex must be 'Persons', 'Females', 'Males' or None, got {sex!r}", "sex")
    if not isinstance(financial_year, (bool, np.bool_)):
        raise InvalidInputError(f"financial_year must be True or False, got {financial_year!r}", "financial_year")
    bands: list[int] | None = None
    if age_bands is not None:
        try:
            bands = [int(a) for a in age_bands]
        except (TypeError, ValueError):
            raise InvalidInputError(f"age_bands must be whole numbers (the first age of each band), got {age_bands!r}",
                                    "age_bands") from None
        if not bands or bands[0] != 0 or any(b <= a for a, b in zip(bands, bands[1:])) or bands[-1] > 90:
            raise InvalidInputError(f"age_bands must start at 0 and rise, up to 90 (the file's last age is 90+), got "
                                    f"{age_bands!r}", "age_bands")
    files = input_files(path_or_paths, patterns=("*.csv",), arg="path_or_paths")
    parts: list[pd.DataFrame] = []
    dropped: list[dict[str, Any]] = []
    aggregate = 0
    dates: set[str] = set()
    sexes: set[str] = set()
    for src in files:
        if src.suffix.lower() != ".csv":
            raise InvalidInputError(f"{src}: read_mid_year_population reads CSV files; export the sheet as CSV",
                                    "path_or_paths")
        rows = _read_sheet(src, None, "path_or_paths")
        header = [snake_case(str(h or "").strip()) if str(h or "").strip() not in _MYE_AGES else str(h).strip()
                  for h in (rows[0] if rows else [])]
        pos = {h: i for i, h in enumerate(header)}
        has_ages = all(a in pos for a in _MYE_AGES)
        if not ({"period", "area_code", "sex"} <= set(pos) and ("all_ages" in pos or has_ages)) or \
                (bands is not None and not has_ages):
            raise InvalidInputError(
                f"{src}: not an ONS mid-year population estimates table that read_mid_year_population knows (columns "
                f"{[str(h) for h in (rows[0] if rows else [])][:12]}); expected period, area_code, area_name, sex, "
                f"all_ages and the single years of age 0, 1, ..., 89, 90+"
                f"{' (needed for age_bands)' if bands is not None else ''}", "path_or_paths")
        recs: list[dict[str, Any]] = []
        for n, row in enumerate(rows[1:], start=2):
            if not any(str(c or "").strip() for c in row):
                continue

            def get(col: str, row: list[Any] = row) -> Any:
                return row[pos[col]] if pos[col] < len(row) else None

            def count(col: str, n: int = n, get: Callable[[str], Any] = get) -> int:
                v, status = _number(get(col))
                if status != "ok" or v < 0 or v != np.floor(v):
                    raise _refuse_cell(src, n, col, get(col), "is not a count of residents (a whole number, 0 or more)")
                return int(v)

            code = str(get("area_code") or "").strip()
            if not _LA_CODE.match(code):
                aggregate += 1
                continue
            label = str(get("sex") or "").strip()
            sexes.add(label)
            if sex is not None and label.lower() != sex.strip().lower():
                continue
            period = str(get("period") or "").strip()
            year = re.search(r"(19|20)\d{2}", period)
            if year is None:
                raise _refuse_cell(src, n, "period", period, "has no year")
            dates.add(period)
            single = [count(a) for a in _MYE_AGES] if has_ages else None
            total = count("all_ages") if "all_ages" in pos else sum(single or [])
            if single is not None and sum(single) != total:
                raise _refuse_cell(src, n, "all_ages", get("all_ages"), f"is not the sum of the single years of age "
                                   f"({sum(single):,}): the file is damaged or not ONS's")
            name = str(get("area_name") or "").strip() if "area_name" in pos else ""
            base = {"la": name, "la_code": code, "sex": label}
            if bands is None or single is None:
                recs.append({**base, "population": total, "year": int(year.group(0)), "_line": n})
                continue
            for i, lo in enumerate(bands):
                hi = bands[i + 1] if i + 1 < len(bands) else 91
                age = f"{lo}+" if i + 1 == len(bands) else f"{lo}-{hi - 1}"
                recs.append({**base, "age": age, "population": sum(single[lo:hi]), "year": int(year.group(0)),
                             "_line": n})
        parts.append(pd.DataFrame(recs).assign(_file=src.name))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if out.empty:
        said = f" with sex {sex!r} (the file's: {sorted(sexes)})" if sex is not None and sexes else ""
        raise InvalidInputError(f"{path_or_paths}: no local authority rows{said}", "sex" if said else "path_or_paths")
    key = ["la_code", "sex", "year"] + (["age"] if bands is not None else [])
    twice = out.duplicated(key, keep=False)
    if twice.any():
        r = out[twice]
        raise InvalidInputError(f"{r['la_code'].iloc[0]} {r['sex'].iloc[0]} {r['year'].iloc[0]} is given twice "
                                f"({', '.join(sorted(set(r['_file'])))}, lines {sorted(set(r['_line']))[:4]})",
                                "path_or_paths")
    out = out.drop(columns=["_line", "_file"]).reset_index(drop=True)
    years = sorted({int(y) for y in out["year"]})
    if financial_year:
        out["period"] = [_financial_year_of(int(y)) for y in out["year"]]
    out.attrs.update({
        "period_convention": (
            "period: the financial year (April to March) that starts in the estimate's year (mid-2022 for 2022/23); "
            "year: the calendar year of the estimate (30 June)" if financial_year else
            "year: the calendar year of the estimate (30 June), not a financial year: for financial-year tables "
            "(2022/23) read with financial_year=True and join on period"),
        "table": "ONS mid-year population estimates, usual residents by local authority, single year of age and sex",
        "source_file": [str(f) for f in files] if len(files) > 1 else str(files[0]),
        "years": years, "reference_date": sorted(dates)[0] if len(dates) == 1 else sorted(dates),
        "dropped": Records(dropped),
        "summary": {"rows": len(out), "areas": int(out["la_code"].nunique()), "aggregate_rows": aggregate},
    })
    return out


#: The Home Office use-of-force table by perceived health condition: published heading -> column read.
_UOF_COLUMNS = {"police force": "force", "type of force": "type_of_force", "tactic": "tactic", "mental": "mental",
                "physical": "physical", "physical and mental": "physical_and_mental", "none": "none",
                "not reported": "not_reported", "number of times tactic reported": "tactics"}
_UOF_COUNTS = ["mental", "physical", "physical_and_mental", "none", "not_reported", "tactics"]
#: A force whose health condition is not reported for this share of its tactics or more is flagged (as
#: disproportionality flags a force with a fifth or more of its searches of no stated ethnicity): the
#: default of read_use_of_force's ``not_reported_share``.
_UOF_NOT_REPORTED = 0.2
#: A kind of health condition that none of a force's tactics has is read as not recorded (a category the
#: force did not use) when the other forces' pooled share would give it this many tactics or more (the
#: default of read_use_of_force's ``absent_expected``):
#: by chance, no such tactic has a Poisson probability of e**-10 (4.5e-5), and at most about e**-6.9
#: (0.001) counted in incidents (715,276 tactics in 492,000 incidents in 2019/20, 1.45 a incident).
_UOF_ABSENT_EXPECTED = 10.0
#: The kinds of condition checked for absence: columns summed, and the note said when absent.
_UOF_KINDS: dict[str, tuple[list[str], str]] = {
    "none": (["none"], "no tactic recorded as used on a person with no health condition ('None' is 0 of {n:,.0f}, "
                       "where the other forces' share, {pct:.1f}%, gives {e:,.0f}): a condition seems recorded only "
                       "where there was one"),
    "physical": (["physical", "physical_and_mental"],
                 "no physical health condition recorded ('Physical' and 'Physical and mental' are 0 of {n:,.0f}, "
                 "where the other forces' share, {pct:.1f}%, gives {e:,.0f}): the force did not record that "
                 "category, so a person perceived to have both conditions is in its 'Mental' or its 'None', and "
                 "its mental_health is not counted as the others' is"),
    "mental": (["mental", "physical_and_mental"],
               "no mental health condition recorded ('Mental' and 'Physical and mental' are 0 of {n:,.0f}, where "
               "the other forces' share, {pct:.1f}%, gives {e:,.0f}): the force did not record that category"),
}
#: A row is odd where a kind of condition holds this many of its tactics or more although the force's own
#: share of that kind (its ``*Total Tactics``) gives fewer than :data:`_UOF_ODD_EXPECTED`: by chance 10 or
#: more where under 1 is expected has a Poisson probability below 1.1e-7.
_UOF_ODD_COUNT = 10
_UOF_ODD_EXPECTED = 1.0
#: A name that says its row is an aggregate, not a force or an area: Defra's "*Total", "Total England",
#: "England"; "All forces" / "All areas"; a national row ("England and Wales", "England & Wales",
#: "E&W", "National", each alone or followed by "total"). Used by :func:`read_use_of_force` (its
#: ``*Total`` rows are set aside) and by the funnels' warnings (``saferstats.trend``). Not
#: matched: "Wales" or a region alone (a point in a funnel of nations or regions), ONS codes of
#: England or Wales (E92000001, W92000004), and a national name with more after it ("England and
#: Wales (excluding BTP)").
AGGREGATE_NAME = re.compile(r"^\s*(\*|total\b|all\s+(authorities|areas|forces)\b|"
                             r"(england(\s*(and|&)\s*wales)?|e\s*&\s*w|national)(\s+totals?)?\s*$)", re.IGNORECASE)


def _uof_row_types(tactics: list[str]) -> tuple[list[str], list[str | None]]:
    """Each tactic row's type and the row its count is part of, from the order the Home Office
    publishes a force's rows in: ``*Total Tactics``, then each type of force's ``*Total <type>``
    followed by its tactics, a ``<tactic>, of which`` followed by its parts (rows naming the tactic:
    "Compliant handcuffing" under "Handcuffing, of which"), then ``*Total Not reported`` (the tactic
    was not reported) and ``Tactical communication``, neither of which is in ``*Total Tactics``."""
    kinds: list[str] = []
    parents: list[str | None] = []
    everything: str | None = None
    type_total: str | None = None
    of_which: str | None = None
    stem = ""
    for label in tactics:
        low = " ".join(label.lower().lstrip("*").split())
        if low == "total tactics":
            kind, parent, everything, type_total, of_which = "all tactics", None, label, None, None
        elif low == "total not reported":
            kind, parent, type_total, of_which = "tactic not reported", None, None, None
        elif low == "tactical communication":
            kind, parent, type_total, of_which = "tactical communication", None, None, None
        elif low.startswith("total "):
            kind, parent, type_total, of_which = "type of force", everything, label, None
        elif re.search(r"\bof which$", low):
            kind, parent, of_which = "tactic", type_total, label
            stem = low.split()[0].rstrip(",")
        elif of_which is not None and stem in low:
            kind, parent = "tactic", of_which
        else:
            kind, parent, of_which = "tactic", type_total, None
        kinds.append(kind)
        parents.append(parent)
    return kinds, parents


def _uof_recording_notes(forces: pd.DataFrame, not_reported_share: float = _UOF_NOT_REPORTED,
                         absent_expected: float = _UOF_ABSENT_EXPECTED) -> dict[str, str]:
    """What makes each force's ``*Total Tactics`` row (``forces``: one a force) not like for like,
    by force: the health condition reported for none of its tactics; not reported for
    ``not_reported_share`` of them or more; or a kind of condition that every tactic lacks where the
    other forces' pooled share would give it ``absent_expected`` tactics or more (a category the
    force did not record, not chance: see :func:`read_use_of_force`)."""
    ok = forces[forces["tactics"].notna() & forces["not_reported"].notna() & (forces["tactics"] > 0)]
    sums = {g: ok[cols].sum(axis=1) for g, (cols, _) in _UOF_KINDS.items()}
    all_reported = float(ok["condition_reported"].sum())
    notes: dict[str, str] = {}
    for i, r in zip(ok.index, ok.itertuples()):
        said = []
        if r.condition_reported == 0:
            said.append(f"health condition not reported for any of its {r.tactics:,.0f} tactics")
        else:
            others = all_reported - r.condition_reported
            for g, (cols, text) in _UOF_KINDS.items():
                rate = (float(sums[g].sum()) - float(sums[g][i])) / others if others > 0 else 0.0
                expected = rate * r.condition_reported
                if sums[g][i] == 0 and expected >= absent_expected:
                    said.append(text.format(n=r.condition_reported, pct=100 * rate, e=expected))
            if r.not_reported / r.tactics >= not_reported_share:
                said.append(f"health condition not reported for {100 * r.not_reported / r.tactics:.0f}% of its tactics")
        if said:
            notes[r.force] = "; ".join(said)
    return notes


def _uof_odd_rows(out: pd.DataFrame) -> list[str]:
    """Each row's note of a kind of health condition that holds :data:`_UOF_ODD_COUNT` of its
    tactics or more where its force's own share of that kind (its ``*Total Tactics`` row) gives
    fewer than :data:`_UOF_ODD_EXPECTED`: a count most likely entered under the wrong heading (2019/20:
    Derbyshire's ``*Total Not reported``, 42 of 42 under "Physical and mental"); "" elsewhere."""
    kinds = {"mental": "Mental", "physical": "Physical", "physical_and_mental": "Physical and mental", "none": "None"}
    totals = out[out["row_type"] == "all tactics"].drop_duplicates("force")
    # each force's counts read once (a lookup of its row per tactic row was most of the reader's time)
    bases = {f: list(b) for f, *b in zip(totals["force"], *(totals[k].tolist() for k in kinds))}
    notes = [""] * len(out)
    for at, r in enumerate(out.itertuples()):
        if r.row_type == "all tactics" or r.force not in bases:
            continue
        counts = [getattr(r, k) for k in kinds]
        base = bases[r.force]
        if any(pd.isna(v) for v in counts + base) or sum(base) <= 0:
            continue
        n = float(sum(counts))
        for (k, label), x, b in zip(kinds.items(), counts, base):
            expected = n * float(b) / float(sum(base))
            if x >= _UOF_ODD_COUNT and expected < _UOF_ODD_EXPECTED:
                notes[at] = (f"{x:,.0f} of its {n:,.0f} tactics are under '{label}', where the force's own share of "
                             f"'{label}' ({b:,.0f} of its {sum(base):,.0f} tactics, {100 * b / sum(base):.1f}%) gives "
                             f"{expected:.2f}: most likely entered under the wrong heading; its counts (and its "
                             "mental_health) are not to be read as published")
    return notes


#: A tactic row published as 0 in every column is said to be unrecorded where at least this share of the
#: other forces that publish the tactic report it (more than 0) and their median share of it (of their
#: ``*Total Tactics``) gives the force ``absent_expected`` or more (:func:`_uof_unrecorded_rows`).
_UOF_ZERO_ROW_OTHERS = 0.9


def _uof_unrecorded_rows(out: pd.DataFrame, absent_expected: float = _UOF_ABSENT_EXPECTED) -> list[str]:
    """Each row's note where the force published a tactic as 0 in every column although nearly every
    other force reports it (:data:`_UOF_ZERO_ROW_OTHERS` of those publishing it) and their median
    share of it, times the force's ``*Total Tactics``, gives ``absent_expected`` tactics or more: a
    tactic the force most likely did not record, not a true 0 (2019/20: West Midlands' "Tactical
    communication", line 1597, where the others' median gives 7,387); "" elsewhere."""
    totals = out[out["row_type"] == "all tactics"].drop_duplicates("force").set_index("force")["tactics"]
    rows = out[out["row_type"].isin(["tactic", "type of force", "tactical communication"])]
    whole = rows["force"].map(totals)
    share = (rows["tactics"] / whole).where(whole > 0)
    notes = [""] * len(out)
    zero = rows[(rows[_UOF_COUNTS].fillna(-1) == 0).all(axis=1) & (whole > 0)]
    # the rows of each tactic, found once (comparing every row's names for each zero row was most of the time)
    of_tactic: dict[tuple[Any, Any], list[int]] = {}
    for k, key in enumerate(zip(rows["type_of_force"], rows["tactic"])):
        of_tactic.setdefault(key, []).append(k)
    forces, shares = rows["force"].to_numpy(), share.to_numpy(dtype=float)
    for at, r in zip(zero.index, zero.itertuples()):
        at_tactic = np.array(of_tactic.get((r.type_of_force, r.tactic), []), dtype=np.intp)
        others = shares[at_tactic[forces[at_tactic] != r.force]]
        others = others[~np.isnan(others)]
        if not len(others) or (others > 0).mean() < _UOF_ZERO_ROW_OTHERS:
            continue
        n = float(totals[r.force])
        expected = float(np.median(others)) * n
        if expected >= absent_expected:
            lacking = (f"; the row{'s' if r.row_type == 'tactic' else ''} it is part of "
                       f"({r.part_of}{', *Total Tactics' if r.row_type == 'tactic' else ''}) lack these tactics"
                       if isinstance(r.part_of, str) else " (it is not in *Total Tactics)")
            notes[out.index.get_loc(at)] = (
                f"0 in every column, where {int((others > 0).sum())} of the {len(others)} other forces publishing this "
                f"tactic report it (their median, {1000 * float(np.median(others)):,.1f} per 1,000 of their tactics, "
                f"gives {expected:,.0f} of the force's {n:,.0f}): most likely not recorded, not a true 0; do not read "
                f"its counts as 0{lacking}")
    return notes


def _uof_lacking_rows(out: pd.DataFrame, unrecorded: list[str]) -> list[str]:
    """For each row, what it lacks of a tactic :func:`_uof_unrecorded_rows` finds published as 0 but
    most likely not recorded: ``"itself"`` on that row, ``"<tactic> (line n)"`` on each row whose
    count it is part of (its ``part_of``, then that row's, up to ``*Total Tactics``); ``""``
    elsewhere. 2019/20: Nottinghamshire's and Wiltshire's ``*Total Restraint`` and ``*Total
    Tactics`` lack their "Ground restraint" (950 and 294 due)."""
    said: list[list[str]] = [[] for _ in range(len(out))]
    at = {(r.force, r.tactic): k for k, r in enumerate(out.itertuples())}
    for k, note in enumerate(unrecorded):
        if not note:
            continue
        r = out.iloc[k]
        said[k].append("itself")
        what = f"{r['tactic']} (line {int(r['source_line'])})"
        parent, seen = r["part_of"], set()
        while isinstance(parent, str) and (r["force"], parent) in at and parent not in seen:
            seen.add(parent)
            up = at[(r["force"], parent)]
            said[up].append(what)
            parent = out["part_of"].iat[up]
    return ["; ".join(x) for x in said]


def read_use_of_force(path: Any, *, sheet: str | None = None, not_reported_share: float = _UOF_NOT_REPORTED,
                      absent_expected: float = _UOF_ABSENT_EXPECTED) -> pd.DataFrame:
    """Read the Home Office *Police use of force statistics* table of tactics by the subject's
    perceived health condition, as published (``Police Force, Type of force, Tactic, Mental,
    Physical, Physical and mental, None, Not reported, Number of times tactic reported``: one row
    per force and tactic; 2019/20 in ``shared/data/s136_mental_health/``), as CSV or a workbook's
    sheet (``sheet=``). A glob pattern (``data/*use-of-force*.csv``) names the one file it matches
    (one matching no file, or several, is refused naming it).

    Returns one row per force and tactic: ``force, type_of_force, tactic`` (as published, ``*Total
    Restraint`` included), ``row_type`` (``"all tactics"``, ``"type of force"``, ``"tactic"``,
    ``"tactic not reported"``, ``"tactical communication"``), ``part_of`` (the tactic row this
    row's count is part of: ``"Compliant handcuffing"`` is part of ``"Handcuffing, of which"``,
    which is part of ``"*Total Restraint"``, part of ``"*Total Tactics"``; missing for the last
    three types), the counts ``mental, physical, physical_and_mental, none, not_reported, tactics``
    (``tactics``: the published "Number of times tactic reported", the sum of the other five),
    ``mental_health`` (``mental + physical_and_mental``: tactics used on a person the officer
    perceived to have a mental health condition), ``condition_reported`` (``tactics −
    not_reported``), ``comparable``, ``recording_note``, ``row_note`` (what is odd in this row
    alone, below; ``""`` elsewhere), ``tactic_unrecorded`` (True on a row that is, or whose count
    includes, a tactic published as 0 but most likely not recorded, below) and ``source_line``.

    **What is counted.** Each count is of *tactics*, not incidents or people: one incident
    (one person) is counted once for every tactic used — handcuffing, ground restraint and a
    spit guard are three — and the health condition is the officer's perception, recorded per
    incident. A share of tactics is not a share of incidents or of people (Hertfordshire 2019/20:
    2,065 of the 14,497 tactics with a health condition reported were used on people perceived to
    have a mental health condition, 14.2%). Rows are nested: ``*Total Tactics`` is the sum of the
    ``*Total <type>`` rows, each the sum of its tactics, and an "of which" row the sum of its parts;
    summing every row of a force counts tactics two to four times: take one ``row_type``. Neither
    ``*Total Not reported`` nor ``Tactical communication`` is in ``*Total Tactics``, as published.

    **Method.** The share of tactics used on people perceived to have a mental health condition is
    ``mental_health / condition_reported`` (the tactics whose health condition was reported):
    ``saferstats.proportion_ci(t["mental_health"], t["condition_reported"])`` (Wilson) and
    :func:`saferstats.funnel_significance` (``kind="proportion"``) to compare forces.

    **Not like for like.** Forces did not all record the health condition the same way. A force
    is flagged (``comparable`` False on all its rows, ``recording_note`` says why, a
    :class:`~saferstats.SaferstatsWarning` names it, ``.attrs["summary"]["not_comparable"]`` lists
    it) where its ``*Total Tactics`` row shows that it recorded the condition otherwise, read from
    the file alone: (a) the condition was reported for no tactic (2019/20: Wiltshire); (b) it was not
    reported for a fifth or more of its tactics (Cleveland, 77%); (c) a kind of condition — no
    condition (``none``), a physical one (``physical + physical_and_mental``) or a mental one
    (``mental + physical_and_mental``) — is 0 for all its tactics where the other forces' pooled share
    would give it 10 or more (by chance that has a Poisson probability of e⁻¹⁰, 4.5e-5; at most about
    0.001 counted in incidents, 1.45 tactics each in 2019/20): a category the force did not use. So
    West Mercia and Warwickshire (``none`` 0 of 2,439 and of 476 where 2,041 and 397 were due:
    their "shares" would be 92.7% and 91.2% against 16.0% for England and Wales — the condition
    seems recorded only where there was one), and Avon & Somerset and North Wales (no physical
    health condition in 21,093 and 2,361 tactics, where 239 and 26 were due: their ``mental``
    then holds people perceived to have both, or their ``none`` does, so their ``mental_health``
    is not counted as the others' is). A share far from the others' with every category in use
    is no sign of another recording in the file, and is not flagged: Derbyshire (5,085 + 70 of
    7,956, 64.8%, ``none`` 2,755) is left to the funnel, where it is the one force outside the
    99.8% limits widened for over-dispersion (``overdispersion=True``); whether its officers record
    otherwise only the force can say. Leave the flagged forces out of a comparison
    (``t[t.comparable]``) or show them apart. The funnels (:func:`saferstats.funnel_target`,
    :func:`saferstats.funnel_significance`, ...) given the table as ``data=`` name the flagged
    forces in a warning, with the pooled share with them and without them.

    The two thresholds are keyword arguments: ``not_reported_share`` (default 0.2, a fifth; above 0
    and at most 1) for (b) and ``absent_expected`` (default 10; a finite number above 0) for (c),
    both in ``.attrs["summary"]["rule"]``; any other value is refused
    (:class:`~saferstats.InvalidInputError` naming the argument). A lower ``absent_expected``
    flags a force on weaker evidence (5 gives e⁻⁵, 0.007, by chance).

    **A row odd on its own.** A row in which a kind of condition holds 10 or more tactics where
    the force's own share of that kind (its ``*Total Tactics``) gives fewer than 1 (by chance: a
    Poisson probability below 1.1e-7) is said in ``row_note``, listed in
    ``.attrs["summary"]["odd_rows"]`` and warned of; its counts are kept as published. 2019/20:
    one of the 1,633 rows, Derbyshire's ``*Total Not reported`` (the times a use of force was
    reported without the tactic, outside ``*Total Tactics``): all 42 under "Physical and mental",
    where Derbyshire's own share, 70 of 7,956 tactics (0.9%), gives 0.37, and the other forces'
    ``*Total Not reported`` rows have 3 of 863; Derbyshire's "Not reported" health condition is 0
    wherever published.
    Most likely a count entered under the wrong heading: leave it out (``t[t.row_note == ""]``).

    **A tactic published as 0 that looks unrecorded.** A tactic row that is 0 in every column
    although at least nine in ten of the other forces publishing the tactic report it, and their
    median share of it (of their ``*Total Tactics``) gives the force ``absent_expected`` tactics or
    more (10 by default), is said in ``row_note`` too (listed in ``.attrs["summary"]["odd_rows"]``
    and warned of): most likely not recorded, not a true 0; the totals it is part of lack it.
    2019/20: West Midlands' "Tactical communication" (line 1597; the other 41 forces publishing it
    all report it, their median 400.2 per 1,000 tactics giving 7,387 of West Midlands' 18,458),
    Nottinghamshire's and Wiltshire's "Ground restraint" (950 and 294 due), Cheshire's "Other /
    improvised" (374) and Avon & Somerset's "Shield" (21). A 0 in a tactic that fewer forces use
    (AEP: 35 of 42) or in a "not stated" part is left as published. By the rule that flags a kind of
    condition a force never records (the others' share gives it ``absent_expected`` or more), such a
    row and every total it is part of (its ``part_of``, up to ``*Total Tactics``) are not like for
    like with the other forces' rows: ``tactic_unrecorded`` is True on them, they are listed in
    ``.attrs["summary"]["tactic_unrecorded"]`` (``lacks``: the tactic and its line, or "itself"),
    and the funnels given the table as ``data=`` name them in a warning, as for ``comparable``.
    2019/20: Nottinghamshire's and Wiltshire's ``*Total Restraint`` and ``*Total Tactics`` (no ground
    restraint: the other forces' ground restraint has 18.0% of its tactics with a health condition
    reported on people with a mental health condition, England and Wales' ``*Total Tactics`` 16.0%),
    Cheshire's ``*Total Other`` and ``*Total
    Tactics``, Avon & Somerset's ``*Total Other equipment`` and ``*Total Tactics``; West Midlands'
    "Tactical communication" is in no total. ``comparable`` stays the force's, on all its rows (its
    other tactics are recorded like the others').

    **A funnel of the forces.** The England and Wales row includes the flagged forces (and
    their counts recorded otherwise): its 16.0% is no target for the others. The target is the
    pooled share of the comparable forces (2019/20: 104,131 of 657,348, 15.8%, in
    ``.attrs["summary"]["comparable"]``), which :func:`saferstats.funnel_significance` and
    :func:`saferstats.funnel_target` give by default from their ``*Total Tactics`` rows; leaving
    out too the totals that lack a tactic not recorded (Cheshire and Nottinghamshire:
    ``tactic_unrecorded``), 102,359 of 635,629, 16.1% (35 forces)::

        forces = t[(t.row_type == "all tactics") & t.comparable & ~t.tactic_unrecorded]
        target = saferstats.funnel_target("mental_health", "condition_reported", data=forces, kind="proportion")
        limits = saferstats.funnel_limits("condition_reported", data=forces, target=target, kind="proportion")
        labels = saferstats.funnel_significance("mental_health", "condition_reported", data=forces,
                                                kind="proportion", overdispersion=True)

    (the forces vary far more than chance allows, φ ≈ 841 for these 35, 818 for the 37 comparable
    forces: without ``overdispersion=True`` 34 of 35, and 35 of 37, are outside the 99.8% limits). One force against the rest of England and Wales:
    :func:`saferstats.compare_proportions` with ``subtract=True`` (the national total contains the
    force).

    **Publishing a table of these counts.** ``tactics``, ``mental_health`` and ``condition_reported``
    are sums of the five health-condition counts, and ``source_line`` is no count: name the roles,
    ``saferstats.suppress(t, columns=["mental", "physical", "physical_and_mental", "none",
    "not_reported"], derived=["tactics", "mental_health", "condition_reported"],
    other=["source_line"])``, so that a sum is hidden with the counts it would give back. Left to
    infer them, :func:`saferstats.suppress` keeps ``source_line`` as no count and ties each sum to
    its parts (found equal in every row; ``.attrs["roles"]["sums"]``): taking every number for a
    count of its own, it published Hertfordshire's less lethal weapons' ``mental_health`` 71 (types
    of force, 2019/20) beside ``mental`` 69, giving back the hidden 2 (physical and mental), and
    ``tactics`` 421 the hidden 3 (physical). Nested rows are subtotals: name them in ``totals=``
    (``part_of`` says which).

    Rows of England and Wales (``Total England and Wales``) are aggregates: left out, counted in
    ``.attrs["summary"]["aggregate_rows"]`` and kept as published in ``.attrs["totals"]``. Empty
    cells (the Home Office's ``..``, ``*`` and the other marks in :data:`NO_FIGURE`; 2019/20:
    the parts of some tactics, e.g. Avon & Somerset's compliant and non-compliant handcuffing,
    and Warwickshire's and West Mercia's health condition for CED) are missing, never zero, and
    listed in ``.attrs["dropped"]`` with their line. A row whose five counts do not add up to
    ``tactics``, or a total that is not the sum of its parts, is warned of and listed in
    ``.attrs["summary"]`` (``rows_not_adding_up``, ``parts_not_adding_up``). Refused
    (:class:`~saferstats.SaferstatsError` naming the file, line and column): a header without
    these columns (listed), a count that is negative or not a whole number.

    Source: Home Office, *Police use of force statistics, England and Wales: April 2019 to March
    2020*, table by perceived health condition (as cleaned by Resistance Lab,
    ``resistancelab_data/cleaned_data/use-of-force/by-health-condition-force``; OGL v3;
    ``shared/data/PROVENANCE.md`` §5). It is not Section 136 data: for Section 136 uses see
    :func:`saferstats.read_mha_annual` (NHS England, by provider, not by force).

    >>> import tempfile, pathlib, saferstats
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "uof.csv"
    >>> head = "Police Force,Type of force,Tactic,Mental,Physical,Physical and mental,None,Not reported,Number of times tactic reported"
    >>> _ = f.write_text(head + "\\n"
    ...     "Total England and Wales,Total (excluding not reported and tactical communication),*Total Tactics,30,0,2,110,8,150\\n"
    ...     "Hertfordshire,Total (excluding not reported and tactical communication),*Total Tactics,20,0,1,79,0,100\\n"
    ...     "Hertfordshire,Restraint,*Total Restraint,20,0,1,79,0,100\\n"
    ...     "Wiltshire,Total (excluding not reported and tactical communication),*Total Tactics,0,0,0,0,50,50\\n")
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     t = saferstats.read_use_of_force(f)
    >>> t[["force", "row_type", "part_of", "mental_health", "condition_reported", "comparable"]].to_string(index=False)
    '        force      row_type        part_of  mental_health  condition_reported  comparable\\nHertfordshire   all tactics           None             21                 100        True\\nHertfordshire type of force *Total Tactics             21                 100        True\\n    Wiltshire   all tactics           None              0                   0       False'
    >>> "Wiltshire (health condition not reported for any of its 50 tactics)" in str(w[0].message)
    True
    >>> all_tactics = t[(t.row_type == "all tactics") & t.comparable]
    >>> ci = saferstats.proportion_ci(all_tactics["mental_health"], all_tactics["condition_reported"]).iloc[0]
    >>> round(float(ci.value), 3), round(float(ci.lower), 3), round(float(ci.upper), 3)
    (0.21, 0.142, 0.3)
    >>> t.attrs["summary"]["aggregate_rows"], t.attrs["totals"][0]["tactics"]
    (1, 150.0)
    >>> forces = t[(t.row_type == "all tactics") & t.comparable]
    >>> saferstats.funnel_target("mental_health", "condition_reported", data=forces, kind="proportion")
    21.0
    >>> t.attrs["summary"]["comparable"]
    {'forces': 1, 'mental_health': 21, 'condition_reported': 100, 'percent': 21.0}
    """
    share = real_option("not_reported_share", not_reported_share)
    if not 0 < share <= 1:
        raise InvalidInputError(f"read_use_of_force: `not_reported_share` is the share of a force's tactics with the "
                                f"health condition not reported from which the force is flagged, above 0 and at most "
                                f"1 (default {_UOF_NOT_REPORTED}, a fifth), got {not_reported_share!r}",
                                "not_reported_share")
    due = real_option("absent_expected", absent_expected)
    if not (due > 0 and np.isfinite(due)):
        raise InvalidInputError(f"read_use_of_force: `absent_expected` is the number of tactics the other forces' "
                                f"pooled share must give a kind of condition that a force never records before the "
                                f"force is flagged, a finite number above 0 (default {_UOF_ABSENT_EXPECTED:g}), got "
                                f"{absent_expected!r}", "absent_expected")
    src = _one_file(path, "path")
    rows = _read_sheet(src, sheet, "path")
    wanted = set(_UOF_COLUMNS)
    header_at = next((i for i, row in enumerate(rows[:30])
                      if wanted <= {" ".join(str(c or "").lower().split()) for c in row}), None)
    if header_at is None:
        seen = next((row for row in rows if any(str(c or "").strip() for c in row)), [])
        raise InvalidInputError(f"{src}: not the Home Office use-of-force table by health condition: expected the columns "
                                f"{', '.join(repr(c) for c in _UOF_COLUMNS)} (any case); the first row is "
                                f"{[str(c) for c in seen][:10]}", "path")
    names = [_UOF_COLUMNS.get(" ".join(str(c or "").lower().split()), "") for c in rows[header_at]]
    records: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    totals: list[dict[str, Any]] = []
    for line, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if not any(str(c).strip() for c in row if c is not None):
            continue
        rec: dict[str, Any] = {}
        problems: list[dict[str, Any]] = []
        for name, cell in zip(names, row):
            if name in ("force", "type_of_force", "tactic"):
                rec[name] = " ".join(str(cell if cell is not None else "").split())
            elif name:
                v, status = _number(cell)
                if status == "ok" and (v < 0 or v != np.floor(v)):
                    raise _refuse_cell(src, line, name, cell, "is not a count (a whole number of at least 0)")
                if status != "ok":
                    problems.append({"source_file": src.name, "source_line": line, "column": name, "value": cell,
                                     "reason": "no figure published" if status == "missing" else f"unparsable {name}"})
                rec[name] = v
        for name in _UOF_COUNTS:
            rec.setdefault(name, np.nan)
        if not rec.get("force") or not rec.get("tactic"):
            dropped.append({"source_file": src.name, "source_line": line, "column": "tactic" if rec.get("force") else
                            "force", "value": None, "reason": "no force or tactic (row left out)"})
            continue
        rec["source_line"] = line
        if AGGREGATE_NAME.search(rec["force"]):
            totals.append(rec)
            continue
        dropped.extend(problems)
        records.append(rec)
    if not records:
        raise InvalidInputError(f"{src}: no force rows under the header (line {header_at + 1})", "path")
    out = pd.DataFrame.from_records(records)
    kinds: list[str] = [""] * len(out)
    parents: list[str | None] = [None] * len(out)
    for _force, part in out.groupby("force", sort=False)["tactic"]:
        for at, kind, parent in zip(part.index, *_uof_row_types(part.tolist())):
            kinds[at], parents[at] = kind, parent
    out["row_type"] = kinds
    out["part_of"] = pd.Series(parents, index=out.index, dtype=object)
    five = out[_UOF_COUNTS[:-1]].sum(axis=1, min_count=5)
    short = out[five.notna() & out["tactics"].notna() & (five != out["tactics"])]
    rows_off = Records({"force": r.force, "tactic": r.tactic, "source_line": int(r.source_line), "sum": float(s),
                        "tactics": float(r.tactics)} for r, s in zip(short.itertuples(), five[short.index]))
    parts_off = []
    # each (force, tactic)'s row, and each total's parts summed, found once (a lookup and six column reads per
    # total were most of the reader's time); a (force, tactic) published twice is no total to check
    row_of: dict[tuple[Any, Any], int | None] = {}
    for k, key in enumerate(zip(out["force"], out["tactic"])):
        row_of[key] = None if key in row_of else k
    grouped = out[out["part_of"].notna()].groupby(["force", "part_of"], sort=False)[_UOF_COUNTS]
    kid_rows = grouped.size()
    kid_sums = grouped.sum().reindex(kid_rows.index).to_numpy(dtype=float)
    kid_known = grouped.count().reindex(kid_rows.index).to_numpy()
    published_counts = out[_UOF_COUNTS].to_numpy(dtype=float)
    published_lines = out["source_line"].to_numpy()
    for g, ((force, parent), n_kids) in enumerate(kid_rows.items()):
        at = row_of.get((force, parent))
        if at is None:
            continue
        for c, col in enumerate(_UOF_COUNTS):
            whole = published_counts[at, c]
            if kid_known[g, c] == n_kids and pd.notna(whole):
                parts = float(kid_sums[g, c])
                if parts != float(whole):
                    parts_off.append({"force": force, "tactic": parent, "column": col,
                                      "source_line": int(published_lines[at]), "published": float(whole),
                                      "sum_of_parts": parts})
    out["mental_health"] = out["mental"] + out["physical_and_mental"]
    out["condition_reported"] = out["tactics"] - out["not_reported"]
    notes = _uof_recording_notes(out[out["row_type"] == "all tactics"], share, due)
    out["recording_note"] = out["force"].map(lambda f: notes.get(f, ""))
    out["comparable"] = out["recording_note"] == ""
    unrecorded = _uof_unrecorded_rows(out, due)
    out["row_note"] = ["; ".join(n for n in pair if n) for pair in zip(_uof_odd_rows(out), unrecorded)]
    lacking = _uof_lacking_rows(out, unrecorded)
    out["tactic_unrecorded"] = [bool(x) for x in lacking]
    odd = out[out["row_note"] != ""]
    like = out[(out["row_type"] == "all tactics") & out["comparable"]]
    like = like.dropna(subset=["mental_health", "condition_reported"])
    pooled = {"forces": int(like["force"].nunique()), "mental_health": int(like["mental_health"].sum()),
              "condition_reported": int(like["condition_reported"].sum()),
              "percent": (float(100 * like["mental_health"].sum() / like["condition_reported"].sum())
                          if like["condition_reported"].sum() > 0 else float("nan"))}
    for col in _UOF_COUNTS + ["mental_health", "condition_reported"]:
        if out[col].notna().all():
            out[col] = out[col].astype("int64")
    first = ["force", "type_of_force", "tactic", "row_type", "part_of"]
    out = out[first + _UOF_COUNTS + ["mental_health", "condition_reported", "comparable", "recording_note",
                                     "row_note", "tactic_unrecorded", "source_line"]]
    out.attrs.update({
        "table": "Home Office police use of force statistics: tactics by the subject's perceived health condition",
        "unit": "times a tactic was reported (an incident with several tactics is counted once for each): not incidents, "
                "not people",
        "source_file": str(src),
        "dropped": Records(dropped),
        "totals": Records(totals),
        "summary": {"rows": len(out), "forces": int(out["force"].nunique()), "aggregate_rows": len(totals),
                    "missing_cells": sum(1 for d in dropped if d["reason"] == "no figure published"),
                    "unparsable_cells": sum(1 for d in dropped if d["reason"].startswith("unparsable")),
                    "not_comparable": Records({"force": f, "note": n} for f, n in notes.items()),
                    "odd_rows": Records({"force": r.force, "tactic": r.tactic, "source_line": int(r.source_line),
                                         "note": r.row_note} for r in odd.itertuples()),
                    "tactic_unrecorded": Records({"force": r.force, "tactic": r.tactic,
                                                  "source_line": int(r.source_line), "lacks": why}
                                                 for r, why in zip(out.itertuples(), lacking) if why),
                    "rule": {"not_reported_share": share, "absent_expected": due},
                    "comparable": pooled,
                    "rows_not_adding_up": rows_off, "parts_not_adding_up": Records(parts_off), "file": src.name},
    })
    if notes:
        warn_user(f"read_use_of_force: {src.name}: the perceived health condition is not recorded like for like by "
                  f"{len(notes)} of {out['force'].nunique()} forces: "
                  + "; ".join(f"{f} ({n})" for f, n in notes.items())
                  + ". Their shares of tactics used on people with a mental health condition cannot be compared with "
                  "the other forces' (nor their counts added to them): they are flagged in `comparable` (False) and "
                  "`recording_note`; compare the others (t[t.comparable]) and show these apart. The England and "
                  "Wales row includes them: a funnel's target is the comparable forces' pooled share "
                  f"({pooled['percent']:.1f}%, .attrs['summary']['comparable']), not its")
    heading = odd[odd["row_note"].str.contains("wrong heading", regex=False)]
    if len(heading):
        warn_user(f"read_use_of_force: {src.name}: {number_of(len(heading), 'row')} with a kind of health condition "
                  "far beyond the force's own share of it: " + "; ".join(f"{r.force} {r.tactic} (line {r.source_line}): {r.row_note}"
                                                            for r in heading.head(4).itertuples())
                  + ". Said in `row_note` and .attrs['summary']['odd_rows']; leave the row out of a comparison "
                  "(t[t.row_note == ''])")
    zeros = out[[bool(n) for n in unrecorded]]
    if len(zeros):
        warn_user(f"read_use_of_force: {src.name}: {number_of(len(zeros), 'tactic row')} published as 0 in every "
                  "column although nearly every other force reports the tactic: " + "; ".join(
                      f"{r.force} {r.tactic} (line {r.source_line}): {r.row_note}" for r in zeros.head(5).itertuples())
                  + ". Said in `row_note` and .attrs['summary']['odd_rows']; leave these rows out "
                  "(t[t.row_note == '']) rather than compare a 0. The totals they are part of lack them, so are not "
                  "like for like either: " + "; ".join(
                      f"{r['force']} {r['tactic']}" for r in out.attrs["summary"]["tactic_unrecorded"]
                      if not r["lacks"].startswith("itself"))
                  + " (`tactic_unrecorded` True on them and on the rows themselves, which the funnels name; "
                  "t[~t.tactic_unrecorded] leaves them out)")
    if rows_off or parts_off:
        eg = [f"{r['force']} {r['tactic']} (line {r['source_line']})" for r in [*rows_off, *parts_off][:4]]
        warn_user(f"read_use_of_force: {src.name}: {number_of(len(rows_off), 'row')} whose five health-condition "
                  "counts do not add up to 'Number of times tactic reported' and "
                  f"{number_of(len(parts_off), 'total')} that {'is' if len(parts_off) == 1 else 'are'} not the sum of "
                  f"their parts ({', '.join(eg)}): listed in .attrs['summary']; use one level of the table")
    return out


__all__ += ["read_use_of_force"]

"""The ``saferstats`` command line (also ``python -m saferstats``).

``saferstats report --demo --out DIR``
    The demo strategic assessment on bundled data: ``DIR/index.html`` (self-contained), the tables
    as CSV, the figures as PNG and the hotspot outlines as GeoJSON.
``saferstats report --config assessment.toml --out DIR``
    The same for your files; ``saferstats report --example-config > assessment.toml`` writes a
    commented example to start from (the repository's ``examples/assessment.toml``).
``saferstats rates | trend | disproportionality | hotspots | s136 ...``
    One analysis on a CSV, writing CSV / GeoJSON (``--help`` on each).
``saferstats demo [--out DIR]``
    Hate crime rates with CIs for every police force area (the quick table).

Bad input stops with one line naming the file/key and the problem, exit code 2 — including an
output folder that is a file or cannot be written, checked before any analysis runs. The report
writes only its own files into ``--out`` (``--out .`` is safe); every CSV has spreadsheet formulas
neutralised (a leading ``'`` on text starting with ``= + - @``, tab or CR).
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import os
import re
import sys
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import datasets
from ._frames import bare, plain
from .exceptions import CoordinateError, InvalidInputError, SaferstatsError, SaferstatsWarning
from .io import read_once, said_without_path_argument, workbook_engine
from .published import LSOA_CODES_NOTE, NO_FIGURE_MARKS
from .rates import percent_change, rate_ci
from .report import OutputError, check_input_file, write_csv
from .report.tables import number_of


#: The lines a running command says on stderr (what it read, left out, flagged), held by
#: :func:`main` as the library's warnings are: printed after the output, or, when the command stops
#: with an error, after the error line and marked "before the error" (:func:`_said_lines`).
_HELD: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("saferstats_held_lines", default=None)


def _say(line: str) -> None:
    """One line on stderr from a command: held while :func:`main` runs it, else printed at once."""
    held = _HELD.get()
    if held is None:
        print(line, file=sys.stderr)
    else:
        held.append(line)


def _said_lines(lines: list[str], *, stopped: bool = False) -> None:
    """The held lines of a command, printed; ``stopped``: after its error line, each marked as said
    before it (``saferstats: warning before the error: ...``, ``saferstats: note before the error:
    ...``, a plain line as a note), as :func:`_print_warnings` marks the library's warnings.

    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     _said_lines(["saferstats: warning: flags: 2", "Read 10 records", "Note: 3 counts"], stopped=True)
    >>> print(err.getvalue(), end="")
    saferstats: warning before the error: flags: 2
    saferstats: note before the error: Read 10 records
    saferstats: note before the error: 3 counts
    """
    for line in lines:
        if stopped:
            kind, sep, rest = line.partition(": ")
            if line.startswith(("saferstats: warning: ", "saferstats: note: ")):
                kind, _, rest = rest.partition(": ")
            else:
                kind, rest = "note", line.removeprefix("Note: ")
            line = f"saferstats: {kind} before the error: {rest}"
        print(line, file=sys.stderr)


def _demo_tables() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The headline tables on bundled real data (hate crime rates by force) and what to print."""
    df = datasets.hate_crime_by_force()
    no_pop = df.loc[df["population"].isna(), "force"].unique().tolist()
    rates = rate_ci(df["offences"], df["population"], multiplier=100_000, confidence=0.95, missing="propagate")
    table = pd.concat([df[["force", "year"]], rates.drop(columns=["confidence"])], axis=1)
    wide = df.pivot(index="force", columns="year", values=["offences", "population"])
    change = percent_change(
        wide[("offences", "2018-19")], wide[("population", "2018-19")],
        wide[("offences", "2017-18")], wide[("population", "2017-18")], missing="propagate",
    )
    change.index.name = "force"
    lines = ["Police-recorded hate crime per 100,000 population, 95% CI (PHE method: exact <10, Byar's >=10)",
             "Source: Home Office, by police force area (bundled; see saferstats/data/PROVENANCE.md)"]
    pops = wide["population"].dropna()
    same = int((pops.nunique(axis=1) == 1).sum())
    if len(pops) and same == len(pops):  # the table gives one population per force for both years
        years = " and ".join(str(c) for c in pops.columns)
        lines.append(f"Population: the table's one figure per force for both {years} ({same} forces), so the "
                     "change in a rate is the change in the count")
    lines.append("")
    show = table[table["year"] == "2018-19"].sort_values("rate", ascending=False)
    show = show.astype({"count": "Int64", "population": "Int64"})
    with pd.option_context("display.width", 120):
        lines.append(show.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    if no_pop:
        lines.append(f"\nNo published population, so no rate (rows kept with NaN): {', '.join(no_pop)}")
    herts = change.loc["Hertfordshire"]
    lines.append(
        f"\nHertfordshire 2017-18 -> 2018-19: {herts['percent_change']:+.1f}% "
        f"(95% CI {herts['percent_change_lower']:+.1f}% to {herts['percent_change_upper']:+.1f}%, p = {herts['p_value']:.3f})"
    )
    return table, change, "\n".join(lines)


def _demo(out_dir: Path) -> int:
    table, change, text = _demo_tables()
    _out_folder(out_dir)
    rates_csv = out_dir / "hate_crime_rates_by_force.csv"
    change_csv = out_dir / "hate_crime_change_by_force.csv"
    write_csv(table, rates_csv)
    write_csv(change, change_csv, index=True)
    print(text)
    print(f"\nWrote {rates_csv} and {change_csv}")
    return 0


def _out_folder(out_dir: Path) -> None:
    """The demo's output folder: created when missing; a file there is an error."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"--out {out_dir}: is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"--out {out_dir}: cannot create the folder ({exc.strerror or exc})") from exc


def _check_out_file(out: Path | None, flag: str = "--out", kind: str = ".csv") -> None:
    """Before any analysis: ``--out`` (or ``--geojson``) must be a file path in an existing,
    writable folder; the error names the option given."""
    if out is None:
        return
    if out.is_dir():
        raise OutputError(f"{flag} {out}: is a folder; give a {kind} file name")
    if out.suffix.lower() in (".xlsx", ".xls", ".xlsm", ".ods"):  # Excel would refuse a CSV under that name
        raise OutputError(f"{flag} {out}: the command writes {kind.lstrip('.').upper()}, not a workbook; give a "
                          f"{kind} file name (Excel opens CSV)")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{flag} {out}: the folder {parent} does not exist; create it first (mkdir \"{parent}\") "
                          "or give a file in an existing folder")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{flag} {out}: the folder {parent} is not writable")


#: the first bytes of a spreadsheet workbook saved with a .csv name or given instead of a CSV
_WORKBOOK_MAGIC = {b"PK\x03\x04": "a spreadsheet workbook (.xlsx or .ods)", b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook (.xls)"}


def _check_file(p: Path, arg: str = "file", *, folder_ok: bool = False) -> Path:
    """:func:`saferstats.report.check_input_file` said in the command's terms: the path first, as
    every other error of a file says it (not the configuration's ``file = '...'``), and for a
    folder where a file is wanted, the files it holds to choose from.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / "interim.csv").write_text("a")
    ...     try:
    ...         _check_file(Path(d))
    ...     except InvalidInputError as exc:
    ...         print(str(exc).replace(d, "DIR"))
    DIR: is a folder; give a file (it holds: interim.csv)
    """
    try:
        return check_input_file(p, arg, folder_ok=folder_ok)
    except InvalidInputError as exc:
        said = f"{arg} = '{p}'"
        if not str(exc).startswith(said):
            raise
        msg = f"{p}: {str(exc)[len(said):].lstrip(': ')}"
        if p.is_dir():
            files = sorted(f.name for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
            subs = sorted(f.name for f in p.iterdir() if f.is_dir() and not f.name.startswith("."))
            msg += (f" (it holds: {_names(files)})" if files
                    else f" (its folders: {_names(subs)})" if subs else " (it is empty)")
        raise InvalidInputError(msg, arg) from None


def _decode(path: Path, raw: bytes) -> str:
    """The text of a CSV: UTF-8 (with or without Excel's byte-order mark), else Windows-1252 as
    Excel's "CSV (Comma delimited)" saves it on a UK PC ("£", "é"), said on stderr."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise InvalidInputError(f"{path}: line {line} is not UTF-8 text (byte {raw[exc.start]:#04x}); save the "
                                    "file as 'CSV UTF-8 (Comma delimited)' and give that file", "file") from None
        _say(f"{path.name}: not UTF-8 (line {line}), so read as Windows-1252, as Excel saves 'CSV (Comma "
             f"delimited)'; save as 'CSV UTF-8' to avoid the guess")
        return text


def _gunzipped(path: Path, raw: bytes) -> bytes:
    """The CSV inside a gzip file (``x.csv.gz``), unpacked to at most 50 times its packed size (at
    least 64 MiB), as the library's readers take a ``.gz`` (a gzip bomb refused before it fills
    memory); a truncated or corrupt one is an error naming the file. (It was read as "UTF-16 text or
    binary", which it is not.)"""
    import zlib

    from ._gzip import gunzip_bounded

    limit = max(50 * len(raw), 64 << 20)
    try:
        out = gunzip_bounded(raw, limit)
    except (EOFError, zlib.error) as exc:
        raise InvalidInputError(f"{path}: not a readable gzip file ({exc})", "file") from None
    if out is None:
        raise InvalidInputError(f"{path}: unpacks to more than {limit:,} bytes: refused as a likely gzip bomb "
                                f"({len(raw):,} bytes on disk)", "file")
    return out


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV as published: thousands separators (``"567,700"``) read as numbers, the published
    shorthand for no figure as missing, and the rows labelled by their line in the file (the header
    is line 1; blank lines count), so that an error names the line to look at. Lines with no
    figure in any column (blank lines, Excel's trailing ``,,,``) are left out and counted on stderr.
    A workbook (.xlsx, .ods, .xls) or a semicolon-separated file is an error saying what to do; a
    file that is not UTF-8 is read as Windows-1252 (Excel's CSV on a UK PC), said on stderr."""
    import io

    _check_file(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read ({exc.strerror or exc})", "file") from exc
    if raw[:2] == b"\x1f\x8b":  # a gzipped CSV (x.csv.gz), as the police.uk readers take it; bounded against bombs
        raw = _gunzipped(path, raw)
    for magic, what in _WORKBOOK_MAGIC.items():
        if raw.startswith(magic):
            raise InvalidInputError(f"{path}: is {what}, not a CSV: open it in Excel (or LibreOffice) and use File > "
                                    "Save As > 'CSV UTF-8 (Comma delimited)', one sheet, the header in the first row; "
                                    "then give that .csv file", "file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise InvalidInputError(f"{path}: is UTF-16 text or binary (Excel's 'Unicode Text' is UTF-16 and tab-separated), "
                                "not a CSV: save it as 'CSV UTF-8 (Comma delimited)' and give that file", "file")
    text = _decode(path, raw)
    if text.lstrip()[:1] in ("{", "["):  # a JSON file: pandas said "Expected 2 fields in line 4, saw 3"
        head = text[:4096]
        what = ("GeoJSON (map features: area outlines or points)" if '"FeatureCollection"' in head
                else "TopoJSON (area outlines)" if '"Topology"' in head else "JSON")
        raise InvalidInputError(f"{path}: is {what}, not a CSV: this command reads a CSV with a header row"
                                + (" (police.uk API JSON: saferstats disproportionality reads it)"
                                   if what == "JSON" else ""), "file")
    header = text.split("\n", 1)[0]
    for sep, name, why in ((";", "semicolons", "Excel's CSV in a locale with a decimal comma"),
                           ("\t", "tabs", "Excel's 'Text (Tab delimited)'")):
        if sep in header and "," not in header:  # (a comma header may hold ";" in its names: Nomis tables)
            raise InvalidInputError(f"{path}: line 1 is separated by {name} ({header[:60]!r}), not commas ({why}); "
                                    "save it with commas ('CSV UTF-8 (Comma delimited)' with UK regional settings) "
                                    "and give that file", "file")
    try:
        df = pd.read_csv(io.StringIO(text), thousands=",", na_values=list(NO_FIGURE_MARKS), skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InvalidInputError(f"{path}: cannot read CSV ({type(exc).__name__}: {exc})", "file") from exc
    df.index = pd.RangeIndex(2, len(df) + 2, name="line")
    empty = df.isna().all(axis=1) if len(df.columns) else pd.Series(False, index=df.index)
    if empty.any():
        lines = df.index[empty.to_numpy()].tolist()
        _say(f"{path.name}: {number_of(len(lines), 'empty line')} left out (line {', '.join(map(str, lines[:5]))}"
             f"{' ...' if len(lines) > 5 else ''}); {int((~empty).sum()):,} rows read")
        df = _whole_numbers_as_written(df[~empty.to_numpy()], text, empty.to_numpy())
    return df


_WHOLE = re.compile(r"^\s*[-+]?\d{1,3}(,\d{3})*\s*$|^\s*[-+]?\d+\s*$")  # "2015", "567,700": no decimal point


def _whole_numbers_as_written(df: pd.DataFrame, text: str, empty: np.ndarray) -> pd.DataFrame:
    """``df`` (the CSV's rows less its empty lines) with the columns that pandas read as floats only
    because an empty line gave them a missing value put back to whole numbers, as the file writes
    them: a blank line between two years made ``period`` 2015.0, and every message said "2015.0".
    A column whose figures are written with a decimal point (``2015.0``) stays as it is."""
    import io

    cols = [c for c in df.columns if pd.api.types.is_float_dtype(df[c]) and df[c].notna().all()
            and bool(np.all(np.mod(df[c].to_numpy(), 1) == 0)) and bool(np.all(np.abs(df[c].to_numpy()) < 2.0**53))]
    if not cols:
        return df
    try:  # the same rows as written (the same parser, every cell as text)
        written = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return df
    if len(written) != len(empty) or list(written.columns) != list(df.columns):
        return df
    written = written[~empty]
    out = df.copy()
    for c in cols:
        if written[c].map(lambda v: bool(_WHOLE.match(v))).all():
            out[c] = df[c].astype(np.int64)
    return out


def _in_lines(msg: str, path: Path, lines: pd.Index | None = None, position: int | None = None,
              by_label: bool = False) -> str:
    """A library message about a CSV read by :func:`_read_csv` in the file's terms: "at row 29" (a
    row label, the line) -> "on line 29 of Hate crime.csv"; "(rows [np.int64(3), 5])" (positions in
    the table, or with ``by_label`` the row labels, which are the lines) -> "(lines 5, 7 of
    s136.csv)"; and advice to pass a Python ``mapping`` as what to do in the file."""
    msg = re.sub(r"\bat row (\d+)\b", rf"on line \1 of {path.name}", msg)
    msg = re.sub(r"\barea row (\d+) \(", rf"line \1 of {path.name} (", msg)  # compare_trends --subtract
    if lines is not None:
        known = set(lines)

        def pos_to_lines(m: re.Match[str]) -> str:
            pos = [int(p) for p in re.findall(r"\d+", re.sub(r"np\.\w+\(", "", m.group(1)))]
            ok = [str(p) for p in pos if p in known] if by_label else \
                [str(lines[p]) for p in pos if 0 <= p < len(lines)]
            return f"(line{'s' if len(ok) > 1 else ''} {', '.join(ok)}{m.group(2)} of {path.name})" if ok else m.group(0)

        # "(rows [2, 3, 4, 5, 6, 7] and 2 more)": duplicate rows of Defra's interim.csv (E00000000, one a region)
        msg = re.sub(r"\(rows \[([^\]]*)\]((?: and \d+ more)?)\)", pos_to_lines, msg)
        msg = msg.replace(": add it to `by` to keep them apart", ": add it to --by to keep them apart")
        # the periods: "column 'period' row 2: cannot read" -> "line 4 of X.csv"; the row is the error's
        # position (poisson_trend names the row label, year_on_year the position: the position is certain)
        msg = re.sub(r"(column '[^']*') row (\d+): cannot read",
                     lambda m: f"{m.group(1)}, line {lines[pos]} of {path.name}: cannot read"
                     if (pos := position if position is not None else int(m.group(2))) < len(lines) else m.group(0),
                     msg)
        msg = re.sub(r"\(rows (\d+)-(\d+) are",
                     lambda m: f"(lines {lines[int(m.group(1))]}-{lines[int(m.group(2))]} are"
                     if int(m.group(2)) < len(lines) else m.group(0), msg)
        if re.search(r"cannot read period '\d{1,2}/\d{1,2}/\d{2,4}'", msg):
            msg += ("; a date such as 01/04/2019 is not a period: write the financial year ('2019/20'), the year "
                    "or the month ('2019-04') in the --period column")
    msg = msg.replace(" (blank or missing values: map them with {'': ...}, e.g. to 'unknown')",
                      " (blank or missing values: write 'unknown' in those cells)")
    if " or their labels, or pass a mapping" in msg:  # s136_summary's categories: name the labels it also reads
        from .s136 import OUTCOMES, PLACES_OF_SAFETY

        canon = PLACES_OF_SAFETY if re.match(r"column '[^']*place", msg) else OUTCOMES
        msg = msg.replace(" or their labels, or pass a mapping",
                          f" or their labels ({', '.join(map(repr, canon.values()))}), in any case: change the "
                          "file's values to one of these")
    return msg


@contextlib.contextmanager
def _on_lines(path: Path, *, missing_flag: bool = False, lines: pd.Index | None = None) -> Iterator[None]:
    """A library error on a CSV read by :func:`_read_csv` names the line of the file ("on line 29 of
    Hate crime.csv", not "at row 29": :func:`_in_lines`), and drops the library's advice to pass
    ``missing=`` where the command has no ``--missing``."""
    try:
        yield
    except SaferstatsError as exc:
        pos = getattr(exc, "position", None)
        # the library names rows by their labels (here the file's lines) where it can, else by position
        by_label = lines is not None and pos is not None and 0 <= pos < len(lines) and exc.index is not None \
            and str(plain(exc.index)) == str(lines[pos])
        msg = _in_lines(str(exc), path, lines, pos, by_label)
        if not missing_flag:  # (with --missing, main gives the advice in the command's terms: _as_flags)
            msg = re.sub(r"""(;|\s+—) pass missing=.*$""", "", msg)
        raise type(exc)(msg, exc.argument, exc.index) from None


#: published headings (in snake_case) and the columns the readers give them
_READ_AS = {"total_incidents": "incidents", "ons_code": "la_code", "year": "period"}


def _did_you_mean(name: str, columns: list[str]) -> str:
    """' (did you mean 'Population'?)' for a column name that differs in case, spaces or a typo, or
    abbreviates one (the library's matcher, :func:`saferstats._frames.near_column`)."""
    from ._frames import near_column

    snake = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    # a published heading of a table a reader renamed (Defra's 'Total Incidents' is read_flytipping's
    # 'incidents', 'ONS Code' its 'la_code'): that column, not the nearest spelling ('not_all_incidents')
    close = next((c for c in (snake, _READ_AS.get(snake)) if c is not None and c in columns and c != name), None)
    close = close if close is not None else near_column(columns, name)
    return f" (did you mean {close!r}? names must match exactly, spaces and capitals too)" if close is not None else ""


#: options whose default is a column name (``saferstats trend``), and what the column holds
_DEFAULT_COLUMNS = {"count": "counts", "period": "periods (years, financial years or months)"}


#: column names (snake_case) that hold periods, suggested for ``--period`` when its default is absent
_PERIOD_NAMES = ("year", "financial_year", "month", "calendar_year", "fy")


def _shell_word(text: str) -> str:
    """``text`` as a shell word: quoted when it has a space or a character the shell reads.

    >>> _shell_word("year"), _shell_word("Financial year")
    ('year', "'Financial year'")
    """
    import shlex

    return shlex.quote(text)


def _require(df: pd.DataFrame, path: Path, **cols: str | list[str]) -> None:
    """Every column the options name is in the file, else an error naming the option, the column,
    the closest name in the file and all the file's columns."""
    for flag, given in cols.items():
        for col in [given] if isinstance(given, str) else given:
            if col not in df.columns:
                names = [str(c) for c in df.columns]
                option = f"--{flag.replace('_', '-')}"
                if col == flag and flag in _DEFAULT_COLUMNS:
                    # the option's default, not a name the analyst typed: no "did you mean 'country'?" for
                    # 'count' (an abbreviation match), only a name that differs in case or spaces
                    same = [c for c in names if re.sub(r"\W+", "", c.lower()) == col]
                    # a column named as periods are ('year' in OSCE's files, 'Month'): say it, as the option
                    when = [c for c in names if re.sub(r"\W+", "_", c.strip().lower()).strip("_") in _PERIOD_NAMES]
                    example = f" (e.g. {option} {_shell_word(when[0])})" if flag == "period" and when else ""
                    raise InvalidInputError(
                        f"{path}: no column {col!r} ({option}'s default)"
                        + (f" (did you mean {same[0]!r}? names must match exactly, spaces and capitals too)" if same
                           else f": give {option} COLUMN, the file's column of {_DEFAULT_COLUMNS[flag]}{example}")
                        + f"; columns are {names}", flag)
                raise InvalidInputError(f"{path}: no column {col!r} ({option})"
                                        f"{_did_you_mean(col, names)}; columns are {names}", flag)


#: the statistics each command writes to 4 significant figures (the confidence intervals do not justify
#: more, and a ratio of 0.00001234 stays 1.234e-05, never 0); model parameters (beta, se, intercept)
#: and p-values keep full precision, the columns of the input file are written as read
_SIG_COLUMNS = ("fitted_first_period", "rate", "lower", "upper", "rate_lower", "rate_upper", "ratio", "ratio_lower", "ratio_upper",
                "apc", "apc_lower", "apc_upper", "comparator_apc", "comparator_apc_lower", "comparator_apc_upper", "percent", "area_m2", "density_per_km2", "radius_m")
#: counts the library holds as floats (a column that had a gap), written as whole numbers when every value is one
_COUNT_COLUMNS = ("count", "population", "searches", "n", "assessed", "n_periods", "locations", "missing_times")
SIG_FIGURES = 4


def _sig(v: object, n: int = SIG_FIGURES) -> object:
    return float(f"{v:.{n}g}") if isinstance(v, float) and v == v and v not in (float("inf"), float("-inf")) else v


def _tidy(df: pd.DataFrame, keep: tuple[str, ...] = (), sig: int | None = SIG_FIGURES) -> pd.DataFrame:
    """The table as shown: the statistics in :data:`_SIG_COLUMNS` to ``sig`` significant figures
    (None: full precision, as the CSV is written unless ``--sig-figures``), coordinates to 6
    decimals (0.1 m) likewise, whole-number counts as integers and the library's pointers to
    ``.attrs[...]`` (Python only) out of the text; ``keep``: the input file's columns, as read (whole
    numbers as whole numbers, also in a column with a gap)."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if c in keep:
            # the file's whole numbers as written ("155", not "155.0" because a '#N/A' made the column float)
            v = col.dropna()
            if pd.api.types.is_float_dtype(col) and len(v) and bool((v == v.round()).all()) \
                    and bool((v.abs() < 2**53).all()):
                out[c] = col.astype("Int64")
            continue
        if c in _COUNT_COLUMNS and pd.api.types.is_float_dtype(col):
            v = col.dropna()
            if len(v) and bool((v == v.round()).all()) and bool((v.abs() < 2**53).all()):
                out[c] = col.astype("Int64")
        elif c in _SIG_COLUMNS and pd.api.types.is_float_dtype(col):
            if sig is not None:
                out[c] = col.map(lambda v: _sig(v, sig)).astype(float)
        elif c in _SIG_COLUMNS and col.dtype == object:  # statistics with [c] (disclosure control) among them
            if sig is not None:
                out[c] = col.map(lambda v: _sig(v, sig))
        elif c in ("centroid_lat", "centroid_lon") and pd.api.types.is_float_dtype(col):
            if sig is not None:
                out[c] = col.round(6)
        elif col.dtype == object or pd.api.types.is_string_dtype(col):
            out[c] = col.map(lambda v: re.sub(r"\s*\(\.attrs\[[^\]]*\]\)", "", v) if isinstance(v, str) else v)
    return out


def _excel_dates(df: pd.DataFrame) -> list[str]:
    """Text columns with values Excel turns into dates when it opens a CSV: age bands such as
    "10-17" or "5-9" (October 2017, 5 September) and financial years such as "2011/12" (December
    2011)."""
    found = []
    for c in df.columns:
        if not (df[c].dtype == object or pd.api.types.is_string_dtype(df[c])):
            continue
        for v in df[c].dropna().astype(str).str.strip().unique():
            m = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})", v)
            f = re.fullmatch(r"(\d{4})[-/](\d{2})", v)
            if (m and (1 <= int(m.group(1)) <= 12 or 1 <= int(m.group(2)) <= 12)) or (
                    f and 1 <= int(f.group(2)) <= 12 and int(f.group(2)) == (int(f.group(1)) + 1) % 100):
                found.append(f"{c!r} ({v!r})")
                break
    return found


def _write(df: pd.DataFrame, out: Path | None, keep: tuple[str, ...] = (), sig: int | None = None) -> None:
    """The table to ``--out`` (statistics at full precision, or to ``--sig-figures``) or printed
    (to ``--sig-figures``, default :data:`SIG_FIGURES`)."""
    if out:
        df = _tidy(df, keep, sig)
        try:
            write_csv(df, out)
        except OSError as exc:
            raise OutputError(f"--out {out}: cannot write ({exc.strerror or exc})") from exc
        print(f"Wrote {out}")
        dates = _excel_dates(df)
        if dates:
            _say(f"saferstats: note: Excel turns some text of {out.name} into dates when it opens the file by "
                 f"double-click: {', '.join(dates)}; open it with Data > From Text/CSV and set that column "
                 "to Text")
    else:
        df = _tidy(df, keep, SIG_FIGURES if sig is None else sig)
        with pd.option_context("display.width", 200, "display.max_columns", 40):
            print(df.to_string(index=False, float_format=lambda v: f"{v:.10g}"))


@contextlib.contextmanager
def _as_plain_csv(path: Path) -> Iterator[Path]:
    """``path``, or for a gzipped CSV (``x.csv.gz``) a temporary ``x.csv`` holding what it unpacks
    to (:func:`_gunzipped`), for the readers of published tables that take only ``.csv``: so that
    what they say of the table (the population note of the hate crime table by force) is said of
    its ``.gz`` too."""
    import tempfile

    magic = b""
    if path.is_file():
        with path.open("rb") as fh:
            magic = fh.read(2)
    if magic != b"\x1f\x8b":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="saferstats-") as tmp:
        plain_path = Path(tmp) / (path.name[:-3] if path.name.lower().endswith(".gz") else f"{path.name}.csv")
        plain_path.write_bytes(_gunzipped(path, path.read_bytes()))
        yield plain_path


def _force_table_note(path: Path) -> str | None:
    """For the Home Office hate crime table by force (``Force, Year, ..., Population``): what
    :func:`read_hate_crime` says of its populations (one figure for every year), else None."""
    from .published import read_hate_crime

    try:
        with warnings.catch_warnings(), _as_plain_csv(path) as plain_path:
            warnings.simplefilter("ignore", SaferstatsWarning)
            t = read_hate_crime(plain_path)
            said_as = plain_path.name
    except (SaferstatsError, OSError, ValueError):
        return None
    note = t.attrs.get("population_note")
    return note.replace(f"{said_as}:", f"{path.name}:") if isinstance(note, str) else None


_BOOKS = (".ods", ".xlsx", ".xlsm")


def _sheet_names(path: Path) -> list[str]:
    """The sheets of an .xlsx workbook (0.7 s on Defra's, where reading its tables takes 25 s), or
    ``[]`` for any other file or a workbook that does not open (the readers then say why)."""
    if path.suffix.lower() != ".xlsx":
        return []
    try:
        with pd.ExcelFile(path, engine=workbook_engine(path)) as book:
            return [str(n) for n in book.sheet_names]
    except Exception:  # (a damaged or mislabelled file: the reader's own error names it)
        return []


def _hate_book(path: Path, sheet: str | None) -> pd.DataFrame | None:
    """A Home Office hate crime workbook's sheet (``--sheet``), read by :func:`read_hate_crime` as
    :func:`saferstats.read_hate_crime(path, sheet=...)` reads it, its rows labelled by their line in
    the sheet; None for a CSV without ``--sheet`` (read as a plain CSV). A wrong or missing sheet is
    an error listing the workbook's sheets (and those holding a table the reader knows)."""
    from .published import read_hate_crime

    if path.suffix.lower() not in _BOOKS:
        if sheet is not None:
            raise InvalidInputError(f"{path}: --sheet {sheet!r} is for a workbook (.ods, .xlsx); this file is read as a "
                                    "CSV: leave out --sheet, or give the workbook", "sheet")
        return None
    _check_file(path)
    if sheet in (None, "LA_incidents") and "LA_incidents" in _sheet_names(path):
        # Defra's fly-tipping workbook: read_hate_crime would read all of it to refuse it (16 s)
        t = _flytipping_book(path, sheet)
        if t is not None:
            return t.set_index(pd.Index(t["source_line"].to_numpy(), name="line"))
    try:
        t = read_once(read_hate_crime, path, sheet=sheet)
    except InvalidInputError as exc:
        if not re.search(r"no sheet holds a table this reader knows|not a Home Office hate crime table", str(exc)):
            raise
        t = _flytipping_book(path, sheet)
        if t is None:
            if sheet is None:
                return None  # any other workbook: _read_csv says to save the sheet as CSV
            if "not a Home Office hate crime table this reader knows" in str(exc):
                # the library's advice is for Python (pandas.read_csv): say the sheet, and what the command takes
                known = str(exc).split("this reader knows: ", 1)[1].split("; for another table")[0]
                raise InvalidInputError(
                    f"{path}: sheet {sheet!r} is not a table this command reads ({known}); save that sheet as "
                    "'CSV UTF-8 (Comma delimited)' with one header row (a column per field) and give the CSV",
                    "sheet") from None
            raise
    return t.set_index(pd.Index(t["source_line"].to_numpy(), name="line"))


def _flytipping_book(path: Path, sheet: str | None) -> pd.DataFrame | None:
    """Defra's fly-tipping workbook as published (``Flytipping.xlsx``, sheet ``LA_incidents`` unless
    ``--sheet``), read by :func:`saferstats.read_flytipping` (its columns ``incidents``,
    ``mid_population_estimates``, ``la_name``, ``period``, ...; its warnings on stderr); None for a
    workbook that is not Defra's table. Its enforcement actions sheet is an error saying so."""
    from .published import read_flytipping

    try:
        # (read_once keys a reader's defaults given or not as one read: the report passes no sheet)
        t = read_once(read_flytipping, path, sheet=sheet or "LA_incidents")
    except InvalidInputError as exc:
        if "enforcement actions table" in str(exc):
            raise
        return None
    totals = int(t.attrs.get("summary", {}).get("aggregate_rows", 0) or 0)
    _say(f"Read Defra's fly-tipping table ({path.name}, sheet {sheet or 'LA_incidents'!r}; as "
         f"saferstats.read_flytipping reads it): {len(t):,} authority-years, {t['period'].iloc[0]} to "
         f"{t['period'].iloc[-1]}"
         + (f" ({totals:,} rows of regional and England totals left out: not areas)" if totals else "")
         + "; columns incidents, mid_population_estimates, la_name, la_code, period, ...; "
         "rows labelled by their line in the sheet")
    if "mid_population_estimates" in t.columns:
        none = sorted(p for p, n in t.groupby("period")["mid_population_estimates"].count().items() if n == 0)
        if none:  # Defra's populations start in 2019/20: say so before any rate is NaN for it
            _say(f"{path.name}: Defra publishes no mid_population_estimates for {none[0]}"
                 f"{f' to {none[-1]}' if len(none) > 1 else ''} ({number_of(len(none), 'year')}): rates for "
                 f"{'those years' if len(none) > 1 else 'that year'} need populations of your own, matched on la_code")
    return t


def _rates(args: argparse.Namespace) -> int:
    _check_out_file(args.out)
    book = _hate_book(args.file, args.sheet)
    if book is None:  # the bulletin's tables saved as CSV (title lines first): said as for its sheets
        book = _strand_table(args.file, ("strand", "monthly", "religion"))
    df = book if book is not None else _not_areas(_read_csv(args.file), args.file, args.keep_totals)
    if book is None:
        _defra_csv_note(df, args.file)
    layout = book.attrs.get("summary", {}).get("layout") if book is not None else None
    if book is not None and args.population not in df.columns and layout in ("strand", "monthly", "religion"):
        # the bulletin's tables of counts: no column name makes a rate of them
        where = f"sheet {args.sheet!r}" if args.sheet else "this file"
        raise InvalidInputError(f"{args.file}: {where} is the bulletin's {layout} table, counts with no "
                                "population, so no rate; rates need a population per row: the Home Office table by "
                                "force (its CSV 'Hate crime.csv': --count \"Total number of offences\" --population "
                                "Population), or your own CSV of counts and populations"
                                + (f"; for this {'sheet' if args.sheet else 'table'}'s trend in the counts: saferstats "
                                   f"trend \"{args.file}\"{f' --sheet {args.sheet}' if args.sheet else ''}"
                                   if layout != "religion" else ""), "population")
    _require(df, args.file, count=args.count, population=args.population)
    df = _marks_as_missing(df, args.file, [args.count, args.population])
    if book is not None:
        note = book.attrs.get("population_note")
        if isinstance(note, str) and note:
            _say(f"saferstats: warning: rates: {note}")
    elif {"Force", "Year"} <= {str(c).strip() for c in df.columns}:
        note = _force_table_note(args.file)
        if note:  # rates of several years on one population estimate: say so beside the rates
            _say(f"saferstats: warning: rates: {note}")
    try:
        with _on_lines(args.file, missing_flag=True, lines=df.index):
            out = rate_ci(df[args.count], df[args.population], multiplier=args.multiplier, confidence=args.confidence,
                          method=args.method, missing=args.missing)
    except SaferstatsError as exc:
        # the file's column, not the function's argument: "in `population`" -> "in column 'Population'
        # (--population)", and the row by its text cells ("London, City of, 2017-18")
        msg = str(exc)
        for key in ("count", "population"):
            msg = msg.replace(f"in `{key}`", f"in column {getattr(args, key)!r} (--{key})")
        m = re.search(rf"on line (\d+) of {re.escape(args.file.name)}", msg)
        if m and int(m.group(1)) in df.index:
            row = df.loc[[int(m.group(1))]].iloc[0]  # (a workbook's rows share their sheet line)
            said = [str(v) for v in row.tolist() if isinstance(v, str) and v.strip()][:3]
            if said:
                msg = msg.replace(m.group(0), f"{m.group(0)} ({', '.join(said)})", 1)
        raise type(exc)(msg, exc.argument, exc.index) from None
    no_rate = df[[args.count, args.population]].isna().any(axis=1).to_numpy()
    if no_rate.any():  # --missing propagate: count the rows with no rate, never leave them unsaid
        lines = [str(plain(i)) for i in df.index[no_rate][:5]]
        _say(f"{args.file.name}: {int(no_rate.sum()):,} of {number_of(len(df), 'row')} {'has' if int(no_rate.sum()) == 1 else 'have'} "
             "no count or population, so no rate "
             f"(line {', '.join(lines)}{' ...' if no_rate.sum() > 5 else ''})")
    rest = df.drop(columns=[args.count, args.population])
    clash = {c: f"{c}_in_file" for c in rest.columns if c in out.columns}
    if clash:  # e.g. the analyst's own "rate" column: two columns of one name are unreadable (and not writable)
        rest = rest.rename(columns=clash)
        _say(f"{args.file.name}: {'column' if len(clash) == 1 else 'columns'} {', '.join(map(repr, clash))} of the file written as "
             f"{', '.join(map(repr, clash.values()))}, beside this command's")
    per = f"{out.attrs['multiplier']:,.10g}"
    _say(f"saferstats: rates: rate, lower and upper are {args.count!r} per {per} of {args.population!r} "
         f"(--multiplier {args.multiplier:.10g})")
    _write(pd.concat([rest, out], axis=1), args.out, keep=tuple(str(c) for c in rest.columns), sig=args.sig_figures)
    return 0


def _marks_as_missing(df: pd.DataFrame, path: Path, cols: list[str]) -> pd.DataFrame:
    """The count and population columns of a CSV where every cell that is not a number is a
    published mark for no figure that :func:`_read_csv` keeps as text because it could be text
    elsewhere (``:``, ``-``, ``x``, ``n/a``, :data:`saferstats.published.NO_FIGURE`: Defra's
    ``interim.csv`` writes ``:`` for Nottingham 2012/13): read as missing (never zero), counted on
    stderr, so that ``--missing`` decides, as for a blank or ``..``. A column with other text is
    left as it is (the library's error names its line)."""
    from .published import NO_FIGURE

    out = None
    for c in dict.fromkeys(cols):
        if c not in df.columns or not (df[c].dtype == object or pd.api.types.is_string_dtype(df[c])):
            continue
        text = df[c].astype("string").str.strip()
        num = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        marks = num.isna() & df[c].notna()
        if not marks.any() or num.notna().sum() == 0 or not text[marks].str.lower().isin(NO_FIGURE).all():
            continue
        out = df.copy() if out is None else out
        out[c] = num.astype(float)
        lines = [str(plain(i)) for i in df.index[marks.to_numpy()][:5]]
        seen = ", ".join(repr(v) for v in pd.unique(text[marks])[:3])
        _say(f"{path.name}: column {c!r}: {number_of(int(marks.sum()), 'cell')} {'holds' if int(marks.sum()) == 1 else 'hold'} {seen}, a published mark for no figure: "
             f"read as missing, not zero (line {', '.join(lines)}{' ...' if marks.sum() > 5 else ''})")
    return df if out is None else out


#: labels of rows that are no area: Defra's fly-tipping table writes its regional and England totals
#: as '*Total' (ONS code and name '*Total', region '*Total England'), and ``interim.csv`` (the repo
#: author's export of its sheet) writes the same totals as 'No relevant LA' with the dummy ONS code
#: E00000000 (2012-13, East: 56,484, the sum of the East's councils)
_NOT_AN_AREA = re.compile(r"\*\s*total\b.*|no relevant (?:la|local authority)|[EWSN]0{8}", re.IGNORECASE)


def _not_areas(df: pd.DataFrame, path: Path, keep: bool) -> pd.DataFrame:
    """The rows of a CSV less those labelled as no area — a total ('*Total', '*Total England') or
    Defra's 'No relevant LA' (ONS code E00000000) — which would otherwise join the table as an area
    of their own (a trend or a rate for "No relevant LA", or a duplicate of each year for
    ``--by Region``): left out, counted on stderr with their labels and lines; ``keep``
    (``--keep-totals``) keeps them, said likewise."""
    text = [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]
    if not text or not len(df):
        return df
    found: dict[str, dict[str, int]] = {}
    hit = np.zeros(len(df), dtype=bool)
    for c in text:
        cells = df[c].map(lambda v: v.strip() if isinstance(v, str) else "")
        m = cells.map(lambda v: bool(_NOT_AN_AREA.fullmatch(v))).to_numpy(dtype=bool)
        if m.any():
            hit |= m
            found[str(c)] = {str(k): int(n) for k, n in cells[m].value_counts(sort=False).items()}
    if not hit.any():
        return df
    labels = "; ".join(f"{c} " + ", ".join(f"{v!r} ({n:,})" for v, n in list(vals.items())[:4])
                       + (" ..." if len(vals) > 4 else "") for c, vals in found.items())
    lines = [str(plain(i)) for i in df.index[hit][:5]]
    where = f"line {', '.join(lines)}{' ...' if hit.sum() > 5 else ''}"
    if keep:
        _say(f"{path.name}: {number_of(int(hit.sum()), 'row')} labelled as totals or as no area {'is' if int(hit.sum()) == 1 else 'are'} "
             "kept (--keep-totals), "
             f"each as a group of its own: {labels} ({where})")
        return df
    _say(f"saferstats: warning: {path.name}: {int(hit.sum()):,} of {len(df):,} rows are totals or counts of no area "
         f"(in Defra's fly-tipping CSVs, regional and England totals), not areas, and are left out: {labels} ({where}); "
         "--keep-totals keeps them")
    return df[~hit]


def _defra_csv_note(df: pd.DataFrame, path: Path) -> None:
    """Defra's fly-tipping table saved as CSV (``interim.csv``, the sheet's export: columns ``ONS
    Code``, ``LA Name``, ``Total Incidents``), read as a plain CSV with its own column names: the
    recording changes :func:`saferstats.read_flytipping` finds (a count 4-fold or more on the year
    before, a council not counting all incidents), which the workbook's path warns of, said on
    stderr too — read plainly, nothing else would say them (Plymouth 6,316 in 2015/16, 718 in
    2016/17, 13,953 in 2017/18)."""
    from .published import read_flytipping

    if not {"ONS Code", "LA Name", "Total Incidents"} <= {str(c).strip() for c in df.columns}:
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            summ = read_once(read_flytipping, path).attrs.get("summary", {})
    except Exception:  # (a note only: a file the reader does not take is read as a plain CSV, as before;
        return         # read_flytipping raises KeyError 'region' for Defra's columns without Region)
    steps, basis = summ.get("recording_steps") or [], summ.get("not_all_incidents") or []
    said = []
    if steps:
        shown = [f"{r['la_name']} {r['period']}: {r['previous']:,.0f} to {r['incidents']:,.0f}" for r in steps]
        said.append(f"{number_of(len(steps), 'count')} changed 4-fold or more on the previous year published ({_names(shown, show=5)})")
    if basis:
        shown = [f"{r['la_name']} {r['period']}: {r['reporting_basis']}" for r in basis]
        said.append(f"{number_of(len(basis), 'authority-year')} not counted on Defra's 'All incidents' basis ({_names(shown, show=3)})")
    elif not summ.get("reporting_basis_published", True):
        said.append("it has no 'Reporting basis' column (Defra publishes it from 2019/20), so the councils that "
                    "count only customer/public reports cannot be named from it")
    if said:
        _say(f"saferstats: warning: {path.name} is Defra's fly-tipping table read as a plain CSV, so nothing in the "
             f"result flags its recording changes, which are not trends: {'; '.join(said)}. Leave those years out "
             "or say why not; the workbook as published (Flytipping.xlsx) names the trends that run across them")


def _stripped(df: pd.DataFrame, path: Path, by: list[str]) -> pd.DataFrame:
    """The ``--by`` columns of a CSV without spaces around their values: Defra's ``interim.csv``
    writes 'Hartlepool', 'Hartlepool ' and 'Hartlepool  ' in different years, which made three
    groups (three partial trends) of one council. Counted on stderr."""
    out = None
    for c in by:
        if c not in df.columns or not (df[c].dtype == object or pd.api.types.is_string_dtype(df[c])):
            continue
        col = df[c]
        new = col.map(lambda v: v.strip() if isinstance(v, str) else v)
        changed = (new != col) & col.notna()
        if not changed.any():
            continue
        out = df.copy() if out is None else out
        out[c] = new
        values = pd.unique(col[changed.to_numpy()].astype(str))
        _say(f"{path.name}: column {c!r} (--by): spaces around {number_of(len(values), 'value')} removed "
             f"({', '.join(repr(v) for v in values[:3])}{' ...' if len(values) > 3 else ''}; {int(changed.sum()):,} "
             "cells), so that each is one group, not one per spelling")
    return df if out is None else out


def _strand_table(path: Path, layouts: tuple[str, ...] = ("strand",)) -> pd.DataFrame | None:
    """The Home Office's hate crime series by strand as published (Table 2 of the bulletin: title
    lines, then ``Hate crime strand, 2011/12, ...``), read by :func:`read_hate_crime`; with
    ``layouts`` also its monthly figures (Figure 2) or its table by religion (Table 3) saved as CSV,
    which pandas could not read past their title lines ("Expected 1 fields in line 3"); None for any
    other file (read as a plain CSV)."""
    from .published import read_hate_crime

    _check_file(path)
    if path.suffix.lower() != ".csv" and not path.name.lower().endswith(".csv.gz"):
        return None
    try:
        with warnings.catch_warnings(record=True) as said, _as_plain_csv(path) as plain_path:
            warnings.simplefilter("always", SaferstatsWarning)
            t = read_hate_crime(plain_path)
    except (SaferstatsError, ValueError, OSError):  # (a workbook saved as .csv: _read_csv says what to do)
        return None
    if t.attrs.get("summary", {}).get("layout") not in layouts:
        return None
    for w in said:  # what the reader says of the table it read (a row it left out), said as for a workbook
        if issubclass(w.category, SaferstatsWarning):
            warnings.warn(w.message)
    return t.set_index(pd.Index(t["source_line"].to_numpy(), name="line"))  # an error names the file's line


def _trend(args: argparse.Namespace) -> int:
    _check_out_file(args.out)
    if args.subtract and args.compare_with is None:
        raise InvalidInputError("--subtract is for --compare-with NAME (NAME's counts include each group's): give "
                                "--compare-with too", "subtract")
    _check_seasonality(args)
    pop = None if args.population in ("", "none") else args.population
    book = _hate_book(args.file, args.sheet)
    layout = book.attrs.get("summary", {}).get("layout") if book is not None else None
    if book is None:  # a CSV of the bulletin as published: its strand table, monthly figures or religion table
        book = _strand_table(args.file, ("strand", "monthly", "religion"))
        layout = book.attrs.get("summary", {}).get("layout") if book is not None else None
    strands = book if layout == "strand" else None
    if book is not None and layout == "monthly":  # Figure 2: racially or religiously aggravated offences by month
        df, pop = book, None
        args.count, args.period = "count", "month"
        _say(f"Read the Home Office monthly figures ({df['month'].iloc[0]} to {df['month'].iloc[-1]}; counts, no "
             "population): the trend in the monthly counts")
    elif book is not None and layout == "religion":
        raise InvalidInputError(f"{args.file}: {f'sheet {args.sheet!r}' if args.sheet else 'this'} is the table by "
                                "perceived religion, one year only: "
                                "a trend needs a series (the strand table, the table by force, or the monthly figures)",
                                "sheet")
    elif book is not None and strands is None:  # the table by force and year
        df = book
    elif strands is not None:  # the Home Office bulletin's series by strand (title lines, years across)
        df, pop = strands, None
        args.count, args.period, args.by = "count", "period", ["strand"]
        read_as = (f"Read the Home Office hate crime series by strand ({df['period'].iloc[0]} to "
                   f"{df['period'].iloc[-1]}; counts, no population): ")
        if args.compare_with is None:
            _say(f"{read_as}annual % change of each strand and of the totals")
    else:
        # a total kept for --compare-with ('*Total England'): that group is asked for by name
        keep = args.keep_totals or (args.compare_with is not None and bool(_NOT_AN_AREA.fullmatch(
            str(args.compare_with).strip())))
        df = _not_areas(_read_csv(args.file), args.file, keep)
        _defra_csv_note(df, args.file)
    # the periods first: with two years (the Home Office table by force) no column name makes a trend
    names = {str(c) for c in df.columns}
    if args.period == "period" and "period" not in names and {"Force", "Year"} <= names and not args.by:
        # the Home Office table by force as published, with the defaults: its years are the periods
        _enough_periods(df, args.file, period="Year", by=["Force"], population=pop,
                        count=args.count if args.count in names or "Total number of offences" not in names
                        else "Total number of offences")
    if book is not None and layout is None and {"incidents", "la_code"} <= names and \
            (args.count not in names or (pop is not None and pop not in names)):
        # Defra's fly-tipping workbook with the command's defaults (count, population): say its columns
        raise InvalidInputError(
            f"{args.file}: Defra's fly-tipping table has no column "
            f"{args.count if args.count not in names else pop!r} "
            f"({'--count' if args.count not in names else '--population'}); its counts are 'incidents' (--count "
            "incidents; or a land or waste type, e.g. highway_incidents) and its populations "
            "'mid_population_estimates', published from 2019/20 only: --population none for the trend in the counts "
            "over all its years, or --population mid_population_estimates --missing drop for rates from 2019/20; one "
            "trend per council: --by la_code (la_name splits renamed councils)", "count" if args.count not in names
            else "population")
    _require(df, args.file, count=args.count, period=args.period, by=args.by or [])
    df = _marks_as_missing(df, args.file, [args.count, *([pop] if pop is not None and pop in names else [])])
    df = _stripped(df, args.file, args.by or [])
    _enough_periods(bare(df), args.file, period=args.period, by=args.by or [], count=args.count, population=pop)
    try:
        _require(df, args.file, population=[pop] if pop is not None else [])
    except InvalidInputError as exc:
        if exc.argument != "population" or args.population != "population":
            raise
        # the default population column is absent: a series of counts is common (crimes a year)
        raise InvalidInputError(f"{exc}; give --population COLUMN, or --population none for a trend in the counts",
                                "population") from None
    # --compare-with England on Defra's table: a total row the reader left out, no comparator (it includes
    # each council, and counts on another basis before 2019/20): its other councils like for like instead
    total = _total_row_named(book if book is not None else df, df, args)
    if total:
        if args.missing == "error":
            _stop_on_missing(df, args.file, count=args.count, population=pop, period=args.period, by=args.by)
        return _against_others(df, args, pop, total)
    comparator = _comparator(df, args) if args.compare_with is not None else None
    if comparator is not None and strands is not None and args.by == ["strand"]:
        # what is compared, said once (the header; the library's warning that it leaves the totals out
        # said the same again): the table's totals are left out here, against a strand (its counts are in
        # them) and the other total against a total (motivating factors: an offence can have several)
        totals = [t for t in _STRAND_TOTALS if t in set(df["strand"].astype(str))]
        less = " less that strand" if args.subtract else ""
        if comparator in _STRAND_TOTALS:
            left = [t for t in totals if t != comparator]
            what = f"each strand's annual % change compared with that of the total {comparator!r}{less}"
            why = f". The other total ({left[0]}) is left out: it is no strand of {comparator}" if left else ""
        else:
            left = totals
            what = (f"each other strand's annual % change compared with that of {comparator!r}{less}"
                    + (f" (the totals, {' and '.join(totals)}, are left out: {comparator}'s counts are in them, so "
                       "they are no strand beside it; --compare-with offences sets each strand against the total)"
                       if totals else ""))
            why = ""
        df = df[~df["strand"].astype(str).isin(left).to_numpy()]
        _say(f"{read_as}{what}, over the periods both have: the ratio against {comparator!r} > 1, rising faster (or "
             f"falling slower); < 1, slower{why}")
    if args.by and comparator is None and strands is None and layout is None:
        _split_groups(bare(df), by=args.by, period=args.period)
    if args.missing == "error":
        _stop_on_missing(df, args.file, count=args.count, population=pop, period=args.period, by=args.by or [])
    short, read = None, df
    if comparator is None or len(args.by) == 1:  # groups with too few periods: a row each saying so, the others fitted
        df, short = _short_groups(df, count=args.count, population=pop, period=args.period, by=args.by or [],
                                  missing=args.missing, keep=comparator)
    with _two_periods(df, args.file, count=args.count, population=pop, period=args.period, by=args.by or []), \
            _on_lines(args.file, missing_flag=True, lines=df.index):
        if comparator is not None:
            if strands is None:  # (the strand table's header said it)
                _say(f"Each {args.by[0]}'s annual % change against {comparator!r}"
                     + (" less that " + args.by[0] if args.subtract else "")
                     + " over the periods both have: ratio > 1, rising faster (or falling slower) than the comparator; "
                     "< 1, slower")
            res = _fit_trend(df, args, pop, comparator)
        else:
            res = _fit_trend(df, args, pop)
    # (with --compare-with, compare_trends gives the recording_change column and its warning itself)
    changes = list(res.attrs.get("recording_changes") or []) if comparator is None else []
    if short is not None:
        res = _with_short_groups(res, short, args.by, comparator)
        if "recording_change" in res.columns:
            res["recording_change"] = res["recording_change"].fillna("")
    if comparator is None and "seasonality" not in res.columns:
        # (with seasonal terms the intercept is the reference month's line: no line at first_period)
        res = _with_fitted_first(res, df, period=args.period, population=pop)
    if comparator is None and strands is None and layout is None:
        res = _with_names(res, read, by=args.by or [], period=args.period)
    if changes:
        res = _with_recording_changes(res, changes, args.by or [])
    if res.attrs.get("season"):  # (with --compare-with: each side's, the area's and the comparator's)
        res = _with_season(res, list(res.attrs["season"]), args.by or [])
    elif "seasonality" in res.columns:  # --seasonality: the season is in the fit
        res = _with_fitted_season(res)
    _write(res, args.out, sig=args.sig_figures)
    return 0


def _check_seasonality(args: argparse.Namespace) -> None:
    """``--harmonics`` without ``--seasonality fourier`` is refused. (With ``--compare-with``, each
    side's trend has its own seasonal terms: :func:`saferstats.compare_trends`'s ``seasonality``.)"""
    if args.harmonics is not None and args.seasonality != "fourier":
        raise InvalidInputError(f"--harmonics {args.harmonics} counts the sin/cos pairs of --seasonality fourier: give "
                                "--seasonality fourier too (--seasonality dummies has a term for each month or quarter "
                                "of the year, no harmonics)", "harmonics")


def _with_fitted_season(res: pd.DataFrame) -> pd.DataFrame:
    """The trend table fitted with ``--seasonality``: the library's ``seasonality`` column ("dummies
    (12 a year)") said in words as the ``season`` column, where a straight trend has its season
    check, so that the row says its APC is net of the season (not a warning that it is not).

    >>> res = pd.DataFrame({"apc": [19.25], "note": [""], "seasonality": ["dummies (12 a year)"]})
    >>> print(_with_fitted_season(res)["season"].iloc[0])
    month-of-year terms fitted (dummies (12 a year)): this row's APC is the trend net of the season
    """
    out = res.drop(columns=["seasonality"])
    units = {"(12 a year)": "month-of-year", "(4 a year)": "quarter-of-year"}
    fitted = res["apc"].notna().to_numpy() if "apc" in res.columns else np.ones(len(res), dtype=bool)
    text = [("" if not isinstance(v, str) or not v else
             f"{next((u for k, u in units.items() if k in v), 'seasonal')} terms fitted ({v}): this row's APC is the "
             "trend net of the season" if ok else f"no trend: {v} asked for, not fitted (the note says why)")
            for v, ok in zip(res["seasonality"], fitted)]
    after = "recording_change" if "recording_change" in out.columns else "note"
    out.insert(out.columns.get_loc(after) + 1 if after in out.columns else len(out.columns), "season", text)
    out.attrs = dict(res.attrs)
    return out


def _with_season(res: pd.DataFrame, checks: list[dict[str, Any]], by: list[str]) -> pd.DataFrame:
    """The trend table of monthly (quarterly) counts with a ``season`` column after ``note`` (after
    ``recording_change`` where there is one): :func:`saferstats.poisson_trend`'s season check of each
    series (``.attrs['season']``), so that a row's straight-trend APC does not stand alone in the CSV
    where the month of the year is material (the warning was on stderr only): the F test and the APC
    with a term for each month (quarter); that the terms are not material; or that the series is too
    short to check; "" for a group not checked. With ``--compare-with`` (the checks of
    :func:`saferstats.compare_trends`, each with its ``series``) the area's and the comparator's
    checks are both said, each named ("area: …; comparator: …"): the ratio of two straight trends
    is read with both.

    >>> res = pd.DataFrame({"apc": [12.11], "note": [""]})
    >>> chk = [{"cycle": 12, "material": True, "f": 16.48, "f_df": (11, 59), "p_value": 3.5e-14,
    ...         "apc_seasonal": 12.926, "apc_seasonal_lower": 11.776, "apc_seasonal_upper": 14.087}]
    >>> print(_with_season(res, chk, [])["season"].iloc[0])
    month-of-year terms material (F = 16.5 on 11 and 59 df, p < 0.001): the APC with them is 12.93 (11.78 to 14.09, quasi-Poisson); this row's APC has none (--seasonality dummies fits them)
    """
    said: dict[tuple[str, ...], list[str]] = {}
    for c in checks:
        unit = "month" if c.get("cycle") == 12 else "quarter"
        if c.get("note"):
            text = f"{c['note']}: too short to check the season (no {unit}-of-year term can be fitted)"
        else:
            p = float(c["p_value"])
            df1, df2 = c["f_df"]
            test = f"F = {float(c['f']):.1f} on {df1} and {df2} df, p {'< 0.001' if p < 0.001 else f'= {p:.3f}'}"
            text = (f"{unit}-of-year terms material ({test}): the APC with them is {float(c['apc_seasonal']):.2f} "
                    f"({float(c['apc_seasonal_lower']):.2f} to {float(c['apc_seasonal_upper']):.2f}, quasi-Poisson); "
                    + ("this row's APC has none (--seasonality dummies fits them)" if "series" not in c
                       else f"the {c['series']}'s APC in this row has none")
                    if c.get("material") else f"{unit}-of-year terms not material ({test})")
        said.setdefault(tuple(str(c.get(b)) for b in by), []).append(f"{c['series']}: {text}" if "series" in c else text)
    keys = [tuple(str(v) for v in row) for row in res[by].itertuples(index=False)] if by else [()] * len(res)
    out = res.copy()
    after = "recording_change" if "recording_change" in out.columns else "note"
    at = out.columns.get_loc(after) + 1 if after in out.columns else len(out.columns)
    out.insert(at, "season", ["; ".join(said.get(k, [])) for k in keys])
    return out


def _with_recording_changes(res: pd.DataFrame, changes: list[dict[str, object]], by: list[str]) -> pd.DataFrame:
    """The trend table with a ``recording_change`` column after ``note``: for each group whose
    series runs across a change in how its count is recorded (Defra's reporting basis, or a 4-fold
    step: ``poisson_trend``'s ``.attrs['recording_changes']``), the periods and the change, so that
    the row itself says its APC is not like for like over the years (the warning alone was on
    stderr, and the CSV row read as a trend); "" for the others. (With ``--compare-with``,
    :func:`saferstats.compare_trends` gives the column itself, the comparator's changes too.)

    >>> res = pd.DataFrame({"la_code": ["E1", "E2"], "apc": [7.5, 1.0], "note": ["", ""]})
    >>> ch = [{"la_code": "E1", "period_from": "2019/20", "period_to": "2020/21", "reason": "reporting basis 'A' to 'B'"}]
    >>> _with_recording_changes(res, ch, ["la_code"])["recording_change"].tolist()
    ["2019/20 to 2020/21: reporting basis 'A' to 'B'", '']
    """
    said: dict[tuple[str, ...], list[str]] = {}
    for r in changes:
        key = tuple(str(r.get(b)) for b in by)
        said.setdefault(key, []).append(f"{r['period_from']} to {r['period_to']}: {r['reason']}")
    keys = [tuple(str(v) for v in row) for row in res[by].itertuples(index=False)] if by else [()] * len(res)
    out = res.copy()
    at = out.columns.get_loc("note") + 1 if "note" in out.columns else len(out.columns)
    out.insert(at, "recording_change", ["; ".join(said.get(k, [])) for k in keys])
    return out


#: the rates of the trend line in ``fitted_first_period`` are per this many of the population
TREND_PER = 100_000
#: the residual df (``df_resid``: ``n_periods - 2`` less any seasonal terms) below which ``trend --use-z`` warns
#: that a quasi-Poisson fit's normal p-value is too small and gives the t p-value beside it (t(0.975, 4) = 2.78
#: against z = 1.96). Not the library's warning threshold (:data:`saferstats.trend.QUASI_Z_WARN_BELOW_DF`, 30).
USE_Z_T_PVALUE_BELOW_DF = 5


def _fit_trend(df: pd.DataFrame, args: argparse.Namespace, pop: str | None,
               comparator: str | pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`saferstats.poisson_trend` (or, with ``comparator``, :func:`saferstats.compare_trends`)
    with ``use_t="auto"``, R's ``summary.glm`` rule per row (:func:`saferstats.trend.t_where_quasi`,
    as the library and the report): a quasi-Poisson fit's limits and p-value from Student t on its
    residual df (``df_resid``, ``n_periods - 2`` less any seasonal terms: the dispersion is
    estimated from the same few points), a Poisson or negative binomial fit's from the normal (z);
    a comparison with a quasi-Poisson fit on either side has t (each APC on its residual df, the
    ratio on the Welch-Satterthwaite df). ``--use-t`` gives t for every fit (``use_t=True``),
    ``--use-z`` the normal for every fit (``use_t=False``, statsmodels' default). The ``intervals``
    column says which each row has, in the library's words (:func:`saferstats.trend.intervals_said`):
    ``"t (df=6)"``, ``"t (df=3.08)"`` (a comparison's Welch-Satterthwaite df) or ``"z"``. With
    ``--use-z`` on a quasi-Poisson fit of fewer than :data:`USE_Z_T_PVALUE_BELOW_DF` residual df, a warning gives
    the t p-value beside it (1 df: the normal p-value is many times too small)."""
    from .trend import compare_trends, intervals_said, poisson_trend

    def fit(use_t: bool | Literal["auto"]) -> pd.DataFrame:
        if comparator is not None:
            return compare_trends(df, comparator=comparator, by=args.by, count=args.count, population=pop,
                                  period=args.period, confidence=args.confidence, dispersion=args.dispersion,
                                  missing=args.missing, use_t=use_t, subtract=args.subtract,
                                  seasonality=args.seasonality, harmonics=args.harmonics)
        return poisson_trend(df, count=args.count, population=pop, period=args.period, by=args.by or None,
                             confidence=args.confidence, dispersion=args.dispersion, use_t=use_t, missing=args.missing,
                             seasonality=args.seasonality, harmonics=args.harmonics)

    if args.use_t and args.use_z:
        raise InvalidInputError("--use-t and --use-z ask for opposite intervals: give one (neither: t for quasi-Poisson "
                                "fits, the normal for the others, as R's summary.glm)", "use_t")
    estimate = "ratio" if comparator is not None else "apc"
    use_t: bool | Literal["auto"] = True if args.use_t else False if args.use_z else "auto"
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always", SaferstatsWarning)
        try:
            res = fit(use_t)
        except InvalidInputError as exc:
            if exc.argument != "seasonality" or "season_length" not in str(exc):
                raise
            # the command finds the season's length from the periods: it has no season_length
            raise InvalidInputError(str(exc).replace(
                ", or season_length", " (--period a column of months, '2021-03', or quarters), or leave "
                "--seasonality out"), "seasonality") from None
    quasi = res["method"].astype(str).str.contains("quasi-poisson").to_numpy() & res[estimate].notna().to_numpy()
    # the residual df: the periods less every coefficient (n_periods - 2 without seasonal terms)
    rdf = res["n_periods"].to_numpy(dtype=float) - 2 if comparator is not None else res["df_resid"].to_numpy(float)
    if args.use_z:
        few = np.flatnonzero(quasi & (rdf < USE_Z_T_PVALUE_BELOW_DF)) if comparator is None else np.empty(0, dtype=int)
        if few.size:
            with warnings.catch_warnings():  # the same fit (its warnings are said once, above)
                warnings.simplefilter("ignore")
                t = fit(True)
            shown = [f"{_trend_group(res, int(i), args.by)} p {res['p_value'].iat[i]:.2g} (z) against "
                     f"{t['p_value'].iat[i]:.2g} (t on {int(rdf[i])} df)" for i in few]
            _say(f"saferstats: warning: trend --use-z: {number_of(few.size, 'quasi-Poisson fit')} {'has' if few.size == 1 else 'have'} fewer than {USE_Z_T_PVALUE_BELOW_DF} "
                 f"residual degrees of freedom, where a p-value from the normal is too small and the interval too "
                 f"narrow (the dispersion is estimated from those few points): {_names(shown)}; without --use-z "
                 "they are from Student t, as R's summary.glm")
    elif not args.use_t and quasi.any():
        what = "comparisons with a quasi-Poisson fit" if comparator is not None else "Quasi-Poisson fits"
        _say(f"{what[0].upper()}{what[1:]} ({int(quasi.sum())} of {len(res)}): limits and p-values from Student t "
             "on the residual df ("
             + ("each trend's: n_periods - 2" + (", less the seasonal terms" if args.seasonality else "")
                + "; the ratio's on the Welch-Satterthwaite df" if comparator is not None
                else "the df_resid column: n_periods - 2, less the seasonal terms" if args.seasonality
                else "n_periods - 2")
             + "), as R's summary.glm for glm(family = quasipoisson)"
             + ("; the others from the normal (z)" if quasi.sum() < res[estimate].notna().sum() else "")
             + "; the intervals column says which (--use-z: the normal for all; --use-t: t for all)")
    for w in said:  # re-issued to main's recording: printed as the command's warnings
        # the library's advice use_t='auto' is the command's default: said as leaving --use-z out
        text = str(w.message).replace("use_t='auto'", "leaving out --use-z")
        warnings.warn_explicit(w.category(text) if text != str(w.message) else w.message, w.category, w.filename,
                               w.lineno)
    out = res.copy()
    if "intervals" not in out.columns:  # --use-t / --use-z: every row the same, in use_t="auto"'s words
        out.insert(out.columns.get_loc("p_value") + 1, "intervals",
                   intervals_said(np.full(len(out), use_t is True), out["df" if comparator is not None else "df_resid"],
                                  out[estimate].notna()))
    out.attrs = dict(res.attrs)
    return out


def _trend_group(res: pd.DataFrame, i: int, by: list[str]) -> str:
    return _group_name(tuple(res[b].iat[i] for b in by)) if by else "the series"


def _with_fitted_first(res: pd.DataFrame, df: pd.DataFrame, *, period: str, population: str | None) -> pd.DataFrame:
    """The trend table with ``fitted_first_period`` after ``intercept``: the trend line's value at
    each group's ``first_period`` — the fitted count (``--population none``) or rate per
    :data:`TREND_PER` of the population, exp(intercept + beta * t) with t the first period on the
    years scale of :func:`saferstats.parse_periods` (2012 for 2012-13). ``intercept`` itself is the
    log of that line at t = 0 (year 0: -138.8 for Hartlepool's fly-tipping), kept for scripts."""
    from .trend import parse_periods

    if not {"intercept", "beta", "first_period"} <= set(res.columns) or period not in df.columns:
        return res
    labels = df[period].dropna()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = parse_periods(labels, column=period)
    except (SaferstatsError, ValueError, TypeError):
        return res
    when = dict(zip(labels.tolist(), t.tolist()))
    t0 = res["first_period"].map(lambda v: when.get(v, np.nan)).to_numpy(dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        line = np.exp(res["intercept"].to_numpy(dtype=float) + res["beta"].to_numpy(dtype=float) * t0)
    out = res.copy()
    out.insert(out.columns.get_loc("intercept") + 1, "fitted_first_period",
               line * (TREND_PER if population is not None else 1))
    out.attrs = dict(res.attrs)
    return out


#: how many names a message of the command lists before "and N more" (as the library's warnings do)
_SHOW = 10


def _names(values: list[str], total: int | None = None, show: int = _SHOW) -> str:
    """The first ``show`` of ``values`` and how many more: "'Adur'; 'Arun' and 12 more".

    >>> _names(["'a'", "'b'", "'c'"], show=2)
    "'a'; 'b' and 1 more"
    """
    total = len(values) if total is None else total
    return "; ".join(values[:show]) + (f" and {total - min(show, len(values))} more" if total > show else "")


def _period_order(periods: pd.Series) -> pd.Series:
    """Periods in time order (financial years, months, years as :func:`saferstats.parse_periods`
    reads them), else as text."""
    from .trend import parse_periods

    vals = pd.Series(periods.dropna().unique())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = parse_periods(vals, column="period")
        return vals.iloc[np.argsort(t, kind="stable")].reset_index(drop=True)
    except (SaferstatsError, ValueError, TypeError):
        try:
            return vals.sort_values().reset_index(drop=True)
        except TypeError:
            return vals


def _group_name(key: object) -> str:
    return repr(" ".join(str(plain(k)) for k in key) if isinstance(key, tuple) else str(plain(key)))


def _split_groups(df: pd.DataFrame, *, by: list[str], period: str) -> None:
    """``saferstats trend --by NAME`` where a code column of the file joins what ``NAME`` splits
    (Defra's fly-tipping table: E06000023 is 'Bristol, City of' to 2020/21 and 'Bristol' in 2021/22,
    two trends of one council), or where groups cover only part of the file's periods (councils
    created, merged or abolished in a reorganisation: Buckinghamshire from 2020/21, Aylesbury Vale
    to 2019/20): a warning naming them (as the library names groups,
    :func:`saferstats.short_group_labels`), and ``--by CODE`` where that keeps each as one series."""
    from .trend import renamed_codes_note, short_group_labels

    if len(by) != 1 or by[0] not in df.columns or period not in df.columns:
        return
    col = by[0]
    said = []
    # the library's words (saferstats.trend.renamed_codes_note), with the command's option
    renamed = renamed_codes_note(df, [col], period, option="--by {code}", show=_SHOW)
    if renamed:
        said.append(renamed)
    periods = _period_order(df[period])
    if len(periods) >= 3:
        first, last = periods.iloc[0], periods.iloc[-1]
        rank = {p: i for i, p in enumerate(periods)}
        spans: list[tuple[Any, int | str]] = []
        for key, g in df.groupby(col, sort=True):
            have = sorted(rank[p] for p in g[period].dropna().unique())
            if have and len(have) < len(periods) and (have[0] > 0 or have[-1] < len(periods) - 1):
                spans.append((key, f"{periods.iloc[have[0]]}"
                              + (f" to {periods.iloc[have[-1]]}" if len(have) > 1 else "")))
        # named as the library names groups: 'E06000028' (Bournemouth): 2012/13 to 2018/19, or 'Adur' (2015)
        partial = short_group_labels(df, spans, by=col, period=period) if spans else []
        if partial:
            said.append(f"{number_of(len(partial), col + ' group')} {'is' if len(partial) == 1 else 'are'} in only part of {first} to {last}, so their trends are of "
                        f"a partial series (renamed, or areas created, merged or abolished): {_names(partial)}; the "
                        "first_period, last_period and n_periods columns say which periods each trend covers")
    if said:
        _say(f"saferstats: warning: trend --by {col}: {'. '.join(said)}")


def _code_names(df: pd.DataFrame, code: str, period: str) -> tuple[str, pd.Series] | None:
    """For a code column with a name column beside it (``X_code`` and ``X_name``, ``Code`` and
    ``Name``): the name column and each code's names in period order ('Shepway / Folkestone and
    Hythe' where the council was renamed); else None."""
    m = re.fullmatch(r"(.*?)([ _]?)(code)", code, flags=re.IGNORECASE) if isinstance(code, str) else None
    if m is None or period not in df.columns:
        return None
    name = next((c for c in df.columns if isinstance(c, str) and c.lower() == f"{m.group(1)}{m.group(2)}name".lower()),
                None)
    if name is None:
        return None
    # on the bare cells: each council's group took a deep copy of a published table's attrs (Defra's
    # --by la_code: 339 copies, 0.4 s of a 2.7 s run, session 34)
    cells = bare(df)
    order = {p: i for i, p in enumerate(_period_order(cells[period]))}
    rows = cells[[code, name, period]].dropna().assign(_t=lambda d: d[period].map(order)).sort_values("_t", kind="stable")
    return name, rows.groupby(code, sort=False)[name].agg(lambda v: " / ".join(dict.fromkeys(map(str, v))))


def _with_names(res: pd.DataFrame, df: pd.DataFrame, *, by: list[str], period: str) -> pd.DataFrame:
    """``--by la_code`` (a code column with a name column beside it): the trend table names each
    code beside it (:func:`_code_names`), so that a table of codes is readable."""
    named = _code_names(df, by[0], period) if len(by) == 1 and by[0] in res.columns else None
    if named is None or named[0] in res.columns:
        return res
    out = res.copy()
    out.insert(out.columns.get_loc(by[0]) + 1, named[0], out[by[0]].map(named[1]))
    return out


def _short_groups(df: pd.DataFrame, *, count: str, population: str | None, period: str, by: list[str],
                  missing: str, keep: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``saferstats trend --by`` over many groups (Defra's ~300 councils), some with fewer than 3
    periods (with figures, under ``--missing drop``): those are left out of the fit, each given a
    row with no trend (method ``not estimable``, the reason in ``note``) and named on stderr, and
    the others are fitted. :func:`saferstats.poisson_trend` itself stays strict (an error naming
    them): a script says which groups it fits. With one group, or when no group has 3 periods, the
    library's error (and the command's advice) stands; likewise when ``keep``, the ``--compare-with``
    group, is one of them."""
    from .trend import short_group_labels

    if not by or any(b not in df.columns for b in by) or period not in df.columns:
        return df, None
    cols = [count] + ([population] if population is not None else [])
    has = np.array(df[period].notna(), dtype=bool)
    if missing == "drop":
        has &= df[cols].notna().all(axis=1).to_numpy()
    flat = df.reset_index(drop=True)
    groups = flat.groupby(by if len(by) > 1 else by[0], sort=True, dropna=False).indices
    counts = {k: int(has[pos].sum()) for k, pos in groups.items()}
    small = {k: m for k, m in counts.items() if m < 3}
    if not small or len(small) == len(counts) or (keep is not None and keep in small):
        return df, None
    rows, drop = [], np.zeros(len(df), dtype=bool)
    with_figures = " with figures" if missing == "drop" else ""
    for k, m in small.items():
        pos = groups[k]
        drop[pos] = True
        kept = _period_order(flat[period].iloc[pos[has[pos]]])
        row: dict[str, object] = dict(zip(by, k if isinstance(k, tuple) else (k,)))
        row.update(n_periods=m, method="not estimable",
                   first_period=kept.iloc[0] if len(kept) else None, last_period=kept.iloc[-1] if len(kept) else None,
                   note=f"{number_of(m, 'period')}{with_figures}; a trend needs at least 3")
        rows.append(row)
    # named as poisson_trend names them: 'E06000062' (West Northamptonshire): 1 period, beside its code
    shown = short_group_labels(flat, list(small.items()), by=by, period=period)
    _say(f"saferstats: warning: trend: {len(small)} of {len(counts)} groups have fewer than 3 periods{with_figures}, "
         f"so no trend (a row each, method 'not estimable', the reason in note); the other "
         f"{len(counts) - len(small)} are fitted. No trend: {_names(shown)}")
    return df[~drop], pd.DataFrame(rows)


def _with_short_groups(res: pd.DataFrame, short: pd.DataFrame, by: list[str],
                       comparator: str | None = None) -> pd.DataFrame:
    """The trend table with the groups that had too few periods, in the by columns' order."""
    method = res["method"].dtype
    out = pd.concat([res.astype({"method": object}), short], ignore_index=True)[list(res.columns)]
    if isinstance(method, pd.CategoricalDtype):
        out["method"] = pd.Categorical(out["method"], categories=method.categories)
    if "comparator" in out.columns and comparator is not None:
        out["comparator"] = comparator
    if "confidence" in res.columns and len(res):
        out["confidence"] = res["confidence"].iloc[0]
    try:
        out = out.sort_values(by, kind="stable", ignore_index=True)
    except TypeError:
        pass
    return out


def _total_row_named(read: pd.DataFrame, df: pd.DataFrame, args: argparse.Namespace) -> str:
    """``--compare-with NAME`` where NAME is no value of the first ``--by`` column but one of the
    total rows the reader left out (``.attrs["totals"]`` of :func:`saferstats.read_flytipping`:
    Defra's England, by name, any spacing or capitals): that row as the reader names it; ``""``
    otherwise (and without ``--by``, for :func:`_comparator` to say what is wrong)."""
    if args.compare_with is None or not args.by or args.by[0] not in df.columns:
        return ""
    name = str(args.compare_with).strip()
    if any(str(v).strip().casefold() == name.casefold() for v in pd.unique(df[args.by[0]].dropna())):
        return ""
    rows = read.attrs.get("totals") if isinstance(read.attrs, dict) else None
    areas = [str(r.get("area")) for r in (rows or []) if isinstance(r, dict)]
    return next((a for a in areas if a.casefold() == name.casefold()), "")


def _against_others(df: pd.DataFrame, args: argparse.Namespace, pop: str | None, name: str) -> int:
    """``saferstats trend --compare-with England`` on Defra's table (England: :func:`_total_row_named`):
    says why the total is no comparator (:func:`saferstats.trend.total_row_why`, as
    :func:`saferstats.compare_trends` says it), and compares each council instead with England's
    other councils counted like for like over its own years (a count each year, one reporting basis,
    no step in the count), as the report's comparison with England does
    (``saferstats.trend.like_for_like_others``): the ``comparator`` column names it, and
    ``other_areas`` / ``stepped_left_out`` say how many councils are summed and how many a step in
    their count left out. A council with fewer than 3 periods is not compared (named in a note)."""
    from .report.sections import like_for_like_councils
    from .trend import like_for_like_others, total_row_why

    area, value = args.by[0], [args.count, *([pop] if pop is not None else [])]
    everyone = df.dropna(subset=value)  # (--missing error has stopped on them already)
    if args.missing == "propagate":  # a council with a missing figure has no trend
        gone = set(df.loc[df[value].isna().any(axis=1), area].astype(str))
        everyone = everyone[~everyone[area].astype(str).isin(gone)]
    periods = everyone.groupby(everyone[area].astype(str))[args.period].nunique()
    fitted = [str(a) for a in periods.index[(periods >= 3).to_numpy()]]
    short = [str(a) for a in pd.unique(df[area].astype(str)) if str(a) not in set(fitted)]
    got = like_for_like_others(everyone, everyone, fitted, area=area, period=args.period, count=args.count,
                                population=pop, like_for_like=like_for_like_councils)
    why = total_row_why(name)
    if got is None:
        raise InvalidInputError(f"--compare-with {name!r}: {why} No council has 3 periods and 2 others counted like "
                                "for like over them to compare it with instead", "compare_with")
    pairs, comps, info = got
    _say(f"--compare-with {name!r}: {why} Each {area} is compared instead with {name}'s other areas counted like for "
         "like over its own periods (a count in each, one reporting basis, no step of 2-fold or more from one period "
         "to the next; the area itself left out), as saferstats report does: the comparator column says so, "
         "other_areas how many are summed, stepped_left_out how many a step in their count left out"
         + (f"; {len(short)} with fewer than 3 periods not compared ({', '.join(short[:5])}"
            f"{' ...' if len(short) > 5 else ''})" if short else ""))
    _say(f"Each {area}'s annual % change against {name}'s other areas over the periods both have: ratio > 1, rising "
         "faster (or falling slower) than the comparator; < 1, slower")
    ns = argparse.Namespace(**{**vars(args), "by": ["_series", "_compared"], "subtract": False})
    with _on_lines(args.file, missing_flag=True, lines=df.index):
        res = _fit_trend(pairs.assign(_series=name), ns, pop, comps)
    res = res.drop(columns="_series").rename(columns={"_compared": area})
    res["comparator"] = [f"{name} less {a}, its other areas counted like for like" for a in res[area].astype(str)]
    res = res.merge(info.drop(columns="window").assign(**{area: info[area].astype(str)}), on=area, how="left")
    _write(res, args.out, sig=args.sig_figures)
    return 0


#: the totals of the Home Office strand table as :func:`read_hate_crime` names them
_STRAND_TOTALS = ("offences", "motivating_factors")


def _comparator(df: pd.DataFrame, args: argparse.Namespace) -> str:
    """``--compare-with NAME``: the value of the first ``--by`` column whose rows are the comparator,
    as the file writes it (a name that differs only in capitals, "Race" for the strand table's
    "race", is that value); an error names the option and the values the column has."""
    if not args.by:
        raise InvalidInputError("--compare-with NAME compares the trend of every other group of --by with NAME's: "
                                "give --by COLUMN (the column that holds NAME, e.g. --by area)", "compare_with")
    values = [str(v) for v in pd.unique(df[args.by[0]].dropna())]
    name = str(args.compare_with).strip()
    if name in values:
        return name
    same = [v for v in values if v.strip().casefold() == name.casefold()]
    if len(same) == 1:
        return same[0]
    near = _did_you_mean(name, values).replace("names must match", "values must match")
    raise InvalidInputError(f"--compare-with {name!r}: no row of column {args.by[0]!r} (--by) has it{near}; its values "
                            f"are {values[:12]}{' ...' if len(values) > 12 else ''}", "compare_with")


def _stop_on_missing(df: pd.DataFrame, path: Path, *, count: str, population: str | None, period: str,
                     by: list[str]) -> None:
    """``saferstats trend`` without ``--missing``: a row with no count or population stops the run
    (nothing is left out unless asked), with what to type and what it would leave out — the rows,
    and for each group the periods its trend would then run over (the Home Office strand table has
    "N/A" for the 2011/12 total of offences: that trend would run 2012/13 to 2018/19)."""
    from .exceptions import MissingValueError

    cols = [count] + ([population] if population is not None else [])
    na = df[cols].isna().any(axis=1).to_numpy()
    if not na.any():
        return
    published = {(d.get("source_line"), str(d.get("column"))):
                 (f"{d['value']!r} in the file: " if d.get("value") not in (None, "") else "") + str(d.get("reason", ""))
                 for d in df.attrs.get("dropped", []) if isinstance(d, dict)}
    df = bare(df)  # (its cells only from here)

    def where(i: int) -> str:
        row = df.iloc[i]
        what = ", ".join(str(plain(row[k])) for k in [*by, period])
        cell = published.get((plain(df.index[i]), str(plain(row[period]))), "").strip(": ")
        return f"line {plain(df.index[i])} of {path.name} ({what}{f': {cell}' if cell else ''})"

    groups = [(None, df)] if not by else list(df.groupby(by if len(by) > 1 else by[0], sort=True, dropna=False))
    if all(g[period].nunique() < 3 for _, g in groups):
        return  # no series long enough for a trend: poisson_trend says that first, and what to do instead
    rows = [int(i) for i in na.nonzero()[0]]
    shown = "; ".join(where(i) for i in rows[:5]) + ("; ..." if len(rows) > 5 else "")
    hit, whole = [], 0
    for key, g in groups:
        g_na = g[cols].isna().any(axis=1).to_numpy()
        if not g_na.any():
            whole += 1
            continue
        kept = pd.Series(g[period].to_numpy()[~g_na]).drop_duplicates()
        try:
            kept = kept.sort_values()
        except TypeError:
            pass
        name = "the trend" if key is None else repr(str(plain(key)) if not isinstance(key, tuple)
                                                     else " ".join(str(plain(k)) for k in key))
        n = len(kept)
        span = (f"{kept.iloc[0]} to {kept.iloc[-1]}" if n > 1 else str(kept.iloc[0]) if n else "none")
        hit.append(f"{name} on the {number_of(n, 'period')} it has ({span})" + ("" if n >= 3 else ": too few for a trend (3 "
                                                                       "needed), so no trend"))
    rest = (f"; the other {number_of(whole, 'group')} {'keeps all its' if whole == 1 else 'keep all their'} periods"
            if by and whole else "")
    fits = "; ".join(hit[:_SHOW])
    if len(hit) > _SHOW:  # Defra's ~300 councils without populations before 2019/20: name 10, count the rest
        few = sum(h.endswith("so no trend") for h in hit[_SHOW:])
        fits += (f"; and {len(hit) - _SHOW} more {'group' if len(hit) - _SHOW == 1 else 'groups'} on the periods they have"
                 + (f" ({few} of them too few for a trend, so no trend)" if few else ""))
    see = (" (the first_period, last_period and n_periods columns show it)" if len(hit) <= _SHOW else
           " (each group's periods are in the first_period, last_period and n_periods columns of the table, all "
           "groups: --missing drop --out FILE.csv)")
    raise MissingValueError(
        f"{number_of(len(rows), 'row')} with no figure for {' or '.join(map(repr, cols))}: {shown}. Nothing is left out unless you "
        f"say so: run again with --missing drop to leave out {'that row' if len(rows) == 1 else 'those rows'} and "
        f"fit {fits}{rest}{see}; or --missing propagate for no trend where a figure is missing", cols[0],
        plain(df.index[rows[0]]))


def _two_period_advice(df: pd.DataFrame, path: Path, *, count: str, population: str | None, period: str,
                       by: list[str]) -> str:
    """Where the change between two periods is, in the file's column names: ``saferstats rates`` for
    each period's rate with its CI, ``saferstats.year_on_year`` for the change with its CI and
    p-value, the report's ``[hate_crime]`` section for each area's (``hate_crime_change.csv``)."""
    cols = [str(c) for c in df.columns]
    cnt = count if count in cols else "COLUMN"
    pop = population if population is not None and population in cols else \
        next((c for c in cols if c.strip().lower() == "population"), None)
    flags = (f'--count "{cnt}"' if cnt != "COLUMN" else "--count COLUMN") + \
        (f' --population "{pop}"' if pop is not None else " --population COLUMN")
    return (f"for two periods: saferstats rates \"{path}\" {flags} gives each period's rate with its CI "
            f"(--missing propagate: no rate where a figure is missing); the change between them with its CI and "
            f"p-value is saferstats.year_on_year in Python (the same count, population, period and by columns), "
            "or the report's [hate_crime] section (saferstats report --config: hate_crime_change.csv, each area's "
            "change)")


def _enough_periods(df: pd.DataFrame, path: Path, *, period: str, by: list[str], count: str,
                    population: str | None) -> None:
    """``saferstats trend`` on a file with at most two periods in every group (the Home Office table
    by force: 2017-18 and 2018-19) stops at once saying so, and where the change between two periods
    is, before any error about its counts or populations (no column name would make a trend)."""
    groups = [df] if not by else [g for _, g in df.groupby(by if len(by) > 1 else by[0], sort=False, dropna=False)]
    # rows, not distinct periods: a group with a period twice is poisson_trend's error (naming the lines)
    most = max((int(g[period].notna().sum()) for g in groups), default=0)
    if most >= 3:
        return
    seen = pd.Series(df[period].dropna().astype(str).str.strip().unique())
    shown = ", ".join(seen.iloc[:4]) + (" ..." if len(seen) > 4 else "")
    each = f"each {' and '.join(by)}" if by else "the file"
    # distinct periods, not rows: OSCE's file of one year has two rows a country (one per data_source),
    # which read as "at most 2 period(s)" with advice for two periods
    distinct = max((int(g[period].dropna().astype(str).str.strip().nunique()) for g in groups), default=0)
    repeat = ""
    if most > distinct:
        keys = set(by) | {period, count, population}
        apart = [str(c) for c in df.columns if c not in keys and any(
            g.loc[g[period].duplicated(keep=False), c].astype(str).nunique() > 1 for g in groups)]
        repeat = (f" ({most} rows for one {' and '.join(by) + ' and ' if by else ''}period" +
                  (f": they differ in {', '.join(map(repr, apart[:3]))}, to add to --by" if apart else "") + ")")
    advice = (_two_period_advice(df, path, count=count, population=population, period=period, by=by)
              if distinct == 2 else
              "with one period a file (a year a file, as OSCE publishes), put the files' rows into one CSV first")
    raise InvalidInputError(
        f"{path}: {each} has at most {number_of(distinct, 'period')} in column {period!r} ({shown or 'none'}){repeat}; a trend "
        f"needs at least 3; {advice}", "period")


@contextlib.contextmanager
def _two_periods(df: pd.DataFrame, path: Path, *, count: str, population: str | None, period: str,
                 by: list[str]) -> Iterator[None]:
    """A trend needs three periods: with two, say where the change between them is (not a dead end)."""
    try:
        yield
    except InvalidInputError as exc:
        # poisson_trend's words: "has 1 period; ", "has 2 periods; " ("period(s)" before session 32)
        if not re.search(r"has (?:1 period|2 periods); a trend needs at least 3", str(exc)):
            raise
        raise type(exc)(f"{exc}; {_two_period_advice(df, path, count=count, population=population, period=period, by=by)}",
                        exc.argument, exc.index) from None


def _disp(args: argparse.Namespace) -> int:
    from .disproportionality import disproportionality
    from .geography import force_name
    from .io import read_stop_search

    _check_out_file(args.out)
    if args.threshold is not None and args.threshold < 2:
        raise InvalidInputError(f"--threshold must be a whole number from 2, got {args.threshold}", "threshold")
    for p in args.paths:
        _check_file(p, "paths", folder_ok=True)
    with warnings.catch_warnings():  # --force naming files that name their own force: said below, in the command's words
        warnings.filterwarnings("ignore", message=r"read_stop_search: `force=", category=SaferstatsWarning)
        recs = read_stop_search(args.paths, force=args.force)
    nameless = recs["force"].astype(str) == ""
    if args.force is not None:
        from .geography import force_id

        given = force_id(args.force) or args.force
        own = recs.loc[recs["force"].astype(str).map(lambda f: (force_id(f) or f) != given), ["force", "source_file"]]
        if len(own):  # --force names only the files that do not say: a file that does keeps its own force
            files = sorted(set(own["source_file"].astype(str)))
            named = [force_name(f, as_text=True) for f in sorted(set(own["force"].astype(str)))]
            _say(f"saferstats: warning: --force {args.force} is for files that name no force; "
                 f"{_names(files, show=3)} name their own ({', '.join(named)}), used for their searches")
    if args.force is None and "force" in (args.by or []) and args.population is None and nameless.any():
        files = sorted(set(recs.loc[nameless, "source_file"].astype(str)))
        raise InvalidInputError(f"{', '.join(files[:3])}: no police force in the file or its name (a police.uk API "
                                "export?): give it with --force, e.g. --force Leicestershire", "force")
    for b in args.by or []:  # csp / la: placed by each search's location (saferstats.disproportionality)
        if b not in recs.columns and b not in ("csp", "la"):
            names = [str(c) for c in recs.columns]
            raise InvalidInputError(f"--by {b}: the records have no such column{_did_you_mean(b, [*names, 'csp', 'la'])}; "
                                    "give force, csp or la (each search placed by its location), or a column of the "
                                    f"records: {names}", "by")
    pop = _read_csv(args.population) if args.population else None
    # no --census and no --population: the Census the Home Office used for the searches' period
    # (the library's census="auto", as the report chooses it), said on stderr
    auto = args.census is None and pop is None
    refused = False  # a refusal said in the command's terms: the cautions about rates not given are dropped
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SaferstatsWarning)
            res = disproportionality(recs, pop, by=args.by or None, census="auto" if auto else args.census,
                                     ethnicity_source=args.ethnicity_source, multiplier=args.multiplier,
                                     confidence=args.confidence, per_year=args.per_year)
    except InvalidInputError as exc:
        if auto and exc.argument == "census" and "none are known" in str(exc):
            # the library's census="auto" is no choice of --census: say what is missing, and the choices
            refused = True
            raise InvalidInputError(
                "the searches have no date (the files' Date column is empty), so the Census the Home Office used "
                "for their period is not known: pass --census 2011 for searches before April 2022, --census 2021 "
                "from then", "census") from None
        if pop is None and exc.argument == "by" and "with no `population`" in str(exc):
            # "--by month" alone: the library's refusal names its own keywords (by=..., population=)
            refused = True
            raise _no_area_error(args, recs) from None
        if pop is None or not re.search(r"^population has no column .*\(keyword `(group|population_col)`\)", str(exc)):
            raise
        refused = True
        # the library's keywords are no options of this command: say what the file needs
        raise InvalidInputError(
            f"--population {args.population}: {str(exc).split(' (keyword')[0].removeprefix('population ')}; the "
            "table needs one row per ethnic group with columns ethnicity (White, Black, Asian, Mixed, Other) and "
            f"population, plus the --by columns ({', '.join(args.by or ['force'])}), e.g. force,ethnicity,population; "
            f"its columns are {[str(c) for c in pop.columns]}{_wide_population_note(pop)}", "population") from None
    finally:
        for w in caught if not refused else []:  # to main()'s record, printed one line each
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    if auto:
        census = res.attrs.get("census")
        _say(f"Denominators: Census {census} usual residents (the Census the Home Office used for searches "
             f"{'before' if census == 2011 else 'from'} 2022/23; --census to choose)")
    shown = res if args.threshold is None else _suppressed_searches(res, args.by or ["force"], args.threshold)
    table = _force_named(shown, printed=args.out is None)
    _write(table, args.out, sig=args.sig_figures)
    note = _small_counts_note(table) if args.threshold is None else _suppressed_note(shown, args.threshold)
    if note:
        _say(note)
    return 0


#: Said of a disproportionality table with counts from 1 to 4 (the library's disclosure threshold).
_PUBLIC_COUNTS = ("shown, not withheld, because every search record is already public on police.uk; publishing them "
                  "beside other tables (a CSP's totals, other sources) needs disclosure control: --threshold 5 hides "
                  "them and every cell that would give them back (saferstats.suppress in Python)")


def _suppressed_searches(res: pd.DataFrame, by: list[str], threshold: int) -> pd.DataFrame:
    """``disproportionality --threshold N``: the table disclosure-controlled by
    :func:`saferstats.suppress` (primary and secondary suppression, rates and ratios of hidden counts
    blanked), against the totals a reader has, as the report takes them: each row's searches over
    the ethnic groups (police.uk) and each force's searches by group (the Home Office's force x
    ethnicity table; a CSP's or local authority's force from the ONS lookup), with each complete
    year's where the rows are months. A table by columns of the records alone (no area) is
    protected against every total over each key, more than a reader has. The reference group's
    (White's) counts are published where that leaves no small count recoverable
    (``suppress(keep="reference")``): a hidden one blanked every ratio of its area (Amber Valley's
    39, with Black 1 its only other non-zero count)."""
    from .disclosure import suppress
    from .geography import area_lookup

    level = next((b for b in by if b in ("csp", "la")), None)
    frame, area = res, ("force" if "force" in by else None)
    if area is None and level is not None:
        look = area_lookup().drop_duplicates(f"{level}_code").set_index(f"{level}_code")["force"]
        frame, area = res.assign(_force=res[f"{level}_code"].astype(str).map(look).fillna("")), "_force"
    keys = [*([area] if area == "_force" else []), *by, "group"]
    totals = None if area is None else [[*keys[:-1]]] + ([[area, "group"]] if len(keys) > 2 else [])
    # the reference group's (White's) counts published where that leaves no small count recoverable: a
    # hidden reference count blanks every ratio of its area (docs/methods/disclosure.md E8)
    out = suppress(frame, threshold=threshold, keys=keys, published_totals=totals, totals={}, keep="reference")
    return out.drop(columns=["_force"], errors="ignore")


def _suppressed_note(res: pd.DataFrame, threshold: int) -> str | None:
    """What ``--threshold`` hid (``[c]``), or ``None`` where it hid nothing."""
    hidden = res["searches"].astype(str) == "[c]" if "searches" in res.columns else pd.Series(dtype=bool)
    if not hidden.any():
        return None
    rule = pd.DataFrame(res.attrs.get("suppression", []))
    small = int(((rule["rule"] == "primary") & (rule["column"] == "searches")).sum()) if len(rule) else int(hidden.sum())
    zeros = ("; some [c] are 0 (a zero hidden as protection), so a [c] is not known to be at least 1"
             if res.attrs.get("zeros_hidden") else "")
    return (f"Note: {small:,} of the {len(res):,} counts of searches are below {threshold} and {int(hidden.sum()) - small:,} "
            f"more would give them back from the totals: shown [c] (--threshold {threshold}), with the rates and "
            f"ratios they give{zeros}")


def _small_counts_note(res: pd.DataFrame, threshold: int = 5) -> str | None:
    """One line for a table with search counts from 1 to below ``threshold`` (the counts
    :func:`saferstats.suppress` hides): shown, since the records are public, naming a few and the
    library function that controls disclosure; ``None`` without them.

    >>> t = pd.DataFrame({"csp": ["Basildon", "Basildon", "Southend-on-Sea"], "csp_code": ["E22000079"] * 3,
    ...                   "group": ["Other", "White", "Other"], "searches": [2, 455, 0]})
    >>> print(_small_counts_note(t)[:75])
    Note: 1 of the 3 counts of searches is below 5 (Basildon / Other: 2): shown
    >>> _small_counts_note(t[t["group"] == "White"]) is None
    True
    """
    if "searches" not in res.columns or "group" not in res.columns:
        return None
    n = pd.to_numeric(res["searches"], errors="coerce")
    small = res[(n >= 1) & (n < threshold)]
    if not len(small):
        return None
    keys = [c for c in res.columns[:res.columns.get_loc("group")]
            if not str(c).endswith("_code") and c != "force_id"] + ["group"]
    named = [f"{' / '.join(str(v) for v in r[:-1])}: {int(r[-1])}"
             for r in small[[*keys, "searches"]].itertuples(index=False)]
    return (f"Note: {len(small):,} of the {len(res):,} counts of searches {'is' if len(small) == 1 else 'are'} below "
            f"{threshold} ({_names(named, show=3)}): {_PUBLIC_COUNTS}")


def _wide_population_note(pop: pd.DataFrame) -> str:
    """For a population table with a column per ethnic group (Resistance Lab's
    ``police-defined-demographics.csv``: ``Police force, White, Black (or Black British), ...``; Nomis'
    ``Ethnic Group: White; measures: Value``): what it is, and that the bundled Census by force is
    used without ``--population``.

    >>> _wide_population_note(pd.DataFrame(columns=["Police force", "White", "Black (or Black British)", "Asian", "Mixed"])).split("): ")[0]
    '; this table has a column per ethnic group (White, Black (or Black British), Asian, Mixed'
    >>> _wide_population_note(pd.DataFrame(columns=["force", "ethnicity", "population"]))
    ''
    """
    groups = ("white", "black", "asian", "mixed", "other")
    wide = [str(c) for c in pop.columns
            if re.sub(r"^ethnic group:\s*", "", str(c).strip().lower()).startswith(groups)]
    if len(wide) < 3:
        return ""
    shown = ", ".join(wide[:5]) + (f" and {len(wide) - 5} more" if len(wide) > 5 else "")
    return (f"; this table has a column per ethnic group ({shown}): reshape it to one row per area and "
            "group (pandas melt), or leave out --population to use the bundled Census 2011 or 2021 usual residents "
            "by force, CSP or local authority (--census to choose)")


def _no_area_error(args: argparse.Namespace, recs: pd.DataFrame) -> InvalidInputError:
    """``--by month`` alone with no ``--population``: the bundled Census has a population per area,
    none per month; say which options give the searches an area (in the command's terms)."""
    area = (recs["force"].astype(str) != "").any() or args.force
    return InvalidInputError(
        f"--by {' '.join(args.by)} names no area, and the bundled Census populations are per area and ethnic "
        "group, so the searches need an area to be set against: "
        + (f"--by force {' '.join(args.by)} (each force's rates by {args.by[0]}), " if area else
           f"--force NAME --by force {' '.join(args.by)} (the files name no force), ")
        + f"--by csp {' '.join(args.by)} or --by la {' '.join(args.by)} (each search placed by its location), "
        "or --population FILE with a population of your own", "by")


def _force_named(res: pd.DataFrame, *, printed: bool) -> pd.DataFrame:
    """The disproportionality table with forces by their names, never police.uk's slugs
    ('city-of-london'), as the report names them: in the CSV the ONS name that joins to the published
    tables ('London, City of'), printed as text says it ('City of London'); police.uk's identifier
    beside them in ``force_id`` (what scripts join on). A force that is none of the 43 keeps its label
    in both."""
    from .geography import force_id, force_name

    if "force" not in res.columns:
        return res
    labels = res["force"].astype(str)
    names = {v: force_name(v, as_text=printed) for v in labels.unique()}
    out = res.copy()
    out["force"] = labels.map(names)
    out.insert(out.columns.get_loc("force") + 1, "force_id", labels.map(lambda v: force_id(v) or v))
    return out


def _by_code(msg: str) -> str:
    """An area name of several extents ("Durham": force, CSP and local authority): the library says
    ``pass level=...``, a keyword the command has not; the command takes the area's code instead.

    >>> _by_code("'Durham' names areas of different extent: the police force area 'Durham' (E23000008), the CSP "
    ...          "'County Durham' (E22000365), the local authority 'County Durham' (E06000047); pass level='force', "
    ...          "'csp' or 'la'").split("; ")[-1]
    'give the code of the one meant: --study-area E23000008 (police force area), E22000365 (CSP) or E06000047 (local authority)'
    >>> _by_code("'Essex' names both Essex County Council, whose area is its 12 districts (local authorities: "
    ...          "level='la'), and the police force area 'Essex' (E23000028), which also covers the unitary "
    ...          "authorities Southend-on-Sea and Thurrock; pass level='force' for the force area, or a "
    ...          "district's name").split("; ")[-1]
    "--study-area E23000028 for the police force area, or a district's name"
    """
    found = re.findall(r"the (police force area|CSP|local authority) '[^']+' \(([EWSN]\d{8})\)", msg)
    if not found or not re.search(r"; pass level=", msg):
        return msg
    codes = [f"{code} ({kind})" for kind, code in found]
    if len(codes) == 1:  # a county council's name and a larger force area's ("Essex"): no code for the county
        return (re.sub(r"; pass level=.*$", "", msg).replace(" (local authorities: level='la')", "") + f"; --study-area {found[0][1]} for the {found[0][0]}, or a "
                "district's name")
    return (re.sub(r"; pass level=.*$", "", msg) + "; give the code of the one meant: --study-area "
            + ", ".join(codes[:-1]) + " or " + codes[-1])


def _study_area_words(msg: str) -> str:
    """A study area's error in the command's words: the library names Python calls
    (``find_area('Kent', level='force')``, ``StudyArea('Hertfordshire')``, ``(level='la')``), which the
    command has not; here each call is the ``--study-area`` value that works: a force area by its code
    (its name may be a county council's too: "Kent"), a local authority or CSP by its name. Before
    session 33 ``--study-area "Kent CC"`` and towns ("Hemel Hempstead") showed the Python calls.

    >>> _study_area_words("the police force area 'Kent' (E23000032) also covers the unitary authority Medway: "
    ...                   "find_area('Kent', level='force') for the force area")
    "the police force area 'Kent' (E23000032) also covers the unitary authority Medway: --study-area E23000032 for the force area"
    >>> _study_area_words("the ward 'Hatfield Central' is in Welwyn Hatfield (E07000241), so find_area('Welwyn Hatfield')")
    "the ward 'Hatfield Central' is in Welwyn Hatfield (E07000241), so --study-area 'Welwyn Hatfield'"
    """
    from .geography import find_area

    def value(m: re.Match[str]) -> str:
        name, level = m.group("name"), m.group("level")
        if level == "force":
            try:
                return f"--study-area {find_area(name, level='force')['code']}"
            except SaferstatsError:
                pass
        return "--study-area " + (repr(name) if re.search(r"[^\w.-]", name) else name)

    msg = re.sub(r"(?:find_area|StudyArea)\((?P<q>['\"])(?P<name>.+?)(?P=q)(?:, level='(?P<level>\w+)')?\)", value, msg)
    msg = msg.replace(" (or --study-area ", " (").replace(" (level='la')", "")
    msg = re.sub(r"; census_population\([^)]*\) gives the districts' residents", "", msg)
    return msg.replace("or a polygon you pass", "or a GeoJSON file of its boundary")


#: date formats of council and police exports (UK day first), tried in turn on a --date column
_DATE_FORMATS = ("ISO8601", "%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y",
                 "%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%d-%b-%y")


def _read_dates(values: pd.Series, path: Path, option: str) -> pd.Series:
    """A CSV's date column (rows labelled by their lines, :func:`_read_csv`) as datetimes, in the one
    format that reads every written value: ISO (``2024-03-15``, ``2024-03-15 14:22``, months
    ``2024-03``) or UK day first (``15/03/2024``, ``15/03/2024 14:22``, ``15-Mar-2024``). Blank cells
    are missing (NaT). A value no format reads is an error naming how many, their lines and values
    (a US month-first date, ``03/15/2024``, is said to be one).

    >>> _read_dates(pd.Series(["15/03/2024", "", "01/04/2024"], index=[2, 3, 4]), Path("x.csv"), "--date").tolist()
    [Timestamp('2024-03-15 00:00:00'), NaT, Timestamp('2024-04-01 00:00:00')]
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    text = values.astype("string").str.strip()
    written = text.notna() & (text != "")
    if not written.any():
        raise InvalidInputError(f"{option} {values.name!r}: no dates in the column ({path.name})", "date")
    if pd.api.types.is_numeric_dtype(values.dtype):
        raise InvalidInputError(f"{option} {values.name!r}: holds numbers ({values[written].iloc[0]!r} on line "
                                f"{values.index[written.to_numpy()][0]} of {path.name}), not dates: save the column "
                                "as dates (2024-03-15 or 15/03/2024)", "date")
    best: pd.Series | None = None
    for fmt in _DATE_FORMATS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                got = pd.to_datetime(text.where(written), format=fmt, errors="coerce")
            except (ValueError, TypeError):
                continue
        if best is None or int(got.notna().sum()) > int(best.notna().sum()):
            best = got
        if bool(got[written].notna().all()):
            return got
    assert best is not None
    bad = written & best.isna()
    lines = values.index[bad.to_numpy()].tolist()
    shown = ", ".join(f"line {ln}: {text[ln]!r}" for ln in lines[:5])
    us = pd.to_datetime(text[bad], format="%m/%d/%Y", errors="coerce").notna().any()
    raise InvalidInputError(
        f"{option} {values.name!r}: {len(lines):,} of {int(written.sum()):,} dates in {path.name} cannot be read "
        f"({shown}{' ...' if len(lines) > 5 else ''})"
        + ("; they read as month/day/year (US order): write them day first (15/03/2024) or as 2024-03-15" if us else
           "; write each as 2024-03-15 or 15/03/2024 (one format for the column), or leave the cell empty (a point "
           "with no date is clustered, not dated)"), "date", lines[0])


def _period_bound(text: str | None, option: str) -> tuple[pd.Timestamp, bool] | None:
    """``--from`` / ``--to`` as (its first day, whether it was a month ``YYYY-MM``): a month, or a
    date as 2024-03-15 or 15/03/2024.

    >>> _period_bound("2021-02", "--from"), _period_bound("15/03/2021", "--to")
    ((Timestamp('2021-02-01 00:00:00'), True), (Timestamp('2021-03-15 00:00:00'), False))
    """
    if text is None:
        return None
    t = text.strip()
    for fmt, month in (("%Y-%m", True), ("%Y-%m-%d", False), ("%d/%m/%Y", False)):
        try:
            return pd.Timestamp(pd.to_datetime(t, format=fmt)), month
        except (ValueError, TypeError):
            continue
    raise InvalidInputError(f"{option} {text!r}: not a month or a date (2021-03, 2021-03-15 or 15/03/2021)",
                            option.lstrip("-"))


def _period(args: argparse.Namespace, *, months: bool) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """``--from`` .. ``--to`` as [start, end): a month bound takes the whole month, a date bound the
    whole day; with police.uk's months (``months``) a bound inside a month is refused (it would take
    part of a month the records cannot be split by), as is a period that ends before it starts.

    >>> ns = argparse.Namespace(date_from="2021-02", date_to="2021-03")
    >>> [str(b.date()) for b in _period(ns, months=True)]
    ['2021-02-01', '2021-04-01']
    """
    lo, hi = _period_bound(args.date_from, "--from"), _period_bound(args.date_to, "--to")
    start = lo[0] if lo else None
    end = None if hi is None else hi[0] + (pd.DateOffset(months=1) if hi[1] else pd.Timedelta(days=1))
    if months:
        for bound, option, text in ((start, "--from", args.date_from), (end, "--to", args.date_to)):
            if bound is not None and bound.day != 1:
                raise InvalidInputError(f"{option} {text}: police.uk street-level files give each record's month only, "
                                        f"not its day; give a month ({option} {bound.strftime('%Y-%m')})",
                                        option.lstrip("-"))
    if start is not None and end is not None and start >= end:
        raise InvalidInputError(f"--from {args.date_from} --to {args.date_to}: the period ends before it starts", "to")
    return start, end


def _in_period(args: argparse.Namespace, when: pd.Series, *, months: bool, what: str) -> pd.Series:
    """Which rows ``when`` (datetimes; police.uk's months as their first day when ``months``) puts
    inside :func:`_period`. Rows before, after and without a date are counted on stderr; a period
    that keeps none is an error naming the options and when the rows are."""
    start, end = _period(args, months=months)
    said = " ".join(f"{o} {t}" for o, t in (("--from", args.date_from), ("--to", args.date_to)) if t is not None)
    dated = when.notna()
    before = dated & (when < start) if start is not None else pd.Series(False, index=when.index)
    after = dated & (when >= end) if end is not None else pd.Series(False, index=when.index)
    keep = dated & ~before & ~after
    if not keep.any():
        fmt = "%Y-%m" if months else "%Y-%m-%d"
        span = (f"they run {when.min().strftime(fmt)} to {when.max().strftime(fmt)}" if dated.any()
                else "none has a date")
        raise InvalidInputError(f"{said}: none of the {len(when):,} {what} falls in the period ({span})",
                                "from" if args.date_from is not None else "to")
    parts = [f"{int(before.sum()):,} before {args.date_from}" if start is not None else "",
             f"{int(after.sum()):,} after {args.date_to}" if end is not None else "",
             f"{int((~dated).sum()):,} with no date" if (~dated).any() else ""]
    _say(f"{said}: {int(keep.sum()):,} of {len(when):,} {what} in the period; left out "
         + ", ".join(p for p in parts if p))
    return keep


def _street_files_in(p: Path) -> list[Path]:
    """What ``saferstats hotspots`` reads for the path ``p``: a folder that is not police.uk's own
    layout (no ``*-street.csv``, month folders or ``.zip``) but holds files the reader reads as
    street-level crime (:func:`saferstats.published.is_street_crime_file`: a download renamed
    ``street.csv``) is read as those files, said on stderr with the files left out, as
    ``saferstats disproportionality`` reads a folder's files. Until session 35 such a folder was
    refused ("is a folder; give a file (it holds: street.csv)") though the file itself was read.
    Any other path is kept as given (the reader or :func:`_check_file` says what is wrong).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / "street.csv").write_text("Month,Longitude,Latitude,Crime type\\n2023-01,-0.09,51.51,Robbery\\n")
    ...     _ = (Path(d) / "notes.txt").write_text("x")
    ...     [f.name for f in _street_files_in(Path(d))]
    ['street.csv']
    """
    from .published import is_street_crime_file

    if not p.is_dir() or is_street_crime_file(p):
        return [p]
    files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
    street = [f for f in files if is_street_crime_file(f)]
    if not street:
        return [p]
    others = [f.name for f in files if f not in street]
    _say(f"{p}: a folder; read as police.uk street-level crime: {_names([f.name for f in street])}"
         + (f" (left out: {_names(others)})" if others else ""))
    return street


def _street_months_not_read(args: argparse.Namespace, df: pd.DataFrame) -> list[str]:
    """The months of the period asked for (``--from``/``--to``; an open end, or no period, is the
    files' first or last month) of which no police.uk file was read: none of them holds a record of
    any crime type (``df["month"]``'s categories) and :func:`saferstats.read_street_crime` found no
    file of them (``.attrs["months_missing"]``). Warned about naming them, so that a gap at the edge
    of the period (``--from 2021-06`` without June's file), which the clusters' points cannot show, is
    said; when no month asked for was read, an :class:`InvalidInputError` says so (until session 36:
    "none of the 25,123 police.uk records falls in the period (they run 2021-01 to 2022-01)").

    >>> df = pd.DataFrame({"month": pd.Categorical(["2021-05", "2021-07"], ordered=True)})
    >>> df.attrs["months_missing"] = ["2021-06"]
    >>> try:
    ...     _street_months_not_read(argparse.Namespace(date_from="2021-06", date_to="2021-06"), df)
    ... except InvalidInputError as exc:
    ...     print(exc)
    --from 2021-06 --to 2021-06: no police.uk file of 2021-06 was read (the files read hold 2021-05 to 2021-07,
    without 2021-06)
    """
    if "month" not in df.columns or not isinstance(df["month"].dtype, pd.CategoricalDtype):
        return []
    known = [str(m) for m in df["month"].cat.categories if re.fullmatch(r"\d{4}-\d{2}", str(m))]
    if not known:
        return []
    gone = {str(m) for m in (df.attrs.get("months_missing") or [])}
    first, last = pd.Period(min(known), freq="M"), pd.Period(max(known), freq="M")
    start, end = _period(args, months=True)
    lo = pd.Period(start, freq="M") if start is not None else first
    hi = pd.Period(end, freq="M") - 1 if end is not None else last
    if hi < lo or (hi - lo).n > 600:
        return []  # the period lies beyond the files (said when the rows are kept), or is not a run of months
    asked = [str(p) for p in pd.period_range(lo, hi, freq="M")]
    read = {m for m in asked if first <= pd.Period(m, freq="M") <= last and m not in gone}
    missing = [m for m in asked if m not in read]
    if not missing:
        return []

    def names(ms: list[str]) -> str:
        if len(ms) > 2 and len(ms) == (pd.Period(ms[-1], freq="M") - pd.Period(ms[0], freq="M")).n + 1:
            return f"{ms[0]} to {ms[-1]}"
        return ", ".join(ms[:6]) + (f" and {len(ms) - 6} more" if len(ms) > 6 else "")

    said = " ".join(f"{o} {t}" for o, t in (("--from", args.date_from), ("--to", args.date_to)) if t is not None)
    held = f"{first} to {last}" if first != last else str(first)
    held += f", without {names(sorted(gone))}" if gone else ""
    if not read:
        raise InvalidInputError(f"{said}: no police.uk file of {names(missing)} was read (the files read hold {held})",
                                "from" if args.date_from is not None else "to")
    period = f"{asked[0]} to {asked[-1]}" if len(asked) > 1 else asked[0]
    files = "files" if len(missing) > 1 else "file"
    warnings.warn(SaferstatsWarning(
        f"hotspots: no police.uk file of {names(missing)} was read ({number_of(len(missing), 'month')} of the "
        f"{len(asked)} {'asked for, ' + said if said else 'the files span'}: {period}; the files read hold {held}): "
        f"the clusters, their `n` and first/last months cover {len(read)} of the {len(asked)} months, and a cluster "
        f"is not known to have been quiet in a month not read. Read the missing {files}, or say which months the "
        "clusters cover"))
    return missing


def _hotspots(args: argparse.Namespace) -> int:
    from .hotspot import cluster_summary, dbscan
    from .hotspot.bng import refuse_swapped_names
    from .published import is_street_crime_file, read_street_crime

    _check_out_file(args.out)
    _check_out_file(args.geojson, "--geojson", ".geojson")
    # --eps-m / --min-samples checked by dbscan's own rules (its words, said as the options) before any
    # file is read: until session 35 a bad value was refused after reading every file
    dbscan([], [], eps_m=args.eps_m, min_samples=args.min_samples)
    # the study area looked up before the files are read (a misspelt name was found out after
    # reading 108,465 records)
    study = None
    if args.study_area is not None:
        from .geography import StudyArea

        try:
            study = StudyArea(args.study_area)
        except SaferstatsError as exc:  # which option the name came from
            raise type(exc)(f"--study-area: {_study_area_words(_by_code(str(exc)))}", exc.argument, exc.index) from None
    paths: list[Path] = [f for p in args.file for f in _street_files_in(p)]
    police_uk = all(is_street_crime_file(p) for p in paths) and \
        (args.lat.strip().lower(), args.lon.strip().lower()) in (("lat", "lon"), ("latitude", "longitude"))
    if police_uk and args.date is not None and args.date.strip().lower() != "month":
        raise InvalidInputError(f"--date {args.date}: police.uk street-level files give each record's Month, which "
                                "is used already; --date names the date column of a CSV of points", "date")
    _period(args, months=police_uk)  # a bad --from / --to is found out before the files are read
    if not police_uk and args.date is None and (args.date_from is not None or args.date_to is not None):
        raise InvalidInputError("--from/--to need the CSV's date column: give --date COLUMN", "date")
    dates: pd.Series | None = None
    if police_uk:
        # police.uk street-level files as published: read as the report reads them
        for p in paths:
            if not p.is_dir():
                _check_file(p)
        with warnings.catch_warnings():
            # clusters are of coordinates: LSOA codes of another Census do not matter here
            warnings.filterwarnings("ignore", message=LSOA_CODES_NOTE)
            # a month not read: said below of the months asked for (--from/--to), not of the files' span
            warnings.filterwarnings("ignore", message="read_street_crime: no file of ")
            df = read_street_crime([str(p) for p in paths], crime_type=args.crime_type)
        lat, lon = "latitude", "longitude"
        summ = df.attrs.get("summary", {})
        kinds = ", ".join(args.crime_type) if args.crime_type else "all crime types"
        _say(f"Read {summ.get('records', len(df)):,} police.uk records from {number_of(int(summ.get('files', len(paths))), 'file')}; "
             f"kept {kinds}: {len(df):,}")
    else:
        if len(paths) != 1:
            raise InvalidInputError("give one CSV of points (or police.uk street-level files, folders or the .zip)",
                                    "file")
        if args.crime_type:
            raise InvalidInputError("--crime-type is for police.uk street-level files (columns 'Crime type', "
                                    "'Latitude', 'Longitude')", "crime_type")
        df = _read_csv(paths[0])
        _require(df, paths[0], lat=args.lat, lon=args.lon, **({"date": args.date} if args.date else {}))
        lat, lon = args.lat, args.lon
        if args.date is not None:  # read before the clustering: an unreadable date is found out first
            dates = _read_dates(df[args.date], paths[0], "--date")
    not_read: list[str] = []
    if police_uk:  # the months asked for (else the files' span) without a file read: an error when all are
        not_read = _street_months_not_read(args, df)
    if args.date_from is not None or args.date_to is not None:  # the period: rows outside it counted, left out
        if police_uk:
            keep = _in_period(args, pd.to_datetime(df["month"].astype("string"), format="%Y-%m", errors="coerce"),
                              months=True, what="police.uk records")
        else:
            assert dates is not None
            keep = _in_period(args, dates, months=False, what=f"rows of {paths[0].name}")
            dates = dates[keep]
        df = df[keep]
    n_all = len(df)
    pts = df.dropna(subset=[lat, lon])
    if len(pts) < n_all:
        # the first records named by file and line (header line 1), to look them up: police.uk's by their
        # source_file/source_line, a CSV of points by its rows' labels (their lines; until session 35 none named)
        absent = df[df[lat].isna() | df[lon].isna()]
        first = ""
        if police_uk and "source_line" in absent.columns:
            files, lines = absent["source_file"].astype(str).tolist()[:3], absent["source_line"].tolist()[:3]
            # "a.csv line 5, 12, b.csv line 3": each file named once before its lines
            named = ", ".join(f"{f} line {n}" if i == 0 or f != files[i - 1] else str(n)
                              for i, (f, n) in enumerate(zip(files, lines)))
            first = f" ({named}{' ...' if len(absent) > 3 else ''})"
        elif not police_uk:  # a CSV of points: its rows are labelled by their line in the file (header line 1)
            lines = absent.index.tolist()
            first = f" ({paths[0].name} line {', '.join(map(str, lines[:3]))}{' ...' if len(lines) > 3 else ''})"
        _say(f"{n_all - len(pts):,} of {n_all:,} records have no location and are left out{first}")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always", SaferstatsWarning)
        try:
            labels = dbscan(pts[lat], pts[lon], eps_m=args.eps_m, min_samples=args.min_samples, study_area=study)
        except InvalidInputError as exc:
            if not isinstance(exc, CoordinateError):  # columns named the wrong way round: said in --lat/--lon
                refuse_swapped_names("hotspots", pts[lat], pts[lon], options=("--lat", "--lon"))
            elif "look swapped" in str(exc):  # points in Great Britain only exchanged: the options to give
                import shlex

                msg = str(exc).replace("`lat` and `lon` look swapped",
                                       f"--lat {shlex.quote(lat)} and --lon {shlex.quote(lon)} look swapped", 1)
                msg = msg.replace("pass lat=latitude, lon=longitude",
                                  f"pass --lat {shlex.quote(lon)} --lon {shlex.quote(lat)}", 1)
                raise CoordinateError(msg, exc.argument, exc.index, position=exc.position) from None
            raise
    for w in said:  # re-issued to main's recording: printed as the command's warnings
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    # dbscan's own warning, when every point is noise, gives the --eps-m / --min-samples that would make a cluster
    advised = any(str(w.message).startswith("dbscan: no cluster") for w in said)
    inside = labels != -3  # outside the study area (counted, with where, in dbscan's warning)
    # police.uk records carry their month: each cluster's first and last month (written as YYYY-MM)
    if police_uk and "month" in pts.columns:
        times = pd.to_datetime(pts["month"].astype("string"), format="%Y-%m", errors="coerce")[inside]
    elif dates is not None:  # a CSV's own date column: each cluster's first and last date
        times = dates.loc[pts.index][inside]
        if times.isna().any():
            lines = times.index[times.isna().to_numpy()].tolist()
            _say(f"{len(lines):,} of {len(times):,} points have no date in {args.date!r} (line "
                 f"{', '.join(map(str, lines[:5]))}{' ...' if len(lines) > 5 else ''}): clustered by place, left out "
                 "of the clusters' first and last dates (missing_times)")
    else:
        times = None
    with warnings.catch_warnings(record=True) as said:  # (points without a date: said above, with their lines)
        warnings.simplefilter("always", SaferstatsWarning)
        warnings.filterwarnings("ignore", message=r"[\d,]+ clustered points? (has|have) no time")
        table = cluster_summary(pts[lat][inside], pts[lon][inside], labels[inside], times=times)
    gaps = table.attrs.get("months_missing") or []
    for w in said:  # its months without a record, when all are months not read: said above (the files)
        same = not_read and gaps and set(gaps) <= set(not_read)
        if not (same and str(w.message).startswith("cluster_summary: no record at all in")):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if not_read:  # the months asked for with no file read, at the edge too: cluster_summary sees only the points
        table.attrs["months_missing"] = sorted(set(gaps) | set(not_read))
    if times is not None and len(table) and police_uk:
        # police.uk months, parsed as YYYY-MM above: months even when all records are of one month (the
        # library infers months only from two or more; "2021-04-01" read as a day)
        table.attrs["times_are_months"] = True
    _say(number_of(int(inside.sum()), "point") + (f" in {study.describe()}" if study is not None else "")
         + f"; {number_of(len(table), 'cluster')} (DBSCAN, eps {args.eps_m:g} m, at least "
         f"{number_of(args.min_samples, 'point')})")
    if args.geojson:
        table.to_geojson(args.geojson)
        print(f"Wrote {args.geojson}")
    if not len(table) and not args.out:
        print("No clusters at these settings (the dbscan warning says what would find one)" if advised
              else "No clusters: try a larger --eps-m or a smaller --min-samples")
        return 0
    out = pd.DataFrame(table.drop(columns=["hull"]))
    if times is None:  # a CSV of points has no times given: no empty first_time / last_time columns
        out = out.drop(columns=[c for c in ("first_time", "last_time", "missing_times")
                                if c in out.columns and out[c].isna().all()])
    if table.attrs.get("times_are_months"):  # police.uk months, as the GeoJSON writes them: "2021-10"
        for c, text in table.month_labels("iso").items():
            out[c] = text
    _write(out, args.out, sig=args.sig_figures)
    return 0


def _s136(args: argparse.Namespace) -> int:
    from .s136 import s136_summary

    _check_out_file(args.out)
    if args.threshold < 2:
        raise InvalidInputError(f"--threshold must be a whole number from 2, got {args.threshold}", "threshold")
    if args.file.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        # the NHS workbook as published: saving it as CSV would give the same published counts, not records
        _check_file(args.file)
        from .io import read_mha_annual

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SaferstatsWarning)
                read_mha_annual(args.file)
        except (SaferstatsError, OSError, ValueError):
            pass
        else:
            raise InvalidInputError(f"{args.file}: this is the NHS Mental Health Act statistics workbook (published "
                                    "counts; read it with saferstats.read_mha_annual, or give it to the report as "
                                    "mha_file in [s136]), not one row per detention; the s136 command needs the "
                                    "detention records (columns detention_time, place_of_safety, age, outcome, ...: "
                                    "see saferstats.s136_summary)", "file")
    df = _read_csv(args.file)
    cols = {str(c).strip().lower() for c in df.columns}
    if {"measure", "mhsds_count"} <= cols or {"tactic", "police force"} <= cols:
        what = ("the NHS Mental Health Act statistics table (published counts; read it with saferstats.read_mha_annual, "
                "or give it to the report as mha_file in [s136])" if "measure" in cols else
                "a published Home Office use-of-force table (counts by tactic and health condition)")
        raise InvalidInputError(f"{args.file}: this is {what}, not one row per detention; the s136 command needs the "
                                "detention records (columns detention_time, place_of_safety, age, outcome, ...: see "
                                "saferstats.s136_summary)", "file")
    _require(df, args.file, by=args.by or [])
    try:
        with _on_lines(args.file, lines=df.index):
            res = s136_summary(df, threshold=args.threshold, confidence=args.confidence, by=args.by or None)
    except InvalidInputError as exc:
        m = re.match(r"records has no column '([^']+)' \(keyword `\w+`\)", str(exc))
        if m is None:
            raise
        # the file's column, said of the file (was "records has no column 'outcome' (keyword `outcome`)")
        names = [str(c) for c in df.columns]
        raise InvalidInputError(f"{args.file}: no column {m.group(1)!r}{_did_you_mean(m.group(1), names)}: the s136 "
                                "command needs one row per detention (columns detention_time, place_of_safety, age, "
                                f"outcome, ...: see saferstats.s136_summary); its columns are {names[:8]}"
                                + (f" and {len(names) - 8} more" if len(names) > 8 else ""),
                                "file") from None
    pub = res.published()  # disclosure-controlled: every figure below is as published
    ex = pub.excluded
    # the number read, unless the summary hides the detentions (it less the assessed would give back a small count)
    det = pd.to_numeric(pub.flags["detentions"], errors="coerce") if "detentions" in pub.flags.columns else None
    read = f"{len(df):,}" if det is None or (det.notna().all() and det.sum() == len(df)) else "[c]"
    _say(f"{read} detentions read; left out of the denominators: {ex.get('unknown_outcome', 0)} with an unknown "
         f"outcome, {ex.get('place_not_known', 0)} with no place of safety, {ex.get('censored_durations', 0)} without "
         "a departure time (no duration)")
    flags = pub.flags
    label = {"child_in_police_station": "children taken to a police station (unlawful since December 2017)",
             "over_24h_without_extension": "detentions over 24 hours without a recorded extension",
             "over_36h": "detentions over 36 hours (unlawful)"}
    for col, what in label.items():
        if col not in flags.columns:
            continue
        vals = pd.to_numeric(flags[col], errors="coerce")
        hit = flags[(vals > 0).to_numpy()]
        if len(hit):
            where = "; ".join(f"{' '.join(str(r[b]) for b in (args.by or []))} {r[col]}".strip()
                              for _, r in hit.iterrows())
            _say(f"saferstats: warning: {what}: {where} (published counts; --table flags)")
    for note in res.notes:  # why a count shown [c] is hidden (detentions, a share's denominator)
        _say(f"saferstats: note: {note}")
    _write(getattr(pub, args.table), args.out, sig=args.sig_figures)
    return 0


def _as_flags(msg: str, args: argparse.Namespace | None) -> str:
    """A library message's advice in the command's terms: ``pass per_year=True`` -> ``pass
    --per-year`` for an option the command has (``saferstats disproportionality --per-year``), so
    that the advice can be followed as written.

    >>> _as_flags("pass multiplier=1000 with the target per 1,000, or estimate the over-dispersion with "
    ...           "multiplier=100000", argparse.Namespace(multiplier=100000.0))
    'pass --multiplier 1000 with the target per 1,000, or estimate the over-dispersion with --multiplier 100000'
    >>> _as_flags("for yearly rates pass per_year=True (by person-time)", argparse.Namespace(per_year=False))
    'for yearly rates pass --per-year (by person-time)'
    >>> _as_flags("pass missing='drop'", argparse.Namespace(multiplier=1.0))
    "pass missing='drop'"
    >>> _as_flags("`eps_m` must be positive, got 0.0", argparse.Namespace(eps_m=0.0))
    '--eps-m must be positive, got 0.0'
    >>> _as_flags("invalid argument `multiplier`: must be a positive number, got 0", argparse.Namespace(multiplier=0.0))
    '--multiplier: must be a positive number, got 0'

    A call of another function in the advice is Python and stays so (the option is this command's,
    the keyword that function's):

    >>> _as_flags("pass seasonality='dummies', or saferstats.its_poisson(..., seasonality='dummies')",
    ...           argparse.Namespace(seasonality=None))
    "pass --seasonality dummies, or saferstats.its_poisson(..., seasonality='dummies')"
    """
    code = re.split(r"(saferstats\.[\w.]+\([^()]*\))", msg)
    if len(code) > 1:  # the text between the calls only
        return "".join(part if i % 2 else _as_flags(part, args) for i, part in enumerate(code))
    keys = [k for k in vars(args or argparse.Namespace())
            if not k.startswith("_") and k not in ("func", "file", "paths", "out", "verbose", "command")]
    for key in keys:
        flag = f"--{key.replace('_', '-')}"
        if isinstance(getattr(args, key), bool):  # a switch: "use_t=True" -> "--use-t"
            msg = re.sub(rf"\b{re.escape(key)}=True\b", flag, msg)
        msg = re.sub(rf"""\b{re.escape(key)}=(["']?)([\w.\-]+)\1""", rf"{flag} \2", msg)
        msg = re.sub(rf"\(keyword `{re.escape(key)}(\[\d+\])?`\)", f"({flag})", msg)
        # "`eps_m` must be positive" -> "--eps-m must ...", "invalid argument `multiplier`: ..." -> "--multiplier: ..."
        msg = re.sub(rf"(?:invalid argument )?`{re.escape(key)}`(?= must\b|:)", flag, msg)
        if "_" in key:  # a bare option name: "raise min_samples / eps" -> "raise --min-samples / --eps-m"
            msg = re.sub(rf"(?<![\w`'\"-]){re.escape(key)}\b(?![`'\"(])", flag, msg)
    if "eps_m" in keys:
        msg = re.sub(r"(?<![\w`'\"-])eps\b(?![_`'\"(=])", "--eps-m", msg)
    return msg


#: The section of a report warning whose keyword is a key of several sections, by the words it
#: opens with (the report's section, or the library function that section calls).
_SECTION_OF = (("stop_search", r"(stop and search|read_stop_search|disproportionality|outcome_test|arrest_test)\b"),
               ("flytipping", r"(fly-?tipping|read_flytipping)\b"), ("hate_crime", r"hate crime\b"),
               ("hotspots", r"(hotspots?|dbscan|kde|study area)\b"), ("s136", r"(s136|section 136|read_mha)\b"))


def _as_config(msg: str, config: Mapping[str, Any] | None = None) -> str:
    """A library message's advice in the report's terms: a keyword of a library call that a key of
    one section of the configuration sets, as that key's TOML line (``report.config.config_words``:
    ``ethnicity_source='self_then_officer'`` -> ``[stop_search] ethnicity_source =
    "self_then_officer"``, ``by='csp'`` -> ``[stop_search] by = ["csp"]``); a key of several
    sections (``funnel``) by the section the message opens with, else left as it is. ``config``:
    the report's configuration, whose keys name the tables a message is about as it sets them
    ("the by='csp' rates" of a config with ``by = ["force", "csp"]``).

    >>> print(_as_config("disproportionality: by='csp' or by='la' does not help"))
    disproportionality: [stop_search] by = ["csp"] or [stop_search] by = ["la"] does not help
    >>> print(_as_config("fly-tipping: pass funnel='exact'"), _as_config("funnel='exact'"))
    fly-tipping: pass [flytipping] funnel = "exact" funnel='exact'
    >>> print(_as_config("disproportionality: 7 searches are not in the by='csp' rates", {"stop_search": {"by": ["force", "csp"]}}))
    disproportionality: 7 searches are not in the rates of [stop_search] by = ["force", "csp"]
    """
    from .report.config import SECTION_KEYS, config_words

    said = {section: config_words(msg, section, (config or {}).get(section)) for section in SECTION_KEYS}
    changed = {section: text for section, text in said.items() if text != msg}
    if len(changed) == 1:
        return next(iter(changed.values()))
    opens = next((section for section, words in _SECTION_OF if re.match(words, msg, re.I)), None)
    return changed.get(opens, msg) if opens is not None else msg


#: library messages that are advice on an option, not a caution about the numbers: printed as
#: ``saferstats: note: ...`` (the report's "counts only the searches with a stated ethnicity" names
#: the ``[stop_search] ethnicity_source`` choice after its text has said where ethnicity is missing)
_ADVICE = ("--pdf", "--docx", "stop and search: the report counts only the searches with a stated ethnicity")


def _print_warnings(caught: list[warnings.WarningMessage], args: argparse.Namespace | None = None, *,
                    stopped: bool = False, config: Mapping[str, Any] | None = None) -> None:
    """The library's warnings as ``saferstats: warning: ...`` lines on stderr: on the command line
    the source line of a warning means nothing to the reader (it is runpy's or the console
    script's, ``<frozen runpy>:88``): the message alone, like the errors, its advice in the
    command's options (:func:`_as_flags`). ``stopped``: the command stopped with an error (printed
    just above): ``saferstats: warning before the error: ...`` (and ``note before the error``), of
    a run that wrote no results. ``config``: the report's configuration (:func:`_as_config`)."""
    tail = " before the error" if stopped else ""
    said = [str(w.message) for w in caught]
    gap = "no searches at all in some months"
    for w in caught:
        if (str(w.message).startswith(f"read_stop_search: {gap}")
                and any(m.startswith(f"disproportionality: {gap}") for m in said)):
            continue  # the same months, said once more by the command's table just below
        if issubclass(w.category, SaferstatsWarning) and str(w.message).startswith(_ADVICE):
            # advice on a choice, not a caution about the numbers: a note (in the report's terms)
            print(f"saferstats: note{tail}: {_as_config(str(w.message), config) if args is None else w.message}",
                  file=sys.stderr)
        elif issubclass(w.category, SaferstatsWarning):
            msg = str(w.message)
            path = getattr(args, "file", None)
            if isinstance(path, Path) and getattr(args, "command", None) in ("rates", "trend", "s136"):
                # rows of a CSV read by _read_csv are labelled by their line: "row 29 (" -> "line 29 of X.csv ("
                msg = re.sub(r"\brow (\d+)\b", rf"line \1 of {path.name}", msg)
            msg = _without_attrs(msg)  # .attrs is Python's: on the command line the warning itself is the list
            print(f"saferstats: warning{tail}: {_as_flags(msg, args) if args is not None else _as_config(msg, config)}",
                  file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _after_error(caught: list[warnings.WarningMessage], args: argparse.Namespace, *,
                 input_error: bool = False, held: list[str] | None = None) -> None:
    """The warnings of a command that stopped with an error, printed after the error line and
    marked as given before it (the report's own, held by :func:`_report_run`, in its terms), after
    the lines the command said itself (``held``, :func:`_said_lines`). A
    report stopped by its input (a config or file error, exit 2) prints the one error line only:
    the fix is in the config, and cautions about sections of a report never written are noise
    beside it."""
    if not input_error:
        _print_warnings(getattr(args, "_report_warnings", []), None, stopped=True,
                        config=getattr(args, "_report_config", None))
    _said_lines(held or [], stopped=True)
    _print_warnings(caught, args, stopped=True)


#: ``.attrs['x']`` or ``.attrs['x']['y']`` in a message.
_ATTRS = r"""\.attrs(?:\[[^\]]*\])+"""


def _without_attrs(msg: str) -> str:
    """A library warning without its pointers to ``.attrs``, which are Python's: on the command line
    the warning itself is the list ("; counts in .attrs['not_stated_by']", "; see
    .attrs['denominator_check']", "; the months are in .attrs['months_missing']" were printed as
    they are).

    >>> _without_attrs("in Durham (24% of 413); counts in .attrs['not_stated_by']")
    'in Durham (24% of 413)'
    >>> _without_attrs("(pass census=2011); see .attrs['denominator_check']")
    '(pass census=2011)'
    >>> _without_attrs("a; counts in .attrs['unassigned'] and .attrs['unassigned_by_force']")
    'a'
    >>> _without_attrs("b; counts in .attrs['outcome_missing_by'], total in .attrs['excluded']['outcome_missing']")
    'b'
    >>> _without_attrs("c (stops-force); listed in .attrs['small_footprint']")
    'c (stops-force)'
    >>> _without_attrs("d (.attrs['non_resident_areas']) e; the months are in .attrs['months_missing']")
    'd e'
    >>> _without_attrs("named in the recording_note column, listed in .attrs['summary']; compare them")
    'named in the recording_note column; compare them'
    >>> _without_attrs("say so beside the comparison; counts and rates in .attrs['not_stated_strata']")
    'say so beside the comparison'
    """
    lead = r"""(?:(?:counts(?: and rates)?|counted|the months are|the cause is|total|listed|named|kept)\s+in|see)"""
    msg = re.sub(rf"""(?:[;,]|\s-)?\s*{lead}\s+{_ATTRS}(?:(?:,\s*{lead}|\s+and)\s+{_ATTRS})*""", "", msg)
    return re.sub(rf"""\s*\({_ATTRS}\)""", "", msg)


def _report(args: argparse.Namespace) -> int:
    from .report.config import ConfigError, with_config_line

    try:
        return _report_run(args)
    except ConfigError as exc:  # say which line of the config file to change
        if args.config is None:
            raise
        raise with_config_line(exc, args.config) from exc


def _example_config() -> str:
    """The packaged example configuration as it is (its "Run:" line names the file the user writes
    with ``--example-config > assessment.toml``; the repository's examples/assessment.toml is the same)."""
    from importlib.resources import files

    return files("saferstats.report").joinpath("templates", "example_assessment.toml").read_text(encoding="utf-8")


def _report_run(args: argparse.Namespace) -> int:
    from .report import build_report, demo_config, load_config, prepare_output

    if getattr(args, "example_config", False):  # the wheel has no examples/ folder: it ships the example
        sys.stdout.write(_example_config())
        return 0
    if bool(args.demo) == bool(args.config):
        raise InvalidInputError("report needs exactly one of --demo or --config FILE (or --example-config)", "config")
    data = (".csv", ".gz", ".xlsx", ".xls", ".ods", ".json", ".geojson", ".zip")
    if args.config is not None and Path(args.config).suffix.lower() in data:
        # a data file for the configuration: "not valid TOML (Expected '=' after a key ...)" said nothing useful
        raise InvalidInputError(f"--config {args.config}: is a data file, not the assessment's configuration (a .toml "
                                "file naming the data files, e.g. [stop_search] files = [\"...\"]); start from "
                                "saferstats report --example-config > assessment.toml", "config")
    try:
        cfg = demo_config() if args.demo else load_config(args.config)
    except InvalidInputError as exc:
        if exc.argument == "hotspots.file" and "is a folder" in str(exc):
            # the example configuration shows only a table of points: say where police.uk's folders go
            raise type(exc)(f"{exc}; police.uk street-level files or folders go in [hotspots] files = [\"...\"] "
                            "(with crime_type = [\"Anti-social behaviour\"] and study_area = \"Stevenage\" to "
                            "choose), file is for one CSV of points", exc.argument, exc.index) from None
        raise
    extra = {}
    if args.demo:  # the headline table on real data: force rates, with CSVs beside the report
        table, change, text = _demo_tables()
        extra = {"hate_crime_rates_by_force.csv": (table, False), "hate_crime_change_by_force.csv": (change, True)}
    # a bad --out stops here, before any analysis runs
    out = prepare_output(args.out, cfg, extra=[*extra, *(["report.pdf"] if args.pdf else []),
                                               *(["report.docx"] if args.docx else [])])
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SaferstatsWarning)
            path = build_report(cfg, out, quiet=args.quiet, extra_csv=extra, pdf=args.pdf, docx=args.docx)
    except BaseException:  # held for main: printed after the error, in the report's terms (_after_error)
        args._report_warnings, args._report_config = caught, cfg
        raise
    _print_warnings(caught, config=cfg)
    if args.demo:
        print(text)
        print(f"\nWrote {', '.join(str(path.parent / n) for n in extra)}\n")
    print(f"Report written: {path.resolve()}")
    for flag, name in ((args.pdf, "report.pdf"), (args.docx, "report.docx")):
        if flag and (path.parent / name).exists():
            print(f"{name.split('.')[1].upper()} written: {(path.parent / name).resolve()}")
    return 0


def _sig_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sig-figures", type=int, default=None, choices=range(1, 16), metavar="N",
                   help=f"rates, ratios, percentages and their limits to N significant figures in the --out CSV "
                        f"(default: full precision, for further calculation; printed: {SIG_FIGURES})")


_FILE_HELP = "the CSV (UTF-8, or as Excel saves 'CSV'; not .xlsx: save the sheet as CSV first)"
_BOOK_FILE_HELP = ("the CSV (UTF-8, or as Excel saves 'CSV'), or a Home Office hate crime workbook (.ods, .xlsx) "
                   "with --sheet, or Defra's fly-tipping workbook as published (Flytipping.xlsx, read as "
                   "saferstats.read_flytipping reads it: columns incidents, mid_population_estimates, la_name, "
                   "period, ...)")
_SHEET_HELP = ("the sheet of a Home Office hate crime workbook (.ods, .xlsx) to read, e.g. Table_2, as "
               "saferstats.read_hate_crime(path, sheet=...) reads it; a wrong name lists the sheets")
_TREND_NOTE = ("The trend line is log(expected count) = intercept + beta * t + log(population), t the period on a "
               "years scale (2012 for 2012-13 or 2012, 2021.17 for 2021-03): intercept is its log at t = 0 (year "
               "0, not the first period), kept for scripts; fitted_first_period is the line at first_period: the "
               "fitted count (--population none) or rate per 100,000 population. apc = 100 * (exp(beta) - 1), "
               "% a year. With --seasonality the line has a term for each month (quarter) of the year, the "
               "intercept is that of one of them, and fitted_first_period is left out.")
_KEEP_TOTALS_HELP = ("keep the CSV's rows labelled as a total or as no area ('*Total ...', 'No relevant LA', ONS code "
                     "E00000000: Defra's regional and England totals in its fly-tipping CSVs, interim.csv among "
                     "them), each a group of its own; by default they are left out and counted on stderr, so that "
                     "no total is read as an area")
_OUTPUT_NOTE = (f"Printed, rates, ratios, percentages and their limits are shown to {SIG_FIGURES} significant figures (the "
                "intervals do not justify more); the --out CSV keeps full precision for further calculation unless "
                "--sig-figures N; counts are whole numbers, the input file's own columns as read. Rows left out are "
                "counted on stderr.")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``saferstats`` console script and ``python -m saferstats``."""
    parser = argparse.ArgumentParser(prog="saferstats", description="Community-safety statistics (saferstats).")
    from ._saferstats import __version__

    parser.add_argument("--version", action="version", version=f"saferstats {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show the library's progress and diagnostics (logging at INFO on stderr)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("report", help="the strategic assessment as a self-contained HTML report")
    p.add_argument("--demo", action="store_true", help="use the bundled demo data")
    p.add_argument("--config", type=Path, help="assessment TOML file (start from: saferstats report --example-config)")
    p.add_argument("--example-config", action="store_true",
                   help="print a commented example configuration to start from, and stop")
    p.add_argument("--out", type=Path, default=Path("out/report"), help="output folder (default out/report)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--pdf", action="store_true", help="also write report.pdf (A4) through headless Chromium")
    p.add_argument("--docx", action="store_true", help="also write report.docx, an editable Word copy (python-docx)")
    p.set_defaults(func=_report)

    p = sub.add_parser("demo", help="hate crime rates with CIs on bundled Home Office data")
    p.add_argument("--out", type=Path, default=Path("out"), help="output folder (default out/)")
    p.set_defaults(func=lambda a: _demo(a.out))

    p = sub.add_parser("rates", help="rates with CIs for every row of a CSV", epilog=_OUTPUT_NOTE)
    p.add_argument("file", type=Path, help=_BOOK_FILE_HELP)
    p.add_argument("--sheet", help=_SHEET_HELP.replace("e.g. Table_2, ", "one with a population column (the bulletin's "
                                                       "strand, monthly and religion tables have none), "))
    p.add_argument("--count", required=True, help="column of counts")
    p.add_argument("--population", required=True, help="column of populations")
    p.add_argument("--multiplier", type=float, default=100_000, help="rates per this many (default 100000)")
    p.add_argument("--confidence", type=float, default=0.95, help="confidence level of the intervals (default 0.95)")
    p.add_argument("--method", default="phe", choices=["phe", "exact", "byar"],
                   help="CI method: phe (default: exact below 10, Byar's from 10, as PHE/OHID), exact or byar")
    p.add_argument("--missing", default="error", choices=["error", "propagate"],
                   help="a row with no count or population (e.g. '#N/A'): stop naming its line (error), or no "
                        "rate for it (propagate)")
    p.add_argument("--keep-totals", action="store_true", help=_KEEP_TOTALS_HELP)
    p.add_argument("--out", type=Path, help="write CSV here instead of printing")
    _sig_option(p)
    p.set_defaults(func=_rates)

    p = sub.add_parser("trend", help="annual %% change (Poisson trend) per group of a CSV, or per strand of the "
                                     "Home Office hate crime bulletin's strand table; --compare-with: is each group's "
                                     "rate changing faster than one other's", epilog=_TREND_NOTE + " " + _OUTPUT_NOTE)
    p.add_argument("file", type=Path, help=_BOOK_FILE_HELP)
    p.add_argument("--sheet", help=_SHEET_HELP)
    p.add_argument("--count", default="count", help="column of counts (default count)")
    p.add_argument("--population", default="population",
                   help="population column (default population), or 'none' for a trend in the counts")
    p.add_argument("--period", default="period",
                   help="column of periods (default period): years, financial years ('2021/22' or '2021-22') or "
                        "months ('2021-03'), one row per period and group; a trend needs at least 3 periods")
    p.add_argument("--by", nargs="*", default=[],
                   help="one or more columns, one trend for each group, e.g. --by area; a group with fewer than 3 periods gets a row "
                        "with no trend (method 'not estimable', the reason in note) and the others are fitted. Areas "
                        "renamed or reorganised over the years: --by a code column (la_code; its names are written "
                        "beside it) keeps a renamed area as one series, and a warning names the groups that cover "
                        "only part of the periods")
    p.add_argument("--dispersion", default="auto", choices=["poisson", "quasi", "negbin", "auto"],
                   help="auto (default): quasi-Poisson where the counts vary more than Poisson (chi2/df > 1.5), else "
                        "Poisson; or always poisson, quasi (quasi-Poisson) or negbin (negative binomial); the "
                        "method column says which")
    p.add_argument("--use-t", action="store_true",
                   help="Student t limits and p-values on the residual df (df_resid: n_periods - 2, less the seasonal "
                        "terms with --seasonality) for every fit "
                        "(statsmodels' use_t=True); by default quasi-Poisson fits have t and the others the normal "
                        "(z), as R's summary.glm and poisson_trend(use_t='auto') (with --compare-with: t where "
                        "either side is quasi-Poisson, the ratio on the Welch-Satterthwaite df); the intervals column "
                        "says which each row has, as the library and the report: 't (df=8)', 't (df=8.64)' or 'z'")
    p.add_argument("--use-z", action="store_true",
                   help="normal (z) limits and p-values for every fit, also quasi-Poisson (statsmodels' default; "
                        "too small a p-value on few periods: a warning gives the t one below 5 residual df)")
    p.add_argument("--confidence", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--missing", default="error", choices=["error", "drop", "propagate"],
                   help="a row with no count or population: stop naming its line and what drop would leave out "
                        "(error, the default), fit each group on the periods it has (drop; fewer than 3 left: a row "
                        "with no trend), or no trend for that group (propagate)")
    p.add_argument("--seasonality", choices=["dummies", "fourier"],
                   help="monthly or quarterly periods: fit the season with the trend, so that the APC is the trend "
                        "net of the time of year (without it a seasonal swing is read as trend, and the season "
                        "column says whether the month of the year is material): dummies, a term for each month "
                        "(quarter) of the year (R glm(y ~ t + factor(month))); fourier, --harmonics sin/cos pairs of "
                        "the year. The season's length (12 months, 4 quarters) is found from the periods; the "
                        "residual df (df_resid column) are the periods less every coefficient. With "
                        "--compare-with each side's trend has its own seasonal terms")
    p.add_argument("--harmonics", type=int, metavar="N",
                   help="with --seasonality fourier: the number of sin/cos pairs of the year (default 1)")
    p.add_argument("--compare-with", metavar="NAME",
                   help="compare each other group of the first --by column with this one (e.g. 'England and Wales'; "
                        "in the strand table race, religion, sexual_orientation, disability, transgender or offences): "
                        "is its rate rising faster than NAME's? ratio = the group's annual rate ratio over NAME's, "
                        "with CI and p-value, over the periods both have (saferstats.compare_trends); on Defra's "
                        "fly-tipping workbook England (a total row, left out) compares each council with England's "
                        "other councils counted like for like, as saferstats report does")
    p.add_argument("--subtract", action="store_true",
                   help="with --compare-with: NAME's counts (and population) include each group's (England and a "
                        "force in it; all offences and one strand), so compare each group with the rest (NAME less "
                        "the group); without it a total that contains the group hides part of any difference")
    p.add_argument("--keep-totals", action="store_true", help=_KEEP_TOTALS_HELP)
    p.add_argument("--out", type=Path, help="write CSV here instead of printing")
    _sig_option(p)
    p.set_defaults(func=_trend)

    p = sub.add_parser("disproportionality", help="stop-and-search rates and ratios from police.uk CSVs",
                       epilog=_OUTPUT_NOTE)
    p.add_argument("paths", nargs="+", type=Path, help="police.uk files or folders")
    p.add_argument("--population", type=Path, help="CSV with ethnicity, population (+ by columns); default the bundled "
                   "Census the Home Office used for the searches' period (2011 before 2022/23, 2021 from then)")
    p.add_argument("--by", nargs="*", default=["force"],
                   help="force (default), csp or la (each search placed in its Community Safety Partnership or local "
                        "authority by its location), with any columns of the records after it, e.g. --by force "
                        "month (a column alone, --by month, names no area to set the searches against)")
    p.add_argument("--census", type=int, choices=[2011, 2021], default=None,
                   help="which Census the denominators are from (default: the one the Home Office used for the "
                        "searches' period, 2011 before 2022/23 and 2021 from then)")
    p.add_argument("--force", help="the police force of files that do not name one (police.uk API exports), e.g. "
                   "'Leicestershire'")
    p.add_argument("--ethnicity-source", default="self", choices=["self", "officer", "self_then_officer"],
                   help="self-defined ethnicity (default, like for like with the Census), officer-defined, or "
                        "self-defined else officer-defined")
    p.add_argument("--multiplier", type=float, default=1000,
                   help="rates per this many residents over the months the files cover (default 1000); "
                        "--per-year gives them per year")
    p.add_argument("--per-year", action="store_true",
                   help="rates per --multiplier residents per year, as the Home Office publishes them, by "
                        "person-time: searches / (population x days / 365.25), the days of each row's month with "
                        "--by ... month, else of each force's months with searches (a month is not a twelfth of a "
                        "year: February 2020 has 29 days); the ratios do not change")
    p.add_argument("--confidence", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--threshold", type=int, default=None,
                   help="disclosure control: counts of searches from 1 to below this are shown [c], with every count "
                        "that would give them back from each row's and each force's totals, and the rates and ratios "
                        "of both (e.g. 5; default none: every search record is public on police.uk)")
    p.add_argument("--out", type=Path, help="write CSV here instead of printing")
    _sig_option(p)
    p.set_defaults(func=_disp)

    p = sub.add_parser("hotspots", help="DBSCAN clusters of points in a CSV or police.uk street-level files, with "
                                        "GeoJSON outlines", epilog=_OUTPUT_NOTE)
    p.add_argument("file", type=Path, nargs="+",
                   help="a CSV of points (--lat/--lon columns), or police.uk street-level files, folders or the .zip "
                        "as downloaded")
    p.add_argument("--lat", default="lat", help="latitude column of a CSV of points (default lat)")
    p.add_argument("--lon", default="lon", help="longitude column of a CSV of points (default lon)")
    p.add_argument("--date", help="date column of a CSV of points (2024-03-15, 15/03/2024 or 2024-03): each "
                                   "cluster's first and last date, as police.uk files give their Month")
    p.add_argument("--from", dest="date_from", metavar="WHEN",
                   help="keep the records from this month (2021-02) or date (2021-02-15, 15/02/2021): police.uk "
                        "files by their Month, a CSV of points by --date; those outside are counted and left out")
    p.add_argument("--to", dest="date_to", metavar="WHEN",
                   help="keep the records up to this month (2021-03: the whole month) or date, as --from")
    p.add_argument("--crime-type", action="append",
                   help="police.uk files: keep this crime type (repeat for several), e.g. 'Anti-social behaviour'")
    p.add_argument("--study-area", help="keep the points inside this force, CSP or local authority (name or code), "
                                        "e.g. 'Stevenage'; those outside are counted and left out. A name of "
                                        "several areas ('Durham': force, CSP and authority) by its code, e.g. "
                                        "E23000008")
    p.add_argument("--eps-m", type=float, default=150.0,
                   help="DBSCAN neighbourhood radius in metres (default 150)")
    p.add_argument("--min-samples", type=int, default=15,
                   help="points within --eps-m that make a cluster's core (default 15)")
    p.add_argument("--geojson", type=Path, help="write the clusters' outlines here (GeoJSON for QGIS)")
    p.add_argument("--out", type=Path, help="write the cluster table as CSV here instead of printing")
    _sig_option(p)
    p.set_defaults(func=_hotspots)

    p = sub.add_parser("s136", help="Section 136 outcome rates from a record CSV (disclosure-controlled)",
                       epilog=_OUTPUT_NOTE)
    p.add_argument("file", type=Path, help="one row per detention (columns detention_time, place_of_safety, age, "
                                           "outcome, ...; see saferstats.s136_summary), UTF-8 or Excel's CSV")
    p.add_argument("--threshold", type=int, default=5,
                   help="counts from 1 to below this are suppressed, with what would reveal them (default 5)")
    p.add_argument("--confidence", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument("--by", nargs="*", default=[],
                   help="one or more columns to give the rates for, e.g. --by district (suppressed together with the totals)")
    p.add_argument("--table", default="rates", choices=["rates", "outcomes", "place_of_safety", "durations", "flags"],
                   help="which table to write (default rates: conversion, admission and NFA shares with Wilson CIs); "
                        "flags: children taken to a police station, over 24 h without an extension, over 36 h")
    p.add_argument("--out", type=Path, help="write CSV here instead of printing")
    _sig_option(p)
    p.set_defaults(func=_s136)

    args = parser.parse_args(argv)
    if args.verbose:
        import logging

        logging.basicConfig(level=logging.INFO, format="saferstats: %(message)s", stream=sys.stderr)
    # The library's warnings are held while the command runs (one line each, outside the recording:
    # other warnings are re-issued to the caller's filters, not recorded again). When it succeeds they
    # follow its output; when it stops with an error they are printed after the error line, each
    # marked "before the error": printed first, they read as cautions about results never written,
    # and the error, the line to act on, came last among them.
    # The lines the command says on stderr itself (_say) are held with them, and come first.
    caught: list[warnings.WarningMessage] = []
    held: list[str] = []
    token = _HELD.set(held)
    try:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", SaferstatsWarning)
                rc = int(args.func(args))
        except BrokenPipeError:  # the output was read in part (| head): its warnings stand
            _HELD.reset(token)
            _said_lines(held)
            _print_warnings(caught, args)
            raise
        _HELD.reset(token)
        _said_lines(held)
        _print_warnings(caught, args)
        return rc
    except KeyboardInterrupt:
        print("saferstats: interrupted", file=sys.stderr)
        _after_error(caught, args, held=held)
        return 130
    except BrokenPipeError:  # output piped into a command that stopped reading (| head): stop quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (SaferstatsError, OSError, ValueError, TypeError, KeyError) as exc:
        # one line, exit 2 (bad input, a file that cannot be read or written); never a traceback
        msg = _as_flags(said_without_path_argument(exc), args) if isinstance(exc, SaferstatsError) else f"{type(exc).__name__}: {exc}"
        print(f"saferstats: error: {' '.join(msg.split())}", file=sys.stderr)
        _after_error(caught, args, input_error=True, held=held)
        return 2
    except Exception as exc:  # a defect of saferstats, not of the input: one line and how to report it
        if args.verbose:
            _after_error(caught, args, held=held)
            raise
        print(f"saferstats: internal error: {type(exc).__name__}: {' '.join(str(exc).split())} (a saferstats defect: "
              "please report it with the command; -v shows the traceback)", file=sys.stderr)
        _after_error(caught, args, held=held)
        return 3
    finally:
        if _HELD.get() is held:
            _HELD.reset(token)


if __name__ == "__main__":
    sys.exit(main())

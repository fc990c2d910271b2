"""The report's configuration: the TOML schema, its validation (one line naming the key and the
fix) and the demo configuration on the bundled data."""

from __future__ import annotations

import math
import re
import stat
import tomllib
import warnings
from datetime import date
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import datasets
from .._frames import near_column
from .._periods import MONTH_TEXT
from ..exceptions import InvalidInputError, SaferstatsError

__all__ = ["ConfigError", "OutputError", "load_config", "validate_config", "demo_config", "check_input_file",
           "SECTION_KEYS", "MAX_INPUT_BYTES", "REPORT_KEYS", "config_line", "with_config_line"]

SECTION_KEYS = ("hate_crime", "stop_search", "flytipping", "hotspots", "s136")

#: Largest input file the report reads (bytes); larger files, and anything that is not a regular
#: file (a device such as /dev/zero, a pipe), are refused before reading, naming the key.
MAX_INPUT_BYTES = 1 << 30

# value kinds: str, "file", "files", "strlist", "strmap", "posnum", "posint", "date", a tuple of choices
# [hate_crime] peers: the areas of the report's area's most similar group (e.g. the Home Office's Most Similar
# Forces, as the table spells them or as police.uk / ONS do): a table hate_crime_peers and a finding comparing
# the area with the group's pooled rate (saferstats.peer_compare)
# [hate_crime] monthly_rebase: {"2016-07" = "cause"}: months where the SPC chart of the monthly series
# recalculates its limits, each with its known cause (NHS Making Data Count), said in the caption and text
_SECTION_SCHEMA: dict[str, dict[str, Any]] = {
    "hate_crime": {"file": "file", "area": str, "period": str, "count": str, "population": str, "sheet": str,
                   "funnel": ("auto", "exact", "overdispersed"), "monthly": "file", "monthly_sheet": str, "monthly_period": str,
                   "monthly_count": str, "monthly_label": str,
                   "monthly_improvement": ("neutral", "increase", "decrease"), "monthly_rebase": "strmap",
                   "peers": "strlist", "source": str},
    "stop_search": {"files": "files", "force": str, "by": "strlist", "population": "file", "census": ("auto", "2011", "2021"),
                    "ethnicity_source": ("self", "officer", "self_then_officer"), "annualise": bool, "source": str},
    "flytipping": {"file": "file", "area": str, "code": str, "period": str, "count": str, "population": str,
                   "sheet": str, "funnel": ("auto", "exact", "overdispersed"), "source": str},
    "hotspots": {"file": "file", "files": "files", "crime_type": "strlist", "study_area": str,
                 "study_area_level": ("force", "csp", "la"), "lat": str, "lon": str, "date": str, "eps_m": "posnum",
                 "min_samples": "posint", "cell_size": "posnum", "bandwidth_m": "posnum", "source": str},
    "s136": {"file": "file", "mha_file": "file", "split": "date", "population": "posnum", "columns": "strmap",
             "seasonality": ("none", "fourier", "dummies"),
             "improvement": ("neutral", "increase", "decrease"), "source": str},
}
_REQUIRED = {"hate_crime": ["file"], "stop_search": ["files"], "flytipping": ["file"], "hotspots": [],
             "s136": []}
#: Sections that need one of several keys: (keys, what to say).
_ONE_OF = {"hotspots": (("file", "files"), "file (a table of points) or files (police.uk street-level CSVs, "
                        "folders or the police.uk .zip)"),
           "s136": (("file", "mha_file"), "file (one row per detention) or mha_file (NHS MHA annual statistics)")}
_SECTION_FIELDS = {k: set(v) for k, v in _SECTION_SCHEMA.items()}
_TOP_KEYS = {"title", "area", "confidence", "disclosure_threshold", "base_dir", "report", *SECTION_KEYS}

#: ``[report]``: the document's title page and branding (all optional).
REPORT_KEYS = ("author", "version", "period", "protective_marking", "template_dir")
_MARKING = re.compile(r"(OFFICIAL|OFFICIAL-SENSITIVE|NOT PROTECTIVELY MARKED)( [A-Z\[\]/ -]+)?")


class ConfigError(InvalidInputError):
    """The report configuration is invalid: the message names the key and the fix."""


class OutputError(SaferstatsError):
    """The output folder cannot be used (a file, not writable): raised before any analysis runs."""


# --------------------------------------------------------------------------------- config

def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_input_file(p: Path, key: str, *, folder_ok: bool = False) -> Path:
    """Refuse what is not a regular file (devices, pipes) or is larger than :data:`MAX_INPUT_BYTES`,
    before anything reads it. Folders (``folder_ok``) are checked file by file."""
    try:
        st = p.stat()
    except OSError as exc:
        raise ConfigError(f"{key} = '{p}': no such file or folder ({exc.strerror})", key) from exc
    if stat.S_ISDIR(st.st_mode):
        if not folder_ok:
            raise ConfigError(f"{key} = '{p}' is a folder; give a file", key)
        for f in sorted(p.iterdir()):
            if f.name.endswith((".csv", ".csv.gz", ".json")):
                check_input_file(f, key)
        return p
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"{key} = '{p}' is not a regular file (a device or pipe cannot be read as data)", key)
    if st.st_size > MAX_INPUT_BYTES:
        raise ConfigError(f"{key} = '{p}' is {st.st_size / 2**20:,.0f} MiB, above the report's limit of "
                          f"{MAX_INPUT_BYTES / 2**20:,.0f} MiB per input file (saferstats.report.MAX_INPUT_BYTES)", key)
    return p


#: a month as ``[hate_crime] monthly_rebase`` names it: "2016-07" (police.uk's month text)
_MONTH = MONTH_TEXT


def _check_value(where: str, key: str, v: Any, kind: Any, base: Path) -> Any:
    name = f"[{where}] {key}" if where else key
    arg = f"{where}.{key}" if where else key

    def fail(what: str) -> ConfigError:
        return ConfigError(f"{name} must be {what}, got {v!r}", arg)

    if kind is str:
        if not isinstance(v, str):
            raise fail("text (in quotes)")
        return v
    if isinstance(kind, tuple):
        if isinstance(v, int) and not isinstance(v, bool) and str(v) in kind:
            return str(v)  # census = 2011, a TOML number, is the choice "2011"
        if v not in kind:
            raise fail("one of " + ", ".join(repr(k) for k in kind))
        return v
    if kind in ("file", "files"):
        if kind == "files" and isinstance(v, str) and v:
            v = [v]  # files = "folder/": one file or folder
        items = v if kind == "files" else [v]
        if kind == "files" and (not isinstance(v, list) or not v):
            raise fail("a file or folder, or a non-empty list of them")
        out = []
        for f in items:
            if not isinstance(f, str) or not f:
                raise ConfigError(f"{name} must list file or folder paths as text, got {f!r}", arg)
            p = Path(f) if Path(f).is_absolute() else base / f
            try:
                out.append(check_input_file(p, arg, folder_ok=kind == "files"))
            except ConfigError as exc:
                # a relative path is read from the config file's folder: say where it was looked for
                looked = f" (read from the config file's folder: {p.resolve()})" if p != Path(f) else ""
                raise ConfigError(f"[{where}] {key} = '{f}': {str(exc).split(': ', 1)[-1]}{looked}", arg) from None
        return out if kind == "files" else out[0]
    if kind == "strlist":
        if isinstance(v, str) and key == "crime_type":
            return [v]
        if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v):
            raise fail("a non-empty list of column names" if key != "crime_type" else "a crime type or a list of them")
        return v
    if kind is bool:
        if not isinstance(v, bool):
            raise fail("true or false")
        return v
    if kind == "strmap":
        if not isinstance(v, dict) or not all(isinstance(x, str) for x in v.values()):
            raise fail("a table of column names (key = \"column\")")
        return v
    if kind == "monthmap":  # [hate_crime] monthly_rebase: {"2016-07" = "cause"}; the months are checked
        # against the series when it is read (report.sections._monthly_rebase), the form here, at once
        example = '{"2016-07" = "force crime recording audit"}'
        if not isinstance(v, dict):
            raise fail(f"a table of months and their causes, e.g. {key} = {example}")
        for month, cause in v.items():
            if not _MONTH.fullmatch(str(month).strip()):
                raise ConfigError(f"{name}: {str(month)!r} is not a month written as \"YYYY-MM\" (e.g. \"2016-07\" "
                                  f"for July 2016): {key} = {example}", arg)
            if not isinstance(cause, str):
                raise ConfigError(f"{name}: the cause of the change from {str(month).strip()} must be text (in quotes), "
                                  f"got {cause!r}", arg)
            if not cause.strip():
                raise ConfigError(f"{name}: give the cause of the change from {str(month).strip()} (e.g. "
                                  f"\"{str(month).strip()}\" = \"force crime recording audit\"); limits are "
                                  "recalculated only for a known cause", arg)
        return {str(m).strip(): c.strip() for m, c in v.items()}
    if kind == "posnum":
        if not _is_number(v) or v <= 0:
            raise fail("a positive number")
        return v
    if kind == "posint":
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise fail("a whole number >= 1")
        return v
    if kind == "date":
        if not isinstance(v, (str, date)) or isinstance(v, bool):
            raise fail('a date such as "2024-01-01"')
        try:
            pd.Timestamp(v)
        except (ValueError, TypeError) as exc:
            raise fail('a date such as "2024-01-01"') from exc
        return str(v)
    raise AssertionError(kind)  # pragma: no cover


_TABLE_LINE = re.compile(r"^\s*\[\s*([A-Za-z0-9_-]+)\s*\]\s*(?:#.*)?$")
_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*=")


def _meant(extra: Sequence[str], valid: Any) -> str:
    """' (did you mean 'files'?)' for unknown config keys close to a valid one (the library's one
    matcher, :func:`saferstats._frames.near_column`); '' when none is close."""
    pairs = [(k, m) for k in extra if (m := near_column(sorted(valid), k)) is not None]
    return (" (did you mean " + ", ".join(f"{m!r} for {k!r}" for k, m in pairs) + "?)") if pairs else ""


def _unknown_keys(extra: Sequence[str], kind: str = "") -> str:
    """"unknown key 'colour'" / "unknown top-level keys 'a', 'b'" (it read "unknown key(s) ['colour']").

    >>> _unknown_keys(["colour"]), _unknown_keys(["a", "b"], "top-level ")
    ("unknown key 'colour'", "unknown top-level keys 'a', 'b'")
    """
    return f"unknown {kind}{'key' if len(extra) == 1 else 'keys'} {', '.join(map(repr, extra))}"


def config_line(text: str, key: str) -> tuple[int, str] | None:
    r"""Where the config text sets ``key`` ("section.name", "section" or a top-level "name"): its
    1-based line and what is there (``name = ...`` or ``[section]`` when the section does not set
    the key, whose default was used). None when neither the key nor its section is in the text.

    >>> text = 'title = "T"\n\n[hotspots]\n# a comment\nstudy_area = "Stevenage"\n[s136]\nfile = "a.csv"\n'
    >>> config_line(text, "hotspots.study_area")
    (5, 'study_area = "Stevenage"')
    >>> config_line(text, "hotspots.crime_type")
    (3, '[hotspots]')
    >>> config_line(text, "title"), config_line(text, "s136"), config_line(text, "flytipping.file")
    ((1, 'title = "T"'), (6, '[s136]'), None)
    """
    section, _, name = key.partition(".") if "." in key else ("", "", key)
    if not section and key in SECTION_KEYS + ("report",):
        section, name = key, ""
    table, header = "", None
    for i, line in enumerate(text.splitlines(), 1):
        m = _TABLE_LINE.match(line)
        if m:
            table = m.group(1)
            if table == section and header is None:
                header = (i, line.strip())
            continue
        k = _KEY_LINE.match(line)
        if k and name and table == section and k.group(1).strip("\"'") == name:
            return i, line.strip()
    return header


def with_config_line(exc: SaferstatsError, path: str | Path) -> SaferstatsError:
    """The error with where the config file sets its key ("(assessment.toml line 12: study_area =
    ...)"), so the analyst knows which line to change; unchanged when the key is not located."""
    arg = getattr(exc, "argument", None)
    if not isinstance(arg, str) or not arg or arg == "config":
        return exc
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return exc
    where = config_line(text, arg)
    if where is None:
        return exc
    line, shown = where
    section, _, name = arg.partition(".")
    what = shown if not shown.startswith("[") or not name else f"{shown} (it has no {name}: add it below)"
    return type(exc)(f"{exc} ({Path(path).name} line {line}: {what})", arg, getattr(exc, "index", None),
                     position=getattr(exc, "position", None))


def load_config(path: str | Path) -> dict:
    """Read and validate an assessment TOML file. Start from the commented example, which an
    installed package writes too: ``saferstats report --example-config > assessment.toml`` (the
    same as the repository's ``examples/assessment.toml``); point its ``data/...`` paths, which are
    relative to the file, at your own data, then ``saferstats report --config assessment.toml --out DIR``.

    Raises :class:`ConfigError` naming the key and the problem.
    """
    path = Path(path)
    check = path.stat() if path.exists() else None
    if check is None:
        raise ConfigError(f"{path}: no such config file", "config")
    check_input_file(path, "config")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})", "config") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})", "config") from exc
    raw.setdefault("base_dir", str(path.parent))
    return validate_config(raw)


def validate_config(raw: dict) -> dict:
    """Check every key's type and range, name unknown keys, and check that input files are regular
    files within :data:`MAX_INPUT_BYTES`; return the config with paths resolved."""
    if not isinstance(raw, dict):
        raise ConfigError("the config must be a table of settings", "config")
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{_unknown_keys(unknown, 'top-level ')}; valid: {sorted(_TOP_KEYS)}", unknown[0])
    cfg = dict(raw)
    for key in ("title", "area", "base_dir"):
        if key in cfg:
            _check_value("", key, cfg[key], str, Path("."))
    base = Path(cfg.get("base_dir", "."))
    conf = cfg.setdefault("confidence", 0.95)
    if not _is_number(conf) or not 0 < conf < 1:
        raise ConfigError(f"confidence must be between 0 and 1 (e.g. 0.95), got {conf!r}", "confidence")
    thr = cfg.setdefault("disclosure_threshold", 5)
    if not isinstance(thr, int) or isinstance(thr, bool) or not 2 <= thr <= 1000:
        raise ConfigError(f"disclosure_threshold must be a whole number from 2 (e.g. 5: counts 1-4 hidden), "
                          f"got {thr!r}", "disclosure_threshold")
    cfg.setdefault("title", "Community Safety Strategic Assessment")
    cfg.setdefault("area", "")
    cfg["report"] = _check_report(cfg.get("report", {}), base)
    if not any(k in cfg for k in SECTION_KEYS):
        raise ConfigError(f"the config has no analysis sections; add at least one of {list(SECTION_KEYS)}", "config")
    for key in SECTION_KEYS:
        if key not in cfg:
            continue
        sec = cfg[key]
        if not isinstance(sec, dict):
            raise ConfigError(f"[{key}] must be a table of settings", key)
        if "data" in sec:  # already-loaded DataFrame (the demo)
            continue
        sec = cfg[key] = dict(sec)
        extra = sorted(set(sec) - _SECTION_FIELDS[key])
        if extra:
            raise ConfigError(f"[{key}] {_unknown_keys(extra)}{_meant(extra, _SECTION_FIELDS[key])}; valid: "
                              f"{sorted(_SECTION_FIELDS[key])}", f"{key}.{extra[0]}")
        for req in _REQUIRED[key]:
            if req not in sec:
                hint = ' (the first date of the pilot, e.g. "2024-01-01")' if req == "split" else ""
                raise ConfigError(f"[{key}] is missing the key '{req}'{hint}", f"{key}.{req}")
        if key in _ONE_OF:
            keys, what = _ONE_OF[key]
            if not any(k in sec for k in keys):
                raise ConfigError(f"[{key}] needs {what}", f"{key}.{keys[0]}")
        if key == "s136" and "file" in sec and "split" not in sec:
            raise ConfigError('[s136] is missing the key \'split\' (the first date of the pilot, e.g. "2024-01-01")',
                              "s136.split")
        for k, kind in _SECTION_SCHEMA[key].items():
            if k in sec:
                if key == "flytipping" and k == "population":
                    kind = str  # a column of the file
                if key == "hate_crime" and k == "monthly_rebase":
                    kind = "monthmap"  # months ("YYYY-MM") and their causes (text, not blank)
                sec[k] = _check_value(key, k, sec[k], kind, base)
        if key == "hate_crime" and sec.get("monthly_rebase") and "monthly" not in sec:
            raise ConfigError("[hate_crime] monthly_rebase recalculates the limits of the SPC chart of the monthly "
                              "series, and there is none: give monthly = \"...\" (the file of monthly counts, e.g. the "
                              "Home Office workbook with monthly_sheet = \"Figure_2\") too, or leave monthly_rebase out",
                              "hate_crime.monthly_rebase")
    return cfg


def _check_report(sec: Any, base: Path) -> dict:
    """``[report]``: author, version, period (text), protective_marking (a Government Security
    Classification marking, default OFFICIAL) and template_dir (a folder of templates that override
    the bundled ones, relative to the config file)."""
    if not isinstance(sec, dict):
        raise ConfigError("[report] must be a table of settings (author, version, period, protective_marking, "
                          "template_dir)", "report")
    extra = sorted(set(sec) - set(REPORT_KEYS))
    if extra:
        raise ConfigError(f"[report] {_unknown_keys(extra)}{_meant(extra, REPORT_KEYS)}; valid: {sorted(REPORT_KEYS)}",
                          f"report.{extra[0]}")
    out = dict(sec)
    for k in ("author", "version", "period", "protective_marking", "template_dir"):
        if k in out and not (k == "template_dir" and isinstance(out[k], Path)):
            _check_value("report", k, out[k], str, base)
    marking = out.setdefault("protective_marking", "OFFICIAL")
    if not _MARKING.fullmatch(marking):
        raise ConfigError(f"[report] protective_marking must be OFFICIAL, OFFICIAL-SENSITIVE (optionally with a "
                          f"descriptor in capitals) or NOT PROTECTIVELY MARKED, got {marking!r}", "report.protective_marking")
    if "template_dir" in out:
        p = Path(out["template_dir"])
        p = p if p.is_absolute() else base / p
        if not p.is_dir():
            raise ConfigError(f"[report] template_dir = '{out['template_dir']}' is not a folder (give the folder "
                              "holding your report.html.j2 / report.css overrides)", "report.template_dir")
        out["template_dir"] = p
    return out


def _national_with_footnotes() -> pd.DataFrame:
    """The bundled national strand series with the bulletin's footnotes (``attrs["footnotes"]``,
    "2017/18: Merseyside police have revised figures for 2017/18.") as read_hate_crime reads them
    from the same table, so that the report's trend says and marks the footnoted year."""
    from ..published import read_hate_crime

    nat = datasets.hate_crime_national()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        notes = read_hate_crime(datasets.hate_crime_strands_path()).attrs.get("footnotes") or {}
    nat.attrs["footnotes"] = dict(notes)
    return nat


def demo_config() -> dict:
    """The demo assessment on bundled real data (and the documented synthetic S136 pilot)."""
    forces = datasets.hate_crime_by_force()
    herts = forces[forces.force == "Hertfordshire"]
    la = datasets.census2011_by_la().query("force == 'Hertfordshire'")
    rng = np.random.default_rng(2019)
    w = la["All"].to_numpy() * np.where(la.csp.isin(["Watford", "Stevenage", "Welwyn Hatfield"]), 1.4, 1.0)
    rows = []
    for _, r in herts.iterrows():
        for district, pop, k in zip(la.csp, la["All"], rng.multinomial(int(r.offences), w / w.sum())):
            rows.append({"district": district, "year": r.year, "count": int(k), "population": int(pop)})
    return validate_config({
        "title": "Hertfordshire Community Safety Strategic Assessment (demo)",
        "area": "Hertfordshire",
        "confidence": 0.95,
        "disclosure_threshold": 5,
        "hate_crime": {
            "data": pd.DataFrame(rows), "area": "district", "period": "year", "count": "count", "population": "population",
            "national": _national_with_footnotes(), "forces": forces,
            "monthly": datasets.hate_crime_monthly(), "monthly_period": "month", "monthly_count": "offences",
            "monthly_label": "racially or religiously aggravated offences per month, England and Wales",
            "source": "Home Office police-recorded hate crime by police force area 2017-18 and 2018-19 (district split "
                      "SYNTHETIC: multinomial, seed 2019, proportional to 2011 Census population), England & Wales "
                      "series by strand 2011/12-2018/19 (HOSB 24/19, Table 2) and racially or religiously aggravated "
                      "offences by month, April 2013 - March 2019 (HOSB 24/19, Figure 2)",
        },
        "stop_search": {
            "data": datasets.stop_search_sample_path(), "by": ["force"],
            "source": "police.uk stop-and-search records, City of London, Derbyshire, Durham, Leicestershire, "
                      "Dec 2019 - Feb 2020; 2011 Census population by ethnic group (the Home Office's denominators for "
                      "searches before 2022/23)",
        },
        "flytipping": {
            "data": datasets.flytipping_hertfordshire(), "area": "la", "period": "year", "count": "incidents",
            "source": "Defra fly-tipping incidents reported by local authorities, 2012-13 to 2021-22; Census 2021 usual residents (ONS)",
        },
        "hotspots": {
            "data": datasets.hertfordshire_asb(), "lat": "lat", "lon": "lon", "date": "month", "eps_m": 150.0,
            "min_samples": 15, "cell_size": 1000.0, "study_area": "Hertfordshire",
            "source": "police.uk anti-social behaviour points, Hertfordshire, April-June 2021 (anonymised snap points)",
        },
        "s136": {
            "data": None, "split": "2024-01-01", "population": 1_100_000,
            "source": "SYNTHETIC Section 136 records (saferstats.synthetic.s136_pilot_records, seed 136) around a pilot "
                      "starting January 2024 - illustrates the method only",
        },
    })


def option_choices() -> dict[str, dict[str, tuple[str, ...]]]:
    """Each configuration section's keys that take one of a fixed set of values, with the values:
    what ``saferstats report`` accepts there (used to say a library keyword, ``ethnicity_source=
    'officer'``, as the configuration line that sets it).

    >>> option_choices()["stop_search"]["ethnicity_source"]
    ('self', 'officer', 'self_then_officer')
    """
    return {section: {k: tuple(v) for k, v in schema.items() if isinstance(v, tuple)}
            for section, schema in _SECTION_SCHEMA.items()}


__all__ += ["option_choices"]


#: A key of the configuration set by a library keyword of another name: (section, key) -> keyword.
#: ``annualise`` (default true) is ``disproportionality(per_year=True)`` where the searches are not a year's.
_LIBRARY_KEYWORD = {("stop_search", "annualise"): "per_year"}


def config_words(msg: str, section: str, given: Mapping[str, Any] | None = None) -> str:
    """A library message in the configuration's words: a keyword of the library call that a key of
    ``[section]`` sets, as that key's TOML line (the report's reader writes TOML, not Python).
    ``by='force'`` is ``[stop_search] by = ["force"]`` (a list in the config);
    ``ethnicity_source='officer'`` is ``[stop_search] ethnicity_source = "officer"``; a call around a
    keyword, ``read_stop_search(..., force='<force>')``, is the key alone. Other text is kept.
    (police.uk South Yorkshire, whose files have no locations: ``by = ["csp"]`` was refused with
    "by='force' sets the searches against their force area's population".) A keyword that names
    the table the message is about ("the by='csp' rates") is not advice: it is said as the key
    ``given`` (the configuration's ``[section]``) sets it, else as the key alone with the value the
    library names (not ``by = ["csp"]`` for a config that says ``by = ["force", "csp"]``).

    >>> print(config_words("some files carry no locations: by='force' sets the searches against the force", "stop_search"))
    some files carry no locations: [stop_search] by = ["force"] sets the searches against the force
    >>> print(config_words("with 'month' beside the area: by=['force', 'month']; or census=2021", "stop_search"))
    with 'month' beside the area: [stop_search] by = ["force", "month"]; or [stop_search] census = "2021"
    >>> print(config_words("pass read_stop_search(..., force='<force>') and by='force'", "stop_search"))
    pass [stop_search] force = "<force>" and [stop_search] by = ["force"]
    >>> print(config_words("by='csp'", "hate_crime"))  # not a key of [hate_crime]
    by='csp'
    >>> said = "211 searches are not in the by='csp' rates"
    >>> print(config_words(said, "stop_search", {"by": ["force", "csp"]}))
    211 searches are not in the rates of [stop_search] by = ["force", "csp"]
    >>> print(config_words(said, "stop_search"))
    211 searches are not in the rates by "csp" ([stop_search] by)

    A switch the library calls by another keyword is said as the key that sets it
    (``per_year=True``, which ``annualise`` passes to :func:`saferstats.disproportionality`):

    >>> print(config_words("not per year; for yearly rates pass per_year=True (by person-time)", "stop_search"))
    not per year; for yearly rates set [stop_search] annualise = true (by person-time)
    """
    schema = _SECTION_SCHEMA.get(section, {})
    quoted = r"""'[^'\n]*'|"[^"\n]*\""""
    for key, kind in schema.items():
        said = None
        if kind is bool:  # a switch the library calls by its own keyword (per_year=True: annualise = true)
            word = _LIBRARY_KEYWORD.get((section, key), key)
            msg = re.sub(rf"(?<![\w.`-])(pass )?{re.escape(word)}\s*=\s*(True|False)\b",
                         lambda m, key=key: f"{'set ' if m.group(1) else ''}[{section}] {key} = {m.group(2).lower()}", msg)
            continue
        if kind == "strlist":
            said = rf"(\[(?:\s*(?:{quoted})\s*,?)*\]|{quoted})"
        elif isinstance(kind, tuple):
            said = rf"({quoted}|\d+(?![\w.]))"
        elif kind is str and key != "source":
            said = rf"({quoted})"
        if said is None:
            continue
        key_at = rf"(?<![\w.`-])(?<!\] ){re.escape(key)}\s*=\s*{said}"  # (not a key's line said already)

        def items_of(text: str) -> list[str]:
            values = re.findall(r"""'([^'\n]*)'|"([^"\n]*)\"""", text)
            return [a or b for a, b in values] if values else [text]

        def toml(items: list[str], key: str = key, kind: Any = kind) -> str:
            text = ", ".join(f'"{v}"' for v in items)
            return f"[{section}] {key} = " + (f"[{text}]" if kind == "strlist" else text)

        def line(m: re.Match[str], kind: Any = kind) -> str:
            items = items_of(m.group(1))
            if isinstance(kind, tuple) and items[0] not in kind:
                return m.group(0)  # not a value the key takes: the library's words, as they are
            return toml(items)

        def table(m: re.Match[str], key: str = key) -> str:
            value = (given or {}).get(key)
            if value is not None and not isinstance(value, (pd.DataFrame, dict)):
                return f"the {m.group(2)} of " + toml([str(v) for v in value] if isinstance(value, (list, tuple))
                                                       else [str(value)])
            return f"the {m.group(2)} by " + ", ".join(f'"{v}"' for v in items_of(m.group(1))) + f" ([{section}] {key})"

        # a keyword inside a call ("read_stop_search(..., force='X')"): the key's line alone
        msg = re.sub(rf"\b\w+\(\.\.\., ({re.escape(key)}\s*=\s*{said})\)", r"\1", msg)
        # a keyword naming the table the message is about ("the by='csp' rates"): as the config sets the key
        msg = re.sub(rf"(?<![\w.`-])the {re.escape(key)}\s*=\s*{said} (rates|rows|tables?)\b", table, msg)
        msg = re.sub(key_at, line, msg)
    return msg

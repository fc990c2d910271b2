"""Rendering and writing the report: the self-contained HTML page, CSV tables with spreadsheet
formulas neutralised, and the output folder (staged, renamed into place, manifest)."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from ..exceptions import SaferstatsError, warn_user
from ..geography import display_name
from ..io import said_without_path_argument
from . import sections as _sections
import saferstats

from .config import SECTION_KEYS, ConfigError, OutputError, config_words, validate_config
from .sections import Section, Table
from .tables import bare

__all__ = ["render_html", "csv_safe", "write_csv", "prepare_output", "build_report", "OUTPUT_NAMES", "DEMO_NAMES",
           "PDF_NAME", "DOCX_NAME", "TEMPLATE_DIR"]

# ------------------------------------------------------------------------------- output

#: The bundled templates (package data); ``[report] template_dir`` files of the same name win.
TEMPLATE_DIR = Path(__file__).with_name("templates")


#: Which sections use each method line of the appendix (a line no section of the report uses is left
#: out: the City of London's report, with no Section 136 section, listed the Section 136 methods).
_METHOD_USERS = {
    # (Section 136 computes no rate per resident and no rate ratio with these methods: the NHS statistics' rates are
    # as published, the detention records' are shares (Wilson) and the ITS has its own line; an S136-only report
    # listed "Rates: ... Byar's" and "Rate ratios ... Wald" all the same)
    "rates": {"hate_crime", "flytipping", "stop_search"},
    "proportions": {"stop_search", "s136"},
    "ratios": {"hate_crime", "stop_search"},
    "funnel": {"hate_crime", "flytipping"},
    "stop_search": {"stop_search"},
    "hotspots": {"hotspots"},
}


def _methods_appendix(cfg: dict, sections: Sequence[Section] | None = None) -> list[str]:
    """The Methods appendix: the confidence level, the methods of the report's ``sections`` (every
    method when ``None``), disclosure control and the summary's rules. A method is listed when a
    section of the report uses it: trends and SPC charts when a table of them is in the report, the
    Section 136 ITS and durations for detention records, the NHS statistics' methods for ``mha_file``.

    >>> from saferstats.report.sections import Section
    >>> items = _methods_appendix({"confidence": 0.95, "disclosure_threshold": 5}, [Section("flytipping", "F", "", "")])
    >>> any(i.startswith("Section 136") for i in items), any(i.startswith("Funnel plots") for i in items)
    (False, True)
    """
    c = int(round(cfg["confidence"] * 100))
    every = sections is None
    # a hotspot section that maps nothing (too few points, or another force's files) used no hotspot method
    have = set(SECTION_KEYS) if sections is None else {s.key for s in sections
                                                        if s.key != "hotspots" or s.tables or s.figures}
    names = {t.name for s in sections or () for t in s.tables}

    def uses(method: str) -> bool:
        return bool(_METHOD_USERS[method] & have)

    trends = every or any(n.endswith(("_trend", "_trend_england")) for n in names)
    spc = every or any(n.endswith("_spc") for n in names)
    its = every or bool({"s136_its", "s136_durations", "s136_before_after", "s136_rates"} & names)
    mha = every or any(n.startswith("s136_mha") for n in names)
    # the totals disclosure control assumes known, for the sections the report has
    known = [words for key, words in (
        ("hate_crime", "counts by area and by period (hate crime)"),
        ("flytipping", "counts by area and by period (fly-tipping)"),
        ("stop_search", "searches by area and by ethnic group (by month: each area's month, and each area's searches "
                        "by group over the period)"),
        ("s136", "Section 136 totals across tables (conversions = s2 + s3, detentions = assessed + unknown, "
                 "before + after = all, months = all)")) if key in have and (key != "s136" or its)]
    items = [f"Confidence level {c}% throughout (two-sided)."]
    if uses("rates"):
        items.append("Rates: crude rate with exact Poisson (Garwood) limits below 10 events and Byar's approximation "
                     "from 10 (PHE/OHID).")
    if uses("proportions"):
        # differences and risk ratios: the find rates and the S136 before/after table, not the NHS statistics' shares
        compared = every or "stop_search" in have or "s136_before_after" in names
        items.append("Proportions: Wilson score intervals" + ("; differences: Newcombe's hybrid score interval; risk "
                                                              "ratios: Katz log interval." if compared else "."))
    if uses("ratios"):
        items.append("Rate ratios and % change: Wald interval on the log scale; exact conditional interval when a count "
                     "is zero."
                     + (" The year-on-year changes treat the two counts as Poisson (chance variation only): where "
                        "counts vary more than that between years (over-dispersion), the intervals are too narrow, so "
                        "the findings give the over-dispersion at which a change called statistically significant "
                        "would not be (its interval widened by the square root of it on the log scale)."
                        if every or "hate_crime_change" in names else ""))
    if trends:
        items.append("Trends: Poisson log-linear regression (IRLS) with population offset; quasi-Poisson when Pearson "
                     "χ²/df > 1.5; intervals and significance from Student's t on the residual degrees of freedom "
                     "(years − 2) where the fit is quasi-Poisson, and from the normal where it is Poisson, as R's "
                     "summary.glm (the normal is optimistic for a dispersion estimated from a few years of figures).")
    if uses("funnel"):
        items.append("Funnel plots: PHE method, 95% and 99.8% exact Poisson limits around the overall rate, widened for "
                     "over-dispersion between areas (Spiegelhalter 2005) when the areas vary more than chance allows; "
                     "each funnel's caption says which limits it uses.")
    if spc:
        items.append("SPC charts: XmR (individuals) chart of monthly counts, limits at the mean ± 2.66 × the average "
                     "moving range (very large moving ranges screened out), with the NHS Making Data Count rules.")
    if uses("stop_search"):
        # the denominators the section used: with [stop_search] census = "2021" for 2019-20 searches the appendix
        # said "the Census the Home Office used for the searches' period", which the table contradicted (walk 21)
        ss_cfg = cfg.get("stop_search") or {}
        choice = str(ss_cfg.get("census", "auto"))
        # a Census table the section read from that file is named, with its date (TS021, 21 March 2021)
        named = next((s.population for s in sections or () if s.key == "stop_search" and s.population), "")
        denominators = (
            (f"the population file the configuration gives, [stop_search] population: {named}" if named else
             "the population file the configuration gives ([stop_search] population)") if ss_cfg.get("population")
            else f"Census {choice}, as the configuration sets it (the Home Office used Census 2011 for searches before "
                 "2022/23 and Census 2021 from then; the table says whether they match)" if choice in ("2011", "2021")
            else "the Census the Home Office used for the searches' period: 2011 before 2022/23, 2021 from then; the "
                 "table says which")
        items.append("Stop and search: Home Office method — self-defined ethnicity in five groups, rates per 1,000 "
                     f"residents ({denominators}), ratio to the White rate from unrounded rates, 'reliable' flag "
                     "below 10 searches or 1,000 residents.")
    if uses("hotspots"):
        items.append("Hotspots: haversine DBSCAN (scikit-learn semantics), quartic KDE (a fixed street-level radius, "
                     "500 m unless set), Getis-Ord Gi* (esda moments, conditional permutations).")
    if mha:
        items.append("Section 136 (NHS England Mental Health Act statistics): the crude and age-standardised rates by "
                     "ethnic group and their 95% confidence intervals as NHS England publishes them, the ratio to the "
                     "White age-standardised rate, and the share of uses followed by a section 2 or 3 detention with "
                     "Wilson score intervals.")
    if its:
        items.append("Section 136: segmented Poisson ITS with time-since-break 0 in the first post period (Bernal et "
                     "al. 2017), quasi-Poisson standard errors and intervals from t on the residual degrees of freedom; "
                     "durations with numpy 'linear' (R type 7) quantiles.")
    # the lines a section adds for what it alone does (the arrest comparison when every find comparison is withheld)
    items += [m for s in sections or () for m in s.methods]
    items.append(
        f"Disclosure control: counts below {cfg['disclosure_threshold']} are shown as [c]; further counts are hidden "
        "until none can be worked back (exact linear audit, non-negative counts) from what the report publishes"
        + (" (a zero among them where that spares the White count every ratio of its area needs, so a [c] there "
           "may be 0)" if uses("stop_search") else "")
        + (" and the totals assumed known — " + ", ".join(known) if known else "")
        + "; rates, limits, ratios, changes and tests of a hidden count are hidden with it, and figures show only "
        "published numbers.")
    items += [
        "Plain-English summary: a change is called a rise or fall only when its confidence interval excludes no change; "
        "with fewer than 20 incidents in either period (ONS reliability threshold) or a suppressed count the report "
        "says there are too few to say.",
        "Every method, its reference and test values: the saferstats methods pages (docs/methods/index.md) and the "
        "package docstrings.",
    ]
    return items


def _environment(template_dir: Path | None = None) -> Any:
    """The Jinja2 environment: ``template_dir`` (a CSP's overrides) first, then the bundled
    templates; HTML autoescaping on for every template; undefined names are errors."""
    import jinja2

    loaders: list[Any] = [jinja2.FileSystemLoader(str(template_dir))] if template_dir else []
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATE_DIR)))
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=False, lstrip_blocks=False)


_SHORT = {"hate_crime": "hate crime", "stop_search": "stop and search", "flytipping": "fly-tipping",
          "hotspots": "hotspots", "s136": "Section 136"}


def _periods(sections: Sequence[Section]) -> str:
    """The title page's period when ``[report] period`` is not set: each section's own period
    (e.g. "hate crime 2018/19; stop and search Dec 2019 to Feb 2020")."""
    parts = [f"{_SHORT.get(s.key, s.key)} {s.period}" for s in sections if getattr(s, "period", "")]
    return "; ".join(parts) if parts else "the latest data available for each analysis (stated in each section)"


def _meta(cfg: dict, sections: Sequence[Section]) -> dict[str, Any]:
    from .. import __version__

    rep = cfg.get("report") or {}
    area = cfg.get("area") or ""
    return {
        "title": cfg.get("title", "Community Safety Strategic Assessment"),
        "area": area,
        "period": rep.get("period") or _periods(sections),
        # with [report] period set, the periods the sections' data cover, beside it (a "January to
        # December 2023" report whose hate crime is 2018/19 and fly-tipping 2021/22 said only the first)
        "data_periods": _periods(sections) if rep.get("period") and any(getattr(s, "period", "") for s in sections) else "",
        "author": rep.get("author") or (f"{display_name(area)} Community Safety Partnership" if area else "Community Safety Partnership"),
        "version": rep.get("version") or "draft",
        "protective_marking": rep.get("protective_marking") or "OFFICIAL",
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "saferstats_version": __version__,
        "confidence": f"{cfg['confidence'] * 100:.10g}%",
        "threshold": cfg["disclosure_threshold"],
    }


def _view(cfg: dict, s: Section) -> dict[str, Any]:
    from .alt import figure_alt
    from .tables import display_table

    area = str(cfg.get("area") or "")
    said = {area, display_name(area)} if area else set()  # the page's tables say "City of London" (page_names)
    tables = []
    for t in s.tables:
        d = display_table(t.page, t.caption, confidence=cfg["confidence"])
        lead = d.row_header_columns
        own = getattr(t, "highlight", None)  # the section's rows of the report's area (districts inside it too)
        tables.append({"name": t.name, "display": d,
                       "highlight": [bool(said & set(row[:lead])) or bool(own and len(own) == len(d.rows) and own[i])
                                     for i, row in enumerate(d.rows)]})
    figures = [{"name": f.name, "caption": f.caption, "alt": figure_alt(s, f, cfg),
                "b64": base64.b64encode(f.png).decode("ascii")} for f in s.figures]
    return {"key": s.key, "title": s.title, "short_title": s.title.split(":")[0], "intro": s.intro, "source": s.source,
            "figures": figures, "tables": tables}


def render_html(cfg: dict, sections: list[Section]) -> str:
    """The self-contained page (figures as data: URIs, no external resources), from the Jinja2
    templates (``report.html.j2``; a CSP's ``[report] template_dir`` overrides any of them) with
    HTML escaping on: title page, executive summary and key findings, the sections with readable
    tables and described figures, limitations, glossary and methods.

    >>> from saferstats.report.sections import Section, Table
    >>> import pandas as pd
    >>> cfg = {"title": "<Demo>", "area": "", "confidence": 0.95, "disclosure_threshold": 5}
    >>> t = Table("t", "Counts", pd.DataFrame({"district": ["A"], "count": [12]}))
    >>> page = render_html(cfg, [Section("hate_crime", "Hate crime: demo", "Intro", "Mine", tables=[t])])
    >>> "<title>&lt;Demo&gt;</title>" in page, '<th scope="col" class="num">Count</th>' in page
    (True, True)
    """
    import jinja2

    from .summary import executive_summary
    from .tables import one_layout

    rep = cfg.get("report") or {}
    env = _environment(rep.get("template_dir"))
    with one_layout():  # each table laid out once, for the glossary and the page
        summary = executive_summary(sections, cfg)
        views = [_view(cfg, s) for s in sections]
    try:
        return env.get_template("report.html.j2").render(
            meta=_meta(cfg, sections), sections=views, summary=summary,
            methods=_methods_appendix(cfg, sections), config=cfg)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"[report] template_dir: {exc.name or exc.filename} line {exc.lineno}: {exc.message}",
                          "report.template_dir") from exc
    except jinja2.TemplateError as exc:
        raise ConfigError(f"[report] template_dir: the templates could not be rendered: {exc}",
                          "report.template_dir") from exc


# ---------------------------------------------------------------------------- safe output

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutral(v: Any) -> Any:
    """OWASP CSV-injection defence: text starting with = + - @ tab or CR gets a leading single
    quote, so a spreadsheet shows it as text instead of running it. Text that is a plain number
    (e.g. "-1.5") is left alone."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        try:
            float(v)
            return v
        except ValueError:
            return "'" + v
    return v


def csv_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A table's frame as its CSV names areas: as the page and the text do
    (:func:`saferstats.report.tables.page_names` over the area columns: the City of London, not the
    ONS and Home Office "London, City of"), so that a figure looked up in the CSV is found under the
    name the report gives it. The codes (``force_code``, ``csp_code``) stay the key to other
    published tables.

    >>> csv_names(pd.DataFrame({"force": ["London, City of", "Kent"], "searches": [879, 5]}))["force"].tolist()
    ['City of London', 'Kent']
    """
    from .tables import AREA_COLUMNS, page_names

    named = page_names(frame, AREA_COLUMNS)
    return frame if named is None else named


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names cannot run as spreadsheet formulas
    (:func:`_neutral`); numeric columns are untouched, so negative numbers stay numbers.

    >>> csv_safe(pd.DataFrame({"area": ["=HYPERLINK(1)", "-x", "Luton"], "change": [-1.5, 2.0, 0.0]}))
                area  change
    0  '=HYPERLINK(1)    -1.5
    1             '-x     2.0
    2           Luton     0.0
    """
    out = df.copy()
    cells = bare(df)  # (the table's attrs not deep-copied into each column read)
    for c in out.columns:
        col = cells[c]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)
                or pd.api.types.is_datetime64_any_dtype(col)):
            if isinstance(col.dtype, pd.CategoricalDtype):
                col = col.astype(object)
            out[c] = col.map(_neutral)
    out.columns = [_neutral(c) if isinstance(c, str) else c for c in out.columns]
    if isinstance(out.index, pd.Index) and out.index.dtype == object:
        out.index = out.index.map(_neutral)
    return out


def write_csv(df: pd.DataFrame, path: str | Path, *, index: bool = False) -> Path:
    """Write ``df`` as CSV safely: formula-looking text neutralised (:func:`csv_safe`), written to a
    temporary file beside ``path`` and renamed into place (never a half-written file). A ``path``
    that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a named pipe) is written
    to as it is: renaming a file onto it would replace the device (as root, ``/dev/null`` became a
    regular file)."""
    path = Path(path)
    if path.exists() and not path.is_file() and not path.is_dir():
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv_safe(df).to_csv(fh, index=index)
        return path
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            csv_safe(df).to_csv(fh, index=index)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


_MANIFEST = ".saferstats-report.json"


#: Every file a report may write, per section (checked against the output folder up front).
OUTPUT_NAMES: dict[str, tuple[str, ...]] = {
    "hate_crime": ("hate_crime_rates.csv", "hate_crime_change.csv", "hate_crime_funnel.png",
                   "hate_crime_national_trend.csv", "hate_crime_national.png", "hate_crime_factors.csv",
                   "hate_crime_spc.csv", "hate_crime_spc.png", "hate_crime_peers.csv"),
    "stop_search": ("stop_search_disproportionality.csv", "stop_search_find_rates.csv", "stop_search_arrest_rates.csv",
                    "stop_search_forest.png"),
    "flytipping": ("flytipping_rates.csv", "flytipping_land.csv", "flytipping_trend.csv", "flytipping_trend_since_step.csv",
                   "flytipping_trend_england.csv", "flytipping_funnel.png"),
    "hotspots": ("hotspot_clusters.csv", "hotspot_clusters.png", "hotspot_kde.png", "hotspot_gi.png", "clusters.geojson"),
    "s136": ("s136_rates.csv", "s136_place_of_safety.csv", "s136_durations.csv", "s136_before_after.csv",
             "s136_detention_rates.csv", "s136_its.csv", "s136_its.png", "s136_spc.csv", "s136_spc.png", "s136_mha_ethnicity.csv",
             "s136_mha_conversion.csv"),
}
DEMO_NAMES = ("hate_crime_rates_by_force.csv", "hate_crime_change_by_force.csv")
#: The PDF copy written with ``--pdf``.
PDF_NAME = "report.pdf"
#: The editable Word copy written with ``--docx``.
DOCX_NAME = "report.docx"


class _Output:
    """The report's output folder: checked (and a private staging folder made inside it) before any
    analysis runs; files are staged, then each renamed into place (index.html last). Only files this
    report writes are replaced, and only files an earlier saferstats report listed in its manifest
    are removed; nothing else in the folder is touched."""

    def __init__(self, out_dir: Path, names: Sequence[str] = ()) -> None:
        self.dir = out_dir
        self.created = False
        self.stage = None
        if out_dir.exists() and not out_dir.is_dir():
            raise OutputError(f"--out {out_dir}: is a file, not a folder; give a folder for the report")
        self.previous: list[str] = []
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            self.previous = [str(f) for f in json.loads((out_dir / _MANIFEST).read_text())["files"]]
        self.allowed = {"index.html", *names}
        clash = sorted(n for n in self.allowed if (out_dir / n).exists() and n not in self.previous)
        if clash:
            raise OutputError(f"--out {out_dir}: already holds {', '.join(clash[:4])}{' ...' if len(clash) > 4 else ''}, "
                              "not written by a saferstats report; choose another folder or move them (nothing is "
                              "overwritten that saferstats did not write)")
        try:
            if not out_dir.exists():
                out_dir.mkdir(parents=True)
                self.created = True
            self.stage = Path(tempfile.mkdtemp(prefix=".saferstats-report-", dir=out_dir))
        except OSError as exc:
            raise OutputError(f"--out {out_dir}: cannot write there ({exc.strerror or exc})") from exc
        self.files: list[str] = []

    def write_text(self, name: str, text: str) -> None:
        (self.stage / name).write_text(text, encoding="utf-8")
        self.files.append(name)

    def write_bytes(self, name: str, data: bytes) -> None:
        (self.stage / name).write_bytes(data)
        self.files.append(name)

    def write_csv(self, name: str, df: pd.DataFrame, *, index: bool = False) -> None:
        csv_safe(df).to_csv(self.stage / name, index=index)
        self.files.append(name)

    def commit(self) -> None:
        """Rename the staged files into place (index.html last), remove the previous report's files
        that this one did not rewrite (from the manifest only), write the manifest."""
        previous = self.previous
        order = sorted(self.files, key=lambda n: n == "index.html")
        for name in order:
            dest = self.dir / name
            if dest.is_dir() or (dest.exists() and name not in previous and name not in self.allowed):
                raise OutputError(f"--out {self.dir}: '{name}' exists and was not written by a saferstats report")
        for name in order:
            os.replace(self.stage / name, self.dir / name)
        for name in previous:
            if name not in self.files and "/" not in name and name not in ("", ".", "..") and \
                    (self.dir / name).is_file():
                with contextlib.suppress(OSError):
                    (self.dir / name).unlink()
        write_json = {"generator": "saferstats report", "files": self.files}
        (self.stage / _MANIFEST).write_text(json.dumps(write_json, indent=1))
        os.replace(self.stage / _MANIFEST, self.dir / _MANIFEST)
        self.close()

    def close(self) -> None:
        """Remove the staging folder (ours) and, if this run created the output folder and wrote
        nothing to it, that folder too."""
        if self.stage is not None and self.stage.exists():
            shutil.rmtree(self.stage, ignore_errors=True)
        if self.created:
            with contextlib.suppress(OSError):
                self.dir.rmdir()  # only when empty


def prepare_output(out_dir: str | Path, cfg: dict | None = None, *, extra: Sequence[str] = ()) -> _Output:
    """Check ``out_dir`` before any analysis runs: it must be a folder (created when missing) that
    can be written to, and must not hold a file the report would write that an earlier saferstats
    report did not write (``cfg`` says which sections run; ``extra`` names further files).
    Raises :class:`OutputError` with a one-line message."""
    names = [n for k in SECTION_KEYS if cfg is None or k in cfg for n in OUTPUT_NAMES[k]]
    return _Output(Path(out_dir), [*names, *extra])


def _check_area(area: str) -> None:
    """Warn when the config's ``area`` is no police force area, CSP or local authority (a typo such
    as "Mersyside"): the report then highlights nothing and describes no area of its own."""
    from ..geography import close_matches, area_lookup, force_id
    from .inputs import scope_of

    if not str(area or "").strip() or scope_of(area).las or force_id(area) is not None:
        return
    lk = area_lookup()
    close = close_matches(str(area), sorted({*lk.force_name, *lk.csp, *lk.la}), 3)
    warn_user(f"area = {area!r} is not a police force area, CSP or local authority (ONS names and codes"
              + (f"; close matches: {', '.join(repr(c) for c in close)}" if close else "")
              + "): no table row or funnel point is highlighted as the report's own area")


@contextlib.contextmanager
def _said_for_section(k: str) -> Iterator[None]:
    """An error of section ``k``'s data or config as a :class:`ConfigError` naming the section, in the
    config's words (a ConfigError as it is)."""
    try:
        yield
    except ConfigError:
        raise
    except SaferstatsError as exc:  # say which section of the config the data came from, in its words
        raise ConfigError(f"[{k}] could not be analysed: {config_words(said_without_path_argument(exc), k)}", k) \
            from exc
    except (KeyError, ValueError, OSError, TypeError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ConfigError(f"[{k}] could not be analysed: {type(exc).__name__}: {config_words(str(exc), k)}",
                          k) from exc


def build_report(cfg: dict, out_dir: str | Path | _Output, *, quiet: bool = False,
                 extra_csv: dict[str, tuple[pd.DataFrame, bool]] | None = None, pdf: bool = False,
                 docx: bool = False) -> Path:
    """Run every configured analysis and write ``index.html``, the CSV tables, the figures as PNG
    and any GeoJSON into ``out_dir`` (and ``report.pdf`` with ``pdf=True``, printed by headless
    Chromium; ``report.docx`` with ``docx=True``, an editable Word copy; without a browser or
    python-docx that copy is left out with a warning). The folder is checked first
    (:func:`prepare_output`); the files are staged and renamed into place only when everything
    succeeded; other files in the folder are never touched (``--out .`` is safe). Returns the path
    of ``index.html``.

    >>> import tempfile
    >>> cfg = validate_config({"hotspots": {"data": saferstats.datasets.hertfordshire_asb(), "date": "month"}})
    >>> page = build_report(cfg, Path(tempfile.mkdtemp()) / "out", quiet=True)
    >>> page.name, "Executive summary" in page.read_text()
    ('index.html', True)
    """
    extra = [*(extra_csv or {}), *([PDF_NAME] if pdf else []), *([DOCX_NAME] if docx else [])]
    out = out_dir if isinstance(out_dir, _Output) else prepare_output(out_dir, cfg, extra=extra)
    _check_area(cfg.get("area", ""))
    try:
        keys = [k for k in SECTION_KEYS if k in cfg]
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover
            tqdm = None
        bar = None if quiet or tqdm is None else tqdm(total=len(keys) + 1, desc="strategic assessment", unit="section")
        for k in keys:  # what can be checked before any file is read: said at once, as the section would say it
            with _said_for_section(k):
                _sections.check_before_reading(k, cfg[k])
        sections = []
        for k in keys:
            logging.getLogger("saferstats.report").info("report: section %s", k)
            if bar is not None:
                bar.set_postfix_str(k)
            with _said_for_section(k):
                sections.append(_sections._BUILDERS[k](cfg, cfg[k]))
            if bar is not None:
                bar.update(1)
        out.write_text("index.html", render_html(cfg, sections))
        if pdf:
            from .pdf import html_to_pdf

            stage = out.stage
            assert stage is not None  # made in _Output.__init__
            if html_to_pdf(stage / "index.html", stage / PDF_NAME) is not None:
                out.files.append(PDF_NAME)
            else:


                warn_user("--pdf: Chromium is not installed (make browser, or apt-get install chromium); the "
                          "report was written without a PDF")
        if docx:
            from .docx import docx_available, write_docx

            stage = out.stage
            assert stage is not None  # made in _Output.__init__
            if docx_available():
                write_docx(cfg, sections, stage / DOCX_NAME)
                out.files.append(DOCX_NAME)
            else:


                warn_user("--docx: python-docx is not installed (pip install python-docx); the report was "
                          "written without a Word copy")
        for s in sections:
            for t in s.tables:
                out.write_csv(f"{t.name}.csv", _sections.csv_rounded(csv_names(t.frame)))
            for f in s.figures:
                out.write_bytes(f"{f.name}.png", f.png)
            for name, text in s.geojson.items():
                out.write_text(name, text)
        for name, (frame, index) in (extra_csv or {}).items():
            out.write_csv(name, frame, index=index)
        out.commit()
        if bar is not None:
            bar.update(1)
            bar.close()
    finally:
        out.close()
    return out.dir / "index.html"

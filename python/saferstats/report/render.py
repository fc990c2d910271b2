"""Rendering and writing the report: the self-contained HTML page, CSV tables with spreadsheet
formulas neutralised, and the output folder (staged, renamed into place, manifest)."""

from __future__ import annotations

import base64
import contextlib
import html
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from ..exceptions import SaferstatsError
from . import sections as _sections
from .config import SECTION_KEYS, ConfigError, OutputError
from .sections import Section, Table

__all__ = ["render_html", "csv_safe", "write_csv", "prepare_output", "build_report", "OUTPUT_NAMES", "DEMO_NAMES"]

# ------------------------------------------------------------------------------- output

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Arial,sans-serif;margin:2rem auto;max-width:1100px;color:#222;line-height:1.45}
h1{border-bottom:3px solid #1f4e9c}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.82rem;margin:.5rem 0 1.5rem}th,td{border:1px solid #ddd;padding:2px 6px;text-align:right}
th{background:#f2f5fa}td:first-child,th:first-child{text-align:left}.caption{font-weight:600;margin:.8rem 0 .2rem}
.source{color:#555;font-size:.85rem}figure{margin:1rem 0}img{max-width:100%}figcaption{font-size:.85rem;color:#444}
nav a{margin-right:1rem}.appendix{font-size:.9rem}
"""

_CHECK_JS = """
window.__errors=[];window.addEventListener('error',function(e){window.__errors.push(String(e.message||e));});
window.addEventListener('load',function(){var imgs=document.images,bad=0;for(var i=0;i<imgs.length;i++){
if(!(imgs[i].complete&&imgs[i].naturalWidth>0))bad++;}
document.body.setAttribute('data-render-check','images='+imgs.length+';broken='+bad+';errors='+window.__errors.length);});
"""


def _methods_appendix(cfg: dict) -> str:
    c = int(round(cfg["confidence"] * 100))
    items = [
        f"Confidence level {c}% throughout (two-sided).",
        "Rates: crude rate with exact Poisson (Garwood) limits below 10 events and Byar's approximation from 10 (PHE/OHID).",
        "Proportions: Wilson score intervals; differences: Newcombe's hybrid score interval; risk ratios: Katz log interval.",
        "Rate ratios and % change: Wald interval on the log scale; exact conditional interval when a count is zero.",
        "Trends: Poisson log-linear regression (IRLS) with population offset; quasi-Poisson when Pearson χ²/df > 1.5.",
        "Funnel plots: PHE method, 95% and 99.8% exact Poisson limits around the overall rate.",
        "Stop and search: Home Office method — self-defined ethnicity in five groups, rates per 1,000 residents (the Census "
        "the Home Office used for the searches' period: 2011 before 2022/23, 2021 from then; the table says which), "
        "ratio to the White rate from unrounded rates, 'reliable' flag below 10 searches or 1,000 residents.",
        "Hotspots: haversine DBSCAN (scikit-learn semantics), quartic KDE (ArcGIS default radius), Getis-Ord Gi* (esda moments, "
        "conditional permutations).",
        "Section 136: segmented Poisson ITS with time-since-break 0 in the first post period (Bernal et al. 2017); durations with "
        "numpy 'linear' (R type 7) quantiles.",
        f"Disclosure control: counts below {cfg['disclosure_threshold']} are shown as [c]; further counts are hidden "
        "until none can be worked back (exact linear audit, non-negative counts) from what the report publishes and "
        "the totals assumed known — counts by area and by period (hate crime, fly-tipping), searches by area and by "
        "ethnic group, Section 136 totals across tables (conversions = s2 + s3, detentions = assessed + unknown, "
        "before + after = all, months = all); rates, limits, ratios, changes and tests of a hidden count are hidden "
        "with it, and figures show only published numbers.",
        "Every method, its reference and test values: saferstats METHODS.md and the package docstrings.",
    ]
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def _table_html(t: Table) -> str:
    return (f'<div class="caption">{html.escape(t.caption)}</div>'
            + t.frame.to_html(index=False, na_rep="", border=0, classes="data", escape=True)
            + f'<div class="source">CSV: {html.escape(t.name)}.csv</div>')


def render_html(cfg: dict, sections: list[Section]) -> str:
    """The self-contained page (figures as data: URIs, no external resources)."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    from .. import __version__

    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(cfg['title'])}</title>",
             f"<style>{_CSS}</style><script>{_CHECK_JS}</script></head><body>",
             f"<h1>{html.escape(cfg['title'])}</h1>",
             f"<p class='source'>Generated {stamp} by saferstats {__version__}. Confidence level "
             f"{int(round(cfg['confidence']*100))}%. Small counts suppressed below {cfg['disclosure_threshold']}.</p>",
             "<nav>" + "".join(f"<a href='#{s.key}'>{html.escape(s.title.split(':')[0])}</a>" for s in sections)
             + "<a href='#methods'>Methods</a></nav>"]
    for s in sections:
        parts.append(f"<section id='{s.key}'><h2>{html.escape(s.title)}</h2><p>{html.escape(s.intro)}</p>"
                     f"<p class='source'>Source: {html.escape(s.source)}</p>")
        for f in s.figures:
            b64 = base64.b64encode(f.png).decode("ascii")
            parts.append(f"<figure id='fig-{f.name}'><img alt='{html.escape(f.caption)}' src='data:image/png;base64,{b64}'>"
                         f"<figcaption>{html.escape(f.caption)}</figcaption></figure>")
        for t in s.tables:
            parts.append(_table_html(t))
        parts.append("</section>")
    parts.append(f"<section id='methods' class='appendix'><h2>Methods appendix</h2>{_methods_appendix(cfg)}</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


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
    for c in out.columns:
        col = out[c]
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
    temporary file beside ``path`` and renamed into place (never a half-written file)."""
    path = Path(path)
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
                   "hate_crime_national_trend.csv", "hate_crime_national.png"),
    "stop_search": ("stop_search_disproportionality.csv", "stop_search_find_rates.csv", "stop_search_forest.png"),
    "flytipping": ("flytipping_rates.csv", "flytipping_trend.csv", "flytipping_funnel.png"),
    "hotspots": ("hotspot_clusters.csv", "hotspot_clusters.png", "hotspot_kde.png", "hotspot_gi.png", "clusters.geojson"),
    "s136": ("s136_rates.csv", "s136_place_of_safety.csv", "s136_durations.csv", "s136_before_after.csv",
             "s136_its.csv", "s136_its.png", "s136_mha_ethnicity.csv", "s136_mha_conversion.csv"),
}
DEMO_NAMES = ("hate_crime_rates_by_force.csv", "hate_crime_change_by_force.csv")


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


def build_report(cfg: dict, out_dir: str | Path | _Output, *, quiet: bool = False,
                 extra_csv: dict[str, tuple[pd.DataFrame, bool]] | None = None) -> Path:
    """Run every configured analysis and write ``index.html``, the CSV tables, the figures as PNG
    and any GeoJSON into ``out_dir``. The folder is checked first (:func:`prepare_output`); the files
    are staged and renamed into place only when everything succeeded; other files in the folder are
    never touched (``--out .`` is safe). Returns the path of ``index.html``."""
    out = out_dir if isinstance(out_dir, _Output) else prepare_output(out_dir, cfg, extra=list(extra_csv or {}))
    try:
        keys = [k for k in SECTION_KEYS if k in cfg]
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover
            tqdm = None
        bar = None if quiet or tqdm is None else tqdm(total=len(keys) + 1, desc="strategic assessment", unit="section")
        sections = []
        for k in keys:
            if bar is not None:
                bar.set_postfix_str(k)
            try:
                sections.append(_sections._BUILDERS[k](cfg, cfg[k]))
            except SaferstatsError:
                raise
            except (KeyError, ValueError, OSError, TypeError, pd.errors.ParserError, UnicodeDecodeError) as exc:
                raise ConfigError(f"[{k}] could not be analysed: {type(exc).__name__}: {exc}", k) from exc
            if bar is not None:
                bar.update(1)
        out.write_text("index.html", render_html(cfg, sections))
        for s in sections:
            for t in s.tables:
                out.write_csv(f"{t.name}.csv", t.frame)
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

"""The strategic assessment report: the four analyses turned into one self-contained HTML page
(figures embedded), the tables as CSV and the cluster outlines as GeoJSON.

``build_report(config, out_dir)`` runs from a validated configuration (``load_config`` reads a
TOML file; ``demo_config()`` points at the bundled data). Everything is written to a temporary
folder first and moved into place at the end, so a failed run never leaves a report that looks
complete. Every table and figure states its method, confidence level, source and period; counts
in published tables go through :func:`saferstats.suppress`.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import html
import io
import json
import math
import os
import shutil
import stat
import tempfile
import tomllib
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import datasets
from .exceptions import InvalidInputError, SaferstatsError

__all__ = ["ConfigError", "OutputError", "load_config", "validate_config", "demo_config", "build_report",
           "check_input_file", "prepare_output", "write_csv", "csv_safe", "SECTION_KEYS", "MAX_INPUT_BYTES"]

SECTION_KEYS = ("hate_crime", "stop_search", "flytipping", "hotspots", "s136")

#: Largest input file the report reads (bytes); larger files, and anything that is not a regular
#: file (a device such as /dev/zero, a pipe), are refused before reading, naming the key.
MAX_INPUT_BYTES = 1 << 30

# value kinds: str, "file", "files", "strlist", "strmap", "posnum", "posint", "date", a tuple of choices
_SECTION_SCHEMA: dict[str, dict[str, Any]] = {
    "hate_crime": {"file": "file", "area": str, "period": str, "count": str, "population": str, "source": str},
    "stop_search": {"files": "files", "by": "strlist", "population": "file",
                    "ethnicity_source": ("self", "officer", "self_then_officer"), "source": str},
    "flytipping": {"file": "file", "area": str, "period": str, "count": str, "population": str, "source": str},
    "hotspots": {"file": "file", "lat": str, "lon": str, "date": str, "eps_m": "posnum", "min_samples": "posint",
                 "cell_size": "posnum", "source": str},
    "s136": {"file": "file", "split": "date", "population": "posnum", "columns": "strmap", "source": str},
}
_REQUIRED = {"hate_crime": ["file"], "stop_search": ["files"], "flytipping": ["file"], "hotspots": ["file"],
             "s136": ["file", "split"]}
_SECTION_FIELDS = {k: set(v) for k, v in _SECTION_SCHEMA.items()}
_TOP_KEYS = {"title", "area", "confidence", "disclosure_threshold", "base_dir", *SECTION_KEYS}


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
        if v not in kind:
            raise fail("one of " + ", ".join(repr(k) for k in kind))
        return v
    if kind in ("file", "files"):
        items = v if kind == "files" else [v]
        if kind == "files" and (not isinstance(v, list) or not v):
            raise fail("a non-empty list of files or folders")
        out = []
        for f in items:
            if not isinstance(f, str) or not f:
                raise ConfigError(f"{name} must list file or folder paths as text, got {f!r}", arg)
            p = Path(f) if Path(f).is_absolute() else base / f
            try:
                out.append(check_input_file(p, arg, folder_ok=kind == "files"))
            except ConfigError as exc:
                raise ConfigError(f"[{where}] {key} = '{f}': {str(exc).split(': ', 1)[-1]}", arg) from None
        return out if kind == "files" else out[0]
    if kind == "strlist":
        if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v):
            raise fail("a non-empty list of column names")
        return v
    if kind == "strmap":
        if not isinstance(v, dict) or not all(isinstance(x, str) for x in v.values()):
            raise fail("a table of column names (key = \"column\")")
        return v
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


def load_config(path: str | Path) -> dict:
    """Read and validate an assessment TOML file (see ``examples/assessment.toml``).

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
        raise ConfigError(f"unknown top-level key(s) {unknown}; valid: {sorted(_TOP_KEYS)}", unknown[0])
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
            raise ConfigError(f"[{key}] unknown key(s) {extra}; valid: {sorted(_SECTION_FIELDS[key])}", f"{key}.{extra[0]}")
        for req in _REQUIRED[key]:
            if req not in sec:
                hint = ' (the first date of the pilot, e.g. "2024-01-01")' if req == "split" else ""
                raise ConfigError(f"[{key}] is missing the key '{req}'{hint}", f"{key}.{req}")
        for k, kind in _SECTION_SCHEMA[key].items():
            if k in sec:
                if key == "flytipping" and k == "population":
                    kind = str  # a column of the file
                sec[k] = _check_value(key, k, sec[k], kind, base)
    return cfg


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
            "national": datasets.hate_crime_national(), "forces": forces,
            "source": "Home Office police-recorded hate crime by police force area 2017-18 and 2018-19 (district split "
                      "SYNTHETIC: multinomial, seed 2019, proportional to 2011 Census population) and England & Wales "
                      "series by strand 2011/12-2018/19 (HOSB 24/19, Table 2)",
        },
        "stop_search": {
            "data": datasets.stop_search_sample_path(), "by": ["force"],
            "source": "police.uk stop-and-search records, City of London, Derbyshire, Durham, Leicestershire, "
                      "Dec 2019 - Feb 2020; 2011 Census population by ethnic group",
        },
        "flytipping": {
            "data": datasets.flytipping_hertfordshire(), "area": "la", "period": "year", "count": "incidents",
            "source": "Defra fly-tipping incidents reported by local authorities, 2012-13 to 2021-22; 2011 Census population",
        },
        "hotspots": {
            "data": datasets.hertfordshire_asb(), "lat": "lat", "lon": "lon", "date": "month", "eps_m": 150.0,
            "min_samples": 15, "cell_size": 1000.0,
            "source": "police.uk anti-social behaviour points, Hertfordshire, April-June 2021 (anonymised snap points)",
        },
        "s136": {
            "data": None, "split": "2024-01-01", "population": 1_100_000,
            "source": "SYNTHETIC Section 136 records (saferstats.synthetic.s136_pilot_records, seed 136) around a pilot "
                      "starting January 2024 - illustrates the method only",
        },
    })


# --------------------------------------------------------------------------------- pieces

@dataclasses.dataclass
class Table:
    name: str
    caption: str
    frame: pd.DataFrame


@dataclasses.dataclass
class Figure:
    name: str
    caption: str
    png: bytes


@dataclasses.dataclass
class Section:
    key: str
    title: str
    intro: str
    source: str
    tables: list[Table] = dataclasses.field(default_factory=list)
    figures: list[Figure] = dataclasses.field(default_factory=list)
    geojson: dict[str, str] = dataclasses.field(default_factory=dict)


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _fig():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(7.5, 4.8))


def _round(df: pd.DataFrame, nd: int = 3) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(nd)
    return out


def _suppressed(df: pd.DataFrame, columns: list[str], thr: int, derived: list[str] | None = None) -> pd.DataFrame:
    """Suppress small counts in ``columns``; cells of ``derived`` columns (rates, ratios, CIs) in a
    row with a suppressed count are blanked too, since count = rate × population could be recovered."""
    from .disclosure import suppress

    cols = [c for c in columns if c in df.columns]
    if not cols:
        return df
    out = suppress(df, columns=cols, threshold=thr, secondary=False)
    hidden = np.zeros(len(out), dtype=bool)
    for c in cols:
        hidden |= (out[c].astype(str) == "[c]").to_numpy()
    for c in derived or []:
        if c in out.columns:
            out[c] = out[c].astype(object).where(~hidden, "[c]")
    return out


# ------------------------------------------------------------------------------ sections

def _hate_crime(cfg: dict, sec: dict) -> Section:
    import saferstats as ss

    conf, thr = cfg["confidence"], cfg["disclosure_threshold"]
    data = sec["data"] if "data" in sec else pd.read_csv(sec["file"])
    area, period, count, pop = sec.get("area", "area"), sec.get("period", "period"), sec.get("count", "count"), sec.get("population", "population")
    s = Section("hate_crime", "Hate crime: rates, change and districts that stand out",
                "Police-recorded hate crime per 100,000 residents with exact (below 10) / Byar's 95% confidence intervals "
                "(PHE method), the change between the last two periods as a rate ratio, and a PHE funnel plot of districts "
                "for the latest period.", sec.get("source", str(sec.get("file", ""))))
    rates = ss.add_rates(data, count=count, population=pop, confidence=conf)
    last = rates[period].astype(str).max()
    latest = rates[rates[period].astype(str) == last]
    s.tables.append(Table("hate_crime_rates", f"Rates per 100,000 by {area}, {last} (PHE exact/Byar's, {int(conf*100)}% CI)",
                          _suppressed(_round(latest[[area, period, count, pop, "rate", "lower", "upper", "method"]], 1), [count], thr, ["rate", "lower", "upper"])))
    yoy = ss.year_on_year(data, count=count, population=pop, period=period, by=area, confidence=conf)
    s.tables.append(Table("hate_crime_change", f"Change between consecutive periods by {area} (rate ratio, wald-log {int(conf*100)}% CI)",
                          _suppressed(_round(yoy[[area, "period_from", "period_to", "count_from", "count_to", "pct_change", "pct_lower", "pct_upper", "p_value", "method"]], 2), ["count_from", "count_to"], thr)))
    target = ss.funnel_target(latest[count], latest[pop], kind="rate")
    fig, ax = _fig()
    ss.plot_funnel(latest[count], latest[pop], labels=latest[area], kind="rate", target=target, highlight=list(latest[area]), ax=ax,
                   title=f"Hate crime per 100,000 by {area}, {last}: PHE funnel (exact Poisson 95% / 99.8% limits)")
    s.figures.append(Figure("hate_crime_funnel", f"Funnel plot, {last}; target = overall rate {target:.1f} per 100,000", _png(fig)))
    if "national" in sec:
        nat = sec["national"]
        strands = nat[nat.strand != "Total offences"]
        tr = ss.poisson_trend(strands, population=None, period="year", by="strand", dispersion="auto", confidence=conf)
        s.tables.append(Table("hate_crime_national_trend", "England and Wales trend by strand, 2011/12-2018/19: annual % change "
                              "(Poisson GLM; quasi-Poisson where over-dispersed)",
                              _round(tr[["strand", "apc", "apc_lower", "apc_upper", "dispersion_ratio", "n_periods", "method"]], 2)))
        fig, ax = _fig()
        ss.plot_trend(strands, population=None, period="year", by="strand", ax=ax, confidence=conf)
        ax.set_ylabel("recorded offences")
        s.figures.append(Figure("hate_crime_national", "Recorded hate crime by strand, England and Wales, with log-linear trends", _png(fig)))
    return s


def _stop_search(cfg: dict, sec: dict) -> Section:
    import saferstats as ss

    conf = cfg["confidence"]
    src = sec.get("data") or sec["files"]
    records = ss.read_stop_search(src)
    by = sec.get("by", ["force"])
    pop = ss.census_population() if "population" not in sec else pd.read_csv(sec["population"])
    disp = ss.disproportionality(records, pop, by=by, confidence=conf, ethnicity_source=sec.get("ethnicity_source", "self"))
    out = ss.outcome_test(records, outcome="find", by=by, confidence=conf)
    ex = disp.attrs["excluded"]
    s = Section("stop_search", "Stop and search: disproportionality and outcomes",
                f"Searches per 1,000 residents by self-defined ethnic group (Home Office mapping) and the ratio to the White "
                f"rate with Katz {int(conf*100)}% CIs; {ex.get('vehicle_only', 0)} vehicle-only searches and "
                f"{ex.get('not_stated', 0)} with ethnicity not stated ({disp.attrs.get('not_stated_percent', float('nan')):.1f}%) "
                "are excluded and counted. Find rates compare each group with White (Wilson, Newcombe, Katz; Fisher's test "
                "where an expected cell is below 5).", sec.get("source", ""))
    thr = cfg["disclosure_threshold"]
    s.tables.append(Table("stop_search_disproportionality", f"Search rates per 1,000 and ratio to White ({int(conf*100)}% CI); 'reliable' false below 10 searches or 1,000 residents; counts below {thr} suppressed",
                          _suppressed(_round(disp, 3), ["searches"], thr, ["rate", "rate_lower", "rate_upper", "ratio", "ratio_lower", "ratio_upper"])))
    find_cols = [*by, "group", "n", "hits", "rate", "rate_lower", "rate_upper", "diff", "diff_lower", "diff_upper", "rr", "p_value", "test"]
    s.tables.append(Table("stop_search_find_rates", f"Find rate (outcome linked to object of search) vs White; counts below {thr} suppressed",
                          _suppressed(_round(out[find_cols], 3), ["n", "hits"], thr, ["rate", "rate_lower", "rate_upper", "diff", "diff_lower", "diff_upper", "rr"])))
    fig, ax = _fig()
    ss.plot_disproportionality(disp, ax=ax)
    s.figures.append(Figure("stop_search_forest", f"Search rate ratio vs White by area ({int(conf*100)}% CI, log scale; hollow = unreliable)", _png(fig)))
    return s


def _flytipping(cfg: dict, sec: dict) -> Section:
    import saferstats as ss

    conf = cfg["confidence"]
    data = sec["data"] if "data" in sec else pd.read_csv(sec["file"])
    area, period, count = sec.get("area", "area"), sec.get("period", "period"), sec.get("count", "count")
    if "population" in sec and sec["population"] in data.columns:
        data = data.assign(population=data[sec["population"]])
    else:
        pop = datasets.census2011_by_la().set_index("la")["All"]
        data = data.assign(population=data[area].map(pop))
    missing = data.population.isna()
    if missing.any():
        raise ConfigError(f"[flytipping] no population for {sorted(data.loc[missing, area].unique())[:5]}; add a population column", "flytipping.population")
    last = data[period].astype(str).max()
    latest = ss.add_rates(data[data[period].astype(str) == last].dropna(subset=[count]), count=count, multiplier=1000, confidence=conf)
    s = Section("flytipping", "Fly-tipping: district rates",
                f"Fly-tipping incidents per 1,000 residents by district, {last}, with PHE {int(conf*100)}% CIs and funnel "
                "significance against the overall rate; annual % change over all years (quasi-Poisson where over-dispersed).",
                sec.get("source", ""))
    target = ss.funnel_target(latest[count], latest.population, kind="rate", multiplier=1000)
    latest["significance"] = ss.funnel_significance(latest[count], latest.population, kind="rate", multiplier=1000, target=target).to_numpy()
    s.tables.append(Table("flytipping_rates", f"Fly-tipping per 1,000 residents, {last}", _round(latest[[area, period, count, "population", "rate", "lower", "upper", "significance"]], 2)))
    trend = ss.poisson_trend(data.dropna(subset=[count]), count=count, period=period, by=area, dispersion="auto", confidence=conf)
    s.tables.append(Table("flytipping_trend", "Annual % change in fly-tipping incidents per resident", _round(trend[[area, "apc", "apc_lower", "apc_upper", "dispersion_ratio", "method"]], 2)))
    fig, ax = _fig()
    ss.plot_funnel(latest[count], latest.population, labels=latest[area], kind="rate", multiplier=1000, target=target, highlight=list(latest[area]), ax=ax,
                   title=f"Fly-tipping per 1,000 residents, {last}: PHE funnel")
    s.figures.append(Figure("flytipping_funnel", f"Funnel plot of district fly-tipping rates, {last}", _png(fig)))
    return s


def _hotspots(cfg: dict, sec: dict) -> Section:
    import saferstats as ss

    data = sec["data"] if "data" in sec else pd.read_csv(sec["file"])
    lat_c, lon_c = sec.get("lat", "lat"), sec.get("lon", "lon")
    for c in (lat_c, lon_c):
        if c not in data.columns:
            raise ConfigError(f"[hotspots] the file has no column '{c}'; set lat/lon to the coordinate columns", f"hotspots.{'lat' if c == lat_c else 'lon'}")
    pts = data.dropna(subset=[lat_c, lon_c])
    dropped = len(data) - len(pts)
    eps, ms, cell = float(sec.get("eps_m", 150)), int(sec.get("min_samples", 15)), float(sec.get("cell_size", 1000))
    labels = ss.dbscan(pts[lat_c], pts[lon_c], eps_m=eps, min_samples=ms)
    times = pd.to_datetime(pts[sec["date"]]) if sec.get("date") in pts.columns else None
    clusters = ss.cluster_summary(pts[lat_c], pts[lon_c], labels, times=times)
    x, y = ss.to_local_metres(pts[lat_c], pts[lon_c])
    kde = ss.kde_grid(x, y, cell_size=cell / 4)
    counts, cx, cy = ss.grid_counts(x, y, cell_size=cell)
    gi = ss.gi_star(counts.ravel(), ss.Weights.lattice(*counts.shape), permutations=999, seed=2021)
    s = Section("hotspots", "Hotspots: clusters, density and Gi*",
                f"{len(pts):,} points ({dropped} without coordinates left out). DBSCAN (haversine, eps {eps:g} m, at least {ms} "
                f"points; scikit-learn's semantics) finds {len(clusters)} clusters; quartic kernel density (ArcGIS default "
                f"radius {kde.bandwidth:,.0f} m); Getis-Ord Gi* on a {cell:g} m grid of counts (queen contiguity, 999 "
                "permutations; hot/cold at 90/95/99% from the normal z). Cluster outlines are in clusters.geojson.",
                sec.get("source", ""))
    tab = clusters.drop(columns=["hull"]).sort_values("n", ascending=False)
    s.tables.append(Table("hotspot_clusters", "Clusters, largest first (convex hulls; geodesic area)", _round(pd.DataFrame(tab), 4)))
    fig, ax = _fig()
    ss.plot_clusters(pts[lat_c], pts[lon_c], labels, table=clusters, ax=ax)
    s.figures.append(Figure("hotspot_clusters", f"DBSCAN clusters (eps {eps:g} m, min {ms}) with convex hulls", _png(fig)))
    fig, ax = _fig()
    ss.plot_kde(kde, ax=ax)
    s.figures.append(Figure("hotspot_kde", f"Kernel density per km² (quartic, bandwidth {kde.bandwidth:,.0f} m)", _png(fig)))
    fig, ax = _fig()
    ss.plot_gi(gi, counts.shape, x=cx, y=cy, ax=ax)
    s.figures.append(Figure("hotspot_gi", f"Getis-Ord Gi* hot and cold spots, {cell:g} m cells", _png(fig)))
    s.geojson["clusters.geojson"] = clusters.to_geojson()
    return s


def _s136(cfg: dict, sec: dict) -> Section:
    import saferstats as ss

    conf, thr = cfg["confidence"], cfg["disclosure_threshold"]
    recs = ss.synthetic.s136_pilot_records(seed=136) if sec.get("data", 0) is None else (
        sec["data"] if "data" in sec else pd.read_csv(sec["file"]))
    cols = sec.get("columns", {})
    summ = ss.s136_summary(recs, columns=cols, confidence=conf, threshold=thr)
    split = sec.get("split")
    if split is None:
        raise ConfigError("[s136] is missing the key 'split' (the first date of the pilot, e.g. \"2024-01-01\")", "s136.split")
    popn = sec.get("population")
    ba = ss.before_after(recs, split=split, columns=cols, confidence=conf,
                         population=None if popn is None else (float(popn), float(popn)))
    monthly = ss.monthly_counts(recs, date=cols.get("detention_time", "detention_time"))
    bi = int((monthly.index >= pd.Period(split, "M")).argmax())
    s = Section("s136", "Section 136 and street triage",
                f"Outcome rates with Wilson {int(conf*100)}% CIs (unknown outcomes excluded from denominators), places of "
                f"safety, detention times, a before/after comparison at {split} (risk ratio with Katz CI; z or Fisher's test) "
                f"and an interrupted time series (segmented Poisson, METHODS D3). Counts below {thr} are suppressed.",
                sec.get("source", ""))
    s.tables.append(Table("s136_rates", "Conversion, admission and NFA rates (%)", _round(summ.rates, 2)))
    s.tables.append(Table("s136_place_of_safety", "Place of safety (% of detentions with a known place)", _round(summ.place_of_safety, 2)))
    s.tables.append(Table("s136_durations", "Detention time (hours; type-7 quantiles) and legal flags",
                          pd.concat([_round(summ.durations, 2), summ.flags.drop(columns=[c for c in summ.flags.columns if c in summ.durations.columns])], axis=1)))
    bat = ba[["kind", "measure", "pre_count", "pre_n", "post_count", "post_n", "rr", "rr_lower", "rr_upper", "p_value", "test"]]
    s.tables.append(Table("s136_before_after", f"Before vs after {split}: risk ratio (pre / post)",
                          _suppressed(_round(bat, 3), ["pre_count", "post_count"], thr)))
    if 3 <= bi <= len(monthly) - 3:
        its = ss.its_poisson(monthly.to_numpy(), break_index=bi, population=popn, dispersion="quasi", confidence=conf)
        s.tables.append(Table("s136_its", "Interrupted time series effects (segmented Poisson, quasi-Poisson SEs)", _round(its.effects(), 3)))
        fig, ax = _fig()
        ss.plot_its(its, labels=monthly.index.to_timestamp(), ax=ax)
        s.figures.append(Figure("s136_its", "Monthly detentions: observed, fitted and counterfactual", _png(fig)))
    return s


_BUILDERS: dict[str, Callable[[dict, dict], Section]] = {
    "hate_crime": _hate_crime, "stop_search": _stop_search, "flytipping": _flytipping, "hotspots": _hotspots, "s136": _s136,
}


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
        "Stop and search: Home Office method — self-defined ethnicity in five groups, rates per 1,000 residents (2011 Census), "
        "ratio to the White rate from unrounded rates, 'reliable' flag below 10 searches or 1,000 residents.",
        "Hotspots: haversine DBSCAN (scikit-learn semantics), quartic KDE (ArcGIS default radius), Getis-Ord Gi* (esda moments, "
        "conditional permutations).",
        "Section 136: segmented Poisson ITS with time-since-break 0 in the first post period (Bernal et al. 2017); durations with "
        "numpy 'linear' (R type 7) quantiles.",
        f"Disclosure control: counts below {cfg['disclosure_threshold']} are shown as [c] in published tables.",
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
    from . import __version__

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


class _Output:
    """The report's output folder: checked (and a private staging folder made inside it) before any
    analysis runs; files are staged, then each renamed into place (index.html last). Only files this
    report writes are replaced, and only files an earlier saferstats report listed in its manifest
    are removed; nothing else in the folder is touched."""

    def __init__(self, out_dir: Path) -> None:
        self.dir = out_dir
        self.created = False
        if out_dir.exists() and not out_dir.is_dir():
            raise OutputError(f"--out {out_dir}: is a file, not a folder; give a folder for the report")
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

    def write_csv(self, name: str, df: pd.DataFrame) -> None:
        csv_safe(df).to_csv(self.stage / name, index=False)
        self.files.append(name)

    def commit(self) -> None:
        """Rename the staged files into place (index.html last), remove the previous report's files
        that this one did not rewrite (from the manifest only), write the manifest."""
        previous: list[str] = []
        with contextlib.suppress(OSError, ValueError, TypeError):
            previous = [str(f) for f in json.loads((self.dir / _MANIFEST).read_text())["files"]]
        order = sorted(self.files, key=lambda n: n == "index.html")
        for name in order:
            dest = self.dir / name
            if dest.is_dir():
                raise OutputError(f"--out {self.dir}: '{name}' is a folder; cannot write the report's {name} there")
            os.replace(self.stage / name, dest)
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
        if self.stage.exists():
            shutil.rmtree(self.stage, ignore_errors=True)
        if self.created:
            with contextlib.suppress(OSError):
                self.dir.rmdir()  # only when empty


def prepare_output(out_dir: str | Path) -> _Output:
    """Check ``out_dir`` before any analysis runs: it must be a folder (created when missing) that
    can be written to. Raises :class:`OutputError` with a one-line message."""
    return _Output(Path(out_dir))


def build_report(cfg: dict, out_dir: str | Path | _Output, *, quiet: bool = False) -> Path:
    """Run every configured analysis and write ``index.html``, the CSV tables, the figures as PNG
    and any GeoJSON into ``out_dir``. The folder is checked first (:func:`prepare_output`); the files
    are staged and renamed into place only when everything succeeded; other files in the folder are
    never touched (``--out .`` is safe). Returns the path of ``index.html``."""
    out = out_dir if isinstance(out_dir, _Output) else prepare_output(out_dir)
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
                sections.append(_BUILDERS[k](cfg, cfg[k]))
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
        out.commit()
        if bar is not None:
            bar.update(1)
            bar.close()
    finally:
        out.close()
    return out.dir / "index.html"

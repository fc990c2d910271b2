"""The report's sections: one builder per analysis (hate crime, stop and search, fly-tipping,
hotspots, Section 136), each returning its tables (disclosure-controlled) and figures drawn from the
published tables."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .. import datasets
from .config import ConfigError

__all__ = ["Table", "Figure", "Section", "MARKER"]

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
    alt: str = ""  # what the figure shows, for screen readers; report.alt builds it from the tables when empty


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
    """Round float columns for the CSV; p-values keep full precision (the page shows ``<0.001``)."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]) and c != "p_value":
            out[c] = out[c].round(nd)
    return out


MARKER = "[c]"


def _mask_frame(frame: pd.DataFrame, hidden: dict[str, np.ndarray]) -> pd.DataFrame:
    """Numeric published copy: hidden cells missing (counts stay integers)."""
    out = frame.copy()
    for c, m in hidden.items():
        m = np.asarray(m, dtype=bool)
        if c in out.columns and m.any():
            col = out[c]
            if pd.api.types.is_integer_dtype(col):
                col = col.astype("Int64")
            elif not pd.api.types.is_numeric_dtype(col):
                col = col.astype(object)
            out[c] = col.mask(m)
    return out


def _mark(frame: pd.DataFrame, hidden: dict[str, np.ndarray]) -> pd.DataFrame:
    """The table as published: hidden cells show the marker."""
    out = frame.copy()
    for c, m in hidden.items():
        m = np.asarray(m, dtype=bool)
        if c in out.columns and m.any():
            out[c] = out[c].astype(object).where(~m, MARKER)
    return out


def _key_margins(cells: Any, frame: pd.DataFrame, ids: np.ndarray, keys: list[str]) -> None:
    """Totals of one count over each key given the others (what releases publish), as relations."""
    for k in keys:
        rest = [c for c in keys if c != k]
        groups = frame.groupby(rest, sort=False, dropna=False).ngroup().to_numpy() if rest else np.zeros(len(frame), int)
        for g in np.unique(groups):
            members = sorted({int(x) for x in ids[groups == g]})
            if len(members) > 1:
                cells.margin(members)


def _warn_unprotected(section: str, n: int) -> str:
    if not n:
        return ""
    import warnings

    from ..exceptions import SaferstatsWarning

    msg = (f"{n} small count(s) in the {section} tables cannot be protected by suppression (published totals give "
           "them back); check the tables before publishing")
    warnings.warn(msg, SaferstatsWarning, stacklevel=3)
    return f" Note: {msg}."


# ------------------------------------------------------------------------------ sections

def _hate_crime(cfg: dict, sec: dict) -> Section:
    import saferstats as ss

    from ..disclosure import suppress

    conf, thr = cfg["confidence"], cfg["disclosure_threshold"]
    data = sec["data"] if "data" in sec else pd.read_csv(sec["file"])
    area, period, count, pop = sec.get("area", "area"), sec.get("period", "period"), sec.get("count", "count"), sec.get("population", "population")
    for key, col in (("area", area), ("period", period), ("count", count), ("population", pop)):
        if col not in data.columns:
            raise ConfigError(f"[hate_crime] the file has no column '{col}'; set {key} to one of {list(data.columns)}",
                              f"hate_crime.{key}")
    # one suppression of the area x period counts for every table and figure of the section: the
    # rates of the latest period, the changes between periods and the funnel's overall rate
    keys = [area, period] + [c for c in data.columns if c not in (area, period, count, pop)
                             and not pd.api.types.is_numeric_dtype(data[c])]
    with warnings_as_notes() as notes:
        sup = suppress(data[keys + [count, pop]], columns=[count], other=[pop], keys=keys, threshold=thr, marker=None)
    hidden = (sup[count].isna() & data[count].notna()).to_numpy()
    hidden_at = {tuple(map(str, k)): h for k, h in zip(data[keys].itertuples(index=False), hidden)}
    rates = ss.add_rates(data, count=count, population=pop, confidence=conf)
    last = rates[period].astype(str).max()
    is_last = (rates[period].astype(str) == last).to_numpy()
    latest = rates[is_last][[*keys, count, pop, "rate", "lower", "upper", "method"]]
    h_latest = hidden[is_last]
    latest_hidden = {c: h_latest for c in (count, "rate", "lower", "upper")}
    s = Section("hate_crime", "Hate crime: rates, change and districts that stand out",
                "Police-recorded hate crime per 100,000 residents with exact (below 10) / Byar's 95% confidence intervals "
                "(PHE method), the change between the last two periods as a rate ratio, and a PHE funnel plot of districts "
                f"for the latest period. Counts below {thr} are suppressed, with the counts that would give them back from "
                "totals, and every rate or change computed from them." + "".join(notes),
                sec.get("source", str(sec.get("file", ""))))
    s.tables.append(Table("hate_crime_rates", f"Rates per 100,000 by {area}, {last} (PHE exact/Byar's, {int(conf*100)}% CI)",
                          _mark(_round(latest, 1), latest_hidden)))
    yoy = ss.year_on_year(data, count=count, population=pop, period=period, by=[k for k in keys if k != period],
                          confidence=conf)
    others = [k for k in keys if k != period]

    def hid(row: Any, per: str) -> bool:
        key = []
        for k in keys:
            key.append(str(row[per]) if k == period else str(row[k]))
        return bool(hidden_at.get(tuple(key), True))

    h_from = np.array([hid(r, "period_from") for _, r in yoy.iterrows()], dtype=bool)
    h_to = np.array([hid(r, "period_to") for _, r in yoy.iterrows()], dtype=bool)
    either = h_from | h_to
    change = yoy[[*others, "period_from", "period_to", "count_from", "count_to", "pct_change", "pct_lower", "pct_upper",
                  "p_value", "method"]]
    change_hidden = {"count_from": h_from, "count_to": h_to, **{c: either for c in ("pct_change", "pct_lower", "pct_upper", "p_value")}}
    s.tables.append(Table("hate_crime_change", f"Change between consecutive periods by {area} (rate ratio, wald-log {int(conf*100)}% CI)",
                          _mark(_round(change, 2), change_hidden)))
    # the funnel from the published rows; its target (the overall rate) is a published total
    target = ss.funnel_target(latest[count], latest[pop], kind="rate")
    shown = latest[~h_latest]
    fig, ax = _fig()
    ss.plot_funnel(shown[count], shown[pop], labels=shown[area], kind="rate", target=target, highlight=list(shown[area]), ax=ax,
                   title=f"Hate crime per 100,000 by {area}, {last}: PHE funnel (exact Poisson 95% / 99.8% limits)")
    left_out = int(h_latest.sum())
    s.figures.append(Figure("hate_crime_funnel", f"Funnel plot, {last}; target = overall rate {target:.1f} per 100,000"
                            + (f"; {left_out} {area}(s) with suppressed counts not shown" if left_out else ""), _png(fig)))
    if "national" in sec:
        nat = sec["national"]
        strands = nat[nat.strand != "Total offences"]
        pub_nat = suppress(strands, columns=["offences"] if "offences" in strands.columns else None,
                           keys=["strand", "year"], threshold=thr, marker=None)
        tr = ss.poisson_trend(strands, population=None, period="year", by="strand", dispersion="auto", confidence=conf)
        s.tables.append(Table("hate_crime_national_trend", "England and Wales trend by strand, 2011/12-2018/19: annual % change "
                              "(Poisson GLM; quasi-Poisson where over-dispersed)",
                              _round(tr[["strand", "apc", "apc_lower", "apc_upper", "dispersion_ratio", "n_periods", "method"]], 2)))
        fig, ax = _fig()
        ss.plot_trend(pub_nat.dropna(subset=pub_nat.attrs["roles"]["counts"]), population=None, period="year", by="strand",
                      ax=ax, confidence=conf)
        ax.set_ylabel("recorded offences")
        s.figures.append(Figure("hate_crime_national", "Recorded hate crime by strand, England and Wales, with log-linear trends", _png(fig)))
    return s


class warnings_as_notes:
    """Collect SaferstatsWarnings raised inside (e.g. counts that cannot be protected) as notes for
    the section's text, and warn once more from the report."""

    def __enter__(self) -> list[str]:
        import warnings

        self._cm = warnings.catch_warnings(record=True)
        self._records = self._cm.__enter__()
        warnings.simplefilter("always")
        self.notes: list[str] = []
        return self.notes

    def __exit__(self, *exc: Any) -> None:
        import warnings

        from ..exceptions import SaferstatsWarning

        self._cm.__exit__(*exc)
        for w in self._records:
            if issubclass(w.category, SaferstatsWarning):
                self.notes.append(f" Note: {w.message}.")
                warnings.warn(str(w.message), SaferstatsWarning, stacklevel=3)
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _stop_search(cfg: dict, sec: dict) -> Section:
    import saferstats as ss

    from ..disclosure import LATENT, _Cells

    conf, thr = cfg["confidence"], cfg["disclosure_threshold"]
    src = sec.get("data") or sec["files"]
    records = ss.read_stop_search(src)
    by = sec.get("by", ["force"])
    census = _census_for(records, str(sec.get("census", "auto")))
    pop = pd.read_csv(sec["population"]) if "population" in sec else None
    disp = ss.disproportionality(records, pop, by=by, census=census, confidence=conf,
                                 ethnicity_source=sec.get("ethnicity_source", "self"))
    out = ss.outcome_test(records, outcome="find", by=by, confidence=conf)
    keys = [*by, "group"]
    # one problem for both tables: searches per group, those with a known outcome link (n) within
    # them, finds (hits) within those; totals by area and by group; small differences protected
    cells = _Cells()
    s_ids = np.array([cells.add(v) for v in disp["searches"].to_numpy(dtype=float)], dtype=np.int64)
    where = {tuple(map(str, k)): i for i, k in enumerate(disp[keys].itertuples(index=False))}
    n_ids = np.array([cells.add(v) for v in out["n"].to_numpy(dtype=float)], dtype=np.int64)
    h_ids = np.array([cells.add(v) for v in out["hits"].to_numpy(dtype=float)], dtype=np.int64)
    for j, k in enumerate(out[keys].itertuples(index=False)):
        i = where.get(tuple(map(str, k)))
        if i is not None:
            cells.subset(int(n_ids[j]), int(s_ids[i]))
        else:  # searches not in the rates table: n is part of an unpublished count
            rest = cells.add(0.0, LATENT)
            cells.relate([(int(n_ids[j]), 1.0), (rest, 1.0)])
        cells.subset(int(h_ids[j]), int(n_ids[j]))
    # totals assumed known: searches by area and by group (Home Office statistics publish them);
    # the outcome-linked subset and its finds are known only through these tables
    _key_margins(cells, disp, s_ids, keys)
    reason, unprotected = cells.solve(threshold=thr, zeros=False, secondary=True)
    hidden = reason > 0
    hs, hn, hh = hidden[s_ids], hidden[n_ids], hidden[h_ids]

    def stratum_of(frame: pd.DataFrame) -> np.ndarray:
        return frame.groupby(by, sort=False, dropna=False).ngroup().to_numpy() if by else np.zeros(len(frame), int)

    def compare_mask(frame: pd.DataFrame, own: np.ndarray) -> np.ndarray:
        """Comparisons with the reference group go with the reference's hidden count."""
        st, ref = stratum_of(frame), (frame["group"].astype(str) == "White").to_numpy()
        m = own.copy()
        for g in np.unique(st):
            rows = st == g
            if not (rows & ref).any() or own[rows & ref].any():
                m |= rows
        return m

    d_hidden = {"searches": hs, **{c: hs for c in ("rate", "rate_lower", "rate_upper")},
                **{c: compare_mask(disp, hs) for c in ("ratio", "ratio_lower", "ratio_upper")}}
    own = hn | hh
    find_cols = [*by, "group", "n", "hits", "rate", "rate_lower", "rate_upper", "diff", "diff_lower", "diff_upper", "rr",
                 "p_value", "test"]
    f_hidden = {"n": hn, "hits": hh, **{c: own for c in ("rate", "rate_lower", "rate_upper")},
                **{c: compare_mask(out, own) for c in ("diff", "diff_lower", "diff_upper", "rr", "p_value")}}
    ex = disp.attrs["excluded"]
    s = Section("stop_search", "Stop and search: disproportionality and outcomes",
                f"Searches per 1,000 residents ({disp.attrs.get('denominator', 'population')}) by "
                f"{_ETHNICITY_WORDS.get(str(sec.get('ethnicity_source', 'self')), 'self-defined')} ethnic group (Home "
                "Office mapping) and the ratio to the White "
                f"rate with Katz {int(conf*100)}% CIs; {ex.get('vehicle_only', 0)} vehicle-only searches and "
                f"{ex.get('not_stated', 0)} with ethnicity not stated ({disp.attrs.get('not_stated_percent', float('nan')):.1f}%) "
                "are excluded and counted. Find rates compare each group with White (Wilson, Newcombe, Katz; Fisher's test "
                f"where an expected cell is below 5). Counts below {thr} are suppressed in both tables together, with the "
                "counts that would give them back from totals, and every rate, ratio or test computed from them."
                + _warn_unprotected("stop and search", len(unprotected)), sec.get("source", ""))
    s.tables.append(Table("stop_search_disproportionality", f"Search rates per 1,000 and ratio to White ({int(conf*100)}% CI); 'reliable' false below 10 searches or 1,000 residents; counts below {thr} suppressed",
                          _mark(_round(disp, 3), d_hidden)))
    s.tables.append(Table("stop_search_find_rates", f"Find rate (outcome linked to object of search) vs White; counts below {thr} suppressed",
                          _mark(_round(out[find_cols], 3), f_hidden)))
    # the forest plot shows exactly the published ratios
    pub = _mask_frame(disp, d_hidden)
    shown = pub[pub["ratio"].notna() | (pub["ratio_method"].astype(str) == "reference")]
    fig, ax = _fig()
    ss.plot_disproportionality(shown, ax=ax)
    left_out = int((pub["ratio"].isna() & (pub["ratio_method"].astype(str) != "reference")).sum())
    s.figures.append(Figure("stop_search_forest", f"Search rate ratio vs White by area ({int(conf*100)}% CI, log scale; hollow = unreliable)"
                            + (f"; {left_out} group(s) with suppressed counts not shown" if left_out else ""), _png(fig)))
    return s


_ETHNICITY_WORDS = {"self": "self-defined", "officer": "officer-defined",
                    "self_then_officer": "self-defined (officer-defined where not stated)"}


def _census_for(records: pd.DataFrame, choice: str) -> int:
    """The Census whose denominators match the searches' period, as the Home Office used them:
    2011 for searches before April 2022 (year ending March 2022 and earlier), 2021 from 2022/23.
    ``census = "2011"`` / ``"2021"`` in the config overrides it (a mismatch is then warned about
    and noted by :func:`saferstats.disproportionality`)."""
    if choice in ("2011", "2021"):
        return int(choice)
    dates = pd.to_datetime(records["date"], errors="coerce", utc=True) if "date" in records else pd.Series([], dtype=object)
    last = dates.max() if len(dates) else pd.NaT
    return 2011 if pd.notna(last) and last < pd.Timestamp("2022-04-01", tz="UTC") else 2021


def _flytipping(cfg: dict, sec: dict) -> Section:
    import saferstats as ss

    from ..disclosure import suppress

    conf, thr = cfg["confidence"], cfg["disclosure_threshold"]
    data = sec["data"] if "data" in sec else pd.read_csv(sec["file"])
    area, period, count = sec.get("area", "area"), sec.get("period", "period"), sec.get("count", "count")
    for key, col in (("area", area), ("period", period), ("count", count)):
        if col not in data.columns:
            raise ConfigError(f"[flytipping] the file has no column '{col}'; set {key} to one of {list(data.columns)}",
                              f"flytipping.{key}")
    if "population" in sec and sec["population"] in data.columns:
        data = data.assign(population=data[sec["population"]])
    elif "population" in sec:
        raise ConfigError(f"[flytipping] population = '{sec['population']}' is not a column of the file", "flytipping.population")
    else:
        popn = datasets.census2011_by_la().set_index("la")["All"]
        data = data.assign(population=data[area].map(popn))
    missing = data.population.isna()
    if missing.any():
        raise ConfigError(f"[flytipping] no population for {sorted(data.loc[missing, area].unique())[:5]}; add a population column", "flytipping.population")
    data = data.dropna(subset=[count])
    with warnings_as_notes() as notes:
        sup = suppress(data[[area, period, count, "population"]], columns=[count], other=["population"],
                       keys=[area, period], threshold=thr, marker=None)
    hidden = (sup[count].isna() & data[count].notna()).to_numpy()
    last = data[period].astype(str).max()
    is_last = (data[period].astype(str) == last).to_numpy()
    latest = ss.add_rates(data[is_last], count=count, multiplier=1000, confidence=conf)
    h_latest = hidden[is_last]
    s = Section("flytipping", "Fly-tipping: district rates",
                f"Fly-tipping incidents per 1,000 residents by district, {last}, with PHE {int(conf*100)}% CIs and funnel "
                "significance against the overall rate; annual % change over all years (quasi-Poisson where over-dispersed)."
                + "".join(notes), sec.get("source", ""))
    target = ss.funnel_target(latest[count], latest.population, kind="rate", multiplier=1000)
    latest["significance"] = ss.funnel_significance(latest[count], latest.population, kind="rate", multiplier=1000, target=target).to_numpy()
    hid = {c: h_latest for c in (count, "rate", "lower", "upper", "significance")}
    s.tables.append(Table("flytipping_rates", f"Fly-tipping per 1,000 residents, {last}",
                          _mark(_round(latest[[area, period, count, "population", "rate", "lower", "upper", "significance"]], 2), hid)))
    trend = ss.poisson_trend(data, count=count, period=period, by=area, dispersion="auto", confidence=conf)
    s.tables.append(Table("flytipping_trend", "Annual % change in fly-tipping incidents per resident", _round(trend[[area, "apc", "apc_lower", "apc_upper", "dispersion_ratio", "method"]], 2)))
    shown = latest[~h_latest]
    fig, ax = _fig()
    ss.plot_funnel(shown[count], shown.population, labels=shown[area], kind="rate", multiplier=1000, target=target, highlight=list(shown[area]), ax=ax,
                   title=f"Fly-tipping per 1,000 residents, {last}: PHE funnel")
    s.figures.append(Figure("flytipping_funnel", f"Funnel plot of district fly-tipping rates, {last}"
                            + (f"; {int(h_latest.sum())} district(s) with suppressed counts not shown" if h_latest.any() else ""),
                            _png(fig)))
    return s


def _hotspots(cfg: dict, sec: dict) -> Section:
    import saferstats as ss

    from ..disclosure import suppress

    thr = cfg["disclosure_threshold"]
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
    tab = pd.DataFrame(clusters.drop(columns=["hull"])).sort_values("n", ascending=False)
    if len(tab):
        with warnings_as_notes() as notes:
            tab = suppress(tab, columns=["n"], derived=[c for c in ("density_per_km2",) if c in tab.columns],
                           other=[c for c in tab.columns if c not in ("n", "density_per_km2")], keys=[], threshold=thr)
        s.intro += "".join(notes)
    s.tables.append(Table("hotspot_clusters", "Clusters, largest first (convex hulls; geodesic area)", _round(tab, 4)))
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


def _ratio_direction(ba: pd.DataFrame) -> str:
    """Which way before_after's risk ratio reads, from its own numbers (later / earlier is the
    convention; say which it is rather than assume)."""
    ok = ba[(ba.pre_count > 0) & (ba.post_count > 0) & ba.rr.notna()]
    if not len(ok):
        return "risk ratio"
    r = ok.iloc[0]
    post_over_pre = (r.post_count / r.post_n) / (r.pre_count / r.pre_n)
    return "post / pre" if abs(r.rr - post_over_pre) <= 1e-6 * abs(post_over_pre) else "pre / post"


def _s136(cfg: dict, sec: dict) -> Section:
    import saferstats as ss

    from .. import s136 as oc
    from ..disclosure import LATENT

    conf, thr = cfg["confidence"], cfg["disclosure_threshold"]
    recs = ss.synthetic.s136_pilot_records(seed=136) if sec.get("data", 0) is None else (
        sec["data"] if "data" in sec else pd.read_csv(sec["file"]))
    cols = sec.get("columns", {})
    split = sec.get("split")
    if split is None:
        raise ConfigError("[s136] is missing the key 'split' (the first date of the pilot, e.g. \"2024-01-01\")", "s136.split")
    popn = sec.get("population")
    # one disclosure problem for the summary tables, the before/after table and the monthly
    # counts of the ITS figure: all are sums of the same detentions
    b = oc._s136_build(recs, by=None, columns=cols, outcome_labels=None, place_labels=None, confidence=conf,
                       quantile_method="linear", threshold=thr)
    ba = ss.before_after(recs, split=split, columns=cols, confidence=conf,
                         population=None if popn is None else (float(popn), float(popn)))
    cells, ids = b.cells, b.ids
    summary_cell = {("outcome", c): ids["outcomes"][k]["count"] for k, c in enumerate([o for o in oc.OUTCOMES if o != "unknown"])}
    summary_cell.update({("rate", m): ids["rates"][k]["count"] for k, m in enumerate(["conversion", "admission", "nfa"])})
    summary_cell.update({("place_of_safety", p): ids["place_of_safety"][k]["count"]
                         for k, p in enumerate([p for p in oc.PLACES_OF_SAFETY if p != "not_known"])})
    den_cell = {"outcome": ids["outcomes"][0]["assessed"], "rate": ids["outcomes"][0]["assessed"],
                "place_of_safety": ids["place_of_safety"][0]["known"]}
    ba_ids: dict[str, np.ndarray] = {c: np.zeros(len(ba), dtype=np.int64) for c in ("pre_count", "post_count", "pre_n", "post_n")}
    dens: dict[tuple[str, str], int] = {}
    by_key: dict[tuple[str, str], int] = {}
    for i, r in enumerate(ba.itertuples(index=False)):
        kind = "outcome" if r.kind == "rate" else r.kind  # outcome and rate rows share their denominator
        for per, num_col, den_col in (("pre", "pre_count", "pre_n"), ("post", "post_count", "post_n")):
            if (kind, per) not in dens:
                dens[(kind, per)] = cells.add(getattr(r, den_col))
            ba_ids[den_col][i] = dens[(kind, per)]
            measure = "nfa" if (r.kind, r.measure) == ("rate", "nfa") else r.measure
            key = ("outcome" if r.kind == "rate" and measure == "nfa" else r.kind, measure, per)
            if key not in by_key:  # the NFA count is one number in both rows
                by_key[key] = cells.add(getattr(r, num_col))
            ba_ids[num_col][i] = by_key[key]
    for i, r in enumerate(ba.itertuples(index=False)):
        k = ("outcome", "nfa") if (r.kind, r.measure) == ("rate", "nfa") else (r.kind, r.measure)
        total = summary_cell[k]
        pre, post = int(ba_ids["pre_count"][i]), int(ba_ids["post_count"][i])
        rest = cells.add(max(cells.values[total] - cells.values[pre] - cells.values[post], 0.0), LATENT)  # undated
        cells.sum_to([pre, post, rest], total)
    for kind in ("outcome", "place_of_safety"):
        total = den_cell[kind]
        rest = cells.add(max(cells.values[total] - cells.values[dens[(kind, "pre")]] - cells.values[dens[(kind, "post")]], 0.0), LATENT)
        cells.sum_to([dens[(kind, "pre")], dens[(kind, "post")], rest], total)
        for per in ("pre", "post"):
            parts = [by_key[(kind, m, per)] for (kk, m, pp) in by_key if kk == kind and pp == per
                     and not (kind == "outcome" and m in ("conversion", "admission"))]
            cells.sum_to(sorted(set(parts)), dens[(kind, per)])
    for per in ("pre", "post"):
        o = {m: by_key[("outcome", m, per)] for m in ("informal", "s2", "s3", "nfa")}
        cells.sum_to([o["s2"], o["s3"]], by_key[("rate", "conversion", per)])
        cells.sum_to([o["informal"], o["s2"], o["s3"]], by_key[("rate", "admission", per)])
    monthly = ss.monthly_counts(recs, date=cols.get("detention_time", "detention_time"))
    m_ids = np.array([cells.add(v) for v in monthly.to_numpy(dtype=float)], dtype=np.int64)
    det = ids["flags"][0]["detentions"]
    undated = cells.add(max(cells.values[det] - float(monthly.sum()), 0.0), LATENT)
    cells.sum_to([*map(int, m_ids), undated], det)

    reason, unprotected = cells.solve(threshold=thr, zeros=False, secondary=True)
    with warnings_as_notes() as notes:
        summ = oc._s136_finish(b, reason, unprotected, thr)
    hidden = reason > 0
    own = {c: hidden[ba_ids[c]] for c in ba_ids}
    row = own["pre_count"] | own["post_count"] | own["pre_n"] | own["post_n"]
    ba_hidden = {**own, **{c: row for c in ("rr", "rr_lower", "rr_upper", "p_value")}}
    m_hidden = hidden[m_ids]

    s = Section("s136", "Section 136 and street triage",
                f"Outcome rates with Wilson {int(conf*100)}% CIs (unknown outcomes excluded from denominators), places of "
                f"safety, detention times, a before/after comparison at {split} (risk ratio, {_ratio_direction(ba)}, with Katz CI; z or "
                f"Fisher's test) and an interrupted time series (segmented Poisson, METHODS D3). Counts below {thr} are "
                "suppressed in all these tables and the figure together, with every count that would give them back "
                "and every rate computed from them." + "".join(notes), sec.get("source", ""))

    def published(name: str, nd: int) -> pd.DataFrame:
        t = getattr(summ, name)
        mask = summ.suppressed[name]
        return _mark(_round(t, nd), {c: mask[c].to_numpy() for c in mask.columns})

    s.tables.append(Table("s136_rates", "Conversion, admission and NFA rates (%)", published("rates", 2)))
    s.tables.append(Table("s136_place_of_safety", "Place of safety (% of detentions with a known place)", published("place_of_safety", 2)))
    flags = published("flags", 2)
    s.tables.append(Table("s136_durations", "Detention time (hours; type-7 quantiles) and legal flags",
                          pd.concat([published("durations", 2), flags.drop(columns=[c for c in flags.columns if c in summ.durations.columns])], axis=1)))
    bat = ba[["kind", "measure", "pre_count", "pre_n", "post_count", "post_n", "rr", "rr_lower", "rr_upper", "p_value", "test"]]
    s.tables.append(Table("s136_before_after", f"Before vs after {split}: risk ratio ({_ratio_direction(ba)})",
                          _mark(_round(bat, 3), ba_hidden)))
    bi = int((monthly.index >= pd.Period(split, "M")).argmax())
    if 3 <= bi <= len(monthly) - 3:
        its = ss.its_poisson(monthly.to_numpy(), break_index=bi, population=popn, dispersion="quasi", confidence=conf)
        s.tables.append(Table("s136_its", "Interrupted time series effects (segmented Poisson, quasi-Poisson SEs)", _round(its.effects(), 3)))
        fig, ax = _fig()
        observed = np.where(m_hidden, np.nan, np.asarray(its.observed, dtype=float))  # the figure obeys the tables
        ss.plot_its(dataclasses.replace(its, observed=observed), labels=monthly.index.to_timestamp(), ax=ax)
        s.figures.append(Figure("s136_its", "Monthly detentions: observed, fitted and counterfactual"
                                + (f"; {int(m_hidden.sum())} month(s) with suppressed counts not shown" if m_hidden.any() else ""),
                                _png(fig)))
    return s


_BUILDERS: dict[str, Callable[[dict, dict], Section]] = {
    "hate_crime": _hate_crime, "stop_search": _stop_search, "flytipping": _flytipping, "hotspots": _hotspots, "s136": _s136,
}

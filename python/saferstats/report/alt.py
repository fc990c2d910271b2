"""Alt text for the report's figures, built from the section's published numbers: what the figure
shows (its kind, how many points, which stand out), not its caption repeated.

>>> import pandas as pd
>>> from saferstats.report.sections import Figure, Section, Table
>>> rates = pd.DataFrame({"district": ["A", "B", "C"], "year": ["2019"] * 3, "count": [10, 200, 90],
...                       "population": [100_000] * 3, "rate": [10.0, 200.0, 90.0]})
>>> s = Section("hate_crime", "Hate crime", "", "", tables=[Table("hate_crime_rates", "", rates)])
>>> figure_alt(s, Figure("hate_crime_funnel", "Funnel plot", b""), {"area": "C"})
'Funnel plot of hate crime rates for 3 districts in 2019 against the overall rate: 3 within the limits (limits widened for over-dispersion between areas); C is within the 95% limits.'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .sections import Figure, Section
from .summary import _funnel_sentence, _group_people, _names, _num, _table, fmt_pct
from .tables import number_of, place

__all__ = ["figure_alt"]


def _hate_funnel(s: Section, cfg: dict) -> str:
    t = _table(s, "hate_crime_rates")
    return " ".join(_funnel_sentence(t, "hate crime", 100_000, cfg.get("area") or "", alt=True)) if t is not None else ""


def _fly_funnel(s: Section, cfg: dict) -> str:
    t = _table(s, "flytipping_rates")
    return " ".join(_funnel_sentence(t, "fly-tipping", 1000, cfg.get("area") or "", alt=True)) if t is not None else ""


def _national(s: Section, cfg: dict) -> str:
    t = _table(s, "hate_crime_national_trend")
    if t is None or not len(t):
        return ""
    up = t.sort_values("apc")
    lo, hi = up.iloc[0], up.iloc[-1]
    return (f"Line chart of recorded hate crime in England and Wales for {len(t)} strands ({_names(list(map(str, t.strand)))}) "
            f"by year, each with its fitted log-linear trend; all lines slope {'upwards' if (t.apc > 0).all() else 'in different directions'}, "
            f"from {fmt_pct(float(lo.apc), signed=True)} a year ({lo.strand}) to {fmt_pct(float(hi.apc), signed=True)} a year ({hi.strand}).")


def _forest(s: Section, cfg: dict) -> str:
    d = _table(s, "stop_search_disproportionality")
    if d is None or not len(d):
        return ""
    from .sections import _own_force_rows

    # by force and CSP: the figure's rows (the report's force's CSPs), each named by its CSP, not its force
    own = _own_force_rows(d, cfg.get("area"))
    if own is not None:
        d = d[own]
    shown = d[d["ratio"].map(lambda v: _num(v) is not None) & (d["group"].astype(str) != "White")]
    above = shown[shown["ratio_lower"].map(lambda v: (_num(v) or 0) > 1)]
    below = shown[shown["ratio_upper"].map(lambda v: (_num(v) or 9.0) < 1)]
    area_col = next((c for c in ("csp", "la_name", "la") if c in d.columns and "force" in d.columns), None) or \
        next((c for c in d.columns if c != "group" and not pd.api.types.is_numeric_dtype(d[c])), None)
    text = (f"Forest plot of {len(shown)} search rate ratio{'' if len(shown) == 1 else 's'} (each ethnic group "
            "against White, log scale"
            f"{', by ' + {'csp': 'Community Safety Partnership', 'la_name': 'local authority', 'la': 'local authority'}.get(area_col, area_col) if area_col else ''}); {len(above)} lie wholly above 1 (searched more than White people)"
            f", {len(below)} wholly below 1 and {len(shown) - len(above) - len(below)} cross 1.")
    if len(above):
        top = above.loc[above["ratio"].map(_num).idxmax()]
        where = f" in {place(top[area_col])}" if area_col else ""  # "in the City of London" (tables.place)
        text += (f" The highest is for {_group_people(str(top['group']))}{where}, at "
                 f"{float(_num(top['ratio']) or 0):.1f} times White people's rate.")
    return text


def _clusters(s: Section, cfg: dict) -> str:
    c = _table(s, "hotspot_clusters")
    if c is None or not len(c):
        return "Map of incident points with no clusters found."
    n = pd.to_numeric(c["n"], errors="coerce")
    lat, lon = pd.to_numeric(c["centroid_lat"]), pd.to_numeric(c["centroid_lon"])
    return (f"Map of incident points with {len(c)} clusters outlined, spread between latitudes {lat.min():.2f} and "
            f"{lat.max():.2f} and longitudes {lon.min():.2f} and {lon.max():.2f}; the largest cluster has "
            f"{int(n.max()):,} points around {lat[n.idxmax()]:.3f}, {lon[n.idxmax()]:.3f}.")


def _kde(s: Section, cfg: dict) -> str:
    c = _table(s, "hotspot_clusters")
    where = ""
    if c is not None and len(c):
        n = pd.to_numeric(c["n"], errors="coerce")
        # (a fact from the table: "the densest areas coincide with the largest clusters" was said of every map,
        # unchecked)
        where = (f" The largest cluster of incidents is around "
                 f"{float(c['centroid_lat'][n.idxmax()]):.3f}, {float(c['centroid_lon'][n.idxmax()]):.3f}.")
    return "Shaded map of incident density per square kilometre: darker cells have more incidents nearby." + where


def _gi(s: Section, cfg: dict) -> str:
    return ("Grid map of hot and cold spots (the Getis-Ord Gi* statistic) per grid square: red squares are "
            "statistically significant hot spots "
            "(the square and its neighbours together have more incidents than chance would give), blue squares cold "
            "spots (fewer), grey squares neither.")


def _its(s: Section, cfg: dict) -> str:
    t = _table(s, "s136_its")
    text = ("Line chart of monthly Section 136 detentions: observed points, the fitted segmented trend, and after the "
            "start of the pilot the counterfactual trend projected from before it.")
    if t is not None and len(t):
        for _, x in t.iterrows():
            rr, lo, hi = (_num(x[k]) for k in ("rate_ratio", "lower", "upper"))
            if rr is None or lo is None or hi is None:
                continue
            kind = "level" if str(x["effect"]).startswith("level") else "slope"
            sig = "a statistically significant" if lo > 1 or hi < 1 else "no statistically significant"
            text += f" The {kind} change is a rate ratio of {rr:.3f} ({lo:.3f} to {hi:.3f}), {sig} change."
    return text


def _spc(name: str) -> Any:
    """The SPC figure's alt text: what the series counts (the section's words: "Section 136 detentions
    per month"; it said "monthly counts" of every chart), then each period's mean, limits and signals.

    >>> from saferstats.report.sections import Section, Table
    >>> t = pd.DataFrame({"segment": ["2022-01 to 2024-12"], "months": [36], "mean": [27.7],
    ...                   "lower process limit": [12.1], "upper process limit": [43.3], "signals": [2]})
    >>> t.attrs["what"] = "Section 136 detentions per month"
    >>> _spc("s136_spc")(Section("s136", "S136", "", "", tables=[Table("s136_spc", "", t)]), {})
    'Statistical process control chart of Section 136 detentions per month, with the mean and process limits. 2022-01 to 2024-12: mean 27.7, process limits 12.1 to 43.3, 2 months with a special-cause signal.'
    """
    def describe(s: Section, cfg: dict) -> str:
        t = _table(s, name)
        if t is None or not len(t):
            return ""
        what = next((str(x.frame.attrs.get("what") or "") for x in s.tables if x.name == name), "") or "monthly counts"
        parts = []
        for _, r in t.iterrows():
            parts.append(f"{r['segment']}: mean {_num(r['mean']):,.1f}, process limits {_num(r['lower process limit']):,.1f} "
                         f"to {_num(r['upper process limit']):,.1f}, {number_of(int(_num(r['signals']) or 0), 'month')} with a "
                         "special-cause signal")
        return (f"Statistical process control chart of {what}, with the mean and process limits"
                + (" recalculated at the change of period" if len(t) > 1 else "") + ". " + "; ".join(parts) + ".")
    return describe


_BY_NAME = {"hate_crime_funnel": _hate_funnel, "flytipping_funnel": _fly_funnel, "hate_crime_national": _national,
            "stop_search_forest": _forest, "hotspot_clusters": _clusters, "hotspot_kde": _kde, "hotspot_gi": _gi,
            "s136_its": _its, "hate_crime_spc": _spc("hate_crime_spc"), "s136_spc": _spc("s136_spc")}


def figure_alt(section: Section, figure: Figure, cfg: dict) -> str:
    """The alt text of a figure: the figure's own ``alt`` if its section set one, else a description
    built from the section's published tables (see the module's example); for a figure this
    module does not know, its kind and caption.

    >>> from saferstats.report.sections import Figure, Section
    >>> figure_alt(Section("x", "X", "", ""), Figure("other", "Counts by month", b""), {})
    'Figure: Counts by month (the numbers are in the tables of this section).'
    """
    own: Any = getattr(figure, "alt", "")
    if own:
        return str(own)
    f = _BY_NAME.get(figure.name)
    text = ""
    if f is not None:
        try:
            text = f(section, cfg)
        except (KeyError, ValueError, TypeError, IndexError, AttributeError):
            text = ""
    return text or f"Figure: {figure.caption} (the numbers are in the tables of this section)."

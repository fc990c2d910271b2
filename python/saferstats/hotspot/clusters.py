"""Cluster summaries and outlines as GeoJSON (the core's ``hotspot::clusters``)."""

from __future__ import annotations

import json
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import _saferstats as _ext
from .._frames import aligned, as_float_array
from .._periods import month_texts
from .._periods import months_as_dates as _months_as_dates
from .._results import PlainFrame
from ..exceptions import InvalidInputError, LengthMismatchError, MissingValueError, number_of, warn_user
from ._common import (EARTH_RADIUS_M, _absent_months, _check_latlon, _choice, _coordinate, _core_terms,
                      _empty_month_cause, _excel_safe, _float_arg, _latlon, _row_error, _series)

__all__ = ["cluster_summary", "ClusterTable"]


#: Clusters with fewer points than this (1-4, the package's disclosure threshold) are warned about in to_geojson.
SMALL_CLUSTER = 5


class ClusterTable(PlainFrame, pd.DataFrame):  # type: ignore[misc]
    """A DataFrame of cluster summaries that can also write its outlines as GeoJSON. The GeoJSON
    is built from the rows at the time of the call, so a filtered table writes only its own
    clusters. Shown in a notebook or printed, it starts with :meth:`headline` (the clusters, their
    points and map locations, and the points in no cluster), gives police.uk months as months
    (``2021-06``; the columns hold the 1st of the month) and each outline as its number of vertices;
    the columns themselves are unchanged."""

    _metadata = ["_times_are_dates"]

    @property
    def _constructor(self) -> Any:
        return ClusterTable

    def headline(self) -> str:
        """One line: the clusters, their points and map locations, the largest, and (from the
        clustering, ``attrs``) the points in no cluster, outside the study area or without
        coordinates, the clusters at one map location, and whether the times are months.

        >>> import saferstats
        >>> t = saferstats.cluster_summary([51.5, 51.501, 51.5, 51.501, 51.6], [-0.12, -0.12, -0.119, -0.119, -0.2],
        ...                                [0, 0, 0, 0, -1])
        >>> print(t.headline())
        1 cluster: 4 points at 4 map locations (largest: label 0, 4 points); 1 point in no cluster
        """
        a, k = self.attrs, len(self)
        if k and {"n", "label"} <= set(self.columns):
            n = pd.to_numeric(self["n"], errors="coerce").fillna(0).to_numpy(dtype=float)
            top = int(np.argmax(n))
            text = f"{k:,} cluster{'s' if k != 1 else ''}: {int(n.sum()):,} points"
            if "locations" in self.columns:
                text += f" at {int(pd.to_numeric(self['locations'], errors='coerce').fillna(0).sum()):,} map locations"
            text += f" (largest: label {self['label'].iloc[top]}, {int(n[top]):,} points)"
        else:
            text = "no clusters"
        if "unclustered_in_area" in a:
            u = int(a["unclustered_in_area"])
            text += f"; {u:,} point{'s' if u != 1 else ''} in no cluster"
        for key, words in (("outside_study_area", "outside the study area"), ("missing_coordinates", "without coordinates")):
            if int(a.get(key, 0)):
                text += f", {int(a[key]):,} {words}"
        single = int(a.get("single_location_clusters", 0))
        if single:
            text += f"; {single:,} of the clusters {'is' if single == 1 else 'are each'} one map location (police.uk snaps records to anonymised points)"
        flat = int(a.get("no_area_clusters", 0)) - single
        if flat > 0:
            text += (f"; {flat:,} {'has its' if flat == 1 else 'have their'} points at two map locations or on one "
                     "line (no area, density NaN: see note)")
        if a.get("times_are_months"):
            text += "; first_time/last_time are police.uk months"
        gaps = a.get("months_missing")
        if gaps:
            text += (f"; no record in {', '.join(gaps[:3])}{' ...' if len(gaps) > 3 else ''} "
                     f"({'a month' if len(gaps) == 1 else 'months'} missing from the files?)")
        return text

    def _display(self) -> pd.DataFrame:
        """The table as the notebook shows it: months as text ("2021-06", not the 1st of the month,
        a day nobody recorded) and the outline as its number of vertices (the hull itself is in
        the table and the GeoJSON)."""
        out = pd.DataFrame(self).copy()
        if self.attrs.get("times_are_months") and len(out):
            for c, text in self.month_labels("iso").items():
                out[c] = text
        if "hull" in out.columns:
            out["hull"] = [f"{len(h) - 1} vertices" if h is not None and len(h) >= 4 else "none"
                           for h in out["hull"]]
        return out

    def __repr__(self) -> str:
        return f"ClusterTable({self.headline()})\n{self._display()!r}"

    def _repr_html_(self) -> str | None:
        import html

        body = self._display()._repr_html_()
        return f"<p><b>ClusterTable</b> — {html.escape(self.headline())}</p>" + (body or "")

    def to_geojson(self, path: Any = None, *, geometry: Literal["polygon", "point", "mixed"] = "polygon",
                   marker_m: float = 10.0) -> str:
        """The clusters as a GeoJSON FeatureCollection (RFC 7946: WGS84 lon/lat; opens in QGIS),
        written to ``path`` when given.

        One geometry type per file (what most GIS layers require). ``geometry="polygon"`` (default):
        each cluster's outline; a cluster without one (its points at one or two locations, or on one
        line — common with police.uk's snapped locations) gets a marker polygon instead, a circle
        about its centroid reaching its farthest point (at least ``marker_m`` metres), with
        ``"outline": "marker"`` in its properties (``"hull"`` otherwise) and ``area_m2`` 0 — every
        cluster is on the map, and none is given an area it does not have. ``"point"``: every
        cluster's centroid. ``"mixed"``: outlines where there is one, centroids elsewhere (two
        geometry types). Properties: every column but the outline; times as ISO 8601 text, or as
        months (``"2021-10"``) when every time given to :func:`cluster_summary` was the first of a
        month (police.uk months read with ``pd.to_datetime``: no day is known).
        Clusters of 1-4 points (their count ``n`` is a property) give a
        :class:`~saferstats.SaferstatsWarning`: small numbers should not be published.
        """
        _choice("geometry", geometry, ("polygon", "point", "mixed"))
        marker = _float_arg("marker_m", marker_m, positive=True)
        if "n" in self.columns and len(self):
            n = pd.to_numeric(self["n"], errors="coerce").to_numpy(dtype=float)
            small = (n > 0) & (n < SMALL_CLUSTER)
            if small.any():
                labels = self["label"].tolist() if "label" in self.columns else list(range(len(self)))
                some = [lab for lab, s in zip(labels, small) if s][:5]
                warn_user(f"to_geojson: {int(small.sum())} of {number_of(len(self), 'cluster')} have fewer than {SMALL_CLUSTER} "
                          f"points (labels {some}{' ...' if small.sum() > 5 else ''}), and each cluster's count `n` "
                          "is in the file: before publishing, drop them (table[table['n'] >= 5]) or raise "
                          "min_samples / min_cluster_size")
        features = []
        props_cols = [c for c in self.columns if c != "hull"]
        # police.uk months read as their 1st day: "2021-10", not "2021-10-01T00:00:00" (no such date is known)
        months = self.month_labels("iso") if self.attrs.get("times_are_months") else None
        for k, (_, row) in enumerate(self.iterrows()):
            ring = row["hull"] if "hull" in self.columns else None
            has_ring = ring is not None and len(ring) >= 4
            props = {c: _json_value(row[c]) for c in props_cols}
            if months is not None:
                props.update({c: months[c].iloc[k] for c in months.columns})
            clat, clon = float(row["centroid_lat"]), float(row["centroid_lon"])
            if geometry == "point" or (geometry == "mixed" and not has_ring):
                geom = {"type": "Point", "coordinates": [clon, clat]}
            elif ring is not None and has_ring:
                geom = {"type": "Polygon", "coordinates": [[[float(x), float(y)] for x, y in ring]]}
                props["outline"] = "hull"
            else:
                geom = {"type": "Polygon", "coordinates": [_circle(clat, clon, max(marker, _reach_m(row, clat, clon)))]}
                props["outline"] = "marker"
            features.append({"type": "Feature", "geometry": geom, "properties": props})
        text = json.dumps({"type": "FeatureCollection", "features": features}, allow_nan=False)
        if path is not None:
            from pathlib import Path

            Path(path).write_text(text)
        return text

    def month_labels(self, style: Literal["iso", "name"] = "iso") -> pd.DataFrame:
        """``first_time``/``last_time`` as the police.uk months they stand for, as text: ``"2021-10"``
        (``style="iso"``, as the GeoJSON and the CLI's CSV write them) or ``"Oct 2021"``
        (``"name"``, as the report shows them); None where a time is missing. One row per cluster,
        with the table's index (assign the columns back to a sorted or filtered copy).

        Only for times that are months (``attrs["times_are_months"]``: police.uk ``Month`` text, a
        monthly Period, or datetimes all on the 1st at midnight): otherwise a day is known and
        :class:`~saferstats.InvalidInputError` says so.

        >>> import saferstats
        >>> t = saferstats.cluster_summary([51.5, 51.501, 51.5], [-0.12, -0.12, -0.119], [0, 0, 0],
        ...                                times=["2021-06", "2021-06", "2021-06"])
        >>> t.month_labels().to_dict("records"), t.month_labels("name").to_dict("records")
        ([{'first_time': '2021-06', 'last_time': '2021-06'}], [{'first_time': 'Jun 2021', 'last_time': 'Jun 2021'}])
        """
        _choice("style", style, ("iso", "name"))
        if not self.attrs.get("times_are_months"):
            raise InvalidInputError("the cluster times are not police.uk months (attrs['times_are_months'] is not True: "
                                    "give cluster_summary the Month column, or datetimes on the 1st of 2+ months); "
                                    "read first_time/last_time as they are", "style")
        cols = [c for c in ("first_time", "last_time") if c in self.columns]
        return pd.DataFrame({c: month_texts(pd.Series(self[c], index=self.index), style) for c in cols}, index=self.index)

    def to_excel(self, excel_writer: Any, *args: Any, **kwargs: Any) -> None:
        """As :meth:`pandas.DataFrame.to_excel`, with outlines as WKT text and timezone-aware
        times as naive UTC (Excel cannot hold either); ``index=False`` by default."""
        kwargs.setdefault("index", False)
        pd.DataFrame(_excel_safe(self)).to_excel(excel_writer, *args, **kwargs)


def _notes(t: pd.DataFrame) -> list[str]:
    """Per cluster: why it has no area and so no density (its points at one or two map locations,
    or on one line), else ""."""
    out = []
    for locs, area in zip(t["locations"].to_numpy(), t["area_m2"].to_numpy(dtype=float)):
        if area > 0 and locs == 3:
            out.append("outline of only 3 map locations: its area, so its density, is the triangle between them")
        elif not area == 0:
            out.append("")
        elif locs == 1:
            out.append("one map location: no area, no density")
        elif locs == 2:
            out.append("two map locations: no area (a line), no density")
        else:
            out.append(f"{int(locs)} map locations on one line: no area, no density")
    return out


def _warn_triangle_top(t: pd.DataFrame) -> None:
    """Warn when the densest cluster's outline joins only 3 map locations: its area is the triangle
    between three of police.uk's anonymised points, as thin as they happen to lie, and its density
    (n over that area) leads the table for that reason (Dacorum ASB, Jan 2021-Jan 2022: the 10
    highest densities, up to 33,459 per km², are all such triangles)."""
    dens = t["density_per_km2"].to_numpy(dtype=float)
    if int(np.isfinite(dens).sum()) < 2:   # a ranking needs two densities
        return
    locs = t["locations"].to_numpy()
    order = np.argsort(-np.where(np.isfinite(dens), dens, -np.inf), kind="stable")
    order = order[np.isfinite(dens[order])]
    top = int(order[0])
    if locs[top] != 3:
        return
    lead = int(np.argmax(locs[order] != 3)) if (locs[order] != 3).any() else len(order)
    other = next((float(dens[i]) for i in order if locs[i] > 3), None)
    warn_user(f"cluster_summary: the highest density_per_km2 ({dens[top]:,.0f}, label {t['label'].iloc[top]}, "
              f"{int(t['n'].iloc[top]):,} points) is of a cluster whose outline joins only 3 map locations"
              + (f", as are the {lead:,} highest" if lead > 1 else "")
              + ": its area is the triangle between three anonymised police.uk points, as thin as they happen to lie, "
              "so its density measures that triangle more than the incidents"
              + (f" (the densest cluster of 4 or more locations: {other:,.0f})" if other is not None else "")
              + ". Rank clusters by n (or n per map location) instead; the `note` column marks these")


def _warn_absent_months(out: pd.DataFrame, stamps: pd.DatetimeIndex, located: int) -> None:
    """police.uk months with no record at all between the first and the last given (a monthly file
    not read: 2021-06 left out of Hertfordshire's 2021-01 to 2022-01): each cluster's ``n`` and
    first/last month silently covered the months read only. Recorded in ``attrs["months_missing"]``
    (the headline says so) with a warning naming them."""
    absent = _absent_months(stamps)
    if not absent:
        return
    out.attrs["months_missing"] = absent
    d = pd.DatetimeIndex(stamps)
    first, last = d.min().strftime("%Y-%m"), d.max().strftime("%Y-%m")
    span = (d.max().year - d.min().year) * 12 + d.max().month - d.min().month + 1
    named = ", ".join(absent[:6]) + (" ..." if len(absent) > 6 else "")
    warn_user(f"cluster_summary: no record at all in {number_of(len(absent), 'month')} between {first} and {last} "
              f"({named}) among the {located:,} points given: {_empty_month_cause(stamps)}. The clusters, their `n` and first/last months "
              f"cover {span - len(absent)} of the {span} months, and a cluster spanning the gap is not known to have "
              "gone quiet in it: read the missing month's file, or say which months the clusters cover; the months are "
              "in .attrs['months_missing']")


def _reach_m(row: Any, clat: float, clon: float) -> float:
    """Farthest distance (m) from the centroid to the cluster's points (``radius_m``), 0 if absent."""
    v = row["radius_m"] if "radius_m" in row.index else 0.0
    return float(v) if np.isfinite(v) else 0.0


def _circle(lat: float, lon: float, radius_m: float, k: int = 24) -> list[list[float]]:
    """A closed ring of ``k`` vertices at ``radius_m`` about (lat, lon), counter-clockwise."""
    a = np.linspace(0, 2 * np.pi, k, endpoint=False)
    dlat = np.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(np.cos(np.radians(lat)), 1e-6)
    ring = [[float(lon + dlon * np.cos(t)), float(np.clip(lat + dlat * np.sin(t), -90, 90))] for t in a]
    return ring + [ring[0]]


def _json_value(v: Any) -> Any:
    """A table value as JSON: NaN/NaT → null, timestamps → ISO 8601, numpy scalars → Python."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else pd.Timestamp(v).isoformat()
    if isinstance(v, np.floating):
        return float(v) if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def _locations_per_label(la: np.ndarray, lo: np.ndarray, lab: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Distinct (bit-identical) coordinate pairs among the points of each of ``labels``."""
    inc = lab >= 0
    if not inc.any() or not len(labels):
        return np.zeros(len(labels), dtype=np.int64)
    keys = np.stack([lab[inc].astype(np.float64), la[inc] + 0.0, lo[inc] + 0.0], axis=1)  # + 0.0: -0.0 is 0.0
    uniq = np.unique(keys, axis=0)
    found, per = np.unique(uniq[:, 0].astype(np.int64), return_counts=True)
    pos = np.searchsorted(found, labels)
    pos = np.clip(pos, 0, len(found) - 1)
    return np.where(found[pos] == labels, per[pos], 0).astype(np.int64)


def cluster_summary(lat: Any, lon: Any, labels: Any, *, hull: Literal["convex", "concave"] = "convex",
                    concavity: float = 2.0, times: Any = None, study_area: Any = None) -> ClusterTable:
    """Per-cluster count, distinct ``locations``, centroid, outline (convex or concave hull,
    ``geo``), geodesic area (m²), density per km², ``radius_m`` (the farthest point from the
    centroid) and date span (noise, labels < 0, left out).

    ``locations`` counts each cluster's distinct coordinates. police.uk publishes every record at
    an anonymised map point ("On or near ..."), so a location holding ``min_samples`` records over
    a year is a DBSCAN cluster by itself: Dacorum ASB, Jan 2021–Jan 2022, ``dbscan(...,
    eps_m=100, min_samples=10)`` gives 98 clusters, 39 of them one map point each. Such clusters
    (``attrs["single_location_clusters"]``) give a :class:`~saferstats.SaferstatsWarning`: they
    are records at one published point, not incidents concentrated around it.

    The centroid is the spherical mean (normalised mean of unit vectors), right for clusters across
    the ±180° meridian; points on one line (or fewer than 3 distinct points) have no outline and area
    0, and so no density: ``density_per_km2`` is NaN there (not 0, and not infinitely dense), and the
    ``note`` column (after it; "" for the other clusters) says why ("two map locations: no area (a
    line), no density"). ``attrs["no_area_clusters"]`` counts them, and those not
    at one location (already warned about) give a :class:`~saferstats.SaferstatsWarning` naming their
    labels (Dacorum ASB above: 20 of the 98 clusters are at two map points; until session 20 their
    NaN density was silent). An outline joining only 3 map locations is the triangle between three
    anonymised points, as thin as they happen to lie, and its density is mostly that triangle's:
    ``note`` marks such clusters, and a warning says when the table's highest density is one (Dacorum:
    the 10 highest, up to 33,459 per km² for 15 records, against 9,248 for the densest cluster of 4
    or more locations) — rank clusters by ``n`` instead. ``times`` (numbers or datetimes): ``first_time``/``last_time`` skip missing times, which are
    counted per cluster in ``missing_times`` (and in ``attrs["missing_times"]``, with a warning).
    ``times`` may be police.uk's ``Month`` column as it is ("2021-10" text) or a monthly Period:
    then ``attrs["times_are_months"]`` is True, even when every record is of one month. With
    datetimes it is True when every time is the first of a month at midnight and there are two or
    more distinct months (one such day alone could be a date). Either way ``first_time``/``last_time``
    then stand for months: read "2021-10-01" as October 2021; :meth:`ClusterTable.month_labels`
    gives them as text (the GeoJSON writes ``"2021-10"``). A month between the first and the last
    of the times given with no record at all — police.uk publishes a file per month, so most likely
    a file not read — is named in a :class:`~saferstats.SaferstatsWarning` and the headline, and
    listed in ``attrs["months_missing"]`` (Hertfordshire's files of 2021-01 to 2022-01 without
    2021-06: Watford ASB and criminal damage, 46 clusters of 12 of the 13 months; until session 36
    silently, and ``saferstats hotspots`` said only "Read 99,326 police.uk records from 12 files").
    ``study_area`` (see :class:`saferstats.StudyArea`): points outside it are treated as noise
    (label −3), counted with where they are in a :class:`~saferstats.SaferstatsWarning`.
    Points without coordinates are allowed as noise (label < 0, e.g. −2 from ``dbscan(...,
    missing="drop")``), counted in ``attrs["missing_coordinates"]`` (and in ``noise_points``); one
    with a cluster label raises :class:`~saferstats.MissingValueError` naming the row.
    ``attrs``: ``noise_points`` (every point in no cluster: labels < 0), ``missing_coordinates``,
    ``outside_study_area`` (label −3: outside ``study_area`` here or in :func:`dbscan` /
    :func:`hdbscan`) and ``unclustered_in_area`` (the points with a location, not outside the study
    area, in no cluster) — the figure to report as "not in any cluster" for a study area: Watford
    ASB, Oct–Dec 2021 (``dbscan(..., eps_m=150, min_samples=10, study_area="Watford")`` over the
    force's 5,516 records) has ``noise_points`` 5,234 but 323 of Watford's 605 records unclustered.

    >>> import saferstats
    >>> t = saferstats.cluster_summary([51.5, 51.501, 51.5, 51.501], [-0.12, -0.12, -0.119, -0.119], [0, 0, 0, 0])
    >>> t[["label", "n"]].to_dict("records"), '"Polygon"' in t.to_geojson()
    ([{'label': 0, 'n': 4}], True)
    """
    _choice("hull", hull, ("convex", "concave"))
    for name, v in (("lat", lat), ("lon", lon)):  # a cell that is not a number: named by its column too
        if isinstance(v, pd.Series) and not pd.api.types.is_numeric_dtype(v.dtype):
            _coordinate(name, v)
    try:
        arrays, _ = aligned(lat=lat, lon=lon, labels=labels)  # lat and lon of unequal length: an IndexError before
    except LengthMismatchError as e:
        n_lab, n_lat = (len(v) if hasattr(v, "__len__") else -1 for v in (labels, lat))
        if not 0 <= n_lab < n_lat or "`labels`" not in str(e):
            raise
        # nnh(..., study_area=) labels the points inside only; lat[r.rows] on a Series is by label
        at = ".iloc" if isinstance(lat, pd.Series) else ""
        raise LengthMismatchError(f"{e}: labels of nnh(..., study_area=...) are of the points inside the area only - "
                                  "pass their coordinates, taken by position: r = nnh(...); cluster_summary("
                                  f"lat{at}[r.rows], lon{at}[r.rows], r.order(1)) (dbscan and hdbscan label every "
                                  "point, -3 outside the area)", "labels") from None
    la, lo, lab_f = arrays["lat"], arrays["lon"], arrays["labels"]
    bad = ~np.isfinite(lab_f) | (lab_f != np.floor(lab_f)) | (np.abs(lab_f) > 2**53)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise _row_error(InvalidInputError, "labels", labels, row,
                         f"`labels` at {{row}}: {float(lab_f[row])!r} is not a cluster label (a whole number)")
    given = next((v for v in (lat, lon, labels) if isinstance(v, pd.Series)), None)  # its index names the rows
    lab = np.ascontiguousarray(lab_f.astype(np.int64))
    if study_area is not None:
        _, _, kept, fill = _latlon(la, lo, "drop", study_area, fn="cluster_summary")
        lab = np.ascontiguousarray(np.where(kept | (fill == -2), lab, -3))
    else:
        _check_latlon(la[lab >= 0], lo[lab >= 0], given, np.flatnonzero(lab >= 0))
    tt, is_dates, tz, months_given = None, False, None, False
    if times is not None:
        ts, months_given = _months_as_dates(_series("times", times))
        if pd.api.types.is_datetime64_any_dtype(ts):
            is_dates = True
            if isinstance(ts.dtype, pd.DatetimeTZDtype):
                tz = ts.dt.tz
                ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
            ns = ts.astype("datetime64[ns]")
            tt = np.where(ns.isna().to_numpy(), np.nan, ns.to_numpy().view("int64") / 86400e9)
            tt = np.ascontiguousarray(tt, dtype=np.float64)
        else:
            tt = as_float_array("times", ts.to_numpy())
        if len(tt) != len(la):
            raise LengthMismatchError(f"length mismatch: `lat` has {len(la)} elements but `times` has {len(tt)}", "times")
    conc = None if hull == "convex" else _float_arg("concavity", concavity, positive=True)
    absent = np.isnan(la) | np.isnan(lo)
    if absent.any():
        clustered = absent & (lab >= 0)
        if clustered.any():
            row = int(np.flatnonzero(clustered)[0])
            raise _row_error(MissingValueError, "lat", given, row,
                             f"the point at {{row}} has no coordinates but cluster label {int(lab[row])}: pass the "
                             "lat/lon the labels were made from")
        # noise without a location (dbscan/hdbscan missing="drop" label them -2): no part of any cluster
        keep = ~absent
        la, lo, lab_core = (np.ascontiguousarray(v[keep]) for v in (la, lo, lab))
        tt = None if tt is None else np.ascontiguousarray(tt[keep])
    else:
        lab_core, keep = lab, None
    with _core_terms(None if keep is None else np.flatnonzero(keep), lat=lat, lon=lon, labels=labels, times=times):
        d = _ext.cluster_summary(la, lo, lab_core, tt, concavity=conc)
    out = ClusterTable({k: d[k] for k in ["label", "n", "centroid_lat", "centroid_lon", "area_m2", "density_per_km2",
                                          "first_time", "last_time"]})
    if times is not None:
        out["missing_times"] = d["missing_times"]
    locs = _locations_per_label(la, lo, lab_core, out["label"].to_numpy())
    out.insert(2, "locations", locs)
    # one location: every point at the same coordinates; the centroid's rounding leaves ~1e-9 m
    out["radius_m"] = np.where(locs == 1, 0.0, np.asarray(d["radius_m"], dtype=float))
    out["hull"] = pd.Series(d["hull"], index=out.index, dtype=object)
    if is_dates:
        stamps = pd.DatetimeIndex(ts.dropna())
        # police.uk publishes months: read with pd.to_datetime every time is the 1st at midnight
        # (months given as such - "2021-10" text or a monthly Period - are months however many there are)
        out.attrs["times_are_months"] = months_given or bool(len(stamps) and stamps.nunique() >= 2 and (
            (stamps.day == 1) & (stamps.hour == 0) & (stamps.minute == 0) & (stamps.second == 0)
            & (stamps.nanosecond == 0) & (stamps.microsecond == 0)).all())
        if out.attrs["times_are_months"]:
            _warn_absent_months(out, stamps, int(len(la)))
        for c in ("first_time", "last_time"):
            col = pd.to_datetime(out[c] * 86400e9)
            out[c] = col.dt.tz_localize("UTC").dt.tz_convert(tz) if tz is not None else col
    out.attrs["noise_points"] = int((lab < 0).sum())
    out.attrs["missing_coordinates"] = int(absent.sum())
    # noise_points counts every point in no cluster; with a study area most can be points beyond it
    # (label -3), so say how many, and how many of the area's own points are in no cluster
    out.attrs["outside_study_area"] = int((lab == -3).sum())
    out.attrs["unclustered_in_area"] = int(((lab < 0) & (lab != -3) & ~absent).sum())
    single = locs == 1
    out.attrs["single_location_clusters"] = int(single.sum())
    if single.any():
        some = out["label"].to_numpy()[single][:5].tolist()
        one = "is one location" if single.sum() == 1 else "are one location each"  # (was "1 of 2 clusters are")
        warn_user(f"cluster_summary: {int(single.sum()):,} of {number_of(len(out), 'cluster')} {one} (labels "
                  f"{some}{' ...' if single.sum() > 5 else ''}): all their points share the same coordinates, as "
                  "police.uk publishes records at anonymised map points ('On or near ...'), so such a 'cluster' is "
                  "records snapped to one point, not incidents concentrated around it (their outline is a marker, "
                  "area 0, density_per_km2 NaN: the `note` column says so). `locations` counts each cluster's distinct "
                  "locations: map and name these as single locations, or raise min_samples / eps")
    out.insert(out.columns.get_loc("density_per_km2") + 1, "note", _notes(out))
    flat = (out["area_m2"].to_numpy(dtype=float) == 0) & ~single
    out.attrs["no_area_clusters"] = int((out["area_m2"].to_numpy(dtype=float) == 0).sum())
    if flat.any():
        # two map points, or several on one line: no outline, so no area to divide n by (NaN, silently
        # until session 20: Dacorum ASB 2021, dbscan(eps_m=100, min_samples=10), 20 of its 98 clusters)
        some = out["label"].to_numpy()[flat][:5].tolist()
        two = int((flat & (locs == 2)).sum())
        warn_user(f"cluster_summary: {int(flat.sum()):,} of {number_of(len(out), 'cluster')} have no outline (labels {some}"
                  f"{' ...' if flat.sum() > 5 else ''}): their points are at two map locations ({two:,} of them) or "
                  "on one line, so area_m2 is 0 and density_per_km2 is NaN (no area to divide by: not 0 and not "
                  "infinitely dense); the `note` column says why for each. Compare them by `n` and `radius_m`, and "
                  "map them as the GeoJSON does (a marker circle)")
    _warn_triangle_top(out)
    if times is not None:
        miss = int(out["missing_times"].sum()) if len(out) else 0
        out.attrs["missing_times"] = miss
        if miss:
            warn_user(f"{number_of(miss, 'clustered point')} {'has' if miss == 1 else 'have'} no time; first_time/last_time "
                      "use the others "
                      "(per cluster in `missing_times`)")
    return out

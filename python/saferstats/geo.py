"""GeoPandas interop (the optional extra ``geo``: ``pip install "saferstats[geo]"``).

Points in, layers out, in the coordinate reference systems a GIS expects:

- :func:`latlon` and :func:`bng` turn a ``GeoSeries`` / ``GeoDataFrame`` of points in **any** CRS
  into the WGS84 latitude/longitude the clustering functions take, or the British National Grid
  metres (EPSG:27700) the grid, KDE and Gi* functions take.
- :func:`to_geodataframe` turns cluster outlines (:func:`saferstats.cluster_summary`), hotspot
  grids (:func:`saferstats.hotspot_kde`, ``hotspot_classify`` ...) and KDE surfaces
  (:func:`saferstats.kde_grid`) into GeoDataFrames with their CRS.
- :func:`write_ascii_grid` writes a KDE surface or a square hotspot grid as an ESRI ASCII grid
  with its ``.prj`` — a raster QGIS and ArcGIS open directly.

Reprojection is pyproj's (through geopandas); nothing here is hand-written geodesy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._frames import plain
from .exceptions import InvalidInputError, MissingValueError, number_of

__all__ = ["latlon", "bng", "to_geodataframe", "write_ascii_grid"]


def _gpd() -> Any:
    try:
        import geopandas
    except ImportError as e:
        raise ImportError("saferstats.geo needs geopandas: pip install 'saferstats[geo]'") from e
    return geopandas


def _points(points: Any, name: str, crs: Any) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """x, y of point geometries reprojected to ``crs`` (missing or empty geometries are NaN)."""
    gpd = _gpd()
    if isinstance(points, gpd.GeoDataFrame):
        points = points.geometry
    if not isinstance(points, gpd.GeoSeries):
        raise InvalidInputError(f"`{name}` must be a GeoSeries or GeoDataFrame of points, got {type(points).__name__}",
                                name)
    if points.crs is None:
        raise InvalidInputError(f"`{name}` has no CRS: set one (e.g. points.set_crs('EPSG:4326')) so it can be "
                                "reprojected", name)
    empty = points.isna().to_numpy() | points.is_empty.to_numpy()
    types = points.geom_type.to_numpy()
    bad = np.flatnonzero(~empty & (types != "Point"))
    if bad.size:
        i = int(bad[0])
        raise InvalidInputError(f"`{name}` row {plain(points.index[i])!r}: a {types[i]}, not a point ({number_of(bad.size, 'such row')}); use .centroid or .representative_point() first", name, i)
    out = points.to_crs(crs)
    x = np.full(len(out), np.nan)
    y = np.full(len(out), np.nan)
    ok = ~empty
    x[ok] = out[ok].x.to_numpy()
    y[ok] = out[ok].y.to_numpy()
    return x, y, points.index


def latlon(points: Any, *, missing: Literal["error", "propagate"] = "error") -> tuple[pd.Series, pd.Series]:
    """Latitude and longitude (WGS84, EPSG:4326) of a ``GeoSeries`` / ``GeoDataFrame`` of points
    in any CRS, as two Series on its index — the inputs of :func:`saferstats.dbscan`,
    :func:`saferstats.hdbscan`, :func:`saferstats.assign_area` and the other lat/lon functions.

    Missing or empty geometries raise :class:`~saferstats.exceptions.MissingValueError` naming the
    row, or with ``missing="propagate"`` come out as NaN (counted in ``lat.attrs["missing"]``).
    Reprojection by pyproj (``GeoSeries.to_crs``).

    >>> import geopandas as gpd, saferstats
    >>> pts = gpd.GeoSeries.from_xy([530000.0], [180000.0], crs="EPSG:27700")
    >>> lat, lon = saferstats.geo.latlon(pts)
    >>> round(float(lat.iloc[0]), 4), round(float(lon.iloc[0]), 4)
    (51.504, -0.1284)
    """
    x, y, index = _points(points, "points", "EPSG:4326")
    return _finish(y, x, index, ("lat", "lon"), missing)


def bng(points: Any, *, missing: Literal["error", "propagate"] = "error") -> tuple[pd.Series, pd.Series]:
    """Easting and northing in metres on the British National Grid (EPSG:27700) of a
    ``GeoSeries`` / ``GeoDataFrame`` of points in any CRS: the projected ``x, y`` that
    :func:`saferstats.hotspot_grid`, :func:`saferstats.hotspot_kde` and :func:`saferstats.kde_grid`
    take. Missing geometries as in :func:`latlon`. Reprojection by pyproj (OSTN15 where installed,
    else the Helmert transformation).

    >>> import geopandas as gpd, saferstats
    >>> pts = gpd.GeoSeries.from_xy([-0.1248], [51.5081], crs="EPSG:4326")
    >>> x, y = saferstats.geo.bng(pts)
    >>> round(float(x.iloc[0])), round(float(y.iloc[0]))
    (530235, 180463)
    >>> e, n = saferstats.to_bng([51.5081], [-0.1248])   # saferstats' own OS Helmert + TM agrees
    >>> bool(abs(float(x.iloc[0]) - e[0]) < 0.01 and abs(float(y.iloc[0]) - n[0]) < 0.01)
    True
    """
    x, y, index = _points(points, "points", "EPSG:27700")
    return _finish(x, y, index, ("x", "y"), missing)


def _finish(a: np.ndarray, b: np.ndarray, index: pd.Index, names: tuple[str, str],
            missing: str) -> tuple[pd.Series, pd.Series]:
    if missing not in ("error", "propagate"):
        raise InvalidInputError(f"`missing` must be 'error' or 'propagate', got {missing!r}", "missing")
    gone = np.isnan(a) | np.isnan(b)
    if gone.any() and missing == "error":
        i = int(np.flatnonzero(gone)[0])
        raise MissingValueError(f"`points` row {plain(index[i])!r}: missing or empty geometry ({number_of(int(gone.sum()), 'such row')}); pass missing='propagate' to keep them as NaN", "points", i)
    sa, sb = pd.Series(a, index=index, name=names[0]), pd.Series(b, index=index, name=names[1])
    sa.attrs["missing"] = sb.attrs["missing"] = int(gone.sum())
    return sa, sb


def to_geodataframe(result: Any, *, crs: Any = None, cells: tuple[Any, Any] | None = None) -> Any:
    """A GeoDataFrame of a saferstats spatial result, with its CRS:

    - a cluster table (:func:`saferstats.cluster_summary`): one polygon per cluster (its outline,
      or a marker circle where it has none, as ``ClusterTable.to_geojson``), EPSG:4326, keeping
      the table's ``attrs`` (``noise_points``, ``single_location_clusters``, ``times_are_months`` ...);
    - a hotspot grid (:func:`saferstats.hotspot_grid` / ``hotspot_count`` / ``hotspot_kde`` ...) or
      a :func:`saferstats.hotspot_classify` result: one square or hexagon per cell with every layer
      (``hotspot_category``, ``hot_periods`` ...) as a column;
    - a KDE surface (:func:`saferstats.kde_grid`): one square per cell with ``density``;
    - Gi* or Local Moran results (:func:`saferstats.gi_star`, :func:`saferstats.local_moran`): of
      values taken from a hotspot grid's cells (``g.cells["count"]``, or the area's cells of a
      masked lattice), one square or hexagon per unit, placed by the cell the result names
      (``cell, row, col, x, y`` columns, from its ``where``), with no argument needed (until
      session 20 ``cells=`` was required); on the lattice of :func:`saferstats.grid_counts`, pass
      its cell centres as ``cells=(x_centres, y_centres)``; one square per cell (rows south to
      north, as the counts) with the result's columns. A result on the weights of
      ``Weights.lattice(..., mask=)`` (a study area's cells) has one square per kept cell, placed
      by its ``cell`` number. ``cells=``, when given, is used in either case.

    A grid or surface made over a ``study_area`` keeps its ``in_study_area`` column, and its
    numeric layers (``kde``, ``count``, ``density`` ...) are NaN in the cells beyond the area, as
    :func:`write_ascii_grid` writes them: there the kernel only spread the area's own events over
    the edge and the counts are 0 by construction (the events outside were left out), so a map
    coloured by ``kde`` would show hotspots outside the area (Watford ASB 2021 on 500 m cells:
    42 cells beyond the edge with a density, up to 56 events per km²). Until session 16 those
    values were kept; the grid's own ``cells`` (and ``KdeResult.density``) still hold them, while
    ``KdeResult.to_pandas()`` blanks them as this frame does (since session 17).

    Grids and surfaces are in the coordinates their points were given in, so ``crs`` names that
    CRS (default EPSG:27700, British National Grid metres from :func:`bng` or
    :func:`saferstats.to_bng`).

    >>> import saferstats
    >>> g = saferstats.hotspot_count([530050.0, 530150.0], [180050.0, 180050.0], cell_size=100,
    ...                              bounds=(530000, 530199, 180000, 180099))
    >>> gdf = saferstats.geo.to_geodataframe(g)
    >>> gdf.crs.to_epsg(), gdf["count"].tolist(), round(float(gdf.geometry.area.iloc[0]))
    (27700, [1.0, 1.0], 10000)

    A Gi* of a grid's cells is placed by the cells it names (no ``cells=`` needed):

    >>> g = saferstats.hotspot_count([530050.0, 530150.0, 530250.0, 530250.0], [180050.0] * 4, cell_size=100,
    ...                              bounds=(530000, 530299, 180000, 180099))
    >>> gi = saferstats.gi_star(g.cells["count"], saferstats.Weights.lattice(g.nrows, g.ncols), permutations=0)
    >>> gdf = saferstats.geo.to_geodataframe(gi)
    >>> gdf[["cell", "x", "y"]].values.tolist(), gdf.geometry.area.tolist()
    ([[0.0, 530050.0, 180050.0], [1.0, 530150.0, 180050.0], [2.0, 530250.0, 180050.0]], [10000.0, 10000.0, 10000.0])
    """
    import copy
    import json

    from shapely.geometry import Polygon

    gpd = _gpd()
    from .hotspot.clusters import ClusterTable
    from .hotspot.grid import ClassifyResult, HotspotGrid
    from .hotspot.kde import KdeResult

    if isinstance(result, ClassifyResult):  # its grid carries the classes (and "outside study area")
        result = result.grid
    if isinstance(result, ClusterTable):
        features = json.loads(result.to_geojson())["features"]
        out = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
        # the table's notes (noise_points, single_location_clusters, times_are_months, ...) travel with it
        out.attrs.update(copy.deepcopy(result.attrs))
        return out
    crs = "EPSG:27700" if crs is None else crs
    if isinstance(result, HotspotGrid):
        polys = [Polygon(p) for p in result.polygons()]
        return gpd.GeoDataFrame(_blank_beyond_area(result.cells.reset_index(drop=True)), geometry=polys, crs=crs)
    if isinstance(result, KdeResult):
        h = result.cell_size / 2
        xx, yy = np.meshgrid(result.x, result.y)
        polys = [Polygon([(x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h)])
                 for x, y in zip(xx.ravel(), yy.ravel())]
        frame = result.to_pandas()  # with ``in_study_area`` over a study area (it was dropped until session 15)
        return gpd.GeoDataFrame(_blank_beyond_area(frame), geometry=polys, crs=crs)
    from .hotspot.local import LocalResult

    if isinstance(result, LocalResult):
        where = result.where
        if cells is None and where is not None and {"x", "y"} <= set(where.columns) and "cell_size" in where.attrs:
            # values taken from a hotspot grid's cells: the result knows each unit's cell, centre and shape
            px, py = where["x"].to_numpy(dtype=float), where["y"].to_numpy(dtype=float)
            polys = [Polygon(v) for v in _cell_outlines(px, py, str(where.attrs.get("grid_type", "square")),
                                                        float(where.attrs["cell_size"]))]
            frame = result.to_pandas().reset_index(drop=True)
            frame.insert(3 if "col" in frame.columns[:3] else 0, "y", py)
            frame.insert(3 if "col" in frame.columns[:3] else 0, "x", px)
            return gpd.GeoDataFrame(frame, geometry=polys, crs=crs)
        if cells is None:
            raise InvalidInputError("a Gi* / Local Moran result on plain values has no coordinates: pass "
                                    "cells=(x_centres, y_centres) from grid_counts, or compute it on a hotspot grid's "
                                    "cells (gi_star(g.cells['count'], Weights.lattice(g.nrows, g.ncols)), whose "
                                    "result places each cell itself", "cells")
        cx, cy = (np.asarray(c, dtype=float) for c in cells)
        kept = result.cells  # a masked lattice: unit i is cell kept[i] of the whole grid
        if kept is None and len(cx) * len(cy) != len(result.stat):
            raise InvalidInputError(f"cells has {len(cx)} x {len(cy)} = {len(cx) * len(cy)} cells but the result has "
                                    f"{len(result.stat)} units", "cells")
        if kept is not None and (len(kept) and int(kept.max()) >= len(cx) * len(cy)):
            raise InvalidInputError(f"cells has {len(cx)} x {len(cy)} = {len(cx) * len(cy)} cells but the result's "
                                    f"units reach cell {int(kept.max())}: pass the centres of the grid the mask was "
                                    "made on", "cells")
        hx = (cx[1] - cx[0]) / 2 if len(cx) > 1 else (cy[1] - cy[0]) / 2 if len(cy) > 1 else 0.5
        hy = (cy[1] - cy[0]) / 2 if len(cy) > 1 else hx
        xx, yy = np.meshgrid(cx, cy)
        px, py = xx.ravel(), yy.ravel()
        if kept is not None:
            px, py = px[kept], py[kept]
        polys = [Polygon([(x - hx, y - hy), (x + hx, y - hy), (x + hx, y + hy), (x - hx, y + hy)])
                 for x, y in zip(px, py)]
        frame = result.to_pandas().reset_index(drop=True)
        frame.insert(0, "y", py)
        frame.insert(0, "x", px)
        return gpd.GeoDataFrame(frame, geometry=polys, crs=crs)
    raise InvalidInputError("`result` must be a cluster table, a hotspot grid, a KDE surface or a Gi* / Local Moran "
                            "result, got "
                            f"{type(result).__name__}", "result")


def _cell_outlines(x: np.ndarray, y: np.ndarray, grid_type: str, cell_size: float) -> list[np.ndarray]:
    """Cell outlines around centres ``x``, ``y``, as :meth:`HotspotGrid.polygons` draws them: squares of
    side ``cell_size``, or pointy-topped hexagons ``cell_size`` across the flats."""
    if grid_type == "square":
        h = cell_size / 2
        dx, dy = np.array([-h, h, h, -h]), np.array([-h, -h, h, h])
    else:
        r = cell_size / np.sqrt(3)
        a = np.radians(60 * np.arange(6) - 90)
        dx, dy = r * np.cos(a), r * np.sin(a)
    return list(np.stack([x[:, None] + dx, y[:, None] + dy], axis=-1))


def _blank_beyond_area(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (a grid's or surface's cells) with its numeric layers NaN where ``in_study_area``
    is False, as :func:`write_ascii_grid` writes them; unchanged without that column."""
    import copy

    from .hotspot.grid import GRID_TAG, IN_STUDY_AREA, array_digest

    if IN_STUDY_AREA not in frame.columns:
        return frame
    frame = frame.copy()
    frame.attrs = copy.deepcopy(frame.attrs)
    tag = frame.attrs.get(GRID_TAG)
    beyond = ~frame[IN_STUDY_AREA].to_numpy(dtype=bool)
    for c in frame.columns:
        if c in ("cell", "x", "y", IN_STUDY_AREA) or frame[c].dtype.kind not in "fiu":
            continue
        v = frame[c].to_numpy(dtype=float, copy=True)
        v[beyond] = np.nan
        frame[c] = v
        if isinstance(tag, dict) and isinstance(tag.get("layers"), dict) and str(c) in tag["layers"]:
            tag["layers"][str(c)] = array_digest(v)  # its column is still the grid's layer (for pai)
    return frame


def _prj(crs: Any) -> str:
    from pyproj import CRS

    return str(CRS.from_user_input(crs).to_wkt(version="WKT1_ESRI"))


def write_ascii_grid(result: Any, path: Any, *, layer: str | None = None, crs: Any = "EPSG:27700",
                     nodata: float = -9999.0) -> Path:
    """Write a KDE surface (:func:`saferstats.kde_grid`) or a square hotspot grid (its main layer,
    or ``layer``) as an ESRI ASCII grid (``.asc``) with its ``.prj`` (ESRI WKT of ``crs``, by
    pyproj) beside it — a raster QGIS and ArcGIS open directly. Cell values are written row by
    row from the north; missing values as ``nodata``, and so are the cells of a grid made over a
    ``study_area`` that are outside it (not ``in_study_area``): their 0 counts or spread-over-the-edge
    densities were not measured (the points beyond the edge were left out). Hexagonal grids are
    refused (a raster has square cells). Returns the path of the ``.asc`` file.

    >>> import tempfile, pathlib, saferstats
    >>> k = saferstats.kde_grid([0.0, 50.0], [0.0, 50.0], cell_size=25, bandwidth=100)
    >>> p = saferstats.geo.write_ascii_grid(k, pathlib.Path(tempfile.mkdtemp()) / "kde.asc")
    >>> p.read_text().splitlines()[0], p.with_suffix(".prj").exists()
    ('ncols 10', True)
    """
    from .hotspot.grid import IN_STUDY_AREA, HotspotGrid
    from .hotspot.kde import KdeResult

    if isinstance(result, KdeResult):
        values, cell = np.asarray(result.density, dtype=float).copy(), float(result.cell_size)
        if result.in_study_area is not None:  # as a hotspot grid's: beyond the edge is no data
            values[~np.asarray(result.in_study_area, dtype=bool)] = np.nan
        x0, y0 = float(result.x[0]) - cell / 2, float(result.y[0]) - cell / 2
        if layer is not None:
            raise InvalidInputError("a KDE surface has one layer (density); leave `layer` unset", "layer")
    elif isinstance(result, HotspotGrid):
        if result.grid_type != "square":
            raise InvalidInputError("a hexagonal grid cannot be written as a raster; use to_geodataframe() and save "
                                    "the polygons", "result")
        g = result.layer(layer) if layer is not None else result
        cells = g.cells
        cell = float(g.cell_size)
        col = np.rint((cells["x"].to_numpy() - cells["x"].min()) / cell).astype(np.int64)
        row = np.rint((cells["y"].to_numpy() - cells["y"].min()) / cell).astype(np.int64)
        values = np.full((int(row.max()) + 1, int(col.max()) + 1), np.nan)
        v = np.asarray(g.values, dtype=float).copy()
        if IN_STUDY_AREA in cells.columns:  # beyond the study area's edge: no data, not 0 (as hotspot_classify)
            v[~cells[IN_STUDY_AREA].to_numpy(dtype=bool)] = np.nan
        values[row, col] = v
        x0, y0 = float(cells["x"].min()) - cell / 2, float(cells["y"].min()) - cell / 2
    else:
        raise InvalidInputError(f"`result` must be a KDE surface or a square hotspot grid, got {type(result).__name__}",
                                "result")
    asc = Path(path).with_suffix(".asc")
    nrows, ncols = values.shape
    out = np.where(np.isfinite(values), values, nodata)[::-1]  # rows from the north
    header = (f"ncols {ncols}\nnrows {nrows}\nxllcorner {x0:.6f}\nyllcorner {y0:.6f}\ncellsize {cell:.6f}\n"
              f"NODATA_value {nodata:g}\n")
    with asc.open("w", encoding="ascii") as fh:
        fh.write(header)
        np.savetxt(fh, out, fmt="%.10g")
    asc.with_suffix(".prj").write_text(_prj(crs), encoding="ascii")
    return asc

"""GeoPandas interop (issue 12, extra ``geo``): points in any CRS in, GeoDataFrames with a CRS
and an ESRI ASCII raster out. Reference: the reprojection is pyproj's; it is checked against
saferstats' own OS Helmert + transverse Mercator (:func:`saferstats.to_bng`), an independent
implementation, to 1 cm."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import saferstats
from saferstats.exceptions import InvalidInputError, MissingValueError

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")


def _england(n: int = 200, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(50.5, 54.5, n), rng.uniform(-3.5, 1.0, n)


def test_bng_and_latlon_agree_with_saferstats_own_projection():
    lat, lon = _england()
    pts = gpd.GeoSeries.from_xy(lon, lat, crs="EPSG:4326", index=[f"p{i}" for i in range(len(lat))])
    x, y = saferstats.geo.bng(pts)
    e, n = saferstats.to_bng(lat, lon)
    assert np.abs(x.to_numpy() - e).max() < 0.01 and np.abs(y.to_numpy() - n).max() < 0.01
    assert list(x.index) == list(pts.index)
    back_lat, back_lon = saferstats.geo.latlon(gpd.GeoSeries.from_xy(e, n, crs="EPSG:27700"))
    assert np.abs(back_lat.to_numpy() - lat).max() < 1e-7 and np.abs(back_lon.to_numpy() - lon).max() < 1e-7


def test_points_from_a_geodataframe_feed_the_clustering_functions():
    lat = np.r_[51.5 + np.arange(10) * 1e-5, 51.6 + np.arange(10) * 1e-5]
    lon = np.r_[np.full(10, -0.12), np.full(10, -0.2)]
    gdf = gpd.GeoDataFrame({"id": range(20)}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(27700)
    la, lo = saferstats.geo.latlon(gdf)
    assert saferstats.dbscan(la, lo, eps_m=50, min_samples=3).tolist() == \
        saferstats.dbscan(lat, lon, eps_m=50, min_samples=3).tolist()


def test_bad_geometries_are_named():
    pts = gpd.GeoSeries([shapely.Point(0, 51), shapely.LineString([(0, 51), (1, 52)])], crs="EPSG:4326",
                        index=["a", "b"])
    with pytest.raises(InvalidInputError, match="row 'b': a LineString") as e:
        saferstats.geo.latlon(pts)
    assert e.value.argument == "points" and e.value.index == 1
    with pytest.raises(InvalidInputError, match="no CRS"):
        saferstats.geo.latlon(gpd.GeoSeries([shapely.Point(0, 51)]))
    with pytest.raises(InvalidInputError, match="GeoSeries"):
        saferstats.geo.latlon(pd.Series([1.0]))
    gaps = gpd.GeoSeries([shapely.Point(0, 51), None, shapely.Point()], crs="EPSG:4326")
    with pytest.raises(MissingValueError, match="row 1"):
        saferstats.geo.latlon(gaps)
    lat, lon = saferstats.geo.latlon(gaps, missing="propagate")
    assert lat.attrs["missing"] == 2 and np.isnan(lat.iloc[1]) and np.isnan(lon.iloc[2]) and lat.iloc[0] == 51


def test_cluster_outlines_as_a_geodataframe():
    lat = [51.5, 51.501, 51.5, 51.501, 51.6, 51.6, 51.6]
    lon = [-0.12, -0.12, -0.119, -0.119, -0.2, -0.2, -0.2]
    t = saferstats.cluster_summary(lat, lon, [0, 0, 0, 0, 1, 1, 1])
    gdf = saferstats.geo.to_geodataframe(t)
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 2
    centres = gpd.GeoSeries(gpd.points_from_xy(t["centroid_lon"], t["centroid_lat"]), index=gdf.index, crs=4326)
    assert gdf.geometry.contains(centres).all()
    assert set(gdf["outline"]) == {"hull", "marker"}  # the one-location cluster gets a marker circle


def test_grid_and_kde_layers_as_geodataframes():
    rng = np.random.default_rng(2)
    x, y = rng.uniform(530000, 531000, 300), rng.uniform(180000, 181000, 300)
    g = saferstats.hotspot_kde(x, y, cell_size=100, bandwidth=300)
    gdf = saferstats.geo.to_geodataframe(g)
    assert gdf.crs.to_epsg() == 27700 and {"count", "kde"} <= set(gdf.columns)
    assert np.allclose(gdf.geometry.area, g.cell_area) and gdf["count"].sum() == 300
    hexes = saferstats.geo.to_geodataframe(saferstats.hotspot_count(x, y, cell_size=100, grid_type="hex"))
    assert np.allclose(hexes.geometry.area, np.sqrt(3) / 2 * 100**2)
    k = saferstats.kde_grid(x, y, cell_size=50, bandwidth=200)
    kg = saferstats.geo.to_geodataframe(k, crs="EPSG:27700")
    assert len(kg) == k.density.size and np.allclose(kg.geometry.area, 2500)


def test_ascii_grid_reads_back(tmp_path):
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 1000, 200), rng.uniform(0, 600, 200)
    k = saferstats.kde_grid(x, y, cell_size=50, bandwidth=150)
    p = saferstats.geo.write_ascii_grid(k, tmp_path / "kde")
    lines = p.read_text().splitlines()
    head = dict(line.split() for line in lines[:6])
    assert int(head["ncols"]) == len(k.x) and int(head["nrows"]) == len(k.y)
    assert float(head["xllcorner"]) == pytest.approx(k.x[0] - 25) and float(head["cellsize"]) == 50
    grid = np.loadtxt(p, skiprows=6)
    assert np.allclose(grid[::-1], k.density, rtol=1e-9)  # rows written from the north
    assert "British_National_Grid" in p.with_suffix(".prj").read_text()
    g = saferstats.hotspot_count(x, y, cell_size=100)
    q = saferstats.geo.write_ascii_grid(g, tmp_path / "counts.asc", layer="count")
    assert np.loadtxt(q, skiprows=6).sum() == 200
    with pytest.raises(InvalidInputError, match="hexagonal"):
        saferstats.geo.write_ascii_grid(saferstats.hotspot_count(x, y, cell_size=100, grid_type="hex"), tmp_path / "h")
    with pytest.raises(InvalidInputError, match="result"):
        saferstats.geo.to_geodataframe(pd.DataFrame({"a": [1]}))


def test_gi_star_cells_as_a_geodataframe():
    # a 2 x 3 lattice of 100 m cells from grid_counts; the Gi* of each cell keeps its place
    x = [530050.0, 530150.0, 530150.0, 530250.0, 530250.0, 530250.0]
    y = [180050.0, 180050.0, 180150.0, 180150.0, 180150.0, 180150.0]
    counts, cx, cy = saferstats.grid_counts(x, y, cell_size=100, bounds=(530000, 530300, 180000, 180200))
    gi = saferstats.gi_star(counts.ravel().astype(float), saferstats.Weights.lattice(*counts.shape), permutations=0)
    gdf = saferstats.geo.to_geodataframe(gi, cells=(cx, cy))
    assert gdf.crs.to_epsg() == 27700 and len(gdf) == counts.size
    assert np.allclose(gdf.geometry.area, 10_000)
    # row k is lattice unit k (counts.ravel() order: rows south to north): its square is centred on
    # that cell's centre, and the points counted in it lie inside it
    np.testing.assert_array_equal(gdf["z"].to_numpy(), gi.z)
    assert np.allclose(gdf.geometry.centroid.x, np.tile(cx, 2)) and np.allclose(gdf.geometry.centroid.y, np.repeat(cy, 3))
    inside = [sum(g.contains(shapely.Point(px, py)) for px, py in zip(x, y)) for g in gdf.geometry]
    assert inside == counts.ravel().tolist() == [1, 1, 0, 0, 1, 3]
    with pytest.raises(InvalidInputError, match="cells="):
        saferstats.geo.to_geodataframe(gi)
    with pytest.raises(InvalidInputError, match="units"):
        saferstats.geo.to_geodataframe(gi, cells=(cx[:1], cy))


def test_to_local_metres_is_pyprojs_equirectangular_projection():
    pyproj = pytest.importorskip("pyproj")
    lat, lon = _england(300, seed=5)
    lat0, lon0 = float(lat.mean()), float(lon.mean())
    eqc = pyproj.Transformer.from_crs(
        "EPSG:4326", f"+proj=eqc +lat_ts={lat0!r} +lat_0={lat0!r} +lon_0={lon0!r} +R=6371008.8 +units=m",
        always_xy=True)
    ex, ey = eqc.transform(lon, lat)
    x, y = saferstats.to_local_metres(lat, lon)
    assert np.abs(x - ex).max() < 1e-6 and np.abs(y - ey).max() < 1e-6

//! Per-cluster summaries with convex or concave hulls (`geo`) and GeoJSON export (`serde_json`).

use geo::algorithm::concave_hull::ConcaveHullOptions;
use geo::{ConcaveHull, ConvexHull, GeodesicArea, MultiPoint, Point, Polygon};
use serde::Serialize;

use super::index::haversine_rad;
use super::EARTH_RADIUS_M;
use crate::error::{Error, Result};

/// Hull type for cluster outlines.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Hull {
    /// Convex hull.
    Convex,
    /// Concave hull with `geo`'s concavity parameter (smaller = tighter; 2.0 is geo's default).
    Concave(f64),
}

/// One cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterSummary {
    /// Cluster label.
    pub label: i64,
    /// Number of points.
    pub n: usize,
    /// Latitude of the centroid (the normalised mean of the points' unit vectors).
    pub centroid_lat: f64,
    /// Longitude of the centroid (a circular mean: right across the ±180° meridian).
    pub centroid_lon: f64,
    /// Outline in (lon, lat) degrees (empty for fewer than 3 distinct points or points on one
    /// line). Longitudes are unwrapped about the centroid, so an outline across the ±180°
    /// meridian has longitudes beyond ±180 on one side rather than spanning the globe.
    pub hull: Vec<(f64, f64)>,
    /// Geodesic area of the outline on the WGS84 ellipsoid, m².
    pub area_m2: f64,
    /// Points per km² of the outline (NaN when the area is 0).
    pub density_per_km2: f64,
    /// The largest haversine distance from the centroid to a point of the cluster, m.
    pub radius_m: f64,
    /// Earliest time (NaN without times; missing times are skipped).
    pub first_time: f64,
    /// Latest time.
    pub last_time: f64,
    /// Points of the cluster whose time is missing (NaN), not used for the date span.
    pub missing_times: usize,
}

/// Surface area of the WGS84 ellipsoid, m² (an outline's area is at most half of it).
const WGS84_SURFACE_M2: f64 = 510_065_621_724_088.4;

/// The centroid (lat, lon) in degrees of points as the normalised mean of their unit vectors.
fn centroid(lat: &[f64], lon: &[f64], idx: &[usize]) -> (f64, f64) {
    let (mut x, mut y, mut z) = (0.0, 0.0, 0.0);
    for &i in idx {
        let (p, l) = (lat[i].to_radians(), lon[i].to_radians());
        x += p.cos() * l.cos();
        y += p.cos() * l.sin();
        z += p.sin();
    }
    let h = x.hypot(y);
    let clat = z.atan2(h).to_degrees();
    // at a pole (or points averaging to the Earth's centre) longitude is undefined: use the mean
    let clon = if h > 1e-12 * (idx.len() as f64) {
        y.atan2(x).to_degrees()
    } else {
        idx.iter().map(|&i| lon[i]).sum::<f64>() / idx.len() as f64
    };
    (clat, clon)
}

/// `lon` moved by a multiple of 360° to within 180° of `centre`.
fn unwrap_lon(lon: f64, centre: f64) -> f64 {
    centre + (lon - centre + 180.0).rem_euclid(360.0) - 180.0
}

/// Summarise each cluster label ≥ 0 (noise, −1, is left out), ordered by label.
///
/// Method: centroid = the normalised mean of the points' unit vectors (a proper spherical mean,
/// right across the ±180° meridian); outline = `geo` convex hull (Graham/QuickHull) or concave
/// hull of the points in (lon, lat), longitudes unwrapped about the centroid; area =
/// `geo::GeodesicArea` (Karney's geodesic polygon area on WGS84); radius = the largest haversine
/// distance (mean Earth radius) from the centroid to a point. Points on one line (or fewer
/// than 3 distinct points) have no outline and area 0. Times: the earliest and latest
/// non-missing time; NaN times are skipped and counted in `missing_times`.
///
/// # Errors
/// Length mismatch; coordinates missing or out of range (naming the row); concavity ≤ 0.
///
/// # Examples
/// ```
/// use saferstats::hotspot::clusters::{cluster_summary, Hull};
/// let lat = [51.5, 51.501, 51.5, 51.501, 51.6];
/// let lon = [-0.12, -0.12, -0.119, -0.119, -0.2];
/// let s = cluster_summary(&lat, &lon, &[0, 0, 0, 0, -1], None, Hull::Convex).unwrap();
/// assert_eq!(s.len(), 1);
/// assert_eq!(s[0].n, 4);
/// assert!(s[0].area_m2 > 7000.0 && s[0].area_m2 < 8000.0); // ~111 m x ~69 m
/// assert!((s[0].radius_m - 65.49).abs() < 0.01); // half the diagonal of ~111 m x ~69 m
/// ```
pub fn cluster_summary(
    lat: &[f64],
    lon: &[f64],
    labels: &[i64],
    times: Option<&[f64]>,
    hull: Hull,
) -> Result<Vec<ClusterSummary>> {
    crate::ci::check_lengths(&[
        ("lat", lat.len()),
        ("lon", lon.len()),
        ("labels", labels.len()),
    ])?;
    if let Some(t) = times {
        crate::ci::check_lengths(&[("lat", lat.len()), ("times", t.len())])?;
    }
    super::index::to_radians_checked(lat, lon)?;
    if let Hull::Concave(c) = hull
        && !(c.is_finite() && c > 0.0)
    {
        return Err(Error::argument("concavity", "must be a positive number"));
    }
    // the points of each label, labels ascending, points in input order: O(n log n) whatever the
    // number of clusters
    let mut order: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] >= 0).collect();
    order.sort_by_key(|&i| labels[i]);
    let mut out = Vec::new();
    for group in order.chunk_by(|&a, &b| labels[a] == labels[b]) {
        let label = labels[group[0]];
        let idx: Vec<usize> = group.to_vec();
        let n = idx.len();
        let (clat, clon) = centroid(lat, lon, &idx);
        let (p0, l0) = (clat.to_radians(), clon.to_radians());
        let radius_m = idx
            .iter()
            .map(|&i| haversine_rad(p0, l0, lat[i].to_radians(), lon[i].to_radians()))
            .fold(0.0, f64::max)
            * EARTH_RADIUS_M;
        let pts: Vec<Point<f64>> = idx
            .iter()
            .map(|&i| Point::new(unwrap_lon(lon[i], clon), lat[i]))
            .collect();
        let mp = MultiPoint::new(pts);
        let poly: Polygon<f64> = match hull {
            Hull::Convex => mp.convex_hull(),
            Hull::Concave(c) => mp.concave_hull_with_options(ConcaveHullOptions {
                concavity: c,
                ..Default::default()
            }),
        };
        let ring: Vec<(f64, f64)> = poly.exterior().coords().map(|c| (c.x, c.y)).collect();
        let distinct = {
            let mut r = ring.clone();
            r.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
            r.dedup();
            r.len()
        };
        // points on one line have no outline: a hull whose planar area is nil next to its extent
        let flat = {
            let (w, h) = ring.iter().fold(
                (
                    [f64::INFINITY, f64::NEG_INFINITY],
                    [f64::INFINITY, f64::NEG_INFINITY],
                ),
                |(a, b), &(x, y)| ([a[0].min(x), a[1].max(x)], [b[0].min(y), b[1].max(y)]),
            );
            let twice: f64 = ring
                .windows(2)
                .map(|q| q[0].0 * q[1].1 - q[1].0 * q[0].1)
                .sum();
            let extent = (w[1] - w[0]).max(h[1] - h[0]);
            twice.abs() <= 1e-9 * extent * extent
        };
        let (hull_ring, area) = if distinct >= 3 && !flat {
            // an orientation slip would give the rest of the Earth: an outline is the smaller side
            let a = poly.geodesic_area_unsigned();
            (ring, a.min(WGS84_SURFACE_M2 - a).max(0.0))
        } else {
            (Vec::new(), 0.0)
        };
        let (mut t0, mut t1, mut missing_times) = (f64::NAN, f64::NAN, 0usize);
        if let Some(t) = times {
            for &i in &idx {
                if t[i].is_nan() {
                    missing_times += 1;
                } else {
                    t0 = if t0.is_nan() { t[i] } else { t0.min(t[i]) };
                    t1 = if t1.is_nan() { t[i] } else { t1.max(t[i]) };
                }
            }
        }
        out.push(ClusterSummary {
            label,
            n,
            centroid_lat: clat,
            centroid_lon: clon,
            hull: hull_ring,
            area_m2: area,
            density_per_km2: if area > 0.0 {
                n as f64 / (area / 1e6)
            } else {
                f64::NAN
            },
            radius_m,
            first_time: t0,
            last_time: t1,
            missing_times,
        });
    }
    Ok(out)
}

/// GeoJSON FeatureCollection (RFC 7946, lon/lat WGS84) with one Polygon feature per cluster
/// that has an outline (a Point at the centroid otherwise), properties `label, n, area_m2,
/// density_per_km2, first_time, last_time`.
///
/// # Examples
/// ```
/// use saferstats::hotspot::clusters::{cluster_summary, to_geojson, Hull};
/// let s = cluster_summary(&[51.5, 51.501, 51.5], &[-0.12, -0.12, -0.119], &[0, 0, 0], None, Hull::Convex).unwrap();
/// let g = to_geojson(&s);
/// assert!(g.contains("\"FeatureCollection\"") && g.contains("\"Polygon\""));
/// ```
pub fn to_geojson(clusters: &[ClusterSummary]) -> String {
    let num = |v: f64| {
        if v.is_finite() {
            serde_json::json!(v)
        } else {
            serde_json::Value::Null
        }
    };
    let features: Vec<serde_json::Value> = clusters
        .iter()
        .map(|c| {
            let geometry = if c.hull.is_empty() {
                serde_json::json!({"type": "Point", "coordinates": [c.centroid_lon, c.centroid_lat]})
            } else {
                let ring: Vec<[f64; 2]> = c.hull.iter().map(|&(x, y)| [x, y]).collect();
                serde_json::json!({"type": "Polygon", "coordinates": [ring]})
            };
            serde_json::json!({
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "label": c.label, "n": c.n, "area_m2": num(c.area_m2),
                    "density_per_km2": num(c.density_per_km2),
                    "first_time": num(c.first_time), "last_time": num(c.last_time),
                    "centroid_lat": c.centroid_lat, "centroid_lon": c.centroid_lon,
                }
            })
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}

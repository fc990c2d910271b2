//! Per-cluster summaries with convex or concave hulls (`geo`) and GeoJSON export (`serde_json`).

use geo::algorithm::concave_hull::ConcaveHullOptions;
use geo::{ConcaveHull, ConvexHull, GeodesicArea, MultiPoint, Point, Polygon};
use serde::Serialize;

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
    /// Mean latitude.
    pub centroid_lat: f64,
    /// Mean longitude.
    pub centroid_lon: f64,
    /// Outline in (lon, lat) degrees (empty for fewer than 3 distinct points).
    pub hull: Vec<(f64, f64)>,
    /// Geodesic area of the outline on the WGS84 ellipsoid, m².
    pub area_m2: f64,
    /// Points per km² of the outline (NaN when the area is 0).
    pub density_per_km2: f64,
    /// Earliest time (NaN without times).
    pub first_time: f64,
    /// Latest time.
    pub last_time: f64,
}

/// Summarise each cluster label ≥ 0 (noise, −1, is left out), ordered by label.
///
/// Method: centroid = mean of latitudes and longitudes (adequate at city scale); outline =
/// `geo` convex hull (Graham/QuickHull) or concave hull of the points in (lon, lat); area =
/// `geo::GeodesicArea` (Karney's geodesic polygon area on WGS84).
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
    super::dbscan::to_radians_checked(lat, lon)?;
    if let Hull::Concave(c) = hull {
        if !(c.is_finite() && c > 0.0) {
            return Err(Error::argument("concavity", "must be a positive number"));
        }
    }
    let mut ids: Vec<i64> = labels.iter().copied().filter(|&l| l >= 0).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    for label in ids {
        let idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == label).collect();
        let n = idx.len();
        let pts: Vec<Point<f64>> = idx.iter().map(|&i| Point::new(lon[i], lat[i])).collect();
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
        let (hull_ring, area) = if distinct >= 3 {
            (ring, poly.geodesic_area_unsigned())
        } else {
            (Vec::new(), 0.0)
        };
        let (t0, t1) = match times {
            Some(t) => idx
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &i| {
                    (a.min(t[i]), b.max(t[i]))
                }),
            None => (f64::NAN, f64::NAN),
        };
        out.push(ClusterSummary {
            label,
            n,
            centroid_lat: idx.iter().map(|&i| lat[i]).sum::<f64>() / n as f64,
            centroid_lon: idx.iter().map(|&i| lon[i]).sum::<f64>() / n as f64,
            hull: hull_ring,
            area_m2: area,
            density_per_km2: if area > 0.0 {
                n as f64 / (area / 1e6)
            } else {
                f64::NAN
            },
            first_time: t0,
            last_time: t1,
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

//! WGS84 latitude/longitude → British National Grid (EPSG:27700) eastings/northings.
//!
//! Method (Ordnance Survey, *A guide to coordinate systems in Great Britain*, v3.6, §6.6 and
//! Annex C): geodetic → Cartesian on the GRS80/WGS84 ellipsoid; the OS 7-parameter Helmert
//! transformation ETRS89 → OSGB36 (tx −446.448 m, ty +125.157 m, tz −542.060 m, scale
//! +20.4894 ppm, rx −0.1502″, ry −0.2470″, rz −0.8421″); Cartesian → geodetic on the Airy 1830
//! ellipsoid; then the OS Transverse Mercator projection (F₀ 0.9996012717, origin 49°N 2°W,
//! false origin E 400 000 m, N −100 000 m). **Accuracy**: the TM step is exact to the millimetre
//! (OS worked example); the Helmert step is the OS's approximate transformation, good to about
//! 3–5 m across Great Britain (OSTN15, the definitive grid-based transformation, is not used) —
//! ample for hotspot analysis at ≥ 25 m scales. Heights are taken as 0 on the ellipsoid.

use crate::error::{Error, Result};

const WGS84_A: f64 = 6_378_137.0;
const WGS84_F: f64 = 1.0 / 298.257_223_563;
const AIRY_A: f64 = 6_377_563.396;
const AIRY_B: f64 = 6_356_256.909;
const F0: f64 = 0.999_601_271_7;
const LAT0_DEG: f64 = 49.0;
const LON0_DEG: f64 = -2.0;
const E0: f64 = 400_000.0;
const N0: f64 = -100_000.0;

fn arcsec(v: f64) -> f64 {
    (v / 3600.0).to_radians()
}

/// OSGB36 latitude/longitude (degrees, Airy 1830) → (easting, northing) by the OS Transverse
/// Mercator formulas.
///
/// # Examples
/// ```
/// // OS guide Annex C worked example: 52°39'27.2531"N 1°43'4.5177"E -> E 651409.903, N 313177.270
/// let (e, n) = saferstats::hotspot::bng::osgb36_to_grid(52.0 + 39.0 / 60.0 + 27.2531 / 3600.0, 1.0 + 43.0 / 60.0 + 4.5177 / 3600.0);
/// assert!((e - 651409.903).abs() < 1e-3 && (n - 313177.270).abs() < 1e-3);
/// ```
pub fn osgb36_to_grid(lat_deg: f64, lon_deg: f64) -> (f64, f64) {
    let (a, b) = (AIRY_A, AIRY_B);
    let phi = lat_deg.to_radians();
    let lam = lon_deg.to_radians();
    let phi0 = LAT0_DEG.to_radians();
    let lam0 = LON0_DEG.to_radians();
    let e2 = 1.0 - (b * b) / (a * a);
    let n = (a - b) / (a + b);
    let (s, c) = phi.sin_cos();
    let nu = a * F0 / (1.0 - e2 * s * s).sqrt();
    let rho = a * F0 * (1.0 - e2) / (1.0 - e2 * s * s).powf(1.5);
    let eta2 = nu / rho - 1.0;
    let dphi = phi - phi0;
    let sphi = phi + phi0;
    let m = b
        * F0
        * ((1.0 + n + 1.25 * n * n + 1.25 * n.powi(3)) * dphi
            - (3.0 * n + 3.0 * n * n + 21.0 / 8.0 * n.powi(3)) * dphi.sin() * sphi.cos()
            + (15.0 / 8.0 * n * n + 15.0 / 8.0 * n.powi(3))
                * (2.0 * dphi).sin()
                * (2.0 * sphi).cos()
            - 35.0 / 24.0 * n.powi(3) * (3.0 * dphi).sin() * (3.0 * sphi).cos());
    let t = phi.tan();
    let i = m + N0;
    let ii = nu / 2.0 * s * c;
    let iii = nu / 24.0 * s * c.powi(3) * (5.0 - t * t + 9.0 * eta2);
    let iiia = nu / 720.0 * s * c.powi(5) * (61.0 - 58.0 * t * t + t.powi(4));
    let iv = nu * c;
    let v = nu / 6.0 * c.powi(3) * (nu / rho - t * t);
    let vi = nu / 120.0
        * c.powi(5)
        * (5.0 - 18.0 * t * t + t.powi(4) + 14.0 * eta2 - 58.0 * t * t * eta2);
    let dl = lam - lam0;
    let north = i + ii * dl.powi(2) + iii * dl.powi(4) + iiia * dl.powi(6);
    let east = E0 + iv * dl + v * dl.powi(3) + vi * dl.powi(5);
    (east, north)
}

/// WGS84 (ETRS89) latitude/longitude → OSGB36 latitude/longitude by the OS Helmert transformation.
pub fn wgs84_to_osgb36(lat_deg: f64, lon_deg: f64) -> (f64, f64) {
    // geodetic -> Cartesian, WGS84/GRS80
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let (phi, lam) = (lat_deg.to_radians(), lon_deg.to_radians());
    let nu = WGS84_A / (1.0 - e2 * phi.sin().powi(2)).sqrt();
    let x = nu * phi.cos() * lam.cos();
    let y = nu * phi.cos() * lam.sin();
    let z = nu * (1.0 - e2) * phi.sin();
    // Helmert ETRS89 -> OSGB36 (OS guide table 4)
    let (tx, ty, tz) = (-446.448, 125.157, -542.060);
    let s = 20.4894e-6;
    let (rx, ry, rz) = (arcsec(-0.1502), arcsec(-0.2470), arcsec(-0.8421));
    let x2 = tx + (1.0 + s) * x - rz * y + ry * z;
    let y2 = ty + rz * x + (1.0 + s) * y - rx * z;
    let z2 = tz - ry * x + rx * y + (1.0 + s) * z;
    // Cartesian -> geodetic, Airy 1830 (iterate latitude)
    let ea2 = 1.0 - (AIRY_B * AIRY_B) / (AIRY_A * AIRY_A);
    let p = (x2 * x2 + y2 * y2).sqrt();
    let mut lat = (z2 / (p * (1.0 - ea2))).atan();
    for _ in 0..10 {
        let nu = AIRY_A / (1.0 - ea2 * lat.sin().powi(2)).sqrt();
        let next = ((z2 + ea2 * nu * lat.sin()) / p).atan();
        if (next - lat).abs() < 1e-14 {
            lat = next;
            break;
        }
        lat = next;
    }
    (lat.to_degrees(), y2.atan2(x2).to_degrees())
}

/// The British National Grid's area of use (EPSG:27700): latitude 49.75–61.01°N, longitude
/// 9.01°W–2.01°E, as [lat min, lat max, lon min, lon max]. Outside it the projection's numbers
/// mean nothing (swapped latitude and longitude give E 7,416,214 m, N −5,549,935 m).
pub const BNG_EXTENT: [f64; 4] = [49.75, 61.01, -9.01, 2.01];

/// Whether (lat, lon) lies in [`BNG_EXTENT`].
pub fn in_bng_extent(lat: f64, lon: f64) -> bool {
    (BNG_EXTENT[0]..=BNG_EXTENT[1]).contains(&lat) && (BNG_EXTENT[2]..=BNG_EXTENT[3]).contains(&lon)
}

/// WGS84 latitude/longitude (degrees) → British National Grid eastings and northings (metres).
///
/// # Errors
/// Length mismatch; coordinates missing or out of range (naming the row); a point outside the
/// grid's area of use [`BNG_EXTENT`] (naming the row, and saying so when latitude and longitude
/// look swapped).
///
/// # Examples
/// ```
/// // Trafalgar Square, London (WGS84) -> about E 530 000, N 180 400
/// let (e, n) = saferstats::hotspot::bng::wgs84_to_bng(&[51.508], &[-0.128]).unwrap();
/// assert!((e[0] - 530_000.0).abs() < 500.0 && (n[0] - 180_400.0).abs() < 500.0);
/// ```
pub fn wgs84_to_bng(lat: &[f64], lon: &[f64]) -> Result<(Vec<f64>, Vec<f64>)> {
    super::index::to_radians_checked(lat, lon)?;
    if lat.is_empty() {
        return Err(Error::argument("lat", "no points"));
    }
    if let Some(i) = (0..lat.len()).find(|&i| !in_bng_extent(lat[i], lon[i])) {
        let hint = if in_bng_extent(lon[i], lat[i]) {
            "; it is inside with latitude and longitude swapped: check the column order (lat, lon)"
        } else {
            ""
        };
        return Err(Error::value(
            "lat",
            i,
            lat[i],
            format!(
                "the point ({}, {}) is outside the British National Grid's area of use \
                 ({}–{}°N, {}–{}°E, EPSG:27700){hint}",
                lat[i], lon[i], BNG_EXTENT[0], BNG_EXTENT[1], BNG_EXTENT[2], BNG_EXTENT[3]
            ),
        ));
    }
    let (e, n): (Vec<f64>, Vec<f64>) = lat
        .iter()
        .zip(lon)
        .map(|(&a, &b)| {
            let (la, lo) = wgs84_to_osgb36(a, b);
            osgb36_to_grid(la, lo)
        })
        .unzip();
    Ok((e, n))
}

/// Latitude/longitude (degrees) → local east/north metres: the equirectangular projection about
/// `origin` (lat, lon), or about the points' centre when `origin` is `None` — the mean latitude
/// and the mean longitude, a circular mean when the longitudes span more than 180° (points either
/// side of the ±180° meridian). x = Δλ·R·cos φ₀, y = Δφ·R (radians, R = [`super::EARTH_RADIUS_M`]),
/// with Δλ taken the shorter way round. Accurate to about 0.1% across a county: for KDE, weights
/// and Knox where the British National Grid does not apply. A point with a missing (NaN)
/// coordinate gives NaN in both outputs.
///
/// # Errors
/// Length mismatch; a coordinate out of range or infinite (naming the row); an `origin` out of
/// range; no point with both coordinates when `origin` is `None`.
///
/// # Examples
/// ```
/// let (x, y) = saferstats::hotspot::bng::to_local_metres(&[51.5, 51.5], &[-0.12, -0.11], None).unwrap();
/// // 0.01° of longitude at 51.5°N: 0.01 · π/180 · 6,371,008.8 · cos 51.5° = 692.2 m
/// assert!((x[1] - x[0] - 692.2).abs() < 0.05 && y[0] == 0.0);
/// ```
pub fn to_local_metres(
    lat: &[f64],
    lon: &[f64],
    origin: Option<(f64, f64)>,
) -> Result<(Vec<f64>, Vec<f64>)> {
    crate::ci::check_lengths(&[("lat", lat.len()), ("lon", lon.len())])?;
    for (name, v, lim) in [("lat", lat, 90.0), ("lon", lon, 180.0)] {
        if let Some(i) = v.iter().position(|a| !a.is_nan() && a.abs() > lim) {
            return Err(Error::value(
                name,
                i,
                v[i],
                format!("outside [-{lim}, {lim}] degrees"),
            ));
        }
    }
    let ok: Vec<usize> = (0..lat.len())
        .filter(|&i| !lat[i].is_nan() && !lon[i].is_nan())
        .collect();
    let (lat0, lon0) = match origin {
        Some((a, b)) => {
            if !(a.abs() <= 90.0 && b.abs() <= 180.0) {
                return Err(Error::argument(
                    "origin",
                    format!("({a}, {b}) is not a (lat, lon) in degrees"),
                ));
            }
            (a, b)
        }
        None => {
            if ok.is_empty() {
                return Err(Error::argument(
                    "lat",
                    "every point has a missing coordinate",
                ));
            }
            let n = ok.len() as f64;
            let lat0 = ok.iter().map(|&i| lat[i]).sum::<f64>() / n;
            let (lo, hi) = ok
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &i| {
                    (a.min(lon[i]), b.max(lon[i]))
                });
            let lon0 = if hi - lo > 180.0 {
                let (s, c) = ok.iter().fold((0.0, 0.0), |(s, c), &i| {
                    let r = lon[i].to_radians();
                    (s + r.sin(), c + r.cos())
                });
                (s / n).atan2(c / n).to_degrees()
            } else {
                ok.iter().map(|&i| lon[i]).sum::<f64>() / n
            };
            (lat0, lon0)
        }
    };
    let k = std::f64::consts::PI / 180.0 * super::EARTH_RADIUS_M;
    let kx = k * lat0.to_radians().cos();
    Ok(lat
        .iter()
        .zip(lon)
        .map(|(&a, &b)| {
            if a.is_nan() || b.is_nan() {
                return (f64::NAN, f64::NAN);
            }
            let dlon = (b - lon0 + 180.0).rem_euclid(360.0) - 180.0;
            (dlon * kx, (a - lat0) * k)
        })
        .unzip())
}

//! Prospective hotspotting (Bowers, Johnson & Pease 2004; open_cp `prohotspot`, the classic
//! grid algorithm): each past event raises the risk of nearby cells for the coming weeks
//! (docs/methods/hotspot_intelligence.md).

use serde::Serialize;

use super::grid::{Grid, Shape};
use crate::error::{Error, Result};

choice! {
    /// Grid distance between cells.
    #[derive(Default)]
    pub enum CellDistance("distance", "distance") {
        /// max(|Δcol|, |Δrow|): diagonal neighbours at distance 1 (open_cp
        /// `DistanceDiagonalsSame`; default).
        #[default]
        Chebyshev = "chebyshev" | "diagonals_same",
        /// |Δcol| + |Δrow| (open_cp `DistanceDiagonalsDifferent`).
        Manhattan = "manhattan" | "diagonals_different",
    }
}

/// Options of [`prospective`] (open_cp `ClassicWeight` defaults).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProspectiveOptions {
    /// Cells at grid distance ≥ this get no weight (8 = 400 m with 50 m cells).
    pub space_bandwidth: f64,
    /// Events ≥ this many time units old get no weight (8 weeks).
    pub time_bandwidth: f64,
    /// Length of the time unit in the units of `t` (7 days).
    pub time_unit: f64,
    /// Grid distance.
    pub distance: CellDistance,
}

impl Default for ProspectiveOptions {
    fn default() -> Self {
        ProspectiveOptions {
            space_bandwidth: 8.0,
            time_bandwidth: 8.0,
            time_unit: 7.0,
            distance: CellDistance::default(),
        }
    }
}

/// Prospective risk of every cell of a square grid at `predict_time`.
///
/// Method (open_cp `ProspectiveHotSpot`): events after `cutoff_time` are ignored; an event's age
/// is ⌊(predict_time − t)/time_unit⌋ whole units and its cell distance d is counted in cells
/// between the event's cell and the cell; its weight is 1/((1 + d)(1 + age)) when d <
/// space_bandwidth and age < time_bandwidth, else 0; a cell's risk is the sum over events.
///
/// # Errors
/// A hexagonal grid; length mismatch; non-finite coordinates or times; cutoff after the
/// prediction time; bandwidths or time unit ≤ 0.
///
/// # Examples
/// ```
/// use saferstats::hotspot::{grid::{Grid, Shape}, prospective::*};
/// // open_cp tests/prohotspot_test.py: one event at (50, 50) on a 3 x 3 grid of 50 m cells
/// let g = Grid { shape: Shape::Square, x0: 0.0, y0: 0.0, cell: 50.0, ncols: 3, nrows: 3 };
/// let r = prospective(&g, &[50.0], &[50.0], &[0.0], 1.0, 1.0, &ProspectiveOptions::default()).unwrap();
/// assert_eq!(r, vec![0.5, 0.5, 0.5, 0.5, 1.0, 0.5, 0.5, 0.5, 0.5]);
/// ```
pub fn prospective(
    grid: &Grid,
    x: &[f64],
    y: &[f64],
    t: &[f64],
    cutoff_time: f64,
    predict_time: f64,
    opt: &ProspectiveOptions,
) -> Result<Vec<f64>> {
    if grid.shape != Shape::Square {
        return Err(Error::argument(
            "grid_type",
            "prospective hotspotting is defined on square cells",
        ));
    }
    crate::ci::check_lengths(&[("x", x.len()), ("y", y.len()), ("t", t.len())])?;
    for (name, v) in [("x", x), ("y", y), ("t", t)] {
        if let Some(i) = v.iter().position(|c| !c.is_finite()) {
            return Err(Error::value(name, i, v[i], "must be finite"));
        }
    }
    for (name, v) in [
        ("space_bandwidth", opt.space_bandwidth),
        ("time_bandwidth", opt.time_bandwidth),
        ("time_unit", opt.time_unit),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::argument(name, format!("must be > 0, got {v}")));
        }
    }
    if !(cutoff_time.is_finite() && predict_time.is_finite()) || cutoff_time > predict_time {
        return Err(Error::argument(
            "cutoff_time",
            "the data cut-off must be at or before the prediction time",
        ));
    }
    let (nc, nr) = (grid.ncols as i64, grid.nrows as i64);
    let reach = opt.space_bandwidth.ceil() as i64;
    let mut out = vec![0.0; grid.len()];
    for i in 0..x.len() {
        if t[i] > cutoff_time {
            continue;
        }
        let age = ((predict_time - t[i]) / opt.time_unit).floor();
        if age >= opt.time_bandwidth {
            continue;
        }
        let ex = ((x[i] - grid.x0) / grid.cell).floor();
        let ey = ((y[i] - grid.y0) / grid.cell).floor();
        if !(ex.abs() < 1e15 && ey.abs() < 1e15) {
            continue;
        }
        let (ex, ey) = (ex as i64, ey as i64);
        let tw = 1.0 / (1.0 + age);
        for r in (ey - reach).max(0)..=(ey + reach).min(nr - 1) {
            for c in (ex - reach).max(0)..=(ex + reach).min(nc - 1) {
                let (dx, dy) = ((c - ex).abs(), (r - ey).abs());
                let d = match opt.distance {
                    CellDistance::Chebyshev => dx.max(dy),
                    CellDistance::Manhattan => dx + dy,
                } as f64;
                if d < opt.space_bandwidth {
                    out[(r * nc + c) as usize] += tw / (1.0 + d);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g3() -> Grid {
        Grid {
            shape: Shape::Square,
            x0: 0.0,
            y0: 0.0,
            cell: 50.0,
            ncols: 3,
            nrows: 3,
        }
    }

    #[test]
    fn open_cp_prohotspot_tests() {
        // QuantCrimAtLeeds/PredictCode tests/prohotspot_test.py (times in days; event 1 March)
        let o = ProspectiveOptions::default();
        let base = [0.5, 0.5, 0.5, 0.5, 1.0, 0.5, 0.5, 0.5, 0.5];
        // test_ProspectiveHotSpot_uses_predict_time: predict 7, 8, 14, 15 March
        for (day, f) in [(7.0, 1.0), (8.0, 0.5), (14.0, 0.5), (15.0, 1.0 / 3.0)] {
            let r = prospective(&g3(), &[50.0], &[50.0], &[1.0], 2.0, day, &o).unwrap();
            for (a, b) in r.iter().zip(base) {
                assert!((a - b * f).abs() < 1e-12, "day {day}");
            }
        }
        // test_ProspectiveHotSpot_filters_by_time: cut-off 1 February
        let r = prospective(&g3(), &[50.0], &[50.0], &[1.0], -28.0, 9.0, &o).unwrap();
        assert!(r.iter().all(|&v| v == 0.0));
        // test_ProspectiveHotSpot_additive: events at (49, 49) and (101, 101); rows south first
        let r = prospective(
            &g3(),
            &[49.0, 101.0],
            &[49.0, 101.0],
            &[1.0, 1.0],
            2.0,
            2.0,
            &o,
        )
        .unwrap();
        let e1 = [
            1.0,
            0.5,
            1.0 / 3.0,
            0.5,
            0.5,
            1.0 / 3.0,
            1.0 / 3.0,
            1.0 / 3.0,
            1.0 / 3.0,
        ];
        let e2 = [
            1.0 / 3.0,
            1.0 / 3.0,
            1.0 / 3.0,
            1.0 / 3.0,
            0.5,
            0.5,
            1.0 / 3.0,
            0.5,
            1.0,
        ];
        for k in 0..9 {
            assert!((r[k] - e1[k] - e2[k]).abs() < 1e-12);
        }
    }

    #[test]
    fn classic_weight_and_distances() {
        // test_ClassicWeight with time_bandwidth 5: weight(5, 0) = 0, weight(1, 2) = 1/6
        let o = ProspectiveOptions {
            time_bandwidth: 5.0,
            time_unit: 1.0,
            distance: CellDistance::Manhattan,
            ..Default::default()
        };
        let g = Grid {
            ncols: 5,
            nrows: 1,
            ..g3()
        };
        let r = prospective(&g, &[10.0], &[10.0], &[0.0], 1.0, 1.5, &o).unwrap();
        assert!((r[2] - 1.0 / 6.0).abs() < 1e-12);
        let r = prospective(&g, &[10.0], &[10.0], &[0.0], 5.0, 5.0, &o).unwrap();
        assert!(r.iter().all(|&v| v == 0.0));
        assert!(prospective(&g, &[1.0], &[1.0], &[0.0], 2.0, 1.0, &o).is_err());
    }
}

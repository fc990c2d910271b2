//! Scoring a hotspot map against later events: hit rate, PAI, PEI and RRI by cumulative top-k
//! cells (ptools `pai`, Chainey 2008, Hunt 2016, Wheeler & Steenbeek 2021), and concentration:
//! the Lorenz curve and the Gini coefficient with the Bernasco & Steenbeek (2017) generalisation
//! for fewer events than places (docs/methods/hotspot_intelligence.md).

use serde::Serialize;

use crate::error::{Error, MissingAdvice, Result};

/// One row per cumulative top-k cell, cells in descending predicted density.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct PaiTable {
    /// Original cell index of the k-th row.
    pub cell: Vec<usize>,
    /// Observed events in the cell.
    pub observed: Vec<f64>,
    /// Cumulative observed events.
    pub cum_observed: Vec<f64>,
    /// Prediction of the cell.
    pub predicted: Vec<f64>,
    /// Cumulative prediction.
    pub cum_predicted: Vec<f64>,
    /// Area of the cell.
    pub area: Vec<f64>,
    /// Cumulative area.
    pub cum_area: Vec<f64>,
    /// Share of the total area covered (`PCumArea`).
    pub coverage: Vec<f64>,
    /// Share of the events captured (`PCumCount`).
    pub hit_rate: Vec<f64>,
    /// hit_rate / coverage.
    pub pai: Vec<f64>,
    /// PAI / the best PAI with the same area (cells in descending observed density).
    pub pei: Vec<f64>,
    /// cum_predicted / cum_observed (NaN or ∞ where no events were captured yet, as ptools).
    pub rri: Vec<f64>,
}

fn check_nonneg(name: &str, v: &[f64]) -> Result<()> {
    if let Some(i) = v.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
        return Err(if v[i].is_nan() {
            Error::missing(name, i, MissingAdvice::None)
        } else {
            Error::value(name, i, v[i], "must be a finite number >= 0")
        });
    }
    Ok(())
}

/// Hit rate, PAI, PEI and RRI for every cumulative top-k cell.
///
/// Method (ptools `pai`): cells sorted by predicted density `predicted/area`, descending (ties:
/// fewer observed events first — the smallest PAI the tie allows, as ptools); hit rate = Σ
/// observed in the top k / Σ observed; coverage = Σ area in the top k / Σ area; PAI = hit
/// rate / coverage; PEI = PAI / the PAI of the cells sorted by observed density (an oracle) at
/// the same k; RRI = Σ predicted / Σ observed in the top k.
///
/// # Errors
/// Empty input or length mismatch (a prediction on another grid); negative, missing or
/// non-finite values; area ≤ 0; no observed events at all.
///
/// # Examples
/// ```
/// // ptools tests/testthat/test-pai.R: PAI 2, 1.5, 1; PEI 1
/// let t = saferstats::hotspot::evaluate::pai(&[6., 3., 0.], &[3., 2., 1.], None).unwrap();
/// assert_eq!(t.pai, vec![2.0, 1.5, 1.0]);
/// assert_eq!(t.pei, vec![1.0, 1.0, 1.0]);
/// ```
pub fn pai(observed: &[f64], predicted: &[f64], area: Option<&[f64]>) -> Result<PaiTable> {
    let n = observed.len();
    if n == 0 {
        return Err(Error::argument("observed", "no cells to evaluate"));
    }
    crate::ci::check_lengths(&[("observed", n), ("predicted", predicted.len())])?;
    check_nonneg("observed", observed)?;
    check_nonneg("predicted", predicted)?;
    let ones;
    let area = match area {
        Some(a) => {
            crate::ci::check_lengths(&[("observed", n), ("area", a.len())])?;
            if let Some(i) = a.iter().position(|x| !(x.is_finite() && *x > 0.0)) {
                return Err(Error::value("area", i, a[i], "cell areas must be > 0"));
            }
            a
        }
        None => {
            ones = vec![1.0; n];
            &ones[..]
        }
    };
    let total_obs: f64 = observed.iter().sum();
    if total_obs.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(Error::argument(
            "observed",
            "no observed events: hit rate and PAI are undefined",
        ));
    }
    let total_area: f64 = area.iter().sum();
    let mut order: Vec<usize> = (0..n).collect();
    let dens = |i: usize| predicted[i] / area[i];
    order.sort_by(|&a, &b| {
        dens(b)
            .total_cmp(&dens(a))
            .then(observed[a].total_cmp(&observed[b]))
            .then(a.cmp(&b))
    });
    // the oracle: cells by observed density
    let mut best: Vec<usize> = (0..n).collect();
    best.sort_by(|&a, &b| {
        (observed[b] / area[b])
            .total_cmp(&(observed[a] / area[a]))
            .then(a.cmp(&b))
    });
    let mut t = PaiTable::default();
    let (mut co, mut cp, mut ca, mut bo, mut ba) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (k, &i) in order.iter().enumerate() {
        co += observed[i];
        cp += predicted[i];
        ca += area[i];
        let j = best[k];
        bo += observed[j];
        ba += area[j];
        let hit = co / total_obs;
        let cov = ca / total_area;
        let p = hit / cov;
        let perfect = (bo / total_obs) / (ba / total_area);
        t.cell.push(i);
        t.observed.push(observed[i]);
        t.cum_observed.push(co);
        t.predicted.push(predicted[i]);
        t.cum_predicted.push(cp);
        t.area.push(area[i]);
        t.cum_area.push(ca);
        t.coverage.push(cov);
        t.hit_rate.push(hit);
        t.pai.push(p);
        t.pei.push(p / perfect);
        t.rri.push(cp / co);
    }
    Ok(t)
}

/// Concentration of events over places.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concentration {
    /// Lorenz curve x: cumulative share of places (0, 1/n, …, 1), places from fewest events up.
    pub share_places: Vec<f64>,
    /// Lorenz curve y: cumulative share of events.
    pub share_events: Vec<f64>,
    /// Gini coefficient (0 all places equal, → 1 all events in one place).
    pub gini: f64,
    /// Bernasco & Steenbeek (2017) generalised Gini: when events N < places n, the most equal
    /// possible spread puts one event in each of N places, so the Gini is rescaled to that
    /// bound: G′ = (n/N)·G − (n − N)/N; equal to `gini` when N ≥ n. NaN when N < n and a
    /// count is not a whole number: the bound G ≥ 1 − N/n holds for event counts only, and
    /// rates or weights would rescale below 0 (`[0.5, 0.5]` would give −1).
    pub gini_generalized: f64,
    /// Total events N.
    pub events: f64,
    /// Places n.
    pub places: usize,
}

/// Lorenz curve and Gini of event counts over places.
///
/// Method: counts sorted ascending; Lorenz points (k/n, Σ₁ᵏ x₍ᵢ₎/N); G = 2 Σ i·x₍ᵢ₎/(n N) −
/// (n + 1)/n (the sample Gini, R `ineq::Gini`); generalised Gini of Bernasco & Steenbeek (2017)
/// for N < n as in [`Concentration::gini_generalized`].
///
/// # Errors
/// Empty input; negative, missing or non-finite counts; no events at all.
///
/// # Examples
/// ```
/// let c = saferstats::hotspot::evaluate::concentration(&[0., 0., 0., 2.]).unwrap();
/// assert!((c.gini - 0.75).abs() < 1e-12);
/// // 2 events over 4 places: the most even spread (one event in each of 2 places) has Gini 0.5
/// // and generalised Gini 0; both events in one place: Gini 0.75, generalised 0.5
/// assert!((c.gini_generalized - 0.5).abs() < 1e-12);
/// // half an event in each of two places is not a count: no generalised Gini (it would be −1)
/// let w = saferstats::hotspot::evaluate::concentration(&[0.5, 0.5]).unwrap();
/// assert!(w.gini == 0.0 && w.gini_generalized.is_nan());
/// ```
pub fn concentration(counts: &[f64]) -> Result<Concentration> {
    let n = counts.len();
    if n == 0 {
        return Err(Error::argument("counts", "no places"));
    }
    check_nonneg("counts", counts)?;
    let total: f64 = counts.iter().sum();
    if total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(Error::argument(
            "counts",
            "no events: concentration is undefined",
        ));
    }
    let mut x = counts.to_vec();
    x.sort_by(f64::total_cmp);
    let nf = n as f64;
    let mut share_places = Vec::with_capacity(n + 1);
    let mut share_events = Vec::with_capacity(n + 1);
    share_places.push(0.0);
    share_events.push(0.0);
    let (mut cum, mut weighted) = (0.0, 0.0);
    for (i, v) in x.iter().enumerate() {
        cum += v;
        weighted += (i as f64 + 1.0) * v;
        share_places.push((i as f64 + 1.0) / nf);
        share_events.push(cum / total);
    }
    let gini = 2.0 * weighted / (nf * total) - (nf + 1.0) / nf;
    let gini_generalized = if total < nf && x.iter().any(|v| v.fract() != 0.0) {
        f64::NAN
    } else if total < nf {
        (nf / total) * gini - (nf - total) / total
    } else {
        gini
    };
    Ok(Concentration {
        share_places,
        share_events,
        gini,
        gini_generalized,
        events: total,
        places: n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ptools_test_pai() {
        // ptools tests/testthat/test-pai.R (apwheele/ptools 452197a)
        let t = pai(&[6., 3., 0.], &[3., 2., 1.], None).unwrap();
        assert_eq!(t.pai, vec![2.0, 1.5, 1.0]);
        assert_eq!(t.pei, vec![1.0, 1.0, 1.0]);
        assert_eq!(t.rri, vec![3.0 / 6.0, 5.0 / 9.0, 6.0 / 9.0]);
    }

    #[test]
    fn open_cp_hit_rates() {
        // open_cp tests/evaluation_test.py test_hit_rate: 8 cells with predictions 1..8 and
        // one event in each; 50% coverage -> 0.5, 49% (3 cells) -> 3/8, 100% -> 1
        let t = pai(&[1.0; 8], &[1., 2., 3., 4., 5., 6., 7., 8.], None).unwrap();
        assert_eq!(t.cell[..3], [7, 6, 5]);
        assert!((t.hit_rate[3] - 0.5).abs() < 1e-12);
        assert!((t.hit_rate[2] - 3.0 / 8.0).abs() < 1e-12);
        assert!((t.hit_rate[7] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bad_input() {
        assert!(pai(&[], &[], None).is_err());
        assert!(pai(&[1., 2.], &[1.], None).is_err());
        assert!(pai(&[0., 0.], &[1., 2.], None).is_err());
        assert!(pai(&[1., 2.], &[1., 2.], Some(&[1., 0.])).is_err());
        assert!(pai(&[1., -2.], &[1., 2.], None).is_err());
        assert!(concentration(&[0., 0.]).is_err());
        assert!(concentration(&[f64::NAN, 1.]).is_err());
    }
}

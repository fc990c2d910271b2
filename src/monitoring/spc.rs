//! Statistical process control (SPC) charts with the NHS "Making Data Count" special-cause rules.
//!
//! # Method
//! Limits are computed per series and per *segment* (a series is split into segments at rebase
//! points), from the first `fix_after` points of the segment when that option is set:
//!
//! * **XmR** (individuals; NHSRplotthedots `ptd_spc`): centre line `mean` = mean of the values;
//!   moving ranges `|y_i − y_{i−1}|`, their mean AMR, moving ranges `≥ 3.267 × AMR` screened out
//!   and AMR recomputed (`screen_outliers`); process limits `mean ± 2.66 × AMR` (3σ with σ =
//!   AMR / 1.128) and 2σ lines `mean ± (2/3) × 2.66 × AMR`.
//! * **c** (counts): `c̄ ± 3√c̄`; **u** (rates `x/n`): `ū ± 3√(ū/n_i)`; **p** (proportions):
//!   `p̄ ± 3√(p̄(1 − p̄)/n_i)`, with `ū, p̄ = Σx / Σn`; limits clipped at 0 (and 1 for p).
//!   Laney's p′/u′ (`laney`) multiply σ_i by σ_z = mean moving range of the z-scores / 1.128.
//!
//! Special-cause rules (Making Data Count; the same order of precedence as NHSRplotthedots):
//! 1. a point outside the process limits;
//! 2. a **trend**: `trend_points` (default 7) or more consecutive points each strictly higher
//!    (or lower) than the one before — every point of the run is flagged; equal neighbours break
//!    a run; a point at the turn of two runs takes the direction of the later run;
//! 3. **two of three**: in any three consecutive points, two or more beyond the same 2σ line (on
//!    or beyond the process limit counts) — those points are flagged. NHSRplotthedots (2024)
//!    counts only points between the 2σ line and the limit and also asks the third point to be
//!    on the same side of the mean; its open issues call both departures from the published rule,
//!    so the published rule is followed here;
//! 4. a **shift**: `shift_points` (default 7) or more consecutive points on the same side of the
//!    mean (a point on the mean breaks the run).
//!
//! Each point gets the first rule it meets and a point type (special cause improvement / concern,
//! or neutral high / low when there is no improvement direction; otherwise common cause). Per
//! series, *variation* is the point type of the last point and *assurance* compares a target
//! with the last point's limits: a target beyond the limits on the improvement side is
//! `consistent_fail`, on the other side `consistent_pass`, between them `inconsistent`.
//!
//! Fewer than 12 points in a segment's limit calculation gives *trial limits* (flagged per row).
//!
//! # Reference
//! NHS England / Improvement, *Making Data Count* (2019, 2021); NHSRplotthedots 0.2 (R);
//! Laney (2002) *Improved control charts for attributes*, Quality Engineering 14(4).
//!
//! # Complexity
//! O(n) time and memory; series run in parallel.

use crate::cancel::Cancel;
use crate::error::{Error, MissingAdvice, Result};
use crate::trend::Groups;

/// XmR limit constant: 3 / d2 with d2 = 1.128 (NHSRplotthedots uses 2.66).
pub const XMR_LIMIT: f64 = 2.66;
/// Moving ranges at or above this multiple of the average moving range are screened out.
pub const MR_SCREEN: f64 = 3.267;
/// Segments with fewer points than this have trial limits.
pub const TRIAL_BELOW: usize = 12;

choice! {
    /// Which way is better.
    pub enum Improvement("improvement", "improvement direction") {
        /// Higher values are better.
        Increase = "increase",
        /// Lower values are better.
        Decrease = "decrease",
        /// No direction: special causes are "neutral".
        Neutral = "neutral",
    }
}

choice! {
    /// The kind of chart.
    pub enum Chart("chart", "chart") {
        /// Individuals (XmR) chart.
        Xmr = "xmr",
        /// c-chart for counts (Poisson).
        C = "c",
        /// u-chart for rates x/n (Poisson).
        U = "u",
        /// p-chart for proportions x/n (binomial).
        P = "p",
    }
}

coded_enum! {
    /// The special-cause rule a point meets first (or common cause).
    pub enum SpecialCause in "monitoring::spc" {
        /// No rule met.
        CommonCause = 0 => "common cause",
        /// Above the upper process limit.
        AboveLimit = 1 => "above upper limit",
        /// Below the lower process limit.
        BelowLimit = 2 => "below lower limit",
        /// Part of an increasing trend.
        TrendUp = 3 => "increasing trend",
        /// Part of a decreasing trend.
        TrendDown = 4 => "decreasing trend",
        /// Two of three beyond the upper 2σ line.
        TwoInThreeHigh = 5 => "two of three high",
        /// Two of three beyond the lower 2σ line.
        TwoInThreeLow = 6 => "two of three low",
        /// Part of a run above the mean.
        ShiftAbove = 7 => "shift above mean",
        /// Part of a run below the mean.
        ShiftBelow = 8 => "shift below mean",
    }
}

impl SpecialCause {
    /// +1 for high/increasing, −1 for low/decreasing, 0 for common cause.
    pub fn direction(self) -> i8 {
        match self {
            SpecialCause::CommonCause => 0,
            SpecialCause::AboveLimit
            | SpecialCause::TrendUp
            | SpecialCause::TwoInThreeHigh
            | SpecialCause::ShiftAbove => 1,
            _ => -1,
        }
    }
}

coded_enum! {
    /// NHSRplotthedots' point types (also the per-series variation classification).
    pub enum PointType in "monitoring::spc" {
        /// No special cause.
        CommonCause = 0 => "common_cause",
        /// Special cause in the improvement direction.
        Improvement = 1 => "special_cause_improvement",
        /// Special cause against the improvement direction.
        Concern = 2 => "special_cause_concern",
        /// Special cause, high, with no improvement direction.
        NeutralHigh = 3 => "special_cause_neutral_high",
        /// Special cause, low, with no improvement direction.
        NeutralLow = 4 => "special_cause_neutral_low",
    }
}

coded_enum! {
    /// Assurance: will the process meet the target?
    pub enum Assurance in "monitoring::spc" {
        /// No target, or no improvement direction.
        NotApplicable = 0 => "",
        /// The limits are all on the passing side of the target.
        ConsistentPass = 1 => "consistent_pass",
        /// The limits are all on the failing side of the target.
        ConsistentFail = 2 => "consistent_fail",
        /// The target lies between the limits.
        Inconsistent = 3 => "inconsistent",
    }
}

/// Options of [`spc`].
#[derive(Debug, Clone, PartialEq)]
pub struct SpcOptions {
    /// Chart type.
    pub chart: Chart,
    /// Which way is better.
    pub improvement: Improvement,
    /// Compute each segment's limits from its first `fix_after` points (at least 2).
    pub fix_after: Option<usize>,
    /// Screen moving ranges ≥ 3.267 × AMR before the XmR limits.
    pub screen_outliers: bool,
    /// Points in a run that make a trend (2..=100).
    pub trend_points: usize,
    /// Points on one side of the mean that make a shift (2..=100).
    pub shift_points: usize,
    /// Laney p′ / u′ adjustment (u and p charts only).
    pub laney: bool,
}

impl Default for SpcOptions {
    fn default() -> Self {
        SpcOptions {
            chart: Chart::Xmr,
            improvement: Improvement::Increase,
            fix_after: None,
            screen_outliers: true,
            trend_points: 7,
            shift_points: 7,
            laney: false,
        }
    }
}

impl SpcOptions {
    /// Check the options.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the option.
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [
            ("trend_points", self.trend_points),
            ("shift_points", self.shift_points),
        ] {
            if !(2..=100).contains(&v) {
                return Err(Error::argument(
                    name,
                    format!("must be a whole number from 2 to 100, got {v}"),
                ));
            }
        }
        if let Some(f) = self.fix_after
            && f < 2
        {
            return Err(Error::argument(
                "fix_after",
                format!("limits need at least 2 points, got {f}"),
            ));
        }
        if self.laney && !matches!(self.chart, Chart::U | Chart::P) {
            return Err(Error::argument(
                "laney",
                "Laney's adjustment applies to u and p charts only",
            ));
        }
        Ok(())
    }
}

/// One row per input point.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpcRows {
    /// The plotted value (the value; x/n for u and p charts).
    pub value: Vec<f64>,
    /// Centre line.
    pub mean: Vec<f64>,
    /// Lower process limit.
    pub lpl: Vec<f64>,
    /// Upper process limit.
    pub upl: Vec<f64>,
    /// Lower 2σ line.
    pub lower_2sigma: Vec<f64>,
    /// Upper 2σ line.
    pub upper_2sigma: Vec<f64>,
    /// Segment number within the series (0 before the first rebase).
    pub segment: Vec<u32>,
    /// The segment's limits rest on fewer than 12 points.
    pub trial: Vec<bool>,
    /// Outside the process limits.
    pub outside_limits: Vec<bool>,
    /// Part of a trend.
    pub trend: Vec<bool>,
    /// Two of three beyond 2σ.
    pub two_in_three: Vec<bool>,
    /// Part of a shift.
    pub shift: Vec<bool>,
    /// First rule met.
    pub special_cause: Vec<SpecialCause>,
    /// Point type.
    pub point_type: Vec<PointType>,
}

impl SpcRows {
    fn with_capacity(n: usize) -> Self {
        SpcRows {
            value: Vec::with_capacity(n),
            mean: Vec::with_capacity(n),
            lpl: Vec::with_capacity(n),
            upl: Vec::with_capacity(n),
            lower_2sigma: Vec::with_capacity(n),
            upper_2sigma: Vec::with_capacity(n),
            segment: Vec::with_capacity(n),
            trial: Vec::with_capacity(n),
            outside_limits: Vec::with_capacity(n),
            trend: Vec::with_capacity(n),
            two_in_three: Vec::with_capacity(n),
            shift: Vec::with_capacity(n),
            special_cause: Vec::with_capacity(n),
            point_type: Vec::with_capacity(n),
        }
    }

    fn append(&mut self, mut o: SpcRows) {
        self.value.append(&mut o.value);
        self.mean.append(&mut o.mean);
        self.lpl.append(&mut o.lpl);
        self.upl.append(&mut o.upl);
        self.lower_2sigma.append(&mut o.lower_2sigma);
        self.upper_2sigma.append(&mut o.upper_2sigma);
        self.segment.append(&mut o.segment);
        self.trial.append(&mut o.trial);
        self.outside_limits.append(&mut o.outside_limits);
        self.trend.append(&mut o.trend);
        self.two_in_three.append(&mut o.two_in_three);
        self.shift.append(&mut o.shift);
        self.special_cause.append(&mut o.special_cause);
        self.point_type.append(&mut o.point_type);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.value.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }
}

/// Per-series summary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpcSeries {
    /// Points in the series.
    pub n: usize,
    /// Segments (1 + rebases).
    pub segments: usize,
    /// Some segment has trial limits.
    pub trial: bool,
    /// Variation: the point type of the last point.
    pub variation: PointType,
    /// Assurance against the series' target.
    pub assurance: Assurance,
}

/// The result of [`spc`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spc {
    /// One row per input point, in input order.
    pub rows: SpcRows,
    /// One entry per series.
    pub series: Vec<SpcSeries>,
}

/// SPC chart values, rules and classifications for one or many series.
///
/// * `values` — the values in period order, series stored one after another (counts for c, u
///   and p charts);
/// * `denominators` — required for u and p charts (one per value), ignored otherwise;
/// * `series_starts` — the first row of each series (starting with 0, increasing);
/// * `rebase` — `true` at a row that starts a new segment (empty = no rebasing);
/// * `targets` — one per series (NaN = no target) or empty.
///
/// # Errors
/// [`Error::MissingValue`] for a NaN value; [`Error::InvalidValue`] for an infinite value, a
/// negative count (c/u/p), a denominator ≤ 0, a count above its denominator (p) or a segment
/// with fewer than 2 points (named by its first row); [`Error::InvalidArgument`] for bad options
/// or series starts; [`Error::Interrupted`] when `cancel` is set.
///
/// # Examples
/// ```
/// use saferstats::monitoring::spc::{spc, SpcOptions, SpecialCause};
/// let y = [10.0, 11.0, 9.0, 10.0, 12.0, 10.0, 11.0, 9.0, 10.0, 11.0, 10.0, 30.0];
/// let out = spc(&y, None, &[0], &[], &[], &SpcOptions::default(), &saferstats::cancel::NEVER).unwrap();
/// assert_eq!(out.rows.special_cause[11], SpecialCause::AboveLimit);
/// assert!((out.rows.mean[0] - 143.0 / 12.0).abs() < 1e-12);
/// ```
pub fn spc(
    values: &[f64],
    denominators: Option<&[f64]>,
    series_starts: &[usize],
    rebase: &[bool],
    targets: &[f64],
    opts: &SpcOptions,
    cancel: &Cancel,
) -> Result<Spc> {
    opts.validate()?;
    let n = values.len();
    let needs_den = matches!(opts.chart, Chart::U | Chart::P);
    let den = match (needs_den, denominators) {
        (true, None) => {
            return Err(Error::argument(
                "denominators",
                format!("a {} chart needs denominators", opts.chart.name()),
            ))
        }
        (true, Some(d)) => {
            crate::ci::check_lengths(&[("values", n), ("denominators", d.len())])?;
            Some(d)
        }
        (false, _) => None,
    };
    if !rebase.is_empty() {
        crate::ci::check_lengths(&[("values", n), ("rebase", rebase.len())])?;
    }
    if n == 0 {
        return Ok(Spc::default());
    }
    if series_starts.first() != Some(&0) || series_starts.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::argument(
            "series_starts",
            "must start at 0 and increase",
        ));
    }
    if series_starts.last().is_some_and(|&s| s >= n) {
        return Err(Error::argument(
            "series_starts",
            "a series starts past the end",
        ));
    }
    if !targets.is_empty() && targets.len() != series_starts.len() {
        return Err(Error::argument(
            "target",
            format!(
                "{} targets for {} series",
                targets.len(),
                series_starts.len()
            ),
        ));
    }
    if let Some(t) = targets.iter().find(|t| t.is_infinite()) {
        return Err(Error::argument(
            "target",
            format!("must be finite, got {t}"),
        ));
    }
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            return Err(Error::missing("values", i, MissingAdvice::None));
        }
        if v.is_infinite() {
            return Err(Error::value("values", i, v, "not finite"));
        }
        if opts.chart != Chart::Xmr && v < 0.0 {
            return Err(Error::value("values", i, v, "a count cannot be negative"));
        }
        if let Some(d) = den {
            let di = d[i];
            if di.is_nan() {
                return Err(Error::missing("denominators", i, MissingAdvice::None));
            }
            if !(di > 0.0 && di.is_finite()) {
                return Err(Error::value(
                    "denominators",
                    i,
                    di,
                    "a denominator must be positive and finite",
                ));
            }
            if opts.chart == Chart::P && v > di {
                return Err(Error::value(
                    "values",
                    i,
                    v,
                    "a p chart count cannot exceed its denominator",
                ));
            }
        }
    }
    let offsets: Vec<usize> = series_starts.iter().copied().chain([n]).collect();
    let groups = Groups::from_offsets(&offsets, n)?;
    let parts = groups.par_map_indexed(|k, r| {
        cancel.check()?;
        let target = targets.get(k).copied().unwrap_or(f64::NAN);
        one_series(
            &values[r.clone()],
            den.map(|d| &d[r.clone()]),
            if rebase.is_empty() {
                None
            } else {
                Some(&rebase[r])
            },
            target,
            opts,
        )
    })?;
    let mut rows = SpcRows::with_capacity(n);
    let mut series = Vec::with_capacity(parts.len());
    for (r, s) in parts {
        rows.append(r);
        series.push(s);
    }
    Ok(Spc { rows, series })
}

fn one_series(
    values: &[f64],
    den: Option<&[f64]>,
    rebase: Option<&[bool]>,
    target: f64,
    opts: &SpcOptions,
) -> Result<(SpcRows, SpcSeries)> {
    let n = values.len();
    let mut rows = SpcRows::with_capacity(n);
    let mut starts = vec![0usize];
    if let Some(r) = rebase {
        starts.extend((1..n).filter(|&i| r[i]));
    }
    let mut trial_any = false;
    for (seg, &a) in starts.iter().enumerate() {
        let b = starts.get(seg + 1).copied().unwrap_or(n);
        if b - a < 2 {
            return Err(Error::value(
                "values",
                a,
                values[a],
                "a segment (series or rebase period) needs at least 2 points for limits",
            ));
        }
        let trial = segment(
            &values[a..b],
            den.map(|d| &d[a..b]),
            seg as u32,
            opts,
            &mut rows,
        );
        trial_any |= trial;
    }
    let last = n - 1;
    let variation = rows.point_type[last];
    let assurance = if target.is_nan() || opts.improvement == Improvement::Neutral {
        Assurance::NotApplicable
    } else {
        let inc = opts.improvement == Improvement::Increase;
        if target > rows.upl[last] {
            if inc {
                Assurance::ConsistentFail
            } else {
                Assurance::ConsistentPass
            }
        } else if target < rows.lpl[last] {
            if inc {
                Assurance::ConsistentPass
            } else {
                Assurance::ConsistentFail
            }
        } else {
            Assurance::Inconsistent
        }
    };
    Ok((
        rows,
        SpcSeries {
            n,
            segments: starts.len(),
            trial: trial_any,
            variation,
            assurance,
        },
    ))
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (s, k) = xs.fold((0.0, 0usize), |(s, k), x| (s + x, k + 1));
    if k == 0 {
        f64::NAN
    } else {
        s / k as f64
    }
}

/// Average moving range of `y`, optionally screened.
fn amr(y: &[f64], screen: bool) -> f64 {
    let a = mean(y.windows(2).map(|w| (w[1] - w[0]).abs()));
    if !screen || a == 0.0 || a.is_nan() {
        return a;
    }
    let cut = MR_SCREEN * a;
    mean(
        y.windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .filter(|&m| m < cut),
    )
}

/// Limits and rules of one segment, appended to `rows`; returns whether the limits are trial.
fn segment(
    v: &[f64],
    den: Option<&[f64]>,
    seg: u32,
    opts: &SpcOptions,
    rows: &mut SpcRows,
) -> bool {
    let m = v.len();
    let base = opts.fix_after.map_or(m, |f| f.min(m));
    let y: Vec<f64> = match den {
        Some(d) => v.iter().zip(d).map(|(x, n)| x / n).collect(),
        None => v.to_vec(),
    };
    let start = rows.len();
    let clip_low = opts.chart != Chart::Xmr;
    let clip_high = opts.chart == Chart::P;
    let (centre, sigma): (f64, Vec<f64>) = match opts.chart {
        Chart::Xmr => {
            let c = mean(y[..base].iter().copied());
            let s = amr(&y[..base], opts.screen_outliers) * XMR_LIMIT / 3.0;
            (c, vec![s; m])
        }
        Chart::C => {
            let c = mean(y[..base].iter().copied());
            (c, vec![c.sqrt(); m])
        }
        Chart::U | Chart::P => {
            let d = den.unwrap_or(&[]);
            let sx: f64 = v[..base].iter().sum();
            let sn: f64 = d[..base].iter().sum();
            let c = sx / sn;
            let var = if opts.chart == Chart::U {
                c
            } else {
                c * (1.0 - c)
            };
            let mut s: Vec<f64> = d.iter().map(|n| (var / n).sqrt()).collect();
            if opts.laney {
                let z: Vec<f64> = (0..base)
                    .map(|i| if s[i] > 0.0 { (y[i] - c) / s[i] } else { 0.0 })
                    .collect();
                let sz = amr(&z, false) / 1.128;
                s.iter_mut().for_each(|x| *x *= sz);
            }
            (c, s)
        }
    };
    let trial = base < TRIAL_BELOW;
    for i in 0..m {
        let mut lo = centre - 3.0 * sigma[i];
        let mut hi = centre + 3.0 * sigma[i];
        let mut lo2 = centre - 2.0 * sigma[i];
        let mut hi2 = centre + 2.0 * sigma[i];
        if clip_low {
            lo = lo.max(0.0);
            lo2 = lo2.max(0.0);
        }
        if clip_high {
            hi = hi.min(1.0);
            hi2 = hi2.min(1.0);
        }
        rows.value.push(y[i]);
        rows.mean.push(centre);
        rows.lpl.push(lo);
        rows.upl.push(hi);
        rows.lower_2sigma.push(lo2);
        rows.upper_2sigma.push(hi2);
        rows.segment.push(seg);
        rows.trial.push(trial);
    }
    let lpl = &rows.lpl[start..];
    let upl = &rows.upl[start..];
    let l2 = &rows.lower_2sigma[start..];
    let u2 = &rows.upper_2sigma[start..];
    // rule 1: outside the limits
    let outside: Vec<bool> = (0..m).map(|i| y[i] > upl[i] || y[i] < lpl[i]).collect();
    // rule 2: trends (direction per point, 0 = none)
    let mut trend = vec![0i8; m];
    let mut i = 1;
    while i < m {
        let d = sign(y[i] - y[i - 1]);
        if d == 0 {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < m && sign(y[j + 1] - y[j]) == d {
            j += 1;
        }
        // points i-1 ..= j form a monotone run
        if j + 2 - i >= opts.trend_points {
            for t in &mut trend[i - 1..=j] {
                *t = d;
            }
        }
        i = j + 1;
    }
    // rule 3: two of three beyond the same 2σ line
    let mut two3 = vec![0i8; m];
    let high: Vec<bool> = (0..m).map(|k| y[k] > u2[k]).collect();
    let low: Vec<bool> = (0..m).map(|k| y[k] < l2[k]).collect();
    for w in 0..m.saturating_sub(2) {
        for (side, beyond) in [(1i8, &high), (-1i8, &low)] {
            if beyond[w..w + 3].iter().filter(|&&b| b).count() >= 2 {
                for k in w..w + 3 {
                    if beyond[k] {
                        two3[k] = side;
                    }
                }
            }
        }
    }
    // rule 4: shifts
    let side: Vec<i8> = y.iter().map(|&x| sign(x - centre)).collect();
    let mut shift = vec![0i8; m];
    let mut i = 0;
    while i < m {
        let s = side[i];
        let mut j = i;
        while j + 1 < m && side[j + 1] == s {
            j += 1;
        }
        if s != 0 && j + 1 - i >= opts.shift_points {
            for t in &mut shift[i..=j] {
                *t = s;
            }
        }
        i = j + 1;
    }
    for i in 0..m {
        let cause = if outside[i] {
            if y[i] > upl[i] {
                SpecialCause::AboveLimit
            } else {
                SpecialCause::BelowLimit
            }
        } else if trend[i] != 0 {
            if trend[i] > 0 {
                SpecialCause::TrendUp
            } else {
                SpecialCause::TrendDown
            }
        } else if two3[i] != 0 {
            if two3[i] > 0 {
                SpecialCause::TwoInThreeHigh
            } else {
                SpecialCause::TwoInThreeLow
            }
        } else if shift[i] != 0 {
            if shift[i] > 0 {
                SpecialCause::ShiftAbove
            } else {
                SpecialCause::ShiftBelow
            }
        } else {
            SpecialCause::CommonCause
        };
        rows.outside_limits.push(outside[i]);
        rows.trend.push(trend[i] != 0);
        rows.two_in_three.push(two3[i] != 0);
        rows.shift.push(shift[i] != 0);
        rows.special_cause.push(cause);
        rows.point_type
            .push(point_type(cause.direction(), opts.improvement));
    }
    trial
}

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// The point type of a special cause in direction `d` (+1 high, −1 low, 0 none).
///
/// # Examples
/// ```
/// use saferstats::monitoring::spc::{point_type, Improvement, PointType};
/// assert_eq!(point_type(1, Improvement::Decrease), PointType::Concern);
/// assert_eq!(point_type(-1, Improvement::Neutral), PointType::NeutralLow);
/// ```
pub fn point_type(d: i8, improvement: Improvement) -> PointType {
    match (d, improvement) {
        (0, _) => PointType::CommonCause,
        (d, Improvement::Neutral) => {
            if d > 0 {
                PointType::NeutralHigh
            } else {
                PointType::NeutralLow
            }
        }
        (d, Improvement::Increase) => {
            if d > 0 {
                PointType::Improvement
            } else {
                PointType::Concern
            }
        }
        (d, Improvement::Decrease) => {
            if d > 0 {
                PointType::Concern
            } else {
                PointType::Improvement
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::NEVER;

    fn run(y: &[f64], o: &SpcOptions) -> Spc {
        spc(y, None, &[0], &[], &[], o, &NEVER).unwrap()
    }

    #[test]
    fn trend_of_seven_flags_all_seven() {
        let y = [
            5.0, 5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 5.0, 5.0, 5.0, 5.0,
        ];
        let r = run(&y, &SpcOptions::default()).rows;
        let t: Vec<usize> = (0..y.len()).filter(|&i| r.trend[i]).collect();
        assert_eq!(t, vec![2, 3, 4, 5, 6, 7, 8]);
        let six = run(&y[..8], &SpcOptions::default()).rows;
        assert!(!six.trend.iter().any(|&x| x));
        let o6 = SpcOptions {
            trend_points: 6,
            ..SpcOptions::default()
        };
        assert!(run(&y[..8], &o6).rows.trend[2]);
    }

    #[test]
    fn shift_needs_strict_side_and_length() {
        let mut y = vec![0.0; 4];
        y.extend([1.0; 7]);
        y.extend([-1.0; 7]);
        let r = run(&y, &SpcOptions::default()).rows;
        // mean = 0: the zeros break nothing but are on the mean
        assert!(!r.shift[0] && r.shift[4] && r.shift[17]);
        assert_eq!(r.special_cause[17].direction(), -1);
    }

    #[test]
    fn segments_need_two_points() {
        let y = [1.0, 2.0, 3.0, 4.0];
        let e = spc(
            &y,
            None,
            &[0],
            &[false, false, false, true],
            &[],
            &SpcOptions::default(),
            &NEVER,
        );
        assert!(matches!(e, Err(Error::InvalidValue { index: 3, .. })));
    }
}

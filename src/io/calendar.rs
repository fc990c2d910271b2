//! Calendar arithmetic for the readers: ISO 8601 timestamps to nanoseconds since the Unix epoch
//! (UTC), civil dates to days and back (Howard Hinnant's algorithms), and the calendar month of a
//! timestamp.

use rayon::prelude::*;

/// The missing timestamp (numpy's `NaT`).
pub const NAT: i64 = i64::MIN;

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i64, |a, &d| a * 10 + i64::from(d - b'0')))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Year and month (1-12) of a day count from 1970-01-01 (H. Hinnant's `civil_from_days`).
pub(crate) fn civil_month_from_days(z: i64) -> (i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m)
}

/// Calendar months (UTC) of timestamps in ns since the epoch, as codes into the sorted
/// distinct months, labelled `"YYYY-MM"`; [`NAT`] gets code -1. What pandas gives with
/// `pd.factorize(ts.astype("datetime64[M]"), sort=True)`, without numpy's slow calendar
/// conversion (the `month` column of a million police records).
///
/// # Examples
/// ```
/// use saferstats::csvscan::{month_codes, NAT};
/// // 2020-01-01T00:30Z, 2019-12-31T23:30Z, missing, 2020-01-15
/// let ns = [1_577_838_600_000_000_000, 1_577_835_000_000_000_000, NAT, 1_579_046_400_000_000_000];
/// let (codes, labels) = month_codes(&ns);
/// assert_eq!(labels, ["2019-12", "2020-01"]);
/// assert_eq!(codes, [1, 0, -1, 1]);
/// ```
pub fn month_codes(ns: &[i64]) -> (Vec<i32>, Vec<String>) {
    const NS_PER_DAY: i64 = 86_400_000_000_000;
    let month_of = |t: i64| {
        let (y, m) = civil_month_from_days(t.div_euclid(NS_PER_DAY));
        y * 12 + (m - 1)
    };
    let months: Vec<i64> = ns
        .par_iter()
        .with_min_len(1 << 14)
        .map(|&t| if t == NAT { i64::MIN } else { month_of(t) })
        .collect();
    let present = months.iter().filter(|&&m| m != i64::MIN);
    let (Some(&lo), Some(&hi)) = (present.clone().min(), present.max()) else {
        return (vec![-1; ns.len()], Vec::new());
    };
    // presence over the span of months, then each present month's rank
    let span = usize::try_from(hi - lo + 1).unwrap_or(0);
    let mut rank = vec![-1i32; span];
    for &m in &months {
        if let Some(r) = usize::try_from(m.wrapping_sub(lo))
            .ok()
            .and_then(|i| rank.get_mut(i))
        {
            *r = 0;
        }
    }
    let mut labels = Vec::new();
    for (i, r) in rank.iter_mut().enumerate() {
        if *r == 0 {
            *r = i32::try_from(labels.len()).unwrap_or(i32::MAX);
            let m = lo + i as i64;
            labels.push(format!(
                "{:04}-{:02}",
                m.div_euclid(12),
                m.rem_euclid(12) + 1
            ));
        }
    }
    let codes = months
        .par_iter()
        .with_min_len(1 << 14)
        .map(|&m| {
            usize::try_from(m.wrapping_sub(lo))
                .ok()
                .and_then(|i| rank.get(i))
                .copied()
                .unwrap_or(-1)
        })
        .collect();
    (codes, labels)
}

pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Why a timestamp could not be converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateError {
    /// Not `YYYY-MM-DD[(T| )HH:MM[:SS[.f+]]][Z|±HH[:]MM]`, or not a calendar date/time.
    Unparsable,
    /// A valid timestamp outside what i64 nanoseconds (and pandas) can hold.
    OutOfRange,
}

/// `YYYY-MM-DD[(T| )HH:MM[:SS[.f+]]][Z|±HH[:]MM]` to ns since the epoch (UTC). Timestamps
/// outside 1677-09-21T00:12:43.145224193Z – 2262-04-11T23:47:16.854775807Z (i64 ns, what pandas
/// holds; `i64::MIN` is NaT) are [`DateError::OutOfRange`], never wrapped to another date.
pub(crate) fn parse_datetime(b: &[u8]) -> std::result::Result<i64, DateError> {
    parse_datetime_parts(b)
        .ok_or(DateError::Unparsable)
        .and_then(|(days, secs, frac_ns)| {
            // exact in i128 (|days| < 4e6, so no overflow), then checked into i64
            let ns = (i128::from(days) * 86_400 + i128::from(secs)) * 1_000_000_000
                + i128::from(frac_ns);
            i64::try_from(ns)
                .ok()
                .filter(|&ns| ns != NAT)
                .ok_or(DateError::OutOfRange)
        })
}

/// (days since the epoch, seconds within the day after the offset, fractional ns) of a
/// timestamp; `None` if it is not one.
fn parse_datetime_parts(b: &[u8]) -> Option<(i64, i64, i64)> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    let mut rest = &b[10..];
    if rest.is_empty() {
        return Some((days, 0, 0));
    }
    if !(rest[0] == b'T' || rest[0] == b' ') || rest.len() < 6 || rest[3] != b':' {
        return None;
    }
    let (h, mi) = (digits(&rest[1..3])?, digits(&rest[4..6])?);
    rest = &rest[6..];
    let mut s = 0;
    let mut frac_ns: i64 = 0;
    if rest.first() == Some(&b':') {
        s = digits(rest.get(1..3)?)?;
        rest = &rest[3..];
        if rest.first() == Some(&b'.') {
            let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            let f = &rest[1..=n];
            let kept = &f[..n.min(9)];
            frac_ns = digits(kept)? * 10i64.pow(9 - u32::try_from(kept.len()).ok()?);
            rest = &rest[1 + n..];
        }
    }
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let (sign, oh, om) = match rest {
        [] | [b'Z'] | [b'z'] => (b'+', 0, 0),
        [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2]
        | [sign @ (b'+' | b'-'), oh1, oh2, om1, om2] => {
            (*sign, digits(&[*oh1, *oh2])?, digits(&[*om1, *om2])?)
        }
        [sign @ (b'+' | b'-'), oh1, oh2] => (*sign, digits(&[*oh1, *oh2])?, 0),
        _ => return None,
    };
    if oh > 23 || om > 59 {
        return None;
    }
    let offset_min = if sign == b'-' {
        -(oh * 60 + om)
    } else {
        oh * 60 + om
    };
    Some((days, (h * 60 + mi - offset_min) * 60 + s, frac_ns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_match_hand_worked_epochs() {
        // epochs from `date -u -d ... +%s`
        assert_eq!(parse_datetime(b"1970-01-01"), Ok(0));
        assert_eq!(
            parse_datetime(b"2019-12-01T01:48:53+00:00"),
            Ok(1_575_164_933_000_000_000)
        );
        assert_eq!(
            parse_datetime(b"2019-12-01T02:48:53+01:00"),
            Ok(1_575_164_933_000_000_000)
        );
        assert_eq!(
            parse_datetime(b"2023-12-01 03:40:12.000"),
            Ok(1_701_402_012_000_000_000)
        );
        assert_eq!(
            parse_datetime(b"2023-12-01T03:40:12.5Z"),
            Ok(1_701_402_012_500_000_000)
        );
        assert_eq!(
            parse_datetime(b"2020-02-29"),
            Ok(18_321 * 86_400 * 1_000_000_000)
        );
        assert_eq!(parse_datetime(b"1969-12-31T23:59:59Z"), Ok(-1_000_000_000));
        for bad in [
            &b"2019-02-29"[..],
            b"20X0-02-26T14:31:00+00:00",
            b"2020-13-01",
            b"01/12/2023 03:40",
            b"2020-01-01T25:00",
            b"2020-01-01T10:00+0",
            b"2020-01-01T10:00:00.",
            b"2020-01-01T10:00+24:00",
            b"2020-01-01T10:00+01:60",
        ] {
            assert_eq!(
                parse_datetime(bad),
                Err(DateError::Unparsable),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        // the i64 nanosecond range (pandas Timestamp.min / max): dates beyond it are out of range,
        // not wrapped to other dates
        assert_eq!(
            parse_datetime(b"2262-04-11T23:47:16.854775807Z"),
            Ok(i64::MAX)
        );
        assert_eq!(
            parse_datetime(b"1677-09-21T00:12:43.145224193Z"),
            Ok(i64::MIN + 1)
        );
        for far in [
            &b"2262-04-12"[..],
            b"9999-12-31T23:59:59Z",
            b"1677-09-21",
            b"1677-09-21T00:12:43.145224192Z", // i64::MIN is NaT
            b"0001-01-01",
            b"2262-04-11T23:47:16.854775807-00:01",
        ] {
            assert_eq!(
                parse_datetime(far),
                Err(DateError::OutOfRange),
                "{}",
                String::from_utf8_lossy(far)
            );
        }
    }
}

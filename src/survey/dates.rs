//! Dates as answers hold them (`YYYY-MM-DD`) and as people write them.

use std::ops::Range;

/// A calendar date written `YYYY-MM-DD`.
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits_ok = b.iter().enumerate().all(|(i, c)| {
        if i == 4 || i == 7 {
            *c == b'-'
        } else {
            c.is_ascii_digit()
        }
    });
    if b.len() != 10 || !digits_ok {
        return false;
    }
    let num = |r: Range<usize>| text.get(r).and_then(|s| s.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// The `YYYY-MM-DD` form of a date written as people write it: with `-`,
/// `/` or `.` between year, month and day, or as `2025年11月28日`; month
/// and day may have one digit. `None` when it is not a calendar date.
pub fn date_from_written(text: &str) -> Option<String> {
    let text = text.trim();
    let body = match text.strip_suffix('日') {
        Some(rest) => rest.replacen('年', "-", 1).replacen('月', "-", 1),
        None => text.to_string(),
    };
    let parts: Vec<&str> = body.split(['-', '/', '.']).collect();
    let separators = body.chars().filter(|c| matches!(c, '-' | '/' | '.'));
    // One kind of separator, two of them.
    let mut kinds: Vec<char> = separators.collect();
    kinds.dedup();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if kinds.len() != 1 || !digits(year, 4..=4) || !digits(month, 1..=2) || !digits(day, 1..=2) {
        return None;
    }
    let date = format!("{year}-{month:0>2}-{day:0>2}");
    is_date(&date).then_some(date)
}

/// A moment (milliseconds since 1970; 0: now) on the laptop's clock and
/// in its time zone.
pub fn local_moment(ms: i64) -> jiff::ZonedDateTime {
    let moment = match ms {
        0 => jiff::Timestamp::now(),
        ms => jiff::Timestamp::from_millisecond(ms).unwrap_or_else(|_| jiff::Timestamp::now()),
    };
    moment.to_zoned_datetime(jiff::tz::TimeZone::system())
}

/// The date of a moment (0: now) where the laptop is, `YYYY-MM-DD`: the
/// day an interview began is its `today()`.
pub fn date_of(ms: i64) -> String {
    local_moment(ms).date().to_string()
}

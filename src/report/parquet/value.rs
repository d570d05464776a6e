//! A cell read as its column's type, and whether the type holds it
//! exactly (what it does not is kept beside it as text).

use super::Kind;
use crate::report::csv_out::Cell;

/// A cell read as its column's type.
pub(super) enum Parsed<'a> {
    /// A value, and whether it is exactly the text (`007`, `3.50`, a
    /// date with a time, a decimal of more digits than a double holds
    /// are read as values, but the text is kept beside them too).
    Value(Value<'a>, bool),
    Null,
    /// Not of the type.
    Other,
}

pub(super) enum Value<'a> {
    /// As the cell holds it, or made for it (a time's, for a companion
    /// column).
    Text(std::borrow::Cow<'a, str>),
    Int(i64),
    Double(f64),
    Date(i32),
}

pub(super) fn parse<'a>(kind: Kind, cell: Option<&'a Cell<'a>>) -> Parsed<'a> {
    let Some(cell) = cell else {
        return Parsed::Null;
    };
    if let (Cell::Time(ms), Kind::Time) = (cell, kind) {
        return Parsed::Value(Value::Int(*ms), true);
    }
    let text = match cell {
        Cell::Text(t) | Cell::Number(t) => t.as_ref(),
        Cell::Time(_) => return Parsed::Other,
    };
    if text.is_empty() {
        return Parsed::Null;
    }
    let value = match kind {
        Kind::Text => Some((Value::Text(text.into()), true)),
        Kind::Int => (text.parse::<i64>().ok()).map(|n| (Value::Int(n), plain_integer(text))),
        Kind::Decimal => text
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| (Value::Double(f), f.to_string() == canonical_decimal(text))),
        Kind::Date => {
            let date: Option<jiff::civil::Date> = text.parse().ok();
            date.and_then(|d| Some((Value::Date(date_days(d)?), d.to_string() == text)))
        }
        Kind::Time => None,
    };
    value.map_or(Parsed::Other, |(v, exact)| Parsed::Value(v, exact))
}

/// Whether `text` is an integer as Rust writes one: no `+`, no leading
/// zeros, no `-0`.
fn plain_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let all = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    all && (!digits.starts_with('0') || (digits == "0" && digits.len() == text.len()))
}

/// A decimal as Rust writes a double: no `+`, no leading zeros, no
/// trailing zeros after the point (`+007.50` is `7.5`); with an exponent,
/// as it is (never equal to how a double is written).
fn canonical_decimal(text: &str) -> String {
    let text = text.strip_prefix('+').unwrap_or(text);
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    if rest.contains(['e', 'E']) {
        return text.to_string();
    }
    let (whole, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = fraction.trim_end_matches('0');
    match fraction {
        "" => format!("{sign}{whole}"),
        f => format!("{sign}{whole}.{f}"),
    }
}

/// Days since 1970-01-01 of a date.
fn date_days(date: jiff::civil::Date) -> Option<i32> {
    Some(date.since(jiff::civil::date(1970, 1, 1)).ok()?.get_days())
}

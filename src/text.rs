//! Text as people type it and files bring it: numbers typed with a Chinese
//! input method, household codes that look alike but differ in invisible
//! or full-width characters, and control characters that must not reach a
//! terminal as they are.
//!
//! Pure functions over strings: no I/O, no terminal, no SQL.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// The display columns of `n` written in decimal, without writing it.
pub fn decimal_width(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Full-width digits and signs, as a Chinese input method types them, read
/// as their ASCII forms; surrounding whitespace removed.
pub fn half_width(raw: &str) -> String {
    let raw = raw.trim();
    if raw.is_ascii() {
        return raw.to_string();
    }
    raw.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' | '。' => '.',
            '－' => '-',
            '＋' => '+',
            c => c,
        })
        .collect()
}

/// Characters that take no room and that a person cannot see: zero-width
/// space, non-joiner and joiner, word joiner, and the byte-order mark
/// (Excel and copy-paste from web pages leave them in cells).
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// A cell with surrounding whitespace (including the ideographic space
/// U+3000) and invisible characters removed from both ends.
pub fn trim_cell(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
}

/// A household code as it is matched and stored: Unicode NFKC (full-width
/// `Ｚ１` is `Z1`), without invisible characters anywhere, without
/// surrounding whitespace. Two codes a person reads as the same are the
/// same code.
pub fn normalise_code(raw: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if raw.chars().all(plain) {
        return Cow::Borrowed(raw);
    }
    let kept: String = raw.nfkc().filter(|&c| !is_invisible(c)).collect();
    Cow::Owned(trim_cell(&kept).to_string())
}

/// Characters that move the cursor or change how a terminal shows what
/// follows: C0 and C1 controls, DEL, line and paragraph separators, and
/// the bidirectional overrides and isolates.
fn is_terminal_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text for a terminal: control characters shown escaped (`\n`, `\t`,
/// `\r`, `\u{1b}`), so a field can neither break a table's lines nor send
/// escape sequences; everything else as it is.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_terminal_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_terminal_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Writes `n` as `{n}` does, without the formatting machinery (a
/// province's table writes a million numbers).
pub fn push_integer(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// [`push_integer`] of an `i64`: a number of one or two digits (most of a
/// table's: phases, severities, percentages, a village's households)
/// pushed digit by digit.
pub fn push_int(out: &mut String, n: i64) {
    match u8::try_from(n) {
        Ok(n) if n < 10 => out.push(char::from(b'0' + n)),
        Ok(n) if n < 100 => {
            out.push(char::from(b'0' + n / 10));
            out.push(char::from(b'0' + n % 10));
        }
        _ => push_integer(out, n),
    }
}

/// Writes `x` as `{x:.0}` does: rounded to the nearest whole number, a
/// tie to the even one.
pub fn push_whole(out: &mut String, x: f64) {
    // Below 2^52, adding 2^52 rounds to the nearest whole number (a tie to
    // the even one, as floating point rounds), which taking 2^52 away
    // leaves exact. A negative number (which may round to -0), NaN and the
    // infinities go the long way.
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    if x.is_sign_positive() && x < TWO_52 {
        push_int(out, ((x + TWO_52) - TWO_52) as i64);
    } else {
        use std::fmt::Write as _;
        // Writing into a string cannot fail.
        let _ = write!(out, "{x:.0}");
    }
}

/// Writes an amount as a CSV file and a table show it: a whole number
/// below 10^15 without decimals (`790000`), any other as `{x}` does.
pub fn push_number(out: &mut String, x: f64) {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        push_int(out, x as i64);
    } else {
        use std::fmt::Write as _;
        // Writing into a string cannot fail.
        let _ = write!(out, "{x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn numbers_are_written_as_format_writes_them(
            n in any::<i64>(),
            bits in any::<u64>(),
            x in 0.0f64..1000.0,
            k in 0u32..2000,
        ) {
            let written = |f: &dyn Fn(&mut String)| {
                let mut out = String::new();
                f(&mut out);
                out
            };
            prop_assert_eq!(written(&|o| push_integer(o, n)), format!("{n}"));
            prop_assert_eq!(written(&|o| push_int(o, n)), format!("{n}"));
            let small = i64::from(k) - 200;
            prop_assert_eq!(written(&|o| push_int(o, small)), format!("{small}"));
            // Any f64 at all, shares as they come, and exact ties (k + 0.5).
            let tie = f64::from(k) / 2.0;
            for v in [f64::from_bits(bits), x, x * 100.0, tie, -tie, -x] {
                prop_assert_eq!(written(&|o| push_whole(o, v)), format!("{v:.0}"), "{:?}", v);
                let number = if v.fract() == 0.0 && v.abs() < 1e15 {
                    format!("{}", v as i64)
                } else {
                    format!("{v}")
                };
                prop_assert_eq!(written(&|o| push_number(o, v)), number, "{:?}", v);
            }
        }
    }

    #[test]
    fn whole_numbers_round_ties_to_even_as_format_does() {
        for v in [
            0.5,
            1.5,
            2.5,
            -0.0,
            -0.4,
            0.0,
            99.5,
            100.0,
            4_503_599_627_370_495.5,
            4_503_599_627_370_497.0,
            9_007_199_254_740_993.0,
            f64::NAN,
            f64::INFINITY,
            1e300,
        ] {
            let mut out = String::new();
            push_whole(&mut out, v);
            assert_eq!(out, format!("{v:.0}"), "{v:?}");
        }
    }

    #[test]
    fn look_alike_codes_normalise_to_one() {
        for raw in [
            "Z1",
            "Z1\u{200B}",
            "\u{200B}Z1",
            "Z1\u{2060}",
            "Z１",
            "Ｚ１",
            "\u{3000}Z1 ",
            "\u{FEFF}Z\u{200D}1",
        ] {
            assert_eq!(normalise_code(raw), "Z1", "{raw:?}");
        }
        assert_eq!(normalise_code("MZ-0001"), "MZ-0001");
        assert!(matches!(normalise_code("0100010001"), Cow::Borrowed(_)));
        assert_eq!(normalise_code("勐烈01"), "勐烈01");
    }

    #[test]
    fn cells_are_trimmed_of_wide_spaces_and_invisible_characters() {
        assert_eq!(trim_cell("\u{3000}曼贺村\u{200B} "), "曼贺村");
        assert_eq!(trim_cell("李 明"), "李 明");
    }

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(escape_controls("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(escape_controls("\u{1b}[31m红"), "\\u{1b}[31m红");
        assert_eq!(escape_controls("\u{202E}abc"), "\\u{202e}abc");
        assert!(matches!(escape_controls("曼贺村 A1"), Cow::Borrowed(_)));
    }

    #[test]
    fn full_width_numbers_read_as_ascii() {
        assert_eq!(half_width(" ３．５ "), "3.5");
        assert_eq!(half_width("－１"), "-1");
    }
}

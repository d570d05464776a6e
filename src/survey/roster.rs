//! What format version 2 adds to a questionnaire's model: rosters (a
//! section asked once per row), special answers and visit forms, and how a
//! roster's answers are keyed among an interview's answers.

use std::ops::Range;

use super::Expression;

/// The most rows a roster may have: more than any household's members, few
/// enough that a mistaken count cannot flood an interview, and each row
/// one key away where rows are picked (1–9, then a–z).
pub const MAX_ROWS: u32 = 35;

/// How a section repeats.
#[derive(Clone, Debug)]
pub struct Roster {
    /// How many rows: an integer expression over earlier answers and the
    /// registry.
    pub count: Expression,
    /// How a row is named: text with `${q}` of the row's answers.
    pub row_label: Option<String>,
    /// Where `row_label` is written.
    pub row_label_span: Range<usize>,
}

/// An answer given instead of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Special {
    DontKnow,
    Refused,
}

impl Special {
    pub const ALL: [Special; 2] = [Special::DontKnow, Special::Refused];

    /// The name written in `special = [...]`.
    pub fn name(self) -> &'static str {
        match self {
            Special::DontKnow => "dont_know",
            Special::Refused => "refused",
        }
    }

    /// The text stored and exported for it: no value of any type reads so.
    pub fn stored(self) -> &'static str {
        match self {
            Special::DontKnow => "[dont_know]",
            Special::Refused => "[refused]",
        }
    }

    /// The special answer `text` stores, if it is one.
    pub fn of_stored(text: &str) -> Option<Special> {
        Special::ALL.into_iter().find(|s| s.stored() == text)
    }

    pub fn label(self) -> crate::i18n::Tr {
        match self {
            Special::DontKnow => crate::tr!("不知道", "don't know"),
            Special::Refused => crate::tr!("拒绝回答", "refused"),
        }
    }
}

/// Whether a household answers a questionnaire once, or at every visit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Once,
    Visit,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Once => "once",
            Mode::Visit => "visit",
        }
    }
}

/// The key of an answer among an interview's answers: the question's name,
/// and for a roster question its row, as `name[row]` (rows from 1).
pub fn key(name: &str, row: u32) -> String {
    if row == 0 {
        name.to_string()
    } else {
        format!("{name}[{row}]")
    }
}

/// A key read back: the question's name and its row (0 outside a roster).
pub fn split_key(key: &str) -> (&str, u32) {
    // Only the form `key` writes: digits without a sign or a leading 0,
    // a row a roster can have.
    if let Some(open) = key.find('[')
        && let Some(digits) = key[open + 1..].strip_suffix(']')
        && !digits.is_empty()
        && digits.len() <= 2
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && let Ok(row) = digits.parse::<u32>()
        && row <= MAX_ROWS
    {
        return (&key[..open], row);
    }
    (key, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back() {
        assert_eq!(key("age", 0), "age");
        assert_eq!(key("age", 3), "age[3]");
        assert_eq!(split_key("age[3]"), ("age", 3));
        assert_eq!(split_key("age"), ("age", 0));
        for odd in [
            "age[0]",
            "age[x]",
            "age[3",
            "age[-1]",
            "age[+2]",
            "age[02]",
            "age[36]",
            "age[4000000000]",
        ] {
            assert_eq!(split_key(odd), (odd, 0));
        }
        for s in Special::ALL {
            assert_eq!(Special::of_stored(s.stored()), Some(s));
        }
        assert_eq!(Special::of_stored("dont_know"), None);
    }
}

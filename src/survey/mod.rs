//! Questionnaires: the validated model, its TOML loader, the expression
//! language and the diagnostics shown to authors.
//!
//! Owns what a questionnaire is. A [`Survey`] can only be built by the loader
//! ([`load`]), so every `Survey` in the program has passed every check. Pure:
//! reading files is the caller's business.

pub mod bundled;
mod dates;
pub mod diag;
pub mod expr;
mod load;
pub mod roster;
mod sets;
pub mod template;
mod toml_zh;
pub mod xlsform;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

pub use dates::{date_from_written, date_of, is_date, local_moment};
pub use load::schema::schema;
pub use load::{Loaded, load};

use crate::i18n::Lang;
use expr::Expr;
pub use roster::{Mode, Roster, Special};
pub use sets::{NotUtf8, Source, load_all, load_sources};

/// A questionnaire that passed every check of the loader.
#[derive(Clone, Debug)]
pub struct Survey {
    pub id: String,
    pub version: String,
    /// Default need category of this file's needs.
    pub category: Option<String>,
    /// Whether a household answers it once, or at every visit.
    pub mode: Mode,
    /// Label languages; the first is the default.
    pub languages: Vec<String>,
    pub title: Label,
    pub description: Option<Label>,
    pub choice_lists: BTreeMap<String, Vec<Choice>>,
    pub sections: Vec<Section>,
    pub needs: Vec<Need>,
    /// The TOML text the survey was loaded from, kept so that a snapshot can
    /// store exactly what was answered.
    pub source: String,
    /// The built-in list of `yes_no` questions.
    yes_no: Vec<Choice>,
    /// (section, question) of every question in file order, and the
    /// position in that order of each name: built once by the loader, so
    /// that answering and rule evaluation never search by name.
    flat: Vec<(usize, usize)>,
    by_name: Names,
}

/// Question names by position, hashed with FNV-1a: names are short and
/// come from the loader, and are looked up at every step of an
/// expression, where SipHash's guard against chosen keys buys nothing.
type Names = HashMap<String, usize, std::hash::BuildHasherDefault<Fnv>>;

#[derive(Clone, Copy, Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

#[derive(Clone, Debug)]
pub struct Choice {
    pub name: String,
    pub label: Label,
}

#[derive(Clone, Debug)]
pub struct Section {
    pub name: String,
    pub label: Option<Label>,
    pub relevant: Option<Expression>,
    /// Set when the section is asked once per row (a household member, say).
    pub roster: Option<Roster>,
    pub questions: Vec<Question>,
}

#[derive(Clone, Debug)]
pub struct Question {
    pub name: String,
    pub kind: QuestionKind,
    /// The choice list of a `select_one` or `select_multiple` question.
    pub choices: Option<String>,
    pub label: Label,
    pub hint: Option<Label>,
    pub required: bool,
    pub relevant: Option<Expression>,
    pub constraint: Option<Expression>,
    pub constraint_message: Option<Label>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub unit: Option<Label>,
    /// A `calculate` question's expression.
    pub calculation: Option<Expression>,
    /// The answers besides a value the interviewer may give ("don't know").
    pub special: Vec<Special>,
    /// Where the question's `name` is written in the file.
    pub span: Range<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    SelectOne,
    SelectMultiple,
    YesNo,
    Integer,
    Decimal,
    Text,
    Date,
    Note,
    /// Computed from other answers, never shown nor typed.
    Calculate,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 9] = [
        QuestionKind::SelectOne,
        QuestionKind::SelectMultiple,
        QuestionKind::YesNo,
        QuestionKind::Integer,
        QuestionKind::Decimal,
        QuestionKind::Text,
        QuestionKind::Date,
        QuestionKind::Note,
        QuestionKind::Calculate,
    ];

    /// The name used in the `type` key.
    pub fn name(self) -> &'static str {
        match self {
            QuestionKind::SelectOne => "select_one",
            QuestionKind::SelectMultiple => "select_multiple",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Integer => "integer",
            QuestionKind::Decimal => "decimal",
            QuestionKind::Text => "text",
            QuestionKind::Date => "date",
            QuestionKind::Note => "note",
            QuestionKind::Calculate => "calculate",
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, QuestionKind::Integer | QuestionKind::Decimal)
    }

    /// Whether the interviewer sees it: every kind but a calculation.
    pub fn is_shown(self) -> bool {
        self != QuestionKind::Calculate
    }

    /// Whether the interviewer answers it: not a note, not a calculation.
    pub fn is_answered(self) -> bool {
        !matches!(self, QuestionKind::Note | QuestionKind::Calculate)
    }

    pub fn has_choice_list(self) -> bool {
        matches!(self, QuestionKind::SelectOne | QuestionKind::SelectMultiple)
    }
}

/// An urgent-difficulty rule (急怨难): when `when` holds on a household's
/// interview, the household needs `project`.
#[derive(Clone, Debug)]
pub struct Need {
    pub name: String,
    pub category: String,
    pub when: Expression,
    pub severity: Severity,
    /// What to build; `None` when the author gave no label (the rule name is
    /// shown instead, and the loader warned).
    pub project: Option<Label>,
    /// Estimated yuan per affected household, or per affected row when
    /// the rule is counted per row.
    pub unit_cost: Option<f64>,
    /// The roster whose rows the rule is evaluated on (per person).
    pub repeat: Option<String>,
}

/// Severity on the 1–5 scale of DOMAIN.md; 3 and above is an urgent difficulty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Severity(u8);

impl Severity {
    pub fn new(value: i64) -> Option<Severity> {
        (1..=5).contains(&value).then_some(Severity(value as u8))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// An expression with its text and where that text is in the file.
#[derive(Clone, Debug)]
pub struct Expression {
    pub text: String,
    pub ast: Expr,
    pub span: Range<usize>,
}

/// A label in one or more languages. The first entry is the survey's default
/// language, which the loader guarantees is present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label(Vec<(String, String)>);

impl Label {
    /// The text in `lang`, or in the survey's default language.
    pub fn get(&self, lang: Lang) -> &str {
        self.in_code(lang.code())
    }

    /// Whether the author wrote no text at all (a calculation without a
    /// label, say).
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|(_, text)| text.is_empty())
    }

    pub fn in_code(&self, code: &str) -> &str {
        self.0
            .iter()
            .find(|(l, _)| l == code)
            .or(self.0.first())
            .map_or("", |(_, text)| text)
    }
}

impl Survey {
    /// Every question, in the order of the file.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question(&self, name: &str) -> Option<&Question> {
        self.index_of(name).map(|i| self.question_at(i))
    }

    /// The position of a question in file order.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The question at a position in file order; panics past the end, as
    /// positions come from [`Survey::index_of`] or a count of [`Survey::questions`].
    pub fn question_at(&self, index: usize) -> &Question {
        let (s, q) = self.flat[index];
        &self.sections[s].questions[q]
    }

    /// The section holding the question at a position in file order.
    pub fn section_of(&self, index: usize) -> &Section {
        &self.sections[self.flat[index].0]
    }

    /// The place in `sections` of the section holding the question at a
    /// position in file order.
    pub fn section_index_of(&self, index: usize) -> usize {
        self.flat[index].0
    }

    /// What decides whether the question at a position is asked and what
    /// a calculation's value is: its section's relevance, its own, its
    /// calculation.
    pub fn deciding(&self, index: usize) -> impl Iterator<Item = &Expression> {
        let question = self.question_at(index);
        self.section_of(index)
            .relevant
            .iter()
            .chain(&question.relevant)
            .chain(&question.calculation)
    }

    /// The roster section the question at a position belongs to, if any.
    pub fn roster_of(&self, index: usize) -> Option<&Section> {
        Some(self.section_of(index)).filter(|s| s.roster.is_some())
    }

    /// The roster section named `name`.
    pub fn roster(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.roster.is_some() && s.name == name)
    }

    /// The place of `section`, one of this questionnaire's, among its
    /// sections (found by address: a roster without questions shares its
    /// questions' first position with the section after it).
    pub fn section_place(&self, section: &Section) -> Option<usize> {
        self.sections.iter().position(|s| std::ptr::eq(s, section))
    }

    /// Positions of a section's questions in file order.
    pub fn positions_of(&self, section: &Section) -> std::ops::Range<usize> {
        // Sections are few: found by address, counted by their lengths.
        let mut first = 0;
        for s in &self.sections {
            if std::ptr::eq(s, section) {
                break;
            }
            first += s.questions.len();
        }
        first..first + section.questions.len()
    }

    pub fn question_count(&self) -> usize {
        self.flat.len()
    }

    /// The labels in `lang` of the choice names of a stored answer to `q`
    /// (names separated by spaces); a name the list lacks as it is.
    pub fn choice_labels<'a>(&'a self, q: &Question, stored: &'a str, lang: Lang) -> Vec<&'a str> {
        let choices = self.choices_of(q);
        stored
            .split_whitespace()
            .map(|n| {
                choices
                    .iter()
                    .find(|c| c.name == n)
                    .map_or(n, |c| c.label.get(lang))
            })
            .collect()
    }

    /// The choices a question offers: its list, the built-in yes/no, or none.
    pub fn choices_of(&self, question: &Question) -> &[Choice] {
        match (&question.kind, &question.choices) {
            (QuestionKind::YesNo, _) => &self.yes_no,
            (_, Some(list)) => self.choice_lists.get(list).map_or(&[], Vec::as_slice),
            _ => &[],
        }
    }
}

/// The file-order index of a survey's questions: (section, question) pairs
/// and the position of each name.
fn index(sections: &[Section]) -> (Vec<(usize, usize)>, Names) {
    let flat: Vec<(usize, usize)> = sections
        .iter()
        .enumerate()
        .flat_map(|(s, sec)| (0..sec.questions.len()).map(move |q| (s, q)))
        .collect();
    let by_name = flat
        .iter()
        .enumerate()
        .map(|(i, &(s, q))| (sections[s].questions[q].name.clone(), i))
        .collect();
    (flat, by_name)
}

/// A name of a question, section, need or choice list: a letter or `_`, then
/// letters, digits and `_`, so that it reads unambiguously in `${name}`.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A survey id or a category: `[a-z][a-z0-9_]*`.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_dates() {
        assert!(is_valid_name("fetch_minutes"));
        assert!(is_valid_name("_x1"));
        assert!(!is_valid_name("1x"));
        assert!(!is_valid_name("a-b"));
        assert!(!is_valid_name(""));
        assert!(is_valid_id("water"));
        assert!(!is_valid_id("Water"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2023-2-9"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("+202-01-01"));
        assert!(!is_date("2024-+1-01"));
        for written in [
            "2025-11-28",
            "2025/11/28",
            "2025.11.28",
            "2025年11月28日",
            " 2025/11/28 ",
        ] {
            assert_eq!(
                date_from_written(written).as_deref(),
                Some("2025-11-28"),
                "{written}"
            );
        }
        assert_eq!(
            date_from_written("2025年1月5日").as_deref(),
            Some("2025-01-05")
        );
        assert_eq!(
            date_from_written("2024/2/29").as_deref(),
            Some("2024-02-29")
        );
        for not_a_date in [
            "2023/2/29",
            "2025/11-28",
            "2025年11月28",
            "25/11/28",
            "2025/13/01",
            "2025/011/28",
            "2025//28",
            "2025-11-28-1",
            "+2025/1/1",
            "",
        ] {
            assert_eq!(date_from_written(not_a_date), None, "{not_a_date}");
        }
        assert_eq!(Severity::new(6), None);
        assert_eq!(Severity::new(3).map(Severity::get), Some(3));
    }
}

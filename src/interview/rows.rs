//! Rosters in an interview: how many rows a roster has, expressions
//! evaluated in a row (where `${q}` of the roster is the row's answer and
//! `position(..)` its number), and texts filled with a row's values.

use super::*;
use crate::survey::Section;
use crate::survey::expr::Expr;
use crate::survey::roster::MAX_ROWS;

/// Where an expression is evaluated: the interview, a row of a roster (or
/// none), and `.` for a constraint (which may live shorter than the
/// interview's answers, for as long as `'x`).
pub(super) struct At<'s, 'a, 'x> {
    pub state: &'s State<'a>,
    pub row: u32,
    pub roster: Option<&'a Section>,
    pub dot: Value<'x>,
}

impl<'a> State<'a> {
    /// Where the expressions of a slot are evaluated.
    pub(super) fn env(&self, slot: Slot) -> At<'_, 'a, 'a> {
        At {
            state: self,
            row: slot.row,
            roster: self.survey.roster_of(slot.index).filter(|_| slot.row > 0),
            dot: Value::Empty,
        }
    }

    /// How many rows a roster has: its `repeat_count`, a whole number from
    /// 0 to [`MAX_ROWS`] (empty: none yet).
    pub fn row_count(&self, section: &Section) -> u32 {
        self.counted_rows(section).unwrap_or(0)
    }

    /// A roster's count as it reads now, computed once: `None` when it
    /// reads as no number (cleared, skipped, not known).
    fn counted_rows(&self, section: &Section) -> Option<u32> {
        let roster = section.roster.as_ref()?;
        // Keyed by the section's place: a roster without questions
        // shares its first position with the section after it.
        let at = self.survey.section_place(section)?;
        if let Some(known) = self.rows.borrow().get(&at) {
            return *known;
        }
        // None while computing: a count that reads itself has no rows.
        self.rows.borrow_mut().insert(at, None);
        let number = match eval(&roster.count.ast, self) {
            Value::Number(n) => Some(n),
            Value::Text(t) => t.trim().parse::<f64>().ok(),
            _ => None,
        };
        let count = number.map(|n| n.trunc().clamp(0.0, f64::from(MAX_ROWS)) as u32);
        self.rows.borrow_mut().insert(at, count);
        count
    }

    /// The roster `name` names, itself or through one of its questions.
    fn roster_named(&self, name: &str) -> Option<&'a Section> {
        self.survey.roster(name).or_else(|| {
            self.survey
                .index_of(name)
                .and_then(|i| self.survey.roster_of(i))
        })
    }

    /// How a row of a roster is named in `lang`: its `row_label` filled
    /// with the row's answers, or "第 n 行" / "row n" when that is empty.
    pub fn row_label(&self, section: &'a Section, row: u32, lang: crate::i18n::Lang) -> String {
        let slot = Slot {
            index: self.survey.positions_of(section).start,
            row,
        };
        let named = section
            .roster
            .as_ref()
            .and_then(|r| r.row_label.as_deref())
            .map(|text| self.fill_at(text, lang, Some(slot)))
            .filter(|t| !t.trim().is_empty());
        named.unwrap_or_else(|| row_number(row, lang))
    }

    /// `text` filled as [`State::fill`] does, in the row of `slot` when it
    /// has one: its `${q}` read the row's answers and `{row}` is the row's
    /// label.
    pub fn fill_at(&self, text: &str, lang: crate::i18n::Lang, slot: Option<Slot>) -> String {
        let slot = slot.unwrap_or(Slot::at(0));
        let roster = self.survey.roster_of(slot.index).filter(|_| slot.row > 0);
        let text = match roster {
            Some(section) if text.contains("{row}") && !text.contains("${row}") => {
                let label = self.row_label_plain(section, slot.row, lang);
                text.replace("{row}", &label)
            }
            _ => text.to_string(),
        };
        crate::survey::template::fill(&text, |name| self.shown(name, lang, slot, roster))
    }

    /// How a row answered past its roster's count is named (for choosing
    /// which rows to drop): its `row_label` with the answers stored for
    /// that row, or "第 n 行" / "row n".
    pub fn stored_row_label(&self, section: &Section, row: u32, lang: crate::i18n::Lang) -> String {
        let template = section.roster.as_ref().and_then(|r| r.row_label.as_deref());
        let named = template.map(|text| {
            crate::survey::template::fill(text, |name| {
                let stored = super::stored(self.answers, name, row);
                stored.map_or(String::new(), |v| {
                    display_answer(self.survey, name, v, lang)
                })
            })
        });
        match named {
            Some(text) if !text.trim().is_empty() => text,
            _ => row_number(row, lang),
        }
    }

    /// A row's label for `{row}`, without filling `{row}` again.
    fn row_label_plain(&self, section: &'a Section, row: u32, lang: crate::i18n::Lang) -> String {
        let template = section.roster.as_ref().and_then(|r| r.row_label.as_deref());
        match template {
            Some(t) if !t.contains("{row}") => self.row_label(section, row, lang),
            _ => row_number(row, lang),
        }
    }

    /// A reference's value as [`State::fill_at`] shows it.
    fn shown(
        &self,
        name: &str,
        lang: crate::i18n::Lang,
        slot: Slot,
        roster: Option<&'a Section>,
    ) -> String {
        let env = At {
            state: self,
            row: slot.row,
            roster,
            dot: Value::Empty,
        };
        let value = match name.strip_prefix("household.") {
            Some(field) => HouseholdField::ALL
                .into_iter()
                .find(|f| f.name() == field)
                .map_or(Value::Empty, |f| self.household(f)),
            None => env.question(name),
        };
        let text = match value {
            Value::Empty => return String::new(),
            Value::Number(n) => format!("{n}"),
            Value::Text(t) => t.into_owned(),
            Value::Bool(b) => b.to_string(),
        };
        match self.survey.question(name) {
            Some(q) if !self.survey.choices_of(q).is_empty() => {
                display_answer(self.survey, name, &text, lang)
            }
            _ => text,
        }
    }
}

/// A row named by its number: "第 n 行" / "row n".
fn row_number(row: u32, lang: crate::i18n::Lang) -> String {
    match lang {
        crate::i18n::Lang::Zh => format!("第 {row} 行"),
        crate::i18n::Lang::En => format!("row {row}"),
    }
}

/// An interview evaluates expressions that live as long as its answers or
/// shorter.
impl<'a: 'x, 'x> Env<'x> for State<'a> {
    fn question(&self, name: &str) -> Value<'x> {
        self.value(name)
    }

    fn household(&self, field: HouseholdField) -> Value<'x> {
        let text = |s: &'a str| {
            if s.is_empty() {
                Value::Empty
            } else {
                Value::Text(s.into())
            }
        };
        let h = &self.household;
        match field {
            HouseholdField::Members => Value::Number(h.members as f64),
            HouseholdField::Code => text(&h.code),
            HouseholdField::Head => text(&h.head),
            HouseholdField::Phone => text(&h.phone),
            HouseholdField::Cadre => text(&h.cadre),
            HouseholdField::Village => text(&h.village),
            HouseholdField::Township => text(&h.township),
            HouseholdField::Group => text(&h.group),
        }
    }

    fn dot(&self) -> Value<'x> {
        Value::Empty
    }

    fn started_at(&self) -> i64 {
        self.household.started_at
    }

    fn rows(&self, name: &str) -> u32 {
        self.roster_named(name).map_or(0, |s| self.row_count(s))
    }

    fn at_row(&self, name: &str, row: u32, expr: &'x Expr) -> Value<'x> {
        let Some(section) = self.roster_named(name) else {
            return Value::Empty;
        };
        let env = At {
            state: self,
            row,
            roster: Some(section),
            dot: Value::Empty,
        };
        eval(expr, &env)
    }
}

impl<'a: 'x, 'x> Env<'x> for At<'_, 'a, 'x> {
    fn question(&self, name: &str) -> Value<'x> {
        if let Some(section) = self.roster
            && let Some(index) = self.state.survey.index_of(name)
            && self
                .state
                .survey
                .roster_of(index)
                .is_some_and(|r| std::ptr::eq(r, section))
        {
            return self.state.value_at(Slot {
                index,
                row: self.row,
            });
        }
        self.state.value(name)
    }
    fn household(&self, field: HouseholdField) -> Value<'x> {
        self.state.household(field)
    }
    fn started_at(&self) -> i64 {
        Env::<'x>::started_at(self.state)
    }
    fn dot(&self) -> Value<'x> {
        self.dot.clone()
    }
    fn rows(&self, name: &str) -> u32 {
        Env::<'x>::rows(self.state, name)
    }
    fn at_row(&self, name: &str, row: u32, expr: &'x Expr) -> Value<'x> {
        self.state.at_row(name, row, expr)
    }
    fn position(&self) -> Value<'x> {
        match self.roster {
            Some(_) => Value::Number(f64::from(self.row)),
            None => Value::Empty,
        }
    }
}

/// The answers with `dropped` rows of `section` (a roster) removed and the
/// rows after them moved up, so that rows stay numbered from 1: what the
/// interviewer chose when the roster's count was lowered. The answers of
/// other questions are left as they are.
pub fn drop_rows(answers: &Answers, section: &Section, dropped: &[u32]) -> Answers {
    let names: Vec<&str> = section.questions.iter().map(|q| q.name.as_str()).collect();
    let mut out = Answers::new();
    for (key, value) in answers {
        let (name, row) = crate::survey::roster::split_key(key);
        if row == 0 || !names.contains(&name) {
            out.insert(key.clone(), value.clone());
            continue;
        }
        if dropped.contains(&row) {
            continue;
        }
        let before = dropped.iter().filter(|&&d| d < row).count() as u32;
        out.insert(
            crate::survey::roster::key(name, row - before),
            value.clone(),
        );
    }
    out
}

impl<'a> State<'a> {
    /// Rows of each roster answered past its count (the count was
    /// lowered): the roster and the highest row answered, for the
    /// interviewer to say which rows to drop.
    pub fn rows_past_count(&self) -> Vec<(&'a Section, u32)> {
        self.survey
            .sections
            .iter()
            .filter(|s| s.roster.is_some())
            .filter(|section| self.counted_rows(section).is_some())
            .filter_map(|section| {
                let answered = self.answered_rows(section);
                (answered > self.row_count(section)).then_some((section, answered))
            })
            .collect()
    }

    /// The highest row of a roster with an answer (calculations aside).
    pub fn answered_rows(&self, section: &Section) -> u32 {
        self.answers
            .keys()
            .filter_map(|k| {
                let (name, row) = crate::survey::roster::split_key(k);
                section
                    .questions
                    .iter()
                    .any(|q| q.name == name && q.calculation.is_none())
                    .then_some(row)
            })
            .max()
            .unwrap_or(0)
    }
}

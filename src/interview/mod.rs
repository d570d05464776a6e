//! One interview: its answers, which questions are relevant, what is
//! missing, whether it is complete, which need rules fire, and whether a
//! typed answer is acceptable.
//!
//! Owns the meaning of answers. Answers are kept as their canonical text
//! (what is stored and exported): a number as typed digits, a choice as its
//! name, a multiple choice as names separated by spaces in list order. Pure:
//! the store persists what this module accepts, this module never does I/O.

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::i18n::Tr;
use crate::survey::expr::eval::{Env, Value, eval, holds};
use crate::survey::expr::{ExprKind, HouseholdField};
use crate::survey::{QuestionKind, Special, Survey};
use crate::tr;

mod answer;
mod cache;
mod needs;
mod reach;
mod rows;

pub use answer::{AnswerError, ROW_SEPARATOR, canonical, stored, stored_rows};
use answer::{refuse, value_of};
use cache::Cache;
pub use needs::{Fired, Outcome};
pub use reach::{Known, Reach};
pub use rows::drop_rows;

/// Answers of one interview: question name → canonical text.
pub type Answers = BTreeMap<String, String>;

/// What expressions read besides the answers: the household's registry
/// record (`${household.NAME}`) and when the interview began (`today()`,
/// `now()`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HouseholdFacts {
    pub code: String,
    pub head: String,
    pub members: i64,
    pub phone: String,
    pub cadre: String,
    pub village: String,
    pub township: String,
    pub group: String,
    /// When the interview began, in milliseconds since 1970; 0 for one not
    /// begun yet, which begins now. Its date and time on the device are
    /// `today()` and `now()`, the same whenever the interview is checked
    /// again.
    pub started_at: i64,
}

/// Why an interview cannot be complete, for one relevant question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A required question without an answer.
    Missing { question: String },
    /// An answer its question no longer accepts, and why.
    Invalid { question: String, message: Tr },
}

impl Failure {
    /// The key of the answer that fails: the question's name, with its row
    /// in a roster (`age[2]`).
    pub fn question(&self) -> &str {
        match self {
            Failure::Missing { question } | Failure::Invalid { question, .. } => question,
        }
    }

    /// The failure said for a person, naming the question by its label in
    /// `survey` (by its name when the survey has no such question).
    pub fn describe(&self, survey: &Survey) -> Tr {
        let key = self.question();
        let (name, row) = crate::survey::roster::split_key(key);
        let label = |lang| {
            let text = survey.question(name).map_or(name, |q| q.label.get(lang));
            let text = text.replace("{row}", "").trim().to_string();
            match (row, lang) {
                (0, _) => text,
                (_, crate::i18n::Lang::Zh) => format!("第 {row} 行的{text}"),
                (_, crate::i18n::Lang::En) => format!("{text} (row {row})"),
            }
        };
        let (zh, en) = (label(crate::i18n::Lang::Zh), label(crate::i18n::Lang::En));
        match self {
            Failure::Missing { .. } => tr!(
                "必答题“{zh}”没有回答",
                "required question \"{en}\" is unanswered"
            ),
            Failure::Invalid { message, .. } => {
                let (why_zh, why_en) = (&message.zh, &message.en);
                tr!(
                    "“{zh}”的答案不符合要求:{why_zh}",
                    "the answer to \"{en}\" breaks its rule: {why_en}"
                )
            }
        }
    }
}

/// Writes every calculation's value, as stored and exported, into
/// `answers` (an empty one removed, and those of rows no longer there),
/// computed from the other answers with `household`. True when anything
/// changed. Done wherever answers are written, so that what is stored
/// always follows the answers.
pub fn settle(survey: &Survey, answers: &mut Answers, household: &HouseholdFacts) -> bool {
    let computed = State::new(survey, answers, household).calculations();
    store_calculations(survey, answers, computed)
}

/// Writes calculations' values (from [`State::calculations`] over these
/// answers) into `answers`, as [`settle`] does; true when anything
/// changed.
pub fn store_calculations(
    survey: &Survey,
    answers: &mut Answers,
    computed: Vec<(String, Option<String>)>,
) -> bool {
    let computed: BTreeMap<String, Option<String>> = computed.into_iter().collect();
    // A calculation's keys (`name`, `name[row]`) sort together: each
    // calculation's are read from where its name begins.
    let stale: Vec<String> = survey
        .questions()
        .filter(|q| q.calculation.is_some())
        .flat_map(|q| {
            answers
                .range::<str, _>((
                    std::ops::Bound::Included(q.name.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .map(|(k, _)| k)
                .take_while(|k| k.starts_with(q.name.as_str()))
                .filter(|k| crate::survey::roster::split_key(k).0 == q.name)
        })
        .filter(|k| !computed.contains_key(k.as_str()))
        .cloned()
        .collect();
    let mut changed = !stale.is_empty();
    for key in stale {
        answers.remove(&key);
    }
    for (key, value) in computed {
        let before = match value {
            Some(v) => answers.insert(key, v.clone()).is_none_or(|old| old != v),
            None => answers.remove(&key).is_some(),
        };
        changed |= before;
    }
    changed
}

/// Everything that keeps an interview with these answers from being
/// complete (see [`State::failures`]); empty when it can be completed.
pub fn failures(survey: &Survey, answers: &Answers, household: &HouseholdFacts) -> Vec<Failure> {
    State::new(survey, answers, household).failures()
}

/// Where one answer goes: a question (its position in file order) and, in
/// a roster, its row from 1 (0 outside rosters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot {
    pub index: usize,
    pub row: u32,
}

impl Slot {
    /// A question outside rosters.
    pub fn at(index: usize) -> Slot {
        Slot { index, row: 0 }
    }

    /// The slot an answer's key (`name` or `name[row]`) names in `survey`.
    pub fn of_key(survey: &Survey, key: &str) -> Option<Slot> {
        let (name, row) = crate::survey::roster::split_key(key);
        survey.index_of(name).map(|index| Slot { index, row })
    }
}

/// The state of one interview: relevance, values, completeness and need
/// hits, computed from the answers on demand. A question that is not
/// relevant reads as empty everywhere, so a stale answer left behind by a
/// changed skip never counts; neither does a row past its roster's count.
pub struct State<'a> {
    pub survey: &'a Survey,
    pub answers: &'a Answers,
    pub household: &'a HouseholdFacts,
    /// Relevance of questions outside rosters by position, filled lazily.
    /// Expressions may read later questions; the loader has ruled out
    /// cycles, so the recursion ends.
    relevance: RefCell<Vec<Option<bool>>>,
    /// Relevance of roster questions in their rows, filled lazily.
    row_relevance: RefCell<Cache<Slot, bool>>,
    /// Calculations' values, filled lazily.
    calculations: RefCell<Cache<Slot, Value<'a>>>,
    /// Each roster's rows, by the section's place in the questionnaire.
    rows: RefCell<Cache<usize, Option<u32>>>,
    /// Whether any answer is a special one, found once.
    has_special: std::cell::OnceCell<bool>,
}

impl<'a> State<'a> {
    pub fn new(survey: &'a Survey, answers: &'a Answers, household: &'a HouseholdFacts) -> Self {
        State {
            survey,
            answers,
            household,
            relevance: RefCell::new(vec![None; survey.question_count()]),
            row_relevance: RefCell::new(Cache::default()),
            calculations: RefCell::new(Cache::default()),
            rows: RefCell::new(Cache::default()),
            has_special: std::cell::OnceCell::new(),
        }
    }

    /// The key of a slot's answer among the answers.
    pub fn key(&self, slot: Slot) -> String {
        crate::survey::roster::key(&self.survey.question_at(slot.index).name, slot.row)
    }

    /// The stored text of a slot's answer.
    pub fn answer(&self, slot: Slot) -> Option<&'a String> {
        stored(
            self.answers,
            &self.survey.question_at(slot.index).name,
            slot.row,
        )
    }

    /// Whether the question at `index` (outside rosters) is on the path.
    pub fn is_relevant(&self, index: usize) -> bool {
        self.is_relevant_at(Slot::at(index))
    }

    /// Whether a slot is on the interview's path: a roster question only in
    /// a row of its roster, and there when its section's and its own
    /// relevance hold for that row.
    pub fn is_relevant_at(&self, slot: Slot) -> bool {
        let roster = self.survey.roster_of(slot.index);
        match (roster, slot.row) {
            (None, 0) => {}
            (Some(section), row) if row >= 1 && row <= self.row_count(section) => {
                if let Some(known) = self.row_relevance.borrow().get(&slot) {
                    return *known;
                }
                self.row_relevance.borrow_mut().insert(slot, false);
                let result = self.relevance_holds(slot);
                self.row_relevance.borrow_mut().insert(slot, result);
                return result;
            }
            _ => return false,
        }
        if let Some(known) = self.relevance.borrow()[slot.index] {
            return known;
        }
        // Marked false while computing: a cycle (excluded by the loader)
        // would read as "not relevant" instead of recursing forever.
        self.relevance.borrow_mut()[slot.index] = Some(false);
        let result = self.relevance_holds(slot);
        self.relevance.borrow_mut()[slot.index] = Some(result);
        result
    }

    fn relevance_holds(&self, slot: Slot) -> bool {
        let section = self.survey.section_of(slot.index);
        let question = self.survey.question_at(slot.index);
        let env = self.env(slot);
        section
            .relevant
            .iter()
            .chain(question.relevant.iter())
            .all(|e| holds(&e.ast, &env))
    }

    /// The answer's value as expressions outside rosters see it: empty
    /// when unanswered, not relevant, a special answer, or a roster's
    /// question; a calculation's computed from the answers as they are now
    /// (what is stored of it is only for exports).
    pub fn value(&self, name: &str) -> Value<'a> {
        match self.survey.index_of(name) {
            Some(index) => self.value_at(Slot::at(index)),
            None => Value::Empty,
        }
    }

    /// A slot's value as expressions see it (see [`State::value`]).
    pub fn value_at(&self, slot: Slot) -> Value<'a> {
        if !self.is_relevant_at(slot) {
            return Value::Empty;
        }
        let question = self.survey.question_at(slot.index);
        if let Some(calculation) = &question.calculation {
            return self.calculated(slot, &calculation.ast);
        }
        match self.answer(slot) {
            Some(text) if Special::of_stored(text).is_none() => value_of(question, text),
            _ => Value::Empty,
        }
    }

    /// A calculation's value, computed once. The loader has ruled out
    /// cycles; one would read as empty instead of recursing forever.
    fn calculated(&self, slot: Slot, expr: &'a crate::survey::expr::Expr) -> Value<'a> {
        if let Some(known) = self.calculations.borrow().get(&slot) {
            return known.clone();
        }
        self.calculations.borrow_mut().insert(slot, Value::Empty);
        let value = eval(expr, &self.env(slot));
        self.calculations.borrow_mut().insert(slot, value.clone());
        value
    }

    /// `text` (a label, a hint, a constraint message) with each `${q}` and
    /// `${household.NAME}` in it replaced by its value as a person reads
    /// it in `lang`: a choice by its label, a number plainly; an empty
    /// value by nothing.
    pub fn fill(&self, text: &str, lang: crate::i18n::Lang) -> String {
        self.fill_at(text, lang, None)
    }

    /// Every calculation with its value as stored and exported (`None`
    /// when empty), keyed as the answers are, in order.
    pub fn calculations(&self) -> Vec<(String, Option<String>)> {
        self.slots()
            .into_iter()
            .filter(|slot| self.survey.question_at(slot.index).calculation.is_some())
            .map(|slot| {
                let text = match self.value_at(slot) {
                    Value::Empty => None,
                    Value::Number(n) => Some(format!("{n}")),
                    Value::Text(t) => Some(t.into_owned()),
                    Value::Bool(b) => Some(if b { "true" } else { "false" }.to_string()),
                };
                (self.key(slot), text)
            })
            .collect()
    }

    /// Every slot of the interview in order: each question outside rosters,
    /// and each roster's questions row after row, up to its count.
    pub fn slots(&self) -> Vec<Slot> {
        let mut out = Vec::with_capacity(self.survey.question_count());
        for section in &self.survey.sections {
            let positions = self.survey.positions_of(section);
            if section.roster.is_some() {
                for row in 1..=self.row_count(section) {
                    out.extend(positions.clone().map(|index| Slot { index, row }));
                }
            } else {
                out.extend(positions.map(Slot::at));
            }
        }
        out
    }

    /// The slots shown on the path, in order (notes included,
    /// calculations not).
    pub fn path(&self) -> Vec<Slot> {
        self.slots()
            .into_iter()
            .filter(|&s| self.survey.question_at(s.index).kind.is_shown() && self.is_relevant_at(s))
            .collect()
    }

    /// Relevant required slots without an answer, in order.
    pub fn missing(&self) -> Vec<Slot> {
        self.slots()
            .into_iter()
            .filter(|&s| {
                let q = self.survey.question_at(s.index);
                q.required
                    && q.kind.is_answered()
                    && self.answer(s).is_none()
                    && self.is_relevant_at(s)
            })
            .collect()
    }

    /// Everything that keeps this interview from being complete, in
    /// question order: every relevant required question without an
    /// answer, and every relevant answer that its type, bounds or
    /// constraint no longer accept (an answer it depends on changed after
    /// it was given). Answers of skipped questions never count.
    pub fn failures(&self) -> Vec<Failure> {
        let mut out = self.answer_failures();
        // Rows answered past a lowered count wait for the interviewer to
        // say which to drop: until then the interview is not complete.
        for (section, answered) in self.rows_past_count() {
            let count = self.row_count(section);
            let Some(first) = section.questions.first() else {
                continue;
            };
            let label = |lang| {
                section
                    .label
                    .as_ref()
                    .map_or(section.name.as_str(), |l| l.get(lang))
            };
            let (zh, en) = (label(crate::i18n::Lang::Zh), label(crate::i18n::Lang::En));
            out.push(Failure::Invalid {
                question: crate::survey::roster::key(&first.name, count + 1),
                message: tr!(
                    "“{zh}”有 {answered} 行答案,行数现在是 {count}:先选出要删的行",
                    "\"{en}\" has {answered} rows answered and a count of {count} now: choose the rows to drop first"
                ),
            });
        }
        out
    }

    fn answer_failures(&self) -> Vec<Failure> {
        self.slots()
            .into_iter()
            .filter(|&s| self.is_relevant_at(s))
            .filter_map(|s| {
                let q = self.survey.question_at(s.index);
                if !q.kind.is_answered() {
                    return None;
                }
                match self.answer(s) {
                    None if q.required => Some(Failure::Missing {
                        question: self.key(s),
                    }),
                    None => None,
                    Some(text) => self.accept_at(s, text).err().map(|e| Failure::Invalid {
                        question: self.key(s),
                        message: e.message,
                    }),
                }
            })
            .collect()
    }

    /// Checks a typed answer to the question at `index` (outside rosters).
    pub fn accept(&self, index: usize, raw: &str) -> Result<String, AnswerError> {
        self.accept_at(Slot::at(index), raw)
    }

    /// Checks a typed answer to a slot against its type, bounds and
    /// constraint, and returns the canonical text to store. A special
    /// answer the question allows is taken as it is.
    pub fn accept_at(&self, slot: Slot, raw: &str) -> Result<String, AnswerError> {
        let question = self.survey.question_at(slot.index);
        let text = canonical(self.survey, question, raw)?;
        if Special::of_stored(&text).is_some() {
            return Ok(text);
        }
        let Some(constraint) = &question.constraint else {
            return Ok(text);
        };
        // A calculation the constraint reads takes this answer as it
        // would be saved (the answers are copied only then).
        let mut reads_calculation = false;
        constraint.ast.walk(&mut |e| {
            if let ExprKind::Question(n) = &e.kind {
                reads_calculation |= self
                    .survey
                    .question(n)
                    .is_some_and(|q| q.calculation.is_some());
            }
        });
        let holds = if reads_calculation {
            let mut answers = self.answers.clone();
            answers.insert(self.key(slot), text.clone());
            State::new(self.survey, &answers, self.household).constraint_holds(slot, &text)
        } else {
            self.constraint_holds(slot, &text)
        };
        if holds {
            return Ok(text);
        }
        refuse(self.constraint_message(slot, &constraint.ast))
    }

    /// Whether the constraint of a slot's question holds for `text` (its
    /// canonical answer) as `.`.
    fn constraint_holds(&self, slot: Slot, text: &str) -> bool {
        let question = self.survey.question_at(slot.index);
        let Some(constraint) = &question.constraint else {
            return true;
        };
        let env = rows::At {
            state: self,
            row: slot.row,
            roster: self.survey.roster_of(slot.index),
            dot: value_of(question, text),
        };
        eval(&constraint.ast, &env).truth() == Some(true)
    }

    /// What a refused constraint says.
    fn constraint_message(&self, slot: Slot, constraint: &crate::survey::expr::Expr) -> Tr {
        let question = self.survey.question_at(slot.index);
        let mut message = match &question.constraint_message {
            Some(label) => Tr {
                zh: self.fill_at(label.in_code("zh"), crate::i18n::Lang::Zh, Some(slot)),
                en: self.fill_at(label.in_code("en"), crate::i18n::Lang::En, Some(slot)),
            },
            None => tr!(
                "答案不符合本题的要求",
                "the answer does not meet this question's condition"
            ),
        };
        // A limit set by the registry says what it is now: the members may
        // have changed since the household was visited. (Unless the
        // author's message shows them already.)
        let shown = question.constraint_message.as_ref().is_some_and(|l| {
            ["zh", "en"]
                .iter()
                .any(|code| l.in_code(code).contains("${household.members}"))
        });
        let mut members = false;
        constraint.walk(&mut |e| {
            members |= e.kind == ExprKind::Household(HouseholdField::Members);
        });
        if members && !shown {
            let n = self.household.members;
            message.zh.push_str(&format!("(家庭人口 {n} 人)"));
            message.en.push_str(&format!(" (household members: {n})"));
        }
        message
    }
}

/// How a stored answer reads for a person: choice labels in `lang` (joined
/// with "；" in Chinese and ", " in English: a label may hold a 、), a
/// number with its unit, text as it is.
pub fn display_answer(
    survey: &Survey,
    question: &str,
    stored: &str,
    lang: crate::i18n::Lang,
) -> String {
    let sep = match lang {
        crate::i18n::Lang::Zh => "；",
        crate::i18n::Lang::En => ", ",
    };
    let Some(q) = survey.question(question) else {
        return stored.to_string();
    };
    if let Some(special) = Special::of_stored(stored) {
        return special.label().get(lang).to_string();
    }
    let in_roster = survey
        .index_of(question)
        .is_some_and(|i| survey.roster_of(i).is_some());
    if in_roster && stored.contains(ROW_SEPARATOR) {
        return stored
            .split(ROW_SEPARATOR)
            .map(|row| display_answer(survey, question, row, lang))
            .collect::<Vec<_>>()
            .join(ROW_SEPARATOR);
    }
    let choices = survey.choices_of(q);
    if q.kind == QuestionKind::SelectMultiple && stored.is_empty() {
        return tr!("一项也没选", "none ticked").get(lang).to_string();
    }
    if choices.is_empty() {
        return match &q.unit {
            Some(unit) => format!("{stored} {}", unit.get(lang)),
            None => stored.to_string(),
        };
    }
    survey.choice_labels(q, stored, lang).join(sep)
}

#[cfg(test)]
mod tests;

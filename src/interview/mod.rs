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
use crate::survey::{Need, Question, QuestionKind, Survey};
use crate::tr;

mod answer;

pub use answer::{AnswerError, canonical};
use answer::{refuse, value_of};

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
    /// The name of the question that fails.
    pub fn question(&self) -> &str {
        match self {
            Failure::Missing { question } | Failure::Invalid { question, .. } => question,
        }
    }

    /// The failure said for a person, naming the question by its label in
    /// `survey` (by its name when the survey has no such question).
    pub fn describe(&self, survey: &Survey) -> Tr {
        let name = self.question();
        let label = |lang| survey.question(name).map_or(name, |q| q.label.get(lang));
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
/// `answers` (an empty one removed), computed from the other answers with
/// `household`. True when anything changed. Done wherever answers are
/// written, so that what is stored always follows the answers.
pub fn settle(survey: &Survey, answers: &mut Answers, household: &HouseholdFacts) -> bool {
    let computed: Vec<(String, Option<String>)> = {
        let state = State::new(survey, answers, household);
        state
            .calculations()
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect()
    };
    let mut changed = false;
    for (name, value) in computed {
        let before = match value {
            Some(v) => answers.insert(name, v.clone()).is_none_or(|old| old != v),
            None => answers.remove(&name).is_some(),
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

/// The state of one interview: relevance, values, completeness and need
/// hits, computed from the answers on demand. A question that is not
/// relevant reads as empty everywhere, so a stale answer left behind by a
/// changed skip never counts.
pub struct State<'a> {
    pub survey: &'a Survey,
    pub answers: &'a Answers,
    pub household: &'a HouseholdFacts,
    /// Relevance by question position, filled lazily. Expressions may read
    /// later questions; the loader has ruled out cycles, so the recursion
    /// ends.
    relevance: RefCell<Vec<Option<bool>>>,
    /// Calculations' values by question position, filled lazily.
    calculations: RefCell<std::collections::HashMap<usize, Value>>,
}

impl<'a> State<'a> {
    pub fn new(survey: &'a Survey, answers: &'a Answers, household: &'a HouseholdFacts) -> Self {
        State {
            survey,
            answers,
            household,
            relevance: RefCell::new(vec![None; survey.question_count()]),
            calculations: RefCell::new(std::collections::HashMap::new()),
        }
    }

    /// Whether the question at `index` is on the interview's path.
    pub fn is_relevant(&self, index: usize) -> bool {
        if let Some(known) = self.relevance.borrow()[index] {
            return known;
        }
        // Marked false while computing: a cycle (excluded by the loader)
        // would read as "not relevant" instead of recursing forever.
        self.relevance.borrow_mut()[index] = Some(false);
        let section = self.survey.section_of(index);
        let question = self.survey.question_at(index);
        let result = section
            .relevant
            .iter()
            .chain(question.relevant.iter())
            .all(|e| holds(&e.ast, self));
        self.relevance.borrow_mut()[index] = Some(result);
        result
    }

    /// The answer's value as expressions see it: empty when unanswered or
    /// not relevant; a calculation's computed from the answers as they are
    /// now (what is stored of it is only for exports).
    pub fn value(&self, name: &str) -> Value {
        let Some(index) = self.survey.index_of(name) else {
            return Value::Empty;
        };
        let question = self.survey.question_at(index);
        if !self.is_relevant(index) {
            return Value::Empty;
        }
        if let Some(calculation) = &question.calculation {
            return self.calculated(index, &calculation.ast);
        }
        match self.answers.get(name) {
            Some(text) => value_of(question, text),
            None => Value::Empty,
        }
    }

    /// A calculation's value, computed once. The loader has ruled out
    /// cycles; one would read as empty instead of recursing forever.
    fn calculated(&self, index: usize, expr: &crate::survey::expr::Expr) -> Value {
        if let Some(known) = self.calculations.borrow().get(&index) {
            return known.clone();
        }
        self.calculations.borrow_mut().insert(index, Value::Empty);
        let value = eval(expr, self);
        self.calculations.borrow_mut().insert(index, value.clone());
        value
    }

    /// `text` (a label, a hint, a constraint message) with each `${q}` and
    /// `${household.NAME}` in it replaced by its value as a person reads
    /// it in `lang`: a choice by its label, a number plainly; an empty
    /// value by nothing.
    pub fn fill(&self, text: &str, lang: crate::i18n::Lang) -> String {
        if !text.contains("${") {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            out.push_str(&self.shown(&after[..end], lang));
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// A reference's value as [`State::fill`] shows it.
    fn shown(&self, name: &str, lang: crate::i18n::Lang) -> String {
        let value = match name.strip_prefix("household.") {
            Some(field) => HouseholdField::ALL
                .into_iter()
                .find(|f| f.name() == field)
                .map_or(Value::Empty, |f| self.household(f)),
            None => self.value(name),
        };
        let text = match value {
            Value::Empty => return String::new(),
            Value::Number(n) => format!("{n}"),
            Value::Text(t) => t,
            Value::Bool(b) => b.to_string(),
        };
        match self.survey.question(name) {
            Some(q) if !self.survey.choices_of(q).is_empty() => {
                display_answer(self.survey, name, &text, lang)
            }
            _ => text,
        }
    }

    /// Every calculation of the survey with its value as stored and
    /// exported (`None` when empty), in file order.
    pub fn calculations(&self) -> Vec<(&'a str, Option<String>)> {
        self.survey
            .questions()
            .filter(|q| q.calculation.is_some())
            .map(|q| {
                let text = match self.value(&q.name) {
                    Value::Empty => None,
                    Value::Number(n) => Some(format!("{n}")),
                    Value::Text(t) => Some(t),
                    Value::Bool(b) => Some(if b { "true" } else { "false" }.to_string()),
                };
                (q.name.as_str(), text)
            })
            .collect()
    }

    /// Positions of the questions shown on the path, in order (notes
    /// included, calculations not).
    pub fn path(&self) -> Vec<usize> {
        (0..self.survey.question_count())
            .filter(|&i| self.survey.question_at(i).kind.is_shown() && self.is_relevant(i))
            .collect()
    }

    /// Relevant required questions without an answer, in order.
    pub fn missing(&self) -> Vec<&'a Question> {
        (0..self.survey.question_count())
            .filter(|&i| {
                let q = self.survey.question_at(i);
                q.required
                    && q.kind.is_answered()
                    && !self.answers.contains_key(&q.name)
                    && self.is_relevant(i)
            })
            .map(|i| self.survey.question_at(i))
            .collect()
    }

    /// Everything that keeps this interview from being complete, in
    /// question order: every relevant required question without an
    /// answer, and every relevant answer that its type, bounds or
    /// constraint no longer accept (an answer it depends on changed after
    /// it was given). Answers of skipped questions never count.
    pub fn failures(&self) -> Vec<Failure> {
        (0..self.survey.question_count())
            .filter(|&i| self.is_relevant(i))
            .filter_map(|i| {
                let q = self.survey.question_at(i);
                if !q.kind.is_answered() {
                    return None;
                }
                match self.answers.get(&q.name) {
                    None if q.required => Some(Failure::Missing {
                        question: q.name.clone(),
                    }),
                    None => None,
                    Some(text) => self.accept(i, text).err().map(|e| Failure::Invalid {
                        question: q.name.clone(),
                        message: e.message,
                    }),
                }
            })
            .collect()
    }

    /// The need rules that fire on this interview, in file order.
    pub fn need_hits(&self) -> Vec<&'a Need> {
        self.survey
            .needs
            .iter()
            .filter(|n| holds(&n.when.ast, self))
            .collect()
    }

    /// Checks a typed answer to the question at `index` against its type,
    /// bounds and constraint, and returns the canonical text to store.
    pub fn accept(&self, index: usize, raw: &str) -> Result<String, AnswerError> {
        let question = self.survey.question_at(index);
        let text = canonical(self.survey, question, raw)?;
        if let Some(constraint) = &question.constraint {
            // A calculation the constraint reads takes this answer as it
            // would be saved (the answers are copied only then).
            let reads_calculation = constraint.ast.question_refs().iter().any(|(n, _)| {
                self.survey
                    .question(n)
                    .is_some_and(|q| q.calculation.is_some())
            });
            let with;
            let after;
            let state = if reads_calculation {
                let mut answers = self.answers.clone();
                answers.insert(question.name.clone(), text.clone());
                with = answers;
                after = State::new(self.survey, &with, self.household);
                &after
            } else {
                self
            };
            let env = Constrained {
                state,
                dot: value_of(question, &text),
            };
            if eval(&constraint.ast, &env).truth() != Some(true) {
                let mut message = match &question.constraint_message {
                    Some(label) => Tr {
                        zh: self.fill(label.in_code("zh"), crate::i18n::Lang::Zh),
                        en: self.fill(label.in_code("en"), crate::i18n::Lang::En),
                    },
                    None => tr!(
                        "答案不符合本题的要求",
                        "the answer does not meet this question's condition"
                    ),
                };
                // A limit set by the registry says what it is now: the
                // members may have changed since the household was visited.
                // (Unless the author's message shows them already.)
                let shown = question.constraint_message.as_ref().is_some_and(|l| {
                    ["zh", "en"]
                        .iter()
                        .any(|code| l.in_code(code).contains("${household.members}"))
                });
                let mut members = false;
                constraint.ast.walk(&mut |e| {
                    members |= e.kind == ExprKind::Household(HouseholdField::Members);
                });
                let members = members && !shown;
                if members {
                    let n = self.household.members;
                    message.zh.push_str(&format!("(家庭人口 {n} 人)"));
                    message.en.push_str(&format!(" (household members: {n})"));
                }
                return refuse(message);
            }
        }
        Ok(text)
    }
}

impl Env for State<'_> {
    fn question(&self, name: &str) -> Value {
        self.value(name)
    }

    fn household(&self, field: HouseholdField) -> Value {
        let text = |s: &str| {
            if s.is_empty() {
                Value::Empty
            } else {
                Value::Text(s.to_string())
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

    fn dot(&self) -> Value {
        Value::Empty
    }

    fn started_at(&self) -> i64 {
        self.household.started_at
    }
}

/// The environment of a constraint: the interview, plus `.`.
struct Constrained<'s, 'a> {
    state: &'s State<'a>,
    dot: Value,
}

impl Env for Constrained<'_, '_> {
    fn question(&self, name: &str) -> Value {
        self.state.value(name)
    }
    fn household(&self, field: HouseholdField) -> Value {
        self.state.household(field)
    }
    fn started_at(&self) -> i64 {
        self.state.started_at()
    }
    fn dot(&self) -> Value {
        self.dot.clone()
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
    stored
        .split_whitespace()
        .map(|n| {
            choices
                .iter()
                .find(|c| c.name == n)
                .map_or(n, |c| c.label.get(lang))
        })
        .collect::<Vec<_>>()
        .join(sep)
}

#[cfg(test)]
mod tests;

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
use crate::survey::expr::HouseholdField;
use crate::survey::expr::eval::{Env, Value, eval, holds};
use crate::survey::{Need, Question, QuestionKind, Survey, date_from_written};
use crate::tr;

/// Answers of one interview: question name → canonical text.
pub type Answers = BTreeMap<String, String>;

/// The registry fields of a household that expressions may read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HouseholdFacts {
    pub members: i64,
    pub village: String,
    pub township: String,
    pub group: String,
}

/// Why an answer was not accepted, in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerError {
    pub message: Tr,
}

fn refuse<T>(message: Tr) -> Result<T, AnswerError> {
    Err(AnswerError { message })
}

/// The value of a stored answer in expressions.
fn value_of(question: &Question, text: &str) -> Value {
    if question.kind.is_numeric() {
        text.parse().map_or(Value::Empty, Value::Number)
    } else {
        Value::Text(text.to_string())
    }
}

fn format_bound(n: f64) -> String {
    n.to_string()
}

/// Checks the type, choice names and bounds of a typed answer and returns
/// its canonical text. The constraint is checked by [`State::accept`],
/// which knows the other answers.
pub fn canonical(survey: &Survey, question: &Question, raw: &str) -> Result<String, AnswerError> {
    let text = crate::text::half_width(raw);
    if text.is_empty() {
        return refuse(tr!("请填写答案", "please enter an answer"));
    }
    if let Some((n, canonical)) = number(question, &text)? {
        within_bounds(question, n)?;
        return Ok(canonical);
    }
    match question.kind {
        QuestionKind::Date => match date_from_written(&text) {
            Some(date) => Ok(date),
            None => refuse(tr!(
                "日期写作 2026-03-01、2026/3/1、2026.3.1 或 2026年3月1日",
                "write the date as 2026-03-01, 2026/3/1, 2026.3.1 or 2026年3月1日"
            )),
        },
        QuestionKind::SelectOne | QuestionKind::YesNo => {
            if survey.choices_of(question).iter().any(|c| c.name == text) {
                Ok(text)
            } else {
                refuse(tr!(
                    "'{text}' 不是本题的选项",
                    "'{text}' is not a choice of this question"
                ))
            }
        }
        QuestionKind::SelectMultiple => {
            let choices = survey.choices_of(question);
            let picked: Vec<&str> = text.split_whitespace().collect();
            if let Some(bad) = picked
                .iter()
                .find(|p| !choices.iter().any(|c| c.name == **p))
            {
                return refuse(tr!(
                    "'{bad}' 不是本题的选项",
                    "'{bad}' is not a choice of this question"
                ));
            }
            let names: Vec<&str> = choices
                .iter()
                .filter(|c| picked.contains(&c.name.as_str()))
                .map(|c| c.name.as_str())
                .collect();
            Ok(names.join(" "))
        }
        _ => Ok(raw.trim().to_string()),
    }
}

/// The value and canonical text of an answer to a number question;
/// `None` for other kinds (a note takes no answer at all).
fn number(question: &Question, text: &str) -> Result<Option<(f64, String)>, AnswerError> {
    match question.kind {
        QuestionKind::Note => refuse(tr!("说明不需要回答", "a note takes no answer")),
        QuestionKind::Integer => {
            match plain_number(text, false).and_then(|t| t.parse::<i64>().ok()) {
                Some(n) => Ok(Some((n as f64, n.to_string()))),
                None => refuse(tr!(
                    "请填写整数,例如 12",
                    "enter a whole number, for example 12"
                )),
            }
        }
        QuestionKind::Decimal => match plain_number(text, true).and_then(|t| t.parse::<f64>().ok())
        {
            Some(n) if n.is_finite() => Ok(Some((n, n.to_string()))),
            _ => refuse(tr!(
                "请填写数字,例如 2.5",
                "enter a number, for example 2.5"
            )),
        },
        _ => Ok(None),
    }
}

/// `text` when it is a number in plain notation: an optional minus, digits,
/// and (when `point`) a decimal point with digits on both sides. What
/// Rust would also read (`+3`, `5.`, `.5`, `1e3`, `inf`) is refused: a
/// cadre who typed it meant something else, or mistyped.
fn plain_number(text: &str, point: bool) -> Option<&str> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) if point => (w, Some(f)),
        Some(_) => return None,
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(whole) && fraction.is_none_or(digits)).then_some(text)
}

/// Refuses a number outside the question's bounds.
fn within_bounds(question: &Question, n: f64) -> Result<(), AnswerError> {
    if let Some(min) = question.min
        && n < min
    {
        let m = format_bound(min);
        return refuse(tr!("不能小于 {m}", "must be at least {m}"));
    }
    if let Some(max) = question.max
        && n > max
    {
        let m = format_bound(max);
        return refuse(tr!("不能大于 {m}", "must be at most {m}"));
    }
    Ok(())
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
}

impl<'a> State<'a> {
    pub fn new(survey: &'a Survey, answers: &'a Answers, household: &'a HouseholdFacts) -> Self {
        State {
            survey,
            answers,
            household,
            relevance: RefCell::new(vec![None; survey.question_count()]),
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
    /// not relevant.
    pub fn value(&self, name: &str) -> Value {
        let Some(index) = self.survey.index_of(name) else {
            return Value::Empty;
        };
        match self.answers.get(name) {
            Some(text) if self.is_relevant(index) => value_of(self.survey.question_at(index), text),
            _ => Value::Empty,
        }
    }

    /// Positions of the questions on the path, in order (notes included).
    pub fn path(&self) -> Vec<usize> {
        (0..self.survey.question_count())
            .filter(|&i| self.is_relevant(i))
            .collect()
    }

    /// Relevant required questions without an answer, in order.
    pub fn missing(&self) -> Vec<&'a Question> {
        (0..self.survey.question_count())
            .filter(|&i| {
                let q = self.survey.question_at(i);
                q.required
                    && q.kind != QuestionKind::Note
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
                if q.kind == QuestionKind::Note {
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
            let env = Constrained {
                state: self,
                dot: value_of(question, &text),
            };
            if eval(&constraint.ast, &env).truth() != Some(true) {
                let message = match &question.constraint_message {
                    Some(label) => Tr {
                        zh: label.in_code("zh").to_string(),
                        en: label.in_code("en").to_string(),
                    },
                    None => tr!(
                        "答案不符合本题的要求",
                        "the answer does not meet this question's condition"
                    ),
                };
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
        match field {
            HouseholdField::Members => Value::Number(self.household.members as f64),
            HouseholdField::Village => text(&self.household.village),
            HouseholdField::Township => text(&self.household.township),
            HouseholdField::Group => text(&self.household.group),
        }
    }

    fn dot(&self) -> Value {
        Value::Empty
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
    fn dot(&self) -> Value {
        self.dot.clone()
    }
}

/// How a stored answer reads for a person: choice labels in `lang` (joined
/// with `sep` for several), a number with its unit, text as it is.
pub fn display_answer(
    survey: &Survey,
    question: &str,
    stored: &str,
    lang: crate::i18n::Lang,
    sep: &str,
) -> String {
    let Some(q) = survey.question(question) else {
        return stored.to_string();
    };
    let choices = survey.choices_of(q);
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
mod tests {
    use super::*;
    use crate::survey::bundled::BUNDLED;
    use crate::survey::load;

    fn water() -> Survey {
        load(BUNDLED[1].1).survey.expect("water loads")
    }

    fn facts() -> HouseholdFacts {
        HouseholdFacts {
            members: 4,
            village: "曼贺".into(),
            township: "勐烈镇".into(),
            group: String::new(),
        }
    }

    #[test]
    fn canonical_forms() {
        let s = water();
        let q = |n: &str| s.question(n).expect("question");
        assert_eq!(canonical(&s, q("fetch_minutes"), " ４５ "), Ok("45".into()));
        assert_eq!(
            canonical(&s, q("fetch_minutes"), "700").map_err(|e| e.message.en),
            Err("must be at most 600".into())
        );
        assert_eq!(
            canonical(&s, q("fetch_minutes"), "abc").map_err(|e| e.message.en),
            Err("enter a whole number, for example 12".into())
        );
        assert_eq!(
            canonical(&s, q("quality_problems"), "illness turbid illness"),
            Ok("turbid illness".into())
        );
        assert!(canonical(&s, q("main_source"), "river").is_err());
        assert_eq!(
            canonical(&s, q("remarks"), " 水管坏了 "),
            Ok("水管坏了".into())
        );
    }

    #[test]
    fn numbers_in_plain_notation_and_dates_as_people_write_them() {
        let housing = load(BUNDLED[0].1).survey.expect("housing loads");
        let area = housing.question("floor_area").expect("question");
        for (typed, stored) in [
            ("85", "85"),
            ("85.5", "85.5"),
            ("８５．５", "85.5"),
            ("0.25", "0.25"),
        ] {
            assert_eq!(
                canonical(&housing, area, typed),
                Ok(stored.into()),
                "{typed}"
            );
        }
        for typed in ["1e3", "1e-2", "+3", "5.", ".5", "inf", "NaN", "1.2.3", "-"] {
            assert!(canonical(&housing, area, typed).is_err(), "{typed}");
        }
        let s = water();
        let minutes = s.question("fetch_minutes").expect("question");
        assert!(canonical(&s, minutes, "+3").is_err());
        assert!(canonical(&s, minutes, "3.0").is_err());
        let source = "[survey]\nid = \"t\"\nversion = \"1\"\ncategory = \"water\"\ntitle = \"T\"\n\n\
                      [[section]]\nname = \"s\"\n\n[[section.question]]\nname = \"built\"\n\
                      type = \"date\"\nlabel = \"Built?\"\n";
        let dated = load(source).survey.expect("loads");
        let built = dated.question("built").expect("question");
        for typed in [
            "2025-11-28",
            "2025/11/28",
            "2025.11.28",
            "2025年11月28日",
            "２０２５/11/28",
        ] {
            assert_eq!(
                canonical(&dated, built, typed),
                Ok("2025-11-28".into()),
                "{typed}"
            );
        }
        let refused = canonical(&dated, built, "28/11/2025").map_err(|e| e.message.zh);
        assert_eq!(
            refused,
            Err("日期写作 2026-03-01、2026/3/1、2026.3.1 或 2026年3月1日".into())
        );
    }

    #[test]
    fn constraint_uses_dot_and_message() {
        let s = water();
        let answers = Answers::new();
        let f = facts();
        let state = State::new(&s, &answers, &f);
        let i = s.index_of("quality_problems").expect("question");
        let err = state.accept(i, "none turbid").map_err(|e| e.message.zh);
        assert_eq!(err, Err("选了“以上都没有”就不能再选其他问题".into()));
        assert_eq!(state.accept(i, "none"), Ok("none".into()));
    }

    fn schooling() -> Survey {
        load(BUNDLED[3].1).survey.expect("schooling loads")
    }

    #[test]
    fn failures_check_every_constraint_again() {
        let s = schooling();
        let f = facts();
        let mut answers = Answers::new();
        for (q, a) in [
            ("children_6_15", "3"),
            ("not_attending", "2"),
            ("dropout_reasons", "cost"),
            ("school_minutes", "30"),
            ("boarders", "0"),
            ("route_hazards", "none"),
            ("urgency", "low"),
        ] {
            answers.insert(q.into(), a.into());
        }
        assert_eq!(failures(&s, &answers, &f), []);
        // Fewer children than the ones said to be out of school: the
        // answer to not_attending was accepted once, and fails now.
        answers.insert("children_6_15".into(), "1".into());
        assert_eq!(
            failures(&s, &answers, &f),
            [Failure::Invalid {
                question: "not_attending".into(),
                message: tr!(
                    "不能超过 6 到 15 岁孩子的人数",
                    "Cannot be more than the children aged 6 to 15"
                ),
            }]
        );
        // A household smaller than the children said (the registry
        // changed): the constraint that reads the household fails too.
        answers.insert("children_6_15".into(), "3".into());
        let small = HouseholdFacts {
            members: 2,
            ..facts()
        };
        let names: Vec<String> = failures(&s, &answers, &small)
            .iter()
            .map(|f| f.question().to_string())
            .collect();
        assert_eq!(names, ["children_6_15"]);
        // Missing answers are listed with the failing ones, in order;
        // a skipped question's stale answer is not.
        answers.insert("children_6_15".into(), "2".into());
        answers.insert("not_attending".into(), "3".into());
        answers.remove("urgency");
        let found = failures(&s, &answers, &f);
        assert_eq!(
            found.iter().map(Failure::question).collect::<Vec<_>>(),
            ["not_attending", "urgency"]
        );
        assert!(matches!(found[1], Failure::Missing { .. }));
        answers.insert("children_6_15".into(), "0".into());
        answers.insert("urgency".into(), "low".into());
        assert_eq!(
            failures(&s, &answers, &f),
            [],
            "not_attending is skipped when there are no children"
        );
    }

    #[test]
    fn stale_answers_do_not_count() {
        let s = water();
        let mut answers = Answers::new();
        answers.insert("main_source".into(), "surface".into());
        answers.insert("fetch_minutes".into(), "45".into());
        let f = facts();
        let hits = |a: &Answers| -> Vec<String> {
            State::new(&s, a, &f)
                .need_hits()
                .iter()
                .map(|n| n.name.clone())
                .collect()
        };
        assert_eq!(hits(&answers), ["surface_water", "water_far"]);
        answers.insert("main_source".into(), "piped_home".into());
        assert_eq!(
            hits(&answers),
            Vec::<String>::new(),
            "fetch_minutes is skipped now"
        );
        let state = State::new(&s, &answers, &f);
        assert!(!state.is_relevant(s.index_of("fetch_minutes").expect("q")));
        assert!(
            !state.is_relevant(s.index_of("fetch_climb_m").expect("q")),
            "depends on a skipped question"
        );
        let missing: Vec<&str> = state.missing().iter().map(|q| q.name.as_str()).collect();
        assert_eq!(
            missing,
            [
                "shortage_days",
                "quality_problems",
                "toilet",
                "handwashing",
                "urgency"
            ]
        );
    }
}

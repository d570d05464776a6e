//! Which need rules fire on an interview, per household or per row of a
//! roster, and which cannot be told because they depend on a "don't know"
//! or a refusal.

use super::*;
use crate::survey::expr::Expr;
use crate::survey::{Need, Section};

/// How a need rule came out on an interview, when it did not simply hold
/// false.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It fired; for a rule counted per row, on this many rows (persons).
    Affected { persons: Option<u32> },
    /// It cannot be told: its outcome depends on a special answer.
    Unknown,
}

/// A need rule with its outcome.
#[derive(Clone, Copy, Debug)]
pub struct Fired<'a> {
    pub need: &'a Need,
    pub outcome: Outcome,
}

/// How deep calculations are followed looking for a special answer.
const DEPTH: u8 = 8;

impl<'a> State<'a> {
    /// The need rules that fire on this interview, or cannot be told, in
    /// file order. A rule counted per row fires when one of its rows does.
    pub fn need_hits(&self) -> Vec<Fired<'a>> {
        self.survey
            .needs
            .iter()
            .filter_map(|need| self.outcome(need).map(|outcome| Fired { need, outcome }))
            .collect()
    }

    /// The outcome of one rule; `None` when it holds false (no problem).
    pub fn outcome(&self, need: &Need) -> Option<Outcome> {
        let Some(section) = need.repeat.as_deref().and_then(|r| self.survey.roster(r)) else {
            let value = eval(&need.when.ast, self);
            return self.judge(&value, &need.when.ast, 0, None).map(|affected| {
                if affected {
                    Outcome::Affected { persons: None }
                } else {
                    Outcome::Unknown
                }
            });
        };
        let (mut persons, mut unknown) = (0u32, false);
        for row in 1..=self.row_count(section) {
            let value = self.at_row(&section.name, row, &need.when.ast);
            match self.judge(&value, &need.when.ast, row, Some(section)) {
                Some(true) => persons += 1,
                Some(false) => unknown = true,
                None => {}
            }
        }
        if persons > 0 {
            Some(Outcome::Affected {
                persons: Some(persons),
            })
        } else {
            unknown.then_some(Outcome::Unknown)
        }
    }

    /// `Some(true)` when the condition holds, `Some(false)` when it cannot
    /// be told (empty, and a special answer among what it reads), `None`
    /// when it does not hold.
    fn judge(
        &self,
        value: &Value,
        expr: &Expr,
        row: u32,
        roster: Option<&Section>,
    ) -> Option<bool> {
        match value.truth() {
            Some(true) => Some(true),
            Some(false) => None,
            None if !self.has_special() => None,
            None => self
                .reads_special(expr, row, roster, DEPTH)
                .then_some(false),
        }
    }

    /// Whether any answer is a special one: most interviews have none, and
    /// then no rule needs to look for one.
    fn has_special(&self) -> bool {
        *self.has_special.get_or_init(|| {
            self.answers
                .values()
                .any(|v| Special::of_stored(v).is_some())
        })
    }

    /// Whether `expr`, evaluated in `row` of `roster` (or outside rosters),
    /// reads a relevant special answer, directly or through calculations.
    fn reads_special(&self, expr: &Expr, row: u32, roster: Option<&Section>, depth: u8) -> bool {
        if depth == 0 {
            return false;
        }
        expr.question_refs().into_iter().any(|(name, _)| {
            let Some(index) = self.survey.index_of(name) else {
                return false;
            };
            let rows: Vec<u32> = match self.survey.roster_of(index) {
                Some(own) if roster.is_some_and(|r| std::ptr::eq(r, own)) => vec![row],
                Some(own) => (1..=self.row_count(own)).collect(),
                None => vec![0],
            };
            let question = self.survey.question_at(index);
            rows.into_iter().any(|row| {
                let slot = Slot { index, row };
                if !self.is_relevant_at(slot) {
                    return false;
                }
                match &question.calculation {
                    Some(calc) => {
                        let own = self.survey.roster_of(index).filter(|_| row > 0);
                        self.reads_special(&calc.ast, row, own, depth - 1)
                    }
                    None => self
                        .answer(slot)
                        .is_some_and(|t| Special::of_stored(t).is_some()),
                }
            })
        })
    }
}

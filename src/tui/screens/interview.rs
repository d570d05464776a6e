//! One interview's state and how it moves: which questions are on the
//! path, which are answered, missing or failing, the question shown, and
//! saving an answer. Shown one question at a time by [`super::question`]
//! and as a whole by [`super::review`]; nothing here draws.
//!
//! Every answer goes through [`crate::store::Store::save_answer`] (one
//! durable transaction) before the next question is shown.

use std::rc::Rc;

use tui_input::Input;

use super::{Ctx, Go, Outcome, Screen, tr};
use crate::i18n::{Lang, Tr};
use crate::interview::{Failure, Slot, State};
use crate::store::StoreError;
use crate::store::interview::{Interview as Record, Status};
use crate::survey::{QuestionKind, Survey};
use crate::tui::text::T;
use crate::tui::widgets::status_bar::Notice;

/// What Enter does right after the interview is completed here.
#[derive(Clone, Debug)]
pub enum Next {
    /// Opens the household's next survey not complete (position in the
    /// menu, and the survey).
    Survey(usize, Rc<Survey>),
    /// Every survey of the household is complete: back to the households,
    /// on the next one of the same cadre.
    Household,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Question,
    Review {
        selected: usize,
    },
    /// The rows of a roster (`section` in the survey's sections); the
    /// selected line may be one past the rows: going on.
    Roster {
        section: usize,
        selected: usize,
    },
    /// The roster's count was lowered below the rows answered: which rows
    /// to drop, picked in [`Interview::dropping`].
    DropRows {
        section: usize,
    },
}

pub struct Interview {
    pub record: Record,
    /// Whether the interview is in the database. A survey not begun is
    /// written with its first answer (or when completed), so opening one
    /// and leaving it leaves no empty draft behind.
    pub stored: bool,
    /// Reopened on this screen: leaving it as a draft takes the household
    /// out of the priorities for this survey, which is said first.
    pub reopened: bool,
    /// Leaving was asked for, and this question is shown in the key bar:
    /// `y` completes, `n` keeps the draft, Esc leaves (after a reopening).
    pub leaving: Option<T>,
    /// Offered once the interview is completed here, until another key.
    pub next: Option<Next>,
    /// The question shown was opened from the review to be corrected:
    /// once its answer is saved the review comes back.
    pub from_review: bool,
    /// Completing was refused: the questions to see to (position, label
    /// and why), listed over the review, each one key away.
    pub to_fix: Option<Vec<(Slot, Tr)>>,
    /// The question shown (and its row in a roster).
    pub current: Slot,
    /// The questions on the path (relevant ones, each roster's row after
    /// row), in order.
    pub path: Vec<Slot>,
    /// Positions on the path with an answer.
    pub answered: Vec<bool>,
    /// The review's rows: the path, and the calculations the author gave
    /// a label (read-only), in file order.
    pub review: Vec<Slot>,
    /// Each calculation's value as it reads now.
    pub calculated: Vec<(Slot, Option<String>)>,
    /// Relevant required questions without an answer.
    pub missing: Vec<Slot>,
    /// Relevant answers their question no longer accepts (an answer they
    /// depend on changed), by position, with the reason.
    pub failing: Vec<(Slot, Tr)>,
    pub input: Input,
    /// Toggled choices of a multiple-choice question, in list order.
    pub picks: Vec<String>,
    pub error: Option<Tr>,
    pub mode: Mode,
    /// The rows picked to drop, in [`Mode::DropRows`].
    pub dropping: Vec<u32>,
}

/// Whether the question at `index` is answered by typing.
pub fn typed(survey: &Survey, index: usize) -> bool {
    matches!(
        survey.question_at(index).kind,
        QuestionKind::Integer | QuestionKind::Decimal | QuestionKind::Text | QuestionKind::Date
    )
}

impl Interview {
    /// Opens (or resumes) the interview of a household for the n-th
    /// survey, at its first unanswered question, or its review when
    /// nothing is missing.
    pub fn open(ctx: &Ctx<'_>, code: &str, n: usize) -> Outcome {
        let Some(survey) = ctx.surveys.get(n) else {
            return Outcome::default();
        };
        let (record, stored) = match ctx.store.find_interview(code, survey) {
            Ok(Some(record)) => (record, true),
            Ok(None) => match ctx.store.household(code) {
                Ok(Some(household)) => (not_begun(household, survey, ctx), false),
                Ok(None) => return Outcome::failed(&StoreError::UnknownHousehold(code.into())),
                Err(e) => return Outcome::failed(&e),
            },
            Err(e) => return Outcome::failed(&e),
        };
        let mut i = Interview {
            stored,
            reopened: false,
            leaving: None,
            next: None,
            from_review: false,
            to_fix: None,
            current: Slot::at(0),
            path: Vec::new(),
            answered: Vec::new(),
            review: Vec::new(),
            calculated: Vec::new(),
            missing: Vec::new(),
            failing: Vec::new(),
            input: Input::default(),
            picks: Vec::new(),
            error: None,
            mode: Mode::Question,
            dropping: Vec::new(),
            record,
        };
        i.recompute();
        match i.resume_at() {
            Some(idx) if i.record.status == Status::Draft => i.go_to(idx),
            _ => i.mode = Mode::Review { selected: 0 },
        }
        if i.mode != Mode::Question {
            i.current = i.path.first().copied().unwrap_or(Slot::at(0));
        }
        // A count lowered elsewhere (another laptop, a merge): which rows
        // to drop is asked first.
        if i.stored && i.record.status == Status::Draft {
            i.ask_rows_to_drop();
        }
        Outcome::go(Go::Push(Screen::Interview(Box::new(i))))
    }

    /// After completing: what comes next for the household, its next
    /// survey in menu order (from this one on, then from the first) not
    /// complete yet, else the next household.
    pub fn offer_next(&mut self, ctx: &Ctx<'_>) -> Result<(), StoreError> {
        let code = &self.record.household.code;
        let len = ctx.surveys.len();
        let n = (ctx.surveys.iter())
            .position(|s| s.id == self.record.survey.id)
            .unwrap_or(len);
        for j in (n + 1..len).chain(0..n.min(len)) {
            let survey = &ctx.surveys[j];
            // A visit form is filled at the cadre's visits, not in turn.
            if survey.mode == crate::survey::Mode::Visit {
                continue;
            }
            let done = ctx
                .store
                .find_interview(code, survey)?
                .is_some_and(|i| i.status == Status::Complete);
            if !done {
                self.next = Some(Next::Survey(j, Rc::clone(survey)));
                return Ok(());
            }
        }
        self.next = Some(Next::Household);
        Ok(())
    }

    /// Enter right after completing: the next survey in place of this
    /// one, or back to the households on the next one of the cadre.
    pub fn go_next(&self, ctx: &Ctx<'_>, next: Next) -> Outcome {
        let code = &self.record.household.code;
        match next {
            Next::Survey(j, _) => {
                let opened = Interview::open(ctx, code, j);
                match opened.go {
                    Go::Push(screen) => Outcome {
                        go: Go::Replace(screen),
                        ..opened
                    },
                    _ => opened,
                }
            }
            Next::Household => Outcome::go(Go::BackToNext(code.clone())),
        }
    }

    /// `text` of the question at `slot` with the values of the `${...}`
    /// and `{row}` in it (see [`State::fill_at`]).
    pub fn fill(&self, text: &str, lang: Lang, slot: Slot) -> String {
        if !text.contains("${") && !text.contains("{row}") {
            return text.to_string();
        }
        let facts = self.record.facts();
        State::new(&self.record.survey, &self.record.answers, &facts).fill_at(
            text,
            lang,
            Some(slot),
        )
    }

    /// The stored answer of a slot.
    pub fn answer(&self, slot: Slot) -> Option<&String> {
        let name = &self.record.survey.question_at(slot.index).name;
        crate::interview::stored(&self.record.answers, name, slot.row)
    }

    /// The review's row of a slot (the first row if it has none).
    pub fn review_row(&self, slot: Slot) -> usize {
        self.review.iter().position(|&i| i == slot).unwrap_or(0)
    }

    /// Where the current question is on the path.
    pub fn step(&self) -> usize {
        self.path
            .iter()
            .position(|&i| i == self.current)
            .unwrap_or(0)
    }

    /// The gauge: questions on the path answered or passed over (an
    /// optional one left empty before the one shown), and how many take an
    /// answer (notes never count), so that a whole interview reaches the
    /// end.
    pub fn progress(&self) -> (usize, usize) {
        let survey = &self.record.survey;
        let step = self.step();
        let mut done = 0;
        let mut answerable = 0;
        for (n, (&slot, &answered)) in self.path.iter().zip(&self.answered).enumerate() {
            let q = survey.question_at(slot.index);
            if !q.kind.is_answered() {
                continue;
            }
            answerable += 1;
            if answered || (n < step && !q.required) {
                done += 1;
            }
        }
        (done, answerable)
    }

    /// Whether a slot is missing or has a failing answer.
    pub fn wants_attention(&self, slot: Slot) -> bool {
        self.missing.contains(&slot) || self.failing.iter().any(|(f, _)| *f == slot)
    }

    /// Where an interview resumes: its first relevant required question
    /// without an answer; when none, the first unanswered question after
    /// the last answered one (optional questions skipped earlier stay
    /// skipped); when none, nothing (the review).
    ///
    /// Notes just before that question on the path are shown first, in
    /// their place: a new interview opens at a note that begins it.
    fn resume_at(&self) -> Option<Slot> {
        let survey = &self.record.survey;
        let is_note = |slot: Slot| survey.question_at(slot.index).kind == QuestionKind::Note;
        let at = match self.missing.first() {
            Some(&first) => first,
            None => {
                let last = self.answered.iter().rposition(|a| *a).map_or(0, |s| s + 1);
                let (_, rest) = self.path.split_at(last.min(self.path.len()));
                let answered = &self.answered[last.min(self.answered.len())..];
                let (&at, _) = rest
                    .iter()
                    .zip(answered)
                    .find(|(idx, answered)| !**answered && !is_note(**idx))?;
                at
            }
        };
        let step = self.path.iter().position(|&p| p == at)?;
        let notes = self.path[..step]
            .iter()
            .rev()
            .take_while(|&&p| is_note(p))
            .count();
        Some(self.path[step - notes])
    }

    /// Recomputes the path, answered marks and missing list from the answers.
    pub fn recompute(&mut self) {
        let facts = self.record.facts();
        let survey = &self.record.survey;
        let state = State::new(survey, &self.record.answers, &facts);
        self.path = state.path();
        self.answered = self
            .path
            .iter()
            .map(|&s| state.answer(s).is_some())
            .collect();
        self.calculated = state
            .calculations()
            .into_iter()
            .filter_map(|(key, value)| Slot::of_key(survey, &key).map(|s| (s, value)))
            .collect();
        let on_path: std::collections::HashSet<Slot> = self.path.iter().copied().collect();
        self.review = state
            .slots()
            .into_iter()
            .filter(|&slot| {
                let q = survey.question_at(slot.index);
                on_path.contains(&slot)
                    || (q.calculation.is_some()
                        && !q.label.is_empty()
                        && state.is_relevant_at(slot))
            })
            .collect();
        self.missing = state.missing();
        self.failing = state
            .failures()
            .into_iter()
            .filter_map(|f| match f {
                Failure::Invalid { question, message } => {
                    Slot::of_key(survey, &question).map(|s| (s, message))
                }
                Failure::Missing { .. } => None,
            })
            .collect();
    }

    /// Whether the interview is complete in the database: its answers
    /// change only once it is reopened (`o`).
    pub fn locked(&self) -> bool {
        self.stored && self.record.status == Status::Complete
    }

    /// Reopens a complete interview for correction (`o`).
    pub fn reopen(&mut self, ctx: &Ctx<'_>) -> Outcome {
        match ctx.store.reopen(self.record.id, ctx.interviewer) {
            Ok(()) => {
                self.record.status = Status::Draft;
                self.reopened = true;
                self.error = None;
                Outcome::said(tr(T::Reopened), false)
            }
            Err(e) => Outcome {
                waited: matches!(e, StoreError::Busy),
                ..Outcome::failed(&e)
            },
        }
    }

    /// Shows the question at `index` with its stored answer in the input;
    /// on a complete interview, says at once how to change it.
    pub fn go_to(&mut self, slot: Slot) {
        // A calculation is never shown: stay where the interview is.
        if !self.record.survey.question_at(slot.index).kind.is_shown() {
            return;
        }
        self.current = slot;
        self.mode = Mode::Question;
        self.from_review = false;
        self.error = self.locked().then(|| tr(T::ReopenFirst));
        // A special answer shows as such, not in the input.
        let stored = self
            .answer(slot)
            .filter(|a| crate::survey::Special::of_stored(a).is_none())
            .cloned()
            .unwrap_or_default();
        self.picks = stored.split_whitespace().map(str::to_string).collect();
        self.input = Input::new(if typed(&self.record.survey, slot.index) {
            stored
        } else {
            String::new()
        });
    }

    pub fn next_on_path(&self) -> Option<Slot> {
        match self.path.iter().position(|&p| p == self.current) {
            Some(s) => self.path.get(s + 1).copied(),
            None => {
                let here = self.path_order(self.current);
                self.path
                    .iter()
                    .copied()
                    .find(|&p| self.path_order(p) > here)
            }
        }
    }

    pub fn previous_on_path(&self) -> Option<Slot> {
        match self.path.iter().position(|&p| p == self.current) {
            Some(s) => s.checked_sub(1).and_then(|s| self.path.get(s).copied()),
            None => {
                let here = self.path_order(self.current);
                self.path
                    .iter()
                    .rev()
                    .copied()
                    .find(|&p| self.path_order(p) < here)
            }
        }
    }

    /// Where a slot comes in the interview: by section, then row, then
    /// question (a roster is asked row after row).
    fn path_order(&self, slot: Slot) -> (usize, u32, usize) {
        (
            self.record.survey.section_index_of(slot.index),
            slot.row,
            slot.index,
        )
    }

    /// Whether the question shown has an answer typed or ticked that
    /// differs from the one saved (Enter has not been pressed).
    pub fn unsaved(&self) -> bool {
        if self.mode != Mode::Question || self.locked() {
            return false;
        }
        let q = self.record.survey.question_at(self.current.index);
        let stored = self
            .answer(self.current)
            .filter(|a| crate::survey::Special::of_stored(a).is_none())
            .map_or("", String::as_str);
        match q.kind {
            _ if typed(&self.record.survey, self.current.index) => {
                self.input.value().trim() != stored
            }
            QuestionKind::SelectMultiple => {
                let stored: Vec<&str> = stored.split_whitespace().collect();
                let mut picks: Vec<&str> = self.picks.iter().map(String::as_str).collect();
                let mut before = stored.clone();
                picks.sort_unstable();
                before.sort_unstable();
                picks != before
            }
            _ => false,
        }
    }

    /// Esc: back to the households, unless an answer is typed but not
    /// saved (says so; Esc again leaves), or leaving would quietly keep a
    /// draft that could be complete (asks "complete now?") or take a
    /// reopened interview out of the priorities (says so; Esc again
    /// leaves).
    pub fn leave(&mut self) -> Outcome {
        if self.leaving.is_none() && self.unsaved() {
            self.leaving = Some(T::AskLeaveUnsaved);
            return Outcome::said(tr(T::AskLeaveUnsaved), true);
        }
        let draft = self.stored && self.record.status == Status::Draft;
        if self.leaving.is_some() || !draft {
            return Outcome::go(Go::Back);
        }
        if self.missing.is_empty() && self.failing.is_empty() {
            self.leaving = Some(T::AskComplete);
            return Outcome::said(tr(T::AskComplete), false);
        }
        if self.reopened {
            self.leaving = Some(T::AskLeaveReopened);
            return Outcome::said(tr(T::AskLeaveReopened), true);
        }
        Outcome::go(Go::Back)
    }

    /// Writes the interview of a survey not begun (its first answer, or
    /// completing it, is about to be saved). Another program may have
    /// begun it meanwhile: then that one is taken up.
    pub fn ensure_stored(&mut self, ctx: &Ctx<'_>) -> Result<(), StoreError> {
        if self.stored {
            return Ok(());
        }
        self.record = ctx.store.open_interview(
            &self.record.household.code,
            &self.record.survey,
            ctx.interviewer,
        )?;
        self.stored = true;
        self.recompute();
        Ok(())
    }

    /// Saves an answer to the question shown (None clears it) through the
    /// store, then moves on.
    pub fn save(&mut self, ctx: &Ctx<'_>, raw: Option<String>) -> Outcome {
        let name = crate::survey::roster::key(
            &self.record.survey.question_at(self.current.index).name,
            self.current.row,
        );
        let old = self.record.answers.get(&name).cloned();
        let result = self.ensure_stored(ctx).and_then(|()| {
            ctx.store
                .save_answer(self.record.id, &name, raw.as_deref(), ctx.interviewer)
        });
        // Keys typed while this save waited were meant for the next
        // question, which had not come: the dispatcher times every key and
        // the event loop drops them.
        let mut outcome = Outcome::default();
        match result {
            Ok(stored) => {
                let said = match &old {
                    Some(before) if old != stored => {
                        changed(self, self.current, before, stored.as_deref())
                    }
                    _ => tr(T::Saved),
                };
                match stored {
                    Some(v) => self.record.answers.insert(name, v),
                    None => self.record.answers.remove(&name),
                };
                self.recompute();
                if self.ask_rows_to_drop() {
                    // Which rows go is asked first.
                } else if self.from_review {
                    self.mode = Mode::Review {
                        selected: self.review_row(self.current),
                    };
                } else {
                    self.advance();
                }
                outcome.notice = Some(Notice {
                    text: said,
                    error: false,
                    press_again: false,
                });
            }
            Err(e) => {
                self.error = Some(e.message());
                if matches!(e, StoreError::Busy) {
                    outcome.waited = true;
                    outcome.notice = Some(Notice {
                        text: tr(T::NotSaved),
                        error: true,
                        press_again: true,
                    });
                }
            }
        }
        outcome
    }
}

/// The notice for an answer that replaced an earlier one: the question,
/// the old answer and the new one, so a change nobody meant is seen.
fn changed(i: &Interview, slot: Slot, old: &str, new: Option<&str>) -> Tr {
    let survey = &i.record.survey;
    let q = survey.question_at(slot.index);
    let name = q.name.as_str();
    let say = |lang: Lang| {
        let label = i.fill(q.label.get(lang), lang, slot);
        let shown = |v: &str| crate::interview::display_answer(survey, name, v, lang);
        let prefix = T::Changed.get(lang);
        let new = new.map_or_else(|| "—".to_string(), shown);
        format!("{prefix}{label} {} → {new}", shown(old))
    };
    Tr {
        zh: say(Lang::Zh),
        en: say(Lang::En),
    }
}

/// A survey not begun, as shown before its first answer: nothing of it is
/// in the database yet ([`Interview::stored`] is false, its id is 0).
fn not_begun(
    household: crate::store::household::Household,
    survey: &Rc<Survey>,
    ctx: &Ctx<'_>,
) -> Record {
    Record {
        id: 0,
        uuid: uuid::Uuid::nil(),
        household,
        snapshot: 0,
        survey: Rc::clone(survey),
        interviewer: ctx.interviewer.to_string(),
        device: ctx.store.device().to_string(),
        status: Status::Draft,
        started_at: 0,
        updated_at: 0,
        stamp: 0,
        completed_at: None,
        answers: Default::default(),
    }
}

//! The interview as a whole: every question on the path with its answer,
//! the missing and failing ones marked; completing and reopening it.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;

use super::interview::{Interview, Mode, Next};
use super::question::{choice_index, choice_key};
use super::{Ctx, Go, Outcome, navigate, pick, tr};
use crate::i18n::{Lang, Tr};
use crate::interview::{Failure, Slot, display_answer};
use crate::store::StoreError;
use crate::store::interview::Status;
use crate::survey::QuestionKind;
use crate::tui::text::T;
use crate::tui::widgets::fit::{fit, wrap};
use crate::tui::widgets::key_bar::KeyBar;
use crate::tui::widgets::popup::Popup;
use crate::tui::widgets::table::{Col, ListTable, RowText, row_at};
use crate::tui::widgets::{BOLD, ERROR};

/// The title line, the list of answers and the key bar.
fn areas(body: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(body)
}

fn selected(i: &Interview) -> usize {
    match i.mode {
        Mode::Review { selected } => selected,
        _ => 0,
    }
}

pub fn key(i: &mut Interview, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
    let mut at = selected(i);
    if navigate(&mut at, i.review.len(), k.code, ctx.page()) {
        i.mode = Mode::Review { selected: at };
        return Outcome::default();
    }
    match k.code {
        KeyCode::Esc => return i.leave(),
        KeyCode::Enter => match i.review.get(at) {
            // A calculation follows the answers it reads: nothing to type.
            Some(&slot)
                if i.record
                    .survey
                    .question_at(slot.index)
                    .calculation
                    .is_some() =>
            {
                return Outcome::said(tr(T::CalculatedNotTyped), false);
            }
            Some(&idx) => {
                i.go_to(idx);
                i.from_review = true;
            }
            None => {}
        },
        KeyCode::Char('m') => {
            let first = i.path.iter().copied().find(|&idx| i.wants_attention(idx));
            if let Some(idx) = first {
                i.go_to(idx);
            }
        }
        KeyCode::Char('r') if k.modifiers.contains(KeyModifiers::CONTROL) => i.go_to(i.current),
        KeyCode::Char('c') => return complete(i, ctx),
        KeyCode::Char('o') if i.locked() => return i.reopen(ctx),
        _ => {}
    }
    Outcome::default()
}

/// The answer to what leaving asked ([`Interview::leave`]): `y` completes
/// and leaves (or lists what is missing and stays), `n` and Esc leave the
/// draft; any other key stays and does nothing else.
pub fn answer_leave(i: &mut Interview, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
    // An answer typed but not saved: Esc again leaves without it, any
    // other key goes on with the question (Enter saves it).
    if i.leaving.take() == Some(T::AskLeaveUnsaved) {
        return match k.code {
            // Without what was typed: the question as saved, and leaving
            // asks what it asks of any draft (complete now? reopened?).
            KeyCode::Esc => {
                i.go_to(i.current);
                i.leave()
            }
            _ => super::question::key(i, ctx, k),
        };
    }
    match k.code {
        KeyCode::Char('y') => {
            let done = complete(i, ctx);
            if i.record.status == Status::Complete {
                Outcome {
                    go: Go::Back,
                    ..done
                }
            } else {
                done
            }
        }
        KeyCode::Char('n') | KeyCode::Esc => Outcome {
            go: Go::Back,
            ..Outcome::said(tr(T::KeptDraft), false)
        },
        _ => Outcome::default(),
    }
}

/// A write that failed; when it waited on another program, the keys typed
/// meanwhile are dropped.
fn written_failed(e: &StoreError) -> Outcome {
    Outcome {
        waited: matches!(e, StoreError::Busy),
        ..Outcome::failed(e)
    }
}

fn complete(i: &mut Interview, ctx: &Ctx<'_>) -> Outcome {
    if let Err(e) = i.ensure_stored(ctx) {
        return written_failed(&e);
    }
    match ctx.store.complete(i.record.id, ctx.interviewer) {
        Ok(_) => {
            i.record.status = Status::Complete;
            match i.offer_next(ctx) {
                Ok(()) => Outcome::said(tr(T::CompleteDone), false),
                // Complete all the same: say so before what failed.
                Err(e) => Outcome::done_but(T::CompleteDone, &e),
            }
        }
        Err(StoreError::Incomplete { failures }) => {
            let list = to_fix(i, &failures);
            let n = list.len();
            i.to_fix = Some(list);
            if i.mode == Mode::Question {
                i.mode = Mode::Review {
                    selected: i.review_row(i.current),
                };
            }
            Outcome::said(
                crate::tr!(
                    "还不能完成:{n} 道题要先处理",
                    "not complete yet: {n} question(s) to see to first"
                ),
                true,
            )
        }
        Err(e) => written_failed(&e),
    }
}

/// What keeps the interview from being complete, in question order: each
/// question's position and label with why (unanswered, or the reason its
/// answer is refused), for the list completing opens.
fn to_fix(i: &Interview, failures: &[Failure]) -> Vec<(Slot, Tr)> {
    let survey = &i.record.survey;
    failures
        .iter()
        .filter_map(|f| {
            let (name, why) = match f {
                Failure::Missing { question } => (question, tr(T::Missing)),
                Failure::Invalid { question, message } => (question, message.clone()),
            };
            let slot = Slot::of_key(survey, name)?;
            let say = |lang: Lang| format!("{} — {}", i.slot_label(slot, lang), why.get(lang));
            Some((
                slot,
                Tr {
                    zh: say(Lang::Zh),
                    en: say(Lang::En),
                },
            ))
        })
        .collect()
}

/// A key while the list of what keeps the interview from being complete
/// is open: a question's key goes to it, Esc closes the list.
pub fn fix_key(i: &mut Interview, k: KeyEvent) -> Outcome {
    let Some(list) = &i.to_fix else {
        return Outcome::default();
    };
    if k.code == KeyCode::Esc {
        i.to_fix = None;
    } else if let Some(n) = choice_index(QuestionKind::SelectOne, list.len(), k.code) {
        let index = list[n].0;
        i.to_fix = None;
        // A row past a lowered count: which rows to drop is asked.
        if i.path.contains(&index) || !i.ask_rows_to_drop() {
            i.go_to(index);
        }
    }
    Outcome::default()
}

/// The list of what keeps the interview from being complete, over the
/// review: each question one key away.
fn render_fix(list: &[(Slot, Tr)], frame: &mut Frame<'_>, body: Rect, lang: Lang) {
    let width = body.width.saturating_sub(4).clamp(20, 90);
    let room = usize::from(width.saturating_sub(6));
    // Each wrapped whole under its key: nothing of it is cut.
    let mut lines = Vec::new();
    for (n, (_, why)) in list.iter().enumerate() {
        let key = choice_key(QuestionKind::SelectOne, n);
        for (row, text) in wrap(why.get(lang), room as u16).into_iter().enumerate() {
            let lead = if row == 0 {
                format!("  {key} ")
            } else {
                "    ".into()
            };
            lines.push(Line::styled(format!("{lead}{text}"), ERROR));
        }
    }
    frame.render_widget(
        Popup {
            title: T::CannotComplete.get(lang),
            lines,
            footer: T::FixKeys.get(lang),
            width,
        },
        body,
    );
}

pub fn click(i: &mut Interview, body: Rect, column: u16, row: u16) -> Option<KeyEvent> {
    let [_, list, _] = areas(body);
    let mut at = selected(i);
    let target = row_at(list, false, (at, i.review.len()), column, row);
    let key = pick(&mut at, target);
    i.mode = Mode::Review { selected: at };
    key
}

/// How an answer reads, with why it fails or that it is missing.
fn answer_text(i: &Interview, slot: Slot, lang: Lang) -> String {
    let survey = &i.record.survey;
    let q = survey.question_at(slot.index);
    if let Some((_, value)) = i.calculated.iter().find(|(s, _)| *s == slot) {
        let shown = value.as_deref().map_or("—".to_string(), |v| {
            display_answer(survey, &q.name, v, lang)
        });
        return format!("{shown}  ({})", T::Calculated.get(lang));
    }
    let Some(stored) = i.answer(slot) else {
        return match q.kind {
            _ if i.missing.contains(&slot) => format!("— {}", T::Missing.get(lang)),
            QuestionKind::Note => String::new(),
            _ => format!("— {}", T::Skipped.get(lang)),
        };
    };
    let shown = display_answer(survey, &q.name, stored, lang);
    match i.failing.iter().find(|(f, _)| *f == slot) {
        Some((_, why)) => format!("{shown} — {}", why.get(lang)),
        None => shown,
    }
}

pub fn render(i: &Interview, selected: usize, frame: &mut Frame<'_>, body: Rect, lang: Lang) {
    let [title, list, keys] = areas(body);
    let survey = &i.record.survey;
    let status = match i.record.status {
        Status::Draft => T::StatusDraft,
        Status::Complete => T::StatusComplete,
    };
    let header = format!(
        "{} · {} · {}",
        T::Review.get(lang),
        survey.title.get(lang),
        status.get(lang)
    );
    frame.render_widget(
        Line::styled(fit(&header, usize::from(body.width)), BOLD),
        title,
    );
    let cols = [Col::left(body.width * 11 / 20), Col::REST];
    let row = |n: usize| -> RowText {
        let idx = i.review[n];
        let label = i.slot_label(idx, lang);
        let style = if i.wants_attention(idx) {
            ERROR
        } else {
            Style::new()
        };
        (vec![label, answer_text(i, idx, lang)], style)
    };
    frame.render_widget(
        ListTable {
            cols: &cols,
            header: None,
            len: i.review.len(),
            selected,
            row: &row,
            empty: "",
        },
        list,
    );
    let bar = match (&i.leaving, &i.next) {
        (Some(t), _) => t.get(lang).to_string(),
        (None, Some(Next::Survey(_, s))) => {
            format!("{}{}", T::EnterNextSurvey.get(lang), s.title.get(lang))
        }
        (None, Some(Next::Household)) => T::EnterNextHousehold.get(lang).to_string(),
        (None, None) => T::ShortReview.get(lang).to_string(),
    };
    frame.render_widget(KeyBar(&bar), keys);
    if let Some(list) = &i.to_fix {
        render_fix(list, frame, body, lang);
    }
}

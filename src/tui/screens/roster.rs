//! Rosters in the app: the list of a roster's rows (each with its label
//! and whether it is answered), which the interview comes back to after
//! each row, and the choice of rows to drop when the roster's count is
//! lowered below the rows answered.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;

use super::interview::{Interview, Mode};
use super::question::{choice_index, choice_key};
use super::{Ctx, Outcome, navigate, tr};
use crate::i18n::Lang;
use crate::interview::{Slot, State};
use crate::survey::QuestionKind;
use crate::tui::text::T;
use crate::tui::widgets::fit::fit;
use crate::tui::widgets::key_bar::KeyBar;
use crate::tui::widgets::table::{Col, ListTable, RowText};
use crate::tui::widgets::{BOLD, ERROR};

impl Interview {
    /// A section's title in `lang`; in a roster, with the row's label.
    pub fn section_title(&self, section: &crate::survey::Section, row: u32, lang: Lang) -> String {
        let title = section
            .label
            .as_ref()
            .map_or(section.name.clone(), |l| l.get(lang).to_string());
        if section.roster.is_none() || row == 0 {
            return title;
        }
        let facts = self.record.facts();
        let state = State::new(&self.record.survey, &self.record.answers, &facts);
        format!("{title} · {}", state.row_label(section, row, lang))
    }

    /// A question's label as lists show it: filled, and in a roster
    /// after its row's label.
    pub fn slot_label(&self, slot: Slot, lang: Lang) -> String {
        let survey = &self.record.survey;
        let written = survey.question_at(slot.index).label.get(lang);
        let label = self.fill(written, lang, slot);
        // A label that names its row already is not prefixed with it.
        match survey
            .roster_of(slot.index)
            .filter(|_| slot.row > 0 && !written.contains("{row}"))
        {
            Some(section) => {
                let facts = self.record.facts();
                let state = State::new(survey, &self.record.answers, &facts);
                format!("{} · {label}", state.row_label(section, slot.row, lang))
            }
            None => label,
        }
    }
    /// The roster (its place among the sections) and row of a slot in a
    /// roster's row.
    pub fn roster_row(&self, slot: Slot) -> Option<(usize, u32)> {
        let survey = &self.record.survey;
        (slot.row > 0 && survey.roster_of(slot.index).is_some())
            .then(|| (survey.section_index_of(slot.index), slot.row))
    }

    /// The next question on the path, or the review after the last. Coming
    /// to a roster shows its rows; a row done goes on to the next row not
    /// begun, and after the last row the rows are shown again, ready to go
    /// on.
    pub fn advance(&mut self) {
        let here = self.roster_row(self.current);
        let next = self.next_on_path();
        let there = next.and_then(|n| self.roster_row(n));
        match (here, there) {
            // The next row not begun follows at once; a row begun or the
            // end of the rows shows the rows.
            (Some((section, row)), Some((s, r)))
                if s == section && r == row + 1 && !self.row_status(s, r).0 =>
            {
                if let Some(next) = next {
                    self.go_to(next);
                }
            }
            (Some((section, row)), t) if t != Some((section, row)) => {
                let rows = self.rows_of(section) as usize;
                let selected = match t {
                    Some((s, _)) if s == section => row as usize,
                    _ => rows,
                };
                self.mode = Mode::Roster { section, selected };
            }
            (h, Some((section, _))) if h.map(|(s, _)| s) != Some(section) => {
                self.mode = Mode::Roster {
                    section,
                    selected: 0,
                };
            }
            _ => match next {
                Some(next) => self.go_to(next),
                None => self.mode = Mode::Review { selected: 0 },
            },
        }
    }

    /// Up from the first question of a row goes back to the rows.
    pub fn back(&mut self) {
        let here = self.roster_row(self.current);
        let prev = self.previous_on_path();
        match (here, prev.and_then(|p| self.roster_row(p))) {
            (Some((section, row)), p) if p != Some((section, row)) => {
                self.mode = Mode::Roster {
                    section,
                    selected: row as usize - 1,
                };
            }
            _ => {
                if let Some(prev) = prev {
                    self.go_to(prev);
                }
            }
        }
    }

    /// The rows of roster `section` now.
    pub fn rows_of(&self, section: usize) -> u32 {
        let facts = self.record.facts();
        let survey = &self.record.survey;
        State::new(survey, &self.record.answers, &facts).row_count(&survey.sections[section])
    }

    /// Whether a row has an answer, and whether one of its questions wants
    /// attention (missing or failing).
    fn row_status(&self, section: usize, row: u32) -> (bool, bool) {
        let in_row = |s: &Slot| self.roster_row(*s) == Some((section, row));
        let begun = (self.path.iter().zip(&self.answered)).any(|(s, a)| *a && in_row(s));
        let attention = self
            .path
            .iter()
            .any(|s| in_row(s) && self.wants_attention(*s));
        (begun, attention)
    }

    /// Opens a row at its first question.
    fn open_row(&mut self, section: usize, row: u32) {
        let first = self
            .path
            .iter()
            .copied()
            .find(|s| self.roster_row(*s) == Some((section, row)));
        if let Some(first) = first {
            self.go_to(first);
        }
    }

    /// Goes on past a roster: its next question, or the review.
    fn go_on(&mut self, section: usize) {
        let end = self
            .record
            .survey
            .positions_of(&self.record.survey.sections[section])
            .end;
        match self.path.iter().copied().find(|s| s.index >= end) {
            Some(next) => match self.roster_row(next) {
                Some((other, _)) => {
                    self.mode = Mode::Roster {
                        section: other,
                        selected: 0,
                    }
                }
                None => self.go_to(next),
            },
            None => self.mode = Mode::Review { selected: 0 },
        }
    }

    /// After an answer is saved: a roster whose count is now below its rows
    /// answered asks which rows to drop.
    pub fn ask_rows_to_drop(&mut self) -> bool {
        let facts = self.record.facts();
        let survey = &self.record.survey;
        let state = State::new(survey, &self.record.answers, &facts);
        let Some((section, _)) = state.rows_past_count().into_iter().next() else {
            return false;
        };
        let section = survey.section_place(section).unwrap_or(0);
        self.dropping.clear();
        self.mode = Mode::DropRows { section };
        true
    }
}

/// A key on a roster's rows.
pub fn key(i: &mut Interview, section: usize, selected: usize, k: KeyEvent) -> Outcome {
    let rows = i.rows_of(section);
    let start = i
        .record
        .survey
        .positions_of(&i.record.survey.sections[section])
        .start;
    if k.code == KeyCode::Up && selected == 0 {
        // Up from the first row: the question before the roster.
        if let Some(prev) = i.path.iter().copied().rev().find(|s| s.index < start) {
            i.go_to(prev);
        }
        return Outcome::default();
    }
    let mut at = selected;
    if navigate(&mut at, rows as usize + 1, k.code, 10) {
        i.mode = Mode::Roster {
            section,
            selected: at,
        };
        return Outcome::default();
    }
    match k.code {
        KeyCode::Esc => return i.leave(),
        KeyCode::Char('r') if k.modifiers.contains(KeyModifiers::CONTROL) => {
            i.mode = Mode::Review { selected: 0 };
        }
        KeyCode::Enter | KeyCode::Tab if selected >= rows as usize => i.go_on(section),
        KeyCode::Enter | KeyCode::Tab => i.open_row(section, selected as u32 + 1),
        KeyCode::Char('a') => match (1..=rows).find(|&r| !i.row_status(section, r).0) {
            Some(row) => i.open_row(section, row),
            None => i.error = Some(tr(T::RowsAllBegun)),
        },
        _ => {}
    }
    Outcome::default()
}

pub fn render(
    i: &Interview,
    section: usize,
    selected: usize,
    frame: &mut Frame<'_>,
    body: Rect,
    lang: Lang,
) {
    let [title, list, error, keys] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(body);
    let survey = &i.record.survey;
    let s = &survey.sections[section];
    let heading = i.section_title(s, 0, lang);
    frame.render_widget(
        Line::styled(fit(&heading, usize::from(body.width)), BOLD),
        title,
    );
    let rows = i.rows_of(section);
    let facts = i.record.facts();
    let state = State::new(survey, &i.record.answers, &facts);
    let cols = [
        Col::left(4),
        Col::left(body.width.saturating_sub(22).max(10)),
        Col::REST,
    ];
    let row = |n: usize| -> RowText {
        if n >= rows as usize {
            let said = if rows == 0 {
                format!(
                    "{}  {}",
                    T::RosterEmpty.get(lang),
                    T::RosterContinue.get(lang)
                )
            } else {
                T::RosterContinue.get(lang).to_string()
            };
            return (vec![String::new(), said, String::new()], Style::new());
        }
        let r = n as u32 + 1;
        let (begun, attention) = i.row_status(section, r);
        let (mark, status, style) = match (begun, attention) {
            (false, _) => ("·", T::RowNotBegun, Style::new()),
            (true, true) => ("!", T::RowMissing, ERROR),
            (true, false) => ("✓", T::RowDone, Style::new()),
        };
        let label = state.row_label(s, r, lang);
        (
            vec![
                format!("{r}."),
                format!("{mark} {label}"),
                status.get(lang).to_string(),
            ],
            style,
        )
    };
    frame.render_widget(
        ListTable {
            cols: &cols,
            header: None,
            len: rows as usize + 1,
            selected,
            row: &row,
            empty: "",
        },
        list,
    );
    if let Some(e) = &i.error {
        frame.render_widget(
            Line::styled(fit(e.get(lang), usize::from(body.width)), ERROR),
            error,
        );
    }
    frame.render_widget(KeyBar(T::RosterKeys.get(lang)), keys);
}

/// A key while rows to drop are picked: a row's key toggles it, Enter drops
/// the rows picked once they are as many as the count asks, Esc goes back
/// to the count.
pub fn drop_key(i: &mut Interview, ctx: &Ctx<'_>, section: usize, k: KeyEvent) -> Outcome {
    let answered = answered_rows(i, section);
    let need = answered.saturating_sub(i.rows_of(section)) as usize;
    match k.code {
        KeyCode::Esc => {
            i.dropping.clear();
            i.go_to(i.current);
        }
        KeyCode::Enter if i.dropping.len() == need => {
            let roster = i.record.survey.sections[section].name.clone();
            let mut rows = i.dropping.clone();
            rows.sort_unstable();
            let dropped = ctx
                .store
                .drop_rows(i.record.id, &roster, &rows, ctx.interviewer)
                .and_then(|()| ctx.store.interview(i.record.id));
            match dropped {
                Ok(record) => {
                    i.record = record;
                    i.dropping.clear();
                    i.recompute();
                    i.advance();
                }
                Err(e) => {
                    return Outcome {
                        waited: matches!(e, crate::store::StoreError::Busy),
                        ..Outcome::failed(&e)
                    };
                }
            }
        }
        KeyCode::Enter => {}
        code => {
            if let Some(n) = choice_index(QuestionKind::SelectMultiple, answered as usize, code) {
                let row = n as u32 + 1;
                match i.dropping.iter().position(|&r| r == row) {
                    Some(at) => _ = i.dropping.remove(at),
                    None if i.dropping.len() < need => i.dropping.push(row),
                    None => {}
                }
            }
        }
    }
    Outcome::default()
}

fn answered_rows(i: &Interview, section: usize) -> u32 {
    let facts = i.record.facts();
    let survey = &i.record.survey;
    State::new(survey, &i.record.answers, &facts).answered_rows(&survey.sections[section])
}

pub fn render_drop(i: &Interview, section: usize, frame: &mut Frame<'_>, body: Rect, lang: Lang) {
    let [title, list, count, keys] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(body);
    let width = usize::from(body.width);
    frame.render_widget(
        Line::styled(fit(T::DropRowsTitle.get(lang), width), BOLD),
        title,
    );
    let survey = &i.record.survey;
    let s = &survey.sections[section];
    let facts = i.record.facts();
    let state = State::new(survey, &i.record.answers, &facts);
    let answered = state.answered_rows(s);
    let lines: Vec<Line> = (1..=answered)
        .map(|r| {
            let picked = i.dropping.contains(&r);
            let mark = if picked { "[x]" } else { "[ ]" };
            let key = choice_key(QuestionKind::SelectMultiple, r as usize - 1);
            let text = format!("{key} {mark} {}", state.stored_row_label(s, r, lang));
            Line::styled(
                fit(&text, width).into_owned(),
                if picked { ERROR } else { Style::new() },
            )
        })
        .collect();
    frame.render_widget(ratatui::widgets::Paragraph::new(lines), list);
    let need = answered.saturating_sub(state.row_count(s)) as usize;
    let left = need.saturating_sub(i.dropping.len());
    frame.render_widget(
        Line::from(format!("{} {left}", T::DropRowsCount.get(lang))),
        count,
    );
    frame.render_widget(KeyBar(T::DropRowsKeys.get(lang)), keys);
}

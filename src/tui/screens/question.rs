//! The interview one question at a time: an outline of the path on the
//! left when there is room, the question with its choices or its input,
//! and the keys that answer it. Choice keys (1-9 then a-z; y/n on a yes/no
//! question) are mapped in [`choice_key`] alone, for drawing, typing and
//! clicking alike.

use std::rc::Rc;

use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Gauge, List, ListState, Paragraph, Scrollbar, ScrollbarOrientation,
    ScrollbarState,
};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::interview::{Interview, Mode, typed};
use super::{Ctx, Outcome, tr};
use crate::i18n::Lang;
use crate::survey::{Question, QuestionKind, Special, Survey};
use crate::tui::text::T;
use crate::tui::widgets::fit::{fit, wrap};
use crate::tui::widgets::key_bar::KeyBar;
use crate::tui::widgets::{BOLD, DIM, ERROR, OK, SELECTED};

/// The key that picks the n-th choice of a question of `kind`: y and n on
/// a yes/no question, else 1-9 then a-z.
pub fn choice_key(kind: QuestionKind, n: usize) -> char {
    match (kind, n) {
        (QuestionKind::YesNo, 0) => 'y',
        (QuestionKind::YesNo, _) => 'n',
        (_, 0..=8) => char::from(b'1' + n as u8),
        _ => char::from(b'a' + (n - 9).min(25) as u8),
    }
}

/// The choice a typed key picks among `len`: the inverse of
/// [`choice_key`], with Y and N too, and digits on a yes/no question.
pub fn choice_index(kind: QuestionKind, len: usize, code: KeyCode) -> Option<usize> {
    let KeyCode::Char(c) = code else { return None };
    let on = |kind: QuestionKind, c: char| (0..len).find(|&n| choice_key(kind, n) == c);
    match kind {
        QuestionKind::YesNo => {
            on(kind, c.to_ascii_lowercase()).or_else(|| on(QuestionKind::SelectOne, c))
        }
        QuestionKind::SelectOne | QuestionKind::SelectMultiple => on(kind, c),
        _ => None,
    }
}

/// The choice `code` picks on the question shown, if it is a choice's key.
pub fn choice_of(i: &Interview, code: KeyCode) -> Option<usize> {
    if i.locked() {
        return None;
    }
    let survey = &i.record.survey;
    let q = survey.question_at(i.current.index);
    choice_index(q.kind, survey.choices_of(q).len(), code)
}

/// The input being typed in, on a question answered by typing.
pub fn input(i: &mut Interview) -> Option<&mut Input> {
    (i.mode == Mode::Question && !i.locked() && typed(&i.record.survey, i.current.index))
        .then_some(&mut i.input)
}

pub fn key(i: &mut Interview, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
    let survey = Rc::clone(&i.record.survey);
    let q = survey.question_at(i.current.index);
    let answered = i.answer(i.current).is_some();
    let may_pass = answered || !q.required;
    match k.code {
        KeyCode::Esc => return i.leave(),
        KeyCode::Char('r') if k.modifiers.contains(KeyModifiers::CONTROL) => {
            i.mode = Mode::Review {
                selected: i.review_row(i.current),
            };
        }
        KeyCode::Up | KeyCode::PageUp => i.back(),
        KeyCode::Down | KeyCode::PageDown if may_pass || q.kind == QuestionKind::Note => {
            i.advance();
        }
        KeyCode::Down | KeyCode::PageDown => i.error = Some(tr(T::AnswerFirst)),
        // A complete interview changes only once reopened: o does it here,
        // any other key says so.
        KeyCode::Char('o') if i.locked() => return i.reopen(ctx),
        _ if i.locked() => i.error = Some(tr(T::ReopenFirst)),
        // One key each for "don't know" and a refusal, where the question
        // takes them.
        KeyCode::Char(c @ ('d' | 'x')) if k.modifiers.contains(KeyModifiers::CONTROL) => {
            let special = if c == 'd' {
                Special::DontKnow
            } else {
                Special::Refused
            };
            if q.special.contains(&special) {
                return i.save(ctx, Some(special.stored().to_string()));
            }
            i.error = Some(tr(T::SpecialNotOffered));
        }
        _ => return answer_key(i, ctx, &survey, q, k),
    }
    Outcome::default()
}

/// A key that answers the question shown, by its kind.
fn answer_key(
    i: &mut Interview,
    ctx: &Ctx<'_>,
    survey: &Survey,
    q: &Question,
    k: KeyEvent,
) -> Outcome {
    let confirm = matches!(k.code, KeyCode::Enter | KeyCode::Tab);
    let may_pass = i.answer(i.current).is_some() || !q.required;
    let choice = choice_of(i, k.code).map(|n| survey.choices_of(q)[n].name.clone());
    match q.kind {
        QuestionKind::Note if confirm => i.advance(),
        QuestionKind::Note => {}
        QuestionKind::SelectOne | QuestionKind::YesNo => match choice {
            Some(name) => return i.save(ctx, Some(name)),
            None if confirm && may_pass => i.advance(),
            None if confirm => i.error = Some(tr(T::AnswerFirst)),
            None => {}
        },
        QuestionKind::SelectMultiple => match choice {
            Some(name) => {
                match i.picks.iter().position(|p| *p == name) {
                    Some(pos) => _ = i.picks.remove(pos),
                    None => i.picks.push(name),
                }
                i.error = None;
            }
            None if confirm => {
                let joined = i.picks.join(" ");
                if joined.is_empty() && !q.required {
                    // Nothing ticked is an answer: none of these.
                    return i.save(ctx, Some(joined));
                }
                return confirm_answer(i, ctx, q, joined);
            }
            None => {}
        },
        _ if confirm => {
            let value = i.input.value().trim().to_string();
            return confirm_answer(i, ctx, q, value);
        }
        // No date has a t in it: t fills in today's (the day the interview
        // began, as today() reads it), Enter confirms it.
        QuestionKind::Date if matches!(k.code, KeyCode::Char('t' | 'T')) => {
            i.input = Input::new(crate::survey::date_of(i.record.started_at));
            i.error = None;
        }
        _ => {
            // Backspace in an empty input stays here: a key meant to
            // clear this answer must never reach an earlier question.
            i.input.handle_event(&Event::Key(k));
            i.error = None;
        }
    }
    Outcome::default()
}

/// Saves what was typed or picked; nothing clears an optional answer and
/// is refused on a required one.
fn confirm_answer(i: &mut Interview, ctx: &Ctx<'_>, q: &Question, value: String) -> Outcome {
    if !value.is_empty() {
        i.save(ctx, Some(value))
    } else if q.required {
        i.error = Some(tr(T::AnswerFirst));
        Outcome::default()
    } else {
        i.save(ctx, None)
    }
}

/// The outline on the left when there is room, and the question panel.
fn areas(body: Rect) -> (Option<Rect>, Rect) {
    // 24 columns at 80, and two of every five columns more: a wide
    // terminal shows whole labels.
    let outline_width = match body.width {
        w if w >= 76 => (24 + w.saturating_sub(80) * 2 / 5).min(60),
        _ => return (None, body),
    };
    let [outline, _, panel] = Layout::horizontal([
        Constraint::Length(outline_width),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(body);
    (Some(outline), panel)
}

/// Where the question panel puts its parts.
struct Panel {
    section: Rect,
    progress: Rect,
    label: Rect,
    hint: Rect,
    /// Choices, or the input box.
    answer: Rect,
    error: Rect,
    keys: Rect,
}

fn panel(area: Rect, label_lines: usize, hint_lines: usize) -> Panel {
    let [section, progress, _, label, hint, _, answer, error, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(label_lines as u16),
        Constraint::Length(hint_lines as u16),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Panel {
        section,
        progress,
        label,
        hint,
        answer,
        error,
        keys,
    }
}

/// The question's label and hint, wrapped to the panel's width; a click
/// maps to a choice through the same lines.
fn question_text(i: &Interview, lang: Lang, width: u16) -> (Vec<String>, Vec<String>) {
    let q = i.record.survey.question_at(i.current.index);
    let mut label = i.fill(q.label.get(lang), lang, i.current);
    if q.required {
        label.push_str(&format!(" ({})", T::Required.get(lang)));
    }
    let hint = q.hint.as_ref().map_or_else(Vec::new, |h| {
        wrap(&i.fill(h.get(lang), lang, i.current), width)
    });
    (wrap(&label, width), hint)
}

/// A click on a choice is its key.
pub fn click(i: &Interview, lang: Lang, body: Rect, column: u16, row: u16) -> Option<KeyEvent> {
    let (_, area) = areas(body);
    let (label, hint) = question_text(i, lang, area.width);
    let answer = panel(area, label.len(), hint.len()).answer;
    if row < answer.y || row >= answer.bottom() || column < answer.x {
        return None;
    }
    let q = i.record.survey.question_at(i.current.index);
    let choice = usize::from(row - answer.y);
    (choice < i.record.survey.choices_of(q).len())
        .then(|| KeyEvent::from(KeyCode::Char(choice_key(q.kind, choice))))
}

pub fn render(i: &Interview, frame: &mut Frame<'_>, body: Rect, lang: Lang) {
    let (outline, area) = areas(body);
    if let Some(outline) = outline {
        render_outline(i, frame, outline, lang);
    }
    let survey = &i.record.survey;
    let q = survey.question_at(i.current.index);
    let (label, hint) = question_text(i, lang, area.width);
    let parts = panel(area, label.len(), hint.len());
    render_progress(i, frame, &parts, lang);
    frame.render_widget(Paragraph::new(label.join("\n")).style(BOLD), parts.label);
    frame.render_widget(Paragraph::new(hint.join("\n")).style(DIM), parts.hint);
    let (rows, keys) = match q.kind {
        QuestionKind::SelectOne | QuestionKind::YesNo | QuestionKind::SelectMultiple => {
            render_choices(i, q, frame, parts.answer, lang)
        }
        QuestionKind::Note => (0, T::NoteKeys),
        QuestionKind::Text => (render_text(i, frame, parts.answer), T::TypeKeys),
        _ => {
            render_input(i, q, frame, parts.answer, lang);
            (1, T::TypeKeys)
        }
    };
    if let Some(e) = &i.error {
        // Right under the input, where the eye is.
        let y = (parts.answer.y + rows + 1).min(parts.error.y);
        let line = Line::styled(fit(e.get(lang), usize::from(area.width)), ERROR);
        frame.render_widget(line, Rect { y, ..parts.error });
    }
    let special = i.answer(i.current).and_then(|a| Special::of_stored(a));
    if let (None, Some(special)) = (&i.error, special) {
        let said = format!(
            "{}:{}",
            T::SpecialGiven.get(lang),
            special.label().get(lang)
        );
        let y = (parts.answer.y + rows + 1).min(parts.error.y);
        let line = Line::styled(fit(&said, usize::from(area.width)), BOLD);
        frame.render_widget(line, Rect { y, ..parts.error });
    }
    let keys = if i.locked() { T::LockedKeys } else { keys };
    let bar = match i.leaving {
        Some(t) => t.get(lang).to_string(),
        None if !i.locked() && !q.special.is_empty() => {
            format!("{} · {}", keys.get(lang), T::SpecialKeys.get(lang))
        }
        None => keys.get(lang).to_string(),
    };
    frame.render_widget(KeyBar(&bar), parts.keys);
}

/// The section and the step, and a gauge of the questions answered.
fn render_progress(i: &Interview, frame: &mut Frame<'_>, parts: &Panel, lang: Lang) {
    let survey = &i.record.survey;
    let section = survey.section_of(i.current.index);
    let section_label = i.section_title(section, i.current.row, lang);
    let step = i.step() + 1;
    let (done, answerable) = i.progress();
    let total = i.path.len().max(1);
    let room = usize::from(parts.section.width).saturating_sub(12);
    frame.render_widget(
        Line::from(vec![
            Span::styled(fit(&section_label, room), DIM),
            Span::raw(format!("  {step} {} {total}", T::Of.get(lang))),
        ]),
        parts.section,
    );
    frame.render_widget(
        Gauge::default()
            .ratio((done as f64 / answerable.max(1) as f64).clamp(0.0, 1.0))
            .label(format!("{done}/{answerable}"))
            .gauge_style(OK),
        parts.progress,
    );
}

/// The choices, each with its key and a mark when chosen; returns how
/// many rows they take and the key hint.
fn render_choices(
    i: &Interview,
    q: &Question,
    frame: &mut Frame<'_>,
    area: Rect,
    lang: Lang,
) -> (u16, T) {
    let survey = &i.record.survey;
    let multi = q.kind == QuestionKind::SelectMultiple;
    let stored = i.answer(i.current);
    let choices = survey.choices_of(q);
    let items = choices.iter().enumerate().map(|(n, c)| {
        let chosen = if multi {
            i.picks.contains(&c.name)
        } else {
            stored.is_some_and(|s| *s == c.name)
        };
        let mark = match (multi, chosen) {
            (true, true) => "[x]",
            (true, false) => "[ ]",
            (false, true) => "(•)",
            (false, false) => "( )",
        };
        let key = choice_key(q.kind, n);
        let text = format!(
            "{key} {mark} {}",
            i.fill(c.label.get(lang), lang, i.current)
        );
        let text = fit(&text, usize::from(area.width)).into_owned();
        Line::styled(text, if chosen { BOLD } else { Style::new() })
    });
    frame.render_widget(List::new(items), area);
    let keys = match q.kind {
        QuestionKind::YesNo => T::YesNoKeys,
        QuestionKind::SelectMultiple => T::MultiKeys,
        _ => T::ChoiceKeys,
    };
    (choices.len() as u16, keys)
}

/// The input box, with its unit, and the cursor in it.
fn render_input(i: &Interview, q: &Question, frame: &mut Frame<'_>, area: Rect, lang: Lang) {
    let unit = match (&q.unit, q.kind) {
        (Some(u), _) => format!(" {}", u.get(lang)),
        // The form a date is written in, and the key for today.
        (None, QuestionKind::Date) => format!("  {}", T::DateForm.get(lang)),
        (None, _) => String::new(),
    };
    let line = Line::from(vec![
        Span::raw("> "),
        Span::styled(i.input.value(), BOLD),
        Span::styled(unit, DIM),
    ]);
    frame.render_widget(line, Rect { height: 1, ..area });
    // No cursor where nothing can be typed.
    if !i.locked() {
        let x = area.x + 2 + i.input.visual_cursor() as u16;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}

/// A text answer, wrapped over as many lines as it takes (up to five,
/// then scrolled with the cursor), Chinese and other wide characters
/// measured in display columns, with the terminal's cursor (where an input
/// method opens) in it; returns the rows it took. The text is edited as
/// every other input, as one line: Enter confirms it.
fn render_text(i: &Interview, frame: &mut Frame<'_>, area: Rect) -> u16 {
    let rows = area.height.saturating_sub(2).clamp(1, 5);
    frame.render_widget(Span::raw("> "), Rect { height: 1, ..area });
    let text = Rect {
        x: area.x + 2,
        width: area.width.saturating_sub(2),
        height: rows,
        ..area
    };
    let mut textarea = TextArea::new(vec![i.input.value().to_string()]);
    textarea.set_wrap_mode(WrapMode::WordOrGlyph);
    textarea.set_style(BOLD);
    textarea.set_cursor_style(Style::new());
    textarea.set_cursor_line_style(Style::new());
    let column = u16::try_from(i.input.cursor()).unwrap_or(u16::MAX);
    textarea.move_cursor(CursorMove::Jump(0, column));
    frame.render_widget(&textarea, text);
    let cursor = textarea.screen_cursor();
    let (top, _) = textarea.scroll_offset();
    let row = u16::try_from(cursor.row)
        .unwrap_or(u16::MAX)
        .saturating_sub(top);
    let col = u16::try_from(cursor.col).unwrap_or(u16::MAX);
    if !i.locked() {
        frame.set_cursor_position(Position::new(
            (text.x + col).min(text.right().saturating_sub(1)),
            (text.y + row).min(text.bottom().saturating_sub(1)),
        ));
    }
    rows
}

/// The path by section, each question marked answered (✓), missing or
/// failing (!) or not yet (·), the current one selected; a scrollbar on
/// the border when it does not all fit.
fn render_outline(i: &Interview, frame: &mut Frame<'_>, area: Rect, lang: Lang) {
    let survey = &i.record.survey;
    let block = Block::default().borders(Borders::RIGHT).border_style(DIM);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    let mut at = 0;
    let mut last_section = None;
    for (n, &slot) in i.path.iter().enumerate() {
        let section = survey.section_of(slot.index);
        if last_section.is_none_or(|(s, row)| !std::ptr::eq(s, section) || row != slot.row) {
            last_section = Some((section, slot.row));
            let label = i.section_title(section, slot.row, lang);
            lines.push(Line::styled(fit(&label, width).into_owned(), DIM));
        }
        let attention = i.wants_attention(slot);
        let failing = i.failing.iter().any(|(f, _)| *f == slot);
        let mark = match (i.answered[n] && !failing, attention) {
            (true, _) => "✓",
            (false, true) => "!",
            (false, false) => "·",
        };
        if slot == i.current {
            at = lines.len();
        }
        let text = format!(
            " {mark} {}",
            i.fill(survey.question_at(slot.index).label.get(lang), lang, slot)
        );
        let style = if mark == "!" { ERROR } else { Style::new() };
        lines.push(Line::styled(fit(&text, width).into_owned(), style));
    }
    let len = lines.len();
    let mut state = ListState::default().with_selected(Some(at));
    frame.render_stateful_widget(
        List::new(lines).highlight_style(SELECTED),
        inner,
        &mut state,
    );
    if len > usize::from(inner.height) {
        let mut bar = ScrollbarState::new(len.saturating_sub(usize::from(inner.height)))
            .position(state.offset())
            .viewport_content_length(usize::from(inner.height));
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None)
                .track_symbol(Some("│")),
            area,
            &mut bar,
        );
    }
}

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::KeyCode;

    use super::{choice_index, choice_key};
    use crate::survey::QuestionKind;

    #[test]
    fn choice_keys_are_read_back_as_the_choice_they_show() {
        for kind in [
            QuestionKind::SelectOne,
            QuestionKind::SelectMultiple,
            QuestionKind::YesNo,
        ] {
            let len = if kind == QuestionKind::YesNo { 2 } else { 35 };
            for n in 0..len {
                let key = KeyCode::Char(choice_key(kind, n));
                assert_eq!(choice_index(kind, len, key), Some(n), "{kind:?} {n}");
            }
        }
        let yes_no = QuestionKind::YesNo;
        assert_eq!(choice_key(yes_no, 0), 'y');
        assert_eq!(choice_key(yes_no, 1), 'n');
        assert_eq!(choice_index(yes_no, 2, KeyCode::Char('N')), Some(1));
        assert_eq!(choice_index(yes_no, 2, KeyCode::Char('2')), Some(1));
        assert_eq!(choice_index(yes_no, 2, KeyCode::Char('3')), None);
        assert_eq!(choice_key(QuestionKind::SelectOne, 9), 'a');
        assert_eq!(
            choice_index(QuestionKind::SelectOne, 3, KeyCode::Char('4')),
            None
        );
        assert_eq!(
            choice_index(QuestionKind::Integer, 0, KeyCode::Char('1')),
            None
        );
    }
}

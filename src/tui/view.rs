//! Drawing: a pure function of the model. Nothing here writes to the
//! database or changes the model. Text widths are display columns, so
//! Chinese lines up and wraps correctly.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::layout::{self, wrap};
use super::model::{
    Explain, Form, Households, Interview, Mode, Model, Priorities, Screen, Villages,
};
use super::text::T;
use super::update::choice_key;
use crate::i18n::Lang;
use crate::interview::display_answer;
use crate::store::household::Field;
use crate::store::interview::Status;
use crate::survey::QuestionKind;

const DIM: Style = Style::new().fg(Color::DarkGray);
const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
const ERROR: Style = Style::new().fg(Color::Red);
const OK: Style = Style::new().fg(Color::Green);

/// `text` cut to `width` display columns, with … when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` padded with spaces to `width` display columns (cut if longer).
fn pad(text: &str, width: usize) -> String {
    let text = fit(text, width);
    let w = text.width();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

fn pad_left(text: &str, width: usize) -> String {
    let text = fit(text, width);
    format!("{}{text}", " ".repeat(width.saturating_sub(text.width())))
}

pub fn view(model: &Model, frame: &mut Frame<'_>) {
    let (title, body, status) = layout::frame(frame.area());
    let lang = model.lang;
    frame.render_widget(Paragraph::new(title_line(model)), title);
    match model.screen() {
        Some(Screen::Name(input)) => {
            let lines = vec![
                Line::from(""),
                Line::styled(T::AskName.get(lang), BOLD),
                Line::from(""),
                Line::from(format!("> {}", input.value())),
            ];
            frame.render_widget(Paragraph::new(lines), body);
            let x = body.x + 2 + input.visual_cursor() as u16;
            frame.set_cursor_position(Position::new(
                x.min(body.right().saturating_sub(1)),
                body.y + 3,
            ));
        }
        Some(Screen::Villages(v)) => villages(frame, body, v, lang),
        Some(Screen::Surveys { selected }) => surveys(frame, body, model, *selected),
        Some(Screen::Households(h)) => households(frame, body, h, model),
        Some(Screen::Form(f)) => form(frame, body, f, lang),
        Some(Screen::Interview(i)) => interview(frame, body, i, lang),
        Some(Screen::Priorities(p)) => priorities(frame, body, p, lang),
        Some(Screen::Explain(e)) => explain(frame, body, e, lang),
        None => {}
    }
    frame.render_widget(Paragraph::new(status_line(model, status.width)), status);
    if model.help {
        help(frame, body, model);
    }
}

fn title_line(model: &Model) -> Line<'static> {
    let lang = model.lang;
    let tab = |t: T, on: bool| {
        let text = format!(" {} ", t.get(lang));
        if on {
            Span::styled(text, SELECTED)
        } else {
            Span::raw(text)
        }
    };
    let on_surveys = matches!(model.stack.first(), Some(Screen::Surveys { .. }));
    let on_priorities = matches!(model.stack.first(), Some(Screen::Priorities(_)));
    let mut spans = vec![
        Span::styled(format!("{} ", T::App.get(lang)), BOLD),
        tab(T::TabVillages, !on_surveys && !on_priorities),
        tab(T::TabPriorities, on_priorities),
        tab(T::TabSurveys, on_surveys),
    ];
    let crumbs: Vec<String> = model
        .stack
        .iter()
        .skip(1)
        .filter_map(|s| match s {
            Screen::Households(h) => Some(format!("{} › {}", h.township, h.village)),
            Screen::Interview(i) => Some(format!(
                "{} · {}",
                i.record.household.head,
                i.record.survey.title.get(lang)
            )),
            Screen::Explain(e) => Some(format!("{} {}", T::Rank.get(lang), e.rank)),
            Screen::Form(f) => Some(
                if f.editing {
                    T::EditHousehold
                } else {
                    T::AddHousehold
                }
                .get(lang)
                .to_string(),
            ),
            _ => None,
        })
        .collect();
    if !crumbs.is_empty() {
        spans.push(Span::styled(format!("  {}", crumbs.join(" › ")), DIM));
    }
    Line::from(spans)
}

fn status_line(model: &Model, width: u16) -> Line<'static> {
    let lang = model.lang;
    let who = format!("{}: {}", T::Interviewer.get(lang), model.interviewer);
    let language = T::Language.get(lang).to_string();
    let notice = model
        .notice
        .as_ref()
        .map(|n| (n.text.get(lang).to_string(), n.error));
    let fixed =
        who.width() + language.width() + 6 + notice.as_ref().map_or(0, |(t, _)| t.width() + 3);
    let room = usize::from(width).saturating_sub(fixed).max(8);
    // The path is cut from the left: its end names the file.
    let path = if model.db_display.width() > room {
        let chars: Vec<char> = model.db_display.chars().collect();
        let mut tail = String::new();
        for c in chars.iter().rev() {
            if tail.width() + 2 > room {
                break;
            }
            tail.insert(0, *c);
        }
        format!("…{tail}")
    } else {
        model.db_display.clone()
    };
    let mut spans = vec![
        Span::styled(path, DIM),
        Span::raw(" │ "),
        Span::raw(who),
        Span::raw(" │ "),
        Span::raw(language),
    ];
    if let Some((text, error)) = notice {
        spans.push(Span::raw(" │ "));
        spans.push(Span::styled(text, if error { ERROR } else { OK }));
    }
    Line::from(spans)
}

fn keys_line(frame: &mut Frame<'_>, body: Rect, keys: T, lang: Lang) {
    let area = Rect {
        y: body.bottom().saturating_sub(1),
        height: 1.min(body.height),
        ..body
    };
    frame.render_widget(
        Paragraph::new(Line::styled(
            fit(keys.get(lang), usize::from(body.width)),
            DIM,
        )),
        area,
    );
}

/// The filter line under a list, with the cursor in it while typing.
fn draw_filter(
    frame: &mut Frame<'_>,
    body: Rect,
    filter: &super::model::Filter,
    label: T,
    lang: Lang,
) {
    let Some((text, cursor)) = filter_line(filter, label, lang) else {
        return;
    };
    let line = Rect {
        y: body.bottom().saturating_sub(2),
        height: 1,
        ..body
    };
    frame.render_widget(Paragraph::new(Line::styled(text, BOLD)), line);
    if let Some(c) = cursor {
        let x = (label.get(lang).width() + 2 + c) as u16;
        frame.set_cursor_position(Position::new(
            body.x + x.min(body.width.saturating_sub(1)),
            line.y,
        ));
    }
}

fn filter_line(
    filter: &super::model::Filter,
    label: T,
    lang: Lang,
) -> Option<(String, Option<usize>)> {
    match &filter.editing {
        Some(input) => Some((
            format!("{}: {}", label.get(lang), input.value()),
            Some(input.visual_cursor()),
        )),
        None if !filter.query.is_empty() => {
            Some((format!("{}: {}", label.get(lang), filter.query), None))
        }
        None => None,
    }
}

/// A list: header line, rows (scrolled so the selected one shows), keys.
fn list(
    frame: &mut Frame<'_>,
    body: Rect,
    header: String,
    (len, row): (usize, &dyn Fn(usize) -> String),
    selected: usize,
    empty: T,
    lang: Lang,
) {
    let area = layout::list_rows(body);
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&header, usize::from(body.width)), BOLD)),
        Rect { height: 1, ..body },
    );
    if len == 0 {
        frame.render_widget(
            Paragraph::new(wrap(empty.get(lang), area.width).join("\n")).style(DIM),
            area,
        );
        return;
    }
    // Only the rows on screen are formatted: a province has tens of
    // thousands of projects.
    let first = layout::scroll(selected, area.height);
    let last = (first + usize::from(area.height)).min(len);
    let lines: Vec<Line> = (first..last)
        .map(|n| {
            let text = fit(&row(n), usize::from(area.width));
            if n == selected {
                Line::styled(text, SELECTED)
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn villages(frame: &mut Frame<'_>, body: Rect, v: &Villages, lang: Lang) {
    let wide = body.width >= 100;
    let (tw, vw) = if wide { (14, 18) } else { (10, 12) };
    let bar = if wide { 20 } else { 10 };
    let header = format!(
        "{} {} {} {} {} {}",
        pad(T::Township.get(lang), tw),
        pad(T::Village.get(lang), vw),
        pad_left(T::Registered.get(lang), 10),
        pad_left(T::AllComplete.get(lang), 10),
        pad_left(T::Drafts.get(lang), 8),
        T::Coverage.get(lang)
    );
    let row = |n: usize| {
        let r = &v.rows[v.visible[n]];
        let share = if r.registered > 0 {
            r.complete as f64 / r.registered as f64
        } else {
            0.0
        };
        let filled = (share * bar as f64).round() as usize;
        format!(
            "{} {} {} {} {} {}{} {:>3}%",
            pad(&r.township, tw),
            pad(&r.village, vw),
            pad_left(&r.registered.to_string(), 10),
            pad_left(&r.complete.to_string(), 10),
            pad_left(&r.drafts.to_string(), 8),
            "█".repeat(filled),
            "░".repeat(bar - filled),
            (share * 100.0).round() as i64
        )
    };
    let body_rows = layout::with_filter(body, v.filter.shown());
    draw_filter(frame, body, &v.filter, T::Filter, lang);
    list(
        frame,
        body_rows,
        header,
        (v.visible.len(), &row),
        v.selected,
        T::NoVillages,
        lang,
    );
    keys_line(frame, body, T::ShortVillages, lang);
}

fn status_word(status: Option<Status>, lang: Lang) -> &'static str {
    match status {
        None => T::NotStarted.get(lang),
        Some(Status::Draft) => T::Draft.get(lang),
        Some(Status::Complete) => T::Complete.get(lang),
    }
}

fn households(frame: &mut Frame<'_>, body: Rect, h: &Households, model: &Model) {
    let lang = model.lang;
    let wide = body.width >= 100;
    let (cw, hw, kw) = if wide { (12, 10, 10) } else { (11, 8, 8) };
    let sw = if wide { 10 } else { 6 };
    let mut header = format!(
        "{} {} {}",
        pad(T::Code.get(lang), cw),
        pad(T::Head.get(lang), hw),
        pad_left(T::Members.get(lang), 7)
    );
    if kw > 0 {
        header.push_str(&format!(" {}", pad(T::Cadre.get(lang), kw)));
    }
    for (n, s) in model.surveys.iter().enumerate() {
        header.push_str(&format!(
            " {}",
            pad(&format!("{}{}", n + 1, s.title.get(lang)), sw)
        ));
    }
    let row = |n: usize| {
        let r = &h.rows[h.visible[n]];
        let mut line = format!(
            "{} {} {}",
            pad(&r.household.code, cw),
            pad(&r.household.head, hw),
            pad_left(&r.household.members.to_string(), 7)
        );
        if kw > 0 {
            line.push_str(&format!(" {}", pad(&r.household.cadre, kw)));
        }
        for s in &r.surveys {
            line.push_str(&format!(" {}", pad(status_word(*s, lang), sw)));
        }
        line
    };
    let body_rows = layout::with_filter(body, h.filter.shown());
    draw_filter(frame, body, &h.filter, T::Search, lang);
    list(
        frame,
        body_rows,
        header,
        (h.visible.len(), &row),
        h.selected,
        T::NoHouseholds,
        lang,
    );
    keys_line(frame, body, T::ShortHouseholds, lang);
}

fn surveys(frame: &mut Frame<'_>, body: Rect, model: &Model, selected: usize) {
    let lang = model.lang;
    let header = format!(
        "{} {} {} {} {}",
        pad(T::SurveyFile.get(lang), 22),
        pad(T::Version.get(lang), 8),
        pad_left(T::Questions.get(lang), 6),
        pad_left(T::Needs.get(lang), 8),
        T::Problems.get(lang)
    );
    let row = |n: usize| {
        let f = &model.survey_files[n];
        let title = f
            .title
            .as_ref()
            .map_or(f.id.clone(), |t| t.get(lang).to_string());
        let problems = if f.problems.is_empty() {
            T::NoProblems.get(lang).to_string()
        } else {
            format!("{} ({})", f.problems.len(), f.errors)
        };
        format!(
            "{} {} {} {} {}",
            pad(&title, 22),
            pad(&f.version, 8),
            pad_left(&f.questions.to_string(), 6),
            pad_left(&f.needs.to_string(), 8),
            problems
        )
    };
    let list_area = layout::surveys_list(body);
    list(
        frame,
        list_area,
        header,
        (model.survey_files.len(), &row),
        selected,
        T::NoProblems,
        lang,
    );
    if let Some(f) = model.survey_files.get(selected) {
        let detail = Rect {
            y: list_area.bottom(),
            height: body.height.saturating_sub(list_area.height + 1),
            ..body
        };
        let mut lines = vec![Line::styled(fit(&f.path, usize::from(body.width)), DIM)];
        for p in &f.problems {
            for l in p.get(lang).lines() {
                lines.push(Line::raw(l.to_string()));
            }
        }
        frame.render_widget(Paragraph::new(lines), detail);
    }
    keys_line(frame, body, T::ShortSurveys, lang);
}

const FORM_LABELS: [T; 9] = [
    T::Code,
    T::Township,
    T::Village,
    T::Group,
    T::Head,
    T::Members,
    T::Phone,
    T::Cadre,
    T::Notes,
];

fn form(frame: &mut Frame<'_>, body: Rect, f: &Form, lang: Lang) {
    let title = if f.editing {
        T::EditHousehold
    } else {
        T::AddHousehold
    };
    let mut lines = vec![Line::styled(title.get(lang), BOLD), Line::from("")];
    let label_width = FORM_LABELS
        .iter()
        .map(|t| t.get(lang).width())
        .max()
        .unwrap_or(8)
        + 2;
    for (n, (label, input)) in FORM_LABELS.iter().zip(&f.fields).enumerate() {
        let marker = if n == f.focus { "›" } else { " " };
        let style = if f.editing && n == 0 {
            DIM
        } else if n == f.focus {
            BOLD
        } else {
            Style::new()
        };
        lines.push(Line::styled(
            format!(
                "{marker} {}{}",
                pad(label.get(lang), label_width),
                input.value()
            ),
            style,
        ));
    }
    lines.push(Line::from(""));
    for e in &f.errors {
        lines.push(Line::styled(e.get(lang).to_string(), ERROR));
    }
    if !f.conflicts.is_empty() {
        lines.push(Line::styled(T::ConflictTitle.get(lang), ERROR));
        let colon = match lang {
            Lang::Zh => ":",
            Lang::En => ": ",
        };
        for c in &f.conflicts {
            let label = FORM_LABELS
                .get(Field::ALL.iter().position(|x| *x == c.field).unwrap_or(0) + 1)
                .map_or("", |t| t.get(lang));
            lines.push(Line::styled(
                fit(
                    &format!(
                        "  {label}{colon}{} {} · {} {}",
                        T::Yours.get(lang),
                        c.mine,
                        T::Now.get(lang),
                        c.theirs
                    ),
                    usize::from(body.width),
                ),
                ERROR,
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines), body);
    if let Some(input) = f.fields.get(f.focus)
        && f.conflicts.is_empty()
    {
        let x = body.x + 2 + label_width as u16 + input.visual_cursor() as u16;
        let y = body.y + 2 + f.focus as u16;
        frame.set_cursor_position(Position::new(x.min(body.right().saturating_sub(1)), y));
    }
    let keys = if f.conflicts.is_empty() {
        T::FormKeys
    } else {
        T::ConflictKeys
    };
    keys_line(frame, body, keys, lang);
}

/// The question's label and hint, wrapped to the panel's width; the
/// update uses the same lines to map clicks to choices.
pub fn question_text(i: &Interview, lang: Lang, width: u16) -> (Vec<String>, Vec<String>) {
    let q = i.record.survey.question_at(i.current);
    let mut label = q.label.get(lang).to_string();
    if q.required {
        label.push_str(&format!(" ({})", T::Required.get(lang)));
    }
    let hint = q
        .hint
        .as_ref()
        .map_or_else(Vec::new, |h| wrap(h.get(lang), width));
    (wrap(&label, width), hint)
}

/// How an answer reads: choice labels in the current language.
fn answer_text(i: &Interview, index: usize, lang: Lang) -> Option<String> {
    let q = i.record.survey.question_at(index);
    let stored = i.record.answers.get(&q.name)?;
    Some(display_answer(
        &i.record.survey,
        &q.name,
        stored,
        lang,
        "、",
    ))
}

fn interview(frame: &mut Frame<'_>, body: Rect, i: &Interview, lang: Lang) {
    if let Mode::Review { selected } = i.mode {
        review(frame, body, i, selected, lang);
        return;
    }
    let areas = layout::interview(body);
    if let Some(outline) = areas.outline {
        draw_outline(frame, outline, i, lang);
    }
    let panel = areas.panel;
    let survey = &i.record.survey;
    let q = survey.question_at(i.current);
    let (label, hint) = question_text(i, lang, panel.width);
    let parts = layout::panel(panel, label.len(), hint.len());
    let step = i.step() + 1;
    let total = i.path.len().max(1);
    let section = survey.section_of(i.current);
    let section_label = section
        .label
        .as_ref()
        .map_or(section.name.clone(), |l| l.get(lang).to_string());
    let done = i.answered.iter().filter(|a| **a).count();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                fit(&section_label, usize::from(panel.width).saturating_sub(12)),
                DIM,
            ),
            Span::raw(format!("  {step} {} {total}", T::Of.get(lang))),
        ])),
        Rect {
            height: 1,
            ..parts.header
        },
    );
    frame.render_widget(
        Gauge::default()
            .ratio((done as f64 / total as f64).clamp(0.0, 1.0))
            .label(format!("{done}/{total}"))
            .gauge_style(OK),
        Rect {
            y: parts.header.y + 1,
            height: 1.min(parts.header.height.saturating_sub(1)),
            ..parts.header
        },
    );
    frame.render_widget(Paragraph::new(label.join("\n")).style(BOLD), parts.label);
    frame.render_widget(Paragraph::new(hint.join("\n")).style(DIM), parts.hint);
    let stored = i.record.answers.get(&q.name);
    let answer_rows = match q.kind {
        QuestionKind::Note => 0,
        QuestionKind::SelectOne | QuestionKind::YesNo | QuestionKind::SelectMultiple => {
            survey.choices_of(q).len() as u16
        }
        _ => 1,
    };
    let keys = match q.kind {
        QuestionKind::SelectOne | QuestionKind::YesNo | QuestionKind::SelectMultiple => {
            let multi = q.kind == QuestionKind::SelectMultiple;
            let lines: Vec<Line> = survey
                .choices_of(q)
                .iter()
                .enumerate()
                .map(|(n, c)| {
                    let key = if q.kind == QuestionKind::YesNo {
                        ['y', 'n'][n.min(1)]
                    } else {
                        choice_key(n)
                    };
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
                    let text = fit(
                        &format!("{key} {mark} {}", c.label.get(lang)),
                        usize::from(panel.width),
                    );
                    if chosen {
                        Line::styled(text, BOLD)
                    } else {
                        Line::raw(text)
                    }
                })
                .collect();
            frame.render_widget(Paragraph::new(lines), parts.answer);
            match q.kind {
                QuestionKind::YesNo => T::YesNoKeys,
                QuestionKind::SelectMultiple => T::MultiKeys,
                _ => T::ChoiceKeys,
            }
        }
        QuestionKind::Note => T::NoteKeys,
        _ => {
            let unit = q
                .unit
                .as_ref()
                .map_or(String::new(), |u| format!(" {}", u.get(lang)));
            let line = Line::from(vec![
                Span::raw("> "),
                Span::styled(i.input.value().to_string(), BOLD),
                Span::styled(unit, DIM),
            ]);
            frame.render_widget(
                Paragraph::new(line),
                Rect {
                    height: 1.min(parts.answer.height),
                    ..parts.answer
                },
            );
            let x = parts.answer.x + 2 + i.input.visual_cursor() as u16;
            frame.set_cursor_position(Position::new(
                x.min(panel.right().saturating_sub(1)),
                parts.answer.y,
            ));
            T::TypeKeys
        }
    };
    if let Some(e) = &i.error {
        // Right under the input, where the eye is.
        let y = (parts.answer.y + answer_rows + 1).min(parts.error.y);
        let area = Rect {
            y,
            height: 1,
            ..parts.error
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                fit(e.get(lang), usize::from(panel.width)),
                ERROR,
            )),
            area,
        );
    }
    frame.render_widget(
        Paragraph::new(Line::styled(
            fit(keys.get(lang), usize::from(panel.width)),
            DIM,
        )),
        parts.keys,
    );
}

fn draw_outline(frame: &mut Frame<'_>, area: Rect, i: &Interview, lang: Lang) {
    let survey = &i.record.survey;
    let block = Block::default().borders(Borders::RIGHT).border_style(DIM);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let mut lines: Vec<(Line, bool)> = Vec::new();
    let mut last_section = usize::MAX;
    for (n, &idx) in i.path.iter().enumerate() {
        let section = survey.section_of(idx);
        let s = survey
            .sections
            .iter()
            .position(|x| std::ptr::eq(x, section))
            .unwrap_or(0);
        if s != last_section {
            last_section = s;
            let label = section
                .label
                .as_ref()
                .map_or(section.name.clone(), |l| l.get(lang).to_string());
            lines.push((Line::styled(fit(&label, width), DIM), false));
        }
        let q = survey.question_at(idx);
        let failing = i.failing.iter().any(|(f, _)| *f == idx);
        let mark = if i.answered[n] && !failing {
            "✓"
        } else if failing || i.missing.contains(&idx) {
            "!"
        } else {
            "·"
        };
        let text = fit(&format!(" {mark} {}", q.label.get(lang)), width);
        let current = idx == i.current;
        let style = if current {
            SELECTED
        } else if mark == "!" {
            ERROR
        } else {
            Style::new()
        };
        lines.push((Line::styled(text, style), current));
    }
    let at = lines.iter().position(|(_, c)| *c).unwrap_or(0);
    let first = layout::scroll(at, inner.height);
    let shown: Vec<Line> = lines.into_iter().skip(first).map(|(l, _)| l).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

fn review(frame: &mut Frame<'_>, body: Rect, i: &Interview, selected: usize, lang: Lang) {
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
    let label_width = usize::from(body.width) * 11 / 20;
    let rows = i
        .path
        .iter()
        .map(|&idx| {
            let q = survey.question_at(idx);
            let answer = match answer_text(i, idx, lang) {
                Some(a) => match i.failing.iter().find(|(f, _)| *f == idx) {
                    Some((_, why)) => format!("{a} — {}", why.get(lang)),
                    None => a,
                },
                None if i.missing.contains(&idx) => format!("— {}", T::Missing.get(lang)),
                None if q.kind == QuestionKind::Note => String::new(),
                None => format!("— {}", T::Skipped.get(lang)),
            };
            format!("{} {}", pad(q.label.get(lang), label_width), answer)
        })
        .collect::<Vec<_>>();
    let area = layout::list_rows(body);
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&header, usize::from(body.width)), BOLD)),
        Rect { height: 1, ..body },
    );
    let first = layout::scroll(selected, area.height);
    let last = (first + usize::from(area.height)).min(rows.len());
    let lines: Vec<Line> = (first..last)
        .map(|n| {
            let text = fit(&rows[n], usize::from(area.width));
            let missing = i.path.get(n).is_some_and(|idx| {
                i.missing.contains(idx) || i.failing.iter().any(|(f, _)| f == idx)
            });
            match (n == selected, missing) {
                (true, _) => Line::styled(text, SELECTED),
                (false, true) => Line::styled(text, ERROR),
                _ => Line::raw(text),
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
    keys_line(frame, body, T::ShortReview, lang);
}

fn help(frame: &mut Frame<'_>, body: Rect, model: &Model) {
    let lang = model.lang;
    let keys = match model.screen() {
        Some(Screen::Villages(_)) => Some(T::KeysVillages),
        Some(Screen::Surveys { .. }) => Some(T::KeysSurveys),
        Some(Screen::Households(_)) => Some(T::KeysHouseholds),
        Some(Screen::Form(_)) => Some(T::FormKeys),
        Some(Screen::Interview(i)) if matches!(i.mode, Mode::Review { .. }) => Some(T::KeysReview),
        Some(Screen::Interview(_)) => Some(T::KeysInterview),
        Some(Screen::Priorities(_)) => Some(T::KeysPriorities),
        Some(Screen::Explain(_)) => Some(T::KeysExplain),
        _ => None,
    };
    let width = body.width.saturating_sub(4).clamp(10, 70);
    let mut lines: Vec<Line> = Vec::new();
    let screen_keys = keys.map_or("", |k| k.get(lang));
    for part in screen_keys
        .split(" · ")
        .filter(|p| !p.is_empty())
        .chain(T::KeysCommon.get(lang).split(" · "))
    {
        for l in wrap(part, width.saturating_sub(4)) {
            lines.push(Line::raw(format!("  {l}")));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(format!("  {}", T::HelpClose.get(lang)), DIM));
    let height = (lines.len() as u16 + 2).min(body.height);
    let area = Rect {
        x: body.x + (body.width.saturating_sub(width)) / 2,
        y: body.y + (body.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(format!(" {} ", T::Help.get(lang)))),
        area,
    );
}

fn priorities(frame: &mut Frame<'_>, body: Rect, p: &Priorities, lang: Lang) {
    let (table_area, chart_area) = layout::priorities(body);
    let wide = table_area.width >= 100;
    let pw = if wide { 30 } else { 20 };
    let header = format!(
        "{} {} {} {} {} {} {}",
        pad_left(T::Rank.get(lang), 4),
        pad(T::Village.get(lang), 12),
        pad(T::Project.get(lang), pw),
        pad_left(T::Severity.get(lang), 4),
        pad_left(T::Phase.get(lang), 5),
        pad_left("k/n/N", 11),
        pad_left(T::Share.get(lang), 5),
    );
    let row = |n: usize| {
        let i = p.visible[n];
        let project = &p.projects[i];
        let rule = &p.input.rules[project.rule];
        let label = rule
            .project
            .as_ref()
            .map_or(rule.name.clone(), |l| l.get(lang).to_string());
        let counts = format!(
            "{}/{}/{}",
            project.affected(),
            project.surveyed,
            project.registered
        );
        let low = if project.low_reliability() {
            T::LowReliability.get(lang)
        } else {
            ""
        };
        format!(
            "{} {} {} {} {} {} {} {}",
            pad_left(&(i + 1).to_string(), 4),
            pad(&project.area.village, 12),
            pad(&label, pw),
            pad_left(&rule.severity.to_string(), 4),
            pad_left(&project.phase.to_string(), 5),
            pad_left(&counts, 11),
            pad_left(&format!("{:.0}%", project.share() * 100.0), 5),
            low
        )
    };
    list(
        frame,
        table_area,
        header,
        (p.visible.len(), &row),
        p.selected,
        T::NoProjects,
        lang,
    );
    // The chart: households affected in the category, per village.
    if chart_area.height > 1 && !p.chart.is_empty() {
        let mut lines = vec![Line::styled(
            fit(
                &format!("{} · {}", T::ChartTitle.get(lang), p.chart_category),
                usize::from(chart_area.width),
            ),
            BOLD,
        )];
        let most = p.chart.first().map_or(1, |(_, n)| (*n).max(1));
        let bar_room = usize::from(chart_area.width).saturating_sub(20).max(4);
        for (area, n) in p
            .chart
            .iter()
            .take(usize::from(chart_area.height.saturating_sub(1)))
        {
            let len = ((*n as f64 / most as f64) * bar_room as f64)
                .round()
                .max(1.0) as usize;
            lines.push(Line::raw(fit(
                &format!("{} {} {n}", pad(&area.village, 12), "█".repeat(len)),
                usize::from(chart_area.width),
            )));
        }
        frame.render_widget(Paragraph::new(lines), chart_area);
    }
    let filter = format!(
        "c {}: {} · t {}: {}",
        T::Category.get(lang),
        p.category
            .map_or(T::All.get(lang), |i| p.categories[i].as_str()),
        T::Township.get(lang),
        p.township
            .map_or(T::All.get(lang), |i| p.townships[i].as_str()),
    );
    let line = Rect {
        y: body.bottom().saturating_sub(2),
        height: 1.min(body.height),
        ..body
    };
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&filter, usize::from(body.width)), DIM)),
        line,
    );
    keys_line(frame, body, T::ShortPriorities, lang);
}

fn explain(frame: &mut Frame<'_>, body: Rect, e: &Explain, lang: Lang) {
    let rule = &e.rule;
    let label = rule
        .project
        .as_ref()
        .map_or(rule.name.clone(), |l| l.get(lang).to_string());
    let width = usize::from(body.width);
    let p = &e.project;
    let mut lines = vec![
        Line::styled(
            fit(
                &format!(
                    "{} {} · {} · {}",
                    T::Rank.get(lang),
                    e.rank,
                    p.area.village,
                    label
                ),
                width,
            ),
            BOLD,
        ),
        Line::raw(fit(
            &format!(
                "{} {}.{} · {} {} · {} {} · {} {}",
                T::Rule.get(lang),
                rule.survey,
                rule.name,
                T::Category.get(lang),
                rule.category,
                T::Severity.get(lang),
                rule.severity,
                T::Phase.get(lang),
                p.phase
            ),
            width,
        )),
        Line::raw(fit(
            &format!(
                "{} {}/{}/{} · {} {} · {} {:.0}%",
                T::Counts.get(lang),
                p.affected(),
                p.surveyed,
                p.registered,
                T::People.get(lang),
                p.people,
                T::Share.get(lang),
                p.share() * 100.0
            ),
            width,
        )),
        Line::raw(fit(
            &format!("{}: {}", T::When.get(lang), e.explanation.when),
            width,
        )),
        Line::from(""),
    ];
    let mut header = format!(
        "{} {} {}",
        pad(T::Code.get(lang), 12),
        pad(T::Head.get(lang), 10),
        pad_left(T::Members.get(lang), 7)
    );
    for q in &e.explanation.questions {
        header.push_str(&format!("  {}", pad(q, 18)));
    }
    lines.push(Line::styled(fit(&header, width), BOLD));
    let top = lines.len() as u16;
    let room = body.height.saturating_sub(top + 1);
    let first = layout::scroll(e.selected, room);
    for (n, r) in e
        .explanation
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(usize::from(room))
    {
        let mut row = format!(
            "{} {} {}",
            pad(&r.code, 12),
            pad(&r.head, 10),
            pad_left(&r.members.to_string(), 7)
        );
        for (q, v) in &r.values {
            let shown = v.as_deref().map_or(String::new(), |v| {
                display_answer(&r.survey, q, v, lang, "、")
            });
            row.push_str(&format!("  {}", pad(&shown, 18)));
        }
        let text = fit(&row, width);
        lines.push(if n == e.selected {
            Line::styled(text, SELECTED)
        } else {
            Line::raw(text)
        });
    }
    frame.render_widget(Paragraph::new(lines), body);
    keys_line(frame, body, T::KeysExplain, lang);
}

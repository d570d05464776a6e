//! Setting a project's follow-up status from the Priorities tab: one key
//! for the status (1 approved, 2 funded, 3 done, 4 dropped), then the
//! amount, source, date and a note, each optional. Saved with the
//! interviewer's name; Esc leaves it as it was.

use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use unicode_width::UnicodeWidthStr;

use super::{Ctx, Go, Outcome};
use crate::i18n::{Lang, Tr};
use crate::store::project::{NewChange, ProjectKey, Status};
use crate::tr;
use crate::tui::text::T;
use crate::tui::widgets::fit::fit;
use crate::tui::widgets::key_bar::KeyBar;
use crate::tui::widgets::{BOLD, DIM, ERROR, SELECTED};

/// The fields after the status: amount, source, date, note.
const FIELDS: usize = 4;

pub struct FollowUp {
    pub key: ProjectKey,
    /// The project as people read it: village and project.
    pub title: Tr,
    /// Its status now, if any.
    pub current: Option<Status>,
    /// The status chosen.
    pub status: Option<Status>,
    pub fields: [Input; FIELDS],
    /// 0: the status; 1..=4: the fields.
    pub focus: usize,
    pub error: Option<Tr>,
}

impl FollowUp {
    pub fn new(key: ProjectKey, title: Tr, current: Option<Status>) -> FollowUp {
        FollowUp {
            key,
            title,
            current,
            status: current,
            fields: Default::default(),
            focus: 0,
            error: None,
        }
    }

    pub fn input(&mut self) -> Option<&mut Input> {
        (self.focus > 0).then(|| &mut self.fields[self.focus - 1])
    }

    pub fn key(&mut self, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
        self.error = None;
        let save = k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('s');
        match k.code {
            _ if save => return self.save(ctx),
            KeyCode::Esc => return Outcome::go(Go::Back),
            KeyCode::Enter if self.focus == FIELDS => return self.save(ctx),
            KeyCode::Enter | KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1).min(FIELDS);
            }
            KeyCode::BackTab | KeyCode::Up => self.focus = self.focus.saturating_sub(1),
            KeyCode::Char(c @ '1'..='4') if self.focus == 0 => {
                self.status = Some(Status::ALL[usize::from(c as u8 - b'1')]);
                self.focus = 1;
            }
            _ => {
                if let Some(input) = self.input() {
                    input.handle_event(&Event::Key(k));
                }
            }
        }
        Outcome::default()
    }

    fn save(&mut self, ctx: &Ctx<'_>) -> Outcome {
        let text = |i: usize| self.fields[i].value().trim().to_string();
        let amount = match text(0) {
            a if a.is_empty() => None,
            a => match crate::text::half_width(&a).parse::<f64>() {
                Ok(n) if n.is_finite() && n >= 0.0 => Some(n),
                _ => {
                    self.error = Some(tr!(
                        "金额“{a}”不对:应是 0 或更多的元数",
                        "'{a}' is no amount: give 0 yuan or more"
                    ));
                    self.focus = 1;
                    return Outcome::default();
                }
            },
        };
        let some = |s: String| (!s.is_empty()).then_some(s);
        let change = NewChange {
            status: self.status,
            amount,
            source: some(text(1)),
            day: some(text(2)),
            note: text(3),
        };
        match ctx.store.set_project(&self.key, &change, ctx.interviewer) {
            Ok(saved) => {
                let mut outcome = Outcome::go(Go::Back);
                let status = saved.status.name();
                let said = Tr {
                    zh: format!("已保存:{}", status.zh),
                    en: format!("saved: {}", status.en),
                };
                outcome.notice = Outcome::said(said, false).notice;
                outcome
            }
            Err(e) => {
                self.error = Some(e.message());
                Outcome::default()
            }
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, body: Rect, lang: Lang) {
        let width = usize::from(body.width);
        let mut lines = vec![
            Line::styled(fit(self.title.get(lang), width).into_owned(), BOLD),
            Line::styled(format!("{}: {}", T::Round.get(lang), self.key.round), DIM),
            Line::from(""),
        ];
        let now = self.current.map_or(T::NoStatus.get(lang).to_string(), |s| {
            s.name().get(lang).to_string()
        });
        lines.push(Line::styled(
            format!("{}: {now}", T::StatusNow.get(lang)),
            DIM,
        ));
        let choices: Vec<String> = Status::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mark = if self.status == Some(*s) {
                    "●"
                } else {
                    "○"
                };
                format!("{} {mark} {}", i + 1, s.name().get(lang))
            })
            .collect();
        let style = if self.focus == 0 {
            SELECTED
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(
            fit(&choices.join("  "), width).into_owned(),
            style,
        ));
        lines.push(Line::from(""));
        let labels = [T::Amount, T::FundSource, T::Day, T::Note];
        let label_width = labels
            .iter()
            .map(|l| l.get(lang).width())
            .max()
            .unwrap_or(0);
        for (i, label) in labels.iter().enumerate() {
            let label = label.get(lang);
            let pad = " ".repeat(label_width - label.width());
            let marker = if self.focus == i + 1 { "› " } else { "  " };
            let text = format!("{marker}{label}{pad}  {}", self.fields[i].value());
            lines.push(Line::raw(fit(&text, width).into_owned()));
        }
        lines.push(Line::from(""));
        if let Some(e) = &self.error {
            lines.push(Line::styled(fit(e.get(lang), width).into_owned(), ERROR));
        }
        let keys_row = body.bottom().saturating_sub(1);
        frame.render_widget(Paragraph::new(lines), body);
        frame.render_widget(
            KeyBar(T::FollowKeys.get(lang)),
            Rect {
                y: keys_row,
                height: 1,
                ..body
            },
        );
        if self.focus > 0 {
            let i = self.focus - 1;
            let x = body.x + 2 + label_width as u16 + 2 + self.fields[i].visual_cursor() as u16;
            frame.set_cursor_position(Position::new(
                x.min(body.right().saturating_sub(1)),
                body.y + 6 + i as u16,
            ));
        }
    }
}

//! The status bar: the database, the interviewer, the language and the
//! notice of the last action.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use std::borrow::Cow;

use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::fit::{fit, fit_start, wrap};
use super::{DIM, ERROR, OK};
use crate::i18n::Tr;

/// A one-line message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: Tr,
    pub error: bool,
    /// The key was not acted on (its write found the database busy) and
    /// the text asks to press it again.
    pub press_again: bool,
}

pub struct StatusBar<'a> {
    /// The database path as shown.
    pub db: &'a str,
    /// "Interviewer: name", in the language shown.
    pub who: &'a str,
    /// "Round: name", in the language shown; empty before any round.
    pub round: &'a str,
    pub language: &'a str,
    /// The notice's text, and whether it tells of an error.
    pub notice: Option<(&'a str, bool)>,
}

impl StatusBar<'_> {
    /// The columns the bar needs besides the database's path.
    fn fixed(&self) -> usize {
        let round = if self.round.is_empty() {
            0
        } else {
            self.round.width() + 3
        };
        self.who.width() + round + self.language.width() + 6
    }

    /// Whether the notice fits on the bar in `width` columns, beside at
    /// least the end of the path. When it does not, the bar shows its
    /// beginning and [`NoticeBox`] the whole of it.
    pub fn notice_fits(&self, width: u16) -> bool {
        self.notice
            .is_none_or(|(t, _)| self.fixed() + 3 + t.width() + 8 <= usize::from(width))
    }
}

impl Widget for StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let fits = self.notice_fits(area.width);
        let notice = self.notice.map(|(t, error)| {
            if fits {
                (Cow::Borrowed(t), error)
            } else {
                let room = usize::from(area.width).saturating_sub(self.fixed() + 3 + 8);
                (fit(t, room), error)
            }
        });
        let fixed = self.fixed() + notice.as_ref().map_or(0, |(t, _)| t.width() + 3);
        // The path gives way first, cut from the left: its end names the file.
        let room = usize::from(area.width).saturating_sub(fixed).max(8);
        let mut spans = vec![
            Span::styled(fit_start(self.db, room), DIM),
            Span::raw(" │ "),
            Span::raw(self.who),
            Span::raw(" │ "),
        ];
        if !self.round.is_empty() {
            spans.push(Span::raw(self.round));
            spans.push(Span::raw(" │ "));
        }
        spans.push(Span::raw(self.language));
        if let Some((text, error)) = notice {
            spans.push(Span::raw(" │ "));
            spans.push(Span::styled(text, if error { ERROR } else { OK }));
        }
        Line::from(spans).render(area, buf);
    }
}

/// A notice too long for the status bar, whole, wrapped in a box just
/// above it (over the bottom of the screen) until the next key.
#[derive(Clone, Copy)]
pub struct NoticeBox<'a> {
    pub text: &'a str,
    pub error: bool,
}

impl NoticeBox<'_> {
    /// Where the box goes in `body`: its last rows, as many as the text
    /// needs wrapped to the width, and a border line.
    pub fn area(&self, body: Rect) -> Rect {
        let rows = wrap(self.text, body.width).len() as u16 + 1;
        let height = rows.min(body.height);
        Rect {
            y: body.bottom().saturating_sub(height),
            height,
            ..body
        }
    }
}

impl Widget for NoticeBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Clear.render(area, buf);
        let style = if self.error { ERROR } else { OK };
        Paragraph::new(wrap(self.text, area.width).join("\n"))
            .style(style)
            .block(Block::new().borders(Borders::TOP).border_style(DIM))
            .render(area, buf);
    }
}

//! The status bar: the database, the interviewer, the language and the
//! notice of the last action.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use super::fit::fit_start;
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
    pub language: &'a str,
    /// The notice's text, and whether it tells of an error.
    pub notice: Option<(&'a str, bool)>,
}

impl Widget for StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let fixed = self.who.width()
            + self.language.width()
            + 6
            + self.notice.map_or(0, |(t, _)| t.width() + 3);
        // The path gives way first, cut from the left: its end names the file.
        let room = usize::from(area.width).saturating_sub(fixed).max(8);
        let mut spans = vec![
            Span::styled(fit_start(self.db, room), DIM),
            Span::raw(" │ "),
            Span::raw(self.who),
            Span::raw(" │ "),
            Span::raw(self.language),
        ];
        if let Some((text, error)) = self.notice {
            spans.push(Span::raw(" │ "));
            spans.push(Span::styled(text, if error { ERROR } else { OK }));
        }
        Line::from(spans).render(area, buf);
    }
}

//! The help overlay: a screen's keys and the keys that work everywhere,
//! one to a line, in a box over the screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

use super::fit::wrap;
use super::popup::Popup;

pub struct Help<'a> {
    pub title: &'a str,
    /// The screen's keys, then the common ones, each list joined by " · ".
    pub keys: [&'a str; 2],
    pub close: &'a str,
}

impl Widget for Help<'_> {
    fn render(self, body: Rect, buf: &mut Buffer) {
        let width = body.width.saturating_sub(4).clamp(10, 70);
        let mut lines: Vec<Line> = Vec::new();
        for part in self
            .keys
            .iter()
            .flat_map(|k| k.split(" · "))
            .filter(|p| !p.is_empty())
        {
            for l in wrap(part, width.saturating_sub(4)) {
                lines.push(Line::raw(format!("  {l}")));
            }
        }
        Popup {
            title: self.title,
            lines,
            footer: self.close,
            width,
        }
        .render(body, buf);
    }
}

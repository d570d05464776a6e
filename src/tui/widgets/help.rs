//! The help overlay: a screen's keys and the keys that work everywhere,
//! one to a line, in a box over the screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::DIM;
use super::fit::wrap;

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
        lines.push(Line::from(""));
        lines.push(Line::styled(format!("  {}", self.close), DIM));
        let height = (lines.len() as u16 + 2).min(body.height);
        // Centred, any odd column or row left below and to the right.
        let area = Rect {
            x: body.x + (body.width.saturating_sub(width)) / 2,
            y: body.y + (body.height.saturating_sub(height)) / 2,
            width,
            height,
        };
        Clear.render(area, buf);
        Paragraph::new(lines)
            .block(Block::bordered().title(format!(" {} ", self.title)))
            .render(area, buf);
    }
}

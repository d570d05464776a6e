//! A box over the screen: a title, lines, and a dimmed line saying how to
//! close it; centred in the area it is given, as wide as its lines need up
//! to a limit. The help and the list of questions that keep an interview
//! from being complete are drawn with it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::DIM;

pub struct Popup<'a> {
    pub title: &'a str,
    pub lines: Vec<Line<'a>>,
    /// How to close it (and what else the keys do), dimmed, last.
    pub footer: &'a str,
    /// The box's width, borders included.
    pub width: u16,
}

impl Widget for Popup<'_> {
    fn render(self, body: Rect, buf: &mut Buffer) {
        let mut lines = self.lines;
        lines.push(Line::from(""));
        lines.push(Line::styled(format!("  {}", self.footer), DIM));
        let width = self.width.min(body.width);
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

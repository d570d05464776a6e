//! The line of key hints at the bottom of a screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

use super::DIM;
use super::fit::fit;

/// Key hints, dimmed, cut to the width.
pub struct KeyBar<'a>(pub &'a str);

impl Widget for KeyBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Line::styled(fit(self.0, usize::from(area.width)), DIM).render(area, buf);
    }
}

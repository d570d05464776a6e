//! The frame every screen is drawn in: the title bar, the body and the
//! status bar. Both the view (to draw) and the update (to map a click, to
//! know how far a page goes) take the body from here.

use ratatui::layout::{Constraint, Layout, Rect};

/// The title bar, the body and the status bar.
pub struct Areas {
    pub title: Rect,
    pub body: Rect,
    pub status: Rect,
}

impl Areas {
    pub fn new(area: Rect) -> Areas {
        let [title, body, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        Areas {
            title,
            body,
            status,
        }
    }

    pub fn of_size((width, height): (u16, u16)) -> Areas {
        Areas::new(Rect::new(0, 0, width, height))
    }
}

/// How many rows Page Up and Page Down move in a list drawn in `body`: the
/// rows between its header and its key bar.
pub fn page(body: Rect) -> usize {
    usize::from(body.height.saturating_sub(2).max(1))
}

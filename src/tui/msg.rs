//! What can happen to the app: the terminal's events, reduced to what the
//! app reacts to. Only key presses count (Windows also reports releases).

use ratatui::crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEventKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Click { column: u16, row: u16 },
    Scroll { down: bool },
    Resize(u16, u16),
}

impl Msg {
    pub fn from_event(event: Event) -> Option<Msg> {
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => Some(Msg::Key(key)),
            Event::Paste(text) => Some(Msg::Paste(text)),
            Event::Mouse(m) => match m.kind {
                MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click {
                    column: m.column,
                    row: m.row,
                }),
                MouseEventKind::ScrollDown => Some(Msg::Scroll { down: true }),
                MouseEventKind::ScrollUp => Some(Msg::Scroll { down: false }),
                _ => None,
            },
            Event::Resize(w, h) => Some(Msg::Resize(w, h)),
            _ => None,
        }
    }
}

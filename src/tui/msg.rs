//! What can happen to the app: the terminal's events, reduced to what the
//! app reacts to. Only key presses count (Windows also reports releases).

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

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

/// What is left of the events that arrived while a save waited on the
/// database.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AfterWait {
    /// What still applies: the terminal's new size, and Ctrl-C (quitting
    /// loses nothing; every confirmed answer is already stored).
    pub kept: Vec<Msg>,
    /// Keys, pastes and clicks dropped.
    pub discarded: usize,
}

/// Sorts the events typed while a save waited (and maybe failed): none of
/// them may answer a question, because the person typed them for a screen
/// that did not come, or came after the question they meant had changed.
/// They are dropped, and the person is asked to press them again.
pub fn after_wait(events: impl IntoIterator<Item = Event>) -> AfterWait {
    let mut left = AfterWait::default();
    for event in events {
        match Msg::from_event(event) {
            Some(Msg::Resize(w, h)) => left.kept.push(Msg::Resize(w, h)),
            Some(Msg::Key(k))
                if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) =>
            {
                left.kept.push(Msg::Key(k))
            }
            Some(_) => left.discarded += 1,
            None => {}
        }
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyEventState, MouseEvent};

    fn press(code: KeyCode, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn after_a_wait_keys_are_discarded_and_size_and_quit_kept() {
        let release = Event::Key(KeyEvent {
            code: KeyCode::Char('2'),
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Release,
            state: KeyEventState::NONE,
        });
        let click = Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 3,
            row: 4,
            modifiers: KeyModifiers::NONE,
        });
        let left = after_wait([
            press(KeyCode::Char('2'), KeyModifiers::NONE),
            release,
            press(KeyCode::Enter, KeyModifiers::NONE),
            Event::Paste("30".into()),
            click,
            Event::Resize(100, 30),
            press(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Event::FocusLost,
        ]);
        assert_eq!(left.discarded, 4, "a key, Enter, a paste and a click");
        assert_eq!(
            left.kept,
            [
                Msg::Resize(100, 30),
                Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))
            ]
        );
        assert_eq!(after_wait([]), AfterWait::default());
    }
}

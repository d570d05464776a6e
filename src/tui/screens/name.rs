//! Asks the interviewer's name: once when the app is first used, and
//! whenever the interviewer changes it (`n` on the Villages page). Every
//! answer is stamped with the name in use when it is saved.

use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{Ctx, Go, Outcome};
use crate::i18n::Lang;
use crate::tui::text::T;
use crate::tui::widgets::{BOLD, DIM};

#[derive(Default)]
pub struct Name {
    pub input: Input,
    /// Opened to change the name in use (Esc keeps it), not to give one.
    pub changing: bool,
}

impl Name {
    /// The name in use, to be changed.
    pub fn change(current: &str) -> Name {
        Name {
            input: Input::new(current.to_string()),
            changing: true,
        }
    }

    /// Enter stores the name (not an empty one); Esc keeps the one in use
    /// when changing it; other keys edit it.
    pub fn key(&mut self, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
        if k.code == KeyCode::Esc && self.changing {
            return Outcome::go(Go::Back);
        }
        if k.code != KeyCode::Enter {
            self.input.handle_event(&Event::Key(k));
            return Outcome::default();
        }
        let name = self.input.value().trim().to_string();
        if name.is_empty() {
            return Outcome::default();
        }
        match ctx.store.set_interviewer(&name) {
            Ok(()) => Outcome::go(Go::Named(name)),
            Err(e) => Outcome::failed(&e),
        }
    }

    pub fn render(&self, frame: &mut Frame<'_>, body: Rect, lang: Lang) {
        let (ask, keys) = if self.changing {
            (T::ChangeName, T::ChangeNameKeys)
        } else {
            (T::AskName, T::AskNameKeys)
        };
        let lines = vec![
            Line::from(""),
            Line::styled(ask.get(lang), BOLD),
            Line::from(""),
            Line::from(format!("> {}", self.input.value())),
            Line::from(""),
            Line::styled(keys.get(lang), DIM),
        ];
        frame.render_widget(Paragraph::new(lines), body);
        let x = body.x + 2 + self.input.visual_cursor() as u16;
        frame.set_cursor_position(Position::new(
            x.min(body.right().saturating_sub(1)),
            body.y + 3,
        ));
    }
}

//! Asks the interviewer's name, once: every answer is stamped with it.

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
use crate::tui::widgets::BOLD;

#[derive(Default)]
pub struct Name {
    pub input: Input,
}

impl Name {
    /// Enter stores the name (not an empty one); other keys edit it.
    pub fn key(&mut self, ctx: &Ctx<'_>, k: KeyEvent) -> Outcome {
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
        let lines = vec![
            Line::from(""),
            Line::styled(T::AskName.get(lang), BOLD),
            Line::from(""),
            Line::from(format!("> {}", self.input.value())),
        ];
        frame.render_widget(Paragraph::new(lines), body);
        let x = body.x + 2 + self.input.visual_cursor() as u16;
        frame.set_cursor_position(Position::new(
            x.min(body.right().saturating_sub(1)),
            body.y + 3,
        ));
    }
}

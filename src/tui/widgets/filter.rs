//! A filter typed under a list: its state, its keys and its line.

use pinyin::ToPinyin;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::Line;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use unicode_width::UnicodeWidthStr;

use super::BOLD;

/// A list's filter, being typed or applied.
#[derive(Default)]
pub struct Filter {
    /// Some while the user types the filter.
    pub editing: Option<Input>,
    pub query: String,
}

impl Filter {
    /// Whether a filter line is drawn under the list.
    pub fn shown(&self) -> bool {
        self.editing.is_some() || !self.query.is_empty()
    }

    /// What the list is filtered by now: the text being typed, else the
    /// query applied.
    pub fn text(&self) -> &str {
        self.editing.as_ref().map_or(&self.query, |i| i.value())
    }

    /// Handles a key: `/` starts a fresh query, Enter applies it, Esc
    /// clears it. True when the key was the filter's (the list should then
    /// be filtered again); arrows still move in the list while typing.
    pub fn key(&mut self, k: KeyEvent) -> bool {
        let Some(input) = self.editing.as_mut() else {
            if k.code == KeyCode::Char('/') {
                self.editing = Some(Input::default());
                return true;
            }
            if k.code == KeyCode::Esc && !self.query.is_empty() {
                self.query.clear();
                return true;
            }
            return false;
        };
        match k.code {
            KeyCode::Enter => {
                self.query = input.value().to_string();
                self.editing = None;
            }
            KeyCode::Esc => {
                self.query.clear();
                self.editing = None;
            }
            KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => return false,
            _ => {
                input.handle_event(&Event::Key(k));
            }
        }
        true
    }

    /// Draws "label: text" in `area`, with the cursor in it while typing.
    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, label: &str) {
        if !self.shown() {
            return;
        }
        let text = format!("{label}: {}", self.text());
        frame.render_widget(Line::styled(text, BOLD), area);
        if let Some(input) = &self.editing {
            let x = (label.width() + 2 + input.visual_cursor()) as u16;
            frame.set_cursor_position(Position::new(
                area.x + x.min(area.width.saturating_sub(1)),
                area.y,
            ));
        }
    }
}

/// Lowercase text, full pinyin and pinyin initials, for filtering by
/// whatever the user types.
pub fn search_key(text: &str) -> String {
    let mut full = String::new();
    let mut initials = String::new();
    for (c, p) in text.chars().zip(text.to_pinyin()) {
        match p {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None => {
                full.extend(c.to_lowercase());
                initials.extend(c.to_lowercase());
            }
        }
    }
    format!("{}\u{1f}{full}\u{1f}{initials}", text.to_lowercase())
}

/// Whether a row with search key `key` passes the filter `query`.
pub fn matches(key: &str, query: &str) -> bool {
    query.is_empty() || key.contains(&query.to_lowercase())
}

/// Where the parts of a filterable list go: the table, the filter line
/// (only while it is shown) and the key bar.
pub struct FilteredAreas {
    pub table: Rect,
    pub filter: Rect,
    pub keys: Rect,
}

pub fn filtered_areas(body: Rect, filter: &Filter) -> FilteredAreas {
    let [table, filter, keys] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(u16::from(filter.shown())),
        Constraint::Length(1),
    ])
    .areas(body);
    FilteredAreas {
        table,
        filter,
        keys,
    }
}

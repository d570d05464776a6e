//! Widgets the screens share: a list drawn as a table, the filter line
//! under a list, the key bar, the status bar and the help overlay, and
//! text cut or wrapped to a width. They draw what they are given and know
//! nothing of the model, the store or the screens.

pub mod filter;
pub mod fit;
pub mod help;
pub mod key_bar;
pub mod popup;
pub mod status_bar;
pub mod table;

use ratatui::style::{Color, Modifier, Style};

pub const DIM: Style = Style::new().fg(Color::DarkGray);
pub const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
pub const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);
pub const ERROR: Style = Style::new().fg(Color::Red);
pub const OK: Style = Style::new().fg(Color::Green);

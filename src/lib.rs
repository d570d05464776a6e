//! Minqing (民情): household living-condition surveys for county survey teams,
//! and the ranked village projects they lead to.
//!
//! Layers, arrows pointing down only: `cli` (wiring) → `survey` (the pure
//! questionnaire core). See ARCHITECTURE.md in the project's shared docs.

pub mod cli;
pub mod demo;
pub mod files;
pub mod i18n;
pub mod interview;
pub mod parts;
pub mod priority;
pub mod report;
pub mod store;
pub mod survey;
pub mod text;
pub mod tui;

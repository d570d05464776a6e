//! Output for people: terminal tables (and, later, CSV exports).
//!
//! Owns layout only; the numbers come from the store and the core.

pub mod table;

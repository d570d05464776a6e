//! Output for people: terminal tables (and, later, CSV exports).
//!
//! Owns layout only; the numbers come from the store and the core.

pub mod brief;
mod columns;
pub mod coverage;
pub mod csv_out;
mod csv_rows;
pub mod dataset;
pub mod export;
pub mod parquet;
pub mod priorities;
pub mod rosters;
mod stored;
pub mod table;
pub mod trend;
pub mod villages;

//! The SQLite store: the only place that reads or writes survey data.
//!
//! Owns the database file: opening and recognising it, migrations with a
//! copy made first, survey snapshots, households, interviews with their
//! answers, need hits and audit trail, merging another laptop's file, and
//! backups. Every write is one transaction in WAL mode with
//! `synchronous=FULL`: when a call returns, the change survives a crash or a
//! flat battery. Never draws or prints anything.

mod ahead;
mod audit;
mod backup;
pub mod bulk;
mod clock;
pub mod coverage;
pub mod doctor;
mod error;
mod file;
pub mod hits;
pub mod household;
pub mod import;
pub mod interview;
mod kept;
pub mod merge;
mod meta;
pub mod overview;
pub mod package;
pub mod places;
pub mod priorities;
pub mod project;
pub mod revalidate;
mod round;
mod rows;
mod schema;
mod snapshot;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

pub use error::StoreError;
pub(crate) use file::{journal_holds_pages, read_only, reading};
pub use round::{Round, RoundCounts, round_name};
pub use schema::{APPLICATION_ID, CURRENT_VERSION, FIRST_ROUND};
pub use snapshot::content_hash;

use crate::survey::Survey;

pub type Result<T> = std::result::Result<T, StoreError>;

/// How long a write waits for another program (a second app, an export)
/// holding the database before giving up with [`StoreError::Busy`].
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The version of how need hits are computed from answers (the expression
/// semantics and the hit format). Stored hits made under another version
/// are recomputed when the database is opened, from each interview's own
/// snapshot: raise it whenever evaluation changes.
pub const RULES_ENGINE: &str = "1";

/// An open Minqing database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    device: String,
    /// Surveys parsed from their snapshots, by snapshot id.
    surveys: RefCell<HashMap<i64, Rc<Survey>>>,
    /// The last timestamp handed out, so two changes in one millisecond
    /// still get distinct, ordered times in the audit trail.
    clock: Cell<i64>,
    /// How far this laptop's clock is set wrong, in milliseconds: zero,
    /// but for tests of what a laptop with a wrong clock does.
    skew: Cell<i64>,
    /// Whether the file keeps counts ([`kept`]), for [`Store::commit`]:
    /// every file this build opens does; only one being made at an older
    /// schema for a test ([`Store::create_at_version`]) does not.
    keeps: Cell<bool>,
    /// Interviews the open transaction wrote of households new to their
    /// round, for the counts it keeps ([`Store::commit_fresh`]).
    fresh: RefCell<kept::Fresh>,
}

/// The schema version from which a file keeps counts.
const KEPT_FROM: i32 = 9;

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Column `i` of `r` as text, read in place.
fn row_text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    Ok(r.get_ref(i)?.as_str()?)
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Store {
    /// Begins a write transaction that takes the write lock at once, so two
    /// programs writing never deadlock halfway through.
    fn write(&self) -> Result<rusqlite::Transaction<'_>> {
        Ok(rusqlite::Transaction::new_unchecked(
            &self.conn,
            TransactionBehavior::Immediate,
        )?)
    }

    /// Commits a write transaction, the kept counts brought up to date
    /// first (see [`kept`]), so they change with the answers that change
    /// them.
    ///
    /// Folding never fails the write: when it cannot be done (a stored
    /// questionnaire or hits that do not read), what it did is undone and
    /// the marks stay, so the next ranking counts every household, which
    /// names the damage, and `minqing doctor` reports it.
    fn commit(&self, tx: rusqlite::Transaction<'_>) -> Result<()> {
        if self.keeps.get() {
            self.fold_or_leave(None)?;
        }
        Ok(tx.commit()?)
    }

    /// The result of a public method with this file named in any damage
    /// found inside it: a [`StoreError::Damaged`] from a `?` on SQLite or
    /// answers that do not parse becomes [`StoreError::Corrupt`] of this
    /// path here, once, so that no caller has to remember to name it.
    fn located<T>(&self, body: impl FnOnce() -> Result<T>) -> Result<T> {
        body().map_err(|e| e.at(&self.path))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This database's device id: a UUID made when the file was created,
    /// recorded with every interview and audit entry.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// The time on this laptop's clock, in milliseconds since the epoch.
    fn now(&self) -> i64 {
        now_ms() + self.skew.get()
    }

    /// Sets this laptop's clock wrong by `ms` milliseconds; only for
    /// testing what changes made on a laptop with a wrong clock do.
    #[doc(hidden)]
    pub fn set_clock_skew(&self, ms: i64) {
        self.skew.set(ms);
    }

    /// A timestamp later than every one this store handed out before.
    fn tick(&self) -> i64 {
        self.tick_after(0)
    }

    /// [`Store::tick`], and later than `after`: a change to an interview is
    /// stamped after its last change, even one made by another program on
    /// this file, so its audit entries are never two at the same time and
    /// read in the order they were made.
    fn tick_after(&self, after: i64) -> i64 {
        let t = self.now().max(self.clock.get() + 1).max(after + 1);
        self.clock.set(t);
        t
    }

    /// How long a write waits for another program holding the database
    /// before it gives up with [`StoreError::Busy`] ([`BUSY_TIMEOUT`]
    /// unless set).
    pub fn set_busy_timeout(&self, wait: Duration) -> Result<()> {
        self.located(|| Ok(self.conn.busy_timeout(wait)?))
    }

    /// Sets the page cache of this connection, for bulk work.
    pub fn set_cache_mib(&self, mib: i64) -> Result<()> {
        self.located(|| Ok(self.conn.pragma_update(None, "cache_size", -mib * 1024)?))
    }

    /// Writes in bulk (a generated county) when `on`: commits no longer
    /// wait for the disk (SQLite's `synchronous=NORMAL` in WAL mode: a
    /// crash may lose the last commits, never damages the file) and the
    /// journal is copied into the file every 50,000 pages (about 200 MB)
    /// rather than every 1,000, so that pages several batches change are
    /// copied once. Off, commits are durable again, and the journal is copied
    /// into the file and emptied now: what was written is on the disk.
    pub fn set_bulk_writing(&self, on: bool) -> Result<()> {
        self.located(|| {
            if on {
                self.conn.execute_batch(
                    "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 50000;",
                )?;
            } else {
                self.conn.execute_batch(
                    "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000;",
                )?;
                self.conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            }
            Ok(())
        })
    }

    /// `PRAGMA synchronous` of the store's connection (2 is FULL).
    pub fn synchronous(&self) -> Result<i64> {
        self.located(|| {
            Ok(self
                .conn
                .pragma_query_value(None, "synchronous", |r| r.get(0))?)
        })
    }

    /// Whether foreign keys are enforced on the store's connection.
    pub fn foreign_keys(&self) -> Result<bool> {
        self.located(|| {
            Ok(self
                .conn
                .pragma_query_value(None, "foreign_keys", |r| r.get(0))?)
        })
    }

    /// Runs SQLite's full integrity check; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> Result<()> {
        self.located(|| sound(&self.conn, "integrity_check", &self.path, None))
    }

    /// Before a bulk write (an import, a merge): a damaged file is not
    /// written to, where more data would only be harder to recover.
    pub(super) fn check_before_writing(&self) -> Result<()> {
        sound(
            &self.conn,
            "quick_check",
            &self.path,
            Some("nothing was written"),
        )
    }
}

/// What `PRAGMA integrity_check`, or the quicker `quick_check`, reports on
/// `conn`: `["ok"]` when the file is sound, else each problem found.
pub(super) fn check_report(conn: &Connection, check: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {check}"))?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// `Ok(())` when `check` finds the file at `path` sound; else that it is
/// damaged, with what was therefore not done (`then`), when given.
pub(super) fn sound(conn: &Connection, check: &str, path: &Path, then: Option<&str>) -> Result<()> {
    let rows = check_report(conn, check).map_err(|e| StoreError::from_sqlite(path, e))?;
    if rows == ["ok"] {
        return Ok(());
    }
    let mut detail = rows.join("; ");
    if let Some(then) = then {
        detail.push_str("; ");
        detail.push_str(then);
    }
    Err(StoreError::Corrupt {
        path: path.to_path_buf(),
        detail,
    })
}

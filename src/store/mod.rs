//! The SQLite store: the only place that reads or writes survey data.
//!
//! Owns the database file: opening and recognising it, migrations with a
//! copy made first, survey snapshots, households, interviews with their
//! answers, need hits and audit trail, merging another laptop's file, and
//! backups. Every write is one transaction in WAL mode with
//! `synchronous=FULL`: when a call returns, the change survives a crash or a
//! flat battery. Never draws or prints anything.

mod clock;
pub mod doctor;
mod error;
pub mod hits;
pub mod household;
pub mod import;
pub mod interview;
pub mod merge;
pub mod overview;
pub mod priorities;
pub mod revalidate;
mod schema;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

pub use error::StoreError;
pub use schema::{APPLICATION_ID, CURRENT_VERSION};

use crate::survey::{self, Survey};

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
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// What the header of an SQLite file says of it.
struct Header {
    application_id: i32,
    user_version: i32,
}

/// Whether the WAL journal beside `path` holds pages: then the file's own
/// header may be older than the database it makes with the journal.
pub(super) fn journal_holds_pages(path: &Path) -> bool {
    let mut journal = path.as_os_str().to_owned();
    journal.push("-wal");
    fs::metadata(&journal).is_ok_and(|m| m.len() > 0)
}

/// Reads the header of the file at `path`: refused when it is not an
/// SQLite file, or when it is shorter than its header says (a copy that
/// stopped half-way), which SQLite itself would notice only on reaching
/// the missing pages.
fn check_header(path: &Path) -> Result<Header> {
    let not_ours = |detail: &str| StoreError::NotMinqing {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = fs::File::open(path).map_err(io)?;
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]).map_err(io)? {
            0 => break,
            n => read += n,
        }
    }
    if read == 0 {
        return Err(not_ours("empty file"));
    }
    if read < 16 || &header[..16] != b"SQLite format 3\0" {
        return Err(not_ours("not an SQLite file"));
    }
    let damaged = |detail: String| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    if read < header.len() {
        return Err(damaged("the file ends inside its header".into()));
    }
    let word = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    // The page size, where 1 stands for 65,536; the page count is to be
    // trusted only when the header says it is valid (offset 92 equal to
    // the change counter at 24). A checkpoint interrupted half-way may
    // leave the file short of its header while the journal beside it
    // still holds every page: SQLite finishes it on opening.
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(word(28));
    let length = file.metadata().map_err(io)?.len();
    if word(92) == word(24) && pages > 0 && length < pages * page_size && !journal_holds_pages(path)
    {
        return Err(damaged(format!(
            "the file has {length} bytes, its header says {}: it was copied or written only in part",
            pages * page_size
        )));
    }
    Ok(Header {
        application_id: word(68) as i32,
        user_version: word(60) as i32,
    })
}

/// The file in `path`'s folder whose name is closest to `path`'s, when
/// it is close enough to be a likely typing mistake.
fn similar_file(path: &Path) -> Option<PathBuf> {
    let wanted = path.file_name()?.to_str()?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let allowed = (wanted.chars().count() / 4).clamp(1, 3);
    fs::read_dir(folder)
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let distance = strsim::levenshtein(wanted, &name);
            (distance <= allowed).then_some((distance, name))
        })
        .min()
        .map(|(_, name)| path.with_file_name(name))
}

/// A name beside `path` that no other process uses at the same time.
fn temporary_name(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{}-{}.part", std::process::id(), now_ms()));
    PathBuf::from(name)
}

/// Creates `path` readable and writable by its owner only, so that
/// household data is not readable by other accounts on a shared laptop.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(|_| ())
}

impl Store {
    /// Opens the database at `path`, creating it (and its folder) when it
    /// does not exist. A file that is not a Minqing database, or was written
    /// by a newer Minqing, is refused without being modified. An older one
    /// is copied aside, then migrated.
    pub fn open(path: &Path) -> Result<Store> {
        if path.is_dir() {
            return Err(StoreError::IsDir {
                path: path.to_path_buf(),
            });
        }
        if !path.exists() {
            Store::create(path)?;
        }
        let version = Store::inspect(path)?;
        let read_only = || StoreError::ReadOnly {
            path: path.to_path_buf(),
        };
        // Minqing writes the file, and its journal beside it: a file or a
        // folder it cannot write is said so before SQLite tries.
        if let Err(e) = fs::OpenOptions::new().read(true).write(true).open(path) {
            return Err(match e.kind() {
                std::io::ErrorKind::ReadOnlyFilesystem => StoreError::ReadOnlyMount {
                    path: path.to_path_buf(),
                },
                std::io::ErrorKind::PermissionDenied => read_only(),
                _ => StoreError::Io {
                    path: path.to_path_buf(),
                    source: e,
                },
            });
        }
        let failed = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::CannotOpen) => read_only(),
            _ => StoreError::from_sqlite(path, e),
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(failed)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(failed)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(failed)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::NoWal {
                path: path.to_path_buf(),
            });
        }
        // A large sort (an export of a province) may use a second core.
        conn.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA threads = 2;",
        )
        .map_err(failed)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            device: String::new(),
            surveys: RefCell::new(HashMap::new()),
            clock: Cell::new(0),
            skew: Cell::new(0),
        };
        if version < CURRENT_VERSION {
            store.copy_before_migrating(version)?;
            store.migrate(version, CURRENT_VERSION)?;
        }
        store.device = store.device_id()?;
        if store.meta("rules_engine")?.as_deref() != Some(RULES_ENGINE) {
            store.recompute_hits()?;
            store.set_meta("rules_engine", RULES_ENGINE)?;
        }
        Ok(store)
    }

    /// Opens the database at `path` for a command that only reads it:
    /// a missing file is refused, with a file of a similar name in that
    /// folder offered, instead of being created empty.
    pub fn open_existing(path: &Path) -> Result<Store> {
        if fs::symlink_metadata(path).is_err() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
                similar: similar_file(path),
            });
        }
        Store::open(path)
    }

    /// Reads what a file is from its header, or on a read-only connection
    /// when a journal beside it holds pages, so that a file that is refused
    /// is never written (not even by a recovery of its journal): returns
    /// its schema version when it is a Minqing database this build can
    /// open.
    pub(super) fn inspect(path: &Path) -> Result<i32> {
        let header = check_header(path)?;
        let (app_id, version) = if journal_holds_pages(path) {
            // SQLite makes the shared-memory file beside the journal when
            // it is missing (a file copied with its journal): taken away
            // again, so that looking leaves nothing behind.
            let mut shm = path.as_os_str().to_owned();
            shm.push("-shm");
            let shm_was_there = Path::new(&shm).exists();
            let failed = |e| StoreError::from_sqlite(path, e);
            let read = || -> Result<(i32, i32)> {
                let conn = read_only(path).map_err(failed)?;
                let app_id: i32 = conn
                    .pragma_query_value(None, "application_id", |r| r.get(0))
                    .map_err(failed)?;
                let version: i32 = conn
                    .pragma_query_value(None, "user_version", |r| r.get(0))
                    .map_err(failed)?;
                Ok((app_id, version))
            };
            let found = read();
            if !shm_was_there {
                let _ = fs::remove_file(&shm);
            }
            found?
        } else {
            // Nothing in a journal: the header is the database's, and
            // reading it opens nothing that could leave a file behind.
            (header.application_id, header.user_version)
        };
        if app_id != APPLICATION_ID {
            return Err(StoreError::NotMinqing {
                path: path.to_path_buf(),
                detail: "an SQLite database of another program".into(),
            });
        }
        if version > CURRENT_VERSION {
            return Err(StoreError::Newer {
                path: path.to_path_buf(),
                found: version,
                supported: CURRENT_VERSION,
            });
        }
        Ok(version)
    }

    /// Creates a new database: built complete under a temporary name and
    /// renamed into place, so that an interrupted creation never leaves a
    /// half-made file that later opens would refuse.
    fn create(path: &Path) -> Result<()> {
        let io = |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io)?;
        }
        let tmp = temporary_name(path);
        let result = Store::create_at_version(&tmp, CURRENT_VERSION);
        let result = result.and_then(|()| {
            // Placing fails if another program created the file meanwhile:
            // theirs is kept, never replaced.
            match crate::files::place_new(&tmp, path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
                Err(e) => Err(io(e)),
            }
        });
        let _ = fs::remove_file(&tmp);
        result
    }

    /// Creates a database at an older schema version; only for testing
    /// that migrations copy and upgrade old files.
    #[doc(hidden)]
    pub fn create_at_version(path: &Path, version: i32) -> Result<()> {
        create_private(path).map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let conn = Connection::open(path).map_err(|e| StoreError::from_sqlite(path, e))?;
        let conn = {
            // A database in rollback mode while it is built: one file to rename.
            conn.pragma_update(None, "journal_mode", "DELETE")
                .map_err(|e| StoreError::from_sqlite(path, e))?;
            conn
        };
        let store = Store {
            conn,
            path: path.to_path_buf(),
            device: String::new(),
            surveys: RefCell::new(HashMap::new()),
            clock: Cell::new(0),
            skew: Cell::new(0),
        };
        store.migrate(0, version)?;
        store.device_id().map(|_| ())
    }

    fn migrate(&self, from: i32, to: i32) -> Result<()> {
        for version in from + 1..=to {
            let tx = self.write()?;
            if version == 1 {
                tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            }
            tx.execute_batch(schema::MIGRATIONS[(version - 1) as usize])?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Copies the file next to itself before a migration changes it:
    /// `minqing.db` → `minqing.db.v1-<time>.bak`.
    fn copy_before_migrating(&self, version: i32) -> Result<PathBuf> {
        let mut name = self.path.as_os_str().to_owned();
        name.push(format!(".v{version}-{}.bak", now_ms()));
        let target = PathBuf::from(name);
        self.backup_to(&target)?;
        Ok(target)
    }

    /// A consistent copy of the database at `target` through SQLite's
    /// online backup API, safe while the app is writing. The copy is made
    /// under a temporary name and renamed, so a failure leaves no half file;
    /// an existing `target` is never overwritten.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        let io = |source| StoreError::Io {
            path: target.to_path_buf(),
            source,
        };
        if target.exists() {
            return Err(StoreError::Exists {
                path: target.to_path_buf(),
            });
        }
        let tmp = temporary_name(target);
        create_private(&tmp).map_err(io)?;
        let result = (|| {
            let failed = |e| StoreError::from_sqlite(target, e);
            let mut dest = Connection::open(&tmp).map_err(failed)?;
            {
                let backup =
                    rusqlite::backup::Backup::new(&self.conn, &mut dest).map_err(failed)?;
                // Damage is the source's; anything else is the copy's.
                backup
                    .run_to_completion(1024, Duration::from_millis(5), None)
                    .map_err(|e| match e.sqlite_error_code() {
                        Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                            StoreError::from_sqlite(&self.path, e)
                        }
                        _ => failed(e),
                    })?;
            }
            // A backup is there to be trusted: a copy of a damaged file,
            // which would hide the damage, is not kept.
            sound(
                &dest,
                "quick_check",
                &self.path,
                Some("no backup was written"),
            )?;
            // A copy that becomes another laptop's database must not share
            // this one's device id: it gets its own when first opened.
            dest.execute("DELETE FROM meta WHERE key = 'device'", [])
                .map_err(failed)?;
            dest.pragma_update_and_check(None, "journal_mode", "DELETE", |_| Ok(()))
                .map_err(failed)?;
            dest.close().map_err(|(_, e)| failed(e))
        })();
        if let Err(e) = result {
            // The copy and whatever journal SQLite kept beside it (the copy
            // is in WAL mode until it is switched back at the end).
            let _ = fs::remove_file(&tmp);
            for journal in ["-journal", "-wal", "-shm"] {
                let mut name = tmp.clone().into_os_string();
                name.push(journal);
                let _ = fs::remove_file(name);
            }
            return Err(e);
        }
        // Never over an existing file, even one made meanwhile.
        match crate::files::place_new(&tmp, target) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(StoreError::Exists {
                path: target.to_path_buf(),
            }),
            Err(e) => Err(io(e)),
        }
    }

    /// Begins a write transaction that takes the write lock at once, so two
    /// programs writing never deadlock halfway through.
    fn write(&self) -> Result<rusqlite::Transaction<'_>> {
        Ok(rusqlite::Transaction::new_unchecked(
            &self.conn,
            TransactionBehavior::Immediate,
        )?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This database's device id: a UUID made when the file was created,
    /// recorded with every interview and audit entry.
    pub fn device(&self) -> &str {
        &self.device
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn device_id(&self) -> Result<String> {
        if let Some(id) = self.meta("device")? {
            return Ok(id);
        }
        let id = uuid::Uuid::now_v7().to_string();
        self.set_meta("device", &id)?;
        Ok(id)
    }

    /// The interviewer's name, asked once and remembered in the database.
    pub fn interviewer(&self) -> Result<Option<String>> {
        self.meta("interviewer")
    }

    pub fn set_interviewer(&self, name: &str) -> Result<()> {
        self.set_meta("interviewer", name.trim())
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

    /// Stores the snapshot of `survey` the first time its version is used
    /// and returns its id. The same id and version with different content
    /// is refused: old interviews must keep reading the text they were
    /// answered with.
    pub fn register_survey(&self, survey: &Survey) -> Result<i64> {
        let hash = content_hash(&survey.source);
        let tx = self.write()?;
        let existing: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, hash FROM snapshot WHERE survey = ?1 AND version = ?2",
                params![survey.id, survey.version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match existing {
            Some((id, stored)) if stored == hash => Ok(id),
            Some(_) => Err(StoreError::SnapshotChanged {
                survey: survey.id.clone(),
                version: survey.version.clone(),
            }),
            None => {
                tx.execute(
                    "INSERT INTO snapshot (survey, version, hash, source, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![survey.id, survey.version, hash, survey.source, now_ms()],
                )?;
                let id = tx.last_insert_rowid();
                tx.commit()?;
                Ok(id)
            }
        }
    }

    /// Forgets the surveys parsed from snapshots, after a rolled-back write
    /// may have left an id that no longer means the same snapshot.
    pub(crate) fn forget_parsed_surveys(&self) {
        self.surveys.borrow_mut().clear();
    }

    /// The survey a snapshot holds, parsed once per store.
    pub fn snapshot_survey(&self, id: i64) -> Result<Rc<Survey>> {
        if let Some(s) = self.surveys.borrow().get(&id) {
            return Ok(Rc::clone(s));
        }
        let (name, version, source): (String, String, String) = self.conn.query_row(
            "SELECT survey, version, source FROM snapshot WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let survey = survey::load(&source)
            .survey
            .ok_or(StoreError::SnapshotUnreadable {
                survey: name,
                version,
            })?;
        let survey = Rc::new(survey);
        self.surveys.borrow_mut().insert(id, Rc::clone(&survey));
        Ok(survey)
    }

    /// How long a write waits for another program holding the database
    /// before it gives up with [`StoreError::Busy`] ([`BUSY_TIMEOUT`]
    /// unless set).
    pub fn set_busy_timeout(&self, wait: Duration) -> Result<()> {
        Ok(self.conn.busy_timeout(wait)?)
    }

    /// Sets the page cache of this connection, for bulk work.
    pub fn set_cache_mib(&self, mib: i64) -> Result<()> {
        Ok(self.conn.pragma_update(None, "cache_size", -mib * 1024)?)
    }

    /// `PRAGMA synchronous` of the store's connection (2 is FULL).
    pub fn synchronous(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))?)
    }

    /// Whether foreign keys are enforced on the store's connection.
    pub fn foreign_keys(&self) -> Result<bool> {
        Ok(self
            .conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))?)
    }

    /// Runs SQLite's full integrity check; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> Result<()> {
        sound(&self.conn, "integrity_check", &self.path, None)
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

/// A connection that reads a file already known to be a Minqing database
/// this build opens (a file to merge). It may write, so that, closing last,
/// it takes away the journal files SQLite makes beside the file; its
/// statements may not (`query_only`). On a medium that cannot be written,
/// a read-only connection.
pub(super) fn reading(path: &Path) -> rusqlite::Result<Connection> {
    let writable = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|conn| {
        conn.pragma_update(None, "query_only", true)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(conn)
    });
    match writable {
        Ok(conn) => Ok(conn),
        Err(_) => read_only(path),
    }
}

/// A connection that only reads, waiting for writers as the store does.
pub(super) fn read_only(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// The content hash of a survey snapshot (SHA-256 of its TOML text, hex).
pub fn content_hash(source: &str) -> String {
    Sha256::digest(source.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

//! The database file: recognising it from its header, opening it in WAL
//! mode, creating it whole under a temporary name, migrating it, and the
//! connections that only read another file. Never reads or writes data.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::schema::{self, APPLICATION_ID, CURRENT_VERSION};
use super::{BUSY_TIMEOUT, KEPT_FROM, RULES_ENGINE, Result, Store, StoreError, now_ms};

/// What the header of an SQLite file says of it.
struct Header {
    application_id: i32,
    user_version: i32,
}

/// Whether the WAL journal beside `path` holds pages: then the file's own
/// header may be older than the database it makes with the journal.
pub(crate) fn journal_holds_pages(path: &Path) -> bool {
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
pub(super) fn temporary_name(path: &Path) -> PathBuf {
    crate::files::part_name(path, Some(&now_ms().to_string()))
}

/// Creates `path` readable and writable by its owner only, so that
/// household data is not readable by other accounts on a shared laptop.
pub(super) fn create_private(path: &Path) -> std::io::Result<()> {
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
        // Migrations and recomputed hits query the file: damage they find
        // is named as this file's.
        Store::open_at(path).map_err(|e| e.at(path))
    }

    fn open_at(path: &Path) -> Result<Store> {
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
        // Room for every statement a merge or a save uses, so that none is
        // parsed again for each file or answer.
        conn.set_prepared_statement_cache_capacity(128);
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
            keeps: Cell::new(true),
            fresh: RefCell::default(),
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
            keeps: Cell::new(version >= KEPT_FROM),
            fresh: RefCell::default(),
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
}

/// A connection that reads a file already known to be a Minqing database
/// this build opens (a file to merge). It may write, so that, closing last,
/// it takes away the journal files SQLite makes beside the file; its
/// statements may not (`query_only`). On a medium that cannot be written,
/// a read-only connection.
pub(crate) fn reading(path: &Path) -> rusqlite::Result<Connection> {
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
pub(crate) fn read_only(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

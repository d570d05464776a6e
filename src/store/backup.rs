//! Copies of the database: the copy made before a migration, and
//! `minqing backup`, both through SQLite's online backup API, under a
//! temporary name renamed into place, never over an existing file.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use super::file::{create_private, temporary_name};
use super::{Result, Store, StoreError, now_ms, sound};

impl Store {
    /// Copies the file next to itself before a migration changes it:
    /// `minqing.db` → `minqing.db.v1-<time>.bak`.
    pub(super) fn copy_before_migrating(&self, version: i32) -> Result<PathBuf> {
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
        self.located(|| {
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
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(StoreError::Exists {
                        path: target.to_path_buf(),
                    })
                }
                Err(e) => Err(io(e)),
            }
        })
    }
}

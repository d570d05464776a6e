//! Files that Minqing writes whole (exports, backups, a new database): which
//! targets may be written at all, and how a finished temporary file is put
//! in place. Owns no data and never opens a database; the store and the
//! reports call it so that every writer refuses and finishes the same way.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Why a target file is not written.
#[derive(Debug)]
pub enum Refusal {
    /// A file is there; `--force` may replace it.
    Exists(PathBuf),
    /// The database in use, or a journal of it: never replaced.
    Database(PathBuf),
    /// Another SQLite file (perhaps another laptop's database): never replaced.
    Sqlite(PathBuf),
    /// A folder, a device, a pipe or a socket: never replaced by a file.
    NotPlain { path: PathBuf, kind: &'static str },
    /// A symbolic link whose target does not exist.
    DanglingLink(PathBuf),
    /// The target could not be looked at.
    Io { path: PathBuf, source: io::Error },
}

/// The kind of a file that is not a plain file, in words.
fn special_kind(meta: &fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_dir() {
        return Some("folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("pipe");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("device");
        }
        if t.is_socket() {
            return Some("socket");
        }
    }
    (!t.is_file()).then_some("special file")
}

/// Whether two paths name one file (the same inode on Unix).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        #[cfg(unix)]
        (Ok(a), Ok(b)) => {
            use std::os::unix::fs::MetadataExt;
            a.dev() == b.dev() && a.ino() == b.ino()
        }
        #[cfg(not(unix))]
        (Ok(_), Ok(_)) => match (fs::canonicalize(a), fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        },
        _ => false,
    }
}

fn starts_like_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == SQLITE_MAGIC)
}

/// Decides where an export to `out` is written, or why it is not.
///
/// A missing file is written. A symbolic link is followed and its target
/// judged instead, so the link stays and the file it points to is written
/// through it, never swapped for a plain file. A folder, a device, a pipe or
/// a socket is refused. An existing plain file is replaced only with
/// `force`, and never when it is the database in use (`database`), one of
/// its journals, or any SQLite file.
pub fn export_target(out: &Path, database: &Path, force: bool) -> Result<PathBuf, Refusal> {
    let meta = match fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out.to_path_buf()),
        Err(source) => {
            return Err(Refusal::Io {
                path: out.to_path_buf(),
                source,
            });
        }
    };
    if meta.file_type().is_symlink() {
        return match fs::canonicalize(out) {
            Ok(real) if real.as_path() != out => export_target(&real, database, force),
            Ok(_) => Err(Refusal::DanglingLink(out.to_path_buf())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(Refusal::DanglingLink(out.to_path_buf()))
            }
            Err(source) => Err(Refusal::Io {
                path: out.to_path_buf(),
                source,
            }),
        };
    }
    if let Some(kind) = special_kind(&meta) {
        return Err(Refusal::NotPlain {
            path: out.to_path_buf(),
            kind,
        });
    }
    let journal = |suffix: &str| {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        same_file(out, Path::new(&name))
    };
    if same_file(out, database) || ["-wal", "-shm", "-journal"].into_iter().any(journal) {
        return Err(Refusal::Database(out.to_path_buf()));
    }
    if starts_like_sqlite(out) {
        return Err(Refusal::Sqlite(out.to_path_buf()));
    }
    if !force {
        return Err(Refusal::Exists(out.to_path_buf()));
    }
    Ok(out.to_path_buf())
}

/// Whether a failed hard link means the file system has none (FAT and
/// exFAT, the usual USB stick, say "operation not permitted").
fn links_unsupported(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::Unsupported
    ) || e.raw_os_error() == Some(1) // EPERM
        || e.raw_os_error() == Some(95) // EOPNOTSUPP
}

/// Puts the finished file `tmp` at `target` without ever replacing a file
/// that is there, and removes `tmp`. Fails with `AlreadyExists` when
/// `target` exists.
///
/// A hard link never replaces a file. Where the file system has no hard
/// links, the name is first claimed with an exclusive create and `tmp` is
/// then renamed over that empty claim, which no other program can have
/// taken meanwhile.
pub fn place_new(tmp: &Path, target: &Path) -> io::Result<()> {
    let linked = fs::hard_link(tmp, target);
    let result = match linked {
        Ok(()) => Ok(()),
        Err(e) if links_unsupported(&e) => claim_and_rename(tmp, target),
        Err(e) => Err(e),
    };
    let _ = fs::remove_file(tmp);
    result
}

fn claim_and_rename(tmp: &Path, target: &Path) -> io::Result<()> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)?;
    fs::rename(tmp, target).inspect_err(|_| {
        let _ = fs::remove_file(target);
    })
}

/// The temporary name beside `target` this process writes it under:
/// `NAME.<pid>.part`, or `NAME.<pid>-TAG.part` (what [`leftover_parts`]
/// finds when the process is gone).
pub fn part_name(target: &Path, tag: Option<&str>) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    match tag {
        Some(tag) => name.push(format!(".{}-{tag}.part", std::process::id())),
        None => name.push(format!(".{}.part", std::process::id())),
    }
    PathBuf::from(name)
}

/// Temporary files (`NAME.<pid>.part`, `NAME.<pid>-<time>.part`) that a
/// writer stopped by a kill or a power cut left beside `target`: those of
/// processes that no longer run.
pub fn leftover_parts(target: &Path) -> Vec<PathBuf> {
    let Some(name) = target.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = fs::read_dir(&folder) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let file = entry.file_name();
            let rest = file.to_str()?.strip_prefix(name)?.strip_prefix('.')?;
            let pid = rest.strip_suffix(".part")?;
            let pid = pid.split('-').next()?.parse::<u32>().ok()?;
            (!process_runs(pid)).then(|| folder.join(&file))
        })
        .collect()
}

/// Every leftover temporary file in `folder`, whatever it was to become.
pub fn leftover_parts_in(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let file = entry.file_name();
            let stem = file.to_str()?.strip_suffix(".part")?;
            let (target, pid) = stem.rsplit_once('.')?;
            let pid = pid.split('-').next()?.parse::<u32>().ok()?;
            (!target.is_empty() && !process_runs(pid)).then(|| folder.join(&file))
        })
        .collect();
    found.sort();
    found
}

/// Whether a process of that id runs (on Linux; elsewhere assumed, so
/// that nothing another program is writing is ever removed).
fn process_runs(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Removes the leftovers beside `target` (see [`leftover_parts`]) and
/// returns those removed.
pub fn remove_leftover_parts(target: &Path) -> Vec<PathBuf> {
    leftover_parts(target)
        .into_iter()
        .filter(|p| fs::remove_file(p).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_new_files_or_forced_plain_ones_are_export_targets() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let db = dir.path().join("minqing.db");
        fs::write(&db, b"SQLite format 3\0rest").expect("db");
        let new = dir.path().join("new.csv");
        assert_eq!(export_target(&new, &db, false).ok(), Some(new.clone()));
        let old = dir.path().join("old.csv");
        fs::write(&old, "a,b\n").expect("old");
        assert!(matches!(
            export_target(&old, &db, false),
            Err(Refusal::Exists(_))
        ));
        assert_eq!(export_target(&old, &db, true).ok(), Some(old.clone()));
        assert!(matches!(
            export_target(&db, &db, true),
            Err(Refusal::Database(_))
        ));
        let other = dir.path().join("other.db");
        fs::write(&other, b"SQLite format 3\0other").expect("other");
        assert!(matches!(
            export_target(&other, &db, true),
            Err(Refusal::Sqlite(_))
        ));
        assert!(matches!(
            export_target(dir.path(), &db, true),
            Err(Refusal::NotPlain { kind: "folder", .. })
        ));
        #[cfg(unix)]
        {
            assert!(matches!(
                export_target(Path::new("/dev/null"), &db, true),
                Err(Refusal::NotPlain { kind: "device", .. })
            ));
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink(&old, &link).expect("symlink");
            let real = fs::canonicalize(&old).expect("real");
            assert_eq!(export_target(&link, &db, true).ok(), Some(real));
            let to_db = dir.path().join("to-db.csv");
            std::os::unix::fs::symlink(&db, &to_db).expect("symlink");
            assert!(matches!(
                export_target(&to_db, &db, true),
                Err(Refusal::Database(_))
            ));
            let dangling = dir.path().join("dangling.csv");
            std::os::unix::fs::symlink(dir.path().join("gone"), &dangling).expect("symlink");
            assert!(matches!(
                export_target(&dangling, &db, true),
                Err(Refusal::DanglingLink(_))
            ));
        }
    }

    #[test]
    fn placing_a_file_never_replaces_one() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let tmp = dir.path().join("x.part");
        let target = dir.path().join("x");
        fs::write(&tmp, "new").expect("tmp");
        place_new(&tmp, &target).expect("placed");
        assert_eq!(fs::read_to_string(&target).expect("read"), "new");
        assert!(!tmp.exists());
        fs::write(&tmp, "newer").expect("tmp");
        let err = place_new(&tmp, &target).expect_err("exists");
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&target).expect("read"), "new");
        fs::write(&tmp, "claimed").expect("tmp");
        let fresh = dir.path().join("fresh");
        claim_and_rename(&tmp, &fresh).expect("fallback");
        assert_eq!(fs::read_to_string(&fresh).expect("read"), "claimed");
        fs::write(&tmp, "again").expect("tmp");
        assert_eq!(
            claim_and_rename(&tmp, &fresh).map_err(|e| e.kind()),
            Err(io::ErrorKind::AlreadyExists)
        );
        assert_eq!(fs::read_to_string(&fresh).expect("read"), "claimed");
    }

    #[test]
    fn leftovers_of_stopped_writers_are_found_and_live_ones_kept() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let target = dir.path().join("households.csv");
        // No process has an id this high on Linux (the limit is 2^22).
        let dead = dir.path().join("households.csv.4194999.part");
        let dead_backup = dir.path().join("households.csv.4194998-1795644281763.part");
        let live = dir
            .path()
            .join(format!("households.csv.{}.part", std::process::id()));
        let unrelated = dir.path().join("other.csv.4194999.part");
        for f in [&dead, &dead_backup, &live, &unrelated] {
            fs::write(f, "x").expect("part");
        }
        let mut found = leftover_parts(&target);
        found.sort();
        assert_eq!(found, vec![dead_backup.clone(), dead.clone()]);
        assert_eq!(leftover_parts_in(dir.path()).len(), 3);
        assert_eq!(remove_leftover_parts(&target).len(), 2);
        assert!(!dead.exists() && live.exists() && unrelated.exists());
    }
}

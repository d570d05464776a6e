//! Every command of the real binary on every kind of bad database file: a
//! truncated copy, random bytes, an empty file, another program's SQLite
//! file, a file of a newer Minqing, a damaged page, a read-only file and a
//! folder in its place. Each gives a clear message and a non-zero exit,
//! never a panic, and leaves the file and its folder exactly as they were.
//! Then exports and backups into a missing folder, a read-only folder and
//! a full disk: a clear message and no partial file.

mod common;
#[path = "common/damage.rs"]
mod damage;

use std::collections::BTreeMap;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use common::minqing;
use damage::damage_leaf_pages;
use tempfile::TempDir;

/// A small demo county, made once per test and copied for each case.
fn county(dir: &Path) -> PathBuf {
    let db = dir.join("county.db");
    minqing(&db)
        .args(["demo", "--households", "120"])
        .assert()
        .success();
    db
}

/// Every file under `dir` with its length and a hash of its bytes: what
/// "left as it was" compares.
fn contents(dir: &Path) -> BTreeMap<PathBuf, (usize, u64)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                out.insert(path.clone(), (0, 0));
                stack.push(path);
            } else {
                let bytes = fs::read(&path).unwrap_or_default();
                let mut hasher = DefaultHasher::new();
                bytes.hash(&mut hasher);
                out.insert(path.clone(), (bytes.len(), hasher.finish()));
            }
        }
    }
    out
}

/// A refusal, not a crash: a panic ends the process with code 101 and the
/// report of Minqing's panic hook (or Rust's own, were it missing).
fn refused_not_crashed(output: &std::process::Output, said: &str) -> bool {
    output.status.code().is_some_and(|c| c != 101)
        && !said.contains("program error")
        && !said.contains("panicked")
}

/// The commands that open a database, with `{out}` for a folder where
/// they may write, `{csv}` for a registry to import, `{good}` for a sound
/// database to merge and `{village}` for one of its villages.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["households", "list"],
    &["households", "import", "{csv}"],
    &["merge", "{good}"],
    &["backup", "{out}/backup.db"],
    &["doctor"],
    &["doctor", "--repair"],
    &["priorities"],
    &["explain", "{village}", "water_far"],
    &["export", "responses", "--out", "{out}/responses.csv"],
    &["export", "households", "--out", "{out}/households.csv"],
    &["export", "priorities", "--out", "{out}/priorities.csv"],
    &["export", "codebook", "--out", "{out}/codebook.csv"],
    &["demo", "--households", "10"],
];

/// A kind of bad file: how to make it from a sound county in `dir`, and
/// what the message must say.
struct Bad {
    name: &'static str,
    make: fn(&Path, &Path) -> PathBuf,
    says: &'static str,
}

fn truncated(dir: &Path, good: &Path) -> PathBuf {
    let bytes = fs::read(good).expect("read");
    let path = dir.join("truncated.db");
    fs::write(&path, &bytes[..bytes.len() / 2]).expect("write");
    path
}

fn random(dir: &Path, _: &Path) -> PathBuf {
    // A fixed sequence of a simple generator: the same bytes every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..65_536)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let path = dir.join("random.db");
    fs::write(&path, bytes).expect("write");
    path
}

fn empty(dir: &Path, _: &Path) -> PathBuf {
    let path = dir.join("empty.db");
    fs::write(&path, b"").expect("write");
    path
}

fn foreign(dir: &Path, _: &Path) -> PathBuf {
    let path = dir.join("accounts.db");
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(
        "CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount REAL);
         INSERT INTO ledger (amount) VALUES (12.5), (-3);",
    )
    .expect("foreign tables");
    path
}

fn newer(dir: &Path, good: &Path) -> PathBuf {
    let path = dir.join("newer.db");
    fs::copy(good, &path).expect("copy");
    let conn = rusqlite::Connection::open(&path).expect("open");
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    conn.pragma_update(None, "user_version", version + 1)
        .expect("newer");
    drop(conn);
    path
}

/// A copy of `good` with a leaf page of `table` overwritten with noise
/// (its page header kept, so SQLite reads it as a page and meets nonsense).
fn damaged_page(dir: &Path, good: &Path, table: &str) -> PathBuf {
    let path = dir.join(format!("damaged-{table}.db"));
    fs::copy(good, &path).expect("copy");
    damage_leaf_pages(&path, &[table], Some(1));
    path
}

/// A damaged page where every command reads: the household registry.
fn damaged(dir: &Path, good: &Path) -> PathBuf {
    damaged_page(dir, good, "household")
}

fn folder(dir: &Path, _: &Path) -> PathBuf {
    let path = dir.join("folder.db");
    fs::create_dir(&path).expect("mkdir");
    fs::write(path.join("notes.txt"), "not a database").expect("write");
    path
}

const BAD: &[Bad] = &[
    Bad {
        name: "truncated",
        make: truncated,
        says: "is damaged",
    },
    Bad {
        name: "random bytes",
        make: random,
        says: "is not a Minqing database (not an SQLite file)",
    },
    Bad {
        name: "zero-length",
        make: empty,
        says: "is not a Minqing database (empty file)",
    },
    Bad {
        name: "another program's SQLite file",
        make: foreign,
        says: "an SQLite database of another program",
    },
    Bad {
        name: "a newer Minqing's file",
        make: newer,
        says: "was written by a newer Minqing",
    },
    Bad {
        name: "a damaged page in the registry",
        make: damaged,
        says: "is damaged",
    },
    Bad {
        name: "a folder",
        make: folder,
        says: "is a folder, not a database file",
    },
];

/// Runs every command on `db` and checks that each fails clearly, saying
/// `says`, and leaves everything in `watched` as it was. Returns the number
/// of runs.
fn every_command_refuses(name: &str, db: &Path, says: &str, watched: &Path, with: &With) -> usize {
    let before = contents(watched);
    let out = TempDir::new().expect("out dir");
    let mut runs = 0;
    for command in COMMANDS {
        // With one damaged page, what does not read it works: the codebook
        // is made from the questionnaires, the app lists villages from an
        // index (tests/terminal.rs opens one in a real terminal), and the
        // ranking and its export read the counts kept per village.
        let ranking =
            command.first() == Some(&"priorities") || command.get(1) == Some(&"priorities");
        if name.contains("damaged page")
            && (command.is_empty() || command.contains(&"codebook") || ranking)
        {
            continue;
        }
        runs += 1;
        let args: Vec<String> = command
            .iter()
            .map(|a| {
                a.replace("{out}", &out.path().display().to_string())
                    .replace("{csv}", &with.csv.display().to_string())
                    .replace("{good}", &with.good.display().to_string())
                    .replace("{village}", &with.village)
            })
            .collect();
        let output = minqing(db).args(&args).output().expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let said = format!("{stdout}{stderr}");
        assert!(
            !output.status.success(),
            "{name}: `{}` succeeded:\n{said}",
            args.join(" ")
        );
        assert!(
            refused_not_crashed(&output, &said),
            "{name}: `{}` crashed:\n{said}",
            args.join(" ")
        );
        // The demo writes only into an empty database, and may say so
        // before it meets the damage.
        let demo_refused =
            args.first().is_some_and(|a| a == "demo") && said.contains("already holds data");
        assert!(
            said.contains(says) || demo_refused,
            "{name}: `{}` should say '{says}':\n{said}",
            args.join(" ")
        );
        assert_eq!(
            contents(watched),
            before,
            "{name}: `{}` changed the files",
            args.join(" ")
        );
        assert!(
            contents(out.path()).is_empty(),
            "{name}: `{}` left a file: {:?}",
            args.join(" "),
            contents(out.path()).keys().collect::<Vec<_>>()
        );
    }
    runs
}

fn registry(dir: &Path) -> PathBuf {
    let csv = dir.join("registry.csv");
    fs::write(
        &csv,
        "户编码,乡镇,村,户主,人口\nNEW-0001,Mengla,Xinzhai,Yan Ping,4\n",
    )
    .expect("csv");
    csv
}

/// What the commands are given besides the bad file.
struct With {
    good: PathBuf,
    csv: PathBuf,
    village: String,
}

fn with(dir: &Path) -> With {
    let good = county(dir);
    let village = rusqlite::Connection::open(&good)
        .expect("open")
        .query_row("SELECT village FROM household LIMIT 1", [], |r| r.get(0))
        .expect("a village");
    With {
        csv: registry(dir),
        good,
        village,
    }
}

#[test]
fn every_command_refuses_every_bad_database_and_changes_nothing() {
    let keep = TempDir::new().expect("temp dir");
    let with = with(keep.path());
    let mut runs = 0;
    for bad in BAD {
        let dir = TempDir::new().expect("temp dir");
        let db = (bad.make)(dir.path(), &with.good);
        runs += every_command_refuses(bad.name, &db, bad.says, dir.path(), &with);
        // The same file offered to merge into a sound database: refused,
        // and neither file changes.
        let target = dir.path().join("target.db");
        fs::copy(&with.good, &target).expect("copy");
        let before = contents(dir.path());
        let output = minqing(&target)
            .arg("merge")
            .arg(&db)
            .output()
            .expect("run");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{}: merge succeeded", bad.name);
        assert!(refused_not_crashed(&output, &said), "{}: {said}", bad.name);
        assert!(said.contains(bad.says), "{}: merge said {said}", bad.name);
        assert_eq!(
            contents(dir.path()),
            before,
            "{}: merge changed files",
            bad.name
        );
        runs += 1;
    }
    eprintln!("{runs} runs on {} kinds of bad database", BAD.len());
}

/// A damaged page among the interviews, which listing households does
/// not read: every command that reads interviews says the file is damaged;
/// the commands that write in bulk (import, merge, repair) check the file
/// first and refuse it; a backup is not written; nothing changes.
#[test]
fn a_damaged_interview_page_is_never_read_as_data_nor_written_to() {
    let keep = TempDir::new().expect("temp dir");
    let with = with(keep.path());
    let dir = TempDir::new().expect("temp dir");
    let db = damaged_page(dir.path(), &with.good, "interview");
    let before = contents(dir.path());
    let out = TempDir::new().expect("out");
    let at = |name: &str| out.path().join(name).display().to_string();
    let csv = with.csv.display().to_string();
    let good = with.good.display().to_string();
    let commands = [
        argv(&["households", "import", &csv]),
        argv(&["merge", &good]),
        argv(&["doctor"]),
        argv(&["doctor", "--repair"]),
        argv(&["backup", &at("backup.db")]),
        argv(&["export", "responses", "--out", &at("responses.csv")]),
        argv(&["explain", &with.village, "water_far", "--include-drafts"]),
        argv(&["priorities", "--include-drafts"]),
    ];
    for args in &commands {
        let output = minqing(&db).args(args).output().expect("run");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let shown = args.join(" ");
        assert!(!output.status.success(), "`{shown}` succeeded:\n{said}");
        assert!(refused_not_crashed(&output, &said), "`{shown}`:\n{said}");
        assert!(said.contains("is damaged"), "`{shown}`:\n{said}");
        assert_eq!(contents(dir.path()), before, "`{shown}` changed the file");
        assert!(contents(out.path()).is_empty(), "`{shown}` left a file");
    }
}

/// A file system mounted for a test (tmpfs), unmounted when dropped. Only
/// where this process may mount, which the tests say when it may not.
struct Mount {
    dir: TempDir,
}

impl Mount {
    fn tmpfs(options: &str) -> Option<Mount> {
        let dir = TempDir::new().expect("mount point");
        let mounted = Process::new("mount")
            .args(["-t", "tmpfs", "-o", options, "minqing-test"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        if !mounted {
            eprintln!("cannot mount a tmpfs here ({options}): that case is not tried");
        }
        mounted.then_some(Mount { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, options: &str) {
        let status = Process::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(self.dir.path())
            .status()
            .expect("mount");
        assert!(status.success(), "remount {options}");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Process::new("umount").arg(self.dir.path()).status();
    }
}

/// Whether this process can write where permissions forbid it (root).
fn writes_past_permissions() -> bool {
    let dir = TempDir::new().expect("temp dir");
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).expect("mkdir");
    set_mode(&locked, 0o555);
    let wrote = fs::write(locked.join("probe"), "x").is_ok();
    set_mode(&locked, 0o755);
    wrote
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A folder this process cannot write into: by its permissions, or, for
/// root, on a read-only mount. `None` where neither can be had.
fn read_only_folder(fill: impl FnOnce(&Path)) -> Option<(TempDir, Option<Mount>, PathBuf)> {
    let dir = TempDir::new().expect("temp dir");
    if !writes_past_permissions() {
        let folder = dir.path().join("read-only");
        fs::create_dir(&folder).expect("mkdir");
        fill(&folder);
        set_mode(&folder, 0o555);
        for entry in fs::read_dir(&folder).expect("list") {
            set_mode(&entry.expect("entry").path(), 0o444);
        }
        return Some((dir, None, folder));
    }
    let mount = Mount::tmpfs("size=8m")?;
    fill(mount.path());
    mount.remount("ro");
    let folder = mount.path().to_path_buf();
    Some((dir, Some(mount), folder))
}

#[test]
fn a_read_only_database_is_refused_and_left_as_it_was() {
    let keep = TempDir::new().expect("temp dir");
    let with = with(keep.path());
    let Some((_dir, mount, folder)) = read_only_folder(|f| {
        fs::copy(&with.good, f.join("county.db")).expect("copy");
    }) else {
        return;
    };
    let db = folder.join("county.db");
    let runs = every_command_refuses("read-only", &db, "read-only", &folder, &with);
    eprintln!("{runs} runs on a read-only database");
    if mount.is_some() {
        // A read-only mount is said as such: copying the file off it helps,
        // changing its permissions does not.
        minqing(&db)
            .args(["households", "list"])
            .assert()
            .code(1)
            .stderr(predicates::str::contains("is on a disk mounted read-only"));
    }
}

/// Runs an export or backup that must fail; checks the message and that
/// no file was left in `folder`.
fn fails_cleanly(cmd: &mut assert_cmd::Command, folder: &Path, says: &[&str]) {
    let before = contents(folder);
    let output = cmd.output().expect("run");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "succeeded: {said}");
    assert!(refused_not_crashed(&output, &said), "{said}");
    for s in says {
        assert!(said.contains(s), "should say '{s}': {said}");
    }
    assert_eq!(contents(folder), before, "a file was left: {said}");
}

/// A command's arguments.
fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_string()).collect()
}

/// The commands that write a file, each with its output in `folder`.
fn writers(folder: &Path) -> Vec<Vec<String>> {
    let at = |name: &str| folder.join(name).display().to_string();
    let mut out: Vec<Vec<String>> = ["responses", "households", "priorities", "codebook"]
        .iter()
        .map(|what| argv(&["export", what, "--out", &at(&format!("{what}.csv"))]))
        .collect();
    out.push(argv(&["backup", &at("backup.db")]));
    out
}

#[test]
fn exports_and_backups_into_a_missing_or_read_only_folder_leave_nothing() {
    let keep = TempDir::new().expect("temp dir");
    let with = with(keep.path());
    let missing = keep.path().join("no").join("such").join("folder");
    for args in writers(&missing) {
        fails_cleanly(
            minqing(&with.good).args(&args),
            keep.path(),
            &["no/such/folder", "No such file or directory"],
        );
    }
    let Some((_dir, _mount, folder)) = read_only_folder(|_| ()) else {
        return;
    };
    for args in writers(&folder) {
        fails_cleanly(
            minqing(&with.good).args(&args),
            &folder,
            &[&folder.display().to_string()],
        );
    }
}

/// The writers whose output from a county of 1,000 households is larger
/// than `limit` bytes (checked, so that a full disk is really met): the
/// responses and households exports, which share their writing with every
/// export, and the backup.
fn large_writers(db: &Path, folder: &Path, limit: u64) -> Vec<Vec<String>> {
    let at = |name: &str| folder.join(name).display().to_string();
    let writers = vec![
        argv(&["export", "responses", "--out", &at("responses.csv")]),
        argv(&["export", "households", "--out", &at("households.csv")]),
        argv(&["backup", &at("backup.db")]),
    ];
    let room = TempDir::new().expect("temp dir");
    for args in &writers {
        let path = PathBuf::from(args.last().expect("output"));
        let elsewhere = room.path().join(path.file_name().expect("name"));
        let mut roomy = args.clone();
        *roomy.last_mut().expect("output") = elsewhere.display().to_string();
        minqing(db).args(&roomy).assert().success();
        let size = fs::metadata(&elsewhere).expect("written").len();
        assert!(size > limit, "{} writes only {size} bytes", args.join(" "));
    }
    writers
}

#[test]
fn exports_and_backups_onto_a_full_disk_leave_no_partial_file() {
    let keep = TempDir::new().expect("temp dir");
    let db = keep.path().join("county.db");
    minqing(&db)
        .args(["demo", "--households", "1000"])
        .assert()
        .success();
    // Everywhere: the kernel refuses writes past a file size limit (here
    // 80 blocks of 512 bytes), as a full disk refuses them; the signal it
    // would also send is ignored.
    let out = TempDir::new().expect("out");
    let bin = assert_cmd::cargo::cargo_bin("minqing");
    for args in large_writers(&db, out.path(), 80 * 512) {
        let mut cmd = assert_cmd::Command::new("sh");
        cmd.env_remove("LC_ALL")
            .env_remove("LANG")
            .env_remove("MINQING_DB")
            .args(["-c", "ulimit -f 80; trap '' XFSZ; exec \"$@\"", "sh"])
            .arg(&bin)
            .args(["--lang", "en", "--db"])
            .arg(&db)
            .args(&args);
        fails_cleanly(&mut cmd, out.path(), &[&out.path().display().to_string()]);
    }
    // Where this process may mount: a real file system with no room.
    let Some(small) = Mount::tmpfs("size=40k") else {
        return;
    };
    for args in large_writers(&db, small.path(), 40 * 1024) {
        fails_cleanly(
            minqing(&db).args(&args),
            small.path(),
            &[&small.path().display().to_string()],
        );
    }
}

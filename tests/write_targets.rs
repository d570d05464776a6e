//! Where the real binary writes whole files (exports, backups, a new
//! database) and where it refuses to: never over the database in use, any
//! SQLite file, a device, a pipe or a folder; over another file only with
//! `--force`; through a symbolic link, never swapping it; on a stick
//! without hard links; and a reading command never makes a database out of
//! a mistyped path.

#![cfg(unix)]

mod common;
#[path = "common/registry.rs"]
mod registry;

use std::fs;
use std::path::Path;

use common::minqing;
use predicates::prelude::*;
use tempfile::TempDir;

fn county(dir: &TempDir) -> std::path::PathBuf {
    let db = dir.path().join("county.db");
    registry::small_registry(&db, 3);
    db
}

#[test]
fn an_export_never_overwrites_the_database_in_use_or_any_sqlite_file() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let before = fs::read(&db).expect("db");
    for force in [false, true] {
        let mut cmd = minqing(&db);
        cmd.args(["export", "households", "--out"]).arg(&db);
        if force {
            cmd.arg("--force");
        }
        cmd.assert()
            .code(1)
            .stderr(predicate::str::contains("is the database in use"));
        assert_eq!(
            fs::read(&db).expect("db"),
            before,
            "the database is as it was"
        );
    }
    // Another laptop's database, even under another name, even with --force.
    let other = dir.path().join("team2.csv");
    fs::copy(&db, &other).expect("copy");
    minqing(&db)
        .args(["export", "households", "--force", "--out"])
        .arg(&other)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a database file"));
    assert_eq!(fs::read(&other).expect("other"), before);
    // Its journal neither.
    let mut wal = db.clone().into_os_string();
    wal.push("-wal");
    if Path::new(&wal).exists() {
        minqing(&db)
            .args(["export", "households", "--force", "--out"])
            .arg(&wal)
            .assert()
            .code(1);
    }
}

#[test]
fn an_existing_export_is_replaced_only_with_force() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let existing = dir.path().join("households.csv");
    fs::write(&existing, "planner's own notes\n").expect("existing");
    // The default name, in the current folder.
    minqing(&db)
        .current_dir(dir.path())
        .args(["export", "households"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("already exists").and(predicate::str::contains("--force")),
        );
    assert_eq!(
        fs::read_to_string(&existing).expect("kept"),
        "planner's own notes\n"
    );
    minqing(&db)
        .current_dir(dir.path())
        .args(["export", "households", "--plain", "--force"])
        .assert()
        .success();
    assert!(
        fs::read_to_string(&existing)
            .expect("replaced")
            .starts_with("code,township")
    );
}

#[test]
fn devices_pipes_and_folders_are_never_export_targets() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let mut targets = vec![
        ("/dev/null".into(), "is a device"),
        (dir.path().to_path_buf(), "is a folder"),
    ];
    if made.is_ok_and(|s| s.success()) {
        targets.push((fifo.clone(), "is a pipe"));
    }
    for (target, said) in &targets {
        minqing(&db)
            .args(["export", "households", "--force", "--out"])
            .arg(target)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(*said));
    }
    let null = fs::symlink_metadata("/dev/null").expect("null");
    assert!(!null.file_type().is_file(), "the device node is still one");
    if fifo.exists() {
        use std::os::unix::fs::FileTypeExt;
        let kind = fs::symlink_metadata(&fifo).expect("fifo").file_type();
        assert!(kind.is_fifo(), "the pipe is still a pipe");
    }
    assert!(fs::read_dir(dir.path()).expect("list").all(|e| {
        let name = e.expect("entry").file_name();
        !name.to_string_lossy().ends_with(".part")
    }));
}

#[test]
fn an_export_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let real = dir.path().join("real.csv");
    fs::write(&real, "old\n").expect("real");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    minqing(&db)
        .args(["export", "households", "--out"])
        .arg(&link)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    minqing(&db)
        .args(["export", "households", "--plain", "--force", "--out"])
        .arg(&link)
        .assert()
        .success();
    assert!(
        fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    assert!(
        fs::read_to_string(&real)
            .expect("written through")
            .starts_with("code,")
    );
    // A link to the database is the database.
    let to_db = dir.path().join("to-db.csv");
    std::os::unix::fs::symlink(&db, &to_db).expect("symlink");
    minqing(&db)
        .args(["export", "households", "--force", "--out"])
        .arg(&to_db)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is the database in use"));
}

#[test]
fn reading_commands_refuse_a_missing_database_and_suggest_a_near_name() {
    let dir = TempDir::new().expect("temp dir");
    county(&dir);
    let typo = dir.path().join("conty.db");
    let commands: &[&[&str]] = &[
        &["priorities"],
        &["explain", "曼贺村", "piped_water"],
        &["export", "households", "--out", "-"],
        &["export", "priorities", "--out", "-"],
        &["households", "list"],
        &["doctor"],
    ];
    for args in commands {
        minqing(&typo)
            .args(*args)
            .assert()
            .code(1)
            .stdout("")
            .stderr(
                predicate::str::contains("there is no database file")
                    .and(predicate::str::contains("did you mean"))
                    .and(predicate::str::contains("county.db")),
            );
        assert!(!typo.exists(), "{args:?} made no database");
    }
    let backup = dir.path().join("b.db");
    minqing(&typo).arg("backup").arg(&backup).assert().code(1);
    assert!(!typo.exists() && !backup.exists());
    // Far from any file: no suggestion, but what to check.
    minqing(&dir.path().join("elsewhere/other-county.db"))
        .arg("priorities")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("check the --db path"));
}

#[test]
fn temporary_files_of_a_stopped_export_or_backup_are_removed_on_the_next_run() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    // No process has an id this high on Linux (the limit is 2^22).
    let export_part = dir.path().join("households.csv.4194999.part");
    let backup_part = dir.path().join("b.db.4194999-1795644281763.part");
    fs::write(&export_part, "code,township\nH0,勐烈镇").expect("part");
    fs::write(&backup_part, "SQLite format 3\0").expect("part");
    minqing(&db)
        .current_dir(dir.path())
        .args(["export", "households"])
        .assert()
        .success()
        .stderr(predicate::str::contains("households.csv.4194999.part"));
    assert!(!export_part.exists());
    minqing(&db)
        .arg("backup")
        .arg(dir.path().join("b.db"))
        .assert()
        .success()
        .stderr(predicate::str::contains("b.db.4194999-1795644281763.part"));
    assert!(!backup_part.exists());
}

/// A shared library that makes `link` and `linkat` fail as on a FAT or
/// exFAT stick, built with the C compiler; `None` where there is none.
fn no_hard_links(dir: &Path) -> Option<std::path::PathBuf> {
    let source = dir.join("nolink.c");
    let library = dir.join("nolink.so");
    fs::write(
        &source,
        "#include <errno.h>\n\
         int link(const char *a, const char *b) { (void)a; (void)b; errno = EPERM; return -1; }\n\
         int linkat(int f, const char *a, int g, const char *b, int h) {\n\
           (void)f; (void)a; (void)g; (void)b; (void)h; errno = EPERM; return -1; }\n",
    )
    .ok()?;
    let built = std::process::Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&library)
        .arg(&source)
        .status()
        .ok()?;
    built.success().then_some(library)
}

#[test]
fn a_stick_without_hard_links_still_gets_databases_and_backups() {
    let dir = TempDir::new().expect("temp dir");
    let Some(shim) = no_hard_links(dir.path()) else {
        eprintln!("no C compiler: the stick without hard links is not tried here");
        return;
    };
    let registry = dir.path().join("r.csv");
    fs::write(
        &registry,
        "code,township,village,head,members\nH1,T,V,王,3\n",
    )
    .expect("csv");
    let db = dir.path().join("stick.db");
    // The shim works: a plain `ln` fails under it.
    let ln = std::process::Command::new("ln")
        .env("LD_PRELOAD", &shim)
        .arg(&registry)
        .arg(dir.path().join("ln-test"))
        .status()
        .expect("ln");
    assert!(!ln.success(), "links fail under the shim");
    minqing(&db)
        .env("LD_PRELOAD", &shim)
        .args(["households", "import"])
        .arg(&registry)
        .assert()
        .success();
    let backup = dir.path().join("stick-backup.db");
    minqing(&db)
        .env("LD_PRELOAD", &shim)
        .arg("backup")
        .arg(&backup)
        .assert()
        .success();
    minqing(&backup)
        .args(["households", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("H1"));
    // Still never over an existing file.
    minqing(&db)
        .env("LD_PRELOAD", &shim)
        .arg("backup")
        .arg(&backup)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    minqing(&db)
        .env("LD_PRELOAD", &shim)
        .args(["export", "households", "--out"])
        .arg(dir.path().join("h.csv"))
        .assert()
        .success();
    let left: Vec<String> = fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "no temporary file left: {left:?}");
}

#[test]
fn doctor_lists_temporary_files_left_beside_the_database() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    minqing(&db).arg("doctor").assert().success();
    let part = dir.path().join("responses.csv.4194999.part");
    fs::write(&part, "code,head\nH0,李").expect("part");
    minqing(&db)
        .arg("doctor")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("responses.csv.4194999.part"));
    assert!(part.exists(), "doctor only looks");
}

/// Runs `script` in bash with `$M` the binary on database `db`; returns
/// the exit statuses of a pipeline's commands and standard error.
fn bash(db: &Path, script: &str) -> (String, String) {
    let bin = assert_cmd::cargo::cargo_bin("minqing");
    let out = std::process::Command::new("bash")
        .env_remove("LC_ALL")
        .env_remove("LANG")
        .env_remove("MINQING_DB")
        .env(
            "M",
            format!("{} --lang en --db {}", bin.display(), db.display()),
        )
        .arg("-c")
        .arg(format!("{script}; echo \"${{PIPESTATUS[*]}}\""))
        .output()
        .expect("bash");
    (
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_or_full_standard_output_ends_a_command_without_a_program_error() {
    let dir = TempDir::new().expect("temp dir");
    let db = common::demo_county(dir.path(), &["--households", "3000"]);
    for command in [
        "households list",
        "priorities",
        // Long enough (1,400 lines) to be laid out on two threads.
        "priorities --by group",
        "export households --out -",
        "export responses --survey water --out -",
    ] {
        let (status, stderr) = bash(&db, &format!("$M {command} | head -1 >/dev/null"));
        assert!(!stderr.contains("program error"), "{command}: {stderr}");
        let first = status.split_whitespace().next().unwrap_or("");
        assert!(
            first == "0" || first == "141",
            "{command}: ended as a closed pipe ends a command, not {status}"
        );
        let (status, stderr) = bash(&db, &format!("$M {command} > /dev/full"));
        assert_eq!(status, "1", "{command} onto a full disk fails: {stderr}");
        assert!(!stderr.contains("program error"), "{command}: {stderr}");
    }
    let (status, stderr) = bash(&db, "$M check > /dev/full");
    assert_eq!(status, "1", "check onto a full disk is not a success");
    assert!(
        stderr.contains("cannot write to standard output"),
        "{stderr}"
    );
    let (status, _) = bash(&db, "$M doctor > /dev/full");
    assert_eq!(status, "1");
}

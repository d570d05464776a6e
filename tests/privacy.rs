//! What names real families is readable by its owner only: the database,
//! its backups, the copy made before an upgrade, and every export, made by
//! the real binary even under a permissive umask.

#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::minqing;
use tempfile::TempDir;

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("written").permissions().mode() & 0o777
}

#[test]
fn the_database_its_backups_and_exports_are_the_owners_only() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("county.db");
    // A umask that would let anyone read what is created without a mode.
    let open = |args: &[&str]| {
        let bin = assert_cmd::cargo::cargo_bin("minqing");
        let mut cmd = assert_cmd::Command::new("sh");
        cmd.env_remove("LC_ALL")
            .env_remove("LANG")
            .env_remove("MINQING_DB")
            .args(["-c", "umask 000; exec \"$@\"", "sh"])
            .arg(bin)
            .args(["--lang", "en", "--db"])
            .arg(&db)
            .args(args);
        cmd.assert().success();
    };
    open(&["demo", "--households", "50"]);
    let mut written = vec![db.clone()];
    for what in ["responses", "households", "priorities", "codebook"] {
        let out = dir.path().join(format!("{what}.csv"));
        open(&["export", what, "--out", &out.display().to_string()]);
        written.push(out);
    }
    let backup = dir.path().join("backup.db");
    open(&["backup", &backup.display().to_string()]);
    written.push(backup);
    for path in &written {
        assert_eq!(mode(path), 0o600, "{} is the owner's only", path.display());
    }
    // The copy made before an upgrade: an older file opened once.
    let old = dir.path().join("old.db");
    minqing::store::Store::create_at_version(&old, 1).expect("an older file");
    minqing(&old)
        .args(["households", "list"])
        .assert()
        .success();
    let copies: Vec<_> = fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".bak"))
        .collect();
    assert!(!copies.is_empty(), "the upgrade kept a copy");
    for copy in copies {
        assert_eq!(mode(&copy), 0o600, "{} is the owner's only", copy.display());
    }
}

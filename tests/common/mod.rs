//! What the end-to-end tests of the binary share.

use std::path::Path;

use assert_cmd::Command;

/// The real binary on database `db`, in English, with no locale or
/// database taken from the environment.
pub fn minqing(db: &Path) -> Command {
    minqing_in(db, "en")
}

/// The real binary on database `db`, in `lang` (`zh` or `en`).
#[allow(dead_code)]
pub fn minqing_in(db: &Path, lang: &str) -> Command {
    let mut cmd = Command::cargo_bin("minqing").expect("binary");
    cmd.env_remove("LC_ALL")
        .env_remove("LANG")
        .env_remove("MINQING_DB");
    cmd.arg("--lang").arg(lang).arg("--db").arg(db);
    cmd
}

/// A database at `dir/county.db` with the registry `csv` imported through
/// the real binary, as a county office does.
#[allow(dead_code)]
pub fn imported_county(dir: &Path, csv: &str) -> std::path::PathBuf {
    let db = dir.join("county.db");
    let registry = dir.join("registry.csv");
    std::fs::write(&registry, csv).expect("write");
    minqing(&db)
        .args(["households", "import"])
        .arg(&registry)
        .assert()
        .success();
    db
}

/// A demo county at `dir/demo.db`, made by the real binary's `demo` with
/// `args` (`--households N`, `--seed S`, `--rounds R`).
#[allow(dead_code)]
pub fn demo_county(dir: &Path, args: &[&str]) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    minqing(&db).arg("demo").args(args).assert().success();
    db
}

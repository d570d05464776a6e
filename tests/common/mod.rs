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

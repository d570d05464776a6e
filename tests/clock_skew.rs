//! Merges between laptops whose clocks are wrong: changes are ordered by a
//! hybrid logical clock, so a clock years ahead cannot undo a correction
//! made after its changes were seen, a clock years behind does not lose
//! corrections made after seeing the county's, every registry record stays
//! in the history, and the clock problem is reported by merge and doctor.

mod common;

#[path = "common/fixtures.rs"]
mod fixtures;

use fixtures::{household, water};

use std::path::{Path, PathBuf};

use common::minqing;
use minqing::store::Store;
use predicates::prelude::*;
use tempfile::TempDir;

const YEAR_MS: i64 = 365 * 86_400_000;

/// The county's file with three households, and a team laptop made from
/// its backup (with its own device id).
fn county_and_laptop(dir: &TempDir) -> (PathBuf, PathBuf) {
    let county = dir.path().join("county.db");
    let laptop = dir.path().join("laptop.db");
    let c = Store::open(&county).expect("county");
    c.upsert_households(&[household("H1"), household("H2"), household("H3")])
        .expect("households");
    c.backup_to(&laptop).expect("backup");
    (county, laptop)
}

fn phone(path: &Path, code: &str) -> String {
    Store::open(path)
        .expect("open")
        .household(code)
        .expect("read")
        .expect("there")
        .phone
}

fn set_phone(store: &Store, code: &str, phone: &str) {
    let mut h = store.household(code).expect("read").expect("there");
    h.phone = phone.into();
    store.upsert_households(&[h]).expect("update");
}

#[test]
fn a_clock_years_ahead_cannot_undo_a_correction_made_after_its_changes_were_seen() {
    let dir = TempDir::new().expect("temp dir");
    let (county, laptop) = county_and_laptop(&dir);
    {
        let l = Store::open(&laptop).expect("laptop");
        l.set_clock_skew(3 * YEAR_MS);
        set_phone(&l, "H3", "13900000001");
    }
    let c = Store::open(&county).expect("county");
    let report = c.merge(&laptop).expect("merge");
    assert_eq!(report.households.updated, 1);
    assert!(
        report.household_conflicts.is_empty(),
        "only the laptop changed H3"
    );
    assert_eq!(
        report.clock_problems.len(),
        1,
        "the laptop's clock is reported"
    );
    assert!(report.clock_problems[0].ahead_ms > 2 * YEAR_MS);
    // The county corrects H3 after seeing the laptop's change.
    set_phone(&c, "H3", "13900000002");
    // Merging the same file again, and again, never brings it back.
    for _ in 0..2 {
        let again = c.merge(&laptop).expect("merge again");
        assert_eq!(again.households.updated, 0);
        assert!(again.household_conflicts.is_empty());
    }
    drop(c);
    assert_eq!(phone(&county, "H3"), "13900000002", "the correction stays");
    // The laptop takes the correction when it merges the county's file.
    let l = Store::open(&laptop).expect("laptop");
    l.set_clock_skew(3 * YEAR_MS);
    l.merge(&county).expect("merge back");
    drop(l);
    assert_eq!(phone(&laptop, "H3"), "13900000002");
}

#[test]
fn a_clock_years_behind_keeps_corrections_made_after_seeing_the_countys() {
    let dir = TempDir::new().expect("temp dir");
    let (county, laptop) = county_and_laptop(&dir);
    {
        let c = Store::open(&county).expect("county");
        set_phone(&c, "H2", "13800000001");
    }
    let l = Store::open(&laptop).expect("laptop");
    l.set_clock_skew(-10 * YEAR_MS);
    l.merge(&county)
        .expect("the laptop takes the county's file");
    assert_eq!(phone(&laptop, "H2"), "13800000001");
    // Then corrects it in the field, with its clock ten years behind.
    set_phone(&l, "H2", "13800000002");
    drop(l);
    let c = Store::open(&county).expect("county");
    let report = c.merge(&laptop).expect("merge");
    assert_eq!(report.households.updated, 1);
    assert!(
        report.household_conflicts.is_empty(),
        "a correction, not a conflict"
    );
    drop(c);
    assert_eq!(
        phone(&county, "H2"),
        "13800000002",
        "the later correction wins"
    );
}

#[test]
fn changes_neither_side_had_seen_are_listed_with_both_records_kept() {
    let dir = TempDir::new().expect("temp dir");
    let (county, laptop) = county_and_laptop(&dir);
    {
        let l = Store::open(&laptop).expect("laptop");
        l.set_clock_skew(3 * YEAR_MS);
        set_phone(&l, "H1", "13700000001");
    }
    let c = Store::open(&county).expect("county");
    set_phone(&c, "H1", "13700000002");
    let report = c.merge(&laptop).expect("merge");
    assert_eq!(report.household_conflicts.len(), 1);
    let conflict = &report.household_conflicts[0];
    assert_eq!(conflict.kept.household.phone, "13700000001", "stamped last");
    assert_eq!(conflict.dropped.household.phone, "13700000002");
    assert_eq!(report.clock_problems.len(), 1, "and the clock is blamed");
    drop(c);
    // The dropped record is in the history, never gone.
    let conn = rusqlite::Connection::open(&county).expect("open");
    let kept: Vec<String> = conn
        .prepare("SELECT phone FROM household_history WHERE code = 'H1' ORDER BY stamp")
        .expect("history")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    assert!(kept.contains(&"13700000002".to_string()), "{kept:?}");
    assert!(
        kept.contains(&String::new()),
        "the first record too: {kept:?}"
    );
    // The history cannot be rewritten.
    assert!(conn.execute("DELETE FROM household_history", []).is_err());
}

#[test]
fn an_answer_corrected_after_a_fast_laptops_file_was_merged_stays_corrected() {
    let dir = TempDir::new().expect("temp dir");
    let (county, laptop) = county_and_laptop(&dir);
    let s = water();
    {
        let l = Store::open(&laptop).expect("laptop");
        l.set_clock_skew(3 * YEAR_MS);
        let id = l.open_interview("H1", &s, "王").expect("interview").id;
        l.save_answer(id, "main_source", Some("surface"), "王")
            .expect("save");
    }
    let c = Store::open(&county).expect("county");
    c.merge(&laptop).expect("merge");
    let id = c
        .open_interview("H1", &s, "李")
        .expect("the same interview")
        .id;
    c.save_answer(id, "main_source", Some("piped_home"), "李")
        .expect("correct");
    let again = c.merge(&laptop).expect("merge again");
    assert!(again.conflicts.is_empty(), "{:?}", again.conflicts);
    let answers = c.interview(id).expect("read").answers;
    assert_eq!(
        answers.get("main_source").map(String::as_str),
        Some("piped_home"),
        "the correction made after seeing the laptop's answer stays"
    );
}

#[test]
fn merge_and_doctor_say_which_laptop_had_its_clock_ahead() {
    let dir = TempDir::new().expect("temp dir");
    let (county, laptop) = county_and_laptop(&dir);
    {
        let l = Store::open(&laptop).expect("laptop");
        l.set_clock_skew(3 * YEAR_MS);
        let id = l
            .open_interview("H1", &water(), "王芳")
            .expect("interview")
            .id;
        l.save_answer(id, "main_source", Some("surface"), "王芳")
            .expect("save");
    }
    minqing(&county).arg("doctor").assert().success();
    minqing(&county)
        .arg("merge")
        .arg(&laptop)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("clock problem")
                .and(predicate::str::contains("interviewer 王芳"))
                .and(predicate::str::contains("day(s) ahead")),
        );
    minqing(&county).arg("doctor").assert().code(1).stdout(
        predicate::str::contains("its clock was about 109")
            .and(predicate::str::contains("this file's clock")),
    );
}

#[test]
fn a_file_stamped_a_century_ahead_is_refused_as_damaged_and_changes_nothing() {
    let dir = TempDir::new().expect("temp dir");
    let (county, laptop) = county_and_laptop(&dir);
    {
        let l = Store::open(&laptop).expect("laptop");
        set_phone(&l, "H1", "13600000001");
    }
    let conn = rusqlite::Connection::open(&laptop).expect("open");
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'clock'",
        [i64::MAX.to_string()],
    )
    .expect("damage the clock");
    drop(conn);
    let before = std::fs::read(&county).expect("county");
    let c = Store::open(&county).expect("county");
    let err = c.merge(&laptop).expect_err("refused");
    assert!(
        err.message().en.contains("is damaged"),
        "{}",
        err.message().en
    );
    assert!(err.message().en.contains("century"));
    drop(c);
    assert_eq!(std::fs::read(&county).expect("county"), before);
    assert_eq!(phone(&county, "H1"), "");
}

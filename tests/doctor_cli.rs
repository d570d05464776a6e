//! `minqing doctor` through the real binary: a sound database passes; each
//! kind of trouble is found, said with what to do, and exits 1; `--repair`
//! mends what is computed from the answers and nothing else.

mod common;
#[path = "common/damage.rs"]
mod damage;

use std::fs;
use std::path::{Path, PathBuf};

use common::minqing;
use damage::damage_leaf_pages;
use predicates::prelude::*;
use tempfile::TempDir;

/// A small demo county in a fresh folder.
fn county() -> (TempDir, PathBuf) {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("county.db");
    minqing(&db)
        .args(["demo", "--households", "300"])
        .assert()
        .success();
    (dir, db)
}

fn sql(db: &Path, statements: &str) {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.execute_batch(statements).expect("statements");
}

/// Answers and the audit trail, which a repair must never change.
fn answers(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut stmt = conn
        .prepare("SELECT uuid, answers FROM interview ORDER BY id")
        .expect("prepare");
    let mut out: Vec<String> = stmt
        .query_map([], |r| {
            Ok(format!(
                "{:?} {}",
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?
            ))
        })
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    let audit: i64 = conn
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .expect("audit");
    out.push(format!("audit {audit}"));
    out
}

#[test]
fn a_sound_database_passes_every_check() {
    let (_dir, db) = county();
    minqing(&db)
        .arg("doctor")
        .assert()
        .success()
        .stdout(predicate::str::contains("✗").not())
        .stdout(predicate::str::contains("✓ the file is sound"))
        .stdout(predicate::str::contains("✓ need hits agree"))
        .stdout(predicate::str::contains(
            "✓ the counts ranking reads are up to date",
        ));
}

#[test]
fn stale_hits_and_counts_are_found_and_repaired_without_touching_answers() {
    let (_dir, db) = county();
    let before = answers(&db);
    let first: i64 = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT min(id) FROM interview WHERE status = 'complete'",
            [],
            |r| r.get(0),
        )
        .expect("an interview");
    // Hits rewritten behind the program's back, and a count row too.
    sql(
        &db,
        &format!(
            "UPDATE interview SET hits = 'made_up:5' WHERE id = {first};
             UPDATE counted SET interviews = interviews || ';1,extra:3'
             WHERE household_id = (SELECT max(household_id) FROM counted);"
        ),
    );
    minqing(&db)
        .arg("doctor")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "✗ some complete interviews have need hits that do not match their answers",
        ))
        .stdout(predicate::str::contains(
            "✗ the counts ranking reads are out of date",
        ))
        .stdout(predicate::str::contains("minqing doctor --repair"));
    minqing(&db)
        .args(["doctor", "--repair"])
        .assert()
        .success()
        .stdout(predicate::str::contains("computed again"))
        .stdout(predicate::str::contains("✗").not());
    assert_eq!(answers(&db), before, "answers and audit trail unchanged");
    minqing(&db).arg("doctor").assert().success();
}

#[test]
fn data_that_needs_a_person_is_listed_with_what_to_do() {
    let (_dir, db) = county();
    sql(
        &db,
        "INSERT INTO household (code, township, village, grp, head, members, updated_at)
             VALUES ('X1', '勐烈镇', '', '', '无村', 2, 0);
         INSERT INTO interview (uuid, household_id, snapshot_id, interviewer, device, status,
                                started_at, updated_at, completed_at, answers, hits, round_id)
             SELECT randomblob(16), household_id, snapshot_id, 'copy', device, status,
                    started_at, updated_at + 1, completed_at + 1, answers, hits, round_id
             FROM interview WHERE status = 'complete' ORDER BY id LIMIT 1;",
    );
    let code: String = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT h.code FROM interview i JOIN household h ON h.id = i.household_id
             WHERE i.interviewer = 'copy'",
            [],
            |r| r.get(0),
        )
        .expect("the copy");
    minqing(&db)
        .arg("doctor")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "✗ some households were interviewed more than once",
        ))
        .stdout(predicate::str::contains(format!("{code} ")))
        .stdout(predicate::str::contains(
            "✗ some households have no township or village",
        ))
        .stdout(predicate::str::contains("X1"))
        .stdout(predicate::str::contains(
            "✓ the counts ranking reads are up to date",
        ));
}

#[test]
fn a_damaged_file_is_reported_and_left_as_it_was() {
    let (dir, db) = county();
    let damaged = dir.path().join("damaged.db");
    fs::copy(&db, &damaged).expect("copy");
    let (_, before) = damage_leaf_pages(&damaged, &["interview"], Some(1));
    minqing(&damaged)
        .arg("doctor")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("✗ the file is damaged"))
        .stdout(predicate::str::contains("latest backup"));
    assert_eq!(fs::read(&damaged).expect("read"), before, "left as it was");
}

#[test]
fn a_complete_interview_missing_a_required_answer_is_reported_in_both_languages() {
    let (_dir, db) = county();
    // A required answer no need rule reads taken out of a complete water
    // interview behind the program's back: its hits still agree.
    let code: String = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT h.code FROM interview i JOIN household h ON h.id = i.household_id
             JOIN snapshot s ON s.id = i.snapshot_id
             WHERE i.status = 'complete' AND s.survey = 'water' ORDER BY h.code LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a complete water interview");
    sql(
        &db,
        &format!(
            "UPDATE interview SET answers = json_remove(answers, '$.urgency')
             WHERE status = 'complete' AND household_id = (SELECT id FROM household WHERE code = '{code}')
             AND snapshot_id IN (SELECT id FROM snapshot WHERE survey = 'water');"
        ),
    );
    minqing(&db)
        .arg("doctor")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "✗ some interviews marked complete miss a required answer",
        ))
        .stdout(predicate::str::contains(format!(
            "{code} water: required question \"How urgent is drinking water for your household?\" is unanswered"
        )))
        .stdout(predicate::str::contains("press o to reopen it"))
        .stdout(predicate::str::contains("✓ need hits agree"));
    // Not computed data: a repair leaves it for a person.
    minqing(&db)
        .args(["doctor", "--repair"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "✗ some interviews marked complete",
        ));
    assert_cmd::Command::cargo_bin("minqing")
        .expect("binary")
        .env_remove("MINQING_DB")
        .args(["--lang", "zh", "--db"])
        .arg(&db)
        .arg("doctor")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "✗ 有标为完成的调查缺少必答题或有答案不符合要求",
        ))
        .stdout(predicate::str::contains(format!(
            "{code} water: 必答题“您家觉得饮水问题有多急?”没有回答"
        )))
        .stdout(predicate::str::contains("按 o 重新打开"));
}

#[test]
fn village_names_of_two_townships_are_listed_without_failing() {
    let (_dir, db) = county();
    // A household added to another township under a village's name: the
    // mark a village added under the wrong township leaves.
    sql(
        &db,
        "INSERT INTO household (code, township, village, grp, head, members, updated_at)
             SELECT 'X1', '整董镇', village, '', '错乡', 2, 0 FROM household LIMIT 1",
    );
    let village: String = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row("SELECT village FROM household WHERE code = 'X1'", [], |r| {
            r.get(0)
        })
        .expect("the village");
    let township: String = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row("SELECT min(township) FROM household", [], |r| r.get(0))
        .expect("the township");
    let townships = format!("{township}, 整董镇");
    minqing(&db)
        .arg("doctor")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "! these village names are found in more than one township (not a fault)",
        ))
        .stdout(predicate::str::contains(format!("{village}: {townships}")));
}

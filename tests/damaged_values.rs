//! A value in the database that does not read (answers that are not JSON,
//! hits that are not UTF-8) is reported as damage of the database file,
//! named by its path: through `minqing priorities` and through the store
//! calls the app makes.

mod common;

use std::path::{Path, PathBuf};

use common::minqing;
use predicates::prelude::*;
use tempfile::TempDir;

use minqing::priority::By;
use minqing::store::household::Household;
use minqing::store::{Store, StoreError};
use minqing::survey::bundled::BUNDLED;
use minqing::survey::{Survey, load};

fn water() -> Survey {
    load(BUNDLED[1].1).survey.expect("water")
}

/// One complete interview (`A1`) and one draft (`A2`) of the water survey.
fn county(dir: &TempDir) -> PathBuf {
    let db = dir.path().join("county.db");
    let store = Store::open(&db).expect("open");
    let households: Vec<Household> = ["A1", "A2"]
        .into_iter()
        .map(|code| Household {
            code: code.into(),
            township: "勐烈镇".into(),
            village: "曼贺村".into(),
            head: "李明".into(),
            members: 3,
            ..Household::default()
        })
        .collect();
    store.upsert_households(&households).expect("households");
    let water = water();
    for code in ["A1", "A2"] {
        let id = store.open_interview(code, &water, "王芳").expect("open").id;
        for (q, v) in [
            ("main_source", "surface"),
            ("fetch_minutes", "40"),
            ("shortage_days", "0"),
            ("quality_problems", "turbid"),
            ("toilet", "flush"),
            ("handwashing", "water_soap"),
            ("urgency", "high"),
        ] {
            store.save_answer(id, q, Some(v), "王芳").expect("save");
        }
        if code == "A1" {
            store.complete(id, "王芳").expect("complete");
        }
    }
    db
}

/// Runs `statement` on the interview of household `code`, behind the
/// program's back.
fn damage(db: &Path, code: &str, statement: &str) {
    let conn = rusqlite::Connection::open(db).expect("open");
    let changed = conn
        .execute(
            &format!("{statement} WHERE household_id = (SELECT id FROM household WHERE code = ?1)"),
            [code],
        )
        .expect("damage");
    assert_eq!(changed, 1);
}

fn says_the_file_is_damaged(db: &Path) {
    let said = format!("{} is damaged", db.display());
    minqing(db)
        .args(["priorities", "--include-drafts"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(said))
        .stderr(predicate::str::contains("the database is damaged").not());
}

#[test]
fn answers_that_do_not_read_name_the_database_through_priorities() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    damage(&db, "A2", "UPDATE interview SET answers = 'not json'");
    says_the_file_is_damaged(&db);
}

#[test]
fn hits_that_are_not_text_name_the_database_through_priorities() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    damage(&db, "A1", "UPDATE interview SET hits = CAST(X'FF' AS TEXT)");
    says_the_file_is_damaged(&db);
}

/// The ranking and the interview screen of the app read through these
/// calls, and show the error's message as it is.
#[test]
fn the_apps_store_calls_name_the_database_in_damage() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    damage(&db, "A2", "UPDATE interview SET answers = 'not json'");
    let store = Store::open(&db).expect("open");
    let named = |e: StoreError| {
        assert!(
            matches!(&e, StoreError::Corrupt { path, .. } if path == &db),
            "{e:?}"
        );
        assert!(
            e.message()
                .en
                .starts_with(&format!("{} is damaged", db.display()))
        );
    };
    named(
        store
            .priorities_ranked(true, By::Village)
            .expect_err("damaged"),
    );
    named(
        store
            .open_interview("A2", &water(), "王芳")
            .expect_err("damaged"),
    );
}

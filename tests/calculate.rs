//! `calculate` questions end to end: computed from the answers and the
//! household's record, stored with the answers in the same write, followed
//! when the record changes, read by need rules, exported like an answer,
//! and never asked in the app.

mod common;

use std::fs;

use common::minqing;
use minqing::store::Store;
use minqing::store::household::Household;
use minqing::survey::load;
use tempfile::TempDir;

const INCOME: &str = include_str!("common/income.toml");

fn household(members: i64) -> Household {
    Household {
        code: "H1".into(),
        township: "勐烈镇".into(),
        village: "曼贺村".into(),
        head: "李明".into(),
        members,
        ..Household::default()
    }
}

/// A database at `db` with household H1 of four members, whose
/// interview of `survey` is begun (nothing answered).
fn begun(db: &std::path::Path, survey: &minqing::survey::Survey) -> (Store, i64) {
    let store = Store::open(db).expect("open");
    store.upsert_households(&[household(4)]).expect("household");
    let id = store
        .open_interview("H1", survey, "王芳")
        .expect("begin")
        .id;
    (store, id)
}

#[test]
fn a_calculation_is_stored_with_the_answers_follows_the_household_and_fires_needs() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let survey = load(INCOME).survey.expect("loads");
    let (store, id) = begun(&db, &survey);
    store
        .save_answer(id, "income_year", Some("12000"), "王芳")
        .expect("save");
    let i = store.interview(id).expect("read");
    assert_eq!(
        i.answers.get("per_person").map(String::as_str),
        Some("3000")
    );
    assert_eq!(i.answers.get("low").map(String::as_str), Some("true"));
    let hits = store.complete(id, "王芳").expect("complete");
    assert!(
        hits.get("low_income").is_some(),
        "the rule reads the calculation"
    );

    // Two members, not four: the calculation and the hit follow.
    store.upsert_households(&[household(2)]).expect("edited");
    let i = store.interview(id).expect("read");
    assert_eq!(
        i.answers.get("per_person").map(String::as_str),
        Some("6000")
    );
    assert_eq!(i.answers.get("low").map(String::as_str), Some("false"));
    assert!(store.hits(id).expect("hits").get("low_income").is_none());
    // Nothing about it is stale for doctor.
    assert!(store.doctor().expect("doctor").is_clean());
    drop(store);

    // Exported like an answer.
    let folder = dir.path().join("surveys");
    fs::create_dir(&folder).expect("folder");
    fs::write(folder.join("income.toml"), INCOME).expect("questionnaire");
    let out = dir.path().join("responses.csv");
    minqing(&db)
        .args(["--surveys"])
        .arg(&folder)
        .args(["export", "responses", "--survey", "income", "--out"])
        .arg(&out)
        .assert()
        .success();
    let csv = fs::read_to_string(&out).expect("exported");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("a row").split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).expect(name);
    assert_eq!(row[at("per_person")], "6000", "{csv}");
    assert_eq!(row[at("income_year")], "12000");
}

#[test]
fn completing_without_an_answer_saved_stores_the_calculations() {
    let text = r#"
[survey]
id = "visit"
version = "1"
category = "health"
title = "T"

[[section]]
name = "s"

[[section.question]]
name = "when"
type = "calculate"
calculation = "today()"

[[section.question]]
name = "size"
type = "calculate"
calculation = "${household.members}"
"#;
    let dir = TempDir::new().expect("temp dir");
    let survey = load(text).survey.expect("loads");
    let (store, id) = begun(&dir.path().join("m.db"), &survey);
    store.complete(id, "王芳").expect("complete");
    let i = store.interview(id).expect("read");
    assert_eq!(i.answers.get("size").map(String::as_str), Some("4"));
    assert_eq!(
        i.answers.get("when"),
        Some(&minqing::survey::date_of(i.started_at))
    );
    assert!(store.doctor().expect("doctor").is_clean());
}

#[test]
fn another_laptops_stored_calculation_alone_changes_nothing_in_a_merge() {
    let dir = TempDir::new().expect("temp dir");
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let survey = load(INCOME).survey.expect("loads");
    {
        let (store, id) = begun(&a, &survey);
        store
            .save_answer(id, "income_year", Some("12000"), "王芳")
            .expect("save");
        store.backup_to(&b).expect("a copy for the other laptop");
    }
    // The other file, changed later, holds a stale calculation and
    // nothing else new.
    rusqlite::Connection::open(&b)
        .expect("open")
        .execute_batch(
            "UPDATE interview SET answers = json_set(answers, '$.per_person', '1'),
                                  stamp = stamp + 1000000",
        )
        .expect("stale");
    let store = Store::open(&a).expect("open");
    let report = store.merge(&b).expect("merge");
    assert_eq!(report.interviews_updated, 0, "{report:?}");
    let i = store.open_interview("H1", &survey, "王芳").expect("read");
    assert_eq!(
        i.answers.get("per_person").map(String::as_str),
        Some("3000")
    );
}

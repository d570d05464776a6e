//! Merging databases between laptops: idempotent, atomic, later change
//! wins with both kept in the audit trail, duplicates kept and reported,
//! and every bad file refused with the target unchanged.

#[path = "common/fixtures.rs"]
mod fixtures;

use fixtures::{household, water};
mod common;

use std::fs;
use std::path::{Path, PathBuf};

use minqing::store::{CURRENT_VERSION, Store, StoreError};
use minqing::survey::bundled::BUNDLED;
use minqing::survey::load;
use tempfile::TempDir;

/// Every row of every table, for comparing a database before and after.
fn dump(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut out = Vec::new();
    for (table, order) in [
        ("household", "code"),
        ("snapshot", "hash"),
        ("interview", "uuid"),
        ("audit", "interview, field, at, device"),
        ("meta", "key"),
        ("round", "name"),
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))
            .expect("select");
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut cells = vec![table.to_string()];
                for i in 0..columns {
                    let v: rusqlite::types::Value = r.get(i)?;
                    cells.push(format!("{v:?}"));
                }
                Ok(cells.join("|"))
            })
            .expect("rows");
        out.extend(rows.map(|r| r.expect("row")));
    }
    out
}

struct Laptops {
    _dir: TempDir,
    a: PathBuf,
    b: PathBuf,
}

/// Laptop A registers households and interviews H1; laptop B starts as a
/// copy of A, as when a team copies the county file before going out.
fn laptops() -> Laptops {
    laptops_with(|_| {})
}

/// [`laptops`], with `before_copy` done on A before B is copied from it.
fn laptops_with(before_copy: impl FnOnce(&Store)) -> Laptops {
    let dir = TempDir::new().expect("temp dir");
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    let store = Store::open(&a).expect("open a");
    store
        .upsert_households(&[household("H1"), household("H2"), household("H3")])
        .expect("households");
    let id = store
        .open_interview("H1", &water(), "王")
        .expect("interview")
        .id;
    store
        .save_answer(id, "main_source", Some("surface"), "王")
        .expect("save");
    store
        .save_answer(id, "fetch_minutes", Some("30"), "王")
        .expect("save");
    before_copy(&store);
    store.backup_to(&b).expect("copy to b");
    Laptops { _dir: dir, a, b }
}

fn pause() {
    std::thread::sleep(std::time::Duration::from_millis(3));
}

#[test]
fn merging_brings_everything_and_twice_changes_nothing() {
    let dir = TempDir::new().expect("temp dir");
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let other = Store::open(&b).expect("open b");
    other
        .upsert_households(&[household("H1"), household("H2")])
        .expect("households");
    let s = water();
    for code in ["H1", "H2"] {
        let id = other.open_interview(code, &s, "李").expect("interview").id;
        for (q, v) in [
            ("main_source", "piped_home"),
            ("shortage_days", "40"),
            ("quality_problems", "none"),
            ("toilet", "flush"),
            ("handwashing", "water_soap"),
            ("urgency", "low"),
        ] {
            other.save_answer(id, q, Some(v), "李").expect("save");
        }
        other.complete(id, "李").expect("complete");
    }
    drop(other);
    let store = Store::open(&a).expect("open a");
    let first = store.merge(&b).expect("merge");
    assert_eq!(first.households.added, 2);
    assert_eq!(first.snapshots_added, 1);
    assert_eq!(first.interviews_added, 2);
    assert_eq!(first.audit_added, 2 * 7);
    assert!(first.conflicts.is_empty() && first.duplicates.is_empty());
    let i = store
        .open_interview("H2", &s, "王")
        .expect("merged interview");
    assert_eq!(
        i.answers.get("shortage_days").map(String::as_str),
        Some("40")
    );
    assert_eq!(
        store.hits(i.id).expect("hits"),
        "water_shortage:3",
        "hits are computed on arrival"
    );
    assert!(store.stale_counted().expect("check").is_empty());

    let before = dump(&a);
    let second = store.merge(&b).expect("merge again");
    assert_eq!(second.households.added + second.households.updated, 0);
    assert_eq!(second.interviews_added + second.interviews_updated, 0);
    assert_eq!(second.interviews_unchanged, 2);
    assert_eq!(second.audit_added, 0);
    assert_eq!(dump(&a), before, "merging twice changes nothing");
}

#[test]
fn the_later_change_wins_and_both_stay_in_the_audit_trail() {
    let l = laptops();
    let s = water();
    let a = Store::open(&l.a).expect("a");
    let b = Store::open(&l.b).expect("b");
    let id_a = a.open_interview("H1", &s, "王").expect("a").id;
    let id_b = b.open_interview("H1", &s, "李").expect("b").id;
    a.save_answer(id_a, "fetch_minutes", Some("10"), "王")
        .expect("a edits");
    pause();
    b.save_answer(id_b, "fetch_minutes", Some("50"), "李")
        .expect("b edits later");
    b.save_answer(id_b, "shortage_days", Some("5"), "李")
        .expect("b adds");
    pause();
    a.save_answer(id_a, "toilet", Some("flush"), "王")
        .expect("a adds later");
    drop(b);

    let report = a.merge(&l.b).expect("merge");
    assert_eq!(report.interviews_updated, 1);
    assert_eq!(report.conflicts.len(), 1, "{:?}", report.conflicts);
    let c = &report.conflicts[0];
    assert_eq!(
        (c.household.as_str(), c.survey.as_str(), c.field.as_str()),
        ("H1", "water", "fetch_minutes")
    );
    assert_eq!(
        (c.kept.as_deref(), c.dropped.as_deref()),
        (Some("50"), Some("10"))
    );
    let merged = a.interview(id_a).expect("read");
    assert_eq!(
        merged.answers.get("fetch_minutes").map(String::as_str),
        Some("50")
    );
    assert_eq!(
        merged.answers.get("shortage_days").map(String::as_str),
        Some("5"),
        "b's other change arrives"
    );
    assert_eq!(
        merged.answers.get("toilet").map(String::as_str),
        Some("flush"),
        "a's later change stays"
    );
    let values: Vec<Option<String>> = a
        .audit(id_a)
        .expect("audit")
        .into_iter()
        .filter(|e| e.field == "fetch_minutes")
        .map(|e| e.new)
        .collect();
    assert_eq!(
        values,
        [Some("30".into()), Some("10".into()), Some("50".into())]
    );

    // And the other way round gives the same answers.
    drop(a);
    let b = Store::open(&l.b).expect("b");
    b.merge(&l.a).expect("merge back");
    let back = b.interview(id_b).expect("read");
    assert_eq!(
        back.answers, merged.answers,
        "both laptops agree after merging both ways"
    );
    let a = Store::open(&l.a).expect("a");
    let again = a.merge(&l.b).expect("merge again");
    assert_eq!(
        again.interviews_updated + again.conflicts.len(),
        0,
        "{again:?}"
    );
}

#[test]
fn two_interviews_of_one_household_are_both_kept_and_reported() {
    let l = laptops();
    let s = water();
    let a = Store::open(&l.a).expect("a");
    let b = Store::open(&l.b).expect("b");
    a.open_interview("H2", &s, "王").expect("a interviews H2");
    let id_b = b
        .open_interview("H2", &s, "李")
        .expect("b interviews H2 too")
        .id;
    b.save_answer(id_b, "main_source", Some("surface"), "李")
        .expect("save");
    drop(b);
    let report = a.merge(&l.b).expect("merge");
    assert_eq!(report.interviews_added, 1);
    assert_eq!(report.duplicates.len(), 1);
    assert_eq!(
        (
            report.duplicates[0].household.as_str(),
            report.duplicates[0].survey.as_str(),
            report.duplicates[0].interviews
        ),
        ("H2", "water", 2)
    );
}

#[test]
fn a_changed_registry_record_takes_the_newer_version() {
    let l = laptops();
    let b = Store::open(&l.b).expect("b");
    pause();
    let mut h = household("H3");
    h.phone = "13800000000".into();
    b.upsert_households(&[h]).expect("b updates H3");
    drop(b);
    let a = Store::open(&l.a).expect("a");
    let report = a.merge(&l.b).expect("merge");
    assert_eq!(report.households.updated, 1);
    assert!(
        report.household_conflicts.is_empty(),
        "changed on one side only: an update, not a conflict"
    );
    assert_eq!(
        a.household("H3").expect("read").expect("there").phone,
        "13800000000"
    );
}

#[test]
fn bad_files_are_refused_and_the_target_is_unchanged() {
    let l = laptops();
    let dir = l.a.parent().expect("dir").to_path_buf();
    let a = Store::open(&l.a).expect("a");
    let before = dump(&l.a);

    // Not a database, another program's database, half a database.
    let text = dir.join("notes.db");
    fs::write(&text, "not a database").expect("write");
    let foreign = dir.join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .expect("open")
        .execute_batch("CREATE TABLE x(y); INSERT INTO x VALUES (1);")
        .expect("create");
    let truncated = dir.join("truncated.db");
    let bytes = fs::read(&l.b).expect("read b");
    fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let newer = dir.join("newer.db");
    fs::copy(&l.b, &newer).expect("copy");
    rusqlite::Connection::open(&newer)
        .expect("open")
        .pragma_update(None, "user_version", CURRENT_VERSION + 1)
        .expect("bump");
    // The same survey version with other content.
    let changed = dir.join("changed.db");
    {
        let other = Store::open(&changed).expect("open");
        other
            .upsert_households(&[household("H9")])
            .expect("households");
        let s = load(&BUNDLED[1].1.replace("取一次水来回", "取水来回"))
            .survey
            .expect("loads");
        other.open_interview("H9", &s, "李").expect("interview");
    }
    // The same file under another name: a hard link, a symbolic link.
    let hard = dir.join("hard-link.db");
    fs::hard_link(&l.a, &hard).expect("hard link");
    let soft = dir.join("soft-link.db");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&l.a, &soft).expect("symlink");
    #[cfg(not(unix))]
    fs::hard_link(&l.a, &soft).expect("hard link");
    for (file, expect) in [
        (&hard, "into itself"),
        (&soft, "into itself"),
        (&text, "not a Minqing database"),
        (&foreign, "not a Minqing database"),
        (&truncated, "damaged"),
        (&newer, "newer Minqing"),
        (&changed, "different content"),
        (&l.a, "into itself"),
        (&dir.join("missing.db"), "cannot access"),
    ] {
        let file_before = fs::read(file).ok();
        let err: StoreError = a
            .merge(file)
            .err()
            .unwrap_or_else(|| panic!("{} must be refused", file.display()));
        assert!(
            err.message().en.contains(expect),
            "{}: {}",
            file.display(),
            err.message().en
        );
        assert_eq!(dump(&l.a), before, "{}: the target changed", file.display());
        assert_eq!(
            fs::read(file).ok(),
            file_before,
            "{}: the other file changed",
            file.display()
        );
    }
    a.integrity_check().expect("sound");
}

#[test]
fn conflicts_are_reported_when_this_side_wins_and_status_is_not_a_false_conflict() {
    let l = laptops();
    let s = water();
    let a = Store::open(&l.a).expect("a");
    let b = Store::open(&l.b).expect("b");
    let id_a = a.open_interview("H1", &s, "王").expect("a").id;
    let id_b = b.open_interview("H1", &s, "李").expect("b").id;
    b.save_answer(id_b, "fetch_minutes", Some("50"), "李")
        .expect("b edits first");
    for (q, v) in [
        ("shortage_days", "0"),
        ("quality_problems", "none"),
        ("toilet", "flush"),
        ("handwashing", "water_soap"),
        ("urgency", "low"),
    ] {
        b.save_answer(id_b, q, Some(v), "李").expect("b answers");
    }
    b.complete(id_b, "李").expect("only b completes");
    pause();
    a.save_answer(id_a, "fetch_minutes", Some("10"), "王")
        .expect("a edits later");
    drop(b);
    let report = a.merge(&l.b).expect("merge");
    let fields: Vec<&str> = report.conflicts.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        ["fetch_minutes"],
        "completing on one side is not a conflict"
    );
    assert_eq!(
        report.conflicts[0].kept.as_deref(),
        Some("10"),
        "the later change, on this side, wins"
    );
    let merged = a.interview(id_a).expect("read");
    assert_eq!(
        merged.answers.get("fetch_minutes").map(String::as_str),
        Some("10")
    );
    assert_eq!(merged.status, minqing::store::interview::Status::Complete);
    assert!(
        a.stale_counted().expect("check").is_empty(),
        "completed by the merge, it is counted"
    );
}

/// H2's water interview answered with water piped into the home, so that
/// "minutes to fetch water" is not asked; complete when `complete`.
fn h2_piped(store: &Store, complete: bool) -> i64 {
    let id = store
        .open_interview("H2", &water(), "王")
        .expect("interview")
        .id;
    for (q, v) in [
        ("main_source", "piped_home"),
        ("shortage_days", "0"),
        ("quality_problems", "none"),
        ("toilet", "flush"),
        ("handwashing", "water_soap"),
        ("urgency", "low"),
    ] {
        store.save_answer(id, q, Some(v), "王").expect("save");
    }
    if complete {
        store.complete(id, "王").expect("complete");
    }
    id
}

/// Whether H2 counts for the surface water project in priorities.
fn counted_for_surface_water(store: &Store) -> bool {
    let round = store.ranked_round().expect("round");
    let (input, projects) = store
        .priorities_counted(
            round.as_ref(),
            (false, minqing::priority::By::Village),
            &minqing::priority::RankMethod::default(),
        )
        .expect("priorities");
    projects.iter().any(|p| {
        input.rules[p.rule].name == "surface_water"
            && p.households
                .iter()
                .any(|&h| &*input.households[h].code == "H2")
    })
}

#[test]
fn a_merge_that_leaves_a_complete_interview_failing_makes_it_a_draft_to_review() {
    use minqing::interview::Failure;
    use minqing::store::interview::{STATUS_FIELD, Status};

    // Completed on A; on B, still a draft, its water source changed to
    // surface water, which asks for the minutes to fetch water.
    let l = laptops_with(|a| {
        h2_piped(a, false);
    });
    let a = Store::open(&l.a).expect("a");
    let b = Store::open(&l.b).expect("b");
    let id_a = a.open_interview("H2", &water(), "王").expect("a").id;
    a.complete(id_a, "王").expect("a completes H2");
    pause();
    let id_b = b.open_interview("H2", &water(), "李").expect("b").id;
    b.save_answer(id_b, "main_source", Some("surface"), "李")
        .expect("b changes the source");
    drop(b);

    let report = a.merge(&l.b).expect("merge");
    assert_eq!(report.interviews_updated, 1);
    assert_eq!(report.reopened.len(), 1, "{report:?}");
    let r = &report.reopened[0];
    assert_eq!((r.household.as_str(), r.survey.as_str()), ("H2", "water"));
    assert_eq!(
        r.failures,
        [Failure::Missing {
            question: "fetch_minutes".into()
        }]
    );
    let merged = a.interview(id_a).expect("read");
    assert_eq!(
        merged.answers.get("main_source").map(String::as_str),
        Some("surface"),
        "the later change is kept"
    );
    assert_eq!(merged.status, Status::Draft, "never complete while failing");
    assert_eq!(merged.completed_at, None);
    assert_eq!(a.hits(id_a).expect("hits"), "");
    assert!(!counted_for_surface_water(&a), "out of the priorities");
    assert!(a.stale_counted().expect("check").is_empty());
    let last = a
        .audit(id_a)
        .expect("audit")
        .into_iter()
        .rfind(|e| e.field == STATUS_FIELD)
        .expect("a status change");
    assert_eq!(
        (last.old.as_deref(), last.new.as_deref()),
        (Some("complete"), Some("draft"))
    );
    assert_eq!(
        last.interviewer,
        minqing::store::revalidate::MERGE_INTERVIEWER
    );
    assert_eq!(last.device, a.device());
    assert!(a.doctor().expect("doctor").failing_complete.is_empty());

    // Merging again changes nothing; merging back gives B the same draft.
    let before = dump(&l.a);
    let again = a.merge(&l.b).expect("merge again");
    assert!(again.reopened.is_empty(), "{again:?}");
    assert_eq!(dump(&l.a), before, "merging twice changes nothing");
    drop(a);
    let b = Store::open(&l.b).expect("b");
    let back = b.merge(&l.a).expect("merge back");
    assert!(back.reopened.is_empty(), "{back:?}");
    let on_b = b.interview(id_b).expect("read");
    assert_eq!(on_b.status, Status::Draft);
    assert_eq!(on_b.answers, merged.answers);

    // Answered and completed again, it counts.
    b.save_answer(id_b, "fetch_minutes", Some("40"), "李")
        .expect("answer the missing question");
    b.complete(id_b, "李").expect("complete again");
    assert!(counted_for_surface_water(&b));
}

#[test]
fn a_reopened_interview_edited_on_one_laptop_and_completed_again_on_the_other_is_reviewed() {
    use minqing::store::interview::Status;

    // Complete on both; B reopens it and changes the source; A reopens and
    // completes it again, later, without that change.
    let l = laptops_with(|a| {
        h2_piped(a, true);
    });
    let a = Store::open(&l.a).expect("a");
    let b = Store::open(&l.b).expect("b");
    let id_b = b.open_interview("H2", &water(), "李").expect("b").id;
    b.reopen(id_b, "李").expect("b reopens");
    b.save_answer(id_b, "main_source", Some("surface"), "李")
        .expect("b changes the source");
    drop(b);
    pause();
    let id_a = a.open_interview("H2", &water(), "王").expect("a").id;
    a.reopen(id_a, "王").expect("a reopens");
    a.complete(id_a, "王").expect("a completes again");

    let report = a.merge(&l.b).expect("merge");
    let reviewed: Vec<(&str, &str, Vec<&str>)> = report
        .reopened
        .iter()
        .map(|r| {
            (
                r.household.as_str(),
                r.survey.as_str(),
                r.failures.iter().map(|f| f.question()).collect(),
            )
        })
        .collect();
    assert_eq!(reviewed, [("H2", "water", vec!["fetch_minutes"])]);
    assert_eq!(a.interview(id_a).expect("read").status, Status::Draft);
    assert!(!counted_for_surface_water(&a));
    assert!(a.stale_counted().expect("check").is_empty());
}

#[test]
fn the_merge_command_says_which_interviews_to_review_and_doctor_agrees() {
    use predicates::prelude::*;

    let l = laptops_with(|a| {
        h2_piped(a, false);
    });
    {
        let a = Store::open(&l.a).expect("a");
        let b = Store::open(&l.b).expect("b");
        let id_a = a.open_interview("H2", &water(), "王").expect("a").id;
        a.complete(id_a, "王").expect("a completes H2");
        pause();
        let id_b = b.open_interview("H2", &water(), "李").expect("b").id;
        b.save_answer(id_b, "main_source", Some("surface"), "李")
            .expect("b changes the source");
        a.backup_to(&l.a.with_file_name("a-copy.db"))
            .expect("a copy of a");
    }
    let other = l.b.to_str().expect("a UTF-8 path");
    common::minqing(&l.a)
        .args(["merge", other])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "needs review: household H2, survey water is no longer complete once merged",
        ))
        .stdout(predicate::str::contains(
            "required question \"Minutes for one round trip to fetch water, including queueing?\" is unanswered",
        ))
        .stdout(predicate::str::contains("complete it again"));
    common::minqing(&l.a)
        .arg("doctor")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "✓ every complete interview has its required answers",
        ));
    assert_cmd::Command::cargo_bin("minqing")
        .expect("binary")
        .env_remove("MINQING_DB")
        .args(["--lang", "zh", "--db"])
        .arg(l.a.with_file_name("a-copy.db"))
        .args(["merge", other])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "需要复核:农户 H2 的 water 调查合并后不再完整(必答题“取一次水来回要多少分钟(含排队)?”没有回答),已改回草稿",
        ))
        .stdout(predicate::str::contains("补答或改正后再次完成"));
}

/// Work packages merged back in one call: the county file is checked once,
/// each package merges in its own transaction, a bad one is named and the
/// others go in, and duplicates are those its interviews take part in.
#[test]
fn many_packages_merge_in_one_call_each_reporting_its_own_duplicates() {
    let l = laptops();
    let s = water();
    // Package 1: H2 interviewed on another laptop as well (a duplicate).
    let one = l.a.with_file_name("one.db");
    let two = l.a.with_file_name("two.db");
    let bad = l.a.with_file_name("bad.db");
    std::fs::copy(&l.b, &one).expect("copy");
    std::fs::copy(&l.b, &two).expect("copy");
    std::fs::write(&bad, "not a database").expect("bad");
    {
        let p1 = Store::open(&one).expect("one");
        p1.open_interview("H2", &s, "李")
            .expect("H2 on package one");
        let p2 = Store::open(&two).expect("two");
        p2.open_interview("H3", &s, "赵")
            .expect("H3 on package two");
    }
    let a = Store::open(&l.a).expect("a");
    a.open_interview("H2", &s, "王").expect("H2 here too");
    let results = a
        .merge_all(&[one.clone(), bad.clone(), two.clone()])
        .expect("the county file is sound");
    assert_eq!(results.len(), 3);
    let first = results[0].as_ref().expect("one merges");
    let dups: Vec<(&str, usize)> = first
        .duplicates
        .iter()
        .map(|d| (d.household.as_str(), d.interviews))
        .collect();
    assert_eq!(
        dups,
        [("H2", 2)],
        "package one brought H2's second interview"
    );
    assert!(results[1].is_err(), "the bad file is refused");
    let third = results[2].as_ref().expect("two merges");
    assert!(
        third.duplicates.is_empty(),
        "package two's interviews (H1's, H3's) have no second: {:?}",
        third.duplicates
    );
    assert_eq!(third.interviews_added, 1);
    // Merged again, nothing changes.
    let again = a.merge_all(&[one, two]).expect("sound");
    for r in again {
        let r = r.expect("merges");
        assert_eq!((r.interviews_added, r.interviews_updated), (0, 0));
    }
}

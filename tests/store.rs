//! The store on real SQLite files in temporary folders: opening and
//! refusing files, snapshots, households, interviews, the audit trail,
//! need hits, backups, and two connections writing at once.

#[path = "common/damage.rs"]
mod damage;

use std::fs;
use std::path::{Path, PathBuf};

use damage::damage_leaf_pages;
use minqing::interview::Known;
use minqing::store::bulk::{Made, NewInterview};
use minqing::store::household::Household;
use minqing::store::interview::Status;
use minqing::store::{APPLICATION_ID, CURRENT_VERSION, Store, StoreError};
use minqing::survey::bundled::BUNDLED;
use minqing::survey::{Survey, load};
use tempfile::TempDir;

fn water() -> Survey {
    load(BUNDLED[1].1).survey.expect("water loads")
}

fn household(code: &str, village: &str) -> Household {
    Household {
        code: code.into(),
        township: "勐烈镇".into(),
        village: village.into(),
        group: "一组".into(),
        head: "李明".into(),
        members: 4,
        ..Household::default()
    }
}

fn fresh() -> (TempDir, PathBuf, Store) {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("minqing.db");
    let store = Store::open(&path).expect("open");
    store
        .upsert_households(&[household("H1", "曼贺村"), household("H2", "曼贺村")])
        .expect("households");
    (dir, path, store)
}

fn pragma(path: &Path, name: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.pragma_query_value(None, name, |r| r.get(0))
        .expect("pragma")
}

#[test]
fn a_new_database_is_recognisable_and_durable() {
    let (_dir, path, store) = fresh();
    drop(store);
    assert_eq!(pragma(&path, "application_id"), i64::from(APPLICATION_ID));
    assert_eq!(pragma(&path, "user_version"), i64::from(CURRENT_VERSION));
    let conn = rusqlite::Connection::open(&path).expect("open");
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "household data is readable by its owner only"
        );
    }
}

#[test]
fn the_store_runs_with_full_synchronous_and_foreign_keys() {
    let (_dir, _path, store) = fresh();
    // Visible through behaviour: a household referenced by an interview
    // cannot vanish, and the settings hold on the store's own connection.
    let s = water();
    let i = store.open_interview("H1", &s, "王").expect("interview");
    assert!(i.id > 0);
    assert_eq!(store.synchronous().expect("pragma"), 2, "FULL");
    assert!(store.foreign_keys().expect("pragma"));
}

fn bytes_of(path: &Path) -> Vec<u8> {
    fs::read(path).expect("read")
}

#[test]
fn foreign_and_broken_files_are_refused_and_left_unchanged() {
    let dir = TempDir::new().expect("temp dir");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.db", Vec::new()),
        ("text.db", b"household,code\n1,2\n".to_vec()),
        (
            "random.db",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
        ("truncated.db", b"SQLite format 3\0\x10\x00".to_vec()),
    ];
    for (name, content) in cases {
        let path = dir.path().join(name);
        fs::write(&path, &content).expect("write");
        let err = Store::open(&path)
            .err()
            .unwrap_or_else(|| panic!("{name} must be refused"));
        assert!(
            matches!(
                err,
                StoreError::NotMinqing { .. } | StoreError::Corrupt { .. }
            ),
            "{name}: {err:?}"
        );
        assert_eq!(bytes_of(&path), content, "{name} was modified");
    }
    // An SQLite file of another program.
    let other = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).expect("open");
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .expect("create");
    drop(conn);
    let before = bytes_of(&other);
    let err = Store::open(&other).expect_err("refused");
    assert!(matches!(err, StoreError::NotMinqing { .. }), "{err:?}");
    assert!(err.message().en.contains("not a Minqing database"));
    assert_eq!(bytes_of(&other), before);
    // A folder in place of the file.
    let err = Store::open(dir.path()).expect_err("refused");
    assert!(matches!(err, StoreError::IsDir { .. }));
}

#[test]
fn a_newer_database_is_refused_and_left_unchanged() {
    let (_dir, path, store) = fresh();
    drop(store);
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
        .expect("bump");
    drop(conn);
    let before = bytes_of(&path);
    let err = Store::open(&path).expect_err("refused");
    assert!(matches!(err, StoreError::Newer { .. }), "{err:?}");
    assert!(err.message().zh.contains("更新版本"));
    assert_eq!(bytes_of(&path), before);
}

#[test]
fn an_older_database_is_copied_then_migrated() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("old.db");
    Store::create_at_version(&path, 1).expect("old schema");
    assert_eq!(pragma(&path, "user_version"), 1);
    let store = Store::open(&path).expect("migrates");
    drop(store);
    assert_eq!(pragma(&path, "user_version"), i64::from(CURRENT_VERSION));
    let backups: Vec<PathBuf> = fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().contains(".v1-") && p.to_string_lossy().ends_with(".bak"))
        .collect();
    assert_eq!(backups.len(), 1, "one copy made before migrating");
    assert_eq!(
        pragma(&backups[0], "user_version"),
        1,
        "the copy is the old file"
    );
}

#[test]
fn snapshots_keep_old_versions_and_refuse_changed_content() {
    let (_dir, _path, store) = fresh();
    let s = water();
    let id = store.register_survey(&s).expect("snapshot");
    assert_eq!(
        store.register_survey(&s).expect("again"),
        id,
        "same content, same snapshot"
    );
    let changed = load(&s.source.replace("取一次水来回要多少分钟", "取水要多少分钟"))
        .survey
        .expect("loads");
    let err = store.register_survey(&changed).expect_err("refused");
    assert!(matches!(err, StoreError::SnapshotChanged { .. }));
    assert!(
        err.message().en.contains("change version"),
        "{}",
        err.message().en
    );
    let newer = load(
        &changed
            .source
            .replace("version = \"2026.1\"", "version = \"2026.2\""),
    )
    .survey
    .expect("loads");
    let id2 = store.register_survey(&newer).expect("new version");
    assert_ne!(id, id2);
    assert_eq!(store.snapshot_survey(id).expect("old").version, "2026.1");
}

#[test]
fn a_whole_interview_with_validation_audit_and_hits() {
    let (_dir, path, store) = fresh();
    let s = water();
    let i = store.open_interview("H1", &s, "王芳").expect("start");
    assert_eq!(i.status, Status::Draft);
    let id = i.id;
    // Bad answers are refused with a message and leave nothing behind.
    let err = store
        .save_answer(id, "fetch_minutes", Some("700"), "王芳")
        .expect_err("refused");
    assert_eq!(err.message().en, "must be at most 600");
    let err = store
        .save_answer(id, "main_source", Some("river"), "王芳")
        .expect_err("refused");
    assert!(err.message().zh.contains("不是本题的选项"));
    let err = store
        .save_answer(id, "quality_problems", Some("none turbid"), "王芳")
        .expect_err("refused");
    assert!(err.message().zh.contains("以上都没有"));
    assert!(matches!(
        store.save_answer(id, "no_such", Some("1"), "王芳"),
        Err(StoreError::UnknownQuestion(_))
    ));
    for (q, a) in [
        ("main_source", "surface"),
        ("fetch_minutes", "４５"),
        ("shortage_days", "10"),
        ("quality_problems", "illness turbid"),
    ] {
        store.save_answer(id, q, Some(a), "王芳").expect("saved");
    }
    // Completing is refused while required answers are missing.
    match store.complete(id, "王芳") {
        Err(StoreError::Incomplete { failures }) => {
            let missing: Vec<&str> = failures.iter().map(|f| f.question()).collect();
            assert_eq!(missing, ["toilet", "handwashing", "urgency"])
        }
        other => panic!("{other:?}"),
    }
    for (q, a) in [
        ("toilet", "flush"),
        ("handwashing", "water_soap"),
        ("urgency", "high"),
    ] {
        store.save_answer(id, q, Some(a), "王芳").expect("saved");
    }
    let hits = store.complete(id, "王芳").expect("complete");
    assert_eq!(
        hits,
        "surface_water:4 water_far:3 water_illness:5 water_quality:3"
    );
    // A complete interview does not change until reopened.
    assert!(matches!(
        store.save_answer(id, "fetch_minutes", Some("10"), "王芳"),
        Err(StoreError::Completed)
    ));
    store.reopen(id, "李华").expect("reopen");
    assert_eq!(
        store.hits(id).expect("hits"),
        "",
        "a reopened interview is a draft again"
    );
    store
        .save_answer(id, "fetch_minutes", Some("10"), "李华")
        .expect("corrected");
    store
        .save_answer(id, "fetch_minutes", Some("10"), "李华")
        .expect("same value, no change");
    assert_eq!(
        store.complete(id, "李华").expect("complete"),
        "surface_water:4 water_illness:5 water_quality:3"
    );
    drop(store);

    // Everything is there after reopening the file.
    let store = Store::open(&path).expect("reopen");
    let i = store.open_interview("H1", &s, "李华").expect("resume");
    assert_eq!(i.id, id, "the same interview resumes");
    assert_eq!(i.status, Status::Complete);
    assert_eq!(
        i.answers.get("fetch_minutes").map(String::as_str),
        Some("10")
    );
    assert_eq!(
        i.answers.get("quality_problems").map(String::as_str),
        Some("turbid illness")
    );
    let audit = store.audit(id).expect("audit");
    let fields: Vec<(&str, Option<&str>, Option<&str>)> = audit
        .iter()
        .map(|e| (e.field.as_str(), e.old.as_deref(), e.new.as_deref()))
        .collect();
    assert_eq!(fields.len(), 7 + 1 + 1 + 1 + 1, "{fields:?}");
    assert!(fields.contains(&("fetch_minutes", Some("45"), Some("10"))));
    assert!(fields.contains(&("@status", Some("complete"), Some("draft"))));
    assert_eq!(audit.iter().filter(|e| e.interviewer == "李华").count(), 3);
    assert!(
        audit.windows(2).all(|w| w[0].at < w[1].at),
        "times are strictly ordered"
    );
}

#[test]
fn clearing_an_answer_is_audited() {
    let (_dir, _path, store) = fresh();
    let s = water();
    let id = store.open_interview("H2", &s, "王").expect("start").id;
    store
        .save_answer(id, "remarks", Some("水管坏了"), "王")
        .expect("saved");
    store
        .save_answer(id, "remarks", None, "王")
        .expect("cleared");
    let i = store.interview(id).expect("read");
    assert!(!i.answers.contains_key("remarks"));
    let last = store.audit(id).expect("audit").pop().expect("entry");
    assert_eq!((last.old.as_deref(), last.new), (Some("水管坏了"), None));
}

#[test]
fn unknown_households_are_refused() {
    let (_dir, _path, store) = fresh();
    let err = store
        .open_interview("NOPE", &water(), "王")
        .expect_err("refused");
    assert!(matches!(err, StoreError::UnknownHousehold(_)));
}

#[test]
fn adding_a_household_never_overwrites_one_stored_meanwhile() {
    let (_dir, path, store) = fresh();
    // Another program on the same file adds H3 first.
    let other = Store::open(&path).expect("another program");
    let mut theirs = household("H3", "曼贺村");
    theirs.head = "岩罕".into();
    other.add_household(&theirs).expect("added by the other");
    let err = store
        .add_household(&household("H3", "曼贺村"))
        .expect_err("the code exists");
    assert!(matches!(&err, StoreError::HouseholdExists(code) if code == "H3"));
    assert_eq!(err.message().en, "code H3 already exists");
    assert_eq!(err.message().zh, "户编码 H3 已经存在");
    assert_eq!(
        store.household("H3").expect("read").map(|h| h.head),
        Some("岩罕".into()),
        "theirs is kept"
    );
    store
        .add_household(&household("H4", "曼贺村"))
        .expect("a new code is added");
    assert_eq!(store.household_count().expect("count"), 4);
}

#[test]
fn backups_are_consistent_copies_and_never_overwrite() {
    let (dir, _path, store) = fresh();
    let s = water();
    let id = store.open_interview("H1", &s, "王").expect("start").id;
    store
        .save_answer(id, "main_source", Some("surface"), "王")
        .expect("saved");
    let target = dir.path().join("backup.db");
    store.backup_to(&target).expect("backup");
    let copy = Store::open(&target).expect("the backup opens");
    assert_eq!(copy.household_count().expect("count"), 2);
    let i = copy.open_interview("H1", &s, "王").expect("interview");
    assert_eq!(
        i.answers.get("main_source").map(String::as_str),
        Some("surface")
    );
    assert!(matches!(
        store.backup_to(&target),
        Err(StoreError::Exists { .. })
    ));
    let missing = dir.path().join("no/such/dir/backup.db");
    assert!(store.backup_to(&missing).is_err());
    assert!(!missing.exists());
}

#[test]
fn two_connections_editing_one_interview_lose_nothing() {
    let (_dir, path, store) = fresh();
    let s = water();
    let id = store.open_interview("H1", &s, "甲").expect("interview").id;
    drop(store);
    let writers: Vec<_> = [("shortage_days", "甲"), ("fetch_minutes", "乙")]
        .into_iter()
        .map(|(question, who)| {
            let path = path.clone();
            std::thread::spawn(move || {
                let store = Store::open(&path).expect("open");
                for n in 0..150 {
                    store
                        .save_answer(id, question, Some(&(n % 300).to_string()), who)
                        .expect("save");
                }
            })
        })
        .collect();
    for w in writers {
        w.join().expect("writer finished");
    }
    let store = Store::open(&path).expect("open");
    let i = store.interview(id).expect("read");
    assert_eq!(
        i.answers.get("shortage_days").map(String::as_str),
        Some("149")
    );
    assert_eq!(
        i.answers.get("fetch_minutes").map(String::as_str),
        Some("149")
    );
    let audit = store.audit(id).expect("audit");
    assert_eq!(audit.len(), 300);
    // Each entry's old value is the value its question really had before.
    for q in ["shortage_days", "fetch_minutes"] {
        let entries: Vec<_> = audit.iter().filter(|e| e.field == q).collect();
        for pair in entries.windows(2) {
            assert_eq!(pair[1].old, pair[0].new, "{q}: no change was overwritten");
        }
    }
}

#[test]
fn the_audit_trail_cannot_be_rewritten() {
    let (_dir, path, store) = fresh();
    let id = store
        .open_interview("H1", &water(), "王")
        .expect("start")
        .id;
    store
        .save_answer(id, "main_source", Some("surface"), "王")
        .expect("saved");
    drop(store);
    let conn = rusqlite::Connection::open(&path).expect("open");
    assert!(
        conn.execute("UPDATE audit SET new = 'piped_home'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM audit", []).is_err());
}

#[test]
fn a_backup_gets_its_own_device_id() {
    let (dir, _path, store) = fresh();
    let target = dir.path().join("copy.db");
    store.backup_to(&target).expect("backup");
    let copy = Store::open(&target).expect("open copy");
    assert_ne!(copy.device(), store.device());
}

#[test]
fn changing_a_household_recomputes_its_hits() {
    let (_dir, _path, store) = fresh();
    let housing = load(BUNDLED[0].1).survey.expect("housing");
    let id = store
        .open_interview("H1", &housing, "王")
        .expect("start")
        .id;
    for (q, a) in [
        ("appraisal_grade", "grade_a"),
        ("structure", "brick"),
        ("floor_area", "60"),
        ("defects", "none"),
        ("disaster_damage", "no"),
        ("urgency", "none"),
    ] {
        store.save_answer(id, q, Some(a), "王").expect("saved");
    }
    assert_eq!(
        store.complete(id, "王").expect("complete"),
        "",
        "60 m² for 4 people"
    );
    let mut h = household("H1", "曼贺村");
    h.members = 5;
    store.upsert_households(&[h]).expect("update");
    assert_eq!(
        store.hits(id).expect("hits"),
        "crowded:2",
        "60 m² for 5 people is crowded"
    );
}

#[test]
fn two_connections_writing_at_once_lose_nothing() {
    let (_dir, path, store) = fresh();
    let s = water();
    let a = store.open_interview("H1", &s, "甲").expect("a").id;
    let b = store.open_interview("H2", &s, "乙").expect("b").id;
    drop(store);
    let writers: Vec<_> = [(a, "甲"), (b, "乙")]
        .into_iter()
        .map(|(id, who)| {
            let path = path.clone();
            std::thread::spawn(move || {
                let store = Store::open(&path).expect("open");
                for n in 0..200 {
                    let minutes = (n % 600).to_string();
                    store
                        .save_answer(id, "shortage_days", Some(&(n % 300).to_string()), who)
                        .expect("save");
                    store
                        .save_answer(id, "fetch_minutes", Some(&minutes), who)
                        .expect("save");
                }
            })
        })
        .collect();
    for w in writers {
        w.join().expect("writer finished");
    }
    let store = Store::open(&path).expect("open");
    for id in [a, b] {
        let i = store.interview(id).expect("read");
        assert_eq!(
            i.answers.get("shortage_days").map(String::as_str),
            Some("199")
        );
        assert_eq!(
            i.answers.get("fetch_minutes").map(String::as_str),
            Some("199")
        );
        assert_eq!(
            store.audit(id).expect("audit").len(),
            400,
            "every save is in the audit trail"
        );
    }
    store.integrity_check().expect("sound");
}

#[test]
fn hits_are_recomputed_when_the_rules_engine_changes() {
    let (_dir, path, store) = fresh();
    let s = water();
    let id = store.open_interview("H1", &s, "王").expect("start").id;
    answer_water(&store, id, "50");
    assert_eq!(
        store.complete(id, "王").expect("complete"),
        "water_shortage:3"
    );
    drop(store);
    age_hits(&path);
    let store = Store::open(&path).expect("open");
    assert_eq!(store.hits(id).expect("hits"), "water_shortage:3");
}

/// Hits written by an older engine, and marked so: the next open computes
/// them again.
fn age_hits(path: &Path) {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(
        "UPDATE interview SET hits = 'stale:1'; UPDATE meta SET value = '0' WHERE key = 'rules_engine';",
    )
    .expect("age the hits");
}

/// Answers the water survey's required questions; `days` of shortage
/// decides whether `water_shortage` fires.
fn answer_water(store: &Store, id: i64, days: &str) {
    for (q, a) in [
        ("main_source", "piped_home"),
        ("shortage_days", days),
        ("quality_problems", "none"),
        ("toilet", "flush"),
        ("handwashing", "water_soap"),
        ("urgency", "low"),
    ] {
        store.save_answer(id, q, Some(a), "王").expect("saved");
    }
}

/// (households affected, households surveyed) of the water shortage rule
/// in 曼贺村.
fn shortage(store: &Store) -> (i64, i64) {
    let (input, projects) = store
        .priorities_ranked(false, minqing::priority::By::Village)
        .expect("priorities");
    projects
        .iter()
        .find(|p| input.rules[p.rule].name == "water_shortage")
        .map_or((0, 0), |p| (p.affected, p.surveyed))
}

/// A water interview's answers, all required ones, with `days` of
/// shortage (which decides whether `water_shortage` fires).
fn water_answers(days: &str) -> minqing::interview::Answers {
    [
        ("main_source", "piped_home"),
        ("shortage_days", days),
        ("quality_problems", "none"),
        ("toilet", "flush"),
        ("handwashing", "water_soap"),
        ("urgency", "high"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// A complete water interview of `household` drawn from `answers` at
/// `when`, to write in bulk.
fn bulk_water(
    s: &minqing::survey::Survey,
    household: &str,
    answers: &minqing::interview::Answers,
    when: i64,
) -> NewInterview {
    let facts = minqing::interview::HouseholdFacts {
        code: household.into(),
        members: 4,
        village: "曼贺村".into(),
        township: "勐烈镇".into(),
        started_at: when,
        ..Default::default()
    };
    NewInterview::complete(
        Made {
            uuid: uuid::Uuid::now_v7(),
            household: household.into(),
            snapshot: 1,
            interviewer: "李".into(),
            started_at: when,
            updated_at: when,
        },
        s,
        &facts,
        (answers.clone(), Known::default()),
    )
    .expect("checked")
}

#[test]
fn counts_kept_of_interviews_written_in_bulk_agree_with_a_recount() {
    let (_dir, _path, store) = fresh();
    let s = water();
    store.register_survey(&s).expect("register");
    store
        .upsert_households(&[household("H3", "曼贺村")])
        .expect("households");
    let (dry, wet) = (water_answers("50"), water_answers("0"));
    // H1 twice in one batch, apart (the later without a shortage); H2
    // once; then an older interview of H1 and one of H3 in a second batch:
    // H1 had interviews in the round already, and its latest still counts.
    store
        .insert_interviews(&[
            bulk_water(&s, "H1", &dry, 1_000),
            bulk_water(&s, "H2", &dry, 2_000),
            bulk_water(&s, "H1", &wet, 3_000),
        ])
        .expect("first batch");
    assert!(store.stale_kept().expect("check").is_empty());
    assert_eq!(shortage(&store), (1, 2));
    store
        .insert_interviews(&[
            bulk_water(&s, "H1", &dry, 500),
            bulk_water(&s, "H3", &dry, 5_000),
        ])
        .expect("second batch");
    assert!(store.stale_kept().expect("check").is_empty());
    assert_eq!(shortage(&store), (2, 3), "H1's latest interview counts");
}

#[test]
fn a_large_bulk_batch_is_written_whole_with_its_counts() {
    // More interviews than one statement writes, and a rest written one
    // by one; a household's two interviews far apart in the batch.
    let (_dir, path, store) = fresh();
    let s = water();
    store.register_survey(&s).expect("register");
    let codes: Vec<String> = (0..300).map(|n| format!("B{n:03}")).collect();
    let registry: Vec<Household> = codes.iter().map(|c| household(c, "曼贺村")).collect();
    store.upsert_households(&registry).expect("households");
    let (dry, wet) = (water_answers("50"), water_answers("0"));
    let mut batch: Vec<NewInterview> = codes
        .iter()
        .enumerate()
        .map(|(n, c)| {
            bulk_water(
                &s,
                c,
                if n % 3 == 0 { &dry } else { &wet },
                1_000 + n as i64,
            )
        })
        .collect();
    // B001 again at the end, later and dry: its latest counts.
    batch.push(bulk_water(&s, "B001", &dry, 9_000));
    // B002 has an interview in the round already (dry; wet in the batch,
    // later): its list of complete interviews is made again from the
    // file, not from the batch alone, and its counts from both.
    store
        .insert_interviews(&[bulk_water(&s, "B002", &dry, 500)])
        .expect("an earlier batch");
    store.insert_interviews(&batch).expect("one batch");
    assert!(store.stale_kept().expect("check").is_empty());
    let findings = store.doctor().expect("doctor");
    assert!(findings.stale_counted.is_empty(), "{findings:?}");
    let listed = |code: &str| -> String {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.query_row(
            "SELECT interviews FROM counted c JOIN household h ON h.id = c.household_id
             WHERE h.code = ?1",
            [code],
            |r| r.get(0),
        )
        .expect("listed")
    };
    assert_eq!(listed("B002").split(';').count(), 2);
    assert_eq!(listed("B001").split(';').count(), 2);
    assert_eq!(listed("B003").split(';').count(), 1);
    // Triggers are on again after it: a household registered is counted.
    store
        .upsert_households(&[household("B900", "曼掌村")])
        .expect("one more");
    assert!(store.stale_kept().expect("check").is_empty());
    assert_eq!(
        shortage(&store),
        (101, 300),
        "100 dry and B001 (its latest) of 300"
    );
    // Each written as it was made: its household, its time, its answers.
    let conn = rusqlite::Connection::open(&path).expect("open");
    let mut read = conn
        .prepare(
            "SELECT h.code, i.started_at, i.status FROM interview i
             JOIN household h ON h.id = i.household_id WHERE i.uuid = ?1",
        )
        .expect("prepare");
    for new in &batch {
        let (code, started, status): (String, i64, String) = read
            .query_row([new.uuid.as_bytes().as_slice()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .expect("written");
        assert_eq!(
            (code.as_str(), started),
            (new.household.as_str(), new.started_at)
        );
        assert_eq!(status, "complete");
    }
}

#[test]
fn the_bulk_write_does_the_work_of_every_insert_trigger() {
    // A bulk write turns triggers off for its inserts and does what the
    // triggers would: a trigger added or changed later on a table it
    // writes would be passed by, unless the bulk write learns it.
    let (_dir, path, _store) = fresh();
    let conn = rusqlite::Connection::open(&path).expect("open");
    let tables = minqing::store::bulk::WRITTEN_WITHOUT_TRIGGERS;
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1")
        .expect("prepare");
    let mut found: Vec<(String, u64)> = Vec::new();
    for table in tables {
        let rows = stmt
            .query_map([table], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .expect("triggers");
        for row in rows {
            let (name, sql) = row.expect("trigger");
            // FNV-1a of the trigger's text: the same trigger, not only
            // the same name.
            let print = sql.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            found.push((name, print));
        }
    }
    found.sort();
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    // Besides the insert triggers it stands in for, only triggers on
    // changing or deleting interviews and households, which a bulk write
    // never does.
    let never_fired = [
        "counted_delete",
        "counted_update",
        "kept_household_delete",
        "kept_household_update",
        "kept_interview_delete",
        "kept_interview_update",
    ];
    let mut expected: Vec<&str> = minqing::store::bulk::INSERT_TRIGGERS
        .iter()
        .chain(never_fired.iter())
        .copied()
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    let prints: Vec<(&str, u64)> = found
        .iter()
        .filter(|(n, _)| minqing::store::bulk::INSERT_TRIGGERS.contains(&n.as_str()))
        .map(|(n, p)| (n.as_str(), *p))
        .collect();
    // Changing one of them changes what the bulk write must do.
    assert_eq!(
        prints,
        [
            ("counted_insert", 0x4f06_9c9b_88f6_2245),
            ("kept_household_insert", 0x3be1_6b25_c655_371a),
            ("kept_interview_insert", 0x5190_de1f_16d5_364a),
        ]
    );
}

#[test]
fn households_drawn_with_their_interviews_are_written_together_or_not_at_all() {
    let (_dir, _path, store) = fresh();
    let s = water();
    store.register_survey(&s).expect("register");
    let dry = water_answers("50");
    let registry: Vec<Household> = (0..200)
        .map(|n| household(&format!("D{n:03}"), "曼贺村"))
        .collect();
    // New households with interviews, and one of a stored household.
    let mut batch: Vec<NewInterview> = registry
        .iter()
        .map(|h| bulk_water(&s, &h.code, &dry, 1_000))
        .collect();
    batch.push(bulk_water(&s, "H1", &dry, 2_000));
    store.insert_drawn(&registry, &batch).expect("written");
    assert_eq!(store.household_count().expect("count"), 202);
    assert!(store.stale_kept().expect("check").is_empty());
    assert_eq!(shortage(&store), (201, 201));

    // A code stored already, or twice: refused by name, nothing written.
    let again = vec![household("E001", "曼贺村"), household("D150", "曼贺村")];
    let refused = store
        .insert_drawn(&again, &[bulk_water(&s, "E001", &dry, 3_000)])
        .expect_err("D150 is stored");
    assert!(
        matches!(&refused, StoreError::HouseholdExists(code) if code == "D150"),
        "{refused:?}"
    );
    // The stored code in the second of a registry's full statements,
    // after a first one written in the same transaction.
    let mut long: Vec<Household> = (0..300)
        .map(|n| household(&format!("F{n:03}"), "曼贺村"))
        .collect();
    long[200] = household("D007", "曼贺村");
    let refused = store.insert_drawn(&long, &[]).expect_err("D007 is stored");
    assert!(
        matches!(&refused, StoreError::HouseholdExists(code) if code == "D007"),
        "{refused:?}"
    );
    // Another fault is said as it is, even beside a stored code.
    let mut empty = household("G001", "曼贺村");
    empty.members = 0;
    let refused = store
        .insert_drawn(&[empty, household("D007", "曼贺村")], &[])
        .expect_err("no members");
    assert!(
        !matches!(&refused, StoreError::HouseholdExists(_)),
        "{refused:?}"
    );
    let twice = vec![household("E002", "曼贺村"), household("E002", "曼贺村")];
    let refused = store.insert_drawn(&twice, &[]).expect_err("E002 twice");
    assert!(
        matches!(&refused, StoreError::HouseholdExists(code) if code == "E002"),
        "{refused:?}"
    );
    assert_eq!(store.household_count().expect("count"), 202);
    assert_eq!(shortage(&store), (201, 201));
    assert!(store.stale_kept().expect("check").is_empty());
}

#[test]
fn the_counted_interviews_follow_every_write() {
    let (_dir, path, store) = fresh();
    let s = water();
    let first = store.open_interview("H1", &s, "王").expect("start").id;
    answer_water(&store, first, "50");
    assert!(store.stale_counted().expect("check").is_empty());
    assert_eq!(shortage(&store), (0, 0), "a draft does not count");
    store.complete(first, "王").expect("complete");
    assert!(store.stale_counted().expect("check").is_empty());
    assert_eq!(shortage(&store), (1, 1));

    // A second complete interview of the same household: the later counts.
    let before = store.interview(first).expect("read");
    let mut answers = before.answers.clone();
    answers.insert("shortage_days".into(), "0".into());
    let later = before.updated_at + 60_000;
    store
        .insert_interviews(&[NewInterview::complete(
            Made {
                uuid: uuid::Uuid::now_v7(),
                household: "H1".into(),
                snapshot: before.snapshot,
                interviewer: "李".into(),
                started_at: later,
                updated_at: later,
            },
            &s,
            &before.facts(),
            (answers, Known::default()),
        )
        .expect("checked")])
        .expect("second interview");
    let second = first + 1;
    // An older one arriving later (from another laptop) does not count.
    let mut older = before.answers.clone();
    older.insert("shortage_days".into(), "90".into());
    store
        .insert_interviews(&[NewInterview::complete(
            Made {
                uuid: uuid::Uuid::now_v7(),
                household: "H1".into(),
                snapshot: before.snapshot,
                interviewer: "赵".into(),
                started_at: 1,
                updated_at: 1,
            },
            &s,
            &before.facts(),
            (older, Known::default()),
        )
        .expect("checked")])
        .expect("older interview");
    assert!(store.stale_counted().expect("check").is_empty());
    let (input, projects) = store
        .priorities_ranked(false, minqing::priority::By::Village)
        .expect("priorities");
    assert!(
        !projects
            .iter()
            .any(|p| input.rules[p.rule].name == "water_shortage"),
        "the later interview, without a shortage, counts"
    );

    // Reopened, the later one no longer counts and the first one does again.
    store.reopen(second, "李").expect("reopen");
    assert!(store.stale_counted().expect("check").is_empty());
    assert_eq!(shortage(&store), (1, 1));

    // A registry change that changes the hits of H1's complete interview.
    let mut h = household("H1", "曼贺村");
    h.members = 9;
    store.upsert_households(&[h]).expect("update");
    assert!(store.stale_counted().expect("check").is_empty());

    // Hits rewritten by a new rules engine.
    drop(store);
    age_hits(&path);
    let store = Store::open(&path).expect("open");
    assert!(store.stale_counted().expect("check").is_empty());
    assert_eq!(shortage(&store), (1, 1));

    // A row changed behind the triggers' back is found.
    drop(store);
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch("UPDATE counted SET interviews = interviews || ';999,1,0,'")
        .expect("tamper");
    drop(conn);
    let store = Store::open(&path).expect("open");
    assert_eq!(store.stale_counted().expect("check"), vec![1]);
}

#[test]
fn upgrading_lists_the_complete_interviews_of_each_household() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("old.db");
    Store::create_at_version(&path, 3).expect("old schema");
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('rules_engine', ?1)",
        [minqing::store::RULES_ENGINE],
    )
    .expect("hits are current");
    conn.execute_batch(
        "INSERT INTO household (id, code, township, village, head, members, updated_at)
             VALUES (1, 'H1', '勐烈镇', '曼贺村', '李明', 4, 0), (2, 'H2', '勐烈镇', '曼贺村', '王芳', 3, 0);
         INSERT INTO snapshot (id, survey, version, hash, source, created_at)
             VALUES (1, 'water', '1', 'h', '', 0);
         INSERT INTO interview (id, uuid, household_id, snapshot_id, interviewer, device, status,
                                started_at, updated_at, completed_at, answers, hits)
             VALUES (1, x'01', 1, 1, '王', 'd', 'complete', 0, 5, 5, '{}', 'water_shortage:3'),
                    (2, x'02', 1, 1, '王', 'd', 'complete', 0, 7, 7, '{}', ''),
                    (3, x'03', 2, 1, '王', 'd', 'draft', 0, 7, NULL, '{}', '');",
    )
    .expect("old data");
    drop(conn);
    let store = Store::open(&path).expect("migrates");
    assert!(store.stale_counted().expect("check").is_empty());
    drop(store);
    let conn = rusqlite::Connection::open(&path).expect("open");
    let rows: Vec<(i64, String)> = conn
        .prepare("SELECT household_id, interviews FROM counted")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(rows.len(), 1, "the draft-only household has no row");
    let mut entries: Vec<&str> = rows[0].1.split(';').collect();
    entries.sort();
    assert_eq!(entries, ["1,", "1,water_shortage:3"]);
}

#[test]
fn a_rule_counts_only_households_asked_with_a_version_that_has_it() {
    let (_dir, _path, store) = fresh();
    let v1 = water();
    let source = BUNDLED[1]
        .1
        .replace("version = \"2026.1\"", "version = \"2026.2\"")
        + "\n[[need]]\nname = \"any_shortage\"\nwhen = \"${shortage_days} > 0\"\nseverity = 3\n\
           project = { zh = \"蓄水\", en = \"Store water\" }\n";
    let v2 = load(&source).survey.expect("version 2 loads");
    for (code, survey) in [("H1", &v1), ("H2", &v2)] {
        let id = store.open_interview(code, survey, "王").expect("start").id;
        answer_water(&store, id, "50");
        store.complete(id, "王").expect("complete");
    }
    let (input, projects) = store
        .priorities_ranked(false, minqing::priority::By::Village)
        .expect("priorities");
    let count = |name: &str| {
        projects
            .iter()
            .find(|p| input.rules[p.rule].name == name)
            .map(|p| (p.affected, p.surveyed))
    };
    assert_eq!(count("water_shortage"), Some((2, 2)));
    assert_eq!(
        count("any_shortage"),
        Some((1, 1)),
        "H1 was never asked about any_shortage: not surveyed for it"
    );
    let (input, projects) = store
        .priorities_ranked(true, minqing::priority::By::Village)
        .expect("priorities with drafts");
    let p = projects
        .iter()
        .find(|p| input.rules[p.rule].name == "any_shortage")
        .expect("project");
    assert_eq!((p.affected, p.surveyed), (1, 1), "the same with drafts");
}

/// Village coverage as SQL over the interviews would count it: the oracle
/// the store's reading of `counted` and the draft index must agree with.
fn coverage_by_sql(path: &Path, surveys: &[&str]) -> Vec<(String, String, i64, i64, i64)> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let list = surveys
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT h.township, h.village, count(*),
                sum(coalesce(c.n, 0) = {all}), sum(coalesce(d.n, 0) > 0)
         FROM household h
         LEFT JOIN (SELECT i.household_id, count(DISTINCT s.survey) AS n
                    FROM interview i JOIN snapshot s ON s.id = i.snapshot_id
                    WHERE i.status = 'complete' AND s.survey IN ({list})
                    GROUP BY i.household_id) c ON c.household_id = h.id
         LEFT JOIN (SELECT i.household_id, count(*) AS n
                    FROM interview i JOIN snapshot s ON s.id = i.snapshot_id
                    WHERE i.status = 'draft' AND s.survey IN ({list})
                    GROUP BY i.household_id) d ON d.household_id = h.id
         GROUP BY h.township, h.village ORDER BY h.township, h.village",
        all = surveys.len()
    );
    let mut stmt = conn.prepare(&sql).expect("prepare");
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .expect("query")
    .map(|r| r.expect("row"))
    .collect()
}

fn coverage(store: &Store, surveys: &[&str]) -> Vec<(String, String, i64, i64, i64)> {
    store
        .village_coverage(surveys)
        .expect("coverage")
        .into_iter()
        .map(|c| (c.township, c.village, c.registered, c.complete, c.drafts))
        .collect()
}

#[test]
fn village_coverage_counts_complete_and_draft_households_without_reading_interviews() {
    let (_dir, path, store) = fresh();
    // Villages interleaved in the registry, and one village name in two
    // townships.
    let mut other = household("N1", "曼贺村");
    other.township = "整董镇".into();
    store
        .upsert_households(&[
            household("B1", "那洒村"),
            household("H3", "曼贺村"),
            other,
            household("B2", "那洒村"),
        ])
        .expect("households");
    let water = water();
    let roads = load(BUNDLED[2].1).survey.expect("roads");
    let complete = |code: &str| {
        let id = store.open_interview(code, &water, "王").expect("open").id;
        answer_water(&store, id, "3");
        store.complete(id, "王").expect("complete");
    };
    complete("H1");
    complete("H2");
    complete("B1");
    store.open_interview("H3", &water, "王").expect("a draft");
    store
        .open_interview("H1", &roads, "王")
        .expect("a roads draft");
    let row = |t: &str, v: &str, n, c, d| (t.to_string(), v.to_string(), n, c, d);
    assert_eq!(
        coverage(&store, &["water"]),
        [
            // H3's water draft; H1's roads draft is not this work.
            row("勐烈镇", "曼贺村", 3, 2, 1),
            row("勐烈镇", "那洒村", 2, 1, 0),
            row("整董镇", "曼贺村", 1, 0, 0),
        ]
    );
    assert_eq!(
        coverage(&store, &["water", "roads"]),
        [
            row("勐烈镇", "曼贺村", 3, 0, 2),
            row("勐烈镇", "那洒村", 2, 0, 0),
            row("整董镇", "曼贺村", 1, 0, 0),
        ]
    );
    for surveys in [&["water"][..], &["water", "roads"], &[]] {
        assert_eq!(coverage(&store, surveys), coverage_by_sql(&path, surveys));
    }
    // A demo county, with its drafts and reopened interviews.
    drop(store);
    let dir = TempDir::new().expect("temp dir");
    let demo = dir.path().join("demo.db");
    let store = Store::open(&demo).expect("open");
    let bundled: Vec<Survey> = BUNDLED
        .iter()
        .map(|(_, text)| load(text).survey.expect("loads"))
        .collect();
    minqing::demo::generate(&store, &bundled, 400, 7).expect("demo");
    // Written in bulk, then put on the disk: commits are durable again and
    // the journal is empty.
    assert_eq!(store.synchronous().expect("pragma"), 2, "FULL");
    let wal = demo.with_extension("db-wal");
    assert_eq!(fs::metadata(&wal).map_or(0, |m| m.len()), 0, "{wal:?}");
    let all = ["housing", "water", "roads", "schooling", "health"];
    assert_eq!(coverage(&store, &all), coverage_by_sql(&demo, &all));
    assert_eq!(
        coverage(&store, &["roads"]),
        coverage_by_sql(&demo, &["roads"])
    );
    // Read from the counted rows and indexes alone: with every row page of
    // the interviews and the registry overwritten, the counts are the same.
    let before = coverage(&store, &all);
    drop(store);
    damage_leaf_pages(&demo, &["interview", "household"], None);
    let store = Store::open(&demo).expect("open");
    assert_eq!(coverage(&store, &all), before);
}

#[test]
fn completing_checks_every_answer_again_and_refuses_with_the_list() {
    let (_dir, _path, store) = fresh();
    // Schooling as it was before rosters: counts whose constraints read
    // each other.
    let schooling = load(include_str!("old/schooling-2026.1.toml"))
        .survey
        .expect("schooling 2026.1 loads");
    let id = store
        .open_interview("H1", &schooling, "王芳")
        .expect("interview")
        .id;
    for (q, a) in [
        ("children_6_15", "3"),
        ("not_attending", "2"),
        ("dropout_reasons", "cost"),
        ("school_minutes", "30"),
        ("boarders", "0"),
        ("route_hazards", "none"),
        ("urgency", "low"),
        // Each answer was accepted when given; this one makes the
        // number out of school larger than the children.
        ("children_6_15", "1"),
    ] {
        store.save_answer(id, q, Some(a), "王芳").expect("saved");
    }
    match store.complete(id, "王芳") {
        Err(e @ StoreError::Incomplete { .. }) => {
            let StoreError::Incomplete { failures } = &e else {
                unreachable!()
            };
            let names: Vec<&str> = failures.iter().map(|f| f.question()).collect();
            assert_eq!(names, ["not_attending"]);
            let message = e.message();
            assert!(
                message
                    .en
                    .contains("Cannot be more than the children aged 6 to 15"),
                "{}",
                message.en
            );
            assert!(message.zh.contains("不能超过 6 到 15 岁孩子的人数"));
        }
        other => panic!("completing an invalid interview: {other:?}"),
    }
    let stored = store.interview(id).expect("read");
    assert_eq!(stored.status, Status::Draft, "nothing was completed");
    assert!(
        store
            .audit(id)
            .expect("audit")
            .iter()
            .all(|e| e.field != "@status"),
        "no status change was written"
    );
    // Written in bulk (as the demo writes), the same answers are refused.
    let made = Made {
        uuid: uuid::Uuid::now_v7(),
        household: "H1".into(),
        snapshot: stored.snapshot,
        interviewer: "王芳".into(),
        started_at: 1,
        updated_at: 2,
    };
    match NewInterview::complete(
        made,
        &schooling,
        &stored.facts(),
        (stored.answers.clone(), Known::default()),
    ) {
        Err(StoreError::Incomplete { failures }) => {
            assert_eq!(failures.len(), 1);
            assert_eq!(failures[0].question(), "not_attending");
        }
        other => panic!("a failing interview written in bulk: {other:?}"),
    }
    // Fixed, it completes.
    store
        .save_answer(id, "not_attending", Some("1"), "王芳")
        .expect("saved");
    store.complete(id, "王芳").expect("complete");
}

#[test]
fn editing_a_household_writes_only_the_fields_changed_and_reports_conflicts() {
    use minqing::store::household::{Conflict, Edit, Field};
    let (_dir, path, store) = fresh();
    let base = store.household("H1").expect("read").expect("exists");
    // Another program changes members and the phone.
    let other = Store::open(&path).expect("second program");
    let mut theirs = base.clone();
    theirs.members = 6;
    theirs.phone = "13800000000".into();
    other.upsert_households(&[theirs.clone()]).expect("changed");
    // This one changes the notes only.
    let mut mine = base.clone();
    mine.notes = "新修了水窖".into();
    let saved = store.edit_household(&base, &mine).expect("edit");
    let now = store.household("H1").expect("read").expect("exists");
    assert_eq!(saved, Edit::Saved(now.clone()));
    assert_eq!(
        (now.members, now.phone.as_str(), now.notes.as_str()),
        (6, "13800000000", "新修了水窖")
    );
    // A field changed on both sides: nothing is written.
    let mut mine = base.clone();
    mine.phone = "13900000000".into();
    mine.head = "李华".into();
    match store.edit_household(&base, &mine).expect("edit") {
        Edit::Conflicts { current, conflicts } => {
            assert_eq!(current, now);
            assert_eq!(
                conflicts,
                [Conflict {
                    field: Field::Phone,
                    mine: "13900000000".into(),
                    theirs: "13800000000".into()
                }]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.household("H1").expect("read"), Some(now));
}

#[test]
fn upgrading_stamps_earlier_changes_with_their_time_and_keeps_the_audit_trail_append_only() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("old.db");
    Store::create_at_version(&path, 5).expect("old schema");
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(
        "INSERT INTO meta (key, value) VALUES ('device', 'dev-a') ON CONFLICT (key) DO UPDATE SET value = 'dev-a';
         INSERT INTO household (id, code, township, village, head, members, updated_at)
             VALUES (1, 'H1', '勐烈镇', '曼贺村', '李明', 4, 1000);
         INSERT INTO snapshot (id, survey, version, hash, source, created_at)
             VALUES (1, 'water', '1', 'h', '', 0);
         INSERT INTO interview (id, uuid, household_id, snapshot_id, interviewer, device, status,
                                started_at, updated_at, completed_at, answers, hits)
             VALUES (1, x'01', 1, 1, '王', 'dev-a', 'draft', 0, 2000, NULL, '{}', '');
         INSERT INTO audit (interview, field, old, new, at, interviewer, device)
             VALUES (x'01', 'main_source', NULL, 'surface', 2000, '王', 'dev-a');",
    )
    .expect("old data");
    drop(conn);
    drop(Store::open(&path).expect("migrates"));
    let conn = rusqlite::Connection::open(&path).expect("open");
    let read = |sql: &str| -> (i64, String) {
        conn.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect(sql)
    };
    assert_eq!(
        read("SELECT stamp, device FROM household WHERE code = 'H1'"),
        (1000 << 16, "dev-a".to_string())
    );
    assert_eq!(
        read("SELECT stamp, device FROM audit"),
        (2000 << 16, "dev-a".to_string())
    );
    assert_eq!(
        read("SELECT stamp, interviewer FROM interview"),
        (2000 << 16, "王".to_string())
    );
    assert!(
        conn.execute("UPDATE audit SET new = 'x'", []).is_err(),
        "still append-only"
    );
}

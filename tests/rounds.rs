//! Rounds of fieldwork: one open at a time, one interview per
//! questionnaire per household per round, priorities of a round, a file
//! from before rounds upgraded, and rounds merged between laptops.

mod common;
#[path = "common/fixtures.rs"]
mod fixtures;
#[path = "common/water.rs"]
mod water;

use std::path::Path;

use common::minqing;
use fixtures::{household, water};
use minqing::priority::By;
use minqing::store::{FIRST_ROUND, Store, StoreError};
use predicates::prelude::*;
use tempfile::TempDir;
use water::complete_water;

/// The households with surface water in the ranking of `round`.
fn surface(store: &Store, round: Option<&str>) -> Vec<String> {
    let round = store.round_or_ranked(round).expect("round");
    let (input, projects) = store
        .priorities_counted(round.as_ref(), (false, By::Village), &Default::default())
        .expect("priorities");
    // The ranking from the counts kept per village says as many.
    let (kept_input, kept) = store
        .priorities(round.as_ref(), false, By::Village)
        .expect("priorities");
    let affected: i64 = kept
        .iter()
        .filter(|p| kept_input.rules[p.rule].name == "surface_water")
        .map(|p| p.affected)
        .sum();
    let mut codes: Vec<String> = projects
        .iter()
        .filter(|p| input.rules[p.rule].name == "surface_water")
        .flat_map(|p| {
            p.households
                .iter()
                .map(|&h| input.households[h].code.to_string())
        })
        .collect();
    codes.sort();
    assert_eq!(affected, codes.len() as i64);
    codes
}

fn county(path: &Path) -> Store {
    let store = Store::open(path).expect("open");
    store
        .upsert_households(&[household("H1"), household("H2"), household("H3")])
        .expect("households");
    store
}

#[test]
fn one_round_is_open_at_a_time_and_each_round_has_its_own_interviews() {
    let dir = TempDir::new().expect("temp dir");
    let store = county(&dir.path().join("m.db"));
    assert_eq!(store.current_round().expect("read"), None);
    // A database that never opened a round begins in the first round.
    let first = complete_water(&store, "H1", true, "王");
    let rounds = store.rounds().expect("rounds");
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0].name, FIRST_ROUND);
    assert!(rounds[0].is_open());
    // Opening another while it is open is refused, naming it.
    match store.open_round("2027-spring", Some("2027-03-01")) {
        Err(e @ StoreError::RoundOpen(_)) => assert!(e.message().zh.contains(FIRST_ROUND)),
        other => panic!("{other:?}"),
    }
    store.close_round().expect("close");
    assert!(matches!(store.close_round(), Err(StoreError::NoOpenRound)));
    // Closed: nothing new begins.
    assert!(matches!(
        store.open_interview("H2", &water(), "王"),
        Err(StoreError::RoundClosed(_))
    ));
    assert!(matches!(
        store.open_round(FIRST_ROUND, None),
        Err(StoreError::RoundExists(_))
    ));
    assert!(matches!(
        store.open_round("  ", None),
        Err(StoreError::BadRoundName(_))
    ));
    assert!(matches!(
        store.open_round("x", Some("2027-02-30")),
        Err(StoreError::BadDate(_))
    ));
    // Rounds run in order: none begins before the last did.
    assert!(matches!(
        store.open_round("x", Some("2000-01-01")),
        Err(StoreError::RoundBefore { .. })
    ));
    let spring = store
        .open_round("2027-spring", Some("2099/3/1"))
        .expect("open");
    assert_eq!(spring.starts, "2099-03-01");
    // The household is interviewed again in the new round: a new
    // interview, the first one kept in its round.
    let opened = store.open_interview("H1", &water(), "王").expect("open");
    assert_ne!(opened.id, first);
    assert!(opened.answers.is_empty());
    // The first round is still ranked until the new one has a complete
    // interview.
    assert_eq!(surface(&store, None), ["H1"]);
    complete_water(&store, "H1", false, "王");
    complete_water(&store, "H2", true, "王");
    assert_eq!(surface(&store, None), ["H2"]);
    assert_eq!(surface(&store, Some(FIRST_ROUND)), ["H1"]);
    assert_eq!(surface(&store, Some("2027-spring")), ["H2"]);
    match store.round_named("2026") {
        Err(e @ StoreError::UnknownRound { .. }) => {
            assert!(
                e.message().en.contains("首轮, 2027-spring"),
                "{}",
                e.message().en
            )
        }
        other => panic!("{other:?}"),
    }
    // Not a duplicate: one interview per round.
    assert!(store.duplicates().expect("read").is_empty());
    let counts = store.rounds_with_counts().expect("counts");
    assert_eq!(
        counts
            .iter()
            .map(|(r, c)| (r.name.as_str(), c.households, c.complete, c.drafts))
            .collect::<Vec<_>>(),
        [(FIRST_ROUND, 1, 1, 0), ("2027-spring", 2, 2, 0)]
    );
    assert!(store.doctor().expect("doctor").is_clean());
}

#[test]
fn a_draft_of_a_closed_round_can_still_be_finished() {
    let dir = TempDir::new().expect("temp dir");
    let store = county(&dir.path().join("m.db"));
    let id = store
        .open_interview("H1", &water(), "王")
        .expect("interview")
        .id;
    store.close_round().expect("close");
    assert_eq!(
        store
            .open_interview("H1", &water(), "王")
            .expect("the draft")
            .id,
        id
    );
    store
        .save_answer(id, "main_source", Some("surface"), "王")
        .expect("saved in a closed round");
}

#[test]
fn a_file_from_before_rounds_puts_its_interviews_in_the_first_round() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("old.db");
    Store::create_at_version(&path, 7).expect("old schema");
    let conn = rusqlite::Connection::open(&path).expect("open");
    let source = minqing::survey::bundled::BUNDLED[1].1;
    conn.execute(
        "INSERT INTO snapshot (id, survey, version, hash, source, created_at)
         VALUES (1, 'water', ?1, ?2, ?3, 0)",
        rusqlite::params![
            water().version,
            minqing::store::content_hash(source),
            source
        ],
    )
    .expect("the questionnaire");
    conn.execute_batch(
        "INSERT INTO household (id, code, township, village, head, members, updated_at)
             VALUES (1, 'H1', '勐烈镇', '曼贺村', '李明', 4, 1000),
                    (2, 'H2', '勐烈镇', '曼贺村', '王强', 3, 1000);
         INSERT INTO interview (id, uuid, household_id, snapshot_id, interviewer, device, status,
                                started_at, updated_at, completed_at, answers, hits)
             VALUES (1, x'01', 1, 1, '王', 'd', 'complete', 1790000000000, 1790000000000,
                     1790000000000, '{}', 'surface_water:5'),
                    (2, x'02', 2, 1, '王', 'd', 'draft', 1790000000000, 1790000000000,
                     NULL, '{}', '');",
    )
    .expect("old data");
    drop(conn);
    let store = Store::open(&path).expect("upgrades");
    // The usual copy was made first.
    let copies = std::fs::read_dir(dir.path())
        .expect("list")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("old.db.v7-"))
        })
        .count();
    assert_eq!(copies, 1, "a copy of the file before the upgrade");
    let rounds = store.rounds().expect("rounds");
    assert_eq!(rounds.len(), 1);
    assert_eq!(
        (rounds[0].name.as_str(), rounds[0].starts.as_str()),
        (FIRST_ROUND, "2026-09-21")
    );
    assert!(rounds[0].is_open());
    let conn = rusqlite::Connection::open(&path).expect("open");
    let in_first: i64 = conn
        .query_row(
            "SELECT count(*) FROM interview WHERE round_id = ?1",
            [rounds[0].id],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(in_first, 2);
    let counted: (i64, i64) = conn
        .query_row("SELECT round_id, household_id FROM counted", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("counted");
    assert_eq!(counted, (rounds[0].id, 1));
    // The draft goes on in the first round.
    assert_eq!(
        store
            .find_interview("H2", &water())
            .expect("read")
            .map(|i| i.id),
        Some(2)
    );
}

#[test]
fn rounds_merge_by_name_and_a_closed_round_stays_closed() {
    let dir = TempDir::new().expect("temp dir");
    let (a_path, b_path) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let a = county(&a_path);
    complete_water(&a, "H1", true, "王");
    a.backup_to(&b_path).expect("copy");
    let b = Store::open(&b_path).expect("open b");
    // The county closes the first round and opens the next; the field
    // laptop goes on in the first round, then meets the next one when
    // both open it by the same name.
    a.close_round().expect("close");
    a.open_round("2027-spring", Some("2099-03-01"))
        .expect("open");
    complete_water(&a, "H2", true, "王");
    complete_water(&b, "H3", true, "王");
    let report = a.merge(&b_path).expect("merge");
    assert_eq!(report.rounds_added, 0);
    assert!(report.rounds_closed.is_empty());
    assert_eq!(surface(&a, Some(FIRST_ROUND)), ["H1", "H3"]);
    assert_eq!(surface(&a, Some("2027-spring")), ["H2"]);
    let report = b.merge(&a_path).expect("merge back");
    assert_eq!(report.rounds_added, 1);
    let names: Vec<(String, bool)> = b
        .rounds()
        .expect("rounds")
        .into_iter()
        .map(|r| (r.name.clone(), r.is_open()))
        .collect();
    assert_eq!(
        names,
        [
            (FIRST_ROUND.to_string(), false),
            ("2027-spring".to_string(), true)
        ]
    );
    assert_eq!(surface(&b, Some("2027-spring")), ["H2"]);
    // Twice changes nothing.
    let again = a.merge(&b_path).expect("again");
    assert_eq!(
        (
            again.interviews_added,
            again.interviews_updated,
            again.rounds_added
        ),
        (0, 0, 0)
    );
}

#[test]
fn two_laptops_with_other_rounds_open_keep_the_later_one_open() {
    let dir = TempDir::new().expect("temp dir");
    let (a_path, b_path) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let a = county(&a_path);
    a.open_round("2027-spring", Some("2027-03-01"))
        .expect("open");
    let b = county(&b_path);
    b.open_round("2026-autumn", Some("2026-09-01"))
        .expect("open");
    complete_water(&b, "H1", true, "王");
    let report = a.merge(&b_path).expect("merge");
    assert_eq!(report.rounds_closed, ["2026-autumn"]);
    let open: Vec<String> = a
        .rounds()
        .expect("rounds")
        .into_iter()
        .filter(|r| r.is_open())
        .map(|r| r.name)
        .collect();
    assert_eq!(open, ["2027-spring"]);
    assert_eq!(surface(&a, Some("2026-autumn")), ["H1"]);
    // The other way the same: autumn, closed in a's file, stays closed.
    b.merge(&a_path).expect("merge");
    assert_eq!(
        b.current_round()
            .expect("read")
            .map(|r| (r.name.clone(), r.is_open())),
        Some(("2027-spring".to_string(), true))
    );
}

#[test]
fn a_round_opened_by_name_stays_open_over_a_laptops_own_first_round() {
    let dir = TempDir::new().expect("temp dir");
    let (a_path, b_path) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let a = county(&a_path);
    a.open_round("2026-秋季", Some("2026-09-01")).expect("open");
    complete_water(&a, "H1", true, "王");
    // A laptop that never had the county's round began its own first
    // round, later in the year.
    let b = county(&b_path);
    complete_water(&b, "H2", true, "王");
    drop(b);
    let report = a.merge(&b_path).expect("merge");
    assert_eq!(report.rounds_closed, [FIRST_ROUND]);
    assert_eq!(
        a.current_round().expect("read").map(|r| r.name),
        Some("2026-秋季".to_string())
    );
    assert_eq!(surface(&a, Some(FIRST_ROUND)), ["H2"]);
}

#[test]
fn the_round_commands_and_round_option_speak_both_languages() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let store = county(&db);
    complete_water(&store, "H1", true, "王");
    drop(store);
    minqing(&db)
        .args(["round", "open", "2027-spring", "--lang", "zh"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("minqing round close"));
    minqing(&db)
        .args(["round", "close", "--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::contains("round '首轮' is closed"));
    minqing(&db)
        .args(["round", "open", "2027-spring", "--from", "2099-03-01"])
        .args(["--lang", "zh"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "已开始轮次“2027-spring”(从 2099-03-01 起)",
        ));
    minqing(&db)
        .args(["round", "list", "--lang", "zh"])
        .assert()
        .success()
        .stdout(predicate::str::contains("首轮"))
        .stdout(predicate::str::contains("已结束"))
        .stdout(predicate::str::contains("进行中"));
    // The first round is ranked by default (the new one has nothing yet);
    // a round that does not exist is named with those that do.
    minqing(&db)
        .args(["priorities", "--lang", "en"])
        .assert()
        .success()
        .stderr(predicate::str::contains("round: 首轮"));
    minqing(&db)
        .args(["priorities", "--round", "2027-spring", "--lang", "en"])
        .assert()
        .success()
        .stderr(predicate::str::contains("0 project(s)"));
    minqing(&db)
        .args(["explain", "曼贺村", "surface_water", "--round", "2026"])
        .args(["--lang", "en"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "there is no round '2026'; the rounds are: 首轮, 2027-spring",
        ));
    let out = dir.path().join("responses.csv");
    minqing(&db)
        .args(["export", "responses", "--round", FIRST_ROUND, "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.lines().next().is_some_and(|h| h.contains(",round,")));
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains(",首轮,"));
    minqing(&db)
        .args([
            "export",
            "responses",
            "--round",
            "2027-spring",
            "--force",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&out).expect("read").lines().count(),
        1
    );
}

#[test]
fn the_trend_between_two_rounds_never_counts_a_household_not_resurveyed_as_resolved() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let store = county(&db);
    store
        .upsert_households(&[household("H4")])
        .expect("households");
    store
        .open_round("2026-autumn", Some("2026-09-01"))
        .expect("open");
    for (code, surface) in [("H1", true), ("H2", true), ("H3", false), ("H4", true)] {
        complete_water(&store, code, surface, "王");
    }
    store.close_round().expect("close");
    store
        .open_round("2027-spring", Some("2027-03-01"))
        .expect("open");
    // H1 has a tap now, H2 still fetches surface water, H3 lost its tap,
    // and H4 was not visited again.
    for (code, surface) in [("H1", false), ("H2", true), ("H3", true)] {
        complete_water(&store, code, surface, "王");
    }
    let spring = store.round_named("2027-spring").expect("round");
    let autumn = store.round_before(&spring).expect("read").expect("before");
    assert_eq!(autumn.name, "2026-autumn");
    let input = store.trend_input(&autumn, &spring).expect("trend");
    let rows = minqing::priority::trend::trend(
        &input.households,
        &input.rules,
        &input.rounds,
        By::Village,
    );
    let surface_water = rows
        .iter()
        .find(|r| input.rules[r.rule].name == "surface_water")
        .expect("a row for surface water");
    assert_eq!((surface_water.then, surface_water.now), (3, 2));
    assert_eq!(
        (
            surface_water.resolved,
            surface_water.persisting,
            surface_water.new,
            surface_water.not_resurveyed
        ),
        (1, 1, 1, 1)
    );
    drop(store);
    minqing(&db)
        .args(["trend", "--category", "water", "--lang", "zh"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "从轮次“2026-autumn”到“2027-spring”",
        ))
        .stdout(predicate::str::contains("未复查"))
        .stdout(predicate::str::contains("曼贺村"));
    let out = dir.path().join("trend.csv");
    minqing(&db)
        .args([
            "export",
            "trend",
            "--from",
            "2026-autumn",
            "--to",
            "2027-spring",
        ])
        .args(["--plain", "--lang", "en", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(
        text.starts_with("township,village,category,project,rule,affected then,affected now"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("water.surface_water") && l.ends_with(",3,2,-1,1,1,1,1")),
        "{text}"
    );
    // One round only: nothing to compare, said so.
    let lone = dir.path().join("lone.db");
    let store = county(&lone);
    complete_water(&store, "H1", true, "王");
    drop(store);
    minqing(&lone)
        .args(["trend", "--lang", "en"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("there is only one round"));
}

#[test]
fn responses_come_by_survey_household_code_and_round_whatever_order_they_were_written_in() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let store = Store::open(&db).expect("open");
    // Row ids not in code order: the walk goes by code all the same.
    store
        .upsert_households(&[household("H3"), household("H1"), household("H2")])
        .expect("households");
    let housing = minqing::survey::load(minqing::survey::bundled::BUNDLED[0].1)
        .survey
        .expect("housing loads");
    complete_water(&store, "H2", true, "王");
    complete_water(&store, "H3", false, "王");
    store.open_interview("H1", &housing, "王").expect("draft");
    store.close_round().expect("close");
    store
        .open_round("2027-spring", Some("2027-03-01"))
        .expect("open");
    complete_water(&store, "H3", true, "王");
    complete_water(&store, "H1", true, "王");
    drop(store);
    // Each round's responses, by survey then household code.
    let order = |round: &str| {
        let out = dir.path().join(format!("{round}.csv"));
        minqing(&db)
            .args(["export", "responses", "--plain", "--round", round, "--out"])
            .arg(&out)
            .assert()
            .success();
        let mut reader = csv::Reader::from_path(&out).expect("a CSV file");
        let header = reader.headers().expect("header").clone();
        let at = |name: &str| header.iter().position(|h| h == name).expect(name);
        let (survey, code) = (at("survey"), at("code"));
        reader
            .records()
            .map(|r| {
                let r = r.expect("a row");
                format!("{} {}", &r[survey], &r[code])
            })
            .collect::<Vec<_>>()
    };
    let housing = format!("{} H1", housing.id);
    assert_eq!(
        order(FIRST_ROUND),
        [housing.as_str(), "water H2", "water H3"]
    );
    assert_eq!(order("2027-spring"), ["water H1", "water H3"]);
}

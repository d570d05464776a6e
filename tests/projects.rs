//! Project follow-up: statuses with who, when and why, kept as history and
//! merged with conflicts listed; a done project verified by the next
//! round, and flagged when its households still show the need.

mod common;
#[path = "common/water.rs"]
mod water;

use std::path::Path;

use common::minqing;
use minqing::store::Store;
use minqing::store::project::{NewChange, ProjectKey, Status};
use predicates::prelude::*;
use tempfile::TempDir;
use water::complete_water;

const REGISTRY: &str = "户编码,乡镇,村,户主,人口\n\
H1,勐烈镇,曼贺村,李明,4\n\
H2,勐烈镇,曼贺村,白玉兰,3\n\
H3,勐烈镇,曼贺村,岩温,5\n\
H4,勐烈镇,曼贺村,刀岩,2\n";

/// Two rounds: surface water for H1, H2, H3 in autumn; in spring H1 has
/// a tap, H2 still fetches surface water, H3 was not visited again.
fn county(dir: &Path) -> std::path::PathBuf {
    let db = common::imported_county(dir, REGISTRY);
    let store = Store::open(&db).expect("open");
    store
        .open_round("2026-autumn", Some("2026-09-01"))
        .expect("open");
    for (code, surface) in [("H1", true), ("H2", true), ("H3", true), ("H4", false)] {
        complete_water(&store, code, surface, "王");
    }
    store.close_round().expect("close");
    db
}

fn spring(db: &Path) {
    let store = Store::open(db).expect("open");
    store
        .open_round("2027-spring", Some("2027-03-01"))
        .expect("open");
    for (code, surface) in [("H1", false), ("H2", true), ("H4", false)] {
        complete_water(&store, code, surface, "王");
    }
}

#[test]
fn a_project_goes_from_approved_to_done_and_the_next_round_checks_it() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(dir.path());
    for args in [
        vec!["approved", "--note", "联席会议通过"],
        vec!["funded", "--amount", "300000", "--source", "衔接资金"],
        vec!["done", "--date", "2027/1/15"],
    ] {
        minqing(&db)
            .args(["project", "set", "曼贺村", "surface_water"])
            .args(&args)
            .args(["--who", "水务局 李工", "--lang", "zh"])
            .assert()
            .success()
            .stdout(predicate::str::contains("曼贺村"));
    }
    minqing(&db)
        .args(["project", "history", "曼贺村", "water.surface_water"])
        .args(["--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::contains("联席会议通过"))
        .stdout(predicate::str::contains("300000"))
        .stdout(predicate::str::contains("2027-01-15"));
    // Before the next round: done, not checked yet.
    minqing(&db)
        .args(["project", "list", "--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::contains("done"))
        .stdout(predicate::str::contains("need persists").not());
    spring(&db);
    minqing(&db)
        .args(["project", "list", "--status", "done", "--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2027-spring"))
        .stdout(predicate::str::contains("done, need persists"))
        .stderr(predicate::str::contains(
            "1 project(s); 1 done but still found",
        ));
    let out = dir.path().join("projects.csv");
    minqing(&db)
        .args(["export", "projects", "--lang", "en", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).expect("read");
    // The project's households: H1, H2, H3 (12 people); one resolved,
    // one persisting, H3 not asked again.
    assert!(
        text.contains(
            "2026-autumn,勐烈镇,曼贺村,Piped water or a protected source for surface-water users,water.surface_water,done,300000,衔接资金,2027-01-15,3,12,2027-spring,1,1,\"done, need persists\""
        ) || text.contains(",water.surface_water,done,300000,衔接资金,2027-01-15,3,12,2027-spring,1,1,"),
        "{text}"
    );
    minqing(&db)
        .args(["summary", "--lang", "en"])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(r"2026-autumn +done +1 +300000 +3 +12 +1").expect("regex"),
        );
    // The ranking of spring flags the village's project.
    minqing(&db)
        .args(["priorities", "--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::contains("done, need persists"));
}

#[test]
fn statuses_merge_with_their_history_and_conflicts_are_listed() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(dir.path());
    let a = Store::open(&db).expect("open");
    let key = ProjectKey {
        round: "2026-autumn".into(),
        township: "勐烈镇".into(),
        village: "曼贺村".into(),
        survey: "water".into(),
        rule: "surface_water".into(),
    };
    let set = |store: &Store, status: Status, who: &str| {
        store
            .set_project(
                &key,
                &NewChange {
                    status: Some(status),
                    ..NewChange::default()
                },
                who,
            )
            .expect("set")
    };
    set(&a, Status::Approved, "县里");
    let b_path = dir.path().join("b.db");
    a.backup_to(&b_path).expect("copy");
    let b = Store::open(&b_path).expect("open b");
    // Each side changes it without seeing the other.
    set(&a, Status::Dropped, "县里");
    std::thread::sleep(std::time::Duration::from_millis(3));
    let later = set(&b, Status::Funded, "乡里");
    drop(b);
    let report = a.merge(&b_path).expect("merge");
    assert_eq!(report.project_changes_added, 1);
    assert_eq!(report.project_conflicts.len(), 1);
    assert_eq!(
        (
            report.project_conflicts[0].kept,
            report.project_conflicts[0].dropped
        ),
        (Status::Funded, Status::Dropped)
    );
    let history = a.project_history(&key).expect("history");
    assert_eq!(history.len(), 3, "every change kept");
    assert_eq!(history.last().map(|c| c.status), Some(later.status));
    let again = a.merge(&b_path).expect("again");
    assert_eq!(again.project_changes_added, 0);
    assert!(again.project_conflicts.is_empty());
    // The other way: b learns a's change; a had settled the conflict
    // having seen b's, so b has nothing left to list.
    let b = Store::open(&b_path).expect("open b");
    let back = b.merge(&db).expect("back");
    assert_eq!(back.project_changes_added, 1);
    assert!(back.project_conflicts.is_empty());
    assert_eq!(
        b.project_history(&key)
            .expect("history")
            .last()
            .map(|c| c.status),
        Some(Status::Funded)
    );
    // Refused input says what to do.
    assert!(
        a.set_project(
            &key,
            &NewChange {
                amount: Some(-1.0),
                ..NewChange::default()
            },
            "x"
        )
        .is_err()
    );
    minqing(&db)
        .args([
            "project",
            "set",
            "曼贺",
            "surface_water",
            "done",
            "--who",
            "x",
        ])
        .args(["--lang", "en"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no village '曼贺' in the registry",
        ));
    minqing(&db)
        .args([
            "project",
            "set",
            "曼贺村",
            "no_such_rule",
            "done",
            "--who",
            "x",
        ])
        .args(["--lang", "en"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "there is no need rule no_such_rule",
        ));
}

#[test]
fn the_demo_over_two_rounds_gives_every_command_something_real() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("demo.db");
    minqing(&db)
        .args(["demo", "--households", "1200", "--rounds", "2"])
        .assert()
        .success();
    minqing(&db)
        .args(["round", "list"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"2025年度 +2025-03-01 +closed").expect("regex"))
        .stdout(predicate::str::is_match(r"2026年度 +2026-03-01 +open").expect("regex"));
    let out = dir.path().join("trend.csv");
    minqing(&db)
        .args(["export", "trend", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).expect("read");
    let sums = text.lines().skip(1).fold([0i64; 4], |mut sums, line| {
        let cells: Vec<&str> = line.rsplitn(5, ',').collect();
        for (i, cell) in cells.iter().take(4).enumerate() {
            sums[3 - i] += cell.parse::<i64>().unwrap_or(0);
        }
        sums
    });
    assert!(
        sums.iter().all(|&n| n > 0),
        "resolved, persisting, new and not resurveyed all happen: {sums:?}"
    );
    minqing(&db)
        .args(["project", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("done"))
        .stdout(predicate::str::contains("funded"))
        .stdout(predicate::str::contains("dropped"));
    minqing(&db)
        .arg("summary")
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"2025年度 +done +25 ").expect("regex"));
    minqing(&db)
        .args(["coverage", "--by", "township"])
        .assert()
        .success()
        .stdout(predicate::str::contains("total"));
    minqing(&db).arg("doctor").assert().success();
}

//! The real binary in a real terminal: the test opens a pseudo-terminal of
//! 100×30 (`common/pty.rs`), starts `minqing` in it on a temporary database,
//! types keys into it one at a time and reads the screen as a terminal draws
//! it; the process is killed with SIGKILL mid-interview and started again,
//! and the answers must all be there. Nothing but Rust is needed.

#[path = "common/damage.rs"]
mod damage;
#[path = "common/pty.rs"]
mod pty;

use std::process::Command;
use std::time::Duration;

use damage::damage_leaf_pages;
use minqing::store::Store;
use minqing::store::household::Household;
use minqing::store::interview::Status;
use minqing::survey::bundled::BUNDLED;
use minqing::survey::load;
use pty::Pty;
use tempfile::TempDir;

/// The terminal's columns and rows.
const SIZE: (u16, u16) = (100, 30);

#[test]
fn an_interview_typed_in_a_real_terminal_survives_a_kill() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("field.db");
    {
        let store = Store::open(&db).expect("open");
        store
            .upsert_households(&[Household {
                code: "530001".into(),
                township: "勐烈镇".into(),
                village: "曼贺村".into(),
                head: "李明".into(),
                members: 4,
                ..Household::default()
            }])
            .expect("household");
    }

    let app = Pty::start(&db, SIZE, &[]);
    app.wait_for("Interviewer's name");
    app.keys(&["Wang Fang", "Enter"]);
    app.wait_for("曼贺村");
    app.keys(&["Enter"]);
    app.wait_for("530001");
    app.keys(&["2"]);
    app.wait_for("Main drinking-water source");
    app.keys(&["6"]);
    app.wait_for("Minutes for one round trip");
    app.keys(&["4", "5", "Enter"]);
    app.wait_for("How many metres higher");
    app.keys(&["Enter"]);
    app.wait_for("In the past year, on how many days");
    app.keys(&["6", "0", "Enter"]);
    let screen = app.wait_for("What problems does the drinking water have");
    assert!(screen.contains("saved"), "{screen}");
    // Typed but not confirmed: the keystroke in flight.
    app.keys(&["1"]);
    app.kill_process();
    drop(app);

    let store = Store::open(&db).expect("reopens after the kill");
    store.integrity_check().expect("sound");
    let water = load(BUNDLED[1].1).survey.expect("water");
    let interview = store
        .open_interview("530001", &water, "Wang Fang")
        .expect("interview");
    assert_eq!(
        interview.answers.get("main_source").map(String::as_str),
        Some("surface")
    );
    assert_eq!(
        interview.answers.get("fetch_minutes").map(String::as_str),
        Some("45")
    );
    assert_eq!(
        interview.answers.get("shortage_days").map(String::as_str),
        Some("60")
    );
    assert!(!interview.answers.contains_key("quality_problems"));
    drop(store);

    let app = Pty::start(&db, SIZE, &[]);
    app.wait_for("曼贺村");
    app.keys(&["Enter"]);
    app.wait_for("530001");
    app.keys(&["2"]);
    let screen = app.wait_for("What problems does the drinking water have");
    assert!(
        screen.contains("5 of 9"),
        "resumed where it stopped:\n{screen}"
    );
    app.keys(&["1", "Enter", "3", "2", "4", "Enter"]);
    let screen = app.wait_for("Review");
    assert!(screen.contains("River, pond or canal"), "{screen}");
    app.keys(&["c"]);
    app.wait_for("interview complete");
    app.keys(&["q"]);
    std::thread::sleep(Duration::from_millis(300));
    drop(app);

    let store = Store::open(&db).expect("open");
    let interview = store
        .open_interview("530001", &water, "Wang Fang")
        .expect("interview");
    assert_eq!(interview.status, Status::Complete);
    assert_eq!(
        store.hits(interview.id).expect("hits"),
        "surface_water:4 water_far:3 water_shortage:3 water_quality:3 no_toilet:3"
    );
    assert_eq!(
        store.interviewer().expect("name").as_deref(),
        Some("Wang Fang")
    );
}

#[test]
fn damaged_pages_are_said_in_the_app_which_keeps_running_and_changes_nothing() {
    // The village list reads neither the registry's rows nor the
    // interviews; the households of a village, with the state of each
    // survey, read both.
    for table in ["household", "interview"] {
        damaged_table_in_the_app(table);
    }
}

/// Every leaf page of `table` overwritten with noise, their page headers
/// kept; the app opened on it, and a village opened.
fn damaged_table_in_the_app(table: &str) {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("damaged.db");
    let status = Command::new(env!("CARGO_BIN_EXE_minqing"))
        .args(["--lang", "en", "--db"])
        .arg(&db)
        .args(["demo", "--households", "120"])
        .output()
        .expect("demo");
    assert!(status.status.success());
    let (pages, bytes) = damage_leaf_pages(&db, &[table], None);

    let app = Pty::start(&db, SIZE, &[]);
    app.wait_for("Interviewer's name");
    app.keys(&["Wang Fang", "Enter"]);
    app.wait_for("Township");
    app.keys(&["Enter"]);
    let screen = app.wait_for("is damaged");
    assert!(!screen.contains("program error"), "{table}: {screen}");
    // Still running: the list answers keys, and quits cleanly.
    app.keys(&["Escape"]);
    app.wait_for("Township");
    app.keys(&["q"]);
    app.wait_for_exit();
    drop(app);
    // Whatever the app wrote is in the file itself once it has ended
    // (the journal beside it is folded in and removed).
    assert!(
        !dir.path().join("damaged.db-wal").exists(),
        "{table}: the app closed the file"
    );
    let after = std::fs::read(&db).expect("read");
    // The interviewer's name is the one thing written (into the settings);
    // the damaged pages are as they were.
    for &page in &pages {
        let at = (page as usize - 1) * 4096..page as usize * 4096;
        assert!(
            after[at.clone()] == bytes[at],
            "{table}: page {page} changed"
        );
    }
}

#[test]
fn a_questionnaire_saved_as_gbk_is_reported_and_the_app_starts_with_the_others() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("county.db");
    let folder = dir.path().join("surveys");
    std::fs::create_dir(&folder).expect("folder");
    let water = BUNDLED
        .iter()
        .find(|(p, _)| p.ends_with("water.toml"))
        .expect("water")
        .1;
    std::fs::write(folder.join("water.toml"), water).expect("water");
    let health = BUNDLED
        .iter()
        .find(|(p, _)| p.ends_with("health.toml"))
        .expect("health")
        .1;
    let (gbk, _, _) = encoding_rs::GBK.encode(health);
    std::fs::write(folder.join("health.toml"), &gbk).expect("health");
    let app = Pty::start(
        &db,
        SIZE,
        &["--surveys", folder.to_str().expect("UTF-8 path")],
    );
    app.wait_for("Interviewer's name");
    app.keys(&["Wang Fang", "Enter", "Tab", "Tab"]);
    let screen = app.wait_for("looks like GBK");
    assert!(screen.contains("water"), "{screen}");
}

//! Two programs on one database: two writers (two cadres sharing a laptop)
//! open the same households' interviews and save answers for a while, as
//! fast as they can, while the real binary exports, ranks and backs up
//! the same file. No save fails, none is lost, no household gets two
//! interviews, and every read succeeds.
//!
//! A writer is this same test binary, started with `TWO_WRITER_DB` set.

mod common;
#[path = "common/registry.rs"]
mod registry;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::minqing;
use minqing::store::Store;
use minqing::survey::bundled::BUNDLED;
use minqing::survey::load;
use tempfile::TempDir;

const HOUSEHOLDS: usize = 6;
const WRITING: Duration = Duration::from_secs(3);

#[test]
fn writer() {
    let Ok(path) = std::env::var("TWO_WRITER_DB") else {
        return;
    };
    let name = std::env::var("TWO_WRITER_NAME").expect("writer name");
    let store = Store::open(path.as_ref()).expect("writer opens the database");
    let survey = load(BUNDLED[1].1).survey.expect("water");
    let ids: Vec<i64> = (0..HOUSEHOLDS)
        .map(|h| {
            store
                .open_interview(&format!("H{h}"), &survey, &name)
                .expect("interview")
                .id
        })
        .collect();
    let start = Instant::now();
    let mut n = 0usize;
    // For a while, and at least 50 saves however long the other programs
    // keep the file: a loaded machine must not make a writer save nothing.
    while start.elapsed() < WRITING || n < 50 {
        let id = ids[n % ids.len()];
        let value = format!("{name}-{n}");
        store
            .save_answer(id, "remarks", Some(&value), &name)
            .expect("save");
        println!("saved {id} {value}");
        n += 1;
    }
}

fn start_writer(path: &std::path::Path, name: &str) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "writer", "--nocapture", "--test-threads=1"])
        .env("TWO_WRITER_DB", path)
        .env("TWO_WRITER_NAME", name)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a writer")
}

/// The saves a writer reported, as (interview id, value), once it ended.
fn reported(child: Child) -> Vec<(i64, String)> {
    let output = child.wait_with_output().expect("writer ends");
    assert!(
        output.status.success(),
        "a writer failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    BufReader::new(output.stdout.as_slice())
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| {
            let rest = line.strip_prefix("saved ")?.to_string();
            let (id, value) = rest.split_once(' ')?;
            Some((id.parse().ok()?, value.to_string()))
        })
        .collect()
}

#[test]
fn two_writers_and_a_planner_lose_nothing() {
    if std::env::var("TWO_WRITER_DB").is_ok() {
        return;
    }
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("shared.db");
    registry::small_registry(&path, HOUSEHOLDS);
    let a = start_writer(&path, "A");
    let b = start_writer(&path, "B");
    // Meanwhile a planner reads the same file with the real binary.
    let start = Instant::now();
    let mut reads = 0;
    while start.elapsed() < WRITING || reads < 2 {
        let out = dir.path().join(format!("responses-{reads}.csv"));
        minqing(&path)
            .args(["export", "responses", "--out"])
            .arg(&out)
            .assert()
            .success();
        minqing(&path).arg("priorities").assert().success();
        let copy = dir.path().join(format!("backup-{reads}.db"));
        minqing(&path).arg("backup").arg(&copy).assert().success();
        Store::open(&copy)
            .expect("the backup opens")
            .integrity_check()
            .expect("the backup is sound");
        reads += 1;
    }
    let saves: Vec<(i64, String)> = reported(a).into_iter().chain(reported(b)).collect();
    let by_a = saves.iter().filter(|(_, v)| v.starts_with("A-")).count();
    assert!(
        by_a > 20 && saves.len() - by_a > 20,
        "both wrote: {by_a} and {}",
        saves.len() - by_a
    );

    let store = Store::open(&path).expect("open");
    store.integrity_check().expect("sound");
    // One interview per household: the two writers shared them.
    let ids: Vec<i64> = {
        let mut ids: Vec<i64> = saves.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    assert_eq!(ids.len(), HOUSEHOLDS, "no household has two interviews");
    let mut audited: HashMap<i64, Vec<String>> = HashMap::new();
    for id in &ids {
        let entries = store.audit(*id).expect("audit");
        // Each change stamped after the one before, whichever program made
        // it: never two at the same time.
        let times: Vec<i64> = entries.iter().map(|e| e.at).collect();
        assert!(
            times.windows(2).all(|w| w[0] < w[1]),
            "interview {id}: audit times strictly increase"
        );
        audited.insert(
            *id,
            entries
                .iter()
                .filter(|e| e.field == "remarks")
                .filter_map(|e| e.new.clone())
                .collect(),
        );
        // The answer kept is the one saved last.
        let last = audited[id].last().cloned();
        assert_eq!(
            store
                .interview(*id)
                .expect("interview")
                .answers
                .get("remarks")
                .cloned(),
            last,
            "interview {id}"
        );
    }
    // The audit trail reads in the order the saves were made.
    for (id, values) in &audited {
        let mine = |writer: &str| -> Vec<&String> {
            values.iter().filter(|v| v.starts_with(writer)).collect()
        };
        for writer in ["A-", "B-"] {
            let seen: Vec<usize> = mine(writer)
                .iter()
                .filter_map(|v| v[2..].parse().ok())
                .collect();
            assert!(seen.is_sorted(), "interview {id}: {writer} out of order");
        }
    }
    for (id, value) in &saves {
        assert!(
            audited[id].contains(value),
            "the save {value} of interview {id} is in the audit trail"
        );
    }
    eprintln!(
        "{} saves by two writers, {reads} rounds of export, priorities and backup: none lost",
        saves.len()
    );
}

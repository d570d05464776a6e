//! Crash safety: a child process saves answers in a loop and reports each
//! save once `save_answer` has returned; it is killed with SIGKILL at
//! random moments, and every answer it reported must be in the database,
//! which must pass `PRAGMA integrity_check`.
//!
//! The child is this same test binary, started with `CRASH_CHILD_DB` set.

#[path = "common/registry.rs"]
mod registry;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use minqing::store::Store;
use minqing::survey::bundled::BUNDLED;
use minqing::survey::load;
use tempfile::TempDir;

const HOUSEHOLDS: usize = 5;

#[test]
fn crash_child() {
    let Ok(path) = std::env::var("CRASH_CHILD_DB") else {
        return;
    };
    let round: u64 = std::env::var("CRASH_CHILD_ROUND")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let store = Store::open(path.as_ref()).expect("child opens the database");
    let survey = load(BUNDLED[1].1).survey.expect("water");
    let ids: Vec<i64> = (0..HOUSEHOLDS)
        .map(|h| {
            store
                .open_interview(&format!("H{h}"), &survey, "王")
                .expect("interview")
                .id
        })
        .collect();
    for n in 0u64.. {
        let id = ids[(n as usize) % ids.len()];
        let value = format!("{round}-{n}");
        store
            .save_answer(id, "remarks", Some(&value), "王")
            .expect("save");
        println!("saved {id} {value}");
    }
}

#[test]
fn killing_the_writer_loses_no_reported_answer() {
    if std::env::var("CRASH_CHILD_DB").is_ok() {
        return;
    }
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("crash.db");
    registry::small_registry(&path, HOUSEHOLDS);
    let exe = std::env::current_exe().expect("test binary");
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut total_reported = 0;
    for round in 0..24u64 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_after = 1 + (seed % 400) as usize;
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env("CRASH_CHILD_DB", &path)
            .env("CRASH_CHILD_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the child");
        let stdout = child.stdout.take().expect("stdout");
        let mut last: HashMap<i64, u64> = HashMap::new();
        let mut reported = 0;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let Some(rest) = line.strip_prefix("saved ") else {
                continue;
            };
            let mut parts = rest.split(' ');
            let id: i64 = parts.next().and_then(|p| p.parse().ok()).expect("id");
            let n: u64 = parts
                .next()
                .and_then(|v| v.split('-').nth(1))
                .and_then(|n| n.parse().ok())
                .expect("counter");
            last.insert(id, n);
            reported += 1;
            if reported >= kill_after {
                break;
            }
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        total_reported += reported;

        let store = Store::open(&path).expect("reopens after the kill");
        store.integrity_check().expect("integrity_check is ok");
        for (id, n) in &last {
            let interview = store.interview(*id).expect("interview");
            let stored = interview
                .answers
                .get("remarks")
                .expect("an answer is there");
            let (stored_round, stored_n) = stored.split_once('-').expect("round-n");
            assert_eq!(stored_round, round.to_string(), "interview {id}");
            let stored_n: u64 = stored_n.parse().expect("counter");
            assert!(
                stored_n >= *n,
                "interview {id}: reported {n} saved, found {stored_n}"
            );
            let audited = store
                .audit(*id)
                .expect("audit")
                .iter()
                .any(|e| e.new.as_deref() == Some(format!("{round}-{n}").as_str()));
            assert!(
                audited,
                "the reported save {round}-{n} is in the audit trail"
            );
        }
    }
    assert!(total_reported > 24, "the child really saved answers");
}

//! Reading the other laptop's file: everything a merge takes from it, read
//! at once over a connection that never writes, after the file is known to
//! be a sound Minqing database of this version.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::{ClockProblem, RecordVersion};
use crate::store::household::{COLUMNS, household_at};
use crate::store::{CURRENT_VERSION, Result, Store, StoreError};

pub(super) struct OtherSnapshot {
    pub(super) survey: String,
    pub(super) version: String,
    pub(super) hash: String,
    pub(super) source: String,
    pub(super) created_at: i64,
}

/// A round of the other file.
pub(super) struct OtherRound {
    pub(super) name: String,
    pub(super) starts: String,
    pub(super) opened_at: i64,
    pub(super) closed_at: Option<i64>,
    pub(super) stamp: i64,
    pub(super) device: String,
}

pub(super) struct OtherInterview {
    pub(super) uuid: Vec<u8>,
    /// The name of its round; `None` when the file names none (damage).
    pub(super) round: Option<String>,
    pub(super) household: String,
    pub(super) snapshot_hash: String,
    pub(super) interviewer: String,
    pub(super) device: String,
    pub(super) status: String,
    pub(super) started_at: i64,
    pub(super) updated_at: i64,
    pub(super) completed_at: Option<i64>,
    pub(super) answers: String,
    pub(super) stamp: i64,
}

pub(super) type AuditRow = (
    Vec<u8>,
    String,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
    i64,
);

pub(super) struct Other {
    /// Each household's current record.
    pub(super) households: Vec<RecordVersion>,
    /// The records its history holds, by code.
    pub(super) history: HashMap<String, Vec<RecordVersion>>,
    /// The highest stamp the other file had seen.
    pub(super) clock: i64,
    pub(super) snapshots: Vec<OtherSnapshot>,
    pub(super) rounds: Vec<OtherRound>,
    pub(super) projects: Vec<crate::store::project::ProjectChange>,
    pub(super) interviews: Vec<OtherInterview>,
    pub(super) audit: Vec<AuditRow>,
}

/// A record version from a row: the eleven registry columns, then the
/// time, the stamp and the device.
pub(super) fn version_at(r: &rusqlite::Row<'_>) -> rusqlite::Result<RecordVersion> {
    Ok(RecordVersion {
        household: household_at(r, 0)?,
        at: r.get(11)?,
        stamp: r.get(12)?,
        device: r.get(13)?,
    })
}

impl Other {
    /// The highest stamp anywhere in the file.
    pub(super) fn highest_stamp(&self) -> i64 {
        let records = self
            .households
            .iter()
            .chain(self.history.values().flatten())
            .map(|v| v.stamp);
        let interviews = self.interviews.iter().map(|i| i.stamp);
        let audit = self.audit.iter().map(|a| a.7);
        let rounds = self.rounds.iter().map(|r| r.stamp);
        let projects = self.projects.iter().map(|p| p.stamp);
        records
            .chain(interviews)
            .chain(rounds)
            .chain(projects)
            .chain(audit)
            .fold(self.clock, i64::max)
    }

    /// The laptops whose wall clock was more than a day ahead of `now`
    /// when they made a change in this file.
    pub(super) fn clock_problems(&self, now: i64) -> Vec<ClockProblem> {
        let mut latest: HashMap<&str, i64> = HashMap::new();
        let mut names: HashMap<&str, &str> = HashMap::new();
        let changes = self
            .households
            .iter()
            .chain(self.history.values().flatten())
            .map(|v| (v.device.as_str(), v.at))
            .chain(
                self.interviews
                    .iter()
                    .map(|i| (i.device.as_str(), i.updated_at)),
            )
            .chain(self.audit.iter().map(|a| (a.6.as_str(), a.4)));
        for (device, at) in changes {
            let t = latest.entry(device).or_insert(at);
            *t = (*t).max(at);
        }
        for a in &self.audit {
            names.entry(a.6.as_str()).or_insert(a.5.as_str());
        }
        let mut problems: Vec<ClockProblem> = latest
            .into_iter()
            .filter(|(_, at)| crate::store::clock::ahead(*at, now))
            .map(|(device, at)| ClockProblem {
                device: device.to_string(),
                interviewer: names.get(device).map(|n| (*n).to_string()),
                ahead_ms: at - now,
            })
            .collect();
        problems.sort_by(|a, b| a.device.cmp(&b.device));
        problems
    }
}

/// Opens and reads the whole other file, refusing anything that is not a
/// sound Minqing database of this version.
pub(super) fn read_other(path: &Path) -> Result<Other> {
    let conn = open_other(path)?;
    let read = || -> rusqlite::Result<Other> {
        let (households, history) = read_households(&conn)?;
        let clock: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'clock'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let mut stmt = conn.prepare(
            "SELECT interview, field, old, new, at, interviewer, device, stamp FROM audit",
        )?;
        let audit = stmt
            .query_map([], |r| AuditRow::try_from(r))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Other {
            households,
            history,
            clock: clock.and_then(|c| c.parse().ok()).unwrap_or(0),
            snapshots: read_snapshots(&conn)?,
            rounds: read_rounds(&conn)?,
            projects: crate::store::project::all_changes(&conn)?,
            interviews: read_interviews(&conn)?,
            audit,
        })
    };
    read().map_err(|e| StoreError::from_sqlite(path, e))
}

/// The other file, opened to be read once it is known to be a sound
/// Minqing database of this version.
fn open_other(path: &Path) -> Result<Connection> {
    if path.is_dir() {
        return Err(StoreError::IsDir {
            path: path.to_path_buf(),
        });
    }
    if !path.exists() {
        return Err(StoreError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    }
    // The same recognition as opening: not Minqing, or newer, is refused.
    let version = Store::inspect(path)?;
    if version < CURRENT_VERSION {
        return Err(StoreError::Older {
            path: path.to_path_buf(),
        });
    }
    // A journal holding pages would be written into the file by a
    // connection that may write, when it closes: such a file is only read.
    let conn = if crate::store::journal_holds_pages(path) {
        crate::store::read_only(path)
    } else {
        crate::store::reading(path)
    }
    .map_err(|e| StoreError::from_sqlite(path, e))?;
    crate::store::sound(&conn, "quick_check", path, None)?;
    Ok(conn)
}

type Records = (Vec<RecordVersion>, HashMap<String, Vec<RecordVersion>>);

/// Each household's current record, and the records of its history.
fn read_households(conn: &Connection) -> rusqlite::Result<Records> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}, updated_at, stamp, device FROM household"
    ))?;
    let households = stmt
        .query_map([], version_at)?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}, at, stamp, device FROM household_history"
    ))?;
    let mut history: HashMap<String, Vec<RecordVersion>> = HashMap::new();
    for v in stmt.query_map([], version_at)? {
        let v = v?;
        history.entry(v.household.code.clone()).or_default().push(v);
    }
    Ok((households, history))
}

fn read_snapshots(conn: &Connection) -> rusqlite::Result<Vec<OtherSnapshot>> {
    let mut stmt =
        conn.prepare("SELECT survey, version, hash, source, created_at FROM snapshot")?;
    stmt.query_map([], |r| {
        Ok(OtherSnapshot {
            survey: r.get(0)?,
            version: r.get(1)?,
            hash: r.get(2)?,
            source: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?
    .collect()
}

fn read_rounds(conn: &Connection) -> rusqlite::Result<Vec<OtherRound>> {
    let mut stmt = conn.prepare(
        "SELECT name, starts, opened_at, closed_at, stamp, device FROM round
             ORDER BY closed_at IS NULL, starts, opened_at",
    )?;
    stmt.query_map([], |r| {
        Ok(OtherRound {
            name: r.get(0)?,
            starts: r.get(1)?,
            opened_at: r.get(2)?,
            closed_at: r.get(3)?,
            stamp: r.get(4)?,
            device: r.get(5)?,
        })
    })?
    .collect()
}

fn read_interviews(conn: &Connection) -> rusqlite::Result<Vec<OtherInterview>> {
    let mut stmt = conn.prepare(
        "SELECT i.uuid, h.code, s.hash, i.interviewer, i.device, i.status, i.started_at,
                i.updated_at, i.completed_at, i.answers, i.stamp, r.name
         FROM interview i JOIN household h ON h.id = i.household_id
         JOIN snapshot s ON s.id = i.snapshot_id LEFT JOIN round r ON r.id = i.round_id",
    )?;
    stmt.query_map([], |r| {
        Ok(OtherInterview {
            uuid: r.get(0)?,
            household: r.get(1)?,
            snapshot_hash: r.get(2)?,
            interviewer: r.get(3)?,
            device: r.get(4)?,
            status: r.get(5)?,
            started_at: r.get(6)?,
            updated_at: r.get(7)?,
            completed_at: r.get(8)?,
            answers: r.get(9)?,
            stamp: r.get(10)?,
            round: r.get(11)?,
        })
    })?
    .collect()
}

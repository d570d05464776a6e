//! Merging another laptop's database into this one.
//!
//! Owns the merge rules (docs/data-safety.md): households by code, the
//! newer registry record winning; snapshots by content hash; audit entries
//! appended once; interviews by UUID, each answer taking the value of its
//! latest change in the combined audit trail. A merge is one transaction:
//! all of a file or nothing. The other file is only read.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::household::{
    Household, INSERT_HISTORY, INSERT_RECORD, UPDATE_RECORD, UpsertCounts, household_at,
    write_record,
};
use super::interview::{STATUS_FIELD, compute_hits, decode_answers, encode_answers};
use super::{CURRENT_VERSION, Result, Store, StoreError, content_hash};
use crate::interview::Answers;

/// One field of one interview that both files changed differently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub household: String,
    pub survey: String,
    pub interview: String,
    /// A question name, or `@status`.
    pub field: String,
    pub kept: Option<String>,
    pub dropped: Option<String>,
}

/// Two or more interviews of one household for one survey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub household: String,
    pub survey: String,
    pub interviews: usize,
}

/// One version of a household's registry record: what it said, when (the
/// wall clock of the laptop that made it), its clock stamp and device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordVersion {
    pub household: Household,
    pub at: i64,
    pub stamp: i64,
    pub device: String,
}

impl RecordVersion {
    /// What orders versions: the stamp, then the device id, the same on
    /// every laptop.
    fn key(&self) -> (i64, &str) {
        (self.stamp, self.device.as_str())
    }
}

/// A household whose record both files changed without seeing the other's
/// change: the one changed last by the merged clocks is kept, and the
/// other stays in the registry history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdConflict {
    pub kept: RecordVersion,
    pub dropped: RecordVersion,
}

/// A laptop whose clock was more than a day ahead of this one's when it
/// made changes in the merged file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockProblem {
    pub device: String,
    /// An interviewer who worked on that laptop, to tell which it was.
    pub interviewer: Option<String>,
    /// How far ahead of this laptop's clock its latest change was.
    pub ahead_ms: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub households: UpsertCounts,
    /// Households changed on both sides; both records are kept.
    pub household_conflicts: Vec<HouseholdConflict>,
    /// Laptops whose clocks were ahead: their changes are ordered by what
    /// they had seen, but between changes neither had seen, theirs look
    /// later than they were.
    pub clock_problems: Vec<ClockProblem>,
    pub snapshots_added: usize,
    pub interviews_added: usize,
    pub interviews_updated: usize,
    pub interviews_unchanged: usize,
    pub audit_added: usize,
    pub conflicts: Vec<Conflict>,
    pub duplicates: Vec<Duplicate>,
    /// Complete interviews that no longer pass the checks of completing
    /// once merged, made drafts again for a person to review.
    pub reopened: Vec<super::revalidate::FailingInterview>,
}

struct OtherSnapshot {
    survey: String,
    version: String,
    hash: String,
    source: String,
    created_at: i64,
}

struct OtherInterview {
    uuid: Vec<u8>,
    household: String,
    snapshot_hash: String,
    interviewer: String,
    device: String,
    status: String,
    started_at: i64,
    updated_at: i64,
    completed_at: Option<i64>,
    answers: String,
    stamp: i64,
}

type AuditRow = (
    Vec<u8>,
    String,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
    i64,
);

struct Other {
    /// Each household's current record.
    households: Vec<RecordVersion>,
    /// The records its history holds, by code.
    history: HashMap<String, Vec<RecordVersion>>,
    /// The highest stamp the other file had seen.
    clock: i64,
    snapshots: Vec<OtherSnapshot>,
    interviews: Vec<OtherInterview>,
    audit: Vec<AuditRow>,
}

/// A record version from a row: the nine registry columns, then the time,
/// the stamp and the device.
fn version_at(r: &rusqlite::Row<'_>) -> rusqlite::Result<RecordVersion> {
    Ok(RecordVersion {
        household: household_at(r, 0)?,
        at: r.get(9)?,
        stamp: r.get(10)?,
        device: r.get(11)?,
    })
}

impl Other {
    /// The highest stamp anywhere in the file.
    fn highest_stamp(&self) -> i64 {
        let records = self
            .households
            .iter()
            .chain(self.history.values().flatten())
            .map(|v| v.stamp);
        let interviews = self.interviews.iter().map(|i| i.stamp);
        let audit = self.audit.iter().map(|a| a.7);
        records
            .chain(interviews)
            .chain(audit)
            .fold(self.clock, i64::max)
    }

    /// The laptops whose wall clock was more than a day ahead of `now`
    /// when they made a change in this file.
    fn clock_problems(&self, now: i64) -> Vec<ClockProblem> {
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
            .filter(|(_, at)| super::clock::ahead(*at, now))
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
fn read_other(path: &Path) -> Result<Other> {
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
    let conn = if super::journal_holds_pages(path) {
        super::read_only(path)
    } else {
        super::reading(path)
    }
    .map_err(|e| StoreError::from_sqlite(path, e))?;
    super::sound(&conn, "quick_check", path, None)?;
    Ok(conn)
}

type Records = (Vec<RecordVersion>, HashMap<String, Vec<RecordVersion>>);

/// Each household's current record, and the records of its history.
fn read_households(conn: &Connection) -> rusqlite::Result<Records> {
    let mut stmt = conn.prepare(
        "SELECT code, township, village, grp, head, members, phone, cadre, notes, updated_at,
         stamp, device FROM household",
    )?;
    let households = stmt
        .query_map([], version_at)?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT code, township, village, grp, head, members, phone, cadre, notes, at,
         stamp, device FROM household_history",
    )?;
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

fn read_interviews(conn: &Connection) -> rusqlite::Result<Vec<OtherInterview>> {
    let mut stmt = conn.prepare(
        "SELECT i.uuid, h.code, s.hash, i.interviewer, i.device, i.status, i.started_at,
                i.updated_at, i.completed_at, i.answers, i.stamp
         FROM interview i JOIN household h ON h.id = i.household_id
         JOIN snapshot s ON s.id = i.snapshot_id",
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
        })
    })?
    .collect()
}

/// What the audit step leaves for merging interviews: which fields the
/// other file changed in ways this one had not seen, and which changes the
/// other file has.
struct Seen<'o> {
    news: HashSet<(Vec<u8>, String)>,
    theirs: HashSet<(&'o [u8], &'o str, i64, &'o str)>,
}

/// An interview row of this file: id, status, started, updated,
/// completed, answers, stamp.
type LocalRow = (i64, String, i64, i64, Option<i64>, String, i64);

/// One interview's fields merged: the answers and status, whether
/// anything differs from this file's, and the fields both sides changed
/// (field, kept, dropped).
struct MergedFields {
    answers: Answers,
    status: String,
    changed: bool,
    conflicts: Vec<(String, Option<String>, Option<String>)>,
}

impl Store {
    /// Merges the database at `other` into this one; see the module
    /// comment for the rules. On any error nothing is changed.
    pub fn merge(&self, other: &Path) -> Result<MergeReport> {
        let result = self.merge_file(other);
        if result.is_err() {
            // Snapshot ids of the rolled-back transaction may be reused.
            self.forget_parsed_surveys();
        }
        result
    }

    /// One step per table, in one transaction: snapshots, the clock,
    /// households, the audit trail, interviews; then the checks of what
    /// the merge may have left failing.
    fn merge_file(&self, other: &Path) -> Result<MergeReport> {
        // By the file itself, so a hard link or a symbolic link to it is
        // the same file too.
        if crate::files::same_file(&self.path, other) {
            return Err(StoreError::SameFile {
                path: other.to_path_buf(),
            });
        }
        let other_data = read_other(other)?;
        self.check_before_writing()?;
        let mut report = MergeReport::default();
        let tx = self.write()?;
        let snapshot_ids = merge_snapshots(&tx, other, &other_data.snapshots, &mut report)?;
        self.merge_clock(&tx, other, &other_data, &mut report)?;
        let mut household_ids: HashMap<String, i64> = HashMap::new();
        for theirs in &other_data.households {
            let code = theirs.household.code.clone();
            let history = other_data.history.get(&code).map_or(&[][..], Vec::as_slice);
            let id = self.merge_household(&tx, theirs, history, &mut report)?;
            household_ids.insert(code, id);
        }
        let seen = merge_audit(&tx, &other_data.audit, &mut report)?;
        for o in &other_data.interviews {
            let (Some(&household_id), Some(&snapshot_id)) = (
                household_ids.get(&o.household),
                snapshot_ids.get(&o.snapshot_hash),
            ) else {
                continue;
            };
            self.merge_interview(
                &tx,
                other,
                o,
                (household_id, snapshot_id),
                &seen,
                &mut report,
            )?;
        }
        // Answers combined from two laptops, or a household's newer record,
        // may leave a complete interview failing: it becomes a draft again.
        let conflicted: Vec<String> = report
            .household_conflicts
            .iter()
            .map(|c| c.kept.household.code.clone())
            .collect();
        report.reopened = self.revalidate(
            &tx,
            other_data.interviews.iter().map(|o| o.uuid.as_slice()),
            &conflicted,
        )?;
        report.duplicates = duplicates(&tx)?;
        tx.commit()?;
        Ok(report)
    }

    /// The clock: past everything the other file had seen, so every
    /// change made here from now on is ordered after all of it. No
    /// laptop's clock makes a stamp a century ahead: such a file is
    /// damaged, and would stop this file's clock from ever moving on.
    fn merge_clock(
        &self,
        tx: &rusqlite::Transaction<'_>,
        other: &Path,
        other_data: &Other,
        report: &mut MergeReport,
    ) -> Result<()> {
        let highest = other_data.highest_stamp();
        let century = 100 * 365 * 86_400_000;
        if highest > super::clock::from_ms(self.now().saturating_add(century)) {
            return Err(StoreError::Corrupt {
                path: other.to_path_buf(),
                detail: "a change is stamped more than a century ahead".into(),
            });
        }
        self.observe(tx, highest)?;
        report.clock_problems = other_data.clock_problems(self.now());
        Ok(())
    }

    /// Merges one interview of the other file, by UUID: added when this
    /// file lacks it, else each field takes its latest change.
    fn merge_interview(
        &self,
        tx: &rusqlite::Transaction<'_>,
        other: &Path,
        o: &OtherInterview,
        (household_id, snapshot_id): (i64, i64),
        seen: &Seen<'_>,
        report: &mut MergeReport,
    ) -> Result<()> {
        let local: Option<LocalRow> = tx
            .query_row(
                "SELECT id, status, started_at, updated_at, completed_at, answers, stamp
                 FROM interview WHERE uuid = ?1",
                [&o.uuid],
                |r| LocalRow::try_from(r),
            )
            .optional()?;
        let survey = self.snapshot_survey(snapshot_id)?;
        let household = self
            .household(&o.household)?
            .ok_or_else(|| StoreError::UnknownHousehold(o.household.clone()))?;
        let other_answers = decode_answers(&o.answers).map_err(|e| e.at(other))?;
        let Some(local) = local else {
            let hits = if o.status == "complete" {
                compute_hits(&survey, &other_answers, &household.facts())
            } else {
                String::new()
            };
            tx.execute(
                "INSERT INTO interview (uuid, household_id, snapshot_id, interviewer, device, status,
                 started_at, updated_at, completed_at, answers, hits, stamp)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    o.uuid, household_id, snapshot_id, o.interviewer, o.device, o.status,
                    o.started_at, o.updated_at, o.completed_at, o.answers, hits, o.stamp
                ],
            )?;
            report.interviews_added += 1;
            return Ok(());
        };
        let (id, _, started, updated, completed, ref answers_json, stamp) = local;
        let local_answers = decode_answers(answers_json).map_err(|e| e.at(&self.path))?;
        let merged = merge_fields(tx, o, &local, &local_answers, &other_answers, seen)?;
        // Conflicts are reported whichever side won, before deciding
        // whether this file changes anything.
        let uuid = uuid::Uuid::from_slice(&o.uuid)
            .unwrap_or_default()
            .to_string();
        for (field, kept, dropped) in merged.conflicts {
            report.conflicts.push(Conflict {
                household: o.household.clone(),
                survey: survey.id.clone(),
                interview: uuid.clone(),
                field,
                kept,
                dropped,
            });
        }
        if !merged.changed {
            report.interviews_unchanged += 1;
            return Ok(());
        }
        let complete = merged.status == "complete";
        let hits = if complete {
            compute_hits(&survey, &merged.answers, &household.facts())
        } else {
            String::new()
        };
        let completed_at = if complete {
            completed.max(o.completed_at)
        } else {
            None
        };
        tx.execute(
            "UPDATE interview SET status = ?2, started_at = ?3, updated_at = ?4, completed_at = ?5,
             answers = ?6, hits = ?7, stamp = ?8 WHERE id = ?1",
            params![
                id,
                merged.status,
                started.min(o.started_at),
                updated.max(o.updated_at),
                completed_at,
                encode_answers(&merged.answers),
                hits,
                stamp.max(o.stamp)
            ],
        )?;
        report.interviews_updated += 1;
        Ok(())
    }

    /// Merges one household of the other file: `theirs` (its current
    /// record) and `their_history`. Every record either side has known is
    /// kept, in the household table (the one stamped last) or in the
    /// history; when each side had changed the record without seeing the
    /// other's change, that is a conflict, reported with both records.
    /// Returns the household's row id.
    fn merge_household(
        &self,
        tx: &rusqlite::Transaction<'_>,
        theirs: &RecordVersion,
        their_history: &[RecordVersion],
        report: &mut MergeReport,
    ) -> Result<i64> {
        let code = &theirs.household.code;
        let local: Option<(i64, RecordVersion)> = tx
            .query_row(
                "SELECT code, township, village, grp, head, members, phone, cadre, notes, updated_at,
                 stamp, device, id FROM household WHERE code = ?1",
                [code],
                |r| Ok((r.get(12)?, version_at(r)?)),
            )
            .optional()?;
        let their_versions: Vec<&RecordVersion> =
            std::iter::once(theirs).chain(their_history).collect();
        let winner = latest(&their_versions).unwrap_or(theirs);
        let write = |sql: &str, v: &RecordVersion| {
            write_record(tx, sql, &v.household, v.at, v.stamp, &v.device)
        };
        let Some((id, current)) = local else {
            write(INSERT_RECORD, winner)?;
            for v in their_versions.iter().filter(|v| v.key() != winner.key()) {
                write(INSERT_HISTORY, v)?;
            }
            report.households.added += 1;
            return Ok(tx.last_insert_rowid());
        };
        let our_history = local_history(tx, code)?;
        let ours: Vec<&RecordVersion> = std::iter::once(&current).chain(&our_history).collect();
        let new_here = not_in(&their_versions, &ours);
        let theirs_wins = winner.key() > current.key();
        if theirs_wins {
            tx.execute(super::household::KEEP_IN_HISTORY, [code])?;
            write(UPDATE_RECORD, winner)?;
        }
        for v in new_here
            .iter()
            .filter(|v| v.key() != winner.key() || !theirs_wins)
        {
            write(INSERT_HISTORY, v)?;
        }
        if theirs_wins && winner.household != current.household {
            report.households.updated += 1;
            self.recompute_household_hits(code)?;
        } else {
            report.households.unchanged += 1;
        }
        // Both sides changed the record without seeing the other's change.
        let unseen_there = not_in(&ours, &their_versions);
        if let (Some(their_change), Some(our_change)) = (latest(&new_here), latest(&unseen_there))
            && their_change.household != our_change.household
        {
            let (kept, dropped) = if theirs_wins {
                (their_change, our_change)
            } else {
                (our_change, their_change)
            };
            report.household_conflicts.push(HouseholdConflict {
                kept: kept.clone(),
                dropped: dropped.clone(),
            });
        }
        Ok(id)
    }

    /// Households interviewed more than once for the same survey.
    pub fn duplicates(&self) -> Result<Vec<Duplicate>> {
        duplicates(&self.conn)
    }
}

/// Snapshots, by content: the same survey version with other content
/// would make old answers mean something else, so the file is refused.
/// Returns this file's snapshot id of each content hash.
fn merge_snapshots(
    tx: &rusqlite::Transaction<'_>,
    other: &Path,
    snapshots: &[OtherSnapshot],
    report: &mut MergeReport,
) -> Result<HashMap<String, i64>> {
    let mut snapshot_ids: HashMap<String, i64> = HashMap::new();
    for s in snapshots {
        if content_hash(&s.source) != s.hash {
            return Err(StoreError::Corrupt {
                path: other.to_path_buf(),
                detail: format!(
                    "the stored questionnaire {} {} does not match its hash",
                    s.survey, s.version
                ),
            });
        }
        let local: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, hash FROM snapshot WHERE survey = ?1 AND version = ?2",
                params![s.survey, s.version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let id = match local {
            Some((id, hash)) if hash == s.hash => id,
            Some(_) => {
                return Err(StoreError::SnapshotChanged {
                    survey: s.survey.clone(),
                    version: s.version.clone(),
                });
            }
            None => {
                tx.execute(
                    "INSERT INTO snapshot (survey, version, hash, source, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![s.survey, s.version, s.hash, s.source, s.created_at],
                )?;
                report.snapshots_added += 1;
                tx.last_insert_rowid()
            }
        };
        snapshot_ids.insert(s.hash.clone(), id);
    }
    Ok(snapshot_ids)
}

/// Audit entries, each once; remembers which fields the other file
/// changed in ways this one had not seen, and which changes it has.
fn merge_audit<'o>(
    tx: &rusqlite::Transaction<'_>,
    audit: &'o [AuditRow],
    report: &mut MergeReport,
) -> Result<Seen<'o>> {
    let mut news: HashSet<(Vec<u8>, String)> = HashSet::new();
    let theirs = audit
        .iter()
        .map(|(uuid, field, _, _, at, _, device, _)| {
            (uuid.as_slice(), field.as_str(), *at, device.as_str())
        })
        .collect();
    for (uuid, field, old, new, at, who, device, stamp) in audit {
        let entry = super::audit::Entry {
            interview: uuid,
            field,
            old: old.as_deref(),
            new: new.as_deref(),
            at: *at,
            interviewer: who,
            device,
            stamp: *stamp,
        };
        if super::audit::insert(tx, &entry, super::audit::Again::Skip)? {
            report.audit_added += 1;
            news.insert((uuid.clone(), field.clone()));
        }
    }
    Ok(Seen { news, theirs })
}

/// The fields of an interview both files hold: each answer, and the
/// status, takes the value of its change stamped last in the combined
/// audit trail; without any, the side changed last.
fn merge_fields(
    tx: &rusqlite::Transaction<'_>,
    o: &OtherInterview,
    local: &LocalRow,
    local_answers: &Answers,
    other_answers: &Answers,
    seen: &Seen<'_>,
) -> Result<MergedFields> {
    let (status, stamp) = (&local.1, local.6);
    let other_newer = o.stamp > stamp;
    let latest = |field: &str| -> rusqlite::Result<Option<Option<String>>> {
        tx.query_row(
            "SELECT new FROM audit WHERE interview = ?1 AND field = ?2
             ORDER BY stamp DESC, device DESC, at DESC LIMIT 1",
            params![o.uuid, field],
            |r| r.get(0),
        )
        .optional()
    };
    // Both sides changed the field: the other file in a way this one had
    // not seen, and this file in a way the other had not.
    let both_changed = |field: &str| -> rusqlite::Result<bool> {
        Ok(seen.news.contains(&(o.uuid.clone(), field.to_string()))
            && ours_unseen(tx, o, field, seen)?)
    };
    let mut merged = MergedFields {
        answers: Answers::new(),
        status: String::new(),
        changed: false,
        conflicts: Vec::new(),
    };
    let fields: BTreeSet<&String> = local_answers.keys().chain(other_answers.keys()).collect();
    for field in fields {
        let mine = local_answers.get(field).cloned();
        let theirs = other_answers.get(field).cloned();
        let value = match latest(field)? {
            Some(v) => v,
            None if other_newer && theirs.is_some() => theirs.clone(),
            None => mine.clone().or(theirs.clone()),
        };
        merged.changed |= value != mine;
        if mine != theirs && both_changed(field)? {
            let dropped = if value == mine { theirs } else { mine };
            merged
                .conflicts
                .push((field.clone(), value.clone(), dropped));
        }
        if let Some(v) = value {
            merged.answers.insert(field.clone(), v);
        }
    }
    merged.status = match latest(STATUS_FIELD)? {
        Some(Some(s)) => s,
        _ if other_newer => o.status.clone(),
        _ => status.clone(),
    };
    merged.changed |= merged.status != *status;
    if o.status != *status && both_changed(STATUS_FIELD)? {
        let dropped = if merged.status == *status {
            o.status.clone()
        } else {
            status.clone()
        };
        merged.conflicts.push((
            STATUS_FIELD.to_string(),
            Some(merged.status.clone()),
            Some(dropped),
        ));
    }
    Ok(merged)
}

/// Whether this file changed a field in a way the other had not seen:
/// with a change on the other side too, that is a conflict.
fn ours_unseen(
    tx: &rusqlite::Transaction<'_>,
    o: &OtherInterview,
    field: &str,
    seen: &Seen<'_>,
) -> rusqlite::Result<bool> {
    let mut stmt =
        tx.prepare_cached("SELECT at, device FROM audit WHERE interview = ?1 AND field = ?2")?;
    let mut rows = stmt.query(params![o.uuid, field])?;
    while let Some(r) = rows.next()? {
        let (at, device): (i64, String) = (r.get(0)?, r.get(1)?);
        if !seen
            .theirs
            .contains(&(o.uuid.as_slice(), field, at, device.as_str()))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The records of a household's history in this file.
fn local_history(tx: &rusqlite::Transaction<'_>, code: &str) -> Result<Vec<RecordVersion>> {
    let mut stmt = tx.prepare_cached(
        "SELECT code, township, village, grp, head, members, phone, cadre, notes, at, stamp, device
         FROM household_history WHERE code = ?1",
    )?;
    Ok(stmt
        .query_map([code], version_at)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The record stamped last.
fn latest<'v>(versions: &[&'v RecordVersion]) -> Option<&'v RecordVersion> {
    versions
        .iter()
        .copied()
        .max_by(|a, b| a.key().cmp(&b.key()))
}

/// The records of `these` that `known` does not hold.
fn not_in<'v>(these: &[&'v RecordVersion], known: &[&RecordVersion]) -> Vec<&'v RecordVersion> {
    let known: HashSet<(i64, &str)> = known.iter().map(|v| v.key()).collect();
    these
        .iter()
        .copied()
        .filter(|v| !known.contains(&v.key()))
        .collect()
}

fn duplicates(conn: &Connection) -> Result<Vec<Duplicate>> {
    let mut stmt = conn.prepare(
        "SELECT h.code, s.survey, count(*) FROM interview i
         JOIN household h ON h.id = i.household_id JOIN snapshot s ON s.id = i.snapshot_id
         GROUP BY i.household_id, s.survey HAVING count(*) > 1 ORDER BY h.code, s.survey",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Duplicate {
            household: r.get(0)?,
            survey: r.get(1)?,
            interviews: r.get::<_, i64>(2)? as usize,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

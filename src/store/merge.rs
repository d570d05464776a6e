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

use super::household::{Household, UpsertCounts, household_at};
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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub households: UpsertCounts,
    /// Codes whose registry data differed; the newer record was kept.
    pub household_conflicts: Vec<String>,
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

struct OtherHousehold {
    household: Household,
    updated_at: i64,
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
}

type AuditRow = (
    Vec<u8>,
    String,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
);

struct Other {
    households: Vec<OtherHousehold>,
    snapshots: Vec<OtherSnapshot>,
    interviews: Vec<OtherInterview>,
    audit: Vec<AuditRow>,
}

/// Opens and reads the whole other file, refusing anything that is not a
/// sound Minqing database of this version.
fn read_other(path: &Path) -> Result<Other> {
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
    let bad = |e| StoreError::from_sqlite(path, e);
    // A journal holding pages would be written into the file by a
    // connection that may write, when it closes: such a file is only read.
    let conn = if super::journal_holds_pages(path) {
        super::read_only(path)
    } else {
        super::reading(path)
    }
    .map_err(bad)?;
    super::sound(&conn, "quick_check", path, None)?;
    let read = || -> rusqlite::Result<Other> {
        let mut stmt = conn.prepare(
            "SELECT code, township, village, grp, head, members, phone, cadre, notes, updated_at FROM household",
        )?;
        let households = stmt
            .query_map([], |r| {
                Ok(OtherHousehold {
                    household: household_at(r, 0)?,
                    updated_at: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt =
            conn.prepare("SELECT survey, version, hash, source, created_at FROM snapshot")?;
        let snapshots = stmt
            .query_map([], |r| {
                Ok(OtherSnapshot {
                    survey: r.get(0)?,
                    version: r.get(1)?,
                    hash: r.get(2)?,
                    source: r.get(3)?,
                    created_at: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = conn.prepare(
            "SELECT i.uuid, h.code, s.hash, i.interviewer, i.device, i.status, i.started_at,
                    i.updated_at, i.completed_at, i.answers
             FROM interview i JOIN household h ON h.id = i.household_id
             JOIN snapshot s ON s.id = i.snapshot_id",
        )?;
        let interviews = stmt
            .query_map([], |r| {
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
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt =
            conn.prepare("SELECT interview, field, old, new, at, interviewer, device FROM audit")?;
        let audit = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Other {
            households,
            snapshots,
            interviews,
            audit,
        })
    };
    read().map_err(bad)
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

        // Snapshots, by content: the same survey version with other content
        // would make old answers mean something else, so the file is refused.
        let mut snapshot_ids: HashMap<String, i64> = HashMap::new();
        for s in &other_data.snapshots {
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

        // Households, by code: the record changed last wins.
        let mut household_ids: HashMap<String, i64> = HashMap::new();
        for o in &other_data.households {
            let h = &o.household;
            let local: Option<(i64, Household, i64)> = tx
                .query_row(
                    "SELECT id, code, township, village, grp, head, members, phone, cadre, notes, updated_at
                     FROM household WHERE code = ?1",
                    [&h.code],
                    |r| {
                        Ok((r.get(0)?, household_at(r, 1)?, r.get(10)?))
                    },
                )
                .optional()?;
            let values = params![
                h.code,
                h.township,
                h.village,
                h.group,
                h.head,
                h.members,
                h.phone,
                h.cadre,
                h.notes,
                o.updated_at
            ];
            match local {
                None => {
                    tx.execute(
                        "INSERT INTO household (code, township, village, grp, head, members, phone, cadre, notes, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        values,
                    )?;
                    household_ids.insert(h.code.clone(), tx.last_insert_rowid());
                    report.households.added += 1;
                }
                Some((id, local, _)) if local == *h => {
                    household_ids.insert(h.code.clone(), id);
                    report.households.unchanged += 1;
                }
                Some((id, _, local_at)) => {
                    household_ids.insert(h.code.clone(), id);
                    if o.updated_at > local_at {
                        tx.execute(
                            "UPDATE household SET township = ?2, village = ?3, grp = ?4, head = ?5, members = ?6,
                             phone = ?7, cadre = ?8, notes = ?9, updated_at = ?10 WHERE code = ?1",
                            values,
                        )?;
                        report.households.updated += 1;
                        self.recompute_household_hits(&h.code)?;
                    } else {
                        report.households.unchanged += 1;
                    }
                    report.household_conflicts.push(h.code.clone());
                }
            }
        }

        // Audit entries, each once; remember which fields the other file
        // changed in ways this one had not seen, and which changes it has.
        let mut news: HashSet<(Vec<u8>, String)> = HashSet::new();
        let theirs_seen: HashSet<(&[u8], &str, i64, &str)> = other_data
            .audit
            .iter()
            .map(|(uuid, field, _, _, at, _, device)| {
                (uuid.as_slice(), field.as_str(), *at, device.as_str())
            })
            .collect();
        {
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO audit (interview, field, old, new, at, interviewer, device)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (uuid, field, old, new, at, who, device) in &other_data.audit {
                if insert.execute(params![uuid, field, old, new, at, who, device])? > 0 {
                    report.audit_added += 1;
                    news.insert((uuid.clone(), field.clone()));
                }
            }
        }

        // Interviews, by UUID.
        for o in &other_data.interviews {
            let (Some(&household_id), Some(&snapshot_id)) = (
                household_ids.get(&o.household),
                snapshot_ids.get(&o.snapshot_hash),
            ) else {
                continue;
            };
            type LocalRow = (i64, String, i64, i64, Option<i64>, String);
            let local: Option<LocalRow> = tx
                .query_row(
                    "SELECT id, status, started_at, updated_at, completed_at, answers FROM interview WHERE uuid = ?1",
                    [&o.uuid],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
                )
                .optional()?;
            let survey = self.snapshot_survey(snapshot_id)?;
            let household = self
                .household(&o.household)?
                .ok_or_else(|| StoreError::UnknownHousehold(o.household.clone()))?;
            let other_answers = decode_answers(&o.answers)?;
            let Some((id, status, started, updated, completed, answers_json)) = local else {
                let hits = if o.status == "complete" {
                    compute_hits(&survey, &other_answers, &household.facts())
                } else {
                    String::new()
                };
                tx.execute(
                    "INSERT INTO interview (uuid, household_id, snapshot_id, interviewer, device, status,
                     started_at, updated_at, completed_at, answers, hits)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    params![
                        o.uuid, household_id, snapshot_id, o.interviewer, o.device, o.status,
                        o.started_at, o.updated_at, o.completed_at, o.answers, hits
                    ],
                )?;
                report.interviews_added += 1;
                continue;
            };
            let local_answers = decode_answers(&answers_json)?;
            let other_newer = o.updated_at > updated;
            // The value of a field: its latest change in the combined audit
            // trail; without any, the side changed last.
            let latest = |field: &str| -> rusqlite::Result<Option<Option<String>>> {
                tx.query_row(
                    "SELECT new FROM audit WHERE interview = ?1 AND field = ?2 ORDER BY at DESC, device DESC LIMIT 1",
                    params![o.uuid, field],
                    |r| r.get(0),
                )
                .optional()
            };
            // Whether this file changed a field in a way the other had not
            // seen: with a change on the other side too, that is a conflict.
            let ours_unseen = |field: &str| -> rusqlite::Result<bool> {
                let mut stmt = tx.prepare_cached(
                    "SELECT at, device FROM audit WHERE interview = ?1 AND field = ?2",
                )?;
                let mut rows = stmt.query(params![o.uuid, field])?;
                while let Some(r) = rows.next()? {
                    let (at, device): (i64, String) = (r.get(0)?, r.get(1)?);
                    if !theirs_seen.contains(&(o.uuid.as_slice(), field, at, device.as_str())) {
                        return Ok(true);
                    }
                }
                Ok(false)
            };
            let mut merged = Answers::new();
            let fields: BTreeSet<&String> =
                local_answers.keys().chain(other_answers.keys()).collect();
            let mut changed = false;
            let mut field_conflicts = Vec::new();
            for field in fields {
                let mine = local_answers.get(field).cloned();
                let theirs = other_answers.get(field).cloned();
                let value = match latest(field)? {
                    Some(v) => v,
                    None if other_newer && theirs.is_some() => theirs.clone(),
                    None => mine.clone().or(theirs.clone()),
                };
                if value != mine {
                    changed = true;
                }
                if mine != theirs
                    && news.contains(&(o.uuid.clone(), field.clone()))
                    && ours_unseen(field)?
                {
                    field_conflicts.push((
                        field.clone(),
                        value.clone(),
                        if value == mine { theirs } else { mine },
                    ));
                }
                if let Some(v) = value {
                    merged.insert(field.clone(), v);
                }
            }
            let merged_status = match latest(STATUS_FIELD)? {
                Some(Some(s)) => s,
                _ if other_newer => o.status.clone(),
                _ => status.clone(),
            };
            if merged_status != status {
                changed = true;
            }
            if o.status != status
                && news.contains(&(o.uuid.clone(), STATUS_FIELD.to_string()))
                && ours_unseen(STATUS_FIELD)?
            {
                let dropped = if merged_status == status {
                    o.status.clone()
                } else {
                    status.clone()
                };
                field_conflicts.push((
                    STATUS_FIELD.to_string(),
                    Some(merged_status.clone()),
                    Some(dropped),
                ));
            }
            // Conflicts are reported whichever side won, before deciding
            // whether this file changes anything.
            let uuid = uuid::Uuid::from_slice(&o.uuid)
                .unwrap_or_default()
                .to_string();
            for (field, kept, dropped) in field_conflicts {
                report.conflicts.push(Conflict {
                    household: o.household.clone(),
                    survey: survey.id.clone(),
                    interview: uuid.clone(),
                    field,
                    kept,
                    dropped,
                });
            }
            if !changed {
                report.interviews_unchanged += 1;
                continue;
            }
            let complete = merged_status == "complete";
            let hits = if complete {
                compute_hits(&survey, &merged, &household.facts())
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
                 answers = ?6, hits = ?7 WHERE id = ?1",
                params![
                    id,
                    merged_status,
                    started.min(o.started_at),
                    updated.max(o.updated_at),
                    completed_at,
                    encode_answers(&merged),
                    hits
                ],
            )?;
            report.interviews_updated += 1;
        }
        // Answers combined from two laptops, or a household's newer record,
        // may leave a complete interview failing: it becomes a draft again.
        report.reopened = self.revalidate(
            &tx,
            other_data.interviews.iter().map(|o| o.uuid.as_slice()),
            &report.household_conflicts,
        )?;
        report.duplicates = duplicates(&tx)?;
        tx.commit()?;
        Ok(report)
    }

    /// Households interviewed more than once for the same survey.
    pub fn duplicates(&self) -> Result<Vec<Duplicate>> {
        duplicates(&self.conn)
    }
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

//! Merging another laptop's database into this one.
//!
//! Owns the merge rules (docs/data-safety.md): households by code, the
//! newer registry record winning; snapshots by content hash; audit entries
//! appended once; interviews by UUID, each answer taking the value of its
//! latest change in the combined audit trail. A merge is one transaction:
//! all of a file or nothing. The other file is only read.

use std::collections::HashMap;
use std::path::Path;

mod household;
mod interview;
mod other;
mod round;

use interview::merge_audit;
use other::{Other, OtherSnapshot, read_other};

use rusqlite::{Connection, OptionalExtension, params};

use super::household::{Household, UpsertCounts};
use super::{Result, Store, StoreError, content_hash};

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

/// Two or more interviews of one household for one survey in one round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub household: String,
    pub round: String,
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
    pub rounds_added: usize,
    /// Changes of projects' follow-up added.
    pub project_changes_added: usize,
    /// Projects both laptops changed unseen, to different statuses.
    pub project_conflicts: Vec<crate::store::project::ProjectConflict>,
    /// Rounds closed because another round was open in the other file,
    /// which began later.
    pub rounds_closed: Vec<String>,
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

impl Store {
    /// Merges the database at `other` into this one; see the module
    /// comment for the rules. On any error nothing is changed.
    pub fn merge(&self, other: &Path) -> Result<MergeReport> {
        // Damage in the other file is named where it is read; what is
        // left unnamed was found in this one.
        let result = self.merge_file(other).map_err(|e| e.at(&self.path));
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
        self.check_before_writing()?;
        self.merge_checked(other)
    }

    /// [`Store::merge_file`] on a file already checked.
    fn merge_checked(&self, other: &Path) -> Result<MergeReport> {
        // By the file itself, so a hard link or a symbolic link to it is
        // the same file too.
        if crate::files::same_file(&self.path, other) {
            return Err(StoreError::SameFile {
                path: other.to_path_buf(),
            });
        }
        let other_data = read_other(other)?;
        let mut report = MergeReport::default();
        let tx = self.write()?;
        let snapshot_ids = merge_snapshots(&tx, other, &other_data.snapshots, &mut report)?;
        self.merge_clock(&tx, other, &other_data, &mut report)?;
        let round_ids = self.merge_rounds(&tx, other, &other_data.rounds, &mut report)?;
        (report.project_changes_added, report.project_conflicts) =
            self.merge_projects(&tx, &other_data.projects)?;
        let mut household_ids: HashMap<String, i64> = HashMap::new();
        // Households whose record this merge changed: their facts may have
        // changed, so their complete interviews are checked again.
        let mut records_changed: Vec<String> = Vec::new();
        for theirs in &other_data.households {
            let code = theirs.household.code.clone();
            let history = other_data.history.get(&code).map_or(&[][..], Vec::as_slice);
            let before = (report.households.updated, report.household_conflicts.len());
            let id = self.merge_household(&tx, theirs, history, &mut report)?;
            if (report.households.updated, report.household_conflicts.len()) != before {
                records_changed.push(code.clone());
            }
            household_ids.insert(code, id);
        }
        let seen = merge_audit(&tx, &other_data.audit, &mut report)?;
        // Interviews this merge added or changed.
        let mut changed: Vec<&[u8]> = Vec::new();
        for o in &other_data.interviews {
            let (Some(&household_id), Some(&snapshot_id)) = (
                household_ids.get(&o.household),
                snapshot_ids.get(&o.snapshot_hash),
            ) else {
                continue;
            };
            let round_id = o.round.as_ref().and_then(|name| round_ids.get(name));
            let &round_id = round_id.ok_or_else(|| StoreError::Corrupt {
                path: other.to_path_buf(),
                detail: format!(
                    "an interview of household {} belongs to no round",
                    o.household
                ),
            })?;
            let before = (report.interviews_added, report.interviews_updated);
            self.merge_interview(
                &tx,
                other,
                o,
                (household_id, snapshot_id, round_id),
                &seen,
                &mut report,
            )?;
            if (report.interviews_added, report.interviews_updated) != before {
                changed.push(&o.uuid);
            }
        }
        // Answers combined from two laptops, or a household's newer record,
        // may leave a complete interview failing: it becomes a draft again.
        // An interview neither changed nor of a changed household is as it
        // was checked before.
        report.reopened = self.revalidate(&tx, changed.into_iter(), &records_changed)?;
        // Duplicates among the households whose interviews this file
        // brought: the cost of a merge grows with what is merged, not with
        // this file.
        let mut touched: Vec<i64> = (other_data.interviews.iter())
            .filter_map(|o| household_ids.get(&o.household).copied())
            .collect();
        touched.sort_unstable();
        touched.dedup();
        report.duplicates = duplicates_among(&tx, &self.visit_forms()?, Some(&touched))?;
        self.commit(tx)?;
        Ok(report)
    }

    /// Merges several files, each in its own transaction as
    /// [`Store::merge`] does, this file checked once before the first:
    /// merging thousands of work packages reads this file's pages once,
    /// not once per package. A file that fails leaves this one as it was
    /// and the others are merged all the same.
    /// This file found damaged is the outer error: then nothing is merged.
    pub fn merge_all(&self, others: &[std::path::PathBuf]) -> Result<Vec<Result<MergeReport>>> {
        self.check_before_writing().map_err(|e| e.at(&self.path))?;
        Ok(others
            .iter()
            .map(|other| {
                let result = self.merge_checked(other).map_err(|e| e.at(&self.path));
                if result.is_err() {
                    self.forget_parsed_surveys();
                }
                result
            })
            .collect())
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

    /// The surveys some stored version of which is a visit form (several
    /// interviews of a household are its visits), read from the
    /// questionnaires already parsed.
    fn visit_forms(&self) -> Result<Vec<String>> {
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare_cached("SELECT id FROM snapshot")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out: Vec<String> = Vec::new();
        for id in ids {
            // A version that cannot be read is no visit form; it is
            // reported where it is read.
            if let Ok(s) = self.snapshot_survey(id)
                && s.mode == crate::survey::Mode::Visit
                && !out.contains(&s.id)
            {
                out.push(s.id.clone());
            }
        }
        Ok(out)
    }

    /// Households interviewed more than once for the same survey.
    pub fn duplicates(&self) -> Result<Vec<Duplicate>> {
        self.located(|| duplicates_among(&self.conn, &self.visit_forms()?, None))
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
            .prepare_cached("SELECT id, hash FROM snapshot WHERE survey = ?1 AND version = ?2")?
            .query_row(params![s.survey, s.version], |r| Ok((r.get(0)?, r.get(1)?)))
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
                tx.prepare_cached(
                    "INSERT INTO snapshot (survey, version, hash, source, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(
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

/// Households interviewed more than once for the same survey (visits
/// aside): among the households of row ids `among`, or all of them.
/// `visits` are the surveys whose interviews are visits, not duplicates.
fn duplicates_among(
    conn: &Connection,
    visits: &[String],
    among: Option<&[i64]>,
) -> Result<Vec<Duplicate>> {
    if among.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    let list = among.map(|ids| {
        let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
        format!("[{}]", ids.join(","))
    });
    // Two statements, not one with `?1 IS NULL OR`: the households asked
    // about are looked up by the index, not found by reading every
    // interview.
    let which = if list.is_some() {
        "i.household_id IN (SELECT value FROM json_each(?1))"
    } else {
        "?1 IS NULL"
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT h.code, r.name, s.survey, count(*) FROM interview i
         JOIN household h ON h.id = i.household_id JOIN snapshot s ON s.id = i.snapshot_id
         JOIN round r ON r.id = i.round_id
         WHERE {which}
         GROUP BY i.household_id, i.round_id, s.survey HAVING count(*) > 1
         ORDER BY h.code, r.starts, r.opened_at, s.survey"
    ))?;
    let rows = stmt.query_map([list], |r| {
        Ok(Duplicate {
            household: r.get(0)?,
            round: r.get(1)?,
            survey: r.get(2)?,
            interviews: r.get::<_, i64>(3)? as usize,
        })
    })?;
    let all: Vec<Duplicate> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(all
        .into_iter()
        .filter(|d| !visits.contains(&d.survey))
        .collect())
}

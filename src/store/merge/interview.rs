//! Merging one interview: added when this file lacks it, else each answer
//! and the status take their change stamped last in the combined audit
//! trail, and a field both laptops changed unseen is a conflict.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use rusqlite::{OptionalExtension, params};

use super::other::{AuditRow, OtherInterview};
use super::{Conflict, MergeReport};
use crate::interview::{Answers, HouseholdFacts, settle};
use crate::store::interview::{STATUS_FIELD, compute_hits, decode_answers, encode_answers};
use crate::store::{Result, Store, StoreError};

/// What the audit step leaves for merging interviews: which fields the
/// other file changed in ways this one had not seen, and which changes the
/// other file has.
pub(super) struct Seen<'o> {
    pub(super) news: HashSet<(Vec<u8>, String)>,
    pub(super) theirs: HashSet<(&'o [u8], &'o str, i64, &'o str)>,
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
    /// Merges one interview of the other file, by UUID: added when this
    /// file lacks it, else each field takes its latest change.
    pub(super) fn merge_interview(
        &self,
        tx: &rusqlite::Transaction<'_>,
        other: &Path,
        o: &OtherInterview,
        (household_id, snapshot_id, round_id): (i64, i64, i64),
        seen: &Seen<'_>,
        report: &mut MergeReport,
    ) -> Result<()> {
        let local: Option<LocalRow> = tx
            .prepare_cached(
                "SELECT id, status, started_at, updated_at, completed_at, answers, stamp
                 FROM interview WHERE uuid = ?1",
            )?
            .query_row([&o.uuid], |r| LocalRow::try_from(r))
            .optional()?;
        let survey = self.snapshot_survey(snapshot_id)?;
        let household = self
            .household(&o.household)?
            .ok_or_else(|| StoreError::UnknownHousehold(o.household.clone()))?;
        let mut other_answers = decode_answers(&o.answers).map_err(|e| e.at(other))?;
        let Some(local) = local else {
            // Calculations and hits follow this file's record of the
            // household, which the merge has just brought up to date.
            let facts = HouseholdFacts {
                started_at: o.started_at,
                ..household.facts()
            };
            settle(&survey, &mut other_answers, &facts);
            let hits = hits_if_complete(&o.status, &survey, &other_answers, &facts);
            let answers = encode_answers(&other_answers);
            add_interview(
                tx,
                o,
                (household_id, snapshot_id, round_id),
                &answers,
                &hits,
            )?;
            report.interviews_added += 1;
            return Ok(());
        };
        // The same row on both sides (a package merged back unchanged):
        // nothing to combine.
        if (local.1.as_str(), local.5.as_str(), local.6)
            == (o.status.as_str(), o.answers.as_str(), o.stamp)
        {
            report.interviews_unchanged += 1;
            return Ok(());
        }
        let local_answers = decode_answers(&local.5).map_err(|e| e.at(&self.path))?;
        let mut merged = merge_fields(tx, o, &local, &local_answers, &other_answers, seen)?;
        // The interview began when the earlier of the two says.
        let facts = HouseholdFacts {
            started_at: local.2.min(o.started_at),
            ..household.facts()
        };
        // Calculations follow the merged answers; whether this file
        // changes is told by the answers and status so settled (another
        // laptop's stored calculation alone changes nothing here).
        settle(&survey, &mut merged.answers, &facts);
        merged.changed = merged.answers != local_answers || merged.status != local.1;
        // Conflicts are reported whichever side won, before deciding
        // whether this file changes anything.
        report_conflicts(o, &survey.id, &mut merged, report);
        if !merged.changed {
            report.interviews_unchanged += 1;
            return Ok(());
        }
        let hits = hits_if_complete(&merged.status, &survey, &merged.answers, &facts);
        update_interview(tx, o, &local, &merged, &hits)?;
        report.interviews_updated += 1;
        Ok(())
    }
}

/// The fields both sides changed of interview `o` of survey `survey`,
/// into the report.
fn report_conflicts(
    o: &OtherInterview,
    survey: &str,
    merged: &mut MergedFields,
    report: &mut MergeReport,
) {
    let uuid = uuid::Uuid::from_slice(&o.uuid)
        .unwrap_or_default()
        .to_string();
    for (field, kept, dropped) in merged.conflicts.drain(..) {
        report.conflicts.push(Conflict {
            household: o.household.clone(),
            survey: survey.to_string(),
            interview: uuid.clone(),
            field,
            kept,
            dropped,
        });
    }
}

/// The need hits stored with an interview of `status`: none for a draft.
fn hits_if_complete(
    status: &str,
    survey: &crate::survey::Survey,
    answers: &Answers,
    facts: &HouseholdFacts,
) -> String {
    if status == "complete" {
        compute_hits(survey, answers, facts)
    } else {
        String::new()
    }
}

/// Writes the merged interview over this file's: the earliest start,
/// the latest change and stamp, and the completion of a complete one.
fn update_interview(
    tx: &rusqlite::Transaction<'_>,
    o: &OtherInterview,
    local: &LocalRow,
    merged: &MergedFields,
    hits: &str,
) -> rusqlite::Result<()> {
    let (id, _, started, updated, completed, _, stamp) = local;
    let completed_at = if merged.status == "complete" {
        (*completed).max(o.completed_at)
    } else {
        None
    };
    tx.prepare_cached(
        "UPDATE interview SET status = ?2, started_at = ?3, updated_at = ?4, completed_at = ?5,
         answers = ?6, hits = ?7, stamp = ?8 WHERE id = ?1",
    )?
    .execute(params![
        id,
        merged.status,
        (*started).min(o.started_at),
        (*updated).max(o.updated_at),
        completed_at,
        encode_answers(&merged.answers),
        hits,
        (*stamp).max(o.stamp)
    ])?;
    Ok(())
}

/// Adds an interview this file lacks, as the other file has it, with
/// its need hits computed here.
fn add_interview(
    tx: &rusqlite::Transaction<'_>,
    o: &OtherInterview,
    (household_id, snapshot_id, round_id): (i64, i64, i64),
    answers: &str,
    hits: &str,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO interview (uuid, household_id, snapshot_id, interviewer, device, status,
         started_at, updated_at, completed_at, answers, hits, stamp, round_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        o.uuid,
        household_id,
        snapshot_id,
        o.interviewer,
        o.device,
        o.status,
        o.started_at,
        o.updated_at,
        o.completed_at,
        answers,
        hits,
        o.stamp,
        round_id
    ])?;
    Ok(())
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
        tx.prepare_cached(
            "SELECT new FROM audit WHERE interview = ?1 AND field = ?2
             ORDER BY stamp DESC, device DESC, at DESC LIMIT 1",
        )?
        .query_row(params![o.uuid, field], |r| r.get(0))
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

/// Audit entries, each once; remembers which fields the other file
/// changed in ways this one had not seen, and which changes it has.
pub(super) fn merge_audit<'o>(
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
        let entry = crate::store::audit::Entry {
            interview: uuid,
            field,
            old: old.as_deref(),
            new: new.as_deref(),
            at: *at,
            interviewer: who,
            device,
            stamp: *stamp,
        };
        if crate::store::audit::insert(tx, &entry, crate::store::audit::Again::Skip)? {
            report.audit_added += 1;
            news.insert((uuid.clone(), field.clone()));
        }
    }
    Ok(Seen { news, theirs })
}

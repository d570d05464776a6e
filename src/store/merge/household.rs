//! Merging one household's registry record: every record either laptop
//! has known is kept, the one stamped last in the household table and the
//! others in its history; both laptops changing it unseen is a conflict.

use std::collections::HashSet;

use rusqlite::OptionalExtension;

use super::other::version_at;
use super::{HouseholdConflict, MergeReport, RecordVersion};
use crate::store::household::COLUMNS;
use crate::store::household::{INSERT_HISTORY, INSERT_RECORD, UPDATE_RECORD, write_record};
use crate::store::{Result, Store};

impl Store {
    /// Merges one household of the other file: `theirs` (its current
    /// record) and `their_history`. Every record either side has known is
    /// kept, in the household table (the one stamped last) or in the
    /// history; when each side had changed the record without seeing the
    /// other's change, that is a conflict, reported with both records.
    /// Returns the household's row id.
    pub(super) fn merge_household(
        &self,
        tx: &rusqlite::Transaction<'_>,
        theirs: &RecordVersion,
        their_history: &[RecordVersion],
        report: &mut MergeReport,
    ) -> Result<i64> {
        let code = &theirs.household.code;
        let local: Option<(i64, RecordVersion)> = tx
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, updated_at, stamp, device, id FROM household WHERE code = ?1"
            ))?
            .query_row([code], |r| Ok((r.get(14)?, version_at(r)?)))
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
            tx.prepare_cached(crate::store::household::KEEP_IN_HISTORY)?
                .execute([code])?;
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
}

/// The records of a household's history in this file.
fn local_history(tx: &rusqlite::Transaction<'_>, code: &str) -> Result<Vec<RecordVersion>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {COLUMNS}, at, stamp, device FROM household_history WHERE code = ?1"
    ))?;
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

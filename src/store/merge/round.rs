//! Merging rounds: by name, as every laptop tells them apart. A round
//! closed on either laptop stays closed (no command opens a round again);
//! its start day takes the change stamped last. When both files have a
//! different round open, a round opened by name wins over the first
//! round a file began on its own ([`FIRST_ROUND`]); between two named
//! ones, the one that began later stays open. The other is closed, and
//! said. The other file's closed rounds are merged before its open one.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{OptionalExtension, params};

use super::MergeReport;
use super::other::OtherRound;
use crate::store::round::{Round, round_name};
use crate::store::schema::FIRST_ROUND;
use crate::store::{Result, Store, StoreError};
use crate::survey::is_date;

impl Store {
    /// Merges the other file's rounds; this file's round id of each name.
    pub(super) fn merge_rounds(
        &self,
        tx: &rusqlite::Transaction<'_>,
        other: &Path,
        rounds: &[OtherRound],
        report: &mut MergeReport,
    ) -> Result<HashMap<String, i64>> {
        let mut ids = HashMap::new();
        for o in rounds {
            if round_name(&o.name) != Some(o.name.as_str()) || !is_date(&o.starts) {
                return Err(StoreError::Corrupt {
                    path: other.to_path_buf(),
                    detail: format!("round '{}' beginning '{}'", o.name, o.starts),
                });
            }
            let local: Option<(i64, Option<i64>, i64, String)> = tx
                .prepare_cached("SELECT id, closed_at, stamp, device FROM round WHERE name = ?1")?
                .query_row([&o.name], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            let id = match local {
                Some((id, closed_at, stamp, device)) => {
                    let closed = match (closed_at, o.closed_at) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    let theirs_later = (o.stamp, o.device.as_str()) > (stamp, device.as_str());
                    if theirs_later || closed != closed_at {
                        let (starts_from, stamp, device) = if theirs_later {
                            (Some(&o.starts), o.stamp, o.device.clone())
                        } else {
                            (None, stamp, device)
                        };
                        tx.prepare_cached(
                            "UPDATE round SET starts = coalesce(?2, starts), closed_at = ?3,
                             stamp = ?4, device = ?5 WHERE id = ?1",
                        )?
                        .execute(params![
                            id,
                            starts_from,
                            closed,
                            stamp,
                            device
                        ])?;
                    }
                    id
                }
                None => self.add_round(tx, o, report)?,
            };
            ids.insert(o.name.clone(), id);
        }
        Ok(ids)
    }

    /// Adds a round this file lacks. When it is open and so is one of this
    /// file's, a named round stays open over the first round, else the one
    /// that began later.
    fn add_round(
        &self,
        tx: &rusqlite::Transaction<'_>,
        o: &OtherRound,
        report: &mut MergeReport,
    ) -> Result<i64> {
        let mut closed_at = o.closed_at;
        if closed_at.is_none()
            && let Some(open) = super::super::round::open_round(tx)?
        {
            let now = self.tick();
            // A round opened by name is the county's plan; the first round
            // only what a laptop began with.
            let order = |name: &str, starts: &str, opened: i64| {
                (name != FIRST_ROUND, starts.to_string(), opened)
            };
            let theirs_wins = order(&o.name, &o.starts, o.opened_at)
                > order(&open.name, &open.starts, open.opened_at);
            if theirs_wins {
                close(tx, &open, now)?;
                report.rounds_closed.push(open.name);
            } else {
                closed_at = Some(now);
                report.rounds_closed.push(o.name.clone());
            }
        }
        tx.prepare_cached(
            "INSERT INTO round (name, starts, opened_at, closed_at, stamp, device)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            o.name,
            o.starts,
            o.opened_at,
            closed_at,
            o.stamp,
            o.device
        ])?;
        report.rounds_added += 1;
        Ok(tx.last_insert_rowid())
    }
}

fn close(tx: &rusqlite::Transaction<'_>, round: &Round, now: i64) -> Result<()> {
    tx.prepare_cached("UPDATE round SET closed_at = ?2 WHERE id = ?1")?
        .execute(params![round.id, now])?;
    Ok(())
}

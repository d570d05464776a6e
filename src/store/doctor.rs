//! A health check of a database, for `minqing doctor`: is the file sound,
//! does every reference hold, do the stored need hits and the counted
//! interviews agree with the answers, is every complete interview complete,
//! and what in the data needs a person.

use super::merge::Duplicate;
use super::revalidate::FailingInterview;
use super::{Result, Store};

/// What a check of the database found. Empty lists mean all is well.
#[derive(Debug, Default)]
pub struct Findings {
    /// What SQLite's `PRAGMA integrity_check` reported, when not "ok".
    /// When the file is damaged the other checks are not made.
    pub integrity: Vec<String>,
    /// Rows that point at a row that does not exist: (table, row id,
    /// the table pointed at).
    pub foreign_keys: Vec<(String, i64, String)>,
    /// Complete interviews whose stored need hits are not what their
    /// answers give under their questionnaire version: (household, survey).
    pub stale_hits: Vec<(String, String)>,
    /// Interviews whose answers cannot be read: (household, survey).
    pub unreadable: Vec<(String, String)>,
    /// Households (by row id) whose list of complete interviews, which
    /// ranking reads, is out of date.
    pub stale_counted: Vec<i64>,
    /// Villages whose counts kept for ranking are not what the interviews
    /// and the registry give: (round id, township, village; round 0 for
    /// the households registered).
    pub stale_kept: Vec<(i64, String, String)>,
    /// Households interviewed more than once for a survey.
    pub duplicates: Vec<Duplicate>,
    /// Households with no township or no village (by code).
    pub no_village: Vec<String>,
    /// Village names found in more than one township, with those
    /// townships: not a fault (two townships may have villages of one
    /// name), but also what a household added to the wrong township
    /// leaves. Not counted by [`Findings::is_clean`].
    pub shared_villages: std::collections::BTreeMap<String, Vec<String>>,
    /// Laptops (device ids) whose clock was more than a day ahead of this
    /// one's when they made a change here, and by how much.
    pub future_clocks: Vec<(String, i64)>,
    /// How far this file's clock (the highest stamp it has seen) is past
    /// this laptop's clock, when that is more than a day: the mark the
    /// changes of a laptop whose clock was ahead left.
    pub clock_ahead: Option<i64>,
    /// Interviews marked complete that miss a required answer or hold an
    /// answer their question does not accept.
    pub failing_complete: Vec<FailingInterview>,
}

impl Findings {
    /// Nothing wrong at all.
    pub fn is_clean(&self) -> bool {
        self.integrity.is_empty()
            && self.foreign_keys.is_empty()
            && self.stale_hits.is_empty()
            && self.unreadable.is_empty()
            && self.stale_counted.is_empty()
            && self.stale_kept.is_empty()
            && self.duplicates.is_empty()
            && self.no_village.is_empty()
            && self.future_clocks.is_empty()
            && self.clock_ahead.is_none()
            && self.failing_complete.is_empty()
    }

    /// What `repair` can mend: the stored hits, the counted interviews
    /// and the counts kept for ranking, which are computed from the
    /// answers.
    pub fn repairable(&self) -> bool {
        !self.stale_hits.is_empty() || !self.stale_counted.is_empty() || !self.stale_kept.is_empty()
    }
}

impl Store {
    /// Checks the database; reads only.
    pub fn doctor(&self) -> Result<Findings> {
        self.located(|| {
            let mut findings = Findings::default();
            let report = super::check_report(&self.conn, "integrity_check")?;
            if report != ["ok"] {
                findings.integrity = report;
                return Ok(findings);
            }
            findings.foreign_keys = {
                let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
                let rows = stmt.query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                        r.get(2)?,
                    ))
                })?;
                let mut found: Vec<_> = rows.collect::<rusqlite::Result<_>>()?;
                // An interview's round is a reference too, kept by the
                // program rather than declared (a column added later).
                let mut stmt = self.conn.prepare(
                    "SELECT 'interview', id, 'round' FROM interview
                     WHERE round_id NOT IN (SELECT id FROM round) ORDER BY id",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                found.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
                found
            };
            // Complete interviews are read once for both of their checks.
            let checked = self.check_complete(super::revalidate::Checks::ALL)?;
            for stale in checked.stale_hits {
                let place = (stale.household, stale.survey);
                match stale.fresh {
                    Some(_) => findings.stale_hits.push(place),
                    None => findings.unreadable.push(place),
                }
            }
            findings.stale_counted = self.stale_counted()?;
            findings.stale_kept = self.stale_kept()?;
            findings.duplicates = self.duplicates()?;
            findings.no_village = {
                let mut stmt = self.conn.prepare(
                    "SELECT code FROM household WHERE trim(township) = '' OR trim(village) = ''
                 ORDER BY code",
                )?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            findings.shared_villages = self.places()?.shared;
            let now = self.now();
            findings.future_clocks = {
                let mut stmt = self.conn.prepare(
                    "SELECT device, max(at) FROM (
                     SELECT device, at FROM audit
                     UNION ALL SELECT device, updated_at FROM household
                     UNION ALL SELECT device, at FROM household_history
                     UNION ALL SELECT device, updated_at FROM interview)
                 GROUP BY device HAVING max(at) > ?1 ORDER BY device",
                )?;
                let limit = now.saturating_add(super::clock::AHEAD_LIMIT_MS);
                let rows =
                    stmt.query_map([limit], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? - now)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let clock: i64 = self
                .meta("clock")?
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            let clock_ms = super::clock::to_ms(clock);
            findings.clock_ahead = super::clock::ahead(clock_ms, now).then_some(clock_ms - now);
            findings.failing_complete = checked.failing;
            Ok(findings)
        })
    }

    /// Computes again what is computed from the answers: the stored need
    /// hits of every complete interview, then every household's counted
    /// interviews. Answers, households and the audit trail are not touched.
    pub fn repair(&self) -> Result<()> {
        self.located(|| {
            self.recompute_hits()?;
            let tx = self.write()?;
            tx.execute_batch(super::schema::RECOUNT_ALL)?;
            self.rebuild_kept()?;
            self.commit(tx)?;
            Ok(())
        })
    }
}

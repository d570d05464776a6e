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
    /// Households interviewed more than once for a survey.
    pub duplicates: Vec<Duplicate>,
    /// Households with no township or no village (by code).
    pub no_village: Vec<String>,
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
            && self.duplicates.is_empty()
            && self.no_village.is_empty()
            && self.failing_complete.is_empty()
    }

    /// What `repair` can mend: the stored hits and counted interviews,
    /// which are computed from the answers.
    pub fn repairable(&self) -> bool {
        !self.stale_hits.is_empty() || !self.stale_counted.is_empty()
    }
}

impl Store {
    /// Checks the database; reads only.
    pub fn doctor(&self) -> Result<Findings> {
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
            rows.collect::<rusqlite::Result<_>>()?
        };
        for stale in self.stale_hits()? {
            let place = (stale.household, stale.survey);
            match stale.fresh {
                Some(_) => findings.stale_hits.push(place),
                None => findings.unreadable.push(place),
            }
        }
        findings.stale_counted = self.stale_counted()?;
        findings.duplicates = self.duplicates()?;
        findings.no_village = {
            let mut stmt = self.conn.prepare(
                "SELECT code FROM household WHERE trim(township) = '' OR trim(village) = ''
                 ORDER BY code",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        findings.failing_complete = self.failing_complete()?;
        Ok(findings)
    }

    /// Computes again what is computed from the answers: the stored need
    /// hits of every complete interview, then every household's counted
    /// interviews. Answers, households and the audit trail are not touched.
    pub fn repair(&self) -> Result<()> {
        self.recompute_hits()?;
        let tx = self.write()?;
        tx.execute_batch(super::schema::RECOUNT_ALL)?;
        tx.commit()?;
        Ok(())
    }
}

//! Checking again that complete interviews are complete.
//!
//! Owns the rule that an interview stored as complete passes
//! [`crate::interview::failures`] under its own questionnaire snapshot and
//! its household's registry facts, as [`Store::complete`] required when it
//! was completed. A merge can break that without anyone completing
//! anything: it combines answers from two laptops, each change of which
//! was checked against answers the other laptop did not have, and it may
//! bring a newer registry record. After a merge a complete interview that
//! fails becomes a draft to review; `minqing doctor` lists any that fail.
//! Answers are never changed here.

use rusqlite::{OptionalExtension, Transaction};

use super::interview::{Status, decode_answers};
use super::{Result, Store};
use crate::i18n::Tr;
use crate::interview::{Failure, HouseholdFacts, failures};

/// The interviewer recorded with the status change by which a merge makes a
/// failing complete interview a draft again. It is no person's name (the
/// `@` marks it, as in [`super::interview::STATUS_FIELD`]); the device of
/// the entry is the laptop that merged.
pub const MERGE_INTERVIEWER: &str = "@merge";

/// An interview stored as complete that does not pass the checks of
/// completing: after a merge, one made a draft again; for `doctor`, one
/// still marked complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailingInterview {
    pub household: String,
    pub survey: String,
    /// The interview's UUID.
    pub interview: String,
    /// What fails, in question order; never empty.
    pub failures: Vec<Failure>,
    /// Each failure said for a person, with its question's label.
    pub problems: Vec<Tr>,
}

impl Store {
    /// Checks again, inside a merge's transaction, the complete interviews
    /// with one of `uuids` (the interviews of the merged file) and those of
    /// the households in `households` (whose registry records differed, so
    /// their facts may have changed). Each that fails is made a draft, its
    /// need hits cleared (so it leaves the priorities) and the change
    /// recorded in the audit trail as made by [`MERGE_INTERVIEWER`] on this
    /// device. Returns them in household code and survey order.
    pub(super) fn revalidate<'a>(
        &self,
        tx: &Transaction<'_>,
        uuids: impl Iterator<Item = &'a [u8]>,
        households: &[String],
    ) -> Result<Vec<FailingInterview>> {
        let mut ids = std::collections::BTreeSet::new();
        {
            let mut by_uuid = tx.prepare_cached(
                "SELECT id FROM interview WHERE uuid = ?1 AND status = 'complete'",
            )?;
            for uuid in uuids {
                if let Some(id) = by_uuid.query_row([uuid], |r| r.get(0)).optional()? {
                    ids.insert(id);
                }
            }
            let mut by_household = tx.prepare_cached(
                "SELECT i.id FROM interview i JOIN household h ON h.id = i.household_id
                 WHERE h.code = ?1 AND i.status = 'complete'",
            )?;
            for code in households {
                let rows = by_household.query_map([code], |r| r.get::<_, i64>(0))?;
                for id in rows {
                    ids.insert(id?);
                }
            }
        }
        let mut failing = Vec::new();
        for id in ids {
            let interview = self.interview(id)?;
            let found = failures(&interview.survey, &interview.answers, &interview.facts());
            if found.is_empty() {
                continue;
            }
            self.set_status(tx, &interview, Status::Draft, "", MERGE_INTERVIEWER)?;
            failing.push(failing_interview(
                &interview.household.code,
                &interview.survey,
                &interview.uuid.to_string(),
                found,
            ));
        }
        failing.sort_by(|a, b| (&a.household, &a.survey).cmp(&(&b.household, &b.survey)));
        Ok(failing)
    }

    /// Every interview marked complete that does not pass the checks of
    /// completing under its own questionnaire version and its household's
    /// registry facts, in household code and survey order. Interviews whose
    /// answers cannot be read are left to [`Store::stale_hits`], which
    /// reports them. Reads only, one interview at a time.
    pub fn failing_complete(&self) -> Result<Vec<FailingInterview>> {
        let mut stmt = self.conn.prepare(
            "SELECT i.uuid, i.snapshot_id, i.answers, h.code, h.township, h.village, h.grp,
                    h.members
             FROM interview i JOIN household h ON h.id = i.household_id
             JOIN snapshot s ON s.id = i.snapshot_id
             WHERE i.status = 'complete' ORDER BY h.code, s.survey, i.id",
        )?;
        let mut rows = stmt.query([])?;
        let mut failing = Vec::new();
        while let Some(r) = rows.next()? {
            let answers = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let Ok(answers) = decode_answers(answers) else {
                continue;
            };
            let facts = HouseholdFacts {
                township: r.get(4)?,
                village: r.get(5)?,
                group: r.get(6)?,
                members: r.get(7)?,
            };
            let survey = self.snapshot_survey(r.get(1)?)?;
            let found = failures(&survey, &answers, &facts);
            if found.is_empty() {
                continue;
            }
            let uuid: Vec<u8> = r.get(0)?;
            let uuid = uuid::Uuid::from_slice(&uuid).unwrap_or_default();
            failing.push(failing_interview(
                &r.get::<_, String>(3)?,
                &survey,
                &uuid.to_string(),
                found,
            ));
        }
        Ok(failing)
    }
}

fn failing_interview(
    household: &str,
    survey: &crate::survey::Survey,
    interview: &str,
    failures: Vec<Failure>,
) -> FailingInterview {
    FailingInterview {
        household: household.to_string(),
        survey: survey.id.clone(),
        interview: interview.to_string(),
        problems: failures.iter().map(|f| f.describe(survey)).collect(),
        failures,
    }
}

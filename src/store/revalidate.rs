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

use super::hits::NeedHits;
use rusqlite::params;

use super::interview::{Status, decode_answers};
use super::{Result, Store, StoreError};
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
            self.set_status(
                tx,
                &interview,
                Status::Draft,
                &NeedHits::default(),
                MERGE_INTERVIEWER,
            )?;
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

    /// Reads every complete interview once, in household code and survey
    /// order, and checks what `checks` asks: its stored need hits against
    /// its answers, and that it passes the checks of completing. Reads
    /// only, one interview at a time.
    pub(super) fn check_complete(&self, checks: Checks) -> Result<Checked> {
        let mut stmt = self.conn.prepare(
            "SELECT i.id, i.uuid, i.snapshot_id, i.answers, i.hits, h.code, h.township,
                    h.village, h.grp, h.members, s.survey, h.head, h.phone, h.cadre, i.started_at
             FROM interview i JOIN household h ON h.id = i.household_id
             JOIN snapshot s ON s.id = i.snapshot_id
             WHERE i.status = 'complete' ORDER BY h.code, s.survey, i.id",
        )?;
        let mut rows = stmt.query([])?;
        let mut checked = Checked::default();
        while let Some(r) = rows.next()? {
            let facts = HouseholdFacts {
                code: r.get(5)?,
                township: r.get(6)?,
                village: r.get(7)?,
                group: r.get(8)?,
                members: r.get(9)?,
                head: r.get(11)?,
                phone: r.get(12)?,
                cadre: r.get(13)?,
                started_at: r.get(14)?,
            };
            let survey = self.snapshot_survey(r.get(2)?)?;
            let answers = r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?;
            let answers = decode_answers(answers).ok();
            if checks.hits {
                let fresh = answers
                    .as_ref()
                    .map(|answers| NeedHits::compute(&survey, answers, &facts));
                // Stored hits that do not read are stale as well.
                let stored = r.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
                let stored = NeedHits::decode(stored).ok();
                if fresh.is_none() || fresh != stored {
                    checked.stale_hits.push(StaleHits {
                        id: r.get(0)?,
                        household: r.get(5)?,
                        survey: r.get(10)?,
                        fresh,
                    });
                }
            }
            // Unreadable answers are reported by the hits check.
            let Some(answers) = answers.filter(|_| checks.failures) else {
                continue;
            };
            let found = failures(&survey, &answers, &facts);
            if found.is_empty() {
                continue;
            }
            let uuid: Vec<u8> = r.get(1)?;
            let uuid = uuid::Uuid::from_slice(&uuid).unwrap_or_default();
            checked.failing.push(failing_interview(
                &r.get::<_, String>(5)?,
                &survey,
                &uuid.to_string(),
                found,
            ));
        }
        Ok(checked)
    }
}

impl Store {
    /// The household's interviews, drafts and complete, holding answers
    /// their questionnaire no longer accepts with the household as it is
    /// now (its registry record changed: fewer members, say), with only
    /// those answers listed; in survey order. A question not answered yet
    /// does not count: a draft is unfinished, not wrong. Reads only.
    pub fn disagreeing(&self, code: &str) -> Result<Vec<FailingInterview>> {
        self.located(|| {
            let ids: Vec<i64> = {
                let mut stmt = self.conn.prepare(
                    "SELECT i.id FROM interview i JOIN household h ON h.id = i.household_id
                     WHERE h.code = ?1 ORDER BY i.id",
                )?;
                let rows = stmt.query_map([code], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut out = Vec::new();
            for id in ids {
                let interview = self.interview(id)?;
                let found: Vec<Failure> =
                    failures(&interview.survey, &interview.answers, &interview.facts())
                        .into_iter()
                        .filter(|f| matches!(f, Failure::Invalid { .. }))
                        .collect();
                if !found.is_empty() {
                    out.push(failing_interview(
                        code,
                        &interview.survey,
                        &interview.uuid.to_string(),
                        found,
                    ));
                }
            }
            out.sort_by(|a, b| a.survey.cmp(&b.survey));
            Ok(out)
        })
    }
}

/// What [`Store::check_complete`] checks of each complete interview.
#[derive(Clone, Copy, Debug)]
pub struct Checks {
    /// Its stored need hits against its answers.
    pub hits: bool,
    /// That it passes the checks of completing.
    pub failures: bool,
}

impl Checks {
    pub const HITS: Checks = Checks {
        hits: true,
        failures: false,
    };
    pub const ALL: Checks = Checks {
        hits: true,
        failures: true,
    };
}

/// What [`Store::check_complete`] found.
#[derive(Debug, Default)]
pub struct Checked {
    pub stale_hits: Vec<StaleHits>,
    pub failing: Vec<FailingInterview>,
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

impl Store {
    /// Every complete interview whose stored need hits are not what its
    /// answers give under its own snapshot's rules, in household code
    /// order. Interviews are read one at a time.
    pub fn stale_hits(&self) -> Result<Vec<StaleHits>> {
        self.located(|| Ok(self.check_complete(Checks::HITS)?.stale_hits))
    }

    /// Recomputes the stored need hits of every complete interview from its
    /// answers and its own snapshot's rules; returns how many changed.
    pub fn recompute_hits(&self) -> Result<usize> {
        self.located(|| {
            let stale = self.stale_hits()?;
            if let Some(s) = stale.iter().find(|s| s.fresh.is_none()) {
                return Err(StoreError::Corrupt {
                    path: self.path.clone(),
                    detail: format!("answers of household {} survey {}", s.household, s.survey),
                });
            }
            let tx = self.write()?;
            for s in &stale {
                tx.execute(
                    "UPDATE interview SET hits = ?2 WHERE id = ?1",
                    params![s.id, s.fresh.as_ref().map(NeedHits::encode)],
                )?;
            }
            self.commit(tx)?;
            Ok(stale.len())
        })
    }
}

/// A complete interview whose stored need hits are out of date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleHits {
    pub id: i64,
    pub household: String,
    pub survey: String,
    /// The hits its answers give; `None` when the answers cannot be read.
    pub fresh: Option<NeedHits>,
}

//! Interviews and their answers: start or resume, save one answer, complete,
//! reopen, and the audit trail of every change.
//!
//! The answers of an interview live in its row as a JSON object (question →
//! canonical text), so reading an interview is one row and saving an answer
//! rewrites one row; the audit table keeps every change, appended, never
//! rewritten. Need hits are computed when an interview is completed and
//! stored with it, so priorities never re-read raw answers.

use std::rc::Rc;

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::hits::NeedHits;
use super::household::Household;
use super::{Result, Store, StoreError};
use crate::interview::{Answers, HouseholdFacts, Slot, State, failures, settle};
use crate::survey::{Mode, Survey};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Draft,
    Complete,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Complete => "complete",
        }
    }

    fn parse(s: &str) -> Status {
        if s == "complete" {
            Status::Complete
        } else {
            Status::Draft
        }
    }
}

/// The audit field that records status changes (question names cannot
/// start with `@`).
pub const STATUS_FIELD: &str = "@status";

/// One interview of one household for one survey snapshot.
#[derive(Clone, Debug)]
pub struct Interview {
    pub id: i64,
    pub uuid: Uuid,
    pub household: Household,
    pub snapshot: i64,
    pub survey: Rc<Survey>,
    pub interviewer: String,
    pub device: String,
    pub status: Status,
    pub started_at: i64,
    pub updated_at: i64,
    /// The clock stamp of its last change (see [`super::clock`]).
    pub stamp: i64,
    pub completed_at: Option<i64>,
    pub answers: Answers,
}

impl Interview {
    /// What its expressions read: its household's record and when it
    /// began.
    pub fn facts(&self) -> HouseholdFacts {
        HouseholdFacts {
            started_at: self.started_at,
            ..self.household.facts()
        }
    }
}

/// One change in the audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub at: i64,
    pub interviewer: String,
    pub device: String,
}

pub(crate) fn encode_answers(answers: &Answers) -> String {
    serde_json::to_string(answers).unwrap_or_else(|_| "{}".into())
}

/// Answers as stored. Damage is [`StoreError::Damaged`]: the public store
/// method it is found in names the file (`Store::located`).
pub(crate) fn decode_answers(json: &str) -> Result<Answers> {
    serde_json::from_str(json).map_err(|e| StoreError::Damaged {
        detail: format!("answers of an interview: {e}"),
    })
}

/// The stored text of the hits of a complete interview, computed from
/// its answers, for statements that bind it as it is (see [`NeedHits`]).
pub(super) fn compute_hits(survey: &Survey, answers: &Answers, facts: &HouseholdFacts) -> String {
    NeedHits::compute(survey, answers, facts).encode()
}

const SELECT: &str =
    "SELECT i.id, i.uuid, h.code, i.snapshot_id, i.interviewer, i.device, i.status,
    i.started_at, i.updated_at, i.completed_at, i.answers, i.stamp FROM interview i
    JOIN household h ON h.id = i.household_id";

/// The id of the household's most recently changed interview for the
/// survey `survey.id` (of any version) in the round that is current on
/// `conn` (none before the first round).
fn latest_interview(
    conn: &rusqlite::Connection,
    household_id: i64,
    survey: &Survey,
) -> Result<Option<i64>> {
    match super::round::current_round(conn)? {
        Some(round) => latest_in_round(conn, household_id, survey, round.id),
        None => Ok(None),
    }
}

/// [`latest_interview`] in round `round`.
fn latest_in_round(
    conn: &rusqlite::Connection,
    household_id: i64,
    survey: &Survey,
    round: i64,
) -> Result<Option<i64>> {
    // A visit form is filled again at every visit: only a visit still in
    // progress is taken up.
    let sql = match survey.mode {
        Mode::Once => {
            "SELECT i.id FROM interview i JOIN snapshot s ON s.id = i.snapshot_id
             WHERE i.household_id = ?1 AND s.survey = ?2 AND i.round_id = ?3
             ORDER BY i.updated_at DESC, i.id DESC LIMIT 1"
        }
        Mode::Visit => {
            "SELECT i.id FROM interview i JOIN snapshot s ON s.id = i.snapshot_id
             WHERE i.household_id = ?1 AND s.survey = ?2 AND i.round_id = ?3 AND i.status = 'draft'
             ORDER BY i.updated_at DESC, i.id DESC LIMIT 1"
        }
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row(params![household_id, survey.id, round], |r| r.get(0))
        .optional()?)
}

impl Store {
    fn read_interview(
        &self,
        where_clause: &str,
        param: &dyn rusqlite::ToSql,
    ) -> Result<Option<Interview>> {
        type Raw = (
            i64,
            Vec<u8>,
            String,
            i64,
            String,
            String,
            String,
            i64,
            i64,
            Option<i64>,
            String,
            i64,
        );
        let raw: Option<Raw> = self
            .conn
            .prepare_cached(&format!("{SELECT} WHERE {where_clause}"))?
            .query_row([param], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                ))
            })
            .optional()?;
        let Some((
            id,
            uuid,
            code,
            snapshot,
            interviewer,
            device,
            status,
            started,
            updated,
            completed,
            answers,
            stamp,
        )) = raw
        else {
            return Ok(None);
        };
        let household = self
            .household(&code)?
            .ok_or(StoreError::UnknownHousehold(code))?;
        Ok(Some(Interview {
            id,
            uuid: Uuid::from_slice(&uuid).unwrap_or_default(),
            household,
            snapshot,
            survey: self.snapshot_survey(snapshot)?,
            interviewer,
            device,
            status: Status::parse(&status),
            started_at: started,
            updated_at: updated,
            stamp,
            completed_at: completed,
            answers: decode_answers(&answers)?,
        }))
    }

    pub fn interview(&self, id: i64) -> Result<Interview> {
        self.located(|| {
            self.read_interview("i.id = ?1", &id)?
                .ok_or_else(|| StoreError::UnknownInterview(id.to_string()))
        })
    }

    /// What [`Store::open_interview`] would open, without writing anything:
    /// the household's most recently changed interview for this survey, or
    /// `None` when there is none yet. The app shows a survey not begun
    /// from this and writes the interview only with its first answer, so
    /// opening a survey and leaving it leaves nothing behind.
    pub fn find_interview(&self, household: &str, survey: &Survey) -> Result<Option<Interview>> {
        self.located(|| {
            let household_id = self.household_id(household)?;
            latest_interview(&self.conn, household_id, survey)?
                .map(|id| self.interview(id))
                .transpose()
        })
    }

    fn household_id(&self, code: &str) -> Result<i64> {
        self.conn
            .prepare_cached("SELECT id FROM household WHERE code = ?1")?
            .query_row([code], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::UnknownHousehold(code.to_string()))
    }

    /// The household's most recently changed interview for this survey (of
    /// any version), or a new draft answered with `survey` when there is
    /// none; for a visit form, its visit in progress, or a new one. An interview begun with an older version goes on with that
    /// version, so its answers keep their meaning.
    pub fn open_interview(
        &self,
        household: &str,
        survey: &Survey,
        interviewer: &str,
    ) -> Result<Interview> {
        self.located(|| {
            let household_id = self.household_id(household)?;
            if let Some(id) = latest_interview(&self.conn, household_id, survey)? {
                return self.interview(id);
            }
            let snapshot = self.register_survey(survey)?;
            let uuid = Uuid::now_v7();
            let tx = self.write()?;
            // Asked again under the write lock: another program on this file
            // may have started the interview, or opened a round, in between.
            let round = self.round_for_new(&tx)?;
            if let Some(id) = latest_in_round(&tx, household_id, survey, round)? {
                drop(tx);
                return self.interview(id);
            }
            let now = self.tick();
            let stamp = self.stamp(&tx, 0)?;
            tx.execute(
                "INSERT INTO interview (uuid, household_id, snapshot_id, interviewer, device, status,
                 started_at, updated_at, answers, stamp, round_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?6, '{}', ?7, ?8)",
                params![
                    uuid.as_bytes().as_slice(),
                    household_id,
                    snapshot,
                    interviewer,
                    self.device,
                    now,
                    stamp,
                    round
                ],
            )?;
            let id = tx.last_insert_rowid();
            self.commit(tx)?;
            self.interview(id)
        })
    }

    /// Validates and saves one answer (`None` clears it) in its own durable
    /// transaction, with an audit entry. Returns the canonical text stored.
    /// Saving the value already stored changes nothing and adds no entry.
    pub fn save_answer(
        &self,
        id: i64,
        question: &str,
        raw: Option<&str>,
        interviewer: &str,
    ) -> Result<Option<String>> {
        self.located(|| {
            // Read, check and write in one write transaction, so that a change
            // made by another program in between is never overwritten.
            let tx = self.write()?;
            let mut interview = self.interview(id)?;
            if interview.status == Status::Complete {
                return Err(StoreError::Completed);
            }
            let survey = Rc::clone(&interview.survey);
            let slot = Slot::of_key(&survey, question)
                .filter(|s| (s.row > 0) == survey.roster_of(s.index).is_some())
                .ok_or_else(|| StoreError::UnknownQuestion(question.to_string()))?;
            let facts = interview.facts();
            let new = match raw {
                Some(raw) => {
                    Some(State::new(&survey, &interview.answers, &facts).accept_at(slot, raw)?)
                }
                None => None,
            };
            let old = interview.answers.get(question).cloned();
            if old == new {
                return Ok(new);
            }
            match &new {
                Some(v) => interview.answers.insert(question.to_string(), v.clone()),
                None => interview.answers.remove(question),
            };
            // The calculations follow the answer, in the same write.
            settle(&survey, &mut interview.answers, &facts);
            let now = self.tick_after(interview.updated_at);
            let stamp = self.stamp(&tx, interview.stamp)?;
            // Cached statements: a save is the app's most frequent write.
            tx.prepare_cached(
                "UPDATE interview SET answers = ?2, updated_at = ?3, stamp = ?4 WHERE id = ?1",
            )?
            .execute(params![id, encode_answers(&interview.answers), now, stamp])?;
            let entry = super::audit::Entry {
                interview: interview.uuid.as_bytes().as_slice(),
                field: question,
                old: old.as_deref(),
                new: new.as_deref(),
                at: now,
                interviewer,
                device: &self.device,
                stamp,
            };
            super::audit::insert(&tx, &entry, super::audit::Again::Refuse)?;
            self.commit(tx)?;
            Ok(new)
        })
    }

    /// Marks the interview complete and stores its need hits. Refused, with
    /// the list, while a relevant required question is unanswered or a
    /// relevant answer breaks its question's type, bounds or constraint:
    /// every answer is checked again here, because one accepted earlier
    /// may fail after an answer it depends on changed.
    pub fn complete(&self, id: i64, interviewer: &str) -> Result<NeedHits> {
        self.located(|| {
            let tx = self.write()?;
            let mut interview = self.interview(id)?;
            if interview.status == Status::Complete {
                return self.hits(id);
            }
            let facts = interview.facts();
            // Completed without an answer saved first (a questionnaire of
            // calculations alone, say): its calculations are stored here.
            if settle(&interview.survey, &mut interview.answers, &facts) {
                tx.execute(
                    "UPDATE interview SET answers = ?2 WHERE id = ?1",
                    params![id, encode_answers(&interview.answers)],
                )?;
            }
            let failures = failures(&interview.survey, &interview.answers, &facts);
            if !failures.is_empty() {
                return Err(StoreError::Incomplete { failures });
            }
            let hits = NeedHits::compute(&interview.survey, &interview.answers, &facts);
            self.set_status(&tx, &interview, Status::Complete, &hits, interviewer)?;
            self.commit(tx)?;
            Ok(hits)
        })
    }

    /// Opens a completed interview again for correction; it counts as a
    /// draft (and not in priorities) until completed again.
    pub fn reopen(&self, id: i64, interviewer: &str) -> Result<()> {
        self.located(|| {
            let tx = self.write()?;
            let interview = self.interview(id)?;
            if interview.status == Status::Draft {
                return Ok(());
            }
            self.set_status(
                &tx,
                &interview,
                Status::Draft,
                &NeedHits::default(),
                interviewer,
            )?;
            self.commit(tx)?;
            Ok(())
        })
    }

    /// Writes a status change and its audit entry inside `tx`.
    pub(super) fn set_status(
        &self,
        tx: &rusqlite::Transaction<'_>,
        interview: &Interview,
        status: Status,
        hits: &NeedHits,
        interviewer: &str,
    ) -> Result<()> {
        let now = self.tick_after(interview.updated_at);
        let stamp = self.stamp(tx, interview.stamp)?;
        let completed = (status == Status::Complete).then_some(now);
        tx.execute(
            "UPDATE interview SET status = ?2, hits = ?3, completed_at = ?4, updated_at = ?5, stamp = ?6
             WHERE id = ?1",
            params![interview.id, status.as_str(), hits.encode(), completed, now, stamp],
        )?;
        let entry = super::audit::Entry {
            interview: interview.uuid.as_bytes().as_slice(),
            field: STATUS_FIELD,
            old: Some(interview.status.as_str()),
            new: Some(status.as_str()),
            at: now,
            interviewer,
            device: &self.device,
            stamp,
        };
        super::audit::insert(tx, &entry, super::audit::Again::Refuse)?;
        Ok(())
    }

    /// Every change of the interview, oldest first.
    pub fn audit(&self, id: i64) -> Result<Vec<AuditEntry>> {
        self.located(|| {
            let interview = self.interview(id)?;
            let mut stmt = self.conn.prepare(
                "SELECT field, old, new, at, interviewer, device FROM audit
             WHERE interview = ?1 ORDER BY at, id",
            )?;
            let rows = stmt.query_map([interview.uuid.as_bytes().as_slice()], |r| {
                Ok(AuditEntry {
                    field: r.get(0)?,
                    old: r.get(1)?,
                    new: r.get(2)?,
                    at: r.get(3)?,
                    interviewer: r.get(4)?,
                    device: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The stored need hits of an interview, read back with their
    /// severities; none for a draft.
    pub fn hits(&self, id: i64) -> Result<NeedHits> {
        self.located(|| {
            let text: String =
                self.conn
                    .query_row("SELECT hits FROM interview WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })?;
            NeedHits::decode(&text).map_err(|e| StoreError::Corrupt {
                path: self.path.clone(),
                detail: format!("{e} of interview {id}"),
            })
        })
    }

    /// Computes again, after a household's registry record (which
    /// expressions may read) changed, the calculations of its interviews
    /// and the stored hits of the complete ones; inside the caller's
    /// transaction.
    pub(crate) fn recompute_household_hits(&self, code: &str) -> Result<()> {
        let Some(household) = self.household(code)? else {
            return Ok(());
        };
        let rows: Vec<(i64, i64, String, i64, String)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT i.id, i.snapshot_id, i.answers, i.started_at, i.status
                 FROM interview i JOIN household h ON h.id = i.household_id
                 WHERE h.code = ?1",
            )?;
            let rows = stmt.query_map([code], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, snapshot, answers, started_at, status) in rows {
            let survey = self.snapshot_survey(snapshot)?;
            let mut answers = decode_answers(&answers)?;
            let facts = HouseholdFacts {
                started_at,
                ..household.facts()
            };
            if settle(&survey, &mut answers, &facts) {
                self.conn.execute(
                    "UPDATE interview SET answers = ?2 WHERE id = ?1",
                    params![id, encode_answers(&answers)],
                )?;
            }
            if status == Status::Complete.as_str() {
                let hits = compute_hits(&survey, &answers, &facts);
                self.conn.execute(
                    "UPDATE interview SET hits = ?2 WHERE id = ?1",
                    params![id, hits],
                )?;
            }
        }
        Ok(())
    }
}

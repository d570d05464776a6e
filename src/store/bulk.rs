//! Interviews written in bulk (the demo county): checked like completing
//! where they are made, written with one insert each, their household's
//! record read once.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::hits::NeedHits;
use super::interview::{Status, encode_answers};
use super::kept::{Counted, Fresh, counted_household};
use super::priorities::said_of_text;
use super::{Result, Store, StoreError};
use crate::interview::{Answers, HouseholdFacts, State, settle, store_calculations};
use crate::survey::Survey;

/// A finished or partly finished interview to write in bulk (the demo
/// county). A complete one is made only by [`NewInterview::complete`],
/// which checks it as [`Store::complete`] does and computes its need hits,
/// so the check runs where the answers are drawn (on the demo's drawing
/// thread) and writing stays a plain insert. Answers and hits are held
/// encoded, as stored: the writing thread then frees a string or two each
/// instead of every value, which on a second thread contends with the
/// drawing threads' allocations.
#[derive(Clone, Debug)]
pub struct NewInterview {
    pub uuid: Uuid,
    pub household: String,
    pub snapshot: i64,
    pub interviewer: String,
    pub started_at: i64,
    pub updated_at: i64,
    /// The answers, encoded as stored.
    answers: String,
    /// The need hits of a complete interview, encoded as stored; `None`
    /// for a draft.
    hits: Option<String>,
    /// What a complete interview says of the urgency (as the kept counts
    /// read it); -1 for a draft.
    said: i8,
}

/// Who, when and where an interview written in bulk was made.
#[derive(Clone, Debug)]
pub struct Made {
    pub uuid: Uuid,
    pub household: String,
    /// The snapshot of the questionnaire the answers follow.
    pub snapshot: i64,
    pub interviewer: String,
    pub started_at: i64,
    pub updated_at: i64,
}

impl Made {
    /// What the interview's expressions read: the household's record and
    /// when it began.
    fn facts(&self, household: &HouseholdFacts) -> HouseholdFacts {
        HouseholdFacts {
            started_at: self.started_at,
            ..household.clone()
        }
    }
}

impl NewInterview {
    /// Whether it is written complete (with its need hits).
    pub fn is_complete(&self) -> bool {
        self.hits.is_some()
    }

    /// A draft: answers accepted one by one by [`State::accept`], not
    /// necessarily all of them.
    pub fn draft(
        made: Made,
        survey: &Survey,
        household: &HouseholdFacts,
        mut answers: Answers,
    ) -> Self {
        settle(survey, &mut answers, &made.facts(household));
        Self::new(made, answers, None, -1)
    }

    /// A complete interview of `survey` (the questionnaire of
    /// `made.snapshot`) for a household with the record `household`,
    /// refused as [`Store::complete`] refuses when a required answer is
    /// missing or a check fails; its expressions read when it began too.
    pub fn complete(
        made: Made,
        survey: &Survey,
        household: &HouseholdFacts,
        mut answers: Answers,
    ) -> Result<Self> {
        let facts = &made.facts(household);
        // One reading of the answers gives the calculations, what fails
        // and the hits: a calculation's value is computed, never read
        // from what is stored of it.
        let (computed, failures, hits) = {
            let state = State::new(survey, &answers, facts);
            (
                state.calculations(),
                state.failures(),
                NeedHits::of_state(&state),
            )
        };
        if !failures.is_empty() {
            return Err(StoreError::Incomplete { failures });
        }
        store_calculations(survey, &mut answers, computed);
        let said = said_of_text(
            answers
                .get(super::priorities::URGENCY_QUESTION)
                .map(String::as_str),
        );
        Ok(Self::new(made, answers, Some(hits.encode()), said))
    }

    fn new(made: Made, answers: Answers, hits: Option<String>, said: i8) -> Self {
        let Made {
            uuid,
            household,
            snapshot,
            interviewer,
            started_at,
            updated_at,
        } = made;
        NewInterview {
            uuid,
            household,
            snapshot,
            interviewer,
            started_at,
            updated_at,
            answers: encode_answers(&answers),
            hits,
            said,
        }
    }
}

impl Store {
    /// Writes many interviews in one transaction, complete ones with the
    /// need hits [`NewInterview::complete`] computed after checking them.
    /// Used for generated data, which has no history: no audit entries are
    /// written. They belong to the open round (see [`Store::open_interview`]).
    /// The counts kept of a household that had no interview in the round
    /// before, and whose interviews come together in `batch`, are made
    /// from what is written; any other household's are read back.
    pub fn insert_interviews(&self, batch: &[NewInterview]) -> Result<()> {
        self.located(|| {
            let tx = self.write()?;
            let round = self.round_for_new(&tx)?;
            let mut fresh = Fresh::default();
            {
                let mut household = tx.prepare(
                    "SELECT id, code, township, village, grp, members FROM household WHERE code = ?1",
                )?;
                let mut had = tx.prepare(
                    "SELECT EXISTS (SELECT 1 FROM interview WHERE household_id = ?1 AND round_id = ?2)",
                )?;
                let mut insert = tx.prepare(
                    "INSERT INTO interview (uuid, household_id, snapshot_id, interviewer, device, status,
                     started_at, updated_at, completed_at, answers, hits, stamp, round_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )?;
                // Interviews of one household come together: its record
                // is read once.
                let mut last: Option<(&str, i64, bool)> = None;
                for new in batch {
                    let (household_id, counted) = match last {
                        Some((code, id, counted)) if code == new.household => (id, counted),
                        _ => {
                            let record = household
                                .query_row([&new.household], |r| {
                                    Ok((r.get::<_, i64>(0)?, counted_household(r, 1)?))
                                })
                                .optional()?
                                .ok_or_else(|| {
                                    StoreError::UnknownHousehold(new.household.clone())
                                })?;
                            let (id, record) = record;
                            // One with interviews in the round already (or
                            // earlier in this batch): its counts are read
                            // back.
                            let before: bool = had.query_row(params![id, round], |r| r.get(0))?;
                            (id, fresh.start((id, round), record, before))
                        }
                    };
                    last = Some((&new.household, household_id, counted));
                    let status = match new.hits {
                        Some(_) => Status::Complete,
                        None => Status::Draft,
                    };
                    insert.execute(params![
                        new.uuid.as_bytes().as_slice(),
                        household_id,
                        new.snapshot,
                        new.interviewer,
                        self.device,
                        status.as_str(),
                        new.started_at,
                        new.updated_at,
                        new.hits.is_some().then_some(new.updated_at),
                        new.answers,
                        new.hits.as_deref().unwrap_or_default(),
                        super::clock::from_ms(new.updated_at),
                        round
                    ])?;
                    if counted {
                        fresh.add(
                            (household_id, round),
                            Counted {
                                complete: new.hits.is_some(),
                                snapshot: new.snapshot,
                                hits: new.hits.clone().unwrap_or_default(),
                                when: new.hits.is_some().then_some(new.updated_at),
                                id: tx.last_insert_rowid(),
                                said: new.said,
                            },
                        );
                    }
                }
            }
            self.commit_fresh(tx, fresh)
        })
    }
}

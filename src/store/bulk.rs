//! Interviews written in bulk (the demo county): checked like completing
//! where they are made, written with one insert each, their household's
//! record read once.

use std::borrow::Cow;
use std::collections::HashMap;

use rusqlite::config::DbConfig;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::hits::{NeedHits, push_counted_entry};
use super::household::Household;
use super::interview::{Status, encode_answers};
use super::kept::{Counted, Fresh, counted_household};
use super::priorities::said_of_text;
use super::{Result, Store, StoreError};
use crate::interview::{Answers, HouseholdFacts, Known, State, settle, store_calculations};
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
    pub fn facts(&self, household: &HouseholdFacts) -> HouseholdFacts {
        HouseholdFacts {
            started_at: self.started_at,
            ..household.clone()
        }
    }

    /// [`Made::facts`], borrowed when `household` says so already.
    fn facts_of<'h>(&self, household: &'h HouseholdFacts) -> Cow<'h, HouseholdFacts> {
        if household.started_at == self.started_at {
            Cow::Borrowed(household)
        } else {
            Cow::Owned(self.facts(household))
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
        settle(survey, &mut answers, &made.facts_of(household));
        Self::new(made, answers, None, -1)
    }

    /// A complete interview of `survey` (the questionnaire of
    /// `made.snapshot`) for a household with the record `household`,
    /// refused as [`Store::complete`] refuses when a required answer is
    /// missing or a check fails; its expressions read when it began too.
    /// `known` is what a state of these very answers (read with
    /// [`Made::facts`]) worked out of relevance and rosters' counts, as
    /// drawing them did, or nothing; calculations, checks and need rules
    /// are all worked out here.
    pub fn complete(
        made: Made,
        survey: &Survey,
        household: &HouseholdFacts,
        (mut answers, known): (Answers, Known),
    ) -> Result<Self> {
        let facts = &made.facts_of(household);
        // One reading of the answers gives the calculations, what fails
        // and the hits: a calculation's value is computed, never read
        // from what is stored of it.
        let (computed, failures, hits) = {
            let state = State::with_known(survey, &answers, facts, known);
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

/// Interviews written per `INSERT`: SQLite copies each page a statement
/// changes into its statement journal once per statement, so a statement
/// of many rows copies the table's and indexes' last pages once rather
/// than once a row.
const ROWS_PER_INSERT: usize = 128;

/// The columns of an interview written in bulk, in the order
/// [`Store::insert_drawn`] binds them.
const INTERVIEW_COLUMNS: &str = "INSERT INTO interview (id, uuid, household_id, snapshot_id, \
     interviewer, device, status, started_at, updated_at, completed_at, answers, hits, stamp, \
     round_id) VALUES ";
const INTERVIEW_PARAMS: usize = 14;
/// The columns of a household registered in bulk, in the order
/// [`Store::insert_drawn`] binds them.
const HOUSEHOLD_COLUMNS: &str = "INSERT INTO household (id, code, township, village, grp, head, \
     members, phone, cadre, notes, updated_at, stamp, device, cadre_code, unit) VALUES ";
const HOUSEHOLD_PARAMS: usize = 15;

/// `INSERT INTO … VALUES (…), (…)` of `rows` rows of `params` parameters.
fn insert_statement(columns: &str, params: usize, rows: usize) -> String {
    let mut sql = String::from(columns);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..params {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("?{}", row * params + column + 1));
        }
        sql.push(')');
    }
    sql
}

/// `rows` in whole statements of [`ROWS_PER_INSERT`], then the rest one
/// by one: two statements, each prepared once for every batch, whatever
/// its size. Each chunk's rows are bound by `bind` (from parameter
/// `row * params + 1`) and written.
fn insert_in_chunks<T>(
    tx: &rusqlite::Transaction<'_>,
    (columns, params, tail): (&str, usize, &str),
    rows: &[T],
    mut bind: impl FnMut(&mut rusqlite::Statement<'_>, usize, &T) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let whole = rows.len() - rows.len() % ROWS_PER_INSERT;
    // Each statement is held for all its chunks: handing it back to the
    // cache clears every one of its parameters.
    let statements = [(&rows[..whole], ROWS_PER_INSERT), (&rows[whole..], 1)];
    for (rows, per) in statements {
        if rows.is_empty() {
            continue;
        }
        let mut insert = tx.prepare_cached(&(insert_statement(columns, params, per) + tail))?;
        for chunk in rows.chunks(per) {
            for (row, item) in chunk.iter().enumerate() {
                bind(&mut insert, row * params, item)?;
            }
            insert.raw_execute()?;
        }
    }
    Ok(())
}

/// The tables a bulk write writes while triggers are off.
pub const WRITTEN_WITHOUT_TRIGGERS: [&str; 6] = [
    "household",
    "interview",
    "meta",
    "counted",
    "kept_dirty",
    "kept_registry",
];

/// The triggers that fire when an interview or a household is inserted
/// (migrations 8 and 9). A bulk write turns triggers off for its inserts
/// and does their work itself ([`did_insert_triggers`]), once per household
/// and village rather than once per row; a test holds every trigger on
/// [`WRITTEN_WITHOUT_TRIGGERS`] to this list (and these to their text),
/// so that a trigger added or changed later is not passed by.
pub const INSERT_TRIGGERS: [&str; 3] = [
    "counted_insert",
    "kept_household_insert",
    "kept_interview_insert",
];

/// Triggers turned off on a connection until [`TriggersOff::on`] or until
/// dropped, however the write ends.
struct TriggersOff<'c>(&'c rusqlite::Connection);

impl<'c> TriggersOff<'c> {
    fn new(conn: &'c rusqlite::Connection) -> rusqlite::Result<Self> {
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
        Ok(TriggersOff(conn))
    }

    /// Triggers on again, a failure said.
    fn on(self) -> rusqlite::Result<()> {
        self.0
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true)
            .map(drop)
    }
}

impl Drop for TriggersOff<'_> {
    fn drop(&mut self) {
        // Setting a known option does not fail; `on` says it if it did.
        let _ = self
            .0
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true);
    }
}

/// What [`INSERT_TRIGGERS`] would have done for `registry` newly inserted
/// and `rows` inserted in `round`: the households registered per village
/// counted, each household's complete interviews listed in `counted`
/// (from `fresh`, in the order written, as the trigger appends them, for
/// a household whose every interview of the round was written here;
/// listed again from the file otherwise, as the trigger on changing an
/// interview lists them), and each household marked to be folded in.
fn did_insert_triggers(
    tx: &rusqlite::Transaction<'_>,
    round: i64,
    (registry, rows): (&[Household], &[Row<'_>]),
    fresh: &Fresh,
) -> rusqlite::Result<()> {
    let mut villages: HashMap<(&str, &str), i64> = HashMap::new();
    for h in registry {
        *villages.entry((&h.township, &h.village)).or_default() += 1;
    }
    let mut registered = tx.prepare_cached(
        "INSERT INTO kept_registry (township, village, registered) VALUES (?1, ?2, ?3)
         ON CONFLICT DO UPDATE SET registered = registered + excluded.registered",
    )?;
    for ((township, village), n) in villages {
        registered.execute(params![township, village, n])?;
    }
    let mut listed: Vec<(i64, String)> = fresh
        .households()
        .filter_map(|((id, _), interviews)| {
            let mut entries = String::new();
            for c in interviews.iter().filter(|c| c.complete) {
                push_counted_entry(&mut entries, c.snapshot, &c.hits);
            }
            (!entries.is_empty()).then_some((id, entries))
        })
        .collect();
    listed.sort_unstable();
    let mut again: Vec<i64> = rows
        .iter()
        .filter(|r| !r.counted)
        .map(|r| r.household_id)
        .collect();
    again.sort_unstable();
    again.dedup();
    let mut marked: Vec<i64> = fresh.households().map(|((id, _), _)| id).collect();
    marked.extend(&again);
    marked.sort_unstable();
    // Marks and lists written many to a statement, as the interviews are.
    let marks = (
        "INSERT OR IGNORE INTO kept_dirty (round_id, household_id) VALUES ",
        2,
        "",
    );
    insert_in_chunks(tx, marks, &marked, |insert, at, &id| {
        insert.raw_bind_parameter(at + 1, round)?;
        insert.raw_bind_parameter(at + 2, id)
    })?;
    let lists = (
        "INSERT INTO counted (round_id, household_id, interviews) VALUES ",
        3,
        super::schema::COUNTED_APPEND,
    );
    insert_in_chunks(tx, lists, &listed, |insert, at, (id, entries)| {
        insert.raw_bind_parameter(at + 1, round)?;
        insert.raw_bind_parameter(at + 2, *id)?;
        insert.raw_bind_parameter(at + 3, entries)
    })?;
    let mut forget =
        tx.prepare_cached("DELETE FROM counted WHERE round_id = ?1 AND household_id = ?2")?;
    let mut recount = tx.prepare_cached(super::schema::RECOUNT_HOUSEHOLD)?;
    for id in again {
        forget.execute(params![round, id])?;
        recount.execute(params![round, id])?;
    }
    Ok(())
}

/// An interview as written in bulk: its id, its household's, and whether
/// its household's counts are made from what is written.
#[derive(Clone, Copy)]
struct Row<'b> {
    id: i64,
    new: &'b NewInterview,
    household_id: i64,
    counted: bool,
}

impl Store {
    /// Writes many interviews of stored households in one transaction
    /// (see [`Store::insert_drawn`]).
    pub fn insert_interviews(&self, batch: &[NewInterview]) -> Result<()> {
        self.insert_drawn(&[], batch)
    }

    /// Registers households new to the file and writes many interviews
    /// (of these or of stored households) in one transaction, complete
    /// ones with the need hits [`NewInterview::complete`] computed after
    /// checking them: the demo county's batches. A household whose code
    /// is stored already, or comes twice, is refused with
    /// [`StoreError::HouseholdExists`], and nothing is written. Generated
    /// data has no history: no audit entries are written. Interviews
    /// belong to the open round (see [`Store::open_interview`]). The
    /// counts kept of a household that had no interview in the round
    /// before are made from what is written; any other household's are
    /// read back.
    pub fn insert_drawn(&self, registry: &[Household], batch: &[NewInterview]) -> Result<()> {
        self.located(|| {
            let tx = self.write()?;
            let round = self.round_for_new(&tx)?;
            // The insert triggers' work is done below, once per household.
            // No statement is running while triggers are turned off or on:
            // SQLite expires every prepared statement then, and one that
            // was running would be aborted.
            let triggers = TriggersOff::new(&tx)?;
            let registered = self.register_new(&tx, registry)?;
            let mut fresh = Fresh::default();
            // Each interview's id (in order after the last, as SQLite
            // would give them), its household and whether its counts are
            // made from what is written, found before anything is.
            let first_id: i64 =
                tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM interview", [], |r| {
                    r.get(0)
                })?;
            let mut rows: Vec<Row<'_>> = Vec::with_capacity(batch.len());
            {
                let mut household = tx.prepare(
                    "SELECT id, code, township, village, grp, members FROM household WHERE code = ?1",
                )?;
                let mut had = tx.prepare(
                    "SELECT EXISTS (SELECT 1 FROM interview WHERE household_id = ?1 AND round_id = ?2)",
                )?;
                // A stored household: its id, its record, and whether it
                // has interviews in the round already.
                let mut stored = |code: &str| -> Result<(i64, crate::priority::Household, bool)> {
                    let (id, record) = household
                        .query_row([code], |r| Ok((r.get::<_, i64>(0)?, counted_household(r, 1)?)))
                        .optional()?
                        .ok_or_else(|| StoreError::UnknownHousehold(code.to_string()))?;
                    let before: bool = had.query_row(params![id, round], |r| r.get(0))?;
                    Ok((id, record, before))
                };
                // Interviews of one household come together: its record
                // is read once (one registered here is known, without
                // interviews). Nothing is written yet, so a household met
                // again further on starts again, and its counts are made
                // from all its interviews in the batch.
                let mut last: Option<(&str, i64, bool)> = None;
                for (i, new) in batch.iter().enumerate() {
                    let (household_id, counted) = match last {
                        Some((code, id, counted)) if code == new.household => (id, counted),
                        _ => {
                            let (id, record, before) = match registered.get(new.household.as_str())
                            {
                                Some((id, record)) => (*id, record.clone(), false),
                                None => stored(&new.household)?,
                            };
                            (id, fresh.start((id, round), record, before))
                        }
                    };
                    last = Some((&new.household, household_id, counted));
                    rows.push(Row {
                        id: first_id.saturating_add(i as i64),
                        new,
                        household_id,
                        counted,
                    });
                }
            }
            let columns = (INTERVIEW_COLUMNS, INTERVIEW_PARAMS, "");
            insert_in_chunks(&tx, columns, &rows, |insert, at, row| {
                let Row {
                    id,
                    new,
                    household_id,
                    ..
                } = *row;
                let complete = new.hits.is_some();
                let status = if complete {
                    Status::Complete
                } else {
                    Status::Draft
                };
                insert.raw_bind_parameter(at + 1, id)?;
                insert.raw_bind_parameter(at + 2, new.uuid.as_bytes().as_slice())?;
                insert.raw_bind_parameter(at + 3, household_id)?;
                insert.raw_bind_parameter(at + 4, new.snapshot)?;
                insert.raw_bind_parameter(at + 5, &new.interviewer)?;
                insert.raw_bind_parameter(at + 6, &self.device)?;
                insert.raw_bind_parameter(at + 7, status.as_str())?;
                insert.raw_bind_parameter(at + 8, new.started_at)?;
                insert.raw_bind_parameter(at + 9, new.updated_at)?;
                insert.raw_bind_parameter(at + 10, complete.then_some(new.updated_at))?;
                insert.raw_bind_parameter(at + 11, &new.answers)?;
                insert.raw_bind_parameter(at + 12, new.hits.as_deref().unwrap_or_default())?;
                insert.raw_bind_parameter(at + 13, super::clock::from_ms(new.updated_at))?;
                insert.raw_bind_parameter(at + 14, round)
            })?;
            for row in rows.iter().filter(|r| r.counted) {
                let new = row.new;
                fresh.add(
                    (row.household_id, round),
                    Counted {
                        complete: new.hits.is_some(),
                        snapshot: new.snapshot,
                        hits: new.hits.clone().unwrap_or_default(),
                        when: new.hits.is_some().then_some(new.updated_at),
                        id: row.id,
                        said: new.said,
                    },
                );
            }
            did_insert_triggers(&tx, round, (registry, &rows), &fresh)?;
            triggers.on()?;
            self.commit_fresh(tx, fresh)
        })
    }

    /// Inserts households new to the file, with ids in order after the
    /// last, as registering them one by one gives; their ids and records
    /// as counts read them, by code. A code stored already, or twice in
    /// `registry`, is refused.
    fn register_new<'h>(
        &self,
        tx: &rusqlite::Transaction<'_>,
        registry: &'h [Household],
    ) -> Result<HashMap<&'h str, (i64, crate::priority::Household)>> {
        let mut registered = HashMap::with_capacity(registry.len());
        if registry.is_empty() {
            return Ok(registered);
        }
        let first: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM household", [], |r| {
                r.get(0)
            })?;
        let rows: Vec<(i64, &Household)> = registry
            .iter()
            .enumerate()
            .map(|(i, h)| (first.saturating_add(i as i64), h))
            .collect();
        for &(id, h) in &rows {
            let record = crate::priority::Household {
                code: h.code.as_str().into(),
                township: h.township.as_str().into(),
                village: h.village.as_str().into(),
                group: h.group.as_str().into(),
                members: h.members,
            };
            if registered.insert(h.code.as_str(), (id, record)).is_some() {
                return Err(StoreError::HouseholdExists(h.code.clone()));
            }
        }
        // One change of the registry: one stamp for all its rows.
        let (now, stamp) = (self.now(), self.stamp(tx, 0)?);
        let columns = (HOUSEHOLD_COLUMNS, HOUSEHOLD_PARAMS, "");
        let written = insert_in_chunks(tx, columns, &rows, |insert, at, &(id, h)| {
            insert.raw_bind_parameter(at + 1, id)?;
            insert.raw_bind_parameter(at + 2, &h.code)?;
            insert.raw_bind_parameter(at + 3, &h.township)?;
            insert.raw_bind_parameter(at + 4, &h.village)?;
            insert.raw_bind_parameter(at + 5, &h.group)?;
            insert.raw_bind_parameter(at + 6, &h.head)?;
            insert.raw_bind_parameter(at + 7, h.members)?;
            insert.raw_bind_parameter(at + 8, &h.phone)?;
            insert.raw_bind_parameter(at + 9, &h.cadre)?;
            insert.raw_bind_parameter(at + 10, &h.notes)?;
            insert.raw_bind_parameter(at + 11, now)?;
            insert.raw_bind_parameter(at + 12, stamp)?;
            insert.raw_bind_parameter(at + 13, &self.device)?;
            insert.raw_bind_parameter(at + 14, &h.cadre_code)?;
            insert.raw_bind_parameter(at + 15, &h.unit)
        });
        if let Err(e) = written {
            let unique = matches!(&e, rusqlite::Error::SqliteFailure(f, _)
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE);
            if !unique {
                return Err(e.into());
            }
            // A code stored before: named.
            let mut stored =
                tx.prepare("SELECT EXISTS (SELECT 1 FROM household WHERE code = ?1 AND id < ?2)")?;
            for h in registry {
                if stored.query_row(params![h.code, first], |r| r.get::<_, bool>(0))? {
                    return Err(StoreError::HouseholdExists(h.code.clone()));
                }
            }
            return Err(e.into());
        }
        Ok(registered)
    }
}

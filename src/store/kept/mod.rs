//! Counts per round and village kept as answers arrive, so that a ranking
//! reads the villages, not every household.
//!
//! Each household's counts in a round (its [`crate::priority::Sums`] of
//! one area, counted by the same tally as a full ranking) are kept in
//! `kept_household`, and each village's sum in `kept`; the households
//! registered per village are in `kept_registry`. The triggers of
//! migration 9 mark in `kept_dirty` every household whose counts change:
//! an interview completed, reopened, recomputed, merged, moved or deleted,
//! a household moved or its members changed. [`Store::fold_kept`] makes a
//! marked household's counts again and puts the difference into its
//! village; every write of the store does it before committing
//! ([`Store::commit`]), so the marks are folded in the transaction that
//! made them. The counts are laid out for the rules and questionnaire
//! versions stored when they were made (`meta.kept_layout`): when a new
//! version changes them, the counts are made again from the interviews
//! ([`Store::rebuild_kept`]), as `minqing doctor --repair` does.
//!
//! Never decides anything about priorities: it only adds up what the
//! priority core counts.

mod check;
mod codec;
mod counter;
mod coverage;
mod fresh;
mod read;

use std::collections::HashMap;
use std::fmt::Write as _;

use rusqlite::{OptionalExtension, params};

use super::priorities::said_of;
use super::priorities::versions::Versions;
use super::{Result, Store, StoreError};
use crate::priority::{By, Household, Rule, Tally};
use counter::{Counter, Slots};
pub(super) use fresh::Fresh;

/// The version of what kept counts hold: raise it whenever the counts a
/// household adds change meaning, and every file makes them again.
const KEPT_VERSION: &str = "kept 1";

/// More marked households than this are counted again from the start
/// rather than one by one.
const FOLD_AT_MOST: usize = 200_000;

/// The rules and versions kept counts are laid out for.
pub(super) struct Plan {
    pub(super) rules: Vec<Rule>,
    versions: Versions,
    fingerprint: String,
}

impl Plan {
    /// A tally of these rules, its versions numbered in the order of the
    /// stored snapshots; and each snapshot's version number.
    fn tally(&self) -> (Tally<'_>, Vec<usize>) {
        let mut tally = Tally::new(&self.rules, By::Village);
        let numbers = self
            .versions
            .snapshots
            .iter()
            .map(|(_, _, asked)| tally.version(asked))
            .collect();
        (tally, numbers)
    }
}

/// One interview as a household's counts read it.
pub(super) struct Counted {
    pub(super) complete: bool,
    pub(super) snapshot: i64,
    pub(super) hits: String,
    pub(super) when: Option<i64>,
    pub(super) id: i64,
    /// What it said of the urgency: -1 nothing, 0 not urgent, 1 urgent.
    pub(super) said: i8,
}

/// A household as its counts read it, from the columns `code, township,
/// village, grp, members` of a row, starting at column `first`.
pub(super) fn counted_household(
    r: &rusqlite::Row<'_>,
    first: usize,
) -> rusqlite::Result<Household> {
    Ok(Household {
        code: r.get::<_, String>(first)?.into(),
        township: r.get::<_, String>(first + 1)?.into(),
        village: r.get::<_, String>(first + 2)?.into(),
        group: r.get::<_, String>(first + 3)?.into(),
        members: r.get(first + 4)?,
    })
}

/// The counts of villages being changed, by round and slot, as read
/// before and as they become; and the change in their households per
/// set of questionnaires counted, by round, slot and set.
struct Villages {
    width: usize,
    cells: HashMap<(i64, i64), Vec<i64>>,
    surveys: HashMap<(i64, i64, i64, i64), i64>,
}

impl Villages {
    fn new(width: usize) -> Self {
        Villages {
            width,
            cells: HashMap::new(),
            surveys: HashMap::new(),
        }
    }
}

/// A household's counts in a round, made from its interviews: its
/// township and village, counts, and the sets of questionnaires with a
/// complete interview and with a draft.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    township: String,
    village: String,
    cells: Vec<i64>,
    surveys: i64,
    drafts: i64,
}

/// A household's counts in a round as kept: its village's slot, its
/// counts written, and the set of questionnaires counted (bit s for the
/// stored survey numbered s).
struct HouseholdCounts {
    slot: i64,
    blob: Vec<u8>,
    surveys: i64,
    drafts: i64,
}

/// Questionnaires past this many are not told apart in the sets kept;
/// the app then counts its village list from the interviews.
pub(super) const MASK_BITS: usize = 62;

/// The bit of questionnaire `s` in a set of them; none past
/// [`MASK_BITS`].
fn bit(s: usize) -> i64 {
    if s < MASK_BITS { 1 << s } else { 0 }
}

impl Store {
    /// The rules and versions stored now, and the layout of counts they
    /// make.
    pub(super) fn kept_plan(&self) -> Result<Plan> {
        let mut rules = Vec::new();
        let versions = self.versions(&mut rules)?;
        let mut fingerprint = String::from(KEPT_VERSION);
        for r in &rules {
            let _ = write!(
                fingerprint,
                "\n{}/{}/{}/{}/{}/{:?}",
                r.survey, r.name, r.category, r.severity, r.per_person, r.project
            );
        }
        for (id, s, asked) in &versions.snapshots {
            let _ = write!(fingerprint, "\n{id}:{s}:{asked:?}");
        }
        Ok(Plan {
            rules,
            versions,
            fingerprint,
        })
    }

    /// Whether the kept counts are laid out for `plan` and nothing is
    /// left to fold in.
    fn kept_current(&self, plan: &Plan) -> Result<bool> {
        Ok(self.laid_out(plan)? && !self.any_marked()?)
    }

    /// Whether the kept counts are laid out for `plan`.
    fn laid_out(&self, plan: &Plan) -> Result<bool> {
        Ok(self.meta("kept_layout")?.as_deref() == Some(plan.fingerprint.as_str()))
    }

    /// Whether any household is marked to be folded in.
    fn any_marked(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM kept_dirty)", [], |r| r.get(0))?)
    }

    /// The households marked to be folded in, as (household, round), in
    /// household order.
    fn marked(&self) -> Result<Vec<(i64, i64)>> {
        self.pairs("SELECT household_id, round_id FROM kept_dirty ORDER BY 1, 2")
    }

    /// Every (household, round) with an interview, in household order:
    /// the households whose counts there are.
    fn interviewed(&self) -> Result<Vec<(i64, i64)>> {
        self.pairs("SELECT DISTINCT household_id, round_id FROM interview ORDER BY 1, 2")
    }

    /// The (household, round) pairs `sql` selects.
    fn pairs(&self, sql: &str) -> Result<Vec<(i64, i64)>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Folds the marks in (for `plan`, or for the versions stored now),
    /// inside a savepoint of the open write transaction: when it cannot be
    /// done, what it did is undone and the marks stay. Whether it was done.
    pub(super) fn fold_or_leave(&self, plan: Option<&Plan>) -> Result<bool> {
        self.conn.execute_batch("SAVEPOINT kept_fold")?;
        let folded = match plan {
            Some(plan) => self.fold_with(plan),
            None => self.fold_kept(),
        };
        if folded.is_err() {
            self.conn.execute_batch("ROLLBACK TO kept_fold")?;
        }
        self.conn.execute_batch("RELEASE kept_fold")?;
        Ok(folded.is_ok())
    }

    /// Brings the kept counts up to date inside the open write
    /// transaction: the marked households folded in, or everything
    /// counted again when the layout changed or most households are
    /// marked.
    fn fold_kept(&self) -> Result<()> {
        if !self.any_marked()? {
            return Ok(());
        }
        let plan = self.kept_plan()?;
        self.fold_with(&plan)
    }

    fn fold_with(&self, plan: &Plan) -> Result<()> {
        if !self.laid_out(plan)? {
            return self.rebuild_with(plan);
        }
        let marked = self.marked()?;
        if marked.len() > FOLD_AT_MOST {
            return self.rebuild_with(plan);
        }
        let mut counter = Counter::new(plan);
        let mut villages = Villages::new(counter.layout().width());
        let mut old = self.conn.prepare_cached(
            "SELECT slot, sums, surveys, drafts FROM kept_household
             WHERE household_id = ?1 AND round_id = ?2",
        )?;
        for &(id, round) in &marked {
            let before: Option<HouseholdCounts> = old
                .query_row(params![id, round], |r| {
                    Ok(HouseholdCounts {
                        slot: r.get(0)?,
                        blob: r.get(1)?,
                        surveys: r.get(2)?,
                        drafts: r.get(3)?,
                    })
                })
                .optional()?;
            let now = self.household_counts(&mut counter, round, id)?;
            let changes = before
                .iter()
                .map(|b| (b, -1))
                .chain(now.iter().map(|n| (n, 1)));
            for (counts, sign) in changes {
                if self.village(&mut villages, round, counts, sign)?.is_none() {
                    // Counts not written for this layout: made again whole.
                    return self.rebuild_with(plan);
                }
            }
            match &now {
                Some(n) => {
                    self.conn
                        .prepare_cached(
                            "INSERT OR REPLACE INTO kept_household
                             (household_id, round_id, slot, sums, surveys, drafts)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        )?
                        .execute(params![id, round, n.slot, n.blob, n.surveys, n.drafts])?;
                }
                None if before.is_some() => {
                    self.conn
                        .prepare_cached(
                            "DELETE FROM kept_household WHERE household_id = ?1 AND round_id = ?2",
                        )?
                        .execute(params![id, round])?;
                }
                None => {}
            }
        }
        self.write_villages(villages)?;
        self.conn.execute("DELETE FROM kept_dirty", [])?;
        Ok(())
    }

    /// Adds a household's `counts` times `sign` to its village's in
    /// `round`, read from the file when first touched; `None` when they do
    /// not read.
    fn village(
        &self,
        villages: &mut Villages,
        round: i64,
        counts: &HouseholdCounts,
        sign: i64,
    ) -> Result<Option<()>> {
        *villages
            .surveys
            .entry((round, counts.slot, counts.surveys, counts.drafts))
            .or_insert(0) += sign;
        let width = villages.width;
        let cells = match villages.cells.entry((round, counts.slot)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut cells = vec![0; width];
                let stored: Option<Vec<u8>> = self
                    .conn
                    .prepare_cached("SELECT sums FROM kept WHERE round_id = ?1 AND slot = ?2")?
                    .query_row(params![round, counts.slot], |r| r.get(0))
                    .optional()?;
                if let Some(stored) = stored
                    && codec::add(&stored, 1, &mut cells).is_none()
                {
                    return Ok(None);
                }
                e.insert(cells)
            }
        };
        Ok(codec::add(&counts.blob, sign, cells))
    }

    fn write_villages(&self, villages: Villages) -> Result<()> {
        let mut put = self.conn.prepare_cached(
            "INSERT OR REPLACE INTO kept (round_id, slot, sums) VALUES (?1, ?2, ?3)",
        )?;
        let mut gone = self
            .conn
            .prepare_cached("DELETE FROM kept WHERE round_id = ?1 AND slot = ?2")?;
        for ((round, slot), cells) in villages.cells {
            if cells.iter().all(|&v| v == 0) {
                gone.execute(params![round, slot])?;
            } else {
                put.execute(params![round, slot, codec::encode(&cells)])?;
            }
        }
        let mut add = self.conn.prepare_cached(
            "INSERT INTO kept_surveys (round_id, slot, surveys, drafts, households)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT DO UPDATE SET households = households + excluded.households",
        )?;
        let mut gone = self.conn.prepare_cached(
            "DELETE FROM kept_surveys WHERE round_id = ?1 AND slot = ?2 AND surveys = ?3
             AND drafts = ?4 AND households = 0",
        )?;
        for ((round, slot, surveys, drafts), n) in villages.surveys {
            if n != 0 {
                add.execute(params![round, slot, surveys, drafts, n])?;
                gone.execute(params![round, slot, surveys, drafts])?;
            }
        }
        Ok(())
    }

    /// The village slot and counts of household `id` in `round`, read
    /// from its complete interviews; `None` when none counts (or the
    /// household is gone).
    fn household_counts(
        &self,
        counter: &mut Counter<'_>,
        round: i64,
        id: i64,
    ) -> Result<Option<HouseholdCounts>> {
        let Some(c) = self.counts_of(counter, round, id)? else {
            return Ok(None);
        };
        Ok(Some(HouseholdCounts {
            slot: self.slot(&mut counter.slots, &c.township, &c.village)?,
            blob: codec::encode(&c.cells),
            surveys: c.surveys,
            drafts: c.drafts,
        }))
    }

    /// The township, village and counts of household `id` in `round`;
    /// reads only.
    fn counts_of(&self, counter: &mut Counter<'_>, round: i64, id: i64) -> Result<Option<Counts>> {
        let written = self.fresh.borrow_mut().take((id, round));
        let (household, interviews) = match written {
            Some(written) => written,
            None => match self.interviews_of(round, id)? {
                Some(read) => read,
                None => return Ok(None),
            },
        };
        let counts =
            counter
                .count(&household, &interviews)
                .map_err(|detail| StoreError::Corrupt {
                    path: self.path.clone(),
                    detail,
                })?;
        Ok(counts.map(|(cells, surveys, drafts)| Counts {
            township: household.township.to_string(),
            village: household.village.to_string(),
            cells,
            surveys,
            drafts,
        }))
    }

    /// The record of household `id` and its interviews in `round`, as
    /// stored; `None` when the household is gone.
    fn interviews_of(&self, round: i64, id: i64) -> Result<Option<(Household, Vec<Counted>)>> {
        let household: Option<Household> = self
            .conn
            .prepare_cached(
                "SELECT code, township, village, grp, members FROM household WHERE id = ?1",
            )?
            .query_row([id], |r| counted_household(r, 0))
            .optional()?;
        let Some(household) = household else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT snapshot_id, hits, completed_at, id,
                 CASE WHEN status = 'complete' AND json_valid(answers)
                     THEN json_extract(answers, '$.' || ?3) END,
                 status = 'complete'
             FROM interview WHERE household_id = ?1 AND round_id = ?2",
        )?;
        let mut rows = stmt.query(params![id, round, super::priorities::URGENCY_QUESTION])?;
        let mut interviews = Vec::new();
        while let Some(r) = rows.next()? {
            interviews.push(Counted {
                snapshot: r.get(0)?,
                hits: r.get(1)?,
                when: r.get(2)?,
                id: r.get(3)?,
                said: said_of(r.get_ref(4)?),
                complete: r.get(5)?,
            });
        }
        Ok(Some((household, interviews)))
    }

    /// The slot of a village, made when first seen; looked up once for
    /// all of `known` (the slots met so far in this transaction).
    fn slot(&self, known: &mut Slots, township: &str, village: &str) -> Result<i64> {
        if let Some(&slot) = known.get(township).and_then(|v| v.get(village)) {
            return Ok(slot);
        }
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO kept_place (township, village) VALUES (?1, ?2)")?
            .execute([township, village])?;
        let slot = self
            .conn
            .prepare_cached("SELECT slot FROM kept_place WHERE township = ?1 AND village = ?2")?
            .query_row([township, village], |r| r.get(0))?;
        known
            .entry(township.to_string())
            .or_default()
            .insert(village.to_string(), slot);
        Ok(slot)
    }

    /// Counts every household of every round again, inside the open
    /// write transaction.
    pub(super) fn rebuild_kept(&self) -> Result<()> {
        let plan = self.kept_plan()?;
        self.rebuild_with(&plan)
    }

    fn rebuild_with(&self, plan: &Plan) -> Result<()> {
        self.conn.execute_batch(
            "DELETE FROM kept; DELETE FROM kept_household; DELETE FROM kept_dirty;
             DELETE FROM kept_surveys; DELETE FROM kept_registry;
             INSERT INTO kept_registry (township, village, registered)
                 SELECT township, village, count(*) FROM household GROUP BY township, village;",
        )?;
        let mut counter = Counter::new(plan);
        let mut villages = Villages::new(counter.layout().width());
        let pairs = self.interviewed()?;
        let mut put = self.conn.prepare_cached(
            "INSERT INTO kept_household (household_id, round_id, slot, sums, surveys, drafts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (id, round) in pairs {
            if let Some(counts) = self.household_counts(&mut counter, round, id)? {
                // Nothing is read from the file: the village's counts
                // start from none.
                let width = villages.width;
                villages
                    .cells
                    .entry((round, counts.slot))
                    .or_insert_with(|| vec![0; width]);
                self.village(&mut villages, round, &counts, 1)?
                    .ok_or_else(|| StoreError::Corrupt {
                        path: self.path.clone(),
                        detail: "kept counts".into(),
                    })?;
                put.execute(params![
                    id,
                    round,
                    counts.slot,
                    counts.blob,
                    counts.surveys,
                    counts.drafts
                ])?;
            }
        }
        self.write_villages(villages)?;
        self.put_meta("kept_layout", &plan.fingerprint)?;
        Ok(())
    }
}

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

mod codec;

use std::collections::HashMap;
use std::fmt::Write as _;

use rusqlite::{OptionalExtension, params};

use super::priorities::versions::{Hits, Versions};
use super::priorities::{PriorityInput, said_of};
use super::{Result, Store, StoreError};
use crate::priority::sums::REGISTERED;
use crate::priority::{Area, By, Household, Layout, RankMethod, Rule, Sums, Tally};

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

/// One complete interview as a household's counts read it.
struct Counted {
    snapshot: i64,
    hits: String,
    when: Option<i64>,
    id: i64,
    /// What it said of the urgency: -1 nothing, 0 not urgent, 1 urgent.
    said: i8,
}

/// Counts one household at a time.
struct Counter<'p> {
    plan: &'p Plan,
    tally: Tally<'p>,
    numbers: Vec<usize>,
    hits: Hits,
}

impl<'p> Counter<'p> {
    fn new(plan: &'p Plan) -> Self {
        let (tally, numbers) = plan.tally();
        Counter {
            plan,
            tally,
            numbers,
            hits: Hits::default(),
        }
    }

    fn layout(&self) -> Layout {
        self.tally.layout()
    }

    /// The counts `household` adds to its village in a round whose
    /// complete interviews of it are `interviews`: for each questionnaire
    /// the one completed last counts (the higher id on a tie). `None` when
    /// none counts. The households registered are kept apart.
    fn count(
        &mut self,
        household: &Household,
        interviews: &[Counted],
    ) -> std::result::Result<Option<Vec<i64>>, String> {
        let versions = &self.plan.versions;
        let mut chosen: Vec<Option<(usize, &Counted)>> = vec![None; versions.surveys()];
        for c in interviews {
            let Some(at) = versions.snapshot(c.snapshot) else {
                continue;
            };
            let slot = &mut chosen[versions.survey(at)];
            if (*slot).is_none_or(|(_, o)| (c.when, c.id) > (o.when, o.id)) {
                *slot = Some((at, c));
            }
        }
        if chosen.iter().all(Option::is_none) {
            return Ok(None);
        }
        self.tally.clear();
        self.tally.push(household);
        for (s, (at, c)) in chosen
            .iter()
            .enumerate()
            .filter_map(|(s, c)| Some((s, (*c)?)))
        {
            versions
                .hits(s, &c.hits, &mut self.hits)
                .map_err(|e| format!("{e} of interview {}", c.id))?;
            self.tally
                .add_version(0, self.numbers[at], &self.hits.fired);
            for &(rule, persons, unknown) in &self.hits.details {
                self.tally.add_detail(0, rule, persons, unknown);
            }
            self.tally.add_said(0, &self.hits.fired, c.said);
        }
        let (sums, _) = self.tally.sums(std::slice::from_ref(household));
        let mut cells = sums.area(0).to_vec();
        cells[REGISTERED] = 0;
        Ok(Some(cells))
    }
}

/// The counts of villages being changed, by round and slot, as read
/// before and as they become.
struct Villages {
    width: usize,
    cells: HashMap<(i64, i64), Vec<i64>>,
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
        let layout = self.meta("kept_layout")?;
        if layout.as_deref() != Some(plan.fingerprint.as_str()) {
            return Ok(false);
        }
        let dirty: bool =
            self.conn
                .query_row("SELECT EXISTS (SELECT 1 FROM kept_dirty)", [], |r| r.get(0))?;
        Ok(!dirty)
    }

    /// Brings the kept counts up to date inside the open write
    /// transaction: the marked households folded in, or everything
    /// counted again when the layout changed or most households are
    /// marked.
    pub(super) fn fold_kept(&self) -> Result<()> {
        let dirty: bool =
            self.conn
                .query_row("SELECT EXISTS (SELECT 1 FROM kept_dirty)", [], |r| r.get(0))?;
        if !dirty {
            return Ok(());
        }
        let plan = self.kept_plan()?;
        self.fold_with(&plan)
    }

    fn fold_with(&self, plan: &Plan) -> Result<()> {
        if self.meta("kept_layout")?.as_deref() != Some(plan.fingerprint.as_str()) {
            return self.rebuild_with(plan);
        }
        let marked: Vec<(i64, i64)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT round_id, household_id FROM kept_dirty ORDER BY 2, 1")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        if marked.len() > FOLD_AT_MOST {
            return self.rebuild_with(plan);
        }
        let mut counter = Counter::new(plan);
        let mut villages = Villages {
            width: counter.layout().width(),
            cells: HashMap::new(),
        };
        let mut old = self.conn.prepare_cached(
            "SELECT slot, sums FROM kept_household WHERE household_id = ?1 AND round_id = ?2",
        )?;
        for &(round, id) in &marked {
            let before: Option<(i64, Vec<u8>)> = old
                .query_row(params![id, round], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((slot, blob)) = &before
                && self
                    .village(&mut villages, round, *slot, blob, -1)
                    .is_none()
            {
                // Counts not written for this layout: made again whole.
                return self.rebuild_with(plan);
            }
            let now = self.household_counts(&mut counter, round, id)?;
            match now {
                Some((slot, blob)) => {
                    if self.village(&mut villages, round, slot, &blob, 1).is_none() {
                        return self.rebuild_with(plan);
                    }
                    self.conn
                        .prepare_cached(
                            "INSERT OR REPLACE INTO kept_household (household_id, round_id, slot, sums)
                             VALUES (?1, ?2, ?3, ?4)",
                        )?
                        .execute(params![id, round, slot, blob])?;
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

    /// Adds `blob` times `sign` to the counts of village `slot` in
    /// `round`, read from the file when first touched; `None` when a blob
    /// does not read.
    fn village(
        &self,
        villages: &mut Villages,
        round: i64,
        slot: i64,
        blob: &[u8],
        sign: i64,
    ) -> Option<()> {
        let width = villages.width;
        let cells = match villages.cells.entry((round, slot)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut cells = vec![0; width];
                let stored: Option<Vec<u8>> = self
                    .conn
                    .query_row(
                        "SELECT sums FROM kept WHERE round_id = ?1 AND slot = ?2",
                        params![round, slot],
                        |r| r.get(0),
                    )
                    .optional()
                    .ok()?;
                if let Some(stored) = stored {
                    codec::add(&stored, 1, &mut cells)?;
                }
                e.insert(cells)
            }
        };
        codec::add(blob, sign, cells)
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
    ) -> Result<Option<(i64, Vec<u8>)>> {
        let Some((township, village, cells)) = self.counts_of(counter, round, id)? else {
            return Ok(None);
        };
        let slot = self.slot(&township, &village)?;
        Ok(Some((slot, codec::encode(&cells))))
    }

    /// The township, village and counts of household `id` in `round`;
    /// reads only.
    fn counts_of(
        &self,
        counter: &mut Counter<'_>,
        round: i64,
        id: i64,
    ) -> Result<Option<(String, String, Vec<i64>)>> {
        let household: Option<Household> = self
            .conn
            .prepare_cached(
                "SELECT code, township, village, grp, members FROM household WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(Household {
                    code: r.get::<_, String>(0)?.into(),
                    township: r.get::<_, String>(1)?.into(),
                    village: r.get::<_, String>(2)?.into(),
                    group: r.get::<_, String>(3)?.into(),
                    members: r.get(4)?,
                })
            })
            .optional()?;
        let Some(household) = household else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT snapshot_id, hits, completed_at, id,
                 CASE WHEN json_valid(answers) THEN json_extract(answers, '$.' || ?3) END
             FROM interview WHERE household_id = ?1 AND round_id = ?2 AND status = 'complete'",
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
            });
        }
        let counts =
            counter
                .count(&household, &interviews)
                .map_err(|detail| StoreError::Corrupt {
                    path: self.path.clone(),
                    detail,
                })?;
        Ok(counts.map(|cells| {
            (
                household.township.to_string(),
                household.village.to_string(),
                cells,
            )
        }))
    }

    /// The slot of a village, made when first seen.
    fn slot(&self, township: &str, village: &str) -> Result<i64> {
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO kept_place (township, village) VALUES (?1, ?2)")?
            .execute([township, village])?;
        Ok(self
            .conn
            .prepare_cached("SELECT slot FROM kept_place WHERE township = ?1 AND village = ?2")?
            .query_row([township, village], |r| r.get(0))?)
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
             DELETE FROM kept_registry;
             INSERT INTO kept_registry (township, village, registered)
                 SELECT township, village, count(*) FROM household GROUP BY township, village;",
        )?;
        let mut counter = Counter::new(plan);
        let mut villages = Villages {
            width: counter.layout().width(),
            cells: HashMap::new(),
        };
        let pairs: Vec<(i64, i64)> = {
            let mut stmt = self.conn.prepare(
                "SELECT DISTINCT household_id, round_id FROM interview
                 WHERE status = 'complete' ORDER BY 1, 2",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut put = self.conn.prepare_cached(
            "INSERT INTO kept_household (household_id, round_id, slot, sums) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (id, round) in pairs {
            if let Some((slot, blob)) = self.household_counts(&mut counter, round, id)? {
                let width = villages.width;
                let cells = villages
                    .cells
                    .entry((round, slot))
                    .or_insert_with(|| vec![0; width]);
                codec::add(&blob, 1, cells).ok_or_else(|| StoreError::Corrupt {
                    path: self.path.clone(),
                    detail: "kept counts".into(),
                })?;
                put.execute(params![id, round, slot, blob])?;
            }
        }
        self.write_villages(villages)?;
        self.put_meta("kept_layout", &plan.fingerprint)?;
        Ok(())
    }

    /// The kept counts of `round` per village (or per township), laid out
    /// as `layout`, with the households registered in each.
    fn kept_sums(&self, layout: Layout, round: i64, by: By) -> Result<Sums> {
        let mut sums = Sums::new(layout);
        let width = sums.layout.width();
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        let mut area = |sums: &mut Sums, township: String, village: String| -> usize {
            let village = if by == By::Township {
                String::new()
            } else {
                village
            };
            let key = (township, village);
            if let Some(&a) = index.get(&key) {
                return a;
            }
            let a = sums.push_area(Area {
                township: key.0.clone(),
                village: key.1.clone(),
                group: String::new(),
            });
            index.insert(key, a);
            a
        };
        let mut stmt = self
            .conn
            .prepare("SELECT township, village, registered FROM kept_registry")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let a = area(&mut sums, r.get(0)?, r.get(1)?);
            sums.area_mut(a)[REGISTERED] += r.get::<_, i64>(2)?;
        }
        let mut stmt = self.conn.prepare(
            "SELECT p.township, p.village, k.sums FROM kept k JOIN kept_place p ON p.slot = k.slot
             WHERE k.round_id = ?1",
        )?;
        let mut rows = stmt.query([round])?;
        let mut cells = vec![0; width];
        while let Some(r) = rows.next()? {
            let a = area(&mut sums, r.get(0)?, r.get(1)?);
            cells.iter_mut().for_each(|c| *c = 0);
            let blob = r.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
            codec::add(blob, 1, &mut cells).ok_or_else(|| StoreError::Corrupt {
                path: self.path.clone(),
                detail: format!("kept counts of round {round}"),
            })?;
            for (to, from) in sums.area_mut(a).iter_mut().zip(&cells) {
                *to += from;
            }
        }
        Ok(sums)
    }

    /// The ranking of `round` from the kept counts, brought up to date
    /// first; `None` when they cannot be (the file cannot be written now)
    /// or do not hold what is asked (drafts, or groups).
    pub(super) fn priorities_kept(
        &self,
        round: Option<&super::Round>,
        (include_drafts, by): (bool, By),
        method: &RankMethod,
    ) -> Result<Option<(PriorityInput, Vec<crate::priority::Project>)>> {
        if include_drafts || by == By::Group || !self.keeps.get() {
            return Ok(None);
        }
        let plan = self.kept_plan()?;
        if !self.kept_current(&plan)? && !self.conn.is_autocommit() {
            // Inside a transaction of the caller's: folded into it.
            self.fold_with(&plan)?;
        } else if !self.kept_current(&plan)? {
            let brought = self.write().and_then(|tx| {
                self.fold_with(&plan)?;
                Ok(tx.commit()?)
            });
            match brought {
                Ok(()) => {}
                Err(StoreError::ReadOnly { .. } | StoreError::Busy) => return Ok(None),
                Err(StoreError::Sqlite(e))
                    if matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::ReadOnly)) =>
                {
                    return Ok(None);
                }
                Err(e) => return Err(e),
            }
        }
        let mut input = PriorityInput {
            include_drafts,
            round: round.cloned(),
            rules: plan.rules.clone(),
            ..PriorityInput::default()
        };
        let (tally, _) = plan.tally();
        let tally = tally.with_method(method);
        let sums = self.kept_sums(tally.layout(), input.round_id(), by)?;
        input.areas = tally.summaries_of(&sums);
        let projects = tally.rank_kept(&sums);
        Ok(Some((input, projects)))
    }
}

/// A village's counts in a round, by round id, township and village.
type VillageKey = (i64, String, String);

impl Store {
    /// The villages (round id, township, village) whose kept counts are
    /// not what the interviews and the registry give now, counted again
    /// from the start; reads only. Counts waiting to be made again (for
    /// new questionnaire versions, or households marked by another
    /// program's writes) are made before they are next read, and are not
    /// reported.
    pub fn stale_kept(&self) -> Result<Vec<VillageKey>> {
        self.located(|| {
            if !self.keeps.get() {
                return Ok(Vec::new());
            }
            let plan = self.kept_plan()?;
            if self.meta("kept_layout")?.as_deref() != Some(plan.fingerprint.as_str()) {
                return Ok(Vec::new());
            }
            let marked: std::collections::HashSet<(i64, i64)> = {
                let mut stmt = self.conn.prepare("SELECT household_id, round_id FROM kept_dirty")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut counter = Counter::new(&plan);
            let width = counter.layout().width();
            let mut stale: std::collections::BTreeSet<VillageKey> = Default::default();
            // Each household as kept, beside each household counted now.
            let mut kept: HashMap<(i64, i64), (String, String, Vec<i64>)> = HashMap::new();
            let mut sums: HashMap<VillageKey, Vec<i64>> = HashMap::new();
            {
                let mut stmt = self.conn.prepare(
                    "SELECT k.household_id, k.round_id, p.township, p.village, k.sums
                     FROM kept_household k LEFT JOIN kept_place p ON p.slot = k.slot",
                )?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    let key: (i64, i64) = (r.get(0)?, r.get(1)?);
                    let (township, village): (Option<String>, Option<String>) = (r.get(2)?, r.get(3)?);
                    let (township, village) = (township.unwrap_or_default(), village.unwrap_or_default());
                    let mut cells = vec![0; width];
                    let blob = r.get_ref(4)?.as_blob().map_err(rusqlite::Error::from)?;
                    if codec::add(blob, 1, &mut cells).is_none() {
                        stale.insert((key.1, township.clone(), village.clone()));
                    }
                    let sum = sums
                        .entry((key.1, township.clone(), village.clone()))
                        .or_insert_with(|| vec![0; width]);
                    sum.iter_mut().zip(&cells).for_each(|(s, c)| *s += c);
                    kept.insert(key, (township, village, cells));
                }
            }
            let pairs: Vec<(i64, i64)> = {
                let mut stmt = self.conn.prepare(
                    "SELECT DISTINCT household_id, round_id FROM interview WHERE status = 'complete'",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for (id, round) in pairs {
                if marked.contains(&(id, round)) {
                    kept.remove(&(id, round));
                    continue;
                }
                let now = self.counts_of(&mut counter, round, id)?;
                match (kept.remove(&(id, round)), now) {
                    (Some(was), Some(now)) if was == now => {}
                    (None, None) => {}
                    (was, now) => {
                        for (township, village, _) in was.into_iter().chain(now) {
                            stale.insert((round, township, village));
                        }
                    }
                }
            }
            // Kept for a household with no complete interview now.
            for ((id, round), (township, village, _)) in kept {
                if !marked.contains(&(id, round)) {
                    stale.insert((round, township, village));
                }
            }
            // Each village's counts are the sum of its households'.
            let mut stmt = self.conn.prepare(
                "SELECT k.round_id, p.township, p.village, k.sums
                 FROM kept k LEFT JOIN kept_place p ON p.slot = k.slot",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let key: VillageKey = (
                    r.get(0)?,
                    r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                );
                let mut cells = vec![0; width];
                let blob = r.get_ref(3)?.as_blob().map_err(rusqlite::Error::from)?;
                let read = codec::add(blob, 1, &mut cells);
                let sum = sums.remove(&key).unwrap_or_else(|| vec![0; width]);
                if read.is_none() || cells != sum {
                    stale.insert(key);
                }
            }
            for (key, sum) in sums {
                if sum.iter().any(|&v| v != 0) {
                    stale.insert(key);
                }
            }
            // The households registered per village.
            let mut stmt = self.conn.prepare(
                "SELECT township, village, sum(n) FROM (
                     SELECT township, village, registered AS n FROM kept_registry
                     UNION ALL SELECT township, village, -count(*) FROM household
                     GROUP BY township, village)
                 GROUP BY township, village HAVING sum(n) != 0",
            )?;
            let rows = stmt.query_map([], |r| Ok((0, r.get(0)?, r.get(1)?)))?;
            for key in rows {
                stale.insert(key?);
            }
            Ok(stale.into_iter().collect())
        })
    }
}

//! What the priority core needs, read from the database: households, the
//! need rules of every stored questionnaire version, and for each
//! household and survey the interview that counts with its stored hits.

//!
//! Split by what is read: [`versions`] the rules of every stored
//! questionnaire version, [`counted`] the `counted` table (and its check),
//! [`explain`] the households and answers behind one project. Stored hits
//! are read only through [`super::hits`].

mod counted;
mod explain;
mod perceived;
mod trend;
pub(super) mod versions;

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

pub use crate::priority::Perceived;
pub use explain::{ExplainRow, Explanation};
pub use perceived::{CALM_ANSWERS, FEW_HOUSEHOLDS, URGENCY_QUESTION, URGENT_ANSWERS};
pub(super) use perceived::{said_of, said_of_text};
pub use trend::TrendInput;

use self::counted::{Chunk, read_counted};
use self::versions::{Hits, Versions};
use super::hits::{BadHits, NeedHits};
use super::{Result, Store, StoreError};
use crate::priority::{AreaSummary, By, Household, Project, Rule, Tally};

/// The interview chosen so far for a household and survey, with the rules
/// its stored hits name.
#[derive(Clone)]
struct Candidate {
    id: i64,
    when: i64,
    complete: bool,
    hits: Hits,
    snapshot: i64,
}

/// What a ranking is asked to make besides its order: only its first
/// projects (all when `None`), and each area at a glance or not (the
/// village list needs them, a list of projects does not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Asked {
    pub first: Option<usize>,
    pub areas: bool,
}

/// What a ranking is made of: the households and the rules its projects
/// point into, and whether drafts were counted.
#[derive(Clone, Debug, Default)]
pub struct PriorityInput {
    pub households: Vec<Household>,
    pub rules: Vec<Rule>,
    pub include_drafts: bool,
    /// The round whose interviews count (`None`: no interview yet).
    pub round: Option<super::Round>,
    /// Each area at a glance, in the order of their names; empty when a
    /// ranking from the kept counts was asked without them
    /// ([`Asked::areas`]).
    pub areas: Vec<AreaSummary>,
    /// The row id of each household, in the order of `households`
    /// (ascending).
    pub ids: Vec<i64>,
    /// The level projects were grouped at.
    pub by: By,
}

impl PriorityInput {
    /// The round's id, or one no interview has.
    pub(super) fn round_id(&self) -> i64 {
        self.round.as_ref().map_or(0, |r| r.id)
    }
}

impl Store {
    /// Ranks the projects of every area (see [`crate::priority`]) in
    /// `round`. For each household and survey the latest complete
    /// interview of the round counts (the one
    /// completed last when a household was interviewed twice); with
    /// `include_drafts`, the latest interview of any status, a draft's hits
    /// computed from its answers. Complete interviews are read from the
    /// `counted` table, one short row per household; with drafts, every
    /// interview is read once, in household order. Households are counted
    /// as they come.
    pub fn priorities(
        &self,
        round: Option<&super::Round>,
        include_drafts: bool,
        by: By,
    ) -> Result<(PriorityInput, Vec<Project>)> {
        let method = crate::priority::RankMethod::default();
        self.priorities_by(round, (include_drafts, by), &method)
    }

    /// [`Store::priorities`] ranked by another `method`: phases at another
    /// share of households, or categories weighted.
    pub fn priorities_by(
        &self,
        round: Option<&super::Round>,
        (include_drafts, by): (bool, By),
        method: &crate::priority::RankMethod,
    ) -> Result<(PriorityInput, Vec<Project>)> {
        let asked = Asked {
            first: None,
            areas: true,
        };
        self.priorities_first(round, (include_drafts, by), method, asked)
    }

    /// [`Store::priorities_by`], making what is `asked`: when only the
    /// first `k` projects are wanted (with the county's standing of each),
    /// from the kept counts those and the projects after them that share
    /// the band of the last are made, the others only ordered (counting
    /// every household, all); each area at a glance only when asked for
    /// from the kept counts.
    pub fn priorities_first(
        &self,
        round: Option<&super::Round>,
        (include_drafts, by): (bool, By),
        method: &crate::priority::RankMethod,
        asked: Asked,
    ) -> Result<(PriorityInput, Vec<Project>)> {
        self.located(|| {
            let which = (include_drafts, by);
            if let Some(kept) = self.priorities_kept(round, which, (method, asked))? {
                return Ok(kept);
            }
            self.priorities_counted(round, which, method)
        })
    }

    /// [`Store::priorities_by`] counting every household, each listed in
    /// its projects.
    pub fn priorities_counted(
        &self,
        round: Option<&super::Round>,
        (include_drafts, by): (bool, By),
        method: &crate::priority::RankMethod,
    ) -> Result<(PriorityInput, Vec<Project>)> {
        self.located(|| {
            let mut input = PriorityInput {
                include_drafts,
                by,
                round: round.cloned(),
                ..PriorityInput::default()
            };
            let round = input.round_id();
            let versions = self.versions(&mut input.rules)?;
            let mut tally = Tally::new(&input.rules, by).with_method(method);
            // Households in row order (the ranking orders them by code itself),
            // read alongside the interviews, which come in the same order.
            let mut stmt = self.conn.prepare(
                "SELECT id, code, township, village, grp, members FROM household ORDER BY id",
            )?;
            let mut reader = HouseholdReader {
                rows: stmt.query([])?,
                names: Names::default(),
                last: None,
                done: false,
                ids: Vec::new(),
            };
            // Row ids are dense as SQLite makes them: the largest is about the
            // count, and cheap to find. Room is made for that many at once
            // (within reason) rather than by doubling.
            let max_id: i64 =
                self.conn
                    .query_row("SELECT coalesce(max(id), 0) FROM household", [], |r| {
                        r.get(0)
                    })?;
            let expected = usize::try_from(max_id).unwrap_or(0).min(1 << 22);
            input.households.reserve(expected);
            reader.ids.reserve(expected);
            tally.reserve(expected);
            let households = &mut input.households;
            // Every page is read once: a small page cache is reused rather
            // than grown, page by page, in fresh memory.
            let cache: i64 = self
                .conn
                .pragma_query_value(None, "cache_size", |r| r.get(0))?;
            self.conn
                .pragma_update(None, "cache_size", SCAN_CACHE_PAGES)?;
            let counted = if include_drafts {
                self.tally_with_drafts(&mut reader, households, (&versions, round), &mut tally)
            } else {
                self.tally_complete(&mut reader, households, (&versions, round), &mut tally)
            }
            .and_then(|()| reader.seek(None, households, &mut tally));
            input.ids = std::mem::take(&mut reader.ids);
            drop(reader);
            drop(stmt);
            self.conn.pragma_update(None, "cache_size", cache)?;
            counted?;
            let (areas, projects) = tally.ranked(&input.households);
            input.areas = areas;
            Ok((input, projects))
        })
    }
}

impl Store {
    /// The need rules of every stored questionnaire version, by survey and
    /// name (a newer version's wording and cost win).
    pub fn rules(&self) -> Result<Vec<Rule>> {
        self.located(|| {
            let mut rules = Vec::new();
            self.versions(&mut rules)?;
            Ok(rules)
        })
    }

    /// [`Store::priorities`] of the round ranked when none is named
    /// ([`Store::ranked_round`]).
    pub fn priorities_ranked(
        &self,
        include_drafts: bool,
        by: By,
    ) -> Result<(PriorityInput, Vec<Project>)> {
        let round = self.ranked_round()?;
        self.priorities(round.as_ref(), include_drafts, by)
    }
}

/// The page cache of a connection scanning a table once, in pages.
const SCAN_CACHE_PAGES: i64 = 32;

/// Households in row id order, each pushed into the ranking's list and the
/// tally as it is read.
struct HouseholdReader<'s> {
    rows: rusqlite::Rows<'s>,
    names: Names,
    /// The row id of the household read last.
    last: Option<i64>,
    done: bool,
    /// The row id of every household read, in order.
    ids: Vec<i64>,
}

impl HouseholdReader<'_> {
    /// Reads households up to row id `id` (all of them for `None`); the
    /// place of household `id` when there is one.
    fn seek(
        &mut self,
        id: Option<i64>,
        households: &mut Vec<Household>,
        tally: &mut Tally<'_>,
    ) -> Result<Option<usize>> {
        loop {
            if let (Some(target), Some(last)) = (id, self.last)
                && last >= target
            {
                return Ok((last == target).then(|| households.len() - 1));
            }
            if self.done {
                return Ok(None);
            }
            let Some(r) = self.rows.next()? else {
                self.done = true;
                continue;
            };
            let text = |i: usize| super::row_text(r, i);
            let bytes = |i: usize| -> rusqlite::Result<&[u8]> { Ok(r.get_ref(i)?.as_bytes()?) };
            let household = Household {
                code: text(1)?.into(),
                township: self.names.get(0, bytes(2)?)?,
                village: self.names.get(1, bytes(3)?)?,
                group: self.names.get(2, bytes(4)?)?,
                members: r.get(5)?,
            };
            tally.push(&household);
            households.push(household);
            let id = r.get(0)?;
            self.ids.push(id);
            self.last = Some(id);
        }
    }
}

/// Place names repeat across thousands of households: each distinct name
/// is kept once and shared. Households come village by village, so the
/// previous row's names are tried before the map.
#[derive(Default)]
struct Names {
    map: HashMap<Box<str>, Rc<str>>,
    last: [Option<Rc<str>>; 3],
}

impl Names {
    /// The shared name written `bytes`; the text is checked only when it
    /// is not the previous row's.
    fn get(&mut self, slot: usize, bytes: &[u8]) -> rusqlite::Result<Rc<str>> {
        if let Some(last) = &self.last[slot]
            && last.as_bytes() == bytes
        {
            return Ok(Rc::clone(last));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            rusqlite::Error::from(rusqlite::types::FromSqlError::Other(Box::new(e)))
        })?;
        let shared = match self.map.get(text) {
            Some(shared) => Rc::clone(shared),
            None => {
                let shared: Rc<str> = Rc::from(text);
                self.map.insert(text.into(), Rc::clone(&shared));
                shared
            }
        };
        self.last[slot] = Some(Rc::clone(&shared));
        Ok(shared)
    }
}

impl Store {
    /// Counts the latest complete interview of each household and survey
    /// (the higher id on a tie). A second connection reads and parses the
    /// `counted` table, one short row per household, while this one reads
    /// the households and counts.
    fn tally_complete(
        &self,
        reader: &mut HouseholdReader<'_>,
        households: &mut Vec<Household>,
        (versions, round): (&Versions, i64),
        tally: &mut Tally<'_>,
    ) -> Result<()> {
        // The tally's number of each snapshot's set of rules.
        let numbers: Vec<usize> = versions
            .snapshots
            .iter()
            .map(|(_, _, asked)| tally.version(asked))
            .collect();
        let path = &self.path;
        std::thread::scope(|scope| {
            let (send, receive) = std::sync::mpsc::sync_channel(8);
            scope.spawn(move || read_counted(path, (versions, round), &send));
            for chunk in receive.iter() {
                let chunk: Chunk = chunk?;
                for (id, range) in &chunk.rows {
                    let Some(h) = reader.seek(Some(*id), households, tally)? else {
                        continue;
                    };
                    let mut entries = &chunk.entries[range.clone()];
                    while let [at, n, rest @ ..] = entries {
                        let (hits, next) = rest.split_at((*n).min(rest.len()));
                        tally.add_version(h, numbers[*at], hits);
                        let Some((&m, details)) = next.split_first() else {
                            break;
                        };
                        let (details, next) = details.split_at((m * 3).min(details.len()));
                        for d in details.chunks_exact(3) {
                            tally.add_detail(h, d[0], d[1] as u32, d[2] == 1);
                        }
                        entries = next;
                    }
                }
            }
            Ok(())
        })
    }

    /// Counts the latest interview of any status of each household and
    /// survey, a draft's hits computed from its answers. Rows come in
    /// household order, so only one household's candidates are held at a
    /// time.
    fn tally_with_drafts(
        &self,
        reader: &mut HouseholdReader<'_>,
        households: &mut Vec<Household>,
        (versions, round): (&Versions, i64),
        tally: &mut Tally<'_>,
    ) -> Result<()> {
        let mut current: Option<i64> = None;
        let mut slots: Vec<Option<Candidate>> = vec![None; versions.surveys()];
        let mut stmt = self.conn.prepare(
            "SELECT id, household_id, snapshot_id, status, updated_at, hits FROM interview
             WHERE round_id = ?1 ORDER BY household_id",
        )?;
        let mut rows = stmt.query([round])?;
        loop {
            let row = rows.next()?;
            let household: Option<i64> = row.map(|r| r.get(1)).transpose()?;
            if household != current {
                if let Some(id) = current
                    && let Some(h) = reader.seek(Some(id), households, tally)?
                {
                    for (s, slot) in slots.iter_mut().enumerate() {
                        if let Some(c) = slot.take() {
                            let at = versions.snapshot(c.snapshot);
                            let hits = self.counted_hits(c, versions, s)?;
                            let asked = at.map_or(&[][..], |at| &versions.snapshots[at].2);
                            tally.add_asked(h, asked, &hits.fired);
                            for &(rule, persons, unknown) in &hits.details {
                                tally.add_detail(h, rule, persons, unknown);
                            }
                        }
                    }
                }
                slots.iter_mut().for_each(|slot| *slot = None);
                current = household;
            }
            let Some(r) = row else { break };
            let Some(at) = versions.snapshot(r.get::<_, i64>(2)?) else {
                continue;
            };
            let survey = versions.survey(at);
            let id: i64 = r.get(0)?;
            let when: i64 = r.get::<_, Option<i64>>(4)?.unwrap_or(0);
            let slot = &mut slots[survey];
            if slot.as_ref().is_none_or(|c| (when, id) > (c.when, c.id)) {
                let mut hits = Hits::default();
                let stored = r.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?;
                versions
                    .hits(survey, stored, &mut hits)
                    .map_err(|e| bad_hits(&self.path, e, format!("interview {id}")))?;
                *slot = Some(Candidate {
                    id,
                    when,
                    complete: r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)? == "complete",
                    hits,
                    snapshot: r.get(2)?,
                });
            }
        }
        Ok(())
    }

    /// The rules that fired on the interview that counts: stored for a
    /// complete one, computed from the answers for a draft.
    fn counted_hits(&self, c: Candidate, versions: &Versions, s: usize) -> Result<Hits> {
        if c.complete {
            return Ok(c.hits);
        }
        // A draft's hits, computed as completing would: with its
        // household's whole record and the day it began.
        let interview = self.interview(c.id)?;
        let computed = NeedHits::compute(&interview.survey, &interview.answers, &interview.facts());
        let mut hits = Hits::default();
        versions.named(s, &computed, &mut hits);
        Ok(hits)
    }
}

/// Stored hits (of `whose`) that do not read: the database is damaged
/// (`minqing doctor` finds and mends them).
fn bad_hits(path: &Path, e: BadHits, whose: String) -> StoreError {
    StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: format!("{e} of {whose}"),
    }
}

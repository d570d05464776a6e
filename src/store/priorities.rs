//! What the priority core needs, read from the database: households, the
//! need rules of every stored questionnaire version, and for each
//! household and survey the interview that counts with its stored hits.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use super::interview::{compute_hits, decode_answers};
use std::path::Path;
use std::sync::mpsc::SyncSender;

use super::{Result, Store, StoreError};
use crate::interview::HouseholdFacts;
use rusqlite::{OptionalExtension, params};

use crate::priority::{By, Household, Project, Rule, Tally};

/// The interview chosen so far for a household and survey, with the rules
/// its stored hits name.
#[derive(Clone)]
struct Candidate {
    id: i64,
    when: i64,
    complete: bool,
    hits: Vec<usize>,
    snapshot: i64,
}

/// What a ranking is made of: the households and the rules its projects
/// point into, and whether drafts were counted.
#[derive(Clone, Debug, Default)]
pub struct PriorityInput {
    pub households: Vec<Household>,
    pub rules: Vec<Rule>,
    pub include_drafts: bool,
}

impl Store {
    /// Ranks the projects of every area (see [`crate::priority`]). For each
    /// household and survey the latest complete interview counts (the one
    /// completed last when a household was interviewed twice); with
    /// `include_drafts`, the latest interview of any status, a draft's hits
    /// computed from its answers. Complete interviews are read from the
    /// `counted` table, one short row per household; with drafts, every
    /// interview is read once, in household order. Households are counted
    /// as they come.
    pub fn priorities(
        &self,
        include_drafts: bool,
        by: By,
    ) -> Result<(PriorityInput, Vec<Project>)> {
        let mut input = PriorityInput {
            include_drafts,
            ..PriorityInput::default()
        };
        let versions = self.versions(&mut input.rules)?;
        let mut tally = Tally::new(&input.rules, by);
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
            self.tally_with_drafts(&mut reader, households, &versions, &mut tally)
        } else {
            self.tally_complete(&mut reader, households, &versions, &mut tally)
        }
        .and_then(|()| reader.seek(None, households, &mut tally));
        drop(reader);
        drop(stmt);
        self.conn.pragma_update(None, "cache_size", cache)?;
        counted?;
        let projects = tally.rank(&input.households);
        Ok((input, projects))
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
            let text = |i: usize| -> rusqlite::Result<&str> {
                r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)
            };
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
            self.last = Some(r.get(0)?);
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

/// The questionnaire versions a ranking knows: surveys numbered once, each
/// survey's rules by name, and each snapshot's survey and rules.
struct Versions {
    /// The surveys' ids, numbered.
    surveys: Vec<String>,
    /// Per survey: its rules' names and indices (a handful: searched in
    /// order).
    names: Vec<Vec<(String, usize)>>,
    /// Sorted by snapshot id: (id, survey, the rules the version has).
    snapshots: Vec<(i64, usize, Vec<usize>)>,
    /// Snapshot id → place in `snapshots` (`u32::MAX` for none), while ids
    /// are small, as SQLite makes them.
    by_id: Vec<u32>,
}

impl Versions {
    fn surveys(&self) -> usize {
        self.surveys.len()
    }

    /// The place of a snapshot in `snapshots`.
    fn snapshot(&self, id: i64) -> Option<usize> {
        match usize::try_from(id).ok().and_then(|i| self.by_id.get(i)) {
            Some(&at) if at != u32::MAX => Some(at as usize),
            Some(_) => None,
            None => self.snapshots.binary_search_by_key(&id, |s| s.0).ok(),
        }
    }

    /// The survey number of the snapshot at `at`.
    fn survey(&self, at: usize) -> usize {
        self.snapshots[at].1
    }

    /// The rules of survey `s` named in stored hits (`name:severity ...`).
    /// One pass over the bytes: this runs for every household and survey.
    fn hits(&self, s: usize, hits: &str, out: &mut Vec<usize>) {
        out.clear();
        let bytes = hits.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let start = at;
            while at < bytes.len() && bytes[at] != b':' && bytes[at] != b' ' {
                at += 1;
            }
            let name = &bytes[start..at];
            while at < bytes.len() && bytes[at] != b' ' {
                at += 1;
            }
            at += 1;
            if let Some((_, i)) = self.names[s].iter().find(|(n, _)| n.as_bytes() == name) {
                out.push(*i);
            }
        }
    }
}

/// Parsed rows of the `counted` table, a few thousand households at a
/// time: per household row id, a range of `entries`, which hold for each
/// counted interview the place of its snapshot, the number of rules that
/// fired, and those rules.
struct Chunk {
    rows: Vec<(i64, Range<usize>)>,
    entries: Vec<usize>,
}

const CHUNK_ROWS: usize = 1024;

/// Reads the `counted` table on a connection of its own and sends it, parsed,
/// in chunks.
/// Stops when the receiver hangs up; an error is the last thing sent.
fn read_counted(path: &Path, versions: &Versions, send: &SyncSender<Result<Chunk>>) {
    let read = || -> Result<()> {
        let conn = super::read_only(path)?;
        conn.pragma_update(None, "cache_size", SCAN_CACHE_PAGES)?;
        let mut stmt =
            conn.prepare("SELECT household_id, interviews FROM counted ORDER BY household_id")?;
        let mut rows = stmt.query([])?;
        // A household interviewed twice for a survey (two laptops, say):
        // the latest completed counts, the higher id on a tie.
        let mut latest = conn.prepare(
            "SELECT i.snapshot_id, i.hits FROM interview i JOIN snapshot s ON s.id = i.snapshot_id
             WHERE i.household_id = ?1 AND s.survey = ?2 AND i.status = 'complete'
             ORDER BY i.completed_at DESC, i.id DESC LIMIT 1",
        )?;
        // Per survey: the snapshot place and hits of its one entry, or
        // `Twice`.
        #[derive(Clone)]
        enum Found {
            None,
            Once(usize, Range<usize>),
            Twice,
        }
        let mut found = vec![Found::None; versions.surveys()];
        let mut hits = Vec::new();
        let fresh = || Chunk {
            rows: Vec::with_capacity(CHUNK_ROWS),
            entries: Vec::with_capacity(CHUNK_ROWS * 2 * versions.surveys()),
        };
        let mut chunk = fresh();
        while let Some(r) = rows.next()? {
            let row_id: i64 = r.get(0)?;
            let text = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            found.iter_mut().for_each(|f| *f = Found::None);
            for entry in super::schema::counted_entries(text) {
                let (snapshot, stored) = entry.ok_or_else(|| StoreError::Corrupt {
                    path: path.to_path_buf(),
                    detail: format!("counted interviews of household row {row_id}: '{text}'"),
                })?;
                let Some(at) = versions.snapshot(snapshot) else {
                    continue;
                };
                let f = &mut found[versions.survey(at)];
                *f = match f {
                    Found::None => Found::Once(at, stored),
                    _ => Found::Twice,
                };
            }
            let start = chunk.entries.len();
            for (s, f) in found.iter().enumerate() {
                let at = match f {
                    Found::None => continue,
                    Found::Once(at, stored) => {
                        versions.hits(s, &text[stored.clone()], &mut hits);
                        *at
                    }
                    Found::Twice => {
                        let chosen: Option<(i64, String)> = latest
                            .query_row(params![row_id, versions.surveys[s]], |r| {
                                Ok((r.get(0)?, r.get(1)?))
                            })
                            .optional()?;
                        let Some((at, stored)) =
                            chosen.and_then(|(id, hits)| Some((versions.snapshot(id)?, hits)))
                        else {
                            continue;
                        };
                        versions.hits(s, &stored, &mut hits);
                        at
                    }
                };
                chunk.entries.push(at);
                chunk.entries.push(hits.len());
                chunk.entries.extend_from_slice(&hits);
            }
            chunk.rows.push((row_id, start..chunk.entries.len()));
            if chunk.rows.len() == CHUNK_ROWS
                && send
                    .send(Ok(std::mem::replace(&mut chunk, fresh())))
                    .is_err()
            {
                return Ok(());
            }
        }
        if !chunk.rows.is_empty() {
            let _ = send.send(Ok(chunk));
        }
        Ok(())
    };
    if let Err(e) = read() {
        let _ = send.send(Err(e));
    }
}

impl Store {
    /// The rules of every stored questionnaire version, into `rules`, by
    /// survey and name: a newer version's wording and cost win.
    fn versions(&self, rules: &mut Vec<Rule>) -> Result<Versions> {
        let mut versions = Versions {
            surveys: Vec::new(),
            names: Vec::new(),
            snapshots: Vec::new(),
            by_id: Vec::new(),
        };
        let ids: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM snapshot ORDER BY created_at, id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for id in ids {
            let survey = self.snapshot_survey(id)?;
            let s = match versions.surveys.iter().position(|x| *x == survey.id) {
                Some(s) => s,
                None => {
                    versions.surveys.push(survey.id.clone());
                    versions.names.push(Vec::new());
                    versions.surveys.len() - 1
                }
            };
            let mut asked = Vec::new();
            for need in &survey.needs {
                let rule = Rule {
                    survey: survey.id.clone(),
                    name: need.name.clone(),
                    category: need.category.clone(),
                    severity: need.severity.get(),
                    project: need.project.clone(),
                    unit_cost: need.unit_cost,
                };
                let names = &mut versions.names[s];
                let i = match names.iter().find(|(n, _)| *n == need.name) {
                    Some(&(_, i)) => {
                        rules[i] = rule;
                        i
                    }
                    None => {
                        names.push((need.name.clone(), rules.len()));
                        rules.push(rule);
                        rules.len() - 1
                    }
                };
                asked.push(i);
            }
            versions.snapshots.push((id, s, asked));
        }
        versions.snapshots.sort_by_key(|v| v.0);
        let small = versions
            .snapshots
            .last()
            .and_then(|v| usize::try_from(v.0).ok())
            .filter(|&max| max < 1 << 16);
        if let Some(max) = small {
            versions.by_id = vec![u32::MAX; max + 1];
            for (at, v) in versions.snapshots.iter().enumerate() {
                if let Some(slot) = usize::try_from(v.0)
                    .ok()
                    .and_then(|i| versions.by_id.get_mut(i))
                {
                    *slot = at as u32;
                }
            }
        }
        Ok(versions)
    }

    /// Counts the latest complete interview of each household and survey
    /// (the higher id on a tie). A second connection reads and parses the
    /// `counted` table, one short row per household, while this one reads
    /// the households and counts.
    fn tally_complete(
        &self,
        reader: &mut HouseholdReader<'_>,
        households: &mut Vec<Household>,
        versions: &Versions,
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
            scope.spawn(move || read_counted(path, versions, &send));
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
        versions: &Versions,
        tally: &mut Tally<'_>,
    ) -> Result<()> {
        let mut current: Option<i64> = None;
        let mut slots: Vec<Option<Candidate>> = vec![None; versions.surveys()];
        let mut stmt = self.conn.prepare(
            "SELECT id, household_id, snapshot_id, status, updated_at, hits FROM interview
             ORDER BY household_id",
        )?;
        let mut rows = stmt.query([])?;
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
                            let hits = self.counted_hits(&households[h], c, versions, s)?;
                            let asked = at.map_or(&[][..], |at| &versions.snapshots[at].2);
                            tally.add_asked(h, asked, &hits);
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
                let mut hits = Vec::new();
                let stored = r.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?;
                versions.hits(survey, stored, &mut hits);
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
    fn counted_hits(
        &self,
        household: &Household,
        c: Candidate,
        versions: &Versions,
        s: usize,
    ) -> Result<Vec<usize>> {
        if c.complete {
            return Ok(c.hits);
        }
        let answers: String =
            self.conn
                .query_row("SELECT answers FROM interview WHERE id = ?1", [c.id], |r| {
                    r.get(0)
                })?;
        let facts = HouseholdFacts {
            members: household.members,
            village: household.village.to_string(),
            township: household.township.to_string(),
            group: household.group.to_string(),
        };
        let computed = compute_hits(
            &*self.snapshot_survey(c.snapshot)?,
            &decode_answers(&answers)?,
            &facts,
        );
        let mut hits = Vec::new();
        versions.hits(s, &computed, &mut hits);
        Ok(hits)
    }

    /// The interview that counts for a household and survey, by the same
    /// rule as [`Store::priorities`].
    fn counted_interview(
        &self,
        code: &str,
        survey: &str,
        include_drafts: bool,
    ) -> Result<Option<i64>> {
        let sql = if include_drafts {
            "SELECT i.id FROM interview i JOIN household h ON h.id = i.household_id
             JOIN snapshot s ON s.id = i.snapshot_id WHERE h.code = ?1 AND s.survey = ?2
             ORDER BY i.updated_at DESC, i.id DESC LIMIT 1"
        } else {
            "SELECT i.id FROM interview i JOIN household h ON h.id = i.household_id
             JOIN snapshot s ON s.id = i.snapshot_id WHERE h.code = ?1 AND s.survey = ?2
             AND i.status = 'complete' ORDER BY i.completed_at DESC, i.id DESC LIMIT 1"
        };
        Ok(self
            .conn
            .query_row(sql, [code, survey], |r| r.get(0))
            .optional()?)
    }
}

/// One household behind a project, with the answers its rule reads.
#[derive(Clone, Debug)]
pub struct ExplainRow {
    pub code: String,
    pub head: String,
    pub members: i64,
    /// (question, stored answer) for each question the rule reads.
    pub values: Vec<(String, Option<String>)>,
    /// The questionnaire version the household answered, for labels.
    pub survey: std::rc::Rc<crate::survey::Survey>,
}

/// Why a project is ranked where it is: its rule and its households.
#[derive(Clone, Debug, Default)]
pub struct Explanation {
    /// The rule's condition as written; when the households were asked with
    /// versions whose conditions differ, each version's, named.
    pub when: String,
    /// The questions the conditions read, in the order they first appear.
    pub questions: Vec<String>,
    /// Each household's answers to `questions` (none to a question its
    /// version does not have).
    pub rows: Vec<ExplainRow>,
}

impl Store {
    /// The households of `project` with the answers that made its rule fire,
    /// each read from the interview that counted, under the condition of
    /// the questionnaire version it was answered with.
    pub fn explain(
        &self,
        input: &PriorityInput,
        project: &crate::priority::Project,
    ) -> Result<Explanation> {
        let rule = &input.rules[project.rule];
        let mut explanation = Explanation::default();
        // Each distinct condition with the versions that have it.
        let mut conditions: Vec<(String, Vec<String>)> = Vec::new();
        for &h in &project.households {
            let code = &*input.households[h].code;
            let Some(id) = self.counted_interview(code, &rule.survey, input.include_drafts)? else {
                continue;
            };
            let interview = self.interview(id)?;
            let Some(need) = interview.survey.needs.iter().find(|n| n.name == rule.name) else {
                continue;
            };
            let version = &interview.survey.version;
            match conditions.iter_mut().find(|(w, _)| *w == need.when.text) {
                Some((_, versions)) if !versions.contains(version) => {
                    versions.push(version.clone())
                }
                Some(_) => {}
                None => conditions.push((need.when.text.clone(), vec![version.clone()])),
            }
            let mut values: Vec<(String, Option<String>)> = Vec::new();
            for (q, _) in need.when.ast.question_refs() {
                if !values.iter().any(|(x, _)| x == q) {
                    values.push((q.to_string(), interview.answers.get(q).cloned()));
                }
                if !explanation.questions.iter().any(|x| x == q) {
                    explanation.questions.push(q.to_string());
                }
            }
            explanation.rows.push(ExplainRow {
                code: interview.household.code.clone(),
                head: interview.household.head.clone(),
                members: interview.household.members,
                values,
                survey: std::rc::Rc::clone(&interview.survey),
            });
        }
        // Every row answers every column: the questions of other versions
        // are left empty.
        for row in &mut explanation.rows {
            let own = std::mem::take(&mut row.values);
            row.values = explanation
                .questions
                .iter()
                .map(|q| {
                    let value = own
                        .iter()
                        .find(|(x, _)| x == q)
                        .and_then(|(_, v)| v.clone());
                    (q.clone(), value)
                })
                .collect();
        }
        explanation.when = match conditions.as_slice() {
            [(when, _)] => when.clone(),
            _ => conditions
                .iter()
                .map(|(when, versions)| format!("[{}] {when}", versions.join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
        };
        Ok(explanation)
    }
}

impl Store {
    /// Households whose row in the `counted` table does not list exactly
    /// their complete interviews with the stored hits, by household row id.
    /// The triggers keep it current; this is how that is checked. Both
    /// sides are read in household order, one household at a time.
    pub fn stale_counted(&self) -> Result<Vec<i64>> {
        let mut kept = self
            .conn
            .prepare("SELECT household_id, interviews FROM counted ORDER BY household_id")?;
        let mut kept = kept.query([])?;
        let mut truth = self.conn.prepare(
            "SELECT household_id, snapshot_id || ',' || hits FROM interview
             WHERE status = 'complete' ORDER BY household_id",
        )?;
        let mut truth = truth.query([])?;
        let mut pending: Option<(i64, String)> = None;
        let mut next_kept = || -> Result<Option<(i64, Vec<String>)>> {
            let Some(r) = kept.next()? else {
                return Ok(None);
            };
            let text: String = r.get(1)?;
            let mut entries: Vec<String> = text.split(';').map(str::to_string).collect();
            entries.sort();
            Ok(Some((r.get(0)?, entries)))
        };
        let mut next_truth = || -> Result<Option<(i64, Vec<String>)>> {
            let mut group: Option<(i64, Vec<String>)> = None;
            loop {
                let row = match pending.take() {
                    Some(row) => Some(row),
                    None => match truth.next()? {
                        Some(r) => Some((r.get(0)?, r.get(1)?)),
                        None => None,
                    },
                };
                match (row, &mut group) {
                    (None, _) => break,
                    (Some((h, entry)), Some((g, entries))) if h == *g => entries.push(entry),
                    (Some(row), Some(_)) => {
                        pending = Some(row);
                        break;
                    }
                    (Some((h, entry)), None) => group = Some((h, vec![entry])),
                }
            }
            if let Some((_, entries)) = &mut group {
                entries.sort();
            }
            Ok(group)
        };
        let mut stale = Vec::new();
        let (mut a, mut b) = (next_kept()?, next_truth()?);
        loop {
            match (a.take(), b.take()) {
                (None, None) => break,
                (Some((x, left)), Some((y, right))) if x == y => {
                    if left != right {
                        stale.push(x);
                    }
                    (a, b) = (next_kept()?, next_truth()?);
                }
                (Some((x, _)), Some((y, right))) if x < y => {
                    stale.push(x);
                    (a, b) = (next_kept()?, Some((y, right)));
                }
                (Some(x), Some((y, _))) => {
                    stale.push(y);
                    (a, b) = (Some(x), next_truth()?);
                }
                (Some((x, _)), None) => {
                    stale.push(x);
                    a = next_kept()?;
                }
                (None, Some((y, _))) => {
                    stale.push(y);
                    b = next_truth()?;
                }
            }
        }
        Ok(stale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_hits_name_the_rules_of_their_survey() {
        let versions = Versions {
            surveys: vec!["water".into(), "roads".into()],
            names: vec![
                vec![("water_far".into(), 0), ("no_tap".into(), 1)],
                vec![("water_far".into(), 2)],
            ],
            snapshots: Vec::new(),
            by_id: Vec::new(),
        };
        let mut out = vec![9];
        versions.hits(0, "no_tap:2 water_far:3", &mut out);
        assert_eq!(out, [1, 0]);
        versions.hits(1, "water_far:3  gone:4 no_tap", &mut out);
        assert_eq!(out, [2]);
        versions.hits(0, "", &mut out);
        assert!(out.is_empty());
    }
}

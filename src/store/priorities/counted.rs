//! The `counted` table, read for the ranking on a connection of its own,
//! and checked against the complete interviews it summarises. Its text is
//! read through [`hits::counted_entries`](super::super::hits).

use std::ops::Range;
use std::path::Path;
use std::sync::mpsc::SyncSender;

use rusqlite::{Connection, OptionalExtension, params};

use super::super::hits::counted_entries;
use super::super::{Result, Store, StoreError, read_only};
use super::versions::{Hits, Versions};
use super::{SCAN_CACHE_PAGES, bad_hits};

/// Parsed rows of the `counted` table, a few thousand households at a
/// time: per household row id, a range of `entries`, which hold for each
/// counted interview the place of its snapshot, the number of rules that
/// fired, those rules, the number of details and each detail as three
/// entries (rule, persons, 1 when unknown).
pub(super) struct Chunk {
    pub(super) rows: Vec<(i64, Range<usize>)>,
    pub(super) entries: Vec<usize>,
}

const CHUNK_ROWS: usize = 1024;

impl Chunk {
    fn new(versions: &Versions) -> Chunk {
        Chunk {
            rows: Vec::with_capacity(CHUNK_ROWS),
            entries: Vec::with_capacity(CHUNK_ROWS * 2 * versions.surveys()),
        }
    }
}

/// Reads the `counted` table on a connection of its own and sends it,
/// parsed, in chunks. Stops when the receiver hangs up; an error is the
/// last thing sent.
/// The rows of round `round` only.
pub(super) fn read_counted(
    path: &Path,
    (versions, round): (&Versions, i64),
    send: &SyncSender<Result<Chunk>>,
) {
    if let Err(e) = send_counted(path, (versions, round), send) {
        let _ = send.send(Err(e));
    }
}

fn send_counted(
    path: &Path,
    (versions, round): (&Versions, i64),
    send: &SyncSender<Result<Chunk>>,
) -> Result<()> {
    let conn = read_only(path)?;
    conn.pragma_update(None, "cache_size", SCAN_CACHE_PAGES)?;
    let mut stmt = conn.prepare(
        "SELECT household_id, interviews FROM counted WHERE round_id = ?1 ORDER BY household_id",
    )?;
    let mut rows = stmt.query([round])?;
    let mut parser = RowParser::new(&conn, path, versions, round)?;
    let mut chunk = Chunk::new(versions);
    while let Some(r) = rows.next()? {
        let row_id: i64 = r.get(0)?;
        let text = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        parser.parse(row_id, text, &mut chunk)?;
        if chunk.rows.len() == CHUNK_ROWS
            && send
                .send(Ok(std::mem::replace(&mut chunk, Chunk::new(versions))))
                .is_err()
        {
            return Ok(());
        }
    }
    if !chunk.rows.is_empty() {
        let _ = send.send(Ok(chunk));
    }
    Ok(())
}

/// Per survey, what a household's `counted` row holds: no interview, one
/// (its snapshot's place and where its hits are in the row), or more.
#[derive(Clone)]
enum Found {
    None,
    Once(usize, Range<usize>),
    Twice,
}

/// Turns `counted` rows into [`Chunk`] entries, one household at a time.
struct RowParser<'c> {
    path: &'c Path,
    versions: &'c Versions,
    /// For a household interviewed twice for a survey (two laptops, say):
    /// the latest completed counts, the higher id on a tie.
    latest: rusqlite::Statement<'c>,
    round: i64,
    found: Vec<Found>,
    hits: Hits,
}

impl<'c> RowParser<'c> {
    fn new(
        conn: &'c Connection,
        path: &'c Path,
        versions: &'c Versions,
        round: i64,
    ) -> Result<Self> {
        let latest = conn.prepare(
            "SELECT i.snapshot_id, i.hits FROM interview i JOIN snapshot s ON s.id = i.snapshot_id
             WHERE i.household_id = ?1 AND s.survey = ?2 AND i.round_id = ?3
             AND i.status = 'complete' ORDER BY i.completed_at DESC, i.id DESC LIMIT 1",
        )?;
        Ok(RowParser {
            path,
            versions,
            latest,
            round,
            found: vec![Found::None; versions.surveys()],
            hits: Hits::default(),
        })
    }

    /// Adds household `row_id`, whose `counted` row is `text`, to `chunk`.
    fn parse(&mut self, row_id: i64, text: &str, chunk: &mut Chunk) -> Result<()> {
        self.find(row_id, text)?;
        let start = chunk.entries.len();
        for s in 0..self.found.len() {
            let at = match self.found[s].clone() {
                Found::None => continue,
                Found::Once(at, stored) => {
                    self.versions
                        .hits(s, &text[stored], &mut self.hits)
                        .map_err(|e| bad_hits(self.path, e, format!("household row {row_id}")))?;
                    at
                }
                Found::Twice => match self.latest(row_id, s)? {
                    Some(at) => at,
                    None => continue,
                },
            };
            chunk.entries.push(at);
            chunk.entries.push(self.hits.fired.len());
            chunk.entries.extend_from_slice(&self.hits.fired);
            chunk.entries.push(self.hits.details.len());
            for &(rule, persons, unknown) in &self.hits.details {
                chunk
                    .entries
                    .extend([rule, persons as usize, usize::from(unknown)]);
            }
        }
        chunk.rows.push((row_id, start..chunk.entries.len()));
        Ok(())
    }

    /// Sorts the entries of a `counted` row by survey.
    fn find(&mut self, row_id: i64, text: &str) -> Result<()> {
        self.found.iter_mut().for_each(|f| *f = Found::None);
        for entry in counted_entries(text) {
            let (snapshot, stored) = entry.ok_or_else(|| StoreError::Corrupt {
                path: self.path.to_path_buf(),
                detail: format!("counted interviews of household row {row_id}: '{text}'"),
            })?;
            let Some(at) = self.versions.snapshot(snapshot) else {
                continue;
            };
            let f = &mut self.found[self.versions.survey(at)];
            *f = match f {
                Found::None => Found::Once(at, stored),
                _ => Found::Twice,
            };
        }
        Ok(())
    }

    /// The snapshot place of the interview of survey `s` that counts for
    /// household `row_id`, its rules into `self.hits`.
    fn latest(&mut self, row_id: i64, s: usize) -> Result<Option<usize>> {
        let chosen: Option<(i64, String)> = self
            .latest
            .query_row(params![row_id, self.versions.surveys[s], self.round], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((at, stored)) =
            chosen.and_then(|(id, hits)| Some((self.versions.snapshot(id)?, hits)))
        else {
            return Ok(None);
        };
        self.versions
            .hits(s, &stored, &mut self.hits)
            .map_err(|e| bad_hits(self.path, e, format!("household row {row_id}")))?;
        Ok(Some(at))
    }
}

impl Store {
    /// Households whose row in the `counted` table of a round does not
    /// list exactly their complete interviews of that round with the
    /// stored hits, by household row id. The triggers keep it current;
    /// this is how that is checked. Both sides are read in round and
    /// household order, one household at a time.
    pub fn stale_counted(&self) -> Result<Vec<i64>> {
        self.located(|| {
            let mut kept = self
                .conn
                .prepare("SELECT round_id, household_id, interviews FROM counted ORDER BY 1, 2")?;
            let mut kept = kept.query([])?;
            let mut truth = self.conn.prepare(
                "SELECT round_id, household_id, snapshot_id, hits FROM interview
             WHERE status = 'complete' ORDER BY round_id, household_id",
            )?;
            let mut truth = truth.query([])?;
            let mut pending: Option<(Key, Entry)> = None;
            let mut next_kept = || -> Result<Option<(Key, Vec<Entry>)>> {
                let Some(r) = kept.next()? else {
                    return Ok(None);
                };
                let text = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
                Ok(Some(((r.get(0)?, r.get(1)?), kept_entries(text))))
            };
            let mut next_truth = || -> Result<Option<(Key, Vec<Entry>)>> {
                let mut group: Option<(Key, Vec<Entry>)> = None;
                loop {
                    let row = match pending.take() {
                        Some(row) => Some(row),
                        None => match truth.next()? {
                            Some(r) => Some(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?))),
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
                            stale.push(x.1);
                        }
                        (a, b) = (next_kept()?, next_truth()?);
                    }
                    (Some((x, _)), Some((y, right))) if x < y => {
                        stale.push(x.1);
                        (a, b) = (next_kept()?, Some((y, right)));
                    }
                    (Some(x), Some((y, _))) => {
                        stale.push(y.1);
                        (a, b) = (Some(x), next_truth()?);
                    }
                    (Some((x, _)), None) => {
                        stale.push(x.1);
                        a = next_kept()?;
                    }
                    (None, Some((y, _))) => {
                        stale.push(y.1);
                        b = next_truth()?;
                    }
                }
            }
            stale.sort_unstable();
            stale.dedup();
            Ok(stale)
        })
    }
}

/// A `counted` row's key: round id, household row id.
type Key = (i64, i64);

/// An entry of a `counted` row: a snapshot id and stored hits.
type Entry = (i64, String);

/// The entries of a `counted` row, sorted; none for a row that does not
/// read, which no household's interviews give.
fn kept_entries(text: &str) -> Vec<Entry> {
    let entries: Option<Vec<Entry>> = counted_entries(text)
        .map(|e| e.map(|(snapshot, hits)| (snapshot, text[hits].to_string())))
        .collect();
    let mut entries = entries.unwrap_or_default();
    entries.sort();
    entries
}

//! Rounds of fieldwork: opening one, closing it, listing them, and which
//! round a new interview belongs to and which one is ranked.
//!
//! A round is told apart by its name, on every laptop: two laptops that
//! open "2026-autumn" open the same round, and merging them makes one.
//! At most one round is open (the database refuses a second); new
//! interviews belong to it. A database that never opened a round puts its
//! first interview in [`FIRST_ROUND`], so it works as before rounds.

use rusqlite::{OptionalExtension, Transaction, params};

use super::schema::FIRST_ROUND;
use super::{Result, Store, StoreError};

/// One round of fieldwork.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    pub id: i64,
    pub name: String,
    /// The day fieldwork began, `YYYY-MM-DD`.
    pub starts: String,
    /// When it was opened and closed, on the clock of the laptop that did
    /// it (milliseconds since the epoch).
    pub opened_at: i64,
    pub closed_at: Option<i64>,
}

impl Round {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

/// Rounds in the order they ran: by the day they began, then by when
/// they were opened.
const ORDER: &str = "ORDER BY starts, opened_at, id";

const COLUMNS: &str = "id, name, starts, opened_at, closed_at";

fn round_at(r: &rusqlite::Row<'_>) -> rusqlite::Result<Round> {
    Ok(Round {
        id: r.get(0)?,
        name: r.get(1)?,
        starts: r.get(2)?,
        opened_at: r.get(3)?,
        closed_at: r.get(4)?,
    })
}

/// A round's name as typed: trimmed, not empty, one line, at most 40
/// characters (it is shown in the app's status bar).
pub fn round_name(text: &str) -> Option<&str> {
    let name = text.trim();
    let fits = !name.is_empty() && name.chars().count() <= 40;
    (fits && !name.chars().any(char::is_control)).then_some(name)
}

pub(super) fn rounds_of(conn: &rusqlite::Connection) -> Result<Vec<Round>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM round {ORDER}"))?;
    let rows = stmt.query_map([], round_at)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a round holds, for the list of rounds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoundCounts {
    /// Households with at least one complete interview in the round.
    pub households: i64,
    pub complete: i64,
    pub drafts: i64,
}

impl Store {
    /// Every round with what it holds, in the order they ran.
    pub fn rounds_with_counts(&self) -> Result<Vec<(Round, RoundCounts)>> {
        self.located(|| {
            let mut out = Vec::new();
            let mut stmt = self.conn.prepare(
                "SELECT (SELECT count(*) FROM counted WHERE round_id = ?1),
                        count(*) FILTER (WHERE status = 'complete'),
                        count(*) FILTER (WHERE status = 'draft')
                 FROM interview WHERE round_id = ?1",
            )?;
            for round in rounds_of(&self.conn)? {
                let counts = stmt.query_row([round.id], |r| {
                    Ok(RoundCounts {
                        households: r.get(0)?,
                        complete: r.get(1)?,
                        drafts: r.get(2)?,
                    })
                })?;
                out.push((round, counts));
            }
            Ok(out)
        })
    }

    /// Every round, in the order they ran.
    pub fn rounds(&self) -> Result<Vec<Round>> {
        self.located(|| rounds_of(&self.conn))
    }

    /// Opens round `name`, beginning on `starts` (`YYYY-MM-DD`; today when
    /// not given). Refused while another round is open, or when a round
    /// of that name exists.
    pub fn open_round(&self, name: &str, starts: Option<&str>) -> Result<Round> {
        self.located(|| {
            let name = round_name(name).ok_or_else(|| StoreError::BadRoundName(name.into()))?;
            let starts = match starts {
                Some(day) => crate::survey::date_from_written(day)
                    .ok_or_else(|| StoreError::BadDate(day.into()))?,
                None => crate::survey::date_of(self.now()),
            };
            let tx = self.write()?;
            if let Some(open) = open_round(&tx)? {
                return Err(StoreError::RoundOpen(open.name));
            }
            // Rounds run in the order they began: a round begun before the
            // last would make "the round before" another round.
            if let Some(last) = rounds_of(&tx)?.pop()
                && starts < last.starts
            {
                return Err(StoreError::RoundBefore {
                    name: last.name,
                    starts: last.starts,
                });
            }
            if self.round_named_in(&tx, name)?.is_some() {
                return Err(StoreError::RoundExists(name.into()));
            }
            let id = self.insert_round(&tx, name, &starts)?;
            self.commit(tx)?;
            self.round(id)
        })
    }

    /// Closes the open round: no new interview begins in it (drafts begun
    /// in it can still be finished). Returns it.
    pub fn close_round(&self) -> Result<Round> {
        self.located(|| {
            let tx = self.write()?;
            let open = open_round(&tx)?.ok_or(StoreError::NoOpenRound)?;
            let now = self.tick();
            let stamp = self.stamp(&tx, 0)?;
            tx.execute(
                "UPDATE round SET closed_at = ?2, stamp = ?3, device = ?4 WHERE id = ?1",
                params![open.id, now, stamp, self.device],
            )?;
            self.commit(tx)?;
            self.round(open.id)
        })
    }

    fn round(&self, id: i64) -> Result<Round> {
        Ok(self.conn.query_row(
            &format!("SELECT {COLUMNS} FROM round WHERE id = ?1"),
            [id],
            round_at,
        )?)
    }

    fn round_named_in(&self, conn: &rusqlite::Connection, name: &str) -> Result<Option<Round>> {
        Ok(conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM round WHERE name = ?1"))?
            .query_row([name], round_at)
            .optional()?)
    }

    /// The round named `name`; an error listing the rounds there are when
    /// there is none.
    pub fn round_named(&self, name: &str) -> Result<Round> {
        self.located(|| {
            if let Some(round) = self.round_named_in(&self.conn, name.trim())? {
                return Ok(round);
            }
            let known = rounds_of(&self.conn)?.into_iter().map(|r| r.name).collect();
            Err(StoreError::UnknownRound {
                name: name.into(),
                known,
            })
        })
    }

    /// The round that ran before `round`, if any.
    pub fn round_before(&self, round: &Round) -> Result<Option<Round>> {
        self.located(|| {
            let rounds = rounds_of(&self.conn)?;
            let at = rounds.iter().position(|r| r.id == round.id);
            Ok(at
                .and_then(|at| at.checked_sub(1))
                .map(|before| rounds[before].clone()))
        })
    }

    /// The round the app works in: the open one, else the last that ran;
    /// `None` before any interview.
    pub fn current_round(&self) -> Result<Option<Round>> {
        self.located(|| current_round(&self.conn))
    }

    /// The round ranked when none is named: the last that ran with a
    /// complete interview, else the current one.
    pub fn ranked_round(&self) -> Result<Option<Round>> {
        self.located(|| {
            let ranked = self
                .conn
                .query_row(
                    &format!(
                        "SELECT {COLUMNS} FROM round r
                         WHERE EXISTS (SELECT 1 FROM counted c WHERE c.round_id = r.id)
                         ORDER BY starts DESC, opened_at DESC, id DESC LIMIT 1"
                    ),
                    [],
                    round_at,
                )
                .optional()?;
            match ranked {
                Some(round) => Ok(Some(round)),
                None => current_round(&self.conn),
            }
        })
    }

    /// The named round, or the one ranked when none is named (`None`: a
    /// database without interviews).
    pub fn round_or_ranked(&self, name: Option<&str>) -> Result<Option<Round>> {
        match name {
            Some(name) => self.round_named(name).map(Some),
            None => self.ranked_round(),
        }
    }

    /// The round a new interview begins in, inside `tx`: the open one. A
    /// database that never had a round opens [`FIRST_ROUND`]; one whose
    /// rounds are all closed begins nothing new.
    pub(super) fn round_for_new(&self, tx: &Transaction<'_>) -> Result<i64> {
        if let Some(open) = open_round(tx)? {
            return Ok(open.id);
        }
        if let Some(last) = current_round(tx)? {
            return Err(StoreError::RoundClosed(last.name));
        }
        self.insert_round(tx, FIRST_ROUND, &crate::survey::date_of(self.now()))
    }

    /// Opens round `name`, beginning on `starts`, inside `tx`: opened now,
    /// stamped by this laptop. Returns its id.
    fn insert_round(&self, tx: &Transaction<'_>, name: &str, starts: &str) -> Result<i64> {
        let now = self.tick();
        let stamp = self.stamp(tx, 0)?;
        tx.execute(
            "INSERT INTO round (name, starts, opened_at, stamp, device) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, starts, now, stamp, self.device],
        )?;
        Ok(tx.last_insert_rowid())
    }
}

pub(super) fn open_round(conn: &rusqlite::Connection) -> Result<Option<Round>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM round WHERE closed_at IS NULL"
        ))?
        .query_row([], round_at)
        .optional()?)
}

pub(super) fn current_round(conn: &rusqlite::Connection) -> Result<Option<Round>> {
    if let Some(open) = open_round(conn)? {
        return Ok(Some(open));
    }
    Ok(rounds_of(conn)?.pop())
}

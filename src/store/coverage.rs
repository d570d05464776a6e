//! Where fieldwork stands in a round, household by household: interviewed
//! (every questionnaire asked about complete), with a draft, partly
//! interviewed, or not visited; the faces group it per cadre, village or
//! township.

use std::collections::HashMap;

use super::household::{COLUMNS, Household, household_at};
use super::{Result, Round, Store};

/// How far a household's interviews of a round have come.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visit {
    /// A complete interview of every questionnaire asked about.
    Interviewed,
    /// Not all complete, and a draft begun.
    Drafts,
    /// Some complete, others not begun.
    Partly,
    /// No interview at all in the round.
    NotVisited,
}

/// A household and how far its interviews of the round have come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Covered {
    pub household: Household,
    pub visit: Visit,
}

impl Store {
    /// Every household, in registry order (township, village, code), with
    /// how far its interviews of `round` (none: nothing done yet) of the
    /// questionnaires `surveys` have come. One read transaction.
    pub fn coverage(&self, round: Option<&Round>, surveys: &[&str]) -> Result<Vec<Covered>> {
        self.located(|| {
            let tx = self.conn.unchecked_transaction()?;
            let round = round.map_or(0, |r| r.id);
            let wanted = super::overview::wanted_snapshots(&tx, surveys)?;
            let complete = self.complete_households(&tx, &wanted, (round, surveys.len()))?;
            // Per household: whether it has a draft, and whether it has any
            // interview of the questionnaires asked about: from the
            // `counted` rows and the index of drafts, never the answers.
            let mut begun: HashMap<i64, bool> = HashMap::new();
            {
                let mut stmt =
                    tx.prepare("SELECT household_id, interviews FROM counted WHERE round_id = ?1")?;
                let mut rows = stmt.query([round])?;
                while let Some(r) = rows.next()? {
                    let text = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
                    let any = super::hits::counted_entries(text)
                        .any(|e| e.is_some_and(|(snapshot, _)| wanted.contains_key(&snapshot)));
                    if any {
                        begun.entry(r.get(0)?).or_default();
                    }
                }
                let mut stmt = tx.prepare(
                    "SELECT household_id, snapshot_id FROM interview INDEXED BY interview_draft
                     WHERE status = 'draft' AND round_id = ?1",
                )?;
                let mut rows = stmt.query([round])?;
                while let Some(r) = rows.next()? {
                    if wanted.contains_key(&r.get(1)?) {
                        begun.insert(r.get(0)?, true);
                    }
                }
            }
            let mut stmt = tx.prepare(&format!(
                "SELECT id, {COLUMNS} FROM household ORDER BY township, village, code"
            ))?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let visit = if surveys.is_empty() || complete.binary_search(&id).is_ok() {
                    Visit::Interviewed
                } else {
                    match begun.get(&id) {
                        Some(true) => Visit::Drafts,
                        Some(false) => Visit::Partly,
                        None => Visit::NotVisited,
                    }
                };
                out.push(Covered {
                    household: household_at(r, 1)?,
                    visit,
                });
            }
            Ok(out)
        })
    }
}

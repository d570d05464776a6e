//! Where fieldwork stands in a round, household by household: interviewed
//! (every questionnaire asked about complete), with a draft, partly
//! interviewed, or not visited; the faces group it per cadre, village or
//! township.

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
        let mut out = Vec::new();
        self.coverage_each(round, surveys, |c| out.push(c))?;
        Ok(out)
    }

    /// [`Store::coverage`], each household handed to `each` as it is read
    /// rather than all kept.
    pub fn coverage_each(
        &self,
        round: Option<&Round>,
        surveys: &[&str],
        mut each: impl FnMut(Covered),
    ) -> Result<()> {
        self.located(|| {
            let tx = self.conn.unchecked_transaction()?;
            let round = round.map_or(0, |r| r.id);
            let wanted = super::overview::wanted_snapshots(&tx, surveys)?;
            // From the `counted` rows and the index of drafts, never the
            // answers.
            let counted = self.counted_households(&tx, &wanted, (round, surveys.len()))?;
            let drafts = super::overview::draft_households(&tx, &wanted, round)?;
            let mut stmt = tx.prepare(&format!(
                "SELECT id, {COLUMNS} FROM household ORDER BY township, village, code"
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let has = |list: &[i64]| list.binary_search(&id).is_ok();
                let visit = if surveys.is_empty() || has(&counted.complete) {
                    Visit::Interviewed
                } else if has(&drafts) {
                    Visit::Drafts
                } else if has(&counted.any) {
                    Visit::Partly
                } else {
                    Visit::NotVisited
                };
                each(Covered {
                    household: household_at(r, 1)?,
                    visit,
                });
            }
            Ok(())
        })
    }
}

//! The app's village list from the kept counts: households registered
//! per village, and per set of questionnaires complete and with a draft,
//! so that a province opens without reading its households.

use super::super::overview::VillageCoverage;
use super::super::{Result, Store};
use super::{MASK_BITS, bit};

impl Store {
    /// Coverage of every village in the current round (see
    /// [`Store::village_coverage`]) from the kept counts, brought up to
    /// date first; `None` when they cannot be, or do not tell the
    /// questionnaires `surveys` apart.
    pub(in crate::store) fn village_coverage_kept(
        &self,
        surveys: &[&str],
    ) -> Result<Option<Vec<VillageCoverage>>> {
        let plan = self.kept_plan()?;
        let mut wanted = 0i64;
        // A questionnaire never stored: no household has completed it.
        let mut never = false;
        for survey in surveys {
            match plan.versions.surveys.iter().position(|s| s == survey) {
                Some(s) if s < MASK_BITS => wanted |= bit(s),
                Some(_) => return Ok(None),
                None => never = true,
            }
        }
        let Some(tx) = self.kept_read(&plan)? else {
            return Ok(None);
        };
        let round = super::super::round::current_round(&tx)?.map_or(0, |r| r.id);
        let mut villages: Vec<VillageCoverage> = Vec::new();
        {
            let mut stmt = tx.prepare(
                "SELECT township, village, registered FROM kept_registry ORDER BY township, village",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let registered: i64 = r.get(2)?;
                villages.push(VillageCoverage {
                    township: r.get(0)?,
                    village: r.get(1)?,
                    registered,
                    // With no questionnaire asked about, every household
                    // is complete.
                    complete: if surveys.is_empty() { registered } else { 0 },
                    drafts: 0,
                });
            }
        }
        let mut stmt = tx.prepare(
            "SELECT p.township, p.village, k.surveys, k.drafts, k.households
             FROM kept_surveys k JOIN kept_place p ON p.slot = k.slot WHERE k.round_id = ?1",
        )?;
        let mut rows = stmt.query([round])?;
        while let Some(r) = rows.next()? {
            let township = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let village = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let found = villages.binary_search_by(|v| {
                (v.township.as_str(), v.village.as_str()).cmp(&(township, village))
            });
            let Ok(at) = found else { continue };
            let (complete, drafts, n): (i64, i64, i64) = (r.get(2)?, r.get(3)?, r.get(4)?);
            let v = &mut villages[at];
            if !surveys.is_empty() && !never && complete & wanted == wanted {
                v.complete += n;
            }
            if drafts & wanted != 0 {
                v.drafts += n;
            }
        }
        Ok(Some(villages))
    }
}

//! The ranking read from the kept counts: each village's counts (or each
//! township's, summed), with the households registered in each.

use std::collections::HashMap;

use super::super::priorities::PriorityInput;
use super::super::{Result, Store, StoreError};
use super::{Plan, codec};
use crate::priority::sums::REGISTERED;
use crate::priority::{Area, By, Layout, RankMethod, Sums};

impl Store {
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

    /// Brings the kept counts up to date for `plan`, in the caller's
    /// transaction when one is open, else in a write transaction of its
    /// own; `false` when the file cannot be written now (read-only, or
    /// another program writing).
    pub(super) fn bring_kept(&self, plan: &Plan) -> Result<bool> {
        if self.kept_current(plan)? {
            return Ok(true);
        }
        if !self.conn.is_autocommit() {
            self.fold_with(plan)?;
            return Ok(true);
        }
        let brought = self.write().and_then(|tx| {
            self.fold_with(plan)?;
            Ok(tx.commit()?)
        });
        match brought {
            Ok(()) => Ok(true),
            Err(StoreError::ReadOnly { .. } | StoreError::Busy) => Ok(false),
            Err(StoreError::Sqlite(e))
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) =>
            {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// The ranking of `round` from the kept counts, brought up to date
    /// first; `None` when they cannot be (the file cannot be written now)
    /// or do not hold what is asked (drafts, or groups).
    pub(in crate::store) fn priorities_kept(
        &self,
        round: Option<&super::super::Round>,
        (include_drafts, by): (bool, By),
        method: &RankMethod,
    ) -> Result<Option<(PriorityInput, Vec<crate::priority::Project>)>> {
        if include_drafts || by == By::Group || !self.keeps.get() {
            return Ok(None);
        }
        let plan = self.kept_plan()?;
        if !self.bring_kept(&plan)? {
            return Ok(None);
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

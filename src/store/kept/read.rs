//! The ranking read from the kept counts: each village's counts (or each
//! township's, summed), with the households registered in each.

use std::collections::HashMap;

use super::super::priorities::PriorityInput;
use super::super::{Result, Store, StoreError, row_text};
use super::{Plan, codec};
use crate::priority::sums::REGISTERED;
use crate::priority::{Area, By, Layout, RankMethod, Sums};

impl Store {
    /// The kept counts of `round` per village (or per township), laid out
    /// as `layout`, with the households registered in each.
    fn kept_sums(&self, layout: Layout, round: i64, by: By) -> Result<Sums> {
        let mut sums = Sums::new(layout);
        // By village: as many areas as villages registered, at most.
        if by == By::Village {
            let villages: i64 =
                (self.conn).query_row("SELECT count(*) FROM kept_registry", [], |r| r.get(0))?;
            sums.reserve_areas(usize::try_from(villages).unwrap_or(0));
        }
        // Areas by township then village, looked up without a copy of
        // their names: only a new area's are kept.
        let mut index: HashMap<String, HashMap<String, usize>> = HashMap::new();
        let mut area = |sums: &mut Sums, township: &str, village: &str| -> usize {
            let village = if by == By::Township { "" } else { village };
            if let Some(&a) = index.get(township).and_then(|v| v.get(village)) {
                return a;
            }
            let a = sums.push_area(Area {
                township: township.to_string(),
                village: village.to_string(),
                group: String::new(),
            });
            (index.entry(township.to_string()).or_default()).insert(village.to_string(), a);
            a
        };
        let mut stmt = self
            .conn
            .prepare("SELECT township, village, registered FROM kept_registry")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let a = area(&mut sums, row_text(r, 0)?, row_text(r, 1)?);
            sums.area_mut(a)[REGISTERED] += r.get::<_, i64>(2)?;
        }
        let mut stmt = self.conn.prepare(
            "SELECT p.township, p.village, k.sums FROM kept k JOIN kept_place p ON p.slot = k.slot
             WHERE k.round_id = ?1",
        )?;
        let mut rows = stmt.query([round])?;
        while let Some(r) = rows.next()? {
            let a = area(&mut sums, row_text(r, 0)?, row_text(r, 1)?);
            let blob = r.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
            // Added into the area's counts in place; on damage the sums
            // are not used.
            codec::add(blob, 1, sums.area_mut(a)).ok_or_else(|| StoreError::Corrupt {
                path: self.path.clone(),
                detail: format!("kept counts of round {round}"),
            })?;
        }
        Ok(sums)
    }

    /// Brings the kept counts up to date for `plan`, in the caller's
    /// transaction when one is open, else in a write transaction of its
    /// own; `false` when the file cannot be written now (read-only, or
    /// another program writing).
    fn bring_kept(&self, plan: &Plan) -> Result<bool> {
        if self.kept_current(plan)? {
            return Ok(true);
        }
        if !self.conn.is_autocommit() {
            // Inside the caller's transaction: folded into it, or left to
            // the full count when it cannot be.
            return self.fold_or_leave(Some(plan));
        }
        // Under the write lock the questionnaires stored are read again:
        // another program may have added a version meanwhile.
        let brought = self.write().and_then(|tx| {
            let now = self.kept_plan()?;
            self.fold_with(&now)?;
            Ok(tx.commit()?)
        });
        // Whatever stops it (a read-only file, another program writing,
        // damage the full count will name), the full count answers.
        Ok(brought.is_ok())
    }

    /// A read transaction in which the kept counts, brought up to date
    /// first, are laid out for `plan` with nothing left to fold (another
    /// program's write counts entirely or not at all); `None` when they
    /// cannot be.
    pub(super) fn kept_read(&self, plan: &Plan) -> Result<Option<rusqlite::Transaction<'_>>> {
        // Most reads find them current: checked once, in the read
        // transaction, and brought up to date only when they are not.
        if self.conn.is_autocommit() {
            let tx = self.conn.unchecked_transaction()?;
            if self.kept_current(plan)? {
                return Ok(Some(tx));
            }
        }
        if !self.bring_kept(plan)? {
            return Ok(None);
        }
        let tx = self.conn.unchecked_transaction()?;
        Ok(self.kept_current(plan)?.then_some(tx))
    }

    /// The ranking of `round` from the kept counts, brought up to date
    /// first; `None` when they cannot be (the file cannot be written now)
    /// or do not hold what is asked (drafts, or groups).
    pub(in crate::store) fn priorities_kept(
        &self,
        round: Option<&super::super::Round>,
        (include_drafts, by): (bool, By),
        (method, asked): (&RankMethod, super::super::priorities::Asked),
    ) -> Result<Option<(PriorityInput, Vec<crate::priority::Project>)>> {
        if include_drafts || by == By::Group {
            return Ok(None);
        }
        let plan = self.kept_plan()?;
        let Some(tx) = self.kept_read(&plan)? else {
            return Ok(None);
        };
        let mut input = PriorityInput {
            include_drafts,
            by,
            round: round.cloned(),
            rules: plan.rules.clone(),
            ..PriorityInput::default()
        };
        let (tally, _) = plan.tally();
        let tally = tally.with_method(method);
        let sums = self.kept_sums(tally.layout(), input.round_id(), by)?;
        drop(tx);
        if asked.areas {
            input.areas = tally.summaries_of(&sums);
        }
        let projects = match asked.first {
            Some(k) => tally.rank_kept_first(&sums, k),
            None => tally.rank_kept(&sums),
        };
        Ok(Some((input, projects)))
    }
}

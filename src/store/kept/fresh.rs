//! The counts of households new to their round made from the interviews
//! just written rather than read back (a demo county's batches).

use std::collections::HashMap;

use super::Counted;
use crate::priority::Household;
use crate::store::{Result, Store};

/// Households whose every interview in a round was written by the open
/// transaction, by (household, round), with their record and what was
/// written: their counts are made from these rather than read back (a
/// demo county's batches).
#[derive(Default)]
pub(in crate::store) struct Fresh(HashMap<(i64, i64), (Household, Vec<Counted>)>);

impl Fresh {
    /// Starts a household's interviews in a round; `before` when it had
    /// some already, which are read back then (and it is left out). Whether
    /// it is kept here.
    pub(in crate::store) fn start(
        &mut self,
        key: (i64, i64),
        household: Household,
        before: bool,
    ) -> bool {
        if before {
            self.0.remove(&key);
            return false;
        }
        self.0.insert(key, (household, Vec::new()));
        true
    }

    /// The record and interviews written of household `id` in `round`,
    /// taken: `None` when they are read back.
    pub(super) fn take(&mut self, (id, round): (i64, i64)) -> Option<(Household, Vec<Counted>)> {
        self.0.remove(&(id, round))
    }

    /// Each household kept here, by (household, round), with its
    /// interviews in the order written.
    pub(in crate::store) fn households(&self) -> impl Iterator<Item = ((i64, i64), &[Counted])> {
        self.0
            .iter()
            .map(|(&key, (_, interviews))| (key, interviews.as_slice()))
    }

    /// One more interview written of a household started.
    pub(in crate::store) fn add(&mut self, key: (i64, i64), interview: Counted) {
        if let Some((_, interviews)) = self.0.get_mut(&key) {
            interviews.push(interview);
        }
    }
}

impl Store {
    /// Commits `tx` with the counts of the households in `fresh` made from
    /// what it wrote. They are forgotten however the commit ends, even by a panic: a
    /// later transaction never trusts them.
    pub(in crate::store) fn commit_fresh(
        &self,
        tx: rusqlite::Transaction<'_>,
        fresh: Fresh,
    ) -> Result<()> {
        struct Forget<'s>(&'s std::cell::RefCell<Fresh>);
        impl Drop for Forget<'_> {
            fn drop(&mut self) {
                self.0.borrow_mut().0.clear();
            }
        }
        *self.fresh.borrow_mut() = fresh;
        let _forget = Forget(&self.fresh);
        self.commit(tx)
    }
}

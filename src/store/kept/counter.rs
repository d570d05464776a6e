//! A household's counts made by a one-household tally, as a fold or a
//! rebuild adds them to its village.

use std::collections::HashMap;

use super::{Counted, Plan, bit};
use crate::priority::sums::REGISTERED;
use crate::priority::{Household, Layout, Tally};
use crate::store::priorities::versions::Hits;

/// Villages' slots by township and village.
pub(super) type Slots = HashMap<String, HashMap<String, i64>>;

/// Counts one household at a time.
pub(super) struct Counter<'p> {
    plan: &'p Plan,
    tally: Tally<'p>,
    numbers: Vec<usize>,
    hits: Hits,
    /// The villages' slots met so far: a fold or a rebuild (inside one
    /// transaction) looks each up once.
    pub(super) slots: Slots,
}

impl<'p> Counter<'p> {
    pub(super) fn new(plan: &'p Plan) -> Self {
        let (tally, numbers) = plan.tally();
        Counter {
            plan,
            tally,
            numbers,
            hits: Hits::default(),
            slots: HashMap::new(),
        }
    }

    pub(super) fn layout(&self) -> Layout {
        self.tally.layout()
    }

    /// The counts `household` adds to its village in a round whose
    /// interviews are `interviews`: for each questionnaire the complete
    /// one completed last counts (the higher id on a tie); and the sets
    /// of questionnaires with a complete interview and with a draft.
    /// `None` when it has no interview. The households registered are kept
    /// apart.
    pub(super) fn count(
        &mut self,
        household: &Household,
        interviews: &[Counted],
    ) -> std::result::Result<Option<(Vec<i64>, i64, i64)>, String> {
        let versions = &self.plan.versions;
        let mut chosen: Vec<Option<(usize, &Counted)>> = vec![None; versions.surveys()];
        let mut drafts = 0i64;
        for c in interviews {
            let Some(at) = versions.snapshot(c.snapshot) else {
                continue;
            };
            let s = versions.survey(at);
            if !c.complete {
                drafts |= bit(s);
                continue;
            }
            let slot = &mut chosen[s];
            if (*slot).is_none_or(|(_, o)| (c.when, c.id) > (o.when, o.id)) {
                *slot = Some((at, c));
            }
        }
        if interviews.is_empty() {
            return Ok(None);
        }
        self.tally.clear();
        self.tally.push(household);
        for (s, (at, c)) in chosen
            .iter()
            .enumerate()
            .filter_map(|(s, c)| Some((s, (*c)?)))
        {
            versions
                .hits(s, &c.hits, &mut self.hits)
                .map_err(|e| format!("{e} of interview {}", c.id))?;
            self.tally
                .add_version(0, self.numbers[at], &self.hits.fired);
            for &(rule, persons, unknown) in &self.hits.details {
                self.tally.add_detail(0, rule, persons, unknown);
            }
            self.tally.add_said(0, &self.hits.fired, c.said);
        }
        let (sums, _) = self.tally.sums(std::slice::from_ref(household));
        let mut cells = sums.area(0).to_vec();
        cells[REGISTERED] = 0;
        let surveys = chosen
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_some())
            .fold(0i64, |mask, (s, _)| mask | bit(s));
        Ok(Some((cells, surveys, drafts)))
    }
}

//! A demo county over several rounds, a year apart, as the county's cycle
//! runs: after each round the joint meeting approves the top projects,
//! most are funded and built, some dropped; the next round visits the
//! households again. Where a project was built its need mostly goes,
//! elsewhere villages drift better or worse, and every household's
//! answers are drawn again: some needs are resolved, some persist, some
//! are new, and some households are not visited again.

use std::collections::HashMap;

use super::{FIELDWORK_START_MS, Rng, Summary, write_round};
use crate::priority::By;
use crate::store::project::{NewChange, ProjectKey, Status};
use crate::store::{Result, Store};
use crate::survey::Survey;

const YEAR_MS: i64 = 365 * 86_400_000;

/// How one round is drawn.
pub(super) struct RoundPlan {
    /// 0 for the first round, which also writes the registry.
    pub(super) index: usize,
    /// When its fieldwork starts (milliseconds since the epoch).
    pub(super) start_ms: i64,
    /// The share of households' questionnaires not visited in the round.
    pub(super) not_visited: f64,
    /// Per village (township number, name): how much of each survey's
    /// hardship is left after the projects built there.
    built: HashMap<(usize, String), Vec<f64>>,
}

impl RoundPlan {
    /// The only round of a county drawn once.
    pub(super) fn first() -> RoundPlan {
        RoundPlan {
            index: 0,
            start_ms: FIELDWORK_START_MS,
            not_visited: 0.01,
            built: HashMap::new(),
        }
    }

    /// A village's hardship in each survey this round: as drawn in the
    /// first; later, drifting a little either way, and mostly gone where
    /// a project was built.
    pub(super) fn adjust(
        &self,
        rng: &mut Rng,
        (township, village): (usize, &str),
        hard: &mut [f64],
    ) {
        if self.index == 0 {
            return;
        }
        let built = self.built.get(&(township, village.to_string()));
        for (s, h) in hard.iter_mut().enumerate() {
            let drift = 0.75 + 0.45 * rng.unit();
            let left = built.and_then(|b| b.get(s)).copied().unwrap_or(1.0);
            *h *= drift * left;
        }
    }
}

/// Writes a demo county of `households` households over `rounds` rounds
/// (a year apart, the last this year), with the follow-up of the top
/// projects of each round but the last.
pub fn generate_rounds(
    store: &Store,
    surveys: &[Survey],
    (households, seed): (usize, u64),
    rounds: usize,
) -> Result<Summary> {
    let snapshots = super::prepare(store, surveys)?;
    let mut total = Summary::default();
    let mut built: HashMap<(usize, String), Vec<f64>> = HashMap::new();
    for index in 0..rounds {
        let start_ms = FIELDWORK_START_MS - (rounds - 1 - index) as i64 * YEAR_MS;
        let year = 2026 - (rounds - 1 - index);
        let name = format!("{year}年度");
        store.open_round(&name, Some(&format!("{year}-03-01")))?;
        let plan = RoundPlan {
            index,
            start_ms,
            not_visited: if index == 0 { 0.01 } else { 0.04 },
            built: std::mem::take(&mut built),
        };
        let summary = write_round(store, surveys, (&snapshots, households, seed), &plan)?;
        total.households = summary.households;
        total.villages = summary.villages;
        total.complete += summary.complete;
        total.drafts += summary.drafts;
        if index + 1 < rounds {
            built = follow_up(
                store,
                surveys,
                (&name, start_ms + YEAR_MS - 60 * 86_400_000),
            )?;
            store.close_round()?;
        }
    }
    super::finish(store, total)
}

/// The joint meeting after round `round`: the top 40 projects with a cost
/// are approved, 30 of them funded, 25 built by `built_by` (three more
/// dropped). Returns, per village, what is left of each survey's hardship
/// where a project was built.
fn follow_up(
    store: &Store,
    surveys: &[Survey],
    (round, built_by): (&str, i64),
) -> Result<HashMap<(usize, String), Vec<f64>>> {
    let ranked = store.round_named(round)?;
    let (input, projects) = store.priorities(Some(&ranked), false, By::Village)?;
    let mut built: HashMap<(usize, String), Vec<f64>> = HashMap::new();
    let day = crate::survey::date_of(built_by);
    let costed = projects.iter().filter(|p| p.cost.is_some()).take(43);
    for (n, p) in costed.enumerate() {
        let rule = &input.rules[p.rule];
        let key = ProjectKey {
            round: round.to_string(),
            township: p.area.township.clone(),
            village: p.area.village.clone(),
            survey: rule.survey.clone(),
            rule: rule.name.clone(),
        };
        let mut steps = vec![(Status::Approved, None, "联席会议通过")];
        if n >= 40 {
            steps = vec![(Status::Dropped, None, "联席会议未通过:资金不足")];
        } else if n < 30 {
            steps.push((Status::Funded, p.cost, "县级衔接资金"));
            if n < 25 {
                steps.push((Status::Done, None, "竣工验收"));
            }
        }
        for (status, amount, note) in steps {
            let change = NewChange {
                status: Some(status),
                amount,
                source: (status == Status::Funded).then(|| "衔接资金".to_string()),
                day: Some(day.clone()),
                note: note.to_string(),
            };
            store.set_project(&key, &change, "县乡村振兴局")?;
        }
        if n < 25
            && let Some(township) = super::registry::TOWNSHIPS
                .iter()
                .position(|t| *t == p.area.township)
            && let Some(s) = surveys.iter().position(|s| s.id == rule.survey)
        {
            let left = built
                .entry((township, p.area.village.clone()))
                .or_insert_with(|| vec![1.0; surveys.len()]);
            left[s] = 0.3;
        }
    }
    Ok(built)
}

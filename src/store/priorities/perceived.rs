//! The household's own view beside the measured need: every questionnaire
//! ends with how urgent the household finds the problem (a single choice
//! named `urgency`). For each project, the share of its affected
//! households that called it urgent.

use std::collections::HashMap;

use rusqlite::params;

use super::super::{Result, Store};
use super::PriorityInput;
use crate::priority::Project;

/// The question every questionnaire ends with.
pub const URGENCY_QUESTION: &str = "urgency";
/// The answers to it that call the problem urgent: 比较急 (medium) or worse.
pub const URGENT_ANSWERS: [&str; 3] = ["medium", "high", "critical"];

/// What the affected households of a project said of its urgency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Perceived {
    /// Affected households whose counted interview answers the question.
    pub answered: i64,
    /// Of those, the households that called it urgent.
    pub urgent: i64,
}

impl Perceived {
    /// urgent / answered; `None` when no household answered.
    pub fn share(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.urgent as f64 / self.answered as f64)
    }
}

/// The answer of the interview that counts: (its time, its id, urgent).
type Latest = (i64, i64, Option<bool>);

impl Store {
    /// For each of `projects` (ranked from `input`), what its affected
    /// households said of the urgency in the interview that counts for
    /// them (the one the ranking counted: the latest complete of the
    /// round, or the latest of any status with drafts). Interviews are
    /// read once; only the affected households' answers are kept.
    pub fn perceived(&self, input: &PriorityInput, projects: &[Project]) -> Result<Vec<Perceived>> {
        self.located(|| {
            let mut surveys: Vec<&str> = Vec::new();
            let mut wanted: HashMap<(&str, usize), Latest> = HashMap::new();
            for p in projects {
                let survey = input.rules[p.rule].survey.as_str();
                if !surveys.contains(&survey) {
                    surveys.push(survey);
                }
                for &h in &p.households {
                    wanted.insert((survey, h), (i64::MIN, i64::MIN, None));
                }
            }
            if wanted.is_empty() {
                return Ok(vec![Perceived::default(); projects.len()]);
            }
            self.read_urgency(input, &surveys, &mut wanted)?;
            Ok(projects
                .iter()
                .map(|p| {
                    let survey = input.rules[p.rule].survey.as_str();
                    let mut out = Perceived::default();
                    for &h in &p.households {
                        if let Some((_, _, Some(urgent))) = wanted.get(&(survey, h)) {
                            out.answered += 1;
                            out.urgent += i64::from(*urgent);
                        }
                    }
                    out
                })
                .collect())
        })
    }
}

impl Store {
    /// Fills `wanted` ((survey, household) → the latest answer so far)
    /// from the round's interviews.
    fn read_urgency<'i>(
        &self,
        input: &'i PriorityInput,
        surveys: &[&'i str],
        wanted: &mut HashMap<(&'i str, usize), Latest>,
    ) -> Result<()> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (_, h) in wanted.keys() {
            index.insert(&input.households[*h].code, *h);
        }
        // A few households (one project's) are looked up one by one;
        // more, in one pass over the round's interviews.
        const FEW: usize = 500;
        let select = "SELECT h.code, s.survey,
                    CASE WHEN ?2 THEN i.updated_at ELSE i.completed_at END, i.id,
                    json_extract(i.answers, '$.' || ?3)
             FROM interview i JOIN snapshot s ON s.id = i.snapshot_id
             JOIN household h ON h.id = i.household_id
             WHERE i.round_id = ?1 AND (?2 OR i.status = 'complete')";
        let (round, drafts) = (input.round_id(), input.include_drafts);
        let mut take = |r: &rusqlite::Row<'_>| -> rusqlite::Result<()> {
            let code = r.get_ref(0)?.as_str().unwrap_or_default();
            let survey = r.get_ref(1)?.as_str().unwrap_or_default();
            let (Some(&h), Some(survey)) =
                (index.get(code), surveys.iter().find(|s| **s == survey))
            else {
                return Ok(());
            };
            let Some(slot) = wanted.get_mut(&(*survey, h)) else {
                return Ok(());
            };
            let when: i64 = r.get::<_, Option<i64>>(2)?.unwrap_or(i64::MIN);
            let id: i64 = r.get(3)?;
            if (when, id) > (slot.0, slot.1) {
                // "Don't know" and a refusal ([dont_know], [refused])
                // say nothing either way.
                let answer = r.get_ref(4)?.as_str().ok().filter(|a| !a.starts_with('['));
                *slot = (when, id, answer.map(|a| URGENT_ANSWERS.contains(&a)));
            }
            Ok(())
        };
        if index.len() <= FEW {
            let mut stmt = self
                .conn
                .prepare_cached(&format!("{select} AND h.code = ?4"))?;
            for code in index.keys() {
                let mut rows = stmt.query(params![round, drafts, URGENCY_QUESTION, code])?;
                while let Some(r) = rows.next()? {
                    take(r)?;
                }
            }
        } else {
            let mut stmt = self.conn.prepare(select)?;
            let mut rows = stmt.query(params![round, drafts, URGENCY_QUESTION])?;
            while let Some(r) = rows.next()? {
                take(r)?;
            }
        }
        Ok(())
    }
}

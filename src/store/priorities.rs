//! What the priority core needs, read from the database: households, the
//! need rules of every stored questionnaire version, and for each
//! household and survey the interview that counts with its stored hits.

use std::collections::HashMap;

use rusqlite::params;

use super::interview::{compute_hits, decode_answers};
use super::{Result, Store};
use crate::interview::HouseholdFacts;
use crate::priority::{Household, Observation, Rule};

/// The interview chosen so far for a household and survey: id, time,
/// status, stored hits, snapshot.
type Candidate = (i64, i64, String, String, i64);

/// The input of a ranking, with what is needed to explain it.
#[derive(Clone, Debug, Default)]
pub struct PriorityInput {
    pub households: Vec<Household>,
    pub rules: Vec<Rule>,
    pub observations: Vec<Observation>,
    /// The interview behind each observation.
    pub interviews: Vec<i64>,
}

impl Store {
    /// Reads the ranking's input. For each household and survey the latest
    /// complete interview counts (the one completed last when a household
    /// was interviewed twice); with `include_drafts`, the latest interview
    /// of any status, a draft's hits computed from its answers.
    pub fn priority_input(&self, include_drafts: bool) -> Result<PriorityInput> {
        let mut input = PriorityInput::default();
        let mut position: HashMap<i64, usize> = HashMap::new();
        let mut facts: Vec<HouseholdFacts> = Vec::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT id, code, township, village, grp, members FROM household ORDER BY code",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let h = Household {
                    code: r.get(1)?,
                    township: r.get(2)?,
                    village: r.get(3)?,
                    group: r.get(4)?,
                    members: r.get(5)?,
                };
                facts.push(HouseholdFacts {
                    members: h.members,
                    village: h.village.clone(),
                    township: h.township.clone(),
                    group: h.group.clone(),
                });
                position.insert(r.get(0)?, input.households.len());
                input.households.push(h);
            }
        }
        // Rules by survey and name; a newer version's wording and cost win.
        let mut rule_index: HashMap<(String, String), usize> = HashMap::new();
        let snapshots: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM snapshot ORDER BY created_at, id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for id in snapshots {
            let survey = self.snapshot_survey(id)?;
            for need in &survey.needs {
                let rule = Rule {
                    survey: survey.id.clone(),
                    name: need.name.clone(),
                    category: need.category.clone(),
                    severity: need.severity.get(),
                    project: need.project.clone(),
                    unit_cost: need.unit_cost,
                };
                match rule_index.get(&(survey.id.clone(), need.name.clone())) {
                    Some(&i) => input.rules[i] = rule,
                    None => {
                        rule_index
                            .insert((survey.id.clone(), need.name.clone()), input.rules.len());
                        input.rules.push(rule);
                    }
                }
            }
        }
        // The interview that counts, per household and survey.
        let sql = if include_drafts {
            "SELECT i.id, i.household_id, s.survey, i.status, i.updated_at, i.hits, i.snapshot_id
             FROM interview i JOIN snapshot s ON s.id = i.snapshot_id"
        } else {
            "SELECT i.id, i.household_id, s.survey, i.status, i.completed_at, i.hits, i.snapshot_id
             FROM interview i JOIN snapshot s ON s.id = i.snapshot_id WHERE i.status = 'complete'"
        };
        let mut best: HashMap<(usize, String), Candidate> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(sql)?;
            let mut rows = stmt.query(params![])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let Some(&household) = position.get(&r.get::<_, i64>(1)?) else {
                    continue;
                };
                let survey: String = r.get(2)?;
                let when: i64 = r.get::<_, Option<i64>>(4)?.unwrap_or(0);
                let key = (household, survey);
                let newer = best
                    .get(&key)
                    .is_none_or(|(old_id, old_when, ..)| (when, id) > (*old_when, *old_id));
                if newer {
                    best.insert(key, (id, when, r.get(3)?, r.get(5)?, r.get(6)?));
                }
            }
        }
        let mut chosen: Vec<((usize, String), Candidate)> = best.into_iter().collect();
        chosen.sort_by(|a, b| (a.0.0, &a.0.1).cmp(&(b.0.0, &b.0.1)));
        for ((household, survey), (id, _, status, hits, snapshot)) in chosen {
            let hits = if status == "complete" {
                hits
            } else {
                let answers: String = self.conn.query_row(
                    "SELECT answers FROM interview WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )?;
                compute_hits(
                    &*self.snapshot_survey(snapshot)?,
                    &decode_answers(&answers)?,
                    &facts[household],
                )
            };
            let fired = hits
                .split_whitespace()
                .filter_map(|hit| hit.split_once(':'))
                .filter_map(|(name, _)| {
                    rule_index.get(&(survey.clone(), name.to_string())).copied()
                })
                .collect();
            input.observations.push(Observation {
                household,
                survey,
                hits: fired,
            });
            input.interviews.push(id);
        }
        Ok(input)
    }
}

/// One household behind a project, with the answers its rule reads.
#[derive(Clone, Debug)]
pub struct ExplainRow {
    pub code: String,
    pub head: String,
    pub members: i64,
    /// (question, stored answer) for each question the rule reads.
    pub values: Vec<(String, Option<String>)>,
    /// The questionnaire version the household answered, for labels.
    pub survey: std::rc::Rc<crate::survey::Survey>,
}

/// Why a project is ranked where it is: its rule and its households.
#[derive(Clone, Debug, Default)]
pub struct Explanation {
    /// The rule's condition as written.
    pub when: String,
    /// The questions it reads.
    pub questions: Vec<String>,
    pub rows: Vec<ExplainRow>,
}

impl Store {
    /// The households of `project` with the answers that made its rule fire,
    /// each read from the interview that counted.
    pub fn explain(
        &self,
        input: &PriorityInput,
        project: &crate::priority::Project,
    ) -> Result<Explanation> {
        let rule = &input.rules[project.rule];
        let mut explanation = Explanation::default();
        for &h in &project.households {
            let Some(o) = input
                .observations
                .iter()
                .position(|o| o.household == h && o.survey == rule.survey)
            else {
                continue;
            };
            let interview = self.interview(input.interviews[o])?;
            let Some(need) = interview.survey.needs.iter().find(|n| n.name == rule.name) else {
                continue;
            };
            let mut questions: Vec<String> = Vec::new();
            for (q, _) in need.when.ast.question_refs() {
                if !questions.iter().any(|x| x == q) {
                    questions.push(q.to_string());
                }
            }
            if explanation.when.is_empty() {
                explanation.when = need.when.text.clone();
                explanation.questions = questions.clone();
            }
            explanation.rows.push(ExplainRow {
                code: interview.household.code.clone(),
                head: interview.household.head.clone(),
                members: interview.household.members,
                values: questions
                    .iter()
                    .map(|q| (q.clone(), interview.answers.get(q).cloned()))
                    .collect(),
                survey: std::rc::Rc::clone(&interview.survey),
            });
        }
        Ok(explanation)
    }
}

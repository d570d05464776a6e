//! What the priority core needs, read from the database: households, the
//! need rules of every stored questionnaire version, and for each
//! household and survey the interview that counts with its stored hits.

use std::collections::HashMap;
use std::rc::Rc;

use super::interview::{compute_hits, decode_answers};
use super::{Result, Store};
use crate::interview::HouseholdFacts;
use rusqlite::OptionalExtension;

use crate::priority::{By, Household, Project, Rule, Tally};

/// Household row ids to positions in the ranking's household list.
enum Positions {
    Dense(Vec<u32>),
    Sparse(HashMap<i64, u32>),
}

impl Positions {
    const NONE: u32 = u32::MAX;

    fn new(dense: bool, max_id: i64) -> Positions {
        if dense {
            Positions::Dense(vec![Self::NONE; usize::try_from(max_id).unwrap_or(0) + 1])
        } else {
            Positions::Sparse(HashMap::new())
        }
    }

    fn insert(&mut self, id: i64, position: usize) {
        let position = position as u32;
        match self {
            Positions::Dense(v) => {
                if let Some(slot) = usize::try_from(id).ok().and_then(|i| v.get_mut(i)) {
                    *slot = position;
                }
            }
            Positions::Sparse(m) => {
                m.insert(id, position);
            }
        }
    }

    fn get(&self, id: i64) -> Option<usize> {
        let found = match self {
            Positions::Dense(v) => usize::try_from(id).ok().and_then(|i| v.get(i)).copied(),
            Positions::Sparse(m) => m.get(&id).copied(),
        };
        found.filter(|&p| p != Self::NONE).map(|p| p as usize)
    }
}

/// The interview chosen so far for a household and survey, with the rules
/// its stored hits name.
#[derive(Clone)]
struct Candidate {
    id: i64,
    when: i64,
    complete: bool,
    hits: Vec<usize>,
    snapshot: i64,
}

/// What a ranking is made of: the households and the rules its projects
/// point into, and whether drafts were counted.
#[derive(Clone, Debug, Default)]
pub struct PriorityInput {
    pub households: Vec<Household>,
    pub rules: Vec<Rule>,
    pub include_drafts: bool,
}

impl Store {
    /// Ranks the projects of every area (see [`crate::priority`]). For each
    /// household and survey the latest complete interview counts (the one
    /// completed last when a household was interviewed twice); with
    /// `include_drafts`, the latest interview of any status, a draft's hits
    /// computed from its answers. Interviews are read once, in household
    /// order, and counted as they come.
    pub fn priorities(
        &self,
        include_drafts: bool,
        by: By,
    ) -> Result<(PriorityInput, Vec<Project>)> {
        let mut input = PriorityInput {
            include_drafts,
            ..PriorityInput::default()
        };
        // Household row ids are dense: a vector maps them to positions.
        // Row id → position: a vector while ids are dense (as SQLite makes
        // them), a map when they are not, so a strange id never sizes memory.
        let (max_id, count): (i64, i64) = self.conn.query_row(
            "SELECT coalesce(max(id), 0), count(*) FROM household",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let dense = max_id >= 0 && max_id <= count * 2 + 1024;
        let mut position = Positions::new(dense, max_id);
        let mut names: HashMap<String, Rc<str>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT id, code, township, village, grp, members FROM household ORDER BY code",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                position.insert(id, input.households.len());
                let mut name = |i: usize| -> rusqlite::Result<Rc<str>> {
                    let text = r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?;
                    Ok(match names.get(text) {
                        Some(shared) => Rc::clone(shared),
                        None => {
                            let shared: Rc<str> = Rc::from(text);
                            names.insert(text.to_string(), Rc::clone(&shared));
                            shared
                        }
                    })
                };
                let (township, village, group) = (name(2)?, name(3)?, name(4)?);
                input.households.push(Household {
                    code: r.get::<_, String>(1)?.into_boxed_str(),
                    township,
                    village,
                    group,
                    members: r.get(5)?,
                });
            }
        }
        // Rules by survey and name; a newer version's wording and cost win.
        let mut surveys: Vec<String> = Vec::new();
        let mut rule_index: Vec<HashMap<String, usize>> = Vec::new();
        let mut snapshot_survey: HashMap<i64, usize> = HashMap::new();
        // The rules each questionnaire version has, by snapshot.
        let mut asked: HashMap<i64, Vec<usize>> = HashMap::new();
        let snapshots: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM snapshot ORDER BY created_at, id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for id in snapshots {
            let survey = self.snapshot_survey(id)?;
            let s = match surveys.iter().position(|x| *x == survey.id) {
                Some(s) => s,
                None => {
                    surveys.push(survey.id.clone());
                    rule_index.push(HashMap::new());
                    surveys.len() - 1
                }
            };
            snapshot_survey.insert(id, s);
            for need in &survey.needs {
                let rule = Rule {
                    survey: survey.id.clone(),
                    name: need.name.clone(),
                    category: need.category.clone(),
                    severity: need.severity.get(),
                    project: need.project.clone(),
                    unit_cost: need.unit_cost,
                };
                let i = match rule_index[s].get(&need.name) {
                    Some(&i) => {
                        input.rules[i] = rule;
                        i
                    }
                    None => {
                        rule_index[s].insert(need.name.clone(), input.rules.len());
                        input.rules.push(rule);
                        input.rules.len() - 1
                    }
                };
                asked.entry(id).or_default().push(i);
            }
        }
        // The interview that counts, per household and survey: the latest
        // completed (or, with drafts, changed), the higher id on a tie. Rows
        // come in household order, so only one household's candidates are
        // held at a time.
        let sql = if include_drafts {
            "SELECT id, household_id, snapshot_id, status, updated_at, hits FROM interview ORDER BY household_id"
        } else {
            "SELECT id, household_id, snapshot_id, status, completed_at, hits FROM interview
             WHERE status = 'complete' ORDER BY household_id"
        };
        let mut tally = Tally::new(&input.households, &input.rules, by);
        let mut current: Option<usize> = None;
        let mut slots: Vec<Option<Candidate>> = vec![None; surveys.len()];
        let mut stmt = self.conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        loop {
            let row = rows.next()?;
            let household = match row {
                Some(r) => position.get(r.get::<_, i64>(1)?),
                None => None,
            };
            if row.is_none() || (household.is_some() && household != current) {
                if let Some(h) = current {
                    for (s, slot) in slots.iter_mut().enumerate() {
                        if let Some(c) = slot.take() {
                            let hits =
                                self.counted_hits(&input.households[h], c, &rule_index[s])?;
                            tally.add(h, &surveys[s], &hits);
                        }
                    }
                }
                current = household;
            }
            let Some(r) = row else { break };
            let (Some(_), Some(&survey)) = (household, snapshot_survey.get(&r.get::<_, i64>(2)?))
            else {
                continue;
            };
            let id: i64 = r.get(0)?;
            let when: i64 = r.get::<_, Option<i64>>(4)?.unwrap_or(0);
            let slot = &mut slots[survey];
            if slot.as_ref().is_none_or(|c| (when, id) > (c.when, c.id)) {
                let hits = r.get_ref(5)?.as_str().map_err(rusqlite::Error::from)?;
                *slot = Some(Candidate {
                    id,
                    when,
                    complete: r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)? == "complete",
                    hits: hits
                        .split_whitespace()
                        .filter_map(|hit| hit.split_once(':'))
                        .filter_map(|(name, _)| rule_index[survey].get(name).copied())
                        .collect(),
                    snapshot: r.get(2)?,
                });
            }
        }
        drop(rows);
        drop(stmt);
        let projects = tally.rank();
        Ok((input, projects))
    }
}

impl Store {
    /// The rules that fired on the interview that counts: stored for a
    /// complete one, computed from the answers for a draft.
    fn counted_hits(
        &self,
        household: &Household,
        c: Candidate,
        rules: &HashMap<String, usize>,
    ) -> Result<Vec<usize>> {
        if c.complete {
            return Ok(c.hits);
        }
        let answers: String =
            self.conn
                .query_row("SELECT answers FROM interview WHERE id = ?1", [c.id], |r| {
                    r.get(0)
                })?;
        let facts = HouseholdFacts {
            members: household.members,
            village: household.village.to_string(),
            township: household.township.to_string(),
            group: household.group.to_string(),
        };
        Ok(compute_hits(
            &*self.snapshot_survey(c.snapshot)?,
            &decode_answers(&answers)?,
            &facts,
        )
        .split_whitespace()
        .filter_map(|hit| hit.split_once(':'))
        .filter_map(|(name, _)| rules.get(name).copied())
        .collect())
    }

    /// The interview that counts for a household and survey, by the same
    /// rule as [`Store::priorities`].
    fn counted_interview(
        &self,
        code: &str,
        survey: &str,
        include_drafts: bool,
    ) -> Result<Option<i64>> {
        let sql = if include_drafts {
            "SELECT i.id FROM interview i JOIN household h ON h.id = i.household_id
             JOIN snapshot s ON s.id = i.snapshot_id WHERE h.code = ?1 AND s.survey = ?2
             ORDER BY i.updated_at DESC, i.id DESC LIMIT 1"
        } else {
            "SELECT i.id FROM interview i JOIN household h ON h.id = i.household_id
             JOIN snapshot s ON s.id = i.snapshot_id WHERE h.code = ?1 AND s.survey = ?2
             AND i.status = 'complete' ORDER BY i.completed_at DESC, i.id DESC LIMIT 1"
        };
        Ok(self
            .conn
            .query_row(sql, [code, survey], |r| r.get(0))
            .optional()?)
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
            let code = &*input.households[h].code;
            let Some(id) = self.counted_interview(code, &rule.survey, input.include_drafts)? else {
                continue;
            };
            let interview = self.interview(id)?;
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

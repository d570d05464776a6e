//! Why a project is ranked where it is: the households behind it, each
//! with the answers its rule read and the hit stored for it, from the
//! interview that counted.

use std::rc::Rc;

use rusqlite::{OptionalExtension, params};

use super::super::{Result, Store, StoreError};
use super::PriorityInput;
use crate::i18n::Tr;
use crate::survey::expr::words::words;
use crate::survey::{Severity, Survey};

impl Store {
    /// The interview that counts for a household and survey, by the same
    /// rule as [`Store::priorities`].
    fn counted_interview(
        &self,
        code: &str,
        survey: &str,
        input: &PriorityInput,
    ) -> Result<Option<i64>> {
        let sql = if input.include_drafts {
            "SELECT i.id FROM interview i JOIN household h ON h.id = i.household_id
             JOIN snapshot s ON s.id = i.snapshot_id WHERE h.code = ?1 AND s.survey = ?2
             AND i.round_id = ?3 ORDER BY i.updated_at DESC, i.id DESC LIMIT 1"
        } else {
            "SELECT i.id FROM interview i JOIN household h ON h.id = i.household_id
             JOIN snapshot s ON s.id = i.snapshot_id WHERE h.code = ?1 AND s.survey = ?2
             AND i.round_id = ?3 AND i.status = 'complete'
             ORDER BY i.completed_at DESC, i.id DESC LIMIT 1"
        };
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_row(params![code, survey, input.round_id()], |r| r.get(0))
            .optional()?)
    }
}

impl Store {
    /// The codes of the affected households of `project` (whose rules are
    /// `names`), in code order: those it lists, or, ranked from the kept
    /// counts, those found in its area.
    fn codes_of(
        &self,
        input: &PriorityInput,
        project: &crate::priority::Project,
        names: &[&str],
    ) -> Result<Vec<Box<str>>> {
        if project.households.is_empty() {
            return self.affected_codes(input, project, names);
        }
        Ok(project
            .households
            .iter()
            .map(|&h| input.households[h].code.clone())
            .collect())
    }

    /// The codes of the affected households of `project` (whose rules
    /// are `names`), in code order, for a project ranked from the kept
    /// counts, which list none: the households of its area whose
    /// complete interview that counts has one of its rules fired.
    fn affected_codes(
        &self,
        input: &PriorityInput,
        project: &crate::priority::Project,
        names: &[&str],
    ) -> Result<Vec<Box<str>>> {
        let area = &project.area;
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.code, i.hits FROM household h
             JOIN interview i ON i.household_id = h.id JOIN snapshot s ON s.id = i.snapshot_id
             WHERE h.township = ?1 AND (?6 = 'township' OR h.village = ?2)
             AND (?6 <> 'group' OR h.grp = ?3)
             AND i.round_id = ?4 AND i.status = 'complete' AND s.survey = ?5
             ORDER BY h.code, i.completed_at DESC, i.id DESC",
        )?;
        let survey = &input.rules[project.rule].survey;
        let mut rows = stmt.query(params![
            area.township,
            area.village,
            area.group,
            input.round_id(),
            survey,
            match input.by {
                crate::priority::By::Township => "township",
                crate::priority::By::Village => "village",
                crate::priority::By::Group => "group",
            }
        ])?;
        let mut out: Vec<Box<str>> = Vec::new();
        let mut last: Option<String> = None;
        while let Some(r) = rows.next()? {
            let code: String = r.get(0)?;
            if last.as_deref() == Some(code.as_str()) {
                continue;
            }
            let hits = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let mut fired = false;
            for entry in super::super::hits::read(hits) {
                let e = entry.map_err(|e| StoreError::Corrupt {
                    path: self.path.clone(),
                    detail: format!("{e} of household {code}"),
                })?;
                fired |= !e.unknown && names.contains(&e.rule);
            }
            if fired {
                out.push(code.as_str().into());
            }
            last = Some(code);
        }
        Ok(out)
    }
}

/// One household behind a project, with the answers its rule reads.
#[derive(Clone, Debug)]
pub struct ExplainRow {
    pub code: String,
    pub head: String,
    pub members: i64,
    /// (question, stored answer) for each question the rule reads; for a
    /// question of a roster, its rows' answers joined by
    /// [`crate::interview::ROW_SEPARATOR`].
    pub values: Vec<(String, Option<String>)>,
    /// For a rule counted per person: the persons it fired on.
    pub persons: Option<u32>,
    /// The questionnaire version the household answered, for labels.
    pub survey: Rc<Survey>,
    /// The severity stored with the household's hit of the rule: the one
    /// of the version it answered, which may differ from the newest
    /// version's the ranking uses. `None` when its stored hits do not name
    /// the rule (a draft counted with `--include-drafts`, or stale hits,
    /// which `minqing doctor` finds).
    pub severity: Option<Severity>,
}

/// Why a project is ranked where it is: its rule and its households.
#[derive(Clone, Debug, Default)]
pub struct Explanation {
    /// The rule's condition as written; when the households were asked with
    /// versions whose conditions differ, each version's, named.
    pub when: String,
    /// The same in words, with the questions' and choices' labels.
    pub in_words: Tr,
    /// The questions the conditions read, in the order they first appear.
    pub questions: Vec<String>,
    /// Each household's answers to `questions` (none to a question its
    /// version does not have).
    pub rows: Vec<ExplainRow>,
}

/// A rule's condition as one or more questionnaire versions write it.
struct Condition {
    rule: String,
    text: String,
    versions: Vec<String>,
    words: Tr,
}

impl Store {
    /// The households of `project` with the answers that made its rule fire,
    /// each read from the interview that counted, under the condition of
    /// the questionnaire version it was answered with.
    pub fn explain(
        &self,
        input: &PriorityInput,
        project: &crate::priority::Project,
    ) -> Result<Explanation> {
        self.located(|| {
            let survey = &input.rules[project.rule].survey;
            let names: Vec<&str> = project
                .rules()
                .map(|r| input.rules[r].name.as_str())
                .collect();
            let mut explanation = Explanation::default();
            // Each distinct condition with the versions that have it.
            let mut conditions: Vec<Condition> = Vec::new();
            let codes = self.codes_of(input, project, &names)?;
            for code in &codes {
                let Some(id) = self.counted_interview(code, survey, input)? else {
                    continue;
                };
                let interview = self.interview(id)?;
                let hits = self.hits(id)?;
                // A project its rules share: the most severe of their hits.
                let severity = names
                    .iter()
                    .filter_map(|n| hits.get(n))
                    .map(|h| h.severity)
                    .max();
                let persons = hits.get(names[0]).and_then(|h| h.persons);
                let needs: Vec<_> = names
                    .iter()
                    .filter_map(|name| interview.survey.needs.iter().find(|n| n.name == *name))
                    .collect();
                if needs.is_empty() {
                    continue;
                }
                for need in &needs {
                    note_condition(&mut conditions, need, &interview.survey);
                }
                let mut values: Vec<(String, Option<String>)> = Vec::new();
                let refs = needs.iter().flat_map(|need| need.when.ast.question_refs());
                for (q, _) in refs {
                    if !values.iter().any(|(x, _)| x == q) {
                        let value =
                            crate::interview::stored_rows(&interview.survey, &interview.answers, q);
                        values.push((q.to_string(), value));
                    }
                    if !explanation.questions.iter().any(|x| x == q) {
                        explanation.questions.push(q.to_string());
                    }
                }
                explanation.rows.push(ExplainRow {
                    code: interview.household.code.clone(),
                    head: interview.household.head.clone(),
                    members: interview.household.members,
                    values,
                    survey: Rc::clone(&interview.survey),
                    severity,
                    persons,
                });
            }
            // Every row answers every column: the questions of other versions
            // are left empty.
            for row in &mut explanation.rows {
                let own = std::mem::take(&mut row.values);
                row.values = explanation
                    .questions
                    .iter()
                    .map(|q| {
                        let value = own
                            .iter()
                            .find(|(x, _)| x == q)
                            .and_then(|(_, v)| v.clone());
                        (q.clone(), value)
                    })
                    .collect();
            }
            (explanation.when, explanation.in_words) = written_and_said(&conditions);
            Ok(explanation)
        })
    }
}

/// Notes that `survey`'s version has `need`'s condition: with the
/// versions that wrote it so already, or as a new one.
fn note_condition(conditions: &mut Vec<Condition>, need: &crate::survey::Need, survey: &Survey) {
    let version = &survey.version;
    match conditions
        .iter_mut()
        .find(|c| c.rule == need.name && c.text == need.when.text)
    {
        Some(c) if !c.versions.contains(version) => c.versions.push(version.clone()),
        Some(_) => {}
        None => conditions.push(Condition {
            rule: need.name.clone(),
            text: need.when.text.clone(),
            versions: vec![version.clone()],
            words: words(&need.when.ast, survey),
        }),
    }
}

/// A rule's condition as written and in words: one version's alone, or
/// each version's named; in words once when they read alike (they
/// differ only in names). The rules of a project they share are each
/// named, with their versions when a rule's conditions differ by version.
fn written_and_said(conditions: &[Condition]) -> (String, Tr) {
    let rules_differ = conditions.iter().any(|c| c.rule != conditions[0].rule);
    let tag = |c: &Condition| {
        let versions_differ = conditions
            .iter()
            .any(|d| d.rule == c.rule && d.text != c.text);
        match (rules_differ, versions_differ) {
            (true, true) => format!("{} {}", c.rule, c.versions.join(", ")),
            (true, false) => c.rule.clone(),
            _ => c.versions.join(", "),
        }
    };
    let named = |text: &dyn Fn(&Condition) -> String, sep: &str| match conditions {
        [one] => text(one),
        _ => conditions
            .iter()
            .map(|c| format!("[{}] {}", tag(c), text(c)))
            .collect::<Vec<_>>()
            .join(sep),
    };
    let said = match conditions {
        [first, rest @ ..] if rest.iter().all(|c| c.words == first.words) => first.words.clone(),
        _ => Tr {
            zh: named(&|c| c.words.zh.clone(), ";"),
            en: named(&|c| c.words.en.clone(), "; "),
        },
    };
    (named(&|c| c.text.clone(), "; "), said)
}

//! The household's own view beside the measured need: near its end every
//! questionnaire asks how urgent the household finds the problem (a
//! single choice named `urgency`). For each project, the share of its affected
//! households that called it urgent.

use std::collections::HashMap;

use rusqlite::params;

use super::super::{Result, Store};
use super::PriorityInput;
use crate::priority::{Perceived, Project};

/// The question every questionnaire ends with.
pub const URGENCY_QUESTION: &str = "urgency";
/// The answers to it that call the problem urgent: 比较急 (medium) or
/// worse, or "yes" when it is asked as a yes/no question.
pub const URGENT_ANSWERS: [&str; 4] = ["medium", "high", "critical", "yes"];
/// The answers that say it is not: not a problem, or not urgent. Any
/// other answer (a questionnaire's own choice names) says nothing either
/// way rather than "not urgent".
pub const CALM_ANSWERS: [&str; 3] = ["none", "low", "no"];

/// What an answer to the urgency says: 1 urgent, 0 not urgent, -1
/// nothing either way ("don't know" and a refusal, `[dont_know]` and
/// `[refused]`, and answers of unknown names).
pub(in crate::store) fn said_of(answer: rusqlite::types::ValueRef<'_>) -> i8 {
    said_of_text(answer.as_str().ok())
}

/// What an answer's text (`None`: none) says of the urgency, as
/// [`said_of`].
pub(in crate::store) fn said_of_text(answer: Option<&str>) -> i8 {
    match answer {
        Some(a) if URGENT_ANSWERS.contains(&a) => 1,
        Some(a) if CALM_ANSWERS.contains(&a) => 0,
        _ => -1,
    }
}

/// The latest answer so far to the urgency, per household (by its place
/// in the ranking's list) and survey (by its place in the surveys asked
/// of): for a few households (one project's) in a map, for many in
/// arrays over every household, 17 bytes each per survey.
enum Latest {
    Few(HashMap<(usize, usize), (i64, i64, i8)>),
    All {
        surveys: usize,
        /// The time and id of the interview read, and what it said:
        /// -1 no answer, 0 not urgent, 1 urgent.
        when: Vec<i64>,
        id: Vec<i64>,
        said: Vec<i8>,
    },
}

impl Latest {
    /// Notes interview `id` of `when` saying `said`, when it is later than
    /// the one noted for household `h` and survey `s` (and, for a few,
    /// when the pair is wanted).
    fn note(&mut self, (h, s): (usize, usize), (when, id): (i64, i64), said: impl FnOnce() -> i8) {
        let slot = match self {
            Latest::Few(map) => map.get_mut(&(h, s)).map(|(w, i, x)| (w, i, x)),
            Latest::All {
                surveys,
                when,
                id,
                said,
            } => {
                let at = h * *surveys + s;
                match (when.get_mut(at), id.get_mut(at), said.get_mut(at)) {
                    (Some(w), Some(i), Some(x)) => Some((w, i, x)),
                    _ => None,
                }
            }
        };
        if let Some((w, i, x)) = slot
            && (when, id) > (*w, *i)
        {
            (*w, *i, *x) = (when, id, said());
        }
    }

    /// What household `h` said in survey `s`: -1 nothing, 0 not urgent,
    /// 1 urgent.
    fn said(&self, h: usize, s: usize) -> i8 {
        match self {
            Latest::Few(map) => map.get(&(h, s)).map_or(-1, |&(_, _, x)| x),
            Latest::All { surveys, said, .. } => said.get(h * surveys + s).copied().unwrap_or(-1),
        }
    }
}

/// The place of household `id` in `ids` (ascending): where row ids are
/// dense, as SQLite makes them, found at once.
fn place(ids: &[i64], id: i64) -> Option<usize> {
    let guess = usize::try_from(id - ids.first()?).ok()?;
    if ids.get(guess) == Some(&id) {
        return Some(guess);
    }
    ids.binary_search(&id).ok()
}

/// At most this many households (a short list's) are looked up one by
/// one, through the index of each household's interviews (a few
/// milliseconds for a hundred households); more are read in one pass over
/// the round's interviews (about 0.25 s for a county of 20,718, 10 s for a
/// province).
pub const FEW_HOUSEHOLDS: usize = 2_000;

/// What the affected households of each project said, when the projects
/// were ranked from counts that hold it (the kept ones).
fn kept(projects: &[Project]) -> Option<Vec<Perceived>> {
    // Room made at once: collected into an `Option`, the list would grow
    // by doubling, each time in fresh memory.
    let mut out = Vec::with_capacity(projects.len());
    for p in projects {
        out.push(p.perceived?);
    }
    Some(out)
}

/// The households of `projects`, each once, when they are at most
/// [`FEW_HOUSEHOLDS`].
fn few_households(projects: &[Project]) -> Option<Vec<usize>> {
    let pairs: usize = projects.iter().map(|p| p.households.len()).sum();
    if pairs > FEW_HOUSEHOLDS * 16 {
        return None;
    }
    let mut list: Vec<usize> = projects
        .iter()
        .flat_map(|p| p.households.iter().copied())
        .collect();
    list.sort_unstable();
    list.dedup();
    (list.len() <= FEW_HOUSEHOLDS).then_some(list)
}

impl Store {
    /// For each of `projects` (ranked from `input`), what its affected
    /// households said of the urgency in the interview that counts for
    /// them (the one the ranking counted: the latest complete of the
    /// round, or the latest of any status with drafts). Interviews are
    /// read once.
    pub fn perceived(&self, input: &PriorityInput, projects: &[Project]) -> Result<Vec<Perceived>> {
        if let Some(kept) = kept(projects) {
            return Ok(kept);
        }
        self.perceived_with(input, projects, few_households(projects))
    }

    /// [`Store::perceived`] for a list of rows: nothing to read (an empty
    /// list) when every project carries it, ranked from the kept counts
    /// (a row reads each project's own, see `PriorityRow::urgency`);
    /// else read household by household when `projects` have at most
    /// [`FEW_HOUSEHOLDS`] households; `None` for more.
    pub fn perceived_if_few(
        &self,
        input: &PriorityInput,
        projects: &[Project],
    ) -> Result<Option<Vec<Perceived>>> {
        if projects.iter().all(|p| p.perceived.is_some()) {
            return Ok(Some(Vec::new()));
        }
        match few_households(projects) {
            Some(few) => self.perceived_with(input, projects, Some(few)).map(Some),
            None => Ok(None),
        }
    }

    /// [`Store::perceived`], the households read one by one when `few`
    /// lists them all, else in one pass over the round.
    fn perceived_with(
        &self,
        input: &PriorityInput,
        projects: &[Project],
        few: Option<Vec<usize>>,
    ) -> Result<Vec<Perceived>> {
        self.located(|| {
            let mut surveys: Vec<&str> = Vec::new();
            let survey: Vec<usize> = projects
                .iter()
                .map(|p| {
                    let name = input.rules[p.rule].survey.as_str();
                    surveys.iter().position(|s| *s == name).unwrap_or_else(|| {
                        surveys.push(name);
                        surveys.len() - 1
                    })
                })
                .collect();
            let pairs: usize = projects.iter().map(|p| p.households.len()).sum();
            if pairs == 0 {
                return Ok(vec![Perceived::default(); projects.len()]);
            }
            let mut latest = if few.is_some() {
                let mut map = HashMap::new();
                for (p, &s) in projects.iter().zip(&survey) {
                    for &h in &p.households {
                        map.insert((h, s), (i64::MIN, i64::MIN, -1));
                    }
                }
                Latest::Few(map)
            } else {
                let cells = input.households.len() * surveys.len();
                Latest::All {
                    surveys: surveys.len(),
                    when: vec![i64::MIN; cells],
                    id: vec![i64::MIN; cells],
                    said: vec![-1; cells],
                }
            };
            let few: Option<Vec<i64>> =
                few.map(|list| list.iter().map(|&h| input.ids[h]).collect());
            self.read_urgency(input, (&surveys, few), &mut latest)?;
            Ok(projects
                .iter()
                .zip(&survey)
                .map(|(p, &s)| {
                    let mut out = Perceived::default();
                    for &h in &p.households {
                        let said = latest.said(h, s);
                        if said >= 0 {
                            out.answered += 1;
                            out.urgent += i64::from(said);
                        }
                    }
                    out
                })
                .collect())
        })
    }

    /// Notes in `latest` what the round's interviews said of the urgency:
    /// of the households `few` (row ids, ascending) one by one, else of
    /// every household in one pass.
    fn read_urgency(
        &self,
        input: &PriorityInput,
        (surveys, few): (&[&str], Option<Vec<i64>>),
        latest: &mut Latest,
    ) -> Result<()> {
        // The survey of each stored version (by row id), by its place in
        // `surveys`.
        let mut version: HashMap<i64, usize> = HashMap::new();
        {
            let mut stmt = self.conn.prepare("SELECT id, survey FROM snapshot")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let name = r.get_ref(1)?.as_str().unwrap_or_default();
                if let Some(s) = surveys.iter().position(|x| *x == name) {
                    version.insert(r.get(0)?, s);
                }
            }
        }
        let select = "SELECT household_id, snapshot_id,
                    CASE WHEN ?2 THEN updated_at ELSE completed_at END, id,
                    CASE WHEN json_valid(answers) THEN json_extract(answers, '$.' || ?3) END
             FROM interview WHERE round_id = ?1 AND (?2 OR status = 'complete')";
        let (round, drafts) = (input.round_id(), input.include_drafts);
        let mut take = |r: &rusqlite::Row<'_>| -> rusqlite::Result<()> {
            let (Some(h), Some(&s)) = (
                place(&input.ids, r.get(0)?),
                version.get(&r.get::<_, i64>(1)?),
            ) else {
                return Ok(());
            };
            let when: i64 = r.get::<_, Option<i64>>(2)?.unwrap_or(i64::MIN);
            let answer = r.get_ref(4)?;
            latest.note((h, s), (when, r.get(3)?), || said_of(answer));
            Ok(())
        };
        if let Some(ids) = few {
            let mut stmt = self
                .conn
                .prepare_cached(&format!("{select} AND household_id = ?4"))?;
            for id in ids {
                let mut rows = stmt.query(params![round, drafts, URGENCY_QUESTION, id])?;
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

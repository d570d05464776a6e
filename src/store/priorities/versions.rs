//! The need rules of every stored questionnaire version, numbered for the
//! ranking, and which of them a household's stored hits name.

use super::super::hits::{self, BadHits, NeedHits};
use super::super::{Result, Store};
use crate::priority::Rule;

/// The rules of survey that stored hits name: those that fired, and what
/// some say beyond firing (see [`crate::priority::Tally::add_detail`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(in crate::store) struct Hits {
    pub(in crate::store) fired: Vec<usize>,
    /// (rule, persons, unknown) of a rule counted per person, or one that
    /// cannot be told.
    pub(in crate::store) details: Vec<(usize, u32, bool)>,
}

impl Hits {
    fn clear(&mut self) {
        self.fired.clear();
        self.details.clear();
    }

    /// Adds the hit of `rule`.
    fn push(&mut self, rule: usize, persons: Option<u32>, unknown: bool) {
        if !unknown {
            self.fired.push(rule);
        }
        if unknown || persons.is_some() {
            self.details.push((rule, persons.unwrap_or(0), unknown));
        }
    }
}

/// The questionnaire versions a ranking knows: surveys numbered once, each
/// survey's rules by name, and each snapshot's survey and rules.
pub(in crate::store) struct Versions {
    /// The surveys' ids, numbered.
    pub(in crate::store) surveys: Vec<String>,
    /// Per survey: its rules' names and indices (a handful: searched in
    /// order).
    pub(in crate::store) names: Vec<Vec<(String, usize)>>,
    /// Sorted by snapshot id: (id, survey, the rules the version has).
    pub(in crate::store) snapshots: Vec<(i64, usize, Vec<usize>)>,
    /// Snapshot id → place in `snapshots` (`u32::MAX` for none), while ids
    /// are small, as SQLite makes them.
    pub(in crate::store) by_id: Vec<u32>,
}

impl Versions {
    pub(in crate::store) fn surveys(&self) -> usize {
        self.surveys.len()
    }

    /// The place of a snapshot in `snapshots`.
    pub(in crate::store) fn snapshot(&self, id: i64) -> Option<usize> {
        match usize::try_from(id).ok().and_then(|i| self.by_id.get(i)) {
            Some(&at) if at != u32::MAX => Some(at as usize),
            Some(_) => None,
            None => self.snapshots.binary_search_by_key(&id, |s| s.0).ok(),
        }
    }

    /// The survey number of the snapshot at `at`.
    pub(in crate::store) fn survey(&self, at: usize) -> usize {
        self.snapshots[at].1
    }

    /// The rules of survey `s` that stored hits name, into `out`; names
    /// the survey no longer knows are left out. Runs for every household
    /// and survey: names are borrowed from the text, not copied.
    pub(in crate::store) fn hits(
        &self,
        s: usize,
        stored: &str,
        out: &mut Hits,
    ) -> std::result::Result<(), BadHits> {
        out.clear();
        for hit in hits::read(stored) {
            let hit = hit?;
            if let Some(rule) = self.rule(s, hit.rule) {
                out.push(rule, hit.persons, hit.unknown);
            }
        }
        Ok(())
    }

    /// The rules of survey `s` that computed hits name, into `out`.
    pub(in crate::store) fn named(&self, s: usize, computed: &NeedHits, out: &mut Hits) {
        out.clear();
        for hit in computed.iter() {
            if let Some(rule) = self.rule(s, &hit.rule) {
                out.push(rule, hit.persons, hit.unknown);
            }
        }
    }

    /// The rule of survey `s` called `name` (a handful per survey: searched
    /// in order).
    fn rule(&self, s: usize, name: &str) -> Option<usize> {
        self.names[s]
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, i)| i)
    }
}

impl Store {
    /// The rules of every stored questionnaire version, into `rules`, by
    /// survey and name: a newer version's wording and cost win.
    pub(in crate::store) fn versions(&self, rules: &mut Vec<Rule>) -> Result<Versions> {
        let mut versions = Versions {
            surveys: Vec::new(),
            names: Vec::new(),
            snapshots: Vec::new(),
            by_id: Vec::new(),
        };
        let ids: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM snapshot ORDER BY created_at, id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for id in ids {
            let survey = self.snapshot_survey(id)?;
            let s = match versions.surveys.iter().position(|x| *x == survey.id) {
                Some(s) => s,
                None => {
                    versions.surveys.push(survey.id.clone());
                    versions.names.push(Vec::new());
                    versions.surveys.len() - 1
                }
            };
            let mut asked = Vec::new();
            for need in &survey.needs {
                let rule = Rule {
                    survey: survey.id.clone(),
                    name: need.name.clone(),
                    category: need.category.clone(),
                    severity: need.severity.get(),
                    project: need.project.clone(),
                    unit_cost: need.unit_cost,
                    per_person: need.repeat.is_some(),
                };
                let names = &mut versions.names[s];
                let i = match names.iter().find(|(n, _)| *n == need.name) {
                    Some(&(_, i)) => {
                        rules[i] = rule;
                        i
                    }
                    None => {
                        names.push((need.name.clone(), rules.len()));
                        rules.push(rule);
                        rules.len() - 1
                    }
                };
                asked.push(i);
            }
            versions.snapshots.push((id, s, asked));
        }
        versions.snapshots.sort_by_key(|v| v.0);
        let small = versions
            .snapshots
            .last()
            .and_then(|v| usize::try_from(v.0).ok())
            .filter(|&max| max < 1 << 16);
        if let Some(max) = small {
            versions.by_id = vec![u32::MAX; max + 1];
            for (at, v) in versions.snapshots.iter().enumerate() {
                if let Some(slot) = usize::try_from(v.0)
                    .ok()
                    .and_then(|i| versions.by_id.get_mut(i))
                {
                    *slot = at as u32;
                }
            }
        }
        Ok(versions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_hits_name_the_rules_of_their_survey() {
        let versions = Versions {
            surveys: vec!["water".into(), "roads".into()],
            names: vec![
                vec![("water_far".into(), 0), ("no_tap".into(), 1)],
                vec![("water_far".into(), 2)],
            ],
            snapshots: Vec::new(),
            by_id: Vec::new(),
        };
        let mut out = Hits {
            fired: vec![9],
            details: Vec::new(),
        };
        versions
            .hits(0, "no_tap:2 water_far:3", &mut out)
            .expect("reads");
        assert_eq!(out.fired, [1, 0]);
        versions
            .hits(1, "water_far:3 gone:4 no_tap:2", &mut out)
            .expect("reads");
        assert_eq!(out.fired, [2]);
        versions.hits(0, "", &mut out).expect("reads");
        assert!(out.fired.is_empty());
        assert!(versions.hits(0, "no_tap", &mut out).is_err());
        // Persons and unknowns are kept beside the rules that fired.
        versions
            .hits(0, "no_tap:2*3 water_far:?3", &mut out)
            .expect("reads");
        assert_eq!(out.fired, [1]);
        assert_eq!(out.details, [(1, 3, false), (0, 0, true)]);
        let computed = NeedHits::decode("water_far:3 gone:4").expect("reads");
        versions.named(0, &computed, &mut out);
        assert_eq!(out.fired, [0]);
    }
}

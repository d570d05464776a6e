//! From need hits to a ranked list of projects, the method of DOMAIN.md:
//! per area and need rule the households affected (k), surveyed (n) and
//! registered (N), the people affected and the share; the phase of each
//! category (the JIAF 20% rule); a deterministic ranking; reliability
//! flags; and the choice of projects within a budget.
//!
//! Pure: it works on plain data the store provides and never does I/O.
//! Every number it produces can be traced back to the households (kept in
//! each [`Project`]) and the rule that produced it.

pub mod budget;

use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use crate::survey::Label;

/// A household as the ranking needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Household {
    pub code: Box<str>,
    /// Place names repeat across thousands of households: they are shared.
    pub township: Rc<str>,
    pub village: Rc<str>,
    pub group: Rc<str>,
    pub members: i64,
}

/// A need rule as the ranking needs it. Rules are identified by survey and
/// name across versions of a survey.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub survey: String,
    pub name: String,
    pub category: String,
    pub severity: u8,
    pub project: Option<Label>,
    pub unit_cost: Option<f64>,
}

/// One household's counted interview of one survey: the latest complete
/// one (or, when drafts are asked for, the latest of any), with the rules
/// that fired, as indices into the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    pub household: usize,
    pub survey: String,
    pub hits: Vec<usize>,
}

/// The level projects are grouped at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum By {
    Township,
    #[default]
    Village,
    Group,
}

/// The place a project is for: township, and village and group when the
/// grouping is that fine (empty otherwise).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Area {
    pub township: String,
    pub village: String,
    pub group: String,
}

impl Area {
    fn of(h: &Household, by: By) -> Area {
        Area {
            township: h.township.to_string(),
            village: if by == By::Township {
                String::new()
            } else {
                h.village.to_string()
            },
            group: if by == By::Group {
                h.group.to_string()
            } else {
                String::new()
            },
        }
    }
}

/// A village needs few surveyed households before its shares mean much.
pub const MIN_SURVEYED: i64 = 5;
/// The JIAF rule: a phase holds when this share of households is at it or worse.
pub const PHASE_SHARE: f64 = 0.2;

/// One project: a need rule in an area, with everything behind its rank.
#[derive(Clone, Debug, PartialEq)]
pub struct Project {
    pub area: Area,
    pub rule: usize,
    /// Households where the rule fired (k), as indices, in code order.
    pub households: Vec<usize>,
    /// Households surveyed for the rule's survey (n).
    pub surveyed: i64,
    /// Households registered in the area (N).
    pub registered: i64,
    /// People in the affected households.
    pub people: i64,
    /// The phase of the rule's category in the area.
    pub phase: u8,
    /// `unit_cost × k`, when the rule has a unit cost.
    pub cost: Option<f64>,
}

impl Project {
    pub fn affected(&self) -> i64 {
        self.households.len() as i64
    }

    /// k / n.
    pub fn share(&self) -> f64 {
        if self.surveyed == 0 {
            0.0
        } else {
            self.affected() as f64 / self.surveyed as f64
        }
    }

    /// Few surveyed households, or fewer than half of the registered ones.
    pub fn low_reliability(&self) -> bool {
        self.surveyed < MIN_SURVEYED || self.surveyed * 2 < self.registered
    }
}

/// Counts households as their interviews arrive, one at a time, so that a
/// province is ranked without holding every interview in memory. Areas,
/// surveys and categories are numbered once, so counting compares
/// integers, not names.
pub struct Tally<'a> {
    households: &'a [Household],
    rules: &'a [Rule],
    areas: Vec<Area>,
    area_of: Vec<usize>,
    /// The rules of each survey, for interviews that do not say which
    /// version they were answered with.
    surveys: Vec<(String, Vec<usize>)>,
    categories: Vec<&'a str>,
    category_of_rule: Vec<usize>,
    /// surveyed[area * rules + rule]: households whose counted interview
    /// was answered with a questionnaire version that has the rule (n).
    surveyed: Vec<i64>,
    /// affected[area * rules + rule]: households where the rule fired.
    affected: Vec<Vec<u32>>,
    /// worst[household * categories + category]: the worst severity of a
    /// fired rule, 0 for none, NOT_ASKED when not surveyed for it.
    worst: Vec<u8>,
}

const NOT_ASKED: u8 = u8::MAX;

impl<'a> Tally<'a> {
    pub fn new(households: &'a [Household], rules: &'a [Rule], by: By) -> Self {
        let mut area_index: HashMap<(&str, &str, &str), usize> = HashMap::new();
        let mut areas = Vec::new();
        let area_of = households
            .iter()
            .map(|h| {
                let key = (
                    &*h.township,
                    if by == By::Township { "" } else { &*h.village },
                    if by == By::Group { &*h.group } else { "" },
                );
                *area_index.entry(key).or_insert_with(|| {
                    areas.push(Area::of(h, by));
                    areas.len() - 1
                })
            })
            .collect();
        let mut categories: Vec<&str> = Vec::new();
        let category_of_rule = rules
            .iter()
            .map(|r| match categories.iter().position(|c| *c == r.category) {
                Some(i) => i,
                None => {
                    categories.push(&r.category);
                    categories.len() - 1
                }
            })
            .collect();
        let mut surveys: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            match surveys.iter_mut().find(|(name, _)| *name == r.survey) {
                Some((_, list)) => list.push(i),
                None => surveys.push((r.survey.clone(), vec![i])),
            }
        }
        Tally {
            households,
            rules,
            affected: vec![Vec::new(); areas.len() * rules.len()],
            surveyed: vec![0; areas.len() * rules.len()],
            worst: vec![NOT_ASKED; households.len() * categories.len()],
            areas,
            area_of,
            surveys,
            categories,
            category_of_rule,
        }
    }

    /// Counts one household's counted interview of a survey, taking every
    /// rule of the survey as asked, and the rules that fired (indices into
    /// the rules).
    pub fn add(&mut self, household: usize, survey: &str, hits: &[usize]) {
        let asked = self
            .surveys
            .iter()
            .find(|(name, _)| name == survey)
            .map(|(_, list)| list.clone())
            .unwrap_or_default();
        self.add_asked(household, &asked, hits);
    }

    /// Counts one household's counted interview, answered with a version
    /// that has the rules `asked`, and the rules that fired. A rule the
    /// version did not have is not counted as surveyed: "not asked" never
    /// reads as "no problem".
    pub fn add_asked(&mut self, household: usize, asked: &[usize], hits: &[usize]) {
        let area = self.area_of[household];
        let cats = self.categories.len();
        let row = &mut self.worst[household * cats..(household + 1) * cats];
        for &r in asked {
            self.surveyed[area * self.rules.len() + r] += 1;
            let cell = &mut row[self.category_of_rule[r]];
            if *cell == NOT_ASKED {
                *cell = 0;
            }
        }
        for &hit in hits {
            let severity = self.rules[hit].severity;
            let cell = &mut row[self.category_of_rule[hit]];
            *cell = if *cell == NOT_ASKED {
                severity
            } else {
                (*cell).max(severity)
            };
            self.affected[area * self.rules.len() + hit].push(household as u32);
        }
    }

    /// Phase by `area * categories + category`, and whether anyone in the
    /// area was surveyed for the category.
    fn phases(&self) -> (Vec<u8>, Vec<bool>) {
        let cats = self.categories.len();
        let mut counts = vec![[0i64; 6]; self.areas.len() * cats];
        for (slot, &severity) in self.worst.iter().enumerate() {
            if severity == NOT_ASKED {
                continue;
            }
            let (household, category) = (slot / cats, slot % cats);
            let cell = &mut counts[self.area_of[household] * cats + category];
            cell[0] += 1;
            if severity > 0 {
                cell[usize::from(severity.min(5))] += 1;
            }
        }
        let surveyed = counts.iter().map(|cell| cell[0] > 0).collect();
        let phases = counts
            .iter()
            .map(|cell| {
                let total = cell[0] as f64;
                let mut at_or_above = 0;
                for level in (1..=5).rev() {
                    at_or_above += cell[level];
                    if total > 0.0 && at_or_above as f64 >= PHASE_SHARE * total {
                        return level as u8;
                    }
                }
                1
            })
            .collect();
        (phases, surveyed)
    }

    /// The phase of each category in each area with surveyed households.
    pub fn phase_map(&self) -> HashMap<(Area, String), u8> {
        let (phases, surveyed) = self.phases();
        let cats = self.categories.len();
        let mut out = HashMap::new();
        for (a, area) in self.areas.iter().enumerate() {
            for (c, category) in self.categories.iter().enumerate() {
                if surveyed[a * cats + c] {
                    out.insert((area.clone(), category.to_string()), phases[a * cats + c]);
                }
            }
        }
        out
    }

    /// The ranked projects; see [`rank`].
    pub fn rank(self) -> Vec<Project> {
        let (phase, _) = self.phases();
        let cats = self.categories.len();
        let mut registered = vec![0i64; self.areas.len()];
        for &a in &self.area_of {
            registered[a] += 1;
        }
        let mut by_code: Vec<usize> = (0..self.households.len()).collect();
        by_code.sort_by(|a, b| self.households[*a].code.cmp(&self.households[*b].code));
        let mut code_order = vec![0u32; self.households.len()];
        for (place, &h) in by_code.iter().enumerate() {
            code_order[h] = place as u32;
        }
        drop(by_code);
        let rules = self.rules;
        let mut projects = Vec::new();
        for (slot, mut list) in self.affected.into_iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            let (area, rule) = (slot / rules.len(), slot % rules.len());
            list.sort_by_key(|&h| code_order[h as usize]);
            list.dedup();
            let households: Vec<usize> = list.into_iter().map(|h| h as usize).collect();
            let r = &rules[rule];
            projects.push(Project {
                surveyed: self.surveyed[area * rules.len() + rule],
                registered: registered[area],
                phase: phase[area * cats + self.category_of_rule[rule]],
                cost: r.unit_cost.map(|c| c * households.len() as f64),
                people: households.iter().map(|&h| self.households[h].members).sum(),
                households,
                area: self.areas[area].clone(),
                rule,
            });
        }
        projects.sort_by(|a, b| compare(a, b, rules));
        projects
    }
}

/// The phase of each category in each area: the highest severity `L` such
/// that at least 20% of the households surveyed for that category have a
/// fired rule of the category with severity `L` or higher; 1 if none.
pub fn phases(
    households: &[Household],
    rules: &[Rule],
    observations: &[Observation],
    by: By,
) -> HashMap<(Area, String), u8> {
    let mut tally = Tally::new(households, rules, by);
    for o in observations {
        tally.add(o.household, &o.survey, &o.hits);
    }
    tally.phase_map()
}

/// Every project with at least one affected household, ranked: phase of
/// its category (high first), severity, households affected, share, cost
/// per affected household (low first, unknown last), then area and rule
/// name, so that the order never depends on the order of the input.
pub fn rank(
    households: &[Household],
    rules: &[Rule],
    observations: &[Observation],
    by: By,
) -> Vec<Project> {
    let mut tally = Tally::new(households, rules, by);
    for o in observations {
        tally.add(o.household, &o.survey, &o.hits);
    }
    tally.rank()
}

fn compare(a: &Project, b: &Project, rules: &[Rule]) -> Ordering {
    let (ra, rb) = (&rules[a.rule], &rules[b.rule]);
    let unit = |r: &Rule| r.unit_cost.unwrap_or(f64::INFINITY);
    b.phase
        .cmp(&a.phase)
        .then(rb.severity.cmp(&ra.severity))
        .then(b.affected().cmp(&a.affected()))
        .then(b.share().total_cmp(&a.share()))
        .then(unit(ra).total_cmp(&unit(rb)))
        .then(a.area.cmp(&b.area))
        .then(ra.survey.cmp(&rb.survey))
        .then(ra.name.cmp(&rb.name))
}

#[cfg(test)]
mod tests;

/// For the chart of a category: per area, the households with any fired
/// rule of the category, most first (then area order), from the projects.
pub fn category_areas(projects: &[Project], rules: &[Rule], category: &str) -> Vec<(Area, i64)> {
    let mut affected: HashMap<&Area, std::collections::HashSet<usize>> = HashMap::new();
    for p in projects
        .iter()
        .filter(|p| rules[p.rule].category == category)
    {
        affected
            .entry(&p.area)
            .or_default()
            .extend(p.households.iter().copied());
    }
    let mut list: Vec<(Area, i64)> = affected
        .into_iter()
        .map(|(a, set)| (a.clone(), set.len() as i64))
        .collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list
}

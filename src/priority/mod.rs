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

use crate::survey::Label;

/// A household as the ranking needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Household {
    pub code: String,
    pub township: String,
    pub village: String,
    pub group: String,
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
            township: h.township.clone(),
            village: if by == By::Township {
                String::new()
            } else {
                h.village.clone()
            },
            group: if by == By::Group {
                h.group.clone()
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

/// The phase of each category in each area: the highest severity `L` such
/// that at least 20% of the households surveyed for that category have a
/// fired rule of the category with severity `L` or higher; 1 if none.
pub fn phases(
    households: &[Household],
    rules: &[Rule],
    observations: &[Observation],
    by: By,
) -> HashMap<(Area, String), u8> {
    // Per household and category: surveyed at all, and the worst severity.
    let mut categories_of_survey: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in rules {
        let list = categories_of_survey.entry(r.survey.as_str()).or_default();
        if !list.contains(&r.category.as_str()) {
            list.push(r.category.as_str());
        }
    }
    let mut worst: HashMap<(usize, &str), u8> = HashMap::new();
    for o in observations {
        for category in categories_of_survey
            .get(o.survey.as_str())
            .into_iter()
            .flatten()
        {
            worst.entry((o.household, category)).or_insert(0);
        }
        for &hit in &o.hits {
            let r = &rules[hit];
            let entry = worst.entry((o.household, r.category.as_str())).or_insert(0);
            *entry = (*entry).max(r.severity);
        }
    }
    // Per area and category: households surveyed, and counts at each severity.
    let mut tally: HashMap<(Area, String), [i64; 6]> = HashMap::new();
    for ((household, category), severity) in worst {
        let counts = tally
            .entry((Area::of(&households[household], by), category.to_string()))
            .or_insert([0; 6]);
        // counts[0]: households surveyed; counts[L]: their worst hit is L.
        counts[0] += 1;
        if severity > 0 {
            counts[usize::from(severity.min(5))] += 1;
        }
    }
    tally
        .into_iter()
        .map(|(key, counts)| {
            let surveyed = counts[0] as f64;
            let mut at_or_above = 0;
            let mut phase = 1;
            for level in (1..=5).rev() {
                at_or_above += counts[level];
                if surveyed > 0.0 && at_or_above as f64 >= PHASE_SHARE * surveyed {
                    phase = level as u8;
                    break;
                }
            }
            (key, phase)
        })
        .collect()
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
    let mut registered: HashMap<Area, i64> = HashMap::new();
    for h in households {
        *registered.entry(Area::of(h, by)).or_insert(0) += 1;
    }
    let mut surveyed: HashMap<(Area, &str), i64> = HashMap::new();
    let mut affected: HashMap<(Area, usize), Vec<usize>> = HashMap::new();
    for o in observations {
        let area = Area::of(&households[o.household], by);
        *surveyed
            .entry((area.clone(), o.survey.as_str()))
            .or_insert(0) += 1;
        for &hit in &o.hits {
            affected
                .entry((area.clone(), hit))
                .or_default()
                .push(o.household);
        }
    }
    let phase = phases(households, rules, observations, by);
    let mut projects: Vec<Project> = affected
        .into_iter()
        .map(|((area, rule), mut list)| {
            list.sort_by(|a, b| households[*a].code.cmp(&households[*b].code));
            list.dedup();
            let r = &rules[rule];
            let people = list.iter().map(|&h| households[h].members).sum();
            Project {
                surveyed: surveyed
                    .get(&(area.clone(), r.survey.as_str()))
                    .copied()
                    .unwrap_or(0),
                registered: registered.get(&area).copied().unwrap_or(0),
                phase: phase
                    .get(&(area.clone(), r.category.clone()))
                    .copied()
                    .unwrap_or(1),
                cost: r.unit_cost.map(|c| c * list.len() as f64),
                people,
                households: list,
                area,
                rule,
            }
        })
        .collect();
    projects.sort_by(|a, b| compare(a, b, rules));
    projects
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
/// rule of the category, most first (then area order).
pub fn category_areas(
    households: &[Household],
    rules: &[Rule],
    observations: &[Observation],
    category: &str,
    by: By,
) -> Vec<(Area, i64)> {
    let mut affected: HashMap<Area, std::collections::HashSet<usize>> = HashMap::new();
    for o in observations {
        if o.hits.iter().any(|&r| rules[r].category == category) {
            affected
                .entry(Area::of(&households[o.household], by))
                .or_default()
                .insert(o.household);
        }
    }
    let mut list: Vec<(Area, i64)> = affected
        .into_iter()
        .map(|(a, set)| (a, set.len() as i64))
        .collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list
}

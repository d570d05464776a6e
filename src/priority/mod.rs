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
    /// The survey's id, shared among the observations of a survey.
    pub survey: std::rc::Rc<str>,
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

/// Positions instead of names: every area, survey and category gets a
/// number once, so that counting a million households compares integers,
/// not strings.
struct Indexed<'a> {
    areas: Vec<Area>,
    area_of: Vec<usize>,
    surveys: Vec<&'a str>,
    survey_of_rule: Vec<usize>,
    categories: Vec<&'a str>,
    category_of_rule: Vec<usize>,
    /// For each household, its place in code order.
    code_order: Vec<usize>,
}

impl<'a> Indexed<'a> {
    fn new(
        households: &'a [Household],
        rules: &'a [Rule],
        observations: &'a [Observation],
        by: By,
    ) -> Self {
        let mut area_index: HashMap<(&str, &str, &str), usize> = HashMap::new();
        let mut areas = Vec::new();
        let area_of = households
            .iter()
            .map(|h| {
                let key = (
                    h.township.as_str(),
                    if by == By::Township {
                        ""
                    } else {
                        h.village.as_str()
                    },
                    if by == By::Group {
                        h.group.as_str()
                    } else {
                        ""
                    },
                );
                *area_index.entry(key).or_insert_with(|| {
                    areas.push(Area::of(h, by));
                    areas.len() - 1
                })
            })
            .collect();
        let mut surveys: Vec<&str> = Vec::new();
        let intern =
            |list: &mut Vec<&'a str>, name: &'a str| match list.iter().position(|s| *s == name) {
                Some(i) => i,
                None => {
                    list.push(name);
                    list.len() - 1
                }
            };
        let survey_of_rule = rules
            .iter()
            .map(|r| intern(&mut surveys, &r.survey))
            .collect();
        for o in observations {
            intern(&mut surveys, &o.survey);
        }
        let mut categories: Vec<&str> = Vec::new();
        let category_of_rule = rules
            .iter()
            .map(|r| intern(&mut categories, &r.category))
            .collect();
        let mut by_code: Vec<usize> = (0..households.len()).collect();
        by_code.sort_by(|a, b| households[*a].code.cmp(&households[*b].code));
        let mut code_order = vec![0; households.len()];
        for (place, &h) in by_code.iter().enumerate() {
            code_order[h] = place;
        }
        Indexed {
            areas,
            area_of,
            surveys,
            survey_of_rule,
            categories,
            category_of_rule,
            code_order,
        }
    }

    fn survey(&self, name: &str) -> usize {
        self.surveys.iter().position(|s| *s == name).unwrap_or(0)
    }

    /// Phase by `area * categories + category`.
    fn phases(&self, rules: &[Rule], observations: &[Observation]) -> Vec<u8> {
        let cats = self.categories.len();
        // Which categories each survey asks about.
        let mut asks = vec![false; self.surveys.len() * cats];
        for (r, _) in rules.iter().enumerate() {
            asks[self.survey_of_rule[r] * cats + self.category_of_rule[r]] = true;
        }
        // counts[(area, category)][0]: households surveyed; [L]: worst hit L.
        let mut counts = vec![[0i64; 6]; self.areas.len() * cats];
        // Worst severity per household and category (NOT_ASKED when no
        // survey of the household asks about the category).
        const NOT_ASKED: u8 = u8::MAX;
        let mut worst = vec![NOT_ASKED; self.area_of.len() * cats];
        for o in observations {
            let s = self.survey(&o.survey);
            let row = &mut worst[o.household * cats..(o.household + 1) * cats];
            for (c, cell) in row.iter_mut().enumerate() {
                if asks[s * cats + c] && *cell == NOT_ASKED {
                    *cell = 0;
                }
            }
            for &hit in &o.hits {
                let cell = &mut row[self.category_of_rule[hit]];
                *cell = if *cell == NOT_ASKED {
                    rules[hit].severity
                } else {
                    (*cell).max(rules[hit].severity)
                };
            }
        }
        for (slot, &severity) in worst.iter().enumerate() {
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
        counts
            .iter()
            .map(|cell| {
                let surveyed = cell[0] as f64;
                let mut at_or_above = 0;
                for level in (1..=5).rev() {
                    at_or_above += cell[level];
                    if surveyed > 0.0 && at_or_above as f64 >= PHASE_SHARE * surveyed {
                        return level as u8;
                    }
                }
                1
            })
            .collect()
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
    let index = Indexed::new(households, rules, observations, by);
    let phases = index.phases(rules, observations);
    let cats = index.categories.len();
    let mut surveyed = vec![false; index.areas.len() * cats];
    let mut asks = vec![false; index.surveys.len() * cats];
    for (r, _) in rules.iter().enumerate() {
        asks[index.survey_of_rule[r] * cats + index.category_of_rule[r]] = true;
    }
    for o in observations {
        let s = index.survey(&o.survey);
        for c in 0..cats {
            if asks[s * cats + c] {
                surveyed[index.area_of[o.household] * cats + c] = true;
            }
        }
    }
    let mut out = HashMap::new();
    for (a, area) in index.areas.iter().enumerate() {
        for (c, category) in index.categories.iter().enumerate() {
            if surveyed[a * cats + c] {
                out.insert((area.clone(), category.to_string()), phases[a * cats + c]);
            }
        }
    }
    out
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
    let index = Indexed::new(households, rules, observations, by);
    let (areas, surveys, cats) = (
        index.areas.len(),
        index.surveys.len(),
        index.categories.len(),
    );
    let mut registered = vec![0i64; areas];
    for &a in &index.area_of {
        registered[a] += 1;
    }
    let mut surveyed = vec![0i64; areas * surveys];
    // affected[area * rules + rule]: the households where the rule fired.
    let mut affected: Vec<Vec<usize>> = vec![Vec::new(); areas * rules.len()];
    for o in observations {
        let area = index.area_of[o.household];
        surveyed[area * surveys + index.survey(&o.survey)] += 1;
        for &hit in &o.hits {
            affected[area * rules.len() + hit].push(o.household);
        }
    }
    let phase = index.phases(rules, observations);
    let mut projects = Vec::new();
    for (slot, mut list) in affected.into_iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        let (area, rule) = (slot / rules.len(), slot % rules.len());
        list.sort_by_key(|&h| index.code_order[h]);
        list.dedup();
        let r = &rules[rule];
        projects.push(Project {
            surveyed: surveyed[area * surveys + index.survey_of_rule[rule]],
            registered: registered[area],
            phase: phase[area * cats + index.category_of_rule[rule]],
            cost: r.unit_cost.map(|c| c * list.len() as f64),
            people: list.iter().map(|&h| households[h].members).sum(),
            households: list,
            area: index.areas[area].clone(),
            rule,
        });
    }
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

//! From need hits to a ranked list of projects, the method of DOMAIN.md:
//! per area and need rule the households affected (k), surveyed (n) and
//! registered (N), the people affected and the share; the phase of each
//! category (the JIAF 20% rule); a deterministic ranking; reliability
//! flags; and the choice of projects within a budget.
//!
//! Pure: it works on plain data the store provides and never does I/O.
//! Every number it produces can be traced back to the households (kept in
//! each [`Project`]) and the rule that produced it.

mod areas;
pub mod budget;
mod counts;
mod filter;
mod first;
mod method;
mod order;
mod reading;
pub mod shared;
pub mod sums;
pub mod trend;
pub mod uncertainty;

pub use areas::{AreaSummary, URGENT_SEVERITY, at_each_phase};
pub use filter::Filter;
pub use method::RankMethod;
pub use reading::{category_name, why_ranked};
use shared::Shared;
pub use sums::{Layout, Listed, Sums};

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
    /// Counted per row of a roster (per person): its cost is per person.
    pub per_person: bool,
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// Shared by the projects of the area.
    pub area: std::sync::Arc<Area>,
    /// The rule behind the project: of the rules that share it, the most
    /// severe one that fired (the first of them in the questionnaire).
    pub rule: usize,
    /// The other rules of the area that fired and share the project (same
    /// questionnaire, category and project name), in the questionnaire's
    /// order: their households are merged in, counted once.
    pub also: Vec<usize>,
    /// Households where the rule fired (k).
    pub affected: i64,
    /// Those households, as indices, in code order, when the ranking was
    /// made by counting every household; empty when it was made from the
    /// counts kept as answers arrived (the store lists them on demand).
    pub households: Vec<usize>,
    /// Households surveyed for the rule's survey (n).
    pub surveyed: i64,
    /// Households registered in the area (N).
    pub registered: i64,
    /// People in the affected households.
    pub people: i64,
    /// The phase of the rule's category in the area.
    pub phase: u8,
    /// `unit_cost × k` (× persons for a rule counted per person), when
    /// the rule has a unit cost.
    pub cost: Option<f64>,
    /// For a rule counted per person: the persons affected in the
    /// affected households.
    pub persons: Option<i64>,
    /// Surveyed households where the rule cannot be told (it depends on a
    /// "don't know" or a refusal): neither affected nor without the
    /// problem, and left out of the share.
    pub unknown: i64,
    /// What the affected households said of the urgency, when the counts
    /// ranked hold it (the kept ones do; a tally of every household
    /// leaves it to the store to read).
    pub perceived: Option<Perceived>,
}

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

impl Project {
    /// The rules behind the project: [`Project::rule`], then
    /// [`Project::also`].
    pub fn rules(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.rule).chain(self.also.iter().copied())
    }

    /// k / (n − unknown): households whose answer cannot tell are left
    /// out of the share.
    pub fn share(&self) -> f64 {
        let known = self.known();
        if known <= 0 {
            0.0
        } else {
            self.affected as f64 / known as f64
        }
    }

    /// Few surveyed households, or fewer than half of the registered ones.
    pub fn low_reliability(&self) -> bool {
        low_reliability(self.surveyed, self.registered)
    }
}

/// Few households surveyed, or fewer than half of those registered.
pub fn low_reliability(surveyed: i64, registered: i64) -> bool {
    surveyed < MIN_SURVEYED || surveyed * 2 < registered
}

/// Counts households as their interviews arrive, one at a time, so that a
/// province is ranked without holding every interview in memory. Areas,
/// surveys and categories are numbered once, so counting compares
/// integers, not names. Households are numbered as they are pushed, so
/// they can be read in the same pass as their interviews.
pub struct Tally<'a> {
    rules: &'a [Rule],
    by: By,
    /// The share of households a phase needs ([`PHASE_SHARE`] unless set).
    phase_share: f64,
    /// The weight of each rule's category in a weighted ranking (1 each
    /// unless set).
    rule_weights: Vec<f64>,
    areas: Vec<Area>,
    area_index: HashMap<(String, String, String), usize>,
    /// The area of the household pushed last, tried before the map:
    /// households come area by area.
    last_area: Option<LastArea>,
    area_of: Vec<u32>,
    /// The rules of each survey, for interviews that do not say which
    /// version they were answered with.
    surveys: Vec<(String, Vec<usize>)>,
    categories: Vec<&'a str>,
    category_of_rule: Vec<usize>,
    /// The sets of rules counted interviews were asked with (one per
    /// questionnaire version), each with the categories of its rules.
    versions: Vec<(Vec<usize>, Vec<usize>)>,
    /// by_version[version][area]: households counted with that version.
    /// n of a rule in an area is the sum over the versions that have it,
    /// so counting an interview touches one number, not one per rule.
    by_version: Vec<Vec<i64>>,
    /// affected[area * rules + rule]: households where the rule fired.
    affected: Vec<Vec<u32>>,
    /// persons[area * rules + rule]: persons a rule counted per row fired
    /// on, and the households those persons are in.
    persons: Vec<i64>,
    persons_of: Vec<i64>,
    /// unknown[area * rules + rule]: households where the rule cannot be told.
    unknown: Vec<i64>,
    /// answered[area * rules + rule], said[area * rules + rule]: affected
    /// households whose counted interview answers the urgency, and those
    /// that called it urgent ([`Tally::add_said`]).
    answered: Vec<i64>,
    said: Vec<i64>,
    /// Per household and shared project it is affected by: what it said
    /// of the urgency (-1 nothing, 0 not urgent, 1 urgent).
    group_said: Vec<(u32, u32, i8)>,
    /// worst[household * categories + category]: the worst severity of a
    /// fired rule, 0 for none, NOT_ASKED when not surveyed for it.
    worst: Vec<u8>,
    /// Rules that share a project, merged into one project per area.
    shared: Shared,
}

const NOT_ASKED: u8 = u8::MAX;
/// In `worst`: asked, nothing fired, and a rule cannot be told: left out
/// of the phase, as it is neither "no problem" nor a problem.
const UNTOLD: u8 = u8::MAX - 1;

/// A household's township, village and group, and the number of its area.
type LastArea = (Rc<str>, Rc<str>, Rc<str>, usize);

/// The same shared name, or the same text.
fn same(a: &Rc<str>, b: &Rc<str>) -> bool {
    Rc::ptr_eq(a, b) || a == b
}

impl<'a> Tally<'a> {
    /// A tally of no households yet; see [`Tally::push`].
    pub fn new(rules: &'a [Rule], by: By) -> Self {
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
            rules,
            by,
            phase_share: PHASE_SHARE,
            rule_weights: vec![1.0; rules.len()],
            areas: Vec::new(),
            area_index: HashMap::new(),
            last_area: None,
            area_of: Vec::new(),
            surveys,
            categories,
            category_of_rule,
            versions: Vec::new(),
            by_version: Vec::new(),
            affected: Vec::new(),
            persons: Vec::new(),
            persons_of: Vec::new(),
            unknown: Vec::new(),
            answered: Vec::new(),
            said: Vec::new(),
            group_said: Vec::new(),
            worst: Vec::new(),
            shared: Shared::new(rules),
        }
    }

    /// The tally ranked by `method`: phases at its share of households,
    /// categories weighted as it says.
    pub fn with_method(mut self, method: &RankMethod) -> Self {
        self.phase_share = method.phase_share;
        for (r, rule) in self.rules.iter().enumerate() {
            self.rule_weights[r] = method.weight(&rule.category);
        }
        self
    }

    /// A tally of `households`, numbered in order.
    pub fn of(households: &[Household], rules: &'a [Rule], by: By) -> Self {
        let mut tally = Tally::new(rules, by);
        for h in households {
            tally.push(h);
        }
        tally
    }

    /// Makes room for `households` more households.
    pub fn reserve(&mut self, households: usize) {
        self.area_of.reserve(households);
        self.worst.reserve(households * self.categories.len());
    }

    /// Takes the next household (numbered from 0 in the order pushed),
    /// not yet surveyed for anything.
    pub fn push(&mut self, h: &Household) {
        let by = self.by;
        let area = match &self.last_area {
            Some((t, v, g, a))
                if same(t, &h.township)
                    && (by == By::Township || same(v, &h.village))
                    && (by != By::Group || same(g, &h.group)) =>
            {
                *a
            }
            _ => {
                let key = (
                    h.township.to_string(),
                    if by == By::Township {
                        String::new()
                    } else {
                        h.village.to_string()
                    },
                    if by == By::Group {
                        h.group.to_string()
                    } else {
                        String::new()
                    },
                );
                let a = match self.area_index.get(&key) {
                    Some(&a) => a,
                    None => {
                        let a = self.areas.len();
                        self.areas.push(Area::of(h, by));
                        self.area_index.insert(key, a);
                        let cells = (a + 1) * self.rules.len();
                        self.affected.resize_with(cells, Vec::new);
                        self.persons.resize(cells, 0);
                        self.persons_of.resize(cells, 0);
                        self.unknown.resize(cells, 0);
                        self.answered.resize(cells, 0);
                        self.said.resize(cells, 0);
                        self.shared.areas(a + 1);
                        for counts in &mut self.by_version {
                            counts.push(0);
                        }
                        a
                    }
                };
                self.last_area = Some((
                    Rc::clone(&h.township),
                    Rc::clone(&h.village),
                    Rc::clone(&h.group),
                    a,
                ));
                a
            }
        };
        self.area_of.push(area as u32);
        self.worst
            .resize(self.worst.len() + self.categories.len(), NOT_ASKED);
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

    /// The number of the version that asked the rules `asked`, numbered
    /// when first seen; for [`Tally::add_version`].
    pub fn version(&mut self, asked: &[usize]) -> usize {
        if let Some(v) = self.versions.iter().position(|(rules, _)| rules == asked) {
            return v;
        }
        let mut categories: Vec<usize> = asked.iter().map(|&r| self.category_of_rule[r]).collect();
        categories.sort_unstable();
        categories.dedup();
        self.versions.push((asked.to_vec(), categories));
        self.by_version.push(vec![0; self.areas.len()]);
        self.versions.len() - 1
    }

    /// Counts one household's counted interview, answered with a version
    /// that has the rules `asked`, and the rules that fired. A rule the
    /// version did not have is not counted as surveyed: "not asked" never
    /// reads as "no problem".
    pub fn add_asked(&mut self, household: usize, asked: &[usize], hits: &[usize]) {
        let version = self.version(asked);
        self.add_version(household, version, hits);
    }

    /// [`Tally::add_asked`] with the version's number.
    pub fn add_version(&mut self, household: usize, version: usize, hits: &[usize]) {
        let area = self.area_of[household] as usize;
        self.by_version[version][area] += 1;
        let cats = self.categories.len();
        let row = &mut self.worst[household * cats..(household + 1) * cats];
        for &c in &self.versions[version].1 {
            if row[c] == NOT_ASKED {
                row[c] = 0;
            }
        }
        for &hit in hits {
            let severity = self.rules[hit].severity;
            let cell = &mut row[self.category_of_rule[hit]];
            *cell = if *cell == NOT_ASKED || *cell == UNTOLD {
                severity
            } else {
                (*cell).max(severity)
            };
            self.affected[area * self.rules.len() + hit].push(household as u32);
        }
    }

    /// What a household's counted interview says of a rule beyond firing:
    /// the persons a rule counted per row fired on (with the rule among
    /// the hits of [`Tally::add_version`]), or that the rule cannot be told
    /// (`unknown`, and not among the hits).
    pub fn add_detail(&mut self, household: usize, rule: usize, persons: u32, unknown: bool) {
        let area = self.area_of[household] as usize;
        let slot = area * self.rules.len() + rule;
        if unknown {
            self.unknown[slot] += 1;
            self.shared.unknown(area, rule, household);
            let cats = self.categories.len();
            let cell = &mut self.worst[household * cats + self.category_of_rule[rule]];
            if *cell == 0 || *cell == NOT_ASKED {
                *cell = UNTOLD;
            }
        } else {
            self.persons[slot] += i64::from(persons);
            self.persons_of[slot] += 1;
        }
    }

    /// What a household's counted interview said of the urgency (-1
    /// nothing, 0 not urgent, 1 urgent), for the rules of it that fired
    /// (`hits`, as given to [`Tally::add_version`]).
    pub fn add_said(&mut self, household: usize, hits: &[usize], said: i8) {
        if said < 0 {
            return;
        }
        let area = self.area_of[household] as usize;
        let mut groups: Vec<usize> = Vec::new();
        for &hit in hits {
            let slot = area * self.rules.len() + hit;
            self.answered[slot] += 1;
            self.said[slot] += i64::from(said);
            if let Some(g) = self.shared.group_of(hit)
                && !groups.contains(&g)
            {
                groups.push(g);
                self.group_said.push((household as u32, g as u32, said));
            }
        }
    }

    /// Forgets every household and area, keeping the rules, the method
    /// and the versions numbered: for counting one household after
    /// another on their own.
    pub fn clear(&mut self) {
        self.areas.clear();
        self.area_index.clear();
        self.last_area = None;
        self.area_of.clear();
        for counts in &mut self.by_version {
            counts.clear();
        }
        self.affected.clear();
        self.persons.clear();
        self.persons_of.clear();
        self.unknown.clear();
        self.answered.clear();
        self.said.clear();
        self.group_said.clear();
        self.worst.clear();
        self.shared.areas(0);
    }

    /// The ranked projects of the households pushed, which are
    /// `households`; see [`rank`].
    pub fn rank(self, households: &[Household]) -> Vec<Project> {
        self.ranked(households).1
    }

    /// Each area at a glance (see [`Tally::summaries`]) and the ranked
    /// projects of the households pushed, which are `households`.
    pub fn ranked(self, households: &[Household]) -> (Vec<AreaSummary>, Vec<Project>) {
        let (sums, listed) = self.sums(households);
        let areas = self.summaries_of(&sums);
        let projects = self.rank_sums(&sums, Some(listed));
        (areas, projects)
    }

    /// The ranked projects of counts made elsewhere (kept as answers
    /// arrived), laid out as this tally's ([`Tally::layout`]), with what
    /// the affected households said of the urgency; no household listed.
    pub fn rank_kept(&self, sums: &Sums) -> Vec<Project> {
        self.rank_sums(sums, None)
    }

    /// The first `k` projects of [`Tally::rank_kept`], and those after
    /// them that share the band of the last (see
    /// [`uncertainty::standings`]), made without making the others.
    pub fn rank_kept_first(&self, sums: &Sums, k: usize) -> Vec<Project> {
        first::rank_first(sums, &self.ranking(), &self.shared, k)
    }

    fn ranking(&self) -> sums::Ranking<'_> {
        sums::Ranking {
            rules: self.rules,
            phase_share: self.phase_share,
            rule_weights: &self.rule_weights,
            category_of_rule: &self.category_of_rule,
        }
    }

    fn rank_sums(&self, sums: &Sums, listed: Option<Listed>) -> Vec<Project> {
        let with_said = listed.is_none();
        sums::rank_sums(sums, &self.ranking(), &self.shared, listed, with_said)
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
    let mut tally = Tally::of(households, rules, by);
    for o in observations {
        tally.add(o.household, &o.survey, &o.hits);
    }
    tally.phase_map(households)
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
    let mut tally = Tally::of(households, rules, by);
    for o in observations {
        tally.add(o.household, &o.survey, &o.hits);
    }
    tally.rank(households)
}

#[cfg(test)]
mod tests;

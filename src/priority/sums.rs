//! What a ranking needs of each area, as counts that add up over
//! households: registered, surveyed and urgent households, households
//! counted with each questionnaire version, and per rule, per category and
//! per shared project the households affected, their people and persons,
//! the households that cannot tell, the households at each severity, and
//! what the affected households said of the urgency.
//!
//! The counts of an area are the sum of its households' counts, so they
//! can be kept as answers arrive (a household's change is its new counts
//! less its old ones) and a ranking made from them reads the areas, not
//! the households. A ranking from counts alone names no household; a
//! tally of every household also lists them ([`Listed`]).

use std::rc::Rc;

use super::order::Order;
use super::uncertainty::Tie;
use super::{Area, Perceived, Project, Rule, shared::Shared};

/// Per rule: households where it fired, their people, the persons it
/// fired on (for a rule counted per row) and the households those persons
/// are in, the households where it cannot be told, and of the affected
/// households those whose counted interview answers the urgency and those
/// that called it urgent.
const RULE_FIELDS: usize = 7;
pub(super) const AFFECTED: usize = 0;
pub(super) const PEOPLE: usize = 1;
pub(super) const PERSONS: usize = 2;
pub(super) const PERSONS_OF: usize = 3;
pub(super) const UNKNOWN: usize = 4;
pub(super) const ANSWERED: usize = 5;
pub(super) const SAID: usize = 6;
/// Per category: households told (neither unasked nor untold), then those
/// whose worst fired rule has severity 1 to 5.
const LEVELS: usize = 6;
/// Per project shared by rules: households where any of them fired, their
/// people, the households where one cannot be told and none fired, and
/// the urgency as for a rule.
const GROUP_FIELDS: usize = 5;
pub(super) const G_AFFECTED: usize = 0;
pub(super) const G_PEOPLE: usize = 1;
pub(super) const G_UNTOLD: usize = 2;
pub(super) const G_ANSWERED: usize = 3;
pub(super) const G_SAID: usize = 4;

pub const REGISTERED: usize = 0;
pub(super) const SURVEYED: usize = 1;
pub(super) const URGENT: usize = 2;
const HEAD: usize = 3;

/// The numbering of an area's counts, for a list of rules and the
/// questionnaire versions (sets of rules asked) counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    rules: usize,
    /// The categories' names, in the order of the rules.
    pub categories: Vec<String>,
    groups: usize,
    /// The rules each version asked, by version number.
    pub versions: Vec<Vec<usize>>,
}

impl Layout {
    pub fn new(
        rules: usize,
        categories: Vec<String>,
        groups: usize,
        versions: Vec<Vec<usize>>,
    ) -> Self {
        Layout {
            rules,
            categories,
            groups,
            versions,
        }
    }

    /// Counts per area.
    pub fn width(&self) -> usize {
        HEAD + self.versions.len()
            + self.rules * RULE_FIELDS
            + self.categories.len() * LEVELS
            + self.groups * GROUP_FIELDS
    }

    pub(super) fn version(&self, v: usize) -> usize {
        HEAD + v
    }

    pub(super) fn rule(&self, r: usize, field: usize) -> usize {
        HEAD + self.versions.len() + r * RULE_FIELDS + field
    }

    pub(super) fn level(&self, c: usize, level: usize) -> usize {
        HEAD + self.versions.len() + self.rules * RULE_FIELDS + c * LEVELS + level
    }

    pub(super) fn group(&self, g: usize, field: usize) -> usize {
        HEAD + self.versions.len()
            + self.rules * RULE_FIELDS
            + self.categories.len() * LEVELS
            + g * GROUP_FIELDS
            + field
    }
}

/// The counts of each area, `width` numbers per area in the order of
/// [`Layout`].
#[derive(Clone, Debug, PartialEq)]
pub struct Sums {
    pub layout: Layout,
    pub areas: Vec<Rc<Area>>,
    pub cells: Vec<i64>,
}

impl Sums {
    pub fn new(layout: Layout) -> Self {
        Sums {
            layout,
            areas: Vec::new(),
            cells: Vec::new(),
        }
    }

    /// Makes room for `n` areas more at once, rather than by doubling
    /// (each time copying, and touching fresh memory).
    pub fn reserve_areas(&mut self, n: usize) {
        self.areas.reserve(n);
        self.cells.reserve(n * self.layout.width());
    }

    /// Adds an area of no counts yet; its number.
    pub fn push_area(&mut self, area: Area) -> usize {
        self.areas.push(Rc::new(area));
        self.cells.resize(self.cells.len() + self.layout.width(), 0);
        self.areas.len() - 1
    }

    /// The counts of area `a`.
    pub fn area(&self, a: usize) -> &[i64] {
        let w = self.layout.width();
        &self.cells[a * w..(a + 1) * w]
    }

    pub fn area_mut(&mut self, a: usize) -> &mut [i64] {
        let w = self.layout.width();
        &mut self.cells[a * w..(a + 1) * w]
    }

    /// Households of area `a` counted with a version that asked any of
    /// `rules`.
    pub(super) fn surveyed_with(&self, a: usize, rules: &[usize]) -> i64 {
        let cells = self.area(a);
        self.layout
            .versions
            .iter()
            .enumerate()
            .filter(|(_, asked)| asked.iter().any(|r| rules.contains(r)))
            .map(|(v, _)| cells[self.layout.version(v)])
            .sum()
    }

    /// The phase of each category of area `a` at `share`, and whether
    /// any household of the area was told for it.
    pub(super) fn phases(&self, a: usize, share: f64) -> Vec<Option<u8>> {
        let cells = self.area(a);
        (0..self.layout.categories.len())
            .map(|c| {
                let total = cells[self.layout.level(c, 0)];
                if total == 0 {
                    return None;
                }
                let mut at_or_above = 0;
                for level in (1..=5).rev() {
                    at_or_above += cells[self.layout.level(c, level)];
                    if at_or_above as f64 >= share * total as f64 {
                        return Some(level as u8);
                    }
                }
                Some(1)
            })
            .collect()
    }
}

/// The households behind the counts, when a tally of every household made
/// them: per area and rule, and per area and shared project, the affected
/// households in code order.
pub struct Listed {
    pub rules: Vec<Vec<usize>>,
    pub groups: Vec<Vec<usize>>,
}

/// How projects are ranked: the share of households a phase needs, and
/// each rule's weight.
pub(super) struct Ranking<'a> {
    pub rules: &'a [Rule],
    pub phase_share: f64,
    pub rule_weights: &'a [f64],
    pub category_of_rule: &'a [usize],
}

/// Every project with an affected household, from the counts, ranked
/// (see [`super::rank`]); its households listed when `listed` has them.
/// What the affected households said of the urgency is given when the
/// counts hold it (`with_said`).
pub(super) fn rank_sums(
    sums: &Sums,
    ranking: &Ranking<'_>,
    shared: &Shared,
    mut listed: Option<Listed>,
    with_said: bool,
) -> Vec<Project> {
    let rules = ranking.rules;
    let layout = &sums.layout;
    // Room made at once for every project, rather than by doubling.
    let fired = (0..sums.areas.len())
        .map(|a| {
            let cells = sums.area(a);
            (0..rules.len())
                .filter(|&r| cells[layout.rule(r, AFFECTED)] > 0)
                .count()
        })
        .sum();
    let mut projects = Vec::with_capacity(fired);
    let mut area_of_projects: Vec<usize> = Vec::with_capacity(fired);
    let mut surveyed = vec![0i64; rules.len()];
    for a in 0..sums.areas.len() {
        let this = (&mut surveyed[..], listed.as_mut(), with_said);
        projects_of_area((sums, a), ranking, shared, this, &mut projects);
        area_of_projects.resize(projects.len(), a);
    }
    let order = Order::new(&sums.areas, (rules, ranking.rule_weights));
    super::order::sort_projects(&mut projects, &area_of_projects, &order);
    projects
}

/// The projects of area `a` (its rules' and the projects they share),
/// pushed onto `projects`, which holds nothing of `a` yet; with their
/// households when `listed`, and what they said when `with_said`.
fn projects_of_area(
    (sums, a): (&Sums, usize),
    ranking: &Ranking<'_>,
    shared: &Shared,
    (surveyed, mut listed, with_said): (&mut [i64], Option<&mut Listed>, bool),
    projects: &mut Vec<Project>,
) {
    let start = projects.len();
    let this = (surveyed, listed.as_deref_mut(), with_said);
    area_projects((sums, a), ranking, this, projects);
    shared.merge(
        (projects, start),
        (sums, a, ranking.rules),
        listed,
        with_said,
    );
}

/// A project as [`rank_first`] orders it before making it: its key, its
/// area and place among the area's projects, and what tells its band.
struct Entry {
    key: [u64; 7],
    area: u32,
    place: u32,
    tie: Tie,
}

/// The first `k` projects of the ranking of the counts (see
/// [`rank_sums`]), and after them those tied with the last, one after
/// the other, so that the rank bands of the first `k` are whole: the
/// projects of every area are made and ordered by their keys, but only
/// those listed are kept. With what the affected households said of the
/// urgency; no household listed.
pub(super) fn rank_first(
    sums: &Sums,
    ranking: &Ranking<'_>,
    shared: &Shared,
    k: usize,
) -> Vec<Project> {
    let rules = ranking.rules;
    let order = Order::new(&sums.areas, (rules, ranking.rule_weights));
    let mut surveyed = vec![0i64; rules.len()];
    let mut scratch: Vec<Project> = Vec::new();
    // At most a project per rule in each area: room made once.
    let mut entries: Vec<Entry> = Vec::with_capacity(sums.areas.len() * rules.len());
    for a in 0..sums.areas.len() {
        scratch.clear();
        let this = (&mut surveyed[..], None, true);
        projects_of_area((sums, a), ranking, shared, this, &mut scratch);
        entries.extend(scratch.iter().enumerate().map(|(i, p)| Entry {
            key: order.key(p, a),
            area: a as u32,
            place: i as u32,
            tie: Tie::of(p, rules),
        }));
    }
    let end = order_first(&mut entries, k);
    // The projects of the first `end`, each area's made once.
    let mut areas: std::collections::HashMap<u32, Vec<Option<Project>>> =
        std::collections::HashMap::new();
    let mut first = Vec::with_capacity(end);
    for e in &entries[..end] {
        let area = areas.entry(e.area).or_insert_with(|| {
            let mut list = Vec::new();
            let this = (&mut surveyed[..], None, true);
            projects_of_area((sums, e.area as usize), ranking, shared, this, &mut list);
            list.into_iter().map(Some).collect()
        });
        first.extend(area.get_mut(e.place as usize).and_then(Option::take));
    }
    first
}

/// Puts the first `k` of `entries` in order, and after them those that
/// share the band of the last; how many that is. Only the first are
/// ordered, the others left as they fall.
fn order_first(entries: &mut [Entry], k: usize) -> usize {
    let by_key = |a: &Entry, b: &Entry| a.key.cmp(&b.key);
    // The first k (and the next, which ends the band of the last or
    // not) put in order; when the band goes on, every project is ordered
    // and the band followed to its end.
    let mut end = k.min(entries.len());
    if k < entries.len() {
        // Only the projects whose first key (the weighted phase) is at
        // most the (k+1)-th smallest can be among the first k+1: put
        // first, they alone are selected from (a province's 75,000
        // projects, most of a lower phase, are passed over). Those after
        // them all come later, so the band can still be followed into
        // them.
        let mut firsts: Vec<u64> = entries.iter().map(|e| e.key[0]).collect();
        let (_, &mut bound, _) = firsts.select_nth_unstable(k);
        let mut candidates = 0;
        for i in 0..entries.len() {
            if entries[i].key[0] <= bound {
                entries.swap(candidates, i);
                candidates += 1;
            }
        }
        entries[..candidates].select_nth_unstable_by(k, by_key);
        entries[..=k].sort_unstable_by(by_key);
        // Ordered up to `sorted`; the band followed a chunk at a time, each
        // chunk twice the one before, rather than ordering every project.
        let mut sorted = k + 1;
        let mut chunk = k.max(64);
        while end > 0 && end < sorted && entries[end - 1].tie.with(&entries[end].tie) {
            end += 1;
            if end == sorted && sorted < entries.len() {
                // Among the candidates first, which all come before the
                // others.
                let limit = if sorted < candidates {
                    candidates
                } else {
                    entries.len()
                };
                let rest = &mut entries[sorted..limit];
                let take = chunk.min(rest.len());
                if take < rest.len() {
                    rest.select_nth_unstable_by(take, by_key);
                }
                rest[..take].sort_unstable_by(by_key);
                sorted += take;
                chunk *= 2;
            }
        }
    } else {
        entries.sort_unstable_by(by_key);
    }
    end
}

/// The projects of area `a`, one per rule that fired, in the rules'
/// order, pushed onto `projects`; `surveyed` is room for n of each rule.
fn area_projects(
    (sums, a): (&Sums, usize),
    ranking: &Ranking<'_>,
    (surveyed, mut listed, with_said): (&mut [i64], Option<&mut Listed>, bool),
    projects: &mut Vec<Project>,
) {
    let (rules, layout) = (ranking.rules, &sums.layout);
    let cells = sums.area(a);
    let phases = sums.phases(a, ranking.phase_share);
    // n of each rule: the households counted with a version that has it,
    // added up once per area.
    surveyed.iter_mut().for_each(|n| *n = 0);
    for (v, asked) in layout.versions.iter().enumerate() {
        let n = cells[layout.version(v)];
        for &r in asked {
            surveyed[r] += n;
        }
    }
    for (r, rule) in rules.iter().enumerate() {
        let affected = cells[layout.rule(r, AFFECTED)];
        if affected <= 0 {
            continue;
        }
        // A household answered with a version that counted the rule per
        // household counts as one person.
        let untold = affected - cells[layout.rule(r, PERSONS_OF)];
        let persons = rule
            .per_person
            .then_some(cells[layout.rule(r, PERSONS)] + untold.max(0));
        let units = persons.unwrap_or(affected);
        let households = listed
            .as_mut()
            .map(|l| std::mem::take(&mut l.rules[a * rules.len() + r]))
            .unwrap_or_default();
        projects.push(Project {
            area: Rc::clone(&sums.areas[a]),
            rule: r,
            also: Vec::new(),
            affected,
            households,
            surveyed: surveyed[r],
            registered: cells[REGISTERED],
            people: cells[layout.rule(r, PEOPLE)],
            phase: phases[ranking.category_of_rule[r]].unwrap_or(1),
            cost: rule.unit_cost.map(|c| c * units as f64),
            persons,
            unknown: cells[layout.rule(r, UNKNOWN)],
            perceived: with_said.then(|| Perceived {
                answered: cells[layout.rule(r, ANSWERED)],
                urgent: cells[layout.rule(r, SAID)],
            }),
        });
    }
}

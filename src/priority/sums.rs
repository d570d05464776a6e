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

use std::sync::Arc;

use super::order::{Key, Order};
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

    /// Where each count is, as a copy that holds no names (read while the
    /// counts are written).
    pub(super) fn offsets(&self) -> Offsets {
        Offsets {
            versions: self.versions.len(),
            rules: self.rules,
            categories: self.categories.len(),
            groups: self.groups,
        }
    }

    /// Counts per area.
    pub fn width(&self) -> usize {
        self.offsets().width()
    }

    pub(super) fn version(&self, v: usize) -> usize {
        self.offsets().version(v)
    }

    pub(super) fn rule(&self, r: usize, field: usize) -> usize {
        self.offsets().rule(r, field)
    }

    pub(super) fn level(&self, c: usize, level: usize) -> usize {
        self.offsets().level(c, level)
    }

    pub(super) fn group(&self, g: usize, field: usize) -> usize {
        self.offsets().group(g, field)
    }
}

/// The numbering of a [`Layout`] by its sizes alone.
#[derive(Clone, Copy, Debug)]
pub(super) struct Offsets {
    versions: usize,
    rules: usize,
    categories: usize,
    groups: usize,
}

impl Offsets {
    fn width(self) -> usize {
        HEAD + self.versions
            + self.rules * RULE_FIELDS
            + self.categories * LEVELS
            + self.groups * GROUP_FIELDS
    }

    pub(super) fn version(self, v: usize) -> usize {
        HEAD + v
    }

    pub(super) fn rule(self, r: usize, field: usize) -> usize {
        HEAD + self.versions + r * RULE_FIELDS + field
    }

    pub(super) fn level(self, c: usize, level: usize) -> usize {
        HEAD + self.versions + self.rules * RULE_FIELDS + c * LEVELS + level
    }

    pub(super) fn group(self, g: usize, field: usize) -> usize {
        HEAD + self.versions
            + self.rules * RULE_FIELDS
            + self.categories * LEVELS
            + g * GROUP_FIELDS
            + field
    }
}

/// The counts of each area, `width` numbers per area in the order of
/// [`Layout`].
#[derive(Clone, Debug, PartialEq)]
pub struct Sums {
    pub layout: Layout,
    pub areas: Vec<Arc<Area>>,
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
        self.areas.push(Arc::new(area));
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
/// counts hold it (`with_said`). The projects are ordered by their keys
/// before they are made, then made in order: a province's 75,000 are
/// not moved about once made.
pub(super) fn rank_sums(
    sums: &Sums,
    ranking: &Ranking<'_>,
    shared: &Shared,
    mut listed: Option<Listed>,
    with_said: bool,
) -> Vec<Project> {
    let made = Made::new(sums, ranking, shared);
    let keys: Vec<Key> = made.slots.iter().map(|s| made.key(s)).collect();
    let order = super::order::sorted(&keys);
    order
        .into_iter()
        .map(|i| made.project(&made.slots[i as usize], listed.as_mut(), with_said))
        .collect()
}

/// One project of an area, before it is made: a rule's own, or the
/// project rules share (more than one of them fired in the area).
#[derive(Clone, Copy, Debug)]
enum Which {
    Rule(u32),
    Shared(u32),
}

/// A project before it is made: its area, which of the area's projects,
/// what is worked out for the area as a whole (its category's phase, the
/// households asked its rules) and, for a rule's own, its counts: read
/// from the area's in the areas' order, so that projects made in the
/// ranking's order each read one small slot rather than counts spread
/// over a province's.
#[derive(Clone, Copy, Debug)]
pub(super) struct Slot {
    area: u32,
    which: Which,
    phase: u8,
    surveyed: i64,
    registered: i64,
    /// The rule's counts, in the order of the rule fields ([`AFFECTED`]
    /// first); none for a shared project, whose counts are read when it
    /// is made.
    counts: [i64; RULE_FIELDS],
}

impl Slot {
    /// Of a rule's own project: the households affected, and those that
    /// could tell.
    fn told(&self) -> (i64, i64) {
        let c = &self.counts;
        (c[AFFECTED], self.surveyed - c[UNKNOWN])
    }
}

/// The projects of every area, in the areas' order and each area's in
/// the rules' order (a shared project at its first rule's place).
fn slots(sums: &Sums, ranking: &Ranking<'_>, shared: &Shared) -> Vec<Slot> {
    let (rules, layout) = (ranking.rules, &sums.layout);
    let fired = |cells: &[i64], r: usize| cells[layout.rule(r, AFFECTED)] > 0;
    // Room made at once for every project, rather than by doubling.
    let count = (0..sums.areas.len())
        .map(|a| (0..rules.len()).filter(|&r| fired(sums.area(a), r)).count())
        .sum();
    let mut out = Vec::with_capacity(count);
    let mut surveyed = vec![0i64; rules.len()];
    for a in 0..sums.areas.len() {
        let cells = sums.area(a);
        let phases = sums.phases(a, ranking.phase_share);
        let phase = |r: usize| phases[ranking.category_of_rule[r]].unwrap_or(1);
        // n of each rule: the households counted with a version that has
        // it, added up once per area.
        surveyed.iter_mut().for_each(|n| *n = 0);
        for (v, asked) in layout.versions.iter().enumerate() {
            let n = cells[layout.version(v)];
            for &r in asked {
                surveyed[r] += n;
            }
        }
        let fired_of = |g: usize| {
            let members = shared.members(g).iter().copied();
            members.filter(|&m| fired(cells, m))
        };
        for r in (0..rules.len()).filter(|&r| fired(cells, r)) {
            let slot = match shared.group_of(r) {
                Some(g) if fired_of(g).nth(1).is_some() => {
                    // At the place of its first rule that fired.
                    if fired_of(g).next() != Some(r) {
                        continue;
                    }
                    Slot {
                        area: a as u32,
                        which: Which::Shared(g as u32),
                        phase: fired_of(g).map(phase).max().unwrap_or(1),
                        surveyed: sums.surveyed_with(a, shared.members(g)),
                        registered: cells[REGISTERED],
                        counts: [0; RULE_FIELDS],
                    }
                }
                _ => {
                    let first = layout.rule(r, 0);
                    let mut counts = [0; RULE_FIELDS];
                    counts.copy_from_slice(&cells[first..first + RULE_FIELDS]);
                    Slot {
                        area: a as u32,
                        which: Which::Rule(r as u32),
                        phase: phase(r),
                        surveyed: surveyed[r],
                        registered: cells[REGISTERED],
                        counts,
                    }
                }
            };
            out.push(slot);
        }
    }
    out
}

/// What projects are made of: the counts, how they are ranked and
/// ordered, the rules that share projects; and every project's slot.
pub(super) struct Made<'a> {
    sums: &'a Sums,
    ranking: &'a Ranking<'a>,
    shared: &'a Shared,
    order: Order<'a>,
    pub(super) slots: Vec<Slot>,
}

impl<'a> Made<'a> {
    pub(super) fn new(sums: &'a Sums, ranking: &'a Ranking<'a>, shared: &'a Shared) -> Self {
        Made {
            sums,
            ranking,
            shared,
            order: Order::new(&sums.areas, (ranking.rules, ranking.rule_weights)),
            slots: slots(sums, ranking, shared),
        }
    }

    /// The key of the project of `slot`: a rule's own told by its slot
    /// alone, a shared one's made first.
    pub(super) fn key(&self, slot: &Slot) -> Key {
        let area = slot.area as usize;
        match slot.which {
            Which::Rule(r) => {
                let (affected, known) = slot.told();
                (self.order).key_of((r as usize, &[]), slot.phase, (affected, known), area)
            }
            Which::Shared(_) => self.order.key(&self.project(slot, None, false), area),
        }
    }

    /// What tells the band of the project of `slot` (as [`Made::key`]).
    pub(super) fn tie(&self, slot: &Slot) -> Tie {
        let rules = self.ranking.rules;
        match slot.which {
            Which::Rule(r) => Tie::new(slot.phase, rules[r as usize].severity, slot.told()),
            Which::Shared(_) => Tie::of(&self.project(slot, None, false), rules),
        }
    }

    /// The project of `slot`; with its households when `listed`, and what
    /// they said when `with_said`.
    pub(super) fn project(
        &self,
        slot: &Slot,
        listed: Option<&mut Listed>,
        with_said: bool,
    ) -> Project {
        let (sums, rules) = (self.sums, self.ranking.rules);
        let a = slot.area as usize;
        let r = match slot.which {
            Which::Rule(r) => r as usize,
            Which::Shared(g) => {
                let g = g as usize;
                let households =
                    listed.map(|l| std::mem::take(&mut l.groups[a * self.shared.groups() + g]));
                let area = (Arc::clone(&sums.areas[a]), slot.phase, slot.surveyed);
                let this = (sums, a, rules);
                return (self.shared).project(g, this, area, households, with_said);
            }
        };
        let rule = &rules[r];
        let counts = &slot.counts;
        let affected = counts[AFFECTED];
        // A household answered with a version that counted the rule per
        // household counts as one person.
        let untold = affected - counts[PERSONS_OF];
        let persons = rule.per_person.then_some(counts[PERSONS] + untold.max(0));
        let units = persons.unwrap_or(affected);
        Project {
            area: Arc::clone(&sums.areas[a]),
            rule: r,
            also: Vec::new(),
            affected,
            households: listed
                .map(|l| std::mem::take(&mut l.rules[a * rules.len() + r]))
                .unwrap_or_default(),
            surveyed: slot.surveyed,
            registered: slot.registered,
            people: counts[PEOPLE],
            phase: slot.phase,
            cost: rule.unit_cost.map(|c| c * units as f64),
            persons,
            unknown: counts[UNKNOWN],
            perceived: with_said.then(|| Perceived {
                answered: counts[ANSWERED],
                urgent: counts[SAID],
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::uncertainty::Tie;
    use super::super::*;
    use super::{Made, Which};
    use crate::survey::Label;

    fn rule(name: &str, severity: u8, project: Option<&str>, cost: Option<f64>) -> Rule {
        Rule {
            survey: "water".into(),
            name: name.into(),
            category: "water".into(),
            severity,
            project: project.map(Label::plain),
            unit_cost: cost,
            per_person: false,
        }
    }

    #[test]
    fn a_key_and_a_tie_told_by_a_slot_are_those_of_its_project() {
        // Illness and cloudy water share "treatment"; the well is far on
        // its own. Village A has both shared rules fired, B one of them.
        let rules = vec![
            rule("ill", 5, Some("treatment"), Some(300.0)),
            rule("cloudy", 3, Some("treatment"), Some(900.0)),
            rule("far", 2, None, None),
        ];
        let households: Vec<Household> = (0..12)
            .map(|n| Household {
                code: format!("h{n:02}").into(),
                township: "勐烈镇".into(),
                village: if n < 7 { "A" } else { "B" }.into(),
                group: "".into(),
                members: 3 + n % 4,
            })
            .collect();
        let mut tally = Tally::of(&households, &rules, By::Village);
        let hits: [&[usize]; 12] = [
            &[0, 1],
            &[1],
            &[2],
            &[1, 2],
            &[],
            &[0],
            &[2],
            &[1],
            &[1, 2],
            &[],
            &[2],
            &[],
        ];
        for (h, hits) in hits.iter().enumerate() {
            if h != 4 {
                tally.add(h, "water", hits);
            }
        }
        let (sums, _) = tally.sums(&households);
        let ranking = tally.ranking();
        let made = Made::new(&sums, &ranking, &tally.shared);
        let shared = made
            .slots
            .iter()
            .filter(|s| matches!(s.which, Which::Shared(_)));
        assert_eq!(shared.count(), 1);
        assert_eq!(made.slots.len(), 4);
        for slot in &made.slots {
            let p = made.project(slot, None, false);
            assert_eq!(made.key(slot), made.order.key(&p, slot.area as usize));
            assert_eq!(made.tie(slot), Tie::of(&p, &rules));
        }
    }
}

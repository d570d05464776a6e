//! What the tally counts, as the counts of each area ([`Sums`]) and the
//! households behind them ([`Listed`]).

use std::collections::HashMap;

use super::sums::{
    AFFECTED, ANSWERED, G_AFFECTED, G_ANSWERED, G_PEOPLE, G_SAID, G_UNTOLD, Layout, Listed, PEOPLE,
    PERSONS, PERSONS_OF, REGISTERED, SAID, SURVEYED, Sums, UNKNOWN, URGENT,
};
use super::{Area, Household, NOT_ASKED, Tally, UNTOLD, URGENT_SEVERITY};

impl Tally<'_> {
    /// How this tally's counts are laid out: its rules, categories,
    /// shared projects and the versions counted so far.
    pub fn layout(&self) -> Layout {
        Layout::new(
            self.rules.len(),
            self.categories.iter().map(|c| c.to_string()).collect(),
            self.shared.groups(),
            self.versions
                .iter()
                .map(|(asked, _)| asked.clone())
                .collect(),
        )
    }

    /// The counts of each area of the households pushed, which are
    /// `households`, and the affected households behind them in code
    /// order.
    pub fn sums(&self, households: &[Household]) -> (Sums, Listed) {
        let layout = self.layout();
        let (rules, cats, groups) = (
            self.rules.len(),
            self.categories.len(),
            self.shared.groups(),
        );
        let mut sums = Sums::new(layout);
        for area in &self.areas {
            sums.push_area(area.clone());
        }
        let layout = sums.layout.offsets();
        for (h, &a) in self.area_of.iter().enumerate() {
            let row = &self.worst[h * cats..(h + 1) * cats];
            let cells = sums.area_mut(a as usize);
            cells[REGISTERED] += 1;
            if row.iter().any(|&w| w != NOT_ASKED) {
                cells[SURVEYED] += 1;
            }
            if row
                .iter()
                .any(|&w| w != NOT_ASKED && w != UNTOLD && w >= URGENT_SEVERITY)
            {
                cells[URGENT] += 1;
            }
            for (c, &w) in row.iter().enumerate() {
                if w != NOT_ASKED && w != UNTOLD {
                    cells[layout.level(c, 0)] += 1;
                    if w > 0 {
                        cells[layout.level(c, usize::from(w.min(5)))] += 1;
                    }
                }
            }
        }
        for (v, counts) in self.by_version.iter().enumerate() {
            for (a, &n) in counts.iter().enumerate() {
                sums.area_mut(a)[layout.version(v)] += n;
            }
        }
        let in_order = self.in_code_order(households);
        let mut listed = Listed {
            rules: Vec::with_capacity(self.affected.len()),
            groups: vec![Vec::new(); self.areas.len() * groups],
        };
        for (slot, list) in self.affected.iter().enumerate() {
            let (a, r) = (slot / rules, slot % rules);
            let mut list: Vec<usize> = list.iter().map(|&h| h as usize).collect();
            if !list.is_sorted() {
                list.sort_unstable();
            }
            list.dedup();
            if !in_order[a] {
                list.sort_by(|&x, &y| households[x].code.cmp(&households[y].code));
            }
            let cells = sums.area_mut(a);
            cells[layout.rule(r, AFFECTED)] = list.len() as i64;
            cells[layout.rule(r, PEOPLE)] = list.iter().map(|&h| households[h].members).sum();
            cells[layout.rule(r, PERSONS)] = self.persons[slot];
            cells[layout.rule(r, PERSONS_OF)] = self.persons_of[slot];
            cells[layout.rule(r, UNKNOWN)] = self.unknown[slot];
            cells[layout.rule(r, ANSWERED)] = self.answered[slot];
            cells[layout.rule(r, SAID)] = self.said[slot];
            listed.rules.push(list);
        }
        self.group_sums(&mut sums, &mut listed, households);
        for &(h, g, said) in &self.group_said {
            let a = self.area_of[h as usize] as usize;
            let cells = sums.area_mut(a);
            if said >= 0 {
                cells[layout.group(g as usize, G_ANSWERED)] += 1;
                cells[layout.group(g as usize, G_SAID)] += i64::from(said);
            }
        }
        (sums, listed)
    }

    /// Per area and project shared by rules: the households affected by
    /// any of its rules, each once (listed in code order), their people,
    /// and those that cannot tell for one and have none fired.
    fn group_sums(&self, sums: &mut Sums, listed: &mut Listed, households: &[Household]) {
        let (rules, groups) = (self.rules.len(), self.shared.groups());
        let layout = sums.layout.offsets();
        for a in 0..self.areas.len() {
            for g in 0..groups {
                let mut union: Vec<usize> = self
                    .shared
                    .members(g)
                    .iter()
                    .flat_map(|r| listed.rules[a * rules + r].iter().copied())
                    .collect();
                union.sort_unstable_by(|&x, &y| {
                    households[x].code.cmp(&households[y].code).then(x.cmp(&y))
                });
                union.dedup();
                let mut by_number = union.clone();
                by_number.sort_unstable();
                let mut untold: Vec<usize> = self
                    .shared
                    .unknown_of(a, g)
                    .iter()
                    .map(|&h| h as usize)
                    .filter(|h| by_number.binary_search(h).is_err())
                    .collect();
                untold.sort_unstable();
                untold.dedup();
                let cells = sums.area_mut(a);
                cells[layout.group(g, G_AFFECTED)] = union.len() as i64;
                cells[layout.group(g, G_PEOPLE)] =
                    union.iter().map(|&h| households[h].members).sum();
                cells[layout.group(g, G_UNTOLD)] = untold.len() as i64;
                listed.groups[a * groups + g] = union;
            }
        }
    }

    /// Per area, whether its households were pushed in code order (as a
    /// registry usually is): then the order of their numbers is the order
    /// of their codes; elsewhere codes are compared.
    fn in_code_order(&self, households: &[Household]) -> Vec<bool> {
        let mut in_order = vec![true; self.areas.len()];
        let mut last: Vec<Option<usize>> = vec![None; self.areas.len()];
        for (h, &a) in self.area_of.iter().enumerate() {
            let a = a as usize;
            if let Some(previous) = last[a]
                && households[previous].code > households[h].code
            {
                in_order[a] = false;
            }
            last[a] = Some(h);
        }
        in_order
    }

    /// The phase of each category in each area with surveyed households.
    pub fn phase_map(&self, households: &[Household]) -> HashMap<(Area, String), u8> {
        let (sums, _) = self.sums(households);
        let mut out = HashMap::new();
        for (a, area) in sums.areas.iter().enumerate() {
            for (c, phase) in sums.phases(a, self.phase_share).into_iter().enumerate() {
                if let Some(phase) = phase {
                    out.insert(((**area).clone(), self.categories[c].to_string()), phase);
                }
            }
        }
        out
    }
}

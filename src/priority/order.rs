//! The order of ranked projects.

use std::rc::Rc;

use super::{Area, Project, Rule};

/// What a project is ordered by (weighted phase and severity, households
/// affected, share, unit cost, and the ranks of its area's and rule's
/// names, as [`ordered`] integers), and its place in the list.
type Key = ([u64; 7], usize);

/// `x` as an integer in the order of [`f64::total_cmp`].
fn ordered(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// `n` as an integer in the order of `i64`.
fn ordered_int(n: i64) -> u64 {
    (n as u64) ^ (1 << 63)
}

/// What orders projects, made once for a ranking: areas and rules ranked
/// by name, and each rule's weight (the weight of its category; all 1, as
/// documented, unless a meeting chose otherwise).
pub(super) struct Order<'a> {
    area_rank: Vec<u64>,
    rule_rank: Vec<u64>,
    rules: &'a [Rule],
    rule_weights: &'a [f64],
}

impl<'a> Order<'a> {
    pub(super) fn new(areas: &[Rc<Area>], (rules, rule_weights): (&'a [Rule], &'a [f64])) -> Self {
        let mut area_order: Vec<usize> = (0..areas.len()).collect();
        area_order.sort_by(|&a, &b| areas[a].cmp(&areas[b]));
        let mut area_rank = vec![0u64; areas.len()];
        for (place, &a) in area_order.iter().enumerate() {
            area_rank[a] = place as u64;
        }
        let mut rule_order: Vec<usize> = (0..rules.len()).collect();
        rule_order.sort_by(|&a, &b| {
            (&rules[a].survey, &rules[a].name).cmp(&(&rules[b].survey, &rules[b].name))
        });
        let mut rule_rank = vec![0u64; rules.len()];
        for (place, &r) in rule_order.iter().enumerate() {
            rule_rank[r] = place as u64;
        }
        Order {
            area_rank,
            rule_rank,
            rules,
            rule_weights,
        }
    }

    /// Project `p` of area number `area` as integers compared in order
    /// (those ranked high first turned over), made once rather than at
    /// every comparison: weighted phase and severity, households affected,
    /// share, unit cost (the highest of the rules sharing it), area, rule.
    pub(super) fn key(&self, p: &Project, area: usize) -> [u64; 7] {
        let rules = self.rules;
        let w = self.rule_weights[p.rule];
        let unit = p
            .rules()
            .filter_map(|r| rules[r].unit_cost)
            .max_by(f64::total_cmp)
            .unwrap_or(f64::INFINITY);
        [
            !ordered(f64::from(p.phase) * w),
            !ordered(f64::from(rules[p.rule].severity) * w),
            !ordered_int(p.affected),
            !ordered(p.share()),
            ordered(unit),
            self.area_rank[area],
            self.rule_rank[p.rule],
        ]
    }
}

/// Sorts projects in the order of [`rank`]. `area_of[i]` is the number of
/// project i's area.
pub(super) fn sort_projects(projects: &mut [Project], area_of: &[usize], order: &Order<'_>) {
    let mut keyed: Vec<Key> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (order.key(p, area_of[i]), i))
        .collect();
    keyed.sort_unstable();
    // Each project moved once, into its place, following the cycles of
    // the order.
    let mut place: Vec<usize> = vec![0; keyed.len()];
    for (to, k) in keyed.iter().enumerate() {
        place[k.1] = to;
    }
    for i in 0..projects.len() {
        while place[i] != i {
            let to = place[i];
            projects.swap(i, to);
            place.swap(i, to);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ordered, ordered_int};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn keys_keep_the_order_of_numbers(a in any::<f64>(), b in any::<f64>(), m in any::<i64>(), n in any::<i64>()) {
            prop_assert_eq!(ordered(a).cmp(&ordered(b)), a.total_cmp(&b));
            prop_assert_eq!(ordered_int(m).cmp(&ordered_int(n)), m.cmp(&n));
        }
    }
}

//! The order of ranked projects.

use std::rc::Rc;

use super::{Area, Project, Rule};

/// A project's place in the list and what it is ordered by: weighted
/// phase and severity, households affected, share, unit cost, and the
/// ranks of its area's and rule's names.
type Key = (usize, [f64; 2], i64, f64, f64, usize, usize);

/// Sorts projects in the order of [`rank`], with areas and rules ranked by
/// name once rather than at every comparison. `area_of[i]` is the number of
/// project i's area in `areas`.
/// With weights (`rule_weights[r]`, the weight of rule r's category), the
/// phase and the severity are compared weighted; all 1, as documented.
pub(super) fn sort_projects(
    projects: &mut [Project],
    (area_of, areas): (&[usize], &[Rc<Area>]),
    (rules, rule_weights): (&[Rule], &[f64]),
) {
    let mut area_order: Vec<usize> = (0..areas.len()).collect();
    area_order.sort_by(|&a, &b| areas[a].cmp(&areas[b]));
    let mut area_rank = vec![0usize; areas.len()];
    for (place, &a) in area_order.iter().enumerate() {
        area_rank[a] = place;
    }
    let mut rule_order: Vec<usize> = (0..rules.len()).collect();
    rule_order.sort_by(|&a, &b| {
        (&rules[a].survey, &rules[a].name).cmp(&(&rules[b].survey, &rules[b].name))
    });
    let mut rule_rank = vec![0usize; rules.len()];
    for (place, &r) in rule_order.iter().enumerate() {
        rule_rank[r] = place;
    }
    // The unit cost of a project its rules share is the highest of theirs.
    let unit = |p: &Project| {
        p.rules()
            .filter_map(|r| rules[r].unit_cost)
            .max_by(f64::total_cmp)
            .unwrap_or(f64::INFINITY)
    };
    // Each project's key made once, rather than at every comparison.
    let mut keyed: Vec<Key> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let w = rule_weights[p.rule];
            (
                i,
                [
                    f64::from(p.phase) * w,
                    f64::from(rules[p.rule].severity) * w,
                ],
                p.affected,
                p.share(),
                unit(p),
                area_rank[area_of[i]],
                rule_rank[p.rule],
            )
        })
        .collect();
    keyed.sort_unstable_by(|a, b| {
        b.1[0]
            .total_cmp(&a.1[0])
            .then(b.1[1].total_cmp(&a.1[1]))
            .then(b.2.cmp(&a.2))
            .then(b.3.total_cmp(&a.3))
            .then(a.4.total_cmp(&b.4))
            .then(a.5.cmp(&b.5))
            .then(a.6.cmp(&b.6))
    });
    // Each project moved once, into its place, following the cycles of
    // the order.
    let mut place: Vec<usize> = vec![0; keyed.len()];
    for (to, k) in keyed.iter().enumerate() {
        place[k.0] = to;
    }
    for i in 0..projects.len() {
        while place[i] != i {
            let to = place[i];
            projects.swap(i, to);
            place.swap(i, to);
        }
    }
}

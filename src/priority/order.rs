//! The order of ranked projects.

use super::{Area, Project, Rule};

/// Sorts projects in the order of [`rank`], with areas and rules ranked by
/// name once rather than at every comparison. `area_of[i]` is the number of
/// project i's area in `areas`.
/// With weights (`rule_weights[r]`, the weight of rule r's category), the
/// phase and the severity are compared weighted; all 1, as documented.
pub(super) fn sort_projects(
    projects: &mut Vec<Project>,
    (area_of, areas): (&[usize], &[Area]),
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
    let mut keyed: Vec<(usize, usize, usize)> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (i, area_rank[area_of[i]], rule_rank[p.rule]))
        .collect();
    keyed.sort_by(|&(a, area_a, rule_a), &(b, area_b, rule_b)| {
        let (pa, pb) = (&projects[a], &projects[b]);
        let (ra, rb) = (&rules[pa.rule], &rules[pb.rule]);
        let (wa, wb) = (rule_weights[pa.rule], rule_weights[pb.rule]);
        (f64::from(pb.phase) * wb)
            .total_cmp(&(f64::from(pa.phase) * wa))
            .then((f64::from(rb.severity) * wb).total_cmp(&(f64::from(ra.severity) * wa)))
            .then(pb.affected.cmp(&pa.affected))
            .then(pb.share().total_cmp(&pa.share()))
            .then(unit(pa).total_cmp(&unit(pb)))
            .then(area_a.cmp(&area_b))
            .then(rule_a.cmp(&rule_b))
    });
    let mut slots: Vec<Option<Project>> = std::mem::take(projects).into_iter().map(Some).collect();
    projects.extend(keyed.iter().filter_map(|&(i, _, _)| slots[i].take()));
}

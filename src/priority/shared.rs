//! Rules that share one project. Two rules of a questionnaire may name
//! the same project (water testing and treatment for water that made
//! someone ill and for cloudy water): in a village that is one project,
//! listed and costed once, its households counted once.

use std::sync::Arc;

use super::sums::{AFFECTED, G_AFFECTED, G_ANSWERED, G_PEOPLE, G_SAID, G_UNTOLD, REGISTERED, Sums};
use super::{Area, Perceived, Project, Rule};

/// Whether rules `a` and `b` share a project: of the same questionnaire
/// and category, naming the same project, neither counted per person.
pub fn share(a: &Rule, b: &Rule) -> bool {
    a.survey == b.survey
        && a.category == b.category
        && !a.per_person
        && !b.per_person
        && a.project.is_some()
        && a.project == b.project
}

/// The rules (by index) that share rule `r`'s project, `r` first.
pub fn partners(rules: &[Rule], r: usize) -> Vec<usize> {
    let mut out = vec![r];
    out.extend((0..rules.len()).filter(|&o| o != r && share(&rules[r], &rules[o])));
    out
}

/// The groups of rules that share a project, and the households where a
/// rule of a group cannot be told, per area.
pub(super) struct Shared {
    /// The group of the rules sharing a rule's project, when another rule
    /// shares it.
    group_of: Vec<Option<usize>>,
    groups: usize,
    /// The rules of each group, in the questionnaire's order.
    members: Vec<Vec<usize>>,
    /// unknown[area * groups + group]: households where a rule of the
    /// group cannot be told.
    unknown: Vec<Vec<u32>>,
}

impl Shared {
    /// The groups of the rules that share a project ([`share`]).
    pub(super) fn new(rules: &[Rule]) -> Shared {
        // Each rule's group is its first partner's; only rules with a
        // partner make groups, numbered from 0.
        let mut group_of: Vec<Option<usize>> = vec![None; rules.len()];
        let mut groups = 0;
        for r in 0..rules.len() {
            if group_of[r].is_some() {
                continue;
            }
            let members = partners(rules, r);
            if members.len() > 1 {
                for &m in &members {
                    group_of[m] = Some(groups);
                }
                groups += 1;
            }
        }
        let members = (0..groups)
            .map(|g| {
                (0..rules.len())
                    .filter(|&r| group_of[r] == Some(g))
                    .collect()
            })
            .collect();
        Shared {
            group_of,
            groups,
            members,
            unknown: Vec::new(),
        }
    }

    /// Makes room for the households that cannot tell of `areas` areas.
    pub(super) fn areas(&mut self, areas: usize) {
        self.unknown.resize_with(areas * self.groups, Vec::new);
    }

    /// The number of projects shared by rules.
    pub(super) fn groups(&self) -> usize {
        self.groups
    }

    /// The shared project of rule `r`, if it shares one.
    pub(super) fn group_of(&self, r: usize) -> Option<usize> {
        self.group_of[r]
    }

    /// The rules of shared project `g`, in the questionnaire's order.
    pub(super) fn members(&self, g: usize) -> &[usize] {
        &self.members[g]
    }

    /// Notes that `household` of `area` cannot tell of `rule`.
    pub(super) fn unknown(&mut self, area: usize, rule: usize, household: usize) {
        if let Some(g) = self.group_of[rule] {
            self.unknown[area * self.groups + g].push(household as u32);
        }
    }

    /// The households of `area` that cannot tell of a rule of shared
    /// project `g` (with repeats).
    pub(super) fn unknown_of(&self, area: usize, g: usize) -> &[u32] {
        &self.unknown[area * self.groups + g]
    }

    /// The project rules of shared project `g` share in area `a`, where
    /// more than one of them fired, with the area, the phase of their
    /// category and the households asked any of them: led by the most
    /// severe rule that fired (the first of them on a tie), its counts
    /// those of the shared project: each household once, unknown the
    /// households that cannot tell for one and have none fired, the cost
    /// at the highest unit cost. With its households when given, and
    /// what they said when `with_said`.
    pub(super) fn project(
        &self,
        g: usize,
        (sums, a, rules): (&Sums, usize, &[Rule]),
        (area, phase, surveyed): (Arc<Area>, u8, i64),
        households: Option<Vec<usize>>,
        with_said: bool,
    ) -> Project {
        let layout = &sums.layout;
        let cells = sums.area(a);
        let fired = || {
            let members = self.members(g).iter().copied();
            members.filter(|&r| cells[layout.rule(r, AFFECTED)] > 0)
        };
        let lead = fired()
            .max_by(|&x, &y| rules[x].severity.cmp(&rules[y].severity).then(y.cmp(&x)))
            .unwrap_or(self.members[g][0]);
        let unit = fired()
            .filter_map(|r| rules[r].unit_cost)
            .max_by(f64::total_cmp);
        let affected = cells[layout.group(g, G_AFFECTED)];
        Project {
            area,
            rule: lead,
            also: fired().filter(|&r| r != lead).collect(),
            affected,
            households: households.unwrap_or_default(),
            surveyed,
            registered: cells[REGISTERED],
            people: cells[layout.group(g, G_PEOPLE)],
            phase,
            cost: unit.map(|c| c * affected as f64),
            persons: None,
            unknown: cells[layout.group(g, G_UNTOLD)],
            perceived: with_said.then(|| Perceived {
                answered: cells[layout.group(g, G_ANSWERED)],
                urgent: cells[layout.group(g, G_SAID)],
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::survey::Label;

    fn rule(name: &str, severity: u8, project: &str, cost: f64) -> Rule {
        Rule {
            survey: "water".into(),
            name: name.into(),
            category: "water".into(),
            severity,
            project: Some(Label::plain(project)),
            unit_cost: Some(cost),
            per_person: false,
        }
    }

    /// Village A: 6 households. Illness (severity 5) fires on 1 and 2,
    /// cloudy water (3) on 2, 3 and 4, both naming "treatment"; a third
    /// rule on 1 names another project. Household 6 cannot tell whether
    /// its water makes anyone ill. Village B: only cloudy water, on 7.
    fn county(rules: &[Rule]) -> Vec<Project> {
        let households: Vec<Household> = (1..=8)
            .map(|n| Household {
                code: format!("h{n}").into(),
                township: "t".into(),
                village: if n <= 6 { "A" } else { "B" }.into(),
                group: "".into(),
                members: n,
            })
            .collect();
        let mut tally = Tally::of(&households, rules, By::Village);
        let hits: [&[usize]; 8] = [&[0, 2], &[0, 1], &[1], &[1], &[], &[], &[1], &[]];
        for (h, hits) in hits.iter().enumerate() {
            tally.add(h, "water", hits);
        }
        tally.add_detail(5, 0, 0, true);
        tally.rank(&households)
    }

    #[test]
    fn rules_sharing_a_project_make_one_project_counting_each_household_once() {
        let rules = vec![
            rule("illness", 5, "treatment", 800.0),
            rule("cloudy", 3, "treatment", 600.0),
            rule("far", 3, "pipes", 2500.0),
        ];
        let projects = county(&rules);
        let a: Vec<&Project> = projects.iter().filter(|p| p.area.village == "A").collect();
        assert_eq!(a.len(), 2, "treatment once, pipes once: {a:?}");
        let treatment = a.iter().find(|p| p.rule == 0).expect("treatment");
        assert_eq!(treatment.also, vec![1]);
        assert_eq!(treatment.households, vec![0, 1, 2, 3], "h2 once");
        assert_eq!(treatment.people, 1 + 2 + 3 + 4);
        assert_eq!(treatment.surveyed, 6);
        assert_eq!(treatment.unknown, 1, "h6 cannot tell and has neither");
        assert_eq!(treatment.cost, Some(800.0 * 4.0), "the higher unit cost");
        assert_eq!(treatment.rules().collect::<Vec<_>>(), vec![0, 1]);
        // Where only one of the rules fires, the project is that rule's.
        let b: Vec<&Project> = projects.iter().filter(|p| p.area.village == "B").collect();
        assert_eq!(b.len(), 1);
        assert_eq!((b[0].rule, b[0].also.len(), b[0].affected), (1, 0, 1));
    }

    #[test]
    fn the_share_of_a_shared_project_counts_every_household_asked_any_of_its_rules() {
        let rules = vec![
            rule("illness", 5, "treatment", 800.0),
            rule("cloudy", 3, "treatment", 600.0),
            rule("smell", 3, "treatment", 600.0),
        ];
        let households: Vec<Household> = (1..=6)
            .map(|n| Household {
                code: format!("h{n}").into(),
                township: "t".into(),
                village: "A".into(),
                group: "".into(),
                members: 1,
            })
            .collect();
        let mut tally = Tally::of(&households, &rules, By::Village);
        // h1–h5 answered a version with every rule; h6 an older one that
        // asks only about the smell, and could not tell.
        tally.add_asked(0, &[0, 1, 2], &[0]);
        tally.add_asked(1, &[0, 1, 2], &[1]);
        for h in 2..5 {
            tally.add_asked(h, &[0, 1, 2], &[]);
        }
        tally.add_asked(5, &[2], &[]);
        tally.add_detail(5, 2, 0, true);
        let projects = tally.rank(&households);
        assert_eq!(projects.len(), 1);
        let p = &projects[0];
        assert_eq!((p.rule, p.also.clone()), (0, vec![1]));
        // Six asked about the project, one of them cannot tell: 2 of 5.
        assert_eq!((p.surveyed, p.unknown, p.affected), (6, 1, 2));
        assert!((p.share() - 0.4).abs() < 1e-9);
    }

    #[test]
    fn rules_of_other_projects_or_counted_per_person_stay_apart() {
        let mut rules = vec![
            rule("illness", 5, "treatment", 800.0),
            rule("cloudy", 3, "filters", 600.0),
            rule("far", 3, "pipes", 2500.0),
        ];
        let apart = county(&rules);
        assert_eq!(apart.iter().filter(|p| p.area.village == "A").count(), 3);
        assert!(apart.iter().all(|p| p.also.is_empty()));
        rules[1] = rule("cloudy", 3, "treatment", 600.0);
        rules[1].per_person = true;
        let per_person = county(&rules);
        assert_eq!(
            per_person.iter().filter(|p| p.area.village == "A").count(),
            3
        );
        // The same project named in another questionnaire is another one.
        rules[1].per_person = false;
        rules[1].survey = "health".into();
        let other = county(&rules);
        assert!(other.iter().all(|p| p.also.is_empty()));
    }
}

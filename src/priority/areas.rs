//! Each area at a glance: households registered and surveyed, the
//! households with any urgent need (each counted once, whatever the
//! number of its needs), and the phase of every category.

use super::sums::{REGISTERED, SURVEYED, Sums, URGENT};
use super::{Area, Tally};

/// The severity from which a need is an urgent difficulty (急难).
pub const URGENT_SEVERITY: u8 = 3;

/// One area at a glance.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaSummary {
    pub area: Area,
    /// Households registered in the area.
    pub registered: i64,
    /// Households with a counted interview of any questionnaire.
    pub surveyed: i64,
    /// Households with a fired rule of severity 3 or more, of any
    /// category, each counted once.
    pub urgent: i64,
    /// The phase of each category surveyed in the area, by category id,
    /// in the rules' order.
    pub phases: Vec<(String, u8)>,
}

impl AreaSummary {
    /// urgent / surveyed.
    pub fn urgent_share(&self) -> f64 {
        if self.surveyed == 0 {
            0.0
        } else {
            self.urgent as f64 / self.surveyed as f64
        }
    }

    /// Few households surveyed, or fewer than half of those registered.
    pub fn low_reliability(&self) -> bool {
        super::low_reliability(self.surveyed, self.registered)
    }

    /// The phase of `category`, when surveyed here.
    pub fn phase(&self, category: &str) -> Option<u8> {
        self.phases
            .iter()
            .find(|(c, _)| c == category)
            .map(|&(_, p)| p)
    }
}

/// How many of `areas` are at each phase of `category`, 1 to 5 (those
/// not surveyed for it left out).
pub fn at_each_phase<'a>(areas: impl Iterator<Item = &'a AreaSummary>, category: &str) -> [i64; 5] {
    let mut counts = [0; 5];
    for a in areas {
        if let Some(p) = a.phase(category) {
            counts[usize::from(p.clamp(1, 5)) - 1] += 1;
        }
    }
    counts
}

impl Tally<'_> {
    /// Each area of `sums` (laid out as this tally's), in the order of
    /// their names.
    pub fn summaries_of(&self, sums: &Sums) -> Vec<AreaSummary> {
        let mut out: Vec<AreaSummary> = sums
            .areas
            .iter()
            .enumerate()
            .map(|(a, area)| {
                let cells = sums.area(a);
                AreaSummary {
                    area: (**area).clone(),
                    registered: cells[REGISTERED],
                    surveyed: cells[SURVEYED],
                    urgent: cells[URGENT],
                    phases: sums
                        .phases(a, self.phase_share)
                        .into_iter()
                        .enumerate()
                        .filter_map(|(c, p)| Some((sums.layout.categories[c].clone(), p?)))
                        .collect(),
                }
            })
            .collect();
        out.sort_by(|a, b| a.area.cmp(&b.area));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    #[test]
    fn a_household_with_several_urgent_needs_counts_once() {
        let rule = |name: &str, category: &str, severity: u8| Rule {
            survey: category.into(),
            name: name.into(),
            category: category.into(),
            severity,
            project: None,
            unit_cost: None,
            per_person: false,
        };
        let rules = vec![
            rule("surface", "water", 4),
            rule("far", "water", 3),
            rule("grade_d", "housing", 5),
            rule("crowded", "housing", 2),
        ];
        let households: Vec<Household> = (1..=5)
            .map(|n| Household {
                code: format!("h{n}").into(),
                township: "t".into(),
                village: "A".into(),
                group: "".into(),
                members: 3,
            })
            .collect();
        let mut tally = Tally::of(&households, &rules, By::Village);
        // h1: three urgent needs in two categories; h2: only a stressed
        // one (2); h3: nothing; h4: cannot tell; h5: not surveyed.
        tally.add(0, "water", &[0, 1]);
        tally.add(0, "housing", &[2]);
        tally.add(1, "housing", &[3]);
        tally.add(2, "water", &[]);
        tally.add(3, "water", &[]);
        tally.add_detail(3, 0, 0, true);
        let (summaries, _) = tally.ranked(&households);
        assert_eq!(summaries.len(), 1);
        let a = &summaries[0];
        assert_eq!((a.registered, a.surveyed, a.urgent), (5, 4, 1));
        assert_eq!(a.urgent_share(), 0.25);
        // Water: h1 at 4 of three households told (h4 is left out): 33%.
        assert_eq!(a.phase("water"), Some(4));
        assert_eq!(a.phase("housing"), Some(5));
        assert_eq!(a.phase("health"), None);
    }
}

//! Properties of the ranking and the budget choice on random counties:
//! the ranking does not depend on the order of households or interviews,
//! the exact method never loses to the greedy one, and what is funded
//! never costs more than the budget.

use minqing::priority::budget::{Method, choose_with};
use minqing::priority::{By, Household, Observation, Project, Rule, rank};
use proptest::prelude::*;

fn rules() -> Vec<Rule> {
    let r = |survey: &str, name: &str, category: &str, severity: u8, cost: Option<f64>| Rule {
        survey: survey.into(),
        name: name.into(),
        category: category.into(),
        severity,
        project: None,
        unit_cost: cost,
        per_person: false,
    };
    vec![
        r("water", "far", "water", 3, Some(1500.0)),
        r("water", "surface", "water", 4, Some(3000.0)),
        r("water", "illness", "water", 5, Some(800.0)),
        r("housing", "grade_d", "housing", 5, Some(40_000.0)),
        r("housing", "crowded", "housing", 2, Some(10_000.0)),
        r("health", "uninsured", "health", 4, Some(400.0)),
        r("health", "unsigned", "health", 3, None),
    ]
}

const SURVEYS: [&str; 3] = ["water", "housing", "health"];

fn county() -> impl Strategy<Value = (Vec<Household>, Vec<Observation>)> {
    prop::collection::vec((0usize..4, 0usize..3, 1i64..8), 1..40).prop_flat_map(|hh| {
        let households: Vec<Household> = hh
            .iter()
            .enumerate()
            .map(|(n, (village, group, members))| Household {
                code: format!("H{n:03}").into(),
                township: if *village < 2 {
                    "甲乡".into()
                } else {
                    "乙镇".into()
                },
                village: format!("村{village}").into(),
                group: format!("{group}组").into(),
                members: *members,
            })
            .collect();
        let count = households.len();
        let observations = prop::collection::vec(
            (0..count, 0usize..3, prop::collection::vec(any::<bool>(), 7)),
            0..80,
        )
        .prop_map(move |raw| {
            let rules = rules();
            let mut seen = std::collections::HashSet::new();
            raw.into_iter()
                .filter(|(h, s, _)| seen.insert((*h, *s)))
                .map(|(household, s, fired)| Observation {
                    household,
                    survey: SURVEYS[s].into(),
                    hits: (0..rules.len())
                        .filter(|&r| fired[r] && rules[r].survey == SURVEYS[s])
                        .collect(),
                })
                .collect::<Vec<_>>()
        });
        (Just(households), observations)
    })
}

/// A project as plain values, independent of input positions.
fn portable(
    p: &Project,
    households: &[Household],
) -> (
    String,
    String,
    String,
    usize,
    Vec<String>,
    i64,
    i64,
    i64,
    u8,
) {
    (
        p.area.township.clone(),
        p.area.village.clone(),
        p.area.group.clone(),
        p.rule,
        p.households
            .iter()
            .map(|&h| households[h].code.to_string())
            .collect(),
        p.surveyed,
        p.registered,
        p.people,
        p.phase,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn ranking_does_not_depend_on_input_order(
        (households, observations) in county(),
        seed in any::<u64>(),
        by in prop::sample::select(vec![By::Village, By::Group, By::Township]),
    ) {
        let rules = rules();
        let first: Vec<_> = rank(&households, &rules, &observations, by)
            .iter()
            .map(|p| portable(p, &households))
            .collect();
        // Shuffle households (remapping observations) and observations.
        let n = households.len();
        let mut order: Vec<usize> = (0..n).collect();
        let mut state = seed | 1;
        for i in (1..n).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let shuffled: Vec<Household> = order.iter().map(|&i| households[i].clone()).collect();
        let position: Vec<usize> = {
            let mut p = vec![0; n];
            for (new, &old) in order.iter().enumerate() {
                p[old] = new;
            }
            p
        };
        let mut moved: Vec<Observation> = observations
            .iter()
            .map(|o| Observation { household: position[o.household], ..o.clone() })
            .collect();
        moved.reverse();
        let second: Vec<_> = rank(&shuffled, &rules, &moved, by)
            .iter()
            .map(|p| portable(p, &shuffled))
            .collect();
        prop_assert_eq!(first, second);
    }

    #[test]
    fn exact_never_loses_to_greedy_and_budgets_hold(
        (households, observations) in county(),
        budget in 0.0f64..200_000.0,
    ) {
        let rules = rules();
        let projects = rank(&households, &rules, &observations, By::Village);
        let exact = choose_with(&projects, &rules, budget, u64::MAX);
        let greedy = choose_with(&projects, &rules, budget, 0);
        prop_assert_eq!(exact.method, Method::Exact);
        prop_assert!(exact.benefit >= greedy.benefit, "exact {} < greedy {}", exact.benefit, greedy.benefit);
        for choice in [&exact, &greedy] {
            prop_assert!(choice.cost <= budget + 1e-6, "funded {} over budget {}", choice.cost, budget);
            prop_assert!(choice.remaining >= -1e-6);
            for &i in &choice.funded {
                prop_assert!(projects[i].cost.is_some(), "an uncosted project was funded");
            }
        }
    }
}

//! A small county computed by hand: three villages, four rules.

use super::budget::{Method, choose, choose_with};
use super::*;

fn rule(survey: &str, name: &str, category: &str, severity: u8, unit_cost: f64) -> Rule {
    Rule {
        survey: survey.into(),
        name: name.into(),
        category: category.into(),
        severity,
        project: None,
        unit_cost: Some(unit_cost),
        per_person: false,
    }
}

fn rules() -> Vec<Rule> {
    vec![
        rule("water", "far", "water", 3, 1500.0),
        rule("water", "surface", "water", 4, 2000.0),
        rule("housing", "grade_d", "housing", 5, 40_000.0),
        rule("health", "clinic_far", "health", 2, 300.0),
    ]
}

/// Village A: 10 households, all surveyed. B: 3, all surveyed. C: 10
/// registered, 4 surveyed for water.
fn county() -> (Vec<Household>, Vec<Observation>) {
    let mut households = Vec::new();
    let mut add = |village: &str, code: String, members: i64| {
        households.push(Household {
            code: code.into(),
            township: "勐烈镇".into(),
            village: village.into(),
            group: "".into(),
            members,
        });
    };
    for n in 1..=10 {
        add("A", format!("a{n:02}"), if n == 1 { 5 } else { 4 });
    }
    for (n, m) in [(1, 2), (2, 6), (3, 3)] {
        add("B", format!("b{n}"), m);
    }
    for n in 1..=10 {
        add("C", format!("c{n:02}"), 3);
    }
    let mut obs = Vec::new();
    let mut see = |household: usize, survey: &str, hits: Vec<usize>| {
        obs.push(Observation {
            household,
            survey: survey.into(),
            hits,
        });
    };
    for h in 0..10 {
        let water = match h {
            0 => vec![0, 1],
            1 | 2 => vec![0],
            _ => vec![],
        };
        see(h, "water", water);
        see(h, "housing", if h == 4 { vec![2] } else { vec![] });
        see(h, "health", if h < 4 { vec![3] } else { vec![] });
    }
    see(10, "water", vec![1]);
    see(11, "water", vec![1]);
    see(12, "water", vec![]);
    for h in 13..17 {
        see(h, "water", if h == 13 { vec![0] } else { vec![] });
    }
    (households, obs)
}

type Row = (
    &'static str,
    &'static str,
    u8,
    i64,
    i64,
    i64,
    i64,
    String,
    Option<f64>,
    bool,
);

fn table(projects: &[Project], rules: &[Rule]) -> Vec<Row> {
    projects
        .iter()
        .map(|p| {
            let village: &'static str = match p.area.village.as_str() {
                "A" => "A",
                "B" => "B",
                _ => "C",
            };
            let name: &'static str = match rules[p.rule].name.as_str() {
                "far" => "far",
                "surface" => "surface",
                "grade_d" => "grade_d",
                _ => "clinic_far",
            };
            (
                village,
                name,
                p.phase,
                p.affected,
                p.surveyed,
                p.registered,
                p.people,
                format!("{:.3}", p.share()),
                p.cost,
                p.low_reliability(),
            )
        })
        .collect()
}

#[test]
fn the_hand_computed_county() {
    let (households, obs) = county();
    let rules = rules();
    let projects = rank(&households, &rules, &obs, By::Village);
    assert_eq!(
        table(&projects, &rules),
        vec![
            (
                "B",
                "surface",
                4,
                2,
                3,
                3,
                8,
                "0.667".to_string(),
                Some(4000.0),
                true
            ),
            (
                "A",
                "surface",
                3,
                1,
                10,
                10,
                5,
                "0.100".to_string(),
                Some(2000.0),
                false
            ),
            (
                "A",
                "far",
                3,
                3,
                10,
                10,
                13,
                "0.300".to_string(),
                Some(4500.0),
                false
            ),
            (
                "C",
                "far",
                3,
                1,
                4,
                10,
                3,
                "0.250".to_string(),
                Some(1500.0),
                true
            ),
            (
                "A",
                "clinic_far",
                2,
                4,
                10,
                10,
                17,
                "0.400".to_string(),
                Some(1200.0),
                false
            ),
            (
                "A",
                "grade_d",
                1,
                1,
                10,
                10,
                4,
                "0.100".to_string(),
                Some(40_000.0),
                false
            ),
        ]
    );
    let codes: Vec<&str> = projects[2]
        .households
        .iter()
        .map(|&h| &*households[h].code)
        .collect();
    assert_eq!(
        codes,
        ["a01", "a02", "a03"],
        "every rank traces to its households"
    );
}

#[test]
fn phases_follow_the_twenty_percent_rule() {
    let (households, obs) = county();
    let phases = phases(&households, &rules(), &obs, By::Village);
    let at = |v: &str, c: &str| {
        phases[&(
            Area {
                township: "勐烈镇".into(),
                village: v.into(),
                group: String::new(),
            },
            c.to_string(),
        )]
    };
    assert_eq!(at("A", "water"), 3, "10% at 4, 30% at 3 or worse");
    assert_eq!(at("B", "water"), 4);
    assert_eq!(at("C", "water"), 3, "1 of 4 surveyed is 25%");
    assert_eq!(at("A", "housing"), 1, "10% is below the 20% rule");
    assert_eq!(at("A", "health"), 2);
}

#[test]
fn budgets_fund_life_safety_first_then_the_best_set() {
    let (households, obs) = county();
    let rules = rules();
    let projects = rank(&households, &rules, &obs, By::Village);
    let small = choose(&projects, &rules, 6000.0);
    assert_eq!(small.method, Method::Exact);
    assert_eq!(
        small.funded,
        [0, 1],
        "B surface and A surface: benefit 6 for 6,000 yuan"
    );
    assert_eq!(
        (small.cost, small.benefit, small.remaining),
        (6000.0, 6, 0.0)
    );
    let large = choose(&projects, &rules, 50_000.0);
    assert_eq!(
        large.funded,
        [0, 2, 3, 5],
        "the grade-D rebuild first, then the best 10,000 yuan"
    );
    assert_eq!(
        (large.cost, large.benefit, large.remaining),
        (50_000.0, 11, 0.0)
    );
    let greedy = choose_with(&projects, &rules, 6000.0, 0);
    assert_eq!(greedy.method, Method::Greedy);
    assert!(greedy.benefit <= small.benefit);
}

#[test]
fn one_more_yuan_never_gives_a_worse_plan() {
    let (households, obs) = county();
    let rules = rules();
    let projects = rank(&households, &rules, &obs, By::Village);
    let mut last = 0;
    for budget in [
        5999.0,
        6000.0,
        6001.0,
        6999.0,
        10_000.0,
        10_000_000.0,
        10_000_001.0,
    ] {
        let c = choose(&projects, &rules, budget);
        assert_eq!(c.method, Method::Exact, "{budget} yuan");
        assert!(
            c.benefit >= last,
            "{budget} yuan gives less than a smaller budget"
        );
        assert!(c.cost <= budget);
        last = c.benefit;
    }
    assert_eq!(
        choose(&projects, &rules, 6001.0).funded,
        choose(&projects, &rules, 6000.0).funded
    );
}

#[test]
fn costs_without_a_common_step_are_chosen_exactly_over_the_benefit() {
    let (households, obs) = county();
    // Unit costs that share no step: over the budget, a table of every
    // yuan; over the benefit, a small one.
    let rules: Vec<Rule> = rules()
        .into_iter()
        .enumerate()
        .map(|(n, mut r)| {
            r.unit_cost = r.unit_cost.map(|c| c + 1.0 + n as f64);
            r
        })
        .collect();
    let projects = rank(&households, &rules, &obs, By::Village);
    let by_cost = choose_with(&projects, &rules, 9000.0, u64::MAX);
    let by_benefit = choose_with(&projects, &rules, 9000.0, 200);
    assert_eq!(by_benefit.method, Method::Exact);
    assert_eq!(by_benefit.benefit, by_cost.benefit);
    assert!(by_benefit.cost <= 9000.0);
}

#[test]
fn groups_and_townships() {
    let (households, obs) = county();
    let rules = rules();
    let by_township = rank(&households, &rules, &obs, By::Township);
    let surface = by_township
        .iter()
        .find(|p| rules[p.rule].name == "surface")
        .expect("project");
    assert_eq!(
        (surface.affected, surface.surveyed, surface.registered),
        (3, 17, 23)
    );
    assert_eq!(surface.area.village, "");
}

#[test]
fn a_rule_missing_from_a_version_is_not_counted_as_no_problem() {
    let (households, _) = county();
    let rules = rules();
    let mut tally = Tally::of(&households, &rules, By::Village);
    // Village A: households 0-4 answered a version with both water rules,
    // 5-9 an older version without "surface".
    for h in 0..10 {
        let asked: &[usize] = if h < 5 { &[0, 1] } else { &[0] };
        let hits: &[usize] = if h == 0 { &[1] } else { &[] };
        tally.add_asked(h, asked, hits);
    }
    let projects = tally.rank(&households);
    let surface = projects
        .iter()
        .find(|p| rules[p.rule].name == "surface")
        .expect("project");
    assert_eq!(
        (surface.affected, surface.surveyed),
        (1, 5),
        "only households asked count in n"
    );
    assert_eq!(
        surface.phase, 1,
        "the category was asked of all 10: 1 of 10 is below 20%"
    );
}

#[test]
fn a_rule_per_person_counts_persons_and_costs_per_person_and_unknowns_leave_the_share() {
    let (households, _) = county();
    let mut rules = rules();
    rules[1].per_person = true;
    let mut tally = Tally::of(&households, &rules, By::Village);
    // Village A, households 0-9, asked both water rules. "surface" fired
    // on 0 (2 persons) and 1 (1 person); it cannot be told for 2 and 3.
    for h in 0..10 {
        let hits: &[usize] = if h < 2 { &[1] } else { &[] };
        tally.add_asked(h, &[0, 1], hits);
        match h {
            0 => tally.add_detail(h, 1, 2, false),
            1 => tally.add_detail(h, 1, 1, false),
            2 | 3 => tally.add_detail(h, 1, 0, true),
            _ => {}
        }
    }
    let projects = tally.rank(&households);
    let surface = projects
        .iter()
        .find(|p| rules[p.rule].name == "surface")
        .expect("project");
    assert_eq!(surface.affected, 2);
    assert_eq!(surface.persons, Some(3));
    assert_eq!(surface.unknown, 2);
    assert_eq!(surface.surveyed, 10);
    assert!(
        (surface.share() - 2.0 / 8.0).abs() < 1e-12,
        "k / (n - unknown)"
    );
    assert_eq!(surface.cost, Some(3.0 * 2000.0), "unit cost per person");
    // The phase: 2 of the 8 households that can be told are at severity 4.
    assert_eq!(surface.phase, 4);
}

#[test]
fn why_a_project_ranks_where_it_does_is_said_in_both_languages() {
    let why = why_ranked("water", 4, 2);
    assert!(
        why.zh
            .contains("至少 20% 的调查户有严重程度 4 或更高的饮水安全问题"),
        "{}",
        why.zh
    );
    assert!(
        why.zh
            .contains("严重程度 2 的项目因此排在阶段更低的村里严重程度更高的项目之前")
    );
    assert!(
        why.en
            .contains("a drinking water problem of severity 4 or more, so the phase is 4")
    );
    let top = why_ranked("roads", 5, 5);
    assert!(
        !top.en.contains("higher severity"),
        "nothing ranks higher: {}",
        top.en
    );
    let none = why_ranked("housing", 1, 3);
    assert!(none.zh.contains("阶段为 1"), "{}", none.zh);
    assert_eq!(
        category_name("custom_thing", crate::i18n::Lang::Zh),
        "custom_thing"
    );
}

#[test]
fn weights_move_a_category_up_and_the_documented_method_has_none() {
    let (households, obs) = county();
    let rules = rules();
    let plain = rank(&households, &rules, &obs, By::Village);
    let weighted = {
        let method = RankMethod {
            weights: vec![("health".into(), 4.0)],
            ..RankMethod::default()
        };
        let mut tally = Tally::of(&households, &rules, By::Village).with_method(&method);
        for o in &obs {
            tally.add(o.household, &o.survey, &o.hits);
        }
        tally.rank(&households)
    };
    let first_health = |list: &[Project]| {
        list.iter()
            .position(|p| rules[p.rule].category == "health")
            .expect("a health project")
    };
    assert!(first_health(&weighted) < first_health(&plain));
    assert_eq!(
        weighted.len(),
        plain.len(),
        "the same projects, in another order"
    );
    let unweighted = {
        let mut tally =
            Tally::of(&households, &rules, By::Village).with_method(&RankMethod::default());
        for o in &obs {
            tally.add(o.household, &o.survey, &o.hits);
        }
        tally.rank(&households)
    };
    assert_eq!(unweighted, plain);
}

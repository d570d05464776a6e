use super::*;
use crate::survey::bundled::BUNDLED;
use crate::survey::load;

fn water() -> Survey {
    load(BUNDLED[1].1).survey.expect("water loads")
}

fn facts() -> HouseholdFacts {
    HouseholdFacts {
        members: 4,
        village: "曼贺".into(),
        township: "勐烈镇".into(),
        group: String::new(),
        ..HouseholdFacts::default()
    }
}

#[test]
fn canonical_forms() {
    let s = water();
    let q = |n: &str| s.question(n).expect("question");
    assert_eq!(canonical(&s, q("fetch_minutes"), " ４５ "), Ok("45".into()));
    assert_eq!(
        canonical(&s, q("fetch_minutes"), "700").map_err(|e| e.message.en),
        Err("must be at most 600".into())
    );
    assert_eq!(
        canonical(&s, q("fetch_minutes"), "abc").map_err(|e| e.message.en),
        Err("enter a whole number, for example 12".into())
    );
    assert_eq!(
        canonical(&s, q("quality_problems"), "illness turbid illness"),
        Ok("turbid illness".into())
    );
    assert!(canonical(&s, q("main_source"), "river").is_err());
    // A required multiple choice needs a choice; nothing ticked is an
    // answer only where the question is optional.
    assert!(canonical(&s, q("quality_problems"), "").is_err());
    assert_eq!(
        canonical(&s, q("remarks"), " 水管坏了 "),
        Ok("水管坏了".into())
    );
}

#[test]
fn numbers_in_plain_notation_and_dates_as_people_write_them() {
    let housing = load(BUNDLED[0].1).survey.expect("housing loads");
    let area = housing.question("floor_area").expect("question");
    for (typed, stored) in [
        ("85", "85"),
        ("85.5", "85.5"),
        ("８５．５", "85.5"),
        ("0.25", "0.25"),
    ] {
        assert_eq!(
            canonical(&housing, area, typed),
            Ok(stored.into()),
            "{typed}"
        );
    }
    for typed in ["1e3", "1e-2", "+3", "5.", ".5", "inf", "NaN", "1.2.3", "-"] {
        assert!(canonical(&housing, area, typed).is_err(), "{typed}");
    }
    let s = water();
    let minutes = s.question("fetch_minutes").expect("question");
    assert!(canonical(&s, minutes, "+3").is_err());
    assert!(canonical(&s, minutes, "3.0").is_err());
    // A whole number is stored as the number it is, written plainly.
    for (typed, stored) in [
        ("0", "0"),
        ("007", "7"),
        ("00", "0"),
        ("30", "30"),
        ("600", "600"),
    ] {
        assert_eq!(canonical(&s, minutes, typed), Ok(stored.into()), "{typed}");
    }
    let floors = "[survey]\nid = \"f\"\nversion = \"1\"\ncategory = \"housing\"\ntitle = \"F\"\n\n\
                  [[section]]\nname = \"s\"\n\n[[section.question]]\nname = \"change\"\n\
                  type = \"integer\"\nlabel = \"Change?\"\nmin = -10\n";
    let floors = load(floors).survey.expect("loads");
    let change = floors.question("change").expect("question");
    for (typed, stored) in [("-0", "0"), ("-05", "-5"), ("-5", "-5"), ("-10", "-10")] {
        assert_eq!(
            canonical(&floors, change, typed),
            Ok(stored.into()),
            "{typed}"
        );
    }
    let source = "[survey]\nid = \"t\"\nversion = \"1\"\ncategory = \"water\"\ntitle = \"T\"\n\n\
                  [[section]]\nname = \"s\"\n\n[[section.question]]\nname = \"built\"\n\
                  type = \"date\"\nlabel = \"Built?\"\n";
    let dated = load(source).survey.expect("loads");
    let built = dated.question("built").expect("question");
    for typed in [
        "2025-11-28",
        "2025/11/28",
        "2025.11.28",
        "2025年11月28日",
        "２０２５/11/28",
    ] {
        assert_eq!(
            canonical(&dated, built, typed),
            Ok("2025-11-28".into()),
            "{typed}"
        );
    }
    let refused = canonical(&dated, built, "28/11/2025").map_err(|e| e.message.zh);
    assert_eq!(
        refused,
        Err("日期写作 2026-03-01、2026/3/1、2026.3.1 或 2026年3月1日".into())
    );
}

#[test]
fn constraint_uses_dot_and_message() {
    let s = water();
    let answers = Answers::new();
    let f = facts();
    let state = State::new(&s, &answers, &f);
    let i = s.index_of("quality_problems").expect("question");
    let err = state.accept(i, "none turbid").map_err(|e| e.message.zh);
    assert_eq!(err, Err("选了“以上都没有”就不能再选其他问题".into()));
    assert_eq!(state.accept(i, "none"), Ok("none".into()));
}

/// Schooling as it was before rosters (2026.1): counts of children, whose
/// constraints read each other.
fn schooling() -> Survey {
    load(include_str!("../../tests/old/schooling-2026.1.toml"))
        .survey
        .expect("schooling 2026.1 loads")
}

#[test]
fn failures_check_every_constraint_again() {
    let s = schooling();
    let f = facts();
    let mut answers = Answers::new();
    for (q, a) in [
        ("children_6_15", "3"),
        ("not_attending", "2"),
        ("dropout_reasons", "cost"),
        ("school_minutes", "30"),
        ("boarders", "0"),
        ("route_hazards", "none"),
        ("urgency", "low"),
    ] {
        answers.insert(q.into(), a.into());
    }
    assert_eq!(failures(&s, &answers, &f), []);
    // Fewer children than the ones said to be out of school: the
    // answer to not_attending was accepted once, and fails now.
    answers.insert("children_6_15".into(), "1".into());
    assert_eq!(
        failures(&s, &answers, &f),
        [Failure::Invalid {
            question: "not_attending".into(),
            message: tr!(
                "不能超过 6 到 15 岁孩子的人数",
                "Cannot be more than the children aged 6 to 15"
            ),
        }]
    );
    // A household smaller than the children said (the registry
    // changed): the constraint that reads the household fails too.
    answers.insert("children_6_15".into(), "3".into());
    let small = HouseholdFacts {
        members: 2,
        ..facts()
    };
    let names: Vec<String> = failures(&s, &answers, &small)
        .iter()
        .map(|f| f.question().to_string())
        .collect();
    assert_eq!(names, ["children_6_15"]);
    // Missing answers are listed with the failing ones, in order;
    // a skipped question's stale answer is not.
    answers.insert("children_6_15".into(), "2".into());
    answers.insert("not_attending".into(), "3".into());
    answers.remove("urgency");
    let found = failures(&s, &answers, &f);
    assert_eq!(
        found.iter().map(Failure::question).collect::<Vec<_>>(),
        ["not_attending", "urgency"]
    );
    assert!(matches!(found[1], Failure::Missing { .. }));
    answers.insert("children_6_15".into(), "0".into());
    answers.insert("urgency".into(), "low".into());
    assert_eq!(
        failures(&s, &answers, &f),
        [],
        "not_attending is skipped when there are no children"
    );
}

#[test]
fn stale_answers_do_not_count() {
    let s = water();
    let mut answers = Answers::new();
    answers.insert("main_source".into(), "surface".into());
    answers.insert("fetch_minutes".into(), "45".into());
    let f = facts();
    let hits = |a: &Answers| -> Vec<String> {
        State::new(&s, a, &f)
            .need_hits()
            .iter()
            .map(|n| n.need.name.clone())
            .collect()
    };
    assert_eq!(hits(&answers), ["surface_water", "water_far"]);
    answers.insert("main_source".into(), "piped_home".into());
    assert_eq!(
        hits(&answers),
        Vec::<String>::new(),
        "fetch_minutes is skipped now"
    );
    let state = State::new(&s, &answers, &f);
    assert!(!state.is_relevant(s.index_of("fetch_minutes").expect("q")));
    assert!(
        !state.is_relevant(s.index_of("fetch_climb_m").expect("q")),
        "depends on a skipped question"
    );
    let missing: Vec<String> = state.missing().iter().map(|&q| state.key(q)).collect();
    assert_eq!(
        missing,
        [
            "shortage_days",
            "quality_problems",
            "toilet",
            "handwashing",
            "urgency"
        ]
    );
}

#[test]
fn a_message_shows_the_values_it_names() {
    let s = load(
        r#"
[survey]
id = "t"
version = "1"
category = "health"
languages = ["zh", "en"]
title = "T"

[[section]]
name = "s"

[[section.question]]
name = "sick"
type = "integer"
label = "Sick?"
constraint = ". <= ${household.members}"
constraint_message = { zh = "不能超过 ${household.members} 人(${household.head}家)", en = "at most ${household.members}" }
"#,
    )
    .survey
    .expect("loads");
    let f = HouseholdFacts {
        head: "李明".into(),
        ..facts()
    };
    let answers = Answers::new();
    let state = State::new(&s, &answers, &f);
    let refused = state.accept(0, "9").expect_err("too many");
    assert_eq!(refused.message.zh, "不能超过 4 人(李明家)", "said once");
    assert_eq!(refused.message.en, "at most 4");
    assert_eq!(
        state.fill("${nothing}人", crate::i18n::Lang::Zh),
        "人",
        "empty reads as nothing"
    );
}

#[test]
fn a_constraint_reads_calculations_with_the_answer_being_given() {
    let s = load(
        r#"
[survey]
id = "t"
version = "1"
category = "income"
title = "T"

[[section]]
name = "s"

[[section.question]]
name = "a"
type = "integer"
label = "A?"

[[section.question]]
name = "b"
type = "integer"
label = "B?"
constraint = "${total} <= 100"

[[section.question]]
name = "total"
type = "calculate"
calculation = "${a} + ${b}"
"#,
    )
    .survey
    .expect("loads");
    let f = facts();
    let mut answers = Answers::new();
    answers.insert("a".into(), "30".into());
    let state = State::new(&s, &answers, &f);
    let b = s.index_of("b").expect("b");
    assert_eq!(
        state.accept(b, "50").as_deref(),
        Ok("50"),
        "30 + 50 is within"
    );
    assert!(state.accept(b, "80").is_err(), "30 + 80 is not");
}

#[test]
fn a_rows_answer_is_read_by_its_key_at_any_row() {
    let mut answers = Answers::new();
    let long = "q".repeat(70);
    for row in [1, 9, 10, 123, 4_000_000, u32::MAX] {
        answers.insert(crate::survey::roster::key("age", row), format!("a{row}"));
        answers.insert(crate::survey::roster::key(&long, row), format!("l{row}"));
    }
    answers.insert("age".into(), "outside".into());
    for row in [1, 9, 10, 123, 4_000_000, u32::MAX] {
        assert_eq!(stored(&answers, "age", row), Some(&format!("a{row}")));
        assert_eq!(stored(&answers, &long, row), Some(&format!("l{row}")));
    }
    assert_eq!(stored(&answers, "age", 0), Some(&"outside".to_string()));
    assert_eq!(stored(&answers, "age", 2), None);
    assert_eq!(stored(&answers, "ag", 1), None);
}

//! The five bundled questionnaires: they load with no error and no warning,
//! keep to the shape the project promises (bilingual, 6–12 questions, 3–8
//! need rules, numbers bounded, the household's own view last), and their
//! rules fire on the answers they are meant for.

use std::collections::HashMap;

use minqing::survey::bundled::BUNDLED;
use minqing::survey::expr::HouseholdField;
use minqing::survey::expr::eval::{Env, Value, holds};
use minqing::survey::{QuestionKind, Survey, load};

fn survey(id: &str) -> Survey {
    let (path, text) = BUNDLED
        .iter()
        .find(|(p, _)| p.ends_with(&format!("/{id}.toml")))
        .expect("bundled survey");
    load(text).survey.unwrap_or_else(|| panic!("{path} loads"))
}

struct Answers {
    answers: HashMap<&'static str, Value<'static>>,
    members: f64,
}

impl<'a> Env<'a> for Answers {
    fn question(&self, name: &str) -> Value<'a> {
        self.answers.get(name).cloned().unwrap_or(Value::Empty)
    }
    fn household(&self, field: HouseholdField) -> Value<'a> {
        match field {
            HouseholdField::Members => Value::Number(self.members),
            _ => Value::Text("勐烈".into()),
        }
    }
    fn dot(&self) -> Value<'a> {
        Value::Empty
    }
    fn started_at(&self) -> i64 {
        0
    }
}

fn answers(pairs: &[(&'static str, &str)]) -> Answers {
    let answers = pairs
        .iter()
        .map(|(k, v)| {
            let value = v
                .parse::<f64>()
                .map_or(Value::Text(v.to_string().into()), Value::Number);
            (*k, value)
        })
        .collect();
    Answers {
        answers,
        members: 4.0,
    }
}

fn fired(survey: &Survey, env: &Answers) -> Vec<String> {
    survey
        .needs
        .iter()
        .filter(|n| holds(&n.when.ast, env))
        .map(|n| n.name.clone())
        .collect()
}

fn relevant(survey: &Survey, question: &str, env: &Answers) -> bool {
    let section = survey
        .sections
        .iter()
        .find(|s| s.questions.iter().any(|q| q.name == question))
        .expect("question exists");
    let q = survey.question(question).expect("question exists");
    section
        .relevant
        .iter()
        .chain(q.relevant.iter())
        .all(|e| holds(&e.ast, env))
}

#[test]
fn every_bundled_survey_loads_without_any_diagnostic() {
    assert_eq!(BUNDLED.len(), 5);
    for (path, text) in BUNDLED {
        let loaded = load(text);
        assert!(
            loaded.diagnostics.is_empty(),
            "{path}: {:#?}",
            loaded.diagnostics
        );
        let s = loaded.survey.expect("loads");
        assert_eq!(s.languages, ["zh", "en"], "{path}");
        assert_eq!(path, format!("surveys/{}.toml", s.id));
        let on_disk = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
            .expect("the file is in the repository");
        assert_eq!(on_disk, text, "the binary embeds the file as it is");
    }
}

#[test]
fn bundled_surveys_keep_their_promised_shape() {
    for id in ["housing", "water", "roads", "schooling", "health"] {
        let s = survey(id);
        let questions = s.questions().filter(|q| q.kind.is_answered()).count();
        assert!((6..=13).contains(&questions), "{id}: {questions} questions");
        assert!(
            (3..=8).contains(&s.needs.len()),
            "{id}: {} needs",
            s.needs.len()
        );
        for q in s.questions().filter(|q| q.kind.is_numeric()) {
            assert!(
                q.min.is_some() && q.max.is_some(),
                "{id}.{} is bounded",
                q.name
            );
        }
        for n in &s.needs {
            assert!(
                n.project.is_some() && n.unit_cost.is_some(),
                "{id}.{}",
                n.name
            );
            assert_eq!(
                n.category, id,
                "{id}.{} keeps the survey's category",
                n.name
            );
        }
        let last = s.sections.last().expect("sections");
        let urgency = last.questions.iter().find(|q| q.name == "urgency");
        assert!(
            urgency.is_some_and(|q| q.kind == QuestionKind::SelectOne && q.required),
            "{id} ends with the household's own rating"
        );
        assert_eq!(s.choices_of(urgency.expect("urgency")).len(), 5);
    }
}

#[test]
fn water_rules_and_skip_logic() {
    let s = survey("water");
    let piped = answers(&[
        ("main_source", "piped_home"),
        ("shortage_days", "0"),
        ("quality_problems", "none"),
        ("toilet", "flush"),
        ("handwashing", "water_soap"),
    ]);
    assert!(fired(&s, &piped).is_empty());
    assert!(
        !relevant(&s, "fetch_minutes", &piped),
        "no fetching when water is piped home"
    );
    let climb = answers(&[
        ("main_source", "protected_well"),
        ("fetch_minutes", "15"),
        ("fetch_climb_m", "120"),
    ]);
    assert_eq!(fired(&s, &climb), ["water_far"], "80 m of climb is far");
    let river = answers(&[
        ("main_source", "surface"),
        ("fetch_minutes", "45"),
        ("shortage_days", "60"),
        ("quality_problems", "turbid illness"),
        ("toilet", "open_pit"),
        ("handwashing", "none"),
    ]);
    assert!(relevant(&s, "fetch_minutes", &river));
    assert_eq!(
        fired(&s, &river),
        [
            "surface_water",
            "water_far",
            "water_shortage",
            "water_illness",
            "water_quality",
            "no_toilet",
            "no_handwashing"
        ]
    );
    let unknown = answers(&[("main_source", "surface")]);
    assert_eq!(
        fired(&s, &unknown),
        ["surface_water"],
        "unanswered questions never fire a rule"
    );
}

#[test]
fn housing_rules_and_skip_logic() {
    let s = survey("housing");
    let safe = answers(&[
        ("appraisal_grade", "grade_a"),
        ("structure", "brick"),
        ("floor_area", "120"),
        ("defects", "none"),
        ("disaster_damage", "no"),
    ]);
    assert!(fired(&s, &safe).is_empty());
    assert!(!relevant(&s, "lives_in_safe_house", &safe));
    let grade_d = answers(&[
        ("appraisal_grade", "grade_d"),
        ("structure", "earth"),
        ("floor_area", "30"),
        ("defects", "wall_cracks beams"),
        ("disaster_damage", "no"),
        ("lives_in_safe_house", "no"),
    ]);
    assert!(relevant(&s, "lives_in_safe_house", &grade_d));
    assert_eq!(
        fired(&s, &grade_d),
        ["grade_d_occupied", "earth_or_shack", "crowded"]
    );
    let moved = answers(&[
        ("appraisal_grade", "grade_d"),
        ("structure", "earth"),
        ("floor_area", "80"),
        ("defects", "none"),
        ("disaster_damage", "no"),
        ("lives_in_safe_house", "yes"),
    ]);
    assert_eq!(
        fired(&s, &moved),
        ["earth_or_shack"],
        "a family living in a safe house needs no rebuilding"
    );
    let screening = answers(&[
        ("appraisal_grade", "not_appraised"),
        ("structure", "brick"),
        ("floor_area", "80"),
        ("defects", "roof_leak"),
        ("disaster_damage", "no"),
        ("lives_in_safe_house", "no"),
    ]);
    assert_eq!(fired(&s, &screening), ["needs_appraisal"]);
}

#[test]
fn roads_rules() {
    let s = survey("roads");
    let remote = answers(&[
        ("path_surface", "footpath"),
        ("road_distance_m", "3500"),
        ("months_cut_off", "2"),
        ("bus_within_2km", "no"),
        ("unsafe_crossings", "river cliff"),
    ]);
    assert_eq!(
        fired(&s, &remote),
        [
            "unsafe_crossing",
            "road_far",
            "cut_off",
            "dangerous_section",
            "path_unhardened",
            "no_bus"
        ]
    );
    assert!(relevant(&s, "crossing_note", &remote));
    let fine = answers(&[
        ("path_surface", "hardened"),
        ("road_distance_m", "0"),
        ("months_cut_off", "0"),
        ("bus_within_2km", "yes"),
        ("unsafe_crossings", "none"),
    ]);
    assert!(fired(&s, &fine).is_empty());
    assert!(!relevant(&s, "crossing_note", &fine));
}

/// The engine's reading of `pairs` (answer keys, rows as `name[n]`) for a
/// household of four: the rules that fire, with persons for a rule counted
/// per row, and whether a slot is asked.
struct Read {
    survey: Survey,
    answers: minqing::interview::Answers,
    facts: minqing::interview::HouseholdFacts,
}

impl Read {
    fn new(survey: Survey, pairs: &[(&str, &str)]) -> Read {
        Read {
            survey,
            answers: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            facts: minqing::interview::HouseholdFacts {
                members: 4,
                ..Default::default()
            },
        }
    }

    fn state(&self) -> minqing::interview::State<'_> {
        minqing::interview::State::new(&self.survey, &self.answers, &self.facts)
    }

    fn fired(&self) -> Vec<String> {
        self.state()
            .need_hits()
            .iter()
            .map(|h| match h.outcome {
                minqing::interview::Outcome::Affected { persons: Some(p) } => {
                    format!("{}*{p}", h.need.name)
                }
                minqing::interview::Outcome::Affected { persons: None } => h.need.name.clone(),
                minqing::interview::Outcome::Unknown => format!("{}?", h.need.name),
            })
            .collect()
    }

    fn asked(&self, question: &str, row: u32) -> bool {
        let index = self.survey.index_of(question).expect("question");
        self.state()
            .is_relevant_at(minqing::interview::Slot { index, row })
    }
}

#[test]
fn schooling_rules_and_skip_logic() {
    let none = Read::new(survey("schooling"), &[("children_6_15", "0")]);
    assert!(!none.asked("in_school", 1), "no rows without children");
    assert!(
        !none.asked("route_hazards", 0),
        "no journey without a pupil"
    );
    assert!(none.fired().is_empty());
    let far = Read::new(
        survey("schooling"),
        &[
            ("children_6_15", "2"),
            ("in_school[1]", "no"),
            ("dropout_reason[1]", "distance"),
            ("in_school[2]", "yes"),
            ("school_minutes[2]", "70"),
            ("boarding[2]", "no"),
            ("route_hazards", "river"),
        ],
    );
    assert!(far.asked("school_minutes", 2) && !far.asked("school_minutes", 1));
    assert!(!far.asked("boarding_subsidy", 2));
    assert_eq!(
        far.fired(),
        ["out_of_school*1", "river_on_route", "school_far*1"]
    );
    assert_eq!(far.state().value("not_attending"), Value::Number(1.0));
    let one_boards = Read::new(
        survey("schooling"),
        &[
            ("children_6_15", "2"),
            ("in_school[1]", "yes"),
            ("school_minutes[1]", "50"),
            ("boarding[1]", "yes"),
            ("boarding_subsidy[1]", "no"),
            ("in_school[2]", "yes"),
            ("school_minutes[2]", "50"),
            ("boarding[2]", "no"),
            ("route_hazards", "landslide traffic"),
        ],
    );
    assert_eq!(
        one_boards.fired(),
        [
            "dangerous_route",
            "school_far*1",
            "no_boarding_subsidy*1",
            "traffic_route"
        ],
        "the child who does not board still travels far"
    );
    // Near school, nobody is asked about boarding; a travel time not known
    // asks it all the same and leaves "far" unknown.
    let near = Read::new(
        survey("schooling"),
        &[
            ("children_6_15", "1"),
            ("in_school[1]", "yes"),
            ("school_minutes[1]", "[dont_know]"),
        ],
    );
    assert!(near.asked("boarding", 1));
    let near = Read::new(
        survey("schooling"),
        &[
            ("children_6_15", "1"),
            ("in_school[1]", "yes"),
            ("school_minutes[1]", "[dont_know]"),
            ("boarding[1]", "no"),
            ("route_hazards", "none"),
        ],
    );
    assert_eq!(near.fired(), ["school_far?"]);
}

#[test]
fn health_rules_and_skip_logic() {
    let hard = Read::new(
        survey("health"),
        &[
            ("all_insured", "no"),
            ("any_chronic", "yes"),
            ("any_disabled", "yes"),
            ("relation[1]", "head"),
            ("insured[1]", "no"),
            ("chronic[1]", "unsigned"),
            ("disabled[1]", "no"),
            ("relation[2]", "spouse"),
            ("insured[2]", "no"),
            ("chronic[2]", "signed"),
            ("disabled[2]", "yes"),
            ("relation[3]", "child"),
            ("insured[3]", "yes"),
            ("chronic[3]", "none"),
            ("disabled[3]", "no"),
            ("relation[4]", "child"),
            ("insured[4]", "[dont_know]"),
            ("chronic[4]", "none"),
            ("disabled[4]", "no"),
            ("clinic_minutes", "90"),
            ("unmet_care", "yes"),
            ("unmet_reasons", "cost distance"),
            ("medical_debt", "yes"),
        ],
    );
    assert_eq!(
        hard.fired(),
        [
            "care_not_received",
            "uninsured*2",
            "clinic_very_far",
            "chronic_unsigned*1",
            "disabled_member*1",
            "medical_debt"
        ]
    );
    assert_eq!(hard.state().value("uninsured_members"), Value::Number(2.0));
    let near = Read::new(
        survey("health"),
        &[
            ("all_insured", "yes"),
            ("any_chronic", "no"),
            ("any_disabled", "no"),
            ("clinic_minutes", "20"),
            ("unmet_care", "no"),
            ("medical_debt", "no"),
        ],
    );
    assert!(!near.asked("relation", 1), "nothing to ask of each member");
    assert_eq!(near.fired(), ["clinic_far"]);
    // One member ill: only the illness is asked of each member.
    let one_ill = Read::new(
        survey("health"),
        &[
            ("all_insured", "yes"),
            ("any_chronic", "yes"),
            ("any_disabled", "no"),
        ],
    );
    assert!(one_ill.asked("chronic", 4) && !one_ill.asked("insured", 1));
    assert!(!one_ill.asked("chronic", 5), "four members, four rows");
}

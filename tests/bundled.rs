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
    answers: HashMap<&'static str, Value>,
    members: f64,
}

impl Env for Answers {
    fn question(&self, name: &str) -> Value {
        self.answers.get(name).cloned().unwrap_or(Value::Empty)
    }
    fn household(&self, field: HouseholdField) -> Value {
        match field {
            HouseholdField::Members => Value::Number(self.members),
            _ => Value::Text("勐烈".into()),
        }
    }
    fn dot(&self) -> Value {
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
                .map_or(Value::Text(v.to_string()), Value::Number);
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
        let questions = s
            .questions()
            .filter(|q| q.kind != QuestionKind::Note)
            .count();
        assert!((6..=12).contains(&questions), "{id}: {questions} questions");
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

#[test]
fn schooling_rules_and_skip_logic() {
    let s = survey("schooling");
    let none = answers(&[("children_6_15", "0")]);
    assert!(!relevant(&s, "not_attending", &none));
    assert!(
        !relevant(&s, "school_minutes", &none),
        "no journey questions without children"
    );
    assert!(fired(&s, &none).is_empty());
    let far = answers(&[
        ("children_6_15", "2"),
        ("not_attending", "1"),
        ("dropout_reasons", "distance"),
        ("school_minutes", "70"),
        ("boarders", "0"),
        ("route_hazards", "river"),
    ]);
    assert!(relevant(&s, "school_minutes", &far));
    assert!(!relevant(&s, "boarding_subsidy", &far));
    assert_eq!(
        fired(&s, &far),
        ["out_of_school", "river_on_route", "school_far"]
    );
    let one_boards = answers(&[
        ("children_6_15", "2"),
        ("not_attending", "0"),
        ("school_minutes", "50"),
        ("boarders", "1"),
        ("boarding_subsidy", "no"),
        ("route_hazards", "landslide traffic"),
    ]);
    assert_eq!(
        fired(&s, &one_boards),
        [
            "dangerous_route",
            "school_far",
            "no_boarding_subsidy",
            "traffic_route"
        ],
        "the child who does not board still travels far"
    );
}

#[test]
fn health_rules_and_skip_logic() {
    let s = survey("health");
    let hard = answers(&[
        ("all_insured", "no"),
        ("uninsured", "1"),
        ("clinic_minutes", "90"),
        ("unmet_care", "yes"),
        ("unmet_reasons", "cost distance"),
        ("chronic", "2"),
        ("chronic_unsigned", "1"),
        ("medical_debt", "yes"),
    ]);
    assert_eq!(
        fired(&s, &hard),
        [
            "care_not_received",
            "uninsured",
            "clinic_very_far",
            "chronic_unsigned",
            "medical_debt"
        ]
    );
    let near = answers(&[
        ("all_insured", "yes"),
        ("clinic_minutes", "20"),
        ("unmet_care", "no"),
        ("chronic", "0"),
        ("medical_debt", "no"),
    ]);
    assert!(!relevant(&s, "uninsured", &near));
    assert!(!relevant(&s, "chronic_unsigned", &near));
    assert_eq!(fired(&s, &near), ["clinic_far"]);
}

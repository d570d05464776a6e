//! Visit forms (`mode = "visit"`): filled again at every visit, each visit
//! kept, the need rules counted on the latest complete one.

use minqing::priority::By;
use minqing::store::Store;
use minqing::store::household::Household;
use minqing::survey::{Mode, load};
use tempfile::TempDir;

const VISIT: &str = r#"
[survey]
id = "cadre_visit"
version = "1"
mode = "visit"
category = "health"
title = { zh = "干部走访", en = "Cadre visit" }

[[section]]
name = "visit"

[[section.question]]
name = "sick_now"
type = "yes_no"
label = { zh = "家里现在有人生病吗?", en = "Is anyone ill now?" }
required = true

[[need]]
name = "ill"
when = "${sick_now} = 'yes'"
severity = 3
project = { zh = "家庭医生上门", en = "Family doctor visit" }
"#;

#[test]
fn each_visit_is_a_new_interview_and_the_latest_complete_one_counts() {
    let survey = load(VISIT).survey.expect("loads");
    assert_eq!(survey.mode, Mode::Visit);
    let dir = TempDir::new().expect("temp dir");
    let store = Store::open(&dir.path().join("m.db")).expect("open");
    store
        .upsert_households(&[Household {
            code: "H1".into(),
            township: "勐烈镇".into(),
            village: "曼贺村".into(),
            head: "李明".into(),
            members: 3,
            ..Household::default()
        }])
        .expect("household");
    let visit = |answer: &str| {
        let id = store
            .open_interview("H1", &survey, "王芳")
            .expect("open")
            .id;
        store
            .save_answer(id, "sick_now", Some(answer), "王芳")
            .expect("save");
        store.complete(id, "王芳").expect("complete");
        id
    };
    let affected = || {
        let (input, projects) = store.priorities_ranked(false, By::Village).expect("ranked");
        projects
            .iter()
            .find(|p| input.rules[p.rule].name == "ill")
            .map_or(0, |p| p.affected)
    };
    let first = visit("yes");
    assert_eq!(affected(), 1);
    // Nothing in progress: the app shows a new visit, not the last one.
    assert!(
        store
            .find_interview("H1", &std::rc::Rc::new(survey.clone()))
            .expect("read")
            .is_none()
    );
    let second = visit("no");
    assert_ne!(first, second, "a new visit");
    assert_eq!(affected(), 0, "the latest complete visit counts");
    // A visit begun and left is taken up again, not doubled.
    let begun = store
        .open_interview("H1", &survey, "王芳")
        .expect("open")
        .id;
    assert_eq!(
        store
            .open_interview("H1", &survey, "王芳")
            .expect("again")
            .id,
        begun
    );
    // Several visits are not duplicates.
    assert!(store.duplicates().expect("duplicates").is_empty());
    assert_eq!(affected(), 0, "a draft visit does not count");
    assert!(store.doctor().expect("doctor").is_clean());
}

#[test]
fn a_mode_that_is_neither_once_nor_visit_is_refused() {
    let text = VISIT.replace("mode = \"visit\"", "mode = \"weekly\"");
    let loaded = load(&text);
    assert!(loaded.survey.is_none());
    let said: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.en.clone())
        .collect();
    assert_eq!(said, ["unknown mode 'weekly'"]);
}

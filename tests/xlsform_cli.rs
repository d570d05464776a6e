//! `minqing import-xlsform` on an XLSForm written for this test
//! (tests/xlsform/water_check.xlsx: groups, a choice list in two
//! languages, a skip with ODK's `!=`, a calculation, metadata, a GPS
//! question, a repeat without a count and an appearance; and
//! tests/xlsform/members_roster.xlsx: a repeat with its count, aggregates and
//! a repeat inside a repeat): what converts loads as
//! `minqing check` loads it, and every row left out is named.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;

use common::minqing;
use minqing::survey::load;
use predicates::prelude::*;
use tempfile::TempDir;

/// A workbook of tests/xlsform/.
fn form(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/xlsform")
        .join(name)
}

/// `minqing import-xlsform FORM [--out OUT]`, in a folder of the test.
fn import(dir: &TempDir, form: &Path, out: Option<&Path>) -> Assert {
    let mut cmd = minqing(&dir.path().join("unused.db"));
    cmd.arg("import-xlsform").arg(form);
    if let Some(out) = out {
        cmd.arg("--out").arg(out);
    }
    cmd.assert()
}

#[test]
fn an_xlsform_converts_to_a_questionnaire_that_loads_and_says_what_it_left_out() {
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("water_check.toml");
    import(&dir, &form("water_check.xlsx"), Some(&out))
        .success()
        .stderr(predicate::str::contains("survey row 2: metadata 'start'"))
        .stderr(predicate::str::contains(
            "survey row 6: Minqing has no question of type 'geopoint'",
        ))
        .stderr(predicate::str::contains(
            "survey row 9: a repeat without repeat_count: a question 'members_count' before it asks how many rows",
        ))
        .stderr(predicate::str::contains(
            "survey row 12: columns Minqing does not use were left out: appearance",
        ))
        .stderr(predicate::str::contains(
            "survey row 5: != in relevant rewritten",
        ));
    let text = fs::read_to_string(&out).expect("written");
    let loaded = load(&text);
    let survey = loaded.survey.expect("loads");
    assert_eq!(survey.id, "water_check");
    let names: Vec<&str> = survey.questions().map(|q| q.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "main_source",
            "minutes",
            "hours",
            "members_count",
            "member_name",
            "remarks",
            "thanks"
        ]
    );
    let roster = survey.roster("members").expect("the repeat is a roster");
    assert_eq!(
        roster.roster.as_ref().map(|r| r.count.text.as_str()),
        Some("${members_count}")
    );
    let minutes = survey.question("minutes").expect("minutes");
    assert_eq!(
        minutes.relevant.as_ref().map(|e| e.text.as_str()),
        Some("(${main_source} != 'pipe' or ${main_source} = '')"),
        "unanswered still shows it, as in ODK"
    );
    assert!(survey.question("main_source").is_some_and(|q| q.required));
    // It is a new file: never written over one that is there.
    import(&dir, &form("water_check.xlsx"), Some(&out))
        .code(2)
        .stderr(predicate::str::contains("exists and is not replaced"));
}

#[test]
fn a_file_that_is_no_workbook_is_refused_with_its_name() {
    let dir = TempDir::new().expect("temp dir");
    let fake = dir.path().join("form.xlsx");
    fs::write(&fake, "not a workbook").expect("write");
    import(&dir, &fake, None)
        .code(2)
        .stderr(predicate::str::contains("cannot read the XLSForm workbook"));
}

#[test]
fn nested_groups_keep_both_conditions_and_lists_of_chinese_names_stay_apart() {
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("nested.toml");
    import(&dir, &form("nested_groups.xlsx"), Some(&out))
        .success()
        .stderr(predicate::str::contains(
            "survey row 9: question name '姓名' became 'q9'",
        ));
    let text = fs::read_to_string(&out).expect("written");
    let survey = load(&text).survey.expect("loads");
    let relevant = |section: &str| {
        survey
            .sections
            .iter()
            .find(|s| s.name == section)
            .and_then(|s| s.relevant.as_ref())
            .map(|e| e.text.clone())
    };
    assert_eq!(
        relevant("inner").as_deref(),
        Some("(${sex} = 'f') and (${children} > 0)"),
        "the inner group only when both hold"
    );
    assert_eq!(
        relevant("part_4").as_deref(),
        Some("${sex} = 'f'"),
        "after the inner group, still inside the outer one"
    );
    let lists: Vec<_> = ["sex", "ethnic"]
        .iter()
        .map(|q| survey.question(q).and_then(|q| q.choices.clone()))
        .collect();
    assert_ne!(lists[0], lists[1], "性别 and 民族 stay two lists");
    assert_eq!(survey.title.get(minqing::i18n::Lang::En), "imported");
}

#[test]
fn a_repeat_with_its_count_becomes_a_roster_read_by_aggregates() {
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("members.toml");
    import(&dir, &form("members_roster.xlsx"), Some(&out))
        .success()
        .stderr(predicate::str::contains(
            "survey row 12: a repeat inside a repeat cannot be imported (Minqing's rosters do not nest)",
        ))
        .stderr(predicate::str::contains("found 0 error(s)"));
    let text = fs::read_to_string(&out).expect("written");
    let survey = load(&text).survey.expect("loads");
    let member = survey.roster("member").expect("a roster");
    assert_eq!(
        member.roster.as_ref().map(|r| r.count.text.as_str()),
        Some("${people}")
    );
    let in_roster: Vec<&str> = member.questions.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(in_roster, ["member_name", "age", "insured", "age_next"]);
    assert!(
        survey.question("vaccine").is_none(),
        "the nested repeat is left out"
    );
    // A repeat without a count: its count is asked only where the repeat is.
    let asked = survey
        .sections
        .iter()
        .find(|s| s.questions.iter().any(|q| q.name == "pets_count"))
        .and_then(|s| s.relevant.as_ref())
        .map(|e| e.text.clone());
    assert_eq!(asked.as_deref(), Some("${people} > 1"));
    // The aggregates read the rows as Minqing computes them.
    let answers: minqing::interview::Answers = [
        ("people", "2"),
        ("member_name[1]", "李明"),
        ("age[1]", "40"),
        ("member_name[2]", "王芳"),
        ("age[2]", "38"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let facts = minqing::interview::HouseholdFacts::default();
    let state = minqing::interview::State::new(&survey, &answers, &facts);
    use minqing::survey::expr::eval::Value;
    assert_eq!(state.value("total_age"), Value::Number(78.0));
    assert_eq!(state.value("first_name"), Value::Text("李明".into()));
}

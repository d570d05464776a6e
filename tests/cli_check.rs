//! End-to-end tests of `minqing check`: the real binary on real folders,
//! exit codes and the exact text authors see.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn minqing() -> Command {
    let mut cmd = Command::cargo_bin("minqing").expect("binary is built");
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    cmd
}

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

const GOOD: &str = r#"[survey]
id = "good"
version = "1"
title = { zh = "好", en = "Good" }

[[section]]
name = "s"

[[section.question]]
name = "minutes"
type = "integer"
label = { zh = "分钟?", en = "Minutes?" }
min = 0
max = 600
"#;

const BAD: &str = r#"[survey]
id = "bad"
version = "1"
title = { zh = "坏", en = "Bad" }

[[section]]
name = "s"

[[section.question]]
name = "fetch_minutes"
type = "integer"
label = { zh = "取水分钟?", en = "Minutes?" }
requried = true

[[need]]
name = "far"
category = "water"
when = "${fetch_minute} > 30"
severity = 3
project = { zh = "新建供水点", en = "Build a water point" }
"#;

const WARN: &str = r#"[survey]
id = "warn"
version = "1"
title = { zh = "只有中文" }

[[section]]
name = "s"

[[section.question]]
name = "note"
type = "note"
label = "说明"
"#;

fn folder(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    for (name, text) in files {
        fs::write(dir.path().join(name), text).expect("write file");
    }
    dir
}

#[test]
fn bundled_surveys_check_clean_from_any_directory() {
    let elsewhere = TempDir::new().expect("temp dir");
    minqing()
        .current_dir(elsewhere.path())
        .args(["check", "--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ok    surveys/housing.toml: housing 2026.1",
        ))
        .stdout(predicate::str::contains(
            "ok    surveys/health.toml: health 2027.1",
        ))
        .stdout(predicate::str::ends_with(
            "checked 5 questionnaire file(s): 0 error(s), 0 warning(s)\n",
        ));
}

#[test]
fn the_surveys_folder_on_disk_checks_clean() {
    minqing()
        .args(["--lang", "en", "check", &repo("surveys")])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 error(s), 0 warning(s)"));
}

#[test]
fn a_bad_folder_reports_every_problem_with_exact_positions() {
    let dir = folder(&[("bad.toml", BAD), ("good.toml", GOOD)]);
    let bad = dir.path().join("bad.toml").display().to_string();
    let good = dir.path().join("good.toml").display().to_string();
    let expected = format!(
        "error: unknown key 'requried' in [[section.question]]
  --> {bad}:13:1
   |
13 | requried = true
   | ^^^^^^^^
   |
   = help: did you mean 'required'?

error: unknown question 'fetch_minute' in expression
  --> {bad}:18:9
   |
18 | when = \"${{fetch_minute}} > 30\"
   |         ^^^^^^^^^^^^^^^
   |
   = help: did you mean 'fetch_minutes'?

FAIL  {bad}: 2 error(s)
ok    {good}: good 1, 1 questions, 0 need rules
checked 2 questionnaire file(s): 2 error(s), 0 warning(s)
"
    );
    minqing()
        .args(["check", "--lang", "en"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(expected);
}

#[test]
fn the_caret_is_not_shifted_by_chinese_text() {
    let text = GOOD.replace("max = 600", "max = 600\nunit = { zh = \"分钟\", en = 5 }");
    let dir = folder(&[("cjk.toml", &text)]);
    let out = minqing()
        .args(["check", "--lang", "zh"])
        .arg(dir.path().join("cjk.toml"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).expect("UTF-8 output");
    assert!(
        out.starts_with("错误: 'unit.en' 应为文字,这里是整数\n"),
        "{out}"
    );
    assert!(
        out.contains("15 | unit = { zh = \"分钟\", en = 5 }\n   |                            ^\n"),
        "{out}"
    );
    assert!(out.contains("cjk.toml:15:26\n"), "{out}");
}

#[test]
fn warnings_are_shown_but_exit_zero() {
    let dir = folder(&[("warn.toml", WARN)]);
    minqing()
        .args(["check", "--lang", "en"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "warning: 'title' has no 'en' text",
        ))
        .stdout(predicate::str::contains("0 error(s), 1 warning(s)"));
}

#[test]
fn survey_ids_must_be_unique_across_files() {
    let dir = folder(&[("a.toml", GOOD), ("b.toml", GOOD)]);
    minqing()
        .args(["check", "--lang", "en"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error: survey id 'good' is already used by",
        ))
        .stdout(predicate::str::contains("b.toml:2:6"));
    let broken = GOOD.replace("max = 600", "max = 600\nrequried = true");
    let dir = folder(&[("a.toml", GOOD), ("b.toml", &broken)]);
    minqing()
        .args(["check", "--lang", "en"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error: survey id 'good' is already used by",
        ))
        .stdout(
            predicate::str::contains("FAIL  ").and(predicate::str::contains("b.toml: 2 error(s)")),
        );
}

#[test]
fn a_file_named_in_capitals_is_read_too() {
    let dir = folder(&[("a.toml", GOOD), ("B.TOML", GOOD)]);
    minqing()
        .args(["check", "--lang", "en"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("checked 2 questionnaire file(s)"))
        .stdout(predicate::str::contains(
            "error: survey id 'good' is already used by",
        ));
}

#[test]
fn surveys_option_names_the_folder_to_check() {
    let dir = folder(&[("bad.toml", BAD)]);
    minqing()
        .args(["check", "--lang", "en", "--surveys"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("2 error(s)"));
}

#[test]
fn chinese_by_locale() {
    let dir = folder(&[("bad.toml", BAD)]);
    minqing()
        .env("LANG", "zh_CN.UTF-8")
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "错误: [[section.question]] 中有未知的键 'requried'",
        ))
        .stdout(predicate::str::contains("= 提示: 是不是 'required'?"))
        .stdout(predicate::str::contains(
            "共检查 1 个问卷文件:2 个错误,0 个警告",
        ));
}

#[test]
fn usage_errors_exit_two() {
    minqing().args(["check", "--bogus"]).assert().code(2);
    minqing().args(["--lang", "fr", "check"]).assert().code(2);
    minqing()
        .args(["check", "--lang", "en", "/no/such/survey.toml"])
        .assert()
        .code(2)
        .stderr("error: no such file: /no/such/survey.toml\n");
    let empty = TempDir::new().expect("temp dir");
    minqing()
        .args(["check", "--lang", "en"])
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no questionnaire (.toml file) in folder",
        ));
}

#[test]
fn a_file_that_is_not_utf8_is_refused_clearly() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("gbk.toml");
    fs::write(&path, [0xd2, 0xfb, 0xcb, 0xae]).expect("write");
    minqing()
        .args(["check", "--lang", "en"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("gbk.toml:1:1").and(predicate::str::contains(
                "this file is not UTF-8 (it looks like GBK)",
            )),
        );
}

#[test]
fn the_help_lists_the_commands() {
    minqing()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Usage: minqing"))
        .stdout(predicate::str::contains("check"));
}

#[test]
fn a_questionnaire_taking_a_bundled_id_must_be_a_version_of_it() {
    let dir = TempDir::new().expect("temp dir");
    let other = GOOD.replace("id = \"good\"", "id = \"health\"").replace(
        "title = { zh = \"好\", en = \"Good\" }",
        "title = { zh = \"两不愁三保障监测\", en = \"Monitoring\" }",
    );
    let file = dir.path().join("monitoring.toml");
    fs::write(&file, &other).expect("write");
    minqing()
        .args(["--lang", "en", "check"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("monitoring.toml:2:6")
                .and(predicate::str::contains(
                    "survey id 'health' belongs to the bundled questionnaire \"Health\"",
                ))
                .and(predicate::str::contains("'health_2027'")),
        );
    // A new version of the bundled questionnaire keeps its title.
    let version = GOOD
        .replace("id = \"good\"", "id = \"health\"")
        .replace("version = \"1\"", "version = \"2027.1\"")
        .replace(
            "title = { zh = \"好\", en = \"Good\" }",
            "title = { zh = \"看病就医\", en = \"Health care\" }",
        );
    fs::write(&file, &version).expect("write");
    minqing()
        .args(["--lang", "en", "check"])
        .arg(&file)
        .assert()
        .success();
    // The bundled ones, and their copies in the repository, are themselves.
    minqing()
        .args(["--lang", "en", "check", &repo("surveys")])
        .assert()
        .success();
}

#[test]
fn a_gbk_file_in_a_folder_is_reported_and_the_others_are_checked() {
    let dir = TempDir::new().expect("temp dir");
    fs::write(dir.path().join("a-good.toml"), GOOD).expect("write");
    let chinese = GOOD.replace("分钟?", "取一次水来回要多少分钟?");
    let (gbk, _, _) = encoding_rs::GBK.encode(&chinese);
    fs::write(dir.path().join("b-gbk.toml"), &gbk).expect("write");
    minqing()
        .args(["--lang", "en", "check"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("b-gbk.toml:4:")
                .and(predicate::str::contains("not UTF-8 (it looks like GBK)"))
                .and(predicate::str::contains("save it again as UTF-8"))
                .and(predicate::str::contains("a-good.toml: good 1")),
        );
}

#[test]
fn the_schema_is_json_naming_every_question_type() {
    let out = minqing()
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let schema: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    let question = &schema["properties"]["section"]["items"]["properties"]["question"]["items"];
    assert_eq!(question["additionalProperties"], false, "a typo is flagged");
    let types: Vec<&str> = question["properties"]["type"]["enum"]
        .as_array()
        .expect("types")
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert!(
        types.contains(&"calculate") && types.contains(&"select_one"),
        "{types:?}"
    );
    // Format version 2: rosters, special answers, visit forms.
    let section = &schema["properties"]["section"]["items"]["properties"];
    assert!(section["repeat_count"].is_object() && section["row_label"].is_object());
    assert_eq!(
        question["properties"]["special"]["items"]["enum"],
        serde_json::json!(["dont_know", "refused"])
    );
    assert_eq!(
        schema["properties"]["survey"]["properties"]["mode"]["enum"],
        serde_json::json!(["once", "visit"])
    );
    assert!(schema["properties"]["need"]["items"]["properties"]["repeat"].is_object());
}

//! `minqing priorities`, `explain` and `export` through the real binary on
//! a small county whose answers are known, CSV read back with the csv
//! crate cell by cell.

mod common;

use std::fs;

use common::minqing;
use predicates::prelude::*;
use tempfile::TempDir;

use minqing::store::Store;
use minqing::store::household::Household;
use minqing::survey::bundled::BUNDLED;
use minqing::survey::load;

/// Village 曼贺村: 6 households, 5 surveyed for water; 那洒村: 2 households,
/// both surveyed (low reliability).
fn county(dir: &TempDir) -> std::path::PathBuf {
    let db = dir.path().join("county.db");
    let store = Store::open(&db).expect("open");
    let mut households = Vec::new();
    for n in 1..=6 {
        households.push(Household {
            code: format!("A{n}"),
            township: "勐烈镇".into(),
            village: "曼贺村".into(),
            head: if n == 1 {
                "=HYPERLINK(\"x\")".into()
            } else {
                format!("李{n}")
            },
            members: n,
            ..Household::default()
        });
    }
    for n in 1..=2 {
        households.push(Household {
            code: format!("B{n}"),
            township: "整董镇".into(),
            village: "那洒村".into(),
            head: format!("岩{n}"),
            members: 3,
            ..Household::default()
        });
    }
    store.upsert_households(&households).expect("households");
    let water = load(BUNDLED[1].1).survey.expect("water");
    let interview =
        |code: &str, source: &str, minutes: Option<&str>, (remarks, urgency): (&str, &str)| {
            let id = store
                .open_interview(code, &water, "王芳")
                .expect("interview")
                .id;
            store
                .save_answer(id, "main_source", Some(source), "王芳")
                .expect("save");
            if let Some(m) = minutes {
                store
                    .save_answer(id, "fetch_minutes", Some(m), "王芳")
                    .expect("save");
            }
            for (q, v) in [
                ("shortage_days", "0"),
                ("quality_problems", "turbid smell"),
                ("toilet", "flush"),
                ("handwashing", "water_soap"),
                ("urgency", urgency),
                ("remarks", remarks),
            ] {
                store.save_answer(id, q, Some(v), "王芳").expect("save");
            }
            store.complete(id, "王芳").expect("complete");
        };
    // The households' own view of the urgency: A1, A4, A5, B1 and B2 call
    // it urgent (medium or worse), A2 and A3 do not.
    interview("A1", "surface", Some("40"), ("+86 要修路", "high"));
    interview("A2", "surface", Some("35"), ("水管坏了", "low"));
    interview("A3", "piped_home", None, ("无", "none"));
    interview("A4", "protected_well", Some("10"), ("无", "medium"));
    interview("A5", "protected_well", Some("25"), ("无", "critical"));
    interview("B1", "surface", Some("50"), ("无", "high"));
    interview("B2", "surface", Some("50"), ("无", "high"));
    db
}

#[test]
fn the_ranked_table_of_a_known_county() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    minqing(&db)
        .args(["priorities", "--category", "water"])
        .assert()
        .success()
        .stdout(
            "rank  rank band  township  village  category        project                                severity  phase  households affected  surveyed  registered  people affected  share  90% interval  called it urgent  estimated cost (yuan)  reliability\n\
             \x20  1        1–2  整董镇    那洒村   drinking water  Build or upgrade a piped water scheme         4      4                    2         2           2                6   100%       43–100%              100%                   6000  low\n\
             \x20  2        1–2  勐烈镇    曼贺村   drinking water  Build or upgrade a piped water scheme         4      4                    2         5           6                3    40%        14–73%               50%                   6000\n\
             \x20  3        3–6  勐烈镇    曼贺村   drinking water  Water testing and treatment                   3      4                    5         5           6               15   100%       65–100%               60%                   4000\n\
             \x20  4        3–6  勐烈镇    曼贺村   drinking water  Extend piped water to the home                3      4                    3         5           6                8    60%        27–86%               67%                   7500\n\
             \x20  5        3–6  整董镇    那洒村   drinking water  Water testing and treatment                   3      4                    2         2           2                6   100%       43–100%              100%                   1600  low\n\
             \x20  6        3–6  整董镇    那洒村   drinking water  Extend piped water to the home                3      4                    2         2           2                6   100%       43–100%              100%                   5000  low\n",
        );
}

#[test]
fn a_budget_funds_the_best_set_and_says_how() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    // Benefits: 1: 4, 2: 4, 3: 5, 4: 3, 5: 2, 6: 2 (households × (severity − 2)).
    minqing(&db)
        .args(["priorities", "--category", "water", "--budget", "12000"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "budget: 3 project(s) funded (ranks 1, 3, 5), cost 11600 yuan, benefit 11 (households × (severity − 2)), 400 yuan left; method: exact (0-1 knapsack)",
        ));
}

#[test]
fn a_budget_that_is_not_an_amount_of_yuan_is_refused() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    for bad in [
        "--budget=NaN",
        "--budget=-5",
        "--budget=inf",
        "--budget=lots",
    ] {
        minqing(&db)
            .args(["priorities", bad])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("a budget is"));
    }
    minqing(&db)
        .args(["priorities", "--budget=-0"])
        .assert()
        .success()
        .stdout(predicate::str::contains("cost 0 yuan").and(predicate::str::contains("-0").not()));
}

#[test]
fn a_filtered_list_shows_the_county_rank_beside_its_own() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    minqing(&db)
        .args(["priorities", "--category", "water", "--township", "勐烈镇"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"(?m)^rank  county rank  rank band").expect("regex"))
        .stdout(predicate::str::is_match(r"(?m)^ +1 +2 +1–2 +勐烈镇").expect("regex"))
        .stdout(predicate::str::is_match(r"(?m)^ +2 +3 +3–6 +勐烈镇").expect("regex"));
}

#[test]
fn sensitivity_says_what_the_phase_threshold_changes_in_the_top_20() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    minqing(&db)
        .args(["priorities", "--sensitivity"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "sensitivity: how the top 20 changes with the phase threshold",
        ))
        .stdout(predicate::str::is_match(r"(?m)^  15%: ").expect("regex"))
        .stdout(predicate::str::is_match(r"(?m)^  25%: ").expect("regex"));
}

#[test]
fn a_weighted_ranking_says_so_in_every_output() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    minqing(&db)
        .args(["priorities", "--weights", "water=1.5"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "weighted ranking (chosen by the meeting, not the documented method): water=1.5\n",
        ));
    let out = dir.path().join("weighted.csv");
    minqing(&db)
        .args([
            "export",
            "priorities",
            "--plain",
            "--weights",
            "water=1.5",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(&out).expect("written");
    assert!(text.lines().next().is_some_and(|h| h.ends_with(",weights")));
    assert!(
        text.lines().skip(1).all(|l| l.ends_with(",water=1.5")),
        "{text}"
    );
    minqing(&db)
        .args(["priorities", "--weights", "wat=1.5"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "there is no category 'wat'; the categories are: water",
        ));
    minqing(&db)
        .args(["priorities", "--weights", "water=-1"])
        .assert()
        .code(2);
}

#[test]
fn headers_and_category_names_follow_labels() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let out = dir.path().join("zh.csv");
    minqing(&db)
        .args(["export", "priorities", "--plain", "--labels", "zh", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(&out).expect("written");
    assert!(
        text.starts_with("排序,全县排序,名次带,乡镇,村,组,类别,项目,"),
        "{text}"
    );
    assert!(text.contains(",饮水安全,"), "{text}");
    let out = dir.path().join("ids.csv");
    minqing(&db)
        .args(["export", "priorities", "--plain", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = fs::read_to_string(&out).expect("written");
    assert!(text.contains(",water,"), "ids without --labels: {text}");
}

#[test]
fn explain_names_the_households_answers_and_rule() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    minqing(&db)
        .args(["explain", "曼贺村", "water.water_far"])
        .assert()
        .success()
        .stdout(
            "rank 4: 勐烈镇 曼贺村 · Extend piped water to the home\n\
             rule water.water_far (category drinking water, severity 3, phase of the category here 4)\n\
             3 households affected of 5 surveyed, 6 registered; 8 people affected\n\
             share 60%, 90% interval 27%–86%; rank band 3–6 (projects whose intervals overlap could change places)\n\
             the households' own view: 2 of 3 affected households called it urgent (fairly urgent or worse), 67%\n\
             when: Minutes for one round trip to fetch water, including queueing > 20 or How many metres higher or lower is the water point than the home > 80\n\
             (written in the questionnaire as ${fetch_minutes} > 20 or ${fetch_climb_m} > 80)\n\
             Ranking compares the phase first, then the severity: at least 20% of this village's surveyed households have a drinking water problem of severity 4 or more, so the phase is 4. This severity-3 project therefore ranks above projects of higher severity in villages of a lower phase.\n\
             \n\
             code  head             members  fetch_minutes  fetch_climb_m\n\
             A1    =HYPERLINK(\"x\")        1  40\n\
             A2    李2                    2  35\n\
             A5    李5                    5  25\n",
        );
    minqing(&db)
        .args(["explain", "曼贺村", "no_such_rule"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "has no project for rule no_such_rule",
        ));
}

fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    reader
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect()
}

/// The place of the column headed `name` in a CSV read by [`read_csv`].
fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("column {name}"))
}

#[test]
fn priorities_export_reads_back_cell_by_cell() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let out = dir.path().join("p.csv");
    minqing(&db)
        .args([
            "export",
            "priorities",
            "--category",
            "water",
            "--top",
            "2",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&fs::read(&out).expect("written"));
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[1],
        [
            "1",
            "1",
            "1–2",
            "整董镇",
            "那洒村",
            "",
            "water",
            "Build or upgrade a piped water scheme",
            "water.surface_water",
            "4",
            "4",
            "2",
            "2",
            "0",
            "2",
            "6",
            "",
            "1.000",
            "0.425",
            "1.000",
            "1.000",
            "6000",
            "low"
        ]
    );
    assert_eq!(rows[2][4], "曼贺村");
}

#[test]
fn responses_keep_chinese_with_and_without_excel_and_neutralise_formulas() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    // Excel's by default (`--excel` says so too); `--plain` for scripts.
    for (option, excel) in [("--plain", false), ("--excel", true), ("--force", true)] {
        let out = dir.path().join(format!("r{excel}.csv"));
        let mut cmd = minqing(&db);
        cmd.args(["export", "responses", "--survey", "water", option, "--out"])
            .arg(&out);
        cmd.assert().success();
        let bytes = fs::read(&out).expect("written");
        assert_eq!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            excel,
            "the byte-order mark unless --plain"
        );
        let body = if excel { &bytes[3..] } else { &bytes[..] };
        let rows = read_csv(body);
        let col = |name: &str| column(&rows, name);
        assert_eq!(rows.len(), 8, "one row per interview");
        let a1 = &rows[1];
        assert_eq!(a1[col("code")], "A1");
        let (head, remarks) = if excel {
            ("'=HYPERLINK(\"x\")", "'+86 要修路")
        } else {
            ("=HYPERLINK(\"x\")", "+86 要修路")
        };
        assert_eq!(
            a1[col("head")],
            head,
            "formulas are neutralised for Excel only"
        );
        assert_eq!(a1[col("remarks")], remarks, "plain keeps text as stored");
        assert_eq!(a1[col("village")], "曼贺村");
        assert_eq!(a1[col("fetch_minutes")], "40", "numbers stay numbers");
        assert_eq!(a1[col("quality_problems")], "turbid smell");
        assert_eq!(a1[col("quality_problems/turbid")], "1");
        assert_eq!(a1[col("quality_problems/colour")], "0");
        assert_eq!(a1[col("status")], "complete");
        assert_eq!(rows[3][col("fetch_minutes")], "", "skipped for piped water");
    }
    let labelled = dir.path().join("labels.csv");
    minqing(&db)
        .args([
            "export",
            "responses",
            "--survey",
            "water",
            "--labels",
            "zh",
            "--out",
        ])
        .arg(&labelled)
        .assert()
        .success();
    let rows = read_csv(&fs::read(&labelled).expect("written"));
    assert_eq!(rows[1][column(&rows, "main_source")], "江河、塘、沟渠水");
}

/// Version 2026.2 of the bundled water survey, made by these edits of its
/// text.
fn water_v2(edits: &[(&str, &str)]) -> minqing::survey::Survey {
    let mut text = BUNDLED[1]
        .1
        .replace("version = \"2026.1\"", "version = \"2026.2\"");
    for (from, to) in edits {
        assert!(text.contains(from), "the water survey has {from}");
        text = text.replace(from, to);
    }
    load(&text).survey.expect("v2 loads")
}

#[test]
fn older_questionnaire_versions_keep_their_answers_in_exports() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    // Version 2026.2 drops the remarks question; A6 is interviewed with it.
    let v2 = water_v2(&[(
        "[[section.question]]\nname = \"remarks\"\ntype = \"text\"\nlabel = { zh = \"农户的其他意见或要求\", en = \"Other remarks or requests of the household\" }\n",
        "",
    )]);
    assert!(v2.question("remarks").is_none());
    let store = Store::open(&db).expect("open");
    let id = store
        .open_interview("A6", &v2, "王芳")
        .expect("v2 interview")
        .id;
    store
        .save_answer(id, "main_source", Some("surface"), "王芳")
        .expect("save");
    drop(store);
    let out = dir.path().join("all.csv");
    minqing(&db)
        .args(["export", "responses", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&fs::read(&out).expect("written"));
    let col = |name: &str| column(&rows, name);
    let a1 = rows.iter().find(|r| r[0] == "A1").expect("A1");
    assert_eq!(
        a1[col("water.remarks")],
        "'+86 要修路",
        "the old version's answer is still exported"
    );
    let a6 = rows.iter().find(|r| r[0] == "A6").expect("A6");
    assert_eq!(
        (
            a6[col("version")].as_str(),
            a6[col("water.main_source")].as_str()
        ),
        ("2026.2", "surface")
    );
    let codebook = dir.path().join("codebook.csv");
    minqing(&db)
        .args(["export", "codebook", "--out"])
        .arg(&codebook)
        .assert()
        .success();
    let rows = read_csv(&fs::read(&codebook).expect("written"));
    let versions: std::collections::BTreeSet<&str> = rows[1..]
        .iter()
        .filter(|r| r[0] == "water")
        .map(|r| r[1].as_str())
        .collect();
    assert_eq!(
        versions.into_iter().collect::<Vec<_>>(),
        ["2026.1", "2026.2"]
    );
}

#[test]
fn a_renamed_question_and_changed_choices_leave_old_interviews_exportable_and_explainable() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    // Version 2026.2 renames fetch_minutes (and the rule reading it) and
    // replaces the choice "bought" with "tanker"; A6 is interviewed with it.
    let v2 = water_v2(&[
        ("fetch_minutes", "fetch_min"),
        (
            "{ name = \"bought\", label = { zh = \"买水或送水车\", en = \"Bought water or water truck\" } },",
            "{ name = \"tanker\", label = { zh = \"送水车\", en = \"Water tanker\" } },",
        ),
    ]);
    assert!(v2.question("fetch_minutes").is_none() && v2.question("fetch_min").is_some());
    let store = Store::open(&db).expect("open");
    let id = store
        .open_interview("A6", &v2, "王芳")
        .expect("v2 interview")
        .id;
    for (q, v) in [
        ("main_source", "tanker"),
        ("fetch_min", "45"),
        ("shortage_days", "0"),
        ("quality_problems", "none"),
        ("toilet", "flush"),
        ("handwashing", "water_soap"),
        ("urgency", "low"),
    ] {
        store.save_answer(id, q, Some(v), "王芳").expect("save");
    }
    store.complete(id, "王芳").expect("complete");
    drop(store);

    let out = dir.path().join("labels.csv");
    minqing(&db)
        .args(["export", "responses", "--labels", "zh", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&fs::read(&out).expect("written"));
    let col = |name: &str| column(&rows, name);
    let row = |code: &str| rows.iter().find(|r| r[0] == code).expect("a row");
    let (a1, a6) = (row("A1"), row("A6"));
    assert_eq!(
        (
            a1[col("water.fetch_minutes")].as_str(),
            a1[col("water.fetch_min")].as_str()
        ),
        ("40", ""),
        "the old answer under its old name"
    );
    assert_eq!(a1[col("water.main_source")], "江河、塘、沟渠水");
    assert_eq!(
        (
            a6[col("version")].as_str(),
            a6[col("water.fetch_min")].as_str(),
            a6[col("water.main_source")].as_str()
        ),
        ("2026.2", "45", "送水车"),
        "the new version's answers, with its own choice labels"
    );

    // The rule still explains both versions' households, each under its
    // version's condition and with the answers it was given.
    minqing(&db)
        .args(["explain", "曼贺村", "water.water_far"])
        .assert()
        .success()
        .stdout(
            "rank 4: 勐烈镇 曼贺村 · Extend piped water to the home\n\
             rule water.water_far (category drinking water, severity 3, phase of the category here 4)\n\
             4 households affected of 6 surveyed, 6 registered; 14 people affected\n\
             share 67%, 90% interval 35%–88%; rank band 3–6 (projects whose intervals overlap could change places)\n\
             the households' own view: 2 of 4 affected households called it urgent (fairly urgent or worse), 50%\n\
             when: Minutes for one round trip to fetch water, including queueing > 20 or How many metres higher or lower is the water point than the home > 80\n\
             (written in the questionnaire as [2026.1] ${fetch_minutes} > 20 or ${fetch_climb_m} > 80; [2026.2] ${fetch_min} > 20 or ${fetch_climb_m} > 80)\n\
             Ranking compares the phase first, then the severity: at least 20% of this village's surveyed households have a drinking water problem of severity 4 or more, so the phase is 4. This severity-3 project therefore ranks above projects of higher severity in villages of a lower phase.\n\
             \n\
             code  head             members  fetch_minutes  fetch_climb_m  fetch_min\n\
             A1    =HYPERLINK(\"x\")        1  40\n\
             A2    李2                    2  35\n\
             A5    李5                    5  25\n\
             A6    李6                    6                                45\n",
        );
}

#[test]
fn codes_with_leading_zeros_survive_excel() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("zeros.db");
    let store = Store::open(&db).expect("open");
    store
        .upsert_households(&[Household {
            code: "0100010001".into(),
            township: "勐烈镇".into(),
            village: "曼贺村".into(),
            head: "李明".into(),
            members: 3,
            phone: "013800000000".into(),
            ..Household::default()
        }])
        .expect("household");
    drop(store);
    let plain = dir.path().join("plain.csv");
    let excel = dir.path().join("excel.csv");
    minqing(&db)
        .args(["export", "households", "--plain", "--out"])
        .arg(&plain)
        .assert()
        .success();
    minqing(&db)
        .args(["export", "households", "--out"])
        .arg(&excel)
        .assert()
        .success();
    assert_eq!(
        read_csv(&fs::read(&plain).expect("written"))[1][0],
        "0100010001"
    );
    let rows = read_csv(&fs::read(&excel).expect("written")[3..]);
    assert_eq!(
        rows[1][0], "=\"0100010001\"",
        "Excel keeps the leading zero"
    );
    assert_eq!(rows[1][6], "=\"013800000000\"");
    assert_eq!(rows[1][1], "勐烈镇");
}

#[test]
fn an_export_to_a_missing_folder_fails_cleanly() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let out = dir.path().join("missing/out.csv");
    minqing(&db)
        .args(["export", "households", "--out"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no partial file was left"));
    assert!(!out.exists());
    minqing(&db)
        .args(["export", "households", "--plain", "--out", "-"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("code,township,village"));
}

#[test]
fn a_long_table_made_in_parts_lists_every_project_once_in_order() {
    let dir = TempDir::new().expect("temp dir");
    let db = common::demo_county(dir.path(), &["--households", "3000"]);
    // 1,400 projects of groups: written in parts on two cores, laid out
    // in blocks by turns.
    let shown = minqing(&db)
        .args(["priorities", "--by", "group"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&shown.get_output().stdout).to_string();
    let exported = minqing(&db)
        .args(["export", "priorities", "--by", "group"])
        .args(["--plain", "--out", "-"])
        .assert()
        .success();
    let rows = read_csv(&exported.get_output().stdout);
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert!(lines.len() > 1024, "{} lines", lines.len());
    assert_eq!(lines.len(), rows.len() - 1);
    let at = |name| column(&rows, name);
    let (rank, village, group) = (at("rank"), at("village"), at("group"));
    for (line, row) in lines.iter().zip(&rows[1..]) {
        let cells: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(cells[0], row[rank], "{line}");
        assert!(cells.contains(&row[village].as_str()), "{line}");
        assert!(cells.contains(&row[group].as_str()), "{line}");
    }
}

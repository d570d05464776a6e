//! What the joint meeting reads: projects that rules share counted once,
//! the households' own view beside the measured need, and each village
//! at a glance, through the real binary on a county answered by hand.

mod common;

use std::fs;

use common::minqing;
use tempfile::TempDir;

use minqing::store::Store;
use minqing::store::household::Household;
use minqing::survey::bundled::BUNDLED;
use minqing::survey::load;

/// 曼贺村: 5 households, all answering the water questionnaire. Water
/// made someone ill at H1 and H2; it is cloudy at H2, H3 and H4 (both
/// rules name "Water testing and treatment"); H5 has good water. H1 and
/// H3 call their water urgent. 那洒村: 2 households, H6 cloudy water and
/// no toilet, H7 nothing; neither calls it urgent.
pub fn county(dir: &TempDir) -> std::path::PathBuf {
    let db = dir.path().join("county.db");
    let store = Store::open(&db).expect("open");
    let mut households = Vec::new();
    for n in 1..=7 {
        households.push(Household {
            code: format!("H{n}"),
            township: "勐烈镇".into(),
            village: if n <= 5 { "曼贺村" } else { "那洒村" }.into(),
            head: format!("李{n}"),
            members: n,
            ..Household::default()
        });
    }
    store.upsert_households(&households).expect("households");
    let water = load(BUNDLED[1].1).survey.expect("water");
    let answer = |code: &str, quality: &str, toilet: &str, urgency: &str| {
        let id = store
            .open_interview(code, &water, "王芳")
            .expect("interview")
            .id;
        for (q, v) in [
            ("main_source", "piped_home"),
            ("shortage_days", "0"),
            ("quality_problems", quality),
            ("toilet", toilet),
            ("handwashing", "water_soap"),
            ("urgency", urgency),
        ] {
            store.save_answer(id, q, Some(v), "王芳").expect("save");
        }
        store.complete(id, "王芳").expect("complete");
    };
    answer("H1", "illness", "flush", "high");
    answer("H2", "illness turbid", "flush", "low");
    answer("H3", "turbid", "flush", "medium");
    answer("H4", "smell", "flush", "none");
    answer("H5", "none", "flush", "none");
    answer("H6", "turbid", "none", "low");
    answer("H7", "none", "flush", "none");
    db
}

fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let bytes = fs::read(path).expect("written");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[..]);
    reader
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect()
}

fn cell<'a>(rows: &'a [Vec<String>], row: usize, name: &str) -> &'a str {
    let col = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("column {name}"));
    &rows[row][col]
}

#[test]
fn two_rules_naming_one_project_are_one_project_with_each_household_once() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let out = dir.path().join("p.csv");
    minqing(&db)
        .args(["export", "priorities", "--plain", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&out);
    let treatment: Vec<usize> = (1..rows.len())
        .filter(|&r| {
            cell(&rows, r, "village") == "曼贺村"
                && cell(&rows, r, "project") == "Water testing and treatment"
        })
        .collect();
    assert_eq!(treatment.len(), 1, "listed once: {rows:?}");
    let r = treatment[0];
    assert_eq!(cell(&rows, r, "rule"), "water.water_illness+water_quality");
    assert_eq!(cell(&rows, r, "severity"), "5", "the most severe rule");
    assert_eq!(cell(&rows, r, "households affected"), "4", "H2 once");
    assert_eq!(cell(&rows, r, "people affected"), "10");
    assert_eq!(cell(&rows, r, "estimated cost (yuan)"), "3200");
    // H1 and H3 of the four call it urgent.
    assert_eq!(cell(&rows, r, "called it urgent"), "0.500");
    // In 那洒村 only one of the rules fires: the project is that rule's.
    let other = (1..rows.len())
        .find(|&r| {
            cell(&rows, r, "village") == "那洒村"
                && cell(&rows, r, "project") == "Water testing and treatment"
        })
        .expect("那洒村 treatment");
    assert_eq!(cell(&rows, other, "rule"), "water.water_quality");
    assert_eq!(cell(&rows, other, "called it urgent"), "0.000");

    // Either rule's name finds it; the explanation names both rules and
    // counts the households' own view.
    for need in ["water_illness", "water_quality"] {
        minqing(&db)
            .args(["explain", "曼贺村", need])
            .assert()
            .success()
            .stdout(predicates::str::contains(
                "rule water.water_illness+water_quality",
            ))
            .stdout(predicates::str::contains(
                "these rules share one project: a household is counted once",
            ))
            .stdout(predicates::str::contains(
                "2 of 4 affected households called it urgent",
            ))
            .stdout(predicates::str::contains("[water_illness]"))
            .stdout(predicates::str::contains("[water_quality]"));
    }
}

#[test]
fn each_village_counts_households_with_an_urgent_need_once() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let out = dir.path().join("v.csv");
    minqing(&db)
        .args(["export", "villages", "--plain", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = read_csv(&out);
    assert_eq!(rows.len(), 3, "two villages: {rows:?}");
    let urgent = "urgent households (severity ≥ 3, each once)";
    // 曼贺村: H1–H4 have urgent needs (H2 two of them); H5 none.
    assert_eq!(cell(&rows, 1, "village"), "曼贺村");
    assert_eq!(cell(&rows, 1, "surveyed"), "5");
    assert_eq!(cell(&rows, 1, urgent), "4");
    assert_eq!(cell(&rows, 1, "urgent share"), "0.800");
    assert_eq!(cell(&rows, 1, "phase: water"), "5");
    // 那洒村: H6 has cloudy water and no toilet (both severity 3): once.
    assert_eq!(cell(&rows, 2, urgent), "1");
    assert_eq!(cell(&rows, 2, "phase: water"), "3");
    // A phase for each category of the questionnaires stored: water only.
    assert_eq!(rows[0].len(), 7);

    // The same in the terminal, with category names.
    minqing(&db)
        .args(["priorities", "--villages"])
        .assert()
        .success()
        .stdout(predicates::str::contains("phase: drinking water"))
        .stdout(predicates::str::contains("80%"));
}

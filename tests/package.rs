//! Work packages: a cadre's households copied to another laptop, answered
//! there, merged back (twice changes nothing), one file per cadre, and a
//! household in two packages reported as a duplicate.

mod common;
#[path = "common/water.rs"]
mod water;

use std::path::Path;

use common::minqing;
use minqing::store::Store;
use predicates::prelude::*;
use tempfile::TempDir;
use water::complete_water;

const REGISTRY: &str = "户编码,乡镇,村,户主,人口,联户干部,干部编号,工作单位\n\
H1,勐烈镇,曼贺村,李明,4,黄云,GB001,勐烈镇人民政府\n\
H2,勐烈镇,曼贺村,白玉兰,3,黄云,GB001,勐烈镇人民政府\n\
H3,勐烈镇,纳板村,岩温,5,黄云,GB002,县水务局\n\
H4,勐烈镇,曼贺村,刀岩,2,李强,,县财政局\n\
H6,勐烈镇,纳板村,岩罕,3,,,\n";

fn county(dir: &Path) -> std::path::PathBuf {
    let db = common::imported_county(dir, REGISTRY);
    let store = Store::open(&db).expect("open");
    complete_water(&store, "H1", false, "王");
    store.close_round().expect("close");
    store
        .open_round("2027-spring", Some("2099-03-01"))
        .expect("open");
    db
}

#[test]
fn a_cadre_package_is_answered_on_another_laptop_and_merged_back() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(dir.path());
    let package = dir.path().join("gb001.db");
    minqing(&db)
        .args(["package", "--cadre", "GB001", "--lang", "en", "--out"])
        .arg(&package)
        .assert()
        .success()
        .stdout(predicate::str::contains("2 household(s), 1 interview(s)"));
    // Never over an existing file.
    minqing(&db)
        .args(["package", "--cadre", "GB001", "--lang", "en", "--out"])
        .arg(&package)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    let copy = Store::open(&package).expect("the package opens");
    assert_eq!(copy.interviewer().expect("read").as_deref(), Some("黄云"));
    let codes: Vec<String> = copy
        .households(None)
        .expect("read")
        .into_iter()
        .map(|h| h.code)
        .collect();
    assert_eq!(codes, ["H1", "H2"]);
    assert_eq!(
        copy.current_round().expect("read").map(|r| r.name),
        Some("2027-spring".to_string())
    );
    assert_eq!(
        copy.rounds().expect("rounds").len(),
        2,
        "earlier rounds too"
    );
    assert_ne!(
        copy.device(),
        Store::open(&db).expect("open").device(),
        "the package is another laptop's file"
    );
    assert!(copy.doctor().expect("doctor").is_clean());
    // The laptop shows that cadre's households, never a namesake's.
    let mine: Vec<String> = copy
        .my_households("黄云", &["water"])
        .expect("mine")
        .into_iter()
        .map(|r| r.household.code)
        .collect();
    assert_eq!(mine, ["H1", "H2"]);
    let county = Store::open(&db).expect("open");
    assert!(
        county
            .my_households("黄云", &["water"])
            .expect("read")
            .is_empty(),
        "two cadres are called 黄云 in the county: neither is guessed"
    );
    assert_eq!(
        county
            .my_households("李强", &["water"])
            .expect("read")
            .len(),
        1,
        "one cadre has the name"
    );
    drop(county);
    // Fieldwork on the other laptop, in the open round.
    complete_water(&copy, "H2", false, "黄云");
    complete_water(&copy, "H1", false, "黄云");
    drop(copy);
    minqing(&db)
        .args(["merge", "--lang", "en"])
        .arg(&package)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "interviews +2 updated 0 unchanged 1",
        ));
    minqing(&db)
        .args(["merge", "--lang", "en"])
        .arg(&package)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "interviews +0 updated 0 unchanged 3",
        ));
    let store = Store::open(&db).expect("open");
    let spring = store.round_named("2027-spring").expect("round");
    let rows = store
        .rounds_with_counts()
        .expect("counts")
        .into_iter()
        .find(|(r, _)| r.id == spring.id)
        .map(|(_, c)| (c.households, c.complete));
    assert_eq!(rows, Some((2, 2)));
}

#[test]
fn namesakes_are_named_by_code_and_every_cadre_gets_a_file() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(dir.path());
    minqing(&db)
        .args(["package", "--cadre", "黄云", "--lang", "en", "--out"])
        .arg(dir.path().join("x.db"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "2 linked cadres are called '黄云': GB001 勐烈镇人民政府 (2户/households); GB002 县水务局 (1户/households)",
        ));
    assert!(!dir.path().join("x.db").exists());
    minqing(&db)
        .args([
            "package",
            "--cadre",
            "李强/县财政局",
            "--village",
            "纳板村",
            "--out",
        ])
        .arg(dir.path().join("mixed.db"))
        .assert()
        .success()
        .stdout(predicate::str::contains("3 household(s)"));
    let folder = dir.path().join("packages");
    minqing(&db)
        .args(["package", "--all-cadres", "--lang", "en", "--out"])
        .arg(&folder)
        .assert()
        .success()
        .stdout(predicate::str::contains("written 3 work package(s)"));
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["GB001-黄云.db", "GB002-黄云.db", "李强-县财政局.db"]
    );
}

#[test]
fn a_household_in_two_packages_is_kept_twice_and_reported() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(dir.path());
    let first = dir.path().join("first.db");
    minqing(&db)
        .args(["package", "--cadre", "GB001", "--out"])
        .arg(&first)
        .assert()
        .success();
    // The registry changes hands: H2 goes to GB002, who takes a package too.
    let store = Store::open(&db).expect("open");
    let mut h2 = store.household("H2").expect("read").expect("H2");
    h2.cadre_code = "GB002".into();
    h2.unit = "县水务局".into();
    store.upsert_households(&[h2]).expect("moved");
    drop(store);
    let second = dir.path().join("second.db");
    minqing(&db)
        .args(["package", "--cadre", "GB002", "--out"])
        .arg(&second)
        .assert()
        .success();
    for (file, who) in [(&first, "黄云甲"), (&second, "黄云乙")] {
        let copy = Store::open(file).expect("open");
        complete_water(&copy, "H2", false, who);
    }
    minqing(&db)
        .args(["merge", "--lang", "en"])
        .args([&first, &second])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "duplicate: household H2 has 2 water interviews in round '2027-spring'",
        ));
}

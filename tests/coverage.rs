//! Coverage of a round per cadre, village and township, against a small
//! registry counted by hand; cadres told apart by code, or by name and
//! work unit, never by name alone.

mod common;
#[path = "common/water.rs"]
mod water;

use common::minqing;
use minqing::store::Store;
use predicates::prelude::*;
use tempfile::TempDir;
use water::{complete_water, water};

const REGISTRY: &str = "户编码,乡镇,村,户主,人口,联户干部,干部编号,工作单位\n\
H1,勐烈镇,曼贺村,李明,4,黄云,GB001,勐烈镇人民政府\n\
H2,勐烈镇,曼贺村,白玉兰,3,黄云,GB001,勐烈镇人民政府\n\
H3,勐烈镇,纳板村,岩温,5,黄云,GB002,县水务局\n\
H4,勐烈镇,曼贺村,刀岩,2,李强,,县财政局\n\
H5,勐烈镇,纳板村,玉香,6,李强,,县教育体育局\n\
H6,勐烈镇,纳板村,岩罕,3,,,\n";

#[test]
fn coverage_per_cadre_village_and_township_matches_the_hand_count() {
    let dir = TempDir::new().expect("temp dir");
    let db = common::imported_county(dir.path(), REGISTRY);
    // Only the water questionnaire is in use.
    let surveys = dir.path().join("surveys");
    std::fs::create_dir(&surveys).expect("folder");
    std::fs::write(
        surveys.join("water.toml"),
        minqing::survey::bundled::BUNDLED[1].1,
    )
    .expect("write");
    let store = Store::open(&db).expect("open");
    for code in ["H1", "H4", "H6"] {
        complete_water(&store, code, false, "王");
    }
    let draft = store
        .open_interview("H2", &water(), "王")
        .expect("draft")
        .id;
    store
        .save_answer(draft, "main_source", Some("surface"), "王")
        .expect("save");
    drop(store);
    let out = dir.path().join("coverage.csv");
    minqing(&db)
        .arg("--surveys")
        .arg(&surveys)
        .args(["export", "coverage", "--plain", "--lang", "en", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("round: 首轮"));
    assert_eq!(
        std::fs::read_to_string(&out).expect("read"),
        "cadre,cadre code,work unit,villages,linked,interviewed,with drafts,partly,not visited\n\
         黄云,GB001,勐烈镇人民政府,曼贺村,2,1,1,0,0\n\
         黄云,GB002,县水务局,纳板村,1,0,0,0,1\n\
         李强,,县教育体育局,纳板村,1,0,0,0,1\n\
         李强,,县财政局,曼贺村,1,1,0,0,0\n\
         (no cadre),,,纳板村,1,1,0,0,0\n\
         total,,,,6,3,1,0,2\n"
    );
    minqing(&db)
        .arg("--surveys")
        .arg(&surveys)
        .args(["coverage", "--by", "village", "--lang", "zh"])
        .assert()
        .success()
        .stdout(predicate::str::is_match("勐烈镇 +曼贺村 +3 +2 +1 +0 +0").expect("regex"))
        .stdout(predicate::str::is_match("勐烈镇 +纳板村 +3 +1 +0 +0 +2").expect("regex"))
        .stdout(predicate::str::is_match("合计 +6 +3 +1 +0 +2").expect("regex"));
    minqing(&db)
        .arg("--surveys")
        .arg(&surveys)
        .args(["coverage", "--by", "township", "--lang", "en"])
        .assert()
        .success()
        .stdout(predicate::str::is_match("勐烈镇 +6 +3 +1 +0 +2").expect("regex"));
    // A new round: nobody is visited yet.
    minqing(&db).args(["round", "close"]).assert().success();
    minqing(&db)
        .args(["round", "open", "2027-spring"])
        .assert()
        .success();
    minqing(&db)
        .arg("--surveys")
        .arg(&surveys)
        .args(["coverage", "--by", "township", "--lang", "en"])
        .assert()
        .success()
        .stderr(predicate::str::contains("round: 2027-spring"))
        .stdout(predicate::str::is_match("勐烈镇 +6 +0 +0 +0 +6").expect("regex"));
    minqing(&db)
        .arg("--surveys")
        .arg(&surveys)
        .args(["coverage", "--round", "首轮", "--by", "township"])
        .assert()
        .success()
        .stdout(predicate::str::is_match("勐烈镇 +6 +3 +1 +0 +2").expect("regex"));
}

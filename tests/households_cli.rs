//! `minqing households import` and `list` through the real binary, on CSV
//! files as counties produce them, and the other data commands' basics.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::minqing;
use predicates::prelude::*;
use tempfile::TempDir;

const ZH: &str = "户编码,乡镇,村,组,户主,人口,电话,联户干部\n\
530001,勐烈镇,曼贺村,一组,李明,4,13800000001,王芳\n\
530002,勐烈镇,曼贺村,二组,白玉兰,6,,王芳\n\
530003,整董镇,那洒村,,刀岩,2,,\n";

const EN: &str = "code,township,village,group,head,members,phone,cadre,notes\n\
530001,勐烈镇,曼贺村,一组,李明,5,13800000001,王芳,moved\n\
530004,勐烈镇,曼贺村,三组,Li Hua,3,,,\n";

#[test]
fn utf8_with_bom_chinese_headers_then_reimport_with_english_headers() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let zh = dir.path().join("zh.csv");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(ZH.as_bytes());
    fs::write(&zh, bytes).expect("write");
    minqing(&db)
        .args(["households", "import"])
        .arg(&zh)
        .assert()
        .success()
        .stdout("added 3, updated 0, unchanged 0, skipped 0 row(s)\n")
        .stderr(predicate::str::contains(format!(
            "database: {}",
            db.display()
        )));
    let en = dir.path().join("en.csv");
    fs::write(&en, EN).expect("write");
    minqing(&db)
        .args(["households", "import"])
        .arg(&en)
        .assert()
        .success()
        .stdout("added 1, updated 1, unchanged 0, skipped 0 row(s)\n");
    minqing(&db)
        .args(["households", "import"])
        .arg(&en)
        .assert()
        .success()
        .stdout("added 0, updated 0, unchanged 2, skipped 0 row(s)\n");
    minqing(&db)
        .args(["households", "list", "--village", "曼贺村"])
        .assert()
        .success()
        .stdout(
            "code    township  village  group  head    members  phone        cadre  cadre code\n\
             530001  勐烈镇    曼贺村   一组   李明          5  13800000001  王芳\n\
             530002  勐烈镇    曼贺村   二组   白玉兰        6               王芳\n\
             530004  勐烈镇    曼贺村   三组   Li Hua        3\n",
        );
}

#[test]
fn gbk_and_utf16_files_are_decoded() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let gbk = dir.path().join("gbk.csv");
    let (encoded, _, bad) = encoding_rs::GBK.encode(ZH);
    assert!(!bad);
    assert!(std::str::from_utf8(&encoded).is_err(), "really not UTF-8");
    fs::write(&gbk, &encoded).expect("write");
    minqing(&db)
        .args(["households", "import"])
        .arg(&gbk)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("added 3,"));
    minqing(&db)
        .args(["households", "list"])
        .assert()
        .stdout(predicate::str::contains("刀岩"));

    let utf16 = dir.path().join("utf16.csv");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in EN.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    fs::write(&utf16, bytes).expect("write");
    minqing(&db)
        .args(["households", "import"])
        .arg(&utf16)
        .assert()
        .success()
        .stdout("added 1, updated 1, unchanged 0, skipped 0 row(s)\n");
}

#[test]
fn bad_rows_are_all_reported_and_nothing_is_imported() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let csv = dir.path().join("bad.csv");
    fs::write(
        &csv,
        "户编码,乡镇,村,户主,人口\n\
         A1,勐烈镇,曼贺村,李明,4\n\
         A2,勐烈镇,,白玉兰,六\n\
         A1,勐烈镇,曼贺村,刀岩,0\n\
         A4,勐烈镇,曼贺村,岩温,３\n",
    )
    .expect("write");
    minqing(&db)
        .args(["households", "import"])
        .arg(&csv)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "line 3: members '六' is not a whole number; village is empty",
        ))
        .stderr(predicate::str::contains(
            "line 4: members must be a whole number from 1 to 99, found 0; code A1 is also on line 2",
        ))
        .stderr(predicate::str::contains("2 row(s) have errors and nothing was imported"));
    minqing(&db)
        .args(["households", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("A1").not());
    minqing(&db)
        .args(["households", "import", "--skip-bad"])
        .arg(&csv)
        .assert()
        .success()
        .stdout("added 2, updated 0, unchanged 0, skipped 2 row(s)\n")
        .stderr(predicate::str::contains("line 3:"));
    minqing(&db)
        .args(["households", "list"])
        .assert()
        .stdout(predicate::str::contains("岩温"));
}

#[test]
fn missing_columns_and_unreadable_encodings_are_explained() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let csv = dir.path().join("cols.csv");
    fs::write(&csv, "code,village,head\nA,B,C\n").expect("write");
    minqing(&db)
        .args(["households", "import"])
        .arg(&csv)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the header lacks these columns: township, members",
        ));
    let binary = dir.path().join("bin.csv");
    fs::write(&binary, [0x81u8, 0x30, 0xFF, 0xFF, 0x00, 0x81]).expect("write");
    minqing(&db)
        .args(["households", "import"])
        .arg(&binary)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("encoding is not recognised"));
}

#[test]
fn the_db_option_goes_before_or_after_the_subcommand_and_env_works() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("sub/dir/m.db");
    let registry = dir.path().join("r.csv");
    fs::write(
        &registry,
        "code,township,village,head,members\nH1,T,V,王,3\n",
    )
    .expect("csv");
    let mut cmd = Command::cargo_bin("minqing").expect("binary");
    cmd.env_remove("MINQING_DB")
        .args(["--lang", "en", "households", "import"])
        .arg(&registry)
        .arg("--db")
        .arg(&db)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "database: {}",
            db.display()
        )));
    assert!(db.exists(), "created with its folders");
    let other = dir.path().join("env.db");
    let mut cmd = Command::cargo_bin("minqing").expect("binary");
    cmd.env("MINQING_DB", &other)
        .args(["--lang", "en", "households", "import"])
        .arg(&registry)
        .assert()
        .success();
    let mut cmd = Command::cargo_bin("minqing").expect("binary");
    cmd.env("MINQING_DB", &other)
        .args(["--lang", "en", "households", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("H1"));
}

#[test]
fn demo_backup_and_merge_from_the_command_line() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("county.db");
    minqing(&db)
        .args(["demo", "--households", "300", "--seed", "7"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "demo county written: 300 households in 1 villages",
        ));
    let backup = dir.path().join("backup.db");
    minqing(&db).arg("backup").arg(&backup).assert().success();
    minqing(&db)
        .arg("backup")
        .arg(&backup)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    let empty = dir.path().join("empty.db");
    minqing(&empty)
        .arg("merge")
        .arg(&backup)
        .assert()
        .success()
        .stdout(predicate::str::contains("households +300"));
    minqing(&empty)
        .arg("merge")
        .arg(&backup)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "households +0 updated 0 unchanged 300; interviews +0 updated 0",
        ));
    let junk = dir.path().join("junk.db");
    fs::write(&junk, "junk").expect("write");
    minqing(&empty)
        .arg("merge")
        .arg(&junk)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not merged"));
}

#[test]
fn the_demo_county_is_deterministic() {
    let dir = TempDir::new().expect("temp dir");
    let dump = |db: &Path| -> String {
        let conn = rusqlite::Connection::open(db).expect("open");
        let mut stmt = conn
            .prepare(
                "SELECT h.code, h.village, h.head, h.members, hex(i.uuid), i.status, i.answers, i.hits
                 FROM interview i JOIN household h ON h.id = i.household_id ORDER BY i.uuid",
            )
            .expect("select");
        let rows = stmt
            .query_map([], |r| {
                Ok(format!(
                    "{}|{}|{}|{}|{}|{}|{}|{}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?
                ))
            })
            .expect("rows");
        rows.map(|r| r.expect("row")).collect::<Vec<_>>().join("\n")
    };
    let (a, b, c) = (
        dir.path().join("a.db"),
        dir.path().join("b.db"),
        dir.path().join("c.db"),
    );
    for (db, seed) in [(&a, "3"), (&b, "3"), (&c, "4")] {
        minqing(db)
            .args(["demo", "--households", "500", "--seed", seed])
            .assert()
            .success();
    }
    assert_eq!(dump(&a), dump(&b), "the same seed gives the same county");
    minqing(&a)
        .args(["demo", "--households", "10"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already holds data"));
    assert_ne!(dump(&a), dump(&c));
    let conn = rusqlite::Connection::open(&a).expect("open");
    let (villages, drafts, hits): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(DISTINCT village) FROM household),
                    (SELECT count(*) FROM interview WHERE status = 'draft'),
                    (SELECT count(*) FROM interview WHERE hits != '')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("counts");
    assert_eq!(villages, 2);
    assert!(drafts > 0 && hits > 0);
}

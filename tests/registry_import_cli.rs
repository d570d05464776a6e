//! `minqing households import` on the files counties really hand over:
//! registries without the optional columns or with their Chinese synonyms,
//! files that mix encodings, Excel's own exports and "Unicode text",
//! look-alike codes, empty and non-CSV files; and `households list` on
//! fields that hold control characters. Through the real binary, on a real
//! database in a temporary folder.

mod common;

use std::fs;
use std::path::Path;

use common::minqing;
use predicates::prelude::*;
use tempfile::TempDir;

const FULL: &str = "code,township,village,group,head,members,phone,cadre,notes\n\
A1,勐烈镇,曼贺村,一组,李明,4,13800000001,王芳,低保户\n\
A2,勐烈镇,曼贺村,二组,白玉兰,6,13800000002,王芳,\n";

/// The real binary on database `db`, in Chinese.
fn in_chinese(db: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("minqing").expect("binary");
    cmd.env_remove("LC_ALL")
        .env_remove("LANG")
        .env_remove("MINQING_DB");
    cmd.arg("--lang").arg("zh").arg("--db").arg(db);
    cmd
}

/// Standard output of a successful command.
fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("UTF-8 output")
}

/// The households as the plain CSV export writes them.
fn exported(db: &Path) -> String {
    stdout_of(minqing(db).args(["export", "households", "--plain", "--out", "-"]))
}

fn import(db: &Path, file: &Path) -> assert_cmd::assert::Assert {
    minqing(db)
        .args(["households", "import"])
        .arg(file)
        .assert()
}

#[test]
fn columns_absent_from_the_file_leave_stored_fields_alone() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let full = dir.path().join("full.csv");
    fs::write(&full, FULL).expect("write");
    import(&db, &full).success();
    let short = dir.path().join("short.csv");
    fs::write(
        &short,
        "code,township,village,head,members\nA1,勐烈镇,曼贺村,李明,5\n",
    )
    .expect("write");
    import(&db, &short)
        .success()
        .stdout("added 0, updated 1, unchanged 0, skipped 0 row(s)\n");
    assert_eq!(
        exported(&db),
        "code,township,village,group,head,members,phone,cadre,cadre_code,unit,notes\n\
         A1,勐烈镇,曼贺村,一组,李明,5,13800000001,王芳,,,低保户\n\
         A2,勐烈镇,曼贺村,二组,白玉兰,6,13800000002,王芳,,,\n"
    );
}

#[test]
fn chinese_synonyms_of_optional_columns_are_read_and_unknown_columns_named() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let full = dir.path().join("full.csv");
    fs::write(&full, FULL).expect("write");
    import(&db, &full).success();
    let synonyms = dir.path().join("synonyms.csv");
    fs::write(
        &synonyms,
        "户编码,乡镇,村,户主,人口,手机号码,村民小组,挂钩干部,备注,身份证号\n\
         A1,勐烈镇,曼贺村,李明,4,13900000009,三组,赵强,搬迁户,530102199001011234\n\
         A2,勐烈镇,曼贺村,白玉兰,6,,,,,\n",
    )
    .expect("write");
    import(&db, &synonyms)
        .success()
        .stdout("added 0, updated 1, unchanged 1, skipped 0 row(s)\n")
        .stderr(predicate::str::contains(
            "warning: these columns are not registry fields and were ignored: 身份证号",
        ));
    let other = dir.path().join("other.csv");
    fs::write(
        &other,
        "户编码,乡镇,村,户主,人口,联系电话,包户干部\nA2,勐烈镇,曼贺村,白玉兰,6,13700000007,钱多\n",
    )
    .expect("write");
    import(&db, &other).success();
    assert_eq!(
        exported(&db),
        "code,township,village,group,head,members,phone,cadre,cadre_code,unit,notes\n\
         A1,勐烈镇,曼贺村,三组,李明,4,13900000009,赵强,,,搬迁户\n\
         A2,勐烈镇,曼贺村,二组,白玉兰,6,13700000007,钱多,,,\n"
    );
    in_chinese(&db)
        .args(["households", "import"])
        .arg(&synonyms)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "警告:这些列不是名册的字段,已忽略:身份证号",
        ));
}

#[test]
fn empty_cells_keep_stored_values_unless_clear_empty_is_given() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let full = dir.path().join("full.csv");
    fs::write(&full, FULL).expect("write");
    import(&db, &full).success();
    let blanks = dir.path().join("blanks.csv");
    fs::write(
        &blanks,
        "code,township,village,group,head,members,phone,cadre,notes\n\
         A1,勐烈镇,曼贺村,,李明,4,,王芳,\n",
    )
    .expect("write");
    import(&db, &blanks)
        .success()
        .stdout("added 0, updated 0, unchanged 1, skipped 0 row(s)\n");
    assert!(exported(&db).contains("A1,勐烈镇,曼贺村,一组,李明,4,13800000001,王芳,,,低保户\n"));
    minqing(&db)
        .args(["households", "import", "--clear-empty"])
        .arg(&blanks)
        .assert()
        .success()
        .stdout("added 0, updated 1, unchanged 0, skipped 0 row(s)\n");
    assert!(exported(&db).contains("A1,勐烈镇,曼贺村,,李明,4,,王芳,,,\n"));
}

#[test]
fn a_file_mixing_utf8_and_gbk_rows_is_refused_naming_the_first_other_row() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let mut bytes = "户编码,乡镇,村,户主,人口\nA1,勐烈镇,曼贺村,李明,4\n"
        .as_bytes()
        .to_vec();
    let (gbk, _, bad) = encoding_rs::GBK.encode("A2,勐烈镇,曼贺村,刀岩,2\n");
    assert!(!bad);
    bytes.extend_from_slice(&gbk);
    bytes.extend_from_slice("A3,勐烈镇,曼贺村,白玉兰,3\n".as_bytes());
    let mixed = dir.path().join("mixed.csv");
    fs::write(&mixed, &bytes).expect("write");
    import(&db, &mixed)
        .code(1)
        .stderr(predicate::str::contains("line 3 is not UTF-8"))
        .stderr(predicate::str::contains("nothing was imported"))
        .stderr(predicate::str::contains(
            "save the whole file in one encoding",
        ));
    in_chinese(&db)
        .args(["households", "import"])
        .arg(&mixed)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("第 3 行不是 UTF-8"));
    assert_eq!(
        exported(&db),
        "code,township,village,group,head,members,phone,cadre,cadre_code,unit,notes\n"
    );
}

/// A registry with everything the Excel export protects: codes of digits
/// with a leading zero, text that starts like a formula (or with an
/// apostrophe before one), a phone with +, a newline in a note.
const TRICKY: &str = "code,township,village,group,head,members,phone,cadre,notes\n\
0100010001,勐烈镇,曼贺村,一组,李明,4,08712123456,王芳,=SUM(A1)\n\
0100010002,勐烈镇,曼贺村,一组,白玉兰,6,+86 13800000002,-王芳,\"@home\nsecond line\"\n\
B3,勐烈镇,曼贺村,二组,'刀岩,2,,''-王芳,'=not a formula\n\
530004,勐烈镇,曼贺村,二组,岩温,3,,,+1\n";

#[test]
fn an_excel_export_of_households_imports_back_unchanged() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let registry = dir.path().join("tricky.csv");
    fs::write(&registry, TRICKY).expect("write");
    import(&db, &registry)
        .success()
        .stdout("added 4, updated 0, unchanged 0, skipped 0 row(s)\n");
    let before = exported(&db);
    let listed = stdout_of(minqing(&db).args(["households", "list"]));
    let excel = dir.path().join("excel.csv");
    minqing(&db)
        .args(["export", "households", "--excel", "--out"])
        .arg(&excel)
        .assert()
        .success();
    let excel_bytes = fs::read(&excel).expect("read");
    assert!(excel_bytes.starts_with(b"\xEF\xBB\xBFcode,"));
    let excel_text = String::from_utf8_lossy(&excel_bytes);
    assert!(excel_text.contains("=\"\"0100010001\"\""), "{excel_text}");
    assert!(excel_text.contains("'=SUM(A1)"), "{excel_text}");
    import(&db, &excel)
        .success()
        .stdout("added 0, updated 0, unchanged 4, skipped 0 row(s)\n");
    assert_eq!(exported(&db), before);

    let fresh = dir.path().join("fresh.db");
    import(&fresh, &excel)
        .success()
        .stdout("added 4, updated 0, unchanged 0, skipped 0 row(s)\n");
    assert_eq!(exported(&fresh), before);
    assert_eq!(
        stdout_of(minqing(&fresh).args(["households", "list"])),
        listed
    );
    let again = dir.path().join("again.csv");
    minqing(&fresh)
        .args(["export", "households", "--excel", "--out"])
        .arg(&again)
        .assert()
        .success();
    assert_eq!(fs::read(&again).expect("read"), excel_bytes);
}

#[test]
fn the_demo_county_goes_through_excel_and_back_byte_for_byte() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("demo.db");
    minqing(&db)
        .args(["demo", "--households", "200", "--seed", "5"])
        .assert()
        .success();
    let excel = dir.path().join("households.csv");
    minqing(&db)
        .args(["export", "households", "--excel", "--out"])
        .arg(&excel)
        .assert()
        .success();
    import(&db, &excel)
        .success()
        .stdout("added 0, updated 0, unchanged 200, skipped 0 row(s)\n");
    let fresh = dir.path().join("fresh.db");
    import(&fresh, &excel)
        .success()
        .stdout("added 200, updated 0, unchanged 0, skipped 0 row(s)\n");
    let again = dir.path().join("again.csv");
    minqing(&fresh)
        .args(["export", "households", "--excel", "--out"])
        .arg(&again)
        .assert()
        .success();
    assert_eq!(
        fs::read(&again).expect("read"),
        fs::read(&excel).expect("read")
    );
}

#[test]
fn look_alike_codes_are_one_household_and_the_normalising_is_reported() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let looks = ["Z1", "Z1\u{200B}", "\u{200B}Z1", "Z1\u{2060}", "Z\u{FF11}"];
    let mut text = String::from("code,township,village,head,members\n");
    for (n, code) in looks.iter().enumerate() {
        text.push_str(&format!("{code},勐烈镇,曼贺村,户主{n},{}\n", n + 1));
    }
    let together = dir.path().join("together.csv");
    fs::write(&together, &text).expect("write");
    import(&db, &together)
        .code(1)
        .stderr(predicate::str::contains(
            "line 3: code Z1 (written \"Z1\\u{200b}\") is also on line 2",
        ))
        .stderr(predicate::str::contains(
            "line 6: code Z1 (written \"Z１\") is also on line 2",
        ))
        .stderr(predicate::str::contains("4 row(s) have errors"));
    for (n, code) in looks.iter().enumerate() {
        let one = dir.path().join(format!("one{n}.csv"));
        fs::write(
            &one,
            format!(
                "code,township,village,head,members\n{code},勐烈镇,曼贺村,李明,{}\n",
                n + 1
            ),
        )
        .expect("write");
        let assert = import(&db, &one).success();
        if n > 0 {
            assert
                .stdout("added 0, updated 1, unchanged 0, skipped 0 row(s)\n")
                .stderr(predicate::str::contains(
                    "normalised 1 household code(s) (invisible characters removed, full-width letters and digits made plain), e.g. line 2: ",
                ));
        }
    }
    assert_eq!(
        exported(&db),
        "code,township,village,group,head,members,phone,cadre,cadre_code,unit,notes\n\
         Z1,勐烈镇,曼贺村,,李明,5,,,,,\n"
    );
    in_chinese(&db)
        .args(["households", "import"])
        .arg(dir.path().join("one4.csv"))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "规范了 1 个户编码(去掉不可见字符,全角字母和数字改为半角),例如 第 2 行:\"Z１\" → \"Z1\"",
        ));
}

#[test]
fn an_empty_file_says_it_is_empty() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    for (name, bytes) in [
        ("zero.csv", &b""[..]),
        ("bom.csv", &b"\xEF\xBB\xBF\r\n"[..]),
        ("utf16.csv", &b"\xFF\xFE"[..]),
    ] {
        let file = dir.path().join(name);
        fs::write(&file, bytes).expect("write");
        import(&db, &file)
            .code(1)
            .stderr(predicate::str::contains("the file is empty"))
            .stderr(predicate::str::contains("lacks").not());
    }
}

/// The registry as Excel's "Unicode text" writes it: UTF-16 with a
/// byte-order mark, tab-separated, CRLF.
fn unicode_text(rows: &str, big_endian: bool) -> Vec<u8> {
    let text = rows.replace(',', "\t").replace('\n', "\r\n");
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    bytes
}

#[test]
fn excel_unicode_text_in_utf16_with_tabs_is_imported() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let le = dir.path().join("le.txt");
    fs::write(&le, unicode_text(FULL, false)).expect("write");
    import(&db, &le)
        .success()
        .stdout("added 2, updated 0, unchanged 0, skipped 0 row(s)\n");
    let be = dir.path().join("be.txt");
    fs::write(&be, unicode_text(FULL, true)).expect("write");
    import(&db, &be)
        .success()
        .stdout("added 0, updated 0, unchanged 2, skipped 0 row(s)\n");
    assert!(exported(&db).contains("A1,勐烈镇,曼贺村,一组,李明,4,13800000001,王芳,,,低保户\n"));
}

#[test]
fn a_workbook_is_named_as_such_and_not_read_as_csv() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let xlsx = dir.path().join("registry.xlsx");
    let mut bytes = b"PK\x03\x04\x14\x00\x06\x00\x08\x00".to_vec();
    bytes.extend_from_slice(b"[Content_Types].xml");
    bytes.extend_from_slice(&[0u8, 0x9C, 0xFF, 0x01, 0x88]);
    fs::write(&xlsx, &bytes).expect("write");
    import(&db, &xlsx)
        .code(1)
        .stderr(predicate::str::contains("this is an Excel workbook"))
        .stderr(predicate::str::contains("save it as CSV UTF-8"));
    in_chinese(&db)
        .args(["households", "import"])
        .arg(&xlsx)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("这是 Excel 工作簿"));
    let xls = dir.path().join("old.xls");
    fs::write(&xls, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00").expect("write");
    import(&db, &xls)
        .code(1)
        .stderr(predicate::str::contains("an Excel 97-2003 workbook"));
}

#[test]
fn list_shows_control_characters_escaped_and_exports_keep_them() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("m.db");
    let file = dir.path().join("controls.csv");
    fs::write(
        &file,
        "code,township,village,group,head,members,cadre,notes\n\
         C1,勐烈镇,曼贺村,\"一\n组\",\"李\t明\",4,\"\u{1b}[31m王芳\",x\n\
         C2,勐烈镇,曼贺村,二组,岩温,3,钱多,\n",
    )
    .expect("write");
    import(&db, &file).success();
    let listed = stdout_of(minqing(&db).args(["households", "list"]));
    assert_eq!(
        listed,
        "code  township  village  group   head    members  phone  cadre           cadre code\n\
         C1    勐烈镇    曼贺村   一\\n组  李\\t明        4         \\u{1b}[31m王芳\n\
         C2    勐烈镇    曼贺村   二组    岩温          3         钱多\n"
    );
    assert!(!listed.contains('\u{1b}'));
    assert!(exported(&db).contains("C1,勐烈镇,曼贺村,\"一\n组\",李\t明,4,,\u{1b}[31m王芳,,,x\n"));
}

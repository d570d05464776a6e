//! What the joint meeting reads: projects that rules share counted once,
//! the households' own view beside the measured need, and each village
//! at a glance, through the real binary on a county answered by hand.

mod common;

use std::fs;

use common::{demo_county, minqing};
use tempfile::TempDir;

use minqing::store::Store;
use minqing::store::household::Household;
use minqing::survey::bundled::BUNDLED;
use minqing::survey::load;

/// 勐烈镇 曼贺村: 5 households, all answering the water questionnaire. Water
/// made someone ill at H1 and H2; it is cloudy at H2, H3 and H4 (both
/// rules name "Water testing and treatment"); H5 has good water. H1 and
/// H3 call their water urgent (cadre 张三, code 007). 整董镇 那洒村: 2
/// households, H6 cloudy water and no toilet, H7 nothing; neither calls it
/// urgent (cadre 李四, code 0420).
pub fn county(dir: &TempDir) -> std::path::PathBuf {
    let db = dir.path().join("county.db");
    let store = Store::open(&db).expect("open");
    let mut households = Vec::new();
    for n in 1..=7 {
        households.push(Household {
            code: format!("H{n}"),
            township: if n <= 5 { "勐烈镇" } else { "整董镇" }.into(),
            village: if n <= 5 { "曼贺村" } else { "那洒村" }.into(),
            head: format!("李{n}"),
            members: n,
            // Cadre codes of digits with leading zeros stay text.
            cadre: if n <= 5 { "张三" } else { "李四" }.into(),
            cadre_code: if n <= 5 { "007" } else { "0420" }.into(),
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

/// The place of the column headed `name` in a sheet's first row.
fn column_of(sheet: &calamine::Range<calamine::Data>, name: &str) -> usize {
    sheet
        .rows()
        .next()
        .and_then(|header| {
            header
                .iter()
                .position(|h| matches!(h, calamine::Data::String(s) if s == name))
        })
        .unwrap_or_else(|| panic!("column {name}"))
}

/// `minqing export WHAT --plain` of `db`, read back cell by cell.
fn exported(db: &std::path::Path, what: &str) -> Vec<Vec<String>> {
    let out = db.with_extension(format!("{what}.csv"));
    minqing(db)
        .args(["export", what, "--plain", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    read_csv(&out)
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
    let rows = exported(&db, "priorities");
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
    let rows = exported(&db, "villages");
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

#[test]
fn the_workbook_holds_its_sheets_numbers_as_numbers_codes_as_text_and_charts() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let out = dir.path().join("brief.xlsx");
    minqing(&db)
        .args(["report", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut book: Xlsx<_> = open_workbook(&out).expect("a workbook calamine reads");
    assert_eq!(
        book.sheet_names(),
        ["Summary", "Projects", "Charts", "Coverage", "Method"]
    );
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formula in {name}"
        );
    }
    // Projects: a header, then one row per project, numbers as numbers.
    let projects = book.worksheet_range("Projects").expect("projects");
    let col = |name: &str| column_of(&projects, name);
    let rows: Vec<&[Data]> = projects.rows().skip(1).collect();
    let treatment = rows
        .iter()
        .find(|r| {
            r[col("village")] == Data::String("曼贺村".into())
                && r[col("project")] == Data::String("Water testing and treatment".into())
        })
        .expect("the shared project");
    assert_eq!(treatment[col("households affected")], Data::Float(4.0));
    assert_eq!(treatment[col("share")], Data::Float(0.8));
    assert_eq!(treatment[col("called it urgent")], Data::Float(0.5));
    assert_eq!(treatment[col("estimated cost (yuan)")], Data::Float(3200.0));
    assert_eq!(
        treatment[col("rule")],
        Data::String("water.water_illness+water_quality".into())
    );
    assert!(matches!(treatment[col("rank band")], Data::String(_)));
    // Summary: the townships, then the county's total.
    let summary = book.worksheet_range("Summary").expect("summary");
    let total = summary
        .rows()
        .find(|r| r.first() == Some(&Data::String("total".into())))
        .expect("total line");
    assert_eq!(total[1], Data::Float(2.0), "two villages");
    assert_eq!(total[2], Data::Float(7.0), "seven households registered");
    assert_eq!(total[5], Data::Float(5.0), "urgent households, each once");
    // Coverage: the cadre codes as text, leading zeros kept.
    let coverage = book.worksheet_range("Coverage").expect("coverage");
    let codes: Vec<&Data> = coverage.rows().filter_map(|r| r.get(1)).collect();
    assert!(codes.contains(&&Data::String("007".into())), "{codes:?}");
    assert!(codes.contains(&&Data::String("0420".into())));
    // Three native charts (calamine reads cells, not charts: their parts
    // are named in the file's directory).
    let bytes = fs::read(&out).expect("read");
    for part in [
        "xl/charts/chart1.xml",
        "xl/charts/chart2.xml",
        "xl/charts/chart3.xml",
    ] {
        assert!(
            bytes.windows(part.len()).any(|w| w == part.as_bytes()),
            "{part} in the workbook"
        );
    }
    assert!(!bytes.windows(20).any(|w| w == b"xl/charts/chart4.xml"));

    // In Chinese, the sheets are named in Chinese.
    let zh = dir.path().join("简报.xlsx");
    common::minqing_in(&db, "zh")
        .args(["report", "--out"])
        .arg(&zh)
        .assert()
        .success();
    let book: Xlsx<_> = open_workbook(&zh).expect("workbook");
    assert_eq!(book.sheet_names(), ["摘要", "项目", "图表", "覆盖", "方法"]);
}

#[test]
fn a_brief_is_never_written_over_a_file_unasked_nor_in_an_unknown_form() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let out = dir.path().join("brief.xlsx");
    fs::write(&out, "the planner's own file").expect("write");
    minqing(&db)
        .args(["report", "--out"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("--force"));
    assert_eq!(
        fs::read_to_string(&out).expect("read"),
        "the planner's own file"
    );
    minqing(&db)
        .args(["report", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(fs::read(&out).expect("read").starts_with(b"PK"));
    // The database itself is never a target, whatever its name.
    let copy = dir.path().join("county.xlsx");
    fs::copy(&db, &copy).expect("copy");
    minqing(&copy)
        .args(["report", "--force", "--out"])
        .arg(&copy)
        .assert()
        .code(1);
    minqing(&db)
        .args(["report", "--out"])
        .arg(dir.path().join("brief.pdf"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains(".xlsx"));
    minqing(&db)
        .args(["report", "--township", "没有的乡", "--out"])
        .arg(dir.path().join("b.html"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("没有的乡"));
    assert!(!dir.path().join("b.html").exists());
}

/// Chromium, headless, as the tests start it: no sandbox (tests may run
/// as root), no network, a fresh profile.
fn chromium(profile: &std::path::Path) -> std::process::Command {
    let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("Chromium, for the print test: bash tests/run.sh installs it (Debian's chromium)");
    let mut cmd = std::process::Command::new(binary);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

#[test]
fn the_printed_brief_has_a_page_per_township_and_the_county_s_names_and_totals() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    let html = dir.path().join("brief.html");
    common::minqing_in(&db, "zh")
        .args(["report", "--out"])
        .arg(&html)
        .assert()
        .success();
    let page = fs::read_to_string(&html).expect("read");
    assert!(!page.contains("<script"), "no script needed to read it");
    for fetched in ["src=\"http", "href=\"http", "<link", "@import", "url("] {
        assert!(!page.contains(fetched), "nothing fetched: {fetched}");
    }
    let pdf = dir.path().join("brief.pdf");
    let png = dir.path().join("brief.png");
    let url = format!("file://{}", html.display());
    let printed = chromium(&dir.path().join("profile"))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(
        pdf.exists(),
        "printed: {}",
        String::from_utf8_lossy(&printed.stderr)
    );
    // The first page as a picture, at A4's size in CSS pixels.
    chromium(&dir.path().join("profile2"))
        .args(["--window-size=794,1123", "--hide-scrollbars"])
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(fs::read(&png).expect("screenshot").starts_with(b"\x89PNG"));
    // The printed first page as a picture (docs/brief.png is made so:
    // MINQING_BRIEF_PNG=docs/brief.png cargo test --test brief printed).
    let first = dir.path().join("first");
    let made = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&first)
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(made.success());
    let first = first.with_extension("png");
    assert!(
        fs::read(&first)
            .expect("first page")
            .starts_with(b"\x89PNG")
    );
    if let Ok(docs) = std::env::var("MINQING_BRIEF_PNG") {
        fs::copy(&first, docs).expect("copy the first page");
    }
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 3")),
        "a summary page and one per township: {info}"
    );
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in [
        "民情分析联席会议简报",
        "勐烈镇",
        "整董镇",
        "曼贺村",
        "那洒村",
        "合计",
        "水质检测与净化设备",
    ] {
        assert!(
            text.contains(expected),
            "{expected} in the printed brief:\n{text}"
        );
    }
    // The county's totals: 2 villages, 7 households registered and
    // surveyed, 5 with an urgent need.
    let total = text
        .lines()
        .find(|l| l.trim_start().starts_with("合计"))
        .expect("the total line");
    let numbers: Vec<&str> = total.split_whitespace().collect();
    assert_eq!(&numbers[1..6], ["2", "7", "7", "100%", "5"], "{total}");
}

#[test]
fn the_households_view_is_shown_at_any_length_and_a_long_counted_list_says_how_to_see_it() {
    let dir = TempDir::new().expect("temp dir");
    let db = demo_county(dir.path(), &["--households", "3000", "--seed", "7"]);
    // Every project of 3,000 households, from the counts kept per village.
    let all = minqing(&db).args(["priorities"]).assert().success();
    let text = String::from_utf8_lossy(&all.get_output().stdout).to_string();
    assert!(text.contains("called it urgent"));
    // Per group, counted household by household: more than 2,000
    // households are not read one by one.
    let groups = minqing(&db)
        .args(["priorities", "--by", "group"])
        .assert()
        .success();
    let out = groups.get_output();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("called it urgent"));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("'called it urgent' is shown for lists of at most 2000 households")
    );
    // The export has it, as the terminal list does.
    let rows = exported(&db, "priorities");
    let filled = (1..rows.len())
        .filter(|&r| !cell(&rows, r, "called it urgent").is_empty())
        .count();
    assert!(
        filled * 10 > (rows.len() - 1) * 9,
        "{filled} of {}",
        rows.len() - 1
    );
    let share: f64 = cell(&rows, 1, "called it urgent").parse().expect("a share");
    let first = text.lines().nth(1).expect("a first project");
    assert!(
        first.contains(&format!(" {:.0}% ", share * 100.0)),
        "{share} in\n{first}"
    );
}

#[test]
fn a_shared_project_is_followed_once_under_either_rule_with_all_its_households() {
    let dir = TempDir::new().expect("temp dir");
    let db = county(&dir);
    minqing(&db)
        .args([
            "project",
            "set",
            "曼贺村",
            "water_quality",
            "approved",
            "--amount",
            "3200",
            "--who",
            "李主任",
        ])
        .assert()
        .success();
    // Set again under the other rule: the same project, the same record.
    minqing(&db)
        .args([
            "project",
            "set",
            "曼贺村",
            "water.water_illness+water_quality",
            "funded",
            "--who",
            "李主任",
        ])
        .assert()
        .success();
    let rows = exported(&db, "projects");
    assert_eq!(rows.len(), 2, "one project followed: {rows:?}");
    assert_eq!(cell(&rows, 1, "rule"), "water.water_quality");
    assert_eq!(cell(&rows, 1, "status"), "funded");
    assert_eq!(cell(&rows, 1, "amount (yuan)"), "3200", "carried over");
    // Its households: all four of the shared project, H2 once.
    assert_eq!(cell(&rows, 1, "households"), "4");
    assert_eq!(cell(&rows, 1, "people"), "10");
    // The ranking shows the status on the one row of the project.
    minqing(&db)
        .args(["priorities", "--township", "勐烈镇"])
        .assert()
        .success()
        .stdout(predicates::str::contains("funded"));
    minqing(&db)
        .args(["project", "history", "曼贺村", "water_illness"])
        .assert()
        .success()
        .stdout(predicates::str::contains("approved"))
        .stdout(predicates::str::contains("funded"));
}

#[test]
fn the_workbook_of_two_rounds_holds_the_follow_up_and_the_change_since_the_round_before() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = TempDir::new().expect("temp dir");
    let db = demo_county(
        dir.path(),
        &["--households", "800", "--rounds", "2", "--seed", "3"],
    );
    let summary_total = |path: &std::path::Path| -> Vec<Data> {
        let mut book: Xlsx<_> = open_workbook(path).expect("workbook");
        let sheet = book.worksheet_range("Summary").expect("summary");
        sheet
            .rows()
            .find(|r| r.first() == Some(&Data::String("total".into())))
            .expect("total line")
            .to_vec()
    };
    // The first round's brief: the joint meeting's statuses, counted
    // onwards (a funded project was approved, a done one funded).
    let first = dir.path().join("first.xlsx");
    minqing(&db)
        .args(["report", "--round", "2025年度", "--out"])
        .arg(&first)
        .assert()
        .success();
    let total = summary_total(&first);
    let (approved, funded, done) = (&total[7], &total[8], &total[9]);
    assert_eq!(done, &Data::Float(25.0), "{total:?}");
    assert_eq!(funded, &Data::Float(30.0), "{total:?}");
    assert_eq!(approved, &Data::Float(40.0), "{total:?}");
    assert!(
        matches!(total[11], Data::Float(a) if a > 0.0),
        "approved amounts: {total:?}"
    );
    // The second round's: the change since the first on the projects,
    // and the projects done then whose households are still in need.
    let second = dir.path().join("second.xlsx");
    minqing(&db)
        .args(["report", "--out"])
        .arg(&second)
        .assert()
        .success();
    let mut book: Xlsx<_> = open_workbook(&second).expect("workbook");
    let projects = book.worksheet_range("Projects").expect("projects");
    let col = |name: &str| column_of(&projects, name);
    let rows: Vec<&[Data]> = projects.rows().skip(1).collect();
    let changes = rows
        .iter()
        .filter(|r| {
            matches!(
                r[col("change since the round before (households)")],
                Data::Float(_)
            )
        })
        .count();
    assert_eq!(changes, rows.len(), "every project has its change");
    assert!(
        rows.iter().any(|r| matches!(&r[col("follow-up")], Data::String(s) if s.starts_with("done, need persists (2025年度)"))),
        "a project done in the first round, still in need"
    );
}

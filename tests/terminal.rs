//! The real binary in a real terminal: the test opens a pseudo-terminal of
//! 100×30 (`common/pty.rs`), starts `minqing` in it on a temporary database,
//! types keys into it one at a time and reads the screen as a terminal draws
//! it; the process is killed with SIGKILL mid-interview and started again,
//! and the answers must all be there. Nothing but Rust is needed.

#[path = "common/damage.rs"]
mod damage;
#[path = "common/pty.rs"]
mod pty;

use std::process::Command;
use std::time::{Duration, Instant};

use damage::damage_leaf_pages;
use minqing::store::Store;
use minqing::store::household::Household;
use minqing::store::interview::Status;
use minqing::survey::bundled::BUNDLED;
use minqing::survey::load;
use pty::Pty;
use tempfile::TempDir;
use unicode_width::UnicodeWidthStr;

/// The terminal's columns and rows.
const SIZE: (u16, u16) = (100, 30);

#[test]
fn an_interview_typed_in_a_real_terminal_survives_a_kill() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("field.db");
    {
        let store = Store::open(&db).expect("open");
        store
            .upsert_households(&[Household {
                code: "530001".into(),
                township: "勐烈镇".into(),
                village: "曼贺村".into(),
                head: "李明".into(),
                members: 4,
                ..Household::default()
            }])
            .expect("household");
    }

    let app = Pty::start(&db, SIZE, &[]);
    app.wait_for("Interviewer's name");
    app.keys(&["Wang Fang", "Enter"]);
    app.wait_for("曼贺村");
    app.keys(&["Enter"]);
    app.wait_for("530001");
    app.keys(&["2"]);
    app.wait_for("Main drinking-water source");
    app.keys(&["6"]);
    app.wait_for("Minutes for one round trip");
    app.keys(&["4", "5", "Enter"]);
    app.wait_for("How many metres higher");
    app.keys(&["Enter"]);
    app.wait_for("In the past year, on how many days");
    app.keys(&["6", "0", "Enter"]);
    let screen = app.wait_for("What problems does the drinking water have");
    assert!(screen.contains("saved"), "{screen}");
    // Typed but not confirmed: the keystroke in flight.
    app.keys(&["1"]);
    app.kill_process();
    drop(app);

    let store = Store::open(&db).expect("reopens after the kill");
    store.integrity_check().expect("sound");
    let water = load(BUNDLED[1].1).survey.expect("water");
    let interview = store
        .open_interview("530001", &water, "Wang Fang")
        .expect("interview");
    assert_eq!(
        interview.answers.get("main_source").map(String::as_str),
        Some("surface")
    );
    assert_eq!(
        interview.answers.get("fetch_minutes").map(String::as_str),
        Some("45")
    );
    assert_eq!(
        interview.answers.get("shortage_days").map(String::as_str),
        Some("60")
    );
    assert!(!interview.answers.contains_key("quality_problems"));
    drop(store);

    let app = Pty::start(&db, SIZE, &[]);
    app.wait_for("曼贺村");
    app.keys(&["Enter"]);
    app.wait_for("530001");
    app.keys(&["2"]);
    let screen = app.wait_for("What problems does the drinking water have");
    assert!(
        screen.contains("5 of 9"),
        "resumed where it stopped:\n{screen}"
    );
    app.keys(&["1", "Enter", "3", "2", "4", "Enter"]);
    let screen = app.wait_for("Review");
    assert!(screen.contains("River, pond or canal"), "{screen}");
    app.keys(&["c"]);
    app.wait_for("interview complete");
    app.keys(&["q"]);
    std::thread::sleep(Duration::from_millis(300));
    drop(app);

    let store = Store::open(&db).expect("open");
    let interview = store
        .open_interview("530001", &water, "Wang Fang")
        .expect("interview");
    assert_eq!(interview.status, Status::Complete);
    assert_eq!(
        store.hits(interview.id).expect("hits"),
        "surface_water:4 water_far:3 water_shortage:3 water_quality:3 no_toilet:3"
    );
    assert_eq!(
        store.interviewer().expect("name").as_deref(),
        Some("Wang Fang")
    );
}

#[test]
fn damaged_pages_are_said_in_the_app_which_keeps_running_and_changes_nothing() {
    // The village list reads neither the registry's rows nor the
    // interviews; the households of a village, with the state of each
    // survey, read both.
    for table in ["household", "interview"] {
        damaged_table_in_the_app(table);
    }
}

/// Every leaf page of `table` overwritten with noise, their page headers
/// kept; the app opened on it, and a village opened.
fn damaged_table_in_the_app(table: &str) {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("damaged.db");
    let status = Command::new(env!("CARGO_BIN_EXE_minqing"))
        .args(["--lang", "en", "--db"])
        .arg(&db)
        .args(["demo", "--households", "120"])
        .output()
        .expect("demo");
    assert!(status.status.success());
    let (pages, bytes) = damage_leaf_pages(&db, &[table], None);

    let app = Pty::start(&db, SIZE, &[]);
    app.wait_for("Interviewer's name");
    app.keys(&["Wang Fang", "Enter"]);
    app.wait_for("Township");
    app.keys(&["Enter"]);
    let screen = app.wait_for("is damaged");
    assert!(!screen.contains("program error"), "{table}: {screen}");
    // Still running: the list answers keys, and quits cleanly.
    app.keys(&["Escape"]);
    app.wait_for("Township");
    app.keys(&["q"]);
    app.wait_for_exit();
    drop(app);
    // Whatever the app wrote is in the file itself once it has ended
    // (the journal beside it is folded in and removed).
    assert!(
        !dir.path().join("damaged.db-wal").exists(),
        "{table}: the app closed the file"
    );
    let after = std::fs::read(&db).expect("read");
    // The interviewer's name is the one thing written (into the settings);
    // the damaged pages are as they were.
    for &page in &pages {
        let at = (page as usize - 1) * 4096..page as usize * 4096;
        assert!(
            after[at.clone()] == bytes[at],
            "{table}: page {page} changed"
        );
    }
}

#[test]
fn a_questionnaire_saved_as_gbk_is_reported_and_the_app_starts_with_the_others() {
    let dir = TempDir::new().expect("temp dir");
    let db = dir.path().join("county.db");
    let folder = dir.path().join("surveys");
    std::fs::create_dir(&folder).expect("folder");
    let water = BUNDLED
        .iter()
        .find(|(p, _)| p.ends_with("water.toml"))
        .expect("water")
        .1;
    std::fs::write(folder.join("water.toml"), water).expect("water");
    let health = BUNDLED
        .iter()
        .find(|(p, _)| p.ends_with("health.toml"))
        .expect("health")
        .1;
    let (gbk, _, _) = encoding_rs::GBK.encode(health);
    std::fs::write(folder.join("health.toml"), &gbk).expect("health");
    let app = Pty::start(
        &db,
        SIZE,
        &["--surveys", folder.to_str().expect("UTF-8 path")],
    );
    app.wait_for("Interviewer's name");
    app.keys(&["Wang Fang", "Enter", "Tab", "Tab"]);
    let screen = app.wait_for("looks like GBK");
    assert!(screen.contains("water"), "{screen}");
}

/// A database with one household of 曼贺村, 勐烈镇.
fn one_household(dir: &TempDir) -> std::path::PathBuf {
    let db = dir.path().join("field.db");
    let store = Store::open(&db).expect("open");
    store
        .upsert_households(&[Household {
            code: "530001".into(),
            township: "勐烈镇".into(),
            village: "曼贺村".into(),
            head: "李明".into(),
            members: 4,
            ..Household::default()
        }])
        .expect("household");
    db
}

/// What the walk reads on screen, in the language the app was started in.
struct Words {
    lang: &'static str,
    app: &'static str,
    interviewer: &'static str,
    ask_name: &'static str,
    villages_keys: &'static str,
    code_header: &'static str,
    households_keys: &'static str,
    main_source: &'static str,
    choice_keys: &'static str,
    surface: &'static str,
    fetch_minutes: &'static str,
    type_keys: &'static str,
    minutes_45: &'static str,
    climb: &'static str,
    shortage: &'static str,
    days_60: &'static str,
    quality: &'static str,
    multi_keys: &'static str,
    saved: &'static str,
    review: &'static str,
    review_keys: &'static str,
}

const ZH: Words = Words {
    lang: "zh",
    app: "民情",
    interviewer: "王芳",
    ask_name: "调查员姓名",
    villages_keys: "q 退出",
    code_header: "户编码",
    households_keys: "1-9 问卷",
    main_source: "旱季家里主要饮用水来源?",
    choice_keys: "按数字或字母选择",
    surface: "江河、塘、沟渠水",
    fetch_minutes: "取一次水来回要多少分钟(含排队)?",
    type_keys: "输入后按回车",
    minutes_45: "45 分钟",
    climb: "取水点比家里高或低多少米?",
    shortage: "过去一年有多少天家里饮用水不够?",
    days_60: "60 天",
    quality: "饮用水有哪些问题?(可多选)",
    multi_keys: "按键勾选,回车确认",
    saved: "已保存",
    review: "核对",
    review_keys: "c 完成",
};

const EN: Words = Words {
    lang: "en",
    app: "Minqing",
    interviewer: "Wang Fang",
    ask_name: "Interviewer's name",
    villages_keys: "q quit",
    code_header: "Code",
    households_keys: "1-9 survey",
    main_source: "Main drinking-water source in the dry season?",
    choice_keys: "press a number or letter to choose",
    surface: "River, pond or canal",
    fetch_minutes: "Minutes for one round trip to fetch water",
    type_keys: "type, then Enter",
    minutes_45: "45 minutes",
    climb: "How many metres higher or lower",
    shortage: "In the past year, on how many days",
    days_60: "60 days",
    quality: "What problems does the drinking water have?",
    multi_keys: "keys toggle, Enter confirms",
    saved: "saved",
    review: "Review",
    review_keys: "c complete",
};

/// Checks the screen of a terminal `cols` wide and `rows` high once it
/// shows `first`: every row fits in the terminal (none ran past the right
/// edge into the next), the title bar is still on the first row (nothing
/// scrolled), the status bar is on the last row, the key bar holding
/// `keys`, when the screen has one, is just above it and not cut, and each
/// of `shown` is on the screen whole. Returns the screen.
fn fits(
    app: &Pty,
    w: &Words,
    (cols, rows): (u16, u16),
    first: &str,
    keys: Option<&str>,
    shown: &[&str],
) -> String {
    app.wait_for(first);
    // The rest of the frame may lag the first text a little.
    if let Some(keys) = keys {
        app.wait_for(keys);
    }
    let lines = app.rows();
    let screen = lines.join("\n");
    let at = |what: &str| format!("{}×{} {}, {what}:\n{screen}", cols, rows, w.lang);
    assert_eq!(lines.len(), usize::from(rows), "{}", at("rows"));
    assert_eq!(
        app.wrapped_rows(),
        Vec::<u16>::new(),
        "{}",
        at("a row ran past the right edge")
    );
    for (n, line) in lines.iter().enumerate() {
        assert!(
            line.width() <= usize::from(cols),
            "{}",
            at(&format!("row {n} is {} columns wide", line.width()))
        );
    }
    assert!(lines[0].starts_with(w.app), "{}", at("the title bar"));
    let last = usize::from(rows) - 1;
    // The status bar ends the screen: the file in use, and the interviewer
    // once named.
    assert!(lines[last].contains("field.db"), "{}", at("the status bar"));
    if first != w.ask_name {
        assert!(
            lines[last].contains(w.interviewer),
            "{}",
            at("the status bar")
        );
    }
    if let Some(keys) = keys {
        let key_row = lines
            .iter()
            .rposition(|l| l.contains(keys))
            .unwrap_or_else(|| panic!("{}", at(&format!("the key bar {keys:?}"))));
        assert!(
            key_row + 3 > last,
            "{}",
            at(&format!("the key bar is on row {key_row}"))
        );
        assert!(
            !lines[key_row].contains('…'),
            "{}",
            at("the key bar is cut")
        );
    }
    for text in shown {
        assert!(screen.contains(text), "{}", at(&format!("{text:?} whole")));
    }
    screen
}

/// The walk of a cadre's first interview, in a terminal of `size`, every
/// screen checked with [`fits`]; the answers are in the database after.
fn walk(w: &Words, size: (u16, u16)) {
    let dir = TempDir::new().expect("temp dir");
    let db = one_household(&dir);
    let app = Pty::start_in(w.lang, &db, size, &[]);
    app.wait_for(w.ask_name);
    app.keys(&[w.interviewer]);
    fits(&app, w, size, w.ask_name, None, &[w.interviewer]);
    app.keys(&["Enter"]);
    fits(
        &app,
        w,
        size,
        "曼贺村",
        Some(w.villages_keys),
        &["勐烈镇", "曼贺村"],
    );
    app.keys(&["Enter"]);
    fits(
        &app,
        w,
        size,
        "530001",
        Some(w.households_keys),
        &[w.code_header, "530001", "李明"],
    );
    app.keys(&["2"]);
    fits(
        &app,
        w,
        size,
        w.main_source,
        Some(w.choice_keys),
        &[w.main_source, w.surface, "李明"],
    );
    app.keys(&["6"]);
    fits(
        &app,
        w,
        size,
        w.fetch_minutes,
        Some(w.type_keys),
        &[w.fetch_minutes, w.saved],
    );
    app.keys(&["4", "5"]);
    // The answer typed, with its unit, before it is confirmed.
    fits(
        &app,
        w,
        size,
        w.minutes_45,
        Some(w.type_keys),
        &[w.fetch_minutes, w.minutes_45],
    );
    app.keys(&["Enter"]);
    fits(
        &app,
        w,
        size,
        w.climb,
        Some(w.type_keys),
        &[w.climb, w.saved],
    );
    app.keys(&["Enter"]);
    fits(&app, w, size, w.shortage, Some(w.type_keys), &[w.shortage]);
    app.keys(&["6", "0"]);
    fits(
        &app,
        w,
        size,
        w.days_60,
        Some(w.type_keys),
        &[w.shortage, w.days_60],
    );
    app.keys(&["Enter"]);
    fits(
        &app,
        w,
        size,
        w.quality,
        Some(w.multi_keys),
        &[w.quality, w.saved],
    );
    app.keys(&["C-r"]);
    fits(
        &app,
        w,
        size,
        w.review,
        Some(w.review_keys),
        // The answers whole; a long question may be cut short beside its
        // answer.
        &[w.surface, w.minutes_45, w.days_60],
    );
    app.keys(&["q"]);
    app.wait_for_exit();
    drop(app);

    let store = Store::open(&db).expect("open");
    let water = load(BUNDLED[1].1).survey.expect("water");
    let interview = store
        .open_interview("530001", &water, w.interviewer)
        .expect("interview");
    let answer = |q: &str| interview.answers.get(q).map(String::as_str);
    assert_eq!(answer("main_source"), Some("surface"));
    assert_eq!(answer("fetch_minutes"), Some("45"));
    assert_eq!(answer("fetch_climb_m"), None);
    assert_eq!(answer("shortage_days"), Some("60"));
    assert_eq!(
        store.interviewer().expect("name").as_deref(),
        Some(w.interviewer)
    );
}

#[test]
fn the_walk_fits_80_by_24_in_chinese() {
    walk(&ZH, (80, 24));
}

#[test]
fn the_walk_fits_80_by_24_in_english() {
    walk(&EN, (80, 24));
}

#[test]
fn the_walk_fits_120_by_40_in_english() {
    walk(&EN, (120, 40));
}

#[test]
fn the_walk_fits_120_by_40_in_chinese() {
    walk(&ZH, (120, 40));
}

/// Another program holding the write lock of the database at `db`, as an
/// import or a merge does while it writes, until it is dropped.
struct Writer(rusqlite::Connection);

impl Writer {
    fn hold(db: &std::path::Path) -> Writer {
        let conn = rusqlite::Connection::open(db).expect("another program opens the file");
        conn.execute_batch("BEGIN IMMEDIATE")
            .expect("another program takes the write lock");
        Writer(conn)
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        let _ = self.0.execute_batch("COMMIT");
    }
}

/// The water interview of household 530001 and how many times each of
/// `questions` was changed in its audit trail.
fn water_answers(db: &std::path::Path, questions: &[&str]) -> (Vec<Option<String>>, Vec<usize>) {
    let store = Store::open(db).expect("open");
    let water = load(BUNDLED[1].1).survey.expect("water");
    let interview = store
        .open_interview("530001", &water, "Wang Fang")
        .expect("interview");
    let audit = store.audit(interview.id).expect("audit");
    questions
        .iter()
        .map(|q| {
            (
                interview.answers.get(*q).cloned(),
                audit.iter().filter(|e| e.field == *q).count(),
            )
        })
        .unzip()
}

/// Opens the water survey of household 530001 and answers the source; the
/// app is at the minutes to fetch water.
fn at_the_minutes(db: &std::path::Path) -> Pty {
    let app = Pty::start(db, SIZE, &[]);
    app.wait_for("Interviewer's name");
    app.keys(&["Wang Fang", "Enter"]);
    app.wait_for("曼贺村");
    app.keys(&["Enter"]);
    app.wait_for("530001");
    app.keys(&["2"]);
    app.wait_for("Main drinking-water source");
    app.keys(&["6"]);
    app.wait_for("Minutes for one round trip");
    app
}

#[test]
fn an_answer_confirmed_while_another_program_writes_is_saved_once_and_keys_typed_meanwhile_are_dropped()
 {
    let dir = TempDir::new().expect("temp dir");
    let db = one_household(&dir);
    let app = at_the_minutes(&db);
    app.keys(&["4", "5"]);
    app.wait_for("45 minutes");

    let writer = Writer::hold(&db);
    let held = Instant::now();
    app.keys(&["Enter"]);
    // The cadre, seeing nothing happen, types on: the climb is skipped and
    // the days short of water answered, for questions not yet shown.
    std::thread::sleep(Duration::from_millis(300));
    app.keys(&["Enter", "6", "0", "Enter"]);
    std::thread::sleep(Duration::from_millis(1200));
    // Still waiting: the question stays, with its answer, and nothing of
    // what was typed meanwhile shows.
    let screen = app.screen();
    assert!(screen.contains("Minutes for one round trip"), "{screen}");
    assert!(screen.contains("45 minutes"), "{screen}");
    assert!(!screen.contains("4560"), "{screen}");
    drop(writer);
    let waited = held.elapsed();

    // Saved once the other program is done, and the keys typed meanwhile
    // dropped, with the request to press them again.
    let screen = app.wait_for("keys pressed while waiting were not saved");
    assert!(screen.contains("How many metres higher"), "{screen}");
    assert!(!screen.contains("> 60"), "{screen}");
    let (answers, changes) = water_answers(
        &db,
        &[
            "main_source",
            "fetch_minutes",
            "fetch_climb_m",
            "shortage_days",
        ],
    );
    assert_eq!(
        answers,
        [Some("surface".into()), Some("45".into()), None, None],
        "after a wait of {waited:?}"
    );
    assert_eq!(changes, [1, 1, 0, 0], "each answer saved once");

    // Pressed again, they apply as meant.
    app.keys(&["Enter"]);
    app.wait_for("In the past year, on how many days");
    app.keys(&["6", "0", "Enter"]);
    app.wait_for("What problems does the drinking water have");
    app.keys(&["C-c"]);
    app.wait_for_exit();
    drop(app);
    let (answers, changes) = water_answers(
        &db,
        &[
            "main_source",
            "fetch_minutes",
            "fetch_climb_m",
            "shortage_days",
        ],
    );
    assert_eq!(
        answers,
        [
            Some("surface".into()),
            Some("45".into()),
            None,
            Some("60".into())
        ]
    );
    assert_eq!(changes, [1, 1, 0, 1]);
}

#[test]
fn a_save_that_waits_longer_than_the_app_does_says_not_saved_and_saves_when_pressed_again() {
    let dir = TempDir::new().expect("temp dir");
    let db = one_household(&dir);
    let app = at_the_minutes(&db);
    app.keys(&["4", "5"]);
    app.wait_for("45 minutes");

    let writer = Writer::hold(&db);
    app.keys(&["Enter"]);
    std::thread::sleep(Duration::from_millis(300));
    // Typed during the wait: more digits, and Enter again.
    app.keys(&["6", "0", "Enter"]);
    // The app waits up to 10 seconds, then gives up on this save.
    let screen = app.wait_for_within("not saved, press again", Duration::from_secs(20));
    assert!(screen.contains("Minutes for one round trip"), "{screen}");
    assert!(screen.contains("45 minutes"), "the answer stays:\n{screen}");
    assert!(!screen.contains("4560"), "{screen}");
    assert!(screen.contains("busy"), "{screen}");
    drop(writer);
    let (answers, changes) = water_answers(&db, &["fetch_minutes"]);
    assert_eq!(answers, [None]);
    assert_eq!(changes, [0]);

    // Pressed again once the other program is done: saved, once.
    app.keys(&["Enter"]);
    let screen = app.wait_for("How many metres higher");
    assert!(screen.contains("saved"), "{screen}");
    app.keys(&["C-c"]);
    app.wait_for_exit();
    drop(app);
    let (answers, changes) = water_answers(&db, &["fetch_minutes", "fetch_climb_m"]);
    assert_eq!(answers, [Some("45".into()), None]);
    assert_eq!(changes, [1, 0]);
}

#[test]
fn the_first_answer_writes_the_interview_and_keys_typed_while_it_waits_answer_no_question() {
    let dir = TempDir::new().expect("temp dir");
    let db = one_household(&dir);
    let app = Pty::start(&db, SIZE, &[]);
    app.wait_for("Interviewer's name");
    app.keys(&["Wang Fang", "Enter"]);
    app.wait_for("曼贺村");
    app.keys(&["Enter"]);
    app.wait_for("530001");

    let writer = Writer::hold(&db);
    // Opening a survey not begun writes nothing, so it does not wait.
    app.keys(&["2"]);
    app.wait_for("Drinking water");
    // The first answer writes the interview with it, and waits; the
    // cadre, seeing nothing happen, types on.
    app.keys(&["6"]);
    std::thread::sleep(Duration::from_millis(300));
    app.keys(&["4", "5"]);
    std::thread::sleep(Duration::from_millis(1200));
    drop(writer);

    let screen = app.wait_for("keys pressed while waiting were not saved");
    app.keys(&["C-c"]);
    app.wait_for_exit();
    drop(app);
    let (answers, changes) = water_answers(&db, &["main_source", "fetch_minutes"]);
    assert_eq!(
        (answers, changes),
        (vec![Some("surface".into()), None], vec![1, 0]),
        "the answer saved once, the keys typed during the wait nowhere:\n{screen}"
    );
}

#[test]
fn a_long_remark_typed_in_a_real_terminal_wraps_with_the_cursor_after_its_last_word() {
    let dir = TempDir::new().expect("temp dir");
    let db = one_household(&dir);
    let app = at_the_minutes(&db);
    for answer in [
        "45", "Enter", "Enter", "40", "Enter", "6", "Enter", "2", "1", "3",
    ] {
        app.keys(&[answer]);
    }
    app.wait_for("Other remarks");
    let remark = "村口的桥去年被冲坏了,孩子上学要绕远路走两个小时 the bridge at the village entrance was washed away last year end";
    app.keys(&[remark]);
    app.wait_for("year end");
    let rows = app.rows();
    let shown: String = rows.iter().flat_map(|r| r.split_whitespace()).collect();
    assert!(
        shown.contains("孩子上学要绕远路走两个小时"),
        "{}",
        app.screen()
    );
    for word in ["bridge", "entrance", "washed", "year", "end"] {
        assert!(shown.contains(word), "{word}: {}", app.screen());
    }
    assert!(app.wrapped_rows().is_empty(), "nothing past the edge");
    let ((row, col), shown_cursor) = app.cursor();
    assert!(shown_cursor, "the cursor is shown while typing");
    let line = &rows[usize::from(row)];
    assert!(
        line.trim_end().ends_with("year end"),
        "the cursor's row ends the text: {line:?}"
    );
    assert!(
        unicode_width::UnicodeWidthStr::width(line.trim_end()) <= usize::from(col),
        "the cursor is after the last word: {line:?} at {col}"
    );
    app.keys(&["Enter"]);
    app.wait_for("Review");
}

/// A roster in a real terminal: the health survey's members listed as
/// rows, a row's questions named after it, "don't know" with Ctrl-D, and
/// the answers saved by row.
#[test]
fn a_roster_and_dont_know_in_a_real_terminal() {
    let dir = TempDir::new().expect("temp dir");
    let db = one_household(&dir);
    let app = Pty::start(&db, SIZE, &[]);
    app.wait_for("Interviewer's name");
    app.keys(&["Wang Fang", "Enter"]);
    app.wait_for("曼贺村");
    app.keys(&["Enter"]);
    app.wait_for("530001");
    app.keys(&["5"]);
    app.wait_for("Is every member enrolled");
    // Someone is not insured; nobody ill or disabled.
    app.keys(&["n"]);
    app.wait_for("Does anyone have a chronic illness");
    app.keys(&["n"]);
    app.wait_for("Does anyone have a disability");
    app.keys(&["n"]);
    let rows = app.wait_for("go on to the next part");
    assert!(
        rows.contains("row 4") && !rows.contains("row 5"),
        "four members: {rows}"
    );
    app.keys(&["Enter"]);
    app.wait_for("How is this member related");
    app.keys(&["1"]);
    let asked = app.wait_for("Is Head of household enrolled");
    assert!(asked.contains("Ctrl-D don't know"), "{asked}");
    app.keys(&["C-d"]);
    // The next row follows at once.
    app.wait_for("Each member · row 2");
    app.keys(&["Escape"]);
    app.wait_for("530001");
    app.keys(&["q"]);
    app.wait_for_exit();
    let store = Store::open(&db).expect("open");
    let health = std::rc::Rc::new(load(BUNDLED[4].1).survey.expect("health loads"));
    let i = store
        .find_interview("530001", &health)
        .expect("read")
        .expect("begun");
    assert_eq!(
        i.answers.get("relation[1]").map(String::as_str),
        Some("head")
    );
    assert_eq!(
        i.answers.get("insured[1]").map(String::as_str),
        Some("[dont_know]")
    );
}
